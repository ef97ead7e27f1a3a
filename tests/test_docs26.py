"""docs26: documents and web pages left open by session 25 (NOTE-closing25 "Left open" > Documents).

- A roster in a page's ``<pre>`` (lines aligned with spaces, ideographic spaces or tabs; no ``<table>``): never read,
  no line. Read as a text table, in a saved web archive (.mht) too.
- Cuts left unsaid: a Shift_JIS/EUC-JP/ISO-2022-JP page cut inside a character (only UTF-8 was said); a person table
  without ``<th>`` cut right after ``<td class=..>`` (taken for an include's slot); an include-named file holding only
  ``<table ..>``.
- Lines aligned with spaces in a .docx body, an .odt, an .odp text box, an RTF, a Word 97 .doc: never read.
People are Faker ja_JP with fixed seeds (tests.pii_data via tests.test_docs23.rows), 12 persons a file.
"""

from __future__ import annotations

import quopri
import unicodedata
from typing import Any
from xml.sax.saxutils import escape

from tests.conftest import ScanCases
from tests.test_docs23 import DECK_PERSONS, _lines_by_name, rows

cases = ScanCases("docs26")
scanned = cases.fixture()


def _codes(scanned: dict[str, Any], case: str) -> dict[str, list[str]]:
    return {name: [c["code"] for c in line.get("detail_codes") or []] for name, line in _lines_by_name(scanned, case).items()}


def _persons(scanned: dict[str, Any], case: str, name: str) -> int | None:
    return (_lines_by_name(scanned, case).get(name, {}).get("pii") or {}).get("records")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def aligned(rs: list[tuple[str, ...]], gap: str = " ") -> list[str]:
    """``rs`` as lines padded to a common display width (a full-width character counts two, as a fixed-width font
    shows it) with ``gap`` (spaces or ideographic spaces), two blanks at least between columns."""
    widths = [max(_width(r[k]) for r in rs) for k in range(len(rs[0]))]
    unit = _width(gap)
    return ["".join(c + gap * ((widths[k] - _width(c)) // unit + 2) for k, c in enumerate(r)).rstrip() for r in rs]


# --- 1. a roster in <pre> ---------------------------------------------------------------------------------------------

def _pre_page(lines: list[str], charset: str = "utf-8") -> str:
    body = escape("\n".join(lines))
    return (f'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="{charset}"><title>名簿</title></head><body>\n'
            f"<h1>会員名簿</h1>\n<p>令和8年4月1日現在</p>\n<pre>\n{body}\n</pre>\n<p>以上</p>\n</body></html>\n")


def _chrome_mht(page: str) -> bytes:
    """``page`` saved by Chrome as a single-file web page (MHTML: quoted-printable HTML in multipart/related)."""
    q = quopri.encodestring(page.encode()).decode().replace("\n", "\r\n")
    return ("From: <Saved by Blink>\r\nSnapshot-Content-Location: https://example.jp/meibo.html\r\nSubject: meibo\r\n"
            "Date: Mon, 7 Dec 2026 10:00:00 +0900\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n"
            '\ttype="text/html";\r\n\tboundary="----MultipartBoundary--docs26"\r\n\r\n\r\n------MultipartBoundary--docs26\r\n'
            "Content-Type: text/html\r\nContent-ID: <frame-1@mhtml.blink>\r\nContent-Transfer-Encoding: quoted-printable\r\n"
            f"Content-Location: https://example.jp/meibo.html\r\n\r\n{q}\r\n------MultipartBoundary--docs26--\r\n").encode()


@cases.case
def _pre() -> dict[str, bytes]:
    code = ("fn main() {\n    let names = vec![\"a\", \"b\"];\n    for n in names {\n        println!(\"{}\", n);\n"
            "    }\n}\n")
    return {"pre_spaces.html": _pre_page(aligned(rows(2601))).encode(),
            "pre_tabs.html": _pre_page(["\t".join(r) for r in rows(2602)]).encode(),
            "pre_ideographic.html": _pre_page(aligned(rows(2603), "\u3000")).encode(),
            "pre_sjis.htm": _pre_page(aligned(rows(2604)), "shift_jis").encode("cp932"),
            "pre_body_only.html": ("<body><pre>" + escape("\n".join(aligned(rows(2605)))) + "</pre>").encode(),
            "pre_saved.mht": _chrome_mht(_pre_page(aligned(rows(2606)))),
            "pre_titled.html": _pre_page(["会員名簿（令和8年4月1日現在）", "", *aligned(rows(2608)), "", "以上"]).encode(),
            "pre_code.html": _pre_page(code.split("\n")).encode(),  # code: no line
            "pre_prose.html": _pre_page(["本日の議題は次のとおりです。  資料は後日配布します。", "担当  総務課",
                                         "以上  よろしくお願いします。"]).encode()}


def test_a_roster_in_pre_is_read(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "pre")
    for name in ("pre_spaces.html", "pre_tabs.html", "pre_ideographic.html", "pre_sjis.htm", "pre_body_only.html",
                 "pre_saved.mht", "pre_titled.html"):
        line = lines.get(name, {})  # (before: no line, the block never read)
        assert (line.get("pii") or {}).get("records") == DECK_PERSONS, name
        assert line.get("status") == "ok" and not line.get("detail_codes"), name
    assert "pre_code.html" not in lines and "pre_prose.html" not in lines


def test_a_page_whose_pre_holds_no_aligned_lines_is_not_parsed() -> None:
    from scanner.markup import holds_no_table

    assert holds_no_table(b"<!DOCTYPE html><pre>fn main() {\n    let x = 1;\n    x\n}\n</pre>")  # code: indented only
    assert not holds_no_table(_pre_page(aligned(rows(2607))).encode())
    assert not holds_no_table(b"<pre>a&#32; b\nc&#32; d\ne&#32; f\n</pre>")  # a blank written as a reference
    assert not holds_no_table(b"<pre>a <b></b> b\nc <i></i> d\ne <u></u> f\n</pre>")  # a gap made across a tag


# --- 3. lines aligned with spaces in a .docx body, an .odt, an .odp text box (and RTF, Word 97) -------------------------

def _odf_line(line: str) -> str:
    """A line as OpenDocument writes it: a second space and more as ``<text:s text:c=N/>``."""
    import re

    return re.sub(r" {2,}", lambda m: f' <text:s text:c="{len(m.group()) - 1}"/>', escape(line))


@cases.case
def _spaced() -> dict[str, bytes]:
    from tests.document_data import PARA, doc_bytes, docx_bytes, odt_bytes, rtf_text, w_para
    from tests.test_xml21 import odp

    def docx(lines: list[str]) -> bytes:
        return docx_bytes(w_para("会員名簿") + "".join(w_para(line) for line in lines) + w_para("以上"))

    rtf = ("{\\rtf1\\ansi\\ansicpg932\\deff0{\\fonttbl{\\f0\\fnil\\fcharset128 MS Mincho;}}\n"
           + "".join(rtf_text(line) + "\\par\n" for line in aligned(rows(2615))) + "}")
    prose = ["本日の議題は次のとおりです。  資料は後日配布します。", "担当  総務課", "以上  よろしくお願いします。",
             "連絡先  内線  1234"]
    return {"body_spaces.docx": docx(aligned(rows(2611))),
            "body_ideographic.docx": docx(aligned(rows(2612), "\u3000")),
            "body.odt": odt_bytes("<text:p>会員名簿</text:p>" + "".join(f"<text:p>{_odf_line(x)}</text:p>"
                                                                       for x in aligned(rows(2613)))),
            "box.odp": odp("<draw:frame><draw:text-box>" + "".join(f"<text:p>{_odf_line(x)}</text:p>"
                                                                  for x in aligned(rows(2614))) + "</draw:text-box></draw:frame>"),
            "body.rtf": rtf.encode("ascii"), "body_lo.rtf": _lo_rtf(aligned(rows(2619), "\u3000")),
            "body.doc": doc_bytes([("会員名簿\r", PARA, 0, ()), *((x + "\r", PARA, 0, ()) for x in aligned(rows(2616))),
                                   ("以上\r", PARA, 0, ())]),
            "prose.docx": docx(prose), "prose.odt": odt_bytes("".join(f"<text:p>{_odf_line(x)}</text:p>" for x in prose))}


def _lo_rtf(lines: list[str]) -> bytes:
    """An RTF as LibreOffice writes Japanese: each character ``\\uN`` with ``?`` as its fallback (an ideographic space
    ``\\u12288\\'3f``)."""
    def esc(line: str) -> str:
        return "".join(c if c.isascii() else f"\\u{ord(c)}\\'3f" for c in line)

    return ("{\\rtf1\\ansi\\deff0\\uc1{\\fonttbl{\\f0\\froman\\fprq2\\fcharset0 Liberation Serif;}}\n"
            + "".join(f"\\pard\\plain {esc(line)}\n\\par " for line in lines) + "}").encode("ascii")


def test_lines_aligned_with_spaces_in_documents_are_read(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "spaced")
    for name in ("body_spaces.docx", "body_ideographic.docx", "body.odt", "box.odp", "body.rtf", "body_lo.rtf",
                 "body.doc"):
        line = lines.get(name, {})  # (before: no line, the lines never split)
        assert (line.get("pii") or {}).get("records") == DECK_PERSONS, name
        assert line.get("status") == "ok" and not line.get("detail_codes"), name
    assert "prose.docx" not in lines and "prose.odt" not in lines  # (sentences with a double space: no line)


def test_the_walk_check_sends_a_spaced_document_to_the_reader() -> None:
    from scanner.doctables import without_tables
    from tests.document_data import docx_bytes, odt_bytes, w_para

    assert not without_tables(docx_bytes("".join(w_para(x) for x in aligned(rows(2617)))), 1 << 26)  # (before: True,
    # settled clean in the walk)
    assert not without_tables(odt_bytes("".join(f"<text:p>{_odf_line(x)}</text:p>" for x in aligned(rows(2618)))), 1 << 26)
    assert without_tables(docx_bytes(w_para("本日は晴天なり。") * 5), 1 << 26)


# --- 2. cuts left unsaid ----------------------------------------------------------------------------------------------

def _legacy_page(seed: int, charset: str, codec: str) -> bytes:
    """A member page in the optional-tags style (no ``</head>``, ``</body>``) in a legacy Japanese encoding."""
    table = "<table>\n" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>\n" for r in rows(seed)) + "</table>\n"
    return (f"<!doctype html><html lang=ja><meta charset={charset}><title>会員</title>\n"
            f"<p>会員の皆様へのお知らせです。名簿は下記のとおりです。\n{table}").encode(codec)


def _cut_in_character(page: bytes, codec: str) -> bytes:
    """``page`` cut after the first byte of ``簿`` in its text before the table."""
    return page[:page.index("名簿".encode(codec)) + len("名".encode(codec)) + 1]


@cases.case
def _cuts() -> dict[str, bytes]:
    out = {}
    for k, (charset, codec) in enumerate((("shift_jis", "cp932"), ("Windows-31J", "cp932"), ("euc-jp", "euc_jp"))):
        page = _legacy_page(2621 + k, charset, codec)
        out[f"legacy_{k}_cut.html"] = _cut_in_character(page, codec)
        out[f"legacy_{k}_text_end.html"] = page[:page.index(b"\n<table>")]  # a whole page ending in its <p>'s text
    jis = _legacy_page(2624, "iso-2022-jp", "iso2022_jp")
    pair = "名".encode("iso2022_jp")[3:5] + "簿".encode("iso2022_jp")[3:5]  # (in two-byte mode: no escape between)
    out["legacy_jis_cut.html"] = jis[:jis.index(pair) + 3]  # 名 and the first byte of 簿
    table = "<table border=1>\n" + "".join("<tr>" + "".join(f'<td class="c{i}">{c}</td>' for i, c in enumerate(r))
                                           + "</tr>\n" for r in rows(2625)) + "</table>\n"
    data = table.encode()
    out["noth_first_cell.html"] = data[:data.index(b'<td class="c0">') + 15]  # (a slot: <td class=main>)
    out["noth_second_row.html"] = data[:data.index(b'<td class="c0">', data.index(b"</tr>")) + 15]
    out["menu.html"] = b'<table border="1" class="meibo">'  # (named as an include)
    return out


def test_cuts_left_unsaid_are_said(scanned: dict[str, Any]) -> None:
    codes = _codes(scanned, "cuts")
    for k in range(3):
        assert codes.get(f"legacy_{k}_cut.html") == ["html-cut"], k  # (before: no line; only UTF-8 was said)
        assert f"legacy_{k}_text_end.html" not in codes, k  # (a whole optional-tags page may end in its text)
    assert codes.get("legacy_jis_cut.html") == ["html-cut"]
    for name in ("noth_first_cell.html", "noth_second_row.html", "menu.html"):
        assert codes.get(name) == ["html-cut-in-table"], name  # (before: no line, taken for an include)


def test_an_include_with_a_page_top_is_still_no_cut() -> None:
    from scanner.inspectors.spreadsheet import included_fragment
    from tests.test_docs25 import LAYOUT_TOP

    assert included_fragment(LAYOUT_TOP, "top_table.html") and included_fragment(LAYOUT_TOP, "header.html")
    assert included_fragment(b'<div id="side"><ul><li><a href="/">top</a></li></ul></div>', "side.html")


def test_a_legacy_page_cut_inside_a_character_or_an_escape_is_cut() -> None:
    from scanner.inspectors.spreadsheet import page_cut

    jis = _legacy_page(2626, "iso-2022-jp", "iso2022_jp")
    at = jis.index(b"\x1b$B", jis.index(b"<p>"))
    for n in (1, 2):  # inside the escape into two-byte mode (random cuts: 33 of 482 such cuts were clean)
        assert page_cut(jis[:at + n], "page.html"), n
    page = _legacy_page(2627, "shift_jis", "cp932")
    long_text = page.replace("お知らせです。".encode("cp932"), ("お知らせです。" * 6000).encode("cp932"))  # > 64 KiB
    assert page_cut(_cut_in_character(long_text, "cp932"), "page.html")
    assert not page_cut(long_text[:long_text.index(b"\n<table>")], "page.html")


# --- 5. other documents: an HTML-only message whose body holds the roster in <pre> ------------------------------------

@cases.case
def _mail() -> dict[str, bytes]:
    from email.message import EmailMessage

    out = {}
    for cte in ("quoted-printable", "base64"):
        m = EmailMessage()
        m["Subject"], m["From"], m["To"] = "会員名簿", "soumu@example.jp", "all@example.jp"
        m.set_content(_pre_page(aligned(rows(2630 + len(out)))), subtype="html", charset="utf-8", cte=cte)
        out[f"pre_{cte}.eml"] = m.as_bytes()
    return out


def test_a_roster_in_pre_in_an_html_message_is_read(scanned: dict[str, Any]) -> None:
    lines = _lines_by_name(scanned, "mail")
    for name in ("pre_quoted-printable.eml", "pre_base64.eml"):  # (before: no line)
        assert (lines.get(name, {}).get("pii") or {}).get("records") == DECK_PERSONS, name


def test_a_pre_end_inside_a_script_does_not_hide_the_roster_from_the_shortcut() -> None:
    from scanner.markup import holds_no_table
    from scanner.sheet import Caps
    from scanner.tables import iter_markup

    page = ("<!DOCTYPE html><meta charset=utf-8><pre><script>var s = '</pre>';</script>\n"
            + escape("\n".join(aligned(rows(2646)))) + "\n</pre>").encode()
    assert not holds_no_table(page)  # (before the fix: True, the block taken to end at the script's '</pre>')
    assert [s.name for s in iter_markup(page, "html", Caps())] == ["pre 1"]


def test_a_whole_utf8_page_whose_meta_says_shift_jis_is_not_cut() -> None:
    from scanner.inspectors.spreadsheet import page_cut

    said = 0
    for seed in range(2650, 2670):
        names = [r[0] for r in rows(seed)[1:6]]
        for k in range(1, 6):  # (before: 42 of 300 such pages said cut, their UTF-8 read as cp932 ending in a lead byte)
            page = ("<!doctype html><html lang=ja><meta charset=shift_jis><title>会員</title>\n<p>"
                    + "。".join(n + "さん" for n in names[:k])).encode("utf-8")
            said += page_cut(page, "page.html")
    assert said == 0


def test_a_whole_euc_page_whose_meta_says_shift_jis_is_not_cut() -> None:
    from scanner.inspectors.spreadsheet import page_cut

    said = 0
    for seed in range(2670, 2690):
        names = [r[0] for r in rows(seed)[1:6]]
        for k in range(1, 6):  # (an EUC-JP text read as cp932 may end in a lead byte: 0xE0-0xFC)
            page = ("<!doctype html><html lang=ja><meta charset=shift_jis><title>会員</title>\n<p>"
                    + "。".join(n + "さん" for n in names[:k])).encode("euc_jp")
            said += page_cut(page, "page.html")
    assert said == 0


def test_prose_with_commas_in_pre_is_no_table() -> None:
    """fix26b: the tabs-or-fixed-columns gate in ``_pre_sheet`` had no test; prose with commas and two-space gaps
    (no straight blank columns) must give no sheet, not a comma table."""
    from scanner.sheet import Caps  # noqa: PLC0415
    from scanner.tables import _pre_sheet  # noqa: PLC0415

    prose = ("Call Tanaka, Sato, and Suzuki.  Then file the form, sign it, and send it back.\n"
             "Notes:  the office, the shop, the depot,  and the annex close at five o'clock sharp.\n"
             "Meet at the gate,  bring the key, the badge and a pen,  and wait there for all of us.\n"
             "If late,  phone ahead, leave word, or write a note,  we keep the seats for everyone.\n")
    assert _pre_sheet("pre 1", prose, Caps()) is None
