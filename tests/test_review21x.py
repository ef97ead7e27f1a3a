"""review21x: defects found reviewing xml21 (slide tables, coded attributes, damaged root tags, flat-part-altered).

People are Faker ja_JP with a fixed seed (tests.xml19_data via tests.test_xml21); nothing here is real.
"""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from scanner.details import codes_of
from scanner.doctables import flat_objects
from tests.test_xml20 import MAIN_TYPE, XLSX_TYPE, _document, flat


def _zeros_zip(mib: int) -> bytes:
    """A zip of one member of ``mib`` MiB of NULs, deflated (about 1,000 to 1): a zip bomb's shape."""
    raw = zlib.compressobj(1, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    body = b"".join(raw.compress(chunk) for _ in range(mib)) + raw.flush()
    name = b"xl/worksheets/sheet1.xml"
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    size = mib << 20
    local = (b"PK\x03\x04" + (20).to_bytes(2, "little") + bytes(2) + (8).to_bytes(2, "little") + bytes(4)
             + crc.to_bytes(4, "little") + len(body).to_bytes(4, "little") + size.to_bytes(4, "little")
             + len(name).to_bytes(2, "little") + bytes(2) + name)
    central = (b"PK\x01\x02" + (20).to_bytes(2, "little") * 2 + bytes(2) + (8).to_bytes(2, "little") + bytes(4)
               + crc.to_bytes(4, "little") + len(body).to_bytes(4, "little") + size.to_bytes(4, "little")
               + len(name).to_bytes(2, "little") + bytes(8) + bytes(4) + bytes(4) + name)
    end = (b"PK\x05\x06" + bytes(4) + (1).to_bytes(2, "little") * 2 + len(central).to_bytes(4, "little")
           + (len(local) + len(body)).to_bytes(4, "little") + bytes(2))
    return local + body + central + end


def test_a_zip_bomb_in_a_flat_object_is_not_inflated_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """xml21's flat-part-altered check inflated every member of an embedded zip to its end, unbounded: a flat .docx
    of 5.6 MB holding a 4 GiB bomb took 40 s in flat_objects (48 s a scan). The check now stops at its own cap."""
    bomb = _zeros_zip(1024)
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:
        assert z.infolist()[0].file_size == 1 << 30
    doc = flat([("/word/document.xml", MAIN_TYPE, _document(table=False)),
                ("/word/embeddings/Microsoft_Excel_Worksheet.xlsx", XLSX_TYPE, bomb)])
    read = zipfile.ZipExtFile.read
    inflated = [0]

    def counted(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        got = read(self, n)
        inflated[0] += len(got)
        return got

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted)
    parts = list(flat_objects(doc, 1 << 30))
    assert [(name, len(body)) for name, body, _ in parts] == [("word/embeddings/Microsoft_Excel_Worksheet.xlsx", len(bomb))]
    assert inflated[0] <= 256 << 20, inflated[0]  # (1 GiB before: the whole bomb)


def _renamed_in_directory(data: bytes, old: bytes, new: bytes) -> bytes:
    """``data`` (a zip) with a member's name changed in its central directory only (a flipped byte there)."""
    at = data.rindex(old)
    assert data.index(b"PK\x01\x02") < at  # (the directory's copy of the name, after the local header's)
    return data[:at] + new + data[at + len(old):]


def test_a_deck_whose_person_slide_name_is_damaged_is_said() -> None:
    """A flipped byte in a deck's directory name of its person slide (``slide2.xml`` -> ``slode2.xml``, 4 of 2,100
    random flips of xml21's deck) left the slide unread, the title slide read, nothing said: a false clean (the deck,
    1 MiB or less, was not even sent to a worker). Its [Content_Types].xml lists the slide: it is said missing now, and
    a slide named otherwise (``ppt/slides/Slide2.xml``, part names are case-insensitive in OPC) is read."""
    from scanner.doctables import document_kind, document_sheets, without_tables
    from scanner.sheet import Caps
    from scanner.tables import sniff_delimiter
    from tests.test_xml21 import DECK, PERSONS

    damaged = _renamed_in_directory(DECK, b"ppt/slides/slide2.xml", b"ppt/slides/slode2.xml")
    assert document_kind(damaged) == "pptx"
    assert not without_tables(damaged, 8 << 20)  # (to the worker)
    sheets = list(document_sheets(damaged, "pptx", Caps(), sniff_delimiter))
    said = [c["code"] for s in sheets for d in s.damage for c in codes_of(d)]
    assert said == ["document-part-damaged"], [s.damage for s in sheets]  # docs25: read from its local header (its
    # persons too), said damaged (was: said missing, unread)
    assert sum(len(s.rows) for s in sheets) >= PERSONS + 1
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(DECK)) as z, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            out.writestr(info.filename.replace("slides/slide2", "slides/Slide2"),
                         z.read(info).replace(b"/ppt/slides/slide2.xml", b"/ppt/slides/Slide2.xml"))
    upper = buf.getvalue()
    rows = [r for s in document_sheets(upper, "pptx", Caps(), sniff_delimiter) for r in s.rows]
    assert len(rows) == PERSONS + 1 and not without_tables(upper, 8 << 20)


def test_a_deck_whose_slide_list_is_damaged_too_is_said() -> None:
    """The same damaged name with the deck's [Content_Types].xml failing its CRC (2 of the 2,100 flips): the list of
    slides cannot tell the lost slide, so the damaged list is said (it was a clean deck in the scan process)."""
    from scanner.doctables import document_sheets, without_tables
    from scanner.sheet import Caps
    from scanner.tables import sniff_delimiter
    from tests.test_xml21 import DECK

    damaged = bytearray(_renamed_in_directory(DECK, b"ppt/slides/slide2.xml", b"ppt/slides/slode2.xml"))
    damaged[30 + len(b"[Content_Types].xml") + 40] ^= 0x10  # (inside its deflated bytes)
    assert not without_tables(bytes(damaged), 8 << 20)
    sheets = list(document_sheets(bytes(damaged), "pptx", Caps(), sniff_delimiter))
    said = [c["code"] for s in sheets for d in s.damage for c in codes_of(d)]
    assert said == ["document-part-damaged", "document-part-damaged"], [s.damage for s in sheets]  # docs25: the
    # slide read from its local header and said, the damaged list said too (was: the list alone, the slide unread)


@pytest.mark.parametrize("old,new", [(b'pkg:name="/ppt/slides/slide1.xml"', b'pkg:name="/ppt/slidus/slide1.xml"'),
                                     (b'slide+xml"><pkg:xmlData>', b'slide+xml"><pkg:xmlDat`>'),
                                     (b'slide+xml"><pkg:xmlData>', b'slide+xml"><pkg8xmlData>')])
def test_a_flat_deck_whose_slide_part_tag_is_damaged_is_said(old: bytes, new: bytes) -> None:
    """PowerPoint's flat XML presentation with a flipped byte in its person slide's part name or its pkg:xmlData tag
    (10 of 700 random flips of xml21's flat deck ended so): the slide was never found, nothing said, a clean deck. A
    part of a slide's content type that is not read as a slide is said now (document-part-missing)."""
    from scanner.doctables import document_sheets
    from scanner.sheet import Caps
    from scanner.tables import sniff_delimiter
    from tests.test_xml21 import FLAT_DECK

    assert FLAT_DECK.count(old) == 1
    sheets = list(document_sheets(FLAT_DECK.replace(old, new), "flatopc", Caps(), sniff_delimiter))
    said = [c["code"] for s in sheets for d in s.damage for c in codes_of(d)]
    assert "document-part-missing" in said, [s.damage for s in sheets]
    assert not [s.damage for s in document_sheets(FLAT_DECK, "flatopc", Caps(), sniff_delimiter) if s.damage]
    types = ('<pkg:part pkg:name="/[Content_Types].xml" pkg:contentType="application/xml"><pkg:xmlData><Types xmlns='
             '"http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/ppt/slides/slide1.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/></Types></pkg:xmlData>'
             '</pkg:part>')  # (a writer's flat deck with its content types as a part too: no slide missing)
    whole = FLAT_DECK.replace(b"<pkg:part ", types.encode() + b"<pkg:part ", 1)
    assert not [s.damage for s in document_sheets(whole, "flatopc", Caps(), sniff_delimiter) if s.damage]


@pytest.mark.parametrize("kind", ["odp", "odt"])
def test_an_opendocument_whose_content_name_is_damaged_is_said(kind: str) -> None:
    """An Impress deck (or a Writer text) whose ``content.xml`` is named ``content&xml`` in its zip directory and
    whose mimetype member's header offset is damaged (one of 700 random flips of xml21's .odp: document_kind took it from its
    local headers): no part was read and nothing said (the missing body was checked only when some part was read).
    Then it was listed corrupt, document-no-body; docs24 reads its body from its local header (its name there is
    whole) and says the part damaged."""
    from scanner.doctables import document_kind, document_sheets
    from scanner.errors import ReadError
    from scanner.sheet import Caps
    from scanner.tables import sniff_delimiter
    from tests.test_xml21 import IMPRESS

    damaged = _renamed_in_directory(IMPRESS, b"content.xml", b"content&xml")
    at = damaged.index(b"PK\x01\x02") + 42  # (the mimetype's local header offset in the directory: its header lost)
    damaged = damaged[:at] + (0x20000).to_bytes(4, "little") + damaged[at + 4:]
    if kind == "odt":
        damaged = damaged.replace(b"opendocument.presentation", b"opendocument.text\0\0\0\0\0\0\0\0")
    assert document_kind(damaged) == kind
    sheets = list(document_sheets(damaged, kind, Caps(), sniff_delimiter))
    assert [c["code"] for s in sheets for d in s.damage for c in codes_of(d)] == ["document-part-damaged"]
    assert sum(len(s.rows) for s in sheets) == 31  # (docs24: no rows, document-no-body, before)
    with pytest.raises(ReadError) as e:  # its body named otherwise in its local header too: no body
        list(document_sheets(damaged.replace(b"content.xml", b"content&xml"), kind, Caps(), sniff_delimiter))
    assert [c["code"] for c in codes_of(e.value.detail)] == ["document-no-body"]


def test_a_slide_whose_drawingml_namespace_name_is_damaged_is_read_and_said() -> None:
    """A flipped byte in a slide's DrawingML namespace name (``http://schemaS.openxmlformats.org/drawingml/...``, 1 of
    700 flips of xml21's flat deck): no ``{A}tbl`` was found, the person table was lost and nothing said. The tables'
    prefix's namespace is taken now, the table read and the odd namespace said."""
    from scanner.doctables import document_sheets
    from scanner.sheet import Caps
    from scanner.tables import sniff_delimiter
    from tests.test_xml21 import FLAT_DECK, PERSONS

    damaged = FLAT_DECK.replace(b'xmlns:a="http://schemas.openxmlformats.org/drawingml',
                                b'xmlns:a="http://schemaS.openxmlformats.org/drawingml')
    assert damaged != FLAT_DECK
    sheets = list(document_sheets(damaged, "flatopc", Caps(), sniff_delimiter))
    assert sum(len(list(s.rows)) for s in sheets) == PERSONS + 1
    said = [c["code"] for s in sheets for d in s.damage for c in codes_of(d)]
    assert said == ["document-namespace-odd"], [s.damage for s in sheets]


def test_a_word_part_whose_wordprocessingml_namespace_name_is_damaged_is_read_and_said() -> None:
    """A flipped byte in a .docx's WordprocessingML namespace name (``http://schemaS.openxmlformats.org/
    wordprocessingml/...``): no ``{W}tbl`` was found, the person table lost and nothing said (pkg21, as review21x's
    slides). The tables' prefix's namespace is taken now, the table read and the odd namespace said."""
    from scanner.doctables import document_sheets
    from scanner.sheet import Caps
    from scanner.tables import sniff_delimiter
    from tests.document_data import W_NS, docx_with_table, people_rows

    rows = people_rows(27, seed=2126)
    whole = docx_with_table(rows)
    damaged = _docx_namespaced(rows, W_NS.replace("schemas", "schemaS"))
    assert not [s.damage for s in document_sheets(whole, "docx", Caps(), sniff_delimiter) if s.damage]
    sheets = list(document_sheets(damaged, "docx", Caps(), sniff_delimiter))
    assert sum(len(list(s.rows)) for s in sheets) == len(rows)
    said = [c["code"] for s in sheets for d in s.damage for c in codes_of(d)]
    assert said == ["document-namespace-odd"], [s.damage for s in sheets]


def _docx_namespaced(rows: list[list[str]], ns: str) -> bytes:
    """A .docx of ``rows`` whose document part declares ``ns`` as ``xmlns:w``."""
    from tests import document_data

    xml = document_data.docx_xml(document_data.w_para("利用者名簿") + document_data.w_table(rows))
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(document_data.docx_bytes("")), "r") as src, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, xml.replace(document_data.W_NS, ns) if info.filename == "word/document.xml"
                       else src.read(info))
    return buf.getvalue()
