"""Files other projects wrote (Session 17, wild17: SheetJS test_files, Apache POI test-data, calamine, xlrd, openpyxl,
csvkit, tablib, frictionless, rust_xlsxwriter, a Noto shelter list, geolonia's town lists, encoding.js samples), scanned
whole: what ended unread, stalled or was misread, each with its fix and a file the test makes."""

from __future__ import annotations

import re
from re import _parser as sre_parse  # type: ignore[attr-defined]

import pytest

from scanner.detectors import pii as P

SEED = 20261217

# pii._HINTS' Latin field names as first written (before wild17): one expression led by a character set of the
# words' first letters, each letter then tried against every word by a look-behind
_LATIN_AS_WRITTEN = re.compile(
    r"[NnAaSsZzPpEe](?:(?<=[Nn])ame|(?<=N)AME|(?<=[Aa])ddress|(?<=A)DDRESS|(?<=[Ss])treet|(?<=S)TREET"
    r"|(?<=[Zz])ip|(?<=Z)IP|(?<=[Pp])ostcode|(?<=[Pp])hone|(?<=P)HONE|(?<=[Ee])-?[Mm]ail|(?<=E)-?MAIL)")


def _latin_hint(text: str) -> bool:
    pre, rx = P._HINTS[3]
    return (pre is None or pre.search(text) is not None) and rx.search(text) is not None


def test_latin_field_hint_skips_to_its_words_in_c() -> None:
    """SheetJS large_strings.xlsb (rows of "a" x 1..9,999 in 17 columns) was listed timeout after 120 s, its
    other two sheets unread (the .xlsx of the same cells: read in seconds): the later-table search joins a block's
    text cells and searched them with one expression led by [NnAaSsZzPpEe], so at every a, e, n, s ... of a long
    text Python's re tried thirteen look-behinds (~0.6 us a letter: 40-110 s for that sheet). Each word's expression
    now starts with a literal part of it, which re finds by a C-level search; a text holding none of them costs a
    scan per word. Checked by the expressions' first operation (no clock in tests: bench/README.md has the times)."""
    _, rx = P._HINTS[3]
    expressions = getattr(rx, "expressions", (rx,))
    for e in expressions:
        first = sre_parse.parse(e.pattern)[0][0]
        assert first == sre_parse.LITERAL, (e.pattern, first)


@pytest.mark.parametrize("text", [
    "Name", "name", "NAME", "Surname", "First Name", "Address", "ADDRESS", "Street", "STREET", "Zip", "ZIP", "zip",
    "Postcode", "postcode", "Phone", "PHONE", "phone", "E-mail", "e-mail", "Email", "EMAIL", "E-MAIL", "eMail",
    "e-Mail", "x\x1fName\x1fy", "contact@example.com", "Nam e", "Adress", "ZIp", "Zi p", "PostCode", "E--mail",
    "E mail", "mail", "MAIL", "EMail", "Emaıl", "a" * 5000, "same old place", "shipping", "IP address", "ame", "AME",
    "NAme", "nAME", "ADDRESs", "e-MAIL", "E-Mail", "Telephone", "TELEPHONE", "Username", "", "ostcode", "Ppostcode",
])
def test_latin_field_hint_finds_what_it_found(text: str) -> None:
    """The literal-led expressions find a Latin field name exactly where the expression as first written did."""
    assert _latin_hint(text) == (_LATIN_AS_WRITTEN.search(text) is not None), text
