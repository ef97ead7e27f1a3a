"""How many bytes a QCOW2 file must hold, from its own cluster tables.

libqcow reads a cluster that its tables place past the end of a QCOW2 file cut short (a copy stopped part-way) as a
SHORT read, without an error: The Sleuth Kit then walks what is left and the scan says nothing of the part cut off.
The header's L1 table and the L2 tables it points to give every data cluster's place in the file; the highest end of
those is what the file must hold (qemu writes whole clusters; with subclusters, extended_l2, up to the last one
allocated).

Also: QcowReader, a read-only QCOW2 reader of leakscan's own (as qemu reads a disk: the current disk or an internal
snapshot, compressed clusters in deflate or zstd, over its chain of backing files: open_qcow), which serves an image
libqcow misreads (compressed clusters) or refuses (zstd); the file's own bookkeeping checked as ``qemu-img check``
does (inconsistencies); which clusters libqcow reads otherwise than qemu (compressed_misread, zero_marked).
"""

from __future__ import annotations

import heapq
import os
import struct
import zlib
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import compress
from typing import Any, Protocol

QCOW_MAGIC = b"QFI\xfb"
_OFFSET = 0x00FFFFFFFFFFFE00  # bits 9-55 of an L1 or standard L2 entry: the host offset
_COMPRESSED = 1 << 62
_EXTERNAL_DATA = 1 << 2  # incompatible feature: the data clusters live in another (raw) file
_EXTENDED_L2 = 1 << 4  # incompatible feature: 16-byte L2 entries (subclusters)
_MAX_L1 = (32 << 20) // 8  # qemu's QCOW_MAX_L1_SIZE (32 MiB of 8-byte entries)
_FLAG_BYTE = bytes(0x40 if b & 0x40 else 0 for b in range(256))  # first byte of a BE entry -> its compressed bit


def needed_end(read: Callable[[int, int], bytes]) -> int | None:
    """The byte the file must reach for every L1/L2 table and data cluster its header points to, or None when it is
    no QCOW version 2/3 file or one whose tables cannot be followed (then libqcow says what is wrong). ``read(offset,
    n)`` reads the file (short at its end)."""
    head = read(0, 112)
    if len(head) < 72 or head[:4] != QCOW_MAGIC:
        return None
    version, cluster_bits = struct.unpack_from(">I", head, 4)[0], struct.unpack_from(">I", head, 20)[0]
    if version not in (2, 3) or not 9 <= cluster_bits <= 21:
        return None
    incompatible = struct.unpack_from(">Q", head, 72)[0] if version == 3 and len(head) >= 80 else 0
    virtual = struct.unpack_from(">Q", head, 24)[0]
    l1_size, l1_offset = struct.unpack_from(">IQ", head, 36)
    cluster = 1 << cluster_bits
    per_l2 = cluster // (16 if incompatible & _EXTENDED_L2 else 8)
    if l1_size > _MAX_L1:  # qemu refuses it ("Active L1 table too large"): a damaged header
        return None
    l1 = read(l1_offset, 8 * l1_size)
    if len(l1) < 8 * l1_size:
        return l1_offset + 8 * l1_size
    end = l1_offset + 8 * l1_size
    wide = 16 if incompatible & _EXTENDED_L2 else 8
    # only the entries that map the disk: ``qemu-img resize --shrink`` keeps the table's old size, its entries past
    # the new end zeroed (a table larger than the disk needs is no damage); nothing reads past the disk's end
    mapping = min(l1_size, -(-virtual // (cluster * per_l2)))
    tables = {entry & _OFFSET for (entry,) in struct.iter_unpack(">Q", l1[:8 * mapping])} - {0}
    if tables:
        end = max(end, max(tables) + cluster)
    # each L2 table read once, and only one on a cluster boundary (qemu calls any other corruption): a damaged or
    # hostile L1 table repeating one table, or pointing every 512 bytes, costs no more than the file's own bytes
    for l2_offset in sorted(t for t in tables if not t & (cluster - 1)):
        table = read(l2_offset, cluster)
        if len(table) < cluster or incompatible & _EXTERNAL_DATA:
            continue
        end = max(end, _l2_end(table, wide, cluster_bits))
    return end


def _l2_end(table: bytes, wide: int, cluster_bits: int) -> int:
    """The end of the highest data cluster one L2 table places in the file."""
    cluster = 1 << cluster_bits
    if wide == 8 and table[0::8].translate(_FLAG_BYTE).count(0x40) == 0:  # the common case, at C speed
        plain = bytearray(table)
        plain[0::8] = bytes(len(table) // 8)  # flags (COPIED) and no offset bits live in the first byte
        entries = array("Q", bytes(plain))
        if entries.itemsize != 8:
            return _l2_end_slowly(table, wide, cluster_bits)
        entries.byteswap()
        top = max(entries, default=0) & _OFFSET
        return top + cluster if top else 0
    return _l2_end_slowly(table, wide, cluster_bits)


def _l2_end_slowly(table: bytes, wide: int, cluster_bits: int) -> int:
    cluster, end = 1 << cluster_bits, 0
    x = 62 - (cluster_bits - 8)
    for start in range(0, len(table) - 7, wide):
        (entry,) = struct.unpack_from(">Q", table, start)
        if entry & _COMPRESSED:  # offset in bits 0..x-1, then the count of further 512-byte sectors it spans
            offset = entry & ((1 << x) - 1)
            more = (entry >> x) & ((1 << (cluster_bits - 8)) - 1)
            if offset:  # its last byte lies somewhere in its last sector: that sector must have begun
                end = max(end, ((offset >> 9) + more) * 512 + 1)
        elif entry & _OFFSET and wide == 16:  # subclusters: only those allocated (bits 0-31) are written
            allocated = struct.unpack_from(">Q", table, start + 8)[0] & 0xFFFFFFFF
            if allocated:
                end = max(end, (entry & _OFFSET) + allocated.bit_length() * (cluster // 32))
        elif entry & _OFFSET:
            end = max(end, (entry & _OFFSET) + cluster)
    return end


# incompatible features qemu writes that libqcow refuses ("unsupported incompatible features flags")
_UNREAD_FEATURES = ((_EXTERNAL_DATA, "an external data file"), (1 << 3, "zstd compression"),
                    (_EXTENDED_L2, "subclusters (extended_l2)"))


def zero_marked(read: Callable[[int, int], bytes]) -> tuple[int, Iterator[int]] | None:
    """(cluster size, the disk bytes of the clusters) a QCOW2 version 3 file's current disk marks as zeros with no
    cluster of its own (the zero flag alone: ``qemu-io write -z``, ``qemu-img convert -B`` over zeros, a VM's
    discard/TRIM), in disk order; None for another layout. qemu reads zeros there; in an overlay libqcow reads the
    backing file's bytes (ImageSource compares). Each L2 table read once, while iterating."""
    head = read(0, 104)
    if len(head) < 104 or head[:4] != QCOW_MAGIC or struct.unpack_from(">I", head, 4)[0] != 3:
        return None
    cluster_bits, = struct.unpack_from(">I", head, 20)
    if not 9 <= cluster_bits <= 21 or struct.unpack_from(">Q", head, 72)[0] & (_EXTENDED_L2 | _EXTERNAL_DATA):
        return None
    virtual, = struct.unpack_from(">Q", head, 24)
    l1_size, l1_offset = struct.unpack_from(">IQ", head, 36)
    cluster = 1 << cluster_bits
    per_l2 = cluster // 8
    if l1_size > _MAX_L1:
        return None
    mapping = min(l1_size, -(-virtual // (cluster * per_l2)))
    l1 = read(l1_offset, 8 * mapping)

    def marked() -> Iterator[int]:
        zeros: dict[int, list[int]] = {}  # each L2 table read once (a damaged L1 table may repeat one)
        for index, (entry,) in enumerate(struct.iter_unpack(">Q", l1[:len(l1) // 8 * 8])):
            table_at = entry & _OFFSET
            if not table_at or table_at & (cluster - 1):
                continue
            if table_at not in zeros:
                table = read(table_at, cluster)
                entries = array("Q", table if len(table) == cluster else b"")
                if entries.itemsize != 8:
                    return
                entries.byteswap()
                zeros[table_at] = ([i for i, value in enumerate(entries) if value in (1, 1 | 1 << 63)]
                                   if 1 in entries or 1 | 1 << 63 in entries else [])  # the zero flag alone
            for i in zeros[table_at]:
                yield (index * per_l2 + i) * cluster

    return cluster, marked()


def entry_at(read: Callable[[int, int], bytes]) -> Callable[[int], int] | None:
    """For a QCOW2 file (``read(offset, n)``): a function giving its current disk's L2 entry for a disk byte (0:
    nothing of its own there, read from the backing file), the last L2 table kept (calls go forward); None for no
    QCOW2 header or a layout not read (subclusters, external data)."""
    head = read(0, 104)
    if len(head) < 72 or head[:4] != QCOW_MAGIC:
        return None
    cluster_bits, = struct.unpack_from(">I", head, 20)
    if not 9 <= cluster_bits <= 21 or len(head) >= 80 and struct.unpack_from(">I", head, 4)[0] == 3 and \
            struct.unpack_from(">Q", head, 72)[0] & (_EXTENDED_L2 | _EXTERNAL_DATA):
        return None
    l1_size, l1_offset = struct.unpack_from(">IQ", head, 36)
    per_l2 = (1 << cluster_bits) // 8
    kept: list[object] = [-1, b""]  # (L1 index, its L2 table)

    def entry(at: int) -> int:
        l1_index, l2_index = divmod(at >> cluster_bits, per_l2)
        if kept[0] != l1_index:
            raw = read(l1_offset + 8 * l1_index, 8) if l1_index < l1_size else b""
            table_at = struct.unpack(">Q", raw)[0] & _OFFSET if len(raw) == 8 else 0
            kept[:] = [l1_index, read(table_at, 1 << cluster_bits) if table_at else b""]
        table = kept[1]
        assert isinstance(table, bytes)
        return struct.unpack_from(">Q", table, 8 * l2_index)[0] if 8 * l2_index + 8 <= len(table) else 0

    return entry


def _compressed_entries(read: Callable[[int, int], bytes]) -> tuple[int, int, Iterator[tuple[int, int]]] | None:
    """(cluster size, disk size, (host offset, disk byte) of each compressed cluster of the current disk, L2 table by
    L2 table) of a QCOW2 version 2/3 file, or None for no such file or a layout not read (subclusters, external
    data). Each L2 table is read once, for the first L1 entry pointing to it (a damaged or hostile L1 table repeating
    one table costs no more than the file's own tables; its clusters are counted once, as the file holds them)."""
    head = read(0, 104)
    if len(head) < 72 or head[:4] != QCOW_MAGIC or struct.unpack_from(">I", head, 4)[0] not in (2, 3):
        return None
    cluster_bits, = struct.unpack_from(">I", head, 20)
    if not 9 <= cluster_bits <= 21 or len(head) >= 80 and struct.unpack_from(">I", head, 4)[0] == 3 and \
            struct.unpack_from(">Q", head, 72)[0] & (_EXTENDED_L2 | _EXTERNAL_DATA):
        return None
    cluster = 1 << cluster_bits
    virtual = struct.unpack_from(">Q", head, 24)[0]
    l1_size, l1_offset = struct.unpack_from(">IQ", head, 36)
    if l1_size > _MAX_L1:
        return None
    per_l2 = cluster // 8
    mapping = min(l1_size, -(-virtual // (cluster * per_l2)))
    l1 = read(l1_offset, 8 * mapping)
    shift = 62 - (cluster_bits - 8)

    def compressed() -> Iterator[tuple[int, int]]:
        seen: set[int] = set()
        for i, (entry,) in enumerate(struct.iter_unpack(">Q", l1[:len(l1) // 8 * 8])):
            table_at = entry & _OFFSET
            if not table_at or table_at & (cluster - 1) or table_at in seen:
                continue
            seen.add(table_at)
            table = read(table_at, cluster)
            if table[0::8].translate(_FLAG_BYTE).count(0x40) == 0:
                continue  # no compressed cluster in it (the common case, at C speed)
            for j, (e,) in enumerate(struct.iter_unpack(">Q", table[:len(table) // 8 * 8])):
                if e & _COMPRESSED and (i * per_l2 + j) * cluster < virtual:
                    yield e & ((1 << shift) - 1), (i * per_l2 + j) * cluster

    return cluster, virtual, compressed()


def compressed_count(read: Callable[[int, int], bytes]) -> int:
    """How many compressed clusters (``qemu-img convert -c``) a QCOW2 file's current disk holds (0 for none, or no
    QCOW2 file)."""
    found = _compressed_entries(read)
    return sum(1 for _ in found[2]) if found is not None else 0


def compressed_misread(read: Callable[[int, int], bytes], size: int, read_disk: Callable[[int, int], bytes],
                       budget: int = 1 << 28) -> tuple[int, int] | None:
    """(how many, the first disk byte) of the current disk's compressed clusters that READ_DISK (libqcow) reads
    otherwise than a raw-deflate inflate of the file's own bytes (as qemu reads them: from the cluster's offset,
    short at the file's end), or None. libqcow reads some compressed clusters of a ``qemu-img convert -c`` image as
    zeros, without an error (review17f; which ones hangs on where qemu packed each stream): FAT's root directory
    among them, the volume walked as empty. Compared from the highest place in the file down, up to BUDGET bytes
    of disk (the clusters kept in memory bounded by it too). The safety net when QcowReader does not serve such an
    image (ImageSource._serve_qcow)."""
    found = _compressed_entries(read)
    if found is None:
        return None
    cluster, virtual, compressed = found
    n, first = 0, None
    for host, disk in heapq.nlargest(max(1, budget // cluster), compressed):
        try:
            ours = zlib.decompressobj(-15).decompress(read(host, min(2 * cluster, max(0, size - host))), cluster)
        except zlib.error:
            continue  # a stream qemu cannot read either: not libqcow's misreading
        if len(ours) < cluster:
            continue
        want = min(cluster, virtual - disk)
        if bytes(read_disk(disk, want)) != ours[:want]:
            n, first = n + 1, disk if first is None else min(first, disk)
    return (n, first) if first is not None else None


def unread_features(head: bytes) -> str | None:
    """The incompatible features of a QCOW2 version 3 header (its first 80 bytes) that libqcow does not read, named
    (", "-joined), or None."""
    if len(head) < 80 or head[:4] != QCOW_MAGIC or struct.unpack_from(">I", head, 4)[0] != 3:
        return None
    bits = struct.unpack_from(">Q", head, 72)[0]
    return ", ".join(name for bit, name in _UNREAD_FEATURES if bits & bit) or None


def encryption(head: bytes) -> str | None:
    """How a QCOW2 version 2/3 header (its first 72 bytes) says its clusters are encrypted ("AES", "LUKS"), or None
    (not encrypted, or no such header)."""
    if len(head) < 72 or head[:4] != QCOW_MAGIC or struct.unpack_from(">I", head, 4)[0] not in (2, 3):
        return None
    method = struct.unpack_from(">I", head, 32)[0]
    return {0: None, 1: "AES", 2: "LUKS"}.get(method, f"method {method}")


def snapshot_count(head: bytes) -> int:
    """How many internal snapshots (``qemu-img snapshot -c``) a QCOW2 version 2/3 header lists (its first 72 bytes),
    0 for anything else."""
    if len(head) < 72 or head[:4] != QCOW_MAGIC or struct.unpack_from(">I", head, 4)[0] not in (2, 3):
        return 0
    return int(struct.unpack_from(">I", head, 60)[0])


def cut_short(fd: int) -> tuple[int, int] | None:
    """(bytes the QCOW2 file's tables need, bytes it holds) when it holds fewer, else None."""
    size = os.fstat(fd).st_size
    needed = needed_end(lambda offset, n: os.pread(fd, max(0, min(n, size - offset)), offset) if offset < size
                        else b"")
    return (needed, size) if needed is not None and needed > size else None


class QcowRefused(Exception):
    """A QCOW2 disk that QcowReader does not read (why, said in the listing)."""


class SnapshotRefused(QcowRefused):
    """A QCOW2 internal snapshot that cannot be read here (why, said in the listing)."""


def snapshot_table(read: Callable[[int, int], bytes], limit: int = 65536) -> list[tuple[int, int, int, str]]:
    """(L1 table offset, L1 entries, virtual disk size, id) of the first LIMIT internal snapshots a QCOW2 version 2/3
    file lists, in the table's order; SnapshotRefused when those entries do not read (damaged or cut short). Only
    those entries are parsed (a table of 65,536 costs a reader nothing more)."""
    head = read(0, 104)
    if len(head) < 72 or head[:4] != QCOW_MAGIC:
        raise SnapshotRefused("no QCOW2 header")
    count, table = struct.unpack_from(">IQ", head, 60)
    virtual = struct.unpack_from(">Q", head, 24)[0]
    out, at = [], table
    for _ in range(min(count, 65536, limit)):  # qemu's QCOW_MAX_SNAPSHOTS
        entry = read(at, 40)
        if len(entry) < 40:
            raise SnapshotRefused(f"its snapshot table runs past the file's end (byte {at})")
        l1_offset, l1_size, id_size, name_size = struct.unpack_from(">QIHH", entry, 0)
        extra = struct.unpack_from(">I", entry, 36)[0]
        if extra > 1024:
            raise SnapshotRefused(f"a snapshot entry with {extra} bytes of extra data (damaged table?)")
        more = read(at + 40, extra + id_size)
        if len(more) < extra + id_size:
            raise SnapshotRefused(f"its snapshot table runs past the file's end (byte {at})")
        size = struct.unpack_from(">Q", more, 8)[0] if extra >= 16 else virtual
        out.append((l1_offset, l1_size, size, more[extra:extra + id_size].decode("ascii", "replace")))
        at += -(-(40 + extra + id_size + name_size) // 8) * 8
    return out


class QcowReader:
    """One disk of a QCOW2 file, read-only, as qemu reads it: the current disk (INDEX None: the header's L1 table)
    or internal snapshot INDEX (its own L1 table). ``read(offset, size)``, ``get_size()``, ``close()`` as
    image_pathspec's readers. Standard, zero and compressed clusters (deflate; zstd when the header says so, through
    backports.zstd); a cluster its tables place past the file's end or off a cluster boundary, or one that does not
    decompress, is an OSError (never zeros). Unallocated clusters read as zeros in a file with no backing file; in an
    overlay, from BACKING (``backing()`` opens the backing file's disk: ``read(offset, n)``, short at its end, past
    which it reads as zeros, as qemu reads it; ``close()``). Refcounts are not read. A file CUT short (cut_short) may
    hold only part of its L1 table: the entries present are read, a read needing one past the end is an OSError.
    Memory is bounded: L1 entries read a page at a time, L2 tables and inflated clusters kept up to _CACHE bytes
    each (least recently used out)."""

    _what = "QCOW2"

    def __init__(self, path: str, backing: Callable[[], QcowBacking] | None = None, index: int | None = None,
                 cut: bool = False) -> None:
        from .image_sniff import open_evidence

        self._fd = open_evidence(path)
        self._backing: QcowBacking | None = None
        try:
            self._file_size = os.fstat(self._fd).st_size
            head = self._pread(0, 112)
            self.layout = layout = qcow_layout(head)
            self._bits, self._cluster = layout.cluster_bits, 1 << layout.cluster_bits
            if index is None:
                l1_offset, l1_size, self._size = layout.l1_offset, layout.l1_size, layout.size
                if l1_offset & (self._cluster - 1):
                    raise QcowRefused(f"its L1 table offset ({l1_offset}) is not on a cluster boundary")
            else:
                l1_offset, l1_size, self._size, _ = snapshot_table(self._pread, index + 1)[index]
            needed = -(-self._size // (self._cluster * (self._cluster // 8)))
            if l1_size < needed or l1_size > _MAX_L1:
                raise QcowRefused(f"its L1 table holds {l1_size} entries, the disk needs {needed}")
            # only the entries mapping the disk (a shrunk disk keeps more), read a page at a time when a cluster is
            # (a hostile table of 4 Mi entries held as a list cost ~170 MB per reader, one reader per snapshot)
            if needed and not cut and len(self._pread(l1_offset + 8 * (needed - 1), 8)) < 8:
                raise QcowRefused(f"its L1 table (byte {l1_offset}) runs past the file's end")
            self._l1_at, self._l1_entries = l1_offset, needed
            self._l1_pages: OrderedDict[int, bytes] = OrderedDict()
            self._l2: OrderedDict[int, bytes] = OrderedDict()
            self._inflated: OrderedDict[int, bytes] = OrderedDict()
            self._keep = max(2, _CACHE >> self._bits)  # tables (and inflated clusters) kept
            self._backing = backing() if backing is not None else None
        except BaseException:
            os.close(self._fd)
            raise

    def _pread(self, offset: int, n: int) -> bytes:
        return os.pread(self._fd, max(0, min(n, self._file_size - offset)), offset) if 0 <= offset < self._file_size else b""

    def get_size(self) -> int:
        return self._size

    def read(self, offset: int, size: int) -> bytes:
        if offset < 0:
            raise OSError(f"{self._what}: negative offset {offset}")
        size = max(0, min(size, self._size - offset))
        parts = []
        mask = self._cluster - 1
        while size > 0:
            within = offset & mask
            n = min(size, self._cluster - within)
            entry = self._entry(offset - within)
            if entry & _COMPRESSED:
                parts.append(self._compressed(entry)[within:within + n])
            elif entry & 1:  # a zero cluster (v3): zeros, whatever the backing file holds
                if self.layout.version < 3:  # qemu: "Zero cluster entry found in pre-v3 image" (EIO)
                    raise OSError(f"{self._what}: a zero cluster in a version 2 image (damaged L2 entry)")
                if entry & _OFFSET & mask:  # preallocated: qemu checks its place too ("unaligned", EIO)
                    raise OSError(f"{self._what}: cluster at byte {entry & _OFFSET} is not on a cluster boundary "
                                  "(damaged)")
                parts.append(bytes(n))
            elif entry & _OFFSET:
                host = entry & _OFFSET
                if host & mask:
                    raise OSError(f"{self._what}: cluster at byte {host} is not on a cluster boundary (damaged)")
                while n < min(size, _RUN):  # the clusters after it that follow it in the file too: one read
                    following = self._entry(offset + n)  # (offset + n is a cluster's first byte here)
                    if following & (_COMPRESSED | 1) or following & _OFFSET != host + within + n:
                        break
                    n += min(size - n, self._cluster)
                data = self._pread(host + within, n)
                if len(data) < n:
                    raise OSError(f"{self._what}: cluster at byte {host} lies past the file's end (cut short?)")
                parts.append(data)
            else:
                parts.append(self._unallocated(offset, n))
            offset, size = offset + n, size - n
        return b"".join(parts)

    def _entry(self, guest: int) -> int:
        """The L2 entry for disk byte GUEST (a cluster's first), 0 where no L2 table maps it."""
        per_l2 = self._cluster // 8
        l1_index, l2_index = divmod(guest >> self._bits, per_l2)
        table_at = self._l1_entry(l1_index) if l1_index < self._l1_entries else 0
        if not table_at:
            return 0
        table = self._l2.get(table_at)
        if table is None:
            if table_at & (self._cluster - 1):
                raise OSError(f"{self._what}: L2 table at byte {table_at} is not on a cluster boundary (damaged)")
            table = self._pread(table_at, self._cluster)
            if len(table) < self._cluster:
                raise OSError(f"{self._what}: L2 table at byte {table_at} is past the file's end (cut short?)")
            self._remember(self._l2, table_at, table)
        else:
            self._l2.move_to_end(table_at)
        return int.from_bytes(table[8 * l2_index:8 * l2_index + 8], "big")

    def _l1_entry(self, index: int) -> int:
        """The L2 table offset L1 entry INDEX holds (0: unallocated)."""
        page_no, at = divmod(index, _L1_PAGE)
        page = self._l1_pages.get(page_no)
        if page is None:
            first = page_no * _L1_PAGE
            want = 8 * min(_L1_PAGE, self._l1_entries - first)
            page = self._pread(self._l1_at + 8 * first, want)  # short in a file cut short (CUT): kept as far as it goes
            self._l1_pages[page_no] = page
            if len(self._l1_pages) > 16:
                self._l1_pages.popitem(last=False)
        if len(page) < 8 * at + 8:
            raise OSError(f"{self._what}: its L1 table (byte {self._l1_at}) runs past the file's end (cut short?)")
        return int.from_bytes(page[8 * at:8 * at + 8], "big") & _OFFSET

    def _remember(self, cache: OrderedDict[int, bytes], key: int, value: bytes) -> None:
        cache[key] = value
        if len(cache) > self._keep:
            cache.popitem(last=False)

    def _compressed(self, entry: int) -> bytes:
        x = 62 - (self._bits - 8)
        host = entry & ((1 << x) - 1)
        kept = self._inflated.get(host)
        if kept is not None:
            self._inflated.move_to_end(host)
            return kept
        sectors = ((entry >> x) & ((1 << (self._bits - 8)) - 1)) + 1
        if host >= self._file_size:
            raise OSError(f"{self._what}: compressed cluster at byte {host} lies past the file's end (cut short?)")
        packed = self._pread(host, sectors * 512 - (host & 511))  # short at the file's end, as qemu reads it
        try:
            data = inflate(packed, self._cluster, self.layout.zstd)
        except ValueError as e:
            raise OSError(f"{self._what}: compressed cluster at byte {host} does not decompress ({e})") from e
        if len(data) < self._cluster:
            raise OSError(f"{self._what}: compressed cluster at byte {host} decompresses short (cut short?)")
        self._remember(self._inflated, host, data)
        return data

    def _unallocated(self, offset: int, n: int) -> bytes:
        """N bytes of an unallocated cluster: the backing file's bytes there (zeros past its end), or zeros."""
        if self._backing is None:
            return bytes(n)
        data = self._backing.read(offset, n)
        return data + bytes(n - len(data))

    def close(self) -> None:
        if self._backing is not None:
            self._backing.close()
            self._backing = None
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class SnapshotReader(QcowReader):
    """One internal snapshot of a QCOW2 file (its own L1 table), read as QcowReader reads the current disk."""

    _what = "QCOW2 snapshot"

    def __init__(self, path: str, index: int, backing: Callable[[], QcowBacking] | None = None) -> None:
        try:
            super().__init__(path, backing, index)
        except QcowRefused as e:
            raise SnapshotRefused(str(e)) from e


class QcowBacking(Protocol):
    """A backing file's disk as QcowReader reads it: short at its end."""

    def read(self, offset: int, n: int) -> bytes: ...

    def close(self) -> None: ...


_CACHE = 4 << 20  # bytes of L2 tables, and of inflated clusters, a QcowReader keeps
_L1_PAGE = 512  # L1 entries read at once (4 KiB)
_RUN = 1 << 20  # bytes of clusters lying one after the other read at once


@dataclass(frozen=True)
class QcowLayout:
    """What a QCOW2 version 2/3 header says, as QcowReader needs it."""

    version: int
    cluster_bits: int
    size: int  # the disk's size
    l1_offset: int
    l1_size: int
    backing_at: int  # where the backing file's name is written (0: no backing file)
    backing_size: int  # its length
    zstd: bool  # compression type zstd (version 3, incompatible bit 3 and the header's byte 104)


_DIRTY_OR_CORRUPT = 1 | 2  # incompatible bits a reader may ignore (refcounts stale; qemu's "corrupt" mark)
_COMPRESSION_TYPE = 1 << 3


def qcow_layout(head: bytes) -> QcowLayout:
    """The layout of a QCOW2 file from its first 112 bytes; QcowRefused for no QCOW2 version 2/3 header or a layout
    not read here (encrypted, external data file, subclusters, an unknown incompatible feature or compression)."""
    if len(head) < 72 or head[:4] != QCOW_MAGIC:
        raise QcowRefused("no QCOW2 header")
    version, cluster_bits = struct.unpack_from(">I", head, 4)[0], struct.unpack_from(">I", head, 20)[0]
    if version not in (2, 3):
        raise QcowRefused(f"QCOW version {version}")
    if not 9 <= cluster_bits <= 21:  # qemu's limits (512 bytes to 2 MiB)
        raise QcowRefused(f"a cluster of 2^{cluster_bits} bytes")
    if struct.unpack_from(">I", head, 32)[0]:
        raise QcowRefused("an encrypted disk (AES or LUKS)")
    zstd = False
    if version == 3:
        if len(head) < 104:
            raise QcowRefused("its header is cut short")
        incompatible, = struct.unpack_from(">Q", head, 72)
        header_length, = struct.unpack_from(">I", head, 100)
        if incompatible & ~(_DIRTY_OR_CORRUPT | _COMPRESSION_TYPE):
            raise QcowRefused(unread_features(head[:80]) or f"incompatible features {incompatible:#x}")
        if incompatible & _COMPRESSION_TYPE:
            kind = head[104] if header_length > 104 and len(head) > 104 else 0
            if kind not in (0, 1):
                raise QcowRefused(f"compression type {kind}")
            zstd = kind == 1
    backing_at, backing_size = struct.unpack_from(">QI", head, 8)
    if backing_size > 1023:  # qemu: "Backing file name too long"
        raise QcowRefused(f"a backing file name of {backing_size} bytes")
    size = struct.unpack_from(">Q", head, 24)[0]
    l1_size, l1_offset = struct.unpack_from(">IQ", head, 36)
    return QcowLayout(version, cluster_bits, size, l1_offset, l1_size, backing_at, backing_size, zstd)


def inflate(packed: bytes, cluster: int, zstd: bool) -> bytes:
    """One compressed cluster's bytes (at most CLUSTER of them): raw deflate, or zstd; ValueError when they do not
    decompress, or when a deflate stream does not end with its cluster: qemu writes each cluster as one whole stream,
    so output past the cluster or a stream without its end is a damaged stream read on as something else (damage20:
    16 zeroed bytes inflated a CSV's cluster to valid cp932 mojibake, 30 persons -> 0 with only a decoding note; qemu
    reads the same bytes without an error)."""
    if not zstd:
        inflater = zlib.decompressobj(-15)
        try:
            out = inflater.decompress(packed, cluster)
            if not inflater.eof and len(out) == cluster and (inflater.decompress(inflater.unconsumed_tail, 1)
                                                             or not inflater.eof):
                raise ValueError("the deflate stream does not end with the cluster (damaged)")
        except zlib.error as e:
            raise ValueError(str(e)) from e
        return out
    import importlib
    import sys

    from ..backends import load

    # Python 3.14's compression.zstd, else its backport (a dependency: .zst files, py7zr)
    zstd_module = importlib.import_module("compression.zstd") if sys.version_info >= (3, 14) else load("backports.zstd")
    try:
        out = zstd_module.ZstdDecompressor().decompress(packed, cluster)
    except (zstd_module.ZstdError, EOFError) as e:
        raise ValueError(str(e)) from e
    return bytes(out)


def open_qcow(path: str, chain: list[str] | None = None, cut: bool = False) -> QcowReader:
    """The current disk of the QCOW2 file at PATH read by QcowReader, over its chain of backing files: each found as
    dfvfs is made to find it (image_parents.backing_place: beside it, never out of its folder nor through a link), a
    QCOW2 one read by QcowReader too, a raw, VMDK or VHD/VHDX one through BackingDisk. A chain that loops or runs
    longer than image_parents.MAX_CHAIN: ParentChainError; a backing file missing or a layout not read: QcowRefused.
    CUT: files cut short are read as far as they go (QcowReader's CUT)."""
    from .image_backing import declared_backing_format
    from .image_parents import backing_place, check_parent, visit_parent
    from .image_sniff import open_evidence

    chain = [] if chain is None else chain
    visit_parent(chain, path)
    fd = open_evidence(path)
    try:
        head = os.pread(fd, 65536, 0)
        layout = qcow_layout(head[:112])
        written = os.pread(fd, layout.backing_size, layout.backing_at) if layout.backing_at else b""
    finally:
        os.close(fd)
    if not written:  # no backing file (qemu: a name of 0 bytes is none)
        return QcowReader(path, cut=cut)
    name = written.decode("utf-8", "replace")
    found = backing_place(path, name)
    if found is None:
        raise QcowRefused(f"backing file missing: {name}")
    check_parent(chain, found)
    declared = declared_backing_format(head)
    kind = backing_kind(found, declared)
    if kind == "QCOW":
        return QcowReader(path, lambda: open_qcow(found, chain, cut), cut=cut)
    return QcowReader(path, lambda: BackingDisk(found, declared), cut=cut)


def backing_kind(path: str, declared: str | None) -> str:
    """The format a backing file is read as: its head and tail sniffed (image_backing.backing_format), the overlay's
    declared format weighed (as_read); opened read-only without moving its access time (open_evidence)."""
    from .image_backing import as_read, backing_format
    from .image_sniff import open_evidence

    fd = open_evidence(path)
    try:
        size = os.fstat(fd).st_size
        return as_read(backing_format(os.pread(fd, 1024, 0), os.pread(fd, 8, max(size - 512, 0))), declared)
    finally:
        os.close(fd)


class BackingDisk:
    """The disk of an overlay's backing file as SnapshotReader reads it, as leakscan reads any image: a raw file (its
    bytes), a QCOW2 file with its own chain (open_qcow), or a VMDK or VHD/VHDX image opened through dfvfs with its
    own parents (found beside it: image_parents). Read-only (no access time moved: image_noatime)."""

    def __init__(self, path: str, declared: str | None = None) -> None:
        from .image_backing import READ_AS_BACKING
        from .image_sniff import open_evidence

        self._qcow: Any = None
        self._own: QcowReader | None = None
        self._context: Any = None
        self._raw = -1  # a raw backing file's descriptor (O_NOATIME: open_evidence)
        kind = backing_kind(path, declared)
        if kind not in READ_AS_BACKING:  # never opened as another format (a VDI was opened as a VHD)
            raise SnapshotRefused(f"its backing file is a {kind} image, which leakscan does not read as a backing disk")
        if kind == "RAW":
            self._raw = open_evidence(path)
            self._size = os.fstat(self._raw).st_size
            return
        if kind == "QCOW":  # never through libqcow, which reads some compressed clusters as zeros
            try:
                self._own = open_qcow(path)
            except (QcowRefused, OSError) as e:
                raise SnapshotRefused(f"its backing file ({kind}) does not read: {e}") from e
            self._size = self._own.get_size()
            return
        from dfvfs.path import factory
        from dfvfs.resolver import context, resolver

        from .image_noatime import dfvfs_without_atime
        from .image_parents import dfvfs_parents_beside

        dfvfs_without_atime()
        dfvfs_parents_beside()
        os_spec = factory.Factory.NewPathSpec("OS", location=os.path.abspath(path))
        indicator = {"VMDK": "VMDK", "VHD": "VHDI", "VHDX": "VHDI"}[kind]
        try:
            # a context of its own: file objects the current disk's chain shares in the default one (the same
            # files under it) are not shared with a second handle
            self._context = context.Context()
            self._qcow = resolver.Resolver.OpenFileObject(factory.Factory.NewPathSpec(indicator, parent=os_spec),
                                                          resolver_context=self._context)
            self._size = int(self._qcow.get_size())
            self._qcow.seek(0)
            self._qcow.read(512)  # a chain with a missing or unusable parent fails here
        except Exception as e:  # noqa: BLE001 - dfvfs and libyal errors of every kind: the snapshots stay listed
            raise SnapshotRefused(f"its backing file ({kind}) does not read: {type(e).__name__}") from e

    def read(self, offset: int, n: int) -> bytes:
        n = max(0, min(n, self._size - offset))
        if not n:
            return b""
        if self._own is not None:
            return self._own.read(offset, n)
        if self._qcow is not None:
            self._qcow.seek(offset)
            return bytes(self._qcow.read(n))
        if self._raw < 0:
            raise OSError("backing file closed")
        return os.pread(self._raw, n, offset)

    def close(self) -> None:
        if self._own is not None:
            self._own.close()
            self._own = None
        self._qcow = None  # dfvfs' file object: released with its resolver context
        if self._context is not None:
            self._context.Empty()
            self._context = None
        if self._raw >= 0:
            os.close(self._raw)
            self._raw = -1


# -- the file's own bookkeeping, as ``qemu-img check`` keeps it -----------------------------------------------------
#
# QCOW2 keeps no checksum either, but it counts: every cluster of the file holds a reference count (the refcount
# table and blocks), how many times the header, the L1/L2 tables of the current disk and of every internal snapshot,
# the snapshot table and the extensions point to it. A table pointer moved to another cluster (a bit flipped in a
# snapshot-table entry, an L1 or L2 entry) makes libqcow (and SnapshotReader) read that cluster's bytes as the disk's
# without an error; the moved pointer adds a reference to a cluster already counted (used: its count is then
# exceeded; free: its count is 0). A cluster referenced more often than its count is what qemu-img check calls an
# ERROR (fewer references, a "leak", is no damage: it follows an interrupted write). Pointers must also sit on a
# cluster boundary (qemu: "Cluster is not properly aligned; L2 entry corrupted"): a low bit flipped keeps the
# cluster's count but reads other bytes.

_DIRTY = 1 << 0  # incompatible feature: refcounts not up to date (lazy refcounts); qemu repairs them on open
_CRYPTO_EXT, _BITMAPS_EXT = 0x0537BE77, 0x23852875
_REFCOUNT_ARRAYS = {8: "B", 16: "H", 32: "I", 64: "Q"}


@dataclass(frozen=True)
class Inconsistency:
    """QCOW2 bookkeeping found wrong: how many clusters or pointers, and the first (its byte in the file)."""

    kind: str  # "refcount": referenced more often than counted; "misaligned": a pointer off a cluster boundary;
    # "reused": a cluster holding two kinds of structure (metadata, an L2 table, data): a valid file never does;
    # "outside": the refcount table or a refcount block past the file's end (or reaching past it); "unreferenced":
    # clusters counted in use that no table points to, a quarter of the data clusters mapped or more (a table lost)
    n: int
    at: int
    refs: int = 0  # refcount: references found to the first cluster
    count: int = 0  # refcount: its stored reference count


def inconsistencies(read: Callable[[int, int], bytes], size: int) -> list[Inconsistency]:
    """The bookkeeping a QCOW2 version 2/3 file of SIZE bytes breaks (``read(offset, n)`` reads it, short at its end);
    [] for a consistent one, and for what is not checked: no QCOW2 header, refcounts narrower than a byte, a layout not read (external data, subclusters; zstd is read by QcowReader, its tables checked), tables past
    the file's end (needed_end says those). References to places past the file's end are left to needed_end.
    Reads each table once; L1 tables at most the file's size in all (a valid file holds each apart). Memory: two
    bytes per cluster of the file (_Tally)."""
    head = read(0, 112)
    if len(head) < 72 or head[:4] != QCOW_MAGIC:
        return []
    version, cluster_bits = struct.unpack_from(">II", head, 4)[0], struct.unpack_from(">I", head, 20)[0]
    if version not in (2, 3) or not 9 <= cluster_bits <= 21:
        return []
    incompatible, order = 0, 4
    if version == 3:
        if len(head) < 104:
            return []
        incompatible, = struct.unpack_from(">Q", head, 72)
        order, header_length = struct.unpack_from(">II", head, 96)
    else:
        header_length = 72
    if incompatible & (_EXTERNAL_DATA | _EXTENDED_L2) or order not in (3, 4, 5, 6):
        return []
    # dirty (lazy refcounts, a VM or qemu that did not close the file): the stored counts are stale (qemu-img check
    # finds "errors" qemu repairs on open; libqcow reads the tables and ignores the counts), so they are not
    # compared; what does not need them still holds: a cluster in two roles, a pointer off a cluster boundary, the
    # refcount table and blocks inside the file (the current disk's L1/L2 tables past the end: needed_end)
    counted = not incompatible & _DIRTY
    cluster = 1 << cluster_bits
    clusters = -(-size // cluster)
    tally = _Tally(clusters)
    misaligned: list[int] = []
    outside: list[int] = []  # refcount table or block pointers past the file's end (the byte each points to)

    def span(offset: int, n: int, role: int = 0, k: int = 1) -> None:  # bytes [offset, offset + n): K references
        if n > 0 and 0 <= offset < size:  # per cluster, each cluster holding ROLE (0 metadata, 1 L2 table, 2 data)
            for c in range(offset >> cluster_bits, min(clusters, (offset + n - 1 >> cluster_bits) + 1)):
                tally.add(c, k, role)

    def pointer(offset: int) -> bool:  # a table pointer: on a cluster boundary and inside the file
        if offset & (cluster - 1):
            misaligned.append(offset)
            return False
        return 0 < offset < size

    span(0, cluster)  # the header cluster (extensions and the backing file's name live in it)
    rt_offset, rt_clusters = struct.unpack_from(">QI", head, 48)
    snapshots, snap_at = struct.unpack_from(">IQ", head, 60)
    # the refcount structures' own places need no count: said dirty or not (review16d #6)
    if not pointer(rt_offset) or rt_offset + rt_clusters * cluster > size:
        if rt_offset and not rt_offset & (cluster - 1):  # past the end, or reaching past it
            outside.append(rt_offset if rt_offset >= size else rt_offset + rt_clusters * cluster)
        return _said(misaligned, outside=outside)  # no refcount table to compare with; pointers still said
    span(rt_offset, rt_clusters * cluster)
    rt = read(rt_offset, rt_clusters * cluster)
    blocks: dict[int, int] = {}  # refcount block number -> its byte in the file
    for i, (entry,) in enumerate(struct.iter_unpack(">Q", rt[:len(rt) // 8 * 8])):
        at = entry & ~0x1FF
        if at and pointer(at):
            blocks[i] = at
            span(at, cluster)
        elif at and not at & (cluster - 1):
            outside.append(at)
    # the current disk's L1 table and each snapshot's: (offset, entries)
    l1_tables = [(struct.unpack_from(">Q", head, 40)[0], struct.unpack_from(">I", head, 36)[0])]
    if snapshots:
        if not pointer(snap_at) and snap_at:
            return _said(misaligned)
        at = snap_at
        for _ in range(min(snapshots, 65536)):
            entry = read(at, 40)
            if len(entry) < 40:
                break
            l1_offset, l1_size, id_size, name_size = struct.unpack_from(">QIHH", entry, 0)
            extra, = struct.unpack_from(">I", entry, 36)
            l1_tables.append((l1_offset, l1_size))
            at += -(-(40 + extra + id_size + name_size) // 8) * 8
        span(snap_at, at - snap_at)
    _extensions(read, head, header_length, version, span, pointer, cluster)
    budget = size
    l2_refs: Counter[int] = Counter()
    for l1_offset, l1_size in l1_tables:
        if not l1_size:
            continue
        if l1_size > _MAX_L1 or 8 * l1_size > budget or not pointer(l1_offset):
            continue  # past the end or too large: SnapshotReader and needed_end say so
        budget -= 8 * l1_size
        span(l1_offset, 8 * l1_size)
        l1 = read(l1_offset, 8 * l1_size)
        tables = Counter(entry & _OFFSET for (entry,) in struct.iter_unpack(">Q", l1[:len(l1) // 8 * 8]))
        tables.pop(0, None)
        l2_refs.update(tables)
    for l2_offset, k in l2_refs.items():
        if not pointer(l2_offset):
            continue
        span(l2_offset, cluster, 1, k)
        table = read(l2_offset, cluster)
        if len(table) < cluster:
            continue
        hosts = _l2_clusters(table, cluster_bits)
        if not hosts:
            continue
        if max(hosts) < _COMPRESSED_SPAN and not any(map((cluster - 1).__and__, hosts)):  # plain clusters, at C speed
            for host, n in hosts.items():
                if host < size:
                    tally.add(host >> cluster_bits, n * k, 2)
            continue
        for host, n in hosts.items():
            if host & (cluster - 1) and host & _COMPRESSED_SPAN == 0:
                misaligned.append(host)
            elif host & _COMPRESSED_SPAN:  # a compressed cluster: (its byte, its length) packed (see _l2_clusters)
                span((host ^ _COMPRESSED_SPAN) >> 24, host & 0xFFFFFF, 2, n * k)
            else:
                span(host, cluster, 2, n * k)
    over = _over(read, blocks, cluster_bits, order, tally) if counted else (0, 0, 0, 0)
    lost = _unreferenced(read, blocks, cluster_bits, order, tally, clusters) if counted else (0, 0)
    return _said(misaligned, tally.reused(cluster_bits), over, outside, lost)


_COMPRESSED_SPAN = 1 << 100  # marks a compressed cluster's (byte << 24 | length) key in _l2_clusters' answer


def _l2_clusters(table: bytes, cluster_bits: int) -> Counter[int]:
    """How many entries of one L2 table (8-byte entries) point to each host byte: standard and preallocated-zero
    clusters by their offset (low flag and reserved bits dropped, the offset bits kept: an offset off a cluster
    boundary shows), compressed clusters as _COMPRESSED_SPAN | byte << 24 | length."""
    if table[0::8].translate(_FLAG_BYTE).count(0x40) == 0:  # no compressed cluster: at C speed
        plain = bytearray(table)
        plain[0::8] = bytes(len(table) // 8)  # COPIED and reserved bits
        plain[7::8] = bytes(len(table) // 8)  # the zero flag and reserved bits 1-7
        plain[6::8] = plain[6::8].translate(_LOW_BIT_OFF)  # reserved bit 8
        entries = array("Q", bytes(plain))
        if entries.itemsize == 8:
            entries.byteswap()
            found = Counter(entries)
            found.pop(0, None)
            return found
    found = Counter()
    x = 62 - (cluster_bits - 8)
    for (entry,) in struct.iter_unpack(">Q", table):
        if entry & _COMPRESSED:
            offset = entry & ((1 << x) - 1)
            sectors = ((entry >> x) & ((1 << (cluster_bits - 8)) - 1)) + 1
            if offset:
                found[_COMPRESSED_SPAN | offset << 24 | (sectors * 512 - (offset & 511))] += 1
        elif entry & _OFFSET:
            found[entry & _OFFSET] += 1
    return found


_LOW_BIT_OFF = bytes(b & 0xFE for b in range(256))


def _extensions(read: Callable[[int, int], bytes], head: bytes, header_length: int, version: int,
                span: Callable[[int, int], None], pointer: Callable[[int], bool], cluster: int) -> None:
    """The clusters a version 3 header's extensions hold (LUKS header, dirty-bitmap directory, tables and data),
    each given to SPAN; a pointer off a cluster boundary given to POINTER."""
    at = header_length if version == 3 else 72
    ext = read(at, cluster - at)
    i = 0
    while i + 8 <= len(ext):
        kind, length = struct.unpack_from(">II", ext, i)
        if kind == 0:
            break
        body = ext[i + 8:i + 8 + length]
        if kind == _CRYPTO_EXT and len(body) >= 16:
            offset, n = struct.unpack_from(">QQ", body)
            if pointer(offset):
                span(offset, n)
        elif kind == _BITMAPS_EXT and len(body) >= 24:
            _bitmaps(read, body, span, pointer, cluster)
        i += 8 + -(-length // 8) * 8


def _bitmaps(read: Callable[[int, int], bytes], body: bytes, span: Callable[[int, int], None],
             pointer: Callable[[int], bool], cluster: int) -> None:
    count, _, directory_size, directory_at = struct.unpack_from(">IIQQ", body)
    if not pointer(directory_at) or directory_size > 64 << 20:
        return
    span(directory_at, directory_size)
    directory, i = read(directory_at, directory_size), 0
    for _ in range(min(count, 65535)):
        if i + 24 > len(directory):
            break
        table_at, table_size, _, _, _, name_size, extra = struct.unpack_from(">QIIBBHI", directory, i)
        if pointer(table_at) and 8 * table_size <= 64 << 20:
            span(table_at, 8 * table_size)
            for (entry,) in struct.iter_unpack(">Q", read(table_at, 8 * table_size)[:8 * table_size // 8 * 8]):
                if entry & _OFFSET and pointer(entry & _OFFSET):
                    span(entry & _OFFSET, cluster)
        i += -(-(24 + extra + name_size) // 8) * 8


class _Tally:
    """References found to each cluster of a file of CLUSTERS clusters, and the roles it holds (bits: 1 metadata,
    2 an L2 table, 4 data). A few bytes per cluster (a byte of count, saturating into a dict, and a byte of roles)
    when the file has at most _DENSE clusters; past that (a sparse file claiming a huge size) dicts of the clusters
    referenced, which the tables read bound."""

    def __init__(self, clusters: int) -> None:
        dense = clusters <= _DENSE
        self.refs: bytearray | dict[int, int] = bytearray(clusters) if dense else {}
        self.roles: bytearray | dict[int, int] = bytearray(clusters) if dense else {}
        self.over: dict[int, int] = {}  # dense: the exact count of clusters referenced 255 times or more

    def add(self, c: int, k: int, role: int) -> None:
        """K more references to cluster C, which holds ROLE (0 metadata, 1 an L2 table, 2 data)."""
        refs, roles = self.refs, self.roles
        if isinstance(refs, bytearray):
            prev = refs[c]
            if prev == 255:
                self.over[c] += k
            elif prev + k < 255:
                refs[c] = prev + k
            else:
                refs[c], self.over[c] = 255, prev + k
        else:
            refs[c] = refs.get(c, 0) + k
        roles[c] = (roles[c] if isinstance(roles, bytearray) else roles.get(c, 0)) | 1 << role

    def reused(self, cluster_bits: int) -> tuple[int, int]:
        """(how many clusters hold two roles or more, the byte of the first)."""
        if isinstance(self.roles, bytearray):
            two = self.roles.translate(_TWO_ROLES)
            n = two.count(1)
            return n, (two.find(1) << cluster_bits if n else 0)
        both = [c for c, mask in self.roles.items() if mask & (mask - 1)]
        return len(both), (min(both) << cluster_bits if both else 0)

    def referenced(self, chunk: int) -> Iterator[tuple[int, int]]:
        """(cluster, references) of every cluster referenced, in order (bytes looked at CHUNK clusters at a time)."""
        if isinstance(self.refs, bytearray):
            for lo in range(0, len(self.refs), chunk):
                piece = self.refs[lo:lo + chunk]
                if piece.count(0) != len(piece):
                    yield from ((lo + i, self.over[lo + i] if n == 255 else n) for i, n in enumerate(piece) if n)
        else:
            yield from sorted(self.refs.items())


_DENSE = 1 << 27  # clusters counted in bytes (256 MiB at most: a file of 8 TiB in 64 KiB clusters)
_TWO_ROLES = bytes(int(bool(mask & (mask - 1))) for mask in range(256))


def _over(read: Callable[[int, int], bytes], blocks: dict[int, int], cluster_bits: int, order: int,
          tally: _Tally) -> tuple[int, int, int, int]:
    """(how many clusters are referenced more often than their stored reference count (from the refcount blocks, 0
    where no block is), the first's byte, its references, its count). One refcount block read at a time."""
    bits = 1 << order
    per_block = (1 << cluster_bits) * 8 // bits
    n, first = 0, (0, 0, 0)
    loaded, values = -1, array(_REFCOUNT_ARRAYS[bits])
    for c, refs in tally.referenced(per_block):
        block, index = divmod(c, per_block)
        if block != loaded:  # clusters come in order: one refcount block kept
            raw = read(blocks[block], 1 << cluster_bits) if block in blocks else b""
            values = array(_REFCOUNT_ARRAYS[bits], raw[:len(raw) // (bits // 8) * (bits // 8)])
            if bits > 8:
                values.byteswap()
            loaded = block
        count = values[index] if index < len(values) else 0
        if refs > count:
            if not n:
                first = (c << cluster_bits, refs, count)
            n += 1
    return n, *first


def _unreferenced(read: Callable[[int, int], bytes], blocks: dict[int, int], cluster_bits: int, order: int,
                  tally: _Tally, clusters: int) -> tuple[int, int]:
    """(how many clusters of the file its refcount blocks count in use that no table points to, the first's byte),
    when they are a quarter of the data clusters its tables map or more; else (0, 0). qemu-img check calls them
    leaked, no harm to data, and a write cut by a crash leaves a few; but a zeroed or moved L2 (or L1) table leaves
    every data cluster it mapped so (review19d: a 512-byte block zeroed in a compressed QCOW2 made its FAT volume
    read blank, its 30-person CSV gone, the scan complete). One refcount block read at a time; the clusters no
    reference was found to are looked up, not every counted one."""
    bits = 1 << order
    per_block = (1 << cluster_bits) * 8 // bits
    refs, roles = tally.refs, tally.roles
    n = first = 0
    for block, at in sorted(blocks.items()):
        lo = block * per_block
        if lo >= clusters:  # blocks of clusters past the file's end: needed_end's
            break
        raw = read(at, 1 << cluster_bits)
        values = array(_REFCOUNT_ARRAYS[bits], raw[:len(raw) // (bits // 8) * (bits // 8)])
        if bits > 8:
            values.byteswap()
        unseen: Iterator[int]
        if isinstance(refs, bytearray):
            unseen = compress(range(min(len(values), clusters - lo)), refs[lo:lo + len(values)].translate(_NONE))
        else:
            unseen = (i for i in compress(range(min(len(values), clusters - lo)), values) if lo + i not in refs)
        for i in unseen:
            if values[i]:
                first = first if n else (lo + i) << cluster_bits
                n += 1
    if not n:
        return 0, 0
    data = (roles.translate(_DATA_ROLE).count(1) if isinstance(roles, bytearray)
            else sum(1 for mask in roles.values() if mask & 4))
    return (n, first) if 4 * n >= data else (0, 0)


_NONE = bytes([1]) + bytes(255)  # a cluster's reference tally -> 1 when none was found
_DATA_ROLE = bytes(int(bool(mask & 4)) for mask in range(256))


def _said(misaligned: list[int], reused: tuple[int, int] = (0, 0),
          over: tuple[int, int, int, int] = (0, 0, 0, 0), outside: list[int] | None = None,
          lost: tuple[int, int] = (0, 0)) -> list[Inconsistency]:
    found = []
    if misaligned:
        found.append(Inconsistency("misaligned", len(misaligned), min(misaligned)))
    if outside:
        found.append(Inconsistency("outside", len(outside), min(outside)))
    if reused[0]:
        found.append(Inconsistency("reused", *reused))
    if over[0]:
        found.append(Inconsistency("refcount", *over))
    if lost[0]:
        found.append(Inconsistency("unreferenced", *lost))
    return found
