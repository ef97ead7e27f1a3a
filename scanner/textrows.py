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


def _plain_row(line: str, delimiter: str) -> list[str] | None:
    """The row csv.reader makes of ``line`` when nothing in it is for csv to interpret (no quote, no line break
    but its end, shorter than the field cap): the text split at the delimiter, no cell for a blank line. None
    when csv must read it. tests/test_tables_property.py compares it with csv.reader."""
    if '"' in line or len(line) >= MAX_RECORD_CHARS:
        return None
    body = line.rstrip("\r\n")
    if "\r" in body or "\n" in body:
        return None
    return body.split(delimiter) if body else []


def csv_rows(lines: Iterable[str], delimiter: str, note: Callable[[str], None]) -> Iterator[list[str]]:
    """Rows of a delimited text; ``note`` hears how a runaway quoted field was dealt with.

    Lines csv has nothing to interpret in (_plain_row: most lines of most tables) are split here, without the
    reader's per-line round trip; a line with a quote goes to csv.reader, with the lines after it as it asks."""
    source = iter(lines)
    held: list[str] = []  # the lines of the row being read
    count = [0]  # physical lines read
    ended = [False]  # the reader asked past the last line: only a quoted field left open does that
    pending: list[str] = []  # a line the plain lane read that csv.reader must read

    def tape() -> Iterator[str]:
        chars = 0
        while True:
            if pending:
                line = pending.pop()
            else:
                got = next(source, None)
                if got is None:
                    break
                line = got
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
        for line in source:  # the plain lane, up to the first line csv must read
            plain = _plain_row(line, delimiter)
            if plain is None:
                pending.append(line)
                break
            count[0] += 1
            if len(plain) > width:
                width = len(plain)
            yield plain
        else:
            return  # every line read (the reader would stop here too)
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, _Runaway):
            why = "beyond the record caps"
        else:
            if ended[0] and held:  # a quote opened in the last row(s) and never closed
                why = "to the end of the file unclosed"
            elif len(held) == 1:
                if len(row) > width:
                    width = len(row)
                yield _excel_text(row) if '="' in held[0] else row
                continue
            elif not any(_looks_like_record(ln, delimiter, width) for ln in held[1:]):
                yield _excel_text(row)  # a quoted field with line breaks: a memo, an address on two lines
                continue
            else:
                why = f"over {len(held)} lines"
        note(f"quoting: a quoted field from line {count[0] + 1} runs {why}; read line by line from there")
        for line in held:
            yield _excel_text(line_row(line, delimiter))
        for line in source:
            yield _excel_text(line_row(line, delimiter))
        return
