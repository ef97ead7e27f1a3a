#!/usr/bin/env python3
"""Benchmark: a 1 GiB ext4 QCOW2 image walked and read through libqcow vs leakscan's own QCOW2 reader.

Builds (once) a 1 GiB ext4 holding FILES files of 4-60 KiB of text-like bytes (fixed seed), converts it with
``qemu-img convert -O qcow2`` (plain) and ``-c`` (compressed), then times in a child process per run, alternating:

* open: ``ImageSource.__enter__`` (format, chain, layers; the checks that run on a QCOW2 file)
* walk: every entry listed with its stat
* read: every file's bytes read through (what hashing a file costs on top of the walk); files whose read fails
  are counted

for each image read by libqcow (``--reader libqcow``: QcowReader kept out) and by QcowReader (``--reader own``:
forced on the plain image too). Results as Markdown; ``--append`` adds them to bench/README.md.

Usage: python bench/bench_qcow.py [--work /tmp/leakscan-bench-qcow] [--files 20000] [--runs 3] [--append]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import sys, time
from scanner.models import Skipped, Link
from scanner.sources.image import ImageSource
image, reader = sys.argv[1], sys.argv[2]
original = ImageSource._serve_qcow
if reader == "libqcow":
    ImageSource._serve_qcow = lambda self, required: False
else:
    ImageSource._serve_qcow = lambda self, required: original(self, True)
t0 = time.perf_counter()
n = size = 0
with ImageSource(image, verify_images=False) as src:
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
        except Exception:  # a file libqcow misreads (its inode table read as zeros): counted
            failed += 1
    t3 = time.perf_counter()
print(len(entries), size, t1 - t0, t2 - t1, t3 - t2, failed)
"""


def build(work: Path, files: int, seed: int = 18) -> tuple[Path, Path]:
    plain, packed = work / "plain.qcow2", work / "packed.qcow2"
    if plain.exists() and packed.exists():
        return plain, packed
    work.mkdir(parents=True, exist_ok=True)
    tree = work / "tree"
    rnd = random.Random(seed)
    words = [f"{w}".encode() for w in ("会議", "議事録", "予算", "請求書", "report", "invoice", "氏名", "住所",
                                       "電話", "memo", "2024", "東京都", "大阪府", "様")]
    for n in range(files):
        folder = tree / f"d{n // 200:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        body = b" ".join(rnd.choice(words) for _ in range(rnd.randint(600, 9000)))
        (folder / f"f{n:06d}.txt").write_bytes(body)
    raw = work / "ext4.img"
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", str(tree), str(raw), "1G"], check=True)
    subprocess.run(["rm", "-rf", str(tree)], check=True)
    subprocess.run(["qemu-img", "convert", "-q", "-O", "qcow2", str(raw), str(plain)], check=True)
    subprocess.run(["qemu-img", "convert", "-q", "-c", "-O", "qcow2", str(raw), str(packed)], check=True)
    raw.unlink()
    return plain, packed


def run(image: Path, reader: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(image), reader], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    return [float(x) for x in out[:6]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/leakscan-bench-qcow")
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--append", action="store_true")
    args = ap.parse_args()
    plain, packed = build(Path(args.work), args.files)
    cases = [(plain, "libqcow"), (plain, "own"), (packed, "libqcow"), (packed, "own")]
    results: dict[tuple[str, str], list[list[float]]] = {(i.name, r): [] for i, r in cases}
    for _ in range(args.runs):
        for image, reader in cases:
            results[(image.name, reader)].append(run(image, reader))
    lines = [f"Image: 1 GiB ext4, {args.files} files; plain.qcow2 {plain.stat().st_size >> 20} MiB, packed.qcow2 "
             f"(-c) {packed.stat().st_size >> 20} MiB; load {os.getloadavg()[0]:.1f}; median of {args.runs} runs.", "",
             "| image | reader | files | MiB read | open s | walk s | read s | files failing to read |",
             "|---|---|---|---|---|---|---|---|"]
    for (name, reader), rows in results.items():
        med = [statistics.median(r[i] for r in rows) for i in range(6)]
        lines.append(f"| {name} | {reader} | {int(med[0])} | {med[1] / (1 << 20):.0f} | {med[2]:.2f} | {med[3]:.2f} | "
                     f"{med[4]:.2f} | {int(med[5])} |")
    text = "\n".join(lines)
    print(text)
    if args.append:
        with open(ROOT / "bench" / "README.md", "a", encoding="utf-8") as f:
            f.write("\n" + text + "\n")


if __name__ == "__main__":
    main()
