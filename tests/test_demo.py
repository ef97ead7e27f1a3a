"""The demo share shows every kind of finding an investigator meets, and the scan reports each one."""

from __future__ import annotations

import json
import time
from pathlib import Path

from scanner.demo import build_share


def test_demo_counts_people_finds_the_zip_copy_and_the_derived_list(tmp_path: Path, leakscan) -> None:
    done = leakscan("demo", "--out", str(tmp_path / "demo"), "--quiet")
    assert done.returncode == 0, done.stderr
    share = tmp_path / "demo" / "share"
    truth = build_share(tmp_path / "truth")  # the same seed builds the same share: its truth
    doc = json.loads((tmp_path / "demo" / "report" / "findings.json").read_text(encoding="utf-8"))
    by_path = {f["path"]: f for f in doc["files"]}

    member = by_path[f"{share}/{truth['archive_member']}"]
    assert member["container"][0]["kind"] == "archive" and "name" in member["reasons"]
    original = by_path[f"{share}/{truth['identical'][0]}"]
    assert member["sha256"] == original["sha256"]

    for rel in truth["derived"]:
        derived = by_path[f"{share}/{rel}"]
        assert "record-overlap" in derived["reasons"] and "name" not in derived["reasons"]
        assert derived["overlap"]["records"] >= 10

    persons = doc["persons"]
    assert persons["unique"] == truth["persons"]["unique"]
    assert persons["unique_exact"] == truth["persons"]["unique_exact"]
    assert persons["records"] > persons["unique_exact"] > persons["unique"]


def test_demo_is_reproducible_byte_for_byte(tmp_path: Path) -> None:
    """Two builds of the demo give the same file contents, so its hashes in the README stay true."""
    a, b = tmp_path / "a", tmp_path / "b"
    build_share(a)
    time.sleep(1.1)  # zip and document times have one-second resolution: make "now" differ
    build_share(b)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file() and not p.is_symlink())
    assert files
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
