"""persons18 (keying 20): readings of a basement, a wing B and a floor, each joined only where one person agrees.

* A bare `B101` (the basement's room 101, or wing B's) joins the only person at that address in a basement room or in
  wing B's room of that number (`B-101`, `B棟101`, `地下101`): it had been its own person beside each (110 split in
  bench_namesakes). Where both are there it joins neither (listed probable), as before.
* The basement typed other ways: `地下階101` = `地下101`; `B-1-101` = `B01-101` = `B1-101` (floor B1); `BF101` (a basement
  floor, not named) = `地下101`; `B.101` = `B-101` (a dot as a dash; `A.101` = `A-101`); `(B101)`/`（Ｂ－１０１）` keep
  their room (a bracket holding a letter and a room was taken as a remark).
* A floor with no room (`ビル3F`, `3階`, `地下1階`) is its own room stage: `3F` and `4F` are two persons (they were one);
  a floor-only copy joins the only person on that floor (`3F` beside `301号室`: a room's first digits are its floor).

Names and buildings from Faker ja_JP (seed 18); each case holds for every generated name and building.
"""

from __future__ import annotations

import pytest
from faker import Faker

from scanner.models import PersonRecord
from scanner.persons.count import count, make_rows
from scanner.persons.normalise import record_key_and_reading

BASE = "東京都小金井市本町3-12-5"
_FAKE = Faker("ja_JP")
_FAKE.seed_instance(18)
NAMES = [_FAKE.name() for _ in range(3)]
BUILDINGS = ["コーポ山田", "山田ビル", *(_FAKE.building_name() for _ in range(2))]  # コーポ, ハイツ, パレス …


def _persons(buildings: list[str], name: str = NAMES[0]) -> int:
    """Counted as the scan counts them (make_rows, count: keys, room paths, links, resolve_persons)."""
    records = [PersonRecord("s", i, {"name": name, "address": f"{BASE} {b}"}) for i, b in enumerate(buildings)]
    return count(make_rows(0, records)[0]).unique


def _path(building: str) -> str:
    return record_key_and_reading(NAMES[0], f"{BASE} {building}")[1].partition("\x1e")[0]


# {b}: the building's name
@pytest.mark.parametrize(("typed", "persons"), [
    (["{b}B101", "{b} B-101"], 1),  # the brief's pair: wing B is the only B-reading there
    (["{b}B101", "{b} B棟101号室"], 1),
    (["{b}Ｂ１０１", "{b} 地下101"], 1),  # the basement is the only one
    (["{b} 101号室", "{b}B101", "{b} B-101"], 1),  # a copy naming nothing joins them
    (["{b}B101", "{b} B棟101", "{b} 地下101"], 3),  # both there: B101 joins neither
    (["{b}B101", "{b} A棟101"], 2),  # wing A is no reading of B101
    (["{b}B101", "{b} B棟102"], 2),  # another room
    (["{b}B101", "{b} B1 101"], 2),  # a named basement floor is another reading
    (["{b}B101", "{b} B2-101"], 2),
    (["{b} B-101", "{b} 地下101"], 2),  # unchanged: wing B and the basement are two rooms
])
def test_a_bare_b_room_joins_the_only_basement_or_wing_b_person(typed, persons):
    for name in NAMES:
        for b in BUILDINGS:
            assert _persons([t.format(b=b) for t in typed], name) == persons, (typed, b)


@pytest.mark.parametrize(("building", "path"), [
    ("地下階101", "101\x1f地下"),
    ("地下階101号室", "101\x1f地下"),
    ("B-1-101", "101\x1fB1"),
    ("B01-101", "101\x1fB1"),
    ("Ｂ－１－１０１", "101\x1fB1"),
    ("B-1 101", "101\x1fB1"),
    ("BF101", "101\x1f地下"),
    ("BF-101", "101\x1f地下"),
    ("B.101", "101\x1fB"),
    ("A.101", "101\x1fA"),
    ("(B101)", "101\x1fB?"),
    ("（Ｂ－１０１）", "101\x1fB"),
    ("(101A)", "101\x1fA"),
    ("(101)", "101"),
    ("(B1 101)", "101\x1fB1"),
    ("101 (T1234)", "101"),  # a bracket after the room is a remark, as before
    ("101 (S50)", "101"),
])
def test_basement_spellings(building, path):
    for b in BUILDINGS:
        assert _path(f"{b} {building}") == path, b
        assert _path(f"{b}{building}") == path, b


@pytest.mark.parametrize(("a", "b", "persons"), [
    ("{b} 地下階101", "{b} 地下101号室", 1),
    ("{b} B-1-101", "{b} B1F-101", 1),
    ("{b} B01-101", "{b} 地下1階101号室", 1),
    ("{b} B-1-101", "{b} B-2-101", 2),
    ("{b} B.101", "{b} B棟101", 1),
    ("{b} BF101", "{b} B棟101", 2),
    ("{b} (B101)", "{b} B-101", 1),
    ("{b} (B101)", "{b} (B102)", 2),
])
def test_basement_spellings_counted(a, b, persons):
    for name in NAMES:
        for bld in BUILDINGS:
            assert _persons([a.format(b=bld), b.format(b=bld)], name) == persons, (a, b, bld)


@pytest.mark.parametrize(("building", "path"), [
    ("3F", "3F"),
    ("3階", "3F"),
    ("三階", "3F"),
    ("３Ｆ", "3F"),
    ("12F", "12F"),
    ("地下1階", "B1F"),
    ("B1F", "B1F"),
    ("3F 301", "301"),  # a room: the floor is no stage of its own
])
def test_floor_only_paths(building, path):
    assert _path(f"山田ビル{building}") == path
    assert _path(f"山田ビル {building}") == path


@pytest.mark.parametrize(("typed", "persons"), [
    (["{b}3F", "{b}4F"], 2),  # namesakes on two floors
    (["{b} 3階", "{b} 4階"], 2),
    (["{b} 地下1階", "{b} 地下2階"], 2),
    (["{b} 地下1階", "{b} 1F"], 2),
    (["{b}3F", "{b} 3階"], 1),
    (["{b}3F", "{b}"], 1),  # a copy naming no floor joins the only one
    (["{b}3F", "{b} 301号室"], 1),  # the only person on floor 3
    (["{b}3F", "{b} 3F 301"], 1),
    (["{b}3F", "{b} 301号室", "{b} 302号室"], 3),  # two rooms on floor 3: the floor-only copy joins neither
    (["{b}3F", "{b} 401号室"], 2),  # room 401 is on floor 4
    (["{b}12F", "{b} 1201号室"], 1),
    (["{b}2000 3F", "{b}2000 301号室"], 1),  # the only person on floor 3 of building 2000
    (["{b}2000 3F", "{b}2001 301号室"], 2),  # floor 3 of another building
])
def test_floors_alone(typed, persons):
    for name in NAMES:
        for b in BUILDINGS:
            assert _persons([t.format(b=b) for t in typed], name) == persons, (typed, b)


def test_sideways_reading_does_not_depend_on_the_order_of_rows():
    """resolve_persons reads a sibling's alias after the siblings it asks for, whatever order the rows come in (a scan
    of several files by any number of workers, or a merge, resolves alike)."""
    import random

    typed = [f"{BUILDINGS[0]}B101", f"{BUILDINGS[0]} B-101", f"{BUILDINGS[0]} 101号室", f"{BUILDINGS[0]}3F",
             f"{BUILDINGS[0]} 301号室", f"{BUILDINGS[0]} 3F 301", f"{BUILDINGS[0]}4F", f"{BUILDINGS[0]} 地下102",
             f"{BUILDINGS[0]}B102", f"{BUILDINGS[0]} B棟102"]
    rnd = random.Random(18)
    for _ in range(30):
        rnd.shuffle(typed)
        # B101 + B-101 + 101号室; 3F + 301号室 + 3F 301; 4F; 地下102; B102 (both readings there: its own); B棟102
        assert _persons(typed) == 6
