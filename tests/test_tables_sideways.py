"""Lists laid out sideways (scanner/detectors/sideways.py): the labels 氏名 / 住所 / 電話番号 down one column, a person
per column (a class roster printed across the page, a contact sheet copied to the right for each person). Before,
such a sheet read as one form person (the first column of values): 11 of 12 persons went uncounted (qatab7 r02).
Values from Faker ja_JP with a fixed seed, never real data."""

from __future__ import annotations

import io

import openpyxl

from scanner.detectors.pii import RECORD_SINK, SheetKind, analyse_sheet
from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from tests import person_tables_data as T

JA = T.ja_people(12, seed=818)


def sideways(ps: list[T.JaPerson], title: bool = True) -> list[list[object]]:
    rows: list[list[object]] = [["令和6年度 連絡網"]] if title else []
    rows += [["No."] + [i + 1 for i in range(len(ps))], ["氏名"] + [p.name for p in ps],
             ["フリガナ"] + [p.kana for p in ps], ["郵便番号"] + [p.postcode for p in ps],
             ["住所"] + [p.address for p in ps], ["電話番号"] + [p.phone for p in ps], ["備考"] + ["" for _ in ps]]
    return rows


def test_a_person_per_column_is_counted_per_column():
    f = analyse_sheet("連絡網", sideways(JA))
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == len(JA)
    assert f.labels_column == "A" and f.header_row is None and f.to_json()["labels_column"] == "A"
    first = f.examples(unmask=True)[0]
    assert first["name"] == JA[0].name and first["address"] == JA[0].address and first["phone"] == JA[0].phone
    assert [r[0] for r in f.rows[:3]] == [2, 3, 4]  # a record's row is its person's column (B, C, D)


def test_blocks_stacked_down_the_sheet_are_one_list_and_the_sink_gets_columns():
    rows = sideways(JA[:6]) + [[]] + sideways(JA[6:], title=False)
    got = []
    token = RECORD_SINK.set(got.append)
    try:
        f = analyse_sheet("s", rows)
    finally:
        RECORD_SINK.reset(token)
    assert f is not None and f.count == len(JA) and len(got) == len(JA)
    assert sorted(r.fields["name"] for r in got) == sorted(p.name for p in JA)
    assert {r.row for r in got} == set(range(2, 8))


def test_a_sideways_workbook_with_labels_in_column_b():
    book = openpyxl.Workbook()
    ws = book.active
    for r, row in enumerate(sideways(JA), start=3):
        for c, v in enumerate(row, start=2):
            ws.cell(r, c, v)
    buf = io.BytesIO()
    book.save(buf)
    found, _, _ = analyse_bytes(buf.getvalue(), "xlsx", Caps())
    assert len(found) == 1 and found[0].count == len(JA) and found[0].labels_column == "B"
    assert found[0].rows[0][0] == 3  # person 1 in column C


def test_sideways_look_alikes_stay_quiet():
    stores = [["店舗名"] + [f"{p.town}店" for p in JA], ["店長"] + [p.name for p in JA],
              ["住所"] + [p.address for p in JA]]
    council = [["議員名"] + [p.name for p in JA], ["会派"] + ["市民クラブ" for _ in JA],
               ["住所"] + [p.address for p in JA]]
    facilities = [["施設名"] + [f"{p.town}公民館" for p in JA], ["所在地"] + [p.address for p in JA],
                  ["電話番号"] + [p.phone for p in JA]]
    for rows in (stores, council, facilities):
        f = analyse_sheet("s", rows)
        assert f is None or f.count <= 1, rows[0][0]


def test_one_person_form_is_still_a_form():
    rows = [["氏名", JA[0].name], ["住所", JA[0].address], ["電話番号", JA[0].phone]]
    f = analyse_sheet("s", rows)
    assert f is not None and f.count == 1 and f.labels_column is None
