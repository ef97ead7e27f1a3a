"""review15e: tables15's spread-names rule against client lists whose people really are at several addresses.

Values: Faker ja_JP with fixed seeds (tests/person_tables_data.py); never real data.
"""

from __future__ import annotations

import pytest

from scanner.codes import Rejection
from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

Rows = list[list[object]]

_CLIENTS = T.ja_people(260, seed=41)
_HOSPITAL, _SHORT_STAY, _CARE_HOME = (p.address for p in T.ja_people(3, seed=42))
_HEADER: Rows = [["利用者名", "住所", "電話番号", "経過"]]


def _stays() -> Rows:
    """A care office's history of its 60 clients: each at home, then in hospital, then at a short-stay facility (the
    two facilities' addresses shared by all)."""
    return [[p.name, at, p.phone, what] for p in _CLIENTS[:60]
            for at, what in ((p.address, "在宅"), (_HOSPITAL, "入院"), (_SHORT_STAY, "ショートステイ"))]


def _into_care_home(every: int) -> Rows:
    """60 clients at home; every ``every``-th of them moved into one care home (施設入所): a row at each address."""
    return [r for i, p in enumerate(_CLIENTS[:60]) for r in (
        [[p.name, p.address, p.phone, "在宅"]] + ([[p.name, _CARE_HOME, p.phone, "入所"]] if i % every == 0 else []))]


def _moved_twice() -> Rows:
    """A register of moves (転居履歴): 60 people living alone, each at three homes of their own over the years."""
    return [[p.name, home, p.phone, f"転居{k}"] for i, p in enumerate(_CLIENTS[:60])
            for k, home in enumerate((p.address, _CLIENTS[60 + 2 * i].address, _CLIENTS[61 + 2 * i].address))]


_LISTS = {
    "home, hospital, short stay": (_stays, 180),
    "all moved into a care home": (lambda: _into_care_home(1), 120),
    "half moved into a care home": (lambda: _into_care_home(2), 90),
    "a third moved into a care home": (lambda: _into_care_home(3), 80),
    "moved twice, living alone": (_moved_twice, 180),
}


@pytest.mark.parametrize("header", [True, False], ids=["header", "no header"])
@pytest.mark.parametrize("name", list(_LISTS))
def test_clients_listed_at_each_place_they_stayed_still_count(name, header):
    """A client at home, in hospital and at a short stay, or moved into a care home, a person who moved twice: each at
    two or three addresses, the facilities' shared by many. tables15's spread names (3+ addresses, or 2 whose name
    sets differ) read them as staff in charge of places: the whole list gave no persons, or the movers' rows were
    refused as name-elsewhere. Such a person has a home of his own (an address no other spread name stands at) and
    few addresses: a resident, not someone in charge."""
    rows, count = _LISTS[name]
    found = analyse_sheet("利用者", iter(_HEADER + rows() if header else rows()))
    assert found is not None and found.kind == SheetKind.PERSONS
    assert Rejection.NAME_ELSEWHERE not in found.rejected
    assert found.count == count


_INITIALS = ["BV Raju", "N.V. Ramana", "KG Nair", "S.A. Khan", "SA Rahman", "NV Rao", "AG Menon", "SL Bhat",
             "S.L. Gupta", "B.V. Reddy"]


def test_people_whose_initials_spell_a_legal_form_still_count():
    """South Asian names are written with initials first (B.V. Raju, KG Nair, S.A. Khan): tables15's European legal
    forms (SA, AG, KG, BV, NV, SL, S.A., N.V., S.L., B.V.) matched them anywhere in the name, so these customers were
    refused as not-a-name. A legal form follows the firm's name (Clerc SARL, Siemens AG, Louis S.A.S.)."""
    people = T.en_people(40, seed=3)
    rows: Rows = [["Name", "Address", "Phone"]] + [
        [_INITIALS[i // 4] if i % 4 == 0 else f"{p.first} {p.last}", f"{p.street}, {p.city}, {p.state} {p.zip}",
         p.phone] for i, p in enumerate(people)]
    rows += [[firm, "1 Rue de la Paix, 75002 Paris", "+33 1 23 45 67 89"]
             for firm in ("Clerc SARL", "Siemens AG", "Louis S.A.S.", "Philips N.V.", "Maersk A/S")]
    found = analyse_sheet("customers", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS
    assert found.count == 40
    assert {r.fields["name"] for r in found.records} >= set(_INITIALS)


@pytest.mark.parametrize("cell", ["TEL:{phone}", "担当者：山田 一郎"], ids=["TEL:", "担当者："])
def test_a_header_less_list_whose_every_row_has_a_labelled_cell_keeps_its_first_person(cell):
    """tables15 skips a header-less list's first row when a cell of it is a label and its value (担当者：山田, a
    sender line above the list). A list whose every row has such a cell (TEL:03-…, the staff in charge written
    担当者：山田 一郎 on each row) lost its first person: the first row is like the others, no sender line."""
    people = T.ja_people(40, seed=9)
    rows: Rows = [[p.name, p.address, cell.format(phone=p.phone)] for p in people]
    found = analyse_sheet("名簿", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS
    assert found.count == 40
    assert people[0].name in {r.fields["name"] for r in found.records}


_BUILDINGS = ["メゾン 桜", "コーポ 山田", "ハイツ 青葉", "サン ハイツ", "パーク ハウス", "ライオンズ 南", "シティ 港",
              "ドミール 東"]


def test_a_building_column_of_spaced_katakana_names_is_still_joined_to_the_address():
    """tables15 stopped joining a column right of an address that holds mostly spaced names (住所 | 担当者 田中 太郎). A
    building column written with a space (メゾン 桜, コーポ 山田, サン ハイツ) looks the same to that test and was
    dropped from every address, header-less: a person's name has a family name and a given name."""
    people = T.ja_people(40, seed=9)
    rows: Rows = [[p.name, f"{p.prefecture}{p.city}{p.town}{p.block}", _BUILDINGS[i % 8], p.phone]
                  for i, p in enumerate(people)]
    found = analyse_sheet("名簿", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 40
    assert all(any(b in r.fields["address"] for b in _BUILDINGS) for r in found.records)


def test_a_staff_label_and_name_on_each_row_is_no_part_of_the_address():
    """Header-less, a column right of the address reading 担当者：山田 一郎 on each row (the staff in charge, written
    with its label) was joined to every address as its building: the staff's name in each person's address."""
    people = T.ja_people(40, seed=9)
    staff = ["山田 一郎", "鈴木 花子", "田中 次郎"]
    rows: Rows = [[p.name, p.address, f"担当者：{staff[i % 3]}"] for i, p in enumerate(people)]
    found = analyse_sheet("名簿", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 40
    assert not any(s in r.fields["address"] for r in found.records for s in staff)


def test_managers_each_at_three_branches_of_their_own_still_give_no_persons():
    """The other side of a resident's few places: an asset list (header-less) whose 12 managers each look after 3
    branches of their own, each branch on many rows. A resident stands at his home and at a stay or two on a row or
    two each; a manager at each of his branches on many rows: his names are spread, the list holds no persons."""
    import random

    from tests.test_inv13 import ITEMS

    branches = [p.address for p in T.ja_people(36, seed=5)]
    managers = [p.name for p in T.ja_people(12, seed=3)]
    rnd = random.Random(1)
    rows: Rows = []
    for _ in range(500):
        m = rnd.randrange(12)
        rows.append([f"{rnd.choice(ITEMS)} {rnd.randint(1, 999)}号機", f"A{rnd.randint(10000, 99999)}",
                     branches[3 * m + rnd.randrange(3)], "03-1111-2222", managers[m]])
    found = analyse_sheet("台帳", iter(rows))
    assert found is None or found.kind not in (SheetKind.PERSONS, SheetKind.BUSINESS)


def test_a_header_less_visit_log_with_more_helpers_than_clients_counts_its_clients():
    """Header-less visit log (日付 | 利用者名 | 住所 | ヘルパー): 10 clients visited 20 times each by helpers of a pool of
    30. Both name columns repeat their names; tables15 took the one with the more distinct names, the helpers, then
    found them spread over the clients' homes: no persons (base: the 200 client rows). The clients' column is the one
    whose names each stand beside one address."""
    import random

    clients = T.ja_people(10, seed=41)
    helpers = [p.name for p in T.ja_people(30, seed=43)]
    rnd = random.Random(2)
    rows: Rows = [[f"2024-{1 + i % 9:02d}-{10 + i % 9}", clients[i % 10].name, clients[i % 10].address,
                   rnd.choice(helpers)] for i in range(200)]
    found = analyse_sheet("訪問記録", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 200
    assert {r.fields["name"] for r in found.records} == {p.name for p in clients}
