"""images21: trust first. A file leakscan's own code crashed on is no damaged file, and a volume never read (a split
raw image's later segments whose first segment is missing) never leaves the scan complete.

Before: an inspector's crash in leakscan's own code (a bug) was listed ``corrupt`` "inspector image failed" and the
scan complete (exit 0): the file's content unexamined, passed off as the evidence's fault; ``disk.002`` and
``disk.003`` without ``disk.001`` (no file system at their start) were examined as plain files and listed nowhere, the
scan complete (exit 0)."""

from __future__ import annotations

import json
import shutil
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan
from image_data import fat_image, leaked_workbook

from scanner.codes import Status
from scanner.contracts import Inspection, run_inspector
from scanner.sources.single import SingleFileEntry

needs_mtools = pytest.mark.skipif(not all(shutil.which(t) for t in ("mkfs.vfat", "mcopy")), reason="needs mtools")


def _scan(out: Path, *sources: Path, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    done = run_leakscan("scan", *map(str, sources), "--out", str(out), "--workers", "1", "--quiet", "--name",
                        "名簿.xlsx", env=env, timeout=240)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8")), done.stderr


def _codes(skip: dict[str, Any]) -> list[str]:
    return [c["code"] for c in skip.get("detail_codes") or []]


@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("img21")
    return fat_image(folder / "pc.img", {"/共有/名簿.xlsx": leaked_workbook(seed=21)})


# --- 1. a crash of leakscan's own code is an internal error -----------------------------------------------------

@needs_mtools
def test_a_crash_in_leakscans_own_code_is_an_internal_error(disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the image inspector (a TypeError raised in scanner/inspectors/image.py) on a real FAT image: the
    image is not damaged, so it is not called corrupt; the stage (the inspector, where it failed) is said."""
    from scanner.config import ScanConfig
    from scanner.inspectors import image

    monkeypatch.setattr(image, "MAX_IMAGE_NESTING", None)  # image_depth(entry) >= None: a TypeError in our code
    found = run_inspector(image.ImageInspector(ScanConfig([str(disk)], disk.parent / "out")), SingleFileEntry(str(disk)), b"", "", None)  # type: ignore[arg-type]
    assert found.status == Status.INTERNAL_ERROR, found
    assert "inspector image" in found.detail and "TypeError" in found.detail and "image.py" in found.detail
    assert "corrupt" not in found.detail


def test_a_library_refusing_the_file_is_still_corrupt(corpus: Path) -> None:
    """A third-party reader raising on the bytes (zipfile on the corpus's empty .xlsx) says the file is damaged."""

    class Reader:
        name = "zipreader"

        def inspect(self, entry: Any, data: bytes, ctype: str, ctx: Any) -> Inspection:
            import io

            zipfile.ZipFile(io.BytesIO(data))
            return Inspection()

    path = corpus / "spreadsheets/robust/openpyxl__null_file.xlsx"
    found = run_inspector(Reader(), SingleFileEntry(str(path)), path.read_bytes(), "", None)  # type: ignore[arg-type]
    assert found.status == Status.CORRUPT and "BadZipFile" in found.detail


@needs_mtools
def test_an_internal_error_makes_the_scan_incomplete(disk: Path, tmp_path: Path) -> None:
    """End to end: the same bug injected into every interpreter of the scan (workers are fresh interpreters):
    the image listed internal-error, the scan incomplete (exit 3), never complete with a 'corrupt' file."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(textwrap.dedent("""
        try:
            import scanner.inspectors.image as _image
            _image.MAX_IMAGE_NESTING = None
        except Exception:
            pass
    """))
    import os

    root = Path(__file__).resolve().parent.parent
    folder = tmp_path / "share"
    folder.mkdir()
    shutil.copyfile(disk, folder / "pc.img")
    code, doc, err = _scan(tmp_path / "out", folder,
                           env={"PYTHONPATH": os.pathsep.join([str(hook), str(root)])})
    said = [s for s in doc["skipped"] if s["path"].endswith("pc.img")]
    assert [(s["reason"], _codes(s)) for s in said] == [("internal-error", ["inspector-internal-error"])], doc["skipped"]
    assert doc["scan"]["complete"] is False
    assert code == 3, err
    assert "internal-error" in err and "1 file(s) not examined because leakscan's own code failed" in err, err
    assert "the source went away" not in err, err


# --- 2. a split raw image's later segments without the first ----------------------------------------------------

@pytest.fixture(scope="module")
def later(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """disk.002 and disk.003 of a split raw image (the middle of a disk: no file system starts there), disk.001 not
    handed over."""
    import random

    folder = tmp_path_factory.mktemp("later") / "evidence"
    folder.mkdir()
    rnd = random.Random(21)
    (folder / "disk.002").write_bytes(rnd.randbytes(2 << 20))
    (folder / "disk.003").write_bytes(rnd.randbytes(1 << 20))
    return folder


def test_later_segments_without_the_first_are_listed_and_the_scan_incomplete(later: Path, tmp_path: Path) -> None:
    code, doc, err = _scan(tmp_path / "out", later)
    said = sorted((Path(s["path"]).name, s["reason"], _codes(s)) for s in doc["skipped"])
    assert said == [("disk.002", "unsupported", ["later-segment"]), ("disk.003", "unsupported", ["later-segment"])]
    assert all("disk.001" in s["detail"] for s in doc["skipped"])
    assert doc["scan"]["complete"] is False
    assert code == 3, err


def test_a_later_segment_given_as_the_source_names_its_first(later: Path, tmp_path: Path) -> None:
    """As an E02 given alone: a usage error naming the first segment (before: read as a plain file, exit 0)."""
    done = run_leakscan("scan", str(later / "disk.002"), "--out", str(tmp_path / "out"), "--quiet", "--name", "名簿.xlsx")
    assert done.returncode == 2, done.stderr
    assert "disk.001" in done.stderr and "later segment" in done.stderr


def test_a_text_piece_named_so_is_not_taken_for_a_segment(tmp_path: Path) -> None:
    """A CSV cut by ``split`` whose first piece is lost: text, read by its content as before, no segment listed."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "list.002").write_text("山田,東京都\n" * 2000, encoding="utf-8")
    _, doc, _ = _scan(tmp_path / "out", folder)
    assert not [s for s in doc["skipped"] if "later-segment" in _codes(s)], doc["skipped"]


# --- 5. md: which copy fills a slot, a lone raid1 member, stale members of other levels ------------------------

@pytest.fixture(scope="module")
def ext_bytes(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str]:
    from image_data import ext_image, sha256, write_tree

    if shutil.which("mke2fs") is None:
        pytest.skip("mke2fs builds the file system")
    root = tmp_path_factory.mktemp("md21")
    book = leaked_workbook(seed=21)
    tree = write_tree(root / "tree", {"共有/名簿.xlsx": book})
    return ext_image(root / "ext4.img", tree, size_mib=8).read_bytes(), sha256(book)


def _resign(path: Path, at: int, utime: int | None = None, data: tuple[int, bytes] | None = None) -> None:
    """A 1.x member's superblock at AT given another update time (checksum made again), its data area overwritten."""
    import struct

    from md_data import _csum1

    raw = bytearray(path.read_bytes())
    sb = bytearray(raw[at:at + 1024])
    if utime is not None:
        struct.pack_into("<Q", sb, 192, utime)
    max_dev = struct.unpack_from("<I", sb, 220)[0]
    struct.pack_into("<I", sb, 216, 0)
    struct.pack_into("<I", sb, 216, _csum1(sb, max_dev))
    raw[at:at + 1024] = sb
    if data is not None:
        raw[data[0]:data[0] + len(data[1])] = data[1]
    path.write_bytes(bytes(raw))


def test_a_doubly_claimed_slot_is_filled_by_the_freshest_superblock_not_the_first_path(
        ext_bytes: tuple[bytes, str], tmp_path: Path) -> None:
    """Two images claim raid5 slot 1 at the newest event count: disk1.img, and a copy whose superblock was last
    updated a year earlier holding other bytes (a forged or reused superblock) that sorts first by its path. Before:
    the first path filled the slot, the array was read from the wrong bytes (the workbook lost) and the real member
    listed md-member-duplicate. Now md's own metadata decides (update time): the real one is read, the other listed."""
    import random

    from md_data import write_members

    from tests.test_md_raid import _findings, _hits

    ext, book = ext_bytes
    folder = tmp_path / "nas"
    folder.mkdir()
    members = write_members(folder, ext, 5, 3)
    forged = folder / "a-disk1.img"
    shutil.copyfile(members[1], forged)
    _resign(forged, 4096, utime=1700000100 - 365 * 86400,
            data=(1 << 20, random.Random(21).randbytes(len(ext))))
    code, doc = _findings(tmp_path / "out", *map(str, members), str(forged))
    assert _hits(doc) == [(f"{members[0]} » fs (ext4) » /共有/名簿.xlsx", book)], doc["skipped"]
    said = [s for s in doc["skipped"] if _codes(s)[:1] == ["md-member-duplicate"]]
    assert len(said) == 1 and said[0]["detail"].startswith("a-disk1.img: "), doc["skipped"]
    assert "disk1.img already fills" in said[0]["detail"]
    assert code == 3


@pytest.mark.parametrize("version", ["1.2", "0.90"])
def test_a_lone_raid1_member_is_read_as_a_whole_copy_without_a_degraded_alarm(
        ext_bytes: tuple[bytes, str], tmp_path: Path, version: str) -> None:
    """One member of a two-way raid1 imaged (its file system at data offset 1 MiB for 1.2; at 0 with no partition
    table for 0.90): it holds the whole array, nothing is rebuilt from anything. Before: read with md-degraded
    "their data was rebuilt from parity or another copy" (the 0.90 case with a partition table was fixed in
    session 20 as md-lone-mirror; 1.2 never reaches it)."""
    from md_data import write_members

    from tests.test_md_raid import _findings, _hits

    ext, book = ext_bytes
    members = write_members(tmp_path, ext, 1, 2, chunk=0, version=version)
    members[1].unlink()
    code, doc = _findings(tmp_path / "out", str(members[0]))
    assert _hits(doc) == [(f"{members[0]} » fs (ext4) » /共有/名簿.xlsx", book)], doc["skipped"]
    notes = [c["code"] for c in doc["scan"]["source_details"][0]["volumes"][0]["note_codes"]]
    assert "md-degraded" not in notes and "md-lone-mirror-read" in notes, notes
    assert code == 1 and doc["skipped"] == []


def test_stale_raid10_members_holding_every_chunk_are_walked_as_an_older_copy(
        ext_bytes: tuple[bytes, str], tmp_path: Path) -> None:
    """raid10 near 2 over 4: slots 0 and 2 failed together (event 22, the array at 30) and hold one copy of every
    chunk between them: a whole older file system, the workbook deleted since still on it. Before: each listed
    md-member-stale, never examined (only raid1's stale members were walked)."""
    from image_data import ext_image, write_tree
    from md_data import write_members

    from tests.test_md_raid import _findings, _hits

    ext, book = ext_bytes
    new = ext_image(tmp_path / "new.img", write_tree(tmp_path / "t", {"共有/memo.txt": b"nothing"}), size_mib=8)
    current = write_members(tmp_path, new.read_bytes(), 10, 4, chunk=65536, layout=0x102, events=[30] * 4)
    older = tmp_path / "older"
    older.mkdir()
    stale = write_members(older, ext, 10, 4, chunk=65536, layout=0x102, events=[22] * 4)  # the same array UUID
    for i in (0, 2):
        shutil.copy(stale[i], current[i])
    code, doc = _findings(tmp_path / "out", *map(str, current))
    assert _hits(doc) == [(f"{current[0]} » stale-slot0 (ext4) » /共有/名簿.xlsx", book)], doc["skipped"]
    volume = next(v for v in doc["scan"]["source_details"][0]["volumes"] if v["name"] == "stale-slot0")
    assert [c["code"] for c in volume["note_codes"]] == ["md-stale-copy"]
    assert "older copy of the md raid10 array: member image disk0.img, disk2.img" in volume["note"]
    assert code == 1 and doc["skipped"] == []


def test_a_stale_raid5_member_says_why_its_older_data_is_not_read(ext_bytes: tuple[bytes, str], tmp_path: Path) -> None:
    from md_data import write_members

    from tests.test_md_raid import _findings

    ext, _ = ext_bytes
    members = write_members(tmp_path, ext, 5, 3, events=[30, 22, 30])
    code, doc = _findings(tmp_path / "out", *map(str, members))
    (said,) = doc["skipped"]
    assert _codes(said) == ["md-member-stale", "md-stale-unread"]
    assert "slot(s) 1 of the md raid5 array" in said["detail"] and "raid5: 2 of 3 members missing" in said["detail"]
    assert code == 3


# --- 4. an image SOURCE is opened once for the md check and the walk --------------------------------------------

def test_an_e01_source_is_opened_once_by_leakscan_for_the_md_check_and_the_walk(
        corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """dfvfs' ext2.E01 (third-party): the md member check opened it through pyewf (every segment's tables read) and
    closed it, then the walk opened it again (pyewf handles: 6, leakscan's own 2). Now the handle the check opened
    is the one walked (5, leakscan's own 1; dfvfs' layer search opens its own), and the walk finds the same files."""
    from scanner.sources import image_media
    from scanner.sources.image import ImageSource

    real, opened = image_media.EwfImage.__init__, []

    def counted(self: object, path: str) -> None:
        opened.append(path)
        real(self, path)  # type: ignore[arg-type]

    monkeypatch.setattr(image_media.EwfImage, "__init__", counted)
    with ImageSource(str(corpus / "images/dfvfs__ext2.E01")) as source:
        names = sorted(e.location.path for e in source.entries() if hasattr(e, "location"))
    assert len(opened) == 1, opened
    assert names == ["/a_directory/a_file", "/a_directory/another_file", "/a_link", "/passwords.txt"], names


# --- 3. md members in containers: refused, missing an extent, read errors in mirrors -----------------------------

def _qemu(raw: Path, target: Path, fmt: str, *options: str) -> Path:
    import subprocess

    subprocess.run(["qemu-img", "convert", "-O", fmt, *options, str(raw), str(target)], check=True,
                   capture_output=True, timeout=120)
    return target


needs_containers = pytest.mark.skipif(any(shutil.which(t) is None for t in ("qemu-img", "ewfacquire")),
                                      reason="qemu-img and ewfacquire make the containers")


@needs_containers
@pytest.mark.parametrize(("level", "layout"), [(1, 0), (10, 0x102)])
def test_a_mirror_reads_the_other_copy_where_a_member_container_fails(tmp_path: Path, level: int, layout: int) -> None:
    """raid1 / raid10 (near 2 over 4): slot 0 a QCOW2 cut short (its virtual size whole: libqcow fails each read of a
    cluster past the file's end), tried first; the other copy is read, as md does with a member's read error
    (image_md MdArray._mirror and _chunk's raid10 loop: no test of their own before)."""
    import random

    from md_data import write_members

    from scanner.sources.image_md import MdArray, gather, md_super
    from scanner.sources.image_media import open_md_member

    data = random.Random(level).randbytes(3 << 20)
    raw = tmp_path / "raw"
    raw.mkdir()
    members = write_members(raw, data, level, 2 if level == 1 else 4, chunk=0 if level == 1 else 65536,
                            layout=layout)
    folder = tmp_path / "m"
    folder.mkdir()
    cut = _qemu(members[0], folder / "disk0.qcow2", "qcow2")
    body = cut.read_bytes()
    cut.write_bytes(body[:len(body) * 2 // 3])
    for m in members[1:]:
        shutil.copyfile(m, folder / m.name)
    first = md_super(str(cut), opener=open_md_member)
    assert first is not None and first.role == 0
    found = gather((str(cut), 0, None), first, [], opener=open_md_member)
    current = found.current()
    assert sorted(current) == list(range(len(members)))
    array = MdArray(found.supers[current[0]], current, found.supers, found.places, found.opener)
    try:
        assert array.read(0, len(data)) == data
    finally:
        array.close()


def _array_words(doc: dict[str, Any]) -> tuple[list[str], str]:
    """The codes and the text of every volume note and skipped detail of a scan."""
    notes = [v for d in doc["scan"]["source_details"] for v in d.get("volumes", [])]
    codes = [c["code"] for v in notes for c in v.get("note_codes", [])] + [
        c["code"] for s in doc["skipped"] for c in s.get("detail_codes", [])]
    return codes, " ".join([*(v.get("note", "") for v in notes), *(s["detail"] for s in doc["skipped"])])


@needs_containers
def test_a_vmdk_member_missing_its_flat_extent_is_named_with_the_array(ext_bytes: tuple[bytes, str],
                                                                       tmp_path: Path) -> None:
    """A raid5 member imaged as a flat VMDK whose extent was not handed over (dfvfs refuses the descriptor): the
    array is rebuilt from parity and its note names disk0.vmdk and the missing extent. Before: "rebuilt from 2 of 3
    member images: disk1.img, disk2.img", the VMDK beside them said nowhere in the array's messages."""
    from md_data import write_members

    from tests.test_md_raid import _findings, _hits

    ext, book = ext_bytes
    raw = tmp_path / "raw"
    raw.mkdir()
    members = write_members(raw, ext, 5, 3)
    folder = tmp_path / "nas"
    folder.mkdir()
    _qemu(members[0], folder / "disk0.vmdk", "vmdk", "-o", "subformat=monolithicFlat")
    (folder / "disk0-flat.vmdk").unlink()
    for m in members[1:]:
        shutil.copyfile(m, folder / m.name)
    code, doc = _findings(tmp_path / "out", folder / "disk1.img", folder / "disk2.img")
    assert _hits(doc) == [(f"{folder}/disk1.img » fs (ext4) » /共有/名簿.xlsx", book)], doc["skipped"]
    codes, said = _array_words(doc)
    assert "md-images-unread" in codes and "disk0.vmdk (VMDK image not opened" in said, (codes, said)
    assert "disk0-flat.vmdk" in said


@needs_containers
def test_a_member_e01_its_library_refuses_is_named_in_the_arrays_messages(ext_bytes: tuple[bytes, str],
                                                                          tmp_path: Path) -> None:
    """raid5 members as E01s; disk0.E01 cut to its first 4 KiB (libewf refuses to open it). The array is read from
    the other two (parity), and its notes name disk0.E01 as an image that was not read. Before: gather skipped it
    without a word ("rebuilt from 2 of 3 members", slot 0 "not among the images" though its image was there); a
    raid0 (no parity) refused "1 of 3 members missing; member images found: disk1.E01, disk2.E01" likewise."""
    import subprocess

    from md_data import write_members

    from tests.test_md_raid import _findings, _hits

    ext, book = ext_bytes
    raw = tmp_path / "raw"
    raw.mkdir()
    folder = tmp_path / "nas"
    folder.mkdir()
    for level, stem in ((5, "disk"), (0, "zero")):
        for m in write_members(raw, ext, level, 3, stem=stem):
            subprocess.run(["ewfacquire", "-u", "-q", "-t", str(folder / m.stem), "-f", "encase6", "-c", "none",
                            str(m)], check=True, capture_output=True, timeout=120)
        e01 = folder / f"{stem}0.E01"
        e01.write_bytes(e01.read_bytes()[:4096])
    code, doc = _findings(tmp_path / "out", folder / "disk1.E01", folder / "disk2.E01")
    assert _hits(doc) == [(f"{folder}/disk1.E01 » fs (ext4) » /共有/名簿.xlsx", book)], doc["skipped"]
    codes, said = _array_words(doc)
    assert "md-images-unread" in codes and "disk0.E01 (EWF" in said, (codes, said)
    code, doc = _findings(tmp_path / "out0", folder / "zero1.E01", folder / "zero2.E01")
    (error,) = {e["error"] for e in doc["scan"]["source_errors"]}
    assert "md-images-unread" in [c["code"] for c in doc["skipped"][0]["detail_codes"]], doc["skipped"]
    assert "zero0.E01 (EWF" in error, error


@needs_mtools
def test_a_nested_images_walk_stopped_by_its_reader_makes_the_scan_incomplete(disk: Path, tmp_path: Path) -> None:
    """An image met in a folder whose walk a library stops part-way (injected: its batches raise OSError after the
    first, as a reader failing mid-walk does): the rest of the image was never listed, so the scan is incomplete.
    Before: `corrupt` nested-walk-stopped, the scan complete (exit 0)."""
    import os

    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(textwrap.dedent("""
        try:
            import scanner.sources.image as _image
            _batches = _image.ImageSource.batches

            def _failing(self, *a, **k):
                if self.within is None:
                    yield from _batches(self, *a, **k)
                    return
                raise OSError("reader failed")
                yield

            _image.ImageSource.batches = _failing
        except Exception:
            pass
    """))
    root = Path(__file__).resolve().parent.parent
    folder = tmp_path / "share"
    folder.mkdir()
    shutil.copyfile(disk, folder / "pc.img")
    code, doc, err = _scan(tmp_path / "out", folder, env={"PYTHONPATH": os.pathsep.join([str(hook), str(root)])})
    said = [s for s in doc["skipped"] if s["path"].endswith("pc.img")]
    assert [(s["reason"], _codes(s)) for s in said] == [("corrupt", ["nested-walk-stopped"])], doc["skipped"]
    assert doc["scan"]["complete"] is False
    assert code == 3, err
