"""Workers forked from a zygote (issue 11, Session 14).

A worker started on its own imported everything a unit needs (~0.2 s CPU each, paid per core and again for each
worker replaced after a crash). Workers are now forks of one template interpreter (``isolation.zygote_main``) that
imported them once and runs nothing else. What the isolation promised must still hold for such a worker: a process
of its own whose crash is named by its signal, killable on time and reaped, under its own memory cap, with no
examiner's key in its environment, ending when the scan (or the zygote) dies, and seeing the scan's environment of
the moment it starts. bench/README.md "Session 14 (share14)" has what it saves.
"""

from __future__ import annotations

import os
import resource
import signal
import time
from pathlib import Path

import pytest

from scanner import isolation
from scanner.errors import ReadError
from scanner.isolation import Worker

pytestmark = pytest.mark.skipif(not isolation.FORK_WORKERS, reason="workers are forked on Linux only")


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def _gone(pid: int) -> bool:
    for _ in range(300):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state == "Z" and _parent(pid) == os.getpid():
            return False  # a zombie of ours: nobody reaped it
        time.sleep(0.05)
    return False


def test_workers_are_forks_of_one_zygote_that_has_one_thread() -> None:
    a, b = Worker(1 << 31), Worker()
    a.start()
    b.start()
    try:
        zygote = _parent(a.pid)  # type: ignore[arg-type]
        assert zygote == _parent(b.pid) != os.getpid()  # type: ignore[arg-type]
        assert _parent(zygote) == os.getpid()
        assert _threads(zygote) == 1
        assert a.call(os.getppid, (), 30) == zygote
        # each applies its own memory cap
        assert a.call(resource.getrlimit, (resource.RLIMIT_AS,), 30) == (1 << 31, 1 << 31)
        assert b.call(resource.getrlimit, (resource.RLIMIT_AS,), 30)[0] == isolation.DEFAULT_MEMORY
        # forked with the worker's modules already imported, and its own process
        assert a.call(os.getpid, (), 30) == a.pid != b.pid
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("forked", [True, False])
def test_a_crash_is_named_by_its_signal_and_the_worker_reaped(forked: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolation, "FORK_WORKERS", forked)
    worker = Worker()
    worker.start()
    pid = worker.pid
    assert pid is not None
    assert (_parent(pid) == os.getpid()) is not forked
    with pytest.raises(ReadError) as e:
        worker.call(os.kill, (pid, signal.SIGSEGV), 30)
    assert "SIGSEGV" in e.value.detail
    assert _gone(pid)
    # the same Worker starts a new process on its next call
    assert worker.call(os.getpid, (), 30) not in (pid, None)
    worker.close()


def test_a_worker_stuck_past_its_time_is_killed_and_reaped() -> None:
    worker = Worker()
    worker.start()
    pid = worker.pid
    assert pid is not None
    zygote = next(z for z in isolation._ZYGOTES if pid in z.live)
    with pytest.raises(ReadError) as e:
        worker.call(time.sleep, (120,), 1)
    assert e.value.reason == "timeout"
    assert _gone(pid)
    assert zygote.codes[pid] == -signal.SIGKILL
    assert worker.call(os.getpid, (), 30) not in (pid, None)  # a new worker for the next call
    worker.close()


def test_the_zygotes_death_ends_its_workers_and_a_new_one_is_started() -> None:
    worker = Worker()
    worker.start()
    pid = worker.pid
    assert pid is not None
    zygote = _parent(pid)
    os.kill(zygote, signal.SIGKILL)
    assert _gone(pid)  # its death signal: never a worker left behind without its parent
    assert not worker.running
    assert worker.kill() == "SIGKILL"
    worker.start()
    try:
        assert worker.pid != pid
        assert _parent(worker.pid) not in (zygote, os.getpid())  # type: ignore[arg-type]
        assert worker.call(os.getpid, (), 30) == worker.pid
    finally:
        worker.close()


def test_a_worker_sees_the_environment_of_the_moment_it_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAKSCAN_SMB_PASSWORD", "first-Ab3")
    first = Worker()
    first.start()
    monkeypatch.setenv("LEAKSCAN_SMB_PASSWORD", "second-Ab3")
    monkeypatch.setenv("LEAKSCAN_LUKS_PASSPHRASE", "never-in-a-worker")
    second = Worker()
    second.start()
    try:
        assert first.call(os.getenv, ("LEAKSCAN_SMB_PASSWORD",), 30) == "first-Ab3"  # still running, unharmed
        assert second.call(os.getenv, ("LEAKSCAN_SMB_PASSWORD",), 30) == "second-Ab3"
        assert second.call(os.getenv, ("LEAKSCAN_LUKS_PASSPHRASE",), 30) is None
        assert second.call(os.getcwd, (), 30) == os.getcwd()
    finally:
        first.close()
        second.close()


def test_workers_start_on_their_own_when_no_zygote_can_be_had(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(self: object, env: dict[str, str]) -> None:
        raise isolation.ZygoteError("refused")

    monkeypatch.setattr(isolation, "FORK_WORKERS", True)  # restored after the test
    monkeypatch.setattr(isolation._Zygote, "__init__", refused)
    monkeypatch.setattr(isolation, "_ZYGOTES", [])
    worker = Worker()
    worker.start()
    try:
        assert _parent(worker.pid) == os.getpid()  # type: ignore[arg-type]
        assert not isolation.FORK_WORKERS  # not tried again by this process
        assert worker.call(os.getpid, (), 30) == worker.pid
    finally:
        worker.close()


def test_the_zygote_loads_only_argumentless_cached_loaders_and_its_workers_have_them() -> None:
    import importlib
    import inspect

    for name in isolation.ZYGOTE_WARM:
        module, func = name.split(":")
        loader = getattr(importlib.import_module(module), func)
        assert hasattr(loader, "cache_info") and not inspect.signature(loader).parameters, name
    loaded = "[__import__(m, fromlist=[f]).__dict__[f].cache_info().currsize for m, f in {!r}]"
    pairs = [tuple(name.split(":")) for name in isolation.ZYGOTE_WARM]
    worker = Worker()
    worker.start()
    try:
        assert worker.call(eval, (loaded.format(pairs),), 30) == [1] * len(pairs)  # loaded before the fork
    finally:
        worker.close()


def _scan(share: Path, out: Path) -> tuple[str, str, list[int]]:
    from scanner.config import ScanConfig
    from scanner.pipeline import run_scan
    from scanner.registry import inspectors_for
    from scanner.sources.local import LocalSource

    config = ScanConfig(sources=[str(share)], out=out, names=["名簿"], quiet=True, parse_timeout=30)
    result = run_scan(config, [LocalSource(str(share))], inspectors=inspectors_for(config), workers=2)
    prints = [p.records for _i, p in sorted(result.prints.items())]
    return repr(result.hits), repr(result.skipped), prints


def test_forked_workers_find_what_workers_started_on_their_own_find(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.demo import client_list_csv, client_list_xlsx, make_people

    share = tmp_path / "share"
    share.mkdir()
    book = client_list_xlsx(make_people(40))
    (share / "利用者名簿.xlsx").write_bytes(book)
    (share / "cut.xlsx").write_bytes(book[: len(book) * 2 // 3])  # damaged: rows before the cut + corrupt
    (share / "list.csv").write_bytes(client_list_csv(make_people(25, seed=7)))
    (share / "list-utf8.csv").write_bytes(client_list_csv(make_people(15, seed=8), encoding="utf-8"))
    (share / "memo.txt").write_text("nothing here\n")
    monkeypatch.setattr(isolation, "FORK_WORKERS", True)
    forked = _scan(share, tmp_path / "forked")
    monkeypatch.setattr(isolation, "FORK_WORKERS", False)
    own = _scan(share, tmp_path / "own")
    assert forked == own
    assert len(forked[2]) >= 3 and sum(forked[2]) >= 40  # the person tables were read


def test_a_worker_starts_forked_when_the_scans_folder_was_removed(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    first = Worker()
    first.start()
    second = Worker()
    second.start()  # the zygote survived the first start
    try:
        assert _parent(first.pid) == _parent(second.pid) != os.getpid()  # type: ignore[arg-type]
        assert second.call(os.getpid, (), 30) == second.pid
    finally:
        first.close()
        second.close()


def _ended(pid: int) -> bool:
    """Whether the process ended (gone, or a zombie nobody reaped yet); waits up to 15 s."""
    for _ in range(300):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_the_zygote_outlives_the_thread_that_started_it() -> None:
    # review14d: its death signal (PR_SET_PDEATHSIG) fires when the *thread* that started it ends: a pool of a
    # Dask worker's thread started the zygote, that thread ended, and every other thread's worker died mid-file
    import threading

    started: list[Worker] = []
    done = threading.Event()

    def other_thread() -> None:
        w = Worker()
        w.start()
        started.append(w)
        done.wait(60)

    thread = threading.Thread(target=other_thread)
    thread.start()
    try:
        for _ in range(1200):
            if started or not thread.is_alive():
                break
            time.sleep(0.05)
        assert started
        mine = Worker()
        mine.start()
        pid = mine.pid
        assert pid is not None
        assert _parent(pid) == _parent(started[0].pid) != os.getpid()  # type: ignore[arg-type]
    finally:
        done.set()
        thread.join()
    native = thread.native_id
    for _ in range(300):  # the thread's end (the kernel's, after Python's)
        if str(native) not in os.listdir("/proc/self/task"):
            break
        time.sleep(0.05)
    time.sleep(0.2)
    try:
        assert mine.call(os.getpid, (), 30) == pid  # the same worker: it was not killed
    finally:
        mine.close()
        started[0].close()


def test_a_zygote_that_did_not_answer_a_fork_in_time_forks_nothing_for_another_worker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # review14d: its late ("pid", ...) answer was taken as the next worker's, and the late fork served the
    # connection of the worker started on its own instead (two processes on one connection)
    first = Worker()
    first.start()
    zygote = _parent(first.pid)  # type: ignore[arg-type]
    monkeypatch.setattr(isolation, "FORK_SECONDS", 1, raising=False)
    os.kill(zygote, signal.SIGSTOP)
    try:
        second = Worker()
        second.start()  # the zygote is stopped: started on its own
    finally:
        os.kill(zygote, signal.SIGCONT)
    third = Worker()
    third.start()
    pids = [w.pid for w in (first, second, third)]
    try:
        assert _parent(pids[1]) == os.getpid()  # type: ignore[arg-type]
        assert third.call(os.getpid, (), 30) == pids[2]
        assert [second.call(os.getpid, (), 30) for _ in range(4)] == [pids[1]] * 4
        assert first.call(os.getpid, (), 30) == pids[0]  # the zygote's workers go on
    finally:
        for w in (first, second, third):
            w.close()


def test_a_stuck_worker_is_killed_even_when_its_zygote_does_not_answer() -> None:
    # review14d: the kill went only through the zygote: a stopped zygote left a stuck worker running for ever
    worker = Worker()
    worker.start()
    pid = worker.pid
    assert pid is not None
    zygote = _parent(pid)
    os.kill(zygote, signal.SIGSTOP)
    try:
        worker.conn.send((time.sleep, (600,)))
        assert not worker.conn.poll(0.5)
        assert worker.halt() == "SIGKILL"  # not "unkillable": it was killed, though its zygote cannot say so
        assert _ended(pid)
    finally:
        os.kill(zygote, signal.SIGCONT)
        worker.close()


def test_a_forked_worker_runs_its_exit_handlers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # review14d: a forked worker ended by os._exit: the folder of an image read inside a file
    # (inspectors.image._memfd_path, removed at exit) was left in the temporary folder by every such worker
    from scanner.inspectors import image

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    worker = Worker()
    worker.start()
    try:
        fd = worker.call(os.memfd_create, ("image",), 30)
        link = worker.call(image._memfd_path, (fd,), 30)
        assert Path(link).parent.parent == tmp_path
    finally:
        worker.close()
    assert not list(tmp_path.glob("leakscan-images-*"))
