"""A scan that could not list a folder is not complete (Session 10).

A folder without permission, gone during the scan or refused by an SMB server was named on the terminal,
but findings.json said ``scan.complete`` true and the exit code said what was found, as for a whole scan. What
such a folder held was never examined, so the scan is incomplete: ``scan.complete`` false with the folders in
``scan.incomplete.unlisted``, the report's banner in both languages, exit 3, and a rescan that could not list a
folder is never ``clean``. Asserted through the CLI, in a process that mode-000 folders really refuse.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from remediation_data import run_without_dac

from scanner.demo import LEAKED_NAME


def _tree(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "others" / "staff01").mkdir(parents=True)
    (src / "others" / "staff01" / "memo.txt").write_text("memo\n", encoding="utf-8")
    (src / "open.txt").write_text("memo\n", encoding="utf-8")
    return src


def _scan_locked(src: Path, *args: str) -> object:
    os.chmod(src / "others" / "staff01", 0)
    try:
        return run_without_dac("scan", str(src), "--name", LEAKED_NAME, *args)
    finally:
        os.chmod(src / "others" / "staff01", 0o700)


def test_a_folder_not_listed_makes_the_scan_incomplete(tmp_path: Path) -> None:
    src, out = _tree(tmp_path), tmp_path / "out"
    run = _scan_locked(src, "--out", str(out), "--quiet")
    assert run.returncode == 3, run.stderr
    assert "INCOMPLETE" in run.stderr and "others/staff01" in run.stderr, run.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert doc["scan"]["complete"] is False
    unlisted = doc["scan"]["incomplete"]["unlisted"]
    assert [u["path"] for u in unlisted] == [str(src / "others" / "staff01")], unlisted
    assert unlisted[0]["reason"] == "unreadable"
    ja = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="unlisted"' in ja and "一覧を読めなかった" in ja and "staff01" in ja
    en = run_without_dac("report", str(out), "--lang", "en", "--quiet")
    assert en.returncode == 0, en.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="unlisted"' in html and "could not be listed" in html


def test_the_same_tree_all_readable_stays_complete(tmp_path: Path) -> None:
    src, out = _tree(tmp_path), tmp_path / "out"
    run = run_without_dac("scan", str(src), "--name", LEAKED_NAME, "--out", str(out), "--quiet")
    assert run.returncode == 0, run.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert doc["scan"]["complete"] is True and "incomplete" not in doc["scan"]
    assert 'id="unlisted"' not in (out / "report.html").read_text(encoding="utf-8")


def test_a_rescan_that_could_not_list_a_folder_proves_nothing_there(tmp_path: Path) -> None:
    """The baseline found a copy in the folder; the rescan could not list it: never clean, reason incomplete,
    the copy unverified (not removed), exit 3."""
    src = _tree(tmp_path)
    (src / "others" / "staff01" / LEAKED_NAME).write_bytes(b"PK\x03\x04 not a real workbook")
    base = run_without_dac("scan", str(src), "--name", LEAKED_NAME, "--out", str(tmp_path / "base"), "--quiet")
    assert base.returncode == 1, base.stderr
    run = _scan_locked(src, "--baseline", str(tmp_path / "base"), "--out", str(tmp_path / "re"), "--quiet")
    assert run.returncode == 3, run.stderr
    diff = json.loads((tmp_path / "re" / "diff.json").read_text(encoding="utf-8"))
    assert diff["verdict"] == "not-verified" and "incomplete" in diff["verdict_reasons"], diff["verdict_reasons"]
    assert diff["rescan"]["complete"] is False
    assert not any(e["class"] == "removed" for e in diff["entries"] if e["leak"]), diff["entries"]
