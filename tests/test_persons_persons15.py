"""persons15 (Session 15): the person count's leftovers of Session 14.

* A record's links (persons.keying 16, evidence.resolve_persons): `メゾン2001` alone (room 2001, or building 2001 with no
  room) joins the only person of building 2001 the case names with a room (`メゾン2001 305号室`); `メゾン2000 305号室`
  (a building's number, no wing) joins the only person in room 305 of a wing of building 2000 (`メゾン2000 A棟305`).
  Two persons found: kept apart (listed as other_room). One function for the scan, merge and verify: the chains carry
  the links, so one scan of several files (any order, any number of workers) and a merge of scans of each agree.
* `コーポ山田 101 12345` (nothing between the room and a long number), `地下101` (a basement room), `カード 12345` (a
  katakana label before a long number) are read as a person's room the way they are meant.
* 11 more old municipalities (浜北市 ... 鹿島町/小高町), each with a real town of its successor.

Names are Faker ja_JP (a fixed seed); negative cases: two different people must never become one (another room,
another building, another given name).
"""

from __future__ import annotations

import json

import pytest
from conftest import run_cli
from faker import Faker
from persons_data import key_and_room as record_key_and_room
from test_persons_rooms11 import BASE, _key, _merge, _roster, _scan

from scanner.models import PersonRecord
from scanner.persons.count import count, make_rows
from scanner.persons.normalise import KEYING, normalise_address, room_path


def _names(n: int, seed: int = 15) -> list[str]:
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    return list(dict.fromkeys(fake.name() for _ in range(n * 3)))[:n]


NAME, OTHER = _names(2)


def _persons(buildings: list[str], names: list[str] | None = None) -> int:
    """Persons among rows of one address typed with each building part (one name unless ``names``), counted as the
    scan counts them (make_rows, count: keys, room paths, links, resolve_persons)."""
    names = names or [NAME] * len(buildings)
    records = [PersonRecord("s", i, {"name": n, "address": f"{BASE} {b}"}) for i, (n, b) in
               enumerate(zip(names, buildings, strict=True))]
    return count(make_rows(0, records)[0]).unique


# ---------------------------------------------------------------- 1. links: a record read two ways
LINKED = [
    # a number glued to the name alone is the building when the case names it with a room
    (["メゾン2001", "メゾン2001 305号室"], 1),
    (["Maison2001", "Maison2001 305"], 1),
    (["メゾン二〇〇一", "メゾン2001 305号室"], 1),
    (["メゾン2001", "メゾン2001 A棟305"], 1),
    # ... and stays room 2001 without that evidence
    (["メゾン2001"], 1),
    (["メゾン2001", "メゾン2002 305号室"], 2),  # another building
    (["コーポ山田205", "コーポ山田205号室"], 1),  # room 205 glued to the name, as before
    (["コーポ山田205", "コーポ山田 305号室"], 2),
    # ambiguous: two rooms of building 2001 hold the name, or room 2001 is typed as a room too: kept apart (listed)
    (["メゾン2001", "メゾン2001 305号室", "メゾン2001 306号室"], 3),
    (["メゾン2001", "コーポ 2001号室", "メゾン2001 305号室"], 2),
    # a room with the building's number and no wing joins the only wing holding that room of that building
    (["メゾン2000 305号室", "メゾン2000 A棟305"], 1),
    (["メゾン2000 305号室", "メゾン2000 A棟305号室", "A棟305", "305号室"], 1),
    (["第2コーポ 305号室", "第2コーポ A棟305"], 1),
    (["メゾン2000 305号室", "メゾン2000 A棟305", "メゾン2000 B棟305"], 3),  # two wings: kept apart (listed)
    # never two people: another room, another building
    (["メゾン2000 305号室", "メゾン2000 A棟306"], 2),
    (["メゾン2000 305号室", "メゾン2001 A棟305"], 2),
    (["メゾン2001", "メゾン2001 305号室", "メゾン2001 A棟306"], 3),
]


@pytest.mark.parametrize(("buildings", "persons"), LINKED)
def test_a_record_read_two_ways_joins_the_only_person_it_may_be(buildings, persons):
    assert _persons(buildings) == persons


def test_another_given_name_never_joins():
    assert _persons(["メゾン2001", "メゾン2001 305号室"], [NAME, OTHER]) == 2
    assert _persons(["メゾン2000 305号室", "メゾン2000 A棟305"], [NAME, OTHER]) == 2
    family, given = NAME.split(" ") if " " in NAME else (NAME[:2], NAME[2:])
    assert _persons(["メゾン2001", "メゾン2001 305号室"], [NAME, f"{family} {given}子"]) == 2


def test_the_room_path_of_a_glued_number_is_unchanged():
    """The record's path (what keying 15 wrote) stays: the links are stages of their own."""
    assert room_path("メゾン2001") == "2001"
    assert room_path("メゾン2001 305号室") == "305\x1f2001"
    assert room_path("メゾン2000 A棟305") == "305\x1fA\x1f2000"


# ---------------------------------------------------------------- 2. rooms read as meant
@pytest.mark.parametrize(("building", "path"), [
    ("コーポ山田 101 12345", "101"),  # a room, then a long number with nothing between: a note
    ("コーポ山田 地下101", "101\x1f地下"),  # a basement room, its floor not named (persons17: no wing B)
    ("コーポ山田地下101号室", "101\x1f地下"),
    ("コーポ山田101 カード 12345", "101"),  # a katakana label before a long number: a note
    ("コーポ山田101 ポイント番号:123456", "101"),
    ("コーポ山田 カード 12345", ""),
    # unchanged: a building's number before a five-digit room, a katakana word of the name, a floor with digits
    ("メゾン2000 12345", "12345\x1f2000"),
    ("メゾン2001 12345", "12345\x1f2001"),
    ("メゾン2000 タワー 10203", "10203"),
    ("コーポ山田 地下1階101", "101\x1fB1"),
    ("コーポ山田 10203", "10203"),
])
def test_room_paths(building, path):
    assert record_key_and_room(NAME, f"{BASE} {building}")[1] == path


@pytest.mark.parametrize(("a", "b", "persons"), [
    ("コーポ山田 101 12345", "コーポ山田101号室", 1),
    ("コーポ山田 101 12345", "コーポ山田 102 12345", 2),
    ("コーポ山田 101 12345", "コーポ山田 12345号室", 2),
    ("コーポ山田 地下101", "コーポ山田 101号室", 1),  # a copy naming no floor joins the only 101 (as for B1 101)
    ("コーポ山田 地下101", "コーポ山田 A棟101", 2),  # a basement room is no room of wing A
    ("コーポ山田 地下101", "コーポ山田 B1 101", 2),  # nor, unnamed, the room of a named basement floor (listed)
    ("コーポ山田 地下101", "コーポ山田 地下102", 2),
    ("コーポ山田101 カード 12345", "コーポ山田101号室", 1),
    ("コーポ山田101 カード 12345", "コーポ山田102 カード 12345", 2),
    ("メゾン2001 12345", "メゾン2001 12346", 2),
    ("メゾン2000 タワー 10203", "メゾン2000 タワー 10204", 2),
])
def test_pairs(a, b, persons):
    assert _persons([a, b]) == persons


# ---------------------------------------------------------------- 3. old municipalities
MERGED = [
    ("静岡県浜北市西美薗6", "静岡県浜松市浜名区西美薗6"), ("浜北市小松100", "静岡県浜松市浜名区小松100"),
    ("静岡県浜松市浜北区貴布祢3000", "静岡県浜松市浜名区貴布祢3000"),
    ("宮城県古川市七日町1-1", "宮城県大崎市古川七日町1-1"), ("古川市駅前大通1-1", "宮城県大崎市古川駅前大通1-1"),
    ("新潟県両津市大字湊198", "新潟県佐渡市両津湊198"), ("両津市夷100", "新潟県佐渡市両津夷100"),
    ("長野県更埴市杭瀬下84", "長野県千曲市杭瀬下84"), ("更埴市屋代100", "長野県千曲市屋代100"),
    ("愛知県尾西市東五城字備前12", "愛知県一宮市東五城字備前12"), ("尾西市起100", "愛知県一宮市起100"),
    ("石川県松任市倉光1-1", "石川県白山市倉光1-1"), ("松任市殿町100", "石川県白山市殿町100"),
    ("大分県北海部郡佐賀関町一尺屋100", "大分県大分市一尺屋100"),
    ("愛媛県川之江市川之江町100", "愛媛県四国中央市川之江町100"), ("川之江市妻鳥町100", "愛媛県四国中央市妻鳥町100"),
    ("福島県相馬郡鹿島町横手100", "福島県南相馬市鹿島区横手100"), ("福島県小高町本町1-1", "福島県南相馬市小高区本町1-1"),
]


@pytest.mark.parametrize(("old", "new"), MERGED)
def test_the_added_mergers_key_an_old_address_as_todays(old, new):
    assert normalise_address(old) == normalise_address(new)


@pytest.mark.parametrize(("typed", "not_as"), [
    ("石川県鹿島町横手100", "福島県南相馬市鹿島区横手100"),  # 鹿島郡鹿島町 of 石川県: another old town of the name
    ("静岡県浜北市西美薗6", "静岡県浜松市中央区西美薗6"),
    ("宮城県古川市七日町1-1", "宮城県大崎市七日町1-1"),
])
def test_an_old_name_is_never_another_place(typed, not_as):
    assert normalise_address(typed) != normalise_address(not_as)


# ---------------------------------------------------------------- 4. through the CLI: scan, merge, verify alike
def test_one_scan_merge_and_verify_resolve_the_links_alike(tmp_path):
    names = _names(4, seed=151)
    a, b, c, d = names
    key = _key()
    _roster(tmp_path / "x" / "名簿.csv", [(a, f"{BASE} メゾン2001"), (b, f"{BASE} メゾン2000 305号室"),
                                          (c, f"{BASE} メゾン2001"), (d, f"{BASE} メゾン2001")], seed=21)
    _roster(tmp_path / "y" / "名簿.csv", [(a, f"{BASE} メゾン2001 305号室"), (b, f"{BASE} メゾン2000 A棟305"),
                                          (c, f"{BASE} メゾン2001 305号室"), (c, f"{BASE} メゾン2001 306号室"),
                                          (d, f"{BASE} メゾン2002 305号室")], seed=22)
    x = _scan(tmp_path, "ox", ["x"], key)["persons"]
    y = _scan(tmp_path, "oy", ["y"], key)["persons"]
    assert x["unique"] == 12 + 4 and y["unique"] == 12 + 5
    both = _scan(tmp_path, "oxy", ["x", "y"], key)["persons"]
    reverse = _scan(tmp_path, "oyx", ["y", "x"], key, "--workers", "1")["persons"]
    merged = _merge(tmp_path, "m", "ox", "oy")["persons"]
    merged_back = _merge(tmp_path, "m2", "oy", "ox")["persons"]
    # a joins building 2001's only person, b the only wing holding room 305 of 2000; c's two rooms keep its glued copy
    # apart; d's building 2002 is no building 2001
    assert both["unique"] == reverse["unique"] == merged["unique"] == merged_back["unique"] == 24 + 2 + 3 + 2
    assert sorted(both["fingerprints"]) == sorted(reverse["fingerprints"]) == sorted(merged["fingerprints"]) \
        == sorted(merged_back["fingerprints"])
    assert both["keying"] == merged["keying"] == KEYING >= 16 and both["keying_id"]
    assert both["room_stages"] == ["room", "wing", "number", "number_tag", "wing_tag", "alias"]
    assert both["review_total"] >= 0 and merged["review_total"] >= 0
    for out in ("ox", "oy", "oxy", "oyx", "m", "m2"):
        proc = run_cli("verify", str(tmp_path / out))
        assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run_cli("persons", str(tmp_path / "oxy"), "--export", str(tmp_path / "list.xlsx"), "--sources",
                   str(tmp_path / "x"), str(tmp_path / "y"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_chain_edited_to_drop_its_alias_is_refused(tmp_path):
    """The links are part of the chains keying_id proves: dropping an alias (two persons again) is caught."""
    key = _key()
    _roster(tmp_path / "x" / "名簿.csv", [(NAME, f"{BASE} メゾン2001"), (NAME, f"{BASE} メゾン2001 305号室")], seed=23)
    _scan(tmp_path, "o", ["x"], key)
    path = tmp_path / "o" / "findings.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    p = doc["persons"]
    assert p["unique"] == 13
    p["chains"] = [",".join(c.split(",")[:-1] + [""]) for c in p["chains"]]
    p["unique"] += 1
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert run_cli("verify", str(tmp_path / "o")).returncode != 0


@pytest.mark.parametrize(("leaked", "other", "shared"), [
    ("メゾン2001 305号室", "メゾン2001", 1),  # the glued copy on the share is the leaked person of building 2001
    ("メゾン2000 A棟305", "メゾン2000 305号室", 1),
    ("メゾン2002 305号室", "メゾン2001", 0),  # another building: never shared
    ("コーポ山田 B棟101", "コーポ山田B101", 1),  # persons18: the only wing-B person, read sideways
    ("山田ビル 301号室", "山田ビル3F", 1),  # persons18: the only person on floor 3
    ("山田ビル 401号室", "山田ビル3F", 0),
])
def test_the_overlap_matrix_reads_the_links_as_the_count_does(tmp_path, leaked, other, shared):
    """A list outside the leak set shares a person with the leaked one as one count of both would say (its links
    resolved with the leak set's: analysis._persons_of)."""
    from pathlib import Path

    fillers = 12
    _roster(tmp_path / "s" / "名簿.csv", [(NAME, f"{BASE} {leaked}")], n=fillers)
    _roster(tmp_path / "s" / "顧客一覧.csv", [(NAME, f"{BASE} {other}")], n=fillers)
    o = _scan(tmp_path, "o", ["s"], _key())["overlap"]
    by_name = {Path(f["path"]).name: k for k, f in enumerate(o["files"])}
    assert o["matrix"][by_name["名簿.csv"]][by_name["顧客一覧.csv"]] == fillers + shared


def test_two_lists_outside_the_leak_set_share_a_linked_person(tmp_path):
    """Two lists on the share (outside the leak set) with the same fillers as the leaked one: the glued copy in one
    is the person of building 2001 in the other (analysis._shared_outside resolves their links together)."""
    from pathlib import Path

    fillers = 12
    _roster(tmp_path / "s" / "名簿.csv", [(OTHER, f"{BASE} コーポ山田101号室")], n=fillers)
    _roster(tmp_path / "s" / "顧客一覧.csv", [(NAME, f"{BASE} メゾン2001")], n=fillers)
    _roster(tmp_path / "s" / "宛名.csv", [(NAME, f"{BASE} メゾン2001 305号室")], n=fillers)
    o = _scan(tmp_path, "o", ["s"], _key())["overlap"]
    by_name = {Path(f["path"]).name: k for k, f in enumerate(o["files"])}
    assert o["matrix"][by_name["顧客一覧.csv"]][by_name["宛名.csv"]] == fillers + 1
    assert o["matrix"][by_name["名簿.csv"]][by_name["宛名.csv"]] == fillers
