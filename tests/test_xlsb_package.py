"""Session 6: an .xlsb whose parts are not under ``xl/`` is read, not listed ``corrupt``.

The package relationships (``_rels/.rels``) may put the workbook part anywhere (SheetJS test_files'
``wtf_path.xlsb`` keeps it in ``wtf/``; a package can hold it at the root; Windows zippers write ``xl\\``).
calamine and pyxlsb both hard-code ``xl/workbook.bin``, so such a workbook was ``corrupt: xlsb: no
xl/workbook.bin`` (a false damage claim, and its sheets never read). The .xlsx path follows the
relationships since session 5; the .xlsb path now does too. Workbooks are written by pyxlsbwriter and their
parts moved the way those writers lay them out; relationship targets and content types move with them.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.contracts import Inspection
from scanner.inspectors.spreadsheet import SpreadsheetInspector
from scanner.sources.single import SingleFileEntry
from scanner.tables import Caps, read_tables, sniff_format
from tests import pii_data as D
from tests.test_xlsb import xlsb_bytes

PEOPLE = D.people(15, seed=61)
ROWS = D.standard(PEOPLE)


def relocated(data: bytes, folder: str, backslash: bool = False, absolute: bool = False) -> bytes:
    """``data`` with every ``xl/`` part moved to ``folder`` (``""``: the package root); the package's own
    relationships and content types name the new places (absolute targets when ``absolute``)."""
    def place(name: str) -> str:
        new = folder + name[3:] if name.startswith("xl/") else name
        return new.replace("/", "\\") if backslash and name.startswith("xl/") else new

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename in ("_rels/.rels", "[Content_Types].xml"):
                body = body.replace(b'"/xl/', f'"/{folder}'.encode()).replace(b'"xl/', f'"{folder}'.encode())
            if absolute and info.filename == "xl/_rels/workbook.bin.rels":
                body = re.sub(rb'Target="(?!/)', f'Target="/{folder}'.encode(), body)
            dst.writestr(place(info.filename), body)
    return out.getvalue()


def inspect(tmp_path: Path, name: str, data: bytes) -> Inspection:
    path = tmp_path / name
    path.write_bytes(data)
    config = ScanConfig(sources=[str(tmp_path)], out=tmp_path / "unused", parse_timeout=30)
    return SpreadsheetInspector(config).inspect(SingleFileEntry(str(path)), data, "", None)


LAYOUTS = {"other-folder": {"folder": "wtf/"}, "root": {"folder": ""}, "absolute-targets": {"folder": "book/",
           "absolute": True}, "windows-names": {"folder": "xl/", "backslash": True}}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_xlsb_parts_outside_xl_are_read(tmp_path, layout):
    plain = xlsb_bytes({"表紙": [["利用者名簿"]], "名簿": ROWS})
    data = relocated(plain, **LAYOUTS[layout])  # type: ignore[arg-type]
    assert "xl/workbook.bin" not in zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sniff_format(data) == "xlsb"
    want = read_tables(plain, Caps())
    got = read_tables(data, Caps())
    assert [(s.name, [list(r) for r in s.rows]) for s in got.sheets] == \
        [(s.name, [list(r) for r in s.rows]) for s in want.sheets]
    ins = inspect(tmp_path, "名簿.xlsb", data)
    assert ins.status == "ok" and ins.pii and ins.pii["records"] == len(PEOPLE), (ins.status, ins.detail)


def test_moved_xlsb_cut_short_is_still_corrupt(tmp_path):
    data = relocated(xlsb_bytes({"名簿": ROWS}), "wtf/")
    ins = inspect(tmp_path, "名簿.xlsb", data[: len(data) * 2 // 3])
    assert ins.status == "corrupt"


def test_moved_xlsb_with_a_missing_sheet_part_is_corrupt(tmp_path):
    data = relocated(xlsb_bytes({"名簿": ROWS, "控え": ROWS}), "wtf/")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if not info.filename.endswith("sheet2.bin"):
                dst.writestr(info, src.read(info))
    ins = inspect(tmp_path, "名簿.xlsb", out.getvalue())
    assert ins.status == "corrupt", (ins.status, ins.detail)
