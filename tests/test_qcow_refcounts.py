"""A QCOW2 table pointer moved to another place (issue #10): QCOW2 keeps no checksum, so libqcow (and leakscan's own
snapshot reader) read whatever cluster a flipped snapshot-table entry, L1 or L2 entry points to, without an error: a
snapshot showed another snapshot's files, the scan complete. QCOW2 does keep reference counts (how many tables point
to each cluster), and a moved pointer adds a reference to a cluster already counted; ``qemu-img check`` calls that
an error. scanner/sources/image_qcow.inconsistencies makes the same check (and pointers off a cluster boundary):
such a file is listed `corrupt` qcow2-refcounts-exceeded / qcow2-pointer-misaligned, the scan incomplete.

Images built here with qemu-img / qemu-io of every layout qemu writes (compressed, version 2, 512-byte and 2 MiB
clusters, 8- to 64-bit and 1-bit refcounts, snapshots, dirty bitmaps, preallocation, zero clusters) and the real
QCOW2 images of the corpus and tests/data are never flagged."""

from __future__ import annotations

import gzip
import io
import json
import random
import struct
import subprocess
from pathlib import Path

import pytest

from scanner.sources.image_qcow import SnapshotReader, inconsistencies, snapshot_table
from tests.conftest import run_cli
from tests.image_data import ext2_before_after

LEAKED = "名簿.xlsx"
DATA = Path(__file__).parent / "data" / "images"
CORPUS = Path("../shared/corpus/images")
CODES = {"qcow2-refcounts-exceeded", "qcow2-pointer-misaligned", "qcow2-cluster-reused"}


def _io(image: Path, *commands: str) -> None:
    for command in commands:
        subprocess.run(["qemu-io", "-f", "qcow2", "-c", command, str(image)], check=True, capture_output=True)


def _found(data: bytes) -> list:
    return inconsistencies(lambda offset, n: data[offset:offset + n] if offset >= 0 else b"", len(data))


@pytest.fixture(scope="module")
def disks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ROOT/before.raw, after.raw (4 MiB ext2, the second also holding LEAKED) and ROOT/two.qcow2: after.raw with
    snapshot s1 (LEAKED there), then before.raw written over it and snapshot s2, then the current disk zeroed."""
    root = ext2_before_after(tmp_path_factory.mktemp("qcow_refcounts"), {LEAKED: b"PK\x03\x04 leaked " * 400})
    image = root / "two.qcow2"
    subprocess.run(["qemu-img", "convert", "-q", "-O", "qcow2", str(root / "after.raw"), str(image)], check=True)
    subprocess.run(["qemu-img", "snapshot", "-c", "s1", str(image)], check=True)
    _io(image, f"write -s {root / 'before.raw'} 0 4M")
    subprocess.run(["qemu-img", "snapshot", "-c", "s2", str(image)], check=True)
    _io(image, "write -z 0 4M")
    return root


def _layouts(root: Path) -> list[Path]:
    """Whole QCOW2 files of every layout qemu writes, from a 4 MiB disk half random, half runs (compressible)."""
    rng = random.Random(15)
    disk = bytearray()
    while len(disk) < 4 << 20:
        disk += rng.randbytes(4096) if rng.random() < 0.5 else bytes([rng.randrange(256)]) * 4096
    (root / "disk.raw").write_bytes(disk)
    made = []
    for name, options in (("plain", []), ("packed", ["-c"]), ("v2", ["-o", "compat=0.10"]),
                          ("c512", ["-o", "cluster_size=512"]), ("c2m", ["-o", "cluster_size=2M"]),
                          ("r8", ["-o", "refcount_bits=8"]), ("r64", ["-o", "refcount_bits=64"]),
                          ("r1", ["-o", "refcount_bits=1"]), ("meta", ["-o", "preallocation=metadata"])):
        made.append(root / f"{name}.qcow2")
        subprocess.run(["qemu-img", "convert", "-q", "-O", "qcow2", *options, str(root / "disk.raw"),
                        str(made[-1])], check=True)
    snaps = root / "snaps.qcow2"
    subprocess.run(["qemu-img", "convert", "-q", "-c", "-O", "qcow2", str(root / "disk.raw"), str(snaps)], check=True)
    subprocess.run(["qemu-img", "snapshot", "-c", "a", str(snaps)], check=True)
    _io(snaps, "write -P 7 0 1M", "write -z 2M 1M")
    subprocess.run(["qemu-img", "snapshot", "-c", "b", str(snaps)], check=True)
    _io(snaps, "write -P 9 512k 2M")
    subprocess.run(["qemu-img", "bitmap", "--add", str(root / "plain.qcow2"), "b0"], check=True)
    _io(root / "plain.qcow2", "write -P 5 0 1M")
    return [*made, snaps]


def test_whole_qcow2_files_of_every_layout_and_the_real_ones_are_consistent(disks: Path, tmp_path: Path) -> None:
    """No false alarm: each file qemu-img check finds clean is found clean here."""
    images = [*_layouts(tmp_path), disks / "two.qcow2"]
    for image in images:
        check = subprocess.run(["qemu-img", "check", str(image)], capture_output=True, text=True)
        assert check.returncode == 0, (image.name, check.stdout)
        assert _found(image.read_bytes()) == [], image.name
    assert _found(gzip.decompress((DATA / "plaso__vsstest.qcow2.gz").read_bytes())) == []
    corpus = CORPUS / "dfvfs__lvmtest.qcow2"
    if corpus.exists():
        assert _found(corpus.read_bytes()) == []


def _snapshot_disks(data: bytes, path: Path) -> list[bytes | None]:
    """What SnapshotReader reads of each snapshot of DATA (None: an error)."""
    path.write_bytes(data)
    try:
        count = len(snapshot_table(lambda offset, n: data[offset:offset + n] if offset >= 0 else b""))
    except Exception:  # noqa: BLE001 - a table that does not read: every snapshot an error
        return [None, None]
    out: list[bytes | None] = []
    for index in range(count):
        try:
            reader = SnapshotReader(str(path), index)
            try:
                out.append(reader.read(0, reader.get_size()))
            finally:
                reader.close()
        except Exception:  # noqa: BLE001 - refused or unreadable: an error, said by the listing
            out.append(None)
    return out


def _current_disk(data: bytes) -> bytes | None:
    import pyqcow

    handle = pyqcow.file()
    try:
        handle.open_file_object(io.BytesIO(data))
        return bytes(handle.read_buffer(handle.get_media_size()))
    except (OSError, RuntimeError, ValueError):
        return None
    finally:
        handle.close()


def test_every_pointer_moved_to_another_cluster_that_changes_what_is_read_is_found(disks: Path,
                                                                                     tmp_path: Path) -> None:
    """Bits of the snapshot-table entries' L1 offsets (those keeping it on a cluster boundary), of the L1 entries
    and of L2 entries of the current disk and both snapshots flipped (60 of them): wherever libqcow or the snapshot
    reader then reads other bytes without an error, the check finds damage. A pointer cleared (unallocated: zeros)
    leaves only a "leak" (a cluster counted but unreferenced), which every interrupted write leaves too: not flagged,
    not sampled."""
    whole = (disks / "two.qcow2").read_bytes()
    bits = struct.unpack_from(">I", whole, 20)[0]
    count, table = struct.unpack_from(">IQ", whole, 60)
    l1s = [struct.unpack_from(">Q", whole, 40)[0]]
    places, at = [], table
    for _ in range(count):
        l1_offset, _, id_size, name_size = struct.unpack_from(">QIHH", whole, at)
        places += [(at + 7 - b // 8, b % 8) for b in range(bits, 24)]  # another aligned place in a 16 MiB file
        l1s.append(l1_offset)
        at += -(-(40 + struct.unpack_from(">I", whole, at + 36)[0] + id_size + name_size) // 8) * 8
    l2s = set()
    for l1 in l1s:
        entry = struct.unpack_from(">Q", whole, l1)[0] & 0x00FFFFFFFFFFFE00
        places += [(l1 + 7 - b // 8, b % 8) for b in range(9, 24)] if entry else []
        l2s.add(entry)
    for l2 in sorted(l2s - {0}):
        used = [i for i in range(1 << (bits - 3)) if struct.unpack_from(">Q", whole, l2 + 8 * i)[0] & 0xFFFFFFFFFE00]
        for i in random.Random(l2).sample(used, min(4, len(used))):
            places += [(l2 + 8 * i + 7 - b // 8, b % 8) for b in range(9, 24)]
    expected = [_current_disk(whole), *_snapshot_disks(whole, tmp_path / "x.qcow2")]
    assert None not in expected and _found(whole) == []
    changed = 0
    for byte, bit in random.Random(15).sample(places, 60):
        flipped = bytearray(whole)
        flipped[byte] ^= 1 << bit
        if not struct.unpack_from(">Q", flipped, byte - byte % 8)[0] & 0x00FFFFFFFFFFFE00:
            continue  # a pointer cleared, not moved: unallocated, read as zeros; only a leak shows (not flagged)
        read = [_current_disk(bytes(flipped)), *_snapshot_disks(bytes(flipped), tmp_path / "x.qcow2")]
        if any(got is not None and got != want for got, want in zip(read, expected, strict=True)):
            changed += 1
            assert _found(bytes(flipped)), (byte, bit)
    assert changed >= 10  # the sample moves real pointers


def test_a_snapshot_pointed_at_another_snapshots_tables_is_listed_corrupt_not_read_silently(disks: Path,
                                                                                            tmp_path: Path) -> None:
    """Through the CLI: snapshot 1's L1 table offset moved to snapshot 2's (another aligned place, as flipped bits make it). Before,
    snap1 read snapshot 2's disk (keep.txt only): LEAKED, which only snapshot 1 holds, was missing and the scan
    complete. Now the file is listed `corrupt` qcow2-refcounts-exceeded and the scan incomplete; the whole image
    still finds LEAKED in snap1."""
    whole = (disks / "two.qcow2").read_bytes()
    table = struct.unpack_from(">Q", whole, 64)[0]
    s2 = snapshot_table(lambda offset, n: whole[offset:offset + n])[1][0]
    moved = bytearray(whole)
    struct.pack_into(">Q", moved, table, s2)
    (tmp_path / "moved.qcow2").write_bytes(moved)
    out = tmp_path / "out"
    proc = run_cli("scan", str(disks / "two.qcow2"), str(tmp_path / "moved.qcow2"), "--name", LEAKED, "--out",
                   str(out), "--quiet", timeout=180)
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    found = {(f["source"], f["path"].split(" » ", 1)[1]) for f in doc["files"]}
    assert (str(disks / "two.qcow2"), f"snap1 (ext2) » /{LEAKED}") in found
    listed = [(s["reason"], [c["code"] for c in s.get("detail_codes", [])]) for s in doc["skipped"]
              if s["source"] == str(tmp_path / "moved.qcow2")]
    assert ("corrupt", ["qcow2-refcounts-exceeded"]) in listed, listed
    assert not [s for s in doc["skipped"] if s["source"] == str(disks / "two.qcow2")
                and CODES & {c["code"] for c in s.get("detail_codes", [])}]
    assert doc["scan"]["complete"] is False and proc.returncode == 3, (proc.returncode, listed)


def test_a_hostile_file_of_tables_costs_reads_bounded_by_the_file() -> None:
    """A file made only of L2 tables, each pointing at every cluster of the file, and an L1 table repeating them:
    each table is read once (bytes read bounded by the file's size), and the damage is said."""
    cluster, tables = 65536, 64
    size = (3 + tables) * cluster
    data = bytearray(size)
    data[0:4] = b"QFI\xfb"
    struct.pack_into(">II", data, 4, 3, 0)
    struct.pack_into(">IQ", data, 20, 16, 1 << 40)  # cluster bits, a 1 TiB disk
    struct.pack_into(">IQQI", data, 36, 8192, 2 * cluster, cluster, 1)  # L1: 8,192 entries; refcount table
    struct.pack_into(">II", data, 96, 4, 104)
    for i in range(8192):
        struct.pack_into(">Q", data, 2 * cluster + 8 * i, (3 + i % tables) * cluster)
    for t in range(tables):
        for j in range(8192):
            struct.pack_into(">Q", data, (3 + t) * cluster + 8 * j, (j % (size // cluster)) * cluster)
    read_bytes = 0

    def read(offset: int, n: int) -> bytes:
        nonlocal read_bytes
        got = bytes(data[offset:offset + n]) if offset >= 0 else b""
        read_bytes += len(got)
        return got

    found = inconsistencies(read, size)
    assert {i.kind for i in found} >= {"refcount", "reused"}
    assert read_bytes <= 2 * size


def test_zero_marked_clusters_of_a_table_repeated_by_a_damaged_l1_table_are_read_once() -> None:
    """image_qcow.zero_marked (ImageSource lists an overlay's zero-marked clusters that libqcow reads from the
    backing file): an L1 table of 8,192 entries all naming one L2 table full of zero-marked entries reads that
    table once; the clusters come in disk order, lazily."""
    from itertools import islice

    from scanner.sources.image_qcow import zero_marked

    cluster = 65536
    data = bytearray(4 * cluster)
    data[0:4] = b"QFI\xfb"
    struct.pack_into(">II", data, 4, 3, 0)
    struct.pack_into(">IQ", data, 20, 16, 1 << 40)
    struct.pack_into(">IQ", data, 36, 8192, cluster)
    struct.pack_into(">II", data, 96, 4, 104)
    for i in range(8192):
        struct.pack_into(">Q", data, cluster + 8 * i, 3 * cluster)
        struct.pack_into(">Q", data, 3 * cluster + 8 * i, 1)
    read_bytes = 0

    def read(offset: int, n: int) -> bytes:
        nonlocal read_bytes
        got = bytes(data[offset:offset + n])
        read_bytes += len(got)
        return got

    found = zero_marked(read)
    assert found is not None and found[0] == cluster
    assert list(islice(found[1], 8194))[-3:] == [8191 * cluster, 8192 * cluster, 8193 * cluster]
    assert read_bytes <= 104 + 8 * 8192 + cluster


def test_the_check_of_a_large_allocated_file_holds_a_few_bytes_per_cluster(tmp_path: Path) -> None:
    """Review 15d: the check kept every referenced cluster in a Counter and a set (and a dict of stored counts):
    ~170 bytes per cluster, so a QCOW2 file of 1 TiB of allocated 64 KiB clusters (a VM disk written full, or
    ``preallocation=metadata``, virt-manager's old default) took ~3 GB, 2 TiB the whole worker's 6 GiB cap (the image
    then lost as out-of-memory). Measured by allocation (tracemalloc peak), not by time: the peak's growth from a
    1 GiB to a 4 GiB disk (every cluster allocated), per cluster added, is a few bytes now."""
    import os
    import tracemalloc

    peaks = []
    for gib in (1, 4):
        image = tmp_path / f"meta{gib}.qcow2"  # every cluster allocated by its tables (the file is sparse)
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-o", "preallocation=metadata", str(image),
                        f"{gib}G"], check=True)
        size = image.stat().st_size
        with image.open("rb") as f:
            fd = f.fileno()
            tracemalloc.start()
            try:
                found = inconsistencies(lambda offset, n, fd=fd, size=size: os.pread(
                    fd, max(0, min(n, size - offset)), offset) if 0 <= offset < size else b"", size)
                peaks.append(tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
        assert found == []
    per_cluster = (peaks[1] - peaks[0]) / ((3 << 30) >> 16)
    assert per_cluster < 16, f"{per_cluster:.0f} bytes per cluster"


def test_a_file_left_dirty_by_a_crash_is_checked_without_its_stale_refcounts(tmp_path: Path) -> None:
    """Lazy refcounts and a crash (qemu-io's `abort`): the dirty bit is set and the stored counts are stale
    (`qemu-img check` reports errors, qemu repairs them on open; libqcow reads the tables and ignores them). No
    false alarm from the counts, but a pointer moved onto a table (a cluster in two roles) is still found."""
    image = tmp_path / "lazy.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-o", "lazy_refcounts=on", str(image), "16M"],
                   check=True)
    done = subprocess.run(["qemu-io", "-f", "qcow2", "-c", "write -P 0x41 0 1M", "-c", "write -P 0x42 4M 64k",
                           "-c", "abort", str(image)], capture_output=True)
    assert done.returncode != 0  # it crashed, as a VM killed mid-write
    data = bytearray(image.read_bytes())
    assert struct.unpack_from(">Q", data, 72)[0] & 1  # dirty
    assert subprocess.run(["qemu-img", "check", str(image)], capture_output=True).returncode != 0  # stale counts
    assert _found(bytes(data)) == []
    l1_offset, = struct.unpack_from(">Q", data, 40)
    l2 = struct.unpack_from(">Q", data, l1_offset)[0] & _MASK
    first = struct.unpack_from(">Q", data, l2)[0]
    struct.pack_into(">Q", data, l2, (first & ~_MASK) | l2)  # the disk's first cluster read from its own L2 table
    assert [i.kind for i in _found(bytes(data))] == ["reused"]


_MASK = 0x00FFFFFFFFFFFE00  # an L1/L2 entry's offset bits


def _dirty(tmp_path: Path) -> bytearray:
    """A QCOW2 file left dirty by a crash (lazy refcounts): its stored counts are stale, so they are not compared."""
    image = tmp_path / "lazy.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-o", "lazy_refcounts=on", str(image), "16M"],
                   check=True)
    subprocess.run(["qemu-io", "-f", "qcow2", "-c", "write -P 0x41 0 1M", "-c", "write -P 0x42 4M 64k",
                    "-c", "abort", str(image)], capture_output=True)
    data = bytearray(image.read_bytes())
    assert struct.unpack_from(">Q", data, 72)[0] & 1 and _found(bytes(data)) == []
    return data


@pytest.mark.parametrize("dirty", [True, False])
def test_refcount_structures_pointing_past_the_file_are_found_dirty_or_not(tmp_path: Path, dirty: bool) -> None:
    """review16d #6: with the dirty bit set the counts are not compared, and nothing else looked at the refcount
    structures: a refcount table or block pointer flipped past the file's end was said by no row (nor, for the
    table, in a clean file: its check stopped there without a word). Neither needs the stale counts."""
    data = _dirty(tmp_path)
    if not dirty:
        struct.pack_into(">Q", data, 72, struct.unpack_from(">Q", data, 72)[0] & ~1)
    size = len(data)
    rt_offset, = struct.unpack_from(">Q", data, 48)
    table = bytearray(data)
    struct.pack_into(">Q", table, 48, size + (1 << 30))  # the refcount table past the end
    assert [(i.kind, i.at) for i in _found(bytes(table))] == [("outside", size + (1 << 30))]
    long = bytearray(data)
    struct.pack_into(">I", long, 56, 1 << 20)  # a refcount table of 1 Mi clusters in a file of a few
    assert [i.kind for i in _found(bytes(long))] == ["outside"]
    block = bytearray(data)
    struct.pack_into(">Q", block, rt_offset, size + (8 << 20))  # the first refcount block past the end
    found = _found(bytes(block))
    assert ("outside", size + (8 << 20)) in [(i.kind, i.at) for i in found], found
    assert {i.kind for i in found} <= ({"outside"} if dirty else {"outside", "refcount"}), found


def test_an_l2_table_of_a_dirty_file_pointing_past_its_end_is_said(tmp_path: Path) -> None:
    """The current disk's tables past the file's end are said by needed_end (qcow2-cut-short), dirty or not."""
    from scanner.sources.image_qcow import needed_end

    data = _dirty(tmp_path)
    l1_offset, = struct.unpack_from(">Q", data, 40)
    l2 = struct.unpack_from(">Q", data, l1_offset)[0] & _MASK
    struct.pack_into(">Q", data, l2, (struct.unpack_from(">Q", data, l2)[0] & ~_MASK) | len(data) + (1 << 20))
    assert needed_end(lambda o, n: bytes(data[o:o + n])) > len(data)


def test_a_dirty_file_with_a_refcount_block_past_its_end_is_listed_corrupt(tmp_path: Path) -> None:
    data = _dirty(tmp_path)
    rt_offset, = struct.unpack_from(">Q", data, 48)
    struct.pack_into(">Q", data, rt_offset, len(data) + (8 << 20))
    (tmp_path / "vm.qcow2").write_bytes(bytes(data))
    code = run_cli("scan", str(tmp_path / "vm.qcow2"), "--name", LEAKED, "--out", str(tmp_path / "out"),
                   "--quiet").returncode
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    rows = [c for s in doc["skipped"] for c in s.get("detail_codes", []) if c["code"] == "qcow2-pointer-past-end"]
    assert rows and rows[0]["name"] == "vm.qcow2" and rows[0]["at"] == len(data) + (8 << 20), doc["skipped"]
    assert code == 3 or code == 2, code
