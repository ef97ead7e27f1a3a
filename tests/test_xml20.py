"""xml20: Office flat XML and XML record exports that still ended as nothing.

- Word 2007+ "XML document" (one file, ``<pkg:package>`` whose ``/word/document.xml`` part holds the body in
  ``<pkg:xmlData>``), under .xml, .doc, .dat or no name: its person table was never read; its objects in
  ``<pkg:binaryData>`` (base64: an embedded workbook) never examined. Now read as a .docx's parts; cut or bad base64
  said.
- XML records past the first 64 KiB under a foreign name (.jpg, none): the walk's disguise check saw the head only.
- Records naming their fields by values (``<field name="氏名">``, ``<item key=… value=…/>``, FileMaker FMPXMLRESULT):
  listed ``xml-fields-by-value`` (review19x), now read.
- Coded tags (``<C001>``): columns whose names say nothing, classified by their values as a header-less table's.
- XML records under .dbf/.dif/.slk: listed ``unsupported`` (no reader / no dBase header), now read as XML.
People are Faker ja_JP with a fixed seed (tests.xml19_data); nothing here is real.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import openpyxl
import pytest

from scanner.doctables import document_kind, document_sheets, flat_objects
from scanner.errors import ReadError
from scanner.inspectors.disguise import column_field, records_head
from scanner.sheet import Caps
from scanner.tables import sniff_delimiter
from scanner.xmlrecords import record_sheets
from tests import xml19_data as X
from tests.conftest import hit_of, scan_findings, skip_of

PEOPLE = X.PEOPLE
PERSONS = len(PEOPLE)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(text: str) -> str:
    return f"<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr><w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p></w:tc>"


def _document(table: bool = True) -> str:
    rows = "".join("<w:tr>" + "".join(_cell(c) for c in row) + "</w:tr>"
                   for row in [("氏名", "住所", "電話番号"), *((p.name, p.address, p.phone) for p in PEOPLE)])
    body = f"<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>{rows}</w:tbl>" if table else ""
    return (f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>利用者一覧</w:t></w:r></w:p>{body}'
            "<w:p><w:r><w:t>以上</w:t></w:r></w:p><w:sectPr/></w:body></w:document>")


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["氏名", "住所", "電話番号"])
    for p in PEOPLE:
        ws.append([p.name, p.address, p.phone])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def flat(parts: list[tuple[str, str, str | bytes]], progid: str = "Word.Document") -> bytes:
    """An Office flat XML document as Word writes it: XML parts in pkg:xmlData, others in base64 (76 a line)."""
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', f'<?mso-application progid="{progid}"?>\n',
           '<pkg:package xmlns:pkg="http://schemas.microsoft.com/office/2006/xmlPackage">']
    for name, ctype, body in parts:
        if isinstance(body, bytes):
            out.append(f'<pkg:part pkg:name="{name}" pkg:contentType="{ctype}" pkg:compression="store">'
                       f"<pkg:binaryData>{base64.encodebytes(body).decode()}</pkg:binaryData></pkg:part>")
        else:
            out.append(f'<pkg:part pkg:name="{name}" pkg:contentType="{ctype}"><pkg:xmlData>{body}</pkg:xmlData></pkg:part>')
    out.append("</pkg:package>")
    return "".join(out).encode()


RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>')
WORD_XML = flat([("/_rels/.rels", "application/vnd.openxmlformats-package.relationships+xml", RELS),
                 ("/word/document.xml", MAIN_TYPE, _document())])
WORKBOOK = _workbook()
WITH_OBJECT = flat([("/word/document.xml", MAIN_TYPE, _document(table=False)),
                    ("/word/embeddings/Microsoft_Excel_Worksheet.xlsx", XLSX_TYPE, WORKBOOK)])
SLIDES = flat([("/ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
                '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>'),
               ("/ppt/embeddings/Microsoft_Excel_Worksheet1.xlsx", XLSX_TYPE, WORKBOOK)], progid="PowerPoint.Show")
_B64_AT = WITH_OBJECT.index(b"<pkg:binaryData>") + len(b"<pkg:binaryData>") + 2000
BAD_BASE64 = WITH_OBJECT[:_B64_AT] + b"*" + WITH_OBJECT[_B64_AT + 1:]


def _by_value() -> str:
    fields = "".join(f'<record><field name="氏名">{escape(p.name)}</field><field name="住所">{escape(p.address)}</field>'
                     f'<field name="電話番号">{p.phone}</field></record>' for p in PEOPLE)
    return f'<?xml version="1.0"?>\n<records>{fields}</records>\n'


def _key_value() -> str:
    items = "".join(f'<row><item key="氏名" value={quoteattr(p.name)}/><item key="住所" value={quoteattr(p.address)}/>'
                    f'<item key="電話" value="{p.phone}"/></row>' for p in PEOPLE)
    return f'<?xml version="1.0"?>\n<data>{items}</data>\n'


def filemaker() -> str:
    """FMPXMLRESULT: METADATA/FIELD names the ROWs' COLs in order; a repeating field holds DATA more than once."""
    meta = "".join(f'<FIELD EMPTYOK="YES" MAXREPEAT="{r}" NAME="{n}" TYPE="TEXT"/>'
                   for n, r in (("氏名", 1), ("住所", 1), ("電話番号", 2)))
    rows = "".join(f'<ROW MODID="1" RECORDID="{i}"><COL><DATA>{escape(p.name)}</DATA></COL><COL><DATA>{escape(p.address)}'
                   f"</DATA></COL><COL><DATA>{p.phone}</DATA><DATA>090-0000-{i:04d}</DATA></COL></ROW>"
                   for i, p in enumerate(PEOPLE))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<FMPXMLRESULT xmlns="http://www.filemaker.com/fmpxmlresult">'
            '<ERRORCODE>0</ERRORCODE><PRODUCT BUILD="" NAME="FileMaker" VERSION="ProAdvanced 19"/><DATABASE '
            'DATEFORMAT="yyyy/MM/dd" LAYOUT="" NAME="顧客.fmp12" RECORDS="30" TIMEFORMAT="k:mm:ss"/>'
            f'<METADATA>{meta}</METADATA><RESULTSET FOUND="30">{rows}</RESULTSET></FMPXMLRESULT>\n')


def _coded(config: bool = False) -> str:
    if config:
        body = "".join(f"<ENTRY><C001>option{i}</C001><C002>{i * 3}</C002><C003>true</C003></ENTRY>" for i in range(40))
    else:
        body = "".join(f"<REC><C001>{escape(p.name)}</C001><C002>{escape(p.address)}</C002><C003>{p.phone}</C003></REC>"
                       for p in PEOPLE)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<DATA>{body}</DATA>\n'


def _long_head() -> str:
    """70 KiB of settings naming nobody, then the client records (the head check sees no person's field)."""
    settings = "<settings>" + "".join(f'<setting id="s{i}" value="v{i}">option {i}</setting>' for i in range(1500)) + "</settings>"
    return f"<?xml version=\"1.0\"?>\n<export>{settings}{X.elements().split(chr(10), 1)[1]}</export>\n"


RECORDS = X.elements().encode()
FILES: dict[str, bytes] = {
    **{f"word{ext}": WORD_XML for ext in (".xml", ".doc", ".dat", "")},
    "with-object.xml": WITH_OBJECT, "slides.xml": SLIDES,
    "by-value.xml": _by_value().encode(), "key-value.xml": _key_value().encode(),
    "filemaker.xml": filemaker().encode(), "filemaker.dat": filemaker().encode("utf-16"),
    "coded.xml": _coded().encode(), "coded.jpg": _coded().encode(),
    "longhead.jpg": _long_head().encode(), "longhead": _long_head().encode(),
    **{f"records{ext}": RECORDS for ext in (".dbf", ".dif", ".slk")},
}
READ = {name: PERSONS for name in FILES} | {"with-object.xml": 0, "slides.xml": 0}
MISMATCH = {"word", "coded.jpg", "longhead.jpg", "longhead"}
CLEAN = {"no-table.xml": flat([("/word/document.xml", MAIN_TYPE, _document(table=False))]),
         "coded-config.xml": _coded(config=True).encode(), "coded-config": _coded(config=True).encode()}
DAMAGED = {"word-cut.xml": WORD_XML[:len(WORD_XML) * 6 // 10], "bad-base64.xml": BAD_BASE64,
           "object-cut.xml": WITH_OBJECT[:_B64_AT]}
CONFIG = X.app_config().encode()  # XML naming no person under a dBase table's name: listed, as under .xls


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("xml20")
    tree = root / "tree"
    tree.mkdir()
    for name, data in {**FILES, **CLEAN, **DAMAGED, "config.dbf": CONFIG}.items():
        (tree / name).write_bytes(data)
    return tree, scan_findings(tree, root / "out")


@pytest.mark.parametrize("name", sorted(n for n in READ if READ[n]))
def test_the_persons_of_flat_xml_and_xml_records_are_counted(scanned: tuple[Path, dict[str, Any]], name: str) -> None:
    tree, found = scanned
    hit = hit_of(found, tree / name)
    assert hit is not None, (name, skip_of(found, tree / name))
    assert hit["pii"]["records"] == PERSONS and hit["status"] == "ok", hit["pii"]
    assert ("extension-mismatch" in hit["reasons"]) == (name in MISMATCH), hit["reasons"]


@pytest.mark.parametrize("name", ["with-object.xml", "slides.xml"])
def test_an_object_in_base64_is_read_as_a_child(scanned: tuple[Path, dict[str, Any]], name: str) -> None:
    tree, found = scanned
    parent = tree / name
    assert hit_of(found, parent) is None and skip_of(found, parent) is None, name  # the document itself holds no table
    children = [h for h in found["files"] if h["path"].startswith(f"{parent} » ")]
    assert [h["pii"]["records"] for h in children] == [PERSONS], children
    assert children[0]["container"][-1]["detail"]["format"] == "flatopc"


def test_flat_xml_and_coded_settings_naming_nobody_stay_clean(scanned: tuple[Path, dict[str, Any]]) -> None:
    tree, found = scanned
    for name in CLEAN:
        assert hit_of(found, tree / name) is None and skip_of(found, tree / name) is None, name


def test_xml_without_records_under_a_dbase_name_is_listed(scanned: tuple[Path, dict[str, Any]]) -> None:
    tree, found = scanned
    skip = skip_of(found, tree / "config.dbf")
    assert skip is not None and skip["reason"] == "unsupported", skip
    assert [c["code"] for c in skip["detail_codes"]] == ["xml-other"], skip


def test_damaged_flat_xml_is_listed_never_nothing(scanned: tuple[Path, dict[str, Any]]) -> None:
    tree, found = scanned
    cut = hit_of(found, tree / "word-cut.xml")  # the rows before the cut, the cut said
    assert cut is not None and cut["status"] == "corrupt" and 0 < cut["pii"]["records"] < PERSONS, cut
    for name in ("bad-base64.xml", "object-cut.xml"):
        skip = skip_of(found, tree / name)
        assert skip is not None and skip["reason"] == "corrupt", (name, hit_of(found, tree / name))
        said = str(skip["detail_codes"])
        assert ("flat-part-base64" if name == "bad-base64.xml" else "document-part-cut") in said, said
    bad = [h for h in found["files"] if h["path"].startswith(f"{tree / 'bad-base64.xml'} » ")]
    assert bad == [] or bad[0]["status"] == "corrupt", bad  # (what decodes before the damage, said damaged)


def test_the_parts_are_read_as_a_docx_reads_them() -> None:
    assert document_kind(WORD_XML) == "flatopc" and document_kind(SLIDES) == "flatopc"
    assert document_kind(X.elements().encode()) is None
    sheets = list(document_sheets(WORD_XML, "flatopc", Caps(), sniff_delimiter))
    assert [s.name for s in sheets] == ["table 1"]
    rows = list(sheets[0].rows)
    assert rows[0] == ["氏名", "住所", "電話番号"] and rows[1] == [PEOPLE[0].name, PEOPLE[0].address, PEOPLE[0].phone]
    assert [(n, len(b)) for n, b, why in flat_objects(WITH_OBJECT, 1 << 30) if why is None] == [
        ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", len(WORKBOOK))]


@pytest.mark.parametrize("share", [0.2, 0.4, 0.5, 0.7, 0.9, 0.99])
def test_a_flat_word_document_cut_anywhere_says_so(share: float) -> None:
    """Cut before, inside or after its table: the rows before the cut with the cut said, or a ReadError; never a
    clean read of nothing."""
    cut = WORD_XML[:int(len(WORD_XML) * share)]
    try:
        sheets = list(document_sheets(cut, "flatopc", Caps(), sniff_delimiter))
    except ReadError as e:
        assert e.reason == "corrupt", e
        return
    assert sheets and any(s.damage for s in sheets), [s.name for s in sheets]


def test_a_filemaker_export_gives_its_fields_in_order() -> None:
    sheets = list(record_sheets(filemaker().encode(), Caps(), column_field))
    assert [s.name for s in sheets] == ["RESULTSET/ROW"]
    rows = list(sheets[0].rows)
    assert rows[0] == ["MODID", "RECORDID", "氏名", "住所", "電話番号"]
    assert rows[1][2:] == [PEOPLE[0].name, PEOPLE[0].address, f"{PEOPLE[0].phone}; 090-0000-0000"]
    assert len(rows) == PERSONS + 1


def test_the_head_check_lets_value_named_and_coded_records_through() -> None:
    assert records_head(_key_value().encode()) and records_head(_coded().encode())
    assert not records_head(X.app_config().encode())  # (<add key="Setting1" value="1"/>: no person's field)


def test_an_element_named_part_inside_a_part_does_not_cut_it() -> None:
    """Only the package's own ``pkg:part`` elements start parts: a ``<x:part name="…">`` in the body's XML (custom XML)
    cut the body there and its table was said cut."""
    custom = '<x:part xmlns:x="urn:example" name="notes">memo</x:part>'
    body = _document().replace("<w:p><w:r><w:t>利用者一覧", f"<w:p>{custom}<w:r><w:t>利用者一覧", 1)
    sheets = list(document_sheets(flat([("/word/document.xml", MAIN_TYPE, body)]), "flatopc", Caps(), sniff_delimiter))
    assert [len(list(s.rows)) for s in sheets] == [PERSONS + 1] and not any(s.damage for s in sheets)
