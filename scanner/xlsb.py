""".xlsb fallback: pyxlsb (pure Python) where python-calamine fails, plus the Excel 2007 beta sheet list.

calamine panics on some real .xlsb files. The one known case is a workbook written by an Excel 2007 beta
(apache/poi test-data Simple.xlsb): its BrtBundleSh records carry 4 undocumented bytes before iTabID, so
calamine and pyxlsb both read a garbage relationship id. Apache POI (XSSFBReader.SheetRefLoader.tryOldFormat)
accepts that layout; :func:`normalise_beta` rewrites those records in memory to the standard layout so a
reader can open the workbook. Rows are assembled here from pyxlsb's cell records because pyxlsb's own
``rows()`` trusts the sheet's declared dimension, which some writers set to A1 for any size of sheet.
Runs inside the worker process (scanner.isolation), under the same cell and time caps as calamine.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Iterator
from types import ModuleType

from .codes import Status
from .details import Detail, say
from .errors import ReadError
from .isolation import decoding
from .sheet import Caps, CellBudget, Sheet

BRT_BUNDLE_SH = 0x9C  # BrtBundleSh (MS-XLSB 2.4.304): one sheet in the workbook's sheet list
MAX_COLUMNS = 16384  # XFD, Excel's last column
MAX_ROWS = 1 << 20  # Excel's last row
# BrtBegin* -> BrtEnd* of the workbook, a sheet, the shared strings and the styles (MS-XLSB 2.3)
BEGIN_END = {0x83: 0x84, 0x81: 0x82, 0x9F: 0xA0, 0x116: 0x117}


def biff12_records(data: bytes) -> Iterator[tuple[int, bytes, bytes]]:
    """(type, header bytes, body) of each BIFF12 record; ValueError when a record runs past the end."""
    i, end = 0, len(data)
    while i < end:
        start, rtype, size = i, 0, 0
        for shift in (0, 7):
            b = data[i]
            i += 1
            rtype |= (b & 0x7F) << shift
            if not b & 0x80:
                break
        for shift in (0, 7, 14, 21):
            b = data[i]
            i += 1
            size |= (b & 0x7F) << shift
            if not b & 0x80:
                break
        if i + size > end:
            raise ValueError("record past end of stream")
        yield rtype, data[start:i], data[i:i + size]
        i += size


_records = biff12_records  # the name the xlsb tests import


def _wide_string_end(body: bytes, offset: int) -> int:
    """End offset of an XLWideString (u32 character count, UTF-16LE) starting at ``offset``."""
    (cch,) = struct.unpack_from("<I", body, offset)
    return offset + 4 + 2 * cch


def _beta_bundle(body: bytes) -> bytes | None:
    """The standard-layout body of an Excel 2007 beta BrtBundleSh, or None when ``body`` is not one."""
    try:
        tab = struct.unpack_from("<I", body, 4)[0]
        if 1 <= tab <= 0xFFFF:
            return None  # standard layout
        tab = struct.unpack_from("<I", body, 8)[0]
        if not 1 <= tab <= 0xFFFF:
            return None
        if _wide_string_end(body, _wide_string_end(body, 12)) != len(body):
            return None
    except struct.error:
        return None
    return body[:4] + body[8:]  # as POI does: skip the 4 extra bytes, keep the rest


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def normalise_beta(data: bytes) -> bytes | None:
    """The workbook with its beta sheet list rewritten to the standard layout, or None if none was found.

    Only ``xl/workbook.bin`` changes; the copy lives in memory (evidence is never written).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            book = zf.read("xl/workbook.bin")
            out, changed = bytearray(), False
            for rtype, header, body in biff12_records(book):
                fixed = _beta_bundle(body) if rtype == BRT_BUNDLE_SH else None
                if fixed is None:
                    out += header + body
                else:
                    out += header[:2] + _varint(len(fixed)) + fixed
                    changed = True
            if not changed:
                return None
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as new:
                for info in zf.infolist():
                    new.writestr(info.filename, bytes(out) if info.filename == "xl/workbook.bin" else zf.read(info))
    except (KeyError, ValueError, IndexError, zipfile.BadZipFile, OSError, EOFError):
        return None
    return buf.getvalue()


_TARGET_OR_PART = re.compile(rb"""\b(Target|PartName)(\s*=\s*["'])([^"']*)(["'])""")


def moved_to_xl(data: bytes, workbook: str) -> bytes | None:
    """The .xlsb with its workbook part (``workbook``, a normalised name found through the package
    relationships, e.g. ``wtf/workbook.bin`` or ``workbook.bin`` at the root) and the parts beside it moved
    under ``xl/`` in memory, where calamine and pyxlsb look for them (both hard-code ``xl/workbook.bin``);
    relationship targets and content-type part names follow. None when it cannot be rebuilt. The parts are
    those the zip guard has already checked and sized; the evidence itself is never written."""
    folder = workbook.rpartition("/")[0]
    prefix = folder + "/" if folder else ""
    book_rels = f"{prefix}_rels/{workbook.rpartition('/')[2]}.rels"

    def moved(name: str) -> str | None:
        n = name.replace("\\", "/").lstrip("/").lower()
        if n == workbook:
            return "xl/workbook.bin"
        if n == book_rels:
            return "xl/_rels/workbook.bin.rels"
        if n in ("[content_types].xml", "_rels/.rels") or n.startswith(("docprops/", "customxml/")):
            return None
        if prefix and not n.startswith(prefix):
            return None
        return "xl/" + name.replace("\\", "/").lstrip("/")[len(prefix):]

    def retarget(xml: bytes, owner: str | None) -> bytes:
        """Targets in the package's own parts (``owner`` None) as they were, moved; an absolute target in a
        moved part's relationships made relative to that part's new folder (the readers resolve no others)."""
        def one(m: re.Match[bytes]) -> bytes:
            target = m.group(3).decode("utf-8", "replace")
            if owner is not None and not target.startswith("/"):
                return m.group(0)  # relative to its own folder, which moved with it
            new = moved(target)
            if new is None:
                return m.group(0)
            if owner is None:
                new = ("/" if target.startswith("/") else "") + new
            else:  # xl/_rels/workbook.bin.rels belongs to xl/workbook.bin: relative to xl/
                new = posixpath.relpath(new, posixpath.dirname(posixpath.dirname(owner)))
            return m.group(1) + m.group(2) + new.encode() + m.group(4)
        return _TARGET_OR_PART.sub(one, xml)

    try:
        buf = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as zf, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as new:
            for info in zf.infolist():
                name = info.filename.replace("\\", "/").lstrip("/")
                body = zf.read(info)
                low = name.lower()
                target = moved(info.filename) or name
                if low.endswith(".rels") or low == "[content_types].xml":
                    body = retarget(body, None if low in ("_rels/.rels", "[content_types].xml") else target)
                new.writestr(target, body)
    except (KeyError, ValueError, zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        return None
    return buf.getvalue()


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OVERRIDE = re.compile(rb"""<(?:\w+:)?Override\b[^>]*>""")
_PART = re.compile(rb"""\bPartName\s*=\s*["']([^"']*)["']""")
_TYPE = re.compile(rb"""\bContentType\s*=\s*["']([^"']*)["']""")


def _not_biff12(zf: zipfile.ZipFile) -> set[str]:
    """Lower-case names of the .bin parts that [Content_Types].xml says are not BIFF12 records: printer
    settings (a DEVMODE), a VBA project, embedded objects. Excel's BIFF12 parts are application/vnd.ms-excel.*."""
    try:
        types = zf.read("[Content_Types].xml")[:1 << 20]
    except Exception:  # noqa: BLE001 - no or a damaged types part: every .bin is checked
        return set()
    out = set()
    for tag in _OVERRIDE.findall(types):
        part, ctype = _PART.search(tag), _TYPE.search(tag)
        if part and ctype and not ctype.group(1).startswith(b"application/vnd.ms-excel."):
            out.add(part.group(1).decode("utf-8", "replace").lstrip("/").lower())
    return out


def check_parts(data: bytes) -> None:
    """ReadError(corrupt) unless every BIFF12 part is whole: framing complete, Begin record closed by its End.

    pyxlsb reads a truncated stream as if it ended early (missing values come back as None), so without
    this check a damaged workbook would be reported as read, with rows or sheets silently missing.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        other = _not_biff12(zf)
        for info in zf.infolist():
            if not info.filename.endswith(".bin") or info.filename.lstrip("/").lower() in other:
                continue
            part = zf.read(info)
            if part.startswith(OLE_MAGIC):
                continue  # an OLE2 file (a VBA project, an embedded object), not BIFF12
            try:
                types = [t for t, _, _ in biff12_records(part)]
            except (ValueError, IndexError) as e:
                raise ReadError(Status.CORRUPT, say(Detail.XLSB_TRUNCATED)) from e
            if not types or (types[0] in BEGIN_END and types[-1] != BEGIN_END[types[0]]):
                raise ReadError(Status.CORRUPT, say(Detail.XLSB_NO_END))
        if "xl/workbook.bin" not in zf.namelist():
            raise ReadError(Status.CORRUPT, say(Detail.XLSB_NO_WORKBOOK))


def pyxlsb_sheets(data: bytes, caps: Caps) -> Iterator[Sheet]:
    """Every sheet of an .xlsb with pyxlsb, rows streamed; beta workbooks are normalised first."""
    from pyxlsb import biff12, open_workbook

    decoding("pyxlsb")
    check_parts(data)
    budget = CellBudget(caps)
    with open_workbook(io.BytesIO(normalise_beta(data) or data)) as wb:
        for index, name in enumerate(wb.sheets, 1):
            budget.next_sheet()
            with wb.get_sheet(index) as ws:
                rows = list(_sheet_rows(ws, wb.stringtable, biff12, budget))
            yield Sheet(name, rows)


def _sheet_rows(ws: object, strings: object, biff12: ModuleType, budget: CellBudget) -> Iterator[list[object]]:
    """Rows of one pyxlsb worksheet from its cell records; blank rows keep row numbers right."""
    reader = ws._reader  # type: ignore[attr-defined]  # rows() would cut cells to the declared dimension
    reader.seek(ws._data_offset)  # type: ignore[attr-defined]
    row: list[object] | None = None
    row_num = -1
    for n, (rtype, rec) in enumerate(reader):
        if not n & 0x3FFF:
            budget.tick()
        if rtype == biff12.ROW and rec.r != row_num:
            if row is not None:
                yield row
            if not row_num < rec.r < MAX_ROWS:
                raise ReadError(Status.CORRUPT, say(Detail.XLSB_ROWS_BAD))
            for _ in range(rec.r - row_num - 1):
                yield []
            row, row_num = [], rec.r
        elif biff12.BLANK <= rtype <= biff12.FORMULA_BOOLERR:
            if row is None or not 0 <= rec.c < MAX_COLUMNS:
                raise ReadError(Status.CORRUPT, say(Detail.XLSB_CELL_BAD))
            value = rec.v
            if rtype == biff12.STRING and strings is not None:
                value = strings[rec.v]  # type: ignore[index]
            if rec.c >= len(row):
                budget.add(rec.c + 1 - len(row))
                row.extend([""] * (rec.c + 1 - len(row)))
            row[rec.c] = "" if value is None else value
        elif rtype == biff12.SHEETDATA_END:
            break
    if row is not None:
        yield row


BRT_ROW_HDR = 0x00  # BrtRowHdr: rw (u32) first
CELL_RECORDS = range(0x01, 0x13)  # BrtCellBlank .. BrtShortIsst: column (u32) first


def sheet_reach(sheet: bytes) -> int:
    """Cells in the box from the first to the last cell a BIFF12 worksheet places (0 when none).

    calamine allocates that box before reading a value, so a sheet with cells at A1 and XFD1048576
    would abort the parser for want of 550 GB; the box is checked against the cell cap first.
    """
    rows: list[int] = []
    cols: list[int] = []
    row = -1
    try:
        for rtype, _, body in biff12_records(sheet):
            if rtype == BRT_ROW_HDR and len(body) >= 4:
                row = struct.unpack_from("<I", body)[0]
            elif rtype in CELL_RECORDS and len(body) >= 4 and row >= 0:
                col = struct.unpack_from("<I", body)[0]
                if not rows or row != rows[-1]:
                    rows.append(row)
                cols.append(col)
                if len(cols) > 4096:
                    cols[:] = [min(cols), max(cols)]
    except (ValueError, IndexError):
        pass  # a cut part: the reader reports it (check_parts)
    if not cols:
        return 0
    return (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1)
