"""Third-party files swept in session 22 (wild22): ExcelDataReader, PhpSpreadsheet, roo, exceljs, NPOI, ClosedXML,
EPPlus and SheetJS test files through the whole scan.

1. A workbook whose merged ranges name whole columns or rows (PhpSpreadsheet's issue.2501.b.xlsx: ``A:A``, ``B:D``,
   ``1:1``, ``2:4``, as Excel writes them when whole columns or rows are merged) was listed `corrupt` ("calamine:
   CalamineError; openpyxl: TypeError"): both readers refuse a range without its row (or column) part, and the
   sheets were never read. A title row merged across the whole row above a 名簿 is what a user gets by selecting the
   row and pressing Merge & Center: the list's persons went uncounted behind a false `corrupt`. Such ranges are left
   out of a copy of the workbook made in memory (a merge joins no values: the cells are read as they are stored).
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from tests.conftest import ScanCases, own_lines
from tests.document_data import people_rows

N = 12
DATA = Path(__file__).parent / "data" / "tables"
cases = ScanCases("wild22")
scanned = cases.fixture()


def _third(name: str) -> bytes:
    return gzip.decompress((DATA / name).read_bytes())


def _line_merged(rows: list[list[str]], merges: str) -> bytes:
    """An .xlsx of ``rows`` under a title row (openpyxl), its first sheet's merged ranges ``merges`` written in."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["利用者名簿 (令和6年度)"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                cells = "".join(f'<mergeCell ref="{m}"/>' for m in merges.split())
                body, n = re.subn(rb"</sheetData>", f'</sheetData><mergeCells count="{len(merges.split())}">{cells}'
                                  "</mergeCells>".encode(), body)
                assert n == 1
            z.writestr(info, body)
    return out.getvalue()


@cases.case
def _line_merges() -> dict[str, bytes]:
    return {"issue.2501.b.xlsx": _third("phpspreadsheet__issue.2501.b.xlsx.gz"),
            "title_row_merged.xlsx": _line_merged(people_rows(N, seed=2201), "1:1"),
            "columns_merged.xlsx": _line_merged(people_rows(N, seed=2202), "A1:D1 E:E")}


def test_merged_whole_rows_and_columns_are_read(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "line_merges")
    assert lines["skipped"] == [], [(s["path"], s["detail"]) for s in lines["skipped"]]
    got = {Path(h["path"]).name: h["pii"]["records"] for h in lines["files"]}
    assert got == {"title_row_merged.xlsx": N, "columns_merged.xlsx": N}, got


def test_phpspreadsheet_line_merges_read_in_process() -> None:
    """PhpSpreadsheet's own test expects the two sheets Columns and Rows; both are read, no cell lost."""
    from scanner import tables
    from scanner.sheet import Caps

    wb = tables.read_tables(_third("phpspreadsheet__issue.2501.b.xlsx.gz"), Caps())
    assert [s.name for s in wb.sheets] == ["Columns", "Rows"]
    for s in wb.sheets:
        list(s.rows)
        assert not s.damage, s.damage
