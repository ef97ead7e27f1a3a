"""tables18: person tables still missed or miscounted after session 17 (its "Left open" list), each tried on a
generated table (Faker ja_JP, fixed seed) shaped like the real list an investigator meets."""

from __future__ import annotations

import random

import pytest
from faker import Faker

from scanner.demo import birth_date
from scanner.detectors import pii as P
from scanner.detectors import values as V

SEED = 1818


def _fake(locale: str = "ja_JP") -> tuple[Faker, random.Random]:
    fake = Faker(locale)
    fake.seed_instance(SEED)
    return fake, random.Random(SEED)


def _home(fake: Faker) -> str:
    return f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}{fake.gou()}"


def _count(rows: list[list[object]]) -> int:
    found = P.analyse_sheet("名簿", rows)
    return 0 if found is None else found.count


# --- staff rosters with a column of the person's own providers, schools, former employers ---------------------------

@pytest.mark.parametrize(("extra", "value"), [
    ("かかりつけ医", lambda f: f.last_name() + "内科医院"), ("通園先", lambda f: f.city() + "保育園"),
    ("出身校", lambda f: f.city() + "高等学校"), ("主治医", lambda f: f.last_name() + "クリニック"),
    ("前職", lambda f: f.company())])
def test_a_staff_roster_with_its_own_doctor_nursery_school_or_former_employer_keeps_its_persons(extra, value) -> None:
    """担当者名 | 住所 | 電話 | 生年月日 | かかりつけ医 (a municipal office's list of the staff it calls out in a disaster, a
    nursery's list of its teachers): the doctor, the child's nursery, the school and the former employer are the
    staff member's own, after the name and the address. The provider field (かかりつけ医, 通園先, 出身校) and a column of
    company names anywhere stopped the roster rule: 40 persons were nothing, with no reason. A provider or a company
    before the name (担当事業所 | 担当者名, 取引先 | 担当者名) still names what the row is about."""
    fake, _ = _fake()
    rows: list[list[object]] = [["担当者名", "住所", "電話", "生年月日", extra]]
    for _ in range(40):
        rows.append([fake.name(), _home(fake), fake.phone_number(),
                     birth_date(fake, minimum_age=22, maximum_age=65).isoformat(), value(fake)])
    assert _count(rows) == 40, extra


@pytest.mark.parametrize(("lead", "value"), [("担当事業所", lambda f: f.city() + "居宅介護支援事業所"),
                                             ("取引先", lambda f: f.company())])
def test_a_provider_or_company_before_the_staff_name_still_makes_a_list_of_places(lead, value) -> None:
    """担当事業所 | 担当者名 | 住所 | 電話 (each care office with its care manager at the office), 取引先 | 担当者名 | 住所:
    the place or company leads the row, the address is its own: no person (as before)."""
    fake, _ = _fake()
    rows: list[list[object]] = [[lead, "担当者名", "住所", "電話"]]
    for _ in range(40):
        rows.append([value(fake), fake.name(), _home(fake), fake.phone_number()])
    assert _count(rows) == 0, lead


def test_an_english_roster_of_managers_at_their_homes_keeps_its_persons() -> None:
    """Manager | Home Address | Phone | Date of Birth: `manager` was an excluded word only (a store's manager), so
    a list of managers at their homes was nothing. It is a staff word now; an English head word names the row's
    person only when the address says it is a home."""
    fake, _ = _fake("en_US")
    rows: list[list[object]] = [["Manager", "Home Address", "Phone", "Date of Birth"]]
    for _ in range(40):
        rows.append([fake.name(), f"{fake.street_address()}, {fake.city()}", fake.phone_number(),
                     birth_date(fake).isoformat()])
    assert _count(rows) == 40


@pytest.mark.parametrize("header", [["Store", "Address", "Phone", "Manager"], ["Site", "Address", "Manager", "Phone"],
                                    ["Office", "Address", "Manager"], ["Account Manager", "Address", "Phone"]])
def test_a_list_of_places_with_an_english_manager_counts_nobody(header: list[str]) -> None:
    """Store | Address | Phone | Manager: each store's manager at the store (the address does not say home)."""
    fake, _ = _fake("en_US")
    rows: list[list[object]] = [header]
    for _ in range(40):
        row: list[object] = []
        for h in header:
            row.append(fake.name() if "Manager" in h else f"{fake.street_address()}, {fake.city()}" if h == "Address"
                       else fake.phone_number() if h == "Phone" else f"{fake.city()} {h}")
        rows.append(row)
    assert _count(rows) == 0, header


# --- two lists on one sheet with no blank row between them ---------------------------------------------------------

SECOND_LISTS = {"電話先": ["電話", "氏名", "フリガナ", "所在地"], "会員": ["会員名", "フリガナ", "郵便番号", "所在地", "TEL"]}


def _second_row(fake: Faker, header: list[str], name: str, address: str) -> list[object]:
    cells = {"電話": fake.phone_number(), "TEL": fake.phone_number(), "氏名": name, "会員名": name,
             "フリガナ": fake.kana_name(), "郵便番号": fake.postcode(), "所在地": address}
    return [cells[h] for h in header]


@pytest.mark.parametrize("second", sorted(SECOND_LISTS))
@pytest.mark.parametrize("first_rows", [5, 30])
def test_two_lists_pasted_together_without_a_blank_row_keep_every_person_at_their_address(second, first_rows) -> None:
    """氏名 | 住所 | 電話 over 5 or 30 persons and, right under its last row, another list's header (電話 | 氏名 | フリガナ
    | 所在地, or 会員名 | フリガナ | 郵便番号 | 所在地 | TEL) over 20: a second list is looked for only after a blank row,
    so the two were read as one. With 30 first rows the second list's 20 were read in the first list's columns (its
    phones as names: 20 not-a-name, or its readings as addresses) and its header row was a person; with 5 the wider
    second header won and the first 5 persons were lost with no reason. A header word where the table holds a name
    or an address starts the other list as after a blank row."""
    fake, _ = _fake()
    header = SECOND_LISTS[second]
    expected: list[tuple[str, str]] = []
    rows: list[list[object]] = [["氏名", "住所", "電話"]]
    for _ in range(first_rows):
        expected.append((fake.name(), _home(fake)))
        rows.append([*expected[-1], fake.phone_number()])
    rows.append(list(header))
    for _ in range(20):
        expected.append((fake.name(), _home(fake)))
        rows.append(_second_row(fake, header, *expected[-1]))
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and not found.rejected
    assert sorted((r.fields["name"], r.fields["address"]) for r in found.records) == sorted(expected)


def test_a_header_repeated_without_blank_rows_is_still_one_list() -> None:
    """Printed pages whose header is repeated every 25 rows with no blank row: one list (no second table), every
    person kept, the repeats counted as before."""
    fake, _ = _fake()
    rows: list[list[object]] = []
    for _ in range(4):
        rows.append(["氏名", "住所", "電話"])
        rows += [[fake.name(), _home(fake), fake.phone_number()] for _ in range(25)]
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.count == 100


# --- a 町内会's list: towns of one kanji, no city ------------------------------------------------------------------

ONE_KANJI_TOWNS = ["轟", "泉", "港", "旭", "栄", "桜"]


@pytest.mark.parametrize("header", [["氏名", "住所", "電話"], ["班", "世帯主", "住所", "電話"], ["班", "世帯主", "住所"]])
def test_a_neighbourhood_list_with_towns_of_one_kanji_keeps_every_household(header: list[str]) -> None:
    """A 町内会名簿 writes no city, only the town and block: 轟1-29-14, 泉2丁目3-4, 港3-12-5-201. An address of one
    kanji was no address (plausible_address wanted two): under 班 | 世帯主 | 住所 the whole list was nothing; beside
    towns of two kanji (中央3-4-5) the one-kanji households were not-an-address. A kanji with a block number of two or
    more parts is an address; a counter or a place in a building (第1-2, 棚1-2-3) is not."""
    fake, rnd = _fake()
    rows: list[list[object]] = [header]
    expected = []
    for i in range(40):
        town = rnd.choice(ONE_KANJI_TOWNS if i % 4 else ["中央", "本郷", *ONE_KANJI_TOWNS])
        block = rnd.choice([f"{rnd.randint(1, 5)}-{rnd.randint(1, 30)}-{rnd.randint(1, 20)}",
                            f"{rnd.randint(1, 5)}丁目{rnd.randint(1, 30)}-{rnd.randint(1, 20)}",
                            f"{rnd.randint(1, 5)}-{rnd.randint(1, 30)}-{rnd.randint(1, 20)}-{rnd.randint(101, 305)}"])
        expected.append(town + block)
        cells = {"班": f"{rnd.randint(1, 6)}班", "氏名": fake.name(), "世帯主": fake.name(), "住所": town + block,
                 "電話": fake.phone_number()}
        rows.append([cells[h] for h in header])
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.kind == "persons" and not found.rejected, header
    assert [r.fields["address"] for r in found.records] == expected


@pytest.mark.parametrize("value", ["第1-2", "棚1-2-3", "号3-4", "轟", "轟12", "1-2-3"])
def test_a_counter_or_a_shelf_of_one_kanji_is_still_no_address(value: str) -> None:
    assert not V.plausible_address(value), value


# --- the shelter in a staff member's charge ----------------------------------------------------------------------

def _shelter_rows(header: list[str]) -> list[list[object]]:
    fake, _ = _fake()
    rows: list[list[object]] = [header]
    for _ in range(40):
        cells = {"担当避難所": fake.city() + "小学校", "避難所名": fake.city() + "公民館", "担当施設": fake.town() + "公民館",
                 "担当者名": fake.name(), "所属": "防災課", "住所": _home(fake), "電話": fake.phone_number()}
        rows.append([cells[h] for h in header])
    return rows


@pytest.mark.parametrize("header", [["担当避難所", "担当者名", "住所", "電話"], ["担当施設", "担当者名", "所属", "住所", "電話"]])
def test_staff_with_the_shelter_in_their_charge_and_their_homes_are_persons(header: list[str]) -> None:
    """担当避難所 | 担当者名 | 住所 | 電話: a town office's list of which employee opens which shelter, with the employee's
    home and phone (employees are called from home). The shelter column, a staff word (担当) over facilities, was read
    as a second staff name and the list was nothing. The address after the staff name is the staff member's."""
    assert _count(_shelter_rows(header)) == 40, header


@pytest.mark.parametrize("header", [["担当避難所", "住所", "担当者名", "電話"], ["避難所名", "担当者名", "住所", "電話"]])
def test_a_shelter_list_with_its_address_or_under_a_place_header_still_counts_nobody(header: list[str]) -> None:
    """The address right after the shelter is the shelter's; a 避難所名 column leads a list of places (wild17)."""
    assert _count(_shelter_rows(header)) == 0, header


# --- a serial number or an amount after the address ---------------------------------------------------------------

@pytest.mark.parametrize(("header", "serial"), [
    (["氏名", "住所", "", "電話"], lambda i: 50000 + i), (["氏名", "住所", "住所No", "電話"], lambda i: str(1001 + i)),
    (["氏名", "住所", "住所", "電話"], lambda i: str(i + 1)), (None, lambda i: 150000)])
def test_a_serial_number_or_an_amount_after_a_whole_address_is_no_part_of_it(header, serial) -> None:
    """氏名 | 住所 | 住所No | 電話 (the address book's own numbering under a header naming the address), a serial under
    an empty header cell, a header-less amount: the number was joined to every address (…3丁目4番5号50000), so each
    person was at an address nobody has and the same person in two files two persons. After addresses whole to the
    house, a column of 5-digit numbers, or of rising row numbers beside differing addresses, is no part of them."""
    fake, _ = _fake()
    rows: list[list[object]] = [header] if header else []
    homes = []
    for i in range(40):
        homes.append(_home(fake))
        rows.append([fake.name(), homes[-1], serial(i), fake.phone_number()])
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.count == 40
    assert [r.fields["address"] for r in found.records] == homes


@pytest.mark.parametrize("rooms", ["rising", "random"])
def test_room_numbers_after_an_address_stay_in_it(rooms: str) -> None:
    """入居者名 | 住所 | 部屋番号: a care home's residents at its one address in rooms 101, 102, … (rising, but one
    address), and a list of flats with their room numbers (each at its own address): the room is part of it."""
    fake, rnd = _fake()
    home = _home(fake)
    rows: list[list[object]] = [["入居者名", "住所", "部屋番号", "電話"]]
    for i in range(40):
        rows.append([fake.name(), home if rooms == "rising" else _home(fake),
                     101 + i if rooms == "rising" else rnd.choice([101, 102, 201, 203, 305, 1204]), fake.phone_number()])
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.count == 40
    assert all(r.fields["address"].endswith(str(row[2])) for r, row in zip(found.records, rows[1:], strict=True))


# --- a care log sorted by resident --------------------------------------------------------------------------------

def test_a_header_less_care_log_sorted_by_resident_keeps_its_residents() -> None:
    """名前 | 施設住所 | 日付 | 記録 with no header, 8 residents x 150 days at the care home, sorted by resident: the
    500-row sample shows only the first 4 residents, each on many rows at the one address, which is what the staff
    rule (tables17: a few names of other families, each logged at a workplace) looks for, and all 1,200 rows were
    refused as name-elsewhere. A log's staff take turns down the rows; a name on one run of rows is a sorted list."""
    fake, rnd = _fake()
    home = _home(fake)
    residents = [fake.name() for _ in range(8)]
    rows: list[list[object]] = [[n, home, f"2026-{1 + d // 28:02d}-{1 + d % 28:02d}", rnd.choice(["入浴", "食事全量", "排泄介助"])]
                                for n in residents for d in range(150)]
    found = P.analyse_sheet("記録", rows)
    assert found is not None and found.kind == "persons" and found.count == 1200 and not found.rejected
    assert {r.fields["name"] for r in found.records} == set(residents)


# --- one staff member at each branch, header-less ----------------------------------------------------------------

@pytest.mark.parametrize("branches", [1, 3])
def test_a_lone_staff_member_beside_his_branch_is_no_second_person(branches: int) -> None:
    """顧客 | 住所 | 電話 | 担当者 | 担当支店住所 with no header and one staff member at each branch: review17c's rule
    (a place beside names of two families is a workplace) cannot see a branch with one, so each staff member was
    counted as a second person on every row of his customers. A second person (a sender, an emergency contact) stands
    on a row or a few; a name on many rows at one place is the staff in charge."""
    fake, rnd = _fake()
    staff = [(fake.name(), f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}") for _ in range(branches)]
    rows: list[list[object]] = []
    for _ in range(40):
        rows.append([fake.name(), _home(fake), fake.phone_number(), *rnd.choice(staff)])
    found = P.analyse_sheet("顧客", rows)
    assert found is not None and len(found.records) == 40
    assert {r.fields["name"] for r in found.records}.isdisjoint({n for n, _a in staff})


def test_senders_beside_their_addresses_are_still_second_persons() -> None:
    """A gift list with no header (届先 | 届先住所 | 依頼主 | 依頼主住所), each sender sending to one or two: both counted
    (tables17)."""
    fake, rnd = _fake()
    rows: list[list[object]] = []
    while len(rows) < 40:
        sender = (fake.name(), _home(fake))
        rows += [[fake.name(), _home(fake), *sender] for _ in range(rnd.randint(1, 2))]
    found = P.analyse_sheet("贈答", rows)
    assert found is not None and len(found.records) == 2 * len(rows)
