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
