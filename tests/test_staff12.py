"""staff12: lists of our own staff with their home addresses are persons; lists staff are in charge of are not.

A staff word in a header (担当者名, 記入者: signatures/pii_columns.toml ``[staff]``) names who is in charge of what a
row is about (an item's 保管場所, a visit), so fp11 made it no person's column: but a staff roster
(担当者名 | 住所 | 電話) lists employees with their home addresses, personal data that leaks like a client's (a miss
on main). The rule (pii._staff_roster): the staff column is the row's name when the header names no one else, no
thing or place, the row's own address and a personal attribute, and the sample's rows are distinct people at house
addresses (values.looks_like_home_address). Values: Faker ja_JP with fixed seeds; never real data.
"""

from __future__ import annotations

import io
import json
import random
import re

import pytest
from conftest import run_leakscan
from faker import Faker
from test_fp11 import titled_inventory

from scanner.demo import AS_OF, birth_date, years_before
from scanner.detectors.pii import SheetKind, analyse_sheet
from scanner.detectors.values import looks_like_home_address
from tests import pii_data as P

Rows = list[list[object]]


def staff(n: int, seed: int = 1212) -> list[dict[str, str]]:
    fk = Faker("ja_JP")
    fk.seed_instance(seed)
    rnd = random.Random(seed)
    return [{"name": fk.name(), "kana": fk.kana_name(), "address": fk.address(), "phone": fk.phone_number(),
             "postcode": fk.postcode(), "birth": birth_date(fk, minimum_age=20, maximum_age=65).isoformat(),
             "sex": rnd.choice(["男", "女"]), "hired": fk.date_between_dates(years_before(AS_OF, 20), AS_OF).isoformat(),
             "dept": rnd.choice(["総務部", "介護課", "営業部"])} for _ in range(n)]


STAFF = staff(40)


def _split(address: str) -> tuple[str, str]:
    m = re.match(r"(.+?[都道府県].+?[市区町村郡])(.*)", address)
    assert m is not None
    return m.group(1), m.group(2)


def roster(layout: str, people: list[dict[str, str]] = STAFF) -> Rows:
    if layout == "short":
        return [["担当者名", "住所", "電話"]] + [[s["name"], s["address"], s["phone"]] for s in people]
    if layout == "full":
        return [["No", "担当者名", "フリガナ", "性別", "生年月日", "入社日", "部署", "住所", "電話番号"]] + [
            [i + 1, s["name"], s["kana"], s["sex"], s["birth"], s["hired"], s["dept"], s["address"], s["phone"]]
            for i, s in enumerate(people)]
    if layout == "split":
        return [["担当者", "郵便番号", "住所1", "住所2", "携帯"]] + [
            [s["name"], s["postcode"], *_split(s["address"]), s["phone"]] for s in people]
    if layout == "titled":
        return [["担当者一覧", "", "2024年度"], ["記入者", "住所", "生年月日"]] + [
            [s["name"], s["address"], s["birth"]] for s in people]
    raise ValueError(layout)


@pytest.mark.parametrize("layout", ["short", "full", "split", "titled"])
def test_a_staff_roster_with_home_addresses_is_persons(layout):
    found = analyse_sheet("職員", iter(roster(layout)))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(STAFF)
    assert {e["name"] for e in found.examples(True)} <= {s["name"] for s in STAFF}


def test_a_staff_roster_with_emergency_contacts_counts_the_staff_at_their_homes():
    """緊急連絡先氏名 was the only name column: the contacts became the rows' persons at the employees' addresses."""
    rows = [["担当者名", "住所", "電話", "緊急連絡先氏名", "緊急連絡先電話"]] + [
        [s["name"], s["address"], s["phone"], STAFF[(i + 7) % 40]["name"], STAFF[(i + 7) % 40]["phone"]]
        for i, s in enumerate(STAFF)]
    found = analyse_sheet("職員", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.columns["name"] == ["担当者名"]
    own = [(r.fields["name"], r.fields["address"]) for r in found.records if not r.role]
    assert own == [(s["name"], s["address"]) for s in STAFF]


def test_an_emergency_contact_is_never_the_rows_person_at_its_address():
    """A name column without a header word of ours (スタッフ) beside 緊急連絡先氏名: the contact was the row's person at the
    employee's home (the "row's only name" rule of 申込者 | 住所), the staff member lost. Now the staff are found from
    their values and the contacts stay contacts; without any other name the rows are a lead (names), no persons."""
    contacts = [STAFF[(i + 7) % 40] for i in range(40)]
    rows = [["スタッフ", "住所", "電話", "緊急連絡先氏名"]] + [[s["name"], s["address"], s["phone"], c["name"]]
                                                   for s, c in zip(STAFF, contacts, strict=True)]
    found = analyse_sheet("職員", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS
    assert [(r.fields["name"], r.fields["address"]) for r in found.records if not r.role] == [
        (s["name"], s["address"]) for s in STAFF]
    alone = [["住所", "電話", "緊急連絡先氏名", "緊急連絡先電話"]] + [[s["address"], s["phone"], c["name"], c["phone"]]
                                                        for s, c in zip(STAFF, contacts, strict=True)]
    found = analyse_sheet("職員", iter(alone))
    assert found is None or found.kind == SheetKind.NAMES


def test_a_staff_roster_below_an_inventory_is_found_whole():
    """Below the inventory's 600 rows, a blank row, then the roster with its header: every person (the shape search
    started the window at the first row it looked at, past the header and six persons: 34 of 40)."""
    rows = P.inventory(P.people(600, seed=5)) + [[]] + roster("short")
    found = analyse_sheet("一覧", iter(rows))
    assert found is not None and found.count == len(STAFF) and found.header_row == 603


def _few_staff_visits() -> Rows:
    few = STAFF[:4]
    return [["訪問日", "担当者名", "住所", "電話"]] + [[f"2024-05-{i % 28 + 1:02d}", few[i % 4]["name"], s["address"],
                                                  s["phone"]] for i, s in enumerate(STAFF)]


@pytest.mark.parametrize("rows", [
    pytest.param(_few_staff_visits(), id="visit log: the same four staff, the clients' addresses"),
    pytest.param([["会社名", "担当者名", "住所", "電話"]] + [[f"株式会社{s['name'][:2]}", s["name"], s["address"], s["phone"]]
                                                    for s in STAFF], id="a client company's contact person"),
    pytest.param([["担当者名", "住所", "電話"]] + [[s["name"], f"{s['address'][:6]}倉庫{i % 3 + 1}番棚", s["phone"]]
                                            for i, s in enumerate(STAFF)], id="places of things, no house numbers"),
    pytest.param([["品名", "担当者名", "住所", "電話"]] + [["車椅子", s["name"], s["address"], s["phone"]] for s in STAFF],
                 id="a column naming things"),
    pytest.param([["資産番号", "設置住所", "担当者", "電話"]] + [[1000 + i, "東京都新宿区西新宿2-8-1", s["name"], s["phone"]]
                                                    for i, s in enumerate(STAFF)], id="one office address"),
])
def test_lists_staff_are_in_charge_of_are_no_persons(rows):
    assert analyse_sheet("一覧", iter(rows)) is None


def test_fp11_inventories_stay_quiet():
    assert analyse_sheet("一覧", iter(titled_inventory(600))) is None
    assert analyse_sheet("一覧", iter(titled_inventory(2000, [""] * 16, title=False))) is None
    assert analyse_sheet("一覧", iter(P.inventory(P.people(600, seed=5)))) is None


@pytest.mark.parametrize(("text", "home"), [
    ("東京都多摩市三筋3丁目26番17号", True), ("新宿区西新宿2-8-1", True), ("大阪府大阪市北区梅田一丁目", True),
    ("山形県鶴岡市大字羽黒町手向字手向123番地", True), ("123 Main Street", True),
    ("東京都千代田区倉庫1番棚", False), ("東京都港区", False), ("本館2階書庫", False), ("東京都新宿区倉庫2号棚", False),
])
def test_house_addresses(text, home):
    assert looks_like_home_address(text) is home


def _persons(out) -> dict[str, int]:
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {f["path"].rsplit("/", 1)[-1]: sum(s["records"] for s in f["pii"]["sheets"] if s["kind"] == "persons")
            for f in doc["files"] if f.get("pii")}


def test_staff_rosters_counted_inventories_not_through_the_cli(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "職員名簿.xlsx").write_bytes(P.xlsx_bytes({"職員": roster("full")}))
    (share / "担当者.csv").write_bytes(P.csv_bytes(roster("short", staff(30, seed=77))))
    (share / "備品点検表.xlsx").write_bytes(P.xlsx_bytes({"一覧": titled_inventory(600)}))
    (share / "備品.xlsx").write_bytes(P.xlsx_bytes({"一覧": P.inventory(P.people(600, seed=5))}))
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    persons = _persons(out)
    assert persons.get("職員名簿.xlsx") == 40 and persons.get("担当者.csv") == 30, persons
    assert not persons.get("備品点検表.xlsx") and not persons.get("備品.xlsx"), persons
    for s in STAFF[:5]:  # no personal value on the terminal
        assert s["name"] not in proc.stdout + proc.stderr


# --- rows of the list again, persons in its columns (review11c #7, fp11's trade-off) ------------------------------

def _reordered(inv: Rows) -> Rows:
    """The inventory's rows as 担当者名 | 品名 | 数量 | 保管場所 (another clerk's column order), no header."""
    return [[r[3], r[0], r[1], r[2]] for r in inv[1:]]


@pytest.mark.parametrize("seed", [5, 6], ids=["the same rows again", "other rows"])
def test_inventory_rows_in_another_column_order_are_no_persons(seed):
    inv = P.inventory(P.people(600, seed=5))
    assert analyse_sheet("一覧", iter(inv + _reordered(P.inventory(P.people(600, seed=seed))))) is None


@pytest.mark.parametrize("repeated", [False, True], ids=["an item a row", "three items again and again"])
def test_inventory_rows_in_another_column_order_with_the_same_places_and_staff_are_no_persons(repeated):
    """Places that are house addresses (the equipment of 12 branch offices) and the same staff: the reordered rows'
    addresses cannot tell, their values can (the list's own staff names and places again). With its items repeated
    down the rows the list alone was 600 persons (a thing repeated is what a row belongs to, 店舗名 | お客様 | 住所):
    a header naming staff in charge and where things are kept is no person list whatever its things."""
    ps = staff(12, seed=31)
    rows: Rows = [["品名", "数量", "保管場所", "担当者名", "備考"]]
    rows += [[["車椅子", "歩行器", "介護ベッド"][i % 3] if repeated else f"備品{i:04d}", i % 9 + 1, ps[i % 12]["address"],
              ps[(i * 7) % 12]["name"], ""] for i in range(600)]
    assert analyse_sheet("一覧", iter(rows)) is None
    assert analyse_sheet("一覧", iter(rows + _reordered(rows))) is None


@pytest.mark.parametrize("phone", [False, True])
def test_persons_typed_in_the_inventorys_staff_and_place_columns_are_found(phone):
    """Residents' names under the inventory's 担当者名 and their home addresses under its 保管場所 (…区倉庫1番棚 above):
    a table of its own (fp11 took them for the list's rows: 60 persons lost)."""
    ps = staff(60, seed=8)
    inv = P.inventory(P.people(600, seed=5))
    found = analyse_sheet("一覧", iter(inv + [["", 30 + i, s["address"], s["name"], s["phone"] if phone else ""]
                                            for i, s in enumerate(ps)]))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 60
    assert {e["name"] for e in found.examples(True)} <= {s["name"] for s in ps}


# --- the shape search bounded by what it costs, not by a count of windows ---------------------------------------

def _small_tables_then_persons(tables: int) -> Rows:
    """An inventory, then ``tables`` small header-less facility tables (8 rows, each of its own width: a shape of its
    own), each followed by 600 more inventory rows, then 60 residents header-less."""
    fac = P.facility_list(P.people(8 * tables, seed=21))[1:]
    rows = P.inventory(P.people(600, seed=5))
    for t in range(tables):
        rows += [[r[0], r[1], r[2], *[""] * t, 20 + t] for r in fac[t * 8:(t + 1) * 8]]
        rows += P.inventory(P.people(600, seed=30 + t))[1:]
    return rows + [[s["name"], s["kana"], s["address"], s["phone"]] for s in staff(60, seed=44)]


def _counting(monkeypatch) -> list[int]:
    from scanner.detectors import pii

    classified = [0, 0]  # trial classifications, rows they read
    real = pii._sinkless

    def counted(name, rows, *args):
        classified[0] += 1
        classified[1] += len(rows)
        return real(name, rows, *args)

    monkeypatch.setattr(pii, "_sinkless", counted)
    return classified


def test_a_person_list_below_five_small_other_tables_is_found(monkeypatch):
    """Each small table is a window the search refuses; after 4 (SHAPE_TRIES, session 11) it looked for headers only
    and the residents below the fifth were missed. A small table costs its own rows now."""
    classified = _counting(monkeypatch)
    found = analyse_sheet("一覧", iter(_small_tables_then_persons(5)))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 60
    assert classified[0] >= 5  # each small table was tried (and refused)


def test_the_shape_search_below_a_sparse_list_costs_a_bounded_share_of_its_rows(monkeypatch):
    """A list whose rows rarely share a shape starts a window every few hundred rows (review11c #2): the rows its refused
    trials classify stay within pii._shape_allowance of the rows read (a floor and 1 in 256 rows), plus the window
    that passed it and the list's own rows read once."""
    from test_review11c import sparse_inventory

    from scanner.detectors import pii

    classified = _counting(monkeypatch)
    n = 20000
    assert analyse_sheet("一覧", iter(sparse_inventory(n))) is None
    window = pii.HEADER_SCAN_ROWS + pii.SAMPLE_ROWS
    assert classified[1] <= pii._shape_allowance(n) + window + pii.SAMPLE_ROWS, classified


# --- .xlsb read through pyxlsb: cells merged down filled as calamine's are -------------------------------------------

def _households_beta_xlsb() -> tuple[bytes, object]:
    """tables11's household .xlsb (世帯番号, 郵便番号, 住所, 電話番号 merged over 3 members) with the Excel 2007 beta sheet
    list calamine panics on: read by the pyxlsb fallback, which filled no merge (the members' addresses were lost)."""
    from test_tables11 import households_xlsb
    from test_xlsb import to_beta

    layout = households_xlsb()
    return to_beta(layout.data), layout


def test_the_pyxlsb_fallback_fills_cells_merged_down(tmp_path):
    from tests import jp_exports10_data as D

    data, layout = _households_beta_xlsb()
    share = tmp_path / "share"
    share.mkdir()
    (share / "世帯名簿.xlsb").write_bytes(data)
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet", "--name", "世帯名簿.xlsb")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    (hit,) = [f for f in doc["files"] if f.get("pii")]
    assert "pyxlsb" in json.dumps(hit, ensure_ascii=False)  # the fallback read it (calamine refused the beta list)
    assert [s["records"] for s in hit["pii"]["sheets"]] == [layout.records]
    target = tmp_path / "persons.xlsx"
    done = run_leakscan("persons", str(out), "--export", str(target), "--sources", str(share))
    assert done.returncode == 0, done.stderr
    got = D.export_by_file(target)["世帯名簿.xlsb"]
    assert {(n, a) for n, (a, _) in got.items()} == layout.persons


def test_a_merge_filled_by_the_fallback_counts_against_the_cell_cap():
    """A BrtMergeCell down 1,000,000 rows at column 101 widens every short row below (2 cells each): the cells it adds
    count against --max-cells (too-large at 50,000; the 4,100 cells read alone pass), never unbounded."""
    import struct

    from test_tables11 import _xlsb_record
    from test_xlsb import to_beta

    from scanner.errors import ReadError
    from scanner.sheet import Caps
    from scanner.tables import read_workbook
    from tests import review_data as R

    rows: Rows = [["氏名", "住所"], *([f"山田 {i}", ""] for i in range(2000))]
    rows[1][1] = "東京都港区芝公園4-2-8"
    for r in rows[:100]:  # pyxlsbwriter sizes its columns from the first 100 rows: those must be as wide
        r.extend([""] * (101 - len(r)))
    block = (_xlsb_record(177, struct.pack("<I", 1)) + _xlsb_record(176, struct.pack("<IIII", 1, 1_000_000, 100, 100))
             + _xlsb_record(178))
    rows[1][100] = "x"
    end = _xlsb_record(146)

    def add(body: bytes) -> bytes:
        k = body.rindex(end) + len(end)  # BrtEndSheetData (its 3 bytes may occur in a cell record before it)
        return body[:k] + block + body[k:]

    data = to_beta(R.rewrite_part(P.xlsb_bytes({"名簿": rows}), "xl/worksheets/sheet1.bin", add))
    with pytest.raises(ReadError) as e:
        for sheet in read_workbook(data, "xlsb", Caps(max_cells=50_000)).sheets:
            list(sheet.rows)
    assert e.value.reason == "too-large"
    (sheet,) = read_workbook(data, "xlsb", Caps(max_cells=1_000_000)).sheets  # within the cap: filled
    assert [r[100] for r in list(sheet.rows)[1:2001:500]] == ["x"] * 4


@pytest.mark.parametrize("damage", ["cut", "flip"])
def test_a_damaged_beta_xlsb_ends_as_records_or_a_reason(tmp_path, damage):
    data, _layout = _households_beta_xlsb()
    if damage == "cut":
        data = data[: len(data) * 2 // 3]
    else:
        rnd = random.Random(12)
        buf = bytearray(data)
        for at in rnd.sample(range(len(buf) // 3, len(buf)), 6):
            buf[at] ^= 0x5A
        data = bytes(buf)
    share = tmp_path / "share"
    share.mkdir()
    (share / "世帯名簿.xlsb").write_bytes(data)
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    hits = [f for f in doc["files"] if f.get("pii")]
    skipped = json.dumps(doc.get("skipped", []), ensure_ascii=False)
    assert hits or "世帯名簿.xlsb" in skipped, (doc["files"], skipped)


def test_the_shape_search_goes_on_past_a_refused_empty_window() -> None:
    """A header naming no persons, a hint row whose shape window is empty (the list's own shapes right under it):
    the search found that row again and again (a 60-row workbook hung its worker until the no-progress watch killed
    it, listed as a hung spreadsheet inspector). The sheet is read to its end."""
    import signal

    import python_calamine

    from scanner.detectors.pii import analyse_sheet
    from tests.test_zip_guard import _real_workbook_with

    book = _real_workbook_with('<row r="60"><c r="d60"><v>1</v></c></row>')
    rows = python_calamine.load_workbook(io.BytesIO(book)).get_sheet_by_index(0).to_python()

    def hung(*_: object) -> None:
        raise AssertionError("the shape search did not end")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)  # a hang guard, not a speed target: the sheet takes milliseconds
    try:
        assert analyse_sheet("Sheet1", iter(rows), 0, 0) is None  # name1 | street 1: no Japanese person table
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
