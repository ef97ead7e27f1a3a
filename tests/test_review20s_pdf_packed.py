"""review20s: a PDF whose attachment is named only inside a compressed object stream (PDF 1.5). pypdf's own
resources/example.pdf (a Google Docs PDF, "Skia/PDF m103", with logo.png attached by a file-attachment annotation)
keeps its page, the annotation and the file specification in an object stream, and its attached file's stream leaves
out the optional ``/Type /EmbeddedFile``: no attachment's name is in its bytes, so the pre-check (``wants``), the
worker's byte search (``inspect``) and speed20's settle (``settles_here``) all passed it over, and a person list
attached so ended as nothing. A PDF with object streams is now searched in a worker with them inflated.

People are Faker ja_JP with a fixed seed (tests/pii_data.py); nothing here is real.
"""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest

from scanner.inspectors.pdf_attachments import TEXT_TABLE_EXTS, names_attachment
from tests.conftest import hit_of, scan_findings, skip_of
from tests.pii_data import csv_bytes, people, standard

N = 12


def packed_pdf(attached: bytes | None, name: str = "名簿.csv") -> bytes:
    """A PDF 1.5 whose page, file-attachment annotation and file specification live in a compressed object
    stream, and whose attached file's stream leaves out the optional /Type /EmbeddedFile (as pypdf's
    resources/example.pdf, a Google Docs PDF with an attached logo.png): no attachment's name in its bytes."""
    fname = b"<FEFF" + name.encode("utf-16-be").hex().upper().encode() + b">"
    inner = {
        2: b"<</Type/Catalog/Pages 3 0 R>>",
        3: b"<</Type/Pages/Count 1/Kids[4 0 R]>>",
        4: b"<</Type/Page/Parent 3 0 R/MediaBox[0 0 200 200]/Annots[5 0 R]>>",
        5: (b"<</Type/Annot/Subtype/FileAttachment/Rect[10 10 30 30]/FS 6 0 R/Contents(list)>>" if attached is not None
            else b"<</Type/Annot/Subtype/Text/Rect[10 10 30 30]/Contents(a note)>>"),
        6: b"<</Type/Filespec/F " + fname + b"/UF " + fname + b"/EF<</F 7 0 R>>>>",
    }
    body, heads = b"", []
    for num, obj in inner.items():
        heads.append(b"%d %d" % (num, len(body)))
        body += obj + b"\n"
    head = b" ".join(heads) + b"\n"
    packed = zlib.compress(head + body)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    offsets[1] = len(out)
    out += b"1 0 obj\n<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>\nstream\n" % (
        len(inner), len(head), len(packed)) + packed + b"\nendstream\nendobj\n"
    data = zlib.compress(attached or b"")
    offsets[7] = len(out)
    out += b"7 0 obj\n<</Filter/FlateDecode/Length %d>>\nstream\n" % len(data) + data + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
    for num in range(1, 9):
        if num in offsets:
            rows.append(b"\x01" + offsets[num].to_bytes(4, "big") + (0).to_bytes(2, "big"))
        elif num in inner:
            rows.append(b"\x02" + (1).to_bytes(4, "big") + list(inner).index(num).to_bytes(2, "big"))
        else:  # the cross-reference stream itself
            rows.append(b"\x01" + xref_at.to_bytes(4, "big") + (0).to_bytes(2, "big"))
    table = b"".join(rows)
    out += b"8 0 obj\n<</Type/XRef/Size 9/W[1 4 2]/Root 2 0 R/Length %d>>\nstream\n" % len(table) + table
    out += b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def _attached_pdf(attached: bytes) -> bytes:
    """A PDF (pypdf) with a person list attached, its stream compressed (as Acrobat and Word write one)."""
    import io

    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.add_attachment("名簿.csv", attached)
    for i, obj in enumerate(w._objects):
        if hasattr(obj, "get") and obj.get("/Type") == "/EmbeddedFile":
            w._objects[i] = obj.flate_encode()
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


TEXT_NAMES = ("申込書.txt", "申込書.csv", "申込書.tsv")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("packed")
    tree = root / "share"
    tree.mkdir()
    listed = packed_pdf(csv_bytes(standard(people(N, seed=2022)), encoding="utf-8"))
    assert not names_attachment(listed)  # nothing in its bytes names the attachment
    for name in ("報告.pdf", "報告.dat", "報告"):
        (tree / name).write_bytes(listed)
    (tree / "メモ.pdf").write_bytes(packed_pdf(None))  # object streams, a note and no attachment
    attached = _attached_pdf(csv_bytes(standard(people(N, seed=2023)), encoding="utf-8"))
    for name in TEXT_NAMES:
        (tree / name).write_bytes(attached)
    return tree, scan_findings(tree, root / "out")


@pytest.mark.parametrize("name", ["報告.pdf", "報告.dat", "報告"])
def test_an_attachment_named_only_in_an_object_stream_is_read(scanned: tuple[Path, dict], name: str) -> None:
    tree, found = scanned
    hit = hit_of(found, Path(f"{tree / name} » 名簿.csv"))
    assert hit is not None and "pii" in hit["reasons"] and hit["status"] == "ok", found["files"]
    assert hit["pii"]["records"] == N


def test_a_pdf_with_object_streams_and_no_attachment_stays_clean(scanned: tuple[Path, dict]) -> None:
    tree, found = scanned
    assert hit_of(found, tree / "メモ.pdf") is None and skip_of(found, tree / "メモ.pdf") is None


@pytest.mark.parametrize("name", TEXT_NAMES)
def test_a_pdf_under_a_text_tables_name_has_its_attachments_read(scanned: tuple[Path, dict], name: str) -> None:
    """A PDF saved as 申込書.txt or .csv: the text reader lists it (binary content, no table), and its attached
    person list is read (review20s: only the listing, the list never examined; under .dat or no extension it was)."""
    from scanner.inspectors.spreadsheet import TEXT_EXTENSIONS

    assert TEXT_TABLE_EXTS == TEXT_EXTENSIONS  # the PDF inspector asks about every name the text reader reads
    tree, found = scanned
    hit = hit_of(found, Path(f"{tree / name} » 名簿.csv"))
    assert hit is not None and "pii" in hit["reasons"], found["files"]
    assert hit["pii"]["records"] == N


def test_the_object_stream_search_is_bounded_and_says_yes_past_its_bounds() -> None:
    """Object streams that never end, more than it inflates, more streams than it counts: searched in linear time,
    and past its bounds pypdf looks (True), never a silent no; a stream cut after the name still gives it."""
    from scanner.inspectors.pdf_attachments import MAX_OBJSTMS, OBJSTM_INFLATED, packed_names_attachment

    def objstm(body: bytes, end: bytes = b"\nendstream\n") -> bytes:
        return b"<</Type/ObjStm/Filter/FlateDecode>>\nstream\n" + body + end

    named = b"<</Type/Annot/Subtype/FileAttachment/FS 6 0 R>>"
    assert packed_names_attachment(b"%PDF-1.5\n" + objstm(zlib.compress(b"<</A 1>>" * 1000 + named)))
    noise = random.Random(2024).randbytes(20_000).hex().encode()  # compressed about half: a cut after the name
    packed = zlib.compress(noise + named + noise)
    assert packed_names_attachment(b"%PDF-1.5\n" + objstm(packed[:len(packed) * 3 // 4], b""))
    assert not packed_names_attachment(b"%PDF-1.5\n" + objstm(zlib.compress(b"<</A 1>>" * 1000)) * 50)
    assert packed_names_attachment(b"%PDF-1.5\n" + objstm(zlib.compress(bytes(OBJSTM_INFLATED) + named)))  # past it
    assert packed_names_attachment(b"%PDF-1.5\n" + objstm(zlib.compress(b"<</A 1>>")) * (MAX_OBJSTMS + 1))
    assert not packed_names_attachment(b"%PDF-1.5\n" + objstm(bytes(100), b"") * (MAX_OBJSTMS - 1))  # never ending


def test_a_pdf_that_grew_after_its_bytes_were_read_is_not_decoded_from_them(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan process settles a small PDF naming no attachment and runs ``inspect`` on the bytes it read; one that
    grew since (an attachment appended by an incremental save on a live share) was searched again, and its stale
    bytes handed to pypdf there: a decoder in the scan process (review20s). The bytes read name nothing: no finding."""
    import scanner.inspectors.pdf_attachments as pdf
    from scanner.config import ScanConfig
    from scanner.pipeline import scan_context
    from scanner.sources.local import LocalSource

    old = _attached_pdf(b"a,b\n1,2\n").replace(b"/EmbeddedFile", b"/EmbeddedFilx").replace(b"/FileAttachment", b"/X")
    assert not names_attachment(old)
    (tmp_path / "live.pdf").write_bytes(old)
    config = ScanConfig(sources=[str(tmp_path)], out=str(tmp_path / "out"))
    ctx = scan_context(config)
    decoded: list[bytes] = []
    monkeypatch.setattr(pdf, "read_attachments", lambda data, caps: decoded.append(data) or pdf.Found())
    with LocalSource(str(tmp_path)) as source:
        entry = next(batch.entry(0) for batch in source.batches() if getattr(batch, "names", None))  # type: ignore[union-attr]
        with open(tmp_path / "live.pdf", "ab") as f:  # saved again, an attachment's name appended
            f.write(b"\n9 0 obj\n<</Type/EmbeddedFile/Length 0>>\nstream\n\nendstream\nendobj\n")
        found = pdf.PdfInspector(config).inspect(entry, old, "", ctx)
    assert not decoded and found.status == "ok" and not found.children
