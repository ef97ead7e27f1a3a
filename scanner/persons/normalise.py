"""Pure functions that turn a Japanese name or address into a comparison key (DOMAIN.md section 3).

Keys are for counting people only: the evidence and the strings shown to the examiner are never
rewritten. Each rule is a separate step so the counter can say how many records each rule merged;
``RULES`` fixes their order. Everything here is offline: the municipality table and the variant-kanji
map are data in signatures/.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from typing import NamedTuple

import jaconv

from .. import rules
from .gazetteer import Place, resolve, rest_after_town
from .numerals import CHARS as _KN
from .numerals import as_digits
from .numerals import kanji_number as kanji_number  # re-exported: 十二 -> 12

# ---------------------------------------------------------------- shared pieces
_INVISIBLE = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\u200b-\u200f\u2060\ufeff\u00ad]")  # + soft hyphen, LRM/RLM
_WS = re.compile(r"\s+")  # str patterns: includes U+3000 and NBSP
_REMOVE_WS = {c: None for c in (0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C, 0x3000, 0xA0, 0x2002, 0x2003, 0x2009, 0x202F)}
_HYPHENS = "\\-\uff0d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70\u2500\u2501\ufe63\u2043"
_HYPHEN_NEAR_DIGIT = re.compile(f"(?<=\\d)[{_HYPHENS}]+|[{_HYPHENS}]+(?=\\d)")
# dots, slashes, tildes, 中黒, underscores typed between block numbers (3.12.5, 3/12/5, 3・12・5): after NFKC
_NUMBER_SEPARATORS = "./~〜・_"
_SEPARATED_NUMBERS = re.compile(f"(?<![A-Za-z\\d])\\d+(?:[{_NUMBER_SEPARATORS}]\\d+)+")
_TO_DASH = str.maketrans(dict.fromkeys(_NUMBER_SEPARATORS, "-"))
_SEPARATOR_CHARS = frozenset(_NUMBER_SEPARATORS)
# the same, or 、 , typed after 丁目/番地/番 before the next number (3丁目・12番5号, 3丁目、12-5): no separator at all
_SEPARATOR_AFTER_WORD = re.compile(f"(?:(?<=[\\d{_KN}]丁目)|(?<=[\\d{_KN}]番地)|(?<=[\\d{_KN}]番))[{_NUMBER_SEPARATORS}、,]+(?=[\\d{_KN}])")
_POSTCODE_START = frozenset("〒0123456789 \t\u3000")
_LEADING_POSTCODE = re.compile(f"^\\s*〒?\\s*\\d{{3}}[{_HYPHENS}]?\\d{{4}}\\s*")
# review17h: a postal code (184-0004) or a local phone number (1234-5678) typed after the room and a space, ending the
# address without 〒 or TEL (コーポ山田101 184-0004): its last digits were read as the room (room 4)
_TRAILING_POSTCODE = re.compile(f"(?<=[\\d号室])\\s+\\d{{3,4}}[{_HYPHENS}]\\d{{4}}\\s*$")

_LONGEST = 300
_MARK = "\x1f"  # inside the rules only: between a town found in the gazetteer and the rest of the address
# 一番町/二番町 (千代田区) and 一番/二番 followed by a 丁目 are town names
# (名古屋市熱田区一番二丁目: 一番 is the town) and 一〇二号室 is a room, not a block number
_KN_BEFORE_MARK = re.compile(f"[{_KN}]+(?=丁目|丁[\\d{_KN}]|番地|番(?!町|[\\d{_KN}]+丁目)|号(?!室)|地割)")
_KN_HYPHEN_CHAIN = re.compile(f"[{_KN}]+(?:[{_HYPHENS}][{_KN}\\d]+)+|[{_KN}]+(?=-\\d)")
_KN_HYPHEN_SPLIT = re.compile(f"[{_HYPHENS}]")
_KN_JO = re.compile(f"(?<=[北南東西])[{_KN}]+(?=条)")  # 札幌市中央区北一条西二丁目 = 北1条西2丁目
_KN_AFTER_BLOCK = re.compile(
    f"(?:(?<=\\d[番のノ之-])|(?<=\\d丁目)|(?<=\\d番地)|(?<=\\d番[のノ之-])|(?<=\\d番地[のノ之-])|(?<=\\d丁目[のノ之-]))"
    f"[{_KN}]+"
)
_KN_BEFORE_CHAIN = re.compile(f"[{_KN}]+(?=[のノ之-][\\d{_KN}])")
_HAS_KN = re.compile(f"[{_KN}○]")
_KN_LEADING = re.compile(f"^[{_KN}]+")
_CHOME_TYPO = re.compile(f"(?<=[\\d{_KN}])町目")  # 一町目 typed for 一丁目
_ICHI_DASH = re.compile(r"(?<=\d)一(?=\d)")
_BUILDING_WORD = "(?:番館|号館|号棟|番棟)"  # 一番館, 2号棟: a numbered building, not a block number
_BUILDING_NUMBER = re.compile(f"-(?=\\d+{_BUILDING_WORD})|(?<![\\d-])(?=\\d+{_BUILDING_WORD})"
                              f"|(?<![{_KN}])(?=[{_KN}]+{_BUILDING_WORD})")
# a third number followed by 号室/室/階/F is a room or floor, not the 号: 南2条西1-5-2号室, 1-5-2F
_ROOM_AFTER_BLOCK = re.compile(r"(\d+-\d+)-(\d+(?:号室|室|階|F)(?![\d-]))")
_ROOM_OR_BUILDING = frozenset("館棟室階F")
_SUB_TOWN = re.compile(f"^(\\d+|[{_KN}]+)(?:ノ町|の町|番町|番丁)")  # 礎町通 + 一ノ町: typed 礎町通1-…
_KN_DAI = re.compile(f"(?<=第)[{_KN}]+(?=線|地割|号|区)")  # 第四十六線 = 第46線
_MARU = re.compile(f"(?<=[{_KN}])○|○(?=[{_KN}])")
_HAS_DIGIT = re.compile(r"\d")

_BLOCK_WORD_BETWEEN = re.compile(r"(?<=\d)(?:(?:丁目|丁|番地|番)[のノ之\-]?|[のノ之])(?=\d)")  # 堺市: 東1丁1-1
_DIGIT_BAN_TOWN = re.compile(r"(?<![\d-])([1-9])(?=番\d+丁目)")  # 1番2丁目 (熱田区一番) -> 一番2丁目
# 号 ending the address after a number glued to a building's kana or kanji name (メゾン2001号, 山田荘201号), after a block
# number: the room typed with 号 (review15a #6: the 号 was dropped as a block's, and メゾン2001 links to building 2001)
# (three digits or more, never after a block word: 2番3号, 3丁目105号, 5の201号 are blocks)
_GLUED_GO = re.compile("(?<=[\u30a1-\u30fa\u30fc\u3041-\u306d\u306f-\u3096\u3400-\u9fff])(?<![丁目番地号条線通区割之ノ])"
                       "\\d{3,}号(?!室)(?=[\\s。、.,・]*$)")
_TRAILING_BLOCK_WORD = re.compile(r"(?<=\d)(?:号(?!室)|丁目|番地|番(?![町丁]))")
_EXCEL_ISO = re.compile(r"(?<![\d/-])(20\d\d)[-/](\d{1,2})[-/](\d{1,2})(?![\d/-])")
_EXCEL_MD = re.compile(r"(?<![\d-])(1[0-2]|[1-9])月([1-9]|[12]\d|3[01])日")
# 北海道's farm grid names its lines 西3号, 北25号 (鷹栖町8線西3号1234): a 号 after a direction is a place, no block end
_GRID_GO = r"(?<![東西南北]\d)(?<![東西南北]\d\d)"
_GRID_GO_LEAD = re.compile(r"^([東西南北]?\d+)号-?(?=\d)")
_GO_THEN_NUMBER = re.compile(r"(?<=\d)" + _GRID_GO + r"号(?=\d)")
# after 番地 and its 号 (5番地15-109, 5番地の15号-109) or after any 号 (5番15号-109) a dash and a number of three
# or four digits is a room: 番地 says the first number is no 丁目, and 号 ends the block
_ROOM_AFTER_GO = re.compile(r"(?:(?<=\d番地\d)|(?<=\d番地\d\d)|(?<=\d番地\d\d\d)|(?<=\d番地[のノ之]\d)"
                            r"|(?<=\d番地[のノ之]\d\d)|(?<=\d番地[のノ之]\d\d\d)|(?<=\d号)(?<![東西南北]\d号)(?<![東西南北]\d\d号))"
                            r"-(?=[1-9]\d{2,3}(?![\d-]))")
# five or six digits: seven are a postal code typed at the end (コーポ山田 1840004), never a room
_SPACED_LONG_ROOM = re.compile("(?<=[\u30a1-\u30fa\u30fc\u3041-\u3096\u3400-\u9fffA-Za-z])[ \t\u3000\u00a0]+"
                               "(?=\\d{5,6}(?:号室|号|室)?$)")
# a three-digit room spaced from the building's name, then a spaced number of five digits or more ending the address
# (コーポ山田 101 12345): the space becomes # (a room mark), so that _is_note tells it from a number glued to the name
# (ハイツ101 10203: the building's number, then its room)
_SPACED_ROOM_THEN_NOTE = re.compile("(?<=[\u30a1-\u30fa\u30fc\u3041-\u3096\u3400-\u9fffA-Za-z])[ \t\u3000\u00a0]+"
                                    "(?=\\d{3}[ \t\u3000\u00a0]+\\d{5,}$)")
# persons19: a number of one or two digits ending the address after a building's name and a space (コーポ山田 2, コーポ山田
# 2号): its unit, as コーポ山田-2 and コーポ山田#2 are (glued, コーポ山田2, ハイツ21 name a building). Never after a block word
# or a grid's direction (3丁目 2, 12番 5, 1条 2, 北1条西 2, 8線西 3: the block's next number), nor after a hyphen typed as
# the long vowel mark (15ー 38, review19p: ー is katakana, no building's name) or a kanji numeral (三丁目十二 5: the block)
_SPACED_SHORT_ROOM = re.compile("(?<=[\u30a1-\u30fa\u30fc\u3041-\u3096\u3400-\u9fffA-Za-z])"
                                f"(?<![目番地号条線通区割丁のノ之東西南北町村る{_KN}])(?<!\\dー)"
                                "[ \t\u3000\u00a0]+(?=\\d{1,2}(?:号室|号|室)?[。、.,・]*$)")
# tables21: an era's year typed apart ending the address (コーポ山田 H30, R2。: a date after the building, _NOT_ROOM): the
# space is kept as # so that the room reading knows it was apart; glued to the name (パークタワーH1, H2) it is a unit
_SPACED_ERA_YEAR = re.compile("(?<=\\S)[ \t\u3000\u00a0]+(?=(?:R\\d{1,2}|H(?:[12]?\\d|3[01])|S(?:[1-5]?\\d|6[0-4]))"
                              "[ \t\u3000\u00a0。、.,・]*$)", re.I)
# a block number typed before (3, 三丁目, 十二番五号, 八-二十七, 十六番地の八); not a numeral of a town's name (一番町,
# 八丁堀, 一番丁, 三ノ輪, 一の宮)
_BLOCK_BEFORE = re.compile(f"\\d|[{_KN}](?=[{_HYPHENS}]|丁目|番地|番(?![町丁])|号(?![棟館])|[のノ之][{_KN}\\d])")
_SPACED_NUMBERS = re.compile(r"(?<![\d-])\d+(?:[ \t\u3000\u00a0]+\d+){2,}")
# the block's first number alone, a space, then the rest of the block: 町名 | 丁目 | 番地 columns joined (本町3 12-5,
# 本町三 12-5) or 番地 | 号 (本町12 5). Never a room: a room after the block has three digits or more, or 号室/F (5 2号室)
_FIRST_NUMBER = re.compile(f"\\d|[{_KN}]+(?=[ \\t\u3000\u00a0]+\\d)")
# people20: or the number right after the first 丁目 (本町3丁目十二 5, 本町3丁目12 5: 丁目 typed with the town, 番 and 号
# in their own columns; the 号 was read as the room and left out of the key)
_AFTER_CHOME = re.compile(f"(?:\\d+|[{_KN}]+)\\s*丁目")
# the number spaced after a block's first one (12 5, 3丁目12 5), before a space, 号 or the end (review20p: or 。/、 ending
# it, as people20 reads units: 本町3丁目12 5。 kept 5 as a room)
_SPACED_BLOCK = re.compile(f"(\\d+|[{_KN}]{{1,3}})[ \\t\u3000\u00a0]+"
                           f"(?=\\d+-\\d|\\d{{1,2}}(?:[。、.,・]*$|[ \\t\\u3000\\u00a0]|号(?![室棟館])))")
# a block is the first number (chain) that is not part of a place name: 北1条, 東2線, 第3地割, 1番町
_BLOCK = re.compile(r"\d+(?:-\d+)*(?!\d|-\d|条|線|地割|番町|丁(?!目))")
# after a town found in the gazetteer: 南郷通17丁目南12-3 keeps its 南 (南郷通17丁目北 is another block)
_BLOCK_AFTER_TOWN = re.compile(r"\d+(?:-\d+)*(?:[東西南北]\d+(?:-\d+)*)?(?!\d|-\d|条|線|地割|番町|丁(?!目))")
_NUMBERS = re.compile(r"\d+")
_MAX_BLOCK_PARTS = 3  # 丁目-番-号: a fourth number (3-12-5-101) is the room
# 番地-号 and a room typed with a dash (1811-6-205, 12-5-1203): after a first number of two digits or more (a
# 番地: 丁目 are 1-9 almost everywhere) a third number of three or four digits is a room. 染地3丁目1-414 is a
# real 号 (a large housing block), and 12-5-8 stays ambiguous (a probable pair)
_ROOM_THIRD = re.compile(r"^([1-9]\d+-\d+)-[1-9]\d{2,3}$")
# ...but not where the words say otherwise (12丁目3番105号, 12-5-103号) or the town is a 条/通/線 grid
_WRITTEN_CHOME_OR_GO = re.compile(r"\d丁目|[-番のノ之]\d+号(?![室棟館])")
_GRID_TOWN = re.compile(r"(?:条|通|線)[東西南北]?$")

_AZA = re.compile("大字|字")
_GA = re.compile("(?<=[\u3400-\u9fff\U00020000-\U0002fa1f々])[ヶケヵがガ](?=[\u3400-\u9fff\U00020000-\U0002fa1f])")
_NO = re.compile("(?<=[\u3400-\u9fff\U00020000-\U0002fa1f])[之ノ](?=[\u3400-\u9fff\U00020000-\U0002fa1f])")
_DIGIT_BANCHO = re.compile("(?<![\\d-])([1-9])(?=番町)")
_ADDRESS_PLACEHOLDERS = frozenset({"-", "--", "不明", "不詳", "なし", "無し", "同上", "未定", "未記入", "未入力", "空欄",
                                   "?", "??", "n/a", "N/A", "NA", "x", "×", "*", "0"})
_NAME_PLACEHOLDERS = _ADDRESS_PLACEHOLDERS | {"氏名", "名前", "利用者", "テスト", "test", "TEST", "X", "N/A"}
_KANA_ROWS = {"a": "アカサタナハマヤラワガザダバパァャヮ", "i": "イキシチニヒミリギジヂビピィ",
              "u": "ウクスツヌフムユルグズヅブプゥュヴ", "e": "エケセテネヘメレゲゼデベペェ",
              "o": "オコソトノホモヨロヲゴゾドボポォョ"}
_VOWEL_OF = {c: v for v, row in _KANA_ROWS.items() for c in row}
_LONG_VOWEL = {"a": "ア", "i": "イ", "u": "ウ", "e": "イ", "o": "ウ"}
_LONG_VOWEL_CHARS = frozenset("ーオエ")
_REPEAT_KANJI = re.compile("([\u4e00-\u9fff])\\1")
_NAME_KE = re.compile("(?<=[\u3400-\u9fff])[ケヵ](?=[\u3400-\u9fff])")
_HONORIFIC = re.compile("(?:様|さま|サマ|殿|さん|氏)$")
_HONORIFIC_LAST = frozenset("様まマ殿ん氏")
_GA_CHARS = frozenset("ヶケヵがガ")
_NO_CHARS = frozenset("之ノ")
# a trailing remark in brackets (a reading, 故, 入院中, 代理人 …) or after ※, and staff marks (★ ◎ ●)
_PAREN_REMARK = re.compile("(?:[(（\\[［【〔][^()（）\\[\\]［］【】〔〕]{1,16}[)）\\]］】〕]|※.*)$")
_MARKS = "★☆◎●◆◇■□※*＊"
_LEAD_REMARK_START = frozenset("(（[［【〔" + _MARKS)
_LEAD_REMARK = re.compile(f"^(?:[{_MARKS}]+|[(（\\[［【〔][^()（）\\[\\]［］【】〔〕]{{1,16}}[)）\\]］】〕])+\\s*")


def nfkc(text: str) -> str:
    """NFKC, then drop variation selectors and zero-width characters (invisible, but break equality).

    Only the first 300 characters count: no name or address is longer, and a crafted cell of 32,767
    numerals must not make the count crawl.
    """
    if len(text) > _LONGEST:
        text = text[:_LONGEST]
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return text.strip()


# ---------------------------------------------------------------- names
@cache
def _tables() -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    data = rules.load("person_variants")
    variants = str.maketrans(data["variants"]["map"])
    probable = str.maketrans(data["probable"]["map"])
    places = str.maketrans({**data["variants"]["map"], **data["address_variants"]["map"]})
    return variants, probable, places


def remove_spaces(text: str) -> str:
    """Every kind of space goes (ASCII, U+3000, NBSP): 山田　太郎 and 山田太郎 are one name."""
    return text.translate(_REMOVE_WS)


def variant_kanji(text: str) -> str:
    """髙->高, 﨑/嵜->崎, 邊/邉->辺, 齋->斎, 國->国, 𠮷->吉 ... (one way, signatures/person_variants.toml)."""
    return text.translate(_tables()[0])


def probable_kanji(text: str) -> str:
    """斉/齊 -> 斎, 龍 -> 竜: different characters often confused; used only to list probable pairs."""
    return text.translate(_tables()[1])


def name_forms(text: str) -> str:
    """How staff write a name: 様/殿/さん, a (reading) or (remark) after it, ★ marks, ・ inside, 佐佐木 for
    佐々木, hiragana for katakana, Latin letters in either case.

    やまだ はな and ヤマダ ハナ are one name; the reading column is never used as the name.
    """
    text = text.strip(_MARKS) if text[:1] in _MARKS or text[-1:] in _MARKS else text
    if len(text) > 2 and (text[-1] in ")）]］】〕" or "※" in text):
        text = _PAREN_REMARK.sub("", text).strip(_MARKS)
    if len(text) > 2 and text[-1] in _HONORIFIC_LAST:
        text = _HONORIFIC.sub("", text)
    text = _REPEAT_KANJI.sub(r"\1々", text)  # 佐佐木 = 佐々木
    if "ケ" in text or "ヵ" in text:
        text = _NAME_KE.sub("ヶ", text)  # 一ケ谷 = 一ヶ谷
    if "・" in text or "=" in text:  # foreign names: ジョン・スミス, ジョン=スミス, ジョンスミス
        text = text.replace("・", "").replace("=", "")
    return jaconv.hira2kata(text).upper()  # romaji in capitals (residence card) or not: YAMADA Hanako


def long_vowels(text: str) -> str:
    """A long vowel in katakana, written out or as ー, one way: タロー = タロウ, オーノ = オオノ = オウノ,
    ユーコ = ユウコ, ケーコ = ケイコ. Kanji and the other kana stay as they are."""
    if not _LONG_VOWEL_CHARS.intersection(text):
        return text
    out = []
    vowel = ""
    for c in text:
        if vowel and (c == "ー" or (vowel == "o" and c == "オ") or (vowel == "e" and c == "エ")):
            c = _LONG_VOWEL[vowel]
        vowel = _VOWEL_OF.get(c, "")
        out.append(c)
    return "".join(out)


def is_placeholder_name(text: str) -> bool:
    """A name cell that holds no name (-, 不明, 同上 ...): the row is not a person."""
    key = normalise_name(text)
    return not key.strip("-ー―‐・.。、 ") or key in _NAME_PLACEHOLDERS


def normalise_name(text: str) -> str:
    """The comparison key of a personal name."""
    return long_vowels(name_forms(variant_kanji(remove_spaces(nfkc(text)))))


def normalise_reading(text: str) -> str:
    """The key of a reading (フリガナ): hiragana and half-width kana become full-width katakana, long vowels
    one way (タロー = タロウ)."""
    return long_vowels(jaconv.hira2kata(remove_spaces(nfkc(text))))


# ---------------------------------------------------------------- addresses
def address_nfkc(text: str) -> str:
    """NFKC, invisible characters dropped, a leading mark or (remark) and postal code (〒160-0023) removed,
    不明/同上/- -> ""."""
    text = nfkc(text)
    if _MARK in text:  # the rules' own separator, typed: not ours
        text = text.replace(_MARK, "")
    if text[:1] in _LEAD_REMARK_START:  # ★, (旧住所), 【施設】 typed before the address
        text = _LEAD_REMARK.sub("", text)
    if text[:1] in _POSTCODE_START:
        text = _LEADING_POSTCODE.sub("", text)
    if text[-1:].isdigit():
        text = _TRAILING_POSTCODE.sub("", text)
    return "" if text in _ADDRESS_PLACEHOLDERS else text


def _space(m: re.Match[str]) -> str:
    s, i, j = m.string, m.start(), m.end()
    return " " if 0 < i and j < len(s) and (s[i - 1].isdigit() or s[i - 1] in _KN) and (
        s[j].isdigit() or s[j] in _KN) else ""


def address_spaces(text: str) -> str:
    """Spaces go, except one between two numbers (3-12-5 101, 十六番地の八 608: the room stays apart).

    Three or more numbers separated by spaces only (本町3 12 5) are the block written without hyphens. A number of
    five or six digits ending the address after a building's name and a space (3-12-5 コーポ山田 10203) is a room
    (seven are a postal code; a block typed before it, not a numeral of the town's name: 一番町 12345 is left):
    the space becomes # (a room mark), since glued to the name (コーポ山田10203) it would be read as the name's; so does
    the space before a number of one or two digits ending it (コーポ山田 2: unit 2, as コーポ山田-2).
    """
    if " " in text or "\u3000" in text or "\t" in text or "\u00a0" in text:
        if (m := _SPACED_LONG_ROOM.search(text)) and _BLOCK_BEFORE.search(text, 0, m.start()):
            text = text[:m.start()] + "#" + text[m.end():]
        elif (m := _SPACED_ROOM_THEN_NOTE.search(text)) and _BLOCK_BEFORE.search(text, 0, m.start()):
            text = text[:m.start()] + "#" + text[m.end():]  # コーポ山田 101 12345: 101 apart from the name (persons16)
        elif (m := _SPACED_SHORT_ROOM.search(text)) and _BLOCK_BEFORE.search(text, 0, m.start()):
            text = text[:m.start()] + "#" + text[m.end():]  # コーポ山田 2: unit 2 (persons19)
        elif (m := _SPACED_ERA_YEAR.search(text)) and _BLOCK_BEFORE.search(text, 0, m.start()):
            text = text[:m.start()] + "#" + text[m.end():]  # コーポ山田 H30: a date typed apart, no unit (tables21)
        text = _SPACED_NUMBERS.sub(lambda m: "-".join(m.group(0).split()), text)
        if (first := _FIRST_NUMBER.search(text)) and (m := _SPACED_BLOCK.match(text, first.start())):
            text = text[:m.end(1)] + "-" + text[m.end():]
        elif (first := _AFTER_CHOME.search(text)) and (m := _SPACED_BLOCK.match(text, first.end())):
            text = text[:m.end(1)] + "-" + text[m.end():]  # 本町3丁目十二 5, 3丁目12 5: 番 | 号 after the 丁目 (people20)
    return _WS.sub(_space, text)


def _iso_block(m: re.Match[str]) -> str:
    year, month, day = (int(g) for g in m.groups())
    if 2001 <= year <= 2009:  # 3-12-5 typed: Excel read it as 2003-12-05 (two-digit years 00-29 are 20xx)
        return f"{year - 2000}-{month}-{day}"
    if 2010 <= year <= 2039:  # 12-5 typed: Excel read it as 5 December of the year it was typed
        return f"{month}-{day}"
    return m.group(0)


def excel_dates(text: str) -> str:
    """A block number that Excel turned into a date when it was typed in its own cell (住所2/番地).

    The reader gives such a cell as 2003-12-05 (.xlsx) or 2003/12/5 (CSV saved by Excel), and 12-5
    as 12月5日 or 2024-12-05: 3-12-5 and 12-5 again. Years 2001-2009 are taken as a 丁目 1-9, later
    years as the year of typing; a list typed before 2010 with 番地-号 alone would be misread (rare).
    """
    if "-" not in text and "/" not in text and "月" not in text:
        return text
    return _EXCEL_MD.sub(r"\1-\2", _EXCEL_ISO.sub(_iso_block, text))


def hyphens(text: str) -> str:
    """Hyphen-like characters (－ ‐ − ― ー ｰ — –) become "-" only next to a digit (コーポ keeps its ー); dots,
    slashes, tildes, 中黒 and underscores only between two numbers (3.12.5, 3・12・5).

    A long-vowel mark ー after katakana stays one before a digit too (流通センター1丁目, テクノバレー1-1),
    and a kanji 一 between two digits is a dash typed with the wrong key (紀尾井町1一3).
    """
    if "一" in text:
        text = _ICHI_DASH.sub("-", text)
    if "番" in text or "丁目" in text:  # 3丁目・12番5号 = 3丁目12番5号
        text = _SEPARATOR_AFTER_WORD.sub("", text)
    if not _SEPARATOR_CHARS.isdisjoint(text):  # 3.12.5, 3/12/5, 3・12・5 (never R6.4: a letter before the number)
        text = _SEPARATED_NUMBERS.sub(lambda m: m.group(0).translate(_TO_DASH), text)
    return _HYPHEN_NEAR_DIGIT.sub(_hyphen, text)


def _hyphen(m: re.Match[str]) -> str:
    i = m.start()
    if i and not m.string[i - 1].isdigit() and "\u30a1" <= m.string[i - 1] <= "\u30fa" and m.group(0) == "ー":
        return m.group(0)  # a long vowel after katakana, before a number: part of the name
    return "-"


def look_alikes(text: str) -> str:
    """Characters typed or converted for a look-alike: 巿 (U+5DFF) for 市, 丿 for ノ (person_variants.toml)."""
    return text.translate(_look_alike_table())


@cache
def _look_alike_table() -> dict[int, str]:
    return str.maketrans(rules.load("person_variants")["look_alikes"]["map"])


def _to_digits(m: re.Match[str]) -> str:
    return as_digits(m.group(0))


def _hyphen_chain(m: re.Match[str]) -> str:
    return "-".join(p if p.isdigit() else as_digits(p) if not _HAS_DIGIT.search(p) else p
                    for p in _KN_HYPHEN_SPLIT.split(m.group(0)))


def _after_mark(step: Callable[[str], str]) -> Callable[[str], str]:
    """Apply ``step`` only after the town when the town step found one (the town is already final)."""
    def on_rest(text: str) -> str:
        if _MARK in text:
            head, _mark, rest = text.partition(_MARK)
            return head + _MARK + step(rest, True)  # type: ignore[call-arg]
        return step(text)
    on_rest.__doc__ = step.__doc__
    on_rest.__name__ = step.__name__
    return on_rest


def _kanji_numerals(text: str, after_town: bool = False) -> str:
    """Kanji numerals become digits only as block numbers (三丁目 -> 3丁目), never in 八王子 or 四日市.

    Right after a town found in the gazetteer, a numeral is a number whatever follows it (串本千二百三十四,
    紀尾井町壱ノ3). A numeral before 番館/号館/号棟 is a building (1-3一番館: block 1-3, building 一番館).
    """
    if _ROOM_OR_BUILDING.intersection(text):
        text = _ROOM_AFTER_BLOCK.sub(r"\1 \2", _BUILDING_NUMBER.sub(" ", text))
    if "町目" in text:  # 一町目 for 一丁目
        text = _CHOME_TYPO.sub("丁目", text)
    if after_town and (m := _SUB_TOWN.match(text)):
        text = as_digits(m.group(1)) + "-" + text[m.end():]
    if not _HAS_KN.search(text):
        return text
    if "○" in text:  # ○ (a circle) typed for 〇: 二○一
        text = _MARU.sub("〇", text)
    if "第" in text:
        text = _KN_DAI.sub(_to_digits, text)
    text = _KN_BEFORE_MARK.sub(_to_digits, text)
    text = _KN_HYPHEN_CHAIN.sub(_hyphen_chain, text)  # 三―一二―五 (hyphens only next to digits so far)
    if "条" in text:
        text = _KN_JO.sub(_to_digits, text)
    for _ in range(4):  # a chain 12の五の三 converts one link per pass
        new = _KN_BEFORE_CHAIN.sub(_to_digits, _KN_AFTER_BLOCK.sub(_to_digits, text))
        if new == text:
            break
        text = new
    if after_town and text[:1] in _KN:
        text = _KN_LEADING.sub(_to_digits, text)
    return text


kanji_numerals = _after_mark(_kanji_numerals)


def _block_words(text: str, after_town: bool = False, grid: bool = False) -> str:
    """Between numbers 丁目 番 番地 の 之 ノ become "-"; a trailing 号 (丁目, 番地) is dropped: 3-12-5."""
    if "丁" not in text and "番" not in text and "号" not in text and "の" not in text and "ノ" not in text \
            and "之" not in text:
        return _room_third(text, after_town, grid)  # already in hyphen form (the cheap test saves regex passes)
    if grid and "号" in text:  # after a 線 town (上富良野町西2線北 25号-1234): the grid 号 is a place, then the 番地
        text = _GRID_GO_LEAD.sub(r"\1-", text)
    # a 丁目 or a 号 typed says what the numbers are: 12丁目3番105号 is 丁目-番-号, never a 番地 and a room
    written = _WRITTEN_CHOME_OR_GO.search(text) is not None
    if "丁目" in text and "番" in text and not after_town:
        text = _DIGIT_BAN_TOWN.sub(lambda m: _KN[int(m.group(1))], text)
    if "号" in text:  # 5号101号室: the number after 号 is a room; a space keeps it off the block
        text = _GO_THEN_NUMBER.sub(" ", text)
    if "番地" in text or "号" in text:  # 5番地15-109, 5番15号-109: a room typed with a dash after the 号
        text = _ROOM_AFTER_GO.sub(" ", text)
    if "号" in text and (m := _GLUED_GO.search(text)) and _HAS_DIGIT.search(text, 0, m.start()):
        text = text[:m.end()] + "室" + text[m.end():]  # メゾン2001号 after the block: the room, as メゾン2001号室 (persons16)
    text = _TRAILING_BLOCK_WORD.sub("", _BLOCK_WORD_BETWEEN.sub("-", text))
    return text if written else _room_third(text, after_town, grid)


def _room_third(text: str, after_town: bool, grid: bool) -> str:
    """1811-6-205, 1811の6の205: the third number of a block whose first is a 番地 (10 or more) is a room, set
    apart by a space (_ROOM_THIRD). Not in a 条/通/線 town (新琴似7条12-3-105: 丁目 there go past 9) nor in a
    北海道 address whose town is unknown (月寒東3-18-1-72 may be 条-丁目-番-号)."""
    if text.count("-") < 2 or (not after_town and text.startswith("北海道")):
        return text
    m = (_BLOCK_AFTER_TOWN if after_town else _BLOCK).search(text)
    if m is None or (room := _ROOM_THIRD.match(m.group(0))) is None or grid or _GRID_TOWN.search(text, 0, m.start()):
        return text
    cut = m.start() + room.end(1)
    return text[:cut] + " " + text[cut + 1:]


def block_words(text: str) -> str:
    """Between numbers 丁目 番 番地 の 之 ノ become "-"; a trailing 号 (丁目, 番地) is dropped: 3-12-5."""
    if _MARK in text:  # after the town found in the gazetteer; a 条/通/線 town numbers its 丁目 past 9
        head, _mark, rest = text.partition(_MARK)
        return head + _MARK + _block_words(rest, True, _GRID_TOWN.search(head) is not None)
    return _block_words(text)


class _Old(NamedTuple):
    """One old municipality of signatures/old_municipalities.toml: its name as written, prefecture, today's successors,
    and the towns (大字) it renamed when it merged (佐賀関町関 is 大分市佐賀関)."""
    name: str
    pref: str
    successors: tuple[str, ...]
    renamed: tuple[tuple[str, str], ...] = ()
    typed_prefecture: bool = False  # a municipality of this name lies in another prefecture today: read only after it


class _OldTable(NamedTuple):
    names: dict[str, list[_Old]]  # folded name -> every old municipality of that name (鹿島町: 福島, 石川, 島根)
    prefs: frozenset[str]  # folded prefectures as typed: in full, or without 都/府/県 (埼玉浦和市)
    longest: int  # the longest folded name
    spelled: frozenset[str]  # every name in every spelling (鳩ヶ谷市, 鳩ケ谷市, 鳩が谷市 …): what _old_matches compares
    quick_prefs: frozenset[str]  # the prefectures as typed, in every spelling (埼玉縣)


@cache
def _old_names() -> _OldTable:
    """signatures/old_municipalities.toml: the hand entries ([[old]]) and the rows generated from Japan Post's
    市町村変更情報 ([generated], tools/make_old_municipalities.py), by name folded one character for one (_fold: old kanji,
    ケ/ヶ, ノ/之/の). An old name that is a municipality today, or a successor the gazetteer does not know, is a RuleError
    (loud: never a silent rewrite of a current address). A hand entry wins over a generated one of the same prefecture and
    name; names shared by several old municipalities (鹿島町) are all kept, the typed prefecture or town decides."""
    from ..errors import RuleError

    known = rules.load("municipalities")
    current = set(known["municipalities"]) | set(known.get("ambiguous", {}))
    data = rules.load("old_municipalities")
    entries = [(o.get("name"), o.get("prefecture"), o.get("successors"), o.get("renamed") or {}, False)
               for o in data.get("old", [])]
    hand = {(_fold(name), pref) for name, pref, *_ in entries if isinstance(name, str)}  # 鳩ヶ谷市 = 鳩ケ谷市
    entries += [(row[1], row[0], row[2], {}, len(row) > 4 and row[4] is True) for row in data.get("generated", {}).get("rows", [])
                if isinstance(row, list) and len(row) >= 3 and isinstance(row[1], str) and (_fold(row[1]), row[0]) not in hand]
    names: dict[str, list[_Old]] = {}
    for name, pref, successors, renamed, needs_pref in entries:
        if not isinstance(name, str) or not name or (name in current and not needs_pref) or \
                pref not in known["prefectures"] or pref in _prefectures_of(name, known) or \
                not isinstance(successors, list) or not successors or not all(s in current for s in successors) or \
                not isinstance(renamed, dict) or not all(isinstance(v, str) and v for v in renamed.values()):
            raise RuleError(f"signatures/old_municipalities.toml: {name!r} is no old municipality with known successors")
        if name[-1] not in "市町村区":  # _old_matches looks names up by these ends only
            raise RuleError(f"signatures/old_municipalities.toml: {name!r} does not end in 市, 町, 村 or 区")
        # read as folded: 龍野市 = 竜野市, 鳩ケ谷市 = 鳩ヶ谷市
        names.setdefault(_fold(name), []).append(_Old(name, pref, tuple(successors), tuple(renamed.items()), needs_pref))
    typed = set(known["prefectures"]) | {p[:-1] for p in known["prefectures"] if p[-1] in "都府県"}
    return _OldTable(names, frozenset(_fold(p) for p in typed), max(map(len, names), default=0),
                     frozenset(t for name in names for t in _spellings(name)),
                     frozenset(t for p in typed for t in _spellings(p)))


def _spellings(text: str) -> list[str]:
    """Every way ``text`` (folded) may be typed, one character for one (竜 or 龍, ヶ/ケ/が/ヵ, の/ノ/之): the quick look of
    _old_matches compares the address as typed, never folding it."""
    typed: dict[str, set[str]] = {}
    for k, v in _tables()[2].items():
        typed.setdefault(v, {v}).add(chr(k))
    typed.setdefault("ヶ", {"ヶ"}).update(_GA_CHARS)
    typed.setdefault("の", {"の"}).update(_NO_CHARS)
    out = [""]
    for c in text:
        out = [o + t for o in out for t in sorted(typed.get(c, {c}))]
    return out


def _prefectures_of(name: str, known: dict) -> tuple[str, ...]:
    """The prefectures a municipality of that name lies in today (municipalities.toml), () for none."""
    one = known["municipalities"].get(name)
    return (one,) if isinstance(one, str) else tuple(known.get("ambiguous", {}).get(name, ()))


def _old_matches(text: str, table: _OldTable) -> Iterator[tuple[int, int, int]]:
    """Where an old name may begin the address, after a typed prefecture and 郡: (end of the prefecture, start and end
    of the name), in the order a pattern ^(prefecture)?(…郡)?(name) tries them: a prefecture before none (佐賀関町 is
    tried as 佐賀 + 関町 first, then as 佐賀関町), the shortest 郡 before none, the longest name first. The address is
    compared as typed with every spelling of every name (_spellings: a few thousand), so nothing is folded for the
    addresses (nearly all) that name no old municipality; every name ends in 市/町/村/区 (checked when read)."""
    head = text[:4 + 7 + table.longest]
    ends = [m.end() for m in _MUNI_END.finditer(head)]
    if not ends:
        return
    for pref_end in (4, 3, 2, 0):
        if pref_end and head[:pref_end] not in table.quick_prefs:
            continue
        starts = [pref_end]
        county = head.find("郡", pref_end + 1, pref_end + 7)
        if county > 0 and not _DIGIT_OR_SPACE.search(head, pref_end, county):
            starts.insert(0, county + 1)
        for start in starts:
            for end in reversed(ends):
                if start < end <= start + table.longest and head[start:end] in table.spelled:
                    yield pref_end, start, end
                    break


_MUNI_END = re.compile("[市町村区邨]")  # 邨 is 村 folded
_DIGIT_OR_SPACE = re.compile(r"[\d\s]")


def old_municipality(text: str) -> str:
    """An old municipality name is written as the municipality that took it over (浦和市高砂 -> さいたま市浦和区高砂,
    清水市 -> 静岡市清水区, 保谷市 -> 西東京市; signatures/old_municipalities.toml), only where the rest of the address
    agrees: its town is found in exactly one successor (浦和市 became four wards) and a prefecture typed before it is
    its own. Otherwise the address is left as typed. A name several old municipalities had (鹿島町 of 福島, 石川 and
    島根) is rewritten only where the typed prefecture, or else the town, leaves exactly one reading.

    A successor that had a town of that name already renamed the old one's with the old name before it (川口市本町
    is 川口's own: 鳩ヶ谷市本町 is 川口市鳩ヶ谷本町; 水海道市天満町 is 常総市水海道天満町) or kept the old name whole
    (植木町岩野 is 熊本市北区植木町岩野) or named an area for it (原町市本町 is 南相馬市原町区本町): those towns are looked for
    first, the town as typed only when none is. A 大字 renamed at the merger (佐賀関町関 is 大分市佐賀関, 佐賀関町神崎 is
    大分市本神崎: 大分市 had a 神崎 of its own) is looked for by its new name only."""
    table = _old_names()
    for pref_end, start, end in _old_matches(text, table) if text else ():
        typed_pref = _fold(text[:pref_end])
        olds = [old for old in table.names[_fold(text[start:end])] if typed_pref in (_fold(old.pref), _fold(old.pref[:-1]))
                or not typed_pref and not old.typed_prefecture]  # 静岡県富士川町 (富士市): 富士川町 alone is 山梨県's
        readings = {reading for old in olds if (reading := _old_reading(old, text[end:])) is not None}
        if readings:  # the typed prefecture is kept, the 郡 left out
            return text[:pref_end] + readings.pop() if len(readings) == 1 else text
    return text


def _old_reading(old: _Old, rest: str) -> str | None:
    """The address after the old name ``rest`` as written under its successor (successor + town …), None where the town
    is found in no successor or in several."""
    name, pref, successors = old.name, old.pref, old.successors
    plain = _OLD_AZA.sub("", rest, 1)  # 植木町大字岩野 = 植木町岩野
    for aza, new in old.renamed:  # 佐賀関町大字関1234 = 大分市佐賀関1234 (the old 大字 is no town of the successor now)
        if plain.startswith(aza) and _OLD_TOWN_ENDS.match(plain, len(aza)):
            town = new + plain[len(aza):]
            found = [s for s in successors if _old_town_in(pref + s, town, 0)]
            return found[0] + town if len(found) == 1 else None
    stem = name[:-1] if name[-1] in "市町村" else name
    for before in dict.fromkeys((name, stem, stem + "区", "")):  # 原町市本町 = 南相馬市原町区本町 (an area named for it)
        town = before + plain if before else rest
        found = [s for s in successors if _old_town_in(pref + s, town, len(before), before == name)]
        if found:
            return found[0] + town if len(found) == 1 else None
    return None


_OLD_AZA = re.compile("^(?:大字|字)")


def _old_town_in(muni: str, rest: str, before: int, whole: bool = False) -> bool:
    """``rest`` after ``muni`` starts with a town of that municipality. With ``before`` characters of the old name put
    before it, the town is longer than them (植木町 + 岩野 is 植木町岩野, never the town 植木 alone), or is the old name
    ``whole`` (香焼町100 is 長崎市香焼町100), and ends where the block begins: 新津 + 東島 is no 新津東(町) + 島 (東島 is the town as typed)."""
    text = muni + rest
    place = resolve(text)
    if place is None or place.muni is None or place.muni.key != muni[place.body_start:] or place.town is None:
        return False
    if before and not (place.town_end > len(muni) + before or whole and place.town_end == len(muni) + before and
                       _WHOLE_TOWN_ENDS.match(text, place.town_end) is not None):  # 喜入町一倉町 is 喜入一倉町
        return False
    # the town as typed too (persons16): 貴志川町上野山市本町 names a city the gazetteer does not know, no town 上野山
    return _OLD_TOWN_ENDS.match(text, place.town_end) is not None


_WHOLE_TOWN_ENDS = re.compile(f"$|[\\d{_HYPHENS} 　]")  # the old name whole is the town: a digit follows (香焼町100)
_OLD_TOWN_ENDS = re.compile(f"$|[\\d{_HYPHENS}{_KN}字 　]")  # the block, a 字 or a space follows the whole town


def fill_prefecture(text: str) -> str:
    """A missing prefecture is filled in from the municipality (小金井市 -> 東京都小金井市), and the
    municipality is written one way (its 郡 left out: 西多摩郡瑞穂町 -> 瑞穂町; 巿/市 and variant kanji as
    Japan Post writes them).

    A municipality name found in more than one place (府中市, 伊達市, 北区, 中央区, 札幌市 without its
    ward) is decided by the town after it, only when exactly one of them has that town; an address
    with no municipality (紀尾井町1-3) by its town when the town exists once in the country. Otherwise
    the address is left as typed (signatures/towns.tsv, scanner/persons/gazetteer.py).
    """
    if not text or _MARK in text:
        return text
    place = resolve(text)
    if place is None:
        return text
    if place.muni is None:
        return place.pref + text[place.body_start:]
    out = place.pref + place.muni.key + text[place.muni_end:]
    if len(_TOWN_OF) > _TOWN_CACHE:
        _TOWN_OF.clear()
    _TOWN_OF[out] = (_own_town(place, text) or out) if place.town is None else _with_town(place, text)  # for town()
    return out


def town(text: str) -> str:
    """The town, from the gazetteer, written as Japan Post writes it: where the town ends and the block
    begins is decided by the longest town name of the municipality, so a number in a town's name is
    never taken for the block (東川町一号北12-3, 京町八丁目横町, 和歌山市七番丁19).

    Digits or kanji in the name (1号北 = 一号北), variant kanji (麴町/麹町, 檜原/桧原), Sapporo's 条 forms
    (北16西2 = 北十六条西2丁目; 月寒東3-18-1-72 = 月寒東三条18丁目1-72), a numbered town typed with the
    number alone (つつじが丘北3-4-17 = つつじが丘北三番町4-17), a Kyoto street prefix (寺町通御池上る),
    kana for a kanji (柿さき町) and a character lost as U+FFFD all find the same town. An address whose
    town is not in the table is left as typed.
    """
    if not text or _MARK in text:
        return text
    known = _TOWN_OF.get(text)
    if known is not None:
        return known
    place = resolve(text)
    if place is None or place.muni is None:
        return text
    if place.town is None:
        return _own_town(place, text) or text
    return _with_town(place, text)


_TOWN_OF: dict[str, str] = {}  # the prefecture step's output -> the town step's, for the addresses it placed
_TOWN_CACHE = 1 << 16


def _with_town(place: Place, text: str) -> str:
    assert place.muni is not None
    rest = rest_after_town(text[place.town_end:])
    if place.town == place.muni.key:
        # Japan Post lists some municipalities as their own one town (利島村 in 利島村, 三田市 in 三田市): typed
        # 利島村利島村1804-7 or 利島村1804-7, one address: written as the municipality, the town mark after it
        return f"{place.pref}{place.muni.key}{_MARK}{place.aza}{rest}"
    return f"{place.pref}{place.muni.key}{place.town}{_MARK}{place.aza}{rest}"


def _own_town(place: Place, text: str) -> str | None:
    """利島村1804番地7: a municipality that is its own one town, typed without the town, then its block."""
    if place.muni is None or place.town is not None or not _is_own_town(place.muni.key, place.muni.towns_text):
        return None
    rest = rest_after_town(text[place.muni_end:])
    if not rest or not (rest[0].isdigit() or rest[0] in _KN):
        return None
    return f"{place.pref}{place.muni.key}{_MARK}{rest}"


@cache
def _is_own_town(key: str, towns: str) -> bool:
    return key in towns.split("|")


def _fold(text: str) -> str:
    """Old kanji, ケ/ヶ/が and ノ/之/の folded one character for one (the length stays the same)."""
    text = text.translate(_tables()[2])
    chars = set(text)
    if chars & _GA_CHARS:
        text = _GA.sub("ヶ", text)
    if chars & _NO_CHARS:
        text = _NO.sub("の", text)
    return text


def _place_names(text: str, after_town: bool = False) -> str:
    """Spellings of one place: 霞ヶ関/霞ケ関/霞が関, 三ノ輪/三の輪, 大字/字 left out, old kanji (龍/竜, 澤/沢).

    Each fold is applied to every address the same way, so two different places would have to differ
    only by it (a 字, or ケ against が) inside one municipality to be confused; the building part is
    folded too but is set aside next. 1番町 is written 一番町 (the town name, never a block number).
    After a town found in the gazetteer only the rest is folded (小字, 字 before it).
    """
    if "字" in text:
        text = _AZA.sub("", text)
    text = _fold(text)
    if "番町" in text and not after_town:
        text = _DIGIT_BANCHO.sub(lambda m: _KN[int(m.group(1))], text)
    return text


place_names = _after_mark(_place_names)


def _split(text: str, parts: int = _MAX_BLOCK_PARTS, pattern: re.Pattern[str] = _BLOCK) -> tuple[str, str]:
    m = pattern.search(text)
    if m and m.start() and text[m.start() - 1] == "#":
        # review19p: address_spaces' room mark before the first number, which is the block (浜中町一番沢 12, 第3地割字大前田
        # 12: the town's own number was taken for a block): the lot, as typed without the space, never a key with #
        text = text[:m.start() - 1] + text[m.start():]
        m = pattern.search(text)
    if not m:
        return text, ""
    end = m.end()
    block = m.group(0)
    if len(_NUMBERS.findall(block)) > parts:
        cut = [n.end() for n in _NUMBERS.finditer(block)][parts - 1]
        end = m.start() + cut
    return text[:end], text[end:].strip(" -")


def split_building(text: str) -> tuple[str, str]:
    """Split off building and room after the block number: (東京都…本町3-12-5, コーポ山田101).

    The block is the first number or hyphen chain that is not part of a place name (北1条西2-1-1,
    東2線, 第3地割, 1番町 are skipped; after a town found in the gazetteer, the first number after
    it), cut after three numbers: 3-12-5-101, 3-12-5 101 and 3-12-5 コーポ101号室 all give 3-12-5. So
    two rows that differ only in building or room are one person (a room is typed in many ways, or
    left out); a 3-number chain whose last number is really a room (本町12-5-101 without 丁目) is not
    cut, and is listed as a probable pair instead.
    """
    if _MARK in text:
        head, _mark, rest = text.partition(_MARK)
        block, building = _go_as_wing(*_split(rest, pattern=_BLOCK_AFTER_TOWN))
        return head + block, building
    if text.startswith("北海道"):  # a town not found: 月寒東3-18-1-72 may be 条-丁目-番-号, keep four numbers
        return _split(text, _MAX_BLOCK_PARTS + 1)
    return _go_as_wing(*_split(text))


# 団地: the 号棟 is the block's 号 (3丁目12番5号棟203号室 reads 3-12 and wing 5). Typed again after the block
# (3-12-5 5号棟203) the 号 equal to the wing's number is that wing, not a third block number: one address
_GO_WING = re.compile(r"(\d+)(?:号棟|棟|号館)")
_THIRD_NUMBER = re.compile(r"(?<![\d-])\d+-\d+-(\d+)$")


def _go_as_wing(address: str, building: str) -> tuple[str, str]:
    wing, third = _GO_WING.match(building), _THIRD_NUMBER.search(address)
    if wing and third and int(wing.group(1)) == int(third.group(1)):
        return address[:third.start(1) - 1], building
    return address, building


def drop_building(text: str) -> str:
    return split_building(text)[0]


# what the building part holds besides its room: a remark (※…, (…)), a postcode or phone typed after the address
# (〒…, TEL…, 電話…, 03-1234-5678, 09012345678), a numbered building or wing (2号棟, 第2, 一番館), a floor (3階, 3F),
# a date or a count in a note (2024年3月入所, R6.4, 2024.4.1入居: its dots are dashes by now): none of them is the room
# a remark runs to the end ((山田様方), ※, TEL ...); a bracket holding only a room ((305号室), （101）) is the room
# a katakana label before a long number (カード 12345, ポイント番号 123456, 会員カード No.12345): a note, never the room
# (persons15; review14b's residual: a katakana word between a building's number and a spaced room is part of the name,
# メゾン2000 タワー 10203, so the labels are named: signatures/room_notes.toml). review15a: a label is a word of its own,
# never glued to a katakana word before it (パークポイント10203号室, シーポイント 10203 name a building), and a number
# typed as a room (10203号室) is the room; labels may follow each other (ポイントカード, メンバーズカード)
_REMARK = ("(?:[※\\[［【〔〒]|[(（](?!\\s*\\d{1,4}\\s*(?:号室|号|室)?\\s*[)）]\\s*$)"
           f"(?!\\s*(?:[A-Za-z]|[IVX]{{2,4}}|\\d+|[{_KN}]+|[東西南北本新])\\s*(?:号棟|番館|号館|番棟|棟|館)\\s*[)）])).*$"
           "|(?<![A-Za-z])(?:TEL|FAX|EXT)(?![A-Za-z]).*$|(?:電話|携帯|連絡先|内線).*$")


@cache
def _room_remark() -> re.Pattern[str]:
    """What the building part holds after its room as a remark (above), with the labels of signatures/room_notes.toml."""
    words = sorted(rules.load("room_notes")["labels"]["words"], key=len, reverse=True)
    labels = "|".join(re.escape(w) for w in words)
    return re.compile(f"{_REMARK}|(?<![\u30a1-\u30fa\u30fc])(?:{labels})+[\\s:：#№-]*(?:No\\.?|番号)?[\\s:：#№-]*"
                      "\\d{5,}(?![\\d号室]).*$", re.I)


_NOT_ROOM = re.compile(f"第(?:\\d+|[{_KN}]+)|[\\d{_KN}]+(?:号館|号棟|番館|番棟|棟|館|階|F|f|年|月|日|歳|才|名|人|回)"
                       f"|\\d+\\.\\d+|(?<!\\d)0\\d{{1,4}}-\\d{{1,4}}-\\d{{3,4}}(?!\\d)|(?<!\\d)0\\d{{9,10}}(?!\\d)"
                       f"|(?<!\\d)(?:\\d{{4}}|[RHST]\\d{{1,2}}|\\d{{1,2}}(?=-\\d{{1,2}}-))(?:[-.]\\d{{1,2}}){{1,2}}(?!\\d)"
                       # people20: an era's year alone ending the part (H30, R2, S50: a date typed bare after the
                       # building, read as unit 30 of wing H and apart from her room's row). review20p: a year of Showa,
                       # Heisei or Reiwa only (Taisho ended in 1926: タワーT1 / タワーT2 are two towers, H32 or S70 a unit).
                       # tables21: typed apart only; glued to the name (パークタワーH1, メゾンS2) it is the tower or unit
                       "|(?<![^\\s\u3000#])(?:R\\d{1,2}|H(?:[12]?\\d|3[01])|S(?:[1-5]?\\d|6[0-4]))(?=[\\s。、.,・]*$)", re.I)
_ROOM_WRITTEN = re.compile(f"(?<![\\d{_KN}])(\\d+|[{_KN}]+)(?=号室|室)")  # 205号室: the room, whatever follows
_ROOM_BEFORE = frozenset(" -#\t\u3000")
_ROOM_NUMBER = re.compile(f"\\d+|[{_KN}]+(?=号|室|$)")


# a wing or numbered building of one site (A棟, 2号棟, 一番館 -> 1館 by now, 東館) is part of the building: its
# identifier (A, 2, 1, 東) tells two rooms of one number apart; so does a single letter typed before the room (A-101,
# Ｂ２０５). 第2 (a building's name) and floors are not wings
# Roman numerals (NFKC: Ⅱ棟 -> II棟) are numbers (Ⅱ棟 = 2号棟), or Ⅱ棟101 would join the only wing holding 101 (Ⅰ棟)
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6", "VII": "7", "VIII": "8", "IX": "9", "X": "10"}
_WING = re.compile(f"(?<![A-Za-z])([A-Za-z]|[IVX]{{2,4}})\\s*(?:号棟|番館|号館|番棟|棟|館)"
                   f"|(\\d+|[{_KN}]+|[東西南北本新])\\s*(?:号棟|番館|号館|番棟|棟|館)")
# a letter (or a Roman numeral: サンハイツII-101) right before a room of three or four digits, glued or after a
# dash or a space (A101, A-101, A 101); glued after digits too (メゾン2000A-201), but not F after a floor's digits
# (3F301, 2F-301)
_WING_LETTER = re.compile(r"(?:(?<![A-Za-z\d])|(?<=\d)(?![Ff]))(VIII|VII|VI|IV|IX|III|II|[A-Za-z])[-.\s]?$")
# persons19: before a room of one or two digits too (A-1, B-2, A1: units A-1 and B-1 were one person)
_WING_ROOM = re.compile(r"\d{1,4}(?!\d)")
# review17h: a letter typed after a room of three or four digits (101A, 101-A, 101 B, 101A号室) tells the room apart as
# one before it does (A101): 101A and 101B were one room. Never a floor's F (3F) and never the basement (B101's reading)
_LETTER_AFTER = re.compile(r"\d{3,4}(?:号室|号|室)?[-\s]?(?![Ff])([A-Za-z])(?:号室|号|室)?[\s。、.,・)）]*$")
# a basement floor typed B1 (B1 101, B2-101, B1F): a lone B before the digits is 地下, never a building name's letter.
# Before the room it tells the room apart like a wing (B1 101 is no ground-floor 101): its identifier is B1
_BASEMENT = "(?<![A-Za-z])[Bb]"
_BASEMENT_FLOOR = re.compile(f"(?:(?:{_BASEMENT}[-.]?|地下)\\s*0?(\\d)\\s*(?:[Ff]|階)?|地下\\s*([一二三四五六七八九])\\s*階|地下階?|地階"
                             f"|{_BASEMENT}[Ff])[-\\s#、,:(（]*$")  # 地下一階 = 地下1階 (review14b); 地下101: a basement room, floor not named
# (地階101: the same, persons17)
# a building's own number: 第2コーポ (第二 = 第2), or digits ending the building's name (kana, kanji or Latin: Maison2000
# 305, Heights21 101) right before the room (コーポ山田1-101, メゾン2000 305号室, ハイツ21 #101, ハイツ21、101) or its wing
# (メゾン2000 A棟305: room_path searches before the wing), or before its floor (メゾン2000
# 3F301). Like a wing it tells namesakes in 第2 and 第3 (or in 1-101 and 2-101) apart, and a copy typed without it
# joins the only building holding that room (the room may stand in brackets: メゾン2000(305号室))
_BUILDING_NO = re.compile(f"第(\\d+|[{_KN}]+)|(?:(?<=[\u30a1-\u30fa\u30fc\u3041-\u3096\u3400-\u9fffA-Za-z])(?<!{_BASEMENT})(\\d+)(?!\\d)"
                          f"|(?<=[\u30a1-\u30fa\u30fc])([{_KN}]+)(?![{_KN}]))"
                          "(?=[-\\s#、,:]*(?:\\d+(?:[Ff]|階)[-\\s#、,:]*)?[(（]?$)")


def room_token(building: str) -> str:
    """The room number of the building part split off an address (コーポ山田205号室, -205, 205, 二〇五号 -> "205"),
    "" when it names none. Only this number (and the wing: room_path) tells two rooms of one building apart: the
    building's name is typed in too many ways (or left out) to compare."""
    return _room(building)[0]


def room_path(building: str) -> str:
    """The room number, then the wing holding it when the building part names one (A棟101 -> "101\x1fA"; 2号棟
    205号室 -> "205\x1f2"; B-205 -> "205\x1fB"; a basement floor: B1 101, 地下1階101号室 -> "101\x1fB1"), "" when it names
    no room. A row typed without the wing joins the only wing holding its room (evidence.resolve_persons)."""
    return room_reading(building).partition(_LINK)[0]


_LINK = "\x1e"  # in a room reading: between the room path and what links it (room_reading)


def room_reading(building: str) -> str:
    """room_path, then (after \x1e, only when the building part names them) the building's own number it names and
    the number it names glued to the building's name with nothing after (persons.keying 16): `メゾン2001 305号室` ->
    "305\x1f2001\x1e2001\x1e", `メゾン2001` -> "2001\x1e\x1e2001" (room 2001, or building 2001 without a room),
    `メゾン2000 A棟305` -> "305\x1fA\x1f2000\x1e2000\x1e". link_keys turns them into the tags and alias that
    evidence.resolve_persons reads; room_keys reads the path alone."""
    if era := _era_unit(building):
        return era
    room, wing, number = _room_parts(building)
    if not room:
        return ""
    path = f"{room}\x1f{wing}\x1f{number}" if wing and number else f"{room}\x1f{wing or number}" if wing or number \
        else room
    glued = room if path == room and (m := _glued_alone().search(_room_remark().sub("", building).rstrip(_TRAILING))) and \
        _number(m.group(1) or m.group(2)) == room else ""
    return f"{path}{_LINK}{number}{_LINK}{glued}" if number or glued else path


# tables23: an era's year ending the building part, typed apart or glued (パークタワー H1, コーポ山田H30, R2。) with no room
# before it reads two ways: a unit of its own (towers H1 and H2: tables21 read the spaced form as a date, one person) or a
# date typed after the building (beside her 101号室 the glued H30 was unit 30 of wing H: two persons). Its room stage is
# the token itself (H30); its alias is the tag every other room of the building carries (_ANY_ROOM): it joins the
# building's only person with a room, else stays its own (the column's other values decide, evidence.resolve_persons)
_ERA_END = re.compile(r"(?<![A-Za-z\d])(R\d{1,2}|H(?:[12]?\d|3[01])|S(?:[1-5]?\d|6[0-4]))[\s。、.,・]*$", re.I)
_ERA_UNIT = re.compile(r"[RHS]\d{1,2}")
_ANY_ROOM = "*room"  # the tag value of a room of the building (its path carries it where a link slot is free)


def _era_unit(building: str) -> str:
    """The era's year ending ``building`` as its room stage (H30), "" when it ends with none or a room stands before it
    (メゾン 101 H30: the room 101, the year a date)."""
    if not building:
        return ""
    text = _room_remark().sub("", building)
    if (m := _ERA_END.search(text)) is None or _room_in(text[:m.start()])[0]:
        return ""
    return m.group(1).upper()


# what may end a building part after a glued number and still be nothing (review15a: メゾン2001。, メゾン2001、 lost the link)
_TRAILING = " \t\u3000。、.,・"
# a number glued to the end of a building's kana, kanji or Latin name with nothing after it (メゾン2001, Maison2001,
# コーポ山田205; a kanji numeral after katakana: メゾン二〇〇一): a room, or the building's own number without a room;
# never after a word for room (部屋2001, ルーム2001, Room 2001: review15a), which says the number is the room
@cache
def _glued_alone() -> re.Pattern[str]:
    """The glued number (above), never after a word of signatures/room_notes.toml's [room_words]."""
    words = rules.load("room_notes")["room_words"]["words"]
    before = "".join(f"(?<!(?i:{re.escape(w)}))" for w in words)
    # review19p: or one or two digits after a space (address_spaces' room mark: ハイツ 21, read as the unit since persons19)
    return re.compile(f"(?:(?<=[\u30a1-\u30fa\u30fc\u3041-\u3096\u3400-\u9fffA-Za-z])(?<!{_BASEMENT}){before}(?:#(?=\\d{{1,2}}$))?(\\d+)"
                      f"|(?<=[\u30a1-\u30fa\u30fc]){before}([{_KN}]+))$")


def _room_parts(building: str) -> tuple[str, str, str]:
    """(room, wing, the building's own number) of the building part, "" for each it does not name."""
    room, raw, at = _room(building)
    if not room:
        return _floor_parts(raw)
    letter = _WING_LETTER.search(raw, 0, at) if _WING_ROOM.match(raw, at) else None
    wings = [letter] if letter is not None else list(_WING.finditer(raw, 0, at))
    wing = _wing(letter.group(1)) if letter is not None else \
        _wing(wings[-1].group(1) or wings[-1].group(2)) if wings else ""
    if wing == "B" and letter is not None and letter.end(1) == at:  # B101: basement or wing B (persons17)
        wing = _B_GLUED
    if not wing and (basement := _BASEMENT_FLOOR.search(raw, 0, at)):  # B1 101, 地下1階101号室: a floor below ground
        wing, wings = _basement(basement.group(1) or _number(basement.group(2) or "")), [basement]
    if not wing and len(room) <= 2 and (floor := _FLOOR_BEFORE.search(raw, 0, at)) and _number(floor.group(1)) != "0":
        wing, wings = _number(floor.group(1)) + _FLOOR, [floor]  # 3F-2, 3階2号室: room 2 of floor 3 (review18f)
    number = _building_number(raw, wings[-1].start() if wings else at)
    if wing and not number:  # A棟 メゾン2000 305号室: the wing typed before the name; グリーンタウン1号館A棟305
        number = _building_number(raw, at, wings[-1].end()) or _outer_number(raw, wings[-1].start())
    # 101A, 101-A: a letter after the room (review17h), ending the building as typed (not Tポイント's T, left by a note)
    if not wing and (after := _LETTER_AFTER.match(raw, at)) and _LETTER_AFTER.search(building):
        wing = _wing(after.group(1))
    return room, wing, number  # メゾン2000 A棟305: the wing, then the building's number above it (a third stage)


# persons18: a floor named with no room (山田ビル3F, 3階, 三階, 地下1階, B1F) is a room stage of its own ("3F", "B1F"): 3F
# and 4F are two persons (namesakes on two floors were one); a floor-only copy joins the only person on that floor through
# its alias (link_keys: a room's first digits are its floor, 301 and 3F 301 are on floor 3)
# people20: or F before the digits (F2: floor 2, read as wing F's unit 2 and apart from her 2F row)
_FLOOR_ONLY = re.compile(f"(?<![A-Za-z\\d{_KN}])(?:(?:(地下|{_BASEMENT})\\s*)?(\\d{{1,2}}|[{_KN}]{{1,3}})\\s*(?:[Ff]|階)"
                         f"|(?<![A-Za-z])[Ff]\\s*(\\d{{1,2}}))[{_TRAILING}]*$")
_FLOOR = "F"  # ends a floor-only room stage (3F, B1F)
# review18f: a floor typed right before a room of one or two digits (3F-2, 3階2号室, 3F 2号室) is its wing ("3F"), as a
# basement floor is (B1F 101): room 2 of floors 2 and 3 were one person. A room of three or four digits names its floor
_FLOOR_BEFORE = re.compile(f"(?<![A-Za-z\\d{_KN}])(\\d{{1,2}}|[{_KN}]{{1,3}})\\s*(?:[Ff]|階)[-\\s#、,:]*$")


# persons19: a letter after a floor (3F-A, 3階B, 3F A号室) is a unit on that floor: the letter is its room, the floor its
# wing (as 3F-2's): 3F-A and 3F-B were one person. Never F (a room stage ending in F is a floor alone)
# review19p: a basement floor's too (地下1階A, B1F-A: wing B1, as B1F 101's): 地下1階A was floor 1's unit A
_FLOOR_UNIT = re.compile(f"(?<![A-Za-z\\d{_KN}])(?:(地下|{_BASEMENT})\\s*)?(\\d{{1,2}}|[{_KN}]{{1,3}})\\s*(?:[Ff]|階)[-\\s#.]?"
                         f"([A-EG-Za-eg-z])(?:号室|号|室)?[{_TRAILING}]*$")


def _floor_parts(raw: str) -> tuple[str, str, str]:
    """(floor as a room stage, "", the building's own number before it) of a building part naming a floor and no room
    (above), or (the unit's letter, its floor, that number) of a unit named by a letter after its floor (3F-A); "" for
    each when it names none."""
    if (unit := _FLOOR_UNIT.search(raw)) and (floor := _number(unit.group(2))) and floor != "0":
        wing = _basement(floor) if unit.group(1) else floor + _FLOOR
        return unit.group(3).upper(), wing, _building_number(raw, unit.start())
    m = _FLOOR_ONLY.search(raw)
    floor = _number(m.group(2) or m.group(3)) if m else ""
    if m is None or not floor or floor == "0":
        return "", "", ""
    return ("B" if m.group(1) else "") + floor + _FLOOR, "", _building_number(raw, m.start())


def floor_of(room: str, wing: str = "") -> str:
    """The floor a room stage is on, "" when it does not say: a floor-only stage's own (3F -> 3, B1F -> B1), a room of
    three or four digits' first digits (301 -> 3, 1201 -> 12), or the floor its wing names (3F-2: 3; a basement floor,
    B1 101: B1, review18f); none for a room of the basement whose floor is not named (地下101, B101)."""
    if room.endswith(_FLOOR):
        return room[:-1]
    if _BASEMENT_WING.fullmatch(wing) or wing.endswith(_FLOOR):
        return wing.removesuffix(_FLOOR)
    if wing.startswith("B") and wing != "B" or wing == _BASEMENT_ROOM:
        return ""
    return room[:-2] if len(room) in (3, 4) and room.isdigit() and room[0] != "0" else ""


_BASEMENT_WING = re.compile(r"B\d+")  # a basement floor read as a room's wing (_basement: B1 101 -> B1)


# persons17: a basement room whose floor is not named (地下101) is no room of wing B (B棟101, B-101), and a B glued to
# the room (B101) reads either way (the basement's room 101, or wing B's): each its own wing, so that a B101 joins
# neither the basement's 101 nor wing B's (only one of its readings would agree), and the two never join through it
_B_GLUED = "B?"
_BASEMENT_ROOM = "地下"


def _basement(floor: str) -> str:
    """The wing identifier of a basement floor (B1 101, 地下1階101 -> B1), 地下 where the floor is not named (地下101)."""
    return "B" + floor if floor else _BASEMENT_ROOM


def _building_number(raw: str, end: int, start: int = 0) -> str:
    """The building's own number typed before ``end`` (the wing, or the room when no wing is named; from ``start``):
    第2 (第二), or digits ending its kana, kanji or Latin name right before it (メゾン2000 A棟, コーポ山田1-A101,
    Maison2000 305)."""
    numbers = [n for m in _BUILDING_NO.finditer(raw, start, end) if (n := _number(m.group(1) or m.group(2) or m.group(3)))]
    return numbers[-1] if numbers else ""


# a numbered building of a complex named before its wing (1号館 A棟, 2番街 A棟, 3号棟 A205): its number, like a number
# glued to the building's name, is the third stage (1号館A棟305 and 2号館A棟305 are two rooms)
_OUTER = re.compile(f"(\\d+|[{_KN}]+)\\s*(?:号館|番館|号棟|番棟|棟|館|番?街区?)")  # 1番街 is 1街 by now


def _outer_number(raw: str, end: int) -> str:
    """The number of the last numbered building (号館, 号棟, 番街 …) named before ``end`` (the wing), "" if none."""
    numbers = [n for m in _OUTER.finditer(raw, 0, end) if (n := _number(m.group(1)))]
    return numbers[-1] if numbers else ""


def _wing(ident: str) -> str:
    """A wing's identifier as compared: digits and kanji numerals as a number, Roman numerals too (Ⅱ = II = 2),
    a letter in upper case (ａ = A), 東 as itself."""
    return _number(ident) or _ROMAN.get(ident.upper()) or ident.upper()


# persons18: a letter and a room in brackets ending the building part ((B101), （Ｂ－１０１）, (B1 101), (101A)) is the room
# where the part names no other: read as if typed without them (a bracket is a remark otherwise: コーポ山田101 (T1234))
# persons19: a letter glued to the digits is read only as the basement's B ((B101)); another ((T1234) a telephone, (x1234)
# an extension, (P101) a parking space) is a code, a remark as before persons18 (it split a person from her room)
_BRACKET_ROOM = re.compile(r"[(（]\s*((?:[Bb]\d?[-\s.]?|[A-Za-z][-\s.])\d{3,4}|\d{3,4}[-\s]?[A-Za-z])\s*[)）][\s。、.,・]*$")


def _room(building: str) -> tuple[str, str, int]:
    """(room number, the building text without its remark, where the number starts there)."""
    if not building:
        return "", "", 0
    found = _room_in(_room_remark().sub("", building))
    if not found[0] and (m := _BRACKET_ROOM.search(building)):
        found = _room_in(f"{building[:m.start()]} {m.group(1)}")
    return found


def _room_in(raw: str) -> tuple[str, str, int]:
    """_room of the building text without its remark."""
    text = _NOT_ROOM.sub(_blank, raw)
    written = list(_ROOM_WRITTEN.finditer(text))
    if written:  # a number written as the room (205号室) is the room, whatever note or number follows it
        number = _number(written[-1].group(1))
        return (number, raw, written[-1].start(1)) if number else ("", raw, 0)
    numbers = list(_ROOM_NUMBER.finditer(text))
    while len(numbers) > 1 and _is_note(text, numbers[-2], numbers[-1]):
        numbers.pop()  # コーポ山田101 会員番号 12345: the room is 101, the long number a note after it
    for k in range(len(numbers) - 1, -1, -1):
        m = numbers[k]
        run, start, end = m.group(0), m.start(), m.end()
        if _is_name_number(text, m, k < len(numbers) - 1):
            continue
        # a room: three digits or more, or apart from the building's name (-2, #2, "2", 2号室); ハイツ21 is a name; a
        # letter and one or two digits ending the part are a unit (A1, B2: persons19, its wing read by _room_parts)
        if len(run) >= 3 or start == 0 or text[start - 1] in _ROOM_BEFORE or text[end:end + 1] in ("号", "室") \
                or _LETTER_UNIT.match(text, start - 1):
            number = _number(run)
            return (number, raw, start) if number else ("", raw, 0)
    return "", raw, 0


_WORD = re.compile(r"[^\W\d_]")
# people20: never F (F2 is floor 2, as 2F: _FLOOR_ONLY) nor an era's year typed apart (H30, R2, S50: _NOT_ROOM)
_LETTER_UNIT = re.compile(r"(?<![A-Za-z\d])[A-EG-Za-eg-z](?=\d{1,2}[\s。、.,・]*$)")


def _is_note(text: str, before: re.Match[str], last: re.Match[str]) -> bool:
    """A number of five digits or more typed after another number with a word between them (会員番号 12345, 内線
    12345, ext 12345, 様方 12345) is a note, not the room: a room of five digits follows the building's name directly
    (コーポ山田 10203, メゾン2000 12345), and so does one after a building's number and a word (パークシティ1番街 10203)."""
    if len(last.group(0)) < 5:
        return False
    if _WORD.search(text, before.end(), last.start()) is None:
        # コーポ山田 101 12345: a room of three digits, then the long number with only a space between (persons15); a
        # building's number before a five-digit room (メゾン2000 12345, メゾン2001 12345) has four digits, or ends in 00
        # persons16: not glued to the name (ハイツ101 10203: the building's number, then the room; address_spaces marks a
        # typed space before the three digits with #)
        run, at = before.group(0), before.start()
        return run.isdigit() and len(run) == 3 and not run.endswith("00") and \
            not (at and _KANA_BEFORE.match(text[at - 1])) and not text[before.end():last.start()].strip(" \t\u3000#")
    if _NAME_WORD.fullmatch(text, before.end(), last.start()):  # メゾン2000 タワー 10203: the name goes on, then the room
        return False
    # the number before must read as a room (three digits or more, or 号/室 after it): パークシティ1番街 10203 and
    # ハイツ21 南 10203 name a building's number and a word, then the room (review14b: read as a note, the room was lost)
    return len(before.group(0)) >= 3 or _ROOM_MARK.match(text, before.end()) is not None


_ROOM_MARK = re.compile(r"\s*(?:号室|号|室)")
# a word of a building's name between its number and a spaced room: katakana (タワー, レジデンス) or a lone 東西南北; a
# note's label is kanji or Latin (会員番号, 内線, 様方, ext, No.)
_NAME_WORD = re.compile("[-\\s・#]*(?:[\u30a1-\u30fa\u30fc・]+|[東西南北])[-\\s#]*")


def _number(run: str) -> str:
    """Digits or a kanji numeral as a number without leading zeros; "" for anything else (other scripts' digits,
    ٣٠٥ or ３０５ before NFKC, are \\d to the patterns above but no number here: never an error)."""
    if run.isascii():
        return str(int(run)) if run.isdigit() else ""
    if not all(c in _KN for c in run):
        return ""
    digits = as_digits(run)
    return str(int(digits)) if digits.isascii() and digits.isdigit() else ""


def _is_name_number(text: str, m: re.Match[str], room_after: bool) -> bool:
    """Digits glued to a kana/kanji building name (メゾン2000): part of the name when a room follows them, or when
    they cannot be a room (five digits or more, or ending in 00); コーポ山田205 alone stays room 205."""
    start, run = m.start(), m.group(0)
    if not start or not run.isdigit() or not _NAME_BEFORE.match(text[start - 1]):
        return False
    return room_after or len(run) >= 5 or (len(run) >= 3 and run.endswith("00"))


_NAME_BEFORE = re.compile("[\u30a1-\u30fa\u30fc\u3041-\u3096\u3400-\u9fff]")
# persons17: three digits glued to a kanji name (コーポ山田101 12345, 山田荘201 54321) are its room, as コーポ山田205 alone
# is; a building's number is glued to a kana name (ハイツ101 10203, メゾン2000)
_KANA_BEFORE = re.compile("[\u30a1-\u30fa\u30fc\u3041-\u3096]")


def _blank(m: re.Match[str]) -> str:
    """What _NOT_ROOM removes, as spaces of the same length: positions stay those of the building text."""
    return " " * len(m.group(0))


def normalise_address(text: str) -> str:
    """The comparison key of an address: every address rule, in order."""
    return drop_building(_before_building(text))


def _before_building(text: str) -> str:
    return place_names(block_words(kanji_numerals(town(fill_prefecture(old_municipality(hyphens(excel_dates(
        address_spaces(look_alikes(address_nfkc(text)))))))))))


# ---------------------------------------------------------------- the rules, in the order applied
# The keying these rules make: raised whenever a change gives a row another key or room path (Session 12: building
# numbers as wings, 3-12-5 5号棟 = 3-12 wing 5). Written in findings.json (persons.keying); merge combines persons
# only of one keying, since fingerprints made by two keyings do not compare (the tool's version never changed with
# the rules: a Session 11 and a Session 12 scan of the same rows merged gave one record two persons). 13 (review12b):
# a room of five digits or more is a room again (メゾン2000201号室: read as no room, room twins were one person); a
# room in brackets ((305号室)) and after 第 + a kanji numeral (第五301号室) are read (they were not: twins were one). 14
# (persons13): a building's number named with a wing is kept as a third room stage (メゾン2000 A棟305 and メゾン2001
# A棟305 were one person); Latin building names and a spaced 5-digit room are read; old municipality names
# (浦和市 -> さいたま市浦和区) are written as today's; review13a (same session, unreleased, so still 14): a complex's
# numbered building before its wing (1号館A棟) is the number stage, a bracketed wing is read, an old name's renamed towns
# (鳩ヶ谷市本町 = 川口市鳩ヶ谷本町). 15 (persons14): a basement floor (B1 101) is told apart like a wing, not read as
# building number 1; a long number after the room behind a word (内線 12345) is no room; a kanji numeral glued to a kana
# building name (メゾン二〇〇〇 A棟305) is its number; an unknown 市/町/村 name is never read as a town of another
# municipality; 18 more old municipalities; review14b (same session, unreleased, so still 15): 地下一階 is floor B1, a
# five-digit room after a building's number and a word (パークシティ1番街 10203) is no note. 16 (persons15): a record's
# links (evidence.resolve_persons): a number glued to the building's name alone (メゾン2001) is read as that building
# without a room where the case names the building with a room, and a room with a building's number but no wing
# (メゾン2000 305号室) joins the only wing holding that room of that building (メゾン2000 A棟305); a long number after a
# three-digit room with nothing between (コーポ山田 101 12345) and a number after a katakana label (カード 12345) are no
# room; 地下101 is a basement room (wing B); 11 more old municipalities; review15a (same session, unreleased, so still
# 16): a label glued to a katakana name (パークポイント10203号室) is part of it, labels in signatures/room_notes.toml;
# a full stop or comma after a glued number (メゾン2001。) keeps its link; 浜松市's other 2023 wards (中区 ... 北区);
# a number after a word for room (部屋2001, Room 2001) has no link. 17 (persons16): old municipalities from Japan Post's
# 市町村変更情報 (1,607 generated rows beside the hand entries), a name several old municipalities had read only where the
# prefecture or town leaves one, 佐賀関町's renamed 大字, a town as typed after an old name must end where the block begins
# (chain format unchanged: 16 and 17 share it, keying_id proves which). 18 (persons17): a basement room whose floor is
# not named (地下101) is wing 地下, no longer wing B (B棟101, B-101), and a B glued to the room (B101: the basement's room
# or wing B's) is wing B? of its own; three digits glued to a kanji name before a spaced long number (コーポ山田101 12345)
# are the room and the long number a note (read as building 101's room 12345, as ハイツ101 10203 still is). 19
# (review17h): a postal code or local phone number typed after the room and a space, ending the address without 〒 or
# TEL (コーポ山田101 184-0004, 1234-5678), is dropped (its last digits were the room: room 4); a letter after the room
# (101A, 101-A) is its wing, as before it (A101): 101A and 101B were one room. 20 (persons18): a bare B101 joins the
# only basement or wing-B person of its room (links: a B-tag and an alias read sideways by resolve_persons); the basement
# typed 地下階101, B-1-101, B01-101, BF101 and B.101/A.101 (a dot as a dash) and a letter and room in brackets ((B101)) are
# read; a floor with no room (3F, 地下1階) is a room stage (3F and 4F were one person), joined to the only person on that
# floor (a room's first digits: 301 is on floor 3) by a floor tag. 21 (persons19): a number of one or two digits ending
# the address after the building's name and a space (コーポ山田 2) is the unit, a letter and one or two digits (A1, B-2)
# the unit and its wing (a glued B1 is wing B?), a letter after a floor (3F-A) a unit on that floor; a letter glued to
# the digits in brackets other than the basement's B ((T1234), (x1234), (P101)) is a remark again (chain format
# unchanged: 16-21 share it); review19p (same session, unreleased, so still 21): a lot after a town holding a number or
# after ー or a kanji numeral (一番沢 12, 15ー 38, 十二 5) is the block again, a letter after a basement floor
# (地下1階A) a unit of that floor, and a building's number typed apart (ハイツ 21) may be that building
# (the glued alias). 22 (people20): F and one or two digits (F2) is a floor, as 2F (it was wing F's unit 2); an era's
# year typed bare after the building (H30, R2, S50, T1) no unit; a unit before 。/、 (コーポ山田 2。) read; a number spaced
# after 丁目 and its 番 (本町3丁目十二 5, 3丁目12 5) the 号 (it was a room, left out of the key). Chain format
# unchanged: 16-22 share it. 23 (tables23): an era's year ending the building part with no room before it, typed apart
# or glued (パークタワー H1, コーポ山田H30), is a unit of its own (room stage H1) that joins the building's only person with a
# room (a date after her room), through an alias every room's free link slot carries (chain format unchanged: 16-23 share
# it); tables23b (same session, unreleased, so still 23): a floor alone (2F) carries it too (コーポ山田 2F + H30: 2 -> 1).
# evidence.KEYING_ROOM_STAGES says which room stages each keying writes
KEYING = 23

Step = Callable[[str], str] | None

# (rule, step on the name, step on the address). The counter applies them one by one and reports how
# many records each one merged; the order matters only for that attribution, not for the final key.
RULES: list[tuple[str, Step, Step]] = [
    ("nfkc", nfkc, address_nfkc),
    ("look_alikes", None, look_alikes),
    ("spaces", remove_spaces, address_spaces),
    ("excel_dates", None, excel_dates),
    ("variant_kanji", variant_kanji, None),
    ("name_forms", name_forms, None),
    ("long_vowels", long_vowels, None),
    ("hyphens", None, hyphens),
    ("old_municipality", None, old_municipality),
    ("prefecture", None, fill_prefecture),
    ("town", None, town),
    ("kanji_numerals", None, kanji_numerals),
    ("block_words", None, block_words),
    ("place_names", None, place_names),
    ("building", None, drop_building),
]

RULE_DESCRIPTIONS: dict[str, str] = {
    "nfkc": "NFKC (full-width digits and letters, half-width kana), invisible characters, leading 〒",
    "look_alikes": "look-alike characters in addresses (巿 U+5DFF -> 市, 丿 -> ノ)",
    "spaces": "spaces (ASCII, U+3000, NBSP) removed",
    "variant_kanji": "variant kanji in names (髙->高, 﨑->崎, 邊->辺, 齋->斎 ...)",
    "name_forms": "様/殿/さん and a (reading) typed after the name; hiragana -> katakana; romaji in one case",
    "long_vowels": "a long vowel in kana written out or as ー (タロー = タロウ, オーノ = オオノ)",
    "excel_dates": "a block number Excel turned into a date (2003-12-05 -> 3-12-5, 12月5日 -> 12-5)",
    "hyphens": "hyphen-like characters next to digits (－ ‐ − ― ー) -> -",
    "old_municipality": "an old municipality name written as the one that took it over (浦和市 -> さいたま市浦和区), "
                        "where its town is found there",
    "prefecture": "missing prefecture filled in from the municipality, or the municipality from the town; 郡 left out",
    "town": "the town found in the gazetteer, where the block number begins (北16西2 = 北十六条西2丁目)",
    "kanji_numerals": "kanji block numbers (三丁目 -> 3丁目)",
    "block_words": "丁目/番/番地/の between numbers -> -, trailing 号 dropped",
    "place_names": "ケ/ヶ/が, ノ/之/の, 大字/字, old kanji in place names (龍->竜, 澤->沢)",
    "building": "building and room after the block number set aside",
}


def record_key(name: str, address: str) -> tuple[str, str]:
    """(name key, address key): the identity of one person for counting.

    The same steps as RULES, called directly: this runs once per record on lists of millions.
    """
    return normalise_name(name), normalise_address(address)


def record_key_and_reading(name: str, address: str) -> tuple[tuple[str, str], str]:
    """record_key, and the room reading (room_reading: room path and links) of the building part set aside."""
    address, building = split_building(_before_building(address))
    return (normalise_name(name), address), room_reading(building)


def staged_keys(name: str, address: str) -> list[tuple[str, str]]:
    """The key after trimming only, then after each rule in RULES (len(RULES) + 1 keys)."""
    return staged_keys_and_room(name, address)[0]


def staged_keys_and_room(name: str, address: str) -> tuple[list[tuple[str, str]], str]:
    """staged_keys, and the room (and wing) of the building part the last rule sets aside (room_path)."""
    stages, reading = staged_keys_and_reading(name, address)
    return stages, reading.partition(_LINK)[0]


def staged_keys_and_reading(name: str, address: str) -> tuple[list[tuple[str, str]], str]:
    """staged_keys, and the room reading (room_reading: room path and links) of the building part set aside."""
    name, address = name.strip(), address.strip()
    out = [(name, address)]
    room = ""
    for _rule, name_step, address_step in RULES:
        if name_step is not None:
            name = name_step(name)
        if address_step is drop_building:
            address, building = split_building(address)
            room = room_reading(building)
        elif address_step is not None:
            address = address_step(address)
        out.append((name, address))
    return out, room


def room_keys(key: tuple[str, str], room: str) -> list[tuple[str, str]]:
    """The keys of a row with a room below its key without one: the room joined to the address key the way
    keys.fingerprint joins name and address, then the wing after it (room_path: "101" or "101\x1fA"), so
    fingerprint(key, *room_keys(...)[-1]) is the keyed value prints.PrintBuilder makes."""
    if not room:
        return []
    parts = room.partition(_LINK)[0].split("\x1f")
    return [(key[0], "\x1f".join((key[1], *parts[:i]))) for i in range(1, len(parts) + 1)]


# persons19: each link is one string, the name and address key joined by \x1f as the keyed fingerprint joins them
# (prints.Keyed: the same bytes as keyed(name, address + tail)), so that a row's links are one tuple, not four (the
# allocations made the count's garbage collector walk the heap: link_keys ~9x slower on 10^6 rows after persons18)
LinkKeys = tuple[str | None, str | None, str | None]


def link_keys(key: tuple[str, str], room: str) -> LinkKeys:
    """The keys of a row's links (evidence.resolve_persons; persons.keying 16), from its room reading (room_reading),
    joined to the address key like room_keys' (after \x1e, never a room key's \x1f): its number tag (the building's
    number it names), its wing tag (its room and that number, when it names a wing too) and its alias (what it may
    also be: the number tag of the number glued to the building's name alone, `メゾン2001`; or, with a building's number
    and no wing, the wing tag of its room and number, `メゾン2000 305号室`). None where there is none; each as one string,
    name \x1f address key \x1e values (LinkKeys). Keying 20: a bare
    `B101` (wing B?) asks for the tag a room of wing B or of the basement (`B棟101`, `地下101`) carries in its wing slot;
    a floor alone (`3F`) asks for the floor tag a room on that floor (`301`, floor_of) carries in a slot left free."""
    if not room:
        return None, None, None
    number, wing, alias = _link_tails(room)
    joined = key[0] + "\x1f" + key[1]
    return (None if number is None else joined + number, None if wing is None else joined + wing,
            None if alias is None else joined + alias)


_Tails = tuple[str | None, str | None, str | None]


@lru_cache(maxsize=1 << 12)
def _link_tails(room: str) -> _Tails:
    """What link_keys joins to the address key, from the room reading alone (\x1e and the tag's values; None for
    none). A case's room readings are few (room numbers, wings, floors), its keys many: read once per reading
    (review18f: computed per row, the floor tags made link_keys ~9x slower on 10^6 rows)."""
    path, _sep, tail = room.partition(_LINK)
    if not path:
        return None, None, None
    number, _sep, glued = tail.partition(_LINK)
    parts = path.split("\x1f")
    wing = parts[1] if len(parts) == (3 if number else 2) else ""

    def tag(*values: str) -> str:
        return _LINK + "#".join(values)

    if _ERA_UNIT.fullmatch(parts[0]):  # tables23: an era's year, a unit or a date after the building's only room
        return None, None, tag(_ANY_ROOM)
    number_tag = tag("", number) if number else None
    wing_tag = tag(parts[0], number) if number and wing else None
    floor = floor_of(parts[0], wing)
    if parts[0].endswith(_FLOOR):  # persons18: a floor alone (3F) may be any person on that floor (of its building)
        alias = tag(_FLOOR, floor, number) if floor else None
    elif glued:
        alias = tag("", glued)
    elif wing == _B_GLUED and not number:  # persons18: B101 may be the basement's room 101 or wing B's
        alias = tag(parts[0], _B_GLUED)
    else:
        alias = tag(parts[0], number) if number and not wing else None
    if wing in ("B", _BASEMENT_ROOM) and not number:  # what a B101 may be
        wing_tag = tag(parts[0], _B_GLUED)
    if floor and not parts[0].endswith(_FLOOR):
        if number_tag is None:  # the floor a room is on, where a slot is free: what a floor-only copy may be
            number_tag = tag(_FLOOR, floor, number)
        elif wing_tag is None:
            wing_tag = tag(_FLOOR, floor, number)
    if wing_tag is None:  # a room of the building, or a floor alone: what an era's year may be (tables23). A floor alone
        # (2F) places her in the building as a room does: beside her 2F a year joins her (tables23b: tables23 left the
        # floor untagged, コーポ山田 2F + H30 was 2 persons, 833d2d7d 1; beside 2F and 101 it joined 101, now its own: 3)
        wing_tag = tag(_ANY_ROOM)
    return number_tag, wing_tag, alias
