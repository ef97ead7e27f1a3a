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
4. An Excel 2003 XML Spreadsheet written by a web export (PhpSpreadsheet's issue.2157.small.xml: tabs before the
   ``<?xml`` declaration, HTML's named references such as ``&Tau;`` and ``&nbsp;`` in the cells; PhpSpreadsheet reads
   it, its test checks cell E2) was listed `corrupt` ("SpreadsheetML: XMLSyntaxError") and unread. White space before
   the declaration is passed over and a named reference XML does not define (a document without a DTD defines only
   the five) is read as HTML's character; the file's products are read (no person), a generated 名簿 so written gives
   its persons.
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


def _web_ssml(rows: list[list[str]]) -> bytes:
    """An Excel 2003 XML Spreadsheet of ``rows`` as a web export writes it: tabs before the declaration, each cell's
    spaces as ``&nbsp;`` and a ``&times;`` in the title."""
    from xml.sax.saxutils import escape

    def cell(v: str) -> str:
        return f'<Cell><Data ss:Type="String">{escape(v).replace(" ", "&nbsp;")}</Data></Cell>'

    body = "".join("<Row>" + "".join(cell(str(v)) for v in r) + "</Row>\n" for r in rows)
    return ("\t\t\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n<Worksheet ss:Name="名簿&times;2024"><Table>\n'
            f"{body}</Table></Worksheet></Workbook>\n").encode()


@cases.case
def _web_xml() -> dict[str, bytes]:
    return {"issue.2157.small.xml": _third("phpspreadsheet__issue.2157.small.xml.gz"),
            "web_roster.xml": _web_ssml(people_rows(N, seed=2204))}


def test_spreadsheetml_of_a_web_export_is_read(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "web_xml")
    assert lines["skipped"] == [], [(s["path"], s["detail"]) for s in lines["skipped"]]
    got = {Path(h["path"]).name: h["pii"]["records"] for h in lines["files"]}
    assert got == {"web_roster.xml": N}, got


def test_phpspreadsheet_web_export_read_in_process() -> None:
    """PhpSpreadsheet's test: E2 is 'Τέλεια όραση χωρίς γυαλιά' (its Greek written as HTML references)."""
    from scanner import tables
    from scanner.sheet import Caps

    wb = tables.read_tables(_third("phpspreadsheet__issue.2157.small.xml.gz"), Caps())
    sheets = [(s.name, list(s.rows), s.damage) for s in wb.sheets]
    assert [n for n, _, _ in sheets] == ["ProductsAPIData"] and not sheets[0][2]
    assert sheets[0][1][1][4] == "Τέλεια όραση χωρίς γυαλιά"


@cases.case
def _picture() -> dict[str, bytes]:
    return {"TestFail_Binary.xls": _third("edr__TestFail_Binary.xls.gz")}


def test_picture_named_as_a_table_is_unsupported_not_corrupt(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "picture")
    listed = [(s["reason"], [c["code"] for c in s["detail_codes"]], s["detail"]) for s in lines["skipped"]]
    assert len(listed) == 1 and listed[0][:2] == ("unsupported", ["not-a-table-named"]), listed
    assert "bitmap" in listed[0][2].lower(), listed


def test_phpspreadsheet_line_merges_read_in_process() -> None:
    """PhpSpreadsheet's own test expects the two sheets Columns and Rows; both are read, no cell lost."""
    from scanner import tables
    from scanner.sheet import Caps

    wb = tables.read_tables(_third("phpspreadsheet__issue.2501.b.xlsx.gz"), Caps())
    assert [s.name for s in wb.sheets] == ["Columns", "Rows"]
    for s in wb.sheets:
        list(s.rows)
        assert not s.damage, s.damage
