"""Killable worker processes: where every decoder of untrusted bytes runs.

A parser stuck in Rust or C (calamine, zip, XML, PPMd) cannot be stopped from a thread, and a decompression
bomb can exhaust memory before any Python check runs. A worker is never a fork of the scan (no threads or
locks are copied): on Linux a fork of the zygote (a fresh interpreter that imported the worker's modules once,
has one thread and runs no task: see ``zygote_main``), elsewhere a fresh interpreter; capped with RLIMIT_AS and
reused call after call. The scan's pool
(scanner.pool) runs N of them and sends them whole files to examine; outside a pool scan (re-reading a
file for ``persons --export``, ``--reference``, ``verify``), :func:`shared_worker` is one such process.

Inside a worker, code reports where it is with :func:`mark` (which file, which stage, how long that stage may
take): the parent uses the last mark to kill a stuck worker on time and to name the file and the decoder
that crashed or hung it. A decoder that asks for isolation (``shared_worker().call``) while already inside
a worker runs inline, under the worker's own cap and the parent's clock: one mechanism, not two.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import logging
import mmap
import os
import pickle
import queue
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NamedTuple

from .codes import Status
from .details import Detail, say
from .errors import ReadError, error_name

log = logging.getLogger("leakscan")

GiB = 1 << 30
DEFAULT_MEMORY = 6 * GiB
STARTUP_SECONDS = 60  # a fresh interpreter answers in well under a second; a machine under load may be slow
FORK_SECONDS = STARTUP_SECONDS  # a zygote answers a fork in milliseconds; one that did not in this time forks no more
_LIMIT_NOTES: list[str] = []  # caps a worker could not apply in this process (limit_notes())
PRELOAD = ["scanner.tables", "scanner.inspectors.spreadsheet"]
# what the template process (the zygote, below) imports once, so a worker forked from it starts with it: the
# modules every unit of the pool needs (a worker started on its own spent ~0.2 s CPU importing them, most of it
# ``re`` compiling character classes with CJK ranges)
ZYGOTE_PRELOAD = [*PRELOAD, "scanner.work", "scanner.detectors.pii", "scanner.persons.prints", "python_calamine",
                  "email.parser"]
# ... and the static data a worker loads on first use (rules, word lists, the gazetteer, libmagic's database):
# argument-less cached loaders, so what a forked worker finds is what it would have loaded itself. Never one that
# starts a thread (fingerprint._pool): the zygote forks only while it has one.
ZYGOTE_WARM = ["scanner.contenttype:_magic", "scanner.detectors.columns:column_rules",
               "scanner.detectors.person_names:name_data", "scanner.persons.gazetteer:gazetteer",
               "scanner.persons.normalise:_old_names", "scanner.names:_variants", "scanner.names:decorations",
               "scanner.details:_rank"]
FORK_WORKERS = sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(socket, "send_fds")

Reply = tuple[Any, ...]

# -- inside a worker process ---------------------------------------------------------------------------

_CHANNEL: Connection | None = None  # set when this process is a worker
_BOARD: MarkBoard | None = None  # where this worker's marks go (shared with its parent)
_DECODERS: set[str] = set()  # decoders named since the worker began its current task

# Decoders written in C or Rust (or wrapping one): one that fails on damaged data may have corrupted the
# worker's heap without crashing it yet, so the pool replaces a worker after such a failure (not after
# clean files). Matched as parts of the names given to :func:`decoding` / :func:`mark`. Not zip/zlib/gzip
# (Session 8): zipfile is Python over zlib, whose inflate is the most fuzzed decoder there is and whose CPython
# binding bounds every buffer; replacing a worker after every damaged zip member (~0.3 s each) made a share of
# damaged Office documents, now read from their local headers, ~100x slower.
NATIVE_DECODERS = ("calamine", "libpff", "py7zr", "pyppmd", "pybcj", "inflate64", "pyzstd", "brotli",
                   "bz2", "lzma", "pytsk3", "tsk", "dfvfs", "ewf", "libyal", "vshadow", "lvm", "apfs",
                   "lxml", "image")


# the examiner's volume keys (scanner.sources.volume_keys reads them in the main process; an image's keys reach a
# worker over its connection): never in a worker's environment, where untrusted bytes are decoded
KEY_ENVS = frozenset({"LEAKSCAN_LUKS_PASSPHRASE", "LEAKSCAN_BITLOCKER_RECOVERY_KEY", "LEAKSCAN_APFS_PASSWORD"})
# A worker that used (almost) no CPU this long, with no thread waiting on a disk, nothing marked on its board and
# nothing sent, waits for what never comes: a lock it holds itself (libtsk on some crafted ISO9660 images), a pipe
# or FIFO no one writes. It is stopped then, as at its step's time limit, instead of costing the whole limit. 30 s, not
# less: a network or cloud mount (FUSE: rclone, sshfs) may hold a first read that long before a byte arrives, and a
# stop there loses a readable file's records (review16d); a deadlock then costs 30 s instead of the step's 130 s.
STALL_SECONDS = 30.0
LOOK_SECONDS = 0.5  # how often a worker's /proc entries are read (a few syscalls each)
STALL_SHARE = 0.01  # "almost no CPU": under this share of the time watched (a timer thread's wake-ups stay under)
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def stall_seconds() -> float:
    """STALL_SECONDS as it is now (tests shorten it)."""
    return STALL_SECONDS


class Stall:
    """Watches a worker process for the no-progress rule (STALL_SECONDS). ``seconds`` says how long it has
    been stalled; 0.0 when it works, waits on a disk, has a child process, or when /proc cannot tell (then only
    the step's time limit stops it). ``stir`` restarts the watch (a message came from it, a unit began)."""

    def __init__(self) -> None:
        self._pid = -1
        self._since = 0.0
        self._cpu = 0.0
        self._key: object = None
        self._io: int | None = None
        self._runnable: frozenset[str] = frozenset()  # its threads (other than the main one) runnable at the last look
        # when /proc was last read: at most every LOOK_SECONDS (the pool asks after every message of its workers)
        self._looked = -LOOK_SECONDS

    def stir(self, now: float | None = None) -> None:
        self._pid = -1
        self._since = time.monotonic() if now is None else now

    def seconds(self, pid: int | None, key: object, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        if now - self._looked < LOOK_SECONDS:
            if pid == self._pid and key == self._key:
                return max(0.0, self._looked - self._since)  # as verified at the last look (child check included)
            # stirred (a message came, a unit began) or marked since the last look: it moved. The next look, at most
            # LOOK_SECONDS on, takes the new baseline (a stall is then seen that much later, never missed)
            return 0.0
        self._looked = now
        looked = None if pid is None else _busy_cpu(pid)
        if pid is None or looked is None:
            self.stir(now)
            return 0.0
        cpu, runnable = looked
        io = _io_done(pid)  # bytes read or written (a pipe, a FUSE file)
        # a thread runnable at two looks in a row waits its turn for a CPU (a loaded machine): work, not a stall (a
        # thread that wakes now and then, as a pool worker's flush timer, is caught runnable at one look at times)
        waits_turn, self._runnable = bool(runnable & self._runnable), runnable
        if waits_turn or pid != self._pid or key != self._key or io != self._io or \
                cpu - self._cpu > STALL_SHARE * max(now - self._since, 1.0):
            self._pid, self._key, self._cpu, self._io, self._since = pid, key, cpu, io, now
            return 0.0
        stalled = now - self._since
        if stalled >= STALL_SECONDS and _has_child(pid):
            self._since = now  # its child works (or waits) for it: not the worker's own stall
            return 0.0
        return stalled


def _busy_cpu(pid: int) -> tuple[float, frozenset[str]] | None:
    """The process's CPU seconds (all threads) and its other threads that run or are runnable (R: on a loaded
    machine a thread may wait seconds for a CPU while the main thread waits on it), or None when it cannot be
    stalled by the rule: a thread of it waits on a disk (D) or its main thread runs (R), or /proc cannot say."""
    try:
        head = Path(f"/proc/{pid}/stat").read_bytes()
        fields = head[head.rindex(b")") + 2:].split()
        if fields[0] in (b"R", b"D"):
            return None
        runnable = set()
        for tid in os.listdir(f"/proc/{pid}/task"):
            if tid != str(pid):
                try:
                    t = Path(f"/proc/{pid}/task/{tid}/stat").read_bytes()
                except OSError:
                    continue  # ended since listed
                state = t[t.rindex(b")") + 2:t.rindex(b")") + 3]
                if state == b"D":
                    return None
                if state == b"R":
                    runnable.add(tid)
        return (int(fields[11]) + int(fields[12])) / _TICK, frozenset(runnable)
    except (OSError, ValueError, IndexError):
        return None


def _io_done(pid: int) -> int | None:
    """Bytes the process passed to read() and write() so far (/proc/PID/io rchar + wchar: files, pipes, FUSE
    mounts; not sockets' recv/send), or None when /proc cannot say. A read fed slowly (a FIFO that trickles, a
    slow mount) uses next to no CPU but moves these."""
    try:
        counts = dict(line.split(b": ") for line in Path(f"/proc/{pid}/io").read_bytes().splitlines()[:2])
        return int(counts[b"rchar"]) + int(counts[b"wchar"])
    except (OSError, ValueError, KeyError):
        return None


def _has_child(pid: int) -> bool:
    """Whether a process has a child (looked up only when it seems stalled: a scan of /proc)."""
    try:
        names = os.listdir("/proc")
    except OSError:
        return True
    for name in names:
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_bytes()
                if int(stat[stat.rindex(b") ") + 2:].split()[1]) == pid:
                    return True
            except (OSError, ValueError, IndexError):
                continue
    return False


class MarkBoard:
    """A worker's last mark in memory its parent shares (memfd): which task of its unit, which file, which
    step and decoder, and until when it may take. Writing one costs no system call; the parent reads it
    to stop a stuck worker on time and, when a worker dies, to name the file and the step."""

    SIZE = 1 << 20
    # seq, deadline, limit, unit, task, location length, step length, decoder length, outside waits, place (3)
    _HEAD = struct.Struct("<QddQIIHHIqqq")
    _PLACE = struct.Struct("<qqq")
    _PLACE_AT = _HEAD.size - _PLACE.size
    _OUTSIDE = struct.Struct("<I")
    _OUTSIDE_AT = _PLACE_AT - _OUTSIDE.size
    HEAD_SIZE = _HEAD.size  # seq, deadline and place: what changes whenever the worker marks anything

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.map = mmap.mmap(fd, self.SIZE)
        self.unit = 0
        self.task = 0
        self._where = b""
        self._step = b""
        self._decoder = b""
        self._deadline = 0.0
        self._limit = 0.0
        self._seq = 0
        self._place = (0, 0, 0)
        self._outside = 0  # waits on an outside party with a time limit of its own (``outside_wait``) under way
        self._own: object = None  # the task's own file: marked as no location (its parent knows the task's file)

    @classmethod
    def create(cls) -> MarkBoard:
        fd = os.memfd_create("leakscan-marks", os.MFD_CLOEXEC) if hasattr(os, "memfd_create") else _tmpfd()
        os.ftruncate(fd, cls.SIZE)
        return cls(fd)

    def write(self, step: str | None, timeout: float | None, location: object, decoder: str | None) -> None:
        if location is not None:
            own = self._own  # the parent reads no location as the task's own file: nothing to pickle (5 us a file)
            self._where = b"" if own is not None and (location is own or location == own) else \
                pickle.dumps(location, protocol=pickle.HIGHEST_PROTOCOL)[: self.SIZE - 4096]
        if step is not None:
            self._step, self._decoder = step.encode()[:1024], b""
        if decoder is not None:
            self._decoder = decoder.encode()[:1024]
        if timeout is not None:
            self._limit = timeout
            self._deadline = time.monotonic() + timeout
        self._seq += 1
        body = self._where + self._step + self._decoder
        head = self._HEAD.pack(self._seq, self._deadline, self._limit, self.unit, self.task, len(self._where),
                               len(self._step), len(self._decoder), self._outside, *self._place)
        self.map[self._HEAD.size:self._HEAD.size + len(body)] = body
        self.map[:self._HEAD.size] = head

    def place(self, kind: int, number: int, extra: int) -> None:
        """Where in its work the worker is, as three numbers (the image walker: which directory or file of a
        walk). Cheaper than a mark (no clock, no location pickled): written for every file the walker reads."""
        self._place = (kind, number, extra)
        self._PLACE.pack_into(self.map, self._PLACE_AT, kind, number, extra)

    def outside(self, delta: int) -> None:
        """One more (+1) or one fewer (-1) wait on an outside party under way (``outside_wait``)."""
        self._outside = max(0, self._outside + delta)
        self._OUTSIDE.pack_into(self.map, self._OUTSIDE_AT, self._outside)

    def outside_now(self) -> bool:
        """Whether the worker waits on an outside party now (read by its parent)."""
        return bool(self._OUTSIDE.unpack_from(self.map, self._OUTSIDE_AT)[0])

    def start_task(self, unit: int, index: int, timeout: float, own: object = None) -> None:
        self.unit, self.task, self._where, self._step, self._decoder = unit, index, b"", b"", b""
        self._own = own
        self.write(None, timeout, None, None)

    def read(self) -> BoardMark:
        seq, deadline, limit, unit, task, n_where, n_step, n_dec, _, *place = self._HEAD.unpack(self.map[:self._HEAD.size])
        at = self._HEAD.size
        where = None
        if n_where:
            try:
                where = pickle.loads(self.map[at:at + n_where])
            except Exception:  # noqa: BLE001 - torn by a worker killed mid-write: the task's file stands
                where = None
        step = self.map[at + n_where:at + n_where + n_step].decode(errors="replace")
        dec = self.map[at + n_where + n_step:at + n_where + n_step + n_dec].decode(errors="replace")
        return BoardMark(seq, deadline, limit, unit, task, where, step, dec, (place[0], place[1], place[2]))

    def reset(self) -> None:
        self.map[:self._HEAD.size] = bytes(self._HEAD.size)

    def close(self) -> None:
        self.map.close()
        os.close(self.fd)


class BoardMark(NamedTuple):
    seq: int  # 0: nothing marked since the unit began
    deadline: float  # time.monotonic() by which the step must be over
    limit: float  # the step's time limit, for the detail
    unit: int  # which unit the worker is on (the number its parent gave it)
    task: int  # index of the task in its unit
    where: Any  # the file (a models.Location), or None: the task's own file
    step: str
    decoder: str
    place: tuple[int, int, int] = (0, 0, 0)  # MarkBoard.place: what the worker said last (0, 0, 0: nothing)


def _tmpfd() -> int:
    import tempfile

    fd, name = tempfile.mkstemp(prefix="leakscan-marks-")
    os.unlink(name)
    return fd


def in_worker() -> bool:
    """Whether this process is a worker (its decoders are already isolated)."""
    return _CHANNEL is not None


_SENDING = threading.Lock()  # a worker's thread that sends held outcomes (work.run_unit) and its main thread


def report(message: tuple[Any, ...]) -> None:
    """Send an intermediate message to the parent; nothing outside a worker."""
    if _CHANNEL is not None:
        with _SENDING:
            _CHANNEL.send(message)


def start_task(unit: int, index: int, timeout: float, own: object = None) -> None:
    """A worker begins the task ``index`` of unit ``unit`` (marks start afresh); ``own``: the task's file (its
    location), which later marks name as no location at all (``BoardMark.where`` None: the task's own file)."""
    _DECODERS.clear()
    if _BOARD is not None:
        _BOARD.start_task(unit, index, timeout, own)


def mark(step: str | None, timeout: float | None, location: object = None, decoder: str | None = None) -> None:
    """Say what this worker starts now, and how long it may take (the parent's clock restarts from here).

    ``location`` names the file (a models.Location) when it changes; ``step`` is what is done to it
    ("reading", or an inspector's name); ``decoder`` the parser a step calls. They are named in the
    detail when the worker crashes or hangs there. Nothing happens outside a worker.
    """
    if _BOARD is not None:
        _BOARD.write(step, timeout, location, decoder)
        if decoder is not None:
            _DECODERS.add(decoder)
        if step is not None:
            _DECODERS.add(step)


def place(kind: int, number: int, extra: int = 0) -> None:
    """Say where in its work this worker is (``MarkBoard.place``); nothing outside a worker."""
    if _BOARD is not None:
        _BOARD.place(kind, number, extra)


@contextlib.contextmanager
def outside_wait() -> Iterator[None]:
    """Around a wait on an outside party that has a time limit of its own (an SMB server's answer within
    --smb-timeout, a login within --smb-retry-window): the worker uses no CPU then, yet is not stuck, so the
    no-CPU rule (Stall) leaves it to that limit and to the step's. Nothing happens outside a worker."""
    board = _BOARD
    if board is None:
        yield
        return
    board.outside(1)
    try:
        yield
    finally:
        board.outside(-1)


def decoding(library: str) -> None:
    """Name the third-party decoder about to run on untrusted bytes (python-calamine, py7zr ...): if it
    crashes or hangs its worker, the file's detail says which. The clock is not restarted."""
    if _BOARD is not None:
        _BOARD.write(None, None, None, library)
        _DECODERS.add(library)


def native_decoded() -> bool:
    """Whether a C/Rust decoder (NATIVE_DECODERS) ran in this worker's current task (a step or a decoder
    named since ``start_task``)."""
    return any(part in name.lower() for name in _DECODERS for part in NATIVE_DECODERS)


def _cap_memory(memory: int) -> str | None:
    """Apply the memory cap (RLIMIT_AS) to this process; None when it holds (or none was asked), else why not."""
    if not memory:
        return None
    try:
        import resource  # POSIX only: where it is missing, the cap cannot be applied (said, not passed over)
    except ImportError:
        return say(Detail.NO_RESOURCE_MODULE)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ValueError, OSError) as e:
        return say(Detail.SETRLIMIT_FAILED, error=type(e).__name__)
    return None


def guarded(func: Callable[..., Any], args: tuple[Any, ...]) -> Reply:
    """``func(*args)`` with every failure turned into a reply: ("result", value) or ("read-error", reason,
    detail). Messages of parser errors are never kept: they may quote a cell."""
    try:
        return ("result", func(*args))
    except ReadError as e:
        return ("read-error", e.reason, e.detail)
    except MemoryError:
        return ("read-error", Status.TOO_LARGE, say(Detail.OUT_OF_MEMORY_WORKER))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - Rust panics, struct.error, AssertionError ...
        log.debug("%s failed", getattr(func, "__qualname__", "parser"), exc_info=True)  # -v: redacted traceback
        return ("read-error", Status.CORRUPT, say(Detail.RAISED, error=error_name(e)))


def _die_with_parent(parent: int | None = None) -> bool:
    """Linux: this worker is killed when the scan process dies (even by SIGKILL), so a worker stuck in a
    decoder is never left behind. Elsewhere a worker ends when its connection closes. False when the scan
    (``parent``) died before the death signal was set (the worker was still starting): it must end now."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    return parent is None or os.getppid() == parent


def _serve(conn: Connection, memory: int, marks: int = -1, parent: int | None = None) -> None:
    """Worker loop: first say whether the memory cap holds; then receive (function, args), let it mark
    its steps on the board, and end each call with ("result", value) or ("read-error", reason, detail)."""
    global _CHANNEL, _BOARD
    if not _die_with_parent(parent):
        return  # orphaned while starting: the death signal came too late to reach it
    conn.send(("started", _cap_memory(memory)))
    _CHANNEL = conn
    if marks >= 0:
        _BOARD = MarkBoard(marks)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the scan; the scan stops its workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the scan's handler (scanner.cli): a worker just ends
    for name in PRELOAD:
        __import__(name)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        reply = guarded(*msg)
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("read-error", Status.TOO_LARGE, say(Detail.RESULT_TOO_LARGE)))
        except (OSError, EOFError):
            return
        except Exception as e:  # noqa: BLE001 - an unpicklable result is a bug, reported as data
            conn.send(("read-error", Status.CORRUPT, say(Detail.RESULT_NOT_TRANSFERABLE, error=type(e).__name__)))


def main(fd: int, memory: int, marks: int = -1, parent: int | None = None) -> None:
    """Entry point of the worker interpreter (started by :class:`Worker`; ``parent``: the scan's pid)."""
    _serve(Connection(fd), memory, marks, parent)


# -- the zygote: a template worker that forks the workers ----------------------------------------------
# A worker started on its own is a fresh interpreter that imports everything a unit needs (~0.2 s CPU each;
# a pool on N cores pays it N times, and again for every worker replaced after a crash or a native decoder's
# failure). The zygote is such a fresh interpreter too (started like a worker, never given a file), which
# imports ZYGOTE_PRELOAD once and then only forks: each worker is a fork of a process that has one thread and
# has run no task (so, as before, no scan thread or lock is copied), and applies its own memory cap and death
# signal. The zygote is its workers' parent: it reaps them and tells the scan each one's exit status (-N:
# killed by signal N, as subprocess.Popen says it), and kills one when the scan asks (a pid the zygote has not
# reaped cannot be another process); the scan also kills a worker itself, through the pidfd the zygote took of it
# right after the fork, so a stuck zygote cannot keep a stuck worker alive. It dies with the scan (its death
# signal, tied to a thread of the scan that never ends: _from_keeper), and its workers with it. A zygote that does
# not answer a fork in FORK_SECONDS is asked for no more (its late fork must serve no one).

_ZYGOTE_PACKET = 1 << 12


def _threads() -> int:
    """Threads of this process, native ones included (Linux)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def zygote_main(fd: int, parent: int) -> None:
    """Entry point of the zygote interpreter (``parent``: the scan's pid). Its control socket (SOCK_SEQPACKET)
    carries one pickled message a packet: ("fork", memory, cwd) with the worker's connection and board as
    two descriptors, ("kill", pid); it answers ("ready", threads) once, ("pid", pid) or ("error", why) to a
    fork, and ("exit", pid, code) for each worker that ended."""
    if not _die_with_parent(parent):
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    ctl = socket.socket(fileno=fd)
    for name in ZYGOTE_PRELOAD:
        __import__(name)
    for name in ZYGOTE_WARM:
        module, func = name.split(":")
        try:
            getattr(__import__(module, fromlist=[func]), func)()
        except Exception:  # noqa: BLE001 - a worker that needs it loads it (and meets the failure) itself
            log.debug("zygote: %s not loaded", name)
    # what it imported is shared with its workers until written: out of the collector's reach, a worker's
    # collections do not touch (so copy) every page of it
    gc.freeze()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a worker that ended wakes the loop (through wake_w)
    me = os.getpid()
    children: set[int] = set()
    ctl.send(pickle.dumps(("ready", _threads())))
    while True:
        ready, _, _ = select.select([fd, wake_r], [], [])
        if wake_r in ready:
            os.read(wake_r, 4096)
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if not pid:
                break
            children.discard(pid)
            ctl.send(pickle.dumps(("exit", pid, os.waitstatus_to_exitcode(status))))
        if fd not in ready:
            continue
        data, fds, _flags, _addr = socket.recv_fds(ctl, _ZYGOTE_PACKET, 2)
        if not data:  # the scan closed it: its workers end with it (reaped, so their time is the scan's)
            for pid in children:
                os.kill(pid, signal.SIGKILL)
            for pid in children:
                os.waitpid(pid, 0)
            return
        msg = pickle.loads(data)
        if msg[0] == "kill":
            if msg[1] in children:
                os.kill(msg[1], signal.SIGKILL)
            continue
        if len(fds) != 2 or _threads() != 1:
            for f in fds:
                os.close(f)
            ctl.send(pickle.dumps(("error", "threads" if len(fds) == 2 else "descriptors")))
            continue
        try:
            pid = os.fork()
        except OSError as e:
            pid = -1
            ctl.send(pickle.dumps(("error", type(e).__name__)))
        if pid == 0:  # the worker
            code = 1
            try:
                ctl.close()
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.close(wake_r)
                os.close(wake_w)
                try:
                    if msg[2]:
                        os.chdir(msg[2])
                except OSError:
                    pass
                _serve(Connection(fds[0]), msg[1], fds[1], me)
                code = 0
            finally:
                try:  # what a worker of its own runs when it ends (review14d: a folder of image links was left)
                    atexit._run_exitfuncs()
                finally:
                    os._exit(code)
        for f in fds:
            os.close(f)
        if pid > 0:
            children.add(pid)
            # with a pidfd (taken before the zygote can reap it, so never another process): the scan kills a
            # stuck worker itself, even when this zygote does not answer (review14d)
            try:
                pidfd = [os.pidfd_open(pid)]
            except (OSError, AttributeError):
                pidfd = []
            socket.send_fds(ctl, [pickle.dumps(("pid", pid))], pidfd)
            for f in pidfd:
                os.close(f)


# -- in the parent -------------------------------------------------------------------------------------

def signal_name(code: int | None) -> str:
    """How a worker process ended, for a detail: SIGSEGV, SIGKILL, exit 1 ..."""
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit {code}"


class ZygoteError(Exception):
    """The zygote cannot fork a worker (the caller starts one on its own)."""


_KEEPER: list[queue.SimpleQueue[tuple[Callable[[], Any], list[Any], threading.Event]]] = []


def _keeper(jobs: queue.SimpleQueue[tuple[Callable[[], Any], list[Any], threading.Event]]) -> None:
    while True:
        job, box, done = jobs.get()
        try:
            box.append(job())
        except BaseException as e:  # noqa: BLE001 - handed to the caller, raised there
            box.append(e)
        done.set()


def _from_keeper(job: Callable[[], subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    """``job()`` (starting a zygote) run by a thread that lives as long as this process (review14d). The zygote's
    death signal (PR_SET_PDEATHSIG) fires when the *thread* that started it ends, not the process: started by a
    pool of one thread (a Dask worker's), that thread's end killed the zygote and every other thread's workers."""
    if not _KEEPER:
        _KEEPER.append(queue.SimpleQueue())
        threading.Thread(target=_keeper, args=(_KEEPER[0],), daemon=True, name="leakscan-zygotes").start()
    box: list[Any] = []
    done = threading.Event()
    _KEEPER[0].put((job, box, done))
    done.wait()
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


class _Zygote:
    """The scan's end of a zygote (see ``zygote_main``). Thread-safe: one message exchange at a time."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.codes: dict[int, int] = {}  # exit codes of workers that ended
        self.live: set[int] = set()  # workers forked and not known to have ended
        self._pidfds: dict[int, int] = {}  # their pidfds (Linux 5.3): killed without the zygote
        self._lock = threading.Lock()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        code = f"from scanner.isolation import zygote_main; zygote_main({theirs.fileno()}, {os.getpid()})"
        try:
            self._proc = _from_keeper(lambda: subprocess.Popen(
                [sys.executable, "-c", code], pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True))
        except OSError as e:
            ours.close()
            raise ZygoteError(type(e).__name__) from e
        finally:
            theirs.close()
        self._ctl: socket.socket | None = ours
        self.retired = False  # it did not answer a fork in time: asked for no more (closed once its workers end)
        hello = self._next(STARTUP_SECONDS)
        if hello is None or hello[0] != "ready" or hello[1] != 1:
            self.close()
            raise ZygoteError(f"not ready: {hello!r}")

    @property
    def alive(self) -> bool:
        return self._ctl is not None and self._proc.poll() is None

    def _next(self, timeout: float | None) -> tuple[Any, ...] | None:
        """The zygote's next message (an exit is also kept in ``codes``); None when none came in time or it
        is gone."""
        if self._ctl is None:
            return None
        if timeout is not None and not select.select([self._ctl], [], [], timeout)[0]:
            return None
        try:
            data, fds, _flags, _addr = socket.recv_fds(self._ctl, _ZYGOTE_PACKET, 1)
        except OSError:
            data, fds = b"", []
        if not data:
            for f in fds:
                os.close(f)
            self._gone()
            return None
        msg = tuple(pickle.loads(data))
        if msg[0] == "pid" and fds:
            self._pidfds[msg[1]] = fds.pop()
        for f in fds:
            os.close(f)
        if msg[0] == "exit":
            self.codes[msg[1]] = msg[2]
            self.live.discard(msg[1])
            self._forget(msg[1])
        return msg

    def _forget(self, pid: int) -> None:
        fd = self._pidfds.pop(pid, -1)
        if fd >= 0:
            os.close(fd)

    def _gone(self) -> None:
        """The zygote ended: its workers die with it (their death signal), killed."""
        if self._ctl is not None:
            self._ctl.close()
            self._ctl = None
        for pid in self.live:
            self.codes.setdefault(pid, -signal.SIGKILL)
        self.live.clear()
        for pid in list(self._pidfds):
            self._forget(pid)
        try:
            self._proc.wait(5)  # closed: it kills and reaps its workers, then ends
        except subprocess.TimeoutExpired:
            self._proc.kill()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                pass

    def fork(self, memory: int, conn: int, board: int) -> int:
        with self._lock:
            if self._ctl is None:
                raise ZygoteError("gone")
            try:
                cwd = os.getcwd()
            except OSError:  # removed: the worker stays where the zygote is
                cwd = ""
            try:
                socket.send_fds(self._ctl, [pickle.dumps(("fork", memory, cwd))], [conn, board])
            except OSError as e:
                self._gone()
                raise ZygoteError(type(e).__name__) from e
            end = time.monotonic() + FORK_SECONDS
            reply = self._next(FORK_SECONDS)
            while reply is not None and reply[0] == "exit":
                reply = self._next(max(0.0, end - time.monotonic()))
            if reply is None:
                # stuck, stopped or starved (review14d): its late ("pid", ...) would be taken as the next
                # worker's, so it is asked for no more; a worker it forks late finds its connection closed
                self.retired = True
            if reply is None or reply[0] != "pid":
                raise ZygoteError(f"no worker: {reply!r}")
            self.live.add(reply[1])
            return int(reply[1])

    def code(self, pid: int, timeout: float | None = 0.0) -> int | None:
        """The worker's exit code, once it ended (waits up to ``timeout`` seconds for it; None: until it ends)."""
        with self._lock:
            end = None if timeout is None else time.monotonic() + timeout
            while pid not in self.codes and self._ctl is not None:
                left = None if end is None else max(0.0, end - time.monotonic())
                if self._next(left) is None and left is not None:
                    break  # nothing came in time
            return self.codes.get(pid)

    def ended(self, pid: int) -> bool:
        """Whether the worker has ended by its pidfd (whether or not the zygote said so yet)."""
        with self._lock:
            fd = self._pidfds.get(pid, -1)
            return fd >= 0 and bool(select.select([fd], [], [], 0)[0])

    def kill(self, pid: int) -> None:
        with self._lock:
            if pid in self._pidfds:
                try:
                    signal.pidfd_send_signal(self._pidfds[pid], signal.SIGKILL)
                except OSError:
                    pass  # ended already
            if self._ctl is not None and pid in self.live:
                try:
                    self._ctl.send(pickle.dumps(("kill", pid)))
                except OSError:
                    self._gone()

    def close(self) -> None:
        with self._lock:
            self._gone()


class _Forked:
    """A worker forked by a zygote, as the Worker drives a subprocess.Popen (pid, poll, kill, wait)."""

    def __init__(self, pid: int, zygote: _Zygote) -> None:
        self.pid = pid
        self._zygote = zygote
        self._killed = False

    def poll(self) -> int | None:
        return self._zygote.code(self.pid)

    def kill(self) -> None:
        self._killed = True
        self._zygote.kill(self.pid)

    def wait(self, timeout: float | None = None) -> int:
        code = self._zygote.code(self.pid, timeout)
        if code is None and self._killed and self._zygote.ended(self.pid):
            code = -signal.SIGKILL  # killed through its pidfd; its zygote (stopped, stuck) did not say so
        if code is None:
            raise subprocess.TimeoutExpired("worker", timeout or 0.0)
        return code


_ZYGOTES: list[_Zygote] = []  # the one whose environment is the current one is used; others close when idle
_ZYGOTES_LOCK = threading.Lock()  # workers may be started from more than one thread (the pool, shared_worker)


def _zygote(env: dict[str, str]) -> _Zygote | None:
    """The zygote for workers of this environment (started on first use); None when workers cannot be
    forked here (they are then started on their own)."""
    if not FORK_WORKERS:
        return None
    with _ZYGOTES_LOCK:
        return _zygote_locked(env)


def _zygote_locked(env: dict[str, str]) -> _Zygote | None:
    global FORK_WORKERS
    for z in list(_ZYGOTES):
        if z.env == env and z.alive and not z.retired:
            return z
        with z._lock:
            while z._next(0.0) is not None:  # take in exits
                pass
        if not z.live or not z.alive:  # another environment's (a test's, a changed password) once idle
            z.close()
            _ZYGOTES.remove(z)
    try:
        z = _Zygote(env)
    except ZygoteError as e:
        log.debug("workers started on their own: %s", e)
        FORK_WORKERS = False  # not tried again in this process: each try costs a start
        return None
    if not _ZYGOTES:
        atexit.register(_close_zygotes)
    _ZYGOTES.append(z)
    return z


def _forget_zygotes() -> None:
    """In a child forked from this process (not exec'd): its parent's zygotes and keeper thread are not its own
    (their control sockets are the parent's; the keeper thread was not copied)."""
    global _ZYGOTES_LOCK
    _ZYGOTES_LOCK = threading.Lock()
    _ZYGOTES.clear()
    _KEEPER.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_zygotes)


def _close_zygotes() -> None:
    with _ZYGOTES_LOCK:
        for z in _ZYGOTES:
            z.close()
        _ZYGOTES.clear()


class Worker:
    """One killable worker process. The pool drives it message by message (``send``/``recv``); ``call``
    runs one function and waits (serialised by a lock)."""

    def __init__(self, memory: int = DEFAULT_MEMORY) -> None:
        self.memory = memory
        self._proc: Any = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self.board: MarkBoard | None = None  # the running worker's marks
        self.stall = Stall()  # how long it has used no CPU, marked and sent nothing (``stalled``)

    @property
    def conn(self) -> Connection:
        assert self._conn is not None
        return self._conn

    @property
    def connected(self) -> bool:
        return self._conn is not None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        """A fork of the zygote (a fresh interpreter with the worker's modules imported, one thread, no task
        run: no scan threads or locks are copied), else a fresh interpreter of its own; stderr silenced."""
        ours, theirs = socket.socketpair()
        if self.board is None:
            self.board = MarkBoard.create()
        self.board.reset()
        root = str(Path(__file__).resolve().parent.parent)
        env = {**{k: v for k, v in os.environ.items() if k not in KEY_ENVS}, "RUST_BACKTRACE": "0",
               "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}
        proc: subprocess.Popen[bytes] | _Forked | None = None
        try:
            zygote = _zygote(env)
            if zygote is not None:
                try:
                    proc = _Forked(zygote.fork(self.memory, theirs.fileno(), self.board.fd), zygote)
                except ZygoteError as e:
                    log.debug("worker started on its own: %s", e)
                    # the zygote holds these two and may still fork on them: the worker started here gets
                    # its own (review14d: two processes served one connection and wrote one board)
                    ours.close()
                    theirs.close()
                    ours, theirs = socket.socketpair()
                    self.board.close()
                    self.board = MarkBoard.create()
            if proc is None:
                code = f"from scanner.isolation import main; main({theirs.fileno()}, {self.memory}, {self.board.fd}, {os.getpid()})"
                proc = subprocess.Popen([sys.executable, "-c", code], pass_fds=(theirs.fileno(), self.board.fd),
                                        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, close_fds=True)
        finally:
            theirs.close()
        self._proc, self._conn = proc, Connection(ours.detach())
        self.stall.stir()
        try:
            ready = self._conn.poll(STARTUP_SECONDS)
            hello = self._conn.recv() if ready else None
        except (OSError, EOFError) as e:
            raise ReadError(Status.CORRUPT, say(Detail.WORKER_NOT_STARTED, why=str(self.kill() or type(e).__name__))) from e
        if hello is None:
            raise ReadError(Status.TIMEOUT, say(Detail.WORKER_START_TIMEOUT, seconds=str(STARTUP_SECONDS),
                                                    why=str(self.kill() or "killed")))
        if hello[1] is not None:
            self._cap_failed(hello[1])

    def stuck(self) -> bool:
        """Whether the worker has been stalled for STALL_SECONDS (``Stall``: no CPU, no mark, nothing sent) with
        nothing unread on its connection: the caller stops it (and calls ``stall.stir`` for each message)."""
        board = self.board
        if board is not None and board.outside_now():
            self.stall.stir()  # it waits on an outside party with a limit of its own (outside_wait)
            return False
        key = bytes(board.map[:MarkBoard.HEAD_SIZE]) if board is not None else None
        return (self.stall.seconds(self.pid, key) >= STALL_SECONDS and self.running
                and self._conn is not None and not self._conn.poll(0))

    def _cap_failed(self, why: str) -> None:
        """The worker runs without its memory cap: logged once, and stated in findings.json / the report."""
        note = say(Detail.WORKER_CAP_NOT_APPLIED, gib=self.memory // GiB, why=why)
        if note not in _LIMIT_NOTES:
            _LIMIT_NOTES.append(note)
            log.warning("%s", note)

    def kill(self) -> str:
        """Stop the worker; return how it ended (for the detail text)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        return self.halt()

    def halt(self) -> str:
        """Stop the worker's process but keep this end of its connection open: what it sent before it ended
        (the outcomes of the files it finished) can still be read. Returns how it ended; ``kill`` closes."""
        proc, self._proc = self._proc, None
        if proc is None:
            return ""
        if proc.poll() is None:
            proc.kill()
        try:
            code = proc.wait(5)
        except subprocess.TimeoutExpired:
            return "unkillable"
        return signal_name(code)

    def call(self, func: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> Any:
        """``func(*args)`` in the worker; ReadError(timeout / corrupt / ...) when it fails or hangs."""
        with self._lock:
            if not self.running:
                self.kill()
                self.start()
            try:
                self.conn.send((func, args))
            except (OSError, EOFError, ValueError) as e:
                how = self.kill()
                raise ReadError(Status.CORRUPT, say(Detail.PARSER_FAILED, how=how or type(e).__name__)) from e
            end = time.monotonic() + timeout
            self.stall.stir()
            try:
                while not (ready := self.conn.poll(max(0.0, min(1.0, end - time.monotonic())))):
                    if time.monotonic() >= end or self.stuck():
                        break
                reply = self.conn.recv() if ready else None
            except (OSError, EOFError) as e:
                how = self.kill()
                raise ReadError(Status.CORRUPT, say(Detail.PARSER_DIED, how=how, gib=self.memory // GiB)) from e
            if reply is None:
                self.kill()
                if time.monotonic() < end:  # stuck at no CPU (Stall) before its time limit
                    raise ReadError(Status.TIMEOUT, say(Detail.PARSER_STALLED, seconds=f"{stall_seconds():g}"))
                raise ReadError(Status.TIMEOUT, say(Detail.PARSER_STOPPED, seconds=f"{timeout:g}"))
        if reply[0] == "result":
            return reply[1]
        raise ReadError(reply[1], reply[2])

    def close(self) -> None:
        """Ask the worker to stop, give it a moment to end by itself, then make sure it has."""
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.send(None)
                    if self._proc is not None:
                        self._proc.wait(2)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            self.kill()
            if self.board is not None:
                self.board.close()
                self.board = None


class InlineWorker:
    """``shared_worker()`` inside a worker: the call runs here, already isolated, under the parent's clock."""

    def call(self, func: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> Any:
        mark(None, timeout, decoder=f"{func.__module__.rsplit('.', 1)[-1]}.{func.__qualname__}")
        reply = guarded(func, args)
        if reply[0] == "result":
            return reply[1]
        raise ReadError(reply[1], reply[2])

    def close(self) -> None:
        return None


def limit_notes() -> list[str]:
    """Every cap a worker of this process could not apply (empty when all held)."""
    return list(_LIMIT_NOTES)


def add_limit_note(note: str) -> None:
    """A cap a worker of the pool could not apply (said once, like the shared worker's)."""
    if note not in _LIMIT_NOTES:
        _LIMIT_NOTES.append(note)
        log.warning("%s", note)


_shared: Worker | None = None


def shared_worker() -> Worker | InlineWorker:
    """Where to run a risky parser: inline inside a worker; elsewhere the process-wide worker (started
    on first use, stopped at exit)."""
    global _shared
    if _CHANNEL is not None:
        return InlineWorker()
    if _shared is None:
        _shared = Worker()
        atexit.register(_shared.close)
    return _shared
