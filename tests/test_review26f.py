"""review26f: pdf26's page-text changes tried as an investigator's inputs would.

- LOST (pdf26 regression): a horizontal table whose writer places each cell by ``Tm`` at the cell's origin and then a
  ``Td`` by the cell's alignment (right-aligned numbers, centred names) was read by its cell origins (pypdf's memo);
  pdf26 placed every run where its first text is shown, so each cell sat at its own ragged start: 30 persons -> 9,
  nothing said.
"""

from __future__ import annotations

import zlib

from scanner.details import codes_of
from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from tests.pii_data import people
from tests.test_pdf25 import _FONT, _pdf
from tests.test_review25f import chromium


def _read(data: bytes) -> tuple[int, list[str]]:
    findings, _, reading = analyse_bytes(data, "pdf", Caps())
    return sum(f.count for f in findings), [c["code"] for n in reading.notes + reading.damage for c in codes_of(n)]


def _wide(text: str) -> float:
    return sum(9 if ord(ch) > 0x2E7F else 4.5 for ch in text)  # (9 pt HeiseiMin: CJK a square, others about half)


def aligned_cells(seed: int, n: int = 30) -> bytes:
    """A person table (No right-aligned, 氏名 centred, 住所 left, 電話番号 right-aligned), each cell its own text object:
    ``Tm`` to the cell's origin, then ``Td`` by its alignment's offset, then the text (HeiseiMin-W3, UniJIS-UCS2-H)."""
    rows = [("No", "氏名", "住所", "電話番号"),
            *((str(i), p.name, p.address, p.phone) for i, p in enumerate(people(n, seed=seed), 1))]
    columns = [(30, 25, "right"), (60, 80, "center"), (145, 260, "left"), (410, 90, "right")]
    cells = []
    for at, row in enumerate(rows):
        for (x, width, align), text in zip(columns, row, strict=True):
            dx = {"left": 2, "right": width - _wide(text), "center": (width - _wide(text)) / 2}[align]
            cells.append(f"BT /F1 9 Tf 1 0 0 1 {x} {800 - 14 * at} Tm {dx:.2f} 0 Td <{text.encode('utf-16-be').hex()}> Tj ET")
    body = zlib.compress("\n".join(cells).encode())
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
                 b" /Contents 4 0 R >>",
                 b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
                 _FONT[0] % 6, _FONT[1] % 7, _FONT[2]])


def test_cells_placed_by_tm_then_an_aligning_td_keep_their_persons() -> None:
    persons, codes = _read(aligned_cells(2681))
    assert persons == 30, codes  # (pdf26: 9, nothing said; ce28c390: 30)


def centred_names(seed: int, n: int = 30, every: bool = False) -> bytes:
    """pdftext24's Chromium person table (IPA Gothic), its 氏名 cells centred (as a 名簿 often sets them), or ``every``
    cell centred."""
    import html

    from tests.test_pdftext24 import printed

    td = "<td style='text-align:center'>" if every else "<td>"
    rows = "".join(f"<tr>{td}{i}</td><td style='text-align:center'>{html.escape(p.name)}</td>{td}{html.escape(p.address)}"
                   f"</td>{td}{p.phone}</td></tr>" for i, p in enumerate(people(n, seed=seed), 1))
    return printed("<!doctype html><html lang=ja><meta charset=utf-8><style>body{font-family:'IPAGothic'}"
                   " td{padding:4px 10px}</style><table><tr><th>No</th><th>氏名</th><th>住所</th><th>電話番号</th></tr>"
                   f"{rows}</table></html>")


@chromium
def test_a_table_whose_names_are_centred_keeps_its_persons() -> None:
    persons, codes = _read(centred_names(2677))
    assert persons == 30, codes  # (before, ce28c390 and pdf26 alike: 5, nothing said)


@chromium
def test_a_table_whose_cells_are_all_centred_keeps_its_persons() -> None:
    persons, codes = _read(centred_names(2677, every=True))
    assert persons == 30, codes  # (before: 28, nothing said: the two longest addresses began left of their column's
    # first start and were glued to the name: 中島 さゆり東京都小金井市皇居外苑2丁目19番19号)
