"""Session 9 (mixenc9): a text table whose lines are in two encodings (a cp932 CSV with rows appended in a UTF-8
editor, the reverse, a UTF-8 BOM before cp932 lines, EUC-JP beside cp932) keeps the records of every line that
decodes in either encoding, and says it was mixed: never a silent partial. Faker ja_JP, fixed seed, tiny files,
in process (no CLI scan)."""

from __future__ import annotations

import pytest
from faker import Faker

from scanner.inspectors.spreadsheet import _outcome, analyse_bytes
from scanner.sheet import Caps
from scanner.tables import sniff_format
from scanner.textdecode import iter_lines, plan_decoding

ROWS = 12


@pytest.fixture(scope="module")
def lines() -> list[str]:
    fake = Faker("ja_JP")
    fake.seed_instance(20261209)
    rows = [["氏名", "フリガナ", "住所", "電話番号"]]
    rows += [[fake.name(), fake.kana_name(), fake.address(), fake.phone_number()] for _ in range(ROWS)]
    return [",".join(r) + "\r\n" for r in rows]


def _mixed(lines: list[str], head: str, tail: str, bom: bool = False) -> bytes:
    cut = len(lines) // 2
    return (b"\xef\xbb\xbf" if bom else b"") + "".join(lines[:cut]).encode(head) + "".join(lines[cut:]).encode(tail)


CASES = [("cp932", "utf-8", False), ("utf-8", "cp932", False), ("utf-8", "cp932", True), ("cp932", "cp932", True),
         ("euc_jp", "cp932", False), ("cp932", "euc_jp", False)]


@pytest.mark.parametrize(("head", "tail", "bom"), CASES)
def test_every_line_of_a_mixed_table_decodes(lines: list[str], head: str, tail: str, bom: bool) -> None:
    data = _mixed(lines, head, tail, bom)
    dec = plan_decoding(data)
    assert "".join(iter_lines(data, dec)) == "".join(lines)
    assert dec.replaced == 0 and dec.doubt is None


@pytest.mark.parametrize(("head", "tail", "bom"), CASES)
def test_a_mixed_table_keeps_its_records_and_says_so(lines: list[str], head: str, tail: str, bom: bool) -> None:
    data = _mixed(lines, head, tail, bom)
    findings, _, reading = analyse_bytes(data, "text", Caps())
    assert sum(len(f.records) for f in findings) == ROWS
    status, detail = _outcome("text", ".csv", bool(findings), reading)
    if head != tail:  # a single encoding after a stray BOM is no mix
        assert "mixed encodings" in detail, detail


def _mangled(text: str) -> bytes:
    """cp932 text opened in an editor that took it for UTF-8 and saved it: every Japanese character lost to U+FFFD."""
    return text.encode("cp932").decode("utf-8", "replace").encode("utf-8")


@pytest.mark.parametrize(("mangled_head", "saved_as"), [(True, "utf-8"), (False, "utf-8"), (False, "cp932")])
def test_rows_lost_to_replacement_characters_leave_the_rest_counted_and_the_file_corrupt(
        lines: list[str], mangled_head: bool, saved_as: str) -> None:
    """A cp932 CSV saved by a UTF-8 editor (its rows now U+FFFD) with rows appended there, or a cp932 head whose
    tail was saved so: the readable rows are records (the column checks are not outvoted by the lost rows) and
    the file is ``corrupt``, saying how many rows were lost."""
    cut = len(lines) // 2
    if mangled_head:
        data = lines[0].encode("utf-8") + _mangled("".join(lines[1:cut])) + "".join(lines[cut:]).encode("utf-8")
        readable = len(lines) - cut
    else:
        tail = _mangled("".join(lines[4:]))  # saved back as cp932, each U+FFFD becomes "?"
        data = "".join(lines[:4]).encode("cp932") + tail.decode().encode(saved_as, "replace")
        readable = 3
    findings, _, reading = analyse_bytes(data, "text", Caps())
    assert sum(len(f.records) for f in findings) == readable
    status, detail = _outcome("text", ".csv", bool(findings), reading)
    assert status == "corrupt" and "U+FFFD" in detail, (status, detail)
    assert f"{len(lines) - 1 - readable} rows unreadable" in detail


@pytest.mark.parametrize(("head", "tail", "bom"), [("cp932", "utf-16-le", b""), ("utf-16-le", "cp932", b"\xff\xfe"),
                                                   ("iso2022_jp_ext", "utf-16-le", b""),
                                                   ("utf-8", "utf-16-le", b"\xef\xbb\xbf"), ("utf-16-be", "cp932", b"")])
def test_an_8bit_table_with_utf16_rows_keeps_both_parts(lines: list[str], head: str, tail: str, bom: bytes) -> None:
    """Rows appended as "Unicode text" (UTF-16) to a cp932 or UTF-8 CSV, or cp932 rows after a UTF-16 export: each
    part is read in its own encoding (the whole file read as UTF-16 lost every cp932 row, status ok). One row
    appended: a few NULs in a long 8-bit head."""
    cut = len(lines) - 1 if bom != b"\xff\xfe" else 2
    data = bom + "".join(lines[:cut]).encode(head) + "".join(lines[cut:]).encode(tail)
    dec = plan_decoding(data)
    assert "".join(iter_lines(data, dec)) == "".join(lines)
    assert sniff_format(data) == "text"  # a long 8-bit head: the NULs of the UTF-16 rows made it "binary"
    findings, _, reading = analyse_bytes(data, "text", Caps())
    assert sum(len(f.records) for f in findings) == ROWS
    status, detail = _outcome("text", ".csv", bool(findings), reading)
    assert f"mixed encodings: {' + '.join(dict.fromkeys((head, tail)))}" in detail, detail


def test_utf16_rows_after_a_long_8bit_head_are_text(lines: list[str]) -> None:
    """The UTF-16 rows start past the first 4 KiB: their NULs (more than 2 % of the head) made the file "binary"."""
    data = "".join(lines * 4).encode("utf-8") + "".join(lines[1:]).encode("utf-16-le")
    assert sniff_format(data) == "text"
    findings, _, reading = analyse_bytes(data, "text", Caps())
    assert sum(len(f.records) for f in findings) == 5 * ROWS  # the same rows five times: every row a record


def test_question_marks_for_unknown_values_are_no_lost_rows(lines: list[str]) -> None:
    """Cells holding only "?" (a value not known) are data, not text lost to a decoding."""
    data = ("".join(lines) + "?,?,?,?\r\n" + "??,??,??,??\r\n").encode("cp932")
    findings, _, reading = analyse_bytes(data, "text", Caps())
    assert sum(len(f.records) for f in findings) == ROWS
    assert not reading.damage
