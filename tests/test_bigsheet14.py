"""Sheets and files too big to be read or classified whole (Session 14, bigsheet14; found by review13c).

A person list is never lost because more rows than its own follow it, and a file stopped by a cap is examined as
far as it was read and listed with how far that was:
- 40 persons under a 氏名/住所/電話 header above (or between, or below) more rows of numbers than the classifier's
  sample holds: the sample as a whole refused the header (its name column mostly numbers), so the sheet gave no
  finding at all (review13c: 40 persons on top of 10^6 numeric rows; also on main);
- a file over --max-cells: the rows read before the cap were thrown away with the reader's ReadError (too-large, 0
  records); an .xlsx whose cells reach past the cap and an .xls declaring it were refused before any row was read;
- the cell budget restarted at every sheet, so a workbook of many sheets ran until the worker's timeout: it is one
  budget per file now (sheets, tables, caches together).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from tests.conftest import ROOT, run_leakscan
from tests.pii_data import csv_bytes, ods_bytes, xls_bytes, xlsx_bytes

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

PERSONS = person_rows(40, 20261414)  # header 氏名 | フリガナ | 住所 | 電話番号 | 生年月日, then 40 persons
NUMBERS = 1200  # more rows than the classifier's sample (520): the persons are the sample's minority


def _numbers(n: int, start: int = 0) -> list[list[object]]:
    return [[start + i, (start + i) * 7 % 13, (start + i) % 5 + 0.5] for i in range(n)]


LAYOUTS = {
    "top": PERSONS + _numbers(NUMBERS),
    "middle": _numbers(NUMBERS) + [[]] + PERSONS + [[]] + _numbers(NUMBERS, 10_000),
    "end": _numbers(NUMBERS) + [[]] + PERSONS,
}


def _write(folder: Path, stem: str, rows: list[list[object]], kinds: tuple[str, ...]) -> None:
    for kind in kinds:
        if kind == "xlsx":
            data = xlsx_bytes({"名簿": rows})
        elif kind == "xls":
            data = xls_bytes({"名簿": rows})
        elif kind == "ods":
            data = ods_bytes({"名簿": rows})
        else:
            data = csv_bytes(rows)
        (folder / f"{stem}.{kind}").write_bytes(data)


def _database(path: Path, rows: list[list[object]]) -> None:
    """A table whose columns are the list's header: the persons first, then rows of numbers in the same columns."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (" + ", ".join(f'"{c}"' for c in rows[0]) + ")")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [(*r, *[None] * (5 - len(r))) for r in rows[1:]])
    con.commit()
    con.close()


def _scan(share: Path, tmp_path: Path, *extra: str) -> dict[str, dict]:
    """name -> {status, records, codes} of every file the CLI lists (a hit, or a skipped file); no traceback."""
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet", *extra)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    findings = json.loads((out / "findings.json").read_text())
    got = {}
    for f in findings["files"]:
        got[f["path"].rsplit("/", 1)[-1]] = {"status": f["status"], "records": (f.get("pii") or {}).get("records", 0),
                                             "codes": f.get("status_detail_codes") or []}
    for s in findings["skipped"]:
        got.setdefault(s["path"].rsplit("/", 1)[-1], {"status": s["reason"], "records": 0,
                                                      "codes": s.get("detail_codes") or []})
    return got


def _code(entry: dict, code: str) -> dict:
    return next((c for c in entry["codes"] if c.get("code") == code), {})


def test_persons_above_between_or_below_more_rows_of_numbers_are_found(tmp_path: Path) -> None:
    """The real default path (no cap lowered): a 氏名/住所/電話 list whose rows are fewer than the numbers after it in
    the classifier's sample is found and counted in every format, wherever it lies in the sheet."""
    share = tmp_path / "share"
    share.mkdir()
    for where, rows in LAYOUTS.items():
        _write(share, where, rows, ("xlsx", "xls", "ods", "csv"))
    _database(share / "top.sqlite", LAYOUTS["top"])
    got = _scan(share, tmp_path)
    expected = {f"{w}.{k}" for w in LAYOUTS for k in ("xlsx", "xls", "ods", "csv")} | {"top.sqlite"}
    assert {n: (g["status"], g["records"]) for n, g in got.items()} == {n: ("ok", 40) for n in expected}


def test_a_file_over_the_cell_cap_keeps_the_persons_read_before_it(tmp_path: Path) -> None:
    """--max-cells 2000 stands in for a sheet too large to read whole (the same budget, the same stop): the persons
    at the top are counted, the file is too-large with the cap and how far it was read; persons past the cap are
    not read, and that file is listed too-large, never clean or nothing."""
    share = tmp_path / "share"
    share.mkdir()
    kinds = ("xlsx", "xls", "ods", "csv")
    _write(share, "top", LAYOUTS["top"], kinds)
    _write(share, "end", LAYOUTS["end"], kinds)
    _database(share / "top.sqlite", LAYOUTS["top"])
    got = _scan(share, tmp_path, "--max-cells", "2000")
    for kind in (*kinds, "sqlite"):
        top = got[f"top.{kind}"]
        assert (top["status"], top["records"]) == ("too-large", 40), (kind, top)
        assert _code(top, "file-over-cells") == {"code": "file-over-cells", "n": 2000}, (kind, top)
        far = _code(top, "read-up-to")
        assert far["sheet"] == 1 and 41 < far["row"] < NUMBERS, (kind, far)  # the persons and some numbers only
    for kind in kinds:
        end = got[f"end.{kind}"]
        assert (end["status"], end["records"]) == ("too-large", 0), (kind, end)


def test_the_cell_cap_is_one_budget_for_all_the_sheets_of_a_file(tmp_path: Path) -> None:
    """Task B: 30 sheets of 1,500 cells under --max-cells 10000 (each sheet alone is under it). Before, the count
    restarted at each sheet and the file was read whole (a workbook of 500 such sheets ran until the timeout); now
    the file stops after about 7 sheets, its first sheet's persons counted, listed too-large with where it stopped."""
    share = tmp_path / "share"
    share.mkdir()
    sheets = {"名簿": PERSONS, **{f"data{i}": _numbers(500) for i in range(30)}}
    (share / "many.xlsx").write_bytes(xlsx_bytes(sheets))
    (share / "many.ods").write_bytes(ods_bytes(sheets))
    got = _scan(share, tmp_path, "--max-cells", "10000")
    for name in ("many.xlsx", "many.ods"):
        entry = got[name]
        assert (entry["status"], entry["records"]) == ("too-large", 40), (name, entry)
        assert 2 <= _code(entry, "read-up-to")["sheet"] <= 8, (name, entry)


def _people_db(path: Path, n: int = 400) -> int:
    """An app's database: a small settings table, then a person table of ``n`` rows with a photo each (48 pages of
    4 KiB for 400 people); returns the page size."""
    rows = person_rows(n, 20261415)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE settings (k TEXT, v TEXT)")
    con.execute("INSERT INTO settings VALUES ('theme', 'dark')")
    con.execute("CREATE TABLE 利用者 (id INTEGER PRIMARY KEY, " + ", ".join(f'"{c}" TEXT' for c in rows[0])
                + ", photo BLOB)")
    con.executemany("INSERT INTO 利用者 VALUES (NULL, ?, ?, ?, ?, ?, ?)", [(*r, b"\x89PNG" + bytes(300)) for r in rows[1:]])
    con.commit()
    size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    return int(size)


def test_a_damaged_sqlite_table_is_read_past_the_damaged_page(tmp_path: Path) -> None:
    """Task C: SQLite's scan stops at the first damaged page and the table's later intact pages were never read (a
    database cut in half: 0 of 400 people, sqlite13's notes). They are walked page by page now: the cut copy keeps
    the people of its intact pages, a page wiped in the middle costs only that page's rows; both corrupt, said."""
    share = tmp_path / "share"
    share.mkdir()
    whole = tmp_path / "whole.db"
    page = _people_db(whole)
    data = whole.read_bytes()
    (share / "cut.db").write_bytes(data[:len(data) // 2])
    wiped = bytearray(data)
    wiped[20 * page:21 * page] = bytes(page)  # page 21 of 48: inside the person table
    (share / "wiped.db").write_bytes(bytes(wiped))
    got = _scan(share, tmp_path)
    cut, hole = got["cut.db"], got["wiped.db"]
    assert cut["status"] == "corrupt" and 150 <= cut["records"] < 400, cut
    assert _code(cut, "sqlite-cut") and _code(cut, "sqlite-table-pages")["more"] >= 150, cut
    assert hole["status"] == "corrupt" and 380 <= hole["records"] < 400, hole
    assert _code(hole, "sqlite-table-pages")["more"] >= 380 - _code(hole, "sqlite-table-pages")["n"], hole


def _contacts2(path: Path, n: int = 40) -> None:
    """Android's contacts2.db layout: raw_contacts, mimetypes, and ``data`` with one attribute a row (a name row, a
    phone row, a postal-address row, a birthday event per person; Faker ja_JP), plus a calls table."""
    rows = person_rows(n, 20261416)[1:]
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER, "
                "display_name TEXT, deleted INTEGER NOT NULL DEFAULT 0)")
    con.execute("CREATE TABLE mimetypes (_id INTEGER PRIMARY KEY AUTOINCREMENT, mimetype TEXT NOT NULL)")
    con.execute("CREATE TABLE data (_id INTEGER PRIMARY KEY AUTOINCREMENT, package_id INTEGER, mimetype_id INTEGER "
                "NOT NULL, raw_contact_id INTEGER NOT NULL, is_primary INTEGER NOT NULL DEFAULT 0, data1 TEXT, "
                "data2 TEXT, data3 TEXT, data4 TEXT, data15 TEXT)")
    con.execute("CREATE TABLE calls (_id INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT, date INTEGER, duration INTEGER)")
    kinds = ["vnd.android.cursor.item/email_v2", "vnd.android.cursor.item/name", "vnd.android.cursor.item/phone_v2",
             "vnd.android.cursor.item/postal-address_v2", "vnd.android.cursor.item/contact_event",
             "vnd.android.cursor.item/group_membership"]
    con.executemany("INSERT INTO mimetypes (mimetype) VALUES (?)", [(k,) for k in kinds])
    for i, (name, _kana, address, phone, birth) in enumerate(rows, 1):
        con.execute("INSERT INTO raw_contacts (account_id, display_name) VALUES (1, ?)", (name,))
        family, _, given = name.partition(" ")
        con.executemany("INSERT INTO data (mimetype_id, raw_contact_id, data1, data2, data3) VALUES (?, ?, ?, ?, ?)",
                        [(2, i, name, given, family), (3, i, phone, "2", None), (6, i, "1", None, None),
                         (4, i, address, "1", None), (5, i, birth, "3", None)])
    con.executemany("INSERT INTO calls (number, date, duration) VALUES (?, ?, ?)",
                    [("0312345678", 1700000000000 + k, k) for k in range(5)])
    con.commit()
    con.close()


def test_an_android_contacts_database_is_joined_into_persons(tmp_path: Path) -> None:
    """Task C: contacts2.db keeps a person's name, phone and address as separate ``data`` rows keyed by raw contact
    and mimetype; read table by table it gave at most name leads. Joined by raw_contact_id it is a person table
    (150 persons, name+address+phone+birth). A copy cut at 3/4 keeps the contacts on the data table's intact pages
    (joined from a page-by-page walk: the join query fails on the damage) and is corrupt."""
    share = tmp_path / "share"
    share.mkdir()
    whole = tmp_path / "contacts2.db"
    _contacts2(whole, 150)  # 14 pages of 4 KiB: the data table's leaves reach past the cut's last page
    data = whole.read_bytes()
    (share / "contacts2.db").write_bytes(data)
    (share / "cut_contacts2.db").write_bytes(data[:len(data) * 3 // 4])
    got = _scan(share, tmp_path)
    assert (got["contacts2.db"]["status"], got["contacts2.db"]["records"]) == ("ok", 150), got["contacts2.db"]
    assert _code(got["contacts2.db"], "sqlite-contacts-joined"), got["contacts2.db"]
    cut = got["cut_contacts2.db"]
    assert cut["status"] == "corrupt" and 50 <= cut["records"] < 150, cut


def test_a_column_name_that_is_no_utf8_is_damage_not_a_crash(tmp_path: Path) -> None:
    """A flipped byte in a column's name in the schema (``acc\\xf5unt_id``): Python decodes cursor descriptions and
    SQLite's error messages strictly, and the UnicodeDecodeError escaped the reader (found by this session's flip
    sweep of contacts2.db, also on main). Now the table's damage, said; the other tables are read (the contacts too)."""
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps

    path = tmp_path / "contacts2.db"
    _contacts2(path)
    data = path.read_bytes()
    assert data.count(b"account_id") == 1
    findings, _, reading = analyse_bytes(data.replace(b"account_id", b"acc\xf5unt_id"), "sqlite", Caps())
    assert sum(f.count for f in findings) == 40
    assert any("UnicodeDecodeError" in d for d in reading.damage), reading.damage


def test_an_ods_read_from_its_content_xml_says_so_once() -> None:
    """An .ods calamine refuses (content.xml indented) is read from content.xml; the note said so once a table, so
    review13c's o_gaps.ods (400 tables) repeated it in its detail 19 times once the file's budget stopped it."""
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps
    from tests.test_wild13 import _indented_ods

    data = _indented_ods(ods_bytes({"名簿": PERSONS, **{f"t{i}": _numbers(3) for i in range(5)}}))
    findings, sheets, reading = analyse_bytes(data, "ods", Caps())
    assert (sheets, sum(f.count for f in findings)) == (6, 40)
    assert sum("content.xml" in n for n in reading.notes) == 1, reading.notes
