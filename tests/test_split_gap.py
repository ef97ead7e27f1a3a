"""A raw image is split only when its name is part of a real split series (issue: audit S9, split_gap).
ddrescue and dc3dd write ``sda.log`` beside an unsplit ``sda.img``; ``.img`` and ``.log`` read as two
three-letter members of a GNU split series with 2,079 pieces missing between them, so the unsplit image was
reported as split and incomplete. A real gap (``disk.002`` gone between ``.001`` and ``.003``, ``.ab`` gone
beside ``.ac``) is still named, and a very long gap is named by its first few pieces and a count."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.sources.image_media import media_files


def _missing(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r.get("missing")]


@pytest.mark.parametrize("beside", ["sda.log", "sda.txt", "sda.md5", "sda.info", "sda.mapfile"])
def test_a_file_beside_an_unsplit_image_is_no_segment(tmp_path: Path, beside: str) -> None:
    image = tmp_path / "sda.img"
    image.write_bytes(b"\0" * 4096)
    (tmp_path / beside).write_text("# ddrescue mapfile / dc3dd log / hash\n", encoding="utf-8")
    rows = media_files("RAW", str(image))
    assert _missing(rows) == []
    assert [r["path"] for r in rows] == [str(image)]


def test_disk_img_with_its_notes_is_one_unsplit_image(tmp_path: Path) -> None:
    image = tmp_path / "disk.img"
    image.write_bytes(b"\0" * 4096)
    for name in ("disk.txt", "disk.md5", "disk.info", "disk.log"):
        (tmp_path / name).write_text("notes\n", encoding="utf-8")
    rows = media_files("RAW", str(image))
    assert _missing(rows) == []
    assert len(rows) == 1


def test_a_missing_middle_piece_of_a_real_split_is_named(tmp_path: Path) -> None:
    for name in ("disk.001", "disk.003"):
        (tmp_path / name).write_bytes(b"\0" * 512)
    rows = media_files("RAW", str(tmp_path / "disk.001"))
    assert [r["expected"] for r in _missing(rows)] == ["disk.002"]


def test_a_missing_gnu_split_piece_is_named(tmp_path: Path) -> None:
    for name in ("disk.img.aa", "disk.img.ac", "disk.img.log"):
        (tmp_path / name).write_bytes(b"\0" * 512)
    rows = media_files("RAW", str(tmp_path / "disk.img.aa"))
    assert [r["expected"] for r in _missing(rows)] == ["disk.img.ab"]


def test_a_long_gap_is_named_by_its_first_pieces_and_a_count(tmp_path: Path) -> None:
    for name in ("disk.001", "disk.500"):
        (tmp_path / name).write_bytes(b"\0" * 512)
    gone = _missing(media_files("RAW", str(tmp_path / "disk.001")))
    assert len(gone) <= 6, len(gone)
    assert gone[0]["expected"] == "disk.002"
    assert "498" in gone[-1]["expected"] and "disk.499" in gone[-1]["expected"], gone[-1]


def test_scan_of_an_unsplit_image_with_its_ddrescue_log_reports_no_missing_segment(tmp_path: Path) -> None:
    """From the CLI: sda.img (a small FAT file system) with sda.log beside it is read as one whole image."""
    import json

    from tests.conftest import run_leakscan
    from tests.image_data import LEAKED, fat_image

    image = fat_image(tmp_path / "sda.img", {"NOTE.TXT": b"evidence\n"}, size_mib=2, bits=12)
    (tmp_path / "sda.log").write_text("# Mapfile. Created by GNU ddrescue version 1.27\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet")
    assert "segment file missing" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert "segment file missing" not in json.dumps(doc)
    assert doc["scan"]["source_details"][0].get("segments", 1) == 1
