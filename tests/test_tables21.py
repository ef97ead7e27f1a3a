"""tables21: person tables and the count, session 20's leftovers (Faker ja_JP, fixed seed 2021)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from faker import Faker

from scanner.codes import Rejection, SheetKind
from scanner.detectors import pii as P
from scanner.models import PersonRecord
from scanner.persons.count import count, make_rows

SEED = 2021
FAKE = Faker("ja_JP")
FAKE.seed_instance(SEED)
RND = random.Random(SEED)
PEOPLE = [[f"{FAKE.last_name()} {FAKE.first_name()}", FAKE.address(), FAKE.phone_number()] for _ in range(60)]

Rows = list[list[object]]


def _home() -> str:
    return f"{FAKE.prefecture()}{FAKE.city()}{FAKE.town()}{FAKE.chome()}{FAKE.ban()}"


# --- a header row of placeholder names (col1 | col2 | col3) ----------------------------------------------------------

PLACEHOLDERS = [["col1", "col2", "col3"], ["column1", "column2", "column3"], ["Column 1", "Column 2", "Column 3"],
                ["field1", "field2", "field3"], ["Unnamed: 0", "Unnamed: 1", "Unnamed: 2"], ["F1", "F2", "F3"],
                ["列1", "列2", "列3"], ["項目1", "項目2", "項目3"], ["フィールド1", "フィールド2", "フィールド3"],
                ["C001", "C002", "C003"], ["data1", "data2", "data3"], ["ｃｏｌ１", "ｃｏｌ２", "ｃｏｌ３"]]


@pytest.mark.parametrize("header", PLACEHOLDERS, ids=[h[0] for h in PLACEHOLDERS])
def test_a_header_row_of_placeholder_names_is_no_person(header: list[object]) -> None:
    """A CSV or sheet whose header row holds the names a program gives columns that have none (``col1``, ``Column1``,
    ``field1``, pandas' ``Unnamed: 0``, Access's ``F1``/``フィールド1``, Excel's ``列1``, ``項目1``) over 30 persons:
    its columns are read by their values, and the header row was counted as one more person (31; ``F1``, ``列1``: a
    rejected row, ``not-an-address``). Fixed for XML only in review20x; the rule is headerless.placeholder_label now."""
    found = P.analyse_sheet("s", [header, *PEOPLE[:30]])
    assert found is not None and found.kind == SheetKind.PERSONS
    assert found.count == 30 and not found.rejected, (found.count, found.rejected)
    assert {r.fields["name"] for r in found.records} == {p[0] for p in PEOPLE[:30]}


@pytest.mark.parametrize("label", ["TEL1", "owner1", "氏名1", "住所2", "Name1"])
def test_a_coded_label_the_detector_knows_keeps_its_meaning(label: str) -> None:
    from scanner.detectors.headerless import placeholder_label
    assert not placeholder_label(label)


# --- a narrow list cat'ed below a wide export ------------------------------------------------------------------------

WIDE = [["lastName", "firstName", "postalCode", "prefName", "cityName", "townName", "streetNumber", "buildingName",
         "roomNo", "telNo"], ["姓", "名", "郵便番号", "都道府県", "市区町村", "町名", "番地", "建物名", "部屋", "電話"]]


def _wide_members(n: int) -> Rows:
    return [[FAKE.last_name(), FAKE.first_name(), FAKE.postcode(), FAKE.prefecture(), FAKE.city(), FAKE.town(),
             FAKE.chome() + FAKE.ban(), FAKE.building_name(), str(FAKE.random_int(101, 905)), FAKE.phone_number()]
            for _ in range(n)]


@pytest.mark.parametrize("header", WIDE, ids=["camelCase", "日本語"])
@pytest.mark.parametrize("padded", [False, True], ids=["3 cells", "padded to 10"])
def test_a_header_less_narrow_list_below_a_wide_export_is_counted(header: list[object], padded: bool) -> None:
    """Two exports joined: 29 members of a 10-column export, then 60 rows of name | address | phone with no header of
    their own (a CSV cat'ed below, or pasted in a sheet: then padded to the sheet's width). review20p read the export;
    the 60 narrow rows were read in its columns, gave no address there and were nothing (no record, no rejection).
    They are a table of their own, read as a header-less table is."""
    members = _wide_members(29)
    narrow = [[*p, *([""] * 7 if padded else [])] for p in PEOPLE]
    found = P.analyse_sheet("joined", [header, *members, *narrow])
    assert found is not None and found.kind == SheetKind.PERSONS
    assert found.count == 29 + 60, (found.count, found.rejected)
    assert {p[0] for p in PEOPLE} <= {r.fields["name"] for r in found.records}


@pytest.mark.parametrize("header", WIDE, ids=["camelCase", "日本語"])
@pytest.mark.parametrize("narrow", [60, 6])
def test_a_narrow_list_between_a_wide_exports_rows_is_counted_and_the_export_goes_on(header: list[object],
                                                                                      narrow: int) -> None:
    """29 members, a header-less 3-column list pasted in the middle, 20 members more: the rows after the narrow list
    are the export's again (read in the narrow list's columns, 3 of them were not-an-address; with 6 narrow rows those
    were nothing, as on main)."""
    before, after = _wide_members(29), _wide_members(20)
    found = P.analyse_sheet("joined", [header, *before, *(list(p) for p in PEOPLE[:narrow]), *after])
    assert found is not None and found.count == 29 + narrow + 20 and not found.rejected, (found.count, found.rejected)
    assert {p[0] for p in PEOPLE[:narrow]} <= {r.fields["name"] for r in found.records}
    rows = {r.fields["name"]: r.row for r in found.records}
    assert rows[PEOPLE[0][0]] == 31 and rows[f"{after[-1][0]} {after[-1][1]}"] == 30 + narrow + 20  # the sheet's own rows


@pytest.mark.parametrize("members", [29, 100])
def test_a_narrow_list_below_a_header_less_wide_export_is_counted(members: int) -> None:
    """The export without its header: the sample mixed its rows with the narrow list's, and its columns were found from
    both: 29 + 60 gave 84 and 5 not-an-address, 100 + 60 gave 9 persons and 91 refused name-elsewhere (its family names
    read as the names, at many addresses). The wide rows' columns are found from their own rows."""
    found = P.analyse_sheet("joined", [*_wide_members(members), *(list(p) for p in PEOPLE)])
    assert found is not None and found.count == members + 60 and not found.rejected, (found.count, found.rejected)


def test_a_header_less_list_whose_first_rows_hold_a_note_far_right_is_read_whole() -> None:
    """The guard: 3 rows with a note in a ninth column, then 57 rows of the same 3 columns: one list, all 60 counted."""
    rows: Rows = [[*p, "", "", "", "", "", f"メモ{i}"] for i, p in enumerate(PEOPLE[:3])] + [list(p) for p in PEOPLE[3:]]
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.count == 60 and not found.rejected


@pytest.mark.parametrize("header", WIDE, ids=["camelCase", "日本語"])
def test_members_with_few_cells_filled_stay_the_exports(header: list[object]) -> None:
    """The guard: export rows that fill only their first cells (a name and a reading, no address) stay the export's
    rows between its full ones: no table of their own, and the full rows after them are still the export's."""
    members = _wide_members(40)
    rows: Rows = [header, *members[:20], *([FAKE.last_name(), FAKE.first_name(), "", "", ""] for _ in range(8)),
                  *members[20:]]
    found = P.analyse_sheet("export", rows)
    assert found is not None and found.count == 40


# --- reps and staff: decided by the whole column ---------------------------------------------------------------------

def _office() -> str:
    return f"{_home()} {FAKE.building_name()}5階"


@pytest.mark.parametrize("twos", [2, 3, 4])
@pytest.mark.parametrize("shuffled", [False, True], ids=["sorted by rep", "shuffled"])
def test_reps_with_exactly_two_customers_are_no_persons(twos: int, shuffled: bool) -> None:
    """Header-less 担当者 | 顧客住所 | 電話: 6 reps with 4-8 customers each and ``twos`` reps with exactly two, a company
    (…ビル5階) and a home. tables19 read a name at one office and one home as a person at home and at work: the reps
    with two customers were counted (4-8 false persons). The column is the reps' (few names each on many rows)."""
    rows: Rows = []
    for _ in range(6):
        rep = FAKE.name()
        rows += [[rep, _office() if k % 3 == 0 else _home(), FAKE.phone_number()] for k in range(RND.randint(4, 8))]
    for _ in range(twos):
        rep = FAKE.name()
        rows += [[rep, _office(), FAKE.phone_number()], [rep, _home(), FAKE.phone_number()]]
    if shuffled:
        RND.shuffle(rows)
    found = P.analyse_sheet("顧客", rows)
    assert found is None or not found.records, (found.kind, found.count)


def test_persons_at_home_and_at_work_stay_persons() -> None:
    """The guard (tables19): 20 people each on a home row and a work row (…ビル5階) with another phone are persons."""
    rows: Rows = []
    for _ in range(20):
        n = FAKE.name()
        rows += [[n, _home(), FAKE.phone_number()], [n, _office(), FAKE.phone_number()]]
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 40


def _roster(staff: int, days: int, stores: int = 2) -> Rows:
    """氏名 | 店舗住所 | 日付 | シフト with no header, sorted by staff."""
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    places = [f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}" for _ in range(stores)]
    people = [(fake.name(), places[i % stores]) for i in range(staff)]
    return [[n, a, (dt.date(2026, 4, 1) + dt.timedelta(d)).isoformat(), ("早番", "遅番", "日勤")[(i + d) % 3]]
            for i, (n, a) in enumerate(people) for d in range(days)]


@pytest.mark.parametrize(("staff", "days", "stores"), [(6, 90, 2), (6, 100, 2), (8, 150, 2), (20, 60, 5)])
def test_a_long_roster_sorted_by_staff_counts_nobody(staff: int, days: int, stores: int) -> None:
    """review18b kept a shift roster sorted by staff a lead when the sample held it whole (180 rows); one longer than the
    sample (540 rows and more) showed each staff member on one run of rows, read as a care log sorted by resident:
    6-20 staff counted as living at their stores. The whole column is read: a few names each on many rows at a store,
    no more there down the sheet, are staff."""
    found = P.analyse_sheet("シフト", _roster(staff, days, stores))
    assert found is not None and not found.records
    assert found.rejected == {Rejection.NAME_ELSEWHERE: staff * days}


def test_a_long_care_log_sorted_by_resident_stays_its_residents() -> None:
    """The guard (tables18): 8 residents x 150 days at one care home, sorted by resident: the sample shows 4 of them;
    down the sheet more residents stand at that address than staff at a workplace (STAFF_AT_ONE): residents."""
    home = _home()
    residents = [FAKE.name() for _ in range(8)]
    rows: Rows = [[n, home, (dt.date(2026, 1, 1) + dt.timedelta(d)).isoformat(), "入浴"] for n in residents
                  for d in range(150)]
    found = P.analyse_sheet("介護記録", rows)
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 1200


# --- units named by a letter and a number (H1, S2) -------------------------------------------------------------------

NAME = FAKE.name()
HOME = "東京都小金井市本町4-5-6 "


def _persons(addresses: list[str]) -> int:
    records = [PersonRecord("s", i, {"name": NAME, "address": HOME + a}) for i, a in enumerate(addresses)]
    return count(make_rows(0, records)[0]).unique


@pytest.mark.parametrize("typed", [["パークタワーH1", "パークタワーH2"], ["パークタワーS2", "パークタワーS3"],
                                   ["パークタワーR1", "パークタワーR2"], ["メゾンH1", "メゾンH2"], ["ハイツS10", "ハイツS11"]])
def test_units_glued_to_the_building_that_read_as_an_era_year_stay_apart(typed: list[str]) -> None:
    """review20p's era year (Showa 1-64, Heisei 1-31, Reiwa) was read wherever it ended the building part: glued to
    the name (パークタワーH1, H2: towers or wings H1 and H2) it is no date typed after the building but the unit, and
    two namesakes there were one person. An era's year is a date only typed apart (コーポ山田 H30)."""
    assert _persons(typed) == 2


@pytest.mark.parametrize("where", ["below", "below a blank row", "under a header", "above"])
def test_members_beside_a_long_roster_sorted_by_staff_are_the_persons(where: str) -> None:
    """A 600-row roster sorted by staff and 30 header-less members (two of them namesakes at two homes: Faker's 前田 直樹)
    in its columns: main counted the 600 staff rows as persons beside the members (630). The staff rows are refused
    name-elsewhere, the 30 members counted, the namesakes too (a rep is a name at two places only with an office among
    them)."""
    roster = _roster(6, 100)
    members: Rows = [[n, a, p, ""] for n, a, p in PEOPLE[:30]]
    rows = {"below": [*roster, *members], "below a blank row": [*roster, [], *members],
            "under a header": [*roster, [], ["氏名", "住所", "電話", ""], *members], "above": [*members, *roster]}[where]
    found = P.analyse_sheet("シフト", rows)
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 30
    assert sorted(r.fields["name"] for r in found.records) == sorted(p[0] for p in PEOPLE[:30])
    assert found.rejected.get(Rejection.NAME_ELSEWHERE) == 600
