"""OOXML packages whose parts are not at the usual names (parts23, review23w): a workbook in another folder than
``xl/`` (``x1/``), sheet targets absolute, with ``..``, in a subfolder, or written from the package root instead of the
workbook's folder (``x1/worksheets/sheet1.xml`` in ``x1/_rels/workbook.xml.rels``: was `corrupt` "calamine:
WorksheetNotFound; openpyxl: 1 sheet(s) missing"). Generated rows (Faker ja_JP, fixed seed)."""

from __future__ import annotations

import io
import zipfile

import pytest
from faker import Faker

from scanner.details import codes_of
from scanner.sheet import Caps
from scanner.tables import read_tables

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _rows() -> list[tuple[str, str, str]]:
    fake = Faker("ja_JP")
    fake.seed_instance(2323)
    return [("氏名", "住所", "電話番号")] + [(fake.name(), fake.address(), fake.phone_number()) for _ in range(5)]


def _package(workbook: str, workbook_target: str, sheet: str, sheet_target: str) -> bytes:
    """One sheet of person rows, the workbook at ``workbook`` (named ``workbook_target`` in _rels/.rels), the sheet
    at ``sheet`` (named ``sheet_target`` in the workbook's relationships)."""
    cells = "".join(f'<row r="{i + 1}">' + "".join(f'<c r="{"ABC"[j]}{i + 1}" t="inlineStr"><is><t>{v}</t></is></c>'
                                                    for j, v in enumerate(row)) + "</row>"
                    for i, row in enumerate(_rows()))
    folder, _, leaf = workbook.rpartition("/")
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                               'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                               f'<Override PartName="/{workbook}" ContentType="{_MAIN}.sheet.main+xml"/>'
                               f'<Override PartName="/{sheet}" ContentType="{_MAIN}.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
                       f'Type="{_R}/officeDocument" Target="{workbook_target}"/></Relationships>',
        workbook: f'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                  f'xmlns:r="{_R}"><sheets><sheet name="名簿" sheetId="1" r:id="rId1"/></sheets></workbook>',
        f"{folder + '/' if folder else ''}_rels/{leaf}.rels":
            f'<?xml version="1.0"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_R}/worksheet" '
            f'Target="{sheet_target}"/></Relationships>',
        sheet: '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               f"<sheetData>{cells}</sheetData></worksheet>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


# (workbook, its target in _rels/.rels, sheet, its target in the workbook's relationships)
_LAYOUTS = {
    "x1-folder": ("x1/workbook.xml", "x1/workbook.xml", "x1/worksheets/sheet1.xml", "worksheets/sheet1.xml"),
    "x1-absolute": ("x1/workbook.xml", "/x1/workbook.xml", "x1/worksheets/sheet1.xml", "/x1/worksheets/sheet1.xml"),
    "absolute": ("xl/workbook.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml"),
    "dotdot": ("xl/workbook.xml", "xl/workbook.xml", "sheets/sheet1.xml", "../sheets/sheet1.xml"),
    "x1-dotdot": ("x1/workbook.xml", "x1/workbook.xml", "x1/worksheets/sheet1.xml", "../x1/worksheets/sheet1.xml"),
    "subfolder": ("xl/workbook.xml", "xl/workbook.xml", "xl/worksheets/sub/sheet1.xml", "worksheets/sub/sheet1.xml"),
    "subfolder-absolute": ("xl/workbook.xml", "/xl/workbook.xml", "xl/worksheets/sub/sheet1.xml",
                           "/xl/worksheets/sub/sheet1.xml"),
    "root": ("workbook.xml", "workbook.xml", "sheet1.xml", "sheet1.xml"),
    # targets written from the package root, not from the workbook's folder (review23w's x1/ package)
    "x1-from-root": ("x1/workbook.xml", "x1/workbook.xml", "x1/worksheets/sheet1.xml", "x1/worksheets/sheet1.xml"),
    "xl-from-root": ("xl/workbook.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
    "sub-from-root": ("xl/workbook.xml", "xl/workbook.xml", "xl/worksheets/sub/sheet1.xml",
                      "xl/worksheets/sub/sheet1.xml"),
}


@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
def test_parts_in_any_folder_are_read(layout):
    book = read_tables(_package(*_LAYOUTS[layout]), Caps())
    (sheet,) = book.sheets
    assert sheet.name == "名簿"
    assert [[str(v) for v in row] for row in sheet.rows] == [list(r) for r in _rows()]


@pytest.mark.parametrize("layout", ["x1-from-root", "xl-from-root", "sub-from-root"])
def test_targets_from_the_root_are_said(layout):
    (sheet,) = read_tables(_package(*_LAYOUTS[layout]), Caps()).sheets
    assert "sheet-targets-rooted" in [c.get("code") for note in sheet.notes for c in codes_of(note)]
    assert "written from the package root" in str(sheet.notes)
