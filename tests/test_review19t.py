"""review19t: tables19's new rules broken by real layouts (Faker ja_JP, fixed seed 19190)."""

from __future__ import annotations

import pytest
from faker import Faker

from scanner.codes import SheetKind
from scanner.detectors import pii as P

SEED = 19190
FAKE = Faker("ja_JP")
FAKE.seed_instance(SEED)
PEOPLE = [(FAKE.name(), f"{FAKE.prefecture()}{FAKE.city()}{FAKE.town()}{FAKE.chome()}{FAKE.ban()}",
           FAKE.phone_number()) for _ in range(80)]

Rows = list[list[object]]


@pytest.mark.parametrize("officers", [3, 10])
def test_a_few_officers_above_a_member_list_leave_the_members_counted(officers: int) -> None:
    """A club's sheet: its officers (氏名 | 役職 | 電話, a few rows: no lead, officials) above the member list (氏名 |
    住所 | 電話). tables19 took the officers' header as the first list's (a names-only list ending where the members'
    header is); the officers made no table and no lead, and the 30 members were neither counted nor listed: the
    sheet was nothing (before tables19: 30 persons)."""
    rows: Rows = [["氏名", "役職", "電話"], *([n, "理事", p] for n, _a, p in PEOPLE[:officers]), [],
                  ["氏名", "住所", "電話"], *([n, a, p] for n, a, p in PEOPLE[40:70])]
    found = P.analyse_sheet("会員名簿", rows)
    assert found is not None and found.kind == SheetKind.PERSONS
    assert {r.fields["name"] for r in found.records} == {p[0] for p in PEOPLE[40:70]}


ITEMS = ["ノートPC", "プロジェクター", "デジタルカメラ", "延長コード", "ホワイトボード"]


def _inventory(n: int, at: int = 0) -> Rows:
    staff = [p[0].split()[0] for p in PEOPLE[:3]]
    return [[ITEMS[(at + i) % 5], f"AB-{100 + (at + i) * 7 % 900}", 1 + i % 9, f"本社倉庫{1 + i % 5}番棚", staff[i % 3]]
            for i in range(n)]


@pytest.mark.parametrize(("members", "after"), [(30, 60), (60, 150)])
def test_a_member_list_followed_by_other_rows_without_a_blank_row_is_counted(members: int, after: int) -> None:
    """氏名 | 郵便番号 | 住所 | 電話 over 30 members, then an inventory's rows with no blank row between (a list pasted
    above another): the sample as a whole is no person table (the inventory outvotes the addresses) and the header's
    own block ran to the sample's end (each inventory row holds text where the name is: ノートPC). The sheet was
    nothing: the members neither counted nor listed. The block ends where a run of rows holds neither a name nor an
    address in those columns, as at a blank row; the other rows are still read and refused."""
    rows: Rows = [["氏名", "郵便番号", "住所", "電話", ""],
                  *([n, "100-0001", a, p, ""] for n, a, p in (PEOPLE * 2)[:members]), *_inventory(after)]
    found = P.analyse_sheet("名簿", rows)
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == members
    assert sum(found.rejected.values()) == after  # every inventory row said


def test_a_member_list_with_its_header_between_an_inventorys_rows_is_counted() -> None:
    """The same list typed between an inventory's header-less rows: nothing before; the 30 members now."""
    rows: Rows = [*_inventory(60), ["氏名", "郵便番号", "住所", "電話", ""],
                  *([n, "100-0001", a, p, ""] for n, a, p in PEOPLE[40:70]), *_inventory(60, 60)]
    found = P.analyse_sheet("備品", rows)
    assert found is not None and {r.fields["name"] for r in found.records} == {p[0] for p in PEOPLE[40:70]}


def test_tables_found_one_below_another_keep_only_examples_when_records_are_handed_over() -> None:
    """tables19's search goes on below each table found between an inventory's rows and adds them up one by one. In a
    scan (records handed to the store as found) each table keeps only EXAMPLES rows, but their sum kept every table's
    examples: copied again at each table, a 320,000-row inventory with 4,000 member blocks stopped its worker (no
    progress for 125 s). The sum keeps the first EXAMPLES rows, its counts per role from the tables'."""
    rows: Rows = []
    for b in range(12):
        rows += _inventory(60, 60 * b)
        rows += [[n, "100-0001", a, p, ""] for n, a, p in PEOPLE[(b * 20) % 60:(b * 20) % 60 + 20]]
    got: list[P.PersonRecord] = []
    token = P.RECORD_SINK.set(got.append)
    try:
        found = P.analyse_sheet("備品", rows)
    finally:
        P.RECORD_SINK.reset(token)
    assert found is not None and found.count == 240 and len(got) == 240
    assert len(found.rows) == P.EXAMPLES and found.roles() == {P.MAIN_ROLE: 240}
