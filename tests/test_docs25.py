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
