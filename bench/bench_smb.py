#!/usr/bin/env python3
"""Benchmark: hashing large files over loopback SMB versus reading the same files locally.

A real Samba server (the tests' helper, tests/smb_data.py: a child smbd on 127.0.0.1 with a temp
smb.conf; needs root) shares 4 x 128 MiB of seeded random bytes. leakscan's side is what the pipeline
does with a hit: ``SmbSource`` -> ``entry.open()`` -> ``scanner.fingerprint.hash_stream`` (MD5, SHA-1,
SHA-256 in one pass). The local side is ``hash_stream`` over the same files opened directly. Both read
from the page cache (the files are read once beforehand), so this measures the SMB path, not the disk.
SMB runs with its default settings (SMB 3.1.1, signed and encrypted with AES-128-GCM) and once more
unencrypted (signed only). Median of alternating runs. Target: SMB >= 0.5 x local.

Usage: python bench/bench_smb.py [--work /tmp/leakscan-bench] [--runs 3] [--append]
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from common import bench_args, big_files, publish  # noqa: E402
from smb_data import PASSWORD, SambaServer  # noqa: E402

from scanner.fingerprint import hash_stream  # noqa: E402
from scanner.sources.smb import SmbEntry, SmbSource  # noqa: E402

FILES, SIZE = 4, 128 << 20


def build(folder: Path) -> list[Path]:
    return big_files(folder, FILES, SIZE)


def local(paths: list[Path]) -> float:
    t0 = time.perf_counter()
    for p in paths:
        with open(p, "rb", buffering=0) as f:
            hash_stream(f)
    return time.perf_counter() - t0


def over_smb(url: str, encrypt: bool | None) -> float:
    t0 = time.perf_counter()
    with SmbSource(url, encrypt=encrypt) as src:
        for entry in src.entries():
            if isinstance(entry, SmbEntry):
                with entry.open() as f:
                    hash_stream(f)
    return time.perf_counter() - t0


def main() -> int:
    args = bench_args(__doc__).parse_args()
    share = args.work / "smb-share"
    paths = build(share)
    local(paths)  # warm the page cache
    server = SambaServer(args.work / "smb-server", {"bench": share})
    os.environ["LEAKSCAN_SMB_PASSWORD"] = PASSWORD
    times: dict[str, list[float]] = {"local": [], "smb": [], "smb-plain": []}
    dialect = ""
    try:
        server.start()
        url = server.url("bench")
        with SmbSource(url) as src:
            dialect = src.describe()["dialect"]
        over_smb(url, None)  # warm-up: smbd's own caches
        for _ in range(args.runs):
            times["local"].append(local(paths))
            times["smb"].append(over_smb(url, None))
            times["smb-plain"].append(over_smb(url, False))
    finally:
        server.kill()
    mib = FILES * SIZE / (1 << 20)
    med = {k: statistics.median(v) for k, v in times.items()}
    rate = {k: mib / v for k, v in med.items()}
    for k in med:
        print(f"{k}: {med[k]:.2f} s ({rate[k]:.0f} MiB/s)", file=sys.stderr)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "",
        f"### SMB: hashing large files over loopback ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"`python bench/bench_smb.py`: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, Samba smbd on 127.0.0.1 (dialect {dialect}), {FILES} files x "
        f"{SIZE >> 20} MiB from the page cache, MD5+SHA-1+SHA-256 in one pass, median of {args.runs} "
        f"alternating runs, load average {load:.1f}. Target: SMB >= 0.5 x local.",
        "",
        "| path | wall (s) | MiB/s | x local |",
        "| --- | ---: | ---: | ---: |",
    ]
    labels = {"local": "local files (`hash_stream` on `open()`)",
              "smb": "SMB, default (signed + encrypted, AES-128-GCM)",
              "smb-plain": "SMB, signed only (`encrypt=False`)"}
    for k in med:
        lines.append(f"| {labels[k]} | {med[k]:.2f} | {rate[k]:.0f} | {rate[k] / rate['local']:.2f} |")
    lines.append("")
    text = "\n".join(lines)
    publish(text, args.append)
    return 0


if __name__ == "__main__":
    sys.exit(main())
