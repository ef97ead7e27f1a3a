"""Objects embedded in Office documents: a client list pasted into a Word report or a PowerPoint as an
Excel object is a spreadsheet like any other, and is examined as a child of its document.

OOXML keeps embedded objects as package parts under ``<main folder>/embeddings/`` (``word/embeddings/
Microsoft_Excel_Worksheet.xlsx``, ``ppt/embeddings/oleObject1.bin``, ``xl/embeddings/...``). The archive
inspector (scanner.inspectors.archive) opens a document whose zip directory names such a part and yields
only those parts, one archive hop deeper, under the archive limits (depth, sizes, bomb guard). A ``.bin``
part is an OLE compound file: one holding a ``Workbook``/``Book`` stream is an .xls and the spreadsheet
inspector reads it as it is; one holding a ``Package`` stream (an .xlsx, or another OOXML document, stored
whole) gives that stream as a child (``... » ppt/embeddings/oleObject1.bin » Package``).
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterator
from typing import IO

from ..codes import Status
from ..contracts import Inspection, ScanContext
from ..errors import ReadError
from ..isolation import decoding
from ..models import Entry, Hop, Link, Skipped
from ..sources.base import Item
from .archive_members import ArchiveLimits, ArchiveMemberEntry, error_reason

# Office Open XML documents that may embed objects (ODF embeds differently and is not opened here)
OOXML_EXTS = (".docx", ".docm", ".dotx", ".dotm", ".pptx", ".pptm", ".ppsx", ".ppsm", ".potx", ".potm",
              ".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xlam")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PACKAGE_STREAMS = ("Package", "package", "PACKAGE")
# a part directly in an embeddings folder (part names are case-insensitive in OPC)
_EMBEDDING_PART = re.compile(r"^(?:[^/]+/)?embeddings/[^/]+$", re.IGNORECASE)
_EMBEDDING_NAME = re.compile(rb"(?i)/embeddings/")
_EOCD = b"PK\x05\x06"
_TAIL = (1 << 16) + 22  # the end-of-central-directory record is within the last 64 KiB + 22 bytes


def is_embedding(path: str) -> bool:
    return _EMBEDDING_PART.match(path.replace("\\", "/")) is not None


def has_embeddings(entry: Entry, size: int, limit: int) -> bool:
    """Whether a document's zip directory names an embeddings part, from its last bytes (the directory is
    at the end of a zip): cheap enough for ``wants``. A document with no directory counts when an
    embeddings name shows in its tail (its local headers are then listed). A stream that cannot seek (an
    archive member) is read through, up to ``limit`` bytes (past it, the worker lists it as too large)."""
    if size < 22:
        return False
    try:
        with entry.open() as f:
            if f.seekable():
                return _directory_names_embeddings(f, size)
            data = f.read(limit + 1)
            return len(data) > limit or _directory_names_embeddings(io.BytesIO(data), len(data))
    except (ReadError, OSError):
        return True  # the worker reads it again and lists why it could not


def _directory_names_embeddings(f: IO[bytes], size: int) -> bool:
    start = max(size - _TAIL, 0)
    f.seek(start)
    tail = f.read(_TAIL)
    if _EMBEDDING_NAME.search(tail):
        return True
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        return False  # no directory, and no embeddings name in what is left of the file's end
    cd_size, cd_offset = struct.unpack_from("<II", tail, at + 12)
    if 0xFFFFFFFF in (cd_size, cd_offset):
        return True  # zip64: the worker reads the directory
    if cd_offset >= start:
        return False  # the whole directory was in the tail
    f.seek(cd_offset)
    return _EMBEDDING_NAME.search(f.read(min(cd_size, start - cd_offset + 64))) is not None


def is_ole_embedding(entry: Entry) -> bool:
    """An embeddings part of a document (by its location), which may be an OLE object."""
    hops = entry.location.containers
    return bool(hops) and hops[-1].kind == "archive" and is_embedding(entry.location.path)


def embedded_parts(items: Iterator[Item], depth: int) -> Iterator[Item]:
    """Only the embeddings parts of a document's members (and what is listed about them)."""
    for item in items:
        if isinstance(item, Link):
            continue
        loc = item.location
        if len(loc.containers) == depth and is_embedding(loc.path):
            yield item
        elif isinstance(item, Skipped) and len(loc.containers) < depth:
            yield item  # the document's own listing stopped: never dropped


def open_ole_object(entry: Entry, data: bytes, ctx: ScanContext, caps: ArchiveLimits) -> Inspection:
    """An embedded OLE object: its ``Package`` stream (a whole OOXML file) as a child; nothing to add for
    a workbook stream (the spreadsheet inspector reads the OLE file as an .xls) or another kind of object."""
    import olefile  # a dependency of msoffcrypto-tool

    decoding("olefile")
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = next((s for s in PACKAGE_STREAMS if ole.exists(s) and ole.get_type(s) == olefile.STGTY_STREAM),
                        None)
            if name is None:
                return Inspection()  # a workbook (read as .xls) or another object (a picture, a document)
            size = ole.get_size(name)
            blocked = caps.declared(size, None)
            if blocked:
                return Inspection(status=blocked[0], detail=f"embedded OLE object: Package stream {blocked[1]}")
            package = ole.openstream(name).read(size + 1)
    except Exception as e:  # noqa: BLE001 - a damaged OLE object is data, not a crash
        reason, text = error_reason(e)
        return Inspection(status=reason, detail=f"embedded OLE object: {text}")
    if len(package) != size:
        return Inspection(status=Status.CORRUPT, detail=f"embedded OLE object: Package stream holds {len(package)} "
                                                        f"of {size} bytes")
    try:
        caps.budget.charge(size)
    except ReadError as e:
        return Inspection(status=e.reason, detail=f"embedded OLE object: {e.detail}")
    hop = Hop("archive", entry.location.path, {"format": "ole"})
    child = ArchiveMemberEntry(entry.location.child(hop, name), name, entry.deleted, size, None, None, None,
                               lambda: io.BytesIO(package), caps, charged=size)
    return Inspection(children=iter([child]))
