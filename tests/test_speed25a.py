"""speed25a (issue 11): the worker side of non-workbook files.

- A web page without ``<table`` in strict UTF-8 (``markup.holds_no_table``) is not decoded line by line nor parsed by
  lxml: ``html_tables`` yields nothing at once. Its tables, failures and the inspection of the page under its own name
  (cut, include, plain-page details) are the same as with the parse, over installed third-party pages and generated
  ones (cut, case, comments, rows without a table, BOM, cp932, UTF-16, ISO-2022-JP escapes, NUL, long lines).
"""
from __future__ import annotations

import random
import re
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


# ------------------------------------------------------------------ PhoneColumn: cells tested by their first character

def _first_chars(pattern: str) -> set[str] | None:
    """The characters a fullmatch of ``pattern`` can start with, from its parse (None: a construct not handled)."""
    import re._constants as c  # noqa: PLC0415 - the parse's opcodes (the test reads the patterns themselves)
    import re._parser as p  # noqa: PLC0415

    def first(items: list, i: int = 0) -> tuple[set[str] | None, bool]:  # (chars, nullable)
        out: set[str] = set()
        for op, av in items[i:]:
            if op is c.LITERAL:
                return out | {chr(av)}, False
            if op is c.IN:
                for kind, v in av:
                    if kind is c.LITERAL:
                        out.add(chr(v))
                    elif kind is c.RANGE:
                        out.update(chr(x) for x in range(v[0], v[1] + 1))
                    else:
                        return None, False
                return out, False
            if op in (c.MAX_REPEAT, c.MIN_REPEAT):
                got, nullable = first(list(av[2]))
                if got is None:
                    return None, False
                out |= got
                if av[0] > 0 and not nullable:
                    return out, False
                continue
            if op is c.SUBPATTERN:
                if av[1] or av[2]:  # a scoped flag (``(?i:tel)`` fullmatches TEL): not read as written (review26s)
                    return None, False
                got, nullable = first(list(av[3]))
                if got is None:
                    return None, False
                out |= got
                if not nullable:
                    return out, False
                continue
            if op is c.BRANCH:
                any_null = False
                for branch in av[1]:
                    got, nullable = first(list(branch))
                    if got is None:
                        return None, False
                    out |= got
                    any_null = any_null or nullable
                if not any_null:
                    return out, False
                continue
            return None, False
        return out, True

    chars, nullable = first(list(p.parse(pattern)))
    return None if chars is None or nullable else chars


def test_starts_holds_every_first_character_of_the_kinds() -> None:
    from scanner import tables

    union: set[str] = set()
    for kind in (tables._PHONE, *(k for k, _ in tables._TYPED)):
        chars = _first_chars(kind.pattern)
        assert chars is not None, kind.pattern  # a construct the derivation does not know: extend it, never guess
        assert not kind.flags & (re.IGNORECASE | re.VERBOSE), kind  # the parse read as written (review25s: with
        # IGNORECASE an address starting with U+017F or U+212A fullmatches and is not in the derived set)
        union |= chars
    assert union == set(tables._STARTS)


def _old_decide(self) -> None:  # noqa: ANN001 - PhoneColumn.decide as it was (every cell fullmatched for each kind)
    from scanner import tables

    def column(seen, kind, first):  # noqa: ANN001, ANN202
        cols = []
        for _, row in seen:
            at = [j for j, c in enumerate(row) if c and kind.fullmatch(c)]
            if at:
                cols.append(at[0] if first else at[-1])
        if not cols:
            return -1
        from collections import Counter

        col, k = Counter(cols).most_common(1)[0]
        return col if k >= 5 and 10 * k >= 9 * len(cols) else -1

    if self.at != -1:
        return
    self.at = -2
    seen, self.seen = self.seen, []
    col = column(seen, tables._PHONE, True)
    if col < 0:
        learnt = [(c, kind, leads) for kind, leads in tables._TYPED if (c := column(seen, kind, False)) >= 0]
        if not learnt:
            return
        col, self.kind, self.leads = max(learnt, key=lambda t: t[0])
    self.at = col
    for num, row in seen:
        self.row(num, row)


def _texts() -> list[bytes]:
    import csv
    import io

    from scanner.demo import client_list_csv, make_people
    from tests import pii_data

    out = [p.read_bytes() for p in sorted((ROOT / ".." / "shared" / "corpus").rglob("*"))
           if p.is_file() and p.suffix.lower() in (".csv", ".txt", ".tsv") and p.stat().st_size < 4 << 20]
    ps = pii_data.people(60, seed=25)
    out.append(client_list_csv(make_people(240, seed=25)))
    for make in (pii_data.standard, pii_data.titled, pii_data.split_columns, pii_data.english, pii_data.headerless,
                 pii_data.staff_list, pii_data.facility_list, pii_data.inventory, pii_data.postal_reference,
                 pii_data.budget):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(make(ps))
        out.append(buf.getvalue().encode())
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(pii_data.product_list(300))
    out.append(buf.getvalue().encode())
    rng = random.Random(25)
    starts = "(（0０〒 19１AZaz._%+-明大昭平令東山あア#*/"
    for _ in range(40):  # cells starting with every first character, some values of each kind, rows shifted
        rows = []
        for r in range(rng.randrange(10, 260)):
            row = [rng.choice(starts) + rng.choice(["3-1234-5678", "123-4567", "@ex.jp", "2020/1/2", "12", "", "x"])
                   for _ in range(rng.randrange(1, 9))]
            if r % 7 == 0:
                row.insert(rng.randrange(len(row) + 1), "03-1234-5678")
            rows.append(row)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        out.append(buf.getvalue().encode())
    return out


def test_a_text_tables_reading_is_the_same_with_cells_picked_by_first_character(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner import tables
    from scanner.inspectors.spreadsheet import analyse_bytes

    learnt: list[object] = []

    def watched(decide):  # noqa: ANN001, ANN202 - what each decision learnt: column, kind, rows said shifted
        def run(self) -> None:  # noqa: ANN001
            decide(self)
            learnt.append((self.at, self.kind.pattern, sorted(self.shifted), sorted(self.off.items())))
        return run

    texts = _texts()
    assert len(texts) >= 50
    columns = 0
    for data in texts:
        learnt.clear()
        with monkeypatch.context() as m:
            m.setattr(tables.PhoneColumn, "decide", watched(tables.PhoneColumn.decide))
            new = repr(analyse_bytes(data, "text", Caps())), list(learnt)
        learnt.clear()
        with monkeypatch.context() as m:
            m.setattr(tables.PhoneColumn, "decide", watched(_old_decide))
            old = repr(analyse_bytes(data, "text", Caps())), list(learnt)
        assert new == old, data[:200]
        columns += any(at >= 0 for at, *_ in new[1])  # type: ignore[misc]
    assert columns >= 10  # phone and typed columns learnt, not only texts without one


# ------------------------------------------------------------------ a compound file's failure kept for all inspectors

def _examined(tmp_path: Path, files: dict[str, bytes]) -> tuple[list[object], int]:
    """Each file examined as a worker does (pick, then finish with every inspector that wants it): the hits and skips
    said, and olefile's parses."""
    import olefile

    from scanner import isolation
    from scanner.config import ScanConfig
    from scanner.examine import examine_entry
    from scanner.pipeline import scan_context
    from scanner.sources.local import LocalSource

    class Channel:
        def send(self, message: object) -> None:
            return None

    folder = tmp_path / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    ctx = scan_context(ScanConfig(sources=[str(folder)], out=tmp_path / "out", names=["x.xlsx"], parse_timeout=10))
    parses = [0]
    real = olefile.OleFileIO.__init__

    def init(self, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
        parses[0] += 1
        return real(self, *a, **k)

    saved = isolation._CHANNEL
    isolation._CHANNEL = Channel()  # the readers run here, as in a worker
    olefile.OleFileIO.__init__ = init
    try:
        for entry in LocalSource(str(folder)).entries():
            examine_entry(entry, ctx)  # type: ignore[arg-type]
    finally:
        olefile.OleFileIO.__init__ = real
        isolation._CHANNEL = saved
    said = [(h.location.path, h.reasons, h.status, h.status_detail) for h in ctx.result.hits] + [
        (s.location.path, s.reason, s.detail) for s in ctx.result.skipped]
    return sorted(said, key=repr), parses[0]


def test_a_fake_doc_both_inspectors_want_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fake .doc of <= 512 bytes (share-20000: 325 of 1,513) is wanted by the archive and the spreadsheet inspector;
    olefile failed on it in each (2 parses), now once. What is said of it is the same as with each parsing."""
    from scanner import examine
    from tests.test_other24 import fake_docs, ole_files

    small = {n: d[:rng_size] for n, d in fake_docs(24).items() if (rng_size := 100 + len(d) % 400)}
    said, parses = _examined(tmp_path / "a", small)
    assert parses == len(small)
    every = {**small, **ole_files()}
    said, _ = _examined(tmp_path / "b", every)
    monkeypatch.setattr(examine, "held_ole", lambda data: __import__("contextlib").nullcontext())
    alone, _ = _examined(tmp_path / "c", every)
    assert [s[1:] for s in said] == [s[1:] for s in alone]
    assert len(said) >= len(small)


# ------------------------------------------------------------------ the format sniff's vCard and SYLK tests

def _old_starts_a_card(head: bytes) -> bool:
    import re

    from scanner import vcard

    if head.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"BEGIN:VCARD"):
        return True
    m = vcard._FIRST_CARD.search(head[:4096])
    if m is None:
        return False
    before = [ln for ln in re.split(rb"\r\n|\r|\n", head[:m.start()]) if ln.strip()]
    return len(before) <= vcard.PREAMBLE_LINES and all(len(ln) <= 200 for ln in before)


def _old_records_throughout(head: bytes) -> bool:
    from scanner import sylk

    part = head[:1 << 16]
    if len(sylk._CELL_RECORD.findall(part)) < 8:
        return False
    lines = [ln for ln in part.splitlines()[:51][:-1] if ln]
    return len(lines) >= 9 and 10 * sum(sylk._RECORD_LINE.match(ln) is not None for ln in lines) >= 9 * len(lines)


def _sniffed_texts() -> list[bytes]:
    out = [p.read_bytes()[:1 << 17] for base in (ROOT / "tests" / "data", ROOT / ".." / "shared" / "corpus")
           for p in sorted(base.rglob("*")) if p.is_file() and p.stat().st_size < 8 << 20]
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\xe5\xb1\xb1\xe7\x94\xb0\r\nEND:VCARD\r\n"
    sylk_text = b"ID;PWXL;N;E\r\n" + b"".join(b"C;Y%d;X%d;K\"v\"\r\n" % (r, c) for r in range(1, 6) for c in (1, 2)) + b"E\r\n"
    rng = random.Random(25)
    for base in (card, card.lower(), b"  \r\n" + card, b"title\r\nnote\r\n" + card, b"a\nb\nc\nd\n" + card,
                 b"x" * 300 + b"\n" + card, card.replace(b"BEGIN", b"BeGiN"), card.decode().encode("utf-16"),
                 card.decode().encode("utf-16-le"), b"\xef\xbb\xbf" + card, card.replace(b"VCARD", b"VCARX"),
                 sylk_text, sylk_text.replace(b"ID;PWXL", b"ID;PWYL"), sylk_text[2:], sylk_text.replace(b"C;", b"c;"),
                 sylk_text.replace(b"\r\n", b"\n"), b"name,C;Y1;X1;K\n" * 20, b"\nC;X1;K" * 9,
                 b"P;PGeneral\r\n" + b"".join(b"C;X%d;K%d\r\n" % (c, c) for c in range(1, 14))):
        out.append(base)
        for _ in range(30):  # bytes flipped, cut, moved
            b = bytearray(base)
            for _ in range(rng.randrange(1, 4)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            out += [bytes(b), bytes(b[:rng.randrange(1, len(b))]), bytes(b[rng.randrange(len(b)):])]
    return out


def test_the_vcard_and_sylk_tests_answer_as_before() -> None:
    """is_vcard and is_sylk look for ``begin:vcard`` / ``C;`` first (one pass in C): the same answers (and the same
    format sniffed) as the regex searches alone, over real files and generated cards and SYLK files, damaged."""
    from scanner import sylk, vcard

    texts = _sniffed_texts()
    assert len(texts) > 1000
    said = 0
    for data in texts:
        head = data[:4096]
        assert vcard._starts_a_card(head) == _old_starts_a_card(head), data[:80]
        assert sylk._records_throughout(data) == _old_records_throughout(data), data[:80]
        said += _old_starts_a_card(head) + _old_records_throughout(data)
    assert said >= 100  # cards and SYLK files among them, not only texts neither takes
