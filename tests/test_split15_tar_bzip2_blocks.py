"""A ``.tar.bz2`` broken inside a bzip2 block keeps its later blocks' members (Session 15, split15; split14's
"not done").

split14 recovers the whole bzip2 blocks after a damaged one for a ``.bz2`` and a 7z BZip2 folder, but a tar read
through them went to tarfile, which stops at the damaged block: the first block flipped gave 0 records though
the later blocks hold most of the list. Now the recovered blocks are searched for tar headers (``ustar`` and a
valid checksum at any offset: a lost block moves the data by an unknown amount); each member found is read from
its header (cut where its run of blocks ends), and the bytes of a member whose header was lost are read from
their first line start (text only). Everything read so is ``corrupt`` (``bzip2-blocks-recovered``). Damaged
variants (flips at many seeds, cuts) end as records or a listed reason.
"""

from __future__ import annotations

import bz2
import json
import random
from pathlib import Path

from pii_data import csv_bytes, people, standard
from test_split14_bzip2_blocks import scan as _scan  # the same scan: rows, skips by path
from test_split15_series_in_archives import _tar

BIG = csv_bytes(standard(people(3000, seed=159)), "utf-8")  # ~400 kB: 5 blocks at level 1
SMALL = csv_bytes(standard(people(40, seed=160)), "utf-8")


def _records(hits: dict, prefix: str) -> int:
    return sum((f.get("pii") or {}).get("records") or 0 for p, f in hits.items() if p.startswith(prefix))


def test_a_tar_bz2_broken_in_its_first_block_keeps_its_later_blocks(tmp_path: Path) -> None:
    packed = bz2.compress(_tar({"名簿.csv": BIG, "会員.csv": SMALL}), compresslevel=1)
    first = bytearray(packed)
    first[2000] ^= 0x10  # inside the first block (the tar's first header and the list's start)
    hits, skipped, src = _scan(tmp_path, {"backup.tar.bz2": bytes(first), "whole.tar.bz2": packed})
    assert _records(hits, f"{src / 'whole.tar.bz2'} » ") == 3040
    got = _records(hits, f"{src / 'backup.tar.bz2'} » ")
    assert got >= 2000, (got, sorted(hits), skipped)  # was 0: the tar listed corrupt, nothing read
    assert got <= 3040
    small = hits[f"{src / 'backup.tar.bz2'} » 会員.csv"]  # its header found in a later block: read whole by name
    assert small["pii"]["records"] == 40
    said = json.dumps(skipped, ensure_ascii=False)
    assert "bzip2-blocks-recovered" in said


def test_damaged_tar_bz2_ends_as_records_or_a_listed_reason(tmp_path: Path) -> None:
    packed = bz2.compress(_tar({"名簿.csv": BIG, "会員.csv": SMALL}), compresslevel=1)
    rng = random.Random(159)
    files = {}
    for k in range(8):
        raw = bytearray(packed)
        raw[rng.randrange(4, len(raw))] ^= 1 << rng.randrange(8)
        files[f"flip{k}.tar.bz2"] = bytes(raw)
    for k, cut in enumerate((100, len(packed) // 3, len(packed) - 50)):
        files[f"cut{k}.tar.bz2"] = packed[:cut]
    hits, skipped, src = _scan(tmp_path, files)
    for name in files:
        at = str(src / name)
        assert at in skipped or at in hits or any(p.startswith(f"{at} » ") for p in (*hits, *skipped)), name
        assert _records(hits, f"{at} » ") <= 3040, name  # no made-up rows


def test_a_tar_inside_a_broken_tar_bz2_is_not_read_twice(tmp_path: Path) -> None:
    """review15f: the headers searched at any offset of a recovered run were also those of a tar member's own
    members (``inner.tar``): each of them listed a second time as a member of the outer tar (its rows counted
    twice, a path that is not in the archive). A header inside a member's body read from a header is its data."""
    inner = _tar({"会員.csv": SMALL, "pad.csv": BIG[:100000]})
    packed = bz2.compress(_tar({"名簿.csv": BIG, "inner.tar": inner}), compresslevel=1)
    first = bytearray(packed)
    first[2000] ^= 0x10  # inside the first block: the later blocks are searched for headers
    hits, skipped, src = _scan(tmp_path, {"backup.tar.bz2": bytes(first)})
    at = f"{src / 'backup.tar.bz2'} » "
    assert hits[f"{at}inner.tar » 会員.csv"]["pii"]["records"] == 40
    assert f"{at}会員.csv" not in hits and f"{at}pad.csv" not in hits, sorted(hits)
    assert f"{at}pad.csv" not in skipped, sorted(skipped)
