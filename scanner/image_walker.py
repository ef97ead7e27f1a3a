"""A SOURCE disk image walked in a killable child process, so a crash or a hang in TSK, dfvfs or libyal on a
damaged or crafted image costs that image's walk, never the scan.

The child (a worker of scanner.isolation: a fresh interpreter under the decoders' memory cap) opens the image
(format, layers, volumes, snapshots, verify pass), walks it and streams back plain values: each folder's
names and locations, and for the names the scan will look at (the same name rules and inspectors, rebuilt
from the scan's ``WorkerSettings``) the stat, the first bytes the inspectors' ``wants`` read, and the content
(up to --max-inspect-mb; larger files are hashed there). So the scan process decodes nothing of the image:
it dispatches the entries as it would any other source's, and the pool's workers examine their bytes.

Each step of the walk restarts a progress clock on the worker's mark board (``isolation.mark``: opening,
each layer, every directory, every message sent), and the walker says where it is there
(``isolation.place``: which directory of the file system's walk it lists, which file it reads, numbered in
walk order). When the child dies, or shows no progress for --parse-timeout (+ slack) while the scan waits
for it, what it sent stays, and that one file (that directory: what it had not listed, and its subfolders)
is listed as ``walk-stopped`` naming the signal, the step and the library; a new walker walks the same
file system again (deterministically: listing only, sending nothing the scan has) and takes it up right
after that point (``Resume``). Bounded: a walker that dies before it gets there, or again at the same
place, or MAX_RESUMES stops in one file system, give up the rest of that file system (one ``walk-stopped``
skip) and a new walker walks the file systems after it. The scan is then incomplete (exit 3) and goes on.
A crash before the image was opened makes it a source error, like an image that cannot be opened.
"""

from __future__ import annotations

import io
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, cast

from .codes import Status
from .details import Detail, os_error, say
from .errors import ReadError, SourceError
from .isolation import DEFAULT_MEMORY, BoardMark, GiB, Worker, mark, place, report, stall_seconds
from .models import CHAIN_SEPARATOR, Entry, FileStat, Hop, Link, Location, Skipped
from .sources.base import Item, NameBatch, Source, unbatched
from .textsafe import shown

if TYPE_CHECKING:
    from .contracts import ScanContext
    from .fingerprint import ReadResult
    from .sources.image import ImageSource
    from .sources.image_dfvfs import DfvfsEntry
    from .sources.image_fs import FsContext, ImageEntry
    from .sources.volume_keys import VolumeKeys

    WalkerEntry = ImageEntry | DfvfsEntry
    from .work import LogLines, WorkerSettings

log = logging.getLogger("leakscan")

HEAD_SPAN = 4608  # bytes of a file the inspectors' ``wants`` may read (the image inspector: 4.5 KiB)
MESSAGE_OPS = 2048  # operations per message from the walker (a folder of names is one)
MESSAGE_BYTES = 8 << 20  # file bytes per message from the walker
RUN = 1024  # files per folder batch at most (as sources.base.batched)
READ_AHEAD = 64 << 20  # other files' bytes a SOURCE image's folder holds while it reads ahead to its split series'
# last part (``_BatchReader._series``): past it the series is not joined there, its parts examined as they are
MARKED_READ = 1 << 20  # a file this large is read under a clock of its own (and named if its read crashes)
SLACK = 10.0  # seconds of progress the walker may lack beyond --parse-timeout (as an inspector's)
MAX_RESTARTS = 16  # walkers started again after one died or stalled, per image
MAX_RESUMES = 8  # walkers started again in one file system (past that, the rest of it is given up)
NOT_LISTED = "not read by the image walker (its walk stopped before it)"
# where the walker is, on its mark board (isolation.place): which directory of the file system's walk it lists
# (and how many operations of that walk it had sent before), or which file of it it reads
LISTING, READING = 1, 2
# operations of a walk that a Resume counts (the others: "walking", "resumed", "log")
COUNTED = frozenset({"layer", "batch", "found", "end", "item"})


@dataclass(frozen=True)
class Resume:
    """Where a new walker takes up the walk of a file system its predecessor died or stalled in. The walk is
    deterministic: the new walker walks it again from its root, sends nothing of the first ``sent`` operations
    (the scan has them; their files are not read again), and neither lists the directories nor reads the
    files a walker died on (numbered in walk order): they are listed as ``walk-stopped`` with the detail."""

    layer: int  # the file system (its index in walk order)
    sent: int  # operations of its walk the scan process has
    dirs: dict[int, str] = field(default_factory=dict)  # directory number -> detail
    files: dict[int, str] = field(default_factory=dict)  # file number (of the walk's items) -> detail


# -- in the walker process ---------------------------------------------------------------------------------

class _Probe:
    """An image entry as the cheap checks see it in the walker: its stat and first bytes kept for the scan."""

    __slots__ = ("_entry", "name", "deleted", "kind", "st", "st_error", "head", "head_error")

    @property
    def damage(self) -> str | None:
        """Why the entry's content as read is not the file's (blocks read as zeros), for examine.pick."""
        return getattr(self._entry, "damage", None)

    def __init__(self, entry: WalkerEntry) -> None:
        self._entry = entry
        self.name, self.deleted, self.kind = entry.name, entry.deleted, entry.kind
        self.st: FileStat | None = None
        self.st_error: ReadError | None = None
        self.head: bytes | None = None
        self.head_error: ReadError | None = None

    @property
    def location(self) -> Location:
        return self._entry.location

    def stat(self) -> FileStat:
        if self.st is None and self.st_error is None:
            try:
                self.st = self._entry.stat()
            except ReadError as e:
                self.st_error = e
        if self.st_error is not None:
            raise self.st_error
        assert self.st is not None
        return self.st

    def open(self) -> IO[bytes]:
        if self.head is None and self.head_error is None:
            try:
                with self._entry.open() as f:
                    self.head = f.read(HEAD_SPAN)
            except ReadError as e:
                self.head_error = e
            except OSError as e:
                self.head_error = ReadError(Status.UNREADABLE, os_error(e))
        if self.head_error is not None:
            raise self.head_error
        return io.BytesIO(self.head or b"")

    def read_past_head(self, offset: int, length: int) -> bytes:
        """Bytes past the head a cheap check needs (a program's overlay: scanner.inspectors.sfx), read from the
        image; ``open`` gives the head only (review10g: a self-extractor in an image was taken for a program)."""
        head = self.head or b""
        if offset + length <= len(head):
            return head[offset:offset + length]
        try:
            with self._entry.open() as f:
                f.seek(offset)
                return f.read(length)
        except OSError as e:
            raise ReadError(Status.UNREADABLE, os_error(e)) from e


class Found:
    """What the walker read of one file the scan will look at (plain values: they travel to the scan)."""

    __slots__ = ("st", "st_error", "head", "head_error", "data", "data_error", "hashed", "hashed_error", "wanted",
                 "affinity", "damage")

    def __init__(self, probe: _Probe) -> None:
        self.st, self.st_error = probe.st, _plain(probe.st_error)
        self.head, self.head_error = probe.head, _plain(probe.head_error)
        # the inspectors' verdict (examine.pick) made here, on these very values: not made again by the scan
        self.wanted: tuple[int, ...] | None = None
        self.affinity: str | None = None
        self.data: bytes | None = None  # the content, up to --max-inspect-mb + 1 byte
        self.data_error: tuple[Status, str] | None = None
        self.hashed: tuple[FileStat, ReadResult, int] | None = None  # larger files: read and hashed here
        self.hashed_error: tuple[Status, str] | None = None
        self.damage: str | None = probe.damage  # its blocks read as zeros in part (a missing extent's stand-in)

    @classmethod
    def stopped(cls, detail: str) -> Found:
        """A file a walker died (or stalled) on: not read again; every question about it says why."""
        found = cls.__new__(cls)
        error = (Status.WALK_STOPPED, detail)
        found.st = found.head = found.data = found.hashed = found.wanted = found.affinity = found.damage = None
        found.st_error = found.head_error = found.data_error = found.hashed_error = error
        return found


def _plain(e: ReadError | None) -> tuple[Status, str] | None:
    return (e.reason, e.detail) if e is not None else None


def _context(settings: WorkerSettings) -> ScanContext:
    """The scan's name rules and inspectors (exactly its list, even an empty one), rebuilt here."""
    from .contracts import NoProgress, ScanContext
    from .names import NameRules
    from .registry import INSPECTORS
    from .work import scratch

    config = settings.config
    registered = {cls.name: cls for cls in INSPECTORS}
    return ScanContext(config, NameRules(config.names, config.use_keywords),
                       [registered[n](config) for n in settings.inspectors], scratch(config), NoProgress(),
                       settings.known_hashes, None, settings.case_key)


class _Sender:
    """Operations for the scan, sent in messages of bounded size; every message sent is progress.

    The operations of each file system's walk are counted: a walker that takes up a walk (``resume``) counts
    the same ones in the same order, and sends only those past what the scan already has."""

    def __init__(self, limit: float, lines: LogLines | None = None, resume: Resume | None = None) -> None:
        self.limit = limit
        self.lines = lines  # the walker's log lines (work.LogLines), logged by the scan process
        self.ops: list[tuple[Any, ...]] = []
        self.size = 0
        self.layers: dict[int, tuple[int, Any]] = {}  # id -> (number, the file system: kept, so ids stay unique)
        self.resume = resume
        self.index = 0  # the file system being walked (its number for the scan too: the same in every walker)
        self.count = 0  # operations of its walk so far
        self.drop = 0  # the first ones of them not sent (the scan has them)
        self.mute = resume is not None  # a walker taking up a walk sends nothing before that file system

    def begin(self, index: int, hops: tuple[Hop, ...]) -> None:
        """The walk of file system ``index`` begins (the scan is told, unless this walker takes it up)."""
        self.index, self.count = index, 0
        if self.resume is not None and index == self.resume.layer:
            self.mute, self.drop = False, self.resume.sent
            if not self.drop:
                self._resumed()
            return
        self.mute, self.drop = False, 0
        self.ops.append(("walking", index, hops))
        self.flush()

    def sending(self) -> bool:
        """Whether the next operation is sent (else it is one the scan has: not worth reading a file for)."""
        return not self.mute and self.count >= self.drop

    def op(self, op: tuple[Any, ...], size: int = 0) -> None:
        if self.mute:
            return
        self.count += 1
        if self.count <= self.drop:
            if self.count == self.drop:
                self._resumed()
            return
        self.ops.append(op)
        self.size += size
        if len(self.ops) >= MESSAGE_OPS or self.size >= MESSAGE_BYTES:
            self.flush()

    def _resumed(self) -> None:
        """Where the last walker stopped is reached: said at once (a walker that dies before it is not
        started again in this file system: a fault there is not the one it was started to pass)."""
        if self.lines is not None:
            self.lines.lines = []  # logged already by the walker before
        self.ops.append(("resumed",))
        self.flush()

    def flush(self) -> None:
        if self.lines is not None and self.lines.lines:
            if self.sending():
                self.ops.append(("log", self.lines.lines))
            self.lines.lines = []
        if self.ops:
            report(("ops", self.ops))
            self.ops, self.size = [], 0
            mark(None, self.limit)

    def layer(self, fs: FsContext) -> int:
        """The number of an entry's file system (its index in walk order), announced once (source, hops)."""
        known = self.layers.get(id(fs))
        if known is not None:
            return known[0]
        number = self.index
        self.layers[id(fs)] = (number, fs)
        self.op(("layer", number, fs.source, fs.hops))
        return number


def _examine(entry: WalkerEntry, ctx: ScanContext, walking: tuple[str, str]) -> Found | None:
    """The cheap checks on one entry, as the scan will make them; what the scan will need of it is read here."""
    from .examine import READ_RATE, pick
    from .work import FileOutcome

    probe = _Probe(entry)
    cand = pick(probe, ctx, FileOutcome())
    if probe.st is None and probe.st_error is None and probe.head is None and probe.head_error is None:
        return None
    found = Found(probe)
    if cand is None:
        if probe.st is not None:
            found.wanted = ()  # stat'ed, and no inspector wants it
        return found
    found.wanted, found.affinity = cand.wanted, cand.affinity
    size = cand.stat.size
    if probe.head is not None and len(probe.head) < HEAD_SPAN and len(probe.head) == size <= ctx.config.max_inspect_bytes:
        found.data = probe.head  # the head read reached the end: that is the whole content (no second read)
        return found
    if size < MARKED_READ:  # read within the walk's own clock (a mark per small file would cost more than its read)
        _read(entry, cand.stat, found, ctx)
        return found
    mark("reading", ctx.config.parse_timeout + size / READ_RATE, entry.location, walking[1])
    try:
        _read(entry, cand.stat, found, ctx)
    finally:
        mark(walking[0], ctx.config.parse_timeout + SLACK, None, walking[1])  # back to the walk
    return found


def _read(entry: WalkerEntry, st: FileStat, found: Found, ctx: ScanContext) -> None:
    from .examine import _read_steady, read_capped

    size, cap = st.size, ctx.config.max_inspect_bytes
    if size <= cap:
        try:
            with entry.open() as stream:
                found.data = read_capped(stream, size, cap)
        except ReadError as e:
            found.data_error = _plain(e)
        except OSError as e:
            found.data_error = (Status.UNREADABLE, os_error(e))
    else:  # only hashed by the scan (too large to inspect): hashed here, where the image is open
        before = ctx.result.bytes_read
        try:
            again, read = _read_steady(entry, st, 0, ctx)
            found.hashed = (again, read, ctx.result.bytes_read - before)
        except ReadError as e:
            found.hashed_error = _plain(e)
        except OSError as e:
            found.hashed_error = (Status.UNREADABLE, os_error(e))


def walk_image(settings: WorkerSettings, text: str, verify_images: bool | None, keys: VolumeKeys | None,
               limit: float, walk_from: int = 0, walk_until: int | None = None,
               resume: Resume | None = None, target: Location | None = None,
               peers: tuple[str, ...] = ()) -> tuple[Any, ...]:
    """Walker entry point (in an isolation worker): open the image, report ("opened", description, idents,
    each file system's file count),
    stream ("ops", [...]) messages, end with ("done",), or ("error", reason, skipped, source details) when it cannot be opened.
    ``walk_from``: walk only the file systems from that one on (the walker before this one gave up the one
    before it); ``walk_until``: only the file systems before that one (one part of a distributed scan);
    ``resume``: take up the walk of file system ``walk_from`` where the walker before this one died in it;
    ``target``: read only the file at that location, or the one that holds it (re-reading a recorded hit)."""
    from .sources.image import ImageSource
    from .work import _worker_logging

    ctx = _context(settings)
    lines = _worker_logging(settings.log_level)
    source = ImageSource(text, verify_images=verify_images, keys=keys, peers=peers)
    source.step_seconds = limit
    source.walk_from = walk_from
    source.walk_until = walk_until
    try:
        source.__enter__()
    except SourceError as e:
        return ("error", e.args[0] if len(e.args) == 1 and isinstance(e.args[0], str) else str(e), list(e.skipped), e.details)
    try:
        report(("opened", source.describe(), source.idents(), source.layer_counts()))
        out = _Sender(limit, lines, resume)
        walk = _Walk(out, ctx, source, resume, target)
        source.before_listing = walk.before_listing
        source.layer_started = walk.layer_started
        for item in source.entries():
            walk.item(item)
        walk.send_run()
        out.flush()
    finally:
        source.__exit__()
    return ("done",)


def _whole(entry: WalkerEntry, ctx: ScanContext) -> Found:
    """A file read again for its records: its stat and its content (up to --max-inspect-mb + 1 byte)."""
    from .examine import read_capped

    probe = _Probe(entry)
    try:
        st = probe.stat()
    except ReadError:
        return Found(probe)
    found = Found(probe)
    try:
        with entry.open() as stream:
            found.data = read_capped(stream, st.size, ctx.config.max_inspect_bytes) if st.size else b""
    except ReadError as e:
        found.data_error = _plain(e)
    except OSError as e:
        found.data_error = (Status.UNREADABLE, os_error(e))
    return found


class _Walk:
    """The walk in the walker: folder batches of files, every other item as it comes; where it is (which
    directory it lists, which file it reads, both numbered in walk order) on the mark board."""

    def __init__(self, out: _Sender, ctx: ScanContext, source: ImageSource, resume: Resume | None,
                 target: Location | None = None) -> None:
        self.out, self.ctx, self.source, self.resume = out, ctx, source, resume
        # re-reading one recorded file: only it (or the file that holds it) is read, whole
        self.target = (target.key(), target.display() + CHAIN_SEPARATOR) if target is not None else None
        self.run: list[WalkerEntry] = []
        self.first = 0  # the number of run[0] among the walk's items
        self.items = 0  # items of the file system's walk so far
        self.dirs = 0  # directories of it so far
        self.listing = (0, 0)  # the directory being listed: its number, operations sent before it
        self.faulty: tuple[dict[int, str], dict[int, str]] = ({}, {})  # directories and files not to touch

    def layer_started(self, index: int, hops: tuple[Hop, ...]) -> None:  # the scan knows whose walk may stop
        self.send_run()
        self.out.begin(index, hops)
        self.items = self.dirs = 0
        resume = self.resume
        self.faulty = (resume.dirs, resume.files) if resume is not None and resume.layer == index else ({}, {})
        self.listing = (0, 0)
        place(LISTING, 0, 0)  # opening its root is listing its first directory

    def before_listing(self) -> str | None:
        """What is listed reaches the scan before TSK is asked for more; a directory a walker died listing
        is not listed again (its detail back)."""
        self.send_run()
        self.out.flush()
        mark(None, self.out.limit)
        number = self.dirs
        self.dirs += 1
        self.listing = (number, self.out.count)
        place(LISTING, number, self.out.count)
        return self.faulty[0].get(number)

    def item(self, item: Item) -> None:
        number = self.items
        self.items += 1
        if isinstance(item, (Skipped, Link)):
            self.send_run()
            self.out.op(("item", item))
            return
        if not self.run:
            self.first = number
        self.run.append(cast("WalkerEntry", item))  # an image walk yields ImageEntry / DfvfsEntry
        if len(self.run) >= RUN:
            self.send_run()

    def _targets(self, run: list[WalkerEntry]) -> list[int]:
        """The run's files to read when re-reading one file: it, or the file that holds it (an archive)."""
        assert self.target is not None
        key, within = self.target
        return [i for i, e in enumerate(run) if e.location.key() == key or within.startswith(e.location.display()
                                                                                           + CHAIN_SEPARATOR)]

    def send_run(self) -> None:
        """One folder batch: every name and location, then what the walker read of the files the scan looks
        at; sent at once when files were read (a crash after it then costs none of them)."""
        run, out, ctx = self.run, self.out, self.ctx
        if not run:
            return
        names = [e.name for e in run]
        basics = []
        last, number = None, 0
        for entry in run:
            fs, path, raw_hex = entry.walked()
            if fs is not last:  # a run is one folder: its file system asked for once, not per file
                last, number = fs, out.layer(fs)
            basics.append((number, path, entry.deleted, raw_hex))
        out.op(("batch", names, basics))
        read = False
        from .examine import by_content

        # the names picked, and those whose first bytes contradict their extension (scanner.inspectors.disguise)
        chosen = ([i for i, _ in by_content(ctx, names, ctx.prefilter.pick(names, None), run.__getitem__)]
                  if self.target is None else self._targets(run))
        for i in chosen:
            if not out.sending():
                out.op(("found", i, None))  # the scan has it (a walk taken up): not read again
                continue
            number = self.first + i
            why = self.faulty[1].get(number)
            if why is not None:
                found: Found | None = Found.stopped(why)
            else:
                place(READING, number, 0)
                if self.target is None:
                    found = _examine(run[i], ctx, self.source.walking)  # None too: the scan stops waiting at i
                else:
                    found = _whole(run[i], ctx)
                read = True
            out.op(("found", i, found), len(found.data or b"") + len(found.head or b"") if found else 0)
            if why is not None:
                out.flush()  # before the next read: a walker that dies there gives its own detail, not this one's
        out.op(("end",))
        ctx.result = _fresh(ctx)
        run.clear()
        if read:
            out.flush()
            place(LISTING, *self.listing)


def _fresh(ctx: ScanContext) -> Any:
    from .work import scratch

    return scratch(ctx.config)


# -- in the scan process -----------------------------------------------------------------------------------

class WalkedEntry:
    """A file of an image as the walker listed it: location values, and what it read for the scan."""

    __slots__ = ("_fs", "_text", "_raw_hex", "_location", "name", "deleted", "_found", "hashed")
    kind = "file"

    def __init__(self, fs: tuple[str, tuple[Hop, ...]], text: str, name: str, deleted: bool, raw_hex: str | None,
                 found: Found | None) -> None:
        self._fs, self._text, self._raw_hex = fs, text, raw_hex
        self._location: Location | None = None
        self.name, self.deleted = name, deleted
        self._found = found
        # read and hashed by the walker (over --max-inspect-mb): examine.finish takes its digests as read
        self.hashed = self._hashed if found is not None and (found.hashed or found.hashed_error) else None

    @property
    def location(self) -> Location:
        if self._location is None:
            source, hops = self._fs
            self._location = Location(source, self._text or "/", hops, self._raw_hex)
        return self._location

    def stat(self) -> FileStat:
        found = self._found
        if found is None or (found.st is None and found.st_error is None):
            raise ReadError(Status.WALK_STOPPED, NOT_LISTED)
        if found.st_error is not None:
            raise ReadError(*found.st_error)
        assert found.st is not None
        return found.st

    def open(self) -> IO[bytes]:
        found = self._found
        if found is not None and found.data_error is not None:
            raise ReadError(*found.data_error)
        if found is not None and found.data is not None:
            return io.BytesIO(found.data)
        if found is not None and found.head_error is not None:
            raise ReadError(*found.head_error)
        if found is not None and found.head is not None:
            return io.BytesIO(found.head)
        raise ReadError(Status.WALK_STOPPED, NOT_LISTED)

    @property
    def damage(self) -> str | None:
        """Why its content as the walker read it is not the file's (blocks read as zeros), or None."""
        return self._found.damage if self._found is not None else None

    def checked(self) -> tuple[tuple[int, ...], str | None, ReadError | None] | None:
        """The walker's verdict of the inspectors' cheap checks (wanted, affinity, error reading the head), made
        on the same values with the same inspectors: examine.pick takes it instead of asking each inspector
        again. None when the walker made none."""
        found = self._found
        if found is None or found.wanted is None:
            return None
        return found.wanted, found.affinity, ReadError(*found.head_error) if found.head_error else None

    def ref(self) -> Any:
        """The bytes the walker read, for a worker (None: too large, or not read)."""
        from .work import BytesRef

        data = self._found.data if self._found is not None else None
        return BytesRef(data, self.damage) if data is not None else None

    def _hashed(self, count: Callable[[int], None]) -> tuple[FileStat, ReadResult]:
        found = self._found
        assert found is not None
        if found.hashed_error is not None:
            raise ReadError(*found.hashed_error)
        assert found.hashed is not None
        st, read, n = found.hashed
        if n:
            count(n)
        return st, read


class WalkStopped(Exception):
    """The walker died or stalled: why, for the detail (str), and how, for the detail of the one directory or
    file it was on."""

    def __init__(self, why: str, how: str, seen: BoardMark, timed_out: bool, stalled: bool = False) -> None:
        super().__init__(why)
        self.how, self.seen, self.timed_out, self.stalled = how, seen, timed_out, stalled


_SPARE: list[Worker] = []  # a walker that finished an image cleanly, kept for the next SOURCE image of the scan


def _spare_walker(memory: int) -> Worker | None:
    """The walker left idle by the last image walked to its end, when it is still running with the same memory
    cap: a scan of dozens of PC images then starts one interpreter (and imports dfvfs once), not one per image.
    A walker that died, stalled or stopped part-way is never kept (a new one is started, as before)."""
    while _SPARE:
        worker = _SPARE.pop()
        if worker.memory == memory and worker.running and worker.connected:
            return worker
        worker.close()
    return None


def _keep_spare(worker: Worker) -> None:
    if not _SPARE:
        if not _SPARE_CLOSED_AT_EXIT:
            import atexit

            atexit.register(close_spare_walkers)
            _SPARE_CLOSED_AT_EXIT.append(True)
        _SPARE.append(worker)
    else:
        worker.close()


_SPARE_CLOSED_AT_EXIT: list[bool] = []


def close_spare_walkers() -> None:
    """End the idle walker (at the end of a scan, and at exit)."""
    while _SPARE:
        _SPARE.pop().close()


class IsolatedImage:
    """An ImageSource whose opening and walk run in a walker process; the same description and items.

    When a walker dies or stalls while it reads one file, or lists one directory, of a file system, that file
    (that directory: what it had not listed yet, and its subfolders) is listed as ``walk-stopped``, and a new
    walker takes up the walk of that file system right after it (``Resume``). When that is not possible (it
    died before a file system's walk or while opening its root twice, a walker taken up died before it got
    where the last one stopped, MAX_RESUMES in one file system), the rest of that file system is listed as
    ``walk-stopped`` and a new walker walks the file systems after it (one bad partition never hides the
    others); at most MAX_RESTARTS walkers are started again per image."""

    def __init__(self, image: ImageSource, settings: WorkerSettings, memory: int = DEFAULT_MEMORY,
                 target: Location | None = None) -> None:
        self.text = image.text
        self._target = target  # re-reading one recorded file: the walker reads only it (or what holds it)
        self._image = image
        self._settings = settings
        self._limit = settings.config.parse_timeout + SLACK
        self._memory = memory
        self._worker = Worker(memory)
        self._ops: deque[tuple[Any, ...]] = deque()
        self._last_message = 0.0
        self._described: dict[str, Any] = {}
        self.layer_counts: list[int | None] = []  # each opened file system's own file count (estimate)
        self._idents: list[tuple[str, tuple[int, int] | None]] = []
        self._filesystems: dict[int, tuple[str, tuple[Hop, ...]]] = {}
        self._layer: tuple[int, tuple[Hop, ...]] | None = None  # the file system being walked: index, hops
        self._last_path = ""  # the last path listed in it
        self._listed = 0  # entries listed in it
        self._count = 0  # operations of its walk received (as Resume counts them)
        self._faults: tuple[dict[int, str], dict[int, str]] = ({}, {})  # its directories and files walkers died on
        self._resuming = False  # a walker taking up its walk has not yet got where the last one stopped
        self._restarts = 0
        self._done = False  # the walker said it walked the whole image
        self.stopped = ""  # why the walk stopped part-way for good ("" while it goes on)

    # -- opening ---------------------------------------------------------------------------------------
    def __enter__(self) -> IsolatedImage:
        try:
            first = self._start(self._image.walk_from, self._image.verify_images)
        except WalkStopped as e:
            self.__exit__()
            raise SourceError(say(Detail.IMAGE_OPEN_STOPPED, why=e.args[0] if e.args and isinstance(e.args[0], str) else str(e))) from None
        if first[0] == "opened":
            self._described, self._idents, self.layer_counts = first[1], first[2], first[3]
            return self
        self.__exit__()
        if first[0] == "result" and first[1][0] == "error":
            error = SourceError(first[1][1])
            error.skipped = first[1][2]
            error.details = first[1][3] if len(first[1]) > 3 else None
            raise error
        raise SourceError(say(Detail.IMAGE_WALKER_FAILED, why=first[2] if first[0] == "read-error" else str(first[0])))

    def _start(self, walk_from: int, verify_images: bool | None, resume: Resume | None = None) -> tuple[Any, ...]:
        """Start a walker on the image (from file system ``walk_from`` on, taking up its walk at ``resume``);
        its first message. The idle walker of the last image is taken when there is one; when it fails before
        its first message (it died while idle: the OOM killer, a kill), a new walker starts as it would have
        without reuse, so reuse never costs an image."""
        from .errors import WorkerError

        spare = _spare_walker(self._memory) if resume is None and walk_from == self._image.walk_from else None
        if spare is not None and spare.board is not None:
            self._worker = spare
            spare.board.reset()
            try:
                return self._first_message(walk_from, verify_images, resume, start=False)
            except (WalkStopped, WorkerError):
                log.info("the idle image walker (pid %s) failed before it began; a new one starts", spare.pid)
                spare.kill()
                self._worker = Worker(self._memory)
        return self._first_message(walk_from, verify_images, resume, start=True)

    def _first_message(self, walk_from: int, verify_images: bool | None, resume: Resume | None,
                       start: bool) -> tuple[Any, ...]:
        from .errors import WorkerError

        image = self._image
        try:
            if start:
                self._worker.start()
            self._worker.conn.send((walk_image, (self._settings, image.text, verify_images, image.volume_keys(),
                                                 self._limit, walk_from, image.walk_until, resume,
                                                 self._target, image.peers)))
        except (ReadError, OSError, EOFError, ValueError) as e:
            self._worker.kill()
            detail = e.detail if isinstance(e, ReadError) else type(e).__name__
            raise WorkerError(f"cannot start the process that walks disk images: {detail}") from e
        self._last_message = time.monotonic()
        return self._receive()

    def __exit__(self, *exc: object) -> None:
        if not self._done:  # left before its end (the file looked for was found): no need to wait for it
            self._worker.kill()
        if self._done and not self.stopped and self._worker.running:
            _keep_spare(self._worker)  # idle after its ("done",): the next image's walker
            return
        self._worker.close()

    def describe(self) -> dict[str, Any]:
        return self._described

    def estimate(self) -> int | None:
        """The files to come per the walker's counts (ImageSource.estimate), for the progress."""
        from .sources.image import walked_estimate

        return walked_estimate(self.layer_counts, self._image.walk_from, self._image.walk_until)

    def lost(self) -> str:
        from .sources.image import lost_files

        return lost_files(self._idents)

    # -- the walk ----------------------------------------------------------------------------------------
    def _receive(self) -> tuple[Any, ...]:
        """The walker's next message; WalkStopped when it died, or made no progress for the limit."""
        worker = self._worker
        board = worker.board
        assert board is not None
        while True:
            seen = board.read()
            deadline = max(seen.deadline if seen.seq else 0.0, self._last_message + self._limit)
            now = time.monotonic()
            try:
                if worker.conn.poll(max(0.0, min(1.0, deadline - now))):
                    message = worker.conn.recv()
                    self._last_message = time.monotonic()
                    worker.stall.stir()
                    return message
            except (EOFError, OSError):
                how = worker.kill()
                seen = board.read()
                raise WalkStopped(self._why(how, seen, timed_out=False), how, seen, False) from None
            stuck = worker.stuck()
            if stuck or (time.monotonic() > deadline and board.read().deadline <= time.monotonic()):
                seen = board.read()
                worker.kill()
                raise WalkStopped(self._why("", seen, timed_out=True, stalled=stuck), "", seen, True, stuck)

    def _why(self, how: str, seen: BoardMark, timed_out: bool, stalled: bool = False) -> str:
        step = seen.step or "starting"
        doing = f"while {step}" + (f" ({seen.decoder})" if seen.decoder else "")
        where = getattr(seen.where, "path", None) if seen.step == "reading" else None
        if where:
            doing += f", on {where}"
        elif self._last_path:
            doing += f", after {self._last_path}"
        if stalled:
            return (f"the image walker used no CPU for {stall_seconds():g} s {doing} (waiting for a lock, a pipe or a "
                    "device that never answers); stopped")
        if timed_out:
            return f"the image walker made no progress for {self._limit:g} s {doing}; stopped"
        return (f"the image walker process died ({how}) {doing}: damaged or crafted image, or the walker memory "
                f"cap of {self._worker.memory // GiB} GiB reached")

    def _op(self) -> tuple[Any, ...] | None:
        """The walk's next operation; None at its end (``stopped`` says why when it ended early). A walker that
        died gives no operation of its own when a new one takes up the walk right after what it was doing
        (its detail comes with that directory or file), else a ("stopped", Skipped) one, and the walk goes
        on with the next file system."""
        while True:
            while not self._ops:
                if self.stopped or self._done:
                    return None
                try:
                    message = self._receive()
                except WalkStopped as e:
                    stopped = self._restart(e)
                    if stopped is not None:
                        return stopped
                    continue
                if message[0] == "ops":
                    self._ops.extend(message[1])
                elif message[0] == "result" and message[1] == ("done",):
                    self._done = True
                    self._ops.append(("done",))
                else:  # the walk itself raised (a bug, not the image): what was listed stays, the rest is said
                    detail = message[2] if message[0] == "read-error" else message[0]
                    self.stopped = f"the image walker failed: {detail}"
                    return None
            op = self._ops.popleft()
            kind = op[0]
            if kind in COUNTED:
                self._count += 1
                return op
            if kind == "walking":
                self._layer, self._last_path, self._listed = (op[1], tuple(op[2])), "", 0
                self._count, self._faults, self._resuming = 0, ({}, {}), False
            elif kind == "resumed":
                self._resuming = False
            elif kind == "done":
                return None
            else:
                return op

    def _unget(self, op: tuple[Any, ...]) -> None:
        """``op`` is given again by the next ``_op()``."""
        self._ops.appendleft(op)
        if op[0] in COUNTED:
            self._count -= 1

    def _restart(self, e: WalkStopped) -> tuple[Any, ...] | None:
        """The walker died or stalled. A new walker takes up the walk right after the directory or file it
        was on (None back), or the rest of the file system is listed as stopped and a new walker walks the
        ones after it (a ("stopped", Skipped) operation back); None and ``stopped`` set: neither was possible."""
        why = str(e)
        if self._layer is None or self._restarts >= MAX_RESTARTS:
            self.stopped = why
            return None
        self._restarts += 1
        index, hops = self._layer
        resume, not_here = self._resume_point(e)
        if resume is not None:
            try:
                first = self._start(index, False, resume)
            except WalkStopped as again:
                self.stopped = f"{why}; a new walker to go on after it failed too: {again}"
            else:
                if first[0] == "opened":
                    self._resuming = True
                    self._volume_note(index)
                    return None
                self.stopped = f"{why}; a new walker to go on after it could not open the image again"
            self._ops.append(("stopped", self._stop_skip(self.stopped, hops, "this file system")))
            return None
        stopped = self._stop_skip(f"{why}{not_here}", hops, "this file system")
        self._volume_stopped(index, stopped.detail)
        walk_from, self._layer, self._last_path, self._listed = index + 1, None, "", 0
        if walk_from >= self._walkable():  # no file system after it: no walker to start
            self._done = True
            self._ops.append(("done",))
            return ("stopped", stopped)
        try:
            first = self._start(walk_from, False)  # verified (or not) by the first walker already
        except WalkStopped as again:
            self.stopped = f"a new walker for the file systems after it failed too: {again}"
        else:
            if first[0] != "opened":
                self.stopped = "a new walker for the file systems after it could not open the image again"
        if self.stopped:
            self._ops.append(("stopped", stopped))
            return None
        return ("stopped", stopped)

    def _resume_point(self, e: WalkStopped) -> tuple[Resume | None, str]:
        """Where a new walker can take up the walk of the file system the last one stopped in, after the one
        directory or file it was on; (None, why not) when it cannot."""
        faults = self._faults
        if self._resuming:
            return None, " (a walker started again died before it got where the one before it had stopped)"
        if sum(map(len, faults)) >= MAX_RESUMES:
            return None, f" (walkers stopped {MAX_RESUMES} times in this file system already)"
        kind, number, sent = e.seen.place
        if kind == LISTING and 0 <= sent <= self._count and number >= 0:
            if number in faults[0]:
                return None, " (again at the same place: it is not listing one directory that stops it)"
            faults[0][number] = self._fault(e, "listing this directory", "what it had not listed of this directory, and "
                                                                         "its subfolders, were not examined; ")
            self._count = sent  # the new walker does not list it: its walk goes on from there
        elif kind == READING and number >= 0:
            if number in faults[1]:
                return None, " (again at the same place)"
            faults[1][number] = self._fault(e, "reading this file", "")
        else:
            return None, ""
        return Resume(self._layer[0] if self._layer else 0, self._count, dict(faults[0]), dict(faults[1])), ""

    def _fault(self, e: WalkStopped, doing: str, lost: str) -> str:
        """Why one directory or file was not examined (the walk went on after it)."""
        seen = e.seen
        where = ", ".join(x for x in (seen.step, seen.decoder) if x)
        doing += f" ({where})" if where else ""
        if e.stalled:
            return (f"the image walker used no CPU for {stall_seconds():g} s while {doing} (waiting for a lock, a pipe "
                    f"or a device that never answers); it was stopped; {lost}the walk went on after it")
        if e.timed_out:
            return (f"the image walker made no progress for {self._limit:g} s while {doing}; it was stopped; {lost}"
                    "the walk went on after it")
        return (f"the image walker process died ({e.how}) while {doing}: damaged or crafted image, or the walker "
                f"memory cap of {self._worker.memory // GiB} GiB reached; {lost}the walk went on after it")

    def batches(self) -> Iterator[Item | NameBatch]:
        while (op := self._op()) is not None:
            kind = op[0]
            if kind == "batch":
                reader = _BatchReader(self, op[1], op[2])
                yield NameBatch(op[1], reader.entry)
                reader.finish()
            elif kind in ("item", "stopped"):
                yield op[1]
            elif kind == "layer":
                self._filesystems[op[1]] = (op[2], tuple(op[3]))
            elif kind == "log":
                _log_lines(op[1])
        while self._ops:  # what was queued when the walk stopped (a layer's stop)
            op = self._ops.popleft()
            if op[0] in ("item", "stopped"):
                yield op[1]
        if self.stopped:
            hops = self._layer[1] if self._layer is not None else ()
            last = self._stop_skip(self.stopped, hops, "the image")
            if self._layer is not None:
                self._volume_stopped(self._layer[0], last.detail)
            yield last

    def entries(self) -> Iterator[Item]:
        return unbatched(self.batches())

    def _walkable(self) -> int:
        """How many file systems a walker walks (the volumes whose file system opened, and the part's end)."""
        volumes = self._described.get("volumes") or []
        opened = sum(1 for v in volumes if v.get("status") in (Status.OK, Status.WALK_STOPPED))
        until = self._image.walk_until
        return opened if until is None else min(opened, until)

    def _volume_note(self, index: int) -> None:
        """The volume's row says its walk was taken up after a walker stopped (what it was on is listed)."""
        volumes = self._described.get("volumes") or []
        if index < len(volumes) and volumes[index].get("status") == Status.OK:
            stops = sum(map(len, self._faults))
            volumes[index]["detail"] = say(Detail.WALKER_STOPS, n=stops)

    def _volume_stopped(self, index: int, detail: str) -> None:
        """The image's description (in the scan's result already) says which volume's walk stopped: its
        ``volumes`` list the walked file systems first, in walk order."""
        volumes = self._described.get("volumes") or []
        if index < len(volumes) and volumes[index].get("status") == Status.OK:
            volumes[index]["status"], volumes[index]["detail"] = Status.WALK_STOPPED, detail

    def _stop_skip(self, why: str, hops: tuple[Hop, ...], rest: str) -> Skipped:
        where = hops[-1].name if hops else "the image"
        detail = say(Detail.WALK_STOPPED_AFTER, where=where, n=self._listed, rest=rest, why=why)
        log.warning("%s: %s", shown(self.text), detail)
        return Skipped(Location(self.text, "/" if hops else "", hops), Status.WALK_STOPPED, detail)


def _log_lines(lines: list[tuple[int, str]]) -> None:
    """What the walker logged (already redacted there), in walk order."""
    for level, line in lines:
        log.log(level, "%s", line)


class _BatchReader:
    """One folder's names; the details of the files the scan looks at arrive as it asks for them."""

    __slots__ = ("_walk", "_names", "_basics", "_found", "_ended", "_parts")

    def __init__(self, walk: IsolatedImage, names: list[str], basics: list[tuple[int, str, bool, str | None]]) -> None:
        self._walk, self._names, self._basics = walk, names, basics
        self._found: dict[int, Found | None] = {}
        self._ended = False
        self._parts: dict[int, Entry] | None = None  # the folder's split series joined (split15), made when first asked
        walk._listed += len(names)
        if basics:
            walk._last_path = basics[-1][1]

    def _more(self) -> bool:
        op = self._walk._op()
        if op is not None and op[0] == "found":
            self._found[op[1]] = op[2]
        elif op is not None and op[0] == "log":
            _log_lines(op[1])
        else:  # its end; or the walker stopped in this batch, and what the walk gives next comes right after it
            if op is not None and op[0] != "end":
                self._walk._unget(op)
            self._ended = True
            return False
        return True

    def entry(self, i: int) -> Entry:
        """The entry of ``names[i]``. The scan asks in ascending order (and may ask one twice, e.g. the
        progress bar's folder): what the walker read for earlier names is let go. A part of a split series whose
        parts the walker all read whole is joined (or knows its series) as in a local folder (split15)."""
        if self._parts is None:
            self._parts = self._series()
        if i in self._parts:
            return self._parts[i]
        return self._walked(i)

    def _walked(self, i: int) -> WalkedEntry:
        while i not in self._found and not self._ended and self._more():
            pass
        for earlier in [k for k in self._found if k < i]:
            del self._found[earlier]
        return self._made(i)

    def _made(self, i: int) -> WalkedEntry:
        layer, text, deleted, raw_hex = self._basics[i]
        fs = self._walk._filesystems.get(layer) or (self._walk.text, ())
        return WalkedEntry(fs, text, self._names[i], deleted, raw_hex, self._found.get(i))

    def finish(self) -> None:
        while not self._ended and self._more():
            pass

    def _series(self) -> dict[int, Entry]:
        """The entries of this folder's parts of split series (``_joined``) and later segments of split raw images
        whose first segment the folder lacks (``_segments``)."""
        segments = self._segments()
        return {**segments, **self._joined()}

    def _segments(self) -> dict[int, Entry]:
        """The later segments of split raw images among this folder's files whose first segment is not listed here
        (``split_series.segments_in``, the rule of every source: images22, before they were examined as plain files
        inside the image and listed nowhere), each knowing its series (``SeriesPart``). Reads ahead in the walker's
        messages to the last one, holding at most READ_AHEAD bytes of the others' content (past it, those not
        reached are examined as they are, as before). Total."""
        from .sources.image_sniff import missing_first, missing_zero, segment_head
        from .sources.series_join import SeriesPart
        from .sources.split_series import holds_part_name, segments_in

        try:
            if not holds_part_name("\0".join(self._names) + "\0"):  # no ``.NNN`` name: nothing more (the walk's cost)
                return {}
            present = set(self._names)
            idx = [k for k, n in enumerate(self._names)
                   if (missing_first(n, present.__contains__) or missing_zero(n, present.__contains__)) is not None]
            if not idx:
                return {}
            held, counted = 0, set[int]()
            while max(idx) not in self._found and not self._ended and held <= READ_AHEAD:
                for k in self._found.keys() - counted:
                    counted.add(k)
                    found = self._found[k]
                    if found is not None:
                        held += len(found.data or b"") + len(found.head or b"")
                if not self._more():
                    break
            at = {self._names[k]: k for k in idx if self._found.get(k) is not None}

            def size_of(name: str) -> int | None:
                found = self._found.get(at[name]) if name in at else None
                return found.st.size if found is not None and found.st is not None else None

            def segment_of(name: str) -> bool:
                found = self._found.get(at[name]) if name in at else None
                head = None if found is None else found.data if found.data is not None else found.head
                return head is not None and segment_head(head, size_of(name), name)

            def tail_of(name: str) -> bytes | None:
                found = self._found.get(at[name]) if name in at else None
                data = None if found is None else found.data  # read whole (within --max-inspect-mb), else no answer
                return data[-2:] if data is not None and found is not None and found.st is not None \
                    and len(data) == found.st.size else None

            made: dict[int, Entry] = {}
            for name, series in segments_in(self._names, size_of, segment_of, tail_of).items():
                made[at[name]] = cast(Entry, SeriesPart(self._made(at[name]), series, None))
            return made
        except Exception:  # noqa: BLE001 - a failure path: each examined as it is, as before
            log.debug("later segments not grouped in an image folder", exc_info=True)
            return {}

    def _joined(self) -> dict[int, Entry]:
        """The entries of this folder's parts of split series, joined (``series_join.entry_for``), when every part
        named so was read whole by the walker (its content within --max-inspect-mb: a part read only in its head
        is never joined); {} otherwise. Reads ahead in the walker's messages to the last part. Total."""
        from .sources.series_join import joined_in_batches
        from .sources.split_series import PART_NAME

        try:
            if PART_NAME.search("\0" + "\0".join(self._names) + "\0") is None:
                return {}
            idx = [k for k, n in enumerate(self._names) if PART_NAME.search(n + "\0") is not None]
            if len(idx) < 2:  # a lone part name (``report.001``): no series to join, nothing read ahead
                return {}
            parts, held, counted = set(idx), 0, set[int]()
            while max(idx) not in self._found and not self._ended:
                for k in self._found.keys() - counted:  # the other files' content held on the way (review15f: the
                    counted.add(k)  # whole folder was held, up to 1,024 files of --max-inspect-mb each)
                    found = self._found[k]
                    if k not in parts and found is not None:
                        held += len(found.data or b"") + len(found.head or b"")
                if held > READ_AHEAD:  # past it: the parts are examined as they are (as before split15)
                    return {}
                if not self._more():
                    break
            made = {k: self._made(k) for k in idx}  # nothing let go: the scan asks for the others later
            whole = {k: e for k, e in made.items() if e._found is not None and e._found.data is not None
                     and e._found.st is not None and len(e._found.data) == e._found.st.size}
            unread = {_stem(self._names[k]) for k in idx if k not in whole}  # a series with a part the walker did
            whole = {k: e for k, e in whole.items() if _stem(self._names[k]) not in unread}  # not read whole is not
            # joined without it (review15f: a.csv.001 + .002 read as the whole file, .003 beside them)
            if len(whole) < 2:
                return {}
            order = sorted(whole)
            batch = next(iter(joined_in_batches([NameBatch([self._names[k] for k in order],
                                                           lambda j: whole[order[j]])])))
            return {k: batch.entry(j) for j, k in enumerate(order)}
        except Exception:  # noqa: BLE001 - a failure path: each part examined as it is, as before
            log.debug("split series not grouped in an image folder", exc_info=True)
            return {}


def _stem(name: str) -> str:
    """A part name without its part suffix (``a.csv.001`` -> ``a.csv``, ``xaa`` -> ``x``): the parts of one series
    share it."""
    from .sources.split_series import PART_NAME

    m = PART_NAME.search(name + "\0")
    return name[:m.start()] if m is not None else name


def isolated(source: Source, settings: WorkerSettings, target: Location | None = None) -> Source:
    """``source`` itself, or, for a SOURCE disk image, the same image opened and walked in a walker process
    (``target``: to read that one recorded file again, see ``walk_image``)."""
    from .sources.image import ImageSource

    if isinstance(source, ImageSource) and source.within is None:
        return IsolatedImage(source, settings, target=target)
    return source


def finder(settings: WorkerSettings) -> Callable[[Source, Location], Source]:
    """How a command that reads recorded files again (``persons --export``) walks a SOURCE disk image: in a
    walker process that reads only the file looked for (persons.reread cannot import this module)."""

    def isolate(source: Source, target: Location) -> Source:
        return isolated(source, settings, target)

    return isolate
