"""persons19 (keying 21): short units after a building told apart, codes in brackets no rooms, and links built cheaply.

* A number of one or two digits ending the address after the building's name and a space (`コーポ山田 2`) is the unit,
  as `コーポ山田-2` and `コーポ山田 2号室` are; a letter and one or two digits (`A1`, `B2`, `A-1`) the unit and its wing
  (a glued `B1`, like `B101`, is wing B's or the basement's); a letter after a floor (`3F-A`) a unit on that floor.
  Namesakes in `1` and `2`, `A1` and `A2`, `B1` and `B2`, `A-1` and `B-1`, `3F-A` and `3F-B` were one person.
* A letter glued to the digits in brackets other than the basement's B (`(T1234)` a telephone, `(x1234)` an extension,
  `(P101)` a parking space) is a remark again: persons18 read a room there and split a person from her own room.
* link_keys reads each room reading once and gives each link as one string (the name and address key joined by \\x1f
  as the keyed fingerprint joins them): the same fingerprints, ~9x less work on 10^6 rows (bench/bench_resolve.py).

Names and buildings from Faker ja_JP (seed 19); each case holds for every generated name and building.
"""

from __future__ import annotations

import random

import pytest
from faker import Faker

from scanner.evidence import resolve_persons
from scanner.models import PersonRecord
from scanner.persons.count import count, make_rows
from scanner.persons.normalise import link_keys, normalise_address, record_key_and_reading
from scanner.persons.prints import Keyed, PrintBuilder

BASE = "東京都小金井市本町3-12-5"
_FAKE = Faker("ja_JP")
_FAKE.seed_instance(19)
NAMES = [_FAKE.name() for _ in range(3)]
BUILDINGS = ["コーポ山田", "山田ビル", *(_FAKE.building_name() for _ in range(2))]


def _persons(buildings: list[str], name: str = NAMES[0]) -> int:
    """Counted as the scan counts them (make_rows, count: keys, room paths, links, resolve_persons)."""
    records = [PersonRecord("s", i, {"name": name, "address": f"{BASE} {b}"}) for i, b in enumerate(buildings)]
    return count(make_rows(0, records)[0]).unique


def _path(building: str) -> str:
    return record_key_and_reading(NAMES[0], f"{BASE} {building}")[1].partition("\x1e")[0]


# {b}: the building's name
@pytest.mark.parametrize(("typed", "persons"), [
    (["{b} 1", "{b} 2"], 2),  # the review's pairs: two units, two namesakes
    (["{b} A1", "{b} A2"], 2),
    (["{b} B1", "{b} B2"], 2),
    (["{b}A-1", "{b}B-1"], 2),  # wing A's unit 1 and wing B's
    (["{b} 3F-A", "{b} 3F-B"], 2),
    (["{b} 3F-A", "{b} 4F-A"], 2),
    (["{b} 2", "{b} 2号室", "{b}-2", "{b}#2", "{b} 2号", "{b}\u3000２"], 1),  # one unit written six ways
    (["{b} A1", "{b} A-1", "{b} A棟1号室", "{b} Ａ１"], 1),
    (["{b} 3F-A", "{b} 3階A", "{b}3FA号室", "{b} 3F A"], 1),
    (["{b}B1", "{b} B-1"], 1),  # the only wing-B reading of unit 1 (as B101 beside B-101)
    (["{b}B1", "{b} B-1", "{b} 地下1"], 1),  # 地下1 names no unit (a floor B1 would need 階)
    (["{b} 2", "{b}"], 1),  # a copy naming no unit joins the only one
    (["{b} 3F-A", "{b} 3F"], 1),  # a floor-only copy joins the only unit on that floor
    (["{b} 3F-A", "{b} 3F-B", "{b} 3F"], 3),  # two there: it joins neither
    (["{b} 2", "{b} 3", "{b}"], 3),
    (["{b} A1", "{b} 1"], 1),  # unit 1 typed without its wing joins the only wing holding it
    (["{b} A1", "{b} B-1", "{b} 1"], 3),
])
def test_short_units_after_the_building_are_told_apart(typed, persons):
    for name in NAMES:
        for b in BUILDINGS:
            assert _persons([t.format(b=b) for t in typed], name) == persons, (typed, b)


@pytest.mark.parametrize(("building", "path"), [
    (" 2", "2"),
    (" 12", "12"),
    (" A1", "1\x1fA"),
    ("B1", "1\x1fB?"),
    ("B-1", "1\x1fB"),
    (" B1-2", "2\x1fB1"),  # a basement floor before a short room, as before
    (" 3F-A", "A\x1f3F"),
    (" 3F-2", "2\x1f3F"),  # review18f's
    (" 3F", "3F"),
    (" 101", "101"),
    ("21", ""),  # glued: the building's own number (ハイツ21), no unit
    (" 2F", "2F"),  # a floor, no unit
    (" 第2", ""),  # the building's own number
])
def test_short_unit_paths(building, path):
    for b in BUILDINGS:
        assert _path(f"{b}{building}") == path, b


@pytest.mark.parametrize(("typed", "same_as"), [
    ("東京都小金井市本町3丁目 12", "東京都小金井市本町3-12"),  # a block word before the space: the block goes on
    ("東京都小金井市本町3丁目12番 5", "東京都小金井市本町3-12-5"),
    ("東京都小金井市本町 3", "東京都小金井市本町3"),  # no block before: the number is the block
    ("北海道札幌市中央区北1条 西2丁目", "北海道札幌市中央区北1条西2丁目"),
])
def test_a_spaced_number_after_a_block_word_stays_in_the_block(typed, same_as):
    assert normalise_address(typed) == normalise_address(same_as)


@pytest.mark.parametrize(("building", "path"), [
    ("(T1234)", ""),  # a telephone
    ("(x1234)", ""),  # an extension (x is no Roman ten here)
    ("(P101)", ""),  # a parking space
    ("（Ｔ１２３４）", ""),
    ("101 (T1234)", "101"),
    ("(B101)", "101\x1fB?"),  # persons18's: the basement's B still reads
    ("(B-101)", "101\x1fB"),
    ("(A-101)", "101\x1fA"),
    ("(B1 101)", "101\x1fB1"),
    ("(101A)", "101\x1fA"),
])
def test_codes_in_brackets_are_no_rooms(building, path):
    for b in BUILDINGS:
        assert _path(f"{b} {building}") == path, b


@pytest.mark.parametrize(("typed", "persons"), [
    (["{b} (T1234)", "{b} 101号室"], 1),  # her telephone does not split her from her room
    (["{b} (x1234)", "{b} 205号室"], 1),
    (["{b} (P101)", "{b} 102号室"], 1),  # nor a parking space
    (["{b} (T1234)", "{b} 101号室", "{b} 102号室"], 3),  # two rooms: the copy joins neither
    (["{b}101 (T1234)", "{b}101 (T5678)"], 1),
])
def test_codes_in_brackets_neither_split_nor_join(typed, persons):
    for name in NAMES:
        for b in BUILDINGS:
            assert _persons([t.format(b=b) for t in typed], name) == persons, (typed, b)


def test_links_are_joined_to_each_rows_own_key():
    """link_keys reads a room reading once for all rows (a cache): the tags are still each row's own."""
    room = record_key_and_reading(NAMES[0], f"{BASE} コーポ山田 3F")[1]
    assert room
    seen = set()
    for name in NAMES:
        for address in (BASE, "東京都小金井市本町1-2-3"):
            key = record_key_and_reading(name, address)[0]
            links = link_keys(key, room)
            alias = links[2]
            assert alias is not None and alias.startswith(f"{key[0]}\x1f{key[1]}\x1e"), links
            seen.add(alias)
    assert len(seen) == len(NAMES) * 2
    assert link_keys(("n", "a"), "") == (None, None, None)


@pytest.mark.parametrize("building", ["コーポ山田 3F", "コーポ山田 301号室", "メゾン2001", "メゾン2000 305号室",
                                      "メゾン2000 A棟305", "コーポ山田B101", "コーポ山田 B棟101"])
def test_keyed_links_are_the_fingerprints_of_keying_20(building):
    """A link as one string is fingerprinted as keying 20 fingerprinted (name, address key + tail): the record chains
    a scan writes are unchanged by how link_keys builds them (no chain format change)."""
    key, room = record_key_and_reading(NAMES[0], f"{BASE} {building}")
    case_key = bytes(range(32))
    build = PrintBuilder(case_key, rows=True)
    build(PersonRecord("s", 0, {"name": NAMES[0], "address": f"{BASE} {building}"}))
    row = build.result().rows[0]
    keyed = Keyed(case_key)
    expected = tuple(keyed(*link.split("\x1f", 1)) if link else b"" for link in link_keys(key, room))
    assert row.links == expected
    assert any(row.links), building  # every building here names a link


def test_resolving_reads_links_given_once_as_an_iterator():
    """resolve_persons walks the links twice (aliases asked, then the tags asked for): a generator gives what a list
    gives."""
    rnd = random.Random(19)
    tails = [" 3F", " 301号室", " 302号室", "B101", " B棟101", " 地下101", "2001", "2001 305号室", "2000 305号室",
             "2000 A棟305", " 4F", " 12F", " 1201号室", " 3F-A", " 2"]
    rooms = {t: record_key_and_reading(NAMES[0], f"{BASE} コーポ山田{t}")[1] for t in tails}
    for _ in range(20):
        rows = [((f"n{k}", f"a{k}"), rooms[rnd.choice(tails)]) for k in (rnd.randrange(8) for _ in range(30))]
        paths = []
        for key, room in rows:
            parts = [p for p in room.partition("\x1e")[0].split("\x1f") if p]
            base = key[0] + key[1]
            paths.append((base, *(base + "\x1f" + "\x1f".join(parts[:i + 1]) for i in range(len(parts)))))
        links = [(p, link_keys(k, r)) for p, (k, r) in zip(paths, rows, strict=True)]
        assert resolve_persons(paths, iter(links)) == resolve_persons(paths, links)
