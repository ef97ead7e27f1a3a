"""review11a: the all-zero check of a partition with no file system (image_parttypes.looks_all_zero) counts a read
that returns fewer bytes than asked (the image's media ends early, a read error a library turns into a short read)
as not seen, never as zeros: such a partition stays listed (incomplete), never 'empty (all zero)'."""

from __future__ import annotations

from scanner.sources import image_parttypes as pt

MIB = 1 << 20


def test_a_short_read_is_not_zeros() -> None:
    size = 300 * MIB  # over WHOLE_BELOW: sampled, then read through
    ends = 200 * MIB  # where the bytes stop coming

    def read(offset: int, n: int) -> bytes:
        return b"\0" * max(0, min(n, ends - offset))

    zero, how = pt.looks_all_zero(read, size)
    assert not (zero and how.startswith("all ")), how
    small = 100 * MIB  # read whole
    zero, how = pt.looks_all_zero(lambda off, n: b"\0" * max(0, min(n, 50 * MIB - off)), small)
    assert not zero, how
