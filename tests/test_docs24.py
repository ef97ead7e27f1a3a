"""docs24: documents that ended as nothing or read clean although damaged (NOTE-closing23 "Left open" > Documents).

- An .odp/.odt whose ``content.xml`` is named otherwise in the zip directory (a flipped name byte: ``contenp.xml``):
  no document kind, nothing (docs23's damage sweep; a .pptx with a mangled directory was read from local headers).
- A .docx/.pptx member the reader never opens (docProps, media, theme) damaged (CRC failing, local header flipped):
  ``ok``, nothing said (docs23b said it for .odt/.odp).
People are Faker ja_JP with fixed seeds (tests.pii_data), each file its own rows.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import ScanCases
from tests.test_docs23 import DECK_PERSONS, _lines_by_name, rows

cases = ScanCases("docs24")
scanned = cases.fixture()


def _rename_in_directory(data: bytes, old: bytes, new: bytes) -> bytes:
    """``data`` (a zip) with the member ``old``'s name in its central directory written ``new`` (same length): its
    local header keeps the right name."""
    assert len(old) == len(new)
    out = bytearray(data)
    at = out.index(old, out.index(b"PK\x01\x02"))
    out[at:at + len(old)] = new
    return bytes(out)


@cases.case
def _body_misnamed() -> dict[str, bytes]:
    from tests.document_data import docx_with_table, odt_with_table
    from tests.test_xml21 import odp, odp_table

    return {"contenp.odp": _rename_in_directory(odp(odp_table(rows(2401))), b"content.xml", b"contenp.xml"),
            "contenp.odt": _rename_in_directory(odt_with_table([list(r) for r in rows(2402)]), b"content.xml",
                                                b"contenp.xml"),
            "document_flip.docx": _rename_in_directory(docx_with_table([list(r) for r in rows(2403)]),
                                                       b"word/document.xml", b"word/documenu.xml")}


def test_a_document_whose_body_is_misnamed_in_its_directory_is_read_from_its_local_header(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "body_misnamed")
    for name in ("contenp.odp", "contenp.odt", "document_flip.docx"):
        line = lines.get(name, {})  # (before: the .odp and .odt no line at all)
        assert (line.get("pii") or {}).get("records") == DECK_PERSONS, name
        assert line.get("status") == "corrupt", name
        assert "document-part-damaged" in [c["code"] for c in line["detail_codes"]], name


def _with_members(data: bytes, members: dict[str, bytes]) -> bytes:
    """``data`` (a zip) with ``members`` added (deflated), as Office writes docProps and media after the body."""
    import io
    import zipfile

    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.'
        'openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<dc:creator>総務課</dc:creator><cp:revision>3</cp:revision></cp:coreProperties>').encode() * 4


def _damaged_member(data: bytes, name: str, how: str) -> bytes:
    """``data`` with its member ``name`` damaged: ``crc`` a byte of its compressed data flipped (the deflate stream
    still ends: CRC fails), ``header`` its local header's name length 1 more."""
    import io
    import struct
    import zipfile

    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    out = bytearray(data)
    at = info.header_offset
    nlen, elen = struct.unpack_from("<HH", out, at + 26)
    if how == "header":
        struct.pack_into("<H", out, at + 26, nlen + 1)
    else:
        out[at + 30 + nlen + elen + info.compress_size // 2] ^= 0x01
    return bytes(out)


@cases.case
def _unread_members() -> dict[str, bytes]:
    from tests.document_data import docx_with_table
    from tests.test_xml21 import a_table, pptx, slide

    media = {"docProps/core.xml": CORE, "ppt/media/image1.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8}
    docx = {seed: _with_members(docx_with_table([list(r) for r in rows(seed)]), {"docProps/core.xml": CORE})
            for seed in (2411, 2412, 2413)}
    deck = {seed: _with_members(pptx([slide(a_table(rows(seed)))]), media) for seed in (2414, 2415, 2416)}
    return {"core_crc.docx": _damaged_member(docx[2411], "docProps/core.xml", "crc"),
            "core_header.docx": _damaged_member(docx[2412], "docProps/core.xml", "header"),
            "whole.docx": docx[2413],
            "media_crc.pptx": _damaged_member(deck[2414], "ppt/media/image1.png", "crc"),
            "core_header.pptx": _damaged_member(deck[2415], "docProps/core.xml", "header"),
            "whole.pptx": deck[2416]}


def test_an_office_document_whose_unread_member_is_damaged_is_said(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "unread_members")
    for name, line in lines.items():
        assert (line.get("pii") or {}).get("records") == DECK_PERSONS, name
    for name in ("core_crc.docx", "core_header.docx", "media_crc.pptx", "core_header.pptx"):
        assert lines[name].get("status") == "corrupt", name  # (before: ok, nothing said)
        assert [c["code"] for c in lines[name]["detail_codes"]] == ["document-member-damaged"], name
    for name in ("whole.docx", "whole.pptx"):
        assert lines[name].get("status") == "ok" and not lines[name].get("detail_codes"), name
