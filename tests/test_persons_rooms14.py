"""Room numbers misread in Session 13's leftovers (Session 14, persons14).

* a basement floor (`B1 101`, `B2-101`, `B1F 101`) was read as building number 1: a namesake in the basement and one in
  building 1 of the same address were one person; the basement now tells the room apart like a wing (`101|B1`), and
  `地下1階101号室` is the same floor (it was no wing at all);
* a number of five digits or more typed after the room as a note (`内線 12345`, `会員番号 12345`, `ext 12345`) became the
  room: the same person typed with and without the note were two people;
* a building's number in kanji numerals glued to its kana name (`メゾン二〇〇〇 A棟305`) was not read, so namesakes in
  `メゾン二〇〇〇` and `メゾン二〇〇一` with the same wing and room were one person.

Rooms count as the scanner counts them (test_persons_rooms12._persons: keys, room paths, resolve_persons); names
and the other rows of the CLI test are Faker ja_JP (fixed seed).
"""

from __future__ import annotations

import pytest
from test_persons_rooms11 import BASE
from test_persons_rooms12 import _persons

from scanner.persons.normalise import room_path

PAIRS = [
    # a basement floor is a floor, never a building's number
    ("コーポ山田 B1 101", "コーポ山田 101号室", 1),
    ("コーポ山田 B1 101", "コーポ山田 地下1階 101号室", 1),
    ("コーポ山田 B1-101", "コーポ山田 101", 1),
    ("コーポ山田 B1 101", "コーポ山田 B1 102", 2),
    ("コーポ山田 B1 101", "コーポ山田 B2 101", 2),
    ("コーポ山田 B1 101", "コーポ山田1-101", 2),  # building 1 of a numbered pair is not the basement
    # a long number typed after the room as a note is no room
    ("コーポ山田101 内線 12345", "コーポ山田101号室", 1),
    ("コーポ山田101 内線12345", "コーポ山田101", 1),
    ("コーポ山田101号 会員番号 123456", "コーポ山田101", 1),
    ("コーポ山田101 ext 12345", "コーポ山田101", 1),
    ("コーポ山田101 内線 12345", "コーポ山田102 内線 12345", 2),
    ("コーポ山田 10203", "コーポ山田 10204", 2),  # a spaced 5-digit room (Session 13) stays a room
    # a building's number in kanji numerals glued to its kana name, with a wing
    ("メゾン二〇〇〇 A棟305", "メゾン二〇〇一 A棟305", 2),
    ("メゾン二〇〇〇 A棟305", "メゾン2000 A-305", 1),
    ("メゾン二〇〇〇 A棟305", "A棟305号室", 1),
    ("第三コーポ A棟101", "第3コーポA-101", 1),
    ("第三コーポ A棟101", "第二コーポ A棟101", 2),
]


@pytest.mark.parametrize(("a", "b", "persons"), PAIRS)
def test_basements_notes_and_kanji_building_numbers(a, b, persons):
    assert _persons([f"{BASE} {a}", f"{BASE} {b}"]) == persons


def test_a_basement_room_is_not_building_1_of_a_numbered_pair():
    """B1 101 beside buildings 1 and 2 that both hold a 101: three people (read as building 1, the basement row was
    joined to the namesake there)."""
    assert _persons([f"{BASE} コーポ山田 B1 101", f"{BASE} コーポ山田1-101", f"{BASE} コーポ山田2-101"]) == 3


@pytest.mark.parametrize(("building", "path"), [
    ("コーポ山田 B1 101", "101\x1fB1"), ("コーポ山田 B2F 201", "201\x1fB2"), ("コーポ山田 b1-101", "101\x1fB1"),
    ("コーポ山田 地下1階101号室", "101\x1fB1"), ("メゾン2000 B1 101", "101\x1fB1\x1f2000"),
    ("コーポ山田101 内線 12345", "101"), ("コーポ山田101（内線12345）", "101"),
    ("メゾン二〇〇〇 A棟305", "305\x1fA\x1f2000"), ("ハイツ三 101", "101\x1f3"),
    # unchanged: a wing letter B before the room, a Latin name's number, a spaced 5-digit room
    ("B-101", "101\x1fB"), ("Maison2000 305", "305\x1f2000"), ("コーポ山田 10203", "10203"),
])
def test_room_paths(building, path):
    assert room_path(building) == path
