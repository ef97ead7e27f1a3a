"""A compressed QCOW2 (``qemu-img convert -c``, common for archived VMs): libqcow reads some of its compressed clusters
as zeros, without an error (review17f #4; a 64 MiB FAT32 with one file loses its root directory: an empty volume,
exit 0; an ext4 three clusters). Session 17 listed it (`qcow2-compressed-misread`, incomplete); since session 18 such
an image (the image or a QCOW2 backing file holding compressed clusters, or a zstd one, which libqcow refuses) is
read by image_qcow.QcowReader, as qemu reads it, and its files are found. Every reader is checked byte for byte
against ``qemu-img convert -O raw``; the misread check stays the safety net when QcowReader refuses a header."""

from __future__ import annotations

import json
import os
import struct
import subprocess
from pathlib import Path

import pytest

from scanner.backends import load
from scanner.sources.image_qcow import QcowRefused, compressed_misread, open_qcow
from tests.conftest import run_cli
from tests.image_data import ext_image, leaked_workbook, sha256, write_tree

LEAKED = "meibo.csv"
CONTENT = b"id,name\n1,leaked\n"
BOOK = "顧客一覧.xlsx"
_OWN = "QCOW (read by leakscan's own QCOW2 reader)"
# the ext4 person list, each way qemu-img writes a compressed QCOW2: (name, qemu-img convert options)
_EXT_WAYS = (("ext.qcow2", ["-c"]), ("ext-v2.qcow2", ["-c", "-o", "compat=0.10"]),
             ("ext-zstd.qcow2", ["-c", "-o", "compression_type=zstd"]),
             ("ext-c4k.qcow2", ["-c", "-o", "cluster_size=4096"]))


def _qemu(*args: str, cwd: Path) -> None:
    subprocess.run(["qemu-img", *args], check=True, cwd=cwd, capture_output=True)


@pytest.fixture(scope="module")
def fat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("qcow_compressed")
    img, leaked = where / "fat.img", where / LEAKED
    leaked.write_bytes(CONTENT)
    os.utime(leaked, (1577836800, 1577836800))
    with open(img, "wb") as f:
        f.truncate(64 << 20)
    # the same bytes on every run (no random volume id, no clock): which clusters libqcow misreads hangs on where
    # qemu packs each compressed cluster; with these, FAT's root directory (1 MiB) is one, so the volume was empty
    subprocess.run(["mkfs.vfat", "--invariant", "-i", "1234abcd", "-F", "32", str(img)], check=True,
                   capture_output=True)
    subprocess.run(["mcopy", "-m", "-i", str(img), str(leaked), f"::{LEAKED}"], check=True, capture_output=True)
    for name, extra in (("packed.qcow2", ["-c"]), ("plain.qcow2", [])):
        _qemu("convert", "-q", *extra, "-O", "qcow2", str(img), name, cwd=where)
    _qemu("convert", "-q", "-O", "raw", "packed.qcow2", "back.raw", cwd=where)
    # an overlay over the compressed image (a VM started again from the archived disk): its own clusters (written
    # past the file system's data, and zeroed) over the backing file's compressed ones
    _qemu("create", "-q", "-f", "qcow2", "-b", "packed.qcow2", "-F", "qcow2", "over.qcow2", cwd=where)
    subprocess.run(["qemu-io", "-c", "write -P 0x41 60M 64k", "-c", "write -z 61M 64k", "over.qcow2"], check=True,
                   cwd=where, capture_output=True)
    book = leaked_workbook(seed=18)  # (openpyxl writes the time: made once)
    (where / "book.xlsx").write_bytes(book)
    # a compressed overlay over a raw backing disk (qemu-img convert -c -B): its clusters that differ, compressed
    subprocess.run(["cp", "fat.img", "changed.img"], check=True, cwd=where)
    subprocess.run(["mcopy", "-m", "-i", "changed.img", str(leaked), "::other.csv"], check=True, capture_output=True,
                   cwd=where)
    _qemu("convert", "-q", "-c", "-O", "qcow2", "-B", "fat.img", "-F", "raw", "changed.img", "over-raw.qcow2", cwd=where)
    (where / "changed.img").unlink()
    tree = write_tree(where / "tree", {f"/共有/{BOOK}": book, "/readme.txt": b"hello\n"})
    ext_image(where / "ext.img", tree, size_mib=32)
    for name, options in _EXT_WAYS:
        _qemu("convert", "-q", *options, "-O", "qcow2", "ext.img", name, cwd=where)
    return where


def _misread(image: Path, read_disk: object) -> tuple[int, int] | None:
    fd = os.open(image, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        return compressed_misread(lambda o, n: os.pread(fd, max(0, min(n, size - o)), o) if 0 <= o < size else b"",
                                  size, read_disk)  # type: ignore[arg-type]
    finally:
        os.close(fd)


def test_our_inflate_reads_as_qemu_and_libqcow_does_not(fat: Path) -> None:
    raw = (fat / "back.raw").read_bytes()
    assert _misread(fat / "packed.qcow2", lambda o, n: raw[o:o + n]) is None  # qemu's bytes: every cluster alike
    qcow = load("pyqcow").file()
    qcow.open(str(fat / "packed.qcow2"))
    try:
        found = _misread(fat / "packed.qcow2", lambda o, n: qcow.read_buffer_at_offset(n, o))
    finally:
        qcow.close()
    assert found is not None and found[0] >= 1, found
    assert _misread(fat / "plain.qcow2", lambda o, n: raw[o:o + n]) is None  # no compressed cluster at all


@pytest.mark.parametrize("name", ["packed.qcow2", "plain.qcow2", "over.qcow2", "over-raw.qcow2",
                                  *(n for n, _ in _EXT_WAYS)])
def test_the_reader_reads_every_byte_as_qemu(fat: Path, tmp_path: Path, name: str) -> None:
    """QcowReader against ``qemu-img convert -O raw``, every byte, in reads that cross cluster boundaries: deflate
    and zstd clusters, version 2 and 3 headers, 4 KiB and 64 KiB clusters, an overlay (its own, zero and
    unallocated clusters) over a compressed backing file, a compressed overlay over a raw backing disk."""
    _qemu("convert", "-q", "-O", "raw", str(fat / name), str(tmp_path / "disk.raw"), cwd=tmp_path)
    want = (tmp_path / "disk.raw").read_bytes()
    reader = open_qcow(str(fat / name))
    try:
        assert reader.get_size() == len(want)
        step = 3 * 65536 + 512
        got = b"".join(reader.read(at, step) for at in range(0, len(want), step))
        assert got == want
        assert reader.read(len(want) - 100, 4096) == want[-100:]  # short at the disk's end
    finally:
        reader.close()


def _scan(out: Path, *images: Path, name: str = LEAKED) -> tuple[int, dict]:
    proc = run_cli("scan", *map(str, images), "--name", name, "--out", str(out), "--quiet", timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _details(doc: dict, image: Path) -> dict:
    return next(d for d in doc["scan"]["source_details"] if d["source"] == str(image))


def test_a_compressed_qcow2_libqcow_misreads_is_read_as_qemu_reads_it(fat: Path, tmp_path: Path) -> None:
    """Session 17: `qcow2-compressed-misread`, exit 3, the file not found (before: an empty volume, exit 0). Now the
    file is found with its own hash, the scan complete; the image's format and volume say who read it. The same disk
    uncompressed is read by libqcow as before; an overlay over the compressed image is read through its chain."""
    images = ("packed.qcow2", "plain.qcow2", "over.qcow2", "over-raw.qcow2")
    code, doc = _scan(tmp_path / "out", *(fat / image for image in images))
    assert code == 1 and doc["scan"]["complete"] is True, doc["skipped"]
    assert not doc["skipped"], doc["skipped"]
    for image in images:
        hits = [f for f in doc["files"] if f["source"] == str(fat / image) and f["path"].endswith(f"/{LEAKED}")]
        assert len(hits) == 1 and hits[0]["sha256"] == sha256(CONTENT), (image, hits)
    for image in ("packed.qcow2", "over.qcow2", "over-raw.qcow2"):
        details = _details(doc, fat / image)
        assert details["format"] == _OWN
        for volume in details["volumes"]:
            assert "read by leakscan's own QCOW2 reader" in volume["note"], volume
            assert "qcow2-read-here" in [c["code"] for c in volume["note_codes"]], volume
    assert _details(doc, fat / "plain.qcow2")["format"] == "QCOW"
    assert not any("note" in v for v in _details(doc, fat / "plain.qcow2")["volumes"])


def test_a_person_list_in_compressed_qcow2_images_is_found_with_its_persons(fat: Path, tmp_path: Path) -> None:
    """An ext4 holding a person list (Faker ja_JP), converted with -c in each way qemu-img writes: the list is found,
    its hash is the file's, its 30 persons counted. zstd compression (libqcow refuses it: `qcow2-feature-unread`
    until session 18) is read here too and said so."""
    images = [fat / name for name, _ in _EXT_WAYS]
    code, doc = _scan(tmp_path / "out", *images, name=BOOK)
    assert code == 1 and doc["scan"]["complete"] is True and not doc["skipped"], doc["skipped"]
    book = (fat / "book.xlsx").read_bytes()
    for image in images:
        hits = [f for f in doc["files"] if f["source"] == str(image) and f["path"].endswith(f"/{BOOK}")]
        assert len(hits) == 1 and hits[0]["sha256"] == sha256(book), (image, hits)
        assert hits[0]["pii"]["records"] == 30, hits[0]["pii"]
        details = _details(doc, image)
        assert details["format"] == _OWN, (image, details["format"])
        codes = [c["code"] for v in details["volumes"] for c in v.get("note_codes", [])]
        assert codes == ["qcow2-zstd-read-here" if "zstd" in image.name else "qcow2-read-here"], (image, codes)


def _damaged(fat: Path, where: Path) -> dict[str, Path]:
    """Crafted copies of packed.qcow2: tables pointing past the file's end, a cluster size qemu refuses, an L1 entry
    pointing to the L1 table itself, compressed clusters placed past the end, running past it, or holding no
    deflate stream, a disk far larger than its L1 table maps."""
    data = bytes((fat / "packed.qcow2").read_bytes())
    l1_at, = struct.unpack_from(">Q", data, 40)
    l2_at = struct.unpack_from(">Q", data, l1_at)[0] & 0x00FFFFFFFFFFFE00
    compressed = [i for i in range(8192) if struct.unpack_from(">Q", data, l2_at + 8 * i)[0] >> 62 & 1]
    shift = 62 - (16 - 8)
    assert len(compressed) == 3, compressed
    last = struct.unpack_from(">Q", data, l2_at + 8 * compressed[-1])[0] & ((1 << shift) - 1)
    past = -(-len(data) // 65536) * 65536 + (1 << 20)  # a cluster's first byte, past the file's end
    edits = {"l1-past-end": (40, past), "l2-past-end": (l1_at, past | 1 << 63),
             "l2-is-l1": (l1_at, l1_at | 1 << 63), "huge-disk": (24, 1 << 60),
             "compressed-past-end": (l2_at + 8 * compressed[1], 1 << 62 | (len(data) + 4096)),
             "compressed-garbage": (l2_at + 8 * compressed[1], 1 << 62 | 4096),
             "compressed-long": (l2_at + 8 * compressed[-1], 1 << 62 | 0xFF << shift | last)}
    out = {}
    for name, (at, value) in edits.items():
        bad = bytearray(data)
        struct.pack_into(">Q", bad, at, value)
        out[name] = where / f"{name}.qcow2"
        out[name].write_bytes(bad)
    bad = bytearray(data)
    struct.pack_into(">I", bad, 20, 30)  # 1 GiB clusters
    out["cluster-bits"] = where / "cluster-bits.qcow2"
    out["cluster-bits"].write_bytes(bad)
    return out


def test_damaged_compressed_qcow2_images_are_listed_with_a_reason_never_read_silently(fat: Path,
                                                                                      tmp_path: Path) -> None:
    """Every crafted copy: the reader refuses its header (QcowRefused) or fails the read there (OSError), never
    zeros, a hang or an allocation the file does not bound; the scan lists each image with a reason and is not
    complete. A compressed cluster whose sector count runs past the end reads as qemu reads it (short at the end)
    and the file is listed cut short."""
    bad = _damaged(fat, tmp_path)
    refused = {"l1-past-end", "huge-disk", "cluster-bits"}
    for name, image in bad.items():
        try:
            reader = open_qcow(str(image))
        except QcowRefused:
            assert name in refused, name
            continue
        assert name not in refused, name
        try:
            if name == "compressed-long":
                assert reader.read(0, 64 << 20) == (fat / "back.raw").read_bytes()
            elif name == "l2-is-l1":  # the L1 table read as the disk's L2 table: no error, the tables' damage said
                reader.read(0, 1 << 20)
            else:
                with pytest.raises(OSError, match="past the file's end|does not decompress"):
                    reader.read(0, 64 << 20)
        finally:
            reader.close()
    code, doc = _scan(tmp_path / "out", *bad.values())
    assert code in (2, 3) and doc["scan"]["complete"] is False
    for name, image in bad.items():
        rows = [s for s in doc["skipped"] if s["source"] == str(image)]
        assert rows, name
    listed = {name: {c["code"] for s in doc["skipped"] if s["source"] == str(image)
                     for c in s.get("detail_codes", [])} for name, image in bad.items()}
    assert "qcow2-cut-short" in listed["compressed-long"] and "qcow2-cut-short" in listed["compressed-past-end"]
    assert "qcow2-cluster-reused" in listed["l2-is-l1"]
    # QcowReader refuses a disk its L1 table cannot map: libqcow reads it, and the misread check compares
    assert "qcow2-compressed-misread" in listed["huge-disk"], listed


def test_a_backing_chain_that_loops_is_refused_by_the_reader_too(fat: Path, tmp_path: Path) -> None:
    """open_qcow follows backing files with image_parents' guards: a -> b -> a is ParentChainError, never a
    recursion without end."""
    from scanner.sources.image_parents import ParentChainError

    for name, under in (("a.qcow2", "b.qcow2"), ("b.qcow2", "a.qcow2")):
        _qemu("create", "-q", "-f", "qcow2", "-u", "-b", under, "-F", "qcow2", name, "64M", cwd=tmp_path)
    with pytest.raises(ParentChainError, match="loops back"):
        open_qcow(str(tmp_path / "a.qcow2")).read(0, 512)


def test_an_l1_table_repeating_one_l2_table_reads_that_table_once(fat: Path, tmp_path: Path) -> None:
    """A damaged or hostile L1 table whose entries all point to one L2 table holding compressed clusters (a small
    file claiming a disk of terabytes): compressed_count (run on every QCOW2 image when it is opened, to choose the
    reader) reads that table once and counts the clusters the file holds (review18c: once per L1 entry, 131,072
    entries of a 1.4 MB file took minutes in the open step, and the image was lost to the step's timeout)."""
    from scanner.sources.image_qcow import compressed_count

    data = bytearray((fat / "packed.qcow2").read_bytes())
    l1_at, = struct.unpack_from(">Q", data, 40)
    first, = struct.unpack_from(">Q", data, l1_at)
    entries = 4096
    at = -(-len(data) // 65536) * 65536
    data += bytes(at - len(data)) + struct.pack(">Q", first) * entries
    data += bytes(-len(data) % 65536)
    struct.pack_into(">IQ", data, 36, entries, at)
    struct.pack_into(">Q", data, 24, entries * 8192 * 65536)  # the disk the repeated L1 table maps
    reads: list[int] = []

    def read(offset: int, n: int) -> bytes:
        reads.append(offset)
        return bytes(data[offset:offset + n])

    assert compressed_count(read) == 3  # the file's three compressed clusters (test_damaged...: len(compressed))
    assert reads.count(first & 0x00FFFFFFFFFFFE00) == 1, len(reads)


def test_a_zero_flag_in_a_version_2_image_fails_the_read_as_in_qemu(fat: Path, tmp_path: Path) -> None:
    """Version 2 (compat=0.10) has no zero clusters: qemu calls an L2 entry with bit 0 set corruption ("Zero cluster
    entry found in pre-v3 image", EIO). A bit flipped there in an allocated cluster is an OSError here, never the
    cluster's bytes served as zeros (review18c: zeros, without an error)."""
    _qemu("convert", "-q", "-O", "qcow2", "-o", "compat=0.10", str(fat / "fat.img"), "v2.qcow2", cwd=tmp_path)
    data = bytearray((tmp_path / "v2.qcow2").read_bytes())
    l1_at, = struct.unpack_from(">Q", data, 40)
    l2_at = struct.unpack_from(">Q", data, l1_at)[0] & 0x00FFFFFFFFFFFE00
    entry, = struct.unpack_from(">Q", data, l2_at)  # disk cluster 0 (the boot sector), allocated
    assert entry & 0x00FFFFFFFFFFFE00 and not entry & 1, hex(entry)
    struct.pack_into(">Q", data, l2_at, entry | 1)
    (tmp_path / "v2-zero.qcow2").write_bytes(data)
    reader = open_qcow(str(tmp_path / "v2-zero.qcow2"))
    try:
        assert reader.read(65536, 512) == (fat / "fat.img").read_bytes()[65536:65536 + 512]  # the next cluster
        with pytest.raises(OSError, match="version 2"):
            reader.read(0, 512)
    finally:
        reader.close()


def test_a_zstd_overlay_lists_its_raw_backing_file_and_names_it_missing(fat: Path, tmp_path: Path) -> None:
    """A zstd QCOW2 overlay over a raw disk (qemu-img convert -c -o compression_type=zstd -B): libqcow refuses its
    header, so the image's files were listed from libqcow as the image alone (review18c): the backing file read by
    QcowReader was in no provenance row, its changes and shortness unchecked, and when it was missing the scan said
    "zstd, convert it with qemu-img" instead of naming the missing file."""
    from scanner.sources.image_media import media_files

    where = tmp_path / "z"
    where.mkdir()
    for name in ("disk.raw", "changed.raw"):
        subprocess.run(["cp", str(fat / "fat.img"), name], check=True, cwd=where)
    subprocess.run(["mcopy", "-i", "changed.raw", str(fat / LEAKED), "::other.csv"], check=True, capture_output=True,
                   cwd=where)
    _qemu("convert", "-q", "-c", "-O", "qcow2", "-o", "compression_type=zstd", "-B", "disk.raw", "-F", "raw",
          "changed.raw", "z.qcow2", cwd=where)
    rows = media_files("QCOW", str(where / "z.qcow2"))
    assert [(r["path"], r["role"], r.get("format")) for r in rows] == [
        (str(where / "z.qcow2"), "image", None), (str(where / "disk.raw"), "backing", "raw")], rows
    alone = tmp_path / "alone"
    alone.mkdir()
    subprocess.run(["cp", str(where / "z.qcow2"), str(alone)], check=True)
    proc = run_cli("scan", str(alone / "z.qcow2"), "--out", str(tmp_path / "out"), "--quiet", timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "disk.raw" in proc.stderr and "backing file missing" in proc.stderr, proc.stderr


def test_a_zstd_images_tables_are_checked_as_a_deflate_images(fat: Path, tmp_path: Path) -> None:
    """A zstd QCOW2 is read since session 18, so its bookkeeping is checked as any other's (image_qcow.
    inconsistencies): an L1 entry moved onto the L1 table itself is a cluster in two roles and over its count
    (review18c: a zstd header was skipped, as when libqcow refused it, and the damage was read silently)."""
    from scanner.sources.image_qcow import inconsistencies

    data = bytearray((fat / "ext-zstd.qcow2").read_bytes())
    assert struct.unpack_from(">Q", data, 72)[0] & 8  # compression type in the header
    assert inconsistencies(lambda o, n: bytes(data[o:o + n]), len(data)) == []
    l1_at, = struct.unpack_from(">Q", data, 40)
    struct.pack_into(">Q", data, l1_at, l1_at | 1 << 63)
    found = {i.kind for i in inconsistencies(lambda o, n: bytes(data[o:o + n]), len(data))}
    assert {"reused", "refcount"} <= found, found


def test_a_backing_file_name_of_no_bytes_is_no_backing_file_as_in_qemu(fat: Path, tmp_path: Path) -> None:
    """A header whose backing file offset is set but its name is 0 bytes long (a damaged or hand-made header): qemu
    reads the disk with no backing file (its name is empty); open_qcow did too rather than refusing the image as
    "backing file missing: " (a zstd image was then not read at all) (review18c)."""
    data = bytearray((fat / "ext-zstd.qcow2").read_bytes())
    assert struct.unpack_from(">QI", data, 8) == (0, 0)
    struct.pack_into(">Q", data, 8, 512)  # inside the header cluster, 0 bytes long
    (tmp_path / "z.qcow2").write_bytes(data)
    _qemu("convert", "-q", "-O", "raw", "z.qcow2", "z.raw", cwd=tmp_path)
    reader = open_qcow(str(tmp_path / "z.qcow2"))
    try:
        assert reader.read(0, 4 << 20) == (tmp_path / "z.raw").read_bytes()[:4 << 20]
    finally:
        reader.close()


def test_a_compressed_cluster_that_does_not_inflate_lists_the_file_in_it(fat: Path, tmp_path: Path) -> None:
    """Bytes flipped inside one compressed stream (the tables intact, so no bookkeeping check sees it): the file
    whose data lies there is listed unreadable with the reader's reason through The Sleuth Kit / dfvfs, never read
    as zeros or hashed as if whole; the volume is walked (review18c: each crafted copy above also broke a pointer,
    which the bookkeeping check lists whatever the reader does)."""
    big = CONTENT * 20000  # 340 KB: several 64 KiB clusters of its own, each compressed
    (tmp_path / "big.csv").write_bytes(big)
    subprocess.run(["cp", str(fat / "fat.img"), "disk.img"], check=True, cwd=tmp_path)
    subprocess.run(["mcopy", "-i", "disk.img", "big.csv", "::big.csv"], check=True, capture_output=True, cwd=tmp_path)
    _qemu("convert", "-q", "-c", "-O", "qcow2", "disk.img", "bad.qcow2", cwd=tmp_path)
    disk = (tmp_path / "disk.img").read_bytes()
    start = disk.find(big)  # stored in one run (a fresh FAT)
    at = -(-start // 65536) * 65536  # a cluster holding the file's bytes alone
    assert start > 0 and at + 65536 <= start + len(big), (start, len(big))
    data = bytearray((tmp_path / "bad.qcow2").read_bytes())
    l1_at, = struct.unpack_from(">Q", data, 40)
    l2_at = struct.unpack_from(">Q", data, l1_at)[0] & 0x00FFFFFFFFFFFE00
    entry, = struct.unpack_from(">Q", data, l2_at + 8 * (at // 65536))
    assert entry >> 62 & 1, hex(entry)
    host = entry & ((1 << (62 - 8)) - 1)
    data[host:host + 8] = b"\xff" * 8  # no deflate block starts so
    (tmp_path / "bad.qcow2").write_bytes(data)
    code, doc = _scan(tmp_path / "out", tmp_path / "bad.qcow2", name="big.csv")
    assert not [f for f in doc["files"] if f["path"].endswith("/big.csv") and f.get("sha256")], doc["files"]
    rows = [s for s in doc["skipped"] if s["path"].endswith("/big.csv")]
    assert len(rows) == 1 and "does not decompress" in rows[0]["detail"], doc["skipped"]
    assert len(doc["skipped"]) == 1 and code == 1, (code, doc["skipped"])  # its name a hit; the rest walked


def test_a_zstd_overlays_snapshot_reads_its_backing_disk(fat: Path, tmp_path: Path) -> None:
    """An internal snapshot of a zstd overlay over a raw disk, the current disk wiped since: the snapshot's
    unallocated clusters are the backing disk's, so its FAT and file are found with their hash (review18c: the
    backing file was not listed for a zstd image, so the snapshot was read over no backing file, as zeros: its
    volume had no file system and the file was not found)."""
    subprocess.run(["cp", str(fat / "fat.img"), "disk.raw"], check=True, cwd=tmp_path)
    _qemu("create", "-q", "-f", "qcow2", "-o", "compression_type=zstd", "-b", "disk.raw", "-F", "raw", "z.qcow2",
          cwd=tmp_path)
    subprocess.run(["qemu-io", "-c", "write -c -P 0x55 60M 64k", "z.qcow2"], check=True, cwd=tmp_path,
                   capture_output=True)
    _qemu("snapshot", "-c", "s1", "z.qcow2", cwd=tmp_path)
    subprocess.run(["qemu-io", "-c", "write -P 0 0 4M", "z.qcow2"], check=True, cwd=tmp_path, capture_output=True)
    code, doc = _scan(tmp_path / "out", tmp_path / "z.qcow2")
    hits = [f for f in doc["files"] if f["path"].endswith(f"/{LEAKED}")]
    assert len(hits) == 1 and "snap1" in hits[0]["path"] and hits[0]["sha256"] == sha256(CONTENT), doc["files"]
    assert code == 3, code  # the wiped current disk: no file system, listed


def test_a_zero_cluster_whose_kept_place_is_off_a_boundary_fails_the_read_as_in_qemu(fat: Path, tmp_path: Path) -> None:
    """A preallocated zero cluster (zero flag and a place in the file) whose place is off a cluster boundary: qemu
    calls it corruption ("Cluster allocation offset ... unaligned", EIO); an OSError here, never zeros (review18c:
    the zero flag was honoured before the place was looked at)."""
    _qemu("convert", "-q", "-O", "qcow2", str(fat / "fat.img"), "v3.qcow2", cwd=tmp_path)
    data = bytearray((tmp_path / "v3.qcow2").read_bytes())
    l1_at, = struct.unpack_from(">Q", data, 40)
    l2_at = struct.unpack_from(">Q", data, l1_at)[0] & 0x00FFFFFFFFFFFE00
    entry, = struct.unpack_from(">Q", data, l2_at)
    struct.pack_into(">Q", data, l2_at, entry | 1 | 0x200)  # zero flag, and the place moved by 512 bytes
    (tmp_path / "bad.qcow2").write_bytes(data)
    reader = open_qcow(str(tmp_path / "bad.qcow2"))
    try:
        with pytest.raises(OSError, match="not on a cluster boundary"):
            reader.read(0, 512)
    finally:
        reader.close()
