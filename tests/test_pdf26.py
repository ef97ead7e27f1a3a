"""pdf26: PDF page text left open by pdf25 (session 25's "Left open" > PDF).

- SILENT: noise in ONE script. A printout (pdftext24's Chromium list of 30 Faker ja_JP persons in IPA Gothic) whose
  ToUnicode maps point every glyph into the CJK block (CID + U+4E00, or each kanji one code point on), into Hangul,
  Cyrillic, Arabic or Thai: each run reads as letters of one script, pdf25's mixed-script measure stays under its
  threshold, no person, nothing said (the shifted kanji even gave 31 "persons" with garbled names) ->
  ``pdf-text-undecodable``. Honest pages (the printout itself, Russian set in IPA Gothic) are not said.
- LOST: a horizontal table drawn column by column (each column's cells top to bottom, as reportlab code or a report
  writer does) has its one-glyph cells (性別 男/女, No 1-9) one under another and nothing across: pdf25's vertical
  test turned the page and its 30 persons were lost (noted ``pdf-text-vertical``) -> 30 persons, no note.
- pypdf logged "Impossible to decode XFormObject /<the form's name>: ..." to the scan's log once per form drawn after
  a stop (review25f's left item): a form named after a person put that name on the terminal -> no pypdf record
  reaches the log (they are counted where they mean damage, pdftext24).
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Callable

import pytest

from scanner.details import codes_of
from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from tests.pii_data import people
from tests.test_pdf25 import _FONT, _pdf, _rewrite
from tests.test_review25f import chromium


def _read(data: bytes, caps: Caps | None = None) -> tuple[int, list[str]]:
    findings, _, reading = analyse_bytes(data, "pdf", caps or Caps())
    return sum(f.count for f in findings), [c["code"] for n in reading.notes + reading.damage for c in codes_of(n)]


_PAIR = re.compile(rb"<([0-9A-Fa-f]{2,4})>\s*<([0-9A-Fa-f]{4,})>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]{2,4})>\s*<([0-9A-Fa-f]{2,4})>\s*<([0-9A-Fa-f]{4,})>")


def remapped(data: bytes, target: Callable[[int, int], int]) -> bytes:
    """``data`` with every ToUnicode target (bfchar and bfrange) replaced by ``target(code, old target)``."""
    def change(cmap: bytes) -> bytes:
        head, sep, rest = cmap.partition(b"endcodespacerange")
        rest = _RANGE.sub(lambda m: b"<%s> <%s> <%04X>" % (m.group(1), m.group(2),
                                                          target(int(m.group(1), 16), int(m.group(3)[:4], 16))), rest)
        rest = re.sub(rb"beginbfchar(.*?)endbfchar", lambda c: b"beginbfchar" + _PAIR.sub(
            lambda m: b"<%s> <%04X>" % (m.group(1), target(int(m.group(1), 16), int(m.group(2)[:4], 16))), c.group(1))
            + b"endbfchar", rest, flags=re.S)
        return head + sep + rest

    for number in set(re.findall(rb"/ToUnicode (\d+) 0 R", data)):
        data = _rewrite(data, number, change)
    return data


ONE_SCRIPT: dict[str, Callable[[int, int], int]] = {
    "cjk": lambda code, _: 0x4E00 + code,  # the glyph's code read as an offset into the CJK block
    "cjk_shift": lambda _, u: u + 1 if 0x4E00 <= u <= 0x9FFF else u,  # every kanji one code point on, kana kept
    "hangul": lambda code, _: 0xAC00 + code,
    "cyrillic": lambda code, _: 0x0410 + code % 64,
    "arabic": lambda code, _: 0x0621 + code % 42,
    "thai": lambda code, _: 0x0E01 + code % 58,
}


@chromium
@pytest.mark.parametrize("how", sorted(ONE_SCRIPT))
def test_noise_in_one_script_is_said_undecodable(how: str) -> None:
    from tests.test_pdftext24 import person_pdf

    assert _read(person_pdf(2431))[0] == 30  # the premise: the honest printout reads its 30 persons
    persons, codes = _read(remapped(person_pdf(2431), ONE_SCRIPT[how]))
    assert "pdf-text-undecodable" in codes, (how, persons, codes)  # (before: nothing said; cjk_shift 31 "persons")


@chromium
def test_honest_pages_in_a_japanese_font_are_not_said_undecodable() -> None:
    from tests.test_pdftext24 import person_pdf, printed

    russian = ("<p>Москва — столица России, крупнейший по численности населения город страны. Санкт-Петербург "
               "основан Петром Первым в 1703 году. Уважаемый Иван Петрович, ООО «Ромашка» просит подтвердить заказ.</p>")
    pages = {"list": person_pdf(2431),
             "russian": printed("<!doctype html><html lang=ru><meta charset=utf-8><style>body{font-family:'IPAGothic'}"
                                "</style>" + russian * 12 + "</html>")}
    for name, data in pages.items():
        assert "pdf-text-undecodable" not in _read(data)[1], name


def column_major(seed: int, n: int = 30) -> bytes:
    """A person table drawn column by column (each column's cells top to bottom; a producer's drawing order, as
    reportlab code looping over columns): No, 氏名, 性別 (男/女), 住所, 電話番号 in HeiseiMin-W3 (UniJIS-UCS2-H)."""
    rows = [("No", "氏名", "性別", "住所", "電話番号"),
            *((str(i), p.name, "男女"[i % 2], p.address, p.phone) for i, p in enumerate(people(n, seed=seed), 1))]
    cells = []
    for column, x in enumerate((30, 55, 130, 160, 450)):
        for at, row in enumerate(rows):
            cells.append(f"BT /F1 9 Tf {x} {800 - 14 * at} Td <{row[column].encode('utf-16-be').hex()}> Tj ET")
    body = zlib.compress("\n".join(cells).encode())
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
                 b" /Contents 4 0 R >>",
                 b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
                 _FONT[0] % 6, _FONT[1] % 7, _FONT[2]])


def test_a_table_drawn_column_by_column_is_not_taken_for_vertical_text() -> None:
    persons, codes = _read(column_major(2601))
    assert persons == 30, codes  # (before: 0 persons, noted pdf-text-vertical: its columns read as rows)
    assert "pdf-text-vertical" not in codes


NAME = "山田太郎"


def named_form(draws: int, paths: int) -> bytes:
    """review25f's page drawing one form ``draws`` times (``paths`` path operators in it), the form named after a
    person: /山田太郎 (UTF-8 bytes #-escaped, as a PDF name is written)."""
    from tests.test_review25f import forms_drawn

    escaped = "".join(f"#{b:02X}" for b in NAME.encode()).encode()
    data = forms_drawn(draws, paths)
    out = data.replace(b"/Fm0", b"/" + escaped)
    head = re.sub(rb"startxref\n\d+", b"", out)  # (the cross-reference's offsets moved: pypdf rebuilds it)
    return head


class _Caught(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_no_pypdf_warning_reaches_the_log() -> None:
    from scanner.errors import ReadError

    caught = _Caught()
    root = logging.getLogger()
    root.addHandler(caught)
    try:
        with pytest.raises(ReadError):  # the clock stops the page; pypdf then fails every later draw of the form
            analyse_bytes(named_form(40, 100_000), "pdf", Caps(timeout=1))
    finally:
        root.removeHandler(caught)
    said = [r for r in caught.records if r.name.startswith("pypdf")]
    assert not said, [r.name for r in said]  # (before: "Impossible to decode XFormObject /山田太郎: ..." x 39)
    assert not [r for r in caught.records if NAME in r.getMessage()]


def _cells(data: bytes) -> set[str]:
    from scanner.pdftext import pdf_sheets

    return {re.sub(r"\s", "", cell) for sheet in pdf_sheets(data, Caps()) for row in sheet.rows for cell in row}


@chromium
@pytest.mark.parametrize("shape", ["table", "lines"])
def test_numbers_set_sideways_stay_in_the_vertical_address(shape: str) -> None:
    from tests.test_pdf25 import vertical_lines, vertical_list

    data = vertical_list(2531) if shape == "table" else vertical_lines(2532)
    persons = people(12, seed=2531 if shape == "table" else 2532)
    cells = _cells(data)
    # (a name filling its cell is glued to the address: its padding is under the 0.6 glyph a gap must be; left)
    assert [p.name for p in persons if not any(c.startswith(p.name.replace(" ", "")) for c in cells)] == []  # (before:
    # 石 of 石川明美 read after the phone)
    assert [p.address for p in persons if not any(c.endswith(re.sub(r"\s", "", p.address)) for c in cells)] == []
    # (before: 千束 丁目 番 号 | 1 22 18)


def vertical_font_list(seed: int, n: int = 12, encoding: bytes = b"UniJIS-UCS2-V") -> bytes:
    """A person list written in a vertical-writing font (HeiseiMin-W3, ``encoding`` a vertical CMap, as reportlab's
    ``UnicodeCIDFont(..., isVertical=True)`` writes): each person a column, right to left, each cell one string whose
    glyphs go down the page from its origin (pypdf gives each string as one run at its origin)."""
    rows = [("No", "氏名", "住所", "電話番号"),
            *((str(i), p.name, p.address, p.phone) for i, p in enumerate(people(n, seed=seed), 1))]
    cells = [f"BT /F1 10 Tf {560 - 16 * at} {y} Td <{cell.encode('utf-16-be').hex()}> Tj ET"
             for at, row in enumerate(rows) for y, cell in zip((800, 770, 680, 450), row, strict=True)]
    body = zlib.compress("\n".join(cells).encode())
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
                 b" /Contents 4 0 R >>",
                 b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
                 (_FONT[0] % 6).replace(b"UniJIS-UCS2-H", encoding), _FONT[1] % 7, _FONT[2]])


def test_a_list_in_a_vertical_writing_font_is_read() -> None:
    persons, codes = _read(vertical_font_list(2602))
    assert persons == 12, codes  # (before: 0 persons, nothing said: each string a run going down, read as rows)
    assert "pdf-text-vertical" in codes
    cells = _cells(vertical_font_list(2602))
    assert [p.address for p in people(12, seed=2602) if re.sub(r"\s", "", p.address) not in cells] == []


def test_the_same_list_in_a_horizontal_font_is_not_turned() -> None:
    persons, codes = _read(vertical_font_list(2602, encoding=b"UniJIS-UCS2-H"))  # (the strings then go across:
    assert "pdf-text-vertical" not in codes, codes  # overlapping noise, no vertical page)
