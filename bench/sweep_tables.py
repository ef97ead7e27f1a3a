"""Sweep: the person-table findings of every table file under some folders, this checkout against another revision.

Each file (xlsx, xls, xlsm, xlsb, ods, csv, tsv, txt, xml, json; 8 MiB at most) goes through
``inspectors.spreadsheet.analyse_bytes`` as a worker runs it, once per tree, each tree in a process of its own;
every sheet's kind, record count and rejections are compared, and the files that differ are printed (a new person
table in third-party data is a false person until shown otherwise). tables21 ran it over takamatsu-city/opendata,
tidyverse/readxl, ycphs/openxlsx, pandas tests/io and ../shared/corpus/spreadsheets (786 files). tables23: each
sheet also says how many of its records' addresses are a prefecture alone or hold no number (a cut address), counts
only.

    python bench/sweep_tables.py --tree OTHER_CHECKOUT DIR [DIR ...]
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = {".xlsx", ".xls", ".xlsm", ".xlsb", ".ods", ".csv", ".tsv", ".txt", ".xml", ".json"}
LIMIT = 8 << 20
SECONDS = 120  # per file, wall clock: a file over it is said as a timeout (load-dependent)


class _Timeout(Exception):
    pass


def _alarm(*_: object) -> None:
    raise _Timeout


_PREFECTURE = re.compile("(?:東京都|北海道|(?:京都|大阪)府|.{2,3}県)")
_NUMBER = re.compile("[0-9０-９一二三四五六七八九十〇]")


def _address_shapes(found: object) -> dict[str, int]:
    """How many of a sheet's records hold a prefecture alone as their address, and how many no number at all (a cut
    address: a past defect kept the prefecture of a split address only, tables23); counts only, never a value."""
    keys, rows = getattr(found, "keys", ()), getattr(found, "rows", [])
    if "address" not in keys:
        return {}
    at = 2 + list(keys).index("address")
    addresses = [str(r[at]) for r in rows if len(r) > at]
    return {"records": len(addresses), "prefecture_only": sum(bool(_PREFECTURE.fullmatch(a.strip())) for a in addresses),
            "no_number": sum(not _NUMBER.search(a) for a in addresses)}


def child(tree: Path, out: Path, folders: list[str]) -> None:
    """One tree's findings, one JSON line per file."""
    sys.path.insert(0, str(tree))
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps
    from scanner.tables import sniff_format

    signal.signal(signal.SIGALRM, _alarm)
    with out.open("w") as f:
        for folder in folders:
            for p in sorted(Path(folder).rglob("*")):
                if not p.is_file() or p.suffix.lower() not in SUFFIXES or p.stat().st_size > LIMIT:
                    continue
                data = p.read_bytes()
                line: dict[str, object] = {"file": str(p)}
                signal.alarm(SECONDS)
                try:
                    found, _sheets, _reading = analyse_bytes(data, sniff_format(data), Caps())
                    line["sheets"] = [[s.index, str(s.kind), s.count, {str(k): v for k, v in s.rejected.items()},
                                       _address_shapes(s)] for s in found]
                except _Timeout:
                    line["error"] = "timeout"
                except Exception as e:  # noqa: BLE001 - a reader's failure is this file's outcome, compared as such
                    line["error"] = type(e).__name__
                finally:
                    signal.alarm(0)
                f.write(json.dumps(line, ensure_ascii=False) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", required=True, help="another checkout (a `git archive` of it)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("folders", nargs="+")
    args = ap.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), args.folders)
        return 0
    folders = [str(Path(f).resolve()) for f in args.folders]  # (the children run in a temporary folder: a folder
    # named relative to the caller held nothing there, "0 files, 0 differ": sweep26)
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for label, tree in (("other", Path(args.tree)), ("this", ROOT)):
            out = Path(tmp) / f"{label}.jsonl"
            subprocess.run([sys.executable, __file__, "--tree", args.tree, "--child", str(tree), str(out),
                            *folders], check=True, cwd=tmp)
            results[label] = {(r := json.loads(line))["file"]: r for line in out.read_text().splitlines()}
    other, this = results["other"], results["this"]
    differ = [f for f in this if this[f] != other.get(f)]
    hits = sum(1 for r in this.values() if r.get("sheets"))
    print(f"{len(this)} files, {hits} with findings here, {len(differ)} differ")
    for f in differ:
        print(f"{f}\n  other: {other.get(f)}\n  this:  {this[f]}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
