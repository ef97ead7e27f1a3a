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

With ``--image PATH --offset SECTORS`` it times a real image instead: ``fls -r -p -o SECTORS PATH``
against the leakscan walk of the same file system (the layer that starts at that offset), so both
list the same thing.

Results are printed as a Markdown section; ``--append`` appends it to bench/README.md.

Usage: python bench/bench_image.py [--work /tmp/leakscan-bench-image] [--files 100000] [--runs 3] [--append]
       python bench/bench_image.py --image /cases/pc.raw --offset 63 [--runs 3] [--append]
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
offset = int(sys.argv[2]) * 512 if sys.argv[2] != "-" else None
with_stat = sys.argv[3] == "stat"
t0 = time.perf_counter()
n = 0
with ImageSource(sys.argv[1], verify_images=False) as src:
    if offset is not None:  # only the file system fls is given (a bench may look inside)
        src._opened = [o for o in src._opened if o.layer.offset == offset]
        src._problems = []
    t1 = time.perf_counter()
    for item in src.entries():
        if not isinstance(item, (Skipped, Link)):
            if with_stat:
                item.stat()
            n += 1
print(n, time.perf_counter() - t0, time.perf_counter() - t1)
"""


# The floor: a bare pytsk3 loop (no leakscan code) listing every directory and reading each entry's
# name, type and size, on the same file system: what any pytsk3-based walk costs at least.
FLOOR = """
import sys, time
import pytsk3
t0 = time.perf_counter()
img = pytsk3.Img_Info(sys.argv[1])
fs = pytsk3.FS_Info(img, offset=int(sys.argv[2]) * 512 if len(sys.argv) > 2 else 0)
n, stack = 0, [int(fs.info.root_inum)]
while stack:
    for f in fs.open_dir(inode=stack.pop()):
        info = f.info
        name, meta = info.name.name, info.meta
        if name in (b".", b"..") or meta is None:
            continue
        if int(meta.type) == int(pytsk3.TSK_FS_META_TYPE_DIR):
            stack.append(int(meta.addr))
        else:
            n += 1
            meta.size
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
    ap.add_argument("--no-scan", dest="scan", action="store_false", help="leave out the full scan column")
    ap.add_argument("--image", type=Path, help="time this existing image instead of building one")
    ap.add_argument("--offset", type=int, default=0, help="with --image: the file system's start, in sectors")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    image = args.image or build_image(args.work, args.files)
    print(f"image ready: {image} ({image.stat().st_size >> 20} MiB, {time.perf_counter() - t0:.1f} s)",
          file=sys.stderr)
    out = args.work / "out"
    fls = ["fls", "-r", "-p", *(["-o", str(args.offset)] if args.image else []), str(image)]
    where = str(args.offset) if args.image else "-"
    walk = [sys.executable, "-c", WALK, str(image), where, "list"]
    walk_stat = [sys.executable, "-c", WALK, str(image), where, "stat"]
    floor = [sys.executable, "-c", FLOOR, str(image), *([str(args.offset)] if args.image else [])]
    scan = [sys.executable, str(ROOT / "scan.py"), "scan", str(image), "--name", NAME, "--out", str(out), "--quiet",
            "--overwrite"]  # every run replaces the previous one's outputs
    _, listing = timed(fls, capture=True)  # warm the page cache
    fls_files = sum(1 for line in listing.splitlines() if line.startswith("r/r"))
    timed(walk)
    fls_t, walk_t, walk_inner, scan_t, floor_t, listing_t, stat_t = [], [], [], [], [], [], []
    entries = 0
    for _ in range(args.runs):
        fls_t.append(timed(fls)[0])
        w, text = timed(walk, capture=True)
        entries, inner, listing = text.split()
        walk_t.append(w)
        walk_inner.append(float(inner))
        listing_t.append(float(listing))
        stat_t.append(float(timed(walk_stat, capture=True)[1].split()[2]))
        floor_t.append(float(timed(floor, capture=True)[1].split()[1]))
        scan_t.append(timed(scan)[0] if args.scan else float("nan"))
    f, w, wi, s, fl, li, st = (statistics.median(x) for x in (fls_t, walk_t, walk_inner, scan_t, floor_t, listing_t,
                                                                 stat_t))
    n = int(entries)
    print(f"fls {f:.2f} s, walk {w:.2f} s ({n / wi:,.0f} entries/s inside), scan {s:.2f} s", file=sys.stderr)
    lines = [
        "",
        f"### Disk image walk ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"`python bench/bench_image.py`: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}, warm page cache, median of "
        f"{args.runs} alternating runs. "
        + (f"Real image `{image.name}`, the file system at sector {args.offset} (`fls -o {args.offset}`). "
           if args.image else f"Raw ext4 image (1 KiB blocks, `mke2fs -d`) of {args.files:,} files of 64 bytes in "
           f"{args.files // 100:,} folders. ") +
        "Walk = a child process running `ImageSource(IMAGE).entries()` over every entry, as `fls -r -p` lists "
        "them (interpreter and dfvfs start-up included); open + list = the same, timed inside that process from "
        "opening the image (layers found with dfvfs) to the last entry; list = from the first entry to the last; "
        "list + stat = the same with `stat()` of every entry (sizes and times: what `fls -m` adds); pytsk3 floor = a bare pytsk3 loop listing each directory and "
        "reading each entry's name, type and size, no leakscan code; scan = `python scan.py scan IMAGE --name 介護予防_利用者名簿.xlsx --out OUT "
        "--quiet`. Target: walk <= 2x fls.",
        "",
        "| files (fls r/r) | entries walked | fls -r -p (s) | leakscan walk (s) | walk / fls | open + list (s) "
        "| list (s) | list / fls | list + stat (s) | pytsk3 floor (s) | floor / fls | leakscan scan (s) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {fls_files:,} | {n:,} | {f:.2f} | {w:.2f} | {w / f:.2f} | {wi:.2f} | {li:.2f} | {li / f:.2f} | {st:.2f} "
        f"| {fl:.2f} | {fl / f:.2f} | {s:.2f} |",
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
