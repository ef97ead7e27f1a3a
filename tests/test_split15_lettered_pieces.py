"""Zip and 7z archives cut by ``split`` or a file splitter with letters, two digits or ``.partN`` (Session 15,
split15).

GNU ``split -b`` names its pieces ``xaa xab`` (no prefix given), ``x.zip.aa x.zip.ab`` (``split -b 1M x.zip x.zip.``),
``x.zip.00 x.zip.01`` (``-d``); file splitters write ``x.7z.part1``. rar14 grouped such pieces only for formats
leakscan cannot read (each later piece listed); a zip or 7z cut so was examined piece by piece: the first as a zip
without its directory, the later ones ended as nothing or unread. Now a series whose first piece is a zip or a
7z by its content, complete (no piece missing, every piece but the last of one size), is joined and read as the
archive it is, whatever the naming. Damaged variants (a middle piece lost, the last one cut) end as records or a
listed reason.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import py7zr
from conftest import run_cli
from pii_data import csv_bytes, people, standard
from split_helpers import cut_into
from split_helpers import letters as _letters

N = 300


def _zip(data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("顧客.csv", (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _seven(data: bytes) -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as z:
        z.writestr(data, "顧客.csv")
    return buf.getvalue()


NAMINGS = {
    "x.zip.": lambda i: f"x.zip.{_letters(i)}",  # split -b N x.zip x.zip.
    "bare": lambda i: f"x{_letters(i)}",  # split -b N x.zip (default prefix x)
    "digits": lambda i: f"x.zip.{i:02d}",  # split -d
    "seven": lambda i: f"x.7z.{_letters(i)}",
    "part": lambda i: f"x.7z.part{i + 1}",  # file splitters
}


def _cut(folder: Path, naming: str, data: bytes, n: int = 3) -> list[Path]:
    return cut_into(folder, NAMINGS[naming], data, -(-len(data) // n))


def test_zip_and_7z_cut_with_letters_are_joined_and_read(tmp_path: Path) -> None:
    src = tmp_path / "src"
    table = csv_bytes(standard(people(N, seed=157)), "utf-8")
    zipped, seven = _zip(table), _seven(table)
    cuts = {naming: _cut(src / naming.strip("."), naming, seven if naming in ("seven", "part") else zipped)
            for naming in NAMINGS}
    gap = _cut(src / "gap", "x.zip.", zipped, 4)
    gap[1].unlink()
    short = _cut(src / "short", "seven", seven)
    short[-1].write_bytes(short[-1].read_bytes()[:-30])  # the 7z header cut: the last piece shorter
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    hits = {f["path"]: f for f in doc["files"]}
    listed = {s["path"]: s for s in doc["skipped"]}
    for naming, pieces in cuts.items():
        row = hits.get(f"{pieces[0]} » 顧客.csv")
        assert row is not None and row["pii"]["records"] == N, (naming, sorted(hits), sorted(listed))
        assert [p["name"] for p in row["container"][-1]["detail"]["parts"]] == [p.name for p in pieces]
        assert not [p for p in listed if p.startswith(str(pieces[0].parent))], naming
    for pieces in (gap, short):  # damaged: every piece ends as records or a listed reason
        for p in pieces:
            if p.exists():
                assert str(p) in listed or any(k.startswith(f"{p} » ") for k in (*hits, *listed)), (p, sorted(listed))
