"""What one CLI call costs before any real work: the start-up of leakscan in two checkouts.

    python bench/bench_startup.py OLD NEW [--runs 7] [--append]

CPU (user + sys of the process tree: the scan, its zygote and worker) of ``--help``, a mistyped option (exit 2),
``verify`` of an empty scan's folder, a scan of an empty folder and a scan of a folder with one small person
table (``--workers 1``), median of --runs, the checkouts alternating. Each twice: with the byte code cached (as a
``pip install`` has it; PYTHONPYCACHEPREFIX, one folder per checkout, warmed first) and with none written
(PYTHONDONTWRITEBYTECODE=1, as the test suite's interpreters ran before tests/conftest.py cached it). OLD and NEW
are checkouts, e.g. ``git archive main | tar -x -C /tmp/old``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ab_scans import timed  # noqa: E402
from common import bench_args, publish  # noqa: E402


def main() -> None:
    ap = bench_args(__doc__ or "", work="/tmp/leakscan-bench-startup")
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    a = ap.parse_args()
    a.runs = max(a.runs, 3)
    work = a.work
    shutil.rmtree(work, ignore_errors=True)
    (work / "empty").mkdir(parents=True)
    (work / "one").mkdir()
    rows = ["氏名,住所,電話番号"] + [f"山田 太郎{i},東京都小金井市本町{i}-1-1,042-000-{i:04d}" for i in range(1, 21)]
    (work / "one" / "名簿.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = work / "out"
    calls = {
        "--help": ["--help"],
        "mistyped option (exit 2)": ["scan", str(work / "empty"), "--out", str(out), "--no-such-option"],
        "verify (empty scan's folder)": ["verify", str(work / "case")],
        "scan, empty folder": ["scan", str(work / "empty"), "--out", str(out), "--quiet"],
        "scan, one 20-row CSV, --workers 1": ["scan", str(work / "one"), "--out", str(out), "--quiet", "--workers", "1"],
    }
    sides = {"old": a.old.resolve(), "new": a.new.resolve()}

    def env(side: str, cached: bool) -> dict[str, str]:
        e = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
        e["PYTHONPATH"] = str(sides[side])
        if cached:
            e["PYTHONPYCACHEPREFIX"] = str(work / f"pyc-{side}")
        else:
            e["PYTHONDONTWRITEBYTECODE"] = "1"
        return e

    def run(side: str, cached: bool, argv: list[str]) -> float:
        shutil.rmtree(out, ignore_errors=True)
        cmd = [sys.executable, str(sides[side] / "scan.py"), *argv]
        if "--no-such-option" in argv:
            return _exit2(cmd, sides[side], env(side, cached))
        return timed(cmd, sides[side], env(side, cached))[0]

    for side in sides:  # the case folder verify reads, and a warm byte-code cache
        shutil.rmtree(work / "case", ignore_errors=True)
        timed([sys.executable, str(sides[side] / "scan.py"), "scan", str(work / "one"), "--out", str(work / "case"),
               "--quiet"], sides[side], env(side, True))
    cpu: dict[tuple[str, str, bool], list[float]] = {}
    for _ in range(a.runs):
        for name, argv in calls.items():
            for cached in (True, False):
                for side in sides:
                    cpu.setdefault((name, side, cached), []).append(run(side, cached, argv))
    lines = ["", f"### Start-up CPU (bench_startup.py, {a.runs} runs, median s)", "",
             "| call | old, byte code cached | new, cached | old, none written | new, none written |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for name in calls:
        vals = [statistics.median(cpu[(name, side, cached)]) for cached in (True, False) for side in sides]
        lines.append(f"| {name} | " + " | ".join(f"{v:.2f}" for v in vals) + " |")
    publish("\n".join(lines) + "\n", a.append)


def _exit2(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    """CPU of a call that must exit 2 (a usage error); timed() takes 0/1 only."""
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 2:
        raise SystemExit(f"{cmd[:3]}: exit {done.returncode}, expected 2: {done.stderr[-500:]}")
    return round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 2)


if __name__ == "__main__":
    main()
