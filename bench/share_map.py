"""Where a share scan's CPU goes, per kind of file: the scan process and the workers apart (issue 11).

The share's files are copied by kind (their extension) into folders of their own (same relative paths), and each
folder is scanned alone, as are an empty folder (start-up and outputs), a folder of one text file (the same plus the
worker pool's start: the zygote's imports and data, paid once a scan when a first file goes to a worker) and the
whole share, in the same rounds. For each scan: CPU of the scan process (its own ``RUSAGE_SELF`` at exit) and of its
workers (the rest of the process tree: zygote and workers). A kind's cost is its scan less the empty folder's, less
the pool's start when its scan started the pool (its workers' CPU above half the pool's start); per file = that /
its file count. The rows add up to the share's cost less start-up and one pool start (check the last rows).

    python bench/share_map.py /tmp/share-20000 --checkout . --rounds 2
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
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner.demo import LEAKED_NAME  # noqa: E402

# runs scan.py in this interpreter and prints the scan process's own CPU on the last line of stderr
WRAP = (
    "import atexit, resource, runpy, sys\n"
    "def _say():\n"
    "    r = resource.getrusage(resource.RUSAGE_SELF)\n"
    "    print('SELF_CPU', r.ru_utime + r.ru_stime, file=sys.stderr)\n"
    "atexit.register(_say)\n"
    "sys.argv = ['scan.py'] + sys.argv[1:]\n"
    "runpy.run_path('scan.py', run_name='__main__')\n"
)


def kind_of(name: str) -> str:
    suffix = Path(name).suffix.casefold()
    return suffix[1:] if suffix else "(none)"


def split(share: Path, into: Path) -> dict[str, int]:
    """Copy the share's files into ``into/KIND/...`` by kind; the number of files of each kind."""
    counts: dict[str, int] = defaultdict(int)
    for folder, _dirs, files in os.walk(share):
        rel = Path(folder).relative_to(share)
        for name in files:
            kind = kind_of(name)
            dest = into / kind / rel
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(Path(folder) / name, dest / name)
            counts[kind] += 1
    (into / "(empty)").mkdir(exist_ok=True)
    (into / "(one task)").mkdir(exist_ok=True)
    first = next(p for p in sorted((into / "txt").rglob("*.txt")) if p.stat().st_size > 0)
    shutil.copy2(first, into / "(one task)" / first.name)
    return dict(counts)


def scan(checkout: Path, source: Path, out: Path, workers: int, env: dict[str, str]) -> tuple[float, float]:
    """(scan process CPU s, workers' CPU s) of one scan."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", WRAP, "scan", str(source), "--name", LEAKED_NAME, "--out", str(out),
                           "--quiet", "--workers", str(workers)], cwd=checkout, env=env, capture_output=True,
                          text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{source}: exit {done.returncode}: {done.stderr[-1000:]}")
    total = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    own = float(done.stderr.strip().splitlines()[-1].split()[-1])
    return own, total - own


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("share", type=Path)
    ap.add_argument("--checkout", type=Path, default=Path("."))
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "leakscan-share-map")
    a = ap.parse_args()
    checkout = a.checkout.resolve()
    kinds_dir = a.work / "kinds"
    if not kinds_dir.exists():
        split(a.share, kinds_dir)
    counts = {k.name: sum(len(f) for _, _, f in os.walk(k)) for k in sorted(kinds_dir.iterdir())}
    counts["(share)"] = sum(v for k, v in counts.items() if not k.startswith("("))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(a.work / "pycache")
    targets = {k: kinds_dir / k for k in counts if k != "(share)"} | {"(share)": a.share.resolve()}
    scan(checkout, targets["(empty)"], a.work / "out", a.workers, env)  # untimed: fills the bytecode cache
    runs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in range(a.rounds):
        for name, source in targets.items():
            runs[name].append(scan(checkout, source, a.work / "out", a.workers, env))
        print(r, f"load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    med = {k: (statistics.median(s for s, _ in v), statistics.median(w for _, w in v)) for k, v in runs.items()}
    empty = med["(empty)"]
    pool = med["(one task)"][1] - empty[1]  # the pool's start (zygote imports and data, the first worker)
    fixed = {"(empty)": 0.0, "(one task)": 0.0, "(share)": pool}

    def above(k: str) -> float:
        own, work = med[k]
        start = fixed.get(k, pool if work - empty[1] > pool / 2 else 0.0)
        return own + work - sum(empty) - start

    total = above("(share)")
    kinds = [k for k in counts if not k.startswith("(")]
    print("| kind | files | scan process s | workers s | above start-up (and pool start) s | us a file | share |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for k in [*sorted(kinds, key=lambda k: -above(k)), "(empty)", "(one task)", "(share)"]:
        own, work = med[k]
        files = counts[k] if k in counts and k != "(one task)" else sum(counts[n] for n in kinds)
        per = f"{above(k) / files * 1e6:,.0f}" if not k.startswith("(") or k == "(share)" else ""
        print(f"| {k} | {files:,} | {own:.2f} | {work:.2f} | {above(k):.2f} | {per} | {above(k) / total:.0%} |")
    print(f"sum of the kinds {sum(above(k) for k in kinds):.2f} s; pool start {pool:.2f} s")
    print(json.dumps({"runs": runs, "counts": counts}))


if __name__ == "__main__":
    main()
