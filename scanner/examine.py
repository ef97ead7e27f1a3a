"""One file's examination, in two parts: the cheap checks the walk makes, and the read that decodes bytes.

``pick`` is what the scan process does for every file a name check lets through: the name rules, stat,
and each inspector's ``wants`` (a 512-byte head read only if one asks). ``finish`` is the rest: one read
pass hashes the file (MD5, SHA-1, SHA-256) and keeps its bytes for the inspectors that want it; their
findings, statuses and children (archive members, examined here the same way) become hits and skips.
``finish`` decodes untrusted bytes, so a scan runs it in a killable worker process (scanner.pool); it
says where it is with ``isolation.mark`` so a crash or a hang is pinned on the file and the step.

A person table's records are turned into keyed fingerprints here (persons.prints): no clear value
leaves the process that read it.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import cache
from typing import IO, TYPE_CHECKING, Any, Protocol

from .codes import Reason, Status
from .contenttype import PE_EXTS, PE_HEAD, content_type, mismatch
from .contracts import Inspection, Inspector, Poison, ScanContext, run_inspector
from .details import Detail, codes_of, encodable, join_details, os_error, say, unread
from .errors import ReadError
from .fingerprint import CHUNK, HEAD, ReadResult, hash_bytes, hash_stream
from .inspectors.disguise import (
    HEAD_READ,
    MARKUP_CHECK,
    TEXT_FAMILIES,
    Disguise,
    checked_entry_ext,
    checked_ext,
    look,
    records_past_head,
)
from .inspectors.disguise import RULE as DISGUISE_RULE
from .inspectors.disguise import check as disguise_check
from .isolation import mark
from .models import Entry, FileHit, FileStat, Link, Skipped, fields_reduce
from .names import NameMatch
from .olefiles import held_ole
from .sources.base import Item, NameBatch

if TYPE_CHECKING:
    from .persons.prints import PrintBuilder
    from .sources.split_series import Series

log = logging.getLogger("leakscan")

READ_RATE = 2 << 20  # bytes/s a read may be as slow as (on top of --parse-timeout) before its worker is stopped
INSPECT_SLACK = 10.0  # seconds an inspector may take beyond --parse-timeout (its own caps fire first)
READING = "reading"  # the step that reads (and, inside an archive, decompresses) a file


class LazyHead:
    """The first 512 bytes, read only if an inspector asks; a failed read is kept in ``error`` so the
    file is recorded as not examined instead of being dropped as "nobody wanted it"."""

    def __init__(self, entry: Entry, size: int = 512, whole: int | None = None) -> None:
        self._entry = entry
        self._size = size
        self._whole = whole  # the file's size, when it is small and its name's checks read past the head: read whole
        self._data: bytes | None = None
        self.error: ReadError | None = None

    def __call__(self) -> bytes:
        if self._data is None:
            small = getattr(self._entry, "read_small", None) if self._whole is not None else None
            if small is not None and self._whole is not None and (
                    got := small(max(self._whole, self._size) + 1)) is not None:  # (a file that grew since its stat:
                self._data = got[0][:self._size]  # its whole head still; one open: the entry keeps it, LocalEntry)
                return self._data
            quick = getattr(self._entry, "quick_head", None)  # a local file: one open and read, no file object
            if quick is not None and (data := quick(self._size)) is not None:
                self._data = data
                return data
            try:  # (also when the quick read failed: the open says why, kept in ``error``)
                with self._entry.open() as f:
                    self._data = f.read(self._size)
            except ReadError as e:
                self.error, self._data = e, b""
            except OSError as e:
                self.error, self._data = ReadError(Status.UNREADABLE, os_error(e)), b""
        return self._data

    def unchanged(self, data: bytes) -> bool:
        """Whether what was read of the file is ``data`` (or, for b"", nothing was read)."""
        return self._data == data or (self._data is None and not data)

    @property
    def read(self) -> bool:
        """Whether the file was read (an inspector asked for its head)."""
        return self._data is not None


@dataclass(slots=True)
class Candidate:
    """What the cheap checks learnt about a file that needs reading: a plain value (it travels to a worker)."""

    __reduce__ = fields_reduce

    matches: list[NameMatch]
    stat: FileStat
    wanted: tuple[int, ...]  # indexes into the scan's inspectors (the same list in every worker)
    affinity: str | None = None  # files with the same affinity are examined in order by one worker
    listed: tuple[Status, str] | None = None  # a piece of a split file nothing reads (status, why): read only to
    # be hashed, then listed with its own digests (split15: it was listed unread, no --known-hashes match)


def pick(entry: Entry, ctx: ScanContext, result: Lists, name_wanted: bool | None = None) -> Candidate | None:
    """The cheap checks: None when the file needs no read (or could not be stat'ed: then recorded in
    ``result``); else what ``finish`` needs. ``name_wanted`` (not None): the name as the folder lists it meets no
    name rule, and this is ``ctx.prefilter.wanted`` of it (both known from the folder's name pass: not asked again).
    A joined split series' row is named as its joined file (X.jpg) but listed as its first part (X.jpg.001): its
    listed name begins with ``entry.name`` (the name pass, a search for the rules' words, finds in it any word of
    ``entry.name``) and no inspector skips its extension, so it is True there and the row takes the by-name path
    (a failed stat or head read is listed, never dropped)."""
    matches = ctx.rules.match(entry.name) if name_wanted is None else []
    piece, headed = _later_piece(entry)
    if piece and headed:  # a later piece of a file cut by ``split`` (``X.ab``, ``X.part2``) whose first piece is
        # here: no header of its own (rar14); one whose first piece is not here is listed only if nothing reads it
        try:
            st = entry.stat()
        except ReadError as e:
            unreadable(entry, matches, FileStat(0), e, result)
            return None
        return Candidate(matches, st, (), listed=(Status.UNSUPPORTED, piece))  # hashed, then listed
    by_name = bool(matches) or (ctx.prefilter.wanted(entry.name) if name_wanted is None else name_wanted) or bool(piece)
    if not by_name and (ctx.config.content_check == "off" or _unchecked(entry)):
        return None
    try:
        size, stat_of = _sized(entry)
    except ReadError as e:
        if not by_name:  # only its content could have made it wanted: as before the content check
            return None
        unreadable(entry, matches, FileStat(0), e, result)
        return None
    if size < 0:  # a damaged file system's or archive's own value (TSK's signed size, a tar's base-256 size): that
        # entry alone is listed as damaged, with the size as declared (case23: reading it stopped the walk of the whole
        # file system, ValueError; a tar member's was a "bomb")
        unreadable(entry, matches, stat_of(), ReadError(Status.CORRUPT, say(Detail.SIZE_NEGATIVE, size=size)), result)
        return None
    series = getattr(entry, "series", None)
    spliced = getattr(entry, "splice", None) is not None
    if series is not None and getattr(series, "plain", False) and not series.complete and not spliced:
        return Candidate(matches, stat_of(), (), listed=(Status.UNSUPPORTED, _plain_part(entry.name, series)))
        # a byte-split file with a part missing: every part hashed and listed, naming what is missing (fixsplit11);
        # the parts that can be read are read under their run's first part (split12: SplicedEntry)
    checked = getattr(entry, "checked", None)  # a disk image's walker made these checks already
    verdict = checked() if checked is not None else None
    tabled = None if verdict is not None or series is not None or spliced else _tabled(entry, size, by_name, ctx)
    if verdict is not None:
        wanted, affinity, head_error = verdict
    elif tabled is not None and (known := _known(ctx, *tabled)) is not None:
        wanted, affinity, head_error = verdict = known, None, None  # the same name form and bytes decided before
    elif not by_name:  # a name nothing reads (photo.jpg): wanted only when its first bytes contradict it
        head = tabled[1] if tabled is not None else LazyHead(entry, HEAD_READ)
        wanted = _by_content(entry, size, head, ctx)
        head_error, affinity = None, None  # unread or unidentified content stays as before the content check
    else:
        limit = PE_HEAD if entry.name[-4:].casefold() in PE_EXTS else 512  # a program: its headers
        head = tabled[1] if tabled is not None else LazyHead(
            entry, limit, size if size <= limit or (size <= WHOLE_SMALL and _reread(entry.name)) else None)
        # (a file no longer than its head is read whole either way: by ``read_small``, kept for the read pass here
        # of a small file, ``read_once``; pick23: a tiny fake .xlsx/.csv was opened twice, for its head and to hash)
        inspectors = ctx.inspectors  # only those the name leaves a chance (their skip_extensions, as data)
        if compiled_class(entry.name, head):  # a .jar holds thousands: only the inspectors that look past a file's
            # first bytes are asked (a disk image or a tar made to start so, review18e); the content check and the
            # others answer nothing for it (tests/test_jar_heads.py asks them all about real and made classes)
            wanted = tuple(i for i in ctx.prefilter.asked(entry.name)
                           if getattr(inspectors[i], "looks_past_magic", False) and inspectors[i].wants(entry, size, head))
        else:
            wanted = tuple(i for i in ctx.prefilter.asked(entry.name) if inspectors[i].wants(entry, size, head))
            if ctx.config.content_check != "off" and not _unchecked(entry):
                # content over name (session 17): a file whose first bytes are a family its name's format never
                # holds is read by the inspectors of its content, instead of those of its name (a CSV named
                # page.html, an .xlsx named 報告.rtf); one its name's inspectors pass over is read when its content
                # is one (名簿.jpg)
                wanted = _by_content(entry, size, head, ctx, wanted) or wanted
        head_error, affinity = head.error, None
    if tabled is not None and verdict is None and head_error is None and tabled[1].unchanged(tabled[0][-1]):
        _keep(ctx, tabled[0], wanted, tabled[1].read)  # (its bytes unchanged by the checks' own reads: a file that
        # grew is not tabled)
    if (wanted and not matches and series is not None and getattr(series, "plain", False) and series.complete
            and not spliced and entry.name in series.parts and entry.name != series.joined_as):
        wanted = ()  # a later piece of a whole split text: read inside its set's joined row (annotations.joined_parts),
        # not again alone (splits26: ``split -d``'s ``roster.csv.01`` ... read by content as well, 267 records of 150)
    if not matches and not wanted and not ctx.known_hashes:
        if head_error is not None:  # its content could not be checked at all: not examined
            unreadable(entry, matches, stat_of(), head_error, result)
        elif spliced and series is not None and series.plain:  # a piece of a split file nothing reads: still listed
            unreadable(entry, matches, stat_of(), ReadError(Status.UNSUPPORTED, _plain_part(entry.location.path, series,
                                                                                     read=False)), result)
        elif piece:  # a later piece whose first piece is not here (``archive.rar.ab`` alone): nothing read it
            return Candidate(matches, stat_of(), (), listed=(Status.UNSUPPORTED, piece))
        elif series is None and may_be_piece(entry.name) and entry.location.containers and (
                piece := _piece_listed(entry.name)):
            return Candidate(matches, stat_of(), (), listed=(Status.UNSUPPORTED, piece))  # in an image or archive:
            # not joined there, not read but hashed, and listed (split12: ``.002`` in a disk image ended as nothing)
        elif series is None and may_be_piece(entry.name) and not entry.location.containers and (
                piece := _piece_listed(entry.name, folder=True)):
            return Candidate(matches, stat_of(), (), listed=(Status.UNSUPPORTED, piece))  # a folder's later piece of a
            # text no series took (its first piece no text of it: zeros past its head): listed (images24: on no line)
        elif isinstance(broke := getattr(entry, "damage", None), str) and broke:  # a member its archive gave only
            unreadable(entry, matches, stat_of(), ReadError(Status.CORRUPT, unread(broke)), result)  # up to a break or a
            # failed check, that nothing reads (server.log): listed as damaged (review13e: it ended as nothing)
        return None
    if verdict is None:
        for i in wanted:
            same = getattr(ctx.inspectors[i], "affinity", None)
            if same is not None and (affinity := same(entry)) is not None:
                break
    return Candidate(matches, stat_of(), wanted, affinity)


# The decision table (issue 11, speed26b): a small file in a local folder is all in its head, so what the inspectors'
# ``wants`` and the content check decide of it is a function of its name's form and its bytes. A name of one plain
# form (one dot, no owner-file, recycle-bin or hidden prefix, an extension no program, class or piece name) is
# decided once per (path taken, extension as written, the inspectors asked, its bytes): the tree's 160,000 fakes of
# a few hundred distinct contents cost one look-up each. Not tabled: a name a prefixed inspector is asked about, a
# decision naming an inspector with an ``affinity`` (its value is the file's folder), anything read past its head
# or whose head could not be read (``bench/pick_decisions.py`` and tests/test_speed26b.py: every decision identical).
TABLE_BYTES = 512  # the largest file tabled: no longer than the head ``pick`` reads of it
TABLE_ROWS = 8192  # bounded: random bytes under a spreadsheet name are each a row of their own (then cleared)
_UNTABLED_EXTS = frozenset({".class", ".plist", ".iwa", ".sfx", *PE_EXTS})


Tabled = tuple[bool, str, tuple[int, ...], bytes]  # (by name, extension as written, inspectors asked, its bytes)


def _tabled(entry: Entry, size: int, by_name: bool, ctx: ScanContext) -> tuple[Tabled, LazyHead] | None:
    """The key of this file's decision in ``ctx.prefilter.decisions`` and the head ``pick`` reads (read now: the
    content check reads it for any file tabled), or None when the file is not tabled."""
    untabled = ctx.prefilter.untabled  # (review26s) what the inspectors declare their checks read: by name, folder
    if size > TABLE_BYTES or ctx.config.content_check == "off" or untabled is None or not getattr(entry, "plain", False):
        return None
    name = entry.name
    dot = name.find(".")
    if dot <= 0 or dot != name.rfind(".") or name[0] in "~$" or not name[dot + 1:].isalnum() \
            or name[-1:] in _DIGITS or not name.isprintable():
        return None
    ext = name[dot:]
    if (low := ext.casefold()) in _UNTABLED_EXTS or low in untabled or _unchecked(entry):
        return None
    asked = ctx.prefilter.asked(name) if by_name else ()
    if any(getattr(ctx.inspectors[i], "only_prefixes", None) for i in asked):
        return None
    # the head as ``pick`` builds it (whole: the file is no longer than it)
    head = LazyHead(entry, 512, size) if by_name else LazyHead(entry, HEAD_READ)
    if size == 0:  # not read now (as before: read when its row says the long way's checks read it, ``_known``)
        return (by_name, ext, asked, b""), head
    if size > (512 if by_name else HEAD_READ):
        return None
    data = head()
    if head.error is not None or len(data) != size:
        return None
    return (by_name, ext, asked, data), head


def _known(ctx: ScanContext, key: Tabled, head: LazyHead) -> tuple[int, ...] | None:
    """The tabled decision of a file of this key, or None (decided the long way). An empty file whose row says the
    long way's checks read it is read now as they read it (review26s: one stat'ed empty that had grown since took
    an empty file's row and was passed over; the long way's checks saw its bytes and wanted it)."""
    row = ctx.prefilter.decisions.get(key)
    if row is None or (row[1] and (head() or head.error is not None)):
        return None
    return row[0]


def _keep(ctx: ScanContext, key: Tabled, wanted: tuple[int, ...], read: bool) -> None:
    """Table a decision just made the long way (``_tabled``'s key; ``read``: its checks read the file), unless an
    inspector it names pairs files by where they are (``affinity``)."""
    if any(getattr(ctx.inspectors[i], "affinity", None) is not None for i in wanted):
        return
    table = ctx.prefilter.decisions
    if len(table) >= TABLE_ROWS:
        table.clear()
    table[key] = (wanted, read and not key[-1])


# Names whose walk checks read a small file past its head (a document's or a message's directory, a mail header
# block, a PDF's names, the read pass of a document without tables): such a file up to WHOLE_SMALL bytes is read
# whole when its head is first asked for, and the checks take their bytes from that read (``LocalEntry.read_small``,
# one open instead of two to four). A speed hint only: any name reads the same bytes either way.
WHOLE_SMALL = 1 << 16
REREAD_EXTS = frozenset({".doc", ".dot", ".ppt", ".pps", ".pot", ".rtf", ".docx", ".docm", ".dotx", ".pptx", ".pptm",
                         ".ppsx", ".odt", ".odp", ".msg", ".oft", ".eml", ".pdf"})


def _reread(name: str) -> bool:
    dot = name.rfind(".")
    return dot >= 0 and name[dot:].casefold() in REREAD_EXTS


CLASS_MAGIC = b"\xca\xfe\xba\xbe"


def compiled_class(name: str, head: Callable[[], bytes]) -> bool:
    """A compiled Java class under its own name: ``X.class`` whose first bytes are CAFEBABE and a class file's major
    version, 45 (Java 1.0) and up, below 256 (a .jar's members; its 512-byte head inflated alone,
    ``archive_formats.class_head``). A Mach-O universal binary starts CAFEBABE too, its architecture count (a few)
    where a class has its version (file(1) tells them apart so); text behind the magic (a table under a title line)
    has no NUL there. A table or workbook renamed ``X.class`` does not start so and is asked about as before."""
    if name[-6:].casefold() != ".class":
        return False
    first = head()
    return first[:4] == CLASS_MAGIC and first[6:7] == b"\0" and first[7:8] >= b"\x2d"


def _sized(entry: Entry) -> tuple[int, Callable[[], FileStat]]:
    """``entry.stat()`` as (its size, its FileStat when asked): a local file's times are turned into text only
    when the file is kept or listed (``LocalEntry.stat_sized``); ReadError as ``stat`` raises it."""
    sized = getattr(entry, "stat_sized", None)
    if sized is not None:
        return sized()
    st = entry.stat()
    return st.size, lambda: st


def _unchecked(entry: Entry) -> bool:
    """``checked_entry_ext(entry.name, entry.location) is None``, the location built only when the name has no
    extension (the only case where it is read): most files' location is never needed."""
    ext = checked_ext(entry.name)
    return ext is None or (ext == "" and checked_entry_ext(entry.name, entry.location) is None)


def _plain_part(name: str, series: Series, read: bool = True) -> str:
    """Why a part of an incomplete byte-split file (``X.csv.001`` ... with one missing) is listed: read joined with
    the first part of its run (its row, split12), or not examined (``read`` False: nothing reads it). Total."""
    try:
        base = name.rsplit("/", 1)[-1]
        n = int(base.rsplit(".", 1)[1])
        run = series.run_of(base) if read else None
        if run is not None and run.first != n:
            return say(Detail.SPLIT_SERIES_PARTLY, n=n, kind="split file", whole=series.whole,
                       problem=series.problem(), seen=say(Detail.SPLIT_READ_WITH, first=run.first))
        return say(Detail.SPLIT_SERIES_INCOMPLETE, n=n, kind="split file", whole=series.whole,
                   problem=series.problem(), seen=say(Detail.SPLIT_NOT_EXAMINED))
    except Exception:  # noqa: BLE001 -- a failure path never raises
        return "part of a split file whose parts are not all here: not joined, not examined"


def _later_piece(entry: Entry) -> tuple[str, bool]:
    """Why a later piece of a file cut by ``split`` with letters or digits or as ``X.partN``
    (``split_series.pieces_in``: its first piece no text, workbook or disk image: a RAR, a cabinet ...) is listed,
    and whether its first piece is here; "" for any other entry (its first piece too: examined as it is). Total."""
    try:
        series = getattr(entry, "series", None)
        if series is None or not getattr(series, "pieces", False):
            return "", False
        from .sources.split_series import piece_number

        n = piece_number(series, entry.name)
        if n < 2:
            return "", False
        seen = join_details([series.problem(), say(Detail.SPLIT_HEADERLESS)])  # first piece or others missing
        return (say(Detail.SPLIT_PIECE_OF, n=n, whole=series.whole, first=series.first_name, seen=seen),
                series.first_name in series.parts)
    except Exception:  # noqa: BLE001 - a failure path never raises
        return "", False


# a piece's name ends in its number (``split_series.piece_name``: ``X.EXT.NNN``, ASCII digits): any other name is
# none, known without building a local file's location or importing split_series (speed25b: ~3 us of each of the
# tree's ~110,000 picked files nothing wants)
_DIGITS = frozenset("0123456789")


def may_be_piece(name: str) -> bool:
    """Whether ``_piece_listed`` may list ``name``: it ends in an ASCII digit, or in one and a line feed (``_PIECE``'s
    ``$`` matches before a final line feed: review25s, ``報告.docx.002\\n`` in a zip ended as nothing)."""
    return name[-1:] in _DIGITS or (name[-1:] == "\n" and name[-2:-1] in _DIGITS)


def _piece_listed(name: str, folder: bool = False) -> str:
    """Why a later piece of a byte-split file (``X.EXT.NNN``, NNN > 1: ``split_series.piece_name``) that nothing
    reads, met where parts are not grouped (a disk image, an archive), is listed; "" for any other name. ``folder``:
    met in a folder whose series took it not (a text's piece only, LINE_EXTS: its first piece no text of it). Total."""
    try:
        from .sources.split_series import LINE_EXTS, piece_name

        piece = piece_name(name)
        if piece is None or piece[2] < 2:
            return ""
        if folder:
            return "" if piece[1] not in LINE_EXTS else say(
                Detail.SPLIT_PIECE_UNJOINED, n=piece[2], whole=piece[0], seen=say(Detail.SPLIT_NOT_EXAMINED))
        return say(Detail.SPLIT_PIECE_ALONE, n=piece[2], whole=piece[0], seen=say(Detail.SPLIT_NOT_EXAMINED))
    except Exception:  # noqa: BLE001 - a failure path never raises
        return ""


def _uneven(entry: Entry) -> Inspection | None:
    """The note of a whole split text joined though its parts are not one size but the last (``Series.uneven``:
    rows cut at line ends): ok, said on its row (splits26: ``split -C`` sets with a short middle part were joined
    without a word). None for any other entry. Total."""
    series = getattr(entry, "series", None)
    if series is None or getattr(entry, "joined", False) is not True or not getattr(series, "uneven", False):
        return None
    try:
        sizes = len(set(series.sizes[:-1]) | {series.sizes[-1]})
        return Inspection(detail=say(Detail.SPLIT_JOINED_UNEVEN, n=len(series.parts), whole=series.whole, sizes=sizes))
    except Exception:  # noqa: BLE001 - a note beside the row: the row is kept whatever happens
        return None


def _spliced(entry: Entry) -> Inspection | None:
    """What a run of an incomplete byte-split file read under its first part's row is (split12): ``corrupt``, the
    series' problem and what was read named. None for any other entry. Total."""
    splice, series = getattr(entry, "splice", None), getattr(entry, "series", None)
    if splice is None or series is None or not getattr(series, "plain", False):
        return None
    try:
        if getattr(entry, "alone", False):  # a piece in an archive, read on its own (series_join.piece_alone)
            return Inspection(status=Status.CORRUPT, detail=say(
                Detail.SPLIT_PIECE_ALONE, n=splice.first, whole=series.whole,
                seen=say(Detail.SPLIT_ALONE_FIRST if splice.starts_series else Detail.SPLIT_ALONE_READ)))
        if getattr(series, "unlike", False):  # rows of other tables named as one text's pieces: each read whole,
            return Inspection(detail=say(Detail.SPLIT_PIECES_UNLIKE, whole=series.whole))  # ok (review26p)
        if getattr(series, "apart", ""):  # pieces in two encodings named as one set (splits25): each read whole
            return Inspection(status=Status.CORRUPT, detail=say(Detail.SPLIT_PIECES_APART, n=splice.first,
                                                                whole=series.whole, encodings=series.apart.split(", ")))
        code = ((Detail.SPLIT_FRAGMENT_READ if splice.lines else Detail.SPLIT_PIECE_READ) if not splice.starts_series
                else Detail.SPLIT_RUN_READ if splice.lines else Detail.SPLIT_PREFIX_READ)
        detail = say(Detail.SPLIT_SERIES_PARTLY, n=splice.first, kind="split file", whole=series.whole,
                     problem=series.problem(), seen=say(code, first=splice.first, last=splice.last))
    except Exception:  # noqa: BLE001 -- a failure path never raises
        detail = "part of a split file whose parts are not all here: read up to the gap"
    return Inspection(status=Status.CORRUPT, detail=detail)


def _by_content(entry: Entry, size: int, head: LazyHead, ctx: ScanContext,
                named: tuple[int, ...] = ()) -> tuple[int, ...]:
    """The inspectors that read a file by its content when its first bytes contradict its extension
    (``wants_disguised``, scanner.inspectors.disguise), else none. An inspector that declares ``disguise_only``
    is not asked about bytes ``look`` already found no disguise in (its answer would be False: the same check).
    ``named``: the inspectors its name's format wants; when the content is no disguise they stay the readers and
    the others are not asked (the content check then costs the head read for them anyway: no more)."""
    if size == 0:
        return ()
    first = head()
    found, more = look(entry.name, first)
    checked = found is None  # ``disguise.check(entry.name, first)`` is None: known, not asked again
    if found is None and more and (longer := head_of(entry, more)):
        first, checked = longer, False  # a tar's magic at 257, a table under a title, markup's namespace
        if named and disguise_check(entry.name, first) is None:
            return ()
    elif named and checked:
        return ()
    return tuple(i for i, ins in enumerate(ctx.inspectors)
                 if (wants := getattr(ins, "wants_disguised", None)) is not None
                 and not (checked and getattr(ins, "disguise_only", False)) and wants(entry, first))


def head_of(entry: Entry, size: int = HEAD_READ) -> bytes | None:
    """The first ``size`` bytes of a file (read-only, without touching atime, as every read), or None when they
    cannot be read; a local file in one open and read, without a file object (``LocalEntry.quick_head``: None for
    the row of a joined split series, whose ``open`` joins its parts, and after the walk left the folder; then the
    entry's own ``open`` reads, review15b: the first part alone was read, a page's table past it never seen)."""
    quick = getattr(entry, "quick_head", None)
    if quick is not None and (data := quick(size)) is not None:
        return data
    try:
        with entry.open() as f:
            return f.read(size)
    except (ReadError, OSError):
        return None


def by_content(ctx: ScanContext, names: list[str], picked: Sequence[int], entry_of: Callable[[int], Entry],
               remote: bool = False, heads: Callable[[list[int], int], list[bytes | None]] | None = None,
               ) -> Iterator[tuple[int, Entry]]:
    """The files of a folder to examine, in ascending order (each entry made once): those ``picked`` by their
    names, and those whose extension no inspector reads (``photo.jpg``) but whose first ``HEAD_CHECK`` bytes
    contradict it (scanner.inspectors.disguise). ``heads``: the source reads many heads at once (a local folder);
    ``remote``: a source where each read is a round trip (SMB), checked only with ``--content-check all``."""
    mode = ctx.config.content_check
    if mode == "off" or (remote and mode != "all") or len(picked) == len(names):
        for i in picked:
            yield i, entry_of(i)
        return
    chosen = set(picked)
    todo = [i for i, name in enumerate(names) if i not in chosen and checked_ext(name) is not None]
    if not todo:
        for i in picked:
            yield i, entry_of(i)
        return
    made: dict[int, Entry] = {}

    def made_entry(i: int) -> Entry:
        if i not in made:
            made[i] = entry_of(i)
        return made[i]

    if heads is not None:
        for i, head in zip(todo, heads(todo, HEAD_READ), strict=True):
            found, more = look(names[i], head or b"")
            longer = heads([i], more)[0] or b"" if found is None and more else b""
            if found is not None or (more and (disguise_check(names[i], longer) is not None
                                               or records_past_head(made_entry(i), longer))):
                chosen.add(i)  # more: a tar's magic at 257, a table under a title, markup's namespace; XML records
                # past the head (xml20)
        for i in sorted(chosen):
            yield i, made[i] if i in made else entry_of(i)
        return
    checking = set(todo)
    for i in sorted(chosen | checking):
        entry = entry_of(i)
        if i in checking:
            found, more = look(names[i], head_of(entry) or b"")
            longer = head_of(entry, more) or b"" if found is None and more else b""
            if found is None and not (more and (disguise_check(names[i], longer) is not None
                                                or records_past_head(entry, longer))):
                continue
        yield i, entry


def examine_entry(entry: Entry, ctx: ScanContext) -> None:
    """Everything leakscan does with one file, in this process (archive members inside a worker)."""
    if entry.location.containers and getattr(entry, "series", None) is None:
        from .sources.series_join import piece_alone

        entry = piece_alone(entry) or entry  # a piece of a split text file in an archive: read on its own (split12)
    ctx.result.files_seen += 1
    ctx.progress.file()
    found = pick(entry, ctx, ctx.result)
    if found is not None:
        finish(entry, found, ctx)


def finish(entry: Entry, cand: Candidate, ctx: ScanContext, pre: ReadResult | None = None) -> None:
    """The read pass, the inspectors and the hit, into ``ctx.result``; children are examined here too.
    ``pre``: the read pass the scan process made (``read_once``) of a file it settles itself, used as it is:
    an empty file, or one every wanted inspector ``settles_here`` (decodes nothing: no person record can
    come of it, so no fingerprint builder is made and the classifiers are not imported for it)."""
    config, result = ctx.config, ctx.result
    matches, st = cand.matches, cand.stat
    poison = ctx.poisoned.get(entry.location.key()) if ctx.poisoned else None
    if poison is not None and poison.step == READING:
        unreadable(entry, matches, st, ReadError(poison.status, poison.detail), result)
        return
    wanted = [ctx.inspectors[i] for i in cand.wanted]
    keep = config.max_inspect_bytes if wanted else 0
    mark(READING, config.parse_timeout + st.size / READ_RATE, entry.location)
    try:
        if pre is None:
            st, read = _read_steady(entry, st, keep, ctx)
        else:
            read = pre
            if read.digests.size:  # counted as hash_stream counts a file of one chunk
                _bytes_counter(ctx)(read.digests.size)
    except ReadError as e:
        unreadable(entry, matches, st, e, result)
        return
    except OSError as e:
        unreadable(entry, matches, st, ReadError(Status.UNREADABLE, os_error(e)), result)
        return
    # libmagic only for hits (their "type" in findings.json): inspectors sniff the bytes themselves
    ctype = content_type(read.head) if matches else ""
    inspections: list[Inspection] = []
    in_place: list[Inspector] = []
    if wanted and read.data is None:
        in_place = [i for i in wanted if getattr(i, "opens_itself", False)]  # e.g. a disk image, read where it is
        if len(in_place) < len(wanted):
            inspections.append(Inspection(status=Status.TOO_LARGE,
                                          detail=say(Detail.BYTES_OVER_CAP, size=read.digests.size,
                                                     cap=config.max_inspect_bytes)))
        wanted = []
    reasons = [m.reason for m in matches]
    rule_names = [f"{m.reason}:{m.rule}" for m in matches]
    d = read.digests
    # a joined split series' first part: its own file's digests too (review11a); read when they can matter
    own = _own_digests(entry, st, ctx) if ctx.known_hashes else None
    if ctx.known_hashes and ({d.sha256, d.sha1, d.md5} & ctx.known_hashes or (
            own and {own.get("sha256"), own.get("sha1"), own.get("md5")} & ctx.known_hashes)):
        reasons.append(Reason.KNOWN_HASH)
        rule_names.append(Reason.KNOWN_HASH)
    # person records stream into keyed fingerprints as the sheets are read (the whole rows of a file found
    # by name or hash: it may be counted; only the distinct persons of any other)
    sink = None
    if wanted and read.data is not None and pre is not None:  # settled here: nothing is decoded
        result.inspected += 1
        inspections = [_inspect(ins, entry, read.data, ctype, ctx, poison) for ins in wanted]
    elif wanted and read.data is not None:
        record_sink, builder = _printing()
        sink = builder(_case_key(ctx), rows=bool(reasons), unmask=config.unmask)
        result.inspected += 1
        token = record_sink.set(sink)
        try:
            with held_ole(read.data):  # a compound file olefile fails on is parsed once for all the inspectors (the
                # archive inspector's sniff and objects, the spreadsheet inspector's sniff: a fake .doc, issue 11)
                inspections = [_inspect(ins, entry, read.data, ctype, ctx, poison) for ins in wanted]
        finally:
            record_sink.reset(token)
    elif in_place:  # over --max-inspect-mb: only the inspectors that read the file where it is, given its head
        result.inspected += 1
        inspections += [_inspect(ins, entry, read.head, ctype, ctx, poison) for ins in in_place]
        wanted = in_place

    partly = _spliced(entry) or _uneven(entry)
    if partly is not None:  # a run of an incomplete split file: listed with the gap named, whatever was read (a
        inspections.insert(0, partly)  # text's parts of many sizes joined: an ok row that says so)
    if cand.listed is not None:  # a piece nothing reads: listed with its own digests (split15)
        inspections.insert(0, Inspection(status=cand.listed[0], detail=cand.listed[1]))
    pii = None
    records = None
    annotations: dict[str, Any] | None = None
    bad = [i for i in inspections if i.status != Status.OK]
    for ins in inspections:
        reasons += ins.reasons
        rule_names += ins.rules
        pii = ins.pii if ins.pii is not None else pii
        records = ins.records if ins.records is not None else records
        annotations = {**(annotations or {}), **ins.annotations} if ins.annotations else annotations
    disguise = (disguise_check(entry.name, read.head[:MARKUP_CHECK])
                if checked_entry_ext(entry.name, entry.location) is not None else None)
    if disguise is None:  # an inspector saw it in the content (a workbook package named .docx)
        disguise = next((Disguise.of_rule(r) for r in rule_names if r.startswith(DISGUISE_RULE)), None)
    if disguise is not None and disguise.family in TEXT_FAMILIES and not bad and not (
            {Reason.PII, Reason.PII_NAMES} & set(reasons)):
        disguise = None  # a header's words alone (name,address of hosts in a .log): read, and no person in it
    if disguise is not None:  # its content contradicts its name: a finding of its own (a lead), and said so
        reasons.append(Reason.EXTENSION_MISMATCH)
        rule_names.append(disguise.rule)
    reasons = list(dict.fromkeys(reasons))
    status = _first_said(bad).status if bad else Status.OK
    detail = join_details(dict.fromkeys(i.detail for i in (bad or inspections) if i.detail))  # an ok read may carry
    # a note; one said by two inspectors once (review18d: a damaged head both restored)
    broke = getattr(entry, "damage", None)  # a member its archive gave only in part, or with a failed check
    if isinstance(broke, str) and broke and broke not in detail:  # (the table reader says it itself)
        # Session 12: a member read up to a break that no table reader took (a .jpg, 1000 bytes of a lying zip)
        # was listed ok or "binary content": the damage said nowhere
        status = Status.CORRUPT if status in (Status.OK, Status.UNSUPPORTED) else status
        detail = join_details(x for x in (detail, broke) if x)
        bad = bad or [Inspection(status=status, detail=detail)]
    if reasons:
        own = own if own is not None else _own_digests(entry, st, ctx)
        if own:
            annotations = {**(annotations or {}), "part_digests": own}
        joined_parts = _joined_parts(entry)
        if joined_parts:  # the parts read inside this row: a rescan's diff finds them here (fixsplit12)
            annotations = {**(annotations or {}), "joined_parts": joined_parts}
        # a member read up to a break, or whose bytes failed their archive's check (Session 12: every byte up to a
        # CRC failure is kept, so the size matches): the digests are not the member's as stored
        if (d.size != st.size or (isinstance(broke, str) and broke)) and status != Status.OK:
            annotations = {**(annotations or {}), "digests_partial": {"bytes": d.size, "size": st.size}}
        ctype = ctype or content_type(read.head)
        hit = FileHit(entry.location, st, d, ctype, reasons, status=status, status_detail=detail,
                      deleted=entry.deleted,
                      type_mismatch=disguise.note(ctype) if disguise is not None else mismatch(entry.name, ctype),
                      matched_rules=list(dict.fromkeys(rule_names)), pii=pii, annotations=annotations)
        result.hits.append(hit)
        if sink is not None and sink.total:  # the records went into the sink as they were read
            result.prints[len(result.hits) - 1] = sink.result()
        elif records is not None:  # an inspector that read them elsewhere (a separate parser process)
            from .persons.prints import file_prints

            result.prints[len(result.hits) - 1] = file_prints(
                records, _case_key(ctx), rows=any(r != Reason.PII for r in reasons), unmask=config.unmask)
    if bad:
        result.skipped.append(Skipped(entry.location, status, detail, d.sha256))
        if not reasons:  # no row names the parts read inside this one (annotations.joined_parts): each listed
            result.skipped.extend(_joined_listed(entry, status))
    for inspector, found in zip(wanted, inspections[len(inspections) - len(wanted):], strict=True):
        if found.children:
            walk_items(found.children, ctx, entry, inspector.name)


def _joined_listed(entry: Entry, status: Status) -> list[Skipped]:
    """The other parts of a whole split series whose joined row was not examined (``list.rar.001`` ... read
    joined: a RAR nothing reads) or failed, each listed with the row's status and naming it (rar14: they ended as
    nothing, the row alone listed); [] for any other entry. Total."""
    try:
        series = getattr(entry, "series", None)
        if getattr(entry, "joined", False) is not True or series is None or len(series.parts) < 2:
            return []
        own = entry.location.path.rsplit("/", 1)[-1]
        row = series.joined_as
        at = series.parts.index(row) + 1 if row in series.parts else 1
        folder = entry.location.path[:len(entry.location.path) - len(own)]
        raw = entry.location.raw_path_hex
        out = []
        for k, name in enumerate(series.parts, 1):
            if name == row:
                continue
            here = None
            if raw:  # the folder's own bytes, the part's name as listed (surrogate-escaped when not UTF-8)
                base = bytes.fromhex(raw)
                here = (base[:base.rfind(b"/") + 1] + name.encode("utf-8", "surrogateescape")).hex()
            location = replace(entry.location, path=folder + encodable(name), raw_path_hex=here)
            out.append(Skipped(location, status, say(Detail.SPLIT_PIECE_OF, n=k, whole=series.whole, first=row,
                                                     seen=say(Detail.SPLIT_READ_WITH, first=at))))
        return out
    except Exception:  # noqa: BLE001 - a failure path never raises (the row is listed whatever happens)
        return []


def _joined_parts(entry: Entry) -> list[str] | None:
    """The names of the parts read inside a split series' row (a whole series joined, or a ``Splice``'s run: the
    parts beside the row's own, in its folder), as the walk shows them; None for any other entry. Total."""
    try:
        splice = getattr(entry, "splice", None)
        series = getattr(entry, "series", None)
        if splice is not None:
            names = splice.names
        elif getattr(entry, "joined", False) is True and series is not None:
            names = series.parts
        else:
            return None
        shown = [encodable(n) for n in names if isinstance(n, str)]
        return shown if len(shown) > 1 else None
    except Exception:  # noqa: BLE001 - a note beside the row: the row is kept whatever happens
        return None


def _own_digests(entry: Entry, st: FileStat, ctx: ScanContext) -> dict[str, Any] | None:
    """The first part of a whole split series (``X.7z.001``; ``X.zip`` of a spanned zip) is read as the joined
    archive, whose digests are the row's; the part itself is evidence as it was sent, so its own size and digests
    are recorded beside them (``annotations.part_digests``) and matched against ``--known-hashes``. None for any
    other entry. A part that cannot be read again is said so in the same place (``error``): never raises."""
    open_own = getattr(entry, "open_own", None)
    if open_own is None:
        return None
    try:
        mark(READING, ctx.config.parse_timeout + st.size / READ_RATE, entry.location)  # a second read: its own clock
        with open_own() as stream:
            own = hash_stream(stream, progress=_bytes_counter(ctx)).digests
    except (OSError, ReadError) as e:
        return {"error": getattr(e, "detail", None) or getattr(e, "strerror", None) or type(e).__name__}
    except Exception as e:  # noqa: BLE001 - a failure path: the joined archive's row is kept whatever happens
        return {"error": type(e).__name__}
    return {"size": own.size, "md5": own.md5, "sha1": own.sha1, "sha256": own.sha256}


def _read_steady(entry: Entry, st: FileStat, keep: int, ctx: ScanContext) -> tuple[FileStat, ReadResult]:
    """Read and hash ``entry`` once; a file that changed while it was read (bytes read differ from the
    size stat'ed, or its size or modified time moved between open and end of the read) is read once
    more, and then is ``changed-during-read`` (with both sizes): its digests would mix two versions.
    Archive members are exempt: their sizes come from the archive, and a mismatch there is damage."""
    hashed = getattr(entry, "hashed", None)  # read and hashed where it lies (a disk image's walker process)
    if hashed is not None:
        return hashed(_bytes_counter(ctx))
    for attempt in (1, 2):
        with entry.open() as stream:
            before = _fstat(stream)
            read = hash_stream(stream, keep_limit=keep, progress=_bytes_counter(ctx))
            after = _fstat(stream)
            told = getattr(stream, "changed", None)  # a stream that compares its file's identity itself (SMB)
            changed = (told() if told is not None else "") or _change(st, read.digests.size, before, after)
        if not changed or (entry.location.containers and entry.location.containers[-1].kind == "archive"):
            return st, read
        if attempt == 1:
            st = entry.stat()
    raise ReadError(Status.CHANGED_DURING_READ, changed)


def read_capped(stream: IO[bytes], size: int, cap: int) -> bytes:
    """Up to ``cap`` + 1 bytes of a file whose stat said ``size`` (the + 1 tells a file over the cap).

    Asks for the size said plus one byte first, the rest only when the file holds more than it said (it grew):
    ``read(cap + 1)`` on a buffered stream allocates the whole 256 MiB buffer for every small file (about
    16 us each, a third of an image walker's time on a share of small files)."""
    want = min(size, cap) + 1
    data = stream.read(want)
    if len(data) == want and want <= cap:
        data += stream.read(cap + 1 - want)
    return data


_EMPTY = hash_bytes(b"")


def read_once(entry: Entry, cand: Candidate, max_inspect: int,
              settles: Callable[[bytes], bool] | None = None) -> ReadResult | None:
    """The read pass of a small file (at most one chunk) as ``finish`` would make it, made where the file
    is listed so it is read once: None when it could not be read or changed while it was read (then the
    file takes the usual path, which reads it again and records why). ``settles``: asked of the bytes before
    they are hashed; None (no digests made) when it says no."""
    if cand.stat.size > CHUNK:
        return None
    keep = max_inspect if cand.wanted else 0
    small = getattr(entry, "read_small", None)  # a local file: one open, no file object (sources.local)
    if small is not None:
        got = small(cand.stat.size + 1)  # a byte more than listed shows a file that grew
        if got is None:
            return None
        data, before, after = got
        if _change(cand.stat, len(data), before, after) or (settles is not None and not settles(data)):
            return None
        digests = hash_bytes(data) if data else _EMPTY  # an empty file's digests are known
        return ReadResult(digests, data[:HEAD], data if 0 < keep and len(data) <= keep else None)
    try:
        with entry.open() as stream:
            before = _fstat(stream)
            read = hash_stream(stream, keep_limit=keep)
            after = _fstat(stream)
            told = getattr(stream, "changed", None)
            if (told() if told is not None else "") or _change(cand.stat, read.digests.size, before, after):
                return None
    except (ReadError, OSError):
        return None
    if settles is not None and (read.data is None or not settles(read.data)):
        return None
    return read if read.digests.size <= CHUNK else None


def _fstat(stream: Any) -> tuple[int, int] | None:
    """(size, mtime in ns) of an open local file; None for streams without a descriptor (images, SMB)."""
    try:
        st = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    return st.st_size, st.st_mtime_ns


def _change(st: FileStat, n_read: int, before: tuple[int, int] | None, after: tuple[int, int] | None) -> str:
    if before is not None and after is not None and before != after:
        what = "size" if before[0] != after[0] else "modified time"
        return (f"changed while it was read ({what}): {before[0]} bytes when opened, {after[0]} bytes after the "
                f"read, {n_read} bytes read")
    if n_read != st.size:
        return f"changed while it was read: {st.size} bytes when listed, {n_read} bytes read"
    return ""


def _inspect(ins: Inspector, entry: Entry, data: bytes, ctype: str, ctx: ScanContext, poison: Poison | None) -> Inspection:
    """One inspector, under the worker's clock; one that killed a worker on this file is not run again."""
    if poison is not None and poison.step == ins.name:
        return Inspection(status=poison.status, detail=poison.detail)
    mark(ins.name, ctx.config.parse_timeout + INSPECT_SLACK)
    return run_inspector(ins, entry, data, ctype, ctx)


@cache
def _printing() -> tuple[ContextVar[Any], type[PrintBuilder]]:
    """The record sink and the fingerprint builder, imported when a file is first inspected in this process
    (with the classifiers and the normalisation: not in a scan process that inspects nothing itself)."""
    from .detectors.pii import RECORD_SINK
    from .persons.prints import PrintBuilder

    return RECORD_SINK, PrintBuilder


def _case_key(ctx: ScanContext) -> bytes:
    """The key person fingerprints are made with (the scan sets the case's; a bare context gets a random one)."""
    if ctx.case_key is None:
        ctx.case_key = secrets.token_bytes(32)
    return ctx.case_key


def _bytes_counter(ctx: ScanContext) -> Callable[[int], None]:
    def count(n: int) -> None:
        ctx.result.bytes_read += n
        ctx.progress.bytes(n)

    return count


class Lists(Protocol):
    """Where a file's hits and skips go: the scan's result, or one file's outcome."""

    hits: list[FileHit]
    skipped: list[Skipped]


def unreadable(entry: Entry, matches: list[NameMatch], st: FileStat, err: ReadError, result: Lists) -> None:
    """A file that could not be read: skipped, and still a hit when its name matched."""
    result.skipped.append(Skipped(entry.location, err.reason, err.detail))
    if matches:
        result.hits.append(FileHit(
            entry.location, st, None, "unknown", list(dict.fromkeys(m.reason for m in matches)),
            status=err.reason, status_detail=err.detail, deleted=entry.deleted,
            matched_rules=[f"{m.reason}:{m.rule}" for m in matches]))


_NOT_ENTRIES = (NameBatch, Skipped, Link)


def _marked(items: Iterable[Item | NameBatch], parent: Entry, step: str, limit: float) -> Iterator[Item | NameBatch]:
    it = iter(items)
    while True:
        mark(step, limit, parent.location)
        try:
            item = next(it)
        except StopIteration:
            return
        yield item


def walk_items(items: Iterable[Item | NameBatch], ctx: ScanContext, parent: Entry | None = None,
               step: str = "") -> None:
    """Examine, in this process, every item a container (an archive) yields. Listing the next member may
    decode (a 7z solid block): that work is the ``parent``'s, in the ``step`` of the inspector that opened it."""
    limit = ctx.config.parse_timeout + INSPECT_SLACK
    for item in _marked(items, parent, step, limit) if parent is not None else items:
        if not isinstance(item, _NOT_ENTRIES):
            examine_entry(item, ctx)
        elif isinstance(item, NameBatch):
            picked = ctx.prefilter.pick(item.names, item.framed)
            examined = 0
            for _, entry in by_content(ctx, item.names, picked, item.entry, heads=getattr(item, "heads", None)):
                examined += 1
                examine_entry(entry, ctx)
            ctx.result.files_seen += len(item.names) - examined
        elif isinstance(item, Skipped):
            ctx.result.skipped.append(item)
        else:
            ctx.result.links.append(item)


_NOT_A_TABLE = {Detail.NOT_A_TABLE_NAMED.value, Detail.BINARY.value}


def _first_said(bad: list[Inspection]) -> Inspection:
    """The inspection whose status a file takes: the first, unless it is only a table reader's "not a table"
    (``not-a-table-named``, ``binary``) and another reader said what the file is (damage21: an encrypted PDF named
    .txt was `unsupported`, the PDF reader's `encrypted` said after it)."""
    first = bad[0]
    said = {c.get("code") for c in codes_of(first.detail)} if len(bad) > 1 and first.status == Status.UNSUPPORTED else set()
    if said and said <= _NOT_A_TABLE:
        return next((i for i in bad[1:] if i.status != Status.UNSUPPORTED), first)
    return first
