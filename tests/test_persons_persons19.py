"""persons19: links built cheaply (and, keying 21, short units after a building told apart, codes in brackets no rooms).

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
from scanner.persons.normalise import link_keys, record_key_and_reading
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
