"""Linux md arrays rebuilt from member images (scanner/sources/image_md.py, ImageSource._serve_md): members written
by tests/md_data.py as the kernel lays them out (mdadm --create needs root), with file systems made by mke2fs -d and
mtools inside. Before: each raid5 member was 'not-a-disk-image' and the workbook inside was never found."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import run_leakscan
from image_data import ext_image, fat_image, leaked_workbook, partitioned_disk, sha256, write_tree
from md_data import write_members

from scanner.sources.image_md import MdArray, MdRefused, gather, md_super

pytestmark = pytest.mark.skipif(shutil.which("mke2fs") is None or shutil.which("mcopy") is None,
                                reason="mke2fs and mtools build the file systems")

# (level, members, layout, metadata)
SHAPES = [(5, 3, 2, "1.2"), (5, 4, 0, "1.1"), (5, 4, 1, "1.0"), (5, 5, 3, "0.90"), (5, 3, 4, "1.2"),
          (5, 3, 5, "1.2"), (4, 3, 5, "1.2"), (6, 4, 2, "1.2"), (6, 5, 0, "1.2"), (6, 5, 1, "1.0"), (6, 6, 3, "1.2"),
          (6, 4, 4, "1.2"), (6, 4, 5, "0.90"), (0, 3, 0, "1.2"), (1, 2, 0, "1.2"), (1, 3, 0, "0.90"),
          (10, 4, 0x102, "1.2"), (10, 3, 0x102, "1.2"), (10, 5, 0x103, "1.0"),
          # raid10 far (f2, f3) and offset (o2) layouts, far sets (bit 17: 2), near and far together (md20)
          (10, 4, 0x201, "1.2"), (10, 3, 0x201, "1.2"), (10, 5, 0x301, "1.0"), (10, 4, 0x10201, "1.2"),
          (10, 3, 0x10201, "0.90"), (10, 4, 0x40201, "1.2"), (10, 4, 0x202, "1.2")]


@pytest.fixture(scope="module")
def array_bytes() -> bytes:
    import random

    rnd = random.Random(19)
    return bytes(rnd.getrandbits(8) for _ in range(700_001))


def _open(path: Path, others: list[Path] = ()) -> MdArray:
    first = md_super(str(path))
    assert first is not None
    found = gather((str(path), 0, None), first, [str(p) for p in others])
    current = found.current()
    return MdArray(found.supers[current[min(current)]], current, found.supers, found.places)


@pytest.mark.parametrize(("level", "n", "layout", "version"), SHAPES)
def test_every_shape_reads_back_whole_and_with_each_member_missing(tmp_path: Path, array_bytes: bytes, level: int,
                                                                    n: int, layout: int, version: str) -> None:
    members = write_members(tmp_path, array_bytes, level, n, chunk=0 if level == 1 else 16384, layout=layout,
                            version=version)
    sb = md_super(str(members[1]))
    assert sb is not None and (sb.level, sb.raid_disks, sb.role, sb.version, sb.checksum_ok) == (
        level, n, 1, version, True)
    assert sb.data_offset == (1 << 20 if version in ("1.1", "1.2") else 0)
    assert _open(members[0]).read(0, len(array_bytes)) == array_bytes
    away = tmp_path / "away"
    away.mkdir()
    for gone in range(n):
        members[gone].rename(away / "m")
        try:
            if level == 0:
                with pytest.raises(MdRefused, match="1 of 3 members missing") as refused:
                    _open(members[(gone + 1) % n])
                assert refused.value.missing
            else:  # parity (raid6: P), the other mirror or the near copy
                array = _open(members[(gone + 1) % n])
                assert array.missing == [gone]
                assert array.read(0, len(array_bytes)) == array_bytes, gone
                array.close()
        finally:
            (away / "m").rename(members[gone])


@pytest.mark.parametrize("layout", [0, 1, 2, 3, 4, 5])
def test_raid6_is_rebuilt_with_any_two_members_missing_through_q(tmp_path: Path, array_bytes: bytes,
                                                                 layout: int) -> None:
    import itertools

    members = write_members(tmp_path, array_bytes, 6, 5, chunk=16384, layout=layout)
    away = tmp_path / "away"
    away.mkdir()
    for pair in itertools.combinations(range(5), 2):  # two data chunks, data and P, data and Q, P and Q
        for i in pair:
            members[i].rename(away / members[i].name)
        try:
            array = _open(members[next(i for i in range(5) if i not in pair)])
            assert array.missing == list(pair)
            assert array.read(0, len(array_bytes)) == array_bytes, pair
            array.close()
        finally:
            for i in pair:
                (away / members[i].name).rename(members[i])


def test_three_missing_raid6_members_and_a_lost_raid10_pair_are_refused(tmp_path: Path, array_bytes: bytes) -> None:
    six = write_members(tmp_path, array_bytes, 6, 5, chunk=16384, stem="six")
    ten = write_members(tmp_path, array_bytes, 10, 4, chunk=16384, layout=0x102, stem="ten")
    for p in (six[0], six[2], six[3], ten[2], ten[3]):  # raid10 near 2 over 4: slots 2 and 3 hold the same chunks
        p.unlink()
    with pytest.raises(MdRefused, match="raid6: 3 of 5 members missing"):
        _open(six[1])
    with pytest.raises(MdRefused, match="raid10: 2 of 4 members missing"):
        _open(ten[0])
    ten2 = write_members(tmp_path, array_bytes, 10, 4, chunk=16384, layout=0x102, stem="tenb")
    ten2[1].unlink(), ten2[2].unlink()  # slots 1 and 2 never hold the same chunk: still read
    assert _open(ten2[0]).read(0, len(array_bytes)) == array_bytes


def test_a_stale_member_is_left_out_and_a_damaged_superblock_too(tmp_path: Path, array_bytes: bytes) -> None:
    members = write_members(tmp_path, array_bytes, 5, 4, chunk=16384, events=[30, 30, 12, 30])
    found = gather((str(members[0]), 0, None), md_super(str(members[0])), [])
    assert [os.path.basename(p) for p, _ in found.stale()] == ["disk2.img"]
    array = _open(members[0])
    assert array.missing == [2] and array.read(0, len(array_bytes)) == array_bytes
    raw = bytearray(members[1].read_bytes())
    raw[4096 + 200] ^= 0xFF  # the event count: the checksum no longer matches
    members[1].write_bytes(bytes(raw))
    assert md_super(str(members[1])).checksum_ok is False
    with pytest.raises(MdRefused, match="2 of 4 members missing"):  # disk1 damaged + disk2 stale
        _open(members[0])


def test_a_reshape_and_an_unknown_layout_are_refused(tmp_path: Path, array_bytes: bytes) -> None:
    import struct

    from md_data import _csum1

    members = write_members(tmp_path, array_bytes, 5, 3, chunk=16384)
    for p, (offset, value) in zip(members[:1], [(8, 4)], strict=True):  # feature bit 4: reshape active
        raw = bytearray(p.read_bytes())
        sb = bytearray(raw[4096:5120])
        struct.pack_into("<I", sb, offset, value)
        struct.pack_into("<I", sb, 216, 0)
        struct.pack_into("<I", sb, 216, _csum1(sb, 3))
        raw[4096:5120] = sb
        p.write_bytes(bytes(raw))
    assert md_super(str(members[0])).reshape
    found = gather((str(members[0]), 0, None), md_super(str(members[0])), [])
    with pytest.raises(MdRefused, match="reshape"):
        MdArray(found.supers[str(members[0])], {0: str(members[0])}, found.supers, found.places)


# --- through the CLI: a file system inside -------------------------------------------------------------

@pytest.fixture(scope="module")
def volumes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("md")
    book = leaked_workbook(seed=19)
    tree = write_tree(root / "tree", {"共有/名簿.xlsx": book, "memo.txt": b"nothing personal"})
    ext = ext_image(root / "ext4.img", tree, size_mib=8).read_bytes()
    fat = fat_image(root / "fat.img", {"BACKUP/名簿.xlsx": book}).read_bytes()
    return {"root": root, "book": sha256(book), "ext": ext, "fat": fat}


def _findings(out: Path, *args: str) -> tuple[int, dict]:
    done = run_leakscan("scan", *args, "--out", str(out), "--workers", "1", "--quiet", "--name", "名簿.xlsx",
                        timeout=240)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _hits(doc: dict) -> list[tuple[str, str]]:
    return sorted((f["path"], f["sha256"]) for f in doc["files"] if f["path"].endswith("名簿.xlsx"))


def test_raid5_members_given_as_sources_are_read_as_one_array(volumes: dict, tmp_path: Path) -> None:
    members = write_members(tmp_path, volumes["ext"], 5, 3)
    code, doc = _findings(tmp_path / "out", *map(str, members))
    assert code == 1, doc["skipped"]
    assert _hits(doc) == [(f"{members[0]} » fs (ext4) » /共有/名簿.xlsx", volumes["book"])]  # once, not per member
    assert doc["skipped"] == []
    first, *others = doc["scan"]["source_details"]
    assert first["format"] == "Linux md raid5 (rebuilt by leakscan from 3 of 3 members)"
    assert first["md_array"]["layout"] == "left-symmetric" and first["md_array"]["missing_slots"] == []
    assert [c["code"] for c in first["volumes"][0]["note_codes"]] == ["md-array-read"]
    assert [o["md_array"]["read_with"] for o in others] == [str(members[0])] * 2


def test_a_degraded_raid6_in_a_folder_is_rebuilt_once(volumes: dict, tmp_path: Path) -> None:
    folder = tmp_path / "nas"
    folder.mkdir()
    members = write_members(folder, volumes["fat"], 6, 4, chunk=32768, version="1.0")
    members[0].unlink()  # slot 0 was not imaged: its chunks come from P
    code, doc = _findings(tmp_path / "out", str(folder))
    assert code == 1, doc["skipped"]
    assert _hits(doc) == [(f"{members[1]} » fs (FAT16) » /BACKUP/名簿.xlsx", volumes["book"])]
    assert doc["skipped"] == []


def test_a_stale_member_is_listed_and_the_array_read_without_it(volumes: dict, tmp_path: Path) -> None:
    members = write_members(tmp_path, volumes["ext"], 5, 4, version="0.90", events=[41, 41, 40, 41])
    code, doc = _findings(tmp_path / "out", str(members[0]))
    assert code == 3  # a member not examined: incomplete
    assert _hits(doc) == [(f"{members[0]} » fs (ext4) » /共有/名簿.xlsx", volumes["book"])]
    assert [(s["reason"], [c["code"] for c in s["detail_codes"]]) for s in doc["skipped"]] == [
        ("unsupported", ["md-member-stale", "md-stale-unread"])]  # images21: why its older slices are not read
    note = doc["scan"]["source_details"][0]["volumes"][0]["note_codes"]
    assert [c["code"] for c in note] == ["md-array-read", "md-degraded"] and note[1]["slots"] == "2"


def test_raid0_missing_a_member_is_listed_not_clean(volumes: dict, tmp_path: Path) -> None:
    members = write_members(tmp_path, volumes["ext"], 0, 3)
    members[2].unlink()
    code, doc = _findings(tmp_path / "out", str(members[0]))
    assert code == 2  # nothing could be read: never a clean scan
    assert doc["files"] == []
    assert [(s["reason"], s["detail_codes"][0]["code"]) for s in doc["skipped"]] == [
        ("source-error", "md-array-unread"), ("corrupt", "md-array-unread")]
    assert "raid0: 1 of 3 members missing" in doc["skipped"][1]["detail"]
    assert "disk0.img, disk1.img" in doc["skipped"][1]["detail"]


def test_a_nas_whose_arrays_live_on_partitions_is_read_once_with_the_other_partitions(volumes: dict,
                                                                                     tmp_path: Path) -> None:
    """Synology/QNAP: every disk holds a partition table; the data volume is md on a partition of each disk."""
    parts = tmp_path / "parts"
    parts.mkdir()
    members = write_members(parts, volumes["ext"], 5, 3, stem="m")
    disks = tmp_path / "disks"
    disks.mkdir()
    for i, member in enumerate(members):
        fat = fat_image(parts / f"fat{i}.img", {f"SYS/disk{i}.txt": b"not an array"})
        partitioned_disk(disks / f"nas{i}.img", [(fat, "6"), (member, "fd")])
    shutil.rmtree(parts)  # only the whole disks are evidence
    code, doc = _findings(tmp_path / "out", *(str(disks / f"nas{i}.img") for i in range(3)))
    assert code == 1 and doc["skipped"] == []
    assert _hits(doc) == [(f"{disks}/nas0.img » p2 » md (ext4) » /共有/名簿.xlsx", volumes["book"])]
    # the plain partition of every disk is still walked (disk1.txt, disk2.txt), the array only with nas0
    assert [s["files_seen"] for s in doc["scan"]["source_details"]][1:] == [1, 1]
    rows = [[(v["name"], [c["code"] for c in v.get("note_codes", [])]) for v in s["volumes"]]
            for s in doc["scan"]["source_details"]]
    assert rows[0] == [("p1", []), ("p2/md", ["md-array-read"])]
    assert rows[1] == rows[2] == [("p1", []), ("p2", ["md-read-with"])]


def test_a_linear_array_of_unequal_members_is_read_end_to_end(tmp_path: Path, array_bytes: bytes) -> None:
    import hashlib

    from md_data import super1

    uuid, parts = hashlib.md5(b"linear").digest(), [array_bytes[:300 * 1024], array_bytes[300 * 1024:]]
    for i, data in enumerate(parts):
        data = data[:len(data) - len(data) % 512]
        parts[i] = data
        member = bytearray((1 << 20) + len(data) + 65536)
        member[1 << 20:(1 << 20) + len(data)] = data
        member[4096:5120] = super1("1.2", -1, 0, 0, 2, 0, 1 << 20, len(data), 4096, i, 5, [0, 1], uuid)
        (tmp_path / f"lin{i}.img").write_bytes(bytes(member))
    array = _open(tmp_path / "lin1.img")
    assert array.size == len(parts[0]) + len(parts[1])
    assert array.read(0, array.size) == parts[0] + parts[1]
    assert array.read(len(parts[0]) - 10, 20) == (parts[0] + parts[1])[len(parts[0]) - 10:len(parts[0]) + 10]


def test_nas_disks_holding_only_md_partitions_in_a_folder_are_no_errors(volumes: dict, tmp_path: Path) -> None:
    """GPT disks whose one partition is a raid6 member (metadata 1.0), one disk not imaged: the array is read from
    the first disk, the others are described (md-read-with), not 'nothing could be walked'."""
    parts, disks = tmp_path / "parts", tmp_path / "disks"
    parts.mkdir(), disks.mkdir()
    members = write_members(parts, volumes["ext"], 6, 4, stem="m", version="1.0")
    for i, member in enumerate(members[:3]):
        partitioned_disk(disks / f"nas{i}.img", [(member, "A19D880F-05FC-4D3B-A006-743F0F84911E")], label="gpt")
    shutil.rmtree(parts)
    code, doc = _findings(tmp_path / "out", str(disks))
    assert code == 1 and doc["skipped"] == []
    assert _hits(doc) == [(f"{disks}/nas0.img » p1 » md (ext4) » /共有/名簿.xlsx", volumes["book"])]


def test_hostile_superblocks_with_good_checksums_are_refused_or_read_never_crash(tmp_path: Path,
                                                                                  array_bytes: bytes) -> None:
    """Seeded flips in the fields of member 0's 1.2 superblock, its checksum made good again: the array is refused
    (MdRefused) or read; a read past what the members hold is an OSError (listed by the walk), never another error."""
    import random
    import struct

    from md_data import _csum1

    members = write_members(tmp_path, array_bytes, 5, 3, chunk=16384)
    clean = members[0].read_bytes()
    rnd = random.Random(1910)
    outcomes = {"refused": 0, "read": 0, "short": 0}
    for _ in range(150):
        raw = bytearray(clean)
        sb = bytearray(raw[4096:5120])
        for _ in range(rnd.randint(1, 3)):
            sb[rnd.choice([*range(64, 200), *range(256, 262)])] = rnd.getrandbits(8)
        max_dev = min(struct.unpack_from("<I", sb, 220)[0], 384)
        struct.pack_into("<I", sb, 216, 0)
        struct.pack_into("<I", sb, 216, _csum1(sb, max_dev))
        raw[4096:5120] = sb
        members[0].write_bytes(bytes(raw))
        try:
            array = _open(members[1])
        except MdRefused:
            outcomes["refused"] += 1
            continue
        try:
            array.read(0, min(array.size, 1 << 20))
            array.read(max(0, array.size - 65536), 65536)
            outcomes["read"] += 1
        except OSError:
            outcomes["short"] += 1
        finally:
            array.close()
    assert sum(outcomes.values()) == 150 and outcomes["refused"] and outcomes["read"], outcomes


def test_members_met_in_a_folder_are_read_by_one_the_walk_opens(volumes: dict, tmp_path: Path) -> None:
    """raid6 (left-symmetric, metadata 1.0) imaged as sda..sdd: slot 0 starts with stripe 0's Q, which no signature
    names, so the folder walk does not open it as an image; slot 1 (the array's first chunk: the ext4) is opened and
    must read the array itself. It used to leave it to slot 0 ('read as the array with sda'): nothing walked, exit 0."""
    import random

    folder = tmp_path / "nas"
    folder.mkdir()
    chunk = 2 << 20
    array = bytearray(volumes["ext"])
    array[chunk:2 * chunk] = random.Random(19).randbytes(chunk)  # blocks 2048-4095 of the 1 KiB-block ext4: free
    members = write_members(folder, bytes(array), 6, 4, chunk=chunk, version="1.0", stem="sd")
    for m in members:
        m.rename(m.with_suffix(""))
    code, doc = _findings(tmp_path / "out", str(folder))
    assert _hits(doc) == [(f"{folder}/sd1 » fs (ext4) » /共有/名簿.xlsx", volumes["book"])]
    assert code == 1 and doc["skipped"] == []


def test_a_090_linear_array_reads_each_member_up_to_its_superblock(tmp_path: Path, array_bytes: bytes) -> None:
    """0.90 does not record a linear (or raid0) member's size (md.c super_90_load: its data is everything before the
    superblock, the size field is for raid1 and up): members of 256 KiB and 384 KiB with size 0 were read as an
    empty array."""
    import hashlib

    from md_data import super0

    uuid, data, parts = hashlib.md5(b"linear90").digest(), array_bytes[:640 * 1024], []
    for i, (start, end) in enumerate([(0, 256 * 1024), (256 * 1024, 640 * 1024)]):
        part = data[start:end]
        member = bytearray(len(part) + 65536)  # the superblock in the last 64 KiB-aligned 64 KiB
        member[:len(part)] = part
        member[len(part):len(part) + 4096] = super0(-1, 0, 0, 2, 0, i, 7, uuid)
        (tmp_path / f"jbod{i}.img").write_bytes(bytes(member))
        parts.append(part)
    array = _open(tmp_path / "jbod0.img")
    assert array.size == len(data)
    assert array.read(0, array.size) == data


@pytest.mark.parametrize(("level", "n", "layout"), [(5, 3, 2), (6, 4, 2), (1, 2, 0), (10, 4, 0x102)])
def test_a_member_image_cut_short_is_read_up_to_its_end_and_the_rest_rebuilt(tmp_path: Path, array_bytes: bytes,
                                                                            level: int, n: int, layout: int) -> None:
    """An imaging run that stopped early: member 1 ends halfway through its data. Before, every read past its end was
    an OSError ('member image ends ... early': raid5's directory holding the workbook unreadable, exit 3) although
    parity or another copy holds those chunks."""
    members = write_members(tmp_path, array_bytes, level, n, chunk=0 if level == 1 else 16384, layout=layout)
    with members[1].open("r+b") as f:
        f.truncate((1 << 20) + 100_000)  # the data offset, then 100,000 of its bytes
    array = _open(members[0])
    assert array.cut == [1] and array.missing == [] and array.rebuilt_slots() == [1]
    assert array.read(0, len(array_bytes)) == array_bytes
    array.close()
    if level == 5:  # two cut: past both ends nothing rebuilds them, and md-degraded does not say it did
        with members[2].open("r+b") as f:
            f.truncate((1 << 20) + 50_000)
        array = _open(members[0])
        assert array.cut == [1, 2] and array.rebuilt_slots() == []
        with pytest.raises(OSError, match="ends .* early"):
            array.read(0, len(array_bytes))
        array.close()


def test_a_raid5_member_cut_short_is_said_and_its_chunks_rebuilt(volumes: dict, tmp_path: Path) -> None:
    members = write_members(tmp_path, volumes["ext"], 5, 3)
    with members[1].open("r+b") as f:
        f.truncate(1200 * 1024)
    code, doc = _findings(tmp_path / "out", *map(str, members))
    assert _hits(doc) == [(f"{members[0]} » fs (ext4) » /共有/名簿.xlsx", volumes["book"])]
    assert code == 1 and doc["skipped"] == []
    note = doc["scan"]["source_details"][0]["volumes"][0]["note_codes"]
    assert [c["code"] for c in note] == ["md-array-read", "md-degraded"] and note[1]["slots"] == "1"


def test_an_array_not_rebuilt_in_a_folder_makes_the_scan_incomplete(volumes: dict, tmp_path: Path) -> None:
    """raid0 in a folder, one member not imaged: the array's files were never listed, yet the scan ended exit 0
    (complete, nothing found) with the refusals listed."""
    case = tmp_path / "case"
    case.mkdir()
    write_members(case, volumes["ext"], 0, 3)[1].unlink()
    code, doc = _findings(tmp_path / "out", str(case))
    assert {(s["reason"], s["detail_codes"][0]["code"]) for s in doc["skipped"]} >= {("corrupt", "md-array-unread")}
    assert code == 3 and doc["scan"]["incomplete"]["unlisted"]


def test_members_imaged_into_a_folder_each_are_gathered_from_the_folders_beside(volumes: dict,
                                                                                tmp_path: Path) -> None:
    """Each disk imaged into a folder of its own inside the case folder (Disk0/image.dd ...): each member alone was
    refused ('2 of 3 members missing'), the workbook never found."""
    (tmp_path / "x").mkdir()
    members = write_members(tmp_path / "x", volumes["ext"], 5, 3)
    case = tmp_path / "case"
    for i, member in enumerate(members):
        (case / f"Disk{i}").mkdir(parents=True)
        member.rename(case / f"Disk{i}" / "image.dd")
    code, doc = _findings(tmp_path / "out", str(case))
    assert _hits(doc) == [(f"{case}/Disk0/image.dd » fs (ext4) » /共有/名簿.xlsx", volumes["book"])]
    assert code == 1 and doc["skipped"] == []
    first, *others = doc["scan"]["source_details"][1:]  # the folder, then the images met in it
    assert "member images: Disk0/image.dd, Disk1/image.dd, Disk2/image.dd" in first["volumes"][0]["note"]
    assert [o["format"] for o in others] == ["Linux md raid5 member (read as the array with Disk0/image.dd)"] * 2


def test_a_reused_disk_with_an_old_md_superblock_at_its_end_is_still_walked(volumes: dict, tmp_path: Path) -> None:
    """A PC disk (MBR, FAT partition holding the workbook) that was once a raid5 member: the 0.90 superblock the old
    array left in its last 64 KiB survives (nothing overwrites it). Read as that array (2 of 3 members missing), the
    disk was refused and its partition never walked; the disk is walked, the old array listed."""
    import hashlib

    from md_data import super0

    (tmp_path / "fat.img").write_bytes(volumes["fat"])
    partitioned_disk(tmp_path / "pc.img", [(tmp_path / "fat.img", "6")])
    raw = bytearray((tmp_path / "pc.img").read_bytes()) + bytes(256 * 1024)
    at = (len(raw) & ~0xFFFF) - 65536
    raw[at:at + 4096] = super0(5, 2, 65536, 3, at - 65536, 0, 9, hashlib.md5(b"old nas").digest())
    (tmp_path / "pc.img").write_bytes(bytes(raw))
    (tmp_path / "fat.img").unlink()
    code, doc = _findings(tmp_path / "out", str(tmp_path / "pc.img"))
    assert _hits(doc) == [(f"{tmp_path}/pc.img » p1 (FAT16) » /BACKUP/名簿.xlsx", volumes["book"])]
    assert [(s["reason"], s["detail_codes"][0]["code"]) for s in doc["skipped"]] == [("corrupt", "md-array-unread")]
    assert code == 3


def test_sectors_in_a_members_bad_block_log_are_rebuilt_from_parity(tmp_path: Path, array_bytes: bytes) -> None:
    """A failing disk: md records sectors it could not write in the member's bad-block log (1.x: bblog_offset sectors
    after the superblock, entries sector << 10 | count) and reads them from parity. The member's bytes there are
    stale; they were read as the array's."""
    import struct

    from md_data import _csum1

    members = write_members(tmp_path, array_bytes, 5, 3, chunk=16384)
    raw = bytearray(members[1].read_bytes())
    sb = bytearray(raw[4096:5120])
    struct.pack_into("<BHi", sb, 185, 0, 8, 16)  # shift 0, 8 sectors of log, 16 sectors after the superblock
    struct.pack_into("<I", sb, 216, 0)
    struct.pack_into("<I", sb, 216, _csum1(sb, 3))
    raw[4096:5120] = sb
    log = 4096 + 16 * 512
    raw[log:log + 4096] = b"\xff" * 4096
    struct.pack_into("<QQ", raw, log, 40 << 10 | 24, 100 << 10 | 1)  # sectors 40-63 and 100 of its data
    for sector, count in ((40, 24), (100, 1)):
        at = (1 << 20) + sector * 512
        raw[at:at + count * 512] = b"\xee" * (count * 512)  # what the failing disk holds there
    members[1].write_bytes(bytes(raw))
    assert md_super(str(members[1])).bad == ((40 * 512, 24 * 512), (100 * 512, 512))
    assert _open(members[0]).read(0, len(array_bytes)) == array_bytes


# --- session 20 (md20): leftovers of review19r --------------------------------------------------------------

def test_a_stale_raid1_member_is_walked_as_an_older_copy_of_its_own(volumes: dict, tmp_path: Path) -> None:
    """A raid1 member failed before the last writes is a whole older copy of the file system: the client list
    deleted since is still on it. Before: listed md-member-stale (exit 3), its contents never examined."""
    new = ext_image(tmp_path / "new.img", write_tree(tmp_path / "t", {"共有/memo.txt": b"nothing"}), size_mib=8)
    current = write_members(tmp_path, new.read_bytes(), 1, 2, version="1.0", events=[30, 30])
    older = tmp_path / "older"
    older.mkdir()
    stale = write_members(older, volumes["ext"], 1, 2, version="1.0", events=[22, 22])  # the same array UUID
    shutil.copy(stale[1], current[1])
    code, doc = _findings(tmp_path / "out", str(current[0]), str(current[1]))
    assert code == 1 and doc["skipped"] == []
    assert _hits(doc) == [(f"{current[0]} » stale-slot1 (ext4) » /共有/名簿.xlsx", volumes["book"])]
    rows = [(v["name"], [c["code"] for c in v.get("note_codes", [])])
            for v in doc["scan"]["source_details"][0]["volumes"]]
    assert rows == [("fs", ["md-array-read", "md-degraded"]), ("stale-slot1", ["md-stale-copy"])]
    assert "disk1.img, whose event count 22 is behind the array's 30" in \
        doc["scan"]["source_details"][0]["volumes"][1]["note"]


def test_two_stale_raid1_members_of_one_moment_are_one_older_copy(volumes: dict, tmp_path: Path) -> None:
    """raid1 of 3 whose slots 1 and 2 failed together (both at event 22, the array at 30): one older copy of the file
    system, as md would assemble them. md20 walked each as its own volume (stale-slot1, stale-slot2): every file of
    that copy listed twice. Now one volume, named by its lowest slot, reads both."""
    new = ext_image(tmp_path / "new.img", write_tree(tmp_path / "t", {"共有/memo.txt": b"nothing"}), size_mib=8)
    current = write_members(tmp_path, new.read_bytes(), 1, 3, version="1.0", events=[30, 30, 30])
    older = tmp_path / "older"
    older.mkdir()
    stale = write_members(older, volumes["ext"], 1, 3, version="1.0", events=[22, 22, 22])  # the same array UUID
    for i in (1, 2):
        shutil.copy(stale[i], current[i])
    code, doc = _findings(tmp_path / "out", *map(str, current))
    assert code == 1 and doc["skipped"] == []
    assert _hits(doc) == [(f"{current[0]} » stale-slot1 (ext4) » /共有/名簿.xlsx", volumes["book"])]
    volume = doc["scan"]["source_details"][0]["volumes"][1]
    assert volume["name"] == "stale-slot1" and "disk1.img, disk2.img, whose event count 22" in volume["note"]


def test_a_member_claiming_a_filled_slot_is_said(volumes: dict, tmp_path: Path) -> None:
    members = write_members(tmp_path, volumes["ext"], 5, 3)
    twice = tmp_path / "disk0-again.img"
    shutil.copy(members[0], twice)
    code, doc = _findings(tmp_path / "out", *map(str, [*members, twice]))
    assert _hits(doc) == [(f"{members[0]} » fs (ext4) » /共有/名簿.xlsx", volumes["book"])]
    assert [(s["reason"], s["detail_codes"][0]["code"]) for s in doc["skipped"]] == [
        ("unsupported", "md-member-duplicate")]
    assert "disk0.img: member image of the md array claiming slot 0, which disk0-again.img" in \
        doc["skipped"][0]["detail"]  # before: dropped without a word
    assert code == 3


@pytest.mark.parametrize("container", ["raw", "E01"])
def test_a_reused_disk_with_an_old_raid1_superblock_is_walked_without_a_degraded_alarm(volumes: dict, tmp_path: Path,
                                                                                        container: str) -> None:
    """A PC disk once one half of a NAS mirror (metadata 1.0: data from byte 0): before, read as a degraded raid1
    with md-degraded (a false alarm: nothing is missing from this disk). Imaged as an E01 too."""
    import hashlib
    import subprocess

    if container == "E01" and shutil.which("ewfacquire") is None:
        pytest.skip("ewfacquire makes the E01")

    from md_data import super1

    (tmp_path / "fat.img").write_bytes(volumes["fat"])
    partitioned_disk(tmp_path / "pc.img", [(tmp_path / "fat.img", "6")])
    raw = bytearray((tmp_path / "pc.img").read_bytes()) + bytes(256 * 1024)
    at = ((len(raw) // 512 - 16) & ~7) * 512
    raw[at:at + 1024] = super1("1.0", 1, 0, 0, 2, at - 65536, 0, at - 65536, at, 0, 7, [0, 1],
                               hashlib.md5(b"old mirror").digest())
    (tmp_path / "pc.img").write_bytes(bytes(raw))
    (tmp_path / "fat.img").unlink()
    image = tmp_path / "pc.img"
    if container == "E01":
        subprocess.run(["ewfacquire", "-u", "-q", "-c", "none", "-t", str(tmp_path / "pc"), str(image)], check=True,
                       capture_output=True, timeout=120)
        image.unlink()
        image = tmp_path / "pc.E01"
    code, doc = _findings(tmp_path / "out", str(image))
    assert code == 1 and doc["skipped"] == []
    assert _hits(doc) == [(f"{image} » p1 (FAT16) » /BACKUP/名簿.xlsx", volumes["book"])]
    detail = doc["scan"]["source_details"][0]
    assert detail["format"] == ("raw" if container == "raw" else "EWF (E01)")
    assert [c["code"] for c in detail["volumes"][0]["note_codes"]] == ["md-lone-mirror"]


@pytest.mark.parametrize("layout", [0x201, 0x10201])
def test_a_raid10_far_or_offset_array_loses_a_chunk_only_when_both_copies_are_gone(tmp_path: Path,
                                                                                  array_bytes: bytes,
                                                                                  layout: int) -> None:
    """f2/o2 over 4: a chunk's second copy is on the next member, so slots 0 and 2 gone still read (0 and 1 not).
    Before md20 both layouts were refused as 'only the near layout is read here'."""
    members = write_members(tmp_path, array_bytes, 10, 4, chunk=16384, layout=layout)
    away = tmp_path / "away"
    away.mkdir()
    for i in (0, 2):
        members[i].rename(away / members[i].name)
    array = _open(members[1])
    assert array.missing == [0, 2] and array.read(0, len(array_bytes)) == array_bytes
    array.close()
    (away / members[2].name).rename(members[2])
    members[1].rename(away / members[1].name)
    with pytest.raises(MdRefused, match="raid10: 2 of 4 members missing"):
        _open(members[2])
