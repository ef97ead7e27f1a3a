"""review24i: images24's split sets, cut texts and small volume headers met as an investigator's files are.

1. Monthly exports of one roster (``roster.csv.001`` .. ``.003``, each whole, each with its header row, sizes as the
   months gave) are files of their own: images24's ``_rows_cut`` compared the first 32 bytes, past a header of 29,
   so the first data rows differed and the three were joined; each later export was read again on its own
   (records 120 + 50 + 40 = 210 of 120, in a folder and in a zip).
2. A cut image named as an image (``usb.img``, ``mbr.img``, ``disk.001``: its first 512 bytes) was walked and said
   truncated (its FAT says 2 MiB, it holds 512 B: exit 3); images24's ``image-header-only`` took it first and the
   scan ended complete, exit 0: a lost volume as a clean scan.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan
from document_data import people_rows
from pii_data import csv_bytes


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _exports() -> dict[str, bytes]:
    """Three months of one roster export (Faker ja_JP, cp932), each a whole CSV with its header row."""
    return {f"roster.csv.{i:03d}": csv_bytes(people_rows(n, seed=240 + i), "cp932")
            for i, n in ((1, 30), (2, 50), (3, 40))}


def _cut_images(tmp: Path) -> dict[str, bytes]:
    """The first 512 bytes of a FAT12 volume holding a workbook (mkfs.vfat + mcopy) and of an sfdisk-partitioned
    disk, under image names."""
    from image_data import fat_image, leaked_workbook

    fat = fat_image(tmp / "usb.raw", {"/名簿.xlsx": leaked_workbook(seed=24)}, size_mib=2, bits=12).read_bytes()
    disk = tmp / "disk.raw"
    disk.write_bytes(bytes(4 << 20))
    subprocess.run(["sfdisk", "-q", str(disk)], input=b"2048,,c\n", check=True)
    return {"usb.img": fat[:512], "disk.001": fat[:512], "mbr.img": disk.read_bytes()[:512]}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], bool]:
    root = tmp_path_factory.mktemp("review24i")
    ev = root / "evidence"
    (ev / "months").mkdir(parents=True)
    for name, data in _exports().items():
        (ev / "months" / name).write_bytes(data)
    (ev / "months.zip").write_bytes(_zip(_exports()))
    images = all(shutil.which(t) for t in ("mkfs.vfat", "mcopy", "sfdisk"))
    if images:
        cut = _cut_images(root)
        (ev / "cut").mkdir()
        for name, data in cut.items():
            (ev / "cut" / name).write_bytes(data)
        (ev / "cut.zip").write_bytes(_zip(cut))
    done = run_leakscan("scan", str(ev), "--out", str(root / "out"), "--workers", "1", "--quiet", timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((root / "out" / "findings.json").read_text(encoding="utf-8")), images


@pytest.mark.parametrize("where", ["months/", "months.zip » "])
def test_monthly_exports_with_their_header_are_not_joined(scanned: tuple[int, dict[str, Any], bool],
                                                          where: str) -> None:
    """Each export's rows counted once (120 of 120), none joined with another (images24: joined, 210 records)."""
    _, doc, _ = scanned
    rows = [f for f in doc["files"] if where in f["path"] and (f.get("pii") or {}).get("records")]
    assert [(f.get("annotations") or {}).get("joined_parts") for f in rows] == [None] * len(rows), rows
    assert sum(f["pii"]["records"] for f in rows) == 120, [(f["path"], f["pii"]["records"]) for f in rows]


@pytest.mark.parametrize("name", ["usb.img", "disk.001", "mbr.img"])
@pytest.mark.parametrize("where", ["cut/", "cut.zip » "])
def test_a_cut_image_named_as_one_is_said_truncated(scanned: tuple[int, dict[str, Any], bool], where: str,
                                                    name: str) -> None:
    """Walked and said cut short (truncated-fs / truncated-table) as before images24; the scan incomplete."""
    code, doc, images = scanned
    if not images:
        pytest.skip("needs mtools and sfdisk")
    said = [c["code"] for s in doc["skipped"] if f"{where}{name}" in s["path"] for c in s.get("detail_codes") or []]
    assert ("truncated-table" if name == "mbr.img" else "truncated-fs") in said, said
    assert "image-header-only" not in said, said
    assert code == 3 and doc["scan"]["complete"] is False


def test_a_split_disk_on_a_share_is_read_joined(tmp_path: Path) -> None:
    """3. A FAT image whose workbook lies past its first segment, cut three ways on a real Samba share (``disk.001``,
    ``disk.img.001``, ``split -d``'s ``case.dd.000``). Before: the first segment alone walked (truncated-fs, exit 3),
    the workbook never read (a local folder's image reader finds the segments by path; a share's did not). Now
    joined as in an archive (series_in(images=True)): the workbook found in each, nothing listed, the scan complete."""
    from image_data import fat_image, leaked_workbook
    from smb_data import PASSWORD, SambaServer

    if not all(shutil.which(t) for t in ("mkfs.vfat", "mcopy", "smbd")):
        pytest.skip("needs mtools and Samba")
    raw = fat_image(tmp_path / "usb.raw", {"/pad.bin": bytes(range(256)) * 4096, "/home/名簿.xlsx":
                                           leaked_workbook(seed=24)}, size_mib=2, bits=12).read_bytes()
    at = raw.find(b"PK\x03\x04")
    cut = -(-len(raw) // 3 // 512) * 512
    assert at > cut  # the workbook lies past the first segment
    share = tmp_path / "share"
    for folder, stem, first in (("bare", "disk", 1), ("img", "disk.img", 1), ("dd", "case.dd", 0)):
        (share / folder).mkdir(parents=True)
        for i, o in enumerate(range(0, len(raw), cut)):
            (share / folder / f"{stem}.{i + first:03d}").write_bytes(raw[o:o + cut])
    server = SambaServer(tmp_path / "samba", {"ev": share}).start()
    try:
        done = run_leakscan("scan", server.url("ev"), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet",
                            env={"LEAKSCAN_SMB_PASSWORD": PASSWORD}, timeout=300)
        # each piece (~700 KB) under --max-inspect-mb 1, the set (2 MiB) over it: joined, not walked (splits24b)
        capped = run_leakscan("scan", server.url("ev"), "--out", str(tmp_path / "cap"), "--workers", "1", "--quiet",
                              "--max-inspect-mb", "1", env={"LEAKSCAN_SMB_PASSWORD": PASSWORD}, timeout=300)
    finally:
        server.kill()
    cap = json.loads((tmp_path / "cap" / "findings.json").read_text(encoding="utf-8"))
    said = {s["path"].split(" » ")[-1]: [c["code"] for c in s.get("detail_codes") or []] for s in cap["skipped"]}
    first = {p: c for p, c in said.items() if p in ("/bare/disk.001", "/dd/case.dd.000", "/img/disk.img.001")}
    assert sorted(first) == ["/bare/disk.001", "/dd/case.dd.000", "/img/disk.img.001"], said
    assert all(c[:1] == ["split-image-over-cap"] for c in first.values()), said
    assert all(c[:1] == ["split-piece-of"] for p, c in said.items() if p not in first), said
    # before: image-over-cap, the scan complete (exit 0) with nothing of the set walked: a silent clean
    assert capped.returncode == 3 and cap["scan"]["complete"] is False, (capped.returncode, said)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    found = sorted(f["path"].split(" » ")[1] for f in doc["files"] if f["path"].endswith("名簿.xlsx"))
    assert found == ["/bare/disk.001", "/dd/case.dd.000", "/img/disk.img.001"], (found, doc["skipped"])
    assert doc["skipped"] == [] and doc["scan"]["complete"] is True, (doc["skipped"], done.returncode)
