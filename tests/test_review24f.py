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
