"""Issue 11, session 24 (sample24): what a sampled stage-1 gate in front of the classifier must not lose.

A gate that stops a sheet when the column shares of a small sample (its first 32-64 filled rows) show no name column
was measured on share-20000 (1,769 of 2,258 sheets stopped, none of the 10 person tables) and found unsound by
construction: the classifier reads some sheets in parts whose shares are not the sample's. Here a wide header-less
table of 10 persons (town and block addresses without a prefecture, a municipality or a 4-digit run: no hint of
``pii._HINTS`` anywhere in the sheet, no header word) stands above 100-400 narrow rows: the persons are 10 of the first
64 filled rows (16 %), but ``pii._first_block`` reads the wide table's rows alone and finds them. The sheet fits in the
classifier's head (520 rows), so no later-table rule is involved. Any stage-1 gate must keep these 10 persons.
"""

from __future__ import annotations

import pytest
from faker import Faker

from bench.sample_gate import stopped
from scanner.detectors import pii

# towns of the gazetteer (values.is_town_block) whose names hold no 都道府県市区町村郡: no address hint (pii._HINTS)
TOWNS = ("西新宿", "神宮前", "丸の内", "高輪")


def _sheet(narrow: int) -> list[list[object]]:
    fake = Faker("ja_JP")
    Faker.seed(2424)
    rows: list[list[object]] = [[fake.name(), f"{TOWNS[i % 4]}{i % 3 + 1}-{i % 7 + 2}-{i + 1}", "会員", i + 1, "○", "済"]
                                for i in range(10)]
    rows += [["コピー用紙", i + 1] for i in range(narrow)]
    return rows


@pytest.mark.parametrize("narrow", [100, 400])
def test_persons_above_narrow_rows_found_by_their_own_block(narrow: int) -> None:
    rows = _sheet(narrow)
    assert len(rows) <= pii.HEADER_SCAN_ROWS + pii.SAMPLE_ROWS  # the whole sheet is the classifier's head
    assert not pii._hint(pii._text(rows))  # no name, address, phone or field word a text search could stop on
    filled = [r for r in rows if any(v not in ("", None) for v in r)][:64]
    assert sum(1 for r in filled if len(r) == 6) / len(filled) < 0.2  # a sample's name share: 10 of 64
    assert pii._first_block(rows) == 10  # the wide table's own rows
    assert stopped(rows)  # the measured gate (bench/sample_gate.py) would say nothing is here
    found = pii.analyse_sheet("Sheet1", rows)
    assert found is not None and found.kind == "persons"
    assert found.count == 10
    assert found.columns["name"] == ["A"] and found.columns["address"][0] == "B"
