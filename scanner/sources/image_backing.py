"""A QCOW2 overlay whose backing file is a raw, VMDK or VHD/VHDX image (``qemu-img create -b base.raw -F raw``).

libqcow takes only a QCOW image as an overlay's parent. The backing image is opened read-only through its own
back-end (raw: the file itself; VMDK, VHD/VHDX: dfvfs' libvmdk/libvhdi file object) and presented to libqcow as
a QCOW2 image that it describes without copying anything: a header, an L1 table and L2 tables computed on demand
that map virtual cluster N to the N-th data cluster of the view, and the data clusters read from the backing
image itself (past its end: zeros, as qemu reads them). libqcow then reads the overlay's own clusters and, for
every cluster the overlay never wrote, the backing image's bytes, compressed and zero clusters included.
"""

from __future__ import annotations

import os
import struct
from typing import Any

_BITS = 16
CLUSTER = 1 << _BITS
_PER_L2 = CLUSTER // 8
_COPIED = 1 << 63


# disk formats qemu takes as a backing file that leakscan does not read as one (no back-end here): by their magic
_UNREAD = ((b"QED\x00", 0, "QED"), (b"\x7f\x10\xda\xbe", 0x40, "VDI"), (b"WithoutFreeSpace", 0, "Parallels"),
           (b"WithouFreSpacExt", 0, "Parallels"), (b"LUKS\xba\xbe", 0, "LUKS"), (b"Bochs Virtual HD Image", 0, "Bochs"))
READ_AS_BACKING = ("QCOW", "VMDK", "VHDX", "VHD", "RAW")


class BackingFormatUnread(OSError):
    """A backing file in a disk format leakscan does not read as a backing disk (VDI, QED, Parallels ...): read as
    raw, its header and tables would be taken for the disk's bytes."""

    def __init__(self, written: str, kind: str) -> None:
        self.written, self.kind = written, kind
        super().__init__(f"backing file {written} is a {kind} image, which leakscan does not read as a backing disk")


def declared_backing_format(header: bytes) -> str | None:
    """The backing file's format as a QCOW2 overlay's own header names it (header extension 0xE2792ACA: "raw",
    "qcow2", "vdi" ...), or None when it does not (qemu-img create without -F, QCOW version 1, a damaged header)."""
    if len(header) < 72 or header[:4] != b"QFI\xfb":
        return None
    version = struct.unpack_from(">I", header, 4)[0]
    at = 72 if version == 2 else struct.unpack_from(">I", header, 100)[0] if version >= 3 and len(header) >= 104 else 0
    while at and at + 8 <= len(header):
        kind, length = struct.unpack_from(">II", header, at)
        if kind == 0:
            break
        if kind == 0xE2792ACA:
            return header[at + 8:at + 8 + length].decode("ascii", "replace").strip("\0").lower() or None
        at += 8 + (length + 7) // 8 * 8
    return None


def declared_of(overlay: str) -> str | None:
    """declared_backing_format of the QCOW2 file at OVERLAY (read without moving its access time), None unread."""
    import os

    from .image_sniff import open_evidence

    try:
        fd = open_evidence(overlay)
        try:
            return declared_backing_format(os.pread(fd, 65536, 0))
        finally:
            os.close(fd)
    except OSError:
        return None


def as_read(kind: str, declared: str | None) -> str:
    """KIND (backing_format's) as the backing file is read: a format not read as a backing disk that the overlay
    names "raw" is raw, as qemu reads it (a raw disk that is one LUKS volume: an encrypted data disk)."""
    return "RAW" if kind not in READ_AS_BACKING and declared == "raw" else kind


def backing_format(head: bytes, tail: bytes) -> str:
    """What a backing file is by its bytes: QCOW, VMDK, VHDX, VHD, one of the formats leakscan does not read as a
    backing file (QED, VDI, Parallels, LUKS, Bochs, DMG: not in READ_AS_BACKING), or raw."""
    for magic, at, kind in _UNREAD:
        if head[at:at + len(magic)] == magic:
            return kind
    if tail.startswith(b"koly"):
        return "DMG"
    if head.startswith(b"QFI\xfb"):
        return "QCOW"
    if head.startswith(b"KDMV") or head.startswith(b"COWD") or b"# Disk DescriptorFile" in head[:1024]:
        return "VMDK"
    if head.startswith(b"vhdxfile"):
        return "VHDX"
    if tail.startswith(b"conectix") or head.startswith(b"conectix"):
        return "VHD"
    return "RAW"


class QcowView:
    """A read-only file-like object: a QCOW2 (version 2) image whose data are READ(offset, size) of a base of
    SIZE bytes. Offsets past the base read as zeros."""

    def __init__(self, read: Any, size: int, media_size: int) -> None:
        self._read = read
        self._base = size
        self._clusters = -(-max(size, media_size, 1) // CLUSTER)
        self._l1_entries = -(-self._clusters // _PER_L2)
        l1_clusters = -(-self._l1_entries * 8 // CLUSTER)
        self._l1_at = CLUSTER
        self._refcount_at = self._l1_at + l1_clusters * CLUSTER
        self._l2_at = self._refcount_at + CLUSTER
        self._data_at = self._l2_at + self._l1_entries * CLUSTER
        self._size = self._data_at + self._clusters * CLUSTER
        self._media = self._clusters * CLUSTER
        self._offset = 0

    def _header(self) -> bytes:
        head = struct.pack(">4sIQIIQIIQQIIQ", b"QFI\xfb", 2, 0, 0, _BITS, self._media, 0, self._l1_entries,
                           self._l1_at, self._refcount_at, 1, 0, 0)
        return head.ljust(CLUSTER, b"\x00")

    def _table(self, first_entry: int, count: int, start: int, limit: int) -> bytes:
        """COUNT 8-byte entries from FIRST_ENTRY: entry i points at START + i x CLUSTER (0 from LIMIT on)."""
        return b"".join(struct.pack(">Q", (start + i * CLUSTER) | _COPIED if i < limit else 0)
                        for i in range(first_entry, first_entry + count))

    def _span(self, offset: int, size: int) -> bytes:
        """Bytes at OFFSET of the view, not crossing a region's end."""
        if offset < self._l1_at:
            return self._header()[offset:offset + size]
        if offset < self._refcount_at:
            rel = offset - self._l1_at
            first, skip = divmod(rel, 8)
            count = -(-(skip + size) // 8)
            table = self._table(first, count, self._l2_at, self._l1_entries)
            return table[skip:skip + size]
        if offset < self._l2_at:
            return bytes(min(size, self._l2_at - offset))
        if offset < self._data_at:
            rel = offset - self._l2_at
            first, skip = divmod(rel, 8)
            count = -(-(skip + size) // 8)
            table = self._table(first, count, self._data_at, self._clusters)
            return table[skip:skip + size]
        rel = offset - self._data_at
        if rel >= self._base:
            return bytes(size)
        data = self._read(rel, min(size, self._base - rel))
        return data + bytes(size - len(data))

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self._size - self._offset
        end = min(self._offset + size, self._size)
        out = bytearray()
        bounds = (self._l1_at, self._refcount_at, self._l2_at, self._data_at, self._size)
        while self._offset < end:
            stop = min(end, next(b for b in bounds if b > self._offset))
            out += self._span(self._offset, stop - self._offset)
            self._offset = stop
        return bytes(out)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self._offset
        elif whence == os.SEEK_END:
            offset += self._size
        if offset < 0:
            raise OSError("negative seek")
        self._offset = offset
        return offset

    def tell(self) -> int:
        return self._offset

    def get_offset(self) -> int:
        return self._offset

    def get_size(self) -> int:
        return self._size

    def close(self) -> None:
        self._read = None


def backing_view(found: Any, head: bytes, overlay_size: int, resolver_context: Any,
                 declared: str | None = None) -> tuple[Any, Any]:
    """(a pyqcow file over the backing image at FOUND, for a backing file that is not QCOW; what keeps it
    readable, to be held as long as the overlay). DECLARED: the format the overlay's header names, if any."""
    from dfvfs.path import factory
    from dfvfs.resolver import resolver

    from ..backends import load

    os_object = resolver.Resolver.OpenFileObject(found, resolver_context=resolver_context)
    size = os_object.get_size()
    os_object.seek(max(size - 512, 0))
    kind = backing_format(head, os_object.read(8))
    kind = as_read(kind, declared)  # the overlay says raw (review17f): its LUKS volume is found in the disk
    if kind not in READ_AS_BACKING:
        raise BackingFormatUnread(found.location.rsplit("/", 1)[-1], kind)
    if kind in ("VMDK", "VHD", "VHDX"):
        indicator = "VMDK" if kind == "VMDK" else "VHDI"
        stream = resolver.Resolver.OpenFileObject(factory.Factory.NewPathSpec(indicator, parent=found),
                                                  resolver_context=resolver_context)
    else:
        stream = os_object

    def read(offset: int, length: int) -> bytes:
        stream.seek(offset)
        return bytes(stream.read(length))

    view = QcowView(read, stream.get_size(), overlay_size)
    parent = load("pyqcow").file()
    parent.open_file_object(view)
    return parent, (view, stream, os_object)
