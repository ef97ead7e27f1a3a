"""Real address spellings (tests/data/address_suites.tsv) and the town gazetteer, as measurements.

Two measurements, shared by tests/test_persons_addresses.py and bench/bench_addresses.py:

- ``measure``: over the public suites' cases, how often a spelling and its normal form get one key
  (equivalence recall), and how often two different places get one key (false merges). Whether two
  normal forms are one place is decided from the parts the suite gives (prefecture, municipality,
  town, rest), not from leakscan's own key.
- ``sweep``: for every town in the gazetteer (or every ``every``-th), block 12-3 against 45-6, typed as
  the table writes the town, with its kanji numerals as digits, and for Sapporo's 条 towns as
  北16条西2丁目, 北16西2 and the four-number chain: each must give its own key, and one key per place.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scanner import rules
from scanner.persons.numerals import CHARS as KANJI_NUMERALS
from scanner.persons.numerals import kanji_number

SUITES = Path(__file__).resolve().parent / "data" / "address_suites.tsv"
LIST = "list"  # geolonia's addresses.csv: building addresses from listings, one file
OFFICE = "office"  # lists typed by a city office: Sapporo's and Kyoto's schools, Kyoto's fire stations
HAND = "hand"  # the maintainers' hand-written cases


@dataclass(frozen=True)
class Case:
    suite: str
    source: str
    typed: str
    normal: str
    parts: tuple[str, str, str, str]  # prefecture, municipality, town, rest; all "" when not given

    @property
    def group(self) -> str:
        if self.source.endswith("addresses.csv"):
            return LIST
        if any(k in self.source for k in ("sapporo-schools", "kyoto-fire-departments", "kyoto-schools")):
            return OFFICE
        return HAND


def load_cases(path: Path = SUITES) -> list[Case]:
    sources: dict[str, tuple[str, str]] = {}
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#@ "):
            code, suite, source = line[3:].split("\t")
            sources[code] = (suite, source)
        elif line and not line.startswith("#"):
            code, typed, normal, *parts = line.split("\t")
            suite, source = sources[code]
            cases.append(Case(suite, source, typed, "".join(parts) if normal == "=" else normal,
                              tuple(parts)))  # type: ignore[arg-type]
    return cases


# ---------------------------------------------------------------- what the suites say a place is
_KN_RUN = re.compile(f"[{KANJI_NUMERALS}]+")
_NAMED_NUMBER = re.compile(r"\d+(?=条|線|軒|号|地割|番町|区)")
_UP_TO_BUILDING = re.compile(r"^[^\d]*[\d\-丁目番地号のノ]*")
_SKELETON = re.compile(r"大字|[\d\-]|丁目|丁|番地|番|号|の|字")


def _same_characters() -> dict[int, str]:
    variants = rules.load("person_variants")["variants"]["map"]
    return str.maketrans({**variants, **{c: "ヶ" for c in "ケヵがガ"}, **{c: "の" for c in "ノ之"}})


def place_of(parts: tuple[str, str, str, str]) -> tuple | None:
    """The place a suite's answer names: (prefecture, municipality, town and 小字 letters, numbers).

    Independent of leakscan's rules: NFKC, the 郡 left out, variant kanji and ケ/の as one character,
    kanji numerals as numbers, building text after the block set aside; the numbers that are part of
    the town's name (二十四軒, 北十六条) plus at most three more (丁目-番-号). None when the suite found no
    town (nothing to compare).
    """
    pref, city, town, rest = (unicodedata.normalize("NFKC", x).replace(" ", "").replace("\u3000", "")
                              for x in parts)
    if not city or not town:
        return None
    table = _same_characters()
    city = re.sub(r"^.+?郡(?=.+[町村]$)", "", city).translate(table)
    town, rest = (_KN_RUN.sub(lambda m: str(kanji_number(m.group(0))), x.translate(table)) for x in (town, rest))
    named = len(_NAMED_NUMBER.findall(town))
    both = town + _UP_TO_BUILDING.match(rest).group(0)  # type: ignore[union-attr]
    numbers = tuple(str(int(n)) for n in re.findall(r"\d+", both))
    return pref, city, _SKELETON.sub("", both), numbers[:named + 3]


@dataclass
class Measure:
    total: Counter
    same: Counter
    misses: list[Case]
    false_merges: list[tuple[str, list[tuple]]]

    def recall(self, group: str) -> float:
        return self.same[group] / self.total[group] if self.total[group] else 1.0


def measure(cases: list[Case], key: Callable[[str], str]) -> Measure:
    total: Counter = Counter()
    same: Counter = Counter()
    misses = []
    places: dict[str, set[tuple]] = defaultdict(set)
    for case in cases:
        a, b = key(case.typed), key(case.normal)
        groups = (case.group, "all") + (("handtyped",) if case.group != LIST else ())
        for g in groups:
            total[g] += 1
            same[g] += a == b
        if a != b:
            misses.append(case)
        place = place_of(case.parts)
        if place is not None:
            places[a].add(place)
            places[b].add(place)
    merges = [(k, sorted(v)) for k, v in places.items() if len(v) > 1]
    return Measure(total, same, misses, merges)


# ---------------------------------------------------------------- the gazetteer sweep
_KN_IN_NAME = re.compile(f"[{KANJI_NUMERALS}]+")
_JO_TOWN = re.compile(r"^(.*?)(\d+)条(.*)$")


@dataclass(frozen=True)
class SweepForm:
    muni: str
    town: str
    kind: str  # table, aza (大字 before it), digits, jo, jo-short, jo-chain
    a: str  # block 12-3 (45-6 for b), typed this way
    b: str


def _digits(name: str) -> str:
    return _KN_IN_NAME.sub(lambda m: str(kanji_number(m.group(0))), name)


def sweep_forms(every: int = 1, numbered_every: int = 1) -> Iterator[SweepForm]:
    """Every ``every``-th town of the gazetteer, and every ``numbered_every``-th town with a number in its
    name (the class that breaks), typed the ways staff type it, with two different blocks."""
    table = rules.load_table("towns")
    n = numbered_seen = 0
    for _code, pref, city, towns in table:
        base = pref + city
        for town in towns.split("|") if towns else []:
            digits = _digits(unicodedata.normalize("NFKC", town))
            numbered = digits != town or any(c.isdigit() for c in town)
            n += 1
            numbered_seen += numbered
            if (numbered and numbered_seen % numbered_every) or (not numbered and n % every):
                continue
            yield SweepForm(base, town, "table", f"{base}{town}12-3", f"{base}{town}45-6")
            if not n % every:  # 大字 typed before the town: the same town, and no other
                yield SweepForm(base, town, "aza", f"{base}大字{town}12-3", f"{base}大字{town}45-6")
            if numbered and not digits[-1].isdigit():  # 金田一 is never typed 金田1: it would run into the block
                yield SweepForm(base, town, "digits", f"{base}{digits}12-3", f"{base}{digits}45-6")
            m = _JO_TOWN.match(digits)
            if pref == "北海道" and m:
                head, jo, tail = m.groups()
                yield SweepForm(base, town, "jo", f"{base}{digits}2丁目12-3", f"{base}{digits}2丁目45-6")
                if tail[:1] in ("東", "西", "南", "北"):
                    yield SweepForm(base, town, "jo-short", f"{base}{head}{jo}{tail}2-12-3",
                                    f"{base}{head}{jo}{tail}2-45-6")
                elif not tail:
                    yield SweepForm(base, town, "jo-chain", f"{base}{head}{jo}-18-1-72", f"{base}{head}{jo}-18-1-73")


@dataclass
class Sweep:
    forms: int
    same_block: list[SweepForm]  # 12-3 and 45-6 got one key
    shared: list[tuple[str, list[str]]]  # one key for two different towns
    split: list[tuple[str, str, list[str]]]  # one town typed two ways (table, digits, jo) got two keys


def sweep(key: Callable[[str], str], every: int = 1, numbered_every: int = 1) -> Sweep:
    same_block: list[SweepForm] = []
    towns_of: dict[str, set[str]] = defaultdict(set)
    keys_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    forms = 0
    for form in sweep_forms(every, numbered_every):
        forms += 1
        ka, kb = key(form.a), key(form.b)
        if ka == kb:
            same_block.append(form)
        if form.kind in ("table", "digits", "aza"):
            place = (form.muni, unicodedata.normalize("NFKC", form.town))
            towns_of[ka].add("\t".join(place))
            keys_of[place].add(ka)
    shared = [(k, sorted(v)) for k, v in towns_of.items() if len(v) > 1]
    split = [(m, t, sorted(v)) for (m, t), v in keys_of.items() if len(v) > 1]
    return Sweep(forms, same_block, shared, split)
