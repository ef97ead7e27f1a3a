"""sweep24: the merged session 24 run whole on inputs nobody in the session made (NOTES-sweep24.md).

1. A person CSV cut by GNU ``split -n 4`` (equal chunks, the last longer by the remainder) whose second piece is
   missing: its ``.003``/``.004`` (the rows after the gap) were not read (``split-piece-unjoined``, before session 24
   on no line) and ``.001`` was read alone as a ``not-a-disk-image``: the last piece, longer than the first by fewer
   bytes than there are pieces, was taken for a rotated log's because ``split -n``'s chunks were only recognised with
   no piece missing. The README says what the parts present hold is read, on each side of the gap.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan
from document_data import people_rows
from pii_data import csv_bytes


def _scan(out: Path, *sources: str) -> dict[str, Any]:
    done = run_leakscan("scan", *sources, "--out", str(out), "--workers", "1", "--quiet", timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


@pytest.mark.skipif(not __import__("shutil").which("split"), reason="needs GNU split")
def test_split_n_chunks_with_a_piece_missing_are_read_on_both_sides(tmp_path: Path) -> None:
    """``split -n 4`` of a 200-person cp932 roster, ``.002`` lost: the rows of ``.001`` and of ``.003`` + ``.004``
    (joined from their first line end) are read and each piece says the missing one."""
    whole = csv_bytes(people_rows(200, seed=2331), "cp932")
    if not len(whole) % 4:  # a length no multiple of 4: the last chunk longer than the others
        whole += b"\r\n"
    assert len(whole) % 4
    ev = tmp_path / "evidence"
    ev.mkdir()
    (tmp_path / "roster.csv").write_bytes(whole)
    subprocess.run(["split", "-n", "4", "-a", "3", "--numeric-suffixes=1", str(tmp_path / "roster.csv"),
                    str(ev / "roster.csv.")], check=True)
    (ev / "roster.csv.002").unlink()
    sizes = [(ev / f"roster.csv.00{k}").stat().st_size for k in (1, 3, 4)]
    assert sizes[0] == sizes[1] < sizes[2], sizes
    doc = _scan(tmp_path / "out", str(ev))
    read = {f["path"].rsplit("/", 1)[1]: f["pii"]["records"] for f in doc["files"] if f.get("pii")}
    said = {s["path"].rsplit("/", 1)[1]: [c["code"] for c in s.get("detail_codes") or []] for s in doc["skipped"]}
    assert set(read) == {"roster.csv.001", "roster.csv.003"}, (read, said)
    assert read["roster.csv.003"] >= 90, read
    assert {n: c[:1] for n, c in said.items()} == {f"roster.csv.00{k}": ["split-series-partly-read"]
                                                    for k in (1, 3, 4)}, said
