"""Load rule data from signatures/ (TOML, and TSV for the town gazetteer; package data), so a wheel works
like a checkout."""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from .errors import RuleError

PACKAGE = "signatures"
SUFFIXES = (".toml", ".tsv")  # rule files: TOML, and tables too large for TOML (the town gazetteer)


def _files() -> list[tuple[str, bytes]]:
    root = resources.files(PACKAGE)
    return sorted((p.name, p.read_bytes()) for p in root.iterdir() if p.name.endswith(SUFFIXES))


@cache
def load(name: str) -> dict[str, Any]:
    """Parse ``signatures/<name>.toml``; a malformed file is a RuleError naming the file."""
    try:
        data = resources.files(PACKAGE).joinpath(f"{name}.toml").read_bytes()
        return tomllib.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise RuleError(f"signatures/{name}.toml: {e}") from e


def load_table(name: str) -> list[list[str]]:
    """Rows of ``signatures/<name>.tsv`` (tab-separated, UTF-8, ``#`` comment lines skipped).

    Not cached: the caller keeps what it builds from the rows. A malformed file is a RuleError.
    """
    try:
        text = resources.files(PACKAGE).joinpath(f"{name}.tsv").read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RuleError(f"signatures/{name}.tsv: {e}") from e
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def ruleset_sha256() -> str:
    """SHA-256 over every rule file (name and bytes, sorted): recorded in each report for reproducibility."""
    h = hashlib.sha256()
    for name, data in _files():
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def ruleset_files() -> dict[str, str]:
    """Each rule file with its own SHA-256, for the report's tool section."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in _files()}
