"""A .bz2 damaged after its last block: the end-of-stream magic or the combined CRC (review14c).

split14's recovery decodes the last block up to the end magic it finds; with that magic damaged the block was
given the bytes after it too and never decoded: a one-block ``.csv.bz2`` of 40 people with a byte flipped in its
last 10 bytes kept nothing (listed ``corrupt``, 0 records), a 3,000-person one lost its last block, though every
block is whole (its own CRC matches).
"""

from __future__ import annotations

import bz2
from pathlib import Path

import pytest
from pii_data import csv_bytes, people, standard
from test_split14_bzip2_blocks import scan

from scanner.inspectors import bzip2_blocks

SMALL = csv_bytes(standard(people(40, seed=62)), "utf-8")
TABLE = csv_bytes(standard(people(3000, seed=61)), "utf-8")


@pytest.mark.parametrize("back", range(2, 11))  # the last 10 bytes are always the 80-bit end magic + CRC (+ padding);
# byte -11 holds end-magic bits only when the padding is 3+ bits: the data decides (Faker dates moved it one day)
def test_every_block_is_kept_when_the_end_magic_or_crc_is_damaged(back: int) -> None:
    for table, level in ((SMALL, 9), (TABLE, 1)):
        data = bytearray(bz2.compress(table, level))
        data[-back] ^= 0x04
        rec = bzip2_blocks.recover(bytes(data), 10**8, 0)
        got = b"" if rec is None else bzip2_blocks.joined(rec.head, rec.runs)
        assert got == table, (back, len(got), len(table))


def test_a_one_block_bz2_with_its_end_magic_flipped_is_read(tmp_path: Path) -> None:
    data = bytearray(bz2.compress(SMALL, 9))
    data[-8] ^= 0x04  # inside the end-of-stream magic
    files, skipped, src = scan(tmp_path, {"名簿.csv.bz2": bytes(data)})
    member = f"{src / '名簿.csv.bz2'} » 名簿.csv"
    assert files[member]["pii"]["records"] == 40, (files, skipped)


def test_a_7z_bzip2_folder_with_its_end_magic_flipped_reads_the_member_in_its_last_block(tmp_path: Path) -> None:
    """The folder's blocks all whole, its end magic flipped: the member lying in the last block was listed
    ``corrupt`` with nothing read (every block decoded, so nothing was recovered)."""
    import io

    import py7zr
    from test_split14_bzip2_blocks import bzip2_7z

    whole = bzip2_7z({"a.csv": csv_bytes(standard(people(1500, seed=61)), "utf-8"), "b.csv": SMALL})
    packs = py7zr.SevenZipFile(io.BytesIO(whole)).header.main_streams.packinfo
    data = bytearray(whole)
    data[32 + int(packs.packpositions[0]) + int(packs.packsizes[0]) - 6] ^= 0x04  # in the end magic
    files, skipped, src = scan(tmp_path, {"a.7z": bytes(data)})
    assert files[f"{src / 'a.7z'} » b.csv"]["pii"]["records"] == 40, (files, skipped)
