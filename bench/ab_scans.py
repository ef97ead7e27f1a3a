"""Whole scans of two checkouts of leakscan, in alternating rounds, in CPU time (issue 11).

On a loaded machine wall times mean nothing and CPU times move by 20-30 % between minutes, so a change is judged
by scans of the old and the new code taken in the same rounds, the order alternating (and, with ``--baseline``,
bench/baseline_share.py in each round, for the share's ratio). Each side runs with a bytecode cache of its own
(PYTHONPYCACHEPREFIX under --work, warmed by one untimed scan), as an installed wheel has it. CPU is user + sys of
the process tree (``getrusage`` of the children: the scan process and its workers).

    python bench/ab_scans.py /tmp/base-checkout . /tmp/share-20000 --rounds 3 --baseline
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner.demo import LEAKED_NAME  # noqa: E402


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(CPU s of the process tree, wall s) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: hits found
        raise SystemExit(f"{cmd[:3]} in {cwd}: exit {done.returncode}: {done.stderr[-1000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return round(cpu, 2), round(time.perf_counter() - t0, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path, help="checkout of the old code (e.g. a git archive of main)")
    ap.add_argument("new", type=Path, help="checkout of the new code")
    ap.add_argument("source", help="what both scan")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--baseline", action="store_true", help="also run bench/baseline_share.py each round")
    ap.add_argument("--work", type=Path, default=Path("/tmp/leakscan-ab"))
    a = ap.parse_args()
    sides = {"old": a.old.resolve(), "new": a.new.resolve()}

    def env(side: str) -> dict[str, str]:
        e = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        e["PYTHONPYCACHEPREFIX"] = str(a.work / f"pycache-{side}")
        return e

    def scan(side: str) -> tuple[float, float]:
        out = a.work / f"out-{side}"
        shutil.rmtree(out, ignore_errors=True)
        return timed([sys.executable, "scan.py", "scan", a.source, "--name", LEAKED_NAME, "--out", str(out),
                      "--quiet", "--workers", str(a.workers)], sides[side], env(side))

    a.work.mkdir(parents=True, exist_ok=True)
    for side in sides:
        scan(side)  # untimed: fills the bytecode cache
    runs: dict[str, list[tuple[float, float]]] = {"old": [], "new": [], "baseline": []}
    loads = [os.getloadavg()[0]]
    for r in range(a.rounds):
        if a.baseline:
            runs["baseline"].append(timed([sys.executable, "bench/baseline_share.py", a.source, "--workers",
                                           str(a.workers)], sides["old"], env("old")))
        for side in ("old", "new") if r % 2 == 0 else ("new", "old"):
            runs[side].append(scan(side))
        loads.append(os.getloadavg()[0])
        print(r, {k: v[-1] for k, v in runs.items() if v}, f"load {loads[-1]:.1f}", flush=True)
    summary = {k: statistics.median(c for c, _ in v) for k, v in runs.items() if v}
    print(json.dumps({"cpu_median": summary, "runs": runs, "load": loads}))


if __name__ == "__main__":
    main()
