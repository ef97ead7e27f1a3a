"""Session 6: Excel 2.x-4.0 files (BIFF2-4 worksheets, Excel 4.0 workbooks) are read, not listed.

python-calamine (0.9.1) refuses them ("Cannot detect file format" / "Invalid OLE"), and they were listed
``unsupported``; a client list kept since Excel 4.0 (the Japanese office standard of 1992-94, text in cp932
by its CODEPAGE record) was never examined. The files here are written record by record the way Excel 2.1,
3.0 and 4.0 wrote them (BOF, CODEPAGE, LABEL / NUMBER / INTEGER / RK / FORMULA + STRING cells, SHEETHDR for
each sheet of a workbook, EOF); the corpus holds a real BIFF2 file written by Excel (SheetJS test_files'
CRLFX5_2.XLS). Damaged copies must end as a hit with what was read and ``corrupt``, or listed: never clean.
"""

from __future__ import annotations

import io
import random
import struct
from pathlib import Path

import pytest

from scanner.biffold import biff_sheets, biff_version
from scanner.config import ScanConfig
from scanner.contracts import Inspection
from scanner.errors import ReadError
from scanner.inspectors.spreadsheet import SpreadsheetInspector
from scanner.sheet import Caps
from scanner.sources.single import SingleFileEntry
from scanner.tables import read_tables, sniff_format
from tests import pii_data as D
from tests.conftest import CORPUS

PEOPLE = D.people(30, seed=44)
ROWS = D.standard(PEOPLE)
N = len(PEOPLE)
BOF = {2: 0x0009, 3: 0x0209, 4: 0x0409}


def _rec(op: int, body: bytes) -> bytes:
    return struct.pack("<HH", op, len(body)) + body


def _cell(version: int, r: int, c: int, v: object, encoding: str) -> bytes:
    """One cell as Excel 2-4 wrote it: BIFF2 with 3 attribute bytes, BIFF3/4 with an XF index."""
    head2, head3 = struct.pack("<HH", r, c) + b"\0\0\0", struct.pack("<HHH", r, c, 15)
    if isinstance(v, str):
        b = v.encode(encoding)
        if version == 2:
            return _rec(0x0004, head2 + bytes([len(b)]) + b)
        if r % 5 == 4 and version in (3, 4):  # a text formula (="..."): the cached result follows in a STRING record
            return (_rec(0x0206 if version == 3 else 0x0406, head3 + b"\0" * 6 + b"\xff\xff" + b"\0" * 8)
                    + _rec(0x0207, struct.pack("<H", len(b)) + b))
        return _rec(0x0204, head3 + struct.pack("<H", len(b)) + b)
    if isinstance(v, int) and 0 <= v < 1 << 16 and version == 2:
        return _rec(0x0002, head2 + struct.pack("<H", v))
    if isinstance(v, int) and version > 2 and -(1 << 29) <= v < 1 << 29:
        return _rec(0x027E, head3 + struct.pack("<I", ((v << 2) | 2) & 0xFFFFFFFF))
    return _rec(0x0003 if version == 2 else 0x0203, (head2 if version == 2 else head3) + struct.pack("<d", float(v)))


def worksheet(rows: list[list[object]], version: int, codepage: int | None = 932, encoding: str = "cp932",
              kind: int = 0x0010) -> bytes:
    if version == 5:
        out = _rec(0x0809, struct.pack("<HHHH", 0x0500, kind, 0x0DBB, 0x07CC))
    else:
        out = _rec(BOF[version], struct.pack("<HH", 0 if version > 2 else 7, kind) + (b"\0\0" if version > 2 else b""))
    if codepage is not None:
        out += _rec(0x0042, struct.pack("<H", codepage))
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v not in ("", None):
                out += _cell(version, r, c, v, encoding)
    return out + _rec(0x000A, b"")


def workbook_4w(sheets: dict[str, list[list[object]]]) -> bytes:
    """An Excel 4.0 workbook: globals BOF (type 0x0100), CODEPAGE, then SHEETHDR + each sheet's substream."""
    out = _rec(0x0409, struct.pack("<HHH", 0, 0x0100, 0)) + _rec(0x0042, struct.pack("<H", 932))
    for name, rows in sheets.items():
        sub = worksheet(rows, 4, codepage=None)
        n = name.encode("cp932")
        out += _rec(0x008F, struct.pack("<I", len(sub)) + bytes([len(n)]) + n) + sub
    return out + _rec(0x000A, b"")


def biff5_book(sheets: dict[str, list[list[object]]], codepage: int, encoding: str = "cp932") -> bytes:
    """An Excel 5/95 workbook stream: globals (BOF type 5, CODEPAGE, a BOUNDSHEET per sheet with the offset of
    its BOF), then each sheet's substream."""
    subs = [worksheet(rows, 5, codepage=None, encoding=encoding) for rows in sheets.values()]
    names = [n.encode(encoding) for n in sheets]
    head = _rec(0x0809, struct.pack("<HHHH", 0x0500, 0x0005, 0x0DBB, 0x07CC)) + _rec(0x0042, struct.pack("<H", codepage))
    at = len(head) + sum(4 + 7 + len(n) for n in names) + 4
    bounds = b""
    for n, sub in zip(names, subs, strict=True):
        bounds += _rec(0x0085, struct.pack("<IBBB", at, 0, 0, len(n)) + n)
        at += len(sub)
    return head + bounds + _rec(0x000A, b"") + b"".join(subs)


def inspect(tmp_path: Path, name: str, data: bytes, **config: object) -> Inspection:
    path = tmp_path / name
    path.write_bytes(data)
    cfg = ScanConfig(sources=[str(tmp_path)], out=tmp_path / "unused", parse_timeout=30, **config)  # type: ignore[arg-type]
    return SpreadsheetInspector(cfg).inspect(SingleFileEntry(str(path)), data, "", None)


def records(ins: Inspection) -> int:
    return ins.pii["records"] if ins.pii else 0


@pytest.mark.parametrize("version", [2, 3, 4])
def test_excel_2_to_4_worksheet_with_persons_is_read(tmp_path, version):
    data = worksheet(ROWS, version)
    assert sniff_format(data) == "biff-bare" and biff_version(data) == version
    ins = inspect(tmp_path, "名簿.XLS", data)
    assert ins.status == "ok" and records(ins) == N, (ins.status, ins.detail)
    assert f"BIFF{version}" in ins.detail and "cp932" in ins.detail


def test_cells_keep_their_values():
    rows: list[list[object]] = [["氏名", "番号", "小数", "大きな数"], ["山田 太郎", 12, 3.25, 9012345678]]
    for version in (2, 3, 4):
        got = read_tables(worksheet(rows, version), Caps()).sheets[0].rows
        assert [list(r) for r in got] == rows, version


def test_excel_4_workbook_sheets_and_names(tmp_path):
    data = workbook_4w({"利用者": ROWS, "メモ": [["備考"], ["なし"]], "旧名簿": ROWS[:11]})
    assert biff_version(data) == 45
    sheets = list(biff_sheets(data, Caps()))
    assert [s.name for s in sheets] == ["利用者", "メモ", "旧名簿"]
    ins = inspect(tmp_path, "名簿.xlw", data)
    assert ins.status == "ok" and records(ins) == N + 10, (ins.status, ins.detail)


def test_without_codepage_the_text_decides():
    rows: list[list[object]] = [["Name", "Street"], ["Müller", "Hauptstraße 5"]]
    for encoding, rows_ in (("cp932", ROWS), ("cp1252", rows)):
        got = read_tables(worksheet(rows_, 4, codepage=None, encoding=encoding), Caps()).sheets[0]
        assert [list(r) for r in got.rows][:2] == rows_[:2] and "guessed" in got.notes[0], encoding


@pytest.mark.parametrize("at", [0.3, 0.6, 0.9])
def test_cut_worksheet_is_a_corrupt_hit_with_the_rows_before_the_cut(tmp_path, at):
    data = worksheet(ROWS, 4)
    ins = inspect(tmp_path, "名簿.xls", data[:int(len(data) * at)])
    assert ins.status == "corrupt" and "rows after it lost" in ins.detail, (ins.status, ins.detail)
    assert 0 < records(ins) < N or at < 0.35


def test_password_excel_4_is_encrypted(tmp_path):
    data = worksheet(ROWS, 4)
    bof_end = 4 + struct.unpack_from("<H", data, 2)[0]
    locked = data[:bof_end] + _rec(0x002F, b"\x12\x34\x56\x78") + data[bof_end:]
    ins = inspect(tmp_path, "名簿.xls", locked)
    assert ins.status == "encrypted" and "BIFF4" in ins.detail


def test_bare_biff8_stream_is_unsupported_with_the_reason(tmp_path):
    data = _rec(0x0809, struct.pack("<HHHH", 0x0600, 0x0005, 0, 0)) + _rec(0x000A, b"")
    ins = inspect(tmp_path, "book.xls", data)
    assert ins.status == "unsupported" and "BIFF8" in ins.detail and "no reader" in ins.detail


def test_chart_only_file_is_unsupported(tmp_path):
    ins = inspect(tmp_path, "chart.xls", worksheet([["x"]], 4, kind=0x0020))
    assert ins.status == "unsupported" and "without a worksheet" in ins.detail


def test_cells_beyond_the_cap_are_too_large(tmp_path):
    rows: list[list[object]] = [["氏名"]] + [[""] * 200 + ["x"]] * 3 + [[""]] * 2000 + [["y"]]
    ins = inspect(tmp_path, "wide.xls", worksheet(rows, 3), max_cells=100_000)
    assert ins.status == "too-large", (ins.status, ins.detail)


def test_damaged_copies_never_crash_and_are_never_more_than_the_file(tmp_path):
    """Byte flips and cuts at random places: a known status, a reason when listed, never more records."""
    rng = random.Random(6)
    good = worksheet(ROWS, 4)
    for i in range(40):
        data = bytearray(good)
        if i % 2:
            for _ in range(rng.randint(1, 6)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            del data[rng.randrange(8, len(data)):]
        ins = inspect(tmp_path, f"d{i}.xls", bytes(data))
        assert ins.status in ("ok", "corrupt", "unsupported", "too-large", "encrypted"), ins.status
        assert ins.status == "ok" or ins.detail
        assert records(ins) <= N


def test_real_excel_2_file_from_the_corpus(tmp_path):
    path = CORPUS / "spreadsheets" / "robust" / "test_files__CRLFX5_2.XLS"
    if not path.exists():
        pytest.skip("corpus not mounted")
    data = path.read_bytes()
    sheet = read_tables(data, Caps()).sheets[0]
    assert [list(r) for r in sheet.rows] == [["Normal", "abc\ndef"], ["Formula", "abc\r\ndef"]]
    assert inspect(tmp_path, path.name, data).status == "ok"


def test_reader_errors_are_read_errors():
    with pytest.raises(ReadError):
        list(biff_sheets(b"\x09\x04\x06\x00\x00\x00", Caps()))


def test_japanese_excel_95_workbook_is_read_by_the_biff5_reader(tmp_path):
    """An Excel 5/95 .xls (OLE2, a ``Book`` stream) with CODEPAGE 932, as every Japanese Excel 95 wrote it:
    calamine reads its 8-bit text as UTF-16 halves ("No" -> "N\\0o\\0", 氏名 as mojibake), so the person list
    was nothing at all; the BIFF5 reader reads it in cp932."""
    import python_calamine

    from tests.test_embedded import ole_with_stream

    data = ole_with_stream("Book", biff5_book({"名簿": ROWS, "控え": ROWS[:6]}, 932))
    assert sniff_format(data) == "xls"
    garbled = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert garbled[0][0] != "No" and "\0" in garbled[0][0]  # the damage is real
    ins = inspect(tmp_path, "名簿.xls", data)
    assert ins.status == "ok" and records(ins) == N + 5, (ins.status, ins.detail)
    assert "BIFF5 reader" in ins.detail and ins.detail.count("format:") == 1, ins.detail


def test_excel_95_workbook_calamine_refuses_is_read(tmp_path):
    """CODEPAGE 0x8001 (Windows ANSI as Quattro Pro writes it): calamine says "Codepage 8001 not found" (it was
    ``corrupt``); the BIFF5 reader reads it in cp1252."""
    from tests.test_embedded import ole_with_stream

    rows: list[list[object]] = [["Name", "Straße", "Größe"]] + [[f"Müller {i}", f"Hauptstraße {i}", i * 10] for i in range(400)]
    data = ole_with_stream("Book", biff5_book({"Liste": rows}, 0x8001, "cp1252"))
    ins = inspect(tmp_path, "liste.xls", data)
    assert ins.status == "ok" and "BIFF5 reader" in ins.detail, (ins.status, ins.detail)
    got = read_tables(data, Caps()).sheets[0]
    assert got.name == "Liste" and [list(r) for r in got.rows] == rows


def test_excel_95_workbook_without_codepage_is_read_by_its_text(tmp_path):
    """No CODEPAGE record: calamine reads the 8-bit text as Latin-1 (cp932 names as mojibake: status ok, nothing
    found, a silent clean); the BIFF5 reader decodes it as the text says (cp932 here)."""
    from tests.test_embedded import ole_with_stream

    book = biff5_book({"名簿": ROWS}, 932)
    at = book.index(struct.pack("<HHH", 0x0042, 2, 932))
    book = book[:at] + book[at + 6:]  # the CODEPAGE record removed (BOUNDSHEET offsets shift by 6)
    fixed = bytearray(book)
    pos = 0
    while pos + 4 <= len(fixed):
        op, length = struct.unpack_from("<HH", fixed, pos)
        if op == 0x0085:
            struct.pack_into("<I", fixed, pos + 4, struct.unpack_from("<I", fixed, pos + 4)[0] - 6)
        if op == 0x000A:
            break
        pos += 4 + length
    ins = inspect(tmp_path, "名簿.xls", ole_with_stream("Book", bytes(fixed)))
    assert ins.status == "ok" and records(ins) == N, (ins.status, ins.detail)
    assert "cp932 (no CODEPAGE record: guessed)" in ins.detail


@pytest.mark.parametrize("kind", [0x0040, 0x0011])
def test_macro_sheet_or_damaged_sheet_type_is_read_not_passed_over(tmp_path, kind):
    """An Excel 4.0 macro sheet (BOF type 0x0040) holds cells like a worksheet (the .xls reader reads them too),
    and a BOF whose type a flipped bit made unknown (0x0011) still opens a sheet of cells: neither is passed
    over in silence as if it were a chart. The unknown type is said as damage."""
    data = (_rec(0x0409, struct.pack("<HHH", 0, 0x0100, 0)) + _rec(0x0042, struct.pack("<H", 932)))
    for name, sub in (("メモ", worksheet([["備考"], ["なし"]], 4, codepage=None)),
                      ("利用者", worksheet(ROWS, 4, codepage=None, kind=kind))):
        n = name.encode("cp932")
        data += _rec(0x008F, struct.pack("<I", len(sub)) + bytes([len(n)]) + n) + sub
    data += _rec(0x000A, b"")
    ins = inspect(tmp_path, "名簿.xlw", data)
    assert records(ins) == N, (ins.status, ins.detail)
    if kind == 0x0011:
        assert ins.status == "corrupt" and "0x0011" in ins.detail, (ins.status, ins.detail)


def test_cells_past_the_last_column_are_damage_not_dropped_in_silence(tmp_path):
    """BIFF2-5 sheets end at column IV (256); a cell record placed past it (a damaged column index) cannot be
    placed: it is counted and the sheet said damaged, never left out of a clean read."""
    rows = [list(r) for r in ROWS]
    data = worksheet(rows, 4)
    stray = _cell(4, 3, 300, "山田 太郎", "cp932")
    data = data[:-4] + stray + data[-4:]  # before the EOF record
    ins = inspect(tmp_path, "名簿.xls", data)
    assert records(ins) == N and ins.status == "corrupt" and "past" in ins.detail, (ins.status, ins.detail)
