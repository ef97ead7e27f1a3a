"""Header words, header rows, split columns and the name+address decision on rows in memory."""

from __future__ import annotations

import datetime as dt

import pytest

from scanner.detectors.columns import classify_header, normalise_header
from scanner.detectors.pii import analyse_sheet, column_letter, find_header
from tests import pii_data as D

PEOPLE = D.people(15)


@pytest.mark.parametrize("header,field", [
    ("氏名", "name"), ("利用者氏名", "name"), ("被保険者氏名", "name"), ("【氏名】", "name"), ("氏 名", "name"),
    ("Full name", "name"), ("Name", "name"), ("姓", "name_family"), ("名", "name_given"), ("Last Name", "name_family"),
    ("Surname in full.", "name_family"), ("First Name", "name_given"), ("フリガナ", "reading"), ("ﾌﾘｶﾞﾅ", "reading"),
    ("氏名カナ", "reading"), ("セイ", "reading_family"), ("メイ", "reading_given"), ("住所", "address"),
    ("住所１", "address"), ("住所 (2)", "address"), ("現住所", "address"), ("方書", "address"), ("Address 1", "address"),
    ("City", "address"), ("郵便番号", "postcode"), ("〒", "postcode"), ("電話番号", "phone"), ("TEL", "phone"),
    ("携帯", "phone"), ("生年月日", "birth"), ("性別", "sex"), ("要介護度", "care_level"), ("被保険者番号", "care_number"),
    ("マイナンバー", "mynumber"), ("個人番号", "mynumber"), ("基礎年金番号", "pension_number"), ("宛名番号", "resident_number"),
    ("E-Mail Address", "email"), ("緊急連絡先", "emergency_contact"), ("年齢", "age"),
])
def test_header_words(header, field):
    assert classify_header(header) == field


@pytest.mark.parametrize("header", ["施設名", "品名", "保管場所", "会社名", "担当者名", "Company", "所属", "金額", "Page",
                                    "Capacity", "Ethnicity", "備考", "", "No"])
def test_not_header_words(header):
    assert classify_header(header) is None


def test_normalise_header():
    assert normalise_header("住所１") == "住所"
    assert normalise_header("【 住 所 】") == "住所"
    assert normalise_header("Address 2") == "address"
    assert normalise_header("ﾌﾘｶﾞﾅ") == "フリガナ"


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_header_in_row_three_under_a_title():
    f = analyse_sheet("利用者一覧", D.titled(PEOPLE))
    assert f is not None and f.header_row == 3
    assert len(f.records) == len(PEOPLE)
    assert f.records[0].row == 4 and f.records[-1].row == 3 + len(PEOPLE)
    assert f.columns["name"] == ["氏名"] and f.columns["address"] == ["住所"]
    assert f.fields == ["name", "reading", "address", "postcode", "phone", "birth", "sex", "care_level"]


def test_header_beyond_twenty_rows_is_not_searched():
    rows = [["メモ"]] * 21 + D.standard(PEOPLE)
    assert find_header(rows) is None


def test_row_offsets_from_the_reader_are_kept():
    f = analyse_sheet("s", D.standard(PEOPLE), first_row=5, first_col=2)
    assert f.header_row == 5 and f.records[0].row == 6
    g = analyse_sheet("s", D.headerless(PEOPLE), first_row=1, first_col=2)
    assert g.columns == {"name": ["C"], "address": ["D"], "phone": ["E"]}


def test_split_columns_are_joined():
    f = analyse_sheet("s", D.split_columns(PEOPLE))
    rec = f.records[0].fields
    p = PEOPLE[0]
    assert rec["name"] == p.name  # 姓 + " " + 名
    assert rec["reading"] == p.kana
    assert rec["address"] == p.address  # 住所１ + 住所２ with no space
    assert f.columns["name"] == ["姓", "名"] and f.columns["address"] == ["住所１", "住所２"]


def test_prefecture_city_block_columns_are_joined():
    rows = [["氏名", "都道府県", "市区町村", "番地", "建物名"],
            ["山田 太郎", "東京都", "小金井市本町", "3-12-5", "コーポ101"]]
    f = analyse_sheet("s", rows)
    assert f.records[0].fields["address"] == "東京都小金井市本町3-12-5コーポ101"


def test_two_row_header_with_merged_name_cell():
    rows = [["氏名", "", "住所"], ["姓", "名", ""], ["山田", "太郎", "東京都小金井市本町3-12-5"]]
    f = analyse_sheet("s", rows)
    assert f.header_row == 2 and f.records[0].fields["name"] == "山田 太郎"


def test_english_split_columns():
    rows = [["First Name", "Last Name", "Address 1", "Address 2", "City"],
            ["John", "Smith", "12 High St", "Flat 3", "Leeds"]]
    f = analyse_sheet("s", rows)
    assert f.records[0].fields == {"name": "Smith John", "address": "12 High St Flat 3 Leeds"}


def test_headerless_sheet_found_from_values():
    f = analyse_sheet("s", D.headerless(PEOPLE))
    assert f is not None and f.header_row is None
    assert len(f.records) == len(PEOPLE) and f.records[0].row == 1


def test_wareki_text_and_excel_serials_become_iso_births():
    rows = [["氏名", "住所", "生年月日"],
            ["山田 太郎", "東京都小金井市本町3-12-5", "昭和20年5月3日"],
            ["山田 花子", "東京都小金井市本町3-12-5", 16560.0],
            ["山田 一郎", "東京都小金井市本町3-12-5", dt.date(1945, 5, 3)]]
    f = analyse_sheet("s", rows)
    assert [r.fields["birth"] for r in f.records] == ["1945-05-03"] * 3


def test_record_fields_are_normalised():
    rows = [["氏名", "住所", "郵便番号", "電話番号", "性別"],
            ["山田 太郎", "東京都小金井市本町3-12-5", 1840004.0, 9012345678.0, "男性"]]
    rec = analyse_sheet("s", rows).records[0].fields
    assert rec == {"name": "山田 太郎", "address": "東京都小金井市本町3-12-5", "postcode": "184-0004",
                   "phone": "09012345678", "sex": "男"}


def test_records_are_rows_with_both_name_and_address():
    rows = D.standard(PEOPLE[:4])
    rows[2][6] = ""  # no address
    rows[3][1] = ""  # no name
    f = analyse_sheet("s", rows)
    assert len(f.records) == 2


def test_mynumber_needs_valid_check_digits():
    ok = [["氏名", "住所", "個人番号"], ["山田 太郎", "東京都小金井市本町3-12-5", "123456789018"]]
    bad = [["氏名", "住所", "個人番号"], ["山田 太郎", "東京都小金井市本町3-12-5", "123456789019"]]
    assert "mynumber" in analyse_sheet("s", ok).fields
    assert "mynumber" not in analyse_sheet("s", bad).fields


@pytest.mark.parametrize("layout", list(D.NEGATIVE))
def test_look_alikes_are_not_hits(layout):
    assert analyse_sheet("s", D.NEGATIVE[layout](PEOPLE)) is None


@pytest.mark.parametrize("layout", list(D.POSITIVE))
def test_layouts_are_hits(layout):
    f = analyse_sheet("s", D.POSITIVE[layout](PEOPLE))
    assert f is not None and len(f.records) == len(PEOPLE)


def test_facility_list_with_real_addresses_is_not_people():
    f = analyse_sheet("s", D.facility_list(PEOPLE))
    assert f is None


def test_examples_are_masked_unless_unmasked():
    f = analyse_sheet("s", D.standard(PEOPLE))
    masked = f.examples()
    clear = f.examples(unmask=True)
    assert len(masked) == 3
    assert masked[0]["name"] == PEOPLE[0].name.split(" ")[0] + " **"
    assert masked[0]["address"].endswith("***") and PEOPLE[0].address not in str(masked)
    assert clear[0]["name"] == PEOPLE[0].name and clear[0]["address"] == PEOPLE[0].address
