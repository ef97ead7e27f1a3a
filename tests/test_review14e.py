"""review14e: bigsheet14's page walk of damaged SQLite tables and its header-own-rows rule, broken on purpose.

- a table whose FIRST leaf is damaged: SQLite's query fails on its first step, before the header, and the walk was
  never started (0 of 400 people; a page wiped later in the table gave 391);
- a b-tree of interior pages only (a crafted or garbled file): every interior cell's child was pushed, seen or not,
  and no interior page told the caller (no clock, no budget): CPU and memory grew with the file's cells, unbounded;
- a child pointer of a damaged table leading to another table's leaf: that table's rows were given as this one's
  (rows made up in the wrong columns); a child holds only rowids within its parent's keys.
"""

from __future__ import annotations

import sqlite3
import struct
import sys
import tracemalloc
from pathlib import Path

from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from scanner.sqlitepages import Pages, table_rows
from scanner.tables import read_tables
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

PAGE = 4096


def _people(path: Path, n: int = 400, seed: int = 2026141) -> None:
    """A person table (INTEGER PRIMARY KEY + the list's five columns) after a one-row settings table."""
    rows = person_rows(n, seed)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE settings (k TEXT, v TEXT)")
    con.execute("INSERT INTO settings VALUES ('theme', 'dark')")
    con.execute("CREATE TABLE 顧客 (id INTEGER PRIMARY KEY, " + ", ".join(f'"{c}" TEXT' for c in rows[0]) + ")")
    con.executemany("INSERT INTO 顧客 VALUES (NULL, ?, ?, ?, ?, ?)", rows[1:])
    con.commit()
    con.close()


def _children(data: bytes, page: int) -> list[tuple[int, int]]:
    """(offset in the file of the child pointer, child page) of an interior table page."""
    base = (page - 1) * PAGE
    assert data[base] == 0x05
    cells = struct.unpack_from(">H", data, base + 3)[0]
    out = []
    for i in range(cells):
        at = base + struct.unpack_from(">H", data, base + 12 + 2 * i)[0]
        out.append((at, struct.unpack_from(">I", data, at)[0]))
    return out


def _root(path: Path, table: str) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?", (table,)).fetchone()[0])
    finally:
        con.close()


def _records(data: bytes) -> tuple[int, list[str]]:
    findings, _, reading = analyse_bytes(data, "sqlite", Caps())
    return sum(f.count for f in findings), reading.damage


def test_a_table_whose_first_leaf_is_damaged_is_walked_too(tmp_path: Path) -> None:
    path = tmp_path / "people.db"
    _people(path)
    data = path.read_bytes()
    kids = _children(data, _root(path, "顧客"))
    first = kids[0][1]
    wiped = bytearray(data)
    wiped[(first - 1) * PAGE:first * PAGE] = bytes(PAGE)
    records, damage = _records(bytes(wiped))
    lost = 400 // len(kids) + 5  # one leaf's rows, give or take
    assert 400 - lost <= records < 400, (records, damage)
    assert any("page by page" in d for d in damage), damage


def _interior_chain(levels: int, cells: int, start: int = 300) -> bytes:
    """A database whose table ``t`` is a chain of interior pages (its root, then pages ``start`` ... on), each with
    ``cells`` cells all leading to the next page (a crafted file; a garbled one looks alike): no leaf, no row."""
    con = sqlite3.connect(":memory:")
    con.execute(f"PRAGMA page_size = {PAGE}")
    con.execute("CREATE TABLE t (a TEXT, b TEXT)")
    con.execute("INSERT INTO t VALUES ('x', 'y')")
    first = bytes(con.serialize())[:PAGE]
    con.close()
    chain = [2, *range(start, start + levels - 1)]  # t's root is page 2
    data = bytearray(first + bytes(PAGE * chain[-1]))
    for k, nxt in zip(chain, [*chain[1:], chain[-1] + 1], strict=True):
        base = (k - 1) * PAGE
        at = PAGE - 16
        struct.pack_into(">BHHHBI", data, base, 0x05, 0, cells, at, 0, nxt)
        for i in range(cells):
            struct.pack_into(">H", data, base + 12 + 2 * i, at)
        struct.pack_into(">IB", data, base + at, nxt, 1)
    struct.pack_into(">I", data, 28, len(data) // PAGE)
    return bytes(data)


def test_a_walk_through_interior_pages_is_bounded_and_told_to_the_caller() -> None:
    data = _interior_chain(100, 400)  # 1.6 MB; 40,000 child pointers, all to the next page of the chain
    calls: list[int] = []
    tracemalloc.start()
    try:
        assert list(table_rows(Pages(data, PAGE), 2, None, calls.append)) == []
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 512 << 10, peak  # the pages to visit, not every pointer to them (was 1.5 MB here: one entry each)
    assert calls.count(0) == 100, len(calls)  # each interior page told (the caller's clock and budget can stop it)
    records, damage = _records(data)
    assert records == 0 and damage, damage


def test_a_child_pointer_into_another_table_gives_none_of_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "two.db"
    _people(path, 300)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE log (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT, d TEXT, e TEXT)")
    con.executemany("INSERT INTO log VALUES (?, ?, ?, ?, ?, ?)",
                    [(1000 + i, "停止", "サーバ", "エラー記録", "0", "-") for i in range(300)])
    con.commit()
    con.close()
    data = bytearray(path.read_bytes())
    kids = _children(bytes(data), _root(path, "顧客"))
    log_leaf = _children(bytes(data), _root(path, "log"))[0][1]
    struct.pack_into(">I", data, kids[2][0], log_leaf)  # a flipped child pointer: 顧客's third leaf -> log's first
    data[(kids[1][1] - 1) * PAGE:kids[1][1] * PAGE] = bytes(PAGE)  # and a wiped leaf: the query fails, the walk runs
    sheet = next(s for s in read_tables(bytes(data), Caps(), "sqlite").sheets if s.name == "顧客")
    assert not [r for r in sheet.rows if "エラー記録" in r], "log's rows given as 顧客's"
    assert len(sheet.rows) - 1 < 300 and any("page by page" in d for d in sheet.damage), sheet.damage


def test_a_contact_row_without_its_raw_contact_is_no_crash(tmp_path: Path) -> None:
    """contacts2.db's ``data`` row whose raw_contact_id reads NULL (a flipped byte in its record: found by a flip
    sweep) came first in the join and the row being joined was still empty: IndexError, the whole file listed as
    'the parser raised IndexError' with none of its 40 contacts (also at bigsheet14's tip)."""
    from tests.test_bigsheet14 import _contacts2

    path = tmp_path / "contacts2.db"
    _contacts2(path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA writable_schema = ON")  # the NOT NULL a damaged record does not keep
    con.execute("UPDATE sqlite_schema SET sql = replace(sql, 'raw_contact_id INTEGER NOT NULL', 'raw_contact_id "
                "INTEGER') WHERE name = 'data'")
    con.commit()
    con.close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO data (mimetype_id, raw_contact_id, data1) VALUES (2, NULL, '不明')")
    con.commit()
    con.close()
    records, damage = _records(path.read_bytes())
    assert records == 40, (records, damage)


def _numbers(n: int) -> list[list[object]]:
    return [[i, i * 7 % 13, i % 5 + 0.5, i * 3, i % 9] for i in range(n)]


def test_a_member_without_an_address_at_the_top_does_not_hide_the_list_above_the_numbers() -> None:
    """bigsheet14's rule (a header outvoted by the numbers below it is confirmed by its own rows) ended the header's
    own rows at the first row filling fewer than half of its columns: a first member with only a name (or a name and
    its reading) ended them at row 0, below the 3 rows needed, and the 39 persons under it gave nothing, as before the
    rule. A row with letters in its name column is the list's; a blank row or a row of numbers ends it."""
    from tests.pii_data import csv_bytes

    people = person_rows(40, 2026142)
    head, rows = people[0], people[1:]
    for first in ([rows[0][0]], [rows[0][0], rows[0][1]], [rows[0][0], "", "", "", rows[0][4]]):
        sheet = [head, first, *rows[1:], *_numbers(1200)]
        findings, _, _ = analyse_bytes(csv_bytes(sheet), "text", Caps())
        assert sum(f.count for f in findings if f.kind == "persons") == 39, len(first)
    sheet = [head, *[[r[0]] for r in rows[:10]], *rows[10:], *_numbers(1200)]  # the first 10 without an address
    findings, _, _ = analyse_bytes(csv_bytes(sheet), "text", Caps())
    assert sum(f.count for f in findings if f.kind == "persons") == 30


def test_a_without_rowid_table_written_with_a_comment_is_read() -> None:
    """A sound WITHOUT ROWID table whose CREATE text has a comment between the two words (kept verbatim in the schema):
    bigsheet14 told rowid tables from its text, selected ``_rowid_`` from it, and SQLite's 'no such column' was taken
    for damage: 0 of 40 persons, the table listed damaged (before bigsheet14: 40, ok). SQLite says it (table_list)."""
    rows = person_rows(40, 2026143)
    for form in ("WITHOUT ROWID", "WITHOUT/**/ROWID", "WITHOUT -- the key is the name\n ROWID"):
        con = sqlite3.connect(":memory:")
        con.execute("CREATE TABLE 会員 (" + ", ".join(f'"{c}" TEXT' + (" PRIMARY KEY" if not i else "")
                                                   for i, c in enumerate(rows[0])) + ") " + form)
        con.executemany("INSERT INTO 会員 VALUES (?, ?, ?, ?, ?)", rows[1:])
        con.commit()
        data = con.serialize()
        con.close()
        assert _records(data) == (40, []), form


def test_a_person_list_above_a_blank_row_and_another_table_of_text_keeps_its_addresses() -> None:
    """The same miss as bigsheet14's Task A with text below instead of numbers: 40 persons, a blank row, then 700 rows
    of a log or an inventory under the same columns outvoted the address and phone columns, so the sheet gave 40 name
    leads and no person (the rule ran only when the sample refused the header, not when it kept names alone)."""
    from tests.pii_data import csv_bytes

    people = person_rows(40, 2026144)
    items = ["ホワイトボード", "プロジェクター", "ノートPC", "モニター", "キャビネット"]
    below = {"log": [[f"user{i % 7}", "ログイン成功", f"2024-01-{i % 28 + 1:02d}", "", ""] for i in range(700)],
             "inventory": [[items[i % 5], f"本社倉庫{i % 9 + 1}番棚", i % 50 + 1, "", ""] for i in range(700)]}
    for what, rows in below.items():
        findings, _, _ = analyse_bytes(csv_bytes([*people, [], *rows]), "text", Caps())
        assert [(f.kind, f.count) for f in findings] == [("persons", 40)], what
