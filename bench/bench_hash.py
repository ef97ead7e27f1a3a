#!/usr/bin/env python3
"""Benchmark: fingerprinting 1 GiB of hits (MD5 + SHA-1 + SHA-256 in one read pass) against
``sha256sum`` alone and ``hashdeep -c md5,sha1,sha256`` on the same files.

The files (8 x 128 MiB of seeded random bytes) are read once beforehand so every tool reads from the
page cache: this measures hashing, not the disk. leakscan's side is ``scanner.fingerprint.hash_stream``
on each file in turn, as the pipeline calls it. Median of alternating runs.

Usage: python bench/bench_hash.py [--work /tmp/leakscan-bench] [--runs 3] [--append]
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import bench_args, big_files, publish  # noqa: E402

from scanner.fingerprint import hash_stream  # noqa: E402

FILES, SIZE = 8, 128 << 20


def build(folder: Path) -> list[Path]:
    return big_files(folder, FILES, SIZE)


def warm(paths: list[Path]) -> None:
    for p in paths:
        with open(p, "rb") as f:
            while f.read(1 << 22):
                pass


def leakscan_hash(paths: list[Path]) -> float:
    t0 = time.perf_counter()
    for p in paths:
        with open(p, "rb", buffering=0) as f:
            hash_stream(f)
    return time.perf_counter() - t0


def tool(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> int:
    args = bench_args(__doc__).parse_args()
    load = os.getloadavg()[0]
    paths = build(args.work / "hash1g")
    warm(paths)
    names = [str(p) for p in paths]
    have_hashdeep = shutil.which("hashdeep") is not None
    times: dict[str, list[float]] = {"leakscan": [], "sha256sum": [], "hashdeep": []}
    for _ in range(args.runs):
        times["sha256sum"].append(tool(["sha256sum", *names]))
        times["leakscan"].append(leakscan_hash(paths))
        if have_hashdeep:
            times["hashdeep"].append(tool(["hashdeep", "-c", "md5,sha1,sha256", *names]))
    med = {k: statistics.median(v) for k, v in times.items() if v}
    gib = FILES * SIZE / (1 << 30)
    for k, v in med.items():
        print(f"{k}: {v:.2f} s ({gib / v:.2f} GiB/s)", file=sys.stderr)
    lines = [
        "",
        f"### Fingerprinting 1 GiB of hits ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"`python bench/bench_hash.py`: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {FILES} files x {SIZE >> 20} MiB from the page cache, median of "
        f"{args.runs} alternating runs, load average before {load:.2f}. Targets: leakscan <= 1.0 x sha256sum, "
        "faster than hashdeep.",
        "",
        "| tool | digests | wall (s) | GiB/s | x sha256sum |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    labels = {"leakscan": ("leakscan (scanner.fingerprint)", "MD5+SHA-1+SHA-256"),
              "sha256sum": ("sha256sum (coreutils)", "SHA-256"),
              "hashdeep": ("hashdeep -c md5,sha1,sha256", "MD5+SHA-1+SHA-256")}
    for k, v in med.items():
        lines.append(f"| {labels[k][0]} | {labels[k][1]} | {v:.2f} | {gib / v:.2f} | {v / med['sha256sum']:.2f} |")
    lines.append("")
    text = "\n".join(lines)
    publish(text, args.append)
    return 0


if __name__ == "__main__":
    sys.exit(main())
