"""Counting the people affected: normalisation (normalise), counting (count), keyed fingerprints (keys)
and the post-scan analysis that fills findings.json's ``persons`` and ``overlap`` (analysis)."""

from .normalise import normalise_address, normalise_name, normalise_reading, record_key

__all__ = ["normalise_address", "normalise_name", "normalise_reading", "record_key"]
