"""review12c: split series under hostile names and sources (split12 review).

A byte-split CSV whose name is not UTF-8 (``名簿.csv.001`` ... written in cp932 by a Japanese Windows machine) was not
joined: the walk decodes such a name (cp932) before it asks for the file's series, which is keyed by the raw
(surrogate-escaped) name, so ``.001`` was "named like a disk image" (unread) and ``.002`` ... ended as nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import run_cli
from test_split12_partial import _complete_lines, _csv

RAW = "名簿".encode("cp932")  # not UTF-8


def _write_parts(folder: Path, data: bytes, parts: int, drop: int | None = None) -> list[bytes]:
    """``split -b`` of ``data`` under the cp932 name; part ``drop`` (1-based) left out. Raw paths of those written."""
    folder.mkdir()
    size = -(-len(data) // parts)
    written = []
    for k in range(parts):
        path = os.fsencode(folder) + b"/" + RAW + b".csv.%03d" % (k + 1)
        if k + 1 == drop:
            continue
        with open(path, "wb") as f:
            f.write(data[k * size:(k + 1) * size])
        written.append(path)
    return written


def test_a_split_csv_with_a_name_that_is_not_utf8_is_joined(tmp_path: Path) -> None:
    data = _csv(300, seed=77)
    src = tmp_path / "src"
    src.mkdir()
    whole = _write_parts(src / "whole", data, 3)
    gap = _write_parts(src / "gap", data, 4, drop=3)
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    files = {f["path"]: f for f in doc["files"]}
    listed = {s["path"]: s for s in doc["skipped"]}
    shown = {p: p.decode("cp932") for p in whole + gap}
    first = files.get(os.fsdecode(os.fsencode(src)) + "/whole/" + shown[whole[0]].rsplit("/", 1)[-1])
    assert first is not None and first["pii"]["records"] == 300, (sorted(files), sorted(listed))
    rows = [files.get(shown[p]) for p in gap]
    assert rows[0] is not None and rows[0]["pii"]["records"] == _complete_lines(data[:2 * -(-len(data) // 4)],
                                                                                skip_first=True), rows[0]
    for p in gap:  # every part present read or listed, naming the missing one
        assert shown[p] in listed and "csv.003" in listed[shown[p]]["detail"], (shown[p], sorted(listed))
    assert "read joined with part 1" in listed[shown[gap[1]]]["detail"], listed[shown[gap[1]]]
