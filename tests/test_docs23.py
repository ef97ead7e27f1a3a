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
    """Each file's line: its hit (files), else its skipped line; a skipped line's detail codes are added to its hit's."""
    lines = own_lines(scanned, case)
    out: dict[str, dict[str, Any]] = {}
    for key in ("skipped", "files"):
        for f in lines[key]:
            name = f["path"].split(" » ")[0].rsplit("/", 1)[-1]
            out[name] = {**f, "detail_codes": [*(out.get(name, {}).get("detail_codes") or []), *(f.get("detail_codes") or [])]}
    return out


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


# --- 4. a web page cut before its table, or inside a tag --------------------------------------------------------------

def _page(n: int, seed: int) -> bytes:
    from tests.test_docs22 import _page as page

    return page(rows(seed, n=n)).encode()


@cases.case
def _cut_pages() -> dict[str, bytes]:
    page = _page(20, 2341)
    at, end = page.index(b"<table"), page.index(b"</table>")
    whole_other = _page(20, 2342)
    return {"cut_before_table.html": page[:at], "cut_in_tag.html": page[:at + 4],
            "cut_after_table.html": page[:end + len(b"</table>") + 3],
            "cut_in_cell_tag.html": page[:page.index(b"</td>", (at + end) // 2) + 3], "whole.html": whole_other}


def test_a_web_page_cut_is_said_cut(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "cut_pages")
    codes = {name: [c["code"] for c in line.get("detail_codes") or []] for name, line in lines.items()}
    # (before: the page cut before its table or inside a tag added no line: a clean page)
    assert codes.get("cut_before_table.html") == ["html-cut"]
    assert codes.get("cut_in_tag.html") == ["html-cut"]
    assert codes.get("cut_after_table.html") == ["html-cut"]  # (its table read whole, what followed it lost)
    assert "html-cut-in-table" in codes.get("cut_in_cell_tag.html", [])  # (said before too)
    assert "whole.html" not in codes or codes["whole.html"] == []
    assert (lines["whole.html"].get("pii") or {}).get("records") == 20


# --- 5. PowerPoint 95: its text (the Text_Content stream) -------------------------------------------------------------

def _summary(codepage: int) -> bytes:
    """A SummaryInformation property set ([MS-OLEPS] 2.21) holding only its code page (PID 1, VT_I2)."""
    import struct
    import uuid

    fmtid = uuid.UUID("F29F85E0-4FF9-1068-AB91-08002B27B3D9").bytes_le
    section = struct.pack("<II", 24, 1) + struct.pack("<II", 1, 16) + struct.pack("<HHhH", 2, 0, codepage - 65536
                                                                                    if codepage > 32767 else codepage, 0)
    return struct.pack("<HHI", 0xFFFE, 0, 0x00020A00) + bytes(16) + struct.pack("<I", 1) + fmtid + struct.pack("<I", 48) + section


def ppt95_bytes(lines: list[str], codepage: int = 932, end: bytes = b"\r") -> bytes:
    """A PowerPoint 95 file as POI's PPT95.ppt is laid out: a Current User stream of 15 bytes (its size first), a
    PowerPoint Document stream of PowerPoint 7 records (not 97's), and Text_Content: every text of the slides, one
    paragraph a line ending in CR, in the ANSI code page its SummaryInformation names."""
    from scanner.cfbwrite import write_compound

    text = "\r".join(lines).encode(f"cp{codepage}") + end
    return write_compound({"Current User": b"\x0b\x00\x00\x00Ichiro Sato", "\x05SummaryInformation": _summary(codepage),
                           "PowerPoint Document": b"\x03\x00\x00\x00\xff\xff\x00\x00" + bytes(4096),
                           "Text_Content": text})


def test_powerpoint_95_text_is_read() -> None:
    """A PowerPoint 95 deck's text boxes (a person list typed as tab-separated lines): said ``ppt95-not-read`` and not
    read (review22d); PowerPoint 95 writes every slide's text into its Text_Content stream, read now. POI's PPT95.ppt
    gives its slides' text ("XML, HTML and All That" ...)."""
    import gzip

    from scanner.ppt97 import read_ppt
    from tests.conftest import ROOT

    people_lines = ["\t".join(row) for row in rows(2351, n=8)]
    deck = read_ppt(ppt95_bytes(["利用者名簿", *people_lines]), lambda: None)  # (before: ReadError ppt95-not-read)
    assert [line for line in deck.lines if line] == ["利用者名簿", *people_lines]
    real = read_ppt(gzip.decompress((ROOT / "tests" / "data" / "documents" / "poi__PPT95.ppt.gz").read_bytes()), lambda: None)
    assert real.lines[0] == "XML, HTML and All That" and len([x for x in real.lines if x.strip()]) > 100


@cases.case
def _ppt95() -> dict[str, bytes]:
    return {"deck95.ppt": ppt95_bytes(["利用者名簿", *("\t".join(row) for row in rows(2352, n=DECK_PERSONS))])}


def test_a_powerpoint_95_person_list_is_found(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "ppt95")
    assert (lines["deck95.ppt"].get("pii") or {}).get("records") == DECK_PERSONS  # (before: unsupported, not read)


# --- 6. documents cut in their first bytes (damage sweep of document seeds) -------------------------------------------

@cases.case
def _first_bytes() -> dict[str, bytes]:
    from tests.test_docs22 import ppt_bytes

    deck = ppt_bytes(rows(2371))
    page = _page(5, 2372)
    return {"deck_cut4.ppt": deck[:4], "deck_cut100.ppt": deck[:100], "page_cut12.html": page[:12],
            "page_cut4.html": page[:4], "page_cut2.html": page[:2]}


def test_documents_cut_in_their_first_bytes_are_listed(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "first_bytes")
    # (before: each ended as nothing; 1-3 bytes stay unsaid, as an OLE2 file's cut under .doc since damage19)
    assert sorted(lines) == ["deck_cut100.ppt", "deck_cut4.ppt", "page_cut12.html", "page_cut4.html"]
    assert {name: line.get("status") or line.get("reason") for name, line in lines.items()} == dict.fromkeys(lines, "corrupt")


@cases.case
def _damaged_mimetype() -> dict[str, bytes]:
    import re

    from tests.test_xml21 import odp, odp_table

    deck = bytearray(odp(odp_table(rows(2381))))
    at = deck.index(b"application/vnd.oasis.opendocument.presentation") + 20  # a byte of its stored mimetype
    deck[at] ^= 0x08
    for name in [m.start() for m in re.finditer(b"META-INF", bytes(deck))]:  # and its manifest's name, as the
        deck[name + 6] ^= 0x02  # sweep's copy had (META-ILF): no manifest to tell its kind either
    return {"mimetype_flipped.odp": bytes(deck)}


def test_an_opendocument_deck_whose_mimetype_is_damaged_is_read(scanned: dict[str, Any]) -> None:
    """(damage sweep of an .odp: a byte flipped in its stored mimetype, CRC failing: no document kind, nothing read)"""
    lines = _lines_by_name(scanned, "damaged_mimetype")
    assert (lines.get("mimetype_flipped.odp", {}).get("pii") or {}).get("records") == DECK_PERSONS


def test_a_powerpoint_95_text_with_a_zeroed_block_is_said() -> None:
    """(damage sweep: 4,096 bytes of a PP95 deck zeroed inside its Text_Content: 8 of 15 persons read, nothing said)"""
    from scanner.ppt97 import read_ppt

    lines = ["\t".join(row) for row in rows(2391, n=8)]
    lines[4] = "\0" * 64
    deck = read_ppt(ppt95_bytes(lines), lambda: None)
    assert deck.damage is not None and "64" in deck.damage
    tail = read_ppt(ppt95_bytes(lines[:4], end=bytes(380)), lambda: None)  # zeroed to its end (the sweep's copy)
    assert tail.damage is not None and "380" in tail.damage


@cases.case
def _mangled_directory() -> dict[str, bytes]:
    import re
    import struct

    from tests.test_xml21 import a_table as table
    from tests.test_xml21 import pptx, slide

    deck = bytearray(pptx([slide(table(rows(2392)))]))
    entry = [m.start() for m in re.finditer(b"PK\x01\x02", bytes(deck))][1]  # the directory's 2nd entry (_rels/.rels)
    end = deck.rindex(b"PK\x05\x06")
    extra, comment = struct.unpack_from("<HH", deck, entry + 30)
    struct.pack_into("<H", deck, entry + 28, end - entry - 46 - extra - comment)  # its name length, to the directory's
    # end: the later entries are read as its name (the sweep's copy, 8 bytes flipped: `_rels/.relsPK\x01\x02...`)
    return {"mangled_directory.pptx": bytes(deck)}


def test_a_deck_whose_directory_names_are_mangled_is_read_from_its_local_headers(scanned: dict[str, Any]) -> None:
    """(damage sweep: a .pptx whose directory entry's name length was flipped listed only its content types and a
    mangled name: no slide, read as nothing but docs22's foreign-member lead, status ok)"""
    lines = _lines_by_name(scanned, "mangled_directory")
    line = lines.get("mangled_directory.pptx", {})
    assert (line.get("pii") or {}).get("records") == DECK_PERSONS


@cases.case
def _zeroed_odt() -> dict[str, bytes]:
    from tests.document_data import odt_with_table

    doc = bytearray(odt_with_table([list(row) for row in rows(2393)]))
    doc[51:51 + 512] = bytes(512)  # its mimetype's tail and content.xml's local header and table zeroed (the sweep's)
    return {"zeroed_body.odt": bytes(doc)}


def test_an_opendocument_text_whose_body_is_zeroed_is_listed(scanned: dict[str, Any]) -> None:
    """(damage sweep: an .odt whose stored mimetype and content.xml were zeroed: no kind, nothing said)"""
    lines = _lines_by_name(scanned, "zeroed_odt")
    assert (lines.get("zeroed_body.odt") or {}).get("reason") == "corrupt"
