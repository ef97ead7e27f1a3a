"""Load rule data from signatures/ (TOML, and TSV for the town gazetteer; package data), so a wheel works
like a checkout."""

from __future__ import annotations

import hashlib
import json
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from .errors import RuleError

PACKAGE = "signatures"
SUFFIXES = (".toml", ".tsv")  # rule files: TOML, and tables too large for TOML (the town gazetteer)
# The largest TOML files pre-parsed (tools/compact_rules.py): signatures/<name>.compact.json holds the parsed
# rules and the SHA-256 of the TOML they were made from. Each worker process loads its rules afresh, and
# JSON loads ~20x faster than TOML parses (person_names: 45 ms -> 2 ms). The TOML stays the source: a compact
# form made from other bytes is not used (tests/test_rules_compact.py fails on it too).
COMPACT = ("person_names", "municipalities")
COMPACT_SUFFIX = ".compact.json"


def _files() -> list[tuple[str, bytes]]:
    root = resources.files(PACKAGE)
    return sorted((p.name, p.read_bytes()) for p in root.iterdir() if p.name.endswith(SUFFIXES))


@cache
def load(name: str) -> dict[str, Any]:
    """Parse ``signatures/<name>.toml``; a malformed file is a RuleError naming the file."""
    try:
        data = resources.files(PACKAGE).joinpath(f"{name}.toml").read_bytes()
        compact = compact_form(name, data) if name in COMPACT else None
        return compact if compact is not None else tomllib.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise RuleError(f"signatures/{name}.toml: {e}") from e


def compact_form(name: str, toml: bytes) -> dict[str, Any] | None:
    """The parsed rules of ``signatures/<name>.compact.json`` when they were made from exactly these TOML
    bytes; None when it is missing, unreadable or made from another version of the TOML."""
    try:
        doc = json.loads(resources.files(PACKAGE).joinpath(name + COMPACT_SUFFIX).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("toml_sha256") != hashlib.sha256(toml).hexdigest():
        return None
    rules = doc.get("rules")
    return rules if isinstance(rules, dict) else None


def make_compact(toml: bytes) -> str:
    """The compact form's text for these TOML bytes (tools/compact_rules.py writes it)."""
    rules = tomllib.loads(toml.decode("utf-8"))
    try:
        text = json.dumps({"toml_sha256": hashlib.sha256(toml).hexdigest(), "rules": rules}, ensure_ascii=False,
                          separators=(",", ":"))
    except (TypeError, ValueError) as e:  # TOML dates and times have no JSON form
        raise RuleError(f"rules that JSON cannot hold: {e}") from e
    if json.loads(text)["rules"] != rules:  # only what JSON holds exactly
        raise RuleError("rules that JSON cannot hold exactly")
    return text + "\n"


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
