"""Run risky parsers in a long-lived worker process that can be killed.

A parser stuck in Rust or C (calamine, zip, XML) cannot be stopped from a thread, and a decompression
bomb can exhaust memory before any Python check runs. The worker is a fresh interpreter (not a fork of
the scan, so no threads or locks are copied), capped with RLIMIT_AS, and reused file after file; when a call passes its
time limit the worker is killed and the next call starts a fresh one. Crashes of every kind come back
as ReadError, so the scan records the file and goes on.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .codes import Status
from .errors import ReadError, error_name

log = logging.getLogger("leakscan")

GiB = 1 << 30
DEFAULT_MEMORY = 6 * GiB
STARTUP_SECONDS = 60  # a fresh interpreter answers in well under a second; a machine under load may be slow
_LIMIT_NOTES: list[str] = []  # caps a worker could not apply in this process (limit_notes())
PRELOAD = ["scanner.tables", "scanner.inspectors.spreadsheet"]


def _cap_memory(memory: int) -> str | None:
    """Apply the memory cap (RLIMIT_AS) to this process; None when it holds (or none was asked), else why not."""
    if not memory:
        return None
    try:
        import resource  # POSIX only: where it is missing, the cap cannot be applied (said, not passed over)
    except ImportError:
        return "no resource module on this platform"
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ValueError, OSError) as e:
        return f"setrlimit(RLIMIT_AS) failed: {type(e).__name__}"
    return None


def _serve(conn: Connection, memory: int) -> None:
    """Worker loop: first say whether the memory cap holds; then receive (function, args) and send back
    ("result", value) or ("read-error", reason, detail)."""
    conn.send(("started", _cap_memory(memory)))
    for name in PRELOAD:
        __import__(name)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        func, args = msg
        try:
            reply: tuple[Any, ...] = ("result", func(*args))
        except ReadError as e:
            reply = ("read-error", e.reason, e.detail)
        except MemoryError:
            reply = ("read-error", Status.TOO_LARGE, "out of memory while parsing (worker memory cap)")
        except BaseException as e:  # noqa: BLE001 - Rust panics, struct.error, AssertionError ...
            reply = ("read-error", Status.CORRUPT, error_name(e))  # never the message: it may quote a cell
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("read-error", Status.TOO_LARGE, "result too large to return"))
        except Exception as e:  # noqa: BLE001 - an unpicklable result is a bug, reported as data
            conn.send(("read-error", Status.CORRUPT, f"result not transferable: {type(e).__name__}"))


def main(fd: int, memory: int) -> None:
    """Entry point of the worker interpreter (started by :class:`Worker`)."""
    _serve(Connection(fd), memory)


class Worker:
    """One killable parser process; ``call`` is serialised by a lock."""

    def __init__(self, memory: int = DEFAULT_MEMORY) -> None:
        self.memory = memory
        self._proc: Any = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        """A fresh interpreter (not a fork: no scan threads or locks are copied), stderr silenced."""
        ours, theirs = socket.socketpair()
        root = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "RUST_BACKTRACE": "0",
               "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}
        code = f"from scanner.isolation import main; main({theirs.fileno()}, {self.memory})"
        try:
            proc = subprocess.Popen([sys.executable, "-c", code], pass_fds=(theirs.fileno(),), env=env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, close_fds=True)
        finally:
            theirs.close()
        self._proc, self._conn = proc, Connection(ours.detach())
        try:
            ready = self._conn.poll(STARTUP_SECONDS)
            hello = self._conn.recv() if ready else None
        except (OSError, EOFError) as e:
            raise ReadError(Status.CORRUPT, f"parser process did not start ({self._kill() or type(e).__name__})") from e
        if hello is None:
            raise ReadError(Status.TIMEOUT, f"parser process did not start within {STARTUP_SECONDS} s "
                            f"({self._kill() or 'killed'})")
        if hello[1] is not None:
            self._cap_failed(hello[1])

    def _cap_failed(self, why: str) -> None:
        """The worker runs without its memory cap: logged once, and stated in findings.json / the report."""
        note = (f"parser worker memory cap of {self.memory // GiB} GiB not applied ({why}): a decompression "
                "bomb in a workbook can use all memory of this machine")
        if note not in _LIMIT_NOTES:
            _LIMIT_NOTES.append(note)
            log.warning("%s", note)

    def _kill(self) -> str:
        """Stop the worker; return how it ended (for the detail text)."""
        proc, self._proc = self._proc, None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if proc is None:
            return ""
        if proc.poll() is None:
            proc.kill()
        try:
            code = proc.wait(5)
        except subprocess.TimeoutExpired:
            return "unkillable"
        if code is not None and code < 0:
            try:
                return signal.Signals(-code).name
            except ValueError:
                return f"signal {-code}"
        return f"exit {code}"

    def call(self, func: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> Any:
        """``func(*args)`` in the worker; ReadError(timeout / corrupt / ...) when it fails or hangs."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._kill()
                self._start()
            assert self._conn is not None
            try:
                self._conn.send((func, args))
                ready = self._conn.poll(timeout)
            except (OSError, EOFError, ValueError) as e:
                how = self._kill()
                raise ReadError(Status.CORRUPT, f"parser process failed ({how or type(e).__name__})") from e
            if not ready:
                self._kill()
                raise ReadError(Status.TIMEOUT, f"parsing took longer than {timeout:g} s; parser stopped")
            try:
                reply = self._conn.recv()
            except (OSError, EOFError) as e:
                how = self._kill()
                raise ReadError(Status.CORRUPT, f"parser process died ({how}); damaged file or memory cap "
                                f"{self.memory // GiB} GiB reached") from e
        if reply[0] == "result":
            return reply[1]
        raise ReadError(reply[1], reply[2])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.send(None)
                except OSError:
                    pass
            self._kill()


def limit_notes() -> list[str]:
    """Every cap a parser worker of this process could not apply (empty when all held)."""
    return list(_LIMIT_NOTES)


_shared: Worker | None = None


def shared_worker() -> Worker:
    """The process-wide parser worker (started on first use, stopped at exit)."""
    global _shared
    if _shared is None:
        _shared = Worker()
        atexit.register(_shared.close)
    return _shared
