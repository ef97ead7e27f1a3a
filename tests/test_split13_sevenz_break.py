"""A 7z member whose LZMA / LZMA2 data breaks keeps what decoded before the break (Session 13, split13).

py7zr decodes a block of packed data per call and a stream that breaks inside that call gives nothing of it: a
list of 300 people in a 10 KB 7z with one byte flipped half way kept 0 records (listed ``corrupt``,
"LZMAError: Corrupt input data"). The member is extracted once more with its packed data given a little per
read (a short-reading stream, py7zr's public input): the rows before the break are counted, the member listed
``corrupt`` saying where its data breaks. PPMd: pyppmd answers the same flip with a MemoryError after writing
33 KB: it was listed ``too-large`` ("out of memory while inflating") with those bytes dropped (0 records); a
MemoryError on a member within the in-memory cap is damage: ``corrupt``, the bytes written kept (not given to
pyppmd again).
"""

from __future__ import annotations

import json
from pathlib import Path

import py7zr
import pytest
from archive_data import seven_zip_fixed
from conftest import run_cli
from pii_data import csv_bytes, people, standard


@pytest.mark.parametrize("method", ["lzma2", "lzma", "ppmd"])
def test_a_7z_member_breaking_half_way_keeps_the_rows_before_the_break(tmp_path: Path, method: str) -> None:
    table = csv_bytes(standard(people(300, seed=51)), "utf-8")
    filters = {"lzma2": py7zr.FILTER_LZMA2, "lzma": py7zr.FILTER_LZMA, "ppmd": py7zr.FILTER_PPMD}[method]
    data = bytearray(seven_zip_fixed({"名簿.csv": table}, [{"id": filters}]))
    header = 32 + int.from_bytes(data[12:20], "little")  # the packed data lies between byte 32 and the header
    data[32 + (header - 32) // 2] ^= 0xFF
    rows, skipped, member = scan_one_7z(tmp_path, bytes(data))
    assert 0 < rows[member]["pii"]["records"] < 300, rows.get(member)
    assert skipped[member]["reason"] == "corrupt", skipped.get(member)
    assert "member-breaks-after" in {c["code"] for c in skipped[member]["detail_codes"]}, skipped[member]


def scan_one_7z(tmp_path: Path, data: bytes) -> tuple[dict[str, dict], dict[str, dict], str]:
    """Scan a folder holding ``data`` as a.7z: its hits and skips by path, and the path of its 名簿.csv member."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.7z").write_bytes(data)
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {f["path"]: f for f in doc["files"]}, {s["path"]: s for s in doc["skipped"]}, f"{src / 'a.7z'} » 名簿.csv"
