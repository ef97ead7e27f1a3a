"""review24m: imgsweep24's cpio, tar and image changes tried with what an investigator's copies hold.

Every archive is written by GNU cpio itself; the expected reading is what GNU cpio lists."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import LEAKED, leaked_workbook, sha256

pytestmark = pytest.mark.skipif(shutil.which("cpio") is None, reason="GNU cpio not installed")


def scan(source: Path, out: Path, *extra: str) -> tuple[int, dict, str]:
    proc = run_leakscan("scan", str(source), "--name", LEAKED, "--out", str(out), "--quiet", "--workers", "1", *extra)
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, doc, proc.stderr


def _cpio(fmt: str, names: list[str], cwd: Path) -> bytes:
    return subprocess.run(["cpio", "-o", "--quiet", "-H", fmt], cwd=cwd, input="\n".join(names).encode() + b"\n",
                          capture_output=True, check=True).stdout


def test_a_damaged_header_before_a_nested_cpio_does_not_end_the_outer_archive_at_the_inner_trailer(
        tmp_path: Path) -> None:
    """backup.cpio holds first.txt, inner.cpio (itself a cpio) and the named file; inner.cpio's header has a size
    digit that is none. The resync (cpio-skipped-to-header) found the next magic inside inner.cpio's data: inner's
    members were read, inner's TRAILER!!! ended the outer archive, and the named file after it was never read while
    the row said "the members after it read" (exit 0; before the resync: "members after it not read"). Now the
    trailer of an archive inside the skipped member is said and the outer archive is read on to its own end."""
    inner_tree, tree = tmp_path / "inner", tmp_path / "tree"
    inner_tree.mkdir()
    tree.mkdir()
    (inner_tree / "inner.txt").write_bytes(b"inner\n" * 5)
    leaked = leaked_workbook(seed=31, rows=6)
    (tree / "first.txt").write_bytes(b"first\n")
    (tree / "inner.cpio").write_bytes(_cpio("newc", ["inner.txt"], inner_tree))
    (tree / LEAKED).write_bytes(leaked)
    data = bytearray(_cpio("newc", ["first.txt", "inner.cpio", LEAKED], tree))
    header = data.index(b"inner.cpio") - 110
    data[header + 54 + 2] = ord("x")  # its size: "Malformed number" to GNU cpio
    share = tmp_path / "share"
    share.mkdir()
    (share / "backup.cpio").write_bytes(bytes(data))
    rc, doc, err = scan(share, tmp_path / "out")
    assert [h["sha256"] for h in doc["files"] if h["inner_path"] == LEAKED] == [sha256(leaked)], doc["skipped"]
    assert rc == 1, err
    codes = [c["code"] for s in doc["skipped"] for c in s["detail_codes"]]
    assert codes == ["cpio-skipped-to-header", "cpio-skipped-to-header"], doc["skipped"]
    assert "cpio-inner-trailer" in json.dumps(doc["skipped"])
