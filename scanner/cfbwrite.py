"""A compound file ([MS-CFB] version 3: 512-byte sectors, 64-byte mini sectors) written from a tree of storages and
streams, in memory: an object embedded in a legacy Office file is a *storage* of its parent's compound file (a Word
document's ``WordDocument``, ``1Table``, ``Data`` and its own ``ObjectPool`` under ``MBD0001A2B3``), and becomes a file
of its own this way, so every reader (scanner.word97, the spreadsheet inspector, the embedded-object readers) opens it
as it opens a file on disk.

What is written, in this order: the header, the FAT sectors, the DIFAT sectors (past 109 FAT sectors), the
directory, the mini FAT, the mini stream (every stream shorter than 4,096 bytes, in 64-byte mini sectors, held by the
root entry), then each larger stream in whole sectors. Every chain is contiguous. Siblings are kept as a balanced
binary search tree in the order [MS-CFB] 2.6.4 gives (shorter name first, then the upper-cased names), all black
(readers follow the links, none checks the colours). Names are cut to 31 UTF-16 code units (the format's limit).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FAT_MARK, DIFAT_MARK, NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFF
_PER_SECTOR = SECTOR // 4  # FAT entries a sector holds
_HEADER_DIFAT = 109

# a storage: names to streams (bytes) and storages (mappings)
Tree = Mapping[str, "bytes | Tree"]
Storage = dict[str, "bytes | Storage"]  # one being filled


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    kids: list[int] = field(default_factory=list)
    left: int = NONE
    right: int = NONE
    child: int = NONE
    start: int = END
    size: int = 0


def _order(name: str) -> tuple[int, str]:
    """[MS-CFB] 2.6.4: a shorter name sorts first; names of one length by their upper-cased code units."""
    return len(name.encode("utf-16-le")), name.upper()


def _flatten(tree: Tree) -> list[_Entry]:
    entries = [_Entry("Root Entry", 5)]
    pending = [(0, tree)]
    while pending:
        at, node = pending.pop()
        for name, value in node.items():
            name = name[:31]
            entries[at].kids.append(len(entries))
            if isinstance(value, (bytes, bytearray, memoryview)):
                entries.append(_Entry(name, 2, bytes(value)))
            else:
                entries.append(_Entry(name, 1))
                pending.append((len(entries) - 1, value))
    for entry in entries:
        kids = sorted(entry.kids, key=lambda k: _order(entries[k].name))
        entry.child = _balanced(entries, kids)
    return entries


def _balanced(entries: list[_Entry], kids: list[int]) -> int:
    """The root of a balanced search tree over ``kids`` (sorted), its links set; iterative (no recursion limit)."""
    if not kids:
        return NONE
    work: list[tuple[int, int, int | None, str]] = [(0, len(kids), None, "")]
    top = NONE
    while work:
        lo, hi, parent, side = work.pop()
        if lo >= hi:
            continue
        mid = (lo + hi) // 2
        node = kids[mid]
        if parent is None:
            top = node
        elif side == "left":
            entries[parent].left = node
        else:
            entries[parent].right = node
        work += [(lo, mid, node, "left"), (mid + 1, hi, node, "right")]
    return top


def _sectors(n: int, size: int) -> int:
    return -(-n // size)


def write_compound(tree: Tree) -> bytes:
    """The bytes of a compound file holding ``tree`` (names to bytes for streams, to mappings for storages)."""
    entries = _flatten(tree)
    mini = bytearray()
    mini_fat: list[int] = []
    big: list[_Entry] = []
    for entry in entries:
        if entry.kind != 2:
            continue
        entry.size = len(entry.data)
        if entry.size == 0:
            entry.start = END
        elif entry.size < CUTOFF:
            first, count = len(mini_fat), _sectors(entry.size, MINI)
            entry.start = first
            mini_fat += [first + k + 1 for k in range(count - 1)] + [END]
            mini += entry.data + b"\x00" * (count * MINI - entry.size)
        else:
            big.append(entry)
    dir_n = _sectors(len(entries) * 128, SECTOR)
    minifat_n = _sectors(len(mini_fat) * 4, SECTOR)
    ministream_n = _sectors(len(mini), SECTOR)
    data_n = sum(_sectors(e.size, SECTOR) for e in big)
    fat_n = difat_n = 0
    while True:  # the FAT describes itself and the DIFAT sectors too
        used = fat_n + difat_n + dir_n + minifat_n + ministream_n + data_n
        need_fat = _sectors(used, _PER_SECTOR)
        need_difat = _sectors(max(need_fat - _HEADER_DIFAT, 0), _PER_SECTOR - 1)
        if (need_fat, need_difat) == (fat_n, difat_n):
            break
        fat_n, difat_n = need_fat, need_difat
    fat: list[int] = [FAT_MARK] * fat_n + [DIFAT_MARK] * difat_n

    def chain(count: int) -> int:
        if count == 0:
            return END
        first = len(fat)
        fat.extend([first + k + 1 for k in range(count - 1)] + [END])
        return first

    first_dir = chain(dir_n)
    first_minifat = chain(minifat_n)
    entries[0].start, entries[0].size = chain(ministream_n), len(mini)
    for entry in big:
        entry.start = chain(_sectors(entry.size, SECTOR))
    fat += [FREE] * (fat_n * _PER_SECTOR - len(fat))

    header = bytearray(SECTOR)
    header[:8] = MAGIC
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, fat_n, first_dir, 0, CUTOFF, first_minifat if minifat_n else END,
                     minifat_n, fat_n if difat_n else END, difat_n)
    fat_ids = list(range(fat_n))
    struct.pack_into(f"<{_HEADER_DIFAT}I", header, 0x4C,
                     *(fat_ids[:_HEADER_DIFAT] + [FREE] * (_HEADER_DIFAT - min(fat_n, _HEADER_DIFAT))))
    difat = bytearray()
    rest = fat_ids[_HEADER_DIFAT:]
    for k in range(difat_n):
        ids = rest[k * (_PER_SECTOR - 1):(k + 1) * (_PER_SECTOR - 1)]
        ids += [FREE] * (_PER_SECTOR - 1 - len(ids))
        difat += struct.pack(f"<{_PER_SECTOR}I", *ids, fat_n + k + 1 if k + 1 < difat_n else END)

    directory = bytearray()
    for entry in entries:
        e = bytearray(128)
        encoded = entry.name.encode("utf-16-le")[:62] + b"\x00\x00"
        e[:len(encoded)] = encoded
        struct.pack_into("<HBBIII", e, 0x40, len(encoded), entry.kind, 1, entry.left, entry.right, entry.child)
        struct.pack_into("<IQ", e, 0x74, entry.start if entry.kind != 1 else 0, entry.size)
        directory += e
    while len(directory) < dir_n * SECTOR:  # unused entries: no name, no links
        directory += bytes(0x44) + struct.pack("<III", NONE, NONE, NONE) + bytes(128 - 0x50)

    body = [bytes(header), struct.pack(f"<{len(fat)}I", *fat), bytes(difat), bytes(directory),
            struct.pack(f"<{len(mini_fat)}I", *mini_fat).ljust(minifat_n * SECTOR, b"\xff"),
            bytes(mini).ljust(ministream_n * SECTOR, b"\x00")]
    body += [e.data.ljust(_sectors(e.size, SECTOR) * SECTOR, b"\x00") for e in big]
    return b"".join(body)
