"""Structural checks of a dynamic or differencing VHD's block allocation table (BAT), as an examiner would make them.

VHD keeps no checksum over its BAT or its data: a pointer flipped in the table makes libvhdi read the disk block from
another place (another block, the image's own headers) or fail, without a word on the place. What the file's own
layout forbids is checked here, from the footer, the dynamic header and the table:

- a block (its sector bitmap and its data) placed past the file's data end (the 512-byte footer at the file's end);
- a block over the image's own structures: the footer copy at byte 0, the dynamic header, the BAT itself, a parent
  locator's data;
- two blocks sharing bytes;
- the footer's, its copy's at byte 0 and the dynamic header's checksums (libvhdi checks none; qemu refuses such a
  file): a flipped table place, block size or disk size reads other bytes, or a disk of another size, silently;
  and the copy at byte 0 disagreeing with the footer on what steers reading (disk type, header place, disk size);
- in a dynamic (not differencing) disk, sectors its bitmap marks unwritten (read as zeros) that hold data: a bitmap
  damaged, or the bytes of another block read as one (qemu writes every bit set; Hyper-V sets the bits of the
  sectors written and zero-fills the rest). A differencing disk's clear bits mean "read the parent": not checked.

BAT entries count 512-byte sectors, so a block is sector-aligned by construction; only the entries that map the disk
(its size / block size) are followed (a table may be longer), and of those at most as many used ones as the file
could hold without overlap, plus one (memory bounded by the file). Each check reads the file once at most (the
bitmaps, then only the sectors marked unwritten).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

SECTOR = 512
COOKIE = b"conectix"
_SPARSE = b"cxsparse"
_DYNAMIC, _DIFFERENCING = 3, 4
_UNUSED = 0xFFFFFFFF
_MAX_ENTRIES = 1 << 26  # 2^26 blocks of 2 MiB: 128 TiB, past VHD's own 2 TiB limit; a larger count is no header


@dataclass(frozen=True)
class Damage:
    """One kind of damage found: how many blocks, and the first (its disk block number and byte in the file)."""

    kind: str  # "past-end", "metadata", "overlap", "bitmap", "checksum", "footer-copy"
    n: int
    block: int
    at: int
    what: str = ""  # metadata: the structures hit; checksum: the structures whose checksum fails (" + "-joined)
    other: int = 0  # overlap: the other block's number
    end: int = 0  # past-end: the file's data end


def damage(read: Callable[[int, int], bytes], size: int) -> list[Damage]:
    """The damage of a VHD of SIZE bytes (``read(offset, n)`` reads the file, short at its end): a fixed one's footer
    checksum; a dynamic or differencing one's checksums, footer copy and block table. [] for a whole one, or
    anything whose footer or dynamic header is not there (libvhdi then says what is wrong)."""
    if size < 3 * SECTOR:
        return []
    footer = read(size - SECTOR, SECTOR)
    if len(footer) < SECTOR or footer[:8] != COOKIE:
        return []
    header_at, = struct.unpack_from(">Q", footer, 16)
    disk_size, = struct.unpack_from(">Q", footer, 48)
    kind, = struct.unpack_from(">I", footer, 60)
    sums = [] if _sound(footer, 64) else [(size - SECTOR, "footer")]
    if kind not in (_DYNAMIC, _DIFFERENCING) or not SECTOR <= header_at <= size - 2 * SECTOR:
        return _checksums(sums)
    header = read(header_at, 1024)
    if len(header) < 1024 or header[:8] != _SPARSE:
        return _checksums(sums)
    if not _sound(header, 36):
        sums.append((header_at, "dynamic header"))
    copy = read(0, SECTOR)
    if copy[:8] == COOKIE and not _sound(copy, 64):
        sums.insert(0, (0, "footer copy"))
    found = _checksums(sums)
    if copy[:8] == COOKIE and not found and _steering(copy) != _steering(footer):
        found.append(Damage("footer-copy", 1, 0, 0))
    table_at, = struct.unpack_from(">Q", header, 16)
    entries, block_size = struct.unpack_from(">II", header, 28)
    if not entries or entries > _MAX_ENTRIES or block_size < SECTOR or block_size & (SECTOR - 1):
        return found
    mapping = min(entries, -(-disk_size // block_size))
    table = read(table_at, 4 * mapping)
    if len(table) < 4 * mapping:
        return found
    bitmap = -(-(block_size // SECTOR) // 8)
    bitmap = -(-bitmap // SECTOR) * SECTOR  # the sector bitmap, padded to whole sectors
    span = bitmap + block_size
    data_end = size - SECTOR
    regions = [(0, SECTOR, "footer copy"), (header_at, header_at + 1024, "dynamic header"),
               (table_at, table_at + -(-4 * entries // SECTOR) * SECTOR, "block table"),
               (data_end, size, "footer")]
    for i in range(8):  # parent locators: (code, space, length, reserved, offset), 24 bytes each from byte 576
        code, _space, length, _reserved, offset = struct.unpack_from(">IIIIQ", header, 576 + 24 * i)
        if code and length:
            regions.append((offset, offset + length, "parent locator"))
    # the file holds at most data_end // span blocks that do not overlap: that many used entries plus one are
    # examined (a damaged one among them by pigeonhole), so a hostile table of millions of entries over a small
    # file costs memory bounded by the file, not by the table (counts are then of the blocks examined)
    used = ((n, e * SECTOR) for n, (e,) in enumerate(struct.iter_unpack(">I", table)) if e != _UNUSED)
    blocks = list(islice(used, data_end // span + 1))
    past = [(n, at) for n, at in blocks if at + span > data_end]
    if past:
        found.append(Damage("past-end", len(past), past[0][0], past[0][1], end=data_end))
    hits = [(n, at, sorted({w for s, e, w in regions if at < e and s < at + span})) for n, at in blocks]
    hits = [h for h in hits if h[2]]
    if hits:
        words = sorted({w for _, _, ws in hits for w in ws})
        found.append(Damage("metadata", len(hits), hits[0][0], hits[0][1], what=" + ".join(words)))
    ordered = sorted(blocks, key=lambda b: b[1])
    shared = [(n, at, m) for (m, prev), (n, at) in zip(ordered, ordered[1:], strict=False) if at < prev + span]
    if shared:
        n, at, m = min(shared)
        found.append(Damage("overlap", len(shared), n, at, other=m))
    if kind == _DYNAMIC:
        bad = {n for n, at, _ in hits} | {n for n, _ in past} | {n for n, _, _ in shared}
        unwritten = [(n, at) for n, at in blocks if n not in bad and _unwritten_data(read, at, bitmap, block_size)]
        if unwritten:
            found.append(Damage("bitmap", len(unwritten), unwritten[0][0], unwritten[0][1]))
    return found


def _unwritten_data(read: Callable[[int, int], bytes], at: int, bitmap: int, block_size: int) -> bool:
    """Whether a dynamic disk's block holds data in a sector its bitmap marks unwritten (read as zeros): only those
    sectors are read (none in qemu's blocks, every bit set)."""
    sectors = block_size // SECTOR
    bits = read(at, -(-sectors // 8))
    if len(bits) < -(-sectors // 8):
        return False
    data = at + bitmap
    for run in _CLEAR.finditer(bits):
        first = run.start() * 8
        if run.group()[0] == 0:  # whole bytes clear: 8 sectors each
            count = min(len(run.group()) * 8, sectors - first)
            if count > 0 and read(data + first * SECTOR, count * SECTOR).strip(b"\0"):
                return True
            continue
        for bit in range(8):  # a byte partly set: its clear sectors one by one
            s = first + bit
            if s < sectors and not run.group()[0] & (0x80 >> bit) and read(data + s * SECTOR, SECTOR).strip(b"\0"):
                return True
    return False


_CLEAR = re.compile(rb"\x00+|[^\x00\xff]")  # runs of clear bytes, and single bytes partly set


def _sound(structure: bytes, at: int) -> bool:
    """Whether a footer (checksum at byte 64) or dynamic header (at 36) holds its checksum: the one's complement of
    the sum of its bytes, the checksum's own four left out. libvhdi does not check it (qemu refuses the file)."""
    stored, = struct.unpack_from(">I", structure, at)
    return ~(sum(structure) - sum(structure[at:at + 4])) & 0xFFFFFFFF == stored


def _checksums(failed: list[tuple[int, str]]) -> list[Damage]:
    """One Damage naming every structure whose checksum fails (byte of the first), or none."""
    if not failed:
        return []
    return [Damage("checksum", len(failed), 0, failed[0][0], what=" + ".join(word for _, word in failed))]


def _steering(footer: bytes) -> tuple[int, int, int]:
    """The fields of a footer that steer reading: disk type, dynamic header's place, disk size."""
    return struct.unpack_from(">I", footer, 60)[0], struct.unpack_from(">Q", footer, 16)[0], \
        struct.unpack_from(">Q", footer, 48)[0]
