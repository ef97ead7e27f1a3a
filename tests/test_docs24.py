"""docs24: documents that ended as nothing or read clean although damaged (NOTE-closing23 "Left open" > Documents).

- An .odp/.odt whose ``content.xml`` is named otherwise in the zip directory (a flipped name byte: ``contenp.xml``):
  no document kind, nothing (docs23's damage sweep; a .pptx with a mangled directory was read from local headers).
- A .docx/.pptx member the reader never opens (docProps, media, theme) damaged (CRC failing, local header flipped):
  ``ok``, nothing said (docs23b said it for .odt/.odp).
- Web pages: a server-side include ``header.html`` (``<html>``..``</head><body>``, its page's top, no ``</body>``)
  false ``html-cut``; an XHTML page opening with ``<?xml ...?>`` never checked for a cut; an HTML5 page without
  ``<html>`` that writes ``</head>`` cut before its table unsaid; a page cut right after a start tag (``<div>``: no
  whole page ends in an element it opens) unsaid.
- A Word person table (or tab-separated lines) deleted with tracked changes on (``w:del``/``w:delText``): the
  persons are in the file, the rows were read empty, nothing said (a clean document).
- A deck's person list written as tab-separated lines in a text box, a table or such lines in the speaker notes, or
  lines in a SmartArt diagram: never read, nothing said (only slides' ``a:tbl`` tables were).
- A PDF carrying a person list (attached .csv/.xlsx, a page annotation's file) cut before its attachment's stream
  (docs24's damage sweep: 14 of 314 copies): no attachment named in what is left, nothing said (a clean PDF).
People are Faker ja_JP with fixed seeds (tests.pii_data), each file its own rows.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import ScanCases
from tests.test_docs23 import DECK_PERSONS, _lines_by_name, rows

cases = ScanCases("docs24")
scanned = cases.fixture()


def _rename_in_directory(data: bytes, old: bytes, new: bytes) -> bytes:
    """``data`` (a zip) with the member ``old``'s name in its central directory written ``new`` (same length): its
    local header keeps the right name."""
    assert len(old) == len(new)
    out = bytearray(data)
    at = out.index(old, out.index(b"PK\x01\x02"))
    out[at:at + len(old)] = new
    return bytes(out)


@cases.case
def _body_misnamed() -> dict[str, bytes]:
    from tests.document_data import docx_with_table, odt_with_table
    from tests.test_xml21 import odp, odp_table

    return {"contenp.odp": _rename_in_directory(odp(odp_table(rows(2401))), b"content.xml", b"contenp.xml"),
            "contenp.odt": _rename_in_directory(odt_with_table([list(r) for r in rows(2402)]), b"content.xml",
                                                b"contenp.xml"),
            "document_flip.docx": _rename_in_directory(docx_with_table([list(r) for r in rows(2403)]),
                                                       b"word/document.xml", b"word/documenu.xml")}


def test_a_document_whose_body_is_misnamed_in_its_directory_is_read_from_its_local_header(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "body_misnamed")
    for name in ("contenp.odp", "contenp.odt", "document_flip.docx"):
        line = lines.get(name, {})  # (before: the .odp and .odt no line at all)
        assert (line.get("pii") or {}).get("records") == DECK_PERSONS, name
        assert line.get("status") == "corrupt", name
        assert "document-part-damaged" in [c["code"] for c in line["detail_codes"]], name


def _with_members(data: bytes, members: dict[str, bytes]) -> bytes:
    """``data`` (a zip) with ``members`` added (deflated), as Office writes docProps and media after the body."""
    import io
    import zipfile

    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.'
        'openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<dc:creator>総務課</dc:creator><cp:revision>3</cp:revision></cp:coreProperties>').encode() * 4


def _damaged_member(data: bytes, name: str, how: str) -> bytes:
    """``data`` with its member ``name`` damaged: ``crc`` a byte of its compressed data flipped (the deflate stream
    still ends: CRC fails), ``header`` its local header's name length 1 more."""
    import io
    import struct
    import zipfile

    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    out = bytearray(data)
    at = info.header_offset
    nlen, elen = struct.unpack_from("<HH", out, at + 26)
    if how == "header":
        struct.pack_into("<H", out, at + 26, nlen + 1)
    else:
        out[at + 30 + nlen + elen + info.compress_size // 2] ^= 0x01
    return bytes(out)


@cases.case
def _unread_members() -> dict[str, bytes]:
    from tests.document_data import docx_with_table
    from tests.test_xml21 import a_table, pptx, slide

    media = {"docProps/core.xml": CORE, "ppt/media/image1.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8}
    docx = {seed: _with_members(docx_with_table([list(r) for r in rows(seed)]), {"docProps/core.xml": CORE})
            for seed in (2411, 2412, 2413)}
    deck = {seed: _with_members(pptx([slide(a_table(rows(seed)))]), media) for seed in (2414, 2415, 2416)}
    return {"core_crc.docx": _damaged_member(docx[2411], "docProps/core.xml", "crc"),
            "core_header.docx": _damaged_member(docx[2412], "docProps/core.xml", "header"),
            "whole.docx": docx[2413],
            "media_crc.pptx": _damaged_member(deck[2414], "ppt/media/image1.png", "crc"),
            "core_header.pptx": _damaged_member(deck[2415], "docProps/core.xml", "header"),
            "whole.pptx": deck[2416]}


def test_an_office_document_whose_unread_member_is_damaged_is_said(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "unread_members")
    for name, line in lines.items():
        assert (line.get("pii") or {}).get("records") == DECK_PERSONS, name
    for name in ("core_crc.docx", "core_header.docx", "media_crc.pptx", "core_header.pptx"):
        assert lines[name].get("status") == "corrupt", name  # (before: ok, nothing said)
        assert [c["code"] for c in lines[name]["detail_codes"]] == ["document-member-damaged"], name
    for name in ("whole.docx", "whole.pptx"):
        assert lines[name].get("status") == "ok" and not lines[name].get("detail_codes"), name


# --- 3. web pages -----------------------------------------------------------------------------------------------------

def _xhtml(seed: int) -> bytes:
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows(seed))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml" '
            'xml:lang="ja"><head><title>会員</title></head>\n<body><h1>会員一覧</h1>\n<div class="list">\n'
            f'<table>{body}</table></div></body></html>\n').encode()


def _html5(seed: int) -> bytes:
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows(seed))
    return ("<!DOCTYPE html>\n<head>\n<meta charset=utf-8>\n<title>会員</title>\n</head>\n<body>\n<h1>会員一覧</h1>\n"
            f"<table>{body}</table>\n</body>\n").encode()


def _minified(seed: int) -> bytes:
    body = "".join("<tr>" + "".join(f"<td>{c}" for c in r) for r in rows(seed))
    return ("<!doctype html><html lang=ja><meta charset=utf-8><title>会員</title><h1>会員一覧</h1><div class=list>"
            f"<table>{body}</table></div><script>var a=1</script>").encode()


HEADER_INCLUDE = ('<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n<title>市民課</title>\n'
                  '<link rel="stylesheet" href="/common/css/style.css">\n</head>\n<body>\n<header id="top">\n'
                  '<h1><a href="/">○○市</a></h1>\n<nav><ul><li><a href="/kurashi/">くらし</a></li></ul></nav>\n'
                  '</header>\n').encode()


@cases.case
def _pages() -> dict[str, bytes]:
    xhtml, html5, minified = _xhtml(2421), _html5(2422), _minified(2423)
    return {"header.html": HEADER_INCLUDE, "_header.html": HEADER_INCLUDE.replace(b"\xe5\xb8\x82\xe6\xb0\x91", b"\xe7\xa6\x8f\xe7\xa5\x89"),
            "xhtml_cut.html": xhtml[:xhtml.index(b"<table")], "xhtml_whole.html": _xhtml(2424),
            "html5_cut.html": html5[:html5.index(b"<table")], "html5_whole.html": _html5(2425),
            "minified_cut.html": minified[:minified.index(b"<table")], "minified_whole.html": _minified(2426)}


def test_web_pages_cut_are_said_and_includes_are_not(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "pages")
    codes = {name: [c["code"] for c in line.get("detail_codes") or []] for name, line in lines.items()}
    for name in ("header.html", "_header.html"):
        assert "html-cut" not in codes.get(name, []), name  # (before: corrupt html-cut)
    for name in ("xhtml_cut.html", "html5_cut.html", "minified_cut.html"):
        assert codes.get(name) == ["html-cut"], name  # (before: no line)
    for name in ("xhtml_whole.html", "html5_whole.html", "minified_whole.html"):
        assert "html-cut" not in codes.get(name, []), name
        assert (lines[name].get("pii") or {}).get("records") == DECK_PERSONS, name


def test_a_page_cut_in_text_or_a_tag_is_cut_whatever_its_name() -> None:
    from scanner.inspectors.spreadsheet import page_cut

    assert page_cut(HEADER_INCLUDE[:-20], "header.html")  # ends in its text: a cut include is still said
    assert page_cut(HEADER_INCLUDE[:-3], "header.html")  # inside a tag
    assert page_cut(HEADER_INCLUDE, "index.html")  # a page of another name: cut as before


# --- 5. Word: persons in text deleted with tracked changes --------------------------------------------------------------

def _deleted(xml: str) -> str:
    """Word's markup of ``xml``'s runs deleted with tracked changes (``w:del`` around each run, ``w:delText``)."""
    return (xml.replace("<w:t ", "<w:delText ").replace("</w:t>", "</w:delText>")
            .replace("<w:r>", '<w:del w:id="1" w:author="総務" w:date="2024-04-01T00:00:00Z"><w:r>')
            .replace("</w:r>", "</w:r></w:del>"))


@cases.case
def _tracked_deletions() -> dict[str, bytes]:
    from tests.document_data import docx_bytes, w_para, w_table

    table = [list(r) for r in rows(2451)]
    whole = w_table([list(r) for r in rows(2453)])
    tab = "<w:r><w:tab/></w:r>"
    lines = "".join("<w:p>" + tab.join(f'<w:r><w:t xml:space="preserve">{c}</w:t></w:r>' for c in r) + "</w:p>"
                    for r in rows(2452))  # (tab-separated lines as Word writes them: a run's w:tab)
    return {"deleted_rows.docx": docx_bytes(w_para("名簿") + _deleted(w_table(table))),
            "deleted_lines.docx": docx_bytes(w_para("名簿") + _deleted(lines)),
            "tracked_whole.docx": docx_bytes(w_para("名簿") + whole)}


def test_persons_deleted_with_tracked_changes_are_read(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "tracked_deletions")
    for name in ("deleted_rows.docx", "deleted_lines.docx", "tracked_whole.docx"):
        assert (lines.get(name, {}).get("pii") or {}).get("records") == DECK_PERSONS, name  # (before: the deleted
        # ones no line)


def test_a_cell_replaced_with_tracked_changes_keeps_its_new_text() -> None:
    from scanner.doctables import document_sheets
    from scanner.sheet import Caps
    from scanner.tables import sniff_delimiter
    from tests.document_data import docx_bytes, w_cell, w_table

    old = '<w:del w:id="1" w:author="a"><w:r><w:delText>山田太郎</w:delText></w:r></w:del>'
    new = '<w:ins w:id="2" w:author="a"><w:r><w:t>田中花子</w:t></w:r></w:ins>'
    doc = docx_bytes(w_table([["氏名"], [""]], [[w_cell("氏名")], [w_cell("", runs=f"<w:p>{old}{new}</w:p>")]]))
    cells = [c for s in document_sheets(doc, "docx", Caps(), sniff_delimiter) for r in s.rows for c in r]
    assert cells == ["氏名", "田中花子"]


# --- 5. PowerPoint: persons outside a slide's table ----------------------------------------------------------------------

def _text_box(lines: list[tuple[str, ...]]) -> str:
    """A slide's text box whose paragraphs are ``lines`` joined by tabs (as pasted from a list: PowerPoint keeps the
    tab characters in ``a:t``)."""
    paras = "".join("<a:p>" + "".join(f"<a:r><a:t>{c}</a:t></a:r>" for c in ["\t".join(r)]) + "</a:p>" for r in lines)
    return ('<p:sp><p:nvSpPr><p:cNvPr id="5" name="テキスト ボックス 4"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>'
            f'<p:spPr/><p:txBody><a:bodyPr/>{paras}</p:txBody></p:sp>')


def _added(deck: bytes, members: dict[str, str]) -> bytes:
    return _with_members(deck, {name: xml.encode() for name, xml in members.items()})


@cases.case
def _deck_text() -> dict[str, bytes]:
    from tests.test_xml21 import A, P, a_table, pptx, slide

    def notes(shape: str) -> str:
        return (f'<?xml version="1.0" encoding="UTF-8"?><p:notes xmlns:a="{A}" xmlns:p="{P}"><p:cSld><p:spTree>{shape}'
                "</p:spTree></p:cSld></p:notes>")

    points = "".join(f'<dgm:pt modelId="{{{k}}}"><dgm:t><a:bodyPr/><a:p><a:r><a:t>{chr(9).join(r)}</a:t></a:r></a:p>'
                     "</dgm:t></dgm:pt>" for k, r in enumerate(rows(2465)))
    smartart = ('<?xml version="1.0" encoding="UTF-8"?><dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/'
                f'drawingml/2006/diagram" xmlns:a="{A}"><dgm:ptLst>{points}</dgm:ptLst></dgm:dataModel>')
    return {"textbox_lines.pptx": pptx([slide(_text_box(rows(2461)))]),
            "notes_table.pptx": _added(pptx([slide(title="議事")]), {"ppt/notesSlides/notesSlide1.xml": notes(a_table(rows(2462)))}),
            "notes_lines.pptx": _added(pptx([slide(title="連絡")]), {"ppt/notesSlides/notesSlide1.xml": notes(_text_box(rows(2463)))}),
            "smartart_lines.pptx": _added(pptx([slide(title="体制")]), {"ppt/diagrams/data1.xml": smartart})}


def test_a_deck_person_list_outside_a_slide_table_is_read(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "deck_text")
    for name in ("textbox_lines.pptx", "notes_table.pptx", "notes_lines.pptx", "smartart_lines.pptx"):
        assert (lines.get(name, {}).get("pii") or {}).get("records") == DECK_PERSONS, name  # (before: no line)


# --- 4. a PDF carrying a person list, cut before its attachment ----------------------------------------------------------

@cases.case
def _cut_pdfs() -> dict[str, bytes]:
    from tests.pii_data import csv_bytes, people, standard
    from tests.test_pdf_attachments import _annotated_pdf, _listed_pdf

    listed = _listed_pdf({"顧客名簿.csv": csv_bytes(standard(people(12, seed=2481)))})
    annotated = _annotated_pdf("会員.csv", csv_bytes(standard(people(12, seed=2482))))
    at = listed.index(b"/EmbeddedFile")
    return {"listed_cut_early.pdf": listed[:at - 40], "annotated_cut_early.pdf": annotated[:107],
            "whole_padded.pdf": _listed_pdf({"x.csv": csv_bytes(standard(people(12, seed=2483)))}) + bytes(3000),
            "plain_whole.pdf": _listed_pdf({})}


def test_a_pdf_cut_before_its_attachment_is_listed_cut(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "cut_pdfs")
    for name in ("listed_cut_early.pdf", "annotated_cut_early.pdf"):  # (before: no line)
        line = lines.get(name, {})
        assert (line.get("status") or line.get("reason")) == "corrupt", name
        assert [c["code"] for c in line["detail_codes"]] == ["pdf-cut"], name
    assert (lines["whole_padded.pdf"].get("pii") or {}).get("records") == 12  # NUL slack after %%EOF: whole
    assert "pdf-cut" not in [c["code"] for c in lines["whole_padded.pdf"].get("detail_codes") or []]
    assert "plain_whole.pdf" not in lines  # a whole PDF without attachments: no line, as before
