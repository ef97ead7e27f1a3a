"""Person data kept as forms, one sheet per person (利用者基本情報 / フェイスシート / 個人票), label | value cells instead
of a table (qatables, scanner/detectors/forms.py). A workbook of such sheets came out as nothing at all."""

from __future__ import annotations

import datetime as dt
import json

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T
from tests.conftest import run_leakscan

JA = T.ja_people(6, seed=6161)


def face_sheet(p: T.JaPerson) -> list[list[object]]:
    """A care office's face sheet: title, フリガナ above 氏名, date of birth beside it, the address over merged cells,
    an emergency contact with a name and a phone only."""
    y, m, d = (int(x) for x in p.birth.split("-"))
    return [["利用者基本情報（フェイスシート）", "", "", "", "作成日", dt.date(2024, 4, 1)],
            ["", "", "", "", "", ""],
            ["フリガナ", f"{p.family_kana} {p.given_kana}", "", "性別", p.sex, ""],
            ["氏名", f"{p.family} {p.given}", "", "生年月日", dt.date(y, m, d), ""],
            ["郵便番号", p.postcode, "", "", "", ""],
            ["住所", p.address, "", "", "", ""],
            ["電話番号", p.phone, "", "", "", ""],
            ["緊急連絡先", "", "", "", "", ""],
            ["緊急連絡先氏名", "山田 一郎", "続柄", "長男", "緊急連絡先電話番号", "090-1111-2222"],
            ["要介護度", "要介護2", "", "", "", ""]]


def test_a_face_sheet_is_one_person_with_every_field():
    p = JA[0]
    f = analyse_sheet("伊藤様", face_sheet(p))
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == 1 and f.header_row is None
    (r,) = f.records
    assert r.row == 4
    assert r.fields["name"] == p.name and r.fields["address"] == p.address
    assert (r.fields["reading"], r.fields["postcode"], r.fields["birth"]) == (p.kana, p.postcode, p.birth)
    assert f.columns["name"] == ["B4"] and f.columns["address"] == ["B6"]


def test_labels_above_or_beside_and_two_persons_on_one_sheet():
    a, b = JA[1], JA[2]
    rows = [["申込書", "", ""],
            ["氏名", "", ""], [a.name, "", ""], ["住所", "", ""], [a.address, "", ""],  # values below their labels
            ["", "", ""],
            ["氏名", b.name, ""], ["住所", b.address, ""]]
    f = analyse_sheet("申込", rows)
    assert f is not None and f.count == 2
    assert {(r.fields["name"], r.fields["address"]) for r in f.records} == {(a.name, a.address), (b.name, b.address)}


def test_forms_that_are_not_persons_stay_quiet():
    template = [["利用者基本情報", ""], ["氏名", ""], ["住所", ""], ["電話番号", ""]]
    facility = [["施設概要", ""], ["施設名", "さくら園"], ["所在地", JA[3].address], ["管理者", JA[3].name]]
    no_address = [["面談記録", ""], ["氏名", JA[4].name], ["面談日", "2024-04-01"], ["内容", "体調良好"]]
    placeholder = [["記入例", ""], ["氏名", "山田 太郎"], ["住所", "東京都○○市○○町1-2-3"]]
    officials = [["氏名", "住所", "会派", "当選回数"]] + [[p.name, p.address, "市民クラブ", "2"] for p in JA]
    tabled = [["名簿", "", ""], ["氏名", "住所", "担当者"]] + [[p.name, p.address, "佐藤"] for p in JA[:1]]
    # frictionlessdata encoding-issue-274.csv: "name" and "address" headers whose neighbours are other headers
    header_only = [["id", "name", "abbreviation", "email", "address", "contact"],
                   ["nz/a2f", "Asia New Zealand Foundation", "A2F", "", "", ""]]
    for rows in (template, facility, no_address, placeholder, officials, header_only):
        assert analyse_sheet("s", rows) is None, rows[0][0]
    f = analyse_sheet("s", tabled)  # a table of one row is the table rules' to judge, read once, not as a form
    assert f is None or f.header_row == 2


def test_a_workbook_of_face_sheets_from_the_cli(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for p in JA:
        ws = wb.create_sheet(f"{p.family}様")
        for row in face_sheet(p):
            ws.append(row)
        ws.merge_cells("B6:F6")
    blank = wb.create_sheet("ひな形")
    for row in (["利用者基本情報（フェイスシート）"], ["氏名", ""], ["住所", ""]):
        blank.append(row)
    share = tmp_path / "share"
    share.mkdir()
    wb.save(share / "フェイスシート.xlsx")
    out = tmp_path / "out"
    run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text())
    (hit,) = doc["files"]
    assert hit["reasons"] == ["pii"] and hit["pii"]["records"] == len(JA)
    assert [s["index"] for s in hit["pii"]["sheets"]] == list(range(1, len(JA) + 1))
    assert all(JA[0].family not in s["name"] or "*" in s["name"] for s in hit["pii"]["sheets"])  # sheet names masked


def test_a_form_drawn_on_a_grid_of_narrow_columns():
    """"Excel 方眼紙": labels merged over B:E, values merged from column I; the cells between are empty."""
    p = JA[5]
    width = 30
    rows = []
    for label, value in (("氏名", p.name), ("住所", p.address), ("電話番号", p.phone)):
        row: list[object] = [""] * width
        row[1], row[8] = label, value
        rows += [[""] * width, row]
    f = analyse_sheet("s", rows)
    assert f is not None and f.count == 1
    assert f.records[0].fields["address"] == p.address and f.columns["name"] == ["I2"]
