"""The pool's readiness check (``pool.ready``) answers as ``multiprocessing.connection.wait`` did (batch24): the
connections with a message, those whose worker hung up or died (so the pool reads the end and names the file), none
before the time is up; a closed connection raises as there. Real sockets and a real process killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from multiprocessing.connection import Connection, wait

import pytest

from scanner.pool import ready


def _pair() -> tuple[Connection, Connection]:
    a, b = socket.socketpair()
    return Connection(a.detach()), Connection(b.detach())


def test_ready_is_what_wait_says_for_messages_silence_and_a_hang_up() -> None:
    quiet, quiet_peer = _pair()
    talking, talking_peer = _pair()
    gone, gone_peer = _pair()
    talking_peer.send(("files", 1, 0, []))
    gone_peer.close()  # the worker's end closed: EOF to read
    conns = [quiet, talking, gone]
    assert set(ready(conns, 0)) == set(wait(conns, 0)) == {talking, gone}
    assert ready([quiet], 0) == wait([quiet], 0) == []
    assert talking.recv() == ("files", 1, 0, [])
    with pytest.raises(EOFError):
        gone.recv()
    for c in (quiet, quiet_peer, talking, talking_peer, gone):
        c.close()


def test_ready_waits_its_time_and_no_longer_than_a_message() -> None:
    a, b = _pair()
    t = time.monotonic()
    assert ready([a], 0.2) == []
    assert time.monotonic() - t >= 0.2
    pid = os.fork()
    if pid == 0:  # a child that answers after 0.1 s
        time.sleep(0.1)
        b.send("done")
        os._exit(0)
    t = time.monotonic()
    assert ready([a], None) == [a]  # no time limit: until it answers
    assert time.monotonic() - t < 30
    assert a.recv() == "done"
    os.waitpid(pid, 0)
    a.close()
    b.close()


def test_ready_sees_a_worker_killed_with_sigkill() -> None:
    ours, theirs = socket.socketpair()
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], pass_fds=(theirs.fileno(),))
    theirs.close()
    conn = Connection(ours.detach())
    assert ready([conn], 0.05) == []
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert ready([conn], 5) == [conn]  # its socket closed with it: the pool reads the end (EOF)
    with pytest.raises(EOFError):
        conn.recv()
    conn.close()


def test_a_closed_connection_raises_as_wait_does() -> None:
    a, b = _pair()
    a.close()
    with pytest.raises(OSError):
        wait([a], 0)
    with pytest.raises(OSError):
        ready([a], 0)
    b.close()
