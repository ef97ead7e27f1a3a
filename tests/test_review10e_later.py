"""Review of sample10 (rows past the sample): a window classified after a hint and found to hold no person table must
not lose rows or shift the sheet's row numbers. A header-less list whose every row is a hint (facilities: address and
phone) makes the first window start at the sheet's second row; the sample and the first block read (776 rows) are held,
the window reads 520 of them. Before the fix the other 255 rows were dropped unsearched and every later row was
numbered 255 too low. Generated people (scanner.demo, fixed seeds), asserted through analyse_sheet and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from scanner.detectors import pii as P
from tests.conftest import run_leakscan
from tests.pii_data import facility_list, people, product_list, standard, xlsx_bytes

TABLE = standard(people(50, seed=1011))


def facilities(n: int) -> list[list[object]]:
    return facility_list(people(n, seed=9))[1:]  # header-less: every row an address and a phone, no person


def test_rows_below_a_failed_window_keep_the_sheet_numbers() -> None:
    rows = facilities(530) + product_list(2000)[1:] + TABLE
    f = P.analyse_sheet("一覧", iter(rows))
    assert f is not None and f.count == len(TABLE) - 1
    assert f.header_row == 530 + 2000 + 1
    assert f.rows[0][0] == f.header_row + 1


def test_a_table_in_the_rows_held_past_a_failed_window_is_found(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "施設一覧.xlsx").write_bytes(xlsx_bytes({"一覧": facilities(600) + TABLE}))
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    files = {Path(f["path"]).name: f for f in doc["files"]}
    assert files["施設一覧.xlsx"]["pii"]["records"] == len(TABLE) - 1
