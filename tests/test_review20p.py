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


# --- people20's export header words: a building name and a room number alone are an office's room ------------------

EN = Faker("en_US")
EN.seed_instance(SEED)
FACULTY = [(EN.name(), EN.phone_number()) for _ in range(30)]
HALLS = ["Science Hall", "Grant Building", "Library", "Engineering Center", "Main Hall"]


@pytest.mark.parametrize("header", [["Name", "Building Name", "Room Number", "Phone"],
                                    ["Faculty", "Building", "Room No", "Extension"],
                                    ["Instructor", "Course", "Building Name", "Room Number"],
                                    ["Staff", "roomNumber", "buildingName", "telNo"]])
def test_a_building_name_and_room_number_alone_are_no_home(header: list[str]) -> None:
    """A faculty directory or a class schedule (Name | Building Name | Room Number) became 30 persons at "Science Hall
    100" once people20 made buildingName / roomNumber / roomNo address words: without a street, a town or a city beside
    them they are an office's room, as State alone names a region."""
    def cell(h: str, i: int, name: str, phone: str) -> str:
        low = h.lower()
        return (HALLS[i % 5] if "building" in low else str(100 + i) if "room" in low else f"MATH {100 + i}"
                if h == "Course" else str(4000 + i) if h == "Extension" else phone if "tel" in low or h == "Phone"
                else name)
    rows: list[list[object]] = [header, *([cell(h, i, n, p) for h in header] for i, (n, p) in enumerate(FACULTY))]
    found = P.analyse_sheet("directory", rows)
    assert found is None or found.kind != SheetKind.PERSONS


def test_a_japanese_export_with_a_building_and_room_beside_its_city_keeps_them() -> None:
    """The guard: beside cityName | townName | streetNumber the building and the room are the address's end."""
    people = [(f"{FAKE.last_name()} {FAKE.first_name()}", FAKE.city(), FAKE.town(), FAKE.chome() + FAKE.ban(),
               FAKE.building_name(), str(FAKE.random_int(101, 905))) for _ in range(30)]
    rows: list[list[object]] = [["shimei", "cityName", "townName", "streetNumber", "buildingName", "roomNo"],
                                *(list(p) for p in people)]
    found = P.analyse_sheet("export", rows)
    assert found is not None and found.kind == SheetKind.PERSONS
    assert [r.fields["address"].replace(" ", "") for r in found.records] == ["".join(p[1:]) for p in people]


# --- people20's pref / prefName: a preference or a preferred name in English data ------------------------------------

@pytest.mark.parametrize(("header", "extra"), [
    (["Last Name", "First Name", "Pref Name", "Address", "City", "Phone"], lambda first, i: first[:3]),  # preferred name
    (["Name", "Phone", "Address", "City", "Pref"], lambda first, i: ["email", "phone", "mail"][i % 3]),  # preference
])
def test_a_preferred_name_or_a_preference_is_no_prefecture(header: list[str], extra: object) -> None:
    """people20 made pref / prefName address words (a prefecture in Japanese exports); in English data they are a
    preferred name (Pref Name: Cin for Cindy) or a contact preference, and were joined into every address (Cin 3021
    Harrison Gateway, … South Joshua email): the same person's address differed from file to file. Such a column is the
    address's only when its values are prefectures."""
    assert callable(extra)
    rows: list[list[object]] = [header]
    people = []
    for i in range(30):
        first, last, street, city = EN.first_name(), EN.last_name(), EN.street_address(), EN.city()
        cells = {"Last Name": last, "First Name": first, "Name": f"{first} {last}", "Address": street, "City": city,
                 "Phone": EN.phone_number()}
        rows.append([cells.get(h, extra(first, i)) for h in header])
        people.append(f"{street} {city}")
    found = P.analyse_sheet("customers", rows)
    assert found is not None and [r.fields["address"] for r in found.records] == people


def test_a_prefecture_column_named_pref_stays_in_the_address() -> None:
    """The guard: prefName holding prefectures begins the address."""
    people = [(f"{FAKE.last_name()} {FAKE.first_name()}", FAKE.prefecture(), FAKE.city(), FAKE.town() + FAKE.chome()
               + FAKE.ban()) for _ in range(30)]
    rows: list[list[object]] = [["shimei", "prefName", "cityName", "address"],
                                *([n, p, c, a] for n, p, c, a in people)]
    found = P.analyse_sheet("export", rows)
    assert found is not None and found.kind == SheetKind.PERSONS
    assert [r.fields["address"].replace(" ", "") for r in found.records] == ["".join(p[1:]) for p in people]


@pytest.mark.parametrize("header", [["Name", "Street Name", "Phone"], ["Name", "streetName"]])
def test_a_street_name_alone_is_no_address(header: list[str]) -> None:
    """people20's streetName: beside a street number it is the address's street; alone (Norris Cliff, Jessica Extension:
    no number) it names a place as a city alone does, no address to write to (30 persons; before people20 a names lead
    or nothing)."""
    rows: list[list[object]] = [header, *([EN.name(), EN.street_name(), EN.phone_number()][:len(header)]
                                          for _ in range(30))]
    found = P.analyse_sheet("list", rows)
    assert found is None or found.kind != SheetKind.PERSONS


# --- keying 22: a full stop after the 号 typed apart ----------------------------------------------------------------

@pytest.mark.parametrize(("typed", "glued"), [("東京都小金井市本町3丁目12 5。", "東京都小金井市本町3-12-5"),
                                              ("東京都小金井市本町3丁目十二 5、", "東京都小金井市本町3丁目12番5号"),
                                              ("東京都小金井市本町12 5。", "東京都小金井市本町12-5")])
def test_a_go_typed_apart_before_a_full_stop_is_the_go(typed: str, glued: str) -> None:
    """people20 read 本町3丁目12 5 as 3-12-5 and 2。 as a unit; 本町3丁目12 5。 (the 号 then a full stop) kept 5 as a
    room: two persons beside the glued spelling."""
    assert count(make_rows(0, [PersonRecord("s", i, {"name": NAME, "address": a})
                               for i, a in enumerate([typed, glued])])[0]).unique == 1


# --- a wide export with a narrow list cat'ed below it: nothing (no hit, no skip) ------------------------------------

SPLIT_HEADER: list[object] = ["lastName", "firstName", "postalCode", "prefName", "cityName", "townName", "streetNumber",
                              "buildingName", "roomNo", "telNo"]


@pytest.mark.parametrize("header", [SPLIT_HEADER, ["姓", "名", "郵便番号", "都道府県", "市区町村", "町名", "番地", "建物名",
                                                   "部屋", "電話"]], ids=["camelCase", "日本語"])
def test_a_narrow_list_below_a_wide_export_leaves_the_export_read(header: list[object]) -> None:
    """Two CSVs joined (cat): 29 members of a 10-column export, then 60 rows of name | address | phone. The sample's
    majority refused the export's columns and the header block did not end at the narrow rows: the sheet was nothing, no
    hit and no skip (people20's export words made the camelCase header one: it was 84 persons read header-less before).
    Rows of fewer cells than half a wide header's columns are another table's."""
    members = [[FAKE.last_name(), FAKE.first_name(), FAKE.postcode(), FAKE.prefecture(), FAKE.city(), FAKE.town(),
                FAKE.chome() + FAKE.ban(), FAKE.building_name(), str(FAKE.random_int(101, 905)), FAKE.phone_number()]
               for _ in range(29)]
    narrow = [[f"{FAKE.last_name()} {FAKE.first_name()}", FAKE.address(), FAKE.phone_number()] for _ in range(60)]
    found = P.analyse_sheet("joined", [header, *members, *narrow])
    assert found is not None and found.kind == SheetKind.PERSONS and found.count >= len(members)
