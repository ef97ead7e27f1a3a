"""Personal-records sheets: find the header row, classify columns, confirm them by values, count records.

A sheet is a hit when it has a person-name column and an address column (split columns joined) and at
least one row with both filled; its records are exactly those rows. Header words are weak on their own
(所在地 beside 施設名 is a facility list), so every column is confirmed by its values, and sheets
without a header are recognised from values alone (spaced 姓 名 names, addresses with block numbers).
Pure functions over rows already read: no I/O here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice

from ..masking import mask_field, mask_name
from ..models import PersonRecord
from . import values as V
from .columns import classify_header, is_excluded, part_order

HEADER_SCAN_ROWS = 20
SAMPLE_ROWS = 500
EXAMPLES = 3

NAME_PARTS = ("name", "name_family", "name_given")
READING_PARTS = ("reading", "reading_family", "reading_given")
# kinds reported for the breach report's 個人データの項目, in this order
KINDS = ("name", "reading", "address", "postcode", "phone", "birth", "age", "sex", "email",
         "emergency_contact", "care_level", "care_number", "mynumber", "pension_number", "resident_number")


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


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (how an examiner finds the column in Excel)."""
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class SheetFinding:
    """One personal-records sheet; its records stay in memory (never serialised in clear).

    Records are kept compact (``keys`` + one tuple per row: row number, then values) because they
    cross a process boundary from the parser worker; :attr:`records` builds the PersonRecords.
    """

    name: str
    header_row: int | None  # 1-based, None when found from values
    columns: dict[str, list[str]]
    fields: list[str]
    keys: tuple[str, ...] = ()
    rows: list[tuple] = field(default_factory=list)
    index: int | None = None  # 1-based position in the workbook (how the examiner finds a masked sheet)

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def records(self) -> list[PersonRecord]:
        keys, sheet = self.keys, self.name
        return [PersonRecord(sheet, r[0], {k: v for k, v in zip(keys, r[1:], strict=True) if v})
                for r in self.rows]

    def examples(self, unmask: bool = False) -> list[dict[str, str]]:
        out = []
        for r in self.rows[:EXAMPLES]:
            out.append({k: (v if unmask else mask_field(k, v)) for k, v in zip(self.keys, r[1:], strict=True) if v})
        return out

    def to_json(self, unmask: bool = False) -> dict[str, object]:
        """Sheet names are personal data too (a sheet per client: 「鈴木花子様」): always masked here,
        like a name; the examiner finds the sheet by ``index``."""
        return {"name": self.name if unmask else mask_name(self.name), "index": self.index,
                "header_row": self.header_row, "columns": self.columns,
                "records": self.count, "fields": self.fields, "examples": self.examples(unmask)}


# --- header row --------------------------------------------------------------------------------------

def _classify_row(row: Sequence[object]) -> dict[int, str]:
    return {i: f for i, v in enumerate(row) if isinstance(v, str) and (f := classify_header(v))}


def _base(f: str) -> str:
    return "name" if f in NAME_PARTS else "reading" if f in READING_PARTS else f


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[int, str]] | None:
    """The header row (0-based) within the first 20 rows: most distinct fields, needing a name or address.

    A two-row header (氏名 merged over 姓 | 名 below) is read as one: the lower row's parts win.
    """
    best: tuple[int, int, dict[int, str]] | None = None
    limit = min(HEADER_SCAN_ROWS, len(rows))
    classified = [_classify_row(rows[i]) for i in range(limit)]
    for i, cols in enumerate(classified):
        bases = {_base(f) for f in cols.values()}
        if len(cols) < 2 or not bases & {"name", "address"}:
            continue
        if best is None or len(bases) > best[1]:
            best = (i, len(bases), cols)
    if best is None:
        return None
    i, _, cols = best
    if i + 1 < limit and _sub_header(rows[i + 1], classified[i + 1]):
        return i + 1, {**cols, **classified[i + 1]}
    return i, cols


def _sub_header(row: Sequence[object], cols: dict[int, str]) -> bool:
    """A second header row under merged cells: only header words, and split name parts among them."""
    filled = sum(1 for v in row if cell_text(v))
    parts = set(NAME_PARTS[1:] + READING_PARTS[1:])
    return len(cols) >= 2 and filled == len(cols) and any(f in parts for f in cols.values())


# --- confirming columns by values -------------------------------------------------------------------

def _share(values: list[str], test: Callable[[str], object]) -> float:
    filled = [v for v in values if v]
    if not filled:
        return 0.0
    return sum(1 for v in filled if test(v)) / len(filled)


def _join(row: Sequence[object], cols: list[int], sep: str) -> str:
    parts = [cell_text(row[c]) for c in cols if c < len(row)]
    parts = [p for p in parts if p]
    if sep == "":
        out = ""
        for p in parts:  # Latin parts (Address 1 + City) keep a space; Japanese parts join directly
            out += (" " if out and out[-1].isascii() and p[0].isascii() and out[-1] != " " else "") + p
        return out
    return sep.join(parts)


@dataclass
class _Plan:
    """Which columns make each field of a record."""

    cols: dict[str, list[int]]  # field -> column indexes (joined in this order)

    def value(self, row: Sequence[object], f: str) -> str:
        sep = " " if f in ("name", "reading") else ""
        return _join(row, self.cols.get(f, []), sep)


def _plan_from_header(mapping: dict[int, str]) -> _Plan:
    cols: dict[str, list[int]] = {}
    full = [c for c, f in mapping.items() if f == "name"]
    parts = sorted((c for c, f in mapping.items() if f in ("name_family", "name_given")),
                   key=lambda c: (part_order(mapping[c]), c))
    if full:
        cols["name"] = full[:1]
    elif parts:
        fam = [c for c in parts if mapping[c] == "name_family"][:1]
        giv = [c for c in parts if mapping[c] == "name_given"][:1]
        cols["name"] = fam + giv
    rfull = [c for c, f in mapping.items() if f == "reading"]
    rparts = sorted((c for c, f in mapping.items() if f in ("reading_family", "reading_given")),
                    key=lambda c: (part_order(mapping[c]), c))
    if rfull:
        cols["reading"] = rfull[:1]
    elif rparts:
        cols["reading"] = rparts[:2]
    addr = sorted(c for c, f in mapping.items() if f == "address")
    if addr:
        cols["address"] = addr
    for c, f in sorted(mapping.items()):
        if _base(f) not in ("name", "reading", "address"):
            cols.setdefault(f, []).append(c)
    for f in list(cols):
        if f not in ("name", "reading", "address"):
            cols[f] = cols[f][:1]
    return _Plan(cols)


_CONFIRM: dict[str, Callable[[str], object]] = {
    "name": V.looks_like_name,
    "reading": V.looks_like_name,
    "address": V.looks_like_address,
    "postcode": lambda v: V.find_postcode(v, labelled=True),
    "phone": lambda v: V.normalise_phone(_phone_digits(v)),
    "birth": lambda v: V.parse_date(v, serials=True),
    "sex": lambda v: V.parse_sex(v) or v in ("1", "2"),
    "mynumber": V.my_number_valid,
}


def _confirm(plan: _Plan, data: Sequence[Sequence[object]]) -> _Plan:
    """Keep the fields whose values fit (most of the filled ones); drop columns that are all empty."""
    sample = data[:SAMPLE_ROWS]
    kept: dict[str, list[int]] = {}
    for f, cols in plan.cols.items():
        cols = [c for c in cols if any(c < len(r) and cell_text(r[c]) for r in sample)]
        if not cols:
            continue
        if f == "birth":
            vals = [r[cols[0]] for r in sample if cols[0] < len(r) and cell_text(r[cols[0]])]
            ok = bool(vals) and sum(1 for v in vals if V.parse_date(v, serials=True)) / len(vals) >= 0.5
        else:
            test = _CONFIRM.get(f)
            vals = [_Plan({f: cols}).value(r, f) for r in sample]
            ok = test is None or _share(vals, test) >= 0.5
        if ok:
            kept[f] = cols
    return _Plan(kept)


def _plan_from_values(data: Sequence[Sequence[object]], taken: set[int]) -> dict[str, list[int]]:
    """Columns recognised from values alone (header-less sheets, or unlabelled columns)."""
    sample = data[:200]
    width = max((len(r) for r in sample), default=0)
    found: dict[str, list[int]] = {}
    for c in range(width):
        if c in taken or any(c < len(r) and is_excluded(r[c]) for r in data[:HEADER_SCAN_ROWS]):
            continue  # a column under 担当者名 / 保管場所 / 施設名 is not a person's name or address
        vals = [cell_text(r[c]) if c < len(r) else "" for r in sample]
        if sum(1 for v in vals if v) < 1:
            continue
        for f, test in (("name", V.looks_like_spaced_name),
                        ("address", lambda v: V.looks_like_address(v, strict=True)),
                        ("phone", V.normalise_phone),
                        ("postcode", V.find_postcode)):
            if f not in found and _share(vals, test) >= 0.6:
                found[f] = [c]
                break
    return found


# --- the sheet ---------------------------------------------------------------------------------------

def _phone_digits(v: str) -> str:
    """A phone typed into a number cell loses its leading 0 (9012345678): put it back."""
    return "0" + v if v.isdigit() and len(v) in (9, 10) and not v.startswith("0") else v


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_SEX_FAST = {"男": "男", "女": "女", "男性": "男", "女性": "女"}


def _cell(row: Sequence[object], c: int) -> object:
    return row[c] if c < len(row) else None


def _birth(raw: object) -> str:
    """ISO date of a birth cell: date objects, Excel serials, 和暦 or western text; else the text."""
    if isinstance(raw, dt.date):
        return (raw.date() if isinstance(raw, dt.datetime) else raw).isoformat()
    t = cell_text(raw)
    if not t or _ISO.fullmatch(t):
        return t
    d = V.parse_date(raw, serials=True)
    return d.isoformat() if d else t


def _postcode(raw: object) -> str:
    t = cell_text(raw)
    if t.isdigit() and len(t) <= 7 and not isinstance(raw, str) or len(t) == 7 and t.isdigit():
        t = t.zfill(7)
        return f"{t[:3]}-{t[3:]}"
    return t


def _phone(raw: object) -> str:
    t = cell_text(raw)
    return _phone_digits(t) if not isinstance(raw, str) else t


def _sex(raw: object) -> str:
    t = cell_text(raw)
    return _SEX_FAST.get(t) or V.parse_sex(t) or t


_CONVERT: dict[str, Callable[[object], str]] = {"birth": _birth, "postcode": _postcode, "phone": _phone, "sex": _sex}


def _extractor(plan: _Plan, f: str) -> Callable[[Sequence[object]], str]:
    """A fast per-row getter for one field: direct cell access for single columns, joined otherwise."""
    cols = plan.cols[f]
    conv = _CONVERT.get(f)
    if conv is not None:
        c0 = cols[0]
        return lambda row: conv(row[c0]) if c0 < len(row) else ""
    if len(cols) == 1:
        c = cols[0]

        def single(row: Sequence[object]) -> str:
            v = row[c] if c < len(row) else None
            return v.strip() if type(v) is str else cell_text(v)

        return single
    return lambda row: plan.value(row, f)


def _label(rows: Sequence[Sequence[object]], hi: int, c: int) -> str:
    """Header text of column ``c`` (from the row above when a two-row header left this cell empty)."""
    for r in (hi, hi - 1):
        if r >= 0 and c < len(rows[r]) and (t := cell_text(rows[r][c])):
            return t
    return ""


def analyse_sheet(name: str, rows: Iterable[Sequence[object]], first_row: int = 1,
                  first_col: int = 0) -> SheetFinding | None:
    """The personal-records finding for one sheet, or None when it holds no name+address records.

    ``rows`` may be a stream: only the first rows (header search and value sample) are held, the rest
    is counted as it passes, so a 1,000,000-row sheet needs no list of all its rows.
    ``first_row`` (1-based) and ``first_col`` (0-based) place ``rows`` in the sheet, since readers
    start at the first used cell; reported row numbers and column letters are the sheet's own.
    """
    stream = iter(rows)
    head = list(islice(stream, HEADER_SCAN_ROWS + SAMPLE_ROWS))
    if not head:
        return None
    header = find_header(head)
    header_at: int | None = None
    labels: dict[int, str] = {}
    if header is not None:
        hi, mapping = header
        header_at = hi
        sample = head[hi + 1:]
        labels = {c: _label(head, hi, c) for c in mapping}
        plan = _confirm(_plan_from_header(mapping), sample)
        missing = {"name", "address"} - set(plan.cols)
        if missing and plan.cols:
            barred = {c for c, v in enumerate(head[hi]) if is_excluded(v)}
            extra = _plan_from_values(sample, set(mapping) | barred)
            for f in missing & set(extra):
                plan.cols[f] = extra[f]
    else:
        sample = head
        plan = _Plan(_plan_from_values(head, set()))
    if "name" not in plan.cols or "address" not in plan.cols:
        for _ in stream:  # drain, so the reader's time and cell caps still apply to the whole sheet
            pass
        return None
    data = chain(sample, stream)
    fields = [k for k in KINDS if k in plan.cols]
    head_names = {labels.get(c, "") for c in plan.cols["name"]}
    base = first_row + (header_at + 1 if header_at is not None else 0)
    keys = ("name", "address", *(f for f in plan.cols if f not in ("name", "address")))
    get_name, get_address = _extractor(plan, "name"), _extractor(plan, "address")
    others = [_extractor(plan, f) for f in keys[2:]]
    found: list[tuple] = []
    for i, row in enumerate(data):
        n = get_name(row)
        if not n:
            continue
        a = get_address(row)
        if not a or n in head_names:
            continue
        found.append((base + i, n, a, *(g(row) for g in others)))
    if not found:
        return None
    columns = {f: [labels.get(c) or column_letter(first_col + c) for c in cols] for f, cols in plan.cols.items()}
    header_row = first_row + header_at if header_at is not None else None
    return SheetFinding(name, header_row, columns, fields, keys, found)


class RecordList(Sequence[PersonRecord]):
    """The PersonRecords of several sheets, built only when someone reads them (person counting)."""

    def __init__(self, findings: Sequence[SheetFinding]) -> None:
        self._findings = list(findings)
        self._built: list[PersonRecord] | None = None

    def _all(self) -> list[PersonRecord]:
        if self._built is None:
            self._built = [r for f in self._findings for r in f.records]
        return self._built

    def __len__(self) -> int:
        return sum(f.count for f in self._findings)

    def __getitem__(self, i):  # type: ignore[override]
        return self._all()[i]

    def __iter__(self) -> Iterator[PersonRecord]:
        return iter(self._all())


def analyse_tables(sheets: Sequence[object]) -> list[SheetFinding]:
    """Every personal-records sheet of a workbook (all sheets, not only the first).

    ``sheets`` are :class:`scanner.tables.Sheet` values (name, rows, first_row, first_col).
    """
    out = []
    for s in sheets:
        f = analyse_sheet(s.name, s.rows, s.first_row, s.first_col)  # type: ignore[attr-defined]
        if f is not None:
            out.append(f)
    return out
