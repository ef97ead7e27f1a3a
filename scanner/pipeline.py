"""source -> entries -> cheap checks (here) -> tasks -> worker pool -> outcomes merged in walk order.

The scan process walks: the name rules and the inspectors' name lists reject most files in bulk, then
stat and ``wants`` (scanner.examine.pick) pick the files worth reading. Those become tasks
(scanner.work), sent in units to a pool of killable worker processes (scanner.pool) that read, hash and
decode them. Outcomes are merged in walk order, so the result is the same for any number of workers; a
failure on one file is recorded (path, reason) and the scan goes on.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from . import system_folders
from .codes import Status
from .config import ScanConfig
from .contracts import (
    Analysis,
    Inspector,
    NoProgress,
    Poison,
    Progress,
    ResultMark,
    ResumeLog,
    ScanContext,
    ScanResult,
)
from .details import Detail, codes_of, os_error, say
from .errors import LeakscanError, ReadError, SourceError
from .examine import Candidate, LazyHead, by_content, examine_entry, pick, read_capped, read_once, unreadable
from .fingerprint import ReadResult
from .inspectors.disguise import MARKUP_CHECK, checked_entry_ext
from .inspectors.disguise import check as disguise_check
from .models import Entry, Link, Location, Skipped
from .names import NameRules
from .persons.keys import scan_key
from .pool import WorkerPool, failed
from .registry import ANALYSES, INSPECTORS, inspectors_for
from .sources.base import Item, NameBatch, Source
from .sources.local import LocalRef
from .state import INTERRUPTED_LIMIT
from .textsafe import shown
from .timeutil import now_utc
from .work import BytesRef, FileOutcome, FileTask, LiveRef, WorkerSettings, run_task, scratch

__all__ = ["Dispatcher", "LazyHead", "examine_entry", "run_scan", "walk"]

log = logging.getLogger("leakscan")

UNIT_TASKS = 64  # files per unit sent to a worker (one round trip)
UNIT_BYTES = 32 << 20  # bytes of files per unit (fewer, larger files per round trip)
# An idle worker is given the unit being filled once it holds this many bytes of files, or once its first file
# has waited this long: tiny files go in units of UNIT_TASKS (a unit costs the scan process ~0.7 ms: the
# in-flight record, pickling, the round trip), while a slow walk still keeps the workers busy. Large units
# are safe: a worker sends each file's outcome as it finishes it, so a crash costs only the file it was on.
IDLE_UNIT_BYTES = 64 << 10
IDLE_UNIT_SECONDS = 0.5
MAX_UNMERGED = 50_000  # outcomes held behind one slow file before the walk waits for it
SETTLE_BYTES = 512  # a file this small whose inspectors all settle it from its bytes is examined here


# Test hooks only: seconds to sleep after each run of a folder's files; and a path P: after the first folder
# with files the walk creates P.paused and waits (at most TEST_HOOK_PAUSE_SECONDS) until P.go exists, so a
# test strikes mid-walk whatever the machine's load (the folders after the first are still to be walked).
TEST_HOOK_DELAY_PER_FOLDER_ENV = "LEAKSCAN_TEST_HOOK_DELAY_PER_FOLDER"
TEST_HOOK_PAUSE_ENV = "LEAKSCAN_TEST_HOOK_PAUSE_AT"
TEST_HOOK_PAUSE_SECONDS = 300


def _test_pause(at: str) -> None:
    """The test hook's handshake (see TEST_HOOK_PAUSE_ENV)."""
    Path(at + ".paused").touch()
    go, deadline = Path(at + ".go"), time.monotonic() + TEST_HOOK_PAUSE_SECONDS
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


class Dispatcher:
    """Turns a walk into tasks for the pool (or runs them here when there is none) and merges the
    outcomes into the scan's result in walk order, recording each file in the resume state."""

    def __init__(self, ctx: ScanContext, pool: WorkerPool | None) -> None:
        self.ctx = ctx
        self.pool = pool
        self._order: deque[list] = deque()  # [outcome or None, location key or None], walk order
        self._inflight: dict[int, list] = {}  # task seq -> its place in _order
        self._seq = 0
        self._unit: list[FileTask] = []
        self._unit_bytes = 0
        self._unit_since = 0.0  # when the unit being filled got its first file
        self._affine: list[FileTask] = []
        self._affinity: str | None = None
        self._local: ScanContext | None = None  # tasks run in this process (no pool, empty files)
        self._spare: FileOutcome | None = None  # an outcome the cheap checks left empty, for the next file
        self._more = getattr(ctx.progress, "files", None)
        self._hits = getattr(ctx.progress, "hits", None)
        self._inspected = getattr(ctx.progress, "inspected", None)
        self._folder = getattr(ctx.progress, "folder", None)
        self._shown_at = 0.0
        if pool is not None and ctx.state is not None:
            pool.on_poison = self._poisoned

    def _poisoned(self, task: FileTask, part: str, poison: Poison) -> None:
        assert self.ctx.state is not None
        self.ctx.state.poison(task.location.key(), part, poison)

    # -- the walk -----------------------------------------------------------------------------------
    def walk(self, items: Iterable[Item | NameBatch]) -> None:
        delay = float(os.environ.get(TEST_HOOK_DELAY_PER_FOLDER_ENV) or 0)
        pause = os.environ.get(TEST_HOOK_PAUSE_ENV)
        for item in items:
            if not isinstance(item, _NOT_ENTRIES):  # entries first: they are nearly every item
                self.entry(item)
            elif isinstance(item, NameBatch):
                self.batch(item)
                if delay:
                    time.sleep(delay)
                if pause and item.names:
                    _test_pause(pause)
                    pause = None
            elif isinstance(item, Skipped):
                if item.reason == Status.UNREADABLE and not self.ctx.config.strict_complete:
                    item = system_folders.expected(item)  # System Volume Information at a volume root (Session 11)
                self._ready(FileOutcome(skipped=[item]), None)
            else:
                self._ready(FileOutcome(links=[item]), None)

    def batch(self, batch: NameBatch) -> None:
        """A folder's plain files: names nothing wants are only counted; the others are examined in order.

        Equivalent to examining each entry: a file with no name match and no inspector's interest does no
        I/O, so it adds nothing but the count (and a resumed scan never recorded it).
        """
        ctx = self.ctx
        if self._folder is not None and batch.names and time.monotonic() - self._shown_at > 0.5:
            self._shown_at = time.monotonic()
            self._folder(top_folder(batch.entry(0).location))
        picked, by_rule = ctx.prefilter.split(batch.names, batch.framed)
        prefetch = getattr(batch, "prefetch", None)  # a source whose reads are round trips fetches ahead (SMB)
        if prefetch is not None and picked:
            prefetch(picked)
        examined = 0
        wanted = set(picked) if by_rule is not None else None
        # the names picked, and those whose first bytes contradict their extension (photo.jpg that is an .xlsx)
        for i, entry in by_content(ctx, batch.names, picked, batch.entry, remote=prefetch is not None,
                                   heads=getattr(batch, "heads", None)):
            examined += 1
            # what the folder's name pass already knows of a name no rule can meet: the prefilter's verdict
            self.entry(entry, i in wanted if wanted is not None and by_rule is not None and i not in by_rule else None)
        rest = len(batch.names) - examined
        if rest:
            ctx.result.files_seen += rest
            if self._more is not None:
                self._more(rest)
            else:
                for _ in range(rest):
                    ctx.progress.file()
        self._flush_affine()  # a folder's files that pair up (recycle bin) go to one worker together
        if self._unit and self._idle_unit():  # a slow walk (a large remote folder) keeps the workers busy
            self._flush()

    def entry(self, entry: Entry, name_wanted: bool | None = None) -> None:
        """One file: replayed from the resume state, settled by the cheap checks, or sent to a worker.
        ``name_wanted``: not None when the file's name as the folder lists it meets no name rule and the prefilter
        said whether some inspector may want it (a folder's name pass: ``NamePrefilter.split``; see ``pick``)."""
        ctx = self.ctx
        ctx.progress.file()
        state, key = ctx.state, None
        if state is not None and state.resuming:
            key = entry.location.key()
            replayed = FileOutcome()
            if state.replay(key, replayed):  # type: ignore[arg-type]
                self._ready(replayed, None)
                return
        settled, self._spare = self._spare or FileOutcome(files_seen=1), None
        cand = pick(entry, ctx, settled, name_wanted)
        if settled.hits or settled.skipped:  # the cheap checks recorded the file (it could not be stat'ed)
            self._ready(settled, key or (entry.location.key() if state is not None else None))
            return
        self._spare = settled  # still empty: used for the next file (one object less per file)
        if cand is None:
            ctx.result.files_seen += 1
            return
        # In flight twice when the scan itself ended. A file is marked in flight when it is queued, not when
        # a worker starts it, so this is no proof against the file: in a worker it runs again alone, in a fresh
        # process, under the time and memory limits (its own crash or hang then blames it); only a file the
        # scan process would decode itself is not entered again.
        twice = state is not None and state.resuming and state.interrupted(key or "") >= INTERRUPTED_LIMIT
        if twice and self.pool is None:
            self._ready(failed(FileTask(entry.location, entry.name, entry.deleted, cand, None), Status.CORRUPT,
                               say(Detail.SCAN_ENDED_TWICE)), key)
            return
        task = self._task(entry, cand)
        if task is None:
            return
        if twice and isinstance(task.ref, LiveRef):
            self._ready(failed(task, Status.CORRUPT, say(Detail.SCAN_ENDED_TWICE)), key)
            return
        task.fresh = twice
        if state is not None and state.resuming:  # a step that killed a worker in an earlier run is not run again
            task.poisoned = state.poisons(key or "")
        if self._quiet_empty(entry, task):  # its outcome is known without running the inspectors: counted only
            self._ready(FileOutcome(files_seen=1, inspected=1), None)
            return
        self._seq += 1
        task.seq = self._seq
        place = [None, key or (entry.location.key() if state is not None else None)]
        self._order.append(place)
        self._inflight[task.seq] = place
        if self.pool is None or isinstance(task.ref, LiveRef):
            self._run_here(task)
            return
        if task.fresh:  # alone, in a worker that has examined nothing else
            self._flush()
            self._unit = [task]
            self._flush()
        elif cand.affinity is not None:
            if cand.affinity != self._affinity:
                self._flush_affine()
                self._affinity = cand.affinity
            self._affine.append(task)
        else:
            if not self._unit:
                self._unit_since = time.monotonic()
            self._unit.append(task)
            self._unit_bytes += task.size
            if len(self._unit) >= UNIT_TASKS or self._unit_bytes >= UNIT_BYTES or self._idle_unit():
                self._flush()
        while self.pool.waiting() >= self.pool.size or len(self._order) > MAX_UNMERGED:
            self._pump(block=True)

    def _task(self, entry: Entry, cand: Candidate) -> FileTask | None:
        """The task for a picked file: how a worker gets at it (its path; else its bytes, read here)."""
        task = FileTask(entry.location, entry.name, entry.deleted, cand, LiveRef(entry))
        if self.pool is None:
            return task
        ref = getattr(entry, "ref", None)
        found = ref() if ref is not None else None
        if isinstance(found, LocalRef) and cand.stat.size <= SETTLE_BYTES:
            small = self._small(entry, cand)
            if small is not None:
                task.ref = small
                return task
        if cand.stat.size == 0:  # nothing to decode in a file read empty here: no round trip
            read = None if isinstance(found, LocalRef) else read_once(entry, cand, self.ctx.config.max_inspect_bytes)
            if read is not None and not read.digests.size:
                task.ref = LiveRef(entry, read)
                return task
            # (review13f) a file that grew since it was listed (a live share), or could not be read here (``_small``
            # of a local one), takes the usual path: a LiveRef without its read was examined in the scan process,
            # which read the grown bytes again and decoded them there
        if found is not None:
            # a small local file with nothing to decode (its bytes say so) is examined here; only a local one:
            # reading it twice costs nothing there, where over SMB it could cost a round trip
            read = self._settled(entry, cand) if isinstance(found, LocalRef) and not cand.matches else None
            if read is not None:
                task.ref = LiveRef(entry, read)
                return task
            task.ref = found
            return task
        cap = self.ctx.config.max_inspect_bytes
        if cand.stat.size > cap:  # only hashed (too large to inspect): read here, no decoder runs
            return task
        try:
            with entry.open() as stream:
                data = read_capped(stream, cand.stat.size, cap)
        except (ReadError, OSError) as e:
            err = e if isinstance(e, ReadError) else ReadError(Status.UNREADABLE, os_error(e))
            out = FileOutcome(files_seen=1)
            unreadable(entry, cand.matches, cand.stat, err, out)
            self._ready(out, entry.location.key() if self.ctx.state is not None else None)
            return None
        if len(data) <= cap:
            task.ref = BytesRef(data, getattr(entry, "damage", None))
        return task

    def _small(self, entry: Entry, cand: Candidate) -> LiveRef | BytesRef | None:
        """A small local file is read once, here (``read_once``): examined here when it is empty or settled
        (``settles_here``), else its bytes go to a worker when every inspector that wants it reads bytes
        alone (those that declare ``settles_here``); None (the usual path) when the read failed or saw the
        file change, or when an inspector may need the file itself."""
        inspectors = [self.ctx.inspectors[i] for i in cand.wanted]
        if cand.stat.size and (not inspectors or any(getattr(i, "settles_here", None) is None for i in inspectors)):
            return None  # read where it is examined (a worker), as before: no read here
        read = read_once(entry, cand, self.ctx.config.max_inspect_bytes)
        if read is None:
            return None
        if cand.stat.size == 0:
            return LiveRef(entry, read)
        if read.data is None:
            return None
        if not cand.matches and not self._hit(entry, read) and all(i.settles_here(read.data) for i in inspectors):  # type: ignore[attr-defined]
            return LiveRef(entry, read)
        return BytesRef(read.data, getattr(entry, "damage", None))

    def _quiet_empty(self, entry: Entry, task: FileTask) -> bool:
        """An empty file read here (``_small``: opened, still empty) that no name rule or known hash makes a hit,
        a plain file (no part of a split series, no damaged archive member), whose wanted inspectors all declare
        ``quiet_when_empty``: ``finish`` would only count it as inspected, so it is not run (one in ten files of a
        tree of fake spreadsheet names)."""
        read = task.ref.read if isinstance(task.ref, LiveRef) else None
        cand = task.candidate
        if read is None or read.digests.size or cand.matches or not cand.wanted or task.poisoned or self._known(read):
            return False
        if any(getattr(entry, a, None) is not None for a in ("series", "splice", "damage", "open_own")):
            return False
        inspectors = self.ctx.inspectors
        return all(getattr(inspectors[i], "quiet_when_empty", False) is True for i in cand.wanted) and (
            disguise_check(entry.name, b"") is None or checked_entry_ext(entry.name, entry.location) is None)

    def _known(self, read: ReadResult) -> bool:
        """Whether a file read here is a hit by its digest (--known-hashes): its content type comes from libmagic,
        a C parser of its bytes, so it is not settled here but examined in a worker (its bytes sent, or re-read)."""
        d = read.digests
        return bool(self.ctx.known_hashes) and bool({d.sha256, d.sha1, d.md5} & self.ctx.known_hashes)

    def _hit(self, entry: Entry, read: ReadResult) -> bool:
        """Whether a file read here may be a hit without a name match: by its digest (``_known``) or as content its
        name contradicts (``finish``'s disguise check: a PDF named 報告.jpg). A hit's content type comes from libmagic,
        a C parser of its bytes, so such a file is examined in a worker, not settled here."""
        return self._known(read) or (checked_entry_ext(entry.name, entry.location) is not None
                                     and disguise_check(entry.name, read.head[:MARKUP_CHECK]) is not None)

    def _settled(self, entry: Entry, cand: Candidate) -> ReadResult | None:
        """The read pass of a file every inspector that wants it settles from its bytes without decoding
        (``settles_here``), for a file no larger than each of them settles (``settle_bytes``, else SETTLE_BYTES:
        a fake .msg or a zip signature then noise is settled by a byte search over the whole file, while a
        spreadsheet name stays at 512 bytes): read once, hashed only when settled. None: the file goes to a
        worker (also when it cannot be read here: the worker records why)."""
        inspectors = [self.ctx.inspectors[i] for i in cand.wanted]
        if not inspectors or any(getattr(i, "settles_here", None) is None for i in inspectors):
            return None
        limit = min(getattr(i, "settle_bytes", SETTLE_BYTES) for i in inspectors)
        if cand.stat.size > limit:
            return None
        read = read_once(entry, cand, self.ctx.config.max_inspect_bytes,
                         lambda data: all(i.settles_here(data) for i in inspectors))  # type: ignore[attr-defined]
        return None if read is None or self._hit(entry, read) else read

    # -- units, outcomes and their order ------------------------------------------------------------
    def _run_here(self, task: FileTask) -> None:
        if self._local is None:
            c = self.ctx
            self._local = ScanContext(c.config, c.rules, c.inspectors, scratch(c.config), NoProgress(),
                                      c.known_hashes, None, c.case_key)
        self._inflight.pop(task.seq)[0] = run_task(task, self._local)
        self._merge_ready()

    def _idle_unit(self) -> bool:
        """Whether the unit being filled is worth an idle worker's round trip now (IDLE_UNIT_BYTES)."""
        assert self.pool is not None
        return (self._unit_bytes >= IDLE_UNIT_BYTES or time.monotonic() - self._unit_since >= IDLE_UNIT_SECONDS) \
            and self.pool.idle()

    def _flush(self) -> None:
        if self._unit:
            unit, self._unit, self._unit_bytes = self._unit, [], 0
            self._submit(unit)

    def _flush_affine(self) -> None:
        if self._affine:
            unit, self._affine, self._affinity = self._affine, [], None
            self._submit(unit)

    def _submit(self, unit: list[FileTask]) -> None:
        assert self.pool is not None
        if self.ctx.state is not None:  # before any byte is decoded: a scan that dies knows what was in flight
            self.ctx.state.in_flight([t.location.key() for t in unit])
        self.pool.submit(unit)
        self._pump(block=False)

    def _pump(self, block: bool) -> None:
        if self.pool is None:
            return
        if block:
            self._flush()
            self._flush_affine()
            if not self.pool.busy():
                raise RuntimeError("waiting for outcomes while no task is in flight")
        for task, outcome in self.pool.collect(None if block else 0.0):
            self._inflight.pop(task.seq)[0] = outcome
        self._merge_ready()

    def _ready(self, outcome: FileOutcome, key: str | None) -> None:
        """An outcome known now: merged at once, or queued behind files still in flight."""
        if self._order:
            self._order.append([outcome, key])
        else:
            self._apply(outcome, key)

    def _merge_ready(self) -> None:
        order = self._order
        while order and order[0][0] is not None:
            outcome, key = order.popleft()
            self._apply(outcome, key)

    def _apply(self, outcome: FileOutcome, key: str | None) -> None:
        ctx = self.ctx
        result = ctx.result
        state = ctx.state if key is not None and not outcome.empty() else None
        mark = result.mark() if state is not None else None  # taken only for an outcome the resume state records
        outcome.merge_into(result)
        if outcome.bytes_read:
            ctx.progress.bytes(outcome.bytes_read)
        if outcome.hits and self._hits is not None:
            self._hits(len(outcome.hits))
        if outcome.inspected and self._inspected is not None:
            self._inspected(outcome.inspected)
        for level, line in outcome.logs:  # what the worker logged about this file, in walk order
            log.log(level, "%s", line)
        if state is not None and mark is not None and key is not None:
            state.record(key, result, mark)

    def drain(self) -> None:
        """Wait for every file in flight and merge it (at the end of each source)."""
        self._flush()
        self._flush_affine()
        while self._order:
            self._pump(block=True)


_NOT_ENTRIES = (NameBatch, Skipped, Link)


def top_folder(location: Location) -> str:
    """The first folder under the source (or under the container) a location lies in, for the progress bar."""
    path = location.path
    if not location.containers:
        root = os.path.abspath(location.source)
        path = path[len(root):] if path.startswith(root) else path
    parts = [p for p in path.split("/") if p]
    return parts[0] if len(parts) > 1 else ""


def walk(items: Iterable[Item | NameBatch], ctx: ScanContext) -> None:
    """Examine every item in this process (what a caller with its own context and no pool uses)."""
    d = Dispatcher(ctx, None)
    d.walk(items)
    d.drain()


def pool_size(config: ScanConfig, workers: int | None) -> int:
    """Worker processes for a scan: ``workers``, else --workers, else one per core."""
    if workers is not None:
        return workers
    return config.workers or os.cpu_count() or 1


def run_scan(config: ScanConfig, sources: list[Source], progress: Progress | None = None,
             inspectors: list[Inspector] | None = None, state: ResumeLog | None = None,
             workers: int | None = None) -> ScanResult:
    """Scan every source in order, then run the post-scan analyses; return the result (not yet written).

    ``inspectors`` defaults to every registered one (scanner.registry). Files are examined in a pool of
    ``workers`` processes (default: --workers, else one per core); inspectors that are not registered
    cannot be rebuilt in a worker, so with them (or ``workers=0``, or no inspector at all unless
    ``workers`` says otherwise) files are examined in this process.
    """
    ctx = scan_context(config, progress, inspectors, state)
    chosen = ctx.inspectors
    # with no content inspector nothing decodes untrusted bytes: hashing name hits needs no worker
    size = pool_size(config, workers) if portable(chosen) and (chosen or workers) else 0
    pool = None
    if size:
        pool = WorkerPool(size, worker_settings(ctx))
    try:
        dispatcher = Dispatcher(ctx, pool)
        for source in sources:
            scan_source(source, dispatcher)
    finally:
        if pool is not None:
            pool.close()
        if "scanner.image_walker" in sys.modules:  # the idle image walker kept between SOURCE images
            sys.modules["scanner.image_walker"].close_spare_walkers()
    return finish_scan(ctx)


def portable(inspectors: list[Inspector]) -> bool:
    """Whether another process can rebuild these inspectors from their registry names (WorkerSettings)."""
    registered = {cls.name: cls for cls in INSPECTORS}
    return all(registered.get(getattr(i, "name", "")) is cast(object, type(i)) for i in inspectors)


def scan_context(config: ScanConfig, progress: Progress | None = None, inspectors: list[Inspector] | None = None,
                 state: ResumeLog | None = None) -> ScanContext:
    """The scan process's context: a fresh result, the rules, the inspectors, the case key of --out."""
    result = ScanResult(config=config, started=now_utc())
    chosen = inspectors_for(config) if inspectors is None else inspectors
    return ScanContext(config, NameRules(config.names, config.use_keywords), chosen, result,
                       progress or NoProgress(), frozenset(h.lower() for h in config.known_hashes), state,
                       scan_key(Path(config.out)))


def worker_settings(ctx: ScanContext) -> WorkerSettings:
    """What a worker process (of the pool, or of a dask cluster) needs to examine files as this scan would."""
    return WorkerSettings(ctx.config, tuple(i.name for i in ctx.inspectors), ctx.known_hashes,
                          ctx.case_key or b"", log.getEffectiveLevel())


def finish_scan(ctx: ScanContext) -> ScanResult:
    """Once every source is walked: the post-scan analyses (persons, overlaps, traces ...)."""
    for analysis in ANALYSES:
        run_analysis(analysis, ctx)
    ctx.result.finished = now_utc()
    return ctx.result


def scan_source(source: Source, dispatcher: Dispatcher, items: Iterable[Item | NameBatch] | None = None) -> None:
    """Walk one source (or ``items`` of it: a part) into the dispatcher's result; a source that cannot be
    opened, or fails for good on the way, is recorded (source_errors, skipped) and the scan goes on.

    A SOURCE disk image is opened and walked in a killable process of its own (scanner.image_walker)
    whenever that process can rebuild the scan's inspectors."""
    ctx = dispatcher.ctx
    items_whole = items is None  # the whole source, not a part of it (a cluster's part has no figures of its own)
    if items is None and getattr(source, "kind", None) == "image" and portable(ctx.inspectors):
        from .image_walker import isolated  # lazy: only a scan with a disk image needs it

        source = isolated(source, worker_settings(ctx))
    try:
        with source:
            described = source.describe()
            ctx.result.sources.append(described)
            _estimate(source, ctx.progress)
            mark = ctx.result.mark()
            if items is None:
                batches = getattr(source, "batches", None)
                items = source.entries() if batches is None else batches()
            dispatcher.walk(items)
            dispatcher.drain()
            settle_lost(source, ctx, mark)
            if items_whole:  # this source's own figures (a merge of scans that share it counts them once)
                described.update(files_seen=ctx.result.files_seen - mark.files_seen,
                                 bytes_read=ctx.result.bytes_read - mark.bytes_read)
    except SourceError as e:
        dispatcher.drain()
        said = e.args[0] if len(e.args) == 1 and isinstance(e.args[0], str) else str(e)  # a Said keeps its codes
        ctx.result.source_errors.append({"source": source.text, "error": said, "error_codes": codes_of(said)})
        ctx.result.skipped.append(Skipped(Location(source.text, ""), Status.SOURCE_ERROR, said))
        ctx.result.skipped.extend(e.skipped)  # the parts recognised but unreadable, each with its reason
        if e.details is not None and not any(d.get("source") == source.text for d in ctx.result.sources):
            ctx.result.sources.append(e.details)  # an image's format, files and hashes: chain of custody


def _estimate(source: Source, progress: Progress) -> None:
    """Tell the progress how many files the source may hold, when it can say cheaply (``estimate()``)."""
    estimate, total = getattr(source, "estimate", None), getattr(progress, "total", None)
    if estimate is not None and total is not None:
        n = estimate()
        if n:
            total(n)


# What a source that went away makes of the files and folders it was asked for: these errors are the
# source's, not the files' (an image file's device gone fails a read as corrupt in TSK)
_LOSABLE = frozenset({Status.VANISHED, Status.UNREADABLE, Status.CORRUPT, Status.UNRECOVERABLE})


def settle_lost(source: Source, ctx: ScanContext, mark: ResultMark) -> None:
    """After a source's walk: if the source itself is gone now (a mount unmounted, the scanned folder or an
    image file removed or unreadable: its ``lost()``), the errors since its walk began are the loss's.
    They become ``source-lost`` (the scan is incomplete) and are forgotten by the resume state, so
    ``--resume`` examines them again. Sources check this at the time of each error too where they can
    (the local walk); this catches what failed elsewhere (in a worker process, in TSK)."""
    lost = getattr(source, "lost", None)
    why = lost() if lost is not None else ""
    if not why:
        return
    result = ctx.result
    keys: list[str] = []
    for i in range(mark.skipped, len(result.skipped)):
        s = result.skipped[i]
        if s.reason in _LOSABLE:
            result.skipped[i] = Skipped(s.location, Status.SOURCE_LOST,
                                          say(Detail.LOST_AFTER_FAILING, why=why, reason=str(s.reason), then=s.detail))
            keys.append(s.location.key())
    for hit in result.hits[mark.hits:]:
        if hit.status in _LOSABLE:
            hit.status, hit.status_detail = Status.SOURCE_LOST, say(Detail.LOST_AFTER_FAILING, why=why, reason=str(hit.status),
                                                                  then=hit.status_detail)
            stored = getattr(hit, "stored", None)
            if stored is not None:  # a hit replayed from the state keeps its JSON (its own dict)
                stored.update(status=hit.status, status_detail=hit.status_detail)
            keys.append(hit.location.key())
    forget = getattr(ctx.state, "forget", None)
    if forget is not None and keys:
        forget(keys)
    log.warning("%s: the source went away during the scan (%s); %d folder(s) or file(s) not examined",
                shown(source.text), why, len(set(keys)))


def run_analysis(analysis: Analysis, ctx: ScanContext) -> None:
    """One post-scan analysis; a bug in it must not lose the whole scan: recorded, reported."""
    try:
        analysis(ctx)
    except LeakscanError:
        raise
    except Exception as e:  # noqa: BLE001 - recorded in the findings as <name>_error
        log.error("%s failed: %s", analysis.what, type(e).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
        ctx.result.extra[f"{analysis.name}_error"] = (f"{type(e).__name__}: {analysis.what} failed "
                                                      "(run with -v for details)")
