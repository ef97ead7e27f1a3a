"""Any spreadsheet or CSV bytes -> sheets of rows, with the format decided by content, not by extension.

python-calamine reads .xlsx/.xlsm (Strict too), .xls (BIFF8 and BIFF5), .xlsb and .ods; openpyxl is the
fallback for OOXML that calamine refuses, pyxlsb (scanner/xlsb.py) for .xlsb that it panics on. Text
tables are decoded by BOM, then strict UTF-8, then cp932 (never Python's shift_jis, which fails on
① ㈱ 髙 﨑), with UTF-16 and EUC-JP recognised. Caps on cells and on inflated bytes turn absurd files
into ``too-large`` instead of exhausting memory; failures are ``ReadError(reason, detail)`` with reason
encrypted, corrupt, unsupported, too-large or timeout. Detail texts
carry library error names only, never cell values.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .codes import Status
from .errors import ReadError, error_name
from .isolation import decoding
from .sheet import Caps, CellBudget, Sheet
from .xlsb import pyxlsb_sheets

__all__ = ["Caps", "Sheet"]  # their home is scanner.sheet; kept importable from here for the readers

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
BINARY_FORMATS = ("xlsx", "xlsb", "ods", "xls")
# Excel 2-4 worksheets and BIFF5 streams saved without an OLE container start with a BOF record
_BARE_BIFF = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")


@dataclass
class Workbook:
    format: str
    sheets: list[Sheet] = field(default_factory=list)
    encoding: str | None = None  # text tables only


# --- format by content -------------------------------------------------------------------------------

def sniff_format(data: bytes) -> str:
    """xlsx, xlsb, ods, xls, ole-encrypted, ole-other, biff-bare, zip-other, text, binary or empty."""
    if not data:
        return "empty"
    if data.startswith(ZIP_MAGIC) or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if data.startswith(OLE_MAGIC):
        return _ole_kind(data)
    if data[:2] in _BARE_BIFF and len(data) > 4 and data[3] == 0:
        return "biff-bare"
    return "text" if _looks_text(data[:65536]) else "binary"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "xl/workbook.xml" in names or any(n.endswith("workbook.xml") for n in names if n.startswith("xl/")):
                return "xlsx"
            if "mimetype" in names:
                mt = zf.read("mimetype")[:100]
                if b"opendocument.spreadsheet" in mt:
                    return "ods"
            if "content.xml" in names and "META-INF/manifest.xml" in names:
                return "ods"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return "zip-corrupt"
    return "zip-other"


def _ole_kind(data: bytes) -> str:
    import olefile  # a dependency of msoffcrypto-tool

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(p) for p in ole.listdir(streams=True, storages=False)}
    except Exception:  # noqa: BLE001 - olefile raises many kinds on damaged containers
        return "ole-corrupt"
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        return "ole-encrypted"  # password-protected .xlsx/.xlsm/.xlsb are OLE containers
    if streams & {"Workbook", "Book", "WORKBOOK", "BOOK"}:
        return "xls"
    return "ole-other"


def _looks_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if _utf16_guess(head):
        return True
    if b"\x00" in head:
        # zero-filled blocks (a damaged or recovered file, a NUL-padded tail) are not binary content
        head = re.sub(rb"\x00{16,}", b"", head)
        if not head or b"\x00" in head:
            return False
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32 and b != 27)
    return ctrl <= len(head) // 100


def _utf16_guess(head: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte of ASCII-range text is NUL."""
    if len(head) < 8:
        return None
    even, odd = head[0:400:2], head[1:400:2]
    if odd.count(0) > len(odd) * 0.6 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.6 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return None


# --- encryption -----------------------------------------------------------------------------------------

def encryption_note(data: bytes, fmt: str) -> str | None:
    """Why a workbook is password-protected (msoffcrypto-tool for OLE, the manifest for .ods), or None."""
    if fmt == "ole-encrypted":
        return "password-protected OOXML (EncryptionInfo stream)"
    if fmt == "xls":
        import msoffcrypto

        try:
            office = msoffcrypto.OfficeFile(io.BytesIO(data))
            if office.is_encrypted():
                return "password-protected .xls (FILEPASS record: RC4 / XOR)"
        except Exception:  # noqa: BLE001 - a damaged .xls is for the reader to report
            return None
    if fmt == "ods":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                manifest = zf.read("META-INF/manifest.xml")[:1 << 20]
        except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError):
            return None
        if b"encryption-data" in manifest:
            return "password-protected .ods (manifest encryption-data)"
    return None


# --- caps ---------------------------------------------------------------------------------------------

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?([A-Z]+)(\d+)\"")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_zip(data: bytes, caps: Caps) -> None:
    """Decompression-bomb guard: declared inflated size, and each sheet's declared dimension vs the cell cap."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            if total > caps.max_inflated:
                raise ReadError(Status.TOO_LARGE, f"inflates to {total} bytes > cap {caps.max_inflated}")
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with zf.open(info) as f:
                        m = _DIMENSION.search(f.read(4096))
                    cells = _col_number(m.group(1)) * int(m.group(2)) if m else 0
                    if cells > caps.max_cells:
                        raise ReadError(Status.TOO_LARGE, f"declared sheet size {cells} cells > cap {caps.max_cells}")
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
        raise ReadError(Status.CORRUPT, f"zip: {type(e).__name__}") from e


# --- workbooks (calamine first) ----------------------------------------------------------------------

def read_workbook(data: bytes, fmt: str, caps: Caps) -> Workbook:
    """Every worksheet of a binary workbook, rows as lists (tests and tools; scans use iter_workbook)."""
    return Workbook(fmt, [Sheet(s.name, list(s.rows), s.first_row, s.first_col)
                          for s in iter_workbook(data, fmt, caps)])


def iter_workbook(data: bytes, fmt: str, caps: Caps) -> Iterator[Sheet]:
    """Every worksheet of a binary workbook, each sheet's rows streamed (consume one before the next).

    Run it in the worker process (scanner.isolation): calamine is Rust and cannot be interrupted.
    """
    if fmt in ("xlsx", "xlsb", "ods"):
        check_zip(data, caps)
    started = False
    declared: list[str] = []  # worksheet names calamine found in the workbook, before it failed
    try:
        for sheet in _calamine_sheets(data, caps, declared):
            started = True
            yield sheet
        return
    except ReadError:
        raise
    except BaseException as e:  # noqa: BLE001 - CalamineError and Rust PanicException (not an Exception)
        if isinstance(e, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        if isinstance(e, MemoryError):
            raise ReadError(Status.TOO_LARGE, "out of memory while parsing") from e
        first = f"calamine: {error_name(e)}"
        if started or fmt not in ("xlsx", "xlsb"):
            raise ReadError(Status.CORRUPT, first) from e
    if fmt == "xlsb":  # pyxlsb: calamine panics on some real .xlsb (scanner/xlsb.py)
        fallback, reader = pyxlsb_sheets, "pyxlsb"
    else:
        fallback, reader = _openpyxl_sheets, "openpyxl"
    seen: list[str] = []
    try:
        for sheet in fallback(data, caps):
            seen.append(sheet.name)
            yield sheet
    except ReadError:
        raise
    except MemoryError as e:
        raise ReadError(Status.TOO_LARGE, "out of memory while parsing") from e
    except Exception as e:  # noqa: BLE001 - openpyxl/pyxlsb/zip/xml errors of every kind
        raise ReadError(Status.CORRUPT, f"{first}; {reader}: {error_name(e)}") from e
    # openpyxl skips a sheet whose part is missing without a word: a partial read is not a clean one
    missing = [n for n in declared if n not in seen]
    if missing or not seen:
        raise ReadError(Status.CORRUPT, f"{first}; {reader}: {len(missing) or 'no'} sheet(s) missing or unreadable")


def _calamine_sheets(data: bytes, caps: Caps, declared: list[str] | None = None) -> Iterator[Sheet]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    decoding("python-calamine")
    budget = CellBudget(caps)
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    if declared is not None:
        declared += [m.name for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    try:
        for meta in wb.sheets_metadata:
            if meta.typ not in (SheetTypeEnum.WorkSheet,):
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            if sheet.start is None:
                yield Sheet(meta.name, [])
                continue
            budget.next_sheet()
            budget.add((sheet.end[0] + 1) * sheet.width)
            # iter_rows starts at row 1 of the sheet and at the first used column
            yield Sheet(meta.name, _ticking(sheet.iter_rows(), budget), 1, sheet.start[1])
    finally:
        wb.close()


def _ticking(rows: Iterable[list[object]], budget: CellBudget) -> Iterator[list[object]]:
    for i, row in enumerate(rows):
        if not i & 0x3FFF:
            budget.tick()
        yield row


def _openpyxl_sheets(data: bytes, caps: Caps) -> Iterator[Sheet]:
    from openpyxl import load_workbook

    decoding("openpyxl")
    budget = CellBudget(caps)
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            budget.next_sheet()
            rows: list[list[object]] = []
            for i, row in enumerate(ws.iter_rows(values_only=True)):
                budget.add(len(row))
                rows.append(["" if v is None else v for v in row])
                if not i & 0x3FFF:
                    budget.tick()
            yield Sheet(ws.title, rows)
    finally:
        wb.close()


# --- text tables ------------------------------------------------------------------------------------------

def _japanese_score(text: str) -> int:
    """Plausibility of a decoding: kana and kanji count for it; half-width kana, PUA and controls against."""
    good = bad = 0
    for ch in text[:20000]:
        o = ord(ch)
        if 0x3040 <= o <= 0x30FF or 0x4E00 <= o <= 0x9FFF:
            good += 1
        elif 0xFF61 <= o <= 0xFF9F or 0xE000 <= o <= 0xF8FF or (o < 32 and ch not in "\t\r\n"):
            bad += 1
    return good - 2 * bad


def _utf16_text(data: bytes) -> str | None:
    """The text after a UTF-16 BOM, or None when it holds no line break and no delimiter at all: then the
    bytes are not UTF-16 table rows (8-bit text after a stray BOM reads as CJK noise, a table without
    people). A cut last byte or a lone surrogate damages one character, not the encoding."""
    text = data.decode("utf-16", errors="replace")
    return text if len(text) < 2 or any(c in text[:65536] for c in "\r\n\t,;|") else None


def _japanese_8bit(data: bytes) -> tuple[str, str] | None:
    """cp932 or EUC-JP, whichever decodes strictly and reads more like Japanese; None when neither."""
    candidates = []
    for enc in ("cp932", "euc_jp"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_japanese_score(text), enc == "cp932", text, enc))
    if not candidates:
        return None
    _, _, text, enc = max(candidates)
    return text, enc


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): BOM, then UTF-16 by NUL pattern, then strict UTF-8, then cp932 vs EUC-JP.

    A BOM the bytes after it do not fit (a UTF-8 BOM before cp932 text) is taken as stray: decoding by
    it would turn the records into replacement characters and the file into "no personal data"."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            return _japanese_8bit(data[3:]) or (data.decode("utf-8-sig", errors="replace"),
                                                 "utf-8-sig (with replacement characters)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _utf16_text(data)
        if text is not None:
            return text, "utf-16"
        data = data[2:]
    guess = _utf16_guess(data[:4096])
    if guess:
        return data.decode(guess, errors="replace"), guess
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    found = _japanese_8bit(data)
    if found:
        return found
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1 << 20]).best()
    if best is not None and best.encoding not in ("shift_jis", "shift_jis_2004", "shift_jisx0213"):
        return data.decode(best.encoding, errors="replace"), best.encoding
    return data.decode("cp932", errors="replace"), "cp932 (with replacement characters)"


def sniff_delimiter(text: str) -> str:
    """The separator that splits the first lines most consistently: comma, tab, semicolon or bar."""
    lines = [ln for ln in re.split(r"\r\n|\r|\n", text[:65536])[:50] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", 0.0
    for d in (",", "\t", ";", "|"):
        counts = [ln.count(d) for ln in lines]
        hits = [c for c in counts if c]
        if not hits:
            continue
        mode = max(set(hits), key=hits.count)
        score = hits.count(mode) / len(lines) * (1 + min(mode, 20) / 20)
        if score > best_score:
            best, best_score = d, score
    return best


def read_text_table(data: bytes, caps: Caps) -> Workbook:
    """A CSV/TSV/TXT table as one sheet with every row in memory."""
    sheet, enc = iter_text_table(data, caps)
    return Workbook("text", [Sheet("", list(sheet.rows))], encoding=enc)


def iter_text_table(data: bytes, caps: Caps) -> tuple[Sheet, str]:
    """A CSV/TSV/TXT table as one streamed sheet; CR-only line ends and quoted newlines survive."""
    decoding("csv")
    budget = CellBudget(caps)
    text, enc = decode_text(data)
    if "\x00" in text:
        text = text.replace("\x00", "")
    delim = sniff_delimiter(text)
    csv.field_size_limit(1 << 24)

    def rows() -> Iterator[list[object]]:
        try:
            for i, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delim)):
                budget.add(len(row) or 1)
                if not i & 0x3FFF:
                    budget.tick()
                yield row
        except csv.Error as e:
            raise ReadError(Status.CORRUPT, f"csv: {error_name(e)}") from e

    return Sheet("", rows()), enc


def iter_tables(data: bytes, caps: Caps, fmt: str | None = None) -> tuple[Iterator[Sheet], str | None]:
    """(sheets, text encoding) of any spreadsheet or text table; binary sheets stream their rows."""
    fmt = fmt or sniff_format(data)
    note = encryption_note(data, fmt)
    if note:
        raise ReadError(Status.ENCRYPTED, note)
    if fmt in BINARY_FORMATS:
        return iter_workbook(data, fmt, caps), None
    if fmt == "text":
        sheet, encoding = iter_text_table(data, caps)
        return iter([sheet]), encoding
    if fmt == "empty":
        return iter(()), None
    raise ReadError(*unreadable_reason(fmt))


def read_tables(data: bytes, caps: Caps, fmt: str | None = None) -> Workbook:
    """Any spreadsheet or text table with every row in memory (tests and tools)."""
    fmt = fmt or sniff_format(data)
    sheets, encoding = iter_tables(data, caps, fmt)
    return Workbook(fmt, [Sheet(s.name, list(s.rows), s.first_row, s.first_col) for s in sheets], encoding)


def unreadable_reason(fmt: str) -> tuple[str, str]:
    """Status and detail for a content kind that is not a readable table."""
    return {
        "zip-corrupt": (Status.CORRUPT, "damaged zip container"),
        "ole-corrupt": (Status.CORRUPT, "damaged OLE2 container"),
        "biff-bare": (Status.UNSUPPORTED, "Excel 2-5 worksheet without an OLE2 container"),
        "ole-other": (Status.UNSUPPORTED, "OLE2 file without a workbook stream"),
        "zip-other": (Status.UNSUPPORTED, "zip file that is not a workbook"),
        "binary": (Status.UNSUPPORTED, "binary content that is not a known workbook format"),
    }.get(fmt, (Status.UNSUPPORTED, fmt))
