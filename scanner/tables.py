"""Any spreadsheet or CSV bytes -> sheets of rows, with the format decided by content, not by extension.

python-calamine reads .xlsx/.xlsm (Strict too), .xls (BIFF8 and BIFF5), .xlsb and .ods; openpyxl is the
fallback for OOXML that calamine refuses, pyxlsb (scanner/xlsb.py) for .xlsb that it panics on. Text
tables are decoded by scanner.textdecode (BOM, UTF-16, strict UTF-8, cp932 or EUC-JP, and line by line
when damaged or mixed) and split by scanner.textrows (runaway quotes caught), streamed line by line;
HTML, MHTML and SpreadsheetML 2003 tables saved as .xls are read by scanner.markup. Caps on cells, on
inflated bytes and on the cells a sheet's references reach turn absurd files into ``too-large`` instead
of exhausting memory; failures are ``ReadError(reason, detail)`` with reason encrypted, corrupt,
unsupported, too-large or timeout. A sheet carries ``notes`` (how it was read: ``decoding: partial (N
bytes replaced)``) and ``damage`` (why its rows stop early). Detail texts carry library error names
only, never cell values.
"""

from __future__ import annotations

import bisect
import functools
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain, combinations, islice
from typing import TYPE_CHECKING, Protocol

from .access import access_sheets, is_access
from .biffold import biff_sheets, biff_version, calamine_misreads
from .cellplace import Placement, wrapped_digits, wrapped_letters
from .codes import Status
from .dbase import MemoBeside, dbf_sheets
from .details import Detail, codes_of, join_details, say
from .dif import is_dif, iter_dif
from .doctables import DOCUMENT_FORMATS, document_sheets, stored_inner_directory
from .errors import ReadError, error_name
from .isolation import decoding
from .jsontables import holds_records, iter_json
from .olefiles import ole_file
from .ooxml import (
    OoxmlPackage,
    let_go,
    normalised_part,
    ooxml_package,
    opened_zip,
    package_of,
    resolve_target,
    workbook_target,
)
from .pdftext import pdf_sheets
from .sheet import Caps, CellBudget, Sheet, column_letter
from .sqldump import is_sql_dump, iter_sql_dump
from .statsdata import STATS_FORMATS, stats_sheets
from .sylk import is_sylk, iter_sylk
from .textdecode import (
    MAX_LINE,
    iter_lines,
    plan_decoding,
    utf16_guess,
    utf32_guess,
    zeroed_block,
    zeroed_blocks,
)
from .textrows import csv_rows
from .vcard import is_vcard, iter_vcards
from .xlsb import moved_to_xl, normalise_beta, pyxlsb_sheets, sheet_reach
from .xlsrepair import sst_repaired
from .xmlrecords import HTML_ROOTS, FieldOf, Known, record_sheets, xml_root

if TYPE_CHECKING:
    from .markup import MarkupSheet

__all__ = ["Caps", "Sheet"]  # their home is scanner.sheet; kept importable from here for the readers

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
BINARY_FORMATS = ("xlsx", "xlsb", "ods", "xls", "biff-bare")  # biff-bare: Excel 2-5 without OLE2 (scanner.biffold)
MARKUP_FORMATS = ("html", "mhtml", "spreadsheetml", "gnumeric", "fods")  # tables as markup (gnumeric: its XML, inflated;
# fods: a flat OpenDocument spreadsheet, the tables of an .ods content.xml in one XML file)
SQLITE_MAGIC = b"SQLite format 3\x00"  # a SQLite database's first bytes (scanner.sqlitedb reads its tables)
# Excel 2-4 worksheets and BIFF5 streams saved without an OLE container start with a BOF record
_BARE_BIFF = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")


@dataclass
class Workbook:
    format: str
    sheets: list[Sheet] = field(default_factory=list)
    encoding: str | None = None  # text tables only


# --- format by content -------------------------------------------------------------------------------

NO_DELIMITER = "delimiter: none"  # a marker among a text sheet's notes (no delimiter found), never shown in a detail

def sniff_format(data: bytes) -> str:
    """xlsx, xlsb, ods, xls, ole-encrypted, ole-other, biff-bare, sqlite, access, zip-other, html, mhtml, spreadsheetml,
    gnumeric, xml, vcard, sylk, dif, json, sqldump, text, binary or empty."""
    if not data:
        return "empty"
    if data.startswith(ZIP_MAGIC) or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if data.startswith(OLE_MAGIC):
        return _ole_kind(data)
    if data[:2] in _BARE_BIFF and len(data) > 4 and data[3] == 0:
        return "biff-bare"
    if data.startswith(SQLITE_MAGIC):
        return "sqlite"
    if is_access(data):
        return "access"
    if not _looks_text(data[:65536]):
        return "binary"
    if is_vcard(data):
        return "vcard"
    if is_sylk(data):
        return "sylk"
    if is_dif(data):
        return "dif"
    if holds_records(data):
        return "json"
    return _markup_kind(data) or ("sqldump" if is_sql_dump(data) else "text")


def web_archive_kind(data: bytes) -> str:
    """``sniff_format``, and ``mhtml`` for bytes that look binary behind a head of MIME headers of a web archive
    (Chrome's offline pages send images ``Content-Transfer-Encoding: binary``: with one in the first 64 KiB the
    page was neither read nor listed, review16f)."""
    fmt = sniff_format(data)
    return "mhtml" if fmt == "binary" and _markup_kind(data) == "mhtml" else fmt


def _text_head(data: bytes, size: int = 4096) -> str:
    """The first bytes as lower-case text, only to recognise markup (BOM and UTF-16 aware)."""
    head = data[:size]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec: str | None = "utf-16"
    else:
        codec = utf16_guess(head)
    text = head.decode(codec, "ignore") if codec else head.decode("latin-1")
    return text.lstrip("\ufeff\xef\xbb\xbf \t\r\n").lower()


_PRE_START = re.compile(r"<pre[\s>]")  # a <pre> start tag (the head is lower case)


def _markup_kind(data: bytes) -> str | None:
    """html, mhtml, spreadsheetml, gnumeric, fods or xml when the text is markup; None for a delimited text."""
    head = _text_head(data)
    if head.startswith("mime-version:") or ("multipart/related" in head and "content-type:" in head):
        return "mhtml"
    if not head.startswith("<"):
        return None
    if "urn:schemas-microsoft-com:office:spreadsheet" in head or 'progid="excel.sheet"?>' in head:
        return "spreadsheetml"
    if _GNUMERIC_DECLARED.search(head):  # a Gnumeric workbook's XML (a .gnumeric file inflated, or saved plain), of
        return "gnumeric"                  # 1.2 on or of the versions before: its root declares the namespace
    if "<office:document" in head:  # a flat OpenDocument file: a spreadsheet by its mimetype (after the root's
        return "fods" if _FODS_MIMETYPE in _text_head(data, 16384) else "xml"  # many namespaces), else a text, a drawing
    if head.startswith("<!doctype html"):  # HTML5 (<html>, <head>, <body> are optional: a page may open <meta>)
        return "html"
    root = xml_root(data[:16384])
    if root is not None and root.lower() in _PAGE_ROOTS and not head.startswith("<?xml"):  # a page's fragment
        return "html"
    if root is not None and root.lower() not in HTML_ROOTS:  # an XML document (a .NET DataSet's ``<Table>`` records
        return "xml"  # are no HTML table; xml19: one without a declaration is no text table)
    if head.startswith(("<!doctype html", "<html", "<table")) or "<html" in head or "<table" in head or (
            _PRE_START.search(head) is not None):
        return "html"  # (a <body> fragment holding a <pre> block: a page, read as one, docs26; as text it was
    # listed text-undelimited; review26o: ``<preliminary>`` in a text roster's head is no <pre>)
    return "xml" if head.startswith("<?xml") else None


# Gnumeric 1.2 on (gnumeric.org/v10.dtd ...) and the versions before (www.gnome.org/gnumeric/, /v2 ... /v7: wild16,
# GNOME/gnumeric's samples were listed as other XML)
# (markup.GNUMERIC_NS: the same, as element tags). Declared as a namespace (``xmlns:gmr="…"``), not anywhere in the head:
# http://www.gnome.org/gnumeric/ was Gnumeric's home page, linked from pages and comments (review16c: an HTML list
# naming it was read as a damaged Gnumeric workbook)
GNUMERIC_NAMESPACES = ("http://www.gnumeric.org/v", "http://www.gnome.org/gnumeric/")
_GNUMERIC_DECLARED = re.compile(r"""xmlns(?::[\w.-]+)?\s*=\s*["'](?:""" + "|".join(map(re.escape, GNUMERIC_NAMESPACES)) + ")")
_FODS_MIMETYPE = 'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"'  # a flat ODF file says its kind
# elements only a page opens with, when it is a fragment (pandas' DataFrame HTML: <div><style scoped>, no XML): read
# as XML, such pages were listed "XML damaged" once docs22 read plain .html (sweep22). Not section, article, p, title
# (DocBook's and other XML vocabularies' roots)
_PAGE_ROOTS = frozenset({"div", "meta", "style", "script", "noscript", "center"})
_EXCEL_HTML = ("urn:schemas-microsoft-com:office:excel", "x-document-type: workbook")
_BROWSER_MHTML = ("from: <saved by ", "snapshot-content-location:")  # a page a browser saved (Chrome, Edge, IE)


def markup_table(head: bytes) -> str | None:
    """html, mhtml or spreadsheetml when the first KiB of a markup text show a table: an Excel XML spreadsheet,
    an HTML page with a ``<table>`` or Excel's namespace ("Save as Web Page"), an Excel single-file web page;
    None for any other text (an ordinary page, an XML document)."""
    kind = _markup_kind(head)
    if kind in ("spreadsheetml", "gnumeric", "fods"):
        return kind
    if kind in ("html", "mhtml"):
        text = _text_head(head, len(head))
        if any(mark in text for mark in _EXCEL_HTML) or (kind == "html" and "<table" in text):
            return kind
        if kind == "mhtml" and any(mark in text[:2048] for mark in _BROWSER_MHTML):  # review9f: under any name
            return kind
    return None


CONTENT_TYPES_READ = 1 << 20  # bytes of a package's [Content_Types].xml inflated to tell damage (it is a few KiB)


def _zip_kind(data: bytes) -> str:
    try:
        with opened_zip(data) as zf:
            if stored_inner_directory(zf, data):  # a cut zip whose last end record is a stored workbook's (review18g)
                return "zip-corrupt"
            names = set(zf.namelist())
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:  # what nearly every writer does
                return "xlsb" if "xl/workbook.bin" in names else "xlsx"
            package = package_of(zf)  # elsewhere: through the relationships (check_zip always follows them)
            if package.workbook is not None:
                return "xlsb" if package.workbook.endswith(".bin") else "xlsx"
            if "mimetype" in names:
                try:
                    mt = zf.read("mimetype")[:100]
                except (RuntimeError, zlib.error, zipfile.BadZipFile):  # flagged encrypted, damaged: as if absent
                    mt = b""
                if b"opendocument.spreadsheet" in mt:
                    return "ods"
            else:
                mt = b""
            # an OpenDocument or OpenOffice.org 1.x package whose mimetype names another kind (a text, a drawing, a
            # Base database; StarOffice Calc's vnd.sun.xml.calc, which calamine cannot read): not an .ods (wild13:
            # Tika's .sxw/.sxd/.odb were listed as damaged workbooks); a missing or damaged mimetype: content.xml decides
            if "content.xml" in names and "META-INF/manifest.xml" in names and not _ODF_OTHER.search(
                    mt or _manifest_type(zf)):
                return "ods"
            if any(_SHEET_PART.search(n) for n in package.members):  # sheets without the workbook part that
                return "ooxml-no-workbook"  # lists them: a broken package, not some other zip
            if "[Content_Types].xml" in names:  # an OPC package (an Office document) whose parts may be unreadable
                try:  # (its directory's offsets all off: a region duplicated, wild12); no more is inflated (a bomb)
                    with zf.open("[Content_Types].xml") as part:
                        part.read(CONTENT_TYPES_READ)
                except RuntimeError:  # an encrypted member is no damage: the zip stays what it was (review12a)
                    pass
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error):
        return "zip-corrupt"
    return "zip-other"


_ODF_OTHER = re.compile(rb"^application/vnd\.(?:oasis\.opendocument\.(?:text|presentation|graphics|formula|base|database|chart|image)"
                        rb"|sun\.xml\.(?:writer|impress|draw|math|calc|base))")
# the package's own type in its manifest (OpenOffice.org 1.x files have no mimetype member): full-path="/"
_MANIFEST_ROOT = re.compile(rb'<manifest:file-entry(?=[^>]{0,300}?\smanifest:full-path="/")[^>]{0,300}?\smanifest:media-type="([^"]{0,100})"')
# (its attributes in any order: LibreOffice writes full-path first, docs23: such a package whose mimetype was damaged
# was taken for an .ods, a deck's person table never read)


def _manifest_type(zf: zipfile.ZipFile) -> bytes:
    """The media type META-INF/manifest.xml gives the package itself; b"" when it cannot be read or says none."""
    try:
        with zf.open("META-INF/manifest.xml") as part:
            head = part.read(4096)
    except (RuntimeError, zlib.error, zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return b""
    m = _MANIFEST_ROOT.search(head)
    return m.group(1) if m else b""


_SHEET_PART = re.compile(r"(^|/)(worksheets|macrosheets|dialogsheets)/[^/]+\.(xml|bin)$")


def _ole_kind(data: bytes) -> str:
    try:
        with ole_file(data) as ole:  # (a failure kept for the next opener of these bytes: scanner.olefiles)
            streams = {"/".join(p) for p in ole.listdir(streams=True, storages=False)}
            if not streams and getattr(ole, "parsing_issues", None):  # a directory read as nothing past its damage
                return "ole-corrupt"  # (damage20: 16 bytes duplicated in front of it: a .doc ended as nothing)
    except Exception:  # noqa: BLE001 - olefile raises many kinds on damaged containers
        return "ole-corrupt"
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        return "ole-encrypted"  # password-protected .xlsx/.xlsm/.xlsb are OLE containers
    if streams & {"Workbook", "Book", "WORKBOOK", "BOOK"}:
        return "xls"
    return "ole-other"


_EOCD = b"PK\x05\x06"  # a zip's end of central directory record (22 bytes and a comment of up to 64 KiB)
_EOCD_REACH = 22 + 0xFFFF
_LOCAL_REACH = 0x10000  # a local header of a package part in the first 64 KiB (the first part's own is damaged)
_PACKAGE_PARTS = (b"[Content_Types].xml", b"_rels/", b"xl/", b"docProps/", b"mimetype", b"content.xml", b"META-INF/")


def ole_header_impossible(data: bytes) -> bool:
    """A compound file whose header declares sectors no OLE2 file has (sector shift other than 9 or 12, mini-sector
    shift other than 6: [MS-CFB] 2.2): its header is damaged (or random bytes follow the signature), whatever olefile
    raised on it (a ``ValueError`` of Python's integer-string limit from its debug line for ``2 ** shift``, fix16a).
    Said only where olefile has already failed."""
    return data.startswith(OLE_MAGIC) and (data[0x1E:0x20] not in (b"\x09\x00", b"\x0c\x00")
                                           or data[0x20:0x22] != b"\x06\x00")


def damaged_head(data: bytes) -> str | None:
    """What a file that sniffs ``binary`` is when only its first bytes are damaged (a flipped byte, a zeroed first
    sector), for a name that claims a workbook: ``zip-corrupt`` for a zip whose end of central directory (in its
    last 64 KiB + 22 bytes) points at its central directory where it says, or, with no such directory (cut short
    too), that holds a local header of an OOXML/ODF package part (``[Content_Types].xml``, ``xl/``, ``mimetype``
    ...) in its first 64 KiB past the first byte; ``ole-corrupt`` for an OLE2 file whose
    8-byte signature differs in one or two bytes while the header's fixed fields (byte order FE FF, sector shift 9 or
    12) are intact. None otherwise. A few byte comparisons: no parser."""
    if len(data) >= 512 and (signature_damaged(data[:64]) or (b"",))[0] == OLE_MAGIC:
        return "ole-corrupt"
    end = data.rfind(_EOCD, max(0, len(data) - _EOCD_REACH))
    if end > 0 and len(data) >= end + 22:
        offset = int.from_bytes(data[end + 16:end + 20], "little")
        if offset < end and data[offset:offset + 4] == b"PK\x01\x02":
            return "zip-corrupt"
    # no directory to go by (the file was also cut short, review13f): a later local header of a package part
    at = data.find(ZIP_MAGIC, 1, _LOCAL_REACH)
    while at > 0:
        size = int.from_bytes(data[at + 26:at + 28], "little")
        if data[at + 30:at + 30 + size].startswith(_PACKAGE_PARTS):
            return "zip-corrupt"
        at = data.find(ZIP_MAGIC, at + 4, _LOCAL_REACH)
    return None


# a zip member's name as Office and zip tools write it: no control byte, any other (review18d: a Japanese name in
# cp932 or UTF-8 bytes, 顧客名簿.csv from a Japanese Windows zip, was taken for no name and the zip left damaged)
_PATH_BYTES = re.compile(rb"[^\x00-\x20\x7f][^\x00-\x1f\x7f]*")


def signature_damaged(head: bytes) -> tuple[bytes, int] | None:
    """(the signature, bytes changed) when ``head`` opens with a zip local header, an OLE2 compound file's or an
    SQLite database's signature with a byte or two changed (one of a zip's 4) while the fixed fields after it are
    intact: a zip's version needed (1.0-6.3) and a printable member name, OLE2's byte order FE FF and sector shift 9
    or 12, SQLite's payload fractions 64/32/32 (damage18: such files renamed .jpg/.dat/.docx, or a .docx under its
    own name, ended as nothing). None for an intact signature. ``head``: the first 64 bytes or more."""
    # the fixed fields first (a byte or two each): most files fail there, before any signature is compared (asked of
    # every file the walk heads: review18d)
    if len(head) >= 31 and head[5] == 0 and 10 <= head[4] <= 63 and (
            differ := sum(a != b for a, b in zip(head[:4], ZIP_MAGIC, strict=False))) == 1:
        size = int.from_bytes(head[26:28], "little")
        if 0 < size <= 255 and _PATH_BYTES.fullmatch(head[30:min(len(head), 30 + size)]):
            return ZIP_MAGIC, differ
    if head[0x1C:0x1E] == b"\xfe\xff" and head[0x1E:0x20] in (b"\x09\x00", b"\x0c\x00") and (
            0 < (differ := sum(a != b for a, b in zip(head[:8], OLE_MAGIC, strict=False))) <= 2):
        return OLE_MAGIC, differ
    if head[21:24] == b"\x40\x20\x20" and 0 < (differ := sum(a != b for a, b in zip(head[:16], SQLITE_MAGIC,
                                                                                      strict=False))) <= 2:
        return SQLITE_MAGIC, differ
    return None


# C0 controls that plain text does not hold (tab, line ends, form feed and ESC of ISO-2022-JP are allowed)
_CONTROL_BYTES = bytes(b for b in range(1, 32) if b < 9 or 13 < b and b != 27)


def _looks_text(head: bytes) -> bool:
    """Text unless control bytes pass 1 % (4 in a short text); NUL runs (a block zeroed on a damaged disk, a NUL-padded
    tail) are left out, and a few stray NULs (up to 8, or 2 %) are no proof of binary content."""
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return True
    if utf16_guess(head) or utf32_guess(head):
        return True
    if b"\x00" in head:
        cut = head.rfind(b"\n", 0, head.find(b"\x00")) + 1  # 8-bit lines, then rows appended as UTF-16 (Session 9)
        if cut >= 64 and utf16_guess(head[cut:cut + 4096]) and _looks_text(head[:cut]):
            return True
        head = re.sub(rb"\x00{16,}", b"", head)
        if not head or head.count(0) > max(8, len(head) // 50):
            return False
    ctrl = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return ctrl <= max(4, len(head) // 100)


# --- encryption -----------------------------------------------------------------------------------------

def encryption_note(data: bytes, fmt: str) -> str | None:
    """Why a workbook is password-protected (msoffcrypto-tool for OLE, the manifest for .ods), or None."""
    if fmt == "ole-encrypted":
        return say(Detail.PROTECTED_FORMAT, format="OOXML", marker="EncryptionInfo stream")
    if fmt == "xls":
        import msoffcrypto

        try:
            office = msoffcrypto.OfficeFile(io.BytesIO(data))
            if office.is_encrypted():
                return say(Detail.PROTECTED_FORMAT, format=".xls", marker="FILEPASS record: RC4 / XOR")
        except Exception:  # noqa: BLE001 - msoffcrypto-tool knows BIFF8 only; BIFF5 (Excel 5/95) is checked below
            pass
        if _biff_filepass(data):
            return say(Detail.PROTECTED_FORMAT, format=".xls", marker="FILEPASS record: Excel 5/95 XOR")
        return None
    if fmt == "ods":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                manifest = zf.read("META-INF/manifest.xml")[:1 << 20]
        except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError):
            return None
        if b"encryption-data" in manifest:
            return say(Detail.PROTECTED_FORMAT, format=".ods", marker="manifest encryption-data")
    return None


BIFF_FILEPASS, BIFF_BOUNDSHEET, BIFF_EOF = 0x002F, 0x0085, 0x000A


def _biff_filepass(data: bytes) -> bool:
    """Does the workbook stream's globals carry a FILEPASS record (before its first sheet or its end)? Excel
    writes it right after the BOF; msoffcrypto-tool does not read BIFF5 (a ``Book`` stream) at all, and the
    records after FILEPASS are scrambled, so without this an Excel 95 workbook with a password read as damaged."""
    import olefile  # a dependency of msoffcrypto-tool

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = next((n for n in ("Workbook", "Book", "WORKBOOK", "BOOK") if ole.exists(n)), None)
            if name is None:
                return False
            head = ole.openstream(name).read(1 << 16)
    except Exception:  # noqa: BLE001 - a damaged container is for the reader to report
        return False
    i = 0
    for _ in range(64):
        if i + 4 > len(head):
            break
        rtype, size = int.from_bytes(head[i:i + 2], "little"), int.from_bytes(head[i + 2:i + 4], "little")
        if rtype == BIFF_FILEPASS:
            return True
        if rtype in (BIFF_BOUNDSHEET, BIFF_EOF):
            break
        i += 4 + size
    return False


# --- caps ---------------------------------------------------------------------------------------------

# a cell's own reference: <c r="XFD1048576"> (any namespace prefix, either quote)
# no tag holds a ``<``: ``[^<>]`` stops each try at the next tag (``[^>]`` ran to the block's end from each of a damaged
# sheet's unclosed ``<c`` tags: 77 s for 280 KB, review22w)
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^<>]*?\br\s*=\s*[\"']([A-Z]{1,3})(\d{1,7})[\"']")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_zip(data: bytes, caps: Caps, alone: bool = False, valued: bool = False) -> OoxmlPackage:
    """Decompression-bomb guard: declared inflated size, and each sheet's size against the cell cap as its cells'
    references reach (cells at A1 and XFD1048576 would make calamine allocate the box between and abort). A
    sheet's ``<dimension>`` is not believed either way: LibreOffice declares A1:AMJ1048576 for a few cells when
    rows down to the sheet's end carry a height, and calamine reserves at most 100,000 cells for a declared size
    (it keeps the cells it meets), so the declared box neither makes a sheet too large nor bounds where its cells
    lie. Returns the package it followed.
    ``alone``: a local header before the first member or after the central directory (workbooks joined in one
    file: zipfile reads only the one whose end record it finds) is damage (the inspector rebuilds each).
    ``valued``: the box of the cells holding a value only (``_VALUED_REF``), asked after the box of every cell
    passed the cap (calamine places no cell closed without a value)."""
    try:
        with opened_zip(data) as zf:  # (the zip sniff_format read, when the inspector holds it: ooxml.held_zip)
            infos = zf.infolist()
            first = min((i.header_offset for i in infos), default=0)
            if alone and (data.rfind(ZIP_MAGIC, 0, first) >= 0 or data.find(ZIP_MAGIC, zf.start_dir) >= 0):
                raise ReadError(Status.CORRUPT, say(Detail.ZIP_ANOTHER_PACKAGE))
            total = sum(i.file_size for i in infos)
            if total > caps.max_inflated:
                raise ReadError(Status.TOO_LARGE, say(Detail.INFLATES_OVER_CAP, size=total, cap=caps.max_inflated))
            package = package_of(zf)
            sheets = package.sheets
            for info in infos:
                name = normalised_part(info.filename)
                if name not in sheets:
                    continue
                if name.endswith(".xml"):
                    _check_sheet_reach(data, info, caps) if not valued else _exact_sheet_reach(data, info, caps, True)
                elif name.endswith(".bin"):
                    cells = sheet_reach(zf.read(info))
                    if cells > caps.max_cells:
                        raise ReadError(Status.TOO_LARGE, say(Detail.CELLS_REACH_CELL, n=cells, cap=caps.max_cells))
            return package
    except zlib.error as e:  # a sheet's deflate stream is damaged (read whole for its cell references)
        raise ReadError(Status.CORRUPT, say(Detail.ZIP_DEFLATE_DAMAGED)) from e
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
        raise ReadError(Status.CORRUPT, say(Detail.READER_FAILED, reader="zip", error=type(e).__name__)) from e
    finally:
        let_go(data)  # its last reader: the sheets are calamine's to read (review23w: it was kept to the inspection's end)


def _member_chunks(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's inflated bytes, chunk by chunk, without the CRC check at its end: this guard only looks
    for cell references; whether a damaged member can be read is for the reader to say (and to name).
    Stored and deflated members; others are left to the reader."""
    start = info.header_offset
    header = data[start:start + 30]
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise zipfile.BadZipFile("bad local file header")
    body = start + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    raw = memoryview(data)[body:body + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(raw), 1 << 20):
            yield bytes(raw[i:i + (1 << 20)])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return
    inflater = zlib.decompressobj(-15)
    pending = bytes(raw)
    while not inflater.eof:
        out = inflater.decompress(pending, 1 << 20)
        pending = inflater.unconsumed_tail
        if out:
            yield out
        elif not pending:
            break
    yield inflater.flush()


# The guard's cost is its cell references. It first bounds them with a few searches over the sheet mapped to
# byte classes (_CLASSES). calamine (scanner.cellplace) places a cell by its r attribute (letters of either
# case, then digits, any length, wrapping at 2**32) or, without one, by its row and the cell before it. If
# every cell tag starts ``c r="`` (no cell placed by its row) and no r attribute's value (anywhere, first or
# not) has more than D digits or more than L letters, every cell is in a row below 10**D and a column up to
# _MAX_COLUMN[L], so the box is at most _rows(D) * _MAX_COLUMN[L] cells. Only when that bound passes the
# cap are the cells placed one by one (_exact_sheet_reach): the verdict is the one that placing gives.
_CLASSES = bytes(ord("0") if 48 <= b <= 57 else ord("r") if b == 114 else ord("c") if b == 99
                 else ord("A") if 65 <= b <= 90 or 97 <= b <= 122 else ord('"') if b in (34, 39)
                 else ord("<") if b in (58, 60) else ord("=") if b in (9, 10, 11, 12, 13, 32, 61)
                 else ord(".") for b in range(256))  # bytes.translate: digit, r, c, other letter, quote, < or :, = or space, other
_LETTER = rb"[Arc]"
_MAX_DIGITS, _MAX_LETTERS = 10, 7  # from here on a row (a column) can wrap to any u32
_MAX_COLUMN = tuple(min(sum(26 ** k for k in range(1, n + 1)), 1 << 32) for n in range(_MAX_LETTERS + 1))
# in the classes: an r attribute whose value has >= n digits after its letters / >= n letters
_KEY_R = rb'r==*"'  # in the classes: r, then = and spaces, then a quote (whitespace and = are one class)
_WITH_DIGITS = [re.compile(_KEY_R + _LETTER + rb"+0{%d}" % n) for n in range(_MAX_DIGITS + 1)]
_WITH_LETTERS = [re.compile(_KEY_R + _LETTER + rb"{%d}" % n) for n in range(_MAX_LETTERS + 1)]
# a cell tag (any prefix) that does not start with r="...": calamine may place it by its row (not one cut
# at the end of a block: the next block holds it whole)
_UNPLACED = re.compile(rb'<c(?!=r=")[=.]...')


def _rows(digits: int) -> int:
    return 10 ** digits if digits < _MAX_DIGITS else 1 << 32


@functools.lru_cache(maxsize=64)
def _longer_than(digits: int, letters: int) -> re.Pattern[bytes] | None:
    """In the classes, a quoted reference with more than ``digits`` digits or more than ``letters``
    capitals (one search for both; None when nothing can be longer)."""
    forms = ([_LETTER + rb"{%d}" % (letters + 1)] if letters < _MAX_LETTERS else []) + (
        [_LETTER + rb"+0{%d}" % (digits + 1)] if digits < _MAX_DIGITS else [])
    return re.compile(_KEY_R + b"(?:" + b"|".join(forms) + b")") if forms else None


def _sheet_blocks(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's inflated bytes in blocks that overlap by 256 bytes, so that any reference split
    between two chunks is whole in one block."""
    carry = b""
    for chunk in _member_chunks(data, info):
        if chunk:
            block = carry + chunk
            yield block
            carry = block[-256:]


def _check_sheet_reach(data: bytes, info: zipfile.ZipInfo, caps: Caps) -> None:
    """too-large when the box the sheet's cell references span passes the cap.

    The box is bounded first from the longest row number and column name quoted in the sheet (see _CLASSES),
    assuming lengths the cap allows and looking only for longer ones (one cheap pass on most sheets), then
    from the lengths actually quoted; a sheet whose bound still passes the cap is read reference by
    reference. Each pass walks the same blocks, so a damaged stream is met at the same place as by the exact
    reading alone. A sheet said to inflate past one
    block (a tall one, most likely past 9,999 rows) starts from the lengths quoted: one pass instead of two."""
    lengths = _assumed_lengths(caps.max_cells) if info.file_size <= 1 << 20 else ((0, 0),)
    for digits, letters in lengths:
        if _reach_within(data, info, caps, digits, letters):
            return
    _exact_sheet_reach(data, info, caps)


@functools.lru_cache(maxsize=8)
def _assumed_lengths(max_cells: int) -> tuple[tuple[int, int], ...]:
    """Row-number and column-name lengths to assume before looking: the longest rows with columns up to ZZ
    the cap allows (4 and 2 for 20,000,000 cells: rows 0-9,999 x 702 columns), then none (the lengths as quoted)."""
    fits = [(d, n) for d in range(_MAX_DIGITS + 1) for n in range(_MAX_LETTERS + 1) if _rows(d) * _MAX_COLUMN[n] <= max_cells]
    if not fits:  # a negative cap: any reference passes it
        return ((0, 0),)
    first = max(fits, key=lambda dn: (min(dn[1], 2), dn[0], dn[1]))
    return (first, (0, 0)) if first != (0, 0) else (first,)


def _reach_within(data: bytes, info: zipfile.ZipInfo, caps: Caps, digits: int, letters: int) -> bool:
    """True when the box the sheet's references span is within the cap by the bound of _CLASSES, starting
    from ``digits`` and ``letters`` and lengthening them only as longer references are found."""
    for block in _sheet_blocks(data, info):
        classes = block.translate(_CLASSES)
        if _UNPLACED.search(classes):
            return False  # a cell may be placed by its row: only placing them tells
        longer = _longer_than(digits, letters)
        if longer is None or not longer.search(classes):
            continue  # the bound stands for this block
        while digits < _MAX_DIGITS and _WITH_DIGITS[digits + 1].search(classes):
            digits += 1
        while letters < _MAX_LETTERS and _WITH_LETTERS[letters + 1].search(classes):
            letters += 1
        if _rows(digits) * _MAX_COLUMN[letters] > caps.max_cells:
            return False
    return True


# in the classes, an r attribute (after a space or a quote) that is not the first of a cell or row tag
# (a second r, which calamine may take)
_LATER_R = re.compile(rb'r(?<=[="]r)(?<![cA]=r)==*"')
# a cell tag's first attribute when it is r (any prefix, either quote, any length, either case)
_FIRST_REF = re.compile(rb"""<(?:[^\s<>/:"'=]+:)?c\s+r\s*=\s*["']([A-Za-z]+)(\d+)["']""")
# one not closed without a value (``<c r="E1048576" s="3"/>``: a style down to Excel's last row, which calamine does not
# place: wild23, tealeg/xlsx testFileToSliceValueOnly.xlsx, 4 values boxed to 26 million cells, listed `too-large`)
# (attribute values skipped whole, either quote: XML allows ">" in one, and a value holding "/>" made a cell with a
# value count as empty: A1 and a valued XFD1048576 so written passed the guard and aborted calamine: review23x)
_VALUED_REF = re.compile(_FIRST_REF.pattern + rb"""(?!(?:[^<>"'/]++|/(?!>)|"[^"]*+"|'[^']*+')*+/>)""")


def _exact_sheet_reach(data: bytes, info: zipfile.ZipInfo, caps: Caps, valued: bool = False) -> None:
    """The box from the first to the last cell, as calamine places them. Where every cell tag starts with its
    only r (what every writer does), that is the box of those references, read in one pass; otherwise the
    sheet is read again and each cell placed the way calamine places it (_placed_box). ``valued``: of the cell
    tags not closed without a value (``_VALUED_REF``; the placed box stays every cell's)."""
    refs_of = (_VALUED_REF if valued else _FIRST_REF).findall
    rows: list[int] = []
    cols: set[bytes] = set()
    plain = True
    for block in _sheet_blocks(data, info):
        if plain:
            classes = block.translate(_CLASSES)
            plain = not _UNPLACED.search(classes) and not _LATER_R.search(classes)
        if plain and (refs := refs_of(block)):
            nums = [int(r) if len(r) < 10 else wrapped_digits(r) for _, r in refs]
            if 0 in nums:  # calamine fails on row 0; the old guard counted it (A0): so do we, in that form
                kept = [(n, c) for n, (c, r) in zip(nums, refs, strict=True) if n or _OLD_FORM.fullmatch(c + r)]
                nums, refs = [n for n, _ in kept], [(c, b"") for _, c in kept]
            cols.update(c for c, _ in refs)
            if nums:
                rows += (min(nums), max(nums))
    if not plain:
        box = _placed_box(data, info)
    elif rows:
        numbers = {wrapped_letters(c) for c in cols}
        box = (min(rows), max(rows), min(numbers), max(numbers))
    else:
        return
    if box:
        cells = (box[1] - box[0] + 1) * (box[3] - box[2] + 1)
        if cells > caps.max_cells:
            raise ReadError(Status.TOO_LARGE, say(Detail.CELLS_REACH_REFERENCE, n=cells, cap=caps.max_cells))


_OLD_FORM = re.compile(rb"[A-Z]{1,3}\d{1,7}")  # the references this guard read before it followed calamine


def _placed_box(data: bytes, info: zipfile.ZipInfo) -> tuple[int, int, int, int] | None:
    """(first row, last row, first column, last column) of every cell as calamine places it
    (scanner.cellplace), together with every reference the guard has always read (_CELL_REF: upper case,
    1-3 letters, 1-7 digits, in any c tag), so that no sheet it found too large is passed now."""
    rows: list[int] = []
    cols: set[bytes] = set()
    placement = Placement()
    seen = 0
    for block in _sheet_blocks(data, info):
        placement.feed(block[seen:])  # the block less the bytes it repeats from the one before
        seen = min(len(block), 256)  # what the next block repeats (_sheet_blocks)
        refs = _CELL_REF.findall(block)
        if refs:
            cols.update(c for c, _ in refs)
            nums = [int(r) for _, r in refs]
            rows += (min(nums), max(nums))
    numbers = [_col_number(c) for c in cols]
    if placement.box:
        top, bottom, left, right = placement.box
        rows += (top, bottom)
        numbers += (left, right)
    return (min(rows), max(rows), min(numbers), max(numbers)) if rows else None


BIFF_DIMENSIONS = 0x0200
BIFF8_ROWS, BIFF8_COLUMNS = 65536, 256  # an .xls sheet's largest (rwMac / colMac are one past the last)
ENDOFCHAIN, FREESECT = 0xFFFFFFFE, 0xFFFFFFFF


def check_xls(data: bytes, caps: Caps) -> tuple[list[str], bytes | None]:
    """What calamine would abort on, found first: an OLE2 sector chain that loops or leaves the file
    (calamine follows it until memory runs out), and a DIMENSIONS record that declares more cells than
    the cap (too-large) or ends before it starts (corrupt), for which calamine reserves memory before
    reading a cell. One damaged byte in either cost seconds of swapping and a SIGABRT. Returns the
    storages of copied rows it saw (``_SX_DB_CUR``: pivot caches, scanner.caches lists them)."""
    import olefile  # a dependency of msoffcrypto-tool

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            caches = [n for n in PIVOT_STORAGES if ole.exists(n)]
            name = next((n for n in ("Workbook", "Book", "WORKBOOK", "BOOK") if ole.exists(n)), None)
            if name is None:
                return caches, None
            entry = next(e for e in ole.direntries if e is not None and e.name.casefold() == name.casefold())
            chains = [ole.first_dir_sector, ole.root.isectStart]
            if entry.size >= ole.minisectorcutoff:
                chains.append(entry.isectStart)
            for start in chains:
                if not _chain_ends(ole.fat, start):
                    raise ReadError(Status.CORRUPT, say(Detail.XLS_CHAIN_LOOPS))
            stream = ole.openstream(name).read()
    except ReadError:
        raise
    except Exception:  # noqa: BLE001 - olefile raises many kinds on damaged containers: for the reader
        return [], None
    _check_dimensions(stream, caps)
    return caches, stream


PIVOT_STORAGES = ("_SX_DB_CUR", "_SX_DB")  # BIFF8 and BIFF5 pivot caches (SXDB/SXFDB/SXSTRING ... records)


def _chain_ends(fat, start: int) -> bool:
    """Does the sector chain from ``start`` reach ENDOFCHAIN without a loop or a sector past the FAT?"""
    seen: set[int] = set()
    sector = start
    while sector not in (ENDOFCHAIN, FREESECT):
        if sector in seen or sector >= len(fat):
            return False
        seen.add(sector)
        sector = fat[sector]
    return True


_EOF_RECORD = b"\x0a\x00\x00\x00"  # every BIFF5/8 substream ends with one


def _zeroed_records(stream: bytes) -> tuple[int, int] | None:
    """(offset, length) of a block of 16+ NUL bytes (the NULs ending the record before it counted in) where a BIFF
    record header should be, with records after it up to an EOF record (no BIFF2-8 record is a zero header: type 0 is
    BIFF2's DIMENSIONS, 8 bytes long; zeros after the last record are padding; the padding of a stream decrypted with
    its tail widened, ``decrypt._records_to_the_end``, ends in a few bytes that are no records: PhpSpreadsheet's
    pwtest.xls was said zeroed, review16f), or None. calamine and biffold read past such a block: a zeroed
    shared-strings table gave every string cell empty, ok (damage16); an Excel 2-4 worksheet lost rows, ok (fix16a)."""
    i, end = 0, len(stream)
    while i + 4 <= end:
        rtype, size = int.from_bytes(stream[i:i + 2], "little"), int.from_bytes(stream[i + 2:i + 4], "little")
        if rtype == 0 and size == 0:
            run = end - i - len(stream[i:].lstrip(b"\x00"))
            start = len(stream[:i].rstrip(b"\x00"))
            return (start, i + run - start) if i + run - start >= 16 and stream.find(_EOF_RECORD, i + run) >= 0 else None
        i += 4 + size
    return None


def _check_dimensions(stream: bytes, caps: Caps) -> None:
    i, end = 0, len(stream)
    while i + 4 <= end:
        rtype, size = int.from_bytes(stream[i:i + 2], "little"), int.from_bytes(stream[i + 2:i + 4], "little")
        body = stream[i + 4:i + 4 + size]
        i += 4 + size
        if rtype != BIFF_DIMENSIONS or len(body) not in (10, 14):
            continue
        if len(body) == 14:  # BIFF8: rwMic, rwMac as u32, then colMic, colMac as u16
            first_row, last_row = int.from_bytes(body[0:4], "little"), int.from_bytes(body[4:8], "little")
            first_col, last_col = int.from_bytes(body[8:10], "little"), int.from_bytes(body[10:12], "little")
        else:  # BIFF5: four u16
            first_row, last_row, first_col, last_col = (int.from_bytes(body[k:k + 2], "little") for k in range(0, 8, 2))
        if first_row > last_row or first_col > last_col:  # calamine's row count would wrap around
            raise ReadError(Status.CORRUPT, say(Detail.XLS_DIMENSIONS_BAD))
        cells = (last_row - first_row) * (last_col - first_col)
        if cells > caps.max_cells and (last_row > BIFF8_ROWS or last_col > BIFF8_COLUMNS):
            # past what Excel itself writes (a damaged record): calamine would reserve it all. Within Excel's own
            # sheet the rows are read up to the file's cell cap (their top examined: Session 14)
            raise ReadError(Status.TOO_LARGE, say(Detail.DECLARED_SIZE_OVER, n=cells, cap=caps.max_cells))


# --- workbooks (calamine first) ----------------------------------------------------------------------

def read_workbook(data: bytes, fmt: str, caps: Caps) -> Workbook:
    """Every worksheet of a binary workbook, rows as lists (tests and tools; scans use iter_workbook)."""
    caps = caps.fresh()
    return Workbook(fmt, [Sheet(s.name, list(s.rows), s.first_row, s.first_col)
                          for s in iter_workbook(data, fmt, caps)])


def iter_workbook(data: bytes, fmt: str, caps: Caps) -> Iterator[Sheet]:
    """Every worksheet of a binary workbook, each sheet's rows streamed (consume one before the next).

    Run it in the worker process (scanner.isolation): calamine is Rust and cannot be interrupted. After the
    worksheets come the tables the workbook keeps outside them (scanner.caches: pivot and external-link caches),
    each with its ``origin``.
    """
    if fmt == "biff-bare":  # Excel 2.x-4.0 worksheets and workbooks: no library reads them (scanner.biffold)
        zeroed = _zeroed_records(data)
        for sheet in biff_sheets(data, caps):
            if zeroed is not None:  # said once, on the first worksheet (as for an .xls: below)
                sheet.damage.append(say(Detail.NUL_BLOCK, n=zeroed[1], at=zeroed[0]))
                zeroed = None
            yield sheet
        return
    package = None
    storages: list[str] = []
    stream: bytes | None = None  # the Workbook stream of an .xls: its globals name the pivot caches' sources
    book = None  # the BIFF5 stream of an Excel 5/95 .xls
    if fmt in ("xlsx", "xlsb", "ods"):
        try:
            package = check_zip(data, caps, alone=fmt != "xlsb")
        except ReadError as e:
            if fmt != "xlsx" or not _reach_over(e):
                raise
            package = _valued_within(data, caps)
            if package is None:
                # cells reaching past the cap: calamine would hold the whole box; openpyxl streams the rows, so the
                # rows at the top are read and examined until the file's cells run out (Session 14: nothing was)
                yield from _openpyxl_streamed(data, caps, e)
                return  # (joined .xlsb: no rebuilder, read as zipfile can)
    elif fmt == "xls":
        storages, stream = check_xls(data, caps)
        book = stream if stream is not None and biff_version(stream) == 5 else None
    cached = bool(storages or (package is not None and package.caches))  # only these pay for scanner.caches
    # (a stream that opens zeroed, its BOF record lost, is checked too: damage17, a corpus .xls read ok with fewer)
    zeroed = (_zeroed_records(stream) if stream is not None and (biff_version(stream) in (5, 8) or not any(stream[:16]))
              else None)
    read = 0
    for sheet in _worksheets(data, fmt, caps, book):
        sheet.cached_later = cached
        if zeroed is not None:  # said once, on the first worksheet
            sheet.damage.append(say(Detail.NUL_BLOCK, n=zeroed[1], at=zeroed[0]))
            zeroed = None
        read += 1
        yield sheet
    if fmt == "xls" and not read and stream is not None and biff_version(stream) == 0:
        # a Workbook stream zeroed or overwritten from its start: calamine gives no sheet and no error (ole19: such an
        # .xls ended as nothing, its objects read or not)
        raise ReadError(Status.CORRUPT, say(Detail.XLS_WORKBOOK_NO_BOF, n=len(stream), zeros=stream.count(0)))
    if cached:
        from .caches import cached_tables, xls_caches

        yield from xls_caches(data, storages, caps, stream)
        yield from cached_tables(data, fmt, package, caps)


def _worksheets(data: bytes, fmt: str, caps: Caps, book: bytes | None = None) -> Iterator[Sheet]:
    """The worksheets of a checked workbook: calamine, then openpyxl (pyxlsb for .xlsb) when calamine fails; the
    BIFF5 reader for an Excel 5/95 workbook (``book``, its stream) whose text calamine misreads or that it refuses."""
    if book is not None and calamine_misreads(book):
        # calamine reads the 8-bit text of an Excel 5/95 workbook in a double-byte code page (932: every Japanese
        # Excel 95 file) as UTF-16 halves: "Name" comes out as "N\0a\0m\0e\0", 氏名 as mojibake; without a
        # CODEPAGE record as Latin-1 (cp932 text as mojibake again)
        note = say(Detail.BIFF5_CALAMINE_MISREADS)
        for sheet in biff_sheets(book, caps, in_ole=True):
            sheet.notes[:0], note = ([note] if note else []), ""
            yield sheet
        return
    if fmt == "xlsb":
        data = _xlsb_at_xl(data)
    started = False
    declared: list[str] = []  # worksheet names calamine found in the workbook, before it failed
    read: list[str] = []  # those it gave
    try:
        for sheet in _calamine_sheets(data, caps, declared, fmt):
            started = True
            read.append(sheet.name)
            yield sheet
        return
    except ReadError:
        raise
    except BaseException as e:  # noqa: BLE001 - CalamineError and Rust PanicException (not an Exception)
        if isinstance(e, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        if isinstance(e, MemoryError):
            raise ReadError(Status.TOO_LARGE, say(Detail.OUT_OF_MEMORY_PARSING)) from e
        first = say(Detail.READER_FAILED, reader="calamine", error=error_name(e))
        if error_name(e) == "PasswordError":  # an encryption the checks before missed: never "corrupt"
            raise ReadError(Status.ENCRYPTED, say(Detail.PASSWORD_WORKBOOK, inner=first)) from e
        if fmt == "xls" and not started and error_name(e) == "PanicException" and (fixed := sst_repaired(data)):
            # an empty CONTINUE in the shared strings (ExcelDataReader issue 467): calamine panics; read without it
            if (yield from _calamine_again(fixed[0], caps, first, say(Detail.XLS_SST_EMPTY_CONTINUE, n=fixed[1]))):
                return
            raise ReadError(Status.CORRUPT, first) from e
        if book is not None and not started:  # Excel 5/95 calamine refuses (a CODEPAGE it does not know: 0x8001)
            note = join_details((first, say(Detail.BIFF5_READER)))
            for sheet in biff_sheets(book, caps, in_ole=True):
                sheet.notes[:0], note = ([note] if note else []), ""
                yield sheet
            return
        if started and error_name(e) == "WorksheetNotFound":  # a sheet the workbook names, its part not in the
            # package (MiniExcel's TestIssue459: an intact zip; the salvage after would say "0 part(s) lost")
            raise ReadError(Status.CORRUPT, join_details((first, say(Detail.SHEETS_MISSING, reader="calamine",
                                                                     n=max(1, len(declared) - len(read)))))) from e
        if started or fmt not in ("xlsx", "xlsb", "ods"):
            raise ReadError(Status.CORRUPT, first) from e
    placed, rewrites = _rewritten(data, caps) if fmt == "xlsx" else (None, ())
    if placed is not None and (yield from _calamine_again(placed, caps, first, *rewrites)):
        return  # references calamine and openpyxl refuse, rewritten in a copy in memory (refused too: openpyxl)
    if fmt == "xlsb":  # pyxlsb: calamine panics on some real .xlsb (scanner/xlsb.py)
        fallback, reader = _pyxlsb_filled, "pyxlsb"
    elif fmt == "ods":  # its content.xml with lxml (scanner.markup.odf_tables): an indented one calamine refuses
        fallback, reader = functools.partial(_ods_content_sheets, note=join_details((first, say(Detail.ODS_CONTENT_READ)))), "content.xml"
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
        raise ReadError(Status.TOO_LARGE, say(Detail.OUT_OF_MEMORY_PARSING)) from e
    except Exception as e:  # noqa: BLE001 - openpyxl/pyxlsb/zip/xml errors of every kind
        if fmt == "ods" and not seen:  # content.xml unreadable as well: the package is damaged, as calamine said
            raise ReadError(Status.CORRUPT, first) from e
        if fmt == "xlsx" and not seen and _excel12_beta(data):
            raise ReadError(Status.UNSUPPORTED, say(Detail.UNREAD_TABLE_FORMAT, what=EXCEL12_BETA, ext="2005/8")) from e
        raise ReadError(Status.CORRUPT, join_details((first, say(Detail.READER_FAILED, reader=reader, error=error_name(e))))) from e
    # openpyxl skips a sheet whose part is missing without a word: a partial read is not a clean one
    missing = [n for n in declared if n not in seen]
    if fmt == "ods" and not seen:
        raise ReadError(Status.CORRUPT, first)
    if fmt == "xlsx" and not seen and _excel12_beta(data):
        raise ReadError(Status.UNSUPPORTED, say(Detail.UNREAD_TABLE_FORMAT, what=EXCEL12_BETA, ext="2005/8"))
    if missing or not seen:
        said = say(Detail.SHEETS_MISSING, reader=reader, n=len(missing)) if missing else say(Detail.NO_SHEET_READ,
                                                                                            reader=reader)
        raise ReadError(Status.CORRUPT, join_details((first, said)))


def _calamine_again(data: bytes, caps: Caps, first: str, *done: str) -> Generator[Sheet, None, bool]:
    """calamine over a copy repaired in memory (the original refused: ``first``; ``done``: what the repair did, said on
    the first sheet): True once read; False when calamine refuses the copy too before a sheet (the caller's next
    reader decides); a failure after a sheet is `corrupt` with both of calamine's words."""
    note, started = join_details((first, *done)), False
    try:
        for sheet in _calamine_sheets(data, caps):
            started = True
            sheet.notes[:0], note = ([note] if note else []), ""
            yield sheet
        return True
    except ReadError:
        raise
    except BaseException as e:  # noqa: BLE001 - CalamineError and Rust PanicException, as for the original
        if isinstance(e, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError) or started:
            raise ReadError(Status.CORRUPT, join_details((first, say(Detail.READER_FAILED, reader="calamine", error=error_name(e))))) from e
        return False

# Excel 12 (2007) Beta 1 wrote its packages in schemas the release replaced (content types and relationships of
# schemas.microsoft.com/package/2005/06, a workbook of .../office/excel/2005/8/, shared strings as <sstItem>): neither
# calamine nor openpyxl knows them, and nothing in such a file is damaged (wild23: Open-XML-SDK's O12 templates
# ProjectStatusReport_TP10094814.xltx was listed `corrupt`). Beta 2's (spreadsheetml/2006/5) are read.
EXCEL12_BETA = "Excel 12 Beta 1 workbook"
_EXCEL12_BETA_NS = (b"http://schemas.microsoft.com/package/2005/06/", b"http://schemas.microsoft.com/office/excel/2005/8/")


def _excel12_beta(data: bytes) -> bool:
    """Whether the package's content types or workbook part are written in Excel 12 Beta 1's namespaces."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = {n.casefold(): n for n in zf.namelist()}
            for part in ("[content_types].xml", "xl/workbook.xml"):
                if part in names:
                    with zf.open(names[part]) as f:
                        if any(ns in f.read(4096) for ns in _EXCEL12_BETA_NS):
                            return True
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, KeyError, zlib.error):
        return False
    return False


def _ods_content_sheets(data: bytes, caps: Caps, note: str = "") -> Iterator[Sheet]:
    """The tables of an .ods's content.xml (streamed from the zip), for an .ods calamine refuses."""
    from . import markup

    budget = CellBudget(caps)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        bad = zf.testzip()  # calamine's failure may be damage elsewhere in the package: a member failing its CRC
        damage = [say(Detail.ODS_MEMBER_CRC)] if bad is not None else []
        with zf.open("content.xml") as part:
            for table in markup.odf_tables(iter(lambda: part.read(1 << 16), b""), budget):
                budget.next_sheet()
                yield Sheet(table.name, table.rows, notes=[note] if note else [], damage=[*table.damage, *damage])
                note, damage = "", []  # said once for the file (400 tables said it 400 times)


_ROW_OR_CELL = re.compile(rb"""<(?:[\w.-]+:)?(row|c)\b[^<>]*>""")  # [^<>]: linear on unclosed tags
_R_ATTR = re.compile(rb"""(\sr\s*=\s*["'])(\d{1,9})(["'])""")


def _lettered_sheet(xml: bytes, caps: Caps) -> bytes | None:
    """One sheet part with each ``<c r="N">`` made ``<c r="{letters}{row}">`` (the row from its ``<row r>``, or
    counted), or None when a column is past XFD or a row past 1048576; ``too-large`` when the box the cells then
    reach passes the cell cap (the zip guard, which reads A1 references, did not count these)."""
    row, bad, rows, cols = 0, False, 0, 0

    def tag(m: re.Match[bytes]) -> bytes:
        nonlocal row, bad, rows, cols
        r = _R_ATTR.search(m.group(0))
        if m.group(1) == b"row":
            row = int(r.group(2)) if r else row + 1
            return m.group(0)
        if r is None:
            return m.group(0)
        col = int(r.group(2))
        bad = bad or col >= 16384 or not 0 < row <= 1 << 20
        rows, cols = max(rows, row), max(cols, col + 1)
        ref = column_letter(col).encode() + str(row).encode()
        return m.group(0)[:r.start()] + r.group(1) + ref + r.group(3) + m.group(0)[r.end():]

    out = _ROW_OR_CELL.sub(tag, xml)
    if not bad and rows * cols > caps.max_cells:
        raise ReadError(Status.TOO_LARGE, say(Detail.CELLS_REACH_MAX, n=rows * cols, cap=caps.max_cells))
    return None if bad else out


def _rewritten(data: bytes, caps: Caps) -> tuple[bytes | None, tuple[str, ...]]:
    """The .xlsx calamine refused, rewritten in memory where something both readers refuse is the cause: the
    workbook's relationship targets written from the package root (``_rooted_targets``), cells given by bare column numbers (``_lettered_refs``), a sheet's visibility no word of the schema (``_known_states``),
    merged ranges of whole columns or rows (``_without_line_merges``); with what was done, or (None, ()) when none
    applies."""
    said: list[str] = []
    rooted = _rooted_targets(data)
    if rooted is not None:
        data = rooted[0]
        said.append(say(Detail.TARGETS_FROM_ROOT, n=rooted[1]))
    lettered = _lettered_refs(data, caps)
    if lettered is not None:
        data = lettered
        said.append(say(Detail.NUMBERED_REFS))
    shown = _known_states(data)
    if shown is not None:
        data = shown[0]
        said.append(say(Detail.SHEET_STATE, n=shown[1]))
    unmerged = _without_line_merges(data)
    if unmerged is not None:
        data = unmerged[0]
        said += [say(Detail.LINE_MERGES, n=unmerged[1])] if unmerged[1] else []
        said += [say(Detail.MERGE_REFS_ODD, n=unmerged[2])] if unmerged[2] else []
        said += [say(Detail.MERGE_REFS_PLAIN, n=unmerged[3])] if unmerged[3] else []
    return (data, tuple(said)) if said else (None, ())


_REL_TARGET = re.compile(rb"""(<(?:[\w.-]+:)?Relationship\s[^<>]*?\bTarget\s*=\s*)(["'])([^"'<>]*)\2""")


def _rooted_targets(data: bytes) -> tuple[bytes, int] | None:
    """The workbook with each target of its relationships that names no part from the workbook's folder but one
    from the package root (``x1/worksheets/sheet1.xml`` in ``x1/_rels/workbook.xml.rels``: calamine
    "WorksheetNotFound", openpyxl skips the sheet; Excel opens it) made absolute (``/x1/worksheets/sheet1.xml``), and
    how many; None when there is none. Only the workbook's relationships part changes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            package = ooxml_package(zf)
            parts = {i.filename: zf.read(i) for i in zf.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, KeyError, zlib.error):
        return None
    if package.workbook is None or "/" not in package.workbook:
        return None  # a workbook at the root: its folder is the root
    folder, leaf = package.workbook.rsplit("/", 1)
    rels = f"{folder}/_rels/{leaf}.rels"
    changed = 0

    def rooted(m: re.Match[bytes]) -> bytes:
        nonlocal changed
        target = m.group(3).decode("utf-8", "replace")
        part = workbook_target(package.members, folder + "/", target)
        if target.startswith("/") or part == resolve_target(folder + "/", target):
            return m.group(0)
        changed += 1
        return m.group(1) + m.group(2) + b"/" + package.members[part].replace("\\", "/").lstrip("/").encode() + m.group(2)

    for name, xml in parts.items():
        if normalised_part(name) == rels:
            parts[name] = _REL_TARGET.sub(rooted, xml)
    return (_zipped(parts), changed) if changed else None


# a merged range naming whole columns (A:A, B:D) or whole rows (1:1, 2:4): Excel writes these when whole columns or rows
# are merged (a title row merged across the sheet); calamine ("Range is missing the expected row component") and
# openpyxl (TypeError) refuse the sheet. Self-closed or with its end tag (``></mergeCell>``), ``$`` or not (calamine
# refuses ``$`` too: review22w). No tag holds a ``<``: ``[^<>]`` keeps the search linear on a part whose tags never
# close (``[^>]`` ran to the part's end from each one: 107 s for 280 KB, review22w)
_LINE_MERGE = re.compile(rb"""<((?:[\w.-]+:)?)mergeCell\s[^<>]*?\bref\s*=\s*["']\s*(?:\$?[A-Za-z]{1,3}\s*:\s*\$?[A-Za-z]{1,3}"""
                         rb"""|\$?\d{1,7}\s*:\s*\$?\d{1,7})\s*["'][^<>]*?(?:/>|(?<!/)>\s*</\1mergeCell\s*>)""")


# a sheet of the workbook part whose visibility is not visible, hidden or veryHidden (exceljs writes state="show" when a
# program passes it; exceljs reads it back): calamine ("Unrecognized sheet:state") and openpyxl refuse the workbook
_ODD_STATE = re.compile(rb"""(<(?:[\w.-]+:)?sheet\s[^<>]*?\bstate\s*=\s*)(["'])(?!(?:visible|hidden|veryHidden)\2)[^"'<>]*\2""")


def _known_states(data: bytes) -> tuple[bytes, int] | None:
    """The workbook with each sheet whose ``state`` is no word of the schema made visible, and how many; None
    when every sheet's is one (or there is no workbook part)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            workbook = ooxml_package(zf).workbook
            if workbook is None or not workbook.endswith(".xml"):
                return None
            parts = {i.filename: zf.read(i) for i in zf.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, KeyError, zlib.error):
        return None
    changed = 0
    for name, xml in parts.items():
        if normalised_part(name) == workbook:
            parts[name], n = _ODD_STATE.subn(rb'\1"visible"', xml)
            changed += n
    if not changed:
        return None
    return _zipped(parts), changed


def _zipped(parts: dict[str, bytes]) -> bytes:
    """A new zip in memory holding ``parts`` (name -> body) in their order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, body in parts.items():
            out.writestr(name, body)
    return buf.getvalue()


# any merged range element (self-closed or with its end tag), and the references calamine reads in one (A1, A1:B2)
_ANY_MERGE = re.compile(rb"""<((?:[\w.-]+:)?)mergeCell\b[^<>]*?(?:/>|(?<!/)>\s*</\1mergeCell\s*>)""")
_MERGE_REF = re.compile(rb"""\bref\s*=\s*(["'])([^"'<>]*)\1""")
_CALAMINE_MERGE = re.compile(rb"[A-Za-z]+\d+(?::[A-Za-z]+\d+)?")


def _without_line_merges(data: bytes) -> tuple[bytes, int, int, int] | None:
    """The workbook with its whole-column and whole-row merged ranges left out (a merge joins no values: the
    anchor's value is in its cell, the other cells are empty), and how many; then the merged ranges whose reference
    calamine refuses otherwise (empty, ``1:``, ``A:B3``, two ranges: review22w), and how many; then the merged ranges
    written with ``$`` or spaces (``$A$1:$B$2``), kept as plain references (their fill-down is read), and how many;
    None when no sheet has any."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            sheets = ooxml_package(zf).sheets
            parts = {i.filename: zf.read(i) for i in zf.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, KeyError, zlib.error):
        return None
    dropped = odd = plain = 0

    def unread(m: re.Match[bytes]) -> bytes:
        nonlocal odd, plain
        ref = _MERGE_REF.search(m.group(0))
        if ref is not None and _CALAMINE_MERGE.fullmatch(ref.group(2)):
            return m.group(0)
        bare = re.sub(rb"[$\s]", b"", ref.group(2)) if ref is not None else b""
        if ref is not None and _CALAMINE_MERGE.fullmatch(bare):  # $C$2:$C$5, " C2:C5 ": the same range (damage23:
            plain += 1                                              # left out, a shared address lost its fill-down)
            return m.group(0)[:ref.start(2)] + bare + m.group(0)[ref.end(2):]
        odd += 1
        return b""

    for name, xml in parts.items():
        if normalised_part(name) not in sheets or b"mergeCell" not in xml:
            continue
        xml, n = _LINE_MERGE.subn(b"", xml)
        dropped += n
        parts[name] = _ANY_MERGE.sub(unread, xml)
    if not dropped and not odd and not plain:
        return None
    return _zipped(parts), dropped, odd, plain


# a cell whose reference is a bare number (no tag holds a ``<``: linear where tags never close, review22w)
_NUMBERED_CELL = re.compile(rb"""<(?:[\w.-]+:)?c\s[^<>]*\br\s*=\s*["']\d""")


def _lettered_refs(data: bytes, caps: Caps) -> bytes | None:
    """The workbook with cell references written as bare column numbers (``<c r="3">`` in ``<row r="2">``: a
    .NET writer's export, ExcelDataReader's ``Fillreport.xlsx``) rewritten in memory as A1 references (``D2``),
    or None when no sheet has them or a column number is past XFD. Only after calamine refused the original."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            sheets = ooxml_package(zf).sheets
            parts = {i.filename: zf.read(i) for i in zf.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, KeyError, zlib.error):
        return None
    changed = False
    for name, xml in parts.items():
        if normalised_part(name) not in sheets or not _NUMBERED_CELL.search(xml):
            continue
        lettered = _lettered_sheet(xml, caps)
        if lettered is None:
            return None
        parts[name], changed = lettered, True
    if not changed:
        return None
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, body in parts.items():
            out.writestr(name, body)
    return buf.getvalue()


def _xlsb_at_xl(data: bytes) -> bytes:
    """An .xlsb whose workbook part is not ``xl/workbook.bin`` (another folder, the root, ``xl\\`` names: found
    through the package relationships) rebuilt in memory with its parts under ``xl/``, where calamine and
    pyxlsb look; any other .xlsb as it is."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "xl/workbook.bin" in zf.namelist():
                return data
            workbook = ooxml_package(zf).workbook
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return data  # the readers say what is wrong with it
    if workbook is None or not workbook.endswith(".bin"):
        return data
    return moved_to_xl(data, workbook) or data


def _calamine_sheets(data: bytes, caps: Caps, declared: list[str] | None = None, fmt: str = "") -> Iterator[Sheet]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    decoding("python-calamine")
    budget = CellBudget(caps)
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    zip_down = _ods_merged_down(data) if fmt == "ods" else _xlsb_merged_down(data) if fmt == "xlsb" else {}
    if declared is not None:
        declared += [m.name for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    macros: list[str] = []  # Excel 4 macro sheets hold cells too; calamine cannot read them from OOXML
    try:
        for meta in wb.sheets_metadata:
            if meta.typ == SheetTypeEnum.MacroSheet:
                try:
                    sheet = wb.get_sheet_by_name(meta.name)
                except Exception:  # noqa: BLE001 - CalamineError "Unrecognized sheet type": openpyxl reads it below
                    macros.append(meta.name)
                    continue
            elif meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart and dialog sheets hold no cells
            else:
                sheet = wb.get_sheet_by_name(meta.name)
            if sheet.start is None or sheet.end is None:  # an empty sheet (calamine sets both or neither)
                yield Sheet(meta.name, [])
                continue
            budget.next_sheet()
            # iter_rows starts at row 1 of the sheet and at the first used column; each row's cells are counted as
            # it is read (the file's cap stops a sheet past it with its rows above read: Session 14)
            rows = _ticking(sheet.iter_rows(), budget, sheet.width, sheet.end[0] + 1)
            down = _merged_down(sheet) or zip_down.get(meta.name, {})
            yield Sheet(meta.name, _filled_down(rows, down, sheet.start[1]) if down else rows, 1, sheet.start[1])
    finally:
        wb.close()
    if macros:
        yield from _macro_sheets(data, macros, caps)


def _merged_down(sheet: object) -> dict[int, list[tuple[int, int]]]:
    """A sheet's cell ranges merged down over rows: anchor row -> [(column, last row)] (0-based, absolute).
    Only the anchor's column: a title or header merged across columns is no value of the other columns."""
    try:
        ranges = getattr(sheet, "merged_cell_ranges", None) or ()
    except Exception:  # noqa: BLE001 - merge info is a convenience: the cells are read all the same without it
        return {}
    down: dict[int, list[tuple[int, int]]] = {}
    for (r0, c0), (r1, _c1) in ranges:
        if r1 > r0:
            down.setdefault(r0, []).append((c0, r1))
    return down


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_CELLS = (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell")
_MAX_REPEAT = 1 << 20  # rows or columns a repeat attribute can stand for (an .ods sheet's limit)


class _Attributes(Protocol):
    """An XML element as far as its attributes go (lxml's and ElementTree's alike)."""

    def get(self, key: str, default: str, /) -> str: ...


def _ods_repeat(el: _Attributes, attr: str) -> int:
    try:
        return min(_MAX_REPEAT, max(1, int(el.get(_ODS_TABLE + attr, "1"))))
    except ValueError:
        return 1


def _ods_merged_down(data: bytes) -> dict[str, dict[int, list[tuple[int, int]]]]:
    """An .ods's cells merged down over rows (``table:number-rows-spanned`` > 1), per sheet name, as
    :func:`_merged_down` gives them (calamine reports no merged ranges for .ods); empty when there are none or
    content.xml cannot be read (the cells are read all the same without this)."""
    from lxml import etree

    out: dict[str, dict[int, list[tuple[int, int]]]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            content = zf.read("content.xml")
        if b"number-rows-spanned" not in content or b"<!DOCTYPE" in content[:4096] or b"<!ENTITY" in content:
            return out
        sheet: dict[int, list[tuple[int, int]]] = {}
        row = 0
        for event, el in etree.iterparse(io.BytesIO(content), events=("start", "end"),
                                         tag=(_ODS_TABLE + "table", _ODS_TABLE + "table-row"),
                                         resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False):
            if el.tag == _ODS_TABLE + "table":
                if event == "start":
                    sheet, row = out.setdefault(str(el.get(_ODS_TABLE + "name", "")), {}), 0
                else:
                    el.clear()
                continue
            if event == "start":
                continue
            col = 0
            for cell in el:
                if cell.tag not in _ODS_CELLS:
                    continue
                span = _ods_repeat(cell, "number-rows-spanned")
                if span > 1 and cell.tag == _ODS_CELLS[0]:
                    sheet.setdefault(row, []).append((col, row + span - 1))
                col += _ods_repeat(cell, "number-columns-repeated")
            row += _ods_repeat(el, "number-rows-repeated")
            el.clear()
    except Exception:  # noqa: BLE001 - merge info is a convenience, as in _merged_down
        return {}
    return {name: down for name, down in out.items() if down}


def _xlsb_varint(data: bytes, at: int, most: int) -> tuple[int, int]:
    """An .xlsb record's type or size (at most ``most`` bytes): 7 bits a byte, low first; (value, next offset)."""
    value = shift = 0
    for i in range(most):
        b = data[at + i]  # IndexError at the end: the caller stops
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, at + i + 1
    return value, at + most


def _xlsb_records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(record type, payload) of a BIFF12 part, until its end or the first record that does not fit."""
    at = 0
    while at < len(data):
        try:
            kind, at = _xlsb_varint(data, at, 4)
            size, at = _xlsb_varint(data, at, 4)
        except IndexError:
            return
        if at + size > len(data):
            return
        yield kind, data[at:at + size]
        at += size


_XLSB_MERGE_CELL, _XLSB_BUNDLE_SH = 176, 156  # BrtMergeCell (RfX: rwFirst, rwLast, colFirst, colLast), BrtBundleSh
_REL_ID = re.compile(rb"""<(?:\w+:)?Relationship\b[^>]*?\bId\s*=\s*["']([^"']*)["'][^>]*?\bTarget\s*=\s*["']([^"']*)["']"""
                     rb"""|<(?:\w+:)?Relationship\b[^>]*?\bTarget\s*=\s*["']([^"']*)["'][^>]*?\bId\s*=\s*["']([^"']*)["']""")


def _xlsb_merged_down(data: bytes) -> dict[str, dict[int, list[tuple[int, int]]]]:
    """An .xlsb's cells merged down over rows, per sheet name, as :func:`_merged_down` gives them (calamine reports
    no merged ranges for .xlsb): BrtMergeCell records of each sheet part, found through the workbook's BrtBundleSh
    records and relationships; empty when there are none or the parts cannot be read (a convenience, as there)."""
    from .caches import _wide  # an XLWideString (the pivot-cache reader's)

    out: dict[str, dict[int, list[tuple[int, int]]]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = {normalised_part(n): n for n in zf.namelist()}
            rels = zf.read(members["xl/_rels/workbook.bin.rels"])
            targets = {(m.group(1) or m.group(4)).decode("utf-8", "replace"):
                       resolve_target("xl/", (m.group(2) or m.group(3)).decode("utf-8", "replace"))
                       for m in _REL_ID.finditer(rels)}
            for kind, payload in _xlsb_records(zf.read(members["xl/workbook.bin"])):
                if kind != _XLSB_BUNDLE_SH:
                    continue
                rel, at = _wide(payload, 8)
                name, _ = _wide(payload, at)
                part = members.get(targets.get(rel, ""))
                if part is None:
                    continue
                down: dict[int, list[tuple[int, int]]] = {}
                for k, body in _xlsb_records(zf.read(part)):
                    if k == _XLSB_MERGE_CELL and len(body) >= 16:
                        r0, r1, c0, _c1 = struct.unpack_from("<IIII", body)
                        if r1 > r0:
                            down.setdefault(r0, []).append((c0, r1))
                if down:
                    out[name] = down
    except Exception:  # noqa: BLE001 - merge info is a convenience: the cells are read all the same without it
        return {}
    return out


_MERGE_CELL = re.compile(rb"""<(?:[\w.-]+:)?mergeCell\s[^>]*?\bref\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d{1,7})"""
                         rb""":\$?([A-Za-z]{1,3})\$?(\d{1,7})["']""")


def _openpyxl_merged_down(ws: object) -> dict[int, list[tuple[int, int]]]:
    """A read-only openpyxl worksheet's ranges merged down over rows, as :func:`_merged_down` gives calamine's (a
    read-only worksheet has no merged_cells: the <mergeCell> elements after the sheet's rows are read from its part,
    in chunks); empty when there are none or the part cannot be read again."""
    down: dict[int, list[tuple[int, int]]] = {}
    try:
        source = ws._get_source()  # type: ignore[attr-defined]  # the sheet part (openpyxl read-only reader)
        tail = b""
        try:
            while chunk := source.read(1 << 20):
                text, tail = tail + chunk, b""
                end = 0
                for m in _MERGE_CELL.finditer(text):
                    r0, r1 = int(m.group(2)) - 1, int(m.group(4)) - 1
                    if r1 > r0:
                        down.setdefault(r0, []).append((_col_number(m.group(1).upper()) - 1, r1))
                    end = m.end()
                tail = text[max(end, len(text) - 200):]
        finally:
            source.close()
    except Exception:  # noqa: BLE001 - merge info is a convenience: the cells are read all the same without it
        return {}
    return down


def _filled_down(rows: Iterable[Sequence[object]], down: dict[int, list[tuple[int, int]]],
                 first_col: int, budget: CellBudget | None = None) -> Iterator[Sequence[object]]:
    """``rows`` (from row 0) with the empty cells under a merged range's anchor given the anchor's value
    (calamine gives them empty: a household's address merged over its members' rows is each member's). With a
    ``budget``, a row that ends before the anchor's column (a reader that gives rows only up to their last cell:
    pyxlsb) is widened to it, each cell added counted against the budget."""
    open_: dict[int, tuple[int, object]] = {}  # column (in the row) -> (last row, value): one per column
    for i, row in enumerate(rows):
        if open_:
            row = list(row)
            for j, (last, value) in list(open_.items()):
                if i > last:
                    del open_[j]
                    continue
                if budget is not None and j >= len(row):
                    budget.add(j + 1 - len(row))
                    row.extend([""] * (j + 1 - len(row)))
                if j < len(row) and row[j] == "":
                    row[j] = value
        for col, last in down.get(i, ()):
            j = col - first_col
            if 0 <= j < len(row) and row[j] != "":
                open_[j] = (last, row[j])
        yield row


def _pyxlsb_filled(data: bytes, caps: Caps) -> Iterator[Sheet]:
    """pyxlsb's sheets (the fallback for an .xlsb calamine fails on) with their cells merged down filled, as calamine's
    are (:func:`_xlsb_merged_down`, read from the workbook as pyxlsb reads it: a beta one normalised first); the cells a
    fill adds to short rows count against the sheet's cell cap with the cells read."""
    merges = _xlsb_merged_down(normalise_beta(data) or data)
    for sheet in pyxlsb_sheets(data, caps):
        down = merges.get(sheet.name)
        if down:
            rows = list(sheet.rows)
            budget = CellBudget(caps)  # the cells read are counted already (scanner.xlsb): only those the fill adds
            sheet.rows = list(_filled_down(rows, down, 0, budget))
        yield sheet


def _macro_sheets(data: bytes, names: list[str], caps: Caps) -> Iterator[Sheet]:
    """Macro sheets calamine would not read, with openpyxl (OOXML); listed as not examined when that fails too."""
    try:
        if not data.startswith(ZIP_MAGIC):
            raise ValueError("not an OOXML package")
        found = {s.name: s for s in _openpyxl_sheets(data, caps, set(names))}
    except ReadError:
        raise
    except Exception as e:  # noqa: BLE001 - openpyxl and zip errors of every kind: the sheets are listed
        found, why = {}, say(Detail.MACRO_SHEET_ERROR, error=error_name(e))
    else:
        why = say(Detail.MACRO_SHEET_NO_READER)
    for name in names:
        yield found.get(name) or Sheet("", [], unread=[why])


# a sheet of up to this many rows whose cells all fit under the file's cap is counted at once (one clock check, at its
# first row, as the row-by-row count makes): its rows then pass without a Python call each (issue 11)
COUNT_AT_ONCE_ROWS = 0x4000


def _ticking(rows: Iterable[Sequence[object]], budget: CellBudget, width: int,
             count: int = 0) -> Iterator[Sequence[object]]:
    """``rows`` of ``width`` cells each, counted against the file's cells as they pass; the clock checked now and then.
    ``count``: how many rows ``rows`` holds (calamine's ``iter_rows``: the sheet's last row + 1), when known."""
    rows = iter(rows)
    return chain(_ticked(rows, budget, width, count), rows)


def _ticked(rows: Iterator[Sequence[object]], budget: CellBudget, width: int, count: int) -> Iterator[Sequence[object]]:
    """:func:`_ticking`'s count: for a sheet of ``count`` rows whose cells all fit under the cap (none of its rows could
    pass it), its cells counted and the clock checked at its first row and nothing yielded (``rows`` follow as they
    are); any other sheet's rows yielded here, each counted as it passes (the cap met at the row that passes it)."""
    spent, cap = budget.spent, budget.caps.max_cells
    if 0 < count <= COUNT_AT_ONCE_ROWS and spent.cells + width * count <= cap:
        spent.cells += width  # the first row's cells, then the clock, as the row-by-row count has them
        budget.tick()
        spent.cells += width * (count - 1)
        return
    for i, row in enumerate(rows):
        spent.cells += width
        if spent.cells > cap:
            budget.add(0)  # raises: the file is over the cell cap
        if not i & 0x3FFF:
            budget.tick()
        yield row


_REACH = frozenset({Detail.CELLS_REACH_CELL, Detail.CELLS_REACH_REFERENCE, Detail.CELLS_REACH_MAX})


def _valued_within(data: bytes, caps: Caps) -> OoxmlPackage | None:
    """The package when the cells holding a value stay within the cap though every cell's box passed it (cells
    styled down to the sheet's last row, no value in them: calamine places none of them), else None."""
    try:
        return check_zip(data, caps, alone=True, valued=True)
    except ReadError:
        return None


def _reach_over(e: ReadError) -> bool:
    """A too-large of :func:`check_zip` for a sheet whose cells reach past the cell cap (not an inflation bomb)."""
    return e.reason == Status.TOO_LARGE and any(c.get("code") in _REACH for c in codes_of(e.detail))


def _openpyxl_streamed(data: bytes, caps: Caps, over: ReadError) -> Iterator[Sheet]:
    """The worksheets of an .xlsx too large for calamine (``over``: its cells reach past the cap), streamed by
    openpyxl's read-only reader row by row under the file's cell budget, each row counted as wide as the widest
    before it (calamine's box); no fill of merged cells (that needs the whole sheet). The rows read are examined;
    the file stays ``over`` (too-large) even when openpyxl reads it to the end (it may skip what calamine places:
    a lower-case reference), and an openpyxl failure ends the rows with ``over`` too."""
    decoding("openpyxl")
    budget = CellBudget(caps)
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl/zip/xml errors of every kind: the cap's own words stand
        raise over from e
    try:
        for ws in wb.worksheets:
            budget.next_sheet()
            yield Sheet(ws.title, _streamed_rows(ws, budget, over))
    finally:
        wb.close()
    raise over


def _streamed_rows(ws: object, budget: CellBudget, over: ReadError) -> Iterator[list[object]]:
    widest = 1
    try:
        for i, row in enumerate(ws.iter_rows(values_only=True)):  # type: ignore[attr-defined]
            widest = max(widest, len(row))
            budget.add(widest)
            if not i & 0x3FFF:
                budget.tick()
            yield ["" if v is None else v for v in row]
    except ReadError as e:
        if e.reason != Status.TOO_LARGE:
            raise
        raise ReadError(e.reason, join_details((over.detail, e.detail))) from e  # why calamine did not read it, first
    except Exception as e:  # noqa: BLE001 - openpyxl errors of every kind (a column past ZZZ): the cap's words
        raise over from e


def _openpyxl_sheets(data: bytes, caps: Caps, only: set[str] | None = None) -> Iterator[Sheet]:
    from openpyxl import load_workbook

    decoding("openpyxl")
    budget = CellBudget(caps)
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            if only is not None and ws.title not in only:
                continue
            budget.next_sheet()
            rows: list[list[object]] = []
            for i, row in enumerate(ws.iter_rows(values_only=True)):
                budget.add(len(row))
                rows.append(["" if v is None else v for v in row])
                if not i & 0x3FFF:
                    budget.tick()
            down = _openpyxl_merged_down(ws)
            yield Sheet(ws.title, [list(r) for r in _filled_down(rows, down, 0)] if down else rows)
    finally:
        wb.close()


# --- text tables ------------------------------------------------------------------------------------------

def sniff_delimiter(text: str) -> str:
    """The separator that splits the first lines most consistently: comma, tab, semicolon or bar."""
    return _delimiter(text) or ","


_LINE_END = re.compile(r"\r\n|\r|\n")


def _first_lines(text: str, n: int) -> list[str]:
    """``_LINE_END.split(text, maxsplit=n)[:n]`` by C-level passes: CRLF, then a lone CR, made LF (CRLF first, as
    the pattern's leftmost alternative takes it), then one ``str.split``; in a 2, 8 or 32 KiB head first, whose
    first ``n`` lines are the text's when it holds more than ``n`` line ends. The pattern tried every character in
    re's engine (15 -> 3 us per .txt head; tests/test_tables.py compares both)."""
    if "\r" not in text:
        return text.split("\n", n)[:n]
    size = 2048
    while size < len(text):
        if len(lines := _lf_lines(text[:size], n)) > n:
            return lines[:n]
        size *= 4
    return _lf_lines(text, n)[:n]


def _lf_lines(text: str, n: int) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n", n)


# a quoted field (RFC 4180: "" inside) between separators: its separators are the cell's text, not the table's
_QUOTED_FIELD = re.compile(r'(?:^|(?<=[,\t;|]))"(?:[^"]|"")*"(?=[,\t;|]|$)')


def _delimiter(text: str) -> str | None:
    """The separator of the first 50 lines, not counting those inside quoted fields; one the first line (a header)
    does not hold counts less. A comma CSV whose cells hold semicolons (quoted Excel number formats in SheetJS's
    numfmt_1_russian.xls.0.csv; a multi-value field "2024-01-05;2024-02-05;..." Excel leaves unquoted) was split at
    them: every record lost, the file clean (wild12)."""
    lines = [_QUOTED_FIELD.sub("", ln) if '"' in ln else ln
             for ln in _first_lines(text[:65536], 50) if ln.strip()]  # 50 lines, not all
    scores: dict[str, float] = {}
    for d in (",", "\t", ";", "|"):
        counts = [ln.count(d) for ln in lines]
        hits = [c for c in counts if c]
        if not hits:
            continue
        mode = max(set(hits), key=hits.count)
        scores[d] = hits.count(mode) / len(lines) * (1 + min(mode, 20) / 20) * (1 if counts[0] else 0.75)
    ranked = sorted(scores, key=lambda d: -scores[d])  # stable: the first of equal scores in the order above
    if len(ranked) >= 2 and scores[ranked[1]] >= 0.5 * scores[ranked[0]] and _list_inside(lines, ranked[0], ranked[1]):
        return ranked[1]  # the best's marks are a list inside one of the other's cells (A;B;C in a comma CSV): review12a #4
    return ranked[0] if ranked else None


def _list_inside(lines: Sequence[str], mark: str, separator: str) -> bool:
    """Are the ``mark``s a list inside one cell of a table split at ``separator``: on most lines all in one field,
    a small part of the row (under half), while split at ``mark`` the ``separator``s do not lie so (they fall into two
    fields, or into one holding at least twice as much of the row: the row's other cells)? Both ways alike (a long
    list of dates at the end of a row) leave the counts to decide."""
    inside = _list_field_share(lines, separator, mark)
    if inside is None or inside >= 0.5:
        return False
    reverse = _list_field_share(lines, mark, separator)
    return reverse is None or reverse >= 2 * inside


def _list_field_share(lines: Sequence[str], outer: str, inner: str) -> float | None:
    """Split at ``outer``, the share of the lines' text in the one field holding every ``inner`` mark, on the lines
    holding both (most of them must hold all in one field, else None). A multi-value cell (``A;B;C`` in a comma CSV) is
    a small part of its row; split the other way, the row's other cells all fall into one field, most of the row."""
    both = [ln for ln in lines if outer in ln and inner in ln]
    if len(both) * 2 < len(lines):
        return None
    shares = []
    for ln in both:
        holding = [f for f in ln.split(outer) if inner in f]
        if len(holding) == 1:
            shares.append(len(holding[0]) / len(ln))
    if len(shares) < 0.8 * len(both):
        return None
    return sum(shares) / len(shares)


def read_text_table(data: bytes, caps: Caps) -> Workbook:
    """A CSV/TSV/TXT table as one sheet with every row in memory."""
    caps = caps.fresh()
    sheet, enc = iter_text_table(data, caps)
    return Workbook("text", [Sheet("", list(sheet.rows), notes=sheet.notes)], encoding=enc)


def iter_text_table(data: bytes, caps: Caps) -> tuple[Sheet, str]:
    """A CSV/TSV/TXT table as one streamed sheet, decoded line by line (scanner.textdecode) and split by
    scanner.textrows; CR-only line ends and quoted newlines survive. ``notes`` says ``delimiter: none``
    when no line holds a separator, and ``decoding: partial (N bytes replaced)`` once the rows are read."""
    decoding("csv")
    budget = CellBudget(caps)
    dec = plan_decoding(data, (_delimiter(data[:65536].decode("latin-1")) or ",").encode())
    head: list[str] = []
    size = 0
    for line in iter_lines(data, replace(dec), b","):
        head.append(line)
        size += len(line)
        if size > 65536 or len(head) >= 50:
            break
    found = _delimiter("".join(head))
    delim = found or ","
    sheet = Sheet("", [])
    lines: Callable[[], Iterator[str]] = functools.partial(iter_lines, data, dec, delim.encode(), max_line=MAX_LINE)
    if mac_japanese(data, dec.codec):  # classic Mac OS text: (c) (tm) ... at 0xFD-0xFF, read as Apple maps them
        lines = functools.partial(_mac_japanese, lines)
        sheet.notes.append(say(Detail.MAC_JAPANESE))
    starts = fixed_width_columns(head) if found is None else None
    if found is None and starts is None:
        sheet.notes.append(NO_DELIMITER)

    quote_cut: list[str] = []  # the reader saw the text end inside a quoted cell: that cut is said once (review16c)

    def cut_in_quote(why: str) -> None:
        quote_cut.append(why)
        sheet.damage.append(why)

    def counted(source: Iterator[list[str]], fixed: bool = False) -> Iterator[list[str]]:
        """The rows, each counted against the cell budget; the decoding note once they are read (``fixed``: cut at
        a fixed-width text's columns, where a row of fewer fields is a line ending before its blank last cells)."""
        w0 = w1 = w2 = -1  # the last three rows' cells (-1: none)
        widest, short, short_before = 0, False, False  # a row narrower than one above it, before the last row
        lost = 0
        spent, cap = budget.spent, budget.caps.max_cells
        odd, ref, yielded = sheet.odd_rows, 0, 0  # ref: the header's field count (the first row of three or more)
        narrow: dict[int, list[str]] = {}  # the odd rows of fewer fields than the header's
        phones = PhoneColumn(sheet.shifted_rows, sheet.garbled_rows)
        # (review26d) a flipped `,` is ｬ only in cp932 (in UTF-8 its 0xAC is a bare continuation byte, U+FFFD): in a
        # text no line of which is read as cp932 a lone ｬ is the cell's own (kana typed in mixed widths, a kaomoji)
        ya = dec.codec == "cp932" or "cp932" in dec.alternates
        for i, row in enumerate(source):  # one loop, no call a row but the join (issue 11: ~5 us a row before)
            n = len(row)
            spent.cells += n or 1
            if spent.cells > cap:
                budget.add(0)  # raises: the file is over the cell cap
            if not i & 0x3FFF:
                budget.tick()
            w0, w1, w2 = w1, w2, n
            short_before, short = short, short or 0 < n < widest
            if n > widest:
                widest = n
            text = "".join(row)
            if ("\ufffd" in text or "?" in text) and _replaced_row(row):  # neither: nothing replaced
                lost += 1
                continue
            yielded += 1
            if ya and "ｬ" in text and len(phones.shifted) < ODD_ROWS_KEPT and any(map(_LONE_YA.search, row)):
                phones.flipped.add(yielded)  # (damage26) a lone ｬ: a `,` flipped one bit (0x2C -> 0xAC in cp932)
                phones.shifted.add(yielded)  # glued two values: said even when the row gave a (changed) person
                phones.garbled.add(yielded)
            if (p := phones.at) != -2 and (p == -1 or n <= p or row[p][:1] not in phones.leads):  # a number there: in step
                phones.row(yielded, row)
            # a row of another field count than the header's, nearly all filled; a fixed-width line ending before
            # its blank last cells (no phone) is in step (a shifted one crosses a column: fixed_width_odd; fixed24b)
            if n != ref and n > 1 and not (fixed and ref and n < ref):
                if not ref:
                    ref = n if n > 2 else 0
                elif len(odd) < ODD_ROWS_KEPT and sum(1 for c in row if c) >= (ref if n > ref else ref - 1):
                    odd[yielded] = n  # (a long row every field of the header's filled: a 合計 line is not)
                    if n < ref:
                        narrow[yielded] = row
            yield row
        phones.decide()
        if phones.off:  # the table's own field counts: the header's and its other rows' (not the shifted ones')
            phones.keep({ref, *(c for r, c in odd.items() if r not in phones.off)})
        # (damage26; after keep: their field counts are the table's own) a short odd row in step with the learnt column (its phone, typed or kana cell in its place, or
        # the cell before a typed column it ends before as that column's) is a row Excel saved without its empty
        # trailing fields (after line 16: a company's row, a katakana-named resident's with no 続柄), not a shifted
        # one: csv22's rule said 67 of 100 such customer lists damaged
        sheet.ragged_rows.update(num for num, row in narrow.items() if num not in phones.shifted and phones.in_step(row))
        if len(data) >= BLOCK and not len(data) % BLOCK and data.endswith(_LINE_ENDS):  # maybe cut at a block's end
            sheet.notes.append(say(Detail.TEXT_BLOCK_END, n=len(data) // BLOCK))
        if dec.note():
            sheet.notes.append(say(Detail.DECODING, note=dec.note()))
        if dec.mixed:
            order = (*(d.codec for _, d in dec.parts), dec.codec, *dec.alternates, *sorted(dec.used))
            used = [c for c in dict.fromkeys(order) if c in dec.used]
            sheet.notes.append(say(Detail.MIXED_ENCODINGS, encodings=used))
        if lost:
            sheet.damage.append(say(Detail.ROWS_UNREADABLE, n=lost))
        # no table above the last row (the two rows before it of other widths): a note, nothing says it was cut; a
        # text of two rows is a header and a row cut inside (a cut note of two lines is listed too: never silent)
        # (fixed24b) a fixed-width row ending before its blank last cells is no sign of a ragged table there: a last
        # row without a line end, fewer cells than the widest (the header's), is said cut (as the field-count rule
        # said it; the row before it may be one without a phone)
        ragged = not fixed and (short_before or -1 < w0 != w1)
        sheet.damage.extend(text_damage(data, widest if fixed else w1, w2, ragged=ragged, in_quote=bool(quote_cut)))

    if starts is not None:  # fixed-width text: cut at its straight blank columns
        cut = starts
        sheet.odd_cut = True
        sheet.rows = counted(_fixed_rows(lines(), cut, sheet.odd_rows), fixed=True)
    else:
        sheet.rows = counted(csv_rows(lines(), delim, sheet.notes.append, cut_in_quote))
    return sheet, dec.encoding


# a copy cut on disk stops at a cluster boundary: a text of whole 4 KiB blocks ending at a line end could be one (a cut
# exactly at a line end is otherwise a complete shorter file: nothing in its bytes tells them apart; damage23)
BLOCK = 4096
ODD_ROWS_KEPT = 4096  # rows of another field count than the header's kept for the person check (more: a ragged table)

# a Japanese phone number as a cell holds it (03-1234-5678, 090 1234 5678, (03)1234-5678, full-width digits too)
_PHONE = re.compile(r"[(（]?[0０][0-9０-９]{0,4}[)）\-－‐ー ]?[0-9０-９]{1,4}[\-－‐ー ]?[0-9０-９]{3,4}")


PHONE_LEADS = frozenset("0０(（")  # how a phone number's cell starts (the reader's one test a row once the column is learnt)


# values of one kind a person list keeps in one column (damage24: lists without a phone column): a postcode, an e-mail
# address, a date (western or era), a plain number (a member number, No.); each with how its cell starts (the reader's
# one test a row once the column is learnt: a cell starting otherwise is checked whole)
_TYPED = (
    (re.compile(r"〒? ?[0-9０-９]{3}[\-－‐ー][0-9０-９]{4}"), frozenset("0123456789０１２３４５６７８９〒")),
    (_MAIL := re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"),
     frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")),
    (re.compile(r"(?:[12][0-9]{3}[/\-.年]|(?:明治|大正|昭和|平成|令和|[MTSHR])[0-9]{1,2}[/\-.年])[0-9]{1,2}[/\-.月][0-9]{1,2}日?"),
     frozenset("0123456789明大昭平令MTSHR")),
    (re.compile(r"[0-9]{1,10}"), frozenset("0123456789")),
)

# words a phone cell holds about its number (where it is, that there is none): never a piece of a name or address
_PHONE_WORDS = re.compile(r"番号|電話|[TtＴｔ][EeＥｅ][LlＬｌ]|[FfＦ][AaＡ][XxＸ]|代表|携帯|連絡|備考|参照|記載|不明|なし|無し|非公開")

# a note in a typed cell about its value (where it is, that there is none: なし, 法人, -, 代表アドレスは備考): never a piece
# of a name or address, which a split leaves there (review24d: a company row so in an Excel-ragged list was said split)
_NO_VALUE = re.compile(r"なし|無し|不明|未登録|未定|未記入|非公開|法人|参照|備考|記載|別紙|該当|省略|空欄|対象外|アドレス|メール"
                       r"|\A[\W_ー－]+\Z")

# an e-mail address glued to the end of the cell before it (a delimiter flipped into a byte no address holds); a
# label's colon or equals sign, or a full-width blank, before it is typed (…1-2-3 担当:foo@example.jp beside a blank
# mail cell: damage25b): a flipped `,` gives ( $ < ｬ, a flipped tab ) I or a control, never those
_GLUED_MAIL = re.compile(r".[^A-Za-z0-9._%+\-@ ,:：=＝\u3000][A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+\Z")


# a furigana cell (damage25b: lists with only name, kana and address columns have no typed column to learn): katakana or
# hiragana (full- or half-width, with ー・ and blanks between, or a Western name's double hyphen ＝: ジョン＝スミス,
# review25e), two kana or more
_KANA = re.compile(r"(?=(?:[ 　・=＝]*[ぁ-ゖァ-ヺー･-ﾟ]){2})[ぁ-ゖァ-ヺー･-ﾟ 　・=＝]+")
# kana glued to the end of the cell before the kana cell (name｢kana, address｢kana: a delimiter flipped into a byte) or
# kana glued before the next field's value in the kana cell (kana｢address): a kana run of two or more beside a
# character no kana cell holds (a kanji, a digit)
_GLUED_KANA_END = re.compile(r"[^ぁ-ゖァ-ヺー･-ﾟ 　・=＝][ぁ-ゖァ-ヺー･-ﾟ]{2}[ぁ-ゖァ-ヺー･-ﾟ 　・=＝]*\Z")
# an address glued to the end of another value (name｢address): a prefecture right after a byte a flipped delimiter
# gives (`,` 0x2C -> ｬ in cp932, U+FFFD in UTF-8, $ < * - . l or a control; a tab -> ) I or a control), the cell
# starting otherwise. Not a kanji, an arrow or a slash before it (review25e: a workplace 一般社団法人東京都医師会,
# 全国健康保険協会東京都支部, a note 転居→東京都… or 単身赴任／大阪府 made nearly every honest list rows-malformed), nor
# a bracket, blank, digit, label's colon or a note's hiragana (山田太郎（東京都）, 実家は大阪府)
_GLUED_ADDRESS = re.compile(r"\A(?!北海道|東京都|京都府|大阪府|[一-龥]{2,3}県)[^ぁ-ゖ0-9０-９:：(（]{2,12}?"
                            r"[ｬ\ufffd$<*)lI.\-\x00-\x08\x0b\x0c\x0e-\x1f]"
                            r"(?:北海道|東京都|京都府|大阪府|(?:青森|岩手|宮城|秋田|山形|福島|茨城|栃木|群馬|埼玉|千葉|神奈川|新潟|富山"
                            r"|石川|福井|山梨|長野|岐阜|静岡|愛知|三重|滋賀|兵庫|奈良|和歌山|鳥取|島根|岡山|広島|山口|徳島|香川|愛媛|高知"
                            r"|福岡|佐賀|長崎|熊本|大分|宮崎|鹿児島|沖縄)県)")
# (the next value's first character: a kanji, a digit, 〒; or a byte a flipped delimiter gives, U+FFFD in UTF-8,
# $ < * - . l I or a control; ｬ is taken by the half-width kana before it. Not punctuation: a household's second name
# ヤマダ タロウ、ハナコ or ／ハナコ, a query ヤマダ タロウ? is the cell's own: review25e)
_GLUED_KANA_START = re.compile(r"[ァ-ヺー]{2}[ァ-ヺー 　・=＝]*[･-ﾟ]?"
                               r"[一-龥々〆0-9０-９〒\ufffd$<*\-.lI\x00-\x08\x0b\x0c\x0e-\x1f]")
# a kana cell in romaji (Sato Miyuki): the row's own, never another column's value moved in (an address, a name)
_ROMAJI = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ][A-Za-zＡ-Ｚａ-ｚ .'\-　]*")


class PhoneColumn:
    """Where a text table's phone numbers stand, and the rows whose number stands one column off it. A delimiter
    flipped in a row merges two fields (or an address byte flipped into one splits one): every value after it moves
    one column. In a ragged table (a 備考 left out where empty, a note the header lacks) the row's new field count
    can be one the table's own rows have, so the count alone cannot tell it (review22v); its phone number out of the
    column every other row keeps it in does. Learnt from the first ``LEARN_ROWS`` rows (nine in ten of the rows with
    a number, five or more, in one column), then one match a row. A number beside the column is no shift by itself
    (a company's TEL noted 代表 with its FAX beside it, a blank home phone and a mobile, a 060 postcode: review23d):
    the row's field count one back (one more for fields merged, one less for one split) must be the table's own
    (:meth:`keep`), and a split leaves its tail in the phone's cell (not empty, no number in it).
    A table without a phone column (damage24): the rightmost column of postcodes, e-mail addresses, dates or plain
    numbers learnt the same way (the last such value of each row), a split's tail anything but such a value."""

    LEARN_ROWS = 200

    def __init__(self, shifted: set[int], garbled: set[int] | None = None) -> None:
        self.shifted = shifted
        self.garbled = garbled if garbled is not None else set()  # rows off a kana column (said even with a person)
        self.at = -1  # the phone (or typed) column once learnt; -2: none
        self.kind = _PHONE  # what the column holds
        self.leads = PHONE_LEADS  # how its cells start
        self.seen: list[tuple[int, list[str]]] = []  # the rows learnt from
        self.off: dict[int, int] = {}  # a row said shifted -> its field count in step (one back)
        # (damage25b) what every value of the column before a typed one holds (a digit, kana), or None: a split
        # leaves a piece of that column in the typed cell (23番5号, the whole address, kana), a note word none of it
        self.before: re.Pattern[str] | None = None
        # (damage26) rows with a lone ｬ (a `,` flipped one bit glued two values): shifted and garbled (said even when
        # they gave a changed person) whatever their field count
        self.flipped: set[int] = set()
        # (review26d) what nine in ten of each column's cells hold (a digit, kana) in the rows learnt from, or None: a
        # short row whose cell lacks it stands off its column (in_step)
        self.held: list[re.Pattern[str] | None] | None = None  # (read at the first in_step: most tables none)
        self.learnt: list[tuple[int, list[str]]] = []  # the rows learnt from, for held

    def row(self, num: int, row: list[str]) -> None:
        at = self.at
        if at >= 0:
            n, kind = len(row), self.kind
            if n > at and kind.fullmatch(row[at]):
                if kind is not _KANA or not any(_GLUED_ADDRESS.match(c) for j, c in enumerate(row) if j != at and c):
                    return
                step = n + 1  # (damage25b) the kana in step, a name｢address merged after it
            elif kind is _KANA:
                if not self._kana_off(row, at, n):
                    return
                step = n + 1 if n <= at or not _KANA.fullmatch(row[at + 1] if n > at + 1 else "") else n - 1
            elif at and n >= at and (kind.fullmatch(row[at - 1]) or kind is _MAIL and _GLUED_MAIL.search(row[at - 1])):
                step = n + 1  # two fields merged before the number (a delimiter lost)
            elif n > at + 1 and row[at] and kind.fullmatch(row[at + 1]) and not (
                    _PHONE.search(row[at]) or _PHONE_WORDS.search(row[at]) if kind is _PHONE
                    else kind.fullmatch(row[at]) or _NO_VALUE.search(row[at])) and (
                    kind is _PHONE or self.before is None or self.before.search(row[at])):
                step = n - 1  # a field split before it (a delimiter added): the split's tail where the number was (a
                # number there with 代表 or 内線 after it, the FAX beside it, is the row's own; so are words about the
                # number, 代表番号は備考 with it in 備考: a split leaves a piece of a name or address, never those)
            else:
                return
            if len(self.shifted) < ODD_ROWS_KEPT:
                self.shifted.add(num)
                self.off[num] = step
                if kind is _KANA:
                    self.garbled.add(num)
            return
        if at == -1:
            self.seen.append((num, row))
            if num >= self.LEARN_ROWS:
                self.decide()

    def decide(self) -> None:
        """The phone (or typed) column from the rows seen, and which of them stand off it (once)."""
        if self.at != -1:
            return
        self.at = -2
        rows = self.seen
        seen = [(num, [(j, c) for j, c in enumerate(row) if c and c[0] in _STARTS]) for num, row in rows]  # the
        self.seen = []  # cells any kind may fullmatch, picked once for the five searches below (issue 11)
        col = _column(seen, _PHONE, first=True)
        if col < 0:  # no phone column: the rightmost of the typed ones
            learnt = [(c, kind, leads) for kind, leads in _TYPED if (c := _column(seen, kind, first=False)) >= 0]
            if not learnt:  # (damage25b) nor a typed one: the kana column (a list of name, kana, address only)
                col = _kana_column(rows)
                if col < 0:
                    return
                learnt = [(col, _KANA, frozenset())]
            col, self.kind, self.leads = max(learnt, key=lambda t: t[0])
        self.at = col
        self.learnt = rows
        if col:  # (damage26: a phone column too, for rows Excel saved without it: in_step)
            self.before = _held(row[col - 1] for _, row in rows if len(row) > col and self.kind.fullmatch(row[col]))
        for num, row in rows:  # the rule every later row meets (a value in the column too: in step)
            self.row(num, row)

    @staticmethod
    def _kana_off(row: list[str], at: int, n: int) -> bool:
        """Whether a row whose kana cell holds no kana stands off the kana column: the cell before it is kana or ends
        in kana glued on (name｢kana merged, the address now in the kana cell; address｢kana at the row's end), the
        kana cell starts with kana glued to another value (kana｢address), or the cell after it is kana and the kana
        cell a piece of a name (a field split). A blank kana cell, or a note in it (不明), is the row's own unless a name
        with an address glued on stands in the row."""
        if n > at and (not row[at] or _ROMAJI.fullmatch(row[at]) or _kanaish(row[at])):  # (a name｢address merged
            # before a blank next cell: a name with an address on; a romaji kana cell beside 佐藤みゆき, or kana written
            # freely, ヤマダ タロウ、ハナコ, is no merge: review25e)
            return any(_GLUED_ADDRESS.match(c) for j, c in enumerate(row) if j != at and c)
        if at and n >= at and (_KANA.fullmatch(row[at - 1]) or _GLUED_KANA_END.search(row[at - 1])):
            return n <= at or not _NO_VALUE.search(row[at])
        if n > at and _GLUED_KANA_START.match(row[at]):
            return True
        if at and n > at + 1 and _KANA.fullmatch(row[at + 1]) is not None and not _NO_VALUE.search(row[at]):
            # (a split of the column before: none before the first, review25e)
            return True
        return any(_GLUED_ADDRESS.match(c) for j, c in enumerate(row) if j != at and c)

    def in_step(self, row: list[str]) -> bool:
        """Whether a row ending before the header's last fields has the learnt column's value in its place, or (the
        column past its end) the column before it in its place (a digit, kana; not the column's own value moved in)."""
        at, n, kind = self.at, len(row), self.kind
        if at < 0:
            return False
        # (review26d) a flip right of the column (name｢kana, kana｢address after a first phone column) or left of it
        # beside a column of its kind (a mobile moved into the home phone's place) leaves the column in place: no
        # cell off what its column holds, no value glued to another, no column's value in the cell before it
        if self.held is None:
            width = max((len(r) for _, r in self.learnt), default=0)
            self.held = [_held(r[j] for _, r in self.learnt if len(r) > j) for j in range(min(width, _HELD_COLUMNS))]
        if any(c and (j < len(self.held) and (h := self.held[j]) is not None and not (
                h.search(c) if h is not _KANA_HELD else _KANA.fullmatch(c) or _kanaish(c))
                or _GLUED_ADDRESS.match(c) or _GLUED_KANA_START.match(c) or _KANA_FLIPPED.search(c))
               for j, c in enumerate(row)):
            return False
        if n > at:
            if kind is not _KANA:
                return (bool(row[at]) and kind.fullmatch(row[at]) is not None
                        and not (at and kind.fullmatch(row[at - 1])))
            return (bool(row[at]) and (_KANA.fullmatch(row[at]) is not None or _kanaish(row[at]))  # (written freely:
                    and not _KANA_FLIPPED.search(row[at])  # review25e; a flipped `,` between two kana: ｬ is kana too)
                    and not any(_GLUED_ADDRESS.match(c) for j, c in enumerate(row) if j != at and c))
        return (n == at and self.before is not None and bool(row[at - 1]) and self.before.search(row[at - 1]) is not None
                and kind.fullmatch(row[at - 1]) is None and not _GLUED_MAIL.search(row[at - 1]))

    def keep(self, shapes: set[int]) -> None:
        """Only the shifted rows whose field count one back is one of ``shapes`` (the header's, the table's own rows')."""
        for num, step in self.off.items():
            if step not in shapes and num not in self.flipped:
                self.shifted.discard(num)
                self.garbled.discard(num)


# the characters a cell _PHONE or a kind of _TYPED fullmatches can start with (read from their patterns; a cell starting
# otherwise is no value of any of them: tests/test_speed25a.py derives the sets from the patterns' parse)
_STARTS = frozenset("(（0０〒 0123456789０１２３４５６７８９ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._%+-明大昭平令")
# each kind's own first characters (tests/test_speed26a.py derives them from each pattern's parse, as _STARTS)
_STARTS_OF: dict[re.Pattern[str], frozenset[str]] = {
    _PHONE: frozenset("(（0０"),
    _TYPED[0][0]: frozenset("〒 0123456789０１２３４５６７８９"),
    _MAIL: frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-"),
    _TYPED[2][0]: frozenset("12明大昭平令MTSHR"),
    _TYPED[3][0]: frozenset("0123456789"),
}


def _column(seen: list[tuple[int, list[tuple[int, str]]]], kind: re.Pattern[str], first: bool) -> int:
    """The column holding ``kind``'s values in nine in ten of the rows with one (five or more; each row's first or
    last such value), or -1. ``seen``: each row's cells that start with a character of _STARTS, with their columns
    (issue 11: a fullmatch of every cell for each of five kinds was 13-20 % of a text table's worker task)."""
    cols = []
    starts = _STARTS_OF[kind]  # (issue 11: a cell starting with no character of this kind's is no value of it)
    for _, cells in seen:
        at = [j for j, c in cells if c[0] in starts and kind.fullmatch(c)]
        if at:
            cols.append(at[0] if first else at[-1])
    if not cols:
        return -1
    col, k = Counter(cols).most_common(1)[0]
    return col if k >= 5 and 10 * k >= 9 * len(cols) else -1


_DIGIT = re.compile(r"[0-9０-９\ufffd]")  # (a byte damaged into a delimiter leaves U+FFFD beside it)
_KANA_HELD = re.compile(r"[ァ-ヺ･-ﾟ\ufffd]")


_HELD_COLUMNS = 64  # (review26d) the columns whose marks in_step learns (a person list's; a wide table's first)


def _held(cells: Iterator[str]) -> re.Pattern[str] | None:
    """What nine in ten of a column's filled cells (five or more) hold: a digit (an address's number), else kana, or
    None (damage25b: a split's piece of that column in the typed cell holds it; a note word does not)."""
    filled = [c for c in cells if c]
    if len(filled) < 5:
        return None
    for held in (_DIGIT, _KANA_HELD):
        if 10 * sum(1 for c in filled if held.search(c)) >= 9 * len(filled):
            return held
    return None


# a flipped delimiter's byte (ｬ in cp932, U+FFFD in UTF-8) between two full-width kana: two kana cells merged (a cell
# written in half-width kana holds ｬ beside half-width kana only)
_KANA_FLIPPED = re.compile(r"[ぁ-ゖァ-ヺー][ｬ\ufffd]|[ｬ\ufffd][ぁ-ゖァ-ヺー]")
# (damage26) ｬ with no half-width kana beside it (a cell written in half-width kana holds ｬ only within a word: ｷｬﾉﾝ):
# a `,` flipped one bit (0x2C -> 0xAC) between two values, wherever the row's field count or columns stand
_LONE_YA = re.compile(r"(?<![ｦ-ﾟ])ｬ(?![ｦ-ﾟ])")
_KANJI = re.compile(r"[一-龥々〆\ufffd]")  # (and a damaged byte: a flipped cell is no kana cell written freely)


def _kana_column(rows: list[tuple[int, list[str]]]) -> int:
    """The column whose cells are kana in nine in ten of the rows with a kana cell (five or more), or -1 (damage25b);
    of two such, the one whose filled cells hold kana and no kanji most often (the first of equals). Not each row's
    first kana cell (review25e): in a list of foreign residents whose names are katakana the name column came first,
    or had more kana cells than a kana column with a few cells written freely (ミウラ アスカ、ハナコ), and every
    kanji-named resident's row was a split. The header's フリガナ is no kana cell of its own: it counts as a row
    without one."""
    filled: Counter[int] = Counter()
    kanaish: Counter[int] = Counter()  # cells with kana and no kanji (a kana cell written freely; no kanji name)
    with_kana = 0
    for _, row in rows:
        kana = [j for j, c in enumerate(row) if c and _kanaish(c)]
        kanaish.update(kana)
        filled.update(j for j, c in enumerate(row) if c)
        with_kana += bool(kana)
    fit = [(k / filled[j], -j) for j, k in kanaish.items() if k >= 5 and 10 * k >= 9 * with_kana]
    return -max(fit)[1] if fit else -1


def _kanaish(cell: str) -> bool:
    """Whether a cell is a kana cell, or one written freely (ヤマダ タロウ、ハナコ, ヤマダ タロウ?): kana and no kanji."""
    return _KANA.search(cell) is not None and _KANJI.search(cell) is None


# MacJapanese (Apple's Shift_JIS) beyond cp932: 0xFD (c), 0xFE (tm), 0xFF ..., which Python's cp932 reads as private
# use characters U+F8F1-F8F3 (Python has no MacJapanese codec)
_MAC_SYMBOLS = str.maketrans({0xF8F1: "\u00a9", 0xF8F2: "\u2122", 0xF8F3: "\u2026"})
_MAC_BYTES = re.compile(rb"[\xfd-\xff]")


def mac_japanese(data: bytes, codec: str) -> bool:
    """Whether a Shift_JIS text is classic Mac OS MacJapanese: lines ended by CR alone (no LF anywhere) and bytes
    0xFD-0xFF, which no Shift_JIS character uses and MacJapanese gives (c) (tm) ... (csv22: damage21 said them
    `values-undecoded`, a Mac file listed corrupt)."""
    return codec == "cp932" and b"\n" not in data and b"\r" in data and _MAC_BYTES.search(data) is not None


def _mac_japanese(lines: Callable[[], Iterator[str]]) -> Iterator[str]:
    for line in lines():
        yield line.translate(_MAC_SYMBOLS) if "\uf8f1" in line or "\uf8f2" in line or "\uf8f3" in line else line


def _replaced_row(row: list[str]) -> bool:
    """A row whose text is gone: at least 3 U+FFFD, half or more of its non-ASCII characters (a cp932 table saved by
    an editor that read it as UTF-8, rows no encoding explains), or 6 "?" or more, a third of the row or more (the
    same saved back as Shift_JIS). Kept, its garbage would outvote the readable rows'
    names and addresses in the column checks (and make a false record or two); a damaged byte or a cut character
    leaves one U+FFFD among many."""
    text = "".join(row)
    lost = text.count("\ufffd")
    if lost >= 3 and 2 * lost >= len(text) - len(text.encode("ascii", "ignore")):
        return True
    asked = text.count("?")  # the same saved back to Shift_JIS: every U+FFFD a "?" (a third of the row or more)
    return asked >= 6 and 3 * asked >= len(text) and any("?" in c and c.strip("? ") for c in row)  # not "?" marks


_LINE_ENDS = (b"\n", b"\r", b"\n\x00", b"\x00\n", b"\r\x00", b"\x00\r")  # UTF-8/cp932 and UTF-16 line ends


def text_damage(data: bytes, before_last: int, last: int, ragged: bool = False, in_quote: bool = False) -> list[str]:
    """Signs that a text table lost rows (Session 9: a cut or zeroed CSV read ``ok`` with fewer records): a block of
    16 or more NUL bytes inside the text (no encoding writes one: a block zeroed on a damaged disk, a hole of a cut
    copy), and a last row without a line end that holds fewer cells than the row before it (the file cut inside
    a row). A last line without a line end but as many cells as the row before it is an ordinary file.
    Whole files that look so (review9f): the DOS end-of-file mark (0x1A) after the last line end; fields padded with
    NULs (every run, two or more, ends at a field or line end: a block zeroed on disk ends anywhere); a ``ragged``
    table (a row above the last already narrower than one above it: trailing empty cells left out), or no table
    above the last row (the two rows before it of other widths: a note typed without a final line end). A text
    ``in_quote`` (ending inside a quoted cell: said by the reader, text-cut-in-quote) is not said cut a second time
    with its cell's lines counted as a row."""
    found = []
    runs = zeroed_blocks(data)
    if (first := next(runs, None)) is not None and not _nul_padded(data, first, runs):
        found.append(say(Detail.NUL_BLOCK, n=first[1], at=first[0]))
    data = data.rstrip(b"\x1a")  # MS-DOS end-of-file mark (COPY /A, host transfers): after the last line end
    if data and not data.endswith(_LINE_ENDS) and 0 < last < before_last and not ragged and not in_quote:
        found.append(say(Detail.TEXT_CUT_IN_ROW, last=last, cells=before_last))
    return found


def _nul_padded(data: bytes, first: tuple[int, int], rest: Iterator[tuple[int, int]]) -> bool:
    """Whether the NUL runs (offset, length) of a text are field padding (a fixed-field export): two or more, each
    ending at a delimiter or a line end. A block zeroed on disk ends at an arbitrary byte."""
    if data[sum(first):sum(first) + 1] not in _FIELD_ENDS:
        return False
    more = False
    for run in rest:
        if data[sum(run):sum(run) + 1] not in _FIELD_ENDS:
            return False
        more = True
    return more


_FIELD_ENDS = frozenset(bytes([b]) for b in b",\t;|\r\n")


_BLANKS = frozenset(" \u3000")  # blanks that align a fixed-width text's columns (half- and full-width spaces)


def _width(ch: str) -> int:
    """Columns a character takes in a fixed-width text: two for a full-width one (two bytes in cp932)."""
    return 2 if ord(ch) > 0x7F and unicodedata.east_asian_width(ch) in ("F", "W", "A") else 1


def fixed_width_columns(lines: Sequence[str]) -> list[int] | None:
    """Start columns (in display width) of a fixed-width table: what Excel saves as .prn (formatted text, space
    delimited) and host systems export (固定長). A column boundary is where every line has a blank before a
    character; at least two columns, and three lines, or None (prose has no such straight gaps)."""
    rows = [ln.rstrip("\r\n") for ln in lines if ln.strip()]
    gapless = [i for i, r in enumerate(rows[:4]) if not ("  " in r or "\u3000" in r.strip(" \u3000"))]  # (or full-width)
    if len(rows) < 3 or gapless[:1] and gapless[0] < 3 and (len(gapless) > 1 or len(rows) < 5):
        return None
    if gapless and gapless[0] < 3:  # (damage25) one of the first three lines a shifted row (its gaps lost)?
        k = gapless[0]
        rest = rows[:k] + rows[k + 1:]
        again = _fixed_columns(rest)[0]
        if (again is not None and len(again) >= 3 and not any(fixed_width_odd(r, again) for r in rest)
                and sum(fixed_width_odd(rows[k], [0, b]) for b in again[1:]) >= 2):
            return again
        # (damage26) that line and one more shifted (the pair rule below, one of the two the gapless line)
        paired = _pair_left_out(rows, None, *_fixed_columns(rows)[1:], must=k)
        return paired if paired is not None and len(paired) >= 3 else None
    starts, marks, used = _fixed_columns(rows)
    # (damage25) a row shifted by bytes lost or added stands on the other lines' blank columns: in a pushed list (a
    # one-blank gap) or a short one it hid the boundaries it crossed and the list read as nothing (or cut at a 姓 名
    # space). The three lines alone on the most columns, two or more, are each left out once (a longest address is
    # alone on its own): the columns of the others are taken when the line crosses two of their boundaries and no
    # other line crosses one (the reader says the line: fixed_width_odd)
    solo = [sum(1 for c in m if used[c] == 1) for m in marks]
    for k in sorted(range(len(rows)), key=solo.__getitem__, reverse=True)[:3] if len(rows) >= 4 else ():
        if solo[k] < 2:
            break
        rest = rows[:k] + rows[k + 1:]
        again = _fixed_columns(rest)[0]
        if (again is not None and again != starts and sum(fixed_width_odd(rows[k], [0, b]) for b in again[1:]) >= 2
                and not any(fixed_width_odd(r, again) for r in rest)):
            return again
    # (review25d) two rows shifted (bytes lost in both) in a list of 6-19 lines (from 20 a tenth may cross): the two
    # stand on blank columns of the others, alone or together, and the list read as nothing. The four lines on the
    # most columns that two lines at most stand on are left out two at a time, taken as one line is above when
    # that finds more columns and each crosses two of them by two columns or more (rows that lost one blank of a
    # two-blank gap read right with the columns found; leaving out two 長谷川-wide names made a 姓 名 space a column)
    # (damage26) also in lists of 5 lines (4 persons) and of 20-49 (a pushed longest value and two shifted rows are
    # three crossings, over a tenth), and a line crossing one column only (the longest name ran into its one-blank
    # gap, its bytes lost at the next): taken when no value of it starts at a column after the one it crosses (out of
    # step up to its end; a 長谷川-wide name over a 姓 名 space is in step after it). With as many columns as before:
    # when a column taken before is a one-column gap the pair stands on (two shifted rows hid the name | kana gap and
    # the 姓 名 space of two-kanji family names was taken instead) and both cross two
    paired = _pair_left_out(rows, starts, marks, used)
    return starts if paired is None else paired


def _pair_left_out(rows: list[str], starts: list[int] | None, marks: list[set[int]], used: Counter[int],
                   must: int | None = None) -> list[int] | None:
    """``fixed_width_columns``'s columns with two shifted lines left out (one of them ``must`` when given), or None."""
    # (damage26) the widened rules only where most lines hold full-width characters (a Japanese list whose cp932
    # bytes were lost): on code and English text they made tables of 15 of 5,307 delimiter-less windows
    wide = 2 * sum(not r.isascii() and any(_width(c) == 2 for c in r) for r in rows) >= len(rows)
    if must is not None and not wide:
        return None
    few = [sum(1 for c in m if used[c] <= 2) for m in marks]
    top = (sorted(range(len(rows)), key=few.__getitem__, reverse=True)[:4]
           if (5 if wide else 6) <= len(rows) < (50 if wide else 20) else [])
    for i, j in combinations(sorted({k for k in top if few[k] >= 2} | ({must} if must is not None else set())), 2):
        if must is not None and must not in (i, j):
            continue
        rest = [r for m, r in enumerate(rows) if m not in (i, j)]
        again = _fixed_columns(rest)[0]
        if again is None or again == starts or any(fixed_width_odd(r, again) for r in rest):
            continue
        deep = [[b for b in again[1:] if {b - 2, b - 1, b} <= marks[k]] for k in (i, j)]
        if len(again) > len(starts or ()) and all(
                len(d) >= 2 or wide and d and not any(b in marks[k] and b - 1 not in marks[k] for b in again if b > d[0])
                for k, d in zip((i, j), deep, strict=True)):
            return again
        if (wide and starts and len(again) == len(starts) and all(len(d) >= 2 for d in deep)
                and any(b not in again and b - 1 in marks[i] | marks[j] for b in starts[1:])):
            return again
    return None


def _fixed_columns(rows: list[str]) -> tuple[list[int] | None, list[set[int]], Counter[int]]:
    """``fixed_width_columns`` of lines already checked: the starts, each line's non-blank columns and how many
    lines stand on each column."""
    marks: list[set[int]] = []
    used: Counter[int] = Counter()
    begins: Counter[int] = Counter()  # lines with a value starting at a column (a blank before it)
    # lines with a value starting at a column after a lone U+3000 (between two characters), and after two blanks or
    # more (a gap that is padding for sure)
    after_lone: Counter[int] = Counter()
    after_gap: Counter[int] = Counter()
    heads: set[int] = set()  # where the first line (a header) starts a value after a gap
    for line in rows:
        at, before, blanks = 0, " ", 0
        for ch in line:  # (the line as written: a lone U+3000 before a value is a blank there)
            if ch not in _BLANKS:
                if before in _BLANKS:
                    begins[at] += 1
                    if blanks >= 2:
                        after_gap[at] += 1
                        if line is rows[0]:
                            heads.add(at)
                    elif before == "\u3000" and blanks == 1 and at > 2:
                        after_lone[at] += 1
                blanks = 0
            else:
                blanks += 1
            at, before = at + _width(ch), ch
    # a full-width space between two characters: padding (the one pad of the longest values) or a value's own
    # (吉田　晃): in a short text a blank column and a character's (a one-column gap, which the rules below tell a
    # boundary or a 姓 名 space by the lines with a character just before it), in a long one a character (as before);
    # (damage25) a blank where two lines or more, and a third of those starting a value there, start it after a gap
    # of two blanks or more: the longest values' one pad in a column padded with U+3000 (13+ lines: three persons of
    # the longest name hid the name | kana boundary, the list read as nothing); before a 姓　名 space's 名 only the
    # rare family names of one kanji padded to two (林　　一郎) have such a gap; or two lines so, the first line's
    # (its header's) one of them (a name column nine in twelve of whose names are of its longest width)
    long = len(rows) >= 12
    pads = {at for at, n in after_lone.items() if after_gap[at] >= 2 and (2 * after_gap[at] >= n or at in heads)}
    for line in rows:
        at, before = 0, " "
        marked: set[int] = set()
        for i, ch in enumerate(line):
            w = _width(ch)
            if ch not in _BLANKS:  # a full-width space pads a hand-aligned column as a space does (fixed23)
                marked.update(range(at, at + w))
            elif (ch == "\u3000" and before not in _BLANKS and line[i + 1:i + 2] not in ("", " ", "\u3000")
                  and at + 2 not in pads):  # a lone U+3000 not known as padding: a character's (long), or one column
                marked.update((at, at + 1) if long else (at + 1,))
            at, before = at + w, ch
        used.update(marked)
        marks.append(marked)
    # a boundary blank on every line but one in ten (from 10 lines: a row whose bytes were lost or added, shifted,
    # hid every boundary and the whole table: csv22); the shifted row is said by the reader (fixed_width_odd)
    # and one line from 5 (a short roster: damage23), from 4 (damage24: a 3-person list, the crossed gap two blank
    # columns wide, below; 3 lines give too little to tell a crossing line)
    spare = max(len(rows) // 10, len(rows) >= 4)
    kept = {i for i, n in used.items() if n > spare}
    if not kept:
        return None, marks, used
    if len(rows) < 5:  # (damage24) a 4-line text: a value past every other line's end is a column (a repeat)
        kept |= {i for i in used if i > max(kept)}
    # a boundary some line crosses needs a gap of two blank columns: one blank column on most lines is the space of
    # "姓 名" (family names mostly two kanji), which a tolerated crossing cut into two columns (review22v)
    # a short text (under 12 lines) has too few names for a family name of one or three kanji to break a "姓 名"
    # space blank on every line (佐藤 | 直樹 on 6 lines: fixed23): there a one-column gap blank on every line is a
    # boundary only when some line has no character just before it (the longest values run into the gap; every
    # family name of two kanji and the header's 氏名 stand just before that 姓 名 space)
    most = len(rows) - 1 if len(rows) < 12 else len(rows)
    # (damage24) from 5 to 11 lines the one-column gap may be crossed by the tolerated line too (a row shifted over it
    # beside a value pushed into the gap: two crossings, the columns merged, no person and nothing said)
    # (review24d) a crossed one-column gap is a boundary where the next column's values start on the other lines (all
    # but the crossing one and a blank cell; at it or one after, past a lone U+3000's mark): inside a column (a kana's space beside a blank フリガナ, an address's
    # U+3000 before a building) values start on two lines, and an undamaged list was said shifted
    crossed = spare if 5 <= len(rows) < 12 else 0
    starts = [0] + [i for i in range(1, max(kept) + 1) if i in kept and i - 1 not in kept
                    and (used[i - 2] <= most and (not used[i - 1] or used[i - 1] <= crossed
                                                  and begins[i] + begins[i + 1] >= len(rows) - 1 - crossed) or i - 2 not in kept)]
    return starts if len(starts) >= 2 else None, marks, used


def fixed_width_odd(line: str, starts: list[int]) -> bool:
    """Whether a line of a fixed-width table has a value crossing a column boundary (its row shifted: the value cut
    there). A value that only reaches into the gap before a boundary (a long one, aligned by hand) is read whole."""
    if line.isascii():
        return any(line[b - 1:b] not in ("", " ") and line[b:b + 1] not in ("", " ") for b in starts[1:])
    cut = starts[1:]
    k, at, before = 0, 0, " "  # the next boundary, this character's column, the character before it
    for ch in line:  # a character that starts at or after a boundary while the one before it started before it
        while k < len(cut) and at > cut[k]:
            k += 1
        if k < len(cut) and at >= cut[k]:  # (a wide character across the boundary stays whole in its field)
            if ch not in _BLANKS and before not in _BLANKS:
                return True
            k += 1
        w = _width(ch)
        if k < len(cut) and at < cut[k] < at + w and ch not in _BLANKS:  # (fixed24b) a wide one on a boundary's
            return True  # blank column: the row shifted by an odd number of columns (a byte lost in cp932 text)
        before = ch
        at += w
    return False


def _fixed_rows(lines: Iterable[str], starts: list[int], odd: dict[int, int]) -> Iterator[list[str]]:
    """A fixed-width text's rows; the (1-based) rows whose characters stand on a boundary's blank go into ``odd``."""
    for n, line in enumerate(lines, 1):
        body = line.rstrip("\r\n")
        if len(odd) < ODD_ROWS_KEPT and fixed_width_odd(body, starts):
            odd[n] = 0
        yield split_fixed(body, starts)


def split_fixed(line: str, starts: list[int]) -> list[str]:
    """A line cut at the display columns ``starts`` (a full-width character counts two), each field stripped."""
    if line.isascii():
        return [line[a:b].strip() for a, b in zip(starts, [*starts[1:], len(line) + 1], strict=True)]
    out: list[str] = []
    field_chars: list[str] = []
    at, k = 0, 1
    for ch in line:
        while k < len(starts) and at >= starts[k]:
            out.append("".join(field_chars).strip())
            field_chars, k = [], k + 1
        field_chars.append(ch)
        at += _width(ch)
    out.append("".join(field_chars).strip())
    return out


def _mhtml_tables(data: bytes, budget: CellBudget) -> Iterator[MarkupSheet]:
    """The tables of every HTML part of an MHTML file; a part decoded only in part marks its tables damaged, and
    a damaged file where no table is left is corrupt (not a page without a table)."""
    from . import markup

    damaged, tables = [], 0
    for page, damage in markup.mhtml_html(data):
        if damage:
            damaged.append(damage)
        for table in markup.html_tables(page, budget):
            tables += 1
            if damage:
                table.damage.append(damage)
            yield table
    if damaged and not tables:
        raise ReadError(Status.CORRUPT, join_details((damaged[0], say(Detail.NO_TABLE_DECODED))))


_PART_START = re.compile(rb"(?m)^--[^\r\n]*\r?$")  # a MIME boundary line
_BINARY_PART = re.compile(rb"(?im)^Content-Transfer-Encoding:[ \t]*binary[ \t]*\r?$")
_TEXT_PART = re.compile(rb"(?im)^Content-Type:[ \t]*text/")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


def _zeroed_text(data: bytes) -> tuple[int, int] | None:
    """``zeroed_block`` of a web archive, a run inside a part that is no text, sent ``Content-Transfer-Encoding:
    binary``, left out (Chrome's offline pages: a favicon's mask, an image: review16f, an undamaged page was said
    ``nul-block``)."""
    starts = [m.end() for m in _PART_START.finditer(data)]
    for at, n in zeroed_blocks(data):
        part = starts[i - 1] if (i := bisect.bisect_right(starts, at)) else 0
        blank = _BLANK_LINE.search(data, part, at)  # the part's headers end there
        head = data[part:blank.start() if blank is not None else at]
        if _BINARY_PART.search(head) is None or _TEXT_PART.search(head) is not None:
            return at, n
    return None


def _pre_sheet(name: str, text: str, caps: Caps) -> Sheet | None:
    """A page's ``<pre>`` block read as a text file would be (docs26: a roster aligned with spaces or tabs in
    preformatted text, no ``<table>``, was never read): only when three lines or more have a gap inside them and the
    text reader splits its first lines into columns (tabs, or the straight blank columns of an aligned list), from
    its first such line to its last; prose and code (indented, commas) give None."""
    from . import markup

    lines = text.split("\n")
    gapped = [i for i, ln in enumerate(lines) if markup.GAP_INSIDE.search(ln)]
    if len(gapped) < markup.MIN_PRE_LINES:
        return None
    text = "\n".join(lines[gapped[0]:gapped[-1] + 1]) + "\n"  # (a title above the list or a note below it has no
    # gap: left out, as a mail body's aligned block, or the straight blank columns are not found)
    head = [ln for ln in _first_lines(text[:65536], 50) if ln.strip()]
    if sum(1 for ln in head if markup.GAP_INSIDE.search(ln)) < markup.MIN_PRE_LINES:
        return None  # (code is indented, not aligned inside its lines: most <pre> blocks stop here)
    if _delimiter("\n".join(head)) != "\t" and fixed_width_columns(head) is None:
        return None
    sheet, _ = iter_text_table(text.encode("utf-8"), caps)
    sheet.name = name
    return sheet


def iter_markup(data: bytes, fmt: str, caps: Caps) -> Iterator[Sheet]:
    """The tables of an HTML, MHTML, SpreadsheetML 2003 or Gnumeric XML file (run it in the worker)."""
    from . import markup

    budget = CellBudget(caps)
    try:
        if fmt == "spreadsheetml":
            found = markup.spreadsheetml_tables(data, budget, caps.max_cells)
        elif fmt == "gnumeric":
            found = markup.gnumeric_tables(data, budget)
        elif fmt == "fods":  # the same table XML as an .ods content.xml (entities never expanded, repeats bounded)
            found = markup.odf_tables(iter(data[i:i + (1 << 16)] for i in range(0, len(data), 1 << 16)), budget,
                                      flat=True)
        elif fmt == "mhtml":
            found = _mhtml_tables(data, budget)
        else:
            found = markup.html_tables(data, budget)
        # (damage16: an HTML/XML table with a zeroed block read ok with rows lost)
        zeroed = _zeroed_text(data) if fmt == "mhtml" else zeroed_block(data)
        for table in found:
            budget.next_sheet()
            if table.text is not None:  # a <pre> block: a text table when the text reader finds columns in it
                pre = _pre_sheet(table.name, table.text, caps)
                if pre is not None:
                    yield pre
                continue
            lost = [say(Detail.NUL_BLOCK, n=zeroed[1], at=zeroed[0])] if zeroed is not None else []
            zeroed = None  # said once, on the first table
            yield Sheet(table.name, table.rows, damage=[*table.damage, *lost])
    except ReadError:
        raise
    except MemoryError as e:
        raise ReadError(Status.TOO_LARGE, say(Detail.OUT_OF_MEMORY_PARSING)) from e
    except Exception as e:  # noqa: BLE001 - lxml and email errors of every kind
        raise ReadError(Status.CORRUPT, say(Detail.READER_FAILED, reader=str(fmt), error=error_name(e))) from e


def iter_sqlite(data: bytes, caps: Caps) -> Iterator[Sheet]:
    """The tables of a SQLite database, a sheet each (run it in the worker): read from a private copy in memory."""
    from .sqlitedb import sqlite_sheets

    try:
        yield from sqlite_sheets(data, CellBudget(caps), caps.max_inflated)
    except MemoryError as e:
        raise ReadError(Status.TOO_LARGE, say(Detail.OUT_OF_MEMORY_PARSING)) from e


def iter_access(data: bytes, caps: Caps) -> Iterator[Sheet]:
    """The user tables of an Access database, a sheet each (run it in the worker: scanner.access)."""
    try:
        yield from access_sheets(data, CellBudget(caps))
    except ReadError:
        raise
    except MemoryError as e:
        raise ReadError(Status.TOO_LARGE, say(Detail.OUT_OF_MEMORY_PARSING)) from e
    except Exception as e:  # noqa: BLE001 - bytes the page reader did not foresee: this file's failure, said
        raise ReadError(Status.CORRUPT, say(Detail.READER_FAILED, reader="access", error=error_name(e))) from e


def iter_xml_records(data: bytes, caps: Caps, field_of: FieldOf | None = None, known: Known | None = None
                     ) -> Iterator[Sheet]:
    """The records of an XML export, a sheet per kind (scanner.xmlrecords; run it in the worker)."""
    try:
        yield from record_sheets(data, caps, field_of, known)
    except ReadError:
        raise
    except MemoryError as e:
        raise ReadError(Status.TOO_LARGE, say(Detail.OUT_OF_MEMORY_PARSING)) from e
    except Exception as e:  # noqa: BLE001 - lxml errors of every kind
        raise ReadError(Status.CORRUPT, say(Detail.READER_FAILED, reader="xml", error=error_name(e))) from e


def iter_tables(data: bytes, caps: Caps, fmt: str | None = None, memo: MemoBeside | None = None,
                field_of: FieldOf | None = None, known: Known | None = None) -> tuple[Iterator[Sheet], str | None]:
    """(sheets, text encoding) of any spreadsheet or text table; binary sheets stream their rows. ``memo``: a dBase
    table's memo file as its source found it beside the table. ``field_of``: the person detector's reading of a column
    name (an XML record's parts are columns of their own when they name two kinds of field: scanner.xmlrecords);
    ``known``: whether it reads a column name as a header word at all (an XML record's coded tags it does not know are
    left out of the header row)."""
    fmt = fmt or sniff_format(data)
    note = encryption_note(data, fmt)
    if note:
        raise ReadError(Status.ENCRYPTED, note)
    if fmt in BINARY_FORMATS:
        return map(aligned_in_one_column, iter_workbook(data, fmt, caps)), None
    if fmt in MARKUP_FORMATS:
        return iter_markup(data, fmt, caps), None
    if fmt == "text":
        sheet, encoding = iter_text_table(data, caps)
        return iter([sheet]), encoding
    if fmt == "sqlite":  # a database: a sheet per table (scanner.sqlitedb)
        return iter_sqlite(data, caps), None
    if fmt == "access":  # an Access database: a sheet per user table (scanner.access, Session 17)
        return iter_access(data, caps), None
    if fmt == "vcard":  # an address book: a row per card (scanner.vcard)
        return iter([iter_vcards(data, caps)]), None
    if fmt == "json":  # an export of records: a sheet per array of objects (scanner.jsontables)
        return iter_json(data, caps), None
    if fmt == "xml":  # an XML export of records: a sheet per kind of record (scanner.xmlrecords, xml19)
        return iter_xml_records(data, caps, field_of, known), None
    if fmt == "sylk":  # a SYLK spreadsheet (.slk: Excel, Multiplan, old accounting programs): its cells (scanner.sylk)
        return iter_sylk(data, caps), None
    if fmt == "dif":  # a DIF spreadsheet (.dif: Excel, LibreOffice, Lotus): a row per tuple (scanner.dif, wild19)
        return iter_dif(data, caps), None
    if fmt == "sqldump":  # a database dump: a sheet per table's rows (scanner.sqldump)
        return iter_sql_dump(data, caps), None
    if fmt in STATS_FORMATS:  # SPSS, Stata, SAS data: a row per case (scanner.statsdata, Session 15)
        return stats_sheets(data, fmt, caps), None
    if fmt == "dbf":  # a dBase / FoxPro table: a row per record (scanner.dbase, Session 16)
        return dbf_sheets(data, caps, memo), None
    if fmt in DOCUMENT_FORMATS:  # a Word, OpenDocument text or RTF document: a sheet per table (scanner.doctables)
        return document_sheets(data, fmt, caps, sniff_delimiter), None
    if fmt == "pdf":  # a PDF's page text as rows (scanner.pdftext, pdftext24)
        return pdf_sheets(data, caps), None
    if fmt == "empty":
        return iter(()), None
    raise ReadError(*unreadable_reason(fmt))


_PADDING = re.compile("[ \u3000]{2}")


def aligned_in_one_column(sheet: Sheet) -> Sheet:
    """A sheet whose only filled column holds a hand-aligned list a line a cell (a .prn or a mail's list opened in
    Excel without the text import wizard) cut at the lines' blank columns as a fixed-width text is (damage25: it
    read as one column of text, no person). Any other sheet as it was; only its first rows are looked at here."""
    if sheet.origin is not None:
        return sheet
    sheet.rows = _aligned_rows(sheet.rows)
    return sheet


def _aligned_rows(rows: Iterable[Sequence[object]]) -> Iterator[Sequence[object]]:
    """The rows of :func:`aligned_in_one_column`, decided on their first 50 when the reader reaches them (lead,
    session 25: read at once when the sheet was met, a cap hit in those rows was raised outside the reader's watch
    and a workbook over the cell cap lost "examined up to row N"; the rows read before a failure are still given)."""
    rest = iter(rows)
    head: list[Sequence[object]] = []
    try:
        for row in rest:
            head.append(row)
            if len(head) == 50:
                break
    except Exception:
        yield from head  # the rows before the failure are examined as they were; the failure is the reader's
        raise
    col, lines = -1, []
    for row in head:
        filled = list(islice((i for i, c in enumerate(row) if c is not None and c != ""), 2))  # (two tell)
        if not filled:
            continue
        if len(filled) > 1 or (col >= 0 and filled[0] != col) or not isinstance(row[filled[0]], str):
            col = -2
            break
        col = filled[0]
        lines.append(str(row[col]))
    # aligned: a run of two blanks or more on two lines of three (a column of 山田　太郎 names is no aligned list)
    aligned = sum(1 for v in lines if _PADDING.search(v.strip(" \u3000")) and "\n" not in v)
    starts = (fixed_width_columns(lines) if col >= 0 and len(lines) >= 3 and 3 * aligned >= 2 * len(lines)
              else None)
    if starts is None:
        yield from head
        yield from rest
        return
    for row in chain(head, rest):
        yield _split_cell(row, col, starts)


def _split_cell(row: Sequence[object], col: int, starts: list[int]) -> Sequence[object]:
    """``row`` with its text cell ``col`` cut at the fixed-width ``starts`` when it is the row's only filled cell (a
    line of the list); any other row as it is (review25d: a table below the list, past the 50 rows looked at, lost
    every cell right of ``col``: a 名簿 there read 0 persons, ok)."""
    cell = row[col] if len(row) > col else None
    if not isinstance(cell, str) or any(c is not None and c != "" for i, c in enumerate(row) if i != col):
        return row
    return [*row[:col], *split_fixed(cell, starts)]


def read_tables(data: bytes, caps: Caps, fmt: str | None = None) -> Workbook:
    """Any spreadsheet or text table with every row in memory (tests and tools)."""
    fmt = fmt or sniff_format(data)
    sheets, encoding = iter_tables(data, caps.fresh(), fmt)
    return Workbook(fmt, [Sheet(s.name, list(s.rows), s.first_row, s.first_col, s.notes, s.damage) for s in sheets],
                    encoding)


_UNREADABLE: dict[str, tuple[Status, Detail]] = {
    "zip-corrupt": (Status.CORRUPT, Detail.ZIP_CORRUPT),
    "ole-corrupt": (Status.CORRUPT, Detail.OLE_CORRUPT),
    "ooxml-no-workbook": (Status.CORRUPT, Detail.OOXML_NO_WORKBOOK),
    "ole-other": (Status.UNSUPPORTED, Detail.OLE_OTHER),
    "zip-other": (Status.UNSUPPORTED, Detail.ZIP_OTHER),
    "binary": (Status.UNSUPPORTED, Detail.BINARY),
    "xml": (Status.UNSUPPORTED, Detail.XML_OTHER),
}


def unreadable_reason(fmt: str) -> tuple[Status, str]:
    """Status and detail for a content kind that is not a readable table (only its own detail is said: this runs
    for every fake spreadsheet settled in the scan process)."""
    known = _UNREADABLE.get(fmt)
    return (Status.UNSUPPORTED, fmt) if known is None else (known[0], say(known[1]))
