"""review20p: defects found reviewing people20 (Faker ja_JP / en_US, fixed seed 2020)."""

from __future__ import annotations

import pytest
from faker import Faker

from scanner.codes import SheetKind
from scanner.detectors import pii as P
from scanner.models import PersonRecord
from scanner.persons.count import count, make_rows

SEED = 2020
FAKE = Faker("ja_JP")
FAKE.seed_instance(SEED)
NAME = FAKE.name()
HOME = "東京都小金井市本町4-5-6 "


def _persons(addresses: list[str]) -> int:
    records = [PersonRecord("s", i, {"name": NAME, "address": HOME + a}) for i, a in enumerate(addresses)]
    return count(make_rows(0, records)[0]).unique


@pytest.mark.parametrize("typed", [
    ["パークタワーT1", "パークタワーT2"], ["パークタワー T1", "パークタワー T2"], ["パークタワーT1 1205号室", "パークタワーT2"],
    ["コーポ山田 H32", "コーポ山田 H33"], ["コーポ山田 S70", "コーポ山田 S71"],  # no Heisei 32, no Showa 70
])
def test_a_tower_or_unit_that_is_no_era_year_stays_a_unit(typed: list[str]) -> None:
    """people20 read an era's year typed bare after the building (H30, R2, T1) as no unit; but Taisho's years are no
    resident's date (タワーT1 / タワーT2 are two towers) and Heisei ended in its 31st year, Showa in its 64th: namesakes
    there were merged into one person."""
    assert _persons(typed) == 2


@pytest.mark.parametrize("typed", [["コーポ山田 101号室", "コーポ山田 H30"], ["コーポ山田 101号室", "コーポ山田 R2"],
                                   ["コーポ山田 101号室", "コーポ山田 s50。"]])
def test_an_era_year_typed_apart_after_the_building_stays_no_unit(typed: list[str]) -> None:
    """The guard: people20's era years typed apart (H30, R2, S50) are still no unit beside her room."""
    assert _persons(typed) == 1


# --- a town and its block with no city (people20's values.is_town_block): a seat or wing is no town ----------------

STAFF = [(f"{FAKE.last_name()} {FAKE.first_name()}", FAKE.phone_number()) for _ in range(40)]


@pytest.mark.parametrize("place", ["本館{a}-{b}", "新館{a}-{b}", "西館{a}-{b}", "東{a}-{b}", "本部{a}-{b}", "北{a}-{b}-{c}"])
@pytest.mark.parametrize("header", [None, ["氏名", "座席", "内線"]], ids=["header-less", "氏名 | 座席 | 内線"])
def test_a_seat_in_a_wing_or_a_direction_is_no_town(place: str, header: list[str] | None) -> None:
    """Japan Post's towns hold 本館, 新館, 西館, 本部, 東, 北 (a town somewhere): a staff list's seat or desk (本館3-1, 東1-2)
    beside the names was read as a town and its block: 40 persons at 本館1-1 4000 (the extension joined). Wings, offices
    and directions alone are no town."""
    rows: list[list[object]] = [*([header] if header else []), *(
        [n, place.format(a=i % 5 + 1, b=i % 9 + 1, c=i % 7 + 1), phone if header is None else str(4000 + i)]
        for i, (n, phone) in enumerate(STAFF))]  # a direct line (header-less) or an extension
    found = P.analyse_sheet("座席表", rows)
    assert found is None or found.kind != SheetKind.PERSONS
