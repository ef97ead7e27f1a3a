"""The no-CPU watch (isolation.Stall) restarts when the pool sends a unit (review16d #8, Session 17).

The watch measured how long a worker had used no CPU, marked and sent nothing since its last message; a unit sent to
a worker that had sat idle (no CPU, rightly) did not restart it, so a worker not yet scheduled to read the new
unit (a loaded machine; here: stopped with SIGSTOP) could be judged on the idle time before it ever had the unit.
Real processes: a scan of a share with one worker, the no-CPU limit shortened, the worker idle past the limit and
looked at, then stopped while its next unit is sent, and let go within the limit.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from scanner import isolation
from scanner import pool as pool_mod
from scanner.config import ScanConfig
from scanner.pipeline import run_scan
from scanner.registry import inspectors_for
from scanner.sources.local import LocalSource

FILES = 150  # > UNIT_TASKS (64): the walk submits several units to the one worker
LIMIT = 1.5  # the no-CPU limit here; the stopped worker is let go after CONT seconds, well within it
CONT = 0.2


def test_a_worker_sent_a_unit_after_idling_is_not_judged_on_its_idle_time(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolation, "STALL_SECONDS", LIMIT)
    share = tmp_path / "share"
    share.mkdir()
    for i in range(FILES):
        (share / f"顧客_{i:03}.txt").write_bytes(b"note %d\n" % i)
    real_submit, real_lost = pool_mod.WorkerPool.submit, pool_mod.WorkerPool._lost
    seen = {"n": 0, "stale": False}
    stalled: list[bool] = []

    def lost(self: pool_mod.WorkerPool, s: object, timed_out: bool, **how: bool) -> None:
        stalled.append(how.get("stalled", False))
        real_lost(self, s, timed_out, **how)

    def submit(self: pool_mod.WorkerPool, unit: list) -> None:
        seen["n"] += 1
        s = self._slots[0]
        if seen["n"] == 2 and s.worker.running:
            while s.units:  # the first unit ends (its outcomes stay in the pool for the scan to collect)
                self._poll(0.1)
            end = time.monotonic() + 2 * LIMIT
            while time.monotonic() < end:  # idle past the limit, and looked at meanwhile
                seen["stale"] |= s.worker.stuck()
                time.sleep(0.1)
            pid = s.worker.pid
            os.kill(pid, signal.SIGSTOP)  # not scheduled yet when its unit arrives: it cannot mark or answer
            threading.Timer(CONT, os.kill, (pid, signal.SIGCONT)).start()
            try:
                real_submit(self, unit)
                self._poll(0.0)  # the pool looks at once
            finally:
                time.sleep(CONT)
        else:
            real_submit(self, unit)

    monkeypatch.setattr(pool_mod.WorkerPool, "submit", submit)
    monkeypatch.setattr(pool_mod.WorkerPool, "_lost", lost)
    config = ScanConfig(sources=[str(share)], out=tmp_path / "out", names=["顧客"], quiet=True, parse_timeout=10)
    result = run_scan(config, [LocalSource(str(share))], inspectors=inspectors_for(config), workers=1)
    assert seen["n"] >= 2 and seen["stale"]  # the idle worker counted as stalled while it had nothing to do
    assert stalled == [], stalled  # but not once it was given a unit
    assert sorted(h.location.path for h in result.hits) == sorted(str(p) for p in share.iterdir())


def test_a_wedged_worker_sent_unit_after_unit_is_still_stopped_as_stalled(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The restart above must not let a worker that is truly stuck escape: one stopped for good (SIGSTOP, never let
    go) while units keep coming every few tenths of a second is still stopped as stalled (a unit restarts the watch
    only when it becomes the worker's first; the units queued behind a stuck one do not), and every file is still
    examined by the worker that replaces it (review17f)."""
    monkeypatch.setattr(isolation, "STALL_SECONDS", LIMIT)
    share = tmp_path / "share"
    share.mkdir()
    for i in range(8 * 64):  # 8 units of UNIT_TASKS
        (share / f"顧客_{i:03}.txt").write_bytes(b"note %d\n" % i)
    real_submit, real_lost = pool_mod.WorkerPool.submit, pool_mod.WorkerPool._lost
    seen = {"n": 0, "pid": 0}
    stalled: list[bool] = []

    def lost(self: pool_mod.WorkerPool, s: object, timed_out: bool, **how: bool) -> None:
        stalled.append(how.get("stalled", False))
        real_lost(self, s, timed_out, **how)

    def submit(self: pool_mod.WorkerPool, unit: list) -> None:
        seen["n"] += 1
        real_submit(self, unit)
        s = self._slots[0]
        if seen["n"] == 1 and s.worker.running:
            seen["pid"] = s.worker.pid
            os.kill(s.worker.pid, signal.SIGSTOP)  # wedged for good: never let go (the pool kills it)
        elif seen["n"] > 1:
            time.sleep(0.4)  # a unit every 0.4 s, each polled at once
            self._poll(0.0)

    monkeypatch.setattr(pool_mod.WorkerPool, "submit", submit)
    monkeypatch.setattr(pool_mod.WorkerPool, "_lost", lost)
    config = ScanConfig(sources=[str(share)], out=tmp_path / "out", names=["顧客"], quiet=True, parse_timeout=60)
    try:
        result = run_scan(config, [LocalSource(str(share))], inspectors=inspectors_for(config), workers=1)
    finally:
        if seen["pid"]:
            try:
                os.kill(seen["pid"], signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert seen["n"] >= 4 and True in stalled, (seen, stalled)
    assert len(result.hits) == 8 * 64
