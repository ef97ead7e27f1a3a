"""Counting the people affected: normalisation (normalise), counting (count), keyed fingerprints (keys)
and the post-scan analysis that fills findings.json's ``persons`` and ``overlap`` (analysis)."""

from __future__ import annotations

from typing import Any

__all__ = ["normalise_address", "normalise_name", "normalise_reading", "record_key"]


def __getattr__(name: str) -> Any:
    """The normalisers on first use: importing scanner.persons.keys (every scan) does not compile the
    normalisation rules (~25 ms) in a scan that never counts a person."""
    if name in __all__:
        from . import normalise

        return getattr(normalise, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
