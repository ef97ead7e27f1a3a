"""The scan's pool: N killable worker processes (scanner.isolation) examining files (scanner.work).

Units of tasks go to idle workers; outcomes come back in batches (``work.run_unit``: at least every
FLUSH_SECONDS of work, before a large file, at the unit's end), so a worker that dies costs the file it was on
and at most FLUSH_SECONDS of cheap finished files whose outcomes had not left; those are examined again
(``resent``: each sent back at once, in a worker that ends after them, so a heap one of them corrupts cannot
crash another file). A worker is a
process of its own (not a concurrent.futures pool, which breaks as a whole when one worker dies), so when
one segfaults, aborts, exceeds its memory cap or passes the time limit of the step it last announced
(``isolation.mark``), only that worker is replaced and the rest of the unit goes on in another worker.

A worker that died may have been killed by an earlier file: a C decoder can corrupt its heap on damaged data
and live on. So a file on which a worker died is first run again alone in a freshly started worker; only if
it kills that one too is it blamed: the file (or the archive member) and the step are named, that step is
not tried again on it (its outcome says why: ``corrupt`` with the signal and the decoder), the state is
told (``on_poison``), and the file is examined again without it. A step that passed its time limit is
blamed at once (re-running a hang costs the whole limit again). And a worker whose native decoder failed
on a file (``work.decoder_failed``) is replaced before it examines another one.
"""

from __future__ import annotations

import logging
import math
import select
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any

from .codes import Status
from .contracts import Poison
from .details import Detail, codes_of, say
from .details import doing as said_doing
from .errors import ReadError, WorkerError
from .examine import READING, unreadable
from .isolation import DEFAULT_MEMORY, GiB, Worker, stall_seconds
from .work import BytesRef, FileOutcome, FileTask, MemoryEntry, WorkerSettings, run_unit

log = logging.getLogger("leakscan")

MAX_ATTEMPTS = 6  # workers one task may cost before it is given up (each blamed step costs two)
START_SECONDS = 120.0  # a unit's first mark may wait for the worker to build its rules and inspectors


class _Slot:
    """One worker and the units it holds: the first is running, the next waits in its pipe (so the worker
    never waits for the scan process between two units)."""

    DEPTH = 2

    def __init__(self, memory: int) -> None:
        self.worker = Worker(memory)
        self.units: deque[tuple[int, list[FileTask]]] = deque()
        self.head_since = 0.0  # when the first unit became the one running
        self.got = 0  # outcomes of the first unit received so far (its files before that one are done)
        self.recycle = False  # an outcome of the first unit said its worker must examine nothing more
        self.used = False  # its worker process was given a unit (so it is not fresh any more)

    def deadline(self) -> float:
        """When the worker's current step must be over (its board; the unit's start until it marks)."""
        board = self.worker.board
        seen = board.read() if board is not None else None
        if seen is not None and seen.seq and self.units and seen.unit == self.units[0][0]:
            return seen.deadline
        return self.head_since + START_SECONDS


# A second unit is sent to a busy worker only when it carries at most this many file bytes (BytesRef:
# files of SMB shares and images read here). Sending blocks once the socket's buffer is full, and the
# busy worker, itself blocked sending its last unit's outcomes, reads nothing until they are read: a
# large unit sent to it would wait for it forever. An idle worker is reading, so any unit reaches it.
LIGHT_UNIT = 64 << 10


def ready(conns: list[Connection], timeout: float | None) -> list[Connection]:
    """``multiprocessing.connection.wait`` for the pool's few sockets: the connections with something to read, or whose
    worker hung up (any event counts, as there), waiting up to ``timeout`` seconds (None: until one is). wait builds a
    selector and registers each connection through the selectors module at each call (the pool asks at least twice a
    message: ~4 us a call on a quiet machine, 40-50 under load); one ``select.poll`` asks the same of the kernel."""
    if not hasattr(select, "poll"):  # (no poll on this system: wait does it)
        return wait(conns, timeout)  # type: ignore[return-value]
    poller, by_fd = select.poll(), {}
    for conn in conns:
        fd = conn.fileno()  # OSError when it is closed, as wait and poll raise
        by_fd[fd] = conn
        poller.register(fd, select.POLLIN)
    ms = None if timeout is None else 0 if timeout <= 0 else math.ceil(timeout * 1e3)  # poll's millisecond, rounded up
    return [by_fd[fd] for fd, _event in poller.poll(ms)]


def _carried(unit: list[FileTask]) -> int:
    return sum(len(t.ref.data) for t in unit if isinstance(t.ref, BytesRef))


class WorkerPool:
    """Tasks in, (task, outcome) pairs out; ``collect`` drives everything (no threads)."""

    def __init__(self, size: int, settings: WorkerSettings, memory: int = DEFAULT_MEMORY) -> None:
        self.settings = settings
        self._slots = [_Slot(memory) for _ in range(max(1, size))]
        self._queue: deque[list[FileTask]] = deque()
        self._done: list[tuple[FileTask, FileOutcome]] = []
        self.crashes = 0  # workers lost (crash or time limit)
        self._started = False  # a worker has started once: a later failure to start costs files, not the scan
        self._units = 0  # numbers the units, so a worker's board says which one it is on
        self.on_poison: Callable[[FileTask, str, Poison], None] | None = None  # told of each file that killed one

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
        return not self._queue and any(not s.units for s in self._slots)

    def waiting(self) -> int:
        """Units submitted that no worker has taken yet."""
        return len(self._queue)

    def busy(self) -> bool:
        return bool(self._queue) or any(s.units for s in self._slots)

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
        """Give waiting units to workers: first to idle ones, then a second one to each busy one."""
        for depth in range(_Slot.DEPTH):
            for s in self._slots:
                if not self._queue:
                    return
                if len(s.units) <= depth:
                    if depth and (not s.worker.running or _carried(self._queue[0]) > LIGHT_UNIT
                                  or _fresh(self._queue[0]) or _resent(s.units[0][1])):
                        # bytes, and a re-run that needs a fresh worker, go to an idle one only; nothing
                        # waits behind re-run finished files (their worker ends after them). A worker that died
                        # on its unit (not polled yet) is never replaced here: the new one's outcomes would be
                        # taken as the dead one's files' (review12f: a file ended as nothing)
                        continue
                    self._send(s, self._queue.popleft())

    def _send(self, s: _Slot, unit: list[FileTask]) -> None:
        sending = False
        try:
            if not s.worker.running or (s.used and _fresh(unit)):
                s.worker.kill()
                s.worker.start()
                s.used = False
                self._started = True
            s.used = True
            self._units += 1
            if not s.units:  # it begins now: its no-CPU watch too (never judged on the idle time before it)
                s.head_since = time.monotonic()
                s.worker.stall.stir(s.head_since)
            s.units.append((self._units, unit))
            sending = True
            s.worker.conn.send((run_unit, (self.settings, unit, self._units)))
        except (ReadError, OSError, EOFError, ValueError) as e:
            if s.units and s.units[-1][1] is unit:
                s.units.pop()
            if sending:
                # a worker that was running died before the unit reached it (review12f #2): a lost worker,
                # not damaged files: they run again, each at the cost of an attempt (so never for ever)
                log.warning("worker lost before it took a unit (%s); its files are examined again", type(e).__name__)
                self._again(unit, "lost")
                if not s.units:
                    self.crashes += 1
            else:  # no worker can be started: these files are listed, never dropped
                detail = e.detail if isinstance(e, ReadError) else say(Detail.WORKER_UNREACHABLE, error=type(e).__name__)
                if not self._started:
                    raise WorkerError(f"cannot start the worker processes that examine files: {detail}") from e
                for task in unit:
                    self._done.append((task, failed(task, Status.CORRUPT, detail)))
            if s.units:  # the units it already held are examined elsewhere
                self._lost(s, timed_out=False)
            s.worker.kill()

    def _again(self, tasks: list[FileTask], how: str) -> None:
        """Files a lost worker held without beginning them: each costs an attempt and goes back to the queue's
        front; at MAX_ATTEMPTS it is listed (a loss that repeats never runs a file for ever, never drops it)."""
        again = []
        for task in tasks:
            task.attempts += 1
            if task.attempts >= MAX_ATTEMPTS:
                self._done.append((task, failed(task, Status.CORRUPT, say(Detail.WORKER_LOST_TIMES, how=how,
                                                                                n=task.attempts))))
            else:
                again.append(task)
        if again:
            self._queue.appendleft(again)

    def _poll(self, timeout: float | None) -> None:
        busy = {s.worker.conn: s for s in self._slots if s.units}
        if not busy:
            self._assign()
            return
        now = time.monotonic()
        # a worker extends its own deadline on its board: look again at least every second
        soonest = min(min(s.deadline() for s in busy.values()) - now, 1.0)
        wait_for = max(0.0, soonest if timeout is None else min(timeout, soonest))
        for conn in ready(list(busy), wait_for):
            s = busy[conn]
            if not self._read(s, s.worker.conn):
                self._lost(s, timed_out=False)
        now = time.monotonic()
        for s in busy.values():
            if s.units and now > s.deadline():
                self._lost(s, timed_out=True)
            elif s.units and s.worker.stuck():
                self._lost(s, timed_out=True, stalled=True)  # stuck at no CPU: no need to wait for the limit
        self._assign()

    def _read(self, s: _Slot, conn: Connection) -> bool:
        """Take in what the worker sent: each file's outcome as it finished it, then the end of its unit.
        False when the connection ended (the worker died)."""
        while s.units:
            try:
                if not ready([conn], 0):
                    return True
                reply = conn.recv()
            except (EOFError, OSError):
                return False
            s.worker.stall.stir()
            number, unit = s.units[0]
            if reply[0] == "files":  # files done: merged now, never examined again whatever happens next
                _, of, i, outcomes = reply
                if of == number and i == s.got:
                    self._took(s, unit, outcomes)
                    continue
                # a bug, not a file: what this worker sends cannot be matched to files any more. It is
                # replaced and every file of the slot without an outcome runs again (none is dropped)
                log.error("worker sent outcomes out of order (unit %s file %s)", of, i)
                self._recycle(s, unit[s.got:], lost=True)
                return True
            if reply[0] == "result":
                of, outcomes = reply[1]
                if of != number:  # a bug, not a file: as outcomes out of order (never taken as this unit's)
                    log.error("worker ended another unit (%s, not %s)", of, number)
                    self._recycle(s, unit[s.got:], lost=True)
                    return True
                self._took(s, unit, outcomes)
            s.units.popleft()
            got, s.got, recycle, s.recycle = s.got, 0, s.recycle, False
            s.head_since = time.monotonic()
            if reply[0] == "result":
                if got < len(unit) or recycle or _resent(unit):
                    self._recycle(s, unit[got:])
                    return True
            else:  # the unit itself failed: the file it failed on is listed, the others examined (never dropped)
                _, reason, detail = reply
                log.error("worker failed on a unit: %s %s", reason, detail)
                self._unit_failed(s, number, unit, got, reason, detail)
        return True

    def _unit_failed(self, s: _Slot, number: int, unit: list[FileTask], got: int, reason: Status, detail: str) -> None:
        """A unit whose run raised outside every file's own handling: the file the worker's board says it was on is
        listed with the worker's reason (a MemoryError under its cap: too-large; an exception escaping: a bug,
        internal-error); the files before it (examined, their outcomes held and lost with the unit) run again, and
        those after it run as they are. review21i: every file of the unit without an outcome was listed
        internal-error (a memory cap called a bug in leakscan; files never begun said failed on)."""
        seen = s.worker.board.read() if s.worker.board is not None else None
        bug = [c.get("code") for c in codes_of(detail)][:1] == [Detail.RAISED]
        status = Status.INTERNAL_ERROR if bug else reason
        said = say(Detail.WORKER_INTERNAL_ERROR, library=detail) if bug else detail
        if seen is None or not seen.seq or seen.unit != number or not got <= seen.task < len(unit):
            self._done += [(task, failed(task, status, said)) for task in unit[got:]]  # no file to pin it on
            return
        k = seen.task
        self._done.append((unit[k], failed(unit[k], status, said)))
        if unit[k + 1:]:
            self._queue.appendleft(unit[k + 1:])
        before = unit[got:k]
        for task in before:
            task.resent = True
        if before:
            self._queue.appendleft(before)

    def _took(self, s: _Slot, unit: list[FileTask], outcomes: list[FileOutcome]) -> None:
        """Outcomes of the first unit's next files (from ``s.got`` on)."""
        done = list(zip(unit[s.got:], outcomes, strict=False))
        self._done += done
        s.got += len(done)
        s.recycle = s.recycle or any(o.recycle for _t, o in done)

    def _recycle(self, s: _Slot, rest: list[FileTask], lost: bool = False) -> None:
        """A native decoder failed in this worker, or it re-ran finished files (``resent``): replace it (its heap
        may be corrupt) before it examines anything else; the files it had not begun go to other workers as
        they are (not a crash). ``lost``: the slot's first unit is still held (its outcomes stopped matching its
        files: a bug), ``rest`` is what of it has no outcome."""
        waiting = [unit for _n, unit in s.units][1 if lost else 0:]  # lost: the first is ``rest``'s unit
        s.units.clear()
        s.got, s.recycle = 0, False
        s.worker.kill()
        for later in reversed(waiting):
            self._queue.appendleft(later)
        if lost:  # a bug that repeats must not run these files for ever: each such reset costs an attempt
            self._again(rest, "lost (outcomes out of order)")
        elif rest:
            self._queue.appendleft(rest)

    def _lost(self, s: _Slot, timed_out: bool, stalled: bool = False) -> None:
        """A worker died or passed its time limit (``stalled``: stuck at no CPU, isolation.Stall): name the
        file and the step, examine the rest again."""
        assert s.units and s.worker.board is not None
        seen = s.worker.board.read()
        how = s.worker.halt()
        if s.worker.connected:
            self._read(s, s.worker.conn)  # the outcomes it sent before it ended: those files are done
        s.worker.kill()
        self.crashes += 1
        if not s.units:  # it had finished (and sent) everything it held
            return
        (number, unit), *waiting = s.units
        got, s.got, s.recycle = s.got, 0, False
        s.units.clear()
        for _n, later in reversed(waiting):  # sent, never begun: examined elsewhere as they are
            self._queue.appendleft(later)
        if not seen.seq or seen.unit != number or seen.task < got:
            # lost before it began a file (start-up, memory) or between two files: none to blame
            self._again(unit[got:], how or "lost")
            return
        k = min(seen.task, len(unit) - 1)
        task = unit[k]
        where = seen.where or task.location
        step = seen.step or READING
        doing = said_doing(None if step == READING else step, seen.decoder, where.key() != task.location.key())
        task.attempts += 1
        if unit[k + 1:]:
            self._queue.appendleft(unit[k + 1:])
        lost = unit[got:k]  # finished, their outcomes died with it (at most FLUSH_SECONDS of work)
        for t in lost:
            t.resent = True
        if lost:
            self._queue.appendleft(lost)
        if not timed_out and not task.fresh and task.attempts < MAX_ATTEMPTS:
            # maybe an earlier file left this worker's heap corrupt: this one is blamed only if it also
            # kills a worker that has examined nothing else
            log.warning("worker died (%s, %s); the file is examined again in a fresh worker", how, step)
            task.fresh = True
            self._queue.appendleft([task])
            return
        task.fresh = False
        said: dict[str, Any] = {"seconds": f"{seen.limit:g}", "doing": doing}
        if stalled:
            said["seconds"] = f"{stall_seconds():g}"
            status, code, gave_up = Status.TIMEOUT, Detail.WORKER_STALLED, Detail.WORKER_STALLED_GAVE_UP
        elif timed_out:
            status, code, gave_up = Status.TIMEOUT, Detail.WORKER_HUNG, Detail.WORKER_HUNG_GAVE_UP
        else:
            status, code, gave_up = Status.CORRUPT, Detail.WORKER_DIED, Detail.WORKER_DIED_GAVE_UP
            said = {"how": how or "unknown cause", "doing": doing, "gib": s.worker.memory // GiB}
        detail = say(code, **said)
        log.warning("worker %s (%s); the scan goes on", "stopped" if timed_out else f"died ({how})", step)
        poison = Poison(step, status, detail)
        task.poisoned = {**task.poisoned, where.key(): poison}
        if self.on_poison is not None:  # written down before the task runs again: a resume will not re-enter it
            self.on_poison(task, where.key(), poison)
        if task.attempts >= MAX_ATTEMPTS:
            self._done.append((task, failed(task, status, say(gave_up, **said, n=task.attempts))))
        else:
            self._queue.appendleft([task])


def _resent(unit: list[FileTask]) -> bool:
    """Whether the unit re-runs finished files whose outcomes were lost: its worker ends after it."""
    return any(t.resent for t in unit)


def _fresh(unit: list[FileTask]) -> bool:
    """Whether the unit is a re-run that must start in a worker that has examined nothing else."""
    return any(t.fresh for t in unit)


def failed(task: FileTask, status: Status, detail: str) -> FileOutcome:
    """The outcome of a file no worker could examine: listed with why, still a hit when its name matched."""
    out = FileOutcome(files_seen=1)
    entry = MemoryEntry(task.location, task.name, task.deleted, task.candidate.stat, b"")
    unreadable(entry, task.candidate.matches, task.candidate.stat, ReadError(status, detail), out)
    return out
