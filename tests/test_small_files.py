"""Small local files (at most pipeline.SETTLE_BYTES) are read once, in the scan process, with one open and
no file object: an empty or settled file is examined there from that read, any other goes to a worker as
its bytes. The findings must be those of the usual path (each file read where it is examined), and a file
that changed between its stat and that read takes the usual path."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from scanner import examine, pipeline
from scanner.config import ScanConfig
from scanner.demo import LEAKED_NAME, client_list_csv, make_people
from scanner.examine import pick, read_once
from scanner.fingerprint import hash_stream
from scanner.pipeline import SETTLE_BYTES, Dispatcher, run_scan, scan_context
from scanner.sources import local, open_source
from scanner.sources.local import LocalEntry, LocalSource, file_stat
from scanner.timeutil import iso_utc
from scanner.work import BytesRef, FileOutcome, LiveRef


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every kind of small file a share holds under spreadsheet names, plus larger ones."""
    rnd = random.Random(11)
    root = tmp_path_factory.mktemp("small") / "share"
    (root / "sub").mkdir(parents=True)
    person = client_list_csv(make_people(3, seed=5))
    assert len(person) <= SETTLE_BYTES
    files = {
        "empty.xlsx": b"", "empty.csv": b"", LEAKED_NAME: b"",  # an empty name hit
        "sub/" + LEAKED_NAME: rnd.randbytes(200),  # a small name hit: to a worker, as bytes
        "noise.xlsx": bytes([0, 1, 2, 3, 0xFF]) * 40,  # settled here (no signature, no text)
        "memo.csv": b"memo\n" * 3, "persons.csv": person, "utf8.csv": "氏名,住所\n山田,東京\n".encode(),
        "sub/zip.xlsx": b"PK\x03\x04" + rnd.randbytes(100),  # a signature: a worker decides
        "sub/edge.xlsx": bytes([0, 1, 2]) * (SETTLE_BYTES // 3) + b"\0" * (SETTLE_BYTES % 3),  # exactly 512
        "sub/larger.csv": b"memo\n" * 200,  # over the limit: the worker opens it itself
        "~$" + LEAKED_NAME: b"\x05yamada" + b"\x00" * 100,  # an Excel lock file: its inspector reads it itself
    }
    for i in range(8):
        files[f"sub/r{i}.xlsx"] = rnd.randbytes(rnd.randint(16, 400))
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


def _listing(result: object) -> tuple:
    hits = sorted((h.location.path, str(h.status), h.status_detail, tuple(map(str, h.reasons)), h.digests, h.stat,
                   h.type, h.type_mismatch, repr(h.pii)) for h in result.hits)  # type: ignore[attr-defined]
    skipped = sorted((s.location.path, str(s.reason), s.detail, s.sha256) for s in result.skipped)  # type: ignore[attr-defined]
    prints = sorted((p.records, p.nameless, len(p.persons), len(p.rows or ()))  # keyed per scan: counted only
                    for p in result.prints.values())  # type: ignore[attr-defined]
    return hits, skipped, prints, result.files_seen, result.bytes_read, result.inspected  # type: ignore[attr-defined]


def test_small_files_read_once_give_the_findings_of_the_usual_path(tree: Path, tmp_path: Path) -> None:
    sent: list[tuple[str, str]] = []
    here: list[tuple[str, bool]] = []
    opened: list[str] = []
    read_here: list[str] = []
    files_opened: list[str] = []
    submit, run_here, open_ = Dispatcher._submit, Dispatcher._run_here, LocalEntry.open
    os_open = local._open_noatime
    quiet_empty = Dispatcher._quiet_empty

    def watched_submit(self: Dispatcher, unit: list) -> None:
        sent.extend((t.name, type(t.ref).__name__) for t in unit)
        submit(self, unit)

    def watched_here(self: Dispatcher, task: object) -> None:
        here.append((task.name, isinstance(task.ref, LiveRef) and task.ref.read is not None))  # type: ignore[attr-defined]
        run_here(self, task)  # type: ignore[arg-type]

    def watched_quiet(self: Dispatcher, entry: object, task: object) -> bool:  # an empty file counted here, unrun
        settled = quiet_empty(self, entry, task)  # type: ignore[arg-type]
        if settled:
            here.append((task.name, True))  # type: ignore[attr-defined]
        return settled

    def watched_open(self: LocalEntry) -> object:
        opened.append(self.name)
        return open_(self)

    def watched_read(entry: LocalEntry, *args: object, **kw: object) -> object:  # the read pass made here
        read_here.append(os.fsdecode(entry.fs_path))
        return read_once(entry, *args, **kw)  # type: ignore[arg-type]

    def watched_os_open(path: bytes, flags: int, dir_fd: int | None = None) -> int:  # every file the scan process opens
        if flags == local._FILE_FLAGS:
            folder = os.readlink(f"/proc/self/fd/{dir_fd}") if dir_fd is not None else ""
            files_opened.append(os.path.join(folder, os.fsdecode(path)))
        return os_open(path, flags, dir_fd)

    found = {}
    for workers in (0, 2):  # 0: every file read where it is examined (this process), as before
        config = ScanConfig(sources=[str(tree)], names=[LEAKED_NAME], out=str(tmp_path / f"out{workers}"))
        Dispatcher._submit, Dispatcher._run_here = watched_submit, watched_here  # type: ignore[method-assign]
        Dispatcher._quiet_empty = watched_quiet  # type: ignore[method-assign]
        LocalEntry.open, pipeline.read_once, local._open_noatime = watched_open, watched_read, watched_os_open  # type: ignore[method-assign,assignment]
        try:
            found[workers] = _listing(run_scan(config, [open_source(str(tree))], workers=workers))
        finally:
            Dispatcher._submit, Dispatcher._run_here = submit, run_here  # type: ignore[method-assign]
            Dispatcher._quiet_empty = quiet_empty  # type: ignore[method-assign]
            LocalEntry.open, pipeline.read_once, local._open_noatime = open_, read_once, os_open  # type: ignore[method-assign]
        if workers:
            by_ref = dict(sent)
            assert by_ref[LEAKED_NAME] == "BytesRef"  # the small name hit (the empty one is settled here)
            for name in ("memo.csv", "persons.csv", "utf8.csv", "zip.xlsx"):
                assert by_ref[name] == "BytesRef", name
            assert by_ref["larger.csv"] == by_ref["~$" + LEAKED_NAME] == "LocalRef"
            read_names = {p.rsplit("/", 1)[-1] for p in read_here}
            assert "~$" + LEAKED_NAME not in read_names and "larger.csv" not in read_names  # not read here at all
            assert len(read_here) == len(set(read_here))  # once each
            settled = dict(here)
            for name in ("empty.xlsx", "empty.csv", "noise.xlsx", "edge.xlsx"):
                assert settled[name] is True, name  # examined here from the one read
            small = {p.name for p in tree.rglob("*") if p.is_file() and p.stat().st_size <= SETTLE_BYTES}
            assert not small & set(opened)  # read once, by read_small, never opened as a file object
            for path in tree.rglob("*"):  # pick23: a tiny fake .xlsx was opened twice here (its head, then its read
                if path.is_file() and path.stat().st_size <= SETTLE_BYTES:  # pass)
                    assert files_opened.count(str(path)) <= 1, path
        sent.clear(), here.clear(), opened.clear(), read_here.clear(), files_opened.clear()
    assert found[0] == found[2]
    hits, skipped, prints, files_seen, _bytes, _inspected = found[2]
    # every file seen; sub/zip.xlsx (a zip signature, then noise) is read from its local headers since Session 8,
    # and what they claim is seen too: members count as files seen, as in any archive
    assert sum(1 for p in tree.rglob("*") if p.is_file()) <= files_seen <= sum(1 for p in tree.rglob("*") if p.is_file()) + 1
    assert {h[0].rsplit("/", 1)[-1] for h in hits} >= {LEAKED_NAME, "persons.csv"}
    assert ("noise.xlsx", "unsupported") in {(s[0].rsplit("/", 1)[-1], s[1]) for s in skipped}


def _candidates(tree: Path) -> dict[str, tuple]:
    config = ScanConfig(sources=[str(tree)], names=[LEAKED_NAME], out=str(tree.parent / "unused"))
    ctx = scan_context(config)
    out = {}
    with LocalSource(str(tree)) as source:  # read while the walk is in each folder, as the scan does
        for batch in source.batches():
            for i in range(len(getattr(batch, "names", []))):
                entry = batch.entry(i)  # type: ignore[union-attr]
                cand = pick(entry, ctx, FileOutcome())
                if cand is not None:
                    out[entry.name] = (entry, cand, read_once(entry, cand, config.max_inspect_bytes))
    return out


def test_read_once_is_the_read_pass(tree: Path) -> None:
    for name, (entry, cand, read) in _candidates(tree).items():
        assert read is not None, name
        with open(entry.fs_path, "rb") as f:
            usual = hash_stream(f, keep_limit=ScanConfig.max_inspect_bytes if cand.wanted else 0)
        assert (read.digests, read.head, read.data) == (usual.digests, usual.head, usual.data), name


def test_a_file_that_changed_after_its_stat_takes_the_usual_path(tmp_path: Path) -> None:
    root = tmp_path / "share"
    root.mkdir()
    (root / "grew.csv").write_bytes(b"memo\n")
    (root / "same.csv").write_bytes(b"memo\n")
    config = ScanConfig(sources=[str(root)], names=[LEAKED_NAME], out=str(tmp_path / "unused"))
    ctx = scan_context(config)
    with LocalSource(str(root)) as source:
        for batch in source.batches():
            for i in range(len(getattr(batch, "names", []))):
                entry = batch.entry(i)  # type: ignore[union-attr]
                cand = pick(entry, ctx, FileOutcome())
                assert cand is not None
                if entry.name == "grew.csv":
                    with open(root / "grew.csv", "ab") as f:
                        f.write(b"more\n")
                    assert read_once(entry, cand, config.max_inspect_bytes) is None
                    assert Dispatcher(ctx, object())._small(entry, cand) is None  # type: ignore[arg-type]
                else:
                    assert isinstance(Dispatcher(ctx, object())._small(entry, cand), BytesRef)  # type: ignore[arg-type]


def test_file_stat_converts_each_time_as_iso_utc_does(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_bytes(b"x")
    for atime_ns, mtime_ns in ((1_700_000_000_123_456_789, 1_700_000_000_123_456_789),
                               (1_600_000_000_000_000_000, 1_700_000_000_999_999_500), (0, 1)):
        os.utime(f, ns=(atime_ns, mtime_ns))
        st = os.stat(f)
        got = file_stat(st)
        assert (got.mtime, got.atime, got.ctime) == (iso_utc(st.st_mtime), iso_utc(st.st_atime), iso_utc(st.st_ctime))
        assert got.size == 1


def _zip_with(names: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in names.items():
            z.writestr(name, data)
    return buf.getvalue()


def _scanned_watching_here(tree: Path, tmp_path: Path) -> tuple[dict[int, tuple], list[str]]:
    """The listings of TREE scanned with 0 and with 2 workers, and the names the 2-worker scan settled in the scan
    process (``Dispatcher._run_here``), sorted."""
    here: list[str] = []
    run_here = Dispatcher._run_here

    def watched(self: Dispatcher, task: object) -> None:
        here.append(task.name)  # type: ignore[attr-defined]
        run_here(self, task)  # type: ignore[arg-type]

    found = {}
    for workers in (0, 2):
        here.clear()
        config = ScanConfig(sources=[str(tree)], names=[LEAKED_NAME], out=str(tmp_path / f"out{workers}"))
        Dispatcher._run_here = watched  # type: ignore[method-assign]
        try:
            found[workers] = _listing(run_scan(config, [open_source(str(tree))], workers=workers))
        finally:
            Dispatcher._run_here = run_here  # type: ignore[method-assign]
    return found, sorted(here)


def test_zip_signature_then_noise_is_settled_here_by_its_inspectors_size(tmp_path: Path) -> None:
    """A zip signature followed by noise (a fake .docx/.pptx/.zip of a few KiB: no directory, no local header
    naming a member) and a compound file with no message stream (a fake .msg) are settled in the scan process up
    to their inspector's ``settle_bytes`` (64 KiB), not only up to SETTLE_BYTES: listed as a worker lists them
    (corrupt, no member rows from garbage names). A document cut before its directory, a zip cut just after its
    first member's name (a name hit), a whole zip and a real-looking .msg still go to a worker."""
    from scanner.inspectors.archive_formats import NO_MEMBER
    from scanner.inspectors.mail_outlook import MSG_MARK, OLE_MAGIC
    from tests.test_embedded import WORD, package

    rnd = random.Random(20261205)
    tree = tmp_path / "share"
    tree.mkdir()
    head = b"PK\x03\x04\x14\x00\x06\x00"  # what a zip writer starts with; the rest is noise
    whole_doc = package(WORD, {"Microsoft_Excel_Worksheet1.xlsx": _zip_with({"xl/workbook.xml": b"<w/>" * 200})})
    named = _zip_with({LEAKED_NAME: rnd.randbytes(3000)})
    files = {
        "fake.docx": head + rnd.randbytes(3000), "fake.pptx": head + rnd.randbytes(20000),
        "fake.zip": head + rnd.randbytes(5000), "fake.msg": OLE_MAGIC + rnd.randbytes(4000),
        "cut.docx": whole_doc[:whole_doc.index(b"embeddings/") - 30],  # its local headers are whole: read in a worker
        "named.zip": named[:600],  # cut in the member: its name is whole
        "whole.zip": _zip_with({"memo.txt": rnd.randbytes(2000)}),
        "real.msg": OLE_MAGIC + rnd.randbytes(1000) + MSG_MARK + rnd.randbytes(1000),
    }
    for name, data in files.items():
        assert SETTLE_BYTES < len(data) <= 1 << 16, name
        (tree / name).write_bytes(data)
    found, here = _scanned_watching_here(tree, tmp_path)
    # (a fake .docx went to a worker from doctables17 to cheap21: the spreadsheet inspector, which reads documents'
    # tables, had no settle for it; test_a_zip_signature_then_noise_under_a_documents_name_is_settled_here)
    assert here == ["fake.docx", "fake.msg", "fake.pptx", "fake.zip"]
    assert found[0][:3] == found[2][:3]
    hits, skipped = found[2][0], found[2][1]
    rows = {(p.rsplit("/", 1)[-1], reason, detail) for p, reason, detail, _ in skipped}
    for name in ("fake.docx", "fake.pptx", "fake.zip"):
        assert (name, "corrupt", NO_MEMBER) in rows
    members = sorted(p for p, *_ in skipped if not p.startswith(str(tree)))
    assert members == sorted(["memo.txt", LEAKED_NAME]), members  # of whole.zip and named.zip; none from noise
    assert ("fake.msg", "corrupt", "msg: no Outlook message stream (__substg1.0_) found") in rows
    cut = [d for p, r, d, _ in skipped if p.endswith("/cut.docx")]
    assert cut and "members read from their local headers" in cut[0]  # Session 8's reading of a cut document
    assert [h[0] for h in hits] == [LEAKED_NAME]  # the member of the cut named.zip: its whole name still hits
    assert all(s[3] for s in skipped if s[0].rsplit("/", 1)[-1].startswith("fake."))  # digests of settled files


def test_no_member_check_agrees_with_the_local_header_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """``zip_names_no_member`` says a zip gives nothing only when the local-header reader a worker runs gives no
    member with content and no whole, plausible name (a flipped byte in a name does not stop the member's data): on noise after a signature, signatures pasted into noise,
    real zips cut at every length and with flipped bytes. It never says so of a zip whose directory is there."""
    import zipfile

    from scanner.inspectors.archive_formats import _zip_local_entries, zip_names_no_member

    names: list[str] = []  # each name as the reader decoded it, before ZipInfo cuts it at a NUL

    class Named(zipfile.ZipInfo):
        def __init__(self, filename: str = "NoName", *args: object, **kwargs: object) -> None:
            names.append(filename)
            super().__init__(filename, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile, "ZipInfo", Named)
    rnd = random.Random(7)
    real = _zip_with({"[Content_Types].xml": b"<Types/>" * 30, "word/document.xml": rnd.randbytes(300),
                      LEAKED_NAME: b"x" * 200})
    samples = [real[:n] for n in range(len(real))]
    samples += [b"PK\x03\x04" + rnd.randbytes(rnd.randint(0, 3000)) for _ in range(400)]
    for _ in range(400):
        noise = bytearray(b"PK\x03\x04" + rnd.randbytes(rnd.randint(30, 2000)))
        for _ in range(rnd.randint(1, 3)):
            at = rnd.randrange(len(noise))
            noise[at:at] = b"PK\x03\x04" + bytes(rnd.choice([(0, 0), (4, 0), (rnd.randrange(256), 0)]))[:2] * 11
        samples.append(bytes(noise))
    for _ in range(400):
        flipped = bytearray(real[:rnd.randint(30, len(real))])
        for _ in range(rnd.randint(1, 4)):
            flipped[rnd.randrange(len(flipped))] = rnd.randrange(256)
        samples.append(bytes(flipped))
    settled = 0
    for data in samples:
        if not zip_names_no_member(data):
            continue
        settled += 1
        names.clear()
        for _info, content, why in _zip_local_entries(data, 1 << 20):
            name = names[-1]
            assert not content, (data[:60], name)
            assert not name or why == "its local header is cut" or any(ord(c) < 32 or c == "\x7f" for c in name) or (
                name.startswith("damaged-name-at-")), name  # (a damaged length: named by its offset, review20w)
    assert settled > 400  # most noise is settled
    assert not any(zip_names_no_member(real[:n]) for n in range(30 + len("[Content_Types].xml"), len(real) + 1))
    assert not zip_names_no_member(real)


def test_a_pdf_naming_no_attachment_is_settled_here_and_any_other_goes_to_a_worker(tmp_path: Path) -> None:
    """A PDF up to 64 KiB whose bytes name no attached file (``PdfInspector.settles_here``: the worker's ``inspect``
    would decode nothing) is examined in the scan process from its one read (speed20: every PDF went to a worker);
    one naming an attachment past its head or in ``#xx`` escapes, a larger one, a name hit, and a PDF under a picture's
    name (a content-over-name hit, whose type libmagic gives) still go to a worker. The findings are those of a
    scan without workers, the attachment's persons are read."""
    from tests.test_walk_reads import _late_attached_pdf, _plain_pdf

    rnd = random.Random(20261207)
    tree = tmp_path / "share"
    tree.mkdir()
    late = _late_attached_pdf()
    files = {
        "plain.pdf": _plain_pdf(), "noise.pdf": b"%PDF-1.4\n" + rnd.randbytes(3000),
        "late.pdf": late, "escaped.pdf": late.replace(b"/EmbeddedFile", b"/Embedded#46ile"),
        "large.pdf": _plain_pdf() + b"%" + b"x" * (1 << 16) + b"\n", "scan.jpg": _plain_pdf(),
        LEAKED_NAME.replace(".xlsx", ".pdf"): _plain_pdf(),
    }
    assert files["late.pdf"].index(b"/EmbeddedFile") > 512 and b"/EmbeddedFile" not in files["escaped.pdf"]
    for name, data in files.items():
        (tree / name).write_bytes(data)
    found, here = _scanned_watching_here(tree, tmp_path)
    assert here == ["noise.pdf", "plain.pdf"]
    assert found[0] == found[2]
    hits = {path.rsplit("/", 1)[-1].split(" » ")[-1]: reasons for path, _, _, reasons, *_ in found[2][0]}
    assert "extension-mismatch" in hits["scan.jpg"]
    assert "pii" in hits["名簿.csv"] and found[2][2]  # the attachment of late.pdf (and escaped.pdf): its persons
    assert found[2][5] == len(files) + 2  # every PDF inspected, and the two attachments


def test_a_zip_signature_then_noise_under_a_documents_name_is_settled_here(tmp_path: Path) -> None:
    """A zip signature followed by noise under a Word or OpenDocument text's name (a fake .docx of up to 64 KiB: no
    directory, no local header naming a member) is settled in the scan process like a fake .pptx (cheap21: the
    spreadsheet inspector wanted it for its tables, so each went to a worker, ~6 % of share-20000's CPU, where
    ``_tables`` found no document part and gave nothing; the archive inspector lists it). Noise too small for an
    embedding (the spreadsheet inspector lists it), noise that names a workbook part (read as one), a document over
    64 KiB and a real package still go to a worker; the findings are those of a scan without workers."""
    from scanner.doctail import SMALLEST_WITH_EMBEDDING
    from scanner.inspectors.archive_formats import zip_names_no_member
    from tests.test_embedded import WORD, package

    rnd = random.Random(20261207)
    tree = tmp_path / "share"
    tree.mkdir()

    def fake(n: int, tail: bytes = b"") -> bytes:  # what a zip writer starts with, then noise naming no member
        while not zip_names_no_member(data := b"PK\x03\x04\x14\x00\x06\x00" + rnd.randbytes(n) + tail):
            pass
        return data

    files = {
        "fake.docx": fake(3000), "fake.docm": fake(20000), "fake.odt": fake(5000),
        "tiny.docx": fake(300),  # (<= 512 bytes: read by ``_small``)
        "cut.docx": fake(60),  # too small for an embedding: the spreadsheet inspector lists it (zip-corrupt)
        "names.docx": fake(2000, b"xl/workbook.xml" + rnd.randbytes(500)),  # a workbook part named: read as one
        "large.docx": fake(70000),  # over 64 KiB: a worker's, as before (the archive inspector's alone now)
        "real.docx": package(WORD, {}),
    }
    for name, data in files.items():
        (tree / name).write_bytes(data)
        assert zip_names_no_member(data) == (name != "real.docx"), name
    assert len(files["cut.docx"]) < SMALLEST_WITH_EMBEDDING < len(files["tiny.docx"])
    found, here = _scanned_watching_here(tree, tmp_path)
    assert here == ["fake.docm", "fake.docx", "fake.odt", "tiny.docx"]
    assert found[0] == found[2]
    rows = {(p.rsplit("/", 1)[-1], reason) for p, reason, _detail, sha in found[2][1] if sha}
    assert {(n, "corrupt") for n in files if n != "real.docx"} <= rows


def test_the_spreadsheet_inspector_passes_over_only_documents_it_would_find_nothing_in(tmp_path: Path) -> None:
    """Where the spreadsheet inspector does not want a small document whose bytes are a zip signature then noise
    (cheap21, ``_document_noise``), its ``inspect`` of those bytes gives a bare Inspection and the archive inspector
    wants the file: dropping it changes no finding. Asked of noise, noise naming parts, and real packages cut at
    every length and with bytes flipped, under every name it applies to and some it does not."""
    from scanner.contracts import Inspection
    from scanner.examine import LazyHead
    from scanner.inspectors.archive import ArchiveInspector
    from scanner.inspectors.spreadsheet import SpreadsheetInspector
    from tests.test_embedded import WORD, package

    rnd = random.Random(21)
    config = ScanConfig(sources=[str(tmp_path)], names=[LEAKED_NAME], out=str(tmp_path / "unused"))
    ctx = scan_context(config)
    sheets, archives = SpreadsheetInspector(config), ArchiveInspector(config)
    real = package(WORD, {})
    head = b"PK\x03\x04\x14\x00\x06\x00"
    samples = [head + rnd.randbytes(rnd.randint(0, 4000)) for _ in range(150)]
    samples += [head + rnd.randbytes(rnd.randint(100, 2000)) + part + rnd.randbytes(200)
                for part in (b"xl/workbook.xml", b"word/document.xml", b"/embeddings/", b"content.xml", b"PK\x01\x02")
                for _ in range(10)]
    samples += [real[:n] for n in range(0, len(real), 7)]
    for _ in range(100):
        flipped = bytearray(real[:rnd.randint(30, len(real))])
        for _ in range(rnd.randint(1, 4)):
            flipped[rnd.randrange(len(flipped))] = rnd.randrange(256)
        samples.append(bytes(flipped))
    passed = 0
    for k, data in enumerate(samples):
        for ext in (".docx", ".docm", ".dotx", ".odt", ".ott", ".pptx", ".rtf", ".sxw"):
            folder = tmp_path / f"{k}{ext[1:]}"
            folder.mkdir()
            (folder / f"f{ext}").write_bytes(data)
            with LocalSource(str(folder)) as source:
                for batch in source.batches():
                    entry = batch.entry(0)  # type: ignore[union-attr]
                    if sheets.wants(entry, len(data), LazyHead(entry)) or not data:
                        continue
                    before = sheets._without_tables(entry, len(data))  # noqa: SLF001
                    if before is not None:
                        continue  # not wanted for another reason (a package without a table: doctables17)
                    passed += 1
                    assert ext in (".docx", ".docm", ".dotx", ".odt", ".ott", ".pptx"), ext  # (.pptx: slide tables read since xml21)
                    assert sheets.inspect(entry, data, "", ctx) == Inspection(), (ext, data[:40])
                    assert archives.wants(entry, len(data), LazyHead(entry)), (ext, data[:40])
    assert passed > 500


def test_no_end_record_is_what_zipfile_refuses_and_the_document_checks_answer_as_with_zipfile(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``doctables.no_zip_end`` (pick23) stands for building a ZipFile to learn it has no end record: where it says so,
    zipfile raises BadZipFile, and ``document_kind`` / ``without_tables`` answer as they do when they ask zipfile
    (noise after a zip signature, real .docx/.pptx/.odt/.xlsx cut at every 37th byte and with bytes flipped, an end
    record more than 64 KiB before the end, a comment of 60,000 bytes after it)."""
    import io
    import zipfile

    from scanner import doctables
    from tests.document_data import docx_with_table, odt_with_table, people_rows
    from tests.test_embedded import WORD, package

    rnd = random.Random(20261207)
    rows = people_rows(5)
    real = [docx_with_table(rows), odt_with_table(rows), package(WORD, {}), _zip_with({"ppt/slides/slide1.xml": b"<p/>"}),
            _zip_with({"xl/workbook.xml": b"<w/>", "[Content_Types].xml": b"<T/>"})]
    samples = [b"PK\x03\x04\x14\x00\x06\x00" + rnd.randbytes(n) for n in (0, 10, 100, 3000, 70000)]
    for doc in real:
        samples += [doc[:cut] for cut in range(0, len(doc), 37)]
        for _ in range(30):
            flipped = bytearray(doc)
            flipped[rnd.randrange(len(doc))] ^= 1 << rnd.randrange(8)
            samples.append(bytes(flipped))
        commented = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(doc)) as src, zipfile.ZipFile(commented, "w") as dst:
            for info in src.infolist():
                dst.writestr(info, src.read(info))
            dst.comment = b"c" * 60000
        samples += [commented.getvalue(), doc + b"\0" * 70000]  # found in the window; the record too far back
    answers, refused = [], 0
    for data in samples:
        if doctables.no_zip_end(data):
            refused += 1
            with pytest.raises(zipfile.BadZipFile):
                zipfile.ZipFile(io.BytesIO(data))
        answers.append((doctables.document_kind(data), doctables.without_tables(data, 1 << 20)))
    monkeypatch.setattr(doctables, "no_zip_end", lambda data: False)  # zipfile asked every time, as before
    assert answers == [(doctables.document_kind(d), doctables.without_tables(d, 1 << 20)) for d in samples]
    assert 100 < refused < len(samples) - 100
    assert {a[0] for a in answers} >= {"docx", "odt", "pptx", None}


def test_a_tiny_file_that_grew_before_its_head_read_gives_the_whole_head(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """review23p: a share being written to: listed at 10 bytes, 600 by the time its head is read. pick23 read a
    file no longer than its head as size + 1 bytes (one open for head and hash), so the content checks saw 11
    bytes of it where they saw 512 before; the head is the file's first 512 bytes, and the read pass still sees
    the change (the usual path)."""
    root = tmp_path / "share"
    root.mkdir()
    body = b"id;note\n" + b"1;" + b"x" * 590 + b"\n"
    (root / "grew.xlsx").write_bytes(body[:10])
    config = ScanConfig(sources=[str(root)], names=[LEAKED_NAME], out=str(tmp_path / "unused"))
    ctx = scan_context(config)
    heads: list[bytes] = []
    call = examine.LazyHead.__call__

    def watched(self: examine.LazyHead) -> bytes:
        got = call(self)
        heads.append(got)
        return got

    stat = LocalEntry.stat_sized

    def growing(self: LocalEntry) -> object:
        got = stat(self)
        (root / "grew.xlsx").write_bytes(body)  # written to after the walk's stat
        return got

    monkeypatch.setattr(examine.LazyHead, "__call__", watched)
    monkeypatch.setattr(LocalEntry, "stat_sized", growing)
    with LocalSource(str(root)) as source:
        for batch in source.batches():
            for i in range(len(getattr(batch, "names", []))):
                entry = batch.entry(i)  # type: ignore[union-attr]
                cand = pick(entry, ctx, FileOutcome())
                if cand is not None:
                    assert read_once(entry, cand, config.max_inspect_bytes) is None
    assert heads and all(h == body[:512] for h in heads)
