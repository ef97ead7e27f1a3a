"""Damaged partition tables and image chains, built with sfdisk, mke2fs, split and qemu-img: what could not be read
is listed with the reason an examiner can act on, and everything readable is still walked.

- a GPT whose primary header or entry array is damaged while the backup GPT at the disk's end is whole (Windows,
  parted and sfdisk all read the backup then): every partition is walked and the damage is noted;
- a split raw image missing a middle segment: the missing file is named, not "truncated";
- a QCOW2 overlay whose backing file is a damaged QCOW image: the backing file is named (raw, VMDK and VHD backing
  files are read: test_qcow_backing).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.errors import SourceError
from scanner.models import Link, Skipped
from scanner.sources.image import ImageSource
from tests.image_data import ext_image, partitioned_disk, write_tree

GPT_LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"


@pytest.fixture(scope="module")
def disks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tables")
    one = ext_image(root / "one.img", write_tree(root / "t1", {"first.txt": b"first\n"}), 1, "ext2")
    two = ext_image(root / "two.img", write_tree(root / "t2", {"second.txt": b"second\n"}), 1, "ext2")
    gpt = root / "gpt.img"
    partitioned_disk(gpt, [(one, GPT_LINUX), (two, GPT_LINUX)], label="gpt")
    out = {"gpt": gpt}
    head_zeroed = root / "head_zeroed.img"  # primary header and entry array gone: only the backup remains
    shutil.copy(gpt, head_zeroed)
    with open(head_zeroed, "r+b") as f:
        f.seek(512)
        f.write(bytes(33 * 512))
    out["head_zeroed"] = head_zeroed
    entry_flipped = root / "entry_flipped.img"  # p1's first LBA overwritten: the entry array's CRC no longer holds
    shutil.copy(gpt, entry_flipped)
    with open(entry_flipped, "r+b") as f:
        f.seek(1024 + 32)
        f.write(b"\xff\xff")
    out["entry_flipped"] = entry_flipped
    entry_moved = root / "entry_moved.img"  # p1's first LBA moved 64 sectors on (review9d): the libraries open p1
    shutil.copy(gpt, entry_moved)           # at the wrong place, by the same name as the backup's p1
    with open(entry_moved, "r+b") as f:
        f.seek(1024 + 32)
        f.write((2048 + 64).to_bytes(8, "little"))
    out["entry_moved"] = entry_moved
    both_damaged = root / "both_damaged.img"  # and the backup's header checksum wrong too (its entries whole)
    shutil.copy(entry_moved, both_damaged)
    with open(both_damaged, "r+b") as f:
        f.seek(both_damaged.stat().st_size - 512 + 56)  # a byte of the disk GUID
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0xFF]))
    out["both_damaged"] = both_damaged
    return out


def _walk(image: Path) -> tuple[dict[str, set[str]], list[Skipped], dict]:
    layers: dict[str, set[str]] = {}
    with ImageSource(str(image)) as src:
        items = list(src.entries())
        details = src.describe()
    for item in items:
        if not isinstance(item, Skipped | Link):
            layers.setdefault(item.location.containers[-1].name.split(" (")[0], set()).add(item.location.path)
    return layers, [i for i in items if isinstance(i, Skipped)], details


@pytest.mark.parametrize("damage", ["head_zeroed", "entry_flipped", "entry_moved", "both_damaged"])
def test_a_damaged_primary_gpt_is_read_from_its_backup(disks: dict[str, Path], damage: str) -> None:
    healthy, _, _ = _walk(disks["gpt"])
    assert healthy == {"p1": {"/first.txt"}, "p2": {"/second.txt"}}
    layers, _, details = _walk(disks[damage])
    assert layers == healthy  # both partitions, not the protective MBR's one nor only the entry that still looks sane
    notes = [v.get("note", "") for v in details["volumes"] if v["status"] == "ok"]
    assert len(notes) == 2 and all("backup GPT" in n and "primary" in n for n in notes), notes


def _rewrite_gpt_copy(image: Path, header_at: int, edit: Callable[[bytearray], None]) -> None:
    """Edit the entry array of the GPT copy whose header is at HEADER_AT, CRCs made whole again (as a tool
    that wrote it would)."""
    import zlib

    with open(image, "r+b") as f:
        f.seek(header_at)
        header = bytearray(f.read(92))
        entries_at = int.from_bytes(header[72:80], "little") * 512
        f.seek(entries_at)
        entries = bytearray(f.read(128 * 128))
        edit(entries)
        f.seek(entries_at)
        f.write(entries)
        header[88:92] = zlib.crc32(entries).to_bytes(4, "little")
        header[16:20] = bytes(4)
        header[16:20] = zlib.crc32(header).to_bytes(4, "little")
        f.seek(header_at)
        f.write(header)


def test_a_backup_gpt_that_disagrees_with_a_whole_primary_is_reported(disks: dict[str, Path], tmp_path: Path) -> None:
    """review9d: the primary is whole and trusted, but the backup at the disk's end lists a partition the primary
    does not (a hand-edited table, or one made to hide a partition): the walk is the primary's, and the volumes
    say the backup disagrees and how, instead of nothing."""
    odd = tmp_path / "odd.img"
    shutil.copy(disks["gpt"], odd)

    def add_p3(entries: bytearray) -> None:  # p3: the backup's view of a partition over p1's bytes
        entries[256:384] = entries[0:128]
        entries[256 + 16:256 + 32] = b"\x11" * 16  # its own unique GUID

    _rewrite_gpt_copy(odd, odd.stat().st_size - 512, add_p3)
    layers, _, details = _walk(odd)
    # the primary's partitions as they are, and what only the backup lists walked too, under its own name
    assert layers == {"p1": {"/first.txt"}, "p2": {"/second.txt"}, "backup-p3": {"/first.txt"}}, layers
    notes = [v.get("note", "") for v in details["volumes"] if v["name"] in ("p1", "p2")]
    assert len(notes) == 2 and all("backup GPT" in n and "p3" in n for n in notes), notes
    (extra,) = [v for v in details["volumes"] if v["name"] == "backup-p3"]
    assert "only by the backup GPT" in extra["note"], extra


def test_a_gpt_entry_that_makes_no_sense_is_listed_not_dropped(disks: dict[str, Path], tmp_path: Path) -> None:
    """Primary and backup carry the same bad entry (CRCs recomputed, as a tool that wrote it would): the
    partition is named with what is wrong, the other one is walked."""
    bad = tmp_path / "bad.img"
    shutil.copy(disks["gpt"], bad)

    def p1_ends_before_it_starts(entries: bytearray) -> None:
        entries[40:48] = (10).to_bytes(8, "little")

    for header_at in (512, bad.stat().st_size - 512):
        _rewrite_gpt_copy(bad, header_at, p1_ends_before_it_starts)
    layers, skipped, _ = _walk(bad)
    assert layers == {"p2": {"/second.txt"}}
    (row,) = [s for s in skipped if s.location.containers[-1].name == "p1"]
    assert "makes no sense" in row.detail and "before it starts" in row.detail


@pytest.fixture(scope="module")
def split_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("split")
    files = {f"f{i}.bin": bytes([i]) * 60000 for i in range(30)}
    image = ext_image(root / "whole.img", write_tree(root / "t", files), 2, "ext2")
    subprocess.run(["split", "-b", "512K", "-d", "-a", "3", str(image), str(root / "disk.")], check=True)
    subprocess.run(["split", "-b", "512K", "-a", "2", str(image), str(root / "disk.img.")], check=True)  # GNU names
    return root


@pytest.mark.parametrize("first, gone", [("disk.000", "disk.001"), ("disk.img.aa", "disk.img.ab")])
def test_a_split_raw_missing_a_middle_segment_names_it(split_set: Path, tmp_path: Path, first: str, gone: str) -> None:
    stem = first.rsplit(".", 1)[0]
    for part in sorted(split_set.glob(f"{stem}.*")):
        if part.name != gone and part.suffix != ".img":
            shutil.copy(part, tmp_path / part.name)
    layers, skipped, details = _walk(tmp_path / first)
    assert layers["fs"]  # what the first segment holds is still walked
    media = [s for s in skipped if s.location.path == ""]
    assert any(gone in s.detail and "missing" in s.detail for s in media), [s.detail for s in media]
    assert [f["path"] for f in details["files"] if f.get("missing")] == [str(tmp_path / gone)]


@pytest.fixture(scope="module")
def overlays(tmp_path_factory: pytest.TempPathFactory, split_set: Path) -> Path:
    root = tmp_path_factory.mktemp("qcow")
    whole = split_set / "whole.img"
    for name, fmt in (("damaged", "qcow2"), ("raw", "raw")):
        folder = root / name
        folder.mkdir()
        base = folder / f"base.{fmt}"
        subprocess.run(["qemu-img", "convert", "-q", "-O", fmt, str(whole), str(base)], check=True)
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", base.name, "-F", fmt,
                        str(folder / "over.qcow2")], check=True, cwd=folder)
    with open(root / "damaged" / "base.qcow2", "r+b") as f:
        f.seek(4)
        f.write((99).to_bytes(4, "big"))  # its format version: nothing libqcow knows
    return root


@pytest.mark.parametrize("kind, why", [("damaged", "cannot be opened")])
def test_a_qcow2_overlay_names_its_unusable_backing_file(overlays: Path, kind: str, why: str) -> None:
    """A raw backing file is read since bundle10 (test_qcow_backing); a damaged QCOW one is named."""
    with pytest.raises(SourceError) as caught:
        _walk(overlays / kind / "over.qcow2")
    text = str(caught.value)
    assert "backing file" in text and "base." in text and why in text, text


def _lvm_crc(data: bytes) -> int:
    """LVM2's checksum (calc_crc: CRC-32 from 0xf597a6cf, no final inversion), as lvm writes it."""
    import zlib

    return ~zlib.crc32(data, ~0xF597A6CF & 0xFFFFFFFF) & 0xFFFFFFFF


@pytest.fixture(scope="module")
def lvm_raw(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """dfvfs' LVM test disk (QCOW2 > LVM > lv_test1, lv_test2) as raw bytes."""
    out = tmp_path_factory.mktemp("lvm") / "lvm.raw"
    subprocess.run(["qemu-img", "convert", "-q", "-O", "raw", str(corpus / "images" / "dfvfs__lvmtest.qcow2"),
                    str(out)], check=True)
    return out.read_bytes()


def _edited_lvm(raw: bytes, old: bytes, new: bytes, folder: Path) -> Path:
    """RAW with lv_test2's stripe in the newest metadata copy rewritten, both checksums made whole again (the
    volume group as lvm itself would have written it)."""
    disk = bytearray(raw)
    area = disk.find(b" LVM2 x[5A%r0N*>") - 4  # the metadata area header
    locn = area + 40
    offset, size = int.from_bytes(disk[locn:locn + 8], "little"), int.from_bytes(disk[locn + 8:locn + 16], "little")
    text = area + offset
    at = disk.find(old, disk.rfind(b"lv_test2", text, text + size))
    assert text < at < text + size
    disk[at:at + len(old)] = new
    disk[locn + 16:locn + 20] = _lvm_crc(bytes(disk[text:text + size])).to_bytes(4, "little")
    disk[area:area + 4] = _lvm_crc(bytes(disk[area + 4:area + 512])).to_bytes(4, "little")
    path = folder / "lvm.raw"
    path.write_bytes(bytes(disk))
    return path


@pytest.mark.parametrize("stripe, why", [
    (b'"pv1", 0', "cannot be opened (a physical volume it lies on is not in this image?): libvslvm"),
    (b'"pv0", 9', "is not read as its metadata says: extents 9-9 of a physical volume of 3"),
])
def test_an_lvm_volume_that_cannot_be_read_does_not_hide_the_other(lvm_raw: bytes, tmp_path: Path, stripe: bytes,
                                                                     why: str) -> None:
    """lv_test2 moved onto a physical volume that is not in the image (a group spanning two disks, one imaged),
    or onto extents past the end of the one there: lv_test1 is walked, lv_test2 listed with libvslvm's reason,
    or (session 12: extents past pe_count, metadata lvm2 refuses) with lvm-metadata-refused."""
    layers, skipped, _ = _walk(_edited_lvm(lvm_raw, b'"pv0", 2', stripe, tmp_path))
    assert layers == {"lvm1": {"/passwords.txt", "/a_directory/a_file", "/a_directory/another_file"}}
    (row,) = [s for s in skipped if s.location.containers[-1].name.startswith("lvm2")]
    assert why in row.detail, row.detail


def test_an_lvm_label_whose_metadata_fails_its_checksum_is_named(lvm_raw: bytes, tmp_path: Path) -> None:
    disk = bytearray(lvm_raw)
    area = disk.find(b" LVM2 x[5A%r0N*>") - 4
    disk[area + 56] ^= 0xFF  # the metadata text's checksum: the area header's own checksum no longer holds
    (tmp_path / "lvm.raw").write_bytes(bytes(disk))
    with pytest.raises(SourceError) as caught:
        _walk(tmp_path / "lvm.raw")
    assert "LVM physical volume" in str(caught.value) and "checksum" in str(caught.value), str(caught.value)


def test_overlapping_partitions_are_each_walked_and_say_so(disks: dict[str, Path], tmp_path: Path) -> None:
    """An MBR whose p1 is stretched over p2 (2048+4096 sectors, p2 at 4096): both are walked, each names the other."""
    disk = tmp_path / "overlap.img"
    shutil.copy(disks["gpt"], disk)
    data = bytearray(disk.read_bytes()[:512])
    data[446:510] = bytes(64)
    for slot, (start, count) in enumerate(((2048, 6144), (6144, 2048))):
        at = 446 + 16 * slot
        data[at + 4] = 0x83
        data[at + 8:at + 16] = start.to_bytes(4, "little") + count.to_bytes(4, "little")
    data[510:512] = b"\x55\xaa"
    with open(disk, "r+b") as f:
        f.write(bytes(data))
        f.seek(512)
        f.write(bytes(33 * 512))  # no GPT left
        f.seek(f.seek(0, 2) - 512)
        f.write(bytes(512))
    layers, _, details = _walk(disk)
    assert layers == {"p1": {"/first.txt"}, "p2": {"/second.txt"}}
    notes = {v["name"]: v.get("note", "") for v in details["volumes"]}
    assert "overlaps p2" in notes["p1"] and "overlaps p1" in notes["p2"], notes


IMAGES = Path(__file__).parent / "data" / "images"


@pytest.fixture(scope="module")
def vss_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """plaso's vsstest.qcow2 (NTFS with two shadow copies) as a sparse raw volume."""
    import gzip

    root = tmp_path_factory.mktemp("vss")
    (root / "vss.qcow2").write_bytes(gzip.decompress((IMAGES / "plaso__vsstest.qcow2.gz").read_bytes()))
    subprocess.run(["qemu-img", "convert", "-q", "-O", "raw", str(root / "vss.qcow2"), str(root / "vss.raw")],
                   check=True)
    return root / "vss.raw"


def _patched(image: Path, folder: Path, edits: list[tuple[int, bytes]]) -> Path:
    out = folder / image.name
    subprocess.run(["cp", "--sparse=always", str(image), str(out)], check=True)
    with open(out, "r+b") as f:
        for at, data in edits:
            f.seek(at)
            f.write(data)
    return out


def _vss_catalog(image: Path) -> int:
    with open(image, "rb") as f:
        f.seek(0x1E00)
        header = f.read(128)
    assert header[:16] == bytes.fromhex("6b87083876c1484eb7ae04046e6cc752")  # the VSS volume header's identifier
    return int.from_bytes(header[48:56], "little")


def test_a_damaged_shadow_copy_catalog_leaves_the_live_volume_walked(vss_raw: Path, tmp_path: Path) -> None:
    catalog = _vss_catalog(vss_raw)
    layers, skipped, _ = _walk(_patched(vss_raw, tmp_path, [(catalog, b"\xee" * 128)]))
    assert set(layers) == {"fs"} and "/$MFT" in layers["fs"]
    (row,) = [s for s in skipped if s.location.containers[-1].name == "vss"]
    assert "Shadow Copies present but not readable" in row.detail and "catalog" in row.detail, row.detail


def test_one_shadow_copy_store_damaged_leaves_the_other_walked(vss_raw: Path, tmp_path: Path) -> None:
    """The first store's block-list offset (its catalog entry of type 3) sent into empty space."""
    catalog = _vss_catalog(vss_raw)
    with open(vss_raw, "rb") as f:
        f.seek(catalog)
        block = f.read(16384)
    entry = next(i for i in range(128, 16384, 128) if int.from_bytes(block[i:i + 8], "little") == 3)
    layers, skipped, _ = _walk(_patched(vss_raw, tmp_path, [(catalog + entry + 8, (0x3FFF0000).to_bytes(8, "little"))]))
    assert {"fs", "vss2"} <= set(layers) and "vss1" not in layers
    (row,) = [s for s in skipped if s.location.containers[-1].name.startswith("vss1")]
    assert "vshadow" in row.detail, row.detail


def test_a_udif_image_whose_block_table_is_damaged_says_why(tmp_path: Path) -> None:
    import gzip

    dmg = bytearray(gzip.decompress((IMAGES / "dfvfs__hfsplus_zlib.dmg.gz").read_bytes()))
    trailer = dmg[-512:]
    assert trailer[:4] == b"koly"
    xml_at = int.from_bytes(trailer[0xD8:0xE0], "big")
    blkx = dmg.find(b"<data>", dmg.find(b"<data>", xml_at) + 1) + 200  # inside the second table's base64
    dmg[blkx:blkx + 40] = b"!" * 40
    (tmp_path / "disk.dmg").write_bytes(bytes(dmg))
    (tmp_path / "whole.dmg").write_bytes(gzip.decompress((IMAGES / "dfvfs__hfsplus_zlib.dmg.gz").read_bytes()))
    healthy, _, _ = _walk(tmp_path / "whole.dmg")
    # bundle10: libmodi refuses it whole; read table by table, the damaged table's sector (the primary GPT
    # header) reads as zeros, the partition is found from the backup GPT and walked, the table listed
    layers, skipped, details = _walk(tmp_path / "disk.dmg")
    assert layers == healthy and details["udif"] == {"tables": 7, "tables_damaged": 1}, details
    (row,) = [s for s in skipped if "block table" in s.detail]
    assert row.reason == "corrupt" and "GPT Header" in row.detail and "base64" in row.detail, row.detail


def test_an_lvm_partition_of_a_gpt_read_from_its_backup_is_still_searched(lvm_raw: bytes, tmp_path: Path) -> None:
    """review9d: a GPT disk whose primary table is gone, one partition an LVM physical volume. The partitions read
    from the backup GPT are searched for volumes as the libraries' partitions are: both logical volumes are
    walked, not "p1 holds data but no file system leakscan can read" (a readable volume group lost)."""
    lvm = tmp_path / "lvm.raw"
    lvm.write_bytes(lvm_raw)
    disk = tmp_path / "disk.img"
    partitioned_disk(disk, [(lvm, GPT_LINUX)], label="gpt")
    layers, _, _ = _walk(disk)
    with open(disk, "r+b") as f:  # the primary header and entry array overwritten
        f.seek(512)
        f.write(bytes(33 * 512))
    damaged, _, details = _walk(disk)
    assert damaged == layers and "/passwords.txt" in layers["lvm1"], (damaged, details["volumes"])
    assert {v["name"] for v in details["volumes"]} == {"p1/lvm1", "p1/lvm2"}, details["volumes"]
    assert all("backup GPT" in v.get("note", "") for v in details["volumes"] if v["name"].startswith("p1/")), details


@pytest.mark.parametrize("field", [32, 72])  # the backup header's LBA; the entry array's first LBA
def test_a_gpt_lba_past_any_file_offset_does_not_lose_the_image(disks: dict[str, Path], tmp_path: Path,
                                                                field: int) -> None:
    """audit9: one flipped high bit in an LBA of the primary header (CRC made whole again, as a tool would) made
    os.pread raise OverflowError, not caught: the whole image failed to open. It is no table there; the
    partitions are still walked."""
    import zlib

    odd = tmp_path / "huge_lba.img"
    shutil.copy(disks["gpt"], odd)
    with open(odd, "r+b") as f:
        f.seek(512)
        header = bytearray(f.read(92))
        header[field + 7] |= 0x80
        header[16:20] = bytes(4)
        header[16:20] = zlib.crc32(header).to_bytes(4, "little")
        f.seek(512)
        f.write(header)
    layers, _, _ = _walk(odd)
    assert {"/first.txt", "/second.txt"} <= set().union(*layers.values()), layers
