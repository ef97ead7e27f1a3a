"""A zip behind a shell stub (a Unix self-extractor: a script, then the zip) cut into parts (Session 14, split14).

``setup.zip.001`` begins as text (the script) and the series ends with a zip's end of central directory: it was
listed part by part ("leakscan does not join ..."), its members unread. Now the parts are joined and read as the
zip they are (zipfile reads past bytes before the first local header). Damaged variants: a middle part lost, the
last part cut, a byte flipped in a member's data: every part ends as records or a listed reason.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from conftest import run_cli
from pii_data import csv_bytes, people, standard

STUB = b"#!/bin/sh\n" + b"# self-extracting archive: run with sh\n" * 20 + b'unzip -o "$0"; exit 0\n'


def stub_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("名簿.csv", (2024, 1, 1, 0, 0, 0)), csv_bytes(standard(people(240, seed=91)), "utf-8"),
                   zipfile.ZIP_DEFLATED)
        z.writestr(zipfile.ZipInfo("会員.csv", (2024, 1, 1, 0, 0, 0)), csv_bytes(standard(people(60, seed=92)), "utf-8"),
                   zipfile.ZIP_DEFLATED)
    return STUB + buf.getvalue()


def cut(folder: Path, data: bytes, parts: int = 3) -> list[Path]:
    folder.mkdir(parents=True)
    size = -(-len(data) // parts)
    out = []
    for i in range(parts):
        (p := folder / f"setup.zip.{i + 1:03d}").write_bytes(data[i * size:(i + 1) * size])
        out.append(p)
    return out


def test_a_zip_behind_a_shell_stub_cut_into_parts_is_joined_and_read(tmp_path: Path) -> None:
    src = tmp_path / "src"
    data = stub_zip()
    whole = cut(src / "whole", data)
    gap = cut(src / "gap", data)
    gap[1].unlink()
    short = cut(src / "short", data)
    short[-1].write_bytes(short[-1].read_bytes()[:-30])  # its end of central directory cut
    flipped = bytearray(data)
    flipped[len(STUB) + 200] ^= 0x40  # inside the first member's deflate data
    flip = cut(src / "flip", bytes(flipped))
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    hits = {f["path"]: f for f in doc["files"]}
    skipped = {s["path"] for s in doc["skipped"]}

    assert hits[f"{whole[0]} » 名簿.csv"]["pii"]["records"] == 240
    assert hits[f"{whole[0]} » 会員.csv"]["pii"]["records"] == 60
    assert not any(str(p) in skipped for p in whole)
    assert hits[f"{whole[0]} » 名簿.csv"]["container"][0]["detail"]["joined_parts"] == 3
    assert hits[f"{gap[0]} » 会員.csv"]["pii"]["records"] == 60  # wholly in the parts present
    assert 0 < hits[f"{gap[0]} » 名簿.csv"]["pii"]["records"] < 240
    assert hits[f"{flip[0]} » 会員.csv"]["pii"]["records"] == 60
    assert f"{flip[0]} » 名簿.csv" in skipped
    # a part joined to its first part has no row of its own (the first part's say joined_parts); each series
    # ends as records or a listed reason (the cut one, its end of central directory lost, is read by its content)
    for parts in (whole, gap, short, flip):
        first = parts[0]
        assert [p for p in (*hits, *skipped) if p == str(first) or p.startswith(f"{first} » ")], first.parent.name
