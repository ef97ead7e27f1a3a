"""``scan --resume``: a scan killed with SIGKILL mid-way, resumed, equals an uninterrupted scan.

The scan is slowed with the test hook LEAKSCAN_TEST_HOOK_DELAY_PER_FILE (seconds per recorded file)
so it can be killed part-way. Between the kill and the resume one file already recorded is overwritten:
the resumed findings still show its original SHA-256 (it was replayed from the state, not re-read);
after it is restored, an uninterrupted scan must give the same findings except for times.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, run_cli, run_leakscan
from remediation_data import load, share, strip_times, with_case_key

from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people, simple_xlsx
from scanner.state import STATE_FILE, TEST_HOOK_DELAY_ENV


def _bulk_tree(tmp_path: Path) -> Path:
    """The demo share plus ~200 files the scan must read: name hits, decoys and a few person lists."""
    src = share(tmp_path)
    rnd = random.Random(6)
    for i in range(120):  # copies under variant names whose content is not a workbook: hit, no records
        (src / f"bulk/PC{i % 8:02d}/介護予防_利用者名簿 ({i + 10}).xlsx").parent.mkdir(parents=True, exist_ok=True)
        (src / f"bulk/PC{i % 8:02d}/介護予防_利用者名簿 ({i + 10}).xlsx").write_bytes(rnd.randbytes(3000 + i))
    budget = simple_xlsx([["項目", "金額"], ["消耗品", 1200]])
    for i in range(80):  # spreadsheets inspected and found clean
        (src / f"bulk/memo/予算_{i:03d}.xlsx").parent.mkdir(parents=True, exist_ok=True)
        (src / f"bulk/memo/予算_{i:03d}.xlsx").write_bytes(budget)
    people = make_people(40, seed=77)
    for i in range(4):  # person lists: read again on resume (their records never leave memory)
        (src / f"bulk/lists/名簿_{i}.xlsx").parent.mkdir(parents=True, exist_ok=True)
        (src / f"bulk/lists/名簿_{i}.xlsx").write_bytes(client_list_xlsx(people[i * 5:i * 5 + 30]))
    return src


def _recorded(db: Path) -> list[str]:
    if not db.exists():
        return []
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            # rows are keyed by a salted hash: the paths are those of the hits each row holds
            return [h[0]["path"] for (o,) in con.execute("SELECT outcome FROM done")
                    for h in json.loads(o)["hits"]]
        finally:
            con.close()
    except sqlite3.Error:
        return []


def test_resume_after_sigkill_equals_uninterrupted_scan(tmp_path: Path):
    src = _bulk_tree(tmp_path)
    killed, whole = with_case_key(tmp_path / "killed"), with_case_key(tmp_path / "whole")
    args = [str(src), "--name", LEAKED_NAME, "--quiet", "--case-id", "R-1", "--note", "resume test"]
    proc = subprocess.Popen([sys.executable, str(ROOT / "scan.py"), "scan", *args, "--out", str(killed)],
                            cwd=ROOT, env={**os.environ, TEST_HOOK_DELAY_ENV: "0.02"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    keys: list[str] = []
    while time.monotonic() < deadline and proc.poll() is None:
        keys = _recorded(killed / STATE_FILE)
        if len(keys) >= 30:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the scan ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not (killed / "findings.json").exists()
    assert stat.S_IMODE((killed / STATE_FILE).stat().st_mode) == 0o600
    keys = _recorded(killed / STATE_FILE)
    assert 30 <= len(keys) < 200

    # overwrite one file the killed scan had recorded: a resume that re-read it would see other bytes
    victim = Path(next(k for k in keys if "介護予防_利用者名簿 (" in k))
    original, st = victim.read_bytes(), victim.stat()
    victim.write_bytes(b"x" * len(original))
    resumed = run_leakscan("scan", "--resume", str(killed))
    victim.write_bytes(original)
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert resumed.returncode == 1, resumed.stderr

    full = run_leakscan("scan", *args, "--out", str(whole))
    assert full.returncode == 1, full.stderr
    a, b = load(killed), load(whole)
    assert a["scan"]["resumed"] and "resumed" not in b["scan"]
    assert a["scan"]["command_line"][-1] == str(killed)
    for doc in (a, b):
        doc["scan"].pop("command_line")
    assert strip_times(a) == strip_times(b)
    assert a["persons"]["unique"] > 0  # person lists were counted in both
    # the hit of the overwritten file is the original one: replayed, not re-read
    assert any(f["path"] == str(victim) for f in a["files"])


def test_resume_needs_a_state(tmp_path: Path):
    run = run_leakscan("scan", "--resume", str(tmp_path))
    assert run.returncode == 2 and "nothing to resume" in run.stderr and "Traceback" not in run.stderr
    run = run_leakscan("scan", "--resume", str(tmp_path), str(tmp_path))
    assert run.returncode == 2 and "Traceback" not in run.stderr


def _stopped_in(cwd: Path, *scan: str) -> Path:
    """A scan started in ``cwd`` whose outputs are taken away again (its state is that of a scan stopped just
    before publishing, every file recorded): a resumable output folder, made in a fraction of a second."""
    out = cwd.parent / "out"
    run = run_cli("scan", *scan, "--quiet", "--out", str(out), cwd=cwd)
    assert run.returncode in (0, 1), run.stderr
    for p in out.iterdir():
        if p.name not in (STATE_FILE, "case.key"):
            p.unlink()
    return out


def test_resume_from_another_folder_reads_the_sources_where_the_scan_started(tmp_path: Path):
    """Relative SOURCE, --reference and the like mean "from the folder the scan started in": a resume run from
    elsewhere (another shell, after a reboot) reads them there, never a same-named folder of the folder it is
    run from, and never fails with "no such file"."""
    start, elsewhere = tmp_path / "start", tmp_path / "elsewhere"
    (start / "big").mkdir(parents=True)
    (start / "big" / LEAKED_NAME).write_bytes(client_list_xlsx(make_people(6, seed=3)))
    (elsewhere / "big").mkdir(parents=True)  # a same-named folder where the resume is run: not the evidence
    (elsewhere / "big" / "other.txt").write_text("not the evidence", "utf-8")
    out = _stopped_in(start, "big", "--name", LEAKED_NAME)
    done = run_cli("scan", "--resume", os.path.relpath(out, elsewhere), "--quiet", cwd=elsewhere)
    assert done.returncode == 1, done.stderr  # the copy in start/big, replayed and found
    assert "no such file" not in done.stderr and str(start) in done.stderr  # where the relative paths were read
    doc = load(out)
    assert doc["scan"]["sources"] == ["big"]  # what the examiner typed stays the record
    assert [Path(f["path"]).name for f in doc["files"]] == [LEAKED_NAME]
    assert not (elsewhere / "out").exists() and not list(elsewhere.glob("*.json"))  # nothing written there


def test_resume_says_where_to_run_it_when_the_starting_folder_is_unknown_or_gone(tmp_path: Path):
    """A state written before the starting folder was recorded, or a starting folder since removed: one clear
    line (exit 2) naming the relative paths, not "big: no such file or directory"."""
    start, elsewhere = tmp_path / "start", tmp_path / "elsewhere"
    (start / "big").mkdir(parents=True)
    (start / "big" / LEAKED_NAME).write_bytes(simple_xlsx([["項目"], ["x"]]))
    elsewhere.mkdir()
    out = _stopped_in(start, "big", "--name", LEAKED_NAME)
    start.rename(tmp_path / "moved")
    gone = run_cli("scan", "--resume", str(out), cwd=elsewhere)
    assert gone.returncode == 2 and f"started in {start}, which is gone" in gone.stderr and "(big)" in gone.stderr
    with sqlite3.connect(out / STATE_FILE) as db:  # as a state of an earlier version: no folder recorded
        db.execute("DELETE FROM meta WHERE key = 'cwd'")
    db.close()
    unknown = run_cli("scan", "--resume", str(out), cwd=elsewhere)
    assert unknown.returncode == 2, unknown.stderr
    assert "recorded big relative to the folder it was started in: run --resume from that folder" in unknown.stderr
    assert not (out / "findings.json").exists()


def test_state_keeps_its_journal_between_commits_and_is_one_file_once_closed(tmp_path: Path) -> None:
    """walk22: the rollback journal is kept between the scan's commits (PERSIST: its header zeroed instead of the file
    deleted and made again at each commit, ~20 % of the state's write cost) and deleted when the state closes. A copy
    of the folder taken mid-scan (what a killed scan leaves: the state and its zeroed journal) resumes with what was
    committed."""
    import shutil

    from scanner.config import ScanConfig
    from scanner.output import prepare_out
    from scanner.state import ScanState

    out = prepare_out(tmp_path / "out")
    state = ScanState.create(out, ScanConfig(sources=["x"], out=out, names=["a.xlsx"]), "2026-01-01T00:00:00Z")
    state.in_flight(["one", "two"])
    state.in_flight(["two"])
    journal = out / f"{STATE_FILE}-journal"
    assert journal.is_file() and journal.read_bytes()[:28] == bytes(28)  # kept, and no hot journal
    shutil.copytree(out, tmp_path / "killed")
    state.close()
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(STATE_FILE)) == [STATE_FILE]
    again = ScanState.resume(tmp_path / "killed")
    try:
        assert (again.interrupted("one"), again.interrupted("two"), again.interrupted("three")) == (1, 2, 0)
    finally:
        again.close()
    assert not (tmp_path / "killed" / f"{STATE_FILE}-journal").exists()


def test_a_scan_killed_mid_commit_over_a_kept_journal_resumes_with_its_last_commit(tmp_path: Path) -> None:
    """review22p: the kept journal (PERSIST) still holds the page records of a larger earlier commit past its zeroed
    header; a scan killed inside a later commit (pages already written into the state: a spilled cache) leaves it hot
    over those stale records. Resumed, the state is its last commit exactly (SQLite's per-commit checksums stop the
    rollback at the stale records; none is replayed), it passes quick_check, and closed it is one file again."""
    import random

    from scanner.config import ScanConfig
    from scanner.output import prepare_out
    from scanner.state import ScanState

    out = prepare_out(tmp_path / "out")
    state = ScanState.create(out, ScanConfig(sources=["x"], out=out, names=["a.xlsx"]), "2026-01-01T00:00:00Z")
    rnd = random.Random(22)
    for n in (3000, 40, 5, 700, 12):  # the first commit is the largest: its records stay past later headers
        state.in_flight([f"f{rnd.random()}" for _ in range(n)])
    state.in_flight(["kept"] * 3)
    state.close()
    state = ScanState.resume(out)  # (a resume commits its own meta row: the journal is kept, zeroed, again)
    committed = sorted(state._db.execute("SELECT key, times FROM started"))
    pid = os.fork()
    if pid == 0:  # the scan killed inside a commit: cache spilled into the state, the journal hot, never committed
        try:
            state._db.execute("PRAGMA cache_size=2")
            state._db.executemany("INSERT OR REPLACE INTO started (key, times) VALUES (?, 9)",
                                  [(f"lost{i}",) for i in range(2000)])
            state._db.execute("UPDATE started SET times = 7")
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    journal = out / f"{STATE_FILE}-journal"
    assert journal.read_bytes()[:8] == bytes.fromhex("d9d505f920a163d7")  # hot: the test means something
    again = ScanState.resume(out)
    try:
        assert again._db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert sorted(again._db.execute("SELECT key, times FROM started")) == committed
        assert again.interrupted("kept") == 3
    finally:
        again.close()
    state._db.close()
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(STATE_FILE)) == [STATE_FILE]
