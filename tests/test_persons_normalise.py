"""One test per normalisation rule of DOMAIN.md section 3, and every example given there."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from scanner import rules
from scanner.known_hashes import parse_known_hashes
from scanner.persons.count import probable_pairs
from scanner.persons.normalise import (
    address_nfkc,
    address_spaces,
    block_words,
    fill_prefecture,
    hyphens,
    kanji_number,
    kanji_numerals,
    normalise_address,
    normalise_name,
    normalise_reading,
    record_key,
    split_building,
)


# ---------------------------------------------------------------- DOMAIN.md examples
def test_domain_example_four_addresses_are_one():
    forms = ["東京都小金井市本町３丁目１２番５号", "小金井市本町3-12-5", "東京都小金井市本町三丁目12番5号",
             "東京都小金井市本町3ー12ー5"]
    keys = {normalise_address(a) for a in forms}
    assert keys == {"東京都小金井市本町3-12-5"}


def test_domain_example_block_words():
    assert block_words("3丁目12番5号") == "3-12-5"


def test_domain_example_kanji_block_number():
    assert kanji_numerals("三丁目") == "3丁目"


@pytest.mark.parametrize("place", ["東京都八王子市本町1-2-3", "三重県四日市市諏訪町4-5", "東京都台東区三ノ輪2-5-3"])
def test_kanji_numerals_in_place_names_stay(place):
    assert kanji_numerals(place) == place
    assert normalise_address(place) == place  # the gazetteer's spelling: 三 stays a kanji
    assert normalise_address(place.replace("三ノ輪", "三の輪")) == place  # ノ/の folded


def test_domain_example_prefecture_from_municipality():
    assert fill_prefecture("小金井市本町3-12-5") == "東京都小金井市本町3-12-5"


# ---------------------------------------------------------------- rule 1: NFKC, variation selectors
def test_nfkc_full_width_digits_and_letters():
    assert address_nfkc("本町３丁目１２番５号　ＡＢＣビル") == "本町3丁目12番5号 ABCビル"


def test_nfkc_drops_variation_selectors_and_zero_width():
    assert address_nfkc("葛\U000e0100飾区") == "葛飾区"
    assert address_nfkc("辻\ufe00堂1\u200b-2") == "辻堂1-2"
    assert normalise_name("葛\U000e0100西 太郎") == normalise_name("葛西太郎")


def test_nfkc_strips_a_leading_postal_code():
    assert address_nfkc("〒１６０－００２３ 東京都新宿区西新宿1-2") == "東京都新宿区西新宿1-2"
    assert address_nfkc("160ー0023　東京都新宿区") == "東京都新宿区"


# ---------------------------------------------------------------- rule 2: hyphens next to digits
@pytest.mark.parametrize("dash", ["－", "‐", "−", "―", "ー", "ｰ", "—", "–"])
def test_hyphen_like_characters_next_to_digits(dash):
    assert hyphens(unicodedata.normalize("NFKC", f"本町3{dash}12{dash}5")) == "本町3-12-5"


def test_hyphen_like_characters_elsewhere_stay():
    assert hyphens("コーポ山田3-12") == "コーポ山田3-12"
    assert hyphens("センター") == "センター"


# Session 10: offices also type the block with dots, slashes, tildes, 中黒 or underscores between the numbers; the
# key cut the block after its first number and set the rest aside as the building, so the same name anywhere in
# one 丁目 was one person
@pytest.mark.parametrize("sep", [".", "．", "/", "／", "~", "～", "〜", "・", "･", "_"])
def test_other_separators_between_block_numbers_are_dashes(sep):
    from scanner.persons.normalise import normalise_address

    typed = f"東京都小金井市本町3{sep}12{sep}5"
    assert normalise_address(typed) == normalise_address("東京都小金井市本町3-12-5")
    assert normalise_address(typed) != normalise_address(f"東京都小金井市本町3{sep}14{sep}1")
    assert normalise_address(f"埼玉県比企郡小川町小川1811{sep}6") != normalise_address(f"埼玉県比企郡小川町小川1811{sep}7")


def test_separators_elsewhere_stay():
    assert hyphens("コーポ山田A.B") == "コーポ山田A.B"
    assert hyphens("本町3-12-5 ※R6.4退所") == "本町3-12-5 ※R6.4退所"  # an era date in a note (R6.4, H30/4)
    assert hyphens("本町3-12-5 H30/4入所") == "本町3-12-5 H30/4入所"
    assert hyphens("No.3") == "No.3"


# ---------------------------------------------------------------- rule 3: 丁目 番 番地 の 之 ノ, trailing 号
@pytest.mark.parametrize("text,expected", [
    ("12番地の3", "12-3"), ("12番地3", "12-3"), ("5の3", "5-3"), ("5之3", "5-3"), ("5ノ3", "5-3"),
    ("3丁目12番5号", "3-12-5"), ("3丁目12-5", "3-12-5"), ("本町3丁目", "本町3"), ("12番地", "12"),
])
def test_block_words_between_numbers(text, expected):
    assert block_words(text) == expected


def test_block_words_leave_town_names_and_rooms():
    assert block_words("2番町5-3") == "2番町5-3"  # 番町 is a town (千代田区二番町)
    assert block_words("3-12-5コーポ101号室") == "3-12-5コーポ101号室"


# ---------------------------------------------------------------- rule 4: kanji numerals as block numbers
@pytest.mark.parametrize("kanji,number", [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23),
                                          ("百五", 105), ("一〇", 10), ("千二百", 1200)])
def test_kanji_number(kanji, number):
    assert kanji_number(kanji) == number


def test_kanji_numerals_only_as_block_numbers():
    assert kanji_numerals("本町三丁目十二番五号") == "本町3丁目12番5号"
    assert kanji_numerals("八日町十二番地の三") == "八日町12番地の3"
    assert kanji_numerals("一の宮町三の二") == "一の宮町3の2"
    assert kanji_numerals("八王子市") == "八王子市"
    assert kanji_numerals("四日市市") == "四日市市"


# ---------------------------------------------------------------- rule 5: prefecture from the municipality
def test_prefecture_table_is_complete_and_offline():
    data = rules.load("municipalities")
    assert len(data["prefectures"]) == 47
    assert len(data["municipalities"]) + len(data["ambiguous"]) >= 1700


@pytest.mark.parametrize("address,expected", [
    ("八王子市本町1", "東京都八王子市本町1"),
    ("四日市市諏訪町4", "三重県四日市市諏訪町4"),
    ("札幌市中央区北1条西2", "北海道札幌市中央区北1条西2"),
    ("桑折町字谷地12", "福島県桑折町字谷地12"),  # 伊達郡 left out
    ("伊達郡桑折町字谷地12", "福島県桑折町字谷地12"),  # 郡 dropped, so both forms agree
])
def test_prefecture_filled(address, expected):
    assert fill_prefecture(address) == expected


@pytest.mark.parametrize("address", ["府中市府中町1-2", "伊達市1", "北区昭和町1-2", "中央区中央1-2"])
def test_ambiguous_municipality_is_not_guessed(address):
    assert fill_prefecture(address) == address


@pytest.mark.parametrize("address,expected", [("府中市宮西町1-2", "東京都府中市宮西町1-2"), ("伊達市梁川町1", "福島県伊達市梁川町1"),
                                              ("中央区銀座1-2", "東京都中央区銀座1-2"), ("北区赤羽1-2", "東京都北区赤羽1-2")])
def test_ambiguous_municipality_is_decided_by_a_town_found_once(address, expected):
    assert fill_prefecture(address) == expected


def test_prefecture_present_is_kept():
    assert fill_prefecture("広島県府中市元町1") == "広島県府中市元町1"
    assert fill_prefecture("京都府京都市北区1") == "京都府京都市北区1"


# ---------------------------------------------------------------- rule 6: building split off
def test_building_split_after_last_block_number():
    assert split_building("東京都小金井市本町3-12-5コーポ山田101") == ("東京都小金井市本町3-12-5", "コーポ山田101")
    assert normalise_address("小金井市本町3丁目12番5号 コーポ山田101号室") == "東京都小金井市本町3-12-5"


def test_room_after_a_space_is_not_glued_to_the_block():
    assert address_spaces("本町3-12-5 101") == "本町3-12-5 101"
    assert normalise_address("東京都小金井市本町3-12-5 101") == "東京都小金井市本町3-12-5"


# ---------------------------------------------------------------- names
@pytest.mark.parametrize("space", [" ", "\u3000", "\u00a0", "  ", "\t"])
def test_name_spaces_removed(space):
    assert normalise_name(f"山田{space}太郎") == "山田太郎"


@pytest.mark.parametrize("variant,base", [("髙", "高"), ("﨑", "崎"), ("嵜", "崎"), ("邊", "辺"), ("邉", "辺"),
                                          ("齋", "斎"), ("濵", "浜"), ("濱", "浜"), ("澤", "沢"), ("廣", "広"),
                                          ("嶋", "島")])
def test_variant_kanji_map_one_way(variant, base):
    assert normalise_name(f"{variant}田 花子") == normalise_name(f"{base}田 花子") == f"{base}田花子"


def test_yanagi_variant_merges():
    """Session 10: 栁 is the variant of 柳 typed for 柳田/柳沢 as 髙 is for 高 (NFKC leaves it)."""
    assert unicodedata.normalize("NFKC", "栁") == "栁"
    assert normalise_name("栁田 花子") == normalise_name("柳田　花子")
    assert normalise_name("柳田 花子") != normalise_name("桜田 花子")


@pytest.mark.parametrize(("a", "b"), [("Yamada Hanako", "YAMADA HANAKO"), ("yamada hanako", "ＹＡＭＡＤＡ　Ｈａｎａｋｏ"),
                                      ("SMITH John", "Smith John"), ("グエン・ヴァン・An", "グエンヴァンAN")])
def test_latin_letters_of_a_name_in_either_case_are_one_name(a, b):
    """Session 10: foreign residents' names typed in romaji, once in capitals (as on the residence card) and
    once not, are one name."""
    assert normalise_name(a) == normalise_name(b)


@pytest.mark.parametrize(("a", "b"), [("Yamada Hanako", "Yamada Hanaka"), ("Hanako Yamada", "Yamada Hanako"),
                                      ("YAMADA HANAKO", "ヤマダ ハナコ"), ("SMITH John", "SMITH Joan")])
def test_other_latin_names_stay_apart(a, b):
    assert normalise_name(a) != normalise_name(b)


def test_nfkc_does_not_change_variant_kanji():
    """The premise of the table: NFKC leaves 髙 and 﨑 alone, so a map is needed."""
    assert unicodedata.normalize("NFKC", "髙") == "髙"
    assert unicodedata.normalize("NFKC", "﨑") == "﨑"


def test_sai_kanji_are_probable_not_merged():
    a, b = record_key("斎藤 一郎", "東京都小金井市本町1-2-3"), record_key("斉藤 一郎", "東京都小金井市本町1-2-3")
    assert a != b
    assert [(r, x, y) for r, x, y in probable_pairs([a, b])] == [("kanji_probable", min(a, b), max(a, b))]


def test_one_differing_block_number_is_probable():
    a, b = record_key("山田 一郎", "東京都小金井市本町1-2-3"), record_key("山田 一郎", "東京都小金井市本町1-2-4")
    c = record_key("山田 一郎", "東京都小金井市本町1-5-4")  # two numbers differ from a: not probable with it
    pairs = {(x, y) for _r, x, y in probable_pairs([a, b, c])}
    assert (a, b) in pairs and (b, c) in pairs and (a, c) not in pairs


def test_reading_hiragana_to_katakana():
    assert normalise_reading("やまだ　たろう") == normalise_reading("ﾔﾏﾀﾞ ﾀﾛｳ") == "ヤマダタロウ"


def test_name_normalisation_keeps_address_dashes_alone():
    """jaconv/neologdn turn － into ー; addresses never go through them."""
    assert normalise_address("東京都小金井市本町3－12－5") == "東京都小金井市本町3-12-5"


# ---------------------------------------------------------------- --known-hashes formats
SHA = "a" * 64
MD5 = "b" * 32


def test_known_hashes_plain_and_sha256sum():
    text = f"# digests\n{SHA.upper()}\n{MD5}  file name.xlsx\n{'c' * 64} *binary.xlsx\nnot a digest\n"
    assert parse_known_hashes(text) == [SHA, MD5, "c" * 64]


def test_known_hashes_hashdeep_file(tmp_path):
    if not shutil.which("hashdeep"):
        pytest.fail("hashdeep is installed by .ci/run")
    (tmp_path / "a,b.xlsx").write_bytes(b"leaked")
    out = subprocess.run(["hashdeep", "-c", "md5,sha256", "-b", str(tmp_path / "a,b.xlsx")],
                         capture_output=True, text=True, check=True).stdout
    import hashlib

    assert parse_known_hashes(out) == [hashlib.md5(b"leaked").hexdigest(), hashlib.sha256(b"leaked").hexdigest()]


def test_record_key_is_the_last_staged_key():
    """record_key (the fast path) and the staged keys the counter uses must agree."""
    import persons_data as pd

    from scanner.persons.normalise import staged_keys

    sc = pd.build(n=60)
    rows = [r for f in sc.files for r in f.rows]
    assert rows
    for r in rows:
        assert staged_keys(r.name, r.address)[-1] == record_key(r.name, r.address)
