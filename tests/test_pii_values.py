"""Value validators (DOMAIN.md section 2): a positive and a negative case for every rule."""

from __future__ import annotations

import datetime as dt

import pytest

from scanner.detectors import values as V


@pytest.mark.parametrize("value", ["123456789018", "621498320257", "６２１４－９８３２－０２５７", "6214 9832 0257"])
def test_my_number_valid(value):
    assert V.my_number_valid(value)


@pytest.mark.parametrize("value", ["123456789019", "62149832025", "1234567890181", "abcdefghijkl", ""])
def test_my_number_invalid(value):
    assert not V.my_number_valid(value)


def test_my_number_one_in_ten_random_pass_so_label_needed():
    import random

    rnd = random.Random(1)
    passing = sum(V.my_number_valid(f"{rnd.randrange(10**11, 10**12)}") for _ in range(5000))
    assert 350 < passing < 650  # ~1 in 10: a bare 12-digit number is never enough on its own


def test_corporate_number():
    assert V.corporate_number_valid("5835678256246")
    assert not V.corporate_number_valid("6835678256246")
    assert not V.corporate_number_valid("583567825624")


@pytest.mark.parametrize("text,expected", [
    ("〒160-0023", "160-0023"), ("〒１６０－００２３", "160-0023"), ("160ー0023", "160-0023"),
    ("東京都新宿区西新宿 160-0023", "160-0023"), ("〒1600023", "160-0023"),
])
def test_postcode_found(text, expected):
    assert V.find_postcode(text) == expected


@pytest.mark.parametrize("text", ["03-1234-5678", "1600023", "2016-04-01", "090-1234-5678", "12-3456"])
def test_postcode_not_found(text):
    assert V.find_postcode(text) is None


def test_postcode_bare_digits_only_when_labelled():
    assert V.find_postcode("1600023", labelled=True) == "160-0023"


@pytest.mark.parametrize("text,digits", [
    ("045(123)4567", "0451234567"), ("090ー1234ー5678", "09012345678"), ("+81-90-1234-5678", "09012345678"),
    ("03-1234-5678", "0312345678"), ("０３－１２３４－５６７８", "0312345678"), ("050 1234 5678", "05012345678"),
])
def test_phone_valid(text, digits):
    assert V.normalise_phone(text) == digits


@pytest.mark.parametrize("text", ["160-0023", "2016-04-01", "12345", "0012345678", "090-1234-567", "TEL予定"])
def test_phone_invalid(text):
    assert V.normalise_phone(text) is None


@pytest.mark.parametrize("text", ["昭和20年5月3日", "S20.5.3", "Ｓ２０．５．３", "昭20.5.3", "㍼20年5月3日", "s20/5/3",
                                  "1945/05/03", "1945-5-3", "1945年5月3日"])
def test_era_dates(text):
    assert V.parse_date(text) == dt.date(1945, 5, 3)


def test_era_first_year_and_other_eras():
    assert V.parse_date("平成元年1月8日") == dt.date(1989, 1, 8)
    assert V.parse_date("令和2年4月1日") == dt.date(2020, 4, 1)
    assert V.parse_date("大正15年12月1日") == dt.date(1926, 12, 1)
    assert V.parse_date("明治45年7月1日") == dt.date(1912, 7, 1)
    assert V.parse_date("H1.1.8") == dt.date(1989, 1, 8)


@pytest.mark.parametrize("text", ["昭和20年13月3日", "X20.5.3", "20.5.3", "山田 太郎", "160-0023", "昭和20年"])
def test_not_dates(text):
    assert V.parse_date(text) is None


def test_excel_serial_only_in_date_columns():
    assert V.parse_date(16560, serials=True) == dt.date(1945, 5, 3)
    assert V.parse_date(16560.0, serials=True) == dt.date(1945, 5, 3)
    assert V.parse_date("16560", serials=True) == dt.date(1945, 5, 3)
    assert V.parse_date(16560) is None
    assert V.parse_date(-3, serials=True) is None


def test_date_objects_pass_through():
    assert V.parse_date(dt.datetime(1945, 5, 3, 0, 0)) == dt.date(1945, 5, 3)


@pytest.mark.parametrize("text,sex", [("男", "男"), ("女性", "女"), ("M", "男"), ("female", "女"), ("Ｆ", "女")])
def test_sex(text, sex):
    assert V.parse_sex(text) == sex


@pytest.mark.parametrize("text", ["1", "不明", "", "男女"])
def test_not_sex(text):
    assert V.parse_sex(text) is None


@pytest.mark.parametrize("text", ["東京都小金井市本町3丁目12番5号", "小金井市本町3-12-5", "北海道札幌市中央区北1条西2丁目"])
def test_address_strict(text):
    assert V.looks_like_address(text, strict=True)


@pytest.mark.parametrize("text", ["千代田区", "飯田橋", "東京都", "山田 太郎", "2016-04-01", "12345"])
def test_not_address_strict(text):
    assert not V.looks_like_address(text, strict=True)


@pytest.mark.parametrize("text", ["山田 太郎", "髙橋　一郎", "John Smith", "やまだ はなこ", "Frank2"])
def test_names(text):
    assert V.looks_like_name(text)


@pytest.mark.parametrize("text", ["株式会社ABC", "小金井デイサービスセンター", "12345", "2016-04-01", "a@b.jp", ""])
def test_not_names(text):
    assert not V.looks_like_name(text)


def test_spaced_name_is_a_person_but_a_town_is_not():
    assert V.looks_like_spaced_name("山田 太郎")
    assert V.looks_like_spaced_name("佐藤　花子")
    assert not V.looks_like_spaced_name("飯田橋")
    assert not V.looks_like_spaced_name("東京都 千代田区")
