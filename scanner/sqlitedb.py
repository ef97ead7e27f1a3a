"""SQLite databases -> sheets: every table a sheet, its column names the header, its rows the values.

An app's contacts database (Android contacts2.db, a care or shop app's local store, an Access replacement) is a
person table as much as a spreadsheet is. The bytes the scanner already read are handed to SQLite in memory
(``sqlite3.Connection.deserialize``): the evidence file is never opened by SQLite, so no -journal, -wal or -shm is
created beside it and no access time moves. The private copy is opened query-only with an untrusted schema (no
function of the schema runs), views and virtual tables are not read (a view is a query of the file's author: it
could run without end; the rows of an FTS table are in its shadow tables, read as tables), and a progress handler
stops a query past the parse timeout. A database in WAL mode is read from its main file (the copy is switched to
rollback mode, as forensic readers do): frames of a -wal file beside it are not applied, and that is said.

Damage: a header cut short or not SQLite's, an invalid page size, a schema that cannot be read is ``corrupt``; a
file shorter than its header's page count is padded with zeros in the copy (so the pages before the cut are read)
and said; a table whose b-tree is damaged keeps the rows read before the damage, with the damage. Runs in the
worker process (scanner.isolation), under the cell and time caps.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence

from .codes import Status
from .details import Detail, join_details, say
from .errors import ReadError
from .sheet import CellBudget, Sheet

MAGIC = b"SQLite format 3\x00"
WAL_MAGICS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")  # a -wal file's header (big- or little-endian checksums)
HEADER = 100
MAX_TABLES = 2000  # tables read from one database (an app keeps tens; a hostile schema could list millions)


def wal_frames(data: bytes) -> int | None:
    """Frames in a SQLite write-ahead log (its 32-byte header, then frames of a 24-byte header and a page each);
    None when ``data`` is no -wal file."""
    if len(data) < 32 or data[:4] not in WAL_MAGICS:
        return None
    page = int.from_bytes(data[8:12], "big")
    if page < 512 or page > 65536 or page & (page - 1):
        return 0
    return max(0, (len(data) - 32) // (24 + page))


def _page_size(data: bytes) -> int:
    raw = int.from_bytes(data[16:18], "big")
    size = 65536 if raw == 1 else raw
    return size if 512 <= size <= 65536 and not size & (size - 1) else 0


def _error(e: BaseException) -> str:
    """SQLite's own name of an error (SQLITE_CORRUPT, SQLITE_NOTADB ...): never its message's data."""
    name = getattr(e, "sqlite_errorname", None)
    return name if isinstance(name, str) and name.isascii() and len(name) < 40 else type(e).__name__


def _copy(data: bytes, max_bytes: int) -> tuple[bytes, list[str], list[str]]:
    """The private copy SQLite opens (rollback mode, padded to whole pages): (copy, notes, damage)."""
    if len(data) < HEADER:
        raise ReadError(Status.CORRUPT, say(Detail.SQLITE_HEADER_CUT, n=len(data)))
    page = _page_size(data)
    if not page:
        raise ReadError(Status.CORRUPT, say(Detail.SQLITE_PAGE_SIZE))
    copy = bytearray(data)
    notes, damage = [], []
    if copy[18] == 2 or copy[19] == 2:  # WAL mode: memory databases have no -wal; read from the main file
        copy[18] = copy[19] = 1
        notes.append(say(Detail.SQLITE_WAL_MODE))
    declared = int.from_bytes(data[28:32], "big")
    valid = data[24:28] == data[92:96] and declared > 0  # the header's page count is believed only then (SQLite too)
    want = max(-(-len(data) // page), declared if valid else 0) * page
    if want > len(copy):
        if want > max_bytes:
            raise ReadError(Status.CORRUPT, say(Detail.SQLITE_CUT, have=len(data) // page, pages=declared))
        if valid and declared * page > len(data):
            damage.append(say(Detail.SQLITE_CUT, have=len(data) // page, pages=declared))
        elif len(data) % page:
            damage.append(say(Detail.SQLITE_PARTIAL_PAGE, n=len(data) % page))
        copy += bytes(want - len(copy))
    return bytes(copy), notes, damage


def sqlite_sheets(data: bytes, budget: CellBudget, max_bytes: int) -> Iterator[Sheet]:
    """Every ordinary table of a SQLite database as a sheet (header: its column names), rows streamed."""
    copy, notes, damage = _copy(data, max_bytes)
    con = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        try:
            con.deserialize(copy)
            con.text_factory = _text  # a TEXT value that is no UTF-8 (a hash stored as TEXT) must not end the table
            con.execute("PRAGMA query_only = ON")
            con.execute("PRAGMA trusted_schema = OFF")
            con.set_progress_handler(lambda: time.monotonic() > budget.deadline, 10_000)
            tables = con.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'table' LIMIT ?",
                                 (MAX_TABLES + 1,)).fetchall()
        except sqlite3.Error as e:
            _timed_out(budget)
            raise ReadError(Status.CORRUPT, join_details([*damage, say(Detail.SQLITE_SCHEMA, error=_error(e))])) from None
        if len(tables) > MAX_TABLES:
            raise ReadError(Status.TOO_LARGE, say(Detail.SQLITE_TABLES_OVER, n=MAX_TABLES))
        first = True
        for name, sql in tables:
            if not isinstance(name, str) or (isinstance(sql, str) and sql.lstrip()[:14].upper() == "CREATE VIRTUAL"):
                continue
            sheet = Sheet(name, [], notes=list(notes) if first else [], damage=list(damage) if first else [])
            first = False
            sheet.rows = _rows(con, name, sheet, budget)
            budget.next_sheet()
            yield sheet
        if first and damage:  # nothing but the damage: no table to carry it
            raise ReadError(Status.CORRUPT, damage[0])
    finally:
        con.close()


def _timed_out(budget: CellBudget) -> None:
    budget.tick()  # a query interrupted by the progress handler: the file took too long, not damage


def _rows(con: sqlite3.Connection, name: str, sheet: Sheet, budget: CellBudget) -> Iterator[Sequence[object]]:
    """The header (column names), then each row; a damaged b-tree ends the rows with the damage said."""
    n = 0
    try:
        cur = con.execute('SELECT * FROM "{}"'.format(name.replace('"', '""')))
        header = [str(d[0]) for d in cur.description or ()]
        budget.add(len(header))
        yield header
        while True:
            batch = cur.fetchmany(256)
            if not batch:
                break
            for row in batch:
                budget.add(len(row))
                n += 1
                yield [_value(v) for v in row]
            budget.tick()
    except sqlite3.Error as e:
        _timed_out(budget)
        sheet.damage.append(say(Detail.SQLITE_TABLE_DAMAGED, n=n, error=_error(e)))


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _value(v: object) -> object:
    """A cell as the classifiers take it: text and numbers as they are, a BLOB as text when it is short UTF-8
    (apps store text as BLOBs too), else empty (a photo, a serialised object)."""
    if isinstance(v, bytes):
        if len(v) <= 4096:
            try:
                return v.decode("utf-8")
            except UnicodeDecodeError:
                return ""
        return ""
    return "" if v is None else v
