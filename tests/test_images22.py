"""images22: issue #10 leftovers.

1. A later segment of a split raw image (``disk.002`` without ``disk.001``) met inside an archive, inside a disk
   image or on an SMB share was examined as a plain file and listed nowhere, the scan complete (exit 0): only a
   local file was checked (its siblings looked up on the disk). The rule is now made from the folder's listing
   where every source groups its split series (``split_series.series_in``).
2. ``setup.002`` (a Windows program), ``clip.002`` (an MP4), ``tool.002`` (an ELF program) whose format was not in
   ``image_sniff.OTHER_FORMATS`` were listed ``later-segment``, the scan incomplete (exit 3): libmagic now names
   them (a format random bytes never pass for: ``image_sniff.recognised``).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import struct
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan
from image_data import fat_image

needs_mtools = pytest.mark.skipif(not all(shutil.which(t) for t in ("mkfs.vfat", "mcopy")), reason="needs mtools")


def _scan(out: Path, *sources: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    done = run_leakscan("scan", *sources, "--out", str(out), "--workers", "1", "--quiet", "--name",
                        "名簿.xlsx", env=env, timeout=240)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8")), done.stderr


def _codes(skip: dict[str, Any]) -> list[str]:
    return [c["code"] for c in skip.get("detail_codes") or []]


def _segments() -> dict[str, bytes]:
    """disk.002 and disk.003 of a split raw image (the middle of a disk, here random bytes: an encrypted volume)."""
    rnd = random.Random(22)
    return {"disk.002": rnd.randbytes(1 << 20), "disk.003": rnd.randbytes(300 << 10)}


def _later(doc: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    return sorted((s["path"].replace(" » ", "/").rsplit("/", 1)[-1], s["reason"], _codes(s)) for s in doc["skipped"]
                  if "later-segment" in _codes(s))


# --- 1. the same rule wherever the entries come from ----------------------------------------------------------

def test_later_segments_in_a_zip_are_listed(tmp_path: Path) -> None:
    """Before: the zip's disk.002/disk.003 were read as plain files, listed nowhere, the scan complete (exit 0)."""
    archive = tmp_path / "evidence" / "usb.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for name, data in _segments().items():
            z.writestr(f"dump/{name}", data)
        z.writestr("dump/whole.001", b"\0" * 4096)  # a set with a .001 but no .000 (images23: as in a local
        z.writestr("dump/whole.002", b"\0" * 4096)  # folder, split22, a .001 holding no disk is a later segment)
    code, doc, err = _scan(tmp_path / "out", str(archive.parent))
    assert _later(doc) == [("disk.002", "unsupported", ["later-segment"]),
                           ("disk.003", "unsupported", ["later-segment"]),
                           ("whole.001", "unsupported", ["later-segment"])], doc["skipped"]
    assert all("disk.001" in s["detail"] or "whole.000" in s["detail"] for s in doc["skipped"]
               if "later-segment" in _codes(s))
    assert doc["scan"]["complete"] is False
    assert code == 3, err


@needs_mtools
def test_later_segments_in_a_disk_image_are_listed(tmp_path: Path) -> None:
    """A FAT image holding disk.002/disk.003: before, examined as plain files inside the image, listed nowhere."""
    (tmp_path / "evidence").mkdir()
    fat_image(tmp_path / "evidence" / "usb.img", {f"/dump/{n}": d for n, d in _segments().items()})
    code, doc, err = _scan(tmp_path / "out", str(tmp_path / "evidence" / "usb.img"))
    assert _later(doc) == [("disk.002", "unsupported", ["later-segment"]),
                           ("disk.003", "unsupported", ["later-segment"])], doc["skipped"]
    assert doc["scan"]["complete"] is False
    assert code == 3, err


def test_later_segments_on_an_smb_share_are_listed(tmp_path: Path) -> None:
    """A real Samba share holding disk.002/disk.003 (the smaller one fetched whole with its folder, the larger one
    read by a worker): before, listed nowhere, the scan complete."""
    from smb_data import PASSWORD, SambaServer

    share = tmp_path / "share"
    (share / "dump").mkdir(parents=True)
    for name, data in _segments().items():
        (share / "dump" / name).write_bytes(data)
    server = SambaServer(tmp_path / "samba", {"ev": share}).start()
    try:
        code, doc, err = _scan(tmp_path / "out", server.url("ev"), env={"LEAKSCAN_SMB_PASSWORD": PASSWORD})
    finally:
        server.kill()
    assert _later(doc) == [("disk.002", "unsupported", ["later-segment"]),
                           ("disk.003", "unsupported", ["later-segment"])], doc["skipped"]
    assert doc["scan"]["complete"] is False
    assert code == 3, err


# --- 2. a recognised format numbered so is no segment ---------------------------------------------------------

def _mp4() -> bytes:
    """An ISO base media file (MP4): an ``ftyp`` box, then an ``mdat`` box of (random) media data."""
    ftyp = b"ftyp" + b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41"
    payload = random.Random(2).randbytes(200 << 10)
    return struct.pack(">I", 8 + len(ftyp)) + ftyp + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload


def _program() -> bytes:
    """A real Windows program (distlib's launcher, shipped with pip)."""
    import pip

    found = sorted(Path(pip.__file__).parent.glob("_vendor/distlib/*.exe"))
    if not found:
        pytest.skip("no distlib launcher here")
    return found[0].read_bytes()


def test_recognised_formats_numbered_like_segments_are_read_as_themselves(tmp_path: Path) -> None:
    """Before: setup.002 (a PE program), clip.002 (an MP4), tool.002 (an ELF program) were each listed
    later-segment asking for a .001 that never was, the scan incomplete (exit 3)."""
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "setup.002").write_bytes(_program())
    (folder / "clip.002").write_bytes(_mp4())
    (folder / "tool.002").write_bytes(Path(os.path.realpath(sys.executable)).read_bytes()[: 256 << 10])
    for name, data in _segments().items():  # the true segments beside them are still said
        (folder / name).write_bytes(data)
    code, doc, err = _scan(tmp_path / "out", str(folder))
    assert _later(doc) == [("disk.002", "unsupported", ["later-segment"]),
                           ("disk.003", "unsupported", ["later-segment"])], doc["skipped"]
    assert code == 3, err


def test_random_heads_are_not_taken_for_a_format() -> None:
    """libmagic names ~5 % of random 4 KiB heads something weak (an OpenPGP key, a DOS COM program, MPEG audio by
    a sync word): an encrypted volume's middle segment must stay a segment. 3,000 random heads: none recognised."""
    from scanner.sources.image_sniff import recognised

    rnd = random.Random(10)
    assert not [i for i in range(3000) if recognised(rnd.randbytes(4096))]
    assert recognised(_mp4()[:4096]) and recognised(_program()[:4096])


# --- 4. md: a slot is the array's consistent view's ----------------------------------------------------------

def _forge(path: Path, at: int, utime: int | None = None, events: int | None = None,
           data: tuple[int, bytes] | None = None) -> None:
    """A 1.x member's superblock at AT given another update time and event count (checksum made again), its data
    area overwritten: what a forger (or a reused disk) can write."""
    from md_data import _csum1

    raw = bytearray(path.read_bytes())
    sb = bytearray(raw[at:at + 1024])
    if utime is not None:
        struct.pack_into("<Q", sb, 192, utime)
    if events is not None:
        struct.pack_into("<Q", sb, 200, events)
    max_dev = struct.unpack_from("<I", sb, 220)[0]
    struct.pack_into("<I", sb, 216, 0)
    struct.pack_into("<I", sb, 216, _csum1(sb, max_dev))
    raw[at:at + 1024] = sb
    if data is not None:
        raw[data[0]:data[0] + len(data[1])] = data[1]
    path.write_bytes(bytes(raw))


def _mark_faulty(path: Path, at: int, devs: list[int]) -> None:
    """The role table of the 1.x superblock at AT recording device numbers DEVS faulty (0xfffe), as md writes it
    in the members that go on when others fail (super_1_sync); checksum made again."""
    from md_data import _csum1

    raw = bytearray(path.read_bytes())
    sb = bytearray(raw[at:at + 1024])
    for dev in devs:
        struct.pack_into("<H", sb, 256 + 2 * dev, 0xFFFE)
    struct.pack_into("<I", sb, 216, 0)
    struct.pack_into("<I", sb, 216, _csum1(sb, struct.unpack_from("<I", sb, 220)[0]))
    raw[at:at + 1024] = sb
    path.write_bytes(bytes(raw))


@pytest.fixture(scope="module")
def ext_bytes(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str]:
    from image_data import ext_image, leaked_workbook, sha256, write_tree

    if shutil.which("mke2fs") is None:
        pytest.skip("mke2fs builds the file system")
    root = tmp_path_factory.mktemp("md22")
    book = leaked_workbook(seed=22)
    tree = write_tree(root / "tree", {"共有/名簿.xlsx": book})
    return ext_image(root / "ext4.img", tree, size_mib=8).read_bytes(), sha256(book)


@pytest.mark.parametrize("bump", ["utime", "utime+events"])
def test_a_forged_superblock_newer_than_the_array_does_not_win_its_slot(
        ext_bytes: tuple[bytes, str], tmp_path: Path, bump: str) -> None:
    """raid5 of 3 hand-built 1.2 members (md writes every member's superblock at once: one update time, one event
    count) and a copy of disk1 whose superblock says it was updated a year later (and, second case, 10 events
    further), its data other bytes. Before: the newer update time won slot 1 (the array read from the forged bytes,
    the workbook lost, disk1.img listed md-member-duplicate); with its events bumped every real member was stale.
    Now the slot is the claimant the array agrees with (the others' event count and update time, their role
    tables): disk1.img read, the copy listed md-member-duplicate."""
    from md_data import write_members

    from tests.test_md_raid import _findings, _hits

    ext, book = ext_bytes
    folder = tmp_path / "nas"
    folder.mkdir()
    members = write_members(folder, ext, 5, 3)
    forged = folder / "z-disk1.img"
    shutil.copyfile(members[1], forged)
    _forge(forged, 4096, utime=1700000100 + 365 * 86400, events=30 if bump == "utime+events" else None,
           data=(1 << 20, random.Random(22).randbytes(len(ext))))
    code, doc = _findings(tmp_path / "out", *map(str, members), str(forged))
    assert _hits(doc) == [(f"{members[0]} » fs (ext4) » /共有/名簿.xlsx", book)], doc["skipped"]
    said = [s for s in doc["skipped"] if _codes(s)[:1] == ["md-member-duplicate"]]
    assert len(said) == 1 and said[0]["detail"].startswith("z-disk1.img: "), doc["skipped"]
    assert not [s for s in doc["skipped"] if "md-member-stale" in _codes(s)], doc["skipped"]


# --- 5. stale raid4/5/6 members: read where the older array can be rebuilt ---------------------------------------

def test_stale_raid5_members_of_one_moment_are_read_as_the_older_array(
        ext_bytes: tuple[bytes, str], tmp_path: Path) -> None:
    """raid5 of 3 whose disk0 and disk1 failed together (event count 15) while disk2 went on (20): the current array
    (one member) cannot be read, the older one can (2 of 3 at one moment: rebuilt from parity). Before: the
    array listed md-array-unread, nothing read (the workbook on the older copy missed). Now walked as
    stale-slot0 holding the workbook; the lone newer member listed with why the current array is not read."""
    from md_data import write_members

    from tests.test_md_raid import _findings, _hits

    ext, book = ext_bytes
    folder = tmp_path / "nas"
    folder.mkdir()
    members = write_members(folder, ext, 5, 3, events=[15, 15, 20])
    _mark_faulty(members[2], 4096, [0, 1])  # images23: md records the members it drops as faulty in the others'
    code, doc = _findings(tmp_path / "out", *map(str, members))
    hits = _hits(doc)
    assert [h for _, h in hits] == [book] and "stale-slot0" in hits[0][0], (hits, doc["skipped"])
    said = [s for s in doc["skipped"] if "md-array-unread" in _codes(s)]  # the current array: why it is not read
    assert len(said) == 1 and "2 of 3 members missing" in said[0]["detail"], doc["skipped"]
    assert "an older copy read" in doc["scan"]["source_details"][0]["format"]
    assert code == 3
