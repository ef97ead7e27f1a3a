"""CPU time of the zip-bomb guard (``tables.check_zip``) per .xlsx: this checkout against a git revision.

    python bench/bench_zip_guard.py SHARE [--against 094d923] [--runs 7] [--append]

Reads every .xlsx under SHARE into memory (e.g. a share built by ``bench/make_share.py``), then times
``check_zip`` over all of them with this checkout's scanner/tables.py and with the one at ``--against``
(loaded from git, not checked out), alternating old and new, process CPU time, and reports the medians
per .xlsx. Both must give the same verdict on every file (checked once): a speed-up that changes a
verdict is a bug, not a result.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import bench_args, publish  # noqa: E402

from scanner.errors import ReadError  # noqa: E402
from scanner.sheet import Caps  # noqa: E402
from scanner.tables import check_zip  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
Guard = Callable[[bytes, Caps], None]


def guard_at(rev: str) -> Guard:
    """``check_zip`` as scanner/tables.py has it at git revision ``rev`` (imported as scanner._tables_at_rev)."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:scanner/tables.py"],
                            check=True, capture_output=True).stdout
    spec = importlib.util.spec_from_loader("scanner._tables_at_rev", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "scanner"
    sys.modules[spec.name] = module  # dataclasses look their module up there
    exec(compile(source, f"{rev}:scanner/tables.py", "exec"), module.__dict__)  # noqa: S102
    guard: Guard = module.check_zip
    return guard


def verdict(guard: Guard, data: bytes, caps: Caps) -> str:
    try:
        guard(data, caps)
    except ReadError as e:
        return f"{e.reason}: {e.detail}"
    return "pass"


def cpu_seconds(guard: Guard, files: list[bytes], caps: Caps) -> float:
    t0 = time.process_time()
    for data in files:
        try:
            guard(data, caps)
        except ReadError:
            pass
    return time.process_time() - t0


def main() -> None:
    ap = bench_args(__doc__ or "")
    ap.add_argument("share", type=Path, help="folder whose .xlsx files are timed")
    ap.add_argument("--against", default="094d923", help="git revision of the old guard")
    ap.set_defaults(runs=7)
    args = ap.parse_args()
    files = [p.read_bytes() for p in sorted(args.share.rglob("*.xlsx"))]
    caps = Caps()
    old = guard_at(args.against)
    differ = sum(verdict(old, d, caps) != verdict(check_zip, d, caps) for d in files)
    load_before = os.getloadavg()[0]
    times: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.runs):
        times["old"].append(cpu_seconds(old, files, caps))
        times["new"].append(cpu_seconds(check_zip, files, caps))
    load_after = os.getloadavg()[0]
    per = {k: statistics.median(v) / len(files) * 1e3 for k, v in times.items()}
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    publish(f"""
### Zip-bomb guard per .xlsx ({stamp})

`python bench/bench_zip_guard.py {args.share} --against {args.against} --runs {args.runs}`: {platform.machine()},
{os.cpu_count()} cores, Python {platform.python_version()}, {len(files)} .xlsx in memory, process CPU time,
old and new alternating, median of {args.runs}; load average {load_before:.1f} before, {load_after:.1f} after.
Verdicts that differ between old and new: {differ}.

| guard | CPU per .xlsx (ms) |
| --- | ---: |
| `check_zip` at {args.against} (every reference read) | {per["old"]:.3f} |
| `check_zip` here (bound first, references read only past the cap) | {per["new"]:.3f} |
| **ratio** | **{per["old"] / per["new"]:.1f}x** |
""", args.append)


if __name__ == "__main__":
    main()
