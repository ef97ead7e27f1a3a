"""Times as evidence wants them: ISO 8601 UTC with Z, and JST beside it for Japanese readers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")


def iso_utc(ts: float | None) -> str | None:
    """POSIX seconds -> ``2026-11-26T07:59:51.123456Z``; None stays None."""
    if ts is None:
        return None
    try:
        return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return None


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def to_jst(iso: str | None) -> str | None:
    """``...Z`` -> ``2026-11-26 16:59:51 JST`` for the report."""
    if not iso:
        return None
    dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return dt.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S JST")
