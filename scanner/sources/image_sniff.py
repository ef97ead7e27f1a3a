"""What a file is, by its content alone: a disk image, a partition or file-system image, or neither.

Pure standard library (no pytsk3, no dfvfs), so deciding whether a SOURCE is a disk image never needs
the image back-ends: ``leakscan scan backup.zip`` works where they are not installed. Image files are
opened read-only without touching their access time (``open_evidence``).
"""

from __future__ import annotations

import os
import re

EWF_SIGNATURES = (b"EVF\x09\x0d\x0a\xff\x00", b"EVF2\x0d\x0a\x81\x00")
_NOATIME = getattr(os, "O_NOATIME", 0)
_RDONLY = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
_SPLIT_RAW = re.compile(r"^(?P<stem>.*)\.(?P<num>\d{3})$")


def open_evidence(path: str) -> int:
    """Open an image file read-only, without touching its access time where the OS allows."""
    if _NOATIME:
        try:
            return os.open(path, _RDONLY | _NOATIME)
        except PermissionError:
            pass
    return os.open(path, _RDONLY)


def _read_at(path: str, offset: int, size: int) -> bytes:
    fd = open_evidence(path)
    try:
        return os.pread(fd, size, offset)
    finally:
        os.close(fd)


def signature_kind(head: bytes, tail: bytes = b"") -> str | None:
    """What the first 4 KiB (and the last 512 bytes) say the file is, or None.

    Container formats first (their own magic), then a partition table, then a file-system boot
    sector or superblock at its fixed offset.
    """
    if head.startswith(EWF_SIGNATURES):
        return "ewf"
    if head.startswith(b"KDMV") or head.startswith(b"# Disk DescriptorFile") or head.startswith(b"COWD"):
        return "vmdk"
    if head.startswith(b"vhdxfile"):
        return "vhdx"
    if head.startswith(b"conectix") or tail.startswith(b"conectix"):
        return "vhd"
    if head.startswith(b"QFI\xfb"):
        return "qcow"
    if len(head) >= 520 and head[512:520] == b"EFI PART":
        return "gpt"
    if len(head) >= 4104 and head[4096:4104] == b"EFI PART":
        return "gpt"
    boot = len(head) >= 512 and head[510:512] == b"\x55\xaa"
    if boot and head[3:11] == b"NTFS    ":
        return "ntfs"
    if boot and head[3:11] == b"EXFAT   ":
        return "exfat"
    if boot and (head[54:59] in (b"FAT12", b"FAT16") or head[82:87] == b"FAT32"):
        return "fat"
    if len(head) >= 1082 and head[1080:1082] == b"\x53\xef":
        return "ext"
    if len(head) >= 1026 and head[1024:1026] in (b"H+", b"HX"):
        return "hfs+"
    if boot and _mbr_has_partition(head):
        return "mbr"
    return None


def _mbr_has_partition(head: bytes) -> bool:
    """A plausible MBR: boot flags 0x00/0x80 and at least one non-empty partition entry."""
    found = False
    for i in range(4):
        e = head[446 + 16 * i: 462 + 16 * i]
        if e[0] not in (0x00, 0x80):
            return False
        if e[4] != 0 and int.from_bytes(e[12:16], "little") > 0:
            found = True
    return found


def mbr_partitions(head: bytes, sector: int = 512) -> list[tuple[str, int, int]]:
    """Primary MBR entries as (p1.., byte offset, byte size), read directly.

    Only a fallback for when The Sleuth Kit refuses the table (a truncated image whose partitions run
    past its end): the partitions that are there can still be walked.
    """
    if len(head) < 512 or head[510:512] != b"\x55\xaa" or not _mbr_has_partition(head):
        return []
    out = []
    for i in range(4):
        e = head[446 + 16 * i: 462 + 16 * i]
        ptype, start, count = e[4], int.from_bytes(e[8:12], "little"), int.from_bytes(e[12:16], "little")
        if ptype in (0x00, 0x05, 0x0F, 0x85, 0xEE) or not start or not count:
            continue  # empty, extended or GPT-protective
        out.append((f"p{len(out) + 1}", start * sector, count * sector))
    return out


def looks_like_image(path: str) -> bool:
    """True when the file's content says it is a disk image, partition image or a format dfvfs opens."""
    try:
        size = os.path.getsize(path)
        head = _read_at(path, 0, 4608)
        tail = _read_at(path, max(size - 512, 0), 512) if size >= 1024 else b""
    except OSError:
        return False
    return signature_kind(head, tail) is not None


def split_segments(path: str) -> list[str]:
    """``disk.000``/``disk.001`` -> every consecutive segment that exists, starting with ``path``."""
    m = _SPLIT_RAW.match(path)
    if not m:
        return [path]
    stem, num = m.group("stem"), int(m.group("num"))
    segs = []
    while os.path.isfile(f"{stem}.{num:03d}"):
        segs.append(f"{stem}.{num:03d}")
        num += 1
    return segs or [path]
