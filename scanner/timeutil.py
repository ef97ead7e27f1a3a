"""Times as evidence wants them: ISO 8601 UTC with Z, and JST beside it for Japanese readers."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")
_FAST_END = 253402300000.0  # 9999-12-31T22:xx: below it a rounded-up second is still a valid datetime
_SECONDS: dict[int, str] = {}  # whole seconds -> "YYYY-MM-DDTHH:MM:SS": the files of a folder share seconds
_SECONDS_KEPT = 4096


def iso_utc(ts: float | None) -> str | None:
    """POSIX seconds -> ``2026-11-26T07:59:51.123456Z``; None stays None.

    Every file's times are converted (a stat of each candidate), so a float from a stat takes a short way
    that gives datetime's exact text: the microseconds rounded half to even from the fraction as datetime
    rounds them (``_PyTime_ObjectToTimeval``), the date and time of the whole second made once
    (tests/test_timeutil.py compares both ways on edge and random times)."""
    if type(ts) is float and 0.0 <= ts < _FAST_END:
        frac, whole = math.modf(ts)
        us = round(frac * 1e6)
        sec = int(whole)
        if us >= 1_000_000:
            sec, us = sec + 1, us - 1_000_000
        prefix = _SECONDS.get(sec)
        if prefix is None:
            if len(_SECONDS) >= _SECONDS_KEPT:
                _SECONDS.clear()
            prefix = _SECONDS[sec] = datetime.fromtimestamp(sec, UTC).isoformat()[:19]
        return f"{prefix}.{us:06d}Z" if us else prefix + "Z"
    return _iso_utc(ts)


def _iso_utc(ts: float | None) -> str | None:
    """The plain conversion (and the reference the short way is tested against)."""
    if ts is None:
        return None
    try:
        return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return None


def now_utc() -> str:
    """Now, to the microsecond (Session 22: to the second, two scans begun in one second had no order, and a
    swapped baseline and rescan read as clean). The report shows it to the second (:func:`to_jst`)."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def to_jst(iso: str | None) -> str | None:
    """``...Z`` -> ``2026-11-26 16:59:51 JST`` for the report."""
    if not iso:
        return None
    dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return dt.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S JST")
