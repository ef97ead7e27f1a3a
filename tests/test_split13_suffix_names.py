"""A table's name with a backup, temporary, download or number suffix, and tiny tables (Session 13, split13).

``名簿.xlsx.bak``, ``名簿.csv.1000`` (a series past 999 parts, or a rotated copy), ``名簿.csv~``, ``名簿.xlsx.tmp``,
``名簿.xlsx.part``, ``名簿.csv.crdownload``, ``~$名簿.xlsx``: before, a file of under 512 bytes under such a name (or
any extension nobody knows) was never looked at, and bytes that are no table ended as nothing. Every file of the
tree below is a hit with records (a person table, whatever its name), a listed skip, or read clean by its content
(empty; an owner file that is one; random bytes under a name that claims no table).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from archive_data import roster_xlsx
from conftest import run_cli
from pii_data import csv_bytes, people, standard

NAMES = ("roster.csv.1000", "roster.csv.20241201", "roster.xlsx.bak", "roster.xls.bak", "roster.xlsx.old",
         "roster.csv.orig", "roster.csv~", "roster.xlsx~", "roster.xlsx.tmp", "~$roster.xlsx", "roster.xlsx.part",
         "roster.csv.crdownload", "roster.xlsx.crdownload", "roster.xlsx.1", "roster.xlsx.~2~", "roster.xlsx.1.bak",
         "roster.dat")


def _contents() -> dict[str, bytes]:
    table = csv_bytes(standard(people(30, seed=13)), "cp932")
    tiny = csv_bytes(standard(people(3, seed=14)), "utf-8")
    assert len(tiny) < 512  # the size no unknown extension was sniffed under before
    book = roster_xlsx(rows=20)
    return {"table": table, "tiny": tiny, "book": book, "cut-table": table[: len(table) * 2 // 3],
            "random": random.Random(13).randbytes(3000), "tiny-random": random.Random(14).randbytes(200),
            "empty": b""}


def test_every_file_under_a_suffixed_table_name_is_a_hit_a_skip_or_read_clean(tmp_path: Path) -> None:
    src = tmp_path / "src"
    contents = _contents()
    for kind, data in contents.items():
        (src / kind).mkdir(parents=True)
        for name in NAMES:
            (src / kind / name).write_bytes(data)
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = {f["path"]: f for f in doc["files"]}
    skipped = {s["path"]: s for s in doc["skipped"]}
    nothing = []
    for kind in contents:
        for name in NAMES:
            path = str(src / kind / name)
            records = ((rows.get(path) or {}).get("pii") or {}).get("records")
            if kind in ("table", "tiny", "book"):  # a person table gives its records whatever its name
                assert records, (kind, name, rows.get(path), skipped.get(path))
            elif kind == "cut-table":  # damaged: its complete rows, listed with the damage
                assert path in skipped and skipped[path]["reason"] == "corrupt", (kind, name, skipped.get(path))
            elif kind == "empty":
                assert path not in rows and path not in skipped, (kind, name)  # nothing to read: clean
            elif name == "roster.dat":  # random bytes under a name that claims no table: as any unknown file
                assert path not in rows and path not in skipped, (kind, name)
            elif path not in rows and path not in skipped:
                nothing.append((kind, name))  # a name that says table, bytes no reader took: must be listed
    assert not nothing, nothing


def test_a_small_owner_file_stays_an_owner_file(tmp_path: Path) -> None:
    """A real 165-byte Excel owner file is no table (nothing read as one); the same name holding a table is read."""
    src = tmp_path / "src"
    src.mkdir()
    user = "yamada"
    owner = bytes([len(user)]) + user.encode() + b" " * (54 - 1 - len(user)) + b"\x00" + bytes([len(user), 0]) + \
        user.encode("utf-16-le") + b"\x20\x00" * 50
    owner = owner[:165].ljust(165, b"\x20")
    (src / "~$roster.xlsx").write_bytes(owner)
    (src / "~$clients.xlsx").write_bytes(csv_bytes(standard(people(3, seed=15)), "utf-8"))
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = {Path(f["path"]).name: f for f in doc["files"]}
    skipped = {Path(s["path"]).name for s in doc["skipped"]}
    assert "~$roster.xlsx" not in rows and "~$roster.xlsx" not in skipped, (rows, skipped)
    assert rows["~$clients.xlsx"]["pii"]["records"] == 3, rows
