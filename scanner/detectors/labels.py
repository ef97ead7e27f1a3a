"""Address labels: one person's postal code, address and name in one cell, a line each.

Label sheets and mail-merge lists keep a whole label in a cell (宛先: ``〒184-0004⏎東京都小金井市本町3-12-5⏎
コーポ本町101⏎山田 太郎 様``), one cell per person, often several labels to a row (an A4 sheet of 2 x 5). No column
holds one field, so neither the table rules nor the form rules see a person. Here a cell is a label when its lines
are, in order, an optional postal code, an address (a municipality and block numbers) with an optional building
line, and a Japanese name (honorifics taken off): last, or anywhere when it carries 様 (name-first labels).
A label may also be written a line per cell down a column (several label columns side by side, a blank row
between labels): :func:`vertical_labels` joins such runs. Pure functions over cell text.
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import chain

from ..masking import name_core
from . import person_names as N
from . import values as V

MAX_LABEL = 400  # characters: a label is a few short lines
MAX_LINES = 6


_HONORIFIC_END = ("様", "殿", "さま", "樣")


def _name_of(line: str) -> str | None:
    """The name a label line holds (honorifics taken off), when it is a Japanese or spaced name."""
    name = name_core(line)
    if name and not V._ORG.search(name) and (N.japanese_name_shape(V.nfkc(name)) or V.looks_like_spaced_name(name)):
        return name
    return None


def _postcode_line(line: str) -> tuple[str, str] | None:
    """(code, rest) of a line that starts with a postal code (〒184-0004, 184-0004 東京都…), else None."""
    if line[:1] not in "〒0123456789０１２３４５６７８９":
        return None
    code, rest = V.split_leading_postcode(line)
    if code:
        return code, rest.strip()
    alone = V.find_postcode(line, labelled=line.startswith("〒"))
    if alone and len(V.nfkc(line).replace("〒", "").strip()) <= 8:
        return alone, ""
    return None


def _address_line(line: str) -> bool:
    return V.looks_like_address(line, strict=True) and bool(V.starts_with_prefecture(line) or V._MUNI.match(V.nfkc(line)))


def label_fields(text: str) -> dict[str, str] | None:
    """``{"name", "address", "postcode"?}`` of a label cell, or None when the cell is not one.

    The lines may come in any order a label writer uses: 〒 / address / building / name (the usual one), name first
    (``山田 太郎 様`` then 〒 and the address), or the name after a company line; one line must be an address
    (a prefecture or municipality and block numbers) and one a name. The line right after the address, when it is
    neither the name nor a postal code, is its building; other lines (a company, a department) are left out."""
    if "\n" not in text or len(text) > MAX_LABEL:
        return None
    lines = [t.strip() for t in text.replace("\r", "\n").split("\n") if t.strip()]
    if not 2 <= len(lines) <= MAX_LINES:
        return None
    fields: dict[str, str] = {}
    at = None
    for i, line in enumerate(lines):
        split = _postcode_line(line) if "postcode" not in fields else None
        if split is not None:
            fields["postcode"], lines[i] = split
        if lines[i] and at is None and _address_line(lines[i]):
            at = i
    if at is None:
        return None
    address = [lines[at]]
    rest = [(i, t) for i, t in enumerate(lines) if i != at and t]
    honoured = [(i, t) for i, t in rest if V.nfkc(t).rstrip().endswith(_HONORIFIC_END)]
    # a name with 様 anywhere; without one only below the address (the last line first): a line above it is
    # more often a heading (会場:, 送付先) than a name
    candidates = honoured or sorted(((i, t) for i, t in rest if i > at), key=lambda it: -it[0])
    name, name_at = next(((n, i) for i, t in candidates if (n := _name_of(t))), (None, -1))
    if name is None:
        return None
    nxt = at + 1
    if nxt < len(lines) and lines[nxt] and nxt != name_at and _name_of(lines[nxt]) is None and not V._ORG.search(lines[nxt]):
        address.append(lines[nxt])  # the building line
    fields["name"] = name
    fields["address"] = "".join(address)
    return fields


def vertical_labels(rows: list[list[object]] | list, column_limit: int = 64) -> list[tuple[int, int, str]]:
    """(row, column, text) of the runs of filled text cells down each column (a label written a line per cell),
    joined by line breaks: 〒 / address / name cells of a label sheet laid out 2-3 labels across."""
    runs: list[tuple[int, int, str]] = []
    open_runs: dict[int, tuple[int, list[str]]] = {}
    width = min(column_limit, max((len(r) for r in rows), default=0))
    for r, row in enumerate([*rows, []]):
        for c in range(width):
            v = row[c] if c < len(row) else None
            text = v.strip() if isinstance(v, str) else ""
            if text and "\n" not in text and len(text) <= MAX_LABEL:
                start, lines = open_runs.setdefault(c, (r, []))
                lines.append(text)
            elif c in open_runs:
                start, lines = open_runs.pop(c)
                if 2 <= len(lines) <= MAX_LINES:
                    runs.append((start, c, "\n".join(lines)))
    return sorted(runs)


# a cell starting with 〒, a cell that is a postal code, a cell ending with 様 or 殿, as repr() quotes them
_LABEL_MARK = re.compile(r"""['"](?:〒|\d{3}-\d{4}['"])|(?:様|殿)['"]""")
_MARK_CHARS = ("〒", "様", "殿")  # every match of _LABEL_MARK holds one of them or matches _POSTAL_END
_POSTAL_END = re.compile(r"""-\d{4}['"]""")  # a literal first: re skips to each "-" (dates hold one too)


# cells whose repr holds no quote and none of _MARK_CHARS (a datetime or time only without a time zone: its repr
# then names none); a str's repr holds a mark character or a "-" then four digits only where its text does (repr
# escapes start with a backslash and never write a "-", a digit run or a mark character that the text does not hold)
_PLAIN_REPR = frozenset({type(None), bool, int, float, dt.date, dt.datetime, dt.time, dt.timedelta})
_ZONED = (dt.datetime, dt.time)
_DASH_DIGITS = re.compile(r"-\d{4}")


def _no_mark_cells(rows: list) -> bool:
    """The first 24 rows' cells are texts with no mark character and no "-" then four digits, and values of types whose
    repr holds no quote: their repr cannot match ``_LABEL_MARK`` (told without building it; C-level passes)."""
    cells = list(chain.from_iterable(rows[:24]))
    kinds = set(map(type, cells))
    if not kinds <= _PLAIN_REPR | {str}:
        return False
    if kinds & set(_ZONED) and any(v.tzinfo is not None for v in cells if type(v) in _ZONED):
        return False
    text = "\0".join(filter(str.__instancecheck__, cells))
    return not any(c in text for c in _MARK_CHARS) and _DASH_DIGITS.search(text) is None


def has_label_mark(rows: list) -> bool:
    """Whether the first 24 rows hold a 〒, postal-code or …様 cell (``_LABEL_MARK`` over their repr): the pattern
    has no literal prefix, so re tries it at every character; it runs only when one of the characters every
    match holds is there (C-level ``in`` tests), or a "-" then four digits and a quote (a search with a literal
    first: the "-" of a date, 2024-01-05, is no postal code's): most sheets end at them. Rows of plain cells with
    none of those in their texts end before the repr is built (issue 11: the repr of every date and number)."""
    if _no_mark_cells(rows):
        return False
    text = repr(rows[:24])
    return ((any(c in text for c in _MARK_CHARS) or _POSTAL_END.search(text) is not None)
            and _LABEL_MARK.search(text) is not None)


def vertical_label_cells(rows: list) -> list[tuple[int, int, str]]:
    """The runs of :func:`vertical_labels` that are labels of a label sheet: two such labels at least, and none with
    text left of it on its rows but another label's (a form's value column beside its labels, 施設名 | さくら園 /
    所在地 | … / 管理者 | 森 裕美子, is no label)."""
    if not has_label_mark(rows):
        return []  # no 〒, postal-code or …様 cell in the first rows (one C-level pass): most sheets end here
    runs = [(r, c, t) for r, c, t in vertical_labels(rows) if label_fields(t)]
    starts = {(r, c) for r, c, _t in runs}
    kept = []
    for r, c, t in runs:
        height = t.count("\n") + 1
        left = [rows[i][c - 1] if c and c - 1 < len(rows[i]) else None for i in range(r, r + height)]
        if any(isinstance(v, str) and v.strip() or isinstance(v, int | float) for v in left) and (r, c - 1) not in starts:
            continue
        kept.append((r, c, t))
    return kept if len(kept) >= 2 else []
