"""images25: issue #10's archive and image leftovers (concatenated cpio, tar resync, damaged nested cpio provenance,
cpio special-file wording, corrupt archives and the exit code, VHD parents, GPT overlaps).

Every archive is written by GNU cpio or GNU tar (gzip, xz, zstd for the compressed parts); what is expected is what
those tools list for each part (``cpio -t``, ``tar -t``)."""

from __future__ import annotations

import gzip
import json
import lzma
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import LEAKED, leaked_workbook, sha256

needs_cpio = pytest.mark.skipif(shutil.which("cpio") is None, reason="GNU cpio not installed")


def scan(source: Path, out: Path, *extra: str) -> tuple[int, dict, str]:
    proc = run_leakscan("scan", str(source), "--name", LEAKED, "--out", str(out), "--quiet", "--workers", "1", *extra)
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, doc, proc.stderr


def _cpio(fmt: str, names: list[str], cwd: Path) -> bytes:
    return subprocess.run(["cpio", "-o", "--quiet", "-H", fmt], cwd=cwd, input="\n".join(names).encode() + b"\n",
                          capture_output=True, check=True).stdout


def _cpio_list(data: bytes) -> list[str]:
    return subprocess.run(["cpio", "-t", "--quiet"], input=data, capture_output=True, check=True).stdout.decode().split()


def _known(folder: Path, *blobs: bytes) -> Path:
    path = folder / "known.txt"
    path.write_text("".join(sha256(b) + "\n" for b in blobs))
    return path


def _codes(doc: dict) -> list[str]:
    return [c["code"] for s in doc["skipped"] for c in s["detail_codes"]]


@needs_cpio
def test_concatenated_cpio_archives_are_all_read(tmp_path: Path) -> None:
    """An initramfs is several cpio archives one after another: the microcode's (newc, uncompressed, padded to
    512 bytes), then the main one, uncompressed, gzip or xz. Only the first archive's members were read (its
    TRAILER!!! ended the stream): the named file in the main part missed, exit 0, nothing said. Now every archive in
    the stream is read, as the kernel unpacks them and as ``cpio -t`` lists each part."""
    early, main = tmp_path / "early", tmp_path / "main"
    (early / "kernel/x86/microcode").mkdir(parents=True)
    (early / "kernel/x86/microcode/GenuineIntel.bin").write_bytes(b"\x01microcode" * 40)
    (main / "etc").mkdir(parents=True)
    (main / "etc/hostname").write_bytes(b"pc01\n")
    leaked = leaked_workbook(seed=25, rows=6)
    (main / LEAKED).write_bytes(leaked)
    first = _cpio("newc", ["kernel", "kernel/x86", "kernel/x86/microcode", "kernel/x86/microcode/GenuineIntel.bin"],
                  early)
    first += b"\x00" * (-len(first) % 512)
    second = _cpio("newc", ["etc", "etc/hostname", LEAKED], main)
    assert LEAKED in _cpio_list(second) and "kernel/x86/microcode/GenuineIntel.bin" in _cpio_list(first)
    share = tmp_path / "share"
    share.mkdir()
    (share / "initrd.cpio").write_bytes(first + second)
    (share / "initrd.img-6.1.0-gz").write_bytes(first + gzip.compress(second, mtime=0))
    (share / "initrd-xz").write_bytes(first + lzma.compress(second, format=lzma.FORMAT_XZ))
    odc = _cpio("odc", ["etc/hostname", LEAKED], main)  # another format after the first archive
    (share / "mixed.cpio").write_bytes(first + odc)
    rc, doc, err = scan(share, tmp_path / "out", "--known-hashes", str(_known(tmp_path, b"pc01\n")))
    found = sorted(h["path"].split(str(share) + "/")[1] for h in doc["files"] if h["inner_path"] == LEAKED)
    part = f"(archive 2 at byte {len(first)})"
    assert found == [
        f"initrd-xz » {part}.cpio.xz » {part}.cpio » {LEAKED}",
        f"initrd.cpio » {LEAKED}",
        f"initrd.img-6.1.0-gz » {part}.cpio.gz » {part}.cpio » {LEAKED}",
        f"mixed.cpio » {LEAKED}"], doc["skipped"]
    assert {h["sha256"] for h in doc["files"] if h["inner_path"] == LEAKED} == {sha256(leaked)}
    assert len([h for h in doc["files"] if h["inner_path"] == "etc/hostname"]) == 4
    later = [h for h in doc["files"] if h["path"].startswith(str(share / "mixed.cpio"))][0]
    assert later["container"][-1]["detail"]["archive"] == 2, later["container"]
    assert rc == 1, err
    assert not doc["skipped"], doc["skipped"]


@needs_cpio
def test_bytes_after_the_trailer_that_are_no_archive_are_said(tmp_path: Path) -> None:
    """A cpio followed by bytes that are neither zeros nor another archive (an lz4 initramfs part, or data hidden
    after the trailer): before, nothing was said of them; now listed ``cpio-after-trailer``."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.txt").write_bytes(b"a\n")
    data = _cpio("newc", ["a.txt"], tree) + b"hidden after the trailer\n" * 30  # (an lz4 part is read: images26)
    share = tmp_path / "share"
    share.mkdir()
    (share / "initrd.cpio").write_bytes(data)
    rc, doc, err = scan(share, tmp_path / "out")
    assert _codes(doc) == ["cpio-after-trailer"], doc["skipped"]


@needs_cpio
def test_members_of_a_cpio_inside_a_member_whose_header_broke_are_named_under_it(tmp_path: Path) -> None:
    """review24m's backup.cpio: first.txt, inner.cpio (a cpio itself, its header's size damaged), the named file.
    The resync lands inside inner.cpio's data: its member inner.txt was named ``backup.cpio » inner.txt``, as if
    the outer archive held it. Now ``backup.cpio » inner.cpio » inner.txt`` (the name read from the damaged
    header, whose name field is whole)."""
    inner_tree, tree = tmp_path / "inner", tmp_path / "tree"
    inner_tree.mkdir()
    tree.mkdir()
    inner_txt = b"inner\n" * 5
    (inner_tree / "inner.txt").write_bytes(inner_txt)
    leaked = leaked_workbook(seed=31, rows=6)
    (tree / "first.txt").write_bytes(b"first\n")
    (tree / "inner.cpio").write_bytes(_cpio("newc", ["inner.txt"], inner_tree))
    (tree / LEAKED).write_bytes(leaked)
    data = bytearray(_cpio("newc", ["first.txt", "inner.cpio", LEAKED], tree))
    header = data.index(b"inner.cpio") - 110
    data[header + 54 + 2] = ord("x")
    share = tmp_path / "share"
    share.mkdir()
    (share / "backup.cpio").write_bytes(bytes(data))
    rc, doc, err = scan(share, tmp_path / "out", "--known-hashes", str(_known(tmp_path, inner_txt, b"first\n")))
    paths = sorted(h["path"].split(str(share) + "/")[1] for h in doc["files"])
    assert paths == ["backup.cpio » first.txt", "backup.cpio » inner.cpio » inner.txt", f"backup.cpio » {LEAKED}"]
    assert rc == 1, err


@needs_cpio
def test_a_cpio_member_with_invalid_type_bits_says_what_it_is(tmp_path: Path) -> None:
    """A FIFO and a member whose mode's type bits are 0o170000 (no Unix file type): both were worded "device,
    fifo or socket". Now the FIFO is said a FIFO and the other a file of no known type, with its mode."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "odd.txt").write_bytes(b"odd\n")
    subprocess.run(["mkfifo", str(tree / "pipe")], check=True)
    data = bytearray(_cpio("newc", ["pipe", "odd.txt"], tree))
    header = data.index(b"odd.txt") - 110
    data[header + 14:header + 22] = b"%08X" % (0o170644)
    share = tmp_path / "share"
    share.mkdir()
    (share / "odd.cpio").write_bytes(bytes(data))
    rc, doc, err = scan(share, tmp_path / "out")
    said = {s["path"].rsplit(" » ", 1)[1]: s["detail"] for s in doc["skipped"]}
    assert said == {"pipe": "cpio FIFO (mode 010644): not read",
                    "odd.txt": "cpio file of no known type (mode 170644): not read"}, said


def _tar(names: list[str], cwd: Path) -> bytes:
    return subprocess.run(["tar", "--format=ustar", "-cf", "-", *names], cwd=cwd, capture_output=True,
                          check=True).stdout


@pytest.mark.skipif(shutil.which("tar") is None, reason="GNU tar not installed")
def test_a_tar_with_a_damaged_header_is_read_on_past_it(tmp_path: Path) -> None:
    """backup.tar (GNU tar, ustar): first.txt, inner.tar (a tar itself), the named file. inner.tar's header
    damaged two ways: its checksum (a byte flipped) and its size (a digit that is none). tarfile stopped there:
    "members after the first 1 not read", the named file missed, exit 0. GNU tar says "Skipping to next header",
    scans block by block, lands in inner.tar's own header, lists inner.txt and stops at inner.tar's end blocks
    (it misses the named file too). Now: with the size readable the damaged member is stepped over whole
    (tar-skipped-to-header); without it, block by block as GNU tar, and inner.tar's end blocks after the skip are
    said (tar-inner-end) and read past: the named file found in both, in the .tar.gz too."""
    inner, tree = tmp_path / "inner", tmp_path / "tree"
    inner.mkdir()
    tree.mkdir()
    (inner / "inner.txt").write_bytes(b"inner\n" * 3)
    (tree / "inner.tar").write_bytes(_tar(["inner.txt"], inner))
    (tree / "first.txt").write_bytes(b"first\n")
    leaked = leaked_workbook(seed=32, rows=6)
    (tree / LEAKED).write_bytes(leaked)
    whole = _tar(["first.txt", "inner.tar", LEAKED], tree)
    header = whole.index(b"inner.tar\x00")
    by_sum, by_size = bytearray(whole), bytearray(whole)
    by_sum[header + 148] ^= 0x01  # one bit of the checksum's first digit
    by_size[header + 124 + 5] = ord("x")
    share = tmp_path / "share"
    share.mkdir()
    (share / "sum.tar").write_bytes(bytes(by_sum))
    (share / "size.tar").write_bytes(bytes(by_size))
    (share / "size.tar.gz").write_bytes(gzip.compress(bytes(by_size), mtime=0))
    listed = subprocess.run(["tar", "-tf", str(share / "sum.tar")], capture_output=True, text=True)
    assert LEAKED not in listed.stdout and "Skipping to next header" in listed.stderr  # GNU tar's own reading
    rc, doc, err = scan(share, tmp_path / "out")
    found = sorted(h["path"].split(str(share) + "/")[1] for h in doc["files"] if h["inner_path"] == LEAKED)
    assert found == [f"size.tar » {LEAKED}", f"size.tar.gz » {LEAKED}", f"sum.tar » {LEAKED}"], doc["skipped"]
    assert {h["sha256"] for h in doc["files"] if h["inner_path"] == LEAKED} == {sha256(leaked)}
    rows = {(s["path"].rsplit("/", 1)[1], c["code"]) for s in doc["skipped"] for c in s["detail_codes"]}
    # images26: inner.tar's bytes are read as a member of its own (by its size, or up to the end of the tar it
    # holds), marked damaged, its members named under it (was: skipped, or read as the outer tar's + tar-inner-end)
    assert rows == {(f"{name}{inner}", "tar-member-read-damaged") for name in ("sum.tar", "size.tar", "size.tar.gz")
                    for inner in ("", " » inner.tar")}, doc["skipped"]
    assert rc == 1, err


@needs_cpio
def test_an_archive_whose_listing_stopped_is_listed_corrupt_and_the_scan_stays_complete(tmp_path: Path) -> None:
    """A cpio cut inside its second member's header (members after it never listed: cpio-stopped) and a tar whose
    damaged header no resync gets past (all 0xff to the end) are FILES listed `corrupt` with the stop named; the scan
    stays complete, exit 0, as a CSV cut mid-row (lead, session 25: exit 3 is for folders and volumes never listed
    and sources that went away; images25 had made these exit 3, reverted). A member skipped with the listing read on
    past it is said too (tar-skipped-to-header)."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for n in range(3):
        (tree / f"m{n}.txt").write_bytes(b"member %d\n" % n * 20)
    data = _cpio("newc", ["m0.txt", "m1.txt", "m2.txt"], tree)
    cut_at = data.index(b"m1.txt") - 60  # inside the second header
    share = tmp_path / "share"
    share.mkdir()
    (share / "cut.cpio").write_bytes(data[:cut_at])
    rc, doc, err = scan(share, tmp_path / "out")
    assert "cpio-stopped" in _codes(doc), doc["skipped"]
    assert [s["reason"] for s in doc["skipped"] if s["path"] == str(share / "cut.cpio")] == ["corrupt"], doc["skipped"]
    assert rc == 0 and doc["scan"]["complete"] is True, err
    tar = _tar(["m0.txt", "m1.txt", "m2.txt"], tree)
    (share / "cut.cpio").unlink()
    (share / "rest.tar").write_bytes(tar[:1024] + b"\xff" * (len(tar) - 1024))
    rc, doc, err = scan(share, tmp_path / "out2")
    assert "tar-members-after-not-read" in _codes(doc), doc["skipped"]
    assert rc == 0 and doc["scan"]["complete"] is True, err
    (share / "rest.tar").write_bytes(tar[:1024] + b"\xff" * 512 + tar[1536:])  # one header: read on past it
    rc, doc, err = scan(share, tmp_path / "out3")
    assert _codes(doc) == ["tar-skipped-past"], doc["skipped"]  # (tar-skipped-to-header before images26's wording)
    assert rc == 0 and doc["scan"]["complete"] is True, err


@pytest.mark.skipif(shutil.which("qemu-img") is None, reason="qemu-img not installed")
def test_a_differencing_vhd_beside_another_disk_under_its_parent_name_names_both(tmp_path: Path) -> None:
    """dfvfs' image-differential.vhd with image.vhd beside it replaced by another disk of the same size (qemu-img
    vpc): refused with libvhdi's "mismatch in identifier" alone, neither file named. Now the parent name the child
    records, the file found and both identifiers are said (image-parent-mismatch), exit 2."""
    from tests.test_image_thirdparty import _unpack

    child = _unpack(tmp_path, "image-differential.vhd", "image.vhd")
    import pyvhdi

    parent = pyvhdi.file()
    parent.open(str(tmp_path / "image.vhd"))  # qemu-img refuses dfvfs' pair (checksums stale): libvhdi reads it
    size = parent.media_size
    parent.close()
    (tmp_path / "image.vhd").unlink()
    subprocess.run(["qemu-img", "create", "-q", "-f", "vpc", str(tmp_path / "image.vhd"), str(size)], check=True)
    proc = run_leakscan("scan", str(child), "--name", LEAKED, "--out", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert f"its parent image.vhd was found as {tmp_path / 'image.vhd'}, which is another disk" in proc.stderr
    assert "the child expects " in proc.stderr and "mismatch in identifier" in proc.stderr


def _move_gpt_start(data: bytearray, slot: int, lba: int) -> None:
    """Set entry SLOT's first LBA in both GPT copies (primary after LBA 1, backup at the disk's end), their
    checksums made to hold again: a table edited by hand, as gdisk would leave it."""
    import struct
    import zlib

    last = len(data) // 512 - 1
    for header in (512, last * 512):
        entries = struct.unpack_from("<Q", data, header + 72)[0] * 512
        count, size = struct.unpack_from("<II", data, header + 80)
        struct.pack_into("<Q", data, entries + slot * size + 32, lba)
        struct.pack_into("<I", data, header + 88, zlib.crc32(bytes(data[entries:entries + count * size])))
        struct.pack_into("<I", data, header + 16, 0)
        length = struct.unpack_from("<I", data, header + 12)[0]
        struct.pack_into("<I", data, header + 16, zlib.crc32(bytes(data[header:header + length])))


@pytest.mark.skipif(shutil.which("sfdisk") is None or shutil.which("mke2fs") is None or shutil.which("fls") is None,
                    reason="sfdisk, mke2fs or fls not installed")
def test_a_gpt_partition_moved_onto_another_names_the_overlap_and_finds_its_file_system(tmp_path: Path) -> None:
    """sfdisk GPT, two ext2 (mke2fs -d); p2's start moved to inside p1 in both table copies (checksums fixed).
    Before: p2 "holds data but no file system" with nothing about the overlap on its row, and its ext2 (at its old
    start, where p1 ends) never walked: the named file in it missed. Now p2's row says the overlap and the file
    system where p1 ends inside p2 is walked (fs-after-overlap), as ``fls -o`` at that sector lists it."""
    disk = tmp_path / "disk.raw"
    disk.write_bytes(b"")
    subprocess.run(["truncate", "-s", "20M", str(disk)], check=True)
    subprocess.run(["sfdisk", "-q", str(disk)], input=b"label: gpt\nstart=2048, size=8192\nstart=10240, size=8192\n",
                   check=True)
    leaked = leaked_workbook(seed=33, rows=6)
    for n, start in ((1, 2048), (2, 10240)):
        tree = tmp_path / f"t{n}"
        tree.mkdir()
        (tree / f"p{n}.txt").write_bytes(b"partition %d\n" % n)
        if n == 2:
            (tree / LEAKED).write_bytes(leaked)
        subprocess.run(["mke2fs", "-q", "-t", "ext2", "-d", str(tree), "-E", f"offset={start * 512}", str(disk), "4M"],
                       check=True)
    data = bytearray(disk.read_bytes())
    _move_gpt_start(data, 1, 6144)
    image = tmp_path / "share" / "overlap.raw"
    image.parent.mkdir()
    image.write_bytes(bytes(data))
    assert "p2.txt" in subprocess.run(["fls", "-o", "10240", str(image)], capture_output=True, text=True).stdout
    assert "6144" in subprocess.run(["mmls", str(image)], capture_output=True, text=True).stdout
    rc, doc, err = scan(image, tmp_path / "out")
    assert [h["path"] for h in doc["files"]] == [f"{image} » p2-at-2097152 (ext2) » /{LEAKED}"], doc["skipped"]
    volumes = {v["name"]: v for d in doc["scan"]["source_details"] for v in d.get("volumes", [])}
    # images26: p2's "no file system" row (exit 3) became a note on its volume once its moved ext2 was walked
    assert not [s for s in doc["skipped"] if s["path"] == f"{image} » p2 » /"], doc["skipped"]
    assert {"partitions-overlap", "partition-walked-moved"} <= {c["code"] for c in volumes["p2"]["note_codes"]}
    assert "fs-after-overlap" in {c["code"] for c in volumes["p2-at-2097152"]["note_codes"]}


@pytest.mark.skipif(shutil.which("qemu-img") is None or shutil.which("mke2fs") is None, reason="qemu-img or mke2fs")
def test_a_split_sparse_vmdk_missing_its_last_extent_reads_the_extents_present(tmp_path: Path) -> None:
    """qemu-img twoGbMaxExtentSparse of a 4,200 MiB disk (three extent files) holding an ext2 (mke2fs -d) in its
    first 8 MiB; disk-s003.vmdk deleted. Before: the whole image refused ("Unable to locate all extent data
    files"), exit 2, the named file in extent 1 never read. Now the extents present are read (the missing one as
    zeros), the named file found, and the missing extent listed by name with the bytes of the disk it held
    (media-file-missing), exit 3: never a clean."""
    tree = tmp_path / "tree"
    tree.mkdir()
    leaked = leaked_workbook(seed=34, rows=6)
    (tree / LEAKED).write_bytes(leaked)
    raw = tmp_path / "big.raw"
    subprocess.run(["truncate", "-s", "4200M", str(raw)], check=True)
    subprocess.run(["mke2fs", "-q", "-t", "ext2", "-d", str(tree), str(raw), "8M"], check=True)
    folder = tmp_path / "vm"
    folder.mkdir()
    subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=twoGbMaxExtentSparse", str(raw),
                    str(folder / "disk.vmdk")], check=True)
    raw.unlink()
    assert sorted(p.name for p in folder.iterdir()) == ["disk-s001.vmdk", "disk-s002.vmdk", "disk-s003.vmdk",
                                                        "disk.vmdk"]
    (folder / "disk-s003.vmdk").unlink()
    rc, doc, err = scan(folder / "disk.vmdk", tmp_path / "out")
    assert [(h["inner_path"], h["sha256"]) for h in doc["files"]] == [(f"/{LEAKED}", sha256(leaked))], err
    (row,) = doc["skipped"]
    assert row["detail_codes"][0]["code"] == "extent-read-as-zeros" and "disk-s003.vmdk (bytes 4294967296 to " in \
        row["detail"], row
    assert rc == 3 and doc["scan"]["complete"] is False, err
