#!/usr/bin/env python3
"""Benchmark: an ext4 file system walked and read as a raw image vs as a Linux md array rebuilt from its members.

Builds (once) an ext4 of SIZE MiB holding FILES files of 4-60 KiB of text-like bytes (fixed seed, ``mke2fs -d``),
then lays it out as md members with tests/md_data.py (raid5 over 4 members, metadata 1.2, left-symmetric, 512 KiB
chunks as mdadm's default; the same with member 0 removed, read from parity; raid6 over 5; session 20: the raw
ext4 and the raid5 members each imaged as an E01 by ``ewfacquire -u`` (deflate ``fast``, as investigators ship
them), the members read through pyewf). Times, in a child process per run, alternating:

* open: ``ImageSource.__enter__`` (superblocks of the members, the array, layers)
* walk: every entry listed with its stat
* read: every file's bytes read through

Usage: python bench/bench_md.py [--work /tmp/leakscan-bench-md] [--files 5000] [--size 256] [--runs 3] [--append]
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from common import bench_args, publish

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

CHILD = """
import sys, time
from scanner.models import Skipped, Link
from scanner.sources.image import ImageSource
t0 = time.perf_counter()
n = size = 0
with ImageSource(sys.argv[1], verify_images=False) as src:
    t1 = time.perf_counter()
    entries = [item for item in src.entries() if not isinstance(item, (Skipped, Link))]
    for entry in entries:
        entry.stat()
    t2 = time.perf_counter()
    failed = 0
    for entry in entries:
        try:
            with entry.open() as f:
                while chunk := f.read(1 << 20):
                    size += len(chunk)
        except Exception:
            failed += 1
    t3 = time.perf_counter()
print(len(entries), size, t1 - t0, t2 - t1, t3 - t2, failed)
"""


def build(work: Path, files: int, size_mib: int) -> dict[str, Path]:
    from md_data import write_members

    raw = work / "ext4.raw"
    sets = {"raw ext4": raw, "raid5 x4": work / "r5" / "disk0.img", "raid5 x4, member 0 missing": work / "r5d" / "disk1.img",
            "raid6 x5": work / "r6" / "disk0.img", "raw ext4 as E01": work / "e01" / "ext4.E01",
            "raid5 x4 as E01s": work / "r5e" / "disk0.E01"}
    if all(p.exists() for p in sets.values()):
        return sets
    if shutil.which("ewfacquire") is None:
        sys.exit("ewfacquire (libewf-tools) makes the E01 sets")
    shutil.rmtree(work, ignore_errors=True)
    tree = work / "tree"
    rnd = random.Random(19)
    words = [bytes(rnd.choice(b"abcdefghijklmnopqrstuvwxyz ") for _ in range(64)) for _ in range(256)]
    for i in range(files):
        p = tree / f"d{i % 100:02d}" / f"f{i:06d}.txt"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"".join(rnd.choice(words) for _ in range(rnd.randint(64, 960))))
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", str(tree), str(raw), f"{size_mib}M"], check=True)
    shutil.rmtree(tree)
    data = raw.read_bytes()
    for folder, level, n in (("r5", 5, 4), ("r5d", 5, 4), ("r6", 6, 5)):
        (work / folder).mkdir()
        members = write_members(work / folder, data, level, n, chunk=512 * 1024)
        if folder == "r5d":
            members[0].unlink()
    (work / "e01").mkdir()
    (work / "r5e").mkdir()
    for source, target in [(raw, work / "e01" / "ext4"), *((work / "r5" / f"disk{i}.img", work / "r5e" / f"disk{i}")
                                                         for i in range(4))]:
        subprocess.run(["ewfacquire", "-u", "-q", "-c", "fast", "-f", "encase6", "-t", str(target), str(source)],
                       check=True, capture_output=True)
    return sets


def main() -> None:
    ap = bench_args(__doc__, "/tmp/leakscan-bench-md")
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--size", type=int, default=256, help="MiB of the ext4 file system")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sets = build(args.work, args.files, args.size)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    results: dict[str, list[list[float]]] = {name: [] for name in sets}
    counts: dict[str, tuple[str, str, str]] = {}
    for _ in range(args.runs):
        for name, path in sets.items():
            out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, env=env,
                                 check=True).stdout.split()
            counts[name] = (out[0], out[1], out[5])
            results[name].append([float(x) for x in out[2:5]])
    lines = [f"\n## Session 20 (md20): an ext4 read as a Linux md array rebuilt from its members, raw and in E01s\n\n"
             f"`python bench/bench_md.py --files {args.files} --size {args.size} --runs {args.runs}` "
             "(ImageSource in one process, median seconds; 512 KiB chunks, metadata 1.2):\n\n"
             "| image | files | bytes read | failed | open | walk | read |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, runs in results.items():
        med = [statistics.median(r[i] for r in runs) for i in range(3)]
        n, size, failed = counts[name]
        lines.append(f"| {name} | {int(n):,} | {int(size):,} | {failed} | {med[0]:.2f} s | {med[1]:.2f} s | "
                     f"{med[2]:.2f} s |")
    publish("\n".join(lines) + "\n", args.append)


if __name__ == "__main__":
    main()
