#!/usr/bin/env python3
"""Benchmark: a whole leakscan scan over SMB against the same scan of the same tree locally, and against
``smbclient -Tc`` reading every byte of the share; plus hashing large files over SMB.

The share is the realistic tree of issue 11 (bench/make_share.py, fixed seed: 1 in 14 files a real
.xlsx, 1 in 33 a CSV, the rest documents, mail and media of 0.2-20 KB; 5 copies of the named file),
served by a real Samba on 127.0.0.1 (the tests' helper, tests/smb_data.py: a child smbd with a temp
smb.conf; needs root). Every command runs as a user runs it (``python scan.py scan ... --out``), from
the page cache (the tree is read once beforehand), alternating, median of ``--runs``. Wall time is what
an examiner waits; CPU time (user + system of the command and its children, smbd not included) shows
what the client costs when the machine is shared. leakscan talks SMB 3.1.1 signed and encrypted
(AES-128-GCM); ``smbclient -Tc`` runs encrypted too (``--client-protection=encrypt``), and once plain.

Targets (issue 18): SMB scan <= 2 x the local scan of the same tree, <= 3 x ``smbclient -Tc``.

Needs: samba (smbd), smbclient (for the -Tc baseline), root.

Usage: python bench/bench_smb.py [--files 20000] [--work /tmp/leakscan-bench] [--runs 3] [--append]
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from common import bench_args, big_files, publish  # noqa: E402
from smb_data import PASSWORD, USER, SambaServer  # noqa: E402

from scanner.demo import LEAKED_NAME  # noqa: E402
from scanner.fingerprint import hash_stream  # noqa: E402
from scanner.sources.smb import SmbEntry, SmbSource  # noqa: E402

BIG_FILES, BIG_SIZE = 4, 128 << 20
ENCRYPT = ["--client-protection=encrypt"]


def timed(cmd: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0, 1)) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the command and its children, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if proc.returncode not in ok:
        raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return wall, cpu, proc.returncode


def warm(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            with open(os.path.join(dirpath, name), "rb") as f:
                while f.read(1 << 20):
                    pass


def scan_cmd(source: str, out: Path) -> list[str]:
    if out.exists():
        shutil.rmtree(out)
    return [sys.executable, str(ROOT / "scan.py"), "scan", source, "--name", LEAKED_NAME, "--out", str(out),
            "--quiet"]


def hash_big(url: str, paths: list[Path]) -> dict[str, float]:
    """Hashing 4 x 128 MiB over SMB against hashing the same files locally (MD5+SHA-1+SHA-256, one pass)."""
    t0 = time.perf_counter()
    for p in paths:
        with open(p, "rb", buffering=0) as f:
            hash_stream(f)
    local = time.perf_counter() - t0
    os.environ["LEAKSCAN_SMB_PASSWORD"] = PASSWORD
    t0 = time.perf_counter()
    with SmbSource(url) as src:
        for entry in src.entries():
            if isinstance(entry, SmbEntry):
                with entry.open() as f:
                    hash_stream(f)
    return {"local": local, "smb": time.perf_counter() - t0}


def main() -> int:
    ap = bench_args(__doc__)
    ap.add_argument("--files", type=int, default=20_000, help="files in the realistic share (default 20,000)")
    args = ap.parse_args()
    try:
        from make_share import ensure
    except ImportError:
        raise SystemExit("bench/make_share.py (the realistic share of issue 11) is needed") from None
    smbclient = shutil.which("smbclient")
    if smbclient is None:
        raise SystemExit("smbclient is not installed (Debian package smbclient): it is the -Tc baseline")
    share = args.work / f"share-{args.files}"
    truth = ensure(share, args.files)
    big = big_files(args.work / "smb-big", BIG_FILES, BIG_SIZE)
    warm(share)
    warm(big[0].parent)
    work = args.work / "smb-run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    auth = work / "auth"
    auth.write_text(f"username = {USER}\npassword = {PASSWORD}\n")
    auth.chmod(0o600)
    server = SambaServer(work / "samba", {"bench": share, "big": big[0].parent})
    env = {"LEAKSCAN_SMB_PASSWORD": PASSWORD}
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in ("local", "smb", "tar-e", "tar", "ls")}
    found: dict[str, int] = {}
    try:
        server.start()
        url = server.url("bench")
        unc = ["//127.0.0.1/bench", "-p", str(server.port), "-A", str(auth), "-m", "SMB3"]
        timed(scan_cmd(url, work / "warm"), env)  # smbd's own caches
        for _ in range(args.runs):
            runs["local"].append(timed(scan_cmd(str(share), work / "local"))[:2])
            runs["smb"].append(timed(scan_cmd(url, work / "smb"), env)[:2])
            runs["tar-e"].append(timed([smbclient, *unc, *ENCRYPT, "-Tc", "/dev/null"], ok=(0,))[:2])
            runs["tar"].append(timed([smbclient, *unc, "-Tc", "/dev/null"], ok=(0,))[:2])
            runs["ls"].append(timed([smbclient, *unc, *ENCRYPT, "-c", "recurse; ls"], ok=(0,))[:2])
            print({k: v[-1] for k, v in runs.items()}, file=sys.stderr)
        import json

        for k in ("local", "smb"):
            doc = json.loads((work / k / "findings.json").read_text())
            found[k] = sum(1 for f in doc["files"] if LEAKED_NAME in f["path"] and f["status"] == "ok")
        big_times = hash_big(server.url("big"), big)
    finally:
        server.kill()
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}
    for k, (w, c) in med.items():
        print(f"{k}: wall {w:.1f} s, cpu {c:.1f} s", file=sys.stderr)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    mib = truth["bytes"] / (1 << 20)  # type: ignore[operator]
    labels = {
        "local": "leakscan scan, local folder",
        "smb": "leakscan scan, `smb://` (SMB 3.1.1, encrypted)",
        "tar-e": "`smbclient --client-protection=encrypt -Tc /dev/null` (every byte, encrypted)",
        "tar": "`smbclient -Tc /dev/null` (every byte, not encrypted)",
        "ls": "`smbclient --client-protection=encrypt -c 'recurse; ls'` (listing only)",
    }
    lines = [
        "",
        f"### SMB: a whole scan over SMB against local and smbclient ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"`python bench/bench_smb.py --files {args.files}`: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, Samba smbd on 127.0.0.1 (on the same cores), the realistic share of "
        f"bench/make_share.py ({truth['files']} files, {mib:.0f} MiB, 5 copies of the named file; copies found: "
        f"local {found.get('local')}, SMB {found.get('smb')}), page cache warm, median of {args.runs} alternating "
        f"runs, load average {load:.1f} at the end. CPU = user + system of the command (smbd not counted). "
        "Targets: SMB scan <= 2 x local, <= 3 x `smbclient -Tc`.",
        "",
        "| command | wall (s) | CPU (s) | SMB scan / this (wall) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for k, (w, c) in med.items():
        lines.append(f"| {labels[k]} | {w:.1f} | {c:.1f} | {med['smb'][0] / w:.2f} |")
    size = BIG_FILES * BIG_SIZE / (1 << 20)
    lines += [
        "",
        f"Hashing {BIG_FILES} x {BIG_SIZE >> 20} MiB (MD5+SHA-1+SHA-256 in one pass, `hash_stream`): local "
        f"{big_times['local']:.2f} s ({size / big_times['local']:.0f} MiB/s), over SMB {big_times['smb']:.2f} s "
        f"({size / big_times['smb']:.0f} MiB/s, {big_times['local'] / big_times['smb']:.2f} x local).",
        "",
    ]
    publish("\n".join(lines), args.append)
    return 0


if __name__ == "__main__":
    sys.exit(main())
