"""review22b: tables22b's column-level region rule against a roster grouped by region (Faker ja_JP, fixed seed 2224;
every expected count derived from the generated rows).

A 氏名 list whose groups are headed by a region row (東　北 alone on its row, then that region's persons with address
and phone) held as many region headings as persons when each region has one person: tables22b's "half or more of the
name column is regions" refused the whole sheet (8 persons with address and phone -> nothing, a false clean; 7d4e0398
found the 8). A region alone on its row is a section heading, not a record: only rows holding more than the name count.
"""

from __future__ import annotations

import pytest
from faker import Faker

from scanner.detectors import pii as P
from scanner.rules import load

SEED = 2224
REGIONS = ["\u3000".join(n) if len(n) == 2 else n for n in load("pii_columns")["japanese_regions"]["names"]][:8]


def _roster(per_region: int, header: bool) -> tuple[list[list[object]], int]:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rows: list[list[object]] = [["氏名", "住所", "電話"]] if header else []
    for region in REGIONS:
        rows.append([region, "", ""])
        rows += [[fake.name(), fake.address(), fake.phone_number()] for _ in range(per_region)]
    return rows, per_region * len(REGIONS)


@pytest.mark.parametrize("per_region", [1, 2])
def test_region_heading_rows_do_not_hide_a_roster(per_region: int) -> None:
    """氏名 | 住所 | 電話 with a region heading row before each region's persons: every person is counted."""
    rows, persons = _roster(per_region, header=True)
    found = P.analyse_sheet("s", rows)
    assert found is not None and found.count == persons, None if found is None else (found.count, found.rejected)


def test_regional_offices_still_no_persons() -> None:
    """The guard kept: each row a region with its office's address and phone (東　北 | 宮城県… | 電話) under 氏名."""
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rows: list[list[object]] = [["氏名", "住所", "電話"]] + [[r, fake.address(), fake.phone_number()] for r in REGIONS]
    found = P.analyse_sheet("s", rows)
    assert found is None or not found.count, (found.count, found.rejected)
