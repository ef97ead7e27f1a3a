"""Review of the Access page reader (session 17, review17a): crafted databases whose long-value chains, catalog or
encoding make the reader do work out of proportion to the file."""

from __future__ import annotations

import struct

import scanner.access as access
from scanner.access import _JET4, _Database, access_sheets
from scanner.sheet import Caps, CellBudget
from tests.access_data import _data_page, _row, person_database
from tests.pii_data import people, standard
from tests.test_access17 import _encoded

P = _JET4.page


def _with_memo_column(data: bytearray, table: int = 24) -> None:
    """Column 0 of jackcess' overflowTestV2000 Table1 made a memo column (its type byte in the definition)."""
    at = table * P
    ncols = struct.unpack_from("<H", data, at + _JET4.num_cols)[0]
    pos = at + _JET4.cols_start + struct.unpack_from("<I", data, at + _JET4.num_ridx)[0] * _JET4.ridx_size
    (entry,) = [pos + k * _JET4.col_size for k in range(ncols) if data[pos + k * _JET4.col_size + _JET4.col_num] == 0]
    data[entry] = 12


def test_memo_chains_sharing_long_value_rows_are_read_once(monkeypatch) -> None:  # noqa: ANN001
    """60 rows whose memos all point at the start of one chain of 10,200 long-value rows holding no text (a 300 KB
    file): each chain row is read a bounded number of times over the file, not once per row (600,000 reads and a
    minute of work before)."""
    data = bytearray(person_database(standard(people(3, seed=178)), "V2000"))
    _with_memo_column(data)
    first = len(data) // P
    lval = int.from_bytes(b"LVAL", "little")
    for p in range(40):
        data += _data_page([(((first + p) << 8 | (i + 1)) if i < 254 else ((first + p + 1) << 8 if p < 39 else 0))
                            .to_bytes(4, "little") for i in range(255)], lval, False)
    memo = (1 << 20).to_bytes(4, "little") + (first << 8).to_bytes(4, "little") + bytes(4)
    row = _row([memo] + [b"x\x00"] * 8, [0, *range(2, 10)], 10, False)
    page = [n for n in range(first) if data[n * P] == 1 and data[n * P + 4:n * P + 8] == (24).to_bytes(4, "little")][0]
    data[page * P:(page + 1) * P] = _data_page([row] * 60, 24, False)
    struct.pack_into("<I", data, 24 * P + _JET4.num_rows, 60)
    reads = 0
    real = _Database._long_row

    def counted(self: _Database, pointer: int, any_page: bool = False) -> bytes:
        nonlocal reads
        reads += not any_page  # (a usage map's row is no memo's)
        return real(self, pointer, any_page)

    monkeypatch.setattr(_Database, "_long_row", counted)
    (sheet,) = access_sheets(bytes(data), CellBudget(Caps()))
    assert len(list(sheet.rows)) == 61
    assert reads <= 2 * 256 * (len(data) // P), reads  # (every row of the file read twice at most)


def test_an_encoded_database_is_not_decoded_whole_to_find_its_data_pages(monkeypatch) -> None:  # noqa: ANN001
    """Jet's "encrypt database" with 600 free pages: the owner of each page is found from its first bytes decoded
    (pure-Python RC4 of every whole page made a 60 MB encoded database outlast the time cap), the rows still read."""
    rows = standard(people(20, seed=179))
    data = _encoded(person_database(rows, "V2000") + bytes(600 * P), 0x1234ABCD)
    decoded = 0
    real = access.rc4

    def counted(key: bytes, raw: bytes) -> bytes:
        nonlocal decoded
        decoded += len(raw)
        return real(key, raw)

    monkeypatch.setattr(access, "rc4", counted)
    (sheet,) = access_sheets(data, CellBudget(Caps()))
    assert len(list(sheet.rows)) == 21
    assert decoded < len(data) // 4, (decoded, len(data))


def test_a_table_the_catalog_names_twice_is_read_once(monkeypatch) -> None:  # noqa: ANN001
    """Two catalog entries naming one table definition (a damaged or crafted MSysObjects): its persons counted once,
    not once per entry."""
    data = person_database(standard(people(5, seed=180)), "V2000")
    real = access._catalog

    def doubled(db: _Database) -> tuple[list[tuple[str, int, int, int]], str | None]:
        entries, partial = real(db)
        return entries + [("Table1 copy", kind, tid, flags) for name, kind, tid, flags in entries if name == "Table1"] * 3, partial

    monkeypatch.setattr(access, "_catalog", doubled)
    sheets = list(access_sheets(data, CellBudget(Caps())))
    assert sum(len(list(s.rows)) - 1 for s in sheets) == 5, [s.name for s in sheets]


def test_the_old_copy_a_row_moved_twice_leaves_is_not_a_second_person() -> None:
    """A row updated twice so that it grew (jackcess' updateRow, as Access does: the header row becomes a pointer to
    the new copy, written marked deleted; the second update writes a newer copy and re-points the header, the first
    copy left whole and marked deleted). 8 persons: 8 rows, not 9 (the stale copy read as a deleted person); a row
    really deleted is still read."""
    from tests.access_data import _text

    rows = standard(people(9, seed=181))
    data = bytearray(person_database(rows, "V2000"))
    slots = [0, *range(2, 10)]

    def encoded(values: list[object]) -> bytes:
        return _row([_text(str(v), False, True) for v in values], slots, 10, False)

    page = [n for n in range(len(data) // P)
            if data[n * P] == 1 and data[n * P + 4:n * P + 8] == (24).to_bytes(4, "little")][0]
    moved = list(rows[4])
    moved[6] = str(moved[6]) + " 新しい住所の建物名と部屋番号"
    # rows 0-7 live (row 3 a pointer), then the stale first copy of row 3, its newest copy, row 8 really deleted
    body = [encoded(r) for r in rows[1:4]] + [bytes([9]) + page.to_bytes(3, "little")] + \
        [encoded(r) for r in rows[5:9]] + [encoded(rows[4]), encoded(moved), encoded(rows[9])]
    pg = bytearray(_data_page(body, 24, False, frozenset({8, 9, 10})))
    at = _JET4.rows_at + 2 + 2 * 3
    pg[at:at + 2] = (int.from_bytes(pg[at:at + 2], "little") | 0x4000).to_bytes(2, "little")
    data[page * P:(page + 1) * P] = pg
    struct.pack_into("<I", data, 24 * P + _JET4.num_rows, 8)
    (sheet,) = access_sheets(bytes(data), CellBudget(Caps()))
    read = [r[1] for r in list(sheet.rows)[1:]]
    assert sorted(read) == sorted(r[1] for r in rows[1:]), read  # every person once, the deleted one too
    assert any("1 row(s) marked deleted" in n for n in sheet.notes), sheet.notes


def test_access_column_kinds_not_examined_are_said_in_japanese() -> None:
    """access-objects-unread's kinds (OLE object, attachment or multi-value, binary) in the Japanese report's words,
    not English ones in a Japanese sentence (as VHD's parts: review15d #3)."""
    import re

    from reports.details import detail_text
    from scanner.details import Detail, codes_of, say

    said = say(Detail.ACCESS_OBJECTS_UNREAD, kinds=["OLE object", "attachment or multi-value", "binary"])
    ja = detail_text(str(said), "unsupported", "ja", codes_of(said))
    assert not re.search(r"OLE object|attachment|binary", ja), ja
    assert "OLE object + attachment or multi-value + binary" in detail_text(str(said), "unsupported", "en",
                                                                           codes_of(said))


def test_reports_and_forms_are_not_linked_tables() -> None:
    """MSysObjects.Type is signed: a report is -32764 (Northwind's 13 reports were said "13 linked tables" when the
    type was masked with 0x7FFF to 4, an ODBC link's type). A catalog entry made a report: no linked table said."""
    data = bytearray(person_database(standard(people(3, seed=182)), "V2000"))
    db = _Database(bytes(data), CellBudget(Caps()))
    system = db.table("MSysObjects", 2)
    names = [c.name for c in system.columns]
    kind = system.columns[names.index("Type")]
    for n in db.owned[2]:
        pg = db.page(n)
        assert pg is not None
        for i in range(int.from_bytes(pg[_JET4.rows_at:_JET4.rows_at + 2], "little")):
            raw = int.from_bytes(pg[_JET4.rows_at + 2 + 2 * i:_JET4.rows_at + 4 + 2 * i], "little")
            if raw & 0xC000:
                continue
            _, start, _ = db._locate(pg, i, raw)
            at = n * P + start + 2 + kind.offset
            if struct.unpack_from("<h", data, at)[0] == 3:  # a container ("Tables", "Forms" ...): made a report
                struct.pack_into("<h", data, at, -32764)
    sheets = list(access_sheets(bytes(data), CellBudget(Caps())))
    assert [s.name for s in sheets] == ["Table1"]
    assert not [n for n in sheets[0].notes if "linked" in n], sheets[0].notes


def test_freed_pages_a_table_no_longer_lists_are_not_read_as_its_rows() -> None:
    """Access frees a table's pages (rows deleted, the table rewritten) without clearing them: they still name the
    table as their owner. Northwind's Umsätze gave 2,879 rows for the 830 its definition counts and its page map
    lists (mdb-export: 830). A stale page of 5 persons beside the 3 rows the map lists: 3 rows read, the freed page
    said."""
    rows = standard(people(8, seed=183))
    data = person_database(rows[:4], "V2000")
    stale = _data_page([_row([None if v in (None, "") else str(v).encode("utf-16-le") for v in r],
                             [0, *range(2, 10)], 10, False) for r in rows[4:]], 24, False)
    (sheet,) = access_sheets(data + stale, CellBudget(Caps()))
    assert [r[1] for r in list(sheet.rows)[1:]] == [r[1] for r in rows[1:4]]
    assert any("1 data page" in n for n in sheet.notes), sheet.notes
    assert not sheet.damage, sheet.damage


def test_a_usage_map_of_full_bitmap_pages_costs_no_more_than_the_file_has_pages() -> None:
    """A table definition's usage map made a reference map (type 1) naming as many bitmap pages as its row holds (17
    here, up to 1,023 in a page-long row), all bits set (one page repeated): 556,000 pages listed for a file of 37
    (33 million with a long row: gigabytes of set); only the file's own pages are kept, its rows read."""
    data = bytearray(person_database(standard(people(3, seed=184)), "V2000"))
    bitmap = len(data) // P
    data += b"\x05\x01" + bytes(2) + b"\xff" * (P - 4)
    db = _Database(bytes(data), CellBudget(Caps()))
    pointer = int.from_bytes(data[24 * P + 55:24 * P + 59], "little")
    pg = db.page(pointer >> 8)
    assert pg is not None
    i = pointer & 0xFF
    start = int.from_bytes(pg[_JET4.rows_at + 2 + 2 * i:_JET4.rows_at + 4 + 2 * i], "little") & 0x1FFF
    end = P if i == 0 else int.from_bytes(pg[_JET4.rows_at + 2 * i:_JET4.rows_at + 2 + 2 * i], "little") & 0x1FFF
    room = (end - start - 1) // 4
    at = (pointer >> 8) * P + start
    data[at:at + 1 + 4 * room] = b"\x01" + bitmap.to_bytes(4, "little") * room
    mapped = _Database(bytes(data), CellBudget(Caps())).table("Table1", 24).mapped
    assert mapped is not None and max(mapped) < len(data) // P, (room, len(mapped or ()))
    (sheet,) = access_sheets(bytes(data), CellBudget(Caps()))
    assert len(list(sheet.rows)) == 4
