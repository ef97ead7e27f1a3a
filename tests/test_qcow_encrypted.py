"""A QCOW2 image encrypted by qemu (``qemu-img convert -o encrypt.format=luks``; AES in older images): libqcow opens
it and reads the ciphertext, so the scan said only "no file system recognised" (`nothing-walkable`), as if the disk
were blank or damaged, and never that a key would open it. It is listed `encrypted` (`qcow2-encrypted`, the way out
named), whole or cut short; the clusters are never read as a disk."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.image_data import fat_image, leaked_workbook

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("qemu-img", "mkfs.vfat", "mcopy")),
                                reason="needs qemu-img, mkfs.vfat and mcopy")


@pytest.fixture(scope="module")
def encrypted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("qcowenc")
    raw = fat_image(folder / "fat.raw", {"/名簿.xlsx": leaked_workbook(seed=21)})
    qcow = folder / "disk.qcow2"
    command = ["qemu-img", "convert", "-q", "--object", "secret,id=s0,data=generated-pass", "-O", "qcow2", "-o",
               "encrypt.format=luks,encrypt.key-secret=s0,encrypt.iter-time=10", str(raw), str(qcow)]
    for _ in range(30):  # qemu's LUKS key-derivation timing fails now and then on a loaded machine ("Unable to get
        # accurate CPU usage"): a tool's calibration, not the image; tried again
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode == 0 or "accurate CPU usage" not in done.stderr:
            break
    assert done.returncode == 0, done.stderr
    raw.unlink()
    return qcow


def _scan(image: Path, out: Path) -> tuple[int, dict]:
    done = run_cli("scan", str(image), "--name", "名簿.xlsx", "--out", str(out), "--workers", "1", "--quiet")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("cut", [False, True])
def test_an_encrypted_qcow2_is_listed_encrypted_not_blank(encrypted: Path, tmp_path: Path, cut: bool) -> None:
    image = encrypted
    if cut:  # a copy stopped part-way: still encrypted, not "cannot open" nor read up to the cut
        image = tmp_path / "cut.qcow2"
        image.write_bytes(encrypted.read_bytes()[:encrypted.stat().st_size * 2 // 3])
    code, found = _scan(image, tmp_path / "out")
    rows = [r for r in found["skipped"] if r["reason"] == "encrypted"]
    assert rows, found["skipped"]
    codes = [c["code"] for r in rows for c in r["detail_codes"]]
    assert "qcow2-encrypted" in codes, codes
    assert "qemu-img convert" in rows[0]["detail"]
    assert not found["files"] and found["scan"]["complete"] is False and code == 2
    every = [c["code"] for r in found["skipped"] for c in r.get("detail_codes") or []]
    assert "nothing-walkable" not in every and "qcow2-cut-read-here" not in every, every
