"""review24f: hostile copies of pdftext24's printed person list (Chromium, Faker ja_JP seed 2431) must cost one file
with a reason, never a silent "clean".

A page tree whose ``/Kids`` entry is damaged (one byte: ``R`` -> ``X``, or the key misspelt): pypdf opens the file and
finds 0 pages; the 30 persons on its 2 pages were not read and nothing was said (a false clean).
"""

from __future__ import annotations

import pytest

from scanner.codes import Status
from scanner.details import codes_of
from scanner.errors import ReadError
from scanner.sheet import Caps
from tests.test_pdftext24 import person_pdf, pytestmark  # noqa: F401 - chromium prints the list

KIDS = b"/Kids [2 0 R 15 0 R]"  # Chromium's root page tree of the 2-page list


@pytest.mark.parametrize("broken", [b"/Kids [2 0 R 15 0 X]", b"/Kidz [2 0 R 15 0 R]"], ids=["ref", "key"])
def test_a_pdf_whose_page_tree_gives_no_page_is_listed_corrupt(broken: bytes) -> None:
    from scanner.inspectors.spreadsheet import analyse_bytes

    data = person_pdf(2431)
    assert data.count(KIDS) == 1  # the premise: the printout's page tree as written
    with pytest.raises(ReadError) as got:
        analyse_bytes(data.replace(KIDS, broken), "pdf", Caps())
    assert got.value.reason == Status.CORRUPT
    assert [c["code"] for c in codes_of(got.value.detail)] == ["pdf-text-pages-unread"]
    assert "\u540d" not in got.value.detail  # no value of the list in the reason


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 0 obj the catalogue), its cross-reference table written."""
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def test_a_pdf_past_pypdfs_limits_is_too_large_not_corrupt() -> None:
    """300,000 pages in one /Kids array (1.8 MB): pypdf stops at its own limit (LimitReachedError), a cap, not damage:
    before ``corrupt`` (the examiner told the file is broken), now ``too-large``, the limit named."""
    from scanner.inspectors.spreadsheet import analyse_bytes

    n = 300_000
    data = _pdf([b"<</Type /Catalog /Pages 2 0 R>>", b"<</Type /Pages /Kids [%s] /Count %d>>" % (b" ".join([b"5 0 R"] * n), n),
                 b"<</Length 20>>stream\nBT /F1 9 Tf (x) Tj ET\nendstream",
                 b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>",
                 b"<</Type /Page /Parent 2 0 R /Resources <</Font <</F1 4 0 R>>>> /Contents 3 0 R>>"])
    with pytest.raises(ReadError) as got:
        analyse_bytes(data, "pdf", Caps())
    assert got.value.reason == Status.TOO_LARGE, got.value.detail
    assert "LimitReachedError" in got.value.detail
