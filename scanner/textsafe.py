"""Untrusted text (file names from a seized share, server messages) made harmless for a terminal.

A name may hold ANSI escapes (``\\x1b[31m``), newlines or bidi overrides (U+202E) that would recolour
or rewrite the investigator's terminal, fake extra lines, or hide a file's real extension. Such
characters are shown as ``⟨U+XXXX⟩``, as the HTML report's ``visible`` filter does.
"""

from __future__ import annotations

import unicodedata

# control, format (bidi, zero-width), line/paragraph separators, private-use, surrogates, unassigned
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})


# printable letters and marks that draw nothing (Hangul fillers, the braille blank, the combining grapheme joiner,
# Mongolian and Khmer invisible signs): a name ``report\u3164.xlsx`` reads as ``report.xlsx`` (review25s). Variation
# selectors are not among them: Japanese names carry ideographic variation sequences (葛 + U+E0100) and emoji U+FE0F.
BLANK_LOOKING = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0")


def is_hidden(ch: str) -> bool:
    return ch in BLANK_LOOKING or unicodedata.category(ch) in HIDDEN_CATEGORIES


def all_visible(text: str) -> bool:
    """True when no character of ``text`` is hidden (:func:`is_hidden`): the fast path of the escaping filters."""
    return text.isprintable() and BLANK_LOOKING.isdisjoint(text)


def shown(text: object, keep_newlines: bool = False) -> str:
    """``text`` with every hidden character replaced by ``⟨U+XXXX⟩`` (newlines kept if asked)."""
    s = "" if text is None else str(text)
    if s.isascii() and s.isprintable():
        return s
    return "".join(f"⟨U+{ord(c):04X}⟩" if is_hidden(c) and not (keep_newlines and c == "\n") else c for c in s)
