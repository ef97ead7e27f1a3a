"""Split series inside an archive are joined as in a folder (Session 15, split15).

An insider copies a client list out as ``x.7z.001``, ``x.7z.002`` ... and packs the pieces in one zip (or a tar):
before, every piece was listed "leakscan does not join the parts of an archive", the list unread. Now the pieces
that lie in one folder of the archive are grouped by ``split_series`` (the rule a local folder and a share use) and
read joined, under the archive's caps (every piece inflated is charged to the top-level archive's budget; a joined
archive inside is opened under that same budget). The joined archive's hop names every piece with its size and
digests (``container[].detail.parts``). Damaged variants (a piece missing, a piece cut, a flipped byte) end as
records or a listed reason, never as nothing.
"""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import py7zr
from conftest import run_cli
from pii_data import csv_bytes, people, standard
from split_helpers import scan_folder

N = 300


def _seven(data: bytes, name: str = "顧客.csv") -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as z:
        z.writestr(data, name)
    return buf.getvalue()


def _pieces(data: bytes, whole: str, n: int) -> dict[str, bytes]:
    size = -(-len(data) // n)
    return {f"{whole}.{i + 1:03d}": data[i * size:(i + 1) * size] for i in range(n)}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1700000000
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _scan(tmp_path: Path, src: Path) -> tuple[dict, dict]:
    return scan_folder(tmp_path, src)


def test_pieces_of_a_7z_inside_a_zip_or_tar_are_joined_and_read(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    table = csv_bytes(standard(people(N, seed=151)), "utf-8")
    pieces = _pieces(_seven(table), "x.7z", 3)
    (src / "送付.zip").write_bytes(_zip({f"out/{k}": v for k, v in pieces.items()}))
    (src / "送付.tar").write_bytes(_tar(pieces))
    plain = _pieces(table, "名簿.csv", 3)  # a CSV cut by split: joined as X.csv, every row read
    (src / "plain.zip").write_bytes(_zip(plain))
    hits, skipped = _scan(tmp_path, src)

    row = hits[f"{src / '送付.zip'} » out/x.7z.001 » 顧客.csv"]
    assert row["pii"]["records"] == N
    hop = row["container"][-1]["detail"]
    assert hop["joined_parts"] == 3
    assert [p["name"] for p in hop["parts"]] == list(pieces)  # provenance: every piece named, with its digests
    assert [p["size"] for p in hop["parts"]] == [len(v) for v in pieces.values()]
    import hashlib

    assert [p["sha256"] for p in hop["parts"]] == [hashlib.sha256(v).hexdigest() for v in pieces.values()]
    assert hits[f"{src / '送付.tar'} » x.7z.001 » 顧客.csv"]["pii"]["records"] == N
    assert not [p for p in skipped if "x.7z.00" in p], skipped  # no piece listed "not joined"
    joined = hits[f"{src / 'plain.zip'} » 名簿.csv.001"]
    assert joined["pii"]["records"] == N
    assert joined["annotations"]["joined_parts"] == list(plain)


def test_damaged_pieces_inside_an_archive_end_as_records_or_a_listed_reason(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    table = csv_bytes(standard(people(N, seed=152)), "utf-8")
    seven = _seven(table)
    pieces = _pieces(seven, "x.7z", 3)
    gap = dict(pieces)
    del gap["x.7z.002"]
    (src / "gap.zip").write_bytes(_zip(gap))
    cut = dict(pieces)
    cut["x.7z.003"] = cut["x.7z.003"][:-40]  # the 7z header cut
    (src / "cut.zip").write_bytes(_zip(cut))
    flipped = bytearray(seven)
    flipped[len(seven) // 3] ^= 0x20
    (src / "flip.zip").write_bytes(_zip(_pieces(bytes(flipped), "x.7z", 3)))
    lone = {"x.7z.002": pieces["x.7z.002"]}
    (src / "lone.zip").write_bytes(_zip(lone))
    hits, skipped = _scan(tmp_path, src)
    named = {(row["container"][0]["name"], p["name"]) for row in (*hits.values(), *(s for v in skipped.values() for s in v))
             for hop in row.get("container") or [] for p in (hop.get("detail") or {}).get("parts") or []}
    for archive, names in (("gap.zip", gap), ("cut.zip", cut), ("flip.zip", pieces), ("lone.zip", lone)):
        for name in names:  # its own row, a row inside it, or named as read in its series' row
            at = f"{src / archive} » {name}"
            assert (at in skipped or at in hits or any(p.startswith(f"{at} » ") for p in (*hits, *skipped))
                    or (str(src / archive), name) in named), at
    assert hits[f"{src / 'flip.zip'} » x.7z.001 » 顧客.csv"]["status"] == "corrupt"
    # a piece missing: the series is read with its gap as zeros and listed naming the missing piece
    said = " ".join(s["detail"] for s in skipped[f"{src / 'gap.zip'} » x.7z.001"])
    assert "x.7z.002" in said, said


def test_a_series_joined_inside_an_archive_shares_its_budget(tmp_path: Path) -> None:
    """The pieces of a zip inside a zip: the joined zip's members inflate under the outer archive's
    ``--max-archive-mb`` (its budget is the top-level archive's), never under a fresh one."""
    src = tmp_path / "src"
    src.mkdir()
    import random

    fill = random.Random(153).randbytes(3 << 20)  # incompressible: no ratio check fires, only the budget
    inner = _zip({"a.csv": csv_bytes(standard(people(40, seed=153)), "utf-8"), "fill.bin": fill})
    (src / "box.zip").write_bytes(_zip(_pieces(inner, "y.zip", 2)))
    out = tmp_path / "out"
    run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet", "--max-archive-mb", "5")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    said = {s["path"]: s["reason"] for s in doc["skipped"]}
    # the pieces (3 MiB) and the member (3 MiB) inflate past 5 MiB of one budget (each alone within it)
    assert said.get(f"{src / 'box.zip'} » y.zip.001 » fill.bin") == "too-large", said
    files = {f["path"]: f for f in doc["files"]}
    assert files[f"{src / 'box.zip'} » y.zip.001 » a.csv"]["pii"]["records"] == 40


def test_pieces_inside_a_disk_image_found_in_a_folder_are_joined(tmp_path: Path) -> None:
    """A disk image met in a folder is walked in a worker like an archive: its folders' pieces are grouped and
    joined the same way (a SOURCE image's walker process streams its files: not grouped yet, each piece listed)."""
    from image_data import fat_image

    src = tmp_path / "src"
    src.mkdir()
    table = csv_bytes(standard(people(N, seed=163)), "utf-8")
    pieces = _pieces(_seven(table), "x.7z", 3)
    fat_image(src / "usb.img", {f"/A/{k}": v for k, v in pieces.items()})
    hits, skipped = _scan(tmp_path, src)
    row = next((f for p, f in hits.items() if p.endswith("/A/x.7z.001 » 顧客.csv")), None)
    assert row is not None and row["pii"]["records"] == N, (sorted(hits), sorted(skipped))
    assert [p["name"] for p in row["container"][-1]["detail"]["parts"]] == list(pieces)
    assert not [p for p in skipped if "x.7z.00" in p], skipped


def test_pieces_inside_a_source_disk_image_are_joined(tmp_path: Path) -> None:
    """A disk image given as the SOURCE is walked by a walker process that streams each folder's files: the pieces
    it read whole (each within --max-inspect-mb) are grouped and joined by the scan as a folder's are."""
    from image_data import fat_image

    table = csv_bytes(standard(people(N, seed=164)), "utf-8")
    pieces = _pieces(_seven(table), "x.7z", 3)
    plain = _pieces(table, "名簿.csv", 3)
    gap = {k: v for k, v in _pieces(_seven(table), "y.7z", 3).items() if k != "y.7z.002"}  # damaged: a piece lost
    disk = fat_image(tmp_path / "usb.img", {**{f"/A/{k}": v for k, v in pieces.items()},
                                            **{f"/B/{k}": v for k, v in plain.items()},
                                            **{f"/C/{k}": v for k, v in gap.items()}})
    out = tmp_path / "out"
    run = run_cli("scan", str(disk), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    hits = {f["path"]: f for f in doc["files"]}
    row = next((f for p, f in hits.items() if p.endswith("/A/x.7z.001 » 顧客.csv")), None)
    assert row is not None and row["pii"]["records"] == N, (sorted(hits), [s["path"] for s in doc["skipped"]])
    assert [p["name"] for p in row["container"][-1]["detail"]["parts"]] == list(pieces)
    joined = next(f for p, f in hits.items() if p.endswith("/B/名簿.csv.001"))
    assert joined["pii"]["records"] == N and joined["annotations"]["joined_parts"] == list(plain)
    assert not [s for s in doc["skipped"] if "x.7z.00" in s["path"] or "名簿.csv.00" in s["path"]], doc["skipped"]
    said = " ".join(s["detail"] for s in doc["skipped"] if s["path"].endswith("/C/y.7z.001"))
    assert "y.7z.002" in said, doc["skipped"]  # read with its gap as zeros, the lost piece named
    paths = [*hits, *(s["path"] for s in doc["skipped"])]
    assert any(p.endswith("/C/y.7z.003") or "/C/y.7z.003 » " in p for p in paths) or "y.7z.003" in json.dumps(doc)
