"""Office documents on an SMB share: the embedded-object pre-check (does the zip directory name an
``embeddings/`` part?) reads only each document's end, fetched with its folder, never the whole file; the
findings equal those of the same files scanned from a local folder; a connection lost during that read
lists the document as not examined (never a silent clean) and the scan goes on."""

from __future__ import annotations

import copy
import io
import json
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan
from smb_data import PASSWORD, SambaServer
from test_embedded import SLIDES, WORD, ole_with_stream, package

from scanner.codes import Status
from scanner.config import ScanConfig
from scanner.inspectors import embedded
from scanner.pipeline import run_scan
from scanner.sources import smb_client
from scanner.sources.smb import SmbEntry, SmbSource
from scanner.store import build_findings
from tests.pii_data import people, standard, xlsx_bytes

ENV = {"LEAKSCAN_SMB_PASSWORD": PASSWORD}
MEDIA = 1_300_000  # a stored picture: the document is past the prefetch's whole-file limit (1 MiB)


def _big(embeds: dict[str, bytes], parts: int = 0) -> bytes:
    """A Word package with a large stored picture (and ``parts`` more small parts, so that its zip
    directory is longer than the 64 KiB the check reads first) after its embedded objects."""
    small = package(WORD, embeds)
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(small)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        z.writestr(zipfile.ZipInfo("word/media/image1.png"), random.Random(7).randbytes(MEDIA), zipfile.ZIP_STORED)
        for k in range(parts):
            z.writestr(f"customXml/item{k:05d}_{'x' * 60}.xml", "<a/>")
    return buf.getvalue()


def _flip(data: bytes, at: float, span: int = 64) -> bytes:
    b = bytearray(data)
    start = int(len(b) * at)
    for i in range(start, start + span):
        b[i] ^= 0x5A
    return bytes(b)


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("smbdocs") / "share"
    d = root / "文書"
    d.mkdir(parents=True)
    roster = xlsx_bytes({"名簿": standard(people(25, seed=61))})
    report = package(WORD, {"Microsoft_Excel_Worksheet.xlsx": roster})
    (d / "report.docx").write_bytes(report)
    deck = xlsx_bytes({"名簿": standard(people(15, seed=62))})
    (d / "deck.pptx").write_bytes(package(SLIDES, {"oleObject1.bin": ole_with_stream("Package", deck)}))
    (d / "plain.docx").write_bytes(package(WORD, {}))
    (d / "big.docx").write_bytes(_big({"Microsoft_Excel_Worksheet.xlsx": roster}))
    (d / "big_plain.docx").write_bytes(_big({}))
    (d / "long_directory.docx").write_bytes(_big({"Microsoft_Excel_Worksheet.xlsx": roster}, parts=1200))
    # damaged: an embedded workbook cut in half, a document whose end (directory) is cut off, bytes flipped
    # inside the embedded workbook, and a document whose end is noise
    (d / "damaged.docx").write_bytes(package(WORD, {"Microsoft_Excel_Worksheet.xlsx": roster[:len(roster) // 2]}))
    (d / "cut.docx").write_bytes(report[:-40])
    (d / "flipped.docx").write_bytes(_flip(report, 0.5))
    (d / "noise.docx").write_bytes(random.Random(3).randbytes(5000))
    (root / "budget.xlsx").write_bytes(xlsx_bytes({"予算": [["品目", "金額"], ["用紙", 1200]]}))
    return root


@pytest.fixture(scope="module")
def server(share: Path) -> Iterator[SambaServer]:
    srv = SambaServer(share.parent / "samba", {"docs": share})
    try:
        yield srv.start()
    finally:
        srv.kill()


def _scan(source: str, out: Path) -> dict[str, Any]:
    run = run_leakscan("scan", source, "--out", str(out), "--quiet", env=ENV, timeout=180)
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _comparable(doc: dict[str, Any], prefix: str) -> Any:
    """The findings without what must differ between a share and a folder: where the source is, times,
    the command line, the source's own description and the first (smb or folder) location hop."""
    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()
                    if "time" not in k and k not in ("source", "sources", "source_details", "command_line", "out",
                                                     "scan_id", "duration_seconds", "started", "finished",
                                                     "bytes_read")}  # how much was read differs: a small local
            # document is checked for tables in the scan process (review17d), a share's goes to a worker
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, str):
            return v.replace(prefix, "")
        return v

    doc = copy.deepcopy(doc)
    for f in (*doc["files"], *doc["skipped"]):
        if f.get("container") and f["container"][0]["kind"] == "smb":
            f["container"] = f["container"][1:]
    return walk(doc)


def test_share_findings_equal_a_local_folders(server: SambaServer, share: Path,
                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    outs = tmp_path_factory.mktemp("outs")
    smb = _scan(server.url("docs"), outs / "smb")
    local = _scan(str(share), outs / "local")
    assert smb["scan"]["complete"] is True
    got = _comparable(smb, "//127.0.0.1/docs » ")  # paths (and archive hops' names) below the root
    want = _comparable(local, str(share))
    assert got["files"] == want["files"]
    assert got["skipped"] == want["skipped"]
    assert got == want
    paths = {f["path"] for f in local["files"]}
    # what the check must find: the workbook behind every document that embeds one (big or not)
    for name in ("report.docx", "big.docx", "long_directory.docx", "deck.pptx"):
        assert any(p.startswith(f"{share}/文書/{name} » ") for p in paths), name
    # nothing from the documents that embed nothing; the damaged ones are listed, not dropped
    assert not any("plain.docx »" in p for p in paths)
    listed = {s["path"].removeprefix(str(share)) for s in local["skipped"]} | {
        f["path"].removeprefix(str(share)) for f in local["files"] if f["status"] != "ok"}
    assert any("damaged.docx" in p for p in listed) and any("flipped.docx" in p for p in listed), listed


def _walked(src: SmbSource) -> dict[str, SmbEntry]:
    """The share's entries as the pipeline gets them, each folder's documents fetched ahead together."""
    out: dict[str, SmbEntry] = {}
    for item in src.batches():
        names = getattr(item, "names", None)
        if names is None:
            continue
        item.prefetch(list(range(len(names))))  # type: ignore[attr-defined]
        for i in range(len(names)):
            e = item.entry(i)  # type: ignore[attr-defined]
            out[e.name] = e
    return out


def test_check_reads_only_each_documents_end_fetched_with_its_folder(
        server: SambaServer, share: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole 1.3 MB documents are never transferred for the check; after the folder's fetch the
    checks themselves cost no round trip, except the second read of a directory longer than 64 KiB."""
    asked: list[tuple[int, int]] = []
    real = smb_client.Client._send_start

    def send_start(self: smb_client.Client, path: str, length: int, whole: bool, offset: int = 0) -> list[Any]:
        asked.append((offset, length))
        return real(self, path, length, whole, offset)

    monkeypatch.setattr(smb_client.Client, "_send_start", send_start)
    monkeypatch.setenv("LEAKSCAN_SMB_PASSWORD", PASSWORD)
    with SmbSource(server.url("docs")) as src:
        entries = _walked(src)
        fetched = len(asked)
        verdicts = {name: embedded.has_embeddings(e, e.stat().size, 64 << 20) for name, e in entries.items()
                    if name.endswith((".docx", ".pptx"))}
    assert verdicts == {"report.docx": True, "deck.pptx": True, "plain.docx": False, "big.docx": True,
                        "big_plain.docx": False, "long_directory.docx": True, "damaged.docx": True,
                        "cut.docx": True, "flipped.docx": True, "noise.docx": False}
    assert sum(n for _, n in asked) < 12 * (64 << 10) + 200_000  # never a whole 1.3 MB document
    assert all(n <= (64 << 10) + 22 for off, n in asked[:fetched] if off)  # the folder's fetch: ends only
    extra = asked[fetched:]
    assert len(extra) == 1 and extra[0][0] > 0  # long_directory.docx: its directory's start


def test_connection_lost_during_the_check_lists_the_document(server: SambaServer, share: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The share goes away just as the documents' ends are fetched: every document is listed as not
    examined (``connection``), none is a silent clean, and the scan ends (incomplete) instead of failing."""
    real = smb_client.Client.snapshots
    struck: list[bool] = []

    def snapshots(self: smb_client.Client, wanted: list[tuple[str, int, int, int]]) -> list[Any]:
        if not struck and any(off for *_, off in wanted):  # the documents' ends
            struck.append(True)
            server.kill()
        return real(self, wanted)

    monkeypatch.setattr(smb_client.Client, "snapshots", snapshots)
    monkeypatch.setenv("LEAKSCAN_SMB_PASSWORD", PASSWORD)
    config = ScanConfig(sources=[server.url("docs")], out=tmp_path / "out", names=[])
    try:
        src = SmbSource(server.url("docs"), timeout=2, retry_window=1)
        doc = build_findings(run_scan(config, [src], workers=0))
    finally:
        if server.proc is None:
            server.start()
    assert struck
    lost = {s["path"].rpartition("/")[2] for s in doc["skipped"] if s["reason"] == Status.CONNECTION}
    documents = {p.name for p in (share / "文書").iterdir() if p.stat().st_size >= embedded.SMALLEST_WITH_EMBEDDING}
    assert documents <= lost, (documents - lost, doc["skipped"])
    assert not [f for f in doc["files"] if "文書" in f["path"] and f["status"] == "ok"]
