"""sweep23: where today's changes meet (the merged main against 833d2d7d on third-party and generated files).

wild23 takes a local header inside a listed member's data for that member's content (``embedded._member_spans``).
A document zip whose directory cannot be found from its end record (the end record's directory size damaged: POI's
clusterfuzz-testcase-minimized-POIXWPFFuzzer-4959857092198400.docx) gave no span, and the spans' pairing with their
followers raised ValueError (``zip(..., strict=True)`` of 0 and 1 items): at 833d2d7d such a .docx was ``corrupt``
"document zip damaged" with its person table read; since wild23 a .docx with an embedded object so damaged was
``internal-error`` and its persons were lost.
"""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

from tests.conftest import ScanCases, own_lines
from tests.document_data import docx_with_table, people_rows

cases = ScanCases("sweep23")
scanned = cases.fixture()
N = 12


def _with_object(docx: bytes) -> bytes:
    """``docx`` with an OLE object under word/embeddings/ (as Word keeps an inserted object)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts["word/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0" + bytes(100)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for name, data in parts.items():
            w.writestr(name, data)
    return out.getvalue()


def _directory_size_off(data: bytes, by: int = 7) -> bytes:
    """``data`` with its end record's directory size ``by`` bytes off (the directory no longer found from it)."""
    damaged = bytearray(data)
    end = damaged.rindex(b"PK\x05\x06")
    struct.pack_into("<I", damaged, end + 12, struct.unpack_from("<I", damaged, end + 12)[0] + by)
    return bytes(damaged)


@cases.case
def _directory_lost() -> dict[str, bytes]:
    return {"object_dir_size.docx": _directory_size_off(_with_object(docx_with_table(people_rows(N, seed=2390)))),
            "object_ok.docx": _with_object(docx_with_table(people_rows(N, seed=2391)))}


def test_member_spans_of_a_zip_whose_directory_is_not_found_are_none() -> None:
    from scanner.inspectors.embedded import _member_spans

    damaged = _directory_size_off(_with_object(docx_with_table(people_rows(N, seed=2392))))
    assert _member_spans(damaged) == []  # (wild23: ValueError, zip() argument 2 is longer than argument 1)


def test_a_document_with_an_object_whose_directory_is_damaged_is_read(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "directory_lost")
    hits = {h["path"].rsplit("/", 1)[-1]: h for h in lines["files"]}
    skipped = {s["path"].rsplit("/", 1)[-1]: s for s in lines["skipped"]}
    assert (hits.get("object_ok.docx") or {}).get("pii", {}).get("records") == N
    assert (skipped.get("object_dir_size.docx") or {}).get("reason") != "internal-error", skipped["object_dir_size.docx"]
    assert (hits.get("object_dir_size.docx") or {}).get("pii", {}).get("records") == N  # (833d2d7d: corrupt, N read)
    assert hits["object_dir_size.docx"]["status"] == "corrupt"
