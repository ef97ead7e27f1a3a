"""fix18b: two silent losses found by review18b in the next-table search (Faker ja_JP, fixed seed): a header-less
shift roster whose lead was replaced by a table found further down, and small lists of two layouts taking turns."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from faker import Faker

from scanner.codes import Rejection, SheetKind
from scanner.detectors import pii as P


def _roster(seed: int) -> list[list[object]]:
    """氏名 | 店舗住所 | 日付 | シフト with no header: 6 staff at 2 stores, 30 days each, sorted by staff."""
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    stores = [f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}" for _ in range(2)]
    staff = [(fake.name(), stores[i % 2]) for i in range(6)]
    return [[n, a, (dt.date(2026, 4, 1) + dt.timedelta(d)).isoformat(), rnd.choice(["早番", "遅番", "日勤"])]
            for n, a in staff for d in range(30)]


@pytest.mark.parametrize("seed", [18182, 1])
def test_a_table_found_below_a_lead_keeps_the_leads_rows_said(seed: int) -> None:
    """The roster's sample is a names-elsewhere lead; the later-table search then finds a window holding one staff
    member's run (one name at one address: 30 persons). That table replaced the lead and the other 150 rows were
    neither a record nor a refusal. Now the lead's rows above the table found are kept beside it, refused
    ``name-elsewhere``: every row is said."""
    found = P.analyse_sheet("シフト", _roster(seed))
    assert found is not None
    persons = found.count if found.kind != SheetKind.NAMES else 0  # a lead's count is its refused rows (tables19:
    assert persons + sum(found.rejected.values()) == 180  # the staff member's run is the lead's rows) - each row once
    assert found.rejected.get(Rejection.NAME_ELSEWHERE, 0) >= 150


@pytest.fixture(scope="module")
def people() -> list[tuple[str, str]]:
    fake = Faker("ja_JP")
    fake.seed_instance(5)
    return [(fake.name(), f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}{fake.gou()}")
            for _ in range(200)]


def _lists(people: list[tuple[str, str]], blocks: int, per: int) -> list[list[object]]:
    """``blocks`` lists of ``per`` rows, 氏名 | 住所 | 電話 and 電話 | 氏名 | 住所 taking turns, no blank row between."""
    rows: list[list[object]] = []
    for b in range(blocks):
        rows.append(["電話", "氏名", "住所"] if b % 2 else ["氏名", "住所", "電話"])
        for i in range(per):
            n, a = people[(b * per + i) % len(people)]
            rows.append(["03-1234-5678", n, a] if b % 2 else [n, a, "03-1234-5678"])
    return rows


@pytest.mark.parametrize("per", [3, 4])
def test_small_lists_of_two_layouts_taking_turns_are_each_read(people: list[tuple[str, str]], per: int) -> None:
    """Each list's header was confirmed by peeking 8 rows below it; with 3 or 4 rows a list the peek read the next
    list's header and rows, the other header was not confirmed, and the sheet gave nothing (no hit, no skip) or 16
    of 40. The peek now ends at the next header."""
    found = P.analyse_sheet("名簿", _lists(people, 10, per))
    assert found is not None and found.count == 10 * per
    assert {r.fields["name"] for r in found.records} == {n for n, _ in people[:10 * per]}


def test_a_hundred_small_lists_of_two_layouts_say_every_row(people: list[tuple[str, str]]) -> None:
    """100 lists of 4 rows: nothing at all before. Past MAX_TABLES the rest is read in the last table's columns (its
    rows refused and listed), so every row is a person or a listed refusal."""
    found = P.analyse_sheet("名簿", _lists(people, 100, 4))
    assert found is not None
    assert found.count >= 64 * 4
    assert found.count + sum(found.rejected.values()) >= 400
