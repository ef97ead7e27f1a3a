"""tables24: person tables left open by tables23 / tables23b / review23t (Faker ja_JP, fixed seed 2424; every expected
count derived from the generated rows).

1. A person list interrupted by a block of 3+ rows of other shapes (subtotals, a section's heading, an item list's
   rows) lost persons: header-less, those above the block (the mixed sample outvoted them); under a header naming
   things (品名 | 数量 | 保管場所 | 担当者名) all of them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from faker import Faker

from scanner.codes import SheetKind
from scanner.detectors import pii as P

SEED = 2424
Rows = list[list[object]]
THINGS = ["品名", "数量", "保管場所", "担当者名"]


def _fake() -> Faker:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return fake


def _persons(fake: Faker, n: int) -> Rows:
    return [[fake.name(), fake.address(), fake.phone_number()] for _ in range(n)]


def _item(fake: Faker) -> list[object]:
    return [fake.word() + "セット", fake.random_int(1, 50), f"本社倉庫{fake.random_int(1, 9)}番棚", fake.name()]


def _subtotal(fake: Faker) -> list[object]:
    return ["小計", fake.random_int(1, 50), fake.random_int(1000, 90000)]


def _section(fake: Faker) -> list[object]:
    return [f"【第{fake.random_int(1, 9)}地区】", "", ""]


BLOCKS: dict[str, Callable[[Faker], list[object]]] = {"items": _item, "subtotals": _subtotal, "sections": _section}


# --- 1. a person list interrupted by rows of other shapes ---------------------------------------------------------------

@pytest.mark.parametrize("sizes", [(5, 8, 5), (20, 30, 20), (10, 30, 50), (3, 3, 20)], ids=str)
@pytest.mark.parametrize("block", list(BLOCKS))
@pytest.mark.parametrize("header", ["header-less", "品名"])
def test_persons_interrupted_by_a_block_of_other_rows_are_all_counted(header: str, block: str,
                                                                       sizes: tuple[int, int, int]) -> None:
    """Persons, a block of other rows (3-30), persons again: every person is counted. Was, header-less: the persons
    above the block lost for blocks of 8+ rows (the sample as a whole refused: 5 of 10, 20 of 40); under a things
    header: none at all (5+8+5, 20+30+20)."""
    fake = _fake()
    above, below = _persons(fake, sizes[0]), _persons(fake, sizes[2])
    rows: Rows = [*([THINGS] if header == "品名" else []), *above,
                  *(BLOCKS[block](fake) for _ in range(sizes[1])), *below]
    found = P.analyse_sheet("s", rows)
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(above) + len(below), \
        None if found is None else (found.count, found.rejected)
    assert {r.fields["name"] for r in found.records} == {str(p[0]) for p in above + below}


@pytest.mark.parametrize("items", [2, 3, 5])
@pytest.mark.parametrize("between", [1, 3, 6])
def test_persons_under_an_item_list_split_by_its_rows_are_counted(items: int, between: int) -> None:
    """品名 | 数量 | 保管場所 | 担当者名, 2+ of its rows, 20 persons, 1-6 more of its rows, 20 persons: the list's rows
    coming back between the persons made their shape the list's (read as notes between a list's rows, review21s),
    and all 40 were lost (tables22's "split by list rows", None). Now 40."""
    fake = _fake()
    above, below = _persons(fake, 20), _persons(fake, 20)
    rows: Rows = [THINGS, *(_item(fake) for _ in range(items)), *above, *(_item(fake) for _ in range(between)), *below]
    found = P.analyse_sheet("s", rows)
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 40, \
        None if found is None else (found.count, found.rejected)
    assert {r.fields["name"] for r in found.records} == {str(p[0]) for p in above + below}


@pytest.mark.parametrize("rows", [10, 40])
def test_an_item_list_with_subtotals_stays_no_persons(rows: int) -> None:
    """The guard: an inventory (header-less or under its header) whose rows are interrupted by subtotal and section
    rows is no person table (its 担当者名 and 保管場所)."""
    fake = _fake()
    body: Rows = []
    for _ in range(3):
        body += [_item(fake) for _ in range(rows)] + [_subtotal(fake) for _ in range(3)] + [_section(fake)]
    for sheet in (body, [THINGS, *body]):
        found = P.analyse_sheet("s", sheet)
        assert found is None or not found.count, (found.count, found.rejected)
