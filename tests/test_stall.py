"""A worker stuck at no CPU (a lock it holds itself, a FIFO no one writes: libtsk deadlocks so on some crafted
ISO9660 images) is stopped after isolation.STALL_SECONDS, not at its step's time limit (--parse-timeout, 120 s):
the file is listed `timeout` with why, the other files are examined. Real processes, real blocking calls; a
worker that works (CPU) or waits on a child process of its own is not stopped by the rule."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from conftest import run_leakscan
from pool_data import FIFO, LOCK, install_faults, with_marker
from remediation_data import load

from scanner import isolation
from scanner.codes import Status
from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people, simple_xlsx
from scanner.errors import ReadError
from scanner.isolation import Worker


@pytest.fixture
def short_stall(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolation, "STALL_SECONDS", 0.5)


def test_a_worker_stuck_on_a_fifo_is_stopped_long_before_its_time_limit(short_stall: None, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    worker = Worker()
    try:
        with pytest.raises(ReadError) as e:
            worker.call(Path.read_bytes, (fifo,), 120.0)  # open() of a FIFO with no writer blocks for ever
        assert e.value.reason == Status.TIMEOUT
        assert "no CPU" in e.value.detail and "120" not in e.value.detail
        assert worker.call(len, (b"abc",), 60.0) == 3  # a new worker takes the next call
    finally:
        worker.close()


def test_a_worker_that_computes_or_waits_on_its_child_is_not_stopped(short_stall: None) -> None:
    worker = Worker()
    try:
        import hashlib

        # ~1 s of CPU in the worker (twice the no-CPU limit): it works, it is not stalled
        assert len(worker.call(hashlib.pbkdf2_hmac, ("sha256", b"k", b"salt", 600_000), 120.0)) == 32
        # waiting 1.5 s for a child process at no CPU of its own: its child works for it
        assert worker.call(subprocess.check_call, (["sleep", "1.5"],), 120.0) == 0
    finally:
        worker.close()


def test_a_decoder_deadlocked_on_a_lock_or_a_fifo_costs_its_file_not_the_time_limit(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    book = simple_xlsx([["a", "b"], [1, 2]])
    (share / "lock.xlsx").write_bytes(with_marker(book, LOCK))
    (share / "fifo.xlsx").write_bytes(with_marker(book, FIFO))
    (share / LEAKED_NAME).write_bytes(client_list_xlsx(make_people(5, seed=3)))
    os.mkfifo(tmp_path / "fifo")
    env = {**install_faults(tmp_path / "site"), "LEAKSCAN_TEST_STALL_SECONDS": "1",
           "LEAKSCAN_TEST_FIFO": str(tmp_path / "fifo")}
    done = run_leakscan("scan", str(share), "--name", LEAKED_NAME, "--out", str(tmp_path / "out"), "--quiet",
                        "--workers", "2", env=env, timeout=100)  # --parse-timeout stays 120 s
    assert done.returncode == 1, done.stderr  # the detail below says which rule stopped them (no clock asserted)
    doc = load(tmp_path / "out")
    skipped = {Path(s["path"]).name: s for s in doc["skipped"]}
    assert set(skipped) == {"lock.xlsx", "fifo.xlsx"}
    for skip in skipped.values():
        assert skip["reason"] == "timeout"
        assert "no CPU used for 1 s" in skip["detail"] and "python-calamine" in skip["detail"]
    assert next(f for f in doc["files"] if f["path"].endswith(LEAKED_NAME))["pii"]["records"] == 5


ISO = Path(__file__).parent / "data" / "images" / "libarchive__iso_zisofs_overflow.iso.gz"  # see its README


def _iso(folder: Path) -> Path:
    import gzip

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "crafted.iso"
    path.write_bytes(gzip.decompress(ISO.read_bytes()))
    return path


@pytest.mark.parametrize("as_source", [False, True], ids=["inside-a-folder", "as-a-source"])
def test_libtsk_deadlocked_on_a_crafted_iso_costs_that_image_at_the_no_cpu_limit(as_source: bool,
                                                                                  tmp_path: Path) -> None:
    """libtsk waits on its own lock listing this ISO's root (tsk_fs_dir_find_orphans re-enters it): before,
    the image cost --parse-timeout + 10 s (130 s) of a worker; now the no-CPU limit. Listed, never nothing."""
    share = tmp_path / "share"
    iso = _iso(share)
    (share / LEAKED_NAME).write_bytes(client_list_xlsx(make_people(5, seed=3)))
    env = {**install_faults(tmp_path / "site"), "LEAKSCAN_TEST_STALL_SECONDS": "1"}
    done = run_leakscan("scan", str(iso if as_source else share), "--name", LEAKED_NAME, "--out",
                        str(tmp_path / "out"), "--quiet", "--workers", "1", env=env, timeout=100)
    doc = load(tmp_path / "out")
    (skip,) = doc["skipped"]
    assert "no CPU" in skip["detail"] and "for 1 s" in skip["detail"] and "130" not in skip["detail"], skip
    if as_source:  # the walker listing the root directory: the walk stopped there, the scan incomplete
        assert done.returncode == 3, done.stderr
        assert skip["reason"] == "walk-stopped" and "pytsk3" in skip["detail"] and skip["inner_path"] == "/"
    else:  # the image inspector in a pool worker: the ISO is listed, the spreadsheet beside it read
        assert done.returncode == 1, done.stderr
        assert skip["reason"] == "timeout" and skip["path"] == str(iso) and "image inspector" in skip["detail"]
        assert next(f for f in doc["files"] if f["path"].endswith(LEAKED_NAME))["pii"]["records"] == 5


def test_a_worker_reading_a_pipe_that_trickles_is_not_stopped(short_stall: None, tmp_path: Path) -> None:
    """review16d: bytes arriving slowly (a FIFO fed a little at a time, as a slow FUSE or network mount feeds a
    read) cost the worker almost no CPU, yet the read progresses: the no-CPU rule must not stop it (it lost
    the file's records); its reads (/proc/PID/io) are progress."""
    import threading

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    chunks = [bytes([65 + k]) * 64 for k in range(10)]

    def trickle() -> None:
        with open(fifo, "wb", buffering=0) as w:
            for chunk in chunks:
                w.write(chunk)
                time.sleep(0.25)  # 2.5 s in all: far over the 0.5 s no-CPU limit, bytes every 0.25 s

    writer = threading.Thread(target=trickle, daemon=True)
    writer.start()
    worker = Worker()
    try:
        assert worker.call(Path.read_bytes, (fifo,), 120.0) == b"".join(chunks)
    finally:
        worker.close()
        writer.join(10)



class _Stutter:
    """A TCP relay in front of Samba that holds the server's answers for ``pause`` seconds once, after the first
    256 KiB it relayed on a connection: a server that answers slowly (a NAS spinning its disks up, a busy
    link), well within --smb-timeout (60 s)."""

    def __init__(self, upstream: int, pause: float) -> None:
        import socket
        import threading

        self.upstream, self.pause = upstream, pause
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream))
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, src: object, dst: object, answers: bool) -> None:
        import socket

        assert isinstance(src, socket.socket) and isinstance(dst, socket.socket)
        relayed, paused = 0, False
        try:
            while data := src.recv(1 << 16):
                relayed += len(data)
                if answers and not paused and relayed > 256 << 10:
                    paused = True
                    time.sleep(self.pause)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                s.close()


def test_a_worker_reading_from_an_smb_server_that_answers_slowly_is_not_stopped(tmp_path: Path) -> None:
    """review16d: a worker reads a large file over its own SMB connection (LEAKSCAN_SMB_PASSWORD); the server
    holds its answer 3 s (no CPU in the worker, nothing marked): within --smb-timeout that is a slow server, not
    a stuck worker. Before, the no-CPU rule (1 s here) stopped the read and the list was `timeout`."""
    from smb_data import PASSWORD, SambaServer, require_smbd

    require_smbd()
    share = tmp_path / "share"
    share.mkdir()
    book = client_list_xlsx(make_people(40, seed=11))
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(book)) as z:  # over PREFETCH_WHOLE (1 MiB): a worker reads it itself
        parts = {name: z.read(name) for name in z.namelist()}
    blob = io.BytesIO()
    with zipfile.ZipFile(blob, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data, zipfile.ZIP_DEFLATED)
        z.writestr("xl/media/image1.bin", bytes(range(256)) * 6144, zipfile.ZIP_STORED)
    (share / LEAKED_NAME).write_bytes(blob.getvalue())
    server = SambaServer(tmp_path / "samba", {"share": share}).start()
    relay = _Stutter(server.port, 3.0)
    try:
        env = {**install_faults(tmp_path / "site"), "LEAKSCAN_TEST_STALL_SECONDS": "1",
               "LEAKSCAN_SMB_PASSWORD": PASSWORD}
        url = server.url("share").replace(f":{server.port}/", f":{relay.port}/")
        done = run_leakscan("scan", url, "--name", LEAKED_NAME, "--out", str(tmp_path / "out"), "--quiet",
                            "--workers", "1", env=env, timeout=100)
    finally:
        relay.listener.close()
        server.kill()
    doc = load(tmp_path / "out")
    assert doc["skipped"] == [], doc["skipped"]
    assert doc["files"][0]["pii"]["records"] == 40 and done.returncode == 1, done.stderr


_STARVED = """
import os, threading
os.sched_setaffinity(0, {cpu})
def spin():
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # this thread runs only when the CPU is idle
    n = 0
    for _ in range(1_000_000):
        n += 1
t = threading.Thread(target=spin)
t.start()
t.join()  # the main thread waits (S) on a thread that is runnable (R) but gets no CPU while the CPU is busy
"""


def test_a_worker_whose_thread_waits_its_turn_for_a_cpu_is_not_stopped(short_stall: None) -> None:
    """review16d: on a loaded machine a worker's thread may wait its turn for a CPU (state R) for seconds while
    its main thread waits on it (S): no CPU used, nothing marked, yet nothing is stuck (load, not a deadlock).
    Here its CPU is kept busy by a spinning process for 2 s; before, the worker was stopped at 0.5 s."""
    import threading

    cpu = min(os.sched_getaffinity(0))
    spin = f"import os; os.sched_setaffinity(0, {{{cpu}}}); print(flush=True)\nwhile True: pass"
    hogs = [subprocess.Popen(["python3", "-c", spin], stdout=subprocess.PIPE)]  # SCHED_IDLE: next to no CPU
    worker = Worker()

    def calm() -> None:
        for hog in hogs:
            hog.kill()

    timer = threading.Timer(2.0, calm)
    try:
        for hog in hogs:
            assert hog.stdout is not None and hog.stdout.readline() == b"\n"  # it spins on that CPU from now on
        assert worker.call(len, (b"up",), 60.0) == 2  # started before the clock below
        timer.start()
        assert worker.call(exec, (_STARVED.format(cpu=f"{{{cpu}}}"), {}), 120.0) is None
    finally:
        timer.cancel()
        calm()
        for hog in hogs:
            hog.wait()
        worker.close()


def test_a_thread_caught_runnable_at_one_look_now_and_then_does_not_hide_a_stall(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool worker's flush timer wakes every 25 ms: on a loaded machine a look catches it runnable (R) at
    times (measured: 3 looks in 60 at load 10). Only a thread runnable at two looks in a row waits its turn for
    a CPU; one caught now and then must not restart the watch, or a deadlocked worker is never stopped."""
    looks = iter([(0.5, frozenset({"7"})), (0.5, frozenset()), (0.5, frozenset({"7"})), (0.5, frozenset()),
                  (0.5, frozenset({"7"})), (0.5, frozenset({"7"}))])
    monkeypatch.setattr(isolation, "_busy_cpu", lambda pid: next(looks))
    monkeypatch.setattr(isolation, "_io_done", lambda pid: 100)
    monkeypatch.setattr(isolation, "_has_child", lambda pid: False)
    monkeypatch.setattr(isolation, "STALL_SECONDS", 2.0)
    stall = isolation.Stall()
    seen = [stall.seconds(42, b"key", now=float(t)) for t in range(6)]
    assert seen[:5] == [0.0, 1.0, 2.0, 3.0, 4.0]  # the watch goes on through single runnable looks
    assert seen[5] == 0.0  # runnable at two looks in a row: it waits for a CPU, the watch restarts


def test_messages_between_looks_cost_no_look_and_a_stall_after_them_is_still_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool asks after every message of a worker (thousands a second on a tree of small workbooks): /proc is
    read at most every LOOK_SECONDS all the same, and a worker that stops after its last message is seen stalled
    (its watch starts at the first look after that message: at most LOOK_SECONDS later)."""
    looks: list[float] = []

    def busy(pid: int) -> tuple[float, frozenset[str]]:
        looks.append(pid)
        return 0.5, frozenset()

    monkeypatch.setattr(isolation, "_busy_cpu", busy)
    monkeypatch.setattr(isolation, "_io_done", lambda pid: 100)
    monkeypatch.setattr(isolation, "_has_child", lambda pid: False)
    monkeypatch.setattr(isolation, "STALL_SECONDS", 2.0)
    stall = isolation.Stall()
    step = isolation.LOOK_SECONDS / 10
    for i in range(100):  # a message every tenth of a look's interval
        now = 10.0 + i * step
        stall.stir(now)
        assert stall.seconds(42, b"key", now=now) == 0.0
    assert 9 <= len(looks) <= 11  # one look per LOOK_SECONDS, not one per message
    last = 10.0 + 99 * step  # its last message: nothing after it
    after = [t / 8 for t in range(1, 40)]
    stalled = [t for t in after if stall.seconds(42, b"key", now=last + t) >= 2.0]
    assert stalled and stalled[0] <= 2.0 + 2 * isolation.LOOK_SECONDS  # seen, at most a look or two late
