"""Lines of a text table -> rows of cells, with runaway quoted fields caught.

The csv module follows quoting faithfully: one stray ``"`` at the start of a field opens a quoted field
that only the next ``"`` closes, so the rest of the file can vanish into one cell (2 of 50 records read,
and nothing said). A quoted field that spans several lines is normal (a memo with line breaks), so a
row is taken as runaway only when a line inside one of its fields looks like a record of its own (as
many delimiters as the table's rows have), or when it runs past ``MAX_RECORD_LINES`` lines or
``MAX_RECORD_CHARS`` characters. From such a row on, every line is read as a row of its own (its quotes
honoured only when they balance on that line), so every record is still counted, and the sheet says so.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator

from .details import Detail, say

MAX_RECORD_LINES = 1000
MAX_RECORD_CHARS = 4 << 20

csv.field_size_limit(MAX_RECORD_CHARS)


class _Runaway(Exception):
    """A row has grown past the record caps."""


def _looks_like_record(line: str, delimiter: str, width: int) -> bool:
    return line.count(delimiter) >= max(2, width - 1)


def line_row(line: str, delimiter: str) -> list[str]:
    """One physical line as one row: csv rules when its quotes balance, else split at the delimiter."""
    body = line.rstrip("\r\n")
    if body.count('"') % 2 == 0:
        try:
            return next(csv.reader([body], delimiter=delimiter), [])
        except csv.Error:
            pass
    return [f.strip().strip('"').replace('""', '"') for f in body.split(delimiter)]


def _excel_text(row: list[str]) -> list[str]:
    """Fields typed as Excel formulas ``="0312345678"`` (what many Japanese systems export, so that Excel keeps the
    leading zero of a phone or postal code) read as the text inside."""
    return [f[2:-1].replace('""', '"') if f[:2] == '="' and f[-1:] == '"' and len(f) >= 3 else f for f in row]


def csv_rows(lines: Iterable[str], delimiter: str, note: Callable[[str], None]) -> Iterator[list[str]]:
    """Rows of a delimited text; ``note`` hears how a runaway quoted field was dealt with."""
    source = iter(lines)
    held: list[str] = []  # the lines of the row being read
    count = [0]  # physical lines read
    ended = [False]  # the reader asked past the last line: only a quoted field left open does that

    def tape() -> Iterator[str]:
        chars = 0
        for line in source:
            held.append(line)
            if len(held) > 1:  # only a quoted field with line breaks gets here
                chars = chars + len(line) if len(held) > 2 else len(held[0]) + len(line)
                if len(held) > MAX_RECORD_LINES or chars > MAX_RECORD_CHARS:
                    raise _Runaway
            yield line
        ended[0] = True

    reader = csv.reader(tape(), delimiter=delimiter)
    width = 0
    while True:
        count[0] += len(held)
        held.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, _Runaway):
            why = say(Detail.QUOTING_CAPS, line=count[0] + 1)
        else:
            if ended[0] and held:  # a quote opened in the last row(s) and never closed
                why = say(Detail.QUOTING_UNCLOSED, line=count[0] + 1)
            elif len(held) == 1:
                if len(row) > width:
                    width = len(row)
                yield _excel_text(row) if '="' in held[0] else row
                continue
            elif not any(_looks_like_record(ln, delimiter, width) for ln in held[1:]):
                yield _excel_text(row)  # a quoted field with line breaks: a memo, an address on two lines
                continue
            else:
                why = say(Detail.QUOTING_LINES, line=count[0] + 1, n=len(held))
        note(why)
        for line in held:
            yield _excel_text(line_row(line, delimiter))
        for line in source:
            yield _excel_text(line_row(line, delimiter))
        return
