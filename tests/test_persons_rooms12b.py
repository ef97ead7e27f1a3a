"""Review of Session 12's building numbers (review12b): rows that lost their room and so merged two persons.

A row whose room cannot be read joins the only room its name holds at that address; two such rows of one name
are one person. So a rule that reads no room where a room is written merges room twins (two namesakes in two rooms
of one building) into one person, and nobody can find the second in the report: worse than a split, which is
listed as a probable pair (other_room). Each pair counts as the scanner does (test_persons_rooms12._persons); the
last test asserts them all through the CLI.
"""

from __future__ import annotations

import pytest
from test_persons_rooms11 import BASE, _key, _roster, _scan
from test_persons_rooms12 import _persons, keyed_doc

from scanner.persons.normalise import room_path

TWINS = [
    # a room of five digits or more: a name ending in digits glued to the room (メゾン2000201号室: 2000|201 or
    # 20002|01) is unprovable, but 201 and 202 typed alike are two rooms (Session 12 read neither: one person)
    ("メゾン2000201号室", "メゾン2000202号室", 2),
    ("コーポ山田 10203号室", "コーポ山田 10204号室", 2),
    # one person typed glued and spaced: kept apart and listed (other_room), as before Session 12
    ("メゾン2000201号室", "メゾン2000 201号室", 2),
    # 第 + a kanji numeral glued to the room: 第五301 was blanked whole as the building's number (no room)
    ("ライオンズマンション第五301号室", "ライオンズマンション第五302号室", 2),
    ("ライオンズマンション第五301号室", "ライオンズマンション第5 301号室", 1),
    # a room in brackets was dropped with the remark ((山田様方), （2024.4.1入居）)
    ("メゾン2000(305号室)", "メゾン2000(306号室)", 2),
    ("コーポ山田（101）", "コーポ山田（102）", 2),
    ("メゾン2000(305号室)", "メゾン2000 305号室", 1),
    ("コーポ山田101号室（山田様方）", "コーポ山田102号室（2024.4.1入居）", 2),    # a building's number before a comma or colon (ハイツ21、101号室): read as no number, it joined the namesake of
    # ハイツ22 as the only building holding 101
    ("ハイツ21、101号室", "ハイツ22 101号室", 2),
    ("ハイツ21，101号室", "ハイツ22 101号室", 2),
    ("メゾン2000：305", "メゾン2001 305号室", 2),
    ("メゾン2000、305号室", "メゾン2000 305号室", 1),
]


@pytest.mark.parametrize(("a", "b", "persons"), TWINS)
def test_room_twins_whose_room_is_written_stay_two_persons(a, b, persons):
    assert _persons([f"{BASE} {a}", f"{BASE} {b}"]) == persons


@pytest.mark.parametrize(("building", "path"), [
    ("メゾン2000201号室", "2000201"), ("コーポ山田 10203号室", "10203"),
    ("ライオンズマンション第五301号室", "301\x1f5"), ("メゾン2000(305号室)", "305\x1f2000"), ("コーポ山田(101)", "101"),
    ("コーポ山田（101号）", "101"), ("コーポ山田(3人)", ""), ("コーポ山田(2024.4.1入居)", ""),
    ("ハイツ21、101号室", "101\x1f21"), ("ハイツ21, 101", "101\x1f21"),
])
def test_room_path_of_rooms_that_were_lost(building, path):
    assert room_path(building) == path


def test_room_twins_through_the_cli(tmp_path):
    """Every pair above in one roster (a name per pair), scanned: the count is the sum of the pairs' persons."""
    planted, expected = [], 0
    for i, (a, b, n) in enumerate(TWINS):
        name = f"佐藤 恵子{chr(0x4e00 + 0x200 + i)}"  # one person's name per pair, none shared between pairs
        planted += [(name, f"{BASE} {a}"), (name, f"{BASE} {b}")]
        expected += n
    _roster(tmp_path / "s" / "名簿.csv", planted)
    assert _scan(tmp_path, "o", ["s"], _key())["persons"]["unique"] == 12 + expected


def test_a_merge_refused_for_another_keying_says_so(tmp_path):
    """Two cases of one leakscan version (0.1.0) keyed by two versions of the rules: the note named only the version
    and the rule files, which are the same, and said "rescan with one version"; it names persons.keying and which
    keyings the inputs had."""
    from scanner.merge import _merge_persons
    from scanner.persons.normalise import KEYING

    key = bytes(32)
    mixed, note = _merge_persons([keyed_doc(None), keyed_doc(KEYING)], [key, key], [{}, {}])
    assert mixed is None and "persons.keying" in note and f"{KEYING}" in note and "none" in note


@pytest.mark.parametrize("keying", [[12], {"v": 12}, "12", 12.5, True])
def test_a_hand_edited_keying_is_not_combined_and_never_an_internal_error(keying):
    """A findings.json edited by hand (its manifest rebuilt) with persons.keying a list or an object: merge stopped on
    "internal error: TypeError" (the rules tuple was hashed); such an input is another keying, not combined."""
    from scanner.merge import _merge_persons
    from scanner.persons.normalise import KEYING

    key = bytes(32)
    mixed, note = _merge_persons([keyed_doc(keying), keyed_doc(KEYING)], [key, key], [{}, {}])
    assert mixed is None and note.startswith("not combined") and "other" in note
