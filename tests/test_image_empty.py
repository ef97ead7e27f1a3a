"""A file system that lists no file at all is reported, never taken as a clean disk.

TSK lists nothing, without an error, when a damaged chunk of an E01 holds the root directory; the
scan cannot tell that from a really empty volume, so it says so in `skipped`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_leakscan


@pytest.mark.skipif(shutil.which("mkfs.vfat") is None, reason="dosfstools missing (.ci/run installs it)")
def test_an_empty_file_system_is_listed_as_not_examined(tmp_path: Path) -> None:
    image = tmp_path / "usb.img"
    subprocess.run(["mkfs.vfat", "-C", str(image), "4096"], check=True, capture_output=True)
    done = run_leakscan("scan", str(image), "--name", "介護予防_利用者名簿.xlsx", "--out", str(tmp_path / "out"),
                        "--quiet")
    assert done.returncode == 0, done.stderr  # nothing found is still "completed"
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert doc["files"] == []
    [empty] = [s for s in doc["skipped"] if s["reason"] == "empty-volume"]
    assert empty["path"].startswith(f"{image} » ") and "--verify-images" in empty["detail"]


@pytest.mark.skipif(shutil.which("mkfs.vfat") is None, reason="dosfstools missing (.ci/run installs it)")
def test_a_volume_with_files_has_no_such_note(tmp_path: Path) -> None:
    image = tmp_path / "usb.img"
    subprocess.run(["mkfs.vfat", "-C", str(image), "4096"], check=True, capture_output=True)
    note = tmp_path / "memo.txt"
    note.write_text("x")
    subprocess.run(["mcopy", "-i", str(image), str(note), "::memo.txt"], check=True, capture_output=True)
    done = run_leakscan("scan", str(image), "--name", "memo.txt", "--out", str(tmp_path / "out"), "--quiet")
    assert done.returncode == 1, done.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert not [s for s in doc["skipped"] if s["reason"] == "empty-volume"]
