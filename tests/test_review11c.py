"""review11c: tables11's additions tried with inputs its author did not tune to (session 11).

1. Below the 520-row sample, a list whose header names no persons (an inventory: 担当者名 | 保管場所; a facility list:
   施設名 | 所在地 | 施設長) whose own rows fill a column of the header only further down (the 担当者名 assigned from
   row 600 on, the 施設長 typed in for the newer facilities): the rows change shape, and read without their header
   they are name + address rows. They are the list's rows under its header, never a header-less person table
   (tables11 took them: 600 inventory rows and 599 facility heads became persons).
Values: Faker ja_JP, fixed seeds (tests/pii_data.py); never real data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_leakscan

from scanner.detectors.pii import analyse_sheet
from tests import pii_data as P

Rows = list[list[object]]

PEOPLE = P.people(1200, seed=5)


def inventory_assigned_later() -> Rows:
    """An inventory whose 担当者名 column is empty in its first 600 rows and filled below."""
    inv = P.inventory(PEOPLE)
    return [inv[0]] + [[*r[:3], "", ""] for r in inv[1:601]] + inv[601:]


def facility_heads_later() -> Rows:
    """A facility list (施設名 | 所在地 | 電話番号 | 定員 | 施設長) whose 施設長 is filled only for the rows below 600."""
    fac = P.facility_list(PEOPLE)
    return ([["施設名", "所在地", "電話番号", "定員", "施設長"]] + [[*r, ""] for r in fac[1:601]]
            + [[*r, p.name] for r, p in zip(fac[601:], PEOPLE[600:], strict=True)])


LISTS = {"在庫_担当者あと.xlsx": inventory_assigned_later, "施設一覧_施設長あと.xlsx": facility_heads_later}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_list_whose_header_column_fills_further_down_is_no_person_table(name):
    assert analyse_sheet("一覧", iter(LISTS[name]())) is None


def test_a_headerless_person_table_of_the_lists_shape_plus_columns_of_its_own_is_still_found():
    """Persons below a product list (品名 | 数量) as name | age | address | phone: their first two cells have the list's
    shape, the address and phone are in columns the list's header does not name: a table of their own."""
    rows: Rows = [["品名", "数量"]] + [[["コピー用紙", "トナー", "封筒"][i % 3], i + 1] for i in range(600)]
    ps = P.people(60, seed=8)
    rows += [[p.name, 30 + i, p.address, p.phone] for i, p in enumerate(ps)]
    found = analyse_sheet("一覧", iter(rows))
    assert found is not None and found.count == 60 and found.rows[0][0] == 602



def test_a_headerless_person_table_in_the_lists_shape_with_other_columns_is_still_found():
    """Persons below the inventory as name | age | address | phone | 要介護度: the inventory's shape with its 備考 filled,
    but read without a header their name and address columns are not the inventory's (担当者名 | 保管場所): a table
    of their own (the rule for a header column filled later decides only when the list's rows give no columns)."""
    inv = P.inventory(P.people(600, seed=5))
    ps = P.people(60, seed=8)
    found = analyse_sheet("一覧", iter(inv + [[p.name, 30 + i % 50, p.address, p.phone, "要介護2"] for i, p in enumerate(ps)]))
    assert found is not None and found.count == 60 and found.rows[0][0] == 602

def test_the_lists_are_no_persons_through_the_cli(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    for name, rows in LISTS.items():
        (share / name).write_bytes(P.xlsx_bytes({"一覧": rows()}))
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    files = {Path(f["path"]).name: f for f in doc["files"]}
    assert set(files) <= set(LISTS)
    assert all("pii" not in f["reasons"] for f in files.values()), files


# --- 2. cells merged down in Excel 2003 XML (ss:MergeDown) ------------------------------------------------------

def test_a_cell_merged_down_at_the_last_column_counts_the_cells_it_fills(tmp_path):
    """ss:MergeDown on a cell at column 16384 over a million rows, then 600 empty <Row/>: each row below was widened to
    16384 cells outside the cell cap (a 1.8 MB file took 6 GB before the worker ran out of memory). The cells the
    merge fills count against --max-cells: the file is listed as too large, its memory bounded by the cap."""
    xml = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="名簿"><Table>'
           '<Row><Cell><Data ss:Type="String">氏名</Data></Cell><Cell ss:Index="16384" ss:MergeDown="1048575">'
           '<Data ss:Type="String">備考</Data></Cell></Row>' + "<Row/>" * 600 + "</Table></Worksheet></Workbook>")
    share = tmp_path / "share"
    share.mkdir()
    (share / "名簿.xls").write_text(xml, encoding="utf-8")
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet", "--max-cells", "1000000")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [(Path(s["path"]).name, s["reason"]) for s in doc["skipped"]] == [("名簿.xls", "too-large")], doc["skipped"]


# --- 3. the row-shape search on a sparse list -------------------------------------------------------------------

def sparse_inventory(n: int) -> Rows:
    """An inventory with 16 check columns marked at random (○ / × / 3 / blank) and its counts typed as 3 or 3台: almost
    every row has a shape of its own; its 保管場所 (東京都…倉庫1番棚) is a hint in every row."""
    import random

    rnd = random.Random(11)
    ps = P.people(2000, seed=5)
    rows: Rows = [["品名", "数量", "保管場所", "担当者名", *(f"項目{i}" for i in range(1, 17))]]
    for i in range(n):
        p = ps[i % len(ps)]
        rows.append([["車椅子", "歩行器", "介護ベッド"][i % 3], rnd.choice([i % 9 + 1, f"{i % 9 + 1}台"]),
                     f"{p.address[:6]}倉庫{i % 3 + 1}番棚", p.name, *(rnd.choice(["", "○", "×", "3"]) for _ in range(16))])
    return rows


def test_the_shape_search_below_a_sparse_list_tries_a_bounded_number_of_windows(monkeypatch):
    """Each window of new shapes costs trial classifications of up to ~520 rows; on a list whose rows rarely repeat a
    shape there was a window every few hundred rows (5,000 rows: 19 windows, 380 times the base's CPU; 1,000,000 rows:
    hours). The rows the refused trials classify stay within pii._shape_allowance (staff12: a cost, no longer a count
    of windows), plus the window that passed it and the list's own rows read once."""
    from scanner.detectors import pii

    rows = [0]
    real = pii._sinkless

    def counted(name, window, *args):
        rows[0] += len(window)
        return real(name, window, *args)

    monkeypatch.setattr(pii, "_sinkless", counted)
    assert pii.analyse_sheet("一覧", iter(sparse_inventory(5000))) is None
    assert rows[0] <= pii._shape_allowance(5000) + pii.HEADER_SCAN_ROWS + 2 * pii.SAMPLE_ROWS, rows[0]


def test_a_cell_merged_down_ends_where_its_rows_end_across_rows_left_out():
    """Excel leaves empty rows out and places the next with <Row ss:Index>: the rows left out were not counted against
    a ss:MergeDown above, so household C's address (merged over 4 rows) was the next household's D, 5 rows below."""
    from scanner.markup import spreadsheetml_tables
    from scanner.sheet import Caps, CellBudget

    def cell(v: str, down: int = 0) -> str:
        merge = f' ss:MergeDown="{down}"' if down else ""
        return f'<Cell{merge}><Data ss:Type="String">{v}</Data></Cell>'

    xml = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="世帯"><Table>'
           f"<Row>{cell('氏名')}{cell('住所')}</Row>"
           f"<Row>{cell('世帯C')}{cell('住所C', 3)}</Row>"
           f'<Row ss:Index="12">{cell("世帯D")}</Row></Table></Worksheet></Workbook>')
    rows = next(spreadsheetml_tables(xml.encode("utf-8"), CellBudget(Caps()), 10**6)).rows
    assert rows[11] == ["世帯D"], rows
    assert [r[1] if len(r) > 1 else "" for r in rows[2:5]] == ["住所C"] * 3, rows
