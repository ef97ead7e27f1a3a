"""Files attached to a PDF (Session 14, pdf14; wild14 found them never examined): the document's attachment list
(/Names /EmbeddedFiles) and file-attachment annotations are children one hop deeper, read like archive members;
damaged PDFs end as records or a listed reason, never as nothing."""

from __future__ import annotations

import io
import random
import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from tests.test_wild13 import _scan
from tests.test_wild14 import ROWS, _csv_bytes

PEOPLE = len(ROWS) - 1


def _write(w: PdfWriter) -> bytes:
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _listed_pdf(files: dict[str, bytes]) -> bytes:
    """A one-page PDF with ``files`` in its attachment list (pypdf writes no date: the bytes are fixed)."""
    w = PdfWriter()
    w.add_blank_page(200, 200)
    for name, data in files.items():
        w.add_attachment(name, data)
    return _write(w)


def _annotated_pdf(name: str, data: bytes) -> bytes:
    """A PDF whose page carries a file-attachment annotation (a paper clip on the page), no attachment list."""
    w = PdfWriter()
    page = w.add_blank_page(200, 200)
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec = DictionaryObject({NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject(name),
                             NameObject("/UF"): TextStringObject(name),
                             NameObject("/EF"): DictionaryObject({NameObject("/F"): w._add_object(stream)})})
    annot = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/FileAttachment"),
                              NameObject("/Rect"): ArrayObject([NumberObject(10), NumberObject(10), NumberObject(30), NumberObject(30)]),
                              NameObject("/FS"): w._add_object(spec)})
    page[NameObject("/Annots")] = ArrayObject([w._add_object(annot)])
    return _write(w)


def _object_stream_pdf(name: str, data: bytes) -> bytes:
    """A PDF 1.5 whose catalogue, name tree and file specification sit in a compressed object stream, with a
    compressed cross-reference stream (what Acrobat, Word and iText write): only the attached file's own stream
    (never inside an object stream) shows its ``/Type /EmbeddedFile`` in the file's bytes."""
    label = "<FEFF" + name.encode("utf-16-be").hex().upper() + ">"
    inner = [b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [%s 4 0 R] >> >> >>" % label.encode(),
             b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
             b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
             b"<< /Type /Filespec /F %s /UF %s /EF << /F 5 0 R >> >>" % (label.encode(), label.encode())]
    body, offsets = b"", []
    for obj in inner:
        offsets.append(len(body))
        body += obj + b"\n"
    index = b" ".join(b"%d %d" % (n, at) for n, at in enumerate(offsets, 1)) + b"\n"
    packed_objs = zlib.compress(index + body)
    packed_file = zlib.compress(data)
    out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    at5 = len(out)
    out += (b"5 0 obj\n<< /Type /EmbeddedFile /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed_file)
            + packed_file + b"\nendstream\nendobj\n")
    at6 = len(out)
    out += (b"6 0 obj\n<< /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (len(index), len(packed_objs)) + packed_objs + b"\nendstream\nendobj\n")
    at7 = len(out)
    rows = [(0, 0, 65535)] + [(2, 6, i) for i in range(4)] + [(1, at5, 0), (1, at6, 0), (1, at7, 0)]
    xref = zlib.compress(b"".join(t.to_bytes(1, "big") + f.to_bytes(4, "big") + g.to_bytes(2, "big") for t, f, g in rows))
    out += (b"7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(xref) + xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % at7)
    return out


def _hits(findings: dict) -> list[tuple[str, int]]:
    return sorted((f["path"], f["pii"]["records"]) for f in findings["files"] if f.get("pii"))


def test_person_list_attached_to_a_pdf_is_read(tmp_path: Path) -> None:
    """wild14: py-pdf sample-files with-attachment.pdf, format-corpus fileAttachment.pdf ended as nothing; a person
    list attached to a PDF (listed or on a page) was never examined."""
    packed = _object_stream_pdf("名簿.csv", _csv_bytes())
    assert b"/EmbeddedFiles" not in packed and b"/Filespec" not in packed  # hidden in the object stream
    findings = _scan(tmp_path, {"報告書.pdf": _listed_pdf({"顧客名簿.csv": _csv_bytes(), "memo.txt": b"see list\n"}),
                                "form.pdf": _annotated_pdf("list.csv", _csv_bytes()), "acrobat.pdf": packed})
    assert not findings["skipped"], findings["skipped"]
    hits = _hits(findings)
    assert [n for _, n in hits] == [PEOPLE] * 3, hits
    assert any(p.endswith("acrobat.pdf » 名簿.csv") for p, _ in hits), hits
    assert any(p.endswith("報告書.pdf » 顧客名簿.csv") for p, _ in hits), hits
    assert any(p.endswith("form.pdf » list.csv") for p, _ in hits), hits


def test_pdf_without_attachments_costs_no_worker() -> None:
    """The pre-check (scan process, no decoder) wants a PDF only when its bytes name an attached file."""
    from scanner.inspectors.pdf_attachments import may_hold_attachments, names_attachment

    class _Entry:
        def __init__(self, data: bytes) -> None:
            self.data = data

        def open(self) -> io.BytesIO:
            return io.BytesIO(self.data)

    plain = _listed_pdf({})
    assert not names_attachment(plain)
    assert not may_hold_attachments(_Entry(plain), plain[:512])  # type: ignore[arg-type]
    listed = _listed_pdf({"a.csv": b"a\n"})
    assert may_hold_attachments(_Entry(listed), listed[:512])  # type: ignore[arg-type]
    assert names_attachment(b"%PDF-1.7 << /Type /Embedded#46ile >>")  # a name spelt with #xx escapes
    assert not may_hold_attachments(_Entry(b"x" * 600 + listed), b"x" * 512)  # type: ignore[arg-type]  # no header


def test_pdf_attachment_loops_bombs_and_passwords_are_listed(tmp_path: Path) -> None:
    """A name tree that loops, an attachment inflating far past its packed size, a broken stream and an open
    password each end as a listed reason (the scan neither hangs nor crashes)."""
    loop = _listed_pdf({"a.csv": _csv_bytes()}).replace(b"/Names [ (", b"/Kids [ 8 0 R ] /Names [ (")
    packed = zlib.compress(b"0" * (16 << 20), 9)
    plain = _listed_pdf({"big.csv": b"X" * 16})
    bomb = plain.replace(b"/Type /EmbeddedFile\n/Length 16\n>>\nstream\n" + b"X" * 16,
                         b"/Type /EmbeddedFile\n/Filter /FlateDecode\n/Length %d\n>>\nstream\n" % len(packed) + packed)
    assert bomb != plain
    broken = plain.replace(b"/Type /EmbeddedFile\n/Length 16\n>>\nstream\n" + b"X" * 16,
                           b"/Type /EmbeddedFile\n/Filter /FlateDecode\n/Length 16\n>>\nstream\n" + b"X" * 16)
    whole = zlib.compress(_csv_bytes(), 9)
    cut_list = plain.replace(b"/Type /EmbeddedFile\n/Length 16\n>>\nstream\n" + b"X" * 16,
                             b"/Type /EmbeddedFile\n/Filter /FlateDecode\n/Length %d\n>>\nstream\n" % (len(whole) // 2)
                             + whole[:len(whole) // 2])  # pypdf gives the first half without a word
    locked_w = PdfWriter()
    locked_w.add_blank_page(200, 200)
    locked_w.add_attachment("list.csv", _csv_bytes())
    locked_w.encrypt("secret", algorithm="AES-128")
    locked = _write(locked_w)
    findings = _scan(tmp_path, {"loop.pdf": loop, "bomb.pdf": bomb, "broken.pdf": broken, "locked.pdf": locked,
                                "cut_list.pdf": cut_list})
    listed = {Path(s["path"].split(" » ")[0]).name: s["reason"] for s in findings["skipped"]}
    assert listed.get("bomb.pdf") in ("bomb", "too-large"), findings["skipped"]
    assert listed.get("broken.pdf") == "corrupt", findings["skipped"]
    assert listed.get("locked.pdf") == "encrypted", findings["skipped"]
    assert listed.get("loop.pdf") == "corrupt", findings["skipped"]
    assert listed.get("cut_list.pdf") == "corrupt", findings["skipped"]
    hits = {Path(p.split(" » ")[0]).name: n for p, n in _hits(findings)}
    assert hits.get("loop.pdf") == PEOPLE, hits  # the looping tree's list is still read
    assert 0 < hits.get("cut_list.pdf", 0) < PEOPLE, hits  # the rows before the cut are read


def test_damaged_pdfs_with_attachments_never_end_as_nothing(tmp_path: Path) -> None:
    """Cuts at many places and flipped bytes at seeded places: each copy ends with the list read or listed."""
    good = _listed_pdf({"list.csv": _csv_bytes()})
    rng = random.Random(14)
    files: dict[str, bytes] = {}
    for i, at in enumerate(sorted(rng.sample(range(64, len(good) - 8), 10))):
        files[f"cut{i}.pdf"] = good[:at]
    for i in range(10):
        data = bytearray(good)
        for at in rng.sample(range(16, len(good)), 8):
            data[at] ^= 0xFF
        files[f"flip{i}.pdf"] = bytes(data)
    findings = _scan(tmp_path, files)
    hit = {Path(f["path"].split(" » ")[0]).name for f in findings["files"] if f.get("pii")}
    listed = {Path(s["path"].split(" » ")[0]).name for s in findings["skipped"]}
    wanted = {name for name, data in files.items() if b"/EmbeddedFile" in data or b"/FileAttachment" in data}
    nothing = sorted(wanted - hit - listed)
    assert not nothing, nothing


def _large_pdf(files: dict[str, bytes], size: int) -> bytes:
    """A PDF of more than ``size`` bytes: a page whose content stream is ``size`` bytes of comments (a scanned
    document's weight), then ``files`` in its attachment list, so their names lie past the first ``size`` bytes."""
    w = PdfWriter()
    page = w.add_blank_page(200, 200)
    stream = DecodedStreamObject()
    stream.set_data(b"% scanned page\n" * (size // 15 + 1))
    page[NameObject("/Contents")] = w._add_object(stream)
    for name, data in files.items():
        w.add_attachment(name, data)
    return _write(w)


def test_a_large_pdf_is_searched_by_a_worker(tmp_path: Path) -> None:
    """A PDF over SEARCH_HERE_BYTES is not read whole by the scan process (its walk would wait on every large
    scanned document): a worker searches it. Without an attachment nothing is said of it; with one named only
    past the first MiBs, the attachment is read (session 14, lead)."""
    from scanner.inspectors.pdf_attachments import SEARCH_HERE_BYTES, PdfInspector

    big_plain = _large_pdf({}, SEARCH_HERE_BYTES)
    big_listed = _large_pdf({"顧客名簿.csv": _csv_bytes()}, SEARCH_HERE_BYTES)
    assert len(big_plain) > SEARCH_HERE_BYTES and big_listed.find(b"/EmbeddedFile") > SEARCH_HERE_BYTES

    class _Entry:
        name = "x.pdf"

        def open(self) -> io.BytesIO:  # the scan process must not read it whole
            raise AssertionError("read in the scan process")

    inspector = PdfInspector.__new__(PdfInspector)
    assert inspector.wants(_Entry(), len(big_plain), lambda: big_plain[:512])  # type: ignore[arg-type]
    findings = _scan(tmp_path, {"scan.pdf": big_plain, "報告書.pdf": big_listed})
    assert not findings["skipped"], findings["skipped"]
    hits = _hits(findings)
    assert [(p.rsplit("/", 1)[-1], n) for p, n in hits] == [("報告書.pdf » 顧客名簿.csv", PEOPLE)], hits
