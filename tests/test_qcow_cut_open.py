"""A QCOW2 image cut short before libqcow can open it (its L1 or L2 table, or the refcount structures, past the
file's end): libqcow refuses the whole file, so the scan said only `image-unopened`. It is now read by
image_qcow.QcowReader as far as the file goes: what is there is walked, the clusters past the end are read errors
(never zeros), and the image is listed `corrupt` (`qcow2-cut-short`): the scan is incomplete, never "not opened".

One FAT16 disk (mkfs.vfat + mcopy, 40 generated text files) converted by qemu-img, cut at points found from its
own header and tables."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("qemu-img", "mkfs.vfat", "mcopy")),
                                reason="needs qemu-img, mkfs.vfat and mcopy")


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("qcowcut")
    tree = folder / "tree"
    tree.mkdir()
    for i in range(40):
        (tree / f"memo{i:02d}.txt").write_text(f"line {i}\n" * (40 + 30 * i), encoding="ascii")
    raw = folder / "fat.raw"
    with raw.open("wb") as f:
        f.truncate(16 << 20)
    subprocess.run(["mkfs.vfat", "-F", "16", "-i", "20261207", str(raw)], check=True, capture_output=True)
    subprocess.run(["mcopy", "-s", "-i", str(raw), str(tree), "::/"], check=True, capture_output=True)
    qcow = folder / "full.qcow2"
    subprocess.run(["qemu-img", "convert", "-O", "qcow2", str(raw), str(qcow)], check=True, capture_output=True)
    head = qcow.read_bytes()[:112]
    cluster = 1 << struct.unpack_from(">I", head, 20)[0]
    l1_at = struct.unpack_from(">Q", head, 40)[0]
    l2_at = int.from_bytes(qcow.read_bytes()[l1_at:l1_at + 8], "big") & ((1 << 56) - 512)
    points = {"refcounts": l1_at - cluster // 2, "l1": l1_at + 4, "l2": l2_at + cluster // 2,
              "data": l2_at + 2 * cluster}
    assert points["data"] < qcow.stat().st_size
    return qcow, points


def _scan(qcow: Path, cut: int, folder: Path) -> tuple[int, dict]:
    short = folder / "disk.qcow2"
    short.write_bytes(qcow.read_bytes()[:cut])
    done = run_cli("scan", str(short), "--name", "memo01.txt", "--out", str(folder / "out"), "--workers", "1",
                   "--quiet")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((folder / "out" / "findings.json").read_text(encoding="utf-8"))


def _codes(found: dict) -> list[str]:
    rows = [*found["skipped"], *found["scan"]["incomplete"]["unlisted"], *found["scan"]["source_errors"]]
    return [c["code"] for row in rows for c in row.get("detail_codes") or []]


@pytest.mark.parametrize("where", ["refcounts", "l1", "l2"])
def test_a_qcow2_cut_before_its_tables_is_listed_corrupt_not_unopened(image: tuple[Path, dict[str, int]],
                                                                      tmp_path: Path, where: str) -> None:
    qcow, points = image
    code, found = _scan(qcow, points[where], tmp_path)
    codes = _codes(found)
    assert "qcow2-cut-short" in codes, (where, codes)
    assert "image-unopened" not in codes, (where, codes)
    assert found["scan"]["complete"] is False and code in (2, 3), (where, code)
    assert not found["files"], "nothing of the disk lies inside the file: nothing may be found as read"


def test_a_qcow2_cut_inside_its_data_walks_what_is_there(image: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    qcow, points = image
    code, found = _scan(qcow, points["data"], tmp_path)
    assert "qcow2-cut-short" in _codes(found)
    assert code == 3 and found["scan"]["complete"] is False
    hit = [h for h in found["files"] if h["inner_path"] == "/tree/memo01.txt"]
    assert hit, "the file system's tables are in the file: the file named must be listed"


@pytest.mark.parametrize("where", ["l1", "l2", "data"])
def test_the_reader_of_a_cut_qcow2_never_serves_zeros_past_the_cut(image: tuple[Path, dict[str, int]],
                                                                 tmp_path: Path, where: str) -> None:
    """Every 4 KiB of the disk read through QcowReader(cut=True) is the disk's own bytes or an OSError: the part
    past the cut is never zeros (the scan-level tests above would pass over a reader padding with zeros)."""
    from scanner.sources.image_qcow import open_qcow

    qcow, points = image
    raw = (qcow.parent / "fat.raw").read_bytes()
    short = tmp_path / "disk.qcow2"
    short.write_bytes(qcow.read_bytes()[:points[where]])
    reader = open_qcow(str(short), cut=True)
    same = failed = 0
    try:
        for offset in range(0, len(raw), 4096):
            try:
                got = reader.read(offset, 4096)
            except OSError:
                failed += 1
                continue
            assert got == raw[offset:offset + 4096], (where, offset)
            same += 1
    finally:
        reader.close()
    assert failed, "the part cut off must be read errors"
    assert same or where != "data", "cut inside the data: the clusters before the cut are read"


def test_a_qcow2_cut_inside_its_header_says_cut_short(image: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    """Cut at byte 100 (inside the version 3 header; a backing file's name cut alike): neither libqcow nor
    QcowReader opens it, and the source error said only libqcow's reason (`image-unopened`), not that the file was
    cut short, which cut_short knows from the header."""
    qcow, _ = image
    code, found = _scan(qcow, 100, tmp_path)
    assert "qcow2-cut-short" in _codes(found), _codes(found)
    assert code == 2 and found["scan"]["complete"] is False and not found["files"]
