"""scan --scheduler against a local scan, in the same run: the realistic share split in 4 SOURCEs.

The share is bench/make_share.py's (fixed seed); its department folders are dealt round-robin into 4
SOURCE folders (hard links: the same files, no copy). One `dask scheduler` and 2 `dask worker` processes
(`--nworkers 1 --nthreads 1` each) run on this machine; leakscan's parts are then each SOURCE's
top-level files plus one task per department folder. The local scan uses `--workers 2`. Runs
alternate; medians are compared, and both scans must find the same (findings.json apart from times and
hosts). The overhead per task is measured apart: a scan of 41 empty folders against one of 1 (41 parts
against 1: submit, schedule, open, walk, send back, merge, record), divided by the 40 extra parts.

    python bench/bench_dask.py --files 10000            # a quick run (a few minutes here)
    python bench/bench_dask.py --files 10000 --append   # result into bench/README.md
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import bench_args, publish  # noqa: E402
from make_share import ensure  # noqa: E402

from scanner.cluster import plan  # noqa: E402
from scanner.demo import LEAKED_NAME  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SPLIT = 4
IGNORED = {"mtime", "atime", "ctime", "btime", "started", "finished", "resumed", "command_line", "parts"}


def split(share: Path, into: Path) -> list[Path]:
    """The share's top-level folders dealt round-robin into SPLIT folders of hard links (built once)."""
    done = into / ".complete"
    sources = [into / f"source{k}" for k in range(SPLIT)]
    if done.exists():
        return sources
    shutil.rmtree(into, ignore_errors=True)
    for i, top in enumerate(sorted(p for p in share.iterdir() if p.is_dir())):
        for folder, _dirs, files in os.walk(top):
            rel = Path(folder).relative_to(share)
            target = sources[i % SPLIT] / rel
            target.mkdir(parents=True, exist_ok=True)
            for name in files:
                os.link(Path(folder) / name, target / name)
    done.touch()
    return sources


class Cluster:
    def __init__(self, work: Path) -> None:
        self.file = work / "scheduler.json"
        self.file.unlink(missing_ok=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        dask = [sys.executable, "-m", "dask"]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
        self.procs = [subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                        "--scheduler-file", str(self.file)], **quiet)]  # type: ignore[call-overload]
        while not self.file.is_file() or not self.file.read_text().strip():
            time.sleep(0.1)
        time.sleep(0.2)
        self.address = json.loads(self.file.read_text())["address"]
        for _ in range(2):
            self.procs.append(subprocess.Popen([*dask, "worker", self.address, "--nworkers", "1", "--nthreads", "1",
                                                "--no-dashboard", "--host", "127.0.0.1"], cwd=work, **quiet))  # type: ignore[call-overload]
        from distributed import Client

        with Client(self.address) as client:
            client.wait_for_workers(2, timeout=120)

    def close(self) -> None:
        for p in reversed(self.procs):
            p.terminate()
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


def scan(sources: list[Path], out: Path, extra: list[str]) -> float:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(mode=0o700, parents=True)
    (out / "case.key").write_bytes(b"22" * 32 + b"\n")  # the same key: fingerprints compare
    os.chmod(out / "case.key", 0o600)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "scan", *map(str, sources), "--name", LEAKED_NAME,
                           "--out", str(out), "--quiet", *extra], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        raise SystemExit(f"scan failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall


def stripped(out: Path) -> object:
    def walk(x: object) -> object:
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items() if k not in IGNORED}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x

    return walk(json.loads((out / "findings.json").read_text(encoding="utf-8")))


def main() -> None:
    ap = bench_args(__doc__ or "", "/tmp/leakscan-bench-dask")
    ap.add_argument("--files", type=int, default=10_000, help="files in the realistic share (issue: 100,000)")
    args = ap.parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    share = work / f"share-{args.files}"
    truth = ensure(share, args.files)
    sources = split(share, work / f"split-{args.files}")
    empty = [work / "empty" / f"e{i:02d}" for i in range(41)]
    for e in empty:
        e.mkdir(parents=True, exist_ok=True)
    tasks = len(plan([str(s) for s in sources]))
    cluster = Cluster(work)
    try:
        on_dask = ["--scheduler", cluster.address, "--insecure-wire"]
        scan(sources[:1], work / "warm", on_dask)  # the workers import leakscan and start their pools once
        local_t, dask_t = [], []
        for _ in range(args.runs):
            local_t.append(scan(sources, work / "local", ["--workers", "2"]))
            dask_t.append(scan(sources, work / "dask", on_dask))
        same = stripped(work / "local") == stripped(work / "dask")
        one, many = [], []
        for _ in range(args.runs):
            one.append(scan(empty[:1], work / "e1", on_dask))
            many.append(scan(empty, work / "e41", on_dask))
    finally:
        cluster.close()
    local_m, dask_m = statistics.median(local_t), statistics.median(dask_t)
    per_task = (statistics.median(many) - statistics.median(one)) / (len(empty) - 1)
    persons = json.loads((work / "dask" / "findings.json").read_text())["persons"]["unique"]
    text = f"""
### bench_dask.py: realistic share in {SPLIT} SOURCEs, 1 scheduler + 2 workers vs a local scan ({time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())})

{args.files:,} files (`make_share.py`, {len(truth["person_files"])} person workbooks, {len(truth["copies"])} copies of the named file), dealt into {SPLIT} SOURCE folders;
{tasks} Dask tasks (each SOURCE's top-level files + one per department folder). {platform.python_version()},
{os.cpu_count()} cores shared with other jobs (load average {os.getloadavg()[0]:.1f} at the end); medians of {args.runs} alternating runs.

| | wall s |
| --- | ---: |
| local scan, `--workers 2` | {local_m:.1f} |
| `--scheduler` (2 workers on this machine, `--nthreads 1`) | {dask_m:.1f} |
| speed-up (local / Dask) | {local_m / dask_m:.2f}x |
| overhead per task (41 vs 1 empty SOURCE) | {per_task * 1000:.0f} ms |

Same findings (apart from times and hosts): {"yes" if same else "NO"}; persons affected {persons}.
"""
    publish(text, args.append)


if __name__ == "__main__":
    main()
