"""The command line as a user meets it: exit codes, one-line errors, --help, --lang, the demo.

Options and messages are checked in-process (conftest.run_cli); the exit codes, the demo and the
progress bar on a terminal run ``python scan.py`` as a user does."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli, run_leakscan, run_on_a_terminal
from tree_data import LEAKED, write_files

from reports.labels import label
from scanner.cli import build_parser


def _one_line_error(done) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    return lines[0]


def _listing(root: Path) -> list[tuple[str, int, int]]:
    return sorted((str(p), p.lstat().st_size, p.lstat().st_mtime_ns) for p in root.rglob("*"))


@pytest.fixture
def share(tmp_path: Path) -> Path:
    return write_files(tmp_path / "share", {f"PC01/{LEAKED}": b"leak", "PC02/予算.xlsx": b"budget"})


def test_no_arguments(tmp_path: Path) -> None:
    line = _one_line_error(run_cli())
    assert "leakscan" in line and "error" in line


def test_unknown_option(share: Path, tmp_path: Path) -> None:
    line = _one_line_error(run_cli("scan", str(share), "--name", LEAKED, "--out", str(tmp_path / "o"),
                                        "--no-such-option"))
    assert "--no-such-option" in line


def test_unknown_command() -> None:
    _one_line_error(run_cli("scna"))


def test_missing_source(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-share"
    line = _one_line_error(run_cli("scan", str(missing), "--name", LEAKED, "--out", str(tmp_path / "o")))
    assert str(missing) in line
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("kind", ["file", "proc"])
def test_unwritable_out(share: Path, tmp_path: Path, kind: str) -> None:
    if kind == "file":
        out = tmp_path / "a-file"
        out.write_text("not a folder")
    else:
        out = Path("/proc/leakscan-out")  # refused even to root
    line = _one_line_error(run_cli("scan", str(share), "--name", LEAKED, "--out", str(out)))
    assert "--out" in line


def test_out_inside_a_source_is_refused(share: Path) -> None:
    before = _listing(share)
    line = _one_line_error(run_cli("scan", str(share), "--name", LEAKED, "--out", str(share / "PC01" / "out")))
    assert "inside" in line
    assert _listing(share) == before  # nothing written into the evidence


def test_exit_codes_found_and_not_found(share: Path, tmp_path: Path) -> None:
    found = run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(tmp_path / "o1"), "--quiet")
    assert found.returncode == 1, found.stderr
    clean = run_leakscan("scan", str(share), "--name", "別のファイル.xlsx", "--out", str(tmp_path / "o2"), "--quiet",
                         "--no-keywords")
    assert clean.returncode == 0, clean.stderr
    assert json.loads((tmp_path / "o2" / "findings.json").read_text())["files"] == []
    assert json.loads((tmp_path / "o1" / "findings.json").read_text())["files"][0]["path"] == str(share / "PC01" / LEAKED)


def test_summary_on_stderr_and_quiet(share: Path, tmp_path: Path) -> None:
    loud = run_cli("scan", str(share), "--name", LEAKED, "--out", str(tmp_path / "o1"))
    assert loud.returncode == 1
    assert str(tmp_path / "o1" / "report.html") in loud.stderr
    quiet = run_cli("scan", str(share), "--name", LEAKED, "--out", str(tmp_path / "o2"), "--quiet")
    assert quiet.stderr == "" and quiet.returncode == 1


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_report_language(share: Path, tmp_path: Path, lang: str) -> None:
    args = ["scan", str(share), "--name", LEAKED, "--out", str(tmp_path / lang), "--quiet"]
    done = run_cli(*args, *(["--lang", lang] if lang == "en" else []))
    assert done.returncode == 1, done.stderr
    html = (tmp_path / lang / "report.html").read_text(encoding="utf-8")
    assert f'<html lang="{label("lang_attr", lang)}">' in html
    other = "en" if lang == "ja" else "ja"
    for key in ["title", "summary_title", "sec_copies", "verify", "sec_not_examined"]:
        assert label(key, lang) in html
        assert label(key, other) not in html


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_top_level_help_lists_every_command() -> None:
    done = run_cli("--help")
    assert done.returncode == 0
    for name in _commands():
        assert name in done.stdout
    assert "Exit codes" in done.stdout


@pytest.mark.parametrize("command", sorted(_commands()))
def test_help_of_every_command_mentions_every_option(command: str) -> None:
    parser = _commands()[command]
    done = run_cli(command, "--help")
    assert done.returncode == 0 and done.stderr == ""
    text = " ".join(done.stdout.split())
    for action in parser._actions:
        for opt in action.option_strings:
            assert opt in done.stdout, f"{command} --help does not mention {opt}"
        if action.help not in (None, argparse.SUPPRESS):
            assert len(action.help) > 10, f"{command} {action.option_strings}: help too short"
            assert " ".join(action.help.split()[:3]) in text


def test_demo_finds_the_expected_copies(demo_run: tuple[Path, subprocess.CompletedProcess[str]],
                                       demo_truth: dict) -> None:
    base, done = demo_run  # ``python scan.py demo`` (conftest), once for the session
    report = Path(done.stdout.strip().splitlines()[-1])
    assert report == (base / "report" / "report.html").resolve() and report.is_file()
    doc = json.loads((report.parent / "findings.json").read_text(encoding="utf-8"))
    truth = demo_truth  # same seed: the same share, built again for its truth
    share = base / "share"
    strong = {f["path"] for f in doc["files"] if {"name", "name-variant"} & set(f["reasons"])}
    assert strong == {str(share / rel) for rel in truth["copies"]}
    groups = [set(g["paths"]) for g in doc["duplicate_groups"]]
    assert {str(share / rel) for rel in truth["duplicate_group"]} in groups
    assert {s["path"] for s in doc["skipped"] if s["reason"] == "special-file"} == {
        str(share / rel) for rel in truth["special"]}
    assert {link["path"] for link in doc["links"]} == {str(share / rel) for rel in truth["links"]}
    assert os.stat(report.parent).st_mode & 0o777 == 0o700


def test_progress_bar_only_on_a_terminal_and_not_quiet(share: Path, tmp_path: Path) -> None:
    code, err = run_on_a_terminal("scan", str(share), "--name", LEAKED, "--out", str(tmp_path / "o1"))
    assert code == 1 and "scanning" in err and "files" in err
    code, err = run_on_a_terminal("scan", str(share), "--name", LEAKED, "--out", str(tmp_path / "o2"), "--quiet")
    assert code == 1 and "scanning" not in err and err.strip() == ""
    piped = run_cli("scan", str(share), "--name", LEAKED, "--out", str(tmp_path / "o3"))
    assert "scanning" not in piped.stderr  # stderr not a terminal: summary only
