"""A worker whose scan died while the worker was still starting (ci12, Session 12).

PR_SET_PDEATHSIG only reaches a worker whose parent dies *after* the worker set it: a worker still starting
(interpreter start and imports take seconds under load) when its scan was SIGKILLed was reparented and lived on
until something closed its connection. The worker is told its parent's pid and ends at once when, once the
death signal is set, its parent is another process already. Here the parent is certainly gone first: the worker's
entry waits until it has been reparented, then runs the real worker entry with the connection still held open
(by the test), so only the parent check can end it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

from scanner.isolation import Worker

ROOT = Path(__file__).resolve().parent.parent


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _gone(pid: int) -> bool:
    for _ in range(300):
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_a_worker_is_told_its_scans_pid() -> None:
    worker = Worker()
    worker.start()
    try:
        cmdline = Path(f"/proc/{worker.pid}/cmdline").read_bytes()
    finally:
        worker.close()
    assert cmdline.endswith(f", {os.getpid()})\0".encode()), cmdline


def test_a_worker_whose_parent_died_before_it_set_its_death_signal_ends_at_once(tmp_path: Path) -> None:
    ours, theirs = socket.socketpair()
    fd = theirs.fileno()
    worker = ("import os, time\n"
              "parent = int(os.environ['PARENT'])\n"
              "while os.getppid() == parent: time.sleep(0.01)\n"  # started, and its parent died meanwhile
              "from scanner.isolation import main\n"
              f"main({fd}, 1 << 30, -1, parent)\n")
    parent = (f"import os, subprocess, sys\n"
              "os.environ['PARENT'] = str(os.getpid())\n"
              f"p = subprocess.Popen([sys.executable, '-c', {worker!r}], pass_fds=({fd},), stdin=subprocess.DEVNULL,"
              f" stdout=subprocess.DEVNULL, stderr=open({str(tmp_path / 'stderr')!r}, 'wb'))\n"
              "print(p.pid, flush=True)\n"
              "os._exit(0)\n")  # the scan killed before its worker got to its first line
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    run = subprocess.run([sys.executable, "-c", parent], pass_fds=(fd,), env=env, capture_output=True, text=True,
                         check=True)
    theirs.close()
    pid = int(run.stdout.split()[0])
    conn = Connection(ours.detach())
    try:
        assert conn.poll(30), "the orphaned worker neither ended nor said it started"
        try:
            hello = conn.recv()
        except EOFError:
            hello = None
        assert hello is None, f"an orphaned worker started work: {hello!r}"
        assert _gone(pid), "the orphaned worker closed its connection but lives on"
        assert (tmp_path / "stderr").read_bytes() == b"", "it ended on its own, not on an error"
    finally:
        conn.close()
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
