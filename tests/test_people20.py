"""people20: person tables and the person count, session-19 leftovers (Faker ja_JP, fixed seed 2020)."""

from __future__ import annotations

import pytest
from faker import Faker

from scanner.codes import SheetKind
from scanner.detectors import pii as P
from scanner.models import PersonRecord
from scanner.persons.count import count, make_rows
from scanner.persons.normalise import record_key_and_reading

SEED = 2020
FAKE = Faker("ja_JP")
FAKE.seed_instance(SEED)
PEOPLE = [(FAKE.last_name(), FAKE.first_name(), FAKE.prefecture(), FAKE.city(), FAKE.town(), FAKE.chome() + FAKE.ban(),
           FAKE.postcode(), FAKE.phone_number(), FAKE.building_name(), str(FAKE.random_int(101, 905)))
          for _ in range(40)]

Rows = list[list[object]]


# --- 1: English / romaji headers of registry and care-system exports -------------------------------------------------

EXPORTS = {
    "camelCase": (["lastName", "firstName", "postalCode", "prefecture", "cityName", "townName", "streetNumber",
                   "buildingName", "roomNo", "telNo"],
                  lambda p: [p[0], p[1], p[6], p[2], p[3], p[4], p[5], p[8], p[9], p[7]]),
    "snake_case": (["full_name", "prefecture", "city_name", "street_number", "tel_no"],
                   lambda p: [f"{p[0]} {p[1]}", p[2], p[3], p[4] + p[5], p[7]]),
    "romaji": (["seimei", "yubin", "todofuken", "shichoson", "chomei_banchi", "tel1"],
               lambda p: [f"{p[0]} {p[1]}", p[6], p[2], p[3], p[4] + p[5], p[7]]),
}


@pytest.mark.parametrize("layout", EXPORTS)
def test_registry_export_headers_name_every_address_part_and_the_phone(layout: str) -> None:
    """Exports of registry and care systems name their columns in English or romaji (cityName | streetNumber, telNo,
    shichoson). The city and block were found by their values only, so the prefecture column beside them was dropped
    from every address, and telNo was no phone: both are header words now."""
    header, row = EXPORTS[layout]
    found = P.analyse_sheet("export", [header, *[row(p) for p in PEOPLE]])
    assert found is not None and found.count == len(PEOPLE)
    assert [(r.fields["name"].replace(" ", ""), r.fields["address"][:len(p[2] + p[3])], r.fields.get("phone"))
            for r, p in zip(found.records, PEOPLE, strict=True)] == [(p[0] + p[1], p[2] + p[3], p[7]) for p in PEOPLE]


# --- 6-9: the person count (keying 22) -------------------------------------------------------------------------------

NAME = FAKE.name()
HOME = "東京都小金井市本町4-5-6"
BUILDINGS = ["コーポ山田", *(FAKE.building_name() for _ in range(2))]


def _persons(addresses: list[str]) -> int:
    records = [PersonRecord("s", i, {"name": NAME, "address": a}) for i, a in enumerate(addresses)]
    return count(make_rows(0, records)[0]).unique


@pytest.mark.parametrize("building", BUILDINGS)
@pytest.mark.parametrize(("typed", "persons"), [
    # 6: F before the digits is the floor (as 2F), not wing F's unit 2
    (["{b} F2", "{b} 2F"], 1), (["{b} F2", "{b} 2階"], 1), (["{b}F2", "{b} 2F"], 1), (["{b} F2", "{b} F3"], 2),
    (["{b} F2", "{b} 201号室"], 1), (["{b} F2", "{b} 201号室", "{b} 202号室"], 3), (["{b} A2", "{b} B2"], 2),
    # 7: an era's year typed bare after the building is no unit (as 平成30年 and H30.4 were not); Taisho's (T1) is a
    # tower's or wing's name (review20p)
    (["{b} 101号室", "{b} H30"], 1), (["{b} 101号室", "{b} R2"], 1), (["{b} 101号室", "{b} S50"], 1),
    (["{b} 101号室", "{b} T1"], 2), (["{b} 101号室", "{b} 平成30年"], 1), (["{b} 101号室", "{b} h31。"], 1),
    (["{b} 101号室 H30", "{b} 102号室 H30"], 2), (["{b} A1", "{b} A2"], 2),
    # 8: the unit before a full stop or a comma
    (["{b} 2。", "{b} 3。"], 2), (["{b} 2。", "{b} 2"], 1), (["{b} 2、", "{b} 3"], 2), (["{b} 2号室。", "{b} 3"], 2),
])
def test_short_unit_spellings(building: str, typed: list[str], persons: int) -> None:
    """F2 (a floor as some write it) read as wing F's unit 2, apart from her 2F row; an era's year typed after the
    building (H30, R2) read as unit 30 of wing H, apart from her room's row; 2。 read no unit, so namesakes in 2。 and 3。
    were one person."""
    assert _persons([f"{HOME} {t.format(b=building)}" for t in typed]) == persons


@pytest.mark.parametrize(("typed", "glued", "next_go"), [
    ("東京都小金井市本町3丁目十二 5", "東京都小金井市本町3-12-5", "東京都小金井市本町3-12-6"),
    ("東京都小金井市本町3丁目12 5", "東京都小金井市本町3-12-5", "東京都小金井市本町3丁目12番6号"),
    ("東京都小金井市本町3丁目十二\u30005", "東京都小金井市本町3丁目12番5号", "東京都小金井市本町3-12-6"),
    ("東京都小金井市本町3丁目十二 5 コーポ山田 101", "東京都小金井市本町3-12-5 コーポ山田 101",
     "東京都小金井市本町3-12-6 コーポ山田 101"),
    ("京都府京都市東山区大和大路2丁目537 1", "京都府京都市東山区大和大路2丁目537-1", "京都府京都市東山区大和大路2丁目537-2"),
])
def test_a_spaced_number_after_the_chome_and_its_ban_is_the_go(typed: str, glued: str, next_go: str) -> None:
    """丁目 typed with the town, then 番 and 号 apart (本町3丁目十二 5): the 号 was read as a room and left out of the
    address key (3-12 + room 5 beside 3-12-5: two persons). It is the block's last number, as after 三丁目十二 (review19p)."""
    assert record_key_and_reading(NAME, typed) == record_key_and_reading(NAME, glued)
    assert _persons([typed, glued]) == 1
    assert _persons([typed, next_go]) == 2


@pytest.mark.parametrize(("typed", "block", "room"), [
    ("東京都小金井市本町3丁目12 101", "東京都小金井市本町3-12", "101"),
    ("秋田県にかほ市象潟町一丁目塩越 3", "秋田県にかほ市象潟町一丁目塩越3", ""),
    ("東京都小金井市本町3丁目12-5 コーポ山田 2", "東京都小金井市本町3-12-5", "2"),
])
def test_a_room_after_the_chome_block_stays_the_room(typed: str, block: str, room: str) -> None:
    """A room of three digits after 丁目 and 番, a lot after a town holding 一丁目, a unit after a building: unchanged.
    (review20p: each case says its key and room; the lot's case asserted nothing)"""
    key, reading = record_key_and_reading(NAME, typed)
    assert (key[1], reading.split("\x1e")[0]) == (block, room)


# --- 2: another table's header row inside a person table -------------------------------------------------------------

ITEMS = ["ノートPC", "プロジェクター", "デジタルカメラ", "延長コード"]
INVENTORY_HEADER: list[object] = ["品名", "型番", "数量", "保管場所", "担当者名"]


def _inventory(n: int) -> Rows:
    return [[ITEMS[i % 4], f"AB-{100 + i}", i % 9 + 1, f"本社倉庫{i % 5 + 1}番棚", PEOPLE[i % 3][0]] for i in range(n)]


def _members() -> Rows:
    return [[f"{p[0]} {p[1]}", p[6], f"{p[2]}{p[3]}{p[4]}{p[5]}", p[7], ""] for p in PEOPLE[:30]]


@pytest.mark.parametrize("blank", [False, True], ids=["no blank row", "a blank row"])
@pytest.mark.parametrize("above", [0, 60], ids=["members first", "below an inventory"])
def test_an_inventorys_header_below_the_members_is_no_person(blank: bool, above: int) -> None:
    """品名 | 型番 | 数量 | 保管場所 | 担当者名 typed below a member list (with or without a blank row) was read in the
    members' columns: a person named 品名 at the address 数量 (review19t, old). A row of header words in the name
    column and another column is another table's header: read as a blank row."""
    rows: Rows = [*_inventory(above), ["氏名", "郵便番号", "住所", "電話", ""], *_members(),
                  *([[]] if blank else []), INVENTORY_HEADER, *_inventory(60)]
    found = P.analyse_sheet("名簿", rows)
    assert found is not None
    assert [r.fields["name"] for r in found.records] == [f"{p[0]} {p[1]}" for p in PEOPLE[:30]]


def test_a_member_whose_name_cell_is_a_label_beside_data_stays_read() -> None:
    """Only a row of header words: a member row with a word of ours in the name cell and data beside it is read as
    before (refused or not by the values, never taken for a header)."""
    rows: Rows = [["氏名", "郵便番号", "住所", "電話", ""], *_members()]
    rows.insert(10, ["本人", "184-0004", "東京都小金井市本町4-5-6", "042-123-4567", ""])
    # names that are excluded header words, a second one beside them, then data (POI 46904.xls: a firm's two lines)
    rows.insert(20, ["Product Manager", "184-0004", "東京都小金井市本町4-5-6", "042-123-4567", "Sales Manager"])
    found = P.analyse_sheet("名簿", rows)
    base = P.analyse_sheet("名簿", [r for i, r in enumerate(rows) if i not in (10, 20)])
    assert found is not None and base is not None and found.count + sum(found.rejected.values()) == \
        base.count + sum(base.rejected.values()) + 2


# --- 5: a town and its block with no municipality anywhere ----------------------------------------------------------

TOWNS = ["中央", "若葉", "桜台", "富士見", "緑が丘", "旭ケ丘", "松原", "青葉台", "大和田", "日吉本町"]  # Japan Post's towns
TOWN_ROWS = [(f"{p[0]} {p[1]}", f"{TOWNS[i % len(TOWNS)]}{i % 5 + 1}-{i % 30 + 1}-{i % 20 + 1}", p[7], p[8])
             for i, p in enumerate(PEOPLE)]


@pytest.mark.parametrize("layout", ["name | town", "name | town | phone", "name | town building | phone"])
def test_a_town_and_block_with_no_city_is_an_address(layout: str) -> None:
    """A header-less list whose addresses leave out the prefecture and city (中央1-2-3, 緑が丘3-4-5: a town-level list)
    was nothing or a names lead: no value looked like an address. A town of Japan Post's list (signatures/towns.tsv,
    already the gazetteer's) followed by a block of two or three numbers is one now."""
    rows: Rows = [[n, a] if layout == "name | town" else [n, a, ph] if layout.endswith("town | phone")
                  else [n, f"{a} {b}", ph] for n, a, ph, b in TOWN_ROWS]
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(TOWN_ROWS)
    assert [r.fields["address"][:len(a)] for r, (_n, a, _p, _b) in zip(found.records, TOWN_ROWS, strict=True)] == \
        [a for _n, a, _p, _b in TOWN_ROWS]


@pytest.mark.parametrize("place", ["会議室{a}-{b}", "第{a}会議室{b}-1", "本社倉庫{a}-{b}", "A棟{a}-{b}", "{a}-{b}-3"])
def test_a_room_or_shelf_with_two_numbers_is_no_town(place: str) -> None:
    """Words that are no town (会議室, 倉庫, A棟) or numbers alone before the block keep the sheet what it was."""
    rows: Rows = [[f"{p[0]} {p[1]}", place.format(a=i % 5 + 1, b=i % 9 + 1), p[7]] for i, p in enumerate(PEOPLE)]
    found = P.analyse_sheet("名簿", rows)
    assert found is None or found.kind != SheetKind.PERSONS


def test_a_city_name_column_alone_is_no_address() -> None:
    """cityName beside a name is one part of an address; alone, holding cities without a number (an incident report's
    Staff Name | City Name, csvkit's event-notification-rpt-lastmonth.txt: 71 staff members at PLYMOUTH), it names a
    region as State does (the [regions] rule): no persons."""
    staff = ["NEIL PERRY", "MICHAEL KUNOWSKI", "JIM LUEHMAN", "MARK ABRAMOVITZ", "CHRIS TIMMERMAN", "JOE O'HARA"]
    cities = ["PLYMOUTH", "SHEBOYGEN", "SPRINGFIELD", "RICHMOND", "FRANKLIN"]
    rows: Rows = [["Event Desc", "Site Name", "City Name", "State Cd", "Staff Name1", "Org Abbrev1"]]
    rows += [["Power Reactor", "PILGRIM", cities[i % 5], "MA", staff[i % 6], "R1DO"] for i in range(40)]
    found = P.analyse_sheet("events", rows)
    assert found is None or found.kind != SheetKind.PERSONS
