"""Where an Office Open XML document can name an embedded object: the end of its zip (the directory).

Shared by the embedded-object check (scanner.inspectors.embedded) and the SMB prefetch (scanner.sources.smb),
which fetches just that end of each document; facts of the zip format only, so neither imports the other.
"""

from __future__ import annotations

# Office Open XML documents that may embed objects
OOXML_EXTS = (".docx", ".docm", ".dotx", ".dotm", ".pptx", ".pptm", ".ppsx", ".ppsm", ".potx", ".potm",
              ".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xlam")
# workbooks among them: the spreadsheet inspector reads these whole anyway, and yields their embedded parts
# itself (the archive inspector does not open them again)
WORKBOOK_EXTS = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xlam")
TAIL = (1 << 16) + 22  # the end-of-central-directory record is within the last 64 KiB + 22 bytes
# the smallest zip that can name an embedding: one member named like "x/embeddings/x", with its local header
# (30 bytes + name) and directory entry (46 + name), and the end record (22)
SMALLEST_WITH_EMBEDDING = 22 + 30 + 46 + 2 * len("x/embeddings/x")


def tail_window(size: int) -> tuple[int, int]:
    """(offset, length) of the part of a ``size``-byte document the check reads first (its end)."""
    start = max(size - TAIL, 0)
    return start, size - start


def is_document(name: str) -> bool:
    """An OOXML document (not a workbook) by name: the archive inspector wants only its end (the check)."""
    low = name.casefold()
    return low.endswith(OOXML_EXTS) and not low.endswith(WORKBOOK_EXTS)


def bytes_before_zip(data: bytes, base: int = 0) -> int:
    """How many bytes come before the zip whose end record lies in ``data`` (a file's bytes from offset ``base`` to
    its end): its central directory starts that much later than the offset its end record gives (an HTTP header or
    a stub saved before a document, review20w). 0 for none, or when it cannot be told (zip64, no directory there)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - TAIL))
    if end < 0 or len(data) < end + 22:
        return 0
    cd_size = int.from_bytes(data[end + 12:end + 16], "little")
    cd_offset = int.from_bytes(data[end + 16:end + 20], "little")
    at = end - cd_size  # where the directory starts in ``data``
    before = base + at - cd_offset
    if before <= 0 or at < 0 or data[at:at + 4] != b"PK\x01\x02":
        return 0
    return before if before < base or data[before - base:before - base + 4] == b"PK\x03\x04" else 0
