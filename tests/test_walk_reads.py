"""The scan process's cheap checks of mail and its resume state, made cheaper (speed19, issue 11), answer as before.

- The mail inspector's walk checks of a local .msg (its compound-file directory) and of a .eml whose header block
  runs past the 512-byte head read a small file in one open (``read_small``) instead of a file object: every answer
  equals the file-object path's, over generated messages (with and without attachments or a body, damaged, cut,
  larger than the one-open size, saved under other names).
- A small file whose name's checks read past its head (a document, a message, a PDF: ``examine.REREAD_EXTS``) is
  read whole when its head is first asked for, and the checks take their bytes from that read (one open): ``pick``
  answers as with a fresh open for each read, over every person-table format under every such name, real
  documents with and without tables, PDFs with and without an attachment, and noise under document signatures.
- The resume state writes the files recorded since its last commit in the commit that marks a unit in flight, and
  the outcome of a file read with nothing found as the text json.dumps gave it: a process killed with SIGKILL right
  after marking a unit leaves those rows readable, and a resume replays them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import mail_data as md
import pytest
from conftest import ROOT

import scanner.examine as examine
import scanner.sources.local as local_source
from scanner.config import ScanConfig
from scanner.contracts import ResultMark, ScanResult
from scanner.examine import REREAD_EXTS, WHOLE_SMALL, LazyHead, pick
from scanner.pipeline import scan_context
from scanner.sources import open_source
from scanner.sources.base import NameBatch
from scanner.sources.local import LocalEntry
from scanner.state import _READ_ONLY, ScanState

ROWS = "氏名,住所,電話番号\n" + "".join(f"山田 太郎{i},東京都千代田区{i}-1,03-1234-{i:04d}\n" for i in range(30))


def _eml(headers: int, body: str, attach: bool = False) -> bytes:
    received = "".join(f"Received: from relay{i}.example.jp (relay{i}.example.jp [192.0.2.{i}]) by mx.example.jp "
                       f"with ESMTP id ABCDEF{i:04d}; Mon, 1 Jan 2024 00:00:{i % 60:02d} +0900\n" for i in range(headers))
    head = (f"{received}From: a@example.jp\nTo: b@example.jp\nSubject: test\nDate: Mon, 1 Jan 2024 00:00:00 +0900\n"
            "MIME-Version: 1.0\n")
    if not attach:
        return (head + "Content-Type: text/plain; charset=utf-8\n\n" + body).encode()
    return (head + 'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain; charset=utf-8\n\n'
            + body + '\n--b\nContent-Type: text/csv; name="a.csv"\nContent-Disposition: attachment; filename="a.csv"\n\n'
            + ROWS + "\n--b--\n").encode()


@pytest.fixture(scope="module")
def mail_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("msgwork")
    tree = tmp_path_factory.mktemp("mailtree")
    plain = md.msg_file(work, "連絡", [])
    attached = md.msg_file(work, "名簿送付", [("名簿.csv", ROWS.encode("cp932"))])
    body = md.msg_file(work, "本文", [], bodies={"__substg1.0_1000001F": ROWS.encode("utf-16-le")})
    large = md.msg_file(work, "大きい", [("blob.bin", os.urandom(90_000))])
    files = {"plain.msg": plain, "attached.msg": attached, "body.msg": body, "large.msg": large,
             "cut.msg": attached[:1536], "half.msg": attached[: len(attached) // 2], "tiny.msg": plain[:600],
             "名簿.doc": attached, "memo.doc": plain, "data.dat": attached, "other.dat": plain,
             "renamed.xlsx": attached, "named.oft": body,
             "short.eml": _eml(0, "こんにちは"), "long.eml": _eml(40, "こんにちは"),
             "long_table.eml": _eml(40, ROWS), "long_attached.eml": _eml(40, "添付します", attach=True),
             "cut_header.eml": _eml(40, "x")[:3000], "huge_header.eml": _eml(400, "x"),
             "mail.txt": _eml(40, ROWS), "mail.csv": _eml(40, "x", attach=True)}
    assert len(large) > 1 << 16  # past the one-open size: the file-object path
    for name, data in files.items():
        (tree / name).write_bytes(data)
    return tree


def _answers(tree: Path) -> tuple[dict[str, bool], list[str]]:
    """Each file's MailInspector.wants, asked during the walk (while it is in the folder), and the files it opened
    with a file object."""
    config = ScanConfig(sources=[str(tree)], out=str(tree.parent / "unused"))
    mail = next(i for i in scan_context(config).inspectors if i.name == "mail")
    opened: list[str] = []
    open_ = LocalEntry.open

    def watched_open(self: LocalEntry) -> object:
        opened.append(self.name)
        return open_(self)

    answers = {}
    LocalEntry.open = watched_open  # type: ignore[method-assign]
    try:
        source = open_source(str(tree))
        with source:
            for item in source.batches():  # type: ignore[attr-defined]
                if isinstance(item, NameBatch):
                    for i in range(len(item.names)):
                        entry = item.entry(i)
                        answers[entry.name] = mail.wants(entry, entry.stat().size, LazyHead(entry, 512))
    finally:
        LocalEntry.open = open_  # type: ignore[method-assign]
    return answers, opened


def test_mail_walk_checks_read_in_one_open_answer_as_through_a_file_object(mail_tree: Path) -> None:
    now, opened_now = _answers(mail_tree)
    read_small = LocalEntry.read_small
    LocalEntry.read_small = lambda self, limit: None  # type: ignore[method-assign]  # the file-object path (before)
    try:
        before, opened_before = _answers(mail_tree)
    finally:
        LocalEntry.read_small = read_small  # type: ignore[method-assign]
    assert now == before
    assert len(now) == 21
    assert now["attached.msg"] and now["body.msg"] and not now["plain.msg"] and now["long_attached.eml"]
    assert now["名簿.doc"] and now["data.dat"] and not now["short.eml"] and not now["long.eml"]
    # the checks that read past the head did so with a file object before, in one open now (but the large .msg)
    for name in ("attached.msg", "plain.msg", "long.eml", "long_table.eml", "名簿.doc", "data.dat"):
        assert name in opened_before and name not in opened_now, name
    assert "large.msg" in opened_now


def _plain_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _late_attached_pdf() -> bytes:
    """A PDF whose attachment was added by an incremental update (as Acrobat saves one): the attachment's name is
    past the head the walk reads first, so only the search of the whole small file finds it (review19s: no file of
    the tree needed that search, and a fast path that found nothing passed every test)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    w = PdfWriter()
    page = w.add_blank_page(200, 200)
    text = DecodedStreamObject()
    text.set_data(b"BT /F1 12 Tf 10 10 Td (minutes) Tj ET\n" * 200)
    page[NameObject("/Contents")] = w._add_object(text)
    base = io.BytesIO()
    w.write(base)
    again = PdfWriter(io.BytesIO(base.getvalue()), incremental=True)
    again.add_attachment("名簿.csv", ROWS.encode("cp932"))
    buf = io.BytesIO()
    again.write(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def document_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import random

    import document_data as dd
    from disguise_matrix_data import _pdf, contents

    work = tmp_path_factory.mktemp("docwork")
    tree = tmp_path_factory.mktemp("doctree")
    rows = dd.people_rows(20)
    made = contents(work)
    made |= {"docx-table": dd.docx_with_table(rows), "docx-plain": dd.docx_bytes(dd.w_para("議事録")),
             "doc-table": dd.doc_with_table(rows), "rtf-table": dd.rtf_with_table(rows),
             "odt-table": dd.odt_with_table(rows), "odt-plain": dd.odt_bytes(dd.w_para("x")),
             "pdf-plain": _plain_pdf(), "pdf-late": _late_attached_pdf(),
             "msg-plain": md.msg_file(work, "連絡", [])}
    rnd = random.Random(19)
    for magic in (b"PK\x03\x04\x14\x00\x06\x00", b"%PDF-1.4\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf1"):
        for n in (40, 700, 5000):  # noise under a document's signature (bench/make_share.py's others)
            made[f"noise{magic[:2].hex()}-{n}"] = magic + rnd.randbytes(n)
    assert all(len(data) <= WHOLE_SMALL for data in made.values())
    exts = sorted(REREAD_EXTS) + [".xlsx", ".txt"]
    for kind, data in made.items():
        for ext in exts:
            (tree / f"{kind}{ext}").write_bytes(data)
    (tree / "large.pdf").write_bytes(_pdf("名簿.csv", b"a,b\n" * 30_000))  # past the whole read: as before
    return tree


_OPENS = [0]


def _open_count() -> int:
    return _OPENS[0]


def _walk(tree: Path, ask: Callable[[LocalEntry], object]) -> tuple[dict[str, object], int]:
    """``ask`` of every file, during the walk (while it is in the folder), and the files opened meanwhile."""
    opens = [0]
    open_noatime = local_source._open_noatime

    def counted(*args: object) -> int:
        opens[0] += 1
        _OPENS[0] += 1
        return open_noatime(*args)  # type: ignore[arg-type]

    answers: dict[str, object] = {}
    local_source._open_noatime = counted  # type: ignore[assignment]
    try:
        source = open_source(str(tree))
        with source:
            for item in source.batches():  # type: ignore[attr-defined]
                if isinstance(item, NameBatch):
                    for i in range(len(item.names)):
                        entry = item.entry(i)
                        answers[entry.name] = ask(entry)  # type: ignore[arg-type]
    finally:
        local_source._open_noatime = open_noatime  # type: ignore[assignment]
    return answers, opens[0]


def _picks(tree: Path) -> tuple[dict[str, object], int]:
    """``pick`` of every file: its candidate or its recorded skip."""
    config = ScanConfig(sources=[str(tree)], out=str(tree.parent / "unused"))
    ctx = scan_context(config)

    def ask(entry: LocalEntry) -> object:
        result = ScanResult(config=config, started="2026-01-01T00:00:00Z")
        cand = pick(entry, ctx, result)  # type: ignore[arg-type]
        return cand, [(s.reason, str(s.detail)) for s in result.skipped]

    return _walk(tree, ask)


def test_pick_of_small_documents_read_once_answers_as_reads_each_in_their_own_open(
        document_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now, opens_now = _picks(document_tree)
    read_small = LocalEntry.read_small

    def fresh(self: LocalEntry, limit: int) -> object:  # every read in an open of its own (before speed19)
        self._kept = None
        got = read_small(self, limit)
        self._kept = None
        return got

    with monkeypatch.context() as m:
        m.setattr(LocalEntry, "read_small", fresh)
        m.setattr(examine, "WHOLE_SMALL", -1)  # the head alone, as before
        before, opens_before = _picks(document_tree)
    assert now == before
    assert len(now) > 700
    wanted = {name for name, (cand, _) in now.items() if cand is not None and cand.wanted}  # type: ignore[attr-defined]
    for name in ("docx-table.docx", "doc-table.doc", "msg.msg", "pdf-attachment.pdf", "eml.eml", "large.pdf",
                 "pdf-late.pdf"):
        assert name in wanted, name
    assert "msg-plain.msg" not in wanted  # a message without attachments costs no worker
    assert opens_now < opens_before * 0.7, (opens_now, opens_before)


def test_a_local_entry_answers_a_read_it_made_already_without_an_open(tmp_path: Path) -> None:
    data = bytes(range(256)) * 4
    (tmp_path / "f.bin").write_bytes(data)

    def reads(entry: LocalEntry) -> object:
        got = []
        for limit in (10, 50, 30, 2000, 1024, 1025, 5000):
            opened = _open_count()
            part, before, after = entry.read_small(limit)  # type: ignore[misc]
            got.append((limit, part == data[:limit], before == after == (len(data), before[1]), _open_count() - opened))
        return got

    answers, _ = _walk(tmp_path, reads)
    # asked less than it read: no open; more than it read, the end not reached: opened again; once it read to
    # the end, nothing more is there to read: no open
    assert answers["f.bin"] == [(10, True, True, 1), (50, True, True, 1), (30, True, True, 0), (2000, True, True, 1),
                                (1024, True, True, 0), (1025, True, True, 0), (5000, True, True, 0)]


def test_a_pdf_searched_and_a_word_directory_read_in_one_open_answer_as_through_a_file_object(
        document_tree: Path) -> None:
    """The two checks that read a small local file whole now (``may_hold_attachments``, ``holds_word_stream``),
    asked with the walk's size and without it (the file-object path), about every file of the tree."""
    from scanner.inspectors.legacy_embedded import _stream_names
    from scanner.inspectors.pdf_attachments import may_hold_attachments

    def ask(entry: LocalEntry) -> object:
        size, head = entry.stat().size, LazyHead(entry, 1024)()
        with_size = (may_hold_attachments(entry, head, size), _stream_names(entry, 1 << 20, size))
        return with_size, (may_hold_attachments(entry, head), _stream_names(entry, 1 << 20))

    answers, _ = _walk(document_tree, ask)
    assert all(a == b for a, b in answers.values()), [k for k, (a, b) in answers.items() if a != b]  # type: ignore[misc]
    assert answers["pdf-attachment.pdf"][0][0] and not answers["pdf-plain.pdf"][0][0]  # type: ignore[index]
    assert answers["pdf-late.pdf"][0][0]  # type: ignore[index]  # its attachment named past the head: the whole search
    assert "WordDocument" in answers["doc-table.doc"][0][1][1]  # type: ignore[index]  # (all names, top-level names)


def test_a_read_file_with_nothing_found_is_recorded_as_json_dumps_wrote_it(tmp_path: Path) -> None:
    config = ScanConfig(sources=[str(tmp_path)], out=str(tmp_path / "out"))
    (tmp_path / "out").mkdir()
    state = ScanState.create(tmp_path / "out", config, "2026-01-01T00:00:00Z")
    result = ScanResult(config=config, started="2026-01-01T00:00:00Z")
    for files, n in ((1, 1), (1, 123456789), (3, 0)):
        mark: ResultMark = result.mark()
        result.files_seen += files
        result.bytes_read += n
        assert _READ_ONLY % (files, n) == json.dumps(ScanState._outcome(result, mark, n), ensure_ascii=False)
    state.close()


KILLED = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from scanner.config import ScanConfig
    from scanner.contracts import ScanResult
    from scanner.models import Digests, FileHit, FileStat, Location, Skipped
    from scanner.state import ScanState
    import scanner.state

    scanner.state.BATCH_FILES, scanner.state.BATCH_SECONDS = 10**9, 10**9  # only the in-flight commit writes
    out = Path(sys.argv[1])
    config = ScanConfig(sources=[str(out.parent)], out=str(out))
    state = ScanState.create(out, config, "2026-01-01T00:00:00Z")
    result = ScanResult(config=config, started="2026-01-01T00:00:00Z")
    for i in range(40):
        m = result.mark()
        result.files_seen += 1
        result.bytes_read += 100 + i
        if i % 10 == 3:
            result.skipped.append(Skipped(Location(str(out.parent), f"/s{i}.xlsx"), "corrupt", "cut"))
        if i % 10 == 7:
            result.hits.append(FileHit(Location(str(out.parent), f"/h{i}.xlsx"), FileStat(3),
                                       Digests("0" * 32, "0" * 40, "0" * 64, 3), "xlsx", ["name"]))
        state.record(f"file{i}", result, m)
    state.in_flight(["next0", "next1"])
    for i in range(40, 45):  # recorded after the commit: not written (read again on resume)
        m = result.mark()
        result.files_seen += 1
        result.bytes_read += 1
        state.record(f"file{i}", result, m)
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_files_recorded_before_a_unit_in_flight_survive_sigkill_and_replay(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([sys.executable, "-c", KILLED, str(out)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr
    state = ScanState.resume(out)
    assert state.interrupted("next0") == state.interrupted("next1") == 1 and state.interrupted("file0") == 0
    config = state.config(out)
    replayed = ScanResult(config=config, started="2026-01-01T00:00:00Z")
    for i in range(40):
        assert state.replay(f"file{i}", replayed), i
    assert not any(state.replay(f"file{i}", replayed) for i in range(40, 45))
    assert replayed.files_seen == 40 and replayed.bytes_read == sum(100 + i for i in range(40))
    assert sorted(s.location.path for s in replayed.skipped) == [f"/s{i}.xlsx" for i in (13, 23, 3, 33)]
    assert sorted(h.location.path for h in replayed.hits) == [f"/h{i}.xlsx" for i in (17, 27, 37, 7)]
    state.close()
