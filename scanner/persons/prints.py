"""Person records turned into keyed fingerprints where they are read: no clear value leaves a worker.

A scan's worker reads a personal-records file and hands the post-scan analyses only what they compare:

* every file: how many records, how many without a usable name, and the distinct final fingerprints
  (first 8 bytes of HMAC-SHA256(case key, name key \\x1f address key), sorted) for the record overlap, with the
  fingerprints of the room and wing of the rows that name one (the overlap tells persons apart as the count does);
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
from .normalise import (
    LinkKeys,
    is_placeholder_name,
    link_keys,
    record_key_and_reading,
    room_keys,
    staged_keys_and_reading,
)

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


# A row's keyed parts by the keyed value of its (name, address, reading), kept across files in one process: a
# copy of a file (the named file found ten times) or a person listed twice is normalised once. Keyed with the
# case key, so a builder with another key never meets its entries; masked spellings only (not with --unmask).
_Made = tuple[tuple[bytes, ...], tuple[str, str], tuple[str, str] | None, Tokens, frozenset[bytes], tuple[bytes, ...],
              tuple[bytes, bytes, bytes]]
_MADE: dict[bytes, _Made] = {}
_MADE_MAX = 1 << 13  # 2-6 KiB an entry: under 50 MiB per process (the named file of 2,382 records found ten times fits)


class PrintBuilder:
    """Fingerprints a file's records one at a time (a sink for records streamed out of a sheet), so a file
    of a million persons is never held as rows: ``rows``: keep a RowPrint per record (a file that may be
    counted); ``unmask``: keep each row's first spelling in clear too (for an --unmask report)."""

    def __init__(self, key: bytes, rows: bool, unmask: bool = False) -> None:
        self._key = key
        self._keyed: Keyed | None = None  # built with the first record (most files have none)
        self._rows = rows
        self._unmask = unmask
        self._seen: set[int] = set()
        # (person, room, wing, number, number tag, wing tag, alias) prefixes of rows with a room (0: none)
        self._paths: set[tuple[int, int, int, int, int, int, int]] = set()
        self._roomed: set[int] = set()  # persons (building set aside) with a row naming a room
        self._bare: set[int] = set()  # ... of those, the ones with a row naming none too
        self._out: list[RowPrint] = []
        self._tokens: dict[Key, Tokens] = {}
        self.total = 0
        self.nameless = 0

    def __call__(self, rec: PersonRecord) -> None:
        self.total += 1
        f = rec.fields
        name, address = (f.get("name") or "").strip(), (f.get("address") or "").strip()
        if not name or is_placeholder_name(name):
            self.nameless += 1
            return
        keyed = self._keyed or self._key_once()
        if not self._rows:
            key, room = record_key_and_reading(name, address)
            self._add(prefix(keyed(*key)), tuple(prefix(keyed(*k)) for k in room_keys(key, room)) if room else (),
                      _link_prefixes(_keyed_links(keyed, link_keys(key, room))))
            return
        reading = f.get("reading") or ""
        # the memo holds no clear value, only masked ones; the lengths keep values holding the join's \x1f apart
        memo = keyed("row print", f"{len(name)}:{len(address)}", name, address, reading)
        made = _MADE.get(memo) if not self._unmask else None
        if made is None:
            made = self._made(name, address, reading, keyed)
            if not self._unmask:
                if len(_MADE) >= _MADE_MAX:
                    _MADE.clear()
                _MADE[memo] = made
        digests, masked, clear, tokens, readings, rooms, links = made
        self._add(prefix(digests[-1]), tuple(prefix(r) for r in rooms), _link_prefixes(links))
        self._out.append(RowPrint(digests, masked, clear, tokens, readings, rec.role, rec.kind, rooms=rooms,
                                  links=links))  # one per row

    def _add(self, person: int, rooms: tuple[int, ...], links: tuple[int, int, int] = (0, 0, 0)) -> None:
        """A row's person (building set aside) and, when it names them, its room, wing and building number below it,
        with its links (number tag, wing tag, alias: evidence.resolve_persons)."""
        if rooms:
            if person in self._seen and person not in self._roomed:
                self._bare.add(person)  # rows without the room came first
            self._roomed.add(person)
            number, wing, alias = links
            self._paths.add((person, rooms[0], rooms[1] if len(rooms) > 1 else 0, rooms[2] if len(rooms) > 2 else 0,
                             number, wing, alias))
        elif person in self._roomed:
            self._bare.add(person)
        self._seen.add(person)

    def _made(self, name: str, address: str, reading: str, keyed: Keyed) -> _Made:
        stages, room = staged_keys_and_reading(name, address)
        final = stages[-1]
        t = self._tokens.get(final)
        if t is None:
            t = self._tokens[final] = tokens_of(final, keyed)
        return (tuple(keyed(*st) for st in stages), (mask_name(stages[0][0]), mask_address(stages[0][1])),
                stages[0] if self._unmask else None, t,
                reading_tokens(reading, final, keyed),  # type: ignore[return-value]
                tuple(keyed(*k) for k in room_keys(final, room)),  # the room keyed with its person, never alone
                _keyed_links(keyed, link_keys(final, room)))

    def _key_once(self) -> Keyed:
        self._keyed = Keyed(self._key)
        return self._keyed

    def result(self) -> FilePrints:
        paths = self._paths | {(p, 0, 0, 0, 0, 0, 0) for p in self._bare}
        flat = array("Q", (x for p in sorted(paths) for x in p)) if paths else None
        return FilePrints(self.total, self.nameless, array("Q", sorted(self._seen)), self._out if self._rows else None,
                          rooms=flat)


def _keyed_links(keyed: Keyed, links: LinkKeys) -> tuple[bytes, bytes, bytes]:
    """A row's links keyed (b"" where it names none)."""
    number, wing, alias = (keyed(k) if k else b"" for k in links)  # name \x1f address: keyed's own join
    return number, wing, alias


def _link_prefixes(links: tuple[bytes, ...]) -> tuple[int, int, int]:
    number, wing, alias = (prefix(x) if x else 0 for x in links)
    return number, wing, alias


def file_prints(records: Iterable[PersonRecord], key: bytes, rows: bool, unmask: bool = False) -> FilePrints:
    """Fingerprint a file's records with the case key (see PrintBuilder)."""
    build = PrintBuilder(key, rows, unmask)
    for rec in records:
        build(rec)
    return build.result()
