"""review26s: the walk's decision table (speed26b) and the per-kind first characters (speed26a), pushed on.

* A page named as an include (``header.html``: ``spreadsheet.page_cut`` reads the stem) took the decision of a cut
  page of the same bytes under another name, or gave it its own: ``index.html``, cut, ended as nothing.
* An empty-listed file whose checks read it (it grew since its stat) took an empty file's row: passed over.
* Which inspectors' checks read more than a small file's extension, size and bytes is declared by each
  (``reads_beyond_bytes``): an inspector that declares nothing turns the table off.
* The first-character derivation of the kinds' patterns (tests/test_speed25a) read a scoped ``(?i:...)`` as written.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from scanner import examine
from scanner.config import ScanConfig
from scanner.demo import LEAKED_NAME
from scanner.examine import _tabled, by_content, pick
from scanner.inspectors import disguise
from scanner.pipeline import scan_context
from scanner.registry import INSPECTORS
from scanner.sources.base import NameBatch
from scanner.sources.local import LocalEntry, LocalSource
from scanner.work import FileOutcome
from tests.test_speed26b import HEADS

# a page that ends at a tag without </body>: cut, unless its name says it is an include (the top of a page)
CUT_PAGE = b"<!DOCTYPE html>\n<html><head><title>t</title></head><body><p>x</p>"


def _ctx(root: Path):  # noqa: ANN202 - a ScanContext
    return scan_context(ScanConfig(sources=[str(root)], names=[LEAKED_NAME], out=Path(tempfile.mkdtemp())))


def _picks(root: Path, fresh: bool, ctx=None) -> dict[str, object]:  # noqa: ANN001
    """Each file's candidate (wanted, listed) as the walk picks it, the tables kept or emptied before each file."""
    ctx = ctx or _ctx(root)
    out: dict[str, object] = {}
    with LocalSource(str(root)) as src:
        for item in src.batches():
            assert isinstance(item, NameBatch)
            for i in ctx.prefilter.pick(item.names, item.framed):
                if fresh:
                    ctx.prefilter.decisions.clear()
                    disguise._LOOKED.clear()
                cand = pick(item.entry(i), ctx, FileOutcome())
                out[item.names[i]] = cand and (cand.wanted, cand.listed)
    return out


def test_an_include_named_page_is_not_merged_with_a_cut_page(tmp_path: Path) -> None:
    """``header.html`` is the top of a page by design; ``index.html`` of the same bytes is a page cut before its end,
    listed cut the long way (it ended as nothing: the table gave it header.html's row)."""
    for name in ("header.html", "index.html", "nav.html", "page.html"):
        (tmp_path / name).write_bytes(CUT_PAGE)
    long_way = _picks(tmp_path, fresh=True)
    assert long_way["index.html"] and long_way["page.html"]  # wanted: listed html-cut
    assert not long_way["header.html"] and not long_way["nav.html"]
    assert _picks(tmp_path, fresh=False) == long_way


def test_an_empty_listed_file_that_grew_is_not_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty XML file tables (not wanted, its head read: b""); one stat'ed empty that holds Excel's mark when its
    checks read it (it grew since its stat) is wanted the long way: with the table it was passed over."""
    (tmp_path / "a.xml").write_bytes(b"")
    (tmp_path / "b.xml").write_bytes(b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook '
                                      b'xmlns="urn:schemas-microsoft-com:office:spreadsheet">')
    real = LocalEntry.stat_sized

    def listed_empty(self: LocalEntry):  # noqa: ANN202
        size, stat_of = real(self)
        return (0, stat_of) if self.name == "b.xml" else (size, stat_of)

    monkeypatch.setattr(LocalEntry, "stat_sized", listed_empty)
    long_way = _picks(tmp_path, fresh=True)
    assert long_way["b.xml"] and not long_way["a.xml"]
    assert _picks(tmp_path, fresh=False) == long_way


def test_an_empty_file_whose_checks_never_read_it_still_takes_its_row(tmp_path: Path) -> None:
    """The row of an empty file is reused when the long way decided it without reading it (no read added: the
    tree's empty files), and when it read it (it is read again, as the long way reads it)."""
    for n in range(3):
        (tmp_path / f"e{n}.pdf").write_bytes(b"")
        (tmp_path / f"e{n}.xml").write_bytes(b"")
    ctx = _ctx(tmp_path)
    assert _picks(tmp_path, fresh=False, ctx=ctx) == _picks(tmp_path, fresh=True)
    assert {k[1]: v[1] for k, v in ctx.prefilter.decisions.items()} == {".pdf": False, ".xml": True}


def test_every_inspector_declares_what_its_checks_read() -> None:
    """Each registered inspector says under which extensions its ``wants``/``wants_disguised`` read more of a small
    local file under a one-dot name than its extension, size and bytes (a new one without it: the table is off,
    and this fails)."""
    config = ScanConfig(sources=["."], names=[LEAKED_NAME], out=Path(tempfile.mkdtemp()))
    for cls in INSPECTORS:
        declared = getattr(cls(config), "reads_beyond_bytes", None)
        assert isinstance(declared, frozenset), cls.name
        assert all(e == e.casefold() and e.startswith(".") for e in declared), cls.name
    from scanner.inspectors.spreadsheet import HTML_EXTENSIONS, SpreadsheetInspector

    assert HTML_EXTENSIONS <= SpreadsheetInspector.reads_beyond_bytes  # page_cut: an include's stem


class _Undeclared:
    """An inspector as a new one may be written: nothing declared about what its checks read."""

    name = "undeclared"

    def wants(self, entry, size, head) -> bool:  # noqa: ANN001
        return entry.name.startswith("名簿")


def test_an_inspector_that_declares_nothing_turns_the_table_off(tmp_path: Path) -> None:
    (tmp_path / "名簿.pdf").write_bytes(b"x" * 40)
    (tmp_path / "memo.pdf").write_bytes(b"x" * 40)
    ctx = _ctx(tmp_path)
    with LocalSource(str(tmp_path)) as src:
        item = next(iter(src.batches()))
        entry = item.entry(item.names.index("memo.pdf"))
        assert _tabled(entry, 40, True, ctx) is not None
    ctx = _ctx(tmp_path)
    ctx.inspectors.append(_Undeclared())  # type: ignore[arg-type]
    from scanner.prefilter import NamePrefilter

    ctx.prefilter = NamePrefilter(ctx.rules, ctx.inspectors, ctx.known_hashes)
    with LocalSource(str(tmp_path)) as src:
        item = next(iter(src.batches()))
        entry = item.entry(item.names.index("memo.pdf"))
        assert _tabled(entry, 40, True, ctx) is None
    assert _picks(tmp_path, fresh=False, ctx=ctx) == {"memo.pdf": None, "名簿.pdf": ((len(ctx.inspectors) - 1,), None)}


# stems whose file the checks may tell apart by name (copies, includes, artefacts, Office's and macOS's own files)
STEMS = ["名簿", "名簿 - コピー", "名簿のコピー", "header", "nav", "desktop", "NTUSER", "Info", "oleObject1",
         LEAKED_NAME.rsplit(".", 1)[0]]


def test_decisions_do_not_depend_on_the_stem_unless_declared(tmp_path: Path) -> None:
    """Under every extension the table may cover (content-checked, none declared), the property test's heads (and a
    cut page) under each stem above, in an ordinary folder or a hive's: each file decided the long way is decided
    as the others of its extension and bytes. An inspector whose checks read the stem or folder under an extension
    it does not declare fails this (page_cut did, under .html)."""
    from collections import defaultdict

    untabled = _ctx(tmp_path).prefilter.untabled
    assert untabled is not None
    checked = sorted(e for e in disguise.expected() if e and e not in examine._UNTABLED_EXTS | untabled)
    heads = sorted({h[:examine.TABLE_BYTES] for h in HEADS} | {CUT_PAGE, CUT_PAGE[:40]})
    for n, head in enumerate(heads):
        d = tmp_path / f"k{n:02d}" / ("Windows/System32/config" if n % 2 else "a")
        d.mkdir(parents=True)
        for ext in checked:
            for stem in STEMS:
                (d / f"{stem}{ext}").write_bytes(head)
    by_key: dict[tuple[bool, str, bytes], set[object]] = defaultdict(set)
    ctx = _ctx(tmp_path)
    with LocalSource(str(tmp_path)) as src:
        for item in src.batches():
            if not isinstance(item, NameBatch):
                continue
            named, _ = ctx.prefilter.split(item.names, item.framed)
            for i, entry in by_content(ctx, item.names, named, item.entry, heads=getattr(item, "heads", None)):
                ctx.prefilter.decisions.clear()
                disguise._LOOKED.clear()
                seen = FileOutcome()
                cand = pick(entry, ctx, seen)
                name = item.names[i]
                by_name = bool(ctx.rules.match(name)) or ctx.prefilter.wanted(name)
                head = heads[int(entry.location.path.rsplit("/k", 1)[1][:2])]
                by_key[(by_name, name[name.index("."):], head)].add(
                    (cand.wanted, cand.affinity, cand.listed, repr(seen.skipped)) if cand else
                    ((), None, None, repr(seen.skipped)))
    assert len({k[1:] for k in by_key}) >= len(heads) * len(checked) // 2
    assert {k: v for k, v in by_key.items() if len(v) > 1} == {}


def test_the_first_character_derivation_refuses_scoped_flags() -> None:
    """``(?i:tel)`` fullmatches ``TEL``: its first characters are not what the parse writes, so the derivation that
    pins tables._STARTS/_STARTS_OF to the patterns gives up (the pattern flags were checked, scoped ones were not)."""
    import re

    from tests.test_speed25a import _first_chars

    assert _first_chars("(?i:tel)[0-9]") is None
    assert _first_chars("(?:tel)?[0-9]") == {"t", *"0123456789"}
    assert re.compile("(?i:t)").fullmatch("T")
