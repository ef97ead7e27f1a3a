"""The demo share shows every kind of finding an investigator meets, and the scan reports each one."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import run_leakscan

from scanner.demo import CASE, LEAKED_NAME, RETYPED_EACH, RETYPINGS, build_share


def test_generator_bookkeeping_gives_the_real_cases_figures(tmp_path: Path) -> None:
    """What the generator wrote into the leak set is the real case: 2,382 / 1,117 / 1,077, 10 copies."""
    truth = build_share(tmp_path / "share")
    assert {k: truth["persons"][k] for k in ("records", "unique_exact", "unique")} == {
        k: CASE[k] for k in ("records", "unique_exact", "unique")}
    assert len(truth["record_copies"]) == CASE["copies"]
    retyped = [kind for version in truth["retyped"].values() for kind in version.values()]
    assert len(retyped) == CASE["unique_exact"] - CASE["unique"]
    assert Counter(retyped) == {kind: RETYPED_EACH for kind in RETYPINGS}  # every re-typing, five times
    assert set(truth["leak_set"]) <= set(truth["record_copies"])


def test_demo_scan_shows_the_case(demo_run: tuple[Path, object], demo_truth: dict) -> None:
    base = demo_run[0]  # ``python scan.py demo`` (conftest), once for the session
    share = base / "share"
    truth = demo_truth  # the same seed builds the same share: its truth
    doc = json.loads((base / "report" / "findings.json").read_text(encoding="utf-8"))
    by_path = {f["path"]: f for f in doc["files"]}

    # the leaked file turns up 10 times (by name or copy name) holding records; the owner file besides
    holding = {f["path"] for f in doc["files"]
               if {"name", "name-variant"} & set(f["reasons"]) and (f.get("pii") or {}).get("records")}
    assert holding == {f"{share}/{rel}" for rel in truth["record_copies"]}
    owner = by_path[f"{share}/{truth['owner_file']}"]
    assert "pii" not in owner["reasons"] and owner["annotations"]["lock"] == {"format": "mso-owner", "user": "s**"}
    lead = by_path[f"{share}/{truth['contains_lead']}"]
    assert lead["reasons"] == ["name-contains", "name-keyword"]
    assert lead["matched_rules"][0] == "name-contains:with-status+other-type"
    leak = {f["path"] for f in doc["persons"]["files"] if f["role"] == "leak"}
    assert leak == {f"{share}/{rel}" for rel in truth["leak_set"]}

    member = by_path[f"{share}/{truth['archive_member']}"]
    assert member["container"][0]["kind"] == "archive" and "name" in member["reasons"]
    original = by_path[f"{share}/{truth['identical'][0]}"]
    assert member["sha256"] == original["sha256"]
    groups = [sorted(g["paths"]) for g in doc["duplicate_groups"]]
    assert groups == [sorted(f"{share}/{rel}" for rel in group) for group in truth["duplicate_groups"]]

    for rel in truth["derived"]:
        derived = by_path[f"{share}/{rel}"]
        assert "record-overlap" in derived["reasons"] and "name" not in derived["reasons"]
        assert derived["overlap"]["records"] >= 10

    # the scan's three numbers are the generator's, which are the real case's
    persons = doc["persons"]
    for key in ("records", "unique_exact", "unique"):
        assert persons[key] == truth["persons"][key] == CASE[key], key
    assert {rule: n for rule, n in persons["merges"].items() if n} == truth["persons"]["merges"]
    assert persons["review_total"] == CASE["unique_exact"] - CASE["unique"]
    assert persons["probable_total"] == 0  # no other person is a near-miss of a client


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


@pytest.mark.parametrize("lang", ["C.UTF-8", "ja_JP.UTF-8"])
def test_terminal_summary_values_line_up_after_a_space(demo_run: tuple[Path, object], tmp_path: Path,
                                                       lang: str) -> None:
    """The terminal summary is a two-column table: every value starts in the same column, one space or more
    after its label's colon, the longest label included (wide characters count two columns)."""
    import unicodedata

    from scanner.i18n import _translations

    def columns(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    done = run_leakscan("scan", str(demo_run[0] / "share"), "--name", LEAKED_NAME, "--out", str(tmp_path / "o"),
                        env={"LANG": lang, "LC_ALL": lang, "LC_MESSAGES": lang})
    assert done.returncode == 1, done.stderr
    head = _translations(lang[:2]).gettext("copies of the named file") if lang.startswith("ja") else \
        "copies of the named file"
    lines = done.stderr.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(head + ":"))
    table = [line for line in lines[first:] if ":" in line and not line.startswith("/")]
    starts = set()
    for line in table:
        label, _, rest = line.partition(":")
        assert rest.startswith(" ") and rest.strip(), line
        starts.add(columns(label) + 1 + len(rest) - len(rest.lstrip(" ")))
    assert len(table) >= 6 and len(starts) == 1, table
