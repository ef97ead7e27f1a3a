"""Parent, backing and extent files of an image must be regular files where they lie before any library opens
them (issue #10, session 10 "Left open"): a QCOW2 whose backing file is a FIFO held the image worker until its
time limit, and a backing file or parent that is no regular file (a FIFO, a link) was said to be "missing"
(libqcow's "missing parent file"), which it is not. Now the image is refused naming the file and why."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_leakscan

MIB = 1024 * 1024


def _scan(source: Path, out: Path) -> tuple[int, dict, str]:
    proc = run_leakscan("scan", str(source), "--name", "x", "--out", str(out), "--quiet", timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, doc, proc.stderr


def _overlay(folder: Path, fmt: str, base_fmt: str) -> tuple[Path, Path]:
    """FOLDER/top.FMT over FOLDER/base.BASE_FMT (qemu-img), then the base replaced by a FIFO."""
    folder.mkdir()
    base, top = folder / f"base.{base_fmt}", folder / f"top.{fmt}"
    subprocess.run(["qemu-img", "create", "-q", "-f", base_fmt, str(base), "8M"], check=True)
    subprocess.run(["qemu-img", "create", "-q", "-f", fmt, "-b", base.name, "-F", base_fmt, str(top)], check=True,
                   cwd=folder)
    base.unlink()
    os.mkfifo(base)
    return top, base


@pytest.mark.parametrize(("fmt", "base_fmt"), [("qcow2", "raw"), ("qcow2", "qcow2"), ("vmdk", "vmdk")])
def test_an_image_whose_parent_is_a_fifo_is_refused_naming_it(tmp_path: Path, fmt: str, base_fmt: str) -> None:
    top, base = _overlay(tmp_path / "vm", fmt, base_fmt)
    rc, _, err = _scan(top, tmp_path / "out")
    assert rc == 2
    role = "backing" if fmt == "qcow2" else "parent"
    assert f"{role} file {base.name} is not a regular file" in err, err
    # met in a folder walk: the image listed with the same reason, the FIFO itself listed as a special file
    rc, doc, err = _scan(top.parent, tmp_path / "out2")
    rows = {Path(s["path"]).name: s for s in doc["skipped"]}
    assert f"{role} file {base.name} is not a regular file" in rows[top.name]["detail"]
    assert rows[base.name]["reason"] == "special-file"


def test_a_qcow2_whose_backing_file_is_a_link_is_refused_naming_the_link(tmp_path: Path) -> None:
    top, base = _overlay(tmp_path / "vm", "qcow2", "raw")
    base.unlink()
    elsewhere = tmp_path / "elsewhere.raw"
    elsewhere.write_bytes(b"\0" * 8 * MIB)
    base.symlink_to(elsewhere)
    rc, _, err = _scan(top, tmp_path / "out")
    assert rc == 2 and "backing file base.raw is a symbolic link: not followed" in err, err


def test_a_vhd_parent_named_by_a_link_is_found_by_its_identifier_beside_it(tmp_path: Path) -> None:
    """The child names image.vhd, which is a link out of the folder; the parent itself lies beside it renamed.
    dfvfs (image_parents) skips the link and finds the copy by the parent identifier: the custody record must
    name that copy, not refuse the image for the link it never reads."""
    from tests.test_image_thirdparty import _unpack

    child = _unpack(tmp_path, "image-differential.vhd", "image.vhd")
    copy = tmp_path / "image (copy).vhd"
    (tmp_path / "image.vhd").rename(copy)
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere.vhd"
    outside.write_bytes(copy.read_bytes())
    (tmp_path / "image.vhd").symlink_to(outside)
    rc, doc, err = _scan(child, tmp_path.parent / f"{tmp_path.name}-out")
    # dfvfs edited this pair by hand after qemu made it, leaving its checksums stale (qemu-img refuses both):
    # listed since session 15, the scan incomplete; both files are still read
    assert rc == 3, err
    assert {c["code"] for s in doc["skipped"] for c in s["detail_codes"]} == {"vhd-checksum-mismatch"}, err
    (details,) = [d for d in doc["scan"]["source_details"] if d.get("kind") == "image"]
    assert [Path(f["path"]).name for f in details["files"]] == ["image-differential.vhd", "image (copy).vhd"]
