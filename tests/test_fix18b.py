"""fix18b: two silent losses found by review18b in the next-table search (Faker ja_JP, fixed seed): a header-less
shift roster whose lead was replaced by a table found further down, and small lists of two layouts taking turns."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from faker import Faker

from scanner.codes import Rejection
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
    assert found.count + sum(found.rejected.values()) == 180  # each row said once
    assert found.rejected.get(Rejection.NAME_ELSEWHERE, 0) >= 150
