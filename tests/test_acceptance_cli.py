"""Acceptance: command-line behaviour a first-time examiner ran into (exit codes, one-line errors).

- ``scan --resume`` on a scan that had finished silently walked the share again and rewrote the
  finished findings.json, report and manifest with today's state (the baseline evidence was gone);
- ``persons --export`` printed the counts before refusing a wrong suffix (not one line), and wrote the
  clear notification list into the output folder, where a later manifest picked it up.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_leakscan

from scanner.demo import client_list_xlsx, make_people

LEAKED = "見守り対象者名簿.xlsx"


def _scanned(tmp_path: Path) -> tuple[Path, Path]:
    share = tmp_path / "share"
    (share / "PC01").mkdir(parents=True)
    (share / "PC01" / LEAKED).write_bytes(client_list_xlsx(make_people(12, seed=3)))
    (share / "PC02").mkdir()
    (share / "PC02" / LEAKED).write_bytes((share / "PC01" / LEAKED).read_bytes())
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet")
    assert done.returncode == 1, done.stderr
    return share, out


def _one_line_error(done) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_resume_of_a_finished_scan_is_refused_and_leaves_its_evidence(tmp_path: Path) -> None:
    share, out = _scanned(tmp_path)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name != "scan-state.sqlite"}
    (share / "PC02" / LEAKED).unlink()  # the share changed since: a replay would rewrite the findings
    line = _one_line_error(run_leakscan("scan", "--resume", str(out)))
    assert "finished" in line
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.name != "scan-state.sqlite"}
    assert after == before
    assert len(json.loads(before["findings.json"])["files"]) == 2
    assert run_leakscan("verify", str(out)).returncode == 0


def test_export_errors_are_one_line_and_never_inside_the_output_folder(tmp_path: Path) -> None:
    _share, out = _scanned(tmp_path)
    line = _one_line_error(run_leakscan("persons", str(out), "--export", str(tmp_path / "p.csv")))
    assert ".xlsx" in line
    line = _one_line_error(run_leakscan("persons", str(out), "--export", str(out / "p.xlsx")))
    assert "outside the output folder" in line
    assert not (out / "p.xlsx").exists()
    done = run_leakscan("persons", str(out), "--export", str(tmp_path / "p.xlsx"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "p.xlsx").is_file()
