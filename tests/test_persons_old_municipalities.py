"""Old municipality names in the person count (Session 13, persons13).

The same person with an address written before and after a merger of municipalities (浦和市高砂 = さいたま市浦和区高砂,
清水市 = 静岡市清水区, 保谷市/田無市 = 西東京市) is one person. The mapping is data (signatures/old_municipalities.toml,
from 総務省's 市町村合併 lists) and is applied only where the rest of the address agrees: the town is found in exactly
one successor and a typed prefecture is the old municipality's own. Before, the gazetteer (today's names only) left
the old address as typed and such copies were two persons.
"""

from __future__ import annotations

import pytest
from faker import Faker
from test_persons_rooms11 import _key, _roster, _scan

from scanner import rules
from scanner.persons.normalise import RULES, record_key

SAME = [
    ("埼玉県浦和市高砂3-1-1", "埼玉県さいたま市浦和区高砂三丁目1番1号"),
    ("浦和市高砂３－１－１", "さいたま市浦和区高砂3-1-1"),
    ("埼玉県大宮市桜木町1-7-5", "さいたま市大宮区桜木町1丁目7番5号"),
    ("埼玉県与野市上落合2-3-4", "埼玉県さいたま市中央区上落合2-3-4"),
    ("静岡県清水市旭町6-8", "静岡市清水区旭町6番8号"),
    ("東京都保谷市東町1-1-1", "西東京市東町1-1-1"),
    ("田無市南町5-6-13", "東京都西東京市南町5丁目6番13号"),
    ("大阪府南河内郡美原町黒山1", "堺市美原区黒山1"),
    ("埼玉浦和市高砂3-1-1", "埼玉県さいたま市浦和区高砂3-1-1"),  # the prefecture typed without 県
    # review13a: a town the successor renamed with the old name before it (川口市 had its own 本町, so 鳩ヶ谷市本町
    # became 鳩ヶ谷本町; 水海道市天満町 = 常総市水海道天満町, 由比町北田 = 清水区由比北田) or kept whole (植木町岩野 =
    # 熊本市北区植木町岩野)
    ("埼玉県鳩ヶ谷市本町1-2-3", "埼玉県川口市鳩ヶ谷本町1-2-3"),
    ("熊本県鹿本郡植木町岩野238", "熊本県熊本市北区植木町岩野238"),
    ("熊本県下益城郡城南町隈庄100", "熊本市南区城南町隈庄100"),
    ("茨城県水海道市天満町100", "茨城県常総市水海道天満町100"),
    ("静岡県庵原郡由比町北田100", "静岡市清水区由比北田100"),
    ("静岡県庵原郡蒲原町新田1-2-3", "静岡市清水区蒲原新田1-2-3"),
    # ... but only a whole town: 新津 + 東島 is no 新津東(町) + 島 (東島 is 新津's own town, typed as it is today)
    ("新潟県新津市東島1-2-3", "新潟市秋葉区東島1-2-3"),
    ("新潟県白根市東笠巻1-2-3", "新潟市南区東笠巻1-2-3"),
    # review13a: the old name as it was written (龍野市, not 竜野市) and typed with ケ for ヶ
    ("兵庫県龍野市龍野町上霞城1", "兵庫県たつの市龍野町上霞城1"),
    ("兵庫県竜野市龍野町上霞城1", "たつの市龍野町上霞城1"),
    ("埼玉県鳩ケ谷市本町1-2-3", "川口市鳩ヶ谷本町1-2-3"),
]
APART = [
    # the prefecture typed is not the old municipality's own: nothing proves it is that 浦和市
    ("神奈川県浦和市高砂3-1-1", "さいたま市浦和区高砂3-1-1"),
    ("神奈川浦和市高砂3-1-1", "さいたま市浦和区高砂3-1-1"),
    # a town no successor holds: left as typed (a split, visible), never guessed
    ("浦和市存在町3-1-1", "さいたま市浦和区存在町3-1-1"),
    # the successor's other town, and another ward of the city: other addresses
    ("浦和市高砂3-1-1", "さいたま市浦和区岸町3-1-1"),
    ("大宮市桜木町1-7-5", "さいたま市北区桜木町1-7-5"),
    # review13a: 川口市本町 and 緑町 are 川口's own towns; 鳩ヶ谷市本町 and 緑町 are 鳩ヶ谷本町 and 鳩ヶ谷緑町 today (two
    # namesakes, one in each, were one person)
    ("埼玉県鳩ヶ谷市本町1-2-3", "埼玉県川口市本町1-2-3"),
    ("鳩ヶ谷市緑町1-2-3", "川口市緑町1-2-3"),
]


@pytest.mark.parametrize(("old", "new"), SAME)
def test_an_address_written_before_and_after_a_merger_is_one_address(old, new):
    assert record_key("山田 花子", old) == record_key("山田 花子", new)


@pytest.mark.parametrize(("old", "new"), APART)
def test_an_old_name_is_rewritten_only_where_the_rest_of_the_address_agrees(old, new):
    assert record_key("山田 花子", old) != record_key("山田 花子", new)


def test_current_names_are_never_rewritten():
    """常陸大宮市 ends in 大宮市, 中央区 is in many cities: today's municipalities stay as they are."""
    for address in ("茨城県常陸大宮市中富町1", "東京都中央区銀座1-1-1", "神奈川県相模原市緑区橋本1-1-1"):
        assert record_key("x", address)[1].startswith(address.split("市")[0].split("区")[0])


def test_the_table_names_old_municipalities_and_known_successors():
    """Every old name is no municipality today, every successor is one the gazetteer knows (else a RuleError when
    the table is read: a silent rewrite of a current address would merge two people)."""
    from scanner.persons.normalise import _old_names

    table = _old_names()  # persons16: a name may stand for several old municipalities (鹿島町), hand and generated rows
    known = rules.load("municipalities")
    current = set(known["municipalities"]) | set(known["ambiguous"])
    assert len(table.names) >= 20
    for olds in table.names.values():
        for name, pref, successors, _renamed, typed_prefecture in olds:  # a name another prefecture has today: typed
            assert (name not in current or typed_prefecture) and pref in known["prefectures"]
            assert all(s in current for s in successors)
    assert "old_municipality" in [r for r, *_ in RULES]


def test_copies_before_and_after_a_merger_count_one_person_through_the_cli(tmp_path):
    """Faker ja_JP residents of towns of merged cities, each with a copy typed with the old name: one person each,
    and the report counts the merges of the rule."""
    fake = Faker("ja_JP")
    fake.seed_instance(13)
    places = [("埼玉県浦和市高砂", "埼玉県さいたま市浦和区高砂"), ("静岡県清水市旭町", "静岡県静岡市清水区旭町"),
              ("東京都保谷市東町", "東京都西東京市東町"), ("東京都田無市南町", "東京都西東京市南町")]
    planted = []
    names = list(dict.fromkeys(fake.name() for _ in range(20)))[:8]
    for i, name in enumerate(names):
        old, new = places[i % len(places)]
        planted += [(name, f"{old}{i + 1}-2-3"), (name, f"{new}{i + 1}-2-3")]  # only the municipality differs
    _roster(tmp_path / "s" / "名簿.csv", planted)
    p = _scan(tmp_path, "o", ["s"], _key())["persons"]
    assert p["unique"] == 12 + len(names)
    assert p["merges"]["old_municipality"] == len(names)
