"""source -> entries -> cheap checks -> one read pass -> detectors -> hits, skips and links.

Cheap checks first: the name rules need no I/O; stat, reading, hashing and content detectors run only
for name hits and for files a content inspector wants. A failure on one file is recorded (path,
reason) and the scan goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .config import ScanConfig
from .contenttype import content_type, mismatch
from .errors import LeakscanError, ReadError, SourceError
from .fingerprint import hash_stream
from .models import Entry, FileHit, FileStat, Link, Location, Skipped
from .names import NameRules
from .prefilter import NamePrefilter
from .sources import Item, NameBatch, Source
from .timeutil import now_utc

log = logging.getLogger("leakscan")


@dataclass
class Inspection:
    """What one content inspector concluded about one file's bytes."""

    reasons: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    status: str = "ok"  # ok, encrypted, corrupt, unsupported, too-large, timeout
    detail: str = ""
    pii: dict[str, Any] | None = None
    records: Any = None  # in-memory person records (never serialised in clear)
    children: Iterable[Item] = ()  # archive members, examined like any other entry
    annotations: dict[str, Any] | None = None  # extra facts for the hit (e.g. recycled_from)


class Inspector(Protocol):
    """A content detector the pipeline may call. ``wants`` must be cheap (name, size, a few head bytes)."""

    name: str

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool: ...

    # Optional: ``opens_itself = True``: called even for a file over --max-inspect-mb (with only its head
    # as data), because it reads the file in place itself (disk images).
    # Optional: ``wants_name(name) -> bool``, a name-only pre-check run before any stat; return False
    # only when no size or content could make ``wants`` true. Better still, declare it as data (see
    # scanner.prefilter): ``skip_extensions`` (casefolded last extensions never wanted) and/or
    # ``only_prefixes`` (names wanted at most), so most names are rejected without a call.

    def inspect(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection: ...


class Progress(Protocol):
    def file(self) -> None: ...

    def bytes(self, n: int) -> None: ...

    # Optional: ``files(n)``, n files at once (a folder's names that needed no examination).


class _NoProgress:
    def file(self) -> None:
        return None

    def files(self, n: int) -> None:
        return None

    def bytes(self, n: int) -> None:
        return None


@dataclass
class ScanResult:
    config: ScanConfig
    started: str
    finished: str = ""
    files_seen: int = 0
    bytes_read: int = 0
    hits: list[FileHit] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    records: dict[int, Any] = field(default_factory=dict)  # hit index -> person records (memory only)
    source_errors: list[dict[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # sections added by post-scan analyses


@dataclass
class ScanContext:
    config: ScanConfig
    rules: NameRules
    inspectors: list[Inspector]
    result: ScanResult
    progress: Progress
    known_hashes: frozenset[str] = frozenset()
    state: Any = None  # scanner.state.ScanState when the scan keeps a resumable state
    # the name rules and the inspectors' name pre-checks combined, so most files need no stat at all
    prefilter: NamePrefilter = field(init=False)

    def __post_init__(self) -> None:
        self.prefilter = NamePrefilter(self.rules, self.inspectors, self.known_hashes)


def default_inspectors(config: ScanConfig) -> list[Inspector]:
    """The content inspectors that exist; each module registers itself here when present."""
    found: list[Inspector] = []
    try:
        from .detectors.spreadsheet import SpreadsheetInspector
    except ImportError:
        pass
    else:
        found.append(SpreadsheetInspector(config))
    try:
        from .sources.archive import ArchiveInspector
    except ImportError:
        pass
    else:
        found.append(ArchiveInspector(config))
    from .recyclebin import RecycleBinInspector
    from .sources.image_nested import ImageInspector

    found.append(RecycleBinInspector(config))
    found.append(ImageInspector(config))
    return found


# Analyses that run once the walk is over (person counting, record overlap ...): f(result) -> None
POST_ANALYSES: list[Callable[[ScanResult], None]] = []


def _count_persons(result: ScanResult) -> None:
    from .persons.analysis import analyse  # lazy: the tables load only when a scan needs them

    try:
        analyse(result)
    except LeakscanError:
        raise
    except Exception as e:  # a bug here must not lose the whole scan: recorded, reported
        log.error("counting persons failed: %s", type(e).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
        result.extra["persons_error"] = f"{type(e).__name__}: counting persons failed (run with -v for details)"


POST_ANALYSES.append(_count_persons)


class _LazyHead:
    """The first 512 bytes, read only if an inspector asks; a failed read is kept in ``error`` so the
    file is recorded as not examined instead of being dropped as "nobody wanted it"."""

    def __init__(self, entry: Entry) -> None:
        self._entry = entry
        self._data: bytes | None = None
        self.error: ReadError | None = None

    def __call__(self) -> bytes:
        if self._data is None:
            try:
                with self._entry.open() as f:
                    self._data = f.read(512)
            except ReadError as e:
                self.error, self._data = e, b""
            except OSError as e:
                self.error, self._data = ReadError("unreadable", e.strerror or str(e)), b""
        return self._data


def _guarded(inspector: Inspector, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
    """Run one inspector; any crash (even Rust panics, MemoryError) becomes a ``corrupt`` status."""
    try:
        return inspector.inspect(entry, data, ctype, ctx)
    except (KeyboardInterrupt, SystemExit):
        raise
    except ReadError as e:
        return Inspection(status=e.reason, detail=e.detail)
    except BaseException as e:  # noqa: BLE001 - parser crashes of every kind are data, not fatal
        log.debug("inspector %s failed on %s", inspector.name, entry.location.display(), exc_info=True)
        return Inspection(status="corrupt", detail=f"{inspector.name}: {type(e).__name__}")


def examine(entry: Entry, ctx: ScanContext) -> None:
    """Everything leakscan does with one file entry (replayed from the scan state when resuming)."""
    state = ctx.state
    if state is None:
        _examine(entry, ctx)
        return
    result = ctx.result
    if state.resuming and state.replay(entry.location.key(), result):
        ctx.progress.file()
        return
    mark = state.mark(result)
    _examine(entry, ctx)
    # the location key costs more than the name check: build it only when there is something to record
    if result.bytes_read != mark.bytes_read or len(result.hits) != mark.hits or len(result.skipped) != mark.skipped:
        state.record(entry.location.key(), result, mark)


def _examine(entry: Entry, ctx: ScanContext) -> None:
    config, result = ctx.config, ctx.result
    result.files_seen += 1
    ctx.progress.file()
    matches = ctx.rules.match(entry.name)
    if not matches and not ctx.prefilter.wanted(entry.name):
        return
    try:
        st = entry.stat()
    except ReadError as e:
        _unreadable(entry, matches, FileStat(0), e, ctx)
        return
    head = _LazyHead(entry)
    wanted = [i for i in ctx.inspectors if i.wants(entry, st.size, head)]
    if not matches and not wanted and not ctx.known_hashes:
        if head.error is not None:  # its content could not be checked at all: not examined
            _unreadable(entry, matches, st, head.error, ctx)
        return
    keep = config.max_inspect_bytes if wanted else 0
    try:
        with entry.open() as stream:
            read = hash_stream(stream, keep_limit=keep, progress=_bytes_counter(ctx))
    except ReadError as e:
        _unreadable(entry, matches, st, e, ctx)
        return
    except OSError as e:
        _unreadable(entry, matches, st, ReadError("unreadable", e.strerror or str(e)), ctx)
        return
    ctype = content_type(read.head)
    inspections: list[Inspection] = []
    if wanted and read.data is None:
        in_place = [i for i in wanted if getattr(i, "opens_itself", False)]  # e.g. a disk image, read where it is
        if len(in_place) < len(wanted):
            inspections.append(Inspection(status="too-large",
                                          detail=f"{read.digests.size} bytes > cap {config.max_inspect_bytes}"))
        inspections += [_guarded(i, entry, read.head, ctype, ctx) for i in in_place]
    elif wanted:
        inspections = [_guarded(i, entry, read.data or b"", ctype, ctx) for i in wanted]

    reasons = [m.reason for m in matches]
    rule_names = [f"{m.reason}:{m.rule}" for m in matches]
    d = read.digests
    if ctx.known_hashes and ({d.sha256, d.sha1, d.md5} & ctx.known_hashes):
        reasons.append("known-hash")
        rule_names.append("known-hash")
    pii = None
    records = None
    annotations: dict[str, Any] | None = None
    bad = [i for i in inspections if i.status != "ok"]
    for ins in inspections:
        reasons += ins.reasons
        rule_names += ins.rules
        pii = ins.pii if ins.pii is not None else pii
        records = ins.records if ins.records is not None else records
        annotations = {**(annotations or {}), **ins.annotations} if ins.annotations else annotations
    reasons = list(dict.fromkeys(reasons))
    status = bad[0].status if bad else "ok"
    detail = "; ".join(i.detail for i in bad if i.detail)
    if reasons:
        hit = FileHit(entry.location, st, d, ctype, reasons, status=status, status_detail=detail,
                      deleted=entry.deleted, type_mismatch=mismatch(entry.name, ctype),
                      matched_rules=list(dict.fromkeys(rule_names)), pii=pii, annotations=annotations)
        result.hits.append(hit)
        if records is not None:
            result.records[len(result.hits) - 1] = records
    if bad:
        result.skipped.append(Skipped(entry.location, status, detail))
    for ins in inspections:
        walk(ins.children, ctx)


def _bytes_counter(ctx: ScanContext) -> Callable[[int], None]:
    def count(n: int) -> None:
        ctx.result.bytes_read += n
        ctx.progress.bytes(n)

    return count


def _unreadable(entry: Entry, matches: list, st: FileStat, err: ReadError, ctx: ScanContext) -> None:
    """A file that could not be read: skipped, and still a hit when its name matched."""
    ctx.result.skipped.append(Skipped(entry.location, err.reason, err.detail))
    if matches:
        ctx.result.hits.append(FileHit(
            entry.location, st, None, "unknown", list(dict.fromkeys(m.reason for m in matches)),
            status=err.reason, status_detail=err.detail, deleted=entry.deleted,
            matched_rules=[f"{m.reason}:{m.rule}" for m in matches]))


def walk(items: Iterable[Item | NameBatch], ctx: ScanContext) -> None:
    """Route every item a source (or an archive) yields."""
    for item in items:
        if not isinstance(item, _NOT_ENTRIES):  # entries first: they are nearly every item
            examine(item, ctx)
        elif isinstance(item, NameBatch):
            _examine_batch(item, ctx)
        elif isinstance(item, Skipped):
            ctx.result.skipped.append(item)
        else:
            ctx.result.links.append(item)


_NOT_ENTRIES = (NameBatch, Skipped, Link)


def _examine_batch(batch: NameBatch, ctx: ScanContext) -> None:
    """A folder's plain files: names nothing wants are only counted; the others are examined in order.

    Equivalent to examining each entry: a file with no name match and no inspector's interest does no
    I/O, so it adds nothing but the count (and a resumed scan never recorded it).
    """
    picked = ctx.prefilter.pick(batch.names, batch.framed)
    rest = len(batch.names) - len(picked)
    if rest:
        ctx.result.files_seen += rest
        files = getattr(ctx.progress, "files", None)
        if files is not None:
            files(rest)
        else:
            for _ in range(rest):
                ctx.progress.file()
    entry = batch.entry
    for i in picked:
        examine(entry(i), ctx)


def run_scan(config: ScanConfig, sources: list[Source], progress: Progress | None = None,
             inspectors: list[Inspector] | None = None, state: Any = None) -> ScanResult:
    """Scan every source in order; return the result (not yet written anywhere)."""
    result = ScanResult(config=config, started=now_utc())
    ctx = ScanContext(config, NameRules(config.names, config.use_keywords),
                      default_inspectors(config) if inspectors is None else inspectors,
                      result, progress or _NoProgress(),
                      frozenset(h.lower() for h in config.known_hashes), state)
    for source in sources:
        try:
            with source:
                result.sources.append(source.describe())
                batches = getattr(source, "batches", None)
                walk(source.entries() if batches is None else batches(), ctx)
        except SourceError as e:
            result.source_errors.append({"source": source.text, "error": str(e)})
            result.skipped.append(Skipped(Location(source.text, ""), "source-error", str(e)))
            result.skipped.extend(e.skipped)
    for analyse in POST_ANALYSES:
        analyse(result)
    result.finished = now_utc()
    return result

