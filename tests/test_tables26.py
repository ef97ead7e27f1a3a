"""tables26: person tables left open by tables25 / review25t (Faker ja_JP, fixed seed 2626; every expected count derived
from the generated rows).

1. A person block at the top of a sheet above a run of other rows (a log, a totals block, an item list) that never
   comes back to person rows: no finding at all (the mixed sample refused the persons, nothing resumed).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from faker import Faker

from scanner.codes import SheetKind
from scanner.detectors import pii as P

SEED = 2626
Rows = list[list[object]]
HEADER = ["氏名", "住所", "電話番号"]


def _fake() -> Faker:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return fake


def _persons(fake: Faker, n: int) -> Rows:
    return [[fake.name(), fake.address(), fake.phone_number()] for _ in range(n)]


def _log(fake: Faker) -> list[object]:
    return [fake.date_time().isoformat(sep=" "), "INFO", f"job {fake.random_int(1, 999)} done", fake.user_name()]


def _total(fake: Faker) -> list[object]:
    return [fake.word(), fake.random_int(1, 900), fake.random_int(1000, 90000)]


def _subtotal(fake: Faker) -> list[object]:
    return ["小計", fake.random_int(1, 50), fake.random_int(1000, 90000)]


def _item(fake: Faker) -> list[object]:
    return [fake.word() + "セット", fake.random_int(1, 50), f"本社倉庫{fake.random_int(1, 9)}番棚", fake.name()]


OTHERS: dict[str, Callable[[Faker], list[object]]] = {"log": _log, "totals": _total, "subtotals": _subtotal,
                                                      "items": _item}


# --- 1. a person block at the top, other rows below that never come back -------------------------------------------

@pytest.mark.parametrize("between", [20, 50, 200, 600, 3000])
@pytest.mark.parametrize("other", list(OTHERS))
@pytest.mark.parametrize("header", [True, False], ids=["氏名", "header-less"])
def test_persons_above_rows_that_never_come_back_are_found(header: bool, other: str, between: int) -> None:
    """10 persons above 20-3,000 rows of a log, totals or items and nothing after: the 10 (was None header-less for
    every kind and length, and under 氏名 for a log: a log's INFO passed for an address, the block never ended)."""
    fake = _fake()
    persons = _persons(fake, 10)
    rows: Rows = [*([HEADER] if header else []), *persons, *(OTHERS[other](fake) for _ in range(between))]
    found = P.analyse_sheet("s", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 10, \
        None if found is None else (found.count, found.rejected)
    assert {r.fields["name"] for r in found.records} == {str(p[0]) for p in persons}


@pytest.mark.parametrize("other", list(OTHERS))
@pytest.mark.parametrize("header", [True, False], ids=["氏名", "header-less"])
def test_other_rows_alone_stay_nothing(header: bool, other: str) -> None:
    """The other way: the same 600 rows with no person block above them are no finding (no person row made up)."""
    fake = _fake()
    rows: Rows = [*([HEADER] if header else []), *(OTHERS[other](fake) for _ in range(600))]
    found = P.analyse_sheet("s", iter(rows))
    assert found is None or not found.count, (found.count, found.rejected)
