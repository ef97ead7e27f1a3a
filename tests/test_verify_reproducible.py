"""The same tool version and rules on unchanged sources give the same findings.json except for the times."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import report_text, run_leakscan
from remediation_data import TIME_FIELDS, load, share, strip_times

from scanner.demo import LEAKED_NAME


def test_same_scan_twice_gives_identical_findings_except_times(tmp_path: Path):
    src = share(tmp_path)
    out = tmp_path / "out"
    args = ["scan", str(src), "--name", LEAKED_NAME, "--out", str(out), "--quiet", "--case-id", "2026-001",
            "--examiner", "調査 太郎", "--note", "再現性の確認", "--overwrite"]  # the second run replaces the first
    assert run_leakscan(*args).returncode == 1
    first = load(out)
    assert run_leakscan(*args).returncode == 1
    second = load(out)
    assert first["scan"]["started"] and first["files"]
    assert strip_times(first) == strip_times(second)
    # nothing but times was left out of the comparison: every removed key is a time field
    removed = _keys(first) - _keys(strip_times(first))
    assert removed and {k.rsplit(".", 1)[-1] for k in removed} <= TIME_FIELDS
    # and the chain of custody is there to compare
    assert first["case"]["notes"] == ["再現性の確認"] and first["chain_of_custody"]["host"]
    assert first["tool"]["ruleset_sha256"] and first["scan"]["command_line"][:2] == ["leakscan", "scan"]
    html = report_text(out / "report.html")
    for text in ("調査 太郎", "再現性の確認", first["tool"]["ruleset_sha256"], first["chain_of_custody"]["host"]):
        assert text in html


def _keys(x: object, prefix: str = "") -> set[str]:
    if isinstance(x, dict):
        return {k2 for k, v in x.items() for k2 in {f"{prefix}{k}"} | _keys(v, f"{prefix}{k}.")}
    if isinstance(x, list):
        return {k for v in x for k in _keys(v, prefix)}
    return set()


def test_json_is_stable_text(tmp_path: Path):
    """Key order and formatting do not vary: the bytes differ only where times differ."""
    src = share(tmp_path)
    out = tmp_path / "out"
    args = ["scan", str(src), "--name", LEAKED_NAME, "--out", str(out), "--quiet", "--overwrite"]
    assert run_leakscan(*args).returncode == 1
    a = (out / "findings.json").read_text()
    assert run_leakscan(*args).returncode == 1
    b = (out / "findings.json").read_text()
    assert json.dumps(strip_times(json.loads(a)), ensure_ascii=False) == \
        json.dumps(strip_times(json.loads(b)), ensure_ascii=False)
