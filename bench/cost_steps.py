"""Where a whole scan's CPU goes, by step and by kind of file, in every process of one real scan (issue 11).

Runs ``scan.py scan SOURCE`` (2 workers by default) with bench/cost_hook.py loaded into the scan process, the zygote
and each worker (a ``sitecustomize`` on PYTHONPATH): the thread CPU of each wrapped step (pick, each inspector's
``wants``, head reads, hashing, libmagic, each inspector's ``inspect``, units out, outcomes in, outputs ...) by the
extension of the file it was spent on. Prints the process totals, a step table and a kind table (median of
``--rounds`` scans); CPU of the process tree is ``getrusage`` of the children, as bench/ab_scans.py.

    python bench/cost_steps.py /tmp/share-20000 --checkout . --rounds 3
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

HERE = Path(__file__).resolve().parent
SITE = f"import sys\nsys.path.insert(0, {str(HERE)!r})\nimport cost_hook\ncost_hook.install()\n"
Stats = dict[tuple[str, str, str], list[float]]


def one_scan(checkout: Path, source: str, work: Path, workers: int) -> tuple[float, dict[str, float], Stats]:
    """(tree CPU s, CPU s by role, merged counters) of one scan."""
    site, costs, out = work / "site", work / "costs", work / "out"
    for d in (costs, out):
        shutil.rmtree(d, ignore_errors=True)
    site.mkdir(parents=True, exist_ok=True)
    costs.mkdir()
    (site / "sitecustomize.py").write_text(SITE)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=os.pathsep.join(p for p in (str(site), env.get("PYTHONPATH", "")) if p),
               LEAKSCAN_COST_DIR=str(costs), PYTHONPYCACHEPREFIX=str(work / f"pycache-{checkout.name}"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "scan.py", "scan", source, "--name", LEAKED_NAME, "--out", str(out),
                           "--quiet", "--workers", str(workers)], cwd=checkout, env=env, capture_output=True,
                          text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"exit {done.returncode}: {done.stderr[-2000:]}")
    tree = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    roles: dict[str, float] = defaultdict(float)
    stats: Stats = {}
    for f in costs.glob("*.json"):
        doc = json.loads(f.read_text())
        roles[doc["role"]] += doc["cpu"]
        for role, step, kind, calls, incl, excl in doc["stats"]:
            s = stats.setdefault((role, step, kind), [0, 0.0, 0.0])
            s[0] += calls
            s[1] += incl / 1e9
            s[2] += excl / 1e9
    roles["zygote and the rest"] = tree - sum(roles.values())
    return tree, dict(roles), stats


def median_stats(runs: list[Stats]) -> Stats:
    keys = set().union(*runs)
    return {k: [statistics.median(r.get(k, [0, 0, 0])[i] for r in runs) for i in range(3)] for k in keys}


def tables(tree: float, roles: dict[str, float], stats: Stats) -> str:
    lines = [f"process tree CPU {tree:.2f} s: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(roles.items())), ""]
    by_step: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for (role, step, _kind), (calls, incl, excl) in stats.items():
        s = by_step[(role, step)]
        s[0] += calls
        s[1] += incl
        s[2] += excl
    lines += ["| process | step | calls | inclusive s | exclusive s |", "| --- | --- | ---: | ---: | ---: |"]
    for (role, step), (calls, incl, excl) in sorted(by_step.items(), key=lambda kv: (kv[0][0], -kv[1][1])):
        lines.append(f"| {role} | {step} | {calls:,.0f} | {incl:.3f} | {excl:.3f} |")
    kinds: dict[str, dict[tuple[str, str], list[float]]] = defaultdict(dict)
    for (role, step, kind), v in stats.items():
        kinds[kind][(role, step)] = v
    lines += ["", "| kind | files | scan us/file | worker tasks | worker us/task | largest steps (us a file, exclusive) |",
              "| --- | ---: | ---: | ---: | ---: | --- |"]

    def total(k: str) -> float:
        d = kinds[k]
        return d.get(("scan", "file (scan)"), [0, 0, 0])[1] + d.get(("worker", "task"), [0, 0, 0])[1]

    for kind in sorted(kinds, key=lambda k: -total(k)):
        d = kinds[kind]
        files = d.get(("scan", "file (scan)"), [0, 0, 0])
        tasks = d.get(("worker", "task"), [0, 0, 0])
        n = files[0] or tasks[0] or 1
        steps = sorted(((v[2], f"{'w' if r == 'worker' else 's'}:{s}") for (r, s), v in d.items()), reverse=True)
        top = ", ".join(f"{name} {t / n * 1e6:,.0f}" for t, name in steps[:7] if t / n * 1e6 >= 1)
        lines.append(f"| {kind} | {files[0]:,.0f} | {files[1] / max(files[0], 1) * 1e6:,.0f} | {tasks[0]:,.0f} | "
                     f"{tasks[1] / max(tasks[0], 1) * 1e6:,.0f} | {top} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source")
    ap.add_argument("--checkout", type=Path, default=Path("."))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "leakscan-cost-steps")
    ap.add_argument("--json", type=Path, help="write every round's counters here")
    a = ap.parse_args()
    checkout = a.checkout.resolve()
    one_scan(checkout, a.source, a.work, a.workers)  # untimed: fills the bytecode cache
    runs = []
    for r in range(a.rounds):
        runs.append(one_scan(checkout, a.source, a.work, a.workers))
        print(r, f"tree {runs[-1][0]:.2f} s", f"load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    tree = statistics.median(t for t, _, _ in runs)
    roles = {k: statistics.median(r.get(k, 0.0) for _, r, _ in runs) for k in runs[0][1]}
    print(tables(tree, roles, median_stats([s for _, _, s in runs])))
    if a.json:
        a.json.write_text(json.dumps([{"tree": t, "roles": r, "stats": [[*k, *v] for k, v in s.items()]}
                                      for t, r, s in runs]))


if __name__ == "__main__":
    main()
