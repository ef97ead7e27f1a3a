#!/usr/bin/env python3
"""Benchmark: what walking a SOURCE disk image in its own walker process costs (image_walker.py).

On the image of bench_image.py (raw ext4, 100,000 files of 64 bytes in 1,000 folders, a few named like the
leaked file), alternating runs, each in a fresh interpreter:

* ``fls -r -p IMAGE`` (C, the floor any walk is compared with)
* in-process: ``ImageSource(IMAGE).batches()`` with the scan's cheap checks (prefilter, then ``pick``: stat and
  the inspectors' ``wants``) on the names it lets through, and the read of each picked file's bytes for its
  worker: what the scan process did before the walker
* walker: the same through ``isolated(ImageSource(IMAGE), settings).batches()``: the walk and the same checks
  in the walker process, the entries built from its messages in this one (what the scan process does now)

Wall time, and CPU time (user + sys) of this process and of its children (the walker), medians. With
``--scan OLD_CHECKOUT`` it also times ``scan.py scan IMAGE --name NAME`` of that checkout against this one.
With ``--crash FILE_NAME`` (repeatable) it also times the walker when TSK dies (SIGSEGV) reading that file
(a ``sitecustomize`` on PYTHONPATH, as tests/test_image_walker.py): what a new walker taking up the walk
right after it costs.

Usage: python bench/bench_image_walker.py [--work /tmp/leakscan-bench-image] [--runs 5] [--scan /tmp/old]
       [--crash 集計_018744.csv]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_image import NAME, build_image  # noqa: E402

WALK = """
import resource, sys, tempfile, time
from scanner.config import ScanConfig
from scanner.examine import pick
from scanner.image_walker import isolated
from scanner.pipeline import scan_context, worker_settings
from scanner.sources.base import NameBatch
from scanner.sources.image import ImageSource
from scanner.work import FileOutcome
image, mode, name = sys.argv[1:4]
ctx = scan_context(ScanConfig(sources=[image], names=[name], out=tempfile.mkdtemp()))
t0 = time.perf_counter()
source = ImageSource(image, verify_images=False)
if mode == "walker":
    source = isolated(source, worker_settings(ctx))
n = picked = 0
cap = ctx.config.max_inspect_bytes
with source:
    for item in source.batches():
        if isinstance(item, NameBatch):
            n += len(item.names)
            for i in ctx.prefilter.pick(item.names, item.framed):
                entry = item.entry(i)
                cand = pick(entry, ctx, FileOutcome())
                if cand is None:
                    continue
                picked += 1
                # the bytes a worker gets (pipeline.Dispatcher._task): read here before, by the walker now
                ref = getattr(entry, "ref", None)
                if (ref() if ref is not None else None) is None and 0 < cand.stat.size <= cap:
                    with entry.open() as f:
                        f.read(cap + 1)
wall = time.perf_counter() - t0
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(n, picked, wall, me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime)
"""


CRASH_READ = """
import os, signal
import pytsk3
_Real, _BAD = pytsk3.FS_Info, os.environ["BENCH_CRASH_READ"].encode()


class _File:
    def __init__(self, real):
        self._real = real

    def read_random(self, *args, **kwargs):
        if (self._real.info.name.name or b"") == _BAD:
            os.kill(os.getpid(), signal.SIGSEGV)
        return self._real.read_random(*args, **kwargs)

    def __iter__(self):
        return iter(self._real)

    def __getattr__(self, name):
        return getattr(self._real, name)


class FS_Info:
    def __init__(self, *args, **kwargs):
        self._real = _Real(*args, **kwargs)

    def open_dir(self, *args, **kwargs):
        return [_File(f) for f in self._real.open_dir(*args, **kwargs)]

    def __getattr__(self, name):
        return getattr(self._real, name)


pytsk3.FS_Info = FS_Info
"""


def run(cmd: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall, CPU of the command's process tree, stdout)."""
    before = os.times()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    wall = time.perf_counter() - t0
    after = os.times()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed with exit code {proc.returncode}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, proc.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/leakscan-bench-image"))
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scan", type=Path, help="another checkout whose scan.py is timed against this one's")
    ap.add_argument("--crash", action="append", default=[], help="a file name whose read kills the walker")
    args = ap.parse_args()
    site = Path(tempfile.mkdtemp(prefix="bench-walker-site-"))
    (site / "sitecustomize.py").write_text(CRASH_READ, encoding="utf-8")
    args.work.mkdir(parents=True, exist_ok=True)
    image = build_image(args.work, args.files)
    rows: dict[str, list[tuple[float, float]]] = {"fls": [], "in-process": [], "walker": [],
                                                  **{f"walker, crash reading {c}": [] for c in args.crash}}
    scans: dict[str, list[tuple[float, float]]] = {"old scan": [], "new scan": []}
    run(["fls", "-r", "-p", str(image)])  # warm the page cache
    for _ in range(args.runs):
        rows["fls"].append(run(["fls", "-r", "-p", str(image)])[:2])
        for mode in ("in-process", "walker"):
            wall, cpu, out = run([sys.executable, "-c", WALK, str(image), mode, NAME])
            rows[mode].append((wall, cpu))
            print(mode, out.strip(), file=sys.stderr)
        for crash in args.crash:
            env = {**os.environ, "PYTHONPATH": str(site), "BENCH_CRASH_READ": crash}
            wall, cpu, out = run([sys.executable, "-c", WALK, str(image), "walker", NAME], env=env)
            rows[f"walker, crash reading {crash}"].append((wall, cpu))
            print("crash", crash, out.strip(), file=sys.stderr)
        if args.scan:
            for label, checkout in (("old scan", args.scan), ("new scan", ROOT)):
                with tempfile.TemporaryDirectory() as out:
                    rows_ = run([sys.executable, str(checkout / "scan.py"), "scan", str(image), "--name", NAME,
                                 "--out", f"{out}/o", "--quiet"])
                scans[label].append(rows_[:2])
    print(f"load average {os.getloadavg()[0]:.1f}, {args.runs} alternating runs, medians (wall s / CPU s):")
    for label, values in {**rows, **(scans if args.scan else {})}.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        print(f"| {label} | {wall:.2f} | {cpu:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
