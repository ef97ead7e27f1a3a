"""source -> entries -> cheap checks -> one read pass -> detectors -> hits, skips and links.

Cheap checks first: the name rules need no I/O; stat, reading, hashing and content detectors run only
for name hits and for files a content inspector wants. A failure on one file is recorded (path,
reason) and the scan goes on.
"""

from __future__ import annotations

import io
import logging
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from .codes import Reason, Status
from .config import ScanConfig
from .contenttype import content_type, mismatch
from .contracts import (
    Analysis,
    Inspection,
    Inspector,
    NoProgress,
    Progress,
    ResultMark,
    ResumeLog,
    ScanContext,
    ScanResult,
    run_inspector,
)
from .errors import LeakscanError, ReadError, SourceError
from .fingerprint import ReadResult, hash_stream
from .models import Entry, FileHit, FileStat, Link, Location, Skipped
from .names import NameMatch, NameRules
from .registry import ANALYSES, inspectors_for
from .sources.base import Item, NameBatch, Source
from .textsafe import shown
from .timeutil import now_utc

log = logging.getLogger("leakscan")


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
                self.error, self._data = ReadError(Status.UNREADABLE, e.strerror or str(e)), b""
        return self._data


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
    mark = result.mark()
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
        st, read = _read_steady(entry, st, keep, ctx)
    except ReadError as e:
        _unreadable(entry, matches, st, e, ctx)
        return
    except OSError as e:
        _unreadable(entry, matches, st, ReadError(Status.UNREADABLE, e.strerror or str(e)), ctx)
        return
    ctype = content_type(read.head)
    inspections: list[Inspection] = []
    if wanted and read.data is None:
        in_place = [i for i in wanted if getattr(i, "opens_itself", False)]  # e.g. a disk image, read where it is
        if len(in_place) < len(wanted):
            inspections.append(Inspection(status=Status.TOO_LARGE,
                                          detail=f"{read.digests.size} bytes > cap {config.max_inspect_bytes}"))
        inspections += [run_inspector(i, entry, read.head, ctype, ctx) for i in in_place]
    elif wanted:
        inspections = [run_inspector(i, entry, read.data or b"", ctype, ctx) for i in wanted]

    reasons = [m.reason for m in matches]
    rule_names = [f"{m.reason}:{m.rule}" for m in matches]
    d = read.digests
    if ctx.known_hashes and ({d.sha256, d.sha1, d.md5} & ctx.known_hashes):
        reasons.append(Reason.KNOWN_HASH)
        rule_names.append(Reason.KNOWN_HASH)
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
    reasons = list(dict.fromkeys(reasons))
    status = bad[0].status if bad else Status.OK
    detail = "; ".join(i.detail for i in (bad or inspections) if i.detail)  # an ok read may carry a note
    if reasons:
        hit = FileHit(entry.location, st, d, ctype, reasons, status=status, status_detail=detail,
                      deleted=entry.deleted, type_mismatch=mismatch(entry.name, ctype),
                      matched_rules=list(dict.fromkeys(rule_names)), pii=pii, annotations=annotations)
        result.hits.append(hit)
        if records is not None:
            result.records[len(result.hits) - 1] = records
    if bad:
        result.skipped.append(Skipped(entry.location, status, detail, d.sha256))
    for ins in inspections:
        walk(ins.children, ctx)


def _read_steady(entry: Entry, st: FileStat, keep: int, ctx: ScanContext) -> tuple[FileStat, ReadResult]:
    """Read and hash ``entry`` once; a file that changed while it was read (bytes read differ from the
    size stat'ed, or its size or modified time moved between open and end of the read) is read once
    more, and then is ``changed-during-read`` (with both sizes): its digests would mix two versions.
    Archive members are exempt: their sizes come from the archive, and a mismatch there is damage."""
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


def _bytes_counter(ctx: ScanContext) -> Callable[[int], None]:
    def count(n: int) -> None:
        ctx.result.bytes_read += n
        ctx.progress.bytes(n)

    return count


def _unreadable(entry: Entry, matches: list[NameMatch], st: FileStat, err: ReadError, ctx: ScanContext) -> None:
    """A file that could not be read: skipped, and still a hit when its name matched."""
    ctx.result.skipped.append(Skipped(entry.location, err.reason, err.detail))
    if matches:
        ctx.result.hits.append(FileHit(
            entry.location, st, None, "unknown", list(dict.fromkeys(m.reason for m in matches)),
            status=err.reason, status_detail=err.detail, deleted=entry.deleted,
            matched_rules=[f"{m.reason}:{m.rule}" for m in matches]))


# Test hook only: seconds to sleep after each run of a folder's files, so a test can strike mid-walk.
TEST_HOOK_DELAY_PER_FOLDER_ENV = "LEAKSCAN_TEST_HOOK_DELAY_PER_FOLDER"


def walk(items: Iterable[Item | NameBatch], ctx: ScanContext) -> None:
    """Route every item a source (or an archive) yields."""
    delay = float(os.environ.get(TEST_HOOK_DELAY_PER_FOLDER_ENV) or 0)
    for item in items:
        if not isinstance(item, _NOT_ENTRIES):  # entries first: they are nearly every item
            examine(item, ctx)
        elif isinstance(item, NameBatch):
            _examine_batch(item, ctx)
            if delay:
                time.sleep(delay)
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
    prefetch = getattr(batch, "prefetch", None)  # a source whose reads are round trips fetches ahead (SMB)
    if prefetch is not None and picked:
        prefetch(picked)
    for i in picked:
        examine(entry(i), ctx)


def run_scan(config: ScanConfig, sources: list[Source], progress: Progress | None = None,
             inspectors: list[Inspector] | None = None, state: ResumeLog | None = None) -> ScanResult:
    """Scan every source in order, then run the post-scan analyses; return the result (not yet written).

    ``inspectors`` defaults to every registered one (scanner.registry)."""
    result = ScanResult(config=config, started=now_utc())
    ctx = ScanContext(config, NameRules(config.names, config.use_keywords),
                      inspectors_for(config) if inspectors is None else inspectors,
                      result, progress or NoProgress(),
                      frozenset(h.lower() for h in config.known_hashes), state)
    for source in sources:
        try:
            with source:
                result.sources.append(source.describe())
                mark = result.mark()
                batches = getattr(source, "batches", None)
                walk(source.entries() if batches is None else batches(), ctx)
                settle_lost(source, ctx, mark)
        except SourceError as e:
            result.source_errors.append({"source": source.text, "error": str(e)})
            result.skipped.append(Skipped(Location(source.text, ""), Status.SOURCE_ERROR, str(e)))
            result.skipped.extend(e.skipped)  # the parts recognised but unreadable, each with its reason
    for analysis in ANALYSES:
        run_analysis(analysis, ctx)
    result.finished = now_utc()
    return result


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
            result.skipped[i] = Skipped(s.location, Status.SOURCE_LOST, f"{why} (it failed as {s.reason}: {s.detail})")
            keys.append(s.location.key())
    for hit in result.hits[mark.hits:]:
        if hit.status in _LOSABLE:
            hit.status, hit.status_detail = Status.SOURCE_LOST, f"{why} (it failed as {hit.status}: {hit.status_detail})"
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

