"""tables25: person tables left open by tables24 / review24t (Faker ja_JP, fixed seed 2525; every expected count derived
from the generated rows).

1. The first block of persons lost when the rows between two person blocks run past the sample (520 rows): the sample
   decided the sheet held one block (the second, found by the later search), or none at all under a header of things.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from faker import Faker

from scanner.codes import Rejection, SheetKind
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
    """10 persons above 600 item rows and nothing after (the persons never come back): the 10 (tables26: a person
    block at the top is a table of its own whatever follows; it was no finding here, tables25's guard)."""
    fake = _fake()
    persons = _persons(fake, 10)
    rows: Rows = [*([THINGS] if header == "品名" else []), *persons, *(_item(fake) for _ in range(600))]
    found = P.analyse_sheet("s", iter(rows))
    assert found is not None and found.count == 10 and {r.fields["name"] for r in found.records} == {
        str(p[0]) for p in persons}


# --- 3. false persons: a value of another kind in the name or the address column --------------------------------------

DEPARTMENTS = ("総務部", "営業部", "製造部", "品質管理部")


@pytest.mark.parametrize("header", [True, False], ids=["氏名", "header-less"])
def test_equipment_rows_among_staff_are_no_persons(header: bool) -> None:
    """A staff roster by department (【総務部】 over its staff), each department's AED listed at its place
    (総務部設置AED | address): only the staff are persons. Was: the 4 AED rows counted too (review24t's roster,
    20 -> 24, 21 -> 25). Class: a name written in kanji and Latin letters run together (an item's name: 総務部設置AED,
    本社PC), no person's."""
    fake = _fake()
    rows: Rows = [["氏名", "住所", "電話", "年齢"]] if header else []
    total = 0
    for d in DEPARTMENTS:
        rows += [[f"{d}設置AED", fake.address(), "", ""], [f"【{d}】", "", "", ""]]
        n = fake.random_int(3, 9)
        total += n
        rows += [[fake.name(), fake.address(), fake.phone_number(), f"{fake.random_int(20, 65)}歳"] for _ in range(n)]
    found = P.analyse_sheet("s", rows)
    assert found is not None and found.count == total, (found and found.count, found and found.rejected)


def _staff_at_head_office(fake: Faker) -> list[object]:
    return [fake.last_name(), "本社", fake.random_int(1, 50)]


def _notes(fake: Faker) -> list[object]:
    return ["備考", fake.random_element(["転居予定あり", "要確認", "連絡不要", "入院中"]), ""]


@pytest.mark.parametrize("between", [1, 3, 8])
@pytest.mark.parametrize("block", ["本社", "備考"])
@pytest.mark.parametrize("header", ["氏名", "header-less"])
def test_rows_whose_address_is_no_place_are_no_persons(header: str, block: str, between: int) -> None:
    """20 persons, 1-8 rows of another kind, 20 persons: staff at 本社 with a number (佐藤 | 本社 | 23) or notes under
    氏名 (備考 | 転居予定あり): 40. Was 41-48 (tables24's probes). Class: an address column's value that names no place
    (no numeral, no 都道府県/市区町村郡/町/字/丁: 本社, 転居予定あり) is no address."""
    fake = _fake()
    make = _staff_at_head_office if block == "本社" else _notes
    above, below = _persons(fake, 20), _persons(fake, 20)
    rows: Rows = [*([["氏名", "住所", "電話番号"]] if header == "氏名" else []), *above,
                  *(make(fake) for _ in range(between)), *below]
    found = P.analyse_sheet("s", rows)
    assert found is not None and found.count == 40, (found and found.count, found and found.rejected)


REGIONS = ["東\u3000北", "関\u3000東", "北\u3000陸", "東\u3000海", "近\u3000畿", "中\u3000国", "四\u3000国", "九\u3000州"]


@pytest.mark.parametrize("staff", [3, 4])
@pytest.mark.parametrize("header", [True, False], ids=["氏名", "header-less"])
def test_regional_offices_whose_staff_live_at_their_own_homes_are_no_persons(header: bool, staff: int) -> None:
    """東　北 | its office's address | phone, then 3 or 4 staff at their own homes, for 8 regions: the 24/32 staff are
    persons, the 8 offices not (a quarter or a fifth of the names; tables24 made a third or less names). Was: 32/40.
    Five regions or more of Japan's eight in one name column are offices whatever their share."""
    fake = _fake()
    rows: Rows = [["氏名", "住所", "電話"]] if header else []
    for region in REGIONS:
        rows += [[region, fake.address(), fake.phone_number()], *_persons(fake, staff)]
    found = P.analyse_sheet("s", rows)
    assert found is not None and found.count == 8 * staff, (found and found.count, found and found.rejected)


# --- 5. a constant text column after the address -----------------------------------------------------------------------

def _members(fake: Faker, shape: str) -> Rows:
    """Members with their address, then 会員 | member number | 済 (sample24's test sheet: town-and-block addresses)."""
    if shape == "sample24":
        towns = ("西新宿", "神宮前", "丸の内", "高輪")
        return [[fake.name(), f"{towns[i % 4]}{i % 3 + 1}-{i % 7 + 2}-{i + 1}", "会員", i + 1, "○", "済"]
                for i in range(10)]
    rows: Rows = [[fake.name(), fake.address(), "会員", fake.random_int(100, 999) if shape == "numbers" else i + 1, "済"]
                  for i in range(20)]
    return [["氏名", "住所", "", "", ""], *rows] if shape == "header" else rows


@pytest.mark.parametrize("shape", ["sample24", "header", "numbers"])
def test_a_constant_text_column_after_the_address_is_no_part_of_it(shape: str) -> None:
    """Each record's address is its address cell alone. Was: 西新宿1-2-1会員1 (sample24's sheet), …2番15号会員 under 氏名 |
    住所, …3番10号会員575済 header-less: 会員 (the same on every row) read as a building, the member number as a room.
    Rule: a text column with one value on rows at different addresses is no building (a building is shared by rows at
    one address only)."""
    rows = _members(_fake(), shape)
    found = P.analyse_sheet("s", rows)
    people = [r for r in rows if r[2] == "会員"]
    assert found is not None and found.count == len(people), (found and found.count, found and found.rejected)
    assert sorted(r.fields["address"] for r in found.records) == sorted(str(r[1]) for r in people)


def test_residents_of_one_building_keep_its_name() -> None:
    """The guard: a care home's residents at one street address, its building in a column of its own (the same on every
    row): the building is part of each address, as before."""
    fake = _fake()
    street = f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}"
    rows: Rows = [[fake.name(), street, "さくら荘", f"{fake.random_int(101, 309)}号室"] for _ in range(12)]
    found = P.analyse_sheet("s", rows)
    assert found is not None and found.count == 12
    assert all(r.fields["address"].startswith(street) and "さくら荘" in r.fields["address"] for r in found.records)


# --- 2. facilities named by a place and a katakana word, persons with a katakana given name -----------------------------

# katakana given names of foreign-born residents (the largest groups: Vietnam, the Philippines, Brazil, Nepal, the US):
# 4+ characters or with ー, the shapes tables24/review24t took for a facility's word
FOREIGN_GIVEN = ["エミリー", "ジョージ", "メアリー", "ナンシー", "ヘンリー", "ルーシー", "ソフィア", "ジェシカ", "マイケル",
                 "ダニエル", "トーマス", "カルロス", "フェルナンダ", "ジュリアナ", "ベアトリス", "ガブリエル", "ラファエル",
                 "マルコス", "アイリーン", "ジャスミン", "クリスティン", "ロドリゴ", "オリビア", "イザベラ", "スニータ",
                 "トゥアン", "アンジェラ", "ビクトリア", "レオナルド", "ジェニファー"]
# a family name that is also the municipality or ward she lives in (名古屋市中村区, 松本市, 山口市, 小林市, 中野区, 市川市)
HOMES = {"中村": "愛知県名古屋市中村区", "松本": "長野県松本市", "山口": "山口県山口市", "小林": "宮崎県小林市",
         "中野": "東京都中野区", "市川": "千葉県市川市"}
# facilities whose place is not followed by 市区町村 in their address, or whose word has 3 characters (no ー)
FACILITIES = [("屋島テラス", "香川県高松市屋島西町2366-1"), ("香南ランド", "香川県高松市香南町岡1270-13"),
              ("牟礼パーク", "香川県高松市牟礼町牟礼302-1"), ("塩江ガーデン", "香川県高松市塩江町安原上東2586-28"),
              ("仏生山ホール", "香川県高松市仏生山町甲345-7"), ("瓦町ステーション", "香川県高松市常磐町一丁目3-1"),
              ("一宮プール", "香川県高松市一宮町503-40"), ("三谷ファーム", "香川県高松市三谷町1201-1")]


def _clients(fake: Faker, n: int) -> Rows:
    return [[fake.name(), fake.address(), fake.phone_number()] for _ in range(n)]


@pytest.mark.parametrize("spaced", [False, True], ids=["unspaced", "spaced"])
def test_foreign_born_residents_with_long_katakana_given_names_at_their_surnames_place_are_persons(spaced: bool) -> None:
    """30 residents whose family name is their municipality or ward (中村 at 名古屋市中村区) and whose given name is a
    foreign one of 4+ characters or with ー (中村エミリー), among 30 others: 60. Was (unspaced): the 30 refused
    not-a-name as facilities named by their place (30 of 60)."""
    fake = _fake()
    families = list(HOMES)
    rows = _clients(fake, 30)
    for i, given in enumerate(FOREIGN_GIVEN):
        family = families[i % len(families)]
        rows.insert(2 * i, [family + (" " if spaced else "") + given,
                            f"{HOMES[family]}{fake.town()}{fake.chome()}{fake.ban()}", fake.phone_number()])
    found = P.analyse_sheet("s", [["氏名", "住所", "電話"], *rows])
    assert found is not None and found.count == 60, (found and found.count, found and found.rejected)


def test_facilities_named_by_a_place_and_a_facility_word_are_no_persons() -> None:
    """8 facilities among 40 clients, named by a place and a katakana facility word: their place not followed by
    市区町村 in their address (屋島テラス at 屋島西町) or their word of 3 characters without ー (香南ランド): 40. Was 48."""
    fake = _fake()
    rows = _clients(fake, 40)
    for i, (name, address) in enumerate(FACILITIES):
        rows.insert(5 * i, [name, address, fake.phone_number()])
    found = P.analyse_sheet("s", [["氏名", "住所", "電話"], *rows])
    assert found is not None and found.count == 40, (found and found.count, found and found.rejected)


# --- 4. a lone person row beside a names-only table ---------------------------------------------------------------------

WIDE_HEADER = ["姓", "名", "郵便番号", "都道府県", "市区町村", "町名", "番地", "建物名", "部屋", "電話"]


@pytest.mark.parametrize("where", ["below", "between"])
def test_a_lone_person_row_beside_a_names_only_table_is_said(where: str) -> None:
    """A 10-column export whose address columns are left blank (names and phones: a lead, no record) and one person's
    name | address | phone row below or between its rows: said as the sheet's lone-row, never counted. Was: nothing
    (the lead has no address columns, so no row was tested as another table's; tables24's left item)."""
    fake = _fake()
    rows: Rows = [WIDE_HEADER, *([fake.last_name(), fake.first_name(), "", "", "", "", "", "", "", fake.phone_number()]
                                 for _ in range(30))]
    lone = [fake.name(), fake.address(), fake.phone_number()]
    sheet = [*rows, lone] if where == "below" else [*rows[:16], lone, *rows[16:]]
    found = P.analyse_sheet("s", sheet)
    assert found is not None and found.kind == SheetKind.NAMES, found and (found.kind, found.count)
    assert found.rejected.get(Rejection.LONE_ROW) == 1, found.rejected
    assert found.count == 30


@pytest.mark.parametrize("persons", [3, 10])
def test_persons_below_a_names_only_table_are_counted(persons: int) -> None:
    """Found with item 4: 3 or 10 name | address | phone rows below the names-only export: they are a table of their
    own (counted), the export's 30 names a lead beside them (tables26; no-address rejections before). Was: the lead alone (30 names), the persons
    read in its columns and lost."""
    fake = _fake()
    rows: Rows = [WIDE_HEADER, *([fake.last_name(), fake.first_name(), "", "", "", "", "", "", "", fake.phone_number()]
                                 for _ in range(30))]
    below = [[fake.name(), fake.address(), fake.phone_number()] for _ in range(persons)]
    found = P.analyse_sheet("s", [*rows, *below])
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == persons
    assert {r.fields["name"] for r in found.records} == {str(p[0]) for p in below}
    assert found.lead is not None and found.lead.count == 30


@pytest.mark.parametrize("same", ["同上", "不明"])
def test_a_household_members_same_as_above_address_stays_a_person(same: str) -> None:
    """The guard of item 3's address rule: a member whose address cell says 同上 (the row above's) or 不明 has no numeral
    and no place ending, and is still a person of the list (27 of 27, as on cda4a1f5; the first version of the rule
    refused the 7)."""
    fake = _fake()
    rows: Rows = [["氏名", "住所", "電話"]]
    for i in range(20):
        rows.append([fake.name(), fake.address(), fake.phone_number()])
        if i % 3 == 0:
            rows.append([fake.name(), same, fake.phone_number()])
    found = P.analyse_sheet("s", rows)
    assert found is not None and found.count == 27, (found and found.count, found and found.rejected)
