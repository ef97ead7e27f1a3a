"""A person table under an extension nobody knows is read by its content (Session 12).

A flip in a 7z's packed header renamed its member ``名簿.csv`` to ``名簿.cóv`` with no error (py7zr's header has no
checksum): the list of 60 people was a name hit with no record. Anywhere (a folder, an image, an archive), a file of
512 bytes or more whose extension no inspector knows (``.cóv``, ``.dat``, ``.bak``) and whose first line is a person
table's header is read as the table it is; ``--content-check off`` keeps the scan as before the content checks.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_leakscan
from tests.pii_data import csv_bytes, people, standard

ROWS = 60


def _records(share: Path, out: Path, *extra: str) -> dict[str, int | None]:
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet", "--workers", "1", *extra, timeout=240)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {f["path"].rsplit("/", 1)[1]: (f.get("pii") or {}).get("records") for f in doc["files"]}


def test_a_table_under_an_unknown_extension_is_read(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    table = csv_bytes(standard(people(ROWS, seed=12)), "cp932")
    for name in ("顧客.cóv", "export.dat", "list.csv.bak"):
        (share / name).write_bytes(table)
    (share / "notes.dat").write_bytes(b"id,value\n" + b"1,2\n" * 300)  # a table naming no one: not a hit
    (share / "blob.dat").write_bytes(bytes(range(256)) * 4)
    found = _records(share, tmp_path / "out")
    assert found == {"顧客.cóv": ROWS, "export.dat": ROWS, "list.csv.bak": ROWS}, found
    off = _records(share, tmp_path / "off", "--content-check", "off")
    # 顧客 is still a keyword hit by its name: no record read; list.csv.bak is a CSV by its name (a backup of
    # one: Session 13), read under --content-check off as list.csv is
    assert off.pop("list.csv.bak") == ROWS and set(off.values()) <= {None}, off
