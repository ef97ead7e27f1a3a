"""Office owner files (``~$X.xlsx``) in odd layouts give no noise row (Session 14, split14; review13e #6).

Since Session 13 a small ``~$`` file whose bytes are no owner file is read as the table its name claims (a table
saved under such a name). Owner files the parser refuses (a name length byte of 0, a name longer than Office
allows, 165 NULs) were then read as tables: `corrupt` "decoding: partial" or `unsupported` "binary content",
rows where there is nothing. Bytes laid out as an owner file (its UTF-16 name at its place, or Office's size with
its padding) stay owner files; random bytes and tables under such names are still listed or read.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from conftest import run_cli
from pii_data import csv_bytes, people, standard

from scanner.detectors.lockfile import make_mso_owner


def test_odd_owner_file_layouts_give_no_row_and_tables_or_random_bytes_still_do(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    good = make_mso_owner("山田太郎")
    no_length = bytearray(good)
    no_length[0] = 0
    long_name = bytes([60]) + b"A" * 60 + b" " * 10 + bytes([60, 0]) + ("A" * 60).encode("utf-16-le")
    over = bytearray(make_mso_owner("B" * 52))
    over[0] = 60  # a name length over what Office allows
    odd = {"~$会員.xlsx": bytes(no_length), "~$報告2.csv": bytes(165), "~$議事録.docx": bytes(162), "~$超過.xlsx": bytes(over),
           "~$長い名前.xlsx": long_name[:165].ljust(165, b" ")}
    rng = random.Random(16)
    for n in range(8):  # a real owner file with a few flipped bits
        flipped = bytearray(make_mso_owner("佐藤花子", word=n % 2 == 1))
        for _ in range(3):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        odd[f"~$flip{n}.xlsx"] = bytes(flipped)
    for name, data in odd.items():
        (src / name).write_bytes(data)
    (src / "~$random.xlsx").write_bytes(random.Random(17).randbytes(165))
    (src / "~$clients.xlsx").write_bytes(csv_bytes(standard(people(2, seed=18)), "utf-8"))
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = {Path(f["path"]).name: f for f in doc["files"]}
    skipped = {Path(s["path"]).name: s for s in doc["skipped"]}
    noise = [name for name in odd if name in rows or name in skipped]
    assert not noise, {n: (rows.get(n), skipped.get(n)) for n in noise}
    assert skipped["~$random.xlsx"]["reason"] == "unsupported", skipped.get("~$random.xlsx")
    assert rows["~$clients.xlsx"]["pii"]["records"] == 2, rows.get("~$clients.xlsx")
