"""bzip2 block recovery on hostile bytes: its cost stays bounded (review14c).

split14's ``bzip2_blocks`` wraps every span between two block magics as a stream of its own. On a ``.bz2``
made of block and end magics (a 4 MB file: 340,000 magics) each block looked for its end magic from the list's
start (quadratic: the worker ran out its 130 s, the file listed ``timeout``); a magic followed by 100 MB with no
other magic built the whole span as integers (about 4 times the file in memory) though no bzip2 block is longer
than ~2.3 MB; and every block past the decode cap was decoded again up to the cap (a file of many tiny
46 MB-blocks after a damaged first block: each one inflated to the cap, one after the other).
"""

from __future__ import annotations

import bz2
import tracemalloc
from typing import Any
from unittest import mock

from scanner.inspectors import bzip2_blocks

BLOCK = (0x314159265359).to_bytes(6, "big")
END = (0x177245385090).to_bytes(6, "big")


class Counted(list):  # type: ignore[type-arg]
    """A list that counts the items read from it (iteration or index)."""

    reads = 0

    def __iter__(self) -> Any:
        for x in super().__iter__():
            Counted.reads += 1
            yield x

    def __getitem__(self, i: Any) -> Any:
        Counted.reads += 1
        return super().__getitem__(i)


def test_each_block_finds_its_end_magic_without_walking_the_whole_list() -> None:
    n = 3000
    stream = b"BZh9" + (BLOCK + bytes(6) + END + bytes(6)) * n
    real = bzip2_blocks._magics
    Counted.reads = 0
    with mock.patch.object(bzip2_blocks, "_magics", lambda s, m: Counted(real(s, m)) if m == bzip2_blocks.END_MAGIC
                           else real(s, m)):
        found = bzip2_blocks.blocks(stream, 10**8)
    assert len(found) == n and not any(b.data for b in found)
    assert Counted.reads < 40 * n, Counted.reads  # was n * n / 2


def test_a_span_longer_than_any_bzip2_block_is_not_built_whole() -> None:
    stream = b"BZh9" + BLOCK + bytes(range(256)) * 131072  # 32 MiB with no other magic
    tracemalloc.start()
    try:
        rec = bzip2_blocks.recover(stream, 10**9)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rec is not None and (rec.lost, rec.found) == (1, 1)
    assert peak < len(stream) // 2, peak  # was about 4 times the stream (a block is at most ~2.3 MB)


def test_blocks_past_the_cap_are_not_each_inflated_to_it() -> None:
    bomb = bz2.compress(b"a" * 45_000_000, 9)  # one block of ~45 MB from ~50 bytes
    damaged = bytearray(bz2.compress(b"x,y\n" * 1000, 9))
    damaged[20] ^= 0xFF
    stream = bytes(damaged) + bomb * 40
    real = bzip2_blocks._decode
    calls: list[int] = []

    def spy(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    with mock.patch.object(bzip2_blocks, "_decode", spy):
        found = bzip2_blocks.blocks(stream, 10_000_000)
    assert len(calls) <= 10, len(calls)  # within about twice the cap and one block's 46 MB; was 41
    assert all(b.data is None for b in found)
