"""Which columns make each field of each person in a row: field assembly from a header row.

People write one field over several columns: ``住所`` above five columns (都道府県 / 市区町村 / 町域 / 番地 /
建物, the others left blank or merged), ``jusho1..jusho5``, ``姓 | 名``, and put other renditions beside the
value (``住所（カタカナ）``, ``氏名（ローマ字）``). The rules, in order:

1. Headers say field, role and rendition (scanner/detectors/columns.py). Numbered headers of one field join
   in their number's order; split parts (姓 + 名, 都道府県 + 市区町村 + 番地 + 建物名) in column order.
2. A blank-headed (or merged) column right of a name or address column continues that field when its
   values fit the next part (a municipality, town, block or building after an address; a given name after
   a family name). Blank columns holding kana become the reading of a name; Latin spellings beside a
   Japanese field are another rendition: ignored, never joined into the value.
3. Other renditions (カタカナ, ローマ字, English) become the reading or are ignored; one is used as the value
   only when the field has no column of its own.
4. Every field is then confirmed by its values (most filled cells must fit).
Pure functions over rows already read.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import TypeVar

from .. import rules
from . import person_names as N
from . import values as V
from .columns import (
    Header,
    is_bare_role,
    is_joined_region_header,
    is_label,
    is_prefecture_header,
    is_premises_header,
    is_region_header,
    is_staff_header,
    named_fields,
    normalise_header,
    part_order,
    role_shares_address,
)

SAMPLE_ROWS = 500
NAME_PARTS = ("name", "name_family", "name_given")
READING_PARTS = ("reading", "reading_family", "reading_given")
JOINED = ("name", "reading", "address")  # fields that may take several columns
SPLIT_NUMBERS = ("phone", "postcode")  # typed in numbered pieces by some shops' exports (Rakuten): joined with "-"
MAX_CONTINUATION = 8


def cell_text(v: object) -> str:
    """A cell as text: integral floats without ``.0``, dates as ISO, empty for None."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v).strip()


def column_values(rows: Sequence[Sequence[object]], c: int) -> list[object]:
    return [r[c] for r in rows if c < len(r) and cell_text(r[c])]

T = TypeVar("T")  # the cell values a test reads (str, or raw cells)


def share(values: Sequence[T], test: Callable[[T], object]) -> float:
    """Of the filled values, the share that pass ``test`` (0 when none is filled)."""
    filled = [v for v in values if (v.strip() if isinstance(v, str) else cell_text(v))]
    if not filled:
        return 0.0
    return sum(1 for v in filled if test(v)) / len(filled)


def mostly(values: Sequence[T], test: Callable[[T], object], at_least: float) -> bool:
    """``share(values, test) >= at_least``, stopping at the first failure too many: a column of numbers
    is ruled out as names after a few cells, not after all of them. A text repeated down the column
    (a category, a town) is tested once."""
    filled = [v for v in values if (v.strip() if isinstance(v, str) else cell_text(v))]
    if not filled:
        return False
    allowed = allowed_failures(len(filled), at_least)
    fails = 0
    seen: dict[str, bool] = {}
    for v in filled:
        if isinstance(v, str):
            ok = seen.get(v)
            if ok is None:
                ok = seen[v] = bool(test(v))
        else:
            ok = bool(test(v))
        if not ok:
            fails += 1
            if fails > allowed:
                return False
    return True


def allowed_failures(filled: int, at_least: float) -> int:
    """How many of ``filled`` values may fail a test that must pass on a share ``at_least`` of them."""
    return filled - math.ceil(at_least * filled - 1e-9)


def mostly_counted(counts: Iterable[tuple[str, int]], filled: int, test: Callable[[str], object],
                   at_least: float) -> bool:
    """:func:`mostly` over a column's distinct filled texts and how often each occurs (``filled``: their total):
    the same verdict, since it depends only on how many filled cells pass; each text is tested once."""
    if not filled:
        return False
    allowed = allowed_failures(filled, at_least)
    fails = 0
    for v, n in counts:
        if not test(v):
            fails += n
            if fails > allowed:
                return False
    return True


def share_counted(counts: Iterable[tuple[str, int]], filled: int, test: Callable[[str], object]) -> float:
    """:func:`share` over distinct filled texts and their counts (the same integers divided: the same float)."""
    if not filled:
        return 0.0
    return sum(n for v, n in counts if test(v)) / filled


def join_values(row: Sequence[object], cols: Sequence[int], sep: str) -> str:
    """Join a field's columns: names with one space, addresses directly (Latin parts keep a space)."""
    parts = [cell_text(row[c]) for c in cols if c < len(row)]
    parts = [p for p in parts if p]
    if sep == "":
        out = ""
        last = ""
        for p in parts:
            if out and p.startswith(out):
                out = last = p  # 都道府県 | 住所 where the address repeats the prefecture: 東京都 + 東京都千代田区…
                continue
            out += (" " if out and out[-1] != " " and (out[-1].isascii() and p[0].isascii()
                                                          or _numbers_meet(out, p, last)) else "") + p
            last = p
        return out
    return sep.join(parts)


def _numbers_meet(left: str, right: str, left_cell: str = "") -> bool:
    """A number (any width, or a kanji numeral) ends one address part and another starts the next: ２５－２５ |
    １０７ is a block and a room (番地 | 部屋番号), kept apart by a space, never read as 25-25107. A town whose name ends
    in a kanji numeral (前弥六, 本町二) before a block of its own (住所1 | 住所2 = …前弥六 | 1-4-17) is not: the space made
    the person key read 前弥6-1-4 (tables11; the same person in one cell elsewhere was another person). A cell that is
    a kanji numeral alone is a 丁目 of its own column (町名 | 丁目 | 番地 = 本町 | 三 | 12-5): a number, kept apart."""
    if not right[0].isdigit():
        return False
    if left[-1].isdigit() or left_cell and all(ch in _KANJI_NUMERALS for ch in left_cell.strip()):
        return True
    return left[-1] in _KANJI_NUMERALS and not _BLOCK_START.match(right)


_BLOCK_START = re.compile(r"\d+\s*[-‐‑‒–—―−ー－]\s*\d")  # 1-4-17, ３－５: a block number, not a room


_KANJI_NUMERALS = frozenset("〇一二三四五六七八九十百千")


@dataclass
class RolePlan:
    """The columns of one person in a row: the row's own (role "") or an applicant, recipient, guardian ...

    ``cols``: field -> column indexes joined in this order. ``weak``: fields whose header word alone is
    weak (a bare ``name``), so their values must be personal names by the name data.
    """

    role: str = ""
    cols: dict[str, list[int]] = field(default_factory=dict)
    weak: set[str] = field(default_factory=set)
    labels: dict[int, str] = field(default_factory=dict)
    lent_by: str = ""  # the role whose address this person took (pii._lent_address): a company's makes business
    held: frozenset[str] = frozenset()  # fields read from values alone (no header): shown as the file holds them

    @property
    def shares_address(self) -> bool:
        return bool(self.role) and role_shares_address(self.role)

    def value(self, row: Sequence[object], f: str) -> str:
        if f in SPLIT_NUMBERS:  # 電話番号1 | 電話番号2 | 電話番号3 = 090 | 1234 | 5678
            return "-".join(number_pieces(f, piece_texts(row, self.cols.get(f, []))))
        return join_values(row, self.cols.get(f, []), " " if f in ("name", "reading") else "")


@dataclass
class SheetPlan:
    roles: list[RolePlan]
    context: dict[str, list[int]] = field(default_factory=dict)  # organisation, position columns
    labels: dict[int, str] = field(default_factory=dict)  # header text of the context columns
    joint: list[int] = field(default_factory=list)  # 連名 columns: more persons at the row's address
    joint_readings: dict[int, int] = field(default_factory=dict)  # 連名 column -> its own reading column (連名フリガナ)

    def role(self, name: str) -> RolePlan | None:
        return next((r for r in self.roles if r.role == name), None)


# --- value tests for confirming columns ------------------------------------------------------------------

def _is_kana_only(v: object) -> bool:
    t = V.nfkc(v).replace(" ", "").replace("\u3000", "")
    return bool(t) and all("\u3041" <= ch <= "\u30ff" for ch in t)


def _is_latin_only(v: object) -> bool:
    t = V.nfkc(v)
    return bool(t) and t.isascii() and any(ch.isalpha() for ch in t)


def _is_cjk(v: object) -> bool:
    return bool(V._CJK.search(V.nfkc(v)))


def _personal_name(v: object) -> bool:
    """A name by the name data, not only by shape, for a weak header (a bare ``name``, ShipName): a
    Japanese name shape, or a known first name among the Latin words (Maria Anders, not Ernst Handel's
    neighbours Richter Supermarkt or Vins et alcools Chevalier)."""
    t = V.nfkc(v)
    if not V.looks_like_name(t) or N.is_placeholder_name(t):
        return False
    if _is_cjk(t):
        return N.japanese_name_shape(t) or V.looks_like_spaced_name(t)
    tokens = N.latin_tokens(t)
    return 1 <= len(tokens) <= 4 and any(N.known_first_name(tok) for tok in tokens)


CONFIRM: dict[str, Callable[[str], object]] = {
    "name": V.looks_like_name,
    "reading": V.looks_like_name,
    "address": V.looks_like_address,
    "postcode": lambda v: V.find_postcode(v, labelled=True) or V.looks_like_zip(v),
    "phone": lambda v: V.normalise_phone(phone_digits(v)) or _foreign_phone(v),
    "sex": lambda v: V.parse_sex(v) or v in ("1", "2"),
    "mynumber": V.my_number_valid,
    "email": V.is_email,
}


def phone_digits(v: str) -> str:
    """A phone typed into a number cell loses its leading 0 (312345678, 9012345678; a CSV saved from that
    sheet holds the same digits as text): put it back when that makes a Japanese phone (10 digits 0[1-9],
    11 for 050/070/080/090), else keep the digits as they are."""
    if v.isdigit() and len(v) in (9, 10) and not v.startswith("0") and V.normalise_phone("0" + v):
        return "0" + v
    return v


_SEPARATORS = "-‐‑‒–—―−ー()（）〒 "


def piece_texts(row: Sequence[object], cols: Sequence[int]) -> list[str]:
    """The filled cells of a phone or postal code typed in pieces, without the separators typed in with them
    (``123- | 4567``, ``〒123 | 4567``, ``(03) | 1234 | 5678``: were no pieces, the number lost; review10a). One cell is
    the whole value as it is."""
    cells = [t for c in cols if c < len(row) and (t := cell_text(row[c]))]
    if len(cols) < 2:
        return cells
    return [p for t in cells if (p := V.nfkc(t).strip(_SEPARATORS))]


def number_pieces(f: str, parts: list[str]) -> list[str]:
    """Pieces of a phone or postal code stored as numbers lose their leading zeros (03 | 1234 | 0567 became
    3 | 1234 | 567; 郵便番号1 | 2 = 060 | 0001 became 60 | 1): put them back. A Japanese phone's first piece
    always starts with 0 and its last (the subscriber number) has 4 digits, kept only when the whole is then
    a Japanese phone; a postal code is 3 + 4 digits. Anything else is returned as it is."""
    if len(parts) < 2 or not all(p.isdigit() for p in parts):
        return parts
    if f == "postcode":
        ok = len(parts) == 2 and len(parts[0]) <= 3 and len(parts[1]) <= 4
        return [parts[0].zfill(3), parts[1].zfill(4)] if ok else parts
    whole = [parts[0] if parts[0].startswith("0") else "0" + parts[0], *parts[1:-1], parts[-1].zfill(4)]
    return whole if V.normalise_phone("".join(whole)) else parts


def _foreign_phone(v: str) -> bool:
    """A phone number of another country: 7-15 digits with the usual separators (504-621-8927, (171) 555-2222)."""
    t = V.nfkc(v)
    digits = sum(c.isdigit() for c in t)
    return 7 <= digits <= 15 and all(c.isdigit() or c in " -()+.x/" for c in t)


CITIES_DISTINCT = 0.5  # of a City/State column's filled values, the share that are distinct at least: persons' cities


def _home_cities(vals: Sequence[str]) -> bool:
    """Does a joined City/State column hold the rows' own cities (tables22: Name | City/State of 30 persons each in his
    city was nothing, Name | City with the same values 30 persons)? Its values are no state the data knows (a US
    state, a prefecture) and mostly distinct: a race's region or a branch's state repeats over many rows (wild21: 6
    places over 30 candidates, Santiago, Managua, Aragua, Carabobo, Zulia, N/A, stay a region)."""
    filled = [v for v in vals if v.strip()]
    return bool(filled) and not mostly(filled, lambda v: N.is_us_state(v) or _a_prefecture(v), 0.5) and \
        len(set(filled)) >= CITIES_DISTINCT * len(filled)


def _a_prefecture(v: object) -> bool:
    """A Japanese prefecture, with or without 都, 府 or 県 (東京都, 東京)."""
    t = V.nfkc(v)
    return V.is_prefecture(t) or any(V.is_prefecture(t + end) for end in "都府県")


def _whole_address(v: str) -> bool:
    """More than a place: a Japanese address with a block number (a prefecture or a municipality alone, as
    lists of officials give them, is no address to write to); Latin addresses as they come."""
    t = V.nfkc(v)
    if _is_cjk(t):
        return V.looks_like_address(t, strict=True) or bool(V._BLOCK.search(t)) and not V.is_prefecture(t)
    return V.looks_like_address(t)


def confirm(plan: RolePlan, sample: Sequence[Sequence[object]]) -> RolePlan:
    """Keep the fields whose values fit (most of the filled ones); drop columns that are all empty."""
    kept: dict[str, list[int]] = {}
    for f, cols in plan.cols.items():
        cols = [c for c in cols if any(c < len(r) and cell_text(r[c]) for r in sample)]
        if not cols:
            continue
        if f == "address":  # pref / prefName holding no prefectures: a preference, a preferred name (review20p)
            cols = [c for c in cols if not is_prefecture_header(plan.labels.get(c, ""))
                    or mostly(column_values(sample, c), _a_prefecture, 0.5)]
            if not cols:
                continue
        if f in SPLIT_NUMBERS and len(cols) > 1 and not _pieces(f, cols, sample):
            cols = cols[:1]  # 電話番号1 | 電話番号2 as two whole numbers: the first is the phone
        if f == "birth":
            cells = column_values(sample, cols[0])
            ok = mostly(cells, lambda v: V.parse_date(v, serials=True), 0.5)
        else:
            pieces = RolePlan(plan.role, {f: cols})
            vals = [pieces.value(r, f) if f in JOINED or len(cols) > 1 else cell_text(r[cols[0]]) if cols[0] < len(r)
                    else "" for r in sample]
            test = CONFIRM.get(f)
            ok = test is None or mostly(vals, test, 0.5)
            if ok and f == "name" and f in plan.weak:
                ok = mostly(vals, _personal_name, 0.5)
            if ok and f == "address":
                # a prefecture or a municipality alone is no address; nor what the rows' check then rejects (1区,
                # 12番 under 区 / 地番: every row lost, the names list with them; review9c)
                ok = mostly(vals, lambda v: _whole_address(v) and V.plausible_address(v), 0.5)
                if ok and all(is_region_header(plan.labels.get(c, "")) for c in cols):
                    # a region alone (Name | State: Indiana, CA; POI 49325.xlsx) is no address to write to
                    ok = not mostly(vals, V.is_place_name_alone, 0.5) or (
                        all(is_joined_region_header(plan.labels.get(c, "")) for c in cols) and _home_cities(vals))
                if ok and all(is_premises_header(plan.labels.get(c, "")) for c in cols):
                    ok = False  # a building and a room alone (Name | Building Name | Room Number): an office's (review20p)
        if ok:
            kept[f] = cols
    return RolePlan(plan.role, kept, plan.weak & set(kept), plan.labels, held=plan.held & set(kept))


def _fits_name(v: str) -> bool:
    return bool(V.looks_like_name(v)) and not _is_kana_only(v)


# what the values of a fused header's column must be for each field it names (a kana column is the reading, a
# name in kanji the name itself: the two tests must not both hold)
_POSTCODE_ALONE = re.compile(r"〒?\s*\d{3}-?\d{4}")
_FUSED_FIT: dict[str, Callable[[str], object]] = {**CONFIRM, "name": _fits_name, "address": _whole_address,
                                                  "reading": lambda v: _is_kana_only(_unbracket(v)) or _is_latin_only(v),
                                                  "postcode": lambda v: _POSTCODE_ALONE.fullmatch(V.nfkc(v).strip()),
                                                  "birth": V.parse_date}  # (review9c: a birth line was a KeyError)


def refit_fused(headers: dict[int, Header], texts: dict[int, str], sample: Sequence[Sequence[object]]
                ) -> dict[int, Header]:
    """A header cell naming two fields (``フリガナ\\n氏名``, ``住所／電話番号``: a printed list's two lines under one
    cell) was read as one of them; the values say which the column holds: when most of them do not fit the field
    read and most fit another the cell names, the column is that one (the reading of ``氏名（フリガナ）`` over kana
    stays the reading). A bare role word (送付先) over addresses is that role's address."""
    out = dict(headers)
    for c, h in headers.items():
        if h.role and h.field == "name" and is_bare_role(texts.get(c, "")):
            values = [t for r in sample if c < len(r) and (t := cell_text(r[c]))]
            if values and not mostly(values, _fits_name, 0.5) and mostly(values, _whole_address, 0.5):
                out[c] = Header("address", h.role)  # 送付先 over addresses: the recipient's address, not a name
            continue
        fields = named_fields(texts.get(c, ""))
        if len(fields) < 2 or not h.main or h.field not in fields:
            continue
        values = [t for r in sample if c < len(r) and (t := cell_text(r[c]))]
        own = _FUSED_FIT.get(h.field)
        if not values or own is None or mostly(values, own, 0.5):
            continue
        for other in sorted(fields - {h.field}):
            fit = _FUSED_FIT.get(other)
            if fit is not None and mostly(values, fit, 0.5):
                out[c] = Header(other, h.role, number=h.number)
                break
    return out


def _unbracket(v: str) -> str:
    """A reading written in brackets under its name (``(ヤマダ タロウ)``, ``（やまだ たろう）``) without them."""
    t = v.strip()
    return t[1:-1].strip() if len(t) > 2 and t[0] in "(（[［【" and t[-1] in ")）]］】" else t


_FIELD_WORD = {"name": "氏名", "reading": "フリガナ", "address": "住所", "phone": "電話番号", "postcode": "郵便番号",
               "birth": "生年月日", "email": "メールアドレス", "sex": "性別"}


def _lines(v: object) -> list[str]:
    return [t for ln in v.split("\n") if (t := ln.strip())] if isinstance(v, str) else []


def fused_lines(header: Sequence[object], sample: Sequence[Sequence[object]]) -> dict[int, tuple[str, ...]]:
    """Columns under a header naming two to four fields whose cells hold that many lines or more (``フリガナ⏎氏名`` over
    ``ヤマダ タロウ⏎山田 太郎``; ``住所⏎電話番号``): the field of each line ("" for a line of no named field, such as
    a birth date under フリガナ⏎氏名), by the values (the order the header gives is not trusted)."""
    out: dict[int, tuple[str, ...]] = {}
    for c, v in enumerate(header):
        fields = sorted(f for f in named_fields(v) if f in _FIELD_WORD and f in _FUSED_FIT)
        if fields == ["name"]:
            fields = ["name", "reading"]  # 氏名 over フリガナ⏎山田 太郎: the reading written above the name (review9c)
        if not 2 <= len(fields) <= 4:
            continue
        cells = [_lines(r[c]) for r in sample if c < len(r) and cell_text(r[c])]
        multi = [ls for ls in cells if len(ls) >= 2]
        if not cells or len(multi) * 2 < len(cells):
            continue
        width = Counter(len(ls) for ls in multi).most_common(1)[0][0]
        same = [ls for ls in multi if len(ls) == width]
        got: list[str] = []
        for j in range(width):
            fit = next((f for f in fields if f not in got and mostly([ls[j] for ls in same], _FUSED_FIT[f], 0.8)), "")
            got.append(fit)
        if sum(1 for f in got if f) >= 2:
            out[c] = tuple(got)
    return out


def _place(lines: list[str], fields: tuple[str, ...]) -> list[str]:
    """The lines of one cell by field position: in order when there are as many as the header's; else each line in
    the first free field it fits (a cell of the name alone, without its reading), a line fitting none after the
    line before it (an address wrapped over two lines)."""
    if len(lines) == len(fields):
        return [(_unbracket(ln) if f == "reading" else ln) if f else "" for ln, f in zip(lines, fields, strict=True)]
    out = [""] * len(fields)
    last = -1
    for ln in lines:
        j = next((j for j, f in enumerate(fields) if f and not out[j] and _FUSED_FIT[f](ln)), -1)
        if j >= 0:
            out[j], last = ln, j
        elif last >= 0:
            out[last] = f"{out[last]} {ln}"
    return [_unbracket(v) if f == "reading" else v for v, f in zip(out, fields, strict=True)]


def split_lines(row: Sequence[object], fused: dict[int, tuple[str, ...]], width: int) -> list[object]:
    """``row`` with each fused column's first line in place and its other lines appended after column ``width``
    (one appended column per further line of the header, fused columns in column order); cells of a row longer
    than ``width`` (a note typed beyond the last column: no header of theirs) follow the appended ones."""
    out = [*row[:width], *[""] * (width - len(row))]
    for c, fields in fused.items():
        v = out[c]
        if isinstance(v, str):
            placed = _place(_lines(v), fields)
            out[c] = placed[0]
            out.extend(placed[1:])
        else:
            out.extend([""] * (len(fields) - 1))
    return [*out, *row[width:]]


def fused_mapping(read: dict[int, Header], before: dict[int, Header], fused: dict[int, tuple[str, ...]], width: int
                  ) -> dict[int, Header]:
    """The header mapping over :func:`split_lines` rows: each line's column the field of that line, with the role
    and number the fused cell was read with (フリガナ⏎保護者氏名: the guardian's reading and name, not the row's
    person's; review9c)."""
    out = dict(read)
    extra = width
    for c, fields in fused.items():
        h = before.get(c)
        for j, f in enumerate(fields):
            col = c if j == 0 else extra + j - 1
            if f:
                out[col] = Header(f, h.role if h else "", number=h.number if h else 0)
            else:
                out.pop(col, None)
        extra += len(fields) - 1
    return out


def fused_header(header: Sequence[object], fused: dict[int, tuple[str, ...]], width: int) -> list[object]:
    """The header row for :func:`split_lines` rows: a fused cell names its first line's field, the appended cells
    their further lines' ("" for a line of no named field)."""
    out: list[object] = [*header, *[""] * (width - len(header))]
    for c, fields in fused.items():
        out[c] = _FIELD_WORD.get(fields[0], "")
        out.extend(_FIELD_WORD.get(f, "") for f in fields[1:])
    return out


# --- assembly from a header row --------------------------------------------------------------------------

def _numbered(cols: list[int], headers: dict[int, Header]) -> list[int]:
    """Columns of one field: numbered ones (住所1..5) in number order, the rest in column order."""
    if all(headers[c].number for c in cols) and len({headers[c].number for c in cols}) == len(cols):
        return sorted(cols, key=lambda c: headers[c].number)
    return sorted(cols)


def _numbered_run(c: int, h: Header, headers: dict[int, Header]) -> list[int]:
    """``c`` and the columns right of it numbered 2, 3 ... for the same field (注文者電話番号1 | 2 | 3); else ``c`` and
    the columns right of it of the same field, role and rendition whatever their numbers (``〒上3桁 | 〒下4桁``: the
    number is a digit count; ``郵便番号 | 郵便番号`` from a merged cell saved to CSV), as many as the field has pieces
    at most. :func:`confirm` keeps such a run only when the values are pieces of one number; else the first column."""
    run = [c]
    if h.number == 1:
        while (n := headers.get(run[-1] + 1)) is not None and n.field == h.field and n.number == len(run) + 1:
            run.append(run[-1] + 1)
        return run
    while (len(run) < _MAX_PIECES[h.field] and (n := headers.get(run[-1] + 1)) is not None and n.field == h.field
           and (n.role, n.rendition) == (h.role, h.rendition)):
        run.append(run[-1] + 1)
    return run


_MAX_PIECES = {"postcode": 2, "phone": 3}  # 123 | 4567; 03 | 1234 | 5678


def _separator_column(c: int, sample: Sequence[Sequence[object]]) -> bool:
    """A column holding only a separator typed in a cell of its own (〒 | 123 | 4567, 123 | - | 4567): no piece."""
    values = column_values(sample, c)
    return bool(values) and all(not V.nfkc(cell_text(v)).strip(_SEPARATORS) for v in values)


def _digit_columns(cols: list[int], sample: Sequence[Sequence[object]]) -> list[int]:
    return [c for c in cols if not _separator_column(c, sample)]


def _pieces(f: str, cols: list[int], sample: Sequence[Sequence[object]]) -> bool:
    """Are the columns pieces of one number (2-5 digits each, as a phone or postal code is split; zeros a
    number cell lost put back) in most rows? Columns of separators alone (〒, -) are no pieces."""
    cols = _digit_columns(cols, sample)
    rows = [[V.nfkc(cell_text(r[c])).strip(_SEPARATORS) for c in cols if c < len(r)] for r in sample]
    rows = [number_pieces(f, r) if all(r) else r for r in rows if any(r)]
    return bool(rows) and share(rows, lambda r: all(p.isdigit() and 2 <= len(p) <= 5 for p in r)) >= 0.8


def _pick_name(role_cols: dict[int, Header], base: str, parts: tuple[str, str, str]) -> list[int]:
    full, fam, giv = parts
    fulls = sorted(c for c, h in role_cols.items() if h.field == full)
    fams = sorted(c for c, h in role_cols.items() if h.field == fam)[:1]
    givs = sorted(c for c, h in role_cols.items() if h.field == giv)[:1]
    if fulls and fams and not givs and fulls[0] == fams[0] + 1:
        return [fams[0], fulls[0]]  # 名字 | 名前 (Rakuten): a "name" right of a family name is the given name
    if fulls:
        return fulls[:1]
    return sorted(fams + givs, key=lambda c: (part_order(role_cols[c].field), c))


def plan_roles(headers: dict[int, Header], sample: Sequence[Sequence[object]] = ()) -> list[RolePlan]:
    """One RolePlan per role named in the header row (main renditions first, others as fallback); ``sample``: the rows
    under it (numbered columns side by side: one person's lines or several persons, _instances)."""
    plans: list[RolePlan] = []
    for role in dict.fromkeys([""] + sorted({h.role for h in headers.values()})):
        for mine in _instances(role, {c: h for c, h in headers.items() if h.role == role}, sample):
            plans.append(_role_plan(role, mine))
    return plans


def _instances(role: str, mine: dict[int, Header], sample: Sequence[Sequence[object]] = ()) -> list[dict[int, Header]]:
    """A role named twice or more with numbers on its names (緊急連絡先1氏名 | 緊急連絡先1住所 | 緊急連絡先2氏名 |
    緊急連絡先2住所: two contacts, each a person): one set of columns per number; unnumbered ones go with the first.
    Two numbers at least must carry a field of their own beside the name (review9c). The lines of one address and of
    one name are no persons (tables16): a field whose numbered columns run side by side to a number no name has
    (お届け先住所１-３ beside お届け先名称１-２, Sagawa e飛伝III and Japan Post ゆうプリR), or names and addresses each
    side by side (ご依頼主住所１ | ご依頼主住所２ | ご依頼主名称１ | ご依頼主名称２) unless the rows hold a second person
    there (緊急連絡先氏名1 | 緊急連絡先氏名2 | 緊急連絡先住所1 | 緊急連絡先住所2: review16b)."""
    if not mine:
        return []
    numbers = sorted({h.number for h in mine.values() if h.field == "name" and h.number})
    own = {h.number for h in mine.values() if h.field not in NAME_PARTS + READING_PARTS}
    lines = any(_side_by_side(mine, h.field) for h in mine.values() if h.number and h.number not in numbers
                and h.field not in NAME_PARTS + READING_PARTS)
    if not role or len(numbers) < 2 or len(own & set(numbers)) < 2 or lines or (
            _side_by_side(mine, "name") and _side_by_side(mine, "address") and not _second_person(mine, sample)):
        return [mine]  # 保護者氏名1 | 保護者氏名2 alone: one name's parts (姓 | 名) or lines (宛名, 様方), not two persons
    return [{c: h for c, h in mine.items() if h.number == n or (n == numbers[0] and h.number not in numbers)}
            for n in numbers]


def _second_person(mine: dict[int, Header], sample: Sequence[Sequence[object]]) -> bool:
    """Do the rows hold a second person in the second numbered name and address columns: most rows that fill the first
    name fill the second with a name, beside an address of its own (a prefecture or municipality and a block number), as
    two contacts or parents do; a name's second line (様方, a department) or an address's (番地, 建物) does not."""
    def second(field: str) -> tuple[int, int] | None:
        cols = sorted((h.number, c) for c, h in mine.items() if h.field == field and h.number)
        return (cols[0][1], cols[1][1]) if len(cols) >= 2 else None

    names, places = second("name"), second("address")
    if names is None or places is None or not sample:
        return False
    first = len(column_values(sample, names[0]))
    others, where = column_values(sample, names[1]), column_values(sample, places[1])
    return (first > 0 and len(others) * 2 >= first and mostly(others, V.looks_like_name, 0.8)
            and mostly(where, lambda v: V.looks_like_address(v, strict=True), 0.8))


def _side_by_side(mine: dict[int, Header], field: str) -> bool:
    """Do ``field``'s numbered columns stand next to each other in number order (住所１ | 住所２ | 住所３: the lines of one
    address; two persons' columns go by person: 緊急連絡先1氏名 | 緊急連絡先1住所 | 緊急連絡先2氏名 ...)?"""
    cols = sorted((h.number, c) for c, h in mine.items() if h.field == field and h.number)
    return len(cols) >= 2 and all(b[1] == a[1] + 1 for a, b in zip(cols, cols[1:], strict=False))


def _role_plan(role: str, mine: dict[int, Header]) -> RolePlan:
    """The columns of one role (main renditions first, a Latin one only when the field has no column of its own)."""
    main = {c: h for c, h in mine.items() if h.main}
    other = {c: h for c, h in mine.items() if not h.main and h.rendition == "latin"}
    cols: dict[str, list[int]] = {}
    for source in (main, other):  # a Latin rendition only when the field has no column of its own
        name = _pick_name(source, "name", NAME_PARTS)
        if name and "name" not in cols:
            cols["name"] = name
        reading = _pick_name(source, "reading", READING_PARTS)
        if reading and "reading" not in cols:
            cols["reading"] = reading
        addr = [c for c, h in source.items() if h.field == "address"]
        if addr and "address" not in cols:
            cols["address"] = _numbered(addr, source)
        for c, h in sorted(source.items()):
            if h.field not in NAME_PARTS + READING_PARTS + ("address",) and h.field not in cols:
                cols[h.field] = _numbered_run(c, h, source) if h.field in SPLIT_NUMBERS else [c]
    weak = {"name"} if any(mine[c].weak for c in cols.get("name", [])) else set()
    return RolePlan(role, cols, weak)


def _blank(header_rows: Sequence[Sequence[object]], c: int) -> bool:
    return all(not (c < len(r) and cell_text(r[c])) for r in header_rows)


@cache
def _phone_part_words() -> tuple[frozenset[str], frozenset[str]]:
    """signatures/pii_columns.toml [number_pieces]: (phone part headers, headers of the piece after them)."""
    data = rules.load("pii_columns").get("number_pieces", {})
    return (frozenset(normalise_header(w) for w in data.get("parts", [])),
            frozenset(normalise_header(w) for w in data.get("after", [])))


def _headers_at(header_rows: Sequence[Sequence[object]], c: int) -> set[str]:
    return {normalise_header(t) for r in header_rows if c < len(r) and (t := cell_text(r[c]))}


def _after_phone_part(plan: RolePlan, f: str, header_rows: Sequence[Sequence[object]], c: int) -> bool:
    """Is column ``c`` headed 加入者番号 (番号) right of a phone's part headed 市外局番 / 市内局番 (局番)? Then it may be the
    phone's last piece (tables11: the phone was lost); its values decide (:func:`_continue_number`)."""
    if f != "phone" or not header_rows:
        return False
    parts, after = _phone_part_words()
    return bool(_headers_at(header_rows, c) & after) and bool(_headers_at(header_rows, plan.cols[f][-1]) & parts)


def _continue_name(plan: RolePlan, c: int, sample: Sequence[Sequence[object]], taken: set[int]) -> bool:
    """A blank column after a name: its reading (kana), a Latin rendition (ignored), or the given name."""
    vals = column_values(sample, c)
    if not vals:
        return True  # an empty spacer: look further
    names = plan.cols.get("name", [])
    if mostly(vals, _is_kana_only, 0.8) and any(_is_cjk(v) and not _is_kana_only(v)
                                                 for v in column_values(sample, names[0])):
        reading = plan.cols.setdefault("reading", [])
        if len(reading) < 2 and all(r < c for r in reading):
            reading.append(c)
            taken.add(c)
            return True
        return False
    if mostly(vals, _is_latin_only, 0.8) and mostly(column_values(sample, names[0]), _is_cjk, 0.8):
        taken.add(c)  # 氏名 | Yamada Taro: another rendition, never joined
        return True
    if mostly(vals, V.parse_sex, 0.5):
        return False  # 男 / 女 under a blank header: the sex, not a given name
    if len(names) == 1 and mostly(column_values(sample, names[0]), lambda v: " " not in V.nfkc(v), 0.9):
        if mostly(vals, N.japanese_given_name_shape, 0.7) or mostly(vals, lambda v: N.known_first_name(V.nfkc(v)), 0.5):
            names.append(c)  # 氏名 merged over 姓 | 名
            taken.add(c)
            return True
    return False


_COLON = re.compile("[:：]")
_BRACKETED = re.compile(r"\s*【([^】]+)】(.*)", re.S)


def label_and_value(v: object) -> tuple[str, str] | None:
    """A cell's label and value when it is written ``label：value`` (ASCII colon too, any space after it) or
    ``【label】value`` and the label is a header word of ours or an excluded one, else None."""
    if not isinstance(v, str):
        return None
    if (m := _BRACKETED.match(v)) is not None:
        label, value = m[1].strip(), m[2].strip()
    elif _COLON.search(v):
        label, value = (t.strip() for t in _COLON.split(v, maxsplit=1))
    else:
        return None
    if not label or not value or not is_label(label) or is_label(value):
        return None
    return label, value


def labelled_value(v: object) -> bool:
    """A label and its value in one cell (担当者：山田, 作成者: 鈴木 花子, 住所：東京都…, TEL:03-…): a sender or author
    line above a list, no header cell. A staff label's value is a name (a family name alone too); any label's value
    may be an address, a phone or an e-mail. A header with a note after a colon (電話番号：ハイフンなし) is a header."""
    if not isinstance(v, str) or not (_COLON.search(v) or "【" in v):
        return False
    if (split := label_and_value(v)) is None:
        return False
    label, value = split
    t = V.nfkc(value)
    return bool(is_staff_header(label) and (N.japanese_name_shape(t) or V.looks_like_spaced_name(t))
                or V.looks_like_address(t, strict=True) or V.normalise_phone(t) or V.looks_like_phone(t)
                or V.is_email(t))


def _person_name(v: object) -> bool:
    """A Japanese name written 姓 名 by its family and given name (not a building written with a space: サン ハイツ)."""
    return V.looks_like_spaced_name(v) and N.japanese_name_shape(v)


def _continue_address(plan: RolePlan, c: int, sample: Sequence[Sequence[object]], taken: set[int]) -> bool:
    """A blank column after an address: the next part, a postal code, or another rendition (ignored)."""
    vals = column_values(sample, c)
    if not vals:
        plan.cols["address"].append(c)  # the building column, empty in most rows: harmless
        taken.add(c)
        return True
    addr = plan.cols["address"]
    if "postcode" not in plan.cols and mostly(vals, lambda v: V.find_postcode(v, labelled=True), 0.8):
        plan.cols["postcode"] = [c]
        taken.add(c)
        return True
    so_far = [v for r in sample if (v := plan.value(r, "address"))]
    if (mostly(so_far, _is_cjk, 0.8) and mostly(so_far, lambda v: V.looks_like_address(v, strict=True), 0.6)
            and (mostly(vals, _is_kana_only, 0.8) or mostly(vals, _is_latin_only, 0.8))
            and _median_len(vals) >= 0.7 * _median_len(so_far)):
        taken.add(c)  # フクイケンフクイシ… / Fukuiken…: a rendition of the whole address, never joined
        return True
    if mostly(vals, _coordinate, 0.6):
        return False  # a latitude or longitude (38.7003206): a geocoded place, no part of its address (tables24: the
        # spot + lat + lng + zoom of japan-heritage's cultural properties were one address, 17 false persons)
    if mostly(vals, labelled_value, 0.6):
        return False  # 担当者：山田 一郎 on each row: a note with its label, no building (review15e)
    if mostly(vals, _person_name, 0.6):
        return False  # 住所 | 担当者 (田中 太郎): a column of people's names is no building (tables15; メゾン 桜 is one)
    if mostly(so_far, _starts_an_address, 0.6) and mostly(vals, _starts_an_address, 0.6):
        return False  # a whole address after a whole address: another place (home | work), never one address of both
    if counter_after_address(so_far, vals):
        return False
    if mostly(vals, V.is_care_word, 0.6):
        return False  # 要介護3, 入所中: a care level or a status, no building (tables19: …5番9号要介護3)
    if _one_text(vals) and len(set(so_far)) > 1:
        return False  # 会員 on every row at different addresses: a kind or a status, no building (a building's rows
        # share one street address: a care home's さくら荘 is kept; tables25, sample24's 西新宿1-2-1会員1)
    if mostly(vals, V.looks_like_address_part, 0.6):
        addr.append(c)
        taken.add(c)
        return True
    return False


def _one_text(vals: Sequence[object]) -> bool:
    """Three values or more, all one text that is no number (会員 on every row)."""
    texts = {cell_text(v).strip() for v in vals}
    return len(vals) >= 3 and len(texts) == 1 and not next(iter(texts)).isdigit()


_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
_COORDINATE = re.compile(r"\s*-?\d{1,3}\.\d{4,}\s*")  # a decimal fraction of 4+ digits: a coordinate, never a block


def _coordinate(value: object) -> bool:
    return _COORDINATE.fullmatch(cell_text(value)) is not None
SERIAL_DIGITS = 9  # digits of a row number at most (a longer one is no serial)


def counter_after_address(so_far: Sequence[str], vals: Sequence[object]) -> bool:
    """A column of numbers after addresses that are whole to the house (a block number after the town) is no part of
    them when the numbers are an amount or a code (5 digits or more: 150000, 50213) or count the rows (a serial:
    distinct and rising, 1..n, 1001..) while the addresses differ (a serial number, a 住所No under a plain address
    header: tables18; a care home's residents at one address keep their rising room numbers)."""
    texts = [t for v in vals if not is_label(t := V.nfkc(cell_text(v)).strip().removesuffix(".0"))]
    # the header repeated on each printed page (住所No among the numbers) is no number of the column (review18b)
    if len(texts) >= 3 and all(_GROUPED.fullmatch(t) for t in texts) and share(so_far, V.looks_like_home_address) >= 0.8:
        return True  # an amount as Excel shows it (42,000): grouped by thousands, never a room or a block (review18b)
    if len(texts) < 3 or not all(t.isascii() and t.isdigit() for t in texts) or share(
            so_far, V.looks_like_home_address) < 0.8:
        return False  # ascii: int() reads no other digit str.isdigit admits (፩, ²: review18b)
    if all(len(t) >= 5 for t in texts):
        return True
    if any(len(t) > SERIAL_DIGITS for t in texts):
        return False  # no row number; int() refuses 4,301 digits or more (a damaged cell: ValueError, review18b)
    numbers = [int(t) for t in texts]
    rising = all(a < b for a, b in pairwise(numbers))
    return rising and numbers[-1] - numbers[0] < 2 * len(numbers) and len(set(so_far)) >= 0.8 * len(so_far)


def _continue_number(plan: RolePlan, f: str, c: int, sample: Sequence[Sequence[object]], taken: set[int]) -> bool:
    """A blank column after a postal code or phone: its next piece when the columns so far and this one are pieces of
    one number (``郵便番号`` merged over 123 | 4567 in an Excel 住所録 template; ``電話番号`` over 03 | 1234 | 5678)."""
    cols = plan.cols[f]
    if (len(_digit_columns(cols, sample)) >= _MAX_PIECES[f] or not column_values(sample, c)
            or not _pieces(f, [*cols, c], sample)):
        return False
    cols.append(c)
    taken.add(c)
    return True


def assemble(plans: list[RolePlan], header_rows: Sequence[Sequence[object]], headers: dict[int, Header],
             sample: Sequence[Sequence[object]]) -> None:
    """Extend names and addresses over the blank-headed columns right of them, and a postal code or phone over the
    blank-headed columns holding its further pieces (in place)."""
    width = max((len(r) for r in (*header_rows, *sample[:50])), default=0)
    taken = set(headers)
    for plan in plans:
        for f in SPLIT_NUMBERS:
            c = max(plan.cols.get(f, [-2])) + 1
            while (f in plan.cols and c < width and c not in taken
                   and (_blank(header_rows, c) or _after_phone_part(plan, f, header_rows, c))
                   and _continue_number(plan, f, c, sample, taken)):
                c += 1
        for f, step in (("address", _continue_address), ("name", _continue_name)):
            if f not in plan.cols:
                continue
            c = max(plan.cols[f]) + 1
            for _ in range(MAX_CONTINUATION):
                if c >= width or c in taken or not _blank(header_rows, c) or not step(plan, c, sample, taken):
                    break
                c += 1


def _median_len(values: Sequence[object]) -> float:
    lengths = sorted(len(cell_text(v)) for v in values)
    return float(lengths[len(lengths) // 2]) if lengths else 0.0


def trim_addresses(plan: RolePlan, sample: Sequence[Sequence[object]]) -> None:
    """Two complete address columns (住所 and 旧住所 typed in full) are two addresses: keep the first. A column
    that holds every other one's text is the whole address (Google Contacts: Formatted beside Street, City,
    Region): keep it alone. Japanese parts written in Western order (street, city, prefecture: Outlook,
    Thunderbird, Amazon) are put in Japanese order. Room numbers left of a whole address (a care home's 部屋番号) are
    no part of it."""
    cols = plan.cols.get("address", [])
    if len(cols) < 2:
        return
    dated = [c for c in cols if (vals := column_values(sample, c)) and share(vals, _dated) >= 0.8]
    rest = [c for c in cols if c not in dated]
    if dated and rest and share([t for r in sample if (t := join_values(r, rest, ""))], _holds_a_number) >= 0.8:
        # a column of dates is no part of an address: its update or check date (住所変更日, POI 46904.xls's
        # ADRESSEOPDATERET: wild17), before or after it (review17b); unless the rest has no block number: Excel turns
        # a typed 番地 1-2-3 into the date 2001-02-03 (市区町村 | 町名 | 番地 lost all its persons, review17b)
        plan.cols["address"] = cols = rest
        if len(cols) < 2:
            return
    for k in range(1, len(cols)):  # a serial or an amount after addresses whole to the house (tables18)
        so_far = [t for r in sample if (t := join_values(r, cols[:k], ""))]
        if counter_after_address(so_far, column_values(sample, cols[k])):
            plan.cols["address"] = cols = [c for c in cols if c != cols[k]]
            break
    if len(cols) < 2:
        return
    whole = _whole_of_parts(cols, sample)
    if whole is not None:
        plan.cols["address"] = [whole]
        return
    rooms = 0
    while rooms < len(cols) - 1 and share(column_values(sample, cols[rooms]), _bare_number) >= 0.8:
        rooms += 1
    if rooms and share(column_values(sample, cols[rooms]), _begins_an_address) >= 0.6:
        # 部屋番号 | 入居者名 | … | 住民票住所: room numbers in front of an address that begins with its prefecture or
        # municipality are a room of the home the list is kept in, not a part of that address (were glued in front:
        # 201熊本県…; session 10), a whole address or one split over 住所1 | 住所2 (review10a). A room after the street
        # of a Western-order address (番地 | 部屋番号 | 市区町村) stays in it.
        cols = cols[rooms:]
    plan.cols["address"] = cols = _japanese_order(cols, sample)
    first = next((c for c in cols if share(column_values(sample, c), _starts_an_address) >= 0.6), None)
    if first is None:
        return
    # after a whole address, a column that begins one (a prefecture or municipality) is another place: 住所 | 所在地 |
    # 地番 of a tax ledger, the lot's town without its block number, then the lot (review16b: were joined into one);
    # of several places, the one whose distinct values are nearest the names' (fix16a)
    starts = [first, *(c for c in cols if c > first and share(column_values(sample, c), _begins_an_address) >= 0.6)]
    if len(starts) >= 2:
        ends = [*starts[2:], max(cols) + 1]
        plan.cols["address"] = _nearest_names(plan, sample, [[c for c in cols if c < starts[1]], *(
            [c for c in cols if s <= c < e] for s, e in zip(starts[1:], ends, strict=True))])


def _nearest_names(plan: RolePlan, sample: Sequence[Sequence[object]], groups: list[list[int]]) -> list[int]:
    """Of several whole addresses (住所 and 旧住所), the one whose distinct values are nearest the names' (the first of
    equals; the first without a name column): the rule a header-less table follows (headerless._address, tables16).
    A damaged JSON key in the first record made a column of 1 value before the 39 of the others (fix16a)."""
    names = plan.cols.get("name", [])
    if not names:
        return groups[0]
    people = len({join_values(r, names, " ") for r in sample} - {""})
    counts = [len({join_values(r, g, "") for r in sample} - {""}) for g in groups]
    if abs(counts[0] - people) * 10 <= people:  # about as many addresses as names: the first, as before
        return groups[0]
    return groups[min(range(len(groups)), key=lambda i: abs(counts[i] - people))]  # first of equals


_DAY_MONTH_YEAR = re.compile(r"\d{1,2}[-./]\d{1,2}[-./](?:19|20)\d\d(?:[ T]\d{1,2}:\d\d(?::\d\d)?)?")


def _dated(v: object) -> bool:
    """A date (as values.parse_date reads one, or 01-09-2006 day first): never a part of an address."""
    return V.parse_date(v) is not None or _DAY_MONTH_YEAR.fullmatch(V.nfkc(v).strip()) is not None


def _holds_a_number(v: object) -> bool:
    """An address with a number in it (a block, a house, a street number: 1-2-3, 三丁目, Gyvelvej 45)."""
    return V._BLOCK.search(V.nfkc(v)) is not None


def _begins_an_address(v: object) -> bool:
    return bool(V.starts_with_prefecture(v) or V._MUNI.match(V.nfkc(v)))


def _starts_an_address(v: object) -> bool:
    return V.looks_like_address(v, strict=True) and bool(V.starts_with_prefecture(v) or V._MUNI.match(V.nfkc(v)))


_ROOM = re.compile(r"\d{1,5}(?:号室|号|階|F)?")


def _bare_number(v: object) -> bool:
    return bool(_ROOM.fullmatch(V.nfkc(cell_text(v)).strip()))  # 201 or 201.0 from a number cell, ２０１号室


def _squeezed(v: object) -> str:
    return "".join(V.nfkc(v).split())


def _whole_of_parts(cols: list[int], sample: Sequence[Sequence[object]]) -> int | None:
    """The column whose text holds the text of every other address column in most rows, or None."""
    for c in cols:
        rows = [r for r in sample if c < len(r) and cell_text(r[c])]
        if len(rows) < max(1, len(sample) // 2):
            continue
        holds = 0
        for r in rows:
            whole = _squeezed(r[c])
            parts = [_squeezed(r[o]) for o in cols if o != c and o < len(r) and cell_text(r[o])]
            holds += bool(parts) and all(p in whole for p in parts)
        if holds >= 0.8 * len(rows):
            return c
    return None


_MUNICIPALITY = re.compile(r"(?:[^\s\d]{1,6}?[市区町村郡]){1,3}")


def _part_rank(values: Sequence[object]) -> int:
    """0 for a column of prefectures, 1 for one of municipalities alone (Japanese), 2 for anything else; -1 for
    postal codes typed in front of the address (split off later, so they keep the front)."""
    if values and share(values, lambda v: V.find_postcode(v, labelled=True) == V.nfkc(v).lstrip("〒").strip()) >= 0.6:
        return -1
    if values and share(values, V.is_prefecture) >= 0.6:
        return 0
    if values and share(values, lambda v: _is_cjk(v) and bool(_MUNICIPALITY.fullmatch(V.nfkc(v)))) >= 0.6:
        return 1
    return 2


def _japanese_order(cols: list[int], sample: Sequence[Sequence[object]]) -> list[int]:
    """Prefecture, then municipality, then the other parts in their own order (a stable sort by rank)."""
    ranks = {c: _part_rank(column_values(sample, c)) for c in cols}
    return sorted(cols, key=lambda c: ranks[c])
