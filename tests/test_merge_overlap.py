"""``leakscan merge`` of scans whose sources overlap: every examined file once, persons as one scan counts them.

The demo share (Faker ja_JP, fixed seed) is cut into three folders: dir1 = PC01+PC02, dir2 = PC03+PC04,
dir3 = PC05+PC06. Scan A = {dir1, dir2}, scan B = {dir2, dir3} and scan W = {dir1, dir2, dir3}, all with one
case key: merge(A, B) must give W's figures (the PPC is told the number of people, so a file scanned twice
must not add its records twice). The identical copies lie in several folders (the same bytes at two places
are two copies of the same records).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from remediation_data import load, share, with_case_key

from scanner.demo import LEAKED_NAME

PERSON_FIGURES = ("records", "unique_exact", "unique", "without_name", "merges", "review_total", "fingerprints",
                  "chains")


@pytest.fixture(scope="module")
def overlap(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("overlap")
    src = share(root)
    dirs = {}
    for name, pcs in (("dir1", ("PC01", "PC02")), ("dir2", ("PC03", "PC04")), ("dir3", ("PC05", "PC06"))):
        dirs[name] = root / name
        dirs[name].mkdir()
        for pc in pcs:
            shutil.move(str(src / pc), dirs[name] / pc)
    keyed = with_case_key(root / "w")
    outs = {"w": keyed, "a": with_case_key(root / "a", keyed), "b": with_case_key(root / "b", keyed)}
    for out, scanned in (("a", ("dir1", "dir2")), ("b", ("dir2", "dir3")), ("w", ("dir1", "dir2", "dir3"))):
        run = run_cli("scan", *(str(dirs[d]) for d in scanned), "--name", LEAKED_NAME, "--quiet",
                      "--out", str(outs[out]), "--case-id", out)
        assert run.returncode == 1, run.stderr
    return {**dirs, **outs, "root": root}


def _files(doc: dict) -> list[tuple[str, str | None]]:
    return sorted((f["path"], f["sha256"]) for f in doc["files"])


def test_overlapping_scans_merge_to_the_figures_of_one_scan_of_the_union(overlap: dict[str, Path]):
    case = overlap["root"] / "case"
    run = run_cli("merge", str(overlap["a"]), str(overlap["b"]), "--out", str(case))
    assert run.returncode == 1, run.stderr
    assert "scanned by more than one input" in run.stderr
    merged, whole, a, b = (load(overlap[k]) if k != "m" else load(case) for k in ("m", "w", "a", "b"))
    # the test means something: dir2's hits and persons are in both inputs
    assert set(_files(a)) & set(_files(b))
    assert a["persons"]["records"] + b["persons"]["records"] > whole["persons"]["records"]
    # every hit once, and the duplicate groups of the whole
    assert _files(merged) == _files(whole)
    assert sorted((g["sha256"], g["count"]) for g in merged["duplicate_groups"]) == \
        sorted((g["sha256"], g["count"]) for g in whole["duplicate_groups"])
    # the persons: distinct records, merged persons, the merges per rule, every counted file once
    for figure in PERSON_FIGURES:
        assert merged["persons"][figure] == whole["persons"][figure], figure
    assert sorted((f["path"], f["sha256"], f["records"]) for f in merged["persons"]["files"]) == \
        sorted((f["path"], f["sha256"], f["records"]) for f in whole["persons"]["files"])
    assert merged["merge"]["persons"].startswith("combined")
    # the summary the report and the terminal quote, and each source and skip once
    assert merged["summary"]["persons"] == whole["summary"]["persons"]
    assert sorted(merged["scan"]["sources"]) == sorted(whole["scan"]["sources"])
    assert sorted(json.dumps(s, sort_keys=True) for s in merged["skipped"]) == \
        sorted(json.dumps(s, sort_keys=True) for s in whole["skipped"])
    assert merged["merge"]["overlapping_sources"] == [str(overlap["dir2"])]
    assert run_cli("verify", str(case)).returncode == 0


def test_a_file_changed_between_the_scans_is_two_files(overlap: dict[str, Path], tmp_path: Path):
    """Same place, other bytes: not the same file, so both are listed and both counted."""
    a = load(overlap["a"])
    shared = next(f for f in a["files"] if f["path"].startswith(str(overlap["dir2"])) and f["sha256"]
                  and "pii" in f)
    changed = tmp_path / "b"
    shutil.copytree(overlap["b"], changed)
    doc = load(changed)
    for f in doc["files"]:
        if f["path"] == shared["path"]:
            f["sha256"] = "0" * 64
    (changed / "findings.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (changed / "manifest.sha256").unlink()
    run = run_cli("merge", str(overlap["a"]), str(changed), "--out", str(tmp_path / "case"), "--quiet")
    assert run.returncode == 1, run.stderr
    merged = load(tmp_path / "case")
    assert sorted(f["sha256"] for f in merged["files"] if f["path"] == shared["path"]) == \
        sorted([shared["sha256"], "0" * 64])
