"""Scanning a split image (E01 segments, split raw, flat VMDK extents) leaves the access time of its folder and of every segment where it was (issue #10,
audit10 "pre-existing HIGH"): libewf's / libsmraw's own segment globs (pyewf.glob, pysmraw.glob) list the
folder by path and the libraries open each segment by path, which moves access times. The access times are
set into the past (before the modification time), so a read moves them under relatime too."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import LEAKED, MIB, e01, fat_image, leaked_workbook, split_raw
from tests.test_images10 import _flat_vmdk

pytestmark = pytest.mark.skipif(not (shutil.which("ewfacquire") and shutil.which("mcopy")),
                                reason="ewfacquire (ewf-tools) and mtools are needed")

OLD = 1_000_000_000


@pytest.fixture(scope="module")
def fat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("segatime")
    return fat_image(tmp / "usb.raw", {f"/docs/{LEAKED}": leaked_workbook()}, size_mib=4, bits=12)


def _aged(paths: list[Path]) -> dict[str, int]:
    for p in paths:
        os.utime(p, ns=(OLD, os.stat(p).st_mtime_ns))
    return {p.name: os.stat(p).st_atime_ns for p in paths}


def _scan(source: Path, out: Path) -> dict:
    proc = run_leakscan("scan", str(source), "--name", LEAKED, "--out", str(out), "--quiet")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [f for f in doc["files"] if f["path"].endswith(LEAKED)], doc["skipped"]
    return doc


@pytest.mark.parametrize("kind", ["e01", "raw", "vmdk"])
def test_scanning_a_split_image_leaves_the_access_times_of_its_folder_and_segments(fat: Path, tmp_path: Path,
                                                                                    kind: str) -> None:
    folder = tmp_path / "evidence"
    folder.mkdir()
    if kind == "e01":
        first = e01(fat, folder / "pc", segment="1MiB")
    elif kind == "raw":
        first = split_raw(fat, folder / "usb.raw", pieces=3)[0]
    else:  # a VMDK of three flat extents (twoGbMaxExtentFlat): libvmdk opens the extents
        folder.rmdir()
        first = _flat_vmdk(folder, fat, [MIB, MIB])
    segments = sorted(folder.iterdir())
    assert len(segments) >= 3
    control = tmp_path / "control.raw"  # this file system moves an aged file's access time on a plain read (a
    control.write_bytes(fat.read_bytes()[:4096])  # noatime mount would let the test pass whatever the scan does)
    _aged([control])
    control.read_bytes()
    assert os.stat(control).st_atime_ns != OLD, "the test's file system keeps access times (noatime): nothing to check"
    before = _aged([folder, *segments])
    _scan(first, tmp_path / "out")
    after = {p.name: os.stat(p).st_atime_ns for p in [folder, *segments]}
    assert after == before
