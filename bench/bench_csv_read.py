"""CPU time of reading CSVs (``tables.iter_text_table`` drained: decoding plan, lines, rows, damage checks) per
file, this checkout against a git revision, alternating rounds in one process; the rows, notes, damage and
encoding of every file are compared first (a speed-up that changes them is a bug, not a result).

    python bench/bench_csv_read.py SHARE [--against c294b33] [--rounds 5]

SHARE: a tree with .csv files (e.g. one built by ``bench/make_share.py``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def reader(root: Path, datas: list[bytes]) -> Callable[[], list[Any]]:
    """A function reading every CSV with the scanner package under ``root``."""
    for name in [k for k in sys.modules if k == "scanner" or k.startswith("scanner.")]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        from scanner.sheet import Caps
        from scanner.tables import iter_text_table
    finally:
        sys.path.pop(0)
    caps = Caps(max_cells=20_000_000, max_inflated=1 << 29, timeout=600)

    def read() -> list[Any]:
        out = []
        for data in datas:
            sheet, encoding = iter_text_table(data, caps)
            out.append((list(sheet.rows), sheet.notes, sheet.damage, encoding))
        return out

    return read


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("share", type=Path)
    ap.add_argument("--against", default="c294b33", help="git revision to compare with")
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    datas = [p.read_bytes() for p in sorted(a.share.rglob("*.csv"))]
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", a.against, "scanner", "signatures"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        old = reader(Path(tmp), datas)
        new = reader(ROOT, datas)
        same = old() == new()
        times: dict[str, list[float]] = {"old": [], "new": []}
        for r in range(a.rounds):
            for side, read in (("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old)):
                t = time.process_time()
                read()
                times[side].append((time.process_time() - t) / len(datas) * 1000)
    print(f"{len(datas)} CSV files; results {'identical' if same else 'DIFFERENT'}")
    for side, v in times.items():
        print(f"{side} ({a.against if side == 'old' else 'this checkout'}): median {statistics.median(v):.3f} ms a "
              f"file ({', '.join(f'{x:.3f}' for x in v)})")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
