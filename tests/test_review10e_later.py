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
from tests.pii_data import csv_bytes, facility_list, inventory, people, product_list, standard, xlsx_bytes

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


PEOPLE = people(60, seed=1011)


def spaced(ps: list) -> list[list[object]]:
    """A person table whose header words are spaced as on printed forms (氏　名, 住　所: find_header reads them)."""
    return [["No", "氏　名", "住　所", "電　話"], *[[i, p.name, p.address, p.phone] for i, p in enumerate(ps, 1)]]


def test_a_spaced_header_below_a_list_of_things_starts_a_table(tmp_path: Path) -> None:
    """Below an inventory (its header names places and staff, no persons) only a name+address header starts a table;
    its pre-filter took only unspaced words, so 氏　名 | 住　所 (which find_header reads) was never looked at."""
    rows = inventory(people(600, seed=5)) + spaced(PEOPLE)
    assert P.analyse_sheet("一覧", iter(spaced(PEOPLE))) is not None  # the table alone is a person table
    share = tmp_path / "share"
    share.mkdir()
    (share / "備品.xlsx").write_bytes(xlsx_bytes({"一覧": rows}))
    (share / "備品.csv").write_bytes(csv_bytes(rows))  # cp932
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    files = {Path(f["path"]).name: f for f in doc["files"]}
    for name in ("備品.xlsx", "備品.csv"):
        assert name in files, sorted(files)
        assert files[name]["pii"]["records"] == len(PEOPLE)


def facility_heads(ps: list) -> list[list[object]]:
    """Care facilities with their heads' names: the header says it is no person table (find_header reads it)."""
    kinds = ["デイサービスセンター", "ケアホーム", "訪問介護事業所", "グループホーム"]
    return [["施設名", "施設長", "所在地", "電話番号"],
            *[[f"{p.address[3:6]}{kinds[i % 4]}", ps[-i - 1].name, p.address, p.phone] for i, p in enumerate(ps)]]


def test_a_header_hit_below_the_sample_is_read_as_the_windows_header(tmp_path: Path) -> None:
    """A hint in a header row starts a window LATER_CONTEXT rows above it; with 20 rows the header was the window's
    21st row, past find_header's rows, so a facility list whose header names no persons was read header-less and
    its heads taken for 700 business contacts; the rows below that window must be searched as below a header naming no persons (the same list at the top of a sheet is no hit)."""
    heads = facility_heads(people(700, seed=21))  # longer than one window: its rows below the window, too
    assert P.analyse_sheet("施設", iter(heads)) is None
    share = tmp_path / "share"
    share.mkdir()
    (share / "購入と施設.xlsx").write_bytes(xlsx_bytes({"一覧": product_list(1000) + heads}))
    (share / "購入と施設.csv").write_bytes(csv_bytes([[]] * 600 + heads))
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert not [Path(f["path"]).name for f in doc["files"] if f.get("pii")]


def test_a_header_inside_a_failed_window_starts_the_next_one() -> None:
    """A header-less facility list (a hint on every row) of 700 rows, then a person table: the window classified from
    row 503 held the facilities' last rows and the persons' header at its 499th row, past any header search, and
    failed; the next window began below it, the table's header and first rows lost (or the table missed)."""
    rows = facilities(700) + TABLE
    f = P.analyse_sheet("一覧", iter(rows))
    assert f is not None and f.count == len(TABLE) - 1
    assert f.header_row == 701 and f.rows[0][0] == 702
    g = P.analyse_sheet("一覧", iter(facilities(1000) + TABLE))
    assert g is not None and g.count == len(TABLE) - 1 and g.header_row == 1001
