"""Small fixes of session 16 (fix16a), each through the CLI.

- A fake Word/PowerPoint document (a compound-file signature, then random bytes: the bench share holds 1,132) was
  listed corrupt with olefile's ``ValueError: Exceeds the limit (4300 digits) for integer string conversion``
  (olefile formats ``2 ** sector_shift`` of the random header into a debug line): the detail named a Python limit,
  not a damaged OLE2 document.
- Two whole-address columns under headers (a JSON export whose first record's key was damaged: ``address.zzzz``
  holding 1 value, ``address.full`` 39; a CSV with 住所 twice): the first was kept (1 person of 40); now, as a
  header-less table does (tables16), the one whose distinct values are nearest the names' (the first of equals:
  住所 | 旧住所 both whole keep 住所).
"""

from __future__ import annotations

import csv
import io
import json
import random
import struct
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.test_wild13 import _scan

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

ROWS = person_rows(40, 20261216)[1:]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _fake_compound(seed: int, shifts: tuple[int, int] | None = None) -> bytes:
    """A compound-file signature and 4 KiB of random bytes (``shifts``: the sector and mini-sector shift fields)."""
    body = bytearray(OLE_MAGIC + random.Random(seed).randbytes(4096))
    if shifts is not None:
        body[0x1E:0x22] = struct.pack("<HH", *shifts)
    return bytes(body)


def test_fake_ole_documents_say_damaged_container(tmp_path: Path) -> None:
    files = {"fake.doc": _fake_compound(1, (0xF000, 6)), "fake_mini.doc": _fake_compound(2, (9, 0xF000)),
             "fake.ppt": _fake_compound(3, (0xF000, 6))}
    findings = _scan(tmp_path, files)
    skipped = {Path(s["path"]).name: s for s in findings["skipped"]}
    assert set(skipped) == set(files), (skipped, findings["files"])
    for name, row in skipped.items():
        assert row["reason"] == "corrupt", row
        said = repr(row["detail_codes"])
        assert "digits" not in row["detail"] and "ValueError" not in said, (name, row)
        assert "ole-corrupt" in said, (name, row)


def _csv(header: list[str], cells: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *cells])
    return out.getvalue().encode("utf-8")


def test_two_address_columns_keep_the_one_that_varies_with_the_names(tmp_path: Path) -> None:
    records = [{"id": i, "name": n, "kana": k, "address": {"full": a}, "tel": t, "birthday": b}
               for i, (n, k, a, t, b) in enumerate(ROWS)]
    records[0]["address"] = {"zzzz": ROWS[0][2]}  # a key two characters off: not mended, a column of its own
    one_first = [[n, k, a if i == 0 else "", t, b, "" if i == 0 else a] for i, (n, k, a, t, b) in enumerate(ROWS)]
    moved = [[n, k, a, t, b, ROWS[(i + 1) % len(ROWS)][2]] for i, (n, k, a, t, b) in enumerate(ROWS)]
    files = {"first_key_damaged.json": json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8"),
             "one_value_first.csv": _csv(["氏名", "フリガナ", "住所", "電話", "生年月日", "住所"], one_first),
             "old_address.csv": _csv(["氏名", "フリガナ", "住所", "電話", "生年月日", "旧住所"], moved)}
    findings = _scan(tmp_path, files)
    got = {Path(f["path"]).name: f for f in findings["files"]}
    assert set(got) == set(files), (got, findings["skipped"])
    for name in ("first_key_damaged.json", "one_value_first.csv"):
        assert got[name]["pii"]["records"] >= len(ROWS) - 1, (name, got[name]["pii"])
    old = got["old_address.csv"]["pii"]
    assert old["records"] == len(ROWS) and old["sheets"][0]["columns"]["address"] == ["住所"], old


def test_excel_2_to_4_worksheets_with_a_zeroed_block_say_it(tmp_path: Path) -> None:
    """Excel 2-4 worksheets and an Excel 4 workbook with a block zeroed over record headers (damage16's sweep: read
    ok with rows lost, nothing said; the places below each lost rows so): now `nul-block` as a BIFF5/8 .xls says it;
    whole ones and one with zeros after its last record (padding) say nothing."""
    from tests.test_damage16 import _outcome
    from tests.test_old_excel import ROWS as OLD_ROWS
    from tests.test_old_excel import workbook_4w, worksheet

    books = {f"v{v}.xls": worksheet(OLD_ROWS, v) for v in (2, 3, 4)} | {"v4w.xls": workbook_4w({"名簿": OLD_ROWS})}
    where = {"v2.xls": (4373, 64), "v3.xls": (1948, 16), "v4.xls": (1948, 16), "v4w.xls": (202, 16)}
    files = {f"zeroed_{n}": d[:where[n][0]] + bytes(where[n][1]) + d[sum(where[n]):] for n, d in books.items()}
    files |= books | {"padded.xls": books["v3.xls"] + bytes(512)}
    findings = _scan(tmp_path, files)
    for name in books:
        records, listed = _outcome(findings, f"zeroed_{name}")
        assert records and any("nul-block" in x for x in listed), (name, records, listed)
    for name in (*books, "padded.xls"):
        records, listed = _outcome(findings, name)
        assert records == len(OLD_ROWS) - 1 and not listed, (name, records, listed)


def test_mail_body_table_cut_after_its_first_rows_is_read(tmp_path: Path) -> None:
    """A message whose body holds a pasted person table (ISO-2022-JP TSV, fuzz_campaign's body-plain-jis) cut after
    the header and one or two rows: fewer than the three lines sharing a tab count that make a body tabular, so no
    table was read and nothing listed (damage16). A last line cut short (no line end, fewer delimiters) after
    lines sharing a count makes it a table too: the rows are read as a file cut so would be."""
    from email import policy
    from email.header import Header
    from email.mime.text import MIMEText

    from tests.test_damage16 import _outcome

    people = person_rows(40, 20261216)
    text = ("お世話になっております。\n名簿を貼ります。\n\n" + "\n".join("\t".join(map(str, r)) for r in people)
            + "\n\n以上\n")
    part = MIMEText(text, "plain", "iso-2022-jp")
    part["From"], part["To"] = "insider@example.jp", "outside@example.com"
    part["Subject"] = Header("顧客リストです", "utf-8").encode()
    part["Date"] = "Tue, 03 Nov 2026 09:12:00 +0900"
    whole = part.as_bytes(policy=policy.SMTP)
    files = {"cut_512.eml": whole[:512], "cut_600.eml": whole[:600], "whole.eml": whole}
    findings = _scan(tmp_path, files)
    for name in ("cut_512.eml", "cut_600.eml"):
        records, listed = _outcome(findings, name)
        assert records or listed, (name, findings)
    records, listed = _outcome(findings, "cut_600.eml")  # header, one row, a row cut after 3 of its 5 cells
    assert records == 2 and any("text-cut-in-row" in x for x in listed), (records, listed)
    assert _outcome(findings, "whole.eml") == (40, []), _outcome(findings, "whole.eml")
