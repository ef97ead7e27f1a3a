"""The least work a scan of a share needs (issue 11's baseline): walk the tree, and for every spreadsheet
its SHA-256 and a full parse (python-calamine for workbooks, the csv module for CSV), in a process pool
on all cores. No name rules, no classification, no report: leakscan's cost is measured against this.

    python bench/baseline_share.py TREE [--workers N]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import sys
from concurrent.futures import ProcessPoolExecutor

SHEETS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT = (".csv", ".tsv")


def work(path: str) -> int:
    """SHA-256 and every cell of one spreadsheet; the number of cells read."""
    with open(path, "rb") as f:
        data = f.read()
    hashlib.sha256(data).hexdigest()
    cells = 0
    if path.endswith(TEXT):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp932", "replace")
        for row in csv.reader(io.StringIO(text)):
            cells += len(row)
        return cells
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in wb.sheet_names:
            for row in wb.get_sheet_by_name(name).to_python():
                cells += len(row)
    except Exception:  # noqa: BLE001 - a broken workbook costs what it cost
        pass
    return cells


def walk(root: str):
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.casefold().endswith(SHEETS + TEXT):
                yield os.path.join(folder, name)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    a = ap.parse_args()
    with ProcessPoolExecutor(a.workers) as pool:
        cells = sum(pool.map(work, walk(a.root), chunksize=16))
    print(cells, file=sys.stderr)


if __name__ == "__main__":
    main()
