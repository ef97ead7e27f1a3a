"""The scanner must not become the next leak: no clear personal value from spreadsheet content may
reach any file leakscan writes (sqlite state included), stdout or stderr, even with -v; --unmask shows
values in report.html only."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.pool_data import patch_everywhere
from tests.review_data import LEAKED, Case, build, leaks_in_bytes, leaks_in_tree


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    return build(tmp_path_factory.mktemp("review-leaks"))


def _scan(case: Case, out: Path, *extra: str):
    return run_leakscan("-v", "scan", str(case.share), "--name", LEAKED, "--out", str(out), "--min-overlap", "10",
                        *extra)


def _assert_clean(done, secrets: list[str]) -> None:
    assert not leaks_in_bytes(done.stdout.encode(), secrets), done.stdout
    assert not leaks_in_bytes(done.stderr.encode(), secrets), done.stderr


def test_scan_diff_merge_outputs_hold_no_clear_value(case: Case, tmp_path: Path) -> None:
    secrets = case.secrets()
    base = tmp_path / "base"
    done = _scan(case, base)
    assert done.returncode == 1, done.stderr
    _assert_clean(done, secrets)
    doc = json.loads((base / "findings.json").read_text(encoding="utf-8"))
    # the scenario really went through every path: pii, overlap, a damaged workbook, persons
    reasons = {r for f in doc["files"] for r in f["reasons"]}
    assert {"name", "pii", "record-overlap"} <= reasons
    assert any(s["reason"] == "corrupt" and "名簿_破損" in s["path"] for s in doc["skipped"])
    assert doc["persons"]["unique"] == len(case.people)
    assert (base / "scan-state.sqlite").is_file()

    (case.share / "PC01" / LEAKED).rename(case.share / "PC01" / "moved.xlsx")
    try:
        rescan = tmp_path / "rescan"
        done = _scan(case, rescan, "--baseline", str(base))
        assert done.returncode == 1, done.stderr
        _assert_clean(done, secrets)
        assert (rescan / "diff.json").is_file() and (rescan / "remediation.html").is_file()
    finally:
        (case.share / "PC01" / "moved.xlsx").rename(case.share / "PC01" / LEAKED)
    runs = [run_leakscan("-v", "diff", str(base), str(rescan), "--out", str(tmp_path / "diff")),
            run_leakscan("-v", "merge", str(base), str(rescan), "--out", str(tmp_path / "merged")),
            run_leakscan("-v", "verify", str(base), "--sources", str(case.share)),
            run_leakscan("-v", "persons", str(base))]
    for done in runs:
        assert done.returncode in (0, 1), done.stderr
        _assert_clean(done, secrets)
    for folder in ("base", "rescan", "diff", "merged"):
        assert leaks_in_tree(tmp_path / folder, secrets) == {}, folder


def test_unmask_shows_values_in_report_only(case: Case, tmp_path: Path) -> None:
    secrets = case.secrets()
    out = tmp_path / "out"
    done = _scan(case, out, "--unmask")
    assert done.returncode == 1, done.stderr
    _assert_clean(done, secrets)
    report = (out / "report.html").read_bytes()
    assert len(leaks_in_bytes(report, secrets)) >= 3  # --unmask really shows example rows in clear
    assert leaks_in_tree(out, secrets, exclude=frozenset({"report.html"})) == {}


def test_debug_tracebacks_withhold_parser_messages(case: Case, tmp_path: Path) -> None:
    """An in-process parser crash whose message quotes a cell: -v logs the traceback, not the cell."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    secret = case.people[0].address
    csv_path = tmp_path / "share" / "名簿.csv"
    csv_path.parent.mkdir()
    csv_path.write_text(f"氏名,住所\n{case.people[0].name},{secret}\n", encoding="utf-8")
    patch = ("import scanner.inspectors.spreadsheet as s\n"
             f"CELL = {secret!r}  # a line of its own: the traceback quotes the raise line, as a parser's would not\n"
             "def boom(data, fmt, caps, *rest):\n"
             "    raise ValueError('could not convert: ' + CELL)\n"
             "s.analyse_bytes = boom\n")
    env = patch_everywhere(tmp_path / "site", patch)  # in the workers too: they parse the files
    done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "-v", "scan", str(csv_path.parent), "--name",
                           "x.xlsx", "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    assert "Traceback" in done.stderr and "ValueError" in done.stderr  # the debug log is still useful
    assert secret not in done.stderr
    assert leaks_in_tree(tmp_path / "out", [secret]) == {}


def test_verbose_is_leakscan_debug_only(case: Case, tmp_path: Path) -> None:
    """-v shows leakscan's own debug lines, not the debug logs of the libraries that parse the data."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    secret = case.people[1].address
    share = tmp_path / "share"
    share.mkdir()
    (share / "名簿.csv").write_text("氏名,住所\n", encoding="utf-8")
    patch = ("import logging\n"
             "import scanner.inspectors.spreadsheet as s\n"
             "def chatty(data, fmt, caps, *rest):\n"
             f"    logging.getLogger('charset_normalizer').debug('decoded: ' + {secret!r})\n"
             "    logging.getLogger('leakscan').debug('own debug line')\n"
             "    return [], 0, None\n"
             "s.analyse_bytes = chatty\n")
    env = patch_everywhere(tmp_path / "site", patch)  # in the workers too: they parse the files
    done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "-v", "scan", str(share), "--name", "x.xlsx",
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    assert "own debug line" in done.stderr
    assert secret not in done.stderr
