"""Lead's fixes found when session 23's branches met (each test failed on the merged main before its fix)."""
from __future__ import annotations

import io
import zipfile

from scanner.inspectors.embedded import _member_spans, _objects_in_local_headers


def _package_with_every_offset_wrong() -> bytes:
    """A workbook-like package whose directory places no member (every local-header offset moved by one byte)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/embeddings/oleObject1.bin", b"\x00" * 64)
    data = bytearray(buf.getvalue())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        offset = int.from_bytes(data[at + 42:at + 46], "little")
        data[at + 42:at + 46] = (offset + 1).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def test_a_directory_that_places_no_member_gives_no_spans_and_no_crash() -> None:
    data = _package_with_every_offset_wrong()
    assert _member_spans(data) == []  # wild23 + review23x: ValueError from zip(strict=True) over no span
    assert "xl/embeddings/oleObject1.bin" in _objects_in_local_headers(data)
