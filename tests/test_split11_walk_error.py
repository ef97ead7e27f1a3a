"""Session 11: a file system whose walk raised part-way (the library failed mid-walk: image.py lists the volume
``corrupt`` "pN: walk stopped (...)") hides the rest of that file system: the scan is incomplete (review10g #7)."""

from __future__ import annotations

from pathlib import Path

from conftest import run_leakscan
from image_data import LEAKED, WALK_FAULTS, fat_image, leaked_workbook
from remediation_data import load, with_case_key


def test_a_walk_that_raised_mid_way_makes_the_scan_incomplete(tmp_path: Path) -> None:
    book = leaked_workbook(rows=5)
    image = fat_image(tmp_path / "disk.img", {f"/A/{LEAKED}": book, "/B/LEAKSCAN-WALK-OSERR.TXT": b"marker",
                                              f"/C/{LEAKED}": book})
    site = tmp_path / "site"
    site.mkdir()
    # pytsk3's entries of a directory holding LEAKSCAN-WALK-OSERR raise OSError when their metadata is read: the
    # error escapes the per-directory listing (it is raised while the walk goes through the listed entries)
    (site / "sitecustomize.py").write_text(WALK_FAULTS, encoding="utf-8")
    out = with_case_key(tmp_path / "out")
    done = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet",
                        env={"PYTHONPATH": str(site)}, timeout=300)
    doc = load(out)
    [stop] = [s for s in doc["skipped"] if "walk stopped" in (s.get("detail") or "")]
    assert stop["reason"] == "corrupt" and "injected" in stop["detail"]
    assert done.returncode == 3, done.stderr
    assert doc["scan"]["complete"] is False
    assert stop["path"] in {u["path"] for u in doc["scan"]["incomplete"]["unlisted"]}
    assert "INCOMPLETE" in done.stderr
