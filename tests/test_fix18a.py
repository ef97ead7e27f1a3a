"""fix18a: a table read without a page map that proves its pages its own says so (review18a's Northwind lesson:
Umsätze dropped, its map lost, read 2,880 rows for 831 and said nothing)."""

from __future__ import annotations

import struct

from scanner.access import _JET4, _Database
from scanner.details import codes_of
from scanner.sheet import Caps, CellBudget
from tests.pii_data import people, standard
from tests.test_access18 import _sheets, dropped_database

P = _JET4.page
_MAP_AT = 55  # a Jet 4 table definition's usage-map pointer


def _with_freed_page(rows: list[list[object]], freed_rows: list[list[object]]) -> tuple[bytes, int]:
    """A dropped person table (Table1 of dropped_database) with one more data page naming it that its map does not
    list, holding other persons (a freed page: rows of an earlier state of the table); and its definition page."""
    data = dropped_database(rows)
    first = 24  # (Table1's definition page in jackcess' overflowTestV2000)
    old = dropped_database(freed_rows)  # (same layout: Table1's data page of other persons)
    page = _Database(old, CellBudget(Caps())).owned[first][0]
    return data + old[page * P:(page + 1) * P], first


def _without_map(data: bytes, first: int) -> bytes:
    out = bytearray(data)
    struct.pack_into("<I", out, first * P + _MAP_AT, 0)
    return bytes(out)


def _codes(said: list[str]) -> list[str]:
    return [c["code"] for n in said for c in codes_of(n)]


ROWS = standard(people(12, seed=1801))
FREED = standard(people(12, seed=1802))


def test_a_dropped_table_with_its_map_reads_only_its_mapped_pages() -> None:
    data, _ = _with_freed_page(ROWS, FREED)
    ((name, read, notes, _),) = _sheets(data)
    assert sorted(r[1] for r in read) == sorted(r[1] for r in ROWS[1:]), name
    assert "access-pages-freed" in _codes(notes), notes


def test_a_dropped_table_whose_map_is_lost_says_its_rows_may_include_freed_rows() -> None:
    """Its map pointer zeroed (the map's row taken after the drop): every page naming it is read (the freed page's
    persons among them: twice the rows its definition counts) and that is said, with the counts."""
    data, first = _with_freed_page(ROWS, FREED)
    ((name, read, notes, _),) = _sheets(_without_map(data, first))
    assert len(read) == 2 * (len(ROWS) - 1), name
    said = [c for n in notes for c in codes_of(n) if c["code"] == "access-pages-unmapped"]
    assert said and said[0]["n"] == 4 and said[0]["rows"] == 24 and said[0]["total"] == 12, notes


def test_a_live_table_whose_map_is_lost_says_so_too() -> None:
    """The same for a table the catalog names (its map damaged): the rows are read, the doubt said."""
    from tests.access_data import person_database

    data = person_database(ROWS)
    first = 24
    pages = len(_Database(data, CellBudget(Caps())).owned[first])
    ((_, read, notes, _),) = _sheets(_without_map(data, first))
    assert len(read) == len(ROWS) - 1
    said = [c for n in notes for c in codes_of(n) if c["code"] == "access-pages-unmapped"]
    assert said and said[0]["n"] == pages and said[0]["rows"] == 12 and said[0]["total"] == 12, notes
