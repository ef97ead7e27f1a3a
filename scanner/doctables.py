"""Tables inside word-processing documents: a client list pasted as a table into a Word report, an OpenDocument text or
an RTF letter is a sheet like a workbook's, read here and analysed by the same table pipeline (header words, columns,
person records, counting). Runs in the worker (scanner.isolation), under the cell, inflated-size and time caps.

- Word 2007+ (.docx/.docm/.dotx/.dotm): every ``w:tbl`` of the body, the headers and footers, the footnotes,
  endnotes and comments (text boxes are in the body); a cell spanning grid columns (``w:gridSpan``) is followed by
  empty cells, a cell merged down (``w:vMerge``) gives its text to the rows below in its column (as merged cells of a
  workbook); ``w:gridBefore`` places a row's first cell; rows and cells inside content controls (``w:sdt``) and
  custom XML count; text from runs, hyperlinks, fields' results and smart tags, never field codes or deleted
  text; Word's fallback copy of a text box (``mc:Fallback``) is not read twice. A nested table is a sheet of its own.
- Word 2003 XML (one file, ``<w:wordDocument>``, often named .xml or .doc): the same walk in its namespace (its element
  names are Word 2007's; ``w:vmerge``/``w:hmerge`` its spellings of the merges).
- Office flat XML (one file, ``<pkg:package>``: Word 2007+'s "XML document", PowerPoint's "XML presentation", often
  named .xml): a package's parts written one after the other (``<pkg:part pkg:name="/word/document.xml">`` with the
  part's XML in ``<pkg:xmlData>``, or its bytes in base64 in ``<pkg:binaryData>``); the story parts are read as a
  .docx's (``flat_parts``), the binary ones under ``embeddings/`` are objects (scanner.inspectors.legacy_embedded).
- Presentations (.pptx/.pptm/.ppsx/.potx, and a flat XML presentation's slide parts): every ``a:tbl`` of each
  ``ppt/slides/slideN.xml`` in slide order, a cell spanning columns (``gridSpan``) followed by its ``hMerge`` cells
  left empty, one spanning rows (``rowSpan``) giving its text to the ``vMerge`` cells below; OpenDocument presentations
  (.odp/.otp, OpenOffice.org 1 .sxi) by the OpenDocument reader below (xml21).
- OpenDocument text (.odt/.ott, flat .fodt): every ``table:table`` of content.xml and styles.xml (headers and
  footers); header rows, repeated rows and columns, covered cells (a cell spanning rows gives its text below).
  OpenOffice.org 1 (.sxw/.stw): the same element names in the office 1 namespaces, read as ODF's.
- RTF: rows ``\\trowd ... \\cell ... \\row``, nested tables (``\\itap``, ``\\nestcell``, ``\\nestrow``), vertical
  merges (``\\clvmgf``/``\\clvmrg``), text in the document's code page or a font's charset, ``\\u`` characters.

A part is parsed only when it holds a table element (or tab-separated lines, below), and then only its tables (the
body text between them is skipped): most documents cost one inflate and one byte search. A Word 97-2003 .doc is
read through scanner.word97 (its paragraphs with their table properties: cell and row ends, depth, merges) into the
same rows. A list typed as lines separated by tabs (one person a paragraph) is taken as a table
by the rule the text reader uses for a .txt (scanner.tables.sniff_delimiter: the tab splits the lines most
consistently), when at least three consecutive paragraphs hold a tab. Damage is never absence: a cut package is read
from its local headers, XML that breaks ends its table with the damage said, an RTF cut inside a table keeps the rows
before the cut; each is a sheet's ``damage`` (the file ``corrupt`` with its rows), or a ReadError when nothing could
be read.
"""

from __future__ import annotations

import base64
import binascii
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote

from . import ppt97, word97
from .codes import Status
from .details import Detail, join_details, say
from .errors import ReadError, error_name
from .isolation import decoding
from .markup import pull_events
from .sheet import Caps, CellBudget, Sheet
from .textdecode import zeroed_block

if TYPE_CHECKING:
    from lxml.etree import _Element

DOCUMENT_FORMATS = ("docx", "odt", "fodt", "rtf", "wordml", "doc", "flatopc", "pptx", "odp", "ppt", "fodp")  # what
# scanner.tables.iter_tables reads here
WORD_EXTS = (".docx", ".docm", ".dotx", ".dotm")
ODT_EXTS = (".odt", ".ott", ".fodt", ".sxw", ".stw")  # (OpenOffice.org 1 text as an .odt: damage19, a .sxw cut
# in its first bytes ended as nothing where an .odt is listed zip-corrupt)
RTF_EXTS = (".rtf",)
# presentations: the tables on their slides (xml21: a person table on a slide ended as nothing)
SLIDES_EXTS = (".pptx", ".pptm", ".ppsx", ".ppsm", ".potx", ".potm", ".odp", ".otp", ".sxi", ".sti", ".fodp")
DOCUMENT_EXTS = frozenset(WORD_EXTS + ODT_EXTS + RTF_EXTS + SLIDES_EXTS)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
W_2003 = "http://schemas.microsoft.com/office/word/2003/wordml"  # Word 2003 XML (one file, often named .xml or .doc)
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
# the story parts of a Word package that may hold tables, body first (part names as Word writes them)
_WORD_STORY = re.compile(r"^word/(?:document\d*|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
_ODT_PARTS = ("content.xml", "styles.xml")
_ODT_MIMETYPES = (b"application/vnd.oasis.opendocument.text", b"application/vnd.sun.xml.writer")
_FODP_MIMETYPE = b'office:mimetype="application/vnd.oasis.opendocument.presentation'
_ODP_MIMETYPES = (b"application/vnd.oasis.opendocument.presentation", b"application/vnd.sun.xml.impress")
# a PowerPoint package's slides (their tables: ``a:tbl`` in a ``p:graphicFrame``), read in their number's order
_SLIDE = re.compile(r"^ppt/slides/slide(\d{1,6})\.xml$", re.IGNORECASE)
_DECK_TEXT = re.compile(r"^ppt/(?:notesSlides/notesSlide|diagrams/data)\d{1,6}\.xml$", re.IGNORECASE)  # a deck's
# speaker notes and SmartArt text (docs24: a person list there was never read)  # (OPC part names are case-insensitive)
# the slides a deck's [Content_Types].xml lists (an Override a slide, as PowerPoint, LibreOffice and python-pptx write):
# one missing from the zip (its name damaged in the directory) is said, one named otherwise is read (review21x)
_OVERRIDE = re.compile(rb"<(?:[\w.\-]+:)?Override\s[^<>]{0,2000}>")
_PART_NAME = re.compile(rb"""\bPartName\s*=\s*["']/?([^"'<>]{1,400})["']""")
_SLIDE_TYPE = b"presentationml.slide+xml"
_PRESENTATION = "ppt/presentation.xml"
_TBL_PREFIX = re.compile(rb"<([\w.\-]{1,40}):tbl[\s>]")  # a slide's or Word part's table element's prefix
_FLAT_SLIDE_TYPE = re.compile(rb"""contentType\s*=\s*["'][^"'<>]{0,100}presentationml\.slide\+xml["']""")  # (a
# part's pkg:contentType, its part tag damaged too; not an Override's ContentType in a [Content_Types].xml part)
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
A_STRICT = "http://purl.oclc.org/ooxml/drawingml/main"
_ODF_TABLE_TAG = re.compile(rb"<table:table[\s>]")
# OpenOffice.org 1 (.sxw/.stw): the element names of ODF in namespaces of its own, read as ODF's
_OOO1_NAMESPACES = tuple((f'"http://openoffice.org/2000/{n}"'.encode(), f'"{ns}"'.encode())
                         for n, ns in (("table", ODF_TABLE), ("text", ODF_TEXT), ("office", ODF_OFFICE)))
MIN_TAB_LINES = 3  # a header and two rows
MAX_WIDTH = 16384  # columns of a row (a workbook's)
ZIP_MAGIC = b"PK\x03\x04"
ZIP_END = b"PK\x05\x06"  # the end of central directory record's signature: zipfile opens nothing without one
RTF_UTF16 = (b"\xff\xfe{\x00\\\x00r\x00t\x00", b"\xfe\xff\x00{\x00\\\x00r\x00t")  # an RTF saved in UTF-16 with its mark
Delimiter = Callable[[str], str]


def no_zip_end(data: bytes) -> bool:
    """Whether ``zipfile.ZipFile`` of ``data`` raises BadZipFile for want of an end record: its signature is nowhere
    in the last 64 KiB + 22 bytes, where zipfile's ``_EndRecData`` looks (tests/test_small_files.py: the premise over
    noise, cut and flipped packages). One search instead of a ZipFile object (~30 us)."""
    return data.rfind(ZIP_END, max(len(data) - (1 << 16) - 22, 0)) < 0


def document_kind(data: bytes) -> str | None:
    """docx, odt, fodt, rtf, wordml, flatopc, pptx or odp when ``data`` is such a document (a zip cut or damaged too: its local headers
    name the parts; an OpenOffice.org 1 .sxw is an odt), else None. Cheap: a zip's directory or first local headers,
    an RTF's, a flat ODF file's or a Word 2003 XML file's head."""
    if data.startswith(b"{\\rt") or data.startswith(RTF_UTF16):
        return "rtf"
    if data.startswith((ZIP_MAGIC, b"PK\x05\x06")):
        named: set[str] = set()  # what a directory that opened names (kept when a part cannot be read after it)
        try:
            if no_zip_end(data):  # (pick23: a fake document's walk check built two ZipFile objects to learn this)
                raise zipfile.BadZipFile
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                if stored_inner_directory(zf, data) or mangled_directory(zf):  # a cut zip holding a stored document,
                    raise zipfile.BadZipFile  # a directory whose entries are mangled: by its local headers
                names = named = set(zf.namelist())
                if "word/document.xml" in names or any(_WORD_STORY.match(n) for n in names if n.startswith("word/d")):
                    return "docx"
                if "content.xml" in names:
                    mt = zf.read("mimetype")[:100] if "mimetype" in names else b""
                    return "odt" if mt.startswith(_ODT_MIMETYPES) or not mt else "odp" if mt.startswith(
                        _ODP_MIMETYPES) else None
                if any(_SLIDE.match(n) for n in names if n.startswith("ppt/s")) or _PRESENTATION in names:
                    return "pptx"  # (a deck whose slides have other names: docs22, by its relationships)
                if not _body_misnamed(names):
                    return None
                raise zipfile.BadZipFile  # its body's name damaged in the directory: by its local headers (docs24)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error):
            pass
        names = {name for name, _, _ in _local_parts(data, 0)} | named  # a cut or damaged zip: by its local headers
        # (and its directory's names when it opened: docs23, a content.xml whose local header was zeroed)
        if any(_WORD_STORY.match(n) for n in names):
            return "docx"
        head = data[:256]
        near = _near_mimetype(head) if "content.xml" in names else None
        if "content.xml" in names and near is None and _mimetype_lost(head):
            return "odt"  # its mimetype zeroed or garbled (no ODF type in it): read as a text, its damage said
        if "content.xml" in names and (b"mimetypeapplication/" not in head
                                       or any(b"mimetype" + m in head for m in _ODT_MIMETYPES) or near == "odt"):
            return "odt"
        if "content.xml" in names and (any(b"mimetype" + m in head for m in _ODP_MIMETYPES) or near == "odp"):
            return "odp"
        if any(_SLIDE.match(n) for n in names):
            return "pptx"
        if "[Content_Types].xml" in names and "word/document.xml" not in names and any(
                _near(n, "word/document.xml") for n in names):
            return "docx"  # its body's name damaged in its local header and its directory alike: said without a
            # body (review24o: no kind, the file ended as nothing)
        return None
    head = _utf8(data[:16384]).lstrip(b"\xef\xbb\xbf \t\r\n")  # (UTF-16: as UTF-8, review18g)
    if head.startswith(b"<") and b"<office:document" in head and b'office:mimetype="application/vnd.oasis.opendocument.text' in head:
        return "fodt"
    if head.startswith(b"<") and b"<office:document" in head and _FODP_MIMETYPE in head:
        return "fodp"  # a flat OpenDocument presentation: its tables as a flat text's (docs22: it ended as nothing)
    if head.startswith(b"<") and FLAT_PACKAGE in head and (root := _FLAT_PACKAGE_ROOT.match(head)) is not None:
        end = head.find(b">", root.end())  # (the namespace declared on the root element, as for Word 2003 XML)
        if FLAT_PACKAGE in head[root.end():end if end >= 0 else None]:
            return "flatopc"
    if head.startswith(b"<") and W_2003.encode() in head and (root := _WORDML_ROOT.match(head)) is not None:
        end = head.find(b">", root.end())  # the namespace declared on the root element (review18g: an export whose
        if W_2003.encode() in head[root.end():end if end >= 0 else None]:  # attribute named it was read as one)
            return "wordml"
    if head.startswith(b"<") and _WORDML_ROOT.match(head) is not None and _near_wordml(head) is not None:
        return "wordml"  # its namespace name damaged (damage21: a flipped byte in it, the document ended as nothing)
    return None


_BODIES = ("content.xml", "word/document.xml")


def _body_misnamed(names: set[str]) -> bool:
    """Whether a zip directory names a member within 2 bytes of a document's body (``contenp.xml``,
    ``word/documenu.xml``) and not the body itself: a flipped byte in the directory's name (docs24: such an .odp,
    .odt or .docx had no kind and ended as nothing; its local header keeps the right name)."""
    return any(_near_body(n) for n in names) and not any(body in names for body in _BODIES)


def _near_body(name: str) -> bool:
    return any(_near(name, body) for body in _BODIES)


def _near(name: str, body: str) -> bool:
    """``name`` differs from ``body`` in 1 or 2 bytes (a flipped byte)."""
    return len(name) == len(body) and name != body and sum(a != b for a, b in zip(name, body, strict=True)) <= 2


def _near_mimetype(head: bytes) -> str | None:
    """odt or odp when the mimetype stored first in an ODF zip (``head``: its first bytes) differs from a text's or a
    presentation's in at most 2 bytes (damage: docs23's sweep, an .odp whose mimetype had a flipped byte failed its
    CRC, had no kind and ended as nothing); None otherwise."""
    at = head.find(b"mimetype")
    if at < 0:
        return None
    stored = head[at + 8:]
    for kind, names in (("odt", _ODT_MIMETYPES), ("odp", _ODP_MIMETYPES)):
        if any(len(stored) >= len(m) and sum(a != b for a, b in zip(stored[:len(m)], m, strict=True)) <= 2 for m in names):
            return kind
    return None


def _mimetype_lost(head: bytes) -> bool:
    """Whether the mimetype stored first in an ODF zip holds a NUL or control byte within an ODF type's length (zeroed
    or garbled on disk) and names no other ODF kind (a drawing, a spreadsheet: their own readers)."""
    at = head.find(b"mimetype")
    stored = head[at + 8:at + 8 + 46] if at >= 0 else b""
    return bool(stored) and re.search(rb"[\x00-\x1f\x7f-\xff]", stored) is not None and not re.search(
        rb"opendocument\.(?:spreadsheet|graphics|formula|base|database|chart|image)|sun\.xml\.(?:calc|draw|math|base)",
        stored)


_XMLNS_VALUE = re.compile(rb"""xmlns(?::[\w.-]+)?\s*=\s*["']([^"'<>]{40,80})["']""")


def _near_wordml(head: bytes) -> bytes | None:
    """The namespace name declared in ``head`` that is Word 2003 XML's with one or two bytes damaged, or None."""
    want = W_2003.encode()
    for m in _XMLNS_VALUE.finditer(head[:16384]):
        name = m.group(1)
        if len(name) == len(want) and name != want and sum(a != b for a, b in zip(name, want, strict=True)) <= 2:
            return name
    return None


# the root element of a Word 2003 XML document, after the prolog (declaration, processing instructions, comments, a
# document type declaration with its internal subset)
_WORDML_ROOT = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*<(?:[\w.-]+:)?wordDocument(?=[\s/>])",
                          re.DOTALL)
FLAT_PACKAGE = b"http://schemas.microsoft.com/office/2006/xmlPackage"  # Office flat XML (a package in one XML file)
_FLAT_PACKAGE_ROOT = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*<(?:([\w.-]+):)?package(?=[\s/>])", re.DOTALL)


_MANGLED_NAME = re.compile(r"PK\x01\x02|PK\x03\x04|PK\x05\x06")


def mangled_directory(zf: zipfile.ZipFile) -> bool:
    """Whether a zip's directory names a member whose name holds a zip record's signature: a damaged name length made
    it swallow the entries after it (docs23's sweep: a .pptx whose directory gave only its content types and
    ``_rels/.relsPK\x01\x02...`` was read as no deck, its slides never looked for in its local headers)."""
    return any(_MANGLED_NAME.search(name) for name in zf.namelist())


def stored_inner_directory(zf: zipfile.ZipFile, data: bytes) -> bool:
    """Whether the directory zipfile found in ``data`` (opening with a local header) names no member at its start but a
    document package's parts: the end of a cut zip is lost and the last end record in it is a stored (uncompressed)
    .docx/.xlsx/.odt member's (review18g: the cut zip was taken for that document, its other members never examined,
    the cut never said). A zip appended to other bytes (``cat a.zip b.zip``) starts with no local header."""
    infos = zf.infolist()
    return (data.startswith(ZIP_MAGIC) and bool(infos) and min(i.header_offset for i in infos) > 0
            and any(i.filename in ("[Content_Types].xml", "mimetype") for i in infos))


def without_tables(data: bytes, most: int) -> bool:
    """Whether ``document_sheets`` would give nothing for ``data``: a sound Word or OpenDocument package whose story
    parts all inflate (CRC checked, ``most`` bytes in all at most) and hold no table element and too few tabs for
    tab-separated lines or lines aligned with spaces (docs26), or an RTF without a cell, row or tab mark, two spaces
    in a row, NUL block or group left open. The same byte checks
    the reader makes first, so a document it is True for is read in no worker (issue 11: most documents hold no
    table). False whenever in doubt (damage, a cap, an unknown kind): the worker reads it and says why."""
    if data.startswith(b"{\\rt") or data.startswith(RTF_UTF16):
        data = rtf_bytes(data)
        opened = data.count(b"{") - data.count(b"\\{") - data.count(b"}") + data.count(b"\\}")
        return (b"\\cell" not in data and b"\\row" not in data and b"\\tab" not in data and opened <= 0
                and _RTF_GAP.search(data) is None  # (lines aligned with spaces: docs26)
                and (b"\0" * 16 not in data or zeroed_block(data) is None))  # (the pattern: ~1 ms an RTF)
    if not data.startswith(ZIP_MAGIC) or no_zip_end(data):  # zipfile would raise BadZipFile: False
        return False
    return zip_without_tables(io.BytesIO(data), most)


_RTF_GAP = re.compile(rb"  |\\'81\\'40|\\u12288", re.IGNORECASE)  # two spaces, or an ideographic space (cp932's
# bytes, or ``\u12288`` as LibreOffice writes it): maybe a gap


def zip_without_tables(f: IO[bytes], most: int) -> bool:
    """``without_tables`` for a package read through the seekable file ``f``: its directory and the parts that may
    hold tables are read, nothing else (a deck's pictures: xml21, a large deck without a table needs no worker)."""
    try:
        with zipfile.ZipFile(f) as zf:  # document_kind's sound-zip test, its directory read once
            names = set(zf.namelist())
            if "word/document.xml" in names or any(_WORD_STORY.match(n) for n in names if n.startswith("word/d")):
                kind, main = "docx", "word/document.xml"
            elif "content.xml" in names:
                mt = zf.read("mimetype")[:100] if "mimetype" in names else b""
                if mt and not mt.startswith(_ODT_MIMETYPES + _ODP_MIMETYPES):
                    return False
                kind, main = "odp" if mt.startswith(_ODP_MIMETYPES) else "odt", "content.xml"
            elif _PRESENTATION in names or any(_SLIDE.match(n) for n in names):
                kind, main = "pptx", ""  # (a deck of no slide holds no table)
            else:
                return False
            typed: set[str] = set()  # every part the list names (docs25: those it names are not looked at again)
            listed, missing, types_damage = _listed_slides(zf, kind, typed) if kind in ("pptx", "docx") else (
                set(), [], None)
            if missing or types_damage:
                return False  # (a slide or story part listed, missing, or the list damaged: the reader says it)
            if _named_apart(zf, kind, frozenset(typed) if listed else frozenset()):  # (a member named otherwise in
                return False  # its local header: it may be a story part, review24o; with a list of the parts, those it
                # does not name: docs25, notes named apart in a deck whose list names its slides only were clean)
            infos = [i for i in zf.infolist() if _part_wanted(kind, i.filename) or i.filename in listed]
            if infos and main and not any(i.filename == main or (kind == "docx" and i.filename.startswith("word/document"))
                                          for i in infos):
                return False  # no body: the reader lists it
            for info in infos:
                if info.file_size > most:
                    return False
                with zf.open(info) as f:
                    xml = f.read(most + 1)  # to its end: its CRC checked
                most -= len(xml)
                if most < 0 or xml.startswith((b"\xff\xfe", b"\xfe\xff")):
                    return False
                if kind == "docx" and (b":tbl" in xml or b"<tbl" in xml or xml.count(b"tab/>") >= MIN_TAB_LINES
                                       or spaced_lines(xml)):
                    return False  # (aligned with spaces: docs26)
                if kind == "pptx" and (b":tbl" in xml or b"<tbl" in xml or xml.count(b"\t") >= MIN_TAB_LINES
                                       or spaced_lines(xml)):
                    return False  # (tab-separated lines in a text box, notes or SmartArt: docs24; aligned with spaces:
                    # docs25)
                if kind in ("odt", "odp") and (_ODF_TABLE_TAG.search(xml) or (
                        (b"<text:tab" in xml or odf_spaced(xml)) and info.filename != "styles.xml")):
                    return False
    except Exception:  # noqa: BLE001 - a damaged or odd package: the worker reads it and says why
        return False
    return True


def _named_apart(zf: zipfile.ZipFile, kind: str, typed: frozenset[str] = frozenset()) -> bool:
    """Whether a member the reader does not want by its directory name has another name in its local header (a
    flipped byte in ``word/header1.xml`` or ``ppt/notesSlides/notesSlide1.xml`` in the directory: review24o, the
    check read only the parts the directory names and settled the file clean; the reader says it damaged). Local
    headers only, no member inflated. Members ``typed`` names ([Content_Types].xml's parts), relationships and
    media are not looked at (docs25: a part the list names is one the list says it is)."""
    fp = zf.fp
    if fp is None:
        return True
    for info in zf.infolist():
        if _part_wanted(kind, info.filename) or (typed and (
                info.filename in typed or info.filename.endswith(".rels") or "/media/" in info.filename
                or info.filename == "[Content_Types].xml")):  # (the list itself: zipfile checked its local name)
            continue  # (opened below: zipfile checks its local name)
        fp.seek(info.header_offset)
        head = fp.read(30)
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            return True
        name = fp.read(struct.unpack_from("<H", head, 26)[0])
        if name != info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace"):
            return True
    return False


def _apart_parts(data: bytes, zf: zipfile.ZipFile, kind: str, most: int) -> list[tuple[str, bytes, str | None]]:
    """The parts the reader wants by their local header's name whose zip directory names them otherwise (a flipped
    byte in ``ppt/notesSlides/notesSlide1.xml`` in the directory only), read from their local headers and said
    damaged (docs25: a deck's notes so named were unread; said only when its [Content_Types].xml listed them)."""
    found: list[tuple[str, bytes, str | None]] = []
    for info in zf.infolist():
        at = info.header_offset
        if _part_wanted(kind, info.filename) or data[at:at + 4] != ZIP_MAGIC or at + 30 > len(data):
            continue
        flags, nlen = struct.unpack_from("<H", data, at + 6)[0], struct.unpack_from("<H", data, at + 26)[0]
        name = data[at + 30:at + 30 + nlen].decode("utf-8" if flags & 0x800 else "cp437", "replace")
        if name != info.filename and _part_wanted(kind, name) and name not in zf.NameToInfo and name not in {
                part for part, _, _ in found}:  # (review25o: two directory entries for one member, each named
            # otherwise: read once per entry, every person counted twice)
            content = _inflate_at(data, at, most)
            most -= len(content)
            found.append((name, content, say(Detail.DOCUMENT_PART_DAMAGED, part=name, error="BadZipFile")))
    return found


def document_sheets(data: bytes, kind: str, caps: Caps, delimiter: Delimiter) -> Iterator[Sheet]:
    """Every table of a document as a sheet (rows streamed in lists); ``delimiter`` is the text reader's rule for
    tab-separated lines (scanner.tables.sniff_delimiter). ReadError when nothing could be read."""
    budget = CellBudget(caps)
    yield from _joined(_document_sheets(data, kind, caps, budget, delimiter))


_TABLE_NAME = re.compile(r"(.*)table (\d+)")


def _joined(sheets: Iterator[Sheet]) -> Iterator[Sheet]:
    """A table the user split in two (a page break or a paragraph between its parts) whose second part repeats the
    first one's header row: one sheet, the repeated header left out (docs18: two sheets, each classified alone). Only
    the next table of the same part, neither damaged; a cap or damage met while reading still gives the held sheet."""
    held: Sheet | None = None
    try:
        for sheet in sheets:
            if held is not None and _continues(held, sheet):
                held.rows.extend(sheet.rows[1:])  # type: ignore[attr-defined,index]
                held.name = f"{held.name}+{sheet.name.rsplit(' ', 1)[1]}"  # table 1+2
                continue
            if held is not None:
                yield held
            held = sheet
    except ReadError:
        if held is not None:
            yield held
        raise
    if held is not None:
        yield held


def _continues(first: Sheet, second: Sheet) -> bool:
    """Whether ``second`` is the next table of ``first``'s part and opens with the same header row (two cells or more,
    each holding a letter)."""
    a, b = _TABLE_NAME.fullmatch(first.name.split("+")[0]), _TABLE_NAME.fullmatch(second.name)
    if a is None or b is None or a.group(1) != b.group(1) or first.damage or second.damage:
        return False
    last = int(first.name.rsplit("+", 1)[-1]) if "+" in first.name else int(a.group(2))
    if int(b.group(2)) != last + 1 or not isinstance(first.rows, list) or not isinstance(second.rows, list):
        return False
    if not first.rows or not second.rows:
        return False
    head = [str(c) for c in first.rows[0]]
    while head and not head[-1]:
        head.pop()
    other = [str(c) for c in second.rows[0]]
    while other and not other[-1]:
        other.pop()
    words = [c for c in head if c]  # a header is words (a first row of numbers is data: python-docx's cell tables)
    return head == other and len(words) >= 2 and all(any(ch.isalpha() for ch in c) for c in words)


def _document_sheets(data: bytes, kind: str, caps: Caps, budget: CellBudget, delimiter: Delimiter) -> Iterator[Sheet]:
    try:
        if kind == "rtf":
            decoding("rtf")
            yield from _rtf_sheets(rtf_bytes(data), budget, delimiter)
        elif kind == "doc":
            decoding("olefile")
            yield from _word97_sheets(data, budget, delimiter)
        elif kind == "ppt":
            decoding("olefile")
            yield from _ppt97_sheets(data, budget, delimiter)
        elif kind in ("fodt", "fodp"):
            decoding("lxml")
            yield from _odf_part_sheets("", data, budget, _flat_cut(data, b"document>"), delimiter)
        elif kind == "flatopc":
            decoding("lxml")
            yield from _flat_package_sheets(data, caps, budget, delimiter)
        elif kind == "wordml":
            decoding("lxml")
            xml, cut = _utf8(data), _flat_cut(data, b"wordDocument>")
            if W_2003.encode() not in xml[:65536] and (near := _near_wordml(xml)) is not None:
                xml = xml.replace(near, W_2003.encode())  # read in its namespace, the damage said (damage21)
                cut = join_details([d for d in (say(Detail.WORDML_NAMESPACE_DAMAGED, name=near.decode("latin-1")), cut)
                                    if d])
            yield from _word_part_sheets("", xml, budget, cut, delimiter)
        else:
            decoding("lxml")
            yield from _package_sheets(data, kind, caps, budget, delimiter)
    except ReadError:
        raise
    except MemoryError as e:
        raise ReadError(Status.TOO_LARGE, say(Detail.OUT_OF_MEMORY_PARSING)) from e
    except Exception as e:  # noqa: BLE001 - lxml, zlib and zipfile errors of every kind
        raise ReadError(Status.CORRUPT, say(Detail.READER_FAILED, reader=kind, error=error_name(e))) from e


# the start of a flat document's root element (a flat ODF file, Word 2003 XML, Office flat XML) or Word's mark before it
_FLAT_ROOTS = re.compile(rb"<office:document|<(?:[\w.-]+:)?(?:wordDocument|package)(?=[\s/>]|$)")  # (any prefix, or
# none: a small flat XML document of another prefix was said cut, review20x)
_WORD_XML_MARK = b'progid="Word.Document"'
FLAT_CUT_MOST = 16384  # a flat document cut within its root element's start tag is smaller than this


def cut_in_root(data: bytes) -> bool:
    """Whether ``data`` (up to ``FLAT_CUT_MOST`` bytes) is a flat ODF document or a Word 2003 XML document cut inside
    its root element's start tag, or after Word's ``<?mso-application progid="Word.Document"?>`` before it: nothing of
    its body is left, and no reader says so (damage19: such copies under .xml or .doc ended as nothing)."""
    if len(data) > FLAT_CUT_MOST:
        return False
    head = _utf8(data).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    root = _FLAT_ROOTS.search(head)
    if root is not None:
        return b">" not in head[root.start():]
    return _WORD_XML_MARK in head  # Word's mark, its root element lost or cut in its name


def _flat_cut(data: bytes, root_end: bytes) -> str | None:
    """Why a document of one XML file (a flat .fodt, Word 2003 XML) is damaged when its root element's end tag is not
    at its end (cut short: a table may have followed), else None (docs18: one cut before its table gave nothing)."""
    tail = _utf8(data[:2] + data[-4096:] if len(data) > 4098 and data[:2] in (b"\xff\xfe", b"\xfe\xff") else data[-4096:])
    return None if root_end in tail else say(Detail.DOCUMENT_PART_CUT, n=len(data))


# --- Office flat XML (a package in one XML file) -----------------------------------------------------------------

# a part directly in an embeddings folder (part names are case-insensitive in OPC): an embedded object
EMBEDDING_PART = re.compile(r"^(?:[^/]+/)?embeddings/[^/]+$", re.IGNORECASE)
_FLAT_PART = rb"<%spart\s[^<>]*?\b(?:[\w.-]+:)?name\s*=\s*[\"']([^\"'<>]{1,400})[\"'][^<>]*>"  # (the package's prefix)
_FLAT_DATA = rb"<(%s)(xmlData|binaryData)\s*>"
_BASE64_TEXT = re.compile(rb"[A-Za-z0-9+/\s]*(?:=\s*){0,2}")  # base64 letters with line ends, its padding at the end
_BASE64_SPACES = b" \t\r\n\x0b\x0c"
FlatPart = tuple[str, bytes, "str | None"]  # (part name without its leading slash, its bytes, why damaged or None)


def flat_parts(data: bytes, wanted: Callable[[str, bool], bool], most: int) -> Iterator[FlatPart]:
    """The parts of an Office flat XML document (``<pkg:part pkg:name="/word/document.xml">``) that ``wanted(name,
    binary)`` asks for: an ``xmlData`` part's XML as written, a ``binaryData`` part's bytes from their base64 (``most``
    bytes in all). A part whose end is lost (the file cut) gives what is left of it, base64 that is no base64 (a flipped
    or lost character) what decodes before it: each with why (``document-part-cut``, ``flat-part-base64``)."""
    data = _utf8(data)
    root = _FLAT_PACKAGE_ROOT.match(data.lstrip(b"\xef\xbb\xbf"))
    prefix = re.escape(root.group(1) + b":") if root is not None and root.group(1) else b""  # (a part element inside
    starts = list(re.finditer(_FLAT_PART % prefix, data))  # a part's XML, of another prefix, is none of the package's)
    data_tag = re.compile(_FLAT_DATA % prefix)
    for i, part in enumerate(starts):
        name = part.group(1).decode("utf-8", "replace").lstrip("/")
        end = starts[i + 1].start() if i + 1 < len(starts) else len(data)
        held = data_tag.search(data, part.end(), end)
        if held is None:
            continue  # (an empty part; or its data element's tag damaged: the document's own cut or damage is said)
        binary = held.group(2) == b"binaryData"
        if not wanted(name, binary):
            continue
        close = data.rfind(b"</" + held.group(1) + held.group(2) + b">", held.end(), end)
        why = None if close >= 0 else say(Detail.DOCUMENT_PART_CUT, n=len(data))
        if binary:  # (decoded from the file's own bytes: a 200 MB object is held once, review20x: its lines were cut
            view = memoryview(data)[held.end():close if close >= 0 else end]  # out and joined, ~7 times its size)
            body = b""
            if close >= 0 and _BASE64_TEXT.fullmatch(view) is not None:
                try:
                    body = binascii.a2b_base64(view)  # (the line ends skipped; its letters checked above)
                except binascii.Error:
                    body = b""
            if body and _altered(view, body):  # valid base64 that decodes to other bytes than were encoded (xml21:
                why = why or say(Detail.FLAT_PART_ALTERED, part=name)  # a letter changed for another, unsaid)
            text = b"" if body else bytes(view).translate(None, _BASE64_SPACES)
            if not body and text:  # what decodes before the damage (or the cut)
                good = re.match(rb"[A-Za-z0-9+/]*", text)
                kept = good.group(0) if good is not None else b""
                body = base64.b64decode(kept[:len(kept) & ~3])
                why = why or say(Detail.FLAT_PART_BASE64, part=name, n=len(body))
        else:
            body = data[held.end():close if close >= 0 else end]
        if len(body) > most:
            raise ReadError(Status.TOO_LARGE, say(Detail.KIND_BYTES_OVER_CAP, kind=name, size=len(body), cap=most))
        most -= len(body)
        yield name, body, why


ALTERED_CHECK = 64 << 20  # a decoded zip up to this size has every member's CRC checked (its bytes inflated once more)
ALTERED_INFLATED = 256 << 20  # bytes inflated in all for that check (review21x: a 4 GiB bomb member took 40 s); a
# member past it is left to its reader and its caps (no word of alteration on it)


def _altered(text: memoryview, body: bytes) -> bool:
    """Whether a binary part's valid base64 ``text`` decoded to ``body`` shows a changed letter: bits set past its last
    byte (a letter of the last group), or, for a zip (an embedded workbook, a package), a member failing its CRC or its
    size, or a damaged structure (a letter anywhere in it; its reader may never open that member and say nothing)."""
    tail = bytes(text[-16:]).translate(None, _BASE64_SPACES)
    group = tail[-4:] if len(tail) >= 4 else b""
    if group and base64.b64encode(base64.b64decode(group)) != group:
        return True
    if not body.startswith(ZIP_MAGIC) or len(body) > ALTERED_CHECK:
        return False
    left = ALTERED_INFLATED
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            for info in zf.infolist():  # (not testzip: a size changed in the directory reads short without a word)
                if info.file_size >= left:
                    return False  # (what is left unchecked: the member's reader inflates it under its caps)
                with zf.open(info) as member:
                    size = 0
                    while chunk := member.read(min(1 << 20, info.file_size + 1 - size)):
                        size += len(chunk)
                left -= size
                if size != info.file_size:
                    return True
        return False
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error):
        return True


def flat_objects(data: bytes, most: int) -> Iterator[FlatPart]:
    """The objects of an Office flat XML document: its binary parts in an ``embeddings`` folder (an .xlsx, an OLE
    object's .bin), as a .docx's embeddings are read."""
    yield from flat_parts(data, lambda name, binary: binary and EMBEDDING_PART.match(name) is not None, most)


def _flat_package_sheets(data: bytes, caps: Caps, budget: CellBudget, delimiter: Delimiter) -> Iterator[Sheet]:
    """The tables of an Office flat XML document: its Word story parts read as a .docx's, its slides as a .pptx's (its
    objects are read as children)."""
    cut = _flat_cut(data, b"package>")
    parts = sorted(flat_parts(data, lambda name, binary: _WORD_STORY.match(name) is not None or _SLIDE.match(name)
                              is not None or _DECK_TEXT.match(name) is not None, caps.max_inflated),  # (notes and
                   # SmartArt data as a .pptx's: docs25, a flat deck's were never read)
                   key=lambda p: _story_order(p[0]))  # (a story part in base64: a writer's way with a part and its BOM)
    if b"/word/" in data[:1 << 20] and not any(name.startswith("word/document") for name, _, _ in parts):
        if cut is not None or not parts:
            raise ReadError(Status.CORRUPT, cut or say(Detail.DOCUMENT_NO_BODY, part="word/document.xml"))
    listed = len(_FLAT_SLIDE_TYPE.findall(_utf8(data))) if b"/ppt/" in data[:1 << 20] else 0  # (a part's own
    # pkg:contentType: not a [Content_Types].xml part's Override ContentType, which some writers add)
    lost = listed - sum(1 for name, _, _ in parts if _SLIDE.match(name))  # slide parts whose name or tags are damaged
    for i, (name, content, damage) in enumerate(parts):
        budget.tick()
        last = i == len(parts) - 1
        read = _slide_part_sheets if _SLIDE.match(name) or _DECK_TEXT.match(name) else _word_part_sheets
        yield from read(name, content, budget, damage or (cut if last else None), delimiter)
    if lost > 0:  # (review21x: a flipped byte in a slide's pkg:part or pkg:xmlData tag left it unread, nothing said)
        yield Sheet(_name("ppt/slides", 0), [], damage=[say(Detail.DOCUMENT_PART_MISSING, part=f"{lost} of {listed} slides")])
    if cut is not None and not parts:
        yield Sheet("table 1", [], damage=[cut])


# --- packages ---------------------------------------------------------------------------------------------------

def _package_sheets(data: bytes, kind: str, caps: Caps, budget: CellBudget, delimiter: Delimiter) -> Iterator[Sheet]:
    listed: set[str] = set()
    missing: list[str] = []
    types_damage: str | None = None

    def wanted(name: str) -> bool:
        return _part_wanted(kind, name) or name in listed

    parts: list[tuple[str, bytes, str | None]] = []
    unread: str | None = None
    left = caps.max_inflated
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if mangled_directory(zf):
                raise zipfile.BadZipFile("a directory entry's name holds zip records")
            if kind in ("pptx", "docx"):
                listed, missing, types_damage = _listed_slides(zf, kind)
            for info in sorted((i for i in zf.infolist() if wanted(i.filename)), key=_story_order):
                if info.file_size > left:
                    raise ReadError(Status.TOO_LARGE, say(Detail.KIND_BYTES_OVER_CAP, kind=info.filename,
                                                          size=info.file_size, cap=left))
                try:
                    with zf.open(info) as f:
                        content = f.read(left + 1)
                    damage = None
                except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as e:  # a damaged member: from its local header
                    content, damage = _inflate_at(data, info.header_offset, left, info), say(
                        Detail.DOCUMENT_PART_DAMAGED, part=info.filename, error=error_name(e))
                if len(content) > left:
                    raise ReadError(Status.TOO_LARGE, say(Detail.KIND_BYTES_OVER_CAP, kind=info.filename,
                                                          size=len(content), cap=caps.max_inflated))
                left -= len(content)
                parts.append((info.filename, content, damage))
            main = "word/document.xml" if kind == "docx" else "" if kind == "pptx" else "content.xml"
            if main and main not in zf.NameToInfo and _body_misnamed(set(zf.NameToInfo)):
                parts += _misnamed_body(data, main, left)
            if kind in ("docx", "pptx") and (main == "" or main in zf.NameToInfo):
                apart = sorted(_apart_parts(data, zf, kind, left), key=lambda p: _story_order(p[0]))
                parts += apart
                missing = [m for m in missing if m not in {name for name, _, _ in apart}]  # (read: said damaged)
            if kind in ("odt", "odp", "docx", "pptx") and not missing and types_damage is None and not any(
                    damage for _, _, damage in parts):  # (docs24: a .docx/.pptx docProps/media member too; said once,
                # when nothing else is: a slide misnamed in the directory is said missing, not its member damaged too)
                unread = _unread_damage(zf, {name for name, _, _ in parts} | {n for n in zf.NameToInfo if _near_body(n)},
                                        data)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:  # its directory is lost
        directory = say(Detail.DOCUMENT_ZIP_DAMAGED, error=error_name(e))
        parts = sorted(((name, content, why or None) for name, content, why in _local_parts(data, caps.max_inflated)
                        if wanted(name)), key=lambda p: _story_order(p[0]))
        if not parts:
            raise ReadError(Status.CORRUPT, directory) from e
        name, content, why = parts[0]  # the directory said once, on the first part read
        parts[0] = (name, content, directory if why is None else f"{directory}; {why}")
    main = "word/document.xml" if kind == "docx" else "" if kind == "pptx" else "content.xml"
    if main and not any(name == main or (kind == "docx" and name.startswith("word/document"))
                        for name, _, _ in parts):  # (no part read at all too: review21x, a content.xml whose name is
        # damaged in the directory, its kind told from the local headers, gave nothing and said nothing)
        raise ReadError(Status.CORRUPT, say(Detail.DOCUMENT_NO_BODY, part=main))
    read = _word_part_sheets if kind == "docx" else _slide_part_sheets if kind == "pptx" else _odf_part_sheets
    for name, content, damage in parts:
        budget.tick()
        yield from read(name, content, budget, damage, delimiter)
    for name in missing:  # (a slide listed, not in the zip: what it held was not read)
        yield Sheet(_name("ppt/slides" if kind == "pptx" else "word", 0), [],
                    damage=[say(Detail.DOCUMENT_PART_MISSING, part=name)])  # (the name
        # in the list is the file's: said checked, not as a sheet's name)
    if types_damage is not None:  # (the list of slides unread: a slide whose name is damaged cannot be told)
        yield Sheet(_name("[Content_Types].xml", 0), [], damage=[types_damage])
    if unread is not None:  # (sweep23: an .odt whose mimetype's local header was flipped was ok, nothing said)
        yield Sheet(_name("mimetype" if kind in ("odt", "odp") else "[Content_Types].xml", 0), [], damage=[unread])


def _misnamed_body(data: bytes, main: str, most: int) -> list[tuple[str, bytes, str | None]]:
    """A document's body (``main``) from its local header when its name in the zip directory is damaged (docs24):
    read as far as it inflates, said on it (the directory does not name it: KeyError, as zipfile's)."""
    found: list[tuple[str, bytes, str | None]] = [
        (name, content, say(Detail.DOCUMENT_PART_DAMAGED, part=name, error="KeyError") + (f"; {why}" if why else ""))
        for name, content, why in _local_parts(data, most) if name == main]
    return found[:1]


UNREAD_CHECK = 4 << 20  # bytes inflated in all to check a package's members its reader does not read


def _unread_damage(zf: zipfile.ZipFile, read: set[str], data: bytes = b"") -> str | None:
    """Why a member of a package its reader does not read (mimetype, manifest, styles, meta; an OOXML document's
    docProps, media, theme: docs24) is damaged: its
    local header differs from its directory entry, or its bytes fail their CRC (an .ods with the same damage is
    ``corrupt`` ods-member-crc: its reader checks every member). None when all are sound. A member past what is left of
    ``UNREAD_CHECK`` has only its local header checked (no second inflation of a large part)."""
    left = UNREAD_CHECK
    for info in zf.infolist():
        if info.filename in read or info.is_dir() or EMBEDDING_PART.match(info.filename):
            continue  # (an embedded object is examined as a child of its own and listed there when damaged: lead24,
            # a share's worker said a .docx's damaged embedded workbook a second time, on the document)
        if data and (size := _sound_member(data, info, left)) is not None:
            left -= size
            continue
        try:
            with zf.open(info) as member:
                if info.file_size <= left:
                    left -= len(member.read(info.file_size + 1))
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error) as e:
            return say(Detail.DOCUMENT_MEMBER_DAMAGED, part=info.filename, error=error_name(e))
    return None


def _sound_member(data: bytes, info: zipfile.ZipInfo, left: int) -> int | None:
    """The bytes a stored or deflated member inflates to (0 past ``left``: its local header alone is checked) when its
    local header and CRC are sound, read straight from the package's bytes; None when anything differs or is unusual
    (encrypted, another method, a name in another encoding): zipfile then reads it and names the fault. review24o: the
    unread-member pass opened each member through ``zipfile.ZipFile.open`` (~25 us a member, a third of a .docx's
    read); this is the same check without a file object per member."""
    at = info.header_offset
    if data[at:at + 4] != b"PK\x03\x04" or len(data) < at + 30 or info.flag_bits & 0x61:
        return None
    flags, nlen, elen = struct.unpack_from("<H", data, at + 6)[0], *struct.unpack_from("<HH", data, at + 26)
    try:
        if data[at + 30:at + 30 + nlen].decode("utf-8" if flags & 0x800 else "cp437") != info.orig_filename:
            return None
    except UnicodeDecodeError:
        return None
    if info.file_size > left:
        return 0
    start = at + 30 + nlen + elen
    if len(data) < start + info.compress_size or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    raw = memoryview(data)[start:start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        return info.file_size if len(raw) == info.file_size and zlib.crc32(raw) == info.CRC else None
    size, crc = _inflated_crc(raw, info.file_size + 1)
    return size if size == info.file_size and crc == info.CRC else None


CRC_CHUNK = 1 << 18  # bytes inflated at a time by the unread-member check (its CRC summed as it goes, nothing kept)


def _inflated_crc(raw: memoryview, most: int) -> tuple[int, int]:
    """The size and CRC-32 of the raw deflate stream ``raw`` inflated, at most ``most`` bytes, a CRC_CHUNK at a time
    (docs25: the whole member was kept, up to UNREAD_CHECK = 4 MiB, to sum its CRC once; zipfile's ``testzip`` reads
    the same way); (-1, 0) when the stream is damaged."""
    inflater = zlib.decompressobj(-15)
    size = crc = 0
    pending: bytes | memoryview = raw
    try:
        while pending and size < most:
            out = inflater.decompress(pending, min(CRC_CHUNK, most - size))
            size += len(out)
            crc = zlib.crc32(out, crc)
            pending = inflater.unconsumed_tail
            if not out and not pending:
                break
    except zlib.error:
        return -1, 0
    return size, crc


def _listed_slides(zf: zipfile.ZipFile, kind: str = "pptx", typed: set[str] | None = None
                   ) -> tuple[set[str], list[str], str | None]:
    """The slide parts a deck's ``[Content_Types].xml`` lists: (those in the zip, by their names there; those missing
    from it; why the list is damaged, or None). A flipped byte in a slide's name in the zip directory left it unread
    and nothing said, the other slides read (review21x: a false clean); a slide of another name
    (``ppt/slides/Slide2.xml``) was never read. Empty when there is no list (the reader goes by slide names alone).
    Any other part the reader wants (``kind``'s: a Word header, a deck's notes) listed and missing from the zip is
    missing too (review24o: one misnamed in its local header and its directory alike was unread, nothing said); a
    .docx's damaged list is said by the unread-member pass."""
    try:
        info = zf.getinfo("[Content_Types].xml")
    except KeyError:
        return set(), [], None
    try:
        with zf.open(info) as f:
            types = _utf8(f.read(1 << 20))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error) as e:
        return set(), [], say(Detail.DOCUMENT_PART_DAMAGED, part=info.filename, error=error_name(e)) if kind == "pptx" else None
    present = {name.casefold(): name for name in zf.namelist()}
    found: set[str] = set()
    missing: list[str] = []
    parts = [(m.group(1).decode("utf-8", "replace"), _SLIDE_TYPE in tag.group(0)) for tag in _OVERRIDE.finditer(types)
             if (m := _PART_NAME.search(tag.group(0))) is not None]
    if typed is not None:  # (every part it names, for the walk's check: docs25)
        typed.update(part.lstrip("/") for part, _ in parts)
    named = [part for part, slide in parts if slide and kind == "pptx"]
    for part in [*named, *(_related_slides(zf, present) if kind == "pptx" else [])]:
        if part.casefold() in present:
            found.add(present[part.casefold()])
        elif part not in missing:
            missing.append(part)
    for part, _ in parts:
        if _part_wanted(kind, part):
            if part.casefold() in present:
                found.add(present[part.casefold()])
            elif part not in missing:
                missing.append(part)
    return found, missing, None


_SLIDE_REL = re.compile(rb"<(?:[\w.\-]+:)?Relationship\s[^<>]{0,2000}>")
_REL_TARGET = re.compile(rb"""\bTarget\s*=\s*["']([^"'<>]{1,400})["']""")
_SLIDE_REL_TYPE = re.compile(rb"""\bType\s*=\s*["'][^"'<>]{0,200}/slide["']""")
PRESENTATION_RELS = "ppt/_rels/presentation.xml.rels"


def _related_slides(zf: zipfile.ZipFile, present: dict[str, str]) -> list[str]:
    """The slide parts the presentation's relationships name (``ppt/_rels/presentation.xml.rels``, the way PowerPoint
    itself finds its slides): a slide of any name (``ppt/slides/page_a.xml``, docs22: one the content types did not
    list was never read). A relationships part that cannot be read gives none (the content types' list stands)."""
    name = present.get(PRESENTATION_RELS)
    if name is None:
        return []
    try:
        with zf.open(name) as f:
            rels = f.read(1 << 20)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error):
        return []
    out = []
    for tag in _SLIDE_REL.finditer(_utf8(rels)):
        target = _REL_TARGET.search(tag.group(0))
        if target is None or _SLIDE_REL_TYPE.search(tag.group(0)) is None or b"External" in tag.group(0):
            continue
        path = unquote(target.group(1).decode("utf-8", "replace")).replace("\\", "/")
        out.append(posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join("ppt", path)))
    return out


def _part_wanted(kind: str, name: str) -> bool:
    """Whether a package of ``kind`` may hold tables in its part ``name``: a Word story part, a PowerPoint slide,
    an OpenDocument file's content.xml or styles.xml."""
    if kind == "docx":
        return _WORD_STORY.match(name) is not None
    if kind == "pptx":
        return _SLIDE.match(name) is not None or _DECK_TEXT.match(name) is not None
    return name in _ODT_PARTS


def _story_order(info: zipfile.ZipInfo | str) -> tuple[int, str]:
    name = info if isinstance(info, str) else info.filename
    slide = _SLIDE.match(name)
    if slide is not None:  # slide10 after slide9
        return (1, f"{int(slide.group(1)):08d}")
    return (0 if name in ("word/document.xml", "content.xml") else 1, name)


_LOCAL = struct.Struct("<4s5H3I2H")


def _local_parts(data: bytes, most: int) -> Iterator[tuple[str, bytes, str]]:
    """Members found by their local headers (a zip without its directory: cut short, its end damaged): (name,
    content inflated up to ``most`` bytes, why it is incomplete or ""). ``most`` 0: names only."""
    at = data.find(ZIP_MAGIC)
    seen = 0
    while 0 <= at and at + 30 <= len(data) and seen < 10_000:
        seen += 1
        _, _, flags, method, _, _, _, csize, _, nlen, elen = _LOCAL.unpack_from(data, at)
        name = data[at + 30:at + 30 + nlen].decode("utf-8" if flags & 0x800 else "cp437", "replace")
        start = at + 30 + nlen + elen
        if most and start <= len(data) and (_WORD_STORY.match(name) or name in _ODT_PARTS or _SLIDE.match(name)
                                            or _DECK_TEXT.match(name)):
            yield (name, *_inflate_from(data, start, method, csize if not flags & 0x08 else 0, most))
        elif not most:
            yield name, b"", ""
        at = data.find(ZIP_MAGIC, start + csize if not flags & 0x08 and csize else at + 4)


def _inflate_at(data: bytes, offset: int, most: int, info: zipfile.ZipInfo | None = None) -> bytes:
    """The content of the member whose local header is at ``offset``, as far as it inflates; a local header lost (a
    zeroed sector over it) with the directory's ``info``: from where the directory says its data starts (review18d:
    a document's head zeroed into its body part's header gave none of the intact data after it)."""
    if data[offset:offset + 4] != ZIP_MAGIC and info is not None:
        name = len(info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace"))
        return max((_inflate_from(data, offset + 30 + name + extra, info.compress_type, info.compress_size, most)[0]
                    for extra in dict.fromkeys((len(info.extra), 0))), key=len)  # the local extra field is often the
        # directory's, or none
    if data[offset:offset + 4] != ZIP_MAGIC or offset + 30 > len(data):
        return b""
    _, _, flags, method, _, _, _, csize, _, nlen, elen = _LOCAL.unpack_from(data, offset)
    return _inflate_from(data, offset + 30 + nlen + elen, method, csize if not flags & 0x08 else 0, most)[0]


def _inflate_from(data: bytes, start: int, method: int, csize: int, most: int) -> tuple[bytes, str]:
    if method == 0:
        end = start + csize if csize else len(data)
        content = data[start:min(end, start + most + 1)]
        return content, "" if not csize or len(content) >= min(csize, most + 1) else say(
            Detail.DOCUMENT_PART_CUT, n=len(content))
    if method != 8:
        return b"", say(Detail.DOCUMENT_PART_CUT, n=0)
    z = zlib.decompressobj(-15)
    out = bytearray()
    at = start
    why = ""
    try:
        while not z.eof and len(out) <= most and at < len(data):
            out += z.decompress(data[at:at + (1 << 16)], most + 1 - len(out))
            at += 1 << 16
            while z.unconsumed_tail and len(out) <= most:
                out += z.decompress(z.unconsumed_tail, most + 1 - len(out))
    except zlib.error:
        why = say(Detail.DOCUMENT_PART_CUT, n=len(out))
    if not z.eof and not why and len(out) <= most:
        why = say(Detail.DOCUMENT_PART_CUT, n=len(out))
    return bytes(out), why


# --- rows with merged cells -------------------------------------------------------------------------------------

RESTART, CONTINUE = word97.RESTART, word97.CONTINUE


class _Table:
    """Rows of one table, cells placed by grid column: a spanning cell is followed by empty cells, a cell merged down
    (RESTART) gives its text to the CONTINUE cells below it in its column (a household's address over its members'
    rows is each member's, as for merged cells of workbooks and HTML rowspans)."""

    def __init__(self, name: str) -> None:
        self.sheet = Sheet(name, [])
        self.rows: list[list[object]] = self.sheet.rows  # type: ignore[assignment]
        self.above: dict[int, str] = {}
        self.skip = False  # a copy not to be read (Word's fallback of a text box)
        self.gap = 0  # empty rows since the last row with a value

    def add(self, cells: list[tuple[str, int, int]], budget: CellBudget, before: int = 0) -> None:
        out: list[object] = [""] * min(before, MAX_WIDTH)
        for text, span, merge in cells:
            col = len(out)
            if col >= MAX_WIDTH:
                break
            if merge == CONTINUE:
                text = self.above.get(col, "")
            elif merge == RESTART:
                self.above[col] = text
            else:
                self.above.pop(col, None)
            out.append(text)
            out.extend([""] * max(0, min(span, MAX_WIDTH - col) - 1))
        budget.add(len(out) or 1)
        if any(v != "" for v in out):
            self.rows.extend([] for _ in range(self.gap))  # empty rows only between rows with a value
            self.rows.append(out)
            self.gap = 0
        elif self.rows:
            self.gap = min(self.gap + 1, 1000)


_SPACE = re.compile(r"[ \t\r\f\v]+")


def _cell_text(parts: list[str]) -> str:
    text = "".join(parts)
    if "\n" not in text and "  " not in text and "\t" not in text and "\r" not in text:
        return text.strip()  # one line, single spaces (most cells)
    lines = (_SPACE.sub(" ", p).strip() for p in text.split("\n"))
    return "\n".join(p for p in lines if p)


_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)[\s>]")


def _tags(xml: bytes, name: bytes, start: int = 0) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is an end tag) of each ``<name …>`` / ``</prefix:name>`` in ``xml``: searched for the name (a
    literal, C-level), each checked back to its ``<`` (a pattern starting with ``<`` and an optional prefix was tried at
    every tag of the part: 0.36 ms per 23 KB document.xml)."""
    for m in re.compile(re.escape(name) + rb"[\s>/]").finditer(xml, start):  # (re caches the compiled pattern)
        at = m.start()
        lt = xml.rfind(b"<", max(0, at - 64), at)
        if lt >= 0 and _TAG_PREFIX.fullmatch(xml, lt + 1, at):
            yield lt, xml.find(b">", at), xml[lt + 1:lt + 2] == b"/"


_TAG_PREFIX = re.compile(rb"/?(?:[A-Za-z_][\w.-]*:)?")


def _utf8(xml: bytes) -> bytes:
    """A part saved in UTF-16 (its byte order mark) as UTF-8, its declaration dropped: the byte searches for table
    elements and the parse see its text (review17d: a UTF-16 part's table was never found)."""
    if not xml.startswith((b"\xff\xfe", b"\xfe\xff")):
        return xml
    text = xml.decode("utf-16", "replace")
    if text.startswith("<?xml"):
        text = text[text.find("?>") + 2:]
    return text.encode("utf-8")


def _tables_only(xml: bytes, tag: bytes, fallback: bool = False) -> bytes:
    """The part's root element holding only its top-level tables (nested ones inside them), so that the parse skips
    the body text: a letter of 20 pages with one table parses the table. A table inside Word's fallback copy of a text
    box (``mc:Fallback``) is left out (its ``mc:Choice`` holds the same table). A table whose end is missing (a cut
    part) runs to the end, where the parse says the cut. ``tag``: the table element's local name."""
    root = _ROOT_TAG.search(xml, xml.find(b"<", xml.find(b"?>") + 1 if xml.startswith(b"<?") else 0))
    if root is None:
        return xml
    head_end = xml.find(b">", root.end() - 1)
    if head_end < 0 or xml[head_end - 1:head_end] == b"/":
        return xml
    inside = _duplicate_fallbacks(xml, tag) if fallback else []
    spans = []
    depth = begin = 0
    for at, end, closing in _tags(xml, tag, head_end):
        if closing:
            depth -= 1
            if depth == 0:
                spans.append((begin, end + 1))
            elif depth < 0:  # an end without its start (a damaged tag name): the whole part is parsed, which says where
                return xml
        elif xml[end - 1:end] != b"/":  # not an empty <w:tbl/>
            depth += 1
            begin = at if depth == 1 else begin
    if depth > 0:
        spans.append((begin, len(xml)))
    kept = [xml[a:b] for a, b in spans if not any(f <= a < t for f, t in inside)]
    name = root.group(1)
    return b"".join([xml[root.start():head_end + 1], *kept, b"</" + name + b">"])


def _duplicate_fallbacks(xml: bytes, tag: bytes) -> list[tuple[int, int]]:
    """The spans of the ``mc:Fallback`` copies whose ``mc:AlternateContent`` holds a table in its ``mc:Choice`` too
    (Word's text box: the same table twice). A fallback whose choice holds none is the only copy of its table (a
    slide's or a document's table written for older readers only: docs22, it was left out and the table unread)."""
    events = sorted([(at, closing, b"F") for at, _, closing in _tags(xml, b"Fallback")]
                    + [(at, closing, b"A") for at, _, closing in _tags(xml, b"AlternateContent")])
    table = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?" + re.escape(tag) + rb"[\s>/]")
    alternates: list[int] = []  # where each open mc:AlternateContent starts
    spans: list[tuple[int, int]] = []
    depth = start = 0
    duplicate = False
    for at, closing, kind in events:
        if kind == b"A":
            if closing and alternates:
                alternates.pop()
            elif not closing:
                alternates.append(at)
        elif closing:
            depth -= 1
            if depth == 0 and duplicate:
                spans.append((start, at))
        else:
            depth += 1
            if depth == 1:
                start = at
                # (no AlternateContent start found, a damaged tag: the fallback is taken as the copy, as before)
                duplicate = not alternates or table.search(xml, alternates[-1], at) is not None
    if depth > 0 and duplicate:
        spans.append((start, len(xml)))
    return spans


# what makes a cell's text more than its runs' text (a tab, a break, a text box): each cell is then walked node by node
_W_BREAKS = (b"tab/>", b"tab ", b"br/>", b"br ", b"cr/>", b"noBreakHyphen", b"txbxContent")


# --- Word XML ---------------------------------------------------------------------------------------------------

def _word_part_sheets(part: str, xml: bytes, budget: CellBudget, damage: str | None,
                      delimiter: Delimiter) -> Iterator[Sheet]:
    """The tables of one Word story part; the part's tab-separated lines when it holds no table."""
    xml = _utf8(xml)
    if b":tbl" not in xml and b"<tbl" not in xml:  # (tblPr, tblGrid ... are only inside a table)
        if xml.count(b"tab/>") >= MIN_TAB_LINES or spaced_lines(xml):  # tab lines, or a list aligned with spaces in
            # the body (docs26: never read), as a deck's (docs25)
            yield from _lines_sheets(part, list(_word_lines(xml)), budget, delimiter, damage)
        elif damage:  # a cut or damaged part whose lost end may have held a table
            yield Sheet(_name(part, 0), [], damage=[damage])
        return
    top = xml[:65536]
    ns = W if W.encode() in top else W_STRICT if W_STRICT.encode() in top else W_2003 if W_2003.encode() in top else W
    ns, damage = _declared_namespace(part, xml, top, ns, damage)  # (pkg21: a flipped byte in W's name, as a slide's)
    q = f"{{{ns}}}"
    fallbacks = b"Fallback" in xml
    xml = _tables_only(xml, b"tbl", fallbacks)
    plain = not fallbacks and not any(mark in xml for mark in _W_BREAKS)
    yield from _ooxml_tables(part, xml, budget, damage, q, lambda tr: _word_row(tr, q, fallbacks, plain))


RowOf = Callable[[Any], tuple[list[tuple[str, int, int]], int]]


def _declared_namespace(part: str, xml: bytes, head: bytes, ns: str, damage: str | None) -> tuple[str, str | None]:
    """``ns`` (the format's namespace), or when its head does not declare it, the namespace its tables' prefix
    declares, said as odd (review21x for slides, pkg21 for Word: a flipped byte in its name hid every table from the
    parse, nothing said)."""
    tbl = _TBL_PREFIX.search(xml) if ns.encode() not in head else None
    declared = tbl and re.search(rb"xmlns:" + re.escape(tbl.group(1)) + rb"""\s*=\s*["']([^"'<>]{1,400})["']""", xml)
    if not declared:
        return ns, damage
    return (declared.group(1).decode("utf-8", "replace"),
            join_details(x for x in (damage, say(Detail.DOCUMENT_NAMESPACE_ODD, part=part)) if x))


def _ooxml_tables(part: str, xml: bytes, budget: CellBudget, damage: str | None, q: str, row_of: RowOf) -> Iterator[Sheet]:
    """The ``tbl`` elements of a part (Word's ``w:tbl``, a slide's ``a:tbl``; namespace ``q``) as sheets, each ``tr``
    read by ``row_of`` (its cells and the grid columns before the first); a nested table is a sheet of its own; a table
    inside Word's fallback copy of a text box is skipped; damage ends the open tables with it said."""
    from lxml import etree

    parser = etree.XMLPullParser(events=("start", "end"), tag=(q + "tbl", q + "tr"), resolve_entities=False,
                                 no_network=True, load_dtd=False, huge_tree=False, remove_comments=True,
                                 remove_pis=True)
    open_tables: list[_Table] = []
    count = 0
    rows = 0
    try:
        for event, el in _pull(parser, xml, budget):
            tag = el.tag
            if tag == q + "tbl":
                if event == "start":
                    count += 1
                    table = _Table(_name(part, count))
                    table.skip = (open_tables and open_tables[-1].skip) or _fallback_copy(el, q + "tbl")
                    open_tables.append(table)
                elif open_tables:
                    table = open_tables.pop()
                    nested = bool(open_tables)
                    el.clear(keep_tail=True)
                    if not nested:
                        _drop_before(el)
                    if not table.skip:
                        yield table.sheet
            elif event == "end" and tag == q + "tr" and open_tables:
                table = open_tables[-1]
                if not table.skip:
                    cells, before = row_of(el)
                    table.add(cells, budget, before)
                    rows += 1
                el.clear(keep_tail=True)
    except ReadError:  # a cap (cells, time): the rows read before it are analysed, the cap said (as for a workbook)
        yield from (t.sheet for t in reversed(open_tables) if not t.skip)
        raise
    except etree.XMLSyntaxError as e:
        said = say(Detail.DOCUMENT_XML_DAMAGED, part=part or "wordml", error=error_name(e), n=rows)
        cut = [t for t in open_tables if not t.skip] or [_Table(_name(part, count + 1))]
        for t in reversed(cut):
            t.sheet.damage.extend(x for x in (damage, said) if x)
            yield t.sheet
        return
    for t in reversed(open_tables):  # the part ended inside a table (lxml closed it only at the end)
        t.sheet.damage.append(say(Detail.DOCUMENT_CUT_IN_TABLE, part=part or "wordml", n=len(t.rows)))
        if not t.skip:
            yield t.sheet
    if damage:
        yield Sheet(_name(part, count + 1), [], damage=[damage])


def _fallback_copy(el: _Element, tbl: str) -> bool:
    """Whether a table element is inside an ``mc:Fallback`` whose ``mc:AlternateContent`` holds a table in its choice
    too (the same table twice: Word's text box); a fallback's only table is read (docs22, as ``_tables_only``)."""
    fallback = next(el.iterancestors(MC_FALLBACK), None)
    if fallback is None:
        return False
    alternate = fallback.getparent()
    return alternate is None or any(child is not fallback and next(child.iter(tbl), None) is not None
                                    for child in alternate)


def _slide_part_sheets(part: str, xml: bytes, budget: CellBudget, damage: str | None,
                       delimiter: Delimiter) -> Iterator[Sheet]:
    """The tables of one slide (``a:tbl`` in a ``p:graphicFrame``, in a group too): a cell spanning columns
    (``gridSpan``) is followed by its covered ``hMerge`` cells, which stay empty; one spanning rows (``rowSpan``) gives
    its text to the ``vMerge`` cells below, as a workbook's merged cell does."""
    xml = _utf8(xml)
    if b":tbl" not in xml and b"<tbl" not in xml:
        if xml.count(b"\t") >= MIN_TAB_LINES or spaced_lines(xml):  # a person list pasted as tab-separated lines
            # into a text box, the speaker notes or a SmartArt diagram (docs24: never read); ``a:p`` paragraphs, their
            # ``a:t`` runs; columns aligned with spaces: read as tab lines are (docs25)
            yield from _lines_sheets(part, list(_word_lines(xml)), budget, delimiter, damage)
        elif damage:  # a cut or damaged slide whose lost end may have held a table
            yield Sheet(_name(part, 0), [], damage=[damage])
        return
    head = xml[:65536]
    ns = A_STRICT if A_STRICT.encode() in head and A.encode() not in head else A
    ns, damage = _declared_namespace(part, xml, head, ns, damage)
    q = f"{{{ns}}}"
    yield from _ooxml_tables(part, _tables_only(xml, b"tbl", b"Fallback" in xml), budget, damage, q,
                             lambda tr: (_slide_row(tr, q), 0))


def _slide_row(tr, q: str) -> list[tuple[str, int, int]]:
    """One ``a:tr``'s cells: (text, 1, merge); a paragraph a line, ``a:br`` a line break, a field's text (a date, a
    slide number) as shown."""
    cells: list[tuple[str, int, int]] = []
    tc, p, t, br = q + "tc", q + "p", q + "t", q + "br"
    for cell in tr.iterchildren(tc):
        if cell.get("hMerge") in ("1", "true"):
            cells.append(("", 1, 0))
            continue
        merge = CONTINUE if cell.get("vMerge") in ("1", "true") else RESTART if _int(cell.get("rowSpan"), 1, 1 << 20) > 1 else 0
        if merge == CONTINUE:
            cells.append(("", 1, CONTINUE))
            continue
        parts: list[str] = []
        for node in cell.iter(p, t, br):
            if node.tag == t:
                parts.append(node.text or "")
            elif node.tag == br:
                parts.append("\n")
            elif parts:
                parts.append("\n")
        cells.append((_cell_text(parts), 1, merge))
    return cells


def _name(part: str, n: int, what: str = "table") -> str:
    """``table 3`` in the body, ``word/header1.xml table 1`` elsewhere (``what``: tab-separated lines)."""
    body = part in ("", "word/document.xml", "content.xml")
    return f"{what} {n}" if body else f"{part} {what} {n}"


def _pull(parser, xml: bytes, budget: CellBudget) -> Iterator[tuple[str, Any]]:
    """The pull parser's events over ``xml`` fed in 1 MiB pieces (markup's: events parsed before a syntax error first)."""
    return pull_events(parser, (xml[at:at + (1 << 20)] for at in range(0, len(xml), 1 << 20)), budget)


def _drop_before(el) -> None:
    """Free the handled siblings before ``el`` (a streamed body keeps no paragraph or table it read)."""
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


_WRAPPERS = ("sdt", "sdtContent", "customXml", "smartTag")


def _word_cells(el, q: str, out: list[tuple[str, int, int]], plain: bool, depth: int = 0) -> None:
    for child in el:
        tag = child.tag
        if tag == q + "tc":
            out.append(_word_cell(child, q, plain))
        elif isinstance(tag, str) and depth < 8 and tag[len(q):] in _WRAPPERS and tag.startswith(q):
            _word_cells(child, q, out, plain, depth + 1)


def _word_cell(tc, q: str, plain: bool) -> tuple[str, int, int]:
    """A ``w:tc``'s text (paragraphs one a line; ``plain``: the tables hold no tab, break or text box, so each paragraph's
    ``w:t`` texts are joined in C), its grid span and vertical merge."""
    span, merge = 1, 0
    pr = tc.find(q + "tcPr")
    if pr is not None:
        grid = pr.find(q + "gridSpan")
        if grid is not None:
            span = _int(grid.get(q + "val"), 1, MAX_WIDTH)
        vmerge = pr.find(q + "vMerge")
        if vmerge is None:
            vmerge = pr.find(q + "vmerge")  # Word 2003 XML's spelling
        hmerge = pr.find(q + "hMerge")
        if hmerge is None:
            hmerge = pr.find(q + "hmerge")
        if vmerge is not None:
            merge = RESTART if vmerge.get(q + "val") == "restart" else CONTINUE
        elif hmerge is not None and hmerge.get(q + "val") != "restart":
            return "", 1, 0  # the old horizontal merge: a covered cell
    text = _word_cell_text(tc, q, plain, q + "t")
    if not text and next(tc.iter(q + "delText"), None) is not None:  # a cell whose text was deleted with tracked
        text = _word_cell_text(tc, q, plain, q + "delText")  # changes (a person's row deleted): its deleted text
        # (docs24: such rows were read empty, the persons in the file unsaid; a cell with text keeps its own)
    return text, span, merge


def _word_cell_text(tc, q: str, plain: bool, t: str) -> str:
    p = q + "p"
    if plain:
        return _cell_text(["\n".join("".join(para.itertext(t)) for para in tc.iter(p))])
    parts: list[str] = []
    tab, br, cr, r = q + "tab", q + "br", q + "cr", q + "r"
    for node in tc.iter(t, tab, br, cr, p, q + "noBreakHyphen"):
        tag = node.tag
        if tag == t:
            parts.append(node.text or "")
        elif tag == p:
            if parts:
                parts.append("\n")
        elif node.getparent() is not None and node.getparent().tag == r:  # not a tab stop of the paragraph's style
            parts.append(" " if tag == tab else "-" if tag != br and tag != cr else "\n")
    return _cell_text(parts)


def _int(raw: str | None, default: int, cap: int) -> int:
    try:
        return max(1, min(cap, int(raw))) if raw else default
    except ValueError:
        return default


_W_PARA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s>].*?</(?:[A-Za-z_][\w.-]*:)?p>|<(?:[A-Za-z_][\w.-]*:)?p/>", re.S)
_W_RUN_TEXT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?t(?:\s[^>]*)?>([^<]*)</|<(?:[A-Za-z_][\w.-]*:)?(tab)/>|"
                         rb"<(?:[A-Za-z_][\w.-]*:)?(tabs)>.*?</(?:[A-Za-z_][\w.-]*:)?tabs>|"
                         rb"<(?:[A-Za-z_][\w.-]*:)?delText(?:\s[^>]*)?>([^<]*)</", re.S)


def _word_lines(xml: bytes) -> Iterator[str]:
    """The paragraphs of a Word part as lines, a run's tab as a tab (tab stops of a paragraph's properties are no
    text); by pattern, not a parse: only for a part without a table."""
    import html

    for m in _W_PARA.finditer(xml):
        parts, deleted = [], []
        for t in _W_RUN_TEXT.finditer(m.group()):
            if t.group(1) is not None:
                parts.append(html.unescape(t.group(1).decode("utf-8", "replace")))
            elif t.group(4) is not None:
                deleted.append(html.unescape(t.group(4).decode("utf-8", "replace")))
            elif t.group(2):
                parts.append("\t")
                deleted.append("\t")
        line = "".join(parts)
        yield line if line.strip() or not deleted else "".join(deleted)  # (a line deleted with tracked changes: its
        # deleted text, docs24; a line with text keeps its own)


_SPACE_GAP = re.compile("[ \u3000]{2,}")  # a column gap of a line aligned with spaces: two or more (a name's own
# single space, 山田　太郎, is no gap)
_SPACED_RUN = re.compile(rb"<(?:\w+:)?t(?:\s[^<>]*)?>[^<]*?(?:  |\xe3\x80\x80\xe3\x80\x80| \xe3\x80\x80|\xe3\x80\x80 )")  # a
# text run holding such a gap (Word writes ``<w:t xml:space="preserve">`` for a run with spaces in a row: docs26)
_ODF_SPACED = re.compile(rb"<text:s[\s/>]|\xe3\x80\x80(?:\xe3\x80\x80| )| \xe3\x80\x80")  # OpenDocument writes a
# second space and more as ``<text:s/>`` (``text:c`` of them); ideographic spaces as they are


def spaced_lines(xml: bytes) -> bool:
    """Whether a slide, notes or diagram part's text runs hold column gaps of spaces in MIN_TAB_LINES runs or more
    (a list aligned by hand in a text box: docs25, never read; docs24 read such lines separated by tabs); a Word
    story's too (docs26: a roster aligned with spaces in a .docx body was never read)."""
    return len(_SPACED_RUN.findall(xml, 0, 64 << 20)) >= MIN_TAB_LINES


def odf_spaced(xml: bytes) -> bool:
    """``spaced_lines`` of an OpenDocument part (content.xml of a text or a presentation: docs26, a roster aligned
    with spaces in an .odt's paragraphs or an .odp's text box was never read)."""
    return len(_ODF_SPACED.findall(xml, 0, 64 << 20)) >= MIN_TAB_LINES


def _gaps_as_tabs(lines: Iterator[str]) -> Iterator[str]:
    """Lines aligned with spaces as tab lines: each gap of two blanks or more a tab (a name's one space stays)."""
    return (_SPACE_GAP.sub("\t", line.strip()) for line in lines)


def _spaced(lines: list[str]) -> bool:
    """Whether MIN_TAB_LINES of ``lines`` (none holding a tab) have a gap of two blanks or more inside them."""
    return sum(1 for line in lines if _SPACE_GAP.search(line.strip())) >= MIN_TAB_LINES


SPACE_ALIGNED = "space-aligned lines"  # the name of a sheet of lines aligned with spaces


def _lines_sheets(part: str, lines: list[str], budget: CellBudget, delimiter: Delimiter,
                  damage: str | None = None) -> Iterator[Sheet]:
    """A story's tab-separated lines (MIN_TAB_LINES holding a tab), and its other lines aligned with spaces (docs26: an
    RTF's or a Word 97 document's roster aligned with spaces was never read; review26o: nor one below a letter's head
    set with tabs, or in an .odt holding a tab anywhere: only the tab lines were read). ``damage`` on the first
    sheet, or on a sheet of its own when there is none."""
    sheets: list[Sheet] = []
    taken: set[int] = set()
    if sum(1 for line in lines if "\t" in line) >= MIN_TAB_LINES:
        sheets += _tab_lines(part, iter(lines), budget, delimiter, taken=taken)
    rest = [line if k not in taken else "" for k, line in enumerate(lines)]  # (a line read as a tab line is read once;
    # a stray tab line among spaced ones is their gap)
    if _spaced(rest):
        sheets += _tab_lines(part, _gaps_as_tabs(iter(rest)), budget, delimiter, what=SPACE_ALIGNED)
    if damage:
        if sheets:
            sheets[0].damage.append(damage)
        else:
            sheets.append(Sheet(_name(part, 0), [], damage=[damage]))
    yield from sheets


def _tab_lines(part: str, lines: Iterator[str], budget: CellBudget, delimiter: Delimiter,
               damage: str | None = None, what: str = "tab-separated lines", taken: set[int] | None = None,
               ) -> Iterator[Sheet]:
    """Runs of at least MIN_TAB_LINES consecutive lines holding a tab, each a sheet when the text reader's rule
    (``delimiter``) splits them at the tab; damage said on a sheet of its own when there is none. ``taken``: the
    numbers of the lines read into a sheet are added to it."""
    run: list[str] = []
    found = 0
    for k, line in enumerate([*lines, ""]):
        budget.tick() if len(run) % 1000 == 999 else None
        if "\t" in line:
            run.append(line)
            continue
        if len(run) >= MIN_TAB_LINES and delimiter("\n".join(run[:50])) == "\t":
            if taken is not None:
                taken.update(range(k - len(run), k))
            found += 1
            sheet = Sheet(_name(part, found, what), [])
            for row in run:
                cells = [c.strip() for c in row.split("\t")][:MAX_WIDTH]
                budget.add(len(cells))
                sheet.rows.append(cells)  # type: ignore[attr-defined]
            if damage and found == 1:
                sheet.damage.append(damage)
            yield sheet
        run = []
    if damage and not found:
        yield Sheet(_name(part, 0), [], damage=[damage])


def _word_row(tr, q: str, fallbacks: bool, plain: bool) -> tuple[list[tuple[str, int, int]], int]:
    """The cells of one ``w:tr`` (inside content controls and custom XML too) and the grid columns before its first."""
    before = 0
    pr = tr.find(q + "trPr")
    if pr is not None and (gb := pr.find(q + "gridBefore")) is not None:
        before = _int(gb.get(q + "val"), 0, MAX_WIDTH)
    if fallbacks:  # Word's fallback copy of a text box inside a cell: its text is read once (from mc:Choice)
        for fallback in list(tr.iter(MC_FALLBACK)):
            parent = fallback.getparent()
            if parent is not None:
                parent.remove(fallback)
    cells: list[tuple[str, int, int]] = []
    _word_cells(tr, q, cells, plain)
    return cells, before


# --- OpenDocument XML -------------------------------------------------------------------------------------------

def _odf_part_sheets(part: str, xml: bytes, budget: CellBudget, damage: str | None,
                     delimiter: Delimiter) -> Iterator[Sheet]:
    """The tables of content.xml or styles.xml (or a flat .fodt); its tab-separated lines when it holds no table."""
    xml = _utf8(xml)
    if b"http://openoffice.org/2000/" in xml[:65536]:  # OpenOffice.org 1: its namespaces as ODF's (same names)
        for old, new in _OOO1_NAMESPACES:
            xml = xml.replace(old, new)
    if not _ODF_TABLE_TAG.search(xml):
        if part != "styles.xml" and (b"<text:tab" in xml or odf_spaced(xml)):  # tab lines, or lines aligned with
            # spaces (docs26: an .odt's paragraphs, an .odp's text box: never read)
            yield from _lines_sheets(part, list(_odf_lines(xml)), budget, delimiter, damage)
        elif damage:
            yield Sheet(_name(part, 0), [], damage=[damage])
        return
    from lxml import etree

    t = f"{{{ODF_TABLE}}}"
    parser = etree.XMLPullParser(events=("start", "end"), tag=(t + "table", t + "table-row"),
                                 resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                 remove_comments=True, remove_pis=True)
    xml = _tables_only(xml, b"table:table")
    open_tables: list[tuple[_Table, dict[int, int]]] = []  # each with its columns still covered from above
    count = rows = 0
    try:
        for event, el in _pull(parser, xml, budget):
            tag = el.tag
            if tag == t + "table":
                if event == "start":
                    count += 1
                    open_tables.append((_Table(_name(part, count)), {}))
                elif open_tables:
                    table, _ = open_tables.pop()
                    el.clear(keep_tail=True)
                    if not open_tables:
                        _drop_before(el)
                    yield table.sheet
            elif event == "end" and tag == t + "table-row" and open_tables:
                table, down = open_tables[-1]
                cells = _odf_row(el, down)
                times = min(_int(el.get(t + "number-rows-repeated"), 1, 1 << 20), 1 << 20)
                for _ in range(times if any(c[0] for c in cells) else 1):
                    table.add(cells, budget)
                rows += 1
                el.clear(keep_tail=True)
    except ReadError:
        yield from (tb.sheet for tb, _ in reversed(open_tables))
        raise
    except etree.XMLSyntaxError as e:
        said = say(Detail.DOCUMENT_XML_DAMAGED, part=part or "fodt", error=error_name(e), n=rows)
        cut = [tb for tb, _ in open_tables] or [_Table(_name(part, count + 1))]
        for tb in reversed(cut):
            tb.sheet.damage.extend(d for d in (damage, said) if d)
            yield tb.sheet
        return
    for tb, _ in reversed(open_tables):
        tb.sheet.damage.append(say(Detail.DOCUMENT_CUT_IN_TABLE, part=part or "fodt", n=len(tb.rows)))
        yield tb.sheet
    if damage:
        yield Sheet(_name(part, count + 1), [], damage=[damage])


def _odf_row(row, down: dict[int, int]) -> list[tuple[str, int, int]]:
    """One ``table:table-row``'s cells: a spanning cell's text (RESTART when it spans rows, recorded in ``down``), a
    covered cell under one (CONTINUE) or beside one (empty); repeated cells repeated (bounded by the row width)."""
    t = f"{{{ODF_TABLE}}}"
    out: list[tuple[str, int, int]] = []
    col = 0
    for cell in row:
        tag = cell.tag
        if tag not in (t + "table-cell", t + "covered-table-cell"):
            continue
        times = _int(cell.get(t + "number-columns-repeated"), 1, MAX_WIDTH)
        if tag == t + "covered-table-cell":
            for _ in range(times):
                if down.get(col, 0) > 0:
                    down[col] -= 1
                    out.append(("", 1, CONTINUE))
                else:
                    out.append(("", 1, 0))
                col += 1
            continue
        text = _odf_cell_text(cell)
        spanned = _int(cell.get(t + "number-rows-spanned"), 1, 1 << 20)
        for _ in range(times if text else 1):
            if spanned > 1:
                down[col] = spanned - 1
                out.append((text, 1, RESTART))
            else:
                down.pop(col, None)
                out.append((text, 1, 0))
            col += 1
        if not text and times > 1:
            col += times - 1
            out.extend(("", 1, 0) for _ in range(min(times - 1, MAX_WIDTH - len(out))))
        if len(out) >= MAX_WIDTH:
            break
    return out


def _odf_cell_text(cell) -> str:
    """A cell's paragraphs and headings one a line (a list's items too), ``text:s`` as its spaces, tabs and line breaks;
    not a comment's (``office:annotation``) nor a nested table's (read as a sheet of its own)."""
    x, o = f"{{{ODF_TEXT}}}", f"{{{ODF_OFFICE}}}"
    parts: list[str] = []
    for para in cell.iter(x + "p", x + "h"):
        if next(para.iterancestors(o + "annotation", x + "p", x + "h"), None) is not None:
            continue
        if parts:
            parts.append("\n")
        parts.append(_odf_para(para))
    return _cell_text(parts)


def _odf_para(el) -> str:
    x, o = f"{{{ODF_TEXT}}}", f"{{{ODF_OFFICE}}}"
    parts = [el.text or ""]
    for child in el:
        tag = child.tag
        if tag == x + "s":
            parts.append(" " * _int(child.get(x + "c"), 1, 1024))
        elif tag == x + "tab" or tag == x + "tab-stop":  # (tab-stop: OpenOffice.org 1's tab)
            parts.append("\t")
        elif tag == x + "line-break":
            parts.append("\n")
        elif isinstance(tag, str) and tag not in (o + "annotation", x + "note") and not tag.endswith("}frame"):
            parts.append(_odf_para(child))
        parts.append(child.tail or "")
    return "".join(parts)


_ODF_PARA = re.compile(rb"<text:([ph])[\s>].*?</text:\1>|<text:[ph](?:\s[^>]*)?/>", re.S)
_ODF_INLINE = re.compile(rb"<text:tab/>|<text:tab\s[^>]*/>|<text:s(?:\s+text:c=\"(\d{1,4})\")?\s*/>|<text:line-break/>|<[^>]*>|[^<]+")


def _odf_lines(xml: bytes) -> Iterator[str]:
    """The paragraphs of a part without a table as lines, ``text:tab`` as a tab; by pattern, not a parse."""
    import html

    for m in _ODF_PARA.finditer(xml):
        parts = []
        for piece in _ODF_INLINE.finditer(m.group()):
            s = piece.group()
            if s.startswith(b"<text:tab"):
                parts.append("\t")
            elif s.startswith(b"<text:s") and s.endswith(b"/>") and (s[7:8] in (b" ", b"/")):
                parts.append(" " * int(piece.group(1) or 1))
            elif not s.startswith(b"<"):
                parts.append(html.unescape(s.decode("utf-8", "replace")))
        yield "".join(parts)


# --- RTF --------------------------------------------------------------------------------------------------------

_RTF_TOKEN = re.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|((?:\\'[0-9a-fA-F]{2})+)|\\([^a-zA-Z'])|([{}])|[\r\n]+|"
                        rb"([^\\{}\r\n]+)")  # a run of \'hh escapes is one token (Japanese text is all of them)
# destinations whose text is no document text (the ``\*`` ones are skipped whatever their name)
_RTF_SKIP = frozenset({b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"object", b"fldinst", b"themedata",
                       b"colorschememapping", b"latentstyles", b"datastore", b"xmlnstbl", b"listtable",
                       b"listoverridetable", b"rsidtbl", b"generator", b"sp", b"shprslt", b"nonshppict",
                       b"nonesttables", b"revtbl", b"filetbl", b"pgdsctbl", b"objdata", b"bkmkstart", b"bkmkend",
                       b"txfieldtext"})
_RTF_KEEP_STARRED = frozenset({b"nesttableprops", b"shpinst", b"shptxt"})  # table and text-box parts Word stars
_CHARSETS = {128: "cp932", 129: "cp949", 134: "gbk", 136: "big5", 161: "cp1253", 162: "cp1254", 177: "cp1255",
             178: "cp1256", 186: "cp1257", 204: "cp1251", 222: "cp874", 238: "cp1250"}
_RTF_CHARS = {b"par": "\n", b"line": "\n", b"tab": "\t", b"emdash": "\u2014", b"endash": "\u2013", b"lquote": "\u2018",
              b"rquote": "\u2019", b"ldblquote": "\u201c", b"rdblquote": "\u201d", b"bullet": "\u2022",
              b"sect": "\n", b"page": "\n"}


# the control words the table state follows (_rtf_word); a word one letter off one of them (\\pabd, \\iotbl), or a
# proper prefix of one cut by a byte that is no letter (\\tro7d, \\trga\xc8h), is a damaged byte in a table's marks
# (damage19: such RTFs lost a row or merged two cells, `ok`); the RTF words among them are left out (\\par, \\cell)
_RTF_TABLE_WORDS = (b"pard", b"intbl", b"itap", b"trowd", b"trgaph", b"cellx", b"cell", b"row", b"nestcell",
                    b"nestrow", b"clvmgf", b"clvmrg", b"clmrg")
_RTF_REAL = frozenset({b"par", b"cell", b"rows", b"cellx", *_RTF_TABLE_WORDS})
_RTF_NEAR = frozenset({w[:k] + bytes([c]) + w[k + 1:] for w in _RTF_TABLE_WORDS for k in range(len(w))
                       for c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"}
                      | {w[:k] for w in _RTF_TABLE_WORDS for k in range(3, len(w))}) - _RTF_REAL
_RTF_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")  # RTF is 7-bit text: a control byte is damage


class _RtfState:
    """Where the reader is: the group stack (skipping, \\uc), the paragraph's table depth, the open tables."""

    def __init__(self, budget: CellBudget) -> None:
        self.budget = budget
        self.odd = 0  # control words a byte off a table mark, control bytes in the text (damage19)
        self.codepage = "cp1252"
        self.fonts: dict[int, str] = {}
        self.font_codec: str | None = None
        self.intbl = False
        self.itap = 0
        self.in_row = False
        self.text: dict[int, list[str]] = {}  # depth -> text of the cell being read
        self.cells: dict[int, list[str]] = {}  # depth -> cells of the row being read
        self.defs: dict[int, list[int]] = {}  # depth -> merge flag of each cell defined (\cellx)
        self.flag = 0
        self.tables: dict[int, _Table] = {}
        self.count = 0
        self.rows = 0
        self.done: list[Sheet] = []
        self.lines: list[str] = [""]  # body paragraphs (depth 0): for tab-separated lines
        self.keep_lines = True  # False when the document holds tables: its body text is not decoded
        self.stack: list[tuple[bool, int, str | None]] = []  # the groups open

    def depth(self) -> int:
        if self.intbl:
            return max(self.itap, 1)
        return 1 if self.in_row else 0

    def put(self, s: str) -> None:
        d = self.depth()
        if d:
            self.close_above(d)
            self.text.setdefault(d, []).append(s)
        else:
            self.close_above(0)
            if s == "\n":
                self.lines.append("")
            elif len(self.lines[-1]) < 1 << 16:
                self.lines[-1] += s

    def close_above(self, d: int) -> None:
        if not self.tables or max(self.tables) <= d:
            return
        for k in sorted(self.tables, reverse=True):
            if k > d and not self.text.get(k) and not self.cells.get(k):
                self.done.append(self.tables.pop(k).sheet)

    def cell(self, d: int) -> None:
        self.close_above(d)
        self.cells.setdefault(d, []).append(_cell_text(self.text.pop(d, [])))

    def row(self, d: int) -> None:
        self.close_above(d)
        cells = self.cells.pop(d, [])
        if self.text.get(d):
            cells.append(_cell_text(self.text.pop(d)))
        flags = self.defs.get(d, [])
        table = self.tables.get(d)
        if table is None:
            self.count += 1
            table = self.tables[d] = _Table(f"table {self.count}")
        table.add([(c, 1, flags[i] if i < len(flags) else 0) for i, c in enumerate(cells)], self.budget)
        self.rows += 1
        if d == 1:
            self.in_row = False


def rtf_bytes(data: bytes) -> bytes:
    """An RTF saved in UTF-16 (``RTF_UTF16``: a RichTextBox's text written by .NET) as the 7-bit RTF it holds, each
    character past ASCII as ``\\uN?``; any other RTF as it is."""
    if not data.startswith(RTF_UTF16):
        return data
    text = data[:len(data) // 2 * 2].decode("utf-16", "replace")
    return "".join(ch if ord(ch) < 128 else _rtf_u(ch) for ch in text).encode("ascii")


def _rtf_u(ch: str) -> str:
    """``\\uN?`` of each UTF-16 unit of ``ch`` (N signed, as RTF writes it)."""
    raw = ch.encode("utf-16-le", "surrogatepass")
    units = struct.unpack(f"<{len(raw) // 2}h", raw)
    return "".join(f"\\u{u}?" for u in units)


def _rtf_sheets(data: bytes, budget: CellBudget, delimiter: Delimiter) -> Iterator[Sheet]:
    """The tables of an RTF document (and its tab-separated lines, or lines aligned with spaces, when it holds
    none)."""
    zeroed = zeroed_block(data)  # RTF is 7-bit text: a run of NULs is a block lost on disk (a cell's text, a row)
    lost = [say(Detail.NUL_BLOCK, n=zeroed[1], at=zeroed[0])] if zeroed is not None else []
    tables = b"\\cell" in data or b"\\row" in data
    if not tables and b"\\tab" not in data and _RTF_GAP.search(data) is None:  # (spaces in a row: docs26)
        opened = data.count(b"{") - data.count(b"\\{") - data.count(b"}") + data.count(b"\\}")
        if opened > 0:
            raise ReadError(Status.CORRUPT, say(Detail.RTF_TEXT_CUT, n=opened))
        if lost:
            yield Sheet("", [], damage=lost)
        return
    st = _RtfState(budget)
    st.keep_lines = not tables
    try:
        _rtf_read(data, st)
    except ReadError:  # a cap (cells, time): the tables read so far, then the cap
        yield from st.done
        yield from (st.tables[d].sheet for d in sorted(st.tables, reverse=True))
        raise
    stack = st.stack
    if st.odd and st.count:  # table marks or text with a damaged byte: rows may be merged, shifted or lost
        lost.append(say(Detail.RTF_MARKS_DAMAGED, n=st.odd))
    if lost:
        yield Sheet("", [], damage=lost)
    yield from st.done
    st.done.clear()
    cut = bool(any(st.text.values()) or any(st.cells.values()) or stack)
    for d in sorted(st.tables, reverse=True):
        table = st.tables[d]
        if cut:  # the innermost open table was being read when the text ended
            table.sheet.damage.append(say(Detail.RTF_CUT_IN_TABLE, n=len(table.rows)))
            cut = False
        yield table.sheet
    if not st.count:
        yield from _lines_sheets("", st.lines, budget, delimiter)
    if cut:  # no table open at the end: cells after the last row mark (its first row cut), or groups left open
        opened = any(st.text.values()) or any(st.cells.values())
        yield Sheet("table 1" if opened else "", [], damage=[say(Detail.RTF_CUT_IN_TABLE, n=0) if opened
                                                             else say(Detail.RTF_TEXT_CUT, n=len(stack))])


def _rtf_read(data: bytes, st: _RtfState) -> None:
    """Tokenize the RTF into ``st``: the tables it completes go to ``st.done``, the groups left open to ``st.stack``."""
    stack = st.stack  # (skipping, \\uc, font codec) of each open group
    skipping, uc, pending_skip = False, 1, 0
    fresh = False  # a group just opened: its first control word may name a destination
    starred = False
    hexbytes = bytearray()
    n = 0

    def flush_hex() -> None:
        if hexbytes:
            if not skipping:
                st.put(bytes(hexbytes).decode(st.font_codec or st.codepage, "replace"))
            hexbytes.clear()

    tokens = _RTF_TOKEN.finditer(data)
    while (m := next(tokens, None)) is not None:
        n += 1

        if n & 0xFFF == 0:
            st.budget.tick()
        word, arg, hexc, sym, brace, text = m.groups()
        if hexc is not None:
            if pending_skip:  # the \\uN's replacement bytes
                skip = min(pending_skip, len(hexc) // 4)
                hexc, pending_skip = hexc[4 * skip:], pending_skip - skip
            if hexc and (st.keep_lines or st.depth()):
                hexbytes += bytes.fromhex(hexc.replace(b"\\'", b"").decode("ascii"))
            continue
        flush_hex()
        if brace is not None:
            if brace == b"{":
                stack.append((skipping, uc, st.font_codec))
                fresh, starred = True, False
            elif stack:
                skipping, uc, st.font_codec = stack.pop()
                fresh = starred = False
            continue
        if word == b"bin" and arg is not None and int(arg) > 0:  # N raw bytes (a picture): no RTF in them
            tokens = _RTF_TOKEN.finditer(data, m.end() + int(arg))
            fresh = starred = False
            continue
        if word is not None:
            if fresh and starred and word not in _RTF_KEEP_STARRED:
                skipping = True
            elif fresh and word in _RTF_SKIP:
                skipping = True
            fresh = starred = False
            if word == b"fonttbl":
                _rtf_fonts(data, m.end(), st)
            if skipping:
                continue
            pending_skip = 0
            _rtf_word(word, arg, st)
            if word == b"uc" and arg is not None:
                uc = max(0, min(int(arg), 8))
            elif word == b"u" and arg is not None:
                st.put(chr(int(arg) % 65536) if int(arg) % 65536 < 0xD800 or int(arg) % 65536 > 0xDFFF else "\ufffd")
                pending_skip = uc
            elif word == b"ansicpg" and arg is not None:
                st.codepage = _codec(f"cp{int(arg)}")
            elif word == b"f" and arg is not None:
                st.font_codec = st.fonts.get(int(arg))
            continue
        if sym is not None:
            if sym == b"*":
                starred = True
                continue
            fresh = False
            if skipping:
                continue
            if pending_skip:
                pending_skip -= 1
                continue
            st.put({b"~": "\xa0", b"_": "-", b"-": "", b"\\": "\\", b"{": "{", b"}": "}"}.get(sym, ""))
            continue
        if text is not None:
            fresh = False
            if skipping:
                continue
            if pending_skip:
                k = min(pending_skip, len(text))
                text, pending_skip = text[k:], pending_skip - k
            if text and (st.keep_lines or st.depth()):  # body text is decoded only for tab-separated lines
                st.put(text.decode(st.font_codec or st.codepage, "replace"))
                if _RTF_CONTROL_BYTES.search(text) is not None:
                    st.odd += 1
            elif text:
                st.close_above(0)
    flush_hex()


def _rtf_word(word: bytes, arg: bytes | None, st: _RtfState) -> None:
    """A control word's effect on the table state and the text."""
    if word == b"pard":
        st.intbl, st.itap = False, 0
    elif word == b"intbl":
        st.intbl = True
    elif word == b"itap":
        st.itap = int(arg) if arg is not None else 1
        st.intbl = st.itap > 0
    elif word == b"trowd":
        st.defs[max(st.itap, 1) if st.intbl else 1] = []
        st.in_row = st.in_row or not st.intbl
    elif word in (b"clvmgf", b"clvmrg", b"clmrg"):
        st.flag = RESTART if word == b"clvmgf" else CONTINUE if word == b"clvmrg" else 3
    elif word == b"cellx":
        st.defs.setdefault(max(st.itap, 1) if st.intbl else 1, []).append(st.flag if st.flag != 3 else 0)
        st.flag = 0
    elif word == b"cell":
        st.cell(1)
    elif word == b"nestcell":
        st.cell(max(st.itap, 2))
    elif word == b"row":
        st.row(1)
    elif word == b"nestrow":
        st.row(max(st.itap, 2))
    elif word in _RTF_CHARS:
        st.put(_RTF_CHARS[word])
    elif word in _RTF_NEAR:
        st.odd += 1


def _rtf_fonts(data: bytes, at: int, st: _RtfState) -> None:
    """The code page of each font whose charset says one (``\\f1\\fcharset128`` is cp932), from the font table."""
    end = data.find(b"}}", at, at + (1 << 20))
    for m in re.finditer(rb"\\f(\d{1,5})[^{}]*?\\fcharset(\d{1,3})", data[at:end if end > 0 else at + (1 << 16)]):
        codec = _CHARSETS.get(int(m.group(2)))
        if codec:
            st.fonts[int(m.group(1))] = codec


def _codec(name: str) -> str:
    import codecs

    try:
        codecs.lookup(name)
        return name
    except LookupError:
        return "cp1252"


# --- Word 97-2003 ------------------------------------------------------------------------------------------------

WORD97_EXTS = (".doc", ".dot")


class _Open97:
    """A table being read at one depth: its rows, the current row's cells, the current cell's paragraphs."""

    def __init__(self, name: str) -> None:
        self.table = _Table(name)
        self.cells: list[str] = []
        self.paras: list[str] = []


class _Doc97:
    """Tables read so far in a Word 97-2003 document, and cell marks that fell outside any (damage)."""

    def __init__(self) -> None:
        self.count = 0
        self.unplaced = 0
        self.misfit = 0  # rows whose cells differ in number from their table definition
        self.open: list[_Open97] = []


def _ppt97_sheets(data: bytes, budget: CellBudget, delimiter: Delimiter) -> Iterator[Sheet]:
    """The tables of a PowerPoint 97-2003 presentation (scanner.ppt97: each table's cells placed by their anchors) and
    the tab-separated lines of its other text (slides' text boxes, notes); the damage met said on the last sheet, or on
    one of its own (docs22: a person table on a .ppt slide ended as nothing)."""
    deck = ppt97.read_ppt(data, budget.tick)
    sheets: list[Sheet] = []
    counts: dict[str, int] = {}
    for where, rows in deck.tables:
        counts[where] = counts.get(where, 0) + 1
        table = _Table(_name(where, counts[where]))
        for row in rows:
            table.add([(text, 1, 0) for text in row], budget)
        sheets.append(table.sheet)
    sheets += list(_tab_lines("text", iter(deck.lines), budget, delimiter))
    if deck.damage:
        if not sheets:
            sheets.append(Sheet(_name("slides", 0), []))
        sheets[-1].damage.append(deck.damage)
    yield from sheets


def _word97_sheets(data: bytes, budget: CellBudget, delimiter: Delimiter) -> Iterator[Sheet]:
    """The tables of a Word 97-2003 document (scanner.word97 gives its paragraphs with their table properties), story
    by story; a story's tab-separated lines when it holds no table. Cell marks whose paragraph properties are lost or
    that stand outside any table are said (the file ``corrupt``; ``unsupported`` when no table could be read)."""
    doc = word97.open_word97(data)
    if doc is None:
        return
    st = _Doc97()
    for story, start, end in doc.stories:
        lines: list[str] = []
        before = st.count
        try:
            yield from _word97_story(doc.paragraphs(start, end, budget.tick), story, st, lines, budget)
        except ReadError:  # a cap (cells, time): the rows read before it are analysed, the cap said
            yield from (t.table.sheet for t in reversed(st.open) if t.table.rows)
            raise
        while st.open:
            yield from _closed97(st.open.pop(), story, st, budget, cut=True)
        if st.count == before:
            yield from _lines_sheets(story, lines, budget, delimiter)
    damage = list(dict.fromkeys(doc.damage))
    if st.unplaced and not st.count:
        raise ReadError(Status.UNSUPPORTED if not damage else Status.CORRUPT,
                        join_details([*damage, say(Detail.WORD97_TABLES_UNREAD, n=st.unplaced)]))
    if st.unplaced:
        damage.append(say(Detail.WORD97_MARKS_UNPLACED, n=st.unplaced))
    if st.misfit:
        damage.append(say(Detail.WORD97_ROW_CELLS, n=st.misfit))
    if damage:
        yield Sheet(_name("", st.count + 1), [], damage=damage)


def _word97_story(paragraphs: Iterator[tuple[str, str, word97.Para]], story: str, st: _Doc97, lines: list[str],
                  budget: CellBudget) -> Iterator[Sheet]:
    for text, mark, para in paragraphs:
        if not para.known or (para.depth == 0 and mark == "\x07"):
            st.unplaced += mark == "\x07"
            if not para.known:
                continue
        while len(st.open) > para.depth:  # a nested table ended: a sheet of its own
            yield from _closed97(st.open.pop(), story, st, budget, cut=False)
        while len(st.open) < para.depth:
            st.count += 1
            st.open.append(_Open97(_name(story, st.count)))
        if not st.open:
            lines.append(text)
            continue
        t = st.open[-1]
        if para.row_end:
            if text.strip() or t.paras:  # a row ending without its last cell mark
                t.cells.append(_cell_text(["\n".join([*t.paras, text])]))
                t.paras = []
            if para.width is not None and para.width != len(t.cells):
                st.misfit += 1  # a cell mark lost or made by damage: cells of the row shifted
            merges = para.merges
            t.table.add([(c, 1, merges[i] if i < len(merges) else 0) for i, c in enumerate(t.cells)], budget)
            t.cells = []
        else:
            t.paras.append(text)
            if para.cell_end:
                t.cells.append(_cell_text(["\n".join(t.paras)]))
                t.paras = []


def _closed97(t: _Open97, story: str, st: _Doc97, budget: CellBudget, cut: bool) -> Iterator[Sheet]:
    """A table whose rows have all been read; cells after its last row end (its story ``cut`` inside a row, or a row
    end mark whose properties say a cell: review18h, they were dropped) are a row of their own, said."""
    if t.cells or any(t.paras):
        if cut:
            t.table.sheet.damage.append(say(Detail.DOCUMENT_CUT_IN_TABLE, part=story or "main text", n=len(t.table.rows)))
        else:
            st.misfit += 1  # a row without its end mark: counted with the rows whose cells differ from their definition
        t.table.add([(c, 1, 0) for c in [*t.cells, *([_cell_text(["\n".join(t.paras)])] if any(t.paras) else [])]],
                    budget)
    if t.table.rows or t.table.sheet.damage:  # (a table that held no row makes no sheet: a depth jump of 64 in a
        yield t.table.sheet  # damaged file opened 64 of them a paragraph, review18h)
