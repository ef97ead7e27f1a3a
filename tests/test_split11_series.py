"""Session 11: a byte-split archive (``X.7z.001``, ``X.7z.002`` ... / ``X.zip.001`` ..., as 7-Zip, HJSplit and
``split`` cut them) whose parts are all in the folder is read as the one archive it is: its members are examined
(``X.7z.001 » 名簿.xlsx``) and the joined archive is hashed as one file. A series missing a part stays listed,
naming the part; ``.zNN`` alone (no ``X.zip`` beside) is no part of a spanned zip."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import zipfile
from pathlib import Path

import py7zr
from conftest import run_cli
from image_data import LEAKED, leaked_workbook

ROWS = 12


def _seven(book: bytes) -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", filters=[{"id": py7zr.FILTER_COPY}]) as z:  # stored: the parts cut the member
        z.writestr(book, f"data/{LEAKED}")
    return buf.getvalue()


def _zip(book: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(f"data/{LEAKED}", book)
    return buf.getvalue()


def _split(folder: Path, whole: str, data: bytes, parts: int = 3) -> list[Path]:
    """``split -b`` as a user does it (the same bytes 7-Zip's volumes or HJSplit give): X.7z.001 ..."""
    (folder / whole).write_bytes(data)
    size = -(-len(data) // parts)
    subprocess.run(["split", "-b", str(size), "-d", "-a", "3", "--numeric-suffixes=1", whole, f"{whole}."],
                   cwd=folder, check=True)
    (folder / whole).unlink()
    return sorted(folder.glob(f"{whole}.[0-9]*"))


def _scan(tmp_path: Path, src: Path, *extra: str) -> tuple[int, dict]:
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", LEAKED, "--out", str(out), "--quiet", *extra)
    return run.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_a_whole_7z_and_zip_series_are_read_joined(tmp_path: Path) -> None:
    book = leaked_workbook(rows=ROWS)
    src = tmp_path / "src"
    src.mkdir()
    seven, zipped = _seven(book), _zip(book)
    parts7 = _split(src, "名簿一式.7z", seven)
    partsz = _split(src, "backup.zip", zipped)
    assert len(parts7) == 3 and len(partsz) == 3
    known = tmp_path / "known.txt"  # the leaked archive as it was sent, before it was cut: its digest
    known.write_text(hashlib.sha256(seven).hexdigest() + "\n", encoding="utf-8")
    code, doc = _scan(tmp_path, src, "--known-hashes", str(known))
    files = {f["path"]: f for f in doc["files"]}
    for first in (parts7[0], partsz[0]):
        member = files[f"{first} » data/{LEAKED}"]
        assert member["pii"]["records"] == ROWS and member["status"] == "ok"
        hop = member["container"][0]
        assert hop["detail"]["joined_parts"] == 3
    # nothing of the series is listed unsupported: the parts are the archive, read whole
    parted = [s for s in doc["skipped"] if ".7z.0" in s["path"] or ".zip.0" in s["path"]]
    assert parted == [], parted
    # the joined archive hashed as one file: the known archive's digest finds it under its first part's name
    row = files[str(parts7[0])]
    assert row["sha256"] == hashlib.sha256(seven).hexdigest() and row["size"] == len(seven)
    assert "known-hash" in " ".join(row["reasons"]), row["reasons"]
    for p in parts7[1:]:  # the other parts (a hit by their name's 名簿 here): each its own bytes
        assert files[str(p)]["sha256"] == hashlib.sha256(p.read_bytes()).hexdigest()
    assert code == 1 and doc["scan"]["complete"] is True
    # persons --export reads the member again through the joined series (the walk's own entry)
    export = tmp_path / "persons.xlsx"
    again = run_cli("persons", str(tmp_path / "out"), "--export", str(export), "--sources", str(src))
    assert again.returncode == 0, again.stderr
    assert "INCOMPLETE" not in again.stderr and export.exists()


def test_a_series_missing_a_part_is_listed_naming_it(tmp_path: Path) -> None:
    book = leaked_workbook(rows=ROWS)
    src = tmp_path / "src"
    src.mkdir()
    parts = _split(src, "名簿一式.7z", _seven(book))
    parts[1].unlink()
    code, doc = _scan(tmp_path, src)
    listed = {s["path"]: s for s in doc["skipped"]}
    for p in (parts[0], parts[2]):
        row = listed[str(p)]
        assert row["reason"] == "unsupported"
        assert "missing: 名簿一式.7z.002" in row["detail"], row["detail"]
    # split12: read with the gap as zeros; the one member lies across it: it fails its check, never reads clean
    members = [f for f in doc["files"] if "»" in f["path"]]
    assert all(f["status"] != "ok" and not (f.get("pii") or {}).get("records") for f in members), members


def test_zNN_alone_is_no_spanned_part_but_beside_X_zip_it_is(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "game.z80").write_bytes(b"\x00" * 30000)  # a ZX Spectrum snapshot
    (src / "rom.z64").write_bytes(b"\x80\x37\x12\x40" + b"\x00" * 4000)  # an N64 ROM
    book = leaked_workbook(rows=ROWS)
    (src / "tmp.zip").write_bytes(_zip(book) + _zip(leaked_workbook(rows=ROWS + 1)))
    span = src / "span"
    span.mkdir()
    (span / "big.bin").write_bytes(os.urandom(200_000))
    subprocess.run(["zip", "-q", "-0", "-s", "64k", str(span / "set.zip"), "big.bin"], cwd=span, check=True)
    (span / "big.bin").unlink()
    (span / "set.z02").unlink()  # a spanned set with a part missing: listed, the part named
    (src / "tmp.zip").unlink()
    code, doc = _scan(tmp_path, src)
    listed = {s["path"]: s for s in doc["skipped"]}
    assert str(src / "game.z80") not in listed and str(src / "rom.z64") not in listed
    assert listed[str(span / "set.z01")]["reason"] == "unsupported"
    assert "spanned zip" in listed[str(span / "set.z01")]["detail"]
    assert "missing: set.z02" in listed[str(span / "set.z01")]["detail"]
    assert str(span / "set.zip") in listed  # its own end record names the parts it lacks


def test_a_whole_spanned_zip_is_read_joined(tmp_path: Path) -> None:
    """``zip -s`` (Info-ZIP; PKZIP and WinZip write the same layout): the members' offsets are per part, so the
    joined parts are read with each member moved to its own part; one member on the first part, one on the last."""
    work = tmp_path / "work"
    (work / "d").mkdir(parents=True)
    (work / "d" / LEAKED).write_bytes(leaked_workbook(rows=ROWS))
    (work / "d" / "noise.bin").write_bytes(os.urandom(150_000))
    (work / "d" / "z_last.xlsx").write_bytes(leaked_workbook(rows=ROWS, seed=77))
    src = tmp_path / "src"
    src.mkdir()
    subprocess.run(["zip", "-q", "-0", "-r", "-s", "64k", str(src / "送付.zip"), "d"], cwd=work, check=True)
    assert (src / "送付.z02").exists()
    code, doc = _scan(tmp_path, src)
    files = {f["path"]: f for f in doc["files"]}
    for name in (LEAKED, "z_last.xlsx"):
        member = files[f"{src / '送付.zip'} » d/{name}"]
        assert member["pii"]["records"] == ROWS and member["status"] == "ok", member
        assert member["container"][0]["detail"]["spanned"] is True
    assert not [s for s in doc["skipped"] if "送付" in s["path"]], doc["skipped"]
    assert doc["scan"]["complete"] is True
    # read again in this process (persons --export walks the folder again: the walk's own joined entry)
    export = tmp_path / "persons.xlsx"
    again = run_cli("persons", str(tmp_path / "out"), "--export", str(export), "--sources", str(src))
    assert again.returncode == 0 and "INCOMPLETE" not in again.stderr, again.stderr


def test_parts_inside_an_archive_are_joined(tmp_path: Path) -> None:
    """Inside an archive a folder's parts are grouped as a local folder's (split15; each part was listed "does not
    join" from Session 10 to 14): read joined, the workbook in them examined, every part named in the hop."""
    src = tmp_path / "src"
    src.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    parts = _split(work, "名簿一式.7z", _seven(leaked_workbook(rows=ROWS)))
    with zipfile.ZipFile(src / "転送.zip", "w") as zf:
        for p in parts:
            zf.write(p, p.name)
    code, doc = _scan(tmp_path, src)
    listed = {s["path"]: s for s in doc["skipped"]}
    assert not [k for k in listed if "名簿一式.7z" in k], listed
    hits = {f["path"]: f for f in doc["files"]}
    row = hits[f"{src / '転送.zip'} » {parts[0].name} » data/{LEAKED}"]
    assert row["pii"]["records"] == ROWS, row
    assert [p["name"] for p in row["container"][-1]["detail"]["parts"]] == [p.name for p in parts]
