"""Workbooks embedded in Office documents (a client list pasted into a Word report or a PowerPoint as an
Excel object) are examined as children of their document, with a container hop, like zip members."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.pii_data import budget, csv_bytes, people, standard, xls_bytes, xlsx_bytes, zip_bytes

TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
         'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
         'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
         '<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>'
         '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
         '<Override PartName="/{main}" ContentType="{ctype}"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.'
        'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="{main}"/></Relationships>')
PART_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
             'openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
EMBED_REL = ('<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             '{kind}" Target="../embeddings/{name}"/>')
WORD = ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.openxmlformats.'
        'org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>月例報告</w:t></w:r></w:p></w:body></w:document>')
SLIDES = ("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
          '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<p:presentation xmlns:p="http://schemas.'
          'openxmlformats.org/presentationml/2006/main"/>')


def package(main: tuple[str, str, str], embeds: dict[str, bytes]) -> bytes:
    """A minimal OOXML package: [Content_Types].xml first, the package and part relationships, the main
    part, and each embedded object under <main folder>/embeddings/."""
    path, ctype, body = main
    folder = path.split("/")[0]
    rels = "".join(EMBED_REL.format(n=k + 1, name=name, kind="package" if name.endswith(".xlsx") else "oleObject")
                   for k, name in enumerate(embeds))
    return zip_bytes({"[Content_Types].xml": TYPES.format(main=path, ctype=ctype), "_rels/.rels": RELS.format(main=path),
                      path: body, f"{folder}/_rels/{path.split('/')[1]}.rels": PART_RELS.format(rels=rels),
                      **{f"{folder}/embeddings/{name}": data for name, data in embeds.items()}}, stored=())


def ole_with_stream(name: str, payload: bytes) -> bytes:
    """An OLE compound file holding one stream ``name`` (an embedded object's ``Package``). No library here
    writes OLE files but xlwt, whose writer names its one stream ``Workbook``: the directory entry is
    renamed and given the payload's exact size (test-only; olefile reads the result)."""
    from xlwt.CompoundDoc import XlsDoc

    assert len(payload) >= 4096  # a smaller stream would belong in the mini stream, which xlwt does not write
    buf = io.BytesIO()
    XlsDoc().save(buf, payload)
    data = bytearray(buf.getvalue())
    at = data.rfind("Workbook".encode("utf-16-le") + b"\x00\x00")
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    data[at:at + 64] = encoded.ljust(64, b"\x00")
    struct.pack_into("<H", data, at + 64, len(encoded))
    struct.pack_into("<I", data, at + 120, len(payload))
    return bytes(data)


ROSTER, DECK, BOOK, NATIVE = 30, 20, 12, 60
LEAK = "介護予防_利用者名簿.csv"


def native(label: str, data: bytes) -> bytes:
    """An OLE 1.0 Package stream as the Windows Packager writes a dropped file (MS-OLEDS OLENativeStream):
    size, flags, label, source path, flags, unknown, temporary path (length-prefixed), data size, data."""
    name = label.encode("cp932") + b"\x00"
    source = ("C:\\Users\\staff\\Desktop\\" + label).encode("cp932") + b"\x00"
    temp = ("C:\\Users\\staff\\AppData\\Local\\Temp\\" + label).encode("cp932") + b"\x00"
    body = (struct.pack("<H", 2) + name + source + struct.pack("<HH", 0, 3) + struct.pack("<I", len(temp)) + temp
            + struct.pack("<I", len(data)) + data)
    return struct.pack("<I", len(body)) + body


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    share = tmp_path_factory.mktemp("embeds") / "share"
    share.mkdir()
    roster = xlsx_bytes({"名簿": standard(people(ROSTER, seed=21))})
    (share / "report.docx").write_bytes(package(WORD, {"Microsoft_Excel_Worksheet.xlsx": roster}))
    deck = xlsx_bytes({"名簿": standard(people(DECK, seed=22))})
    old = xls_bytes({"名簿": standard(people(BOOK, seed=23))})
    (share / "deck.pptx").write_bytes(package(SLIDES, {"oleObject1.bin": ole_with_stream("Package", deck),
                                                       "oleObject2.bin": old}))
    cut = xlsx_bytes({"名簿": standard(people(40, seed=24))})
    (share / "damaged.docx").write_bytes(package(WORD, {"Microsoft_Excel_Worksheet1.xlsx": cut[:len(cut) // 2]}))
    (share / "plain.docx").write_bytes(package(WORD, {}))
    (share / "memo.dat").write_bytes(package(WORD, {"Microsoft_Excel_Worksheet.xlsx": roster}))  # by content
    book = xlsx_bytes({"予算": budget(people(5))})
    (share / "budget.xlsx").write_bytes(_with_embedding(book, "xl/embeddings/Microsoft_Excel_Worksheet.xlsx", roster))
    listing = csv_bytes(standard(people(NATIVE, seed=25)))
    (share / "memo.docx").write_bytes(package(WORD, {"oleObject1.bin": ole_with_stream("\x01Ole10Native",
                                                                                      native(LEAK, listing))}))
    with zipfile.ZipFile(share / "backup.zip", "w", zipfile.ZIP_DEFLATED) as z:  # a document inside an archive
        z.writestr("2017/report.docx", package(WORD, {"Microsoft_Excel_Worksheet.xlsx": roster}))
    _hide_members(share)
    out = tmp_path_factory.mktemp("embeds-out")
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet", "--name", LEAK)
    assert proc.returncode == 1, proc.stderr  # the named file was found (dropped into memo.docx)
    return share, json.loads((out / "findings.json").read_text(encoding="utf-8"))


HIDDEN, NESTED, ODT_HIDDEN = 40, 15, 18


def _hide_members(share: Path) -> None:
    """Person files added to document packages outside ``<part>/embeddings/<name>`` (pkg21: never looked at)."""
    roster = xlsx_bytes({"名簿": standard(people(HIDDEN, seed=26))})
    (share / "hidden.docx").write_bytes(_with_embedding(package(WORD, {}), "名簿.xlsx", roster))
    nested = csv_bytes(standard(people(NESTED, seed=27)))
    (share / "nested.docx").write_bytes(_with_embedding(package(WORD, {}), "word/embeddings/sub/x.csv", nested))
    (share / "hidden.pptx").write_bytes(_with_embedding(package(SLIDES, {}), f"ppt/{LEAK}", nested))
    book = xlsx_bytes({"予算": budget(people(5))})
    (share / "hidden.xlsx").write_bytes(_with_embedding(book, "名簿.xlsx", roster))
    odt = zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": ODT_CONTENT,
                     "META-INF/manifest.xml": ODT_MANIFEST,
                     "名簿.csv": csv_bytes(standard(people(ODT_HIDDEN, seed=28)))})
    (share / "hidden.odt").write_bytes(odt)


ODT_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
               'opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'office:version="1.2"><office:body><office:text><text:p>月例報告</text:p></office:text></office:body>'
               '</office:document-content>')
ODT_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')


def _with_embedding(xlsx: bytes, part: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        z.writestr(part, data)
    return buf.getvalue()


def _hits(doc: dict) -> dict[str, dict]:
    return {f["path"]: f for f in doc["files"]}


def test_workbook_embedded_in_a_word_report_is_counted_behind_a_hop(scanned: tuple[Path, dict]) -> None:
    share, doc = scanned
    hit = _hits(doc)[f"{share}/report.docx » word/embeddings/Microsoft_Excel_Worksheet.xlsx"]
    assert hit["pii"]["records"] == ROSTER
    assert hit["container"][0]["kind"] == "archive" and hit["container"][0]["name"] == f"{share}/report.docx"
    assert f"{share}/report.docx" not in _hits(doc)  # the document itself is not a person table


def test_ole_objects_in_a_presentation_package_stream_and_xls(scanned: tuple[Path, dict]) -> None:
    share, doc = scanned
    hits = _hits(doc)
    package_hit = hits[f"{share}/deck.pptx » ppt/embeddings/oleObject1.bin » Package"]
    assert package_hit["pii"]["records"] == DECK and package_hit["pii"]["format"] == "xlsx"
    xls_hit = hits[f"{share}/deck.pptx » ppt/embeddings/oleObject2.bin"]
    assert xls_hit["pii"]["records"] == BOOK and xls_hit["pii"]["format"] == "xls"


def test_file_dropped_into_a_document_is_examined_under_its_own_name(scanned: tuple[Path, dict]) -> None:
    share, doc = scanned
    hit = _hits(doc)[f"{share}/memo.docx » word/embeddings/oleObject1.bin » {LEAK}"]
    assert hit["pii"]["records"] == NATIVE and hit["container"][-1]["detail"]["format"] == "ole"
    assert "name" in hit["reasons"]  # the name rules see the dropped file's own name


def test_damaged_embedding_is_listed_and_the_scan_goes_on(scanned: tuple[Path, dict]) -> None:
    share, doc = scanned
    skipped = {s["path"]: s for s in doc["skipped"]}
    cut = skipped[f"{share}/damaged.docx » word/embeddings/Microsoft_Excel_Worksheet1.xlsx"]
    assert cut["reason"] == "corrupt" and cut["detail"]
    assert f"{share}/report.docx » word/embeddings/Microsoft_Excel_Worksheet.xlsx" in _hits(doc)


def test_document_found_by_content_and_workbook_embedding_a_workbook(scanned: tuple[Path, dict]) -> None:
    share, doc = scanned
    hits = _hits(doc)
    assert hits[f"{share}/memo.dat » word/embeddings/Microsoft_Excel_Worksheet.xlsx"]["pii"]["records"] == ROSTER
    assert hits[f"{share}/budget.xlsx » xl/embeddings/Microsoft_Excel_Worksheet.xlsx"]["pii"]["records"] == ROSTER
    nested = hits[f"{share}/backup.zip » 2017/report.docx » word/embeddings/Microsoft_Excel_Worksheet.xlsx"]
    assert nested["pii"]["records"] == ROSTER and [h["kind"] for h in nested["container"]] == ["archive", "archive"]


def test_document_without_embeddings_changes_nothing(scanned: tuple[Path, dict]) -> None:
    share, doc = scanned
    plain = f"{share}/plain.docx"
    assert not [p for p in _hits(doc) if p.startswith(plain)]
    assert not [s for s in doc["skipped"] if s["path"].startswith(plain)]
    # only embeddings parts are children: no document.xml, no relationships
    assert not [p for p in _hits(doc) if "word/document.xml" in p or "_rels" in p]


def test_damaged_ole_object_is_listed(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    deck = xlsx_bytes({"名簿": standard(people(DECK, seed=22))})
    ole = ole_with_stream("Package", deck)
    (share / "deck.pptx").write_bytes(package(SLIDES, {"oleObject1.bin": ole[:2048]}))  # cut inside its FAT
    wrapped = native(LEAK, csv_bytes(standard(people(NATIVE, seed=25))))
    cut_native = wrapped[:-100]  # the data is shorter than its size field says
    (share / "memo.docx").write_bytes(package(WORD, {"oleObject1.bin": ole_with_stream("\x01Ole10Native",
                                                                                      cut_native)}))
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert (out / "findings.json").exists(), proc.stderr
    (cut,) = [s for s in doc["skipped"] if s["path"] == f"{share}/deck.pptx » ppt/embeddings/oleObject1.bin"]
    assert cut["reason"] == "corrupt" and "OLE" in cut["detail"]
    (short,) = [s for s in doc["skipped"] if s["path"] == f"{share}/memo.docx » word/embeddings/oleObject1.bin"]
    assert short["reason"] == "corrupt" and "Ole10Native" in short["detail"]
    assert not doc["files"]


def test_embeddings_depth_counts_like_archives(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    roster = xlsx_bytes({"名簿": standard(people(ROSTER, seed=21))})
    (share / "report.docx").write_bytes(package(WORD, {"Microsoft_Excel_Worksheet.xlsx": roster}))
    out = tmp_path / "out"
    run_leakscan("scan", str(share), "--out", str(out), "--quiet", "--archive-depth", "0")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert not doc["files"]
    assert [s["reason"] for s in doc["skipped"] if s["path"] == f"{share}/report.docx"] == ["too-deep"]


def test_a_document_too_small_to_hold_an_embedding_is_not_opened(tmp_path: Path) -> None:
    """Cheap before expensive: a .docx shorter than the smallest zip naming an embeddings part is passed
    without an open; the smallest real one is still looked at."""
    import io
    import zipfile

    from scanner.inspectors.embedded import SMALLEST_WITH_EMBEDDING, has_embeddings

    class Unopenable:
        name = "memo.docx"

        def open(self) -> io.BytesIO:
            raise AssertionError("opened")

    assert not has_embeddings(Unopenable(), SMALLEST_WITH_EMBEDDING - 1, 1 << 20)  # type: ignore[arg-type]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("x/embeddings/x", b"")
    smallest = buf.getvalue()
    assert len(smallest) == SMALLEST_WITH_EMBEDDING  # the bound is exact: no real embedding can be passed over

    class InMemory:
        name = "deck.pptx"

        def open(self) -> io.BytesIO:
            return io.BytesIO(smallest)

    assert has_embeddings(InMemory(), len(smallest), 1 << 20)  # type: ignore[arg-type]


def test_embedding_name_search_by_bytes_passes_equals_the_pattern() -> None:
    """The document check's C-level search (bytes.lower, a literal before ``Object \\d``) says what the pattern
    ``(?i:/embeddings/)|Object \\d`` says: every case mix, names cut at either end, near misses, random bytes."""
    import random

    from scanner.inspectors.embedded import _EMBEDDING_NAME, _names_an_embedding

    rnd = random.Random(11)
    pieces = [b"/embeddings/", b"/EMBEDDINGS/", b"/Embeddings/", b"/embeddings", b"embeddings/", b"/embed dings/",
              b"Object 1", b"Object 12/content.xml", b"object 1", b"OBJECT 1", b"Object x", b"Object ", b"Object",
              b"\xc4\xb0", b"\xe2\x84\xaa", b"/\xc5\xbfmbeddings/", b"PK\x05\x06", b"/emb\x00eddings/"]
    cases = [b"", *pieces]
    for _ in range(3000):
        parts = [rnd.randbytes(rnd.randint(0, 40)) if rnd.random() < 0.5 else rnd.choice(pieces)
                 for _ in range(rnd.randint(1, 6))]
        case = b"".join(parts)
        if rnd.random() < 0.3:  # a name cut at the window's start or end
            case = case[rnd.randint(0, len(case)):] if rnd.random() < 0.5 else case[:rnd.randint(0, len(case))]
        if rnd.random() < 0.3:  # letters flipped in case one by one
            case = bytes(b ^ 0x20 if 65 <= (b | 0x20) - 0x20 <= 90 and rnd.random() < 0.5 else b for b in case)
        cases.append(case)
    found = 0
    for case in cases:
        want = _EMBEDDING_NAME.search(case) is not None
        assert _names_an_embedding(case) is want, case
        found += want
    assert 0 < found < len(cases)


def test_a_person_file_hidden_in_a_package_outside_embeddings_is_examined(scanned: tuple[Path, dict]) -> None:
    """A member that is none of the package's own parts (at its root, nested under embeddings/, any other name) is
    examined by content as an embedded object is (pkg21: 名簿.xlsx added to a .docx's root ended as nothing)."""
    share, doc = scanned
    hits = _hits(doc)
    assert hits[f"{share}/hidden.docx » 名簿.xlsx"]["pii"]["records"] == HIDDEN
    assert hits[f"{share}/nested.docx » word/embeddings/sub/x.csv"]["pii"]["records"] == NESTED
    assert hits[f"{share}/hidden.xlsx » 名簿.xlsx"]["pii"]["records"] == HIDDEN
    assert hits[f"{share}/hidden.odt » 名簿.csv"]["pii"]["records"] == ODT_HIDDEN
    named = hits[f"{share}/hidden.pptx » ppt/{LEAK}"]
    assert named["pii"]["records"] == NESTED and "name" in named["reasons"]


def test_a_real_documents_own_parts_are_not_foreign() -> None:
    """Every member of the corpus's and the test files' Office/ODF documents is one of the format's own parts (the
    foreign-member rule adds no cost, and no child, to a real document)."""
    from scanner.package_parts import is_foreign_member

    own = ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
           "word/media/image1.png", "word/fonts/font1.odttf", "docProps/thumbnail.jpeg", "customXml/item1.xml",
           "xl/printerSettings/printerSettings1.bin", "xl/worksheets/sheet1.bin", "word/vbaProject.bin",
           "ppt/fonts/font1.fntdata", "_xmlsignatures/origin.sigs", "mimetype", "META-INF/manifest.xml",
           "Thumbnails/thumbnail.png", "Pictures/100000000000.jpg", "Configurations2/accelerator/current.xml",
           "ObjectReplacements/Object 1", "Object 1/content.xml", "layout-cache", "manifest.rdf",
           "Basic/Standard/Module1.xml", "word/embeddings/Microsoft_Excel_Worksheet.xlsx", "word/media/", "",
           "xl/metadata", "package/services/metadata/core-properties/1.psmdcp", "ppt/media/image3.pdf"]
    assert [name for name in own if is_foreign_member(name)] == []
    hidden = ["名簿.xlsx", "word/embeddings/sub/x.xlsx", "word/名簿.csv", "word/media/名簿.xlsx", "docs/a.csv"]
    assert [name for name in hidden if not is_foreign_member(name)] == []
