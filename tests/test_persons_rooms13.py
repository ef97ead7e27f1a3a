"""A building's number named with a wing, Latin building names, spaced 5-digit rooms (Session 13, persons13).

`メゾン2000 A棟305` and `メゾン2001 A棟305` are two rooms: the building's number was dropped when a wing was named, so
two namesakes in two numbered buildings with the same wing letter were one person (review12b #6). The number is now a
third room stage below the wing (room, wing, number): a copy naming the wing but not the number joins the only
numbered building holding that wing and room, else is kept apart and listed (other_room). A Latin building name
ending in digits (Maison2000 305, Heights21 101) has its number too (review12b #7), and a room of five digits typed
after the name and a space (コーポ山田 10203) is a room (review12b #8: it was read into the name, so twins 10203 and
10204 were one person). Per-pair cases count as the scanner does (test_persons_rooms12._persons); the CLI test
asserts them all at once and that the case says keying 14 with three room stages.
"""

from __future__ import annotations

import pytest
from conftest import run_cli
from persons_data import key_and_room as record_key_and_room
from test_persons_rooms11 import BASE, _key, _roster, _scan
from test_persons_rooms12 import _persons

from scanner.persons.normalise import room_path

PAIRS = [
    # a numbered building with wings: the number is kept below the wing
    ("メゾン2000 A棟305", "メゾン2001 A棟305", 2),
    ("第2コーポ山田A棟101", "第3コーポ山田A棟101", 2),
    ("コーポ山田1-A101", "コーポ山田2-A101", 2),
    ("第2ハイツ1号棟101", "第3ハイツ1号棟101", 2),
    ("第二団地3号棟205", "第三団地3号棟205", 2),
    ("メゾン2000 A棟305", "メゾン2000Ａ棟３０５号室", 1),
    ("メゾン2000 A棟305", "メゾン2000 A-305", 1),
    ("第二団地3号棟205", "第2団地 3号棟205号室", 1),
    # a copy naming the wing without the number joins the only numbered building holding it
    ("メゾン2000 A棟305", "A棟305号室", 1),
    ("第二団地3号棟205", "3号棟205号室", 1),
    ("メゾン2000 A棟305", "305号室", 1),
    # Latin building names ending in digits
    ("Maison2000 305", "Maison2001 305", 2),
    ("Heights21 101", "Heights22 101号室", 2),
    ("Sunny Heights 3 201", "Sunny Heights 4 201", 2),
    ("ＳＵＮハイツ 2-101", "ＳＵＮハイツ 3-101", 2),
    ("Maison2000 305", "Maison2000-305", 1),
    ("Maison2000 305", "305号室", 1),
    ("Maison2000 A棟305", "Maison2001 A棟305", 2),
    ("Sunny Heights 201", "Sunny Heights 201号室", 1),
    # a room of five digits after the name and a space
    ("コーポ山田 10203", "コーポ山田 10204", 2),
    ("コーポ山田　１０２０３", "コーポ山田 10203号室", 1),
    ("コーポ山田 10203", "コーポ山田", 1),
]


@pytest.mark.parametrize(("a", "b", "persons"), PAIRS)
def test_numbers_with_wings_and_latin_names_tell_namesakes_apart(a, b, persons):
    assert _persons([f"{BASE} {a}", f"{BASE} {b}"]) == persons


def test_a_copy_with_the_wing_but_not_the_number_where_two_buildings_hold_it_is_kept_apart():
    """A棟305 in both メゾン2000 and メゾン2001: a copy typed A棟305号室 could be either (its own person, listed)."""
    assert _persons([f"{BASE} メゾン2000 A棟305", f"{BASE} メゾン2001 A棟305", f"{BASE} A棟305号室"]) == 3


@pytest.mark.parametrize(("building", "path"), [
    ("メゾン2000 A棟305", "305\x1fA\x1f2000"), ("第2コーポ山田A棟101", "101\x1fA\x1f2"),
    ("コーポ山田1-A101", "101\x1fA\x1f1"), ("第二団地3号棟205", "205\x1f3\x1f2"), ("メゾン2000 A棟3F301", "301\x1fA\x1f2000"),
    ("Maison2000 305", "305\x1f2000"), ("Heights21 101", "101\x1f21"),
    # unchanged: a wing without a number, a number without a wing, a floor, a room glued to the name
    ("A棟305", "305\x1fA"), ("メゾン2000 305号室", "305\x1f2000"), ("B1F 101", "101\x1fB1"), ("Room 101", "101"),
    ("コーポ山田205", "205"), ("メゾン2001", "2001"),
])
def test_room_path_with_number_and_wing(building, path):
    assert room_path(building) == path


def test_a_spaced_five_digit_room_is_the_room_only_after_a_block():
    assert record_key_and_room("山田 花子", f"{BASE} コーポ山田 10203")[1] == "10203"
    # no block before it: a number of the address itself, never a room mark inside the key
    assert record_key_and_room("山田 花子", "東京都小金井市本町 12345")[1] == ""


def test_numbers_with_wings_through_the_cli(tmp_path):
    """Every pair above in one roster (a name per pair), scanned: the count is the sum of the pairs' persons, and the
    case states keying 14 with its three room stages."""
    from scanner.evidence import ROOM_STAGES
    from scanner.persons.normalise import KEYING

    planted, expected = [], 0
    for i, (a, b, n) in enumerate(PAIRS):
        name = f"田中 陽子{chr(0x4e00 + 0x300 + i)}"  # one person's name per pair, none shared between pairs
        planted += [(name, f"{BASE} {a}"), (name, f"{BASE} {b}")]
        expected += n
    _roster(tmp_path / "s" / "名簿.csv", planted)
    p = _scan(tmp_path, "o", ["s"], _key())["persons"]
    assert p["unique"] == 12 + expected
    assert p["keying"] == KEYING >= 14 and p["room_stages"] == list(ROOM_STAGES)
    assert p["room_stages"][:3] == ["room", "wing", "number"]  # keying 16 (persons15) adds its link stages after them
    assert run_cli("verify", str(tmp_path / "o")).returncode == 0


@pytest.mark.parametrize("address", ["東京都千代田区一番町 12345", "東京都中央区八丁堀 10203", "宮城県仙台市青葉区一番町 10203",
                                     "東京都台東区三ノ輪 10203"])
def test_a_spaced_long_number_after_a_town_named_with_a_kanji_numeral_is_no_room_mark(address):
    """review13a: 一番町, 八丁堀, 三ノ輪 are town names, not a block typed before the number: the address is keyed as
    it is without the space (a room mark # was left inside the address key, so the same row typed with and
    without the space was two persons)."""
    spaced, glued = record_key_and_room("山田 花子", address), record_key_and_room("山田 花子", address.replace(" ", ""))
    assert "#" not in spaced[0][1] and spaced == glued


def test_a_postal_code_typed_after_the_building_is_no_room():
    """review13a: seven digits after the building's name and a space are a postal code typed at the end (no room has
    seven digits): the row is read as naming no room, as before, so it joins the room its other copy names."""
    assert record_key_and_room("山田 花子", f"{BASE} コーポ山田 1840004")[1] == ""
    assert _persons([f"{BASE} コーポ山田 1840004", f"{BASE} コーポ山田101号室"]) == 1
    assert record_key_and_room("山田 花子", f"{BASE} コーポ山田 102030")[1] == "102030"  # six digits: a room still


# review13a: two buildings of one complex, each with the same wing letter: the building's own number is a wing-like
# number before the wing (1号館 A棟, 1番街 A棟, 3号棟 A205), not digits glued to a name. It was dropped (only the
# last wing was kept), so namesakes in 1号館A棟305 and 2号館A棟305 were one person.
COMPLEX = [
    ("グリーンタウン1号館A棟305", "グリーンタウン2号館A棟305", 2),
    ("グリーンタウン 1号館 A-305", "グリーンタウン 2号館 A-305", 2),
    ("パークシティ1番街 A棟305", "パークシティ2番街 A棟305", 2),
    ("サンシティ 3号棟 A205", "サンシティ 4号棟 A205", 2),
    ("グリーンタウン一号館Ａ棟３０５号室", "グリーンタウン1号館 A棟305", 1),
    ("グリーンタウン1号館A棟305", "A棟305号室", 1),  # the copy without the building joins the only one holding it
]


@pytest.mark.parametrize(("a", "b", "persons"), COMPLEX)
def test_two_buildings_of_one_complex_with_the_same_wing_are_told_apart(a, b, persons):
    assert _persons([f"{BASE} {a}", f"{BASE} {b}"]) == persons


@pytest.mark.parametrize(("building", "path"), [
    ("グリーンタウン1号館A棟305", "305\x1fA\x1f1"), ("パークシティ2番街 A棟305", "305\x1fA\x1f2"),
    ("サンシティ 3号棟 A205", "205\x1fA\x1f3"), ("メゾン2000 A棟305", "305\x1fA\x1f2000"),
    ("グリーンタウン1号館305", "305\x1f1"), ("パークシティ1番街 305", "305"),
])
def test_room_path_with_a_numbered_building_of_a_complex(building, path):
    assert room_path(building) == path


# review13a: a wing in brackets ((A棟), （2号棟）) is part of the building, not a remark running to the end (the room
# after it was dropped: twins in (A棟)101 and (B棟)101 were one person), and a wing typed before the building's name
# (A棟 メゾン2000 305号室) has the name's number after it
@pytest.mark.parametrize(("building", "path"), [
    ("コーポ山田(A棟)101号室", "101\x1fA"), ("コーポ山田（2号棟）205", "205\x1f2"), ("メゾン2000（A棟）305", "305\x1fA\x1f2000"),
    ("A棟 メゾン2000 305号室", "305\x1fA\x1f2000"), ("コーポ山田(山田様方)", ""), ("コーポ山田101(A棟の奥)", "101"),
])
def test_room_path_with_a_wing_in_brackets_or_before_the_name(building, path):
    assert room_path(building) == path


@pytest.mark.parametrize(("a", "b", "persons"), [
    ("コーポ山田(A棟)101号室", "コーポ山田(B棟)101号室", 2),
    ("コーポ山田(A棟)101号室", "コーポ山田A棟101", 1),
    ("A棟 メゾン2000 305号室", "メゾン2001 A棟305", 2),
    ("A棟 メゾン2000 305号室", "メゾン2000 A棟305", 1),
])
def test_a_wing_in_brackets_or_before_the_name_counts(a, b, persons):
    assert _persons([f"{BASE} {a}", f"{BASE} {b}"]) == persons
