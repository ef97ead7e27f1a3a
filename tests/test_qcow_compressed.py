"""A compressed QCOW2 (``qemu-img convert -c``, common for archived VMs): libqcow reads some of its compressed clusters
as zeros, without an error (review17f #4; a 64 MiB FAT32 with one file loses its root
directory: an empty volume, exit 0; an ext4 three clusters).
A volume there was walked as read and the scan said complete. Now image_qcow.compressed_misread inflates each
compressed cluster itself (raw deflate, as qemu reads it) and compares: any that libqcow reads otherwise is listed
`qcow2-compressed-misread` and the scan is incomplete. Our inflate is checked against ``qemu-img convert -O raw``."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from scanner.backends import load
from scanner.sources.image_qcow import compressed_misread
from tests.conftest import run_cli

LEAKED = "meibo.csv"
CONTENT = b"id,name\n1,leaked\n"


@pytest.fixture(scope="module")
def fat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("qcow_compressed")
    img, leaked = where / "fat.img", where / LEAKED
    leaked.write_bytes(CONTENT)
    os.utime(leaked, (1577836800, 1577836800))
    with open(img, "wb") as f:
        f.truncate(64 << 20)
    # the same bytes on every run (no random volume id, no clock): which clusters libqcow misreads hangs on where
    # qemu packs each compressed cluster; with these, FAT's root directory (1 MiB) is one, so the volume was empty
    subprocess.run(["mkfs.vfat", "--invariant", "-i", "1234abcd", "-F", "32", str(img)], check=True,
                   capture_output=True)
    subprocess.run(["mcopy", "-m", "-i", str(img), str(leaked), f"::{LEAKED}"], check=True, capture_output=True)
    for name, extra in (("packed.qcow2", ["-c"]), ("plain.qcow2", [])):
        subprocess.run(["qemu-img", "convert", "-q", *extra, "-O", "qcow2", str(img), name], check=True, cwd=where)
    subprocess.run(["qemu-img", "convert", "-q", "-O", "raw", "packed.qcow2", "back.raw"], check=True, cwd=where)
    return where


def _misread(image: Path, read_disk: object) -> tuple[int, int] | None:
    fd = os.open(image, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        return compressed_misread(lambda o, n: os.pread(fd, max(0, min(n, size - o)), o) if 0 <= o < size else b"",
                                  size, read_disk)  # type: ignore[arg-type]
    finally:
        os.close(fd)


def test_our_inflate_reads_as_qemu_and_libqcow_does_not(fat: Path) -> None:
    raw = (fat / "back.raw").read_bytes()
    assert _misread(fat / "packed.qcow2", lambda o, n: raw[o:o + n]) is None  # qemu's bytes: every cluster alike
    qcow = load("pyqcow").file()
    qcow.open(str(fat / "packed.qcow2"))
    try:
        found = _misread(fat / "packed.qcow2", lambda o, n: qcow.read_buffer_at_offset(n, o))
    finally:
        qcow.close()
    assert found is not None and found[0] >= 1, found
    assert _misread(fat / "plain.qcow2", lambda o, n: raw[o:o + n]) is None  # no compressed cluster at all


def test_a_compressed_qcow2_libqcow_misreads_is_an_incomplete_scan(fat: Path, tmp_path: Path) -> None:
    """Before: exit 1 (or 0 when the cluster lost was FAT's root directory), complete, nothing said."""
    proc = run_cli("scan", str(fat / "packed.qcow2"), str(fat / "plain.qcow2"), "--name", LEAKED,
                   "--out", str(tmp_path / "out"), "--quiet", timeout=180)
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert proc.returncode in (2, 3) and doc["scan"]["complete"] is False, proc.stderr
    rows = [(s["source"], [c["code"] for c in s.get("detail_codes", [])], s["detail"]) for s in doc["skipped"]]
    said = [(codes, detail) for source, codes, detail in rows if codes[:1] == ["qcow2-compressed-misread"]]
    assert len(said) == 1 and said[0][1].startswith("packed.qcow2: "), rows
    assert "compressed cluster(s) (qemu-img convert -c)" in said[0][1], said
    assert not [r for r in rows if r[0] == str(fat / "plain.qcow2")], rows  # the same disk uncompressed: read, no row
    assert any(f["source"] == str(fat / "plain.qcow2") and f["path"].endswith(f"/{LEAKED}") for f in doc["files"])
