"""docs25: documents and web pages left open by session 24 (NOTE-closing24 "Left open" > Documents).

- A page in HTML's optional-tags style (no ``</body>``/``</html>``) cut right after an end tag of its menu (``</li>``,
  ``</ul>``) before its person table: clean (a whole optional-tags page may end after any element). A list or a
  ``<div>`` left open at the end is a cut: their end tags are never optional.
- An include file (a page's top, a table-layout fragment) named otherwise than ``header.html``: ``html-cut`` or
  ``html-cut-in-table``.
People are Faker ja_JP with fixed seeds (tests.pii_data), each file its own rows.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import ScanCases
from tests.test_docs23 import DECK_PERSONS, _lines_by_name, rows

cases = ScanCases("docs25")
scanned = cases.fixture()


def _codes(scanned: dict[str, Any], case: str) -> dict[str, list[str]]:
    return {name: [c["code"] for c in line.get("detail_codes") or []] for name, line in _lines_by_name(scanned, case).items()}


# --- 1. an optional-tags page cut right after an end tag --------------------------------------------------------------

def _table(seed: int) -> str:
    return "<table>\n" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>\n" for r in rows(seed)) + "</table>\n"


NAV = ("<nav><ul>\n<li><a href=/>ホーム</a></li>\n<li><a href=/oshirase/>お知らせ</a></li>\n"
       "<li><a href=/meibo/>名簿</a></li>\n</ul></nav>\n")


def _optional_tags(seed: int, html: bool) -> bytes:
    """A member list page in the optional-tags style: ``<html lang=ja>`` (html-minifier keeps it) or no ``<html>``
    at all; no ``</head>``, ``</body>``, ``</html>``."""
    top = "<!doctype html><html lang=ja>" if html else "<!DOCTYPE html>\n"
    return (top + "<meta charset=utf-8><title>会員</title>\n<div id=wrap>\n" + NAV + "<h1>会員一覧</h1>\n"
            + _table(seed) + "<p>以上</p>\n</div>\n").encode()


def _cut_after(data: bytes, tag: bytes) -> bytes:
    """``data`` cut right after the last ``tag`` before its person table."""
    at = data.rindex(tag, 0, data.index(b"<table>"))
    return data[:at + len(tag)]


@cases.case
def _after_end_tag() -> dict[str, bytes]:
    out = {}
    for k, html in enumerate((True, False)):
        page = _optional_tags(2501 + k, html)
        style = "html" if html else "nohtml"
        out[f"{style}_whole.html"] = page
        for tag in (b"</li>", b"</ul>", b"</h1>"):
            out[f"{style}_cut_{tag[2:-1].decode()}.html"] = _cut_after(_optional_tags(2503 + k, html), tag)
    return out


def test_an_optional_tags_page_cut_after_an_end_tag_is_cut(scanned: dict[str, Any]) -> None:
    codes = _codes(scanned, "after_end_tag")
    for style in ("html", "nohtml"):
        for tag in ("li", "ul", "h1"):
            assert codes.get(f"{style}_cut_{tag}.html") == ["html-cut"], (style, tag)  # (before: no line)
        whole = _lines_by_name(scanned, "after_end_tag")[f"{style}_whole.html"]
        assert (whole.get("pii") or {}).get("records") == DECK_PERSONS and not whole.get("detail_codes"), style


def test_a_whole_optional_tags_page_ending_anywhere_is_not_cut() -> None:
    from scanner.inspectors.spreadsheet import page_cut

    page = b"<!doctype html><html lang=en><meta charset=utf-8><title>Skeleton</title><body>"
    assert not page_cut(page, "index.html")  # (minify-html's output of an empty page: said cut, <body> taken for an
    # element that needs content)
    assert not page_cut(b"<!doctype html><html lang=ja><title>t</title><div><ul><li>a<li>b</ul></div><p>end.", "i.html")
    assert page_cut(b"<!doctype html><html lang=ja><title>t</title><div><ul><li>a<li>b</ul>", "i.html")  # a div open
    assert page_cut(b"<!doctype html><title>t</title><div><p>a</div><script>var s = '<div>';</script><ul><li>a", "i.html")
    assert not page_cut(b"<!doctype html><title>t</title><div><p>a</div><script>var s = '<div>';</script>", "i.html")


# --- 2. include files named otherwise than header.html ----------------------------------------------------------------

LAYOUT_TOP = ('<table width="100%" border="0" cellpadding="0" cellspacing="0">\n<tr>\n<td class="logo"><a href="/">'
              '<img src="/img/logo.gif" alt="○○市"></a></td>\n<td class="menu"><a href="/kurashi/">くらし</a> | '
              '<a href="/kenko/">健康</a></td>\n</tr>\n</table>\n<table width="100%"><tr>\n<td valign="top" class="side">\n'
              '<ul>\n<li><a href="/a/">お知らせ</a></li>\n<li><a href="/b/">組織</a></li>\n</ul>\n</td>\n'
              '<td valign="top" class="main">\n').encode()  # an SSI top of a table-layout site: the page goes in <td main>
PAGE_TOP = ('<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n<title>市民課</title>\n</head>\n<body>\n'
            '<div id="wrapper">\n<nav class="gnav"><ul><li><a href="/">ホーム</a></li><li><a href="/soshiki/">組織</a>'
            '</li></ul></nav>\n').encode()


def _fragment(seed: int) -> bytes:
    """pandas' ``to_html`` of a person list: a fragment starting with ``<table``."""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>\n" for r in rows(seed)[1:])
    return ('<table border="1" class="dataframe">\n<thead><tr><th>氏名</th><th>住所</th><th>電話番号</th></tr></thead>\n'
            f"<tbody>\n{body}</tbody>\n</table>\n").encode()


@cases.case
def _includes() -> dict[str, bytes]:
    frag = _fragment(2511)
    return {"top_table.html": LAYOUT_TOP, "header.html": LAYOUT_TOP, "layout_inc.html": LAYOUT_TOP,
            "menu.html": PAGE_TOP, "nav.html": PAGE_TOP, "_sidebar.html": PAGE_TOP, "gnav.html": PAGE_TOP,
            "index.html": PAGE_TOP,  # a page named as a page: cut, as before
            "frag_cut_tr.html": frag[:frag.index(b"</tr>", len(frag) // 2) + 5],  # a fragment cut after a row
            "frag_cut_text.html": LAYOUT_TOP[:-30],  # an include cut in its text
            **_pandas_cuts()}


def _pandas_cuts() -> dict[str, bytes]:
    """review25o: pandas' ``to_html`` of a person list cut right after a start tag before any person was read (its
    ``<table ..>``, a header ``<th>``, the first row's ``<td>``): said ``html-cut-in-table`` at cda4a1f5, clean since
    docs25 (taken for an include's slot, ``<td class=main>``)."""
    frag = _fragment(2512)
    body = frag.index(b"<tbody>")
    return {"frag_cut_table.html": frag[:frag.index(b">") + 1], "frag_cut_th.html": frag[:frag.index(b"<th>") + 4],
            "frag_cut_td.html": frag[:frag.index(b"<td>", body) + 4]}


def test_an_include_is_not_cut_whatever_its_name_and_a_cut_fragment_still_is(scanned: dict[str, Any]) -> None:
    codes = _codes(scanned, "includes")
    for name in ("top_table.html", "header.html", "layout_inc.html"):
        assert "html-cut-in-table" not in codes.get(name, []), name  # (before: corrupt html-cut-in-table)
    for name in ("menu.html", "nav.html", "_sidebar.html", "gnav.html"):
        assert "html-cut" not in codes.get(name, []), name  # (before: corrupt html-cut)
    assert codes.get("index.html") == ["html-cut"]
    assert "html-cut-in-table" in codes.get("frag_cut_tr.html", [])  # persons read, the rest lost: said
    assert "html-cut-in-table" in codes.get("frag_cut_text.html", [])
    for name in ("frag_cut_table.html", "frag_cut_th.html", "frag_cut_td.html"):  # (review25o: clean since docs25)
        assert codes.get(name) == ["html-cut-in-table"], name


# --- 3. a deck's notes named apart in the zip directory, its content types listing slides only ----------------------

def _notes_apart(seed: int, table: bool, listed: bool) -> bytes:
    """A deck (tests.test_xml21: its [Content_Types].xml lists its slides, not its notes, as many writers') whose
    speaker notes hold a person table or tab lines; ``listed`` False: the notes' name flipped in the zip directory
    (its local header whole)."""
    from tests.test_docs24 import _added, _rename_in_directory, _text_box
    from tests.test_xml21 import A, P, a_table, pptx, slide

    shape = a_table(rows(seed)) if table else _text_box(rows(seed))
    notes = (f'<?xml version="1.0" encoding="UTF-8"?><p:notes xmlns:a="{A}" xmlns:p="{P}"><p:cSld><p:spTree>{shape}'
             "</p:spTree></p:cSld></p:notes>")
    deck = _added(pptx([slide(title="議事")]), {"ppt/notesSlides/notesSlide1.xml": notes})
    return deck if listed else _rename_in_directory(deck, b"notesSlide1.xml", b"notesSlidf1.xml")


@cases.case
def _notes_named_apart() -> dict[str, bytes]:
    return {"notes_table_apart.pptx": _notes_apart(2531, True, False),
            "notes_lines_apart.pptx": _notes_apart(2532, False, False),
            "notes_whole.pptx": _notes_apart(2533, True, True)}


def test_notes_named_apart_in_the_directory_are_read_and_said(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "notes_named_apart")
    for name in ("notes_table_apart.pptx", "notes_lines_apart.pptx"):
        line = lines.get(name, {})  # (before: no line, a clean deck)
        assert (line.get("pii") or {}).get("records") == DECK_PERSONS, name
        assert line.get("status") == "corrupt", name
        assert "document-part-damaged" in [c["code"] for c in line["detail_codes"]], name
    whole = lines["notes_whole.pptx"]
    assert (whole.get("pii") or {}).get("records") == DECK_PERSONS and whole.get("status") == "ok"


# --- 3b. flat decks: notes and SmartArt -------------------------------------------------------------------------------

NOTES_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml"
DIAGRAM_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml"


def _flat_deck(part: str, ctype: str, xml: str) -> bytes:
    """PowerPoint's flat XML presentation (tests.test_xml20.flat) of a title slide and ``part``."""
    from tests.test_xml20 import flat
    from tests.test_xml21 import SLIDE_TYPE, P, slide

    return flat([("/ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation"
                  ".main+xml", f'<p:presentation xmlns:p="{P}"/>'),
                 ("/ppt/slides/slide1.xml", SLIDE_TYPE, slide(title="議事").split("\n", 1)[1]), (part, ctype, xml)],
                progid="PowerPoint.Show")


def _fodp_notes(seed: int, table: bool) -> bytes:
    """A flat OpenDocument presentation whose page's speaker notes hold a person table or tab-separated lines."""
    from tests.document_data import ODF

    rs = rows(seed)
    if table:
        body = ("<table:table>" + "".join("<table:table-row>" + "".join(
            f"<table:table-cell><text:p>{c}</text:p></table:table-cell>" for c in r) + "</table:table-row>" for r in rs)
            + "</table:table>")
    else:
        body = "".join("<text:p>" + "<text:tab/>".join(r) + "</text:p>" for r in rs)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {ODF} xmlns:draw="urn:oasis:names:tc:opendocument:'
            'xmlns:drawing:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
            'office:mimetype="application/vnd.oasis.opendocument.presentation"><office:body><office:presentation>'
            '<draw:page draw:name="page1"><draw:frame><draw:text-box><text:p>議事</text:p></draw:text-box></draw:frame>'
            f'<presentation:notes><draw:frame presentation:class="notes"><draw:text-box>{body}</draw:text-box></draw:frame>'
            "</presentation:notes></draw:page></office:presentation></office:body></office:document>").encode()


@cases.case
def _flat_decks() -> dict[str, bytes]:
    from tests.test_docs24 import _text_box
    from tests.test_xml21 import A, P, a_table

    def notes(shape: str) -> str:
        return f'<p:notes xmlns:a="{A}" xmlns:p="{P}"><p:cSld><p:spTree>{shape}</p:spTree></p:cSld></p:notes>'

    points = "".join(f'<dgm:pt modelId="{{{k}}}"><dgm:t><a:bodyPr/><a:p><a:r><a:t>{chr(9).join(r)}</a:t></a:r></a:p>'
                     "</dgm:t></dgm:pt>" for k, r in enumerate(rows(2543)))
    smartart = (f'<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" xmlns:a="{A}">'
                f"<dgm:ptLst>{points}</dgm:ptLst></dgm:dataModel>")
    return {"flat_notes_table.xml": _flat_deck("/ppt/notesSlides/notesSlide1.xml", NOTES_TYPE, notes(a_table(rows(2541)))),
            "flat_notes_lines.xml": _flat_deck("/ppt/notesSlides/notesSlide1.xml", NOTES_TYPE, notes(_text_box(rows(2542)))),
            "flat_smartart.xml": _flat_deck("/ppt/diagrams/data1.xml", DIAGRAM_TYPE, smartart),
            "notes_table.fodp": _fodp_notes(2544, True), "notes_lines.fodp": _fodp_notes(2545, False)}


def test_a_flat_decks_notes_and_smartart_are_read(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "flat_decks")
    for name in scanned["books"]["flat_decks"]:
        line = lines.get(name, {})  # (before: the flat OPC decks no line, their notes and diagram never read)
        assert (line.get("pii") or {}).get("records") == DECK_PERSONS, name
        assert line.get("status") == "ok" and not line.get("detail_codes"), name


# --- 3c. space-aligned lines in a deck's text box ---------------------------------------------------------------------

def _aligned(rs: list[tuple[str, ...]], gap: str) -> list[tuple[str, ...]]:
    """``rs`` as one line each, columns padded with ``gap`` (spaces or ideographic spaces) to a common width, as a list
    aligned by hand in a text box: a name's own single space stays."""
    widths = [max(len(r[k]) for r in rs) for k in range(len(rs[0]))]
    return [("".join(c + gap * (widths[k] - len(c) + 2) for k, c in enumerate(r)).rstrip(),) for r in rs]


@cases.case
def _space_aligned() -> dict[str, bytes]:
    from tests.test_docs24 import _added, _text_box
    from tests.test_xml21 import A, P, pptx, slide

    notes = (f'<?xml version="1.0" encoding="UTF-8"?><p:notes xmlns:a="{A}" xmlns:p="{P}"><p:cSld><p:spTree>'
             f"{_text_box(_aligned(rows(2552), chr(0x3000)))}</p:spTree></p:cSld></p:notes>")
    prose = [("本日の議題は次のとおりです。  資料は後日配布します。",), ("担当  総務課",), ("以上  よろしくお願いします。",)]
    return {"spaced_box.pptx": pptx([slide(_text_box(_aligned(rows(2551), " ")))]),
            "spaced_notes.pptx": _added(pptx([slide(title="連絡")]), {"ppt/notesSlides/notesSlide1.xml": notes}),
            "spaced_prose.pptx": pptx([slide(_text_box(prose))])}


def test_space_aligned_lines_in_a_deck_are_read_as_cells(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "space_aligned")
    for name in ("spaced_box.pptx", "spaced_notes.pptx"):
        line = lines.get(name, {})  # (before: no line, the lines never split)
        assert (line.get("pii") or {}).get("records") == DECK_PERSONS, name
    assert "spaced_prose.pptx" not in lines  # (sentences with a double space: no table, no line)


# --- 4. the unread-member check keeps no member whole -----------------------------------------------------------------

def _docx_with_media(size: int) -> bytes:
    """A python-docx-shaped .docx (tests.document_data) with a deflated ``word/media/image1.bmp`` of ``size`` bytes of
    a generated picture (rows of a gradient: compressible, as a BMP is)."""
    import io
    import zipfile

    from tests.document_data import docx_with_table

    data = docx_with_table([list(r) for r in rows(2521)])
    picture = bytes((x * 7 + y) & 0xFF for y in range(size // 1024) for x in range(1024))
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/media/image1.bmp", picture)
    return buf.getvalue()


def test_the_unread_member_check_sums_a_member_without_keeping_it() -> None:
    import io
    import tracemalloc
    import zipfile

    from scanner import doctables

    data = _docx_with_media(3 << 20)
    zf = zipfile.ZipFile(io.BytesIO(data))
    read = {"word/document.xml"}
    tracemalloc.start()
    try:
        assert doctables._unread_damage(zf, read, data) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, peak  # (before: the 3 MiB picture inflated whole to sum its CRC)
    info = zf.getinfo("word/media/image1.bmp")
    start = info.header_offset + 30 + len(info.orig_filename.encode()) + len(info.extra)
    damaged = bytearray(data)
    damaged[start + info.compress_size - 40] ^= 0x10  # past the first chunk inflated: its CRC fails at the end
    zd = zipfile.ZipFile(io.BytesIO(bytes(damaged)))
    verdict = doctables._unread_damage(zd, read, bytes(damaged))
    assert verdict is not None and verdict == doctables._unread_damage(zd, read)  # said, as zipfile says it


def test_a_large_page_is_not_walked_tag_by_tag() -> None:
    import time

    from scanner.pageends import WALK_MOST, open_at_end

    page = b"<!doctype html><title>t</title>" + b"<div><ul><li>x</li></ul></div>" * (2 * WALK_MOST // 30) + b"<div>"
    started = time.process_time()
    assert open_at_end(page) == {}  # (a 8 MiB page: nothing said by this sign, the others still apply)
    assert time.process_time() - started < 0.5
    assert open_at_end(page[-WALK_MOST:].replace(b"<ul><li>x</li></ul>", b"", 1)) == {b"div": 1}
