"""The scan's pool: N killable worker processes (scanner.isolation) examining files (scanner.work).

Units of tasks go to idle workers; each task's outcome comes back as soon as it is known. A worker is a
process of its own (not a concurrent.futures pool, which breaks as a whole when one worker dies), so when
one segfaults, aborts, exceeds its memory cap or passes the time limit of the step it last announced
(``isolation.mark``), only that worker is replaced: the file (or the archive member) and the step it was on
are named, that step is not tried again on it (its outcome says why: ``corrupt`` with the signal and
the decoder, or ``timeout``), the file is examined again without it, and the rest of the unit goes on in
another worker.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Any

from .codes import Status
from .contracts import Poison
from .errors import ReadError, WorkerError
from .examine import READING, unreadable
from .isolation import DEFAULT_MEMORY, GiB, Worker
from .models import Location
from .work import FileOutcome, FileTask, MemoryEntry, WorkerSettings, run_unit

log = logging.getLogger("leakscan")

MAX_ATTEMPTS = 4  # workers one task may cost before it is given up (a crash that moves from step to step)
START_SECONDS = 120.0  # a unit's first mark may wait for the worker to build its rules and inspectors


class _Slot:
    """One worker and the unit it is working on."""

    def __init__(self, memory: int) -> None:
        self.worker = Worker(memory)
        self.unit: list[FileTask] | None = None
        self.done = 0  # outcomes received for the unit
        self.where: Location | None = None  # the file the last mark named
        self.step = ""
        self.decoder = ""
        self.limit = START_SECONDS
        self.deadline = 0.0

    def begin(self, unit: list[FileTask]) -> None:
        self.unit, self.done = unit, 0
        self.where, self.step, self.decoder = None, "", ""
        self.limit = START_SECONDS
        self.deadline = time.monotonic() + self.limit


class WorkerPool:
    """Tasks in, (task, outcome) pairs out; ``collect`` drives everything (no threads)."""

    def __init__(self, size: int, settings: WorkerSettings, memory: int = DEFAULT_MEMORY) -> None:
        self.settings = settings
        self._slots = [_Slot(memory) for _ in range(max(1, size))]
        self._queue: deque[list[FileTask]] = deque()
        self._done: list[tuple[FileTask, FileOutcome]] = []
        self.crashes = 0  # workers lost (crash or time limit)
        self._started = False  # a worker has started once: a later failure to start costs files, not the scan

    @property
    def size(self) -> int:
        return len(self._slots)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what the scan asks ----------------------------------------------------------------------
    def idle(self) -> bool:
        """Whether a worker would start a unit now."""
        return not self._queue and any(s.unit is None for s in self._slots)

    def waiting(self) -> int:
        """Units submitted that no worker has taken yet."""
        return len(self._queue)

    def busy(self) -> bool:
        return bool(self._queue) or any(s.unit is not None for s in self._slots)

    def submit(self, unit: list[FileTask]) -> None:
        if unit:
            self._queue.append(unit)
            self._assign()

    def collect(self, timeout: float | None = 0.0) -> list[tuple[FileTask, FileOutcome]]:
        """Outcomes that arrived; waits up to ``timeout`` seconds (None: until one arrives) when there are none."""
        self._poll(0.0)
        if not self._done and timeout != 0.0 and self.busy():
            end = None if timeout is None else time.monotonic() + timeout
            while not self._done and self.busy():
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    break
                self._poll(left)
        done, self._done = self._done, []
        return done

    def close(self) -> None:
        for s in self._slots:
            s.worker.close()

    # -- driving the workers --------------------------------------------------------------------------
    def _assign(self) -> None:
        for s in self._slots:
            if not self._queue:
                return
            if s.unit is not None:
                continue
            unit = self._queue.popleft()
            try:
                if not s.worker.running:
                    s.worker.kill()
                    s.worker.start()
                    self._started = True
                s.begin(unit)
                s.worker.conn.send((run_unit, (self.settings, unit)))
            except (ReadError, OSError, EOFError, ValueError) as e:
                # no worker can be started or reached: these files are listed, never dropped
                detail = e.detail if isinstance(e, ReadError) else f"worker process unreachable ({type(e).__name__})"
                s.worker.kill()
                s.unit = None
                if not self._started:
                    raise WorkerError(f"cannot start the worker processes that examine files: {detail}") from e
                for task in unit:
                    self._done.append((task, failed(task, Status.CORRUPT, detail)))

    def _poll(self, timeout: float | None) -> None:
        busy = {s.worker.conn: s for s in self._slots if s.unit is not None}
        if not busy:
            self._assign()
            return
        now = time.monotonic()
        soonest = min(s.deadline for s in busy.values()) - now
        wait_for = max(0.0, soonest if timeout is None else min(timeout, soonest))
        for conn in wait(list(busy), wait_for):
            self._read(busy[conn], conn)  # type: ignore[index]
        now = time.monotonic()
        for s in busy.values():
            if s.unit is not None and now > s.deadline:
                self._lost(s, timed_out=True)
        self._assign()

    def _read(self, s: _Slot, conn: Connection) -> None:
        try:
            while s.unit is not None and conn.poll(0):
                self._handle(s, conn.recv())
        except (EOFError, OSError):
            self._lost(s, timed_out=False)

    def _handle(self, s: _Slot, msg: tuple[Any, ...]) -> None:
        kind = msg[0]
        assert s.unit is not None
        if kind == "at":
            _, where, step, limit, decoder = msg
            if where is not None:
                s.where = where
            if step is not None:
                s.step, s.decoder = step, ""
            if decoder is not None:
                s.decoder = decoder
            if limit is not None:
                s.limit = limit
                s.deadline = time.monotonic() + limit
        elif kind == "outcome":
            _, i, outcome = msg
            self._done.append((s.unit[i], outcome))
            s.done = i + 1
            s.where, s.step, s.decoder = None, "", ""
            s.limit = START_SECONDS
            s.deadline = time.monotonic() + s.limit
        elif kind == "result":
            s.unit = None
        elif kind == "read-error":  # the unit itself failed (a bug, not a file): its files are listed
            _, reason, detail = msg
            log.error("worker failed on a unit: %s %s", reason, detail)
            for task in s.unit[s.done:]:
                self._done.append((task, failed(task, Status.CORRUPT, f"internal error in the worker: {detail}")))
            s.unit = None

    def _lost(self, s: _Slot, timed_out: bool) -> None:
        """A worker died or passed its time limit: name the file and the step, retry the rest."""
        unit, k = s.unit, s.done
        assert unit is not None
        how = s.worker.kill()
        self.crashes += 1
        s.unit = None
        if k >= len(unit):
            return
        task = unit[k]
        where = s.where or task.location
        step = s.step or READING
        doing = "while reading" if step == READING else f"in the {step} inspector"
        if s.decoder:
            doing += f" ({s.decoder})"
        if where.key() != task.location.key():
            doing += " an archive member"
        if timed_out:
            status, detail = Status.TIMEOUT, f"{doing[0].upper()}{doing[1:]}: no progress for {s.limit:g} s; worker stopped"
        else:
            status, detail = Status.CORRUPT, (f"worker process died ({how}) {doing}: damaged data, or the worker "
                                              f"memory cap of {s.worker.memory // GiB} GiB reached")
        log.warning("worker %s on %s (%s); the scan goes on", "stopped" if timed_out else f"died ({how})",
                    "a file", step)
        task.poisoned = {**task.poisoned, where.key(): Poison(step, status, detail)}
        task.attempts += 1
        rest = unit[k + 1:]
        if rest:
            self._queue.appendleft(rest)
        if task.attempts >= MAX_ATTEMPTS:
            self._done.append((task, failed(task, status, f"{detail} (gave up after {task.attempts} workers)")))
        else:
            self._queue.appendleft([task])


def failed(task: FileTask, status: Status, detail: str) -> FileOutcome:
    """The outcome of a file no worker could examine: listed with why, still a hit when its name matched."""
    out = FileOutcome(files_seen=1)
    entry = MemoryEntry(task.location, task.name, task.deleted, task.candidate.stat, b"")
    unreadable(entry, task.candidate.matches, task.candidate.stat, ReadError(status, detail), out)
    return out
