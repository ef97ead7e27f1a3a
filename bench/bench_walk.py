#!/usr/bin/env python3
"""Benchmark: name-only scan of a generated tree vs ``find TREE -iname PATTERN`` on the same tree.

Builds trees of 50,000 and 200,000 small files (100 per folder, names from a fixed seed, a few copies
of the leaked name among them), then times, on warm caches and alternating runs:

* ``find TREE -iname NAME``
* ``python scan.py scan TREE --name NAME --out OUT --quiet`` (interpreter start, walk, matching,
  hashing the hits and writing findings.json, report.html and the manifest all included)

Peak memory is the child's ru_maxrss from ``os.wait4``. Results are printed as a Markdown section to
append to bench/README.md (``--append`` does it).

Usage: python bench/bench_walk.py [--work /tmp/leakscan-bench] [--runs 3] [--append]
"""

from __future__ import annotations

import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import bench_args, publish

ROOT = Path(__file__).resolve().parent.parent
NAME = "介護予防_利用者名簿.xlsx"
WORDS = ["会議", "議事録", "予算", "請求書", "報告書", "見積", "report", "invoice", "draft", "photo",
         "IMG", "scan", "契約書", "研修", "資料", "memo", "backup", "計画", "集計", "月報"]
# Decoys are documents, mail and media: the name rules see every one, content inspectors none (a share full
# of real workbooks costs what parsing them costs; that is not what this benchmark measures).
EXTS = [".docx", ".pdf", ".jpg", ".png", ".pptx", ".msg", ".doc", ".log", ".html", ".mp4"]
TREE_VERSION = "2"
COPIES = [NAME, "介護予防_利用者名簿 - コピー.xlsx", "Copy of 介護予防_利用者名簿.xlsx", "介護予防_利用者名簿 (2).xlsx"]


def build_tree(root: Path, files: int, per_dir: int = 100, seed: int = 7) -> Path:
    """``files`` small files in ``files // per_dir`` folders two levels deep; reused when complete."""
    marker = root / ".complete"
    if marker.exists() and marker.read_text() == f"{files} v{TREE_VERSION}":
        return root
    if root.exists():
        shutil.rmtree(root)
    rnd = random.Random(seed)
    dirs = files // per_dir
    payload = b"x" * 64
    n = 0
    for d in range(dirs):
        folder = root / f"PC{d // 50:02d}" / f"{rnd.choice(WORDS)}_{d:04d}"
        folder.mkdir(parents=True)
        for _ in range(per_dir):
            if n % 20000 == 0:
                name = COPIES[(n // 20000) % len(COPIES)]
            else:
                name = f"{rnd.choice(WORDS)}_{rnd.choice(WORDS)}_{n:06d}{rnd.choice(EXTS)}"
            with open(folder / name, "wb") as f:
                f.write(payload)
            n += 1
    marker.write_text(f"{files} v{TREE_VERSION}")
    return root


def run_child(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int, float]:
    """Run ``cmd``; return (wall seconds, peak RSS in KiB, exit code, CPU seconds user + system)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, proc.returncode, usage.ru_utime + usage.ru_stime


def child_env(pycache: Path | None) -> dict[str, str]:
    """The scan's environment: with ``pycache``, compiled bytecode is kept there (outside the checkout), as
    an installed package has it; without, whatever this shell says (PYTHONDONTWRITEBYTECODE=1 recompiles
    every module of the checkout at each start)."""
    env = dict(os.environ)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def measure(tree: Path, out: Path, runs: int, pycache: Path | None = None) -> dict[str, float]:
    find_cmd = ["find", str(tree), "-iname", NAME]
    scan_cmd = [sys.executable, str(ROOT / "scan.py"), "scan", str(tree), "--name", NAME, "--out", str(out),
                "--quiet", "--overwrite"]  # every run replaces the previous one's outputs
    env = child_env(pycache)
    run_child(find_cmd)  # warm the dentry and inode caches
    run_child(scan_cmd, env)  # (and the bytecode cache)
    finds, scans, rss, find_cpu, scan_cpu = [], [], [], [], []
    for _ in range(runs):
        w, _, _, c = run_child(find_cmd)
        finds.append(w)
        find_cpu.append(c)
        w, peak, code, c = run_child(scan_cmd, env)
        if code not in (0, 1):
            raise SystemExit(f"scan failed with exit code {code}")
        scans.append(w)
        scan_cpu.append(c)
        rss.append(peak)
    return {"find": statistics.median(finds), "scan": statistics.median(scans), "rss_mib": max(rss) / 1024,
            "find_cpu": statistics.median(find_cpu), "scan_cpu": statistics.median(scan_cpu)}


def main() -> int:
    ap = bench_args(__doc__)
    ap.add_argument("--no-bytecode-cache", action="store_true",
                    help="run the scans with this shell's bytecode settings instead of a bytecode cache in --work")
    args = ap.parse_args()
    pycache = None if args.no_bytecode_cache else args.work / "pycache"
    rows = []
    load = os.getloadavg()[0]
    for files in (50_000, 200_000):
        t0 = time.perf_counter()
        tree = build_tree(args.work / f"tree{files // 1000}k", files)
        print(f"tree of {files} files ready ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
        out = args.work / f"out{files // 1000}k"
        r = measure(tree, out, args.runs, pycache)
        rows.append((files, r))
        print(f"{files}: find {r['find']:.2f} s, scan {r['scan']:.2f} s, ratio {r['scan'] / r['find']:.2f}, "
              f"peak {r['rss_mib']:.0f} MiB", file=sys.stderr)
    lines = [
        "",
        f"### Name-only walk ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"`python bench/bench_walk.py`: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, warm caches, median of {args.runs} alternating runs. "
        "Scan = `python scan.py scan TREE --name 介護予防_利用者名簿.xlsx --out OUT --quiet` (start-up, walk, "
        "hashing the hits and writing all outputs included). Targets: ratio <= 3.0, peak < 150 MiB, flat memory. "
        f"Load average before the runs: {load:.2f}. CPU = user + system time of the process. "
        + ("Bytecode: this shell's settings (PYTHONDONTWRITEBYTECODE="
           f"{os.environ.get('PYTHONDONTWRITEBYTECODE', 'unset')})." if pycache is None else
           "Bytecode cached (PYTHONPYCACHEPREFIX in --work, warmed by the untimed run), as an installed package has it."),
        "",
        "| files | folders | find -iname wall (s) | leakscan wall (s) | wall ratio | find CPU (s) | leakscan CPU (s) "
        "| CPU ratio | peak RSS (MiB) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for files, r in rows:
        lines.append(f"| {files:,} | {files // 100:,} | {r['find']:.2f} | {r['scan']:.2f} | "
                     f"{r['scan'] / r['find']:.2f} | {r['find_cpu']:.2f} | {r['scan_cpu']:.2f} | "
                     f"{r['scan_cpu'] / max(r['find_cpu'], 0.001):.2f} | {r['rss_mib']:.0f} |")
    growth = rows[-1][1]["rss_mib"] - rows[0][1]["rss_mib"]
    lines += ["", f"Peak memory from 50k to 200k files: {growth:+.1f} MiB.", ""]
    text = "\n".join(lines)
    publish(text, args.append)
    return 0


if __name__ == "__main__":
    sys.exit(main())
