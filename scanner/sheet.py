"""One sheet of rows, and the caps a table reader works under (cells, inflated bytes, seconds).

Shared by every reader (scanner.tables for calamine, openpyxl and text; scanner.xlsb for pyxlsb), so
the readers import it and not each other.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Caps:
    """Limits for one file: cells per sheet, bytes after decompression, seconds of parsing."""

    max_cells: int = 20_000_000
    max_inflated: int = 2 << 30
    timeout: float = 120.0


class CellBudget:
    """Cells and wall time spent on one file; raising ReadError when either runs out."""

    def __init__(self, caps: Caps) -> None:
        self.caps = caps
        self.cells = 0
        self.deadline = time.monotonic() + caps.timeout

    def add(self, n: int) -> None:
        self.cells += n
        if self.cells > self.caps.max_cells:
            raise ReadError(Status.TOO_LARGE, say(Detail.SHEET_OVER_CELLS, n=self.caps.max_cells))

    def next_sheet(self) -> None:
        self.cells = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise ReadError(Status.TIMEOUT, say(Detail.PARSE_TOOK_LONGER, seconds=f"{self.caps.timeout:g}"))
