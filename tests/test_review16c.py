"""Review of wild16 (Session 16, review16c): the SYLK reader, the JSON sniff for texts starting with ``{`` and the
CSV quote-cut rule, broken with damaged and realistic inputs the branch was not tuned to."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

from faker import Faker

from tests.conftest import ScanCases, own_lines
from tests.test_wild16 import _ended_as_nothing, _sylk

SEED = 20261216


def _people(n: int) -> list[dict[str, str]]:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return [{"name": fake.name(), "zip": fake.postcode(), "address": fake.address(), "tel": fake.phone_number()}
            for _ in range(n)]


def _records(findings: dict) -> dict[str, int]:
    return {Path(f["path"]).name: (f.get("pii") or {}).get("records") for f in findings["files"]}


CASES = ScanCases("review16c")  # every test's files in one share, scanned once (one scan.py run, not one a test)
_case = CASES.case
scanned = CASES.fixture()


@_case
def _c1() -> dict[str, bytes]:  # test_sylk_position_of_odd_digits_costs_no_rows
    rows: list[list[object]] = [["氏名", "郵便番号", "住所", "電話番号"]]
    rows += [[p["name"], p["zip"], p["address"], p["tel"]] for p in _people(40)]
    text = _sylk(rows).decode("cp932")
    end = "E\r\n"
    books = {"super.slk": (text[:-len(end)] + 'C;Y50;X\u00b2;K"x"\r\n' + end).encode("utf-8"),
             "digits.slk": (text[:-len(end)] + "C;Y50;X" + "1" * 5000 + ';K"x"\r\n' + end).encode("cp932")}
    return books


def test_sylk_position_of_odd_digits_costs_no_rows(scanned: dict[str, Any]) -> None:
    """A damaged record's X or Y holding a digit int() refuses (a superscript ², read from a Latin or UTF-8 file) or
    more digits than int() converts (4,300) raised ValueError out of the reader: the whole file was listed
    "the parser raised ValueError" and its 40 people were lost. Such a position is no position: the cell is
    outside the sheet, the other rows are read."""
    findings = own_lines(scanned, "c1")
    books = scanned["books"]["c1"]
    assert _records(findings) == dict.fromkeys(books, 40), (_records(findings), findings["skipped"])


def test_sylk_long_record_splits_in_linear_memory() -> None:
    """A record's fields were split by a regular expression whose repeated alternation keeps ~115 bytes of matcher
    state per character: a 20 MB cell (a damaged or hostile .slk) took 2.4 GB in the worker. Split in memory
    proportional to the line."""
    from scanner.sheet import Caps
    from scanner.sylk import iter_sylk

    data = b'ID;PWXL;N;E\r\nC;Y1;X1;K"' + b"a" * 2_000_000 + b';;b"\r\nC;Y1;X2;K"x;;;;y"\r\nE\r\n'
    tracemalloc.start()
    try:
        (sheet,) = iter_sylk(data, Caps())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sheet.rows == [["a" * 2_000_000 + ";b", "x;;y"]]
    assert peak < 40_000_000, peak


@_case
def _c2() -> dict[str, bytes]:  # test_json_starting_with_a_brace_then_a_comment_or_bare_key_is_still_json
    people = _people(30)
    obj = json.dumps({"users": people}, ensure_ascii=False, indent=2)
    books = {"export.json": ("{ // exported by the member system\n" + obj[1:]).encode(),
             "dump.txt": "\n".join(f'{{ _id: ObjectId("{i:024d}"), ' + json.dumps(p, ensure_ascii=False)[1:]
                                   for i, p in enumerate(people)).encode(),
             "printed.txt": ("{'users': " + repr(people) + "}").encode()}
    return books


def test_json_starting_with_a_brace_then_a_comment_or_bare_key_is_still_json(scanned: dict[str, Any]) -> None:
    """wild16 took a text starting ``{`` for JSON only when a key's double quote or ``}`` follows (an RTF named .txt
    was damaged JSON). Person exports that open otherwise ended as nothing where main read or listed them: a
    ``{ // comment`` before the keys (30 people read before), a mongosh print ``{ _id: ObjectId(..), name: ..}`` and
    a Python dict printed to a file (listed as damaged JSON before)."""
    findings = own_lines(scanned, "c2")
    books = scanned["books"]["c2"]
    assert not _ended_as_nothing(findings, set(books)), (_records(findings), findings["skipped"])
    assert _records(findings).get("export.json") == 30, _records(findings)


@_case
def _c3() -> dict[str, bytes]:  # test_a_cut_inside_a_quoted_cell_is_one_cut
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rows = "氏名,住所,備考\r\n" + "".join(f'{fake.name()},{fake.address()},"{fake.city()}"\r\n' for _ in range(30))
    books = {"one.csv": (rows + f'{fake.name()},{fake.address()},"旧住所 {fake.address()}').encode(),
             "two.csv": (rows + f'{fake.name()},{fake.address()},"旧住所\r\n{fake.address()}').encode(),
             "addr.csv": (rows + f'{fake.name()},"{fake.prefecture()}').encode()}
    return books


def test_a_cut_inside_a_quoted_cell_is_one_cut(scanned: dict[str, Any]) -> None:
    """A text cut inside a quoted cell was given two reasons for one cut: text-cut-in-quote and text-cut-in-row,
    the latter counting the quoted cell's second line as a row of 1 cell ("1 of 3 cells")."""
    findings = own_lines(scanned, "c3")
    books = scanned["books"]["c3"]
    codes = {Path(s["path"]).name: sorted(c["code"] for c in s["detail_codes"]) for s in findings["skipped"]}
    assert codes == dict.fromkeys(books, ["quoting-unclosed", "text-cut-in-quote"]), codes
    assert _records(findings) == dict.fromkeys(books, 31), _records(findings)  # the cut row read too


@_case
def _c4() -> dict[str, bytes]:  # test_a_quote_left_open_in_a_text_that_is_no_table_is_no_cut
    rtf = "\n".join(["{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\fbidis \\deff0{\\fonttbl", "{\\f0\\fswiss Arial;}",
                     "{\\f1\\fmodern Courier New;}}", "{\\colortbl\\red0\\green0\\blue0;\\red0\\green0\\blue255;}",
                     "\\uc1\\pard\\plain\\deftab360 \\f0\\fs24 ", "{\\*\\htmltag19 <html>}",
                     '{\\*\\htmltag96 <table border="0" style="width:100%; table-layout:auto;">}\\htmlrtf {\\pard',
                     "{\\*\\htmltag104 </table>}\\htmlrtf }\\htmlrtf0 ", "{\\*\\htmltag58 </body>}",
                     "{\\*\\htmltag27 </html>}}"])
    memo = ("Meeting notes\r\n\r\nAttendees: sales, support\r\nThe customer wrote, \"We cannot accept the delay.\r\n\r\n"
            "Please call us before Friday.\r\n\r\nRegards")
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rows = "氏名,住所,備考\r\n" + "".join(f'{fake.name()},{fake.address()},"{fake.city()}"\r\n' for _ in range(30))
    books = {"message.txt": rtf.encode(), "memo.txt": memo.encode(),  # cut.csv: not a copy of one.csv above
             "cut.csv": (rows + f'{fake.name()},{fake.address()},"前住所 {fake.address()}').encode(),
             "header-only.csv": f'氏名,住所,備考\r\n{fake.name()},"{fake.address()}'.encode()}
    return books


def test_a_quote_left_open_in_a_text_that_is_no_table_is_no_cut(scanned: dict[str, Any]) -> None:
    """wild16's text-cut-in-quote claimed a cut for any text whose last line(s) hold a quote opened at a field's start
    and no final line end: an RTF written from HTML named .txt (mimekit's tnef message.rtf: ``style="width:100%;
    table-layout:auto;">`` opens a quote after a ;) and a Notepad memo (no final line end) whose last paragraph
    opens a quotation after a comma were listed corrupt "the file is cut". A cut is claimed only below a table
    (the rows above as wide as each other, two cells or more); a person list cut so is still listed."""
    findings = own_lines(scanned, "c4")
    listed = {Path(s["path"]).name: sorted(c["code"] for c in s["detail_codes"]) for s in findings["skipped"]}
    assert "message.txt" not in listed and "memo.txt" not in listed, listed
    assert "text-cut-in-quote" in listed.get("cut.csv", []) and "header-only.csv" in listed, listed


@_case
def _c5() -> dict[str, bytes]:  # test_sylk_with_a_damaged_first_record_is_read_under_its_name
    rows: list[list[object]] = [["氏名", "郵便番号", "住所", "電話番号"]]
    rows += [[p["name"], p["zip"], p["address"], p["tel"]] for p in _people(40)]
    data = _sylk(rows)
    books = {}
    for i, at in enumerate((5, 7, 14, 3)):
        b = bytearray(data)
        b[at] ^= 0xFF
        books[f"flip{i}.slk" if i % 2 else f"flip{i}.sylk"] = bytes(b)
    return books


def test_sylk_with_a_damaged_first_record_is_read_under_its_name(scanned: dict[str, Any]) -> None:
    """One flipped byte in the first 15 (the writer's name in ``ID;PWXL``, the ; of the second record) and a .slk
    with 40 people was listed "SYLK spreadsheet: no reader for this format" (there is one) with no person read: the
    sniff wants both first records intact. A file named .slk/.sylk whose cells are SYLK cells is read as SYLK."""
    findings = own_lines(scanned, "c5")
    books = scanned["books"]["c5"]
    assert _records(findings) == dict.fromkeys(books, 40), (_records(findings), findings["skipped"])


@_case
def _c6() -> dict[str, bytes]:  # test_gnumeric_sniff_wants_the_namespace_declared
    from tests.test_wild16 import _gnumeric_old

    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rows = "".join(f"<tr><td>{fake.name()}</td><td>{fake.postcode()}</td><td>{fake.address()}</td></tr>\n"
                   for _ in range(30))
    html = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>会員名簿</title><!-- made with Gnumeric, '
            'http://www.gnome.org/gnumeric/ --></head><body><table><tr><th>氏名</th><th>郵便番号</th><th>住所</th></tr>\n'
            f"{rows}</table></body></html>")
    people = [[p["name"], p["zip"], p["address"]] for p in _people(40)]
    books = {"meibo.xls": html.encode(),  # a web system's HTML export saved as .xls
             "old.xml": _gnumeric_old([["氏名", "郵便番号", "住所"], *people], "http://www.gnome.org/gnumeric/v7", False),
             "new.xml": _gnumeric_old([["氏名", "郵便番号", "住所"], *people], "http://www.gnumeric.org/v10.dtd", False)}
    return books


def test_gnumeric_sniff_wants_the_namespace_declared(scanned: dict[str, Any]) -> None:
    """wild16 took any markup whose head holds http://www.gnome.org/gnumeric/ (Gnumeric's old home page, linked from
    pages and comments) for a Gnumeric workbook: an HTML person list (a web system's export named .xls) naming it in a comment was listed `corrupt`
    "Gnumeric XML: XMLSyntaxError" with its 30 people unread. And the old namespace was missed by the third list of
    Gnumeric marks (which .xml files are read): a Gnumeric 1.0 workbook saved as .xml ended as nothing while a newer
    one was read. A workbook declares its namespace (``xmlns:gmr="…"``): that is what is looked for, in one place."""
    findings = own_lines(scanned, "c6")
    assert _records(findings) == {"meibo.xls": 30, "old.xml": 40, "new.xml": 40}, (_records(findings),
                                                                                    findings["skipped"])


def test_a_semicolon_list_opening_with_id_is_no_sylk() -> None:
    """A semicolon list whose header is ``ID;Pupil;…`` and whose rows start with a class letter ``C;`` and hold a word
    starting K (Kato, Kyoto) was sniffed as SYLK (read as cells ``ato Taro``, then `sylk-cut`). A SYLK cell's K field
    starts a field and holds a value: a quoted text, a number, TRUE/FALSE or an error."""
    from scanner.tables import sniff_format

    text = "ID;Pupil;Town;Tel\nC;Kato Taro;Kyoto;075-000-0000\nC;Kimura Jiro;Kobe;078-000-0000\n"
    assert sniff_format(text.encode()) == "text"
    for cell in ('C;Y1;X1;K"Kato"', "C;X2;K12.5", "C;K-1", "C;Y2;X1;KTRUE", "C;X3;Y1;K#N/A", 'C;Y1;X1;N;K"a"'):
        assert sniff_format(f"ID;PWXL;N;E\nP;PGeneral\n{cell}\nE\n".encode()) == "sylk", cell


@_case
def _c7() -> dict[str, bytes]:  # test_a_crlf_csv_cut_at_a_line_break_inside_a_quoted_cell_is_listed
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rows = "氏名,住所,備考\r\n" + "".join(f'{fake.name()},{fake.address()},"{fake.city()}"\r\n' for _ in range(30))
    last = f'{fake.name()},{fake.address()},"旧住所\n'
    books = {"crlf_cut.csv": (rows + last).encode("cp932"),
             "crlf_whole.csv": (rows + last[:-1] + "\r\n").encode("cp932")}
    return books


def test_a_crlf_csv_cut_at_a_line_break_inside_a_quoted_cell_is_listed(scanned: dict[str, Any]) -> None:
    """Excel writes CRLF between rows and LF inside a cell: a CSV cut right after a cell's LF ended `ok` with the rows
    after it lost (a text ending with its line end was taken as whole). A quote still open at the end whose last line
    ends LF alone in a file of CRLF rows is a cut; the same text with CRLF at the end (a stray quote) is not."""
    findings = own_lines(scanned, "c7")
    listed = {Path(s["path"]).name: sorted(c["code"] for c in s["detail_codes"]) for s in findings["skipped"]}
    assert "text-cut-in-quote" in listed.get("crlf_cut.csv", []), listed
    assert "text-cut-in-quote" not in listed.get("crlf_whole.csv", []), listed
