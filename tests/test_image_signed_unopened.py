"""A file that signs as a VM disk format at its start but that the format's library cannot open.

Found in session 7 QA (dynamic VHDs from qemu-img cut short, as a copy interrupted mid-way): the VHD
footer lives at the end of the file, so dfvfs no longer recognised the format and leakscan read the file
as a raw disk: "format: raw", "fs: no file system recognised", with no word of VHD or of truncation. The
examiner must be told what the file is and why it cannot be read (libvhdi's reason), as for a damaged E01.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import LEAKED, fat_image, leaked_workbook, qemu_convert

pytestmark = pytest.mark.skipif(not (shutil.which("qemu-img") and shutil.which("mcopy")),
                                reason="qemu-img and mtools are needed")


@pytest.fixture(scope="module")
def cut_vhd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cutvhd")
    fat = fat_image(tmp / "usb.raw", {f"/docs/{LEAKED}": leaked_workbook()}, size_mib=4, bits=12)
    vhd = qemu_convert(fat, tmp / "usb.vhd", "vpc", "-o", "subformat=dynamic")
    data = vhd.read_bytes()
    assert data.startswith(b"conectix") and data[512:520] == b"cxsparse"
    cut = tmp / "usb-cut.vhd"
    cut.write_bytes(data[: len(data) // 2])  # the footer at the end is gone
    return cut


def test_cut_dynamic_vhd_is_named_as_a_vhd_with_the_library_reason(cut_vhd: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(cut_vhd), "--name", LEAKED, "--out", str(out), "--quiet")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    (line,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("leakscan: error:")]
    assert "VHD" in line and "truncated" in line and "libvhdi" in line, line
    assert "no file system recognised" not in line
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [s["reason"] for s in doc["skipped"]] == ["source-error"]
    assert "VHD" in doc["skipped"][0]["detail"]


def test_cut_dynamic_vhd_inside_a_zip_is_listed_as_a_vhd(cut_vhd: Path, tmp_path: Path) -> None:
    archive = tmp_path / "vm.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(cut_vhd, "vm/disk")
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(archive), "--name", LEAKED, "--out", str(out), "--quiet")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    (row,) = [s for s in doc["skipped"] if s["path"].startswith(f"{archive} » vm/disk")]
    assert "VHD" in row["detail"] and "truncated" in row["detail"], row
    assert "leakscan-images-" not in json.dumps(doc)
