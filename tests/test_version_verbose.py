"""``leakscan --version`` (what an examiner cites) and ``-v`` after the subcommand as well as before it."""

from __future__ import annotations

import argparse
import platform
from pathlib import Path

import pytest
from conftest import run_cli, run_leakscan

from scanner import __version__, rules
from scanner.cli import build_parser
from scanner.commands import COMMANDS


def test_version_line() -> None:
    done = run_cli("--version")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout == (f"leakscan {__version__} (rules SHA-256 {rules.ruleset_sha256()}; "
                           f"Python {platform.python_version()})\n")


def test_version_matches_findings(tmp_path: Path) -> None:
    (tmp_path / "share").mkdir()
    assert run_cli("scan", str(tmp_path / "share"), "--out", str(tmp_path / "o"), "--quiet").returncode == 0
    import json

    tool = json.loads((tmp_path / "o" / "findings.json").read_text("utf-8"))["tool"]
    assert f"leakscan {tool['version']} (rules SHA-256 {tool['ruleset_sha256']};" in run_cli("--version").stdout


def _commands() -> list[str]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


@pytest.mark.parametrize("command", _commands())
def test_verbose_is_accepted_after_every_command(command: str) -> None:
    parser = build_parser()
    args = {"scan": ["scan", "--resume", "x"], "diff": ["diff", "a", "b", "--out", "c"], "verify": ["verify", "x"],
            "merge": ["merge", "a", "--out", "c"], "persons": ["persons", "x"], "demo": ["demo"],
            "report": ["report", "x"]}.get(command, [command])
    assert parser.parse_args([*args, "-v"]).verbose is True
    assert parser.parse_args(["-v", *args]).verbose is True
    assert parser.parse_args(args).verbose is False
    assert len(COMMANDS) == len(_commands())


def test_verbose_after_the_command_logs(tmp_path: Path) -> None:
    """End to end (a subprocess: logging is set up once per process): the debug log appears either way."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "名簿.csv").write_text("氏名,住所\n山田 太郎,東京都小金井市本町3-12-5\n", encoding="utf-8")
    quiet = run_leakscan("scan", str(share), "--name", "名簿.csv", "--out", str(tmp_path / "a"), "--quiet")
    after = run_leakscan("scan", str(share), "--name", "名簿.csv", "--out", str(tmp_path / "b"), "--quiet", "-v")
    before = run_leakscan("-v", "scan", str(share), "--name", "名簿.csv", "--out", str(tmp_path / "c"), "--quiet")
    assert "DEBUG" not in quiet.stderr
    assert "DEBUG" in after.stderr and "DEBUG" in before.stderr
    assert "山田" not in after.stderr
