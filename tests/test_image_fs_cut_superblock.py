"""Bare file systems cut short that The Sleuth Kit does not walk (APFS, XFS): listed as truncated.

Session 7 compared the size a TSK-walked file system gives (FAT, NTFS, ext) with the image; APFS and XFS go
through dfvfs (libfsapfs, libfsxfs) and were not checked. Seen in session 8: dfvfs' APFS container cut to
half its size read as a whole, clean volume (exit 0, nothing skipped); XFS cut short was "no file system
recognised", as if the bytes were anything. The size each file system gives in its own superblock (APFS
container superblock: block size and count; XFS: sb_blocksize and sb_dblocks; NTFS: sectors in its boot
sector) is compared with the image.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

from scanner.sources.image_sniff import described_size
from tests.conftest import run_leakscan
from tests.image_data import MIB, xfs_image


def _scan(image: Path, out: Path) -> tuple[int, dict]:
    proc = run_leakscan("scan", str(image), "--name", "passwords.txt", "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _truncated(doc: dict) -> list[dict]:
    return [s for s in doc["skipped"]
            if s["container"] and s["container"][-1]["kind"] == "image" and "truncated image" in s["detail"]]


def test_apfs_container_cut_to_half_is_listed_truncated_and_still_walked(corpus: Path, tmp_path: Path) -> None:
    whole = gzip.decompress((corpus / "images" / "dfvfs__apfs.raw.gz").read_bytes())
    cut = tmp_path / "macbook"  # no extension: recognised by content
    cut.write_bytes(whole[: len(whole) // 2])
    rc, doc = _scan(cut, tmp_path / "out")
    assert rc == 3  # found in the half that is left; the cut half makes the scan incomplete (Session 10)
    assert [f["path"] for f in doc["files"]] == [f"{cut} » apfs1 (APFS) » /passwords.txt"]
    (entry,) = _truncated(doc)
    assert entry["reason"] == "corrupt"
    assert f"APFS container describes {len(whole)} bytes" in entry["detail"]
    assert f"holds {len(whole) // 2}" in entry["detail"]
    (row,) = doc["scan"]["source_details"][0]["volumes"]
    assert "past the end" in row.get("note", "")


def test_whole_apfs_container_is_not_called_truncated(corpus: Path, tmp_path: Path) -> None:
    raw = tmp_path / "container.raw"
    raw.write_bytes(gzip.decompress((corpus / "images" / "dfvfs__apfs.raw.gz").read_bytes()))
    rc, doc = _scan(raw, tmp_path / "out")
    assert rc == 1 and doc["skipped"] == []


@pytest.mark.skipif(not shutil.which("mkfs.xfs"), reason="xfsprogs is needed")
def test_xfs_cut_short_says_truncated_not_just_unrecognised(tmp_path: Path) -> None:
    image = xfs_image(tmp_path / "usb.img", {"/docs/passwords.txt": b"secret\n"})
    os.truncate(image, 64 * MIB)  # sparse: cheap
    rc, doc = _scan(image, tmp_path / "out")
    assert rc == 2  # libfsxfs refuses it: nothing walked, which is said
    (entry,) = _truncated(doc)
    assert f"XFS file system describes {300 * MIB} bytes" in entry["detail"] and str(64 * MIB) in entry["detail"]
    (row,) = [s for s in doc["skipped"] if s["container"] and s["container"][-1]["kind"] == "volume"]
    assert "XFS file system at its start" in row["detail"]  # not "no file system recognised"


def test_described_size_reads_each_superblock(tmp_path: Path) -> None:
    head = bytearray(4608)
    head[32:36] = b"NXSB"
    head[36:40] = (4096).to_bytes(4, "little")
    head[40:48] = (1014).to_bytes(8, "little")
    assert described_size(bytes(head)) == ("APFS container", 4096 * 1014)
    head = bytearray(4608)
    head[0:4] = b"XFSB"
    head[4:8] = (4096).to_bytes(4, "big")
    head[8:16] = (76800).to_bytes(8, "big")
    assert described_size(bytes(head)) == ("XFS file system", 4096 * 76800)
    head = bytearray(4608)
    head[3:11] = b"NTFS    "
    head[11:13] = (512).to_bytes(2, "little")
    head[40:48] = (16383).to_bytes(8, "little")
    assert described_size(bytes(head)) == ("NTFS file system", 512 * 16383)
    assert described_size(os.urandom(4608)) is None
    assert described_size(b"XFSB") is None  # too short to hold the fields: no guess
