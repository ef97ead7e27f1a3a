"""The rows of a damaged SQLite table read from its intact pages, past the damage SQLite itself stops at.

SQLite's table scan stops at the first page it cannot trust (a cut file's zeroed pages, a flipped byte in a page
header), and every query on the table fails there: the rows on intact pages after it were not read (sqlite13). This
walks the table's b-tree by hand from its root page in the private copy (SQLite's file format, sqlite.org/fileformat2):
interior pages lead to their children, a child that is not a b-tree page of the table's kind (zeroed, out of the
file, seen before) is skipped, each intact leaf's cells are decoded as records (overflow chains followed while they
stay in the file). Python's sqlite3 has no recovery API (sqlite_dbpage is not compiled in). Pure Python over bytes
already in memory, bounded by the page count (each page visited once) and the caller's cell budget; it never raises
on damage (a cell that does not decode is counted and left).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator

LEAF, INTERIOR = 0x0D, 0x05  # table b-tree pages
MAX_OVERFLOW = 1 << 16  # of a value's overflow chain, read at most (a longer text is no name or address; a hostile
# file's cells could each claim a chain of every page: quadratic without it)


def _varint(b: bytes, at: int) -> tuple[int, int]:
    """SQLite's big-endian varint at ``at``: (value, offset after it); IndexError past the buffer."""
    v = 0
    for i in range(8):
        c = b[at + i]
        v = (v << 7) | (c & 0x7F)
        if c < 0x80:
            return v, at + i + 1
    return (v << 8) | b[at + 8], at + 9


def _signed(v: int) -> int:
    """A varint's 64 bits as SQLite's signed rowid."""
    return v - (1 << 64) if v >= 1 << 63 else v


class Pages:
    """A database's pages (1-based) from the copy, with its usable size and text encoding."""

    def __init__(self, data: bytes, page_size: int) -> None:
        self.data = data
        self.size = page_size
        self.usable = page_size - data[20]
        self.count = len(data) // page_size
        self.codec = {2: "utf-16-le", 3: "utf-16-be"}.get(int.from_bytes(data[56:60], "big"), "utf-8")

    def page(self, n: int) -> bytes | None:
        if not 1 <= n <= self.count:
            return None
        return self.data[(n - 1) * self.size:n * self.size]


def table_rows(pages: Pages, root: int, rowid_column: int | None, count: Callable[[int], None]
               ) -> Iterator[tuple[int, list[object]]]:
    """(rowid, values) of every cell on the intact leaves under ``root``, in b-tree order; ``rowid_column``: the
    column that is the rowid (INTEGER PRIMARY KEY: stored as NULL). ``count`` is told the cells of each row, and 0 for
    each interior page (the caller's budget and clock: it may raise to stop the walk). Each page is visited once and
    put on the way once (a crafted page's thousands of cells leading to one child cost one visit, not one each), and
    a page holds only the rowids its parent's keys give it: a damaged child pointer leading into another table's
    leaf gives none of that table's rows (their rowids are out of range) unless they happen to fall in it."""
    seen = {root}
    stack: list[tuple[int, int | None, int | None]] = [(root, None, None)]  # page, rowids above lo, up to hi
    while stack:
        n, lo, hi = stack.pop()
        raw = pages.page(n)
        if raw is None:
            continue
        head = 100 if n == 1 else 0
        kind = raw[head]
        try:
            cells = struct.unpack_from(">H", raw, head + 3)[0]
            if kind == INTERIOR:
                count(0)
                right = struct.unpack_from(">I", raw, head + 8)[0]
                children: dict[int, tuple[int, int | None, int | None]] = {}
                below = lo
                for i in range(cells):
                    at = struct.unpack_from(">H", raw, head + 12 + 2 * i)[0]
                    child = struct.unpack_from(">I", raw, at)[0]
                    key = _signed(_varint(raw, at + 4)[0])
                    top = key if hi is None else min(key, hi)
                    if child not in seen:
                        children.setdefault(child, (child, below, top))
                    below = top if below is None else max(below, top)
                if right not in seen:
                    children.setdefault(right, (right, below, hi))
                seen.update(children)
                stack.extend(reversed(children.values()))  # left to right
                continue
            if kind != LEAF:
                continue
            offsets = [struct.unpack_from(">H", raw, head + 8 + 2 * i)[0] for i in range(cells)]
        except (struct.error, IndexError):
            continue
        for at in offsets:
            got = _cell(pages, raw, at)
            if got is None:
                continue
            rowid, values = got
            if (lo is not None and rowid <= lo) or (hi is not None and rowid > hi):
                continue  # not this page's: a leaf its parent does not lead to (another table's, a stale one)
            if rowid_column is not None and rowid_column < len(values) and values[rowid_column] is None:
                values[rowid_column] = rowid
            count(len(values) or 1)
            yield rowid, values


def _cell(pages: Pages, raw: bytes, at: int) -> tuple[int, list[object]] | None:
    """A table leaf cell: (rowid, record values), or None when it does not decode."""
    try:
        size, at = _varint(raw, at)
        rowid, at = _varint(raw, at)
        u = pages.usable
        x = u - 35
        if size <= x:
            payload = raw[at:at + size]
        else:
            m = (u - 12) * 32 // 255 - 23
            k = m + (size - m) % (u - 4)
            local = k if k <= x else m
            payload = raw[at:at + local] + _overflow(pages, struct.unpack_from(">I", raw, at + local)[0], size - local)
        return _signed(rowid), _record(payload, pages.codec)
    except (IndexError, struct.error, ValueError):
        return None


def _overflow(pages: Pages, n: int, left: int) -> bytes:
    """The rest of a payload from its overflow chain, as far as the chain stays in the file (the rest missing)."""
    out = []
    seen: set[int] = set()
    left = min(left, MAX_OVERFLOW)
    while left > 0 and n and n not in seen:
        seen.add(n)
        raw = pages.page(n)
        if raw is None:
            break
        part = raw[4:pages.usable][:left]
        out.append(part)
        left -= len(part)
        n = int.from_bytes(raw[:4], "big")
    return b"".join(out)


_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _record(payload: bytes, codec: str) -> list[object]:
    """A record's values (a short payload: the values it holds whole; a value cut short is read as far as it goes)."""
    end, at = _varint(payload, 0)
    types = []
    while at < min(end, len(payload)):
        t, at = _varint(payload, at)
        types.append(t)
    at = end
    values: list[object] = []
    for t in types:
        if t == 0:
            values.append(None)
        elif t in _INT_SIZES:
            w = _INT_SIZES[t]
            values.append(int.from_bytes(payload[at:at + w], "big", signed=True))
            at += w
        elif t == 7:
            values.append(struct.unpack_from(">d", payload, at)[0] if at + 8 <= len(payload) else None)
            at += 8
        elif t in (8, 9):
            values.append(t - 8)
        elif t >= 12:
            w = (t - 12) // 2
            chunk = payload[at:at + w]
            values.append(chunk.decode(codec, "replace") if t & 1 else chunk)
            at += w
        else:
            raise ValueError("reserved serial type")
    return values
