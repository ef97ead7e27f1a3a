"""Third-party files swept in session 23 (wild23): python-calamine, rust_xlsxwriter, libxlsxwriter, xlsx-populate,
excelize, pyexcel, Gnumeric, docx4j and Apache Tika's spreadsheets through the whole scan.

1. A workbook embedding a presentation (Tika's testEXCEL_embeded.xlsx: xl/embeddings/...Presentation1.pptx, which
   itself embeds a Word document) was listed `corrupt`, "1 embedded object(s) named by local headers are not in the
   zip directory (a damaged entry): not examined". Nothing is damaged: the deflated .pptx holds stored blocks (its own
   members are compressed already, so the encoder keeps their bytes as they are), and the .pptx's own local headers
   (ppt/embeddings/..., ppt/media/...) stand verbatim inside the workbook's member. A local header inside another
   member's data, as the zip directory gives it, is that member's content, no entry of this zip.
2. A dBase table naming no code page whose text is GB18030 (Tika's testDBF_gb18030.dbf: "It was the best of times",
   a Chinese sentence, "it was the worst of times") was listed `corrupt`, "decoding: partial (1 bytes replaced)":
   the code page guess took cp932, which decodes byte 0xFD without an error (a private-use character, no Shift_JIS
   character), and the records' reader then counted that byte as one it could not read. The guess counts such bytes
   against cp932 as the reader does: the table is read without a damage it does not have.
3. A workbook template of Excel 12 Beta 1 (Open-XML-SDK's O12 templates/ProjectStatusReport_TP10094814.xltx, 2006:
   content types of schemas.microsoft.com/package/2005/06, a workbook of .../office/excel/2005/8/workbook, shared
   strings as ``<sstItem>``) was listed `corrupt`, "calamine: CalamineError; openpyxl: OSError": nothing in it is
   damaged, it is written in a schema the released Excel 2007 replaced, which neither reader knows. It is listed
   `unsupported`, the format named.
4. A sheet formatted down to Excel's last row (tealeg/xlsx's testFileToSliceValueOnly.xlsx: 4 values, then styled
   cells without a value in rows 1,048,574-1,048,576, columns A:Y) was listed `too-large`, "cells reach 26214400
   cells (first to last reference) > cap 20000000; ... examined up to row 800000 of sheet or table 1 (20000025 cells
   read); the rows after it and any later sheet were not read": the guard's box counted the empty styled cells,
   which calamine does not place (its range for the sheet is 2 x 2), so openpyxl streamed 800,000 empty rows and
   the later sheets went unread. A cell tag closed without a value no longer reaches the box.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path
from typing import Any

from tests.conftest import ScanCases, own_lines
from tests.document_data import docx_bytes, people_rows, w_para

N = 12
DATA = Path(__file__).parent / "data" / "tables"
cases = ScanCases("wild23")
scanned = cases.fixture()


def _xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _with_member(package: bytes, name: str, body: bytes) -> bytes:
    """``package`` with ``body`` added as ``name``, deflated at level 0 (stored blocks: the bytes stay as they are,
    as a deflate encoder keeps data it cannot compress, such as a zip's members)."""
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        z.writestr(name, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=0)
    return out.getvalue()


@cases.case
def _nested_embedding() -> dict[str, bytes]:
    """A workbook embedding a Word document that embeds a 名簿 workbook (as Tika's testEXCEL_embeded.xlsx embeds a
    presentation embedding a Word document); and the document alone."""
    inner = docx_bytes(w_para("添付資料"), {})
    inner = _with_member(inner, "word/embeddings/Microsoft_Excel_Worksheet1.xlsx", _xlsx(people_rows(N, seed=2301)))
    outer = _with_member(_xlsx([["資料一覧"], ["添付の通り"]]), "xl/embeddings/Microsoft_Word_Document1.docx", inner)
    return {"embeds_document.xlsx": outer}


@cases.case
def _lost_after_a_damaged_size() -> dict[str, bytes]:
    """Two embedded objects, the second renamed in the zip directory only (a flipped bit: its local header names an
    object the directory lists nowhere) and the first's compressed size in the directory grown past the second's
    header: the span of the first (a size its local header does not repeat) must not hide the second."""
    import struct

    doc = _with_member(docx_bytes(w_para("添付資料"), {}), "word/document2.xml", b"<x/>")
    book = _with_member(_xlsx([["資料一覧"]]), "xl/embeddings/Microsoft_Word_Document1.docx", doc)
    book = _with_member(book, "xl/embeddings/Microsoft_Excel_Worksheet2.xlsx", _xlsx(people_rows(N, seed=2307)))
    central = book.rfind(b"PK\x01\x02" + book[book.rfind(b"PK\x01\x02"):][4:6])  # (the last entry: the worksheet)
    entry = book.find(b"Microsoft_Excel_Worksheet2.xlsx", central)
    book = book[:entry] + b"Microsoft_Excel_Worksheet3.xlsx" + book[entry + 31:]  # renamed in the directory only
    first = book.find(b"PK\x01\x02", book.find(b"xl/embeddings/Microsoft_Word_Document1.docx") + 1)
    while book[first + 46:first + 46 + 43] != b"xl/embeddings/Microsoft_Word_Document1.docx":
        first = book.find(b"PK\x01\x02", first + 4)
    size = struct.unpack("<I", book[first + 20:first + 24])[0]
    book = book[:first + 20] + struct.pack("<I", size + 4000) + book[first + 24:]
    return {"lost_after_damaged_size.xlsx": book}


def test_a_damaged_directory_size_hides_no_lost_object(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "lost_after_a_damaged_size")
    codes = [c["code"] for s in lines["skipped"] for c in s["detail_codes"]]
    assert "embedded-lost-from-directory" in codes, [(s["path"], s["detail"]) for s in lines["skipped"]]


def test_local_headers_inside_an_embedded_package_are_no_lost_entry(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "nested_embedding")
    assert lines["skipped"] == [], [(s["path"], s["detail"]) for s in lines["skipped"]]
    got = {h["path"].split(" » ", 1)[1]: h["pii"]["records"] for h in lines["files"] if " » " in h["path"]}
    assert N in got.values(), [(h["path"], h["pii"]) for h in lines["files"]]


def _third(name: str) -> bytes:
    return gzip.decompress((DATA / name).read_bytes())


@cases.case
def _dbf_gb18030() -> dict[str, bytes]:
    return {"testDBF_gb18030.dbf": _third("tika__testDBF_gb18030.dbf.gz")}


def test_dbf_without_code_page_is_not_damaged_by_the_guess(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "dbf_gb18030")
    assert lines["skipped"] == [], [(s["path"], s["detail"]) for s in lines["skipped"]]


def test_dbf_gb18030_read_in_process() -> None:
    from scanner.dbase import dbf_sheets
    from scanner.sheet import Caps

    (sheet,) = dbf_sheets(_third("tika__testDBF_gb18030.dbf.gz"), Caps())
    rows = [list(r) for r in sheet.rows]
    assert rows[1][0] == "It was the best of times" and rows[3][0] == "it was the worst of times", rows
    assert not sheet.damage and not sheet.notes, (sheet.damage, sheet.notes)


def _beta1(rows: list[list[str]]) -> bytes:
    """A workbook as Excel 12 Beta 1 wrote it (Open-XML-SDK's ProjectStatusReport_TP10094814.xltx: the package and
    workbook namespaces of 2005, inline strings here)."""
    from xml.sax.saxutils import escape

    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.microsoft.com/package/2005/06/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.ms-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
          'ContentType="application/vnd.ms-excel.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
          'ContentType="application/vnd.ms-excel.worksheet+xml"/></Types>')
    rel = "http://schemas.microsoft.com/office/2006/relationships"
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.microsoft.com/'
            f'package/2005/06/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>')
    wb_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.microsoft.'
               f'com/package/2005/06/relationships"><Relationship Id="rId1" Type="{rel}/xlWorksheet" '
               'Target="worksheets/sheet1.xml"/></Relationships>')
    wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.microsoft.com/office/'
          'excel/2005/8/workbook" xmlns:r="http://schemas.microsoft.com/office/2005/11/relationships"><sheets>'
          '<sheet name="名簿" tabId="1" r:id="rId1"/></sheets></workbook>')
    cells = "".join(f'<row r="{i + 1}">' + "".join(f'<c t="inlineStr"><is><t>{escape(v)}</t></is></c>' for v in r)
                    + "</row>" for i, r in enumerate(rows))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.microsoft.com/office/'
             f'excel/2005/8/worksheet"><sheetData>{cells}</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in (("[Content_Types].xml", ct), ("_rels/.rels", rels), ("xl/_rels/workbook.xml.rels", wb_rels),
                           ("xl/workbook.xml", wb), ("xl/worksheets/sheet1.xml", sheet)):
            z.writestr(name, body)
    return out.getvalue()


@cases.case
def _excel12_beta1() -> dict[str, bytes]:
    return {"beta1_meibo.xltx": _beta1(people_rows(N, seed=2303)), "beta1_meibo.xlsx": _beta1(people_rows(N, seed=2304))}


def test_excel12_beta1_workbook_is_unsupported_not_corrupt(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "excel12_beta1")
    got = sorted((Path(s["path"]).name, s["reason"], [c["code"] for c in s["detail_codes"]]) for s in lines["skipped"])
    assert got == [(name, "unsupported", ["unread-table-format"]) for name in ("beta1_meibo.xlsx", "beta1_meibo.xltx")], got


def _styled_to_last_row(rows: list[list[str]]) -> bytes:
    """A workbook whose first sheet holds two values and styled cells without a value in Excel's last rows (as a
    column formatted whole leaves them: tealeg/xlsx testFileToSliceValueOnly.xlsx), its second sheet ``rows``."""
    import re

    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    wb.active.append(["予定表", "2024"])
    wb.active["A3"].font = Font(bold=True)  # a style for the empty cells below
    second = wb.create_sheet("名簿")
    for r in rows:
        second.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    empty = "".join(f'<row r="{n}" s="1" customFormat="1">' + "".join(f'<c r="{c}{n}" s="1"/>' for c in "ABCDEFGHIJKLMNOPQRSTUVWXY")
                    + "</row>" for n in (1048574, 1048575, 1048576))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body, n = re.subn(rb"</sheetData>", empty.encode() + b"</sheetData>", body)
                assert n == 1
            z.writestr(info, body)
    return out.getvalue()


@cases.case
def _styled_last_rows() -> dict[str, bytes]:
    return {"styled_to_last_row.xlsx": _styled_to_last_row(people_rows(N, seed=2306))}


def test_styled_empty_cells_in_the_last_rows_are_no_reach(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "styled_last_rows")
    assert lines["skipped"] == [], [(s["path"], s["detail"]) for s in lines["skipped"]]
    assert [h["pii"]["records"] for h in lines["files"]] == [N], lines["files"]
