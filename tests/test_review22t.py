"""review22t: tables22's per-sheet caps and narrow-table rules tried on a client's real layouts (Faker ja_JP/en_US,
fixed seed 2222; every expected count derived from the generated rows)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from faker import Faker

from scanner.detectors import pii as P

SEED = 2222
Rows = list[list[object]]
WIDE_HEADER = ["姓", "名", "郵便番号", "都道府県", "市区町村", "町名", "番地", "建物名", "部屋", "電話"]


def _fake(locale: str = "ja_JP") -> Faker:
    fake = Faker(locale)
    fake.seed_instance(SEED)
    return fake


def _wide(fake: Faker, n: int) -> Rows:
    return [[fake.last_name(), fake.first_name(), fake.postcode(), fake.prefecture(), fake.city(), fake.town(),
             fake.chome() + fake.ban(), fake.building_name(), str(fake.random_int(101, 905)), fake.phone_number()]
            for _ in range(n)]


def _narrow(fake: Faker, n: int) -> Rows:
    return [[fake.name(), fake.address(), fake.phone_number()] for _ in range(n)]


@pytest.fixture
def notes() -> Iterator[list[str]]:
    """The sheet's reading notes, as the spreadsheet inspector passes them."""
    said: list[str] = []
    token = P.SHEET_NOTES.set(said)
    yield said
    P.SHEET_NOTES.reset(token)


# --- 1. the sheet's cap on narrow rows held must not drop persons ----------------------------------------------------

@pytest.mark.parametrize("lists", [2, 5])
def test_several_long_narrow_lists_between_an_exports_rows_are_all_counted(monkeypatch: pytest.MonkeyPatch,
                                                                           notes: list[str], lists: int) -> None:
    """A 10-column export with ``lists`` header-less 3-column client lists pasted between its rows, each shorter than
    NARROW_HELD but together longer (here NARROW_HELD made 50 for lists of 40; at its real size: 2 lists of 15,000 rows
    between 600 export rows, 30,600 persons). tables22 made NARROW_HELD a total for the sheet: every list past it was
    read as the export's rows, nothing (15,600 of 30,600 counted, a note said). Every person is counted."""
    monkeypatch.setattr(P, "NARROW_HELD", 50)
    fake = _fake()
    rows: Rows = [WIDE_HEADER]
    expected = 0
    for _ in range(lists):
        rows += _wide(fake, 3) + _narrow(fake, 40)
        expected += 43
    rows += _wide(fake, 3)
    expected += 3
    found = P.analyse_sheet("export", rows)
    assert found is not None and found.count == expected and not found.rejected, (found.count, found.rejected)
    assert {str(r[0]) for r in rows[1:] if len(r) == 3} <= {r.fields["name"] for r in found.records}


# --- 2. a sign-off block below an export is no list of persons --------------------------------------------------------

_OFFICE, _TEL = "東京都千代田区丸の内1-1-1 丸の内ビル5階", "03-1234-5678"


@pytest.mark.parametrize("block", [
    [["作成者", "山田 太郎", _OFFICE, _TEL], ["承認者", "鈴木 一郎", _OFFICE, _TEL], ["担当", "佐藤 花子", _OFFICE, _TEL]],
    [["作成者", "山田 太郎", _OFFICE], ["承認者", "鈴木 一郎", _OFFICE]],
    [["担当者", "山田 太郎", _OFFICE, _TEL], ["確認者", "鈴木 一郎", _OFFICE, _TEL], ["責任者", "高橋 次郎", _OFFICE, _TEL],
     ["記入者", "佐藤 花子", _OFFICE, _TEL]],
], ids=["作成者-承認者-担当", "作成者-承認者", "four"])
@pytest.mark.parametrize("gap", [0, 1])
def test_a_sign_off_block_below_an_export_is_no_person(block: Rows, gap: int) -> None:
    """30 members of a 10-column export, then the office's sign-off lines (作成者 | 山田 太郎 | the office's address |
    its phone, 2-4 of them). tables22 read 2-4 narrow rows as a table of their own: each signer was a person (30 -> 33).
    A run whose every row names its signer's part (a staff word: 作成者, 承認者, 担当) is the export's footer: nothing."""
    fake = _fake()
    rows: Rows = [WIDE_HEADER, *_wide(fake, 30), *([[]] * gap), *block]
    found = P.analyse_sheet("export", rows)
    assert found is not None and found.count == 30, (found.count, [r.fields["name"] for r in found.records[30:]])
    assert not {str(r[1]) for r in block} & {r.fields["name"] for r in found.records}


def test_two_clients_below_an_export_still_count() -> None:
    """The guard: two header-less clients (name | own address | phone) below the export are persons (tables22)."""
    fake = _fake()
    rows: Rows = [WIDE_HEADER, *_wide(fake, 30), *_narrow(fake, 2)]
    found = P.analyse_sheet("export", rows)
    assert found is not None and found.count == 32 and not found.rejected, (found.count, found.rejected)


# --- 4. City/State: a list of branch offices is no list of persons ---------------------------------------------------

@pytest.mark.parametrize("header", ["City/State", "City"])
def test_branch_offices_with_their_city_are_no_persons(header: str) -> None:
    """Branch | Manager | City/State (Williamstad Branch | its manager | Williamstad): tables22 read a City/State column
    of distinct cities as the rows' own cities, and the branches' names (a known last name, Branch) as the persons:
    nothing -> 30 false persons 'Williamstad Branch' (with City: 30 before tables22 already). A Branch column names
    the row's branch (as 事業所, 店舗 do): no person's name."""
    fake = _fake("en_US")
    rows: Rows = [["Branch", "Manager", header]]
    for _ in range(30):
        city = fake.city()
        rows.append([f"{city} Branch", fake.name(), city])
    found = P.analyse_sheet("branches", rows)
    assert found is None or not any(str(r.fields.get("name", "")).endswith("Branch") for r in found.records), (
        found.kind, found.count, found.columns)


def test_members_with_their_own_city_under_city_state_still_count() -> None:
    """The guard (tables22's item 7): Name | City/State of distinct cities, 30 persons."""
    fake = _fake("en_US")
    found = P.analyse_sheet("s", [["Name", "City/State"], *([fake.name(), fake.city()] for _ in range(30))])
    assert found is not None and found.count == 30


# --- 1b. narrow lists past NARROW_BLOCKS, between longer stretches of the export -------------------------------------

def test_narrow_lists_past_256_are_counted_whatever_the_gap(notes: list[str]) -> None:
    """An export whose rows are broken every 20 rows by a 5-row header-less list, 300 lists. tables22 read the lists
    past NARROW_BLOCKS (256) as one table, the export's rows between as blank rows: 20 blank rows after its first list
    and that table was nothing (a header-less sample of 5 rows), the 44 lists past the cap lost with no rejection and
    no note (7,280 of 7,500). Each list is read on its own."""
    fake = _fake()
    rows: Rows = [WIDE_HEADER]
    for _ in range(300):
        rows += _wide(fake, 20) + _narrow(fake, 5)
    found = P.analyse_sheet("export", rows)
    assert found is not None and found.count == 300 * 25 and not found.rejected, (found.count, found.rejected, notes)
