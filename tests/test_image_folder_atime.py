"""Looking beside an image (split-raw gap, EWF gap, the VMDK descriptor naming an extent) lists the image's
folder: the evidence folder's access time must not move (fixvmdk10; audit10 "Open": os.listdir of a path
moves it under relatime when it is older than the modification time, set so here)."""

from __future__ import annotations

import os
from pathlib import Path

from scanner.sources.image_media import ewf_missing_segments
from scanner.sources.image_sniff import split_gap, vmdk_descriptor_of

OLD = 1_000_000_000


def _aged(folder: Path) -> None:
    os.utime(folder, ns=(OLD, os.stat(folder).st_mtime_ns))


def test_split_gap_leaves_the_folder_s_access_time(tmp_path: Path) -> None:
    for name in ("disk.001", "disk.003"):
        (tmp_path / name).write_bytes(b"\0" * 512)
    _aged(tmp_path)
    assert split_gap([str(tmp_path / "disk.001")]) == [str(tmp_path / "disk.002")]
    assert os.stat(tmp_path).st_atime_ns == OLD


def test_vmdk_descriptor_search_leaves_the_folder_s_access_time(tmp_path: Path) -> None:
    (tmp_path / "disk.vmdk").write_text('# Disk DescriptorFile\nRW 8 FLAT "disk-flat.vmdk" 0\n', encoding="utf-8")
    (tmp_path / "disk-flat.vmdk").write_bytes(b"\0" * 4096)
    _aged(tmp_path)
    assert vmdk_descriptor_of(str(tmp_path / "disk-flat.vmdk")) == str(tmp_path / "disk.vmdk")
    assert os.stat(tmp_path).st_atime_ns == OLD


def test_ewf_gap_search_leaves_the_folder_s_access_time(tmp_path: Path) -> None:
    # a first segment whose last section says "next" (no real EWF: the gap search lists the folder)
    (tmp_path / "pc.E01").write_bytes(b"\0" * 100 + b"next" + b"\0" * 72)
    (tmp_path / "pc.E04").write_bytes(b"\0" * 176)
    _aged(tmp_path)
    assert ewf_missing_segments([str(tmp_path / "pc.E01")]) == [str(tmp_path / "pc.E02"), str(tmp_path / "pc.E03")]
    assert os.stat(tmp_path).st_atime_ns == OLD
