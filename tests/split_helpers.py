"""Helpers the split-piece tests share (split14, rar14, split15; folded in split16: review15f #8)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import run_cli


def letters(i: int, width: int = 2) -> str:
    """The suffix ``split`` gives piece ``i`` (0-based): aa, ab ... (``-a 3``: aaa ...)."""
    out = ""
    for _ in range(width):
        out = chr(97 + i % 26) + out
        i //= 26
    return out


def cut_into(folder: Path, name_of: Callable[[int], str], data: bytes, size: int) -> list[Path]:
    """``data`` cut into pieces of ``size`` bytes (the last shorter) in a new ``folder``, piece i named ``name_of(i)``."""
    folder.mkdir(parents=True)
    out = []
    for i in range(-(-len(data) // size)):
        p = folder / name_of(i)
        p.write_bytes(data[i * size:(i + 1) * size])
        out.append(p)
    return out


def scan_folder(tmp_path: Path, src: Path) -> tuple[dict[str, dict], dict[str, list[dict]]]:
    """A CLI scan of ``src`` into tmp_path/out: its file rows by path, and its skipped rows (a list each) by path."""
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    skipped: dict[str, list[dict]] = {}
    for s in doc["skipped"]:
        skipped.setdefault(s["path"], []).append(s)
    return {f["path"]: f for f in doc["files"]}, skipped
