"""Untrusted text (file names from a seized share, server messages) made harmless for a terminal.

A name may hold ANSI escapes (``\\x1b[31m``), newlines or bidi overrides (U+202E) that would recolour
or rewrite the investigator's terminal, fake extra lines, or hide a file's real extension. Such
characters are shown as ``⟨U+XXXX⟩``, as the HTML report's ``visible`` filter does.
"""

from __future__ import annotations

import unicodedata

# control, format (bidi, zero-width), line/paragraph separators, private-use, surrogates, unassigned
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})


def is_hidden(ch: str) -> bool:
    return unicodedata.category(ch) in HIDDEN_CATEGORIES


def shown(text: object, keep_newlines: bool = False) -> str:
    """``text`` with every hidden character replaced by ``⟨U+XXXX⟩`` (newlines kept if asked)."""
    s = "" if text is None else str(text)
    if s.isascii() and s.isprintable():
        return s
    return "".join(f"⟨U+{ord(c):04X}⟩" if is_hidden(c) and not (keep_newlines and c == "\n") else c for c in s)
