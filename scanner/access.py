"""Microsoft Access databases (.mdb, .accdb, .mde, .accde) -> sheets: every user table a sheet, its column names the
header, its rows the values.

A care office's client register (利用者台帳) kept in Access is a person table as much as a spreadsheet is. leakscan
reads the page format itself, over the bytes already read (the layout of mdbtools' HACKING.md and jackcess): the
catalog (MSysObjects, table definition on page 2), each user table's definition pages (columns, their types and
offsets; a definition spanning pages is followed), and the data pages the table owns (found by their owner field,
not through the usage map: a damaged map loses no page). A row pointing to an overflow row is followed; a row marked
deleted whose bytes are still on its page (until their space is taken) is read too, and said (as dBase's deleted
records and Android's deleted contacts are). Text is Jet 3 (Access 97) bytes in the database's code page (cp932 on
a Japanese Windows), or Jet 4 / ACE UTF-16 with "compressed unicode" (FF FE, then runs of one byte a character
switched by a 0x00); memo text is read inline or from its long-value pages (a chain bounded and guarded against
loops; a memo read short is said). A Jet 3 header naming no code page has it guessed from the text (cp932 or cp1252,
scanner.textdecode's rules), and said. OLE-object and attachment values are not cells: ``access_objects`` gives their
stored bytes (attachments from their column's hidden table) to the inspector, which examines the files inside as the
database's children (scanner.inspectors.legacy_embedded).

Why not a library: access-parser (PyPI) reads Jet 3 text as UTF-8/Latin-1 (a Japanese Access 97 table is mojibake),
decodes compressed unicode with a switch back to two bytes as Latin-1, keeps a table as columns (a row it cannot read
shifts the later values of some columns against the others), follows a long-value chain without a bound, and does
not know encryption; mdbtools would be a program run per file. Neither writes.

Encryption: a Jet 3/4 database "encoded" by Access (its header's key is not 0) is RC4 over each page with a key from
the header: decoded here (the Jet password alone encrypts nothing). An ACE (.accdb) database with a password is
encrypted with a key derived from the password: ``encrypted``. Damage: a header that is not Access's, or a catalog
that cannot be read, is ``corrupt``; a table whose definition is damaged is said and skipped; rows on damaged pages
are skipped and counted; fewer rows read than a table's definition counts is said (a cut or zeroed page). Runs in the
worker process (scanner.isolation), under the cell and time caps.
"""

from __future__ import annotations

import codecs
import datetime
import re
import struct
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from .codes import Status
from .details import Detail, say
from .errors import ReadError
from .sheet import CellBudget, Sheet
from .textdecode import japanese_share, plan_decoding

_ENGINES = {b"Standard Jet DB\x00": "jet", b"Standard ACE DB\x00": "ace", b"MSISAM Database\x00": "msisam"}
MAGIC_START = b"\x00\x01\x00\x00"
_HEADER_KEY = bytes((0xC7, 0xDA, 0x39, 0x6B))  # the header's RC4 key (mdbtools, jackcess: a fixed mask)
_VERSIONS = {0: "Jet 3 (Access 97)", 1: "Jet 4 (Access 2000-2003)", 2: "ACE 12 (Access 2007)",
             3: "ACE 14 (Access 2010)", 4: "ACE 15 (Access 2013)", 5: "ACE 16 (Access 2016)", 6: "ACE 17 (Access 2019)"}
_CODE_PAGES = {932: "cp932", 936: "cp936", 949: "cp949", 950: "cp950", 1250: "cp1250", 1251: "cp1251", 1252: "cp1252",
               1253: "cp1253", 1254: "cp1254", 1255: "cp1255", 1256: "cp1256", 1257: "cp1257", 874: "cp874"}
_JAPANESE_CODECS = frozenset(codecs.lookup(c).name for c in ("cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213",
                                                                "euc_jp"))  # Japanese text: cp932 in Access 97
# Japanese text past ASCII that is no kana or kanji: JIS X 0208's signs (○ × △ ※ → ± °), NEC's and IBM's (① ㈱ №),
# the full-width yen and pound; cp932 reads them only from two bytes whose lead (0x81, 0x87, 0xFA ...) Western text
# lacks or has before no such byte
_JAPANESE_SIGNS = re.compile("(?<![A-Za-z])[\u00a7\u00a8\u00b0\u00b1\u00b4\u00b6\u00d7\u00f7\u2010-\u2312"
                             "\u2460-\u24ff\u2500-\u257f\u25a0-\u26ff\u3200-\u33ff\uffe0-\uffe5](?![A-Za-z])")
_FULL_WIDTH = re.compile("(?<![A-Za-z])[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff60](?![A-Za-z])")  # kana, kanji
_NON_ASCII = re.compile("[^\x00-\x7f]")
_CATALOG_PAGE = 2
_TABLE, _LINKED = 1, (4, 6)  # MSysObjects.Type: a local table; a linked table (ODBC, another Access file)
_SYSTEM_FLAGS = 0x80000002  # MSysObjects.Flags of system tables (mdbtools' mdb_is_user_table)
MAX_TABLES = 5000
_MAX_DEF_PAGES = 256  # pages one table definition may span (255 columns and their indexes fit in a few)
_MAX_MEMO = 1 << 20  # characters kept of one memo value
_MAX_HOPS = 8  # overflow rows followed for one row
# a Jet 3 database whose header names no code page: the text of its first rows decides (as an .xls without a CODEPAGE
# record, scanner.biffold), at most this many rows and bytes of text past ASCII
_SAMPLE_ROWS = 2000
_SAMPLE_BYTES = 1 << 16

# column types
_BOOL, _BYTE, _INT, _LONG, _MONEY, _FLOAT, _DOUBLE, _DATE, _BINARY, _TEXT, _OLE, _MEMO = range(1, 13)
_GUID, _NUMERIC, _COMPLEX, _EXT_DATE = 0x0F, 0x10, 0x12, 0x14
_EPOCH = datetime.datetime(1899, 12, 30)


def is_access(head: bytes) -> bool:
    """Whether ``head`` opens like an Access (Jet/ACE) database or a Works (MSISAM) one: page 0's first bytes."""
    return head[:4] == MAGIC_START and head[4:20] in _ENGINES


@dataclass(frozen=True)
class _Format:
    jet3: bool
    page: int
    rows_at: int  # the row count in a data page; its row offsets follow
    num_rows: int  # in a table definition: the rows it counts
    num_cols: int  # ... the column count (the variable columns' count 2 bytes before)
    num_ridx: int  # ... the physical index count
    cols_start: int  # ... where its column entries start (after the index entries)
    ridx_size: int
    col_size: int  # one column entry
    col_num: int  # offsets within a column entry
    col_var: int
    col_flags: int
    col_fixed: int
    col_len: int
    col_scale: int


_JET3 = _Format(True, 2048, 8, 12, 25, 31, 43, 8, 18, 1, 3, 13, 14, 16, 10)
_JET4 = _Format(False, 4096, 12, 16, 45, 51, 63, 12, 25, 5, 7, 15, 21, 23, 12)


@dataclass
class _Column:
    name: str
    kind: int
    num: int  # its bit in the null mask
    var: int  # its place among the variable columns
    fixed: bool
    offset: int  # its offset among the fixed columns
    size: int
    scale: int
    calculated: bool = False  # an ACE 2010+ calculated column: its value wrapped (a 16-byte head, its length: jackcess)
    auto: bool = False  # an autonumber (long or GUID): the row's identity


@dataclass
class _Table:
    name: str
    columns: list[_Column]
    var_count: int
    counted: int  # the rows its definition counts
    mapped: set[int] | None = None  # the pages its usage map lists (None: the map unreadable)


@dataclass
class _Counts:
    damaged: int = 0  # rows not read (their bytes do not make a row)
    deleted: int = 0  # rows marked deleted read from their bytes left on the page
    pages: int = 0  # data pages that could not be read
    freed: int = 0  # data pages naming the table that its map no longer lists, not read
    unmapped: int = 0  # data pages naming the table read with no map listing them (lost, damaged, or lacking rows)
    unread: set[tuple[int, str]] = field(default_factory=set)  # (type, name) of object columns holding a value
    cut: dict[str, int] = field(default_factory=dict)  # memos read short, by why (long_value's words)


class _Sampled(Exception):
    """Enough text met to guess a code page."""


class _Damaged(Exception):
    """Bytes that do not make what they should (a row, a definition): the reader skips them and says so."""


def rc4(key: bytes, data: bytes) -> bytes:
    """RC4 of ``data`` (Jet's header mask and its encoded pages)."""
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xFF
        s[i], s[j] = s[j], s[i]
    out = bytearray(len(data))
    i = j = 0
    for n, byte in enumerate(data):
        i = (i + 1) & 0xFF
        j = (j + s[i]) & 0xFF
        s[i], s[j] = s[j], s[i]
        out[n] = byte ^ s[(s[i] + s[j]) & 0xFF]
    return bytes(out)


class _Database:
    """The pages of one database (decoded when Access encoded them) and what its header says."""

    def __init__(self, data: bytes, budget: CellBudget) -> None:
        if len(data) < 0x80 or not is_access(data):
            raise ReadError(Status.CORRUPT, say(Detail.ACCESS_HEADER_DAMAGED, n=min(len(data), 20)))
        engine = _ENGINES[data[4:20]]
        version = data[0x14]
        if engine == "msisam":  # Microsoft Works: its pages are always encoded with a key no reader here has
            raise ReadError(Status.UNSUPPORTED, say(Detail.ACCESS_UNSUPPORTED, what="Microsoft Works (MSISAM) database"))
        if version not in _VERSIONS:
            raise ReadError(Status.UNSUPPORTED, say(Detail.ACCESS_VERSION_UNKNOWN, n=version))
        self.fmt = _JET3 if version == 0 else _JET4
        self.version = _VERSIONS[version]
        self.data, self.budget = data, budget
        header = rc4(_HEADER_KEY, data[0x18:0x18 + (126 if self.fmt.jet3 else 128)])
        self.code_page = int.from_bytes(header[0x3C - 0x18:0x3E - 0x18], "little")
        self.key = int.from_bytes(header[0x3E - 0x18:0x42 - 0x18], "little")
        if self.key and engine == "ace":  # Access 2007+ with a password: pages encrypted with a key derived from it
            raise ReadError(Status.ENCRYPTED, say(Detail.ACCESS_ENCRYPTED, version=self.version))
        self.encoding = _CODE_PAGES.get(self.code_page, "cp1252")
        self.guessed = self.fmt.jet3 and self.code_page not in _CODE_PAGES  # decided by its text (guess_encoding)
        self.sample: list[bytes] | None = None  # Jet 3 text met while the code page is being guessed
        self.sampled = 0  # (its bytes)
        self.held = False  # OLE-object values given as their stored heads (bytes), for access_objects
        self.pages = len(data) // self.fmt.page
        self.cut = len(data) % self.fmt.page
        self._decoded: dict[int, bytes] = {}
        # long-value rows a memo chain may still read over the whole file: twice as many as the file can hold (a real
        # chain reads each once; chains of many rows sharing their rows made a 300 KB file a minute's work: review17a)
        self.long_reads = 2 * 256 * self.pages
        self.owned = self._owners()

    def page(self, n: int) -> bytes | None:
        """Page ``n`` (decoded), or None when the file does not hold it (cut)."""
        if n < 0 or n >= self.pages:
            return None
        size = self.fmt.page
        if not self.key or n == 0:
            return self.data[n * size:(n + 1) * size]
        got = self._decoded.get(n)
        if got is None:
            if len(self._decoded) >= 4096:  # (kept for pages read again: not a decoded copy of the whole file)
                self._decoded.clear()
            got = self._decoded[n] = rc4(((self.key ^ n) & 0xFFFFFFFF).to_bytes(4, "little"),
                                         self.data[n * size:(n + 1) * size])
        return got

    def _owners(self) -> dict[int, list[int]]:
        """The data pages of each owner (a table definition's page), in page order."""
        owned: dict[int, list[int]] = {}
        size = self.fmt.page
        for n in range(1, self.pages):
            if n % 1024 == 0:
                self.budget.tick()
            head = self.data[n * size:n * size + 8]  # its first 8 bytes (RC4 is a stream: only they are decoded)
            if self.key:
                head = rc4(((self.key ^ n) & 0xFFFFFFFF).to_bytes(4, "little"), head)
            if head[0] == 0x01 and head[1] == 0x01:
                owned.setdefault(int.from_bytes(head[4:8], "little"), []).append(n)
        return owned

    # -- text

    def text(self, raw: bytes) -> str:
        if self.fmt.jet3:
            if self.sample is not None and not raw.isascii():
                self.sample.append(raw[:1024])
                self.sampled += len(raw[:1024])
            return raw.decode(self.encoding, "replace")
        return _unicode(raw)

    # -- table definitions

    def definition(self, first: int) -> bytes:
        """The bytes of a table definition: its first page, then each next page's bytes after its 8-byte header."""
        out = bytearray()
        n, seen = first, set[int]()
        while n:
            pg = self.page(n)
            if pg is None or pg[0] != 0x02 or n in seen or len(seen) >= _MAX_DEF_PAGES:
                if not out:
                    raise _Damaged
                break  # a later page lost: the columns before it may still be whole
            seen.add(n)
            out += pg if not out else pg[8:]
            n = int.from_bytes(pg[4:8], "little")
        return bytes(out)

    def table(self, name: str, first: int) -> _Table:
        f = self.fmt
        t = self.definition(first)
        try:
            counted = int.from_bytes(t[f.num_rows:f.num_rows + 4], "little")
            var_count, ncols = struct.unpack_from("<HH", t, f.num_cols - 2)
            nridx = int.from_bytes(t[f.num_ridx:f.num_ridx + 4], "little")
        except struct.error:
            raise _Damaged from None
        if not 0 < ncols <= 512 or var_count > 512 or nridx > 1000:  # (a deleted variable column still counts)
            raise _Damaged
        pos = f.cols_start + nridx * f.ridx_size
        entries = []
        for _ in range(ncols):
            e = t[pos:pos + f.col_size]
            if len(e) < f.col_size:
                raise _Damaged
            entries.append(e)
            pos += f.col_size
        columns = []
        for e in entries:
            if f.jet3:
                size = t[pos] if pos < len(t) else -1
                raw, pos = t[pos + 1:pos + 1 + size], pos + 1 + size
            else:
                size = int.from_bytes(t[pos:pos + 2], "little") if pos + 2 <= len(t) else -1
                raw, pos = t[pos + 2:pos + 2 + size], pos + 2 + size
            if size <= 0 or len(raw) < size:
                raise _Damaged
            kind = e[0]
            columns.append(_Column(
                name=self.text(raw) if f.jet3 else raw.decode("utf-16-le", "replace"),
                kind=kind, num=e[f.col_num], var=int.from_bytes(e[f.col_var:f.col_var + 2], "little"),
                fixed=bool(e[f.col_flags] & 0x01), offset=int.from_bytes(e[f.col_fixed:f.col_fixed + 2], "little"),
                size=0 if kind == _BOOL else int.from_bytes(e[f.col_len:f.col_len + 2], "little"),
                scale=e[f.col_scale], calculated=not f.jet3 and bool(e[16] & 0xC0), auto=bool(e[f.col_flags] & 0x44)))
        columns.sort(key=lambda c: c.num)
        return _Table(name, columns, var_count, counted, self._mapped(t))

    def _mapped(self, t: bytes) -> set[int] | None:
        """The pages a table definition's usage map lists (mdbtools' map.c: an inline bitmap from a first page, or
        a list of bitmap pages of type 0x05), or None when the map cannot be read."""
        f = self.fmt
        at = 35 if f.jet3 else 55
        row = self._long_row(int.from_bytes(t[at:at + 4], "little"), any_page=True)
        if len(row) < 5:
            return None
        if row[0] == 0:
            first = int.from_bytes(row[1:5], "little")
            return {first + 8 * k + b for k, byte in enumerate(row[5:]) if byte for b in range(8) if byte >> b & 1}
        if row[0] != 1:
            return None
        bits = (f.page - 4) * 8
        out: set[int] = set()
        for k in range(min((len(row) - 1) // 4, self.pages // bits + 1)):  # (pages past the file's end: none)
            n = int.from_bytes(row[1 + 4 * k:5 + 4 * k], "little")
            pg = self.page(n) if n else None
            if n and (pg is None or pg[0] != 0x05):
                return None
            if pg is not None:
                out.update(k * bits + 8 * j + b for j, byte in enumerate(pg[4:4 + (self.pages - k * bits + 7) // 8])
                           if byte for b in range(8) if byte >> b & 1)
        return {n for n in out if n < self.pages}

    # -- rows

    def rows(self, table: _Table, first: int, counts: _Counts, deleted: bool = False) -> Iterator[list[object]]:
        """The table's rows, page by page (a page or row that does not parse is counted, never the end); with
        ``deleted``, rows marked deleted whose bytes are still whole too (counted apart)."""
        f = self.fmt
        pages = []
        for n in self.owned.get(first, []):
            self.budget.tick()
            pg = self.page(n)
            if pg is None:
                continue
            count = int.from_bytes(pg[f.rows_at:f.rows_at + 2], "little")
            if f.rows_at + 2 + 2 * count > f.page:
                counts.pages += 1
                continue
            pages.append((n, pg, count))
        if table.mapped is not None and any(n not in table.mapped for n, _, _ in pages):
            listed = [p for p in pages if p[0] in table.mapped]  # freed pages keep naming their table (Access does
            live = sum(1 for _, pg, count in listed for i in range(count)  # not clear them): read only when the
                       if not pg[f.rows_at + 3 + 2 * i] & 0x80)  # listed pages lack rows the definition counts
            if live >= table.counted:
                counts.freed = len(pages) - len(listed)
                pages = listed
        counts.unmapped = sum(1 for n, _, _ in pages if table.mapped is None or n not in table.mapped)  # (freed pages
        # of earlier states cannot be told from its own: read, and said: review18a's Umsätze, 2,880 rows for 831)
        targets = self._overflow_targets(pages) if deleted else set()
        stale = _Moved(table, self._moved(table, pages, counts)) if deleted else None
        for n, pg, count in pages:
            self.budget.tick()
            for i in range(count):
                raw = int.from_bytes(pg[f.rows_at + 2 + 2 * i:f.rows_at + 4 + 2 * i], "little")
                if raw & 0x8000:  # deleted; an overflow row's target is marked so too (read through its pointer)
                    if not deleted or raw & 0x4000 or (n, i) in targets:
                        continue
                    try:  # Access leaves a deleted row's bytes until the page is compacted (then it has none)
                        buf, start, end = self._locate(pg, i, raw & 0x7FFF)
                        row = self._row(table, buf, start, end, counts)
                    except _Damaged:
                        continue  # its space taken: nothing left of it, no damage
                    if stale is not None and stale.match(row):
                        continue  # an older copy of a row updated since (its newest copy is read through its pointer)
                    counts.deleted += 1
                else:
                    try:
                        buf, start, end = self._locate(pg, i, raw)
                        row = self._row(table, buf, start, end, counts)
                    except _Damaged:
                        counts.damaged += 1
                        continue
                self.budget.add(len(row))
                yield row

    def _moved(self, table: _Table, pages: list[tuple[int, bytes, int]], counts: _Counts) -> list[list[object]]:
        """The live rows of these pages that an update moved (read through an overflow pointer): only they can have
        left older copies of themselves behind, whole and marked deleted (an update that outgrows a row writes its new
        copy elsewhere, marked deleted, and re-points the row; a second one leaves the first copy so: jackcess)."""
        f = self.fmt
        out = []
        for _, pg, count in pages:
            for i in range(count):
                raw = int.from_bytes(pg[f.rows_at + 2 + 2 * i:f.rows_at + 4 + 2 * i], "little")
                if raw & 0xC000 == 0x4000:
                    try:
                        out.append(self._row(table, *self._locate(pg, i, raw), _Counts()))
                    except _Damaged:
                        continue  # (counted when the rows are read)
        return out

    def _overflow_targets(self, pages: list[tuple[int, bytes, int]]) -> set[tuple[int, int]]:
        """(page, row) of every row a live overflow pointer of these pages points to (marked deleted, read through
        the pointer: never read again as a deleted row)."""
        f = self.fmt
        out = set()
        for _, pg, count in pages:
            for i in range(count):
                raw = int.from_bytes(pg[f.rows_at + 2 + 2 * i:f.rows_at + 4 + 2 * i], "little")
                start = raw & 0x1FFF
                if raw & 0xC000 == 0x4000 and start + 4 <= f.page:
                    out.add((int.from_bytes(pg[start + 1:start + 4], "little"), pg[start]))
        return out

    def _locate(self, pg: bytes, i: int, raw: int) -> tuple[bytes, int, int]:
        """(page, start, end) of row ``i`` of ``pg``, an overflow pointer followed."""
        f = self.fmt
        for _ in range(_MAX_HOPS):
            start = raw & 0x1FFF
            end = f.page if i == 0 else int.from_bytes(pg[f.rows_at + 2 * i:f.rows_at + 2 + 2 * i], "little") & 0x1FFF
            if not f.rows_at + 2 <= start < end <= f.page:
                raise _Damaged
            if not raw & 0x4000:
                return pg, start, end
            if end - start < 4:
                raise _Damaged
            i, n = pg[start], int.from_bytes(pg[start + 1:start + 4], "little")
            got = self.page(n)
            if got is None or got[0] != 0x01:
                raise _Damaged
            pg = got
            count = int.from_bytes(pg[f.rows_at:f.rows_at + 2], "little")
            if i >= count:
                raise _Damaged
            raw = int.from_bytes(pg[f.rows_at + 2 + 2 * i:f.rows_at + 4 + 2 * i], "little") & ~0x8000
        raise _Damaged

    def _row(self, table: _Table, buf: bytes, start: int, end: int, counts: _Counts) -> list[object]:
        """One row's values in column order (mdbtools' mdb_crack_row)."""
        f = self.fmt
        last = end - 1
        width = 1 if f.jet3 else 2
        cols = buf[start] if f.jet3 else int.from_bytes(buf[start:start + 2], "little")
        mask_len = (cols + 7) // 8
        if cols == 0 or start + width + mask_len > end:
            raise _Damaged
        mask = buf[last - mask_len + 1:last + 1]
        offsets: list[int] = []
        row_var = 0
        if table.var_count:
            if f.jet3:
                row_var = buf[last - mask_len]
                offsets = self._offsets3(buf, start, last, mask_len, row_var)
            else:
                row_var = int.from_bytes(buf[last - mask_len - 1:last - mask_len + 1], "little")
                if mask_len + 3 + 2 * row_var + 2 > end - start:
                    raise _Damaged
                offsets = [int.from_bytes(buf[last - mask_len - 3 - 2 * k:last - mask_len - 1 - 2 * k], "little")
                           for k in range(row_var + 1)]
        row_fixed = cols - row_var
        fixed_found = 0
        out: list[object] = []
        for c in table.columns:
            present = c.num // 8 < len(mask) and bool(mask[c.num // 8] >> (c.num % 8) & 1)
            if c.kind == _BOOL:
                out.append(present)
                if c.fixed:
                    fixed_found += 1
                continue
            if c.fixed and fixed_found < row_fixed:
                fixed_found += 1
                s = start + width + c.offset
                e = s + c.size
            elif not c.fixed and c.var < row_var:
                s, e = start + offsets[c.var], start + offsets[c.var + 1]
            else:
                out.append("")
                continue
            if not present:
                out.append("")
                continue
            if not start <= s <= e <= end:
                raise _Damaged
            out.append(self._value(c, buf[s:e], counts))
        return out

    def _offsets3(self, buf: bytes, start: int, last: int, mask_len: int, row_var: int) -> list[int]:
        """Jet 3's one-byte variable offsets, each 256 added per jump-table entry passed (mdbtools' crack_row3)."""
        row_len = last - start + 1
        jumps = (row_len - 1) // 256
        ptr = last - mask_len - jumps - 1
        if (ptr - start - row_var) // 256 < jumps:
            jumps -= 1  # the last jump entry is a dummy
        if ptr - row_var <= start or ptr >= len(buf):
            raise _Damaged
        used = 0
        out = []
        for k in range(row_var + 1):
            while used < jumps and k == buf[last - mask_len - used - 1]:
                used += 1
            out.append(buf[ptr - k] + 256 * used)
        return out

    def _value(self, c: _Column, raw: bytes, counts: _Counts) -> object:
        """A cell as the other readers give it: text, numbers, dates; binary and OLE objects are no value here."""
        kind = c.kind
        if c.calculated:  # its text unwrapped; other kinds (stored in forms of their own) derive from the row's
            if kind != _TEXT:  # other columns, read as themselves: not repeated here
                return ""
            raw = raw[20:20 + int.from_bytes(raw[16:20], "little")]
        try:
            if kind == _TEXT:
                return self.text(raw)
            if kind == _MEMO:
                return self._memo(raw, counts)
            if kind == _BYTE:
                return raw[0]
            if kind == _INT:
                return struct.unpack("<h", raw[:2])[0]
            if kind == _LONG:
                return struct.unpack("<i", raw[:4])[0]
            if kind == _MONEY:
                return struct.unpack("<q", raw[:8])[0] / 10000
            if kind == _FLOAT:
                return struct.unpack("<f", raw[:4])[0]
            if kind == _DOUBLE:
                return struct.unpack("<d", raw[:8])[0]
            if kind == _DATE:
                return _date(struct.unpack("<d", raw[:8])[0])
            if kind == _GUID and len(raw) >= 16:
                return "{" + str(uuid.UUID(bytes_le=raw[:16])).upper() + "}"
            if kind == _NUMERIC and len(raw) >= 17:
                return _numeric(raw, c.scale)
            if kind == _EXT_DATE:
                return _ext_date(raw)
        except (struct.error, IndexError, ValueError, OverflowError):
            return ""
        if kind == _OLE and self.held:
            return raw
        if kind in (_OLE, _COMPLEX, _BINARY):
            counts.unread.add((kind, c.name))
        return ""

    def _memo(self, raw: bytes, counts: _Counts) -> str:
        """A memo (long text): inline, on one long-value row, or on a chain of them. One read shorter than the length
        its head gives (``long_value``) is counted in ``counts.cut`` by why: its text is read as far as it goes, never
        silently short."""
        if len(raw) < 12:
            return ""
        data, why = self.long_value(raw, 4 * _MAX_MEMO)
        if why:
            counts.cut[why] = counts.cut.get(why, 0) + 1
        return self.text(data)[:_MAX_MEMO]

    def long_value(self, raw: bytes, limit: int) -> tuple[bytes, str]:
        """The bytes of a long value (memo, OLE object) from its 12-byte head, at most ``limit``, and why they are
        fewer than the head's length ("" when whole): a chain that loops or loses a row, the file's budget of
        long-value reads spent, a value longer than ``limit``."""
        if len(raw) < 12:
            return b"", "rows lost"
        head = int.from_bytes(raw[:4], "little")
        length, flags = head & 0x3FFFFFFF, head >> 30
        pointer = int.from_bytes(raw[4:8], "little")
        keep = min(length, limit)
        why = "longer than kept" if length > keep else ""
        if flags & 0x2:  # inline
            data = raw[12:12 + keep]
        elif flags & 0x1:  # one long-value row
            data = self._long_row(pointer)[:keep]
        else:
            data, why = self._chain(pointer, keep, why)
        if len(data) < keep:
            why = why or "rows lost"
        return bytes(data), why

    def _chain(self, pointer: int, limit: int, why: str) -> tuple[bytes, str]:
        """A memo's bytes from a chain of long-value rows, each naming the next, and why it stopped short: a row
        met again (a loop), the file's budget of long-value reads spent, or ``why`` as given."""
        data, seen = bytearray(), set[int]()
        while pointer and len(data) < limit:
            if pointer in seen:
                return bytes(data), "chain loops"
            if self.long_reads <= 0:
                return bytes(data), "file budget spent"
            seen.add(pointer)
            self.long_reads -= 1
            self.budget.tick()
            part = self._long_row(pointer)
            if len(part) < 4:
                break
            pointer = int.from_bytes(part[:4], "little")
            data += part[4:]
        return bytes(data[:limit]), why

    def _long_row(self, pointer: int, any_page: bool = False) -> bytes:
        """The bytes of row ``pointer & 0xFF`` of page ``pointer >> 8`` (a long-value page; with ``any_page``, a
        usage map's); b"" when absent."""
        f = self.fmt
        pg = self.page(pointer >> 8)
        i = pointer & 0xFF
        if pg is None or (pg[0] != 0x01 and not any_page):
            return b""
        count = int.from_bytes(pg[f.rows_at:f.rows_at + 2], "little")
        if i >= count or f.rows_at + 4 + 2 * i > f.page:
            return b""
        start = int.from_bytes(pg[f.rows_at + 2 + 2 * i:f.rows_at + 4 + 2 * i], "little") & 0x1FFF
        end = f.page if i == 0 else int.from_bytes(pg[f.rows_at + 2 * i:f.rows_at + 2 + 2 * i], "little") & 0x1FFF
        return pg[start:end] if start < end <= f.page else b""


class _Moved:
    """Whether a row marked deleted is an older copy of a moved live row: the same autonumber when the table has
    one, else more than half of its values equal to one moved row's (a person deleted shares an address or a phone
    number with another, not most of a row)."""

    def __init__(self, table: _Table, moved: list[list[object]]) -> None:
        self.keys = [k for k, c in enumerate(table.columns) if c.auto]
        self.ids = {tuple(r[k] for k in self.keys) for r in moved} if self.keys else set()
        self.values: dict[tuple[int, object], list[int]] = {}  # (column, value) -> the moved rows holding it
        if not self.keys:
            for m, r in enumerate(moved):
                for k, v in enumerate(r):
                    if _filled(v):
                        self.values.setdefault((k, repr(v)), []).append(m)

    def match(self, row: list[object]) -> bool:
        if self.keys:
            return tuple(row[k] for k in self.keys) in self.ids
        if not self.values:
            return False
        filled = [(k, v) for k, v in enumerate(row) if _filled(v)]
        same: dict[int, int] = {}
        for k, v in filled:
            for m in self.values.get((k, repr(v)), ()):
                same[m] = same.get(m, 0) + 1
        return max(same.values(), default=0) * 2 > len(filled)


def _filled(value: object) -> bool:
    return value not in ("", None) and not isinstance(value, bool)


def _unicode(raw: bytes) -> str:
    """Jet 4 / ACE text: UTF-16LE, or "compressed unicode" (FF FE, then one-byte characters until a 0x00 switches
    to two-byte ones and back; mdbtools' decompress_unicode)."""
    if not raw.startswith(b"\xff\xfe"):
        return raw[:len(raw) & ~1].decode("utf-16-le", "replace")
    out = bytearray()
    compressed = True
    i, n = 2, len(raw)
    while i < n:
        if raw[i] == 0:
            compressed = not compressed
            i += 1
        elif compressed:
            out += bytes((raw[i], 0))
            i += 1
        elif i + 1 < n:
            out += raw[i:i + 2]
            i += 2
        else:
            break
    return out.decode("utf-16-le", "replace")


def _date(days: float) -> object:
    """An Access date (days since 1899-12-30, the fraction the time of day; a negative day counts back from it with
    the time forward): a date when it has no time."""
    whole = int(days)
    frac = abs(days - whole)
    value = _EPOCH + datetime.timedelta(days=whole, seconds=round(frac * 86400))
    return value.date() if value.time() == datetime.time() else value


def _ext_date(raw: bytes) -> object:
    """Access 2019's extended date/time: ASCII ``DAYS:TICKS:...`` (days since 0001-01-01, then 100-ns ticks)."""
    days, ticks = ([*raw.split(b"\x00", 1)[0].decode("ascii").split(":"), "0"])[:2]
    value = datetime.datetime(1, 1, 1) + datetime.timedelta(days=int(days), microseconds=int(ticks or 0) // 10)
    return value.date() if value.time() == datetime.time() else value


def _numeric(raw: bytes, scale: int) -> object:
    """A scaled decimal (17 bytes: a sign byte, then a 128-bit integer as four 32-bit words, the most significant
    first)."""
    words = struct.unpack("<4I", raw[1:17])
    value = (words[0] << 96) | (words[1] << 64) | (words[2] << 32) | words[3]
    value = -value if raw[0] & 0x80 else value
    return value if not scale else value / 10 ** scale


def access_sheets(data: bytes, budget: CellBudget) -> Iterator[Sheet]:
    """Every user table of an Access database as a sheet (see the module docstring)."""
    db = _Database(data, budget)
    if db.guessed:
        db.encoding = _guess_encoding(db)
    catalog, partial = _catalog(db)
    tables = _user_tables(catalog)
    complex_kinds = {(c.owner, c.column): c.kind for c in _complex_columns(db, catalog)}
    linked = sum(1 for _, kind, _, _ in catalog if kind in _LINKED)
    if len(tables) > MAX_TABLES:
        raise ReadError(Status.TOO_LARGE, say(Detail.ACCESS_TABLES_OVER, n=MAX_TABLES))
    pending: list[str] = []  # damage said on the next sheet (a table whose definition is lost has none of its own)
    if partial:
        pending.append(partial)
    if db.cut:
        pending.append(say(Detail.ACCESS_CUT, n=db.cut))
    notes = [say(Detail.ACCESS_READ, version=db.version, encoding=db.encoding if db.fmt.jet3 else "utf-16")]
    if db.guessed:
        notes.append(say(Detail.ACCESS_CODE_PAGE_GUESSED, n=db.code_page, encoding=db.encoding))
    if db.key:
        notes.append(say(Detail.ACCESS_ENCODED))
    if linked:
        notes.append(say(Detail.ACCESS_LINKED, n=linked))
    first = True
    done: set[int] = set()
    dropped = _dropped(db, catalog)
    lost = set(dropped)
    for name, page in tables + dropped:
        if page in done:  # a definition two catalog entries name (damaged): its rows read once, never counted twice
            continue
        done.add(page)
        try:
            table = db.table(name, page)
        except _Damaged:
            if (name, page) not in lost:  # (a page that only looks like a lost table's definition: nothing said)
                pending.append(say(Detail.ACCESS_DEFINITION_DAMAGED, page=page))
            continue
        sheet = Sheet(name, [], notes=notes if first else [], damage=pending)
        if (name, page) in lost:
            sheet.notes = [*sheet.notes, say(Detail.ACCESS_DROPPED_TABLE, page=page)]
        first, pending = False, []
        sheet.rows = _sheet_rows(db, table, page, sheet, complex_kinds)
        budget.next_sheet()
        yield sheet
    if pending:
        if first:
            raise ReadError(Status.CORRUPT, "; ".join(pending))
        yield Sheet("(damage)", [], damage=pending)


def _user_tables(catalog: list[tuple[str, int, int, int]]) -> list[tuple[str, int]]:
    """(name, definition page) of the user tables a catalog lists (not system tables, not linked ones)."""
    return [(name, tid & 0x00FFFFFF) for name, kind, tid, flags in catalog if kind == _TABLE and not flags & _SYSTEM_FLAGS]


def _dropped(db: _Database, catalog: list[tuple[str, int, int, int]]) -> list[tuple[str, int]]:
    """("(dropped table, page N)", N) of each table definition that data pages still name as their owner while no
    catalog entry names it: a table dropped (its MSysObjects row deleted; Access frees its pages without clearing
    them until the database is compacted) or whose catalog entry was lost. Only a page that is still a definition
    (type 0x02) counts: data pages naming page 0, a data page or an index page are Access's own (usage maps ...)."""
    known = {tid & 0x00FFFFFF for _, kind, tid, _ in catalog if kind == _TABLE} | {_CATALOG_PAGE}
    out = []
    for owner in sorted(db.owned):
        if owner in known or not _CATALOG_PAGE < owner < db.pages:
            continue
        pg = db.page(owner)
        if pg is not None and pg[0] == 0x02 and pg[1] == 0x01:
            out.append((f"(dropped table, page {owner})", owner))
    return out


def _guess_encoding(db: _Database) -> str:
    """The code page of a Jet 3 database whose header names none Python knows (0 where a program wrote none): its
    table names, column names and the text of its first rows, past ASCII, read as a text table's bytes are
    (scanner.textdecode, as an .xls without a CODEPAGE record); cp932 when they read as Japanese (and most of them as
    kana and kanji: ``japanese_share``), the code page charset-normalizer names when it is one Access 97 wrote, else
    cp1252 (Access 97's Western default). A catalog that cannot be read decides nothing here (the reading after says
    so)."""
    sample: list[bytes] = []
    db.sample = sample
    rows = 0
    try:
        catalog, _ = _catalog(db)
        for name, page in _user_tables(catalog):
            try:
                table = db.table(name, page)
            except _Damaged:
                continue
            for _ in db.rows(table, page, _Counts()):
                rows += 1
                if rows >= _SAMPLE_ROWS or db.sampled >= _SAMPLE_BYTES:
                    raise _Sampled
    except _Sampled:
        pass
    except ReadError as e:
        if e.reason == Status.TIMEOUT:
            raise
    finally:
        db.sample = None
    return _code_page_of(sample)


def _code_page_of(sample: list[bytes]) -> str:
    """The code page of a Jet 3 database's text past ASCII (``_guess_encoding``): cp932 when it reads as Japanese
    text, kana and kanji or the signs of a Japanese table (○ × △ ① ㈱ ￥: charset-normalizer names a sample of them
    gb18030 or cp949, review18a); else the code page charset-normalizer names when it is one Access 97 wrote, else
    cp1252."""
    if not sample:
        return "cp1252"
    joined = b"\r\n".join(sample)
    codec = codecs.lookup(plan_decoding(joined).codec).name
    text = joined.decode("cp932", "replace")
    high = max(len(_NON_ASCII.findall(text)), 1)
    signs = len(_JAPANESE_SIGNS.findall(text))
    if codec in _JAPANESE_CODECS:  # and most of it reads as kana, kanji or signs (a table of every byte's Latin
        return "cp932" if japanese_share(text) + signs / high >= 0.5 else "cp1252"  # letter, a lone byte: no)
    # whatever charset-normalizer named: half of it full-width kana, kanji or signs in cp932 (not half-width kana,
    # which Korean or Chinese bytes read as cp932 make runs of; Western text makes no sign, its kanji beside letters)
    if (signs + len(_FULL_WIDTH.findall(text))) * 2 >= high:
        return "cp932"
    return codec if codec in _CODE_PAGES.values() else "cp1252"


def _unread_kind(kind: int, complex_kind: str | None) -> str:
    """How an object column holding values is said unread: "" for OLE objects and attachments (examined as the
    database's children: access_objects), else its kind (a multi-value or version-history column's values sit in a
    table of their own, not read)."""
    if kind == _BINARY:
        return "binary"
    if kind == _OLE or complex_kind == "attachment":
        return ""
    return complex_kind or "attachment or multi-value"


def _sheet_rows(db: _Database, table: _Table, page: int, sheet: Sheet,
                complex_kinds: dict[tuple[int, str], str]) -> Iterator[Sequence[object]]:
    header: list[object] = [c.name for c in table.columns]
    db.budget.add(len(header))
    yield header
    counts = _Counts()
    read = 0
    for row in db.rows(table, page, counts, deleted=True):
        read += 1
        yield row
    read -= counts.deleted
    if counts.deleted:
        sheet.notes.append(say(Detail.ACCESS_DELETED_READ, n=counts.deleted))
    if counts.freed:
        sheet.notes.append(say(Detail.ACCESS_PAGES_FREED, n=counts.freed))
    if counts.unmapped:
        sheet.notes.append(say(Detail.ACCESS_PAGES_UNMAPPED, n=counts.unmapped, rows=read, total=table.counted))
    if counts.damaged or counts.pages:
        sheet.damage.append(say(Detail.ACCESS_ROWS_DAMAGED, n=counts.damaged, pages=counts.pages))
    if read + counts.damaged < table.counted:
        sheet.damage.append(say(Detail.ACCESS_ROWS_MISSING, n=table.counted - read, total=table.counted))
    kinds = {_unread_kind(kind, complex_kinds.get((page, name))) for kind, name in counts.unread} - {""}
    if kinds:
        sheet.unread.append(say(Detail.ACCESS_OBJECTS_UNREAD, kinds=sorted(kinds)))
    if counts.cut:
        sheet.unread.append(say(Detail.ACCESS_MEMO_CUT, n=sum(counts.cut.values()), why=sorted(counts.cut)))


def _catalog(db: _Database) -> tuple[list[tuple[str, int, int, int]], str | None]:
    """(name, type, id, flags) of every object MSysObjects lists, and the damage when it lists fewer than it counts
    (a table of the database may be missing from the sheets then: never a silent clean)."""
    try:
        system = db.table("MSysObjects", _CATALOG_PAGE)
    except _Damaged:
        raise ReadError(Status.CORRUPT, say(Detail.ACCESS_CATALOG_DAMAGED)) from None
    at = {c.name: i for i, c in enumerate(system.columns)}
    if not {"Id", "Name", "Type", "Flags"} <= at.keys():
        raise ReadError(Status.CORRUPT, say(Detail.ACCESS_CATALOG_DAMAGED))
    out = []
    counts = _Counts()
    read = 0
    for row in db.rows(system, _CATALOG_PAGE, counts):
        read += 1
        name, kind, tid, flags = row[at["Name"]], row[at["Type"]], row[at["Id"]], row[at["Flags"]]
        if isinstance(name, str) and name and isinstance(kind, int) and isinstance(tid, int):
            out.append((name, kind, tid, flags if isinstance(flags, int) else 0))  # (signed: a report is -32764)
    if not out:
        raise ReadError(Status.CORRUPT, say(Detail.ACCESS_CATALOG_DAMAGED))
    lost = max(system.counted - read, counts.damaged + counts.pages)
    return out, (say(Detail.ACCESS_CATALOG_PARTIAL, n=lost, total=max(system.counted, read + lost)) if lost else None)


@dataclass(frozen=True)
class _Complex:
    """A complex column (ACE 2007+: attachments, multi-value lists, memo version history) and the hidden table
    holding its values (MSysComplexColumns)."""

    owner: int  # the definition page of the table whose column it is
    column: str
    kind: str  # "attachment", "multi-value", "version history"
    flat: int  # the definition page of the table holding the values


def _complex_columns(db: _Database, catalog: list[tuple[str, int, int, int]]) -> list[_Complex]:
    """The complex columns MSysComplexColumns lists (none when it is absent or damaged: their columns are then said
    unread as "attachment or multi-value")."""
    pages = {name: tid & 0x00FFFFFF for name, kind, tid, _ in catalog if kind == _TABLE}
    names = {tid: name for name, _, tid, _ in catalog}
    if "MSysComplexColumns" not in pages:
        return []
    out = []
    try:
        table = db.table("MSysComplexColumns", pages["MSysComplexColumns"])
        at = {c.name: i for i, c in enumerate(table.columns)}
        for row in db.rows(table, pages["MSysComplexColumns"], _Counts()):
            column, kind, flat, owner = (row[at[k]] if k in at else None for k in (
                "ColumnName", "ComplexTypeObjectID", "FlatTableID", "ConceptualTableID"))
            if isinstance(column, str) and isinstance(kind, int) and isinstance(flat, int) and isinstance(owner, int):
                template = names.get(kind, "")
                out.append(_Complex(owner & 0x00FFFFFF, column, "attachment" if template == "MSysComplexType_Attachment"
                                    else "version history" if template.startswith("MSysComplexTypeVH")
                                    else "multi-value", flat & 0x00FFFFFF))
    except _Damaged:
        return out
    return out


@dataclass(frozen=True)
class AccessObject:
    """One OLE-object or attachment value of a user table, as stored: an OLE value with Access's package header and
    OLE 1.0 wrapping, an attachment in its wrapper (a type, a length, then the file behind a small header, deflated
    or not: jackcess' AttachmentColumnInfoImpl). ``size`` is the length its head gives; ``cut`` why ``data`` is
    shorter ("" when whole)."""

    name: str  # table/column/row N (an attachment: table/column/its file name)
    kind: str  # "ole" or "attachment"
    data: bytes
    size: int
    cut: str = ""
    lost: str = ""  # said: values that could not be read at all (an attachment column's hidden table damaged)
    # of a row marked deleted: Access freed its long-value rows, which later values may have taken (read short or
    # broken: gone, no damage of the file)
    deleted: bool = False


def access_objects(data: bytes, budget: CellBudget, limit: int) -> Iterator[AccessObject]:
    """The OLE-object values and attachments of every user table of an Access database, in table and row order
    (rows marked deleted too, as the sheets read them), each at most ``limit`` bytes (a longer one is given empty,
    its size said). Nothing when no user table has such a column, or when the database's header or catalog cannot
    be read (the sheets say why: access_sheets); damage met later is the sheets' to say too, but an attachment
    column's hidden table (no sheet) whose definition or rows are damaged is given as ``lost``."""
    try:
        db = _Database(data, budget)
        if db.guessed:
            db.encoding = _guess_encoding(db)
        catalog, _ = _catalog(db)
    except ReadError:
        return
    owners: dict[int, str] = {}  # a definition two catalog entries name read once, under its first name (as the
    for name, page in _user_tables(catalog) + _dropped(db, catalog):  # sheets); a table recovered without its
        owners.setdefault(page, name)  # catalog entry: its attachments too
    db.held = True
    for page, name in owners.items():
        try:
            table = db.table(name, page)
        except _Damaged:
            continue
        ole = [k for k, c in enumerate(table.columns) if c.kind == _OLE]
        if not ole:
            continue
        counts = _Counts()
        for n, row in enumerate(db.rows(table, page, counts, deleted=True), 1):
            gone, counts.deleted = counts.deleted > 0, 0  # (a row marked deleted: rows() counts it)
            for k in ole:
                head = row[k]
                if isinstance(head, bytes) and head:
                    yield _object(db, f"{name}/{table.columns[k].name}/row {n}", "ole", head, limit, gone)
    flats: set[int] = set()
    for c in _complex_columns(db, catalog):
        if c.kind != "attachment" or c.owner not in owners or c.flat in flats:  # (a system table's: Access's own
            continue  # theme files; a hidden table two rows name, damaged: its files given once)
        flats.add(c.flat)
        column = f"{owners[c.owner]}/{c.column}"
        try:  # (the hidden table is no sheet: its damage is said here, never a column passed as read)
            flat = db.table(c.column, c.flat)
        except _Damaged:
            yield AccessObject(column, "attachment", b"", 0, lost=say(Detail.ACCESS_DEFINITION_DAMAGED, page=c.flat))
            continue
        at = {col.name: i for i, col in enumerate(flat.columns)}
        if "FileData" not in at:
            yield AccessObject(column, "attachment", b"", 0, lost=say(Detail.ACCESS_DEFINITION_DAMAGED, page=c.flat))
            continue
        counts = _Counts()
        for n, row in enumerate(db.rows(flat, c.flat, counts, deleted=True), 1):
            gone, counts.deleted = counts.deleted > 0, 0
            head, file_name = row[at["FileData"]], row[at["FileName"]] if "FileName" in at else ""
            if isinstance(head, bytes) and head:
                label = file_name.replace("/", "_") if isinstance(file_name, str) and file_name else f"attachment {n}"
                yield _object(db, f"{column}/{label}", "attachment", head, limit, gone)
        if counts.damaged or counts.pages:
            yield AccessObject(column, "attachment", b"", 0,
                               lost=say(Detail.ACCESS_ROWS_DAMAGED, n=counts.damaged, pages=counts.pages))


def _object(db: _Database, name: str, kind: str, head: bytes, limit: int, deleted: bool) -> AccessObject:
    size = int.from_bytes(head[:4], "little") & 0x3FFFFFFF if len(head) >= 4 else 0
    if size > limit:  # not read: the part kept of a file is no file
        return AccessObject(name, kind, b"", size, "longer than kept", deleted=deleted)
    raw, why = db.long_value(head, limit)
    return AccessObject(name, kind, raw, size, why, deleted=deleted)
