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
from collections.abc import Callable, Iterator, Sequence

from .codes import Status
from .details import Detail, join_details, say
from .errors import ReadError
from .sheet import CellBudget, Sheet
from .sqlitepages import Pages, table_rows

MAGIC = b"SQLite format 3\x00"
WAL_MAGICS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")  # a -wal file's header (big- or little-endian checksums)
HEADER = 100
# what a damaged database raises: SQLite's errors, and a name or message in the schema that is no UTF-8 (a flipped
# byte in a column's name: Python decodes cursor descriptions and error messages strictly)
_SQLITE_ERRORS = (sqlite3.Error, UnicodeDecodeError)
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
            tables = con.execute("SELECT name, sql, rootpage FROM sqlite_schema WHERE type = 'table' LIMIT ?",
                                 (MAX_TABLES + 1,)).fetchall()
        except _SQLITE_ERRORS as e:
            _timed_out(budget)
            raise ReadError(Status.CORRUPT, join_details([*damage, say(Detail.SQLITE_SCHEMA, error=_error(e))])) from None
        if len(tables) > MAX_TABLES:
            raise ReadError(Status.TOO_LARGE, say(Detail.SQLITE_TABLES_OVER, n=MAX_TABLES))
        first = True
        pages = Pages(copy, _page_size(copy))
        for name, sql, root in tables:
            if not isinstance(name, str) or (isinstance(sql, str) and sql.lstrip()[:14].upper() == "CREATE VIRTUAL"):
                continue
            sheet = Sheet(name, [], notes=list(notes) if first else [], damage=list(damage) if first else [])
            first = False
            walk = _Walk(pages, root, sql) if isinstance(root, int) and root > 0 else None
            sheet.rows = _rows(con, name, sheet, budget, walk)
            budget.next_sheet()
            yield sheet
        if _android_contacts(con, {t[0] for t in tables if isinstance(t[0], str)}):
            deleted = _deleted_contacts(con)
            sheet = Sheet(CONTACTS_SHEET, [], notes=[say(Detail.SQLITE_CONTACTS_JOINED)] + (
                [say(Detail.SQLITE_CONTACTS_DELETED, n=deleted)] if deleted else []))
            roots = {t[0]: t[2] for t in tables}
            sheet.rows = _contacts(con, sheet, budget, pages, roots.get("data"))
            budget.next_sheet()
            yield sheet
            first = False
        if first and damage:  # nothing but the damage: no table to carry it
            raise ReadError(Status.CORRUPT, damage[0])
    finally:
        con.close()


# Android's contacts2.db keeps one attribute per row: ``data`` (raw_contact_id, mimetype_id, data1, data2 ...) with
# the kind in ``mimetypes``; a person's name, postal address and phone are three rows. They are joined here into one
# row per raw contact under a header the classifiers know (leakscan's own query on the private copy; the file's views
# are never run). The kinds: data1 is the display name, the formatted address, the number, the e-mail, the event's
# date (an event of type 3 is the birthday).
CONTACTS_SHEET = "contacts (data joined by raw_contact_id)"
_CONTACT_KINDS = {"vnd.android.cursor.item/name": 0, "vnd.android.cursor.item/postal-address_v2": 1,
                  "vnd.android.cursor.item/phone_v2": 2, "vnd.android.cursor.item/email_v2": 3,
                  "vnd.android.cursor.item/contact_event": 4}
_CONTACTS_HEADER = ["氏名", "住所", "電話番号", "メールアドレス", "生年月日"]
_BIRTHDAY = 3  # ContactsContract.CommonDataKinds.Event.TYPE_BIRTHDAY
_NO_CONTACT = object()  # before the first row of the join: no raw contact's id, not even NULL


def _android_contacts(con: sqlite3.Connection, tables: set[str]) -> bool:
    """Whether the database keeps contacts as Android's contacts2.db does (``data`` keyed by raw contact and mimetype)."""
    if not {"data", "mimetypes"} <= tables:
        return False
    try:
        data = {str(c[1]) for c in con.execute('PRAGMA table_info("data")')}
        kinds = {str(c[1]) for c in con.execute('PRAGMA table_info("mimetypes")')}
    except _SQLITE_ERRORS:
        return False
    return {"raw_contact_id", "mimetype_id", "data1", "data2"} <= data and {"_id", "mimetype"} <= kinds


def _deleted_contacts(con: sqlite3.Connection) -> int:
    """How many raw contacts with data rows are marked deleted (``raw_contacts.deleted = 1``: removed on the phone, kept
    until the account syncs): joined and counted like the others, since their data is still in the file, and said so
    (review14e #11). 0 when the table or column is missing or cannot be read (the join is read all the same)."""
    try:
        if "deleted" not in {str(c[1]) for c in con.execute('PRAGMA table_info("raw_contacts")')}:
            return 0
        got = con.execute("SELECT count(*) FROM raw_contacts WHERE deleted = 1 AND _id IN "
                          "(SELECT raw_contact_id FROM data)").fetchone()
    except _SQLITE_ERRORS:
        return 0
    return got[0] if got and isinstance(got[0], int) else 0


def _contacts(con: sqlite3.Connection, sheet: Sheet, budget: CellBudget, pages: Pages, root: object
              ) -> Iterator[Sequence[object]]:
    """The header, then a row per raw contact: its first name, address, phone, e-mail and birthday. When the join
    fails on a damaged ``data`` table, the rows on its intact pages are joined instead (:mod:`scanner.sqlitepages`)."""
    budget.add(len(_CONTACTS_HEADER))
    yield list(_CONTACTS_HEADER)
    marks = ", ".join("?" * len(_CONTACT_KINDS))
    current: object = _NO_CONTACT  # (a raw_contact_id read NULL from a damaged record is one like any other)
    row: list[object] = []
    n = 0
    try:
        cur = con.execute("SELECT d.raw_contact_id, m.mimetype, d.data1, d.data2 FROM data AS d JOIN mimetypes AS m "
                          f"ON m._id = d.mimetype_id WHERE m.mimetype IN ({marks}) ORDER BY d.raw_contact_id, d._id",
                          tuple(_CONTACT_KINDS))
        while batch := cur.fetchmany(256):
            for contact, kind, value, sort in batch:
                if contact != current:
                    if any(row):
                        budget.add(len(row))
                        n += 1
                        yield row
                    current, row = contact, [""] * len(_CONTACTS_HEADER)
                at = _CONTACT_KINDS.get(kind)
                if at is None or (at == 4 and str(sort) != str(_BIRTHDAY)):
                    continue
                text = _value(value)
                if text != "" and row[at] == "":
                    row[at] = text
            budget.tick()
        if any(row):
            budget.add(len(row))
            yield row
    except _SQLITE_ERRORS as e:
        _timed_out(budget)
        walked = _walked_contacts(con, pages, root, budget) if n == 0 else []
        yield from walked
        if walked:
            sheet.damage.append(say(Detail.SQLITE_TABLE_PAGES, n=0, error=_error(e), more=len(walked)))
        else:
            sheet.damage.append(say(Detail.SQLITE_TABLE_DAMAGED, n=n, error=_error(e)))


def _walked_contacts(con: sqlite3.Connection, pages: Pages, root: object, budget: CellBudget) -> list[list[object]]:
    """The contacts of a damaged ``data`` table joined from the rows on its intact pages ([] when there is no way)."""
    if not isinstance(root, int) or root < 1:
        return []
    try:
        columns = [str(c[1]) for c in con.execute('PRAGMA table_info("data")')]
        kinds = {k: m for k, m in con.execute("SELECT _id, mimetype FROM mimetypes")}
    except _SQLITE_ERRORS:
        return []
    at = {c: columns.index(c) for c in ("_id", "raw_contact_id", "mimetype_id", "data1", "data2")}
    people: dict[object, list[object]] = {}
    for _rowid, values in table_rows(pages, root, at["_id"], _counter(budget)):
        values = (values + [None] * len(columns))[:len(columns)]
        kind = _CONTACT_KINDS.get(str(kinds.get(values[at["mimetype_id"]], "")))
        if kind is None or (kind == 4 and str(values[at["data2"]]) != str(_BIRTHDAY)):
            continue
        row = people.setdefault(values[at["raw_contact_id"]], [""] * len(_CONTACTS_HEADER))
        if (text := _value(values[at["data1"]])) != "" and row[kind] == "":
            row[kind] = text
    return [r for r in people.values() if any(r)]


def _counter(budget: CellBudget) -> Callable[[int], None]:
    """A page walk's count of each row's cells against the file's budget, the clock checked every 256 rows and at
    each interior page (told as 0 cells: a crafted tree may hold nothing but interior pages)."""
    rows = 0

    def count(cells: int) -> None:
        nonlocal rows
        budget.add(cells)
        rows += 1
        if not cells or not rows & 0xFF:
            budget.tick()

    return count


def _timed_out(budget: CellBudget) -> None:
    budget.tick()  # a query interrupted by the progress handler: the file took too long, not damage


class _Walk:
    """How a damaged table's intact pages are walked (scanner.sqlitepages): its root page, whether its rows are keyed
    by a rowid the query can return (not a WITHOUT ROWID table, no column named ``_rowid_``), which column is that
    rowid (INTEGER PRIMARY KEY), and the rowids the query already gave (not given twice)."""

    def __init__(self, pages: Pages, root: int, sql: object) -> None:
        self.pages, self.root = pages, root
        self.keyed = not (isinstance(sql, str) and "WITHOUT ROWID" in " ".join(sql.upper().split()))
        self.alias: int | None = None
        self.seen: set[int] = set()
        self.names: list[str] = []  # the columns (the header when the query fails before it: a damaged first leaf)

    def columns(self, con: sqlite3.Connection, quoted: str) -> None:
        # SQLite's own word on WITHOUT ROWID (PRAGMA table_list, 3.37+; an older one gives no row): the schema's text
        # may split the two words with a comment, and selecting _rowid_ from such a table fails (review14e)
        listed = con.execute(f"PRAGMA table_list({quoted})").fetchall()
        if listed and len(listed[0]) > 4 and listed[0][4]:
            self.keyed = False
        info = con.execute(f"PRAGMA table_info({quoted})").fetchall()
        self.names = [str(c[1]) for c in info]
        if "_rowid_" in [n.casefold() for n in self.names]:
            self.keyed = False
        keys = [i for i, c in enumerate(info) if c[5]]
        if len(keys) == 1 and str(info[keys[0]][2]).upper() == "INTEGER":
            self.alias = keys[0]


def _rows(con: sqlite3.Connection, name: str, sheet: Sheet, budget: CellBudget, walk: _Walk | None = None
          ) -> Iterator[Sequence[object]]:
    """The header (column names), then each row; a damaged b-tree ends the rows with the damage said, and the rows
    on the table's intact pages past the damage are read page by page (:mod:`scanner.sqlitepages`)."""
    n = 0
    header: list[str] | None = None
    quoted = '"{}"'.format(name.replace('"', '""'))
    try:
        if walk is not None:
            walk.columns(con, quoted)
        keyed = walk is not None and walk.keyed
        cur = con.execute(f"SELECT _rowid_, * FROM {quoted}" if keyed else f"SELECT * FROM {quoted}")
        header = [str(d[0]) for d in cur.description or ()][1 if keyed else 0:]
        budget.add(len(header))
        yield header
        while True:
            batch = cur.fetchmany(256)
            if not batch:
                break
            for row in batch:
                budget.add(len(row))
                n += 1
                if keyed:
                    walk.seen.add(row[0])  # type: ignore[union-attr]
                    row = row[1:]
                yield [_value(v) for v in row]
            budget.tick()
    except _SQLITE_ERRORS as e:
        _timed_out(budget)
        more = 0
        # the query may fail on its first step, before the header (the table's first leaf damaged): the columns of
        # the schema are the header then, said before the first row walked
        width = len(header if header is not None else walk.names) if walk is not None else 0
        if walk is not None and walk.keyed and width:
            for rowid, values in table_rows(walk.pages, walk.root, walk.alias, _counter(budget)):
                if rowid in walk.seen:
                    continue
                if header is None:
                    header = list(walk.names)
                    budget.add(width)
                    yield header
                walk.seen.add(rowid)
                more += 1
                yield [_value(v) for v in (values + [None] * width)[:width]]
        if more:
            sheet.damage.append(say(Detail.SQLITE_TABLE_PAGES, n=n, error=_error(e), more=more))
        else:
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
