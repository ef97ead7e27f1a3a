"""Files attached to a PDF: a person list (.xlsx, .csv) attached to a form, a portfolio or a report (Session 14).

A PDF may carry whole files: the document's attachment list (the catalogue's ``/Names /EmbeddedFiles`` name
tree, what a reader's paper-clip panel shows) and file-attachment annotations on its pages
(``/Annots [... /Subtype /FileAttachment /FS ...]``). Each attached file is a child one container hop deeper
(``報告書.pdf » 顧客名簿.xlsx``), examined like an archive member (name rules, hashes, spreadsheets, archives,
mail), in the worker, under the archive limits (``--archive-depth``, ``--max-archive-mb``,
``--max-archive-ratio``, ``--max-inspect-mb``). The page text of a PDF naming a font is read too (pdftext24:
scanner.pdftext rebuilds its table rows, the person-table detector reads them as any sheet's); one whose pages hold
pictures and no font (a scan without a text layer) is settled from its bytes: said ``pdf-no-text-layer`` when its
name matches a rule (a candidate the examiner must know was not read), nothing otherwise.

Pre-check (``wants``, in the scan process, no decoder): a PDF costs a worker only when its bytes name an
attachment: ``/EmbeddedFile`` (the name tree's key ``/EmbeddedFiles``, and an attached file's own stream type
``/Type /EmbeddedFile``) or ``/FileAttachment`` (the annotation's subtype), also spelt with ``#xx`` escapes.
Object streams and compressed cross-reference streams (PDF 1.5) hide dictionaries, so the catalogue and the
annotations may not show; an attached file is a stream, never inside an object stream, whose ``/Type
/EmbeddedFile`` stays readable in the file's bytes, but that ``/Type`` is optional (review20s: pypdf's
resources/example.pdf leaves it out, its annotation and file specification in an object stream: its attachment
ended as nothing). So a PDF holding ``/ObjStm`` is wanted too, and the worker searches its object streams inflated
(``packed_names_attachment``): no name there, no finding. The pre-check reads a PDF of up to ``SEARCH_HERE_BYTES``
once, a C-level search over 1 MiB blocks; a larger one is wanted unsearched and searched the same way in the worker
(``inspect``), off the scan process's walk.

Damage is listed, never nothing: a PDF that names an attachment but whose structure cannot be read (cut,
flipped, an unknown password) is listed corrupt or encrypted; an attachment whose stream cannot be decoded
is listed by its name; a name tree that loops or nests deeper than ``MAX_TREE_DEPTH`` is listed corrupt with
what was read before it; a declared size over the limits is refused before a byte is inflated, and pypdf's
own output caps are set to what the archive budget still allows (a decompression bomb stops there).
"""

from __future__ import annotations

import bisect
import io
import logging
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..backends import MissingBackend, load
from ..codes import Status
from ..config import ScanConfig
from ..contracts import Inspection, ScanContext
from ..details import Detail, codes_of, join_details, say
from ..errors import ReadError
from ..isolation import decoding
from ..models import Entry, Hop, Location, Skipped
from ..pdftext import withheld_log
from ..sources.base import Item
from .archive import guard_listing, limits_for
from .archive_formats import InflateBroken, inflate_keeping
from .archive_members import (
    ARCHIVE_EXTS,
    DOCUMENT_EXTS,
    NOT_ARCHIVE_EXTS,
    RATIO_GRACE,
    UNSUPPORTED_EXTS,
    ArchiveLimits,
    ArchiveMemberEntry,
    archive_depth,
    error_reason,
    member_base_name,
)

if TYPE_CHECKING:
    from pypdf.generic import PdfObject

PDF_EXTS = (".pdf",)
# a text table's names (spreadsheet.TEXT_EXTENSIONS): a PDF saved as 申込書.txt or .csv is read by its first bytes
# (review20s: the text reader listed it `unsupported`, binary content, and its attached files were never examined)
TEXT_TABLE_EXTS = frozenset({".csv", ".tsv", ".txt", ".tab", ".prn"})
HEADER_WINDOW = 1024  # a PDF's header may follow other bytes (a mail gateway's banner): readers look this far
FORMAT = "pdf"
MAX_TREE_DEPTH = 64  # name-tree levels followed (real trees have 2-3)
MAX_ATTACHMENTS = 10_000  # attachments listed from one PDF; the rest are counted in one row
BLOCK = 1 << 20
SMALL_PDF = 1 << 16  # a local PDF up to this size is searched in one read (less than a BLOCK)
# pypdf's Configuration: the most bytes each of its decoders may output (LimitReachedError past it)
_OUTPUT_CAPS = ("zlib_maximum_output_length", "lzw_maximum_output_length", "run_length_maximum_output_length",
                "brotli_maximum_output_length", "array_based_stream_maximum_output_length",
                "jbig2_maximum_output_length")
# a PDF larger than this is searched for an attachment's name by a worker, not here: the scan process reads it
# whole otherwise, one file at a time, and a share of large scanned documents would wait on its walk
SEARCH_HERE_BYTES = 4 << 20
OVERLAP = 64


def _name_pattern(*names: str) -> re.Pattern[bytes]:
    """A PDF name as written: every character either itself or its ``#xx`` escape (PDF 1.2+, 7.3.5)."""
    def one(name: str) -> str:
        return "".join(f"(?:{re.escape(c)}|#(?i:{ord(c):02x}))" for c in name)

    return re.compile(("/(?:" + "|".join(one(n) for n in names) + ")").encode("ascii"))


MARKS = _name_pattern("EmbeddedFile", "FileAttachment")
_LITERAL = re.compile(rb"/(?:EmbeddedFile|FileAttachment)")  # the usual spelling: one fast pass first
_FILE_REF = re.compile(rb"/U?F\s+(\d{1,10})\s+\d{1,5}\s+R")  # a file specification's /EF /F N G R
_EF = _name_pattern("EF")  # a file specification's key of its attached streams
_EMBEDDED_FILE = _name_pattern("EmbeddedFile")  # an attached file's stream type (and the name tree's key)


def pdf_cut(data: bytes) -> bool:
    """Whether a whole PDF's bytes end cut: no ``%%EOF`` in their last KiB before NUL or space padding (where
    readers look for it), unless what follows its last ``%%EOF`` holds no object (a tail, not a cut: review24o).
    docs24: a PDF cut before its attachment's stream named none and ended as nothing. Of 85 real PDFs in the mirrored repositories 1 is said: Tika's testPDF_AdobeIllustrator.pdf, 480 KiB exactly, cut."""
    window = data[-(1 << 16):].rstrip(b"\0 \t\r\n")  # (the header: the caller's check)
    if b"%%EOF" in window[-1024:]:
        return False
    end = window.rfind(b"%%EOF")  # bytes after its last %%EOF holding no PDF object: a whole PDF with a tail (a
    # download's, a carver's), not a cut (review24o: 40 of 40 real PDFs with 1.5 KiB after %%EOF were said cut)
    return end < 0 or any(mark in window[end:] for mark in (b"obj", b"stream", b"xref", b"trailer"))


_FONT = _name_pattern("Font")  # a page's font resources: no text can be shown without one
_IMAGE = _name_pattern("Image")  # an image XObject's subtype (a scanned page)
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def may_hold_text(data: bytes) -> bool:
    """Whether these bytes may show page text: a font named, or an object stream (where a page's resources may be)."""
    return b"/Font" in data or may_pack_names(data) or (b"#" in data and _FONT.search(data) is not None)


def pictures_only(data: bytes) -> int:
    """The pages of a PDF whose bytes name an image and no font and hold no object stream (a scan without a text
    layer: only OCR reads it); 0 otherwise."""
    if may_hold_text(data) or (b"/Image" not in data and (b"#" not in data or _IMAGE.search(data) is None)):
        return 0
    return max(len(_PAGE.findall(data)), 1)


def names_attachment(data: bytes) -> bool:
    """Whether these bytes name an attached file (the pre-check over one block)."""
    return _LITERAL.search(data) is not None or (b"#" in data and MARKS.search(data) is not None)


_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")  # an object stream's own dictionary (never itself compressed)
_STREAM_START = re.compile(rb"stream\r?\n")
OBJSTM_INFLATED = 8 << 20  # bytes of a PDF's object streams inflated (in the worker) to search for an attachment
OBJSTM_STEP = 1 << 16  # compressed bytes given to zlib at a time (what follows a stream's end is never copied whole)
MAX_OBJSTMS = 10_000  # object streams searched (real PDFs have tens to a few thousand)


def may_pack_names(data: bytes) -> bool:
    """Whether these bytes hold an object stream (PDF 1.5): dictionaries compressed, where an attachment's name may
    be the only one (review20s: pypdf's resources/example.pdf, its annotation and file specification in one, its
    attached stream without ``/Type``). Such a PDF goes to a worker, which inflates them (``packed_names_attachment``)."""
    return b"/ObjStm" in data


def packed_names_attachment(data: bytes) -> bool:
    """Whether an object stream of these bytes, inflated (zlib, each up to its ``endstream``, fed in steps of
    OBJSTM_STEP bytes; a damaged one as far as it inflates), names an attached file; True past OBJSTM_INFLATED bytes
    out in all or MAX_OBJSTMS streams (pypdf then looks, under the worker's limits). Run in the worker:
    it decodes untrusted bytes. Linear in the file's size (review20s: a search for each stream's end from its start
    took 63 s over 6 MB of object streams that never end)."""
    budget = OBJSTM_INFLATED
    view = memoryview(data)
    ends = -1  # the next ``endstream`` found (its search never goes back)
    for count, mark in enumerate(_OBJSTM.finditer(data)):
        if count >= MAX_OBJSTMS:
            return True
        start = _STREAM_START.search(data, mark.end(), mark.end() + 4096)
        if start is None:
            continue
        at = start.end()
        if ends < at:
            ends = data.find(b"endstream", at)
            ends = len(data) if ends < 0 else ends
        inflater = zlib.decompressobj()
        tail = b""
        try:
            while at < ends and budget > 0 and not inflater.eof:
                pending: bytes | memoryview = view[at:min(at + OBJSTM_STEP, ends)]
                at += OBJSTM_STEP
                while pending and budget > 0 and not inflater.eof:
                    out = inflater.decompress(pending, min(budget, BLOCK))
                    budget -= len(out)
                    if names_attachment(tail + out):
                        return True
                    tail, pending = out[-OVERLAP:], inflater.unconsumed_tail
        except zlib.error:
            continue  # damaged there: what it gave before was searched
        if budget <= 0:
            return True  # more than was searched: pypdf looks
    return False


def _last_ext(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].casefold() if dot > 0 else ""


def may_hold_attachments(entry: Entry, head: bytes, size: int | None = None, packed: bool = True,
                         bound: int | None = None) -> bool:
    """``wants``: a PDF header in the first KiB and a name of an attachment anywhere in its bytes, or (``packed``) an
    object stream, searched inflated in the worker. A file that cannot be read here is wanted (the worker reads it
    again and lists why). A small local file of ``size`` bytes (one block) is read in one open, no file object.
    ``bound``: at most so many bytes are searched (the scan process's walk); one longer is wanted unsearched, as a PDF
    listed over it (speed25b: one grown past its listed size since its stat was read to its end here, 200 MB: 0.46 s)."""
    if b"%PDF-" not in head[:HEADER_WINDOW]:
        return False
    if names_attachment(head) or (packed and (may_hold_text(head) or b"/Image" in head)):
        return True
    small = getattr(entry, "read_small", None)
    got = small(size + 1) if small is not None and size is not None and size <= SMALL_PDF else None
    if got is not None and size is not None and len(got[0]) <= size:  # the first and only block, as below
        return names_attachment(got[0]) or (packed and (may_hold_text(got[0]) or pictures_only(got[0]) > 0)) or pdf_cut(
            got[0])
    try:
        with entry.open() as f:
            tail = b""
            last = b""
            seen = 0
            while block := f.read(BLOCK):
                seen += len(block)
                if bound is not None and seen > bound:
                    return True  # longer than the search here may read: the worker's (as one listed so)
                window = tail + block  # (a name across two blocks: "/Image" too, review of lead24)
                if names_attachment(window) or (packed and (may_hold_text(window) or b"/Image" in window)):
                    return True
                tail = block[-OVERLAP:]
                last = block if len(block) >= 1 << 16 else (last + block)[-(1 << 16):]
    except (OSError, ReadError):
        return True
    return pdf_cut(last)


@dataclass
class Attached:
    """One attached file: its name (``/UF``, else ``/F``), its bytes or why they could not be had."""

    name: str
    data: bytes | None
    problem: tuple[Status, str] | None = None
    damage: str | None = None  # read, but pypdf had to recover its stream: examined and listed corrupt


@dataclass
class Found:
    attached: list[Attached] = field(default_factory=list)
    problems: list[tuple[Status, str]] = field(default_factory=list)
    repaired: bool = False  # pypdf warned while opening or walking it: a structure it had to mend


class PdfInspector:
    """Opens a PDF that names an attachment and hands its attached files back to the pipeline as children."""

    name = "pdf"
    reads_beyond_bytes: frozenset[str] = frozenset()  # (contracts)
    # wants_name as data (scanner.prefilter): every known extension but .pdf is never wanted, so a folder of
    # pictures, documents and archives costs this inspector no call (a PDF is asked about: its bytes decide)
    skip_extensions = frozenset(e for e in (NOT_ARCHIVE_EXTS | set(DOCUMENT_EXTS) | set(UNSUPPORTED_EXTS)
                                            | {x[x.rfind("."):] for x in ARCHIVE_EXTS})
                                if e not in PDF_EXTS and e not in TEXT_TABLE_EXTS)

    # called even for a file over --max-inspect-mb (with its head only): a PDF over SEARCH_HERE_BYTES is wanted
    # unsearched, so its bytes are searched where it is (inspect): no attachment named, no finding (review14h:
    # every PDF over the cap was listed too-large); one naming an attachment is too-large
    opens_itself = True

    def __init__(self, config: ScanConfig) -> None:
        self.config = config

    def wants_name(self, name: str) -> bool:
        """A .pdf, or a name no inspector knows (報告書.pdf.bak, .part, .dat, none) or a text table's (申込書.txt,
        .csv): its first bytes decide."""
        ext = _last_ext(name)
        return ext in PDF_EXTS or ext not in self.skip_extensions

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool:
        if not self.wants_name(entry.name) or size < 64:
            return False
        if _last_ext(entry.name) not in PDF_EXTS and not head().startswith(b"%PDF-"):
            return False  # under another name (review14h: a renamed PDF ended as nothing): a PDF from its first byte
        if size > SEARCH_HERE_BYTES:  # the byte search is the worker's (inspect)
            return b"%PDF-" in head()[:HEADER_WINDOW]
        return may_hold_attachments(entry, head(), size, bound=SEARCH_HERE_BYTES)

    def wants_disguised(self, entry: Entry, head: bytes) -> bool:
        """A PDF under a name no inspector reads (報告書.jpg, a picture's or a log's name: the disguise check's
        ``pdf`` family), attachments or not (Session 15: one naming an attached file ended as nothing; a PDF without
        attachments under a picture's name is a renamed file, a lead `extension-mismatch`, which disguise17's
        content-over-names rule had left unexamined)."""
        return head.startswith(b"%PDF-")

    # a PDF naming no attached file is settled by the byte search over the whole file (``inspect``: no decoder),
    # so a small one costs no worker round trip (speed20: 1,501 of share-20000's files, ~0.6 ms each in a worker)
    settle_bytes = SMALL_PDF

    def settles_here(self, data: bytes) -> bool:
        """These whole bytes name no attached file and hold no object stream (or are no PDF): ``inspect`` returns
        nothing, no decoder runs (an object stream is inflated in the worker)."""
        return b"%PDF-" not in data[:HEADER_WINDOW] or not (names_attachment(data) or may_hold_text(data))
        # (a cut one too: ``inspect`` lists it pdf-cut from these bytes, no decoder: docs24; one of pictures without
        # a font: said from its bytes; a font or an object stream: its page text is read in the worker, pdftext24)

    def inspect(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
        if b"%PDF-" not in data[:HEADER_WINDOW]:
            return Inspection()
        found = self._attached(entry, data, ctx)
        if len(data) < entry.stat().size:  # its head only (over --max-inspect-mb): no page text read
            return found
        return _with_text(found, self._page_text(entry, data, ctx))

    def _page_text(self, entry: Entry, data: bytes, ctx: ScanContext) -> Inspection:
        """The persons in a PDF's page text (scanner.pdftext's rows through the person-table detector, as a
        document's tables); its damage and caps said; a scan without a text layer said when its name matches a rule."""
        if not may_hold_text(data):
            pages = pictures_only(data)
            if pages and ctx.rules.match(entry.name):
                return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.PDF_NO_TEXT_LAYER, pages=pages))
            return Inspection()
        from .spreadsheet import analyse_bytes, caps_for, inspection_of

        try:
            findings, _, reading = analyse_bytes(data, "pdf", caps_for(self.config, len(data)))
        except ReadError as e:
            return Inspection(status=e.reason, detail=e.detail)
        found = inspection_of(findings, "pdf", self.config.unmask) if findings else Inspection()
        said = [n for n in reading.notes if _noted([n], Detail.PDF_TEXT_UNDECODABLE) or _noted([n], Detail.PDF_TEXT_VERTICAL)]
        if reading.stopped is not None:
            found.status, found.detail = reading.stopped[0], join_details([reading.stopped[1], *reading.damage, *said])
        elif reading.damage:
            found.status, found.detail = Status.CORRUPT, join_details([*reading.damage, *said])
        elif not findings and ctx.rules.match(entry.name) and _noted(reading.notes, Detail.PDF_NO_TEXT_LAYER):
            found.status, found.detail = Status.UNSUPPORTED, join_details(reading.notes)
        elif _noted(reading.notes, Detail.PDF_TEXT_UNDECODABLE):  # noise where text was (pdf25): persons read from
            found.status, found.detail = Status.UNSUPPORTED, join_details(reading.notes)  # the other pages kept
        elif not findings and _noted(reading.notes, Detail.PDF_TEXT_VERTICAL) and (ctx.rules.match(entry.name) or any(
                int(c.get("listed", 0)) for n in reading.notes for c in codes_of(n))):  # 縦書き read as it could, a
            found.status, found.detail = Status.UNSUPPORTED, join_details(reading.notes)  # list's heading, no person
        return found

    def _attached(self, entry: Entry, data: bytes, ctx: ScanContext) -> Inspection:
        """The files attached to a PDF as children (nothing when its bytes name none)."""
        cfg = self.config
        size = entry.stat().size
        whole = len(data) >= size
        if not names_attachment(data) and not (whole and may_pack_names(data) and packed_names_attachment(data)) and (
                whole or size <= cfg.max_inspect_bytes
                or not may_hold_attachments(entry, data[:HEADER_WINDOW], packed=False)):
            if whole and pdf_cut(data):  # cut before any attachment was named: what it carried is lost (docs24)
                return Inspection(status=Status.CORRUPT, detail=say(Detail.PDF_CUT, n=len(data)))
            return Inspection()  # no attached file named, in its bytes or its object streams (a large PDF wanted
            # unsearched, over --max-inspect-mb: its bytes as they are). Fewer bytes than its size under the cap: it
            # grew since they were read, and they name nothing (review20s: a PDF settled in the scan process had its
            # stale bytes decoded there by pypdf)
        if size > cfg.max_inspect_bytes and len(data) < size:
            return Inspection(status=Status.TOO_LARGE, detail=say(Detail.KIND_BYTES_OVER_CAP, kind="PDF with attachments",
                                                                 size=size, cap=cfg.max_inspect_bytes))
        depth = archive_depth(entry.location)
        if depth >= cfg.archive_depth:
            return Inspection(status=Status.TOO_DEEP,
                              detail=say(Detail.INSIDE_CONTAINERS, depth=depth, limit=cfg.archive_depth))
        caps = limits_for(cfg, entry)
        try:
            found = read_attachments(data, caps)
        except ReadError as e:
            return Inspection(status=e.reason, detail=e.detail)
        except Exception as e:  # noqa: BLE001 - a damaged PDF is data, not a crash
            reason, _ = error_reason(e)
            return Inspection(status=reason, detail=_why(e))
        if not found.attached and not found.problems:
            if not found.repaired:
                return Inspection()  # whole, and no attached file in it, current or removed: an empty attachment
                # list, or the name in a page's text
            found.problems.append((Status.CORRUPT, say(Detail.PDF_ATTACHMENT_NOT_FOUND)))
        detail: dict[str, object] = {"format": FORMAT}
        if entry.location.raw_path_hex:
            detail["raw_path_hex"] = entry.location.raw_path_hex
        hop = Hop("archive", entry.location.path, detail)
        return Inspection(children=guard_listing(_children(entry, found, hop, caps, ctx), entry, FORMAT))


def _with_text(found: Inspection, text: Inspection) -> Inspection:
    """The attachments' inspection with the page text's persons and status joined (the first said status kept)."""
    if text.status != Status.OK:
        if found.status == Status.OK:
            found.status, found.detail = text.status, text.detail
        else:
            found.detail = join_details([d for d in (found.detail, text.detail) if d])
    found.reasons = [*found.reasons, *text.reasons]
    found.rules = [*found.rules, *text.rules]
    if text.pii is not None:
        found.pii, found.records = text.pii, text.records
    return found


def _why(e: BaseException) -> str:
    """A pypdf error said as a detail (a password asked: the reason says encrypted)."""
    return say(Detail.PDF_UNREADABLE, why=error_reason(e)[1])


def _children(entry: Entry, found: Found, hop: Hop, caps: ArchiveLimits, ctx: ScanContext) -> Iterator[Item]:
    for status, why in found.problems:
        yield Skipped(entry.location, status, why)
    taken: set[str] = set()
    for number, attached in enumerate(found.attached, 1):
        path = attached.name if attached.name not in taken else f"{number}/{attached.name}"
        taken.add(path)
        yield from _member(entry, entry.location.child(hop, path), attached, caps, ctx)


def _member(entry: Entry, loc: Location, attached: Attached, caps: ArchiveLimits, ctx: ScanContext) -> Iterator[Item]:
    data, blocked = attached.data, attached.problem
    size = len(data) if data is not None else 0
    name = member_base_name(loc.path)
    if blocked is not None and not ctx.rules.match(name):
        yield Skipped(loc, *blocked)
        return
    if blocked is None and data is not None:
        opener: Callable[[], io.BytesIO] = lambda: io.BytesIO(data)  # noqa: E731
    else:
        opener = lambda: io.BytesIO(b"")  # noqa: E731
    member = ArchiveMemberEntry(loc, name, entry.deleted, size, None, None, None, opener, caps, blocked,
                                size if blocked is None else 0)
    member.damage = attached.damage
    yield member


def read_attachments(data: bytes, caps: ArchiveLimits) -> Found:
    """The attached files of a PDF (the document's list, then the pages' annotations), each decoded under
    ``caps``; structure problems as listed rows. Raises when the PDF itself cannot be opened."""
    pypdf = load("pypdf")  # MissingBackend when not installed: listed unsupported, naming the package
    decoding("pypdf")
    limit = max(min(caps.member_memory, caps.budget.remaining()), 0) + 1
    with pypdf.apply_configuration(**dict.fromkeys(_OUTPUT_CAPS, limit)):
        said = _Said()
        log = withheld_log()
        log.addHandler(said)  # a repaired structure (pypdf warns) may have lost an attachment: listed then
        try:
            try:
                return _read(pypdf, data, caps, said)
            except MissingBackend:
                raise
            except Exception as e:  # noqa: BLE001 - unopenable: mended below when it is damage
                first = e
                if (e.reason if isinstance(e, ReadError) else error_reason(e)[0]) != Status.CORRUPT:
                    raise
            # cut before its cross-reference (a .part download, a copy that stopped): pypdf rebuilds the table from
            # the objects when a startxref is wrong, not when there is none; the attached files still in the bytes
            # are read and the PDF is listed as it was (review14h: its whole person list was never examined)
            try:
                found = _read(pypdf, data + b"\nstartxref\n0\n%%EOF\n", caps, said, mended=True)
            except Exception:  # noqa: BLE001 - not even so: as it was
                raise first from None
            if not found.attached:
                raise first
            found.problems.insert(0, (Status.CORRUPT, say(Detail.PDF_MENDED, why=_text(first.__cause__ or first)
                                                                    if isinstance(first, ReadError) else _text(first))))
            return found
        finally:
            log.removeHandler(said)


def _read(pypdf: object, data: bytes, caps: ArchiveLimits, said: _Said, mended: bool = False) -> Found:
    """read_attachments' walk, pypdf's warnings counted by ``said``; ``mended``: a rebuilt table, which may have no
    catalogue: every file specification and attached stream among its objects is taken."""
    from pypdf.errors import FileNotDecryptedError

    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)  # type: ignore[attr-defined]
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # most "protected" PDFs have an empty open password (rights only)
        except Exception as e:  # noqa: BLE001 - an unknown security handler or cipher
            raise ReadError(Status.UNSUPPORTED, say(Detail.PDF_SECURITY_UNREAD, why=error_reason(e)[1])) from e
        if not opened:
            raise ReadError(Status.ENCRYPTED, say(Detail.PDF_PASSWORD))
    found = Found()
    walker = _Walker(found, caps)
    try:
        root = reader.trailer["/Root"].get_object()
    except FileNotDecryptedError as e:
        raise ReadError(Status.ENCRYPTED, say(Detail.PDF_PASSWORD)) from e
    except Exception as e:  # noqa: BLE001 - no catalogue: the PDF is unreadable
        if not mended:
            raise ReadError(Status.CORRUPT, _why(e)) from e
        root = None
    if mended:  # file specifications without a catalogue: those whose bytes show /EF, and any in object streams
        where = sorted((offset, num) for offsets in reader.xref.values() for num, offset in offsets.items())
        starts = [offset for offset, _ in where]
        marked = {where[at][1] for m in _EF.finditer(data) if (at := bisect.bisect_right(starts, m.start()) - 1) >= 0}
        for num in sorted(marked | set(reader.xref_objStm)):
            try:
                walker.filespec(reader.get_object(num), "")
            except Exception:  # noqa: BLE001 - a damaged object among others: the rest are tried
                continue
    try:
        names = _get(root, "/Names")
        tree = _get(names, "/EmbeddedFiles") if names is not None else None
        if tree is not None:
            walker.tree(tree)
    except Exception as e:  # noqa: BLE001
        found.problems.append((Status.CORRUPT, say(Detail.PDF_LIST_UNREAD, why=_text(e))))
    try:
        for number, page in enumerate(reader.pages if root is not None else (), 1):
            walker.annotations(page, number)
    except Exception as e:  # noqa: BLE001
        found.problems.append((Status.CORRUPT, say(Detail.PDF_PAGES_UNREAD, why=_text(e))))
    try:
        walker.removed(reader, data, "" if mended else "removed/")
    except Exception as e:  # noqa: BLE001
        found.problems.append((Status.CORRUPT, say(Detail.PDF_LIST_UNREAD, why=_text(e))))
    found.repaired = said.count > 0
    return found


def _text(e: BaseException) -> str:
    return error_reason(e)[1]


def _get(obj: object, key: str) -> PdfObject | None:
    """``obj[key]`` resolved, or None when obj is no dictionary or has no such key."""
    from pypdf.generic import DictionaryObject

    obj = _resolve(obj)
    if not isinstance(obj, DictionaryObject):
        return None
    value = obj.get(key)
    return None if value is None else _resolve(value)


def _resolve(obj: object) -> PdfObject | None:
    from pypdf.generic import IndirectObject, NullObject

    for _ in range(32):  # a reference to a reference ...: followed a few times at most
        if not isinstance(obj, IndirectObject):
            break
        obj = obj.get_object()
    return None if obj is None or isinstance(obj, (NullObject, IndirectObject)) else obj  # type: ignore[return-value]


class _Walker:
    def __init__(self, found: Found, caps: ArchiveLimits) -> None:
        self.found, self.caps = found, caps
        self.seen: set[int] = set()  # id() of filespec dictionaries already taken (the tree and an annotation)
        self.streams: set[int] = set()  # object numbers of attached files' streams already taken
        self.over = 0

    def tree(self, root: object) -> None:
        """The ``/EmbeddedFiles`` name tree: ``/Names [key filespec ...]`` leaves under ``/Kids``; a node met twice
        (a loop) or deeper than MAX_TREE_DEPTH is listed and not followed."""
        from pypdf.generic import ArrayObject, IndirectObject

        visited: set[tuple[int, int]] = set()
        stack: list[tuple[object, int]] = [(root, 0)]
        while stack:
            node, depth = stack.pop()
            if isinstance(node, IndirectObject):
                key = (node.idnum, node.generation)
                if key in visited:
                    self.found.problems.append((Status.CORRUPT, say(Detail.PDF_TREE_LOOP)))
                    continue
                visited.add(key)
            if depth > MAX_TREE_DEPTH:
                self.found.problems.append((Status.CORRUPT, say(Detail.PDF_TREE_TOO_DEEP, n=MAX_TREE_DEPTH)))
                continue
            pairs = _get(node, "/Names")
            if isinstance(pairs, ArrayObject):
                for i in range(0, len(pairs) - 1, 2):
                    self.filespec(pairs[i + 1], _string(pairs[i]))
            kids = _get(node, "/Kids")
            if isinstance(kids, ArrayObject):
                stack.extend((kid, depth + 1) for kid in reversed(kids))

    def annotations(self, page: object, number: int) -> None:
        from pypdf.generic import ArrayObject, NameObject

        annots = _get(page, "/Annots")
        if not isinstance(annots, ArrayObject):
            return
        for annot in annots:
            if _get(annot, "/Subtype") == NameObject("/FileAttachment"):
                self.filespec(_get(annot, "/FS"), f"page {number} attachment")

    def filespec(self, spec: object, key: str) -> None:
        """One file specification: a string alone names a file outside the PDF (nothing attached); a dictionary
        with ``/EF`` holds the file."""
        from pypdf.generic import DictionaryObject, StreamObject

        spec = _resolve(spec)
        if not isinstance(spec, DictionaryObject) or id(spec) in self.seen:
            return
        self.seen.add(id(spec))
        name = _string(_get(spec, "/UF")) or _string(_get(spec, "/F")) or key or "attachment"
        name = name.replace("\x00", "")[:255] or "attachment"
        ef = _get(spec, "/EF")
        if ef is None:
            return  # a reference to an outside file: nothing is attached
        stream = _get(ef, "/UF") or _get(ef, "/F")
        if self._too_many():
            return
        if not isinstance(stream, StreamObject):
            self.found.attached.append(Attached(name, None, (Status.CORRUPT, say(Detail.PDF_ATTACHMENT_NO_STREAM))))
            return
        ref = getattr(stream, "indirect_reference", None)
        if ref is not None:
            if ref.idnum in self.streams:
                return
            self.streams.add(ref.idnum)
        self.found.attached.append(self._decoded(name, stream))

    def _too_many(self) -> bool:
        """Whether MAX_ATTACHMENTS are taken already: the rest are counted in one listed row."""
        if len(self.found.attached) < MAX_ATTACHMENTS:
            return False
        self.over += 1
        if self.over == 1:
            self.found.problems.append((Status.TOO_LARGE, say(Detail.PDF_TOO_MANY, n=MAX_ATTACHMENTS)))
        return True

    def removed(self, reader: object, data: bytes, prefix: str = "removed/") -> None:
        """Attached files no list or page names any more (an incremental update that removed them, a writer that
        left them behind): their streams, found where the bytes name ``/EmbeddedFile``, are examined as
        ``removed/NAME`` (the name of a file specification still pointing at them, else the object's number).
        A stream whose own ``N G obj`` header sits where no cross-reference table puts object N (a later revision
        gave its number to another object) is parsed at its header (Session 15)."""
        from pypdf.generic import DictionaryObject

        where = sorted((offset, num) for offsets in getattr(reader, "xref", {}).values()
                       for num, offset in offsets.items())
        starts = [offset for offset, _ in where]
        pointing: dict[int, list[int]] | None = None  # object number -> where ``/F N G R`` names it (made once)
        tried: set[int] = set()
        tried_at: set[int] = set()  # header offsets of streams found by their own header
        offset_of = {num: offset for offset, num in where}
        for mark in _EMBEDDED_FILE.finditer(data):
            own = _header_before(data, mark.start())
            if own is not None and abs(offset_of.get(own[0], -_HEADER_BACK) - own[1]) > _OFFSET_SLACK:
                # the stream's own ``N G obj`` header, at a place no cross-reference table gives for N: a later
                # revision gave its number to another object (review14h #1, left open: it was never examined)
                num, stream = own[0], _object_at(reader, data, own[2])
                if own[1] in tried_at or not _embedded_stream(stream) or self._same(reader, num, stream):
                    continue
                tried_at.add(own[1])
            else:
                at = bisect.bisect_right(starts, mark.start()) - 1
                if at < 0 or (num := where[at][1]) in self.streams or num in tried:
                    continue
                tried.add(num)
                stream = _resolve(reader.get_object(num))  # type: ignore[attr-defined]
                if not _embedded_stream(stream):
                    continue
            self.streams.add(num)
            name = ""
            if pointing is None:
                pointing = {}
                for ref in _FILE_REF.finditer(data):
                    pointing.setdefault(int(ref[1]), []).append(ref.start())
            for ref_at in pointing.get(num, ())[:16]:
                spec_at = bisect.bisect_right(starts, ref_at) - 1
                spec = _resolve(reader.get_object(where[spec_at][1])) if spec_at >= 0 else None  # type: ignore[attr-defined]
                ef = _get(spec, "/EF") if isinstance(spec, DictionaryObject) else None
                if isinstance(ef, DictionaryObject) and any(getattr(ef.get(k), "idnum", None) == num for k in ("/F", "/UF")):
                    name = _string(_get(spec, "/UF")) or _string(_get(spec, "/F"))
                    break
            name = (name.replace("\x00", "")[:255] or f"object {num}").replace("/", "_")
            if self._too_many():
                return
            self.found.attached.append(self._decoded(f"{prefix}{name}", stream))

    def _same(self, reader: object, num: int, stream: object) -> bool:
        """Whether a stream found by its header is the one already examined under its number (a table whose
        offsets are off, not a reused number): the same packed bytes."""
        if num not in self.streams:
            return False
        try:
            known = _resolve(reader.get_object(num))  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - the number no longer resolves: another object
            return False
        return getattr(known, "_data", None) == getattr(stream, "_data", b"")

    def _decoded(self, name: str, stream: object) -> Attached:
        from pypdf.generic import NumberObject

        params = _get(stream, "/Params")
        declared = _get(params, "/Size") if params is not None else None
        packed = len(getattr(stream, "_data", b"") or b"")
        if isinstance(declared, NumberObject) and int(declared) >= 0:
            blocked = self.caps.declared(int(declared), packed)
            if blocked is not None:
                return Attached(name, None, blocked)
        said = _Said()
        log = withheld_log()
        log.addHandler(said)
        # pypdf's output caps for this stream: the ratio's limit too, so a bomb stops there while it inflates
        # (review14h: a 612 KB PDF took its worker to 577 MB, inflated up to --max-inspect-mb before the check)
        by_ratio = max(RATIO_GRACE, self.caps.ratio * max(packed, 1))
        limit = max(min(self.caps.member_memory, self.caps.budget.remaining(), by_ratio), 0) + 1
        raw = _raw_deflate(stream, limit)  # pypdf gives nothing for deflate data without a zlib header
        try:
            if raw is None:
                with load("pypdf").apply_configuration(**dict.fromkeys(_OUTPUT_CAPS, limit)):
                    data = stream.get_data()  # type: ignore[attr-defined]
            else:
                data = raw[0]
        except Exception as e:  # noqa: BLE001 - a broken stream: this attachment is listed, the others go on
            reason, text = error_reason(e)
            if type(e).__name__ == "LimitReachedError":
                if limit - 1 == by_ratio and by_ratio < self.caps.member_memory:  # stopped while it inflated
                    return Attached(name, None, (Status.BOMB, say(Detail.INFLATES_OVER_RATIO, ratio=str(self.caps.ratio))))
                return Attached(name, None, (Status.BOMB, say(Detail.PDF_ATTACHMENT_OVER_LIMIT, cap=self.caps.member_memory)))
            return Attached(name, None, (reason if reason != Status.ENCRYPTED else Status.CORRUPT,
                                         say(Detail.PDF_ATTACHMENT_UNREAD, why=text)))
        finally:
            log.removeHandler(said)
        data = bytes(data)
        if len(data) > self.caps.member_memory:
            return Attached(name, None, (Status.TOO_LARGE, say(Detail.ATTACHMENT_OVER_CAP, size=len(data))))
        if len(data) > max(1 << 20, self.caps.ratio * max(packed, 1)):  # inflated, not declared (review14h #4)
            return Attached(name, None, (Status.BOMB, say(Detail.INFLATES_OVER_RATIO, ratio=str(self.caps.ratio))))
        self.caps.budget.charge(len(data))
        if (not raw[1]) if raw is not None else (
                said.count or (not data and packed and _get(stream, "/Filter") is not None) or _flate_damaged(stream)):
            # pypdf recovers a broken stream (a cut or damaged deflate) by logging and returning what it could
            # decode, even nothing: what came out is examined, and the attachment is listed damaged
            return Attached(name, data, damage=say(Detail.PDF_ATTACHMENT_RECOVERED, n=len(data)))
        return Attached(name, data)


_HEADER_BACK = 4096  # bytes before an ``/EmbeddedFile`` mark searched for its object's ``N G obj`` header
_OFFSET_SLACK = 16  # a table's offset this close to the header is the same object (white space, a sloppy writer)
_OBJ_HEADER = re.compile(rb"(\d{1,10})\s+(\d{1,5})\s+obj\b")


def _header_before(data: bytes, at: int) -> tuple[int, int, int] | None:
    """(object number, header offset, offset after the header's white space) of the last ``N G obj`` header in
    the ``_HEADER_BACK`` bytes before ``at``, or None."""
    last = None
    for found in _OBJ_HEADER.finditer(data, max(0, at - _HEADER_BACK), at):
        last = found
    if last is None:
        return None
    body = last.end()
    while body < at and data[body:body + 1].isspace():
        body += 1
    return int(last[1]), last.start(), body


def _object_at(reader: object, data: bytes, at: int) -> object:
    """The object whose body starts at ``at`` in the file, parsed there (None when it cannot be)."""
    from pypdf.generic import read_object

    try:
        stream = reader.stream  # type: ignore[attr-defined]
        stream.seek(at)
        return read_object(stream, reader)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - damaged bytes there: not an attached file that can be read
        return None


def _embedded_stream(obj: object) -> bool:
    from pypdf.generic import NameObject, StreamObject

    return isinstance(obj, StreamObject) and _get(obj, "/Type") == NameObject("/EmbeddedFile")


def _raw_deflate(stream: object, limit: int) -> tuple[bytes, bool] | None:
    """An attached file whose only filter is /FlateDecode over raw deflate data (no zlib header: some writers
    leave it out), which pypdf does not decode (it logs and returns nothing: review14h #8 listed such a whole file
    `pdf-attachment-recovered` with 0 bytes examined): (at most ``limit`` bytes inflated, whether the deflate
    stream ended whole); None for any other stream (pypdf decodes it)."""
    from pypdf.generic import ArrayObject, NameObject

    first = _get(stream, "/Filter")
    if isinstance(first, ArrayObject):
        first = _resolve(first[0]) if len(first) == 1 else None
    raw = bytes(getattr(stream, "_data", b"") or b"")
    if (first not in (NameObject("/FlateDecode"), NameObject("/Fl")) or _get(stream, "/DecodeParms") is not None
            or len(raw) < 2 or (raw[0] & 0x0F == 8 and int.from_bytes(raw[:2], "big") % 31 == 0)):
        return None
    inflater = zlib.decompressobj(-15)
    try:
        return inflate_keeping(inflater, raw, limit), inflater.eof
    except InflateBroken as e:
        return e.before, False


def _flate_damaged(stream: object) -> bool:
    """Whether a stream whose first filter is /FlateDecode holds no whole zlib stream: pypdf returns what a cut,
    flipped or checksum-failing deflate still gives without a word (a cut list was read as complete). Checked
    again here, output discarded in steps (the whole was decoded under the caps already)."""
    from pypdf.generic import ArrayObject, NameObject

    first = _get(stream, "/Filter")
    if isinstance(first, ArrayObject):
        first = _resolve(first[0]) if first else None
    if first not in (NameObject("/FlateDecode"), NameObject("/Fl")):
        return False
    raw = bytes(getattr(stream, "_data", b"") or b"")
    inflater = zlib.decompressobj()
    try:
        inflater.decompress(raw, BLOCK)
        while inflater.unconsumed_tail and not inflater.eof:
            inflater.decompress(inflater.unconsumed_tail, BLOCK)
    except zlib.error:
        return True
    return not inflater.eof


class _Said(logging.Handler):
    """Counts pypdf's warnings while one stream is decoded (its texts are not kept: they may quote bytes)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _string(obj: object) -> str:
    """A PDF text string as text (pypdf decodes UTF-16 with BOM and PDFDocEncoding); other objects: ''."""
    from pypdf.generic import ByteStringObject, TextStringObject

    if isinstance(obj, TextStringObject):
        return str(obj)
    if isinstance(obj, ByteStringObject):
        return bytes(obj).decode("cp932", "replace")  # a name written in the writer's code page (Japanese Windows)
    return ""


def _noted(notes: list[str], code: Detail) -> bool:
    """Whether a reading's notes say ``code``."""
    return any(c.get("code") == code for n in notes for c in codes_of(n))
