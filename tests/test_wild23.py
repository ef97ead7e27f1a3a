"""Third-party files swept in session 23 (wild23): python-calamine, rust_xlsxwriter, libxlsxwriter, xlsx-populate,
excelize, pyexcel, Gnumeric, docx4j and Apache Tika's spreadsheets through the whole scan.

1. A workbook embedding a presentation (Tika's testEXCEL_embeded.xlsx: xl/embeddings/...Presentation1.pptx, which
   itself embeds a Word document) was listed `corrupt`, "1 embedded object(s) named by local headers are not in the
   zip directory (a damaged entry): not examined". Nothing is damaged: the deflated .pptx holds stored blocks (its own
   members are compressed already, so the encoder keeps their bytes as they are), and the .pptx's own local headers
   (ppt/embeddings/..., ppt/media/...) stand verbatim inside the workbook's member. A local header inside another
   member's data, as the zip directory gives it, is that member's content, no entry of this zip.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from tests.conftest import ScanCases, own_lines
from tests.document_data import docx_bytes, people_rows, w_para

N = 12
cases = ScanCases("wild23")
scanned = cases.fixture()


def _xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _with_member(package: bytes, name: str, body: bytes) -> bytes:
    """``package`` with ``body`` added as ``name``, deflated at level 0 (stored blocks: the bytes stay as they are,
    as a deflate encoder keeps data it cannot compress, such as a zip's members)."""
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        z.writestr(name, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=0)
    return out.getvalue()


@cases.case
def _nested_embedding() -> dict[str, bytes]:
    """A workbook embedding a Word document that embeds a 名簿 workbook (as Tika's testEXCEL_embeded.xlsx embeds a
    presentation embedding a Word document); and the document alone."""
    inner = docx_bytes(w_para("添付資料"), {})
    inner = _with_member(inner, "word/embeddings/Microsoft_Excel_Worksheet1.xlsx", _xlsx(people_rows(N, seed=2301)))
    outer = _with_member(_xlsx([["資料一覧"], ["添付の通り"]]), "xl/embeddings/Microsoft_Word_Document1.docx", inner)
    return {"embeds_document.xlsx": outer}


def test_local_headers_inside_an_embedded_package_are_no_lost_entry(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "nested_embedding")
    assert lines["skipped"] == [], [(s["path"], s["detail"]) for s in lines["skipped"]]
    got = {h["path"].split(" » ", 1)[1]: h["pii"]["records"] for h in lines["files"] if " » " in h["path"]}
    assert N in got.values(), [(h["path"], h["pii"]) for h in lines["files"]]
