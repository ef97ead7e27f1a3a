"""The scan process's resume-state writes (``scanner.state.ScanState``) in a real scan, by SQLite journal mode.

A scan of SOURCE runs in this process, its ``ScanState`` methods (``in_flight``, ``record``, ``flush``, ``close``)
timed in thread CPU (the scan process's own, not its workers'); the modes alternate in child processes, ROUNDS each.
The rows written are the scan's own (a salted hash of each file's location, one ``started`` row a file sent to a
worker, one ``done`` row a file read): random keys, so each commit dirties pages all over both indexes, and the
rollback journal copies each of them before the database is written.

    python bench/bench_state_writes.py /tmp/share-20000 --rounds 3 [--modes DELETE,PERSIST]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
from scanner import state
from scanner.cli import main
from scanner.demo import LEAKED_NAME
state.JOURNAL_MODE = sys.argv[2]
spent = [0.0]
for name in ("in_flight", "record", "flush", "close"):
    def timed(self, *a, _f=getattr(state.ScanState, name), **k):
        t = time.thread_time()
        try:
            return _f(self, *a, **k)
        finally:
            spent[0] += time.thread_time() - t
    setattr(state.ScanState, name, timed)
try:
    main(["scan", sys.argv[3], "--name", LEAKED_NAME, "--out", sys.argv[4], "--quiet", "--workers", "2"])
except SystemExit:
    pass
print(f"{spent[0]:.3f}")
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--modes", default="DELETE,PERSIST")
    a = ap.parse_args()
    modes = a.modes.split(",")
    got: dict[str, list[float]] = {m: [] for m in modes}
    loads = [os.getloadavg()[0]]
    for r in range(a.rounds):
        for mode in modes if r % 2 == 0 else modes[::-1]:
            with tempfile.TemporaryDirectory() as tmp:
                done = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), mode, a.source, f"{tmp}/out"],
                                      capture_output=True, text=True, check=True)
                got[mode].append(float(done.stdout.split()[-1]))
        loads.append(os.getloadavg()[0])
        print(r, {m: v[-1] for m, v in got.items()}, f"load {loads[-1]:.1f}", flush=True)
    print({m: statistics.median(v) for m, v in got.items()}, f"load {min(loads):.1f}-{max(loads):.1f}")


if __name__ == "__main__":
    main()
