"""Issue 11, session 24 (other24): a compound file olefile fails on is parsed once per inspection, not twice.

The archive inspector sniffed a .doc's format (``tables._ole_kind``: ``olefile.OleFileIO``) and then read its embedded
objects (``legacy_embedded.doc_objects``: ``olefile.OleFileIO`` of the same bytes again); every fake .doc of a share
(the OLE2 signature, then noise: ``bench/make_share.py``) failed both parses the same way (~85 us each). Inside an
inspection the failure is now kept for those very bytes and raised again (``scanner.olefiles.held_ole``). Checked on
real compound files (Word, Excel and PowerPoint 97-2003 with and without objects, the corpus' .xls files) whole and
damaged: the same inspection with the hold as with every reader parsing on its own.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from pathlib import Path

import olefile
import pytest

from scanner import isolation
from scanner.config import ScanConfig
from scanner.contracts import NoProgress, ScanContext, ScanResult
from scanner.inspectors import archive, spreadsheet
from scanner.inspectors.archive import ArchiveInspector
from scanner.inspectors.spreadsheet import SpreadsheetInspector
from scanner.names import NameRules
from scanner.olefiles import held_ole, ole_file
from scanner.sources.local import LocalSource
from tests import test_containers as containers
from tests.conftest import ROOT

CORPUS = ROOT.parent / "shared" / "corpus" / "spreadsheets"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class _Channel:
    def send(self, message: object) -> None:
        return None


@pytest.fixture
def in_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan's worker: ``shared_worker()`` runs the readers here, as in a scan."""
    monkeypatch.setattr(isolation, "_CHANNEL", _Channel())


def fake_docs(n: int = 12) -> dict[str, bytes]:
    """Fake .doc files as bench/make_share.py writes them: the OLE2 signature, then 0.2-20 KB of noise."""
    rnd = random.Random(2401)
    out = {}
    for i in range(n):
        size = int(200 * (100 ** rnd.random()))
        out[f"fake{i}.doc"] = (OLE_MAGIC + rnd.randbytes(size))[:max(size, 8)]
    return out


def ole_files() -> dict[str, bytes]:
    """Real compound files (documents with and without objects, a workbook embedding one, the corpus' .xls), their
    damaged copies, and fake ones."""
    docs = containers.document_files()
    out = {name: data for name, data in docs.items() if data.startswith(OLE_MAGIC)}
    out.update(containers.damaged_files(docs))
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and path.read_bytes()[:8] == OLE_MAGIC:
            out[f"corpus-{path.name}"] = path.read_bytes()
    rnd = random.Random(2402)
    for name, data in list(out.items()):
        if data.startswith(OLE_MAGIC) and len(data) > 1024:
            stem, _, ext = name.rpartition(".")
            out[f"{stem}_head.{ext}"] = data[:512] + bytes(rnd.randrange(256) for _ in range(64)) + data[576:]
            out[f"{stem}_cut.{ext}"] = data[:len(data) // 2]
    out.update(fake_docs())
    return out


def _context(tmp_path: Path, inspectors: list) -> ScanContext:
    config = ScanConfig(sources=[str(tmp_path)], out=tmp_path / "unused", names=["x.xlsx"], parse_timeout=10)
    return ScanContext(config, NameRules(config.names, True), inspectors, ScanResult(config, started=""), NoProgress())


def _entry(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    entries = [e for e in LocalSource(str(tmp_path)).entries() if getattr(e, "name", None) == name]
    assert len(entries) == 1
    return entries[0]


def _seen(inspection) -> tuple:
    return (inspection.status, inspection.detail, list(inspection.reasons), repr(inspection.pii),
            [(type(c).__name__, str(getattr(c, "location", "")), getattr(c, "reason", None), getattr(c, "detail", None),
              getattr(c, "damage", None)) for c in inspection.children])


@contextlib.contextmanager
def _counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    opened = [0]
    real = olefile.OleFileIO.__init__

    def init(self, *a, **k):
        opened[0] += 1
        return real(self, *a, **k)

    monkeypatch.setattr(olefile.OleFileIO, "__init__", init)
    try:
        yield opened
    finally:
        monkeypatch.setattr(olefile.OleFileIO, "__init__", real)


def test_a_fake_doc_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_worker: None) -> None:
    """The archive inspector of a fake .doc: olefile fails on it once (its sniff), not again for its objects."""
    inspector = ArchiveInspector(ScanConfig(sources=[str(tmp_path)], out=tmp_path / "unused"))
    ctx = _context(tmp_path, [inspector])
    for name, data in fake_docs().items():
        entry = _entry(tmp_path, name, data)
        with _counted(monkeypatch) as opened:
            found = inspector.inspect(entry, data, "", ctx)
        assert found.status == "corrupt", name
        assert opened[0] == 1, (name, opened[0])


@pytest.mark.parametrize("inspector_class", [ArchiveInspector, SpreadsheetInspector])
def test_the_same_inspection_with_the_failure_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_worker: None,
                                                   inspector_class: type) -> None:
    """Every compound file (real, damaged, fake) inspected with the hold and with each reader parsing on its own."""
    inspector = inspector_class(ScanConfig(sources=[str(tmp_path)], out=tmp_path / "unused", parse_timeout=10))
    ctx = _context(tmp_path, [inspector])
    files = ole_files()
    assert len(files) > 60
    seen = {}
    for name, data in files.items():
        entry = _entry(tmp_path, name, data)
        seen[name] = _seen(inspector.inspect(entry, data, "", ctx))
    for module in (archive, spreadsheet):
        monkeypatch.setattr(module, "held_ole", lambda data: contextlib.nullcontext())
    differ = [name for name, data in files.items()
              if _seen(inspector.inspect(_entry(tmp_path, name, data), data, "", ctx)) != seen[name]]
    assert not differ
    assert sum(1 for s in seen.values() if s[0] == "corrupt") >= 12  # the fakes and damaged copies among them


def test_a_failure_is_raised_again_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second opener of held bytes gets an exception of the same type and text, without a parse; other bytes
    (an equal copy too) and a successful open are parsed each time."""
    data = next(iter(fake_docs().values()))
    copy = bytes(bytearray(data))
    with _counted(monkeypatch) as opened, held_ole(data):
        errors = []
        for which in (data, data, copy):
            try:
                ole_file(which).close()
            except Exception as e:  # noqa: BLE001 - what olefile raised, compared
                errors.append((type(e), str(e)))
        assert opened[0] == 2  # the held bytes once, the copy once
        assert len(errors) == 3 and len(set(errors)) == 1
    good = containers.document_files()["plain.doc"]
    with _counted(monkeypatch) as opened, held_ole(good):
        for _ in range(2):
            with ole_file(good) as ole:
                assert ole.exists("WordDocument")
        assert opened[0] == 2


def test_say_writes_every_code_as_before() -> None:
    """``say`` with its text template made once a code (``details._plain``) writes every code's text and codes as the
    template made afresh a call did (valid values, refused values written ``?``, missing and unknown parameters)."""
    import re

    from scanner import details
    from scanner.details import Detail, say

    values = {"d": 12, "list": ["utf-8", "cp932"], "word": "zip", "exc": "ValueError", "name": "名簿.xlsx",
              "lib": "bad header", "detail": say(Detail.OLE_CORRUPT), "mail": "eml", "archive": "zip"}
    slot = re.compile(r"\{(\w+)(?::(d|list|word|exc|name|lib|detail|mail|archive))?\}")
    checked = 0
    for code in Detail:
        kinds = {m.group(1): m.group(2) or "word" for m in slot.finditer(code.meaning)}
        given = [{name: values[kind] for name, kind in kinds.items()}, {name: object() for name in kinds},
                 {"unknown": 1}]
        for params in given:
            said = say(code, **params)
            filled = {}
            for name, kind in kinds.items():
                text = details._checked(kind, params[name]) if name in params else None
                filled[name] = "?" if text is None else text
            assert str(said) == slot.sub(lambda m: "{" + m.group(1) + "}", code.meaning).format_map(filled), code
            assert said.codes[0]["code"] == code.value
            checked += 1
    assert checked == 3 * len(Detail)
