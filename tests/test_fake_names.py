"""A tree of spreadsheet names that are no spreadsheets (issue 11, bench/bench_fake_names.py), through the CLI.

Empty files and random bytes named .xlsx/.csv are settled in the scan process (no worker round trip); these
tests pin what that may never change: an empty file is clean unless its name or its digest makes it a hit, a fake
spreadsheet is listed with a reason, and a real table under a wrong name or with a damaged head is still read (it
ends as records or a listed reason, never as nothing).
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from scanner.tables import sniff_format
from tests import pii_data as D
from tests.conftest import run_cli

PEOPLE = D.people(12, seed=13)


def _scan(src: Path, out: Path, *extra: str) -> dict:
    done = run_cli("scan", str(src), "--out", str(out), "--quiet", "--workers", "2", *extra)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _by_name(entries: list[dict]) -> dict[str, dict]:
    return {Path(e["path"]).name: e for e in entries}


def _binary_noise(seed: int) -> bytes:
    rnd = random.Random(seed)
    while True:  # random bytes the sniff takes for binary (the kind settled in the scan process)
        data = rnd.randbytes(rnd.randint(64, 400))
        if sniff_format(data) == "binary":
            return data


def test_empty_and_fake_spreadsheet_names(tmp_path: Path) -> None:
    src = tmp_path / "share"
    src.mkdir()
    for name in ("空.xlsx", "空.csv", "空.xls", "空.ods", "顧客名簿.xlsx"):
        (src / name).write_bytes(b"")
    (src / "偽.xlsx").write_bytes(_binary_noise(1))
    (src / "memo.csv").write_bytes(b"memo\n" * 3)
    (src / "名簿.xlsx").write_bytes(D.xlsx_bytes({"名簿": D.standard(PEOPLE)}))
    found = _scan(src, tmp_path / "out", "--name", "顧客名簿.xlsx")
    hits, skipped = _by_name(found["files"]), _by_name(found["skipped"])
    assert set(hits) == {"顧客名簿.xlsx", "名簿.xlsx"}  # the empty file by its name; the workbook by its records
    assert hits["顧客名簿.xlsx"]["sha256"] == hashlib.sha256(b"").hexdigest()
    assert set(skipped) == {"偽.xlsx"}  # not a clean file: listed with why
    assert skipped["偽.xlsx"]["reason"] == "unsupported" and skipped["偽.xlsx"]["detail"]
    assert found["scan"]["files_seen"] == 8

    # an empty file's digest in --known-hashes makes every empty file a hit (a copy of an emptied leak)
    known = tmp_path / "known.txt"
    known.write_text(hashlib.sha256(b"").hexdigest() + "\n")
    again = _by_name(_scan(src, tmp_path / "out2", "--known-hashes", str(known))["files"])
    assert {"空.xlsx", "空.csv", "空.xls", "空.ods", "顧客名簿.xlsx"} <= set(again)
    assert all("known-hash" in again[n]["reasons"] for n in ("空.xlsx", "空.csv"))
