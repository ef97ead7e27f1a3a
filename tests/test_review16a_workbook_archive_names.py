"""review16a: a workbook renamed with any archive's extension (名簿.7z, backup.gz, list.rar ...) is read as the
workbook it is. Only ``.zip`` was (fuzz campaign, Session 8): under another archive name the zip of XML parts was
opened as an archive, none of its members a table, and the list's people ended as nothing (no hit, no skip)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.conftest import scan_findings
from tests.pii_data import people, standard, xlsx_bytes

ROWS = standard(people(12, seed=16))
NAMES = ["名簿.7z", "backup.gz", "old.tar", "list.rar", "list.lzh", "data.tar.gz", "名簿.zip"]




def test_a_workbook_under_any_archive_name_is_read(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    xlsx = xlsx_bytes({"名簿": ROWS})
    for name in NAMES:
        (tree / name).write_bytes(xlsx)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("old/名簿.7z", xlsx)  # the same, as a member of an archive
    (tree / "outer.zip").write_bytes(buf.getvalue())
    found = scan_findings(tree, tmp_path / "out")
    for name in [*NAMES, "outer.zip » old/名簿.7z"]:
        path = f"{tree}/{name}"
        records = sum((h.get("pii") or {}).get("records", 0) for h in found["files"] if h["path"] == path)
        assert records == len(ROWS) - 1, (name, [(h["path"], h["status"]) for h in found["files"]], found["skipped"])
