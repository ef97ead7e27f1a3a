"""review21t: tables21's person tables tried as an investigator's inputs would (Faker ja_JP, fixed seed 2121)."""

from __future__ import annotations

import datetime as dt

import pytest
from faker import Faker

from scanner.codes import SheetKind
from scanner.detectors import pii as P

SEED = 2121
FAKE = Faker("ja_JP")
FAKE.seed_instance(SEED)

Rows = list[list[object]]


def _home() -> str:
    return f"{FAKE.prefecture()}{FAKE.city()}{FAKE.town()}{FAKE.chome()}{FAKE.ban()}"


def _day(d: int) -> str:
    return (dt.date(2026, 1, 1) + dt.timedelta(d)).isoformat()


# --- staff by the whole column: a group home's residents are persons -------------------------------------------------

@pytest.mark.parametrize(("residents", "days"), [(4, 150), (3, 200), (2, 300)])
def test_a_long_care_log_of_a_small_group_home_sorted_by_resident_counts_its_residents(residents: int, days: int) -> None:
    """利用者 | 住所 | 日付 | 記録 with no header: a group home of 2-4 residents (other families) at its one address, a
    row a day, sorted by resident, longer than the sample. ff4c892b counted them (600 records); tables21's read-on
    (_read_on) read the whole column, found no 5th name there (STAFF_AT_ONE) and refused every row ``name-elsewhere``:
    the residents were lost. One address and names each on one run of rows: a group home's residents and a one-store
    roster look alike, and a lost person is worse than a false one: they are counted."""
    home = _home()
    names = [FAKE.name() for _ in range(residents)]
    found = P.analyse_sheet("介護記録", [[n, home, _day(d), "入浴介助"] for n in names for d in range(days)])
    assert found is not None and found.kind == SheetKind.PERSONS, found and (found.kind, found.rejected)
    assert found.count == residents * days and not found.rejected


# --- a header naming things over a short list, then a header-less person list ----------------------------------------

ITEMS = ["ボールペン", "ノート", "ホワイトボード", "プロジェクター", "延長コード", "付箋", "ファイル"]
PEOPLE = [[FAKE.name(), FAKE.address(), FAKE.phone_number()] for _ in range(40)]
STORES = [f"{_home()} {b}" for b in ("本社倉庫", "東支店", "西支店")]


@pytest.mark.parametrize("items", [10, 30, 100])
@pytest.mark.parametrize("blank", [True, False], ids=["blank row", "no blank row"])
def test_members_below_a_short_inventory_whose_header_is_all_text_are_found(items: int, blank: bool) -> None:
    """品名 | 数量 | 保管場所 over 10-30 items kept at 3 branches, then 40 members (氏名 | 住所 | 電話, no header of their own):
    the sheet was nothing, no finding at all (ff4c892b and tables21; 100 items were found). The header row is all text
    as the members' rows are (phones typed with hyphens): _list_shapes took its shape, seen again on every member's
    row, for the inventory's own, and the members' rows were never looked at. A header row is no row of the list."""
    rnd = __import__("random").Random(SEED)
    stock = [[rnd.choice(ITEMS), str(rnd.randint(1, 50)), rnd.choice(STORES)] for _ in range(items)]
    found = P.analyse_sheet("備品", [["品名", "数量", "保管場所"], *stock, *([[]] if blank else []), *PEOPLE])
    assert found is not None and found.kind == SheetKind.PERSONS, found
    assert found.count == 40 and {r.fields["name"] for r in found.records} == {p[0] for p in PEOPLE}


# --- clients who moved into a facility, logged at both ----------------------------------------------------------------

@pytest.mark.parametrize("facility", ["グループホームあおば", "ケアセンタービル3階"])
@pytest.mark.parametrize("movers", [10, 20])
def test_clients_logged_at_home_then_at_the_facility_they_moved_into_are_persons(facility: str, movers: int) -> None:
    """A header-less visit log (利用者 | 住所 | 日付 | 内容), 20 clients x 20 visits at their homes, sorted by client; 10
    or 20 of them moved into one facility and have 20 rows there too. Each mover stands at two places on many rows,
    one his alone: review15e read that as a manager at branches of his own: 400 rows refused (10 persons lost) or a
    names lead of 800 (all 20 lost). A name whose one other place is his alone home is a resident who moved."""
    fac = f"{_home()} {facility}"
    rows: Rows = []
    for i in range(20):
        n, h = FAKE.name(), _home()
        rows += [[n, h, _day(d), "訪問介護"] for d in range(20)]
        if i < movers:
            rows += [[n, fac, _day(20 + d), "施設入所"] for d in range(20)]
    found = P.analyse_sheet("訪問記録", rows)
    assert found is not None and found.kind == SheetKind.PERSONS, found and (found.kind, found.rejected)
    assert found.count == len(rows) and not found.rejected, (found.count, found.rejected)
