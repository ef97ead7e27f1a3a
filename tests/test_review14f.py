"""review14f: what the review of images14 found in the .dmg sniffing, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def test_an_empty_dmg_is_not_called_random_or_wiped_bytes(tmp_path: Path) -> None:
    """An empty file named .dmg holds no bytes at all: images14 listed it dmg-unrecognised ("no macOS disk image
    structure ... random, wiped or encrypted bytes?"), a claim about bytes it does not have. It is listed as before
    images14: named like a disk image but none (not-a-disk-image)."""
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "empty.dmg").write_bytes(b"")
    out = tmp_path / "out"
    done = run_cli("scan", str(folder), "--out", str(out), "--quiet")
    assert done.returncode in (0, 1), done.stderr
    rows = {Path(s["path"]).name: [c["code"] for c in s["detail_codes"]]
            for s in json.loads((out / "findings.json").read_text())["skipped"]}
    assert rows == {"empty.dmg": ["not-a-disk-image"]}, rows
