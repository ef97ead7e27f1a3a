"""tables25: person tables left open by tables24 / review24t (Faker ja_JP, fixed seed 2525; every expected count derived
from the generated rows).

1. The first block of persons lost when the rows between two person blocks run past the sample (520 rows): the sample
   decided the sheet held one block (the second, found by the later search), or none at all under a header of things.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from faker import Faker

from scanner.codes import SheetKind
from scanner.detectors import pii as P

SEED = 2525
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


BLOCKS: dict[str, Callable[[Faker], list[object]]] = {"items": _item, "subtotals": _subtotal}


# --- 1. two person blocks further apart than the sample -----------------------------------------------------------------

@pytest.mark.parametrize("between", [520, 600, 2000])
@pytest.mark.parametrize("block", list(BLOCKS))
@pytest.mark.parametrize("header", ["header-less", "品名"])
def test_persons_apart_by_more_rows_than_the_sample_are_all_counted(header: str, block: str, between: int) -> None:
    """10 persons, 520-2,000 rows of items or subtotals, 10 persons: all 20. Was: header-less 10 (the first block lost:
    the sample held no row of the persons' shapes below the items, so it never saw the table resume), under a things
    header None. 500 rows between (inside the sample) gave 20 already."""
    fake = _fake()
    above, below = _persons(fake, 10), _persons(fake, 10)
    rows: Rows = [*([THINGS] if header == "品名" else []), *above,
                  *(BLOCKS[block](fake) for _ in range(between)), *below]
    found = P.analyse_sheet("s", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 20, \
        None if found is None else (found.count, found.rejected)
    assert {r.fields["name"] for r in found.records} == {str(p[0]) for p in above + below}


@pytest.mark.parametrize("header", ["header-less", "品名"])
def test_persons_above_a_long_item_list_that_never_resumes_stay_as_they_were(header: str) -> None:
    """The guard: 10 persons above 600 item rows and nothing after (the persons never come back): no finding, as
    before (the read-on looks for the table's rows coming back and gives the rows back to the later search)."""
    fake = _fake()
    rows: Rows = [*([THINGS] if header == "品名" else []), *_persons(fake, 10), *(_item(fake) for _ in range(600))]
    found = P.analyse_sheet("s", iter(rows))
    assert found is None or not found.count
