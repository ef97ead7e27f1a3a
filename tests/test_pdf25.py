"""pdf25: where a PDF's page text reads garbage or nothing, say it (session 24's "Left open" > PDF page text).

The lists are pdftext24's Chromium printouts (Faker ja_JP persons in the IPA fonts, tests.test_pdftext24) and
hand-written pages (docs24's shape: one text run per person, its cells parted by tabs):

- a printout whose fonts' ToUnicode maps are dropped, emptied, cut, or pointed at the Private Use Area, at lone
  surrogates or at unassigned code points: pypdf gives glyph names (``/gE6D``) or noise, the 30 persons are not read,
  and nothing was said -> ``unsupported`` ``pdf-text-undecodable``;
- one byte flipped in a hand-written list's content stream (the tab after a name turned into a kanji: docs24's
  ``jpage_flip_any1121_01.pdf``): 11 of 12 persons, nothing said -> ``corrupt`` ``rows-malformed``;
- a page of 900,000 text runs (within pypdf's own parsing limit): read whole, ~4 s and ~150 MB in one page the
  budget could not stop -> ``too-large`` ``pdf-page-over-cap`` after the persons of the page before;
- a list printed in vertical writing (縦書き, ``writing-mode: vertical-rl``): no person, nothing said -> its persons.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

import pytest

from scanner.codes import Status
from scanner.details import codes_of
from tests.conftest import ScanCases, own_lines
from tests.pii_data import people
from tests.test_pdftext24 import PERSONS, _line, person_pdf, printed, pytestmark  # noqa: F401 - chromium prints

cases = ScanCases("pdf25")
scanned = cases.fixture()


def _rewrite(data: bytes, number: bytes, change: Any) -> bytes:
    """``data`` with object ``number``'s deflated stream changed by ``change`` (its /Length kept right)."""
    m = re.search(rb"\n%s 0 obj\s*<<(.*?)>>\s*stream\r?\n" % number, data, re.S)
    assert m is not None
    start = m.end()
    length = int(re.search(rb"/Length (\d+)", m.group(1)).group(1))  # type: ignore[union-attr]
    new = zlib.compress(change(zlib.decompress(data[start:start + length])))
    head = m.group(0).replace(b"/Length %d" % length, b"/Length %d" % len(new))
    return data[:m.start()] + head + new + data[start + length:]


_TARGET = re.compile(rb"(<[0-9A-Fa-f]{2,4}>\s*)<([0-9A-Fa-f]{4,})>")  # a bfchar/bfrange's source and its target


def tounicode_broken(data: bytes, how: str) -> bytes:
    """The printout with every font's ToUnicode map broken ``how``: dropped (the key blanked), emptied, cut in half, or
    its targets pointed at the Private Use Area, a lone surrogate, or unassigned code points (U+2FE0-2FEF)."""
    if how == "dropped":
        return re.sub(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group(0)), data)
    change = {
        "emptied": lambda b: b"begincmap endcmap",
        "cut": lambda b: b[:len(b) // 2],
        "pua": lambda b: _TARGET.sub(lambda m: m.group(1) + b"<E%03X>" % (int(m.group(2)[:4], 16) % 0xFFF), b),
        "surrogate": lambda b: _TARGET.sub(lambda m: m.group(1) + b"<D800>", b),
        "unassigned": lambda b: _TARGET.sub(lambda m: m.group(1) + b"<%04X>" % (0x2FE0 + int(m.group(2)[:4], 16) % 16), b),
    }[how]
    for number in set(re.findall(rb"/ToUnicode (\d+) 0 R", data)):
        data = _rewrite(data, number, change)
    return data


BROKEN = ("dropped", "emptied", "cut", "pua", "surrogate", "unassigned")


@cases.case
def _undecodable() -> dict[str, bytes]:
    return {f"利用者一覧_{how}.pdf": tounicode_broken(person_pdf(2431), how) for how in BROKEN}


@pytest.mark.parametrize("how", BROKEN)
def test_a_printout_whose_fonts_map_no_text_is_said_undecodable(scanned: dict[str, Any], how: str) -> None:
    line = _line(scanned, "undecodable", f"利用者一覧_{how}.pdf")  # (before: no line, 0 persons)
    assert line.get("status") == "unsupported", line
    assert "pdf-text-undecodable" in line["codes"], line


def test_the_honest_printout_reads_no_undecodable_text() -> None:
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps

    findings, _, reading = analyse_bytes(person_pdf(2431), "pdf", Caps())
    assert sum(f.count for f in findings) == PERSONS
    assert not [c for n in reading.notes + reading.damage for c in codes_of(n)], reading.notes


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 0 obj the catalogue, 2 0 obj the page tree), its cross-reference table written."""
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


_FONT = [b"<< /Type /Font /Subtype /Type0 /BaseFont /HeiseiMin-W3 /Encoding /UniJIS-UCS2-H /DescendantFonts [%d 0 R] >>",
         b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HeiseiMin-W3 /CIDSystemInfo << /Registry (Adobe)"
         b" /Ordering (Japan1) /Supplement 2 >> /FontDescriptor %d 0 R >>",
         b"<< /Type /FontDescriptor /FontName /HeiseiMin-W3 /Flags 6 /FontBBox [0 -141 1000 859] /ItalicAngle 0"
         b" /Ascent 859 /Descent -141 /CapHeight 709 /StemV 69 >>"]


def tab_list(seed: int, n: int = 12, extra: bytes | None = None) -> bytes:
    """docs24's hand-written list (tests.test_pdftext24.tab_lines_page, 4 columns, its content stream stored as is):
    one text run per person in HeiseiMin-W3 (UniJIS-UCS2-H), its cells parted by tabs; ``extra`` a second page's
    content (Helvetica)."""
    lines = ["\t".join(r) for r in [("No", "氏名", "住所", "電話番号"),
                                    *((str(i), p.name, p.address, p.phone) for i, p in enumerate(people(n, seed=seed), 1))]]
    body = ("BT /F1 9 Tf 20 800 Td 12 TL " + " ".join(f"<{line.encode('utf-16-be').hex()}> '" for line in lines)
            + " ET").encode()
    pages = [3] + ([10] if extra is not None else [])
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % p for p in pages), len(pages)),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
            _FONT[0] % 6, _FONT[1] % 7, _FONT[2],
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", b"null"]
    if extra is not None:
        stream = zlib.compress(extra)
        objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F2 8 0 R >> >>"
                 b" /Contents 11 0 R >>", b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    return _pdf(objs)


def tab_after_name_flipped(data: bytes, person: int, seed: int) -> bytes:
    """One byte flipped: the first hex digit of the tab after person ``person``'s name (``0009`` -> ``5009``, a kanji)."""
    name = people(12, seed=seed)[person - 1].name.encode("utf-16-be").hex().encode()
    at = data.index(name + b"0009") + len(name)
    out = bytearray(data)
    out[at] ^= 0x05  # "0" -> "5"
    return bytes(out)


@cases.case
def _flipped() -> dict[str, bytes]:
    return {"名簿_whole.pdf": tab_list(2541), "名簿_flip.pdf": tab_after_name_flipped(tab_list(2541), 9, 2541)}


def test_a_person_lost_to_a_flipped_byte_is_said(scanned: dict[str, Any]) -> None:
    whole = _line(scanned, "flipped", "名簿_whole.pdf")
    assert whole["pii"]["records"] == 12 and whole.get("status", "ok") == "ok", whole  # the premise: all 12 read
    line = _line(scanned, "flipped", "名簿_flip.pdf")
    assert line["pii"]["records"] == 11, line  # the person whose tab was flipped is lost ...
    assert line.get("status") == "corrupt", line  # (before: ok, nothing said)
    assert "rows-malformed" in line["codes"], line  # ... and said


HEAVY_RUNS = 900_000  # "(x) Tj" twice a token: 1.8 M tokens, within pypdf's own 2 M per stream


@cases.case
def _heavy() -> dict[str, bytes]:
    return {"名簿_重い.pdf": tab_list(2542, extra=b"BT /F2 9 Tf 20 800 Td " + b"(x) Tj " * HEAVY_RUNS + b"ET")}


def test_a_page_of_a_million_text_runs_is_capped_and_said(scanned: dict[str, Any]) -> None:
    line = _line(scanned, "heavy", "名簿_重い.pdf")
    assert line["pii"]["records"] == 12, line  # the list on the page before is read
    assert line.get("status") == "too-large", line  # (before: ok, ~4 s and ~150 MB on one page, nothing said)
    assert "pdf-page-over-cap" in line["codes"], line


def test_a_heavy_page_stops_early() -> None:
    import time

    from scanner.errors import ReadError
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps

    data = tab_list(2542, extra=b"BT /F2 9 Tf 20 800 Td " + b"(x) Tj " * HEAVY_RUNS + b"ET")
    began = time.process_time()
    try:
        analyse_bytes(data, "pdf", Caps())
    except ReadError:
        pass
    assert time.process_time() - began < 3.0  # (before: ~4 s at load 1; the cap stops it after ~0.6 s)


def vertical_list(seed: int, n: int = 12) -> bytes:
    """A person list printed in vertical writing (縦書き: ``writing-mode: vertical-rl``), A4 landscape, ruled cells."""
    import html

    rows = "".join(f"<tr><td>{i}</td><td>{html.escape(p.name)}</td><td>{html.escape(p.address)}</td><td>{p.phone}</td></tr>"
                   for i, p in enumerate(people(n, seed=seed), 1))
    return printed("<!doctype html><html lang=ja><meta charset=utf-8><style>@page {size: A4 landscape} body{font-family:"
                   "'IPAMincho';writing-mode:vertical-rl} table{border-collapse:collapse} td,th{border:1px solid #000;"
                   "padding:4px;font-size:11pt}</style><h1>利用者名簿</h1><table><tr><th>No</th><th>氏名</th><th>住所</th>"
                   f"<th>電話番号</th></tr>{rows}</table></html>")


@cases.case
def _vertical() -> dict[str, bytes]:
    return {"利用者名簿_縦.pdf": vertical_list(2531)}


def test_a_list_printed_vertically_is_read_or_said(scanned: dict[str, Any]) -> None:
    line = _line(scanned, "vertical", "利用者名簿_縦.pdf")  # (before: no line)
    assert (line.get("pii") or {}).get("records") == 12 or (
        line.get("status") == "unsupported" and "pdf-text-vertical" in line["codes"]), line


def test_the_lines_are_the_cases_own(scanned: dict[str, Any]) -> None:
    assert own_lines(scanned, "flipped")["files"], "the scan ran"
    assert Status.UNSUPPORTED.value == "unsupported"


def vertical_lines(seed: int, n: int = 12) -> bytes:
    """A person list printed vertically as lines, not a table (each person one column of text: number, name,
    address and phone parted by ideographic spaces), under the heading 利用者名簿."""
    import html

    lines = "".join(f"<p>{i}\u3000{html.escape(p.name)}\u3000{html.escape(p.address)}\u3000{p.phone}</p>"
                    for i, p in enumerate(people(n, seed=seed), 1))
    return printed("<!doctype html><html lang=ja><meta charset=utf-8><style>@page {size: A4 landscape} body{font-family:"
                   f"'IPAMincho';writing-mode:vertical-rl;font-size:11pt}} p{{margin:0 4px}}</style><h1>利用者名簿</h1>{lines}</html>")


@cases.case
def _vertical_lines() -> dict[str, bytes]:
    return {"資料_縦.pdf": vertical_lines(2532)}


def test_a_vertical_list_read_as_noise_is_said(scanned: dict[str, Any]) -> None:
    line = _line(scanned, "vertical_lines", "資料_縦.pdf")  # (before: no line; a name the rules do not match)
    assert (line.get("pii") or {}).get("records") == 12 or (
        line.get("status") == "unsupported" and "pdf-text-vertical" in line["codes"]), line
