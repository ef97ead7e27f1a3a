"""Person tables below a sheet's sample rows (issue 11: classify from a bounded sample, read every row only of person
tables). A sheet is classified from its first rows (header search and value sample); the rows below pass through
a few regular expressions (pii._HINTS) and only a window where it hits is classified. These sheets must still be found,
with every record: a table after 500 blank rows, after 1,000 rows of a product list (with and without its own
header), a header-less table below a product list, in .xlsx (calamine) and CSV; a list of things (inventory) with its
own header followed by a person table; and no sheet of only products or of facilities is a person table.
Generated people (scanner.demo, fixed seeds), asserted through the CLI.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from scanner.detectors import pii as P
from tests.conftest import run_leakscan
from tests.person_tables_data import ja_people
from tests.pii_data import csv_bytes, facility_list, inventory, people, product_list, standard, xlsx_bytes

DATA = Path(__file__).parent / "data" / "tables"
PEOPLE = people(200, seed=1011)
TABLE = standard(PEOPLE)


def _products(n: int) -> list[list[object]]:
    return product_list(n, seed=8)[1:]


SHEETS = {
    "blank_500.xlsx": [["", "", ""]] * 500 + TABLE,
    "products_then_people.xlsx": product_list(1000) + TABLE,
    "products_then_headerless.xlsx": product_list(1000) + TABLE[1:],
    "products_blank_people.xlsx": product_list(1000) + [[]] * 700 + TABLE,
    "inventory_then_people.xlsx": inventory(people(1000, seed=5)) + TABLE,
    # inside the first 520 rows (the classification sample): 300 product rows, then the persons (speed21)
    "products_300_then_people.xlsx": product_list(300) + TABLE,
    "products_300_then_headerless.xlsx": product_list(300) + TABLE[1:],
    # a header-less person table under a short product list: its rows' shape was counted as the list's (speed21)
    "products_100_then_headerless.xlsx": product_list(100) + TABLE[1:],
    # inside a short list: the list's rows come back under the persons; a list of one row (review21s)
    "products_10_headerless_products.xlsx": product_list(10) + TABLE[1:] + _products(20),
    "products_1_then_headerless.xlsx": product_list(1) + TABLE[1:],
}
NEGATIVE = {
    "products.xlsx": product_list(3000),
    "facilities.xlsx": facility_list(people(1200, seed=9))[1:],  # header-less: every row a hint, none a person
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    share = tmp_path_factory.mktemp("later") / "share"
    share.mkdir()
    for name, rows in {**SHEETS, **NEGATIVE}.items():
        (share / name).write_bytes(xlsx_bytes({"一覧": rows}))
    (share / "products_then_people.csv").write_bytes(csv_bytes(product_list(1000) + TABLE))
    (share / "blank_500.csv").write_bytes(csv_bytes([[]] * 500 + TABLE))
    (share / "products_total.csv").write_bytes(csv_bytes(product_list(10) + TABLE[1:] + [["合計", 9, 1, 12345, ""]]))
    (share / "two_sheets.xlsx").write_bytes(xlsx_bytes({"品目": product_list(50),
                                                        "一覧": product_list(2) + TABLE[1:] + _products(5)}))
    out = share.parent / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {Path(f["path"]).name: f for f in doc["files"]}


@pytest.mark.parametrize("name", [*SHEETS, "products_then_people.csv", "blank_500.csv", "products_total.csv",
                                  "two_sheets.xlsx"])
def test_a_person_table_below_the_sample_is_found_whole(scanned: dict[str, dict], name: str) -> None:
    assert name in scanned, sorted(scanned)
    assert scanned[name]["pii"]["records"] == len(PEOPLE)


@pytest.mark.parametrize("name", NEGATIVE)
def test_long_sheets_without_persons_are_no_hit(scanned: dict[str, dict], name: str) -> None:
    assert name not in scanned


def test_rows_are_numbered_as_in_the_sheet() -> None:
    f = P.analyse_sheet("一覧", iter(product_list(1000) + [[]] * 300 + TABLE))
    assert f is not None and f.count == len(PEOPLE)
    assert f.header_row == 1 + 1001 + 300  # the products' header, 1,000 rows, 300 blank rows
    assert f.rows[0][0] == f.header_row + 1
    g = P.analyse_sheet("一覧", iter(product_list(1000) + TABLE[1:]), first_row=5)
    assert g is not None and g.header_row is None and g.count == len(PEOPLE) and g.rows[0][0] == 5 + 1001


@pytest.mark.parametrize("products", [5, 20, 100, 215, 300])
def test_a_headerless_table_under_a_short_product_list_is_found(products: int) -> None:
    """Below a product list's header (品名: no persons) only a header or a run of rows of a new shape starts a table. The
    shapes counted as the list's were those of every row of the sample, the persons' own among them when the table
    started inside it: 200 persons under 5-215 product rows were no hit at all (speed21)."""
    f = P.analyse_sheet("一覧", iter(product_list(products) + TABLE[1:]))
    assert f is not None and f.count == len(PEOPLE) and f.header_row is None
    assert f.rows[0][0] == 1 + products + 1  # the products' header and rows above the first person


@pytest.mark.parametrize("rows", [
    product_list(100) + TABLE[1:] + _products(1),  # one more product row under the persons
    product_list(10) + TABLE[1:] + _products(20),  # the list goes on under them
    product_list(4) + TABLE[1:] + [["合計", 999, 1, 123456, "2024-01-01"]],  # a total row of the list's cells
    product_list(100) + [[], []] + TABLE[1:] + [[]] + _products(5),  # blank rows around the persons, then the list
    inventory(people(50, seed=5)) + TABLE[1:] + inventory(people(5, seed=6))[1:],
    product_list(1) + TABLE[1:],  # a list of one row (no shape seen twice: the list never began)
    product_list(2) + [[]] + TABLE[1:] + _products(1),
    product_list(1) + [[], ["利用者名簿"]] + TABLE[1:],
], ids=["one_more", "list_resumes", "total_row", "blank_rows", "inventory_resumes", "one_row", "two_rows", "titled"])
def test_a_headerless_table_inside_a_short_list_is_found(rows: list[list[object]]) -> None:
    """The list's shapes were those above the persons only when none of them came back below: a product row, a
    total row of the list's cells or the list going on under 200 header-less persons (inside the first 520 rows)
    made their shape the list's again, and the 200 persons were no hit (review21s)."""
    f = P.analyse_sheet("一覧", iter(rows))
    assert f is not None and f.count == len(PEOPLE) and f.header_row is None


_INVENTORY = inventory(people(300, seed=5))  # 品名 | 数量 | 保管場所 | 担当者名 | 備考


@pytest.mark.parametrize("rows", [
    _INVENTORY[:101] + [[*r[:4], "点検済"] for r in _INVENTORY[101:]],  # 備考 filled for good from row 101
    [_INVENTORY[0]] + [[*r[:3], "", ""] for r in _INVENTORY[1:61]] + _INVENTORY[61:],  # 担当者名 only from row 61
    [_INVENTORY[0]] + [[r[0], r[1], "", r[3], ""] for r in _INVENTORY[1:81]] + _INVENTORY[81:],  # 保管場所 from row 81
], ids=["remarks", "staff", "places"])
def test_an_inventory_whose_rows_change_shape_for_good_stays_no_persons(rows: list[list[object]]) -> None:
    """Where a list's rows take a new shape and keep it, the rows above are the list's shapes only (speed21): the new
    rows are tried as a table and refused as the list's own (its staff under 担当者名, its places under 保管場所)."""
    assert P.analyse_sheet("台帳", iter(rows)) is None


_OFFICES = [["担当者名", "住所", "備考"]] + [[p.name, f"{p.prefecture}{p.city}{p.town}{p.block} {p.city}ビル{i % 8 + 2}階", ""]
                                         for i, p in enumerate(ja_people(120, seed=44))]


@pytest.mark.parametrize("noted", [2, 10])
def test_office_contacts_noted_on_their_first_rows_stay_no_persons(noted: int) -> None:
    """担当者名 | 住所 | 備考 (offices: no persons) with 異動 on the first rows only: the noted rows share the header's shape,
    so the plain rows below read as a new table under a list that ended, and 118 or 110 office contacts were persons
    (speed21's shape count; review14a's layout with the notes at the top). Rows of the list's cells with one left
    blank are the list's (review21s)."""
    rows = [_OFFICES[0]] + [[*r[:2], "異動" if i < noted else ""] for i, r in enumerate(_OFFICES[1:])]
    f = P.analyse_sheet("担当者", iter(rows))
    assert f is None or f.kind != P.SheetKind.PERSONS


def test_office_contacts_whose_moved_rows_come_back_now_and_then_stay_no_persons() -> None:
    """The list's shapes coming back between the new rows (two noted rows in every 7, the others with the address
    typed one column further) keep the new rows the list's: cut above them (no _between_rows), 70 office contacts
    were persons (review21s)."""
    rows = [_OFFICES[0]] + [[*r[:2], "異動"] if i % 7 in (0, 1) else [r[0], "", "", r[1]]
                            for i, r in enumerate(_OFFICES[1:])]
    f = P.analyse_sheet("担当者", iter(rows))
    assert f is None or f.kind != P.SheetKind.PERSONS


def test_a_statistics_appendix_of_many_small_tables_stays_no_persons() -> None:
    """A statistics appendix (ExcelDataReader's StringContinuationAfterCharacterData.xls, sheet Appendix: METI link
    coefficients, regions 東　北 / 関　東 and prefectures beside numbers, 51 row shapes in 93 rows) is no list whose rows
    end: speed21's shape search took a run of new-shaped rows there for a header-less table, and 8 regions were
    persons (ff4c892b: none). The list's rows are its shapes only when nearly every row above the run has one."""
    rows = json.loads(gzip.decompress((DATA / "edr__appendix_rows.json.gz").read_bytes()))
    assert P.analyse_sheet("Appendix", iter(rows)) is None


def test_a_sheet_of_hints_is_classified_once_per_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row of a header-less facility list hits the pre-filter: the windows classified never overlap, so the
    cost stays at most one classification of a sample per HEADER_SCAN_ROWS + SAMPLE_ROWS rows."""
    rows = facility_list(people(5000, seed=9))[1:]
    calls: list[int] = []
    real = P.analyse_sheet

    def counted(*args: object, **kw: object) -> object:
        calls.append(1)
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(P, "analyse_sheet", counted)
    assert real("施設", iter(rows)) is None
    assert 1 <= len(calls) <= len(rows) // (P.HEADER_SCAN_ROWS + P.SAMPLE_ROWS) + 1


def test_a_product_list_passes_the_prefilter_without_classification(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(P, "analyse_sheet", lambda *a, **k: calls.append(1))
    assert P._later_table("S", product_list(3000)[:520], iter(product_list(3000)[520:]), 1, 0) is None
    assert not calls


@pytest.mark.parametrize("text", ["東京都小金井市本町3-12-5", "さいたま市浦和区高砂1丁目", "090-1234-5678", "〒184-0004",
                                  "a.b@example.jp", "昭和45年3月1日", "氏名", "Address"])
def test_hints(text: str) -> None:
    assert P.later_hint([["x", 1.0], ["", text]]) == 1


@pytest.mark.parametrize("text", ["コピー用紙", "2019-06-14", "本庁舎", "市民ホール", "資料079", "3月14日 17:00", "O'Brien"])
def test_no_hint(text: str) -> None:
    assert P.later_hint([["x", 1.0, text]]) is None


def test_a_second_header_inside_the_sample_starts_a_table() -> None:
    """An inventory (its header names places and staff, no persons) of 300 rows, then a person table: all in the
    first 520 rows; the header search below the inventory's header finds the persons' header."""
    f = P.analyse_sheet("一覧", iter(inventory(people(300, seed=5)) + TABLE[:150]))
    assert f is not None and f.count == 149 and f.header_row == 302
