"""Disk images through the command line: MBR and GPT disks with FAT and ext4, E01 (multi-segment),
split raw and VHD; deleted copies, FAT local times, chain paths, image hashes and --verify-images."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from scanner.sources.image import looks_like_image
from tests.conftest import report_text, run_leakscan
from tests.image_data import (
    LEAKED,
    e01,
    ext_image,
    fat_image,
    leaked_workbook,
    partitioned_disk,
    sha256,
    split_raw,
    vhd_fixed,
    write_tree,
)

JST = timezone(timedelta(hours=9))
WRITTEN = datetime(2017, 4, 1, 9, 30, 0, tzinfo=JST)  # when the Japanese PC saved the workbook
DOCS = f"/Users/staff/Documents/{LEAKED}"
DESKTOP = f"/Users/staff/Desktop/{LEAKED}"
BACKUP = f"/home/staff/backup/{LEAKED}"
TRASHED = f"/home/staff/trash/{LEAKED}"
WIPED = f"/home/staff/old/{LEAKED}"


@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """An MBR disk: p1 FAT16 (the list, plus a deleted copy), p2 ext4 (an older copy, a deleted one
    debugfs can recover and one whose inode was wiped)."""
    base = tmp_path_factory.mktemp("disk")
    leaked, older = leaked_workbook(seed=4), leaked_workbook(seed=5)
    memo = "打合せメモ\n".encode()
    fat = fat_image(base / "p1.img", {DOCS: leaked, "/Users/staff/Documents/memo.txt": memo},
                    deleted={DESKTOP: leaked}, mtime=WRITTEN.timestamp(), tz="JST-9")
    tree = write_tree(base / "tree", {BACKUP: older, TRASHED: leaked, WIPED: older, "/home/staff/notes.txt": memo})
    os.utime(tree / BACKUP.strip("/"), (WRITTEN.timestamp(), WRITTEN.timestamp()))
    ext = ext_image(base / "p2.img", tree, debugfs=[f"rm {TRASHED}", f"clri {WIPED}", f"freei {WIPED}",
                                                      f"unlink {WIPED}"])
    raw = base / "pc08.dd"
    offsets = partitioned_disk(raw, [(fat, "6"), (ext, "83")])
    return {"raw": raw, "base": base, "leaked": leaked, "older": older, "offsets": offsets}


def scan(image: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[int, dict, str]:
    proc = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet", *extra, env=env)
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, doc, proc.stderr


@pytest.fixture(scope="module")
def raw_scan(disk: dict, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict, str, Path]:
    """The MBR disk scanned once, in an examiner's zone that differs from the PC's (TZ=XXX3): (exit code,
    findings, stderr, out folder), read by the tests of what one scan of it finds."""
    out = tmp_path_factory.mktemp("raw-scan") / "out"
    return (*scan(disk["raw"], out, env={"TZ": "XXX3"}), out)


def by_path(doc: dict) -> dict[str, dict]:
    return {f["path"]: f for f in doc["files"]}


def test_mbr_disk_fat_and_ext4_copies_found_with_chain_paths_and_hashes(disk: dict, raw_scan: tuple) -> None:
    raw = str(disk["raw"])
    code, doc, err, _ = raw_scan  # examiner's zone differs
    assert code == 1, err
    files = by_path(doc)
    docs = files[f"{raw} » p1 (FAT16) » {DOCS}"]
    assert docs["sha256"] == sha256(disk["leaked"]) and docs["md5"] == hashlib.md5(disk["leaked"]).hexdigest()
    assert docs["deleted"] is False and docs["status"] == "ok" and docs["size"] == len(disk["leaked"])
    assert docs["inner_path"] == DOCS and docs["source"] == raw
    image_hop, volume_hop = docs["container"]
    assert image_hop == {"kind": "image", "name": raw, "detail": {"format": "raw"}}
    assert volume_hop["kind"] == "volume" and volume_hop["name"] == "p1 (FAT16)"
    assert volume_hop["detail"] == {"offset": disk["offsets"][0], "fs_type": "FAT16"}

    backup = files[f"{raw} » p2 (ext4) » {BACKUP}"]
    assert backup["sha256"] == sha256(disk["older"]) and backup["deleted"] is False
    assert backup["mtime"] == WRITTEN.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert backup["time_note"] is None
    details = doc["scan"]["source_details"][0]
    assert details["kind"] == "image" and details["format"] == "raw" and details["method"].startswith("read-only")
    assert [(v["name"], v["fs_type"], v["offset"]) for v in details["volumes"]] == [
        ("p1", "FAT16", disk["offsets"][0]), ("p2", "ext4", disk["offsets"][1])]
    assert details["image_hashes"] == {} and details["verified"] is None


def test_fat_times_are_the_local_wall_clock_with_a_note(disk: dict, raw_scan: tuple) -> None:
    _, doc, _, out = raw_scan
    hit = by_path(doc)[f"{disk['raw']} » p1 (FAT16) » {DOCS}"]
    assert hit["mtime"] == "2017-04-01T09:30:00"  # as the JST PC wrote it, whatever the examiner's zone
    assert "local time" in hit["time_note"] and "2 s" in hit["time_note"]
    assert "現地時刻" in (out / "report.html").read_text(encoding="utf-8")  # the ja report says so


def test_deleted_copies_listed_hashed_when_recoverable_else_unrecoverable(disk: dict, raw_scan: tuple) -> None:
    raw = str(disk["raw"])
    _, doc, _, _ = raw_scan
    files = by_path(doc)
    fat_deleted = files[f"{raw} » p1 (FAT16) » {DESKTOP}"]
    assert fat_deleted["deleted"] is True and fat_deleted["status"] == "ok"
    assert fat_deleted["sha256"] == sha256(disk["leaked"])
    ext_deleted = files[f"{raw} » p2 (ext4) » {TRASHED}"]
    assert ext_deleted["deleted"] is True and ext_deleted["sha256"] == sha256(disk["leaked"])
    wiped = files[f"{raw} » p2 (ext4) » {WIPED}"]
    assert wiped["deleted"] is True and wiped["status"] == "unrecoverable" and wiped["sha256"] is None
    assert "name" in wiped["reasons"]
    assert any(s["path"] == wiped["path"] and s["reason"] == "unrecoverable" for s in doc["skipped"])
    live = [f for f in doc["files"] if not f["deleted"]]
    assert len(live) == 2  # deleted copies never count twice as live ones


def test_gpt_disk_is_walked_too(disk: dict, tmp_path: Path) -> None:
    base = disk["base"]
    gpt = base / "gpt.img"
    offsets = partitioned_disk(gpt, [(base / "p1.img", "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"),
                                     (base / "p2.img", "0FC63DAF-8483-4772-8E79-3D69D8477DE4")], label="gpt")
    code, doc, err = scan(gpt, tmp_path / "out")
    assert code == 1, err
    hit = by_path(doc)[f"{gpt} » p1 (FAT16) » {DOCS}"]
    assert hit["sha256"] == sha256(disk["leaked"])
    assert hit["container"][1]["detail"]["offset"] == offsets[0]
    assert f"{gpt} » p2 (ext4) » {BACKUP}" in by_path(doc)


def test_multi_segment_e01_records_stored_hashes_and_verifies(disk: dict, tmp_path: Path) -> None:
    image = e01(disk["raw"], tmp_path / "pc08", segment="4MiB")
    segments = sorted(tmp_path.glob("pc08.E*"))
    assert len(segments) > 2
    raw_bytes = disk["raw"].read_bytes()
    code, doc, err = scan(image, tmp_path / "out")
    assert code == 1, err
    details = doc["scan"]["source_details"][0]
    assert details["format"] == "EWF (E01)" and details["segments"] == len(segments)
    assert details["image_hashes"] == {"md5": hashlib.md5(raw_bytes).hexdigest(),
                                       "sha1": hashlib.sha1(raw_bytes).hexdigest()}
    # E01 is verified by default: the media hash recomputed, each segment file hashed as stored
    assert details["verified"] is True and details["verify_requested"] is True
    assert details["computed_hashes"]["md5"] == hashlib.md5(raw_bytes).hexdigest()
    assert [(Path(f["path"]).name, f["role"], f["size"], f["sha256"]) for f in details["files"]] == [
        (p.name, "segment", p.stat().st_size, sha256(p.read_bytes())) for p in segments]
    assert details["acquisition"]["case_number"] == "2026-001"
    hit = by_path(doc)[f"{image} » p1 (FAT16) » {DOCS}"]
    assert hit["sha256"] == sha256(disk["leaked"])
    assert f"{image} » p1 (FAT16) » {DOCS}" in report_text(tmp_path / "out" / "report.html")

    code, doc, err = scan(image, tmp_path / "unverified", "--no-verify-images")
    details = doc["scan"]["source_details"][0]
    assert code == 1, err
    assert details["verified"] is None and details["verify_requested"] is False and "computed_hashes" not in details
    assert all("sha256" not in f for f in details["files"])


def test_verify_images_detects_a_changed_e01(disk: dict, tmp_path: Path) -> None:
    image = e01(disk["raw"], tmp_path / "pc08", segment="64MiB")
    data = bytearray(image.read_bytes())
    at = data.find(b"[Content_Types].xml")  # inside the stored (uncompressed) workbook
    assert at > 0
    data[at] ^= 0x20
    image.write_bytes(bytes(data))
    _, doc, err = scan(image, tmp_path / "out")  # E01: verified by default
    details = doc["scan"]["source_details"][0]
    assert details["verified"] is False
    assert details["computed_hashes"]["md5"] != details["image_hashes"]["md5"]
    assert "image hash MISMATCH" in err
    report = report_text(tmp_path / "out" / "report.html")
    banner = report.split('id="image-mismatch"', 1)[1].split("</p>", 1)[0]
    assert "一致しません" in banner and str(image) in banner
    assert report.index('id="image-mismatch"') < report.index('id="case"')  # before anything else


def test_split_raw_and_vhd_give_the_same_hits(disk: dict, tmp_path: Path) -> None:
    first = split_raw(disk["raw"], tmp_path / "pc08", pieces=3)[0]
    assert first.name == "pc08.000"
    code, doc, err = scan(first, tmp_path / "out")
    assert code == 1, err
    assert doc["scan"]["source_details"][0]["segments"] == 3
    assert by_path(doc)[f"{first} » p2 (ext4) » {BACKUP}"]["sha256"] == sha256(disk["older"])
    vhd = vhd_fixed(disk["raw"], tmp_path / "pc08.vhd")
    code, doc, err = scan(vhd, tmp_path / "out_vhd")
    assert code == 1, err
    assert doc["scan"]["source_details"][0]["format"] == "VHD/VHDX"
    assert by_path(doc)[f"{vhd} » p1 (FAT16) » {DOCS}"]["sha256"] == sha256(disk["leaked"])


def test_single_file_system_image_without_partition_table(tmp_path: Path) -> None:
    leaked = leaked_workbook()
    bad = "名簿_旧".encode("cp932") + b".xlsx"  # a cp932 name on ext4: not UTF-8
    tree = write_tree(tmp_path / "tree", {f"/share/{LEAKED}": leaked})
    (tree / "share" / os.fsdecode(bad)).write_bytes(leaked)
    image = ext_image(tmp_path / "share.img", tree, size_mib=4)
    code, doc, err = scan(image, tmp_path / "out")
    assert code == 1, err
    files = by_path(doc)
    assert files[f"{image} » fs (ext4) » /share/{LEAKED}"]["sha256"] == sha256(leaked)
    odd = [f for f in doc["files"] if f["raw_path_hex"]]
    assert [f["raw_path_hex"] for f in odd] == [(b"/share/" + bad).hex()]
    assert odd[0]["inner_path"] == "/share/名簿_旧.xlsx"


def test_looks_like_image_by_content(disk: dict, tmp_path: Path) -> None:
    for img in ("p1.img", "p2.img", "pc08.dd"):
        assert looks_like_image(str(disk["base"] / img))
    renamed = tmp_path / "evidence.bin"  # the name does not matter, the content does
    renamed.write_bytes((disk["base"] / "p1.img").read_bytes())
    assert looks_like_image(str(renamed))
    not_images = {"list.xlsx": leaked_workbook(), "notes.txt": "氏名\n".encode() * 600, "zeros.dd": bytes(8192)}
    for name, data in not_images.items():
        (tmp_path / name).write_bytes(data)
        assert not looks_like_image(str(tmp_path / name)), name


def test_every_detector_runs_unchanged_inside_an_image(tmp_path: Path) -> None:
    """A zip on the image is opened like anywhere else, and the workbook's person records are read."""
    import zipfile

    leaked = leaked_workbook()
    buf = tmp_path / "backup_2017.zip"
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(LEAKED, leaked)
    image = fat_image(tmp_path / "usb.img", {"/backup_2017.zip": buf.read_bytes(), f"/work/{LEAKED}": leaked})
    code, doc, err = scan(image, tmp_path / "out")
    assert code == 1, err
    files = by_path(doc)
    member = files[f"{image} » fs (FAT16) » /backup_2017.zip » {LEAKED}"]
    assert member["sha256"] == sha256(leaked)
    assert [h["kind"] for h in member["container"]] == ["image", "volume", "archive"]
    direct = files[f"{image} » fs (FAT16) » /work/{LEAKED}"]
    assert direct["pii"]["records"] == 30 and direct["pii"] == member["pii"]  # same detector, same answer
