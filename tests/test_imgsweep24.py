"""Issue 10's families swept with many variants (session 24, bench/image_variants.py): the defects it found.

Each archive is written by GNU cpio itself (every format it writes) and compared with what GNU cpio lists.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import (
    LEAKED,
    ext2_before_after,
    leaked_workbook,
    luks_image,
    partitioned_disk,
    run,
    sha256,
    xfs_image,
)

pytestmark = pytest.mark.skipif(shutil.which("cpio") is None, reason="GNU cpio not installed")


def scan(source: Path, out: Path, *extra: str) -> tuple[int, dict, str]:
    proc = run_leakscan("scan", str(source), "--name", LEAKED, "--out", str(out), "--quiet", "--workers", "1", *extra)
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, doc, proc.stderr


def _cpio(fmt: str, names: list[str], cwd: Path) -> bytes:
    return subprocess.run(["cpio", "-o", "--quiet", "-H", fmt], cwd=cwd, input="\n".join(names).encode() + b"\n",
                          capture_output=True, check=True).stdout


@pytest.mark.parametrize("fmt", ["hpodc", "hpbin"])
def test_an_hp_cpio_holding_a_device_node_is_read_past_it(tmp_path: Path, fmt: str) -> None:
    """HP-UX cpio (GNU cpio -H hpodc / hpbin) keeps a device's number in the file-size field (rdev 1): GNU cpio
    reads the device as empty. Before: the device number taken as its size, the next header missed, the named
    file after it unread and the archive `corrupt` "cpio-stopped". /dev/null is archived as it is (no mknod)."""
    tree = tmp_path / "tree"
    tree.mkdir()
    leaked = leaked_workbook(seed=24, rows=8)
    (tree / "memo.txt").write_bytes(b"memo\n")
    (tree / LEAKED).write_bytes(leaked)
    names = [str(tree / "memo.txt")[1:], "dev/null", str(tree / LEAKED)[1:]]  # relative to / (cpio keeps them so)
    data = _cpio(fmt, names, Path("/"))
    listed = subprocess.run(["cpio", "-itv", "--quiet"], input=data, capture_output=True).stdout.decode()
    assert "dev/null" in listed and LEAKED in listed  # GNU cpio reads the whole archive
    share = tmp_path / "share"
    share.mkdir()
    (share / "backup.cpio").write_bytes(data)
    rc, doc, err = scan(share, tmp_path / "out")
    assert rc == 1, err
    hit = next(h for h in doc["files"] if h["inner_path"].endswith(LEAKED))
    assert hit["sha256"] == sha256(leaked) and hit["status"] == "ok"
    assert [(s["inner_path"], s["reason"]) for s in doc["skipped"]] == [("dev/null", "special-file")]


@pytest.mark.parametrize("writer", ["cpio -H tar", "tar --format=v7"])
def test_an_old_v7_tar_with_no_extension_is_read_by_its_content(tmp_path: Path, writer: str) -> None:
    """A pre-POSIX (V7) tar has no "ustar" magic: what GNU cpio -H tar and GNU tar --format=v7 write, and what old
    Unix backups are. Named .tar it was read; renamed with no extension or .bin nothing said it was an archive:
    the named file inside missed, exit 0. Its header's checksum (libmagic's "tar archive") tells it now."""
    tree = tmp_path / "tree"
    tree.mkdir()
    leaked = leaked_workbook(seed=25, rows=8)
    (tree / "memo.txt").write_bytes(b"memo\n")
    (tree / LEAKED).write_bytes(leaked)
    if writer.startswith("cpio"):
        data = _cpio("tar", ["memo.txt", LEAKED], tree)
    else:
        data = subprocess.run(["tar", "--format=v7", "-cf", "-", "memo.txt", LEAKED], cwd=tree, capture_output=True,
                              check=True).stdout
    assert data[257:262] != b"ustar"
    share = tmp_path / "share"
    share.mkdir()
    (share / "backup").write_bytes(data)
    (share / "backup.bin").write_bytes(data)
    (share / "backup.tar").write_bytes(data)
    rc, doc, err = scan(share, tmp_path / "out")
    assert rc == 1, err
    hits = sorted(h["path"] for h in doc["files"] if h["sha256"] == sha256(leaked))
    assert hits == [f"{share}/{name} » {LEAKED}" for name in ("backup", "backup.bin", "backup.tar")]
    assert doc["skipped"] == []


@pytest.mark.parametrize("fmt", ["newc", "crc", "odc"])
def test_a_cpio_with_one_damaged_header_reads_the_members_after_it(tmp_path: Path, fmt: str) -> None:
    """One header's bytes damaged (a byte flipped in its size field): GNU cpio warns and reads on to the next
    header. Before: every member after the damaged header unread, the named file among them, the archive only
    `corrupt` cpio-stopped "members after it not read". Now the bytes to the next whole header are skipped and
    said, the members after it read."""
    tree = tmp_path / "tree"
    tree.mkdir()
    leaked = leaked_workbook(seed=26, rows=8)
    (tree / "a.txt").write_bytes(b"alpha\n" * 10)
    (tree / "memo.txt").write_bytes(b"memo\n" * 30)
    (tree / LEAKED).write_bytes(leaked)
    data = bytearray(_cpio(fmt, ["a.txt", "memo.txt", LEAKED], tree))
    second = data.index(b"memo.txt") - (76 if fmt == "odc" else 110)
    data[second + (65 + 10 if fmt == "odc" else 54 + 7)] = ord("j")  # a size digit that is none ("Malformed number")
    listed = subprocess.run(["cpio", "-it"], input=bytes(data), capture_output=True).stdout.decode()
    assert LEAKED in listed  # GNU cpio reads on past it
    share = tmp_path / "share"
    share.mkdir()
    (share / "backup.cpio").write_bytes(bytes(data))
    rc, doc, err = scan(share, tmp_path / "out")
    assert rc == 1, err
    hit = next(h for h in doc["files"] if h["inner_path"] == LEAKED)
    assert hit["sha256"] == sha256(leaked)
    (row,) = [s for s in doc["skipped"] if s["path"] == f"{share}/backup.cpio"]
    assert row["reason"] == "corrupt" and [c["code"] for c in row["detail_codes"]] == ["cpio-skipped-to-header"]


@pytest.mark.skipif(shutil.which("qemu-img") is None and not os.environ.get("CI"), reason="qemu-img not installed")
def test_a_qcow2_chain_missing_its_base_two_levels_down_names_it(tmp_path: Path) -> None:
    """top.qcow2 -> mid.qcow2 -> base.qcow2, base renamed (base-copy.qcow2, as an examiner's copy may be): a missing
    direct backing file was named ("backing file missing: mid.qcow2 (looked for ...)"); one further down was not:
    "nothing in the image could be walked: p1: no file system recognised; The Sleuth Kit: ... missing parent file"
    (source_details had it `missing`, the reason did not say which file). Now it is named the same way."""
    root = ext2_before_after(tmp_path, {"added.txt": b"added\n" * 40})
    run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", str(root / "before.raw"), str(root / "base.qcow2"))
    for child, parent, raw in (("mid.qcow2", "base.qcow2", "after.raw"), ("top.qcow2", "mid.qcow2", "after.raw")):
        subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", "-B", parent, "-F", "qcow2", str(root / raw),
                        child], cwd=root, check=True, capture_output=True)
    (root / "base.qcow2").rename(root / "base-copy.qcow2")
    proc = run_leakscan("scan", str(root / "top.qcow2"), "--name", LEAKED, "--out", str(tmp_path / "out"), "--quiet")
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 2, proc.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    (error,) = doc["scan"]["source_errors"]
    assert f"backing file missing: base.qcow2 (looked for {root}/base.qcow2)" in error["error"], error["error"]
    assert [c["code"] for c in error["error_codes"]] == ["image-chain-file-missing"]


@pytest.mark.skipif((shutil.which("mkfs.xfs") is None or shutil.which("cryptsetup") is None) and not os.environ.get("CI"),
                    reason="xfsprogs or cryptsetup not installed")
def test_xfs_and_luks_partitions_of_a_gpt_read_from_its_backup_are_read_as_from_the_primary(tmp_path: Path) -> None:
    """A GPT whose primary header and entries are zeroed is read from its backup (gpt_table, "GPT (read directly)").
    Its partitions were opened by The Sleuth Kit at their offsets only: the XFS one (dfvfs reads XFS) was "holds
    data but no file system leakscan can read" and its files missed, a LUKS1 one the same ("Encryption detected")
    instead of `encrypted` with the option that unlocks it. Now each is what it is with the primary table intact."""
    xfs = xfs_image(tmp_path / "x.img", {"/xfs.txt": b"xfs one\n" * 70, "/d/x2.txt": b"xfs two\n"})
    luks = luks_image(tmp_path / "l.img", None, "pass-word")
    disk = tmp_path / "disk.raw"
    linux = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
    partitioned_disk(disk, [(xfs, linux), (luks, linux)], "gpt")
    with open(disk, "r+b") as f:
        f.seek(512)
        f.write(bytes(33 * 512))  # the primary header and its entries
    share = tmp_path / "share"
    share.mkdir()
    disk.rename(share / "disk.raw")
    rc, doc, err = scan(share, tmp_path / "out", "--known-hashes", str(_known(tmp_path, b"xfs one\n" * 70)))
    assert any(h["inner_path"] == "/xfs.txt" and h["sha256"] == sha256(b"xfs one\n" * 70) for h in doc["files"]), \
        [(s["path"], s["detail"][:200]) for s in doc["skipped"]]
    p2 = [s for s in doc["skipped"] if " » p2" in s["path"]]
    assert [s["reason"] for s in p2] == ["encrypted"], p2


def _known(folder: Path, data: bytes) -> Path:
    path = folder / "known.txt"
    path.write_text(sha256(data) + "\n")
    return path
