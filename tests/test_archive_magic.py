"""Archives and compressed files recognised by their content, whatever their name (issue 10, QA of files
made by other software): a gzip/bzip2/xz (or legacy .lzma, zstd) file named ``backup`` or ``.dat`` is read like a ``.gz``; a RAR,
CAB or ar archive under any name is listed ``unsupported`` with its format, never
passed as clean. Real files are made here with the tools that write them (tar/gzip from the standard
library, zstd, lz4, ar, lzma's legacy format); the RAR, CAB and LZH headers are written by hand.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import json
import lzma
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.archive_data import LEAK_NAME, roster_xlsx
from tests.conftest import run_leakscan


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _tool(name: str, *args: str, data: bytes) -> bytes:
    if shutil.which(name) is None:
        pytest.skip(f"{name} not installed (.ci/run installs it)")
    return subprocess.run([name, *args], input=data, capture_output=True, check=True).stdout


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("magic") / "share"
    root.mkdir()
    workbook = roster_xlsx(seed=21)
    tar = _tar({f"backup/{LEAK_NAME}": workbook})
    readable = {  # compressed tars under names that do not say so
        "backup_2017": gzip.compress(tar),
        "nightly.dat": bz2.compress(tar),
        "archive.bak": lzma.compress(tar),
        "old.bin": lzma.compress(tar, format=lzma.FORMAT_ALONE),  # legacy .lzma: read since Session 14 (pdf14)
        "export.dat": _tool("zstd", "-q", "-c", data=tar),  # Zstandard: read since Session 14 (pdf14)
        "export2": _tool("lz4", "-q", "-c", data=tar),  # LZ4: read since Session 26 (images26; was unsupported)
    }
    ar = tmp_path_factory.mktemp("ar") / "x.a"
    member = ar.parent / "member.txt"
    member.write_bytes(b"hello\n")
    if shutil.which("ar") is None:
        pytest.skip("ar (binutils) not installed")
    subprocess.run(["ar", "rc", str(ar), str(member)], check=True, cwd=ar.parent)
    unsupported = {
        "libs.bin": ("ar archive", ar.read_bytes()),
        "mail_backup": ("RAR", b"Rar!\x1a\x07\x01\x00" + bytes(200)),
        "setup_files.dat": ("Microsoft Cabinet", b"MSCF\x00\x00\x00\x00" + bytes(200)),
        "old_roster.dat": ("LZH", b"\x2a\x9d-lh5-" + bytes(200)),
    }
    for name, data in readable.items():
        (root / name).write_bytes(data)
    for name, (_, data) in unsupported.items():
        (root / name).write_bytes(data)
    return {"root": root, "readable": readable, "unsupported": unsupported, "workbook": workbook}


def test_compressed_archives_under_any_name_are_read_and_the_rest_listed(share: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share["root"]), "--name", LEAK_NAME, "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stderr  # copies found
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    hits = {f["path"] for f in doc["files"]}
    digest = hashlib.sha256(share["workbook"]).hexdigest()
    for name in share["readable"]:
        found = [f for f in doc["files"] if f["path"].startswith(str(share["root"] / name) + " » ")]
        assert found, (name, sorted(hits))
        assert all(f["sha256"] == digest for f in found if LEAK_NAME in f["path"])
    skipped = {Path(s["path"]).name: s for s in doc["skipped"]}
    for name, (fmt, _) in share["unsupported"].items():
        assert name in skipped, (name, sorted(skipped))
        assert skipped[name]["reason"] == "unsupported"
        assert fmt in skipped[name]["detail"]


def test_plain_files_are_not_taken_for_archives(tmp_path: Path) -> None:
    """The magic checks are exact: a text file starting with 'Rar' or a byte 0x5D is no archive."""
    root = tmp_path / "share"
    root.mkdir()
    (root / "notes.dat").write_bytes(b"Rar! is what we called the dog\n" * 4)
    (root / "data.bin").write_bytes(b"\x5d" + bytes(range(40)) * 3)
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(root), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert doc["skipped"] == []


@pytest.mark.parametrize("fmt", ["newc", "crc", "odc", "bin", "ustar"])
def test_hard_links_in_cpio_and_tar_carry_the_file_bytes(fmt: str, tmp_path: Path) -> None:
    """GNU cpio writes a hard-linked file's bytes once (newc/crc: with the last link, the others size 0;
    ustar: the later names as link records). Every name is the file: found by name, with its real hash
    (before: newc/crc hashed the other names as empty files; in ustar the linked name was no hit at all)."""
    if shutil.which("cpio") is None:
        pytest.skip("cpio not installed (.ci/run installs it)")
    tree = tmp_path / "t"
    (tree / "sub").mkdir(parents=True)
    workbook = roster_xlsx(seed=22)
    (tree / "sub" / LEAK_NAME).write_bytes(workbook)
    (tree / "sub" / "copy.xlsx").hardlink_to(tree / "sub" / LEAK_NAME)
    names = "\n".join(["sub", f"sub/{LEAK_NAME}", "sub/copy.xlsx"]) + "\n"
    archive = tmp_path / "share" / f"backup_{fmt}.cpio"
    archive.parent.mkdir()
    made = subprocess.run(["cpio", "-o", "-H", fmt], input=names.encode(), cwd=tree, capture_output=True, check=True)
    archive.write_bytes(made.stdout)
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(archive.parent), "--name", LEAK_NAME, "--name", "copy.xlsx", "--out", str(out),
                        "--quiet")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    found = {f["inner_path"]: f["sha256"] for f in doc["files"]}
    digest = hashlib.sha256(workbook).hexdigest()
    assert found == {f"sub/{LEAK_NAME}": digest, "sub/copy.xlsx": digest}
