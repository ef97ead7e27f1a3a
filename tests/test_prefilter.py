"""The bulk name pre-check (scanner.prefilter) and the folder batches of the local walk change nothing found.

A scan through ``LocalSource.batches()`` (names first, entries only for candidates) must give the same
hits, skips, links and counts as the plain per-entry walk, and the inspectors' declared extensions must
agree with their ``wants_name``.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from tree_data import (
    KEYWORDS,
    LEADS,
    LEAKED,
    NOT_COPIES,
    SAME_NAME,
    VARIANTS,
    build_evidence_tree,
    write_files,
    write_raw,
)

from scanner.config import ScanConfig
from scanner.inspectors.archive import ArchiveInspector
from scanner.inspectors.lockfile import LockFileInspector
from scanner.inspectors.pdf_attachments import PdfInspector
from scanner.inspectors.recyclebin import RecycleBinInspector, make_i_file
from scanner.inspectors.spreadsheet import SpreadsheetInspector
from scanner.names import NameRules
from scanner.pipeline import run_scan
from scanner.prefilter import NamePrefilter
from scanner.registry import inspectors_for
from scanner.sources.base import NameBatch
from scanner.sources.local import LocalSource

# names that probe every corner of the bulk checks: case, width, dots, prefixes, NFD, NUL-free oddities
ODD_NAMES = [
    "report.pdf", "REPORT.PDF", "photo.JPG", "x.ＰＤＦ", "x.pdf.", ".pdf", ".xlsx", ".hidden.docx", "README",
    "noext.", "a.b.c.pptx", "$I12AB.xlsx", "$R12AB.xlsx", "$i12ab.pdf", "$Recycle.doc", "~$名簿.docx",
    "archive.ZIP", "backup.tar.gz", "data.dat", "data.DAT", "名簿.pdf", "Straße.pdf", "ﬁle.pdf", "K.pdf",
    "customer list.pdf", "CUSTOMER LIST.log", unicodedata.normalize("NFD", "データ.pdf"), "a\u202excod.pdf",
    "minutes.html", "memo.log", "video.mp4", "scan.png", "draft.docx", "IMG_0001.jpeg", "x.tsv", "x.TXT",
]
MOJIBAKE = [LEAKED.encode("cp932").decode("cp437"), LEAKED.encode("utf-8").decode("latin-1"),
            "ﾒｲﾎﾞ.xlsx", "Café crème.pdf", "résumé.docx"]
ALL_NAMES = (ODD_NAMES + [n for n, _ in VARIANTS] + [n for n, _ in LEADS] + SAME_NAME + NOT_COPIES + MOJIBAKE
             + [n for v in KEYWORDS.values() for n in v])


def _config(tmp_path: Path, **kw) -> ScanConfig:
    return ScanConfig(sources=[str(tmp_path)], out=tmp_path / "out", names=[LEAKED], **kw)


def test_declared_extensions_agree_with_wants_name(tmp_path: Path) -> None:
    """A name an inspector's declaration rejects is one its own wants_name rejects."""
    config = _config(tmp_path)
    for ins in (SpreadsheetInspector(config), ArchiveInspector(config), RecycleBinInspector(config),
                LockFileInspector(config), PdfInspector(config)):
        alone = NamePrefilter(NameRules([], False), [ins], frozenset())
        for name in ALL_NAMES:
            if not alone.wanted(name):
                assert not ins.wants_name(name), (ins.name, name)
        assert any(not alone.wanted(n) for n in ALL_NAMES)  # the declaration does reject something


@pytest.mark.parametrize("use_keywords", [True, False])
def test_bulk_pick_keeps_every_wanted_name(tmp_path: Path, use_keywords: bool) -> None:
    """pick() over a folder = at least every name a rule matches or an inspector wants, in order."""
    config = _config(tmp_path, use_keywords=use_keywords)
    rules = NameRules(config.names, use_keywords)
    inspectors = inspectors_for(config)
    pre = NamePrefilter(rules, inspectors, frozenset())
    names = sorted(set(ALL_NAMES))
    expected = [i for i, n in enumerate(names) if rules.match(n) or any(x.wants_name(n) for x in inspectors)]
    picked = list(pre.pick(list(names)))
    assert picked == sorted(picked)
    assert set(expected) <= set(picked)
    # and the bulk answer is not "everything": plain documents and media are left out (OOXML documents are
    # not: they may embed workbooks, scanner.inspectors.embedded)
    # (a PDF is: it may carry attached files, scanner.inspectors.pdf_attachments: session 14)
    for n in ("memo.log", "video.mp4", "scan.png"):
        assert names.index(n) not in picked
    # per name, the same answer
    for i, n in enumerate(names):
        assert (i in picked) == bool(pre.wanted(n) or rules.maybe_matching("\0" + n + "\0"))


def test_mojibake_names_are_picked_only_when_they_recover_to_a_rule(tmp_path: Path) -> None:
    rules = NameRules([LEAKED], use_keywords=False)
    folder = ["report.pdf", *MOJIBAKE, "memo.txt"]
    picked = rules.maybe_matching("\0" + "\0".join(folder) + "\0")
    assert [folder[i] for i in picked] == MOJIBAKE[:2]
    assert [m.rule for m in rules.match(MOJIBAKE[0])] == ["cp932-as-cp437+exact"]
    assert [m.rule for m in rules.match(MOJIBAKE[1])] == ["utf8-as-latin-1+exact"]


def test_folder_of_documents_only_needs_nothing(tmp_path: Path) -> None:
    pre = NamePrefilter(NameRules([LEAKED]), inspectors_for(_config(tmp_path)), frozenset())
    # (.doc is no longer here: a Word document may embed a workbook, so its directory is looked at: session 6)
    # (.pdf is no longer here: a PDF may carry attached files, whose name its bytes show: session 14)
    folder = [f"会議_{i:04d}.{ext}" for i in range(50) for ext in ("png", "mp4", "jpg")]
    assert list(pre.pick(folder)) == []
    folder[77] = LEAKED
    folder[12] = "名簿.PNG"  # keyword in the name (the upper-case extension alone is also checked again)
    folder[30] = "backup.zip"
    assert list(pre.pick(folder)) == [12, 30, 77]


def test_known_hashes_or_an_undeclared_inspector_need_every_file(tmp_path: Path) -> None:
    rules = NameRules([LEAKED])
    assert list(NamePrefilter(rules, [], frozenset({"0" * 64})).pick(["a.pdf", "b.pdf"])) == [0, 1]

    class Greedy:
        name = "greedy"

    assert list(NamePrefilter(rules, [Greedy()], frozenset()).pick(["a.pdf", "b.pdf"])) == [0, 1]

    class PdfOnly:
        name = "pdf-only"

        def wants_name(self, name: str) -> bool:
            return name.endswith(".pdf")

    assert list(NamePrefilter(rules, [PdfOnly()], frozenset()).pick(["a.pdf", "b.doc", "c.pdf"])) == [0, 2]


class _EntriesOnly:
    """The same local source seen only through entries(): the pipeline's per-entry path."""

    def __init__(self, root: Path) -> None:
        self._src = LocalSource(str(root))
        self.text = self._src.text

    def __enter__(self) -> _EntriesOnly:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def describe(self) -> dict:
        return self._src.describe()

    def entries(self):
        return self._src.entries()


def _outcome(result) -> dict:
    return {
        "hits": [h.to_json() for h in result.hits],
        "skipped": [s.to_json() for s in result.skipped],
        "links": [k.to_json() for k in result.links],
        "files_seen": result.files_seen,
        "bytes_read": result.bytes_read,
    }


def test_batched_walk_finds_exactly_what_the_entry_walk_finds(tmp_path: Path) -> None:
    """The demo share with hostile, cp932, odd-extension and recycle-bin names; FIFO, symlink, sub-folders."""
    share = tmp_path / "share"
    build_evidence_tree(share)
    write_files(share, {f"PC20/odd/{n}": b"odd " + n.encode() for n in ODD_NAMES if "/" not in n})
    write_files(share, {f"PC20/variants/{n}": b"v" for n, _ in VARIANTS})
    write_raw(share / "PC21", "名簿_旧.xlsx".encode("cp932"), b"cp932 name")
    write_raw(share / "PC21", "会議.pdf".encode("cp932"), b"cp932 decoy")
    (share / "PC21" / "link.xlsx").symlink_to("../PC20")
    os.mkfifo(share / "PC21" / "pipe.xlsx")
    (share / "PC21" / "sub").mkdir()
    write_files(share, {"PC21/zz_after_sub.pdf": b"z", "PC21/sub/" + LEAKED: b"copy"})
    bin_dir = "PC22/$Recycle.Bin/S-1-5-21-1000"
    write_files(share, {f"{bin_dir}/$IAB12CD.xlsx": make_i_file("C:\\Users\\a\\" + LEAKED, 4),
                        f"{bin_dir}/$RAB12CD.xlsx": b"copy", f"{bin_dir}/desktop.ini": b"[x]"})

    batched = run_scan(_config(tmp_path), [LocalSource(str(share))])
    per_entry = run_scan(_config(tmp_path), [_EntriesOnly(share)])
    assert _outcome(batched) == _outcome(per_entry)
    assert batched.files_seen > 60 and len(batched.hits) > 20
    assert any(h.location.raw_path_hex for h in batched.hits)  # the cp932 name went through a batch
    assert any((h.annotations or {}).get("recycled_from") for h in batched.hits)  # $I then $R, in order


def test_batches_iterate_to_the_entries(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.pdf": b"", "b.xlsx": b"", "sub/c.pdf": b""})
    (tmp_path / "l").symlink_to("a.pdf")
    src = LocalSource(str(tmp_path))
    items = list(src.batches())
    assert any(isinstance(i, NameBatch) for i in items)
    flat = [e for i in items for e in (i if isinstance(i, NameBatch) else [i])]
    assert [i.location.path for i in flat] == [i.location.path for i in LocalSource(str(tmp_path)).entries()]
    assert [i.location.path for i in flat] == [str(tmp_path / p) for p in ("a.pdf", "b.xlsx", "l", "sub/c.pdf")]


def test_only_inspectors_a_name_leaves_a_chance_are_asked(tmp_path: Path) -> None:
    """``pick`` asks ``wants`` only of the inspectors whose declared ``skip_extensions`` do not hold the name's
    last extension (``NamePrefilter.asked``): the same files are wanted, by the same inspectors, as when every
    inspector is asked, whatever the size or the first bytes (zip, OLE, LNK, regf, setupapi, a disk image's
    boot sector, noise), for every extension any inspector declares and the odd names."""
    import random

    from scanner.examine import LazyHead

    config = _config(tmp_path)
    inspectors = inspectors_for(config)
    declared = sorted({e for i in inspectors for e in (getattr(i, "skip_extensions", None) or ())})
    names = ALL_NAMES + [f"x{e}" for e in declared] + [f"X{e.upper()}" for e in declared] + [
        "setupapi.dev.log", "SetupApi.dev.log", "SETUPAPI.LOG", "setupAPI.app.log", "setupapi.xlsx", "NTUSER.DAT", "UsrClass.dat", "SYSTEM", "a.lnk", "b.LNK",
        "c.automaticDestinations-ms", "disk.e01", "disk.vhdx", "disk.img", "$IABC.pdf", "$RABC.xlsx"]
    rnd = random.Random(5)
    heads = [b"", b"PK\x03\x04" + rnd.randbytes(700), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(5000),
             b"L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00F" + bytes(600),
             b"regf" + bytes(5000), b"[Device Install Log]\r\n" + b"x" * 700,
             bytes(510) + b"\x55\xaa" + bytes(70_000), rnd.randbytes(3000)]
    root = tmp_path / "tree"
    for n, name in enumerate(names):
        for h, head in enumerate(heads):
            folder = root / f"{n:04d}-{h}"
            folder.mkdir(parents=True)
            (folder / name).write_bytes(head)
    rules = NameRules([], False)
    prefilter = NamePrefilter(rules, inspectors, frozenset())
    asked_fewer = 0
    with LocalSource(str(root)) as source:
        for entry in source.entries():
            if isinstance(entry, NameBatch) or not hasattr(entry, "stat"):
                continue
            size = entry.stat().size
            everyone = tuple(i for i, ins in enumerate(inspectors) if ins.wants(entry, size, LazyHead(entry)))
            asked = prefilter.asked(entry.name)
            assert everyone == tuple(i for i in asked if inspectors[i].wants(entry, size, LazyHead(entry))), entry.name
            asked_fewer += len(asked) < len(inspectors)
    assert asked_fewer > len(names)  # the declarations spare calls for most names


def test_prefixes_match_in_any_letter_case(tmp_path: Path) -> None:
    """Windows names are case-insensitive: a device log saved as ``SetupApi.dev.log`` (wanted by the traces
    inspector, whose ``wants`` reads names casefolded) passes the name pre-check alone and in a folder, as
    ``setupapi.dev.log`` does; other logs still do not."""
    config = _config(tmp_path)
    inspectors = inspectors_for(config)
    prefilter = NamePrefilter(NameRules([], False), inspectors, frozenset())
    spellings = ["setupapi.dev.log", "SetupApi.dev.log", "setupAPI.DEV.LOG", "SETUPAPI.LOG", "SetupAPI.app.log"]
    others = ["memo.log", "setup.log", "api.dev.log", "report.png"]
    for name in spellings:
        assert prefilter.wanted(name), name
    picked = prefilter.pick(spellings + others)
    assert [n for i, n in enumerate(spellings + others) if i in set(picked)] == spellings
    assert list(prefilter.pick(others)) == []
    device_log = next(i for i in inspectors if i.name == "traces-devicelog")
    for name in ("SetupApi.dev.log", "SETUPAPI.LOG"):
        assert device_log.wants_name(name), name
    # asked only about the names its prefix allows (Session 10: it was asked about every picked file)
    index = inspectors.index(device_log)
    for name in spellings:
        assert index in prefilter.asked(name), name
    for name in [*others, "setupapi_memo.log", "名簿.xlsx", "x.docx", "NTUSER.DAT"]:
        assert index not in prefilter.asked(name), name
