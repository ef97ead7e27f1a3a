"""review14b: persons14's rules tried with spellings its author did not tune to.

* `_is_note` read a five-digit number typed after another number with a word between as a note (`内線 12345`), and so
  also a spaced five-digit room after a building name holding a number and a word (`パークシティ1番街 10203`,
  `ハイツ21 南 10203`, `センチュリー21 タワー 10203`): the room was lost, and namesakes in rooms 10203 and 10204 of one
  building became one person (Session 13 read them as two);
  `メゾン2000 タワー 10203` and `メゾン2000 南 10203` too (the number before reads as a room there: a katakana word or a
  lone 東西南北 between is part of the building's name, never a note's label);
* a basement floor written with a kanji numeral (`地下一階`, `地下二階`), as often as `地下1階`, gave no floor: namesakes on
  B1 and B2 were one person, while `地下1階`/`地下2階` told them apart.

Counted as the scanner counts them (test_persons_rooms12._persons: keys, room paths, resolve_persons).
"""

from __future__ import annotations

import pytest
from test_persons_rooms11 import BASE
from test_persons_rooms12 import _persons

from scanner.persons.normalise import room_path

PAIRS = [
    # a spaced five-digit room after a name holding a number and a word is the room
    ("パークシティ1番街 10203", "パークシティ1番街 10204", 2),
    ("ハイツ21 南 10203", "ハイツ21 南 10204", 2),
    ("センチュリー21 タワー 10203", "センチュリー21 タワー 10204", 2),
    ("パークシティ1番街 10203", "パークシティ1番街 10203号室", 1),
    # a building's own three- or four-digit number, then a word of its name, then the room (review14b, second fix)
    ("メゾン2000 南 10203", "メゾン2000 南 10204", 2),
    ("メゾン2000 タワー 10203", "メゾン2000 タワー 10204", 2),
    # the notes persons14 read stay notes
    ("コーポ山田101号 会員番号 123456", "コーポ山田101", 1),
    ("コーポ山田101 ext 12345", "コーポ山田101", 1),
    ("コーポ山田101 様方 12345", "コーポ山田101号室", 1),
    # a basement floor in kanji numerals is the floor its digits name
    ("コーポ山田 地下一階 101", "コーポ山田 地下二階 101", 2),
    ("コーポ山田 地下一階 101号室", "コーポ山田 B1 101", 1),
    ("コーポ山田 地下一階 101号室", "コーポ山田 B2 101", 2),
]


@pytest.mark.parametrize(("a", "b", "persons"), PAIRS)
def test_five_digit_rooms_notes_and_kanji_basements(a, b, persons):
    assert _persons([f"{BASE} {a}", f"{BASE} {b}"]) == persons


@pytest.mark.parametrize(("building", "path"), [
    ("パークシティ1番街 10203", "10203"), ("ハイツ21 南 10203", "10203"),
    ("コーポ山田 地下一階 101", "101\x1fB1"), ("コーポ山田 地下二階101号室", "101\x1fB2"),
    ("コーポ山田101 会員番号 123456", "101"),
])
def test_room_paths(building, path):
    assert room_path(building) == path
