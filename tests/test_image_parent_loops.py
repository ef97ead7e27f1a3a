"""A chain of parent (backing) files that comes back to a file already in it, or that goes on past a sane depth
(issue #10, review16d #4). Built here with qemu-img and then pointed back (``qemu-img rebase -u``, a VMDK's
parentFileNameHint and CIDs edited): a QCOW2 overlay whose backing file names the overlay (a -> b -> a) was read
with no note (the overlay's own bytes taken as a raw backing disk's), a VMDK loop was said as libvmdk's "unable to
read data". Each is listed with the file that points back, in the report's words, and never read."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_leakscan

LEAKED = "名簿.xlsx"


def _scan(image: Path, out: Path) -> tuple[int, dict, str]:
    proc = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet", timeout=240)
    assert "Traceback" not in proc.stderr and "recursion" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, doc, proc.stderr


def _codes(doc: dict) -> list[dict]:
    return [c for s in doc.get("skipped", []) for c in s.get("detail_codes", [])]


def _qcow(folder: Path, name: str, backing: str | None = None) -> Path:
    args = ["qemu-img", "create", "-q", "-f", "qcow2", *(["-b", backing, "-F", "qcow2"] if backing else []), name, "4M"]
    subprocess.run(args, check=True, cwd=folder)
    return folder / name


@pytest.mark.parametrize("chain", [["a.qcow2", "b.qcow2"], ["a.qcow2", "b.qcow2", "c.qcow2"], ["a.qcow2"]])
def test_a_qcow2_backing_chain_that_loops_is_listed_with_the_file_that_points_back(tmp_path: Path,
                                                                                   chain: list[str]) -> None:
    folder = tmp_path / "vm"
    folder.mkdir()
    for below, name in zip([None, *chain[-1:0:-1]], chain[::-1], strict=True):  # the last first, each over the next
        _qcow(folder, name, below)
    subprocess.run(["qemu-img", "rebase", "-u", "-b", chain[0], "-F", "qcow2", chain[-1]], check=True, cwd=folder)
    code, doc, err = _scan(folder / chain[0], tmp_path / "out")
    assert code == 2 and not doc.get("files"), (code, doc)
    loops = [c for c in _codes(doc) if c["code"] == "image-parent-loop"]
    assert loops and loops[0]["name"] == chain[0] and loops[0]["format"] == "QCOW", _codes(doc)
    assert loops[0]["chain"] == " -> ".join([*chain, chain[0]]), loops
    assert "loops back to a.qcow2" in err, err


def test_a_qcow2_backing_chain_deeper_than_the_limit_is_listed(tmp_path: Path) -> None:
    from scanner.sources.image_parents import MAX_CHAIN

    folder = tmp_path / "vm"
    folder.mkdir()
    _qcow(folder, "d0.qcow2")
    for i in range(1, MAX_CHAIN + 2):
        _qcow(folder, f"d{i}.qcow2", f"d{i - 1}.qcow2")
    code, doc, err = _scan(folder / f"d{MAX_CHAIN + 1}.qcow2", tmp_path / "out")
    assert code == 2 and not doc.get("files"), (code, doc)
    deep = [c for c in _codes(doc) if c["code"] == "image-parent-chain-long"]
    assert deep and deep[0]["n"] == MAX_CHAIN, _codes(doc)


def _vmdk_pair(folder: Path) -> None:
    """aaaa.vmdk whose parent is bbbb.vmdk, whose parent is aaaa.vmdk (names and content identifiers agree, so
    libvmdk takes each as the other's parent)."""
    subprocess.run(["qemu-img", "create", "-q", "-f", "vmdk", "base.vmdk", "4M"], check=True, cwd=folder)
    subprocess.run(["qemu-img", "create", "-q", "-f", "vmdk", "-b", "base.vmdk", "-F", "vmdk", "over.vmdk"],
                   check=True, cwd=folder)
    data = (folder / "over.vmdk").read_bytes()
    cid = data.split(b"\nCID=", 1)[1].split(b"\n", 1)[0]
    parent_cid = data.split(b"\nparentCID=", 1)[1].split(b"\n", 1)[0]
    for me, other, own, theirs in (("aaaa", "bbbb", b"0aaaaaaa", b"bbbbbbb"), ("bbbb", "aaaa", b"0bbbbbbb", b"aaaaaaa")):
        made = (data.replace(b'parentFileNameHint="base.vmdk"', b'parentFileNameHint="%s.vmdk"' % other.encode())
                .replace(b"\nCID=" + cid + b"\n", b"\nCID=" + own[-len(cid):].rjust(len(cid), b"0") + b"\n")
                .replace(b"\nparentCID=" + parent_cid + b"\n",
                         b"\nparentCID=" + theirs[-len(parent_cid):].rjust(len(parent_cid), b"0") + b"\n"))
        assert len(made) == len(data)
        (folder / f"{me}.vmdk").write_bytes(made)
    (folder / "base.vmdk").unlink()
    (folder / "over.vmdk").unlink()


def test_a_vmdk_parent_chain_that_loops_is_listed_with_the_file_that_points_back(tmp_path: Path) -> None:
    folder = tmp_path / "vm"
    folder.mkdir()
    _vmdk_pair(folder)
    code, doc, err = _scan(folder / "aaaa.vmdk", tmp_path / "out")
    assert code == 2 and not doc.get("files"), (code, doc)
    loops = [c for c in _codes(doc) if c["code"] == "image-parent-loop"]
    assert loops and loops[0]["name"] == "aaaa.vmdk" and loops[0]["format"] == "VMDK", (_codes(doc), err)
    assert loops[0]["chain"] == "aaaa.vmdk -> bbbb.vmdk -> aaaa.vmdk", loops


def test_a_vmdk_parent_chain_deeper_than_the_limit_is_listed(tmp_path: Path) -> None:
    from scanner.sources.image_parents import MAX_CHAIN

    folder = tmp_path / "vm"
    folder.mkdir()
    subprocess.run(["qemu-img", "create", "-q", "-f", "vmdk", "d0.vmdk", "4M"], check=True, cwd=folder)
    for i in range(1, MAX_CHAIN + 2):
        subprocess.run(["qemu-img", "create", "-q", "-f", "vmdk", "-b", f"d{i - 1}.vmdk", "-F", "vmdk",
                        f"d{i}.vmdk"], check=True, cwd=folder)
    code, doc, err = _scan(folder / f"d{MAX_CHAIN + 1}.vmdk", tmp_path / "out")
    assert code == 2 and not doc.get("files"), (code, doc)
    deep = [c for c in _codes(doc) if c["code"] == "image-parent-chain-long"]
    assert deep and deep[0]["n"] == MAX_CHAIN and deep[0]["format"] == "VMDK", (_codes(doc), err)



def test_an_overlay_named_as_its_backing_file_in_another_folder_is_no_loop(tmp_path: Path) -> None:
    """vm.qcow2 over /elsewhere/vm.qcow2 (the same name in another folder: images/ and snapshots/, written absolute or
    by ../): only the overlay bears that name beside it. It was "a damaged or crafted header" whose chain loops back
    to itself (review17f); the backing file is missing here, and said so."""
    base, evidence = tmp_path / "host" / "images", tmp_path / "evidence"
    base.mkdir(parents=True)
    evidence.mkdir()
    _qcow(base, "vm.qcow2")
    for name, written in (("vm.qcow2", str(base / "vm.qcow2")), ("vm2.qcow2", "../images/vm2.qcow2")):
        folder = evidence / name.split(".")[0]
        folder.mkdir()
        _qcow(folder, name, str(base / "vm.qcow2"))
        subprocess.run(["qemu-img", "rebase", "-u", "-b", written, "-F", "qcow2", name], check=True, cwd=folder)
        code, doc, err = _scan(folder / name, tmp_path / f"out-{name}")
        codes = [c["code"] for c in _codes(doc)]
        assert code == 2 and "image-parent-loop" not in codes and "loops back" not in err, (codes, err)
        assert "image-unopened-missing" in codes and f"backing file missing: {written}" in err, (codes, err)
