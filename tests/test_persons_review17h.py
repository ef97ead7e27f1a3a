"""review17h (keying 19): what an office types after the room, for one person, read as such.

* A postal code (184-0004) or a local phone number (1234-5678) typed after the room and a space, at the end of the
  address without 〒 or TEL: its last digits were read as the room (`コーポ山田101 184-0004` was room 4), so the copy
  with it and the copy without it were two persons.
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


@pytest.mark.parametrize(("building", "path"), [
    ("コーポ山田101 184-0004", "101"),
    ("コーポ山田 101 184-0004", "101"),
    ("コーポ山田101号室 184-0004", "101"),
    ("コーポ山田101\u3000１８４－０００４", "101"),
    ("コーポ山田101 184‐0004", "101"),
    ("山田荘201 184-0004", "201"),
    ("コーポ山田101 1234-5678", "101"),
    ("サンハイツ21 305 184-0004", "305\x1f21"),
    ("メゾン1998 201 184-0004", "201\x1f1998"),
    ("コーポ山田B1-101 184-0004", "101\x1fB1"),
    ("コーポ山田 B棟101 184-0004", "101\x1fB"),
])
def test_a_postal_code_or_local_phone_after_the_room_is_no_room(building, path):
    assert _path(building) == path


@pytest.mark.parametrize(("a", "b", "persons"), [
    ("コーポ山田101 184-0004", "コーポ山田101号室", 1),
    ("サンハイツ21 305 184-0004", "サンハイツ21 305号室", 1),
    ("コーポ山田101 184-0004", "コーポ山田102 184-0004", 2),  # another room, one postal code: two persons
    ("コーポ山田101 1234-5678", "コーポ山田102 1234-5678", 2),
])
def test_copies_with_and_without_a_trailing_postal_code(a, b, persons):
    assert _persons([a, b]) == persons


# * A letter typed after the room (101A, 101-A, 101 B) was dropped: 101A and 101B (two rooms) were one person. It
#   tells the room apart like a letter before it (A101 = A棟101): never the basement (B101's other reading)
@pytest.mark.parametrize(("a", "b", "persons"), [
    ("コーポ山田101A", "コーポ山田101B", 2),
    ("コーポ山田101-A", "コーポ山田101-B", 2),
    ("コーポ山田 101 A", "コーポ山田 101 B", 2),
    ("コーポ山田101A", "コーポ山田101-A", 1),
    ("コーポ山田101A", "コーポ山田101号室", 1),  # a copy naming no letter joins the only room 101, as with wings
    ("コーポ山田101A", "コーポ山田 A101", 1),
    ("コーポ山田101B", "コーポ山田 地下101", 2),  # a letter after the room is no basement
    ("コーポ山田101B", "コーポ山田 B棟101", 1),
    ("コーポ山田101Ａ号室", "コーポ山田101A", 1),
])
def test_a_letter_after_the_room(a, b, persons):
    assert _persons([a, b]) == persons


@pytest.mark.parametrize(("building", "path"), [
    ("コーポ山田101A", "101\x1fA"),
    ("コーポ山田101-b", "101\x1fB"),
    ("サンハイツ21 305A", "305\x1fA\x1f21"),
    ("コーポ山田 3F", "3F"),  # a floor alone: its own stage since persons18, never wing F
    ("コーポ山田101 TEL", "101"),
    ("コーポ山田101 Tポイントカード 1234567", "101"),  # a note's label is no letter after the room
])
def test_room_letter_paths(building, path):
    assert _path(building) == path
