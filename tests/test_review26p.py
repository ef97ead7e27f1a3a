"""review26p: splits26's joins of header-less text sets pushed with files that are not one text.

Two header-less person lists of one width whose columns stand in another order (``x.csv.01`` name first, ``.02``
address first: two systems' exports, named as pieces) or a person list and a product list of one width are no rows
of one table. Joined, the header-less reader learns the columns of the whole and reads one layout's rows only (or
none): splits26 joined every such set (``rows_alike``, ``pieces_in`` by rows whatever the sizes) and no longer read
a later piece on its own, so the other list's persons were lost without a word (``x.csv.01`` + ``.02``: 40 + 80 read
alone before splits26 -> 80 joined; ``x.txt.001`` persons + ``.002`` products: on no line at all).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan
from document_data import people_rows
from pii_data import csv_bytes

PERSONS_A = people_rows(40, seed=2661, header=False)  # name, kana, address, phone
PERSONS_B = [[r[2], r[3], r[0], r[1]] for r in people_rows(80, seed=2662, header=False)]  # address first
PRODUCTS = [[f"SKU{i:05d}", f"商品{i}", str(100 + i), str(i % 7)] for i in range(80)]


def _tab(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return csv_bytes(rows, encoding, "\t")


def _comma(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return csv_bytes(rows, encoding, ",")


CASES: dict[str, dict[str, bytes]] = {  # case -> file name -> bytes; case -> {name: persons} read expected below
    "order-digits": {"x.csv.01": _comma(PERSONS_A), "x.csv.02": _comma(PERSONS_B)},
    "order-numbered": {"x.txt.001": _tab(PERSONS_A), "x.txt.002": _tab(PERSONS_B)},
    "order-numbered-cp932": {"x.txt.001": _comma(PERSONS_A, "cp932"), "x.txt.002": _comma(PERSONS_B, "cp932")},
    "products-after": {"x.txt.001": _comma(PERSONS_A), "x.txt.002": _comma(PRODUCTS)},
    "order-letters": {"y.txt.aa": _comma(PERSONS_A), "y.txt.ab": _comma(PERSONS_B)},
}
EXPECTED = {
    "order-digits": {"x.csv.01": 40, "x.csv.02": 80},
    "order-numbered": {"x.txt.001": 40, "x.txt.002": 80},
    "order-numbered-cp932": {"x.txt.001": 40, "x.txt.002": 80},
    "products-after": {"x.txt.001": 40},
    "order-letters": {"y.txt.aa": 40, "y.txt.ab": 80},
}


def _cut(tmp: Path, data: bytes, how: tuple[str, ...]) -> dict[str, bytes]:
    work = tmp / "cut"
    work.mkdir()
    (work / "roster.txt").write_bytes(data)
    subprocess.run(["split", *how, "--numeric-suffixes=1", "-a", "3", "roster.txt", "roster.txt."], cwd=work,
                   check=True)
    out = {p.name: p.read_bytes() for p in sorted(work.iterdir()) if p.name != "roster.txt"}
    shutil.rmtree(work)
    return out


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("review26p")
    ev = root / "evidence"
    books = dict(CASES)
    # a pin: one header-less list cut by lines whose later rows hold a name in roman letters and an empty phone
    rows = people_rows(150, seed=2663, header=False)
    for i in (50, 51, 100):
        rows[i] = ["SMITH JOHN", "スミス ジョン", rows[i][2], ""]
    books["one-list-cut"] = _cut(root, _tab(rows), ("-l", "50"))
    EXPECTED["one-list-cut"] = {"roster.txt.001": 150}
    for case, files in books.items():
        (ev / case).mkdir(parents=True)
        for name, data in files.items():
            (ev / case / name).write_bytes(data)
    with zipfile.ZipFile(ev / "in-zip.zip", "w") as z:  # the same in an archive (series_join)
        for name, data in CASES["order-numbered"].items():
            z.writestr(f"in-zip/{name}", data)
    done = run_leakscan("scan", str(ev), "--out", str(root / "out"), "--workers", "1", "--quiet", timeout=300)
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads((root / "out" / "findings.json").read_text(encoding="utf-8"))


def _records(doc: dict[str, Any], case: str) -> dict[str, int]:
    return {f["path"].rsplit("/", 1)[1]: (f.get("pii") or {}).get("records", 0)
            for f in doc["files"] if f"{case}/" in f["path"] and (f.get("pii") or {}).get("records")}


def _lines(doc: dict[str, Any], case: str) -> list[tuple[str, list[str]]]:
    return [(e["path"].rsplit("/", 1)[1], [c["code"] for c in e.get("status_detail_codes") or e.get("detail_codes")
                                           or []]) for key in ("files", "skipped") for e in doc[key]
            if f"{case}/" in e["path"]]


@pytest.mark.parametrize("case", sorted(CASES))
def test_lists_of_other_columns_named_as_pieces_are_each_read(scanned: dict[str, Any], case: str) -> None:
    assert _records(scanned, case) == EXPECTED[case], _lines(scanned, case)


def test_lists_of_other_columns_in_a_zip_are_each_read(scanned: dict[str, Any]) -> None:
    assert _records(scanned, "in-zip") == EXPECTED["order-numbered"], _lines(scanned, "in-zip")


def test_lists_of_other_columns_are_said_apart(scanned: dict[str, Any]) -> None:
    """Files named as one text's pieces read each on its own are said so on their rows (not silently)."""
    assert all("split-pieces-unlike" in codes for _name, codes in _lines(scanned, "order-numbered")), \
        _lines(scanned, "order-numbered")


def test_one_list_cut_by_lines_with_odd_rows_is_still_joined(scanned: dict[str, Any]) -> None:
    assert _records(scanned, "one-list-cut") == EXPECTED["one-list-cut"], _lines(scanned, "one-list-cut")


def test_a_plain_cut_by_lines_is_not_said_uneven(scanned: dict[str, Any]) -> None:
    """``split -l 50``: its pieces differ by a few bytes, as every such cut's do (up to about three lines). splits26
    said ``split-joined-uneven`` on every such set (96 of 96 joined line-cut sets of its sweep): a note on every set
    tells nothing. Said now when a piece is shorter than the others by more than the cut's own play (three of the
    first piece's longest lines, or a twentieth of a piece): splits26's ``uneven``/``longcell`` -C sets still say it."""
    assert _lines(scanned, "one-list-cut") == [("roster.txt.001", [])], _lines(scanned, "one-list-cut")


def test_a_lettered_text_set_over_the_hold_in_a_zip_is_said(tmp_path: Path) -> None:
    """``_TEXT_PIECE`` holds ``big.csv.ab`` with its first piece, but over ``--max-inspect-mb`` the folder is not
    grouped and only ``.NNN`` sets were said (``_not_held``): ``big.csv.aa`` read alone (a third of the persons), the
    later pieces (header-less, named ``.ab``: read by nothing) on no line, exit 0. Now the set is listed
    ``split-set-over-hold`` at its first piece, exit 3, as a ``.001`` set is."""
    rows = people_rows(1200, seed=2664)
    data = csv_bytes(rows[:1] + rows[1:] * 10, "utf-8")  # 12,000 rows, over 1 MiB
    work = tmp_path / "cut"
    work.mkdir()
    (work / "big.csv").write_bytes(data)
    subprocess.run(["split", "-l", "4000", "big.csv", "big.csv."], cwd=work, check=True)
    ev = tmp_path / "evidence"
    ev.mkdir()
    with zipfile.ZipFile(ev / "hold.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for piece in sorted(work.iterdir()):
            if piece.name != "big.csv":
                z.writestr(f"d/{piece.name}", piece.read_bytes())
    done = run_leakscan("scan", str(ev), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet",
                        "--max-inspect-mb", "1", timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    said = [(s["path"], [c["code"] for c in s.get("detail_codes") or []]) for s in doc["skipped"]]
    assert [p for p, codes in said if "split-set-over-hold" in codes] == [f"{ev}/hold.zip » d/big.csv.aa"], said
    assert done.returncode == 3, said
