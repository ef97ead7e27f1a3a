"""fix15b: a header-less person list whose every cell carries its own label (a web form's export:
``氏名：山田 太郎 | 住所：東京都… | 電話：042-…``) reads the label as the column's header (review15e #8).

Values: Faker ja_JP with a fixed seed (tests/pii_data.py); never real data.
"""

from __future__ import annotations

import json

import pytest
from conftest import run_leakscan

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests.pii_data import csv_bytes, headerless, people, xlsx_bytes

Rows = list[list[object]]
_PEOPLE = people(40, seed=15)

# (name label, address label, phone label, colon or bracket): how web forms and clerks write them
_STYLES = {
    "full-width colon": ("氏名", "住所", "電話", "{}：{}"),
    "ascii colon": ("氏名", "住所", "TEL", "{}:{}"),
    "colon and full-width space": ("氏名", "住所", "電話番号", "{}：\u3000{}"),
    "ascii colon and space": ("名前", "住所", "電話番号", "{}: {}"),
    "brackets": ("氏名", "住所", "電話", "【{}】{}"),
}


def _labelled(style: str) -> Rows:
    name, address, phone, form = _STYLES[style]
    return [[form.format(name, p.name), form.format(address, p.address), form.format(phone, p.phone)]
            for p in _PEOPLE]


@pytest.mark.parametrize("style", list(_STYLES))
def test_a_list_whose_every_cell_carries_its_label_through_the_cli(tmp_path, style):
    """Header-less, each cell `label：value`: the file ended as no person table (40 persons missed). The label
    shared by a column's cells is its header; the rest of each cell its value."""
    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    rows = _labelled(style)
    (share / "応募者.csv").write_bytes(csv_bytes(rows, "utf-8-sig"))
    (share / "応募者.xlsx").write_bytes(xlsx_bytes({"応募": rows}))
    run_leakscan("scan", str(share), "--out", str(out))
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    sheets = {f["path"].rsplit("/", 1)[-1]: [s for s in f["pii"]["sheets"] if s["kind"] == "persons"]
              for f in doc["files"] if f.get("pii")}
    for file in ("応募者.csv", "応募者.xlsx"):
        assert sum(s["records"] for s in sheets.get(file, [])) == len(_PEOPLE), file
        assert all(s["header_row"] is None for s in sheets[file])  # no row of the file is a header


def test_labelled_cells_keep_their_row_numbers_and_values():
    """The records are the values without their labels, on the file's own rows; a cell typed without its label (row 6)
    is its value as it is."""
    rows = _labelled("full-width colon")
    rows[5][1] = _PEOPLE[5].address
    found = analyse_sheet("応募", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(_PEOPLE)
    recs = found.records
    assert [r.row for r in recs] == list(range(1, len(_PEOPLE) + 1))
    assert recs[0].fields["name"].replace(" ", "").replace("\u3000", "") == _PEOPLE[0].name.replace(" ", "")
    assert "住所" not in recs[0].fields["address"] and "：" not in recs[0].fields["address"]
    assert [r.fields["address"] for r in recs[5:7]] == [p.address for p in _PEOPLE[5:7]]


def test_a_notes_column_with_a_few_labelled_cells_changes_nothing():
    """A header-less list with a notes column where a few cells start with 備考： (or give another phone with its label):
    the same persons as without."""
    rows = headerless(_PEOPLE)
    notes = ["要連絡", "転居予定", "不在多い", "家族同居", "郵送希望", "訪問可"]
    noted = [[*r, f"備考：{notes[i % 6]}" if i % 7 == 0 else f"電話：{_PEOPLE[-1 - i].phone}" if i % 11 == 5
              else notes[i % 6]] for i, r in enumerate(rows)]
    plain, found = analyse_sheet("名簿", iter(rows)), analyse_sheet("名簿", iter(noted))
    assert plain is not None and found is not None
    assert (found.kind, found.count, found.header_row) == (plain.kind, plain.count, plain.header_row)
    assert [(r.row, r.fields) for r in found.records] == [(r.row, r.fields) for r in plain.records]


def test_an_inventory_with_labelled_cells_gives_no_persons():
    """品名：机 | 場所：倉庫: things at places, each cell labelled: no persons."""
    things = ["机", "椅子", "書庫", "ロッカー", "プリンタ", "ホワイトボード", "会議テーブル", "扇風機"]
    places = ["倉庫", "第一会議室", "本館2階", "事務室", "書庫室", "別館倉庫"]
    rows: Rows = [[f"品名：{things[i % len(things)]}", f"場所：{places[i % len(places)]}", f"数量：{i % 5 + 1}"]
                  for i in range(40)]
    found = analyse_sheet("備品", iter(rows))
    assert found is None or found.kind != SheetKind.PERSONS
