"""Person columns recognised from their values alone: sheets without a header, or columns left unlabelled.

- Japanese names with or without a space (上杉辰男, 山田 花子): a family and a given part whose kanji sit
  where they sit in real names (scanner/detectors/person_names.py); a surname column followed by a given
  name column.
- Japanese addresses whole (東京都小金井市本町3-12-5) or split across a prefecture column and the columns
  after it (奈良県 | 奈良市 | 登大路町 | 1-2-3 | ビル名).
- Latin tables: a first-name and a last-name column (known names of many locales), a street with a house
  number, a city, a state and a ZIP or postcode (US, UK, Canadian).
- Phones, postal codes, e-mail addresses, birth dates; organisation names (株式会社, Inc.) mark business
  contacts.
Column tests run on a sample and need most filled cells to pass, so a column of towns, facilities or
company names is not taken for people.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import cache, partial
from itertools import accumulate, chain, compress, filterfalse, islice
from operator import attrgetter, itemgetter
from typing import cast

from .. import rules
from . import person_names as N
from . import values as V
from .columns import is_excluded, is_label
from .plan import (
    RolePlan,
    _continue_address,
    allowed_failures,
    cell_text,
    join_values,
    labelled_value,
    mostly,
    mostly_counted,
    share,
    share_counted,
)

SAMPLE = 200
HEADER_SCAN_ROWS = 20


def _holds(row: Sequence[object]) -> bool:
    """Does the row hold a filled cell? (a blank row: every cell's text empty; the first cell decides most rows)"""
    return any(map(cell_text, row))


def _sample(data: Sequence[Sequence[object]]) -> Sequence[Sequence[object]]:
    """The first SAMPLE rows of ``data`` that hold a cell. A blank row is no row of the list: counted, a list with
    blank-row gaps (5 persons, 12 blank rows, 5 persons) had each column filled in fewer than half the sample's
    rows, no name column and was nothing, not even a listing (review22t). Rows of a header-less list always hold a
    cell; a column's share of filled rows is now that share among the rows that hold anything."""
    sample = data[:SAMPLE]
    if _first_cells_filled(sample) or all(map(_holds, sample)):
        return sample
    return list(islice(filter(_holds, data), SAMPLE))


def _first_cells_filled(rows: Sequence[Sequence[object]]) -> bool:
    """Does every row's first cell have a text (so every row holds a cell, :func:`_holds`)? By C-level maps over the
    first cells, no Python call a row: a text cell's text is its strip, and a cell of the types in _TYPED always has
    one. False (then each row is asked) when a row is empty, a first cell is blank or of another type."""
    if not all(rows):
        return False
    firsts = list(map(itemgetter(0), rows))
    kinds = set(map(type, firsts))
    if not kinds <= _PLAIN:
        return False
    return str not in kinds or all(map(str.strip, filter(str.__instancecheck__, firsts)))


@cache
def _placeholders() -> re.Pattern[str]:
    patterns = rules.load("pii_columns")["placeholders"]["patterns"]
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def placeholder_label(text: str) -> bool:
    """A column name a program gives a column that has none (``col1``, ``Column1``, ``field1``, ``F1``, ``C001``,
    ``Unnamed: 0``, ``列1``, ``項目1``: signatures/pii_columns.toml [placeholders]) that no header word of ours names
    (``TEL1``, ``owner1``, ``氏名1`` keep their meaning): it says nothing of its column, read by its values. One rule
    for CSV, sheets and XML exports' coded tags (review20x fixed the XML tags alone: ``col1 | col2 | col3`` over a CSV
    was a person)."""
    t = V.nfkc(text).strip()
    return bool(t) and len(t) <= 30 and _placeholders().fullmatch(t) is not None and not is_label(t)


def names_a_column(text: str) -> bool:
    """Whether a column's name says what it holds: any but a :func:`placeholder_label` (an XML export's tag whose
    header cell is kept, scanner.xmlrecords)."""
    return not placeholder_label(text)


def placeholder_row(row: Sequence[object]) -> bool:
    """A header row of placeholder names alone (two at least: ``col1 | col2 | col3``): a header-less table's first row
    that is no person's (it was counted as one)."""
    filled = [v for v in row if not (v is None or isinstance(v, str) and not v.strip())]
    return len(filled) >= 2 and all(isinstance(v, str) and placeholder_label(v) for v in filled)


def _filled(vals: list[str], rows: int) -> bool:
    """Filled in at least half the rows: a person's name or address column always is."""
    return rows > 0 and sum(1 for v in vals if v) >= max(1, rows // 2)


_NUMBER = re.compile(r"[.,:/\-+()%¥$ ]*[\d０-９][\d０-９.,:/\-+()%¥$ ]*")


def _numbers(col: _Column) -> bool:
    """Mostly numbers, dates or times (1200, 2017-03-01, 10:00) by the cells' types and digits alone: no name
    column (every name test fails on these, and none needs fewer than half of the filled values), so its
    values are never tested as names; :func:`_no_name` would say the same after counting its texts."""
    return col.numbers


# Texts that no name test and no street test passes: a digit among nothing but digits, ASCII signs, ¥, kana,
# kanji and Japanese punctuation (資料079, 3月14日 17:00, 第2回, 本町3-12-5, and every number, date or time
# _NUMBER matches). NFKC keeps the digit and brings no Latin letter (tests/test_pii_classify_equal.py checks
# every character), so the Japanese name shapes fail on the digit, the Latin names, capitalised words and
# streets on the missing letter, and no listed name holds a digit.
_NOT_A_NAME_SIGNS = r"\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a5\u3000-\u3002\u3005\u300c\u300d\u301c" \
    r"\u3041-\u3096\u30a1-\u30fc\u3400-\u4dbf\u4e00-\u9fff\uff05\uff08\uff09\uff0d\uff0f\uff1a"
NOT_A_NAME = re.compile(f"[{_NOT_A_NAME_SIGNS}\\d]*\\d[{_NOT_A_NAME_SIGNS}\\d]*")


def _no_name(col: _Column) -> bool:
    """No name or street test can pass on this column: more of its filled texts than any of them allows
    (the least demanding needs half) are :data:`NOT_A_NAME`. Its values are then never tested as names.
    A column of numbers is one (every text _NUMBER matches is NOT_A_NAME). Counted by C-level iterators
    that stop at the first running total past the allowed (a column of codes or dates: about half of it)."""
    counts = col.counts
    allowed = allowed_failures(col.filled, 0.5)
    totals = accumulate(compress(counts.values(), map(NOT_A_NAME.fullmatch, counts)))
    return next(filter(allowed.__lt__, totals), None) is not None


# Types of the cells readers give whose text (cell_text) is never empty and, for dates and times without a
# time zone, always a number by _NUMBER (ISO digits, "-", ":", " ", "."). bool is not among them: True == 1
# as a dictionary key, but its text is TRUE.
_TYPED = frozenset({int, float, dt.datetime, dt.date, dt.time, dt.timedelta})
_PLAIN = _TYPED | {str}


def _sure_numbers(typed: list[object], enough: int, kinds: set[type] | None = None) -> int:
    """How many typed cells surely have a number as text (``_NUMBER.fullmatch(cell_text(v))``), by C-level
    maps over cells of one type (0 for a mix of types): every date, every datetime and time without a time
    zone (ISO digits, "-", ":", " ", "."), and every float but inf, nan and those ``repr`` writes with an
    exponent (0 < |f| < 1e-4; a float of 1e16 or more is integral, written by ``int``). May stop counting
    once it reaches ``enough``. ``kinds``: the cells' types, when the caller has them."""
    kinds = set(map(type, typed)) if kinds is None else kinds
    if kinds == {float}:
        floats = cast(list[float], typed)
        integral = sum(map(float.is_integer, floats))  # the common column of numbers: enough without the rest
        if integral >= enough:
            return integral
        return (sum(map(_SMALLEST_PLAIN.__le__, map(abs, floats))) + floats.count(0.0)
                - floats.count(math.inf) - floats.count(-math.inf))
    if kinds == {dt.date}:
        return len(typed)
    if kinds <= {dt.datetime, dt.time}:
        return list(map(attrgetter("tzinfo"), typed)).count(None)
    return 0


_SMALLEST_PLAIN = 1e-4  # repr writes smaller floats with an exponent (1e-05)


def _sure_texts(counts: dict[str, int]) -> int:
    """How many of the counted (stripped) texts are digits only (str.isdecimal: _NUMBER's \\d is any decimal
    digit), each distinct text tested once."""
    return sum(compress(counts.values(), map(str.isdecimal, counts)))


class _Column:
    """One column of the sample, read once.

    Every verdict the tests here give on a column is a share of its filled cells (:func:`mostly`), so they
    need only how many cells are filled and how often each distinct text occurs (each distinct text is then
    tested once). Text cells are stripped and counted by C-level maps and a Counter: a column of texts at
    once, the texts of a column of typed cells only when a test needs them. ``numbers``: more than half the
    cells are numbers for sure (cells typed as numbers or dates, texts of digits only; the filled cells are
    at most all of them). The text of every row is built only for the tests that read rows (addresses), and
    the texts of typed cells only when a test reads them.
    """

    __slots__ = ("cells", "numbers", "_strs", "_typed", "_counts", "_filled", "_texts")

    def __init__(self, cells: Sequence[object]) -> None:
        self.cells = cells
        self._texts: list[str] | None = None
        self._counts: dict[str, int] | None = None
        self._filled = 0
        self._strs: Sequence[str] | None = None  # the text cells, taken out when first needed
        self._typed: list[object] = []
        kinds = set(map(type, cells))
        enough = len(cells) // 2 + 1  # numbers: more than half of all cells, filled or not
        if kinds == {str}:  # counted at once: the digits-only test then runs once per distinct text
            self._strs = strs = cast(Sequence[str], cells)
            # a column of digits (a CSV's amounts): enough cells are digits as they are (unstripped, so they
            # are digits stripped too) without counting them; counted when a test needs the texts
            self.numbers = ((bool(strs) and strs[-1].isdecimal() and sum(map(str.isdecimal, strs)) >= enough)
                            or _sure_texts(self._count()) >= enough)
        elif kinds <= _PLAIN:  # exact types: isinstance is type() here
            # exact types: a cell is a str by isinstance only when its type is str (C-level filters, no loop a cell)
            self._typed = list(cells) if str not in kinds else list(filterfalse(str.__instancecheck__, cells))
            sure = _sure_numbers(self._typed, enough, kinds - {str})  # mostly enough (a column of numbers)
            if sure < enough:
                sure += sum(map(str.isdecimal, self._text_cells()))
            self.numbers = sure >= enough
        else:  # None, bool or a type no reader gives: each cell through cell_text
            self._texts = self._strs = [cell_text(v) for v in cells]
            self.numbers = sum(map(str.isdecimal, self._strs)) >= enough

    def _text_cells(self) -> Sequence[str]:
        if self._strs is None:  # set but for a column of the exact types _PLAIN with texts among them: isinstance is type
            self._strs = cast(list[str], list(filter(str.__instancecheck__, self.cells)))
        return self._strs

    def _count(self) -> dict[str, int]:
        if self._counts is None:
            counts = Counter(map(str.strip, self._text_cells()))
            counts.pop("", None)
            self._filled = sum(counts.values()) + len(self._typed)
            self._counts = counts
        return self._counts

    @property
    def counts(self) -> dict[str, int]:
        """Distinct filled texts -> how many cells hold each."""
        counts = self._count()
        if self._typed:
            for v, n in Counter(self._typed).items():  # equal keys (1 == 1.0) have equal texts
                t = cell_text(v)
                counts[t] = counts.get(t, 0) + n
            self._typed = []
        return counts

    @property
    def filled(self) -> int:
        self._count()
        return self._filled

    @property
    def texts(self) -> list[str]:
        """The text of every row, for the tests that read rows."""
        if self._texts is None:
            self._texts = [cell_text(v) for v in self.cells]
        return self._texts

    def filled_in(self, rows: int) -> bool:
        """:func:`_filled`."""
        return rows > 0 and self.filled >= max(1, rows // 2)

    def mostly(self, test: Callable[[str], object], at_least: float) -> bool:
        return mostly_counted(self.counts.items(), self.filled, test, at_least)

    def share(self, test: Callable[[str], object]) -> float:
        return share_counted(self.counts.items(), self.filled, test)


def _single_token(v: object) -> bool:
    t = V.nfkc(v)
    return bool(t) and " " not in t and t.replace("-", "").replace("'", "").isalpha()


def _tied(texts: Sequence[str], others: Iterable[Sequence[str]]) -> bool:
    """Does each name of ``texts`` stand beside one value of one of the ``others`` columns (row-aligned texts) that has
    at least half as many values (2 at least): a client named on many rows of a visit log beside his address, where
    a helper stands beside many addresses (review15e)? A tenth more pairs than names is allowed (a client who moved)."""
    names = len({t for t in texts if t})
    for other in others:
        pairs = {(a, b) for a, b in zip(texts, other, strict=False) if a and b}
        if len({b for _a, b in pairs}) >= max(2, names / 2) and len(pairs) <= 1.1 * names:
            return True
    return False


def _names(cols: dict[int, _Column], rows: int, beside: dict[int, _Column] | None = None
           ) -> tuple[list[int], str] | None:
    """The name column(s) and how they were recognised. A column of one text in most rows (a team or branch,
    田中班, 上海工行, before the persons' names) is a label, not names: taken only when no other column is. A column
    of a few names each on many rows (fewer distinct than half its cells: the staff in charge, 担当 | 利用者名 | 住所)
    is taken only when no column of distinct names is; of several such, first one whose names each stand beside one
    value of another of the columns ``beside`` (the sample's: :func:`_tied`, a visit log's clients beside their
    address, not the helpers visiting them), then the one with the most distinct names (a visit log names its clients
    again, the staff more often)."""
    order = sorted(cols)
    label: tuple[list[int], str] | None = None
    repeated: list[tuple[bool, int, int, str]] = []  # (tied, distinct names, column, how)
    for c in order:
        col = cols[c]
        if not col.filled_in(rows):
            continue
        if col.mostly(V.looks_like_spaced_name, 0.6):
            how = "spaced"
        elif col.mostly(N.japanese_name_shape, 0.75) and col.mostly(lambda v: not N.is_placeholder_name(v), 0.9):
            how = "shape"
        else:
            continue
        if col.share(V.is_prefecture_name) < 0.5 and col.share(V.is_region_name) <= 0.5:
            # prefectures or regions padded to align (青　森, 東　北) are places, not names; one among names is a name
            if _one_label(col):
                label = label or ([c], how)
                continue
            if len(col.counts) * 2 < col.filled:
                others = [o.texts for d, o in (cols if beside is None else beside).items() if d != c]
                repeated.append((_tied(col.texts, others), len(col.counts), -c, how))
                continue
            return [c], how
    if repeated:
        _t, _n, c, how = max(repeated)
        return [-c], how
    for a, b in zip(order, order[1:], strict=False):
        ca, cb = cols[a], cols[b]
        if b != a + 1 or not (ca.filled_in(rows) and cb.filled_in(rows)):
            continue
        if (ca.mostly(N.japanese_family_name_shape, 0.8) and cb.mostly(N.japanese_given_name_shape, 0.8)
                and ca.mostly(N.starts_with_surname, 0.2)):
            return [a, b], "split"
        if not mostly_counted(chain(ca.counts.items(), cb.counts.items()), ca.filled + cb.filled, _single_token, 0.9):
            continue
        first_a = ca.share(lambda v: N.known_first_name(V.nfkc(v)))
        first_b = cb.share(lambda v: N.known_first_name(V.nfkc(v)))
        if first_a >= 0.6 and cb.mostly(lambda v: N.known_last_name(V.nfkc(v)), 0.5):
            return [b, a], "latin"  # first | last: kept family first, as 姓 + 名
        if first_b >= 0.6 and ca.mostly(lambda v: N.known_last_name(V.nfkc(v)), 0.5):
            return [a, b], "latin"
    for c in order:
        col = cols[c]
        if (col.filled_in(rows) and col.mostly(N.latin_name_known, 0.7)
                and col.mostly(lambda v: 2 <= len(N.latin_tokens(v)) <= 4, 0.7)):
            return [c], "latin"
    for c in order:
        col = cols[c]
        if (col.filled_in(rows) and col.mostly(_any_name, MIXED_NAMES) and not _one_label(col)
                and len(col.counts) * 2 >= col.filled and col.share(V.is_prefecture_name) < 0.5):
            return [c], "mixed"
    return label


MIXED_NAMES = 0.75  # of a column's cells, the share that are names of one script or another (:func:`_any_name`)
_KATAKANA_DOT = re.compile("[\u30a1-\u30fa\u30fc]{2,}(?:[・･][\u30a1-\u30fa\u30fc]{2,}){1,3}")


def _any_name(value: str) -> bool:
    """A person's name in any script a resident list in Japan holds: 山田 太郎, 山田太郎, YAMADA Taro, Nguyen Van An,
    ジョン・スミス. A column of them mixed is a name column (tables26: 20 Japanese residents and 30 foreign ones between
    them, header-less, were no list; a column mostly of one script was one already)."""
    t = V.nfkc(value)
    return bool(V.looks_like_spaced_name(t) or N.japanese_name_shape(t) or _KATAKANA_DOT.fullmatch(t)
                or N.latin_name_known(t) and 2 <= len(N.latin_tokens(t)) <= 4)


def _one_label(col: _Column) -> bool:
    """One text fills more than half of a column's (at least 5) filled cells (wild12: SheetJS apachepoi_22742, a
    contact list whose first column holds the same branch name in all 86 rows, read as the persons' names)."""
    counts = col.counts
    return col.filled >= 5 and bool(counts) and max(counts.values()) * 2 > col.filled


_CAPITALISED = re.compile(r"[A-Z\u00c0-\u00de][a-z\u00df-\u00ff'\-]+(?: [A-Z\u00c0-\u00de][a-z\u00df-\u00ff'\-]+){0,2}")


def _latin_names_left_of_a_street(cols: dict[int, _Column], rows: int) -> tuple[list[int], str] | None:
    """Names the lists do not know (us-500's Mitsue Tollner, Leota Dilliard) found by structure: one or two
    columns of capitalised words left of a street-with-number column, some of them known first names."""
    streets = _streets(cols, rows)
    if not streets:
        return None
    left = [c for c in sorted(cols) if c < streets[0] and cols[c].filled_in(rows)]

    def capitalised(c: int, tokens: range) -> bool:
        col = cols[c]  # its filled values: the blanks were never counted
        return (col.mostly(lambda v: bool(_CAPITALISED.fullmatch(V.nfkc(v))) and len(V.nfkc(v).split()) in tokens,
                           0.9) and len(col.counts) >= 0.5 * col.filled and not col.mostly(N.is_us_state, 0.2))

    def first_known(c: int) -> float:
        return cols[c].share(lambda v: N.known_first_name(V.nfkc(v).split()[0]))

    for a, b in zip(left, left[1:], strict=False):
        if b == a + 1 and capitalised(a, range(1, 2)) and capitalised(b, range(1, 2)):
            fa, fb = first_known(a), first_known(b)
            if max(fa, fb) >= 0.25:
                return ([b, a] if fa >= fb else [a, b]), "latin"
    for c in left:
        if capitalised(c, range(2, 4)) and first_known(c) >= 0.25:
            return [c], "latin"
    return None


def _streets(cols: dict[int, _Column], rows: int) -> list[int]:
    """The columns of Latin streets with a house number (6649 N Blue Gum St), in order."""
    return [c for c in sorted(cols) if cols[c].filled_in(rows) and cols[c].mostly(V.looks_like_latin_street, 0.6)]


def _address(data: Sequence[Sequence[object]], cols: dict[int, list[str]], rows: int,
             taken: set[int], names: Sequence[int] = ()) -> tuple[list[int], list[int]] | None:
    """The address columns (joined in order) and a postal-code column found beside them. Of several addresses, the one
    whose values vary as the names in columns ``names`` do (the number of distinct values nearest theirs; the first of
    equals): a sender's name and address before each recipient's (依頼主 | 依頼主住所 | 届先 | 届先住所) paired the
    recipients with the sender's address (tables16); a facility's address beside a client list is the same few values."""
    sample = data[:SAMPLE]
    found: list[tuple[list[int], list[int], list[str]]] = []
    joined_cols: set[int] = set()
    people = -1  # the names' distinct values, counted when a first address is found
    for c in sorted(cols):
        vals = cols[c]
        if c in joined_cols or not _filled(vals, rows):
            continue
        whole = mostly(vals, lambda v: V.looks_like_address(v, strict=True), 0.6)
        pref = mostly(vals, V.is_prefecture, 0.6)
        starts = mostly(vals, lambda v: V.starts_with_prefecture(v) and V.looks_like_address(v), 0.6)
        city = not (whole or pref or starts) and mostly(vals, V.is_municipality, 0.6)  # 渋谷区 | 中央1-2-3 (tables19)
        town = not (whole or pref or starts or city) and mostly(vals, V.is_town_block, 0.6)  # 本町2-5-10 (people20)
        if not (whole or pref or starts or city or town):
            continue
        plan = RolePlan("", {"address": [c]})
        used = set(taken) | {c}
        nxt = c + 1
        while nxt in cols and nxt not in taken and _continue_address(plan, nxt, sample, used):
            nxt += 1
        if city and (len(plan.cols["address"]) < 2 or not mostly(
                [cell_text(v) for r in sample if (v := r[c + 1] if c + 1 < len(r) else "")], V.starts_with_town, 0.6)):
            continue  # a city column is an address's only before its towns (渋谷区 | 会議室1-2 is no home)
        joined = [plan.value(r, "address") for r in sample]
        looks = partial(_town_or_address, town)
        if mostly(joined, looks, 0.5) or (
                len(plan.cols["address"]) >= 3 and mostly(joined, lambda v: not V.is_prefecture(v), 0.8)):
            if not names:
                return plan.cols["address"], plan.cols.get("postcode", [])
            if people < 0:
                people = len({join_values(r, names, " ") for r in sample} - {""})
            if abs(len(set(joined) - {""}) - people) * 10 <= people or _households(sample, names, joined):
                # about as many addresses as names, or a household's (one family name at an address): the list's
                return plan.cols["address"], plan.cols.get("postcode", [])
            found.append((plan.cols["address"], plan.cols.get("postcode", []), joined))
            joined_cols |= set(plan.cols["address"])
    if not found:
        return _latin_address(cols, rows, taken)
    found.sort(key=lambda f: abs(len(set(f[2]) - {""}) - people))  # stable: the first of equals first
    return found[0][0], found[0][1]


def _town_or_address(town: bool, value: object) -> bool:
    """An address (strict), or with ``town`` a known town and its block (:func:`values.is_town_block`, people20)."""
    return V.looks_like_address(value, strict=True) or town and V.is_town_block(value)


HOUSEHOLD_SHARE = 0.8  # of the addresses several names share, those where the names share their family name


def _households(sample: Sequence[Sequence[object]], names: Sequence[int], joined: Sequence[str]) -> bool:
    """Are the names that share an address mostly of one family (山田 太郎 | 山田 花子 at one home: fewer homes than names
    in a residents' list), not a sender's recipients or a facility's clients? (review16b: a per-person contact's address
    further right was taken for every member's)"""
    at: dict[str, set[str]] = {}
    for r, a in zip(sample, joined, strict=False):
        if a and (n := join_values(r, names, " ").strip()):
            at.setdefault(a, set()).add(n)
    shared = [ns for ns in at.values() if len(ns) >= 2]
    return bool(shared) and sum(len({n.split()[0] for n in ns}) == 1 for ns in shared) >= HOUSEHOLD_SHARE * len(shared)


def _latin_address(cols: dict[int, list[str]], rows: int, taken: set[int]) -> tuple[list[int], list[int]] | None:
    """Street | city | [county] | state | ZIP: the street, the city and the state make the address."""
    for c in sorted(cols):
        if not (_filled(cols[c], rows) and mostly(cols[c], V.looks_like_latin_street, 0.6)):
            continue
        places: list[int] = []
        zip_col: list[int] = []
        nxt = c + 1
        while nxt in cols and nxt not in taken and len(places) < 4:
            vals = cols[nxt]
            if mostly(vals, V.looks_like_zip, 0.8):
                zip_col = [nxt]
                break
            if share(vals, V.looks_like_latin_place) < 0.8:
                break
            places.append(nxt)
            nxt += 1
        if not places:
            continue
        states = [p for p in places if mostly(cols[p], N.is_us_state, 0.6)]
        city = places[:1]
        state = states[-1:] if states and states[-1] != places[0] else []
        if not (state or zip_col):
            continue  # a street and one word column: not enough to call it an address
        return [c, *city, *state], zip_col
    return None


def _columns(sample: Sequence[Sequence[object]], width: int, skip: set[int]) -> dict[int, _Column]:
    """The sample's columns (short rows read as blank cells), but those in ``skip``; empty ones left out."""
    if len(set(map(len, sample))) == 1:
        by_column: Iterable[Sequence[object]] = zip(*sample, strict=True)
    else:
        by_column = ([r[c] if c < len(r) else "" for r in sample] for c in range(width))
    cols = {c: _Column(cells) for c, cells in enumerate(by_column) if c not in skip}
    return {c: col for c, col in cols.items() if col.numbers or col.filled}


def discover(data: Sequence[Sequence[object]], taken: set[int], header_rows: Sequence[Sequence[object]] = (),
             need_name: bool = False) -> tuple[RolePlan, dict[str, list[int]]]:
    """Columns found from values: (the row's person, context columns such as organisation).

    ``taken``: columns already explained by a header; ``header_rows``: rows above the data, whose
    excluded headers (担当者名, 保管場所, 施設名) bar their column. ``need_name``: the sheet is nothing
    without a name column (no header found one), so without one the other columns are not tested.
    """
    sample = _sample(data)
    rows = len(sample)
    width = max(map(len, sample), default=0)
    cols = _columns(sample, width, taken)
    found: dict[str, list[int]] = {}
    context: dict[str, list[int]] = {}
    words = {c: col for c, col in cols.items() if not _numbers(col) and not _no_name(col)}
    names = _names(words, rows, cols)
    if names is None and need_name and not _streets(words, rows):
        return RolePlan("", found), context  # no name among these columns: none among fewer (see _barred)
    barred = _barred(data, header_rows)
    if barred:
        cols = {c: col for c, col in cols.items() if c not in barred}
        words = {c: col for c, col in words.items() if c not in barred}
        names = _names(words, rows, cols)
    names = names or _latin_names_left_of_a_street(words, rows)
    if names is not None:
        found["name"] = names[0]
    elif need_name:  # no person without a name (pii._kind): most tables of a share end here
        return RolePlan("", found), context
    used = set(taken) | set(found.get("name", []))
    address = _address(sample, {c: col.texts for c, col in cols.items() if c not in used}, rows, used,
                       found.get("name", []))
    if address is not None:
        found["address"], postcode = address
        if postcode:
            found["postcode"] = postcode
    used |= set(found.get("address", [])) | set(found.get("postcode", []))
    for c in sorted(cols):
        if c in used:
            continue
        col = cols[c]
        if "phone" not in found and col.filled_in(rows) and _lost_zero_phones(col):
            found["phone"] = [c]
            used.add(c)
            continue
        for f, test in (("phone", lambda v: V.normalise_phone(v) or _phone_like(v)),
                        ("postcode", lambda v: V.find_postcode(v)),
                        ("email", V.is_email),
                        ("birth", lambda v: V.parse_date(v) and not V._ISO_DATE.match(V.nfkc(v))
                         or _era(v))):
            if f not in found and col.filled_in(rows) and col.mostly(test, 0.6):
                if f == "phone" and _numbered_on(col):
                    continue
                found[f] = [c]
                used.add(c)
                break
        else:
            if "organisation" not in context and col.filled_in(rows) and col.mostly(_org, 0.4):
                context["organisation"] = [c]
    # a phone read from values alone is shown as the cell holds it: no 0 put back (plan.phone_digits is for a
    # phone header's numbers), never a digit the file did not hold (review14a)
    return RolePlan("", found, held=frozenset({"phone"} & set(found))), context


def second_person(data: Sequence[Sequence[object]], main: RolePlan) -> RolePlan | None:
    """Another person on each row of a header-less table: a column of names, not the row's person's, with a whole
    address right after it that is its own (each name beside one address of it: :func:`_tied`), a sender beside his
    address before each recipient's (依頼主 | 依頼主住所 | 届先 | 届先住所 of a gift list: the senders were not counted), or
    each member's emergency contact at hers. A person of the row's kind (no role): nothing in a header-less table
    says which of the two sent and which received."""
    if "name" not in main.cols or "address" not in main.cols:
        return None
    sample = _sample(data)
    rows = len(sample)
    used = {c for cols in main.cols.values() for c in cols}
    cols = _columns(sample, max(map(len, sample), default=0), used)
    for c in sorted(cols):
        col, nxt = cols[c], cols.get(c + 1)
        if nxt is None or not col.filled_in(rows) or _numbers(col) or not (
                col.mostly(V.looks_like_spaced_name, 0.6) or col.mostly(N.japanese_name_shape, 0.75)
                and col.mostly(lambda v: not N.is_placeholder_name(v), 0.9)) or col.share(V.is_prefecture_name) >= 0.5 or (
                col.share(V.is_region_name) > 0.5):
            continue
        if (_one_label(col) or not nxt.mostly(lambda v: V.looks_like_address(v, strict=True), 0.6)
                or not _tied(col.texts, [nxt.texts]) or _shared_places(col.texts, nxt.texts)
                or _in_charge(col.texts, nxt.texts)):
            continue
        plan = RolePlan("", {"name": [c], "address": [c + 1]})
        taken = used | {c, c + 1}
        after = c + 2
        while after in cols and after not in used and _continue_address(plan, after, sample, taken):
            after += 1
        return RolePlan("", {"name": [c], "address": plan.cols["address"]})
    return None


def _shared_places(names: Sequence[str], places: Sequence[str]) -> bool:
    """Does a place of ``places`` stand beside names of two families (row-aligned texts)? The staff in charge beside
    their branch's address (顧客 | 住所 | 電話 | 担当者 | 支店住所: four staff at two branches were counted as second
    persons, review17c); a sender or a contact is alone at his home, or with his family."""
    families: dict[str, set[str]] = {}
    for n, a in zip(names, places, strict=False):
        if n and a:
            families.setdefault(V.nfkc(a), set()).add(N.family_of(n) or n)
    return any(len(f) > 1 for f in families.values())


IN_CHARGE_ROWS = 10  # rows a second column's name and place stand on, on average, that make it the staff in charge
# (a branch serves many customers; a sender sends a few gifts, in the recipients' order too: review18b, 3 dropped them)


def _in_charge(names: Sequence[str], places: Sequence[str]) -> bool:
    """Does each name stand beside its place on many rows (IN_CHARGE_ROWS on average), the names taking turns down the
    rows? The staff member in charge of customers listed in their own order beside his branch (one a branch:
    :func:`_shared_places` sees none, tables18); a sender stands on the run of rows of his recipients, an emergency
    contact on one row, a sender in a list sorted by recipient on a few rows taking turns with the others."""
    pairs = [(n, a) for n, a in zip(names, places, strict=False) if n and a]
    runs = 1 + sum(p != q for p, q in zip(pairs, pairs[1:], strict=False))
    return len(pairs) >= IN_CHARGE_ROWS * len(set(pairs)) > 0 and runs > len(set(pairs))


def _barred(data: Sequence[Sequence[object]], header_rows: Sequence[Sequence[object]]) -> set[int]:
    """Columns under an excluded header (担当者名, 保管場所, 施設名) in a row of labels above or at the top.

    Barring columns only takes candidates away: :func:`_names` passes on fewer columns only where it passed
    on all of them (its tests read one column, or two adjacent ones), so a sheet that needs a name and has
    neither a name nor a street column among all its columns needs no barring (most sheets: the header
    search below is then skipped)."""
    return {c for r in (*header_rows, *data[:HEADER_SCAN_ROWS]) if _header_like(r) and not key_value_row(r)
            for c, v in enumerate(r) if is_excluded(v) and not labelled_value(v)}


def key_value_row(row: Sequence[object]) -> bool:
    """A row of label | value pairs (担当者 | 山田 太郎 | 住所 | 東京都…, 作成者 | 鈴木 花子 | 電話 | 03-…: a sender or author
    block above a list), no header: its filled cells alternate a label and a cell that is none, a label first, and such
    a cell holds a person's data by its look (a spaced or Japanese-shaped name, an address, a phone, an e-mail). A
    header's labels stand side by side (氏名 | 住所, No. | 担当者名 | 住所). The block's staff column barred the list's
    names below and its address label named the phones' column: 40 persons were nothing (review14a)."""
    cells = [v for v in row if isinstance(v, str) and v.strip() or not isinstance(v, str) and v is not None]
    if len(cells) < 2 or not all(isinstance(v, str) and is_label(v) for v in cells[::2]):
        return False
    values = cells[1::2]
    return (not any(isinstance(v, str) and is_label(v) for v in values)
            and any(_personal_look(cell_text(v)) for v in values))


def _personal_look(t: str) -> bool:
    return bool(V.looks_like_spaced_name(t) or N.japanese_name_shape(t) or V.looks_like_address(t, strict=True)
                or V.normalise_phone(t) or V.looks_like_phone(t) or V.is_email(t))


def _header_like(row: Sequence[object]) -> bool:
    """A row of labels (担当者名, 保管場所, 品名 ...), not data that happens to hold such a word (Weber).

    At least two labels and at least half the filled cells: the count stops once that is reached or out of
    reach (a row of data is decided after about half its cells)."""
    filled = [v for v in row if isinstance(v, str) and v.strip()]
    need = max(2, (len(filled) + 1) // 2)  # labels >= 2 and labels * 2 >= len(filled)
    left = len(filled)
    labels = 0
    for v in filled:
        if labels + left < need:
            return False
        left -= 1
        if is_label(v) and not labelled_value(v):
            labels += 1
            if labels >= need:
                return True
    return labels >= need


def _phone_like(v: object) -> bool:
    """A phone number that fits a numbering plan (values.looks_like_phone)."""
    return V.looks_like_phone(v)


LOST_ZERO_KINDS = 0.1  # of a column of phones saved as numbers, the share of fixed lines and of mobiles each at least


def _lost_zero_phones(col: _Column) -> bool:
    """A column of phones saved as numbers, their leading 0 lost: number cells (a cell Excel stores as a number; text
    digits may be any code), mostly Japanese phones with a 0 put back, mixing both kinds (a tenth at least each):
    9-digit fixed lines (312345678 for 03-1234-5678) and 10-digit mobiles (9012345678 for 090-1234-5678), and not in
    ascending order (IDs numbered on). Either kind alone is as well an amount or an order or member number of a fixed
    prefix (8012345678): digits alone are no phones then (review14a)."""
    filled = col.filled
    if not filled or sum(type(v) in (int, float) for v in col.cells) * 10 < filled * 6:
        return False
    if not col.mostly(V.lost_zero_phone, 0.6) or _numbered_on(col):
        return False
    mobiles = col.share(lambda v: bool(V.LOST_ZERO_MOBILE.fullmatch(V.nfkc(v))))
    fixed = col.share(lambda v: V.lost_zero_phone(v) and len(V.nfkc(v)) == 9)
    return mobiles >= LOST_ZERO_KINDS and fixed >= LOST_ZERO_KINDS


def _numbered_on(col: _Column) -> bool:
    """A column of digits in ascending order (IDs numbered on: 9010000001, 9010000002 ...; a mobile number that lost
    its 0 by value): no phones, whose lists are never in the order of their numbers."""
    digits = [int(t) for t in col.texts if t.isdigit()]
    return len(digits) >= 3 and all(a < b for a, b in zip(digits, digits[1:], strict=False))


def _era(v: object) -> bool:
    return bool(V._ERA_DATE.match(V.nfkc(v)))


# a facility word and what a person does there (施設入所, ホーム入居, 病院入院中): a client's status, no organisation's name
_STATUS = re.compile(r"(?:介護|老人|福祉)?(?:施設|ホーム|病院|医院|センター|事業所)"
                     r"(?:入所|入居|退所|退居|入院|退院|通所|通院|利用|待機|申込|見学)(?:中|済み?|予定|待ち)?")


def _org(v: object) -> bool:
    t = V.nfkc(v)
    return bool(V._ORG.search(t)) and not _STATUS.fullmatch(t.strip())
