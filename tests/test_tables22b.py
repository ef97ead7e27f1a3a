"""tables22b: review22t's leftovers on person tables (Faker ja_JP, fixed seed 2223; every expected count derived from
the generated rows).

1. Blank-row gaps inside a header-less list: 5 persons, 12+ blank rows, 5 persons read as nothing (a false clean).
2. A region-shaped real name (北　陸, 東　海) in a 氏名 column of real names is a person, not a region.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from faker import Faker

from scanner.detectors import pii as P
from tests.conftest import ScanCases, own_lines

SEED = 2223
Rows = list[list[object]]
HEADER = ["氏名", "住所", "電話"]


def _fake() -> Faker:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return fake


def _persons(fake: Faker, n: int) -> Rows:
    return [[fake.name(), fake.address(), fake.phone_number()] for _ in range(n)]


def _gapped(n: int, gap: int, header: bool, parts: int = 2) -> Rows:
    """``parts`` lists of ``n`` persons with ``gap`` blank rows between them, under a header or not."""
    fake = _fake()
    rows: Rows = [list(HEADER)] if header else []
    for i in range(parts):
        if i:
            rows += [[] for _ in range(gap)]
        rows += _persons(fake, n)
    return rows


def _xlsx(rows: Rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for i, row in enumerate(rows, 1):
        for j, v in enumerate(row, 1):
            sheet.cell(i, j, v)  # a blank row is no cell at all, as a real sheet's gap
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows: Rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row if row else ["", "", ""])
    return out.getvalue().encode("utf-8")


# --- 1. blank-row gaps inside a list --------------------------------------------------------------------------------

@pytest.mark.parametrize("header", [False, True], ids=["header-less", "headed"])
@pytest.mark.parametrize(("n", "gap", "parts"), [(5, 12, 2), (5, 15, 2), (5, 40, 2), (3, 10, 2), (8, 30, 2),
                                                 (5, 100, 2), (3, 20, 4), (10, 200, 2)])
def test_blank_rows_between_persons_do_not_hide_them(header: bool, n: int, gap: int, parts: int) -> None:
    """A sheet of ``parts`` x ``n`` persons (name | address | phone) with ``gap`` blank rows between the groups.
    Header-less, the sample's blank rows counted as rows whose name and address were missing: each column was filled
    in fewer than half the sample's rows, no name column was found and the sheet was NOTHING (5 + 12 blank + 5: 10
    persons, no finding, no listing). Every person is counted."""
    rows = _gapped(n, gap, header, parts)
    found = P.analyse_sheet("s", rows)
    assert found is not None and found.count == n * parts and not found.rejected, (
        None if found is None else (found.count, found.rejected))


def _book_cases() -> dict[str, bytes]:
    return {f"gap{gap}_{'h' if header else 'n'}.{kind}": (_xlsx if kind == "xlsx" else _csv)(_gapped(5, gap, header))
            for gap in (12, 40) for header in (False, True) for kind in ("xlsx", "csv")}


cases = ScanCases("tables22b")
cases.case(_book_cases)
scanned = cases.fixture()


def test_blank_rows_between_persons_in_files(scanned: dict[str, Any]) -> None:
    """The same end to end (xlsx with the gap as missing rows, CSV with empty lines of commas): each file 10 persons."""
    lines = own_lines(scanned, "book_cases")
    got = {h["path"].rsplit("/", 1)[-1]: h["pii"]["records"] for h in lines["files"]}
    assert got == dict.fromkeys(_book_cases(), 10), (got, lines["skipped"])


# --- 2. a region-shaped real name among real names ------------------------------------------------------------------

@pytest.mark.parametrize("header", [True, False], ids=["氏名", "header-less"])
def test_a_name_spelled_like_a_region_among_persons_is_a_person(header: bool) -> None:
    """北　陸 (Kita Riku) and 東　海 (Azuma Kai) among 8 persons: persons on afb90976, then `not-a-name` (tables22 refused
    every region spelling as a name, whatever the column held). A lone region-shaped value in a column of real names is
    a person: every row counted."""
    fake = _fake()
    rows: Rows = [list(HEADER)] if header else []
    rows += _persons(fake, 8)
    rows += [["北\u3000陸", fake.address(), fake.phone_number()], ["東\u3000海", fake.address(), fake.phone_number()]]
    found = P.analyse_sheet("名簿", rows)
    expected = len(rows) - (1 if header else 0)
    assert found is not None and found.count == expected and not found.rejected, (
        None if found is None else (found.count, found.rejected))


@pytest.mark.parametrize("header", [None, ["氏名", "住所", "電話"], ["地方", "住所", "電話"], ["ブロック", "所在地", "TEL"]],
                         ids=["header-less", "氏名", "地方", "ブロック"])
def test_a_column_of_regions_is_no_persons(header: list[str] | None) -> None:
    """The guard (tables22): a regional offices list (東　北 | 宮城県… | 電話, each two-letter region spread with a
    full-width space), header-less or headed, is a column of regions: no person, even headed 氏名."""
    from scanner.rules import load
    fake = _fake()
    spread = ["\u3000".join(n) for n in load("pii_columns")["japanese_regions"]["names"] if len(n) == 2]
    rows: Rows = ([header] if header else []) + [[t, fake.address(), fake.phone_number()] for t in spread]
    found = P.analyse_sheet("拠点", rows)
    assert found is None or not found.records, (found.kind, found.count)
