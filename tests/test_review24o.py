"""review24o: docs24's document leftovers pushed with damaged third-party-shaped input.

- A Word header or a deck's speaker notes holding a person list, its name damaged in the zip directory only (its
  local header whole): the walk's cheap check (``zip_without_tables``) looked only at the parts the directory names,
  found no table, and settled the file clean: no line (python-docx and python-pptx files, every byte of the name
  flipped: 11 of 16 headers, 26 of 31 notes silent). The reader itself says ``document-member-damaged``.
- A .docx whose ``word/document.xml`` is damaged in both its directory entry and its local header (a flipped bit):
  no document kind, no line at all (17 of 17 python-docx copies); now ``corrupt`` ``document-no-body``.
- The same header or notes misnamed in both names: unread, nothing said (15 of 16, 30 of 31); now ``corrupt``
  ``document-part-missing``: ``[Content_Types].xml`` lists it (as review21x's slides).
- The unread-member CRC pass (docs24) reads members straight from the package's bytes; on any doubt zipfile reads
  it (the same verdict on 2,326 damaged third-party copies).
People are Faker ja_JP with fixed seeds (tests.pii_data via tests.test_docs23.rows).
"""

from __future__ import annotations

import io
import random
import re
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
    return _listing(docx_bytes(w_para("本文"), {"word/header1.xml": header}), "word/header1.xml",
                    "wordprocessingml.header+xml")


def _unlisted(data: bytes) -> bytes:
    """``data`` whose ``[Content_Types].xml`` lists no part (Defaults only): the walk's check then compares each
    member's local name with its directory name."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "[Content_Types].xml":
                content = re.sub(rb"<Override [^>]*/>", b"", content)
            z.writestr(info.filename, content)
    return out.getvalue()


def _listing(data: bytes, part: str, ctype: str) -> bytes:
    """``data`` whose ``[Content_Types].xml`` lists ``part`` (an Override), as Word, PowerPoint, python-docx and
    python-pptx write every part."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", f'<Override PartName="/{part}" ContentType="application/vnd.'
                                          f'openxmlformats-officedocument.{ctype}"/></Types>'.encode())
            z.writestr(info.filename, content)
    return out.getvalue()


@cases.case
def _named_apart() -> dict[str, bytes]:
    from tests.document_data import docx_with_table

    notes = _listing(_deck_text()["notes_lines.pptx"], "ppt/notesSlides/notesSlide1.xml", "presentationml.notesSlide+xml")
    return {"header_whole.docx": _header_docx(24101),
            "header_unlisted.docx": _rename_in_directory(_unlisted(_header_docx(24106)), b"word/header1.xml",
                                                         b"word/header1.xmm"),
            "header_apart.docx": _rename_in_directory(_header_docx(24102), b"word/header1.xml", b"vord/header1.xml"),
            "notes_apart.pptx": _rename_in_directory(notes, b"ppt/notesSlides/notesSlide1.xml",
                                                     b"ppt/nntesSlides/notesSlide1.xml"),
            "header_both.docx": _rename_both(_header_docx(24105), b"word/header1.xml", b"word/heade21.xml"),
            "notes_both.pptx": _rename_both(_listing(_deck_text()["notes_table.pptx"], "ppt/notesSlides/notesSlide1.xml",
                                                     "presentationml.notesSlide+xml"), b"ppt/notesSlides/notesSlide1.xml",
                                            b"ppt/notesSlides/notesSlide1.xmm"),
            "body_both.docx": _rename_both(docx_with_table([list(r) for r in rows(24103)]), b"word/document.xml",
                                           b"word/document.xmm")}


def test_a_story_part_named_apart_in_the_directory_is_said_not_settled_clean(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "named_apart")
    assert (lines["header_whole.docx"].get("pii") or {}).get("records") == DECK_PERSONS  # (the header is read)
    for name in ("header_apart.docx", "notes_apart.pptx", "header_unlisted.docx"):
        line = lines.get(name, {})  # (before: no line, the walk's check settled it clean)
        assert (line.get("status") or line.get("reason")) == "corrupt", name
        assert {"document-member-damaged", "document-part-missing", "document-part-damaged"} & {
            c["code"] for c in line["detail_codes"]}, name
        # (the header listed in [Content_Types].xml: said missing, as review21x's slide)
    unlisted = lines["header_unlisted.docx"]  # docs25: a header the list does not name, named apart in the directory
    # only, is read from its local header (was: said damaged, its 12 persons unread)
    assert (unlisted.get("pii") or {}).get("records") == DECK_PERSONS
    assert "document-part-damaged" in {c["code"] for c in unlisted["detail_codes"]}


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


def test_a_story_part_misnamed_in_both_names_is_said_missing_from_the_content_types(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "named_apart")
    for name in ("header_both.docx", "notes_both.pptx"):
        line = lines.get(name, {})  # (before: no line, the part unread)
        assert (line.get("status") or line.get("reason")) == "corrupt", name
        assert "document-part-missing" in [c["code"] for c in line["detail_codes"]], name


PAGE = ('<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>名簿</title></head><body><h1>利用者名簿</h1>'
        '<div class="list"><table><tr><th>氏名</th><th>住所</th></tr></table></div></body></html>').encode()


def test_a_page_cut_before_its_table_is_cut_whatever_its_name() -> None:
    """docs24 took a page whose name holds ``top``, ``head`` or a leading ``_`` for a server-side include and no
    longer said it cut when it ended at a tag: ``top.html`` (a Japanese site's home page), ``head_office.html``
    (本社), ``_meibo.html`` cut before their table were clean (c0ece0e1 said html-cut)."""
    from scanner.inspectors.spreadsheet import page_cut

    cut = PAGE[:PAGE.index(b"</h1>") + 5]
    for name in ("top.html", "head_office.html", "_meibo.html", "2024_top.html", "index.html"):
        assert page_cut(cut, name), name
        assert not page_cut(PAGE, name), name
    for name in ("header.html", "_header.html", "head_inc.html", "site-header.html", "header2.html"):
        assert not page_cut(PAGE[:PAGE.index(b"<div")], name), name  # an include: the top of a page, by design


def test_a_whole_pdf_with_bytes_after_its_eof_is_not_said_cut() -> None:
    """docs24's pdf_cut wanted ``%%EOF`` in the last KiB: a whole PDF followed by 1.5 KiB of other bytes (a download's
    tail, a carver's slack) was ``corrupt`` pdf-cut ("cut short ... lost"): 40 of 40 real PDFs so extended, pypdf
    reads 36. Bytes after the last ``%%EOF`` that hold no PDF object are not a cut; a cut revision still is."""
    from pypdf import PdfWriter

    from scanner.inspectors.pdf_attachments import pdf_cut

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buf = io.BytesIO()
    writer.write(buf)
    whole = buf.getvalue()
    tail = random.Random(2411).randbytes(1500).replace(b"obj", b"ob_").replace(b"stream", b"strea_")
    assert not pdf_cut(whole)
    assert not pdf_cut(whole + b"\r\n" + tail)  # (before: said cut)
    assert not pdf_cut(whole + b"<html><body>404 Not Found</body></html>\n" * 40)
    assert pdf_cut(whole[:len(whole) * 2 // 3])  # cut: as before
    update = b"\n5 0 obj\n<< /Type /EmbeddedFile /Length 4000 >>\nstream\n" + tail  # an update cut in its stream
    assert pdf_cut(whole + update)
