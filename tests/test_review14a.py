"""review14a: tables14's defects (person lists below an inventory, phones by value, venues, other-language headers,
担当者名 | 住所 alone).

Values: Faker ja_JP with fixed seeds (tests/person_tables_data.py), random numbers of fixed seeds; never real data.
"""

from __future__ import annotations

import json
import random

import pytest
from conftest import run_leakscan

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T
from tests.test_inv13 import ITEMS, PEOPLE, STAFF, _inventory_rows

Rows = list[list[object]]
_HEADER: Rows = [["品名", "型番", "数量", "保管場所", "担当者名"]]


def _same_care_manager() -> Rows:
    """Every person's row names the same care manager, one of the inventory's staff (高橋)."""
    rnd = random.Random(1)
    return [[p.name, p.kana, rnd.randint(20, 90), p.address, p.phone, STAFF[2]] for p in PEOPLE]


def _same_town_and_status() -> Rows:
    """Every person's row holds the same town and status (横浜市 | 在宅): values of the list, not of the inventory."""
    rnd = random.Random(1)
    return [[p.name, p.kana, rnd.randint(20, 90), p.address, p.phone, "横浜市", "在宅"] for p in PEOPLE]


def _families() -> Rows:
    """Households of two: the second member at the first one's address and phone."""
    rows: Rows = []
    for a, b in zip(PEOPLE[::2], PEOPLE[1::2], strict=True):
        rows += [[a.name, a.kana, 40, a.address, a.phone], [b.name, b.kana, 12, a.address, a.phone]]
    return rows


@pytest.mark.parametrize("inventory_below", [0, 1000], ids=["end", "inventory below"])
@pytest.mark.parametrize("persons", [_same_care_manager, _same_town_and_status, _families],
                         ids=["same care manager", "same town and status", "families"])
@pytest.mark.parametrize("above", [600, 900, 2000])
def test_persons_with_repeated_values_below_an_inventory_are_counted_whole(above, persons, inventory_below):
    """tables14's turn took a row as a person's only when it held fewer than two values the run's rows held before:
    a care manager or a town on every row, or a household's shared address and phone, are such values, so no turn was
    found: none of 200 (600 rows above), 98 (900), 182 (2,000), and with the inventory going on below, 1,182 (its
    1,000 rows as persons) — main (inv13) counted 200 of each."""
    rows = _HEADER + _inventory_rows(above, seed=3) + persons() + _inventory_rows(inventory_below)
    found = analyse_sheet("台帳", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS
    assert (found.count, found.rows[0][0]) == (len(PEOPLE), above + 2)


# --- 担当者名 | 住所 with a number or notes column beside them ------------------------------------------------------

_STAFF = T.ja_people(40, seed=9)


def _with(extra: str, rows: Rows) -> Rows:
    """``rows`` (担当者名 | 住所 and its rows) with a column ``extra`` first: a running number, an employee number, or
    notes last (filled on some rows)."""
    if extra == "No.":
        return [["No.", *rows[0]]] + [[i, *r] for i, r in enumerate(rows[1:], 1)]
    if extra == "社員番号":
        return [["社員番号", *rows[0]]] + [[f"E{1000 + i}", *r] for i, r in enumerate(rows[1:])]
    return [[*rows[0], "備考"]] + [[*r, "異動" if i % 7 == 0 else ""] for i, r in enumerate(rows[1:])]


@pytest.mark.parametrize("extra", ["No.", "社員番号", "備考"])
def test_staff_homes_with_a_number_or_notes_column_are_persons(extra):
    """tables14 read 担当者名 | 住所 as a header only when the row held those two cells and nothing else: with a No.,
    an employee number or a notes column (a roster's usual layout) it was no header, the header-less rules read the
    header's names as things (担当者名: staff), and the roster ended as nothing."""
    found = analyse_sheet("担当者", iter(_with(extra, [["担当者名", "住所"]] + [[p.name, p.address] for p in _STAFF])))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(_STAFF)


@pytest.mark.parametrize("extra", ["No.", "社員番号", "備考"])
def test_office_contacts_with_a_number_or_notes_column_stay_no_persons(extra):
    rows = [["担当者名", "住所"]] + [[p.name, f"{p.prefecture}{p.city}{p.town}{p.block} {p.city}ビル{i % 8 + 2}階"]
                                for i, p in enumerate(_STAFF)]
    found = analyse_sheet("担当者", iter(_with(extra, rows)))
    assert found is None or found.kind != SheetKind.PERSONS


def test_things_beside_staff_and_address_stay_no_header():
    """品名 | 担当者名 | 住所: a thing's column (an excluded word) keeps the row from being read as a roster's header."""
    rows = [["品名", "担当者名", "住所"]] + [[["ノートPC", "ルーター"][i % 2], p.name, p.address]
                                       for i, p in enumerate(_STAFF)]
    found = analyse_sheet("台帳", iter(rows))
    assert found is None or found.kind != SheetKind.PERSONS


def _with_notes(every: int) -> Rows:
    """The persons with a note row (訪問日 | 要介護n, no address or phone) after every ``every`` persons."""
    rnd = random.Random(1)
    rows: Rows = []
    for i, p in enumerate(PEOPLE):
        rows.append([p.name, p.kana, rnd.randint(20, 90), p.address, p.phone])
        if i % every == every - 1:
            rows.append(["", f"訪問日 {i % 28 + 1}日", f"要介護{i % 5 + 1}", "", ""])
    return rows


@pytest.mark.parametrize("every", [1, 2])
@pytest.mark.parametrize("above", [600, 900, 2000])
def test_persons_interleaved_with_notes_below_an_inventory_are_counted_whole(above, every):
    """A note row between the persons (no address, no phone, none of the list's values) ended the run of SHAPE_RUN
    rows that starts a second trial, so a list with a note after every person or two had no turn: none of 200 (600
    rows above), 132 (900), 188 (2,000) — the same on main."""
    rows = _HEADER + _inventory_rows(above, seed=3) + _with_notes(every) + _inventory_rows(500)
    found = analyse_sheet("台帳", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS
    assert (found.count, found.rows[0][0]) == (len(PEOPLE), above + 2)


def test_review14a_lists_through_the_cli(tmp_path):
    """The scan counts each of these lists whole (CSV files as an investigator finds them)."""
    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    sheets = {"caremanager.csv": _HEADER + _inventory_rows(600, seed=3) + _same_care_manager() + _inventory_rows(300),
              "families.csv": _HEADER + _inventory_rows(900, seed=3) + _families(),
              "notes.csv": _HEADER + _inventory_rows(600, seed=3) + _with_notes(2),
              "roster.csv": _with("No.", [["担当者名", "住所"]] + [[p.name, p.address] for p in _STAFF])}
    for name, rows in sheets.items():
        (share / name).write_text("".join(",".join(map(str, r)) + "\n" for r in rows), encoding="utf-8")
    run_leakscan("scan", str(share), "--out", str(out))
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    persons = {f["path"].rsplit("/", 1)[-1]: sum(s["records"] for s in f["pii"]["sheets"] if s["kind"] == "persons")
               for f in doc["files"] if f.get("pii")}
    assert persons == {"caremanager.csv": len(PEOPLE), "families.csv": len(PEOPLE), "notes.csv": len(PEOPLE),
                       "roster.csv": len(_STAFF)}


def _lending() -> Rows:
    """Borrowers below the inventory: each row names the item lent and the staff in charge (values of the inventory's
    rows) beside the borrower's own name, address and phone."""
    rnd = random.Random(4)
    return [[p.name, rnd.choice(ITEMS), 1, p.address, p.phone, rnd.choice(STAFF)] for p in PEOPLE]


@pytest.mark.parametrize("inventory_below", [0, 500], ids=["end", "inventory below"])
@pytest.mark.parametrize("above", [600, 900, 2000])
def test_a_lending_list_below_an_inventory_is_counted_whole(above, inventory_below):
    """A borrower's row holds two of the inventory's values (the item, the staff) and so read as the inventory's own:
    tables14 found no turn (none of 200 with 600 rows above, 98 with 900, 182 with 2,000 — main counted 200), and a
    table found further down ended after 8 borrowers or, read on, took the inventory below as persons (682). A row
    with an address or a phone of its own beside the list's values is no row of the list."""
    rows = _HEADER + _inventory_rows(above, seed=3) + _lending() + _inventory_rows(inventory_below)
    found = analyse_sheet("台帳", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS
    assert (found.count, found.rows[0][0]) == (len(PEOPLE), above + 2)
