"""How many files a file system in an image says it holds, for the progress bar's percentage and ETA.

Read from the file system's own bookkeeping, never by walking it: ext2-4 keep the count of free inodes in
their superblock, NTFS marks each MFT record in use in the $MFT's $BITMAP, HFS+ counts files and folders
in its volume header. Other file systems (FAT, exFAT, APFS, XFS ...) keep no such count: they add nothing,
and the bar may then reach its total before the walk ends. An estimate only: never a finding.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable
from typing import Any

log = logging.getLogger("leakscan")

BITMAP_CAP = 64 << 20  # an MFT bitmap of 512 million records: anything larger is damage, not an estimate
ReadAt = Callable[[int, int], bytes]  # (offset inside the file system, size) -> bytes


def ext_used_inodes(read: ReadAt) -> int | None:
    """Inodes in use per the ext2-4 superblock (inodes minus free inodes; None when it is not one)."""
    block = read(1024, 1024)
    if len(block) < 60 or block[56:58] != b"\x53\xef":
        return None
    inodes, free = struct.unpack_from("<I", block, 0)[0], struct.unpack_from("<I", block, 16)[0]
    return inodes - free if free <= inodes else None


def hfs_files_and_folders(read: ReadAt) -> int | None:
    """Files plus folders per the HFS+/HFSX volume header."""
    header = read(1024, 512)
    if len(header) < 40 or header[:2] not in (b"H+", b"HX"):
        return None
    files, folders = struct.unpack_from(">II", header, 32)
    return files + folders


def ntfs_records_in_use(fs: Any) -> int | None:
    """MFT records marked in use in the $MFT's $BITMAP attribute (read through The Sleuth Kit)."""
    import pytsk3

    mft = fs.open_meta(inode=0)
    for attr in mft:
        if int(attr.info.type) != int(pytsk3.TSK_FS_ATTR_TYPE_NTFS_BITMAP):
            continue
        size = int(attr.info.size)
        if not 0 < size <= BITMAP_CAP:
            return None
        data = mft.read_random(0, size, attr.info.type, attr.info.id)
        return int.from_bytes(data, "little").bit_count()
    return None


def files_in(label: str, fs: Any, read: ReadAt | None) -> int | None:
    """The file system's own count of its files (directories included), or None when it keeps none or it
    cannot be read (a damaged superblock costs the percentage, nothing else)."""
    try:
        if label == "NTFS":  # through The Sleuth Kit only: an NTFS walked by dfvfs (TSK refused it) has no count
            return ntfs_records_in_use(fs) if hasattr(fs, "open_meta") else None
        if read is None:
            return None
        if label in ("ext2", "ext3", "ext4"):
            return ext_used_inodes(read)
        if label == "HFS+":
            return hfs_files_and_folders(read)
    except Exception:  # noqa: BLE001 - a count for the progress bar is never worth a walk
        log.debug("no file count from the %s metadata", label, exc_info=True)
    return None
