"""Adversarial cases for the person normaliser: how care-service client lists are really typed.

Every rule has positive cases (spellings of one person that must compare equal) AND negative cases
(different places or people that must stay apart): over-merging is as wrong as missing a merge.
"""

from __future__ import annotations

import pytest

from scanner import rules
from scanner.models import PersonRecord
from scanner.persons.count import count, make_rows, probable_pairs
from scanner.persons.normalise import (
    fill_prefecture,
    kanji_numerals,
    normalise_address,
    normalise_name,
    place_names,
    record_key,
    split_building,
    staged_keys,
)


def same(*forms: str) -> None:
    keys = {normalise_address(f) for f in forms}
    assert len(keys) == 1, keys


def apart(*forms: str) -> None:
    keys = [normalise_address(f) for f in forms]
    assert len(set(keys)) == len(keys), keys


# ---------------------------------------------------------------- kanji numerals
def test_ichibancho_is_a_town_name_not_a_block_number():
    assert kanji_numerals("千代田区一番町5") == "千代田区一番町5"
    assert normalise_address("東京都千代田区一番町10番地") == "東京都千代田区一番町10"
    same("東京都千代田区一番町１０番地", "千代田区一番町十番地", "東京都千代田区1番町10")
    apart("東京都千代田区一番町10", "東京都千代田区二番町10", "東京都千代田区一番町11")


@pytest.mark.parametrize("place", ["東京都八王子市", "三重県四日市市", "東京都三鷹市", "東京都千代田区九段北",
                                   "東京都千代田区一番町", "新潟県三条市", "京都府京都市下京区四条通", "静岡県浜松市浜名区三ヶ日町",
                                   "岩手県二戸市福岡五日町", "東京都品川区東五反田"])
def test_kanji_numerals_in_place_names_never_change(place):
    assert kanji_numerals(place + "1-2") == place + "1-2"
    assert kanji_numerals(place) == place


@pytest.mark.parametrize("kanji,digits", [
    ("九段北一丁目二番三号", "九段北1丁目2番3号"), ("本町二十三番五号", "本町23番5号"), ("本町百五番地", "本町105番地"),
    ("本町三丁目十二番地五", "本町3丁目12番地5"), ("本町三―一二―五", "本町3-12-5"), ("日本橋一-2-3", "日本橋1-2-3"),
    ("本町二○番地", "本町20番地"),  # ○ (a circle) typed for 〇
])
def test_kanji_block_numbers(kanji, digits):
    assert kanji_numerals(kanji) == digits


def test_kanji_room_number_is_not_glued_to_the_block():
    assert normalise_address("東京都小金井市本町3-12-5一〇二号室") == "東京都小金井市本町3-12-5"
    apart("東京都小金井市本町3-12-5一〇二号室", "東京都小金井市本町3-12-5102")


def test_sapporo_jo_numbers():
    same("北海道札幌市中央区北一条西二丁目1", "札幌市中央区北1条西2丁目1番地")
    apart("札幌市中央区北1条西2丁目1", "札幌市中央区北1条西3丁目1", "札幌市中央区北2条西2丁目1")


# ---------------------------------------------------------------- block words and spacing
def test_block_written_every_way():
    same("東京都三鷹市下連雀3丁目12-5", "東京都三鷹市下連雀3-12-5", "東京都三鷹市下連雀三丁目十二番地五",
         "東京都三鷹市下連雀三丁目十二番地の五", "東京都三鷹市下連雀3の12の5", "東京都三鷹市下連雀 3 - 12 - 5",
         "東京都三鷹市下連雀3 12 5", "東京都三鷹市下連雀３－１２－５", "東京都三鷹市下連雀3丁目12番地5号")
    apart("東京都三鷹市下連雀3-12-5", "東京都三鷹市下連雀3-12-6", "東京都三鷹市下連雀3-21-5", "東京都三鷹市下連雀3-12")


def test_trailing_banchi_without_go():
    same("埼玉県比企郡小川町青山123番地", "埼玉県比企郡小川町青山123")
    apart("埼玉県比企郡小川町青山123", "埼玉県比企郡小川町青山124")


# ---------------------------------------------------------------- building and room
@pytest.mark.parametrize("room", [" コーポ山田 101号室", "-101", "#101", " 101", "　２０１", "-101号室", " 101号",
                                  "コーポ山田1-101"])
def test_building_and_room_are_set_aside(room):
    assert normalise_address("東京都小金井市本町3丁目12番5号" + room) == "東京都小金井市本町3-12-5"


def test_room_only_difference_is_one_person_on_purpose():
    """Rooms are typed in many ways or left out; same name + same block is one person (documented)."""
    a = record_key("山田 太郎", "東京都小金井市本町3-12-5 コーポ山田101")
    b = record_key("山田 太郎", "東京都小金井市本町3-12-5 コーポ山田202")
    assert a == b
    assert split_building("東京都小金井市本町3-12-5コーポ山田202")[1] == "コーポ山田202"  # kept for display


def test_three_number_chain_is_not_cut_but_listed_as_probable():
    """本町12-5-8 (no 丁目): the 8 may be a room or a 号; not merged, listed for the examiner. A third number
    of three or four digits (12-5-101) is a room (Session 9: tests/test_persons_retyped.py)."""
    a, b = record_key("山田 太郎", "東京都小金井市本町12-5"), record_key("山田 太郎", "東京都小金井市本町12-5-8")
    assert a != b
    assert ("extra_number", a, b) in probable_pairs([a, b])
    assert record_key("山田 太郎", "東京都小金井市本町12-5-101") == a
    c = record_key("山田 花子", "東京都小金井市本町12-5-8")  # another name: nothing
    assert not [p for p in probable_pairs([a, c]) if p[0] == "extra_number"]


def test_place_name_numbers_are_not_taken_for_the_block():
    assert split_building("北海道札幌市中央区北1条西2")[0] == "北海道札幌市中央区北1条西2"
    assert split_building("東京都千代田区1番町10コーポ2")[0] == "東京都千代田区1番町10"
    assert split_building("岩手県岩手郡雫石町第3地割12")[0] == "岩手県岩手郡雫石町第3地割12"
    apart("東京都千代田区一番町10番地", "東京都千代田区一番町12番地")


# ---------------------------------------------------------------- prefecture, 郡, designated cities
def test_county_present_or_missing():
    same("東京都西多摩郡瑞穂町箱根ケ崎1-2", "西多摩郡瑞穂町箱根ケ崎1-2", "瑞穂町箱根ケ崎1-2", "東京都瑞穂町箱根ヶ崎1-2")
    same("長野県諏訪郡富士見町富士見1", "長野県富士見町富士見1")


@pytest.mark.parametrize("city", ["福島県郡山市虎丸町1-2", "奈良県大和郡山市北郡山町1", "岐阜県郡上市八幡町1"])
def test_cities_with_gun_in_their_name_keep_it(city):
    assert normalise_address(city) == city
    assert normalise_address(city.split("県", 1)[1]) == city


def test_designated_city_ward():
    same("神奈川県横浜市港北区日吉1-2-3", "横浜市港北区日吉1-2-3", "港北区日吉1-2-3", "神奈川県港北区日吉1-2-3",
         "神奈川横浜市港北区日吉1-2-3")


@pytest.mark.parametrize("address", ["東京都港区芝1-2", "東京都北区赤羽1-2", "東京都千代田区一番町1", "大阪府大阪市北区梅田1"])
def test_tokyo_wards_are_not_given_a_city(address):
    assert fill_prefecture(address) == address


@pytest.mark.parametrize("address,expected", [
    ("港区芝1-2", "東京都港区芝1-2"), ("府中市宮西町1-2", "東京都府中市宮西町1-2"), ("北区赤羽1-2", "東京都北区赤羽1-2"),
    ("大阪北区梅田1", "大阪府大阪市北区梅田1"), ("北区紫野大徳寺町88番地", "京都府京都市北区紫野大徳寺町88"),
    ("中央区北２条西２３丁目１－１０", "北海道札幌市中央区北二条西23-1-10"), ("南区西九条春日町13", "京都府京都市南区西九条春日町13"),
])
def test_a_place_named_in_many_cities_is_decided_by_its_town(address, expected):
    """港区, 府中市, 北区 exist in several prefectures or cities: the town decides when only one has it."""
    assert normalise_address(address) == expected


@pytest.mark.parametrize("address", ["北区昭和町1-2", "府中市府中町1-2", "中央区富士見1-2", "南区別所1-2", "港区1-2"])
def test_ambiguous_places_are_not_guessed(address):
    """北区昭和町 is in 東京都北区 and in 岡山市北区; 府中町 in both 府中市: never guessed."""
    assert normalise_address(address) == address


def test_prefecture_typed_without_to_fu_ken():
    same("東京小金井市本町3-12-5", "東京都小金井市本町3-12-5")
    assert fill_prefecture("京都市北区紫野1") == "京都府京都市北区紫野1"  # 京都市 is the city, not 京都 + 市
    assert fill_prefecture("富山市本町1") == "富山県富山市本町1"


# ---------------------------------------------------------------- place-name spellings
def test_ga_ke_forms_of_one_place():
    same("東京都千代田区霞が関1-2-3", "東京都千代田区霞ヶ関1-2-3", "東京都千代田区霞ケ関1-2-3", "東京都千代田区霞ガ関1-2-3")
    same("東京都目黒区自由が丘1-2", "東京都目黒区自由ヶ丘1-2")
    apart("東京都千代田区霞ヶ関1-2-3", "東京都千代田区霞関1-2-3")
    assert place_names("コケシ荘ケーキ") == "コケシ荘ケーキ"  # ケ next to kana stays


def test_no_forms_of_one_place():
    same("東京都江戸川区一之江1-2", "東京都江戸川区一の江1-2", "東京都江戸川区一ノ江1-2")
    same("東京都台東区三ノ輪2-5-3", "東京都台東区三の輪2-5-3")
    apart("東京都江戸川区一之江1-2", "東京都江戸川区一江1-2")


def test_aza_prefixes_left_out():
    same("埼玉県比企郡小川町大字青山123番地", "埼玉県比企郡小川町青山123", "小川町大字青山123", "福島県伊達郡桑折町字青山123"
         .replace("福島県伊達郡桑折町", "埼玉県小川町"))
    apart("埼玉県比企郡小川町大字青山123", "埼玉県比企郡小川町大字角山123")


def test_old_kanji_in_place_names():
    same("東京都台東区竜泉1-2", "東京都台東区龍泉1-2")
    same("茨城県龍ケ崎市1-2", "龍ケ崎市1-2", "茨城県竜ヶ崎市1-2")  # the table lookup still sees 龍ケ崎市
    same("東京都大田区田園調布1-2-3", "東京都大田區田園調布1-2-3".replace("區", "区"))
    apart("東京都台東区竜泉1-2", "東京都台東区竜泉2-1")


def test_placeholder_addresses_are_empty():
    for text in ("不明", "-", "同上", "－", "なし"):
        assert normalise_address(text) == ""


# ---------------------------------------------------------------- names
def test_every_variant_kanji_maps_to_a_common_form():
    data = rules.load("person_variants")
    for old, new in data["variants"]["map"].items():
        assert normalise_name(f"{old}田 花子") == normalise_name(f"{new}田 花子")
        assert new not in data["variants"]["map"]  # one way: the common form is final


def test_variant_kanji_the_brief_names():
    for a, b in [("髙橋", "高橋"), ("山﨑", "山崎"), ("宮嵜", "宮崎"), ("渡邊", "渡辺"), ("渡邉", "渡辺"), ("齋藤", "斎藤"),
                 ("濵田", "浜田"), ("濱田", "浜田"), ("澤井", "沢井"), ("廣瀬", "広瀬"), ("嶋田", "島田"), ("國分", "国分"),
                 ("櫻井", "桜井"), ("瀨戸", "瀬戸"), ("眞鍋", "真鍋"), ("惠", "恵"), ("德永", "徳永"), ("𠮷田", "吉田")]:
        assert normalise_name(a + " 一郎") == normalise_name(b + "　一郎")


@pytest.mark.parametrize("a,b", [("斎藤 一郎", "斉藤 一郎"), ("齊藤 一郎", "斎藤 一郎"), ("龍崎 一郎", "竜崎 一郎")])
def test_confusable_kanji_are_probable_only(a, b):
    ka, kb = record_key(a, "東京都小金井市本町1-2-3"), record_key(b, "東京都小金井市本町1-2-3")
    assert ka != kb
    assert [r for r, *_ in probable_pairs([ka, kb])] == ["kanji_probable"]


def test_ivs_and_compatibility_ideographs():
    assert normalise_name("葛\U000e0100西 太郎") == normalise_name("葛西 太郎")
    assert normalise_name("山\ufa11 太郎") == "山崎太郎"  # U+FA11 is not changed by NFKC


@pytest.mark.parametrize("typed", ["山田 太郎 様", "山田太郎様", "山田　太郎　殿", "山田太郎さん", "山田 太郎（ヤマダ タロウ）",
                                   "山田太郎(やまだたろう)", "山田\u00a0太郎", "山田 太郎（故）", "★山田太郎", "山田太郎 ※入院中",
                                   "【要確認】山田太郎".replace("【要確認】", "") + "【要確認】", "山田 太郎 様（長女 花子）"])
def test_name_decorations(typed):
    assert normalise_name(typed) == "山田太郎"


def test_name_decorations_negative():
    assert normalise_name("様") == "様"
    assert normalise_name("山田 様子") == "山田様子"  # 様 inside a name stays
    assert normalise_name("山田（佐藤）太郎") != "山田太郎"  # brackets inside the name stay (旧姓?)
    assert normalise_name("山田 太郎") != normalise_name("山田 次郎")


def test_kana_names():
    assert normalise_name("やまだ はな") == normalise_name("ヤマダ ハナ") == normalise_name("ﾔﾏﾀﾞ ﾊﾅ") == "ヤマダハナ"
    assert normalise_name("ジョン・スミス") == normalise_name("ジョン スミス")
    assert normalise_name("やまだ はな") != normalise_name("山田 花")  # kanji and kana are not guessed


def test_placeholder_names_are_not_persons():
    recs = [PersonRecord("s", i, {"name": n, "address": "東京都小金井市本町1-2"})
            for i, n in enumerate(["-", "不明", "　", "同上", "ー", "山田 太郎"])]
    rows, nameless = make_rows(0, recs)
    c = count(rows, nameless)
    assert (c.records, c.without_name, c.unique) == (6, 5, 1)


# ---------------------------------------------------------------- records
def test_same_name_different_address_is_two_persons():
    recs = [PersonRecord("s", 1, {"name": "佐藤 花子", "address": "東京都小金井市本町1-2-3"}),
            PersonRecord("s", 2, {"name": "佐藤　花子", "address": "小金井市本町一丁目二番三号"}),
            PersonRecord("s", 3, {"name": "佐藤 花子", "address": "東京都小金井市本町1-2-4"}),
            PersonRecord("s", 4, {"name": "佐藤 花子", "address": "東京都小金井市緑町1-2-3"}),
            PersonRecord("s", 5, {"name": "佐藤 花子", "address": ""})]
    rows, nameless = make_rows(0, recs)
    c = count(rows, nameless)
    assert (c.records, c.unique_exact, c.unique) == (5, 5, 4)
    rules_seen = {p["rule"] for p in c.probable}
    assert {"one_block_number", "no_address"} <= rules_seen


def test_staged_keys_end_at_record_key():
    for name, address in [("髙橋 太郎 様", "西多摩郡瑞穂町大字箱根ケ崎二丁目三番地 コーポ101"),
                          ("やまだ はな", "東京千代田区一番町十番地"), ("龍崎 一郎", "港北区日吉三―一二―五")]:
        assert staged_keys(name, address)[-1] == record_key(name, address)


def test_municipality_spelt_with_ke_or_old_kanji_still_finds_its_prefecture():
    same("鶴ケ島市脚折町1-2", "埼玉県鶴ヶ島市脚折町1-2", "埼玉鶴ケ島市脚折町1-2")
    same("竜ヶ崎市佐貫町1", "茨城県龍ケ崎市佐貫町1")
    same("神奈川県保土ヶ谷区岩間町1", "横浜市保土ケ谷区岩間町1")
    same("不破郡関ヶ原町関ケ原1", "岐阜県関ケ原町関ヶ原1")
    apart("埼玉県鶴ヶ島市脚折町1-2", "埼玉県鶴ヶ島市脚折町1-3")


def test_ichiban_town_before_a_chome():
    """名古屋市熱田区一番 is a town: 一番二丁目3-4 is 丁目 2, 番 3, 号 4, not 1-2-3 with a room 4."""
    same("愛知県名古屋市熱田区一番二丁目3-4", "名古屋市熱田区一番2丁目3番4号", "名古屋市熱田区1番2丁目3-4")
    apart("名古屋市熱田区一番二丁目3-4", "名古屋市熱田区一番二丁目3-5", "名古屋市熱田区二番二丁目3-4")


def test_cho_without_me_between_numbers():
    """堺市 writes 丁 for 丁目: 東1丁1-1."""
    same("大阪府堺市堺区甲斐町東1丁1-1", "堺市堺区甲斐町東1丁目1番1号", "堺市堺区甲斐町東一丁一番一号")
    apart("堺市堺区甲斐町東1丁1-1", "堺市堺区甲斐町東2丁1-1")


def test_room_after_a_kanji_block_and_a_space():
    same("東京都台東区龍泉七丁目十六番地の八\u3000608", "東京都台東区竜泉7-16-8", "台東区竜泉七―十六―八 608")


def test_go_followed_by_a_room():
    same("東京都小金井市本町3丁目12番5号101号室", "東京都小金井市本町3-12-5")
    apart("東京都小金井市本町3丁目12番5号101号室", "東京都小金井市本町3-12-51")


def test_repeated_kanji_and_invisible_characters_in_names():
    assert normalise_name("佐佐木 太郎") == normalise_name("佐々木 太郎")
    assert normalise_name("山田\u00ad太郎") == normalise_name("山田\u200e太郎") == "山田太郎"
    assert normalise_name("佐々木 太郎") != normalise_name("佐木 太郎")


def test_kana_name_is_probable_with_the_reading_of_a_kanji_name():
    recs = [PersonRecord("s", 1, {"name": "山田 花子", "reading": "やまだ はなこ", "address": "東京都小金井市本町1-2-3"}),
            PersonRecord("s", 2, {"name": "ヤマダ ハナコ", "address": "小金井市本町1-2-3"}),
            PersonRecord("s", 3, {"name": "ヤマダ ハナコ", "address": "東京都小金井市本町9-9-9"}),  # elsewhere: no
            PersonRecord("s", 4, {"name": "山田 華子", "reading": "ヤマダ ハナコ", "address": "東京都小金井市緑町1-2"})]
    rows, nameless = make_rows(0, recs)
    c = count(rows, nameless, unmask=True)
    assert c.unique == 4  # never merged
    kana = [p for p in c.probable_clear if p["rule"] == "kana_name"]
    assert len(kana) == 1
    assert {kana[0]["a"]["name"], kana[0]["b"]["name"]} == {"山田 花子", "ヤマダ ハナコ"}


def test_block_that_excel_turned_into_a_date():
    """番地 typed in its own cell: Excel stores 3-12-5 as 2003-12-05 and 12-5 as 5 Dec of that year."""
    same("東京都小金井市本町2003-12-05", "東京都小金井市本町2003/12/5", "東京都小金井市本町3-12-5")
    same("埼玉県小川町青山2024-12-05", "埼玉県小川町青山12月5日", "埼玉県小川町青山12-5")
    apart("東京都小金井市本町2003-12-05", "東京都小金井市本町2003-12-06", "東京都小金井市本町2004-12-05")
    # not a date Excel made: a 4-digit 番地 outside 2001-2039, a note after the block, 月島
    assert normalise_address("東京都小金井市本町1995-12-05") == "東京都小金井市本町1995-12-05"
    assert normalise_address("東京都小金井市本町3-12-5 ※2019/4/1転居") == "東京都小金井市本町3-12-5"
    assert normalise_address("東京都中央区月島1-2") == "東京都中央区月島1-2"


def test_ke_in_surnames():
    assert normalise_name("一ケ谷 太郎") == normalise_name("一ヶ谷 太郎")
    assert normalise_name("ケイコ") == "ケイコ"  # katakana names keep their ケ
    assert normalise_name("一ヶ谷 太郎") != normalise_name("一谷 太郎")


def test_municipality_table_has_no_split_artefacts():
    """郡山市 and 大和郡山市 are cities: splitting them at 郡 once produced 山市, 市 and 上市 entries."""
    data = rules.load("municipalities")
    keys = set(data["municipalities"]) | set(data["ambiguous"])
    assert not {"市", "山市", "上市"} & keys
    assert {"郡山市", "大和郡山市", "郡上市", "蒲郡市", "瑞穂町", "西多摩郡瑞穂町"} <= keys


def test_leading_marks_and_remarks_in_addresses():
    same("（旧住所）東京都小金井市本町3-12-5", "★〒184-0004 東京都小金井市本町3-12-5", "【施設】小金井市本町3-12-5",
         "東京都小金井市本町3-12-5")
    apart("（旧住所）東京都小金井市本町3-12-5", "東京都小金井市本町3-12-6")
