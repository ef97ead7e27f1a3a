"""Reading a hit again through a disk image found inside a share (persons --export): the nested image's
files come in name batches and are read while the image is open, so the notification list holds the
persons the scan counted (it used to stop on an AttributeError, then find nobody)."""

from __future__ import annotations

from pathlib import Path

from conftest import run_leakscan
from image_data import fat_image, leaked_workbook
from openpyxl import load_workbook

LEAKED = "介護予防_利用者名簿.xlsx"


def test_export_reads_a_leaked_file_inside_a_nested_image_again(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    fat_image(share / "usb.img", {f"/docs/{LEAKED}": leaked_workbook()})
    out = tmp_path / "out"
    scan = run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet")
    assert scan.returncode == 1, scan.stderr
    target = tmp_path / "persons.xlsx"
    done = run_leakscan("persons", str(out), "--export", str(target), "--sources", str(share))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
    assert "missing" not in done.stderr and "not read again" not in done.stderr, done.stderr
    rows = list(load_workbook(target, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) - 1 == 30  # header + the workbook's 30 people, as the scan counted them
