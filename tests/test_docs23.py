"""docs23: presentations and documents that ended as nothing, or were read without saying what they are.

- A PowerPoint deck (.ppt, .pptx) renamed .doc/.docx/.xls: a 97-2003 deck under a Word name was never read (the Word
  reader found no WordDocument stream and nobody said so); read under a workbook's or .docx's name it was no lead. Now
  read by its content as the deck and a lead ``extension-mismatch`` (``presentation``), as a workbook named .docx is.
People are Faker ja_JP with fixed seeds (tests.pii_data), each file its own rows (no two files are copies).
"""

from __future__ import annotations

from typing import Any

from tests.conftest import ScanCases, own_lines
from tests.pii_data import people

cases = ScanCases("docs23")
scanned = cases.fixture()
DECK_PERSONS = 12


def rows(seed: int, n: int = DECK_PERSONS) -> list[tuple[str, ...]]:
    """A slide's person table: a header and ``n`` persons (name, address, phone)."""
    return [("氏名", "住所", "電話番号"), *((p.name, p.address, p.phone) for p in people(n, seed=seed))]


def _lines_by_name(scanned: dict[str, Any], case: str) -> dict[str, dict[str, Any]]:
    lines = own_lines(scanned, case)
    return {f["path"].split(" » ")[0].rsplit("/", 1)[-1]: f for key in ("files", "skipped") for f in lines[key]}


# --- 1. a deck under a Word or Excel name -----------------------------------------------------------------------------

RENAMED_97 = (".doc", ".dot", ".docx", ".xls", ".xlsx")
RENAMED_X = (".doc", ".docx", ".xls", ".xlsx")


@cases.case
def _renamed_decks() -> dict[str, bytes]:
    from tests.test_docs22 import ppt_bytes
    from tests.test_xml21 import a_table, pptx, slide

    out = {f"deck97{ext}": ppt_bytes(rows(2301 + k)) for k, ext in enumerate(RENAMED_97)}
    out |= {f"deckx{ext}": pptx([slide(a_table(rows(2311 + k)))]) for k, ext in enumerate(RENAMED_X)}
    out |= {"deck97.ppt": ppt_bytes(rows(2321)), "deck97.dat": ppt_bytes(rows(2322))}  # its own name, no one's name
    return out


def test_a_deck_renamed_as_a_document_or_workbook_is_read_and_a_lead(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "renamed_decks")
    records = {name: (line.get("pii") or {}).get("records") for name, line in lines.items()}
    assert records == {name: DECK_PERSONS for name in scanned["books"]["renamed_decks"]}  # (before: deck97.doc,
    # .dot and .docx ended as nothing)
    mismatch = sorted(name for name, line in lines.items() if "extension-mismatch" in line["reasons"])
    assert mismatch == sorted([*(f"deck97{e}" for e in RENAMED_97), *(f"deckx{e}" for e in RENAMED_X)])  # (before:
    # only deckx.doc, a zip under an OLE2 name)
    for name in mismatch:
        if name != "deckx.doc":  # (a zip under .doc: said by the walk's own check)
            assert any(r.endswith(">presentation") for r in lines[name]["matched_rules"]), name


# --- 2. a record's type bytes damaged -------------------------------------------------------------------------------

def _headers(buf: bytes, start: int, end: int) -> list[int]:
    """The place of every record header in ``buf[start:end]``, containers' children too."""
    import struct

    out, at = [], start
    while at + 8 <= end:
        vi, _, length = struct.unpack_from("<HHI", buf, at)
        out.append(at)
        if vi & 0xF == 0xF and at + 8 + length <= end:
            out += _headers(buf, at + 8, at + 8 + length)
        at += 8 + length
    return out


TEXTS = {0x0FA0, 0x0FA8}


def test_a_record_whose_type_bytes_are_damaged_is_read_or_said() -> None:
    """Every record header of a generated deck (document, slide, drawing, groups, the table's shapes, anchors, text
    boxes, text atoms), each of its type's 16 bits flipped: the table read whole, or the damage said (before: 110 of
    the 9,184 decks lost cells or the whole table and said nothing; a slide's type flipped: the slide skipped)."""
    import struct

    from scanner.errors import ReadError
    from scanner.ppt97 import PPT_RECORDS
    from tests.test_docs22 import _ppt_drawing, _ppt_table, _record
    from tests.test_review22d import _read, _stream

    stream = _stream(_record(0x03EE, _ppt_drawing(_ppt_table(rows(2331, n=2))), container=True))
    whole = _read(stream).tables
    assert whole[0][1][0] == ["氏名", "住所", "電話番号"]  # (before: "住所" erased by the border shape at its corner)
    silent = []
    for at in _headers(stream, 0, len(stream)):
        for bit in range(16):
            damaged = bytearray(stream)
            struct.pack_into("<H", damaged, at + 2, struct.unpack_from("<H", stream, at + 2)[0] ^ (1 << bit))
            try:
                deck = _read(bytes(damaged))
            except ReadError:
                continue
            was, now = struct.unpack_from("<H", stream, at + 2)[0], struct.unpack_from("<H", damaged, at + 2)[0]
            if deck.tables != whole and deck.damage is None and not (was in TEXTS and now in PPT_RECORDS):
                # (a text atom flipped into another text box record, as an empty text box holds: cannot be told;
                # left in NOTES-docs23)
                silent.append((at, bit))
    assert silent == []
