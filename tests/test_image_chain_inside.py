"""A VM parent chain inside another source (issue 10, session 6): a QCOW2 overlay and a VMware snapshot
zipped with their parents. An image read from inside an archive (or another image) is opened from memory,
without the files beside it; the listing names the parent where the examiner will find it (beside the child
inside the zip), never the scanner's private in-memory path, and says how to get it read. The same folder
on disk, walked as a folder source, reads through the chain. Made with qemu-img.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import (
    LEAKED,
    base_and_grown_disks,
    leaked_workbook,
    sha256,
)


def qemu(*args: str, cwd: Path) -> None:
    subprocess.run(["qemu-img", *args], check=True, cwd=cwd, capture_output=True)


def scan(source: Path, out: Path) -> tuple[int, dict]:
    proc = run_leakscan("scan", str(source), "--name", LEAKED, "--name", "added_later.xlsx", "--out", str(out),
                        "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def vms(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("inside")
    leaked, extra = leaked_workbook(seed=41, rows=6), leaked_workbook(seed=42, rows=5)
    disk1, disk2 = base_and_grown_disks(base, leaked, extra)
    vms = base / "vms"
    vms.mkdir()
    qemu("convert", "-f", "raw", "-O", "qcow2", str(disk1), "base.qcow2", cwd=vms)
    qemu("convert", "-f", "raw", "-O", "qcow2", "-B", "base.qcow2", "-F", "qcow2", str(disk2), "overlay.qcow2", cwd=vms)
    qemu("convert", "-f", "raw", "-O", "vmdk", str(disk1), "disk.vmdk", cwd=vms)  # monolithic sparse
    qemu("create", "-f", "vmdk", "-b", "disk.vmdk", "-F", "vmdk", "disk-000001.vmdk", cwd=vms)
    archive = base / "vm.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("base.qcow2", "overlay.qcow2", "disk.vmdk", "disk-000001.vmdk"):
            z.write(vms / name, f"vms/{name}")
    return {"folder": vms, "zip": archive, "extra": sha256(extra)}


def test_chain_inside_an_archive_names_the_parent_where_it_is(vms: dict, tmp_path: Path) -> None:
    code, doc = scan(vms["zip"], tmp_path / "out")
    assert code == 1
    missing = {s["path"].rsplit(" » ", 1)[-1]: s["detail"] for s in doc["skipped"] if "file missing" in s["detail"]}
    assert sorted(missing) == ["vms/disk-000001.vmdk", "vms/overlay.qcow2"], doc["skipped"]
    overlay, snapshot = missing["vms/overlay.qcow2"], missing["vms/disk-000001.vmdk"]
    assert "backing file missing: base.qcow2 (expected beside the image inside" in overlay
    assert "as vms/base.qcow2" in overlay and "scan it as a SOURCE" in overlay
    assert "parent file missing: disk.vmdk" in snapshot and "as vms/disk.vmdk" in snapshot
    assert "extent file missing" not in snapshot  # a monolithic sparse VMDK is its own extent
    assert "leakscan-images-" not in json.dumps(doc["skipped"])  # never the private in-memory path
    # the parents themselves are images in the zip: walked, their copies found
    walked = {f["container"][1]["name"] for f in doc["files"] if f["path"].endswith(LEAKED)}
    assert walked == {"vms/base.qcow2", "vms/disk.vmdk"}


def test_same_chain_in_a_folder_reads_through_it(vms: dict, tmp_path: Path) -> None:
    code, doc = scan(vms["folder"], tmp_path / "out")
    assert code == 1
    assert not [s for s in doc["skipped"] if "file missing" in s["detail"]], doc["skipped"]
    later = [f for f in doc["files"] if f["path"].endswith("added_later.xlsx")]
    assert [f["sha256"] for f in later] == [vms["extra"]]  # only in the overlay: read through the chain
    assert "overlay.qcow2" in later[0]["path"]
