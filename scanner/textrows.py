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


def csv_rows(lines: Iterable[str], delimiter: str, note: Callable[[str], None],
             cut: Callable[[str], None] | None = None) -> Iterator[list[str]]:
    """Rows of a delimited text; ``note`` hears how a runaway quoted field was dealt with, ``cut`` that the text
    ends inside a quoted field without a line end (the file cut inside a row, wild16).

    A line without a quote is one row, its fields split at the delimiter: exactly what the csv module makes of
    it (it never reads ahead of a record's last line), without its reader and the tape it pulls from (issue 11:
    ~1 us a row). A line with a quote, and each line a quoted field spans, go through the reader."""
    source = iter(lines)
    held: list[str] = []  # the lines of the row being read
    count = 0  # physical lines read
    ended = [False]  # the reader asked past the last line: only a quoted field left open does that
    pending: list[str] = []  # the line the reader is to start its row with

    def tape() -> Iterator[str]:
        while True:
            chars = 0
            line = pending.pop()
            while True:
                held.append(line)
                if len(held) > 1:  # only a quoted field with line breaks gets here
                    chars = chars + len(line) if len(held) > 2 else len(held[0]) + len(line)
                    if len(held) > MAX_RECORD_LINES or chars > MAX_RECORD_CHARS:
                        raise _Runaway
                yield line
                if pending:
                    break  # the reader's row ended on that line: the next row starts with the pending line
                following = next(source, None)
                if following is None:
                    ended[0] = True
                    return
                line = following

    reader = csv.reader(tape(), delimiter=delimiter)
    width = 0
    before = last = -1  # cells of the two rows read last (-1: none): a table above a quote left open
    crlf = False  # the last row read ended CRLF (Excel: CRLF between rows, LF alone inside a cell)
    for first in source:
        if '"' not in first and len(first) < MAX_RECORD_CHARS:
            body = first.rstrip("\r\n")  # the reader ends a record at a run of line ends
            if "\n" not in body and "\r" not in body:  # (and refuses one inside a field)
                count += 1
                row = body.split(delimiter) if body else []
                if len(row) > width:
                    width = len(row)
                before, last, crlf = last, len(row), first.endswith("\r\n")
                yield row
                continue
        pending.append(first)
        try:
            row = next(reader)
        except (csv.Error, _Runaway):
            why = say(Detail.QUOTING_CAPS, line=count + 1)
        else:
            if ended[0] and held:  # a quote opened in the last row(s) and never closed
                why = say(Detail.QUOTING_UNCLOSED, line=count + 1)
                tail = held[-1]
                if cut is not None and (not tail.endswith(("\n", "\r")) or crlf and tail[-2:-1] != "\r") and (
                        last >= 2 and before in (-1, last)) and not any(
                        _looks_like_record(ln, delimiter, width) for ln in held[1:]):
                    # no line end after it (or LF alone, a cell's, in a file of CRLF rows), below a table
                    # (review16c: an RTF or a memo is none), and the lines it took are no rows (a stray quote
                    # above them): cut there
                    cut(say(Detail.TEXT_CUT_IN_QUOTE, line=count + 1))
            elif len(held) == 1:
                if len(row) > width:
                    width = len(row)
                count += 1
                line = held.pop()
                excel = '="' in line
                before, last, crlf = last, len(row), line.endswith("\r\n")
                yield _excel_text(row) if excel else row
                continue
            elif not any(_looks_like_record(ln, delimiter, width) for ln in held[1:]):
                count += len(held)
                before, last, crlf = last, len(row), held[-1].endswith("\r\n")
                held.clear()
                yield _excel_text(row)  # a quoted field with line breaks: a memo, an address on two lines
                continue
            else:
                why = say(Detail.QUOTING_LINES, line=count + 1, n=len(held))
        note(why)
        for line in held:
            yield _excel_text(line_row(line, delimiter))
        for line in source:
            yield _excel_text(line_row(line, delimiter))
        return
