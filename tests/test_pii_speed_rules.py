"""The shortcuts that make sheet classification cheap give the same answers as testing every value.

1. A column that is mostly numbers, dates or times is never tested as a name column: every name test fails
   on such values (checked here on generated values), and no name rule accepts fewer than half passing. The
   same holds for texts of digits among kana, kanji and signs (tests/test_pii_classify_equal.py).
2. A header-less sheet without a name column is nothing (no person, no lead): its other columns are not tested.
3. ``mostly`` tests a repeated text once: same answer as testing each cell.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.detectors import headerless as H
from scanner.detectors import person_names as N
from scanner.detectors import pii as P
from scanner.detectors import values as V
from scanner.detectors.pii import analyse_sheet
from scanner.detectors.plan import mostly, share

NAME_TESTS = [
    V.looks_like_spaced_name, N.japanese_name_shape, N.japanese_family_name_shape, N.japanese_given_name_shape,
    N.starts_with_surname, N.latin_name_known, H._single_token, V.looks_like_latin_street,
    lambda v: N.known_first_name(V.nfkc(v)), lambda v: N.known_last_name(V.nfkc(v)),
    lambda v: bool(H._CAPITALISED.fullmatch(V.nfkc(v))),
]

numbers = st.one_of(
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: f"{d.year}/{d.month}/{d.day}"),
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.text(alphabet="0123456789０１２３４５６７８９.,:/-+()%¥$ ", min_size=1, max_size=14),
)


@settings(max_examples=400, deadline=None)
@given(numbers)
def test_every_name_test_fails_on_numbers_dates_and_times(v: str) -> None:
    if not H._NUMBER.fullmatch(v):
        return  # not what the shortcut counts as a number
    for test in NAME_TESTS:
        assert not test(v), (test, v)


def _table(rnd: random.Random, rows: int, numeric_share: float) -> list[list[object]]:
    names = ["山田 太郎", "鈴木 花子", "佐藤 一郎", "高橋 次郎", "田中 美咲", "伊藤 健"]
    addresses = ["東京都小金井市本町3-12-5", "東京都八王子市元本郷町1-2-3", "東京都立川市錦町2-4-6"]
    out = []
    for _ in range(rows):
        name = str(rnd.randint(1, 99999)) if rnd.random() < numeric_share else rnd.choice(names)
        out.append([rnd.randint(1, 500), name, rnd.choice(addresses), f"2017-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}"])
    return out


def test_the_numeric_shortcut_and_the_early_exit_give_the_same_sheets_as_testing_everything(monkeypatch) -> None:
    """Header-less sheets whose name column holds more or fewer numbers: the same finding with the
    shortcuts as with them switched off."""
    rnd = random.Random(5)
    tables = [_table(rnd, rnd.randint(5, 120), share) for share in (0.0, 0.2, 0.39, 0.45, 0.5, 0.55, 0.8, 1.0)
              for _ in range(3)]
    fast = [analyse_sheet("s", t) for t in tables]
    monkeypatch.setattr(H, "_numbers", lambda col: False)
    monkeypatch.setattr(H, "_no_name", lambda col: False)  # nor the digits-among-kana shortcut
    monkeypatch.setattr(P, "discover", lambda *a, need_name=False, **k: H.discover(*a, **k))
    slow = [analyse_sheet("s", t) for t in tables]
    assert [f and (f.count, f.columns) for f in fast] == [f and (f.count, f.columns) for f in slow]
    assert any(f is not None for f in fast) and any(f is None for f in fast)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["山田 太郎", "1200", "", "  ", "東京都", "鈴木 花子", "x"]), max_size=60),
       st.sampled_from([0.2, 0.5, 0.6, 0.9]))
def test_mostly_equals_the_share_of_filled_values(values: list[str], at_least: float) -> None:
    test = V.looks_like_spaced_name
    filled = [v for v in values if v.strip()]
    assert mostly(values, test, at_least) == (bool(filled) and share(values, test) >= at_least - 1e-9)
