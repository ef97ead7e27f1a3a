"""leakscan on the realistic share (issue 11) against the least work such a scan needs, in the same run.

The share is built by bench/make_share.py (fixed seed): one in ten files a real spreadsheet, 45 person
workbooks (at 100,000 files), 5 copies of the named file. The baseline (bench/baseline_share.py) walks the
tree and reads every spreadsheet whole with SHA-256 and a full calamine/csv parse in a process pool on
all cores. leakscan runs its full scan (`scan SHARE --name FILE --out OUT --quiet`: walk, name rules,
hashes, classification, person counting, report). Runs alternate; the medians are compared. Peak RSS is
of the whole process tree (scan process + workers), sampled every 50 ms.

    python bench/bench_share.py --files 20000            # a quick run while developing
    python bench/bench_share.py --files 100000 --append  # the issue's size; result into bench/README.md
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_walk import child_env  # noqa: E402
from common import bench_args, publish  # noqa: E402
from make_share import ensure  # noqa: E402

from scanner.demo import LEAKED_NAME  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, subprocess.CompletedProcess[str]]:
    """(wall s, CPU s of the process tree, peak RSS of the tree in bytes, the completed process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = 0
    top = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            tree = [top, *top.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def check(out: Path, truth: dict) -> str:
    """What leakscan found against the share's truth (every person workbook, every copy)."""
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    files = {f["path"] for f in doc["files"]}
    root = Path(truth["root"])
    copies = sum(1 for rel in truth["copies"] if str(root / rel) in files)
    persons = {f["path"] for f in doc["files"] if (f.get("pii") or {}).get("records")}
    found = sum(1 for rel in truth["person_files"] if str(root / rel) in persons)
    return f"{found}/{len(truth['person_files'])} person files, {copies}/{len(truth['copies'])} copies"


def main() -> None:
    ap = bench_args(__doc__)
    ap.add_argument("--files", type=int, default=100_000, help="files in the share (default 100,000)")
    ap.add_argument("--workers", type=int, default=os.cpu_count(), help="processes for both (default: cores)")
    ap.add_argument("--no-bytecode-cache", action="store_true",
                    help="run both with this shell's bytecode settings instead of a bytecode cache in --work "
                    "(PYTHONDONTWRITEBYTECODE=1 recompiles every module of the checkout in every process)")
    args = ap.parse_args()
    pycache = None if args.no_bytecode_cache else args.work / "pycache"
    env = child_env(pycache)
    share = args.work / f"share-{args.files}"
    truth = ensure(share, args.files)
    truth["root"] = str(share)
    load_before = os.getloadavg()
    base_cmd = [sys.executable, str(ROOT / "bench" / "baseline_share.py"), str(share), "--workers", str(args.workers)]
    out = args.work / "out-share"
    scan_cmd = [sys.executable, str(ROOT / "scan.py"), "scan", str(share), "--name", LEAKED_NAME, "--out", str(out),
                "--quiet", "--workers", str(args.workers)]
    base, scan = [], []
    found = ""
    if pycache is not None:  # an installed wheel has its .pyc compiled at install: warm the cache, untimed
        timed(base_cmd, env)
        shutil.rmtree(out, ignore_errors=True)
        timed(scan_cmd, env)
    for _ in range(args.runs):
        base.append(timed(base_cmd, env))
        shutil.rmtree(out, ignore_errors=True)
        result = timed(scan_cmd, env)
        if result[3].returncode not in (0, 1):
            raise SystemExit(f"scan failed: {result[3].stderr[-2000:]}")
        scan.append(result)
        found = check(out, truth)
    load_after = os.getloadavg()
    bw, bc = statistics.median(r[0] for r in base), statistics.median(r[1] for r in base)
    sw, sc = statistics.median(r[0] for r in scan), statistics.median(r[1] for r in scan)
    peak = max(r[2] for r in scan) / 2**20
    plan = truth["plan"]
    text = (
        f"\n### Realistic share, {args.files:,} files ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n\n"
        f"`python bench/bench_share.py --files {args.files}`: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {args.workers} workers for both, median of {args.runs} alternating runs, "
        f"warm page cache; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after (shared machine). "
        f"Share: {plan['xlsx']:,} .xlsx (5-400 rows), {plan['csv']:,} CSV (cp932/UTF-8), {plan['other']:,} documents, "
        f"mail and media; {plan['persons']} person workbooks, {plan['copies']} copies of the named file. leakscan "
        f"found {found}. Target: leakscan <= 1.5x the baseline. "
        + ("Bytecode: this shell's settings (PYTHONDONTWRITEBYTECODE="
           f"{os.environ.get('PYTHONDONTWRITEBYTECODE', 'unset')}).\n\n" if pycache is None else
           "Bytecode cached (PYTHONPYCACHEPREFIX in --work, warmed by an untimed run of each), as an installed "
           "wheel has it.\n\n")
        + "| run | wall (s) | CPU (s) | peak RSS, process tree (MiB) |\n| --- | ---: | ---: | ---: |\n"
        f"| baseline: walk + SHA-256 + full parse of each spreadsheet, process pool | {bw:.2f} | {bc:.2f} | - |\n"
        f"| leakscan scan (everything, report included) | {sw:.2f} | {sc:.2f} | {peak:.0f} |\n"
        f"| **ratio** | **{sw / bw:.2f}x** | **{sc / bc:.2f}x** | |\n"
    )
    publish(text, args.append)


if __name__ == "__main__":
    main()
