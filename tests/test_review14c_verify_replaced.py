"""``verify --sources`` and a hit never read whose file was replaced since the scan (review14c).

split14 made a hit with no SHA-256 found again at its place ``not-hashed`` (exit 0). Its size was recorded in the
scan, though: an archive replaced by another one holding a member of the same name but other content (another
size) passed verify as unchanged. A size that differs is a change (exit 1); the same size is still ``not-hashed``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import py7zr
from conftest import run_cli
from pii_data import csv_bytes, people, standard


def encrypted_7z(name: str, n: int) -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", password="secret") as z:
        z.writestr(csv_bytes(standard(people(n, seed=71)), "utf-8"), name)
    return buf.getvalue()


def test_a_never_read_hit_replaced_by_another_of_its_name_is_a_difference(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.7z").write_bytes(encrypted_7z("顧客名簿.csv", 20))
    out = tmp_path / "out"
    scan = run_cli("scan", str(src), "--name", "顧客名簿", "--out", str(out), "--quiet")
    assert scan.returncode == 1, scan.stderr[-2000:]
    assert run_cli("verify", str(out), "--sources", str(src)).returncode == 0

    (src / "a.7z").write_bytes(encrypted_7z("顧客名簿.csv", 400))  # another archive, a member of the same name
    again = run_cli("verify", str(out), "--sources", str(src), "--json")
    assert again.returncode == 1, again.stdout
    assert [r["status"] for r in json.loads(again.stdout)["sources"]] == ["changed"]


def encrypted_7z_at(tmp: Path, name: str, body: bytes, mtime: int) -> bytes:
    member = tmp / "member.csv"
    member.write_bytes(body)
    import os
    os.utime(member, (mtime, mtime))
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", password="secret") as z:
        z.write(member, name)
    return buf.getvalue()


def test_a_never_read_hit_of_the_same_size_but_another_time_is_a_difference(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    body = csv_bytes(standard(people(20, seed=71)), "utf-8")
    (src / "a.7z").write_bytes(encrypted_7z_at(tmp_path, "顧客名簿.csv", body, 1_600_000_000))
    out = tmp_path / "out"
    assert run_cli("scan", str(src), "--name", "顧客名簿", "--out", str(out), "--quiet").returncode == 1
    assert run_cli("verify", str(out), "--sources", str(src)).returncode == 0

    other = body.replace(b"1", b"2")  # other content, the same size, written at another time
    (src / "a.7z").write_bytes(encrypted_7z_at(tmp_path, "顧客名簿.csv", other, 1_700_000_000))
    again = run_cli("verify", str(out), "--sources", str(src), "--json")
    assert again.returncode == 1, again.stdout
    assert [r["status"] for r in json.loads(again.stdout)["sources"]] == ["changed"]
