"""Files other projects wrote (Apache POI, SheetJS test_files, calamine, xlrd, openpyxl, frictionless test data),
scanned whole (Session 12, wild12): what ended as nothing or was misread, each with its fix. The third-party files
are gzipped under tests/data/tables/ (README: origin, licence)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import ROOT, run_leakscan

DATA = ROOT / "tests" / "data" / "tables"


def test_quattro_dos_and_lotus_learning_edition_sheets_are_listed(tmp_path: Path) -> None:
    """A Quattro Pro for DOS notebook (.wq1) and a Lotus 1-2-3 Learning Edition sheet (.wke), as SheetJS writes
    them, were walked past as files nobody reads: listed nowhere, where .wk1/.qpw/.wb1 are listed unsupported
    (SheetJS test_files: 3 files of 9,773 ended as nothing). Both are listed now, naming the format."""
    share = tmp_path / "share"
    share.mkdir()
    for name, stored in (("会員.wq1", "sheetjs__write_qpdos.wq1.gz"), ("会員.wke", "sheetjs__write_Led.wke.gz")):
        (share / name).write_bytes(gzip.decompress((DATA / stored).read_bytes()))
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    skipped = {s["path"].rsplit("/", 1)[-1]: s for s in json.loads((out / "findings.json").read_text())["skipped"]}
    for name, kind in (("会員.wq1", "Quattro Pro"), ("会員.wke", "Lotus 1-2-3")):
        assert skipped[name]["reason"] == "unsupported" and kind in skipped[name]["detail"], skipped.get(name)
