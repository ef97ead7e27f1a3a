"""Per-file work as a value: a task (where a file is, what the cheap checks found) and its outcome.

A ``FileTask`` is plain and picklable: the file's location, the checks' ``Candidate`` and an ``EntryRef``
from which any process re-creates the entry (a local path it opens itself; the bytes, for entries only the
scan process can read). ``run_task(task, worker)`` examines the file (hash, inspectors, archive members)
and returns a ``FileOutcome``: its hits, skips and links, its person records as keyed fingerprints, and
whatever else its inspectors collected; never a personal value in clear (unless --unmask asked for the
report's examples). The scan's pool (scanner.pool) runs tasks in worker processes and merges outcomes in
walk order, so findings.json does not depend on the number of workers; another engine (dask.distributed)
can run the same function on the same values.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from dataclasses import dataclass, field, fields
from typing import IO, Any, Protocol

from .codes import Status
from .config import ScanConfig
from .contracts import NoProgress, Poison, ScanContext, ScanResult
from .examine import INSPECT_SLACK as START_SLACK
from .examine import Candidate, finish
from .fingerprint import ReadResult
from .isolation import native_decoded, report, start_task
from .logsafe import RedactingFormatter
from .models import Entry, FileHit, FilePrints, FileStat, Link, Location, Skipped, fields_reduce
from .names import NameRules
from .registry import INSPECTORS, inspectors_for


class EntryRef(Protocol):
    """How a worker re-creates the entry of a task: a picklable value an entry offers with ``ref()``
    (sources.local.LocalRef: its path); without one, the scan process reads the bytes (BytesRef)."""

    def entry(self, location: Location, name: str, deleted: bool, st: FileStat) -> Entry: ...


@dataclass(frozen=True, slots=True)
class BytesRef:
    """An entry only the scan process can read (inside an image, on an SMB share): its bytes travel."""

    __reduce__ = fields_reduce

    data: bytes
    damage: str | None = None  # why the bytes as read are not the file's (images26: blocks read as zeros)

    def entry(self, location: Location, name: str, deleted: bool, st: FileStat) -> Entry:
        return MemoryEntry(location, name, deleted, st, self.data, self.damage)


@dataclass(frozen=True, slots=True)
class LiveRef:
    """The entry object itself, for tasks run in the scan process (never pickled); ``read``: its read pass,
    when the scan process already made it (``examine.read_once``)."""

    live: Any
    read: ReadResult | None = None

    def entry(self, location: Location, name: str, deleted: bool, st: FileStat) -> Entry:
        return self.live


class MemoryEntry:
    """An entry whose bytes were read by the scan process."""

    __slots__ = ("location", "name", "deleted", "_stat", "_data", "damage")
    kind = "file"

    def __init__(self, location: Location, name: str, deleted: bool, st: FileStat, data: bytes,
                 damage: str | None = None) -> None:
        self.location, self.name, self.deleted, self._stat, self._data = location, name, deleted, st, data
        self.damage = damage  # the source entry's (examine.finish lists the file as damaged with it)

    def stat(self) -> FileStat:
        return self._stat

    def open(self) -> IO[bytes]:
        return io.BytesIO(self._data)


@dataclass(slots=True)
class FileTask:
    """One file to examine: plain values only (picklable; pickled by position, ``models.fields_reduce``)."""

    __reduce__ = fields_reduce

    location: Location
    name: str
    deleted: bool
    candidate: Candidate
    ref: Any  # an EntryRef
    seq: int = 0  # walk order, for the merge
    poisoned: dict[str, Poison] = field(default_factory=dict)  # steps that killed a worker on this file
    attempts: int = 0  # workers lost on this task so far
    fresh: bool = False  # a worker died on it: run it again alone in a freshly started worker (scanner.pool)
    resent: bool = False  # finished once, its outcome lost with its worker: sent at once, then that worker ends

    @property
    def size(self) -> int:
        return self.candidate.stat.size


@dataclass(slots=True)
class FileOutcome:
    """What examining one file (and its archive members) adds to the scan's result."""

    __reduce__ = fields_reduce

    hits: list[FileHit] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    prints: dict[int, FilePrints] = field(default_factory=dict)  # index in ``hits`` -> keyed person records
    extra: dict[str, list[Any]] = field(default_factory=dict)  # other lists inspectors fill (ScanResult fields)
    files_seen: int = 0
    bytes_read: int = 0
    inspected: int = 0
    logs: list[tuple[int, str]] = field(default_factory=list)  # the worker's log lines (level, redacted text)
    recycle: bool = False  # a C/Rust decoder failed on this file's data: its worker must not examine another

    @classmethod
    def of(cls, result: ScanResult) -> FileOutcome:
        extra = {name: value for name in _EXTRA
                 if isinstance(value := getattr(result, name), list) and value}
        return cls(result.hits, result.skipped, result.links, result.prints, extra, result.files_seen,
                   result.bytes_read, result.inspected)

    def empty(self) -> bool:
        return not (self.hits or self.skipped or self.links or self.extra or self.bytes_read)

    def merge_into(self, result: ScanResult) -> None:
        base = len(result.hits)
        result.hits += self.hits
        result.skipped += self.skipped
        result.links += self.links
        for i, found in self.prints.items():
            result.prints[base + i] = found
        for name, values in self.extra.items():
            getattr(result, name).extend(values)
        result.files_seen += self.files_seen
        result.bytes_read += self.bytes_read
        result.inspected += self.inspected


# ScanResult lists an outcome carries itself, or that only the scan process fills (one per source; the
# descriptions of disk images met inside a source travel as ``sources`` in the outcome)
_NOT_EXTRA = frozenset(f.name for f in fields(FileOutcome)) | {"source_errors"}
_EXTRA = tuple(f.name for f in fields(ScanResult) if f.name not in _NOT_EXTRA)  # the others, in field order


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """What every worker needs to examine files as the scan would (sent with each unit; small)."""

    config: ScanConfig
    inspectors: tuple[str, ...]  # registry names, in the scan's order
    known_hashes: frozenset[str]
    case_key: bytes
    log_level: int = logging.WARNING  # the scan's leakscan log level (-v: DEBUG)


class LogLines(logging.Handler):
    """A worker's leakscan log lines, kept for the task's outcome: the scan process logs them in walk order
    (a worker's stderr goes nowhere). Formatted here, so tracebacks already withhold parser messages."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(RedactingFormatter("%(message)s"))
        self.lines: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelno, self.format(record)))


def scratch(config: ScanConfig) -> ScanResult:
    return ScanResult(config=config, started="")


def run_task(task: FileTask, ctx: ScanContext, lines: LogLines | None = None) -> FileOutcome:
    """Examine one file in this process (``ctx`` is the worker's; its result is replaced per task)."""
    ctx.result = scratch(ctx.config)
    ctx.result.files_seen = 1
    ctx.poisoned = task.poisoned
    entry = task.ref.entry(task.location, task.name, task.deleted, task.candidate.stat)
    finish(entry, task.candidate, ctx, getattr(task.ref, "read", None))
    out = FileOutcome.of(ctx.result)
    if lines is not None and lines.lines:
        out.logs, lines.lines = lines.lines, []
    return out


_contexts: dict[int, ScanContext] = {}
_lines: LogLines | None = None


def _worker_logging(level: int) -> LogLines:
    """In a worker: leakscan's log lines go into the outcomes, at the scan's level."""
    global _lines
    if _lines is None:
        _lines = LogLines()
        logger = logging.getLogger("leakscan")
        logger.addHandler(_lines)
        logger.propagate = False
    logging.getLogger("leakscan").setLevel(level)
    return _lines


def new_context(settings: WorkerSettings) -> ScanContext:
    """A scan context as the scan process's, rebuilt from the settings (rules, inspectors, prefilter)."""
    config = settings.config
    registered = {cls.name: cls for cls in INSPECTORS}
    inspectors = [registered[n](config) for n in settings.inspectors] if settings.inspectors else \
        inspectors_for(config)
    return ScanContext(config, NameRules(config.names, config.use_keywords), inspectors, scratch(config),
                       NoProgress(), settings.known_hashes, None, settings.case_key)


def context_for(settings: WorkerSettings) -> ScanContext:
    """The worker's scan context for these settings, built once (rules, inspectors, prefilter)."""
    # the whole config too: a process may serve several scans (a Dask worker's pool, scanner.cluster)
    token = hash((settings.inspectors, settings.case_key, repr(settings.config), settings.config.passwords))
    ctx = _contexts.get(token)
    if ctx is None:
        ctx = new_context(settings)
        _contexts.clear()
        _contexts[token] = ctx
    return ctx


# the status of a file whose decoder failed on its data (not a cap, nor a refusal such as encrypted)
DAMAGE = frozenset({Status.CORRUPT})
_spent = False  # this worker had a native decoder fail: it examines nothing more (the pool replaces it)


def decoder_failed(out: FileOutcome) -> bool:
    """Whether a C/Rust decoder ran on this file and the file (or a member) came out damaged: that decoder
    may have corrupted the worker's heap without crashing it, so the next file would pay for it."""
    damaged = any(s.reason in DAMAGE for s in out.skipped) or any(h.status in DAMAGE for h in out.hits)
    return damaged and native_decoded()


# A worker sends the outcomes it holds once the files behind them took this long since its last message, once
# the file it is on has run this long (a thread: a file that hangs or runs long never costs the finished ones),
# before a file of FLUSH_BEFORE_BYTES, and at the unit's end: one message per file costs both processes ~28 us,
# which a share of tiny files pays in full; a crash re-runs at most this much finished work.
FLUSH_SECONDS = 0.025
FLUSH_BEFORE_BYTES = 256 << 10  # a file this large may take long (or crash): what is finished leaves first


class _Held:
    """Finished outcomes of the running unit not yet sent; a daemon thread sends them when a file runs long."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.unit = 0
        self.first = 0  # index in the unit of outcomes[0]
        self.outcomes: list[FileOutcome] = []
        self.file = 0  # files begun in this worker (the thread sees whether the same one is still running)
        self.active = False

    def send(self) -> None:
        """Send what is held (the caller holds ``lock``)."""
        if self.outcomes:
            report(("files", self.unit, self.first, self.outcomes))
            self.first += len(self.outcomes)
            self.outcomes = []

    def watch(self) -> None:
        seen = -1
        while True:
            time.sleep(FLUSH_SECONDS)
            with self.lock:
                if self.active and self.file == seen:
                    self.send()
                seen = self.file


_held: _Held | None = None


def run_unit(settings: WorkerSettings, tasks: list[FileTask], unit: int = 0) -> tuple[int, list[FileOutcome]]:
    """Worker entry point: examine ``tasks`` in order. Finished outcomes are held and sent to the pool as
    ``("files", unit, first_index, outcomes)`` once they took FLUSH_SECONDS, once the file begun after them has
    run FLUSH_SECONDS (a thread), before a file of FLUSH_BEFORE_BYTES begins, and after each ``resent`` task; the
    outcomes still held are returned with the unit's number (the unit's one message when its files are cheap).
    Each task starts afresh on the worker's mark board, so a crash or a hang is pinned on its task (and file and step); finished files
    whose outcomes had not left are examined again (``resent``), at most FLUSH_SECONDS of cheap work.

    After a file on which a native decoder failed (``decoder_failed``), the unit stops: its outcome says
    ``recycle``, fewer outcomes than ``tasks`` come back, and the pool runs the rest in a fresh worker."""
    global _spent, _held
    if _spent:
        return unit, []
    ctx = context_for(settings)
    lines = _worker_logging(settings.log_level)
    limit = settings.config.parse_timeout + START_SLACK
    if _held is None:
        _held = _Held()
        threading.Thread(target=_held.watch, daemon=True, name="leakscan-held").start()
    held = _held
    with held.lock:
        held.unit, held.first, held.outcomes, held.active = unit, 0, [], True
    since = time.monotonic()
    try:
        for i, task in enumerate(tasks):
            with held.lock:
                if task.size >= FLUSH_BEFORE_BYTES:
                    held.send()
                held.file += 1
            start_task(unit, i, limit, task.location)
            outcome = run_task(task, ctx, lines)
            stop = decoder_failed(outcome)
            if stop:
                outcome.recycle = _spent = True
            with held.lock:
                held.outcomes.append(outcome)
                held.file += 1  # between files: nothing runs long
                if stop:
                    break
                if task.resent or time.monotonic() - since >= FLUSH_SECONDS:
                    held.send()
                    since = time.monotonic()
    finally:
        with held.lock:
            rest, held.outcomes, held.active = held.outcomes, [], False
    return unit, rest  # the unit's number: the pool takes these outcomes only for the unit it sent (review12f)
