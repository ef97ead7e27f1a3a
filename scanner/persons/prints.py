"""Person records turned into keyed fingerprints where they are read: no clear value leaves a worker.

A scan's worker reads a personal-records file and hands the post-scan analyses only what they compare:

* every file: how many records, how many without a usable name, and the distinct final fingerprints
  (first 8 bytes of HMAC-SHA256(case key, name key \\x1f address key), sorted) for the record overlap;
* files that may be counted (found by the leaked file's name or a known hash): one ``RowPrint`` per
  record, with the fingerprint of its key after every normalisation rule, its first spelling masked
  (clear only with --unmask) and the keyed tokens the probable rules compare.

The counter (persons.count) then works on fingerprints exactly as it works on clear keys, so the counts
are the same; a file of a million persons costs 8 bytes per distinct person in the scan process.
"""

from __future__ import annotations

import hashlib
import hmac
from array import array
from collections.abc import Iterable

from ..masking import mask_address, mask_name
from ..models import FilePrints, PersonRecord, RowPrint, Tokens
from .count import Key, reading_tokens, tokens_of
from .normalise import is_placeholder_name, record_key, staged_keys

PREFIX = 8  # bytes of a fingerprint kept to compare files (2^64: no accidental equality in any real case)


class Keyed:
    """HMAC-SHA256 with one case key, the keyed state built once and copied per value."""

    def __init__(self, key: bytes) -> None:
        self._state = hmac.new(key, digestmod=hashlib.sha256)

    def __call__(self, *parts: str) -> bytes:
        h = self._state.copy()
        h.update("\x1f".join(parts).encode("utf-8", "surrogatepass"))
        return h.digest()


def prefix(digest: bytes) -> int:
    return int.from_bytes(digest[:PREFIX], "big")


def file_prints(records: Iterable[PersonRecord], key: bytes, rows: bool, unmask: bool = False) -> FilePrints:
    """Fingerprint a file's records with the case key; ``rows``: keep a RowPrint per record (a file that
    may be counted); ``unmask``: keep each row's first spelling in clear too (for an --unmask report)."""
    keyed = Keyed(key)
    seen: set[int] = set()
    out: list[RowPrint] = []
    tokens: dict[Key, Tokens] = {}
    total = nameless = 0
    for rec in records:
        total += 1
        f = rec.fields
        name, address = (f.get("name") or "").strip(), (f.get("address") or "").strip()
        if not name or is_placeholder_name(name):
            nameless += 1
            continue
        if not rows:
            seen.add(prefix(keyed(*record_key(name, address))))
            continue
        stages = staged_keys(name, address)
        final = stages[-1]
        digests = tuple(keyed(*s) for s in stages)
        seen.add(prefix(digests[-1]))
        t = tokens.get(final)
        if t is None:
            t = tokens[final] = tokens_of(final, keyed)
        out.append(RowPrint(digests, (mask_name(stages[0][0]), mask_address(stages[0][1])),
                            stages[0] if unmask else None, t,
                            reading_tokens(f.get("reading") or "", final, keyed),  # type: ignore[arg-type]
                            rec.role, rec.kind))
    return FilePrints(total, nameless, array("Q", sorted(seen)), out if rows else None)
