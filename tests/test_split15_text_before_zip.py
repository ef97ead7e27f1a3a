"""A table with a zip appended, under a ``.zip`` name (Session 15, split15; review14c #8).

``cat list.csv photos.zip > photos.zip`` (or a tool that appends an archive to a file): zipfile reads the zip past
the bytes before it, so the members were examined and the CSV in front never was: the file ended as a clean
archive. The bytes before the zip's first member are now a child of their own, ``(text before the zip).txt``, when
they are text, read as any text table. Damaged variants (the zip part cut, a flipped byte) end as records or a
listed reason.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli
from pii_data import csv_bytes, people, standard
from test_split15_series_in_archives import _zip

TABLE = csv_bytes(standard(people(300, seed=161)), "utf-8")


def test_a_table_before_an_appended_zip_is_read(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    archive = _zip({"memo.txt": b"photos attached\n" * 50})
    (src / "photos.zip").write_bytes(TABLE + archive)
    (src / "cut.zip").write_bytes((TABLE + archive)[:-10])  # its end of central directory cut
    flipped = bytearray(TABLE + archive)
    flipped[len(TABLE) + 40] ^= 0x08
    (src / "flip.zip").write_bytes(bytes(flipped))
    (src / "plain.zip").write_bytes(archive)  # no prefix: no extra child
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    hits = {f["path"]: f for f in doc["files"]}
    row = hits.get(f"{src / 'photos.zip'} » (text before the zip).txt")
    assert row is not None and row["pii"]["records"] == 300, sorted(hits)
    assert not [p for p in hits if p.startswith(f"{src / 'plain.zip'} » (")]
    paths = [*hits, *(s["path"] for s in doc["skipped"])]
    for name in ("cut.zip", "flip.zip"):
        at = str(src / name)
        assert any(p == at or p.startswith(f"{at} » ") for p in paths), name


def test_a_zip_before_an_appended_zip_is_read(tmp_path: Path) -> None:
    """review15f: ``cat a.zip b.zip > c.zip``: zipfile reads ``b.zip``'s directory only, and the bytes before it (no
    text) were dropped: ``a.zip``'s members ended as nothing (no hit, no listed row). Any file a zip was appended
    to is now a child ``(data before the zip)`` examined by its content; a self-extractor's program is not."""
    src = tmp_path / "src"
    src.mkdir()
    first = _zip({"会員.csv": TABLE})
    second = _zip({"memo.txt": b"photos attached\n" * 50})
    (src / "both.zip").write_bytes(first + second)
    (src / "setup.zip").write_bytes(b"MZ" + bytes(range(256)) * 8 + second)  # a program before its zip
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    hits = {f["path"]: f for f in doc["files"]}
    row = hits.get(f"{src / 'both.zip'} » (data before the zip) » 会員.csv")
    assert row is not None and row["pii"]["records"] == 300, sorted(hits)
    paths = [*hits, *(s["path"] for s in doc["skipped"])]
    assert not [p for p in paths if p.startswith(f"{src / 'setup.zip'} » (")], paths


def test_damaged_zips_before_a_zip_end_as_records_or_a_listed_reason(tmp_path: Path) -> None:
    """review15f: ``cat a.zip b.zip`` flipped and cut at several places: each ends as records (never more than the
    table holds) or a listed reason."""
    import random

    both = _zip({"会員.csv": TABLE}) + _zip({"memo.txt": b"photos attached\n" * 50})
    rng = random.Random(15)
    files = {}
    for k in range(5):
        raw = bytearray(both)
        raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        files[f"flip{k}.zip"] = bytes(raw)
    for k, cut in enumerate((30, len(both) // 2, len(both) - 300)):
        files[f"cut{k}.zip"] = both[:cut]
    src = tmp_path / "src"
    src.mkdir()
    for name, data in files.items():
        (src / name).write_bytes(data)
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    paths = [*(f["path"] for f in doc["files"]), *(s["path"] for s in doc["skipped"])]
    for name in files:
        at = str(src / name)
        assert any(p == at or p.startswith(f"{at} » ") for p in paths), name
        got = sum((f.get("pii") or {}).get("records") or 0 for f in doc["files"] if f["path"].startswith(f"{at} » "))
        assert got <= 300, name
