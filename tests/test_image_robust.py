"""Hostile and broken images: looping FAT directories, ext4 symlink and directory loops, truncated and
corrupt images. Each must end with a clear result (entries listed, loops skipped, or exit 2 with one
line on stderr), never a hang or a traceback."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.errors import SourceError
from scanner.models import Link, Skipped
from scanner.sources.image import ImageSource
from tests.conftest import ROOT, run_leakscan
from tests.image_data import (
    LEAKED,
    e01,
    ext_image,
    fat16_loop_directory,
    fat16_subdir_points_to,
    fat_image,
    leaked_workbook,
    partitioned_disk,
    sha256,
    write_tree,
)


def walk(image: Path) -> tuple[list, list[Skipped], list[Link]]:
    entries, skipped, links = [], [], []
    with ImageSource(str(image)) as src:
        for item in src.entries():
            if isinstance(item, Skipped):
                skipped.append(item)
            elif isinstance(item, Link):
                links.append(item)
            else:
                entries.append(item)
    return entries, skipped, links


def test_fat_directory_whose_cluster_chain_loops_terminates(tmp_path: Path) -> None:
    files = {f"/DIR/f{i:02d}.txt": f"file {i}\n".encode() for i in range(40)}  # 40 entries: 3 clusters
    image = fat_image(tmp_path / "loop.img", files, size_mib=8, sectors_per_cluster=1)
    chain = fat16_loop_directory(image, "DIR")
    assert len(chain) >= 3
    entries, _, _ = walk(image)
    paths = [e.location.path for e in entries]
    assert sorted(paths) == sorted(files) and len(set(paths)) == len(paths)  # each file once
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(image), "--name", "f07.txt", "--out", str(out), "--quiet", timeout=120)
    assert proc.returncode == 1, proc.stderr
    (hit,) = json.loads((out / "findings.json").read_text(encoding="utf-8"))["files"]
    assert hit["sha256"] == sha256(files["/DIR/f07.txt"])


def test_fat_directory_pointing_at_its_parent_is_a_skipped_loop(tmp_path: Path) -> None:
    files = {"/A/B/inner.txt": b"inner\n", "/A/top.txt": b"top\n"}
    image = fat_image(tmp_path / "cycle.img", files, size_mib=8, sectors_per_cluster=1)
    fat16_subdir_points_to(image, "A", "B")
    entries, skipped, _ = walk(image)
    assert [e.location.path for e in entries] == ["/A/top.txt"]
    assert [(s.location.path, s.reason) for s in skipped] == [("/A/B", "loop")]  # B is A again


def test_ext4_symlink_loops_and_a_directory_hard_link_loop_terminate(tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "tree", {"/dir/sub/file.txt": b"x\n"})
    (tree / "a").symlink_to("b")
    (tree / "b").symlink_to("a")
    (tree / "dir" / "self").symlink_to(".")
    (tree / "dir" / "sub" / "up").symlink_to("../..")
    image = ext_image(tmp_path / "loops.img", tree, size_mib=2, debugfs=["link /dir /dir/sub/back"])
    entries, skipped, links = walk(image)
    assert [e.location.path for e in entries] == ["/dir/sub/file.txt"]
    assert sorted((lk.location.path, lk.target) for lk in links) == [
        ("/a", "b"), ("/b", "a"), ("/dir/self", "."), ("/dir/sub/up", "../..")]
    assert [(s.location.path, s.reason) for s in skipped] == [("/dir/sub/back", "loop")]
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(image), "--name", "file.txt", "--out", str(out), "--quiet", timeout=120)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert len(doc["links"]) == 4 and [s["reason"] for s in doc["skipped"]] == ["loop"]


@pytest.fixture(scope="module")
def small_disk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    base = tmp_path_factory.mktemp("small")
    leaked = leaked_workbook()
    fat = fat_image(base / "p1.img", {f"/{LEAKED}": leaked}, size_mib=4, bits=12)
    ext = ext_image(base / "p2.img", write_tree(base / "tree", {f"/{LEAKED}": leaked}), size_mib=4)
    disk = base / "disk.img"
    partitioned_disk(disk, [(fat, "1"), (ext, "83")])
    return disk, leaked


def test_truncated_disk_walks_what_is_there_and_says_what_is_missing(small_disk, tmp_path: Path) -> None:
    disk, leaked = small_disk
    cut = tmp_path / "cut.img"
    cut.write_bytes(disk.read_bytes()[: 5 * (1 << 20)])  # p1 whole, p2 (from 6 MiB on) gone
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(cut), "--name", LEAKED, "--out", str(out), "--quiet")
    assert proc.returncode == 3 and "Traceback" not in proc.stderr, proc.stderr  # Session 10: incomplete
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    (hit,) = doc["files"]
    assert hit["path"] == f"{cut} » p1 (FAT12) » /{LEAKED}" and hit["sha256"] == sha256(leaked)
    assert len(doc["skipped"]) == 2  # p2, and the image itself: shorter than its partition table says
    (missing,) = [s for s in doc["skipped"] if s["container"][-1]["name"] == "p2"]
    assert missing["reason"] == "unsupported" and "past the end of the image" in missing["detail"]
    (whole,) = [s for s in doc["skipped"] if s["container"][-1]["kind"] == "image"]
    assert whole["reason"] == "corrupt" and "truncated image" in whole["detail"]


def test_truncated_e01_is_a_clear_error(small_disk, tmp_path: Path) -> None:
    disk, _ = small_disk
    image = e01(disk, tmp_path / "pc")
    image.write_bytes(image.read_bytes()[: 300_000])
    proc = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("leakscan: error:")]
    assert len(lines) == 1 and "EWF image not readable" in lines[0]


def test_file_with_ewf_signature_but_garbage_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.E01"
    junk.write_bytes(b"EVF\x09\x0d\x0a\xff\x00" + random.Random(1).randbytes(20_000))
    proc = run_leakscan("scan", str(junk), "--name", LEAKED, "--out", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "EWF" in proc.stderr
    with pytest.raises(SourceError):
        ImageSource(str(junk)).__enter__()


FUZZ = """
import random, sys
from scanner.errors import SourceError
from scanner.sources.image import ImageSource
data = open(sys.argv[1], "rb").read()
for seed in range(int(sys.argv[2])):
    rnd = random.Random(seed)
    b = bytearray(data)
    for _ in range(400):  # damage the FAT, the directories and the inode tables, keep the boot sector
        b[rnd.randrange(512, min(len(b), 1 << 15))] = rnd.randrange(256)
    at = rnd.randrange(1, 64) * 512  # and one whole sector of noise (a directory, a FAT or an inode block)
    b[at:at + 512] = rnd.randbytes(512)
    path = sys.argv[3]
    open(path, "wb").write(b)
    try:
        with ImageSource(path) as src:
            n = 0
            for item in src.entries():
                n += 1
                if hasattr(item, "open"):
                    try:
                        item.stat()
                        with item.open() as f:
                            f.read()
                    except Exception as e:
                        if type(e).__name__ != "ReadError":
                            raise
        print(seed, "walked", n)
    except SourceError as e:
        print(seed, "source-error", e)
"""


@pytest.mark.parametrize("kind", ["fat", "ext4"])
def test_damaged_file_systems_never_crash_or_hang(kind: str, small_disk, tmp_path: Path) -> None:
    disk, _ = small_disk
    part = disk.parent / ("p1.img" if kind == "fat" else "p2.img")
    proc = subprocess.run([sys.executable, "-c", FUZZ, str(part), "12", str(tmp_path / "damaged.img")],
                          capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(proc.stdout.splitlines()) == 12


def test_fat_root_directory_full_of_noise_is_walked_without_crashing(tmp_path: Path) -> None:
    from tests.image_data import fat16_geometry

    leaked = leaked_workbook()
    image = fat_image(tmp_path / "noise.img", {f"/{LEAKED}": leaked})
    b = bytearray(image.read_bytes())
    _, fat, fat_size, nfats = fat16_geometry(b)
    root_dir = fat + nfats * fat_size
    # entries 0-3 are the label and the leaked file (two long-name parts and the short entry);
    # the 124 after them become noise: hostile names, sizes and cluster numbers
    b[root_dir + 4 * 32: root_dir + 128 * 32] = random.Random(7).randbytes(124 * 32)
    image.write_bytes(bytes(b))
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet", timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    (hit,) = json.loads((out / "findings.json").read_text(encoding="utf-8"))["files"]
    assert hit["sha256"] == sha256(leaked)
