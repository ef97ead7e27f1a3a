"""Pins for the pool's per-file replies (review8e): a worker stopped in the middle of a large unit, by its
time limit or by the scan's SIGTERM, leaves every file of the unit accounted for exactly once in
findings.json (finished files not examined again, none lost, none listed twice), resume included.
They pin behaviour, not the reply transport: they hold for any batching that keeps the guarantee."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, run_leakscan
from pool_data import HANG, MEM, decoded, install_faults, with_marker
from remediation_data import load, strip_times, with_case_key

from scanner.demo import simple_xlsx
from scanner.state import STATE_FILE


def _books(root: Path, count: int, marked: dict[int, bytes]) -> list[str]:
    """``count`` small workbooks (no person table), ``marked``: index -> FAULTS marker; their SHA-256."""
    root.mkdir(parents=True)
    digests = []
    for i in range(count):
        data = simple_xlsx([["項目", "金額"], [f"紙 {i}", i * 100]])
        if i in marked:
            data = with_marker(data, marked[i])
        (root / f"予算_{i:02d}.xlsx").write_bytes(data)
        digests.append(hashlib.sha256(data).hexdigest())
    return digests


def _accounted(doc: dict, root: Path, count: int) -> dict[str, int]:
    """Each workbook's number of entries in findings.json (hits + skips)."""
    seen = {f"予算_{i:02d}.xlsx": 0 for i in range(count)}
    for item in doc["files"] + doc["skipped"]:
        name = Path(item["path"]).name
        if Path(item["path"]).parent == root and name in seen:
            seen[name] += 1
    return seen


def test_a_file_stopped_at_its_time_limit_mid_unit_costs_only_that_file(tmp_path: Path) -> None:
    """The 5th of 12 tiny workbooks (one unit) hangs: the worker is stopped at the time limit; the four
    finished before it are not examined again, the seven after it are examined once, the hung one is listed
    once as a timeout, nothing else is listed."""
    root = tmp_path / "share"
    digests = _books(root, 12, {4: HANG})
    log = tmp_path / "decoded.log"
    env = {**install_faults(tmp_path / "site"), "LEAKSCAN_TEST_DECODE_LOG": str(log)}
    out = with_case_key(tmp_path / "out")
    done = run_leakscan("scan", str(root), "--out", str(out), "--quiet", "--workers", "1", "--parse-timeout", "2",
                        env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    counts = {d: sum(1 for _pid, x in decoded(log) if x == d) for d in digests}
    assert all(n == 1 for d, n in counts.items() if d != digests[4]), counts  # none examined twice
    pids = [pid for pid, d in decoded(log) if d in digests[:5]]
    assert len(set(pids)) == 1  # the scenario happened: the stopped worker had finished files of its unit
    doc = load(out)
    (skip,) = doc["skipped"]
    assert Path(skip["path"]).name == "予算_04.xlsx" and skip["reason"] == "timeout"
    assert doc["scan"]["files_seen"] == 12
    assert set(_accounted(doc, root, 12).values()) <= {0, 1}


def test_a_memory_blowup_mid_unit_costs_only_that_file(tmp_path: Path) -> None:
    """The 5th of 12 tiny workbooks (one unit) makes its decoder ask for more memory than the worker's cap allows
    (a real allocation, refused by RLIMIT_AS): that workbook alone is listed, as too large for the cap; the
    others of its unit are each examined once, none listed, none lost (batch24: the memory case of the unit's
    guarantees, beside the crash and the hang)."""
    root = tmp_path / "share"
    digests = _books(root, 12, {4: MEM})
    log = tmp_path / "decoded.log"
    env = {**install_faults(tmp_path / "site"), "LEAKSCAN_TEST_DECODE_LOG": str(log)}
    out = with_case_key(tmp_path / "out")
    done = run_leakscan("scan", str(root), "--out", str(out), "--quiet", "--workers", "1", env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    counts = {d: sum(1 for _pid, x in decoded(log) if x == d) for d in digests}
    assert all(n == 1 for d, n in counts.items() if d != digests[4]), counts  # none examined twice, none lost
    assert len({pid for pid, d in decoded(log) if d in digests[:5]}) == 1  # one unit, one worker
    doc = load(out)
    (skip,) = doc["skipped"]
    assert Path(skip["path"]).name == "予算_04.xlsx" and skip["reason"] == "too-large", skip
    assert doc["scan"]["files_seen"] == 12
    assert set(_accounted(doc, root, 12).values()) <= {0, 1}


def _done_rows(db: Path) -> int:
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            return con.execute("SELECT count(*) FROM done").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_a_scan_stopped_by_sigterm_mid_unit_resumes_with_every_file_once(tmp_path: Path) -> None:
    """SIGTERM (a service manager, ``timeout``) while the workers are half-way through their units: the scan
    stops, the resume examines only what the state had not recorded, and findings.json lists every person
    table once, as an uninterrupted scan does (none lost, none twice)."""
    from scanner.demo import client_list_xlsx, make_people

    root = tmp_path / "share"
    count = 32
    _books(root, count, {})
    for i in range(0, count, 4):  # every 4th a small client list (a hit in findings.json)
        (root / f"予算_{i:02d}.xlsx").write_bytes(client_list_xlsx(make_people(3, seed=100 + i)))
    log = tmp_path / "decoded.log"
    env = {**install_faults(tmp_path / "site"), "LEAKSCAN_TEST_DECODE_LOG": str(log)}
    stopped, whole = with_case_key(tmp_path / "stopped"), with_case_key(tmp_path / "whole")
    args = [str(root), "--quiet", "--workers", "2"]
    proc = subprocess.Popen([sys.executable, str(ROOT / "scan.py"), "scan", *args, "--out", str(stopped)], cwd=ROOT,
                            env={**os.environ, **env, "LEAKSCAN_TEST_HOOK_DELAY_PER_FILE": "0.1"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None and _done_rows(stopped / STATE_FILE) < 5:
        time.sleep(0.05)
    assert proc.poll() is None, "the scan ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and b"Traceback" not in err, err[-2000:]
    recorded = _done_rows(stopped / STATE_FILE)
    assert 5 <= recorded < count
    before = len(decoded(log))
    resumed = run_leakscan("scan", "--resume", str(stopped), env=env)
    assert resumed.returncode in (0, 1), resumed.stderr
    assert len(decoded(log)) - before == count - recorded  # the recorded files never examined again
    full = run_leakscan("scan", *args, "--out", str(whole), env=env)
    assert full.returncode in (0, 1), full.stderr
    a, b = load(stopped), load(whole)
    assert a["scan"]["files_seen"] == b["scan"]["files_seen"] == count
    names = sorted(Path(f["path"]).name for f in a["files"])
    assert names == sorted(Path(f["path"]).name for f in b["files"]) == [f"予算_{i:02d}.xlsx" for i in range(0, count, 4)]
    assert not a["skipped"] and not b["skipped"]
    assert a["scan"]["resumed"]
    for doc in (a, b):
        doc["scan"].pop("command_line")
        doc["scan"].pop("resumed", None)
    assert strip_times(a) == strip_times(b)
