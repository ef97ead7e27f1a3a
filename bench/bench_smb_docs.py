#!/usr/bin/env python3
"""Benchmark: what the embedded-object pre-check of Office documents (.docx/.pptx: does the zip directory
name an ``embeddings/`` part?) costs over SMB, against the same files with names nobody looks at, and
against the same trees scanned from a local folder.

Trees (fixed seed): ``docs`` = N small .docx without embeddings (5-40 KB, a deflated document.xml and a
stored picture, as Word writes them) + N/10 real .xlsx (openpyxl, 20 rows) in folders of 100;
``plain`` = the same bytes with the documents renamed .png (no inspector wants that name: the walk
without the pre-check). With ``--large K``: K more .docx of 2-3 MiB (a stored 2+ MiB picture) in each
tree, past the SMB prefetch's whole-file limit (1 MiB).

Each command runs as a user runs it (``python scan.py scan SRC --out``), alternating, median of
``--runs``: wall seconds, CPU seconds of the whole scan (scan process + workers; smbd not included), and
CPU seconds of the scan process alone (``time.process_time()`` at its exit: the walk, the cheap checks,
the pre-check reads, the dispatch). Served by a real Samba on 127.0.0.1 (tests/smb_data.py; needs root).

Usage: python bench/bench_smb_docs.py [--docs 2000] [--large 0] [--work /tmp/smbdocs/bench] [--runs 5]
"""

from __future__ import annotations

import io
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from common import bench_args, publish  # noqa: E402
from smb_data import PASSWORD, SambaServer  # noqa: E402

TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
         'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
         'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" '
         'ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.'
         'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
# the scan process's own CPU, written at its exit (workers are other processes: not counted here)
WRAPPER = ("import atexit, os, runpy, sys, time\n"
           "me = os.getpid()\n"
           "atexit.register(lambda: os.getpid() == me and os.write(2, f'SCANCPU {time.process_time():.4f}\\n'"
           ".encode()))\n"
           "sys.argv = sys.argv[1:]\n"
           "runpy.run_path(sys.argv[0], run_name='__main__')\n")


def docx(rng: random.Random, picture: int) -> bytes:
    words = " ".join(rng.choice(("報告", "会議", "議事録", "予算", "計画", "確認", "資料", "対応")) for _ in range(
        rng.randint(200, 3000)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", TYPES)
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        z.writestr("word/document.xml", f"<w:document><w:body><w:p><w:r><w:t>{words}</w:t></w:r></w:p></w:body>"
                   "</w:document>")
        z.writestr("word/styles.xml", "<w:styles/>" * rng.randint(10, 200))
        z.writestr(zipfile.ZipInfo("word/media/image1.png"), rng.randbytes(picture), zipfile.ZIP_STORED)
        z.writestr("docProps/core.xml", "<cp:coreProperties/>")
    return buf.getvalue()


def xlsx(rng: random.Random) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["品目", "数量", "単価"])
    for _ in range(20):
        ws.append([rng.choice(("用紙", "トナー", "封筒")), rng.randint(1, 50), rng.randint(100, 900)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def build(work: Path, docs: int, large: int) -> tuple[Path, Path]:
    """Two trees of the same bytes: documents named .docx, and renamed .png."""
    marker = work / f"built-{docs}-{large}"
    with_docs, plain = work / "docs", work / "plain"
    if marker.exists():
        return with_docs, plain
    shutil.rmtree(work, ignore_errors=True)
    rng = random.Random(11)
    book = xlsx(rng)
    items: list[tuple[str, bytes]] = []
    for i in range(docs):
        items.append((f"d{i // 100:03d}/報告書_{i:05d}.docx", docx(rng, rng.randint(2_000, 30_000))))
        if i % 10 == 0:
            items.append((f"d{i // 100:03d}/集計_{i:05d}.xlsx", book))
    for i in range(large):
        items.append((f"large/資料_{i:04d}.docx", docx(rng, rng.randint(2 << 20, 3 << 20))))
    for tree, rename in ((with_docs, False), (plain, True)):
        for rel, data in items:
            p = tree / (re.sub(r"\.docx$", ".png", rel) if rename else rel)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
    marker.touch()
    return with_docs, plain


def timed(source: str, out: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """(wall, CPU of the scan and its workers, CPU of the scan process alone)."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-c", WRAPPER, str(ROOT / "scan.py"), "scan", source, "--out", str(out), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"scan of {source} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    own = [float(m) for m in re.findall(r"^SCANCPU ([\d.]+)$", proc.stderr, re.M)]
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, own[-1]


def main() -> None:
    ap = bench_args(__doc__, "/tmp/smbdocs/bench")
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--large", type=int, default=0, help=".docx of 2-3 MiB added to each tree")
    args = ap.parse_args()
    work: Path = args.work
    with_docs, plain = build(work, args.docs, args.large)
    server = SambaServer(work / "samba", {"docs": with_docs, "plain": plain})
    env = {"LEAKSCAN_SMB_PASSWORD": PASSWORD}
    runs: dict[str, list[tuple[float, float, float]]] = {}
    server.start()
    try:
        sources = {"smb docx": server.url("docs"), "smb renamed": server.url("plain"),
                   "local docx": str(with_docs), "local renamed": str(plain)}
        for src in sources.values():  # warm the page cache and smbd
            timed(src, work / "out-warm", env)
        for _ in range(args.runs):
            for name, src in sources.items():
                runs.setdefault(name, []).append(timed(src, work / "out", env))
    finally:
        server.kill()
    med = {k: tuple(statistics.median(r[i] for r in v) for i in range(3)) for k, v in runs.items()}
    n = args.docs + args.large
    lines = [f"\n| {args.docs} small .docx + {args.docs // 10} .xlsx" + (f" + {args.large} .docx of 2-3 MiB"
             if args.large else "") + f", median of {args.runs} | wall s | CPU s (all) | CPU s (scan process) |",
             "| --- | ---: | ---: | ---: |"]
    for k, (w, c, o) in med.items():
        lines.append(f"| {k} | {w:.2f} | {c:.2f} | {o:.2f} |")
    per = {where: (med[f"{where} docx"][2] - med[f"{where} renamed"][2]) / n * 1000 for where in ("smb", "local")}
    wall = {where: (med[f"{where} docx"][0] - med[f"{where} renamed"][0]) / n * 1000 for where in ("smb", "local")}
    lines.append(f"\nPre-check per document: scan-process CPU {per['smb']:.2f} ms over SMB vs {per['local']:.2f} ms "
                 f"local; wall {wall['smb']:.2f} ms vs {wall['local']:.2f} ms.\n")
    publish("\n".join(lines), args.append)


if __name__ == "__main__":
    main()
