"""tables19: person tables still missed or miscounted after session 18 (Faker ja_JP, fixed seed 1919)."""

from __future__ import annotations

import random

from faker import Faker

from scanner.codes import Rejection
from scanner.detectors import pii as P

SEED = 1919
FAKE = Faker("ja_JP")
FAKE.seed_instance(SEED)
RND = random.Random(SEED)
ITEMS = ["ノートPC", "プロジェクター", "デジタルカメラ", "延長コード", "ホワイトボード"]
STAFF = [FAKE.last_name() for _ in range(3)]
PEOPLE = [(FAKE.name(), f"{FAKE.prefecture()}{FAKE.city()}{FAKE.town()}{FAKE.chome()}{FAKE.ban()}",
           FAKE.postcode(), FAKE.phone_number()) for _ in range(300)]

Rows = list[list[object]]


def _inventory(n: int) -> Rows:
    return [[RND.choice(ITEMS), f"AB-{RND.randint(100, 999)}", RND.randint(1, 9), f"本社倉庫{RND.randint(1, 5)}番棚",
             RND.choice(STAFF)] for _ in range(n)]


def _members(at: int, n: int, width: int) -> Rows:
    return [[name, post, address, phone, *[""] * (width - 4)] for name, address, post, phone in PEOPLE[at:at + n]]


# --- past MAX_TABLES ------------------------------------------------------------------------------------------------

def _lists(blocks: int, per: int) -> Rows:
    """``blocks`` lists of ``per`` rows, 氏名 | 住所 | 電話 and 電話 | 氏名 | 住所 taking turns, no blank row between."""
    rows: Rows = []
    for b in range(blocks):
        rows.append(["電話", "氏名", "住所"] if b % 2 else ["氏名", "住所", "電話"])
        for i in range(per):
            n, a, _post, _phone = PEOPLE[(b * per + i) % len(PEOPLE)]
            rows.append(["03-1234-5678", n, a] if b % 2 else [n, a, "03-1234-5678"])
    return rows


def test_past_max_tables_another_lists_header_is_nobody() -> None:
    """Past MAX_TABLES the rest is read in the last table's columns: the other layout's header row 電話 | 氏名 | 住所 was
    read as a person named 電話 (18 false persons of 100 lists). It is read as a blank row now; the other layout's rows
    stay listed refusals."""
    found = P.analyse_sheet("名簿", _lists(100, 4))
    assert found is not None
    names = {p[0] for p in PEOPLE}
    assert all(r.fields["name"] in names for r in found.records)  # 346 -> 328 persons, all of them real
    assert found.count >= 64 * 4
    assert found.count + found.rejected.get(Rejection.NOT_A_NAME, 0) == 400  # every data row said once
