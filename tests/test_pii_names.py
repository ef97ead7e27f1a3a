"""Value tests behind header-less recognition and the row checks: name shapes, Latin names, placeholders,
parts of split addresses, Latin addresses, postal codes typed in front of an address."""

from __future__ import annotations

import datetime as dt

import pytest

from scanner.detectors import person_names as N
from scanner.detectors import values as V
from tests import person_tables_data as T


def test_generated_japanese_names_have_a_name_shape_with_or_without_a_space():
    people = T.ja_people(300, seed=77)
    spaced = sum(N.japanese_name_shape(p.name) for p in people) / len(people)
    unspaced = sum(N.japanese_name_shape(p.name_unspaced) for p in people) / len(people)
    assert spaced >= 0.9 and unspaced >= 0.9


def test_towns_are_rarely_name_shaped():
    towns = [p.town for p in T.ja_people(300, seed=78)]
    assert sum(N.japanese_name_shape(t) for t in towns) / len(towns) < 0.5  # a column test needs 0.75


@pytest.mark.parametrize("text", ["上杉辰男", "上杉 辰男", "佐藤　みつ子", "高橋美ゆき", "山田 花子", "柳田零生", "菅野柚帆"])
def test_name_shapes(text):
    assert N.japanese_name_shape(text)


@pytest.mark.parametrize("text", ["すみれ保育園", "市民会館", "株式会社山田", "小金井市本町", "東京都", "ヤマダタロウ",
                                  "山田太郎様方", "飯田橋駅", "", "山田 太郎 花子"])
def test_not_name_shapes(text):
    assert not N.japanese_name_shape(text)


def test_surname_list_and_split_halves():
    assert N.starts_with_surname("佐藤花子") and not N.starts_with_surname("丸の内")
    assert N.japanese_family_name_shape("上杉") and N.japanese_given_name_shape("辰男")
    assert not N.japanese_family_name_shape("千代田区") and not N.japanese_given_name_shape("公民館")


def test_latin_names_by_the_name_lists():
    assert N.latin_name_known("Maria Anders") and N.latin_name_known("Taro Yamada")
    assert not N.latin_name_known("Supermarkt Handelskontor") and not N.latin_name_known("12 High St")
    assert N.known_first_name("Robert") and N.known_last_name("Smith") and not N.known_first_name("Supermarkt")
    assert N.is_us_state("WA") and N.is_us_state("Washington") and not N.is_us_state("Tokyo")


def test_a_weak_name_header_needs_personal_names():
    from scanner.detectors.plan import _personal_name

    contacts = ["Maria Anders", "Ana Trujillo", "Thomas Hardy", "Hanna Moos", "Taro Yamada", "山田 太郎", "上杉辰男"]
    ships = ["Vins et alcools Chevalier", "Richter Supermarkt", "Hanari Carnes", "Toms Spezialitäten", "すみれ保育園"]
    assert all(_personal_name(v) for v in contacts)
    assert not any(_personal_name(v) for v in ships)


@pytest.mark.parametrize("text", ["DocFirst DocSecond", "First Last", "Test User", "テスト 太郎", "○○ ○○", "xxxx",
                                  "＊＊＊", "氏名", "Sample Name", "記入例"])
def test_placeholder_names(text):
    assert N.is_placeholder_name(text)


@pytest.mark.parametrize("text", ["山田 太郎", "John Smith", "Tess Tester-Jones", "Doc Holliday", "Nancy Davolio"])
def test_real_names_are_no_placeholders(text):
    assert not N.is_placeholder_name(text)


@pytest.mark.parametrize("text", ["44 Street Address", "Address Line 1", "住所", "東京都○○区○○町1-2-3", "test"])
def test_placeholder_addresses(text):
    assert N.is_placeholder_address(text)


@pytest.mark.parametrize("text", ["東京都小金井市本町3-12-5", "507 - 20th Ave. E. Apt. 2A Seattle WA", "Testaccio 12"])
def test_real_addresses_are_no_placeholders(text):
    assert not N.is_placeholder_address(text)


@pytest.mark.parametrize("value", ["小金井市", "本町", "3-12-5", "３丁目１２番５号", "コーポ山田101", "12 High St",
                                   dt.datetime(2003, 12, 5)])
def test_address_parts(value):
    assert V.looks_like_address_part(value)


@pytest.mark.parametrize("value", ["090-1234-5678", "184-0004", "a@b.jp", "男", "2016-04-01", "", "0x" + "AB" * 40])
def test_not_address_parts(value):
    assert not V.looks_like_address_part(value)


def test_latin_address_parts():
    assert V.looks_like_latin_street("6649 N Blue Gum St") and V.looks_like_latin_street("PO Box 12 Leeds")
    assert not V.looks_like_latin_street("New Orleans")
    assert V.looks_like_latin_place("New Orleans") and not V.looks_like_latin_place("70116")
    assert V.looks_like_zip("70116") and V.looks_like_zip("70116-1234") and V.looks_like_zip("SW1A 1AA")
    assert V.looks_like_zip(7011)  # a New Jersey ZIP that lost its 0 in a number cell
    assert not V.looks_like_zip("123") and not V.looks_like_zip("Leeds")


@pytest.mark.parametrize("text,code,rest", [
    ("〒184-0004 東京都小金井市本町3-12-5", "184-0004", "東京都小金井市本町3-12-5"),
    ("〒1840004東京都小金井市", "184-0004", "東京都小金井市"),
    ("１８４－０００４　東京都小金井市", "184-0004", "東京都小金井市"),
    ("東京都小金井市本町3-12-5", "", "東京都小金井市本町3-12-5"),
    ("3-12-5 コーポ", "", "3-12-5 コーポ"),
    ("184-0004", "", "184-0004"),
])
def test_leading_postcode(text, code, rest):
    assert V.split_leading_postcode(text) == (code, rest)


def test_plausible_addresses():
    assert V.plausible_address("東京都小金井市本町3-12-5") and V.plausible_address("12 High St Leeds")
    assert not V.plausible_address("0x151C2F00020000000D000E0014002100FFFFFFFF4269746D617020496D616765")
    assert not V.plausible_address("a@b.jp") and not V.plausible_address("12345") and not V.plausible_address("x")
