"""Third-party files swept in session 22 (wild22): ExcelDataReader, PhpSpreadsheet, roo, exceljs, NPOI, ClosedXML,
EPPlus and SheetJS test files through the whole scan.

1. A workbook whose merged ranges name whole columns or rows (PhpSpreadsheet's issue.2501.b.xlsx: ``A:A``, ``B:D``,
   ``1:1``, ``2:4``, as Excel writes them when whole columns or rows are merged) was listed `corrupt` ("calamine:
   CalamineError; openpyxl: TypeError"): both readers refuse a range without its row (or column) part, and the
   sheets were never read. A title row merged across the whole row above a 名簿 is what a user gets by selecting the
   row and pressing Merge & Center: the list's persons went uncounted behind a false `corrupt`. Such ranges are left
   out of a copy of the workbook made in memory (a merge joins no values: the cells are read as they are stored).
2. A workbook whose sheet's visibility is a word the schema does not have (exceljs' test-row-styles.xlsx:
   ``<sheet state="show">``, which exceljs writes when a program passes ``state: 'show'``, and reads back) was
   listed `corrupt` with "workbook rebuilt from its zip's local headers: ... 6 part(s) lost" though no part is
   damaged: calamine ("Unrecognized sheet:state: show") and openpyxl refuse it. The sheet is read as visible.
3. A Lotus 1-2-3 97/Millennium worksheet (SheetJS' write_L97.123, CRLFR9.123) is named with a number: it was listed
   unsupported (no Lotus reader: true) and also "a later segment of an image set whose first segment (write_L97.001)
   is not beside it", which it is not. Its first bytes are Lotus' BOF record (opcode 0, 26 bytes, version 0x10xx):
   another file format's, like a zip's or a PDF's, so no disk segment.
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


def _state_show(rows: list[list[str]]) -> bytes:
    """An .xlsx of ``rows`` (openpyxl) whose workbook part gives its sheet ``state="show"``."""
    import openpyxl

    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/workbook.xml":
                body, n = re.subn(rb"<sheet ", b'<sheet state="show" ', body)
                assert n == 1
            z.writestr(info, body)
    return out.getvalue()


@cases.case
def _sheet_state() -> dict[str, bytes]:
    return {"test-row-styles.xlsx": _third("exceljs__test-row-styles.xlsx.gz"),
            "state_show.xlsx": _state_show(people_rows(N, seed=2203))}


def test_sheet_state_show_is_read(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "sheet_state")
    assert lines["skipped"] == [], [(s["path"], s["detail"]) for s in lines["skipped"]]
    got = {Path(h["path"]).name: h["pii"]["records"] for h in lines["files"]}
    assert got == {"state_show.xlsx": N}, got


def test_exceljs_state_show_read_in_process() -> None:
    """exceljs' own test edits the rows of its one sheet: 38 rows of "asdf" in 29 columns, all read."""
    from scanner import tables
    from scanner.sheet import Caps

    wb = tables.read_tables(_third("exceljs__test-row-styles.xlsx.gz"), Caps())
    rows = [list(s.rows) for s in wb.sheets]
    assert len(rows) == 1 and sum(1 for r in rows[0] for c in r if c == "asdf") == 1102


@cases.case
def _lotus_123() -> dict[str, bytes]:
    return {"write_L97.123": _third("sheetjs__write_L97.123.gz")}


def test_lotus_123_is_no_disk_segment(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "lotus_123")
    assert [(s["reason"], [c["code"] for c in s["detail_codes"]]) for s in lines["skipped"]] == [
        ("unsupported", ["unread-table-format"])], lines["skipped"]


def test_phpspreadsheet_line_merges_read_in_process() -> None:
    """PhpSpreadsheet's own test expects the two sheets Columns and Rows; both are read, no cell lost."""
    from scanner import tables
    from scanner.sheet import Caps

    wb = tables.read_tables(_third("phpspreadsheet__issue.2501.b.xlsx.gz"), Caps())
    assert [s.name for s in wb.sheets] == ["Columns", "Rows"]
    for s in wb.sheets:
        list(s.rows)
        assert not s.damage, s.damage
