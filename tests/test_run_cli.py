"""The in-process runner (conftest.run_cli) gives what a user sees from ``python scan.py``: same exit code,
same stdout, same stderr (log lines included), for help, usage errors, fatal errors and a small scan."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import run_cli, run_leakscan


def _same(*args: str) -> subprocess.CompletedProcess[str]:
    inproc, sub = run_cli(*args), run_leakscan(*args)
    assert (inproc.returncode, inproc.stdout, inproc.stderr) == (sub.returncode, sub.stdout, sub.stderr)
    return inproc


def test_help_usage_errors_and_fatal_errors_are_identical(tmp_path: Path) -> None:
    assert "scan" in _same("--help").stdout
    assert _same("scna").returncode == 2
    assert _same("scan", "--no-such-option").returncode == 2
    missing = _same("scan", str(tmp_path / "missing"), "--out", str(tmp_path / "o"))
    assert missing.returncode == 2 and "leakscan: error:" in missing.stderr


def test_a_scan_logs_to_the_captured_stderr(tmp_path: Path) -> None:
    """leakscan's log (here -v's debug lines) reaches the captured stderr, not pytest's log capture."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.csv").write_text("氏名,住所\n山田太郎,東京都小金井市本町1-2-3\n", encoding="utf-8")
    done = run_cli("-v", "scan", str(share), "--name", "a.csv", "--out", str(tmp_path / "o"), "--quiet")
    sub = run_leakscan("-v", "scan", str(share), "--name", "a.csv", "--out", str(tmp_path / "o2"), "--quiet")

    def logged(stderr: str) -> list[str]:
        return [ln for ln in stderr.splitlines() if ln.startswith("leakscan: DEBUG: persons:")]

    assert done.returncode == sub.returncode == 1, done.stderr
    assert logged(done.stderr) and logged(done.stderr) == logged(sub.stderr), (done.stderr, sub.stderr)


def test_environment_and_folder_are_restored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.delenv("LEAKSCAN_SMB_PASSWORD", raising=False)
    before = os.getcwd()
    run_cli("scan", "smb://u@192.0.2.1/s", "--out", str(tmp_path / "o"), env={"LEAKSCAN_SMB_PASSWORD": ""},
            cwd=tmp_path, timeout=60)
    assert "LEAKSCAN_SMB_PASSWORD" not in os.environ and os.getcwd() == before


def test_a_command_past_its_time_limit_raises_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from scanner import cli

    monkeypatch.setattr(cli, "build_parser", lambda: time.sleep(5))
    with pytest.raises(subprocess.TimeoutExpired):
        run_cli("--help", timeout=0.2)
