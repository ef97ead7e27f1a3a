"""speed25a: every web page of FOLDERs inspected by the spreadsheet inspector under its own name (and cut at a
random point, with ``<table`` removed, as ``.xls``), with ``markup.holds_no_table`` as it is and with the parse
forced: prints the pages, how many took the rule, and every one whose inspection differs (none expected).

    PYTHONPATH=. python3 bench/page_rule.py /tmp/docs24/html
"""
from __future__ import annotations

import random
import re
import sys
import tempfile
from pathlib import Path

from scanner import isolation, markup
from scanner.config import ScanConfig
from scanner.inspectors.spreadsheet import SpreadsheetInspector
from scanner.sources.single import SingleFileEntry


class _Chan:
    def send(self, _m: object) -> None:
        pass


def _seen(insp: object) -> str:
    return repr({k: v for k, v in vars(insp).items() if k not in ("records",)})


def main(folders: list[str]) -> int:
    isolation._CHANNEL = _Chan()  # risky readers inline, as in a worker
    tmp = Path(tempfile.mkdtemp(prefix="page_rule-"))
    config = ScanConfig(sources=[str(tmp)], out=tmp / "out", names=["x.xlsx"])
    inspector = SpreadsheetInspector(config)
    rule = markup.holds_no_table
    rng = random.Random(25)
    pages = taken = differ = 0
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix.lower() not in (".htm", ".html") or not path.is_file():
                continue
            data = path.read_bytes()
            variants = [(path.name, data), (path.name, data[:rng.randrange(1, max(2, len(data)))]),
                        (path.name, re.sub(rb"(?i)<(/?)table", rb"<\1div", data)), (path.stem + ".xls", data)]
            for name, body in variants:
                if not body:
                    continue
                where = tmp / name
                where.write_bytes(body)
                entry = SingleFileEntry(str(where))
                markup.holds_no_table = rule
                fast = _seen(inspector.inspect(entry, body, "", None))  # type: ignore[arg-type]
                markup.holds_no_table = lambda _d: False
                full = _seen(inspector.inspect(entry, body, "", None))  # type: ignore[arg-type]
                markup.holds_no_table = rule
                pages += 1
                taken += rule(body)
                if fast != full:
                    differ += 1
                    print("DIFFER", path, name, fast[:300], full[:300], sep="\n  ")
    print(f"{pages} inspections, rule taken on {taken}, differ {differ}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
