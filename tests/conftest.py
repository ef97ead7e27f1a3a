"""Shared fixtures: the corpus folder beside the project, and a CLI runner in a subprocess."""

from __future__ import annotations

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


@pytest.fixture
def leakscan():
    return run_leakscan
