#!/usr/bin/env python3
"""Benchmark: normalising and fingerprinting person records (name + address -> key -> HMAC-SHA256).

1,000,000 records are generated first (Faker ja_JP name pairs and real municipalities, seeded; every
record has its own block numbers, and a share of them is written in variant forms: full-width digits,
kanji numerals, ー dashes, no prefecture, variant kanji, extra spaces), so nothing is served from a
cache. Then ``record_key`` + ``fingerprint`` run over all of them on every core (fork, chunks of
20,000), and once on one core for comparison. Reports records/s and peak memory (RSS).

Usage: python bench/bench_persons.py [--records 1000000] [--workers N] [--append]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner import rules  # noqa: E402
from scanner.persons.keys import fingerprint  # noqa: E402
from scanner.persons.normalise import record_key  # noqa: E402

CHUNK = 20_000
KEY = bytes(range(32))
RECORDS: list[tuple[str, str]] = []
_KANJI = "〇一二三四五六七八九"
_FULL = str.maketrans("0123456789-", "０１２３４５６７８９－")
_VARIANT = str.maketrans({"高": "髙", "崎": "﨑", "辺": "邊", "斎": "齋", "浜": "濱", "沢": "澤", "島": "嶋"})


def kanji(n: int) -> str:
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _KANJI[tens]) + "十" if tens else "") + (_KANJI[ones] if ones else "")


def generate(n: int, seed: int = 7) -> list[tuple[str, str]]:
    from faker.providers.address.ja_JP import Provider as Addr
    from faker.providers.person.ja_JP import Provider as Names

    rnd = random.Random(seed)
    cities = sorted(rules.load("municipalities")["municipalities"].items())
    lasts = [x[0] for x in Names.last_name_pairs] + ["高田", "山崎", "渡辺", "斎藤", "浜田", "沢井", "島田"]
    firsts = [x[0] for x in Names.first_name_female_pairs + Names.first_name_male_pairs]
    towns, buildings = list(Addr.towns), list(Addr.building_names)
    out = []
    for _ in range(n):
        city, pref = rnd.choice(cities)
        c, b, g = rnd.randint(1, 40), rnd.randint(1, 40), rnd.randint(1, 40)
        name = f"{rnd.choice(lasts)} {rnd.choice(firsts)}"
        form = rnd.random()
        block = f"{c}丁目{b}番{g}号" if form < 0.5 else f"{c}-{b}-{g}"
        address = f"{pref}{city}{rnd.choice(towns)}{block}"
        if form < 0.1:
            address = address.translate(_FULL)
        elif form < 0.2:
            address = f"{pref}{city}{rnd.choice(towns)}{kanji(c)}丁目{kanji(b)}番{kanji(g)}号"
        elif form < 0.3:
            address = address.replace("-", "ー")
        elif form < 0.4:
            address = address[len(pref):]
        if rnd.random() < 0.3:
            address += f" {rnd.choice(buildings)}{rnd.randint(1, 9)}0{rnd.randint(1, 9)}"
        if rnd.random() < 0.1:
            name = name.translate(_VARIANT).replace(" ", "\u3000")
        out.append((name, address))
    return out


def work(start: int) -> bytes:
    """Normalise and fingerprint one chunk of the (fork-inherited) records; return the digests."""
    out = []
    for name, address in RECORDS[start:start + CHUNK]:
        out.append(bytes.fromhex(fingerprint(KEY, *record_key(name, address))))
    return b"".join(out)


def run(workers: int) -> tuple[float, int]:
    t = time.perf_counter()
    starts = range(0, len(RECORDS), CHUNK)
    if workers == 1:
        blobs = [work(s) for s in starts]
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            blobs = pool.map(work, starts, chunksize=1)
    seconds = time.perf_counter() - t
    distinct = len({b[i:i + 32] for b in blobs for i in range(0, len(b), 32)})
    return seconds, distinct


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--append", action="store_true", help="append the result to bench/README.md")
    args = ap.parse_args()
    load = os.getloadavg()[0]
    t = time.perf_counter()
    RECORDS.extend(generate(args.records))
    gen = time.perf_counter() - t
    record_key("山田 太郎", "小金井市本町3-12-5")  # load the tables before forking
    single_n = min(len(RECORDS), 100_000)
    t = time.perf_counter()
    for name, address in RECORDS[:single_n]:
        fingerprint(KEY, *record_key(name, address))
    single = single_n / (time.perf_counter() - t)
    seconds, distinct = run(args.workers)
    rate = len(RECORDS) / seconds
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines = [
        f"### bench_persons.py — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average before the run {load:.2f}",
        f"- records: {len(RECORDS):,} generated in {gen:.1f} s ({distinct:,} distinct fingerprints)",
        f"- normalise + HMAC-SHA256, {args.workers} worker processes: {seconds:.2f} s = **{rate:,.0f} records/s** "
        f"(target >= 100,000/s)",
        f"- one core (first {single_n:,} records): {single:,.0f} records/s",
        f"- peak RSS: parent {peak_self:,.0f} MiB (holds the generated records), largest worker {peak_child:,.0f} MiB",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.append:
        readme = ROOT / "bench" / "README.md"
        with readme.open("a", encoding="utf-8") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
