"""Sheet classification per file (issue 11): this checkout against another revision, in CPU time.

Every .xlsx and CSV of the realistic share (bench/make_share.py, fixed seed) is read once per side (not
timed); then ``analyse_sheet`` runs over all their sheets, as a scan's worker does after calamine's parse,
timed with ``time.process_time`` and divided by the number of files of each kind. The first pass (``cold``,
each sheet once in a fresh process with the rules already read, as a worker meets them) is reported apart
from the later passes, which find every per-text cache warm. Each side runs in its own process (the other
revision from ``git archive``), the two alternating; medians are reported. Both sides' findings must be the
same (a digest of every SheetFinding of every sheet).

    python bench/bench_classify.py --share /tmp/lead/b/share-20000 --against main --runs 5 [--append]
"""

from __future__ import annotations

import argparse
import hashlib
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
KINDS = (".xlsx", ".csv")


def child(root: Path, share: Path, passes: int) -> None:
    """In a process of its own: ms per file of each kind (median of ``passes`` after one warm pass)."""
    sys.path.insert(0, str(root))
    import scanner
    from scanner.config import MiB
    from scanner.detectors.pii import analyse_sheet
    from scanner.tables import Caps, read_tables

    assert Path(scanner.__file__).resolve().is_relative_to(root.resolve()), "the other revision's code"
    from scanner.detectors.columns import column_rules
    from scanner.detectors.person_names import name_data

    column_rules()  # the rules are read once per worker: not part of any sheet's time
    name_data()

    caps = Caps(max_cells=10**8, max_inflated=512 * MiB, timeout=60)
    sheets: dict[str, list[tuple]] = {k: [] for k in KINDS}
    files = dict.fromkeys(KINDS, 0)
    for path in sorted(share.rglob("*")):
        kind = path.suffix.lower()
        if kind not in KINDS or not path.is_file():
            continue
        files[kind] += 1
        try:
            book = read_tables(path.read_bytes(), caps)
        except Exception:  # noqa: BLE001 - a file neither side can read is classified by neither
            continue
        sheets[kind] += [(s.name, [list(r) for r in s.rows], s.first_row, s.first_col) for s in book.sheets]
    digest = hashlib.sha256()
    out: dict[str, object] = {"files": files}
    for kind, todo in sheets.items():  # the first pass: what a worker meets, each sheet once
        t = time.process_time()
        found = [analyse_sheet(*s) for s in todo]
        out[f"{kind} cold"] = (time.process_time() - t) / max(1, files[kind]) * 1000
        for f in found:
            digest.update(repr(None if f is None else (f.name, f.header_row, f.columns, f.fields, f.keys, f.count,
                                                       str(f.kind), f.roles(), dict(f.rejected), f.examples(True),
                                                       f.rows)).encode())
    for kind, todo in sheets.items():
        times = []
        for _ in range(passes):
            t = time.process_time()
            for s in todo:
                analyse_sheet(*s)
            times.append((time.process_time() - t) / max(1, files[kind]) * 1000)
        out[kind] = statistics.median(times)
    out["digest"] = digest.hexdigest()
    print(json.dumps(out))


def run_side(root: Path, share: Path, passes: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", str(root), "--share", str(share),
                           "--passes", str(passes)], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = bench_args(__doc__)
    ap.add_argument("--share", type=Path, help="an existing share (default: build one under --work)")
    ap.add_argument("--files", type=int, default=20_000, help="files of a share built here (default 20,000)")
    ap.add_argument("--against", default="main", help="the revision to compare with (default main)")
    ap.add_argument("--passes", type=int, default=3, help="timed passes in each run (median)")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    share = args.share or args.work / f"share-{args.files}"
    if args.child:
        child(args.child, share, args.passes)
        return
    if args.share is None:
        from make_share import ensure  # imports this checkout's scanner: never in a child

        ensure(share, args.files)
    with tempfile.TemporaryDirectory(prefix="bench-classify-") as tmp:
        other = Path(tmp)
        rev = other_revision(ROOT, args.against, other)
        load = os.getloadavg()[0]
        results: dict[str, list[dict]] = {"old": [], "new": []}
        for i in range(args.runs):
            for side in (("old", "new") if i % 2 == 0 else ("new", "old")):
                results[side].append(run_side(other if side == "old" else ROOT, share, args.passes))
    files = results["new"][0]["files"]
    same = {r["digest"] for r in results["old"] + results["new"]}
    rows = [*KINDS, *(f"{k} cold" for k in KINDS)]
    med = {side: {k: statistics.median(r[k] for r in rs) for k in rows} for side, rs in results.items()}
    text = (f"\n### bench_classify.py ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n\n"
            f"`python bench/bench_classify.py --share {share} --against {args.against} --runs {args.runs}`: "
            f"{platform.machine()}, Python {platform.python_version()}, {files['.xlsx']:,} .xlsx and "
            f"{files['.csv']:,} CSV, `analyse_sheet` over every sheet in one process, CPU time, median of "
            f"{args.runs} alternating runs (each the median of {args.passes} passes after a first one; "
            "`cold`: that first pass in a fresh process, as a worker meets the sheets); load average "
            f"{load:.1f} before. Findings of both sides identical: {'yes' if len(same) == 1 else 'NO'}.\n\n"
            "| per file (CPU ms) | " + f"{args.against} ({rev})" + " | this branch | speed-up |\n| --- | ---: | ---: | ---: |\n"
            + "".join(f"| {k} | {med['old'][k]:.3f} | {med['new'][k]:.3f} | {med['old'][k] / med['new'][k]:.2f}x |\n"
                      for k in rows))
    publish(text, args.append)
    if len(same) != 1:
        sys.exit("the two sides' findings differ")


if __name__ == "__main__":
    main()
