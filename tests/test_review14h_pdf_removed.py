"""review14h: a PDF whose attachment was removed by an incremental update (a later revision's catalogue without
its attachment list) still holds the attached file's bytes: they were listed as a damaged PDF and never examined.
A valid PDF that only mentions /EmbeddedFiles (an empty attachment list, or the word in its page text) was listed
corrupt, "damaged?"."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from tests.test_pdf_attachments import PEOPLE, _hits, _listed_pdf, _write
from tests.test_wild13 import _scan
from tests.test_wild14 import _csv_bytes


def _attachment_removed(name: str, data: bytes) -> bytes:
    """An incremental update appended to a PDF: its catalogue rewritten without /Names (what a reader's "delete
    attachment" then "save" writes): the attached file's objects stay in the bytes, unreferenced."""
    base = _listed_pdf({name: data})
    reader = PdfReader(io.BytesIO(base))
    root, pages = reader.trailer.raw_get("/Root"), reader.trailer["/Root"].raw_get("/Pages")
    prev = int(base[base.rfind(b"startxref") + 9:].split()[0])
    update = b"\n%d 0 obj\n<< /Type /Catalog /Pages %d 0 R >>\nendobj\n" % (root.idnum, pages.idnum)
    at, xref = len(base) + 1, len(base) + len(update)
    update += (b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %d 0 R /Prev %d >>\n"
               b"startxref\n%d\n%%%%EOF\n" % (root.idnum, at, reader.trailer["/Size"], root.idnum, prev, xref))
    return base + update


def test_attachment_removed_by_an_update_is_examined(tmp_path: Path) -> None:
    findings = _scan(tmp_path, {"報告書.pdf": _attachment_removed("顧客名簿.csv", _csv_bytes())})
    hits = _hits(findings)
    assert hits == [(str(tmp_path / "share" / "報告書.pdf » removed/顧客名簿.csv"), PEOPLE)], (hits, findings["skipped"])
    assert not findings["skipped"], findings["skipped"]


def test_pdf_only_mentioning_attachments_is_not_listed_damaged(tmp_path: Path) -> None:
    empty = PdfWriter()
    empty.add_blank_page(10, 10)
    empty._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/EmbeddedFiles"): DictionaryObject({NameObject("/Names"): ArrayObject()})})
    text = PdfWriter()
    page = text.add_blank_page(10, 10)
    stream = DecodedStreamObject()
    stream.set_data(b"BT (attach with /EmbeddedFiles) Tj ET")
    page[NameObject("/Contents")] = text._add_object(stream)
    findings = _scan(tmp_path, {"empty.pdf": _write(empty), "spec.pdf": _write(text)})
    assert not findings["skipped"] and not findings["files"], findings
