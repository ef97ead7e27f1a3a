"""The contracts every part of a scan shares: what an inspector is given and returns, the scan's result,
progress, the resumable state the pipeline consults, and post-scan analyses.

A bottom-floor module: inspectors, analyses, the pipeline and the commands import it; it imports nothing
from them (import-linter checks it, see pyproject.toml). ``run_inspector`` is the one guarded way to call
an inspector, for the pipeline and for anything that re-reads a file later (persons, verify).
(Named ``contracts`` rather than ``inspect`` so it can never shadow the standard library's ``inspect``.)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from .codes import Reason, Status
from .config import ScanConfig
from .details import Detail, say
from .errors import ReadError
from .models import Entry, FileHit, FilePrints, Link, PersonRecord, Skipped
from .names import NameRules
from .prefilter import NamePrefilter
from .sources.base import Item, NameBatch

log = logging.getLogger("leakscan")


@dataclass
class Inspection:
    """What one content inspector concluded about one file's bytes."""

    reasons: list[Reason] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    status: Status = Status.OK  # not ok: the file is also listed as skipped, with this reason
    detail: str = ""
    pii: dict[str, Any] | None = None
    records: Sequence[PersonRecord] | None = None  # in-memory person records (never serialised in clear)
    children: Iterable[Item | NameBatch] = ()  # archive members, examined like any other entry
    annotations: dict[str, Any] | None = None  # extra facts for the hit (e.g. recycled_from)


class Inspector(Protocol):
    """A content detector the pipeline may call. ``wants`` must be cheap (name, size, a few head bytes).

    Register a new one in scanner/registry.py (one line); its class takes the ScanConfig.
    """

    name: str

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool: ...

    # Optional: ``opens_itself = True``: called even for a file over --max-inspect-mb (with only its head
    # as data), because it reads the file in place itself (disk images).
    # Optional: ``wants_name(name) -> bool``, a name-only pre-check run before any stat; return False
    # only when no size or content could make ``wants`` true. Better still, declare it as data (see
    # scanner.prefilter): ``skip_extensions`` (casefolded last extensions never wanted) and/or
    # ``only_prefixes`` (names wanted at most), so most names are rejected without a call (and ``wants`` is
    # not asked about a name whose extension an inspector's ``skip_extensions`` holds: NamePrefilter.asked).
    # Optional: ``wants_disguised(entry, head) -> bool``: asked (with the file's first bytes) for a file no inspector
    # wants by its name whose extension says another type (.jpg, .log ...) or nothing: True to read it by its content
    # (scanner.inspectors.disguise; the spreadsheet inspector, which hands archives on to the archive inspector).
    # Optional with it: ``disguise_only = True``: ``wants_disguised`` is False whenever ``disguise.check(entry.name,
    # head)`` is None (it asks that check itself): not asked about bytes the disguise check already cleared
    # (examine._by_content: the check ran once, not twice, on every document's and picture's head).
    # Optional: ``settles_here(data) -> bool``: True when, for these whole bytes (a file of at most
    # pipeline.SETTLE_BYTES), ``inspect`` decodes nothing (its verdict comes from signatures alone): such a
    # file is examined in the scan process, without a worker round trip (random bytes named .xlsx).
    # Optional with it: ``settle_bytes: int``, the largest file ``settles_here`` may be asked about, when its
    # answer needs the whole file and a byte search over it is cheap (a fake .msg: no message stream anywhere).
    # Optional: ``quiet_when_empty = True``: ``inspect`` of an empty file (no bytes) returns a bare Inspection()
    # (no status, detail, reason, rule or child) whatever its name: an empty file only such inspectors want is
    # counted as inspected without running them (pipeline.Dispatcher._quiet_empty).
    # Optional: ``looks_past_magic = True``: ``wants`` may say yes to a file whose first bytes are another format's
    # magic (a boot sector's table at 446, a superblock at 1 KiB, a tar header at 257, an image's footer): asked
    # about a compiled Java class too (examine.compiled_class; the others are not, for a .jar's thousands).
    # Expected: ``reads_beyond_bytes: frozenset[str]``: the casefolded extensions under which ``wants`` or
    # ``wants_disguised`` of a small file of a local folder under a one-dot name (``名簿.pdf``; not ``~$``, ``$`` or ``.``
    # first) read more of it than its extension, its size and its bytes: the rest of its name, its folder, its
    # neighbours, its times (``spreadsheet``: an include's page ``header.html`` is not said cut). The walk decides
    # a file of any other extension once per (extension, bytes) (examine._tabled); an inspector that declares
    # nothing turns that table off for every file (tests/test_review26s.py fails for it).
    # Optional: ``affinity(entry) -> str | None``: files with the same affinity are examined in walk order
    # by one worker process (an inspector that pairs files up, like a recycle bin's $I and $R). Files are
    # otherwise examined in any worker: an inspector must not rely on another file's examination.

    # ``ctype`` is libmagic's type when the file is a name hit, else "" (libmagic costs ~1 ms a file: an
    # inspector that needs it calls ``contenttype.content_type(data[:8192])``).
    def inspect(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection: ...


class InspectorClass(Protocol):
    """What the registry holds: an inspector's class (its ``name``, and a constructor taking the config)."""

    name: str

    def __call__(self, config: ScanConfig) -> Inspector: ...


class Progress(Protocol):
    def file(self) -> None: ...

    def bytes(self, n: int) -> None: ...

    # Optional: ``files(n)``, n files at once (a folder's names that needed no examination); ``inspected(n)``
    # and ``hits(n)`` as outcomes are merged; ``folder(name)``, the top folder being walked; ``total(n)``, an
    # estimate of the files a source holds (for a percentage and an ETA).


class NoProgress:
    """Progress that shows nothing (tests, verify, re-reading files)."""

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
    inspected: int = 0  # files whose content an inspector read (progress)
    hits: list[FileHit] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    # hit index -> its person records as keyed fingerprints (persons.prints); no clear value is kept
    prints: dict[int, FilePrints] = field(default_factory=dict)
    source_errors: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # sections added by post-scan analyses
    # trace artefacts read (scanner.traces.inspector.FoundArtefact), memory only until the traces analysis
    traces: list[Any] = field(default_factory=list)

    def mark(self) -> ResultMark:
        """Where the result lists stand now (before one file is examined)."""
        return ResultMark(len(self.hits), len(self.skipped), len(self.links), self.files_seen, self.bytes_read,
                          len(self.traces), len(self.sources))


@dataclass
class ResultMark:
    """Where the result lists stood when one file's examination began."""

    hits: int
    skipped: int
    links: int
    files_seen: int
    bytes_read: int
    traces: int = 0
    sources: int = 0  # nested sources (a disk image met inside a source) described so far


class ResumeLog(Protocol):
    """What the pipeline needs from a resumable scan state (implemented by scanner.state.ScanState)."""

    resuming: bool

    def replay(self, key: str, result: ScanResult) -> bool: ...

    def record(self, key: str, result: ScanResult, mark: ResultMark) -> None: ...

    def in_flight(self, keys: list[str]) -> None: ...

    def interrupted(self, key: str) -> int: ...

    def poison(self, key: str, part: str, poison: Poison) -> None: ...

    def poisons(self, key: str) -> dict[str, Poison]: ...


class Poison(NamedTuple):
    """A step that killed or hung a worker on one file: not tried again on that file, its outcome instead."""

    step: str  # "reading", or the name of the inspector that was running
    status: Status
    detail: str


@dataclass
class ScanContext:
    config: ScanConfig
    rules: NameRules
    inspectors: list[Inspector]
    result: ScanResult
    progress: Progress
    known_hashes: frozenset[str] = frozenset()
    state: ResumeLog | None = None  # when the scan keeps a resumable state
    case_key: bytes | None = None  # keys the person fingerprints (persons.prints); the case's case.key
    poisoned: dict[str, Poison] = field(default_factory=dict)  # location key -> a step not to try again
    # the name rules and the inspectors' name pre-checks combined, so most files need no stat at all
    prefilter: NamePrefilter = field(init=False)

    def __post_init__(self) -> None:
        self.prefilter = NamePrefilter(self.rules, self.inspectors, self.known_hashes)


class Analysis(Protocol):
    """A post-scan analysis (person counting, record overlap ...): runs once the walk is over.

    It adds sections to ``ctx.result.extra``. A crash in it is recorded as ``extra[name + "_error"]``
    ("<what> failed") and the scan's findings are still written. Register one in scanner/registry.py.
    """

    name: str  # the section it fills; names its error key
    what: str  # what it does, for the error line ("counting persons")

    def __call__(self, ctx: ScanContext) -> None: ...


# Exception types that say code went wrong, not data: raised by leakscan's own code they are a bug in leakscan. A
# library raising one inside its own code refuses the file (a damaged workbook breaks openpyxl with a KeyError)
_BUG_TYPES = (AttributeError, TypeError, NameError, LookupError, AssertionError, ArithmeticError, RecursionError,
              ImportError)
_OWN_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the checkout: scanner/ and reports/


def own_failure(e: BaseException) -> str | None:
    """Where leakscan's own code failed (``scanner/inspectors/image.py line 236``) when E is a bug in it (a
    programming-error type raised in a frame of scanner/ or reports/), else None (a library refusing the bytes, a
    decoder's own error: the file's)."""
    if not isinstance(e, _BUG_TYPES) or isinstance(e, ReadError):
        return None
    tb = e.__traceback__
    if tb is None:
        return None
    while tb.tb_next is not None:
        tb = tb.tb_next
    path = os.path.abspath(tb.tb_frame.f_code.co_filename)
    for package in ("scanner", "reports"):
        folder = os.path.join(_OWN_ROOT, package) + os.sep
        if path.startswith(folder):
            return f"{package}/{path[len(folder):]} line {tb.tb_lineno}"
    return None


def run_inspector(inspector: Inspector, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
    """Run one inspector; any crash (even Rust panics, MemoryError) becomes a ``corrupt`` status, but a bug in
    leakscan's own code (``own_failure``) ``internal-error`` (the scan incomplete: a bug is no damage to the file)."""
    try:
        return inspector.inspect(entry, data, ctype, ctx)
    except (KeyboardInterrupt, SystemExit):
        raise
    except ReadError as e:
        return Inspection(status=e.reason, detail=e.detail)
    except BaseException as e:  # noqa: BLE001 - parser crashes of every kind are data, not fatal
        log.debug("inspector %s failed on %s", inspector.name, entry.location.display(), exc_info=True)
        where = own_failure(e)
        if where is not None:
            log.error("leakscan's own code failed in inspector %s: %s at %s", inspector.name, type(e).__name__, where)
            return Inspection(status=Status.INTERNAL_ERROR, detail=say(
                Detail.INSPECTOR_INTERNAL_ERROR, inspector=inspector.name, error=type(e).__name__, where=where))
        return Inspection(status=Status.CORRUPT, detail=say(Detail.INSPECTOR_FAILED, inspector=inspector.name, error=type(e).__name__))
