"""speed26a (issue 11): the worker side of workbooks and CSVs.

- ``pii._shape`` tells a cell of exactly ``str``, ``float`` or ``int`` by its type first (every sampled row of every
  header-less sheet goes through it, twice with ``_interruption``); ``_interruption`` counts a row of the table's own
  shapes with no run pending at once. Both give what the old code gave: over every row of the corpus' and tests/data's
  spreadsheets and of generated rows of every cell type a reader yields (and some no reader yields: subclasses,
  Decimal, an object equal to everything).
"""
from __future__ import annotations

import datetime
import decimal
import gzip
import random
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from scanner.detectors import pii
from scanner.sheet import Caps
from scanner.tables import read_tables

ROOT = Path(__file__).resolve().parent.parent


def _old_shape(row: Sequence[object]) -> tuple[str, ...]:  # pii._shape as it was (ce28c390)
    out = tuple("" if v is None or v == "" else "n" if isinstance(v, int | float) or (isinstance(v, str) and v.isdigit())
                else "s" for v in row)
    end = len(out)
    while end and not out[end - 1]:
        end -= 1
    return out[:end]


def _old_interruption(head: Sequence[Sequence[object]]) -> tuple[int, bool, set[tuple[str, ...]]] | None:
    seen: set[tuple[str, ...]] = set()  # pii._interruption as it was (ce28c390), on the old _shape
    new: list[tuple[str, ...]] = []
    start = own = 0
    for i, row in enumerate(head):
        if not (shape := _old_shape(row)):
            continue
        if shape in seen or len(shape) - shape.count("") > 1 and any(pii._within(shape, k) or pii._within(k, shape)
                                                                     for k in seen):
            seen.add(shape)
            if len(new) >= pii.SHAPE_RUN:
                return start, True, seen
            seen.update(new)
            own, new = own + len(new) + 1, []
        elif own < pii.BLOCK_MIN:
            seen.add(shape)
            own += 1
        else:
            start = start if new else i
            new.append(shape)
    return (start, False, seen) if len(new) >= pii.SHAPE_RUN else None


class _Str(str):
    pass


class _Int(int):
    pass


class _Float(float):
    pass


class _EqualsAll:
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


_CELLS: list[object] = [None, "", " ", "\u3000", "0", "123", "１２３", "²", "12a", "a", "山田 太郎", "2024-01-01", "-1",
                        "1.5", 0, 1, -7, 0.0, 1.5, float("nan"), float("inf"), True, False,
                        datetime.datetime(2024, 1, 2, 3, 4), datetime.date(2024, 1, 2), datetime.time(9, 30),
                        datetime.timedelta(days=1), decimal.Decimal("1.5"), b"12", _Str(""), _Str("12"), _Str("x"),
                        _Int(3), _Float(2.5), _EqualsAll()]


def _generated_rows(n: int) -> list[list[object]]:
    rng = random.Random(26)
    rows: list[list[object]] = [[], [None], [""], ["", None, ""]]
    for _ in range(n):
        row = [rng.choice(_CELLS) for _ in range(rng.randrange(0, 12))]
        rows.append(row + [rng.choice([None, ""]) for _ in range(rng.randrange(0, 3))])  # blank cells at the end
    return rows


def _corpus_sheets() -> list[list[Sequence[object]]]:
    sheets = []
    for path in sorted([*(ROOT.parent / "shared" / "corpus" / "spreadsheets").rglob("*"),
                        *(ROOT / "tests" / "data").rglob("*")]):
        if not path.is_file() or path.suffix in (".md", ".xsd"):
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError):
                continue
        try:
            book = read_tables(data, Caps())
        except Exception:  # noqa: BLE001 - a file no reader takes holds no rows to compare
            continue
        sheets += [list(s.rows) for s in book.sheets]
    return sheets


@pytest.fixture(scope="module")
def sheets() -> list[list[Sequence[object]]]:
    found = _corpus_sheets()
    assert len(found) >= 100 and sum(len(s) for s in found) >= 10_000  # the corpus and tests/data were read
    return found


def test_shape_as_before_on_every_cell_type() -> None:
    rows = _generated_rows(20_000)
    for row in rows:
        assert pii._shape(row) == _old_shape(row), row
    assert pii._shape(["", _EqualsAll()]) == ()  # an object equal to "" is blank, as before (the chain's own test)


def test_shape_as_before_on_real_rows(sheets: list[list[Sequence[object]]]) -> None:
    for rows in sheets:
        for row in rows:
            assert pii._shape(row) == _old_shape(row)


def test_interruption_as_before(sheets: list[list[Sequence[object]]]) -> None:
    rng = random.Random(2026)
    heads = [rows[:pii.HEADER_SCAN_ROWS + 500] for rows in sheets]
    shapes = [["山田", "東京都", 3], [None, "x", "", 4.5], ["合計", 12], ["項目"], ["a", "b", "c", "d"], [1, 2, 3]]
    for _ in range(3_000):  # tables interrupted by runs of other shapes, resumed or not
        head: list[Sequence[object]] = []
        for _ in range(rng.randrange(1, 12)):
            head += [list(rng.choice(shapes)) for _ in range(rng.randrange(1, 12))]
        heads.append(head)
    heads += [_generated_rows(200) for _ in range(20)]
    taken = 0
    for head in heads:
        got = pii._interruption(head)
        assert got == _old_interruption(head)
        taken += got is not None
    assert taken >= 100  # the runs were there to find


# ------------------------------------------------------------------ PhoneColumn: each kind's own first characters

def test_each_kinds_first_characters_are_its_patterns() -> None:
    from scanner import tables
    from tests.test_speed25a import _first_chars

    kinds = (tables._PHONE, *(k for k, _ in tables._TYPED))
    assert set(tables._STARTS_OF) == set(kinds)
    for kind in kinds:
        assert not kind.flags & (re.IGNORECASE | re.VERBOSE), kind  # the parse read as written
        assert _first_chars(kind.pattern) == set(tables._STARTS_OF[kind]), kind.pattern
        assert tables._STARTS_OF[kind] <= tables._STARTS  # only cells of _STARTS reach _column


def _old_column(seen: list[tuple[int, list[tuple[int, str]]]], kind: re.Pattern[str], first: bool) -> int:
    from collections import Counter  # tables._column as it was (ce28c390): every picked cell fullmatched

    cols = []
    for _, cells in seen:
        at = [j for j, c in cells if kind.fullmatch(c)]
        if at:
            cols.append(at[0] if first else at[-1])
    if not cols:
        return -1
    col, k = Counter(cols).most_common(1)[0]
    return col if k >= 5 and 10 * k >= 9 * len(cols) else -1


def test_column_as_before(sheets: list[list[Sequence[object]]]) -> None:
    from scanner import tables

    rng = random.Random(11)
    tables_seen = []
    for rows in sheets:
        text = [[c if isinstance(c, str) else str(c) for c in r] for r in rows[:tables.PhoneColumn.LEARN_ROWS]]
        tables_seen.append(text)
    values = ["03-1234-5678", "(03)1234-5678", "０９０ １２３４ ５６７８", "〒100-0001", " 100-0001", "100－0001",
              "taro@example.jp", "a.b+c@x.co.jp", "-x@y.z", "2024/1/2", "1999年12月31日", "令和5年4月1日", "H1.2.3",
              "S64/1/7", "12345", "0", "9999999999", "12345678901", "東京都", "山田", "x", "(", "0", "〒", "1"]
    for _ in range(300):
        width = rng.randrange(1, 8)
        tables_seen.append([[rng.choice(values) if rng.random() < 0.8 else "" for _ in range(width)]
                            for _ in range(rng.randrange(5, 60))])
    found = 0
    for rows in tables_seen:
        seen = [(num, [(j, c) for j, c in enumerate(row) if c and c[0] in tables._STARTS]) for num, row in
                enumerate(rows)]
        for kind in (tables._PHONE, *(k for k, _ in tables._TYPED)):
            for first in (True, False):
                got = tables._column(seen, kind, first)
                assert got == _old_column(seen, kind, first)
                found += got >= 0
    assert found >= 150  # columns learnt (both ways) among them
