"""docs25: a document examined in a worker (an SMB share's: every document goes to a worker) lists the same rows as the
same document scanned from a local folder (a small local document is settled or checked in the scan process).
Session 24's CI found a .docx with a damaged embedded workbook listed twice from a share only (lead24); this compares
the two scans over every document type the document sessions built their cases from: Word, PowerPoint, OpenDocument
(misnamed bodies, tracked deletions, notes, SmartArt, text-box tab lines, damaged unread members, parts named apart),
PowerPoint 97-2003 (renamed too), web pages (cut, includes, optional tags) PDFs cut before their attachment and PDF page text (pdftext24).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from smb_data import SambaServer
from test_smb_docs import _comparable, _scan

from tests import (
    test_docs22,
    test_docs23,
    test_docs23b,
    test_docs24,
    test_docs25,
    test_pdftext24,
    test_review24o,
)


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("docs25smb") / "share"
    for module in (test_docs22, test_docs23, test_docs23b, test_docs24, test_docs25, test_pdftext24, test_review24o):
        for case, make in module.cases.makers.items():
            folder = root / module.__name__.rsplit(".", 1)[-1] / case
            folder.mkdir(parents=True)
            for name, data in make().items():
                (folder / name).write_bytes(data)
    return root


@pytest.fixture(scope="module")
def server(share: Path) -> Iterator[SambaServer]:
    srv = SambaServer(share.parent / "samba", {"docs": share})
    try:
        yield srv.start()
    finally:
        srv.kill()


def test_documents_on_a_share_list_what_they_list_in_a_local_folder(server: SambaServer, share: Path,
                                                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    outs = tmp_path_factory.mktemp("outs")
    smb = _scan(server.url("docs"), outs / "smb")
    local = _scan(str(share), outs / "local")
    assert smb["scan"]["complete"] is True
    got = _comparable(smb, "//127.0.0.1/docs » ")
    want = _comparable(local, str(share))
    paths = sorted({f["path"] for f in want["files"]} | {s["path"] for s in want["skipped"]})
    assert len(paths) > 100  # (every case's files are there: a broken maker would compare two empty scans)
    assert sorted(f["path"] for f in got["files"]) == sorted(f["path"] for f in want["files"])  # no row twice or lost
    assert sorted(s["path"] for s in got["skipped"]) == sorted(s["path"] for s in want["skipped"])
    assert got["files"] == want["files"]
    assert got["skipped"] == want["skipped"]
