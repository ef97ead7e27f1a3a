"""What reading XML exports of records costs (scanner.xmlrecords, xml19): the reader on one large generated export
(records per second, peak RSS), and the scan process's head check on a folder of XML files (microseconds a file).

The export is tests.xml19_data.elements (Faker ja_JP, fixed seed), its records repeated to ``--records``, written on
one line (as .NET's XmlWriter does) or indented. The head check is ``disguise.records_head`` over the first 64 KiB of
every file under ``--folder`` (default: /usr/share/mime, /usr/share/glib-2.0 and the Python library's test data),
best of 5.

    python bench/bench_xmlrecords.py --records 100000
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.demo import make_people  # noqa: E402
from scanner.inspectors.disguise import column_field, records_head  # noqa: E402
from scanner.sheet import Caps  # noqa: E402
from scanner.xmlrecords import record_sheets  # noqa: E402
from tests import xml19_data  # noqa: E402

FOLDERS = ("/usr/share/mime", "/usr/share/glib-2.0", f"{sys.prefix}/lib/python3.11/test/xmltestdata")


def export(records: int, indent: bool) -> bytes:
    one = xml19_data.elements(make_people(1000, 5), indent=indent)
    start, end = one.index("<利用者>") - (3 if indent else 0), one.rindex("</利用者一覧>")
    body = one[start:end]
    return (one[:start] + body * (records // 1000) + one[end:]).encode()


def read(doc: bytes) -> tuple[int, float]:
    t = time.process_time()
    rows = sum(1 for sheet in record_sheets(doc, Caps(timeout=3600), column_field) for _ in sheet.rows)
    return rows, time.process_time() - t


def heads(folders: tuple[str, ...]) -> tuple[int, float]:
    files = [p for f in folders if Path(f).is_dir() for p in Path(f).rglob("*") if p.is_file()]
    data = [p.read_bytes()[:65536] for p in files]
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for head in data:
            records_head(head)
        best = min(best, time.perf_counter() - t)
    return len(data), best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--folder", action="append")
    args = parser.parse_args()
    for indent in (False, True):
        doc = export(args.records, indent)
        rows, cpu = read(doc)
        print(f"{'indented' if indent else 'one line'}: {len(doc) / 2**20:.1f} MiB, {rows - 1:,} rows, {cpu:.2f} s CPU, "
              f"{rows / cpu:,.0f} rows/s, {len(doc) / 2**20 / cpu:.2f} MiB/s")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    n, best = heads(tuple(args.folder or FOLDERS))
    print(f"head check: {n} files, {best / max(n, 1) * 1e6:.1f} us a file (best of 5)")


if __name__ == "__main__":
    main()
