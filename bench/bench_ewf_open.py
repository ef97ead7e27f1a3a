#!/usr/bin/env python3
"""Benchmark: opening an E01 SOURCE (``ImageSource.__enter__``) in two checkouts, and the files each walk lists.

images21: the md member check opened every image SOURCE through pyewf (every segment's tables read) and closed it;
the walk then opened it again. An E01 in many segments (FTK Imager and ewfacquire cut at 1.5-4 GiB: a 2 TB disk is
500+ segments) pays that open twice. Builds (once) an ext4 of SIZE MiB holding FILES files (fixed seed, ``mke2fs
-d``) imaged by ``ewfacquire -u -c fast`` in SEGMENT-sized segments, then times, in a child process per run,
alternating OLD and NEW (checkouts: ``git archive COMMIT | tar -x -C DIR``):

* open: ``ImageSource.__enter__`` (the md check, the storage, verify off, layers)
* the walk's listing (paths and sizes), compared between the two: the same files or the benchmark fails

Usage: python bench/bench_ewf_open.py --old DIR --new DIR [--work /tmp/leakscan-bench-ewf] [--size 256]
       [--segment 2MiB] [--runs 5] [--append]
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

CHILD = """
import sys, time
from scanner.models import Link, Skipped
from scanner.sources.image import ImageSource
t0 = time.perf_counter()
with ImageSource(sys.argv[1], verify_images=False) as src:
    t1 = time.perf_counter()
    rows = sorted(f"{e.location.path}\\t{e.stat().size}" for e in src.entries() if not isinstance(e, (Skipped, Link)))
print(t1 - t0, len(rows), __import__("hashlib").sha256("\\n".join(rows).encode()).hexdigest())
"""


def build(work: Path, files: int, size_mib: int, segment: str) -> Path:
    target = work / "ext4.E01"
    if target.exists():
        return target
    shutil.rmtree(work, ignore_errors=True)
    tree = work / "tree"
    rnd = random.Random(21)
    for i in range(files):
        p = tree / f"d{i % 50:02d}" / f"f{i:06d}.txt"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(rnd.randbytes(rnd.randint(4096, 61440)))
    raw = work / "ext4.raw"
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", str(tree), str(raw), f"{size_mib}M"], check=True)
    shutil.rmtree(tree)
    subprocess.run(["ewfacquire", "-u", "-q", "-c", "fast", "-f", "encase6", "-S", segment, "-t", str(work / "ext4"),
                    str(raw)], check=True, capture_output=True)
    raw.unlink()
    return target


def main() -> None:
    ap = bench_args(__doc__, "/tmp/leakscan-bench-ewf")
    ap.add_argument("--old", type=Path, required=True, help="checkout before the change")
    ap.add_argument("--new", type=Path, required=True, help="checkout after the change")
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--size", type=int, default=256, help="MiB of the ext4 file system")
    ap.add_argument("--segment", default="2MiB", help="ewfacquire's segment size")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    image = build(args.work, args.files, args.size, args.segment)
    segments = len(list(args.work.glob("ext4.E*")))
    times: dict[str, list[float]] = {"old": [], "new": []}
    listed: dict[str, set[tuple[str, str]]] = {"old": set(), "new": set()}
    for _ in range(args.runs):
        for side in ("old", "new"):
            env = {**os.environ, "PYTHONPATH": str(getattr(args, side).resolve())}
            out = subprocess.run([sys.executable, "-c", CHILD, str(image)], capture_output=True, text=True, env=env,
                                 check=True, cwd=getattr(args, side)).stdout.split()
            times[side].append(float(out[0]))
            listed[side].add((out[1], out[2]))
    if listed["old"] != listed["new"] or len(listed["new"]) != 1:
        sys.exit(f"the walks differ: {listed}")
    (count, digest), = listed["new"]
    lines = [f"\n## Session 21 (images21): an E01 SOURCE opened once for the md check and the walk\n\n"
             f"`python bench/bench_ewf_open.py --old OLD --new NEW --size {args.size} --segment {args.segment} "
             f"--runs {args.runs}`: ext4 of {args.size} MiB, {args.files} files, `ewfacquire -u -c fast` in "
             f"{segments} segments; `ImageSource.__enter__` (verify off), seconds, alternating in child processes. "
             f"Both walks list the same {int(count):,} files (sha256 of paths and sizes {digest[:16]}).\n\n"
             "| checkout | median | runs |\n| --- | ---: | --- |"]
    for side in ("old", "new"):
        lines.append(f"| {side} ({getattr(args, side).name}) | {statistics.median(times[side]):.2f} s | "
                     + ", ".join(f"{t:.2f}" for t in times[side]) + " |")
    publish("\n".join(lines) + "\n", args.append)


if __name__ == "__main__":
    main()
