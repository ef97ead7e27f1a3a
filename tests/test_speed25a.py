"""speed25a (issue 11): the worker side of non-workbook files.

- A web page without ``<table`` in strict UTF-8 (``markup.holds_no_table``) is not decoded line by line nor parsed by
  lxml: ``html_tables`` yields nothing at once. Its tables, failures and the inspection of the page under its own name
  (cut, include, plain-page details) are the same as with the parse, over installed third-party pages and generated
  ones (cut, case, comments, rows without a table, BOM, cp932, UTF-16, ISO-2022-JP escapes, NUL, long lines).
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from faker import Faker

from scanner import markup
from scanner.sheet import Caps, CellBudget

ROOT = Path(__file__).resolve().parent.parent


def _installed_pages() -> list[bytes]:
    """Real third-party pages this machine carries (dask, distributed, olefile, tornado ... templates and docs)."""
    found = []
    for base in {Path(p) for p in sys.path if p.endswith("site-packages")}:
        for path in sorted(base.glob("*/**/*.htm*"))[:400]:
            if path.is_file() and path.stat().st_size < 1 << 20:
                found.append(path.read_bytes())
    return found


def _generated_pages() -> list[bytes]:
    fake = Faker("ja_JP")
    fake.seed_instance(25)
    pages = []
    for i in range(60):
        body = "".join(f"<p>{fake.sentence()}</p>\n" for _ in range(i % 7 + 1))
        pages.append(f"<!DOCTYPE html>\n<html><head><title>{fake.company()}</title></head><body>\n{body}</body></html>\n"
                     .encode())
    return pages


def _variants(page: bytes, rng: random.Random) -> list[bytes]:
    text = page.decode("utf-8", "replace")
    cut = rng.randrange(1, max(2, len(page)))
    return [
        page, page[:cut], page[:len(page) // 2], page.rstrip() + b"<div class=list>", b"\xef\xbb\xbf" + page,
        page.replace(b"<body>", b"<body><TABLE><tr><td>" + "山田 太郎".encode() + b"</td></tr></TABLE>", 1),
        page.replace(b"<body>", b"<body><!-- <table> --><tr><td>a</td><td>b</td></tr>", 1),
        page.replace(b"<body>", b"<body><Table class=x><tr><td>1</td>", 1),  # cut in its table
        page.replace(b"<body>", b"<body><ta\x1b(Bble><tr><td>1</td></tr></table>", 1),  # ISO-2022-JP escape inside
        page.replace(b"<body>", b"<body><ta\x00ble>", 1),
        text.encode("cp932", "replace"), text.encode("utf-16"), text.encode("utf-16-le"),
        (text.replace("<body>", "<body><table><tr><td>x</td></tr></table>", 1)).encode("utf-16-le"),
        page + b"\0" * 64,
    ]


def _tables(data: bytes) -> str:
    try:
        return repr([(t.name, t.rows, t.damage) for t in markup.html_tables(data, CellBudget(Caps()))])
    except Exception as e:  # noqa: BLE001 - the same failure both ways is the same answer
        return f"raised {type(e).__name__}: {e}"


def test_a_plain_utf8_page_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: every page was decoded line by line and fed to lxml, which found no table in it."""
    from lxml import etree

    made = []

    class Counted(etree.HTMLPullParser):  # type: ignore[misc]
        def __init__(self, *args: object, **kw: object) -> None:
            made.append(1)
            super().__init__(*args, **kw)

    monkeypatch.setattr(etree, "HTMLPullParser", Counted)
    for page in _generated_pages()[:10]:
        assert markup.holds_no_table(page)
        assert list(markup.html_tables(page, CellBudget(Caps()))) == []
    assert made == []
    assert _tables(b"<html><body><TABLE><tr><td>1</td></tr></table>") != "[]" and made == [1]


@pytest.mark.parametrize("source", ["installed", "generated"])
def test_the_pages_tables_are_the_same_without_the_parse(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = _installed_pages() if source == "installed" else _generated_pages()
    if not pages:
        pytest.skip("no third-party page installed")
    rng = random.Random(25)
    seen = taken = 0
    for page in pages:
        for data in _variants(page, rng):
            fast = _tables(data)
            quick = markup.holds_no_table(data)
            with monkeypatch.context() as m:
                m.setattr(markup, "holds_no_table", lambda _data: False)
                full = _tables(data)
            assert fast == full, (page[:80], data[:80])
            seen += 1
            taken += quick
    assert taken >= seen // 4  # the rule is taken (plain UTF-8 pages) and refused (tables, other encodings)
    assert taken < seen


def test_the_rule_refuses_what_it_cannot_tell_from_bytes() -> None:
    plain = b"<html><body><p>x</p></body></html>"
    assert markup.holds_no_table(plain)
    assert not markup.holds_no_table(plain.replace(b"<p>", b"<TaBlE>"))
    assert not markup.holds_no_table("<html>名簿</html>".encode("cp932"))  # not strict UTF-8: decoded, parsed
    assert not markup.holds_no_table(plain.decode().encode("utf-16-le"))
    assert not markup.holds_no_table(plain.replace(b"<p>", b"\x1b$B"))  # ISO-2022-JP
    assert not markup.holds_no_table(plain + b"\0")
    assert not markup.holds_no_table(b"<p>" + b"x" * markup.MAX_LINE)  # a line the reader refuses as too long
