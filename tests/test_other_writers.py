"""Workbooks as other software writes them (qatables): each case is a property met in public test data of
other projects (tafia/calamine, SheetJS/test_files), rebuilt here from generated rows.

- OOXML whose parts are not at ``xl/``: member names with ``\\`` (Windows zippers; calamine issue 530), the
  workbook at the package root (calamine ``minimal_package.xlsx``) or in another folder (SheetJS
  ``wtf_path.xlsx``). Excel and calamine find the workbook through ``_rels/.rels``; leakscan listed them
  as "zip file that is not a workbook" and its cell-reach guard never looked at their sheets.
- .xlsb with a VBA project (an OLE2 file named ``xl/vbaProject.bin``) or printer settings: not BIFF12, so
  the fallback reader called the whole workbook truncated (SheetJS ``BlankSheetTypes.xlsb``).
- an Excel 5/95 workbook with a password (a FILEPASS record in a ``Book`` stream, which msoffcrypto-tool
  does not read): listed ``corrupt`` instead of ``encrypted`` (SheetJS ``biff5/password_2002_40_xor.xls``).
- tables in formats nothing here reads (Apple Numbers, Access, dBase, Lotus, Quattro Pro, SYLK, DIF): not
  listed at all (SheetJS ``Attendance.numbers``); now ``unsupported`` with the format's name.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from scanner.codes import Status
from scanner.errors import ReadError
from scanner.tables import Caps, check_zip, encryption_note, read_tables, sniff_format
from scanner.xlsb import check_parts, pyxlsb_sheets
from tests import pii_data as D
from tests.conftest import run_leakscan

PEOPLE = D.people(6, seed=41)
ROWS = D.standard(PEOPLE)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _rezip(data: bytes, rename, change=lambda name, raw: raw) -> bytes:
    """A copy of a zip with every member renamed by ``rename`` and its bytes passed through ``change``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(rename(info.filename), change(info.filename, src.read(info)))
    return buf.getvalue()


def backslashed(xlsx: bytes) -> bytes:
    """Member names with Windows separators, as some zip tools write them."""
    return _rezip(xlsx, lambda n: n.replace("/", "\\"))


def moved(xlsx: bytes, folder: str) -> bytes:
    """The workbook's parts in ``folder`` ("" = the package root) instead of ``xl/``; relationships follow."""
    prefix = f"{folder}/" if folder else ""

    def rename(n: str) -> str:
        return prefix + n[3:] if n.startswith("xl/") else n

    def change(name: str, raw: bytes) -> bytes:
        if name.endswith(".rels") or name == "[Content_Types].xml":
            return raw.replace(b'"/xl/', f'"/{prefix}'.encode()).replace(b'"xl/', f'"{prefix}'.encode())
        return raw

    return _rezip(xlsx, rename, change)


def _texts(data: bytes) -> list[list[str]]:
    from scanner.detectors.pii import cell_text

    return [[cell_text(v) for v in r] for r in read_tables(data, Caps()).sheets[0].rows]


@pytest.fixture(scope="module")
def xlsx() -> bytes:
    return D.xlsx_bytes({"名簿": ROWS})


@pytest.mark.parametrize("layout", ["backslash", "root", "folder"])
def test_ooxml_found_through_its_relationships(xlsx, layout):
    data = {"backslash": lambda: backslashed(xlsx), "root": lambda: moved(xlsx, ""),
            "folder": lambda: moved(xlsx, "wtf")}[layout]()
    assert "xl/workbook.xml" not in zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sniff_format(data) == "xlsx"
    assert _texts(data) == _texts(xlsx)


def _far_cell(name: str, raw: bytes) -> bytes:
    """A sheet whose last cell is XFD1048576 and whose <dimension> says A1 (the guard must read the cells)."""
    if re.search(r"worksheets[/\\]sheet1\.xml$", name):
        return raw.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    return raw


@pytest.mark.parametrize("layout", ["backslash", "folder"])
def test_cell_reach_guard_follows_the_sheets_wherever_they_are(xlsx, layout):
    far = _rezip(xlsx, lambda n: n, _far_cell)
    data = backslashed(far) if layout == "backslash" else moved(far, "wtf")
    with pytest.raises(ReadError) as err:
        check_zip(data, Caps())
    assert err.value.reason == Status.TOO_LARGE


def test_a_zip_without_a_workbook_is_still_other():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("_rels/.rels", '<Relationships><Relationship Id="r" Type="x/officeDocument" '
                                   'Target="word/document.xml"/></Relationships>')
        zf.writestr("word/document.xml", "<w/>")
    assert sniff_format(buf.getvalue()) == "zip-other"


def _xlsb_with_extras() -> bytes:
    """An .xlsb carrying a VBA project (an OLE2 file) and printer settings (a DEVMODE), as Excel saves them."""
    from tests.test_xlsb import xlsb_bytes

    extras = {"xl/vbaProject.bin": OLE_MAGIC + bytes(range(256)) * 8,
              "xl/printerSettings/printerSettings1.bin": b"\x50\x00\x44\x00" + bytes([0xFF, 0x7F]) * 300}

    def change(name: str, raw: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return raw.replace(b"</Types>", b'<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.'
                               b'ms-office.vbaProject"/><Override PartName="/xl/printerSettings/printerSettings1.bin" '
                               b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                               b'printerSettings"/></Types>')
        return raw

    data = _rezip(xlsb_bytes({"名簿": ROWS}), lambda n: n, change)
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a") as zf:
        for name, raw in extras.items():
            zf.writestr(name, raw)
    return buf.getvalue()


def test_xlsb_parts_that_are_not_biff12_are_not_damage():
    data = _xlsb_with_extras()
    check_parts(data)  # raised "a binary part is truncated" on the VBA project
    rows = next(iter(pyxlsb_sheets(data, Caps()))).rows
    assert [str(v) for v in rows[0]] == [str(v) for v in ROWS[0]]
    assert len(rows) == len(ROWS)


def test_a_cut_biff12_part_is_still_damage():
    data = _rezip(_xlsb_with_extras(), lambda n: n,
                  lambda name, raw: raw[:len(raw) // 2] if name == "xl/worksheets/sheet1.bin" else raw)
    with pytest.raises(ReadError) as err:
        check_parts(data)
    assert err.value.reason == Status.CORRUPT


def excel95_with_password(xls: bytes) -> bytes:
    """An Excel 5/95-style workbook with a password: the workbook stream named ``Book`` and a FILEPASS record
    right after its BOF (the record after BOF is retyped in place, so every size and sector stays valid)."""
    import olefile

    data = bytearray(xls)
    with olefile.OleFileIO(io.BytesIO(xls)) as ole:
        entry = next(e for e in ole.direntries if e is not None and e.name == "Workbook")
        stream = ole.openstream("Workbook").read()
        sector_size, first = ole.sectorsize, entry.isectStart
        dir_offset = (ole.first_dir_sector + 1) * sector_size + entry.sid * 128
    name = "Book".encode("utf-16-le") + b"\0\0"
    data[dir_offset:dir_offset + 64] = name.ljust(64, b"\0")
    data[dir_offset + 64:dir_offset + 66] = len(name).to_bytes(2, "little")
    bof_size = int.from_bytes(stream[2:4], "little")
    second = 4 + bof_size  # the record after BOF, in the stream's first sector
    assert second + 2 <= sector_size
    at = (first + 1) * sector_size + second
    data[at:at + 2] = (0x002F).to_bytes(2, "little")
    return bytes(data)


def test_excel95_with_a_password_is_encrypted_not_corrupt():
    data = excel95_with_password(D.xls_bytes({"名簿": ROWS}))
    assert sniff_format(data) == "xls"
    note = encryption_note(data, "xls")
    assert note is not None and "Excel 5/95" in note
    with pytest.raises(ReadError) as err:
        read_tables(data, Caps())
    assert err.value.reason == Status.ENCRYPTED


def test_plain_xls_has_no_filepass():
    assert encryption_note(D.xls_bytes({"名簿": ROWS}), "xls") is None


def test_cli_reads_what_other_writers_wrote(tmp_path, xlsx):
    """From the CLI: the relocated workbooks are person tables; the Excel 95 workbook is listed as encrypted, also
    with a --password-file (msoffcrypto-tool does not open that encryption: never "corrupt")."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "backslash.xlsx").write_bytes(backslashed(xlsx))
    (share / "root.xlsx").write_bytes(moved(xlsx, ""))
    (share / "folder.xlsm").write_bytes(moved(xlsx, "wtf"))
    (share / "excel95.xls").write_bytes(excel95_with_password(D.xls_bytes({"名簿": ROWS})))
    numbers = io.BytesIO()
    with zipfile.ZipFile(numbers, "w") as zf:  # an Apple Numbers document: a zip of .iwa (snappy protobuf) parts
        zf.writestr("Index/Document.iwa", bytes(range(256)) * 4)
        zf.writestr("preview.jpg", b"\xff\xd8\xff\xe0" + bytes(600))
    (share / "会員.numbers").write_bytes(numbers.getvalue())
    (share / "会員.mdb").write_bytes(b"\x00\x01\x00\x00Standard Jet DB\x00" + bytes(range(256)) * 8)
    (share / "会員.slk").write_text('ID;PWXL;N;E\r\nC;Y1;X1;K"氏名"\r\nC;X2;K"住所"\r\nE\r\n', encoding="cp932")
    (share / "会員.fods").write_text('<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:'
                                    'names:tc:opendocument:xmlns:office:1.0" office:mimetype="application/vnd.oasis.'
                                    'opendocument.spreadsheet"><office:body/></office:document>' + " " * 600)
    pw = tmp_path / "pw.txt"
    pw.write_text("secret\n")
    pw.chmod(0o600)
    out = tmp_path / "out"
    run_leakscan("scan", str(share), "--out", str(out), "--quiet", "--password-file", str(pw))
    doc = json.loads((out / "findings.json").read_text())
    hits = {f["path"].rsplit("/", 1)[-1]: f for f in doc["files"]}
    for name in ("backslash.xlsx", "root.xlsx", "folder.xlsm"):
        assert hits[name]["pii"]["records"] == len(PEOPLE), name
    skipped = {s["path"].rsplit("/", 1)[-1]: s for s in doc["skipped"]}
    assert skipped["excel95.xls"]["reason"] == "encrypted"
    assert "Excel 5/95" in skipped["excel95.xls"]["detail"]
    for name, kind in (("会員.numbers", "Apple Numbers"),
                       ("会員.fods", "fods without any worksheet")):  # .fods: read since Session 13 (sqlite13)
        assert skipped[name]["reason"] == "unsupported" and kind in skipped[name]["detail"], name
    # an Access header over noise: read since Session 17 (access17), its catalog page absent
    assert skipped["会員.mdb"]["reason"] == "corrupt" and "catalog (MSysObjects)" in skipped["会員.mdb"]["detail"]
    assert "会員.slk" not in skipped  # SYLK is read since session 16 (wild16): a header without rows, no person


# --- UTF-16 "Unicode text" out of step ---------------------------------------------------------------------

def _utf16_table() -> tuple[bytes, int]:
    rows = D.standard(D.people(30, seed=43))
    return D.csv_bytes(rows, "utf-16le-bom", "\t"), len(rows) - 1


def _records(data: bytes) -> tuple[int, list[str]]:
    from scanner.detectors.pii import analyse_sheet

    sheet = read_tables(data, Caps()).sheets[0]
    found = analyse_sheet("", sheet.rows)
    return (found.count if found else 0), sheet.notes


@pytest.mark.parametrize("damage", ["drop", "insert", "two"])
def test_utf16_realigns_after_a_lost_or_added_byte(damage):
    """One byte lost or added inside a line put every later character out of step (13 of 30 records were left);
    the next line end in the other step realigns the rest, and the damage is still said."""
    data, total = _utf16_table()
    cut = len(data) // 3 | 1
    changed = {"drop": data[:cut] + data[cut + 1:], "insert": data[:cut] + b"\x00" + data[cut:],
               "two": data[:cut] + b"\x00" + data[cut:2 * cut] + b"\x00" + data[2 * cut:]}[damage]
    found, notes = _records(changed)
    assert found >= total - (2 if damage == "two" else 1)
    assert any(n.startswith("decoding: partial") for n in notes)


def test_utf16_copied_in_text_mode_keeps_the_lines_without_a_0a_byte():
    """A text-mode copy puts CR before every 0x0A byte: before every line end and inside characters such as 上
    (U+4E0A). Each line is realigned; only lines holding such a character are lost."""
    data, total = _utf16_table()
    mangled = data.replace(b"\n", b"\r\n")
    lines = data.decode("utf-16").splitlines()[1:]
    hit = sum(1 for ln in lines if any(ch != "\n" and (ord(ch) & 0xFF == 0x0A or ord(ch) >> 8 == 0x0A) for ch in ln))
    found, _ = _records(mangled)
    assert found >= total - hit and found >= total // 2


def test_utf16_0a_00_across_two_characters_is_no_line_end():
    """U+0A0A then U+4E00 hold the bytes 0A 00 at the other parity: the text after is in step, so nothing moves."""
    rows = D.standard(D.people(10, seed=44))
    rows[3] = [*rows[3][:-1], f"{rows[3][-1]}\u0a0a\u4e00"]
    data = D.csv_bytes(rows, "utf-16le-bom", "\t")
    assert b"\x0a\x00" in data[data.index("\u0a0a".encode("utf-16-le")):][:4]
    found, notes = _records(data)
    assert found == len(rows) - 1 and not notes


def test_spreadsheetml_with_characters_xml_cannot_hold_is_read_whole():
    """Excel writes a cell's control characters into an XML Spreadsheet as &#7; (SheetJS formula_stress_test.xls.xml),
    which XML 1.0 forbids: lxml stopped there and every later row was lost. They read as U+FFFD."""
    from scanner.detectors.pii import analyse_sheet
    from tests.table_damage import spreadsheetml

    rows = [list(r) for r in ROWS]
    rows[1] = [*rows[1][:-1], "備考"]
    data = spreadsheetml({"名簿": rows}).replace("備考".encode(), "備考&#7;&#x0B;&#20;".encode(), 1)
    assert b"&#7;" in data
    sheet = read_tables(data, Caps()).sheets[0]
    assert not sheet.damage
    found = analyse_sheet("名簿", sheet.rows)
    assert found is not None and found.count == len(PEOPLE)


@pytest.mark.parametrize("damage", ["whole", "cut", "flip"])
def test_iso2022_jp_text_is_japanese_not_escapes(damage):
    """7-bit JIS (ISO-2022-JP: old mailers, host exports) is valid UTF-8: it was read as escape sequences and the
    table came out as nothing, status ok. Damaged, it is read with what survives and said to be partial."""
    rows = D.standard(D.people(10, seed=45))
    data = D.csv_bytes(rows, "iso2022_jp")
    mid = data.index(b"\x1b$B", len(data) // 2)
    data = {"whole": data, "cut": data[:mid + 5], "flip": data[:mid + 3] + b"\x7f\x7f" + data[mid + 5:]}[damage]
    found, notes = _records(data)
    wb = read_tables(data, Caps())
    assert wb.encoding is not None and wb.encoding.startswith("iso2022_jp")
    if damage == "whole":
        assert found == len(rows) - 1 and not notes
    else:
        assert found >= (len(rows) - 1) // 2 - 1
        assert damage == "cut" or any(n.startswith("decoding: partial") for n in notes)
