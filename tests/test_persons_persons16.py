"""persons16: old municipalities from Japan Post's 市町村変更情報 (every merger of 2003-2019, not a hand-picked 62), names
several old municipalities shared (美山町 of 京都府 and 福井県), the 大字 佐賀関町 renamed at its merger.

The generated rows are checked on cases nobody picked: for every old municipality whose successor still has a town
named after it (国東町鶴川, 喜入一倉町, 香焼町), the address typed with the old name and as Japan Post writes it today is
one address, and no old name is ever read as another place.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_persons_rooms11 import _key, _roster, _scan

from scanner import rules
from scanner.persons.normalise import normalise_address

ROOT = Path(__file__).resolve().parents[1]


def _towns() -> dict[tuple[str, str], list[str]]:
    out = {}
    for line in (ROOT / "signatures" / "towns.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line:
            continue
        _code, pref, muni, towns = line.split("\t")
        out[(pref, muni.split("郡")[-1])] = towns.split("|")
    return out


def _named_after(every: int = 1) -> list[tuple[str, str, str, str]]:
    """(prefecture, old name, town typed after it, today's municipality + town) for generated rows whose successor has
    a town carrying the old name or its stem (国東町鶴川, 喜入一倉町) or the name whole (香焼町)."""
    towns, out = _towns(), []
    rows = rules.load("old_municipalities")["generated"]["rows"]
    for k, (pref, name, successors, *_since) in enumerate(rows):
        if k % every:
            continue
        stem = name[:-1]
        for muni in successors:
            town = next((t for t in towns.get((pref, muni), []) if t == name or t.startswith(name) and len(t) > len(name)
                         or t.startswith(stem) and len(t) > len(stem) + 1), None)
            if town is not None:
                typed = town[len(name):] if town.startswith(name) else town[len(stem):]
                out.append((pref, name, typed, muni + town))
                break
    return out


def test_the_table_covers_the_mergers_since_2003():
    """Japan Post lists ~1,800 municipalities that ended 2003-2019; the table had 62 hand entries."""
    data = rules.load("old_municipalities")
    assert len(data["generated"]["rows"]) > 1700
    assert "Japan Post" in data["generated"]["source"]


def test_every_old_name_with_a_town_named_after_it_is_one_address_with_todays():
    sample = _named_after(every=7)
    assert len(sample) > 120
    same, wrong = 0, []
    for pref, name, typed, today in sample:
        old, new = normalise_address(f"{pref}{name}{typed}1-2-3"), normalise_address(f"{pref}{today}1-2-3")
        if old == new:
            same += 1
        elif not old.startswith(f"{pref}{name}"):  # rewritten, but as another place
            wrong.append((pref, name, typed, old, new))
    assert not wrong, wrong[:5]
    assert same >= 0.97 * len(sample), (same, len(sample))


@pytest.mark.parametrize(("before", "after"), [
    ("兵庫県篠山市北新町1-1", "兵庫県丹波篠山市北新町1-1"),  # a rename (2019)
    ("宮城県黒川郡富谷町富谷1-1", "宮城県富谷市富谷1-1"),  # a town became a city (2016)
    ("大分県東国東郡国東町鶴川100", "大分県国東市国東町鶴川100"),
    ("長崎県西彼杵郡香焼町100", "長崎県長崎市香焼町100"),  # the old name whole is the town today
    ("香焼町100", "長崎県長崎市香焼町100"),
    ("鹿児島県喜入町一倉町1-2-3", "鹿児島県鹿児島市喜入一倉町1-2-3"),  # 喜入町 is a town of 鹿児島市 too: the stem first
    ("石川県鹿島郡鹿島町井田100", "石川県鹿島郡中能登町井田100"),
    ("島根県八束郡鹿島町佐陀本郷100", "島根県松江市鹿島町佐陀本郷100"),
    ("福島県相馬郡鹿島町横手100", "福島県南相馬市鹿島区横手100"),
    ("京都府美山町深見100", "京都府南丹市美山町深見100"),
    ("福井県美山町深見100", "福井県福井市深見100"),
])
def test_an_address_typed_before_a_merger_is_todays(before, after):
    assert normalise_address(before) == normalise_address(after)


@pytest.mark.parametrize(("before", "after"), [
    ("静岡県庵原郡富士川町中之郷100", "静岡県富士市中之郷100"),  # 山梨県 has a 富士川町 today (2010)
    ("静岡県富士川町中之郷100", "静岡県富士市中之郷100"),
    ("佐賀県佐賀郡大和町尼寺100", "佐賀県佐賀市大和町尼寺100"),  # 宮城県黒川郡大和町 is today's
])
def test_an_old_name_another_prefecture_has_today_is_read_after_its_own_prefecture(before, after):
    assert normalise_address(before) == normalise_address(after)


@pytest.mark.parametrize(("typed", "never"), [
    ("富士川町中之郷100", "富士市"),  # no prefecture: 富士川町 is 山梨県's today
    ("山梨県富士川町青柳町100", "富士市"),
    ("宮城県大和町吉岡100", "佐賀市"),
    ("大和町尼寺100", "佐賀市"),
])
def test_an_old_name_another_prefecture_has_today_is_never_read_without_its_prefecture(typed, never):
    assert never not in normalise_address(typed)


@pytest.mark.parametrize(("typed", "places"), [
    ("美山町深見100", ("南丹市", "福井市")),  # 京都府's and 福井県's 美山町 both had a 深見: the prefecture decides, none typed
    ("鹿野町河内100", ("周南市", "鳥取市")),
    ("加茂町河原100", ("津山市", "木津川市")),
])
def test_a_name_several_old_municipalities_had_is_left_where_the_town_does_not_decide(typed, places):
    key = normalise_address(typed)
    assert not any(place in key for place in places), key


@pytest.mark.parametrize(("before", "after"), [
    ("大分県北海部郡佐賀関町大字関1234", "大分県大分市大字佐賀関1234"),  # 関 -> 佐賀関 (2006-04-01)
    ("佐賀関町関1234", "大分県大分市佐賀関1234"),  # 佐賀 + 関町 (三重県's old 関町) is tried first, then 佐賀関町
    ("大分県佐賀関町大字神崎100", "大分県大分市大字本神崎100"),  # 神崎 -> 本神崎 at the merger
])
def test_the_azas_saganoseki_renamed_are_read_as_renamed(before, after):
    assert normalise_address(before) == normalise_address(after)


def test_saganoseki_kozaki_is_never_oita_kanzaki():
    """大分市 has a 神崎 (かんざき) of its own: 佐賀関町神崎 is 本神崎, never that one."""
    assert normalise_address("大分県佐賀関町神崎100") != normalise_address("大分県大分市神崎100")


def test_a_town_named_as_a_city_after_an_old_name_is_left(tmp_path):
    """貴志川町上野山市本町: 上野山市 names a city nobody knows; the town 上野山 of 紀の川市 is not read into it."""
    assert "紀の川市" not in normalise_address("和歌山県貴志川町上野山市本町1-2")


def test_copies_before_and_after_mergers_through_the_cli(tmp_path):
    """Generated rows (every 120th with a town named after the old municipality): a resident typed with the old name and
    as today is one person; the same name at another block of the same town is another."""
    from faker import Faker

    fake = Faker("ja_JP")
    fake.seed_instance(16)
    sample = _named_after(every=120)
    assert len(sample) > 6
    names = list(dict.fromkeys(fake.name() for _ in range(3 * len(sample))))[:len(sample)]
    planted = []
    for person, (pref, name, typed, today) in zip(names, sample, strict=True):
        planted += [(person, f"{pref}{name}{typed}3-1-2"), (person, f"{pref}{today}3-1-2"),
                    (person, f"{pref}{today}9-9-9")]  # the same name at another block: another person
    # among 60 other residents: a roster where most names stand at two places only they stand at reads as senders
    # beside their recipients' addresses (tables17: a lead, name-elsewhere), which a real roster is not
    _roster(tmp_path / "s" / "名簿.csv", planted, n=60)
    p = _scan(tmp_path, "o", ["s"], _key())["persons"]
    assert p["unique"] == 60 + 2 * len(sample)
    assert p["merges"]["old_municipality"] == len(sample)


# ---------------------------------------------------------------- rooms (session 15's leftovers)
BASE = "東京都小金井市本町3-12-5"
NAME = "山田 花子"


def _reading(building: str) -> str:
    from scanner.persons.normalise import record_key_and_reading

    return record_key_and_reading(NAME, f"{BASE} {building}")[1]


@pytest.mark.parametrize(("typed", "written"), [
    ("メゾン2001号", "メゾン2001号室"),  # 号 after a number glued to the building's name is the room, as 号室 is
    ("コーポ山田205号", "コーポ山田205号室"),
    ("山田荘201号", "山田荘201号室"),
    ("メゾン二〇〇一号", "メゾン2001号室"),
])
def test_a_room_typed_with_go_reads_as_one_typed_with_goshitsu(typed, written):
    """review15a #6: `メゾン2001号` carried the glued-number alias (building 2001 without a room) and `メゾン2001号室` did
    not: block_words dropped the 号 before the building part was read. Both name room 2001."""
    assert _reading(typed) == _reading(written)


@pytest.mark.parametrize(("building", "path"), [
    ("ハイツ101 10203", "10203\x1f101"),  # a building named with three digits, then its five-digit room
    ("ハイツ101　10203", "10203\x1f101"),
    ("コーポ山田 101 12345", "101"),  # spaced from the name: room 101, then a long number (a note), as before
    ("コーポ山田　101　12345", "101"),
])
def test_three_digits_glued_to_the_name_before_a_five_digit_room(building, path):
    """persons15's residual: `ハイツ101 10203` read room 101 (the long number a note) because the space between the name
    and 101 was gone by then; the space is kept as a room mark now, so a number glued to the name is the building's."""
    assert _reading(building).partition("\x1e")[0] == path


@pytest.mark.parametrize(("a", "b", "persons"), [
    ("メゾン2001号", "メゾン2001 305号室", 2),  # room 2001 is no resident of building 2001's room 305
    ("メゾン2001号室", "メゾン2001 305号室", 2),
    ("メゾン2001", "メゾン2001 305号室", 1),  # the glued number alone still links (persons15)
    ("ハイツ101 10203", "ハイツ101 10204", 2),
    ("ハイツ101 10203", "ハイツ101 10203号室", 1),
])
def test_pairs(a, b, persons):
    """Counted as the scan counts them (make_rows, count: keys, room paths, links, resolve_persons)."""
    from scanner.models import PersonRecord
    from scanner.persons.count import count, make_rows

    records = [PersonRecord("s", i, {"name": NAME, "address": f"{BASE} {b}"}) for i, b in enumerate((a, b))]
    assert count(make_rows(0, records)[0]).unique == persons
