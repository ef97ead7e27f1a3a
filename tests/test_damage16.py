"""Damaged copies of the readers added in sessions 14-15 that ended as nothing or as "ok" with rows lost (Session 16,
damage16: bench/damage_sweep.py found each class; one scan of every case here, through the CLI).

- JSON: a flipped byte in the ``[{`` that opens an export (its records never read: the sniff wanted ``[{``); a tail
  re-encoded in cp932 or one invalid byte (the whole file decoded as mojibake or U+FFFD: its people unread, ok);
  a cut export whose records hold nested objects (the salvage kept only the innermost objects: addresses without
  the names beside them); a key one character off in one record (``address.fult``: taken for the address column,
  1 person of 40, ok).
- SQL dumps: a lost quote that merges value lists (read ok with 15 rows gone); a zeroed block (its NUL bytes
  dropped with the lines: ok, rows lost, and the statements after it swallowed into one string); a UTF-16 script
  (SSMS) cut after a line end, half a character left (no closing line to miss: ok with rows lost); a statement
  whose ``VALUES`` keyword is damaged (its row skipped, ok).
- Statistics files cut inside their magic (``$FL``, ``<stata_d``, ``HEADER RECORD***``) or a .zsav zeroed after
  two bytes: nothing read, nothing listed.
- HTML/SpreadsheetML tables (the older readers) with a zeroed block: read ok with rows lost; an .xls whose
  record stream has a zeroed block (its shared strings: every string cell read empty, ok, nothing).
- Mail: a mailbox or a message cut inside a header's name (``Content-T``), a browser's saved page (.mhtml) cut
  inside its header block: nothing listed.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from tests.conftest import ROOT
from tests.mail_data import mbox, message
from tests.test_wild13 import _scan

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

ROWS = person_rows(40, 20261216)
PEOPLE = len(ROWS) - 1
COLUMNS = ["name", "kana", "address", "tel", "birthday"]


def _objects() -> list[dict[str, object]]:
    return [{"id": i, "name": n, "kana": k, "address": {"full": a}, "tel": t, "birthday": b}
            for i, (n, k, a, t, b) in enumerate(ROWS[1:], 1)]


def _json_files() -> dict[str, bytes]:
    text = json.dumps(_objects(), ensure_ascii=False, indent=2)
    data = text.encode("utf-8")
    flipped = bytearray(data)
    flipped[3] ^= 0xC8  # "[\n \xeb{": the array's opening damaged, every record whole
    lines = text.splitlines(keepends=True)
    k = len(lines) // 3
    tail_cp932 = "".join(lines[:k]).encode("utf-8") + "".join(lines[k:]).encode("cp932")
    one_bad = bytearray(data)
    one_bad[data.index("山田".encode())] = 0xFF  # one byte no codec explains (a flip in a name)
    key_flipped = [dict(p) for p in _objects()]
    key_flipped[5] = {("tal" if k == "tel" else k): v for k, v in key_flipped[5].items()}  # one record's key damaged
    key_flipped[7] = {("address" if k == "address" else k): ({"fu\u006c\u0074": v["full"]} if k == "address" else v)
                      for k, v in key_flipped[7].items()}  # "address.fult"
    phones = [{**p, ("tel2" if i % 9 == 0 else "tel1"): p["tel"]} for i, p in enumerate(_objects())]
    for p in phones:
        p.pop("tel")
    return {"open_flipped.json": bytes(flipped), "tail_cp932.json": tail_cp932, "one_bad.json": bytes(one_bad),
            "cut_nested.json": data[:len(data) * 3 // 4],
            "key_flipped.jsonl": "\n".join(json.dumps(p, ensure_ascii=False) for p in key_flipped).encode("utf-8"),
            "two_phones.jsonl": "\n".join(json.dumps(p, ensure_ascii=False) for p in phones).encode("utf-8")}


def _mysqldump() -> bytes:
    from tests.test_wild15 import mysqldump

    return mysqldump(ROWS).encode("utf-8")


def _sqlite_dump() -> bytes:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE customers (id INTEGER PRIMARY KEY, {', '.join(c + ' TEXT' for c in COLUMNS)})")
    db.executemany("INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?)", [(i, *map(str, r)) for i, r in enumerate(ROWS[1:], 1)])
    return ("\n".join(db.iterdump()) + "\n").encode("utf-8")


def _sql_files() -> dict[str, bytes]:
    dump = _mysqldump()
    lost_quote = bytearray(dump)
    second = dump.index(b"INSERT INTO", dump.index(b"INSERT INTO") + 1)
    at = dump.index(b"',", second + 200)
    lost_quote[at] = ord("&")  # a string's closing quote flipped: the lists after it shift
    lite = _sqlite_dump()
    at = lite.index(b"VALUES(12,") + 30
    zeroed = lite[:at] + bytes(16) + lite[at + 16:]
    head_zeroed = dump[:101] + bytes(2048) + dump[101 + 2048:]  # the CREATE TABLE and the first rows zeroed
    from tests.test_wild15 import sqlserver_script

    ssms = b"\xff\xfe" + sqlserver_script(ROWS).encode("utf-16-le")
    line_ends = [i for i in range(2, len(ssms), 2) if ssms[i:i + 2] == b"\n\x00"]
    ssms_cut = ssms[:line_ends[len(line_ends) // 2] + 1]  # after a statement's line end, half its last character
    keyword = lite.replace(b"VALUES(5,", b"\x97ALUES(5,")  # one statement's VALUES damaged: its row skipped
    return {"lost_quote.sql": bytes(lost_quote), "zeroed_row.sql": zeroed, "zeroed_head.sql": head_zeroed,
            "ssms_cut.sql": ssms_cut, "keyword.sql": keyword}


def _stats_files(tmp: Path) -> dict[str, bytes]:
    labels = [str(c) for c in ROWS[0]]
    df = pd.DataFrame([[str(c) for c in r] for r in ROWS[1:]], columns=[f"v{i}" for i in range(len(labels))])
    pyreadstat.write_sav(df, str(tmp / "w.zsav"), column_labels=labels, compress=True)
    zsav = (tmp / "w.zsav").read_bytes()
    return {"cut.sav": b"$FL", "cut.dta": b"<stata_d", "cut.xpt": b"HEADER RECORD***", "zeroed.zsav": zsav[:2] + bytes(len(zsav) - 2)}


def _mail_files() -> dict[str, bytes]:
    from tests.pii_data import csv_bytes

    box = mbox([message([("利用者.csv", csv_bytes(ROWS, "cp932"), "rfc2231-utf8")])])
    raw = message([("利用者.csv", csv_bytes(ROWS, "cp932"), "rfc2231-utf8")])
    cut = box.index(b"Content-Type") + len(b"Content-T")
    page = (b"From: <Saved by Blink>\r\nSnapshot-Content-Location: https://intra.example.jp/meibo\r\n"
            b"Subject: meibo\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n")
    return {"box_cut.mbox": box[:cut], "box_cut.txt": box[:cut],
            "mail_cut.eml": raw[:raw.index(b"Content-Type") + len(b"Content-T")],
            "page_cut.mhtml": page[:page.index(b"Content-Type") + 7],  # a browser's saved page cut in its headers
            "page_plain.mht": b"<html><body>\n<table>\n  <tr><td>a</td></tr>\n</table>\n  </body></html>"}


def _markup_files() -> dict[str, bytes]:
    from tests.table_damage import html_table, spreadsheetml

    page, xml = html_table(ROWS), spreadsheetml({"名簿": ROWS})
    at, xat = len(page) // 3, len(xml) // 2
    from tests.pii_data import xls_bytes

    book = xls_bytes({"名簿": ROWS})
    return {"zeroed_book.xls": book[:3242] + bytes(4096) + book[3242 + 4096:],  # its shared strings among them
            "zeroed_page.xls": page[:at] + bytes(512) + page[at + 512:],
            "zeroed_ssml.xls": xml[:xat] + bytes(512) + xml[xat + 512:], "whole_page.xls": page}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict[str, bytes]]:
    tmp = tmp_path_factory.mktemp("damage16")
    files = {**_json_files(), **_sql_files(), **_stats_files(tmp), **_mail_files(), **_markup_files()}
    return _scan(tmp, files), files


def _outcome(findings: dict, name: str) -> tuple[int, list[str]]:
    """(records, listed reasons with their detail codes) of one file and its children."""
    def ours(path: str) -> bool:
        return Path(path.split(" » ")[0]).name == name

    records = sum((f.get("pii") or {}).get("records") or 0 for f in findings["files"] if ours(f["path"]))
    listed = [f"{s['reason']} {json.dumps(s.get('detail_codes'))}" for s in findings["skipped"] if ours(s["path"])]
    listed += [f"{f['status']} {json.dumps(f.get('detail_codes'))}" for f in findings["files"]
               if ours(f["path"]) and f.get("status", "ok") != "ok"]
    return records, listed


def test_damaged_json_exports_keep_their_people(scanned: tuple[dict, dict[str, bytes]]) -> None:
    findings, _ = scanned
    for name in ("open_flipped.json", "tail_cp932.json", "one_bad.json"):
        records, listed = _outcome(findings, name)
        assert records >= PEOPLE - 1, (name, records, listed)  # were 0 (nothing read, or mojibake read ok)
    records, listed = _outcome(findings, "open_flipped.json")
    assert any("json-damaged" in x for x in listed), listed
    records, listed = _outcome(findings, "key_flipped.jsonl")  # was 1 person: the damaged key taken as the address
    assert records == PEOPLE and any("json-key-mended" in x for x in listed), (records, listed)
    records, listed = _outcome(findings, "two_phones.jsonl")  # tel1/tel2: two columns, no damage
    assert records == PEOPLE and not listed, (records, listed)
    records, listed = _outcome(findings, "cut_nested.json")
    assert records >= PEOPLE // 2 and any("json-damaged" in x for x in listed), (records, listed)  # was addresses only


def test_damaged_sql_dumps_say_their_rows_lost(scanned: tuple[dict, dict[str, bytes]]) -> None:
    findings, _ = scanned
    records, listed = _outcome(findings, "lost_quote.sql")
    assert any("sql-rows-unparsed" in x for x in listed), (records, listed)  # was ok with 15 rows gone
    records, listed = _outcome(findings, "zeroed_row.sql")
    assert any("nul-block" in x for x in listed), (records, listed)
    assert records >= PEOPLE - 2, records  # the statements after the block read again (were swallowed)
    records, listed = _outcome(findings, "zeroed_head.sql")
    assert any("nul-block" in x for x in listed), (records, listed)
    records, listed = _outcome(findings, "keyword.sql")  # was ok, one person gone
    assert records == PEOPLE - 1 and any("sql-rows-unparsed" in x for x in listed), (records, listed)
    records, listed = _outcome(findings, "ssms_cut.sql")  # a UTF-16 script of an odd length: cut (was ok, 20 lost)
    assert records and any("sql-dump-cut" in x for x in listed), (records, listed)


def test_statistics_files_cut_inside_their_magic_are_listed(scanned: tuple[dict, dict[str, bytes]]) -> None:
    findings, _ = scanned
    for name in ("cut.sav", "cut.dta", "cut.xpt", "zeroed.zsav"):
        records, listed = _outcome(findings, name)
        assert listed and listed[0].startswith("corrupt"), (name, listed)


def test_mail_cut_inside_a_header_name_is_listed(scanned: tuple[dict, dict[str, bytes]]) -> None:
    findings, _ = scanned
    for name in ("box_cut.mbox", "box_cut.txt", "mail_cut.eml", "page_cut.mhtml"):
        records, listed = _outcome(findings, name)
        assert any("cut-in-header" in x for x in listed), (name, listed)
    assert _outcome(findings, "page_plain.mht") == (0, []), _outcome(findings, "page_plain.mht")  # HTML: no header


def test_markup_tables_with_a_zeroed_block_say_it(scanned: tuple[dict, dict[str, bytes]]) -> None:
    """An Excel HTML page and a SpreadsheetML 2003 workbook with 512 bytes zeroed (fuzz_campaign's seeds): read ok
    with rows lost, nothing said; now `nul-block` (corrupt), the rows left read."""
    findings, _ = scanned
    for name in ("zeroed_page.xls", "zeroed_ssml.xls"):
        records, listed = _outcome(findings, name)
        assert records and any("nul-block" in x for x in listed), (name, records, listed)
    records, listed = _outcome(findings, "zeroed_book.xls")  # every string cell read empty: was ok, nothing
    assert any("nul-block" in x for x in listed), (records, listed)
    assert _outcome(findings, "whole_page.xls") == (PEOPLE, []), _outcome(findings, "whole_page.xls")


def test_nothing_else_is_listed_for_whole_copies(tmp_path: Path) -> None:
    """The whole files the damaged ones come from: read whole, nothing listed (no false alarm from the new checks)."""
    whole = {"whole.json": json.dumps(_objects(), ensure_ascii=False).encode("utf-8"), "whole.sql": _mysqldump(),
             "whole_lite.sql": _sqlite_dump()}
    findings = _scan(tmp_path, whole)
    assert not findings["skipped"], findings["skipped"]
    for name in whole:
        assert _outcome(findings, name) == (PEOPLE, []), (name, _outcome(findings, name))
