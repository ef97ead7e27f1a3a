"""Rows per second of the whole personal-records detector (read + classify + count) vs pandas+openpyxl.

    python bench/bench_tables.py [--rows 100000] [--big-rows 1000000] [--skip-big]

Builds a 100,000-row .xlsx and the same rows as a cp932 CSV (Faker ja_JP, fixed seed, 1,000 people
repeated), times SpreadsheetInspector.inspect on each (the worker process included, as in a scan),
times ``pandas.read_excel(engine="openpyxl")`` on the same .xlsx in the same run, then reads a
1,000,000-row sheet and reports the peak memory of the scan process and of the parser worker.
Prints a Markdown block to append to bench/README.md.
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner.config import ScanConfig  # noqa: E402
from scanner.demo import HEADER, make_people, person_row  # noqa: E402
from scanner.inspectors.spreadsheet import SpreadsheetInspector  # noqa: E402


class _Entry:
    def __init__(self, name: str) -> None:
        self.name = name


def write_xlsx(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    people = make_people(1000, 7)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名簿")
    ws.append(["利用者名簿"])
    ws.append([])
    ws.append(HEADER)
    for i in range(rows):
        ws.append(person_row(i + 1, people[i % 1000]))
    wb.save(path)


def write_csv(path: Path, rows: int) -> None:
    people = make_people(1000, 7)
    with open(path, "w", encoding="cp932", newline="") as f:
        f.write(",".join(HEADER) + "\r\n")
        for i in range(rows):
            f.write(",".join(str(v) for v in person_row(i + 1, people[i % 1000])) + "\r\n")


def detector(path: Path) -> tuple[float, int]:
    inspector = SpreadsheetInspector(ScanConfig(sources=[], out=Path("/tmp")))
    data = path.read_bytes()
    t0 = time.perf_counter()
    ins = inspector.inspect(_Entry(path.name), data, "", None)
    elapsed = time.perf_counter() - t0
    assert ins.status == "ok", (ins.status, ins.detail)
    return elapsed, ins.pii["records"] if ins.pii else 0


def baseline(path: Path) -> float:
    import pandas as pd

    t0 = time.perf_counter()
    pd.read_excel(path, engine="openpyxl", sheet_name=None, header=None)
    return time.perf_counter() - t0


def peak_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def worker_peak_mib() -> float:
    """Peak RSS (VmHWM) of the live parser worker, read from /proc before it exits."""
    from scanner.isolation import shared_worker

    proc = shared_worker()._proc
    try:
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, AttributeError):
        pass
    return float("nan")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--big-rows", type=int, default=1_000_000)
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--write-only", nargs=2, metavar=("PATH", "ROWS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.write_only:
        write_xlsx(Path(args.write_only[0]), int(args.write_only[1]))
        return 0
    out = []
    with tempfile.TemporaryDirectory() as d:
        xlsx, csvf = Path(d) / "list.xlsx", Path(d) / "list.csv"
        write_xlsx(xlsx, args.rows)
        write_csv(csvf, args.rows)
        detector(xlsx)  # warm up: starts the parser worker once, as a scan does for its first workbook
        t_x, n_x = detector(xlsx)
        t_c, n_c = detector(csvf)
        t_p = baseline(xlsx)
        out.append(f"| detector, .xlsx ({args.rows:,} rows) | {t_x:.2f} s | {n_x / t_x:,.0f} rows/s | "
                   f"{t_p / t_x:.1f}x faster than pandas+openpyxl |")
        out.append(f"| detector, cp932 .csv ({args.rows:,} rows) | {t_c:.2f} s | {n_c / t_c:,.0f} rows/s | |")
        out.append(f"| pandas.read_excel(engine=\"openpyxl\"), same .xlsx | {t_p:.2f} s | "
                   f"{args.rows / t_p:,.0f} rows/s | baseline |")
        if not args.skip_big:
            big = Path(d) / "big.xlsx"
            import subprocess

            # write the big file in a child process, so this process's peak RSS is the detector's own
            subprocess.run([sys.executable, __file__, "--write-only", str(big), str(args.big_rows)], check=True)
            before = peak_mib(resource.RUSAGE_SELF)
            t_b, n_b = detector(big)
            out.append(f"| detector, .xlsx ({args.big_rows:,} rows, {big.stat().st_size / 2**20:.0f} MiB) | "
                       f"{t_b:.2f} s | {n_b / t_b:,.0f} rows/s | peak RSS: scan process "
                       f"{peak_mib(resource.RUSAGE_SELF):,.0f} MiB (before: {before:,.0f}; the records kept for "
                       f"counting), parser worker {worker_peak_mib():,.0f} MiB (RLIMIT_AS cap 6 GiB) |")
    print(f"\n### bench_tables.py ({time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
          f"{platform.machine()})\n")
    print("| what | time | rows/s | note |\n| --- | --- | --- | --- |")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
