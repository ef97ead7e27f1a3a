"""Lead's fixes found when session 23's branches met (each test failed on the merged main before its fix)."""
from __future__ import annotations

import io
import zipfile

from scanner.inspectors.embedded import _member_spans, _objects_in_local_headers


def _package_with_every_offset_wrong() -> bytes:
    """A workbook-like package whose directory places no member (every local-header offset moved by one byte)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/embeddings/oleObject1.bin", b"\x00" * 64)
    data = bytearray(buf.getvalue())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        offset = int.from_bytes(data[at + 42:at + 46], "little")
        data[at + 42:at + 46] = (offset + 1).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def test_a_directory_that_places_no_member_gives_no_spans_and_no_crash() -> None:
    data = _package_with_every_offset_wrong()
    assert _member_spans(data) == []  # wild23 + review23x: ValueError from zip(strict=True) over no span
    assert "xl/embeddings/oleObject1.bin" in _objects_in_local_headers(data)


def _sheet_with_a_far_styled_cell(far: str) -> bytes:
    """A one-sheet workbook: a value in A1 and a styled cell at ``far`` closed without a value (``<c r=".." s="1"/>``)."""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>名簿</t></is></c></row>'
             f'<row r="{far[1:]}"><c r="{far}" s="1"/></row></sheetData></worksheet>')
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
        'name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return buf.getvalue()


def test_calamine_places_no_cell_closed_without_a_value() -> None:
    """review23x's value-box re-check (a `too-large` sheet read when only its styled cells are far) holds only while
    python-calamine leaves cells closed without a value out of the sheet's range; an upgrade that places them would
    make such sheets huge again (the abort review23x fixed): this fails first, so the guard is revisited."""
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(_sheet_with_a_far_styled_cell("A200000"))).get_sheet_by_index(0)
    assert sheet.height == 1 and sheet.to_python() == [["名簿"]]
