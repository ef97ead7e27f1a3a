"""review15a (Session 15): persons15's room readings tried with building parts it did not tune to.

* A katakana label before a long number starts a remark (`カード 12345`), but a building whose name ends with such a
  word (`パークポイント10203号室`, `シーポイント 10203`) lost its room: namesakes in rooms 10203 and 10204 were one person
  (an under-count). A label is a word of its own: never glued to a katakana name before it, never a number typed as a
  room (号室). The labels are data (signatures/room_notes.toml), not code.
* `メゾン2001。` (a full stop or comma typed after the glued number) lost its link: the same person as `メゾン2001`
  counted twice beside `メゾン2001 305号室`.

Names are Faker ja_JP (a fixed seed, test_persons_persons15); every case is counted as the scan counts it.
"""

from __future__ import annotations

import pytest
from persons_data import key_and_room as record_key_and_room
from test_persons_persons15 import BASE, NAME, _persons

from scanner import rules
from scanner.persons.normalise import normalise_address


@pytest.mark.parametrize(("building", "path"), [
    ("パークポイント10203号室", "10203"),  # a building named ...ポイント: its room typed as a room
    ("シーポイント 10203", "10203"),
    ("グランコード 12345", "12345"),
    # the labels still start a remark, alone or two together, after kanji or Latin
    ("コーポ山田101 ポイントカード 12345", "101"),
    ("コーポ山田101 メンバーズカード No.12345", "101"),
    ("コーポ山田101 会員カード12345", "101"),
    ("コーポ山田101 Tポイントカード 1234567", "101"),
    ("コーポ山田101 カード 12345", "101"),
])
def test_a_label_is_a_word_of_its_own(building, path):
    assert record_key_and_room(NAME, f"{BASE} {building}")[1] == path


@pytest.mark.parametrize(("buildings", "persons"), [
    (["パークポイント10203号室", "パークポイント10204号室"], 2),  # two rooms: never one person
    (["シーポイント 10203", "シーポイント 10204"], 2),
    (["コーポ山田101 ポイントカード 12345", "コーポ山田101号室"], 1),
])
def test_namesakes_of_a_building_named_with_a_label_word(buildings, persons):
    assert _persons(buildings) == persons


def test_the_labels_are_data():
    words = rules.load("room_notes")["labels"]["words"]
    assert {"カード", "ポイント", "クーポン"} <= set(words)
    assert all(isinstance(w, str) and w for w in words)
    assert {"部屋", "ルーム", "Room"} <= set(rules.load("room_notes")["room_words"]["words"])


@pytest.mark.parametrize("glued", ["メゾン2001。", "メゾン2001、", "メゾン2001 。", "メゾン2001．"])
def test_punctuation_after_a_glued_number_keeps_its_link(glued):
    assert _persons([glued, "メゾン2001 305号室"]) == 1
    assert _persons([glued, "メゾン2001 305号室", "メゾン2001 306号室"]) == 3  # still never a guess


# 浜松市's 2024-01-01 ward reorganisation (persons15 read 浜北区 -> 浜名区 only): 中区, 東区, 西区 and 南区 became 中央区,
# 北区 was split (三方原地区 to 中央区, the rest to 浜名区): a list of 2023 and one of 2024 name one person two ways
@pytest.mark.parametrize(("old", "new"), [
    ("静岡県浜松市中区元城町103-2", "静岡県浜松市中央区元城町103-2"),
    ("浜松市東区天王町1-2", "静岡県浜松市中央区天王町1-2"),
    ("静岡県浜松市西区舞阪町舞阪1-2", "静岡県浜松市中央区舞阪町舞阪1-2"),
    ("静岡県浜松市南区高塚町1-2", "静岡県浜松市中央区高塚町1-2"),
    ("静岡県浜松市北区三方原町1-2", "静岡県浜松市中央区三方原町1-2"),  # 三方原地区: 中央区
    ("静岡県浜松市北区細江町気賀1-2", "静岡県浜松市浜名区細江町気賀1-2"),  # the rest of 北区: 浜名区
])
def test_hamamatsu_wards_of_2023_are_todays(old, new):
    assert normalise_address(old) == normalise_address(new)


@pytest.mark.parametrize(("typed", "not_as"), [
    ("新潟県新潟市北区木崎1-2", "静岡県浜松市中央区木崎1-2"),  # another city's 北区 is itself
    ("京都府京都市北区紫野1-2", "静岡県浜松市中央区紫野1-2"),
])
def test_another_citys_ward_is_never_hamamatsus(typed, not_as):
    assert normalise_address(typed) != normalise_address(not_as)


@pytest.mark.parametrize("typed", ["コーポ山田 部屋2001", "コーポ山田 ルーム2001", "コーポ山田 Room2001", "コーポ山田 ROOM 2001"])
def test_a_number_typed_after_a_word_for_room_is_a_room(typed):
    """部屋2001, ルーム2001, Room 2001 say the number is a room: never the building 2001 another record names (a glued
    number's link is for a number that may be the building's own: メゾン2001)."""
    assert _persons([typed, "メゾン2001 305号室"]) == 2
    assert _persons(["メゾン2001", "メゾン2001 305号室"]) == 1  # unchanged
