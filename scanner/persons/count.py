"""Count distinct persons across many record lists, and show the work.

Three numbers: ``records`` (every row, duplicates included), ``unique_exact`` (distinct name + address
after trimming only) and ``unique`` (distinct after every normalisation rule). The rules are applied
one by one, so the drop at each step is how many records that rule merged. Pairs that only a fuzzy
rule would join (斎/斉, one differing block number) are listed as probable and never merged.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..codes import MAIN_ROLE, SheetKind
from ..masking import mask_address, mask_name
from ..models import PersonRecord
from .normalise import RULES, is_placeholder_name, normalise_reading, probable_kanji, staged_keys

Key = tuple[str, str]
REVIEW_CAP = 1000  # pairs listed in findings.json; the total is always given
_NUMBER = re.compile(r"(\d+)")
_LAST_NUMBER = re.compile(r"-\d+$")
_KANA_ONLY = re.compile("[\u30a1-\u30fa\u30fc]+")


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

    @property
    def key(self) -> Key:
        return self.stages[-1]


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
    persons: dict[Key, list[Row]] = field(default_factory=dict)  # memory only

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
        rows.append(Row(file, rec.sheet, rec.row, name, address, dict(f), staged_keys(name, address),
                        rec.role, rec.kind))
    return rows, nameless


def _show(key: Key, unmask: bool) -> dict[str, str]:
    name, address = key
    if unmask:
        return {"name": name, "address": address}
    return {"name": mask_name(name), "address": mask_address(address)}


def count(rows: Sequence[Row], nameless: int = 0, unmask: bool = False,
          file_ids: Sequence[Any] = ()) -> Count:
    """The three numbers, merges per rule, review pairs and probable pairs for ``rows``."""
    c = Count(records=len(rows) + nameless, without_name=nameless)
    distinct = [len({r.stages[i] for r in rows}) for i in range(len(RULES) + 1)]
    c.unique_exact, c.unique = distinct[0], distinct[-1]
    c.merges = {rule: distinct[i] - distinct[i + 1] for i, (rule, _n, _a) in enumerate(RULES)}
    persons: dict[Key, list[Row]] = defaultdict(list)
    for r in rows:
        persons[r.key].append(r)
    c.persons = dict(persons)
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
                    out.append({"rule": RULES[step - 1][0], "a": {**_show(ordered[0], clear), "files": files_a},
                                "b": {**_show(other_key, clear), "files": files_b}})
    for rule, a, b in probable_pairs(list(persons), readings_of(persons)):
        c.probable_total += 1
        if len(c.probable) < REVIEW_CAP:
            for out, clear in ((c.probable, False), (c.probable_clear, True)):
                if clear and not unmask:
                    continue
                out.append({"rule": rule, "a": _show(persons[a][0].stages[0], clear),
                            "b": _show(persons[b][0].stages[0], clear)})
    return c


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

    ``kanji_probable``: 斎/斉 (or 龍/竜) in the name. ``one_block_number``: one number of the address
    differs. ``extra_number``: one address has one more trailing number (本町12-5 and 本町12-5-101: a
    room, or a 号 left out). ``no_address``: the same name once without any address. ``kana_name``:
    a name typed in kana (ヤマダハナコ) equal to the reading of a kanji name at the same address.
    """
    found: list[tuple[str, Key, Key]] = []
    seen: set[tuple[Key, Key]] = set()

    def add(rule: str, group: list[Key]) -> None:
        group = sorted(set(group))
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if (a, b) not in seen:
                    seen.add((a, b))
                    found.append((rule, a, b))

    by_kanji: dict[Key, list[Key]] = defaultdict(list)
    by_number: dict[tuple[str, str], list[Key]] = defaultdict(list)
    by_name: dict[str, list[Key]] = defaultdict(list)
    for name, address in keys:
        by_name[name].append((name, address))
        by_kanji[(probable_kanji(name), address)].append((name, address))
        parts = _NUMBER.split(address)
        for i in range(1, len(parts), 2):
            masked = "".join(parts[:i] + ["#"] + parts[i + 1:])
            by_number[(name, masked)].append((name, address))
    for group in by_kanji.values():
        if len(group) > 1:
            add("kanji_probable", group)
    for group in by_number.values():
        if len(group) > 1:
            add("one_block_number", group)
    if readings:
        by_reading: dict[tuple[str, str], list[Key]] = defaultdict(list)
        for key, kana in readings.items():
            for reading in kana:
                if reading != key[0]:
                    by_reading[(reading, key[1])].append(key)
        for name, address in keys:
            if _KANA_ONLY.fullmatch(name):
                for other in by_reading.get((name, address), ()):
                    add("kana_name", [(name, address), other])
    for group in by_name.values():
        if len(group) < 2:
            continue
        addresses = {a for _n, a in group}
        for name, address in sorted(group):
            if not address:
                for other in group:
                    if other[1]:
                        add("no_address", [(name, address), other])
                continue
            shorter = _LAST_NUMBER.sub("", address)
            if shorter != address and shorter in addresses:
                add("extra_number", [(name, shorter), (name, address)])
    return found
