"""Issue 11, session 22: the workbook path in a worker made cheaper without changing a finding.

Each cut is checked against the way it replaced, on real workbooks (openpyxl, Faker persons of the fuzz campaign, the
corpus' spreadsheets): the same findings, the same reading (caps, where a capped file stopped, its cell count).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from scanner import tables
from scanner.config import ScanConfig
from scanner.inspectors.spreadsheet import analyse_bytes, caps_for
from scanner.sheet import Caps
from tests.conftest import ROOT
from tests.pii_data import xlsx_bytes

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

PERSONS = person_rows(40, 20261422)  # header 氏名 | フリガナ | 住所 | 電話番号 | 生年月日, then 40 persons
CORPUS = ROOT.parent / "shared" / "corpus" / "spreadsheets"


def _numbers(n: int, start: int = 0) -> list[list[object]]:
    return [[start + i, (start + i) * 7 % 13, (start + i) % 5 + 0.5] for i in range(n)]


def _workbooks() -> dict[str, bytes]:
    """Sheets of persons and numbers, starting at row 1 or lower, one or many, one taller than a counted-at-once sheet."""
    offset = [[], [], [], *PERSONS]  # the first used row is row 4: calamine's rows start at row 1 all the same
    return {
        "one": xlsx_bytes({"名簿": PERSONS + _numbers(300)}),
        "offset": xlsx_bytes({"名簿": offset, "数": _numbers(50)}),
        "many": xlsx_bytes({"名簿": PERSONS, **{f"data{i}": _numbers(500, i) for i in range(12)}}),
        "tall": xlsx_bytes({"数": _numbers(tables.COUNT_AT_ONCE_ROWS + 5), "名簿": PERSONS}),
    }


def _reading(data: bytes, caps: Caps) -> tuple[object, ...]:
    found, sheets, reading = analyse_bytes(data, "xlsx", caps)
    return repr(found), sheets, reading.stopped, reading.notes, reading.damage  # stopped: the cells counted too


@pytest.mark.parametrize("cells", [20_000_000, 10_000, 4_000, 1_500, 207, 206, 5, 0])
def test_counting_a_sheet_at_once_reads_as_row_by_row(monkeypatch: pytest.MonkeyPatch, cells: int) -> None:
    """A sheet whose cells fit under the file's cap is counted at once (its rows then pass with no Python call a row);
    any other row by row. Under every cap (none reached, reached inside a sheet, at a sheet's first row, at once) the
    findings, where the file stopped and the cells it counted are those of the row-by-row count."""
    for name, data in _workbooks().items():
        caps = Caps(max_cells=cells, max_inflated=1 << 30, timeout=600)
        fast = _reading(data, caps)
        monkeypatch.setattr(tables, "COUNT_AT_ONCE_ROWS", 0)
        slow = _reading(data, caps)
        monkeypatch.undo()
        assert fast == slow, (name, cells)


def _spent(data: bytes, fmt: str) -> tuple[int, int]:
    caps = caps_for(ScanConfig([], Path("/tmp")), len(data)).fresh()
    rows = sum(sum(1 for _ in s.rows) for s in tables.iter_workbook(data, fmt, caps))
    return rows, caps.spent.cells


def test_a_counted_sheet_holds_the_rows_calamine_gives() -> None:
    """The count at once takes calamine's rows to be the sheet's last row + 1 (``iter_rows`` starts at row 1): the
    cells counted so equal those counted row by row for every corpus workbook calamine reads."""
    checked = 0
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix.casefold() not in (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb") or not path.is_file():
            continue
        data = path.read_bytes()
        fmt = tables.sniff_format(data)
        if fmt not in ("xlsx", "xls", "ods", "xlsb"):
            continue
        try:
            fast = _spent(data, fmt)
        except Exception:  # noqa: BLE001 - a damaged corpus file: its reader's failure is checked elsewhere
            continue
        tables.COUNT_AT_ONCE_ROWS, saved = 0, tables.COUNT_AT_ONCE_ROWS
        try:
            slow = _spent(data, fmt)
        finally:
            tables.COUNT_AT_ONCE_ROWS = saved
        assert fast == slow, path.name
        checked += 1
    assert checked >= 10



class _Marked(dt.tzinfo):
    """A time zone whose repr holds a postal code in quotes: a value's repr can match the mark pattern."""

    def utcoffset(self, when: object) -> dt.timedelta:
        return dt.timedelta(hours=9)

    def __repr__(self) -> str:
        return "_Marked('184-0004')"


def test_the_label_mark_gate_without_a_repr_answers_as_the_pattern() -> None:
    """``has_label_mark`` ends before building the rows' repr when their cells are texts without a mark character or a
    "-" then four digits and values whose repr holds no quote; its answer is still the pattern's over that repr, on
    random rows that also hold dates and times with and without a time zone (one whose repr quotes a postal code),
    bytes, full-width digits, quotes and backslashes."""
    import random

    from scanner.detectors.labels import _LABEL_MARK, has_label_mark

    rnd = random.Random(2022)
    parts = ["〒", "184-0004", "様", "殿", "-", "'", '"', "\\", "山田", "12", "3-4", "-1234", "１８４－０００４", "-１２３４",
             "\n", "\x00", "\u200b", "2024-01-05", "a"]
    zoned = [dt.UTC, _Marked()]
    values = [None, 3, -71234, 2.5, 184.0004, True, dt.date(2020, 1, 2), dt.datetime(2020, 1, 2), dt.time(9, 30),
              dt.timedelta(days=-1234), b"'184-0004'", b"\n"]

    def cell() -> object:
        kind = rnd.random()
        if kind < 0.03:
            return dt.datetime(2020, 1, 2, tzinfo=rnd.choice(zoned))
        if kind < 0.05:
            return dt.time(9, 30, tzinfo=rnd.choice(zoned))
        if kind < 0.25:
            return rnd.choice(values)
        return "".join(rnd.choice(parts) for _ in range(rnd.randint(0, 3)))

    marked = 0
    for _ in range(4000):
        rows = [[cell() for _ in range(rnd.randint(0, 4))] for _ in range(rnd.randint(0, 30))]
        expected = _LABEL_MARK.search(repr(rows[:24])) is not None
        assert has_label_mark(rows) is expected, rows
        marked += expected
    assert 300 < marked < 3700, marked
    assert has_label_mark([[dt.datetime(2020, 1, 2, tzinfo=_Marked())]])  # the zone's repr, not a text, holds it
    assert not has_label_mark([["山田 太郎", 12, dt.datetime(2020, 1, 2)], ["2024-01-05", -71234]])
