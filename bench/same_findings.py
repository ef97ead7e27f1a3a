#!/usr/bin/env python3
"""Check that two checkouts write the same findings.json (times aside) for the same SOURCEs.

A speed change to the walk must not change what is found: each SOURCE is scanned by ``scan.py`` of both
checkouts into the same output folder (so the command line is the same), with the same case key (so keyed
person fingerprints compare), and the two documents are compared with their times (and durations) taken out.

A disk image's findings.json holds only its hits and skips, so for an image SOURCE both checkouts also list
every entry (``ImageSource(SOURCE).entries()``: location, deleted, size and times, open() outcome of the
deleted ones and the NTFS streams, skip reasons) and the listings are compared line by line.

Usage: python bench/same_findings.py OLD_CHECKOUT NEW_CHECKOUT SOURCE [SOURCE ...] [--work /tmp/same]
Exit status 1 when any SOURCE's findings or listing differ (the first differences are printed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

TIME_FIELDS = {"mtime", "atime", "ctime", "btime", "started", "finished", "resumed"}
KEY = b"11" * 32 + b"\n"


def _timeless(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _timeless(v) for k, v in x.items()
                if k not in TIME_FIELDS and not k.endswith(("seconds", "_s", "duration", "elapsed"))}
    if isinstance(x, list):
        return [_timeless(v) for v in x]
    return x


def _diff(a: Any, b: Any, where: str = "") -> list[str]:
    if type(a) is not type(b):
        return [where or "/"]
    if isinstance(a, dict):
        return [p for k in sorted(set(a) | set(b), key=str) for p in
                (_diff(a[k], b[k], f"{where}/{k}") if k in a and k in b else [f"{where}/{k}"])]
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{where} (length {len(a)} vs {len(b)})"]
        return [p for i, (x, y) in enumerate(zip(a, b, strict=True)) for p in _diff(x, y, f"{where}[{i}]")]
    return [] if a == b else [where or "/"]


def scan(checkout: Path, source: str, out: Path) -> Any:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(mode=0o700, parents=True)
    (out / "case.key").write_bytes(KEY)
    os.chmod(out / "case.key", 0o600)
    done = subprocess.run([sys.executable, str(checkout / "scan.py"), "scan", source, "--out", str(out), "--quiet",
                           "--overwrite"], cwd=checkout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if not (out / "findings.json").is_file():
        raise SystemExit(f"{checkout}: no findings.json for {source}: {done.stderr.decode(errors='replace')[-500:]}")
    return _timeless(json.loads((out / "findings.json").read_text(encoding="utf-8")))


LISTING = r"""
import sys
from scanner.errors import ReadError
from scanner.models import Link, Skipped
from scanner.sources.image import ImageSource
with ImageSource(sys.argv[1], verify_images=False) as src:
    for item in src.entries():
        loc = item.location
        line = [type(item).__name__ if isinstance(item, (Skipped, Link)) else item.kind, loc.key(), loc.display(), str(loc.raw_path_hex)]
        if isinstance(item, Skipped):
            line += [str(item.reason), item.detail]
        elif isinstance(item, Link):
            line += [item.target]
        else:
            line += [item.name, str(item.deleted), repr(item.stat())]
            if item.deleted or ":" in item.name:
                try:
                    with item.open() as f:
                        line.append(str(len(f.read(1 << 16))))
                except (ReadError, OSError) as e:
                    line.append(repr(e))
        print("\t".join(line).encode("utf-8", "backslashreplace").decode())
"""


def listing(checkout: Path, source: str) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", LISTING, source], cwd=checkout, capture_output=True, text=True,
                          check=False)
    return proc.stdout.splitlines() + ([f"exit {proc.returncode}"] if proc.returncode else [])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("sources", nargs="+")
    ap.add_argument("--work", type=Path, default=Path("/tmp/same-findings"))
    args = ap.parse_args()
    # each scan runs in its checkout: paths given relative to here are made absolute first (they were looked up
    # from the checkout, and a missing findings.json ended in a traceback)
    args.old, args.new, args.work = args.old.resolve(), args.new.resolve(), args.work.resolve()
    bad = 0
    for given in args.sources:
        source = str(Path(given).resolve()) if Path(given).exists() else given  # an smb:// URL as it is
        out = args.work / "out"
        old, new = scan(args.old, source, out), scan(args.new, source, out)
        diffs = _diff(old, new)
        files = len(old.get("files", [])) if isinstance(old, dict) else 0
        print(f"{'same' if not diffs else 'DIFFERENT'}: {source} ({files} files listed)"
              + "".join(f"\n  {d}" for d in diffs[:10]))
        bad += bool(diffs)
        old_list, new_list = listing(args.old, source), listing(args.new, source)
        differ = [f"  {a!r}\n  {b!r}" for a, b in zip(old_list, new_list, strict=False) if a != b]
        if len(old_list) != len(new_list):
            differ.insert(0, f"  {len(old_list)} vs {len(new_list)} lines")
        print(f"{'same' if not differ else 'DIFFERENT'} listing: {len(old_list)} entries"
              + "".join(f"\n{d}" for d in differ[:5]))
        bad += bool(differ)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
