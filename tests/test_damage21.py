"""damage21: the damage leftovers of session 20 (bench/damage_sweep.py): dBase memo files alone inside archives and
disk images, an encrypted PDF under a text name, values that no longer decode in Shift_JIS/EUC-JP CSV and XML
exports, an old Stata file with its magic flipped, a zip name length grown into its data, SYLK cells lost to a
flipped letter, Word 2003 XML with its namespace flipped. Each test failed before its fix.

People are Faker ja_JP with a fixed seed (tests/document_data.py); nothing here is real.
"""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

from tests.conftest import ScanCases, own_lines
from tests.damage_data import dbf_with_memo
from tests.document_data import people_rows
from tests.image_data import fat_image

N = 12
cases = ScanCases("damage21")
scanned = cases.fixture()


def _memo(seed: int, kind: str = "fpt") -> tuple[bytes, bytes]:
    return dbf_with_memo([["NAME", "KANA", "ADDRESS", "TEL"], *people_rows(N, seed=seed)[1:]], kind)


def _tar(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


@cases.case
def _memo_zip() -> dict[str, bytes]:
    table, memo = _memo(2101)
    return {"memo_alone.zip": _zip({"data/KOKYAKU.FPT": memo, "data/OTHER.DBF": _memo(2102)[0]}),
            "memo_with_table.zip": _zip({"db/kokyaku.dbf": table, "db/KOKYAKU.fpt": memo})}


@cases.case
def _memo_tar() -> dict[str, bytes]:
    return {"memo_alone.tar": _tar({"backup/顧客.dbt": _memo(2103, "dbt3")[1], "other/顧客.dbf": _memo(2104)[0]})}


@cases.case
def _memo_image() -> dict[str, bytes]:
    folder = Path(__import__("tempfile").mkdtemp(prefix="damage21-fat"))
    image = fat_image(folder / "pc.img", {"DATA/KOKYAKU.FPT": _memo(2105)[1], "DATA/SHOHIN.DBF": _memo(2106)[0],
                                          "OK/MEIBO.DBF": _memo(2107)[0], "OK/MEIBO.FPT": _memo(2107)[1]})
    return {"memo_alone.img": image.read_bytes()}


def _memo_alone(lines: dict[str, Any]) -> list[str]:
    return sorted(s["path"].split(" » ", 1)[-1] for s in lines["skipped"]
                  if "dbf-memo-alone" in (s.get("detail_codes") or []) or "no table of its name beside it"
                  in (s.get("detail") or ""))


def test_a_memo_file_alone_in_a_zip_or_tar_is_listed(scanned: dict[str, Any]) -> None:
    """A memo file (.fpt/.dbt) whose table is not beside it in a folder or on a share is listed `dbf-memo-alone`
    (review20d); inside a zip or tar the same member ended as nothing (damage20's leftover). Listed now; a memo
    whose table is beside it in the archive is not (the table says its memo fields unread)."""
    assert _memo_alone(own_lines(scanned, "memo_zip")) == ["data/KOKYAKU.FPT"]
    assert _memo_alone(own_lines(scanned, "memo_tar")) == ["backup/顧客.dbt"]


def test_a_memo_file_alone_in_a_disk_image_is_listed(scanned: dict[str, Any]) -> None:
    """The same for a file of a disk image's file system (a FAT image inside the share)."""
    assert [p.rsplit(" » ", 1)[-1] for p in _memo_alone(own_lines(scanned, "memo_image"))] == ["/DATA/KOKYAKU.FPT"]


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    rows = people_rows(N, seed=2108)
    writer.add_attachment("名簿.csv", "\n".join(",".join(map(str, r)) for r in rows).encode("cp932"))
    writer.encrypt("secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cases.case
def _pdf_encrypted_as_text() -> dict[str, bytes]:
    data = _encrypted_pdf()
    return {"enc_pdf.pdf": data, "enc_pdf.txt": data + b"\n", "enc_pdf.csv": data + b"\n\n"}


def test_an_encrypted_pdf_under_a_text_name_is_listed_encrypted(scanned: dict[str, Any]) -> None:
    """A PDF with an open password named .txt/.csv was listed `unsupported` (the table reader's "PDF document named
    .txt: not a table" put first, the PDF reader's `pdf-password` after it): `encrypted`, as under .pdf."""
    lines = own_lines(scanned, "pdf_encrypted_as_text")["skipped"]
    assert {Path(s["path"]).name: s["reason"] for s in lines} == {
        "enc_pdf.pdf": "encrypted", "enc_pdf.txt": "encrypted", "enc_pdf.csv": "encrypted"}
    assert all("pdf-password" in [c.get("code") for c in s["detail_codes"]] for s in lines)


def _flipped_in_value(data: bytes, value: str, codec: str, byte: int) -> bytes:
    """``data`` with the first byte of ``value`` (as written in ``codec``) set to ``byte``: no character of Shift_JIS
    (cp932) or EUC-JP starts with 0x80 or 0xFF, so the value no longer decodes."""
    at = data.find(value.encode(codec))
    assert at > 0
    return data[:at] + bytes([byte]) + data[at + 1:]


@cases.case
def _undecodable_values() -> dict[str, bytes]:
    from tests import xml19_data as X
    from tests.pii_data import csv_bytes

    rows = people_rows(N, seed=2111)
    people = X.make_people(N, seed=2112)
    xml_sjis = X.elements(people, encoding="Shift_JIS").encode("cp932")
    xml_euc = X.elements(people, encoding="EUC-JP").encode("euc_jp")
    return {"undecodable_sjis.csv": _flipped_in_value(csv_bytes(rows, "cp932"), rows[4][0], "cp932", 0x80),
            "undecodable_euc.csv": _flipped_in_value(csv_bytes(rows, "euc_jp"), rows[7][2], "euc_jp", 0xFF),
            "undecodable_sjis.xml": _flipped_in_value(xml_sjis, "東京都", "cp932", 0x80),
            "undecodable_euc.xml": _flipped_in_value(xml_euc, "東京都", "euc_jp", 0xFF)}


def test_a_value_that_no_longer_decodes_is_said_and_its_record_counted(scanned: dict[str, Any]) -> None:
    """A byte flipped inside a Shift_JIS or EUC-JP value of a CSV or XML export (the value no longer decodes): the
    file was `ok` (at most a "decoding: partial" note beside the records), so a garbled name or address counted
    as another person passed for a whole read. Now listed (`corrupt`, `values-undecoded`) and every record whose
    name and address survive still counted."""
    lines = own_lines(scanned, "undecodable_values")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    for name in scanned["books"]["undecodable_values"]:
        assert hits[name]["pii"]["records"] == N, (name, hits[name]["pii"])
        assert hits[name]["status"] == "corrupt", (name, hits[name]["status"], hits[name].get("status_detail"))
        assert "values-undecoded" in [c.get("code") for c in listed[name]["detail_codes"]], listed[name]


@cases.case
def _stata_magic_flipped() -> dict[str, bytes]:
    from tests.test_wild20 import old_dta

    data = old_dta(people_rows(N, seed=2114), 104)
    return {f"stata_magic_{at}.dta": data[:at] + bytes([data[at] ^ flip]) + data[at + 1:]
            for at, flip in ((0, 0x04), (1, 0x40), (2, 0x21))}


def test_an_old_stata_file_whose_magic_is_flipped_is_listed(scanned: dict[str, Any]) -> None:
    """A Stata 102-115 file's head is three bytes (format, byte order, 1): with one of them flipped the .dta was no
    Stata file for the name check and ended as nothing (damage20's leftover). The header behind them (the variable
    count, the type list and the variable names where that format puts them) still says Stata: listed now."""
    lines = own_lines(scanned, "stata_magic_flipped")
    said = {Path(e["path"]).name for e in lines["files"] + lines["skipped"]}
    assert said == set(scanned["books"]["stata_magic_flipped"]), lines


def _name_length_grown(data: bytes, by: int, keep_directory: bool) -> bytes:
    """A stored zip's first local header with its name length grown by ``by`` (a flipped bit): the name runs into
    the member's data; the central directory kept or cut off (then the members are read from their local headers)."""
    import struct

    n = struct.unpack_from("<H", data, 26)[0]
    damaged = data[:26] + struct.pack("<H", n + by) + data[28:]
    return damaged if keep_directory else damaged[:damaged.index(b"PK\x01\x02")]


ZIP_PEOPLE = 2115


@cases.case
def _zip_name_into_data() -> dict[str, bytes]:
    from tests.pii_data import csv_bytes

    rows = people_rows(N, seed=ZIP_PEOPLE)
    made = {}
    for kind, member in (("json", json.dumps([dict(zip(rows[0], r, strict=True)) for r in rows[1:]],
                                             ensure_ascii=False).encode()),  # an export on one line
                         ("csv", csv_bytes(rows[1:], "utf-8")),  # no header: its first line is a person's
                         ("tsv", csv_bytes(rows[1:], "cp932", "\t"))):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
            z.writestr(f"名簿.{kind}", member)
            z.writestr("memo.txt", b"x" * 40)
        for by in (40, 90, 300, 500):
            for keep in (True, False):
                made[f"name_grown_{kind}_{by}_{'cd' if keep else 'local'}.zip"] = _name_length_grown(
                    out.getvalue(), by, keep)
    return made


def test_a_zip_name_grown_into_its_data_puts_no_person_in_any_output(scanned: dict[str, Any]) -> None:
    """review20w named a local-header name over 512 bytes or holding a line break `damaged-name-at-OFFSET`; a name
    length grown by up to 512 bytes over a stored CSV still made its first rows (names, addresses, phone numbers)
    the member's path in findings.json, skipped.csv, the report, the DFXML and CASE files. A name that is no
    plausible path (data-looking commas or tabs, control bytes, longer than any name of the central directory) is
    now named by its offset; no person's value is in any output of the scan."""
    lines = own_lines(scanned, "zip_name_into_data")
    assert {Path(e["path"].split(" » ")[0]).name for e in lines["files"] + lines["skipped"]} == set(
        scanned["books"]["zip_name_into_data"])
    written = _outputs_text(scanned["out"])
    values = [v for row in people_rows(N, seed=ZIP_PEOPLE)[1:] for v in (row[2], row[3])]  # (names: common)
    leaked = [v for v in values if v in written]
    assert not leaked, leaked
    hexed = ["".join(f"{b:02x}" for b in v.encode()) for v in values]
    assert not [h for h in hexed if h in written]


def _outputs_text(out: Path) -> str:
    assert out.is_dir()
    return "".join(f.read_text(encoding="utf-8", errors="replace") for f in sorted(out.rglob("*"))
                   if f.is_file() and f.suffix != ".sqlite")


def _sylk_said(data: bytes) -> list[str]:
    from scanner.details import codes_of
    from scanner.sheet import Caps
    from scanner.sylk import iter_sylk

    return [c["code"] for sheet in iter_sylk(data, Caps()) for d in sheet.damage for c in codes_of(d)]


def test_a_sylk_cell_lost_to_a_flipped_letter_or_position_is_said() -> None:
    """damage20's sweep: one flipped byte in a SYLK cell record lost the cell's value and said nothing (`ok`, a
    person fewer): the value's letter flipped (``K"東京都..."`` -> ``C"``/``I"``/``O"``), its position damaged
    (``X4;`` -> ``X4\\x1b``), the record's type flipped (``C;X3;K"..."`` -> ``S;X3;K"..."``). Each is
    `sylk-records-damaged` now; the whole file says nothing."""
    from tests.test_wild16 import _sylk

    data = _sylk(people_rows(N, seed=2116))
    assert _sylk_said(data) == []
    at = data.index(b';K"', data.index(b"C;Y6;"))
    for damaged in (data[:at + 1] + b"C" + data[at + 2:], data[:at + 1] + b"O" + data[at + 2:],
                    data[:at] + b"\x1b" + data[at + 1:]):
        assert _sylk_said(damaged) == ["sylk-records-damaged"], damaged[at - 20:at + 10]
    record = data.index(b"\nC;X3;", data.index(b"C;Y6;")) + 1
    assert _sylk_said(data[:record] + b"S" + data[record + 1:]) == ["sylk-records-damaged"]


@cases.case
def _wordml_namespace_flipped() -> dict[str, bytes]:
    from tests.docs18_data import WORDML_NS, wordml_with_table

    data = wordml_with_table(people_rows(N, seed=2117))
    at = data.index(WORDML_NS.encode()) + 7  # "http://schemas..." -> "http://rchemas..." (damage20's sweep)
    flipped = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]
    return {"wordml_ns.doc": flipped, "wordml_ns.xml": flipped + b"\n"}


def test_word_2003_xml_whose_namespace_is_flipped_is_read_and_listed(scanned: dict[str, Any]) -> None:
    """A Word 2003 XML document (under .doc or .xml) with one byte of its namespace name flipped was no Word
    document for the kind check and ended as nothing (damage20's 8-bit flips). Its root element and a namespace one
    or two bytes from Word 2003 XML's say what it is: read in that namespace, every person counted, listed
    `wordml-namespace-damaged`."""
    lines = own_lines(scanned, "wordml_namespace_flipped")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    for name in scanned["books"]["wordml_namespace_flipped"]:
        assert hits[name]["pii"]["records"] == N, (name, hits.get(name))
        assert "wordml-namespace-damaged" in [c.get("code") for c in listed[name]["detail_codes"]], listed.get(name)
