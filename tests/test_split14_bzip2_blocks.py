"""A bzip2 stream broken inside a block keeps its later whole blocks (Session 14, split14).

bzip2 compresses in blocks (100-900 kB of input) and a decoder gives a block only whole: one byte flipped in the
first block of a 7z BZip2 member (or a ``.csv.bz2``) lost the member whole (0 records, listed ``corrupt``). Every
later block is found by its 48-bit magic at any bit offset and decoded alone, as bzip2recover does: its rows are
read, cut at line ends where blocks are lost, and the member is listed ``corrupt`` saying how many blocks were
lost. A member lying whole in the recovered blocks of a solid 7z (a second table after the broken one) is read
whole. Damaged variants (flips at many seeds, cuts at many offsets) end as records or a listed reason.
"""

from __future__ import annotations

import bz2
import functools
import random
from pathlib import Path
from unittest import mock

import py7zr
import py7zr.compressor
import pytest
from archive_data import seven_zip_fixed
from pii_data import csv_bytes, people, standard
from split_helpers import scan_folder

from scanner.inspectors import bzip2_blocks

TABLE = csv_bytes(standard(people(3000, seed=61)), "utf-8")  # ~400 kB: 5 blocks at level 1 (100 kB blocks)
SMALL = csv_bytes(standard(people(40, seed=62)), "utf-8")


def bzip2_7z(members: dict[str, bytes]) -> bytes:
    """A 7z of BZip2 members written at level 1 (100 kB blocks: a few blocks from a small table; 7z does not record
    the level, any decoder reads it)."""
    level1 = (functools.partial(bz2.BZ2Compressor, 1), bz2.BZ2Decompressor)
    with mock.patch.dict(py7zr.compressor.algorithm_class_map, {py7zr.FILTER_BZIP2: level1}):
        return seven_zip_fixed(members, [{"id": py7zr.FILTER_BZIP2}])


def scan(tmp_path: Path, files: dict[str, bytes]) -> tuple[dict[str, dict], dict[str, list[dict]], Path]:
    src = tmp_path / "src"
    src.mkdir()
    for name, data in files.items():
        (src / name).write_bytes(data)
    rows, skipped = scan_folder(tmp_path, src)
    return rows, skipped, src


def codes(rows: list[dict]) -> set[str]:
    return {c["code"] for s in rows for c in s.get("detail_codes", [])}


def test_blocks_are_found_at_any_bit_offset_and_decoded_alone() -> None:
    stream = bz2.compress(TABLE, 1)
    found = bzip2_blocks.blocks(stream, 10**8)
    assert len(found) >= 4 and all(b.data is not None for b in found) and found[-1].last
    assert b"".join(b.data or b"" for b in found) == TABLE
    broken = bytearray(stream)
    broken[200] ^= 0x55  # inside the first block
    rec = bzip2_blocks.recover(bytes(broken), 10**8)
    assert rec is not None and (rec.head, rec.lost, rec.found, rec.to_end) == (b"", 1, len(found), True)
    assert rec.runs == [b"".join(b.data or b"" for b in found[1:])]
    assert bzip2_blocks.recover(stream, 10**8) is None  # whole: nothing to recover
    assert bzip2_blocks.blocks(b"no bzip2 here" * 100, 100) == []


def test_a_7z_bzip2_member_broken_in_its_first_block_keeps_its_later_blocks(tmp_path: Path) -> None:
    data = bytearray(bzip2_7z({"名簿.csv": TABLE, "追加.csv": SMALL}))
    data[32 + 2000] ^= 0xFF  # the first of the folder's blocks
    files, skipped, src = scan(tmp_path, {"a.7z": bytes(data)})
    member = f"{src / 'a.7z'} » 名簿.csv"
    assert 1500 < files[member]["pii"]["records"] < 3000, files.get(member)
    assert [s["reason"] for s in skipped[member]] == ["corrupt"], skipped.get(member)
    assert "bzip2-blocks-recovered" in codes(skipped[member]), skipped[member]
    second = f"{src / 'a.7z'} » 追加.csv"  # whole in the last recovered block: read whole, not listed
    assert files[second]["pii"]["records"] == 40, files.get(second)
    assert second not in skipped, skipped.get(second)


@pytest.mark.parametrize("block", [0, 2])
def test_a_bz2_file_broken_in_a_block_keeps_the_other_whole_blocks(tmp_path: Path, block: int) -> None:
    """The first block flipped (nothing decoded before the break) and the third (two blocks decoded before it:
    the member is then longer than what the decoder gave)."""
    stream = bz2.compress(TABLE, 1)
    starts = [b for b in bzip2_blocks._magics(stream, bzip2_blocks.BLOCK_MAGIC)]
    data = bytearray(stream)
    data[starts[block] // 8 + 2000] ^= 0xFF
    files, skipped, src = scan(tmp_path, {"名簿.csv.bz2": bytes(data)})
    member = f"{src / '名簿.csv.bz2'} » 名簿.csv"
    assert 1500 < files[member]["pii"]["records"] < 3000, files.get(member)
    assert files[member]["status"] == "corrupt", files[member]
    assert "bzip2-blocks-recovered" in codes(skipped[str(src / "名簿.csv.bz2")] + skipped.get(member, []))


def test_damaged_bzip2_members_end_as_records_or_a_listed_reason(tmp_path: Path) -> None:
    """A flip and a cut of a one-block 7z member and of a .bz2 through the CLI: never nothing (many more seeds and
    offsets through ``recover`` below: a scan costs ~2 s a file)."""
    rng = random.Random(14)
    seven = bzip2_7z({"名簿.csv": SMALL})
    single = bz2.compress(SMALL, 9)
    files: dict[str, bytes] = {}
    for n in range(1):
        for name, whole, start in (("m", seven, 32), ("s", single, 4)):
            flipped = bytearray(whole)
            flipped[rng.randrange(start, len(whole))] ^= 1 << rng.randrange(8)
            files[f"{name}_flip{n}.{'7z' if name == 'm' else 'csv.bz2'}"] = bytes(flipped)
            cut = rng.randrange(start, len(whole))
            files[f"{name}_cut{n}.{'7z' if name == 'm' else 'csv.bz2'}"] = whole[:cut]
    hits, skipped, src = scan(tmp_path, files)
    for name in files:
        top = str(src / name)
        seen = [p for p in (*hits, *skipped) if p == top or p.startswith(top + " » ")]
        assert seen, f"{name} ended as nothing"


def test_recovery_of_flipped_and_cut_streams_is_total_and_keeps_only_whole_blocks() -> None:
    stream = bz2.compress(TABLE, 1)
    rng = random.Random(15)
    for _ in range(10):
        damaged = bytearray(stream)
        damaged[rng.randrange(len(stream))] ^= 1 << rng.randrange(8)
        for variant in (bytes(damaged), stream[:rng.randrange(len(stream))]):
            rec = bzip2_blocks.recover(variant, 10**8)
            if rec is None:
                continue
            assert TABLE.startswith(rec.head)
            assert all(run in TABLE for run in rec.runs)  # every kept byte is the table's own, in order
            text = bzip2_blocks.joined(rec.head, rec.runs)
            assert all(line + b"\n" in TABLE for line in text.split(b"\n")[:-1])  # no row made of two rows
