"""tables23b: a person's row above a wide export's header (Faker ja_JP, fixed seed 2323 as tables23/review23t).

1. A line above the header naming a person with an address - a submitter/contact line (担当 | 山田 花子 | 東京都…, or all
   in one cell) or one person typed above the header row (her own cells, or in the export's columns) - was neither
   counted nor said (the rows above a header are read only when 2+ of them are all the table's records: tables13).
   It is now said on the sheet as ``lone-row`` (tables23's rejection for a lone narrow row below the export), never
   counted; only when the line names a person (review23t's rule: a title, a label or a total line names nobody).
"""

from __future__ import annotations

import pytest
from faker import Faker

from scanner.codes import Rejection
from scanner.detectors import pii as P

SEED = 2323
Rows = list[list[object]]
WIDE_HEADER = ["姓", "名", "郵便番号", "都道府県", "市区町村", "町名", "番地", "建物名", "部屋", "電話"]


def _fake() -> Faker:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return fake


def _record(fake: Faker) -> list[object]:
    return [fake.last_name(), fake.first_name(), fake.postcode(), fake.prefecture(), fake.city(), fake.town(),
            fake.chome() + fake.ban(), fake.building_name(), str(fake.random_int(101, 905)), fake.phone_number()]


def _export(fake: Faker, n: int) -> Rows:
    return [WIDE_HEADER, *(_record(fake) for _ in range(n))]


def _above(fake: Faker, shape: str) -> Rows:
    name, address, phone = fake.name(), fake.address(), fake.phone_number()
    return {"own cells": [[name, address, phone]],
            "padded to 10": [[name, address, phone, *[""] * 7]],
            "contact line": [["担当", name, address, phone]],
            "contact in one cell": [[f"担当 {name} {address}"]],
            "submitter": [["提出者", name, address]],
            "export's columns": [_record(fake)],
            "under a title": [["顧客名簿"], [name, address, phone], []]}[shape]


@pytest.mark.parametrize("shape", ["own cells", "padded to 10", "contact line", "contact in one cell", "submitter",
                                   "export's columns", "under a title"])
def test_a_person_line_above_the_header_is_said_as_a_lone_row(shape: str) -> None:
    """One person's line above a 10-column export's header: nothing (no record, no rejection) -> lone-row 1, never
    counted (the export's 30 persons as before)."""
    fake = _fake()
    rows = _export(fake, 30)
    above = _above(fake, shape)
    found = P.analyse_sheet("export", [*above, *rows])
    assert found is not None and found.count == len(rows) - 1, None if found is None else (found.count, found.rejected)
    assert found.header_row == len(above) + 1
    assert found.rejected == {Rejection.LONE_ROW: 1}, found.rejected


@pytest.mark.parametrize("line", [["顧客名簿 2024年度"], ["本社", "東京都千代田区丸の内1-1-1", "03-1234-5678"],
                                  ["発行元", "大阪府大阪市北区梅田1-2-3"], ["合計", "30名", "東京都新宿区西新宿2-8-1"],
                                  ["作成日", "2024/04/01"], ["所在地", "東京都港区芝公園4-2-8"]])
def test_a_line_above_the_header_naming_nobody_is_no_lone_row(line: list[object]) -> None:
    """The guard (review23t's rule): a title, a label with an address, a total, a date above the header name nobody."""
    fake = _fake()
    rows = _export(fake, 30)
    found = P.analyse_sheet("export", [line, *rows])
    assert found is not None and found.count == len(rows) - 1 and not found.rejected, \
        None if found is None else (found.count, found.rejected)


def test_records_sorted_above_the_header_are_still_read() -> None:
    """The guard (tables13): two or more of the table's own records above its header are its rows, counted."""
    fake = _fake()
    rows = _export(fake, 30)
    found = P.analyse_sheet("export", [*rows[5:8], rows[0], *rows[1:5], *rows[8:]])
    assert found is not None and found.count == len(rows) - 1 and not found.rejected, \
        None if found is None else (found.count, found.rejected)


# --- 2. a floor alone beside an era's year ---------------------------------------------------------------------------------

def _persons_at(addresses: list[str]) -> int:
    """Distinct persons of one Faker name at one Faker block, each record's building part as typed (tables23's)."""
    from scanner.models import PersonRecord
    from scanner.persons.count import count, make_rows
    fake = _fake()
    name, home = fake.name(), f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()} "
    records = [PersonRecord("s", i, {"name": name, "address": home + a}) for i, a in enumerate(addresses)]
    return count(make_rows(0, records)[0]).unique


@pytest.mark.parametrize("typed", [["コーポ山田 2F", "コーポ山田 H30"], ["コーポ山田 2F", "コーポ山田H30"],
                                   ["コーポ山田 2階", "コーポ山田 R2"], ["コーポ山田 B1F", "コーポ山田 H30"],
                                   ["メゾン2000 2F", "メゾン2000 H30"], ["コーポ山田 3F", "コーポ山田 301", "コーポ山田 H30"]])
def test_a_floor_alone_beside_an_era_year_is_one_person(typed: list[str]) -> None:
    """A floor alone (2F) is where she lives in the building as a room is: an era's year beside it joins her as it joins
    her 101号室 (tables23's rule: the building's only person with a room). Keying 23 gave the floor no any-room tag:
    2 persons (833d2d7d: 1, the spaced year a date)."""
    assert _persons_at(typed) == 1


@pytest.mark.parametrize("typed, persons", [(["コーポ山田 2F", "コーポ山田 101", "コーポ山田 H30"], 3),
                                            (["コーポ山田 2F", "コーポ山田 3F", "コーポ山田 H30"], 3),
                                            (["コーポ山田 2F", "コーポ山田 3F"], 2), (["コーポ山田 2F", "コーポ山田 201"], 1)])
def test_an_era_year_beside_two_persons_of_the_building_stays_its_own(typed: list[str], persons: int) -> None:
    """The guard: two persons in the building (a floor and a room of another floor, or two floors): the year names
    neither, its own person (as beside 101 and 202; 833d2d7d: 3 too, keying 23: the year joined 101, 2); floors and rooms
    among themselves as before."""
    assert _persons_at(typed) == persons
