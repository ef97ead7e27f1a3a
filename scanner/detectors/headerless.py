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

import re
from collections.abc import Sequence

from . import person_names as N
from . import values as V
from .columns import is_excluded, read_header
from .plan import RolePlan, _continue_address, cell_text, mostly, share

SAMPLE = 200
HEADER_SCAN_ROWS = 20


def _filled(vals: list[str], rows: int) -> bool:
    """Filled in at least half the rows: a person's name or address column always is."""
    return rows > 0 and sum(1 for v in vals if v) >= max(1, rows // 2)


_NUMBER = re.compile(r"[.,:/\-+()%¥$ ]*[\d０-９][\d０-９.,:/\-+()%¥$ ]*")


def _numbers(vals: list[str]) -> bool:
    """Mostly numbers, dates or times (1200, 2017-03-01, 10:00): no name column (every name test fails on
    these, and none needs fewer than half of the filled values), so its values are never tested as names."""
    filled = [v for v in vals if v]
    numeric = sum(1 for v in filled if _NUMBER.fullmatch(v))
    return numeric * 2 > len(filled)


def _single_token(v: object) -> bool:
    t = V.nfkc(v)
    return bool(t) and " " not in t and t.replace("-", "").replace("'", "").isalpha()


def _names(cols: dict[int, list[str]], rows: int) -> tuple[list[int], str] | None:
    """The name column(s) and how they were recognised."""
    order = sorted(cols)
    for c in order:
        vals = cols[c]
        if not _filled(vals, rows):
            continue
        if mostly(vals, V.looks_like_spaced_name, 0.6):
            return [c], "spaced"
        if mostly(vals, N.japanese_name_shape, 0.75) and mostly(vals, lambda v: not N.is_placeholder_name(v), 0.9):
            return [c], "shape"
    for a, b in zip(order, order[1:], strict=False):
        if b != a + 1 or not (_filled(cols[a], rows) and _filled(cols[b], rows)):
            continue
        if (mostly(cols[a], N.japanese_family_name_shape, 0.8) and mostly(cols[b], N.japanese_given_name_shape, 0.8)
                and mostly(cols[a], N.starts_with_surname, 0.2)):
            return [a, b], "split"
        if not mostly(cols[a] + cols[b], _single_token, 0.9):
            continue
        first_a = share(cols[a], lambda v: N.known_first_name(V.nfkc(v)))
        first_b = share(cols[b], lambda v: N.known_first_name(V.nfkc(v)))
        if first_a >= 0.6 and mostly(cols[b], lambda v: N.known_last_name(V.nfkc(v)), 0.5):
            return [b, a], "latin"  # first | last: kept family first, as 姓 + 名
        if first_b >= 0.6 and mostly(cols[a], lambda v: N.known_last_name(V.nfkc(v)), 0.5):
            return [a, b], "latin"
    for c in order:
        vals = cols[c]
        if (_filled(vals, rows) and mostly(vals, N.latin_name_known, 0.7)
                and mostly(vals, lambda v: 2 <= len(N.latin_tokens(v)) <= 4, 0.7)):
            return [c], "latin"
    return None


_CAPITALISED = re.compile(r"[A-Z\u00c0-\u00de][a-z\u00df-\u00ff'\-]+(?: [A-Z\u00c0-\u00de][a-z\u00df-\u00ff'\-]+){0,2}")


def _latin_names_left_of_a_street(cols: dict[int, list[str]], rows: int) -> tuple[list[int], str] | None:
    """Names the lists do not know (us-500's Mitsue Tollner, Leota Dilliard) found by structure: one or two
    columns of capitalised words left of a street-with-number column, some of them known first names."""
    streets = [c for c in sorted(cols) if _filled(cols[c], rows) and mostly(cols[c], V.looks_like_latin_street, 0.6)]
    if not streets:
        return None
    left = [c for c in sorted(cols) if c < streets[0] and _filled(cols[c], rows)]

    def capitalised(c: int, tokens: range) -> bool:
        vals = [v for v in cols[c] if v]
        return (mostly(vals, lambda v: bool(_CAPITALISED.fullmatch(V.nfkc(v))) and len(V.nfkc(v).split()) in tokens,
                       0.9) and len(set(vals)) >= 0.5 * len(vals) and not mostly(vals, N.is_us_state, 0.2))

    def first_known(c: int) -> float:
        return share(cols[c], lambda v: N.known_first_name(V.nfkc(v).split()[0]))

    for a, b in zip(left, left[1:], strict=False):
        if b == a + 1 and capitalised(a, range(1, 2)) and capitalised(b, range(1, 2)):
            fa, fb = first_known(a), first_known(b)
            if max(fa, fb) >= 0.25:
                return ([b, a] if fa >= fb else [a, b]), "latin"
    for c in left:
        if capitalised(c, range(2, 4)) and first_known(c) >= 0.25:
            return [c], "latin"
    return None


def _address(data: Sequence[Sequence[object]], cols: dict[int, list[str]], rows: int,
             taken: set[int]) -> tuple[list[int], list[int]] | None:
    """The address columns (joined in order) and a postal-code column found beside them."""
    sample = data[:SAMPLE]
    for c in sorted(cols):
        vals = cols[c]
        if not _filled(vals, rows):
            continue
        whole = mostly(vals, lambda v: V.looks_like_address(v, strict=True), 0.6)
        pref = mostly(vals, V.is_prefecture, 0.6)
        starts = mostly(vals, lambda v: V.starts_with_prefecture(v) and V.looks_like_address(v), 0.6)
        if not (whole or pref or starts):
            continue
        plan = RolePlan("", {"address": [c]})
        used = set(taken) | {c}
        nxt = c + 1
        while nxt in cols and nxt not in taken and _continue_address(plan, nxt, sample, used):
            nxt += 1
        joined = [plan.value(r, "address") for r in sample]
        if mostly(joined, lambda v: V.looks_like_address(v, strict=True), 0.5) or (
                len(plan.cols["address"]) >= 3 and mostly(joined, lambda v: not V.is_prefecture(v), 0.8)):
            return plan.cols["address"], plan.cols.get("postcode", [])
    return _latin_address(cols, rows, taken)


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


def discover(data: Sequence[Sequence[object]], taken: set[int], header_rows: Sequence[Sequence[object]] = (),
             need_name: bool = False) -> tuple[RolePlan, dict[str, list[int]]]:
    """Columns found from values: (the row's person, context columns such as organisation).

    ``taken``: columns already explained by a header; ``header_rows``: rows above the data, whose
    excluded headers (担当者名, 保管場所, 施設名) bar their column. ``need_name``: the sheet is nothing
    without a name column (no header found one), so without one the other columns are not tested.
    """
    sample = data[:SAMPLE]
    rows = len(sample)
    width = max((len(r) for r in sample), default=0)
    barred = {c for r in (*header_rows, *data[:HEADER_SCAN_ROWS]) if _header_like(r) for c, v in enumerate(r)
              if is_excluded(v)}
    cols = {c: [cell_text(r[c]) if c < len(r) else "" for r in sample] for c in range(width)
            if c not in taken and c not in barred}
    cols = {c: v for c, v in cols.items() if any(v)}
    found: dict[str, list[int]] = {}
    context: dict[str, list[int]] = {}
    words = {c: v for c, v in cols.items() if not _numbers(v)}
    names = _names(words, rows) or _latin_names_left_of_a_street(words, rows)
    if names is not None:
        found["name"] = names[0]
    elif need_name:  # no person without a name (pii._kind): most tables of a share end here
        return RolePlan("", found), context
    used = set(taken) | set(found.get("name", []))
    address = _address(data, {c: v for c, v in cols.items() if c not in used}, rows, used)
    if address is not None:
        found["address"], postcode = address
        if postcode:
            found["postcode"] = postcode
    used |= set(found.get("address", [])) | set(found.get("postcode", []))
    for c in sorted(cols):
        if c in used:
            continue
        vals = cols[c]
        for f, test in (("phone", lambda v: V.normalise_phone(v) or _phone_like(v)),
                        ("postcode", lambda v: V.find_postcode(v)),
                        ("email", V.is_email),
                        ("birth", lambda v: V.parse_date(v) and not V._ISO_DATE.match(V.nfkc(v))
                         or _era(v))):
            if f not in found and _filled(vals, rows) and mostly(vals, test, 0.6):
                found[f] = [c]
                used.add(c)
                break
        else:
            if "organisation" not in context and _filled(vals, rows) and mostly(vals, _org, 0.4):
                context["organisation"] = [c]
    return RolePlan("", found), context


def _header_like(row: Sequence[object]) -> bool:
    """A row of labels (担当者名, 保管場所, 品名 ...), not data that happens to hold such a word (Weber)."""
    filled = [v for v in row if isinstance(v, str) and v.strip()]
    labels = sum(1 for v in filled if is_excluded(v) or read_header(v) is not None)
    return labels >= 2 and labels * 2 >= len(filled)


def _phone_like(v: object) -> bool:
    t = V.nfkc(v)
    digits = sum(ch.isdigit() for ch in t)
    return 10 <= digits <= 13 and all(ch.isdigit() or ch in " -()+." for ch in t) and "-" in t


def _era(v: object) -> bool:
    return bool(V._ERA_DATE.match(V.nfkc(v)))


def _org(v: object) -> bool:
    return bool(V._ORG.search(V.nfkc(v)))
