#!/usr/bin/env python3
"""Benchmark: evidence.resolve_persons and normalise.link_keys over many rows (the person count's last step).

Rows are spread over N/3 synthetic keys (name + address), each with a building part drawn from ~170 spellings (floors
alone, B101, wing B, the basement, numbered buildings with and without wings, rooms 101-1411) read once by this tree's
own record_key_and_reading; path nodes are distinct strings per key, as room_keys' are. Reports CPU time (process) of
building the paths, link_keys for every row and resolve_persons, and the peak RSS. --tree DIR (a `git archive` of
another revision) counts with that tree's scanner instead.

Usage: python bench/bench_resolve.py [--rows 1000000] [--tree DIR]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

TAILS = ["", " 3F", " 4F", " 12F", " 地下1階", "B101", " B-101", " B棟101", " 地下101", " 101号室", "2000 3F",
         "2000 301号室", "2000 A棟301", "2001", "2001 305号室", " A棟101", " 3F-2", " B1 101"] + [
         f" {f}{r:02d}号室" for f in range(1, 15) for r in range(1, 12)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--tree", type=Path, default=Path(__file__).resolve().parent.parent)
    args = ap.parse_args()
    n = args.rows
    sys.path.insert(0, str(args.tree))
    from scanner.evidence import resolve_persons
    from scanner.persons.normalise import link_keys, record_key_and_reading

    rnd = random.Random(18)
    rooms = {t: record_key_and_reading("山田太郎", "東京都小金井市本町3-12-5 コーポ山田" + t)[1] for t in TAILS}
    rows = [((f"n{k}", f"a{k}"), rooms[rnd.choice(TAILS)]) for k in (rnd.randrange(n // 3) for _ in range(n))]

    def path_of(key: tuple[str, str], room: str) -> tuple[str, ...]:
        parts = [p for p in room.partition("\x1e")[0].split("\x1f") if p]
        base = key[0] + key[1]
        return (base, *(base + "\x1f" + "\x1f".join(parts[:i + 1]) for i in range(len(parts))))

    t0 = time.process_time()
    paths = [path_of(k, r) for k, r in rows]
    t1 = time.process_time()
    links = [(p, link_keys(k, r)) for p, (k, r) in zip(paths, rows, strict=True)]
    t2 = time.process_time()
    person = resolve_persons(paths, links)
    t3 = time.process_time()
    print(f"rows {n:,}: paths {t1 - t0:.2f} s, link_keys {t2 - t1:.2f} s, resolve_persons {t3 - t2:.2f} s CPU; "
          f"{len({person[p] for p in paths}):,} persons; peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
