"""A .bz2 whose damage lies before its first block's bits: the stream header or the first block's magic (review14c).

split14 recovers the whole blocks of a bzip2 stream broken inside a block, but took the first block found as the
stream's start and returned nothing when every block found decoded: one byte flipped in the first block's magic
(bytes 4-9) or in the level of ``BZh1`` left 0 records of a 3,000-person table whose four later blocks are whole
(listed ``corrupt``, nothing read), and a first block found later than the header was placed at the start.
"""

from __future__ import annotations

import bz2
from pathlib import Path

import pytest
from pii_data import csv_bytes, people, standard
from test_split14_bzip2_blocks import codes, scan

from scanner.inspectors import bzip2_blocks

TABLE = csv_bytes(standard(people(3000, seed=61)), "utf-8")  # five blocks at level 1


@pytest.mark.parametrize("at, mask", [(5, 0x10), (3, 0x40)], ids=["first-block-magic", "header-level"])
def test_damage_before_the_first_block_keeps_the_whole_blocks(tmp_path: Path, at: int, mask: int) -> None:
    data = bytearray(bz2.compress(TABLE, 1))
    data[at] ^= mask
    files, skipped, src = scan(tmp_path, {"名簿.csv.bz2": bytes(data)})
    member = f"{src / '名簿.csv.bz2'} » 名簿.csv"
    assert member in files, (files, skipped)
    assert 1500 < files[member]["pii"]["records"] <= 3000, files[member]  # the header's level: every block whole
    assert "bzip2-blocks-recovered" in codes(skipped[str(src / "名簿.csv.bz2")] + skipped.get(member, []))


def test_a_first_block_found_after_a_lost_one_is_not_taken_as_the_start() -> None:
    data = bytearray(bz2.compress(TABLE, 1))
    data[5] ^= 0x10  # the first block's magic: not found
    rec = bzip2_blocks.recover(bytes(data), 10**8)
    assert rec is not None and rec.head == b"" and rec.lost == 1, rec and (len(rec.head), rec.lost)
    text = bzip2_blocks.joined(rec.head, rec.runs)
    assert all(line + b"\n" in TABLE for line in text.split(b"\n")[:-1])  # no row cut at its start
