"""Sheets and files too big to be read or classified whole (Session 14, bigsheet14; found by review13c).

A person list is never lost because more rows than its own follow it, and a file stopped by a cap is examined as
far as it was read and listed with how far that was:
- 40 persons under a 氏名/住所/電話 header above (or between, or below) more rows of numbers than the classifier's
  sample holds: the sample as a whole refused the header (its name column mostly numbers), so the sheet gave no
  finding at all (review13c: 40 persons on top of 10^6 numeric rows; also on main);
- a file over --max-cells: the rows read before the cap were thrown away with the reader's ReadError (too-large, 0
  records); an .xlsx whose cells reach past the cap and an .xls declaring it were refused before any row was read;
- the cell budget restarted at every sheet, so a workbook of many sheets ran until the worker's timeout: it is one
  budget per file now (sheets, tables, caches together).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from tests.conftest import ROOT, run_leakscan
from tests.pii_data import csv_bytes, ods_bytes, xls_bytes, xlsx_bytes

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

PERSONS = person_rows(40, 20261414)  # header 氏名 | フリガナ | 住所 | 電話番号 | 生年月日, then 40 persons
NUMBERS = 1200  # more rows than the classifier's sample (520): the persons are the sample's minority


def _numbers(n: int, start: int = 0) -> list[list[object]]:
    return [[start + i, (start + i) * 7 % 13, (start + i) % 5 + 0.5] for i in range(n)]


LAYOUTS = {
    "top": PERSONS + _numbers(NUMBERS),
    "middle": _numbers(NUMBERS) + [[]] + PERSONS + [[]] + _numbers(NUMBERS, 10_000),
    "end": _numbers(NUMBERS) + [[]] + PERSONS,
}


def _write(folder: Path, stem: str, rows: list[list[object]], kinds: tuple[str, ...]) -> None:
    for kind in kinds:
        if kind == "xlsx":
            data = xlsx_bytes({"名簿": rows})
        elif kind == "xls":
            data = xls_bytes({"名簿": rows})
        elif kind == "ods":
            data = ods_bytes({"名簿": rows})
        else:
            data = csv_bytes(rows)
        (folder / f"{stem}.{kind}").write_bytes(data)


def _database(path: Path, rows: list[list[object]]) -> None:
    """A table whose columns are the list's header: the persons first, then rows of numbers in the same columns."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (" + ", ".join(f'"{c}"' for c in rows[0]) + ")")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [(*r, *[None] * (5 - len(r))) for r in rows[1:]])
    con.commit()
    con.close()


def _scan(share: Path, tmp_path: Path, *extra: str) -> dict[str, dict]:
    """name -> {status, records, codes} of every file the CLI lists (a hit, or a skipped file); no traceback."""
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet", *extra)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    findings = json.loads((out / "findings.json").read_text())
    got = {}
    for f in findings["files"]:
        got[f["path"].rsplit("/", 1)[-1]] = {"status": f["status"], "records": (f.get("pii") or {}).get("records", 0),
                                             "codes": f.get("status_detail_codes") or []}
    for s in findings["skipped"]:
        got.setdefault(s["path"].rsplit("/", 1)[-1], {"status": s["reason"], "records": 0,
                                                      "codes": s.get("detail_codes") or []})
    return got


def _code(entry: dict, code: str) -> dict:
    return next((c for c in entry["codes"] if c.get("code") == code), {})


def test_persons_above_between_or_below_more_rows_of_numbers_are_found(tmp_path: Path) -> None:
    """The real default path (no cap lowered): a 氏名/住所/電話 list whose rows are fewer than the numbers after it in
    the classifier's sample is found and counted in every format, wherever it lies in the sheet."""
    share = tmp_path / "share"
    share.mkdir()
    for where, rows in LAYOUTS.items():
        _write(share, where, rows, ("xlsx", "xls", "ods", "csv"))
    _database(share / "top.sqlite", LAYOUTS["top"])
    got = _scan(share, tmp_path)
    expected = {f"{w}.{k}" for w in LAYOUTS for k in ("xlsx", "xls", "ods", "csv")} | {"top.sqlite"}
    assert {n: (g["status"], g["records"]) for n, g in got.items()} == {n: ("ok", 40) for n in expected}


def test_a_file_over_the_cell_cap_keeps_the_persons_read_before_it(tmp_path: Path) -> None:
    """--max-cells 2000 stands in for a sheet too large to read whole (the same budget, the same stop): the persons
    at the top are counted, the file is too-large with the cap and how far it was read; persons past the cap are
    not read, and that file is listed too-large, never clean or nothing."""
    share = tmp_path / "share"
    share.mkdir()
    kinds = ("xlsx", "xls", "ods", "csv")
    _write(share, "top", LAYOUTS["top"], kinds)
    _write(share, "end", LAYOUTS["end"], kinds)
    _database(share / "top.sqlite", LAYOUTS["top"])
    got = _scan(share, tmp_path, "--max-cells", "2000")
    for kind in (*kinds, "sqlite"):
        top = got[f"top.{kind}"]
        assert (top["status"], top["records"]) == ("too-large", 40), (kind, top)
        assert _code(top, "file-over-cells") == {"code": "file-over-cells", "n": 2000}, (kind, top)
        far = _code(top, "read-up-to")
        assert far["sheet"] == 1 and 41 < far["row"] < NUMBERS, (kind, far)  # the persons and some numbers only
    for kind in kinds:
        end = got[f"end.{kind}"]
        assert (end["status"], end["records"]) == ("too-large", 0), (kind, end)


def test_the_cell_cap_is_one_budget_for_all_the_sheets_of_a_file(tmp_path: Path) -> None:
    """Task B: 30 sheets of 1,500 cells under --max-cells 10000 (each sheet alone is under it). Before, the count
    restarted at each sheet and the file was read whole (a workbook of 500 such sheets ran until the timeout); now
    the file stops after about 7 sheets, its first sheet's persons counted, listed too-large with where it stopped."""
    share = tmp_path / "share"
    share.mkdir()
    sheets = {"名簿": PERSONS, **{f"data{i}": _numbers(500) for i in range(30)}}
    (share / "many.xlsx").write_bytes(xlsx_bytes(sheets))
    (share / "many.ods").write_bytes(ods_bytes(sheets))
    got = _scan(share, tmp_path, "--max-cells", "10000")
    for name in ("many.xlsx", "many.ods"):
        entry = got[name]
        assert (entry["status"], entry["records"]) == ("too-large", 40), (name, entry)
        assert 2 <= _code(entry, "read-up-to")["sheet"] <= 8, (name, entry)

