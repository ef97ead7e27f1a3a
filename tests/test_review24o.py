"""review24o: docs24's document leftovers pushed with damaged third-party-shaped input.

- A Word header or a deck's speaker notes holding a person list, its name damaged in the zip directory only (its
  local header whole): the walk's cheap check (``zip_without_tables``) looked only at the parts the directory names,
  found no table, and settled the file clean: no line (python-docx and python-pptx files, every byte of the name
  flipped: 11 of 16 headers, 26 of 31 notes silent). The reader itself says ``document-member-damaged``.
- A .docx whose ``word/document.xml`` is damaged in both its directory entry and its local header (a flipped bit):
  no document kind, no line at all (17 of 17 python-docx copies); now ``corrupt`` ``document-no-body``.
- The unread-member CRC pass (docs24) reads members straight from the package's bytes; on any doubt zipfile reads
  it (the same verdict on 2,326 damaged third-party copies).
People are Faker ja_JP with fixed seeds (tests.pii_data via tests.test_docs23.rows).
"""

from __future__ import annotations

import io
import random
import zipfile
from typing import Any

from tests.conftest import ScanCases
from tests.test_docs23 import DECK_PERSONS, _lines_by_name, rows
from tests.test_docs24 import _deck_text, _rename_in_directory

cases = ScanCases("review24o")
scanned = cases.fixture()


def _rename_both(data: bytes, old: bytes, new: bytes) -> bytes:
    """``data`` with the member ``old`` named ``new`` in its local header and its directory entry."""
    out = _rename_in_directory(data, old, new)
    at = out.index(old)
    return out[:at] + new + out[at + len(old):]


def _header_docx(seed: int) -> bytes:
    from tests.document_data import W_NS, docx_bytes, w_para, w_table

    header = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr xmlns:w="{W_NS}">{w_table([list(r) for r in rows(seed)])}</w:hdr>'
    return docx_bytes(w_para("本文"), {"word/header1.xml": header})


@cases.case
def _named_apart() -> dict[str, bytes]:
    from tests.document_data import docx_with_table

    notes = _deck_text()["notes_lines.pptx"]
    return {"header_whole.docx": _header_docx(24101),
            "header_apart.docx": _rename_in_directory(_header_docx(24102), b"word/header1.xml", b"vord/header1.xml"),
            "notes_apart.pptx": _rename_in_directory(notes, b"ppt/notesSlides/notesSlide1.xml",
                                                     b"ppt/nntesSlides/notesSlide1.xml"),
            "body_both.docx": _rename_both(docx_with_table([list(r) for r in rows(24103)]), b"word/document.xml",
                                           b"word/document.xmm")}


def test_a_story_part_named_apart_in_the_directory_is_said_not_settled_clean(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "named_apart")
    assert (lines["header_whole.docx"].get("pii") or {}).get("records") == DECK_PERSONS  # (the header is read)
    for name in ("header_apart.docx", "notes_apart.pptx"):
        line = lines.get(name, {})  # (before: no line, the walk's check settled it clean)
        assert (line.get("status") or line.get("reason")) == "corrupt", name
        assert "document-member-damaged" in [c["code"] for c in line["detail_codes"]], name


def test_a_docx_whose_body_is_misnamed_in_both_names_is_said_without_a_body(scanned: dict[str, Any]) -> None:
    line = _lines_by_name(scanned, "named_apart").get("body_both.docx", {})  # (before: no line at all)
    assert (line.get("status") or line.get("reason")) == "corrupt"
    assert "document-no-body" in [c["code"] for c in line["detail_codes"]]


def test_the_unread_member_pass_from_bytes_agrees_with_zipfile() -> None:
    from scanner import doctables

    rnd = random.Random(2410)
    whole = _header_docx(24104)
    said = 0
    for _ in range(300):
        data = bytearray(whole)
        data[rnd.randrange(len(data))] ^= 1 << rnd.randrange(8)
        try:
            zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
        except zipfile.BadZipFile:
            continue
        read = {"word/document.xml", "word/header1.xml"}
        verdict = doctables._unread_damage(zf, read)
        said += verdict is not None
        assert doctables._unread_damage(zf, read, bytes(data)) == verdict
    assert said > 20  # (damage in an unread member is found at all)
