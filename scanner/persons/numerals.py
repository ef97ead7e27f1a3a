"""Kanji numerals as Japanese addresses write them: 十二, 二十三, 千二百三十四, 一〇二, 壱/弐/参/拾."""

from __future__ import annotations

DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"壱": 1, "弐": 2, "参": 3}
UNITS = {"十": 10, "拾": 10, "百": 100, "千": 1000}
CHARS = "".join(DIGITS) + "".join(UNITS)  # every character of a kanji numeral
LONGEST = 8  # 千二百三十四 and 一二三四 are numbers; a longer run of numeral characters is not read as one


def as_digits(run: str) -> str:
    """A run of kanji numerals written in digits, or the run unchanged when it is too long to be a number."""
    if run.isascii():  # already digits
        return run
    return str(kanji_number(run)) if len(run) <= LONGEST else run


def kanji_number(text: str) -> int:
    """十二 -> 12, 二十三 -> 23, 百五 -> 105, 一〇 -> 10 (positional when there is no 十百千), 壱 -> 1.

    Mixed forms are read as staff mean them: 千二三四 and 千二百三四 are 1234.
    """
    if not any(c in UNITS for c in text):
        return int("".join(str(DIGITS[c]) for c in text))
    total = current = 0
    for c in text:
        if c in UNITS:
            total += (current or 1) * UNITS[c]
            current = 0
        else:
            current = current * 10 + DIGITS[c]
    return total + current


def to_kanji(n: int) -> str:
    """12 -> 十二, 46 -> 四十六, 105 -> 百五: how Japan Post writes a number inside a town name."""
    if n == 0 or n >= 10000:  # no town is numbered that high: write it digit by digit
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        if q:
            out += ("" if q == 1 else "〇一二三四五六七八九"[q]) + unit
    return out + ("〇一二三四五六七八九"[n] if n else "")
