"""Pure functions that turn a Japanese name or address into a comparison key (DOMAIN.md section 3).

Keys are for counting people only: the evidence and the strings shown to the examiner are never
rewritten. Each rule is a separate step so the counter can say how many records each rule merged;
``RULES`` fixes their order. Everything here is offline: the municipality table and the variant-kanji
map are data in signatures/.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

import jaconv

from .. import rules

# ---------------------------------------------------------------- shared pieces
_INVISIBLE = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\u200b-\u200d\u2060\ufeff]")
_WS = re.compile(r"\s+")  # str patterns: includes U+3000 and NBSP
_REMOVE_WS = {c: None for c in (0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C, 0x3000, 0xA0, 0x2002, 0x2003, 0x2009, 0x202F)}
_HYPHENS = "\\-\uff0d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70\u2500\u2501\ufe63\u2043"
_HYPHEN_NEAR_DIGIT = re.compile(f"(?<=\\d)[{_HYPHENS}]+|[{_HYPHENS}]+(?=\\d)")
_LEADING_POSTCODE = re.compile(f"^\\s*〒?\\s*\\d{{3}}[{_HYPHENS}]?\\d{{4}}\\s*")

_KN = "〇一二三四五六七八九十百千"
_KN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_KN_UNIT = {"十": 10, "百": 100, "千": 1000}
_KN_BEFORE_MARK = re.compile(f"[{_KN}]+(?=丁目|番地|番|号|地割)")
_KN_AFTER_BLOCK = re.compile(
    f"(?:(?<=\\d[番のノ之-])|(?<=\\d丁目)|(?<=\\d番地)|(?<=\\d番[のノ之-])|(?<=\\d番地[のノ之-])|(?<=\\d丁目[のノ之-]))"
    f"[{_KN}]+"
)
_KN_BEFORE_CHAIN = re.compile(f"[{_KN}]+(?=[のノ之-][\\d{_KN}])")
_HAS_KN = re.compile(f"[{_KN}]")

_BLOCK_WORD_BETWEEN = re.compile(r"(?<=\d)(?:(?:丁目|番地|番)[のノ之\-]?|[のノ之])(?=\d)")
_TRAILING_BLOCK_WORD = re.compile(r"(?<=\d)(?:号(?!室)|丁目|番地|番(?![町丁]))")
_CHAIN = re.compile(r"\d+(?:-\d+)+")
_NUMBER = re.compile(r"\d+")


def nfkc(text: str) -> str:
    """NFKC, then drop variation selectors and zero-width characters (invisible, but break equality)."""
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return text.strip()


# ---------------------------------------------------------------- names
@cache
def _tables() -> tuple[dict[int, str], dict[int, str]]:
    data = rules.load("person_variants")
    variants = str.maketrans(data["variants"]["map"])
    probable = str.maketrans(data["probable"]["map"])
    return variants, probable


def remove_spaces(text: str) -> str:
    """Every kind of space goes (ASCII, U+3000, NBSP): 山田　太郎 and 山田太郎 are one name."""
    return text.translate(_REMOVE_WS)


def variant_kanji(text: str) -> str:
    """髙->高, 﨑/嵜->崎, 邊/邉->辺, 齋->斎, 濵/濱->浜, 澤->沢, 廣->広, 嶋->島 (one way, from signatures/)."""
    return text.translate(_tables()[0])


def probable_kanji(text: str) -> str:
    """斉/齊 -> 斎: different characters that are often confused; used only to list probable pairs."""
    return text.translate(_tables()[1])


def normalise_name(text: str) -> str:
    """The comparison key of a personal name."""
    return variant_kanji(remove_spaces(nfkc(text)))


def normalise_reading(text: str) -> str:
    """The key of a reading (フリガナ): hiragana and half-width kana become full-width katakana."""
    return jaconv.hira2kata(remove_spaces(nfkc(text)))


# ---------------------------------------------------------------- addresses
def address_nfkc(text: str) -> str:
    """NFKC, invisible characters dropped, and a leading postal code (〒160-0023) removed."""
    return _LEADING_POSTCODE.sub("", nfkc(text))


def _space(m: re.Match[str]) -> str:
    s, i, j = m.string, m.start(), m.end()
    return " " if 0 < i and j < len(s) and s[i - 1].isdigit() and s[j].isdigit() else ""


def address_spaces(text: str) -> str:
    """Spaces go, except one between two numbers (3-12-5 101: the room stays apart from the block)."""
    return _WS.sub(_space, text)


def hyphens(text: str) -> str:
    """Hyphen-like characters (－ ‐ − ― ー ｰ — –) become "-" only next to a digit (コーポ keeps its ー)."""
    return _HYPHEN_NEAR_DIGIT.sub("-", text)


def kanji_number(text: str) -> int:
    """十二 -> 12, 二十三 -> 23, 百五 -> 105, 一〇 -> 10 (positional when there is no 十百千)."""
    if not any(c in _KN_UNIT for c in text):
        return int("".join(str(_KN_DIGIT[c]) for c in text))
    total = current = 0
    for c in text:
        if c in _KN_UNIT:
            total += (current or 1) * _KN_UNIT[c]
            current = 0
        else:
            current = current * 10 + _KN_DIGIT[c]
    return total + current


def _to_digits(m: re.Match[str]) -> str:
    return str(kanji_number(m.group(0)))


def kanji_numerals(text: str) -> str:
    """Kanji numerals become digits only as block numbers (三丁目 -> 3丁目), never in 八王子 or 四日市."""
    if not _HAS_KN.search(text):
        return text
    text = _KN_BEFORE_MARK.sub(_to_digits, text)
    for _ in range(4):  # a chain 12の五の三 converts one link per pass
        new = _KN_BEFORE_CHAIN.sub(_to_digits, _KN_AFTER_BLOCK.sub(_to_digits, text))
        if new == text:
            break
        text = new
    return text


def block_words(text: str) -> str:
    """Between numbers 丁目 番 番地 の 之 ノ become "-"; a trailing 号 (丁目, 番地) is dropped: 3-12-5."""
    if "丁" not in text and "番" not in text and "号" not in text and "の" not in text and "ノ" not in text \
            and "之" not in text:
        return text  # already in hyphen form (the cheap test saves two regex passes per record)
    return _TRAILING_BLOCK_WORD.sub("", _BLOCK_WORD_BETWEEN.sub("-", text))


@cache
def _municipalities() -> tuple[frozenset[str], dict[str, str], frozenset[str], tuple[int, ...]]:
    data = rules.load("municipalities")
    table: dict[str, str] = data["municipalities"]
    ambiguous = frozenset(data["ambiguous"])
    lengths = tuple(sorted({len(k) for k in (*table, *ambiguous)}, reverse=True))
    return frozenset(data["prefectures"]), table, ambiguous, lengths


def prefecture_of(text: str) -> str | None:
    """The prefecture an address starts with, or None."""
    prefs = _municipalities()[0]
    for n in (3, 4):
        if text[:n] in prefs:
            return text[:n]
    return None


def fill_prefecture(text: str) -> str:
    """A missing prefecture is filled in from the municipality (小金井市 -> 東京都小金井市).

    The longest municipality name the address starts with decides; a name found in more than one
    prefecture (府中市, 伊達市, 北区 ...) is left alone rather than guessed.
    """
    prefs, table, ambiguous, lengths = _municipalities()
    if not text or prefecture_of(text):
        return text
    for n in lengths:
        head = text[:n]
        if head in ambiguous:
            return text
        pref = table.get(head)
        if pref:
            return pref + text
    return text


def split_building(text: str) -> tuple[str, str]:
    """Split off building and room after the block number: (東京都…本町3-12-5, コーポ山田101)."""
    m = _CHAIN.search(text) or _NUMBER.search(text)
    if not m:
        return text, ""
    return text[: m.end()], text[m.end():].strip(" -")


def drop_building(text: str) -> str:
    return split_building(text)[0]


def normalise_address(text: str) -> str:
    """The comparison key of an address: every address rule, in order."""
    return drop_building(fill_prefecture(block_words(kanji_numerals(hyphens(address_spaces(address_nfkc(text)))))))


# ---------------------------------------------------------------- the rules, in the order applied
Step = Callable[[str], str] | None

# (rule, step on the name, step on the address). The counter applies them one by one and reports how
# many records each one merged; the order matters only for that attribution, not for the final key.
RULES: list[tuple[str, Step, Step]] = [
    ("nfkc", nfkc, address_nfkc),
    ("spaces", remove_spaces, address_spaces),
    ("variant_kanji", variant_kanji, None),
    ("hyphens", None, hyphens),
    ("kanji_numerals", None, kanji_numerals),
    ("block_words", None, block_words),
    ("prefecture", None, fill_prefecture),
    ("building", None, drop_building),
]

RULE_DESCRIPTIONS: dict[str, str] = {
    "nfkc": "NFKC (full-width digits and letters, half-width kana), invisible characters, leading 〒",
    "spaces": "spaces (ASCII, U+3000, NBSP) removed",
    "variant_kanji": "variant kanji in names (髙->高, 﨑->崎, 邊->辺, 齋->斎 ...)",
    "hyphens": "hyphen-like characters next to digits (－ ‐ − ― ー) -> -",
    "kanji_numerals": "kanji block numbers (三丁目 -> 3丁目)",
    "block_words": "丁目/番/番地/の between numbers -> -, trailing 号 dropped",
    "prefecture": "missing prefecture filled in from the municipality",
    "building": "building and room after the block number set aside",
}


def record_key(name: str, address: str) -> tuple[str, str]:
    """(name key, address key): the identity of one person for counting.

    The same steps as RULES, called directly: this runs once per record on lists of millions.
    """
    return (variant_kanji(remove_spaces(nfkc(name))),
            drop_building(fill_prefecture(block_words(kanji_numerals(hyphens(address_spaces(address_nfkc(address))))))))


def staged_keys(name: str, address: str) -> list[tuple[str, str]]:
    """The key after trimming only, then after each rule in RULES (len(RULES) + 1 keys)."""
    name, address = name.strip(), address.strip()
    out = [(name, address)]
    for _rule, name_step, address_step in RULES:
        if name_step is not None:
            name = name_step(name)
        if address_step is not None:
            address = address_step(address)
        out.append((name, address))
    return out
