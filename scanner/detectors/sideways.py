"""Lists laid out sideways: the field labels down one column (氏名 / 住所 / 電話番号 in column A), a person per column.

Such sheets (a class roster printed across the page, a family's or a team's contact sheet, a form copied to the
right for each person) have no header row, so the table rules saw at most one form person (the first column of
values). Here the label column is found from the first rows (a label of ours at the row's first filled cell, at most
three columns in, with two or more values to its right, and no header words among those values); rows of labels
form a block, blocks stacked down the sheet (persons 1-10, then 11-20) are joined by their labels, and each column
of values becomes one row under the labels as a header, so the ordinary table rules read, confirm and count it.
Pure functions over rows already read.
"""

from __future__ import annotations

from collections.abc import Sequence

from .columns import read_header
from .plan import cell_text

LABEL_COLUMNS = 3  # the labels sit in one of the first columns (a number or a blank column may precede them)
LABEL_ROWS = 20  # and start in the first rows (a title, a date, then the labels)


def _label_at(row: Sequence[object]) -> int | None:
    """The index of the row's first filled cell when it is in the first columns, else None."""
    for c, v in enumerate(row[:LABEL_COLUMNS]):
        if cell_text(v):
            return c
    return None


def _values(row: Sequence[object], at: int) -> list[str]:
    return [t for v in row[at + 1:] if (t := cell_text(v))]


def _label_row(row: Sequence[object], at: int) -> bool:
    """A known label with two values or more to its right, none of them a header word (a header row's cells)."""
    h = read_header(cell_text(row[at]))
    if h is None:
        return False
    values = _values(row, at)
    return len(values) >= 2 and not any(read_header(v) is not None for v in values[:8])


def label_column(head: Sequence[Sequence[object]]) -> int | None:
    """The column of a sideways list's labels, when the first rows hold a name label and an address label there
    (each with values to its right); None for every other sheet."""
    fields: dict[int, set[str]] = {}
    for row in head[:LABEL_ROWS]:
        at = _label_at(row)
        if at is None or not _label_row(row, at):
            continue
        h = read_header(cell_text(row[at]))
        if h is not None and not h.role:
            base = "name" if h.field.startswith("name") else h.field
            fields.setdefault(at, set()).add(base)
    for at, seen in sorted(fields.items()):
        if {"name", "address"} <= seen:
            return at
    return None


def transpose(rows: Sequence[Sequence[object]], at: int) -> tuple[list[list[object]], list[int]]:
    """The table the sideways blocks hold: a header row of labels (in order of first use), then a row per person
    column; and for each person row the sheet's 1-based column number it came from (where the examiner finds it).
    A block is a run of rows with a label in column ``at``; an empty row or a label-less row ends it."""
    labels: list[str] = []
    place: dict[str, int] = {}
    persons: list[dict[int, object]] = []
    columns: list[int] = []
    block: list[Sequence[object]] = []

    def flush() -> None:
        if len(block) < 2:
            block.clear()
            return
        width = max(len(r) for r in block)
        for c in range(at + 1, width):
            person: dict[int, object] = {}
            for r in block:
                label = cell_text(r[at])
                if c < len(r) and cell_text(r[c]):
                    if label not in place:
                        place[label] = len(labels)
                        labels.append(label)
                    person[place[label]] = r[c]
            if person:
                persons.append(person)
                columns.append(c + 1)
        block.clear()

    for row in rows:
        if len(row) > at and cell_text(row[at]) and all(not cell_text(v) for v in row[:at]):
            block.append(row)
        else:
            flush()
    flush()
    table: list[list[object]] = [list(labels)]
    table += [[p.get(i, "") for i in range(len(labels))] for p in persons]
    return table, columns
