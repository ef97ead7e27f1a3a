"""CPU of ``analyse_sheet`` on wide exports with and without narrow tables between their rows (tables22).

    python bench/bench_narrow_tables.py [--tree OTHER_CHECKOUT] [--blocks 2000]

Measures, best of 3 (``time.process_time``), in this checkout or ``--tree``'s: a 10-column export of 100,000 rows, 20,000
header-less persons (both with a record sink, as a scan's worker), and an export broken every 3 rows by a header-less
3-column list of 5 rows (``--blocks`` times), without a sink (``persons --export``, tests) and with one. Faker ja_JP,
fixed seed; prints the times and the persons counted.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tree", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--blocks", type=int, default=2000)
    args = ap.parse_args()
    sys.path.insert(0, str(args.tree))
    from faker import Faker

    from scanner.detectors import pii as P

    fake = Faker("ja_JP")
    fake.seed_instance(21)
    header = ["姓", "名", "郵便番号", "都道府県", "市区町村", "町名", "番地", "建物名", "部屋", "電話"]

    def wide() -> list[object]:
        return [fake.last_name(), fake.first_name(), fake.postcode(), fake.prefecture(), fake.city(), fake.town(),
                fake.chome() + fake.ban(), fake.building_name(), str(fake.random_int(101, 905)), fake.phone_number()]

    pool = [wide() for _ in range(2000)]
    people = [[fake.name(), fake.address(), fake.phone_number()] for _ in range(2000)]
    blocks: list[Sequence[object]] = [header]
    for _ in range(args.blocks):
        blocks += [wide() for _ in range(3)] + [[fake.name(), fake.address(), fake.phone_number()] for _ in range(5)]

    def best(make: Callable[[], Iterable[Sequence[object]]], sink: bool) -> tuple[float, int]:
        token = P.RECORD_SINK.set((lambda _r: None) if sink else None)
        try:
            out = []
            for _ in range(3):
                t = time.process_time()
                found = P.analyse_sheet("s", make())
                out.append(time.process_time() - t)
        finally:
            P.RECORD_SINK.reset(token)
        return min(out), found.count if found is not None else 0

    print(f"tree {args.tree}")
    print("export 100,000 rows (sink)", best(lambda: iter([header] + [pool[i % 2000] for i in range(100_000)]), True))
    print("header-less 20,000 (sink)", best(lambda: iter([people[i % 2000] for i in range(20_000)]), True))
    print(f"{args.blocks} narrow blocks (no sink)", best(lambda: iter(blocks), False))
    print(f"{args.blocks} narrow blocks (sink)", best(lambda: iter(blocks), True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
