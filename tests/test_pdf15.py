"""PDF attachments left unread or misworded (session 15): a PDF under another format's name (報告書.jpg), an
attached file in raw deflate listed as recovered, a ratio-capped bomb said to be declared."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject, TextStringObject

from tests.test_pdf_attachments import PEOPLE, _hits, _listed_pdf, _write
from tests.test_wild13 import _scan
from tests.test_wild14 import _csv_bytes


def _pdf_with_stream(name: str, packed: bytes) -> bytes:
    """A PDF whose attachment list holds one file whose stream is ``packed`` under /FlateDecode as given."""
    w = PdfWriter()
    w.add_blank_page(10, 10)
    stream = StreamObject()
    stream._data = packed
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec = DictionaryObject({NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject(name),
                             NameObject("/EF"): DictionaryObject({NameObject("/F"): w._add_object(stream)})})
    w._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/EmbeddedFiles"): DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject(name), w._add_object(spec)])})})
    return _write(w)


def test_a_pdf_under_another_formats_name_is_read(tmp_path: Path) -> None:
    """review14h: a PDF carrying a person list saved as 報告書.jpg (a picture's name) ended as nothing: the disguise
    check had no PDF family and the PDF inspector is never asked about a picture's name. Its attachment is read,
    and the PDF is a lead of its own (extension-mismatch), as a zip under that name is; a PDF without attachments
    under such a name is the same lead."""
    pdf = _listed_pdf({"顧客名簿.csv": _csv_bytes()})
    names = ["報告書.jpg", "報告書.png", "報告書.log", "報告書.mp4"]
    findings = _scan(tmp_path, dict.fromkeys(names, pdf) | {"plain.jpg": _listed_pdf({}), "real.pdf": _listed_pdf({})})
    hits = _hits(findings)
    assert sorted(Path(p).name for p, _ in hits) == sorted(f"{n} » 顧客名簿.csv" for n in names), hits
    assert {n for _, n in hits} == {PEOPLE}, hits
    leads = {Path(f["path"]).name: f for f in findings["files"]}
    for name in [*names, "plain.jpg"]:
        assert "extension-mismatch" in leads[name]["reasons"], leads.get(name)
        assert "pdf" in json.dumps(leads[name]["matched_rules"]), leads[name]
    assert "real.pdf" not in leads
    assert not findings["skipped"], findings["skipped"]


def test_a_damaged_pdf_under_a_picture_s_name_ends_as_records_or_listed(tmp_path: Path) -> None:
    """Cut copies of a PDF saved as .jpg (a download stopped part-way): read (mended) or listed, never nothing."""
    pdf = _listed_pdf({"顧客名簿.csv": _csv_bytes()})
    files = {f"cut{k}.jpg": pdf[:len(pdf) * k // 8] for k in range(2, 8)}
    findings = _scan(tmp_path, files)
    seen = {Path(f["path"]).name.split(" » ")[0] for f in findings["files"] if f.get("pii")}
    seen |= {Path(s["path"]).name.split(" » ")[0] for s in findings["skipped"]}
    marked = {n for n, d in files.items() if b"/EmbeddedFile" in d}
    assert marked and marked <= seen, (marked, seen, findings["skipped"])


def test_a_raw_deflate_attachment_is_whole(tmp_path: Path) -> None:
    """review14h #8: an attached file whose /FlateDecode data has no zlib header (raw deflate, as some writers
    leave it) was read whole and still listed corrupt `pdf-attachment-recovered`. A raw deflate stream that ends
    whole is no damage; one cut short still is."""
    table = _csv_bytes()
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = raw.compress(table) + raw.flush()
    findings = _scan(tmp_path, {"raw.pdf": _pdf_with_stream("名簿.csv", packed),
                                "rawcut.pdf": _pdf_with_stream("名簿.csv", packed[:len(packed) // 2])})
    hits = dict(_hits(findings))
    assert hits[str(tmp_path / "share" / "raw.pdf » 名簿.csv")] == PEOPLE, hits
    listed = {Path(s["path"]).name: s for s in findings["skipped"]}
    assert "raw.pdf" not in listed and "raw.pdf » 名簿.csv" not in listed, listed
    assert "pdf-attachment-recovered" in json.dumps(listed), listed  # the cut one


def test_a_bomb_stopped_by_the_ratio_says_it_inflates() -> None:
    """review14h #4: a deflate bomb stopped by --max-archive-ratio while it inflates was said to 'declare' its
    size (no size was declared): coded ``inflates-over-ratio``."""
    from scanner.details import read_details
    from scanner.inspectors import pdf_attachments
    from scanner.inspectors.archive_members import ArchiveLimits, InflateBudget

    data = _pdf_with_stream("b.csv", zlib.compress(b"\0" * (16 << 20), 9))
    found = pdf_attachments.read_attachments(data, ArchiveLimits(ratio=100, budget=InflateBudget(1 << 30),
                                                                 member_memory=256 << 20))
    (one,) = found.attached
    assert one.problem is not None and one.problem[0] == "bomb", one.problem
    assert [c["code"] for c in read_details(one.problem[1])] == ["inflates-over-ratio"], one.problem


def _removed_and_reused(name: str, data: bytes) -> bytes:
    """An incremental update that removes the attachment list and gives the attached file's object number to a new
    object (a writer reusing freed numbers): the attached file's stream stays in the bytes, no table reaches it."""
    import io
    import re

    from pypdf import PdfReader

    base = _listed_pdf({name: data})
    reader = PdfReader(io.BytesIO(base))
    root, pages = reader.trailer.raw_get("/Root"), reader.trailer["/Root"].raw_get("/Pages")
    mark = base.index(b"/EmbeddedFile\n") if b"/EmbeddedFile\n" in base else base.index(b"/Type /EmbeddedFile")
    stream_num = int([m for m in re.finditer(rb"(\d+) 0 obj", base) if m.start() < mark][-1][1])
    prev = int(base[base.rfind(b"startxref") + 9:].split()[0])
    catalogue = b"\n%d 0 obj\n<< /Type /Catalog /Pages %d 0 R >>\nendobj\n" % (root.idnum, pages.idnum)
    reused = b"%d 0 obj\n<< /Producer (an editor) >>\nendobj\n" % stream_num
    at_root, at_reused = len(base) + 1, len(base) + len(catalogue)
    update = catalogue + reused
    xref = len(base) + len(update)
    rows = sorted([(root.idnum, at_root), (stream_num, at_reused)])
    table = b"xref\n0 1\n0000000000 65535 f \n" + b"".join(b"%d 1\n%010d 00000 n \n" % (n, at) for n, at in rows)
    update += table + (b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
                       % (reader.trailer["/Size"], root.idnum, prev, xref))
    return base + update


def test_an_attachment_removed_under_a_reused_object_number_is_examined(tmp_path: Path) -> None:
    """review14h #1 (left open): an attached file removed by a later save that gave its object number to another
    object was never examined (no cross-reference table reaches its stream) and the PDF ended as nothing. The
    stream is found by its own ``N G obj`` header in the bytes."""
    findings = _scan(tmp_path, {"報告書.pdf": _removed_and_reused("顧客名簿.csv", _csv_bytes())})
    hits = _hits(findings)
    assert [(p.split(" » ")[1].startswith("removed/"), n) for p, n in hits] == [(True, PEOPLE)], (
        hits, findings["skipped"])
