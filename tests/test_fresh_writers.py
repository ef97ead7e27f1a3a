"""Session 6: what a fresh batch of other projects' test files showed (ExcelDataReader, exceljs, libxls, readxl).

- Workbooks Office encrypted with DES, 3DES or RC2 (ExcelDataReader ``agile_DES_MD5_CBC_pwd_password.xlsx`` ...)
  were ``corrupt: msoffcrypto-tool ValueError``: msoffcrypto-tool decrypts AES only and fails inside its AES
  code. They are intact, password-protected workbooks: ``encrypted``, with the cipher named.
- A picture or compressed data named as a table (ExcelDataReader ``TestFail_Binary.xls`` is a BMP; frictionless
  ``implicit-gz.csv``) read as text in no encoding and was ``corrupt`` (a damage claim): ``unsupported``, named
  by libmagic. Noise libmagic cannot name stays ``corrupt`` (tests/test_damaged_tables.py).
- An OOXML package holding worksheet parts but no workbook part (exceljs ``missing-bits.xlsx``) was
  ``unsupported: zip file that is not a workbook``: its sheets are there, unread, so ``corrupt`` with that reason.
Every file here is generated the same way those were made.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.contracts import Inspection
from scanner.inspectors.spreadsheet import SpreadsheetInspector
from scanner.sources.single import SingleFileEntry
from tests import pii_data as D

ROWS = D.standard(D.people(8, seed=606))


def inspect(tmp_path: Path, name: str, data: bytes) -> Inspection:
    path = tmp_path / name
    path.write_bytes(data)
    config = ScanConfig(sources=[str(tmp_path)], out=tmp_path / "unused", parse_timeout=30)
    return SpreadsheetInspector(config).inspect(SingleFileEntry(str(path)), data, "", None)


@pytest.mark.parametrize("cipher", [b"DES", b"RC2"])
def test_workbook_encrypted_with_a_cipher_msoffcrypto_lacks_is_encrypted(tmp_path, cipher):
    locked = D.encrypted_xlsx(D.xlsx_bytes({"名簿": ROWS}))
    assert locked.count(b'cipherAlgorithm="AES"') == 2
    data = locked.replace(b'cipherAlgorithm="AES"', b'cipherAlgorithm="' + cipher + b'"')
    ins = inspect(tmp_path, "名簿.xlsx", data)
    assert ins.status == "encrypted" and cipher.decode() in ins.detail, (ins.status, ins.detail)


def test_aes_workbook_is_still_opened_with_its_password(tmp_path):
    path = tmp_path / "名簿.xlsx"
    data = D.encrypted_xlsx(D.xlsx_bytes({"名簿": ROWS}), password="VelvetSweatshop")  # Excel's default
    ins = inspect(tmp_path, path.name, data)
    assert ins.status == "ok" and ins.pii and ins.pii["records"] == len(ROWS) - 1, (ins.status, ins.detail)


def _bmp(width: int = 120, height: int = 60) -> bytes:
    rng = random.Random(1)
    row = bytes(rng.choice((0xFF, 0xFE, 0xC0, 0x80, 0xE0, 0x9F)) for _ in range(width * 3))
    pixels = row * height
    header = struct.pack("<2sIHHI", b"BM", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return header + info + pixels


@pytest.mark.parametrize("name,data,words", [
    ("顧客.xls", _bmp(), "bitmap"),
], ids=["bmp-named-xls"])  # a gzip named .csv is opened as the archive it is: tests/test_containers.py
def test_other_content_under_a_table_name_is_unsupported_not_corrupt(tmp_path, name, data, words):
    ins = inspect(tmp_path, name, data)
    assert ins.status == "unsupported" and ins.detail, (ins.status, ins.detail)
    assert words in ins.detail.lower() or "not a known workbook" in ins.detail


def test_ooxml_sheets_without_their_workbook_part_are_corrupt(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(D.xlsx_bytes({"名簿": ROWS}))) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename.startswith("xl/worksheets/") or info.filename == "xl/_rels/workbook.xml.rels":
                dst.writestr(info, src.read(info))
    ins = inspect(tmp_path, "名簿.xlsx", out.getvalue())
    assert ins.status == "corrupt" and "without a workbook part" in ins.detail, (ins.status, ins.detail)


def numbered_refs(xlsx: bytes, far: tuple[int, int] | None = None) -> bytes:
    """The workbook as a .NET export writes it (ExcelDataReader's ``Fillreport.xlsx``): each cell's ``r`` a bare
    column number (``<c r="3">`` in ``<row r="2">``); ``far`` adds one cell at (row, column number)."""
    import re

    def letters_to_number(m: re.Match[bytes]) -> bytes:
        col = 0
        for ch in m.group(2):
            col = col * 26 + ch - 64
        return m.group(1) + str(col - 1).encode() + b'"'

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = re.sub(rb'(<c r=")([A-Z]+)\d+"', letters_to_number, body)
                body = re.sub(rb"<dimension[^>]*/>", b"", body)
                if far:
                    body = body.replace(b"</sheetData>", b'<row r="%d"><c r="%d" t="inlineStr"><is><t>x</t></is></c>'
                                        b"</row></sheetData>" % far)
            dst.writestr(info, body)
    return out.getvalue()


def test_cell_references_as_column_numbers_are_read(tmp_path):
    import python_calamine

    from scanner.tables import Caps, read_tables

    plain = D.xlsx_bytes({"名簿": ROWS})
    data = numbered_refs(plain)
    with pytest.raises(Exception):  # noqa: B017 - the damage is real: calamine refuses the workbook
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    got = read_tables(data, Caps()).sheets[0]
    want = read_tables(plain, Caps()).sheets[0]
    assert [list(r) for r in got.rows] == [list(r) for r in want.rows]
    ins = inspect(tmp_path, "名簿.xlsx", data)
    assert ins.status == "ok" and ins.pii and ins.pii["records"] == len(ROWS) - 1, (ins.status, ins.detail)
    assert "column numbers" in ins.detail


def test_column_number_references_reaching_past_the_cap_are_too_large(tmp_path):
    data = numbered_refs(D.xlsx_bytes({"名簿": ROWS}), far=(1_000_000, 16_000))
    ins = inspect(tmp_path, "名簿.xlsx", data)
    assert ins.status == "too-large", (ins.status, ins.detail)
