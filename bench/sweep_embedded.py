"""Damage sweep of the containers that hold embedded objects: no damaged copy may end as nothing (Session 14).

Each seed container is built by the tests' own writers (byte-identical from run to run: tests/pii_data FIXED_TIME):
Word 97-2003 (.doc: ObjectPool with a Package, an .xls stream and a dropped CSV), PowerPoint 97-2003 (.ppt:
compressed ExOleObjStg), an Excel 97-2003 workbook embedding one (.xls: MBD storage), RTF (three objdata groups),
OpenDocument text and spreadsheet with objects (.odt/.ods), OOXML .docx (a Package .xlsx) and .pptx (an OLE
``oleObject1.bin`` holding a Package), a zip renamed .csv, a gzip export, a mail (.eml) with a workbook attached.
Every seed is damaged two ways:

- bit flips: ``--seeds`` copies, copy ``s`` with ``1 + s % 8`` bits flipped at ``random.Random(f"{kind}:{s}")``;
- truncation: ``--cuts`` cuts spread evenly over the file (never at 0).

All copies go into ONE folder, scanned by ONE ``leakscan scan`` (``--name`` the dropped CSV's name). A copy's
outcome is ``seen`` when the findings hold a hit or a skip for it or for a member/object under it
(``copy » ...``), else ``nothing``. A ``nothing`` copy is a defect when the scan's own pre-check wanted it (the
archive/mail/spreadsheet inspector's ``wants``, as the walk calls it: the container showed an object, a
member or a sheet and then was not said); a copy no pre-check wanted (the flip erased the object's own mark, so
the document reads as one without objects) is reported apart, as ``unwanted``, to judge by hand.

    nice -n 10 python3 bench/sweep_embedded.py --work /tmp/sweep --seeds 300 --cuts 60

Writes ``--work/results.tsv`` (copy, kind, damage, outcome) and prints a table kind x damage -> outcomes, then
the defects. Exit 1 when a wanted copy ended as nothing. tests/test_containers_sweep14.py keeps a fixed sample.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.sweep_data import build, outcomes, wanted  # noqa: E402


def scan(folder: Path, out: Path, *extra: str) -> dict:
    from tests.test_containers import LEAK

    done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "scan", str(folder), "--out", str(out), "--quiet",
                           "--name", LEAK, *extra], capture_output=True, text=True, cwd=ROOT)
    if "Traceback" in done.stderr or not (out / "findings.json").exists():
        raise SystemExit(f"scan failed ({done.returncode}): {done.stderr[-3000:]}")
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--seeds", type=int, default=300)
    parser.add_argument("--cuts", type=int, default=60)
    parser.add_argument("--workers", default="")
    parser.add_argument("--kinds", nargs="*", help="seed names to damage (default: all): report.doc deck.ppt ...")
    args = parser.parse_args(argv)
    folder, out = args.work / "share", args.work / "out"
    for d in (folder, out):
        shutil.rmtree(d, ignore_errors=True)
    folder.mkdir(parents=True)
    made = build(folder, args.seeds, args.cuts, args.kinds)
    findings = scan(folder, out, *(["--workers", args.workers] if args.workers else []))
    result = outcomes(folder, findings)
    taken = wanted(folder)
    table: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(collections.Counter)
    defects, unwanted = [], []
    with (args.work / "results.tsv").open("w", encoding="utf-8") as f:
        for copy, (name, damage) in sorted(made.items()):
            outcome = result[copy]
            if outcome == "nothing":
                outcome = "DEFECT" if copy in taken else "unwanted"
                (defects if copy in taken else unwanted).append(copy)
            table[(name, damage.rstrip("0123456789") or damage)][outcome] += 1
            f.write(f"{copy}\t{name}\t{damage}\t{outcome}\n")
    print(f"{len(made)} damaged copies, one scan; outcomes per seed and damage:")
    for (name, damage), counts in sorted(table.items()):
        print(f"  {name:14} {damage:5} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"defects (wanted by a pre-check, ended as nothing): {len(defects)}")
    for copy in defects:
        print("  ", copy)
    print(f"unwanted (no pre-check took it, ended as nothing): {len(unwanted)}")
    return 1 if defects else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
