"""docs22: documents, slides and XML leftovers that ended as nothing or were said wrongly.

- A slide's or a Word document's table written only in ``mc:Fallback`` (its ``mc:Choice`` holds none): the reader left
  every fallback out as Word's duplicate copy of a text box; the table was never read (0 rows).
- A deck whose slide parts have other names than ``ppt/slides/slideN.xml``, reached through
  ``ppt/_rels/presentation.xml.rels`` (and the content types, or not): the deck was no presentation to the reader.
- A plain web page (.html/.htm, not Excel's) holding a person table: never read.
- XML nested deeper than the parser's limit (256): listed "damaged in more than 64 places"; now ``xml-too-deep``.
Damaged variants (cut, a byte flipped) are never nothing. People are Faker ja_JP with a fixed seed (tests.pii_data).
"""

from __future__ import annotations

import io
import zipfile
from html import escape
from typing import Any

from tests.conftest import ROOT, ScanCases, own_lines
from tests.document_data import docx_bytes, people_rows, w_table
from tests.pii_data import budget, people, standard, xlsx_bytes
from tests.test_xml21 import PERSON_ROWS, SLIDE_TYPE, a_table, pptx, slide

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
cases = ScanCases("docs22")
scanned = cases.fixture()
SLIDE_PERSONS = len(PERSON_ROWS) - 1
WORD_ROWS = people_rows(20, seed=2201)
PAGE_ROWS = standard(people(25, seed=2202))


def _damaged(name: str, data: bytes) -> dict[str, bytes]:
    """``data`` under ``name``, cut at half and with a byte flipped in its middle, beside it."""
    stem, dot, ext = name.rpartition(".")
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x20
    return {name: data, f"{stem}_cut.{ext}": data[:len(data) // 2], f"{stem}_flip.{ext}": bytes(flipped)}


def _by_name(lines: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for key in ("files", "skipped"):
        for line in lines[key]:
            out.setdefault(line["path"].split(" » ")[0].rsplit("/", 1)[-1], []).append({**line, "_kind": key})
    return out


def _records(lines: dict[str, Any], name: str) -> int | None:
    hit = [f for f in lines["files"] if f["path"].rsplit("/", 1)[-1] == name]
    return hit[0]["pii"]["records"] if hit and hit[0].get("pii") else None


def _never_nothing(scanned: dict[str, Any], case: str) -> None:
    lines = _by_name(own_lines(scanned, case))
    assert sorted(set(scanned["books"][case]) - set(lines)) == []


# --- mc:Fallback ------------------------------------------------------------------------------------------------------

def _alternate(choice: str, fallback: str) -> str:
    return (f'<mc:AlternateContent xmlns:mc="{MC}"><mc:Choice Requires="p14">{choice}</mc:Choice>'
            f'<mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent>')


SHAPE = '<p:sp><p:nvSpPr><p:cNvPr id="9" name="x"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/></p:sp>'


@cases.case
def _fallback() -> dict[str, bytes]:
    deck = pptx([slide(_alternate(SHAPE, a_table(PERSON_ROWS)))])
    word = docx_bytes(_alternate("<w:p/>", w_table(WORD_ROWS)).replace("p14", "wps"))
    return {**_damaged("fallback_deck.pptx", deck), **_damaged("fallback_report.docx", word)}


def test_a_table_only_in_mc_fallback_is_read(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "fallback")
    assert _records(lines, "fallback_deck.pptx") == SLIDE_PERSONS  # (before: 0 rows, nothing)
    assert _records(lines, "fallback_report.docx") == len(WORD_ROWS) - 1
    _never_nothing(scanned, "fallback")


def test_a_fallback_copy_of_a_table_in_mc_choice_is_not_read_twice() -> None:
    """Word's text box: the same table in mc:Choice and mc:Fallback gives one sheet (as before)."""
    from scanner.doctables import document_sheets
    from scanner.sheet import Caps
    from scanner.tables import sniff_delimiter

    table = w_table(WORD_ROWS)
    word = docx_bytes(_alternate(f"<w:p/>{table}", table).replace("p14", "wps"))
    sheets = [s for s in document_sheets(word, "docx", Caps(), sniff_delimiter) if s.rows]
    assert [len(list(s.rows)) for s in sheets] == [len(WORD_ROWS)]


# --- slides reached through the presentation's relationships -------------------------------------------------------------

PRESENTATION_RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                     'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" '
                     'Target="{target}"/></Relationships>')


def _renamed_slide(listed: bool, target: str = "slides/page_a.xml", part: str = "ppt/slides/page_a.xml") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(pptx([slide(a_table(PERSON_ROWS))]))) as src, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                override = f'<Override PartName="/ppt/slides/slide1.xml" ContentType="{SLIDE_TYPE}"/>'.encode()
                data = data.replace(override, override.replace(b"/ppt/slides/slide1.xml", f"/{part}".encode())
                                    if listed else b"")
            z.writestr(part if info.filename == "ppt/slides/slide1.xml" else info.filename, data)
        z.writestr("ppt/_rels/presentation.xml.rels", PRESENTATION_RELS.format(target=target))
    return buf.getvalue()


@cases.case
def _related() -> dict[str, bytes]:
    return {**_damaged("related_listed.pptx", _renamed_slide(True)),
            **_damaged("related_only.pptx", _renamed_slide(False, "/ppt/content/%E9%A0%81.xml", "ppt/content/頁.xml"))}


def test_slides_named_only_through_relationships_are_read(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "related")
    assert _records(lines, "related_listed.pptx") == SLIDE_PERSONS  # (before: nothing)
    assert _records(lines, "related_only.pptx") == SLIDE_PERSONS
    _never_nothing(scanned, "related")


# --- plain web pages --------------------------------------------------------------------------------------------------

def _page(rows: list[list[str]] | list[tuple[str, ...]], head: str = "", charset: str = "utf-8") -> str:
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return (f"<!DOCTYPE html><html><head><meta charset='{charset}'><title>会員</title>{head}</head><body><h1>会員一覧</h1>"
            f"<table border=1>{body}</table></body></html>")


@cases.case
def _pages() -> dict[str, bytes]:
    long_head = _page(PAGE_ROWS, "<style>" + "td{color:#333}\n" * 6000 + "</style>")
    return {**_damaged("members.html", _page(PAGE_ROWS).encode()),
            "members_sjis.htm": _page(PAGE_ROWS, charset="shift_jis").encode("cp932"),
            "members_styled.html": long_head.encode(),
            "plain_page.html": b"<html><body><p>\xe3\x81\x8a\xe7\x9f\xa5\xe3\x82\x89\xe3\x81\x9b</p></body></html>",
            "items_page.html": _page([["品名", "数量"], ["コピー用紙", "10"], ["封筒", "100"]]).encode()}


def test_a_person_table_in_a_plain_web_page_is_read(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "pages")
    persons = len(PAGE_ROWS) - 1
    assert [_records(lines, n) for n in ("members.html", "members_sjis.htm", "members_styled.html")] == [persons] * 3
    names = _by_name(lines)
    assert "plain_page.html" not in names and "items_page.html" not in names  # pages without persons stay clean
    assert "members_cut.html" in names and "members_flip.html" in names


# --- XML past the parser's depth -------------------------------------------------------------------------------------

def _deep(depth: int, records_first: bool) -> bytes:
    records = "".join(f"<利用者><氏名>{p.name}</氏名><住所>{p.address}</住所><電話番号>{p.phone}</電話番号></利用者>"
                      for p in people(20, seed=2203))
    nest = "<階層>" * depth + ("" if records_first else records) + "</階層>" * depth
    return f"<?xml version='1.0' encoding='UTF-8'?><データ>{records if records_first else ''}{nest}</データ>".encode()


@cases.case
def _deep_xml() -> dict[str, bytes]:
    return {"deep_inside.xml": _deep(500, False), "deep_after.xml": _deep(500, True)}


def test_xml_deeper_than_the_parser_reads_is_said_so(scanned: dict[str, Any]) -> None:
    lines = _by_name(own_lines(scanned, "deep_xml"))
    for name in ("deep_inside.xml", "deep_after.xml"):
        skipped = [x for x in lines[name] if x["_kind"] == "skipped"]
        assert [c["code"] for c in skipped[0]["detail_codes"]] == ["xml-too-deep"], skipped  # (before: damaged in
        # more than 64 places)
    assert _records(own_lines(scanned, "deep_xml"), "deep_after.xml") == 20


# --- a file hidden in a document package that holds no person -------------------------------------------------------

def _with_members(package: bytes, members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


HOSTILE = "note\u202etxt.exe;\n.csv"  # a bidi override, the detail separator and a line end in one name
OWN_PARTS = {"word/media/image1.png": b"\x89PNG\r\n\x1a\n" + bytes(64), "customXml/item1.xml": b"<b/>",
             "docProps/thumbnail.jpeg": b"\xff\xd8\xff" + bytes(64), "word/vbaProject.bin": bytes(600),
             "word/printerSettings/printerSettings1.bin": bytes(300)}


@cases.case
def _hidden() -> dict[str, bytes]:
    from tests.test_embedded import WORD, package

    plain = package(WORD, {})
    memo = _with_members(plain, {"memo.txt": "会議の議事録です。\n".encode() * 20})
    return {**_damaged("hidden_memo.docx", memo),
            "hidden_hostile.docx": _with_members(plain, {HOSTILE: b"plain words " * 40}),
            "hidden_roster.docx": _with_members(plain, {"名簿.csv": _page(PAGE_ROWS).encode()}),
            "own_parts.docx": _with_members(plain, OWN_PARTS),
            "alt_chunk.docx": _alt_chunk(plain, _page(PAGE_ROWS).encode()),
            "hidden_memo.xlsx": _with_members(xlsx_bytes({"予算": budget(people(5, seed=2204))}), {"memo.txt": b"x" * 300})}


AFCHUNK_REL = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
               'openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.'
               'openxmlformats.org/officeDocument/2006/relationships/aFChunk" Target="afchunk.htm"/></Relationships>')


def _alt_chunk(package: bytes, page: bytes) -> bytes:
    """Word's altChunk: an HTML part the document's relationships name (``word/afchunk.htm``), the format's own."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, AFCHUNK_REL if info.filename == "word/_rels/document.xml.rels" else src.read(info))
        z.writestr("word/afchunk.htm", page)
    return buf.getvalue()


def _foreign_note(line: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in line.get("status_detail_codes") or line.get("detail_codes") or []
            if c["code"] == "package-foreign-member"]


def test_a_file_hidden_in_a_document_is_said_on_the_document(scanned: dict[str, Any]) -> None:
    """A member none of the format's own parts, holding no person, is said on its package (a lead:
    ``extension-mismatch``, ``package-foreign-member`` naming it); before, the document ended as nothing."""
    lines = _by_name(own_lines(scanned, "hidden"))
    memo = [x for x in lines["hidden_memo.docx"] if x["_kind"] == "files" and " » " not in x["path"]]
    assert memo and "extension-mismatch" in memo[0]["reasons"], lines.get("hidden_memo.docx")
    assert [c["members"] for c in _foreign_note(memo[0])] == ["memo.txt"]
    assert memo[0]["status"] == "ok"
    hostile = _foreign_note(next(x for x in lines["hidden_hostile.docx"] if x["_kind"] == "files" and " » " not in x["path"]))
    shown = hostile[0]["members"]
    assert "\u202e" not in shown and "\n" not in shown and ";" not in shown and "⟨U+202E⟩" in shown
    roster = [x for x in own_lines(scanned, "hidden")["files"] if x["path"].endswith("hidden_roster.docx » 名簿.csv")]
    assert roster and roster[0]["pii"]["records"] == len(PAGE_ROWS) - 1
    assert _foreign_note(next(x for x in lines["hidden_roster.docx"] if x["_kind"] == "files" and " » " not in x["path"]))
    book = next(x for x in lines["hidden_memo.xlsx"] if x["_kind"] == "files" and " » " not in x["path"])
    assert [c["members"] for c in _foreign_note(book)] == ["memo.txt"]  # (a workbook's objects: its own inspector)
    chunk = [x for x in lines["alt_chunk.docx"] if x["_kind"] == "files"]  # examined, a part the document names:
    assert [x["path"].rsplit(" » ", 1)[-1] for x in chunk] == ["word/afchunk.htm"]  # no note on the document
    assert chunk[0]["pii"]["records"] == len(PAGE_ROWS) - 1
    assert "own_parts.docx" not in lines  # a document's own parts (media, customXml, thumbnail, VBA, printer) say nothing
    report = (scanned["out"] / "report.html").read_text(encoding="utf-8")
    assert "<code>memo.txt</code>" in report and "<code>note⟨U+202E⟩txt.exe⟨U+003B⟩⟨U+000A⟩.csv</code>" in report
    _never_nothing_but(scanned, "hidden", {"own_parts.docx"})


def _never_nothing_but(scanned: dict[str, Any], case: str, clean: set[str]) -> None:
    lines = _by_name(own_lines(scanned, case))
    assert sorted(set(scanned["books"][case]) - set(lines) - clean) == []


# --- PowerPoint 97-2003 tables and notes; flat OpenDocument presentations ---------------------------------------------

def _record(kind: int, body: bytes, instance: int = 0, container: bool = False) -> bytes:
    """A PowerPoint / OfficeArt record ([MS-PPT] 2.3.1): version (0xF a container) and instance, type, length."""
    import struct

    return struct.pack("<HHI", (instance << 4) | (0xF if container else 0), kind, len(body)) + body


def _ppt_shape(shape_type: int, anchor: tuple[int, int, int, int] | None, text: str | None, table: bool = False) -> bytes:
    import struct

    parts = _record(0xF00A, struct.pack("<II", 1024, 0xA00), instance=shape_type, container=False)
    parts = bytes([0x02]) + parts[1:]  # (an FSP's version is 2)
    if table:  # tableProperties (0x39F) in the tertiary property table, as PowerPoint writes a table's group shape
        parts += _record(0xF122, struct.pack("<HI", 0x39F, 1), instance=1)
    if anchor is not None:
        parts += _record(0xF00F, struct.pack("<4i", *anchor))
    if text is not None:
        parts += _record(0xF00D, _record(0x0F9F, struct.pack("<I", 4)) + _record(0x0FA0, text.encode("utf-16-le")),
                         container=True)
    return _record(0xF004, parts, container=True)


def _ppt_table(rows: list[tuple[str, ...]] | list[list[str]]) -> bytes:
    shapes = [_ppt_shape(0, (0, 0, 9000, 400 * len(rows)), None, table=True)]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            shapes.append(_ppt_shape(1, (c * 3000, r * 400, c * 3000 + 3000, r * 400 + 400), text))
    shapes.append(_ppt_shape(20, (3000, 0, 3000, 400 * len(rows)), None))  # a border line
    return _record(0xF003, b"".join(shapes), container=True)


def _ppt_drawing(*shapes: bytes) -> bytes:
    group = _record(0xF003, _ppt_shape(0, None, None) + b"".join(shapes), container=True)
    return _record(0x040C, _record(0xF002, group, container=True), container=True)


def ppt_bytes(table: list[tuple[str, ...]] | list[list[str]] | None, notes: list[str] | None = None) -> bytes:
    """A PowerPoint 97-2003 file: a slide whose drawing holds ``table`` (a group shape with tableProperties, a text
    rectangle a cell) and a notes page whose text box holds ``notes`` lines; in a compound file's PowerPoint Document
    stream (tests.test_embedded.ole_with_stream: xlwt's compound file writer, its stream renamed)."""
    from tests.test_embedded import ole_with_stream

    slide = _record(0x03EE, _ppt_drawing(*([_ppt_table(table)] if table else [])), container=True)
    stream = _record(0x03E8, b"", container=True) + slide
    if notes is not None:
        stream += _record(0x03F0, _ppt_drawing(_ppt_shape(1, (0, 0, 9000, 9000), "\r".join(notes))), container=True)
    stream += _record(0x0FFF, bytes(max(0, 4200 - len(stream) - 8)))  # (a record no reader knows: the stream's padding)
    return ole_with_stream("PowerPoint Document", stream)


NOTE_ROWS = standard(people(15, seed=2205))


def _fodp(rows: list[list[str]] | list[tuple[str, ...]]) -> bytes:
    from tests.document_data import ODF

    cells = "".join("<table:table-row>" + "".join(f"<table:table-cell><text:p>{escape(str(c))}</text:p></table:table-cell>"
                                                  for c in row) + "</table:table-row>" for row in rows)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {ODF} xmlns:draw="urn:oasis:names:tc:opendocument:'
            'xmlns:drawing:1.0" office:mimetype="application/vnd.oasis.opendocument.presentation">'
            '<office:body><office:presentation><draw:page draw:name="page1"><draw:frame><table:table>'
            f'<table:table-column table:number-columns-repeated="3"/>{cells}</table:table></draw:frame></draw:page>'
            '</office:presentation></office:body></office:document>').encode()


@cases.case
def _presentations97() -> dict[str, bytes]:
    notes = ["\t".join(str(c) for c in row) for row in NOTE_ROWS]
    return {**_damaged("slides97.ppt", ppt_bytes(PERSON_ROWS)), "notes97.ppt": ppt_bytes(None, ["研修メモ", *notes]),
            "items97.ppt": ppt_bytes([("品名", "数量", "単価"), ("コピー用紙", "10", "500"), ("封筒", "100", "5")]),
            **_damaged("flat.fodp", _fodp(PERSON_ROWS))}


def test_powerpoint_97_tables_and_notes_are_read(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "presentations97")
    assert _records(lines, "slides97.ppt") == SLIDE_PERSONS  # (before: nothing)
    assert _records(lines, "notes97.ppt") == len(NOTE_ROWS) - 1  # tab-separated lines in the notes
    assert "items97.ppt" not in _by_name(lines)  # a table of no person: clean
    _never_nothing_but(scanned, "presentations97", {"items97.ppt"})


def test_a_flat_opendocument_presentation_table_is_read(scanned: dict[str, Any]) -> None:
    assert _records(own_lines(scanned, "presentations97"), "flat.fodp") == SLIDE_PERSONS  # (before: nothing)


def test_a_real_powerpoint_97_table_gives_its_grid() -> None:
    """Apache POI's table_test.ppt (a 6 x 3 table of empty cells, written by PowerPoint): one table of 6 rows read
    from the group's anchors, the masters' placeholder text left out."""
    import gzip

    from scanner.ppt97 import read_ppt

    data = gzip.decompress((ROOT / "tests" / "data" / "documents" / "poi__table_test.ppt.gz").read_bytes())
    deck = read_ppt(data, lambda: None)
    assert [(where, len(rows), {len(r) for r in rows}) for where, rows in deck.tables] == [("slide", 6, {3})]
    assert deck.damage is None and "Click to edit Master title style" not in deck.lines


def test_a_fallback_only_table_is_read_when_the_part_is_parsed_whole() -> None:
    """A part whose root start tag is damaged is parsed whole (no table cut out first): its fallback-only table is
    still read, a fallback copy of a choice's table still not."""
    from scanner.doctables import _ooxml_tables, _slide_row
    from scanner.sheet import Caps, CellBudget

    xml = slide(_alternate(SHAPE, a_table(PERSON_ROWS)), _alternate(a_table(PERSON_ROWS), a_table(PERSON_ROWS)))
    q = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    sheets = list(_ooxml_tables("ppt/slides/slide1.xml", xml.split("\n", 1)[1].encode(), CellBudget(Caps()), None, q,
                                lambda tr: (_slide_row(tr, q), 0)))
    assert [len(s.rows) for s in sheets] == [len(PERSON_ROWS)] * 2  # the fallback-only one and the choice's, once
