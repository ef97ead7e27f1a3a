"""Evidence is read-only: a scan (and verify --sources, persons --export) changes no content, mtime or
atime of any file or folder it walks or reads, and leaves no file next to the sources."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_leakscan
from tests.image_data import e01, fat_image, leaked_workbook, vhd_fixed
from tests.review_data import LEAKED, build

OLD = (1_000_000_000, 1_000_000_000)  # 2001: any read without O_NOATIME would move atime (relatime)


def _add_archives(share: Path) -> None:
    """A 7z and a tar.gz holding a folder with the leaked workbook (py7zr would make folders on disk
    if its extraction were not kept in memory)."""
    import py7zr

    with py7zr.SevenZipFile(share / "PC02" / "backup.7z", "w") as z:
        z.writeall(share / "PC01", "PC01")
    with tarfile.open(share / "PC02" / "backup.tar.gz", "w:gz") as tf:
        tf.add(share / "PC01", "PC01")


def _age(paths: list[Path]) -> None:
    for p in paths:
        os.utime(p, ns=(OLD[0] * 10**9, OLD[1] * 10**9), follow_symlinks=False)


def _content(p: Path) -> str:
    """SHA-256 of a file read with O_NOATIME, so the test itself leaves atime alone."""
    fd = os.open(p, os.O_RDONLY | os.O_NOATIME)
    with os.fdopen(fd, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _snapshot(root: Path, paths: list[Path]) -> dict[str, tuple]:
    """Times, mode and content of ``paths`` (listed beforehand: listing a folder moves its atime)."""
    out = {}
    for p in paths:
        st = p.lstat()
        digest = _content(p) if p.is_file() else ""
        out[str(p.relative_to(root))] = (st.st_atime_ns, st.st_mtime_ns, st.st_mode, digest)
    return out


@pytest.mark.skipif(not hasattr(os, "O_NOATIME"), reason="O_NOATIME is Linux only")
def test_local_scan_changes_nothing(tmp_path: Path) -> None:
    case = build(tmp_path)
    _add_archives(case.share)
    paths = [case.share, *case.share.rglob("*")]
    _age(paths)
    before = _snapshot(case.share, paths)
    assert all(v[0] == OLD[0] * 10**9 for v in before.values())
    out = tmp_path / "out"
    cwd = tmp_path / "cwd"  # archive members must be read in memory, never extracted here either
    cwd.mkdir()
    done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "scan", str(case.share), "--name", LEAKED,
                           "--out", str(out), "--quiet"], capture_output=True, text=True, cwd=cwd, timeout=300)
    assert done.returncode == 1, done.stderr
    assert list(cwd.iterdir()) == []
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert {f["path"].split(" » ")[0].rsplit(".", 1)[-1] for f in doc["files"] if " » " in f["path"]} >= {"7z", "gz"}
    for args in (["verify", str(out), "--sources", str(case.share)],
                 ["persons", str(out), "--export", str(tmp_path / "p.xlsx"), "--sources", str(case.share)]):
        done = run_leakscan(*args)
        assert done.returncode in (0, 1), done.stderr
    assert _snapshot(case.share, paths) == before
    assert sorted([case.share, *case.share.rglob("*")]) == sorted(paths)  # nothing written beside the sources


def test_image_scan_leaves_image_atime(tmp_path: Path) -> None:
    """Raw, E01 and VHD images are opened read-only without touching their access time (dfvfs included)."""
    raw = fat_image(tmp_path / "pc.raw", {"Users/staff/" + LEAKED: leaked_workbook()})
    ewf = e01(raw, tmp_path / "pc")
    vhd = vhd_fixed(raw, tmp_path / "vm.vhd")
    for image in (raw, ewf, vhd):
        images = sorted(tmp_path.glob(image.name.rsplit(".", 1)[0] + ".*"))
        for p in images:
            os.utime(p, ns=(OLD[0] * 10**9, OLD[1] * 10**9))
        before = {p: (p.stat().st_atime_ns, p.stat().st_mtime_ns) for p in images}
        done = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(tmp_path / f"out-{image.suffix}"),
                            "--quiet")
        assert done.returncode == 1, done.stderr
        assert {p: (p.stat().st_atime_ns, p.stat().st_mtime_ns) for p in images} == before, image
