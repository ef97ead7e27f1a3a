"""Archives met while walking any source (.zip, .7z, .tar and compressed tars): members become entries.

An archive is a container like an image or a share: its members are Entry objects one hop deeper
(``/share/backup_2017.zip » 介護予防_利用者名簿.xlsx``) and go through the same pipeline, so name rules,
hashes and spreadsheet inspection run on them unchanged. Everything stays in memory (member names are
display text, never paths on disk), and every byte inflated is counted against two caps, so a zip
bomb is refused instead of filling memory: ``max_archive_ratio`` (inflated / compressed) and
``max_archive_total`` (all bytes inflated from one top-level archive, nested ones included).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Literal

from .. import doctail
from ..codes import Status
from ..config import ScanConfig
from ..contracts import Inspection, ScanContext
from ..details import Detail, encodable, join_details, say
from ..errors import ReadError
from ..fingerprint import hash_bytes
from ..isolation import decoding
from ..models import Entry, Hop, Link, Skipped
from ..olefiles import held_ole
from ..sources.base import Item
from ..sources.memo_beside import lone_memo_members
from ..sources.series_join import joined_in_folders
from ..sources.split_series import TAIL_TEXT, Series, Splice, part_number
from ..tables import damaged_head, signature_damaged, sniff_format
from . import archive_formats as fmt
from . import embedded, sfx
from . import legacy_embedded as legacy
from .archive_members import (
    ARCHIVE_EXTS,
    CPIO_ASCII_MAGIC,
    CPIO_BINARY_MAGIC,
    DOCUMENT_EXTS,
    DOCUMENT_MARKERS,
    GZIP_MAGIC,
    LZ4_LEGACY_MAGIC,
    LZ4_MAGIC,
    NOT_ARCHIVE_EXTS,
    PLAIN_ZIP_EXTS,
    SEVENZ_MAGIC,
    UNSUPPORTED_EXTS,
    UNSUPPORTED_MAGIC,
    XZ_MAGIC,
    ZIP_EMPTY_MAGIC,
    ZIP_MAGIC,
    ZSTD_MAGIC,
    ArchiveLimits,
    InflateBudget,
    SplitPart,
    archive_depth,
    error_reason,
    lzma_alone,
    spanned_parts,
    split_part,
    unsafe_member_name,
    v7_tar,
    zstd_after_skippable,
)

# what tables.sniff_format calls a zip that is a workbook (or what is left of one)
WORKBOOK_ZIPS = frozenset({"xlsx", "xlsb", "ods", "ooxml-no-workbook"})


def _ext_of(name: str, exts: tuple[str, ...]) -> bool:
    return name.casefold().endswith(exts)  # one C call over the tuple: this runs for every file walked


def _last_ext(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].casefold() if dot > 0 else ""


def sniff(head: bytes) -> str | None:
    """Archive format by the first bytes: zip, 7z, tar (ustar), cpio, compressed (gzip, bzip2, xz) or None."""
    if head.startswith((ZIP_MAGIC, ZIP_EMPTY_MAGIC)):
        return "zip"
    if head.startswith(SEVENZ_MAGIC):
        return "7z"
    if head[257:262] == b"ustar" or v7_tar(head):
        return "tar"
    if head.startswith(CPIO_ASCII_MAGIC) or _binary_cpio(head):
        return "cpio"
    if (head.startswith((GZIP_MAGIC, XZ_MAGIC, ZSTD_MAGIC, LZ4_MAGIC, LZ4_LEGACY_MAGIC)) or (head[:3] == b"BZh" and head[4:10] == b"1AY&SY")
            or zstd_after_skippable(head)):
        return "compressed"  # whatever the name: a backup.dat or a file with no extension is still read
    if lzma_alone(head):
        return "compressed"  # legacy .lzma with its usual header (Session 14: was listed unsupported)
    return None


_UNSUPPORTED_FIRST = tuple(magic for offset, magic, _ in UNSUPPORTED_MAGIC if offset == 0)
_UNSUPPORTED_AT_START = len(_UNSUPPORTED_FIRST) == len(UNSUPPORTED_MAGIC)  # (one at an offset: each is compared)


def sniff_unsupported(head: bytes) -> str | None:
    """The name of an archive or compression format no installed library reads (RAR, CAB, LZH, zstd ...),
    by its magic, or None."""
    if head.startswith(_UNSUPPORTED_FIRST) or not _UNSUPPORTED_AT_START:  # one C call for most heads (every file
        for offset, magic, name in UNSUPPORTED_MAGIC:                      # asked: a .jar's thousands of classes)
            if head[offset:offset + len(magic)] == magic:
                return name
    if len(head) >= 21 and head[2:4] == b"-l" and head[6:7] == b"-" and head[4:6] in _LZH_METHODS:
        return "LZH"
    return None


_LZH_METHODS = frozenset({b"h0", b"h1", b"h2", b"h3", b"h4", b"h5", b"h6", b"h7", b"hd", b"zs", b"z4", b"z5"})


def _binary_cpio(head: bytes) -> bool:
    """Old binary cpio: a 2-byte magic is weak, so the first header must also hold together (a name
    length that fits, a NUL-terminated name right after the 26-byte header)."""
    if len(head) < 28 or head[:2] not in CPIO_BINARY_MAGIC:
        return False
    order: Literal["little", "big"] = "little" if head[:2] == b"\xc7\x71" else "big"
    namesize = int.from_bytes(head[20:22], order)
    name = head[26:26 + namesize]
    return 1 < namesize <= 4096 and len(name) == namesize and name.endswith(b"\x00") and b"\x00" not in name[:-1]


def _first_zip_member(head: bytes) -> str:
    """Name of the first local file header (OOXML writes [Content_Types].xml first, ODF mimetype)."""
    if not head.startswith(ZIP_MAGIC) or len(head) < 30:
        return ""
    n = int.from_bytes(head[26:28], "little")
    return head[30:30 + n].decode("cp437")


_ZIP_WORKBOOK_EXTS = (*doctail.WORKBOOK_EXTS, ".ods", ".ots")
_PACKAGE_PART = re.compile(rb"\[Content_Types\]\.xml|mimetypeapplication/vnd\.oasis\.opendocument")


def holds_archive(data: bytes, name: str, fmt: str | None = None) -> bool:
    """Whether a file some other inspector wants by its name (``list.csv``, ``顧客.xlsx``, ``old.xls``) is an
    archive or a compressed file by its content: a zip that is no workbook or document package, a 7z, a
    tar, a cpio, a gzip/bzip2/xz stream. Such a file is opened as the archive it is (its members examined)
    whatever its name; an Office or OpenDocument package stays the document it is. A damaged zip named as a
    zip-based workbook (``.xlsx``, ``.ods``) stays a damaged workbook. ``fmt``: ``tables.sniff_format`` of
    ``data`` when the caller has it (a zip is parsed to tell)."""
    kind = sniff(data[:512])
    if kind is None:
        return False
    if kind != "zip":
        return True
    if _first_zip_member(data[:512]) in DOCUMENT_MARKERS:
        return False  # a workbook or document package (nearly every writer puts its marker first)
    fmt = fmt or sniff_format(data)
    return fmt == "zip-other" or (fmt == "zip-corrupt" and not _ext_of(name, _ZIP_WORKBOOK_EXTS)
                                  and _PACKAGE_PART.search(data) is None)


# what bytes under an archive's name that hold no archive are, by ``tables.sniff_format`` (a word for the listing)
_CONTENT_WORDS = {"text": "text", "html": "an HTML page", "mhtml": "a MIME web page or message", "xml": "XML",
                  "spreadsheetml": "an Excel XML spreadsheet", "json": "JSON", "sqldump": "an SQL script",
                  "sqlite": "an SQLite database", "sylk": "a SYLK spreadsheet", "dif": "a DIF spreadsheet",
                  "vcard": "vCards",
                  "ole-other": "an OLE2 compound file", "ole-corrupt": "a damaged OLE2 compound file",
                  "binary": "unidentified binary data"}


def _not_an_archive(entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
    """Bytes under an archive's name with no archive at their start, appended or after a program: read by the scan's
    inspectors of what they are (session 17: a person CSV, a database, a page, a mail or a PDF renamed 名簿.zip /
    .7z / .gz was listed "not an archive" and never read), the first that finds something; else listed corrupt with
    what they are. (The walk's disguise check leaves archive names to this inspector: a table with a zip appended,
    ``cat list.csv photos.zip > photos.zip``, is a zip found past its text, split15.)"""
    found = sniff_format(data)
    readers = ("pdf",) if data.startswith(b"%PDF-") else ("spreadsheet", "mail")
    for name in readers:
        reader = next((i for i in ctx.inspectors if i.name == name), None)
        if reader is None:
            continue
        read = reader.inspect(entry, data, ctype, ctx)
        if read.reasons or read.status != Status.OK or read.pii is not None or not (
                isinstance(read.children, tuple) and not read.children):
            return read
    what = "a PDF document" if data.startswith(b"%PDF-") else _CONTENT_WORDS.get(found, found)
    return Inspection(status=Status.CORRUPT, detail=say(Detail.NOT_AN_ARCHIVE_IS, what=what))


class ArchiveInspector:
    """Opens archives and hands their members back to the pipeline as children."""

    name = "archive"
    # wants_name as data (scanner.prefilter); documents that may embed objects (OOXML, OpenDocument, legacy
    # Word and PowerPoint, RTF) are looked at for them; a workbook's embedded parts come from the spreadsheet
    # inspector, which reads it whole anyway
    skip_extensions = ((NOT_ARCHIVE_EXTS | frozenset(DOCUMENT_EXTS))
                       - frozenset(doctail.OOXML_EXTS + embedded.ODF_EXTS + legacy.LEGACY_EXTS)) | frozenset(
        doctail.WORKBOOK_EXTS + embedded.ODF_WORKBOOK_EXTS)
    looks_past_magic = True  # a tar's header at 257, whatever its first member's name (contracts)
    reads_beyond_bytes: frozenset[str] = frozenset()  # (contracts) parts (X.z01) end in digits; embedded parts
    # (``expects_ole``) are in containers, never in a local folder

    def __init__(self, config: ScanConfig) -> None:
        self.config = config

    def wants_name(self, name: str) -> bool:
        """Name-only pre-check for the pipeline: documents (but OOXML ones, which may embed workbooks) and
        other known types are never sniffed; workbooks are read by the spreadsheet inspector, which yields
        their embedded parts."""
        return _last_ext(name) not in self.skip_extensions

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool:
        if not self.wants_name(entry.name):
            return False
        if _ext_of(entry.name, doctail.OOXML_EXTS + embedded.ODF_EXTS):  # opened only for embedded objects, or
            return embedded.opens_as_archive(entry, size, self.config.max_inspect_bytes)  # as a zip renamed so
        if legacy.kind_of(entry.name):  # .doc/.ppt/.rtf: only when a few of its bytes show an object
            return legacy.may_embed(entry, size, self.config.max_inspect_bytes, lambda h: sniff(h) is not None)
        if _ext_of(entry.name, ARCHIVE_EXTS + UNSUPPORTED_EXTS):
            return True
        part = _part_of(entry, head) if split_part(entry.name) is not None else None
        if part is not None:  # X.z01, X.zip.002: listed whatever their bytes (no magic but the first)
            series = getattr(entry, "series", None)
            if series is not None and series.complete:  # read joined, under the first part's name (Session 11)
                return bool(getattr(entry, "joined", False))
            return True
        if _ext_of(entry.name, sfx.PE_EXTS):  # a self-extractor: an archive after the program's own bytes
            return self._self_extracting(entry, size, head())
        if _ext_of(entry.name, sfx.STUB_EXTS) and not head().startswith(b"MZ"):  # a stub that is no program
            return self._after_stub(entry)
        if size < 22:  # smaller than an empty zip
            return False
        h = head()
        if h.startswith(embedded.OLE_MAGIC):
            return embedded.is_ole_embedding(entry)
        if embedded.expects_ole(entry):
            return True  # an OLE object part without a compound-file header: listed by ``inspect``
        kind = sniff(h)
        if kind is None and (damaged := signature_damaged(h[:64])) is not None and damaged[0] == ZIP_MAGIC:
            kind, h = "zip", ZIP_MAGIC + h[4:]  # its signature damaged: read restored (review18d: a .jar so damaged
            # ended as nothing, under other names the spreadsheet inspector takes it)
        if kind is None:
            return sniff_unsupported(h) is not None
        if kind == "zip" and _first_zip_member(h) in DOCUMENT_MARKERS:  # a document under another name: its objects,
            return _ext_of(entry.name, PLAIN_ZIP_EXTS) or embedded.has_embeddings(  # or under a Java archive's name
                entry, size, self.config.max_inspect_bytes)  # its tables too (docs18: an .xlsx/.docx named .jar: nothing)
        return True

    def _self_extracting(self, entry: Entry, size: int, head: bytes) -> bool:
        """Whether a program has an archive appended: its headers (in the head the walk read) say whether anything
        follows its sections and signature; only then are a few KiB of that overlay and of the end read. A stream
        that cannot seek (an archive member) is read through to them (review10g: it was taken for an ordinary
        program, and a copy inside was silent)."""
        over = sfx.overlay(head, size)
        if over is None:
            return False
        try:
            ranged = getattr(entry, "read_past_head", None)  # a file in an image: its open gives the head only
            if ranged is not None:
                return sfx.find(over, size, ranged) is not None
            with entry.open() as f:
                if f.seekable():

                    def read(at: int, n: int) -> bytes:
                        f.seek(at)
                        return f.read(n)

                    return sfx.find(over, size, read) is not None
                return sfx.find(over, size, sfx.forward_reader(f)) is not None  # read through, a few KiB kept
        except (OSError, ReadError):  # the overlay could not be read: the worker reads it again and says why
            return True

    def _after_stub(self, entry: Entry) -> bool:
        """Whether a ``.sfx`` whose stub is no program holds an archive signature in its first STUB_SEARCH bytes
        (rarfile's self-extractors: zeros, then a RAR; they ended as nothing, fix15a)."""
        try:
            with entry.open() as f:
                return sfx.find_after_stub(f.read(sfx.STUB_SEARCH)) is not None
        except (OSError, ReadError):  # could not be read: the worker reads it again and says why
            return True

    # a zip signature then noise (fake documents: 3,000 of a 20,000-file share) is settled by a byte search over
    # the whole file (pipeline.Dispatcher._settles_here), not in a worker
    settle_bytes = 1 << 16

    def settles_here(self, data: bytes) -> bool:
        """A zip with no directory and no local header naming a member (``zip_names_no_member``): ``inspect``
        lists it corrupt from these bytes alone, no decoder runs."""
        return fmt.zip_names_no_member(data)

    def caps_for(self, entry: Entry) -> ArchiveLimits:
        return limits_for(self.config, entry)

    def inspect(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
        with held_ole(data):  # a compound file olefile fails on is parsed once (its sniff, then its objects)
            return self._inspect_held(entry, data, ctype, ctx)

    def _inspect_held(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
        damaged = signature_damaged(data[:64])
        if damaged is None or damaged[0] != ZIP_MAGIC:
            return self._inspect(entry, data, ctype, ctx)
        # a zip whose local header signature has a byte changed (``tables.signature_damaged``): opened restored, a
        # copy in memory (review18d: a .zip/.jar so damaged had its members unread or ended as nothing, a
        # .docx lost its embedded workbook), listed ``corrupt`` ``head-restored``
        found = self._inspect(entry, ZIP_MAGIC + data[4:], ctype, ctx)
        said = say(Detail.HEAD_RESTORED, format="zip", n=damaged[1], size=4)
        found.status = Status.CORRUPT if found.status in (Status.OK, Status.UNSUPPORTED) else found.status
        found.detail = join_details((said, found.detail)) if found.detail else said
        return found

    def _inspect(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
        cfg = self.config
        depth = archive_depth(entry.location)
        if depth >= cfg.archive_depth:
            if data.startswith(embedded.OLE_MAGIC) and embedded.is_ole_embedding(entry) and embedded.nothing_deeper(data):
                return Inspection()  # a workbook or Word document object read whole, holding no object: nothing unread
            return Inspection(status=Status.TOO_DEEP,
                              detail=say(Detail.INSIDE_ARCHIVES, depth=depth, limit=cfg.archive_depth))
        joined = bool(getattr(entry, "joined", False))  # the first part of a whole split series: the joined archive
        series = getattr(entry, "series", None)
        part = None if joined else _part_of(entry, lambda: data[:4])
        problem = series.problem() if part is not None and series is not None else ""
        splice = getattr(entry, "splice", None)
        if part is not None and splice is not None and series is not None and not series.plain:
            return self._with_gaps(entry, data, ctx, part, series, splice)
        run = series.run_of(entry.name) if part is not None and series is not None and problem else None
        if part is not None and run is not None and run.first != part.number:  # read in its series' row (split12)
            return Inspection(status=Status.UNSUPPORTED, detail=say(
                Detail.SPLIT_SERIES_PARTLY, n=part.number, kind=part.kind, whole=part.whole, problem=problem,
                seen=say(Detail.SPLIT_READ_WITH, first=run.first)))
        if joined and series is not None and sniff(data[:512]) == "7z" and not series.spanned:
            at = fmt.seven_zip_header_at(data)  # the last part lost: a series complete by its names is cut
            if at is not None and at + int.from_bytes(data[20:28], "little") > len(data) and series.sizes[0]:
                return Inspection(status=Status.CORRUPT, detail=say(Detail.SPLIT_7Z_HEADER_ABSENT, at=at,
                                                                    part=at // series.sizes[0] + 1))
        if part is not None and (part.number > 1 or part.kind == "spanned zip" or sniff(data[:512]) is None):
            return Inspection(status=Status.UNSUPPORTED, detail=part.detail(entry.name, problem=problem))
        if sniff(data[:512]) is None:
            other = sniff_unsupported(data[:512])
            if other is not None:
                return Inspection(status=Status.UNSUPPORTED,
                                  detail=say(Detail.ARCHIVE_NO_LIBRARY, format=other))
            if _ext_of(entry.name, UNSUPPORTED_EXTS):
                return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.ARCHIVE_MEMBERS_NOT_EXAMINED,
                                                                                    ext=_last_ext(entry.name)))
        if fmt.zip_names_no_member(data):  # nothing a reader could give (the check ``settles_here`` makes)
            return Inspection(status=Status.CORRUPT, detail=fmt.NO_MEMBER)
        if ((_ext_of(entry.name, ARCHIVE_EXTS + UNSUPPORTED_EXTS + PLAIN_ZIP_EXTS) or legacy.kind_of(entry.name))
                and ((data.startswith(ZIP_MAGIC) and sniff_format(data) in WORKBOOK_ZIPS)
                     or (data.startswith(embedded.OLE_MAGIC) and sniff_format(data) in ("xls", "ole-encrypted")))):
            # a workbook saved or renamed as .zip (or .7z, .gz, .rar, .doc, .ppt ...: review16a): its parts are no
            # archive members (no table among them), an .xls no Word document, so it is read by the scan's
            # spreadsheet inspector as the workbook it is, never passed as a clean archive or document; a
            # password-protected package too (listed encrypted there, session 17: it ended as nothing)
            reader = next((i for i in ctx.inspectors if i.name == "spreadsheet"), None)
            if reader is not None:
                return reader.inspect(entry, data, ctype, ctx)
        caps = self.caps_for(entry)
        if legacy.kind_of(entry.name) and (data.startswith((legacy.OLE_MAGIC, legacy.RTF_MAGIC))
                                           or damaged_head(data) == "ole-corrupt"):
            return legacy.open_legacy(entry, data, caps)
        if data.startswith(embedded.OLE_MAGIC) and embedded.is_ole_embedding(entry):
            return embedded.open_ole_object(entry, data, ctx, caps)
        if embedded.expects_ole(entry) and sniff(data[:512]) is None:
            return Inspection(status=Status.CORRUPT, detail=say(Detail.OLE_NO_HEADER))
        kind = sniff(data[:512]) or fmt.guess_by_name(entry.name, data)
        start = 0
        stub = _ext_of(entry.name, sfx.STUB_EXTS) and not data.startswith(b"MZ")
        if kind is None and (_ext_of(entry.name, sfx.PE_EXTS) or stub):
            found = sfx.find_after_stub(data) if stub else sfx.find_in(data)
            if found is None:  # an ordinary program after all (taken when its overlay could not be probed)
                return Inspection()
            if found.kind not in fmt.OPENERS:
                return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.SFX_NO_LIBRARY, format=found.kind))
            kind, start = found.kind, found.offset if found.kind != "zip" else 0  # zip: its directory says
        if kind is None:
            return _not_an_archive(entry, data, ctype, ctx)
        detail: dict[str, Any] = {"format": "tar" if kind == "compressed" else kind}  # a lone .gz/.bz2/.xz: tar
        if _ext_of(entry.name, sfx.PE_EXTS) or stub:
            detail["self_extracting"] = True
        if joined and series is not None:
            detail["joined_parts"] = len(series.parts)
            detail["parts"] = pieces_named(series.parts, series.sizes, data)
            if series.spanned:
                detail["spanned"] = True
        if entry.location.raw_path_hex:
            detail["raw_path_hex"] = entry.location.raw_path_hex
        hop = Hop("archive", entry.location.path, detail)
        decoding(fmt.LIBRARIES.get(kind, kind))
        try:
            opened = fmt.OPENERS[kind](entry, data[start:] if start else data, ctx, caps, hop)
        except Exception as e:  # noqa: BLE001 - a broken archive is data, not a crash
            reason, text = error_reason(e)
            if end := _zip_end_absent(joined, series, kind, data):  # a series whose last part is not here
                return Inspection(status=Status.CORRUPT, detail=join_details(
                    (say(Detail.ARCHIVE_PROBLEM, kind=kind, why=text), end)))
            if part is not None:  # the first part of a split archive: no directory of its own, said as such
                return Inspection(status=Status.UNSUPPORTED, detail=join_details(
                    (part.detail(entry.name, problem=problem), say(Detail.SPLIT_PART_ALONE, kind=kind, why=text))))
            return Inspection(status=reason, detail=say(Detail.ARCHIVE_PROBLEM, kind=kind, why=text))
        children = lone_memo_members(joined_in_folders(guard_listing(opened.items(), entry, kind), caps.member_memory))
        spans = spanned_parts(data) if kind == "zip" else 1
        if part is not None and opened.status != Status.OK:  # X.zip.001 read from its local headers
            return Inspection(status=Status.UNSUPPORTED, detail=part.detail(entry.name, examined=True, problem=problem),
                              children=children, annotations=opened.annotations)
        if spans > 1 and not (joined and series is not None and series.spanned and spans == len(series.parts)):
            # the last part of a spanned zip (X.zip beside X.z01 ...) not joined: members on other parts unread
            parts = ", ".join(f"{entry.name[:-4]}.z{k:02d}" for k in range(1, min(spans, 4))) + (" ..." if spans > 4 else "")
            return Inspection(status=Status.UNSUPPORTED,
                              detail=say(Detail.SPANNED_LAST, n=spans, parts=parts, name=entry.name),
                              children=children, annotations=opened.annotations)
        if end := _zip_end_absent(joined, series, kind, data):  # read from its local headers: the last part's
            return Inspection(status=Status.CORRUPT, detail=join_details(  # members unread, the part maybe lost
                tuple(d for d in (opened.detail, end) if d)), children=children, annotations=opened.annotations)
        if opened.is_document and not _ext_of(entry.name, ARCHIVE_EXTS):
            # an Office/OpenDocument file (by name or content): a document, not an archive; only the objects
            # embedded in it are examined (scanner.inspectors.embedded)
            depth = len(entry.location.containers) + 1
            # a document whose zip is damaged (members read from their local headers) is listed as such
            result = Inspection(status=opened.status, detail=opened.detail,
                                children=embedded.embedded_parts(children, depth, (entry.location, data)))
            if kind == "zip" and (hidden := embedded.foreign_members(data)):  # said on the document (docs22)
                add_note(result, embedded.foreign_note(hidden))
        else:
            result = Inspection(status=opened.status, detail=opened.detail, children=children,
                                annotations=opened.annotations)
        if kind == "zip" and _ext_of(entry.name, ARCHIVE_EXTS + UNSUPPORTED_EXTS + PLAIN_ZIP_EXTS):
            return _with_document_tables(result, entry, data, ctx)
        return result


    def _with_gaps(self, entry: Entry, data: bytes, ctx: ScanContext, part: SplitPart, series: Series,
                   splice: Splice) -> Inspection:
        """An archive series with parts missing (split12): its present parts each at its place, the missing ones
        as zeros (``Splice.holes``), so its directory and offsets hold: the members wholly in the parts present are
        examined, one across a gap fails its check (zip CRC, 7z digests). Always listed ``unsupported`` with the
        series' problem; a 7z whose header lies in a missing part is said so."""
        kind = "7z" if series.whole.casefold().endswith(".7z") else "zip"
        zeros = max(0, len(data) - sum(series.sizes))

        def listed(seen: str, why: str = "") -> str:
            said = say(Detail.SPLIT_SERIES_PARTLY, n=part.number, kind=part.kind, whole=part.whole,
                       problem=series.problem(), seen=seen)
            return join_details((said, say(Detail.ARCHIVE_PROBLEM, kind=kind, why=why))) if why else said  # codes kept

        gaps = say(Detail.SPLIT_GAPS_ZEROED, n=zeros)
        if kind == "7z":
            at = fmt.seven_zip_header_at(data)
            where = at // splice.cut + 1 if at is not None and splice.cut else 0
            if where and where not in {part_number(n) for n in splice.names}:  # in a part not here: nothing to list
                return Inspection(status=Status.UNSUPPORTED,
                                  detail=listed(say(Detail.SPLIT_7Z_HEADER_ABSENT, at=at, part=where)))
        sizes = [series.sizes[series.parts.index(n)] if n in series.parts else 0 for n in splice.names]
        hop = Hop("archive", entry.location.path, {
            "format": kind, "joined_parts": len(splice.names), "gaps_zeroed": zeros,
            "parts": pieces_named(splice.names, sizes, data, [(part_number(n) - 1) * splice.cut for n in splice.names])})
        decoding(fmt.LIBRARIES.get(kind, kind))
        try:
            opened = fmt.OPENERS[kind](entry, data, ctx, self.caps_for(entry), hop)
        except Exception as e:  # noqa: BLE001 - a broken archive is data, not a crash
            return Inspection(status=Status.UNSUPPORTED, detail=listed(say(Detail.SPLIT_NOT_EXAMINED),
                                                                       error_reason(e)[1]))
        children = lone_memo_members(joined_in_folders(guard_listing(opened.items(), entry, kind),
                                                      self.caps_for(entry).member_memory))
        return Inspection(status=Status.UNSUPPORTED, detail=listed(gaps), children=children,
                          annotations=opened.annotations)


def add_note(found: Inspection, note: Inspection) -> None:
    """``note``'s reasons, rules and annotations onto ``found``, its detail said after ``found``'s own (codes kept)."""
    found.reasons, found.rules = [*found.reasons, *note.reasons], [*found.rules, *note.rules]
    if note.annotations:
        found.annotations = {**(found.annotations or {}), **note.annotations}
    if note.detail:
        found.detail = join_details((found.detail, note.detail)) if found.detail else note.detail


def _with_document_tables(found: Inspection, entry: Entry, data: bytes, ctx: ScanContext) -> Inspection:
    """``found`` (its members or embedded objects) with the tables of the Word or OpenDocument package it is, when its
    archive's name is one the spreadsheet inspector never takes (報告.docx renamed .zip, .7z, .jar: docs18, its person
    table was never read); their status said beside the members' (a damaged table and a damaged member both listed)."""
    reader = next((i for i in ctx.inspectors if i.name == "spreadsheet"), None)
    read = getattr(reader, "document_tables", None)
    tables = read(entry, data) if read is not None else None
    if tables is None:
        return found
    found.reasons, found.rules = [*tables.reasons, *found.reasons], [*tables.rules, *found.rules]
    found.pii, found.records = tables.pii, tables.records
    if tables.annotations:
        found.annotations = {**(found.annotations or {}), **tables.annotations}
    if tables.status != Status.OK:
        if found.status == Status.OK:
            found.status, found.detail = tables.status, tables.detail
        else:
            found.detail = join_details((tables.detail, found.detail))
    elif tables.detail:
        found.detail = join_details((tables.detail, found.detail)) if found.detail else tables.detail
    return found


PIECES_NAMED = 64  # pieces of a joined series named in its hop with their digests (the hop is on every member's row)


def pieces_named(names: tuple[str, ...] | list[str], sizes: tuple[int, ...] | list[int], data: bytes,
                 starts: list[int] | None = None) -> list[dict[str, str | int]]:
    """Every piece of a series read joined, as its archive's hop names it (split15): its name, size and own digests
    (MD5, SHA-1, SHA-256 of its bytes, taken from the joined bytes: piece k at ``starts[k]``, else one after the
    other), so a piece's digest matches a hash list and the row says which pieces were read; a piece whose bytes
    are not all in ``data`` has no digests. The first PIECES_NAMED pieces. Total."""
    out: list[dict[str, str | int]] = []
    try:
        at = 0
        for k, (name, size) in enumerate(zip(names, sizes, strict=True)):
            if k >= PIECES_NAMED:
                break
            start = starts[k] if starts is not None else at
            at += size
            piece: dict[str, str | int] = {"name": encodable(name), "size": size}
            if size and start + size <= len(data):
                d = hash_bytes(data[start:start + size])
                piece.update(md5=d.md5, sha1=d.sha1, sha256=d.sha256)
            out.append(piece)
    except Exception:  # noqa: BLE001 - a note beside the row: never raises
        return out
    return out


def _zip_end_absent(joined: bool, series: Series | None, kind: str | None, data: bytes) -> str:
    """A joined zip series complete by its names (``X.zip.001`` up to the last one here, no gap, no short part) with
    no end of central directory in its last 64 KiB: its last part may be missing (nothing in the part numbers shows
    it: Session 13); "" otherwise. Total."""
    try:
        if not joined or series is None or series.spanned or series.plain or kind != "zip":
            return ""
        if data.rfind(b"PK\x05\x06", max(0, len(data) - TAIL_TEXT)) >= 0:
            return ""
        return say(Detail.SPLIT_ZIP_END_ABSENT, n=len(series.parts), last=series.parts[-1])
    except Exception:  # noqa: BLE001 - a failure path never raises
        return ""


_SPANNING_MARK = b"PK\x07\x08"  # the first part of a spanned zip starts with it (APPNOTE 8.5.3)


def _part_of(entry: Entry, head: Callable[[], bytes]) -> SplitPart | None:
    """The part of a split or spanned archive ``entry`` is, from its name and what its folder said: ``X.zNN`` is a
    part only beside ``X.zip`` (a ``.z80`` snapshot or a ``.z64`` ROM alone is none), or, alone, when it is the
    first part (its spanning mark); where the folder is not known (an archive member, a file in an image, on a
    share) by its name, as before (Session 11)."""
    part = split_part(entry.name)
    if part is None or part.kind != "spanned zip":
        return part
    beside = getattr(entry, "zip_beside", None)
    if beside is False and not (part.number == 1 and head()[:4] == _SPANNING_MARK):
        return None
    return part


def limits_for(config: ScanConfig, entry: Entry) -> ArchiveLimits:
    """The limits an archive (or a document's objects) is opened under: the top-level archive's budget is
    shared by everything nested in it."""
    parent_caps = getattr(entry, "caps", None)
    budget = parent_caps.budget if isinstance(parent_caps, ArchiveLimits) else InflateBudget(config.max_archive_total)
    return ArchiveLimits(config.max_archive_ratio, budget, config.max_inspect_bytes)


def guard_listing(items: Iterator[Item], entry: Entry, kind: str) -> Iterator[Item]:
    """The pipeline walks children unguarded: a crash half-way through an archive becomes a Skipped. A member
    whose name is unsafe (scanner.inspectors.archive_members.unsafe_member_name) is listed as such too."""
    depth = len(entry.location.containers) + 1
    try:
        for item in items:
            if not isinstance(item, Link) and item.location.containers and len(item.location.containers) == depth:
                raw = item.location.raw_path_hex  # the name's own bytes when not UTF-8: its shown form may hold
                why = unsafe_member_name(bytes.fromhex(raw).decode("latin-1") if raw else item.location.path)  # \x..
                if why:  # listed for the examiner; the member itself is still examined below
                    yield Skipped(item.location, Status.UNSAFE_NAME, say(why, kind=kind))
            yield item
    except (KeyboardInterrupt, SystemExit, GeneratorExit):  # GeneratorExit: the reader stopped early
        raise
    except BaseException as e:  # noqa: BLE001 - listing errors are data
        reason, text = error_reason(e)
        yield Skipped(entry.location, reason, say(Detail.ARCHIVE_LISTING_STOPPED, format=kind, why=text))
