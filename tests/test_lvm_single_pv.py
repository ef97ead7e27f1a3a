"""LVM volume groups of one physical volume that libvslvm refuses (issue #10, session 11 "Left open"), and LVM
metadata that lvm2 itself refuses (session 12).

A striped logical volume whose stripes lie on one physical volume (lvm2 writes one with ``--alloc anywhere``;
vgcfgrestore accepts it) made libvslvm refuse the whole group: every logical volume of the disk was listed
`unsupported` and none read. Such groups are now read from their own metadata through the joined reader of
session 11 (image_layers._lvm_read_here). The metadata here is written by lvm2 (pvcreate, vgcreate,
vgcfgrestore on a loop device: no device-mapper is needed), the volumes' bytes by hand where the metadata puts
them (device-mapper, which would write them, does not run in this sandbox).

Metadata lvm2 refuses to read (vgcfgrestore: "Duplicate PV id", "PV segments corrupted", "Segment with extent N
in PV not found") was read as written: wrong bytes walked as a file system. Each such volume is listed with a
detail code now. (A stripe size that is no power of two, which lvcreate never writes but vgcfgrestore and the
kernel accept, is read since session 13: tests/test_lvm_joined.py.)"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import LEAKED, MIB, ext_image, leaked_workbook, sha256, write_tree
from tests.test_lvm_joined import _lv, _segment

STRIPE = 64 * 1024


def _scan(disk: Path, out: Path) -> tuple[int, dict, str]:
    proc = run_leakscan("scan", str(disk), "--name", LEAKED, "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, doc, proc.stderr


def _lvm2_single_pv(disk: Path, lvs: str) -> int:
    """DISK (16 MiB, one physical volume) with the logical volumes LVS written by lvm2 (image_data.lvm2_group);
    pe_start in bytes. Under CI the tools must work (no skip)."""
    from tests.image_data import Unavailable, lvm2_group

    try:
        return lvm2_group(disk, lvs)
    except Unavailable as e:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"this sandbox cannot run the LVM tools on a loop device: {e}")


def _write_striped(disk: Path, at: list[int], data: bytes) -> None:
    """DATA laid over the stripes starting at byte offsets AT of DISK, STRIPE bytes at a time in turn."""
    with open(disk, "r+b") as f:
        for chunk in range(-(-len(data) // STRIPE)):
            which, row = chunk % len(at), chunk // len(at)
            f.seek(at[which] + row * STRIPE)
            f.write(data[chunk * STRIPE:(chunk + 1) * STRIPE])


def _files(n: int, seed: int) -> dict[str, bytes]:
    return {f"/d{i}/{LEAKED}": leaked_workbook(seed=seed + i, rows=20 + 90 * i) for i in range(n)}


def test_a_one_pv_group_with_a_striped_volume_is_read_from_its_own_metadata(tmp_path: Path) -> None:
    """One physical volume (the whole disk), lvm1 striped over two runs of it (extents 0-3 and 4-7, 64 KiB
    stripes), lvm2 linear (extents 8-11). Before: libvslvm refused the group ("unsupported number of stripes"
    or the like), both volumes `unsupported`, exit 3, no file read. Now both are walked: each file's bytes equal
    the file written, the scan complete."""
    striped_files, linear_files = _files(3, 70), {f"/h{k}": v for k, v in _files(2, 80).items()}
    striped = ext_image(tmp_path / "s.ext2", write_tree(tmp_path / "t1", striped_files), size_mib=8, fs="ext2")
    linear = ext_image(tmp_path / "l.ext2", write_tree(tmp_path / "t2", linear_files), size_mib=4, fs="ext2")
    lvs = (_lv("data", [_segment(1, 0, 8, [("pv0", 0), ("pv0", 4)], stripe_size=STRIPE // 512)])
           + _lv("home", [_segment(1, 0, 4, [("pv0", 8)])]))
    disk = tmp_path / "pv.img"
    pe = _lvm2_single_pv(disk, lvs)
    _write_striped(disk, [pe, pe + 4 * MIB], striped.read_bytes())
    with open(disk, "r+b") as f:
        f.seek(pe + 8 * MIB)
        f.write(linear.read_bytes())
    expected = {f"{disk} » lvm1 (ext2) » {k}": sha256(v) for k, v in striped_files.items()}
    expected |= {f"{disk} » lvm2 (ext2) » {k}": sha256(v) for k, v in linear_files.items()}
    rc, doc, err = _scan(disk, tmp_path / "out")
    assert rc == 1, (err, doc.get("skipped"))
    assert doc["scan"]["complete"] is True
    assert {f["path"]: f["sha256"] for f in doc["files"]} == expected
    assert not [s for s in doc["skipped"] if "lvm" in json.dumps(s.get("container", []))]
    volumes = {v["name"]: v for v in doc["scan"]["source_details"][0]["volumes"]}
    assert "striped over 1 physical volume" in volumes["lvm1"].get("note", ""), volumes


def test_a_one_pv_group_cut_inside_its_striped_volume_is_listed_not_silent(tmp_path: Path) -> None:
    """The same disk cut short inside the striped volume's second run (a truncated acquisition): what cannot be
    read is said (a row, the scan incomplete), never a clean scan."""
    files = _files(3, 90)
    striped = ext_image(tmp_path / "s.ext2", write_tree(tmp_path / "t1", files), size_mib=8, fs="ext2")
    disk = tmp_path / "pv.img"
    pe = _lvm2_single_pv(disk, _lv("data", [_segment(1, 0, 8, [("pv0", 0), ("pv0", 4)], stripe_size=128)]))
    _write_striped(disk, [pe, pe + 4 * MIB], striped.read_bytes())
    os.truncate(disk, pe + 6 * MIB)
    rc, doc, err = _scan(disk, tmp_path / "out")
    assert rc == 2, (err, doc.get("skipped"))  # nothing else in this image: the image's exit code
    (row,) = [s for s in doc["skipped"] if "lvm1" in json.dumps(s.get("container", []))]
    assert row["reason"] == "unreadable" and [c["code"] for c in row["detail_codes"]] == ["lvm-run-past-pv"]
    assert "striped over 1 physical volume" in row["detail"]


def _refused_disk(tmp_path: Path, bad: str, same_pv_id: bool = False) -> tuple[Path, str]:
    """test_images10's hand-written two-PV disk (lvm2 refuses this metadata, so no lvm2 tool writes it): lvm1
    BAD, lvm2 "home" one run of extents 4-7 of the second physical volume holding an ext2 with the workbook."""
    from tests.image_data import fat_image
    from tests.test_images10 import _hand_two_pv_disk, _linear

    leaked = leaked_workbook(seed=93, rows=15)
    inner = ext_image(tmp_path / "home.ext2", write_tree(tmp_path / "t", {f"/lv/{LEAKED}": leaked}), size_mib=4,
                      fs="ext2")
    fat = fat_image(tmp_path / "p1.fat", {"/memo.txt": b"memo\n"}, size_mib=4, bits=12)
    disk = tmp_path / "server.img"
    ids = ["pv0AAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAAAA"] * 2 if same_pv_id else None  # the text gives pv1 pv0's id
    _hand_two_pv_disk(disk, fat, inner, bad + _linear("home", "pv1", 4, 4), text_ids=ids)
    return disk, sha256(leaked)


@pytest.mark.parametrize(("bad", "same_pv_id", "refused", "home_read"), [
    (_lv("bad", [_segment(1, 0, 4, [("pv0", 9)])]), False,
     {"lvm1": ("corrupt", "extents 9-12 of a physical volume of 11")}, True),
    (_lv("bad", [_segment(1, 0, 2, [("pv1", 5)])]), False,
     {"lvm1": ("corrupt", "extents shared with another logical volume"),
      "lvm2": ("corrupt", "extents shared with another logical volume")}, False),
    (_lv("bad", [_segment(1, 0, 2, [("pv0", 0)])]), True,
     {"lvm1": ("corrupt", "a physical volume listed twice in the group"),
      "lvm2": ("corrupt", "a physical volume listed twice in the group")}, False),
], ids=["extents-past-pe-count", "two-volumes-over-one-run", "pv-id-twice"])
def test_lvm_metadata_lvm2_would_not_write_is_listed_not_read_as_written(
        tmp_path: Path, bad: str, same_pv_id: bool, refused: dict[str, tuple[str, str]], home_read: bool) -> None:
    """Before: each was read as written (a stripe size of 96 sectors, extents past pe_count, two volumes over
    the same extents, one PV id twice): the bytes the metadata points at walked as a file system, or nothing
    said at all. Now each such volume is listed with the code lvm-metadata-refused and why; a sound volume of
    the same group is still walked."""
    disk, digest = _refused_disk(tmp_path, bad, same_pv_id)
    rc, doc, err = _scan(disk, tmp_path / "out")
    assert rc == 3, (err, doc.get("skipped"))
    rows = {s["container"][-1]["name"]: s for s in doc["skipped"] if "lvm" in json.dumps(s.get("container", []))}
    assert {name: (row["reason"], row["detail"].split(": ")[1].split(" (")[0]) for name, row in rows.items()} == {
        name: (reason, why.split(" (")[0]) for name, (reason, why) in refused.items()}
    for row in rows.values():
        assert [c["code"] for c in row["detail_codes"]] == ["lvm-metadata-refused"], row
    found = {f["path"]: f["sha256"] for f in doc["files"]}
    home = f"{disk} » p2 » lvm2 (ext2) » /lv/{LEAKED}"
    assert found == ({home: digest} if home_read else {}), found


def test_a_run_used_twice_by_one_striped_volume_is_refused() -> None:
    """Both stripes of a segment on the same run (vgcfgrestore: "segment 1 has inconsistent PV area 0"); stripes
    on two different runs of one physical volume are what lvm2 writes (``--alloc anywhere``) and are read."""
    from scanner.sources.image_lvm import logical_volumes
    from tests.test_lvm_joined import _group

    _, (lv,) = logical_volumes(_group(_lv("bad", [_segment(1, 0, 4, [("pv0", 0), ("pv0", 0)], stripe_size=128)])))
    assert (lv.refused, lv.refused_status) == ("extents used twice in the volume", "corrupt")
    _, (lv,) = logical_volumes(_group(_lv("ok", [_segment(1, 0, 4, [("pv0", 0), ("pv0", 2)], stripe_size=128)])))
    assert lv.refused == "" and lv.areas is not None and lv.shape == "striped over 1 physical volume"


def test_a_one_pv_group_libvslvm_would_read_as_written_is_checked_first(tmp_path: Path) -> None:
    """A one-PV group that libvslvm opens: lvm1 (extents 0-3) holds the workbook's ext2, lvm2 (lvm2-written at
    extents 4-7) then edited in place to start at extent 2 (over lvm1's last two extents). libvslvm read both as
    written; lvm2 refuses such a group ("PV segments corrupted"). Now both volumes are listed `corrupt` with why,
    and neither is walked."""
    from scanner.sources.image_lvm import lvm_crc

    files = _files(1, 95)
    inner = ext_image(tmp_path / "a.ext2", write_tree(tmp_path / "t1", files), size_mib=4, fs="ext2")
    disk = tmp_path / "pv.img"
    pe = _lvm2_single_pv(disk, _lv("aaaa", [_segment(1, 0, 4, [("pv0", 0)])])
                         + _lv("bbbb", [_segment(1, 0, 4, [("pv0", 4)])]))
    data = bytearray(disk.read_bytes())
    data[pe:pe + len(inner.read_bytes())] = inner.read_bytes()
    edited = bytearray(bytes(data).replace(b'"pv0", 4', b'"pv0", 2'))
    assert edited != data
    area = edited.find(b" LVM2 x[5A%r0N*>") - 4  # the checksums made whole again, as lvm2 would write them
    offset, size = struct.unpack_from("<QQ", edited, area + 40)
    edited[area + 56:area + 60] = struct.pack("<I", lvm_crc(bytes(edited[area + offset:area + offset + size])))
    edited[area:area + 4] = struct.pack("<I", lvm_crc(bytes(edited[area + 4:area + 512])))
    disk.write_bytes(bytes(edited))
    rc, doc, err = _scan(disk, tmp_path / "out")
    assert rc == 2, (err, doc.get("skipped"))  # nothing else in the image
    rows = {s["container"][-1]["name"]: s for s in doc["skipped"] if s.get("container")}
    assert {name: (row["reason"], [c["code"] for c in row["detail_codes"]]) for name, row in rows.items()} == {
        "lvm1": ("corrupt", ["lvm-metadata-refused"]), "lvm2": ("corrupt", ["lvm-metadata-refused"])}
    assert doc["files"] == []


def test_metadata_whose_checksum_does_not_hold_is_not_read_here() -> None:
    """lvm2 reads no metadata copy whose checksum fails; neither does leakscan's own reader (a one-PV group it
    now reads when libvslvm refuses would otherwise be read from damaged text; libvslvm's reason names the
    checksum instead, tests/test_image_damaged_tables)."""
    from scanner.sources.image_lvm import lvm_crc, metadata_text

    text = b'vg {\nid = "x"\n}\n'
    header = bytearray(512)
    header[4:40] = b" LVM2 x[5A%r0N*>" + struct.pack("<IQQ", 1, 4096, 1 << 20)
    header[40:60] = struct.pack("<QQI", 512, len(text), lvm_crc(text))
    header[:4] = struct.pack("<I", lvm_crc(bytes(header[4:])))
    area = bytes(header) + text

    def reader(data: bytes) -> Callable[[int, int], bytes]:
        return lambda offset, size: data[offset:offset + size]

    assert metadata_text(reader(area), 0, 1 << 20) == text.decode()
    assert metadata_text(reader(area[:-3] + b"X\n" + area[-1:]), 0, 1 << 20) is None  # the text changed
    broken = bytearray(area)
    broken[0] ^= 1
    assert metadata_text(reader(bytes(broken)), 0, 1 << 20) is None  # the area header's own checksum


def _metadata_areas(data: bytes | bytearray) -> list[int]:
    """Byte offsets of the LVM2 metadata area headers in DATA (a physical volume with two: its start and end)."""
    out, at = [], data.find(b" LVM2 x[5A%r0N*>")
    while at >= 0:
        out.append(at - 4)
        at = data.find(b" LVM2 x[5A%r0N*>", at + 1)
    return out


def _point_first_copy_at_older_text(data: bytearray) -> None:
    """The first metadata area's header pointed back at the older text still in its ring buffer (vgcreate's, no
    logical volume, a lower seqno), its checksums whole: as when lvm2's last write reached only the second area
    (lvm2 commits a copy by rewriting its header last) and lvm2 then reads the newest valid copy, the second."""
    from scanner.sources.image_lvm import lvm_crc

    area = _metadata_areas(data)[0]
    offset, size = struct.unpack_from("<QQ", data, area + 40)
    old = data.find(b"seqno = 1\n", area + 512, area + offset) - 200
    old = data.rfind(b"\0", area + 512, old) + 1 if data.rfind(b"\0", area + 512, old) >= 0 else area + 512
    old_size = data.index(b"\0", old) - old + 1
    assert b"seqno = 1\n" in data[old:old + old_size] and b"logical_volumes" not in data[old:old + old_size]
    data[area + 40:area + 60] = struct.pack("<QQI", old - area, old_size, lvm_crc(bytes(data[old:old + old_size])))
    data[area:area + 4] = struct.pack("<I", lvm_crc(bytes(data[area + 4:area + 512])))


def _damage_first_copy(data: bytearray) -> None:
    """One byte of the first metadata area's newest text changed (its checksum no longer holds)."""
    area = _metadata_areas(data)[0]
    offset, _ = struct.unpack_from("<QQ", data, area + 40)
    data[data.index(b"extent_size", area + offset)] ^= 0x20


@pytest.mark.parametrize("spoil", [_damage_first_copy, _point_first_copy_at_older_text],
                         ids=["first-copy-damaged", "first-copy-older"])
def test_a_physical_volume_with_two_metadata_copies_is_read_from_the_newest_valid_one(
        tmp_path: Path, spoil: Callable[[bytearray], None]) -> None:
    """pvcreate --pvmetadatacopies 2 (a copy at the start and one at the end of the physical volume; libvslvm
    refuses every such volume: "unsupported number of metadata area descriptors: 2"). lvm2 reads the valid copy
    with the highest seqno (checked: pvs/lvs on a loop device of these disks show the volume, with a checksum
    warning for the damaged copy). Before: only the first copy was read; damaged, the group was libvslvm's
    refusal ("nothing in the image could be walked", exit 2); older (no volume in it), "no partition, volume or
    file system found" (exit 2). Now the second copy is read and the volume walked."""
    files = _files(2, 60)
    striped = ext_image(tmp_path / "s.ext2", write_tree(tmp_path / "t1", files), size_mib=8, fs="ext2")
    disk = tmp_path / "pv.img"
    from tests.image_data import Unavailable, lvm2_group

    lvs = _lv("data", [_segment(1, 0, 8, [("pv0", 0), ("pv0", 4)], stripe_size=STRIPE // 512)])
    try:
        pe = lvm2_group(disk, lvs, copies=2)
    except Unavailable as e:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"this sandbox cannot run the LVM tools on a loop device: {e}")
    _write_striped(disk, [pe, pe + 4 * MIB], striped.read_bytes())
    data = bytearray(disk.read_bytes())
    assert len(_metadata_areas(data)) == 2
    spoil(data)
    disk.write_bytes(bytes(data))
    rc, doc, err = _scan(disk, tmp_path / "out")
    assert rc == 1, (err, doc.get("skipped"))
    assert doc["scan"]["complete"] is True
    assert {f["path"]: f["sha256"] for f in doc["files"]} == {
        f"{disk} » lvm1 (ext2) » {k}": sha256(v) for k, v in files.items()}


@pytest.mark.parametrize("copies", [1, 2], ids=["read-by-libvslvm", "read-here"])
def test_an_image_cut_inside_a_logical_volume_is_an_incomplete_scan(tmp_path: Path, copies: int) -> None:
    """A one-PV disk (lvm2-written metadata) whose linear volume (extents 0-7, an ext2 of 8 MiB) is cut after its
    third MiB: a truncated acquisition. Before: the files left were walked and the scan said complete, exit 0
    (read by libvslvm: nothing said at all; read here, with two metadata copies: a note only), where a raw
    image cut inside its file system is `truncated-fs` and incomplete. Now the physical volume is said cut
    short (truncated-fs: what its metadata describes against what the image holds), the scan incomplete, and
    what is there still walked."""
    files = _files(2, 40)
    inner = ext_image(tmp_path / "l.ext2", write_tree(tmp_path / "t", files), size_mib=8, fs="ext2")
    disk = tmp_path / "pv.img"
    from tests.image_data import Unavailable, lvm2_group

    try:
        pe = lvm2_group(disk, _lv("plan", [_segment(1, 0, 8, [("pv0", 0)])]), copies=copies)
    except Unavailable as e:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"this sandbox cannot run the LVM tools on a loop device: {e}")
    with open(disk, "r+b") as f:
        f.seek(pe)
        f.write(inner.read_bytes())
    os.truncate(disk, pe + 3 * MIB)
    rc, doc, err = _scan(disk, tmp_path / "out")
    assert rc == 3, (err, doc.get("skipped"))
    assert doc["scan"]["complete"] is False
    cut = [s for s in doc["skipped"] if [c["code"] for c in s.get("detail_codes", [])] == ["truncated-fs"]]
    assert len(cut) == 1 and "LVM physical volume" in cut[0]["detail"], doc["skipped"]
    assert {f["path"].rsplit(" » ", 1)[1] for f in doc["files"] if " » lvm1 (" in f["path"]} == set(files)


def test_metadata_text_wrapped_round_the_ring_buffer_is_read() -> None:
    """lvm2 writes each new text after the last one in the metadata area's ring buffer and, at its end, goes on
    at its start (just past the 512-byte area header): after a few hundred changes to a group the newest text
    is split in two (lvm2's _read_metadata_location: "wrap"). Before: such a text was not read here (None), so a
    group only leakscan's reader opens (two metadata copies, a striped volume on one physical volume) was not
    read at all. Now the two parts are joined, checked against the text's checksum as lvm2 does."""
    from scanner.sources.image_lvm import lvm_crc, metadata_text

    text = b'vg {\nid = "x"\nseqno = 300\n}\n'
    area_size = 4096
    split = 10
    offset = area_size - split
    header = bytearray(512)
    header[4:40] = b" LVM2 x[5A%r0N*>" + struct.pack("<IQQ", 1, 4096, area_size)
    header[40:60] = struct.pack("<QQI", offset, len(text), lvm_crc(text))
    header[:4] = struct.pack("<I", lvm_crc(bytes(header[4:])))
    area = bytearray(area_size)
    area[:512] = header
    area[offset:] = text[:split]
    area[512:512 + len(text) - split] = text[split:]
    data = bytes(area)
    assert metadata_text(lambda o, n: data[o:o + n], 0, area_size) == text.decode()
    wrong = bytearray(data)
    wrong[515] ^= 1  # the wrapped part changed: its checksum no longer holds
    assert metadata_text(lambda o, n: bytes(wrong)[o:o + n], 0, area_size) is None


def test_a_physical_volume_label_is_checked_as_lvm2_checks_it() -> None:
    """lvm2 (label.c) takes a LABELONE sector only when the sector number it records is where it lies and its
    CRC (over bytes 20-511) holds; otherwise the device is no physical volume to it. pv_label read any such label,
    so a PV lvm2 does not see could be read as part of its group."""
    from scanner.sources.image_lvm import lvm_crc, pv_label

    label = bytearray(512)
    label[:32] = b"LABELONE" + struct.pack("<QII", 1, 0, 32) + b"LVM2 001"
    label[32:72] = b"pv0AAAAAAAAAAAAAAAAAAAAAAAAAAAAA" + struct.pack("<Q", 12 << 20)
    label[72:136] = struct.pack("<8Q", 1 << 20, 0, 0, 0, 4096, (1 << 20) - 4096, 0, 0)
    label[16:20] = struct.pack("<I", lvm_crc(bytes(label[20:])))
    head = bytes(512) + bytes(label) + bytes(1024)
    assert pv_label(head) == ("pv0AAAAAAAAAAAAAAAAAAAAAAAAAAAAA", [(4096, (1 << 20) - 4096)])
    flipped = bytearray(head)
    flipped[512 + 40] ^= 0x01  # one bit of the UUID: the CRC no longer holds
    assert pv_label(bytes(flipped)) is None
    moved = bytes(1024) + bytes(label) + bytes(512)  # sector 1's label found in sector 2
    assert pv_label(moved) is None


def test_a_physical_volume_whose_label_checksum_fails_is_not_read_as_part_of_its_group(tmp_path: Path) -> None:
    """test_images10's two-PV disk, the second PV's label damaged (one byte the CRC covers flipped): lvm2 sees no
    physical volume there, so the logical volume on it is not read (listed, the scan incomplete); before, the
    damaged label was read as if whole and its volume walked."""
    from tests.image_data import fat_image
    from tests.test_images10 import _hand_two_pv_disk, _linear

    inner = ext_image(tmp_path / "home.ext2", write_tree(tmp_path / "t", {f"/lv/{LEAKED}": leaked_workbook(seed=94)}),
                      size_mib=4, fs="ext2")
    fat = fat_image(tmp_path / "p1.fat", {"/memo.txt": b"memo\n"}, size_mib=4, bits=12)
    disk = tmp_path / "server.img"
    _hand_two_pv_disk(disk, fat, inner, _linear("home", "pv1", 4, 4))
    data = bytearray(disk.read_bytes())
    second = data.find(b"LABELONE", data.find(b"LABELONE") + 1)
    data[second + 300] ^= 0x01  # past the areas lists: its UUID and areas still read, its CRC fails
    disk.write_bytes(bytes(data))
    rc, doc, err = _scan(disk, tmp_path / "out")
    assert doc["files"] == [], doc["files"]
    assert rc == 3 and doc["scan"]["complete"] is False, (err, doc.get("skipped"))
    rows = [s for s in doc["skipped"] if "lvm" in json.dumps(s.get("container", [])) or "p3" in json.dumps(
        s.get("container", []))]
    assert rows, doc["skipped"]


def _kind_lv(name: str, status: str, segment: str) -> str:
    import hashlib

    h = hashlib.sha256(name.encode()).hexdigest()
    uid = "-".join((h[0:6], h[6:10], h[10:14], h[14:18], h[18:22], h[22:26], h[26:32]))
    return (f'{name} {{\nid = "{uid}"\nstatus = [{status}]\nflags = []\nsegment_count = 1\n'
            f"segment1 {{\nstart_extent = 0\n{segment}}}\n}}\n")


def _run(n: int, first: int) -> str:
    return f'extent_count = {n}\ntype = "striped"\nstripe_count = 1\nstripes = ["pv0", {first}]\n'


_SHOWN, _HIDDEN = '"READ", "WRITE", "VISIBLE"', '"READ", "WRITE"'
_KINDS = {
    "raid1": (_kind_lv("r_rmeta_0", _HIDDEN, _run(1, 4)) + _kind_lv("r_rimage_0", _HIDDEN, _run(2, 5))
              + _kind_lv("r_rmeta_1", _HIDDEN, _run(1, 7)) + _kind_lv("r_rimage_1", _HIDDEN, _run(2, 8))
              + _kind_lv("r", _SHOWN, 'extent_count = 2\ntype = "raid1"\ndevice_count = 2\nregion_size = 1024\n'
                         'raids = [\n"r_rmeta_0", "r_rimage_0",\n"r_rmeta_1", "r_rimage_1"\n]\n'),
              {"lvm2": "raid1"}),
    "thin": (_kind_lv("pool_tmeta", _HIDDEN, _run(1, 4)) + _kind_lv("pool_tdata", _HIDDEN, _run(4, 5))
             + _kind_lv("pool", _SHOWN, 'extent_count = 4\ntype = "thin-pool"\nmetadata = "pool_tmeta"\n'
                        'pool = "pool_tdata"\ntransaction_id = 1\nchunk_size = 128\ndiscards = "passdown"\n'
                        'zero_new_blocks = 1\n')
             + _kind_lv("thinvol", _SHOWN, 'extent_count = 4\ntype = "thin"\nthin_pool = "pool"\n'
                        'transaction_id = 0\ndevice_id = 1\n'),
             {"lvm2": "thin-pool", "lvm3": "thin"}),
}


@pytest.mark.parametrize("kind", ["thin"])  # raid1: read from its first copy (the test below)
def test_raid1_and_thin_volumes_in_a_group_libvslvm_opens_are_listed_by_kind_and_the_others_walked(
        tmp_path: Path, kind: str) -> None:
    """A one-PV group written by lvm2 (vgcfgrestore) holding a plain linear volume (the workbook's ext2) and a
    raid1 volume, or a thin pool with a thin volume. libvslvm opens the group but refuses those volumes ("unsupported
    number of stripes"): each is listed `unsupported` with its kind (lvm-kind-unread), never libvslvm's bare reason
    alone, and the plain volume is walked; the scan is incomplete (what they hold was not examined)."""
    from tests.image_data import Unavailable, lvm2_group, sparse_copy

    lvs, wanted = _KINDS[kind]
    inner = ext_image(tmp_path / "plain.ext2", write_tree(tmp_path / "t", {f"/lv/{LEAKED}": leaked_workbook(seed=96)}),
                      size_mib=4, fs="ext2")
    disk = tmp_path / "pv.img"
    try:
        pe = lvm2_group(disk, _kind_lv("plain", _SHOWN, _run(4, 0)) + lvs, force=kind == "thin")
    except Unavailable as e:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"this sandbox cannot run the LVM tools on a loop device: {e}")
    sparse_copy(inner, disk, pe)
    rc, doc, err = _scan(disk, tmp_path / "out")
    assert rc == 3 and doc["scan"]["complete"] is False, (err, doc.get("skipped"))
    assert [f["path"] for f in doc["files"]] == [f"{disk} » lvm1 (ext2) » /lv/{LEAKED}"]
    rows = {s["container"][-1]["name"]: s for s in doc["skipped"] if "lvm" in json.dumps(s.get("container", []))}
    assert {name: (row["reason"], [c["code"] for c in row["detail_codes"]]) for name, row in rows.items()} == {
        name: ("unsupported", ["lvm-kind-unread"]) for name in wanted}
    for name, what in wanted.items():
        assert f"is a {what} logical volume" in rows[name]["detail"]


def _dm_raid_superblock(position: int, events: int, failed: int, recovery: int = (1 << 64) - 1,
                        resync: int = (1 << 64) - 1) -> bytes:
    """dm-raid's superblock (drivers/md/dm-raid.c, struct dm_raid_superblock: magic "DmRd", compat features,
    device count, array position, events, failed devices, disk recovery offset, array resync offset), as the
    kernel writes it at the start of each copy's rmeta sub-volume."""
    return b"DmRd" + struct.pack("<III QQQQ", 0, 2, position, events, failed, recovery, resync)


@pytest.mark.parametrize("state", ["no-superblock", "in-sync", "first-failed", "first-recovering", "first-stale",
                                   "both-failed", "in-sync-differ", "resync-unfinished-differ", "nosync-differ"])
def test_a_raid1_volume_is_read_from_its_first_intact_copy_and_says_so(tmp_path: Path, state: str) -> None:
    """A raid1 logical volume (lvm2-written metadata, one PV libvslvm opens) whose two copies (r_rimage_0 at extent
    5, r_rimage_1 at extent 8) each hold the file system: libvslvm reads no raid1 volume, so it was listed
    `unsupported` lvm-kind-unread, the scan incomplete. Now it is walked from its first copy that the dm-raid
    superblocks (each copy's rmeta sub-volume) do not mark failed, stale or recovering, its note naming that copy and the
    sync state; the copy read is not walked twice, the other copy still walked as its own volume. With every copy
    failed it stays listed by kind, unread, the scan incomplete."""
    lvs, _ = _KINDS["raid1"]
    if state == "nosync-differ":  # lvcreate --nosync: the copies were never made the same (review17f)
        lvs = lvs.replace("status = [" + _SHOWN + "]", "status = [" + _SHOWN + ', "NOTSYNCED"]')
        assert "NOTSYNCED" in lvs
    disk = tmp_path / "pv.img"
    pe = _lvm2_single_pv(disk, _kind_lv("plain", _SHOWN, _run(4, 0)) + lvs)
    leg = ext_image(tmp_path / "leg.ext2", write_tree(tmp_path / "t", {f"/raid/{LEAKED}": leaked_workbook(seed=97)}),
                    size_mib=2, fs="ext2")
    with open(disk, "r+b") as f:
        for extent in (5, 8):
            f.seek(pe + extent * MIB)
            f.write(leg.read_bytes())
        if state in ("in-sync-differ", "resync-unfinished-differ", "nosync-differ"):  # a block differs (session 17)
            f.seek(pe + 8 * MIB + 3 * 512 * 1024 + 100)
            f.write(b"\xff" * 10)
        blocks = {"in-sync": (_dm_raid_superblock(0, 9, 0), _dm_raid_superblock(1, 9, 0)),
                  "in-sync-differ": (_dm_raid_superblock(0, 9, 0), _dm_raid_superblock(1, 9, 0)),
                  # the array's resync (making the copies the same) reached 1 MiB only: past it they may differ, by
                  # no fault (review17f: "differ" as if tampered, the state "in sync")
                  "resync-unfinished-differ": (_dm_raid_superblock(0, 9, 0, resync=2048),
                                               _dm_raid_superblock(1, 9, 0, resync=2048)),
                  "nosync-differ": (_dm_raid_superblock(0, 9, 0), _dm_raid_superblock(1, 9, 0)),
                  "first-failed": (_dm_raid_superblock(0, 7, 0), _dm_raid_superblock(1, 9, 1)),
                  "first-recovering": (_dm_raid_superblock(0, 9, 0, recovery=2048), _dm_raid_superblock(1, 9, 0)),
                  # the first copy missed the last updates (fewer events than its sibling's superblock), and no
                  # superblock marks it failed (review14f: it was read, though stale)
                  "first-stale": (_dm_raid_superblock(0, 7, 0), _dm_raid_superblock(1, 9, 0)),
                  "both-failed": (_dm_raid_superblock(0, 9, 3), _dm_raid_superblock(1, 9, 3))}.get(state)
        for extent, block in zip((4, 7), blocks or (), strict=False):
            f.seek(pe + extent * MIB)
            f.write(block)
    rc, doc, err = _scan(disk, tmp_path / "out")
    found = sorted(f["path"].split(" » ")[1] for f in doc["files"])
    volumes = {v["name"]: v for v in doc["scan"]["source_details"][0]["volumes"]}
    if state == "both-failed":
        assert rc == 3 and doc["scan"]["complete"] is False, err
        assert volumes["lvm2"]["status"] == "unsupported" and "lvm-kind-unread" in json.dumps(volumes["lvm2"])
        assert found == ["lvm4 (ext2)", "lvm6 (ext2)"], found
        return
    assert rc == 1 and doc["scan"]["complete"] is True, (err, doc["skipped"])
    copy, other = ("r_rimage_0 (lvm4, copy 1 of 2", "lvm6") if state in ("no-superblock", "in-sync", "in-sync-differ",
                                                                         "resync-unfinished-differ", "nosync-differ") else (
        "r_rimage_1 (lvm6, copy 2 of 2", "lvm4")
    assert found == sorted(["lvm2 (ext2)", f"{other} (ext2)"]), found  # lvm1 (plain) is left all zero
    note = volumes["lvm2"]["note"]
    assert f"raid1 logical volume read from its first intact copy, {copy}" in note, note
    assert {"no-superblock": "sync state unknown", "in-sync": "in sync by its dm-raid superblocks",
            "in-sync-differ": "in sync by its dm-raid superblocks",
            "resync-unfinished-differ": "not yet made the same past byte 1048576",
            "nosync-differ": "not yet made the same past byte 0"}.get(
        state, "1 copy or copies failed, stale or recovering") in note, note
    # session 17: the copies the superblocks do not set apart are compared where both read
    compared = [c for c in volumes["lvm2"]["note_codes"] if c["code"] in ("lv-copies-same", "lv-copies-differ")]
    if state in ("no-superblock", "in-sync"):
        assert compared == [{"code": "lv-copies-same", "legs": ["r_rimage_0", "r_rimage_1"], "mib": 2}], compared
    elif state == "in-sync-differ":
        assert compared == [{"code": "lv-copies-differ", "leg": "r_rimage_0", "other": "r_rimage_1", "n": 1,
                             "mib": 2, "at": 3 * 512 * 1024}], compared
    elif state == "resync-unfinished-differ":  # compared where the resync made them the same only
        assert compared == [{"code": "lv-copies-same", "legs": ["r_rimage_0", "r_rimage_1"], "mib": 1}], compared
    else:  # the copy set apart, or copies never made the same, are not compared (they may differ by no fault)
        assert compared == [], compared
