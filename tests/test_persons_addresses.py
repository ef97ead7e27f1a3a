"""Addresses as the country writes them (issue 13): real spellings from public suites, the town gazetteer.

Measured on tests/data/address_suites.tsv (8,218 spellings and normal forms from three public address
normalisers' test suites, sources and licences in its header) and on the gazetteer itself: every town
typed with two different blocks must give two keys. bench/bench_addresses.py runs the full sweep and
records the figures in bench/README.md.
"""

from __future__ import annotations

import random
import re

import address_data as ad
import persons_data as pd
import pytest

from reports.labels import label
from scanner import rules
from scanner.errors import RuleError
from scanner.merge import _merge_persons
from scanner.models import PersonRecord
from scanner.persons.count import count, make_rows, probable_pairs
from scanner.persons.gazetteer import Gazetteer, gazetteer
from scanner.persons.normalise import RULES, normalise_address, normalise_name, normalise_reading, record_key


def same(*forms: str) -> None:
    keys = {normalise_address(f) for f in forms}
    assert len(keys) == 1, keys


def apart(*forms: str) -> None:
    keys = [normalise_address(f) for f in forms]
    assert len(set(keys)) == len(keys), keys


# ---------------------------------------------------------------- the public suites
@pytest.fixture(scope="module")
def suites() -> ad.Measure:
    cases = ad.load_cases()
    assert len(cases) > 8000
    return ad.measure(cases, normalise_address)


def test_public_suites_equivalence_recall(suites):
    """A spelling and its normal form share one key: 99.5% over all cases, 97% over those typed by hand."""
    misses = [(c.typed, c.normal) for c in suites.misses]
    assert suites.recall("all") >= 0.995, misses[:20]
    assert suites.recall("handtyped") >= 0.97, misses[:20]
    assert suites.recall(ad.OFFICE) >= 0.97, misses[:20]


def test_public_suites_no_false_merges(suites):
    """Two different places (by the suites' own answer) never share a key."""
    assert suites.false_merges == []


def test_the_sapporo_list_typed_by_a_city_office():
    sapporo = [c for c in ad.load_cases() if "sapporo-schools" in c.source]
    assert len(sapporo) == 21
    same_key = [c for c in sapporo if normalise_address(c.typed) == normalise_address(c.normal)]
    assert len(same_key) >= 19
    # the two left name no city, and their town is not unique in the country: not guessed
    assert normalise_address("南１２西１２ー２-２７") == "南12"  # 南十二条西: 札幌市中央区 and 網走市
    assert not normalise_address("中の島２－２－５－２０").startswith("北海道")  # 中の島 is a town elsewhere too


def test_the_oracle_tells_places_apart():
    """place_of is what false merges are judged by: it must see two blocks and two towns as two places."""
    a = ad.place_of(("北海道", "札幌市中央区", "北三条西三丁目", "1-56"))
    assert a == ad.place_of(("北海道", "札幌市中央区", "北三条西三丁目", "1-56マルゲンビル3F"))
    assert a != ad.place_of(("北海道", "札幌市中央区", "北三条西三丁目", "1-57"))
    assert a != ad.place_of(("北海道", "札幌市中央区", "北四条西三丁目", "1-56"))
    assert ad.place_of(("", "", "", "")) is None


# ---------------------------------------------------------------- the gazetteer sweep
def test_gazetteer_sweep_sampled():
    """Every 40th town and every 8th town with a number in its name: 12-3 and 45-6 never share a key, two
    towns never share one, and a town typed with digits or 大字 is the same town (full sweep: bench)."""
    result = ad.sweep(normalise_address, every=40, numbered_every=8)
    assert result.forms > 5000
    assert result.same_block == []
    assert result.shared == []
    assert result.split == []


def test_gazetteer_is_complete_and_read_from_package_data():
    g = gazetteer()
    assert len(g.munis) >= 1700 and len(g.prefectures) == 47
    assert sum(len(m.towns_text.split("|")) for m in g.munis) > 100_000
    assert "towns.tsv" in rules.ruleset_files()  # hashed into the rule set like every signature


@pytest.mark.parametrize("rows", [[["01101", "北海道"]], [["1101", "北海道", "札幌市中央区", "伏見"]],
                                  [["01101", "", "札幌市中央区", "伏見"]], []])
def test_a_damaged_gazetteer_is_a_rule_error(rows):
    with pytest.raises(RuleError, match="towns.tsv"):
        Gazetteer(rows)


def test_a_gazetteer_that_is_not_utf8_is_a_rule_error(monkeypatch, tmp_path):
    (tmp_path / "towns.tsv").write_bytes(b"01101\t\x82\xa0\t\xff\n")
    monkeypatch.setattr(rules.resources, "files", lambda _pkg: tmp_path)
    with pytest.raises(RuleError, match="towns.tsv"):
        rules.load_table("towns")


# ---------------------------------------------------------------- spellings that must give one key
@pytest.mark.parametrize("forms", [
    # a ward without its city, decided by the town (北区, 中央区, 南区 exist in many cities)
    ("北区中川北山町48番地の2", "京都府京都市北区中川北山町48-2"),
    ("中央区北２条西２３丁目１－１０", "北海道札幌市中央区北二条西二十三丁目1-10"),
    ("南区西九条春日町13", "京都府京都市南区西九条春日町13"),
    # a town without its municipality, unique in the country; a municipality in two prefectures
    ("紀尾井町1-3", "東京都千代田区紀尾井町1-3"),
    ("府中市府川町315", "広島県府中市府川町315"),
    # Hokkaido 条
    ("北海道札幌市西区発寒6条3丁目2-7", "北海道札幌市西区発寒六条三丁目2-7"),
    ("北海道札幌市北区北16条西2丁目1-1", "北海道札幌市北区北16西2-1-1", "北海道札幌市北区北十六条西二丁目1-1",
     "北海道札幌市北区北１６西２－１－１"),
    ("北海道札幌市西区八軒２条西１丁目３－１", "北海道札幌市西区八軒二条西一丁目3-1"),
    ("北海道石狩郡新篠津村第４６線北１０番地", "北海道石狩郡新篠津村第四十六線北10"),
    ("北海道札幌市豊平区月寒東3条18丁目1-72", "北海道札幌市豊平区月寒東３-１８-１-７２"),
    ("手稲前田５５５－３", "北海道札幌市手稲区手稲前田555-3"),
    # variant kanji in place and municipality names
    ("東京都千代田区麴町二丁目8番地", "東京都千代田区麹町2-8"),
    ("東京都西多摩郡桧原村上元郷403", "東京都西多摩郡檜原村上元郷403"),
    ("新潟県小千谷市大字籔川41", "新潟県小千谷市大字藪川41", "新潟県小千谷市薮川41"),
    ("宮城県塩釜市海岸通15-1", "宮城県塩竈市海岸通15-1"),
    ("長崎県諌早市東小路町7-1", "長崎県諫早市東小路町7-1"),
    ("青森県西津軽郡鯵ヶ沢町大字舞戸町字鳴戸321番地", "青森県西津軽郡鰺ヶ沢町大字舞戸町字鳴戸321番地"),
    ("三重県北牟娄郡紀北町相賀３１２−６", "三重県北牟婁郡紀北町相賀312−6"),
    # numbers
    ("和歌山県東牟婁郡串本町串本千二百三十四", "和歌山県東牟婁郡串本町串本1234", "和歌山県串本町串本一二三四"),
    ("東京都千代田区紀尾井町壱ノ３", "東京都千代田区紀尾井町壱番地三号", "東京都千代田区紀尾井町1-3"),
    ("埼玉県上尾市一町目１１１", "埼玉県上尾市壱丁目111", "埼玉県上尾市1-111"),
    ("和歌山県和歌山市7番町19", "和歌山県和歌山市七番丁19"),
    ("東京都千代田区紀尾井町1-3一番館", "東京都千代田区紀尾井町1-3 一番館", "東京都千代田区紀尾井町1-3"),
    ("三重県名張市つつじが丘北３－４－１７", "三重県名張市つつじが丘北三番町4-17"),
    ("新潟県新潟市中央区礎町通1-1968-1", "新潟県新潟市中央区礎町通一ノ町1968-1"),
    # look-alike and garbled characters
    ("千葉県巿川巿巿川1丁目", "千葉県市川市市川一丁目"),
    ("東京都千代田区紀尾井町壱丿３", "東京都千代田区紀尾井町1-3"),
    ("東京都千代田区\ufffd\ufffd尾井町1ー３ー２", "東京都千代田区紀尾井町1-3-2"),
    ("群馬県\ufffd\ufffd川市渋川７７８番地", "群馬県渋川市渋川778"),
    ("愛知県安城市柿碕町1", "愛知県安城市柿さき町1"),
    # Kyoto street prefixes
    ("京都府京都市中京区寺町通御池上る上本能寺前町488番地", "京都府京都市中京区上本能寺前町488"),
    ("上京区寺之内通千本東入1丁目下る姥ケ寺之前町919-3", "京都府京都市上京区姥ケ寺之前町919-3"),
    # a room or floor after the block; a final 町 left out
    ("札幌市中央区南２条西１ー５ー２号室", "北海道札幌市中央区南二条西一丁目5"),
    ("東京都江戸川区西小松川12-345", "東京都江戸川区西小松川町12-345"),
])
def test_spellings_of_one_address(forms):
    same(*forms)


# ---------------------------------------------------------------- different addresses, different keys
@pytest.mark.parametrize("forms", [
    # a number in the town's name is not the block
    ("北海道上川郡東川町一号北12-3", "北海道上川郡東川町一号北45-6", "北海道上川郡東川町1号南12-3"),
    ("北海道札幌市白石区南郷通十七丁目南12-3", "北海道札幌市白石区南郷通17丁目北12-3"),
    ("和歌山県和歌山市七番丁19", "和歌山県和歌山市八番丁19", "和歌山県和歌山市十七番丁19"),
    ("宮城県登米市豊里町外一番江12", "宮城県登米市豊里町外二番江12", "宮城県登米市豊里町内一番江12"),
    ("三重県松阪市京町一区12-3", "三重県松阪市京町一区45-6"),
    ("三重県津市久居二ノ町12", "三重県津市久居二ノ町45"),
    ("京都府京都市中京区三本木五丁目12", "京都府京都市中京区三本木五丁目45", "京都府京都市中京区三本木町12"),
    # Hokkaido: the four-number chain, and the short form keeps its 丁目 and block
    ("北海道札幌市豊平区月寒東3-18-1-72", "北海道札幌市豊平区月寒東3-18-1-73"),
    ("北海道札幌市北区北16西2-1-1", "北海道札幌市北区北16西3-1-1", "北海道札幌市北区北16西2-1-2", "北海道札幌市北区北17西2-1-1"),
    ("北海道旭川市東鷹栖1-18-1-72", "北海道旭川市東鷹栖1-18-1-73"),  # 東鷹栖1条 or 1線: unknown, four numbers kept
    # 大字 dropped, but never two towns merged; a final 町 may be left out, one inside a name may not
    ("大分県別府市大字鶴見12", "大分県別府市鶴見45"),
    ("東京都町田市本田1-2", "東京都町田市本町田1-2"),
])
def test_different_addresses_keep_different_keys(forms):
    apart(*forms)


@pytest.mark.parametrize("address", ["旭町1-2", "中央1-2", "本町3-12-5", "中の島2-2-5-20", "北区昭和町1-2"])
def test_a_town_found_in_many_places_is_not_placed(address):
    """旭町 and 中央 are towns in hundreds of municipalities: an alias found once (旭川市旭町一条) does not
    decide; the address keeps no prefecture."""
    assert not normalise_address(address).startswith(("北海道", "東京都", "岡山県"))


def test_aza_dropped_is_the_same_town():
    same("大分県別府市大字鶴見12", "大分県別府市鶴見12", "別府市字鶴見12")


def test_a_typed_separator_is_not_ours():
    """\\x1f separates the town from the rest inside the rules: typed into a cell, it is dropped."""
    assert normalise_address("東京都千代田区紀尾井町\x1f1-3") == normalise_address("東京都千代田区紀尾井町1-3")


@pytest.mark.parametrize("hostile", ["東京都千代田区" + "一" * 32_000 + "番地", "東京都千代田区" + "あ1" * 5_000,
                                     "\ufffd" * 3_000 + "1", "北海道" + "1-" * 10_000, "千" * 5_000, "\x1f" * 50])
def test_hostile_addresses_give_a_key(hostile):
    """Numeral runs longer than Python converts, kana/digit alternations, lost characters: a key, no crash."""
    assert isinstance(normalise_address(hostile), str)


# ---------------------------------------------------------------- names and readings
@pytest.mark.parametrize("a,b", [("檜山 一郎", "桧山 一郎"), ("藪田 花子", "薮田 花子"), ("籠谷 一郎", "篭谷 一郎"),
                                 ("𡈽屋 一郎", "土屋 一郎"), ("齊藤 一郎", "斉藤 一郎"), ("籔内 一郎", "薮内 一郎")])
def test_variant_kanji_in_names_merge(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_sai_old_form_merges_but_sai_saito_stays_probable():
    address = "東京都小金井市本町1-2-3"
    a, b, c = record_key("齊藤 一郎", address), record_key("斉藤 一郎", address), record_key("斎藤 一郎", address)
    assert a == b != c
    assert [rule for rule, *_ in probable_pairs([b, c])] == ["kanji_probable"]


@pytest.mark.parametrize("a,b", [("ヤマダ タロー", "ヤマダ タロウ"), ("オーノ ヨーコ", "オオノ ヨウコ"), ("ユーコ", "ゆうこ"),
                                 ("ジョージ スミス", "ジョウジ スミス")])
def test_long_vowels_in_kana_names_unify(a, b):
    assert normalise_name(a) == normalise_name(b)
    assert normalise_reading(a) == normalise_reading(b)


def test_long_vowels_do_not_touch_other_names():
    assert normalise_name("ヤマダ タロウ") != normalise_name("ヤマダ タロ")
    assert normalise_name("山田 太郎") == "山田太郎"


def test_a_kana_name_next_to_its_kanji_name_stays_a_probable_pair():
    """ヤマダタロー typed where another row has 山田太郎 with the reading ヤマダタロウ: listed, not merged."""
    address = "東京都千代田区紀尾井町1-3"
    records = [PersonRecord("名簿", 2, {"name": "山田 太郎", "reading": "ヤマダ タロウ", "address": address}),
               PersonRecord("名簿", 3, {"name": "ヤマダ タロー", "address": "東京都千代田区紀尾井町壱ノ３"})]
    rows, nameless = make_rows(0, records)
    c = count(rows, nameless)
    assert c.unique == 2
    assert [p["rule"] for p in c.probable] == ["kana_name"]


def test_every_new_fold_is_named_in_the_merge_log():
    """The review pairs say which rule merged them: town, look_alikes, long_vowels, prefecture."""
    records = [PersonRecord("名簿", i + 2, {"name": n, "address": a}) for i, (n, a) in enumerate([
        ("山田 太郎", "北海道札幌市北区北16条西2-1-1"), ("山田 太郎", "北海道札幌市北区北16西2-1-1"),
        ("川上 花子", "千葉県市川市市川1-2"), ("川上 花子", "千葉県巿川巿市川1-2"),
        ("ヤマダ ヨウコ", "東京都千代田区紀尾井町1-3"), ("ヤマダ ヨーコ", "東京都千代田区紀尾井町1-3"),
        ("森 一郎", "京都府京都市北区紫野大徳寺町88"), ("森 一郎", "北区紫野大徳寺町88")])]
    rows, nameless = make_rows(0, records)
    c = count(rows, nameless)
    assert c.unique == 4
    assert {p["rule"] for p in c.review} == {"town", "look_alikes", "long_vowels", "prefecture"}
    assert all(c.merges[rule] == 1 for rule in ("town", "look_alikes", "long_vowels", "prefecture"))


def test_every_rule_has_a_report_label_in_both_languages():
    """The report lists merges per rule by label: a new rule without one would show its code only."""
    for lang in ("ja", "en"):
        missing = [rule for rule, *_ in RULES if not label(f"persons_rule_{rule}", lang)]
        assert missing == [], lang


def test_real_towns_typed_as_staff_type_them():
    """600 towns drawn from the gazetteer (seeded), each written five ways staff write an address: no
    prefecture, full-width digits and no 郡, kanji numerals with spaces, 大字 and 番地, ー dashes and a
    building. One key per address (a town ending in a numeral included: 丈六九丁目 is 丈六 + 九丁目)."""
    rnd = random.Random(13)
    table = [row for row in rules.load_table("towns") if row[3]]
    wide = str.maketrans("0123456789-", "０１２３４５６７８９－")
    split = []
    for _ in range(600):
        _code, pref, city, towns = rnd.choice(table)
        town = rnd.choice(towns.split("|"))
        c, b, g = rnd.randint(1, 9), rnd.randint(1, 40), rnd.randint(1, 30)
        short = re.sub(r"^.+?郡(?=.+[町村]$)", "", city)
        base = f"{pref}{city}{town}{c}丁目{b}番{g}号"
        forms = [f"{city}{town}{c}-{b}-{g}", f"{pref}{short}{town}{c}-{b}-{g}".translate(wide),
                 f"{pref} {city} {town}{pd.kanji_number(c)}丁目{pd.kanji_number(b)}番{pd.kanji_number(g)}号",
                 f"{pref}{city}大字{town}{c}丁目{b}番地{g}", f"{pref}{city}{town}{c}ー{b}ー{g} コーポ{town}101"]
        split += [(base, f) for f in forms if normalise_address(f) != normalise_address(base)]
    assert split == []
    same("佐賀県武雄市西川登町神六七丁目九番二十七号", "佐賀県武雄市西川登町神六7丁目9番27号")


def test_merge_combines_persons_only_when_keyed_with_the_same_rules():
    """A scan keyed before the gazetteer and one after: their fingerprints of one person differ, so a merge
    must not add them up (it would count people twice)."""
    from types import SimpleNamespace

    key = bytes(32)  # both inputs share one case key: only the rules differ

    def doc(towns_sha: str | None) -> SimpleNamespace:
        return SimpleNamespace(
            tool={"version": "1", "rule_files": {"person_variants.toml": "x", "towns.tsv": towns_sha}},
            persons={"rules": [r for r, *_ in RULES], "records": 1, "fingerprints": [towns_sha or "old"],
                     "files": [{"id": 1}]})

    same, note = _merge_persons([doc("t"), doc("t")], [key, key], [{}, {}])
    assert same is not None and note.startswith("combined")
    mixed, note = _merge_persons([doc(None), doc("t")], [key, key], [{}, {}])
    assert mixed is None and note.startswith("not combined") and "rules" in note
