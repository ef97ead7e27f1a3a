"""review22i: images22's later-segment rule tried against real split disks.

1. ``image_sniff.recognised`` (libmagic) cleared a ``disk.002`` whose first bytes libmagic names: a real later
   segment of a split disk starts wherever the split falls, often at the start of a file the disk holds (a program,
   a library). Measured on a 1 GiB ext4 holding 309 MB of /usr/bin, Python sources and documents: at 1,325 of the
   254,206 4 KiB-aligned split points the images21 rule keeps as a segment (3 of 991 at 1 MiB-aligned ones, e.g.
   ``split -b 19m``), libmagic named the head (an ELF library or program 951, the rest mid-file bytes libmagic takes
   for a NetCDF, a Sony TIM, an Atari picture, MATLAB data ...). Such a segment was read as a plain file and passed
   as clean, the rest of the disk it holds never read, the scan complete (exit 0): the worst failure. A segment of
   a raw disk is whole sectors; a file libmagic names whose size is not is no segment.
2. A later segment named as an image's (``case.dd.002``, ``disk.img.003``) that begins in a text file the disk
   holds (a log, a source file, a web page: 7,630 of the 79,258 non-empty 4 KiB split points of the same ext4) was
   read as a text file (``other_format``: text is no segment, for ``notes.002``), the rest of the disk in it never
   read, the scan complete. No text file is named ``.dd.002``: such a name keeps it a segment whatever it begins
   with (unless it is a whole program, or walked as an image by content).
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan


def _scan(out: Path, *sources: str) -> tuple[int, dict[str, Any], str]:
    done = run_leakscan("scan", *sources, "--out", str(out), "--workers", "1", "--quiet", env=None, timeout=240)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8")), done.stderr


def _codes(skip: dict[str, Any]) -> list[str]:
    return [c["code"] for c in skip.get("detail_codes") or []]


@pytest.fixture(scope="module")
def split_at_a_program(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A real ext4 (mke2fs -d) holding a workbook and real programs, split (as ``split -b``) at a size where the
    second segment begins with the first block of one of the programs: disk.001, disk.002, disk.003 ..."""
    from image_data import ext_image, leaked_workbook, write_tree

    if not __import__("shutil").which("mke2fs"):
        pytest.skip("mke2fs builds the file system")
    root = tmp_path_factory.mktemp("r22i")
    program = Path(os.path.realpath(sys.executable)).read_bytes()
    files = {"home/名簿.xlsx": leaked_workbook(seed=5), "bin/python": program, "bin/python-copy": program + b"\0"}
    raw = ext_image(root / "ext4.img", write_tree(root / "tree", files), size_mib=8).read_bytes()
    cut = next(off for off in range(64 << 10, len(raw) // 2, 1024) if raw[off:off + 4] == b"\x7fELF")
    return {f"disk.{k // cut + 1:03d}": raw[k:k + cut] for k in range(0, len(raw), cut)}


def test_a_later_segment_starting_with_a_program_is_still_a_segment(
        split_at_a_program: dict[str, bytes], tmp_path: Path) -> None:
    """disk.002 alone (its disk.001 not handed over), in a folder and in a zip: it begins with an ELF program's
    first block (libmagic: application/x-executable). Before: read as a plain program, listed nowhere, the scan
    complete (exit 0), the disk's other bytes in it never read. Now listed later-segment asking for disk.001."""
    segment = split_at_a_program["disk.002"]
    assert segment[:4] == b"\x7fELF" and len(segment) % 512 == 0
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "disk.002").write_bytes(segment)
    with zipfile.ZipFile(folder / "usb.zip", "w", zipfile.ZIP_STORED) as z:
        z.writestr("dump/disk.002", segment)
    code, doc, err = _scan(tmp_path / "out", str(folder))
    said = sorted(s["path"] for s in doc["skipped"] if "later-segment" in _codes(s))
    assert len(said) == 2 and all(p.endswith("disk.002") for p in said), doc["skipped"]
    assert doc["scan"]["complete"] is False
    assert code == 3, err


def _programs() -> list[bytes]:
    """Real programs: pip's distlib Windows launchers (PE) and this Python's ELF."""
    import pip

    found = sorted(Path(pip.__file__).parent.glob("_vendor/distlib/*.exe"))
    return [p.read_bytes() for p in found[:2]] + [Path(os.path.realpath(sys.executable)).read_bytes()]


@pytest.mark.parametrize("index", range(3))
def test_a_whole_program_is_read_a_segment_beginning_with_one_is_not(index: int) -> None:
    """A whole program (``setup.002``: its size its headers' end, here whole sectors, as an unsigned PE's is) is no
    segment; the same program as the first bytes of a disk's segment (the disk's next sectors after it) is one.
    Before: both cleared by libmagic's name alone."""
    from scanner.sources.image_sniff import segment_head

    programs = _programs()
    if index >= len(programs):
        pytest.skip("no distlib launcher here")
    program = programs[index]
    assert not segment_head(program[:4096], len(program))
    segment = program + bytes(4096 - len(program) % 4096) + os.urandom(1 << 16)
    assert segment_head(segment[:4096], len(segment))
    assert segment_head(program[:4096], None)  # a size not known: said as the segment it is named like


def test_an_image_named_segment_beginning_in_a_text_file_is_still_a_segment(tmp_path: Path) -> None:
    """case.dd.002 of a real ext4 split where a text file's first block begins (its disk.001 not handed over).
    Before: read as a text file, listed nowhere, the scan complete (exit 0). Now listed later-segment."""
    from image_data import ext_image, leaked_workbook, write_tree

    if not __import__("shutil").which("mke2fs"):
        pytest.skip("mke2fs builds the file system")
    text = Path(json.__file__).read_bytes() * 3  # a real source file, some 30 KiB
    files = {"home/名簿.xlsx": leaked_workbook(seed=5), "src/json.py": text}
    raw = ext_image(tmp_path / "ext4.img", write_tree(tmp_path / "tree", files), size_mib=8).read_bytes()
    cut = next(off for off in range(64 << 10, len(raw) // 2, 1024) if raw[off:off + 64] == text[:64])
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "case.dd.002").write_bytes(raw[cut:2 * cut])
    code, doc, err = _scan(tmp_path / "out", str(folder))
    said = [s for s in doc["skipped"] if "later-segment" in _codes(s)]
    assert len(said) == 1 and "case.dd.001" in said[0]["detail"], doc["skipped"]
    assert code == 3, err
