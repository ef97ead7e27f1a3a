"""tables22: person-table detection, session 21's leftovers (Faker ja_JP, fixed seed 2022)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from faker import Faker

from scanner.codes import SheetKind
from scanner.detectors import pii as P

SEED = 2022
Rows = list[list[object]]
WIDE_HEADER = ["姓", "名", "郵便番号", "都道府県", "市区町村", "町名", "番地", "建物名", "部屋", "電話"]


def _fake() -> Faker:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return fake


def _blocks(blocks: int, wide: int = 3, narrow: int = 5) -> tuple[Rows, int, int]:
    """A 10-column export whose rows are broken every ``wide`` rows by a header-less 3-column list of ``narrow`` rows
    (name | address | phone: pasted lists between an export's rows): (rows, wide rows, narrow rows)."""
    fake = _fake()
    rows: Rows = [WIDE_HEADER]
    for _ in range(blocks):
        rows += [[fake.last_name(), fake.first_name(), fake.postcode(), fake.prefecture(), fake.city(), fake.town(),
                  fake.chome() + fake.ban(), fake.building_name(), str(fake.random_int(101, 905)),
                  fake.phone_number()] for _ in range(wide)]
        rows += [[fake.name(), fake.address(), fake.phone_number()] for _ in range(narrow)]
    return rows, blocks * wide, blocks * narrow


@pytest.fixture
def notes() -> Iterator[list[str]]:
    """The sheet's reading notes, as the spreadsheet inspector passes them."""
    said: list[str] = []
    token = P.SHEET_NOTES.set(said)
    yield said
    P.SHEET_NOTES.reset(token)


# --- 1. the cost of a sheet's tables is bounded ----------------------------------------------------------------------

def test_many_narrow_blocks_are_read_in_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """2,000 narrow lists between a wide export's rows were 2,000 tables read each on its own (a header search and a
    column discovery each) and added up one after another, each addition placing every row found so far again: 21 s
    (quadratic). Each list is read once, on its own (review22t: tables22 read those past 256 as one table, lost when
    the export's rows between were many); every person is still counted, at his own row."""
    calls = 0
    inner = P._analyse

    def counted(*args: object, **kw: object) -> object:
        nonlocal calls
        calls += 1
        return inner(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(P, "_analyse", counted)
    blocks = 512
    rows, wide, narrow = _blocks(blocks)
    found = P.analyse_sheet("export", rows)
    assert found is not None and found.count == wide + narrow and not found.rejected, (found.count, found.rejected)
    assert calls == blocks + 1, calls  # the sheet, each list once (review22t: no more joined past 256, they were lost)
    last = rows[-1]
    assert {r.fields["name"]: r.row for r in found.records}[last[0]] == len(rows)  # (no repeated name in the data)


def test_adding_up_a_sheets_tables_is_linear() -> None:
    """The CPU time of 4x the blocks is about 4x (it was 16-21x: 400 blocks 1.0 s, 2,000 blocks 21 s)."""
    def cpu(blocks: int) -> float:
        rows, wide, narrow = _blocks(blocks)
        t = time.process_time()
        found = P.analyse_sheet("export", rows)
        spent = time.process_time() - t
        assert found is not None and found.count == wide + narrow
        return spent

    small, big = cpu(300), cpu(1200)
    assert big < 8 * small + 0.5, (small, big)


def test_narrow_rows_past_the_sheets_cap_are_still_read(monkeypatch: pytest.MonkeyPatch, notes: list[str]) -> None:
    """Narrow rows held past the sheet's total (NARROW_HELD, here made small): the lists held so far are read then and
    their rows let go (review22t: they were the wide table's rows, nothing, 35 of 100 narrow persons counted, said);
    every person is counted and nothing was cut short."""
    monkeypatch.setattr(P, "NARROW_HELD", 5 * 7)
    rows, wide, narrow = _blocks(20)
    found = P.analyse_sheet("export", rows)
    assert found is not None and found.count == wide + narrow and not found.rejected, (found.count, found.rejected)
    assert not notes, notes


def _roster(staff: int, days: int, stores: int = 2) -> Rows:
    """氏名 | 店舗住所 | 日付 | シフト with no header, sorted by staff (tables21's roster)."""
    fake = _fake()
    places = [f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}" for _ in range(stores)]
    people = [(fake.name(), places[i % stores]) for i in range(staff)]
    return [[n, a, (dt.date(2026, 4, 1) + dt.timedelta(d)).isoformat(), ("早番", "遅番", "日勤")[(i + d) % 3]]
            for i, (n, a) in enumerate(people) for d in range(days)]


def test_reading_on_cut_short_by_the_cap_is_said(monkeypatch: pytest.MonkeyPatch, notes: list[str]) -> None:
    """A header-less roster whose sample must be read on to see the whole column: when the cap (READ_ON_ROWS, here
    made small) stops the reading before the decision, the rows read decide (as before tables21), and a note says it.
    Was: nothing said."""
    monkeypatch.setattr(P, "READ_ON_ROWS", 10)
    roster = _roster(6, 100)
    P.analyse_sheet("シフト", roster)
    assert any("read on" in n for n in notes), notes



# --- 8. former villages as family names; regions spread to a column's width ------------------------------------------

def _former_surnames() -> list[str]:
    """Former villages' and towns' names that are family names (北村, 西村...), from the shipped data: no town of today's
    by that name, one letter and 村 or 町, a family name's kanji at their places."""
    from scanner.detectors import values as V
    return sorted(V._former_surnames())


def test_a_family_name_that_was_a_village_with_the_given_name_cho_is_a_name() -> None:
    """北村長 (北村 長): review21w refused a former municipality's name + 長 as its mayor, the office; 北村 (a village
    merged in 2006) is a common family name and 長 a given name. Written with its prefecture it stays the office."""
    from scanner.detectors import values as V
    from scanner.rules import load
    prefecture_of = {o["name"]: o.get("prefecture", "") for o in load("old_municipalities").get("old", [])
                     if isinstance(o, dict)}
    former = _former_surnames()
    assert "北村" in former
    for body in former:
        assert V.looks_like_name(body + "長"), body
        if prefecture_of.get(body):
            assert not V.looks_like_name(prefecture_of[body] + body + "長"), body
    assert not V.looks_like_name("高松市長") and not V.looks_like_name("香南町長")  # wild21's offices stay offices


def test_persons_named_like_a_former_village_and_cho_are_counted() -> None:
    fake = _fake()
    rows: Rows = [["氏名", "住所", "電話"]]
    rows += [[fake.name(), fake.address(), fake.phone_number()] for _ in range(20)]
    rows += [[f"{body}長", fake.address(), fake.phone_number()] for body in _former_surnames()[:5]]
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.count == len(rows) - 1 and not found.rejected, (found.count, found.rejected)


def test_regions_spread_with_a_full_width_space_are_no_persons() -> None:
    """A header-less list of regional offices: 東　北 | 宮城県仙台市… | 電話 (two-letter cells spread to the width of the
    longer ones with a full-width space): each region was read as a one-letter family and given name, a person."""
    from scanner.detectors import values as V
    from scanner.rules import load
    fake = _fake()
    names = load("pii_columns")["japanese_regions"]["names"]
    spread = ["\u3000".join(n) for n in names if len(n) == 2]
    for t in spread:  # a region by its value; no name only as a column of them (tables22b: 北　陸 is a name too)
        assert V.is_region_name(t), t
    rows: Rows = [[t, fake.address(), fake.phone_number()] for t in spread]
    found = P.analyse_sheet("拠点", rows)
    assert found is None or not found.records, (found.kind, found.count)


# --- 5. a few narrow rows, a 4-column list below a wide export -------------------------------------------------------

def _narrow_rows(columns: int, n: int) -> Rows:
    fake = _fake()
    out: Rows = []
    for _ in range(n):
        name, kana, address, phone = fake.name(), fake.kana_name(), fake.address(), fake.phone_number()
        out.append({3: [name, address, phone], 4: [name, kana, address, phone]}[columns])
    return out


@pytest.mark.parametrize("columns", [3, 4])
@pytest.mark.parametrize("n", [2, 3, 4, 60])
@pytest.mark.parametrize("padded", [False, True], ids=["own cells", "padded to 10"])
def test_a_few_narrow_rows_or_a_four_column_list_below_an_export_are_counted(columns: int, n: int,
                                                                              padded: bool) -> None:
    """30 members of a 10-column export, then ``n`` header-less rows of name | address | phone or name | reading |
    address | phone. Fewer than BLOCK_END (5) narrow rows were nothing (no record, no rejection); the 4-column list's
    phone stands in the export's first address column (都道府県): its rows were read in the export's columns, each
    not-an-address."""
    rows, wide, _narrow = _blocks(10, 3, 0)
    narrow = [[*r, *([""] * (10 - len(r)) if padded else [])] for r in _narrow_rows(columns, n)]
    found = P.analyse_sheet("export", [*rows, *narrow])
    assert found is not None and found.count == wide + n and not found.rejected, (found.count, found.rejected)
    assert {str(r[0]) for r in narrow} <= {r.fields["name"] for r in found.records}


def test_a_lone_footer_line_below_an_export_is_no_person() -> None:
    """The guard: one narrow row below the export (作成者 | a name | the office's address) stays nothing, as before."""
    rows, wide, _narrow = _blocks(10, 3, 0)
    fake = _fake()
    found = P.analyse_sheet("export", [*rows, ["作成者", fake.name(), fake.address()]])
    assert found is not None and found.count == wide and not found.rejected


# --- 7. Name | City/State holding the persons' own cities ------------------------------------------------------------

def _en_rows(header: str, kind: str) -> Rows:
    fake = Faker("en_US")
    fake.seed_instance(SEED)
    names = [fake.name() for _ in range(30)]
    places = {"cities": [fake.city() for _ in range(30)], "states": [fake.state() for _ in range(30)],
              "a few places": [fake.city() for _ in range(6)] * 5}[kind]
    return [["Name", header], *([n, p] for n, p in zip(names, places, strict=True))]


@pytest.mark.parametrize("header", ["City/State", "City / State", "State/City"])
def test_names_with_their_own_city_under_a_city_state_header_are_persons(header: str) -> None:
    """Name | City/State whose column holds each person's city (no state): nothing, where the same rows under Name |
    City are 30 persons. An investigator reads the header's City: the rows' own cities, an address part (as City alone
    is); the column's values decide, not the header's word."""
    city = P.analyse_sheet("s", _en_rows("City", "cities"))
    found = P.analyse_sheet("s", _en_rows(header, "cities"))
    assert city is not None and city.kind == SheetKind.PERSONS
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == city.count == 30


@pytest.mark.parametrize("kind", ["states", "a few places"])
def test_a_city_state_column_of_states_or_a_few_regions_stays_no_address(kind: str) -> None:
    """The guards: states (Louisiana, Ohio), or a few places over many rows (wild21: the region of each candidate's
    race, 6 places over 30 names) are no address: no person."""
    found = P.analyse_sheet("s", _en_rows("City/State", kind))
    assert found is None or not found.records, (found.kind, found.count)


# --- 4. a rep whose two customers are both homes ---------------------------------------------------------------------

def _home(fake: Faker) -> str:
    return f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}"


@pytest.mark.parametrize("twos", [1, 2, 3, 4])
@pytest.mark.parametrize("shuffled", [False, True], ids=["sorted by rep", "shuffled"])
@pytest.mark.parametrize("phone", ["customer's", "rep's"])
def test_reps_with_two_home_customers_are_no_persons(twos: int, shuffled: bool, phone: str) -> None:
    """Header-less 担当者 | 顧客住所 | 電話: 6 reps with 4-8 customers each (a company now and then) and ``twos`` reps
    with exactly two customers, both homes. tables21 made a rep of a name at two places only with an office among them:
    the reps at two homes were counted (2 false persons each). When most of the column's names stand at two places or
    more (reps, not residents), one at two homes is a rep too."""
    import random

    fake = _fake()
    rnd = random.Random(SEED)
    rows: Rows = []
    def tel(own: str) -> str:
        return own if phone == "rep's" else fake.phone_number()

    for _ in range(6):
        rep, own = fake.name(), fake.phone_number()
        rows += [[rep, f"{_home(fake)} {fake.building_name()}5階" if k % 3 == 0 else _home(fake), tel(own)]
                 for k in range(rnd.randint(4, 8))]
    for _ in range(twos):
        rep, own = fake.name(), fake.phone_number()
        rows += [[rep, _home(fake), tel(own)], [rep, _home(fake), tel(own)]]
    if shuffled:
        rnd.shuffle(rows)
    found = P.analyse_sheet("顧客", rows)
    assert found is None or not found.records, (found.kind, found.count)
