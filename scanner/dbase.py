"""dBase / FoxPro / Visual FoxPro tables (``.dbf``) read as a sheet (Session 16: were listed unsupported).

Old Japanese municipal, accounting and shapefile attribute tables keep a person a record. The format is small
and fixed: a 32-byte header (record count, header length, record length, the language driver byte 29 that
names the code page), 32-byte field descriptors up to 0x0D, then fixed-width records, each opening with a
deletion flag. Read here over the bytes (run in the worker like every decoder of untrusted bytes): the libraries
at hand open a path only and look for the memo file by name on disk (dbfread, last release 2016; ``dbf``, which
also writes a dump file into the working folder on a bad memo), and stop the whole table at one bad value.

The header row is the field names; a record marked deleted is read too (its bytes are still in the file: a
leak as much as a live row). A table cut short reads its whole records and says how many of those its header
counts are absent (``dbf-cut``). Memo fields (``M``, ``G``, ``B``/``P`` of dBase) point into a separate file
(``X.fpt``/``X.dbt``): a source that lists the table's folder finds it beside the table (``sources.memo_beside``)
and hands its bytes here (``MemoBeside``); the text memos are read into their cells (damage19: were listed
``dbf-memo-unread`` and never read), a memo file missing, unreadable or damaged said; binary memos (pictures, OLE
objects) are said not examined. A table whose source does not look beside it still says its memos were not read.
"""

from __future__ import annotations

import codecs
import datetime
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from .codes import Status
from .details import Detail, say
from .errors import ReadError
from .sheet import Caps, CellBudget, Sheet
from .textdecode import decode_counting

# the language driver id (byte 29) -> Python codec (dBase IV/V, FoxPro and Visual FoxPro code page marks)
CODE_PAGES = {
    0x01: "cp437", 0x02: "cp850", 0x03: "cp1252", 0x04: "mac_roman", 0x08: "cp865", 0x09: "cp437", 0x0A: "cp850",
    0x0B: "cp437", 0x0D: "cp437", 0x0E: "cp850", 0x0F: "cp437", 0x10: "cp850", 0x11: "cp437", 0x12: "cp850",
    0x13: "cp932", 0x14: "cp850", 0x15: "cp437", 0x16: "cp850", 0x17: "cp865", 0x18: "cp437", 0x19: "cp437",
    0x1A: "cp850", 0x1B: "cp437", 0x1C: "cp863", 0x1D: "cp850", 0x1F: "cp852", 0x22: "cp852", 0x23: "cp852",
    0x24: "cp860", 0x25: "cp850", 0x26: "cp866", 0x37: "cp850", 0x40: "cp852", 0x4D: "cp936", 0x4E: "cp949",
    0x4F: "cp950", 0x50: "cp874", 0x58: "cp1252", 0x59: "cp1252", 0x64: "cp852", 0x65: "cp866",
    0x66: "cp865", 0x67: "cp861", 0x6A: "cp737", 0x6B: "cp857", 0x78: "cp950", 0x79: "cp949", 0x7A: "cp936",
    0x7B: "cp932", 0x7C: "cp874", 0x7D: "cp1255", 0x7E: "cp1256", 0x86: "cp737", 0x87: "cp852", 0x88: "cp857",
    0x96: "mac_cyrillic", 0x97: "mac_latin2", 0x98: "mac_greek", 0xC8: "cp1250", 0xC9: "cp1251", 0xCA: "cp1254",
    0xCB: "cp1253", 0xCC: "cp1257",
}
# the version byte (byte 0) of the dBase family: dBase II-V, FoxBASE/FoxPro, Visual FoxPro (with or without memo)
VERSIONS = frozenset({0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x63, 0x83, 0x8B, 0x8C, 0x8E, 0xCB, 0xE5,
                      0xF5, 0xFB})
# dBase 7 (dBASE PLUS / Visual dBASE 7: 0x04, 0x8C with memo): a 68-byte header (a language driver's name after
# byte 32), 48-byte field descriptors (a 32-byte name, type, length, decimals), integers and doubles big-endian
# with the sign bit flipped (review16e: were listed "no dBase table" or "header damaged")
_DBASE7 = frozenset({0x04, 0x8C})
# (0x57, 87, is ESRI's "the system's ANSI code page", cp932 on a Japanese Windows: guessed like 0, review16e)
# where no code page is named (byte 29 is 0: many Japanese programs write none; QGIS/GDAL's UTF-8 names it in the
# .cpg beside the table) or the system's is meant: the first that decodes
_GUESSED = ("utf-8", "cp932", "euc_jp", "cp1252")
_MEMO_TYPES = frozenset("MGP")
_MEMO_MOST = 1 << 20  # the longest memo value read (a damaged length runs to the file's end at most, then this)
_FLAGS = b" *"  # the deletion flag that opens every record: live, deleted
_HEADER = 32
_FIELD = 32


@dataclass(frozen=True)
class Field:
    name: bytes  # as written (in the table's code page), decoded once that is known
    kind: str
    offset: int  # within the record, after the deletion flag
    length: int
    decimals: int
    level7: bool = False  # a dBase 7 field (its binary numbers big-endian, sign bit flipped)


@dataclass(frozen=True)
class MemoBeside:
    """The memo file a source found beside a table (same folder, same stem, ``.fpt``/``.dbt`` in any case): its
    name and bytes, or that it looked and found none (``missing``), or why it could not read it (``error``: a
    detail already said)."""

    name: str = ""
    data: bytes | None = None
    missing: bool = False
    error: str = ""
    cut_at: int = 0  # the file is longer than the inspect limit: only its first CUT_AT bytes were read


def is_dbf(head: bytes) -> bool:
    """Whether ``head`` opens like a dBase-family table: a known version byte, a valid last-update date, a header
    length holding at least one field and its end mark (or a table with no field), a record length of at least the
    deletion flag."""
    if len(head) < _HEADER or head[0] not in VERSIONS:
        return False
    month, day = head[2], head[3]
    header_len, record_len = struct.unpack_from("<HH", head, 8)
    return 1 <= month <= 12 and 1 <= day <= 31 and record_len >= 1 and (
        header_len >= _HEADER + _FIELD + 1 or _no_fields(head))


def _no_fields(head: bytes) -> bool:
    """A table with no field: its end mark right after the header, a record of the deletion flag alone (a shapefile
    with no attribute: infused/dbf's polygon.dbf; review16e, was "no dBase table")."""
    return struct.unpack_from("<HH", head, 8) == (_HEADER + 1, 1) and head[_HEADER:_HEADER + 1] == b"\x0d"


def dbf_sheets(data: bytes, caps: Caps, memo: MemoBeside | None = None) -> Iterator[Sheet]:
    """The table of a ``.dbf`` as one sheet (see the module docstring); ``memo``: its memo file as its source found
    it beside the table (None: the source does not look)."""
    if not is_dbf(data):
        raise ReadError(Status.CORRUPT, say(Detail.DBF_HEADER_DAMAGED, n=min(len(data), _HEADER)))
    count, header_len, record_len = struct.unpack_from("<IHH", data, 4)
    fields, damage = _fields(data, header_len, record_len)
    if not fields and _no_fields(data):
        yield Sheet("dbf", ())  # a table holding no value
        return
    if not fields:
        raise ReadError(Status.CORRUPT, say(Detail.DBF_HEADER_DAMAGED, n=min(len(data), header_len)))
    encoding = CODE_PAGES.get(data[29]) or _guessed(data, header_len, record_len, fields)
    whole = max(0, len(data) - header_len) // record_len
    sheet = Sheet("dbf", (), damage=damage)
    if whole < count:  # cut: the whole records before the cut are read
        sheet.damage.append(say(Detail.DBF_CUT, n=count - whole, total=count))
    elif whole > count:  # more whole records than the header counts (its count damaged, or records appended
        # without it): every record present is read, never only the counted ones (a flipped count hid them)
        sheet.damage.append(say(Detail.DBF_MORE_RECORDS, n=whole - count, total=count))
        count = whole
    memos = [f for f in fields if f.kind in _MEMO_TYPES or (f.kind == "B" and data[0] in (0x83, 0x8B, 0x8C))]
    texts = [f for f in memos if f.kind == "M"]
    reader = None
    if memos and memo is None:
        sheet.unread.append(say(Detail.DBF_MEMO_UNREAD, n=len(memos)))
    elif texts and memo is not None and memo.missing:
        sheet.unread.append(say(Detail.DBF_MEMO_MISSING, n=len(texts)))
    elif texts and memo is not None and memo.data is None:
        sheet.unread.append(say(Detail.DBF_MEMO_UNREADABLE, n=len(texts), why=memo.error))
    elif texts and memo is not None and memo.data is not None:
        reader = _MemoReader(memo.data, memo.name, encoding, data[29] not in CODE_PAGES, memo.cut_at > 0)
        sheet.notes.append(say(Detail.DBF_MEMO_READ, name=memo.name))  # the file that holds the values, named on
        # the table's row (review19d: the memo file was in no row: the table removed, its names stayed in X.fpt)
    if memo is not None and len(memos) > len(texts):
        sheet.unread.append(say(Detail.DBF_MEMO_BINARY, n=len(memos) - len(texts)))
    names = [_text(f.name, encoding) or f"field{n + 1}" for n, f in enumerate(fields)]
    sheet.rows = _rows(data, header_len, record_len, min(count, whole), fields, names, encoding, CellBudget(caps),
                       sheet, reader)
    yield sheet


class _MemoReader:
    """The text memos of a ``.dbt`` (dBase III: 512-byte blocks, text up to a 0x1A; dBase IV: the block size at byte
    20, each value opening with FF FF 08 00 and its length) or a ``.fpt`` (FoxPro: the block size big-endian at byte
    6, each value opening with its type and length, big-endian). A block number past the file, a value whose head or
    length is damaged, or text with no end mark within ``_MEMO_MOST`` is counted damaged (read as empty, or as far
    as it goes) and said once the rows are read. The text is in the table's code page; when the table names none
    (``guessed``: its character fields may all be ASCII, its people only in the memos), in the first of
    ``_GUESSED`` that decodes it (review19d: cp932 memos were read as UTF-8, every name U+FFFD, nothing said)."""

    def __init__(self, data: bytes, name: str, encoding: str, guessed: bool = False, limited: bool = False) -> None:
        self.data, self.encoding, self.guessed = data, encoding, guessed
        self.limited = limited  # DATA is the memo file's head (the inspect limit): values past it are not damaged
        self.unread = 0  # values past the limit (limited only)
        self.replaced = 0  # bytes of memo text no code page tried explains
        self.fox = name.casefold().endswith(".fpt")
        if self.fox:
            size = int.from_bytes(data[6:8], "big") if len(data) >= 8 else 0
        else:
            size = int.from_bytes(data[20:22], "little") if len(data) >= 22 else 0
            size = size if size >= 64 and size % 64 == 0 else 512  # dBase III writes 0 there: 512 always
        self.block = size or 64
        self.read = self.damaged = 0
        # memo text read in all, at most twice the file (each value is read once in a whole file): records pointing
        # into one block whose end mark is lost read 1 MiB each (review19d: 400 MiB of cells from a 3 MiB file)
        self.left = 2 * len(data) + _MEMO_MOST

    def value(self, raw: bytes, width: int) -> str:
        """The memo a record's field ``raw`` points at ('' for none)."""
        digits = raw.strip(b" \x00")
        if not digits or (width != 4 and not digits.isdigit()):
            if width != 4 and digits:
                self.damaged += 1
            return ""
        number = int.from_bytes(raw, "little") if width == 4 else int(digits)
        if number == 0:
            return ""
        self.read += 1
        damaged = self.damaged
        at = number * self.block
        if self.limited and at + 8 >= len(self.data):  # past the part read (damage20: was said damaged)
            self.unread += 1
            return ""
        if at >= len(self.data) or at < 8:
            self.damaged += 1
            return ""
        head = self.data[at:at + 8]
        if self.fox:
            kind, length = struct.unpack(">II", head) if len(head) == 8 else (-1, 0)
            body = self.data[at + 8:at + 8 + min(length, _MEMO_MOST)]
            if self.limited and kind in (0, 1, 2) and length > len(self.data) - at - 8:
                self.unread += 1  # its text runs past the part read
                return ""
            if kind not in (0, 1, 2) or length > len(self.data) - at - 8:
                self.damaged += 1
                if kind not in (0, 1, 2):
                    return ""
            if kind != 1:
                return ""  # a picture or an object: no text
        elif head[:4] == b"\xff\xff\x08\x00":
            length = int.from_bytes(head[4:8], "little") - 8
            body = self.data[at + 8:at + 8 + min(max(length, 0), _MEMO_MOST)]
            if self.limited and length > len(self.data) - at - 8:
                self.unread += 1
                return ""
            if length < 0 or length > len(self.data) - at - 8:
                self.damaged += 1
        else:
            stop = self.data.find(b"\x1a", at, at + _MEMO_MOST)
            if stop < 0 and self.limited and at + _MEMO_MOST > len(self.data):
                self.unread += 1
                return ""
            if stop < 0:
                self.damaged += 1
            body = self.data[at:stop if stop >= 0 else at + _MEMO_MOST]
        if len(body) > self.left:  # more text than the memo file holds: read as empty, said damaged (once)
            self.damaged = damaged + 1
            return ""
        self.left -= len(body)
        return self._text(body.strip(b" \x00\x1a\r\n")).strip(" \x00\x1a\r\n")

    def _text(self, body: bytes) -> str:
        if body.isascii():
            return body.decode("ascii")
        for encoding in dict.fromkeys((self.encoding, *_GUESSED) if self.guessed else (self.encoding,)):
            try:
                text = body.decode(encoding)
            except UnicodeDecodeError:
                continue
            if encoding == self.encoding or not _wedged(body, encoding):
                self.encoding = encoding  # the memo file's code page from here on
                return text
        text, replaced = decode_counting(body, self.encoding)
        self.replaced += replaced
        return text


def _fields(data: bytes, header_len: int, record_len: int) -> tuple[list[Field], list[str]]:
    """The field descriptors from byte 32 to the 0x0D end mark (or the header's end), each placed in the record.
    A descriptor past the record's length ends the list (damage said); so does a name that is no text."""
    fields: list[Field] = []
    damage: list[str] = []
    offset = 0
    end = min(header_len, len(data))
    level7 = data[0] in _DBASE7
    at, size, place = (_HEADER + 36, 48, 32) if level7 else (_HEADER, _FIELD, 11)
    while at + size <= end and data[at] != 0x0D:
        raw = data[at:at + size]
        name = raw[:place].split(b"\x00", 1)[0]
        kind, length, decimals = chr(raw[place]), *raw[place + 1 + 4 * (not level7):][:2]
        if kind in "CV" and data[0] in (0x02, 0x03, 0x83, 0x8B):  # dBase III/IV Character: the high byte in decimals
            length, decimals = length + (decimals << 8), 0
        if not name or not kind.isalnum() and kind not in "@+" or offset + length > record_len - 1:
            damage.append(say(Detail.DBF_FIELDS_DAMAGED, n=len(fields)))
            break
        fields.append(Field(name, kind, offset, length, decimals, level7))
        offset += length
        at += size
    if fields and not damage and offset + 1 != record_len:  # the fields and the deletion flag fill a record
        damage.append(say(Detail.DBF_LAYOUT_DIFFERS, n=offset + 1, size=record_len))  # exactly in every version
        # written here (a flipped record length)
    return fields, damage


def _text(raw: bytes, encoding: str) -> str:
    return raw.decode(encoding, errors="replace").strip(" \x00")


def _guessed(data: bytes, header_len: int, record_len: int, fields: list[Field]) -> str:
    """The code page of a table that names none: of ``_GUESSED``, the first that decodes the most of its field names
    and character fields (the first 64 KiB of records; a value whose decoding shows accented Latin read as kanji
    counts as not decoded: ``_wedged``): all of them in an undamaged table (damage17: one flipped
    byte made every code page fail somewhere and the table was read as cp1252, its people as mojibake, `ok`). A
    value filling its field may end mid-character (writers cut text at the field's width in bytes: QGIS's UTF-8), so
    its last character may be incomplete (review16e: one such value made a UTF-8 table read as cp1252)."""
    values = [(f.name, 31 if f.level7 else 10) for f in fields]
    values += [(data[s + 1 + f.offset:s + 1 + f.offset + f.length], f.length)
               for s in range(header_len, min(len(data), header_len + (1 << 16)) - record_len + 1, record_len)
               for f in fields if f.kind == "C"]
    values = [(raw, width) for raw, width in values if not raw.isascii()]
    failing = {encoding: sum(not _decodes(raw, width, encoding) or _wedged(raw, encoding) or _silent(raw, encoding)
                             for raw, width in values) for encoding in _GUESSED}
    return min(_GUESSED, key=lambda e: failing[e])


# a kanji, kana or private-use character or two between Latin letters, the next one lower case ("Orl饌ns",
# "Gar輟n", "S\ue612en"): accented Latin (cp1252 é ç ô before a letter) read as a double-byte code page. No Japanese
# value is written so (damage18: a cp1252 table without a code page was read as cp932 when every value happened to
# decode, review17g's 6 of 20 French tables)
_WEDGED = re.compile("[A-Za-z][\u3000-\u9fff\uf900-\ufaff\uff61-\uff9f\ue000-\uf8ff]{1,2}[a-z]")


def _wedged(raw: bytes, encoding: str) -> bool:
    """Whether ``raw`` read in ``encoding`` shows Latin text read as a double-byte code page (counted against it as a
    value it cannot decode)."""
    return encoding in ("cp932", "euc_jp") and _WEDGED.search(raw.decode(encoding, "replace")) is not None


def _silent(raw: bytes, encoding: str) -> bool:
    """Whether ``raw`` holds a byte cp932 takes without an error though no Shift_JIS character is so written
    (``_CP932_SILENT``): the records' reader counts it as a byte it could not read, so the guess counts it against
    cp932 too (wild23: Tika's testDBF_gb18030.dbf, GB18030 text with 0xFD, was guessed cp932 and listed `corrupt`)."""
    return encoding == "cp932" and any(c in raw.decode(encoding, "replace") for c in _CP932_SILENT)


def _decodes(raw: bytes, width: int, encoding: str) -> bool:
    text = raw.rstrip(b" \x00")
    decoder = codecs.getincrementaldecoder(encoding)()
    try:  # a value as long as its field may be cut in its last character: not final then
        decoder.decode(text, final=len(text) < width)
        return True
    except UnicodeDecodeError:
        return False


def _rows(data: bytes, header_len: int, record_len: int, count: int, fields: list[Field], names: list[str],
          encoding: str, budget: CellBudget, sheet: Sheet, memo: _MemoReader | None = None) -> Iterator[list[object]]:
    """The header and the records; once read, what they showed of damage is said on ``sheet``: records that open
    with no deletion flag (bytes zeroed, lost or added there: damage17, such tables passed `ok` with their later
    records empty or shifted), bytes of text no character of the code page explains. After bytes added or lost
    the records are read again from where they line up with the table's end (``_realigned``)."""
    yield list[object](names)
    shifted = replaced = 0
    silent = encoding == "cp932"  # bytes Python's cp932 takes without a U+FFFD: no Shift_JIS character starts so
    end = len(data) - (data[-1:] == b"\x1a")
    at = header_len
    # a writer may open every record with 0x00 (infused/dbf's mazovia.dbf): its flag then, when one of the first
    # records opens so and holds something and none opens with a space (its first record deleted: review17g, each
    # record after was said shifted); a record of zeros alone is damage all the same
    firsts = [data[s:s + record_len] for s in range(at, min(len(data), at + 8 * record_len), record_len)]
    flags = (_FLAGS + b"\x00" if not any(r[:1] == b" " for r in firsts)
             and any(r[:1] == b"\x00" and any(r) for r in firsts) else _FLAGS)
    for n in range(count):
        if n % 4096 == 0:
            budget.tick()
        if at + record_len > len(data):
            break
        if data[at] not in flags or not any(data[at:at + record_len]):
            shifted += 1
            at = _realigned(data, at, record_len, end, flags)
        budget.add(len(fields))
        start = at + 1
        row = [_value(data[start + f.offset:start + f.offset + f.length], f, encoding) for f in fields]
        if memo is not None:
            for k, f in enumerate(fields):
                if f.kind == "M":
                    row[k] = memo.value(data[start + f.offset:start + f.offset + f.length], f.length)
        for f, cell in zip(fields, row, strict=True):
            if isinstance(cell, str) and "\ufffd" in cell:
                raw = data[start + f.offset:start + f.offset + f.length]
                if not _decodes(raw, f.length, encoding):  # an incomplete last character is the writer's cut
                    replaced += decode_counting(raw.rstrip(b" \x00"), encoding)[1] or 1
            if silent and isinstance(cell, str) and not cell.isascii():
                replaced += sum(cell.count(c) for c in _CP932_SILENT)
        yield row
        at += record_len
    if shifted:
        sheet.damage.append(say(Detail.DBF_RECORDS_SHIFTED, n=shifted, total=count))
    if memo is not None and memo.damaged:
        sheet.damage.append(say(Detail.DBF_MEMO_DAMAGED, n=memo.damaged, total=memo.read))
    if memo is not None and memo.unread:
        sheet.unread.append(say(Detail.DBF_MEMO_TOO_LARGE, n=memo.unread, total=memo.read, mib=len(memo.data) >> 20))
    replaced += memo.replaced if memo is not None else 0
    if replaced:
        sheet.notes.append(say(Detail.DECODING, note=say(Detail.BYTES_REPLACED, n=replaced)))


_CP932_SILENT = "\x80\uf8f0\uf8f1\uf8f2\uf8f3"  # 0x80, 0xA0, 0xFD-0xFF as cp932 decodes them (damage21, csv22)


def _realigned(data: bytes, at: int, record_len: int, end: int, flags: bytes) -> int:
    """Where the record at ``at`` (its deletion flag damaged) starts when bytes were added or lost before it: the one
    place within a record's length that is a whole number of records before the table's end, when a deletion flag
    opens it and the record after it; else ``at`` (zeroed or flipped bytes: read as they lie)."""
    to = at + (end - at) % record_len
    if to != at and to + record_len <= len(data) and data[to] in flags and (
            to + record_len >= end or data[to + record_len] in flags):
        return to
    return at


def _value(raw: bytes, f: Field, encoding: str) -> object:
    """A cell as the other readers give it: text stripped, numbers as numbers where they parse, dates as dates;
    anything that does not parse as its type is its text (a damaged value is a cell, never the table's end)."""
    kind = f.kind
    try:
        if kind in "CV":
            return _text(raw, encoding)
        if kind in "NF":
            text = raw.strip(b" \x00*").decode("ascii")
            if not text:
                return ""
            return int(text) if f.decimals == 0 and text.lstrip("-").isdigit() else float(text)
        if kind == "D":
            text = raw.strip(b" \x00").decode("ascii")
            return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8])) if text else ""
        if kind == "L":
            return {b"T": True, b"Y": True, b"F": False, b"N": False}.get(raw.strip().upper()[:1], "")
        if f.level7 and kind in "I+O@":
            return _dbase7_number(raw, kind)
        if kind in "I+" and len(raw) == 4:
            return int.from_bytes(raw, "little", signed=True)
        if kind in "OB" and len(raw) == 8:
            return struct.unpack("<d", raw)[0]
        if kind == "Y" and len(raw) == 8:
            return int.from_bytes(raw, "little", signed=True) / 10000
        if kind in "T@" and len(raw) == 8:
            day, ms = struct.unpack("<ii", raw)
            if day == 0:
                return ""
            return datetime.datetime(1, 1, 1) + datetime.timedelta(days=day - 1721426, milliseconds=ms)
        if kind in _MEMO_TYPES or kind in "BQ0":  # a memo block number, binary, the null flags: not a value
            return ""
    except (ValueError, OverflowError, UnicodeDecodeError):
        pass
    return _text(raw, encoding)


def _dbase7_number(raw: bytes, kind: str) -> object:
    """A dBase 7 long (``I``, ``+``) or double (``O``): big-endian with the sign bit flipped so that they sort as
    bytes; a negative double has every bit flipped. Its timestamp (``@``) is no person's value: empty."""
    if kind in "I+" and len(raw) == 4:
        return int.from_bytes(raw, "big") - (1 << 31)
    if kind == "O" and len(raw) == 8:
        bits = int.from_bytes(raw, "big")
        bits = bits ^ (1 << 63) if bits >> 63 else bits ^ ((1 << 64) - 1)
        return struct.unpack(">d", bits.to_bytes(8, "big"))[0]
    return ""
