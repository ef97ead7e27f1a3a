"""Session 11 audit: where two branches' rules meet (split archives joined x verify / persons; system folders x
detail codes ...)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from conftest import run_cli
from image_data import LEAKED, leaked_workbook
from test_split11_series import _scan, _seven, _split


def test_verify_sources_rehashes_a_joined_split_archive_as_the_scan_hashed_it(tmp_path: Path) -> None:
    """split11 records the ``.001`` row's digest as the joined archive's; ``verify --sources`` must re-hash the
    same bytes, never call the untouched evidence "changed"."""
    src = tmp_path / "src"
    src.mkdir()
    seven = _seven(leaked_workbook(rows=12))
    parts = _split(src, "名簿一式.7z", seven)
    known = tmp_path / "known.txt"
    known.write_text(hashlib.sha256(seven).hexdigest() + "\n", encoding="utf-8")
    code, doc = _scan(tmp_path, src, "--known-hashes", str(known))
    assert code == 1
    assert any(f["path"] == str(parts[0]) for f in doc["files"])
    run = run_cli("verify", str(tmp_path / "out"), "--sources", str(src), "--json")
    rows = {r["path"]: r for r in json.loads(run.stdout)["sources"]}
    assert rows[str(parts[0])]["status"] == "match", rows[str(parts[0])]
    assert all(r["status"] == "match" for r in rows.values()), rows
    assert run.returncode == 0, run.stdout
