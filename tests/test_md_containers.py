"""Linux md members imaged into containers (image_media.open_md_member): investigators image NAS disks as E01
(ewfacquire), VMDK/VHD/VHDX/QCOW2 (a virtual NAS, or converted) and split raw (`disk1.001`...). Before, only raw
files were members: three E01s of a raid5 were each 'nothing walkable' (exit 2), a folder of them 'image-not-opened'
three times, the workbook inside never found. Members written by tests/md_data.py, containers by the real tools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from image_data import ext_image, fat_image, leaked_workbook, partitioned_disk, sha256, write_tree
from md_data import write_members

from scanner.sources.image_md import MdArray, gather, md_super
from scanner.sources.image_media import open_md_member
from tests.test_md_raid import _findings, _hits

pytestmark = pytest.mark.skipif(any(shutil.which(t) is None for t in ("mke2fs", "mcopy", "ewfacquire", "qemu-img")),
                                reason="mke2fs/mtools build the file systems, ewfacquire and qemu-img the containers")


def _e01(raw: Path, target: Path, segment: str = "1MiB") -> Path:
    subprocess.run(["ewfacquire", "-u", "-q", "-t", str(target), "-f", "encase6", "-c", "none", "-S", segment,
                    str(raw)], check=True, capture_output=True, timeout=120)
    return target.with_suffix(".E01")


def _qemu(raw: Path, target: Path, fmt: str, *options: str) -> Path:
    subprocess.run(["qemu-img", "convert", "-O", fmt, *options, str(raw), str(target)], check=True,
                   capture_output=True, timeout=120)
    return target


def _split(raw: Path, folder: Path, size: int) -> list[Path]:
    data = raw.read_bytes()
    out = []
    for i in range(0, len(data), size):
        out.append(folder / f"{raw.stem}.{i // size + 1:03d}")
        out[-1].write_bytes(data[i:i + size])
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("mdc")
    book = leaked_workbook(seed=20)
    tree = write_tree(root / "tree", {"共有/名簿.xlsx": book})
    ext = ext_image(root / "ext4.img", tree, size_mib=8).read_bytes()
    raw = root / "raw"
    raw.mkdir()
    members = write_members(raw, ext, 5, 3)
    # as SOURCEs: an E01 in 1 MiB segments, a flat VMDK (descriptor + extent), a VHDX
    given = root / "given"
    given.mkdir()
    sources = [_e01(members[0], given / "disk0"), _qemu(members[1], given / "disk1.vmdk", "vmdk", "-o",
                                                          "subformat=monolithicFlat"),
               _qemu(members[2], given / "disk2.vhdx", "vhdx")]
    # in a folder: a QCOW2, a split raw image in 2 MiB segments, a VHD
    folder = root / "folder"
    folder.mkdir()
    _qemu(members[0], folder / "disk0.qcow2", "qcow2")
    _split(members[1], folder, 2 << 20)
    _qemu(members[2], folder / "disk2.vhd", "vpc")
    return {"root": root, "book": sha256(book), "ext": ext, "members": members, "sources": sources,
            "folder": folder}


def test_members_inside_containers_read_back_the_array_bytes(made: dict) -> None:
    sources = [str(p) for p in made["sources"]]
    assert md_super(sources[0]) is None  # the E01's own bytes hold no superblock: its disk does
    first = md_super(sources[0], opener=open_md_member)
    assert first is not None and first.role == 0
    found = gather((sources[0], 0, None), first, sources[1:], opener=open_md_member)
    assert sorted(found.current()) == [0, 1, 2]
    assert {k: f for k, (_, f) in found.opened.items()} == {
        sources[0]: "EWF (E01)", sources[1]: "VMDK", sources[2]: "VHD/VHDX"}
    current = found.current()
    array = MdArray(found.supers[current[0]], current, found.supers, found.places, found.opener)
    try:
        assert array.read(0, len(made["ext"])) == made["ext"]
    finally:
        array.close()


def test_members_in_e01_vmdk_and_vhdx_given_as_sources_are_one_array(made: dict, tmp_path: Path) -> None:
    e01, vmdk, vhdx = made["sources"]
    code, doc = _findings(tmp_path / "out", *map(str, made["sources"]))
    assert code == 1, doc["skipped"]
    assert doc["skipped"] == []
    assert _hits(doc) == [(f"{e01} » fs (ext4) » /共有/名簿.xlsx", made["book"])]
    first, *others = doc["scan"]["source_details"]
    assert first["format"] == "Linux md raid5 (rebuilt by leakscan from 3 of 3 members)"
    assert [(m["slot"], m["format"]) for m in first["md_array"]["members"]] == [
        (0, "EWF (E01)"), (1, "VMDK"), (2, "VHD/VHDX")]
    # provenance: each member's container and the files it reads (E01 segments, the flat extent)
    rows = {Path(f["path"]).name: f["role"] for f in first["files"]}
    assert rows["disk0.E01"] == rows["disk1.vmdk"] == rows["disk2.vhdx"] == "md member"
    assert rows["disk0.E02"] == rows["disk1-flat.vmdk"] == "md member segment"
    assert "disk0.E01, disk1.vmdk, disk2.vhdx" in first["volumes"][0]["note"]
    assert [o["md_array"]["read_with"] for o in others] == [str(e01)] * 2


def test_members_in_a_folder_as_qcow2_split_raw_and_vhd_are_one_array(made: dict, tmp_path: Path) -> None:
    folder = made["folder"]
    code, doc = _findings(tmp_path / "out", str(folder))
    assert code == 1, doc["skipped"]
    assert doc["skipped"] == []
    assert _hits(doc) == [(f"{folder}/disk0.qcow2 » fs (ext4) » /共有/名簿.xlsx", made["book"])]
    reader = next(s for s in doc["scan"]["source_details"] if s.get("md_array") and "read_with" not in s["md_array"])
    # the split image's later segments are read through disk1.001, not members of their own
    assert [(Path(m["path"]).name, m["format"]) for m in reader["md_array"]["members"]] == [
        ("disk0.qcow2", "QCOW"), ("disk1.001", "raw (split)"), ("disk2.vhd", "VHD/VHDX")]


def test_a_nas_imaged_as_e01s_has_its_md_partitions_read_once(made: dict, tmp_path: Path) -> None:
    """md on partition 2 of every disk, each disk an E01: the partitions are found inside the E01s' disks."""
    parts = tmp_path / "parts"
    parts.mkdir()
    members = write_members(parts, made["ext"], 1, 2, stem="m")
    for i, member in enumerate(members):
        fat = fat_image(parts / f"fat{i}.img", {f"SYS/disk{i}.txt": b"not an array"})
        partitioned_disk(parts / f"nas{i}.img", [(fat, "6"), (member, "fd")])
        _e01(parts / f"nas{i}.img", tmp_path / f"nas{i}", "64MiB")
    shutil.rmtree(parts)
    code, doc = _findings(tmp_path / "out", str(tmp_path / "nas0.E01"), str(tmp_path / "nas1.E01"))
    assert code == 1 and doc["skipped"] == []
    assert _hits(doc) == [(f"{tmp_path}/nas0.E01 » p2 » md (ext4) » /共有/名簿.xlsx", made["book"])]
    rows = [[(v["name"], [c["code"] for c in v.get("note_codes", [])]) for v in s["volumes"]]
            for s in doc["scan"]["source_details"]]
    assert rows == [[("p1", []), ("p2/md", ["md-array-read"])], [("p1", []), ("p2", ["md-read-with"])]]


def test_members_inside_an_archive_are_said_to_be_read_alone(tmp_path: Path) -> None:
    """raid5 members shipped in one zip: each is read alone (not rebuilt, 2 of 3 missing). Before, the refusal named
    the in-memory copy (`image-1`) and did not say the others were in the same archive."""
    import random
    import zipfile

    noise = random.Random(20).randbytes(3 << 20)  # an ext4 mostly empty is refused as a zip bomb (ratio)
    tree = write_tree(tmp_path / "tree", {"共有/名簿.xlsx": b"x", "noise.bin": noise})
    ext = ext_image(tmp_path / "ext4.img", tree, size_mib=8).read_bytes()
    folder = tmp_path / "m"
    folder.mkdir()
    archive = tmp_path / "members.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for member in write_members(folder, ext, 5, 3):
            z.write(member, member.name)
    shutil.rmtree(folder)
    code, doc = _findings(tmp_path / "out", str(archive))
    assert code == 3  # never a clean scan
    said = [s for s in doc["skipped"] if s["detail_codes"][0]["code"] == "md-array-unread"]
    assert len(said) == 3
    assert all([c["code"] for c in s["detail_codes"]] == ["md-array-unread", "md-members-in-archive"] for s in said)
    assert sorted(s["detail"].split("member images found: ")[1].split(";")[0] for s in said) == [
        "disk0.img", "disk1.img", "disk2.img"]
    assert "md member image inside members.zip" in said[0]["detail"]


def test_a_member_e01_missing_a_middle_segment_is_said(made: dict, tmp_path: Path) -> None:
    """disk0.E03 of a raid5 member's E01 lost: libewf reads the member up to the gap, md20 read it as a member cut
    short and rebuilt the rest from parity: the workbook found, but the missing segment said nowhere and the scan
    complete (a plain E01 says `media-file-missing`, incomplete). The gap is listed now, naming the file."""
    copy = tmp_path / "given"
    shutil.copytree(made["sources"][0].parent, copy)
    (copy / "disk0.E03").unlink()
    code, doc = _findings(tmp_path / "out", *(str(copy / p.name) for p in made["sources"]))
    assert code == 3, doc["skipped"]
    assert _hits(doc) == [(f"{copy}/disk0.E01 » fs (ext4) » /共有/名簿.xlsx", made["book"])]  # parity: still read
    said = [s for s in doc["skipped"] if s["detail_codes"][0]["code"] == "media-file-missing"]
    assert len(said) == 1 and "disk0.E03" in said[0]["detail"] and "disk0.E01" in said[0]["detail"], doc["skipped"]


def test_a_qcow2_member_cut_short_is_rebuilt_from_parity(made: dict, tmp_path: Path) -> None:
    """disk0.qcow2 of the raid5 folder cut to 3/4 (a copy stopped early): its virtual size is whole, so it is no
    member 'cut short' and libqcow fails each read of a cluster past the file's end. md20 let that error stop the
    file system's walk (the workbook lost, `fs: walk stopped`) although parity holds those chunks; md itself
    rebuilds a chunk a member fails to read. Now the chunk is rebuilt from the other members, and the cut is said."""
    copy = tmp_path / "folder"
    shutil.copytree(made["folder"], copy)
    cut = copy / "disk0.qcow2"
    data = cut.read_bytes()
    cut.write_bytes(data[:len(data) * 3 // 4])
    assert md_super(str(cut), opener=open_md_member) is not None  # its superblock still reads: a member
    code, doc = _findings(tmp_path / "out", str(copy))
    assert _hits(doc) == [(f"{copy}/disk0.qcow2 » fs (ext4) » /共有/名簿.xlsx", made["book"])], doc["skipped"]
    # the cut file is evidence damaged all the same: said (as for a QCOW2 walked alone), the scan incomplete
    assert [(s["reason"], s["detail_codes"][0]["code"]) for s in doc["skipped"]] == [("corrupt", "qcow2-cut-short")]
    assert "disk0.qcow2: truncated QCOW2 file" in doc["skipped"][0]["detail"]
    assert code == 3


def test_a_member_e01_with_damaged_chunks_is_said(made: dict, tmp_path: Path) -> None:
    """Bytes flipped inside disk0.E02 (the member's data chunks): libewf reads a chunk whose checksum fails without an
    error, so md20 rebuilt the array from damaged data, unsaid, the scan complete (a plain E01 is re-read against
    its stored MD5 and said MISMATCH). Each EWF member is now verified as a plain E01 is: the damage listed."""
    copy = tmp_path / "given"
    shutil.copytree(made["sources"][0].parent, copy)
    segment = copy / "disk0.E02"
    data = bytearray(segment.read_bytes())
    for i in range(200_000, len(data) - 1000, 7919):
        data[i] ^= 0x5A
    segment.write_bytes(bytes(data))
    code, doc = _findings(tmp_path / "out", *(str(copy / p.name) for p in made["sources"]))
    said = [s for s in doc["skipped"] if s["detail_codes"][0]["code"] == "md-member-hash-mismatch"]
    assert len(said) == 1 and "disk0.E01" in said[0]["detail"], doc["skipped"]
    assert code == 3
