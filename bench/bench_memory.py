"""Peak memory of a scan as trees and tables grow (issues 11 and 18: bounded by design, flat as files grow).

Two curves, each point one `leakscan scan` with peak RSS sampled every 50 ms for the scan process and for
the whole process tree (scan process + workers):

* trees of 10^4, 10^5 (and with --big 10^6) files: one in ten a small CSV table, the rest documents, plus
  one CSV of a million persons (64 MB, cp932) in the 10^4 tree (issue 18's share);
* one person table of 10^5, 10^6 (and with --big 10^7) rows alone (CSV, cp932).

Tables are generated from fixed lists of family names, given names and addresses (deterministic, no
Faker: a million rows in seconds). Target: peak RSS <= 400 MB for the 10^4-file tree with the
million-person CSV, and flat as the number of files grows.

    python bench/bench_memory.py            # 10^4 and 10^5 files; 10^5 and 10^6 rows
    python bench/bench_memory.py --big      # also 10^6 files and 10^7 rows (long)
"""

from __future__ import annotations

import os
import platform
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_share import timed  # noqa: E402
from common import bench_args, publish  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木",
          "山口", "松本", "井上", "木村", "林", "斎藤", "清水", "山崎", "森", "池田", "橋本", "阿部", "石川"]
GIVEN = ["太郎", "花子", "一郎", "次郎", "美咲", "健", "陽子", "誠", "直子", "浩", "恵子", "翔太", "さくら", "大輔",
         "由美", "亮", "真由美", "拓也", "愛", "和子", "勇", "明美", "茂", "幸子", "正", "節子"]
TOWNS = ["東京都小金井市本町", "東京都八王子市元本郷町", "東京都立川市錦町", "東京都府中市宮町", "東京都調布市小島町",
         "東京都町田市原町田", "東京都日野市神明", "東京都国分寺市本多", "東京都三鷹市下連雀", "東京都武蔵野市吉祥寺本町"]


def person_csv(path: Path, rows: int, seed: int = 18) -> int:
    """A cp932 CSV of ``rows`` persons (name, reading, address, phone); returns its size."""
    rnd = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="cp932", newline="") as f:
        f.write("氏名,フリガナ,住所,電話番号\r\n")
        for _ in range(rows):
            f.write(f"{rnd.choice(FAMILY)} {rnd.choice(GIVEN)},ヤマダ タロウ,{rnd.choice(TOWNS)}{rnd.randint(1, 5)}-"
                    f"{rnd.randint(1, 30)}-{rnd.randint(1, 20)},042-{rnd.randint(300, 399)}-{rnd.randint(1000, 9999)}\r\n")
    return path.stat().st_size


def tree(root: Path, files: int, seed: int = 4) -> None:
    """``files`` files in folders of 50: one in ten a small CSV table (no persons), the rest documents."""
    marker = root / ".complete"
    if marker.exists() and marker.read_text() == str(files):
        return
    shutil.rmtree(root, ignore_errors=True)
    rnd = random.Random(seed)
    for i in range(files):
        folder = root / f"d{i // 5000:03d}" / f"f{i // 50:05d}"
        if i % 50 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        if i % 10 == 0:
            body = "品名,数量,金額\r\n" + "".join(f"品目{rnd.randint(1, 99)},{rnd.randint(1, 9)},{rnd.randint(100, 9999)}\r\n"
                                               for _ in range(rnd.randint(5, 40)))
            (folder / f"集計_{i:07d}.csv").write_bytes(body.encode("cp932"))
        else:
            (folder / f"文書_{i:07d}.pdf").write_bytes(b"%PDF-1.4\n" + rnd.randbytes(rnd.randint(200, 2000)))
    marker.write_text(str(files))


def scan(source: Path, out: Path, extra: tuple[str, ...] = ()) -> tuple[float, float, int]:
    """(wall s, CPU s, peak RSS of the process tree) of one scan."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, str(ROOT / "scan.py"), "scan", str(source), "--out", str(out), "--quiet", *extra]
    wall, cpu, peak, done = timed(cmd)
    if done.returncode not in (0, 1):
        raise SystemExit(f"scan failed: {done.stderr[-2000:]}")
    return wall, cpu, peak


def main() -> None:
    ap = bench_args(__doc__, work="/tmp/leakscan-bench-memory")
    ap.add_argument("--big", action="store_true", help="also 10^6 files and 10^7 rows")
    args = ap.parse_args()
    work: Path = args.work
    load = os.getloadavg()[0]
    rows_out = []
    million = work / "tables" / "persons_1000000.csv"
    if not million.exists():
        person_csv(million, 1_000_000)
    for n in ([10_000, 100_000, 1_000_000] if args.big else [10_000, 100_000]):
        root = work / f"tree-{n}"
        tree(root, n)
        big = root / "logs" / "access_persons.csv"
        if n == 10_000 and not big.exists():
            big.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(million, big)
        elif n != 10_000 and big.exists():
            big.unlink()
        wall, cpu, peak = scan(root, work / "out")
        what = f"{n:,} files" + (" + a CSV of 1,000,000 persons (64 MB)" if n == 10_000 else "")
        rows_out.append(f"| {what} | {wall:.1f} | {cpu:.1f} | {peak / 2**20:.0f} |")
    table_rows = []
    for r in ([100_000, 1_000_000, 10_000_000] if args.big else [100_000, 1_000_000]):
        path = work / "tables" / f"persons_{r}.csv"
        if not path.exists():
            person_csv(path, r)
        one = work / f"table-{r}"
        one.mkdir(parents=True, exist_ok=True)
        target = one / path.name
        if not target.exists():
            os.link(path, target)
        size = path.stat().st_size
        wall, cpu, peak = scan(one, work / "out", ("--max-inspect-mb", str(max(256, size // 2**20 + 1))))
        table_rows.append(f"| {r:,} rows ({size / 2**20:.0f} MiB) | {wall:.1f} | {cpu:.1f} | {peak / 2**20:.0f} |")
    text = (f"\n### Memory (bench_memory.py, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n\n"
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, default workers "
            f"(one per core); load average {load:.1f} before. Peak RSS of the process tree (scan process + "
            "workers), sampled every 50 ms. Target: <= 400 MB for the 10^4-file tree with the million-person "
            "CSV, flat as files grow.\n\n"
            "| tree | wall (s) | CPU (s) | peak RSS, tree (MiB) |\n| --- | ---: | ---: | ---: |\n"
            + "\n".join(rows_out) + "\n\n"
            "| one person table (CSV) | wall (s) | CPU (s) | peak RSS, tree (MiB) |\n| --- | ---: | ---: | ---: |\n"
            + "\n".join(table_rows) + "\n")
    publish(text, args.append)


if __name__ == "__main__":
    main()
