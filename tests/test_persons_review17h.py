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
