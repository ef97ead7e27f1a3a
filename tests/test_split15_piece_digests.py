"""Every piece of a split file has its own digests in findings (Session 15, split15).

A later piece nothing reads (a piece of a RAR cut by ``split``, a part of a CSV series with a part missing, a lone
``.002`` in a disk image) was listed without being read: no SHA-256 on its row, and ``--known-hashes`` could
not match it (an investigator's hash list names the pieces as they were sent). Each is now read once to be hashed:
its listed row carries its SHA-256 and a known hash makes it a hit. The pieces of a series read joined are named,
with their digests, in the joined archive's hop (``container[].detail.parts``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from conftest import run_cli
from pii_data import csv_bytes, people, standard
from test_rar14_split_pieces import _cut
from test_split13_series import _cut as _cut_numbered


def test_listed_pieces_are_hashed_and_match_known_hashes(tmp_path: Path) -> None:
    src = tmp_path / "src"
    rar = _cut(src / "rar", "letters")  # archive.rar.aa (a RAR: listed) .ab .ac .ad (no header: listed pieces)
    (src / "csv").mkdir(parents=True)
    table = csv_bytes(standard(people(200, seed=155)), "utf-8")
    csv = _cut_numbered(src / "csv", "名簿.csv", table, 4)
    csv[1].unlink()  # .002 lost: .003 and .004 are one run (read under .003), .004 listed "read with .003"
    known = tmp_path / "known.txt"
    known.write_text(hashlib.md5(rar[2].read_bytes()).hexdigest() + "\n"
                     + hashlib.sha256(csv[3].read_bytes()).hexdigest() + "\n", encoding="ascii")
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    listed = {s["path"]: s for s in doc["skipped"]}
    for piece in (*rar[1:], csv[3]):
        assert listed[str(piece)]["sha256"] == hashlib.sha256(piece.read_bytes()).hexdigest(), listed.get(str(piece))
    out2 = tmp_path / "out2"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out2), "--quiet",
                  "--known-hashes", str(known))
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out2 / "findings.json").read_text(encoding="utf-8"))
    hits = {f["path"]: f for f in doc["files"]}
    for piece in (rar[2], csv[3]):
        assert "known-hash" in hits[str(piece)]["reasons"], sorted(hits)
        assert hits[str(piece)]["sha256"] == hashlib.sha256(piece.read_bytes()).hexdigest()
    assert str(rar[3]) not in hits  # an other piece: listed, no hit
    assert {s["path"] for s in doc["skipped"]} >= {str(p) for p in rar[1:]}


def test_a_piece_in_a_disk_image_is_hashed(tmp_path: Path) -> None:
    from image_data import fat_image

    src = tmp_path / "src"
    src.mkdir()
    table = csv_bytes(standard(people(120, seed=156)), "utf-8")
    piece = table[len(table) // 2:]
    fat_image(src / "usb.img", {"/A/data.csv.002": piece})
    out = tmp_path / "out"
    run = run_cli("scan", str(src / "usb.img"), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = [s for s in doc["skipped"] if s["path"].endswith("/A/data.csv.002")]
    assert rows and rows[0]["reason"] == "unsupported", (doc["skipped"], [f["path"] for f in doc["files"]])
    assert rows[0]["sha256"] == hashlib.sha256(piece).hexdigest()
