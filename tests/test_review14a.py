"""review14a: tables14's defects (person lists below an inventory, phones by value, venues, other-language headers,
担当者名 | 住所 alone).

Values: Faker ja_JP with fixed seeds (tests/person_tables_data.py), random numbers of fixed seeds; never real data.
"""

from __future__ import annotations

import random

import pytest

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests.test_inv13 import PEOPLE, STAFF, _inventory_rows

Rows = list[list[object]]
_HEADER: Rows = [["品名", "型番", "数量", "保管場所", "担当者名"]]


def _same_care_manager() -> Rows:
    """Every person's row names the same care manager, one of the inventory's staff (高橋)."""
    rnd = random.Random(1)
    return [[p.name, p.kana, rnd.randint(20, 90), p.address, p.phone, STAFF[2]] for p in PEOPLE]


def _same_town_and_status() -> Rows:
    """Every person's row holds the same town and status (横浜市 | 在宅): values of the list, not of the inventory."""
    rnd = random.Random(1)
    return [[p.name, p.kana, rnd.randint(20, 90), p.address, p.phone, "横浜市", "在宅"] for p in PEOPLE]


def _families() -> Rows:
    """Households of two: the second member at the first one's address and phone."""
    rows: Rows = []
    for a, b in zip(PEOPLE[::2], PEOPLE[1::2], strict=True):
        rows += [[a.name, a.kana, 40, a.address, a.phone], [b.name, b.kana, 12, a.address, a.phone]]
    return rows


@pytest.mark.parametrize("inventory_below", [0, 1000], ids=["end", "inventory below"])
@pytest.mark.parametrize("persons", [_same_care_manager, _same_town_and_status, _families],
                         ids=["same care manager", "same town and status", "families"])
@pytest.mark.parametrize("above", [600, 900, 2000])
def test_persons_with_repeated_values_below_an_inventory_are_counted_whole(above, persons, inventory_below):
    """tables14's turn took a row as a person's only when it held fewer than two values the run's rows held before:
    a care manager or a town on every row, or a household's shared address and phone, are such values, so no turn was
    found: none of 200 (600 rows above), 98 (900), 182 (2,000), and with the inventory going on below, 1,182 (its
    1,000 rows as persons) — main (inv13) counted 200 of each."""
    rows = _HEADER + _inventory_rows(above, seed=3) + persons() + _inventory_rows(inventory_below)
    found = analyse_sheet("台帳", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS
    assert (found.count, found.rows[0][0]) == (len(PEOPLE), above + 2)
