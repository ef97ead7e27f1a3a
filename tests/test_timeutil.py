"""iso_utc's short way (per-second prefix, microseconds rounded as datetime rounds them) gives exactly the
text of datetime.fromtimestamp(ts, UTC).isoformat() for every kind of time a stat returns."""

from __future__ import annotations

import math
import os
import random

from scanner import timeutil
from scanner.timeutil import _iso_utc, iso_utc


def _edges() -> list[float]:
    """Half-microsecond ties, values a hair either side of them, whole seconds, fractions that round up
    into the next second, the epoch, the far past/future ends of the short way, and what it leaves out."""
    out: list[float] = [0.0, 1.0, 0.5e-6, 1.5e-6, 2.5e-6, 0.9999995, 0.99999949, 0.9999999999, 59.9999996,
                        1733380000.0, 1733380000.0000005, 1733380000.9999995, 1733380000.9999996,
                        timeutil._FAST_END - 0.5, timeutil._FAST_END - 1e-3, 2 ** 31 - 0.0000004, 2 ** 32 + 0.25,
                        -0.5, -1.0, -1.9999995, 1e13, 1e20, math.inf, -math.inf, math.nan, 253402300799.9999997]
    rnd = random.Random(6)
    for _ in range(2000):
        base = rnd.randrange(0, 4_000_000_000)
        us = rnd.randrange(0, 1_000_000)
        for tie in (us + 0.5, us + 0.4999999, us + 0.5000001, us):
            out.append(base + tie / 1e6)
            out.append(math.nextafter(base + tie / 1e6, math.inf))
            out.append(math.nextafter(base + tie / 1e6, -math.inf))
    return out


def test_short_way_equals_datetime_on_edges_and_random_times() -> None:
    rnd = random.Random(11)
    times = _edges() + [rnd.uniform(0, 5e9) for _ in range(50_000)] + [rnd.uniform(0, 3e11) for _ in range(5_000)]
    wrong = [(t, iso_utc(t), _iso_utc(t)) for t in times if iso_utc(t) != _iso_utc(t)]
    assert wrong == []


def test_stat_times_of_real_files(tmp_path) -> None:
    """Times the file system really hands out (ns resolution, set to chosen values too)."""
    for i in range(200):
        p = tmp_path / f"f{i}"
        p.write_bytes(b"")
        if i % 2:
            os.utime(p, ns=(i * 1_000_000_007 + 499, 1_700_000_000_000_000_000 + i * 123_456_789 + 500))
        st = os.stat(p)
        for t in (st.st_mtime, st.st_atime, st.st_ctime):
            assert iso_utc(t) == _iso_utc(t)


def test_not_floats_and_none() -> None:
    assert iso_utc(None) is None
    assert iso_utc(1733380000) == _iso_utc(1733380000) == "2024-12-05T06:26:40Z"
    assert iso_utc(math.nan) is None and iso_utc(1e20) is None
