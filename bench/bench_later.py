"""Long sheets past the classification sample (issue 11): this checkout against another revision, in CPU time.

A sheet is classified from its first HEADER_SCAN_ROWS + SAMPLE_ROWS rows; the rows below were read and dropped
(main) or pass one regular expression a block at a time, a window classified only where it hits (this branch). Each
sheet is an .xlsx written by openpyxl (fixed seeds) and read by calamine as a worker does (``iter_tables``, rows
streamed into ``analyse_sheet``); the time is read + classification, CPU, median of the runs, each side in its own
process (the other revision from ``git archive``), alternating. Found records per sheet are printed for both sides.

    python bench/bench_later.py --against main --runs 3 [--append]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_args, other_revision, publish  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
def build(work: Path) -> dict[str, Path]:
    sys.path.insert(0, str(ROOT))
    from tests.pii_data import facility_list, people, product_list, standard, xlsx_bytes

    work.mkdir(parents=True, exist_ok=True)
    persons = standard(people(200, seed=1011))
    sheets = {
        "products 50,000 rows": product_list(50_000),
        "facilities 20,000 rows, header-less (a hint on every row)": facility_list(people(20_000, seed=9))[1:],
        "products 1,000 rows + 200 persons": product_list(1000) + persons,
        "500 blank rows + 200 persons": [["", "", ""]] * 500 + persons,
    }
    out = {}
    for i, (label, rows) in enumerate(sheets.items()):
        path = work / f"later-{i}.xlsx"
        if not path.exists():
            path.write_bytes(xlsx_bytes({"一覧": rows}))
        out[label] = path
    return out


def child(root: Path, files: dict[str, str], passes: int) -> None:
    sys.path.insert(0, str(root))
    import scanner
    from scanner.detectors.columns import column_rules
    from scanner.detectors.person_names import name_data
    from scanner.detectors.pii import analyse_sheet
    from scanner.tables import Caps, iter_tables

    assert Path(scanner.__file__).resolve().is_relative_to(root.resolve()), "the other revision's code"
    column_rules()
    name_data()
    out: dict[str, object] = {}
    for label, path in files.items():
        data = Path(path).read_bytes()
        times, found = [], 0
        for _ in range(passes):
            t = time.process_time()
            sheets, _enc = iter_tables(data, Caps(max_cells=10**8, timeout=600))
            found = 0
            for s in sheets:
                f = analyse_sheet(s.name, s.rows, s.first_row, s.first_col)
                for _r in s.rows if iter(s.rows) is s.rows else ():
                    pass
                found += f.count if f is not None else 0
            times.append((time.process_time() - t) * 1000)
        out[label] = {"ms": statistics.median(times), "records": found}
    print(json.dumps(out))


def main() -> None:
    ap = bench_args(__doc__)
    ap.add_argument("--against", default="main", help="the revision to compare with (default main)")
    ap.add_argument("--passes", type=int, default=1, help="timed passes in each run (median)")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--files", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, json.loads(args.files), args.passes)
        return
    files = {k: str(v) for k, v in build(args.work / "later").items()}
    with tempfile.TemporaryDirectory(prefix="bench-later-") as tmp:
        other = Path(tmp)
        rev = other_revision(ROOT, args.against, other)
        load = os.getloadavg()[0]
        results: dict[str, list[dict]] = {"old": [], "new": []}
        for i in range(args.runs):
            for side in (("old", "new") if i % 2 == 0 else ("new", "old")):
                proc = subprocess.run([sys.executable, __file__, "--child", str(other if side == "old" else ROOT),
                                       "--files", json.dumps(files), "--passes", str(args.passes)],
                                      capture_output=True, text=True, check=True, cwd=ROOT)
                results[side].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    rows = ""
    for label in files:
        old = statistics.median(r[label]["ms"] for r in results["old"])
        new = statistics.median(r[label]["ms"] for r in results["new"])
        rows += (f"| {label} | {old:.0f} | {new:.0f} | {new / old:.2f} | {results['old'][0][label]['records']} | "
                 f"{results['new'][0][label]['records']} |\n")
    text = (f"\n### bench_later.py ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n\n"
            f"`python bench/bench_later.py --against {args.against} --runs {args.runs}`: {platform.machine()}, Python "
            f"{platform.python_version()}, calamine read + `analyse_sheet` of one long sheet, CPU ms, median of "
            f"{args.runs} alternating runs; load average {load:.1f} before.\n\n"
            f"| sheet | {args.against} ({rev}) ms | this branch ms | ratio | {args.against} records | "
            "this branch records |\n| --- | ---: | ---: | ---: | ---: | ---: |\n" + rows)
    publish(text, args.append)


if __name__ == "__main__":
    main()
