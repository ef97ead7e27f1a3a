"""Keyword leads at scale: a small zip holding N empty members named like 名簿N.csv (issue 17).

Each member is a keyword lead (a hit by name), so a 340 KB zip yields N rows. Measured for N and 2N:
wall time and peak RSS of the scan (a child process, `/usr/bin/time`-style via resource.getrusage), and
the size of report.html, findings.json and the CSV lists. Linear cost means time(2N)/time(N) ~ 2.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from common import bench_args, publish

ROOT = Path(__file__).resolve().parent.parent


def make_zip(folder: Path, n: int) -> Path:
    share = folder / f"share-{n}"
    path = share / "backup.zip"
    if not path.exists():
        share.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for i in range(n):
                z.writestr(f"名簿/{i // 1000:03d}/名簿{i}.csv", b"")
    return share


def run_scan(share: Path, out: Path) -> tuple[float, int]:
    """(seconds, peak RSS in MiB) of one scan in a child process."""
    if out.exists():
        subprocess.run(["rm", "-rf", str(out)], check=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "scan", str(share), "--name", "x.xlsx",
                           "--out", str(out), "--quiet"], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) // 1024


def main() -> None:
    ap = bench_args(__doc__, "/tmp/leakscan-bench-leads")
    ap.add_argument("--count", type=int, default=100_000, help="keyword-lead members in the larger zip")
    args = ap.parse_args()
    rows = []
    for n in (args.count // 2, args.count):
        share = make_zip(args.work, n)
        out = args.work / f"out-{n}"
        seconds, rss = run_scan(share, out)
        sizes = {p.name: p.stat().st_size for p in out.iterdir() if p.suffix in (".html", ".json", ".csv")}
        rows.append((n, (share / "backup.zip").stat().st_size, seconds, rss, sizes))
    lines = ["", f"## Keyword leads: one zip of N empty 名簿N.csv members ({time.strftime('%Y-%m-%d')})", "",
             "| N | zip | scan s | peak RSS MiB | report.html | findings.json | CSV lists |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for n, zsize, seconds, rss, sizes in rows:
        csv = sum(v for k, v in sizes.items() if k.endswith(".csv"))
        lines.append(f"| {n:,} | {zsize / 1e6:.1f} MB | {seconds:.1f} | {rss} | {sizes.get('report.html', 0) / 1e6:.2f} MB "
                     f"| {sizes.get('findings.json', 0) / 1e6:.1f} MB | {csv / 1e6:.1f} MB |")
    (n1, _, t1, _, _), (n2, _, t2, _, _) = rows
    lines += ["", f"time({n2:,}) / time({n1:,}) = {t2 / t1:.2f} (2.00 is linear)", ""]
    publish("\n".join(lines), args.append)


if __name__ == "__main__":
    main()
