"""Review of wild23's fixes (session 23, review23x).

1. wild23 let a cell tag closed without a value (``<c r="XFD1048576" s="3"/>``) out of the cell box a too-large sheet
   is asked again for (``tables._VALUED_REF``). Its test for "closed without a value" looked for ``/>`` before the
   tag's next ``<`` or ``>`` without minding quotes: an attribute value holding ``/>`` (XML allows ``>`` in one) made a
   cell with a value count as empty. A1 and such a cell at XFD1048576 with a value passed the guard and calamine
   was asked to hold 17 billion cells: "memory allocation of 549755813888 bytes failed", the worker aborted
   (SIGABRT), the file listed `corrupt` with none of its rows examined (833d2d7d: `too-large`, the rows at the top
   read). The attribute values are skipped whole now.
2. wild23's ``embedded._member_spans`` takes a listed member's span (local header to the end of its compressed size)
   as that member's content, so a local header inside it is no lost entry. A zip whose directory entry of one
   embedded object is taken out and whose preceding member's compressed size is grown in both headers to cover it
   (crafted: the deflated member still reads, zlib stops at its stream's end and the CRC holds) had its hidden object
   unsaid: the workbook ended clean (833d2d7d: `corrupt`, "1 embedded object(s) named by local headers are not in
   the zip directory"). A header inside a deflated member's span counts as its content only before the end of that
   member's deflate stream (found, when such a header is met, by inflating it with the output thrown away).
   The same with the document stored: zipfile reads a stored member's uncompressed size (which the grown compressed
   size leaves as it was), so its content ends there.
"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from scanner.errors import ReadError
from scanner.sheet import Caps
from scanner.tables import check_zip

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _one_sheet(last: str) -> bytes:
    """A workbook whose sheet holds "x" at A1 and ``last`` in row 1,048,576 (not read by calamine here: a box of
    17 billion cells aborts the process)."""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
             f'<row r="1048576">{last}</row></sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("xl/workbook.xml", _WB),
                           ("xl/_rels/workbook.xml.rels", _WB_RELS), ("xl/worksheets/sheet1.xml", sheet)):
            z.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize("last", [
    '<c r="XFD1048576"><v>1</v></c>',
    '<c r="XFD1048576" s="1"></c>',
    '<c r="XFD1048576" s="1" x="/>"><v>1</v></c>',
    "<c r=\"XFD1048576\" s='1' x='a/>'><v>1</v></c>",
    '<c r="XFD1048576" x="/>" t="inlineStr"><is><t>far</t></is></c>',
])
def test_a_far_cell_with_a_value_stays_too_large(last: str) -> None:
    with pytest.raises(ReadError) as e:
        check_zip(_one_sheet(last), Caps(), alone=True, valued=True)
    assert e.value.reason.value == "too-large", e.value.detail


@pytest.mark.parametrize("last", ['<c r="XFD1048576" s="1"/>', '<c r="XFD1048576" s="1" x="a>b" />',
                                  '<c r="XFD1048576" t="s" s="1"/>'])
def test_a_far_cell_closed_without_a_value_is_no_reach(last: str) -> None:
    check_zip(_one_sheet(last), Caps(), alone=True, valued=True)


def _xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _with_member(package: bytes, name: str, body: bytes, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """``package`` with ``body`` added as ``name``, deflated at level 0 (as tests/test_wild23.py) or stored."""
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        z.writestr(name, body, compress_type=method, compresslevel=0)
    return out.getvalue()


def _hidden_behind_a_grown_size(method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A workbook embedding a Word document then a 名簿 workbook, the 名簿's directory entry taken out and the
    document's compressed size grown in its local header and in the directory to the 名簿's end."""
    from tests.document_data import docx_bytes, people_rows, w_para

    doc = _with_member(docx_bytes(w_para("添付資料"), {}), "word/document2.xml", b"<x/>")
    book = _with_member(_xlsx([["資料一覧"]]), "xl/embeddings/Microsoft_Word_Document1.docx", doc, method)
    book = _with_member(book, "xl/embeddings/Microsoft_Excel_Worksheet2.xlsx", _xlsx(people_rows(12, seed=2391)))
    end = book.rfind(b"PK\x05\x06")
    cd_off = struct.unpack("<I", book[end + 16:end + 20])[0]
    entries, at = [], cd_off
    while at < end:
        n, e, c = struct.unpack("<HHH", book[at + 28:at + 34])
        entries.append(book[at:at + 46 + n + e + c])
        at += 46 + n + e + c
    (doc_entry,) = [x for x in entries if x[46:].startswith(b"xl/embeddings/Microsoft_Word_Document1.docx")]
    (hidden,) = [x for x in entries if x[46:].startswith(b"xl/embeddings/Microsoft_Excel_Worksheet2.xlsx")]
    local = struct.unpack("<I", doc_entry[42:46])[0]
    grown = cd_off - local - 30 - sum(struct.unpack("<HH", book[local + 26:local + 30]))  # to the directory
    out = bytearray(book[:cd_off])
    out[local + 18:local + 22] = struct.pack("<I", grown)
    central = b"".join(x[:20] + struct.pack("<I", grown) + x[24:] if x is doc_entry else x
                       for x in entries if x is not hidden)
    eocd = bytearray(book[end:])
    eocd[8:12] = struct.pack("<HH", len(entries) - 1, len(entries) - 1)
    eocd[12:16] = struct.pack("<I", len(central))
    return bytes(out) + central + bytes(eocd)


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_an_object_hidden_behind_a_grown_size_is_lost_not_content(method: int) -> None:
    """Stored: zipfile reads the member's uncompressed size, not the grown compressed size, and the CRC holds."""
    from scanner.inspectors.embedded import _objects_in_local_headers

    book = _hidden_behind_a_grown_size(method)
    with zipfile.ZipFile(io.BytesIO(book)) as z:  # the package reads: only the local headers tell
        assert z.testzip() is None
        assert "xl/embeddings/Microsoft_Excel_Worksheet2.xlsx" not in z.namelist()
    assert "xl/embeddings/Microsoft_Excel_Worksheet2.xlsx" in _objects_in_local_headers(book)
