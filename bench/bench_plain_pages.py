"""Where a plain .html/.htm page with a table costs (docs22 reads them for person tables) and how many pages a cheap
text pre-filter could keep from the worker (html22).

For every page of PAGES holding ``<table`` in its first 64 KiB, three CPU times per page (medians of ``--rounds``):
``parse`` (``markup.html_tables`` consumed: decoding + lxml), ``analyse`` (``spreadsheet.analyse_bytes``: parse +
classification, what the worker runs) and ``inspect`` (the inspector in this process: sniff + the isolation worker's
round trip; its CPU in the worker is not in this process's time, so its wall time is given). Then the reach of the
pre-filter tried in html22: a page <= 64 KiB whose tables are all closed and whose text inside ``<table>..</table>``
holds no non-ASCII byte, ``&#``, ``@``, digit, two capitalised words or a header-like word would not be read.

    PYTHONPATH=. python bench/bench_plain_pages.py /tmp/pages --rounds 3
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner import markup  # noqa: E402
from scanner.config import ScanConfig  # noqa: E402
from scanner.inspectors import spreadsheet as S  # noqa: E402
from scanner.sheet import CellBudget  # noqa: E402
from scanner.sources.single import SingleFileEntry  # noqa: E402

TABLE = re.compile(rb"<table[\s>]", re.IGNORECASE)
CLOSED = re.compile(rb"</table\s*>", re.IGNORECASE)
SPAN = re.compile(rb"<table[\s>].*?</table\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(rb"<[^>]*>")
SIGNAL = re.compile(rb"[\x80-\xff]|&#|@|\d|[A-Z][a-z]+[\s,.]+[A-Z][a-z]+|name|mail|phone|tel|addr|birth|fax|zip|post",
                    re.IGNORECASE)


def reach(data: bytes) -> str:
    """Why the tried pre-filter would read a page ('long', 'unclosed', 'signal'), or 'skip'."""
    if len(data) > 65536:
        return "long"
    if len(TABLE.findall(data)) != len(CLOSED.findall(data)):
        return "unclosed"
    return "signal" if any(SIGNAL.search(TAG.sub(b" ", m.group())) for m in SPAN.finditer(data)) else "skip"


def per_page(run, pages: list[bytes], rounds: int, clock=time.process_time) -> float:
    """Median ms per page of ``run(page)`` over ``rounds`` passes."""
    times = []
    for _ in range(rounds):
        t0 = clock()
        for page in pages:
            run(page)
        times.append((clock() - t0) / len(pages) * 1000)
    return round(statistics.median(times), 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("pages", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    paths = [p for p in sorted(args.pages.rglob("*")) if p.suffix.lower() in (".htm", ".html") and p.is_file()]
    with_table = [(p, p.read_bytes()) for p in paths]
    with_table = [(p, d) for p, d in with_table if TABLE.search(d[:65536])]
    pages = [d for _, d in with_table]
    config = ScanConfig(sources=[str(args.pages)], out=Path("/tmp/bench_plain_pages_unused"))
    inspector = S.SpreadsheetInspector(config)

    def parse(page: bytes) -> None:
        for _ in markup.html_tables(page, CellBudget(S.caps_for(config, len(page)))):
            pass

    def analyse(page: bytes) -> None:
        S.analyse_bytes(page, "html", S.caps_for(config, len(page)), None)

    def inspect(item: tuple[Path, bytes]) -> None:
        inspector.inspect(SingleFileEntry(str(item[0])), item[1], "", None)

    analyse(pages[0])  # first-use loads (person name rules) out of the timings
    print(f"{len(paths)} pages, {len(pages)} with <table in their first 64 KiB")
    print("parse   ms/page CPU ", per_page(parse, pages, args.rounds))
    print("analyse ms/page CPU ", per_page(analyse, pages, args.rounds))
    print("inspect ms/page wall", per_page(inspect, with_table, args.rounds, time.perf_counter))
    print("pre-filter reach", dict(Counter(reach(d) for d in pages)))


if __name__ == "__main__":
    main()
