"""speed26b (issue 11): the walk's decision table gives every file the decision the long way gives it.

``examine.pick`` tables the decision of a small plain file (its name's form and bytes: ``examine._tabled``), and
``disguise.look`` its answers to short heads. Each test decides the same files twice: once with the tables as a scan
fills them (a later file of the same form and bytes takes the tabled decision), once with the tables emptied before
every file (the long way, every inspector asked), and compares the two decisions of every file.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.demo import LEAKED_NAME
from scanner.examine import _tabled, by_content, pick
from scanner.inspectors import disguise
from scanner.pipeline import scan_context
from scanner.sources.base import NameBatch
from scanner.sources.local import LocalSource
from scanner.work import FileOutcome

# heads a share holds: real signatures, texts, markup, damage, nothing
HEADS = [b"", b"x", b"x" * 63, b"x" * 64, b"x" * 65, b"memo\n", b"memo\n" * 4, b"a,b,c\n1,2,3\n",
         b"\xef\xbb\xbf\xe6\xb0\x8f\xe5\x90\x8d,\xe4\xbd\x8f\xe6\x89\x80\n", b"PK\x03\x04\x14\x00\x06\x00" + b"\0" * 60,
         b"PK\x03\x04" + b"x" * 18, b"PK\x05\x06" + b"\0" * 18, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
         b"\xd0\xcf\x11\xe0" + b"\0" * 30, b"%PDF-1.4\n" + b"% x\n" * 30, b"%PDF-1.4\n/EmbeddedFile /Filespec\n" * 3,
         b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, b"<html><body><table><tr><td>a</td>",
         b"<!DOCTYPE html>\n<html>", b"From: a@example.jp\r\nSubject: x\r\n\r\nbody\r\n",
         b"MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<html>", b"{\\rtf1\\ansi x}", b"ID3\x03\x00" + b"\0" * 20,
         b"\x1f\x8b\x08\x00" + b"\0" * 20, b"Rar!\x1a\x07\x00" + b"\0" * 20, b"7z\xbc\xaf\x27\x1c" + b"\0" * 30,
         b"MZ\x90\x00" + b"\0" * 60, b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + b"\0" * 8, b"\0" * 512, b"\0" * 100,
         b"ustar" + b"\0" * 300, b"name.txt" + b"\0" * 92 + b"0000644\0" + b"\0" * 200, b"ID;PWXL;N;E\r\nC;Y1;X1;K\"a\"\r\n",
         b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00", b"\xfe\xff\x00a", b"<?xml version=\"1.0\"?>\n<Workbook>",
         b"\x03\x01\x02\x03" + b"\0" * 28, b"SQLite format 3\0" + b"\0" * 84, b"BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n"]
EXTS = [".xlsx", ".XLSX", ".DAT", ".hve", ".automaticDestinations-ms", ".sqlite-wal", ".xls", ".xlsm", ".csv", ".CSV", ".tsv", ".txt", ".pdf", ".docx", ".doc", ".pptx", ".ppt",
        ".jpg", ".JPG", ".jpeg", ".png", ".gif", ".html", ".htm", ".eml", ".msg", ".mp3", ".log", ".rtf", ".zip",
        ".7z", ".rar", ".gz", ".tar", ".json", ".xml", ".dbf", ".sqlite", ".db", ".vcf", ".slk", ".odt", ".ods",
        ".dat", ".bin", ".iso", ".img", ".vhd", ".vmdk", ".mdb", ".accdb", ".one", ".pst", ".jar", ".ps1", ".bak",
        ".tmp", ".md", ".yaml", ".ini", ".sfx", ".exe", ".class", ".iwa", ".plist", ".part1", ".z01", ".r00", ".aa",
        ".ab", ".001", ".002", ".123", ".tar.gz", ".xlsx.zip", ""]
STEMS = ["集計_000123", "報告", "名簿 - コピー", "名簿(1)", "~$名簿", "$IABC123", "$RABC123", ".~lock.名簿", "Info",
         "desktop", "thumbs", "oleObject1", "Object 2", "a", "A b", "data\u200b", "x\u202egpj", "INFO2", "名簿",
         "介護予防_利用者名簿", "NTUSER", "UsrClass", "setupapi", "setupapi.dev", "places", "Amcache", "Thumbs"]


def _decisions(root: Path, fresh: bool, hits: list[str] | None = None) -> list[str]:
    """Every file's decision under ``root`` as the walk makes it (``pick_decisions.py``'s rows); ``fresh``: both
    tables emptied before each file (every decision the long way)."""
    ctx = scan_context(ScanConfig(sources=[str(root)], names=[LEAKED_NAME], out=Path(tempfile.mkdtemp())))
    rows: list[str] = []
    with LocalSource(str(root)) as src:
        for item in src.batches():
            if not isinstance(item, NameBatch):
                rows.append(repr(item)[:200])
                continue
            named, by_rule = ctx.prefilter.split(item.names, item.framed)
            wanted = set(named)
            if fresh:
                disguise._LOOKED.clear()
            for i, entry in by_content(ctx, item.names, named, item.entry, heads=getattr(item, "heads", None)):
                if fresh:
                    ctx.prefilter.decisions.clear()
                    disguise._LOOKED.clear()
                if hits is not None and (key := _tabled(entry, entry.stat().size, i in wanted, ctx)) is not None and (
                        key[0] in ctx.prefilter.decisions):
                    hits.append(item.names[i])
                seen = FileOutcome()
                cand = pick(entry, ctx, seen, i in wanted if by_rule is not None and i not in by_rule else None)
                rows.append(repr((item.names[i], i in wanted, cand and (cand.wanted, cand.affinity, cand.listed,
                                                                           cand.stat.size, cand.matches),
                                  seen.skipped, seen.hits)))
    return rows


def _tree(root: Path, rnd: random.Random, files: int) -> None:
    """Files of random forms and heads; half of them take the extension and bytes of an earlier one under another
    stem (what the table reuses: the tree's fakes)."""
    made: list[tuple[str, bytes]] = []
    for n in range(files):
        folder = root / f"f{n // 50:02d}" / ("$Recycle.Bin/S-1-5-21" if n % 97 == 0 else ".")
        folder.mkdir(parents=True, exist_ok=True)
        if made and rnd.random() < 0.5:
            ext, head = rnd.choice(made)
        else:
            ext, head = rnd.choice(EXTS), rnd.choice(HEADS)
            if rnd.random() < 0.3:  # cut, or with noise after it
                head = head[:rnd.randint(0, len(head))] if rnd.random() < 0.5 else head + rnd.randbytes(
                    rnd.randint(0, 80))
            made.append((ext, head))
        path = folder / f"{rnd.choice(STEMS)}{n % 7 if rnd.random() < 0.2 else ''}{ext}"
        if not path.exists():
            path.write_bytes(head[:600])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tabled_decisions_are_the_long_ways(tmp_path: Path, seed: int) -> None:
    """Random names of every form the walk meets (plain, copies, owner files, recycle-bin pairs, lock files, pieces,
    programs, classes, hostile characters, no extension, two extensions) over real signatures, texts, markup, cut
    and noisy heads, many sharing a form and bytes: each file's decision with the tables filled as a scan fills them
    is the one the long way gives it."""
    _tree(tmp_path, random.Random(seed), 1200)
    hits: list[str] = []
    tabled = _decisions(tmp_path, fresh=False, hits=hits)
    assert tabled == _decisions(tmp_path, fresh=True)
    assert len(tabled) >= 1000 and len(hits) >= 30  # (the table was used: 46-73 hits a seed)


def test_a_tabled_decision_is_reused(tmp_path: Path) -> None:
    """The tree's fakes named .pdf/.docx (a few bytes of text) are decided once per form and bytes: later files of
    the same form take the table's row. A spreadsheet name is not tabled: its checks decide by name without reading
    it (its head is read once, by the read pass), and tabling would read it in the walk too."""
    for n in range(20):
        (tmp_path / f"集計_{n:06d}.xlsx").write_bytes(b"")
        (tmp_path / f"集計_{n:06d}.csv").write_bytes(b"memo\n" * 2)
        (tmp_path / f"文書_{n:06d}.pdf").write_bytes(b"x" * 40)
        (tmp_path / f"文書_{n:06d}.docx").write_bytes(b"x" * (n % 3))
    ctx = scan_context(ScanConfig(sources=[str(tmp_path)], names=[LEAKED_NAME], out=Path(tempfile.mkdtemp())))
    with LocalSource(str(tmp_path)) as src:
        for item in src.batches():
            assert isinstance(item, NameBatch)
            for i in ctx.prefilter.pick(item.names, item.framed):
                pick(item.entry(i), ctx, FileOutcome())
    keys = sorted((k[1], k[3]) for k in ctx.prefilter.decisions)
    assert keys == [(".docx", b""), (".docx", b"x"), (".docx", b"xx"), (".pdf", b"x" * 40)]


def test_look_tabled_is_look() -> None:
    """``disguise.look`` with its table: the same answers as computed afresh, for every head and extension above."""
    disguise._LOOKED.clear()
    for ext in EXTS:
        for head in HEADS:
            for cut in (head[:disguise.HEAD_READ], head[:8], head):
                got = disguise.look("名簿" + ext, cut)
                disguise._LOOKED.clear()
                assert got == disguise.look("x" + ext, cut), (ext, cut)
                assert got == disguise.look("y" + ext, cut)  # from the table
