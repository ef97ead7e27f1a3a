#!/usr/bin/env python3
"""Benchmark: addresses as the country writes them (issue 13) — recall, false merges, gazetteer cost.

1. Equivalence recall over tests/data/address_suites.tsv (8,218 spellings and normal forms from the test
   suites of geolonia/normalize-japanese-addresses, YuukiToriyama/japanese-address-parser and
   digital-go-jp/abr-geocoder): how often a spelling and its normal form get one key, over all cases,
   the hand-typed ones and the lists typed by a city office; and false merges, two places (by the
   suites' own answer) sharing one key. Targets: >= 99.5 %, >= 97 %, 0.
2. The full gazetteer sweep: every town of signatures/towns.tsv typed as the table writes it, with 大字,
   with its numbers as digits and (Hokkaido) in 条 forms, blocks 12-3 against 45-6. Target: 0 blocks
   merged, 0 towns sharing a key, 0 towns split by how they are typed.
3. What the gazetteer costs: size, load time, the country-wide town index, every municipality's index.

Usage: python bench/bench_addresses.py [--workers N] [--append]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import address_data as ad  # noqa: E402
from common import publish  # noqa: E402

from scanner import rules  # noqa: E402
from scanner.persons import gazetteer as gz  # noqa: E402
from scanner.persons.normalise import normalise_address  # noqa: E402

FORMS: list[ad.SweepForm] = []


def _check(bounds: tuple[int, int]) -> list[tuple[ad.SweepForm, str, str]]:
    return [(f, normalise_address(f.a), normalise_address(f.b)) for f in FORMS[bounds[0]:bounds[1]]]


def full_sweep(workers: int) -> tuple[ad.Sweep, float]:
    """ad.sweep over every town, the keys computed on every core (fork: the forms are inherited)."""
    FORMS.extend(ad.sweep_forms())
    t = time.perf_counter()
    step = -(-len(FORMS) // (workers * 8))
    parts = [(i, i + step) for i in range(0, len(FORMS), step)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        done = [x for chunk in pool.map(_check, parts, chunksize=1) for x in chunk]
    keys = {}
    for form, ka, kb in done:
        keys[form.a], keys[form.b] = ka, kb
    result = ad.sweep(keys.__getitem__)
    return result, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--append", action="store_true", help="append the result to bench/README.md")
    args = ap.parse_args()
    load = os.getloadavg()[0]

    path = ROOT / "signatures" / "towns.tsv"
    t = time.perf_counter()
    g = gz.Gazetteer(rules.load_table("towns"))
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    g.national()
    national_s = time.perf_counter() - t
    t = time.perf_counter()
    for i in range(len(g.munis)):
        g.towns(i)
    indexes_s = time.perf_counter() - t
    towns = sum(len(m.towns_text.split("|")) for m in g.munis if m.towns_text)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    cases = ad.load_cases()
    t = time.perf_counter()
    m = ad.measure(cases, normalise_address)
    measure_s = time.perf_counter() - t
    sweep, sweep_s = full_sweep(args.workers)

    def pct(group: str) -> str:
        return f"{100 * m.recall(group):.2f} % ({m.same[group]:,} / {m.total[group]:,})"

    misses = Counter(c.group for c in m.misses)
    lines = [
        f"### bench_addresses.py ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"`python bench/bench_addresses.py`: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {load:.1f} before the run.",
        "",
        "| what | result | target |",
        "| --- | --- | --- |",
        f"| equivalence recall, all {m.total['all']:,} cases | **{pct('all')}** | >= 99.5 % |",
        f"| hand-typed cases (hand-written + lists typed by a city office) | **{pct('handtyped')}** | >= 97 % |",
        f"| of which the maintainers' hand-written cases | {pct(ad.HAND)} | |",
        f"| of which lists typed by a city office (Sapporo, Kyoto) | {pct(ad.OFFICE)} | |",
        f"| geolonia's listing addresses (addresses.csv) | {pct(ad.LIST)} | |",
        f"| false merges in the suites (two places, one key) | **{len(m.false_merges)}** | 0 |",
        f"| gazetteer sweep: {sweep.forms:,} typed forms of every town, 12-3 vs 45-6 | **{len(sweep.same_block)}** "
        f"blocks merged, **{len(sweep.shared)}** keys shared by two towns, **{len(sweep.split)}** towns split | 0, 0, 0 |",
        f"| signatures/towns.tsv | {path.stat().st_size / 1e6:.2f} MB, {len(g.munis):,} municipalities, "
        f"{towns:,} towns | |",
        f"| load (read, parse, municipality index) | {load_s * 1000:.0f} ms | |",
        f"| country-wide town index (first address naming no municipality) | {national_s * 1000:.0f} ms | |",
        f"| every municipality's town index (normally built one by one, when first met) | "
        f"{indexes_s * 1000:.0f} ms | |",
        f"| peak RSS with everything built | {rss:,.0f} MiB | |",
        f"| keys for the suites ({2 * len(cases):,} addresses, one core) / the sweep ({2 * sweep.forms:,}, "
        f"{args.workers} workers) | {measure_s:.1f} s / {sweep_s:.1f} s | |",
        "",
        f"Misses by group: {dict(misses)}; one of each: "
        + "; ".join(f"{g}: `{c.typed}` ≠ `{c.normal}`" for g, c in {c.group: c for c in reversed(m.misses)}.items()),
        "",
    ]
    publish("\n".join(lines), args.append)


if __name__ == "__main__":
    main()
