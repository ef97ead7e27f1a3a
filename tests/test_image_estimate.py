"""The progress bar's total for a disk image: what each file system's own metadata counts (ext2-4 superblock,
NTFS $MFT bitmap, HFS+ volume header), checked against The Sleuth Kit's listing of the same image."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from conftest import run_on_a_terminal

from scanner.sources.image import ImageSource
from scanner.sources.image_count import ext_used_inodes, hfs_files_and_folders

pytestmark = pytest.mark.skipif(not shutil.which("mke2fs") or not shutil.which("fls"),
                                reason="needs e2fsprogs and sleuthkit")


def _allocated(image: Path) -> int:
    """Allocated entries TSK lists (files and folders, every depth)."""
    out = subprocess.run(["fls", "-r", "-p", "-u", str(image)], capture_output=True, check=True).stdout
    return len(out.splitlines())


@pytest.fixture(scope="module")
def ext4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("est")
    tree = root / "tree"
    for i in range(137):
        folder = tree / f"d{i % 5}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i}.txt").write_text(str(i))
    image = root / "ext4.img"
    subprocess.run(["truncate", "-s", "8M", str(image)], check=True)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", str(tree), str(image)], check=True)
    return image


def test_an_ext4_image_estimates_the_files_its_walk_will_see(ext4: Path) -> None:
    with ImageSource(str(ext4)) as image:
        estimate = image.estimate()
    listed = _allocated(ext4)
    assert listed >= 137 + 5
    # the inodes in use are the listed entries plus ext4's reserved inodes (journal, resize ...)
    assert estimate is not None and listed <= estimate <= listed + 16


def test_an_ntfs_image_estimates_from_its_mft_bitmap(corpus: Path) -> None:
    image = corpus / "images" / "ntfs__testfs1"
    with ImageSource(str(image)) as source:
        estimate = source.estimate()
    assert estimate is not None and abs(estimate - _allocated(image)) <= 16


def test_a_file_system_without_a_count_gives_no_estimate(tmp_path: Path) -> None:
    if not shutil.which("mkfs.vfat"):
        pytest.skip("needs dosfstools")
    image = tmp_path / "fat.img"
    subprocess.run(["truncate", "-s", "4M", str(image)], check=True)
    subprocess.run(["mkfs.vfat", str(image)], check=True, capture_output=True)
    with ImageSource(str(image)) as source:
        assert source.estimate() is None  # FAT keeps no file count: no invented total


def test_damaged_counts_are_no_estimate() -> None:
    block = bytearray(2048)
    struct.pack_into("<I", block, 1024, 100)
    struct.pack_into("<I", block, 1024 + 16, 40)
    block[1024 + 56:1024 + 58] = b"\x53\xef"

    def read(offset: int, size: int) -> bytes:
        return bytes(block[offset:offset + size])

    assert ext_used_inodes(read) == 60
    struct.pack_into("<I", block, 1024 + 16, 101)  # more free inodes than inodes: damage, not a count
    assert ext_used_inodes(read) is None
    block[1024 + 56] = 0  # no ext magic
    assert ext_used_inodes(read) is None
    assert ext_used_inodes(lambda o, n: b"") is None  # a short read
    assert hfs_files_and_folders(read) is None
    block[1024:1026] = b"H+"
    struct.pack_into(">II", block, 1024 + 32, 7, 3)
    assert hfs_files_and_folders(read) == 10


def test_the_progress_bar_of_an_image_scan_shows_a_percentage(ext4: Path, tmp_path: Path) -> None:
    code, err = run_on_a_terminal("scan", str(ext4), "--name", "nothing.xlsx", "--out", str(tmp_path / "o"))
    assert code == 0, err[-2000:]
    assert "%|" in err  # tqdm draws a percentage only when it has a total
