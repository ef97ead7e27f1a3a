"""pdftext24: a person list printed to PDF (a browser's or Excel's print of a table, an OCR text layer) gave no line: only
files attached to a PDF were read, never its page text (docs24's "Left").

The PDFs are printed by headless Chromium (as the reports' --pdf) from HTML tables of Faker ja_JP persons (fixed seeds,
tests.pii_data) in the IPA fonts: 30 persons over 2 A4 pages with ruled cells, a landscape A4 sheet without rules, an
encrypted copy (pypdf, an open password), damaged copies (cut, a byte flipped in a page's content stream), an image-only
scan (no text layer) under a list's name and under another, and a meeting note with a small budget table (no person).
"""

from __future__ import annotations

import html
import io
import shutil
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ScanCases, own_lines
from tests.pii_data import people

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None and shutil.which("chromium-browser") is None,
                                reason="chromium not installed (.ci/run installs it)")

cases = ScanCases("pdftext24")
scanned = cases.fixture()
PERSONS = 30


def _table_html(seed: int, n: int, ruled: bool, landscape: bool) -> str:
    rows = "".join(f"<tr><td>{i}</td><td>{html.escape(p.name)}</td><td>{html.escape(p.address)}</td><td>{p.phone}</td></tr>"
                   for i, p in enumerate(people(n, seed=seed), 1))
    border = "border:1px solid #000;" if ruled else ""
    return (f"<!doctype html><html lang=ja><meta charset=utf-8><style>@page {{size: A4 {'landscape' if landscape else 'portrait'}}}"
            f" body{{font-family:'IPAGothic'}} table{{border-collapse:collapse}} td,th{{{border}padding:8px 6px;font-size:11pt}}"
            f"</style><h1>利用者名簿</h1><table><tr><th>No</th><th>氏名</th><th>住所</th><th>電話番号</th></tr>{rows}</table></html>")


def printed(page: str) -> bytes:
    """``page`` (HTML) printed to PDF by headless Chromium (scanner.pdf, as the reports)."""
    import tempfile

    from scanner.pdf import print_pdf

    with tempfile.TemporaryDirectory() as work:
        src = Path(work) / "page.html"
        src.write_text(page, encoding="utf-8")
        return print_pdf(src, Path(work) / "out.pdf").read_bytes()


_PRINTED: dict[tuple[int, bool, bool], bytes] = {}


def person_pdf(seed: int, ruled: bool = True, landscape: bool = False) -> bytes:
    key = (seed, ruled, landscape)
    if key not in _PRINTED:
        _PRINTED[key] = printed(_table_html(seed, PERSONS, ruled, landscape))
    return _PRINTED[key]


def encrypted(data: bytes, password: str = "himitsu") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def content_flipped(data: bytes, which: int = 0) -> bytes:
    """``data`` with a byte in the middle of its ``which``-th deflated stream that inflates to page text flipped."""
    import re

    out = bytearray(data)
    seen = 0
    for mark in re.finditer(rb"(?<!end)stream\r?\n", data):
        start = mark.end()
        end = data.find(b"endstream", start)
        try:
            body = zlib.decompress(data[start:end])
        except zlib.error:
            continue
        if b"Tj" in body or b"TJ" in body:
            if seen == which:
                mid = start + (end - start) // 2
                out[mid] ^= 0x5A
                return bytes(out)
            seen += 1
    raise AssertionError("no content stream")


def image_only(pages: int = 2) -> bytes:
    """A scan: each page one grey image (DCT-less raw 8x8 bytes), no font, no text."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for _ in range(pages):
        n = len(objs) + 1
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 {n + 1} 0 R >> >>"
                    f" /Contents {n + 2} 0 R >>".encode())
        objs.append(b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8"
                    b" /Length 64 >>\nstream\n" + bytes(range(64)) + b"\nendstream")
        content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(f"{n} 0 R")
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {pages} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def tab_lines_page(seed: int, n: int = 12) -> bytes:
    """docs24's hand-written page (tests: /tmp/docs24/pdfsweep.py): each person one text run, its cells parted by tabs,
    in the Type0 font HeiseiMin-W3 (UniJIS-UCS2-H, not embedded), as a program printing a list line by line writes it."""
    lines = ["\t".join(r) for r in [("氏名", "住所", "電話番号"), *((p.name, p.address, p.phone) for p in people(n, seed=seed))]]
    body = "BT /F1 9 Tf 20 800 Td 12 TL " + " ".join(f"<{line.encode('utf-16-be').hex()}> '" for line in lines) + " ET"
    stream = zlib.compress(body.encode())
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type0 /BaseFont /HeiseiMin-W3 /Encoding /UniJIS-UCS2-H /DescendantFonts [6 0 R] >>",
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HeiseiMin-W3 /CIDSystemInfo << /Registry (Adobe)"
            b" /Ordering (Japan1) /Supplement 2 >> /FontDescriptor 7 0 R >>",
            b"<< /Type /FontDescriptor /FontName /HeiseiMin-W3 /Flags 6 /FontBBox [0 -141 1000 859] /ItalicAngle 0"
            b" /Ascent 859 /Descent -141 /CapHeight 709 /StemV 69 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _line(scanned: dict[str, Any], case: str, name: str) -> dict[str, Any]:
    """One file's hit merged with its skipped line (status, detail codes)."""
    lines = own_lines(scanned, case)
    hit = next((f for f in lines["files"] if f["path"].rsplit("/", 1)[-1] == name), None)
    skip = next((f for f in lines["skipped"] if f["path"].rsplit("/", 1)[-1] == name), None)
    if hit is None and skip is None:
        return {}
    out = {**(skip or {}), **(hit or {})}
    out["codes"] = [c.get("code") for c in (skip or {}).get("detail_codes") or []]
    out["status"] = (skip or {}).get("reason", (hit or {}).get("status"))
    return out


@cases.case
def _tables() -> dict[str, bytes]:
    return {"利用者一覧_印刷.pdf": person_pdf(2431), "顧客一覧_横.pdf": person_pdf(2432, ruled=False, landscape=True)}


def test_a_person_table_printed_to_pdf_is_read_from_its_page_text(scanned: dict[str, Any]) -> None:
    for name in ("利用者一覧_印刷.pdf", "顧客一覧_横.pdf"):
        line = _line(scanned, "tables", name)  # (before: no line at all)
        assert (line.get("pii") or {}).get("records") == PERSONS, (name, line)
        assert "pii" in line["reasons"], name
        assert line.get("status", "ok") == "ok", line
        sample = str(line["pii"]["sheets"][0].get("examples"))
        assert all(p.name not in sample for p in people(PERSONS, seed=2431)), "samples are masked"


def test_the_two_pages_are_one_table() -> None:
    import pypdf

    assert len(pypdf.PdfReader(io.BytesIO(person_pdf(2431))).pages) == 2  # the premise: the list runs over 2 pages


@cases.case
def _locked() -> dict[str, bytes]:
    return {"名簿_保護.pdf": encrypted(person_pdf(2433))}


def test_an_encrypted_pdf_is_listed_encrypted(scanned: dict[str, Any]) -> None:
    line = _line(scanned, "locked", "名簿_保護.pdf")
    assert line.get("status") == "encrypted", line
    assert "pdf-text-password" in line["codes"], line


@cases.case
def _scans() -> dict[str, bytes]:
    return {"利用者名簿_スキャン.pdf": image_only(2), "scan0001.pdf": image_only(3)}


def test_a_scan_without_text_layer_under_a_list_name_is_said_not_examined(scanned: dict[str, Any]) -> None:
    line = _line(scanned, "scans", "利用者名簿_スキャン.pdf")
    assert line.get("status") == "unsupported", line
    assert "pdf-no-text-layer" in line["codes"], line
    assert _line(scanned, "scans", "scan0001.pdf") == {}  # a scan under another name: no line (not a candidate)


@cases.case
def _damaged() -> dict[str, bytes]:
    whole = person_pdf(2434)
    return {"cut60.pdf": whole[:len(whole) * 6 // 10], "cut90.pdf": whole[:len(whole) * 9 // 10],
            "flip_page1.pdf": content_flipped(whole, 0), "flip_page2.pdf": content_flipped(whole, 1)}


def test_damaged_copies_give_their_persons_or_are_listed(scanned: dict[str, Any]) -> None:
    for name in ("cut60.pdf", "cut90.pdf", "flip_page1.pdf", "flip_page2.pdf"):
        line = _line(scanned, "damaged", name)
        records = (line.get("pii") or {}).get("records") or 0
        assert line.get("status") not in (None, "ok") or records == PERSONS, (name, line)  # never a silent clean
        if records < PERSONS:
            assert line.get("status") not in (None, "ok"), (name, line)


@cases.case
def _notes() -> dict[str, bytes]:
    page = ("<!doctype html><html lang=ja><meta charset=utf-8><style>body{font-family:'IPAGothic'}</style>"
            "<h1>定例会議 議事録</h1><p>出席者: 総務課 山田、経理課 佐藤。東京都千代田区の本社会議室にて開催。</p>"
            "<table><tr><th>項目</th><th>金額</th><th>担当</th></tr><tr><td>消耗品</td><td>12,000</td><td>総務課</td></tr>"
            "<tr><td>研修</td><td>30,000</td><td>人事課</td></tr><tr><td>交通費</td><td>8,400</td><td>経理課</td></tr></table>"
            "<p>次回は大阪府大阪市北区の支社にて開催予定。</p></html>")
    return {"議事録.pdf": printed(page)}


def test_a_document_without_a_person_list_gives_no_person(scanned: dict[str, Any]) -> None:
    line = _line(scanned, "notes", "議事録.pdf")
    assert not (line.get("pii") or {}).get("records"), line


@cases.case
def _tab_lines() -> dict[str, bytes]:
    return {"tab_lines.pdf": tab_lines_page(2435)}


def test_a_list_written_line_by_line_with_tabs_is_read(scanned: dict[str, Any]) -> None:
    line = _line(scanned, "tab_lines", "tab_lines.pdf")  # (before: no line, docs24's 59 flipped copies too)
    assert (line.get("pii") or {}).get("records") == 12, line



@pytest.mark.parametrize("cap, code", [("MAX_PAGES", "pdf-pages-over-cap"), ("MAX_TEXT", "pdf-text-over-cap")])
def test_a_cap_is_said_and_the_pages_before_it_are_examined(monkeypatch: pytest.MonkeyPatch, cap: str, code: str) -> None:
    import scanner.pdftext as pdftext
    from scanner.details import codes_of
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps

    monkeypatch.setattr(pdftext, cap, 1 if cap == "MAX_PAGES" else 10)
    findings, _, reading = analyse_bytes(person_pdf(2431), "pdf", Caps())
    assert reading.stopped is not None and reading.stopped[0] == "too-large"
    assert code in [c.get("code") for c in codes_of(reading.stopped[1])]
    assert 0 < sum(f.count for f in findings) < PERSONS  # page 1's persons: the rows before the cap are examined
