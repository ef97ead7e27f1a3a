"""A header cell's words as the table reader reads them (signatures/pii_columns.toml), for the table reader and for
rules that must tell a header row from data before any table is read (splits25).

``scanner.detectors`` (the table reader's header check, ``detectors.columns``) and ``scanner.sources`` (the split
set rules: a later piece that begins with a header row of its own is a file, ``split_series.header_line``) are
siblings in the layers contract and may not import each other; both import this helper, so a header cell is
normalised one way (NFKC, casefold, no spaces, underscores, hyphens, brackets or trailing digits) and the words are
the reader's own (field words, exact words, renditions).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from . import rules

BRACKETS = r"()\[\]{}（）［］｛｝「」『』【】〔〕〈〉《》<>＜＞・:：*＊※"
SPACES = r"\s\u3000\u00a0_\-"  # hyphens too: ship-postal-code (Amazon order reports)
DROPPED = re.compile(f"[{BRACKETS}{SPACES}]+")  # brackets and spaces, dropped in one pass
TRAILING_DIGITS = re.compile(r"[\d.]+$")


def normalise(text: str) -> str:
    """NFKC, casefold, drop spaces, underscores, hyphens, brackets and trailing digits (住所１ -> 住所, Address 1 ->
    address, ship-address-1 -> shipaddress)."""
    t = DROPPED.sub("", unicodedata.normalize("NFKC", text).casefold())
    if t[-1:].isdecimal() or t.endswith("."):  # [\d.]+$ can match only there (no newline is left)
        t = TRAILING_DIGITS.sub("", t)
    return t.strip(".")


@cache
def header_words() -> frozenset[str]:
    """The field words and exact words of the rules and their renditions (フリガナ), normalised."""
    data = rules.load("pii_columns")
    words = {w for c in data.get("column", []) for w in (*c.get("words", []), *c.get("exact", []))}
    words.update(w for ws in (data.get("rendition") or {}).values() for w in ws)
    return frozenset(k for k in map(normalise, words) if k)


def is_header_cell(cell: str) -> bool:
    """Whether one cell is, whole, a header word of the table reader's rules (氏名, フリガナ, 住所１, 【電話番号】).
    Not the reader's full check: a role before a field word (届先氏名) or a word inside a longer header is not taken
    here (splits25: taking them left a folder's later monthly exports with such a header unread, the content check
    not reading them; see NOTES-splits25)."""
    key = normalise(cell)
    return bool(key) and key in header_words()
