"""Many machines: one scan's parts run on a dask.distributed cluster, merged into one case here.

The scan process (the client) splits the SOURCEs into parts (``plan``): a directory it can see becomes
the root's own entries plus one part per top-level folder (in walk order, so the parts' walks one after
another are the whole walk); any other SOURCE (an image, an smb:// URL, a path only the workers see) is
one part. Each part is a dask task, ``scan_part(settings, part)``: on a worker it opens the SOURCE itself
and walks the part through the same Dispatcher and killable worker pool as a local scan (a decoder crash
costs one file, not the task), and returns a ``PartOutcome``: the part's outcome values (keyed person
fingerprints and masked samples, never a clear personal value unless --unmask), the source's
description, and which worker and host scanned it. The client merges the parts in plan order, so
findings.json equals a local scan of the same sources apart from times and the hosts named.

Faults: Dask reruns a task whose worker died (and ``retries`` times one that raised); a task that fails
for good, or a part no worker can open, is listed (source_errors and skipped), never a silent clean.
``--resume``: the state records each merged part (as it records a file), a resume resubmits the rest.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from concurrent.futures import CancelledError
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .codes import INCOMPLETE_REASONS, Status
from .config import ScanConfig
from .contracts import Progress, ResumeLog, ScanContext, ScanResult
from .details import Detail, join_details, say
from .errors import LeakscanError, UsageError
from .models import Location, Skipped
from .pipeline import Dispatcher, finish_scan, scan_context, scan_source, worker_settings
from .pool import WorkerPool
from .sources import open_source, source_options
from .sources.local import LocalSource
from .state import ScanState
from .work import FileOutcome, LogLines, WorkerSettings, new_context, scratch

if TYPE_CHECKING:
    from distributed import Client, Security

    from .sources.image import ImageSource

log = logging.getLogger("leakscan")

RETRIES = 2  # a task that raised is run again this many times (a worker that died: Dask reruns it anyway)
MAX_HANDOVERS = 16  # workers a part that a worker cannot open is offered to before it is listed
CONNECT_SECONDS = 30.0  # to reach the scheduler
WORKERS_SECONDS = 60.0  # for a first worker to join the scheduler
SURVEY_SECONDS = 600.0  # for a worker to open a disk image and count its file systems
SPLIT_FILES = 20_000  # files in an image's file systems above which each becomes a task of its own
# tests: while the file this names exists, each part first waits the seconds written in it (on its worker)
TEST_HOOK_DELAY_FILE_ENV = "LEAKSCAN_TEST_PART_DELAY_FILE"
NOTE = "part:"  # the state's notes on merged parts (their source description, worker, host)


@dataclass(frozen=True, slots=True)
class Part:
    """One task of a distributed scan: a SOURCE, or one part of a directory SOURCE (picklable)."""

    source: str
    top: bytes | None = None  # None: the whole source; b"": the root's own entries; else a top-level folder
    layer: int | None = None  # a disk image: one of its file systems (partition, volume, snapshot), by index
    layer_name: str = ""  # that file system's name in the image (p2, p2/vss1 ...), for the report

    @property
    def label(self) -> str:
        """What the part is, for findings.json and the report."""
        if self.layer is not None:
            return f"file system {self.layer + 1}" + (f" ({self.layer_name})" if self.layer_name else "")
        if self.top is None:
            return "(all)"
        return "(top-level files)" if not self.top else os.fsdecode(self.top)

    def key(self) -> str:
        """The part's key in the resume state."""
        if self.layer is not None:
            return f"{NOTE}{self.source}\0fs{self.layer}"
        return f"{NOTE}{self.source}\0{'*' if self.top is None else self.top.hex()}"


@dataclass(slots=True)
class PartOutcome:
    """What one part adds to the case, and who scanned it (plain values: this is what crosses the wire)."""

    outcome: FileOutcome
    described: dict[str, object] | None = None  # source.describe(), None when it could not be opened
    source_errors: list[dict[str, Any]] = field(default_factory=list)
    worker: str = ""  # the Dask worker's address
    host: str = ""  # its host name
    unavailable: str = ""  # the worker cannot see the SOURCE (why): the part goes to another worker
    seconds: float = 0.0  # the part's time on its worker


# -- the client's side ----------------------------------------------------------------------------

def check_scheduler(config: ScanConfig) -> None:
    """Refuse, before anything is written, a scheduler address or TLS setting that cannot work.

    The workers must key person fingerprints with the case key, so the key is sent to them: only over
    TLS, unless the examiner accepts a plain tcp:// network explicitly (--insecure-wire)."""
    if not config.scheduler:
        return
    scheme, _, rest = config.scheduler.partition("://")
    tls = (config.tls_ca, config.tls_cert, config.tls_key)
    if not rest:
        raise UsageError(f"--scheduler {config.scheduler}: give tls://HOST:PORT (or tcp://HOST:PORT)")
    if config.luks_passphrase or config.bitlocker_recovery_key or config.apfs_password or config.bitlocker_startup_key:
        raise UsageError("--luks-passphrase/--bitlocker-recovery-key/--bitlocker-startup-key/--apfs-password: "
                         "volume keys never leave this machine; "
                         "scan encrypted images without --scheduler")
    if scheme == "tls":
        if not all(tls):
            raise UsageError("--scheduler tls://...: give --tls-ca, --tls-cert and --tls-key")
        for path in tls:
            if not os.path.isfile(path):
                raise UsageError(f"{path}: no such file (TLS certificate or key)")
        _check_tls_files(config.tls_ca, config.tls_cert, config.tls_key)
    elif scheme == "tcp":
        if any(tls):
            raise UsageError("--tls-ca/--tls-cert/--tls-key need a tls:// scheduler")
        if not config.insecure_wire:
            raise UsageError("--scheduler tcp://... would send the case key (and file names, masked samples, "
                             "keyed person fingerprints) unencrypted: use tls:// with --tls-ca/--tls-cert/--tls-key, "
                             "or add --insecure-wire on a closed network you trust")
    else:
        raise UsageError(f"--scheduler {config.scheduler}: only tls:// and tcp:// schedulers are supported")


def _check_tls_files(ca: str, cert: str, key: str) -> None:
    """Load the TLS files as the connection will, before anything is written (case23: a certificate that is no PEM
    said only "SSLError: [SSL] PEM lib (_ssl.c:3905)" at the connection); the file at fault is named."""
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        context.load_verify_locations(cafile=ca)
    except (ssl.SSLError, OSError, ValueError) as e:
        raise UsageError(f"--tls-ca {ca}: not a CA certificate in PEM form ({getattr(e, 'reason', None) or e})") from e
    asked: list[bool] = []

    def never_prompt() -> bytes:  # case24: without a callback OpenSSL prompts on the terminal, inside the scan
        asked.append(True)
        raise ValueError("a pass-phrase is never asked for")

    for path, option in ((key, "--tls-key"), (cert, "--tls-cert")):
        if _encrypted(path):
            raise UsageError(_passphrase(option, path))
    try:
        context.load_cert_chain(cert, password=never_prompt)
    except ssl.SSLError:
        pass  # the key is not in the certificate's file: checked with --tls-key below
    except (OSError, ValueError) as e:
        if asked:
            raise UsageError(_passphrase("--tls-cert", cert)) from e
        raise UsageError(f"--tls-cert {cert}: not a certificate in PEM form ({e})") from e
    try:
        context.load_cert_chain(cert, key, password=never_prompt)
    except (ssl.SSLError, OSError, ValueError) as e:
        if asked:
            raise UsageError(_passphrase("--tls-key", key)) from e
        what = getattr(e, "reason", None) or type(e).__name__
        if what == "KEY_VALUES_MISMATCH":
            raise UsageError(f"--tls-key {key}: not the private key of --tls-cert {cert} ({what})") from e
        pem = _pem_kinds(cert)
        if "CERTIFICATE" not in pem:
            raise UsageError(f"--tls-cert {cert}: not a certificate in PEM form ({what})") from e
        raise UsageError(f"--tls-key {key}: not a private key in PEM form for --tls-cert {cert} ({what})") from e


def _encrypted(path: str) -> bool:
    """A PEM file holding a private key encrypted with a pass-phrase (PKCS#8 ``ENCRYPTED PRIVATE KEY``, or OpenSSL's
    traditional form with ``Proc-Type: 4,ENCRYPTED``). Never raises."""
    try:
        with open(path, "rb") as f:
            text = f.read(1 << 20)
    except OSError:
        return False
    return b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in text or b"Proc-Type: 4,ENCRYPTED" in text


def _passphrase(option: str, path: str) -> str:
    """Why an encrypted key is refused, and what to do (case24: OpenSSL prompted on the terminal inside the scan, and
    Dask takes no pass-phrase). The pass-phrase is never asked for, read from the command line or the environment."""
    return (f"{option} {path}: the private key is encrypted with a pass-phrase, which leakscan does not ask for (OpenSSL "
            "would prompt on the terminal in the middle of the scan); give a copy without the pass-phrase, kept "
            "0600 on an encrypted disk (openssl pkey -in KEY -out PLAIN.pem)")


def _pem_kinds(path: str) -> set[str]:
    """The kinds of the PEM blocks a file holds (``CERTIFICATE``, ``PRIVATE KEY`` ...); empty when unreadable."""
    import re

    try:
        with open(path, "rb") as f:
            text = f.read(1 << 20)
    except OSError:
        return set()
    return {m.decode("ascii", "replace") for m in re.findall(rb"-----BEGIN ([A-Z0-9 ]+)-----", text)}


def _tls_hint(e: BaseException) -> str:
    """What to check when a TLS connection fails after the files loaded (case23: "SSLEOFError: EOF occurred in
    violation of protocol" said nothing of the certificates)."""
    text = f"{type(e).__name__}: {e}"
    if any(w in text for w in ("TLS", "SSL", "certificate")):
        return ("; the TLS handshake failed: --tls-ca must be the CA that signed the scheduler's certificate, and the "
                "scheduler must trust the CA that signed --tls-cert")
    return ""


def security_for(config: ScanConfig) -> Security | None:
    if not config.scheduler.startswith("tls://"):
        return None
    from distributed.security import Security

    return Security(tls_ca_file=config.tls_ca, tls_client_cert=config.tls_cert, tls_client_key=config.tls_key,
                    require_encryption=True)


def plan(sources: list[str]) -> list[Part]:
    """The scan's parts in walk order: a directory this machine sees is split at its top-level folders
    (the root's own entries first, then each folder); anything else is one part, opened by a worker."""
    parts: list[Part] = []
    for text in sources:
        if not text.startswith("smb://") and os.path.isdir(text):
            try:
                folders = LocalSource(text).top_folders()
            except OSError:
                folders = []  # unreadable here: one part, a worker says why
            else:
                parts += [Part(text, b""), *(Part(text, top) for top in folders)]
                continue
        parts.append(Part(text))
    return parts


def run_cluster_scan(config: ScanConfig, progress: Progress | None = None, state: ResumeLog | None = None) -> ScanResult:
    """``run_scan`` on a cluster: the parts on the workers, the merge and the post-scan analyses here."""
    ctx = scan_context(config, progress, None, state)
    scan_on_cluster(ctx)
    return finish_scan(ctx)


def scan_on_cluster(ctx: ScanContext, settings: WorkerSettings | None = None) -> None:
    """Run every part on the cluster at ``ctx.config.scheduler`` and merge the outcomes into ``ctx.result``
    in plan order (the post-scan analyses run afterwards, here)."""
    from distributed import Client, as_completed

    config = ctx.config
    settings = settings or worker_settings(ctx)
    parts = plan(config.sources)
    _one_line_library_logs()
    try:
        client = Client(config.scheduler, security=security_for(config), timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as e:
        hint = _tls_hint(e) if config.scheduler.startswith("tls://") else ""
        raise UsageError(f"--scheduler {config.scheduler}: cannot connect ({type(e).__name__}: {e}){hint}") from e
    except MemoryError as e:  # Session 22: a listener that is no Dask scheduler (its reply's bytes read as a length)
        raise UsageError(f"--scheduler {config.scheduler}: cannot connect (the address answers, but not as a Dask "
                         "scheduler: is it the scheduler's address and port?)") from e
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKERS_SECONDS)
        except TimeoutError as e:
            raise UsageError(f"--scheduler {config.scheduler}: no worker joined within {WORKERS_SECONDS:g} s "
                             "(start `dask worker SCHEDULER` on the machines that can reach the evidence)") from e
        parts = _split_images(client, settings, parts)
        merged = _Merger(ctx, parts)
        todo = [i for i, part in enumerate(parts) if not merged.replayed(i)]
        run = uuid.uuid4().hex[:8]
        index: dict[str, int] = {}
        tried: dict[int, list[tuple[str, str]]] = {}

        def submit(i: int, workers: list[str] | None = None) -> object:
            key = f"leakscan-part-{run}-{i}-{len(tried.get(i, []))}"
            index[key] = i
            # the workers that have not tried it first; others if those left (never waits for a worker gone)
            return client.submit(scan_part, settings, parts[i], key=key, retries=RETRIES, pure=False,
                                 workers=workers, allow_other_workers=workers is not None)

        pending = as_completed([submit(i) for i in todo])
        for future in pending:
            i = index[future.key]
            try:
                out: PartOutcome = future.result()
            except Exception as e:  # noqa: BLE001 - failed on every try: listed, never dropped
                log.debug("part %d failed", i, exc_info=True)
                if isinstance(e, CancelledError) or client.status != "running":
                    # the scheduler went away (the client gave up reconnecting): the part was not scanned,
                    # which is no fault of its SOURCE; not recorded in the state, so --resume scans it
                    out = lost_part(parts[i], say(Detail.DASK_SCHEDULER_LOST, error=type(e).__name__))
                else:
                    out = failed_part(parts[i], say(Detail.TASK_FAILED_EVERY_TRY, why=_why(e)))
            if out.unavailable:
                tried.setdefault(i, []).append((out.worker, out.unavailable))
                seen = {w for w, _ in tried[i]}
                others = sorted(set(client.scheduler_info(n_workers=-1)["workers"]) - seen)
                if others and len(tried[i]) < MAX_HANDOVERS:
                    pending.add(submit(i, others))
                    continue
                out = failed_part(parts[i], say(Detail.NO_WORKER_OPENS, why=join_details(
                    say(Detail.NO_WORKER_OPENS_ON, worker=str(w), why=why) for w, why in dict(tried[i]).items())))
            merged.done(i, out)
    if not merged.complete():
        raise RuntimeError("a part of the distributed scan was neither merged nor listed")


class _NoTraceback(logging.Filter):
    """distributed logs a lost scheduler with a traceback and an empty message; the examiner gets one line
    (what leakscan makes of the loss is said by leakscan itself). The traceback stays with -v (debug)."""

    def filter(self, record: logging.LogRecord) -> bool:
        library = record.name.split(".")[0] in ("distributed", "tornado")
        if library and record.exc_info and not logging.getLogger().isEnabledFor(logging.DEBUG):
            kind = record.exc_info[0].__name__ if record.exc_info[0] else "error"
            if not record.getMessage().strip():
                record.msg, record.args = f"{record.name}: {kind}", ()
            record.exc_info, record.exc_text = None, None
        return True


def _one_line_library_logs() -> None:
    """On the handlers: a logger's own filters do not see its children's records (distributed.client)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _NoTraceback) for f in handler.filters):
            handler.addFilter(_NoTraceback())


def _split_images(client: Client, settings: WorkerSettings, parts: list[Part]) -> list[Part]:
    """A disk image SOURCE becomes one part per file system it holds (partitions, volumes, snapshots), so
    the workers walk them side by side. A worker opens each image first (`survey_image`, in its killable
    walker process) to count them; an image no worker could survey stays one part (whose task then says
    why), as does one with a single file system."""
    candidates = [i for i, p in enumerate(parts) if p.top is None and not p.source.startswith("smb://")
                  and not os.path.isdir(p.source)]
    if not candidates:
        return parts
    futures = {i: client.submit(survey_image, settings, parts[i].source, pure=False, retries=1) for i in candidates}
    layers: dict[int, list[str]] = {}
    for i, future in futures.items():
        try:
            surveyed = future.result(timeout=SURVEY_SECONDS)
        except Exception:  # noqa: BLE001 - survey failed (a worker cannot see it, a crash): one part as before
            log.debug("survey of part %d failed", i, exc_info=True)
            continue
        if surveyed is not None and worth_splitting([count for _, count in surveyed]):
            layers[i] = [name for name, _ in surveyed]
    out: list[Part] = []
    for i, part in enumerate(parts):
        names = layers.get(i)
        out += [Part(part.source, None, n, name) for n, name in enumerate(names)] if names else [part]
    return out


def worth_splitting(counts: list[int | None]) -> bool:
    """One task per file system only when the image holds several and their walks outweigh a task's start-up
    (a walker process that opens the whole image again, ~1 s): several file systems holding
    ``SPLIT_FILES`` files or more between them by their own metadata, or one that keeps no count."""
    return len(counts) > 1 and (None in counts or sum(n for n in counts if n) >= SPLIT_FILES)


def survey_image(settings: WorkerSettings, text: str) -> list[tuple[str, int | None]] | None:
    """Dask task: the file systems a disk image holds, in walk order, by name with the files each one's
    metadata counts (None: not a disk image). The image is opened in a killable walker process, as for its
    walk."""
    from .image_walker import isolated

    config = settings.config
    source = open_source(text, **source_options(config, text))
    if getattr(source, "kind", None) != "image":
        return None
    image = cast("ImageSource", source)
    image.verify_images = False  # counting only: the part with the first file system verifies
    with isolated(image, settings) as opened:
        volumes = opened.describe().get("volumes") or []
        counts = getattr(opened, "layer_counts", [])  # the walker's counts (IsolatedImage)
    names = [str(v.get("name", "")) for v in volumes if v.get("status") == Status.OK]
    return list(zip(names, counts, strict=True)) if len(counts) == len(names) else [(n, None) for n in names]


def _why(e: BaseException) -> str:
    """An exception from a task, in words without personal data (a worker's message may quote a path)."""
    from distributed import KilledWorker

    if isinstance(e, KilledWorker):
        return say(Detail.TASK_WORKERS_KILLED)
    return say(Detail.RAISED, error=type(e).__name__)


def failed_part(part: Part, detail: str) -> PartOutcome:
    """A part that could not be scanned: the SOURCE (or its folder) listed as source-error with why."""
    where = part.source if not part.top else os.path.join(os.path.abspath(part.source), os.fsdecode(part.top))
    text = detail if part.top is None else f"{part.label}: {detail}"
    out = FileOutcome(skipped=[Skipped(Location(part.source, "" if part.top is None else where),
                                       Status.SOURCE_ERROR, text)])
    return PartOutcome(out, None, [{"source": part.source, "error": text}])


def lost_part(part: Part, detail: str) -> PartOutcome:
    """A part cut off by the loss of the scheduler: its SOURCE (or folder) listed as ``connection``, so the
    scan is incomplete (exit 3, banner) and ``--resume`` scans the part again."""
    where = part.source if not part.top else os.path.join(os.path.abspath(part.source), os.fsdecode(part.top))
    text = detail if part.top is None else f"{part.label}: {detail}"
    return PartOutcome(FileOutcome(skipped=[Skipped(Location(part.source, "" if part.top is None else where),
                                                    Status.CONNECTION, text)]), None, [])


class _Merger:
    """Merges part outcomes into the scan's result in plan order, and records them in the resume state."""

    def __init__(self, ctx: ScanContext, parts: list[Part]) -> None:
        self.ctx, self.parts = ctx, parts
        self._outs: dict[int, PartOutcome] = {}
        self._next = 0
        self._described: dict[str, dict[str, object]] = {}

    def replayed(self, i: int) -> bool:
        """A part merged before the scan was interrupted: taken from the state, not scanned again."""
        state, part = self.ctx.state, self.parts[i]
        if not isinstance(state, ScanState) or not state.resuming:
            return False
        note = state.recall(part.key())
        got = scratch(self.ctx.config)
        if not isinstance(note, dict) or not state.replay(part.key(), got):
            return False
        out = PartOutcome(FileOutcome.of(got), note.get("described"), list(note.get("source_errors") or []),
                          str(note.get("worker", "")), str(note.get("host", "")))
        self._outs[i] = out
        self._merge_ready(record=False)
        return True

    def done(self, i: int, out: PartOutcome) -> None:
        self._outs[i] = out
        self._merge_ready(record=True)

    def complete(self) -> bool:
        return self._next == len(self.parts)

    def _merge_ready(self, record: bool) -> None:
        while self._next in self._outs:
            i = self._next
            self._merge(self.parts[i], self._outs.pop(i), record)
            self._next += 1

    def _merge(self, part: Part, out: PartOutcome, record: bool) -> None:
        ctx = self.ctx
        result = ctx.result
        entry = self._described.get(part.source)
        if entry is None and out.described is not None:
            entry = self._described[part.source] = {**{k: v for k, v in out.described.items() if k not in FIGURES},
                                                    "parts": []}
            result.sources.append(entry)
        elif entry is not None and part.layer is not None and out.described is not None:
            _stopped_volumes(entry, out.described)
        if entry is not None:
            done_by: dict[str, object] = {"part": part.label, "worker": out.worker, "host": out.host}
            if out.source_errors:
                done_by["error"] = "; ".join(e["error"] for e in out.source_errors)
            entry["parts"].append(done_by)  # type: ignore[attr-defined]
            # the source's own figures: the sum of its parts (a merge counts a shared source once)
            for key, n in (("files_seen", out.outcome.files_seen), ("bytes_read", out.outcome.bytes_read)):
                before = entry.get(key, 0)
                entry[key] = (before if isinstance(before, int) else 0) + n
        out.outcome.merge_into(result)
        result.source_errors += out.source_errors
        for level, line in out.outcome.logs:
            log.log(level, "%s", line)
        files, progress = getattr(ctx.progress, "files", None), ctx.progress
        if files is not None:
            files(out.outcome.files_seen)
        if out.outcome.bytes_read:
            progress.bytes(out.outcome.bytes_read)
        state = ctx.state
        lost = any(s.reason in INCOMPLETE_REASONS for s in out.outcome.skipped) or \
            any(h.status in INCOMPLETE_REASONS for h in out.outcome.hits)
        # resubmitted on resume instead: a part the source was lost in, or whose outcome holds more than the
        # state keeps (disk images met inside it, trace artefacts ...)
        if record and isinstance(state, ScanState) and not lost and not out.outcome.extra:
            alone = scratch(ctx.config)
            mark = alone.mark()
            out.outcome.merge_into(alone)
            state.record(part.key(), alone, mark)
            state.remember(part.key(), {"described": out.described, "source_errors": out.source_errors,
                                        "worker": out.worker, "host": out.host})
            state.flush()


FIGURES = ("files_seen", "bytes_read")


def _stopped_volumes(entry: dict[str, object], later: dict[str, object]) -> None:
    """A disk image split per file system: the description comes from the first part; a volume whose walk
    stopped in a later part (walk-stopped) says so there too."""
    mine, theirs = entry.get("volumes"), later.get("volumes")
    if not isinstance(mine, list) or not isinstance(theirs, list) or len(mine) != len(theirs):
        return
    for i, (row, other) in enumerate(zip(mine, theirs, strict=True)):
        if isinstance(row, dict) and isinstance(other, dict) and row.get("status") == Status.OK \
                and other.get("status") != Status.OK:
            mine[i] = dict(other)


# -- the worker's side ------------------------------------------------------------------------------

_pools: dict[int, WorkerPool] = {}  # per Dask worker thread: its killable pool


def _pool_for(settings: WorkerSettings) -> WorkerPool:
    """This thread's pool of one killable process, kept across tasks (each unit carries its settings, and the
    process rebuilds its context when they change)."""
    me = threading.get_ident()
    pool = _pools.get(me)
    if pool is None:
        pool = _pools[me] = WorkerPool(1, settings)
    pool.settings = settings
    return pool


class _ThreadLines(LogLines):
    """This task's leakscan log lines (a Dask worker runs tasks in several threads), for its outcome."""

    def __init__(self) -> None:
        super().__init__()
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            super().emit(record)


def _test_delay() -> None:
    hook = os.environ.get(TEST_HOOK_DELAY_FILE_ENV)
    if hook:
        try:
            time.sleep(float(Path(hook).read_text()))
        except (OSError, ValueError):
            pass


def scan_part(settings: WorkerSettings, part: Part) -> PartOutcome:
    """Dask task: scan one part on this worker, as a local scan would; its outcome values."""
    begun = time.monotonic()
    try:
        from distributed import get_worker

        worker = get_worker().address
    except (ImportError, ValueError):
        worker = ""
    host = socket.gethostname()
    _test_delay()
    config = settings.config
    try:
        source = open_source(part.source, **source_options(config, part.source))
    except (LeakscanError, OSError) as e:
        return PartOutcome(FileOutcome(), worker=worker, host=host, unavailable=say(Detail.LIBRARY_ERROR, error=type(e).__name__, library=str(e)))
    if part.top is not None and not isinstance(source, LocalSource):
        return PartOutcome(FileOutcome(), worker=worker, host=host,
                           unavailable=say(Detail.WORKER_OTHER_DIRECTORY))
    if part.layer is not None:
        if getattr(source, "kind", None) != "image":
            return PartOutcome(FileOutcome(), worker=worker, host=host, unavailable=say(Detail.WORKER_OTHER_IMAGE))
        image = cast("ImageSource", source)
        image.walk_from, image.walk_until = part.layer, part.layer + 1
        if part.layer:
            image.verify_images = False  # verified once, by the part with the first file system
    ctx = new_context(settings)
    logger = logging.getLogger("leakscan")
    logger.setLevel(settings.log_level)
    logger.propagate = False  # a worker's stderr gets no leakscan line: they travel in the outcome
    lines = _ThreadLines()
    logger.addHandler(lines)
    try:
        items = source.batches(part.top) if isinstance(source, LocalSource) and part.top is not None else None
        scan_source(source, Dispatcher(ctx, _pool_for(settings)), items)
    finally:
        logger.removeHandler(lines)
    result: ScanResult = ctx.result
    # its own description (the first, when it could be opened); disk images met inside it travel in the outcome
    described = result.sources.pop(0) if result.sources else None
    out = FileOutcome.of(result)
    out.logs = lines.lines
    return PartOutcome(out, described, result.source_errors, worker, host, seconds=time.monotonic() - begun)
