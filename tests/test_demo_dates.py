"""The demo organisation and the tests' Faker data are the same bytes on any day (Session 21).

Faker's ``date_of_birth`` (and ``date_between("-20y")``) count back from today, so the demo's workbooks, their
SHA-256 and every report figure built on them changed from one day to the next: "every figure is reproducible"
held only on the day a figure was written down. Each generator is run here under two faked todays, years apart
(Faker's clock patched, as ``freezegun`` would), and must give the same bytes."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import faker.providers.date_time as faker_dates
import pytest

from scanner.demo import build_share

DAYS = (datetime.date(2026, 12, 7), datetime.date(2031, 2, 28))


class _Instances(type):
    """isinstance(a real datetime, the patched class) stays true: Faker checks the values it is given."""

    def __instancecheck__(cls, value: object) -> bool:
        return isinstance(value, cls.__mro__[1])


def _clock(day: datetime.date) -> tuple[type[datetime.datetime], type[datetime.date]]:
    class Now(datetime.datetime, metaclass=_Instances):
        @classmethod
        def now(cls, tz: datetime.tzinfo | None = None) -> datetime.datetime:  # type: ignore[override]
            return datetime.datetime(day.year, day.month, day.day, 10, 0, 0, tzinfo=tz)

    class Today(datetime.date, metaclass=_Instances):
        @classmethod
        def today(cls) -> datetime.date:  # type: ignore[override]
            return datetime.date(day.year, day.month, day.day)

    return Now, Today


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[datetime.date], None]]:
    """Call it with a date: from then on Faker's today is that date."""
    def set_day(day: datetime.date) -> None:
        now, today = _clock(day)
        monkeypatch.setattr(faker_dates, "datetime", now)
        monkeypatch.setattr(faker_dates, "dtdate", today)
        assert faker_dates.datetime.now().date() == day  # the patch reaches what date_of_birth reads

    yield set_day


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_demo_share_is_the_same_on_any_day(tmp_path: Path, on_day: Callable[[datetime.date], None]) -> None:
    trees = []
    for day in DAYS:
        on_day(day)
        build_share(tmp_path / day.isoformat())
        trees.append(_tree(tmp_path / day.isoformat()))
    assert len(trees[0]) > 20
    changed = sorted(k for k in trees[0] if trees[0][k] != trees[1].get(k))
    assert changed == [], f"{len(changed)} demo files differ between {DAYS[0]} and {DAYS[1]}: {changed[:5]}"


def _generated() -> dict[str, Callable[[], object]]:
    """The tests' data made with Faker dates: each generator's output as bytes or plain values."""
    from archive_data import roster_xlsx
    from fuzz_data import workbook
    from image_data import leaked_workbook
    from person_tables_data import ja_people

    from bench.fuzz_campaign import person_rows

    return {"archive_data.roster_xlsx": roster_xlsx, "fuzz_data.workbook": workbook,
            "bench.fuzz_campaign.person_rows": lambda: person_rows(10, 7),
            "image_data.leaked_workbook": leaked_workbook, "person_tables_data.ja_people": lambda: ja_people(20)}


@pytest.mark.parametrize("name", sorted(_generated()))
def test_faker_test_data_is_the_same_on_any_day(name: str, on_day: Callable[[datetime.date], None]) -> None:
    made = []
    for day in DAYS:
        on_day(day)
        made.append(_generated()[name]())
    assert made[0] == made[1], f"{name} differs between {DAYS[0]} and {DAYS[1]}"
