"""A stored CSV member of a split zip whose first part is lost (Session 14, split14; review13e #8).

A zip series with ``.001`` lost is read with the lost part as zeros (split12): a member wholly in the parts that
remain is read, but a stored (uncompressed) member that began in ``.001`` gave 0 records (``BadZipFile: Bad
magic number``) although its rows lie as plain text in part 2. Its bytes after the zeros up to the next member's
header are read from the first line start (the same rule as the ``.001``-lost text series): records, ``corrupt``
``zip-stored-start-lost``. A deflated member cannot be read so (a raw deflate stream cannot be entered mid-way):
listed as before. Damaged variants (a flipped byte, a cut part) end as records or a listed reason.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from conftest import run_cli
from pii_data import csv_bytes, people, standard

A = csv_bytes(standard(people(600, seed=81)), "utf-8")
B = csv_bytes(standard(people(300, seed=82)), "utf-8")


def series(folder: Path, method: int, drop: tuple[int, ...] = (0,)) -> list[Path]:
    """``list.zip`` of two CSV members cut into 4 parts (``split -b``), the parts in ``drop`` lost."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        z.writestr(zipfile.ZipInfo("名簿A.csv", (2024, 1, 1, 0, 0, 0)), A, method)
        z.writestr(zipfile.ZipInfo("名簿B.csv", (2024, 1, 1, 0, 0, 0)), B, method)
    data = buf.getvalue()
    size = -(-len(data) // 4)
    folder.mkdir(parents=True)
    paths = []
    for i in range(4):
        if i not in drop:
            (p := folder / f"list.zip.{i + 1:03d}").write_bytes(data[i * size:(i + 1) * size])
            paths.append(p)
    return paths


def test_a_stored_member_beginning_in_a_lost_first_part_is_read_from_the_parts_that_remain(tmp_path: Path) -> None:
    src = tmp_path / "src"
    series(src / "stored", zipfile.ZIP_STORED)
    series(src / "deflated", zipfile.ZIP_DEFLATED, drop=(0,))
    flipped = series(src / "flipped", zipfile.ZIP_STORED)
    raw = bytearray(flipped[0].read_bytes())
    raw[len(raw) // 2] ^= 0x5A
    flipped[0].write_bytes(bytes(raw))
    cut = series(src / "cut", zipfile.ZIP_STORED)
    cut[0].write_bytes(cut[0].read_bytes()[:-999])
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    hits = {f["path"]: f for f in doc["files"]}
    skipped: dict[str, list[dict]] = {}
    for s in doc["skipped"]:
        skipped.setdefault(s["path"], []).append(s)

    a = f"{src / 'stored' / 'list.zip.002'} » 名簿A.csv"
    assert 200 < hits[a]["pii"]["records"] < 600, hits.get(a)
    assert "zip-stored-start-lost" in {c["code"] for s in skipped[a] for c in s.get("detail_codes", [])}
    assert hits[f"{src / 'stored' / 'list.zip.002'} » 名簿B.csv"]["pii"]["records"] == 300

    deflated = f"{src / 'deflated' / 'list.zip.002'} » 名簿A.csv"
    assert [s["reason"] for s in skipped[deflated]] == ["corrupt"]  # listed, as before

    for folder in ("stored", "deflated", "flipped", "cut"):  # every part ends as records or a listed reason
        for part in (src / folder).iterdir():
            seen = [p for p in (*hits, *skipped) if p == str(part) or p.startswith(f"{part} » ")]
            assert seen, f"{folder}/{part.name} ended as nothing"
