"""review17c: tables17's staff, sender and second-person rules against real registers (Faker ja_JP, fixed seeds).

A care home's billing ledger or a group home's visit log names each resident on many rows at the facility's one
address, residents of many families: tables17's staff rule (names of other families each logged at one address) took
every resident for staff and counted none. A list naming each person on two rows (home and work, home and 帰省先) under
a 氏名 | 住所 header took every person for a sender at strangers' homes. Staff beside their branches' addresses in a
header-less customer list were counted as second persons on each row.
"""

from __future__ import annotations

import pytest

from scanner.codes import Rejection
from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

P = T.ja_people(600, seed=1717)
FACILITY = "東京都世田谷区桜丘3-2-1 ケアホームさくら"


def _persons(found) -> set[tuple[str, str]]:
    return {(r.fields["name"], r.fields["address"]) for r in found.records}


@pytest.mark.parametrize("header", [True, False])
def test_a_care_homes_monthly_ledger_counts_every_resident(header):
    """入居者 on a row a month, all at the facility: 50 residents of many families, each on 6 rows (was: 300 rows
    name-elsewhere, no person)."""
    residents = P[:50]
    rows: list[list[object]] = [[f"2024/{m:02d}", "要介護3", p.name, FACILITY] for m in range(1, 7) for p in residents]
    if header:
        rows.insert(0, ["年月", "要介護度", "入居者氏名", "住所"])
    found = analyse_sheet("請求", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 300
    assert Rejection.NAME_ELSEWHERE not in found.rejected
    assert _persons(found) == {(p.name, FACILITY) for p in residents}


@pytest.mark.parametrize("header", [True, False])
def test_a_group_homes_visit_log_counts_every_resident(header):
    """訪問看護 at a group home: 12 residents visited 20 times each, all at the home's address."""
    residents = P[100:112]
    rows: list[list[object]] = [[f"2024/05/{d % 28 + 1:02d}", "訪問看護", c.name, FACILITY, "03-1234-5678"]
                                for d in range(20) for c in residents]
    if header:
        rows.insert(0, ["訪問日", "サービス", "利用者名", "住所", "電話"])
    found = analyse_sheet("訪問", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS
    assert _persons(found) == {(p.name, FACILITY) for p in residents}


def test_each_person_on_a_home_and_a_work_row_under_a_name_header_is_a_person():
    """氏名 | 区分 | 住所 | 電話 with a 自宅 and a 勤務先 row each: every name at two places only it stands at, on all rows,
    was taken for a sender at strangers' homes (80 rows name-elsewhere, no person). A 氏名 header says whose the row is."""
    people, work = P[330:370], P[370:410]
    rows: list[list[object]] = [["氏名", "区分", "住所", "電話"]]
    for p, w in zip(people, work, strict=True):
        rows += [[p.name, "自宅", p.address, p.phone], [p.name, "勤務先", w.address, w.phone]]
    found = analyse_sheet("連絡先", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 80
    assert {(p.name, p.address) for p in people} <= _persons(found)


def test_a_header_less_student_list_with_home_and_hometown_rows_keeps_its_students():
    """学生 | 住所 | 携帯 without a header, a row at the lodging and a row at the 帰省先, the student's own mobile on both:
    a sender's rows carry his recipients' phones, a student's his own."""
    people, home = P[330:370], P[370:410]
    rows: list[list[object]] = []
    for p, h in zip(people, home, strict=True):
        rows += [[p.name, p.address, p.phone], [p.name, h.address, p.phone]]
    found = analyse_sheet("学生", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 80
    assert {(p.name, p.address) for p in people} <= _persons(found)


def test_staff_beside_their_branches_addresses_are_no_second_person():
    """顧客 | 住所 | 電話 | 担当者 | 担当支店住所 without a header: four staff at two branches were counted as persons
    (each row a second person at a branch: 80 records, 4 false persons)."""
    customers, branches, staff = P[150:190], [P[400].address, P[401].address], [p.name for p in P[402:406]]
    rows = [[p.name, p.address, p.phone, staff[i % 4], branches[i % 2]] for i, p in enumerate(customers)]
    found = analyse_sheet("顧客", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 40
    assert _persons(found) == {(p.name, p.address) for p in customers}


@pytest.mark.parametrize("tables", [2, 4])
def test_two_lists_on_a_sheet_whose_second_has_more_columns_keep_the_first(tables):
    """氏名 | 住所 | 電話, a blank row, then 電話 | 氏名 | フリガナ | 所在地: the first list was planned from both lists' rows
    (the second's addresses outnumbering its own in column D: address taken from D) and counted no person: 20 of 40
    lost without a reason. Lists alternate on the sheet (4: every other one was lost)."""
    first, second = P[410:430], P[430:450]
    a: list[list[object]] = [["氏名", "住所", "電話"], *([p.name, p.address, p.phone] for p in first), []]
    b: list[list[object]] = [["電話", "氏名", "フリガナ", "所在地"], *([p.phone, p.name, p.kana, p.address] for p in second), []]
    rows = [r for k in range(tables) for r in (a if k % 2 == 0 else b)]
    found = analyse_sheet("名簿", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 20 * tables
    assert _persons(found) == {(p.name, p.address) for p in (*first, *second)}
    assert found.rejected == {}


def test_rows_of_the_first_lists_layout_after_another_header_stay_the_first_lists():
    """Two exports joined into one file: 氏名 | 住所 | 電話, a blank row, a header 電話 | 氏名 | フリガナ | 所在地, two of
    its rows, then rows of the first layout again. The rows after that header were read in its columns and ended as
    nothing (40 persons lost, no reason): another table starts only where most rows read below its header hold
    addresses in its address columns."""
    first, more, second = P[410:430], P[450:490], P[430:432]
    rows: list[list[object]] = [["氏名", "住所", "電話"], *([p.name, p.address, p.phone] for p in first), [],
                                ["電話", "氏名", "フリガナ", "所在地"], *([p.phone, p.name, p.kana, p.address] for p in second),
                                *([p.name, p.address, p.phone] for p in more)]
    found = analyse_sheet("名簿", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 60
    assert _persons(found) == {(p.name, p.address) for p in (*first, *more)}  # the header row is no person
    assert found.rejected == {Rejection.NOT_A_NAME: 2}  # the second list's two rows, read in the first's columns


def test_a_short_second_list_between_two_longer_ones_is_its_own():
    """A list of three under its own header between two others (blank rows between): the rows read below its header
    ran into the next list's and outvoted its three: they were read in the first list's columns and refused."""
    first, short, third = P[410:430], P[430:433], P[450:470]
    a: list[list[object]] = [["氏名", "住所", "電話"]]
    rows = [*a, *([p.name, p.address, p.phone] for p in first), [], ["電話", "氏名", "フリガナ", "所在地"],
            *([p.phone, p.name, p.kana, p.address] for p in short), [], *a, *([p.name, p.address, p.phone] for p in third)]
    found = analyse_sheet("名簿", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 43
    assert _persons(found) == {(p.name, p.address) for p in (*first, *short, *third)}
