"""Where python-calamine puts the cells of an .xlsx worksheet, read from the sheet's XML as it streams.

The zip-bomb guard (scanner.tables) needs the box calamine will allocate before calamine runs. calamine
(xlsx/cells_reader.rs ``next_cell``, xlsx/mod.rs ``get_row_column``, attrs.rs) reads a reference as
letters of either case then digits, any number of each, in u32 arithmetic that wraps, and places a cell
without ``r`` at its row's index (the row's own ``r``, else one past the row before) and one column right
of the cell before it in that row. This module follows those rules: elements by local name (any prefix),
only inside ``sheetData``, comments, CDATA and processing instructions skipped, empty elements expanded,
attributes split the way calamine splits them. Every cell counts, empty or not (calamine leaves empty ones
out of the box: counting them only makes the box larger, which is the safe side).
"""

from __future__ import annotations

import re

U32 = 1 << 32
_WS = b" \t\n\x0c\r"  # what calamine's attribute splitter skips (is_ascii_whitespace)
# a construct to skip whole, or a start/end/empty tag (quoted attribute values may hold '>')
_MARKUP = re.compile(rb"""<!--|<!\[CDATA\[|<\?|<(/?)(?:[^\s<>/!?"'=:]+:)?(c|row|sheetData)(?=[\s/>])"""
                     rb"""((?:[^>"'/]|/(?!>)|"[^"]*"|'[^']*')*)(/?)>""")
_SKIP_UNTIL = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}
_ATTR = re.compile(rb"[ \t\n\x0c\r]*([^=]*)=[ \t\n\x0c\r]*(?:\"([^\"]*)\"?|'([^']*)'?)?")
_PLAIN_CELL = re.compile(rb"""\s+r="([A-Za-z]+)(\d{1,9})"(?:\s+(?!r=)[^\s="']+="[^"]*")*\s*""")
_REFERENCE = re.compile(rb"([A-Za-z]*)(\d+)")
MAX_TAIL = 64 << 20  # an unfinished tag longer than this is dropped, not kept across every later chunk


def wrapped_digits(digits: bytes) -> int:
    """A row number as calamine reads it: decimal in u32 arithmetic that wraps (any length)."""
    n = 0
    for i in range(0, len(digits), 9):
        part = digits[i:i + 9]
        n = (n * 10 ** len(part) + int(part)) % U32
    return n


def wrapped_letters(letters: bytes) -> int:
    """A column number as calamine reads it: A=1 .. Z=26, AA=27, either case, wrapping at 2**32."""
    n = 0
    for ch in letters.upper():
        n = (n * 26 + ch - 64) % U32
    return n


def reference(value: bytes) -> tuple[int, int] | None:
    """(row, column), 1-based, of a reference as calamine reads it; None where calamine fails (no letters,
    other characters, row 0 or column 0 once wrapped)."""
    m = _REFERENCE.fullmatch(value)
    if not m or not m.group(1):
        return None
    row, col = wrapped_digits(m.group(2)), wrapped_letters(m.group(1))
    return (row, col) if row and col else None


def _row_number(value: bytes) -> int | None:
    """A ``<row r>`` as calamine's get_row reads it (letters allowed and ignored): 1-based, None on failure."""
    m = _REFERENCE.fullmatch(value)
    return (wrapped_digits(m.group(2)) or None) if m else None


def _attributes(raw: bytes) -> list[tuple[bytes, bytes]] | None:
    """(key, value) pairs as calamine's RawAttrIter splits them; None where it reports a malformed one."""
    out: list[tuple[bytes, bytes]] = []
    pos, end = 0, len(raw)
    while True:
        while pos < end and raw[pos] in _WS:
            pos += 1
        if pos >= end:
            return out
        m = _ATTR.match(raw, pos)
        if not m or (m.group(2) is None and m.group(3) is None):
            return None  # a key without '=' or an unquoted value
        out.append((m.group(1).rstrip(_WS), m.group(2) if m.group(2) is not None else m.group(3)))
        pos = m.end()


def _cell_reference(raw: bytes) -> bytes | None:
    """A cell's ``r`` the way calamine's get_attrs picks it (r, s and t are looked up together; the last of
    each wins, and the scan stops once all three were seen); None without one, b"" when malformed."""
    attrs = _attributes(raw)
    if attrs is None:
        return b""
    found, r = 0, None
    for key, value in attrs:
        if key in (b"r", b"s", b"t"):
            found += 1
            if key == b"r":
                r = value
            if found == 3:
                break
    return r


class Placement:
    """Feed a sheet's bytes in order (``feed``); ``box`` is then the rows and columns, 1-based and inclusive,
    from the first to the last cell calamine places, or None when it places none."""

    def __init__(self) -> None:
        self.row = 0  # calamine's row_index, 0-based (u32)
        self.col = 0  # calamine's col_index
        self.in_data = self.done = self.in_cell = False
        self.until = b""  # the end of a comment, CDATA section or processing instruction being skipped
        self.tail = b""
        self.top: int | None = None  # the box so far, 1-based
        self.bottom = self.left = self.right = 0

    def feed(self, chunk: bytes) -> None:
        """The next bytes of the sheet (an unfinished tag at the end is kept for the next call)."""
        buf, self.tail = self.tail + chunk, b""
        pos = 0
        while not self.done:
            if self.until:
                i = buf.find(self.until, pos)
                if i < 0:
                    self.tail = buf[max(pos, len(buf) - len(self.until) + 1):]
                    return
                pos, self.until = i + len(self.until), b""
            for m in _MARKUP.finditer(buf, pos):
                pos = m.end()
                closing, local, attrs, empty = m.groups()
                if local is None:
                    self.until = _SKIP_UNTIL[m.group(0)]
                    break
                self._tag(closing, local, attrs, empty)
                if self.done:
                    return
            else:
                last = buf.rfind(b"<", pos)
                if 0 <= last and len(buf) - last <= MAX_TAIL:
                    self.tail = buf[last:]
                return

    def _tag(self, closing: bytes, local: bytes, attrs: bytes, empty: bytes) -> None:
        if self.in_cell:  # calamine reads the cell's content until an end tag named c
            if closing and local == b"c":
                self.in_cell = False
            return
        if not self.in_data:
            if local == b"sheetData" and not closing:
                self.in_data = True
                self.done = bool(empty)
            return
        if local == b"c":
            if not closing:
                self._cell(attrs)
                self.in_cell = not empty
        elif local == b"row":
            if not closing:
                r = _row_value(attrs) if b"r" in attrs else None
                if r:
                    self.row = r - 1
            if closing or empty:
                self.row, self.col = (self.row + 1) % U32, 0
        elif closing or empty:  # sheetData
            self.done = True

    def _cell(self, attrs: bytes) -> None:
        if b"r" not in attrs:  # no r attribute: the running row and column
            row, col = self.row + 1, self.col + 1
        else:
            m = _PLAIN_CELL.fullmatch(attrs)
            if m:  # the usual form: r first and the only r, up to 9 digits
                row, col = int(m.group(2)), wrapped_letters(m.group(1))
                if not (row and col):
                    return
            else:
                r = _cell_reference(attrs)
                where = (self.row + 1, self.col + 1) if r is None else reference(r) if r else None
                if where is None:
                    return  # calamine fails on this cell (and stops): it is not placed
                row, col = where
        self.col = col % U32  # col_index after the cell: its 0-based column + 1
        if self.top is None:
            self.top = self.bottom = row
            self.left = self.right = col
            return
        if row < self.top:
            self.top = row
        elif row > self.bottom:
            self.bottom = row
        if col < self.left:
            self.left = col
        elif col > self.right:
            self.right = col

    @property
    def box(self) -> tuple[int, int, int, int] | None:
        return None if self.top is None else (self.top, self.bottom, self.left, self.right)


def _row_value(attrs: bytes) -> int | None:
    """A row's ``r`` as calamine's raw_attr finds it (the first key named r), as a 1-based number."""
    for key, value in _attributes(attrs) or []:
        if key == b"r":
            return _row_number(value)
    return None
