"""Split series joined over any source (split12): a folder's listing (names and sizes) and entries that ``stat``,
``open`` and ``ref`` are all it needs, so an SMB share joins ``X.7z.001 ...``, ``customers.csv.001 ...`` and
``X.z01 ... X.zip`` as a local folder does (scanner.sources.split_series decides what a series is; the local walk
keeps its own entries, which open every part through the checked folder descriptor).

``entry_for`` turns one listed entry into what the pipeline examines: the first part of a whole series (or of what
can be read of an incomplete one: ``Splice``) becomes a ``SeriesEntry`` whose bytes are its parts' joined; any
other part a ``SeriesPart`` that knows its series (the inspectors list it, or leave it to the joined row). Both
travel to a worker as plain values over their parts' own refs.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, Protocol, cast

from ..codes import Status
from ..details import Detail, os_error, say
from ..errors import ReadError
from ..models import Entry, FileStat, Location, Skipped
from .base import NameBatch
from .image_sniff import HEAD, TAIL, quick_kind, segment_head
from .split_series import (
    LINE_EXTS,
    PART_NAME,
    TAIL_TEXT,
    Segment,
    Series,
    Splice,
    Zeros,
    concat,
    header_line,
    holds_part_name,
    is_text,
    is_utf16_text,
    piece_name,
    series_in,
    spanned_beside,
    spanned_in,
    splice_segments,
    text_or_container,
)

Part = tuple["Series | None", "bool | None"]  # a part's series (None for a lone X.zNN) and whether X.zip is beside


def parts_in(names: Iterable[str], size_of: Callable[[str], int | None],
             head_of: Callable[[str], bytes | None] | None = None,
             plain_of: Callable[[str], bool] | None = None,
             text_of: Callable[[str], bool] | None = None,
             tail_of: Callable[[str], bytes | None] | None = None,
             segment_of: Callable[[str], bool] | None = None, images: bool = False) -> dict[str, Part]:
    """The parts of split series among a folder's plain file ``names`` -> (series, X.zip beside): what the local
    walk's ``find_parts`` finds, for any source (one regular-expression search first: nothing more for a folder
    without a ``.NNN``/``.zNN`` name)."""
    listed = list(names)
    if not holds_part_name("\0".join(listed) + "\0"):
        return {}
    out: dict[str, Part] = {}
    for name, series in series_in(listed, size_of, head_of, frozenset(), plain_of, text_of, tail_of,
                                  segment_of, images).items():
        out[name] = (series, None)
    for name, beside in spanned_beside(listed).items():
        out[name] = (None, beside)
    for name, series in spanned_in(listed, size_of).items():
        out[name] = (series, True)
    return out


def no_image(head: bytes, tail: bytes) -> bool:
    """Whether the first part of a byte-split file (its first HEAD bytes, its last TAIL bytes) is no disk image by
    its fixed signatures (no decoder runs): then its series is read joined as X.EXT. Zeros first: a file system
    that signs further in (the image inspector decides), unless the zeros end inside the head and text follows them
    with no signature of a file system there (images24: ``zeroed.csv.001`` whose first 4 KiB were zeroed was
    ``not-a-disk-image`` and its ``.002``, 53 persons, on no line; joined, the text reader says the NUL block)."""
    if len(head) >= 512 and not any(head[:512]):
        rest = head.lstrip(b"\0")
        if len(rest) < 64 or not is_text(rest[:512]) or len(head) - len(rest) < 512:
            return False
    return quick_kind(head, tail) is None


def edges(read_range: Callable[[int, int], bytes], size: int) -> tuple[bytes, bytes]:
    """The first HEAD and last TAIL bytes of a file of ``size`` bytes, as the image inspector reads them."""
    return read_range(0, HEAD), (read_range(size - TAIL, TAIL) if size >= 2 * TAIL else b"")


BYTES_HERE = 256 << 20  # a series whose parts have no ref of their own is read here up to this size (the default
# --max-inspect-mb); a larger one is left to the pipeline (hashed here, as any file without a ref)


def ref_or_bytes(entry: Entry) -> PartRef | None:
    """An entry's ref; else its bytes read here (a BytesRef: what the pipeline would send for it); None when
    they cannot be read here (the pipeline then reads and lists the failure)."""
    ref = getattr(entry, "ref", None)
    found = ref() if ref is not None else None
    if found is not None:
        return found
    try:
        if entry.stat().size > BYTES_HERE:
            return None
        with entry.open() as f:
            return PartBytes(bytes(f.read()))
    except (ReadError, OSError):
        return None


class PartRef(Protocol):
    """How a worker re-creates a part's entry (the pipeline's EntryRef, restated: sources sit below scanner.work)."""

    def entry(self, location: Location, name: str, deleted: bool, st: FileStat) -> Entry: ...


class PartBytes:
    """A part's bytes read by the scan process (its source gives no ref): a plain value; its entry opens them."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __reduce__(self) -> tuple[type, tuple[bytes]]:
        return (PartBytes, (self.data,))

    def entry(self, location: Location, name: str, deleted: bool, st: FileStat) -> _InMemory:
        return _InMemory(location, name, dataclasses.replace(st, size=len(self.data)), self.data)


class _InMemory:
    """A part whose bytes travelled (PartBytes)."""

    __slots__ = ("location", "name", "_stat", "_data")
    deleted = False
    kind = "file"

    def __init__(self, location: Location, name: str, st: FileStat, data: bytes) -> None:
        self.location, self.name, self._stat, self._data = location, name, st, data

    def stat(self) -> FileStat:
        return self._stat

    def open(self) -> IO[bytes]:
        return io.BytesIO(self._data)


def open_pieces(segments: tuple[Segment, ...], open_part: Callable[[int], Callable[[], IO[bytes]]]) -> IO[bytes]:
    """The pieces of a series read as one file (``open_part(i)``: how part i is opened; index -1: zeros)."""
    def zeros(n: int) -> Callable[[], IO[bytes]]:
        return lambda: cast(IO[bytes], Zeros(n))

    openers = [open_part(i) if i >= 0 else zeros(length) for i, _start, length in segments]
    return concat(openers, [s[2] for s in segments], [s[1] for s in segments])


class SeriesPart:
    """A part of a split series that is not its row: the source's own entry, knowing its series."""

    checked = None  # a disk image walker's verdict on the part alone is not taken: its series decides (split15)

    def __init__(self, entry: Entry, series: Series | None, zip_beside: bool | None) -> None:
        self._entry, self.series, self.zip_beside = entry, series, zip_beside

    def __getattr__(self, name: str) -> Any:
        return getattr(self._entry, name)

    def ref(self) -> SeriesPartRef | None:
        """The part's own ref, or its bytes when the source has none for it (a file an SMB walk fetched whole, a
        password typed at the prompt): a worker still knows the file is a part of its series."""
        inner = ref_or_bytes(self._entry)
        return None if inner is None else SeriesPartRef(inner, self.series, self.zip_beside)


class SeriesPartRef:
    """How a worker re-creates a ``SeriesPart``: the part's own ref and its series."""

    __slots__ = ("inner", "series", "zip_beside")

    def __init__(self, inner: PartRef, series: Series | None, zip_beside: bool | None) -> None:
        self.inner, self.series, self.zip_beside = inner, series, zip_beside

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return (SeriesPartRef, (self.inner, self.series, self.zip_beside))

    def entry(self, location: Location, name: str, deleted: bool, st: FileStat) -> SeriesPart:
        return SeriesPart(self.inner.entry(location, name, deleted, st), self.series, self.zip_beside)


class SeriesEntry:
    """The row of a split series: a whole series' parts joined (``joined``), or what a ``Splice`` reads of an
    incomplete one. Its location is its first part's; its name the joined file's for a plain file (X.csv, so the
    inspectors and name rules see a CSV), else the part's own; ``open_own`` the first part as it lies (its digests
    are recorded beside the row's: ``annotations.part_digests``)."""

    deleted = False
    kind = "file"

    def __init__(self, first: Entry, parts: list[Entry], series: Series, splice: Splice | None,
                 segments: tuple[Segment, ...] | None = None) -> None:
        self._first, self._parts, self.series, self.splice = first, parts, series, splice
        self.location: Location = first.location
        self.name: str = series.reads_as if series.plain else first.name
        self.joined = splice is None
        self.alone = False  # a piece read on its own (piece_alone): its other parts are not grouped where it lies
        self.zip_beside: bool | None = True if series.spanned else None
        self._segments = segments
        self.caps: object = None  # an archive member's caps (joined_in_folders): a joined archive inside shares them

    @property
    def disk_starts(self) -> tuple[int, ...] | None:
        """A spanned zip's parts' starts in the joined file (its members' offsets are per part), else None."""
        return self.series.disk_starts if self.series.spanned and self.joined else None

    def segments(self) -> tuple[Segment, ...]:
        """The pieces read: every part whole (a whole series), or a splice's (line ends searched at a run's edges
        through the parts' own ``open``: a few KiB)."""
        if self._segments is None:
            sizes = [p.stat().size for p in self._parts]
            if self.splice is None:
                self._segments = tuple((i, 0, s) for i, s in enumerate(sizes))
            else:
                def read_at(i: int, offset: int, n: int) -> bytes:
                    ranged = getattr(self._parts[i], "read_range", None)  # a remote file: that range only
                    if ranged is not None:
                        return bytes(ranged(offset, n))
                    with self._parts[i].open() as f:
                        if f.seekable():
                            f.seek(offset)
                        else:  # an archive member's stream: read forward to the range
                            left = offset
                            while left > 0 and (got := f.read(min(left, 1 << 20))):
                                left -= len(got)
                        return bytes(f.read(n))

                self._segments = tuple(splice_segments(self.splice, sizes, read_at))
        return self._segments

    def stat(self) -> FileStat:
        """The first part's stat with the joined size; a part that cannot be stat'ed or read at a run's edge is a
        ReadError (the row is listed), never another exception."""
        first = self._first.stat()
        try:
            return dataclasses.replace(first, size=sum(s[2] for s in self.segments()))
        except ReadError:
            raise
        except (OSError, ValueError) as e:
            raise ReadError(Status.UNREADABLE, os_error(e)) from e

    def open(self) -> IO[bytes]:
        return open_pieces(self.segments(), lambda i: self._parts[i].open)

    def open_own(self) -> IO[bytes]:
        return self._first.open()

    def ref(self) -> SeriesRef | None:
        """None when a part cannot be re-created in a worker (the scan process then reads the series itself). Parts
        with refs of their own (a worker reads them over its own connection) are never read here, whatever the
        series' size; only parts without one travel as bytes, up to BYTES_HERE for the series, each read once."""
        own: list[PartRef | None] = []
        for p in self._parts:
            make = getattr(p, "ref", None)
            own.append(make() if make is not None else None)
        if any(r is None for r in own):
            if self.stat().size > BYTES_HERE:
                return None
            own = [r if r is not None else ref_or_bytes(p) for r, p in zip(own, self._parts, strict=True)]
        refs = own
        first = next((r for p, r in zip(self._parts, refs, strict=True) if p is self._first), None)
        if first is None:
            first = ref_or_bytes(self._first)
        present = [r for r in refs if r is not None]
        if first is None or len(present) < len(refs):
            return None
        names = tuple(p.name for p in self._parts)
        return SeriesRef(first, tuple(present), names, self.series, self.splice, self.segments())


class SeriesRef:
    """How a worker re-creates a ``SeriesEntry``: its first part's ref, every part's, their names."""

    __slots__ = ("first", "parts", "names", "series", "splice", "segments")

    def __init__(self, first: PartRef, parts: tuple[PartRef, ...], names: tuple[str, ...], series: Series,
                 splice: Splice | None, segments: tuple[Segment, ...]) -> None:
        self.first, self.parts, self.names = first, parts, names
        self.series, self.splice, self.segments = series, splice, segments

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return (SeriesRef, (self.first, self.parts, self.names, self.series, self.splice, self.segments))

    def entry(self, location: Location, name: str, deleted: bool, st: FileStat) -> SeriesEntry:
        own = location.path.rsplit("/", 1)[-1]  # the first part's name (``name`` may be the joined file's)
        first = self.first.entry(location, own, deleted, st)
        parts = [r.entry(location, n, deleted, st) for r, n in zip(self.parts, self.names, strict=True)]
        return SeriesEntry(first, parts, self.series, self.splice, self.segments)


def entry_for(entry: Entry, part: Part | None, make: Callable[[str], Entry]) -> Entry:
    """What the pipeline examines for a listed ``entry`` of a folder whose parts are ``part`` (its ``parts_in``
    value, or None: the entry itself); ``make(name)``: the source's entry of another file of the same folder."""
    if part is None:
        return entry
    series, beside = part
    if series is not None and series.complete and entry.name == series.joined_as:
        return SeriesEntry(entry, [entry if n == entry.name else make(n) for n in series.parts], series, None)
    splice = series.splices().get(entry.name) if series is not None else None
    if series is not None and splice is not None:
        return SeriesEntry(entry, [entry if n == entry.name else make(n) for n in splice.names], series, splice)
    return SeriesPart(entry, series, beside)


def piece_alone(entry: Entry) -> SeriesEntry | None:
    """A piece of a byte-split text file (``customers.csv.002``) met where parts are not grouped (an archive's
    member): read on its own as X.EXT, cut at its line ends (its first line too unless it is part 1), so the rows
    of people wholly in it are counted and it is listed as a piece (it ended as nothing: no reader wants ``.002``).
    None for any other entry, or one whose size cannot be had. Total."""
    try:
        piece = piece_name(entry.name)
        if piece is None or piece[1] not in LINE_EXTS:
            return None
        whole, _, n = piece
        size = entry.stat().size
        series = Series(whole, (entry.name,), (size,), plain=True)
        splice = Splice(whole, (entry.name,), lines=True, starts_series=n == 1)
        joined = SeriesEntry(entry, [entry], series, splice)
        joined.alone = True
        return joined
    except Exception:  # noqa: BLE001 - a failure path: the entry is examined as it is
        return None


def held_part(item: object) -> bool:
    """Whether a container's item (an archive member) is named as a part of a split series (``PART_NAME``): held
    back until its folder's other members are known (``joined_in_folders``)."""
    name = getattr(item, "name", None)
    return (isinstance(name, str) and callable(getattr(item, "open", None))
            and (PART_NAME.search(name + "\0") is not None or _TEXT_PIECE.search(name) is not None))


# a later piece of a text table cut by ``split`` with its default two letters or ``-d``'s two digits (``roster.csv.ab``,
# ``roster.csv.02``; macOS ``split`` names so too): held with its first piece (``.aa``/``.00``, PART_NAME) so the set
# is joined as in a folder (splits26: in a zip only ``.aa`` was held, the later members read alone or not at all, 49
# of 150 persons). A compression's suffix (``list.csv.gz``) is no piece.
_TEXT_PIECE = re.compile(r"\.(?:" + "|".join(sorted(LINE_EXTS)) + r")\.(?!(?:gz|xz|lz|bz|br|sz)$)(?:[a-z]{2}|\d\d)$",
                         re.ASCII | re.IGNORECASE)


def _folder_of(entry: Entry) -> str:
    path = entry.location.path.replace("\\", "/")
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _member_reads(entries: dict[str, Entry], images: bool = False) -> dict[str, Part]:
    """``parts_in`` over a container's members: ``size_of``, ``head_of`` (HEAD bytes) and ``tail_of`` (the last
    TAIL_TEXT bytes), ``plain_of`` and ``text_of`` as a local folder's, over a container's members
    (their own ``open``: a member's bytes inflate under its archive's caps; a member that cannot be read gives
    None: its series is then not joined, and the member is examined and listed on its own)."""
    heads: dict[str, bytes | None] = {}
    tails: dict[str, bytes | None] = {}

    def size_of(name: str) -> int | None:
        try:
            return entries[name].stat().size
        except (ReadError, OSError, KeyError):
            return None

    def head_of(name: str) -> bytes | None:
        if name not in heads:
            try:
                with entries[name].open() as f:
                    heads[name] = bytes(f.read(HEAD))
            except (ReadError, OSError, KeyError, ValueError):
                heads[name] = None
        return heads[name]

    def tail_of(name: str) -> bytes | None:
        if name not in tails:
            try:
                kept = b""
                with entries[name].open() as f:
                    if f.seekable():  # a file in a disk image, a 7z or tar member held as bytes: its tail alone
                        # (review15f #7: a 4 GB part in an image was read whole to get it). One seek, by its size:
                        # a deflated member's stream inflates to a seek's place, and seeking to its end and back
                        # inflated it twice (review16e)
                        end = size_of(name)
                        f.seek(max(0, (f.seek(0, io.SEEK_END) if end is None else end) - TAIL_TEXT))
                    while got := f.read(1 << 20):
                        kept = (kept + got)[-TAIL_TEXT:]
                    if not kept and f.seekable() and f.tell():  # its size said more than it holds (a cut member)
                        f.seek(max(0, f.seek(0, io.SEEK_END) - TAIL_TEXT))
                        kept = f.read()[-TAIL_TEXT:]
                tails[name] = kept
            except (ReadError, OSError, KeyError, ValueError):
                tails[name] = None
        return tails[name]

    def plain_of(name: str) -> bool:
        head = head_of(name)
        return head is not None and no_image(head, (tail_of(name) or b"")[-TAIL:])

    def text_of(name: str) -> bool:
        head = head_of(name)
        return head is not None and text_or_container(head[:512])

    def segment_of(name: str) -> bool:
        head = head_of(name)
        return head is not None and segment_head(head, size_of(name), name)

    return parts_in(list(entries), size_of, head_of, plain_of, text_of, tail_of, segment_of, images)


def joined_in_folders(items: Iterable[Any], hold: int) -> Iterator[Any]:
    """A container's items (an archive's members) with the split series among each folder's members grouped and
    joined as a local folder's or a share's are (``parts_in``, ``entry_for``; split15: ``x.7z.001`` ... in a zip
    were each listed, unread). Members named as parts (``held_part``) are held back, up to ``hold`` bytes of them
    in all (their sizes as listed: more are passed on as they come, examined alone as before, and a folder one was
    passed on from is not grouped: no series there is said to miss it), and yielded after
    the others, each a ``SeriesEntry`` (the joined row), a ``SeriesPart`` or itself. Grouping that fails passes
    the held members on as they are."""
    held: list[Entry] = []
    kept = 0
    passed: set[str] = set()  # folders a part-named member was passed on from: their series are not all held
    numbered: dict[tuple[str, str], dict[int, tuple[int, Location, bytes | None]]] = {}  # (folder, stem) -> number ->
    # size, place, first bytes (read as the piece passes: a set over the hold is judged by them too, splits25)
    lettered: dict[tuple[str, str], dict[int, tuple[int, Location, bytes | None]]] = {}  # the same, text pieces
    for item in items:
        if held_part(item):
            try:
                size = item.stat().size
            except (ReadError, OSError):
                size = hold + 1
            if (n := _NUMBERED.match(item.name)) is not None:
                numbered.setdefault((_folder_of(item), n["stem"]), {})[int(n["n"])] = (size, item.location,
                                                                                      _first_bytes(item))
            elif (t := _LETTERED.match(item.name)) is not None and _TEXT_PIECE.search(item.name) is not None:  # ``big.csv.ab``, ``.02`` (_TEXT_PIECE): a text's
                # pieces cut by lines, of any sizes; said over the hold too (review26p: on no line, exit 0)
                key = t["n"].casefold()
                place = int(key) if key.isdigit() else (ord(key[0]) - 97) * 26 + ord(key[1]) - 96
                lettered.setdefault((_folder_of(item), t["stem"]), {})[place] = (size, item.location,
                                                                                 _first_bytes(item))
            if kept + size <= hold:
                held.append(item)
                kept += size
                continue
            passed.add(_folder_of(item))
        yield item
    yield from _not_held(numbered, passed, hold)
    yield from _not_held(lettered, passed, hold, lines=True)
    folders: dict[str, dict[str, Entry]] = {}
    for entry in held:
        folders.setdefault(_folder_of(entry), {}).setdefault(entry.name, entry)
    seen: set[int] = set()
    for folder, entries in folders.items():
        try:  # a folder with a piece passed on is not grouped: its held pieces would make a series with that
            # piece "missing" though it lies beside them (review15f); each examined alone, as before split15
            parts = _member_reads(entries, images=True) if folder not in passed else {}  # a raw image's every
            # segment joined too (segs23: no image reader finds disk.001's siblings among an archive's members)
        except Exception:  # noqa: BLE001 - a failure path: the members are then examined one by one, as before
            parts = {}
        for name, entry in entries.items():
            seen.add(id(entry))
            made = entry_for(entry, parts.get(name), entries.__getitem__) if name in parts else entry
            if isinstance(made, SeriesEntry):
                made.caps = getattr(entry, "caps", None)  # a joined archive inside: opened under the same budget
            yield made
    for entry in held:  # a name twice in one folder: the second examined alone
        if id(entry) not in seen:
            yield entry


_NUMBERED = re.compile(r"^(?P<stem>.+)\.(?P<n>\d{3,4})$", re.ASCII)
_LETTERED = re.compile(r"^(?P<stem>.+\.(?:" + "|".join(sorted(LINE_EXTS)) + r"))\.(?P<n>[a-z]{2}|\d\d)$",
                       re.ASCII | re.IGNORECASE)


def _first_bytes(item: Entry) -> bytes | None:
    """A member's first 512 bytes (None when they cannot be read: its set is then judged by names and sizes)."""
    try:
        with item.open() as f:
            return bytes(f.read(512))
    except Exception:  # noqa: BLE001 - a failure path: no bytes, the member is examined and listed on its own
        return None


def _files_of_their_own(heads: list[bytes | None]) -> bool:
    """Whether numbered pieces are files of their own by their first bytes: a later piece begins as the first does (its
    first 4 bytes: rotated logs each opening with the year of its first line, volumes each with their own header) or
    with a table's header row of its own (a monthly export). A piece of a cut file begins wherever the cut fell.
    Text pieces only: a binary set's later piece may begin as its first does or with a header row where the cut fell
    on a structure's start (review25p: a tar cut at its members' headers, each beginning ``home/``; a disk image cut
    at a CSV's first cluster: the set's over-hold line dropped, exit 0, the set never examined)."""
    first = heads[0]
    if first is not None and first[:2] in _BOMS and is_utf16_text(first[2:512]):  # UTF-16 (Excel's "Unicode text",
        # Windows logs): a file begins with its byte-order mark, a piece cut from one never does (splits26: rotated
        # UTF-16 logs of one size over the hold were listed split-set-over-hold, exit 3)
        return all(h is not None and h[:2] == first[:2] and is_utf16_text(h[2:512]) for h in heads[1:])
    if first is None or len(first) < 4 or not any(first[:4]) or not is_text(first[:512]):
        return False  # zeros begin a disk's pieces alike (a boot block); a binary first piece is a cut file's
    return any(h is not None and is_text(h[:512]) and (h[:4] == first[:4] or header_line(h)) for h in heads[1:])


_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _not_held(numbered: dict[tuple[str, str], dict[int, tuple[int, Location, bytes | None]]], passed: set[str],
              hold: int, lines: bool = False) -> Iterator[Skipped]:
    """The split sets of folders a part-named member was passed on from (over the hold): each set of 2+ pieces
    numbered from .000 or .001, none missing, cut by size (every piece but the last one size, the last no larger),
    listed at its first piece as not joined, with the reason (images24: ``disk.001`` .. ``disk.004`` of an ext4 in
    a zip past --max-inspect-mb were read from ``disk.001`` alone, truncated, the set's not being joined unsaid).
    Rotated files of other sizes are no set (read as they are, as before), nor are pieces that each begin as a file
    (``_files_of_their_own``). ``lines``: a text's pieces named with ``split``'s letters or two digits
    (``big.csv.aa``, ``.ab``: cut by lines, of any sizes; review26p: over the hold they were on no line, exit 0)."""
    for (folder, stem), pieces in numbered.items():
        if folder not in passed or len(pieces) < 2:
            continue
        order = sorted(pieces)
        sizes = [pieces[k][0] for k in order]
        if (order[0] not in (0, 1) or order != list(range(order[0], order[0] + len(order)))
                or (not lines and (any(z != sizes[0] for z in sizes[:-1]) or not 0 < sizes[-1] <= sizes[0]))
                or _files_of_their_own([pieces[k][2] for k in order])):
            continue  # (splits25: rotated logs of one size past a 256 MiB hold were listed, by names and sizes only)
        yield Skipped(pieces[order[0]][1], Status.UNSUPPORTED,
                      say(Detail.SPLIT_SET_OVER_HOLD, n=len(order), whole=stem.rsplit("/", 1)[-1], size=sum(sizes),
                          cap=hold))


def joined_in_batches(items: Iterable[Any], images: bool = True) -> Iterator[Any]:
    """A walked source's items (a disk image met inside another source, walked in a worker) with the split series
    among each folder's plain files joined as ``joined_in_folders`` does for an archive's members: a ``NameBatch``
    with part names gets its part entries made, grouped (``parts_in`` over their own opens) and wrapped by
    ``entry_for``; its names are the same (the name rules and the prefilter see what a local folder shows). Any
    other item passes as it is; grouping that fails leaves the batch as it was. ``images``: a raw image's every
    segment joined too (images24: a split disk in a folder of a disk image met inside another source was read from
    its first segment alone, as segs23 had fixed for an archive's members)."""
    for item in items:
        if not isinstance(item, NameBatch):
            yield item
            continue
        framed = item.framed or "\0" + "\0".join(item.names) + "\0"
        if not holds_part_name(framed):
            yield item
            continue
        try:
            made: dict[int, Entry] = {}
            folders: dict[str, dict[str, tuple[int, Entry]]] = {}
            for i, name in enumerate(item.names):
                if PART_NAME.search(name + "\0") is not None or _TEXT_PIECE.search(name) is not None:
                    entry = item.entry(i)
                    folders.setdefault(_folder_of(entry), {}).setdefault(name, (i, entry))
            for found in folders.values():
                entries = {name: entry for name, (_, entry) in found.items()}
                parts = _member_reads(entries, images=images)
                for name, (i, entry) in found.items():
                    if name in parts:
                        made[i] = entry_for(entry, parts[name], entries.__getitem__)
        except Exception:  # noqa: BLE001 - a failure path: the batch is examined as it was
            yield item
            continue
        yield NameBatch(item.names, _made_or(made, item.entry), item.framed)


def _made_or(made: dict[int, Entry], base: Callable[[int], Entry]) -> Callable[[int], Entry]:
    def entry(i: int) -> Entry:
        return made[i] if i in made else base(i)

    return entry
