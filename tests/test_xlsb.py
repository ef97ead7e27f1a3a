""".xlsb reading: calamine first, pyxlsb (scanner/xlsb.py) where calamine fails, honest `corrupt` otherwise.

Expectations come from independent readers (pyxlsb's own rows(), python-calamine) on the same bytes, plus
facts checked by hand on apache/poi's Simple.xlsb. Person workbooks are written with pyxlsbwriter (the
only LibreOffice-free .xlsb writer found on PyPI); its files declare the sheet dimension as A1, which is
also why rows are assembled from cell records rather than through pyxlsb's dimension-bound rows().
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.detectors.pii import cell_text
from scanner.errors import ReadError
from scanner.pipeline import run_scan
from scanner.sources import open_source
from scanner.tables import Caps, read_tables, sniff_format
from scanner.xlsb import _records, normalise_beta, pyxlsb_sheets
from tests import pii_data as D

SIMPLE = "poi__Simple.xlsb"
xlsb_bytes = D.xlsb_bytes
PEOPLE = D.people(12)
ROWS = D.standard(PEOPLE)


def _rewrite(data: bytes, member: str, change) -> bytes:
    """A copy of the zip with one member's bytes passed through ``change``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            raw = src.read(info)
            dst.writestr(info.filename, change(raw) if info.filename == member else raw)
    return buf.getvalue()


def to_beta(data: bytes) -> bytes:
    """The Excel 2007 beta sheet list: 4 extra bytes before iTabID in every BrtBundleSh (as in Simple.xlsb)."""
    def change(book: bytes) -> bytes:
        out = bytearray()
        for rtype, header, body in _records(book):
            if rtype == 0x9C:
                body = body[:4] + b"\0\0\0\0" + body[4:]
                assert len(body) < 0x80  # one-byte length below
                out += header[:2] + bytes([len(body)]) + body
            else:
                out += header + body
        return bytes(out)

    return _rewrite(data, "xl/workbook.bin", change)


def _pyxlsb_own_rows(data: bytes) -> dict[str, list[list[object]]]:
    """pyxlsb's public API (rows() bound to the declared dimension), trailing empty cells dropped."""
    from pyxlsb import open_workbook

    out = {}
    with open_workbook(io.BytesIO(data)) as wb:
        for i, name in enumerate(wb.sheets, 1):
            with wb.get_sheet(i) as ws:
                rows = [[c.v for c in r] for r in ws.rows()]
            out[name] = [_trim(r) for r in rows]
    return out


def _trim(row: list[object]) -> list[object]:
    row = ["" if v is None else v for v in row]
    while row and row[-1] == "":
        row.pop()
    return row


def _texts(rows) -> list[list[str]]:
    return [[cell_text(v) for v in r] for r in rows]


def _scan(root: Path, tmp: Path, **cfg):
    config = ScanConfig(sources=[str(root)], out=tmp / "out", **cfg)
    return run_scan(config, [open_source(str(root))])


# --- the real file: apache/poi test-data Simple.xlsb (written by an Excel 2007 beta) -------------------

def test_simple_xlsb_needs_the_beta_sheet_list_fix(corpus):
    from python_calamine import CalamineWorkbook
    from pyxlsb import open_workbook

    data = (corpus / "spreadsheets" / "robust" / SIMPLE).read_bytes()
    with pytest.raises(BaseException) as calamine_error:  # noqa: B017 - a Rust PanicException
        CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert type(calamine_error.value).__name__ == "PanicException"
    with pytest.raises(KeyError):  # the relationship id is read 4 bytes too early
        open_workbook(io.BytesIO(data))
    fixed = normalise_beta(data)
    assert fixed is not None
    wb = CalamineWorkbook.from_filelike(io.BytesIO(fixed))  # an independent reader accepts the fix
    assert wb.sheet_names == ["Sheet1", "Sheet2", "Sheet3"]


def test_simple_xlsb_is_read(corpus):
    from python_calamine import CalamineWorkbook

    data = (corpus / "spreadsheets" / "robust" / SIMPLE).read_bytes()
    assert sniff_format(data) == "xlsb"
    wb = read_tables(data, Caps())
    got = {s.name: [_trim(r) for r in s.rows] for s in wb.sheets}
    fixed = normalise_beta(data)
    assert got == _pyxlsb_own_rows(fixed)
    cal = CalamineWorkbook.from_filelike(io.BytesIO(fixed))
    assert got == {n: [_trim(r) for r in cal.get_sheet_by_name(n).to_python()] for n in cal.sheet_names}
    # checked by hand (Excel-compatible viewer): three sheets, one sentence in Sheet1!A1, the others empty
    assert list(got) == ["Sheet1", "Sheet2", "Sheet3"]
    assert got["Sheet1"] == [["This is an example spreadsheet created with Microsoft Excel 2007 Beta 2."]]
    assert got["Sheet2"] == got["Sheet3"] == []


def test_standard_xlsb_is_not_rewritten():
    assert normalise_beta(xlsb_bytes({"名簿": ROWS})) is None


# --- person records ------------------------------------------------------------------------------------

def test_pyxlsb_rows_match_calamine_on_a_generated_workbook():
    data = xlsb_bytes({"名簿": ROWS, "空": []})
    by_calamine = read_tables(data, Caps())
    by_pyxlsb = list(pyxlsb_sheets(data, Caps()))
    assert [s.name for s in by_pyxlsb] == [s.name for s in by_calamine.sheets] == ["名簿", "空"]
    assert _texts(by_pyxlsb[0].rows) == _texts(by_calamine.sheets[0].rows)
    assert _texts(by_pyxlsb[0].rows)[1][1] == PEOPLE[0].name  # not cut to the declared A1 dimension


@pytest.mark.parametrize("beta", [False, True], ids=["calamine", "beta-pyxlsb-fallback"])
def test_person_records_in_xlsb_are_counted(tmp_path, beta):
    data = xlsb_bytes({"表紙": [["利用者名簿"]], "名簿": ROWS})
    if beta:
        data = to_beta(data)
    share = tmp_path / "share"
    share.mkdir()
    (share / "list.xlsb").write_bytes(data)
    (share / "renamed.dat").write_bytes(data)  # chosen by content, not extension
    result = _scan(share, tmp_path)
    assert not result.skipped, [s.to_json() for s in result.skipped]
    hits = {Path(h.location.path).name: h for h in result.hits}
    assert set(hits) == {"list.xlsb", "renamed.dat"}
    for hit in hits.values():
        assert "pii" in hit.reasons
        assert hit.pii["format"] == "xlsb"
        assert hit.pii["records"] == len(PEOPLE)
        (sheet,) = hit.pii["sheets"]
        assert sheet["name"] == "名**" and sheet["index"] == 2 and sheet["header_row"] == 1  # masked; after 表紙
        assert sheet["columns"]["name"] == ["氏名"] and sheet["columns"]["address"] == ["住所"]


def test_cell_cap_applies_to_the_fallback():
    data = to_beta(xlsb_bytes({"名簿": ROWS}))
    with pytest.raises(ReadError) as e:
        read_tables(data, Caps(max_cells=20))
    assert e.value.reason == "too-large"


# --- broken files --------------------------------------------------------------------------------------

@pytest.mark.parametrize("part", ["xl/workbook.bin", "xl/worksheets/sheet1.bin", "xl/sharedStrings.bin"])
@pytest.mark.parametrize("keep", [0.4, 0.9])
def test_a_truncated_part_is_corrupt_not_partly_read(part, keep):
    data = to_beta(xlsb_bytes({"名簿": ROWS}))
    damaged = _rewrite(data, part, lambda raw: raw[: int(len(raw) * keep)])
    with pytest.raises(ReadError) as e:
        read_tables(damaged, Caps())
    assert e.value.reason == "corrupt"
    assert all(p.name not in e.value.detail and p.address not in e.value.detail for p in PEOPLE)


def test_truncated_copy_is_corrupt_and_the_scan_goes_on(corpus, tmp_path):
    simple = (corpus / "spreadsheets" / "robust" / SIMPLE).read_bytes()
    share = tmp_path / "share"
    share.mkdir()
    shutil.copyfile(corpus / "spreadsheets" / "robust" / SIMPLE, share / "a_simple.xlsb")
    (share / "b_truncated.xlsb").write_bytes(simple[: len(simple) * 2 // 3])
    (share / "c_inner_truncated.xlsb").write_bytes(
        _rewrite(simple, "xl/worksheets/sheet1.bin", lambda raw: raw[: len(raw) // 2]))
    (share / "d_people.xlsb").write_bytes(xlsb_bytes({"名簿": ROWS}))
    result = _scan(share, tmp_path)
    skipped = {Path(s.location.path).name: s for s in result.skipped}
    hits = {Path(h.location.path).name: h for h in result.hits}
    assert {n: s.reason for n, s in skipped.items()} == {"b_truncated.xlsb": "corrupt",
                                                         "c_inner_truncated.xlsb": "corrupt"}
    assert all(s.detail for s in skipped.values())
    assert set(hits) == {"d_people.xlsb"}  # a_simple.xlsb read to the end: ok, no person records
    assert hits["d_people.xlsb"].pii["records"] == len(PEOPLE)
