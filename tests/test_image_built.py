"""Images built here with the tools that make them in the field: a GPT disk mixing ext2, XFS (mkfs.xfs),
LUKS1 and LUKS2 (cryptsetup luksFormat), NTFS (mkntfs) and a damaged BitLocker header; QCOW2 overlays and
split VMDK (qemu-img), UDIF, LVM (real LVM tools on a loop device, when the sandbox has one); renamed
copies without extension. Each layer is examined on its own: what cannot be read is listed with the
library's reason, the rest is walked.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import (
    LEAKED,
    MIB,
    Unavailable,
    ext_image,
    fat_image,
    leaked_workbook,
    luks_image,
    lvm_volume,
    ntfs_image,
    partitioned_disk,
    qcow2_overlay,
    qemu_convert,
    sha256,
    sparse_copy,
    udif_image,
    write_tree,
    xfs_image,
)

PASSPHRASE = "Kaigo 2017/04 #care"  # libluksde unlocks ASCII passphrases only (README: limits)
LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
MSDATA = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"


def scan(image: Path, out: Path, *extra: str, env: dict[str, str] | None = None,
         names: tuple[str, ...] = (LEAKED,)) -> tuple[int, dict, str]:
    args = [a for n in names for a in ("--name", n)]
    proc = run_leakscan("scan", str(image), *args, "--out", str(out), "--quiet", *extra, env=env)
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, doc, proc.stderr


def volumes(doc: dict) -> dict[str, dict]:
    return {v["name"]: v for v in doc["scan"]["source_details"][0]["volumes"]}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """GPT: p1 ext2, p2 XFS, p3 LUKS1 (ext2 inside), p4 LUKS2 (argon2id), p5 NTFS, p6 BitLocker header
    over noise; each readable one holds a copy of the list."""
    base = tmp_path_factory.mktemp("mixed")
    leaked = leaked_workbook(seed=11)
    ext = ext_image(base / "ext.img", write_tree(base / "t1", {f"/home/staff/{LEAKED}": leaked}), size_mib=4, fs="ext2")
    xfs = xfs_image(base / "xfs.img", {f"/share/{LEAKED}": leaked})
    inner = ext_image(base / "inner.img", write_tree(base / "t2", {f"/secret/{LEAKED}": leaked}), size_mib=4, fs="ext2")
    luks1 = luks_image(base / "luks1.img", inner, PASSPHRASE)
    luks2 = luks_image(base / "luks2.img", None, PASSPHRASE, version="luks2")
    ntfs = ntfs_image(base / "ntfs.img", {f"/{LEAKED}": leaked})
    bde = base / "bde.img"
    noise = bytearray(os.urandom(1 * MIB))
    noise[3:11] = b"-FVE-FS-"
    noise[510:512] = b"\x55\xaa"
    bde.write_bytes(bytes(noise))
    disk = base / "pc12.img"
    partitioned_disk(disk, [(ext, LINUX), (xfs, LINUX), (luks1, LINUX), (luks2, LINUX), (ntfs, MSDATA), (bde, MSDATA)],
                     label="gpt")
    renamed = base / "evidence"  # the same disk, no extension
    shutil.copyfile(disk, renamed)
    return {"disk": disk, "renamed": renamed, "leaked": leaked, "base": base}


def test_every_layer_examined_on_its_own_without_keys(mixed: dict, tmp_path: Path) -> None:
    for image in (mixed["disk"], mixed["renamed"]):
        code, doc, err = scan(image, tmp_path / image.name)
        assert code == 3, err  # hits, and three encrypted volumes not examined: incomplete (Session 10)
        assert doc["scan"]["complete"] is False and "INCOMPLETE SCAN" in err
        found = {f["path"]: f for f in doc["files"]}
        assert set(found) == {f"{image} » p1 (ext2) » /home/staff/{LEAKED}", f"{image} » p2 (XFS) » /share/{LEAKED}",
                              f"{image} » p5 (NTFS) » /{LEAKED}"}
        assert {f["sha256"] for f in found.values()} == {sha256(mixed["leaked"])}
        rows = volumes(doc)
        assert [rows[p]["status"] for p in ("p1", "p2", "p3", "p4", "p5", "p6")] == [
            "ok", "ok", "encrypted", "encrypted", "ok", "encrypted"]
        assert "deleted files are not listed" in rows["p2"]["walker"]  # XFS through dfvfs: said so
        assert "needs a LUKS passphrase (--luks-passphrase)" in rows["p3"]["detail"]
        assert "libluksde cannot open" in rows["p4"]["detail"] and "master key size" in rows["p4"]["detail"]
        assert "BitLocker" in rows["p6"]["detail"] and rows["p6"]["encryption"] == "BitLocker"
        skipped = {s["container"][-1]["name"]: s for s in doc["skipped"] if s["reason"] != "special-file"}
        assert {k: v["reason"] for k, v in skipped.items()} == {"p3": "encrypted", "p4": "encrypted", "p6": "encrypted"}


def test_luks_passphrase_from_the_environment_unlocks_and_is_written_nowhere(mixed: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, doc, err = scan(mixed["disk"], out, "--luks-passphrase", env={"LEAKSCAN_LUKS_PASSPHRASE": PASSPHRASE})
    assert code == 3, err  # p4 (LUKS2) and p6 (BitLocker) stay locked: incomplete
    hit = {f["path"]: f for f in doc["files"]}[f"{mixed['disk']} » p3 (ext2) » /secret/{LEAKED}"]
    assert hit["sha256"] == sha256(mixed["leaked"]) and hit["container"][-1]["detail"]["encryption"] == "LUKS"
    assert volumes(doc)["p3"]["status"] == "ok" and volumes(doc)["p4"]["status"] == "encrypted"
    secret = PASSPHRASE.encode()
    for path in out.rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), path
            if path.suffix == ".sqlite":  # the resumable state: its stored config holds a flag, not the key
                with sqlite3.connect(path) as db:
                    dump = "\n".join(db.iterdump()).encode()
                assert secret not in dump
    assert PASSPHRASE not in err and "--luks-passphrase" in " ".join(doc["scan"]["command_line"])


def test_wrong_passphrase_and_no_terminal_are_clear(mixed: dict, tmp_path: Path) -> None:
    code, doc, _ = scan(mixed["disk"], tmp_path / "wrong", "--luks-passphrase",
                        env={"LEAKSCAN_LUKS_PASSPHRASE": "not it"})
    assert code == 3
    assert "the key given does not unlock it" in volumes(doc)["p3"]["detail"]
    env = {k: v for k, v in os.environ.items() if k != "LEAKSCAN_LUKS_PASSPHRASE"}
    proc = run_leakscan("scan", str(mixed["disk"]), "--luks-passphrase", "--out", str(tmp_path / "tty"), "--quiet",
                        env={**env, "LEAKSCAN_LUKS_PASSPHRASE": ""})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "LEAKSCAN_LUKS_PASSPHRASE" in proc.stderr and "never taken on the command line" in proc.stderr


@pytest.fixture(scope="module")
def two_disks(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """An MBR disk (FAT16 + ext2), and the same disk after a second copy was saved on the ext2 partition."""
    base = tmp_path_factory.mktemp("qemu")
    leaked = leaked_workbook(seed=12)
    fat = fat_image(base / "fat.img", {f"/Users/staff/{LEAKED}": leaked})
    ext_a = ext_image(base / "a.img", write_tree(base / "ta", {"/notes.txt": b"memo\n"}), size_mib=4, fs="ext2")
    ext_b = ext_image(base / "b.img", write_tree(base / "tb", {"/notes.txt": b"memo\n", f"/later/{LEAKED}": leaked}),
                      size_mib=4, fs="ext2")
    before, after = base / "before.raw", base / "after.raw"
    partitioned_disk(before, [(fat, "6"), (ext_a, "83")])
    partitioned_disk(after, [(fat, "6"), (ext_b, "83")])
    return {"before": before, "after": after, "leaked": leaked, "base": base}


def test_qcow2_overlay_reads_through_its_backing_file_and_records_both(two_disks: dict, tmp_path: Path) -> None:
    folder = tmp_path / "vm"
    folder.mkdir()
    base, overlay = qcow2_overlay(two_disks["before"], two_disks["after"], folder)
    code, doc, err = scan(overlay, tmp_path / "out", "--verify-images")
    assert code == 1, err
    assert {f["path"] for f in doc["files"]} == {f"{overlay} » p1 (FAT16) » /Users/staff/{LEAKED}",
                                                 f"{overlay} » p2 (ext2) » /later/{LEAKED}"}
    details = doc["scan"]["source_details"][0]
    assert details["format"] == "QCOW" and details["segments"] == 2
    rows = [(Path(f["path"]).name, f["role"], f["size"], f["sha256"]) for f in details["files"]]
    assert rows == [(p.name, role, p.stat().st_size, sha256(p.read_bytes()))
                    for p, role in ((overlay, "image"), (base, "backing"))]
    base.unlink()  # handed over without its backing file: said, with its name
    code, doc, err = scan(overlay, tmp_path / "alone")
    assert code == 2 and "backing file missing: base.qcow2" in err


def test_split_vmdk_from_qemu_img_reads_the_second_extent(two_disks: dict, tmp_path: Path) -> None:
    raw = tmp_path / "big.raw"
    with open(raw, "wb") as f:
        f.truncate(2200 * MIB)  # sparse: past the 2 GiB extent size
    ext = two_disks["base"] / "b.img"
    subprocess.run(["sfdisk", "-q", str(raw)], input=b"label: dos\nstart=4296704, size=8192, type=83\n", check=True)
    sparse_copy(ext, raw, 4296704 * 512)  # the partition starts past 2 GiB: only in the second extent
    vmdk = qemu_convert(raw, tmp_path / "pc.vmdk", "vmdk", "-o", "subformat=twoGbMaxExtentSparse")
    raw.unlink()
    code, doc, err = scan(vmdk, tmp_path / "out")
    assert code == 1, err
    assert {f["path"] for f in doc["files"]} == {f"{vmdk} » p1 (ext2) » /later/{LEAKED}"}
    details = doc["scan"]["source_details"][0]
    assert [(Path(f["path"]).name, f["role"]) for f in details["files"]] == [
        ("pc.vmdk", "image"), ("pc-s001.vmdk", "extent"), ("pc-s002.vmdk", "extent")]
    assert all(f["size"] == Path(f["path"]).stat().st_size for f in details["files"])
    (tmp_path / "pc-s002.vmdk").unlink()
    code, _, err = scan(vmdk, tmp_path / "missing")
    assert code == 2 and "extent file missing: pc-s002.vmdk" in err


def test_udif_dmg_and_its_renamed_copy(two_disks: dict, tmp_path: Path) -> None:
    dmg = udif_image(two_disks["base"] / "fat.img", tmp_path / "usb.dmg")
    renamed = tmp_path / "usb"
    shutil.copyfile(dmg, renamed)
    for image in (dmg, renamed):
        code, doc, err = scan(image, tmp_path / f"out_{image.name}")
        assert code == 1, err
        (hit,) = doc["files"]
        assert hit["path"] == f"{image} » fs (FAT16) » /Users/staff/{LEAKED}"
        assert hit["sha256"] == sha256(two_disks["leaked"])
        assert doc["scan"]["source_details"][0]["format"].startswith("macOS disk image")


def test_lvm_in_an_mbr_partition_beside_fat(two_disks: dict, tmp_path: Path) -> None:
    inner = ext_image(tmp_path / "lv.img", write_tree(tmp_path / "t", {f"/lv/{LEAKED}": two_disks["leaked"]}),
                      size_mib=4, fs="ext2")
    try:
        pv = lvm_volume(tmp_path / "pv.img", inner)
    except Unavailable as e:
        pytest.skip(f"this sandbox cannot run the LVM tools on a loop device: {e}")
    disk = tmp_path / "server.img"
    partitioned_disk(disk, [(two_disks["base"] / "fat.img", "6"), (pv, "8e")])
    code, doc, err = scan(disk, tmp_path / "out")
    assert code == 1, err
    assert {f["path"] for f in doc["files"]} == {f"{disk} » p1 (FAT16) » /Users/staff/{LEAKED}",
                                                 f"{disk} » p2 » lvm1 (ext2) » /lv/{LEAKED}"}
    assert volumes(doc)["p2/lvm1"]["volume_system"] == "LVM"


def test_images_inside_a_share_and_inside_a_zip_are_walked_one_hop_deeper(two_disks: dict, tmp_path: Path) -> None:
    import zipfile

    share = tmp_path / "share"
    (share / "vm").mkdir(parents=True)
    shutil.copyfile(two_disks["after"], share / "vm" / "disk0")  # no extension
    with zipfile.ZipFile(share / "usb_backup.zip", "w") as zf:
        zf.write(two_disks["base"] / "fat.img", "usb/stick.img")
    code, doc, err = scan(share, tmp_path / "out")
    assert code == 1, err
    assert {f["path"] for f in doc["files"]} == {
        f"{share}/vm/disk0 » p1 (FAT16) » /Users/staff/{LEAKED}", f"{share}/vm/disk0 » p2 (ext2) » /later/{LEAKED}",
        f"{share}/usb_backup.zip » usb/stick.img » fs (FAT16) » /Users/staff/{LEAKED}"}
    member = next(f for f in doc["files"] if "usb_backup.zip" in f["path"])
    assert [h["kind"] for h in member["container"]] == ["archive", "image", "volume"]
    nested = {d["source"]: d for d in doc["scan"]["source_details"] if d.get("nested_in")}
    assert set(nested) == {f"{share}/vm/disk0", f"{share}/usb_backup.zip » usb/stick.img"}


def test_damaged_containers_are_clear_errors_never_tracebacks(two_disks: dict, tmp_path: Path) -> None:
    qcow = qemu_convert(two_disks["after"], tmp_path / "cut.qcow2", "qcow2")
    qcow.write_bytes(qcow.read_bytes()[: 200_000])
    vmdk = tmp_path / "junk.vmdk"
    vmdk.write_bytes(b"# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\nRW 99999 FLAT \"nothere.bin\" 0\n")
    luks = tmp_path / "luks_broken"
    luks.write_bytes(b"LUKS\xba\xbe\x00\x01" + os.urandom(64 * 1024))
    for image in (qcow, vmdk, luks):
        code, doc, err = scan(image, tmp_path / f"out_{image.name}")
        assert code in (0, 2), err
        listed = [s for s in doc["skipped"] if s["reason"] in ("source-error", "encrypted", "corrupt", "unsupported",
                                                                "unreadable")]
        assert listed, f"{image.name}: nothing said about it"
        assert all(s["detail"] for s in listed)


def test_bare_xfs_and_luks_images_named_bin_are_recognised(mixed: dict, tmp_path: Path) -> None:
    """An XFS or LUKS image named .bin (or nothing) was exit 0 with ``skipped: []``."""
    xfs = tmp_path / "share.bin"
    shutil.copyfile(mixed["base"] / "xfs.img", xfs)
    code, doc, err = scan(xfs, tmp_path / "xfs")
    assert code == 1, err
    assert {f["path"] for f in doc["files"]} == {f"{xfs} » fs (XFS) » /share/{LEAKED}"}
    luks = tmp_path / "vault"
    shutil.copyfile(mixed["base"] / "luks1.img", luks)
    code, doc, err = scan(luks, tmp_path / "luks")
    assert code == 2 and "needs a LUKS passphrase (--luks-passphrase)" in err
    assert [s["reason"] for s in doc["skipped"]] == ["source-error", "encrypted"]
    code, doc, err = scan(luks, tmp_path / "luks_key", "--luks-passphrase", env={"LEAKSCAN_LUKS_PASSPHRASE": PASSPHRASE})
    assert code == 1, err
    assert {f["path"] for f in doc["files"]} == {f"{luks} » fs (ext2) » /secret/{LEAKED}"}


def test_a_local_image_over_the_inspect_cap_is_still_walked_one_in_an_archive_is_listed(two_disks: dict,
                                                                                     tmp_path: Path) -> None:
    import zipfile

    share = tmp_path / "share"
    share.mkdir()
    shutil.copyfile(two_disks["after"], share / "disk0")
    with zipfile.ZipFile(share / "vm.zip", "w", zipfile.ZIP_DEFLATED) as zf:  # small zip, member over the cap
        zf.write(two_disks["after"], "vm/disk1.img")
    assert (share / "vm.zip").stat().st_size < MIB < two_disks["after"].stat().st_size
    code, doc, err = scan(share, tmp_path / "out", "--max-inspect-mb", "1", "--max-archive-ratio", "100000")
    assert code == 1, err
    assert {f["path"] for f in doc["files"]} == {f"{share}/disk0 » p1 (FAT16) » /Users/staff/{LEAKED}",
                                                 f"{share}/disk0 » p2 (ext2) » /later/{LEAKED}"}
    (member,) = [s for s in doc["skipped"] if s["path"] == f"{share}/vm.zip » vm/disk1.img"]
    assert member["reason"] == "unsupported" and "copy it out and scan it as a SOURCE" in member["detail"]
