"""Measure a sampled stage-1 gate in front of the classifier (issue 11, sample24): which sheets it would stop, and any
sheet it would stop that the classifier finds persons in. Not used by the scanner (it is unsound, see below).

The gate stops a sheet (returns "nothing") only when all of these hold:

- the whole sheet lies in the classifier's head (``HEADER_SCAN_ROWS + SAMPLE_ROWS`` rows: no later-table search);
- no text of the sheet holds a person table's hint (``pii._hint``: field words, era dates, addresses with a
  prefecture or a municipality before a number, phone and postal-code shapes, e-mail, Latin field names), a header
  hint (``pii._header_hint``), 様, 殿, 〒, @, 【 or a line break (label marks, fused cells);
- every cell is a text or a number below 10^8 (no date, time or bool: birth dates; no long number: phones, My Number);
- no short text, nor the part of a text before a colon, is a header word (``columns.read_header``, spaces removed too);
- in the first SAMPLE filled rows, no column has NAME_SHARE or more of its filled texts name-shaped (spaced name,
  Japanese name, family name, a known Latin or first name).

Measured (bench/README.md "Session 24 (sample24)"): share-20000's 1,400 workbooks, 1,769 of 2,258 sheets stopped,
none of the 10 person tables; ../shared/corpus/spreadsheets and tests/data, 15 of 38 sheets, none with findings. It is
still unsound: the classifier reads some sheets in parts (``pii._first_block``'s wide table, the rows under a header of
things, new-shape windows) whose column shares are not the sample's. tests/test_sample24.py holds such a sheet: 10
persons above 100-400 narrow rows, stopped here, found by the classifier.

    PYTHONPATH=. python3 bench/sample_gate.py FOLDER [FOLDER ...]
"""

from __future__ import annotations

import re
import signal
import sys
from collections.abc import Iterable, Sequence
from itertools import chain, islice
from pathlib import Path

from scanner.detectors import person_names as N
from scanner.detectors import pii as P
from scanner.detectors import values as V
from scanner.detectors.columns import read_header
from scanner.detectors.plan import SAMPLE_ROWS, cell_text

HEAD = P.HEADER_SCAN_ROWS + SAMPLE_ROWS
SAMPLE = 64  # filled rows of the sample
NAME_SHARE = 0.3  # of a column's filled sample texts, the name-shaped share that keeps the sheet for the classifier
_MARKS = re.compile("[様殿\n@【〒]")
_COLON = re.compile("[:：]")
_SPACES = re.compile("[ 　]")
SUFFIXES = {".xlsx", ".xls", ".xlsm", ".xlsb", ".ods", ".csv", ".tsv", ".txt"}


def _namey(text: str) -> bool:
    return bool(V.looks_like_spaced_name(text) or N.japanese_name_shape(text) or N.japanese_family_name_shape(text)
                or N.latin_name_known(text) or N.known_first_name(V.nfkc(text)))


def _a_header_word(text: str) -> bool:
    s = text.strip()
    if len(s) <= 20 and (read_header(s) is not None or read_header(_SPACES.sub("", s)) is not None):
        return True
    return bool(_COLON.search(s)) and read_header(_COLON.split(s)[0].strip()) is not None


def stopped(rows: Sequence[Sequence[object]]) -> bool:
    """True: the gate says the classifier finds nothing in ``rows`` (the whole sheet)."""
    if len(rows) > HEAD:
        return False
    text = P._text(rows)
    if _MARKS.search(text) or P._hint(text) or P._header_hint(text):
        return False
    texts: set[str] = set()
    for v in chain.from_iterable(rows):
        if type(v) is str:
            texts.add(v)
        elif type(v) in (int, float):
            if abs(v) >= 1e8:
                return False
        elif v is not None:
            return False
    if any(map(_a_header_word, texts)):
        return False
    sample = [r for r in rows if any(cell_text(v) for v in r)][:SAMPLE]
    for c in range(max(map(len, sample), default=0)):
        vals = [t for r in sample if c < len(r) and (t := cell_text(r[c]))]
        if vals and sum(map(_namey, vals)) >= NAME_SHARE * len(vals):
            return False
    return True


def sweep(files: Iterable[Path]) -> dict[str, object]:
    """Every top-level sheet of ``files`` through the classifier as a worker reads it, and through the gate."""
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps
    from scanner.tables import sniff_format

    original = P.analyse_sheet
    counts = {"files": 0, "sheets": 0, "found": 0, "stopped": 0, "stopped_found": 0}
    lost: list[str] = []
    depth = [0]
    current = [""]

    def wrapped(name: str, rows: Iterable[Sequence[object]], first_row: int = 1, first_col: int = 0,
                later: bool = True) -> P.SheetFinding | None:
        if depth[0]:
            return original(name, rows, first_row, first_col, later)
        stream = iter(rows)
        held = list(islice(stream, HEAD + 1))
        depth[0] += 1
        try:
            found = original(name, chain(held, stream), first_row, first_col, later)
        finally:
            depth[0] -= 1
        counts["sheets"] += 1
        counts["found"] += found is not None
        if len(held) <= HEAD and stopped(held):
            counts["stopped"] += 1
            if found is not None:
                counts["stopped_found"] += 1
                lost.append(f"{current[0]} [{name}]")
        return found

    def alarm(*_: object) -> None:
        raise TimeoutError

    P.analyse_sheet = wrapped
    signal.signal(signal.SIGALRM, alarm)
    try:
        for path in files:
            current[0] = str(path)
            counts["files"] += 1
            data = path.read_bytes()
            signal.alarm(60)
            try:
                analyse_bytes(data, sniff_format(data), Caps())
            except BaseException as e:  # noqa: BLE001 - a file the readers refuse (or calamine panics on) has no sheet
                if isinstance(e, KeyboardInterrupt):
                    raise
            finally:
                signal.alarm(0)
    finally:
        P.analyse_sheet = original
    return {**counts, "lost": lost}


def main() -> None:
    files = [p for d in sys.argv[1:] for p in sorted(Path(d).rglob("*"))
             if p.is_file() and p.suffix.lower() in SUFFIXES and p.stat().st_size <= 8 << 20]
    result = sweep(files)
    for line in result.pop("lost"):
        print("LOST", line)
    print(result)


if __name__ == "__main__":
    main()
