"""Objects embedded in Office documents: a client list pasted into a Word report or a PowerPoint as an
Excel object is a spreadsheet like any other, and is examined as a child of its document.

OOXML keeps embedded objects as package parts under ``<main folder>/embeddings/`` (``word/embeddings/
Microsoft_Excel_Worksheet.xlsx``, ``ppt/embeddings/oleObject1.bin``, ``xl/embeddings/...``). The archive
inspector (scanner.inspectors.archive) opens a document whose zip directory names such a part and yields
only those parts, one archive hop deeper, under the archive limits (depth, sizes, bomb guard). A ``.bin``
part is an OLE compound file: one holding a ``Workbook``/``Book`` stream is an .xls and the spreadsheet
inspector reads it as it is; one holding a ``Package`` stream (an .xlsx, or another OOXML document, stored
whole) gives that stream as a child (``... » ppt/embeddings/oleObject1.bin » Package``), and one holding an
``\x01Ole10Native`` stream (a file dropped into the document, wrapped by the Packager) gives that file under
its own name (``... » word/embeddings/oleObject1.bin » 利用者名簿.csv``), so name rules apply to it too.
"""

from __future__ import annotations

import bisect
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO
from urllib.parse import unquote

from ..codes import Reason, Status
from ..contracts import Inspection, ScanContext
from ..details import Detail, say
from ..doctables import EMBEDDING_PART
from ..doctail import SMALLEST_WITH_EMBEDDING, TAIL, bytes_before_zip, tail_window
from ..errors import ReadError
from ..isolation import decoding
from ..models import Entry, Hop, Link, Location, Skipped
from ..package_parts import is_foreign_member
from ..sources.base import Item
from ..textsafe import shown
from .archive_members import ArchiveLimits, ArchiveMemberEntry, error_reason, member_base_name
from .legacy_embedded import (
    OBJECT_CLASSES,
    WHOLE_OBJECT_STREAMS,
    compound_damage,
    native_object,
    open_legacy,
    shows_objects,
)

# OpenDocument files: an embedded object is a sub-document folder (``Object 1/content.xml``: a spreadsheet
# is rebuilt as an .ods of its own) or, for a Microsoft object, a compound file member (``Object 2``)
ODF_EXTS = (".odt", ".odp", ".odg", ".ott", ".otp", ".otg", ".odm", ".ods", ".ots")
ODF_WORKBOOK_EXTS = (".ods", ".ots")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PACKAGE_STREAMS = ("Package", "package", "PACKAGE")
NATIVE_STREAM = "\x01Ole10Native"
_EMBEDDING_NAME = re.compile(rb"(?i:/embeddings/)|Object \d")  # OOXML part folder; ODF object (any)
_ODF_OBJECT_NAME = re.compile(rb"Object \d")
_ODF_OBJECT = re.compile(r"^Object \d+$")  # a Microsoft object stored whole (a compound file)
_ODF_SUBDOCUMENT = re.compile(r"^(Object \d+)/(.+)$")
_SPREADSHEET_BODY = re.compile(rb"<office:spreadsheet[\s>/]")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_SUBDOCUMENT_PARTS = ("content.xml", "styles.xml", "meta.xml")
_EOCD = b"PK\x05\x06"




def is_embedding(path: str) -> bool:
    return EMBEDDING_PART.match(path.replace("\\", "/")) is not None or _ODF_OBJECT.match(path) is not None


@dataclass(frozen=True, slots=True)
class PackageMarks:
    """What a document's zip directory names: an embeddings part (its objects are examined as children), and a
    workbook part (``xl/workbook.xml``: an .xlsx under a document's name, read as the workbook it is)."""

    embeds: bool
    workbook: bool = False
    # no package part at all ([Content_Types].xml, mimetype, META-INF/manifest.xml): a zip archive under a document's
    # name (session 17: a zip renamed 報告.docx / 議事.odt ended as nothing), opened as the archive it is
    plain: bool = False
    # a Word document's main part (word/document.xml): a .docx under a presentation's name holds a table for the
    # spreadsheet inspector's document reader (review17e: a .docx renamed .pptx ended as nothing)
    document: bool = False
    # bytes before the zip (its directory lies that much past where its end record says): a document saved after an
    # HTTP header or a stub, which does not start as a zip (review20w: it ended as nothing)
    before: int = 0


_UNREAD = PackageMarks(True)  # the end could not be read: the worker reads the document again and lists why
# the location of the entry last checked (held here, so its identity is not reused) and its marks: two inspectors
# ask about one file, its end is read once; the entry itself is not held (an archive member's bytes)
_last: list[object] = [None, None]


def has_embeddings(entry: Entry, size: int, limit: int) -> bool:
    """Whether a document's zip directory names an embeddings part, from its last bytes (the directory is
    at the end of a zip): cheap enough for ``wants``. A document with no directory counts when an
    embeddings name shows in its tail (its local headers are then listed). A stream that cannot seek (an
    archive member) is read through, up to ``limit`` bytes (past it, the worker lists it as too large)."""
    return package_marks(entry, size, limit).embeds


def opens_as_archive(entry: Entry, size: int, limit: int) -> bool:
    """``has_embeddings``, or the directory names no package part: a zip archive under a document's name."""
    marks = package_marks(entry, size, limit)
    return marks.embeds or marks.plain


def package_marks(entry: Entry, size: int, limit: int) -> PackageMarks:
    """``has_embeddings`` and whether the directory names a workbook part, from one read of the end (kept for the
    entry: the archive and the spreadsheet inspector both ask)."""
    location = getattr(entry, "location", None)
    if location is not None and _last[0] is location:
        return _last[1]  # type: ignore[return-value]
    marks = _package_marks(entry, size, limit)
    _last[0], _last[1] = location, marks
    return marks


def _package_marks(entry: Entry, size: int, limit: int) -> PackageMarks:
    if size < SMALLEST_WITH_EMBEDDING:  # not opened: too small to hold one (most fake or empty documents)
        return PackageMarks(False)
    ranged = getattr(entry, "read_range", None)  # a remote file (sources.smb): only its end, no whole read
    if ranged is not None:
        try:
            return _marks_at(ranged, size)
        except (ReadError, OSError):
            return _UNREAD
    small = getattr(entry, "read_small", None)  # a local file: one open, no file object (sources.local)
    if small is not None and size <= TAIL:
        got = small(size + 1)
        if got is not None:
            return _marks_in(got[0])
    try:
        with entry.open() as f:
            if f.seekable():
                return _directory_marks(f, size)
            data = f.read(limit + 1)
            return _UNREAD if len(data) > limit else _directory_marks(io.BytesIO(data), len(data))
    except (ReadError, OSError):
        return _UNREAD


def names_embeddings(data: bytes) -> bool:
    """``has_embeddings`` for a document already in memory."""
    return _marks_in(data).embeds


def _marks_in(data: bytes) -> PackageMarks:
    return _directory_marks(io.BytesIO(data), len(data)) if len(data) >= 22 else PackageMarks(False)


def _directory_marks(f: IO[bytes], size: int) -> PackageMarks:
    def read(offset: int, length: int) -> bytes:
        f.seek(offset)
        return f.read(length)

    return _marks_at(read, size)


def _marks_at(read: Callable[[int, int], bytes], size: int) -> PackageMarks:
    """The check over ``read(offset, length)``: the file's last 64 KiB (+22), and only when the zip directory
    starts before them, the directory itself (two reads at most)."""
    start, length = tail_window(size)
    tail = read(start, length)
    marks = _names_in(tail)
    if marks.embeds and marks.workbook:
        return marks
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        # no directory: a cut or damaged document, whose lost part may have held the object; the worker
        # reads what its local headers still give and lists the document as damaged, never as nothing (a
        # small file read whole must begin as a zip: random bytes named .docx are no damaged document)
        return PackageMarks(marks.embeds or start > 0 or tail.startswith(b"PK\x03\x04"), marks.workbook, marks.plain,
                            marks.document)
    cd_size, cd_offset = struct.unpack_from("<II", tail, at + 12)
    if 0xFFFFFFFF in (cd_size, cd_offset):
        return PackageMarks(True, marks.workbook)  # zip64: the worker reads the directory
    if before := bytes_before_zip(tail, start):
        return PackageMarks(marks.embeds, marks.workbook, marks.plain, marks.document, before)  # (its names: the tail's)
    if cd_offset >= start:
        return marks  # the whole directory was in the tail
    more = _names_in(read(cd_offset, min(cd_size, start - cd_offset + 64)))
    return PackageMarks(marks.embeds or more.embeds, marks.workbook or more.workbook, marks.plain and more.plain,
                        marks.document or more.document)


def _names_in(data: bytes) -> PackageMarks:
    """Embeddings and workbook part names in ``data``, by C-level passes: a bytes pattern folds ASCII letters only,
    as ``bytes.lower`` does, and ``Object \\d`` starts with a literal (the alternation made re try every byte:
    ~25 us per 4 KiB document, ~4 us this way; tests/test_embedded.py compares both)."""
    low = data.lower()
    plain = b"PK\x01\x02" in data and not any(part in low for part in _PACKAGE_PARTS)
    return PackageMarks(b"/embeddings/" in low or (b"Object " in data and _ODF_OBJECT_NAME.search(data) is not None)
                        or (not plain and _names_a_foreign_member(data)),
                        b"xl/workbook." in low, plain, b"word/document.xml" in low)


def _names_a_foreign_member(data: bytes) -> bool:
    """Whether a central directory entry in ``data`` names a member that is none of the package's own parts (a
    file hidden in the document, pkg21); an XML part or relationship in a folder (most members) is passed over
    before its name is decoded. Searched from where the end record says the directory starts (the members' bytes
    before it are not searched: ~85 -> ~15 us a document on 1,992 Office/ODF test files)."""
    end = data.rfind(_EOCD)
    start = end - int.from_bytes(data[end + 12:end + 16], "little") if end >= 0 and end + 22 <= len(data) else 0
    at = data.find(b"PK\x01\x02", start if start >= 0 else 0)
    while 0 <= at and at + 46 <= len(data):
        n = int.from_bytes(data[at + 28:at + 30], "little")
        raw = data[at + 46:at + 46 + n]
        if not (raw.endswith((b".xml", b".rels")) and b"/" in raw) and is_foreign_member(
                raw.decode("utf-8" if data[at + 9] & 0x08 else "cp437", "replace")):
            return True
        at = data.find(b"PK\x01\x02", at + 46 + n)
    return False


_PACKAGE_PARTS = (b"[content_types].xml", b"mimetype", b"meta-inf/manifest.xml")  # an OOXML or ODF package's own


def _names_an_embedding(data: bytes) -> bool:
    return _names_in(data).embeds


# hop formats of objects taken out of legacy documents (scanner.inspectors.legacy_embedded): OLE objects too
LEGACY_OBJECT_HOPS = ("doc", "ppt", "rtf", "xls", "access", "flatopc")  # (access: an Access database's OLE objects, access18)


def is_ole_embedding(entry: Entry) -> bool:
    """An embeddings part of a document (by its location), which may be an OLE object."""
    hops = entry.location.containers
    if not hops or hops[-1].kind != "archive":
        return False
    return hops[-1].detail.get("format") in LEGACY_OBJECT_HOPS or is_embedding(entry.location.path)


def expects_ole(entry: Entry) -> bool:
    """An embeddings part that must be an OLE compound file (``oleObject1.bin``, ODF ``Object 2``): one that
    is not is damaged, and is listed rather than passed over."""
    loc = getattr(entry, "location", None)
    if loc is None:
        return False
    hops, path = loc.containers, loc.path
    return bool(hops) and hops[-1].kind == "archive" and (
        _ODF_OBJECT.match(path) is not None or (is_embedding(path) and path.casefold().endswith(".bin")))


def embedded_parts(items: Iterator[Item], depth: int, document: tuple[Location, bytes] | None = None) -> Iterator[Item]:
    """Only the embeddings parts of a document's members (and what is listed about them); an OpenDocument
    spreadsheet object (``Object 1/content.xml`` ...) as one .ods, after the other members. ``document``: its
    location and bytes; if the listing gives no object while a local header names one (a damaged directory
    entry renamed it), the document is listed as corrupt rather than passed as clean."""
    subdocuments: dict[str, list[ArchiveMemberEntry]] = {}
    listed: set[str] = set()
    for item in items:
        if isinstance(item, Link):
            continue
        loc = item.location
        if len(loc.containers) == depth and (is_embedding(loc.path) or _hidden(loc.path)):
            listed.add(loc.path)
            yield item
        elif len(loc.containers) == depth and (found := _ODF_SUBDOCUMENT.match(loc.path)):
            listed.add(found.group(1))
            if isinstance(item, ArchiveMemberEntry) and found.group(2) in _SUBDOCUMENT_PARTS:
                subdocuments.setdefault(found.group(1), []).append(item)
        elif isinstance(item, Skipped) and len(loc.containers) < depth:
            document = None  # the document is listed already
            yield item  # the document's own listing stopped: never dropped
    for folder, members in sorted(subdocuments.items()):
        yield from _subdocument(folder, members)
    lost = _objects_in_local_headers(document[1]) - listed if document is not None else set()
    if lost and document is not None:
        yield Skipped(document[0], Status.CORRUPT, say(Detail.EMBEDDED_LOST_FROM_DIRECTORY, n=len(lost)))


def _hidden(path: str) -> bool:
    """A member hidden in the package (none of its own parts, scanner.package_parts); not one whose damaged name the
    local-header reader replaced (``damaged-name-at-N``: a damaged document's own part, the document listed as such)."""
    return not path.startswith("damaged-name-at-") and is_foreign_member(path)


OFFICE_TRASH = "[trash]/"  # Office's own deleted-part pieces (0xFF 0xFF 0xFF 0xFF, zeros: a SharePoint save, POI's
# Excel_file_with_trash_item.xlsx): examined as children all the same, no lead (review22d: each was a "disguised" lead)
SHOWN_MEMBERS = 8  # foreign members named in the note (their count is said whole)
_MEMBER_SHOWN = 120  # characters of each name shown


def foreign_members(data: bytes) -> list[str]:
    """The members of a document package that are none of its format's own parts (``_hidden``), by the zip directory,
    or by the local headers (whole names only) when the directory cannot be read: each is examined as a child, and the
    document says it holds them (docs22: one holding no person was said nowhere)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except Exception:  # noqa: BLE001 - a damaged directory: the local headers name the members
        names = []
        at, seen = data.find(b"PK\x03\x04"), 0
        while 0 <= at and seen < 100_000:
            n = int.from_bytes(data[at + 26:at + 28], "little")
            flags = int.from_bytes(data[at + 6:at + 8], "little")
            if at + 30 + n <= len(data):
                names.append(data[at + 30:at + 30 + n].decode("utf-8" if flags & 0x800 else "cp437", "replace"))
            at, seen = data.find(b"PK\x03\x04", at + 4), seen + 1
    hidden = list(dict.fromkeys(n for n in names if _hidden(n) and not n.casefold().startswith(OFFICE_TRASH)))
    if not hidden:
        return hidden
    named = _named_parts(data, names)
    return [n for n in hidden if n.replace("\\", "/").casefold() not in named]


_TARGET = re.compile(rb"""<(?:[\w.\-]+:)?Relationship\s[^<>]{0,4000}>""")
_TARGET_VALUE = re.compile(rb"""\bTarget\s*=\s*["']([^"'<>]{1,1000})["']""")
_MANIFEST_PATH = re.compile(rb"""full-path\s*=\s*["']([^"'<>]{1,1000})["']""")
_NAMING_READ = 1 << 20  # bytes of a relationships part or manifest read (they are a few KiB)


def _named_parts(data: bytes, names: list[str]) -> set[str]:
    """The members (casefolded) a package's relationships target or its ODF manifest lists: parts of the document by
    its own structure (Word's altChunk ``word/afchunk.htm``, any part a relationship names), examined as children all
    the same but not said hidden (docs22: real documents stay quiet). Only read when a member is foreign (rare)."""
    named: set[str] = set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in names:
                low = name.casefold()
                if not (low.endswith(".rels") or low == "meta-inf/manifest.xml"):
                    continue
                with zf.open(name) as f:
                    text = f.read(_NAMING_READ)
                if low == "meta-inf/manifest.xml":
                    named.update(_part_key("", m.group(1)) for m in _MANIFEST_PATH.finditer(text))
                    continue
                folder = posixpath.dirname(posixpath.dirname(name.replace("\\", "/")))  # word/_rels/x.rels -> word
                for tag in _TARGET.finditer(text):
                    target = _TARGET_VALUE.search(tag.group(0))
                    if target is not None and b"External" not in tag.group(0):
                        named.add(_part_key(folder, target.group(1)))
    except Exception:  # noqa: BLE001 - relationships that cannot be read name nothing: the members are said hidden
        pass
    return named


def _part_key(folder: str, target: bytes) -> str:
    path = unquote(target.decode("utf-8", "replace")).replace("\\", "/")
    path = path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path)
    return posixpath.normpath(path).casefold()


def foreign_note(names: list[str], n: int | None = None) -> Inspection:
    """A document's lead for the members hidden in it: ``extension-mismatch`` (its content is more than its format's),
    ``package-foreign-member`` naming them (hidden characters, the detail separator and line ends shown as
    ``⟨U+XXXX⟩``: a hostile name cannot forge a detail or a line), and ``annotations.foreign_members`` for the report."""
    count = len(names) if n is None else n  # (with ``n``: ``names`` are shown already, the note carried to a workbook)
    first = names[:SHOWN_MEMBERS] if n is not None else [_member_shown(name) for name in names[:SHOWN_MEMBERS]]
    members = ", ".join(first) + (f", ... ({count - len(first)} more)" if count > len(first) else "")
    return Inspection(reasons=[Reason.EXTENSION_MISMATCH], rules=[FOREIGN_RULE],
                      detail=say(Detail.PACKAGE_FOREIGN_MEMBER, n=count, members=members),
                      annotations={"foreign_members": first, "foreign_members_n": count})


FOREIGN_RULE = "package-foreign-member"  # (matched_rules: the lead's rule; no name rule's)


def _member_shown(name: str) -> str:
    text = shown(name[:_MEMBER_SHOWN]) + ("…" if len(name) > _MEMBER_SHOWN else "")
    return text.replace(";", "⟨U+003B⟩").replace("\n", "⟨U+000A⟩")


def _member_spans(data: bytes) -> list[tuple[int, int, int, int]]:
    """Where each member the zip directory lists lies (its local header to its data's end), by the end record's
    directory; none when the directory cannot be read. A local header inside one of them is that member's content
    (wild23: a deflated .pptx embedded in Tika's testEXCEL_embeded.xlsx keeps its own local headers verbatim in
    stored blocks), no entry of this zip."""
    end = data.rfind(_EOCD)
    if end < 0 or end + 22 > len(data):
        return []
    at = end - int.from_bytes(data[end + 12:end + 16], "little")
    base = at - int.from_bytes(data[end + 16:end + 20], "little")  # bytes before the zip (offsets count from its start)
    spans: list[tuple[int, int, int, int]] = []  # (local header, data's end, data's start, method)
    while 0 <= at and at + 46 <= end and data[at:at + 4] == b"PK\x01\x02":
        size = int.from_bytes(data[at + 20:at + 24], "little")
        start = base + int.from_bytes(data[at + 42:at + 46], "little")
        local = int.from_bytes(data[start + 18:start + 22], "little")
        described = int.from_bytes(data[start + 6:start + 8], "little") & 0x08  # sizes in a data descriptor after
        # (a zip64 size, a wrong offset or a size the local header does not repeat, one of the two damaged: no span)
        if size != 0xFFFFFFFF and data[start:start + 4] == b"PK\x03\x04" and (described or local == size):
            head = 30 + sum(int.from_bytes(data[start + k:start + k + 2], "little") for k in (26, 28))
            method = int.from_bytes(data[at + 10:at + 12], "little")  # the directory's, as zipfile reads it (damage24)
            if method == 0:  # stored: zipfile reads its uncompressed size (a grown compressed one hides what follows)
                size = min(size, int.from_bytes(data[at + 24:at + 28], "little"))
            # only stored data and deflate's stored blocks keep headers verbatim: a member of another method (bzip2,
            # LZMA, Deflate64), or whose local header names another method than the directory, holds none (damage24:
            # a forged local method kept a grown span over a hidden object, the package clean)
            if method in (0, 8) and int.from_bytes(data[start + 8:start + 10], "little") == method:
                spans.append((start, start + head + size, start + head, method))
        at += 46 + sum(int.from_bytes(data[at + k:at + k + 2], "little") for k in (28, 30, 32))
    spans.sort()
    if not spans:  # a directory whose every entry is damaged (the work23 case: no member placed)
        return []
    return [(start, min(stop, following), begin, method) for (start, stop, begin, method), (following, *_) in
            zip(spans, [*spans[1:], (len(data),)], strict=True)]  # no span over the next member's header


def _deflate_end(data: bytes, begin: int, stop: int) -> int:
    """Where the deflate stream starting at ``begin`` ends (``stop`` when it does not end before): a header after it
    lies in no member's content, though inside a compressed size grown in both headers (review23x: an object whose
    directory entry was taken out, hidden so behind the member before it, whose data zlib reads up to its end and
    whose CRC holds). The output is thrown away as it comes (an embedded package inflates to what it is)."""
    inflater = zlib.decompressobj(-15)
    at, out = begin, 0
    try:
        while at < stop and not inflater.eof and out < _DEFLATE_END_MOST:
            piece = inflater.unconsumed_tail or data[at:min(stop, at + (1 << 20))]
            at += 0 if inflater.unconsumed_tail else len(piece)
            out += len(inflater.decompress(piece, 1 << 22))
    except zlib.error:
        return stop  # a damaged stream: its end is unknown, the span stays as the headers give it
    return at - len(inflater.unused_data) if inflater.eof else stop


_DEFLATE_END_MOST = 1 << 30  # inflated bytes thrown away looking for a stream's end (past it: the span as given)


def _objects_in_local_headers(data: bytes) -> set[str]:
    """The embedded parts and object folders the zip's local file headers name (as the listing names them); not
    the headers inside a listed member's data (``_member_spans``)."""
    found: set[str] = set()
    spans = _member_spans(data)
    ended: dict[int, int] = {}  # a deflated span's stream end, once a header inside it is met
    at, seen = data.find(b"PK\x03\x04"), 0
    while 0 <= at and seen < 100_000:
        k = bisect.bisect_left(spans, (at,)) - 1  # the listed member starting last before this header
        stop = spans[k][1] if k >= 0 else 0
        if at < stop and spans[k][3] == 8:  # deflated: its content ends where its stream does
            stop = ended[k] if k in ended else ended.setdefault(k, _deflate_end(data, spans[k][2], stop))
        if at < stop:
            at, seen = data.find(b"PK\x03\x04", stop), seen + 1
            continue
        n = int.from_bytes(data[at + 26:at + 28], "little")
        raw = data[at + 30:at + 30 + n]
        flags = int.from_bytes(data[at + 6:at + 8], "little")
        name = raw.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        if is_embedding(name) or (at + 30 + n <= len(data) and is_foreign_member(name)):  # (a whole name: a cut
            found.add(name)  # document's last header is no member hidden there)
        elif sub := _ODF_SUBDOCUMENT.match(name):
            found.add(sub.group(1))
        at, seen = data.find(b"PK\x03\x04", at + 4), seen + 1
    return found


def _subdocument(folder: str, members: list[ArchiveMemberEntry]) -> Iterator[Item]:
    """An OpenDocument object folder whose content is a spreadsheet, rebuilt as an .ods (its content, styles
    and meta parts under a spreadsheet mimetype) named after the folder; other objects (charts, formulas,
    drawings) hold no table and add nothing. A part that cannot be read lists the object."""
    first = members[0].location
    loc = Location(first.source, folder, first.containers)
    parts: dict[str, bytes] = {}
    try:
        for member in members:
            with member.open() as f:
                parts[member.location.path.split("/", 1)[1]] = f.read()
    except Exception as e:  # noqa: BLE001 - a damaged object is listed, the document's other objects go on
        reason, text = error_reason(e)
        yield Skipped(loc, reason, say(Detail.EMBEDDED_ODF_PROBLEM, why=text))
        return
    content = parts.get("content.xml")
    if content is None or not _SPREADSHEET_BODY.search(content[:1 << 16]):
        return
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", ODS_MIMETYPE)  # stored, first: what an .ods starts with
        for name, data in parts.items():
            z.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
    package = buf.getvalue()
    caps = members[0].caps
    yield ArchiveMemberEntry(loc, member_base_name(folder), members[0].deleted, len(package), None, None, None,
                             lambda: io.BytesIO(package), caps, charged=len(package))


_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
             'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
             'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
             'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')


def open_ole_object(entry: Entry, data: bytes, ctx: ScanContext, caps: ArchiveLimits) -> Inspection:
    """An embedded OLE object: its ``Package`` stream (a whole OOXML file), or the file wrapped in an
    ``\x01Ole10Native`` stream (a file dropped into the document: a CSV, a workbook), as a child; the objects
    embedded in a Word document or a presentation object (``_inner_objects``) as its children; nothing to add for
    another workbook or Word document (the spreadsheet inspector reads the OLE file as an .xls or a .doc) or another
    kind of object (a picture, an equation: no table)."""
    import olefile  # a dependency of msoffcrypto-tool

    decoding("olefile")
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = [s for s in (*PACKAGE_STREAMS, NATIVE_STREAM)
                       if ole.exists(s) and ole.get_type(s) == olefile.STGTY_STREAM]
            inner = None if streams else _inner_objects(ole)
            if not streams and inner is None:
                return _without_content(ole, data)
            if inner is None:
                stream = streams[0]
                size = ole.get_size(stream)
                if size > len(data):  # more than the object holds: its sectors shared or a chain that loops, which
                    # olefile reads round and round (review19o: a 12 KB object read as 100 MB)
                    raise ReadError(Status.CORRUPT, say(Detail.STREAM_OVER_FILE, stream=stream.lstrip(chr(1)),
                                                        size=size, left=len(data)))
                blocked = caps.declared(size, None)
                if blocked:
                    return Inspection(status=blocked[0], detail=say(Detail.OLE_STREAM_BLOCKED,
                                                                    stream=stream.lstrip(chr(1)), why=blocked[1]))
                content = ole.openstream(stream).read(size + 1)
                comp = ole.openstream("\x01CompObj").read(4096) if ole.exists("\x01CompObj") else None
        if inner is not None:
            return open_legacy(entry, data, caps, kind=inner)
        if len(content) != size:
            raise ReadError(Status.CORRUPT, say(Detail.STREAM_SHORT, stream=stream.lstrip(chr(1)), n=len(content), size=size))
        name = stream
        if stream == NATIVE_STREAM:
            name, content = native_object(content, comp)
        caps.budget.charge(len(content))
    except Exception as e:  # noqa: BLE001 - a damaged OLE object is data, not a crash
        reason, text = error_reason(e)
        return Inspection(status=reason, detail=say(Detail.EMBEDDED_OLE_PROBLEM, why=text))
    hop = Hop("archive", entry.location.path, {"format": "ole"})
    child = ArchiveMemberEntry(entry.location.child(hop, name), member_base_name(name), entry.deleted, len(content),
                               None, None, None, lambda: io.BytesIO(content), caps, charged=len(content))
    return Inspection(children=iter([child]))


def objects_kind(data: bytes) -> str | None:
    """``_inner_objects`` of a compound file's bytes (None when its directory cannot be read): a Word document or a
    presentation under a name the archive inspector does not open for objects (報告.dat, 報告.docx, a .doc saved as .msg:
    ole19, its embedded objects were never examined). Parses the directory: called in the worker."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("EncryptedPackage"):  # an encrypted .docx/.xlsx (decrypted or listed by the decrypt route;
                return None  # POI's bug53475 .docx also names a stub WordDocument and ObjectPool: not a .doc)
            return _inner_objects(ole)
    except Exception:  # noqa: BLE001 - a directory that cannot be read: the readers of its content list it
        return None


def nothing_deeper(data: bytes) -> bool:
    """Whether an OLE object is a workbook, Word document or presentation read whole by the spreadsheet inspector that
    holds nothing ``open_ole_object`` would open (no Package or Ole10Native stream, no object in its ObjectPool, no
    embedded object the pre-check of a presentation sees; an .xls's MBD objects are the spreadsheet inspector's, which
    checks the depth itself): at the archive depth limit it is not listed ``too-deep`` (review19o: POI's
    WithEmbeddedObjects.xls's third Word level, read whole and holding no object, was "not opened"). A directory that
    cannot be read: False (listed). Parses the directory: called in the worker."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not any(ole.exists(s) and ole.get_type(s) == olefile.STGTY_STREAM for s in WHOLE_OBJECT_STREAMS):
                return False
            if any(ole.exists(s) for s in (*PACKAGE_STREAMS, NATIVE_STREAM)):
                return False
            kind = _inner_objects(ole)
            if kind == "doc":  # an ObjectPool: empty (Word leaves one after its objects are deleted) and undamaged
                return not any(len(e) > 1 and e[0] == "ObjectPool" for e in ole.listdir(streams=True, storages=True)
                               ) and not compound_damage(ole, data)
    except Exception:  # noqa: BLE001 - a directory that cannot be read: listed as before
        return False
    return kind is None or not shows_objects(data, kind)


def _inner_objects(ole: object) -> str | None:
    """"doc" for a Word document holding an ObjectPool, "ppt" for a presentation (its objects are records of its
    PowerPoint Document stream), else None: an object embedded in an object (POI's WithEmbeddedObjects.xls: a Word
    document inside a Word document inside a workbook) is read as the parent's were."""
    if ole.exists("WordDocument") and ole.exists("ObjectPool"):  # type: ignore[attr-defined]
        return "doc"
    if ole.exists("PowerPoint Document"):  # type: ignore[attr-defined]
        return "ppt"
    return None


def _without_content(ole: object, data: bytes) -> Inspection:
    """An OLE object with no Package or dropped-file stream: nothing to add, unless it is damaged: its
    directory lists no stream at all, its directory is damaged (entries not reached, a loop, a link olefile
    read past: ``compound_damage``), or its CompObj stream names a workbook or a package while no such
    stream is there (a flipped bit in its directory loses them), then it is listed as corrupt."""
    entries = ole.listdir()  # type: ignore[attr-defined]
    if not entries:
        return Inspection(status=Status.CORRUPT, detail=say(Detail.OLE_NO_STREAM))
    if any(ole.exists(s) for s in WHOLE_OBJECT_STREAMS):  # type: ignore[attr-defined]
        return Inspection()  # an .xls or a Word document: the spreadsheet inspector reads it
    damage = compound_damage(ole, data)
    if damage:
        return Inspection(status=Status.CORRUPT, detail=say(Detail.EMBEDDED_OLE_PROBLEM, why=damage))
    if ole.exists("\x01CompObj"):  # type: ignore[attr-defined]
        comp = ole.openstream("\x01CompObj").read(4096)  # type: ignore[attr-defined]
        named = next((c for c in OBJECT_CLASSES if c in comp), None)
        if named is not None:
            return Inspection(status=Status.CORRUPT, detail=say(Detail.OLE_COMPOBJ_NO_STREAM,
                                                                             named=named.decode()))
    return Inspection()
