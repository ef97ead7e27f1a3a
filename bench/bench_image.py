#!/usr/bin/env python3
"""Benchmark: walking a raw ext4 image of 100,000 files vs ``fls -r -p`` (The Sleuth Kit) on it.

Builds a tree of 100,000 small files (100 per folder, names from a fixed seed, a few copies of the
leaked name among them), packs it into a raw ext4 image with ``mke2fs -d`` (no root needed), then
times, on warm caches and alternating runs:

* ``fls -r -p IMAGE`` (C, lists every name, deleted ones included)
* the leakscan image walk in a child process: ``ImageSource(IMAGE).entries()`` with ``stat()`` of each
  entry (dfvfs scan, TSK walk, locations, no hashing) -> entries per second
* ``python scan.py scan IMAGE --name NAME --out OUT --quiet`` (start-up, walk, name rules, hashing the
  hits, all outputs written)

Results are printed as a Markdown section; ``--append`` appends it to bench/README.md.

Usage: python bench/bench_image.py [--work /tmp/leakscan-bench-image] [--files 100000] [--runs 3] [--append]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "介護予防_利用者名簿.xlsx"
WORDS = ["会議", "議事録", "予算", "請求書", "報告書", "見積", "report", "invoice", "draft", "photo",
         "IMG", "scan", "契約書", "研修", "資料", "memo", "backup", "計画", "集計", "月報"]
EXTS = [".docx", ".xlsx", ".pdf", ".txt", ".jpg", ".png", ".csv", ".pptx", ".msg", ".zip"]

WALK = """
import sys, time
from scanner.models import Skipped, Link
from scanner.sources.image import ImageSource
t0 = time.perf_counter()
n = 0
with ImageSource(sys.argv[1]) as src:
    for item in src.entries():
        if not isinstance(item, (Skipped, Link)):
            item.stat()
            n += 1
print(n, time.perf_counter() - t0)
"""


def build_image(work: Path, files: int, per_dir: int = 100, seed: int = 11) -> Path:
    """A raw ext4 image holding ``files`` files of 64 bytes; reused when already built."""
    image = work / f"ext4_{files // 1000}k.img"
    if image.exists():
        return image
    tree = work / "tree"
    if tree.exists():
        shutil.rmtree(tree)
    rnd = random.Random(seed)
    payload = b"y" * 64
    n = 0
    for d in range(files // per_dir):
        folder = tree / f"PC{d // 50:02d}" / f"{rnd.choice(WORDS)}_{d:04d}"
        folder.mkdir(parents=True)
        for _ in range(per_dir):
            name = NAME if n % 25000 == 0 else f"{rnd.choice(WORDS)}_{n:06d}{rnd.choice(EXTS)}"
            (folder / name).write_bytes(payload)
            n += 1
    size_mib = files * 2 // 1024 + 64  # 1 KiB blocks: one data block and one inode per file, plus slack
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-b", "1024", "-N", str(files + 5000), "-d", str(tree),
                    str(image), f"{size_mib}M"], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(tree)
    return image


def timed(cmd: list[str], capture: bool = False) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed with exit code {proc.returncode}")
    return wall, proc.stdout or ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/leakscan-bench-image"))
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each command (median reported)")
    ap.add_argument("--append", action="store_true", help="append the result section to bench/README.md")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    image = build_image(args.work, args.files)
    print(f"image ready: {image} ({image.stat().st_size >> 20} MiB, {time.perf_counter() - t0:.1f} s)",
          file=sys.stderr)
    out = args.work / "out"
    fls = ["fls", "-r", "-p", str(image)]
    walk = [sys.executable, "-c", WALK, str(image)]
    scan = [sys.executable, str(ROOT / "scan.py"), "scan", str(image), "--name", NAME, "--out", str(out), "--quiet",
            "--overwrite"]  # every run replaces the previous one's outputs
    _, listing = timed(fls, capture=True)  # warm the page cache
    fls_files = sum(1 for line in listing.splitlines() if line.startswith("r/r"))
    timed(walk)
    fls_t, walk_t, walk_inner, scan_t = [], [], [], []
    entries = 0
    for _ in range(args.runs):
        fls_t.append(timed(fls)[0])
        w, text = timed(walk, capture=True)
        entries, inner = text.split()
        walk_t.append(w)
        walk_inner.append(float(inner))
        scan_t.append(timed(scan)[0])
    f, w, wi, s = (statistics.median(x) for x in (fls_t, walk_t, walk_inner, scan_t))
    n = int(entries)
    print(f"fls {f:.2f} s, walk {w:.2f} s ({n / wi:,.0f} entries/s inside), scan {s:.2f} s", file=sys.stderr)
    lines = [
        "",
        f"### Disk image walk ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"`python bench/bench_image.py`: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, warm page cache, median of {args.runs} alternating runs. Raw ext4 "
        f"image (1 KiB blocks, `mke2fs -d`) of {args.files:,} files of 64 bytes in {args.files // 100:,} folders. "
        "Walk = a child process running `ImageSource(IMAGE).entries()` and `stat()` of each entry (interpreter "
        "and dfvfs start-up included); scan = `python scan.py scan IMAGE --name 介護予防_利用者名簿.xlsx --out OUT "
        "--quiet`. Target: walk <= 2x fls.",
        "",
        "| files (fls r/r) | entries walked | fls -r -p (s) | leakscan walk (s) | walk / fls | entries/s (walk loop) "
        "| leakscan scan (s) | scan / fls |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {fls_files:,} | {n:,} | {f:.2f} | {w:.2f} | {w / f:.2f} | {n / wi:,.0f} | {s:.2f} | {s / f:.2f} |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.append:
        readme = ROOT / "bench" / "README.md"
        heading = readme.exists() and "## Disk images" in readme.read_text(encoding="utf-8")
        with open(readme, "a", encoding="utf-8") as fh:
            if not heading:
                fh.write("\n## Disk images\n")
            fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
