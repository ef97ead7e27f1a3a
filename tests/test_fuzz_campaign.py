"""Regressions for what the session-8 damage campaign (bench/fuzz_campaign.py) found, one test per class.

Every damaged file here is made in the test from a fixed seed (Faker ja_JP person records through
bench/fuzz_campaign.person_rows, or the writers in tests/*_data.py); the campaign's own matrix is in
docs/reference.md ("Damage campaign").
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, scan_findings
from tests.pii_data import xlsx_bytes

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

SEP = " » "
ROWS = person_rows(40, 20261205)


def _scan(folder: Path, out: Path) -> dict[str, Any]:
    return scan_findings(folder, out, "--parse-timeout", "5")


def _outcome(found: dict[str, Any], path: Path) -> tuple[int, list[str], list[str]]:
    """(records, statuses of hits, skip reasons) of one file and everything read inside it."""
    p = str(path)
    hits = [h for h in found["files"] if h["path"] == p or h["path"].startswith(p + SEP)]
    skips = [s["reason"] for s in found["skipped"] if s["path"] == p or s["path"].startswith(p + SEP)]
    return sum((h.get("pii") or {}).get("records", 0) for h in hits), [h["status"] for h in hits], skips


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    tree = tmp_path_factory.mktemp("campaign") / "tree"
    tree.mkdir()
    xlsx = xlsx_bytes({"名簿": ROWS})
    (tree / "backup.zip").write_bytes(xlsx)  # a workbook saved (or renamed) as .zip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("old/名簿.zip", xlsx)  # the same, inside an archive
    (tree / "outer.zip").write_bytes(buf.getvalue())
    return tree, _scan(tree, tree.parent / "out")


def test_workbook_named_zip_is_read_as_the_workbook_it_is(scanned: tuple[Path, dict[str, Any]]) -> None:
    """A workbook package named .zip was opened as an archive: its parts (XML) were members, none a table,
    so 40 people ended as a clean file listed nowhere (seen for a campaign 'zip quine' of an .xlsx)."""
    tree, found = scanned
    for name in ("backup.zip", "outer.zip"):
        records, statuses, skips = _outcome(found, tree / name)
        assert records == len(ROWS) - 1, (name, records, statuses, skips)


def _inspect(tmp_path: Path, name: str, data: bytes) -> Any:
    """The spreadsheet inspector on one file, in this process (as a worker runs it)."""
    from scanner.config import ScanConfig
    from scanner.contracts import NoProgress, ScanContext, ScanResult
    from scanner.inspectors.spreadsheet import SpreadsheetInspector
    from scanner.names import NameRules
    from scanner.sources.single import SingleFileEntry

    path = tmp_path / name
    path.write_bytes(data)
    config = ScanConfig(sources=[str(path)], out=tmp_path / "unused", names=[], parse_timeout=10)
    ctx = ScanContext(config, NameRules([], True), [], ScanResult(config, started=""), NoProgress())
    return SpreadsheetInspector(config).inspect(SingleFileEntry(str(path)), data, "", ctx)


def _records(ins: Any) -> int:
    return (ins.pii or {}).get("records", 0)


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_cut_workbook_keeps_the_rows_before_the_cut(tmp_path: Path, fmt: str) -> None:
    """A workbook zip cut short (a copy that stopped, a lost last cluster) lost its central directory: every
    record was lost (corrupt, 0 records), even when only the last byte was missing. The parts are read from
    their local headers, a cut sheet up to its last complete row: the records before the cut are counted and
    the file stays listed corrupt."""
    from tests.pii_data import ods_bytes

    data = xlsx_bytes({"名簿": ROWS}) if fmt == "xlsx" else ods_bytes({"名簿": ROWS})
    seen = []
    for frac in (0.5, 0.7, 0.9, 0.99):
        ins = _inspect(tmp_path, f"cut{int(frac * 100)}.{fmt}", data[:int(len(data) * frac)])
        assert ins.status == "corrupt" and "local headers" in ins.detail, (frac, ins.status, ins.detail)
        seen.append(_records(ins))
    ins = _inspect(tmp_path, f"last.{fmt}", data[:-1])
    assert ins.status == "corrupt" and _records(ins) == len(ROWS) - 1, (ins.detail, _records(ins))
    assert 0 < seen[0] < seen[1] < len(ROWS) - 1, seen  # cut inside the sheet: the complete rows before it
    assert seen == sorted(seen) and seen[-1] == len(ROWS) - 1, seen
    assert _records(_inspect(tmp_path, f"whole.{fmt}", data)) == len(ROWS) - 1


def test_cut_excel_workbook_with_shared_strings_keeps_its_records(tmp_path: Path) -> None:
    """The same on a workbook another program wrote (Apache POI's 51626_contact.xlsx, shared strings table
    near the end): cut in its last parts or central directory, it still gives its person record."""
    from tests.conftest import ROOT as root

    data = (root.parent / "shared" / "corpus" / "spreadsheets" / "positive" / "poi__51626_contact.xlsx").read_bytes()
    whole = _records(_inspect(tmp_path, "whole.xlsx", data))
    assert whole > 0
    for cut in (len(data) - 1, len(data) - 22, int(len(data) * 0.95)):
        ins = _inspect(tmp_path, f"cut{cut}.xlsx", data[:cut])
        assert ins.status == "corrupt" and _records(ins) == whole, (cut, ins.detail, _records(ins))


def test_damaged_sheet_inside_a_sound_zip_keeps_the_rows_before_the_damage(tmp_path: Path) -> None:
    """A flipped byte inside the sheet's compressed data broke both readers (XmlError/ParseError): every record
    lost. The sheet is now read up to its last complete row before the XML breaks, listed corrupt."""
    data = bytearray(xlsx_bytes({"名簿": ROWS}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        sheet = z.getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename.encode()) + len(sheet.extra)
    # a flip whose stream still inflates (the XML breaks, not the deflate stream: which one a flip does depends
    # on the bytes, so on Faker's data; a flip that breaks the stream itself is the xfail below)
    at = next(i for i in range(sheet.compress_size * 2 // 3, sheet.compress_size)
              if _inflates(bytes(data[start:start + sheet.compress_size]), i))
    data[start + at] ^= 0x55
    ins = _inspect(tmp_path, "flipped.xlsx", bytes(data))
    assert ins.status == "corrupt", (ins.status, ins.detail)
    assert 0 < _records(ins) < len(ROWS) - 1, (ins.detail, _records(ins))


def _inflates(stream: bytes, at: int) -> bool:
    """Whether ``stream`` with the byte at ``at`` flipped still inflates without a zlib error."""
    import zlib

    flipped = bytearray(stream)
    flipped[at] ^= 0x55
    try:
        zlib.decompressobj(-15).decompress(bytes(flipped))
    except zlib.error:
        return False
    return True


def test_a_broken_deflate_stream_keeps_the_rows_before_the_damage(tmp_path: Path) -> None:
    """A flip that breaks the deflate stream itself (zlib.error): zlib raises and drops what the 4 KiB piece it
    was fed inflated, so the sheet came out empty and every row was lost (Session 10's strict xfail). The piece
    is inflated again up to the break: the rows before the damage are counted, the file listed corrupt, and
    the detail says how many rows of which part were kept."""
    data = bytearray(xlsx_bytes({"名簿": ROWS}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        sheet = z.getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename.encode()) + len(sheet.extra)
    at = next(i for i in range(sheet.compress_size * 2 // 3, sheet.compress_size)
              if not _inflates(bytes(data[start:start + sheet.compress_size]), i))
    data[start + at] ^= 0x55
    ins = _inspect(tmp_path, "flipped.xlsx", bytes(data))
    assert ins.status == "corrupt", (ins.status, ins.detail)
    assert 0 < _records(ins) < len(ROWS) - 1, (ins.detail, _records(ins))
    assert "xl/worksheets/sheet1.xml: " in ins.detail and "row(s) read up to the damage" in ins.detail, ins.detail


def test_two_workbooks_in_one_file_are_rebuilt_apart(tmp_path: Path) -> None:
    """A workbook followed by a cut copy of another (files joined by a copy tool or a carver, a workbook
    re-saved over a longer one): salvage merged the two packages' parts by name, the first one's parts won,
    so the second one's first sheet vanished with "0 part(s) lost" (and its other sheets were read with the
    first one's shared strings). Each package is rebuilt on its own: every sheet of both is read, and the
    detail says the file held two (review8e)."""
    first, second, third = person_rows(12, 1), person_rows(21, 2), person_rows(900, 3)  # past 64 KiB
    a = xlsx_bytes({"名簿": first})
    b = xlsx_bytes({"名簿": second, "名簿2": third})
    alone = _records(_inspect(tmp_path, "b.xlsx", b[:-30]))
    assert alone == len(second) + len(third) - 2
    ins = _inspect(tmp_path, "joined.xlsx", a + b[:-30])
    assert ins.status == "corrupt" and "2 zip packages" in ins.detail, ins.detail
    assert _records(ins) == len(first) - 1 + alone, (_records(ins), ins.detail)
    # zipfile opens such a file by the one end record it finds (the first workbook's when the cut second one
    # is short, the second's when it is whole): the other workbook's records were passed over, the file 'ok'
    small = xlsx_bytes({"名簿": second})
    for name, data, records in (("small.xlsx", a + small[:-30], len(first) + len(second) - 2),
                                ("whole.xlsx", a[:-30] + small, len(first) + len(second) - 2),
                                ("both.xlsx", a + small, len(first) + len(second) - 2)):
        ins = _inspect(tmp_path, name, data)
        assert ins.status == "corrupt" and "2 zip packages" in ins.detail, (name, ins.status, ins.detail)
        assert _records(ins) == records, (name, _records(ins), ins.detail)


def test_salvage_inflates_no_more_than_its_cap_and_says_so() -> None:
    """Salvage skips the central directory, so the bomb guard's declared sizes are never seen: each part was
    inflated up to the whole cap (two parts: twice the cap), and a sheet stopped by the cap was taken for a
    cut sheet ("1 part(s) cut"), the cap never named. Over all parts at most the cap is inflated, and the
    detail says where it stopped (review8e)."""
    from scanner.inspectors import salvage

    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>氏名{i}</t></is></c></row>' for i in range(1, 4000))
    sheet = f'<worksheet xmlns="{salvage.MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/worksheets/sheet2.xml", sheet)
    data = buf.getvalue()
    cut = data[:data.rfind(b"PK\x01\x02")]  # no central directory: read from the local headers
    limit = len(sheet) * 3 // 2
    made = salvage.rebuild(cut, limit)
    with zipfile.ZipFile(io.BytesIO(made[0][0])) as z:
        inflated = sum(i.file_size for i in z.infolist() if i.filename.startswith("xl/worksheets/"))
    assert inflated <= limit + 100, (inflated, limit)  # (+ the closing tags of the sheet cut at the cap)
    assert "stopped at the cap" in made[0][1] and "1 part(s) cut" in made[0][1], made[0][1]
    whole = salvage.rebuild(cut, 10 * len(sheet))
    assert "cap" not in whole[0][1] and "0 part(s) cut" in whole[0][1], whole[0][1]
    assert len(made) == len(whole) == 1


def test_a_damaged_part_does_not_hide_the_parts_after_it(tmp_path: Path) -> None:
    """The local-header reader stopped at the first part whose deflate data broke, though its local header
    gave its size: one flipped byte in the first sheet of two lost the whole second sheet (and the shared
    strings, styles and workbook written after it), in a sound zip or a cut one. Reading goes on after the
    damaged part (review8e)."""
    second = person_rows(25, 7)
    data = bytearray(xlsx_bytes({"名簿": ROWS, "名簿2": second}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        sheet = z.getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename.encode()) + len(sheet.extra)
    data[start + 2:start + 4] = bytes(b ^ 0xFF for b in data[start + 2:start + 4])  # its Huffman tables
    for name, damaged in (("flipped.xlsx", bytes(data)), ("flipped-cut.xlsx", bytes(data[:-30]))):
        ins = _inspect(tmp_path, name, damaged)
        assert ins.status == "corrupt", (ins.status, ins.detail)
        assert _records(ins) == len(second) - 1, (name, ins.detail, _records(ins))


def test_ods_whose_mimetype_is_flagged_encrypted_is_still_read(tmp_path: Path) -> None:
    """One flipped bit (the encrypted flag of the `mimetype` member, its local and central headers): the
    format sniffer's zipfile.read raised RuntimeError, the file was listed "spreadsheet: RuntimeError" with
    no record though its content.xml is whole (review8e, from the campaign's zip-any-flag-encrypted mutation)."""
    from tests.pii_data import ods_bytes

    data = bytearray(ods_bytes({"名簿": ROWS}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("mimetype")
    data[info.header_offset + 6] |= 1  # local header: general purpose flags
    central = bytes(data).find(b"PK\x01\x02")
    while data[central + 46:central + 46 + 8] != b"mimetype":
        central = bytes(data).find(b"PK\x01\x02", central + 4)
    data[central + 8] |= 1  # central directory entry: general purpose flags
    ins = _inspect(tmp_path, "flagged.ods", bytes(data))
    assert "RuntimeError" not in (ins.detail or ""), ins.detail
    assert _records(ins) == len(ROWS) - 1, (ins.status, ins.detail, _records(ins))


def test_flipped_byte_in_multipart_type_keeps_the_attachments() -> None:
    """One flipped byte in the top-level "Content-Type: multipart/mixed" made the message a single part of an
    unknown type: both attached person tables were never read and the .eml passed as clean, listed nowhere."""
    from scanner.codes import Status
    from scanner.inspectors.mail_mime import read_message
    from tests.mail_data import message
    from tests.pii_data import csv_bytes

    raw = message([("利用者名簿.xlsx", xlsx_bytes({"名簿": ROWS}), "rfc2231-utf8"),
                   ("利用者.csv", csv_bytes(ROWS), "rfc2231-utf8")])
    sound = read_message(raw)
    assert [a.name for a in sound.attachments] == ["利用者名簿.xlsx", "利用者.csv"] and not sound.problems
    for flipped in (b"mulvipart/mixed", b"multipart/mixel", b"multipart\x00mixed", b"multipaxt/mixed"):
        mail = read_message(raw.replace(b"multipart/mixed", flipped, 1))
        assert [a.name for a in mail.attachments] == ["利用者名簿.xlsx", "利用者.csv"], (flipped, mail.attachments)
        assert all(a.data for a in mail.attachments)
        if flipped.startswith(b"multipart/"):
            continue  # another multipart subtype is still multipart: nothing damaged to say
        assert [p[0] for p in mail.problems] == [Status.CORRUPT], mail.problems


def test_msg_whose_directory_lost_its_attachments_is_listed(tmp_path: Path) -> None:
    """A damaged sibling link in a .msg's directory hid both attachment storages: olefile builds its tree
    without them and says nothing, so the message read as one without attachments, listed nowhere."""
    import struct

    from scanner.codes import Status
    from scanner.inspectors.mail_outlook import read_msg
    from tests.mail_data import msg_file
    from tests.pii_data import csv_bytes

    data = msg_file(tmp_path, "名簿送付", [("利用者名簿.xlsx", xlsx_bytes({"名簿": ROWS})),
                                         ("利用者.csv", csv_bytes(ROWS))])
    sound = read_msg(data)
    assert len(sound.attachments) == 2 and not sound.problems
    shift, first_dir = struct.unpack_from("<H", data, 30)[0], struct.unpack_from("<I", data, 48)[0]
    root = (first_dir + 1) << shift  # directory entry 0 (the root), 128 bytes each, in the first directory sector
    top = struct.unpack_from("<I", data, root + 76)[0]  # the root's child: the top of its red-black tree
    damaged = bytearray(data)
    struct.pack_into("<II", damaged, root + 128 * top + 68, 0xFFFFFFFF, 0xFFFFFFFF)  # both siblings cut
    mail = read_msg(bytes(damaged))
    assert len(mail.attachments) < 2, mail.attachments  # the damage really hides something
    assert any(s == Status.CORRUPT and "not reached from the root" in d for s, d in mail.problems), mail.problems


def test_iso2022jp_csv_with_a_damaged_byte_keeps_its_records(tmp_path: Path) -> None:
    """One 8-bit byte in a 7-bit ISO-2022-JP CSV (a flipped top bit, a row pasted in UTF-8) made it 'not JIS':
    read as UTF-8/cp932 over the escapes, no name survived and 40 people passed as a clean file. A few 8-bit
    bytes (at most 1 in 20) now leave it JIS, read line by line, the damaged line replaced and said so."""
    import random

    from tests.pii_data import csv_bytes

    data = csv_bytes(ROWS, "iso2022_jp")
    assert data.isascii()
    rng = random.Random(20261205)
    for trial in range(6):
        damaged = bytearray(data)
        for at in rng.sample(range(len(data)), 1 + trial % 3):
            damaged[at] |= 0x80
        ins = _inspect(tmp_path, f"jis{trial}.csv", bytes(damaged))
        assert _records(ins) >= len(ROWS) - 1 - 3, (trial, ins.status, ins.detail, _records(ins))
        assert ins.pii["encoding"].startswith("iso2022_jp") and "partial" in ins.detail, ins.pii
    row = data.index(b"\r\n", len(data) // 2) + 2
    pasted = data[:row] + "山田 花子,ヤマダ ハナコ,東京都千代田区千代田1-1,03-0000-0000,1940-01-01\r\n".encode() + data[row:]
    assert _records(_inspect(tmp_path, "pasted.csv", pasted)) >= len(ROWS) - 1
    # UTF-8 Japanese text holding one stray JIS escape stays UTF-8 (8-bit bytes are most of it)
    utf8 = csv_bytes(ROWS, "utf-8")
    line = utf8.index(b"\r\n", 200) + 2
    ins = _inspect(tmp_path, "utf8.csv", utf8[:line] + b"\x1b$B" + utf8[line:])
    assert ins.pii["encoding"] == "utf-8" and _records(ins) == len(ROWS) - 1, ins.pii


def test_cut_document_is_listed_not_passed_over(tmp_path: Path) -> None:
    """A .pptx/.docx cut before its zip directory (and before its embedded workbook) was never opened: no
    embeddings name in what was left, so it was neither examined nor listed, though the cut may have taken
    the workbook with it. It is now opened and listed corrupt; objects still there are examined."""
    from scanner.config import ScanConfig
    from scanner.contracts import NoProgress, ScanContext, ScanResult
    from scanner.inspectors.archive import ArchiveInspector
    from scanner.names import NameRules
    from scanner.sources.single import SingleFileEntry
    from tests.test_embedded import SLIDES, WORD, package

    for main, ext in ((SLIDES, ".pptx"), (WORD, ".docx")):
        whole = package(main, {"Microsoft_Excel_Worksheet1.xlsx": xlsx_bytes({"名簿": ROWS})})
        before_object = whole.index(b"embeddings/") - 30  # just before the object's local header
        for cut in (before_object, before_object // 2, int(len(whole) * 0.97)):
            path = tmp_path / f"cut{cut}{ext}"
            data = whole[:cut]
            path.write_bytes(data)
            config = ScanConfig(sources=[str(path)], out=tmp_path / "unused", names=[], parse_timeout=10)
            ctx = ScanContext(config, NameRules([], True), [], ScanResult(config, started=""), NoProgress())
            entry, inspector = SingleFileEntry(str(path)), ArchiveInspector(config)
            assert inspector.wants(entry, len(data), lambda d=data: d[:512]), (ext, cut)
            ins = inspector.inspect(entry, data, "", ctx)
            assert ins.status == "corrupt", (ext, cut, ins.status, ins.detail)


def test_stray_lines_in_a_header_block_do_not_hide_the_attachments() -> None:
    """A region duplicated into a message's header block (base64 lines pasted after Message-ID) ended the
    headers there for the email package: Content-Type was read as body, the attachment vanished, and the
    mbox still said 'ok' with half its records. The block is read again without the stray lines, and listed."""
    from scanner.codes import Status
    from scanner.inspectors.mail_mime import read_message
    from tests.mail_data import message
    from tests.pii_data import csv_bytes

    raw = message([("利用者.csv", csv_bytes(ROWS), "rfc2231-utf8")])
    at = raw.index(b"MIME-Version")
    body = raw.index(b"\r\n\r\n", raw.index(b"Content-Transfer-Encoding: base64")) + 4
    damaged = raw[:at] + raw[body:body + 120] + b"\r\n" + raw[at:]  # attachment bytes pasted into the headers
    mail = read_message(damaged)
    assert [a.name for a in mail.attachments] == ["利用者.csv"], mail.attachments
    assert [p[0] for p in mail.problems] == [Status.CORRUPT], mail.problems
    # a message whose short body follows its headers without a blank line reads as before, nothing claimed
    plain = b"From: a@example.jp\r\nSubject: test\r\nDate: Tue, 03 Nov 2026 09:12:00 +0900\r\nhello\r\n"
    assert not read_message(plain).problems and not read_message(plain).attachments


def test_flipped_byte_in_a_delimiter_line_keeps_the_attachment() -> None:
    """'--boundary' flipped to '/-boundary' before the workbook part: the email package read the workbook's
    headers and base64 as text of the part before, the attachment vanished and the message still said 'ok'
    with half its records. Delimiter lines damaged in their first bytes are repaired, the message listed."""
    from scanner.codes import Status
    from scanner.inspectors.mail_mime import read_message
    from tests.mail_data import message
    from tests.pii_data import csv_bytes

    raw = message([("利用者名簿.xlsx", xlsx_bytes({"名簿": ROWS}), "rfc2231-utf8"),
                   ("利用者.csv", csv_bytes(ROWS), "rfc2231-utf8")])
    delimiter = b"\r\n--==leakscan-test==\r\nContent-Type: application/vnd.openxml"
    assert raw.count(delimiter) == 1
    for damaged in (b"/", b"-\x00", b"\xad"):
        mail = read_message(raw.replace(delimiter, b"\r\n" + damaged + delimiter[3:], 1))
        assert sorted(a.name for a in mail.attachments) == ["利用者.csv", "利用者名簿.xlsx"], (damaged, mail.attachments)
        assert [p[0] for p in mail.problems] == [Status.CORRUPT], mail.problems
    assert not read_message(raw).problems


def test_tar_member_swallowed_as_a_long_name_is_listed(tmp_path: Path) -> None:
    """A first member's type flag damaged to 'L' (GNU long name), checksum still valid: tarfile took the
    workbook's bytes for the next member's name, the workbook vanished and the .tar.gz said 'ok' with half
    its records. A member name that is no path (over 4096 bytes, control characters) lists the tar."""
    import gzip

    from scanner.config import ScanConfig
    from scanner.contracts import NoProgress, ScanContext, ScanResult
    from scanner.inspectors.archive import ArchiveInspector
    from scanner.models import Skipped
    from scanner.names import NameRules
    from scanner.sources.single import SingleFileEntry
    from tests.fuzz_data import _tar_edit
    from tests.pii_data import csv_bytes

    sys.path.insert(0, str(ROOT / "bench"))
    from fuzz_campaign import _tar

    tar = _tar({"a/利用者名簿.xlsx": xlsx_bytes({"名簿": ROWS}), "a/利用者.csv": csv_bytes(ROWS)})
    for damaged, broken in ((gzip.compress(tar, mtime=0), False), (_tar_edit(tar, 0, slice(156, 157), b"L"), True)):
        path = tmp_path / f"t{int(broken)}.tar.gz"
        path.write_bytes(damaged)
        config = ScanConfig(sources=[str(path)], out=tmp_path / "unused", names=[], parse_timeout=10)
        ctx = ScanContext(config, NameRules([], True), [], ScanResult(config, started=""), NoProgress())
        ins = ArchiveInspector(config).inspect(SingleFileEntry(str(path)), damaged, "", ctx)
        skips = [c for c in ins.children if isinstance(c, Skipped)]
        assert bool(skips) == broken and all(s.reason == "corrupt" for s in skips), skips
