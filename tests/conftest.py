"""Shared fixtures: the corpus folder beside the project, and CLI runners: in a subprocess (acceptance
tests: what a user runs) or in-process (``run_cli``: tests of options, errors and case folders, without
an interpreter start per call)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """../shared/corpus; skipped only outside CI when it is missing (CI always has it)."""
    if not CORPUS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"corpus missing in CI: {CORPUS}")
        pytest.skip("../shared/corpus not present (allowed outside CI only)")
    return CORPUS


def run_leakscan(*args: str, timeout: float = 300, env: dict[str, str] | None = None,
                 input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python scan.py ARGS`` as a user would; return the completed process (text)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, str(ROOT / "scan.py"), *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env, input=input, cwd=ROOT)


def run_cli(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """``leakscan ARGS`` called in this process (``scanner.cli.main``): the exit code and what it printed.

    For tests that check options, messages and case-folder handling; a test of what a user runs end to end
    (a real scan's outputs, signals, the environment) uses :func:`run_leakscan`."""
    from scanner.cli import main

    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO(input or "")
    old_stdin = sys.stdin
    sys.stdin = stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as e:  # argparse: --help, usage errors
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    finally:
        sys.stdin = old_stdin
    return subprocess.CompletedProcess(["leakscan", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture
def leakscan():
    return run_leakscan
