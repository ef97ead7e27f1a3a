"""SpreadsheetInspector: which files hold personal records (names with addresses), and how many.

Candidates are picked cheaply (extension, or PK / D0 CF 11 E0 leading bytes for unknown extensions such
as a renamed .dat, or Excel's XML/HTML namespaces at the head of an .xml or .htm); the format is then
decided from content. Every table format (binary workbooks, markup tables saved as .xls, text tables) is
parsed in a killable worker process (scanner.isolation: the scan's pool worker itself, or the shared
worker when a file is read again) under the cell, inflated-size and time caps. A workbook that cannot
be read gets a precise status (encrypted, corrupt, unsupported, too-large, timeout), never "no personal
data"; a damaged one that still yields records is a hit that says what was damaged (``decoding: partial
(N bytes replaced)``, or ``corrupt`` when its rows stop at a cut).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .. import doctail
from ..access import access_objects, is_access
from ..codes import Reason, SheetKind, Status
from ..config import MiB, ScanConfig
from ..contenttype import content_type
from ..contracts import Inspection, ScanContext
from ..dbase import MemoBeside, is_dbf
from ..decrypt import protected_kind, unlock_workbook
from ..details import Detail, codes_of, join_details, say
from ..doctables import (
    DOCUMENT_EXTS,
    DOCUMENT_FORMATS,
    FLAT_PACKAGE,
    RTF_UTF16,
    SLIDES_EXTS,
    W_2003,
    WORD97_EXTS,
    cut_in_root,
    document_kind,
    without_tables,
    zip_without_tables,
)
from ..errors import ReadError
from ..isolation import shared_worker
from ..jsontables import holds_records
from ..models import Entry, PersonRecord
from ..names import behind_suffix, split_ext
from ..olefiles import held_ole
from ..ooxml import held_zip
from ..pageends import open_at_end
from ..passwords import opened_with
from ..ppt97 import holds_ppt, holds_ppt_stream
from ..sheet import CellBudget, Sheet
from ..sources.memo_beside import memo_of
from ..sources.split_series import is_part_name
from ..sqlitedb import wal_frames
from ..statsdata import STATS_FORMATS
from ..sylk import sylk_cells
from ..tables import (
    BINARY_FORMATS,
    GNUMERIC_NAMESPACES,
    MARKUP_FORMATS,
    NO_DELIMITER,
    OLE_MAGIC,
    SQLITE_MAGIC,
    ZIP_MAGIC,
    Caps,
    PhoneColumn,
    damaged_head,
    iter_tables,
    signature_damaged,
    sniff_format,
    unreadable_reason,
    web_archive_kind,
)
from ..textdecode import euc_damaged, narrowed
from ..word97 import holds_word97
from ..xmlrecords import head_text, opens_document
from . import embedded, salvage
from . import legacy_embedded as legacy
from .archive import ArchiveInspector, add_note, holds_archive, sniff_unsupported
from .archive_formats import zip_names_no_member
from .archive_members import archive_depth
from .disguise import (
    HEADER_LINES,
    LABELS,
    MARKUP_CHECK,
    TAR_CHECK,
    TEXT_CHECK,
    TEXT_FAMILIES,
    Disguise,
    checked_entry_ext,
    checked_ext,
    column_field,
    expected,
    family_of,
    last_bytes,
    records_head,
    records_past_head,
    records_tail,
    table_head,
)
from .disguise import check as disguise_check
from .mail import OUTLOOK_MESSAGE_EXTS
from .mail_mime import cut_in_header
from .mail_outlook import msg_directory_damage, renamed_msg_read

if TYPE_CHECKING:  # the classifiers are imported where sheets are read (a worker), not in every scan process
    from ..detectors.pii import SheetFinding

SHEET_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".xlsb", ".xlam", ".ods",
                              ".ots", ".csv", ".tsv", ".txt", ".tab", ".prn", ".xlw",  # .xlw: Excel 4.0 workbook
                              ".vcf", ".vcard"})  # an address book's contacts (scanner.vcard)
LOCKABLE_FORMATS = ("ole-encrypted", "xls")  # what msoffcrypto-tool opens with a password (OOXML, .xls)
TEXT_EXTENSIONS = frozenset({".csv", ".tsv", ".txt", ".tab", ".prn"})
GNUMERIC = ".gnumeric"  # gzipped XML: the archive inspector inflates it, its member (the XML) is read here
# extensions of markup that may be a table: read only when Excel's namespace is at the head
FODS = ".fods"  # a flat OpenDocument spreadsheet: one XML file holding what an .ods's content.xml holds
MARKUP_EXTENSIONS = frozenset({".xml", ".htm", ".html", GNUMERIC, FODS})
# a web page in one file: Excel's "single file web page" (MIME, X-Document-Type: Workbook) is saved as .mht, a
# browser's "Save as MHTML" / "Web archive" as .mhtml/.mht (Session 9: read too; a page without a table gives none)
WEB_ARCHIVES = frozenset({".mht", ".mhtml"})
EXCEL_MARKS = (b"urn:schemas-microsoft-com:office:spreadsheet", b"urn:schemas-microsoft-com:office:excel",
               "urn:schemas-microsoft-com:office:spreadsheet".encode("utf-16-le"),
               "urn:schemas-microsoft-com:office:excel".encode("utf-16-le"),
               *(ns.encode() for ns in GNUMERIC_NAMESPACES))  # a Gnumeric workbook's XML (its namespace: of 1.2 on
# and before, review16c: a Gnumeric 1.0 workbook saved as .xml ended as nothing), saved as .xml
# documents whose package may be a workbook renamed (an .xlsx named 報告.docx): read when their zip directory names
# a workbook part (read once with the archive inspector's look for embedded objects), an OpenDocument file when its
# mimetype says spreadsheet; listed ``extension-mismatch``
DOCUMENT_PACKAGES = frozenset({*(e for e in doctail.OOXML_EXTS if e not in doctail.WORKBOOK_EXTS), ".odt", ".odp", ".ott",
                               ".otp", ".odg", ".sxw", ".stw"})
_PACKAGE_FORMATS = ("xlsx", "xlsb", "ods", "ooxml-no-workbook")
_DOCUMENT_HEADS = (ZIP_MAGIC, b"PK\x05\x06", b"{\\rt", *RTF_UTF16)  # a Word or OpenDocument package, an RTF
# the end of a zip searched for a document's part names (its central directory: a zip of 50,000 members holds less)
PACKAGE_NAMES_TAIL = 4 * MiB
# a document up to this size is checked for a table element in the scan process (its parts inflated up to the second)
DOCUMENT_CHECK, DOCUMENT_CHECK_INFLATED = 1 * MiB, 8 * MiB
# an AppleDouble file (RFC 1740): what macOS writes as "._NAME" beside a file it copies off APFS / HFS+ (Session 9 review)
APPLEDOUBLE_MAGIC = b"\x00\x05\x16\x07"
_ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"  # the first member, stored (ODF 1.2 3.3)
_ODT_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.text"
# in a compound file's directory: a Word document's main stream, or its table streams (the main one's name damaged)
_WORD_STREAM_NAMES = tuple(name.encode("utf-16-le") for name in ("WordDocument", "1Table", "0Table"))
WORDML_MARK = W_2003.encode()  # Word 2003 XML's namespace, at the head of its one file (scanner.doctables)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # a Word 2003 XML file saved in UTF-16 (review18g)
_FODT_MARK = b"application/vnd.oasis.opendocument.text"  # a flat OpenDocument text's office:mimetype (review18g)
PPT97_EXTS = frozenset({".ppt", ".pps", ".pot"})  # PowerPoint 97-2003: its tables and notes (scanner.ppt97, docs22)
# known containers of other kinds: never sniffed for a workbook (the archive inspector handles zips)
OTHER_EXTENSIONS = frozenset({
    ".zip", ".jar", ".apk", ".epub", *OUTLOOK_MESSAGE_EXTS,
    ".msi", ".7z", ".lzh", ".gz", ".tar", ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff",
    ".mp3", ".mp4", ".mov", ".avi", ".wav", ".exe", ".dll", ".sys", ".so", ".py", ".js",
    ".css", ".log", ".ini", ".lnk", ".jtd"})
# JSON: read when its head shows records (an array of objects, JSON Lines, an object keyed by id: scanner.jsontables)
JSON_EXTENSIONS = frozenset({".json", ".jsonl", ".ndjson", ".jsonc", ".json5"})  # JSONC, JSON5 (damage17)
# tables in formats no installed library reads: listed ``unsupported`` with the format's name, never passed as
# clean (a client list kept in Access or Numbers is as much a leak as one in Excel)
UNREAD_TABLES = {
    ".numbers": "Apple Numbers spreadsheet", ".mdb": "Microsoft Access database", ".accdb": "Microsoft Access database",
    ".mde": "Microsoft Access database", ".accde": "Microsoft Access database",  # read by scanner.access (Session 17)
    ".dbf": "dBase table", ".wk1": "Lotus 1-2-3 worksheet", ".wk3": "Lotus 1-2-3 worksheet",
    ".wk4": "Lotus 1-2-3 worksheet", ".123": "Lotus 1-2-3 worksheet", ".wks": "Lotus/Works worksheet",
    ".qpw": "Quattro Pro notebook", ".wb1": "Quattro Pro notebook", ".wb2": "Quattro Pro notebook",
    ".wb3": "Quattro Pro notebook", ".wq1": "Quattro Pro notebook", ".wq2": "Quattro Pro notebook",
    ".wke": "Lotus 1-2-3 worksheet", ".slk": "SYLK spreadsheet", ".sylk": "SYLK spreadsheet",
    ".dif": "DIF spreadsheet",  # read by scanner.dif when its bytes open with DIF's TABLE topic (wild19)
    ".sxc": "StarOffice Calc spreadsheet", ".stc": "StarOffice Calc spreadsheet",
    # address books in formats no reader here takes (a vCard .vcf is read: scanner.vcard)
    ".fwa": "Fudemame address book", ".wab": "Windows Address Book", ".contact": "Windows Contacts contact",
    # statistics programs' data files: survey and register microdata, a respondent or patient a row (wild14)
    ".sav": "SPSS data file", ".zsav": "SPSS data file", ".por": "SPSS portable file", ".dta": "Stata data file",
    ".sas7bdat": "SAS data set", ".xpt": "SAS transport file",
}
ACCESS_EXTENSIONS = frozenset({".mdb", ".accdb", ".mde", ".accde"})  # read when their bytes are an Access database's
SYLK_EXTENSIONS = (".slk", ".sylk")  # read by scanner.sylk; listed unsupported when they hold no SYLK cells
# a Numbers document saved as a package folder (``顧客.numbers/Index/Document.iwa``, ``Tables/DataList-*.iwa``: Snappy
# framed protobuf, no reader here) or such a folder zipped: each part is listed as the zipped document is (wild16:
# masaccio/numbers-parser test-5.numbers ended as nothing); a Pages or Keynote folder's parts are no tables
IWORK_PART = ".iwa"
NUMBERS_FOLDER = "Apple Numbers spreadsheet saved as a folder"
_NUMBERS_DIR = re.compile(r"\.numbers[/\\]", re.IGNORECASE)


def numbers_part(entry: Entry) -> bool:
    """Whether ``entry`` is a part (``.iwa``) of a Numbers document saved as a folder, inside one or in a zip of one."""
    if split_ext(entry.name)[1].casefold() != IWORK_PART:
        return False
    where = entry.location
    return any(_NUMBERS_DIR.search(p) for p in (where.path, *(h.name for h in where.containers)))


# names other programs use too (a game's .sav, a .dta of another tool): a table format only with its own magic
# (formats 102-115; 102 writes no byte order, pandas' stata1_102.dta: 102-104 ended as nothing, wild20)
_STATA_OLD = (b"\x66\x00\x01", *(bytes((version, order, 1)) for version in range(0x66, 0x74) for order in (1, 2)))
# SPSS 21+ saves with a password inside an encrypted wrapper: a fixed header, ENCRYPTEDSAV at offset 8 (PSPP's
# "Encrypted File Wrappers"; review14i: ended as nothing)
_SPSS_ENCRYPTED = b"\x1c\x00\x00\x00\x00\x00\x00\x00ENCRYPTEDSAV"
_SAS_CPORT = b"**COMPRESSED** **COMPRESSED**"  # SAS CPORT transport files, named .xpt too (review14i: ended as nothing)
# (.zsav is SPSS's own name: read whatever its bytes, a damaged one listed by the reader, damage16)
UNREAD_TABLE_MAGIC = {".sav": (b"$FL2", b"$FL3", _SPSS_ENCRYPTED), ".dta": (b"<stata_dta>", *_STATA_OLD),
                      ".xpt": (b"HEADER RECORD*******", _SAS_CPORT)}
_SAS7BDAT_MAGIC = bytes(12) + bytes.fromhex("c2ea8160b31411cfbd92080009c7318c181f1011")
# the magics strong enough to tell a statistics data file under any name (名簿.dat, export.bin, none): the product
# string's "@(#) " after $FL2/$FL3 (SPSS, PSPP and ReadStat write one), its encrypted wrapper, Stata 13+'s XML-like header,
# SAS7BDAT's 32 bytes, the XPORT and CPORT headers (Stata's older 3-byte header is too weak for any name)
_STATS_BY_MAGIC: tuple[tuple[tuple[bytes, ...], str], ...] = (
    ((b"$FL2@(#) ", b"$FL3@(#) ", _SPSS_ENCRYPTED), ".sav"),  # "@(#) IBM SPSS STATISTICS ...", "@(#) SPSS DATA FILE ..."
    ((b"<stata_dta>",), ".dta"), ((_SAS7BDAT_MAGIC,), ".sas7bdat"),
    ((b"HEADER RECORD*******LIBRARY HEADER RECORD", _SAS_CPORT), ".xpt"))


_FIRST_FIELD = re.compile(rb"[!-9;-~]+:")


def _cut_web_archive(data: bytes) -> bool:
    """A web archive (.mht) that starts with a header field and ends inside its header block (a page saved as
    plain HTML, indented, is none)."""
    return _FIRST_FIELD.match(data) is not None and cut_in_header(data)


def stats_by_magic(head: bytes) -> str | None:
    """The extension of the statistics data format ``head`` opens (under any name), or None (Session 15)."""
    return next((ext for magics, ext in _STATS_BY_MAGIC if head.startswith(magics)), None)


def unread_table(ext: str, head: bytes) -> bool:
    """Whether a file named ``ext`` is a table in a format no reader here takes (by its magic when the name is
    shared with other programs' files)."""
    if ext not in UNREAD_TABLES:
        return False
    magics = UNREAD_TABLE_MAGIC.get(ext)
    return magics is None or head.startswith(magics) or (  # a file cut inside its magic (damage16: ended as nothing)
        1 < len(head) < max(map(len, magics)) and any(m.startswith(head) for m in magics)) or (
        ext == ".dta" and _stata_old_flipped(head))


_STATA_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_]{0,31}\x00")


def _stata_old_flipped(head: bytes) -> bool:
    """Whether ``head`` is a Stata 102-115 file with one byte of its 3-byte magic (format, byte order, 1) damaged
    (damage21: such a .dta ended as nothing): the header behind the magic read as each format puts it, its variable
    count 1-32767, every type byte one of that format's, and each of the first variable names an identifier ending
    in NUL where the format puts it."""
    if len(head) < 16 or head[:3] in _STATA_OLD or head[3] != 0:
        return False
    for version in range(0x66, 0x74):
        for order in (1, 2):
            magic = bytes((version, order, 1))
            if sum(a != b for a, b in zip(head[:3], magic, strict=True)) != 1:
                continue
            nvar = int.from_bytes(head[4:6], "big" if order == 1 else "little")
            types = 10 + (32 if version < 108 else 81) + (18 if version >= 105 else 0)
            names = types + nvar
            width = 9 if version < 110 else 33
            if not 0 < nvar <= 32767 or len(head) < names + width * min(nvar, 4):
                continue
            kinds = head[types:names]
            ok_types = (all(t in b"bilfd" or t >= 0x80 for t in kinds) if version < 111
                        else all(1 <= t <= 244 or t >= 251 for t in kinds))
            if ok_types and all(_STATA_NAME.match(head, names + k * width) for k in range(min(nvar, 4))):
                return True
    return False

# the smallest file with an extension nobody knows whose head is checked for a person table's header line: a
# header of two fields and one row hold more (``氏名,電話\nA,1\n`` is 16 bytes in UTF-8) (Session 13: was 512)
SNIFF_MIN = 16


def table_behind_suffix(name: str) -> bool:
    """Whether a name is a table's (a sheet, a text table, a table format no library reads) with a backup,
    temporary-copy, download or number suffix after it (``名簿.xlsx.bak``, ``名簿.csv~``, ``名簿.csv.1000``).
    ``X.EXT.NNN`` (three digits) is a split file's part: its series decides (scanner.sources.split_series)."""
    inner = behind_suffix(name)
    if not inner or is_part_name(name):
        return False
    ext = split_ext(inner)[1].casefold()
    return ext in SHEET_EXTENSIONS or ext in UNREAD_TABLES


def claimed_ext(name: str) -> str:
    """The extension a name claims for its content: its own, or a table's before a backup/number suffix
    (``名簿.xlsx.bak`` claims ``.xlsx``: bytes that are no workbook are listed as under ``名簿.xlsx``)."""
    ext = split_ext(name)[1].casefold()
    if ext in SHEET_EXTENSIONS or ext in UNREAD_TABLES or not table_behind_suffix(name):
        return ext
    return split_ext(behind_suffix(name))[1].casefold()


def _owner_file(head: bytes) -> bool:
    """Whether a small ``~$`` file's bytes are an Office owner file (a user name), not a table or anything else."""
    from ..detectors.lockfile import LockFormatError, looks_like_mso_owner, parse_mso_owner, text_not_owner

    if table_head(head) or head.startswith((ZIP_MAGIC, OLE_MAGIC)) or text_not_owner(head):
        return False

    try:
        parse_mso_owner(head)
    except LockFormatError:
        return looks_like_mso_owner(head)  # an odd layout of one (no user name read): still no table
    return True

# SQLite databases: read by content under any name (scanner.sqlitedb); under these names a file without SQLite's header
# is said (an encrypted database has none), under the extensions only SQLite uses even when it is not random
SQLITE_EXTENSIONS = frozenset({".db", ".sqlite", ".sqlite3", ".db3", ".sqlitedb"})
SQLITE_ONLY = frozenset({".sqlite", ".sqlite3", ".db3", ".sqlitedb"})
WAL_SUFFIX = "-wal"  # a SQLite write-ahead log beside its database (places.sqlite-wal, contacts2.db-wal)

OUTLOOK_STREAM = "__substg1.0_".encode("utf-16-le")  # in an Outlook .msg's compound-file directory


def caps_for(config: ScanConfig, size: int) -> Caps:
    """Cell cap and timeout from the config; inflated-bytes cap from the archive caps (ratio, total)."""
    inflated = max(64 * MiB, min(config.max_archive_total, size * config.max_archive_ratio))
    return Caps(max_cells=config.max_cells, max_inflated=inflated, timeout=config.parse_timeout)


@dataclass
class Reading:
    """How a file's tables were read, beside the findings: facts for the finding, damage for its status."""

    sheets: int = 0
    encoding: str | None = None  # text tables only
    notes: list[str] = field(default_factory=list)  # "decoding: partial (3 bytes replaced)", "quoting: ..."
    damage: list[str] = field(default_factory=list)  # why some rows were never read (a cut file)
    unread: list[str] = field(default_factory=list)  # parts holding rows that could not be decoded (scanner.caches)
    # a cap reached while reading (too-large: --max-cells, the file's total; timeout: --parse-timeout): its status
    # and detail, with how far the file was read; the rows read before it were examined (:func:`analyse_bytes`)
    stopped: tuple[Status, str] | None = None

    def facts(self) -> dict[str, Any]:
        """What the ``pii`` block says about the reading: encoding, decoding, every note and damage."""
        out: dict[str, Any] = {"encoding": self.encoding} if self.encoding else {}
        for note in self.notes:
            if note.startswith("decoding: "):
                out["decoding"] = note.removeprefix("decoding: ")
        shown = ([self.stopped[1]] if self.stopped else []) + self.damage + [
            n for n in self.notes if n != NO_DELIMITER] + self.unread
        if shown:
            out["reading"] = shown
        return out

    @property
    def garbled(self) -> bool:
        """Some bytes could not be decoded, or the decoding reads as noise."""
        return any(n.startswith("decoding: ") for n in self.notes)


def analyse_salvaged(data: bytes, caps: Caps) -> tuple[list[SheetFinding], str, Reading] | None:
    """``analyse_bytes`` of a damaged workbook zip rebuilt from its local headers (in the worker): findings, the
    rebuilt format, reading; None when no sheet is left. The reading's damage says what was rebuilt and lost;
    workbooks joined in one file are rebuilt and read each on its own, their findings and readings joined."""
    findings: list[SheetFinding] = []
    reading: Reading | None = None
    fmt = ""
    for rebuilt, what in salvage.rebuild(data, caps.max_inflated):
        fmt = sniff_format(rebuilt)
        if fmt not in BINARY_FORMATS:
            continue
        found, _, read = analyse_bytes(rebuilt, fmt, caps)
        read.damage.insert(0, what)
        findings += found
        if reading is None:
            reading = read
        else:
            reading.sheets += read.sheets
            reading.notes += read.notes
            reading.damage += [d for d in read.damage if d not in reading.damage]
            reading.unread += read.unread
    return None if reading is None else (findings, fmt, reading)


def analyse_bytes(data: bytes, fmt: str, caps: Caps,
                  memo: MemoBeside | None = None) -> tuple[list[SheetFinding], int, Reading]:
    """Read + classify + count in one pass (in the worker for binary formats): findings, sheets, reading (``memo``:
    a dBase table's memo file as its source found it).

    Sheets are analysed while they stream out of the reader, so rows are never all held at once.
    """
    from ..detectors.headerless import names_a_column
    from ..detectors.pii import SHEET_NOTES, analyse_sheet

    widening = None
    if fmt in ("text", *MARKUP_FORMATS) and (wide := narrowed(data)) is not None:  # 8-bit text widened with NULs
        data, widening = wide[0], say(Detail.NUL_WIDENED, n=wide[1])
        fmt = again if (again := sniff_format(data)) in ("text", *MARKUP_FORMATS) else fmt
    caps = caps.fresh()  # this reading's own cell total and clock (scanner.sheet.Spent), not a reading before it
    sheets, encoding = iter_tables(data, caps, fmt, memo, field_of=column_field, known=names_a_column)
    findings = []
    reading = Reading(encoding=encoding, damage=[widening] if widening else [])
    repeats = CacheRepeats()
    stop = _Stop()
    for sheet in _until_capped(sheets, stop, reading):
        if sheet.origin is None and not sheet.unread:
            reading.sheets += 1
        stop.start(sheet)
        noted = SHEET_NOTES.set(sheet.notes)  # a detector's cap that cut the sheet's reading short is said there
        watched = (_RowsWithPerson(sheet.odd_rows, sheet.odd_cut, sheet.shifted_rows, sheet.garbled_rows,
                                   sheet.ragged_rows)
                   if fmt in ("text", "pdf", "html", "mhtml") else None)
        # (a PDF's page text: its lines parted at tabs, one with a tab flipped: pdf25; a page's <pre> roster read by
        # the text reader, docs26: its rows out of step were unsaid, sweep26; a <table>'s sheet has no odd rows)
        try:
            with watched or _NO_WATCH:
                if fmt == "text" and len(data) <= TINY_TEXT and sheet.origin is None and not sheet.cached_later:
                    sheet.rows = list(sheet.rows)  # every row (the classifier's first islice would take them all)
                    found = None if holds_no_person(sheet.rows) else repeats.analyse(sheet, analyse_sheet)
                else:
                    found = repeats.analyse(sheet, analyse_sheet)
        finally:
            SHEET_NOTES.reset(noted)
        if iter(sheet.rows) is sheet.rows:  # a stream the classifier did not finish: read on (a text table's damage
            for _ in sheet.rows:           # and decoding notes come at its end, and the caps apply to every row)
                pass
        if watched is not None and found is not None and (lost := watched.lost(found)):
            reading.damage.append(say(Detail.ROWS_MALFORMED, n=lost))
        reading.notes += sheet.notes
        reading.damage += sheet.damage
        reading.unread += sheet.unread
        if found is not None:
            if sheet.origin is None:
                found.index = reading.sheets
            found.origin = sheet.origin  # a pivot or external-link cache: no position among the sheets
            if fmt in ("vcard", "sqldump", "json", "xml"):
                found.header_row = None  # the header is scanner.vcard's or the dump's columns, not a row of the file
            findings.append(found)
        if stop.error is not None:
            break  # the file's cells or time are spent: no later sheet is read
    if stop.error is not None:
        reading.stopped = stop.said(caps)
    if not findings and fmt == "text" and reading.stopped is None and _table_rows(data[:1 << 20]) and not _MARKUP_START.match(data):
        # HTML table rows in a text that does not start as markup (its head lost, chunks shuffled): read as HTML too
        as_html, sheets_html, read_html = analyse_bytes(data, "html", caps)
        if as_html:  # a page whose lines start as markup is damaged; a CSV holding markup in its cells is not
            if _markup_lines(data[:1 << 20]):
                read_html.damage.insert(0, say(Detail.MARKUP_HEAD_LOST))
            else:
                read_html.notes.insert(0, say(Detail.HTML_IN_CELLS))
            return as_html, sheets_html, read_html
    return findings, reading.sheets, reading


# a text of at most this many bytes has at most TINY_TEXT + 1 rows, fewer than the classifier's first rows
# (pii.HEADER_SCAN_ROWS + plan.SAMPLE_ROWS = 520): it reads them all before it decides anything, so they may be held
TINY_TEXT = 512
_PLAIN_CELL = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x2f\x3a-\x7f]*")  # ASCII, no digit, no line break


def holds_no_person(rows: Sequence[Sequence[object]]) -> bool:
    """Whether the classifier (pii.analyse_sheet) must find nothing in ``rows``, all of a sheet's: one column of
    ASCII cells without digits or line breaks (a tiny text's ``memo`` lines: issue 11, 160-280 us a file). Why, by
    the rules: rows of one cell each take the one-column path (pii._one_column), where only three rules can find
    anything, each needing what such cells lack: an address label (pii._label_finding: a cell with a line break, or
    labels.has_label_mark's 〒, 様, 殿 or a dddd-dddd postal code), a form (pii._form_finding keeps a person only with
    a CJK character in the address) and a table further down (pii._later_table: every window it tries is these rows
    again, classified with ``later=False``, so one-column again: label or form only). No rule has another effect (a
    record handed over, a note said) on that path. tests/test_tinytext24.py compares both ways."""
    return all(len(r) <= 1 and (not r or (isinstance(c := r[0], str) and _PLAIN_CELL.fullmatch(c) is not None))
               for r in rows)


class _RowsWithPerson:
    """Which of a text table's odd rows (``Sheet.odd_rows``: another field count than the header's, nearly every field
    filled) gave a person, seen as the records are handed over (a scan keeps only a sheet's first records). An odd row
    below the header that gave none lost its person to a shifted column (a flipped delimiter, a lost quote: csv22);
    one that gave a person (a row leaving out its empty last fields) was read."""

    def __init__(self, odd: dict[int, int], cut: bool = False, shifted: set[int] | None = None,
                 garbled: set[int] | None = None, ragged: set[int] | None = None) -> None:
        self.odd = odd
        self.ragged = ragged if ragged is not None else set()  # short odd rows in step (Excel-ragged: damage26)
        self.cut = cut  # every odd row counts (a fixed-width row shifted: a person read from it has cut values)
        self.shifted = shifted if shifted is not None else set()  # rows with their phone a column off (damage23)
        self.garbled = garbled if garbled is not None else set()  # shifted rows said even with a person (damage25b)
        self.got: set[int] = set()
        self.token: Any = None

    def __enter__(self) -> _RowsWithPerson:
        from ..detectors.pii import RECORD_SINK

        outer = RECORD_SINK.get()
        if outer is not None:
            odd, got, shifted, learnt = self.odd, self.got, self.shifted, PhoneColumn.LEARN_ROWS

            def watch(rec: PersonRecord) -> None:
                if rec.row in odd or rec.row <= learnt or rec.row in shifted:  # (the first rows are said shifted
                    got.add(rec.row)                                          # only once the column is learnt)
                outer(rec)

            self.token = RECORD_SINK.set(watch)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.token is not None:
            from ..detectors.pii import RECORD_SINK

            RECORD_SINK.reset(self.token)

    def lost(self, found: SheetFinding) -> int:
        """Odd rows below the person table's header (or its first record) that gave no person."""
        if not (self.odd or self.shifted) or found.kind == SheetKind.NAMES or not found.count:
            return 0
        got = self.got | {r[0] for r in found.rows if r[0] in self.odd or r[0] in self.shifted}
        top = found.header_row if found.header_row is not None else min(r[0] for r in found.rows) - 1
        if self.cut:
            return sum(1 for r in self.odd if r > top)
        # a field count that gave a person is the table's own shape (a title line's count taken for the header's,
        # every row ending in a comma, 備考 left out where empty): its rows without one are company or total rows
        shapes = {self.odd[r] for r in got if r in self.odd}
        odd = sum(1 for r, n in self.odd.items() if r > top and r not in got and n not in shapes and r not in self.ragged)
        # a row whose phone stands a column off is out of step whatever its field count (a flip into the table's own)
        # (damage25b) a row off a kana column gave a changed person (a name or address holding another field's value)
        return odd + sum(1 for r in self.shifted if r > top and (r not in got or r in self.garbled)
                         and (r not in self.odd or self.odd[r] in shapes or r in self.garbled and r in got))


class _NoWatch:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NO_WATCH = _NoWatch()


CAPS_HIT = (Status.TOO_LARGE, Status.TIMEOUT)  # what a cap raises while a file is read: the part read is examined


class _Stop:
    """Where a file's reading stopped at a cap (the cells of --max-cells, the time of --parse-timeout): each sheet's
    rows pass through :meth:`rows`, which ends them at the cap's ReadError (kept) so that the classifier finishes on
    the rows read before it: 40 persons at the top of a sheet too large to read whole are found and counted, and the
    file is listed with the cap and how far it was read, never as nothing (Session 14)."""

    def __init__(self) -> None:
        self.error: ReadError | None = None
        self.sheet = 0  # the sheet or table being read (1-based, caches counted)
        self.row = 0  # the sheet's row last read (its own numbering)

    def start(self, sheet: Sheet) -> None:
        self.sheet += 1
        self.row = sheet.first_row - 1
        sheet.rows = self.rows(sheet.rows)

    def rows(self, rows: Iterable[Sequence[object]]) -> Iterator[Sequence[object]]:
        try:
            for row in rows:
                self.row += 1
                yield row
        except ReadError as e:
            if e.reason not in CAPS_HIT:
                raise
            self.error = e

    def said(self, caps: Caps) -> tuple[Status, str]:
        """The cap's status and detail, and how far the file was read (never raises: a failure path)."""
        assert self.error is not None
        try:
            far = say(Detail.READ_UP_TO, row=max(self.row, 0), sheet=max(self.sheet, 1), cells=caps.spent.cells)
        except Exception:  # noqa: BLE001 - said while a failure is recorded: the cap's own words stay
            return self.error.reason, self.error.detail
        return self.error.reason, join_details((self.error.detail, far))


def _until_capped(sheets: Iterator[Sheet], stop: _Stop, reading: Reading) -> Iterator[Sheet]:
    """``sheets`` until a cap stops the reader between two of them (the next sheet's size, a cache over the file's
    cells): kept in ``stop`` once a sheet was read, raised as before when the cap comes before any."""
    while True:
        try:
            sheet = next(sheets)
        except StopIteration:
            return
        except ReadError as e:
            if e.reason not in CAPS_HIT or not stop.sheet:
                raise
            stop.error = e
            return
        yield sheet


_TABLE_MARKUP = tuple(re.compile(p, re.IGNORECASE) for p in (rb"<t[dh][\s>]", rb"</t[dh]>", rb"</tr>"))


def _table_rows(head: bytes) -> bool:
    """HTML table cells and row ends in ``head`` (each pattern searched once: linear in the bytes)."""
    return all(p.search(head) for p in _TABLE_MARKUP)


def _markup_lines(head: bytes) -> bool:
    """Half the lines of ``head`` or more start as markup (an HTML page, its chunks moved); a CSV export whose
    cells hold HTML starts its lines with its cells (Session 11 review: such a sound file was listed corrupt)."""
    lines = [line for line in head.splitlines() if line.strip()]
    return 2 * sum(line.lstrip().startswith(b"<") for line in lines) >= len(lines)


_MARKUP_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*<")


class CacheRepeats:
    """A pivot or external-link cache repeats the rows of the sheet it was made from while that sheet is still
    there: the same person rows twice in one file. They are counted once: a cache row equal (name, address,
    role) to a row of the workbook's own sheets not yet matched is left out of the records (multiset: a
    person listed twice in the sheet and twice in the cache counts twice); only rows the sheets no longer
    hold (a deleted or emptied source sheet) are counted from the cache. The cache still shows as a person
    table with its own row count and ``repeats`` (how many of its rows the sheets hold).

    Keys are remembered only for workbooks that keep caches (``Sheet.cached_later``), as hashes."""

    def __init__(self) -> None:
        self.seen: Counter[int] = Counter()

    @staticmethod
    def key(rec: PersonRecord) -> int:
        f = rec.fields
        return hash((f.get("name", ""), f.get("address", ""), rec.role))

    def analyse(self, sheet: Sheet, analyse_sheet: Callable[..., SheetFinding | None]) -> SheetFinding | None:
        """``analyse_sheet`` over ``sheet``, remembering a worksheet's records or leaving out a cache's repeats."""
        from ..detectors.pii import RECORD_SINK

        if not sheet.cached_later and (sheet.origin is None or not self.seen):
            return analyse_sheet(sheet.name, sheet.rows, sheet.first_row, sheet.first_col)
        outer = RECORD_SINK.get()
        left_out = 0
        if outer is None:  # every record stays in the finding: remember or filter them afterwards
            found = analyse_sheet(sheet.name, sheet.rows, sheet.first_row, sheet.first_col)
            if found is None or found.kind == SheetKind.NAMES:
                return found
            if sheet.origin is None:
                self.seen.update(self.key(r) for r in found.records)
                return found
            kept = []
            for row, rec in zip(found.rows, found.records, strict=True):
                if self.seen[k := self.key(rec)] > 0:
                    self.seen[k] -= 1
                    left_out += 1
                else:
                    kept.append(row)
            found.rows = kept
            found.repeats = left_out
            return found

        def remember(rec: PersonRecord) -> None:
            self.seen[self.key(rec)] += 1
            outer(rec)

        def filtered(rec: PersonRecord) -> None:
            nonlocal left_out
            if self.seen[k := self.key(rec)] > 0:
                self.seen[k] -= 1
                left_out += 1
            else:
                outer(rec)

        token = RECORD_SINK.set(remember if sheet.origin is None else filtered)
        try:
            found = analyse_sheet(sheet.name, sheet.rows, sheet.first_row, sheet.first_col)
        finally:
            RECORD_SINK.reset(token)
        if found is not None and sheet.origin is not None:
            found.repeats = left_out
        return found


# names of UNREAD_TABLES that a reader here does read (dBase, DIF, SYLK, Access, statistics files): "no reader" would be
# false of them
_READ_UNDER_UNREAD_NAMES = frozenset({".dbf", ".dif", *SYLK_EXTENSIONS, *ACCESS_EXTENSIONS,
                                      *(f".{name}" for name in STATS_FORMATS)})


def _outcome(fmt: str, ext: str, found: bool, reading: Reading) -> tuple[Status, str]:
    """Status and detail of a file whose tables were read: damage is never absence."""
    shown = [n for n in reading.notes if n != NO_DELIMITER]
    if reading.stopped is not None:  # not every row was read: the cap's status, whatever the rows read held
        return reading.stopped[0], join_details([reading.stopped[1], *reading.damage, *shown])
    if reading.damage:
        return Status.CORRUPT, join_details(reading.damage + shown)
    if not found and reading.garbled:
        return Status.CORRUPT, join_details([*shown, say(Detail.NO_RECORDS_DECODED)])
    if not found and fmt in MARKUP_FORMATS and not reading.sheets and ext not in WEB_ARCHIVES:  # a saved page: read
        return Status.UNSUPPORTED, say(Detail.MARKUP_NO_WORKSHEET if fmt in ("spreadsheetml", "gnumeric", "fods") else Detail.MARKUP_NO_TABLE,
                                       format=fmt)
    if not found and fmt == "xml" and (ext in SHEET_EXTENSIONS or ext in UNREAD_TABLES) and not reading.sheets:  # XML
        # without person records
        if ext in UNREAD_TABLES and ext not in _READ_UNDER_UNREAD_NAMES:  # what the name claims stays said (a
            # Windows Contacts .contact is XML: "Windows Contacts contact" was lost when xml20 read XML under such names)
            return Status.UNSUPPORTED, join_details([say(Detail.UNREAD_TABLE_FORMAT, what=UNREAD_TABLES[ext], ext=ext),
                                                     say(Detail.XML_OTHER)])
        return Status.UNSUPPORTED, say(Detail.XML_OTHER)  # under a table's name (.xls, .csv, .txt): listed, as before
        # xml19 (under .xml or an unknown name it is clean: read whole, no kind of record naming a person)
    if not found and fmt == "text" and ext not in TEXT_EXTENSIONS and NO_DELIMITER in reading.notes:
        return Status.UNSUPPORTED, say(Detail.TEXT_UNDELIMITED, ext=ext)
    if reading.unread:  # rows kept where no reader here goes (a binary pivot cache, the data model): not clean
        return Status.UNSUPPORTED, join_details([say(Detail.PARTIALLY_EXAMINED, what=u) for u in reading.unread] + shown)
    return Status.OK, join_details(shown)


_CP932_SILENT = re.compile(rb"[\x80\xa0\xfd-\xff]")  # bytes cp932 decodes to U+0080 / U+F8F0-F8F3: none is
# text a Japanese office program writes, each is a damaged byte (no character of Shift_JIS starts with one)
_SJIS_DECLARED = re.compile(rb"""^[^>]{0,200}encoding\s*=\s*["'](?:shift[_-]?jis|x-sjis|sjis|windows-31j|cp932|ms932)["']""",
                            re.IGNORECASE)


def _undecoded(data: bytes, reading: Reading) -> int:
    """Bytes of a person table's text that did not decode: those the decoding replaced (its ``bytes-replaced``
    note), and in Shift_JIS text those Python's cp932 takes silently as C1 or private-use characters (damage21:
    a byte flipped inside a name or address read as `ok`, the garbled value counted as another person)."""
    n = sum(int(inner.get("n", 0)) for note in reading.notes for code in codes_of(note)
            if code.get("code") == Detail.DECODING.value and isinstance(code.get("note"), list)
            for inner in code["note"] if inner.get("code") == Detail.BYTES_REPLACED.value)
    enc = reading.encoding or ""  # (a text read in several encodings, "cp932 + utf-8": not this check)
    if n and enc.startswith("euc_jp") and "+" not in enc:  # EUC-JP-MS vendor characters are no damage (review21d)
        n = euc_damaged(data)
    cp932 = (enc.startswith("cp932") and "+" not in enc) or (not enc and _SJIS_DECLARED.match(data) is not None)
    body = data[2:] if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data  # a stray UTF-16 BOM the reading ignored
    if cp932 and _CP932_SILENT.search(body):
        text = body.decode("cp932", "replace")
        mac = any(c.get("code") == Detail.MAC_JAPANESE.value for note in reading.notes for c in codes_of(note))
        n += sum(text.count(c) for c in ("\x80\uf8f0" if mac else "\x80\uf8f0\uf8f1\uf8f2\uf8f3"))  # (MacJapanese's signs)
        if mac:  # a kanji's lead byte flipped to 0xFD-0xFF: its trail left as a letter or half-width kana (damage23)
            n += len(_MAC_FLIPPED.findall(text))
    return n


# a MacJapanese (c) (tm) ... glued to a Japanese word by one letter or half-width kana (a kanji's lead byte flipped to
# 0xFD-0xFF, its trail byte 0x40-0x7E or 0xA1-0xDF read alone), or (c) (tm) between two kanji (its trail byte paired
# with the next one: inside a name or an address); a kana beside it is how Mac text uses (tm): ウォークマン(tm)シリーズ.
# damage24: a capital letter before a designator's kanji is Mac text's own (第2期...A棟, (c)A社, B館...C号室); designators
# run from A (review24d: any capital let a flipped 山 of 山口, 谷 of 世田谷区, 六 of 六番町 pass: 518 such kanji + designator
# pairs in Japan's towns, wards and names have a capital trail byte, 1 an A-E one); the flips
# said besides: after a kanji, the symbol and one half-width kana (氏(c)ｼ; a word of them is Mac text's: 写真(c)ｱﾄﾞﾋﾞ);
# (c)/(tm) and one letter ending a field after a Japanese character (本(c)W,; ... there is a note's: 会議室...A); (tm)
# opening a field before a kanji (its trail paired with the next byte into a kanji)
_JAPANESE = "\u3040-\u30ff\u3400-\u9fff"
_KANJI = "\u3400-\u9fff"
_DESIGNATED = "棟館社号室階区組班級型期番線便口側列席"
_MAC_FLIPPED = re.compile(
    f"[\uf8f1-\uf8f3](?![A-E][{_DESIGNATED}])[\\x40-\\x7e\uff61-\uff9f][{_JAPANESE}]"
    f"|(?<=[{_KANJI}])[\uf8f1\uf8f2](?=[{_KANJI}])"
    f"|(?<=[{_KANJI}])[\uf8f1-\uf8f3][\uff61-\uff9f](?![\uff61-\uff9f])"
    f"|(?<=[\u3000-\u9fff\uff00-\uffef])[\uf8f1\uf8f2][\\x40-\\x7e](?=[,\t\r\"]|\\Z)"
    f"|(?<=[,\t\r])\uf8f2(?=[{_KANJI}])")


def _other_content(data: bytes) -> str | None:
    """libmagic's name for bytes that read as noise in every text encoding, when it knows them as something
    other than text (a BMP picture, gzip data ...); None for text and for unknown data (a damaged table)."""
    kind = content_type(data[:4096])
    low = kind.lower()
    if "text" in low or low in ("data", "") or low.startswith("unknown") or "error" in low:
        return None
    return kind.split(",")[0][:80]


def pii_summary(findings: list[SheetFinding], fmt: str, unmask: bool) -> dict[str, Any]:
    """The ``pii`` block of findings.json: always masked examples; clear ones only in memory for --unmask.

    ``sheets`` are the person sheets (persons and business contacts, counted); ``leads`` the sheets of
    persons without addresses (a lower-severity lead, never counted); ``rejected`` the rows that had a
    name and an address but failed the row check, by reason.
    """
    from ..detectors.pii import KINDS

    persons = [f for f in findings if f.kind != SheetKind.NAMES]
    leads = [f for f in findings if f.kind == SheetKind.NAMES]
    sheets = [f.to_json(unmask=False) for f in persons]
    lead_sheets = [f.to_json(unmask=False) for f in leads]
    if unmask:
        for js, f in zip(sheets + lead_sheets, persons + leads, strict=True):
            js["examples_clear"] = f.examples(unmask=True)  # removed before findings.json is written
            js["name_clear"] = f.name  # likewise: sheet names are personal data (a sheet per client)
    kinds = {k for f in persons for k in f.fields}
    rejected: dict[str, int] = {}
    for f in persons:
        for reason, n in f.rejected.items():
            rejected[str(reason)] = rejected.get(str(reason), 0) + n
    out: dict[str, Any] = {"records": sum(f.count - f.repeats for f in persons), "format": fmt, "sheets": sheets,
                           "fields": [k for k in KINDS if k in kinds], "rejected": rejected,
                           "rejected_total": sum(rejected.values())}
    business = sum(f.count - f.repeats for f in persons if f.kind == SheetKind.BUSINESS)
    if business:
        out["business_records"] = business
    if leads:
        out["leads"] = lead_sheets
        out["lead_records"] = sum(f.count for f in leads)
        out["lead_fields"] = [k for k in KINDS if any(k in f.fields for f in leads)]
    return out


def inspection_of(findings: list[SheetFinding], fmt: str, unmask: bool) -> Inspection:
    """Reasons and rules of a workbook's personal-data sheets: ``pii`` for persons (and business contacts),
    ``pii-names`` for persons without addresses (a lead); the records only of the counted kinds."""
    # a person table's names-only lead beside it (tables26): reported as a names-only sheet, at the same sheet
    findings = [*findings, *(replace(f.lead, index=f.index, origin=f.origin) for f in findings if f.lead is not None)]
    kinds = {f.kind for f in findings}
    reasons, rules = [], []
    if kinds - {SheetKind.NAMES}:
        reasons.append(Reason.PII)
        rules.append("pii:name+address")
        if SheetKind.BUSINESS in kinds:
            rules.append("pii:business-contacts")
    if SheetKind.NAMES in kinds:
        reasons.append(Reason.PII_NAMES)
        rules.append("pii-names:name+contact")
    from ..detectors.pii import RecordList

    counted = [f for f in findings if f.kind != SheetKind.NAMES]
    return Inspection(reasons=reasons, rules=rules, pii=pii_summary(findings, fmt, unmask),
                      records=RecordList(counted) if counted else None)


# content families (scanner.inspectors.disguise.family_of) this inspector reads whatever the name: a file of an unknown
# extension (名簿.dat) showing one is read (session 17: an HTML table, SYLK, JSON records or a dBase table under .dat
# ended as nothing)
READ_FAMILIES = frozenset({"table", "markup", "mime", "biff", "sqlite", "access", "dbf", "rtf", "sylk", "dif", "json",
                           "sqldump", "wordml", "fodt", "flatopc", "xmlrecords"})


# names under which a file cut in its first bytes is taken for the document it starts as (damage19)
_CUT_NAMES = frozenset({*WORD97_EXTS, *PPT97_EXTS, ".xml", ".fodt", ""})  # (.ppt cut in its first 4-7 bytes: docs23)


def _ole_cut(head: bytes, size: int) -> bool:
    """Whether a file of ``size`` bytes is an OLE2 file cut inside its 512-byte header (4 or more bytes of its
    signature)."""
    return 4 <= size < 512 and (head.startswith(OLE_MAGIC) or OLE_MAGIC.startswith(head[:size]))


def _wordml(head: bytes) -> bool:
    """Whether ``head`` opens a Word 2003 XML document (its root element, not an XML file naming its namespace:
    review18g)."""
    return (WORDML_MARK in head or head.startswith(_UTF16_BOMS) or b"wordDocument" in head  # (UTF-16: review18g; its
            ) and document_kind(head) == "wordml"  # root element with its namespace name damaged: damage21)


def _flatopc(head: bytes) -> bool:
    """Whether ``head`` opens an Office flat XML document (``<pkg:package>``: Word's "XML document", xml20: one holding a
    person table under .xml, .doc or no name ended as nothing)."""
    return (FLAT_PACKAGE in head or head.startswith(_UTF16_BOMS)) and document_kind(head) == "flatopc"  # (UTF-16:
    # as Word 2003 XML's, review20x: it ended as nothing)


def _fodt(head: bytes) -> bool:
    """Whether ``head`` opens a flat OpenDocument text (a .fodt saved or renamed .xml: review18g, it ended as nothing)."""
    return _FODT_MARK in head and document_kind(head) == "fodt"


HTML_EXTENSIONS = frozenset({".htm", ".html"})
_HTML_TABLE = re.compile(rb"<(?:table|pre)[\s>]", re.IGNORECASE)  # (a <pre> block: a list aligned in it, docs26)
_HTML_TABLE_UTF16 = tuple(f"<{t}".encode("utf-16-le") for t in ("table", "TABLE", "pre", "PRE"))


def _html_table(entry: Entry, size: int, first: bytes, most: int) -> bool:
    """Whether a page named .htm/.html may hold a table (docs22: a person table in a plain page, not Excel's, was never
    read): ``<table`` in its first MARKUP_CHECK bytes, or a page longer than those (a table below long styles and
    scripts: the worker reads it). Up to --max-inspect-mb, read by the markup reader as Excel's pages are (its cell
    and time caps); a page over it is not wanted (listed too-large it would be noise: pages are not tables)."""
    if size > most or not head_text(first).lstrip("\ufeff \t\r\n").startswith("<"):
        return False
    if _HTML_TABLE.search(first) or any(mark in first for mark in _HTML_TABLE_UTF16):
        return True
    if size <= len(first):
        return page_cut(first, entry.name)  # (a page cut before its table: listed cut, docs23; it added no line)
    longer = _markup_head(entry)
    if longer is None:
        return True  # its content could not be looked at: the worker's read lists why
    return (size > len(longer) or _HTML_TABLE.search(longer) is not None or any(m in longer for m in _HTML_TABLE_UTF16)
            or page_cut(longer, entry.name))  # (a whole page up to MARKUP_CHECK is read here already: one cut before its table
    # is listed cut as a page within the first read is; docs23b, a 1,319-byte page cut so said nothing)


_PAGE_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml\s[^<>]{0,300}\?>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*"
                         rb"<(?:!doctype\s+html|html)[\s>]",  # (an XHTML page's <?xml ..?> first: docs24, never checked)
                         re.IGNORECASE | re.DOTALL)  # (a comment ends at its first -->: review23o, a lazy .*? spanning
# the next comments tried 2**n ways on a file opening with n comments and no page tag, the scan hung)
_HTML_START = re.compile(rb"<html[\s>]", re.IGNORECASE)  # an explicit <html> start tag (HTML5 pages written in its
# optional-tags style leave out both start and end tags: sweep22's pages, pandoc's dzslides template)
_PAGE_END = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)  # a page that writes its optional end tags (review23o)
_START_TAG = re.compile(rb"<([A-Za-z][A-Za-z0-9]{0,20})(?:\s[^<>]*)?>")
_LAST_START_TAG = re.compile(rb"<([A-Za-z][A-Za-z0-9]{0,20})(?:\s[^<>]*)?>\s*$")  # a page's last tag, a start tag
_VOID = frozenset({b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"param",
                   b"source", b"track", b"wbr", b"p", b"li", b"dt", b"dd", b"option", b"td", b"th", b"tr", b"html",
                   b"head", b"body", b"tbody", b"thead", b"tfoot", b"colgroup", b"caption", b"optgroup", b"rt", b"rp"})
# elements with no content or whose end tag is optional: a whole page may end after one (docs25: minify-html's empty
# page ends in <body>, said cut; a page ending in its <html> or <head> is still cut: review25o)
_INCLUDE_NAME = re.compile(r"^_?(?:[a-z0-9]+[_\-])?(?:header|head|inc|include|ssi|nav|navi|navigation|gnav|globalnav|"
                           r"menu|side|sidebar|sidenav|sidemenu|breadcrumbs?|banner)(?:[_\-]?(?:inc|include|\d+))?$",
                           re.IGNORECASE)  # a server-side include or a site generator's partial (header.html,
# _header.html, head_inc.html, site-header.html; docs25: nav.html, menu.html, _sidebar.html): the top of a page. The
# whole stem is such a name (review24o: docs24's ``top`` and any ``head``/leading ``_`` took top.html,
# head_office.html, _meibo.html for includes, and such a page cut before its table was clean)


def page_cut(data: bytes, name: str = "") -> bool:
    """Whether a whole web page's bytes (UTF-8 or another ASCII-based encoding) end cut: a page (``<!DOCTYPE html>``
    or ``<html>`` first) ending inside a tag (its last ``<`` after its last ``>``), or one with an explicit ``<html>``
    start tag that closes neither ``</body>`` nor ``</html>``
    (docs23: a page cut before its table added no line, a clean page). Of 162 real pages in the mirrored repositories
    4 are said, all libxml2 cut-page tests; 3 tiny libxml2 tests opening with a comment are no page, not said.
    Fragments (pandas' ``<div>``), UTF-16 pages: False. review23o: the end tags are looked for in the page's last
    64 KiB before its padding (a whole page followed by 64 KiB of NULs, a carved page's slack, was said cut), and a page
    with ``<html lang=..>`` that writes no ``</head>`` (the optional-tags style html-minifier and Google's style keep
    an ``<html>`` with attributes in) is cut only when it ends in its text (it has no ``</body>`` by design).
    docs24: an XHTML page's ``<?xml ..?>`` may come first; a page without ``<html>`` that writes ``</head>`` is
    checked as one with it; a page ending in a start tag of an element that needs content (``<div class=list>``) is
    cut; a file ``name``d as an include (``header.html``, ``_header.html``: the top of a page, no ``</body>`` by
    design) is cut only when it ends in its text or a tag."""
    tail = data.rstrip(b"\0 \t\r\n")
    if not tail or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    if 4 <= len(tail) < 16 and any(whole.startswith(tail.lower()) for whole in (b"<!doctype html", b"<html")):
        return True  # cut inside its first tag (4 bytes or more, as an OLE2 signature cut: docs23)
    if _PAGE_START.match(data[:4096]) is None:
        return False
    if tail.rfind(b"<") > tail.rfind(b">"):
        return True
    if _INCLUDE_NAME.search(name.rsplit("/", 1)[-1].rsplit(".", 1)[0]) is not None:
        return not tail.endswith(b">")  # an include ends at a tag by design (docs24: header.html false html-cut)
    if _PAGE_END.search(tail, max(0, len(tail) - 65536)) is not None:
        return False
    last = _LAST_START_TAG.search(tail[-512:])
    if last is not None and (last.group(1).lower() not in _VOID or last.group(1).lower() in (b"html", b"head")):
        return True  # it ends in an element it opened (<div class=list>): no whole page does (docs24: minified pages)
    if _HEAD_END.search(tail) is not None:
        return True  # it writes its optional end tags (</head>) and not </body> (an HTML5 page without <html>: docs24)
    if open_at_end(tail):
        return True  # a list, a table, a <div> left open: their end tags are never optional (docs25: an optional-tags
    # page cut right after </li> or </h1> before its table was clean)
    if tail.endswith(b">"):
        return False
    if _ends_inside_character(tail) or _ends_inside_japanese(data, tail):
        return True  # (sweep25: an optional-tags page cut mid-character ends in its body's text, which docs25 made whole;
        # docs26: a Shift_JIS/cp932, EUC-JP or ISO-2022-JP page so cut was clean)
    gt = tail.rfind(b">")
    text = _START_TAG.fullmatch(tail, max(0, tail.rfind(b"<", 0, gt)), gt + 1) if gt > 0 else None
    return text is not None and text.group(1).lower() not in _VOID  # it ends in the text of an element whose end tag
    # is required (<h1>, <a>, <span>): cut. In a <p>, <li> or after an end tag a whole optional-tags page may end
    # (docs25: 74 of 1,060 real pages minified with minify-html were said cut, each ending in its last <p>'s text)


_CONTINUATION = bytes(range(0x80, 0xC0))


def _ends_inside_character(tail: bytes) -> bool:
    """Whether a UTF-8 page ends inside a character: its last 64 KiB (from a character's start) decode as UTF-8 but
    for a last character short of its continuation bytes. No whole UTF-8 page ends so; a page in another encoding
    fails earlier (an invalid byte, not an unexpected end) and is not taken for one (sweep25)."""
    try:
        tail[-65536:].lstrip(_CONTINUATION).decode("utf-8")
    except UnicodeDecodeError as e:
        return e.reason == "unexpected end of data"
    return False


_JAPANESE_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*(shift[_-]jis|x-sjis|sjis|windows-31j|cp932|ms932|"""
                               rb"""euc-jp|x-euc-jp|iso-2022-jp)""", re.IGNORECASE)
_CODEC_OF = {b"euc-jp": "euc_jp", b"x-euc-jp": "euc_jp", b"iso-2022-jp": "iso2022_jp"}  # the rest: cp932
_SJIS_LEAD = re.compile(rb"[\x81-\x8d\x90-\xa0]")  # a Shift_JIS lead byte (hiragana, katakana, level-1 kanji ...):
# never in EUC-JP (0x8E, 0x8F are its single shifts)


def _ends_inside_japanese(data: bytes, tail: bytes) -> bool:
    """Whether a page declaring a Japanese legacy charset (``<meta charset=shift_jis>``, EUC-JP, ISO-2022-JP) ends
    inside a character: its text after its last ``>`` (a byte no multi-byte character of these holds, so a character's
    start) decodes but for a last character short of its bytes, or, in ISO-2022-JP, ends in its two-byte mode (a
    whole text returns to ASCII). docs26: such a page cut mid-character was clean (only UTF-8 was said)."""
    declared = _JAPANESE_CHARSET.search(data, 0, 4096)
    if declared is None:
        return False
    codec = _CODEC_OF.get(declared.group(1).lower(), "cp932")
    if codec == "iso2022_jp":  # (its two-byte characters' bytes may be ``>``: the last escape tells the mode)
        last = tail.rfind(b"\x1b", max(0, len(tail) - 65536))
        return last >= 0 and (tail[last + 1:last + 2] == b"$" or last >= len(tail) - 2)  # (or cut inside the
        # escape, three bytes)
    text = tail[tail.rfind(b">") + 1:]  # (a cp932 trail byte is 0x40 or more: ``>`` starts a character)
    try:
        (text if len(text) <= 65536 else text[-65536:].lstrip(_CONTINUATION)).decode("utf-8")
        return False  # UTF-8 under a legacy meta charset (a page saved again as UTF-8, its meta kept): the UTF-8 rule
        # judges it (docs26: 42 of 300 such whole pages were said cut, read as cp932 ending in a lead byte)
    except UnicodeDecodeError:
        pass
    if len(text) > 1 << 20:  # (a text run of a MiB: its last MiB from a byte below 0x40, a character's start)
        text = text[-(1 << 20):]
        text = text[next((i for i, b in enumerate(text) if b < 0x40), len(text)):]
    try:
        text.decode(codec)
    except UnicodeDecodeError as e:
        if e.end < len(text) or "incomplete multibyte" not in e.reason:
            return False
    else:
        return False
    if codec == "euc_jp":  # (a cut EUC-JP text often reads whole as cp932: not asked; cp932 under an EUC meta fails as
        # illegal bytes, 0x81-0x9F, not as a cut) ...
        return _SJIS_LEAD.search(tail, 0, tail.rfind(b">") + 1) is None  # ... but its last words may be half-width
        # katakana only (one byte each, 0xA1-0xDF): a page whose body holds a Shift_JIS lead byte is no EUC-JP page
        # (review26o: 40 of 80 whole Shift_JIS pages under an EUC-JP meta were said cut)
    try:  # an EUC-JP text under a Shift_JIS meta (whole in EUC-JP, its last byte 0xE0-0xFE a cp932 lead): no cut
        text.decode("euc_jp")
    except UnicodeDecodeError:
        return True
    return False


_PAGE_PART = re.compile(rb"<(?:!doctype|html|head|body)[\s>]", re.IGNORECASE)
INCLUDE_MOST = 16384  # an include is a page's top or a side menu: a few KiB


def included_fragment(data: bytes, name: str) -> bool:
    """Whether ``data`` is a fragment meant to be included in a page (an SSI top of a table-layout site: ``<table>``..
    ``<td class=main>``, left open for the page around it to fill): no page of its own (no ``<!DOCTYPE``, ``<html>``,
    ``<head>``, ``<body>`` in its first 4 KiB), small (up to INCLUDE_MOST), ending at a tag, and either named as an
    include or ending right after a start tag (the slot the page's content goes in). docs25: such a file was
    ``html-cut-in-table`` whatever its name (``header.html`` too); a fragment cut in its text, inside a tag or after an
    end tag (a person table's ``</tr>``) is not one. review25o: nor a data table (a ``<th>``/``<thead>`` in it) or one
    ending right after ``<table ..>`` or a bare ``<td>`` (pandas' fragment of persons so cut was clean). docs26: nor
    one holding nothing but a table's rows and text (no link, picture, list, form or block: ``_LAYOUT_MARK``), under
    an include's name too."""
    tail = data.rstrip(b"\0 \t\r\n")
    if not tail.endswith(b">") or len(data) > INCLUDE_MOST or _PAGE_PART.search(data, 0, 4096) is not None:
        return False
    if not head_text(data[:64]).lstrip("\ufeff \t\r\n").startswith("<"):
        return False
    if _DATA_HEADER.search(data) is not None:
        return False  # (a data table's header: pandas' fragment cut right after its <td> is a cut, whatever its
        # name, side.html or menu.html too: review25o)
    if _LAYOUT_MARK.search(data) is None:
        return False  # (docs26: nothing but a table's rows and text, no link, picture, list, form or block: a data
        # table cut, whatever its name: a menu.html that is only ``<table ..>``, a list without <th> cut right after
        # a ``<td class=..>``; an include holds its page's top or menu)
    if _INCLUDE_NAME.search(name.rsplit("/", 1)[-1].rsplit(".", 1)[0]) is not None:
        return True
    last = _LAST_START_TAG.search(tail[-512:])
    if last is None:
        return False
    slot = last.group(1).lower()
    return slot not in _VOID - {b"td"} and slot != b"table" and (slot != b"td" or last.group(0)[3:4].isspace())
    # (a layout slot is a <td> with attributes, <td class=main>; a bare <td> or a <table ..> is a data table's cut)


_DATA_HEADER = re.compile(rb"<th(?:ead)?[\s>]", re.IGNORECASE)  # a header cell: a data table, no layout slot
_LAYOUT_MARK = re.compile(rb"<(?:a|img|ul|ol|dl|nav|form|div|iframe|map|script|link|style|h[1-6]|p|input|select|"
                          rb"object|embed|header|footer|aside|section|main|menu|hr)[\s>/]", re.IGNORECASE)  # a page's
# top, menu or side holds some (an include); a data table's cells hold text (and <br>, <span>, <font>)


def _markup_head(entry: Entry) -> bytes | None:
    """A file's first MARKUP_CHECK bytes (a local file: one open and read, no file object); None when they cannot
    be read (the worker's own read then lists why)."""
    quick = getattr(entry, "quick_head", None)
    longer = quick(MARKUP_CHECK) if quick is not None else None
    if longer is None:
        try:
            with entry.open() as f:
                longer = f.read(MARKUP_CHECK)
        except (ReadError, OSError):
            return None
    return longer


PRESENTATION_FORMATS = ("ppt", "pptx", "odp", "fodp")
# names that claim a Word, OpenDocument text, RTF or workbook format: a deck under one is read as the deck and said
OTHER_OFFICE_NAMES = frozenset({*SHEET_EXTENSIONS, *WORD97_EXTS, *(e for e in DOCUMENT_EXTS if e not in SLIDES_EXTS)})


def _presentation_named(entry: Entry, data: bytes, fmt: str, ext: str, found: Inspection) -> Inspection:
    """``found`` with the rule ``extension-mismatch:EXT>presentation`` (``>ole2`` for a 97-2003 deck under a .pptx
    name) when a presentation (PowerPoint 97-2003, .pptx,
    OpenDocument) was read under a Word, text or workbook name (docs23: a deck renamed 報告.docx or 名簿.xls was read
    as no lead, one named .doc ended as nothing), as a workbook named .docx is a lead; not when the walk's head check
    already names its content (a zip under .doc)."""
    if fmt in PRESENTATION_FORMATS and ext in OTHER_OFFICE_NAMES and disguise_check(entry.name, data[:MARKUP_CHECK]) is None:
        found.rules = [*found.rules, Disguise(ext, "presentation").rule]
    elif fmt == "ppt" and ext in SLIDES_EXTS and disguise_check(entry.name, data[:MARKUP_CHECK]) is None:
        # a PowerPoint 97-2003 deck under a .pptx (or .odp) name: the walk lets an OLE2 file be a .pptx (an encrypted
        # one is), so the read names it, as a .pptx under .ppt is ``>zip`` (docs23b: it was no lead)
        found.rules = [*found.rules, Disguise(ext, "ole2").rule]
    return found


def _plain_page(entry: Entry, data: bytes, fmt: str, ext: str, reading: Reading) -> bool:
    """Whether a file read as a page without any table is a plain web page under its own name (docs22 reads those
    when they may hold a table; one without is no table: sweep22, a 66 KB page was listed "html without any <table>"),
    not Excel's page, a mail body's HTML or a page under a table's name (each still said)."""
    return (fmt == "html" and ext in HTML_EXTENSIONS and not reading.sheets and not reading.damage
            and reading.stopped is None and not getattr(entry, "read_as_table", False)
            and not any(mark in data[:MARKUP_CHECK] for mark in EXCEL_MARKS))


def _records(entry: Entry, size: int, first: bytes) -> bool:
    """Whether a file opens an XML export of person records (``disguise.records_head``): its first bytes, then the
    first MARKUP_CHECK (a schema or a long first record may come before the names; read only for XML)."""
    if records_head(first):
        return True
    if size <= len(first) or not head_text(first).lstrip("\ufeff \t\r\n").startswith("<") or opens_document(first):
        return False  # (a page, a drawing, a feed, a POM: its root says so, nothing more read)
    longer = _markup_head(entry)
    if longer is None:
        return True  # its content could not be looked at: the worker's read lists why
    if records_head(longer):
        return True
    if size <= len(longer):
        return False
    tail = last_bytes(entry, size)  # records after a long schema or settings block name their fields there only
    return tail is None or records_tail(longer, tail, size > len(longer) + len(tail))  # (review19x: such an export
    # ended as nothing; xml21: coded records between empty ones, unseen in both)


# the document names ``_document_noise`` is asked about: Word's, OpenDocument text's and PowerPoint's (xml21 reads
# slide tables), each a package the archive inspector opens when ``embedded.opens_as_archive`` (its ``wants`` for them)
_NOISE_SETTLED = frozenset(DOCUMENT_EXTS) & frozenset(doctail.OOXML_EXTS + embedded.ODF_EXTS)


def _document_noise(name: str, data: bytes) -> bool:
    """Whether ``inspect`` of these whole bytes under ``name`` reads nothing because they are a zip signature then noise
    (a fake .docx) under a Word or OpenDocument text's own name the archive inspector also reads: no directory and no
    local header naming a member (``zip_names_no_member``, the archive inspector's settle), so no head restored and
    no archive handed on, and ``_tables`` finds neither a document part (``document_kind``) nor, in ``package_marks``
    (the caller's: of these same bytes), a workbook part named, and returns before any reader: a bare Inspection (the
    archive inspector lists the zip), or ``zip-corrupt`` when too small for an embedding (``sniff_format`` says
    ``zip-corrupt`` of such bytes: they hold no end record, zipfile finds no directory)."""
    ext = split_ext(name)[1].casefold()
    return (ext in _NOISE_SETTLED and claimed_ext(name) == ext and zip_names_no_member(data)
            and signature_damaged(data[:64]) is None and not _disguised_archive(name, data)
            and document_kind(data) is None)


def _disguised_archive(name: str, data: bytes) -> bool:
    """An archive under a name whose format holds none (a 7z renamed 報告.docx, a zip renamed setup.exe): read here
    by its content (the disguise check sent it), so the archive inspector's name rule does not keep it."""
    told = disguise_check(name, data[:MARKUP_CHECK]) if checked_ext(name) is not None else None
    return told is not None and told.family in ("zip", "archive")


class SpreadsheetInspector:
    """Personal-records detector for every spreadsheet format a Japanese office produces."""

    name = "spreadsheet"
    skip_extensions = OTHER_EXTENSIONS  # wants_name as data, so the pipeline rejects names in bulk
    # (contracts) a page's stem says whether it is an include (``page_cut``: header.html is not cut); a Numbers
    # part is read by its bundle's folder (``numbers_part``)
    reads_beyond_bytes = HTML_EXTENSIONS | {IWORK_PART}

    def __init__(self, config: ScanConfig) -> None:
        self.config = config

    def wants_name(self, name: str) -> bool:
        """Name-only pre-check: known non-workbook extensions are never sniffed (no stat, no read)."""
        return split_ext(name)[1].casefold() not in OTHER_EXTENSIONS

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool:
        ext = split_ext(entry.name)[1].casefold()
        if entry.name.startswith("~$") and size <= 512:  # an Excel owner (lock) file: a user name, not a workbook,
            if size == 0:  # unless its bytes are no owner file (a table, damage: Session 13)
                return False
            return not _owner_file(head())  # (the walk's head: one open and read of a local file, kept for the
            # lock-file inspector and the read pass here; pick23: a read of its own opened it once more)
        if ext in SHEET_EXTENSIONS or (ext in UNREAD_TABLES and (ext not in UNREAD_TABLE_MAGIC
                                                                  or unread_table(ext, head()))):
            series = getattr(entry, "series", None)  # X.zip.123: a piece of an archive read joined (split_series)
            return not (ext in UNREAD_TABLES and series is not None and series.complete)
        if ext == IWORK_PART:
            return numbers_part(entry)
        if size >= 64 and (signature_damaged(head()) is not None or _zeroed_document(entry.name, head()[:16])):
            return True  # a zip, OLE2 file or database whose first bytes are damaged, under any name this inspector is
            # asked about, or a document's first bytes zeroed (damage18: they ended as nothing)
        if ext in PPT97_EXTS:  # a PowerPoint 97-2003 presentation: its tables and notes (docs22: never read); a zip
            return size > 0 and (head().startswith(OLE_MAGIC) or _ole_cut(head(), size))  # so named is the archive
            # inspector's (one cut inside its signature: listed, docs23; it ended as nothing)
        if ext in DOCUMENT_EXTS and size > 0 and (head().startswith(_DOCUMENT_HEADS) or (
                ext in (".fodt", ".fodp") and head().lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"))):
            if (quiet := self._without_tables(entry, size)) is None:
                return False
            if not quiet:
                return True  # a Word, OpenDocument text or RTF document: its tables (a workbook renamed so too); other
            if head().startswith((b"{\\rt", *RTF_UTF16)):
                return False  # an RTF the quick check saw whole and without a table (the RTF family below would
                # want it again: review17d's worker read for nothing)
            # bytes under its name (a CSV, a mail) go on to the checks below and to the disguise check (review16a), as
            # does a small document holding no table (most: it would cost a worker's read for nothing, issue 11)
        if 0 < size <= 512 and ext in _CUT_NAMES and (_ole_cut(head(), size) or cut_in_root(head())):
            return True  # a Word 97-2003 file cut in its OLE2 header, a flat document cut in its root element
            # (damage19: both ended as nothing)
        if ext in WORD97_EXTS:  # a Word 97-2003 document: listed when it holds tables (not read); an RTF saved as .doc
            first = head()  # is read as RTF; anything else under .doc is the archive or mail inspector's, under .dot
            if size > 0 and (first.startswith(b"{\\rt") or _wordml(first) or _flatopc(first) or (  # it goes on (a
                    # renamed workbook is read by its magic); Word 2003 XML or flat XML saved as .doc is read (docs18, xml20)
                    first.startswith(OLE_MAGIC) and legacy.holds_word_stream(entry, self.config.max_inspect_bytes, size))
                    or first.startswith(OLE_MAGIC) and legacy.holds_ppt_root(entry, self.config.max_inspect_bytes, size)):
                return True  # (a deck renamed .doc: read as the deck, docs23; it ended as nothing)
            if ext == ".doc":
                return False
        if ext in DOCUMENT_PACKAGES:
            if self.config.content_check == "off":
                return False
            first = head()
            if first.startswith(legacy.OLE_MAGIC):  # an .xls renamed 報告.docx (fix16b), or a password-protected
                # package (session 17: an encrypted workbook renamed .docx ended as nothing): the worker reads it
                # and lists it encrypted (a protected document and a protected workbook look alike)
                return legacy.workbook_or_encrypted(entry, self.config.max_inspect_bytes) or (  # a Word 97-2003
                    legacy.holds_word_stream(entry, self.config.max_inspect_bytes)) or (  # .doc renamed .docx: its
                    legacy.holds_ppt_root(entry, self.config.max_inspect_bytes))  # tables listed as under .doc
                # (review17e: it ended as nothing), a .ppt renamed .docx read as the deck (docs23: nothing)
            own = ext in DOCUMENT_EXTS  # a text document under its own kind of name was settled above: read when it
            # may hold a table, not wanted when the quick check saw none (review17d: the worker's read for nothing)
            if _ODS_MIMETYPE in first[:256] or (_ODT_MIMETYPE in first[:256] and not own):  # an .ods under any
                return True  # document's name (session 17: .docx, .pptx); an .odt under a presentation's (review17e)
            # an .xlsx renamed 報告.docx or 議事.odt (fix16b: under .odt it ended as nothing), a .docx renamed .pptx
            marks = embedded.package_marks(entry, size, self.config.max_inspect_bytes)
            return marks.workbook or (marks.document and not own) or (
                marks.before > 0 and not first.startswith(ZIP_MAGIC))  # bytes before its zip (review20w)
        if ext in SQLITE_EXTENSIONS:  # a database, or bytes that say why not (an encrypted one has no header: its
            return True               # randomness is judged on its first 4 KiB, more than the head read here)
        if entry.name.casefold().endswith(WAL_SUFFIX):
            return wal_frames(head()) is not None
        if ext == GNUMERIC:  # the XML, inflated or saved plain (its gzip is the archive inspector's)
            return not holds_archive(head(), entry.name)
        if ext == FODS:  # read by its content, or listed as the XML it is (its mimetype is past the head read here)
            return True
        if ext in MARKUP_EXTENSIONS:  # a mail body's HTML table has no Excel mark (pasted into Gmail); Word 2003 XML
            return (getattr(entry, "read_as_table", False) or any(mark in head() for mark in EXCEL_MARKS)
                    or _wordml(head()) or _fodt(head()) or _flatopc(head()) or (
                        ext in HTML_EXTENSIONS and _html_table(entry, size, head(), self.config.max_inspect_bytes))
                    or _records(entry, size, head()))  # person records (xml19)
        if ext in WEB_ARCHIVES:  # any single-file web page: a browser's saved page may hold the list as a table
            first = head()  # (or one cut inside its header block, listed: damage16, it ended as nothing)
            return web_archive_kind(first) == "mhtml" or (size <= len(first) and _cut_web_archive(first))
        if ext in JSON_EXTENSIONS:  # an export of records, not a manifest or settings (wild15: was never read)
            return size >= SNIFF_MIN and holds_records(head())
        if ext in OTHER_EXTENSIONS:
            return False
        if getattr(entry, "series", None) is None and table_behind_suffix(entry.name):
            return size > 0  # 名簿.xlsx.bak, 名簿.csv.1000, 名簿.xlsx.part: read by what its bytes are (what reads
            # no table in it lists it: a name that says table never ends as nothing) (Session 13)
        if size < SNIFF_MIN:
            return False
        # an extension nobody knows (名簿.dat, 名簿.bak, a 7z member renamed 名簿.cóv by a flip in its packed header):
        # a workbook by its magic, or a text whose first line is a person table's header (the head is read anyway;
        # a name without an extension is the disguise check's, which --content-check off turns off, as this)
        series = getattr(entry, "series", None)
        if getattr(series, "text", False):  # a CSV cut under list.zip.NNN, joined as ``list`` (Session 13): its
            return True  # rows are text by its first part's content; a run after a gap starts with no header
        first = head()
        joined = getattr(series, "plain", False)  # customers.001 ... read joined as NAME
        return first.startswith((ZIP_MAGIC, OLE_MAGIC, SQLITE_MAGIC)) or is_access(first) or stats_by_magic(first) is not None or (
            (joined or (bool(ext) and self.config.content_check != "off"))
            and (table_head(first, HEADER_LINES) or ext == ".sql"  # a table below a title line (session 17)
                 or family_of(first) in READ_FAMILIES  # what the disguise check reads (a dump, SYLK, a page ...)
                 or _records(entry, size, first)))  # person records as XML (xml19: their names past the head)

    def document_tables(self, entry: Entry, data: bytes) -> Inspection | None:
        """The tables of a Word, PowerPoint or OpenDocument package under an archive's name this inspector never takes (.zip, .7z,
        .gz, .jar), for the archive inspector, which opens it as the archive its name says (docs18: 報告.docx renamed
        .zip, its person table was never read); None when ``data`` is no such package or its name is read here."""
        tail = data[-PACKAGE_NAMES_TAIL:]  # its directory: no second read of it for an archive that names no such part
        if (split_ext(entry.name)[1].casefold() not in OTHER_EXTENSIONS | {".ppt"}  # (a zip named .ppt: the archive's)
                or (b"word/" not in tail and b"content.xml" not in tail and b"ppt/slides/" not in tail)):
            return None
        before = 0 if data.startswith(ZIP_MAGIC) else doctail.bytes_before_zip(data)  # (zipfile opens a zip past
        body = data[before:] if before else data  # bytes before it: review21h, such a document renamed .zip ended
        if document_kind(body) not in ("docx", "odt", "pptx", "odp"):  # as nothing; a deck renamed .zip: xml21)
            return None
        found = self._tables(entry, body, sniff_format(body))  # (not ``inspect``: it would hand an archive back)
        if before:  # listed as under the document's own name (review20w)
            said = say(Detail.DATA_BEFORE_ZIP, n=before)
            found.status = Status.CORRUPT if found.status in (Status.OK, Status.UNSUPPORTED) else found.status
            found.detail = join_details((said, found.detail)) if found.detail else said
        return found

    def _without_tables(self, entry: Entry, size: int) -> bool | None:
        """A small local document whose bytes show no table (``doctables.without_tables``, read once here: the
        worker would read and hash it to find nothing). Larger ones, and entries read otherwise, go to the worker.
        None: a zip signature then noise whose ``inspect`` here gives a bare Inspection (``_document_noise``, one the
        archive inspector opens and lists corrupt: cheap21, it was read in a worker by both to find nothing)."""
        small = getattr(entry, "read_small", None)
        if small is None or getattr(entry, "series", None) is not None:
            return False
        if size > DOCUMENT_CHECK:  # a larger deck (its pictures): its directory and slides only, by seeking (xml21)
            if split_ext(entry.name)[1].casefold() not in SLIDES_EXTS:
                return False
            try:
                with entry.open() as f:
                    return f.seekable() and zip_without_tables(f, DOCUMENT_CHECK_INFLATED)
            except (ReadError, OSError):
                return False
        got = small(size + 1)
        if got is None or len(got[0]) != size:
            return False
        if without_tables(got[0], DOCUMENT_CHECK_INFLATED):
            return True
        if size >= doctail.SMALLEST_WITH_EMBEDDING and _document_noise(entry.name, got[0]):
            marks = embedded.package_marks(entry, size, self.config.max_inspect_bytes)  # (asked by both inspectors)
            return None if not marks.workbook and (marks.embeds or marks.plain) else False  # no workbook named, and
            # the archive inspector opens it (``opens_as_archive``): ``_tables`` gives a bare Inspection
        return False

    def wants_disguised(self, entry: Entry, head: bytes) -> bool:
        """A file its name ruled out whose first bytes contradict its extension (scanner.inspectors.disguise: an
        .xlsx named photo.jpg, a zip named scan.pdf, a person CSV named .log): read by its content."""
        if checked_entry_ext(entry.name, entry.location) is None:
            return False
        told = disguise_check(entry.name, head[:MARKUP_CHECK])
        if told is None:  # XML whose head names no person's field: records after a long schema or settings block
            return records_past_head(entry, head)  # (xml20: under .jpg or no extension such an export ended as nothing)
        return told.family not in ("mail", "pdf")  # a saved message is the mail inspector's (review16a), a
        # PDF the PDF inspector's (its attachments: read here too, its raw bytes gave the attached list twice)

    disguise_only = True  # ``wants_disguised`` is False whenever ``disguise.check(entry.name, head)`` is None

    quiet_when_empty = True  # ``inspect`` of no bytes is a bare Inspection() whatever the name (``_tables``: "empty")

    def settles_here(self, data: bytes) -> bool:
        """Bytes no reader is given (no workbook, archive, markup or text signature): ``inspect`` only lists
        them, so no worker is needed. Checked without parsing anything (zip and OLE need a parser)."""
        return (not data.startswith((ZIP_MAGIC, b"PK\x05\x06", OLE_MAGIC)) and web_archive_kind(data) == "binary"
                and not holds_archive(data, "") and damaged_head(data) is None)

    def inspect(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
        with held_zip(data), held_ole(data):  # one read of a workbook's zip directory: its format sniff and its bomb
            # guard share it; a compound file olefile fails on is parsed once (the sniff, the archive inspector's objects)
            return self._inspect_held(entry, data, ctype, ctx)

    def _inspect_held(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
        if (damaged := signature_damaged(data[:64])) is not None and (damaged[0] != OLE_MAGIC or (
                claimed_ext(entry.name) not in SHEET_EXTENSIONS | MARKUP_EXTENSIONS and legacy.kind_of(entry.name) is None)):
            magic, n = damaged  # (an OLE2 file under a workbook's name: below; under a .doc/.ppt's: the embedded-object
            label = {ZIP_MAGIC: "zip", OLE_MAGIC: "OLE2", SQLITE_MAGIC: "SQLite"}[magic]  # inspector restores it)
            return self._restored(entry, magic + data[len(magic):], ctype, ctx,
                                  say(Detail.HEAD_RESTORED, format=label, n=n, size=len(magic)))
        if _zeroed_document(entry.name, data[:16]):
            zeroed = len(data) - len(data.lstrip(b"\0"))
            if zeroed < len(data) and damaged_head(data) == "zip-corrupt":  # a document whose first bytes are zeroed:
                return self._restored(entry, ZIP_MAGIC + data[4:], ctype, ctx,  # its directory read
                                      say(Detail.HEAD_ZEROED, n=zeroed, format="zip"), objects=True)
            if not embedded.opens_as_archive(entry, len(data), self.config.max_inspect_bytes):
                return Inspection(status=Status.CORRUPT, detail=say(Detail.DOCUMENT_ZEROED, n=zeroed))  # no directory
                # to read it from (zeroed whole, or cut too): review18d, it was wanted for its head and ended as
                # nothing (a larger one the archive inspector lists)
        if (split_ext(entry.name)[1].casefold() in DOCUMENT_PACKAGES and not data.startswith(ZIP_MAGIC)
                and (before := doctail.bytes_before_zip(data))):
            return self._restored(entry, data[before:], ctype, ctx, say(Detail.DATA_BEFORE_ZIP, n=before),  # a
                                  objects=True)
            # document with bytes before its zip (an HTTP header saved with it, a stub, a bad copy): read as the zip
            # that follows (review20w: no reader takes a document that does not start as a zip: it ended as nothing)
        archives = ArchiveInspector(self.config)
        fmt = web_archive_kind(data) if split_ext(entry.name)[1].casefold() in WEB_ARCHIVES else sniff_format(data)
        if (not archives.wants_name(entry.name) or _disguised_archive(entry.name, data)) and (
                holds_archive(data, entry.name, fmt) or (
                checked_ext(entry.name) is not None and sniff_unsupported(data[:512]) is not None)):
            # an archive or a compressed file under a table's name (the archive inspector never looks at those
            # names): opened as the archive it is, its members examined
            return archives.inspect(entry, data, ctype, ctx)
        found = self._tables(entry, data, fmt)
        if fmt == "binary" and any(c.get("code") == Detail.SIGNATURE_RESTORED for c in codes_of(found.detail)):
            data = OLE_MAGIC + data[8:]  # read with its signature restored (``_resigned``): its objects too (review13f)
            fmt = sniff_format(data)
        ext = split_ext(entry.name)[1].casefold()
        if ext in DOCUMENT_PACKAGES and fmt in _PACKAGE_FORMATS:  # a workbook under a document's name: a lead too
            found.reasons = [*found.reasons, Reason.EXTENSION_MISMATCH]
            found.rules = [*found.rules, Disguise(ext, "workbook").rule]
        elif fmt in MARKUP_FORMATS and ext not in SHEET_EXTENSIONS | MARKUP_EXTENSIONS | WEB_ARCHIVES and (
                told := disguise_check(entry.name, data[:MARKUP_CHECK])) is not None:
            found.rules = [*found.rules, told.rule]  # its <table> past the head the walk keeps (a long <head>)
        elif (fmt == "xml" and found.reasons and ext not in SHEET_EXTENSIONS | MARKUP_EXTENSIONS
              and (checked := checked_entry_ext(entry.name, entry.location)) is not None
              and not {"markup", "text"} & expected()[checked] and document_kind(data[:MARKUP_CHECK]) is None
              and disguise_check(entry.name, data[:MARKUP_CHECK]) is None):
            found.rules = [*found.rules, Disguise(checked, "xmlrecords").rule]  # records past its head (xml20)
        if (data.startswith(ZIP_MAGIC)
                and split_ext(entry.name)[1].casefold() in doctail.WORKBOOK_EXTS + embedded.ODF_WORKBOOK_EXTS
                and embedded.names_embeddings(data)):  # a workbook that embeds objects: they are children
            parts = archives.inspect(entry, data, ctype, ctx)
            found.children = parts.children
            _add_objects_status(found, parts, say(Detail.EMBEDDED_NOT_EXAMINED, inner=parts.detail))
            _add_hidden_note(found, parts)
        elif _flatopc(data[:MARKUP_CHECK]) and (b"binaryData" in data or data.startswith(_UTF16_BOMS)):
            self._add_objects(found, entry, data, archives, "flatopc")  # Office flat XML: its objects in base64 (xml20)
        elif fmt == "xls" and legacy.XLS_OBJECT in data:  # an .xls with MBD storages: its embedded objects
            self._add_objects(found, entry, data, archives, "xls")
        elif (data.startswith(OLE_MAGIC) and fmt != "xls" and legacy.kind_of(entry.name) is None
              and not embedded.is_ole_embedding(entry) and (kind := embedded.objects_kind(data)) is not None
              and legacy.shows_objects(data, kind)):
            # a Word document or a presentation under another name (the archive inspector opens .doc/.ppt and
            # embedded objects): its embedded objects are children, as under its own name (ole19: they were lost)
            self._add_objects(found, entry, data, archives, kind)
        elif fmt == "access":  # an Access database: its OLE objects and attachments are children (access18)
            depth = archive_depth(entry.location)
            table_caps = caps_for(self.config, len(data))
            if depth < self.config.archive_depth:
                parts = legacy.open_legacy(entry, data, archives.caps_for(entry), kind="access", table_caps=table_caps)
            elif next(access_objects(data, CellBudget(table_caps), 0), None) is not None:  # (none read: limit 0)
                parts = Inspection(status=Status.TOO_DEEP, detail=say(Detail.EMBEDDED_NOT_EXAMINED, inner=say(
                    Detail.INSIDE_ARCHIVES_OBJECTS, depth=depth, limit=self.config.archive_depth)))
            else:
                parts = Inspection()
            found.children = parts.children
            _add_objects_status(found, parts, parts.detail)
        return found

    def _add_objects(self, found: Inspection, entry: Entry, data: bytes, archives: ArchiveInspector, kind: str) -> None:
        """The embedded objects of a compound file read here (``kind``: an .xls's MBD storages, or a Word document's or
        a presentation's under another name) as ``found``'s children, their problems onto its outcome."""
        depth = archive_depth(entry.location)
        parts = (legacy.open_legacy(entry, data, archives.caps_for(entry), kind=kind)
                 if depth < self.config.archive_depth else Inspection(status=Status.TOO_DEEP, detail=say(
                     Detail.EMBEDDED_NOT_EXAMINED,
                     inner=say(Detail.INSIDE_ARCHIVES_OBJECTS, depth=depth, limit=self.config.archive_depth))))
        found.children = parts.children
        _add_objects_status(found, parts, parts.detail)

    def _tables(self, entry: Entry, data: bytes, fmt: str) -> Inspection:
        ext = claimed_ext(entry.name)
        if not ext and getattr(getattr(entry, "series", None), "text", False):
            ext = ".txt"  # joined text rows (a CSV cut under list.zip.NNN): read as rows of text, header or not
        claimed = ext in SHEET_EXTENSIONS or ext in MARKUP_EXTENSIONS
        if fmt in ("empty",):
            return Inspection()
        word_named = fmt == "ole-other" and any(n in data for n in _WORD_STREAM_NAMES)
        deck_as_word = (fmt == "ole-other" and ext in WORD97_EXTS and not word_named and holds_ppt(data)
                        and shared_worker().call(holds_ppt_stream, (data,), caps_for(self.config, len(data)).timeout + 5))
        # (a deck renamed .doc: read as the deck, docs23; read as Word it found no WordDocument stream: nothing)
        if fmt == "ole-other" and not deck_as_word and (ext in WORD97_EXTS or (word_named and shared_worker().call(
                holds_word97, (data,), caps_for(self.config, len(data)).timeout + 5))):  # a Word 97-2003 document,
            fmt = "doc"  # also renamed (review17e; not an Outlook message holding one): its tables read in the worker
            # (scanner.word97), listed when they cannot be
        elif fmt == "ole-other" and holds_ppt(data) and (deck_as_word or ext in PPT97_EXTS or (
                ext not in WORD97_EXTS and not word_named and shared_worker().call(
                    holds_ppt_stream, (data,), caps_for(self.config, len(data)).timeout + 5))):
            fmt = "ppt"  # a PowerPoint 97-2003 presentation: its tables and notes (scanner.ppt97, docs22), also renamed
            # (review22d: a deck named .dat or without an extension ended as nothing)
        elif fmt == "xml" and ext in HTML_EXTENSIONS and _HTML_TABLE.search(data) is not None:
            fmt = "html"  # a page fragment (<div><style>..</style><table>: pandas' to_html, a notebook's output) is no
            # XML export (review22d: read as XML records it was listed "XML damaged", its person table unread)
        if ext in _CUT_NAMES and len(data) <= 512 and _ole_cut(data, len(data)):
            return Inspection(status=Status.CORRUPT, detail=unreadable_reason("ole-corrupt")[1])  # a .doc cut in its
            # OLE2 header (damage19: under 64 bytes it ended as nothing; an .xls so is listed damaged)
        if ext in HTML_EXTENSIONS and len(data) < 16 and page_cut(data):  # a page cut in its first tag: no page
            return Inspection(status=Status.CORRUPT, detail=say(Detail.HTML_CUT, n=len(data)))  # left (docs23)
        if ext in _CUT_NAMES and cut_in_root(data):
            return Inspection(status=Status.CORRUPT, detail=say(Detail.DOCUMENT_PART_CUT, n=len(data)))
        if (ext in DOCUMENT_EXTS or ext in WORD97_EXTS) and fmt not in (*BINARY_FORMATS, "ole-encrypted",
                                                                         "ooxml-no-workbook"):
            kind = document_kind(data)
            if kind is not None:  # its tables are read as sheets (scanner.doctables)
                fmt = kind
            elif fmt in ("zip-corrupt", "zip-other") and not embedded.package_marks(
                    entry, len(data), self.config.max_inspect_bytes).workbook:
                if fmt == "zip-corrupt" and ext in DOCUMENT_PACKAGES and (
                        len(data) < doctail.SMALLEST_WITH_EMBEDDING or (
                            ext in doctail.OOXML_EXTS + embedded.ODF_EXTS and not embedded.opens_as_archive(
                                entry, len(data), self.config.max_inspect_bytes))):
                    return Inspection(status=Status.CORRUPT, detail=say(Detail.ZIP_CORRUPT))  # a document's zip cut
                    # in its first member, too small for the archive inspector to open (damage18: cut at 8-100
                    # bytes it ended as nothing; a larger one the archive inspector lists), or whose directory names
                    # package parts and no object, so the archive inspector never opens it (wild20: LibreOffice
                    # Online's corrupted.odt, every NUL byte written as the text "\00", ended as nothing)
                return Inspection()  # no document part and no workbook part named: the archive inspector lists it
        elif fmt in ("zip-corrupt", "zip-other", "xml") or (fmt == "text" and data.startswith(b"{\\rt")):
            kind = document_kind(data)  # a document renamed 名簿.jpg / .dat / .xlsx / .txt (review17e: its person
            if kind is not None:  # table was never read: a lead without its people, or nothing); a Word 2003 XML
                fmt = kind  # document under .xml or no name of its own (docs18: its tables were never read)
        if ext in WEB_ARCHIVES and fmt != "mhtml" and _cut_web_archive(data):  # its page and parts are lost
            return Inspection(status=Status.CORRUPT, detail=say(Detail.CUT_IN_HEADER))
        if fmt == "binary" and entry.name.startswith("._") and data.startswith(APPLEDOUBLE_MAGIC):
            return Inspection(detail=say(Detail.APPLEDOUBLE))
        if (ext not in UNREAD_TABLES and ext not in SHEET_EXTENSIONS and ext not in MARKUP_EXTENSIONS
                and (by_magic := stats_by_magic(data)) is not None):
            ext = by_magic  # a statistics data file under another name (survey.dat, export.bin, none: Session 15)
        elif ext not in UNREAD_TABLES and fmt == "binary" and family_of(data[:TAR_CHECK]) == "dbf":
            ext = ".dbf"  # a dBase table under another name (顧客.dat, 名簿.jpg: session 17, ended as nothing)
        if ext == IWORK_PART and numbers_part(entry):
            return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.UNREAD_TABLE_FORMAT, what=NUMBERS_FOLDER,
                                                                           ext=ext))
        if ext in SYLK_EXTENSIONS and fmt == "text" and sylk_cells(data):
            fmt = "sylk"  # its first records damaged (a flipped byte in ID;PWXL): its cells are read (review16c)
        if unread_table(ext, data) and fmt not in (*BINARY_FORMATS, *MARKUP_FORMATS, "ole-encrypted", "sylk", "dif") and not (
                fmt == "xml" and ext not in UNREAD_TABLE_MAGIC):  # XML records under .dbf/.dif/.slk: read as XML (xml20:
            # listed unsupported, "no reader" or "no dBase header", while the XML reader reads them; .dta's header is XML-like)
            if data.startswith(_SPSS_ENCRYPTED):  # saved with a password (Session 15: was listed unsupported)
                return Inspection(status=Status.ENCRYPTED, detail=say(Detail.SPSS_ENCRYPTED, ext=ext))
            if ext[1:] in STATS_FORMATS and not data.startswith(_SAS_CPORT):
                fmt = ext[1:]  # read by pyreadstat (scanner.statsdata, Session 15: was listed unsupported)
            elif ext == ".dbf":  # read by scanner.dbase (Session 16: was listed unsupported)
                if not is_dbf(data):
                    return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.DBF_NOT_DBASE))
                fmt = "dbf"
            elif ext in ACCESS_EXTENSIONS:  # read by scanner.access (Session 17: was listed unsupported)
                if fmt != "access":
                    return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.ACCESS_NOT_ACCESS, ext=ext))
            else:
                return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.UNREAD_TABLE_FORMAT,
                                                                               what=UNREAD_TABLES[ext], ext=ext))
        if fmt == "binary" and not claimed and checked_ext(entry.name) is not None:
            told = disguise_check(entry.name, data[:MARKUP_CHECK])
            if told is not None and told.family in TEXT_FAMILIES:  # read for its text start, binary further on
                return Inspection(status=Status.CORRUPT, detail=say(Detail.TEXT_THEN_BINARY,
                                                                          what=LABELS[told.family]))
        if fmt in ("binary", "text", "xml") and (named := _not_sqlite(entry.name, ext, data)) is not None:
            return named
        if fmt in ("zip-other", "ole-other", "binary") and not claimed:
            return Inspection()  # a renamed non-workbook: nothing for this inspector
        if fmt == "binary":  # a workbook whose first bytes are damaged is read as what the rest of it says
            fmt = damaged_head(data) or fmt
            if fmt == "ole-corrupt":
                return self._resigned(entry, data, ext)
            if fmt == "binary" and ext not in TEXT_EXTENSIONS and len(data) >= 16 and not data[:16].strip(b"\0"):
                # a workbook zeroed from its start (its header gone): damaged, not some other program's file (damage23:
                # `unsupported` "binary content that is not a known workbook format")
                zeroed = len(data) - len(data.lstrip(b"\0"))
                return Inspection(status=Status.CORRUPT, detail=say(Detail.WORKBOOK_ZEROED, n=zeroed, size=len(data)))
        if fmt == "ole-other" and OUTLOOK_STREAM in data:
            if renamed_msg_read(data, self.config.max_inspect_bytes):
                return Inspection()  # an Outlook .msg saved as .xls / .txt: the mail inspector reads it
            if (damage := msg_directory_damage(data)) is not None:  # read by nobody: listed with why
                return Inspection(status=Status.CORRUPT, detail=damage)
            return Inspection()  # a whole .msg without attachments or a body long enough for a table: nothing to read
        if fmt == "text" and ext not in TEXT_EXTENSIONS and not claimed and not table_head(data[:TEXT_CHECK], HEADER_LINES):
            return Inspection()  # a text one of whose first lines (below a title, log lines) is a person table's header
            # is read, whatever its name (session 17: a titled list renamed 名簿.jpg or 名簿.dat ended as nothing)
        readable = (*BINARY_FORMATS, *MARKUP_FORMATS, "text", "vcard", "sylk", "dif", "json", "xml", "sqldump", "sqlite",
                    "ole-encrypted", *STATS_FORMATS, "dbf", "access", *DOCUMENT_FORMATS)
        caps = caps_for(self.config, len(data))
        if fmt not in readable:
            reason, detail = unreadable_reason(fmt)
            if fmt == "zip-corrupt":  # a cut or damaged workbook zip: the parts its local headers still give
                failed = Inspection(status=reason, detail=detail)
                got = self._salvaged(entry, data, ext, caps, failed)
                zeroed = len(data) - len(data.lstrip(b"\0"))
                if got is failed and zeroed >= 16 and ext not in TEXT_EXTENSIONS:  # its start zeroed and nothing
                    # rebuilt: a zip signature further in (an .xls's embedded package) is no proof of a zip; the
                    # workbook's header is what was lost (damage23: "damaged zip container")
                    got.detail = say(Detail.WORKBOOK_ZEROED, n=zeroed, size=len(data))
                return got
            return Inspection(status=reason, detail=detail)
        try:  # every format where a crash or a hang costs this file only (inline in a pool worker)
            memo = memo_of(entry, self.config.max_inspect_bytes) if fmt == "dbf" else None  # its memo file beside
            findings, _, reading = shared_worker().call(analyse_bytes, (data, fmt, caps, memo), caps.timeout + 5)
        except ReadError as e:
            if e.reason == Status.ENCRYPTED and fmt in LOCKABLE_FORMATS:
                return self._unlocked(data, ext, caps, e, fmt)
            if e.reason == Status.CORRUPT and fmt in ("xlsx", "ods"):  # a damaged part inside a sound zip
                return self._salvaged(entry, data, ext, caps, Inspection(status=e.reason, detail=e.detail))
            return _presentation_named(entry, data, fmt, ext, Inspection(status=e.reason, detail=e.detail))
        return _presentation_named(entry, data, fmt, ext, self._found(entry, data, fmt, ext, findings, reading))

    def _restored(self, entry: Entry, fixed: bytes, ctype: str, ctx: ScanContext, said: str,
                  objects: bool = False) -> Inspection:
        """A zip, OLE2 file or SQLite database whose signature has a byte or two changed (``signature_damaged``), under
        any name, or a document whose first bytes are zeroed: read as what it is with the signature restored
        (``fixed``, a copy in memory), listed ``corrupt`` with ``said`` whatever was found (damage18: renamed or not,
        such files ended as nothing). ``objects``: a document the archive inspector does not take (its first bytes
        zeroed, bytes before its zip): its embedded objects are children here (review21h: a report's embedded
        person workbook was never examined, the document listed as read)."""
        found = self.inspect(entry, fixed, ctype, ctx)
        if (objects and not found.children and split_ext(entry.name)[1].casefold() in DOCUMENT_PACKAGES
                and fixed.startswith(ZIP_MAGIC) and embedded.names_embeddings(fixed)):
            parts = ArchiveInspector(self.config).inspect(entry, fixed, ctype, ctx)
            found.children = parts.children
            _add_objects_status(found, parts, say(Detail.EMBEDDED_NOT_EXAMINED, inner=parts.detail))
            _add_hidden_note(found, parts)
        found.status = Status.CORRUPT if found.status in (Status.OK, Status.UNSUPPORTED) else found.status
        found.detail = join_details((said, found.detail)) if found.detail else said
        return found

    def _resigned(self, entry: Entry, data: bytes, ext: str) -> Inspection:
        """An OLE2 file whose signature is damaged (``damaged_head``): read with the signature restored, a copy in
        memory; ``corrupt`` either way (``encrypted`` for a password-protected workbook), the restored signature said."""
        differ = sum(a != b for a, b in zip(data[:8], OLE_MAGIC, strict=True))
        said = say(Detail.SIGNATURE_RESTORED, format="OLE2", n=differ)
        fixed = OLE_MAGIC + data[8:]
        fmt = sniff_format(fixed)
        if fmt not in (*BINARY_FORMATS, "ole-encrypted"):  # a protected workbook is listed as one (review13f)
            said = say(Detail.SIGNATURE_NOT_RESTORED, format="OLE2", n=differ)  # nothing read (review13f #4)
            return Inspection(status=Status.CORRUPT, detail=join_details((unreadable_reason("ole-corrupt")[1], said)))
        found = self._tables(entry, fixed, fmt)
        found.status = Status.CORRUPT if found.status in (Status.OK, Status.UNSUPPORTED) else found.status
        found.detail = join_details((said, found.detail))
        return found

    def _salvaged(self, entry: Entry, data: bytes, ext: str, caps: Caps, failed: Inspection) -> Inspection:
        """A workbook zip that could not be read, rebuilt from its local headers (scanner.inspectors.salvage):
        the rows before the damage, listed ``corrupt`` with them; ``failed`` when nothing could be rebuilt."""
        try:
            got = shared_worker().call(analyse_salvaged, (data, caps), caps.timeout + 5)
        except ReadError:
            return failed
        if got is None:
            return failed
        findings, fmt, reading = got
        reading.damage.insert(0, failed.detail)
        return self._found(entry, data, fmt, ext, findings, reading)

    def _found(self, entry: Entry, data: bytes, fmt: str, ext: str, findings: list[SheetFinding],
               reading: Reading | None) -> Inspection:
        reading = reading or Reading()
        cut = getattr(entry, "damage", None)  # a member its archive could give only in part (a cut .gz)
        if cut:
            reading.damage.append(cut)
        if findings and fmt in ("text", "xml", "sylk", "dbf") and (undecoded := _undecoded(data, reading)):
            reading.damage.append(say(Detail.VALUES_UNDECODED, n=undecoded))
        if fmt == "html" and ext in HTML_EXTENSIONS and not findings and reading.damage and included_fragment(
                data, entry.name):  # an include's table left open for its page: no cut (docs25)
            reading.damage = [d for d in reading.damage if Detail.HTML_CUT_IN_TABLE.value not in [
                c.get("code") for c in codes_of(d)]]
        if fmt == "html" and ext in HTML_EXTENSIONS and not any(
                c.get("code") == Detail.HTML_CUT_IN_TABLE.value for d in reading.damage for c in codes_of(d)) and page_cut(data, entry.name):
            reading.damage.append(say(Detail.HTML_CUT, n=len(data)))  # a page cut after its tables or before any
            # (docs23: it added no line, or its rows were listed read whole)
        status, detail = _outcome(fmt, ext, bool(findings), reading)
        if not findings and status == Status.UNSUPPORTED and _plain_page(entry, data, fmt, ext, reading):
            status, detail = Status.OK, ""  # a web page without a table: pages are no tables (docs22: no line)
        if not findings and status == Status.CORRUPT and fmt == "text":
            other = _other_content(data)
            if other:  # a picture or a compressed file under a table's name: not a damaged table (a BMP header's
                # zeros read as text are no zeroed block: EDR TestFail_Binary.xls, wild22)
                status, detail = Status.UNSUPPORTED, say(Detail.NOT_A_TABLE_NAMED, other=other,
                                                                  ext=ext or "without an extension")
        if not findings:
            return Inspection(status=status, detail=detail)
        found = inspection_of(findings, fmt, self.config.unmask)
        found.status, found.detail = status, detail
        if found.pii is not None:
            found.pii.update(reading.facts())
        return found

    def _unlocked(self, data: bytes, ext: str, caps: Caps, locked: ReadError, locked_fmt: str) -> Inspection:
        """A password-protected workbook opened with Excel's default password or an entry of --password-file
        (in the worker), then read like any other; ``annotations.password`` names the entry, never the password. A
        protected Word package is said as a document (by its name: the encryption hides its kind) and its tables read
        once opened (docs18)."""
        what = protected_kind(".xls" if locked_fmt == "xls" else ext)
        try:
            plain, entry = shared_worker().call(unlock_workbook, (data, self.config.passwords, what), caps.timeout + 5)
            fmt = sniff_format(plain)
            if fmt in ("zip-other", "zip-corrupt") and (kind := document_kind(plain)) is not None:
                fmt = kind  # a protected .docx/.odt: its tables
            findings, _, reading = shared_worker().call(analyse_bytes, (plain, fmt, caps), caps.timeout + 5)
        except ReadError as e:
            detail = f"{locked.detail}; {e.detail}" if e.reason == Status.ENCRYPTED else e.detail
            return Inspection(status=e.reason, detail=detail)
        status, detail = _outcome(fmt, ext, bool(findings), reading or Reading())
        note = {"password": opened_with(entry)}
        if not findings:
            return Inspection(status=status, detail=detail, annotations=note)
        found = inspection_of(findings, fmt, self.config.unmask)
        found.status, found.detail, found.annotations = status, detail, note
        if found.pii is not None:
            found.pii.update((reading or Reading()).facts())
        return found


def _random(head: bytes) -> bool:
    """Bytes that look random (7.8 bits of entropy a byte or more over the first 4 KiB, at least 1 KiB): what an
    encrypted SQLite database (SQLCipher, SEE) starts with, its header encrypted too."""
    sample = head[:4096]
    if len(sample) < 1024:
        return False
    counts = Counter(sample)
    n = len(sample)
    return -sum(c / n * math.log2(c / n) for c in counts.values()) >= 7.8


def _zeroed_document(name: str, head: bytes) -> bool:
    """A Word/OpenDocument package's name over bytes that open with 16 NULs (no document does: a zeroed sector)."""
    return split_ext(name)[1].casefold() in DOCUMENT_PACKAGES and len(head) >= 16 and not head.strip(b"\0")


def _not_sqlite(name: str, ext: str, data: bytes) -> Inspection | None:
    """What a file named as a SQLite database (or its -wal) is when it holds no SQLite header: a write-ahead log's
    frames not read, an encrypted database, or not a database (under a name only SQLite uses); None otherwise."""
    if name.casefold().endswith(WAL_SUFFIX) and (frames := wal_frames(data)) is not None:
        return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.SQLITE_WAL_FILE, n=frames)) if frames else Inspection()
    if ext not in SQLITE_EXTENSIONS:
        return None
    if len(data) % 512 == 0 and _random(data):  # an encrypted database is whole pages (512 to 65536 bytes each)
        return Inspection(status=Status.ENCRYPTED, detail=say(Detail.SQLITE_ENCRYPTED, ext=ext))
    if ext in SQLITE_ONLY:
        return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.SQLITE_NOT_DB, ext=ext))
    return None


def _add_hidden_note(found: Inspection, parts: Inspection) -> None:
    """The package's note on members hidden in it (``embedded.foreign_note``: a lead, the members named), from the
    archive inspector's opening of its objects onto the workbook's own outcome (docs22)."""
    if embedded.FOREIGN_RULE in parts.rules:
        notes = parts.annotations or {}
        add_note(found, embedded.foreign_note(list(notes.get("foreign_members") or []), notes.get("foreign_members_n")))


def _add_objects_status(found: Inspection, parts: Inspection, detail: str) -> None:
    """The embedded objects' problem onto the workbook's own outcome: their status when the workbook read
    cleanly, else said after the workbook's own problem (never dropped because the workbook is listed already)."""
    if parts.status == Status.OK:
        return
    if found.status == Status.OK:
        found.status, found.detail = parts.status, detail
    else:
        found.detail = join_details((found.detail, detail)) if found.detail else detail  # codes kept
