"""A UTF-16LE CSV cut into parts with one part missing: the run after the gap (review13e).

Excel's "Unicode text" and many exports are UTF-16LE with a BOM. ``split -b`` cuts it anywhere; with a part lost,
the run after the gap was cut after its first ``\\n`` byte, one byte before the end of the UTF-16LE line end
(``\\n\\x00``): every character after it read one byte off, no person counted (0 of ~130), the run listed
``corrupt`` only. Under ``list.zip.NNN`` (split13, joined by its content) and ``名簿.csv.NNN`` (split12) alike.
UTF-16BE and cp932 (their line ends are one byte from a character's end) read as before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from pii_data import csv_bytes, people, standard

N = 300


@pytest.mark.parametrize("whole", ["list.zip", "名簿.csv"])
def test_a_utf16le_run_after_a_missing_part_is_read(tmp_path: Path, whole: str) -> None:
    data = b"\xff\xfe" + csv_bytes(standard(people(N, seed=71)), "utf-16-le")
    size = 10001  # odd: parts start at odd and even offsets, characters cut across parts
    src = tmp_path / "src"
    src.mkdir()
    parts = []
    for i in range(-(-len(data) // size)):
        p = src / f"{whole}.{i + 1:03d}"
        p.write_bytes(data[i * size:(i + 1) * size])
        parts.append(p)
    assert len(parts) >= 5
    parts[2].unlink()
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = {f["path"]: f for f in doc["files"]}
    skipped = {s["path"]: s for s in doc["skipped"]}

    def records(p: Path) -> int:
        return ((rows.get(str(p)) or {}).get("pii") or {}).get("records") or 0

    before, after = records(parts[0]), records(parts[3])
    assert before > N // 5, rows.get(str(parts[0]))
    assert after > N // 5, (rows.get(str(parts[3])), skipped.get(str(parts[3])))
    assert before + after < N
    assert all(str(p) in skipped for p in (parts[0], parts[1], parts[3], parts[4]))
