"""Mask personal values for reports, logs and the terminal: 山田 ** / 東京都小金井市***.

Masks never reveal the length of what they hide. ``--unmask`` turns this off for the report only.
A name is masked by characters, after its honorifics and titles (signatures/masking.toml) and any
bracketed remark are taken off: what is shown is the start of the name itself, at most three
characters, never a whole name that happened to stand before 「様」 or a space.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from . import rules

_SPACE = re.compile(r"[\s\u3000\u00a0]+")
# (ヤマダ タロウ), （故）, 【要確認】 ... anywhere in a name: a reading or remark, never the part to show
_BRACKETED = re.compile(r"[(（\[［【〔「『<＜][^)）\]］】〕」』>＞]*[)）\]］】〕」』>＞]")
_MARKS = re.compile(r"[★☆◎○●◯■□◆◇▲△▼▽※＊*・=＝]+")
SHOWN_MAX = 3  # a family name written apart is shown when it is at most this long
# prefecture (optional) + the first municipality unit (市, 区, 町, 村, 郡 ... 市区 of a designated city)
_MUNICIPALITY = re.compile(
    r"^((?:東京都|北海道|(?:京都|大阪)府|.{2,3}県)?"
    r"(?:[^\d\s０-９]{1,6}?郡)?[^\d\s０-９]{1,6}?(?:市[^\d\s０-９]{1,4}?区|市|区|町|村))"
)


@cache
def _affixes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Honorifics after a name and titles before it, longest first (signatures/masking.toml)."""
    data = rules.load("masking")
    suffixes = sorted((unicodedata.normalize("NFKC", s) for s in data["suffixes"]), key=len, reverse=True)
    prefixes = sorted((unicodedata.normalize("NFKC", s) for s in data["prefixes"]), key=len, reverse=True)
    suffix = re.compile(rf"[\s]*(?:{'|'.join(map(re.escape, suffixes))})$")
    prefix = re.compile(rf"^(?:{'|'.join(map(re.escape, prefixes))})(?:\.|\s|(?=[^\x00-\x7f]))\s*", re.I)
    return suffix, prefix


def name_core(value: str) -> str:
    """The name without honorifics, titles, bracketed remarks or marks (spaces normalised to one)."""
    suffix, prefix = _affixes()
    v = _SPACE.sub(" ", _MARKS.sub(" ", _BRACKETED.sub(" ", unicodedata.normalize("NFKC", value)))).strip()
    while True:  # 「山田太郎様方 御中」: honorifics and titles can stack
        stripped = prefix.sub("", suffix.sub("", v)).strip()
        if stripped == v or not stripped:
            return v if not stripped else stripped
        v = stripped


def mask_name(value: str) -> str:
    """The start of the name, never the whole of it: a family name written apart (at most three
    characters: 「山田 太郎 様」 -> 「山田 **」), else the first one or two characters (「鈴木一郎太 様」 ->
    「鈴木**」); a Latin name keeps its first letter only (「Mr. John Smith」 -> 「J**」)."""
    core = name_core(value)
    if not core:
        return ""
    parts = core.split(" ")
    letters = core.replace(" ", "")
    if letters.isascii():
        return f"{letters[:1]}**"
    if len(parts) > 1 and len(parts[0]) <= SHOWN_MAX:
        return f"{parts[0]} **"
    keep = 1 if len(letters) <= 3 else 2
    return f"{letters[:keep]}**"


def mask_address(value: str) -> str:
    """Keep prefecture and municipality (東京都小金井市), hide the town, block numbers and building."""
    v = value.strip()
    if not v:
        return ""
    m = _MUNICIPALITY.match(unicodedata.normalize("NFC", v))
    if m:
        return f"{m.group(1)}***"
    return f"{v[:3]}***" if len(v) > 3 else "***"


def mask_value(value: object) -> str:
    """Any other personal value (phone, birth date, number): first character, then ***.

    A short value (sex, an age, a care level) would be given away by its first character, so it is
    hidden whole.
    """
    v = str(value).strip()
    if not v:
        return ""
    if len(v) <= 4:
        return "***"
    return f"{v[:1]}***"


def mask_field(field: str, value: object) -> str:
    """Mask a value by the kind of data it is (name, reading, address, or anything else)."""
    if field in ("name", "reading", "name_kana"):
        return mask_name(str(value))
    if field == "address":
        return mask_address(str(value))
    return mask_value(value)
