"""review18b: tables18's rules (a serial after the address, one-kanji towns, the staff in charge beside his branch,
a care log sorted by resident) tried on generated tables shaped like the files that break them (Faker ja_JP, fixed
seed): a hostile number cell, another dash, a gift list sorted by recipient, a shift roster sorted by staff."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from faker import Faker

from scanner.detectors import pii as P

SEED = 18182


def _fake() -> tuple[Faker, random.Random]:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return fake, random.Random(SEED)


def _home(fake: Faker) -> str:
    return f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}{fake.gou()}"


# --- a column of numbers after the address: a hostile cell must not stop the sheet --------------------------------

@pytest.mark.parametrize("odd", [pytest.param("9" * 5000, id="5000-digits"), pytest.param("፩፪", id="ethiopic")])
@pytest.mark.parametrize("header", [True, False])
def test_an_odd_number_cell_after_the_address_costs_no_person(odd: str, header: bool) -> None:
    """A serial column after the address with one cell of 5,000 digits (a damaged export) or of digits int() does
    not read (Ethiopic ፩፪: str.isdigit is true): counter_after_address turned them into int and raised ValueError,
    the file was `corrupt` (the parser raised ValueError) and its 40 persons lost. Now the odd column is no serial
    (a part of the address, as before tables18) and the sheet is read."""
    fake, _ = _fake()
    rows: list[list[object]] = [["氏名", "住所", "", "電話"]] if header else []
    for i in range(40):
        rows.append([fake.name(), _home(fake), odd if i == 3 else str(i + 1), fake.phone_number()])
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.count >= 39  # the odd row itself may be refused (listed), never the sheet
    assert found.count + sum(found.rejected.values()) == 40


# --- a 町内会's list: towns of one kanji written with another dash -------------------------------------------------

@pytest.mark.parametrize("dash", [pytest.param("\u2212", id="minus-sign"), pytest.param("\u2010", id="hyphen"),
                                  pytest.param("\u2015", id="horizontal-bar")])
def test_one_kanji_towns_with_a_minus_sign_or_a_hyphen_keep_every_household(dash: str) -> None:
    """班 | 世帯主 | 住所 | 電話 with 轟1−29−14: EUC-JP and Shift_JIS decode the block number's dash (0xA1DD, 0x817C)
    to U+2212 MINUS SIGN, a Mac's IME types it, Word turns a hyphen into U+2010. tables18's one-kanji town wanted the
    ASCII hyphen (NFKC leaves these): the whole list was nothing, no hit and no skip."""
    fake, rnd = _fake()
    rows: list[list[object]] = [["班", "世帯主", "住所", "電話"]]
    for _ in range(40):
        block = dash.join(str(rnd.randint(1, n)) for n in (5, 30, 20))
        rows.append([f"{rnd.randint(1, 6)}班", fake.name(), rnd.choice("轟泉港旭栄桜") + block, fake.phone_number()])
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.kind == "persons" and found.count == 40 and not found.rejected


# --- a header-less gift list sorted by recipient: its senders are second persons, not staff in charge --------------

@pytest.mark.parametrize("each", [3, 5, 8])
def test_senders_of_a_gift_list_sorted_by_recipient_stay_persons(each: int) -> None:
    """届先 | 届先住所 | 電話 | 依頼主 | 依頼主住所 with no header, 10 senders sending 3, 5 or 8 gifts each, the rows in
    the recipients' order (a label print, an order export): each sender stands beside his home on 3 rows or more and
    the senders take turns down the rows, which tables18 read as one staff member a branch (IN_CHARGE_ROWS): the 10
    senders were dropped, no hit and no skip for them. A staff member in charge serves many customers (13 a branch
    in tables18's test); a sender sends a few gifts."""
    fake, rnd = _fake()
    senders = [(fake.name(), _home(fake)) for _ in range(10)]
    rows: list[list[object]] = [[fake.name(), _home(fake), fake.phone_number(), *s] for s in senders for _ in range(each)]
    rnd.shuffle(rows)
    found = P.analyse_sheet("お中元", rows)
    assert found is not None
    assert {n for n, _a in senders} <= {r.fields["name"] for r in found.records}


# --- a shift roster sorted by staff: the staff at their stores are no persons ----------------------------------------

def test_a_whole_shift_roster_sorted_by_staff_is_still_a_lead() -> None:
    """氏名 | 店舗住所 | 日付 | シフト | 時間 with no header, 6 staff at 2 stores, 30 days each, sorted by staff (a timesheet
    export per employee): each name stands on one run of rows, which tables18 took for a log sorted by resident (a
    care home's) and counted the 6 staff as living at their stores (180 false records; a lead before). tables18's care
    log showed only its first residents in a 500-row sample; when the sample holds the whole table, a few names of
    other families each on many rows at one address are still staff at a workplace, whatever the order."""
    fake, rnd = _fake()
    stores = [f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}" for _ in range(2)]
    rows: list[list[object]] = [[fake.name(), stores[i % 2]] for i in range(6)]
    rows = [[n, a, (dt.date(2026, 4, 1) + dt.timedelta(d)).isoformat(), rnd.choice(["早番", "遅番", "日勤"]), "9:00-18:00"]
            for n, a in rows for d in range(30)]
    found = P.analyse_sheet("シフト", rows)
    assert found is not None and found.kind != "persons" and not found.records
    assert found.rejected.get("name-elsewhere") == 180


# --- a serial after the address on printed pages: the header repeated on each page is no number ---------------------

@pytest.mark.parametrize("header", [["氏名", "住所", "住所No", "電話"], ["氏名", "住所", "住所", "電話"]])
def test_a_serial_after_the_address_on_pages_with_the_header_repeated_is_no_part_of_it(header: list[str]) -> None:
    """氏名 | 住所 | 住所No | 電話 printed as 4 pages of 25 with the header on each (no blank row): the repeated header
    cell (住所No) among the numbers made tables18's serial test (every cell a number) fail, and the serial was joined
    to every address again (…4番5号1001): the same person in two files two persons. A header word is no cell of
    the column's numbers."""
    fake, _ = _fake()
    rows: list[list[object]] = []
    homes = []
    for page in range(4):
        rows.append(list(header))
        for i in range(25):
            homes.append(_home(fake))
            rows.append([fake.name(), homes[-1], str(1001 + 25 * page + i), fake.phone_number()])
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.count == 100
    assert [r.fields["address"] for r in found.records] == homes


# --- another list right under a list, its name and address in our columns but swapped ------------------------------

@pytest.mark.parametrize("gap", [0, 1])
def test_another_list_with_the_name_and_address_columns_swapped_is_a_table_of_its_own(gap: int) -> None:
    """氏名 | 住所 | 電話 over 30 persons and under it (with or without a blank row) 住所 | 氏名 | 電話 over 20: another
    list was a header naming a name and an address in other columns than ours, by column only, so a list using the
    same two columns the other way round was read in the first's columns: its header row was a person (住所 at 氏名)
    and its 20 persons not-a-name. A name where we hold an address is another column."""
    fake, _ = _fake()
    expected: list[tuple[str, str]] = []
    rows: list[list[object]] = [["氏名", "住所", "電話"]]
    for _ in range(30):
        expected.append((fake.name(), _home(fake)))
        rows.append([*expected[-1], fake.phone_number()])
    rows += [["", "", ""]] * gap + [["住所", "氏名", "電話"]]
    for _ in range(20):
        expected.append((fake.name(), _home(fake)))
        rows.append([expected[-1][1], expected[-1][0], fake.phone_number()])
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and not found.rejected
    assert sorted((r.fields["name"], r.fields["address"]) for r in found.records) == sorted(expected)


# --- many lists on one sheet: each read as a table of its own, one inside the other ---------------------------------

def test_a_sheet_of_many_small_lists_of_two_layouts_costs_no_person() -> None:
    """1,200 lists of 5 persons pasted one under another, their layouts taking turns (氏名 | 住所 | 電話, then 電話 |
    氏名 | 住所): each other layout starts a table of its own (after a blank row since session 17, without one since
    tables18), and each table's rest was read by analyse_sheet inside the one before: RecursionError, the file
    `corrupt` and its 6,000 persons lost. Past MAX_TABLES the rest is read in the last table's columns (its rows
    refused, listed), never the sheet lost."""
    fake, _ = _fake()
    people = [(fake.name(), _home(fake)) for _ in range(50)]
    rows: list[list[object]] = []
    for b in range(1200):
        rows.append(["電話", "氏名", "住所"] if b % 2 else ["氏名", "住所", "電話"])
        for i in range(5):
            n, a = people[(5 * b + i) % 50]
            rows.append(["03-1234-5678", n, a] if b % 2 else [n, a, "03-1234-5678"])
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.count >= P.MAX_TABLES * 5
    assert found.count + sum(found.rejected.values()) >= 6000


# --- an English head word typed in full-width letters ---------------------------------------------------------------

def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize("header", [["Store", "Address", "Phone", "Manager"], ["Site", "Address", "Manager", "Phone"]])
def test_a_list_of_places_with_a_full_width_english_manager_counts_nobody(header: list[str]) -> None:
    """Ｓｔｏｒｅ | Ａｄｄｒｅｓｓ | Ｐｈｏｎｅ | Ｍａｎａｇｅｒ (a Japanese IME types English headers in full-width
    letters): tables18 asked str.isascii of the raw header to tell an English head word (a place's head, unless
    the address is his home) from a Japanese staff word, so in full width each store's manager was a person at the
    store: 40 false persons. The header is read as NFKC, as everywhere else."""
    fake = Faker("en_US")
    fake.seed_instance(SEED)
    rows: list[list[object]] = [[_full_width(h) for h in header]]
    for _ in range(40):
        rows.append([fake.name() if h == "Manager" else f"{fake.street_address()}, {fake.city()}" if h == "Address"
                     else fake.phone_number() if h == "Phone" else f"{fake.city()} {h}" for h in header])
    found = P.analyse_sheet("名簿", rows)
    assert found is None or found.count == 0


# --- an amount with thousands separators after the address --------------------------------------------------------

@pytest.mark.parametrize("header", [None, ["氏名", "住所", "", "電話"]])
def test_an_amount_with_thousands_separators_after_a_whole_address_is_no_part_of_it(header) -> None:
    """氏名 | 住所 | (金額) | 電話 with the amount as Excel shows it (42,000): tables18 took 5-digit numbers out of the
    address, but an amount written with a comma was joined still (…4番12号42,000): each person at an address nobody
    has. A number grouped by thousands is an amount, never a room or a block number."""
    fake, rnd = _fake()
    rows: list[list[object]] = [header] if header else []
    homes = []
    for _ in range(40):
        homes.append(_home(fake))
        rows.append([fake.name(), homes[-1], f"{rnd.randint(1, 99) * 1000:,}", fake.phone_number()])
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.count == 40
    assert [r.fields["address"] for r in found.records] == homes
