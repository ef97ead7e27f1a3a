"""``--case-file case.toml``: the case block and the examiner's breach-report items, written once.

    [case]
    id = "2026-001"
    examiner = "調査 太郎"
    witness = "立会 花子"
    organisation = "○○市 高齢福祉課"
    notes = ["押収した PC 8 台のイメージ"]

    [breach]            # ④-⑦ of the breach report (漏えい等報告); anything left out stays a blank line
    cause = "元職員による持ち出し"
    secondary_damage = "現時点で確認されていない"
    response = "本人へ通知済み（2026-03-01）"
    publication = "ウェブサイトで公表（2026-03-05）"

Options given on the command line (--case-id, --examiner, ...) win over the file. A wrong file is a
UsageError naming the key, before anything is scanned.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from .errors import UsageError
from .optionfile import read_option_file

CASE_KEYS = ("id", "examiner", "witness", "organisation", "notes")
BREACH_KEYS = ("cause", "secondary_damage", "response", "publication")
LIMIT = 1 << 20


def read_case_file(path: Path) -> dict[str, Any]:
    """``{"case": {...}, "breach": {...}}`` from a case TOML file (strings only; notes a list of strings)."""
    raw, _st = read_option_file(path, "--case-file", LIMIT, "; not a case file")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise UsageError(f"--case-file {path}: not a UTF-8 TOML file ({e})") from e
    unknown = sorted(set(data) - {"case", "breach"})
    if unknown:
        raise UsageError(f"--case-file {path}: unknown table(s) {', '.join(unknown)}; use [case] and [breach]")
    case = _table(path, data, "case", CASE_KEYS)
    breach = _table(path, data, "breach", BREACH_KEYS)
    notes = case.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise UsageError(f"--case-file {path}: [case] notes must be a list of strings")
    return {"case": case, "breach": {k: v for k, v in breach.items() if v.strip()}}


def _table(path: Path, data: dict[str, Any], name: str, keys: tuple[str, ...]) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise UsageError(f"--case-file {path}: [{name}] must be a table")
    unknown = sorted(set(table) - set(keys))
    if unknown:
        raise UsageError(f"--case-file {path}: unknown key(s) in [{name}]: {', '.join(unknown)} "
                         f"(known: {', '.join(keys)})")
    for k, v in table.items():
        if k != "notes" and not isinstance(v, str):
            raise UsageError(f"--case-file {path}: [{name}] {k} must be a string")
    return dict(table)
