"""images23: issue #10 leftovers.

1. ``disk.001`` + ``disk.002`` of a raw set numbered from ``.000`` (GNU ``split -d``), the ``.000`` lost, met inside
   an archive, a disk image or on an SMB share: listed ``not-a-disk-image`` (or nothing), the scan complete (exit 0);
   only a local folder's files were listed later-segment (split22). One rule everywhere now.
2. A bare later segment (``disk.038``, no image extension) beginning in a text file the disk holds, beside the next
   piece of its series (both the same whole-sector size): read as that text only, the rest of the disk in it said
   nowhere. Now also listed later-segment (the text still read).
3. md: a forged superblock claiming a MISSING member's slot, its event count bumped past the array's: every real
   member was made stale (images22 ranked claimants of one slot only).
"""

from __future__ import annotations

import json
import random
import shutil
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan
from image_data import fat_image

needs_mtools = pytest.mark.skipif(not all(shutil.which(t) for t in ("mkfs.vfat", "mcopy")), reason="needs mtools")


def _scan(out: Path, *sources: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    done = run_leakscan("scan", *sources, "--out", str(out), "--workers", "1", "--quiet", env=env, timeout=240)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8")), done.stderr


def _codes(skip: dict[str, Any]) -> list[str]:
    return [c["code"] for c in skip.get("detail_codes") or []]


def _later(doc: dict[str, Any]) -> list[tuple[str, str, list[str], bool]]:
    return sorted((s["path"].replace(" » ", "/").rsplit("/", 1)[-1], s["reason"], _codes(s), "disk.000" in s["detail"])
                  for s in doc["skipped"] if "later-segment" in _codes(s))


def _lost_zero_set() -> dict[str, bytes]:
    """disk.001 and disk.002 of a ``split -d`` set whose disk.000 (the partition table, the file system's start) is
    lost: the middle of a disk (here random bytes: an encrypted volume's)."""
    rnd = random.Random(23)
    return {"disk.001": rnd.randbytes(1 << 20), "disk.002": rnd.randbytes(300 << 10)}


WANT = [("disk.001", "unsupported", ["later-segment"], True)]


def test_a_set_without_its_000_in_a_zip_is_listed(tmp_path: Path) -> None:
    archive = tmp_path / "evidence" / "usb.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for name, data in _lost_zero_set().items():
            z.writestr(f"dump/{name}", data)
    code, doc, err = _scan(tmp_path / "out", str(archive.parent))
    assert _later(doc) == WANT, doc["skipped"]
    assert code == 3, err


@needs_mtools
def test_a_set_without_its_000_in_a_disk_image_is_listed(tmp_path: Path) -> None:
    (tmp_path / "evidence").mkdir()
    fat_image(tmp_path / "evidence" / "usb.img", {f"/dump/{n}": d for n, d in _lost_zero_set().items()})
    code, doc, err = _scan(tmp_path / "out", str(tmp_path / "evidence" / "usb.img"))
    assert _later(doc) == WANT, doc["skipped"]
    assert code == 3, err


def test_a_set_without_its_000_on_an_smb_share_is_listed(tmp_path: Path) -> None:
    from smb_data import PASSWORD, SambaServer

    share = tmp_path / "share"
    (share / "dump").mkdir(parents=True)
    for name, data in _lost_zero_set().items():
        (share / "dump" / name).write_bytes(data)
    server = SambaServer(tmp_path / "samba", {"ev": share}).start()
    try:
        code, doc, err = _scan(tmp_path / "out", server.url("ev"), env={"LEAKSCAN_SMB_PASSWORD": PASSWORD})
    finally:
        server.kill()
    assert _later(doc) == WANT, doc["skipped"]
    assert code == 3, err


def test_a_set_without_its_000_in_a_local_folder_is_listed(tmp_path: Path) -> None:
    src = tmp_path / "evidence" / "dump"
    src.mkdir(parents=True)
    for name, data in _lost_zero_set().items():
        (src / name).write_bytes(data)
    code, doc, err = _scan(tmp_path / "out", str(src.parent))
    assert _later(doc) == WANT, doc["skipped"]
    assert code == 3, err


def _split_fat(tmp_path: Path) -> dict[str, bytes]:
    """A FAT image holding a person CSV cut in two: ``disk.001`` (boot sector, FAT) and ``disk.002``."""
    img = tmp_path / "whole.img"
    fat_image(img, {"/customers.csv": ("氏名,住所\n" + "".join(f"山田 太郎{i},東京都千代田区{i}\n" for i in range(40))).encode()})
    data = img.read_bytes()
    cut = -(-len(data) // 2 // 512) * 512
    return {"disk.001": data[:cut], "disk.002": data[cut:]}


@needs_mtools
def test_a_set_numbered_from_001_in_a_zip_is_walked_as_before(tmp_path: Path) -> None:
    """The same names when disk.001 IS the first segment (a boot sector): walked as an image, no later-segment."""
    archive = tmp_path / "evidence" / "usb.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for name, data in _split_fat(tmp_path).items():
            z.writestr(f"dump/{name}", data)
    code, doc, err = _scan(tmp_path / "out", str(archive.parent))
    assert _later(doc) == [], doc["skipped"]
    assert any(f["path"].endswith("customers.csv") for f in doc["files"]), (doc["files"], doc["skipped"])


# --- 2. a bare later segment beginning in a text file, beside the next pieces of its series ----------------------

def _persons_csv() -> bytes:
    """A person list (Faker ja_JP, fixed seed) as a real text file on the disk (some 250 KiB, so a split point can
    fall at its first block and the piece hold only its rows)."""
    from faker import Faker

    fake = Faker("ja_JP")
    Faker.seed(2323)
    return ("氏名,住所,電話番号\n" + "".join(f"{fake.name()},{fake.address()},{fake.phone_number()}\n"
                                          for _ in range(3000))).encode()


@pytest.fixture(scope="module")
def split_at_a_text_file(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A real ext4 (mke2fs -d) holding a person CSV, cut (as ``split -b SIZE``) where a piece begins with the CSV's
    first block: that piece and the next (the disk's first piece not handed over), both whole sectors."""
    from image_data import ext_image, leaked_workbook, write_tree

    if not shutil.which("mke2fs"):
        pytest.skip("mke2fs builds the file system")
    root = tmp_path_factory.mktemp("i23")
    text = _persons_csv()
    files = {"home/名簿.xlsx": leaked_workbook(seed=6), "share/customers.csv": text}
    raw = ext_image(root / "ext4.img", write_tree(root / "tree", files), size_mib=8).read_bytes()
    at = raw.index(text[:64])
    size = next(s for s in range(64 << 10, 4095, -4096) if at % s == 0)
    n = at // size + 1
    return {f"disk.{n:03d}": raw[at:at + size], f"disk.{n + 1:03d}": raw[at + size:at + 2 * size]}


def _hit(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in doc["files"] if f["path"].replace(" » ", "/").endswith("/" + name))


def test_a_bare_segment_beginning_in_text_beside_its_series_is_a_segment(
        split_at_a_text_file: dict[str, bytes], tmp_path: Path) -> None:
    """disk.002 (its first bytes a person CSV's first block) beside disk.003, both the same whole-sector size, in a
    folder and in a zip. Before: disk.002 read as a text file only, listed nowhere (disk.003 alone was listed), the
    rest of the disk in it never read. Now listed later-segment too, and still read as the text it begins with."""
    pieces = split_at_a_text_file
    here, after = sorted(pieces)
    assert pieces[here].startswith("氏名".encode()) and len(pieces[here]) % 512 == 0
    folder = tmp_path / "evidence"
    (folder / "dump").mkdir(parents=True)
    for name, data in pieces.items():
        (folder / "dump" / name).write_bytes(data)
    with zipfile.ZipFile(folder / "usb.zip", "w", zipfile.ZIP_STORED) as z:
        for name, data in pieces.items():
            z.writestr(f"dump/{name}", data)
    code, doc, err = _scan(tmp_path / "out", str(folder))
    said = sorted((s["path"].rsplit("/", 1)[-1], "disk.001" in s["detail"]) for s in doc["skipped"]
                  if "later-segment" in _codes(s))
    assert said == [(here, True), (here, True), (after, True), (after, True)], doc["skipped"]
    read = [f for f in doc["files"] if f["path"].endswith(here)]
    assert len(read) == 2 and all((f.get("pii") or {}).get("records", 0) > 0 for f in read), read
    assert code == 3, err


@pytest.mark.parametrize("where", ["image", "smb"])
def test_a_bare_segment_beginning_in_text_in_an_image_or_on_a_share_is_a_segment(
        split_at_a_text_file: dict[str, bytes], tmp_path: Path, where: str) -> None:
    """The same two pieces in a FAT image's folder and on a real Samba share: the one rule (segments_in) there too.
    Before: the text piece read as text only, said nowhere."""
    pieces = split_at_a_text_file
    here, after = sorted(pieces)
    if where == "image":
        if not all(shutil.which(t) for t in ("mkfs.vfat", "mcopy")):
            pytest.skip("needs mtools")
        (tmp_path / "evidence").mkdir()
        fat_image(tmp_path / "evidence" / "usb.img", {f"/dump/{n}": d for n, d in pieces.items()})
        code, doc, err = _scan(tmp_path / "out", str(tmp_path / "evidence" / "usb.img"))
    else:
        from smb_data import PASSWORD, SambaServer

        share = tmp_path / "share"
        (share / "dump").mkdir(parents=True)
        for name, data in pieces.items():
            (share / "dump" / name).write_bytes(data)
        server = SambaServer(tmp_path / "samba", {"ev": share}).start()
        try:
            code, doc, err = _scan(tmp_path / "out", server.url("ev"), env={"LEAKSCAN_SMB_PASSWORD": PASSWORD})
        finally:
            server.kill()
    said = sorted((s["path"].rsplit("/", 1)[-1], "disk.001" in s["detail"]) for s in doc["skipped"]
                  if "later-segment" in _codes(s))
    assert said == [(here, True), (after, True)], doc["skipped"]
    read = [f for f in doc["files"] if f["path"].endswith(here)]
    assert len(read) == 1 and (read[0].get("pii") or {}).get("records", 0) > 0, read
    assert code == 3, err


def test_numbered_text_files_not_cut_by_size_stay_files() -> None:
    """``notes.002`` + ``notes.003`` of sizes no raw cut gives (not whole sectors, or a later one longer) are read
    as the files they are, not said segments; the same names cut evenly are (the rule above, over a listing)."""
    from scanner.sources.split_series import segments_in

    def grouped(sizes: dict[str, int]) -> list[str]:
        return sorted(segments_in(sizes, sizes.get, lambda name: False))

    assert grouped({"notes.002": 1000, "notes.003": 1000}) == []  # not whole sectors
    assert grouped({"notes.002": 4096, "notes.003": 8192}) == []  # a later piece longer
    assert grouped({"notes.002": 4096}) == []  # alone: a cut file or a segment, read as what it begins with
    assert grouped({"notes.002": 4096, "notes.003": 100}) == []  # a last piece no disk ends with (review23i)
    assert grouped({"notes.002": 4096, "notes.003": 4096, "notes.004": 100}) == []
    assert grouped({"notes.002": 4096, "notes.003": 4096, "notes.004": 512}) == ["notes.002", "notes.003", "notes.004"]


def test_two_numbered_notes_whose_last_is_no_whole_sectors_stay_files(tmp_path: Path) -> None:
    """review23i: ``memo.002`` (4,096 B of text) and ``memo.003`` (1,000 B), no ``memo.001``: ordinary numbered
    notes. A raw disk is whole sectors, so its last piece is too; images23 asked only the first to be (4096 % 512 ==
    0, the second no longer): both were listed later-segment naming memo.001, a clean scan made exit 3 (base: read,
    exit 0). Now read as the text files they are."""
    line = "会議メモ: 次回の議題を確認する。\n".encode()
    folder = tmp_path / "evidence" / "notes"
    folder.mkdir(parents=True)
    (folder / "memo.002").write_bytes((line * 200)[:4096])
    (folder / "memo.003").write_bytes((line * 200)[:1000])
    code, doc, err = _scan(tmp_path / "out", str(folder.parent))
    assert doc["skipped"] == [], doc["skipped"]
    assert code == 0, err


# --- 3. md: a forged superblock for a missing member's slot ---------------------------------------------------

@pytest.fixture(scope="module")
def ext_bytes(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str]:
    from image_data import ext_image, leaked_workbook, sha256, write_tree

    if shutil.which("mke2fs") is None:
        pytest.skip("mke2fs builds the file system")
    root = tmp_path_factory.mktemp("md23")
    book = leaked_workbook(seed=23)
    tree = write_tree(root / "tree", {"共有/名簿.xlsx": book})
    return ext_image(root / "ext4.img", tree, size_mib=8).read_bytes(), sha256(book)


def test_a_forged_superblock_for_a_missing_members_slot_does_not_make_the_array_stale(
        ext_bytes: tuple[bytes, str], tmp_path: Path) -> None:
    """raid5 of 3 hand-built 1.2 members, disk1 not handed over; beside them a forged member for slot 1 (disk1's
    superblock, its event count 10 past the array's and a year later, its data other bytes). Its role table records
    disk0 and disk2 active in their slots at its event count, yet both (agreeing with each other) are behind it: md
    writes every active member's superblock in one update, so they contradict it. Before: the forged count was the
    array's, disk0 and disk2 listed md-member-stale, the array (one member at that count) not rebuilt. Now the array
    is read from disk0 and disk2 (slot 1 from parity), the forged member listed with why it is left out."""
    from md_data import _csum1, write_members

    from tests.test_md_raid import _findings, _hits

    ext, book = ext_bytes
    folder = tmp_path / "nas"
    folder.mkdir()
    members = write_members(folder, ext, 5, 3)
    forged = folder / "z-disk1.img"
    members[1].rename(forged)
    raw = bytearray(forged.read_bytes())
    sb = bytearray(raw[4096:4096 + 1024])
    struct.pack_into("<Q", sb, 192, struct.unpack_from("<Q", sb, 192)[0] + 365 * 86400)
    struct.pack_into("<Q", sb, 200, struct.unpack_from("<Q", sb, 200)[0] + 10)
    struct.pack_into("<I", sb, 216, 0)
    struct.pack_into("<I", sb, 216, _csum1(sb, struct.unpack_from("<I", sb, 220)[0]))
    raw[4096:4096 + 1024] = sb
    raw[1 << 20:(1 << 20) + len(ext) // 2] = random.Random(23).randbytes(len(ext) // 2)
    forged.write_bytes(bytes(raw))
    code, doc = _findings(tmp_path / "out", str(members[0]), str(members[2]), str(forged))
    assert _hits(doc) == [(f"{members[0]} » fs (ext4) » /共有/名簿.xlsx", book)], doc["skipped"]
    assert not [s for s in doc["skipped"] if "md-member-stale" in _codes(s)], doc["skipped"]
    said = [s for s in doc["skipped"] if "md-member-contradicted" in _codes(s)]
    assert len(said) == 1 and said[0]["detail"].startswith("z-disk1.img: "), doc["skipped"]
    assert code == 3


# --- 4. one pyewf open per E01 --------------------------------------------------------------------------------

COUNT_OPENS = """
import os
import pyewf

_Real = pyewf.handle


class _Counted:
    \"\"\"A pyewf handle whose opens are written to $LEAKSCAN_TEST_EWF_OPENS (one line each).\"\"\"

    def __init__(self, *args, **kwargs):
        self._real = _Real(*args, **kwargs)

    def _said(self):
        with open(os.environ["LEAKSCAN_TEST_EWF_OPENS"], "a") as f:
            f.write("open\\n")

    def open(self, *args, **kwargs):
        self._said()
        return self._real.open(*args, **kwargs)

    def open_file_objects(self, *args, **kwargs):
        self._said()
        return self._real.open_file_objects(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._real, name)


pyewf.handle = _Counted
"""


@pytest.mark.parametrize("image", ["sleuthkit__image.E01", "dfvfs__ext2.E01"])
def test_an_e01_source_is_opened_once(tmp_path: Path, image: str) -> None:
    """The corpus's E01 images (The Sleuth Kit's, dfvfs'), scanned as SOURCEs (their stored hashes verified): before,
    pyewf opened each twice (leakscan's EwfImage, then dfvfs' EWFFile for the layer search and its file systems);
    now dfvfs reads through leakscan's one handle. The same files listed as through two handles."""
    source = Path("../shared/corpus/images") / image
    if not source.exists():
        pytest.skip("corpus image absent")
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(COUNT_OPENS, encoding="utf-8")
    opens = tmp_path / "opens.txt"
    opens.touch()
    code, doc, err = _scan(tmp_path / "out", str(source.resolve()),
                           env={"PYTHONPATH": str(site), "LEAKSCAN_TEST_EWF_OPENS": str(opens)})
    assert code in (0, 1), err
    assert doc["skipped"] == [] and doc["scan"]["complete"] is True, doc["skipped"]
    assert opens.read_text().count("open") == 1


# --- 5. a copy of an NTFS boot area is no cut image ----------------------------------------------------------

@pytest.mark.parametrize("name", ["bootsect.bak", "BOOTSECT.BAK"])
def test_an_ntfs_boot_area_copy_is_no_truncated_image(tmp_path: Path, name: str) -> None:
    """The first 8 KiB of a real mkntfs volume (its boot sector and boot code, what NTFS' $Boot holds and
    bootsect.exe backs up as ``bootsect.bak`` at a system volume's root) in a folder. Before: listed three times
    (unsupported "truncated image: its NTFS file system describes N bytes, the image holds 8192", corrupt, and its
    root unopened), the scan incomplete (exit 3), on every Windows volume holding one. Now read as the file it is,
    the scan complete. The same volume cut at 64 KiB (its first file records: a cut image) stays listed."""
    from image_data import ntfs_image

    if not shutil.which("mkntfs"):
        pytest.skip("mkntfs builds the volume")
    volume = ntfs_image(tmp_path / "ntfs.img", {}).read_bytes()
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / name).write_bytes(volume[:8192])
    code, doc, err = _scan(tmp_path / "out", str(folder))
    assert doc["skipped"] == [] and doc["scan"]["complete"] is True, doc["skipped"]
    assert code == 0, err
    cut = tmp_path / "cut"
    cut.mkdir()
    (cut / "disk.img").write_bytes(volume[:65536])
    code, doc, err = _scan(tmp_path / "out2", str(cut))
    assert any("truncated" in s["detail"] for s in doc["skipped"]), doc["skipped"]
    assert code == 3, err


@pytest.mark.parametrize("cut", [4096, 2048])
def test_an_ntfs_volume_cut_short_of_its_boot_area_is_still_a_cut_image(tmp_path: Path, cut: int) -> None:
    """review23i: an NTFS volume's dump cut at 4 KiB or 2 KiB, named with no image extension (``sda1``: an
    interrupted ``dd`` of a partition), is no copy of the boot area (bootsect.exe backs up all 16 sectors: 8,192
    bytes). Base: listed truncated, exit 3. images23: read as a plain file, nothing listed, exit 0 (a false clean:
    a volume of 8 MiB said nowhere). Now listed truncated again; only a file of exactly the boot area's size is a
    copy of it."""
    from image_data import ntfs_image

    if not shutil.which("mkntfs"):
        pytest.skip("mkntfs builds the volume")
    volume = ntfs_image(tmp_path / "ntfs.img", {}).read_bytes()
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "sda1").write_bytes(volume[:cut])
    code, doc, err = _scan(tmp_path / "out", str(folder))
    assert any("truncated-fs" in _codes(s) for s in doc["skipped"]), doc["skipped"]
    assert code == 3, err
