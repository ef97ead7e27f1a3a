"""docs23b: damaged or disguised documents read but reported as clean (sweep23's "Left").

- An .odt whose ``mimetype`` member's local header has a flipped bit (name length 8 -> 9, extra length 0 -> 0x4000):
  read as the text document, ``ok``, nothing said (an .ods with the same flip is ``corrupt`` ods-member-crc).
- A PowerPoint 97-2003 deck named .pptx: read, no ``extension-mismatch`` lead (a .pptx named .ppt is one).
- A page longer than the walk's first 512-byte read, cut before its table: nothing said (a short one: ``html-cut``).
People are Faker ja_JP with fixed seeds (tests.pii_data), each file its own rows.
"""

from __future__ import annotations

import struct
from typing import Any

from tests.conftest import ScanCases
from tests.test_docs23 import DECK_PERSONS, _lines_by_name, rows

cases = ScanCases("docs23b")
scanned = cases.fixture()


def _flip_mimetype_header(data: bytes, field: int, value: int) -> bytes:
    """``data`` (an ODF zip, its ``mimetype`` member first) with its first local header's 16-bit field at ``field``
    (26: name length, 28: extra length) set to ``value``."""
    assert data.startswith(b"PK\x03\x04") and data[30:38] == b"mimetype"
    out = bytearray(data)
    struct.pack_into("<H", out, field, value)
    return bytes(out)


@cases.case
def _damaged_mimetype_header() -> dict[str, bytes]:
    from tests.document_data import odt_with_table
    from tests.pii_data import ods_bytes

    odt = odt_with_table([list(r) for r in rows(2361)])
    ods = ods_bytes({"名簿": [list(r) for r in rows(2362)]})
    return {"name_flip.odt": _flip_mimetype_header(odt, 26, 9),
            "extra_flip.odt": _flip_mimetype_header(odt_with_table([list(r) for r in rows(2363)]), 28, 0x4000),
            "name_flip.ods": _flip_mimetype_header(ods, 26, 9),
            "whole.odt": odt_with_table([list(r) for r in rows(2364)])}


def test_an_opendocument_whose_mimetype_header_is_damaged_is_read_and_said(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "damaged_mimetype_header")
    for name in ("name_flip.odt", "extra_flip.odt", "name_flip.ods"):
        line = lines[name]
        assert (line.get("pii") or {}).get("records") == DECK_PERSONS, name
        assert line.get("status") == "corrupt", name  # (before: the .odt ok, nothing said)
        assert not any(r.startswith("extension-mismatch") for r in line.get("matched_rules") or []), name
    for name in ("name_flip.odt", "extra_flip.odt"):
        assert [c["code"] for c in lines[name]["detail_codes"]] == ["document-member-damaged"], name
    assert lines["whole.odt"].get("status") == "ok" and not lines["whole.odt"].get("detail_codes")


@cases.case
def _deck97_as_pptx() -> dict[str, bytes]:
    from tests.test_docs22 import ppt_bytes
    from tests.test_xml21 import a_table, pptx, slide

    return {"deck97.pptx": ppt_bytes(rows(2371)), "deckx.ppt": pptx([slide(a_table(rows(2372)))]),
            "deck97.ppt": ppt_bytes(rows(2373)), "deckx.pptx": pptx([slide(a_table(rows(2374)))])}


def test_a_97_deck_named_pptx_is_a_lead_as_a_pptx_named_ppt_is(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "deck97_as_pptx")
    assert {n: (line.get("pii") or {}).get("records") for n, line in lines.items()} == dict.fromkeys(lines, DECK_PERSONS)
    mismatch = sorted(n for n, line in lines.items() if "extension-mismatch" in line["reasons"])
    assert mismatch == ["deck97.pptx", "deckx.ppt"]  # (before: only deckx.ppt)
    assert "extension-mismatch:.pptx>ole2" in lines["deck97.pptx"]["matched_rules"]  # (as deckx.ppt's >zip)


def _long_page(seed: int) -> bytes:
    from tests.test_docs22 import _page

    return _page(rows(seed, n=20), "<style>" + "td{color:#333}\n" * 80 + "</style>").encode()


@cases.case
def _long_cut_pages() -> dict[str, bytes]:
    page = _long_page(2381)
    at = page.index(b"<table")
    assert at > 1024
    return {"long_cut_before_table.html": page[:at], "long_cut_in_text.html": page[:at - 30],
            "long_whole.html": _long_page(2382), "long_whole_slack.html": _long_page(2383) + b"\0" * 70000}


def test_a_long_page_cut_before_its_table_is_said_cut(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "long_cut_pages")
    codes = {name: [c["code"] for c in line.get("detail_codes") or []] for name, line in lines.items()}
    assert codes.get("long_cut_before_table.html") == ["html-cut"]  # (before: no line at all)
    assert codes.get("long_cut_in_text.html") == ["html-cut"]
    for name in ("long_whole.html", "long_whole_slack.html"):
        assert "html-cut" not in codes.get(name, []), name
        assert (lines[name].get("pii") or {}).get("records") == 20, name
