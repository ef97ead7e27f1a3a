"""Regressions for what the session-8 damage campaign (bench/fuzz_campaign.py) found, one test per class.

Every damaged file here is made in the test from a fixed seed (Faker ja_JP person records through
bench/fuzz_campaign.person_rows, or the writers in tests/*_data.py); the campaign's own matrix is in
docs/reference.md ("Damage campaign").
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.pii_data import xlsx_bytes

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

SEP = " » "
ROWS = person_rows(40, 20261205)


def _scan(folder: Path, out: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "scan", str(folder), "--out", str(out),
                           "--parse-timeout", "5", "--workers", "1", "--quiet"],
                          capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _outcome(found: dict[str, Any], path: Path) -> tuple[int, list[str], list[str]]:
    """(records, statuses of hits, skip reasons) of one file and everything read inside it."""
    p = str(path)
    hits = [h for h in found["files"] if h["path"] == p or h["path"].startswith(p + SEP)]
    skips = [s["reason"] for s in found["skipped"] if s["path"] == p or s["path"].startswith(p + SEP)]
    return sum((h.get("pii") or {}).get("records", 0) for h in hits), [h["status"] for h in hits], skips


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    tree = tmp_path_factory.mktemp("campaign") / "tree"
    tree.mkdir()
    xlsx = xlsx_bytes({"名簿": ROWS})
    (tree / "backup.zip").write_bytes(xlsx)  # a workbook saved (or renamed) as .zip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("old/名簿.zip", xlsx)  # the same, inside an archive
    (tree / "outer.zip").write_bytes(buf.getvalue())
    return tree, _scan(tree, tree.parent / "out")


def test_workbook_named_zip_is_read_as_the_workbook_it_is(scanned: tuple[Path, dict[str, Any]]) -> None:
    """A workbook package named .zip was opened as an archive: its parts (XML) were members, none a table,
    so 40 people ended as a clean file listed nowhere (seen for a campaign 'zip quine' of an .xlsx)."""
    tree, found = scanned
    for name in ("backup.zip", "outer.zip"):
        records, statuses, skips = _outcome(found, tree / name)
        assert records == len(ROWS) - 1, (name, records, statuses, skips)
