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


def iter_dif(data: bytes, caps: Caps) -> Iterator[Sheet]:
    """One sheet of the file's values, a row per tuple (BOT); a file without its EOD (cut) says so."""
    plan = plan_decoding(data, b",")
    if plan.alternates or plan.parts:  # lines in several encodings or damaged: each line decoded on its own
        text = "".join(iter_lines(data, plan, b",", max_line=len(data) + 1))
    else:
        text, plan.replaced = decode_counting(data[plan.start:], plan.codec)
    lines = text.splitlines()
    budget = CellBudget(caps)
    rows: list[list[object]] = []
    at = next((i for i, line in enumerate(lines) if line.strip() == "DATA"), len(lines)) + 3  # past the header's
    # topics: DATA, its 0,0 line and its string
    ended = False
    while at + 1 < len(lines):
        if not at & 0x3FF:
            budget.tick()
        kind, _, number = lines[at].partition(",")
        value = lines[at + 1].strip()
        at += 2
        kind = kind.strip()
        if kind == "-1":
            if value == "EOD":
                ended = True
                break
            if value == "BOT":
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
        else:  # a damaged type line: its value kept as text
            rows[-1].append(_text(value))
    damage = []
    if not ended:
        damage.append(say(Detail.DATA_CUT))
    if (zeroed := zeroed_block(data)) is not None:
        damage.append(say(Detail.NUL_BLOCK, n=zeroed[1], at=zeroed[0]))
    yield Sheet("", rows, notes=reading_notes(plan), damage=damage)
