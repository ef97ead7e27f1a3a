"""split12: session 11's small split-series leftovers: ``scan --resume --strict-complete`` on a scan started without
it was accepted and ignored (review11a #14); verify called a hit under a file system whose walk stopped ``missing``;
a case written before session 11 (``.001`` hashed alone) showed the untouched ``.001`` ``changed`` on a rescan."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from test_resume import _stopped_in

from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people


def test_resume_refuses_strict_complete_the_scan_was_not_started_with(tmp_path: Path) -> None:
    start = tmp_path / "start"
    (start / "big").mkdir(parents=True)
    (start / "big" / LEAKED_NAME).write_bytes(client_list_xlsx(make_people(4, seed=5)))
    out = _stopped_in(start, "big", "--name", LEAKED_NAME)
    run = run_cli("scan", "--resume", str(out), "--strict-complete", "--quiet", cwd=start)
    assert run.returncode == 2, (run.returncode, run.stderr)
    assert "--strict-complete" in run.stderr and "Traceback" not in run.stderr, run.stderr
    done = run_cli("scan", "--resume", str(out), "--quiet", cwd=start)  # the state untouched by the refusal
    assert done.returncode == 1, done.stderr


def test_resume_accepts_strict_complete_the_scan_was_started_with(tmp_path: Path) -> None:
    start = tmp_path / "start"
    (start / "big").mkdir(parents=True)
    (start / "big" / LEAKED_NAME).write_bytes(client_list_xlsx(make_people(4, seed=5)))
    out = _stopped_in(start, "big", "--name", LEAKED_NAME, "--strict-complete")
    run = run_cli("scan", "--resume", str(out), "--strict-complete", "--quiet", cwd=start)
    assert run.returncode == 1, run.stderr
