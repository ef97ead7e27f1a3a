"""CPU time of the person-table sniff of a small file with an unknown extension (Session 13, split13).

    python bench/bench_small_sniff.py [--work DIR] [--runs 3] [--append]

Session 13 lowered the bound under which a file with an extension no inspector knows is not looked at from 512
to 16 bytes (``SpreadsheetInspector.wants``: its head read, then ``table_head``). This writes 2,000 files of 16 to
511 bytes (half random bytes, half log lines holding commas: the worst case, their first line is decoded) and
reports, per file, the process CPU time of: the head read alone (open, read 512 bytes, close, O_NOATIME), the
head read plus ``table_head``, and ``table_head`` alone over heads in memory (median of ``--runs``).
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import bench_args, publish  # noqa: E402

from scanner.inspectors.disguise import table_head  # noqa: E402

FILES = 2000


def main() -> int:
    args = bench_args(__doc__ or "", "/tmp/leakscan-bench-small-sniff").parse_args()
    folder = args.work
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(13)
    files = []
    for i in range(FILES):
        p = folder / f"f{i}.dat"
        if i % 2:
            data = rng.randbytes(rng.randint(16, 511))
        else:
            data = "".join(f"2026-12-06 08:{i % 60:02d}:00 INFO worker={i},job={i * 7},state=ok\n"
                           for _ in range(rng.randint(1, 6))).encode()[:511]
        p.write_bytes(data)
        files.append(os.fsencode(p))
    flags = os.O_RDONLY | getattr(os, "O_NOATIME", 0)

    def head(p: bytes) -> bytes:
        fd = os.open(p, flags)
        try:
            return os.read(fd, 512)
        finally:
            os.close(fd)

    def per_file(fn: Callable[[bytes], object]) -> float:
        t = time.process_time()
        for p in files:
            fn(p)
        return (time.process_time() - t) / len(files) * 1e6

    heads = [head(p) for p in files]
    read, sniff, alone = [], [], []
    for _ in range(args.runs):
        read.append(per_file(head))
        sniff.append(per_file(lambda p: table_head(head(p))))
        t = time.process_time()
        for h in heads:
            table_head(h)
        alone.append((time.process_time() - t) / len(heads) * 1e6)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    publish(f"""
## Small-file sniff (split13, {when})

`python bench/bench_small_sniff.py`: {platform.machine()}, Python {platform.python_version()}, load {load:.1f},
{FILES:,} files of 16-511 bytes (half random, half comma log lines), process CPU time per file, median of
{args.runs}.

| head read (us) | head read + table_head (us) | table_head alone (us) |
| ---: | ---: | ---: |
| {statistics.median(read):.1f} | {statistics.median(sniff):.1f} | {statistics.median(alone):.2f} |
""", args.append)
    return 0


if __name__ == "__main__":
    sys.exit(main())
