"""Stress scenario: many people, each written several ways by different staff, plus look-alike decoys.

The generator knows who every row is (its person id), so the expected counts come from the truth:
every rendering of one person must give one key, and two different people (same name at another
address, 一番町 against 二番町, 斎 against 斉 ...) must never share one. Seeded, so a failure repeats.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass

import pytest
from faker import Faker

from scanner.models import PersonRecord
from scanner.persons.count import count, make_rows
from scanner.persons.normalise import record_key

SEED = 20261126
_KANJI = "〇一二三四五六七八九"
_FULL = str.maketrans("0123456789-", "０１２３４５６７８９－")


@dataclass(frozen=True)
class Place:
    pref: str
    county: str  # "" or 西多摩郡 ...
    city: str  # 千代田区, 横浜市港北区 ...
    towns: tuple[str, ...]  # spellings of one town; the first is the canonical one
    chome: bool  # block is 丁目-番-号 (else 番地-号)
    bare_city: str = ""  # the city as it may be typed without its designated city (港北区)


PLACES = [
    Place("東京都", "", "千代田区", ("一番町",), False),
    Place("東京都", "", "千代田区", ("二番町",), False),
    Place("東京都", "", "千代田区", ("霞が関", "霞ヶ関", "霞ケ関"), True),
    Place("東京都", "", "三鷹市", ("下連雀",), True),
    Place("東京都", "", "八王子市", ("八日町",), False),
    Place("三重県", "", "四日市市", ("諏訪町",), False),
    Place("東京都", "", "江戸川区", ("一之江", "一の江", "一ノ江"), True),
    Place("東京都", "", "台東区", ("竜泉", "龍泉"), True),
    Place("東京都", "", "目黒区", ("自由が丘", "自由ヶ丘"), True),
    Place("東京都", "西多摩郡", "瑞穂町", ("箱根ケ崎", "箱根ヶ崎"), False),
    Place("埼玉県", "比企郡", "小川町", ("大字青山", "青山", "字青山"), False),
    Place("埼玉県", "比企郡", "小川町", ("大字角山", "角山"), False),
    Place("神奈川県", "", "横浜市港北区", ("日吉",), True, bare_city="港北区"),
    Place("福島県", "", "郡山市", ("虎丸町",), False),
    Place("東京都", "", "小金井市", ("本町",), True),
    Place("東京都", "", "小金井市", ("緑町",), True),
]
VARIANTS = {"高橋": ["髙橋"], "山崎": ["山﨑", "山嵜"], "渡辺": ["渡邊", "渡邉"], "斎藤": ["齋藤"], "浜田": ["濵田", "濱田"],
            "沢井": ["澤井"], "広瀬": ["廣瀬"], "島田": ["嶋田"], "国分": ["國分"], "桜井": ["櫻井"], "吉田": ["𠮷田"],
            "真鍋": ["眞鍋"], "徳永": ["德永"], "瀬戸": ["瀨戸"]}
CONFUSABLE = {"斎藤": "斉藤", "斎木": "斉木"}  # another person, never merged


def kanji(n: int) -> str:
    """12 -> 十二, 105 -> 百五, 20 -> 二十: block numbers as staff write them in kanji."""
    out = ""
    for unit, mark in ((1000, "千"), (100, "百"), (10, "十")):
        d, n = divmod(n, unit)
        if d:
            out += ("" if d == 1 else _KANJI[d]) + mark
    return out + (_KANJI[n] if n else "")


@dataclass
class Person:
    pid: int
    sei: str
    mei: str
    kana: str
    place: Place
    block: tuple[int, int, int]  # (丁目, 番, 号) or (0, 番地, 号)
    room: str


def render_name(p: Person, rnd: random.Random) -> str:
    sei = rnd.choice([p.sei, *VARIANTS.get(p.sei, [])])
    if rnd.random() < 0.1:
        sei = sei[0] + "\U000e0100" + sei[1:]  # an IVS selector typed by an IME
    name = sei + rnd.choice([" ", "　", "", "\u00a0", "  "]) + p.mei
    r = rnd.random()
    if r < 0.08:
        name += rnd.choice(["様", " 様", "殿", "さん"])
    elif r < 0.12:
        name += f"（{p.kana}）"
    return name


def render_block(p: Person, rnd: random.Random) -> str:
    c, b, g = p.block
    if p.place.chome:
        forms = [f"{c}-{b}-{g}", f"{c}丁目{b}-{g}", f"{c}丁目{b}番{g}号", f"{kanji(c)}丁目{kanji(b)}番{kanji(g)}号",
                 f"{c}丁目{b}番地{g}", f"{kanji(c)}丁目{kanji(b)}番地の{kanji(g)}", f"{c}の{b}の{g}", f"{c} {b} {g}",
                 f"{c}ー{b}ー{g}", f"{c}−{b}−{g}", f"{kanji(c)}―{kanji(b)}―{kanji(g)}"]
    else:
        forms = [f"{b}-{g}", f"{b}番地{g}", f"{b}番地の{g}", f"{kanji(b)}番地{kanji(g)}", f"{b}番{g}号", f"{b}ー{g}"]
    text = rnd.choice(forms)
    if rnd.random() < 0.05 and b <= 12 and (c or rnd.random() < 0.5):  # its own cell, made a date by Excel
        year = 2000 + c if c else rnd.randint(2010, 2025)
        return rnd.choice([f"{year}-{b:02d}-{g:02d}", f"{year}/{b}/{g}"] + ([] if c else [f"{b}月{g}日"]))
    return text.translate(_FULL) if rnd.random() < 0.2 else text


def render_room(p: Person, rnd: random.Random, after_date: bool = False) -> str:
    if not p.room or rnd.random() < 0.3:
        return ""  # the room left out
    forms = [f" {p.room}号室", f"#{p.room}", f" コーポ山田 {p.room}", f"コーポ山田{p.room}号室", f"　{p.room}"]
    if p.place.chome and not after_date:  # a cell Excel made a date held no room
        forms.append(f"-{p.room}")  # 3-12-5-101; without 丁目, 12-5-101 is ambiguous (a probable pair)
    return rnd.choice(forms)


def render_address(p: Person, rnd: random.Random) -> str:
    pl = p.place
    pref = pl.pref if rnd.random() < 0.7 else (pl.pref[:-1] if rnd.random() < 0.2 and pl.pref != "北海道" else "")
    county = pl.county if rnd.random() < 0.5 else ""
    city = pl.bare_city if pl.bare_city and pref == pl.pref and rnd.random() < 0.3 else pl.city
    town = rnd.choice(pl.towns)
    sep = rnd.choice(["", "", " ", "　"])
    block = render_block(p, rnd)
    room = render_room(p, rnd, after_date=bool(re.match(r"20\d\d[-/]|\d+月", block)))
    return f"{pref}{sep}{county}{city}{sep}{town}{block}{room}"


def build(n: int, seed: int = SEED) -> list[Person]:
    """n people; about a quarter are decoys: another person with a name or address like someone else's."""
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    people: list[Person] = []
    taken: set[tuple] = set()

    def add(sei: str, mei: str, kana: str, place: Place, block: tuple[int, int, int]) -> None:
        canon = (sei, mei, place.city, place.towns[0], block)
        if canon in taken:
            return
        taken.add(canon)
        room = f"{rnd.randint(1, 9)}0{rnd.randint(1, 9)}" if rnd.random() < 0.3 else ""
        people.append(Person(len(people), sei, mei, kana, place, block, room))

    def block_for(place: Place) -> tuple[int, int, int]:
        return (rnd.randint(1, 9), rnd.randint(1, 40), rnd.randint(1, 30)) if place.chome \
            else (0, rnd.randint(1, 1200), rnd.randint(1, 30))

    while len(people) < n:
        sei_kana = fake.last_name_pair()
        sei = rnd.choice(list(VARIANTS)) if rnd.random() < 0.3 else sei_kana[0]
        mei, mei_kana, _r = fake.first_name_pair()
        place = rnd.choice(PLACES)
        block = block_for(place)
        add(sei, mei, f"{sei_kana[1]} {mei_kana}", place, block)
        r = rnd.random()
        if r < 0.08:  # the same name in another town
            other = rnd.choice([p for p in PLACES if p.towns != place.towns])
            add(sei, mei, mei_kana, other, block if other.chome == place.chome else block_for(other))
        elif r < 0.14:  # the same name, same town, one block number different
            c, b, g = block
            add(sei, mei, mei_kana, place, (c, b, g % 30 + 1))
        elif r < 0.18 and place.towns[0] in ("一番町", "二番町"):  # 一番町 against 二番町, same block
            add(sei, mei, mei_kana, PLACES[1 - PLACES.index(place)], block)
        elif r < 0.22 and sei in CONFUSABLE:  # 斉藤 at the same address as 斎藤: another person
            add(CONFUSABLE[sei], mei, mei_kana, place, block)
    return people


@pytest.mark.parametrize("seed", [SEED, SEED + 1])
def test_stress_every_rendering_of_a_person_is_one_key_and_people_stay_apart(seed):
    rnd = random.Random(seed)
    people = build(700, seed)
    records: list[PersonRecord] = []
    owner: list[int] = []
    for p in people:
        for _ in range(rnd.randint(1, 4)):
            records.append(PersonRecord("名簿", len(records) + 2,
                                        {"name": render_name(p, rnd), "address": render_address(p, rnd)}))
            owner.append(p.pid)
    keys_of: dict[int, set] = defaultdict(set)
    for rec, pid in zip(records, owner, strict=True):
        keys_of[pid].add(record_key(rec.fields["name"], rec.fields["address"]))
    split = {pid: ks for pid, ks in keys_of.items() if len(ks) > 1}
    assert not split, list(split.items())[:3]  # missed merges
    who: dict = {}
    for pid, ks in keys_of.items():
        (k,) = ks
        assert k not in who, (k, people[who[k]], people[pid])  # over-merges
        who[k] = pid
    rows, nameless = make_rows(0, records)
    assert all(r.key == record_key(r.name, r.address) for r in rows)  # staged keys end where record_key does
    c = count(rows, nameless)
    exact = {(r.fields["name"].strip(), r.fields["address"].strip()) for r in records}
    assert (c.records, c.unique_exact, c.unique) == (len(records), len(exact), len(people))
    assert sum(c.merges.values()) == c.unique_exact - c.unique
    # excel_dates is left out: a date rendering usually differs in something else too, so a later rule
    # gets the credit (persons_data.py exercises it alone)
    assert all(c.merges[rule] > 0 for rule in ("nfkc", "spaces", "variant_kanji", "name_forms", "hyphens",
                                              "kanji_numerals", "block_words", "prefecture", "place_names", "building"))
