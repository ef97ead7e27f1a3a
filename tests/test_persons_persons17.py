"""persons17 (keying 18): two readings of one room kept apart where they disagree.

* `地下101` (a basement room) and `B棟101` (room 101 of wing B) were one person: both read wing B. A bare `B101` has two
  readings (the basement's room, or wing B's room 101): it is its own wing now, joined to neither, since only one of
  its readings would agree with either.
* `コーポ山田101 12345` (a room glued to a kanji building name, then a long number) read as building 101's room 12345,
  as `ハイツ101 10203` does; after a kanji name three glued digits are the room (コーポ山田205, 山田荘201), the long
  number a note, as spaced (`コーポ山田 101 12345`).
"""

from __future__ import annotations

import pytest

from scanner.models import PersonRecord
from scanner.persons.count import count, make_rows
from scanner.persons.normalise import record_key_and_reading

BASE = "東京都小金井市本町3-12-5"
NAME = "山田 花子"


def _persons(buildings: list[str]) -> int:
    """Counted as the scan counts them (make_rows, count: keys, room paths, links, resolve_persons)."""
    records = [PersonRecord("s", i, {"name": NAME, "address": f"{BASE} {b}"}) for i, b in enumerate(buildings)]
    return count(make_rows(0, records)[0]).unique


def _path(building: str) -> str:
    return record_key_and_reading(NAME, f"{BASE} {building}")[1].partition("\x1e")[0]


@pytest.mark.parametrize(("a", "b", "persons"), [
    ("コーポ山田 地下101", "コーポ山田 B棟101", 2),  # a basement room is no room of wing B
    ("コーポ山田地下101号室", "コーポ山田B棟101号室", 2),
    ("コーポ山田 地下101", "コーポ山田 B-101", 2),  # B-101: wing B, as A-101 is wing A
    ("コーポ山田B101", "コーポ山田 B棟101", 1),  # B101: basement or wing B; the only B-reading there (persons18)
    ("コーポ山田B101", "コーポ山田 地下101", 1),
    ("コーポ山田B101", "コーポ山田Ｂ１０１", 1),  # both readings agree
    ("コーポ山田B101", "コーポ山田 101号室", 1),  # a copy naming no wing joins the only 101, as before
    ("コーポ山田 地下101", "コーポ山田 地下101号室", 1),
    ("コーポ山田 B棟101", "コーポ山田 B棟101号室", 1),
    ("コーポ山田 A101", "コーポ山田 A棟101", 1),  # other letters: a wing, unchanged
    ("コーポ山田 B1 101", "コーポ山田 地下1階101号室", 1),  # a named basement floor, unchanged
    ("コーポ山田地階101", "コーポ山田 地下101", 1),  # 地階: the basement
    ("コーポ山田地階101", "コーポ山田 B棟101", 2),
])
def test_basement_and_wing_b(a, b, persons):
    assert _persons([a, b]) == persons


def test_the_three_readings_of_b():
    assert len({_path("コーポ山田 地下101"), _path("コーポ山田 B棟101"), _path("コーポ山田B101")}) == 3
    assert _path("コーポ山田 B棟101") == _path("コーポ山田 B-101") == "101\x1fB"


@pytest.mark.parametrize(("a", "b", "persons"), [
    ("コーポ山田101 12345", "コーポ山田101号室", 1),
    ("コーポ山田101 12345", "コーポ山田 101 12345", 1),
    ("コーポ山田101 12345", "コーポ山田102 12345", 2),
    ("山田荘201 54321", "山田荘201号室", 1),
    ("ハイツ101 10203", "ハイツ101 10204", 2),  # a katakana name: building 101, rooms 10203 and 10204 (persons16)
    ("ハイツ101 10203", "ハイツ 101号室", 2),
])
def test_a_room_glued_to_a_kanji_name_then_a_long_number(a, b, persons):
    assert _persons([a, b]) == persons


@pytest.mark.parametrize(("building", "path"), [
    ("コーポ山田101 12345", "101"),
    ("コーポ山田101　12345", "101"),
    ("ハイツ101 10203", "10203\x1f101"),
])
def test_room_paths(building, path):
    assert _path(building) == path


def test_one_name_at_one_address_and_room_is_one_person():
    """Decided (persons17): a parent and a child of one full name at one address are not told apart (a family register
    does not take a child named as a parent in it; no date of birth is compared); another room is another person."""
    assert _persons(["コーポ山田101号室", "コーポ山田 101"]) == 1
    assert _persons(["コーポ山田101号室", "コーポ山田102号室"]) == 2
