"""xml21: documents and XML leftovers that ended as nothing.

- A PowerPoint slide holding a person table (``a:tbl`` in a ``p:graphicFrame``): .pptx, the same deck renamed .dat,
  PowerPoint's flat "XML presentation" and an OpenDocument presentation (.odp: ``table:table`` in a ``draw:frame``)
  gave nothing; now each table is a sheet, merged cells as a workbook's.
- Coded fields (``C001``, ``F1``) as attributes (``<row C001="山田" C002="東京都…"/>``), coded records after a
  settings block (fewer than 50), or between thousands of empty ones (neither the first nor the last 64 KiB hold
  a value): the head check let none through, or the reader chose no kind of record; each ended as nothing.
- FileMaker's fmresultset grammar (the Web Publishing Engine's and "Save as XML" ``<fmresultset>``: ``<record><field
  name="氏名"><data>…</data></field>``): the value is in a ``data`` child, so neither the head check nor the reader
  took the fields named by values; it ended as nothing.
- An XML export whose root start tag has a flipped byte (its ``<``, a byte of its name, an attribute's ``=``): the head
  check found no root, so no record was read (67 of 332 such flips of three exports ended as nothing); now the first
  whole start tag after it stands for it, and the records are read with the damage said.
- A flipped base64 letter in an Office flat XML document's binary part that leaves valid base64 (another letter): its
  object decoded to other bytes, read as if whole (the embedded workbook's zip fails its CRC in a member its reader
  never opens) and nothing said; now the flat document is listed ``corrupt`` ``flat-part-altered`` with its object.
People are Faker ja_JP with a fixed seed (tests.xml19_data); nothing here is real.
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest

from scanner.doctables import document_kind, document_sheets
from scanner.inspectors.disguise import column_field, records_head
from scanner.sheet import Caps
from scanner.tables import sniff_delimiter
from scanner.xmlrecords import record_sheets
from tests import xml19_data as X
from tests.conftest import ROOT, hit_of, scan_findings, skip_of
from tests.document_data import ODF
from tests.test_xml20 import WITH_OBJECT, flat

PEOPLE = X.PEOPLE
PERSONS = len(PEOPLE)
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
SLIDE_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"
HEADER = ("氏名", "住所", "電話番号")
ITEMS = [("品名", "数量", "単価"), ("コピー用紙", "10", "500"), ("トナー", "2", "8000"), ("封筒", "100", "5")]
THIRD_PARTY = ROOT / "tests" / "data" / "documents"


def a_cell(text: str, extra: str = "") -> str:
    paras = "".join(f"<a:p><a:r><a:rPr lang=\"ja-JP\"/><a:t>{escape(line)}</a:t></a:r></a:p>" for line in text.split("\n"))
    return f"<a:tc{extra}><a:txBody><a:bodyPr/><a:lstStyle/>{paras or '<a:p/>'}</a:txBody><a:tcPr/></a:tc>"


def a_table(rows: list[tuple[str, ...]] | list[str], cells: list[str] | None = None) -> str:
    """A ``p:graphicFrame`` holding an ``a:tbl`` of ``rows`` (or of rows already written, ``cells``)."""
    body = "".join("<a:tr h=\"370840\">" + "".join(a_cell(c) for c in row) + "</a:tr>" for row in rows) if cells is None \
        else "".join(f"<a:tr h=\"370840\">{r}</a:tr>" for r in cells)
    return ('<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="4" name="表 3"/><p:cNvGraphicFramePr><a:graphicFrameLocks '
            'noGrp="1"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x="0" y="0"/><a:ext cx="8000000" '
            'cy="4000000"/></p:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table">'
            '<a:tbl><a:tblPr firstRow="1" bandRow="1"/><a:tblGrid><a:gridCol w="2000000"/><a:gridCol w="4000000"/>'
            f'<a:gridCol w="2000000"/></a:tblGrid>{body}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>')


def slide(*shapes: str, title: str = "利用者一覧") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<p:sld xmlns:a="{A}" xmlns:p="{P}" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:cSld><p:spTree>'
            '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>'
            '<p:sp><p:nvSpPr><p:cNvPr id="2" name="タイトル 1"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr>'
            f'<p:spPr/><p:txBody><a:bodyPr/><a:p><a:r><a:t>{title}</a:t></a:r></a:p></p:txBody></p:sp>'
            f'{"".join(shapes)}</p:spTree></p:cSld></p:sld>')


PERSON_ROWS = [HEADER, *((p.name, p.address, p.phone) for p in PEOPLE)]


def pptx(slides: list[str]) -> bytes:
    """A .pptx as PowerPoint lays it out (content types, relationships, the presentation, its slides)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                   + "".join(f'<Override PartName="/ppt/slides/slide{i + 1}.xml" ContentType="{SLIDE_TYPE}"/>'
                             for i in range(len(slides))) + "</Types>")
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'officeDocument" Target="ppt/presentation.xml"/></Relationships>')
        z.writestr("ppt/presentation.xml", f'<p:presentation xmlns:p="{P}"><p:sldIdLst>'
                   + "".join(f'<p:sldId id="{256 + i}" r:id="rId{i + 2}"/>' for i in range(len(slides)))
                   + "</p:sldIdLst></p:presentation>")
        for i, xml in enumerate(slides):
            z.writestr(f"ppt/slides/slide{i + 1}.xml", xml)
        z.writestr("docProps/app.xml", '<?xml version="1.0"?><Properties/>')
    return buf.getvalue()


def odp(frames: str) -> bytes:
    """An OpenDocument presentation whose first page holds ``frames`` (tables in ``draw:frame``), as Impress saves it."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODF} '
               'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
               'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
               'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"><office:body><office:presentation>'
               f'<draw:page draw:name="page1"><draw:frame presentation:class="title"><draw:text-box><text:p>利用者一覧</text:p>'
               f'</draw:text-box></draw:frame>{frames}</draw:page></office:presentation></office:body></office:document-content>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.presentation", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.presentation"/></manifest:manifest>')
    return buf.getvalue()


def odp_table(rows: list[tuple[str, ...]]) -> str:
    body = "".join("<table:table-row>" + "".join(f"<table:table-cell><text:p>{escape(c)}</text:p></table:table-cell>"
                                                 for c in row) + "</table:table-row>" for row in rows)
    return (f'<draw:frame svg:width="20cm" svg:height="10cm"><table:table><table:table-column '
            f'table:number-columns-repeated="3"/>{body}</table:table></draw:frame>')


DECK = pptx([slide(title="研修のご案内"), slide(a_table(PERSON_ROWS))])


def with_picture(deck: bytes, size: int = 1_500_000) -> bytes:
    """``deck`` with a stored picture of ``size`` random bytes (a real deck's size: its pictures)."""
    import random

    buf = io.BytesIO(deck)
    with zipfile.ZipFile(buf, "a") as z:
        z.writestr(zipfile.ZipInfo("ppt/media/image1.png"), random.Random(21).randbytes(size))
    return buf.getvalue()

FLAT_DECK = flat([("/ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation"
                   ".main+xml", f'<p:presentation xmlns:p="{P}"/>'),
                  ("/ppt/slides/slide1.xml", SLIDE_TYPE, slide(a_table(PERSON_ROWS)).split("\n", 1)[1])],
                 progid="PowerPoint.Show")
IMPRESS = odp(odp_table(PERSON_ROWS))
PRESENTATIONS: dict[str, bytes] = {"利用者一覧.pptx": DECK, "説明会.pptm": DECK, "deck.dat": DECK, "deck.jpg": DECK,
                                   "deck.xml": FLAT_DECK, "利用者一覧.odp": IMPRESS,
                                   "deck.zip": DECK, "impress.zip": IMPRESS, "写真入り.pptx": with_picture(DECK)}
PRESENTATIONS_CLEAN = {"備品.pptx": pptx([slide(a_table(ITEMS))]), "備品.odp": odp(odp_table(ITEMS)),
                       "挨拶.pptx": pptx([slide()]), "写真だけ.pptx": with_picture(pptx([slide()]))}
MISMATCH = {"deck.jpg"}


SETTINGS = "<settings>" + "".join(f'<setting id="s{i}" value="v{i}">option {i}</setting>' for i in range(1500)) + "</settings>"
EMPTY_ROWS = "".join("<REC><C001></C001><C002></C002><C003></C003></REC>" for _ in range(2500))
EMPTY_ATTRS = "".join('\n<row C001="" C002="" C003=""/>' for _ in range(2500))


def coded_elements() -> str:
    return "".join(f"<REC><C001>{escape(p.name)}</C001><C002>{escape(p.address)}</C002><C003>{p.phone}</C003></REC>"
                   for p in PEOPLE)


def coded_attributes(config: bool = False) -> str:
    if config:
        return "".join(f'\n<ENTRY C001="option{i}" C002="{i * 3}" C003="true"/>' for i in range(40))
    return "".join(f"\n<row C001={quoteattr(p.name)} C002={quoteattr(p.address)} C003={quoteattr(p.phone)}/>" for p in PEOPLE)


def export(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<DATA>{body}</DATA>\n'.encode()


CODED: dict[str, bytes] = {
    **{f"coded-attrs{ext}": export(coded_attributes()) for ext in (".xml", ".dat", ".jpg", "")},
    "coded-after-settings.xml": export(SETTINGS + coded_elements()),
    **{f"coded-between-empty{ext}": export(EMPTY_ROWS + coded_elements() + EMPTY_ROWS) for ext in (".xml", "")},
    "coded-attrs-between-empty.xml": export(EMPTY_ATTRS + coded_attributes() + EMPTY_ATTRS),
}
CODED_CLEAN = {"coded-attrs-config.xml": export(coded_attributes(config=True)),
               "coded-attrs-config": export(coded_attributes(config=True))}
CODED_MISMATCH = {"coded-attrs.jpg", "coded-attrs", "coded-between-empty"}


def fmresultset() -> str:
    """FileMaker's fmresultset grammar (its DTD, ``fmresultset.dtd``): metadata/field-definition, then
    resultset/record/field[@name]/data; a repeating field holds data more than once; a portal is a relatedset."""
    meta = "".join(f'<field-definition auto-enter="no" four-digit-year="no" global="no" max-repeat="{r}" name="{n}" '
                   'not-empty="no" numeric-only="no" result="text" time-of-day="no" type="normal"/>'
                   for n, r in (("氏名", 1), ("住所", 1), ("電話番号", 2)))
    records = "".join(f'<record mod-id="3" record-id="{i + 1}"><field name="氏名"><data>{escape(p.name)}</data></field>'
                      f'<field name="住所"><data>{escape(p.address)}</data></field><field name="電話番号"><data>{p.phone}'
                      f'</data><data>090-0000-{i:04d}</data></field><relatedset count="1" table="利用記録"><record '
                      f'mod-id="1" record-id="{100 + i}"><field name="利用記録::日付"><data>2024/04/01</data></field>'
                      '</record></relatedset></record>' for i, p in enumerate(PEOPLE))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!DOCTYPE fmresultset PUBLIC "-//FMI//DTD '
            'fmresultset//EN" "/fmi/xml/fmresultset.dtd">\n<fmresultset xmlns="http://www.filemaker.com/xml/fmresultset" '
            'version="1.0"><error code="0"/><product build="07/24/2023" name="FileMaker Web Publishing Engine" '
            'version="20.2.1.62"/><datasource database="顧客" date-format="MM/dd/yyyy" layout="一覧" table="顧客" '
            f'time-format="HH:mm:ss" timestamp-format="MM/dd/yyyy HH:mm:ss" total-count="{PERSONS}"/><metadata>{meta}'
            f'<relatedset-definition table="利用記録"><field-definition name="利用記録::日付" max-repeat="1" result="date" '
            f'type="normal"/></relatedset-definition></metadata><resultset count="{PERSONS}" fetch-size="{PERSONS}">'
            f"{records}</resultset></fmresultset>\n")


FILEMAKER = {"fmresultset.xml": fmresultset().encode(), "fmresultset.dat": fmresultset().encode(),
             "fmresultset": fmresultset().encode("utf-16")}


def flipped_root(data: bytes, at: int, mask: int) -> bytes:
    """``data`` with byte ``at`` of its root start tag (after the declaration) flipped by ``mask``."""
    start = data.index(b"\n<") + 1
    out = bytearray(data)
    out[start + at] ^= mask
    return bytes(out)


_ELEMENTS = X.elements().encode()
FLIPPED = {"root-lt.xml": flipped_root(_ELEMENTS, 0, 0x20), "root-name.xml": flipped_root(_ELEMENTS, 4, 0x20),
           "root-name.dat": flipped_root(_ELEMENTS, 3, 0x80), "root-name": flipped_root(_ELEMENTS, 1, 0x80),
           "root-equals.xml": flipped_root(_ELEMENTS, 26, 0x08),
           "root-attr.xml": flipped_root(X.attributes().encode(), 5, 0x20)}


def flipped_base64(data: bytes, share: float) -> bytes:
    """``data`` (a flat document) with the base64 letter at ``share`` of its binary part changed to another letter."""
    start = data.index(b"<pkg:binaryData>") + len(b"<pkg:binaryData>")
    at = start + int((data.index(b"</pkg:binaryData>") - start) * share)
    while data[at:at + 1] in (b"\n", b"="):
        at += 1
    return data[:at] + (b"A" if data[at:at + 1] != b"A" else b"B") + data[at + 1:]


ALTERED = {f"altered-{k}.xml": flipped_base64(WITH_OBJECT, share) for k, share in enumerate((0.02, 0.1, 0.3, 0.7, 0.97))}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("xml21")
    tree = root / "tree"
    tree.mkdir()
    for name, data in {**PRESENTATIONS, **PRESENTATIONS_CLEAN, **CODED, **CODED_CLEAN, **FILEMAKER, **FLIPPED, **ALTERED}.items():
        (tree / name).write_bytes(data)
    return tree, scan_findings(tree, root / "out")


@pytest.mark.parametrize("name", sorted(PRESENTATIONS))
def test_a_person_table_on_a_slide_is_counted(scanned: tuple[Path, dict[str, Any]], name: str) -> None:
    tree, found = scanned
    hit = hit_of(found, tree / name)
    assert hit is not None, (name, skip_of(found, tree / name))
    assert hit["pii"]["records"] == PERSONS and hit["status"] == "ok", hit["pii"]
    assert ("extension-mismatch" in hit["reasons"]) == (name in MISMATCH), hit["reasons"]


def test_slides_holding_no_person_stay_clean(scanned: tuple[Path, dict[str, Any]]) -> None:
    tree, found = scanned
    for name in PRESENTATIONS_CLEAN:
        assert hit_of(found, tree / name) is None and skip_of(found, tree / name) is None, name


def test_slide_tables_merged_cells_and_line_breaks() -> None:
    """A cell spanning two columns (``gridSpan`` + ``hMerge`` cells after it) is followed by one empty cell, a cell
    spanning two rows (``rowSpan`` + ``vMerge`` below) gives its text below as a workbook's merged cell does."""
    cells = [a_cell("氏名") + a_cell("住所") + a_cell("電話番号"),
             a_cell("山田 太郎", ' rowSpan="2"') + a_cell("東京都港区1-1\n2階") + a_cell("03-0000-0000"),
             a_cell("", ' vMerge="1"') + a_cell("同上", ' gridSpan="2"') + a_cell("", ' hMerge="1"')]
    data = pptx([slide(a_table([], cells)), slide(a_table(ITEMS))])
    assert document_kind(data) == "pptx"
    sheets = list(document_sheets(data, "pptx", Caps(), sniff_delimiter))
    assert [s.name for s in sheets] == ["ppt/slides/slide1.xml table 1", "ppt/slides/slide2.xml table 1"]
    assert [list(r) for r in sheets[0].rows] == [["氏名", "住所", "電話番号"], ["山田 太郎", "東京都港区1-1\n2階", "03-0000-0000"],
                                                 ["山田 太郎", "同上", ""]]
    assert document_kind(IMPRESS) == "odp" and document_kind(FLAT_DECK) == "flatopc"
    assert [len(list(s.rows)) for s in document_sheets(IMPRESS, "odp", Caps(), sniff_delimiter)] == [PERSONS + 1]


def test_slides_in_order_slide10_after_slide9() -> None:
    data = pptx([slide(a_table([(f"表{i}", "b", "c"), ("1", "2", "3")])) for i in range(1, 12)])
    names = [s.name for s in document_sheets(data, "pptx", Caps(), sniff_delimiter)]
    assert names == [f"ppt/slides/slide{i}.xml table 1" for i in range(1, 12)]


def test_python_pptx_tables_give_their_cells() -> None:
    """python-pptx's tbl-cell.pptx (third-party: 4 tables, one cell spanning others): every cell's text is read, the
    cell count matches a count of ``a:tc`` elements."""
    data = gzip.decompress((THIRD_PARTY / "python-pptx__tbl-cell.pptx.gz").read_bytes())
    sheets = list(document_sheets(data, "pptx", Caps(), sniff_delimiter))
    texts = set()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in (n for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)):
            for cell in re.findall(rb"<a:tc[ >].*?</a:tc>", z.read(name), re.S):
                paras = ["".join(t.decode() for t in re.findall(rb"<a:t>([^<]*)</a:t>", p))
                         for p in re.findall(rb"<a:p>.*?</a:p>", cell, re.S)]
                texts.add("\n".join(p.strip() for p in paras if p.strip()))
    got = {str(v) for s in sheets for r in s.rows for v in r}
    assert len(sheets) == 4 and got - {""} == texts - {""}, (len(sheets), got ^ texts)
    assert not any(s.damage for s in sheets)


@pytest.mark.parametrize("name", sorted(CODED))
def test_coded_attributes_and_coded_records_past_the_head_are_counted(scanned: tuple[Path, dict[str, Any]],
                                                                      name: str) -> None:
    tree, found = scanned
    hit = hit_of(found, tree / name)
    assert hit is not None, (name, skip_of(found, tree / name))
    assert hit["pii"]["records"] == PERSONS and hit["status"] == "ok", hit["pii"]
    assert ("extension-mismatch" in hit["reasons"]) == (name in CODED_MISMATCH), hit["reasons"]


def test_coded_attributes_naming_nobody_stay_clean(scanned: tuple[Path, dict[str, Any]]) -> None:
    tree, found = scanned
    for name in CODED_CLEAN:
        assert hit_of(found, tree / name) is None and skip_of(found, tree / name) is None, name


@pytest.mark.parametrize("name", sorted(FILEMAKER))
def test_a_filemaker_fmresultset_export_is_counted(scanned: tuple[Path, dict[str, Any]], name: str) -> None:
    tree, found = scanned
    hit = hit_of(found, tree / name)
    assert hit is not None, (name, skip_of(found, tree / name))
    assert hit["pii"]["records"] == PERSONS and hit["status"] == "ok", hit["pii"]


def test_fmresultset_fields_are_named_by_their_name_and_a_repeating_field_joined() -> None:
    sheets = list(record_sheets(fmresultset().encode(), Caps(), column_field))
    rows = [list(r) for r in sheets[0].rows]
    assert sheets[0].name == "resultset/record" and len(rows) == PERSONS + 1, (sheets[0].name, rows[:2])
    got = dict(zip(rows[0], rows[1], strict=True))
    assert got["氏名"] == PEOPLE[0].name and got["住所"] == PEOPLE[0].address, got
    assert got["電話番号"] == f"{PEOPLE[0].phone}; 090-0000-0000", got
    assert records_head(fmresultset().encode()[:4096])


@pytest.mark.parametrize("name", sorted(FLIPPED))
def test_an_export_whose_root_start_tag_is_flipped_is_read_and_said_damaged(scanned: tuple[Path, dict[str, Any]],
                                                                            name: str) -> None:
    tree, found = scanned
    hit = hit_of(found, tree / name)
    assert hit is not None, (name, skip_of(found, tree / name))
    assert hit["pii"]["records"] == PERSONS and hit["status"] == "corrupt", hit
    assert "xml-records-damaged" in str(skip_of(found, tree / name)["detail_codes"])


@pytest.mark.parametrize("name", sorted(ALTERED))
def test_a_base64_letter_changed_in_a_flat_object_is_said(scanned: tuple[Path, dict[str, Any]], name: str) -> None:
    tree, found = scanned
    skip = skip_of(found, tree / name)
    assert skip is not None and skip["reason"] == "corrupt", (name, [h["path"] for h in found["files"]])
    assert "flat-part-altered" in str(skip["detail_codes"]) or "flat-part-base64" in str(skip["detail_codes"]), skip


def test_coded_and_value_named_look_alikes_stay_out_of_the_head_check() -> None:
    """What the new head checks must not take (the third-party sweep: lxml's c14n test files were listed damaged by a
    first version, PowerPoint's colour map and a settings schema's keys let flat decks and GLib schemas through)."""
    heads = [
        '<n0:foo xmlns:n0="" xmlns:n1="http://z2" xmlns:n2="http://z3" n1:att2="val2" n2:att1="val1">\n'
        ' <n3:bar xmlns:n3="http://z0" n1:att1="val1" n2:att2="val2"></n3:bar>\n</n0:foo>\n',
        '<?xml version="1.0"?>\n<p:sldMaster xmlns:p="urn:p"><p:cSld/><p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" '
        'accent1="accent1" accent2="accent2" accent3="accent3"/></p:sldMaster>\n',
        '<?xml version="1.0"?>\n<test test1="5" test2="6" test3="#" test4=";" test5="&amp;" />\n',
        '<?xml version="1.0"?>\n<schemalist><schema id="org.example.privacy">' + "".join(
            f'<key name="{k}" type="b"><default>false</default></key>' for k in
            ("show-full-name", "hide-identity", "remember-address", "old-files-age")) + "</schema></schemalist>\n",
        '<?xml version="1.0"?>\n<Properties xmlns:vt="urn:vt">' + "".join(
            f'<property fmtid="x" pid="{i}" name="custom{i}"><vt:lpwstr>value {i}</vt:lpwstr></property>'
            for i in range(1, 7)) + "</Properties>\n",
    ]
    assert [records_head(h.encode()) for h in heads] == [False] * len(heads)


def test_a_large_deck_is_checked_by_its_slides_only(tmp_path: Path) -> None:
    """A deck over the scan process's 1 MiB document check (its pictures) is checked from its directory and slides by
    seeking (``zip_without_tables``): without a table it needs no worker, with one it is read."""
    from scanner.doctables import zip_without_tables

    for name, deck, expected in (("plain.pptx", with_picture(pptx([slide()])), True),
                                 ("table.pptx", with_picture(DECK), False)):
        (tmp_path / name).write_bytes(deck)
        with (tmp_path / name).open("rb") as f:
            assert zip_without_tables(f, 8 << 20) is expected, name
