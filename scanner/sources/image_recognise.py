"""Is this file a disk image? Decided by content, never by name.

Two steps, cheap first: the fixed signatures of the common container, volume and file-system formats
in the first 4.5 KiB and the last 512 bytes (no library needed), then dfvfs' own signature scanner
(pysigscan and The Sleuth Kit over the storage-media, volume-system and file-system format
specifications dfvfs ships), which knows every format dfvfs can open. An image named ``.bin``,
``evidence`` or ``backup.jpg`` is recognised all the same.
"""

from __future__ import annotations

import os

from .image_media import open_evidence, signature_kind

HEAD = 4608
TAIL = 512
# first bytes -> format, for the formats signature_kind leaves out (encrypted volumes, APFS, XFS, UDIF ...)
_HEAD_SIGNATURES = (
    (0, b"LUKS\xba\xbe", "luks"),
    (0, b"XFSB", "xfs"),
    (32, b"NXSB", "apfs"),
    (3, b"-FVE-FS-", "bitlocker"),
    (0, b"sprs", "sparseimage"),
    (0, b"WithoutFreeSpace", "parallels"),
    (0, b"WithouFreSpacExt", "parallels"),
    (512, b"LABELONE", "lvm"),
    (1024, b"LABELONE", "lvm"),
    (512, b"PM\x00\x00", "apm"),
    (0, b"ER\x02\x00", "apm"),
)


def quick_kind(head: bytes, tail: bytes = b"") -> str | None:
    """The format the fixed signatures name, or None (then only dfvfs' scanner can tell)."""
    for offset, magic, kind in _HEAD_SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            return kind
    if tail.startswith(b"koly"):
        return "udif"
    return signature_kind(head, tail)


def read_ends(path: str) -> tuple[bytes, bytes, int]:
    fd = open_evidence(path)
    try:
        size = os.fstat(fd).st_size
        head = os.pread(fd, HEAD, 0)
        tail = os.pread(fd, TAIL, size - TAIL) if size >= 2 * TAIL else b""
    finally:
        os.close(fd)
    return head, tail, size


def dfvfs_kind(path: str) -> str | None:
    """dfvfs' signature scanner: the first storage-media, volume-system or file-system type it finds."""
    from dfvfs.analyzer import analyzer
    from dfvfs.lib import errors
    from dfvfs.path import factory

    from .image_media import dfvfs_without_atime

    dfvfs_without_atime()
    spec = factory.Factory.NewPathSpec("OS", location=os.path.abspath(path))
    for scan in (analyzer.Analyzer.GetStorageMediaImageTypeIndicators,
                 analyzer.Analyzer.GetVolumeSystemTypeIndicators,
                 analyzer.Analyzer.GetFileSystemTypeIndicators):
        try:
            found = scan(spec)
        except (errors.Error, OSError, RuntimeError, ValueError):
            continue
        if found:
            return str(found[0])
    return None


def image_kind(path: str) -> str | None:
    """What kind of disk, volume or file-system image the file at ``path`` is, or None."""
    try:
        head, tail, size = read_ends(path)
    except OSError:
        return None
    kind = quick_kind(head, tail)
    if kind is not None or size < 512:  # a VMDK descriptor is a few hundred bytes of text
        return kind
    return dfvfs_kind(path)


def looks_like_image(path: str) -> bool:
    """True when the file's content says it is a disk image, partition image or a format dfvfs opens."""
    return image_kind(path) is not None
