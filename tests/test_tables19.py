"""tables19: person tables still missed or miscounted after session 18 (Faker ja_JP, fixed seed 1919)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from faker import Faker

from scanner.codes import Rejection, SheetKind
from scanner.detectors import pii as P

SEED = 1919
FAKE = Faker("ja_JP")
FAKE.seed_instance(SEED)
RND = random.Random(SEED)
ITEMS = ["ノートPC", "プロジェクター", "デジタルカメラ", "延長コード", "ホワイトボード"]
STAFF = [FAKE.last_name() for _ in range(3)]
PEOPLE = [(FAKE.name(), f"{FAKE.prefecture()}{FAKE.city()}{FAKE.town()}{FAKE.chome()}{FAKE.ban()}",
           FAKE.postcode(), FAKE.phone_number()) for _ in range(300)]

Rows = list[list[object]]


def _inventory(n: int) -> Rows:
    return [[RND.choice(ITEMS), f"AB-{RND.randint(100, 999)}", RND.randint(1, 9), f"本社倉庫{RND.randint(1, 5)}番棚",
             RND.choice(STAFF)] for _ in range(n)]


def _members(at: int, n: int, width: int) -> Rows:
    return [[name, post, address, phone, *[""] * (width - 4)] for name, address, post, phone in PEOPLE[at:at + n]]


# --- rows after a table found by a second try inside a refused sample -------------------------------------------------

@pytest.mark.parametrize("header", [False, True], ids=["header-less", "under the inventory's header"])
@pytest.mark.parametrize("layout", [(60, 20, 60, 20, 60), (100, 20, 100, 20, 100, 20), (600, 20, 30, 20)],
                         ids=["two lists in 200 rows", "three lists", "past the sample"])
def test_members_between_an_inventorys_rows_are_each_read(header: bool, layout: tuple[int, ...]) -> None:
    """Header-less members typed between an inventory's rows, in its cell layout: the search found the first list
    (a second try inside the refused window, or a table between the list's rows) and that table ended where the
    inventory resumed; every member below it was read by no table and the sheet said nothing of them (20 of 40, 20
    of 60). The search now goes on below the table found."""
    rows: Rows = [["品名", "型番", "数量", "保管場所", "担当者名"]] if header else []
    expected: set[str] = set()
    at = 0
    for i, n in enumerate(layout):
        if i % 2:
            rows += _members(at, n, 5)
            expected |= {p[0] for p in PEOPLE[at:at + n]}
            at += n
        else:
            rows += _inventory(n)
    found = P.analyse_sheet("備品", rows)
    assert found is not None and found.count == at
    assert {r.fields["name"] for r in found.records} == expected  # no staff of the inventory among them


# --- past MAX_TABLES ------------------------------------------------------------------------------------------------

def _lists(blocks: int, per: int) -> Rows:
    """``blocks`` lists of ``per`` rows, 氏名 | 住所 | 電話 and 電話 | 氏名 | 住所 taking turns, no blank row between."""
    rows: Rows = []
    for b in range(blocks):
        rows.append(["電話", "氏名", "住所"] if b % 2 else ["氏名", "住所", "電話"])
        for i in range(per):
            n, a, _post, _phone = PEOPLE[(b * per + i) % len(PEOPLE)]
            rows.append(["03-1234-5678", n, a] if b % 2 else [n, a, "03-1234-5678"])
    return rows


def test_past_max_tables_another_lists_header_is_nobody() -> None:
    """Past MAX_TABLES the rest is read in the last table's columns: the other layout's header row 電話 | 氏名 | 住所 was
    read as a person named 電話 (18 false persons of 100 lists). It is read as a blank row now; the other layout's rows
    stay listed refusals."""
    found = P.analyse_sheet("名簿", _lists(100, 4))
    assert found is not None
    names = {p[0] for p in PEOPLE}
    assert all(r.fields["name"] in names for r in found.records)  # 346 -> 328 persons, all of them real
    assert found.count >= 64 * 4
    assert found.count + found.rejected.get(Rejection.NOT_A_NAME, 0) == 400  # every data row said once


# --- a lead's own rows found again by a later window -----------------------------------------------------------------

def _roster(staff: int = 6, days: int = 30) -> Rows:
    """氏名 | 店舗住所 | 日付 | シフト with no header: staff at 2 stores, ``days`` days each, sorted by staff."""
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    stores = [f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}" for _ in range(2)]
    people = [(fake.name(), stores[i % 2]) for i in range(staff)]
    return [[n, a, (dt.date(2026, 4, 1) + dt.timedelta(d)).isoformat(), ("早番", "遅番", "日勤")[(i + d) % 3]]
            for i, (n, a) in enumerate(people) for d in range(days)]


def test_a_shift_roster_sorted_by_staff_counts_nobody() -> None:
    """The roster's sample is a names-elsewhere lead (staff at their stores); the later search then found a window of
    one staff member's run (one name at one address: 30 false persons, fix18b). A window's rows that the lead's sample
    held (that name at that place) are the lead's, read as blank rows: the sheet is the lead, every row said once."""
    found = P.analyse_sheet("シフト", _roster())
    assert found is not None and found.kind == SheetKind.NAMES
    assert found.records == [] and found.rejected == {Rejection.NAME_ELSEWHERE: 180}


def test_a_member_list_below_a_shift_roster_is_counted_and_no_staff() -> None:
    """A roster of 540 rows sorted by date (6 staff taking turns: a lead), then a member list past the sample: the
    later search's windows held staff runs beside the members (68 persons, 38 of them staff at their stores; 29 and a
    member refused without a header). The lead's own rows are read as blank rows by a window: the 30 members are the
    persons, the roster's 540 rows refused beside them."""
    roster = sorted(_roster(days=90), key=lambda r: str(r[2]))
    members = [[n, a, phone, ""] for n, a, _post, phone in PEOPLE[30:60]]
    for below in ([["氏名", "住所", "電話", ""], *members], members):
        found = P.analyse_sheet("シフト", [*roster, [], *below])
        assert found is not None and found.kind == SheetKind.PERSONS and found.count == 30
        assert {r.fields["name"] for r in found.records} == {p[0] for p in PEOPLE[30:60]}
        assert found.rejected == {Rejection.NAME_ELSEWHERE: 540}


# --- a names-only list beside a person table -------------------------------------------------------------------------

def _names_and_persons(names: int, persons: int, names_first: bool, gap: bool) -> tuple[Rows, set[str]]:
    contacts: Rows = [["氏名", "電話", "メール"],
                      *([n, phone, f"user{i}@example.jp"] for i, (n, _a, _post, phone) in enumerate(PEOPLE[:names]))]
    listed = PEOPLE[100:100 + persons]
    members: Rows = [["氏名", "フリガナ", "住所", "電話", "生年月日"],
                     *([n, "ヤマダ タロウ", a, phone, f"19{60 + i % 30}-04-0{1 + i % 9}"]
                       for i, (n, a, _post, phone) in enumerate(listed))]
    rows = [*contacts, *[[]] * gap, *members] if names_first else [*members, *[[]] * gap, *contacts]
    return rows, {p[0] for p in listed}


@pytest.mark.parametrize("names_first", [True, False], ids=["names above", "names below"])
@pytest.mark.parametrize("gap", [True, False], ids=["blank row", "no blank row"])
@pytest.mark.parametrize("names", [5, 30, 60])
def test_a_names_only_list_beside_a_person_table_is_said_and_the_persons_counted(names: int, names_first: bool,
                                                                                  gap: bool) -> None:
    """氏名 | 電話 | メール above 30 persons was dropped with no reason; below them its rows were read in the persons'
    columns (`not-an-address`) and, 30 rows or more with no blank row, the whole sheet became a lead: the 30 persons
    were not counted. The names-only list is a table of its own now, a lead beside them (tables26: its rows were
    refused `no-address`, said only as rejections)."""
    rows, persons = _names_and_persons(names, 30, names_first, gap)
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.kind == SheetKind.PERSONS
    assert {r.fields["name"] for r in found.records} == persons and found.count == 30
    assert found.rejected == {} and found.lead is not None and found.lead.count == names


@pytest.mark.parametrize("header", [["氏名", "電話", "メール"], ["氏名", "電話"]])
def test_a_section_header_over_rows_with_addresses_is_no_names_only_list(header: list[str]) -> None:
    """A names-only header over rows that hold addresses (a person list's section) is no list of its own: its rows
    stay the person table's."""
    members: Rows = [["氏名", "住所", "電話"], *([n, a, phone] for n, a, _post, phone in PEOPLE[:20]), [],
                     header, *([n, a, phone] for n, a, _post, phone in PEOPLE[20:40])]
    found = P.analyse_sheet("名簿", members)
    assert found is not None and found.count == 40 and Rejection.NO_ADDRESS not in found.rejected


# --- header-less addresses split after the municipality ------------------------------------------------------------

TOWNS = ["中央", "本町", "緑が丘", "桜台", "栄", "東", "旭", "新町", "若葉", "柏木"]


def _split_after_city(layout: str) -> Rows:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rnd = random.Random(SEED)
    rows: Rows = []
    for i in range(40):
        town = f"{rnd.choice(TOWNS)}{rnd.randint(1, 5)}-{rnd.randint(1, 30)}" + (f"-{rnd.randint(1, 20)}" if i % 3 else "")
        cells = {"name": fake.name(), "city": fake.city(), "town": town, "phone": fake.phone_number(), "no": i + 1,
                 "kana": fake.kana_name(), "pref": fake.prefecture()}
        rows.append([cells[k] for k in layout.split("|")])
    return rows


@pytest.mark.parametrize("layout", ["name|city|town", "name|city|town|phone", "no|name|kana|city|town|phone",
                                    "name|phone|city|town", "name|pref|city|town"])
def test_a_town_after_a_municipality_column_is_an_address(layout: str) -> None:
    """Header-less, the municipality in its own column and the town with its block number in the next (渋谷区 |
    中央1-2-3, 稲城市 | 本町2-14, 香取郡多古町 | 緑が丘3-4-5): a town that does not end in 町 made no address, so the
    list was nothing or a lead of names beside phones. The municipality column starts the address now."""
    rows = _split_after_city(layout)
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 40
    parts = layout.split("|")
    at, town = parts.index("pref" if "pref" in parts else "city"), parts.index("town")
    assert {r.fields["address"] for r in found.records} == {"".join(map(str, r[at:town + 1])) for r in rows}


@pytest.mark.parametrize("place", ["会議室", "倉庫", "2階"])
def test_a_municipality_beside_rooms_is_no_address(place: str) -> None:
    """A ward beside a meeting room, a store room or a floor with numbers (青葉区 | 会議室1-2) is nobody's home."""
    rnd = random.Random(SEED)
    rows: Rows = [[name, rnd.choice(["中区", "西区", "青葉区"]), f"{place}{rnd.randint(1, 5)}-{rnd.randint(1, 9)}"]
                  for name, _a, _post, _phone in PEOPLE[:40]]
    found = P.analyse_sheet("会議", rows)
    assert found is None or found.count == 0


# --- a care level or a status after the address ----------------------------------------------------------------------

@pytest.mark.parametrize("care", ["要介護3", "要支援1", "入所中", "varying"])
@pytest.mark.parametrize("facility", [True, False], ids=["at a care home", "at their homes"])
def test_a_care_level_after_the_address_is_no_part_of_it(care: str, facility: bool) -> None:
    """Header-less 氏名 | 住所 | 要介護3: the care level (or a status, 入所中) was joined to every address (…5番9号要介護3),
    so a resident was at another address in each list and at each change of level. A building name stays a part."""
    rnd = random.Random(SEED)
    home = PEOPLE[0][1]
    levels = ["要介護1", "要介護2", "要介護3", "要支援1", "要支援2"]
    rows: Rows = [[n, home if facility else a, rnd.choice(levels) if care == "varying" else care, phone]
                  for n, a, _post, phone in PEOPLE[1:41]]
    found = P.analyse_sheet("利用者", rows)
    assert found is not None and found.count == 40
    assert {r.fields["address"] for r in found.records} == {r[1] for r in rows}


def test_a_building_after_a_care_homes_address_stays_a_part() -> None:
    rows: Rows = [[n, PEOPLE[0][1], "グリーンハイツ", phone] for n, _a, _post, phone in PEOPLE[1:41]]
    found = P.analyse_sheet("入居者", rows)
    assert found is not None and {r.fields["address"] for r in found.records} == {PEOPLE[0][1] + "グリーンハイツ"}


# --- one person at home and at work ----------------------------------------------------------------------------------

def test_a_person_at_home_and_at_an_office_is_a_person() -> None:
    """Header-less 氏名 | 住所 | 電話, each person on a home row and a work row (his office: …ビル5階) with another phone:
    each name at two places only he stands at read as a sender beside his recipients' homes, and the list was a lead of
    40 rows and no person. A name whose two places are one office and one home is a person."""
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rows: Rows = []
    for n, a, _post, phone in PEOPLE[:20]:
        office = f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()} {fake.building_name()}5階"
        rows += [[n, a, phone], [n, office, fake.phone_number()]]
    found = P.analyse_sheet("連絡先", rows)
    assert found is not None and found.kind == SheetKind.PERSONS
    assert {r.fields["name"] for r in found.records} == {p[0] for p in PEOPLE[:20]}


def test_a_sender_beside_two_recipients_homes_is_still_a_lead() -> None:
    """The same layout with two homes a name (a sender beside his recipients' addresses) stays a lead."""
    rows: Rows = []
    for i, (n, _a, _post, phone) in enumerate(PEOPLE[:20]):
        rows += [[n, PEOPLE[100 + 2 * i][1], phone], [n, PEOPLE[101 + 2 * i][1], PEOPLE[101 + 2 * i][3]]]
    found = P.analyse_sheet("贈答", rows)
    assert found is not None and found.kind == SheetKind.NAMES
    assert found.rejected == {Rejection.NAME_ELSEWHERE: 40}
