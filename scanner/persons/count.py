"""Count distinct persons across many record lists, and show the work.

Three numbers: ``records`` (every row, duplicates included), ``unique_exact`` (distinct name + address
after trimming only) and ``unique`` (distinct after every normalisation rule). The rules are applied
one by one, so the drop at each step is how many records that rule merged. Pairs that only a fuzzy
rule would join (斎/斉, one differing block number) are listed as probable and never merged.

The counting compares keys, never reads them: a key is the clear (name, address) pair (``Row``, for the
notification list) or its keyed fingerprint (``prints.RowPrint``, what a scan's workers return). Each row
brings its key after every rule (``stages``), its first spelling for display (``shown`` masked, ``clear``
only with --unmask) and the ``Tokens`` the probable rules compare.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..codes import MAIN_ROLE, SheetKind
from ..evidence import resolve_persons
from ..masking import mask_address, mask_name
from ..models import PersonRecord, Tokens
from .normalise import (
    RULES,
    LinkKeys,
    is_placeholder_name,
    link_keys,
    normalise_reading,
    probable_kanji,
    room_keys,
    staged_keys_and_reading,
)

Key = tuple[str, str]
REVIEW_CAP = 1000  # pairs listed in findings.json; the total is always given
_NUMBER = re.compile(r"(\d+)")
_LAST_NUMBER = re.compile(r"-\d+$")
_KANA_ONLY = re.compile("[\u30a1-\u30fa\u30fc]+")


def clear_token(*parts: str) -> Hashable:
    return parts[0] if len(parts) == 1 else parts


def tokens_of(key: Key, token: Callable[..., Hashable] = clear_token) -> Tokens:
    """The probable rules' view of one final key (``token`` makes each compared value)."""
    name, address = key
    parts = _NUMBER.split(address)
    numbers = tuple(token(name, "".join(parts[:i] + ["#"] + parts[i + 1:])) for i in range(1, len(parts), 2))
    shorter = _LAST_NUMBER.sub("", address) if address else address
    return Tokens(token(name, address), token(name), token(probable_kanji(name), address), numbers,
                  token(name, shorter) if shorter != address else None, not address,
                  bool(_KANA_ONLY.fullmatch(name)))


def reading_tokens(reading: str, key: Key, token: Callable[..., Hashable] = clear_token) -> frozenset[Hashable]:
    """(reading, address) when the row has a reading other than its name (to pair a name typed in kana)."""
    kana = normalise_reading(reading)
    return frozenset({token(kana, key[1])}) if kana and kana != key[0] else frozenset()


class CountedRow(Protocol):
    """One person row as the counter sees it (``Row`` in clear, ``prints.RowPrint`` keyed)."""

    @property
    def file(self) -> int: ...

    @property
    def stages(self) -> Sequence[Hashable]: ...

    @property
    def role(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def key(self) -> Hashable: ...

    @property
    def room_path(self) -> Sequence[Hashable]: ...

    @property
    def links(self) -> tuple[Hashable | None, Hashable | None, Hashable | None]: ...

    def shown(self, clear: bool) -> dict[str, str] | None: ...

    def tokens(self) -> Tokens: ...

    def readings(self) -> frozenset[Hashable]: ...


@dataclass
class Row:
    """One person row of one file: where it is, its original strings, its keys at every stage."""

    file: int  # index into the caller's file list
    sheet: str
    row: int
    name: str
    address: str
    fields: dict[str, str]
    stages: list[Key]
    role: str = ""  # "" for the row's own person; applicant, recipient, guardian ... (PersonRecord.role)
    kind: str = SheetKind.PERSONS  # or business: a business contact (PersonRecord.kind)
    room: str = ""  # the room (and wing) of the building part set aside, and its links (normalise.room_reading)

    @property
    def key(self) -> Key:
        return self.stages[-1]

    @property
    def room_path(self) -> list[Key]:
        return room_keys(self.stages[-1], self.room)

    @property
    def links(self) -> LinkKeys:
        return link_keys(self.stages[-1], self.room)

    def shown(self, clear: bool) -> dict[str, str]:
        return _show(self.stages[0], clear)

    def tokens(self) -> Tokens:
        return tokens_of(self.stages[-1])

    def readings(self) -> frozenset[Hashable]:
        return reading_tokens(self.fields.get("reading") or "", self.stages[-1])


@dataclass
class Count:
    records: int = 0
    without_name: int = 0
    unique_exact: int = 0
    unique: int = 0
    merges: dict[str, int] = field(default_factory=dict)
    review: list[dict[str, Any]] = field(default_factory=list)
    review_total: int = 0
    probable: list[dict[str, Any]] = field(default_factory=list)
    probable_total: int = 0
    roles: dict[str, int] = field(default_factory=dict)  # persons by role they appear in (a person may have two)
    business: int = 0  # persons seen only as business contacts (counted in ``unique`` all the same)
    review_clear: list[dict[str, Any]] = field(default_factory=list)  # --unmask: for the report only
    probable_clear: list[dict[str, Any]] = field(default_factory=list)
    persons: dict[Any, list[Any]] = field(default_factory=dict)  # key -> its rows (memory only)

    def to_json(self) -> dict[str, Any]:
        """Masked pairs always; the clear ones (--unmask) are dropped again before findings.json is written."""
        clear = {"review_clear": self.review_clear, "probable_clear": self.probable_clear} \
            if self.review_clear or self.probable_clear else {}
        return {**clear,
            "records": self.records,
            "unique_exact": self.unique_exact,
            "unique": self.unique,
            "without_name": self.without_name,
            "roles": dict(self.roles),
            "business_contacts": self.business,
            "merges": dict(self.merges),
            "rules": [r for r, _n, _a in RULES],
            "review": self.review,
            "review_total": self.review_total,
            "probable": self.probable,
            "probable_total": self.probable_total,
        }


def make_rows(file: int, records: Iterable[PersonRecord]) -> tuple[list[Row], int]:
    """Rows (with staged keys) from PersonRecords; records without a name (or -, 不明 ...) are counted apart."""
    rows, nameless = [], 0
    for rec in records:
        f = rec.fields
        name, address = (f.get("name") or "").strip(), (f.get("address") or "").strip()
        if not name or is_placeholder_name(name):
            nameless += 1
            continue
        stages, room = staged_keys_and_reading(name, address)
        rows.append(Row(file, rec.sheet, rec.row, name, address, dict(f), stages, rec.role, rec.kind, room))
    return rows, nameless


def _show(key: Key, unmask: bool) -> dict[str, str]:
    name, address = key
    if unmask:
        return {"name": name, "address": address}
    return {"name": mask_name(name), "address": mask_address(address)}


def count(rows: Sequence[CountedRow], nameless: int = 0, unmask: bool = False,
          file_ids: Sequence[Any] = ()) -> Count:
    """The three numbers, merges per rule, review pairs and probable pairs for ``rows``."""
    c = Count(records=len(rows) + nameless, without_name=nameless)
    distinct = [len({r.stages[i] for r in rows}) for i in range(len(RULES) + 1)]
    persons = split_rooms(rows)
    c.persons = persons
    c.unique_exact, c.unique = distinct[0], len(persons)
    c.merges = {rule: distinct[i] - distinct[i + 1] for i, (rule, _n, _a) in enumerate(RULES)}
    # the building rule merged the rows it set a room aside from; rooms told apart again are not its merges
    c.merges[RULES[-1][0]] = distinct[-2] - c.unique
    roles: Counter[str] = Counter()
    for group in persons.values():
        roles.update({r.role or MAIN_ROLE for r in group})
    c.roles = dict(sorted(roles.items(), key=lambda kv: (kv[0] != MAIN_ROLE, kv[0])))
    c.business = sum(1 for group in persons.values() if all(r.kind == SheetKind.BUSINESS for r in group))

    def fid(i: int) -> Any:
        return file_ids[i] if i < len(file_ids) else i

    for group in persons.values():
        forms = Counter(r.stages[0] for r in group)
        if len(forms) < 2:
            continue
        ordered = [k for k, _n in forms.most_common()]
        first = next(r for r in group if r.stages[0] == ordered[0])
        for other_key in ordered[1:]:
            other = next(r for r in group if r.stages[0] == other_key)
            step = next(i for i in range(1, len(RULES) + 1) if first.stages[i] == other.stages[i])
            c.review_total += 1
            if len(c.review) < REVIEW_CAP:
                files_a = sorted({fid(r.file) for r in group if r.stages[0] == ordered[0]}, key=str)
                files_b = sorted({fid(r.file) for r in group if r.stages[0] == other_key}, key=str)
                for out, clear in ((c.review, False), (c.review_clear, True)):
                    if clear and not unmask:
                        continue
                    out.append({"rule": RULES[step - 1][0], "a": {**_shown(first, clear), "files": files_a},
                                "b": {**_shown(other, clear), "files": files_b}})
    tokens = {k: group[0].tokens() for k, group in persons.items()}
    readings = {k: frozenset().union(*(r.readings() for r in group)) for k, group in persons.items()}
    for rule, a, b in pairs_from_tokens(list(persons), tokens, readings):
        c.probable_total += 1
        if len(c.probable) < REVIEW_CAP:
            for out, clear in ((c.probable, False), (c.probable_clear, True)):
                if clear and not unmask:
                    continue
                out.append({"rule": rule, "a": _shown(persons[a][0], clear), "b": _shown(persons[b][0], clear)})
    return c


def split_rooms(rows: Sequence[CountedRow]) -> dict[Any, list[CountedRow]]:
    """Person key -> its rows. Rows of one final key (name + address, building set aside) are one person,
    told apart again by their room, then by their wing (evidence.resolve_persons): a row with a room is keyed
    with it (room_keys); a row without one joins the room when only one room holds that name at that address
    (a copy that left the room out), and stays apart (under the key without room, listed as a probable pair
    ``other_room``) when two or more rooms do; a room typed without its wing (101) joins the only wing holding
    that room (A棟101) the same way; a row whose building part reads two ways (`メゾン2001` alone, `メゾン2000 305号室`)
    by its links too (keying 16)."""
    paths = [(r.key, *r.room_path) for r in rows]
    person = resolve_persons(paths, [(path, r.links) for r, path in zip(rows, paths, strict=True)])
    persons: dict[Any, list[CountedRow]] = defaultdict(list)
    for r, path in zip(rows, paths, strict=True):
        persons[person[path]].append(r)
    return dict(persons)


def joined_keys(rows: Sequence[CountedRow], persons: Mapping[Any, Sequence[CountedRow]]) -> set[Any]:
    """The keys of rows that joined a person below them (a copy without its room joined the only room): no
    person in this count, but one in a count that brings a second room (``leakscan merge`` of two scans)."""
    own = {(r.key, *r.room_path)[-1] for r in rows}
    return own - set(persons)


def _shown(row: CountedRow, clear: bool) -> dict[str, str]:
    """A row's first spelling for the review lists; rows keyed without --unmask have no clear one."""
    return row.shown(clear) or row.shown(False) or {}


def readings_of(persons: Mapping[Key, Sequence[Row]]) -> dict[Key, set[str]]:
    """Each person's readings (フリガナ column, katakana key), to pair a name typed in kana with it."""
    out: dict[Key, set[str]] = {}
    for key, group in persons.items():
        found = {normalise_reading(r.fields.get("reading") or "") for r in group}
        found.discard("")
        if found:
            out[key] = found
    return out


def probable_pairs(keys: Sequence[Key], readings: Mapping[Key, set[str]] | None = None
                   ) -> list[tuple[str, Key, Key]]:
    """Distinct keys that only a fuzzy rule would join, never merged.

    ``other_room``: the same name and address in another room of one building (or without its room where two
    rooms hold the name): two persons, or one who moved or whose room was mistyped. ``kanji_probable``: 斎/斉 (or 龍/竜) in the name. ``one_block_number``: one number of the address
    differs. ``extra_number``: one address has one more trailing number (本町12-5 and 本町12-5-101: a
    room, or a 号 left out). ``no_address``: the same name once without any address. ``kana_name``:
    a name typed in kana (ヤマダハナコ) equal to the reading of a kanji name at the same address.
    """
    tokens = {k: tokens_of(_without_room(k)) for k in keys}
    kana = {k: frozenset((r, k[1]) for r in rs if r != k[0]) for k, rs in (readings or {}).items()}
    return pairs_from_tokens(keys, tokens, kana)


def _without_room(key: Key) -> Key:
    """A person key without the room (and wing) that room_keys joined to its address."""
    return (key[0], key[1].partition("\x1f")[0]) if "\x1f" in key[1] else key


def pairs_from_tokens(keys: Sequence[Hashable], tokens: Mapping[Any, Tokens],
                      readings: Mapping[Any, frozenset[Hashable]] | None = None) -> list[tuple[str, Any, Any]]:
    """The probable pairs among ``keys`` (clear or keyed: only equality and order are used), in rule order:
    other_room (keys of one name and address told apart by their room: their tokens are the same), then
    kanji_probable, one_block_number, kana_name, then no_address and extra_number per name."""
    found: list[tuple[str, Any, Any]] = []
    seen: set[tuple[Any, Any]] = set()

    def add(rule: str, group: list[Any]) -> None:
        group = sorted(set(group))
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if (a, b) not in seen:
                    seen.add((a, b))
                    found.append((rule, a, b))

    by_me: dict[Hashable, list[Any]] = defaultdict(list)
    for k in keys:
        by_me[tokens[k].me].append(k)
    for group in by_me.values():
        if len(group) > 1:
            add("other_room", group)
    by_kanji: dict[Hashable, list[Any]] = defaultdict(list)
    by_number: dict[Hashable, list[Any]] = defaultdict(list)
    by_name: dict[Hashable, list[Any]] = defaultdict(list)
    for k in keys:
        t = tokens[k]
        by_name[t.name].append(k)
        by_kanji[t.kanji].append(k)
        for n in t.numbers:
            by_number[n].append(k)
    for group in by_kanji.values():
        if len(group) > 1:
            add("kanji_probable", group)
    for group in by_number.values():
        if len(group) > 1:
            add("one_block_number", group)
    if readings and any(readings.values()):
        by_reading: dict[Hashable, list[Any]] = defaultdict(list)
        for k, found_readings in readings.items():
            for r in found_readings:
                by_reading[r].append(k)
        for k in keys:
            if tokens[k].kana_only:
                for other in by_reading.get(tokens[k].me, ()):
                    add("kana_name", [k, other])
    for group in by_name.values():
        if len(group) < 2:
            continue
        mine = {tokens[k].me: k for k in group}
        for k in sorted(group):
            t = tokens[k]
            if t.empty_address:
                for other in group:
                    if not tokens[other].empty_address:
                        add("no_address", [k, other])
                continue
            if t.shorter is not None and t.shorter in mine:
                add("extra_number", [mine[t.shorter], k])
    return found
