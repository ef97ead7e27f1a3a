"""Differencing VM disks as examiners receive them (issue 10, QA of images made by other software): a
VMware snapshot chain (``disk-000002.vmdk`` > ``disk-000001.vmdk`` > ``disk.vmdk`` + its flat extent) and a
QCOW2 overlay whose backing file is written as an absolute path on the host that ran the VM, copied with
its base into an evidence folder. Made with qemu-img, as VMware and libvirt lay them out.
"""

from __future__ import annotations

import json
import shutil
import subprocess
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


def scan(image: Path, out: Path, *names: str) -> tuple[int, dict, str]:
    args = [a for n in names for a in ("--name", n)]
    proc = run_leakscan("scan", str(image), *args, "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, doc, proc.stderr


@pytest.fixture(scope="module")
def chains(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("chains")
    leaked, extra = leaked_workbook(seed=31, rows=10), leaked_workbook(seed=32, rows=8)
    disk1, disk2 = base_and_grown_disks(base, leaked, extra)
    vm = base / "vmware"
    vm.mkdir()
    qemu("convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=twoGbMaxExtentFlat", str(disk1), "disk.vmdk", cwd=vm)
    qemu("create", "-f", "vmdk", "-b", "disk.vmdk", "-F", "vmdk", "disk-000001.vmdk", cwd=vm)
    qemu("create", "-f", "vmdk", "-b", "disk-000001.vmdk", "-F", "vmdk", "disk-000002.vmdk", cwd=vm)
    host = base / "host"
    host.mkdir()
    qemu("convert", "-f", "raw", "-O", "qcow2", str(disk1), str(host / "base.qcow2"), cwd=host)
    qemu("convert", "-f", "raw", "-O", "qcow2", "-B", str(host / "base.qcow2"), "-F", "qcow2", str(disk2),
         "overlay.qcow2", cwd=host)
    evidence = base / "evidence"
    evidence.mkdir()
    for name in ("base.qcow2", "overlay.qcow2"):
        shutil.copyfile(host / name, evidence / name)
    shutil.rmtree(host)  # the absolute path written in the overlay names nothing now
    return {"base": base, "vm": vm, "evidence": evidence, "leaked": sha256(leaked), "extra": sha256(extra)}


def test_vmware_snapshot_chain_is_read_through_its_parents(chains: dict, tmp_path: Path) -> None:
    """Before: dfvfs opened the snapshot without its parent, every read failed ('missing parent handle')
    and the image was a source error."""
    code, doc, err = scan(chains["vm"] / "disk-000002.vmdk", tmp_path / "out", LEAKED)
    assert code == 1, err
    found = {f["inner_path"]: f["sha256"] for f in doc["files"]}
    assert found == {f"/A/{LEAKED}": chains["leaked"]}
    files = {(Path(f["path"]).name, f["role"]) for f in doc["scan"]["source_details"][0]["files"]}
    assert {("disk-000001.vmdk", "parent"), ("disk.vmdk", "parent"), ("disk-f001.vmdk", "extent")} <= files


def test_vmware_snapshot_without_its_parent_names_it(chains: dict, tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copyfile(chains["vm"] / "disk-000001.vmdk", alone / "disk-000001.vmdk")
    code, doc, err = scan(alone / "disk-000001.vmdk", tmp_path / "out", LEAKED)
    assert code == 2
    assert "parent file missing: disk.vmdk" in err and str(alone / "disk.vmdk") in err


def test_qcow2_overlay_with_a_host_absolute_backing_path_finds_its_base_beside_it(chains: dict, tmp_path: Path) -> None:
    """Before: 'backing file missing: /…/host/base.qcow2', exit 2, although base.qcow2 was in the folder."""
    code, doc, err = scan(chains["evidence"] / "overlay.qcow2", tmp_path / "out", LEAKED, "added_later.xlsx")
    assert code == 1, err
    found = {f["inner_path"]: f["sha256"] for f in doc["files"]}
    assert found == {f"/A/{LEAKED}": chains["leaked"], "/A/added_later.xlsx": chains["extra"]}
    backing = [f for f in doc["scan"]["source_details"][0]["files"] if f["role"] == "backing"]
    assert [f["path"] for f in backing] == [str(chains["evidence"] / "base.qcow2")]


def test_a_vm_folder_walks_each_disk_state_once_and_no_extent_on_its_own(chains: dict, tmp_path: Path) -> None:
    """A VMware folder on a share: the base disk and each snapshot are states of the disk worth walking each,
    but the flat extent is the base's bytes; walked as a raw image of its own it listed every file twice."""
    code, doc, err = scan(chains["vm"], tmp_path / "out", LEAKED)
    assert code == 1, err
    images = sorted(Path(s["source"]).name for s in doc["scan"]["source_details"] if s.get("kind") == "image")
    assert images == ["disk-000001.vmdk", "disk-000002.vmdk", "disk.vmdk"]
    assert len(doc["files"]) == 3 and {f["sha256"] for f in doc["files"]} == {chains["leaked"]}


def test_a_parent_is_looked_for_only_inside_the_childs_folder() -> None:
    """A child naming its parent by an absolute path or by ../ out of its folder is not followed there (that
    could be any disk of the examiner's machine); the parent's name beside the child is looked for."""
    from scanner.sources.image_parents import parent_candidates

    assert parent_candidates("/ev/vm/disk-000001.vmdk", "disk.vmdk") == ["/ev/vm/disk.vmdk"]
    assert parent_candidates("/ev/vm/c.qcow2", "base/b.qcow2") == ["/ev/vm/base/b.qcow2", "/ev/vm/b.qcow2"]
    assert parent_candidates("/ev/vm/c.qcow2", "/var/lib/libvirt/images/b.qcow2") == ["/ev/vm/b.qcow2"]
    assert parent_candidates("/ev/vm/c.vmdk", "C:\\VMs\\base\\b.vmdk") == ["/ev/vm/b.vmdk"]
    assert parent_candidates("/ev/vm/c.qcow2", "../../etc/b.qcow2") == ["/ev/vm/b.qcow2"]
