"""The blocks of a damaged bzip2 stream that are still whole, found as bzip2recover finds them (Session 14).

bzip2 compresses in independent blocks (100-900 kB of input each). Every block begins with the 48-bit magic
0x314159265359 and its own CRC, and the stream ends with 0x177245385090 and a combined CRC; blocks are not
byte-aligned, so the magics are searched at every bit offset. A decoder stops at the first damaged block, and a
block is decoded only whole (block sorting): one flipped byte in the first block of a 7z BZip2 member or a
``.bz2`` lost the member whole. Here each block between two magics is wrapped as a stream of its own (``BZh9``,
the block's bits, the end magic, its CRC as the combined CRC) and given to Python's bz2: a block whose CRC
matches is whole. Pure functions over bytes already read; runs in the worker.
"""

from __future__ import annotations

import bz2
from bisect import bisect_right
from dataclasses import dataclass

BLOCK_MAGIC = 0x314159265359
END_MAGIC = 0x177245385090
_MASK48 = (1 << 48) - 1
_HEAD = int.from_bytes(b"BZh9", "big")  # level 9: the decoder accepts any block size up to 900 kB
# no block is longer: 900,000 symbols of at most 20 bits, its selectors, code tables and map (review14c: the span
# up to the next magic was built whole, ~4 times a 100 MB file of one fake magic in memory)
MAX_BLOCK_BITS = 900_001 * 20 + 18_002 * 7 + 6 * 258 * 41 + 4_096
MAX_BLOCK_OUT = 900_000 // 5 * 259  # what one block may inflate to (runs of 4 bytes and a count of 255)


@dataclass(frozen=True)
class Block:
    """One block found in the stream, in stream order: its bytes when it decoded whole, else None."""

    index: int
    data: bytes | None
    last: bool  # followed by an end-of-stream magic and no further block: the stream's (or its last stream's) end


def _magics(stream: bytes, magic: int) -> list[int]:
    """Every bit offset at which the 48-bit ``magic`` lies in ``stream`` (bytes.find on its 5 whole bytes of each
    of the 8 bit alignments, then the bits at either side checked)."""
    found: list[int] = []
    for shift in range(8):
        window = magic << (8 - shift)  # 56 bits: the magic starting ``shift`` bits into the first byte
        whole = window.to_bytes(7, "big")[1:6] if shift else window.to_bytes(7, "big")[0:6]
        first = 1 if shift else 0  # byte of the window where ``whole`` begins
        at = stream.find(whole)
        while at >= 0:
            start = at - first
            if start >= 0 and start + 7 <= len(stream) + (0 if shift else 1):
                got = int.from_bytes(stream[start:start + 7].ljust(7, b"\x00"), "big") >> (8 - shift) & _MASK48
                if got == magic:
                    found.append(start * 8 + shift)
            at = stream.find(whole, at + 1)
    return sorted(set(found))


def _bits(stream: bytes, start: int, end: int) -> int:
    """The bits [start, end) of ``stream`` as an integer."""
    lo, hi = start // 8, (end + 7) // 8
    value = int.from_bytes(stream[lo:hi], "big")
    return value >> (hi * 8 - end) & ((1 << (end - start)) - 1)


def _decode(stream: bytes, start: int, end: int, limit: int) -> tuple[bytes | None, int]:
    """The block whose magic is at bit ``start`` and whose bits end at ``end``, decoded alone (None when its bits do
    not decode to its CRC (damaged, cut) or it inflates past ``limit``), and how many bytes the decoder gave."""
    n = end - start
    if n < 48 + 32 + 8:
        return None, 0
    crc = _bits(stream, start + 48, start + 80)
    value = ((_HEAD << n | _bits(stream, start, end)) << 48 | END_MAGIC) << 32 | crc
    total = 32 + n + 80
    pad = -total % 8
    wrapped = (value << pad).to_bytes((total + pad) // 8, "big")
    d = bz2.BZ2Decompressor()
    try:
        out = d.decompress(wrapped, max(limit, 0) + 1)
    except (OSError, ValueError, EOFError, MemoryError):
        return None, 0
    return (out if d.eof and len(out) <= limit else None), len(out)


def _before_damaged_end(stream: bytes, start: int, limit: int) -> tuple[bytes | None, int]:
    """The last block decoded as ending where the stream's end magic and combined CRC should begin (80 bits and 0-7
    bits of padding before the data's end) when no end magic is found after it (review14c: that magic or the CRC
    damaged lost the whole block), and how many bytes the decoder gave in all."""
    gave = 0
    for pad in range(8):
        end = len(stream) * 8 - 80 - pad
        if end - start > MAX_BLOCK_BITS:
            break
        data, more = _decode(stream, start, end, limit)
        gave += more
        if data is not None:
            return data, gave
    return None, gave


def blocks(stream: bytes, limit: int, at: list[int] | None = None) -> list[Block]:
    """Every block of ``stream`` (one or more concatenated bzip2 streams) in order, decoded alone; blocks past
    ``limit`` decoded bytes in all are not returned. Total: bytes that hold no block give []."""
    try:
        starts = _magics(stream, BLOCK_MAGIC)
        if at is not None:
            at.extend(starts)  # the bit offsets of the blocks, for ``recover``
        ends = _magics(stream, END_MAGIC)
        found: list[Block] = []
        left = limit
        # every block decoded costs what it gave, kept or not: a damaged block's made-up bytes, a block past the cap
        # (review14c: each of thousands of tiny blocks inflating to the cap was decoded to it)
        spare = 2 * max(limit, 0) + MAX_BLOCK_OUT
        for i, start in enumerate(starts):
            following = starts[i + 1] if i + 1 < len(starts) else len(stream) * 8
            j = bisect_right(ends, start)  # the first end magic after it (review14c: each block walked the list)
            stop = ends[j] if j < len(ends) and ends[j] < following else None
            data, gave = _decode(stream, start, min(stop if stop is not None else following, start + MAX_BLOCK_BITS),
                                 left)
            last = stop is not None and i + 1 == len(starts)
            if data is None and stop is None and i + 1 == len(starts) and left > 0:
                data, more = _before_damaged_end(stream, start, left)
                gave, last = gave + more, data is not None
            if data is None and left <= 0:
                break
            left -= len(data or b"")
            found.append(Block(i, data, last))
            spare -= gave
            if spare < 0:
                break
        return found
    except Exception:  # noqa: BLE001 - a failure path never raises
        return []


@dataclass(frozen=True)
class Recovered:
    """A broken stream's whole blocks: ``head`` those from its start up to the first lost block, ``runs`` each run of
    consecutive whole blocks after it; ``to_end`` when the last run holds the stream's last block (it ends where
    the data ends)."""

    head: bytes
    runs: list[bytes]
    to_end: bool
    lost: int
    found: int


def recover(stream: bytes, limit: int, gave: int | None = None) -> Recovered | None:
    """The whole blocks of a stream that did not decode to its end; None when every block found decodes alone from
    the stream's first and the decoder ``gave`` them all (the damage lies outside the blocks: the end CRC, bytes after
    it), or none is found. The bytes a decoder gave before
    its error are not used: it writes a damaged block's bytes before it checks its CRC (a flipped byte in the first
    block gave 1 MiB of made-up bytes). Total."""
    try:
        starts: list[int] = []
        found = blocks(stream, limit, starts)
        lost = sum(1 for b in found if b.data is None)
        # the first block found begins right after the header: the blocks from it are the data's start (review14c:
        # a flipped byte in the first block's magic kept nothing, and would have placed the second block first)
        lead = bool(starts) and starts[0] == 32 and stream.startswith(b"BZh")
        whole = sum(len(b.data or b"") for b in found)
        if not found or (not lost and lead and (gave is None or gave >= whole)):
            return None  # a damaged header level (the decoder gave nothing, every block whole): recovered too
        head: list[bytes] = []
        i = 0
        while lead and i < len(found) and found[i].data is not None:
            head.append(found[i].data or b"")
            i += 1
        lost += 0 if lead else 1  # the block (or header) before the first one found
        runs: list[bytes] = []
        current: list[bytes] = []
        for b in found[i:]:
            if b.data is None:
                if current:
                    runs.append(b"".join(current))
                current = []
            else:
                current.append(b.data)
        if current:
            runs.append(b"".join(current))
        return Recovered(b"".join(head), runs, bool(current) and found[-1].last, lost, len(found))
    except Exception:  # noqa: BLE001 - a failure path never raises
        return None


def joined(before: bytes, runs: list[bytes]) -> bytes:
    """``before`` (the bytes decoded up to a break, from the start of the data) and the ``runs`` recovered after it,
    joined where blocks are lost: a run begins at its first line start and every piece before a gap ends at its
    last line end, so no row is made of the end of one row and the start of another (a name with another person's
    address). A piece with no line end where it would be cut is dropped (``before`` is kept, ended by a line end)."""
    out = bytearray(before)
    if out and runs:
        cut = out.rfind(b"\n")
        if cut >= 0:
            del out[cut + 1:]
        else:
            out += b"\n"
    for n, run in enumerate(runs):
        start = run.find(b"\n") + 1
        if start <= 0:
            continue
        end = run.rfind(b"\n") + 1 if n + 1 < len(runs) else len(run)
        out += run[start:end]
    return bytes(out)
