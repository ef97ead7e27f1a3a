"""One sheet of rows, and the caps a table reader works under (cells, inflated bytes, seconds).

Shared by every reader (scanner.tables for calamine, openpyxl and text; scanner.xlsb for pyxlsb), so
the readers import it and not each other.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from .codes import Status
from .details import Detail, say
from .errors import ReadError


@dataclass
class Sheet:
    """One sheet: rows of cell values; ``first_row`` (1-based) / ``first_col`` (0-based) place them."""

    name: str
    rows: Iterable[Sequence[object]]  # a list, or a stream while a workbook is being read
    first_row: int = 1
    first_col: int = 0
    notes: list[str] = field(default_factory=list)  # how the rows were read; complete once rows are consumed
    damage: list[str] = field(default_factory=list)  # why the rows stop before the sheet's end (a cut file)
    # a table rebuilt from a copy the workbook keeps outside its sheets (scanner.caches): kind, part, label ...
    origin: dict[str, str] | None = None
    unread: list[str] = field(default_factory=list)  # parts with table data that could not be decoded at all
    # a worksheet of a workbook that also keeps caches: its records are remembered so that a cache row repeating
    # one of them is not counted twice (scanner.inspectors.spreadsheet.CacheRepeats)
    cached_later: bool = False
    # a text table's rows (1-based, as yielded) whose field count is not its header's though nearly every field is
    # filled: a delimiter flipped or a quote lost (csv22); the inspector says those that gave no person, unless rows
    # of that field count gave persons (the table's own shape: review22v) -> their field counts
    odd_rows: dict[int, int] = field(default_factory=dict)
    odd_cut: bool = False  # those rows' values are cut wherever they are (a fixed-width row shifted): each is said
    # a text table's rows (as odd_rows) whose phone number stands one column off the column every other row has it in
    # (a delimiter flipped into the table's own field count: damage23); said when they gave no person
    shifted_rows: set[int] = field(default_factory=set)
    # of those, the rows off a kana column (a list of name, kana and address only: damage25b): said even when they gave
    # a person (its name or address holds another field's value: the record changed)
    garbled_rows: set[int] = field(default_factory=set)
    # of the odd rows, those of fewer fields in step with the learnt column (a row Excel saved without its empty
    # trailing fields: damage26): no sign of a shift, their field counts still the table's when they gave a person
    ragged_rows: set[int] = field(default_factory=set)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (how an examiner finds the column in Excel)."""
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


def origin_label(origin: dict[str, str], sheet: str | None = None) -> str:
    """How a table rebuilt from a cache is named: ``pivot cache 1 (source: Sheet1!A1:F300)``, ``external-link
    cache 2 (Sheet1)``; ``sheet`` replaces the sheet name (masked: sheet names are personal data)."""
    shown = origin.get("sheet", "") if sheet is None else sheet
    if origin.get("kind") == "pivot-cache":
        kind = origin.get("source_type", "worksheet")
        source = "!".join(x for x in (shown, origin.get("range", "")) if x) or (kind if kind != "worksheet" else "?")
        return f"pivot cache {origin.get('number', '')} (source: {source})"
    return f"external-link cache {origin.get('number', '')} ({shown or '?'})"


@dataclass
class Spent:
    """What one file has cost so far: the cells read from all its sheets, tables and caches, and when its reading
    must end. Shared by every :class:`CellBudget` made from the same :class:`Caps` (one file's)."""

    cells: int = 0
    deadline: float = 0.0  # monotonic seconds; 0 until the first budget starts the clock


@dataclass(frozen=True)
class Caps:
    """Limits for one file: cells read (all its sheets together), bytes after decompression, seconds of parsing.
    ``spent`` is the file's running total; :meth:`fresh` starts a new one (a reader's entry point, per file)."""

    max_cells: int = 20_000_000
    max_inflated: int = 2 << 30
    timeout: float = 120.0
    spent: Spent = field(default_factory=Spent, compare=False, repr=False)

    def fresh(self) -> Caps:
        """The same limits with nothing spent yet (a new file, or the same bytes read again another way)."""
        return replace(self, spent=Spent())


class CellBudget:
    """Cells and wall time spent on one file, raising ReadError when either runs out. Every budget made from the
    same Caps draws on one total (:class:`Spent`): a workbook of 500 sheets of 50,000 cells is bounded like one
    sheet of 25,000,000 (Session 14: the count restarted at each sheet, so only the worker timeout bounded it).
    ``cells`` is what this budget's current sheet or table read (``next_sheet`` restarts it)."""

    def __init__(self, caps: Caps) -> None:
        self.caps = caps
        self.spent = caps.spent
        self.cells = 0
        if not self.spent.deadline:
            self.spent.deadline = time.monotonic() + caps.timeout
        self.deadline = self.spent.deadline

    def add(self, n: int) -> None:
        self.cells += n
        self.spent.cells += n
        if self.spent.cells > self.caps.max_cells:
            raise ReadError(Status.TOO_LARGE, say(Detail.FILE_OVER_CELLS, n=self.caps.max_cells))

    def next_sheet(self) -> None:
        self.cells = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise ReadError(Status.TIMEOUT, say(Detail.PARSE_TOOK_LONGER, seconds=f"{self.caps.timeout:g}"))
