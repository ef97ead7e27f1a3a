"""Excel 2.x-5.0 record streams without an OLE2 container: BIFF2, BIFF3 and BIFF4 worksheets, Excel 4.0
workbooks (BIFF4W) and bare BIFF5 streams -> sheets of rows.

python-calamine (0.9.1, the newest) reads .xls only inside an OLE2 compound file ("Cannot detect file
format" / "Invalid OLE"), openpyxl never, and xlrd is no dependency; yet Excel 2.1-4.0 files (Excel 4.0 was
the Japanese office standard of 1992-94) still sit on old shares and come out of old systems. Their cell
records are few and simple: BOF (0x0009 / 0x0209 / 0x0409 / 0x0809), LABEL (0x0004 / 0x0204, 8-bit text in the
file's CODEPAGE 0x0042: cp932 for Japanese Excel), NUMBER (0x0003 / 0x0203), INTEGER (0x0002), RK (0x027E),
MULRK (0x00BD), BOOLERR, RSTRING, FORMULA with its cached result (a text result in the STRING record after it),
SHEETHDR (0x008F: the name of each sheet of an Excel 4.0 workbook) and BOUNDSHEET (0x0085, BIFF5), EOF.

The reader is bounded: every record is length-checked, the box a sheet's cells reach is checked against
``--max-cells`` as cells arrive (BIFF2-5 places at most 16384 x 256, and 65536 rows in BIFF5), and a stream
that stops inside a record or without its EOF keeps the rows read so far with a ``damage`` note (status
``corrupt``), never a clean read. It runs in the worker like every binary reader. Text is decoded once per
sheet, by the CODEPAGE record when there is one, else by the text-table planner over all of the sheet's
labels (scanner.textdecode: cp932, UTF-8, EUC-JP or Western cp1252); undecodable bytes are counted.
"""

from __future__ import annotations

import codecs
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from .codes import Status
from .details import Detail, join_details, say
from .errors import ReadError, error_name
from .sheet import Caps, CellBudget, Sheet
from .textdecode import decode_counting, plan_decoding

BOF_VERSIONS = {0x0009: 2, 0x0209: 3, 0x0409: 4, 0x0809: 5}
EOF = 0x000A
CODEPAGE = 0x0042
FILEPASS = 0x002F
SHEETHDR = 0x008F  # Excel 4.0 workbook: (size of the sheet's substream, name) before each sheet
BOUNDSHEET = 0x0085  # BIFF5 globals: (offset of the sheet's BOF, visibility, type, name)
WORKSHEET = 0x0010
MACRO_SHEET = 0x0040  # an Excel 4.0 macro sheet: cells like a worksheet's
CELL_LESS = frozenset({0x0020, 0x0006})  # a chart, a VB module: no cells to read
WORKBOOK_4W = 0x0100
BIFF5_GLOBALS = 0x0005
MAX_ROWS, MAX_COLS = 65536, 256

_WHAT = {2: "Excel 2.x worksheet (BIFF2)", 3: "Excel 3.0 worksheet (BIFF3)", 4: "Excel 4.0 worksheet (BIFF4)",
         45: "Excel 4.0 workbook (BIFF4W)", 5: "Excel 5.0 workbook stream without an OLE2 container (BIFF5)",
         8: "Excel 97-2003 workbook stream without an OLE2 container (BIFF8)"}
READ = (2, 3, 4, 45, 5)
# CODEPAGE values that are not "cp" + the number (Excel writes 0x8001 for Windows ANSI in BIFF2-4)
_CODEPAGES = {0x8000: "mac_roman", 0x8001: "cp1252", 367: "ascii", 1200: "utf-16-le", 10000: "mac_roman"}
_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
           0x2A: "#N/A"}


def biff_version(data: bytes) -> int:
    """2, 3, 4, 45 (an Excel 4.0 workbook), 5 or 8 from the first BOF record; 0 when there is none."""
    if len(data) < 8:
        return 0
    opcode, _, version, kind = struct.unpack_from("<HHHH", data)
    if opcode not in BOF_VERSIONS:
        return 0
    if opcode == 0x0809:
        return 8 if version == 0x0600 else 5
    return 45 if BOF_VERSIONS[opcode] == 4 and kind == WORKBOOK_4W else BOF_VERSIONS[opcode]


DOUBLE_BYTE = frozenset({932, 936, 949, 950, 1361})  # Japanese, Simplified/Traditional Chinese, Korean


def calamine_misreads(stream: bytes) -> bool:
    """Would calamine misread this BIFF5 workbook's text? Yes when the CODEPAGE record (in the globals, before
    the first sheet) names a double-byte code page (read as UTF-16 halves), and when there is none (read as
    Latin-1: a Japanese file without one is mojibake); the reader here guesses the encoding from the text."""
    pos, n = 0, min(len(stream), 1 << 20)
    while pos + 4 <= n:
        opcode, length = struct.unpack_from("<HH", stream, pos)
        if opcode == CODEPAGE and length >= 2 and pos + 6 <= len(stream):
            return struct.unpack_from("<H", stream, pos + 4)[0] in DOUBLE_BYTE
        if opcode == EOF and pos:
            return True  # the globals end without a CODEPAGE record
        pos += 4 + length
    return False  # a cut stream: calamine says what is wrong with it


def describe(version: int) -> str:
    return _WHAT.get(version, f"BIFF{version} stream without an OLE2 container")


def _codec(codepage: int | None) -> str | None:
    if codepage is None:
        return None
    name = _CODEPAGES.get(codepage, f"cp{codepage}")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None  # an unknown code page: guessed from the text itself


def _rk(value: int) -> float | int:
    """An RK number: a 30-bit integer or the top 30 bits of a double, divided by 100 when bit 0 is set."""
    if value & 2:
        n: float | int = value >> 2 if not value & 0x80000000 else (value >> 2) - (1 << 30)
    else:
        n = struct.unpack("<d", struct.pack("<Q", (value & 0xFFFFFFFC) << 32))[0]
    return n / 100 if value & 1 else n


def _number(v: float) -> float | int:
    return int(v) if v.is_integer() and abs(v) < 1 << 53 else v


@dataclass
class _Sheet:
    name: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)  # text cells as raw bytes until decoded
    rows: int = 0
    cols: int = 0
    damage: list[str] = field(default_factory=list)
    outside: int = 0  # cells whose row or column is past the sheet's last (a damaged index): not placed


class _Reader:
    """One pass over the record stream, building each worksheet's cells under the cell budget."""

    def __init__(self, data: bytes, caps: Caps, what: str) -> None:
        self.data, self.caps, self.what = data, caps, what
        self.budget = CellBudget(caps)
        self.version = biff_version(data)
        self.codepage: int | None = None
        self.names: list[str] = []  # BOUNDSHEET / SHEETHDR names, in order
        self.offsets: dict[int, str] = {}  # BIFF5: a worksheet's BOF offset -> its name
        self.sheet: _Sheet | None = None
        self.pending_formula: tuple[int, int] | None = None  # a text result follows in STRING
        self.depth = 0  # BOF ... EOF nesting of the current sheet (a chart inside a worksheet)
        self.skipping = False  # inside a chart or macro sheet
        self.started = 0  # worksheets begun

    def sheets(self) -> Iterator[_Sheet]:
        data, pos, n = self.data, 0, len(self.data)
        count = 0
        while pos < n:
            if pos + 4 > n:
                yield from self._cut(say(Detail.BIFF_CUT_IN_HEADER, what=self.what, at=pos))
                return
            opcode, length = struct.unpack_from("<HH", data, pos)
            body = data[pos + 4:pos + 4 + length]
            if len(body) < length:
                yield from self._cut(say(Detail.BIFF_RECORD_PAST_END, what=self.what, at=pos))
                return
            if count & 0x3FFF == 0:
                self.budget.tick()
            count += 1
            done = self._record(opcode, body, pos)
            if done is not None:
                yield done
            pos += 4 + length
        if self.sheet is not None or self.depth:
            yield from self._cut(say(Detail.BIFF_NO_EOF, what=self.what))
        elif not self.started:
            raise ReadError(Status.UNSUPPORTED, say(Detail.BIFF_NO_WORKSHEET, what=self.what))

    def _cut(self, why: str) -> Iterator[_Sheet]:
        """The stream cut short (``why``: a detail naming the workbook): the sheet read so far kept, said damaged."""
        if self.sheet is not None:
            self.sheet.damage.append(join_details((why, say(Detail.ROWS_AFTER_LOST))))
            sheet, self.sheet = self.sheet, None
            yield sheet
        elif not self.started:
            raise ReadError(Status.CORRUPT, why)
        # else the cut is in a chart or in the workbook's globals after its sheets: every sheet was read

    def _record(self, opcode: int, body: bytes, pos: int) -> _Sheet | None:
        if opcode in BOF_VERSIONS:
            self._bof(body, pos)
            return None
        if opcode == EOF:
            if self.depth == 0:
                return None  # the end of the workbook's globals (BIFF5; after the sheets in BIFF4W)
            self.depth -= 1
            if self.depth == 0:
                self.skipping = False
                sheet, self.sheet = self.sheet, None
                return sheet
            return None
        if opcode == FILEPASS:
            raise ReadError(Status.ENCRYPTED, say(Detail.BIFF_FILEPASS, what=self.what))
        if opcode == CODEPAGE and len(body) >= 2:
            self.codepage = struct.unpack_from("<H", body)[0]
        elif opcode == SHEETHDR and len(body) >= 5:
            self.names.append(self._name(body, 4))
        elif opcode == BOUNDSHEET and len(body) >= 7 and self.version == 5:
            if body[5] in (0, 1):  # a worksheet or macro sheet (not a chart or module)
                self.offsets[struct.unpack_from("<I", body)[0]] = self._name(body, 6)
        elif self.sheet is not None and not self.skipping and self.depth == 1:
            self._cell(opcode, body)
        return None

    def _name(self, body: bytes, at: int) -> str:
        raw = body[at + 1:at + 1 + body[at]]
        return raw.decode(_codec(self.codepage) or "cp932", "replace")

    def _bof(self, body: bytes, pos: int) -> None:
        kind = struct.unpack_from("<H", body, 2)[0] if len(body) >= 4 else WORKSHEET
        if self.depth:
            self.depth += 1  # a chart inside a sheet: its records are not the sheet's cells
            return
        if kind in (WORKBOOK_4W, BIFF5_GLOBALS):
            return  # the workbook's globals: code page and sheet names, no cells
        self.depth = 1
        if kind in CELL_LESS:
            self.skipping = True  # a chart or module of its own
            return
        self.started += 1
        name = self.offsets.get(pos) or (self.names[-1] if self.version == 45 and self.names else None)
        self.sheet = _Sheet(name or f"Sheet{self.started}")
        if kind not in (WORKSHEET, MACRO_SHEET):  # a damaged type: its cells are read all the same, and it is said
            self.sheet.damage.append(say(Detail.BIFF_ODD_SHEET_TYPE, what=self.what, kind=f"0x{kind:04x}"))

    def _place(self, row: int, col: int, value: object) -> None:
        sheet = self.sheet
        assert sheet is not None
        if row >= MAX_ROWS or col >= MAX_COLS:
            sheet.outside += 1
            return
        if row >= sheet.rows or col >= sheet.cols:
            sheet.rows, sheet.cols = max(sheet.rows, row + 1), max(sheet.cols, col + 1)
            if sheet.rows * sheet.cols > self.caps.max_cells:
                raise ReadError(Status.TOO_LARGE, say(Detail.CELLS_REACH_MAX, n=sheet.rows * sheet.cols, cap=self.caps.max_cells))
        sheet.cells[row, col] = value

    def _cell(self, opcode: int, b: bytes) -> None:
        if opcode in (0x0007, 0x0207):  # STRING: the text result of the formula before it (a short record)
            if self.pending_formula is not None and len(b) >= (1 if opcode == 0x0007 else 2):
                text = b[1:1 + b[0]] if opcode == 0x0007 else b[2:2 + struct.unpack_from("<H", b)[0]]
                self._place(*self.pending_formula, text)
            self.pending_formula = None
            return
        self.pending_formula = None
        if len(b) < 4:
            return
        row, col = struct.unpack_from("<HH", b)
        if opcode == 0x0004 and len(b) >= 8:  # BIFF2 LABEL: 3 attribute bytes, an 8-bit length
            self._place(row, col, b[8:8 + b[7]])
        elif opcode in (0x0204, 0x00D6) and len(b) >= 8:  # LABEL, RSTRING: XF index, a 16-bit length
            self._place(row, col, b[8:8 + struct.unpack_from("<H", b, 6)[0]])
        elif opcode == 0x0003 and len(b) >= 15:
            self._place(row, col, _number(struct.unpack_from("<d", b, 7)[0]))
        elif opcode == 0x0203 and len(b) >= 14:
            self._place(row, col, _number(struct.unpack_from("<d", b, 6)[0]))
        elif opcode == 0x0002 and len(b) >= 9:
            self._place(row, col, struct.unpack_from("<H", b, 7)[0])
        elif opcode == 0x027E and len(b) >= 10:
            self._place(row, col, _rk(struct.unpack_from("<I", b, 6)[0]))
        elif opcode == 0x00BD and len(b) >= 6:  # MULRK: (XF, RK) for each column from col on
            for i in range((len(b) - 6) // 6):
                self._place(row, col + i, _rk(struct.unpack_from("<I", b, 4 + 6 * i + 2)[0]))
        elif opcode in (0x0005, 0x0205):
            at = 7 if opcode == 0x0005 else 6
            if len(b) >= at + 2:
                value, is_error = b[at], b[at + 1]
                self._place(row, col, _ERRORS.get(value, "#N/A") if is_error else bool(value))
        elif opcode in (0x0006, 0x0206, 0x0406):
            at = 7 if (opcode == 0x0006 and self.version == 2) else 6
            result = b[at:at + 8]
            if len(result) < 8:
                return
            if result[6:8] != b"\xff\xff":
                self._place(row, col, _number(struct.unpack("<d", result)[0]))
            elif result[0] == 0:
                self.pending_formula = (row, col)
            elif result[0] == 1:
                self._place(row, col, bool(result[2]))
            elif result[0] == 2:
                self._place(row, col, _ERRORS.get(result[2], "#N/A"))


def biff_sheets(data: bytes, caps: Caps, in_ole: bool = False) -> Iterator[Sheet]:
    """Every worksheet of a bare BIFF2-5 stream (or of the BIFF5 stream of an OLE2 .xls, ``in_ole``), rows as
    lists; ReadError for what it cannot read."""
    version = biff_version(data)
    if version not in READ:
        raise ReadError(Status.UNSUPPORTED, say(Detail.BIFF_NO_READER, what=describe(version)))
    what: str | None = "Excel 5.0/95 workbook (BIFF5)" if in_ole else describe(version)
    reader = _Reader(data, caps, what or "")
    try:
        for raw in reader.sheets():
            yield _rows(raw, reader.codepage, what)
            what = None  # said once, on the first sheet
    except ReadError:
        raise
    except MemoryError as e:
        raise ReadError(Status.TOO_LARGE, say(Detail.OUT_OF_MEMORY_PARSING)) from e
    except Exception as e:  # noqa: BLE001 - a record this reader did not foresee: this file only
        raise ReadError(Status.CORRUPT, say(Detail.READER_FAILED, reader=str(reader.what), error=error_name(e))) from e


def _rows(raw: _Sheet, codepage: int | None, what: str | None) -> Sheet:
    texts = [v for v in raw.cells.values() if isinstance(v, bytes)]
    codec = _codec(codepage)
    guessed = codec is None
    if codec is None:  # no CODEPAGE record: the text decides, as for a text table
        codec = plan_decoding(b"\r\n".join(texts)).codec if texts else "cp1252"
    replaced = 0
    grid: list[list[object]] = [[""] * raw.cols for _ in range(raw.rows)]
    for (r, c), v in raw.cells.items():
        if isinstance(v, bytes):
            text, bad = decode_counting(v, codec)
            replaced += bad
            v = text
        grid[r][c] = v
    notes = [say(Detail.BIFF_FORMAT_GUESSED if guessed else Detail.BIFF_FORMAT, what=what, codec=codec)] if what else []
    if replaced:
        notes.append(say(Detail.DECODING, note=say(Detail.BYTES_REPLACED, n=replaced)))
    if raw.outside:
        raw.damage.append(say(Detail.CELLS_OUTSIDE, n=raw.outside))
    return Sheet(raw.name, grid, 1, 0, notes, raw.damage)
