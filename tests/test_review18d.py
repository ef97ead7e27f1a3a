"""review18d: damage18's damaged heads and zeroed documents, as a share would show them.

People are Faker ja_JP with a fixed seed (tests/document_data.people_rows); every file is generated here.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.document_data import docx_with_table, people_rows

ROWS = people_rows(30)
CSV = "\r\n".join(",".join(r) for r in ROWS).encode("cp932")


def _zip_of_csv() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("meibo.csv", CSV)
    return out.getvalue()


def _zip_named_in_japanese() -> bytes:
    """A zip whose member is named 顧客名簿.csv (cp932 bytes, as Japanese Windows' zip writes it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("meibo.csv")
        info.filename = "顧客名簿.csv".encode("cp932").decode("cp437")  # the bytes stored as they are, no UTF-8 flag
        z.writestr(info, CSV, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _zeroed_past_body_header(docx: bytes) -> bytes:
    """``docx`` with its first bytes zeroed up to and into word/document.xml's local header (its data intact)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        at = z.getinfo("word/document.xml").header_offset + 20
    return bytes(at) + docx[at:]


def _embedding(docx: bytes) -> bytes:
    """``docx`` with a 12-person workbook embedded (word/embeddings/)."""
    from tests.pii_data import xlsx_bytes

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        z.writestr("word/embeddings/Microsoft_Excel_Worksheet.xlsx", xlsx_bytes({"名簿": people_rows(12)}))
    return out.getvalue()


def _flip(data: bytes, at: int, mask: int = 0x20) -> bytes:
    return data[:at] + bytes([data[at] ^ mask]) + data[at + 1:]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One CLI scan of every file below (built once for the module)."""
    from tests.conftest import scan_findings

    tree = tmp_path_factory.mktemp("share")
    zipped = _zip_of_csv()
    docx = docx_with_table(ROWS)
    files = {
        "backup.bak": _flip(zipped, 0), "export.dat": _flip(zipped, 1, 0x01), "bundle.whl": _flip(zipped, 0),
        "backup.zip": _flip(zipped, 0), "tools.jar": _flip(zipped, 2, 0x01), "embeds.docx": _flip(_embedding(docx), 0),
        "顧客.zip": _flip(_zip_named_in_japanese(), 0), "顧客.bak": _flip(_zip_named_in_japanese(), 3, 0x01),
        "zeroed-sector.docx": _zeroed_past_body_header(docx), "zeroed.docx": bytes(len(docx)), "zeroed.odt": bytes(4096), "zeroed-head-cut.docx": bytes(600) + docx[600:1500],
    }
    for name, data in files.items():
        (tree / name).write_bytes(data)
    return scan_findings(tree, tmp_path_factory.mktemp("out"))


def _listed(found: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {Path(s["path"]).name: s for s in found["skipped"]}


def test_a_plain_zip_with_a_damaged_signature_has_its_members_read(scanned: dict[str, Any]) -> None:
    """A zip archive (no workbook, no document) with a byte of its signature changed, under a name the archive
    inspector does not open by name (.bak, .dat, .whl): damage18 listed it `corrupt` "read with it restored" while
    its members were never read (the restored bytes went to the table readers, which left it to the archive
    inspector, which had already passed it by): its 30-person CSV was lost behind a claim that it was read."""
    hits = {h["path"]: h for h in scanned["files"]}
    listed = _listed(scanned)
    for name in ("backup.bak", "export.dat", "bundle.whl", "backup.zip", "tools.jar"):
        member = next((h for p, h in hits.items() if p.endswith(f"{name} » meibo.csv")), None)
        assert member is not None and member["pii"]["records"] == len(ROWS) - 1, (name, sorted(hits))
        assert sum(p.endswith(f"{name} » meibo.csv") for p in hits) == 1 and len(  # once, said once
            [h for h in scanned["files"] if h["path"].endswith(f"{name} » meibo.csv")]) == 1, name
        assert listed[name]["detail"].count("signature damaged") == 1, listed[name]["detail"]
        assert listed[name]["reason"] == "corrupt" and "head-restored" in json.dumps(listed[name]), listed.get(name)


def test_a_zeroed_document_without_a_directory_is_listed(scanned: dict[str, Any]) -> None:
    """A Word/OpenDocument file zeroed whole (a save lost on a crash: its size kept, its bytes zero) or zeroed at
    its head and cut before its directory: damage18 sent it to a worker (its zeroed head) which found no zip to
    restore and said nothing: no hit and no listing. Listed `corrupt` now."""
    listed = _listed(scanned)
    for name in ("zeroed.docx", "zeroed.odt", "zeroed-head-cut.docx"):
        assert name in listed and listed[name]["reason"] == "corrupt", (name, sorted(listed))
        assert "document-zeroed" in json.dumps(listed[name]), listed[name]


def test_a_document_with_a_damaged_signature_keeps_its_embedded_workbook(scanned: dict[str, Any]) -> None:
    """A .docx embedding a workbook, its zip signature with a byte changed: damage18 read its own table restored but
    the archive inspector (which reads embedded objects) saw no zip and handed the bytes back to the table readers:
    the embedded 12-person workbook was never read and the restoration said twice. Both read now, said once."""
    hits = {Path(h["path"].split(" » ")[0]).name + h["path"][len(h["path"].split(" » ")[0]):]: h
            for h in scanned["files"]}
    assert hits["embeds.docx"]["pii"]["records"] == len(ROWS) - 1, sorted(hits)
    inner = hits.get("embeds.docx » word/embeddings/Microsoft_Excel_Worksheet.xlsx")
    assert inner is not None and inner["pii"]["records"] == 12, sorted(hits)
    listed = _listed(scanned)["embeds.docx"]
    assert listed["reason"] == "corrupt" and listed["detail"].count("signature damaged") == 1, listed["detail"]


def test_a_zip_whose_member_has_a_japanese_name_is_restored_too(scanned: dict[str, Any]) -> None:
    """The damaged-signature rule asked the first member's name to be printable ASCII: a zip from Japanese Windows
    (its member 顧客名簿.csv in cp932 bytes) with a byte of its signature changed was not restored: under .zip its
    member listed `corrupt` unread, under .bak nothing at all. Read restored now."""
    listed = _listed(scanned)
    for name in ("顧客.zip", "顧客.bak"):
        member = [h for h in scanned["files"] if Path(h["path"].split(" » ")[0]).name == name and " » " in h["path"]]
        assert len(member) == 1 and (member[0].get("pii") or {}).get("records") == len(ROWS) - 1, (name, member)
        assert listed[name]["reason"] == "corrupt" and "head-restored" in json.dumps(listed[name]), listed.get(name)


def test_a_zeroed_head_over_the_body_part_local_header_still_reads_the_body(scanned: dict[str, Any]) -> None:
    """The zeroed head reaching into word/document.xml's local header (its compressed data intact after it): damage18
    restored the first signature, then the body part was "damaged member (BadZipFile)" and none of it inflated (its
    local header gone): 0 of 30 persons. The central directory says where its data starts and how it is packed."""
    hit = next((h for h in scanned["files"] if Path(h["path"]).name == "zeroed-sector.docx"), None)
    assert hit is not None and hit["pii"]["records"] == len(ROWS) - 1, hit
    listed = _listed(scanned)["zeroed-sector.docx"]
    assert listed["reason"] == "corrupt" and "head-zeroed" in json.dumps(listed), listed
