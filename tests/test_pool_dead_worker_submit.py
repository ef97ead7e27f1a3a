"""A unit given to a slot whose worker had died, before the pool saw it die (review12f, Session 12).

The damaged demo once ended with a damaged PPMd .7z as nothing (no hit, no skip) under load, with
"worker sent outcomes out of order" in the log. Cause: ``WorkerPool._send`` gives a second unit to a busy slot;
when that slot's worker had just crashed (pyppmd SIGSEGV) and the pool had not polled it yet, ``_send`` saw the
worker not running and started a new one *for the second unit*, leaving the first unit in the slot as if it were
running. The new worker's outcomes were then taken as the first unit's (its files got other files' outcomes),
and the first unit's files ended as nothing. Here the crash is made certain (the worker is killed, and reaped,
just before the second unit is submitted): every file must end as its own hit, once.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from scanner import isolation
from scanner import pool as pool_mod
from scanner.config import ScanConfig
from scanner.pipeline import run_scan
from scanner.registry import inspectors_for
from scanner.sources.local import LocalSource

FILES = 150  # > UNIT_TASKS (64): the walk submits several units to the one worker


def test_a_unit_sent_while_the_slots_worker_lay_dead_costs_no_file(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "share"
    share.mkdir()
    for i in range(FILES):  # name hits: each file's outcome names it (a hit), whatever its content
        (share / f"顧客_{i:03}.txt").write_bytes(b"note %d\n" % i)
    real_submit = pool_mod.WorkerPool.submit
    submitted = {"n": 0}

    def submit(self: pool_mod.WorkerPool, unit: list) -> None:
        submitted["n"] += 1
        s = self._slots[0]
        if submitted["n"] == 2 and s.units and s.worker.running:  # the worker holds the first unit: it dies now
            os.kill(s.worker.pid, signal.SIGKILL)  # type: ignore[arg-type]
            s.worker._proc.wait()  # reaped, as a crash seen by ``running`` is, before the pool polled it
        real_submit(self, unit)

    monkeypatch.setattr(pool_mod.WorkerPool, "submit", submit)
    config = ScanConfig(sources=[str(share)], out=tmp_path / "out", names=["顧客"], quiet=True, parse_timeout=10)
    result = run_scan(config, [LocalSource(str(share))], inspectors=inspectors_for(config), workers=1)
    assert submitted["n"] >= 2
    hits = sorted(h.location.path for h in result.hits)
    expected = sorted(str(p) for p in share.iterdir())
    assert hits == expected, (len(hits), len(set(hits)), sorted(set(expected) - set(hits))[:5])


def test_a_worker_that_dies_between_the_running_check_and_the_send_costs_no_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """review12f #2: the worker dies after the pool saw it running, before the unit reaches it. The send fails;
    that is a lost worker, not damaged files: the unit runs again (an attempt), never listed "unreachable"."""
    share = tmp_path / "share"
    share.mkdir()
    for i in range(FILES):
        (share / f"顧客_{i:03}.txt").write_bytes(b"note %d\n" % i)
    real_submit = pool_mod.WorkerPool.submit
    real_running = isolation.Worker.running.fget  # type: ignore[attr-defined]
    dead: set[int] = set()
    submitted = {"n": 0}

    def running(self: isolation.Worker) -> bool:  # it was running when checked: the death comes just after
        return self.pid in dead or real_running(self)

    def submit(self: pool_mod.WorkerPool, unit: list) -> None:
        submitted["n"] += 1
        s = self._slots[0]
        if submitted["n"] == 2 and s.units and s.worker.running:  # the worker holds the first unit: it dies now
            os.kill(s.worker.pid, signal.SIGKILL)  # type: ignore[arg-type]
            s.worker._proc.wait()
            dead.add(s.worker.pid)  # type: ignore[arg-type]
        real_submit(self, unit)

    monkeypatch.setattr(isolation.Worker, "running", property(running))
    monkeypatch.setattr(pool_mod.WorkerPool, "submit", submit)
    config = ScanConfig(sources=[str(share)], out=tmp_path / "out", names=["顧客"], quiet=True, parse_timeout=10)
    result = run_scan(config, [LocalSource(str(share))], inspectors=inspectors_for(config), workers=1)
    assert dead, "the worker was never killed"
    assert not result.skipped, [(s.location.path, s.detail) for s in result.skipped][:3]
    hits = sorted(h.location.path for h in result.hits)
    assert hits == sorted(str(p) for p in share.iterdir()), (len(hits), len(set(hits)))


def test_workers_that_always_die_before_the_send_list_the_files_never_loop(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same loss every time (each worker dies after it started, before its unit reaches it): each loss
    costs the files an attempt, so they end listed with the times they were tried, neither dropped nor run for ever."""
    share = tmp_path / "share"
    share.mkdir()
    for i in range(3):
        (share / f"顧客_{i}.txt").write_bytes(b"note\n")
    real_running = isolation.Worker.running.fget  # type: ignore[attr-defined]
    real_start = isolation.Worker.start
    dead: set[int] = set()

    def running(self: isolation.Worker) -> bool:
        return self.pid in dead or real_running(self)

    def start(self: isolation.Worker) -> None:
        real_start(self)
        os.kill(self.pid, signal.SIGKILL)  # type: ignore[arg-type]
        self._proc.wait()
        dead.add(self.pid)  # type: ignore[arg-type]

    monkeypatch.setattr(isolation.Worker, "running", property(running))
    monkeypatch.setattr(isolation.Worker, "start", start)
    config = ScanConfig(sources=[str(share)], out=tmp_path / "out", names=["顧客"], quiet=True, parse_timeout=10)
    result = run_scan(config, [LocalSource(str(share))], inspectors=inspectors_for(config), workers=1)
    assert sorted(s.location.path for s in result.skipped) == sorted(str(p) for p in share.iterdir())
    assert {s.detail for s in result.skipped} == {f"worker process lost before examining it, {pool_mod.MAX_ATTEMPTS} times"}
    assert len(dead) == pool_mod.MAX_ATTEMPTS
