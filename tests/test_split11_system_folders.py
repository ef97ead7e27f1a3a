"""Session 11: ``System Volume Information`` at the root of a Windows volume (a ``D$`` share, a mounted volume) is
refused to everyone but SYSTEM: every scan of such a root exited 3 (incomplete) for it (review10g #10). A
documented list of Windows system folders whose refusal is expected (signatures/system_folders.toml) is listed
as ``system-folder`` (not examined, named, its own section) without making the scan incomplete; ``--strict-complete``
keeps the old rule. ``$RECYCLE.BIN`` is not in the list (it may hold the deleted file): still incomplete."""

from __future__ import annotations

import json
import os
from pathlib import Path

from remediation_data import run_without_dac

from scanner.demo import LEAKED_NAME


def _root(tmp_path: Path, *locked: str) -> Path:
    src = tmp_path / "D"
    for name in locked:
        (src / name).mkdir(parents=True)
        (src / name / "x.dat").write_bytes(b"x")
    (src / "共有").mkdir(parents=True, exist_ok=True)
    (src / "共有" / "memo.txt").write_text("memo\n", encoding="utf-8")
    return src


def _scan(src: Path, out: Path, locked: tuple[str, ...], *args: str) -> tuple[object, dict]:
    for name in locked:
        os.chmod(src / name, 0)
    try:
        run = run_without_dac("scan", str(src), "--name", LEAKED_NAME, "--out", str(out), "--quiet", *args)
    finally:
        for name in locked:
            os.chmod(src / name, 0o700)
    return run, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_system_volume_information_denied_is_expected_not_incomplete(tmp_path: Path) -> None:
    locked = ("System Volume Information",)
    src = _root(tmp_path, *locked)
    run, doc = _scan(src, tmp_path / "out", locked)
    assert run.returncode == 0, run.stderr  # nothing found, and complete
    assert doc["scan"]["complete"] is True
    [row] = [s for s in doc["skipped"] if s["path"].endswith("System Volume Information")]
    assert row["reason"] == "system-folder" and "system folder not readable (expected)" in row["detail"], row
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    section = report[report.index('id="system-folders"'):]  # its own part of the report, in Japanese
    assert "読めないのが通常のシステムフォルダー" in section and "System Volume Information" in section
    assert 'id="unlisted"' not in report
    # strict: the old rule (incomplete, exit 3)
    run, doc = _scan(src, tmp_path / "strict", locked, "--strict-complete")
    assert run.returncode == 3 and doc["scan"]["complete"] is False
    [row] = [s for s in doc["skipped"] if s["path"].endswith("System Volume Information")]
    assert row["reason"] == "unreadable"


def test_recycle_bin_or_a_deeper_folder_denied_stays_incomplete(tmp_path: Path) -> None:
    locked = ("$RECYCLE.BIN", "共有/System Volume Information")
    src = _root(tmp_path, *locked)
    run, doc = _scan(src, tmp_path / "out", locked)
    assert run.returncode == 3 and doc["scan"]["complete"] is False
    unlisted = {Path(u["path"]).name for u in doc["scan"]["incomplete"]["unlisted"]}
    assert unlisted == {"$RECYCLE.BIN", "System Volume Information"}
