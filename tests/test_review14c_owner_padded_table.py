"""A small table padded with spaces to an Office owner file's size, under a ``~$`` name (review14c).

split14 took any ``~$`` file of 162 or 165 bytes with 30 % NUL or space as an owner file whose name cannot be
read: a 165-byte CSV of two people, with no header words, padded with spaces (a fixed-width export) was then
neither read nor listed: it ended as nothing (before split14: a hit, 2 records). Text rows with line ends and no
control byte are no owner file's layout.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli


def test_a_space_padded_table_of_an_owner_files_size_is_read(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    rows = "山田 太郎,東京都千代田区丸の内1-1-1,090-1234-5678\r\n佐藤 花子,大阪府大阪市北区梅田2-2-2,080-2345-6789\r\n"
    for size in (162, 165):
        (src / f"~$list{size}.csv").write_bytes(rows.encode("cp932").ljust(size, b" "))
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    files = {Path(f["path"]).name: f for f in doc["files"]}
    for size in (162, 165):
        assert files[f"~$list{size}.csv"]["pii"]["records"] == 2, (files, doc["skipped"])


def test_a_small_headerless_table_starting_with_a_digit_is_read(tmp_path: Path) -> None:
    """(review14c, from Session 13) Its first byte (``1``: 49) read as an owner file's name length and the row
    after it as the user name: the table ended as nothing. An owner file always holds a control byte (the name
    length below 32, or the NUL high byte of the UTF-16 copy's length); text rows hold none."""
    src = tmp_path / "src"
    src.mkdir()
    rows = ("1,山田 太郎,東京都千代田区丸の内1-1-1,090-1234-5678\n2,佐藤 花子,大阪府大阪市北区梅田2-2-2,080-2345-6789\n"
            "3,鈴木 一郎,愛知県名古屋市中区栄3-3-3,070-3456-7890\n")
    for enc in ("cp932", "utf-8"):
        (src / f"~$t_{enc}.csv").write_bytes(rows.encode(enc))
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    files = {Path(f["path"]).name: f for f in doc["files"]}
    for enc in ("cp932", "utf-8"):
        assert files[f"~$t_{enc}.csv"]["pii"]["records"] == 3, (files, doc["skipped"])
