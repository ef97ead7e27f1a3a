"""A tree where one name in five says spreadsheet but the file is empty or no spreadsheet, against `find`.

200,000 files (by default) in folders of 100: 20% named .xlsx or .csv, half of them empty and half a few
bytes of something else (random bytes named .xlsx, a line of text named .csv); the rest documents (.pdf,
.docx, .jpg, .png). leakscan runs a full scan (`scan TREE --name FILE --out OUT --quiet`); `find TREE
-iname FILE` is the floor. A control tree of the same size without the spreadsheet names gives the cost
per such file (issue 11 measured 0.5 ms per file, 45x find); target: at most 3x find.

    python bench/bench_fake_names.py [--files 200000]
"""

from __future__ import annotations

import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_share import timed  # noqa: E402
from bench_walk import child_env  # noqa: E402
from common import bench_args, publish  # noqa: E402

from scanner.demo import LEAKED_NAME  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def build(root: Path, files: int, seed: int = 11, fakes: bool = True) -> dict[str, int]:
    marker = root / ".complete"
    counts = {"empty": 0, "fake": 0, "other": 0}
    if marker.exists() and marker.read_text().startswith(f"{files} "):
        return dict(zip(counts, map(int, marker.read_text().split()[1:]), strict=True))
    shutil.rmtree(root, ignore_errors=True)
    rnd = random.Random(seed)
    for i in range(files):
        folder = root / f"d{i // 10000:02d}" / f"f{i // 100:04d}"
        if i % 100 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        r = rnd.random() if fakes else 1.0
        if r < 0.1:
            (folder / f"集計_{i:06d}.{rnd.choice(['xlsx', 'csv'])}").write_bytes(b"")
            counts["empty"] += 1
        elif r < 0.2:
            if rnd.random() < 0.5:
                (folder / f"集計_{i:06d}.xlsx").write_bytes(rnd.randbytes(rnd.randint(16, 400)))
            else:
                (folder / f"集計_{i:06d}.csv").write_bytes(b"memo\n" * rnd.randint(1, 4))
            counts["fake"] += 1
        else:
            (folder / f"文書_{i:06d}.{rnd.choice(['pdf', 'docx', 'jpg', 'png'])}").write_bytes(b"x" * rnd.randint(0, 64))
            counts["other"] += 1
    marker.write_text(f"{files} {counts['empty']} {counts['fake']} {counts['other']}")
    return counts


def main() -> None:
    ap = bench_args(__doc__, work="/tmp/leakscan-bench-fake")
    ap.add_argument("--files", type=int, default=200_000)
    ap.add_argument("--no-bytecode-cache", action="store_true",
                    help="run the scans with this shell's bytecode settings instead of a bytecode cache in --work")
    args = ap.parse_args()
    env = child_env(None if args.no_bytecode_cache else args.work / "pycache")  # as an installed wheel has it
    tree = args.work / f"tree-{args.files}"
    control = args.work / f"control-{args.files}"
    counts = build(tree, args.files)
    build(control, args.files, fakes=False)
    load = os.getloadavg()[0]
    out = args.work / "out"
    find_t, scan_t, scan_cpu, control_t, control_cpu = [], [], [], [], []

    def scan(where: Path) -> tuple[float, float]:
        shutil.rmtree(out, ignore_errors=True)
        wall, cpu, _peak, done = timed([sys.executable, str(ROOT / "scan.py"), "scan", str(where), "--name",
                                        LEAKED_NAME, "--out", str(out), "--quiet"], env)
        if done.returncode not in (0, 1):
            raise SystemExit(done.stderr[-2000:])
        return wall, cpu

    scan(control)  # warms the bytecode cache (untimed)
    for _ in range(args.runs):
        t0 = time.perf_counter()
        subprocess.run(["find", str(tree), "-iname", LEAKED_NAME], capture_output=True, check=True)
        find_t.append(time.perf_counter() - t0)
        for where, walls, cpus in ((tree, scan_t, scan_cpu), (control, control_t, control_cpu)):
            wall, cpu = scan(where)
            walls.append(wall)
            cpus.append(cpu)
    f, s = statistics.median(find_t), statistics.median(scan_t)
    c, cc, sc = statistics.median(control_t), statistics.median(control_cpu), statistics.median(scan_cpu)
    n = counts["empty"] + counts["fake"]
    text = (f"\n### Spreadsheet names that are no spreadsheets ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n\n"
            f"`python bench/bench_fake_names.py --files {args.files}`: {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, warm caches, median of {args.runs} alternating runs, load average "
            f"{load:.1f} before. {counts['empty']:,} empty and {counts['fake']:,} fake files named .xlsx/.csv among "
            f"{args.files:,}. Target: <= 3x find. "
            + ("Bytecode: this shell's settings.\n\n" if args.no_bytecode_cache else
               "Bytecode cached (PYTHONPYCACHEPREFIX in --work), as an installed wheel has it.\n\n")
            + "| find -iname (s) | leakscan scan (s) | leakscan CPU (s) | ratio | control tree scan (s) | control CPU (s) "
            "| cost per spreadsheet-named file (wall, CPU) |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            f"| {f:.2f} | {s:.2f} | {sc:.2f} | {s / f:.1f}x | {c:.2f} | {cc:.2f} | "
            f"{(s - c) / n * 1000:.2f} ms, {(sc - cc) / n * 1000:.2f} ms |\n")
    publish(text, args.append)


if __name__ == "__main__":
    main()
