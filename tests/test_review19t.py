"""review19t: tables19's new rules broken by real layouts (Faker ja_JP, fixed seed 19190)."""

from __future__ import annotations

import pytest
from faker import Faker

from scanner.codes import SheetKind
from scanner.detectors import pii as P

SEED = 19190
FAKE = Faker("ja_JP")
FAKE.seed_instance(SEED)
PEOPLE = [(FAKE.name(), f"{FAKE.prefecture()}{FAKE.city()}{FAKE.town()}{FAKE.chome()}{FAKE.ban()}",
           FAKE.phone_number()) for _ in range(80)]

Rows = list[list[object]]


@pytest.mark.parametrize("officers", [3, 10])
def test_a_few_officers_above_a_member_list_leave_the_members_counted(officers: int) -> None:
    """A club's sheet: its officers (氏名 | 役職 | 電話, a few rows: no lead, officials) above the member list (氏名 |
    住所 | 電話). tables19 took the officers' header as the first list's (a names-only list ending where the members'
    header is); the officers made no table and no lead, and the 30 members were neither counted nor listed: the
    sheet was nothing (before tables19: 30 persons)."""
    rows: Rows = [["氏名", "役職", "電話"], *([n, "理事", p] for n, _a, p in PEOPLE[:officers]), [],
                  ["氏名", "住所", "電話"], *([n, a, p] for n, a, p in PEOPLE[40:70])]
    found = P.analyse_sheet("会員名簿", rows)
    assert found is not None and found.kind == SheetKind.PERSONS
    assert {r.fields["name"] for r in found.records} == {p[0] for p in PEOPLE[40:70]}
