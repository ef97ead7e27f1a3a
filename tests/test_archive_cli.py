"""Archives through the command line, as an investigator runs it: cp932 names, and a real zip bomb."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.archive_data import LEAK_NAME, roster_xlsx, zero_bomb_zip, zip_raw_names
from tests.conftest import ROOT, report_text, run_leakscan


def test_cp932_zip_found_by_name_with_decoded_path_and_hash(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    roster = roster_xlsx()
    (share / "backup_2017.zip").write_bytes(zip_raw_names([(LEAK_NAME.encode("cp932"), roster)]))
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), "--name", LEAK_NAME, "--out", str(out), "--quiet")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    arc = str(share / "backup_2017.zip")
    (hit,) = [f for f in doc["files"] if "name" in f["reasons"]]
    assert hit["path"] == f"{arc} » {LEAK_NAME}"
    assert hit["sha256"] == hashlib.sha256(roster).hexdigest()
    assert hit["md5"] == hashlib.md5(roster).hexdigest()
    assert hit["raw_path_hex"] == LEAK_NAME.encode("cp932").hex()
    assert hit["container"][0]["kind"] == "archive" and hit["container"][0]["name"] == arc
    assert f"backup_2017.zip » {LEAK_NAME}" in report_text(out / "report.html")


@pytest.fixture(scope="module")
def bomb_share(tmp_path_factory: pytest.TempPathFactory) -> Path:
    share = tmp_path_factory.mktemp("bomb") / "share"
    share.mkdir()
    zero_bomb_zip(share / "backup.zip", 1024, name="zeros.csv")  # about 1 MiB inflating to 1 GiB
    assert (share / "backup.zip").stat().st_size < 2 << 20
    return share


# Started from a small launcher process: Linux carries a process's resident high-water mark over fork and exec,
# so a scan forked straight from pytest (hundreds of MiB after a long run) would report pytest's own peak
# (CI: "515 MiB" for a scan of ~60 MiB). The launcher is a fresh interpreter; what it forks starts small.
_LAUNCH = ("import os, subprocess, sys\n"
           "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
           "_, status, usage = os.wait4(p.pid, 0)\n"
           "print(usage.ru_maxrss)\n"
           "sys.exit(os.waitstatus_to_exitcode(status))\n")


def _scan_measured(share: Path, out: Path, *extra: str) -> tuple[int, dict, int]:
    """Run the CLI; return (exit code, findings, peak resident memory of that process and its workers in MiB)."""
    proc = subprocess.run([sys.executable, "-c", _LAUNCH, sys.executable, str(ROOT / "scan.py"), "scan", str(share),
                           "--name", "zeros.csv", "--out", str(out), "--quiet", *extra], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert (out / "findings.json").exists(), proc.stderr
    return proc.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8")), \
        int(proc.stdout.split()[-1]) // 1024


def test_zip_bomb_refused_by_ratio_without_inflating(bomb_share: Path, tmp_path: Path) -> None:
    code, doc, peak_mib = _scan_measured(bomb_share, tmp_path / "out")
    path = f"{bomb_share}/backup.zip » zeros.csv"
    (hit,) = [f for f in doc["files"] if f["path"] == path]
    assert hit["status"] == "bomb" and hit["sha256"] is None and hit["size"] == 1 << 30
    assert [s["reason"] for s in doc["skipped"] if s["path"] == path] == ["bomb"]
    assert peak_mib < 512, f"{peak_mib} MiB resident while refusing a 1 GiB bomb"
    assert code == 1  # the named file was found (inside the bomb), even though it was not read


def test_zip_bomb_refused_by_total_cap_when_ratio_allows_it(bomb_share: Path, tmp_path: Path) -> None:
    code, doc, peak_mib = _scan_measured(bomb_share, tmp_path / "out", "--max-archive-ratio", "1000000",
                                         "--max-archive-mb", "16")
    path = f"{bomb_share}/backup.zip » zeros.csv"
    assert [s["reason"] for s in doc["skipped"] if s["path"] == path] == ["too-large"]
    assert peak_mib < 512
    assert doc["scan"]["settings"]["max_archive_total"] == 16 << 20
    assert doc["scan"]["settings"]["max_archive_ratio"] == 1000000
