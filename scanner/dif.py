"""DIF spreadsheets (Data Interchange Format, .dif: Excel's "DIF (Data Interchange Format)" save, LibreOffice Calc,
Lotus and VisiCalc): a text of values, each on two lines.

The header is topics, each three lines: its name (``TABLE``, ``VECTORS``, ``TUPLES``, ``LABEL``, ``COMMENT`` ...), a
line ``vector,number`` and a quoted string; ``DATA`` ends it. Each data value is a line ``type,number`` and a line
``string``: type ``-1`` is a directive (``BOT`` begins a row, ``EOD`` ends the data), ``0`` a number (the string is
``V``, or ``NA``/``ERROR``/``TRUE``/``FALSE``), ``1`` a text (the string, quoted or not). Only the values are read.
Excel writes the text in the machine's ANSI code page (Shift_JIS on a Japanese Windows). Run it in the worker
(wild19: LibreOffice's sc/qa/unit/data/dif; a .dif was listed "no reader for this format").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .details import Detail, say
from .sheet import Caps, CellBudget, Sheet
from .textdecode import decode_counting, iter_lines, plan_decoding, reading_notes, zeroed_block

# TABLE, its vector,version line (0,1) and its title string: how every DIF file starts
_DIF = re.compile(rb'\A(?:\xef\xbb\xbf)?TABLE\r?\n\s*-?\d+\s*,\s*\d+\s*\r?\n"')
# DIF's lines end in CR, LF or both, nothing else: str.splitlines() also ends one at a form feed, \x1c-\x1e, NEL or
# U+2028 inside a text, and every pair after it was read out of step (review19w: one such byte, 40 persons -> 2 rows)
_LINE_END = re.compile(r"\r\n|[\r\n]")
_TYPE = re.compile(r"\s*(-?\d+)\s*,(.*)")  # a value's type line: -1 directive, 0 number, 1 text; its number
_NUMBER_WORDS = frozenset({"V", "NA", "ERROR", "TRUE", "FALSE"})  # what follows a number's type line
_MAX_TEXT_LINES = 64  # a quoted text read over at most this many lines (a cell's line breaks); past it, a lone quote


def is_dif(head: bytes) -> bool:
    """Whether ``head`` opens a DIF file (its TABLE topic)."""
    return _DIF.match(head) is not None


def _text(raw: str) -> str:
    return raw[1:-1].replace('""', '"') if len(raw) > 1 and raw.startswith('"') and raw.endswith('"') else raw


def _number(raw: str) -> object:
    try:
        return float(raw) if any(c in raw for c in ".eE") else int(raw)
    except ValueError:
        return raw


def _value_at(lines: list[str], at: int) -> tuple[str, int]:
    """The value line at ``at`` (stripped) and where the next type line is: a quoted text whose closing quote is on a
    later line (a cell's line break written as it is) is read over those lines, joined by LF."""
    value = lines[at].strip()
    if not value.startswith('"') or value.count('"') % 2 == 0:
        return value, at + 1
    for end in range(at + 1, min(at + _MAX_TEXT_LINES, len(lines))):
        if lines[end].count('"') % 2:
            return "\n".join([lines[at].lstrip(), *lines[at + 1:end], lines[end].rstrip()]), end + 1
        if _TYPE.fullmatch(lines[end]) and end + 1 < len(lines) and lines[end + 1].strip() in ("BOT", "EOD", "V"):
            break  # a lone quote (damaged): the pairs after it are no text of its
    return value, at + 1


def iter_dif(data: bytes, caps: Caps) -> Iterator[Sheet]:
    """One sheet of the file's values, a row per tuple (BOT); a file without its EOD (cut) says so."""
    plan = plan_decoding(data, b",")
    if plan.alternates or plan.parts:  # lines in several encodings or damaged: each line decoded on its own
        text = "".join(iter_lines(data, plan, b",", max_line=len(data) + 1))
    else:
        text, plan.replaced = decode_counting(data[plan.start:], plan.codec)
    lines = _LINE_END.split(text)
    budget = CellBudget(caps)
    rows: list[list[object]] = []
    at = next((i for i, line in enumerate(lines) if line.strip() == "DATA"), len(lines)) + 3  # past the header's
    # topics: DATA, its 0,0 line and its string
    ended = False
    odd = 0  # lines out of step: a lost, added or damaged line (review19w: every pair after one was misread)
    while at + 1 < len(lines):
        if not at & 0x3FF:
            budget.tick()
        typed = _TYPE.fullmatch(lines[at])
        if typed is None:  # no type line here: a stray line (skipped), or a damaged type line before its value
            odd += 1
            if _TYPE.fullmatch(lines[at + 1]) is not None or at + 2 >= len(lines) or _TYPE.fullmatch(lines[at + 2]) is None:
                at += 1  # back in step at the next line
                continue
            kind, number = "", ""  # a damaged type line: its value kept as text
        else:
            kind, number = typed.group(1), typed.group(2)
        value, at = _value_at(lines, at + 1)
        if kind != "1" and value in ('"BOT"', '"EOD"'):
            value = value[1:-1]  # a directive written quoted (some writers do)
        if kind == "-1" or (kind != "1" and value in ("BOT", "EOD")):  # a directive, or one whose type is damaged
            odd += kind != "-1"
            if value == "EOD":
                ended = True
                break
            odd += value != "BOT"  # a damaged directive: BOT (else its row ran on in the one before) or EOD
            budget.add(1)
            rows.append([])
            continue
        if not rows:
            rows.append([])
        budget.add(1)
        if kind == "1":
            rows[-1].append(_text(value))
        elif kind == "0":
            rows[-1].append(_number(number.strip()) if value == "V" else ("" if value == "NA" else value))
            odd += value not in _NUMBER_WORDS  # a damaged V: the number's text kept
        else:
            rows[-1].append(_text(value))
            odd += bool(kind)  # a damaged type: its value kept as text
    damage = []
    if not ended:
        damage.append(say(Detail.DATA_CUT))
    if odd:
        damage.append(say(Detail.DIF_LINES_DAMAGED, n=odd))
    if (zeroed := zeroed_block(data)) is not None:
        damage.append(say(Detail.NUL_BLOCK, n=zeroed[1], at=zeroed[0]))
    yield Sheet("", rows, notes=reading_notes(plan), damage=damage)
