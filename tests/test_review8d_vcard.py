"""vCard address books others write that leakscan lost (review8d, session 8), Faker ja_JP with a fixed seed.

- A vCard saved as UTF-16 (Windows "Unicode" save, some Outlook / Android exports): sniffed as plain text and read
  as nothing, a silent clean of an address book.
- A card without its END:VCARD line (a damaged or hand-edited file, a cut copy): the next BEGIN:VCARD threw the open
  card away, and a file cut inside its last card lost that card, so persons went uncounted without a word.
"""

from __future__ import annotations

import pytest

from scanner.detectors.pii import SheetKind
from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from scanner.tables import sniff_format
from tests import person_tables_data as T
from tests.test_vcard import iphone

JA = T.ja_people(9, seed=8084)


def _persons(data: bytes) -> int:
    findings, _sheets, _reading = analyse_bytes(data, sniff_format(data), Caps())
    return sum(f.count for f in findings if f.kind == SheetKind.PERSONS)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_vcard_is_read_as_an_address_book(codec):
    data = iphone(JA).decode("utf-8").encode(codec)
    assert sniff_format(data) == "vcard"
    assert _persons(data) == len(JA)


def test_a_card_without_its_end_line_is_still_a_person():
    data = iphone(JA).replace(b"END:VCARD\r\n", b"", 1)  # the first card's end lost
    assert _persons(data) == len(JA)


def test_a_file_cut_inside_its_last_card_keeps_that_card_when_its_address_is_whole():
    data = iphone(JA)
    cut = data.rindex(b"TEL;")  # the last card ends after its address
    assert _persons(data[:cut]) == len(JA)
