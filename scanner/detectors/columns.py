"""Header words -> field kinds (signatures/pii_columns.toml), matched in one pass with pyahocorasick.

Header text is normalised before matching (NFKC, casefold, no spaces, brackets or trailing digits):
``住所１`` / ``住所 (1)`` / ``【住所】`` all read ``住所``. Words inside a longer header count
(利用者氏名, Surname in full.), single-character words only as the whole header (姓, 名), and a header
holding an exclusion word (施設名, 保管場所, 会社名) is not a person's column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import ahocorasick

from .. import rules

_BRACKETS = re.compile(r"[()\[\]{}（）［］｛｝「」『』【】〔〕〈〉《》<>＜＞・:：*＊※]")
_SPACES = re.compile(r"[\s\u3000\u00a0_]+")
_TRAILING_DIGITS = re.compile(r"[\d.]+$")


def normalise_header(text: object) -> str:
    """NFKC, casefold, drop spaces, brackets and trailing digits (住所１ -> 住所, Address 1 -> address)."""
    t = unicodedata.normalize("NFKC", str(text)).casefold()
    t = _SPACES.sub("", _BRACKETS.sub("", t))
    return _TRAILING_DIGITS.sub("", t).strip(".")


@dataclass(frozen=True)
class ColumnRules:
    automaton: ahocorasick.Automaton
    exact: dict[str, str]
    exclude: ahocorasick.Automaton
    parts: dict[str, int]


@cache
def column_rules() -> ColumnRules:
    data = rules.load("pii_columns")
    auto = ahocorasick.Automaton()
    exact: dict[str, str] = {}
    parts: dict[str, int] = {}
    for col in data["column"]:
        field = col["field"]
        parts[field] = int(col.get("part", 0))
        for w in col.get("words", []):
            key = normalise_header(w)
            auto.add_word(key, (len(key), field))
            exact.setdefault(key, field)
        for w in col.get("exact", []):
            exact[normalise_header(w)] = field
    auto.make_automaton()
    excl = ahocorasick.Automaton()
    for w in data.get("exclude", {}).get("words", []):
        key = normalise_header(w)
        excl.add_word(key, key)
    excl.make_automaton()
    return ColumnRules(auto, exact, excl, parts)


def classify_header(text: object) -> str | None:
    """The field a header names (name, name_family, address, phone ...) or None."""
    if not isinstance(text, str):
        return None
    key = normalise_header(text)
    if not key or len(key) > 300:
        return None
    r = column_rules()
    if key in r.exact:
        return r.exact[key]
    if any(True for _ in r.exclude.iter(key)):
        return None
    best: tuple[int, str] | None = None
    for _end, (length, field) in r.automaton.iter(key):
        if best is None or length > best[0]:
            best = (length, field)
    return best[1] if best else None


def is_excluded(text: object) -> bool:
    """A header naming something other than a person's data (施設名, 保管場所, 担当者名, 会社名)."""
    if not isinstance(text, str):
        return False
    key = normalise_header(text)
    return bool(key) and len(key) <= 300 and any(True for _ in column_rules().exclude.iter(key))


def part_order(field: str) -> int:
    return column_rules().parts.get(field, 0)
