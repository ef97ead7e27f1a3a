"""``verify --sources`` and a hit the scan never read (Session 14, split14).

A hit with no SHA-256 (an encrypted archive member named like a customer list, a member of a zip whose first
part is lost) has nothing to compare: verify said `differences found` (exit 1) for it although nothing differed.
Now such a hit is looked for again where it was: still there -> `not-hashed` (said, no difference, exit 0);
gone -> `missing` (exit 1), as any hit.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import py7zr
from conftest import run_cli
from pii_data import csv_bytes, people, standard


def encrypted_7z(name: str) -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", password="secret") as z:
        z.writestr(csv_bytes(standard(people(20, seed=71)), "utf-8"), name)
    return buf.getvalue()


def test_a_hit_never_read_is_no_difference_while_it_is_still_there(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.7z").write_bytes(encrypted_7z("顧客名簿.csv"))
    out = tmp_path / "out"
    scan = run_cli("scan", str(src), "--name", "顧客名簿", "--out", str(out), "--quiet")
    assert scan.returncode == 1, scan.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [f["sha256"] for f in doc["files"]] == [None]  # the member hit: never read (encrypted)

    same = run_cli("verify", str(out), "--sources", str(src), "--json")
    assert same.returncode == 0, same.stdout
    rows = json.loads(same.stdout)["sources"]
    assert [r["status"] for r in rows] == ["not-hashed"], rows

    (src / "a.7z").write_bytes(encrypted_7z("別の名前.csv"))  # the member is gone from the archive
    gone = run_cli("verify", str(out), "--sources", str(src), "--json")
    assert gone.returncode == 1, gone.stdout
    assert [r["status"] for r in json.loads(gone.stdout)["sources"]] == ["missing"]

    (src / "a.7z").unlink()
    assert run_cli("verify", str(out), "--sources", str(src)).returncode == 1
