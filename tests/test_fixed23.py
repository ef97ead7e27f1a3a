"""Session 23 (fixed23): short hand-aligned (fixed-width) person lists in plain text, 4-9 persons.

Real generated data (Faker ja_JP, fixed seeds, the suite's ``people_rows``) aligned as people align lists by hand:
each column as wide as its longest value and two blanks, or the longest running into the gap (one blank before the
next column); the name and kana columns padded with full-width spaces (U+3000) in some lists, half-width in others.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from scanner.sheet import Caps
from scanner.tables import read_tables
from tests.conftest import ScanCases, own_lines
from tests.document_data import people_rows

cases = ScanCases("fixed23")
scanned = cases.fixture()
SIZES = range(4, 10)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "FWA" else 1 for c in s)


def _pad(value: str, width: int, full: bool) -> str:
    gap = max(width - _width(value), 1)
    return value + ("\u3000" * (gap // 2) + " " * (gap % 2) if full and gap >= 2 else " " * gap)


def _aligned(rows: list[list[str]], kind: str, full: set[int]) -> bytes:
    """``rows`` aligned by hand: ``aligned`` each column its longest value and two blanks wide; ``pushed`` the
    longest value running into the gap (one blank before the next column); columns ``full`` padded with U+3000."""
    ws = [sorted(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    widths = [w[-1] + 2 if kind == "aligned" else max(w[-2] + 2, w[-1] + 1) for w in ws]
    lines = ["".join(_pad(v, w, i in full) for i, (v, w) in enumerate(zip(r, widths, strict=True))).rstrip()
             for r in rows]
    return "\r\n".join(lines).encode("cp932") + b"\r\n"


def _rows(n: int, s: int) -> list[list[str]]:
    return people_rows(n, seed=2340 + 10 * n + s)


def _lists() -> dict[str, bytes]:
    out = {}
    for n in SIZES:
        for s, full in enumerate(({}, {0, 1}, {0})):
            for kind in ("aligned", "pushed"):
                out[f"{kind}{n}_{s}.txt"] = _aligned(_rows(n, s), kind, set(full))
    return out


@cases.case
def _short_lists() -> dict[str, bytes]:
    return _lists()


@cases.case
def _short_shifted() -> dict[str, bytes]:
    out = {}
    for n in SIZES:
        lines = _aligned(_rows(n, 0), "aligned", set()).split(b"\r\n")
        at = lines[2].index(b"  ")
        lines[2] = lines[2][:at] + lines[2][at + 3:]  # 3 bytes of one row lost: its later columns 3 to the left
        out[f"shifted{n}.prn"] = b"\r\n".join(lines)
    lines = _aligned(_rows(9, 0), "pushed", set()).split(b"\r\n")
    at = lines[6].index(b" ")
    lines[6] = lines[6][:at] + b"  " + lines[6][at:]  # 2 blanks added at a "姓 名" space: its later columns 2 right
    out["inserted9.txt"] = b"\r\n".join(lines)
    return out


def test_short_hand_aligned_lists_are_read_with_every_name_whole() -> None:
    """A list of 4-9 persons aligned by hand: main read nothing from half of them (no table: a silent miss); damage23
    read them but cut names at the "姓 名" space (佐藤 | 直樹: on a few lines every family name may be two kanji,
    so that space is blank on every line) and took full-width padding for characters (no column at all). Now a
    short text's boundaries need a two-column gap, as a crossed boundary does in a long one, and U+3000 pads."""
    bad = {}
    for name, data in _lists().items():
        n, s = int(name.split("_")[0][-1]), int(name.split("_")[1][0])
        sheets = read_tables(data, Caps()).sheets
        rows = [list(map(str, r)) for r in sheets[0].rows] if sheets else []
        if [r[:1] for r in rows] != [r[:1] for r in _rows(n, s)] or {len(r) for r in rows} != {4}:
            bad[name] = [" | ".join(r) for r in rows[:2]]
    assert not bad, bad


def test_short_hand_aligned_lists_are_ok_and_every_person_counted(scanned: dict[str, Any]) -> None:
    """Undamaged short lists: `ok`, every person counted, nothing listed (damage23: 4 of 36 `corrupt`
    rows-malformed, some persons cut)."""
    lines = own_lines(scanned, "short_lists")
    got = {Path(h["path"]).name: (h["status"], h["pii"]["records"]) for h in lines["files"]}
    want = {name: ("ok", int(name.split("_")[0][-1])) for name in _lists()}
    assert got == want
    assert lines["skipped"] == []


def test_a_shifted_line_of_a_short_list_is_still_said(scanned: dict[str, Any]) -> None:
    """One line 3 bytes short in a short list: still read and said (`corrupt`, rows-malformed), as damage23 made it."""
    lines = own_lines(scanned, "short_shifted")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    for n in SIZES:
        name = f"shifted{n}.prn"
        assert hits.get(name, {}).get("status") == "corrupt", (name, hits.get(name), listed.get(name))
        assert hits[name]["pii"]["records"] >= n - 1
        assert "rows-malformed" in [c.get("code") for c in listed[name]["detail_codes"]]


def test_blanks_added_to_a_line_of_a_short_list_lose_no_list(scanned: dict[str, Any]) -> None:
    """Two blanks added to one line of a 9-person list whose longest name runs into the gap: with every boundary
    needing a two-column gap the name column's one-column gap (blank on every line) was lost with it, and the whole
    list (no table: nothing listed). A one-column gap blank on every line, with a character just before it on at
    most half the lines, is still a boundary: all 9 persons read."""
    lines = own_lines(scanned, "short_shifted")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    assert hits.get("inserted9.txt", {}).get("pii", {}).get("records") == 9, lines


def test_a_name_written_with_a_full_width_space_is_kept_whole() -> None:
    """Names written 姓　名 (U+3000 between, as test_export_layouts' .prn has them) in short lists: a full-width space
    between two characters is a value's own (a one-column gap at most), not a column's padding."""
    bad = {}
    for n in SIZES:
        for s in range(3):
            rows = [[r[0].replace(" ", "\u3000"), *r[1:]] for r in _rows(n, s)]
            for kind in ("aligned", "pushed"):
                got = [list(map(str, r)) for r in read_tables(_aligned(rows, kind, set()), Caps()).sheets[0].rows]
                if [r[0] for r in got] != [r[0] for r in rows] or {len(r) for r in got} != {4}:
                    bad[f"{kind}{n}_{s}"] = [" | ".join(r) for r in got[:2]]
    assert not bad, bad
