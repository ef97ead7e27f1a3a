"""Review of wild23's fixes (session 23, review23x).

1. wild23 let a cell tag closed without a value (``<c r="XFD1048576" s="3"/>``) out of the cell box a too-large sheet
   is asked again for (``tables._VALUED_REF``). Its test for "closed without a value" looked for ``/>`` before the
   tag's next ``<`` or ``>`` without minding quotes: an attribute value holding ``/>`` (XML allows ``>`` in one) made a
   cell with a value count as empty. A1 and such a cell at XFD1048576 with a value passed the guard and calamine
   was asked to hold 17 billion cells: "memory allocation of 549755813888 bytes failed", the worker aborted
   (SIGABRT), the file listed `corrupt` with none of its rows examined (833d2d7d: `too-large`, the rows at the top
   read). The attribute values are skipped whole now.
"""

from __future__ import annotations

import io
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
