"""A file-system image without a partition table (a USB stick or a partition dumped alone) cut short.

Found in session 7 QA (bit-flipped and truncated copies of go-fat's FAT12 and other images): The Sleuth
Kit walks what is left and says nothing about the rest, so a FAT image cut to a quarter of its size read
as a whole, clean file system: deleted files and unallocated clusters in the part cut off were never
mentioned. Partitioned disks were already checked against their table (test_image_cut); a bare file system
is checked against the size its own boot sector or superblock gives.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import LEAKED, MIB, fat_image, leaked_workbook, sha256

pytestmark = pytest.mark.skipif(not shutil.which("mcopy"), reason="mtools is needed")


@pytest.fixture(scope="module")
def fat(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    tmp = tmp_path_factory.mktemp("fscut")
    leaked = leaked_workbook()
    image = fat_image(tmp / "usb.raw", {f"/c/{LEAKED}": leaked, "/b/big.bin": os.urandom(MIB)}, size_mib=16, bits=16)
    return image, leaked


def test_bare_file_system_cut_short_is_listed_as_truncated(fat: tuple[Path, bytes], tmp_path: Path) -> None:
    image, leaked = fat
    cut = tmp_path / "usb-cut.raw"
    cut.write_bytes(image.read_bytes()[: 4 * MIB])
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(cut), "--name", LEAKED, "--out", str(out), "--quiet")
    assert proc.returncode == 3 and "Traceback" not in proc.stderr, proc.stderr  # Session 10: incomplete
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    (hit,) = doc["files"]
    assert hit["sha256"] == sha256(leaked)  # what is there is still walked
    (whole,) = [s for s in doc["skipped"] if s["container"][-1]["kind"] == "image"]
    assert whole["reason"] == "corrupt" and "truncated image" in whole["detail"]
    assert str(16 * MIB) in whole["detail"] and str(4 * MIB) in whole["detail"]
    (row,) = doc["scan"]["source_details"][0]["volumes"]
    assert row["status"] == "ok" and "note" in row and "past the end" in row["note"]


def test_whole_bare_file_system_has_no_truncation_entry(fat: tuple[Path, bytes], tmp_path: Path) -> None:
    image, _ = fat
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert doc["skipped"] == []
    (row,) = doc["scan"]["source_details"][0]["volumes"]
    assert "note" not in row
