"""The fake-name tree against leakscan's own floor (issue 11's tree target, restated in session 17).

    python bench/bench_tree_floor.py OLD NEW [--tree /tmp/leakscan-bench-fake/tree-200000] [--rounds 3] [--append]

The floor is what any scan of the tree by leakscan must pay: its start-up and outputs (a scan of an empty folder),
plus a walk of the tree in Python that stats every file and reads the first 512 bytes of every non-empty one (what
the default content check reads; the interpreter's own start, ``python -c pass``, taken off). Measured in the same
rounds as ``find -iname`` and the scans of two checkouts of the tree (OLD, NEW: e.g. a ``git archive`` of main and
this one, each with a bytecode cache of its own), in CPU time (user + sys of the process tree), the order of the
scans alternating. The tree is bench_fake_names.py's (built there when missing). Target: NEW's scan at most 3x the
floor.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ab_scans import timed  # noqa: E402
from bench_fake_names import build  # noqa: E402
from common import bench_args, publish  # noqa: E402

from scanner.demo import LEAKED_NAME  # noqa: E402

# a bare walk: sorted scandir per folder, stat of every file, 512 bytes of every non-empty one (O_NOATIME, as leakscan)
WALK = """
import os, sys
flags = os.O_RDONLY | getattr(os, "O_NOATIME", 0) | getattr(os, "O_NOFOLLOW", 0)
todo = [sys.argv[1].encode()]
files = 0
while todo:
    top = todo.pop()
    with os.scandir(top) as it:
        entries = sorted(it, key=lambda e: e.name)
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            todo.append(e.path)
            continue
        st = os.stat(e.path, follow_symlinks=False)
        files += 1
        if st.st_size:
            fd = os.open(e.path, flags)
            try:
                os.read(fd, 512)
            finally:
                os.close(fd)
print(files)
"""


def main() -> None:
    ap = bench_args(__doc__ or "", work="/tmp/leakscan-tree-floor")
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--tree", type=Path, default=Path("/tmp/leakscan-bench-fake/tree-200000"))
    ap.set_defaults(runs=3)
    args = ap.parse_args()
    sides = {"old": args.old.resolve(), "new": args.new.resolve()}
    counts = build(args.tree, 200_000) if not (args.tree / ".complete").exists() else None
    args.work.mkdir(parents=True, exist_ok=True)
    empty = args.work / "empty"
    empty.mkdir(exist_ok=True)

    def env(side: str) -> dict[str, str]:
        e = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        e["PYTHONPYCACHEPREFIX"] = str(args.work / f"pycache-{side}")
        return e

    def scan(side: str, where: Path) -> float:
        out = args.work / f"out-{side}"
        shutil.rmtree(out, ignore_errors=True)
        return timed([sys.executable, "scan.py", "scan", str(where), "--name", LEAKED_NAME, "--out", str(out),
                      "--quiet"], sides[side], env(side))[0]

    def cpu(cmd: list[str]) -> float:
        return timed(cmd, args.work, env("new"))[0]

    for side in sides:
        scan(side, empty)  # untimed: fills the bytecode caches
    runs: dict[str, list[float]] = {k: [] for k in ("find", "python", "walk", "empty", "old", "new")}
    loads = [os.getloadavg()[0]]
    for r in range(args.runs):
        runs["find"].append(cpu(["find", str(args.tree), "-iname", LEAKED_NAME]))
        runs["python"].append(cpu([sys.executable, "-c", "pass"]))
        runs["walk"].append(cpu([sys.executable, "-c", WALK, str(args.tree)]))
        runs["empty"].append(scan("new", empty))
        for side in ("old", "new") if r % 2 == 0 else ("new", "old"):
            runs[side].append(scan(side, args.tree))
        loads.append(os.getloadavg()[0])
        print(r, {k: v[-1] for k, v in runs.items()}, f"load {loads[-1]:.1f}", flush=True)
    m = {k: statistics.median(v) for k, v in runs.items()}
    floor = m["empty"] + m["walk"] - m["python"]
    files = 200_000

    def row(what: str, key: str) -> str:
        return f"| {what} | {' / '.join(f'{v:.2f}' for v in runs[key])} | {m[key]:.2f} | {m[key] / m['find']:.1f}x |"

    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    publish(f"""
### Tree-200000 against leakscan's floor ({stamp})

`python bench/bench_tree_floor.py {args.old} {args.new} --tree {args.tree} --runs {args.runs}`: {platform.machine()},
{os.cpu_count()} cores, Python {platform.python_version()}, warm caches, CPU = user + sys of the process tree, all in
the same {args.runs} rounds (scans alternating); load average {min(loads):.1f}-{max(loads):.1f}.
{'' if counts is None else f"Tree built now: {counts}."}

| what (CPU s) | per round | median | x find |
| --- | --- | ---: | ---: |
{row("`find TREE -iname NAME`", "find")}
{row("`python -c pass` (the interpreter)", "python")}
{row("bare walk: sorted scandir, stat, 512-byte head of every non-empty file (interpreter included)", "walk")}
{row("leakscan, empty folder (start-up, outputs)", "empty")}
| **floor** = empty folder + walk - interpreter | | {floor:.2f} | {floor / m['find']:.1f}x |
{row(f"leakscan, tree, OLD ({args.old})", "old")}
{row(f"leakscan, tree, NEW ({args.new})", "new")}

NEW / floor = **{m['new'] / floor:.1f}x** (target: at most 3x); above the floor {(m['new'] - floor) / files * 1e6:.0f} us
a file (OLD {(m['old'] - floor) / files * 1e6:.0f} us).
""", args.append)


if __name__ == "__main__":
    main()
