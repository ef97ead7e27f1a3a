"""Personal-records sheets: find the header row, assemble each person's fields, check every row, count.

A sheet is a hit when some person in it (the row's own, or an applicant, recipient, guardian ...) has a
name column and an address column (split and continued columns joined, scanner/detectors/plan.py), and
at least one row has both; its records are exactly those rows. Header words are weak on their own (所在地
beside 施設名 is a facility list), so every column is confirmed by its values, and sheets without a header
are recognised from values alone (scanner/detectors/headerless.py). After the columns are chosen each row
is checked: a name or address that is no name or address (a photo's hex spilt from a broken CSV line, a
template's ``DocFirst DocSecond``) is counted apart with the reason and never becomes a person.

Kinds of sheet: ``persons``; ``business`` (a person column beside an organisation column: business
contacts, personal data all the same, counted as persons and reported as their own class); ``names``
(persons without any address, with a phone, e-mail, birth date or number: a lower-severity lead, never
counted as persons). Lists of public officials (会派, 選挙区, 任期) raise neither.
Pure functions over rows already read: no I/O here.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache, partial
from itertools import chain, islice, takewhile, zip_longest
from typing import cast, overload

from ..codes import MAIN_ROLE, Rejection, SheetKind
from ..details import Detail, say
from ..masking import mask_field, mask_name
from ..models import PersonRecord
from ..sheet import column_letter, origin_label
from . import person_names as N
from . import values as V
from .columns import (
    CONTEXT_FIELDS,
    Header,
    example_cells,
    example_rows,
    is_example_form,
    is_example_row,
    is_excluded,
    is_home_header,
    is_label,
    is_office_address,
    is_officials_header,
    is_rendition_word,
    is_staff_header,
    is_workplace_header,
    named_fields,
    normalise_header,
    read_header,
    read_row,
    role_address_elsewhere,
    role_is_business,
    role_lends_address,
    role_shares_address,
    rows_name_nothing,
    staff_name_part,
)
from .columns import _is_excluded as _text_excluded
from .forms import form_persons
from .headerless import discover, key_value_row, labelled_value, placeholder_row, second_person
from .labels import label_fields, vertical_label_cells
from .plan import (
    NAME_PARTS,
    READING_PARTS,
    SAMPLE_ROWS,
    RolePlan,
    SheetPlan,
    assemble,
    cell_text,
    confirm,
    fused_header,
    fused_lines,
    fused_mapping,
    label_and_value,
    mostly,
    phone_digits,
    plan_roles,
    refit_fused,
    share,
    split_lines,
    trim_addresses,
)
from .sideways import label_column, transpose

HEADER_SCAN_ROWS = 20
EXAMPLES = 3

# kinds reported for the breach report's 個人データの項目, in this order
KINDS = ("name", "reading", "address", "postcode", "phone", "birth", "age", "sex", "email",
         "emergency_contact", "care_level", "care_number", "mynumber", "pension_number", "resident_number")
# a person list without addresses is a lead when it holds one of these beside the names
LEAD_FIELDS = frozenset({"phone", "email", "birth", "mynumber", "care_number", "pension_number", "resident_number"})


# Where the records of a sheet go as they are read, when someone collects them (a scan's worker turns each
# into keyed fingerprints at once): then only the first EXAMPLES rows of a sheet are kept, so a sheet of
# a million persons never holds a million rows. Unset (re-reading a file for the notification list): kept.
RECORD_SINK: ContextVar[Callable[[PersonRecord], None] | None] = ContextVar("RECORD_SINK", default=None)
SINK_CHUNK = 16384  # rows checked, turned into records and handed over at a time


@dataclass
class SheetFinding:
    """One personal-data sheet; its records stay in memory (never serialised in clear).

    Records are kept compact (``keys`` + one tuple per person: row number, role index, then values)
    because they cross a process boundary from the parser worker; :attr:`records` builds the
    PersonRecords. ``count`` is the number of rows holding a person; a row may hold several (roles).
    """

    name: str
    header_row: int | None  # 1-based, None when found from values
    columns: dict[str, list[str]]
    fields: list[str]
    keys: tuple[str, ...] = ()
    rows: list[tuple] = field(default_factory=list)
    kind: str = SheetKind.PERSONS
    role_names: tuple[str, ...] = ("",)
    rejected: dict[str, int] = field(default_factory=dict)
    row_count: int = 0
    index: int | None = None  # 1-based position in the workbook (how the examiner finds a masked sheet)
    role_counts: dict[str, int] | None = None  # records per role, when ``rows`` keeps only the first ones
    origin: dict[str, str] | None = None  # a table rebuilt from a pivot or external-link cache (scanner.caches)
    repeats: int = 0  # a cache's records that repeat rows of the workbook's own sheets (counted there, not here)
    # a list laid out sideways (scanner/detectors/sideways.py): the column of its labels; a record's row is then
    # the sheet column of its person
    labels_column: str | None = None
    # a names-only table of the same sheet beside its persons (氏名 | 電話 | メール by a member list): a lead of its own,
    # reported as a names-only sheet is (scanner.inspectors.spreadsheet.inspection_of), never counted (tables26: its
    # rows were said only as `no-address` rejections of the person table)
    lead: SheetFinding | None = None

    @property
    def count(self) -> int:
        return self.row_count

    @property
    def records(self) -> list[PersonRecord]:
        if self.kind == SheetKind.NAMES:
            return []  # leads are never counted as persons
        keys, sheet, roles, kind = self.keys, self.name, self.role_names, str(self.kind)
        return [PersonRecord(sheet, r[0], {k: v for k, v in zip(keys, r[2:], strict=True) if v},
                             roles[r[1]], kind) for r in self.rows]

    def roles(self) -> dict[str, int]:
        counted = Counter(self.role_counts) if self.role_counts is not None else \
            Counter(self.role_names[r[1]] for r in self.rows)
        return {(role or MAIN_ROLE): counted[role] for role in self.role_names if counted[role]}

    def examples(self, unmask: bool = False) -> list[dict[str, str]]:
        out = []
        for r in self.rows[:EXAMPLES]:
            ex = {k: (v if unmask else mask_field(k, v)) for k, v in zip(self.keys, r[2:], strict=True) if v}
            if len(self.role_names) > 1 or self.role_names[0]:
                ex = {"role": self.role_names[r[1]] or MAIN_ROLE, **ex}
            out.append(ex)
        return out

    def to_json(self, unmask: bool = False) -> dict[str, object]:
        """Sheet names are personal data too (a sheet per client: 「鈴木花子様」): always masked here,
        like a name; the examiner finds the sheet by ``index``."""
        out: dict[str, object] = {"name": self.name if unmask else mask_name(self.name), "index": self.index,
                "header_row": self.header_row, "columns": self.columns,
                "records": self.count, "fields": self.fields, "kind": str(self.kind), "roles": self.roles(),
                "rejected": dict(self.rejected), "rejected_total": sum(self.rejected.values()),
                "examples": self.examples(unmask)}
        if self.labels_column is not None:
            out["labels_column"] = self.labels_column
        if self.origin is not None:  # the cache's own label; the sheet name in it is masked like a sheet name
            origin = dict(self.origin)
            if not unmask and not _A1_RANGE.fullmatch(origin.get("range", "") or "A1"):
                origin["range"] = mask_name(origin["range"])  # a defined name or table: it may name a person
            out["repeats"] = self.repeats
            out["origin"] = {k: v for k, v in origin.items() if k != "sheet"}
            sheet = origin.get("sheet", "")
            out["name"] = origin_label(origin, sheet if unmask else mask_name(sheet))
        return out


_A1_RANGE = re.compile(r"\$?[A-Za-z]{1,3}\$?\d{1,7}(?::\$?[A-Za-z]{1,3}\$?\d{1,7})?")  # a pivot source's ref


# --- header row --------------------------------------------------------------------------------------

_read_row = read_row
_rows_name_nothing = rows_name_nothing  # (tests put the plain reading of every cell in their place)


def _base(f: str) -> str:
    return "name" if f in NAME_PARTS else "reading" if f in READING_PARTS else f


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[int, Header]] | None:
    """The header row (0-based) within the first 20 rows: most distinct fields, needing a name or address.

    A two-row header (氏名 merged over 姓 | 名, 住所 over 都道府県 | 市区町村 | 番地 below) is read as one:
    the lower row's parts win.
    """
    best: tuple[int, int, dict[int, Header]] | None = None
    lists: list[tuple[int, dict[int, Header]]] = []  # headers naming a name and an address of the row's own
    limit = min(HEADER_SCAN_ROWS, len(rows))
    if _rows_name_nothing(rows[:limit]):
        return None  # no row names anything (data read before, numbers, codes): no row has two header cells
    read = [_read_row(rows[i]) for i in range(limit)]
    for i, cols in enumerate(read):
        if len(cols) < 2 and not (len(cols) == 1 and _staff_beside_address(rows[i], cols)):
            continue  # most rows: data, or a title
        if key_value_row(rows[i]):
            continue  # 担当者 | 山田 太郎 | 住所 | 東京都…: a sender block, no header
        bases = {(h.role, _base(h.field)) for h in cols.values() if h.field not in CONTEXT_FIELDS}
        if not {b for _r, b in bases} & {"name", "address"} and not any(
                {"name", "address"} & named_fields(rows[i][c]) for c, h in cols.items() if not h.role):
            continue  # (a fused cell, フリガナ⏎氏名, names the name too: the values decide, plan.refit_fused)
        if {"name", "address"} <= (own := {b for r, b in bases if not r}) or "name" in own and LEAD_FIELDS & own:
            lists.append((i, cols))  # a name beside a phone or e-mail and no address: a names-only list (tables19)
        if best is None or len(bases) > best[1]:
            best = (i, len(bases), cols)
    if best is None:
        return None
    i, _, cols = best
    if (first := _list_above(rows, lists, i)) is not None:
        i, cols = first
    if i + 1 < limit and _sub_header(rows[i + 1], read[i + 1], rows[i]):
        return i + 1, {**cols, **read[i + 1]}
    return i, cols


def _list_above(rows: Sequence[Sequence[object]], lists: list[tuple[int, dict[int, Header]]], best: int
                ) -> tuple[int, dict[int, Header]] | None:
    """The first list's header when the widest header ``best`` is another list's below it: 氏名 | 住所 | 電話 over a few
    persons, a blank row, then 会員名 | フリガナ | 郵便番号 | 所在地 | TEL (fix17b: the wider header won and the first
    list's rows above it were lost with no reason). The first header must name a name and an address, hold addresses
    on its own rows, and ``best`` must be where its rows end (another table's header after a blank row,
    :func:`_rows_to_another_header`), where :func:`_until_another_table` leaves the rest for a table of its own. A
    title, a note table (区分 | 件数) or a header repeated on each printed page is no list of its own. A first list of
    names beside phones or e-mails and no address (氏名 | 電話 | メール) holds names on its own rows, none beside an
    address, and is a lead (:func:`_names_lead`): a table of its own, said beside the person table (tables19: its rows
    were dropped unsaid)."""
    for i, cols in lists:
        if i >= best:
            return None
        ours = _ours(cols.items())
        addr = sorted(ours["address"])
        if not (_its_rows(addr, rows[i + 1:i + 1 + TABLE_PEEK_ROWS]) if addr else
                _its_names(sorted(ours["name"]), rows[i + 1:i + 1 + TABLE_PEEK_ROWS])):
            continue
        if next((i + 1 + j for j, _r in _rows_to_another_header(rows[i + 1:best + 1 + TABLE_PEEK_ROWS], ours)),
                None) == best and (addr or _names_lead(rows[:best], i, cols)):
            return i, cols
    return None


def _names_lead(rows: Sequence[Sequence[object]], i: int, cols: dict[int, Header]) -> bool:
    """Is the names-only list under the header ``rows[i]`` (its rows up to the end of ``rows``) a lead of its own? A
    few officers (氏名 | 役職 | 電話: a staff directory, no lead) are none: taken for the first list, they made no
    table and the member list below them was neither counted nor listed (review19t)."""
    plan = _plan_from_header(rows, i, cols)
    return plan is not None and _kind(plan, rows[i + 1:]) == SheetKind.NAMES


def _staff_beside_address(row: Sequence[object], cols: dict[int, Header]) -> bool:
    """A header of one staff column beside the row's one address column, its other cells naming no field and no thing
    or place (担当者名 | 住所, with a No., 社員番号 or 備考 at most; review14a: not 品名, 保管場所): a roster with the staff's
    homes or a list of offices with each one's contact; the values decide (:func:`_staff_roster`)."""
    (c, h), = cols.items()
    if h.field != "address" or h.role:
        return False
    others = [v for i, v in enumerate(row) if i != c and cell_text(v)]
    staff = [v for v in others if is_staff_header(v) and not labelled_value(v)]
    return len(staff) == 1 and not any(is_excluded(v) for v in others if v is not staff[0])


LATE_HEADER_ROWS = 100


def _later_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[int, Header]] | None:
    """A header row below the first 20 (rows 21-100: a form's long preamble, notes before the list), tried only
    when the first rows hold no header, before the header-less rules; it must name both a name and an address.

    Further down, among the rows held (the sample, 520 rows at most: a bounded cost, one expression over each block of
    rows first), a header counts only under a preamble: a title block, notes and blank lines of one cell at most
    (nine rows in ten above it). A sheet that ended inside its sample was not searched below row 100 at all: 130 lines
    of notes over a list left it clean (tables13)."""
    first = rows[:HEADER_SCAN_ROWS]
    if len(rows) <= HEADER_SCAN_ROWS:
        return None
    # the windows of rows 21-100 (find_header: 20 of each) name nothing: one set test instead of four searches (share13)
    shallow_nothing = _rows_name_nothing(rows[HEADER_SCAN_ROWS:LATE_HEADER_ROWS])
    if shallow_nothing and len(rows) <= LATE_HEADER_ROWS:
        return None
    notes = sum(1 for r in first if _filled(r) <= 1) >= len(first) // 2
    for start in range(HEADER_SCAN_ROWS, len(rows), HEADER_SCAN_ROWS):
        block = rows[start:start + HEADER_SCAN_ROWS + 1]
        deep = start >= LATE_HEADER_ROWS
        if deep and not (notes and _header_hint(_text(block))):
            continue
        if not deep and shallow_nothing:
            continue
        found = find_header(block)
        if found is None:
            continue
        i, cols = found
        if {"name", "address"} <= {_base(h.field) for h in cols.values() if not h.role}:
            # the rows above are a preamble (titles and notes of one cell each, or none; or log lines of a text
            # file whose cells never line up with the header's), not a table's rows read header-less
            width = _width(rows[start + i])
            if deep:
                above = rows[:start + i]
                if sum(1 for r in above if _filled(r) <= 1) * 10 >= len(above) * 9:
                    return start + i, cols
                continue
            if notes or sum(1 for r in first if _width(r) != width) >= len(first) - len(first) // 10:
                return start + i, cols
            return None
    return None


def _filled(row: Sequence[object]) -> int:
    return len(row) - row.count("") - row.count(None)


def _width(row: Sequence[object]) -> int:
    """Cells up to the last filled one."""
    n = len(row)
    while n and row[n - 1] in ("", None):
        n -= 1
    return n


def _sub_header(row: Sequence[object], cols: dict[int, Header], above: Sequence[object] = ()) -> bool:
    """A second header row under merged cells: only header words, and split parts among them; a bare rendition
    word (漢字 under 氏名 beside カナ) says which spelling the column above holds. A cell repeating the one above (会員番号
    merged over both rows: a reader fills a merged range with its value) is the upper header's (tables17: the lower
    row 姓 | 名 | 都道府県 … was read as a person)."""
    others = [t for c, v in enumerate(row) if c not in cols and (t := cell_text(v))
              and not (c < len(above) and cell_text(above[c]) == t)]
    renditions = sum(1 for t in others if is_rendition_word(t))
    parts = set(NAME_PARTS[1:] + READING_PARTS[1:]) | {"address"}
    return (len(cols) >= 2 and len(others) == renditions
            and (any(h.field in parts for h in cols.values()) or renditions > 0))


def _label(rows: Sequence[Sequence[object]], hi: int, c: int) -> str:
    """Header text of column ``c`` (from the row above when a two-row header left this cell empty)."""
    for r in (hi, hi - 1):
        if r >= 0 and c < len(rows[r]) and (t := cell_text(rows[r][c])):
            return t
    return ""


def _names_a_thing(row: Sequence[object]) -> bool:
    """A column naming a facility, organisation or product (施設名, 名称, 医療機関名): rows about things."""
    for v in row:
        if isinstance(v, str) and is_excluded(v):
            key = normalise_header(v)
            if key.endswith(("名", "名称", "name")):
                return True
    return False


def _not_persons_header(row: Sequence[object], below: Sequence[Sequence[object]] = ()) -> bool:
    """A first row naming things (店舗名) or marking public officials (会派): the header-less rules must not read the
    rows under it as private persons. A thing repeated down the rows (店舗名 | お客様 | 住所: a few stores, many
    customers) is what each row belongs to, not what it is: those rows stay with the header-less rules."""
    if any(isinstance(v, str) and is_officials_header(v) for v in row):
        return True
    if _staff_and_places(row, below):
        return True
    for c, v in enumerate(row):
        if _names_a_thing([v]):
            things = _column_texts(below, c)
            if not things or len(set(things)) * 2 > len(things):  # a thing a row (or most rows): a list of things
                return True
    return False


def _column_texts(rows: Sequence[Sequence[object]], c: int) -> list[str]:
    """The filled texts (:func:`cell_text`) of column ``c`` of ``rows``, in order: a column of text cells stripped by
    a C-level map (``cell_text`` of a ``str`` is its strip), other columns cell by cell."""
    cells = [r[c] for r in rows if c < len(r)]
    if set(map(type, cells)) <= {str}:
        return list(filter(None, map(str.strip, cast(list[str], cells))))
    return list(filter(None, map(cell_text, cells)))


def _place_columns(header: Sequence[object], rows: Sequence[Sequence[object]]) -> list[int]:
    """The header's columns naming where things are (an exclusion word that is no staff word and no thing's name:
    保管場所, 設置場所; not 施設名, 品名) whose values in ``rows`` read as addresses (…区倉庫1番棚, a branch's address)."""
    out = []
    for c, v in enumerate(header):
        if isinstance(v, str) and is_excluded(v) and not is_staff_header(v) and not _names_a_thing([v]):
            if mostly([cell_text(r[c]) for r in rows if c < len(r)], _strict_address, 0.5):
                out.append(c)
    return out


def _staff_and_places(row: Sequence[object], below: Sequence[Sequence[object]]) -> bool:
    """A header naming our own staff in charge (担当者名) and where things are kept (保管場所, 設置場所, with addresses
    below): an inventory or asset list, whatever its things (a few items repeated down the rows, unlike a list of
    things of its own per row) and whatever its places (a branch office's house address): no person list."""
    return any(is_staff_header(v) for v in row) and bool(_place_columns(row, below))


def _first_filled_at(head: Sequence[Sequence[object]]) -> int:
    """The index of the first row with two filled cells (``len(head)`` when none has)."""
    return next((i for i, r in enumerate(head) if sum(1 for v in r if cell_text(v)) >= 2), len(head))


def _first_filled(head: Sequence[Sequence[object]]) -> tuple[Sequence[object], Sequence[Sequence[object]]]:
    """The first row with two filled cells, and the rows below it."""
    at = _first_filled_at(head)
    return (head[at] if at < len(head) else ()), head[at + 1:]


def _things_first(head: Sequence[Sequence[object]]) -> bool:
    """Do the first rows open with a header naming things or our own staff (:func:`_not_persons_header`)? The first
    row with two filled cells, or (under a title row: 備品点検表 | 2024年度) the first of the header search's rows with
    two cells of such words (品名 | 保管場所 | 担当者名): read header-less, that header row and the list's rows under it
    were name + address rows (review11c #5: an inventory's 担当者名 and 保管場所, 601 false persons)."""
    first = _first_filled_at(head)
    if first < len(head) and _not_persons_header(head[first], head[first + 1:]):
        return True
    at = _things_header(head)  # the same row as the first filled one asks the same question again: the same answer
    return at is not None and at != first and _not_persons_header(head[at], head[at + 1:])


def _rows_not_its(head: Sequence[Sequence[object]]) -> int | None:
    """The row of a header naming things (:func:`_things_first`) whose rows below are no rows of its list, or None:
    read header-less, they give names and addresses whose address column stands under a word that names no place, no
    address and no staff (品名 | 数量 | 保管場所 | 担当者名 over name | address | phone: the addresses under 数量, tables23;
    was nothing, as the header's rows were never read as persons), a person in one of its first NARROW_MIN rows (with
    more rows of its own first it was read, as its table then theirs). An inventory's own rows have their staff under
    担当者名 and their shelves under 保管場所; a store list's managers under 店長 and addresses under 住所: kept."""
    at = _first_filled_at(head)
    if at >= len(head) - 1:
        return None
    header, below = head[at], head[at + 1:]
    main, _context = discover(below, set(), need_name=True)
    if (not main.cols.get("name") or not main.cols.get("address")) and (run := _interruption(below)) is not None:
        # persons interrupted by other rows (tables24), also by a run reaching the sample's end: read header-less, the
        # rows past the sample decide whether the persons' rows come back (tables25)
        main, _context = discover(below[:run[0]], set(), need_name=True)
    names, addresses = main.cols.get("name", []), main.cols.get("address", [])
    if not names or not addresses:
        return None

    def over(c: int) -> str:
        return cell_text(header[c]).strip() if c < len(header) else ""

    def no_place(c: int) -> bool:
        t = over(c)
        return bool(t) and read_header(t) is None and not _text_excluded(t)

    if not all(map(no_place, addresses)) or any(is_staff_header(over(c)) for c in names):
        return None
    # 2+ rows of its own list first: its table, then the persons', as before (the list's shape ends where theirs starts)
    name_of, address_of = _extractor(main, "name"), _extractor(main, "address")
    firsts = [r for r in below if any(map(cell_text, r))][:NARROW_MIN]
    return at if any((n := name_of(r)) and (a := address_of(r)) and _name_problem(n) is None
                     and _address_problem(a) is None for r in firsts) else None


def _things_header(head: Sequence[Sequence[object]]) -> int | None:
    """The first of the header search's rows with two cells naming things or our own staff (品名 | 担当者名)."""
    # is_excluded of a cell is _is_excluded of its text, False for any other cell: the text cells through the cached
    # function by C-level maps (no Python call a cell)
    return next((i for i, r in enumerate(head[:HEADER_SCAN_ROWS])
                 if sum(map(_text_excluded, filter(str.__instancecheck__, r))) >= 2), None)


# --- the plan ---------------------------------------------------------------------------------------------

def _plan_from_header(head: Sequence[Sequence[object]], hi: int, mapping: dict[int, Header]) -> SheetPlan | None:
    header_rows = head[max(0, hi - 1):hi + 1] if hi > 0 and _sub_header(head[hi], _read_row(head[hi]), head[hi - 1]) else head[hi:hi + 1]
    if any(is_officials_header(v) for r in header_rows for v in r):
        return None  # a list of public officials (会派, 選挙区, 任期)
    sample = head[hi + 1:hi + 1 + SAMPLE_ROWS]
    mapping = _staff_roster(header_rows[-1], mapping, sample)
    joint = sorted({c for r in header_rows for c, v in enumerate(r) if isinstance(v, str)
                    and N.is_joint_header(normalise_header(v))})
    joint = [c for c in joint if _joint_column([cell_text(r[c]) if c < len(r) else "" for r in sample])]
    mapping = {c: h for c, h in mapping.items() if c not in joint}  # 家族1氏名: a household member, not the row's name
    mapping = refit_fused(mapping, {c: _label(head, hi, c) for c in mapping}, sample)
    persons = {c: h for c, h in mapping.items() if h.field not in CONTEXT_FIELDS}
    context: dict[str, list[int]] = {}
    for c, h in sorted(mapping.items()):
        if h.field in CONTEXT_FIELDS:
            context.setdefault(h.field, []).append(c)
    plans = plan_roles(persons, sample)
    assemble(plans, header_rows, mapping, sample)
    kept: list[RolePlan] = []
    for p in plans:
        trim_addresses(p, sample)
        p.labels = {c: _label(head, hi, c) for cols in p.cols.values() for c in cols}
        p = confirm(p, sample)
        if p.cols:
            kept.append(p)
    main = next((p for p in kept if not p.role), None)
    if main is None:
        main = RolePlan("")
        kept.insert(0, main)
    _lent_address(main, kept)
    kept = [p for p in kept if not _records_owner(p, main, sample)]
    missing = {"name", "address"} - set(main.cols)
    named_a_thing = any(_names_a_thing(r) and _not_persons_header(r, sample) for r in header_rows)
    if missing and (main.cols or any(p.cols for p in kept)) and not (named_a_thing and "name" in missing):
        taken = {c for p in kept for cols in p.cols.values() for c in cols} | set(mapping)
        extra, found_context = discover(sample, taken, header_rows)
        for f in missing & set(extra.cols):
            main.cols[f] = extra.cols[f]
        if "postcode" not in main.cols and "postcode" in extra.cols and "address" in missing:
            main.cols["postcode"] = extra.cols["postcode"]
        for f, cols in found_context.items():
            context.setdefault(f, cols)
    kept = [p for p in kept if p.cols]
    context = {f: c for f, c in context.items() if share([cell_text(r[c[0]]) if c[0] < len(r) else "" for r in sample],
                                                          bool) > 0}
    joint = [c for c in joint if c not in {c for p in kept for cols in p.cols.values() for c in cols}]
    return SheetPlan(kept, context, {c: _label(head, hi, c) for cols in context.values() for c in cols}, joint,
                     _joint_readings(header_rows, joint))


BLOCK_MIN = 3  # rows under a header that make its own table when the sample as a whole refuses it
_LETTER = re.compile(r"[^\W\d_]")  # a name or an address holds letters (kana, kanji, Latin); "12", "0.5" none


SHORT_ROW_COLUMNS = 6  # a header this wide at least: a row of fewer than half its cells is another table's (review20p)


def _header_block(sample: Sequence[Sequence[object]], mapping: dict[int, Header]) -> int:
    """How many rows of ``sample`` (the rows under a header) are the header's own table: up to the first blank row or
    row that holds no text in its name and address columns (rows of numbers, another table's rows), or BLOCK_END rows
    in a row whose address cells are filled with no address (an inventory's rows right under a member list:
    review19t, the sheet was nothing); a header without such columns: up to the first row filling fewer than half of
    its columns. A member with a name and no address is the list's (review14e: one at the top ended the list at its
    first row). ``len(sample)`` when they are fewer than BLOCK_MIN (nothing to retry)."""
    cols = sorted(mapping)
    texts = [c for c, h in mapping.items() if not h.role and _base(h.field) in ("name", "address")]
    addrs = [c for c in texts if _base(mapping[c].field) == "address"]
    need = (len(cols) + 1) // 2
    run = 0  # rows in a row whose address cells are filled with no address (another table's: ノートPC | AB-123 | 5)
    for i, row in enumerate(sample):
        width = len(row)
        filled = sum(1 for c in cols if c < width and cell_text(row[c]))
        if not filled or (not texts and filled < need) or (texts and not any(
                c < width and isinstance(v := row[c], str) and _LETTER.search(v) for c in texts)):
            return i if i >= BLOCK_MIN else len(sample)
        if addrs and all(c < width and (t := cell_text(row[c])) and t not in _SAME_AS_ABOVE
                         and not V.looks_like_address(t) for c in addrs) or (
                len(cols) >= SHORT_ROW_COLUMNS and _width(row) * 2 < len(cols)):
            # review20p: or a row of fewer cells than half a wide header's columns (a 3-column list cat'ed below a
            # 10-column export: 29 members then 60 such rows were nothing, no hit and no skip); tables21: cells up to
            # the last filled one (pasted in a sheet, the list's rows are as wide as the sheet: it was nothing again)
            run += 1
            if run == BLOCK_END and i + 1 - run >= BLOCK_MIN:
                return i + 1 - run  # a list followed by another's rows with no blank row between (review19t)
        else:
            run = 0
    return len(sample)


BLOCK_END = 5  # rows in a row with a filled address cell holding no address that end a header's block
_SAME_AS_ABOVE = frozenset({"同上", "〃", "″", "同", "-", "－", "ー", "なし", "不明"})  # a member's address cell all the same


def _values_over_header(head: Sequence[Sequence[object]], mapping: dict[int, Header]) -> SheetPlan | None:
    """A header naming a person's name or address under which no column's values fit a name or an address (its cells
    moved into a data row by a damaged copy: 氏名 at the end of an address cell, フリガナ over the phones; 氏名 and 住所
    over each other's values while 電話 still fits: review12a): the sheet's plan
    read from the values, as a sheet without a header, when they hold a person table; else None (wild12)."""
    if not {"name", "address"} & {_base(h.field) for h in mapping.values() if h.field not in CONTEXT_FIELDS}:
        return None
    main, context = discover(head, set(), need_name=True)
    plan = SheetPlan([main], context)
    return plan if _kind(plan, head) is not None else None


# what a staff roster's rows hold about each person beside the name and address (電話, 生年月日, 性別 ...)
_ATTRIBUTES = frozenset({"phone", "birth", "sex", "age", "postcode", "email", "reading", "emergency_contact"})
ROSTER_DISTINCT = 0.8  # of a staff roster's names and addresses in the sample, the share that are distinct at least
ROSTER_HOMES = 0.8  # of its addresses, the share that are house addresses (values.looks_like_home_address) at least


def _staff_roster(header: Sequence[object], mapping: dict[int, Header], sample: Sequence[Sequence[object]]
                  ) -> dict[int, Header]:
    """A list of our own staff with their home addresses (担当者名 | 住所 | 電話): the staff column is the row's name.

    A staff word (担当者名, 記入者: signatures ``[staff]``) names who is in charge of what a row is about (an item's
    保管場所, a visit's 訪問先), so it is no person the list is about; but when the row is about that staff member
    alone it is a staff roster, and employees' home addresses leak like anyone's. That is so when the header names no
    one else (no name column of any role but an emergency contact's: that one is no row's own person), no thing or
    place (品名, 保管場所, 施設名, 会社名: excluded words other than staff and a department or title; no column before the
    name naming another facility on each row by its values: 中島公民館, 能登島小学校), the row's own address,
    mostly with a personal attribute beside it (電話, 生年月日, 性別);
    and when the sample's rows are distinct people at their homes: the staff names and the addresses mostly distinct
    (an inventory or a visit log names the same few staff again and again) and the addresses house addresses with a
    block number (a shelf or a store room has none). With no attribute beside the address (担当者名 | 住所 alone: a
    roster with the staff's homes, or a list of offices with each one's contact) the addresses must also mostly hold
    no mark of a workplace (ビル, 階, 本社, 支店: signatures ``[staff] office_marks``; tables14). Else ``mapping`` as it
    is."""
    if any(_base(h.field) == "name" and h.role != "emergency_contact" for h in mapping.values()):
        return mapping
    parts = {c: staff_name_part(v) for c, v in enumerate(header) if c not in mapping and is_staff_header(v)}
    charges = {c for c in parts if _facilities(sample, c)}  # 担当避難所, 担当施設: the place in a staff member's charge
    parts = {c: f for c, f in parts.items() if c not in charges}
    name_cols = sorted(c for c, f in parts.items() if f.startswith("name"))
    own = {h.field for h in mapping.values() if not h.role and h.main}
    if sorted(parts[c] for c in name_cols) not in (["name"], ["name_family", "name_given"]) or "address" not in own:
        return mapping  # one staff name (whole or 姓 + 名: 担当者(姓) | 担当者(名)), its reading at most beside it
    bare = not own & _ATTRIBUTES and not any(f.startswith("reading") for f in parts.values())
    workplaces = _workplace_columns(header, mapping, set(parts), sample)
    others = set(parts) | workplaces | charges
    if any(h.field in CONTEXT_FIELDS - {"position"} and (h.field != "provider" or c < min(name_cols))
           for c, h in mapping.items() if c not in workplaces) or any(
            c not in mapping and c not in others and is_excluded(v) for c, v in enumerate(header)):
        return mapping  # 会社名 | 担当者名 (a client's contact person), 品名 | 保管場所 | 担当者名 (an inventory)
        # a provider after the name is the person's own (かかりつけ医, 通園先, 出身校: tables18), as a facility below
    at = sorted(c for c, h in mapping.items() if h.field == "address" and not h.role and h.main)
    if all(V.nfkc(header[c]).isascii() for c in name_cols) and not any(is_home_header(header[c]) for c in at):
        return mapping  # Store | Address | Manager: an English head word is a place's head unless the address is his
        # home (Manager | Home Address | Phone: tables18), typed in full width too (Ｍａｎａｇｅｒ: review18b)
    if any(share([cell_text(r[c]) for r in sample if c < len(r) and cell_text(r[c])], V.looks_like_company) >= 0.5
           for c in range(max(min(name_cols), min(at))) if c not in mapping and c not in parts):
        return mapping  # 取引先 | 担当者名, 仕入先 | 担当者名: a column of company names (any header word) holds their contacts
        # and the address is the company's; one after the name and the address is the person's own (前職: tables18)
    if any(c in charges for c in range(min(name_cols))) and min(at) < min(name_cols):
        return mapping  # 担当避難所 | 住所 | 担当者名: the address follows the place, it is the place's. After the staff
        # name (担当避難所 | 担当者名 | 住所 | 電話) it is the staff member's: a list of whom the office calls to which
        # shelter, the rows about the staff (tables18; was nothing)
    if any(_facilities(sample, c) for c in range(min(name_cols)) if c not in mapping and c not in others):
        return mapping  # 避難所名 | 住所 | 施設管理者 (wild17): another facility on each row, the address its own, the staff
        # its manager (as under a 施設名 header, excluded above); a roster's few shared workplaces are ``workplaces``.
        # The place a row is about leads it: a column of places after the staff name is the person's (最終学歴, the
        # family doctor's 医院, the shelter to report to: review17b, 40 persons were nothing)
    names = [t for r in sample if (t := "".join(cell_text(r[c]) for c in name_cols if c < len(r)))]
    homes = [" ".join(t for c in at if c < len(r) and (t := cell_text(r[c]))) for r in sample]
    homes = [h for h in homes if h]
    if (len(names) < 3 or len(set(names)) < ROSTER_DISTINCT * len(names) or len(set(homes)) < ROSTER_DISTINCT * len(homes)
            or share(homes, V.looks_like_home_address) < ROSTER_HOMES):
        return mapping
    if bare and share(homes, is_office_address) > 1 - ROSTER_HOMES:
        return mapping  # 担当者名 | 住所 and nothing else: each office's contact at the office (丸の内ビル5階, 支店)
    return {**mapping, **{c: Header(f) for c, f in parts.items()}, **{c: Header("position") for c in workplaces}}


def _facilities(sample: Sequence[Sequence[object]], c: int) -> bool:
    """Does column ``c`` name another facility on most rows (中島公民館, 能登島小学校: values.looks_like_facility)?"""
    vals = [t for r in sample if c < len(r) and (t := cell_text(r[c]))]
    return len(vals) >= 3 and len(set(vals)) >= ROSTER_DISTINCT * len(vals) and share(vals, V.looks_like_facility) >= 0.5


def _workplace_columns(header: Sequence[object], mapping: dict[int, Header], staff: set[int],
                       sample: Sequence[Sequence[object]]) -> set[int]:
    """A staff roster's columns naming where each employee works (事業所, 営業所, 店舗, 施設: signatures ``[staff]``
    ``workplaces``), which are no thing or place the rows are about when their values are the names of a few workplaces
    shared by many rows (several staff per office; a list of facilities or shops names another one on each row, and
    its 住所 is theirs), no address and no company by its legal form (a client's contact). Whether the addresses are the
    employees' own (distinct, house addresses) the roster rule decides after."""
    out: set[int] = set()
    for c, v in enumerate(header):
        if c in staff or not is_workplace_header(v) or (c in mapping and mapping[c].field not in CONTEXT_FIELDS):
            continue
        values = [t for r in sample if c < len(r) and (t := cell_text(r[c]))]
        if (len(values) >= 4 and len(set(values)) * 2 <= len(values) and share(values, V.looks_like_address) < 0.5
                and share(values, V.looks_like_company) < 0.5):
            out.add(c)
    return out


def _joint_readings(header_rows: Sequence[Sequence[object]], joint: Sequence[int]) -> dict[int, int]:
    """Each 連名 column's own reading column (連名1 -> 連名1ふりがな by its number; else the column right after it)."""
    if not joint:
        return {}
    raw = {c: unicodedata.normalize("NFKC", v) for r in header_rows for c, v in enumerate(r) if isinstance(v, str)}
    readings = [c for c, v in raw.items() if c not in joint and N.is_joint_reading_header(normalise_header(v))]
    out: dict[int, int] = {}
    for c in joint:
        number = re.findall(r"\d+", raw.get(c, ""))
        same = [rc for rc in readings if re.findall(r"\d+", raw[rc]) == number and rc not in out.values()]
        pick = min(same, key=lambda rc: (rc < c, abs(rc - c))) if same else (c + 1 if c + 1 in readings else None)
        if pick is not None:
            out[c] = pick
    return out


def _joint_column(values: Sequence[str]) -> bool:
    """A 連名 / household column's sample: names, or empty (連名 on a few rows further down); a column of one or two
    one-character values over four rows or more is a mark (有 / 無, ○), not names; each cell's parts must be names
    (person_names.is_joint_cell: not 2人, なし, 妻・長男)."""
    filled = [v for v in values if v]
    if not filled:
        return True
    if len(filled) >= 4 and len(set(filled)) <= 2 and all(len(v) == 1 for v in filled):
        return False
    return mostly(filled, N.is_joint_cell, 0.8)


def _lent_address(main: RolePlan, kept: list[RolePlan]) -> None:
    """宛名 | 送付先住所: a name without a role and without an address, beside the address of a role without a name
    that lends it (signatures: ``lends_address``), is one person: the role's columns become the name's. Likewise
    世帯主 | 住所 (the row's only name is a lending role's): that role is the row's person; and 氏名 | 世帯主氏名 |
    世帯主住所: the members live at the address of a role that shares it (review7b)."""
    named = [p for p in kept if p.role and "name" in p.cols]
    if "name" not in main.cols and "address" in main.cols and len(named) > 1:
        # 贈り主 | 贈り先 | 住所 (a gift list): of several names without an address of their own, the address is the
        # one's whose role lends it (the recipient's delivery address), the others stay names (the sender)
        lending = [p for p in named if "address" not in p.cols and role_lends_address(p.role)
                   and not role_is_business(p.role)]
        named = lending if len(lending) == 1 else named
    if "name" not in main.cols and "address" in main.cols and len(named) == 1 and (
            role_lends_address(named[0].role)
            or "address" not in named[0].cols and not role_is_business(named[0].role)
            and named[0].role != "emergency_contact"):  # 申込者 | 住所: the row's only name (an emergency contact lives elsewhere)
        if role_address_elsewhere(named[0].role):  # 所有者 | 物件所在地: the owner at the property, named as the owner
            for f, cols in main.cols.items():
                named[0].cols.setdefault(f, cols)
            named[0].labels.update(main.labels)
            main.cols = {}
            return
        for f, cols in named[0].cols.items():
            main.cols.setdefault(f, cols)
        main.labels.update(named[0].labels)
        kept.remove(named[0])
        return
    if "name" in main.cols and "address" not in main.cols and len(named) == 1 and "address" in named[0].cols \
            and role_lends_address(named[0].role) and role_shares_address(named[0].role):
        main.cols["address"] = named[0].cols["address"]
        return
    if "name" not in main.cols or "address" in main.cols or named:
        return
    lenders = [p for p in kept if p.role and "address" in p.cols and role_lends_address(p.role)]
    if len(lenders) == 1:
        for f, cols in lenders[0].cols.items():
            main.cols.setdefault(f, cols)
        main.labels.update(lenders[0].labels)
        main.lent_by = lenders[0].role
        kept.remove(lenders[0])


def _records_owner(p: RolePlan, main: RolePlan, sample: Sequence[Sequence[object]]) -> bool:
    """An owner role (所有者) without an address of its own beside a list whose rows are people at their addresses, its
    column one or two names down the rows: a CRM export's record owner (Salesforce's 所有者, the staff member who keeps
    the records), not a landlord beside his property (a landlord list names the owner at the row's only address)."""
    if not (p.role and role_address_elsewhere(p.role) and "address" not in p.cols and "name" in p.cols
            and {"name", "address"} <= set(main.cols)):
        return False
    owners = [p.value(r, "name") for r in sample]
    owners = [o for o in owners if o]
    return len(owners) >= 4 and len(set(owners)) <= 2


def _blank(header_rows: Sequence[Sequence[object]], c: int) -> bool:
    return all(not (c < len(r) and cell_text(r[c])) for r in header_rows)


def _is_person(p: RolePlan, main: RolePlan | None) -> bool:
    """A role that makes person records: a name, and an address of its own or (a guardian) the row's."""
    if "name" not in p.cols:
        return False
    return "address" in p.cols or (p.shares_address and main is not None and "address" in main.cols)


SPREAD_ROWS = 0.5  # of a table's rows with a name and an address, the share whose name is spread (_names_elsewhere)
SPREAD_MIN = 6  # rows with a spread name that make a table's names someone else's than its addresses' residents
MOVES = 3  # addresses of a spread name, one its own, that are a resident's moves (home, hospital, short stay)


def _name_key(name: str) -> str:
    return V.nfkc(name).replace(" ", "")


# the last answer of _names_elsewhere with what it was asked about (the plan's main role, its columns then, the sample):
# a sheet asks it two or three times over the same rows (_kind of the whole sample, _kind again, then analyse_sheet for
# the names to refuse: review15e #10); the objects are held, so their identity cannot be another's
_ELSEWHERE_LAST: list[tuple[RolePlan, tuple[object, ...], Sequence[Sequence[object]], tuple[bool, frozenset[str]]]] = []


def _names_elsewhere(main: RolePlan, sample: Sequence[Sequence[object]]) -> tuple[bool, frozenset[str]]:
    """:func:`_spread_names` of ``main`` over ``sample``, answered again without the work when asked again about the same
    role (same columns) and the same rows."""
    cols = (*((f, tuple(c)) for f, c in main.cols.items()), *main.labels.items())
    if _ELSEWHERE_LAST and (last := _ELSEWHERE_LAST[0])[0] is main and last[2] is sample and last[1] == cols:
        return last[3]
    answer = _spread_names(main, sample)
    _ELSEWHERE_LAST[:] = [(main, cols, sample, answer)]
    return answer


def _spread_names(main: RolePlan, sample: Sequence[Sequence[object]]) -> tuple[bool, frozenset[str]]:
    """Are the row's names someone's in charge of the places rather than the people living at the addresses? (whether
    the table holds no persons, the names to refuse row by row)

    A person lives at one address; one who moved is listed at two, with the household that moved with them. A name
    is *spread* when the sample shows it at three addresses or more, or at two whose names are not the same set (the
    people did not move together). When most rows' names are spread, the names belong to people who look after the
    places (an asset list's 管理者 at branch offices with the branch phone; a rental list's 担当者 at each customer's
    house): no person is the resident of his row's address (review14a #5, #11). A household (one address, several
    names), a care home's residents (one address for all), a visit log (the same person at the same address on many
    rows) and a family that moved (each name at two addresses holding the same names) spread no name; nor does a
    resident at a few places, one of them his home (at most MOVES addresses: home, hospital, short stay). When the rows
    without a spread name hold people at homes of their own (at least BLOCK_MIN rows at addresses no spread name
    stands at: 40 members above an inventory's rows typed in the same columns, ホワイトボード at 本社倉庫1番棚), the table
    is theirs and only the spread names' rows are refused (``name-elsewhere``)."""
    nothing: tuple[bool, frozenset[str]] = (False, frozenset())
    if "name" not in main.cols or "address" not in main.cols:
        return nothing
    if len(cols := main.cols["name"]) == 1 and (h := read_header(main.labels.get(cols[0], ""))) is not None and (
            h.field != "name"):
        return nothing  # 姓 | 住所: a family name is many households' (佐藤 at many addresses)
    places: dict[str, set[str]] = {}
    homes: dict[str, set[str]] = {}
    pairs: list[tuple[str, str]] = []
    families: dict[str, str] = {}
    phones: dict[str, set[str]] = {}
    for r in sample:
        name, address = main.value(r, "name"), main.value(r, "address")
        if name and address and _problem(name, address, set()) is None:  # the rows that make records
            raw, name, address = name, _name_key(name), V.nfkc(address)
            if name not in families:
                families[name] = N.family_of(raw) or name
            pairs.append((name, address))
            phones.setdefault(name, set()).add(V.nfkc(main.value(r, "phone")) if "phone" in main.cols else "")
            places.setdefault(name, set()).add(address)
            homes.setdefault(address, set()).add(name)

    def spread(name: str) -> bool:
        at = places[name]
        return len(at) >= 3 or (len(at) == 2 and len({frozenset(homes[a]) for a in at}) == 2)

    spread_names = frozenset(n for n in places if spread(n))
    # a resident who moved (home, hospital, short stay; into a care home; homes of his own over the years) is at a
    # few addresses, one of them his home: only he stands there, or a household whose names stand at the same
    # addresses as his (they moved together); a manager shares each branch with other managers or, at branches of
    # his own, stands at each on many rows, a resident at his stays on a row or two (review15e)
    on_rows = Counter(pairs)
    spread_names = frozenset(n for n in spread_names if len(places[n]) > MOVES or not any(
        all(places[m] == places[n] for m in homes[a]) for a in places[n]) or sum(
        on_rows[n, a] > 2 for a in places[n]) > 1 and not _moved_in(n, places, homes))
    if not any(main.labels.get(c) for c in main.cols["name"]):  # a header naming the row's person says whose it is
        whole = len(sample) < SAMPLE_ROWS or isinstance(sample, _WholeRows)
        spread_names |= _at_work(pairs, on_rows, places, homes, families, whole) | _at_others(pairs, places, homes, phones)
        spread_names |= _staff_column(pairs, places, spread_names)
    spread_rows = sum(n in spread_names for n, _a in pairs)
    if spread_rows < SPREAD_MIN or spread_rows < SPREAD_ROWS * len(pairs):
        return nothing
    theirs = {a for n in spread_names for a in places[n]}
    own = sum(1 for n, a in pairs if n not in spread_names and a not in theirs)
    return own < BLOCK_MIN, spread_names


def _moved_in(name: str, places: dict[str, set[str]], homes: dict[str, set[str]]) -> bool:
    """A client logged at two places, one his home alone (no office) and one shared by others who are each at a home of
    their own too (a facility the clients moved into): a resident who moved, not a manager at a branch of his own beside
    the head office (review21t: 10-20 of 20 clients logged at home then at one group home were refused or a lead)."""
    at = places[name]
    if len(at) != 2:
        return False
    own = [a for a in at if homes[a] == {name} and not is_office_address(a)]
    if len(own) != 1:
        return False
    (shared,) = at - set(own)
    others = homes[shared] - {name}
    return bool(others) and all(any(homes[a] == {m} and not is_office_address(a) for a in places[m]) for m in others)


def _first_block(head: Sequence[Sequence[object]]) -> int:
    """A header-less sample's first table's rows when it is wide (SHORT_ROW_COLUMNS cells or more in its first rows)
    and a run of BLOCK_END rows narrower than half of it follows (another list cat'ed or pasted below): its columns are
    found from its own rows (a 10-column export of 100 over a 3-column list of 60: the mixed sample read the export's
    family names as the names, 91 of 100 refused name-elsewhere and 9 counted); ``len(head)`` for any other sample."""
    width = max(map(_width, head[:BLOCK_MIN]), default=0)
    if width < SHORT_ROW_COLUMNS:
        return len(head)
    run = 0
    for i, row in enumerate(head):
        if (w := _width(row)) and w * 2 < width:
            run += 1
            if run == BLOCK_END and i + 1 - run >= BLOCK_MIN:
                return i + 1 - run
        else:
            run = 0
    return len(head)


def _interrupted(head: Sequence[Sequence[object]]) -> int | None:
    """A header-less sample's first table's rows when a run of SHAPE_RUN rows or more of shapes none of them had (a
    subtotal, a section's heading, an item list's rows) interrupts them and a row of their shapes comes back below it
    (the table resumes): the row where the run starts, after BLOCK_MIN of the table's rows at least; None for any
    other sample (:func:`_interruption`)."""
    run = _interruption(head)
    return run[0] if run is not None and run[1] else None


def _own_shape(shape: tuple[str, ...], seen: set[tuple[str, ...]]) -> bool:
    """A row's shape is one of the table's: seen, or a seen row's cells with one left blank or one more filled (an
    inventory's 型番, 備考: :func:`_within`; a row of one cell, a section's heading, is never its)."""
    return shape in seen or len(shape) - shape.count("") > 1 and any(_within(shape, k) or _within(k, shape)
                                                                     for k in seen)


def _interruption(head: Sequence[Sequence[object]]) -> tuple[int, bool, set[tuple[str, ...]]] | None:
    """(the row where a run of SHAPE_RUN+ rows of new shapes starts after BLOCK_MIN+ of the first table's rows, whether
    a row of the table's shapes comes back below it inside ``head``, the table's shapes); None when no such run
    interrupts the first table. A run still going at the sample's end is returned unresumed: the rows the sample does
    not hold decide (:func:`_resumes`). A shorter run of new shapes is the table's own; blank rows neither count nor
    end a run."""
    seen: set[tuple[str, ...]] = set()
    new: list[tuple[str, ...]] = []  # the run of unseen shapes
    start = own = 0
    for i, row in enumerate(head):
        if not (shape := _shape(row)):
            continue
        if not new and shape in seen:  # a row of the table's with no run pending: one more of its rows (issue 11)
            own += 1
            continue
        if shape in seen or len(shape) - shape.count("") > 1 and any(_within(shape, k) or _within(k, shape)
                                                                     for k in seen):  # _own_shape, inline (per row)
            seen.add(shape)
            if len(new) >= SHAPE_RUN:
                return start, True, seen
            seen.update(new)
            own, new = own + len(new) + 1, []
        elif own < BLOCK_MIN:
            seen.add(shape)
            own += 1
        else:
            start = start if new else i
            new.append(shape)
    return (start, False, seen) if len(new) >= SHAPE_RUN else None


RESUME_ROWS = 50_000  # rows read past the sample for a first table's rows coming back (:func:`_resumes`)


def _resumes(seen: set[tuple[str, ...]], stream: Iterator[Sequence[object]]) -> tuple[list[Sequence[object]], bool]:
    """The rows read past a sample that ended inside a run of other rows below its first table (tables25: 10 persons,
    600 item rows, 10 persons lost the first 10, as the sample held no row of theirs below the items), and whether a
    row of the table's shapes came back among them: a shape per row (no value is classified), RESUME_ROWS at most; the
    rows read go back in front of the stream whatever the answer."""
    held: list[Sequence[object]] = []
    for row in islice(stream, RESUME_ROWS):
        held.append(row)
        if (shape := _shape(row)) and _own_shape(shape, seen):
            return held, True
    return held, False


class _WholeRows(list[Sequence[object]]):
    """A header-less sheet's rows, all of them (:func:`_read_on`): every name at each address is among them."""


READ_ON_ROWS = 50_000  # rows read past the sample to see a whole column (:func:`_read_on`); past them: as before


def _read_on(main: RolePlan, head: list[Sequence[object]], stream: Iterator[Sequence[object]]
             ) -> tuple[list[Sequence[object]], bool] | None:
    """The rows after a header-less sample whose names are staff at their workplaces if the sample is the whole column
    (a few names of other families each on many rows at a store: :func:`_at_work`) but, each on one run of rows, might
    be a log sorted by resident that the sample shows only the first residents of (tables18): read on (READ_ON_ROWS at
    most) until more names stand at such an address than a workplace's staff (STAFF_AT_ONE: a care home's residents)
    or the sheet ends. (rows read, whether they end the sheet); None when the sample decides alone. tables21: a shift
    roster sorted by staff longer than the sample (540 rows) counted its staff as living at their stores. Only when
    those names stand at two places or more in the sample: at one address they may as well be a group home's 2-4
    residents in a care log sorted by resident (600 rows, refused by the whole column, review21t), counted as before."""
    if (len(head) < HEADER_SCAN_ROWS + SAMPLE_ROWS or not {"name", "address"} <= set(main.cols)
            or any(main.labels.get(c) for c in main.cols["name"])):
        return None
    c = main.cols["name"][0]  # staff stand on LOGGED rows at least: a list whose names are each on a row or two ends here
    cells = Counter(r[c] for r in head if c < len(r))
    cells.pop("", None)
    if max(cells.values(), default=0) < LOGGED or (
            seen := _names_elsewhere(main, head))[0]:
        return None
    whole = _spread_names(main, _WholeRows(head))[1]  # the staff if the sample were the whole column
    if not whole - seen[1]:
        return None
    at: dict[str, set[str]] = {}
    for r in head:
        if (n := main.value(r, "name")) and (a := V.nfkc(main.value(r, "address"))) and _name_key(n) in whole:
            at.setdefault(a, set())
    if len(at) < 2:  # one workplace: a group home's residents sorted by resident look the same: counted (review21t)
        return None
    for r in head:
        if (a := V.nfkc(main.value(r, "address"))) in at and (n := main.value(r, "name")):
            at[a].add(_name_key(n))
    budget = _budget()
    if (limit := min(READ_ON_ROWS, budget.read_on)) <= 0:
        budget.say(say(Detail.READ_ON_CAPPED, n=READ_ON_ROWS))  # decided by the sample, as before tables21
        return None
    rows: list[Sequence[object]] = []
    try:
        for r in islice(stream, limit):
            rows.append(r)
            if (a := V.nfkc(main.value(r, "address"))) in at and (n := main.value(r, "name")):
                names = at[a]
                names.add(_name_key(n))
                if len(names) > STAFF_AT_ONE:
                    return rows, False
    finally:
        budget.read_on -= len(rows)
    if len(rows) == limit:  # cut short by the cap (its own, or the sheet's rows read on by its tables before it)
        budget.say(say(Detail.READ_ON_CAPPED, n=READ_ON_ROWS))
    return rows, len(rows) < limit


def _staff_column(pairs: Sequence[tuple[str, str]], places: dict[str, set[str]], spread: frozenset[str]
                  ) -> frozenset[str]:
    """The other names of a column that is the staff's, decided by the whole column, not name by name: its few
    distinct names repeat over many rows (LOGGED a name on average at least) and most of its rows (SPREAD_ROWS) are
    spread names' (reps at their customers'); then a name at two places or more, one of them an office, is a rep too
    (a rep with exactly two customers, a company and a home, was tables19's person at home and at work, tables21).
    A list of persons each at home and at work holds no spread name; a member list's names each stand on one row, and
    two namesakes at two homes below a roster stay two persons. When most of the column's distinct names (STAFF_NAMES)
    stand at two places or more, the column is the reps' through and through: one at two homes is a rep too (tables22:
    a rep with two home customers, his own phone on both rows, was counted); beside a roster's few staff the members'
    names each stand at one place, and namesakes among them stay persons."""
    if not spread or len(places) * LOGGED > len(pairs) or sum(n in spread for n, _a in pairs) < SPREAD_ROWS * len(pairs):
        return frozenset()
    twice = [n for n, at in places.items() if len(at) >= 2]
    if len(twice) >= STAFF_NAMES * len(places):
        return frozenset(twice)
    return frozenset(n for n in twice if any(map(is_office_address, places[n])))


STAFF_NAMES = 0.5  # of a staff column's distinct names, the share at two places or more that makes each of them staff


LOGGED = 3  # rows of one name at one address that make it a log's (a visit, a sale, a stock count), not a list's entry
STAFF_AT_ONE = 4  # names at most at a workplace's address in a log (a branch's managers); more are a facility's residents


def _at_work(pairs: Sequence[tuple[str, str]], on_rows: Counter[tuple[str, str]], places: dict[str, set[str]],
             homes: dict[str, set[str]], families: dict[str, str], whole: bool) -> frozenset[str]:
    """The names of staff at their workplaces: each on many rows (LOGGED at least) at an address where a name of another
    family stands on many rows too. A sales or stock log names a few managers beside one or two branches' addresses on
    every row (500 rows of 4 names, no header: 500 persons counted; 600 stock rows above a list of 18 members: the
    rows counted, the members not). A visit log's client stands on many rows at his own home (with his household's
    names only, one family), a care home's residents at one address on a row each, movers on a row or two. A care
    home's ledger or a group home's visit log names its residents (many families) on many rows at its one address:
    more than STAFF_AT_ONE names at an address are its residents (review17c: 50 residents' 300 rows were refused).
    A log's staff take turns down the rows (by date); names each on one run of rows at an address are a log sorted
    by person, whose sample may show only its first few residents (8 residents x 150 rows at a care home, sorted by
    resident: 1,200 rows were refused, tables18): no staff. When the sample is the ``whole`` table, every name at an
    address is in it, whatever the order: a shift roster sorted by staff (6 staff at 2 stores) stays staff (review18b:
    180 rows were 6 persons at their stores)."""
    turns = _turns(pairs) if not whole else dict.fromkeys(homes, True)

    def logged(n: str, a: str) -> bool:
        return on_rows[n, a] >= LOGGED and len(homes[a]) <= STAFF_AT_ONE and turns[a]

    return frozenset(n for n, at in places.items() if any(
        logged(n, a) and any(m != n and families[m] != families[n] and logged(m, a) for m in homes[a]) for a in at))


def _turns(pairs: Sequence[tuple[str, str]]) -> dict[str, bool]:
    """For each address, do its names take turns down the rows (a name's rows broken by another's), rather than each
    name standing on one run of rows (a list sorted by person)?"""
    runs: Counter[tuple[str, str]] = Counter()
    last: dict[str, str] = {}
    for n, a in pairs:
        if last.get(a) != n:
            runs[n, a] += 1
            last[a] = n
    out = dict.fromkeys(last, False)
    for (_n, a), k in runs.items():
        out[a] = out[a] or k > 1
    return out


_NUMBERS = re.compile(r"\d+")


def _at_others(pairs: Sequence[tuple[str, str]], places: dict[str, set[str]], homes: dict[str, set[str]],
               phones: dict[str, set[str]]) -> frozenset[str]:
    """Names each at two or more places that only they stand at, when they fill most rows (SPREAD_ROWS, SPREAD_MIN at
    least): a sender beside each of his recipients' addresses (依頼主 | 届先住所 without the recipients' names, two or
    three a sender: 20 senders' records at strangers' homes). One who moved is at two such places too, but movers are a
    few of a list. Places whose block numbers are the same (3-12-5, 3丁目12番5号) are one home written twice (two lists
    of the same people joined): never apart. Nor is one whose rows all hold the same phone, his own (a student at his
    lodging and his 帰省先 with his mobile on both: review17c); a sender's rows hold his recipients'. Nor is one at two
    places of which one is an office (…ビル5階, 本社: ``office_marks``) and the other not: his home and his work, each
    with its phone (tables19: 20 people at home and at work, header-less, were a lead of 40 rows and no person)."""
    alone = frozenset(n for n, at in places.items() if len(at) >= 2 and all(homes[a] == {n} for a in at)
                      and (len(phones[n]) > 1 or not next(iter(phones[n])))
                      and len({tuple(_NUMBERS.findall(a)) for a in at}) >= 2
                      and not (len(at) == 2 and sum(map(is_office_address, at)) == 1))
    rows = sum(n in alone for n, _a in pairs)
    return alone if rows >= max(SPREAD_MIN, SPREAD_ROWS * len(pairs)) else frozenset()


ORG_NAMES = 0.25  # of a name column's values, the share with a legal form that makes its one-word names firms too
_ONE_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'\-]+")


def _firms_by_name(main: RolePlan, sample: Sequence[Sequence[object]]) -> bool:
    """Is the name column a column of firms? Some of its values carry a legal form (Clerc SARL, Louis S.A.S., Bailly
    Henry et Fils) and the others are mostly one Latin word (Voisin, Leclercq: a firm named after its founder; a
    person's name has a given name too). A customer list mixing firms with people (株式会社中村 | 山田 太郎, Acme Inc. |
    John Smith) is not one: its people's names are whole; each firm's row is refused on its own (not a name)."""
    names = [t for r in sample if (t := V.nfkc(main.value(r, "name")))]
    firms = sum(1 for t in names if V._ORG.search(t))
    if len(names) < 5 or firms < ORG_NAMES * len(names):
        return False
    rest = [t for t in names if not V._ORG.search(t)]
    return share(rest, _ONE_LATIN_WORD.fullmatch) >= 0.6


_REGION_HEADER = re.compile("地方|地域|ブロック")


def _region_column(plan: RolePlan, sample: Sequence[Sequence[object]]) -> bool:
    """Is the name column a column of regions (東　北 | 宮城県… | 電話: regional offices, even under 氏名)? Half or more of
    its filled values are regions (values.is_region_name; exactly half: offices taking turns with persons,
    :func:`_region_rows`, tables23), or its header says 地方/地域/ブロック. A lone region-shaped
    value among names (北　陸, Kita Riku) is a person's name (review22t). A region alone on its row is a section heading
    of a roster grouped by region, not a record: only rows holding more than the name are counted (8 headings before
    8 persons hid them all, review22b)."""
    if any(_REGION_HEADER.search(plan.labels.get(c, "")) for c in plan.cols.get("name", [])):
        return True
    names = _record_names(plan, sample)
    return bool(names) and sum(map(V.is_region_name, names)) * 2 > len(names)


REGION_ROWS = 1 / 3  # of a name column's records, the share of regions (more than it, up to half) that makes them
# offices, not names
REGION_ALL = 5  # distinct regions in a name column that are offices whatever their share (tables25)
REGION_OFFICES = 2  # and how many such regions at least: offices take turns with persons; one is a name (review23t)


def _record_names(plan: RolePlan, sample: Sequence[Sequence[object]]) -> list[str]:
    """The name column's values on rows holding more than the name (all rows' when none do): a region alone on its
    row is a section heading, not a record (review22b)."""
    get = _extractor(plan, "name")
    named = [(n, r) for r in sample if (n := get(r))]
    records = [n for n, r in named if sum(1 for v in r if cell_text(v)) > 1]
    return records or [n for n, _ in named]


def _region_rows(plan: RolePlan, sample: Sequence[Sequence[object]]) -> bool:
    """Are the name column's region values offices among persons (tables23)? A third to a half of its records, and
    at least REGION_OFFICES, are regions with more on their row (東　北 | its office's address | phone taking turns
    with persons): each such row is refused (not-a-name), the persons counted. Fewer are names (北　陸 Kita Riku among
    persons, review22t); more, a column of regions (:func:`_region_column`)."""
    names = _record_names(plan, sample)
    regions = sum(map(V.is_region_name, names))
    # a lone region among names is a person's name whatever the list's length (東　海 of 3 persons was refused, review23t)
    # exactly a third is names (北　陸 and 東　海 among 4 persons at homes of their own, tables24)
    # REGION_ALL distinct regions (of [japanese_regions]: 東北, 関東, 北陸 ...) in one name column are offices whatever
    # their share (8 offices over 3 staff each at their own homes, a quarter: tables25); 2-4 among persons at a third
    # or less stay names (tables24)
    return regions >= REGION_OFFICES and (regions > REGION_ROWS * len(names) or len({
        "".join(n.split()) for n in names if V.is_region_name(n)}) >= REGION_ALL
        or _offices_with_staff(plan, sample) >= REGION_OFFICES)


def _offices_with_staff(plan: RolePlan, sample: Sequence[Sequence[object]]) -> int:
    """How many region rows the next named row shares its address with (東　北 | 仙台支社の住所, then its staff there):
    offices whatever their share of the names (2 or 3 staff each: a quarter, review24t). A next row of the region
    name's family (北 花子 under 北　陸) is a housemate of a person so named, no office's staff."""
    count, office, family = 0, "", ""
    for r in sample:
        if not (n := plan.value(r, "name")):
            continue
        address = _folded(plan.value(r, "address"))
        if V.is_region_name(n) and sum(1 for v in r if cell_text(v)) > 1:
            office, family = address, _folded(n)[:1]
        elif office:
            count += address == office and not _folded(n).startswith(family)
            office = ""
    return count


def _without_regions(data: Iterable[Sequence[object]], main: RolePlan, refused: Counter[str]
                     ) -> Iterator[Sequence[object]]:
    """``data`` with the rows whose name is a region and that hold more than it blanked (row numbers kept), counted
    in ``refused`` as ``not-a-name`` (:func:`_region_rows`). A row under an office (up to the next) whose
    address is the office's is its staff (東　北 | 仙台支社の住所, then its manager there): no client's or resident's
    record, its name stands at a place in its charge (``name-elsewhere``; was a person, review23t, tables24)."""
    office = ""  # the address of the office right above
    for r in data:
        if (n := main.value(r, "name")) and V.is_region_name(n) and sum(1 for v in r if cell_text(v)) > 1:
            refused[Rejection.NOT_A_NAME] += 1
            office = _folded(main.value(r, "address"))
            yield ()
        elif n and office and _folded(main.value(r, "address")) == office:
            refused[Rejection.NAME_ELSEWHERE] += 1  # each of its staff there, not only the first (review24t)
            yield ()
        else:
            yield r


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def _kind(plan: SheetPlan, sample: Sequence[Sequence[object]]) -> SheetKind | None:
    main = plan.role("")
    if main is not None and "name" in main.cols and _region_column(main, sample):
        return None
    roles = [p for p in plan.roles if "name" in p.cols]
    if main is not None and not any(_is_person(p, main) for p in roles if p is not main) and (
            _names_elsewhere(main, sample)[0] or "name" in main.cols and _firms_by_name(main, sample)):
        return None  # 管理者 at branch offices, 担当者 at customers' houses: nobody's home (review14a #5); firms by name
    if any(_is_person(p, main) for p in roles):
        org = plan.context.get("organisation") or (plan.context.get("employer") if "position" in plan.context else None)
        rows = [r for r in sample if any(cell_text(v) for v in r)]
        if main is not None and "address" in main.cols and any(p.role and role_is_business(p.role) and "address" in p.cols
                                                                for p in plan.roles):
            return SheetKind.PERSONS  # 会社住所 beside 自宅住所: the address kept is the person's home, a private one
        if org and rows and sum(1 for r in rows if org[0] < len(r) and cell_text(r[org[0]])) * 2 >= len(rows):
            return SheetKind.BUSINESS  # an organisation named in most rows beside the person
        if main is not None and main.lent_by and role_is_business(main.lent_by):
            return SheetKind.BUSINESS  # the person's only address is a company's (会社住所, 番地 (会社))
        return SheetKind.PERSONS
    if "position" in plan.context or "organisation" in plan.context:
        return None  # a staff or business-card directory without addresses (a 勤務先 alone is a private person's)
    if any(LEAD_FIELDS & set(p.cols) for p in roles):
        return SheetKind.NAMES
    return None


# --- rows ---------------------------------------------------------------------------------------------

_SEX_FAST = {"男": "男", "女": "女", "男性": "男", "女性": "女"}
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _birth(raw: object) -> str:
    """ISO date of a birth cell: date objects, Excel serials, 和暦 or western text; else the text."""
    import datetime as dt

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
    """The cell's phone, its leading zero put back when a number cell lost it (312345678 -> 0312345678; a CSV
    saved from such a sheet holds the digits as text: the same rule, so every copy shows the same number)."""
    return phone_digits(cell_text(raw))


def _sex(raw: object) -> str:
    t = cell_text(raw)
    return _SEX_FAST.get(t) or V.parse_sex(t) or t


_CONVERT: dict[str, Callable[[object], str]] = {"birth": _birth, "postcode": _postcode, "phone": _phone, "sex": _sex}


def _extractor(plan: RolePlan, f: str) -> Callable[[Sequence[object]], str]:
    """A fast per-row getter for one field: direct cell access for single columns, joined otherwise."""
    cols = plan.cols.get(f)
    if not cols:
        return lambda row: ""
    conv = cell_text if f in plan.held else _CONVERT.get(f)  # held: as the file holds it (headerless.discover)
    if conv is not None and len(cols) > 1:  # a phone or postal code in pieces (scanner/detectors/plan.py)
        return lambda row: plan.value(row, f)
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


# Fast paths for the common row (a million-row sheet checks every one): a name made only of kanji, kana and
# one space, an address starting with two kanji or kana and made of them, digits and hyphens, need no NFKC
# and fail only on a placeholder or (names) an organisation word. Anything else takes the full checks.
_CJK_CLASS = "\u3041-\u30ff\u3400-\u9fff\uf900-\ufaff々〆ヶ"
_PLAIN_NAME = re.compile(f"[{_CJK_CLASS}]{{1,12}}(?:[ \u3000][{_CJK_CLASS}]{{1,12}})?")
_PLAIN_ADDRESS = re.compile(f"[{_CJK_CLASS}]{{2}}[{_CJK_CLASS}0-9０-９\\-－ー―‐−#＃ 　]{{0,158}}")
# a Japanese address names a place by a numeral or a place's ending (東京都, 高松市, 香南町, 大字岡, 西新宿1丁目); a plain
# value with none that is a workplace (本社, 大阪支店: [staff] office_marks) is a staff member's office, no address
# (tables25: 佐藤 | 本社 | 23 among clients). Any other is a person's address all the same: a client list's sparse cells
# name a place without either (東京, 札幌, 銀座, 緑ヶ丘, 琴似, コーポ山田), or a status (施設入所中), or 同上 (review25t:
# tables25 refused every such value, 10 of 30 clients lost)
_PLACE_MARK = re.compile("[0-9０-９一二三四五六七八九十百千〇都道府県市区町村郡字丁番地島]")


def _workplace(address: str) -> bool:
    """A plain address cell with no numeral and no place ending that names a workplace (本社, 支店): no address."""
    if _PLACE_MARK.search(address):
        return False
    t = unicodedata.normalize("NFKC", address).casefold()
    return any(m in t for m in V.workplace_marks())  # a building alone (グリーンビル) is a home's too (tables26)


# a note column's label in the name column (備考 | 転居予定あり under 氏名: a note row, no person; tables25)
_NOTE_LABEL = re.compile("備考|摘要|特記事項|連絡事項|注記|注意事項|補足")
_PLACEHOLDER_WORDS = "テスト|サンプル|ダミー|見本|記入例|記載例|入力例|○○|〇〇|◯◯|××|△△|某|ほげ|ホゲ|ふが|フガ"
_PLAIN_PLACEHOLDER = re.compile(f"{_PLACEHOLDER_WORDS}|住所|氏名|名前")
_PLAIN_NAME_BAD = re.compile(f"{_PLACEHOLDER_WORDS}|氏名|名前|{_NOTE_LABEL.pattern}|{V._ORG.pattern}", re.IGNORECASE)


@cache
def _shop_name() -> Callable[[str], re.Match[str] | None]:
    """The test of a shop's name: a trade word and a katakana family name, in either order, nothing else (理容イケダ,
    イケダ眼科: [facility_kana] shop_types; tables26: 90 of 120 such generated shops were counted as persons)."""
    trades = "|".join(map(re.escape, V.shop_types())) or "(?!)"
    kana = "[\u30a1-\u30fa\u30fc]{2,}"
    match = re.compile(f"(?:{trades})[ \u3000]?{kana}|{kana}[ \u3000]?(?:{trades})").fullmatch

    def shop(name: str) -> re.Match[str] | None:  # cheap first: a shop's name starts or ends in katakana
        return match(name) if name and ("\u30a1" <= name[-1] <= "\u30fc" or "\u30a1" <= name[0] <= "\u30fc") else None
    return shop


def _name_problem(name: str) -> Rejection | None:
    if _PLAIN_NAME.fullmatch(name) and not _PLAIN_NAME_BAD.search(name) and name[0] * len(name) != name:
        return Rejection.NOT_A_NAME if _shop_name()(name) else None
    if N.is_placeholder_name(name):
        return Rejection.PLACEHOLDER
    unescaped = _ESCAPE_SEQUENCE.sub("", name) if "\x1b" in name else name
    if (V.is_blob(name) or not V.looks_like_name(name) or _KANJI_LATIN.search(unescaped)
            or _NOTE_LABEL.fullmatch(name) or _shop_name()(name)):
        return Rejection.NOT_A_NAME
    return None


# kanji and Latin letters run together: an item's name (総務部設置AED, 本社PC, 会議室A), no person's; a person's name is
# in kanji/kana or in Latin letters, and a mixed one has a space (山田 John) (tables25: AED rows among staff)
_KANJI_LATIN = re.compile("[\u3400-\u9fff々][A-Za-zＡ-Ｚａ-ｚ]|[A-Za-zＡ-Ｚａ-ｚ][\u3400-\u9fff々]")
# an ISO 2022 escape sequence (ESC, intermediate bytes, a final byte: ESC $ B) left in a value by a stray JIS escape is
# damage, not letters of an item's name: ``\x1b$B石川 学`` stays a person (lead, session 25: test_fuzz_campaign's UTF-8
# list with one stray escape lost the row's person to the kanji+Latin rule)
_ESCAPE_SEQUENCE = re.compile("\x1b[\x20-\x2f]*[\x30-\x7e]")


_PLACE_AND_KANA = re.compile("([\u3400-\u9fff\uf900-\ufaff々ヶ]{2,4})([\u30a1-\u30fa\u30fc]{2,})")
# the katakana word a coined facility name's: 4+ characters or a long vowel (アグリーム), or a facility's ending (プラザ);
# 2-3 without ー is a given name's shape (ハル, キヨ of elderly women, エミリ, マリア, ジョン), a person (review24t)
_FACILITY_KANA = re.compile("[\u30a1-\u30fa\u30fc]*\u30fc[\u30a1-\u30fa\u30fc]*|[\u30a1-\u30fa\u30fc]{4,}")
# a family name common enough (namedivider's counts of its first kanji first and its last kanji last in family names,
# the smaller): 中村 1,603, 松本 292, 市川 143 are families that live in their namesake places; 香南 18, 横浜 15, 屋島 10
# are places (tables25)
FAMILY_COMMON = 100


def _place_and_kana(name: str, address: str, born: bool = False) -> bool:
    """Is ``name`` a facility's named by a place and a katakana word, unspaced? Its word a facility's (屋島テラス,
    香南ランド, 松本ファーム: signatures [facility_kana]) whatever its address (tables25: a place not followed by 市区町村
    in its address, 屋島 of 屋島西町, and 3-character words were counted); or a coined word (香南アグリーム at
    高松市香南町…, takamatsu's agricultural_experience_facility) after a place of its own address that is no common
    family name: a person's family name is her municipality only by chance, and her katakana given name is short (中村ハル)
    or a foreign one (中村エミリー at 名古屋市中村区: a common family name, kept, tables25); a prefecture (山口県) or a
    building (渡辺ハイツ) is no such place. A row that gives a birth date or a sex (``born``) is a person's: a facility
    has neither, and a coined name there is a resident named after her municipality (岸和田エミリー at 岸和田市,
    tables26: 96 of 96 refused); only a facility word still refuses it."""
    if (m := _PLACE_AND_KANA.fullmatch(name)) is None:
        return False
    if _facility_word(m[1], m[2]):
        return True
    return not born and (m[1] in address and (_FACILITY_KANA.fullmatch(m[2]) is not None or V.looks_like_facility(name))
            and not _common_family(m[1])
            and any(address[i + len(m[1]):i + len(m[1]) + 1] in _MUNICIPAL for i in _places_of(address, m[1])))


FACILITY_COMPOUND = 3  # katakana before a facility word that make a compound (ファミリー|ランド), no given name's head


def _facility_word(head: str, kana: str) -> bool:
    """Is ``kana`` a facility word of [facility_kana] (香南ランド), or a compound ending in one (ファミリーランド)? A given
    name only ends in one (アダム, ローランド, シビル: 1-2 katakana before ダム, ランド, ビル) or is one after a common
    family name (中村アリーナ, 佐藤ロビー: [facility_kana] given_names): a person (review25t; tables25 refused them)."""
    word = next((w for w in V.facility_kana_words() if kana.endswith(w)), None)
    if word is None or 0 < len(kana) - len(word) < FACILITY_COMPOUND:
        return False
    return kana not in V.facility_given_names() or not _common_family(head)


@lru_cache(maxsize=4096)
def _common_family(head: str) -> bool:
    """Is ``head`` a common family name (FAMILY_COMMON)? Faker's surnames always."""
    data = N.name_data()
    if head in data.surnames:
        return True
    first, last = data.kanji.get(head[0]), data.kanji.get(head[-1])  # two kanji: 3+ of places (江戸川, 小金井) pass
    return len(head) == 2 and first is not None and last is not None and min(first[0], last[2]) >= FAMILY_COMMON


# a municipality's or a town's name ends so (香南町); not 県 (山口県), a building (渡辺ハイツ) or a town typed without
# it (渡辺36丁目: Faker's towns include surnames, 16 of 50,000 Faker persons were refused so)
_MUNICIPAL = frozenset("市区町村郡")


def _places_of(address: str, head: str) -> Iterator[int]:
    at = address.find(head)
    while at >= 0:
        yield at
        at = address.find(head, at + 1)


# (damage26) an address written after its label (旧住所-東京都…, 現住所：…, 住所 …: a moved person's row in a hand-kept
# list): the 住所 is no template's stand-in (住所, 住所1) when the rest is an address naming a place; the record's address
# is the rest (review26d: kept with its label, a person counted again beside a copy without it), as a 〒 code moves
_ADDRESS_LABEL = re.compile(r"\A[旧現新前元]?住所[ 　]*[-－―‐−:：=＝]?[ 　]*")
_LABEL_START = frozenset("旧現新前元住")


def _address_problem(address: str) -> Rejection | None:
    if (label := _ADDRESS_LABEL.match(address)) and (rest := address[label.end():]) and rest != address:
        return _address_problem(rest) if _PLACE_MARK.search(rest) else Rejection.PLACEHOLDER
    if _PLAIN_ADDRESS.fullmatch(address) and not _PLAIN_PLACEHOLDER.search(address):
        return Rejection.NOT_AN_ADDRESS if _workplace(address) else None
    if N.is_placeholder_address(address):
        return Rejection.PLACEHOLDER
    if not V.plausible_address(address):
        return Rejection.NOT_AN_ADDRESS
    return None


@dataclass
class _RoleReader:
    index: int
    plan: RolePlan
    name: Callable[[Sequence[object]], str]
    address: Callable[[Sequence[object]], str] | None
    others: list[Callable[[Sequence[object]], str]]
    needs_address: bool
    shares_address: bool
    postcode_at: int | None  # index in ``others`` of the postcode
    born_at: tuple[int, ...] = ()  # indices in ``others`` of a person's own attributes (birth, sex): no facility's

    def born(self, row: Sequence[object]) -> bool:
        """Does ``row`` give this role's person a birth date or a sex (a person's row, no facility's)?"""
        return any(self.others[j](row) for j in self.born_at)


_BORN = frozenset({"birth", "sex"})  # a person's attributes no facility has (:meth:`_RoleReader.born`)


def _born_column(p: RolePlan, f: str) -> bool:
    """Is ``f`` a person's attribute (:data:`_BORN`) that a header names in ``p`` (生年月日, 性別)? A date column found
    from values is any date's: a header-less facility list's opening dates (平成12年4月1日) were read as birth dates and
    its facilities named after their municipality counted as residents (review26t)."""
    return f in _BORN and f in p.cols and f not in p.held and all(c in p.labels for c in p.cols[f])


def _readers(plan: SheetPlan, keys: tuple[str, ...]) -> list[_RoleReader]:
    main = plan.role("")
    out = []
    for i, p in enumerate(plan.roles):
        if "name" not in p.cols:
            continue
        own_address = "address" in p.cols
        shares = not own_address and p.shares_address and main is not None and "address" in main.cols
        out.append(_RoleReader(i, p, _extractor(p, "name"), _extractor(p, "address") if own_address else None,
                               [_extractor(p, f) for f in keys[2:]], needs_address=not p.role,
                               shares_address=shares,
                               postcode_at=keys[2:].index("postcode") if "postcode" in keys[2:] else None,
                               born_at=tuple(j for j, f in enumerate(keys[2:]) if _born_column(p, f))))
    return out


def _records(name: str, plan: SheetPlan, data: Iterable[Sequence[object]], base: int, head_names: set[str]
             ) -> tuple[list[tuple], int, Counter[str], tuple[str, ...]]:
    """Person records of every row (row, role index, values by key), rows with a person, rejections."""
    keys = ("name", "address", *dict.fromkeys(f for p in plan.roles for f in (*p.cols, "postcode")
                                              if f not in ("name", "address")))
    readers = _readers(plan, keys)
    if len(readers) == 1 and readers[0].address is not None and not plan.joint:
        return (*_single_role_records(readers[0], data, base, head_names, keys), keys)
    main_address = next((r.address for r in readers if not r.plan.role and r.address), None)
    found: list[tuple] = []
    rows_with_person = 0
    rejected: Counter[str] = Counter()
    for i, row in enumerate(data):
        got = False
        shared = None
        for rd in readers:
            n = rd.name(row)
            if not n:
                continue
            if rd.address is not None:
                a = rd.address(row)
            elif rd.shares_address:
                shared = main_address(row) if shared is None and main_address else shared
                a = shared or ""
            else:
                a = ""
            if rd.needs_address and not a:
                continue  # an incomplete row: no record, not a rejection
            n, household = _household(n, row, plan.joint if not rd.plan.role else (), plan.joint_readings)
            problem = _problem(n, a, head_names, bool(rd.born_at) and rd.born(row))
            if problem is not None:
                rejected[problem] += 1
                continue
            rec = _record(base + i, rd, row, n, a)
            found.append(rec)
            got = True
            for other in household:
                if (problem := _problem(other[0], a, head_names)) is not None:
                    rejected[problem] += 1
                else:
                    found.append(_joint_record(rec, other, keys))
        rows_with_person += got
    return found, rows_with_person, rejected, keys


def _household(n: str, row: Sequence[object], joint: Sequence[int], readings: Mapping[int, int] | None = None
               ) -> tuple[str, list[tuple[str, str, bool]]]:
    """The row's name and the other persons of its household (連名): given names after the name in its cell
    (山田太郎・花子) and the 連名 columns' names, each with its reading from the column's own reading column (連名フリガナ)
    and whether it was a given name alone; the household shares the row's address."""
    others: list[tuple[str, str, bool]] = []
    if _JOINT_MARK.search(n):
        first, rest = N.split_joint(n)
        if first:
            n, others = first, [(name, "", given) for name, given in N.joint_persons(first, rest)]
    for c in joint:
        if c < len(row) and (t := cell_text(row[c])):
            persons = N.joint_persons(n, t)
            rc = readings.get(c) if readings else None
            kana = N.joint_readings(cell_text(row[rc])) if rc is not None and rc < len(row) else []
            if len(kana) != len(persons):
                kana = [""] * len(persons)  # 花子・一郎 against one reading: which is whose is not known
            others += [(name, k, given) for (name, given), k in zip(persons, kana, strict=True)]
    return n, others


_JOINT_MARK = re.compile("[・、,，/／\n]")
_JOINT_KEEPS = frozenset({"postcode", "phone"})  # a household's: the rest (birth, sex, e-mail) are the first person's


def _joint_record(rec: tuple, other: tuple[str, str, bool], keys: tuple[str, ...]) -> tuple:
    """A 連名 person's record: the row, role and address of the row's person, its postal code and phone, and the
    reading of its own reading column (a given name's after the row's family reading: ヤマダ ハナコ)."""
    name, kana, given = other
    if kana and given and "reading" in keys:
        row_reading = str(rec[4 + keys.index("reading") - 2] or "").replace("\u3000", " ").strip()
        family = row_reading.split(" ", 1)[0] if " " in row_reading else ""
        kana = f"{family} {kana}" if family else kana
    return (rec[0], rec[1], name, rec[3], *(v if k in _JOINT_KEEPS else kana if k == "reading" else ""
                                            for k, v in zip(keys[2:], rec[4:], strict=True)))


def _problem(n: str, a: str, head_names: set[str], born: bool = False) -> Rejection | None:
    if n in head_names:
        return Rejection.HEADER_REPEATED
    if a and _place_and_kana(n, a, born):
        return Rejection.NOT_A_NAME
    return _name_problem(n) or (_address_problem(a) if a else None)


_POSTCODE_START = frozenset("〒0123456789０１２３４５６７８９")


def _record(row_no: int, rd: _RoleReader, row: Sequence[object], n: str, a: str) -> tuple:
    """(row, role index, name, address, others...); a postal code typed in front of the address moves to
    its own field (kept in the address only when the row has a postal code of its own)."""
    others = [g(row) for g in rd.others]
    if a and a[0] in _LABEL_START and (label := _ADDRESS_LABEL.match(a)) and label.end() < len(a):
        a = a[label.end():]  # (review26d) 旧住所-東京都…: the address after its label, the person's key with or without it
    if a and a[0] in _POSTCODE_START:
        code, rest = V.split_leading_postcode(a)
        if code:
            a = rest
            if rd.postcode_at is not None and not others[rd.postcode_at]:
                others[rd.postcode_at] = code
    return (row_no, rd.index, n, a, *others)


def _single_role_records(rd: _RoleReader, data: Iterable[Sequence[object]], base: int, head_names: set[str],
                         keys: tuple[str, ...]) -> tuple[list[tuple], int, Counter[str]]:
    """The common sheet (one person per row) in a tight loop: the same checks as :func:`_records`, with the
    plain Japanese name and address tested by two regular expressions before the full checks."""
    get_name, get_address, others, index = rd.name, rd.address, rd.others, rd.index
    assert get_address is not None
    plain_name, plain_address = _PLAIN_NAME.fullmatch, _PLAIN_ADDRESS.fullmatch
    bad_name, placeholder = _PLAIN_NAME_BAD.search, _PLAIN_PLACEHOLDER.search
    joint_mark, place_and_kana, place_mark = _JOINT_MARK.search, _place_and_kana, _PLACE_MARK.search
    workplace, born_at, shop = _workplace, rd.born_at, _shop_name()
    rows = 0
    found: list[tuple] = []
    rejected: Counter[str] = Counter()
    append = found.append
    for i, row in enumerate(data):
        n = get_name(row)
        if not n:
            continue
        a = get_address(row)
        if not a:
            continue
        if (plain_name(n) and plain_address(a) and n[0] * len(n) != n and not bad_name(n) and not placeholder(a)
                and n not in head_names and not joint_mark(n) and not place_and_kana(n, a) and (place_mark(a) or not workplace(a))
                and not shop(n)):
            append((base + i, index, n, a, *[g(row) for g in others]))
            rows += 1
            continue
        n, household = _household(n, row, ())
        problem = _problem(n, a, head_names, bool(born_at) and rd.born(row))
        if problem is not None:
            rejected[problem] += 1
            continue
        rec = _record(base + i, rd, row, n, a)
        append(rec)
        rows += 1
        for other in household:
            if (problem := _problem(other[0], a, head_names)) is not None:
                rejected[problem] += 1
            else:
                append(_joint_record(rec, other, keys))
    return found, rows, rejected


def _lead_rows(plan: SheetPlan, data: Iterable[Sequence[object]], base: int, head_names: set[str]
               ) -> tuple[list[tuple], int, Counter[str], tuple[str, ...]]:
    """Rows of a name-only lead: a plausible name and a phone, e-mail, birth date or number."""
    p = next(p for p in plan.roles if "name" in p.cols and LEAD_FIELDS & set(p.cols))
    keys = ("name", "address", *(f for f in p.cols if f != "name"))
    get_name = _extractor(p, "name")
    getters = [_extractor(p, f) for f in keys[2:]]
    lead_at = [i for i, f in enumerate(keys[2:]) if f in LEAD_FIELDS]
    found: list[tuple] = []
    rejected: Counter[str] = Counter()
    for i, row in enumerate(data):
        n = get_name(row)
        if not n:
            continue
        others = [g(row) for g in getters]
        if not any(others[j] for j in lead_at):
            continue
        if n in head_names:
            rejected[Rejection.HEADER_REPEATED] += 1
            continue
        problem = _name_problem(n)
        if problem is not None:
            rejected[problem] += 1
            continue
        if len(found) < EXAMPLES:
            found.append((base + i, plan.roles.index(p), n, "", *others))
        else:
            found.append((base + i, plan.roles.index(p)))  # counted; values are not kept for a lead
    return found, len(found), rejected, keys


def analyse_sheet(name: str, rows: Iterable[Sequence[object]], first_row: int = 1,
                  first_col: int = 0, later: bool = True) -> SheetFinding | None:
    """The personal-data finding for one sheet, or None when it holds no person records or leads (:func:`_analyse`);
    every table of the sheet read inside this call (one below, beside or between another's rows) shares one
    :class:`_Budget` of extra work."""
    if _BUDGET.get() is not None:
        return _analyse(name, rows, first_row, first_col, later)
    token = _BUDGET.set(_Budget())
    try:
        return _analyse(name, rows, first_row, first_col, later)
    finally:
        _BUDGET.reset(token)


def _analyse(name: str, rows: Iterable[Sequence[object]], first_row: int = 1,
             first_col: int = 0, later: bool = True) -> SheetFinding | None:
    """The personal-data finding for one sheet, or None when it holds no person records or leads.

    ``rows`` may be a stream: only the first rows (header search and value sample) are held, the rest
    is counted as it passes, so a 1,000,000-row sheet needs no list of all its rows.
    ``first_row`` (1-based) and ``first_col`` (0-based) place ``rows`` in the sheet, since readers
    start at the first used cell; reported row numbers and column letters are the sheet's own.
    Only a person table's rows are all classified: the rows of a sheet whose sample shows none are searched for a
    table further down by :func:`_later_table` (not when ``later`` is False: that search's own windows).
    """
    stream = iter(rows)
    head = list(islice(stream, HEADER_SCAN_ROWS + SAMPLE_ROWS))
    if not head:
        return None
    if _one_column(head):  # no header and no table: only a form written label above value, or address labels
        texts = _head_texts(head)
        if (labelled := _label_finding(name, head, stream, first_row, first_col, texts)) is not None:
            return labelled
        if (form := _form_finding(name, head, first_row, first_col)) is not None or not later:
            return form
        return _later_table(name, head, stream, first_row, first_col, rest_text=texts[1])
    header = find_header(head) or _later_header(head)  # a header under a preamble names the columns before values do
    raw: tuple[list[Sequence[object]], Iterator[Sequence[object]], int, tuple[int, dict[int, Header]] | None] | None
    raw = None
    if (header is None or _labelled_header(head[header[0]], header[1])) and (
            labels := _labelled_columns(head)) is not None and (trial := _labels_as_header(head, labels)) is not None:
        raw = head, stream, first_row, header  # 氏名：山田 太郎 | 住所：東京都…: each column's label is its header (fix15b)
        head, header = trial
        stream, first_row = (_unlabelled(r, labels) for r in stream), first_row - 1  # the header row is no row of its own
    if header is None and (at := label_column(head)) is not None:
        return _sideways_finding(name, head, stream, first_row, first_col, at)
    header_at: int | None = None
    plan: SheetPlan | None
    kind_of: SheetKind | None = None  # the kind of the rows the plan was made from, when not the whole sample's
    if header is not None:
        header_at, mapping = header
        if fused := fused_lines(head[header_at], head[header_at + 1:]):  # フリガナ⏎氏名 over two-line cells
            width = max(len(r) for r in head)
            head = [*head[:header_at], fused_header(head[header_at], fused, width),
                    *(split_lines(r, fused, width) for r in head[header_at + 1:])]
            stream = (split_lines(r, fused, width) for r in stream)
            mapping = fused_mapping(read_row(head[header_at]), mapping, fused, width)
        sample = head[header_at + 1:]
        ours = _ours(mapping.items())
        until = next((i for i, _r in _rows_to_another_header(sample, ours)), len(sample))  # a second list's rows
        plan = _plan_from_header(head[:header_at + 1 + until], header_at, mapping)  # never plan the first list's
        whole = _kind(plan, sample[:until]) if plan is not None else None
        if whole in (None, SheetKind.NAMES) and (block := _header_block(sample, mapping)) < len(sample):
            # the header's own rows are fewer than what follows them in the sample (40 persons over 10^6 numbers,
            # a member list above a log): the header is confirmed by its own rows; every row is still checked. Rows
            # of text after a blank row outvote its address and phone columns alike: only names were kept (review14e)
            own = _plan_from_header(head[:header_at + 1 + block], header_at, mapping)
            if own is not None and (mine := _kind(own, sample[:block])) is not None and (
                    whole is None or mine != SheetKind.NAMES):
                plan = own
        if plan is not None and not any({"name", "address"} & set(p.cols) for p in plan.roles) and (
                by_values := _values_over_header(head, mapping)) is not None:
            header_at, sample, plan = None, head, by_values
    elif _things_first(head):
        if later and (at := _rows_not_its(head)) is not None:  # persons right under 品名 | 数量 | …: read header-less
            return _analyse(name, chain(head[at + 1:], stream), first_row + at + 1, first_col, later)
        sample, plan = head, None  # 店舗名 | 店長 | 住所, 議員名 | 会派 | 住所: a header too short for find_header
    else:
        sample = head
        its = head[:block] if (block := _first_block(head)) < len(head) else head  # a wide table's own rows (tables21)
        main, context = discover(its, set(), need_name=True)
        if its is not head and "name" not in main.cols:  # its rows alone name nobody: the sample's columns, as before
            its = head
            main, context = discover(its, set(), need_name=True)
        plan = SheetPlan([main, *filter(None, [second_person(its, main)])], context)
        if its is head and (run := _interruption(head)) is not None and _kind(plan, head) is None:
            # its first rows a person table, interrupted by rows of other shapes (subtotals, a section's items) and
            # resuming below them: the mixed sample outvoted the persons, and those above the interruption were lost.
            # A run reaching the sample's end is read on (shapes only) for the table's rows coming back (tables25)
            stop, resumed, seen = run
            first_main, first_context = discover(head[:stop], set(), need_name=True)
            first_plan = SheetPlan([first_main, *filter(None, [second_person(head[:stop], first_main)])],
                                   first_context)
            if _kind(first_plan, head[:stop]) == SheetKind.PERSONS:
                if not resumed:
                    rows_past, resumed = _resumes(seen, stream)
                    stream = chain(rows_past, stream)
                if resumed:
                    main, plan, kind_of = first_main, first_plan, SheetKind.PERSONS
        if (read_on := _read_on(main, head, stream)) is not None:
            rows_on, read_whole = read_on
            if read_whole:  # the whole sheet is held: its sample (its columns' every value)
                head = sample = _WholeRows([*head, *rows_on])
            else:
                stream = chain(rows_on, stream)
    kind = kind_of or (_kind(plan, sample) if plan is not None else None)
    top_table: tuple[SheetFinding, Sequence[Sequence[object]], int, int] | None = None
    if (plan is None or kind is None) and later and raw is None and (top := _top_block(sample)) is not None:
        # persons at the top above a run of other rows that never comes back (a log, a totals block): the mixed sample
        # refused them and nothing resumed, the sheet was nothing (tables26); the block is a table of its own when
        # (nearly) every one of its rows is a distinct person's, the rest of the sheet searched as before
        at = (header_at + 1 if header_at is not None else 0) + top
        if (first := _sinkless(name, head[:at], first_row, first_col)) is not None and _persons_block(
                first, sum(1 for r in sample[:top] if _filled(r))):
            top_table = first, head[:at], first_row, first_col
    if plan is None or kind is None:
        if raw is not None:
            head, stream, first_row, header = raw
        texts = _head_texts(head)
        if (labelled := _label_finding(name, head, stream, first_row, first_col, texts)) is not None:
            return labelled
        if (form := _form_finding(name, head, first_row, first_col)) is not None:
            return form
        if not later:
            return None
        elsewhere_of = (_spread_table(plan, sample) or _name_beside_anothers_address(plan)) if plan is not None and (
            raw is None) else None
        passed = array("q")  # the stream's rows (numbered from head's first) the spread table's names would make
        if elsewhere_of is not None:  # counted as the later search reads the rest (the spread table's own rows, mostly)
            stream = _rows_of(stream, elsewhere_of, passed, len(head))
        # no person table in the sample rows: one may start further down; below a header that names no person
        # table (a product list, public officials) only a header of its own starts one (its rows are not persons)
        where: list[int] = []
        theirs = None
        if elsewhere_of is not None:  # a window's rows that are the lead's own (a name at the place the sample held it)
            pairs = {pair for r in sample if (pair := _made_of_record(elsewhere_of, r)) is not None}
            theirs = partial(_one_of, elsewhere_of, pairs)
        below = _later_table(name, head, stream, first_row, first_col, headers_only=header is not None or plan is None,
                             rest_text=texts[1], where=where if elsewhere_of is not None else None, theirs=theirs,
                             header_at=header_at)
        if elsewhere_of is None:
            return below if top_table is None else _below_top(name, *top_table, below)
        if below is None:
            return _spread_lead(name, elsewhere_of, sample, first_row, header_at, first_col, len(passed))
        # a table found below the lead's rows is kept beside the lead, never in its place: a header-less shift roster
        # sorted by staff gave one staff member's 30 rows and its other 150 rows were neither hit nor skip (fix18b).
        # The lead holds the rows above the table and those after it (a table found between the list's rows ends
        # where they resume: the rows below it were read by no table); ``where``: the table's own rows, and how many
        # of them were the lead's (read as blank rows by the table)
        top, end, its_own = where
        off = header_at + 1 if header_at is not None else 0
        outside = [[] if top <= off + i < end else r for i, r in enumerate(sample)]
        more = bisect_left(passed, top) + len(passed) - bisect_left(passed, end) + its_own
        lead = _spread_lead(name, elsewhere_of, outside, first_row, header_at, first_col, more)
        return below if lead is None else _both_tables(lead, below)
    kept, examples = _without_examples(sample)
    data: Iterable[Sequence[object]] = chain(kept, stream)
    base = first_row + (header_at + 1 if header_at is not None else 0)
    labels = {**plan.labels, **{c: t for p in plan.roles for c, t in p.labels.items()}}
    head_names = {labels.get(c, "") for p in plan.roles for c in p.cols.get("name", [])} - {""}
    if header_at:  # a two-row header (氏名 merged over 姓 | 名) repeated on every printed page: 氏名 is the header again
        above = head[header_at - 1]
        head_names |= {t for p in plan.roles for c in p.cols.get("name", []) if c < len(above)
                       and (t := cell_text(above[c])) and read_header(t) is not None}
    lone_above = 0
    if header_at and (above := _rows_above(plan, head, header_at)):
        data, base = chain(above, [[]], kept, stream), first_row  # the header row itself read as a blank row
    elif header_at and raw is None:  # a person's line above the header (担当 | 山田 花子 | 住所): said, never counted
        lone_above = _lone_above(plan, head[:header_at])
    if (header_at is not None and raw is None and header is not None and base == first_row + header_at + 1
            and (line := _sender_line(plan, head[header_at], header[1])) is not None):
        data, base = chain([line], data), base - 1  # the header row is a person of the list, at its own row
    if header_at is None and kept and _unrecognised_header(plan, kept[0], kept[1:]):
        data, base = chain(kept[1:], stream), base + 1  # first_name, addr ...: a header without our words
    cut = _Cut(read=lambda at, rows: analyse_sheet(name, rows, base + at, first_col, later))
    data = _until_another_table(data, plan, cut)
    elsewhere: Counter[str] = Counter()
    if kind != SheetKind.NAMES and (person := plan.role("")) is not None and (spread := _names_elsewhere(person, sample)[1]):
        data = _without_names(data, person, spread, elsewhere)  # staff in charge among the people (a row of theirs each)
    if kind != SheetKind.NAMES and (person := plan.role("")) is not None and "name" in person.cols and (
            _region_rows(person, sample)):
        data = _without_regions(data, person, elsewhere)  # regional offices taking turns with persons (tables23)
    sink = RECORD_SINK.get()
    role_counts = None
    if kind == SheetKind.NAMES:
        found, with_person, rejected, keys = _lead_rows(plan, data, base, head_names)
    elif sink is None:
        found, with_person, rejected, keys = _records(name, plan, data, base, head_names)
    else:
        found, with_person, rejected, keys, role_counts = _records_to(sink, name, plan, kind, data, base, head_names)
    if examples:
        rejected[Rejection.EXAMPLE] += examples
    rejected += elsewhere
    if cut.lone or lone_above:
        rejected[Rejection.LONE_ROW] += cut.lone + lone_above
    second = None
    if cut.rest is not None or cut.side or cut.done:
        depth = _TABLES_ABOVE.set(_TABLES_ABOVE.get() + 1)  # the rest read inside this call: one level deeper
        try:
            others = [*cut.done] + [analyse_sheet(name, rows, base + at, first_col, later) for at, rows in cut.side]
            if cut.rest is not None:
                others.append(analyse_sheet(name, cut.rest, base + cut.rows, first_col, later))
        finally:
            _TABLES_ABOVE.reset(depth)
        for other in filter(None, others):  # narrower tables between the rows first, then the rest's, in row order
            second = other if second is None else _both_tables(second, other)
    if not found:
        if cut.lone or lone_above:  # said with the table's records as lone-row; with none, in the reading notes
            _budget().say(say(Detail.LONE_ROW_ALONE, n=cut.lone + lone_above))  # (tables24: it was silently nothing)
        return second
    shown = {c: _header_only(t) for c, t in labels.items()}  # written unmasked to the outputs: never a value
    columns: dict[str, list[str]] = {}
    for p in plan.roles:
        prefix = f"{p.role}." if p.role else ""
        for f, cols in p.cols.items():  # a role named twice (緊急連絡先1, 緊急連絡先2): both instances' columns
            columns.setdefault(prefix + f, []).extend(shown.get(c) or column_letter(first_col + c) for c in cols)
    for f, cols in plan.context.items():
        columns[f] = [shown.get(c) or column_letter(first_col + c) for c in cols]
    fields = [k for k in KINDS if any(k in p.cols for p in plan.roles)]
    header_row = first_row + header_at if header_at is not None and raw is None else None
    first = SheetFinding(name, header_row, columns, fields, keys, found, kind,
                         tuple(p.role for p in plan.roles), dict(rejected), with_person, role_counts=role_counts)
    return first if second is None else _both_tables(first, second)


TOP_SHARE = 0.8  # of a top block's filled rows, the share that are counted persons at least for it to be a table


def _persons_block(trial: SheetFinding, rows_in: int) -> bool:
    """Is a top block's trial (:func:`_sinkless`: every record kept) a person table: nearly all (TOP_SHARE) of its
    ``rows_in`` filled rows counted, few refused, its names distinct (a property list's 12 works of one category at
    one temple read 絵画 x 12 as persons: tables26's sweep)?"""
    names = {r[2] for r in trial.rows}
    return (trial.kind == SheetKind.PERSONS and trial.count >= TOP_SHARE * rows_in
            and sum(trial.rejected.values()) <= (1 - TOP_SHARE) * rows_in and len(names) >= TOP_SHARE * len(trial.rows))


def _below_top(name: str, top: SheetFinding, rows: Sequence[Sequence[object]], first_row: int, first_col: int,
               below: SheetFinding | None) -> SheetFinding | None:
    """The top block's persons with the table the later search found below them; the later search's alone when it read
    any row of the block (no row counted twice). Its records go to the scan's store only now (a trial kept none)."""
    if below is not None and any(r[0] < first_row + len(rows) for r in below.rows):
        return below
    if RECORD_SINK.get() is not None:
        top = analyse_sheet(name, iter(rows), first_row, first_col, later=False) or top
    return top if below is None else _both_tables(top, below)


def _top_block(sample: Sequence[Sequence[object]]) -> int | None:
    """The rows of a refused sample's first person block: its first BLOCK_MIN filled rows or more each a person's line
    (a name before an address: :func:`_person_line`), ended by BLOCK_END filled rows in a row that are none (a log's,
    a totals block's, an item list's); None for any other sample (cheap first: a sample whose first filled rows are no
    person's lines is done after a few rows)."""
    persons = run = 0
    start = 0
    for i, row in enumerate(sample):
        if not _filled(row):
            continue
        if _person_line(row):
            persons, run = persons + run + 1, 0
        elif persons < BLOCK_MIN:
            return None
        else:
            start = start if run else i
            run += 1
            if run == BLOCK_END:
                return start
    return None


TABLE_GAP_ROWS = 3  # filled rows after a blank row that may be another table's header (a title, a note, then it)
MAX_TABLES = 64  # tables of one sheet read one inside the other; the rest is read in the last one's columns (review18b:
# 1,200 small lists of two layouts taking turns raised RecursionError and the sheet was lost)
_TABLES_ABOVE: ContextVar[int] = ContextVar("_TABLES_ABOVE", default=0)  # the tables of this sheet read before


NARROW_HELD = 20_000  # rows of a narrower table held to be read on their own; past them, the rest of the sheet is it
# (one run), or its narrow rows are the table's own, read as nothing (the sheet's runs together, tables22: said)
NARROW_MIN = 2  # narrow rows in a row that are a table of their own (tables22: BLOCK_END, 5; 3-4 rows below an export
# were nothing); a lone one stays the table's (read as nothing): a footer 作成者 | 山田 太郎 | 事務所の住所 is no person
SHEET_NOTES: ContextVar[list[str] | None] = ContextVar("SHEET_NOTES", default=None)  # a cap's note goes there (the
# sheet's reading notes, set by the spreadsheet inspector): a sheet read short by a cap is said, never silently


@dataclass
class _Budget:
    """The extra work one sheet may cost, all its tables together (tables22: every table below another could read on
    READ_ON_ROWS rows again): rows read on past samples (:func:`_read_on`), narrower tables' rows held at once
    (:func:`_held_narrow`; past them the tables held are read and let go, review22t). Each narrower table is read on
    its own, however many (review22t: tables22 read those past 256 as one table and lost them)."""

    read_on: int = field(default_factory=lambda: READ_ON_ROWS)
    held: int = field(default_factory=lambda: NARROW_HELD)
    said: set[str] = field(default_factory=set)

    def say(self, note: str) -> None:
        """Say ``note`` once in the sheet's reading notes."""
        if note not in self.said and (notes := SHEET_NOTES.get()) is not None:
            self.said.add(note)
            notes.append(note)


_BUDGET: ContextVar[_Budget | None] = ContextVar("_BUDGET", default=None)


def _budget() -> _Budget:
    """The sheet's budget (a fresh one outside :func:`analyse_sheet`: a helper called alone)."""
    return _BUDGET.get() or _Budget()


@dataclass
class _Cut:
    """Where a sheet's second table starts (:func:`_until_another_table`): the rows read before it, the rest."""

    rows: int = 0
    rest: Iterator[Sequence[object]] | None = None
    # narrower tables between (or below) the table's rows: (the row they start at, counted as ``rows``, their rows)
    side: list[tuple[int, list[Sequence[object]]]] = field(default_factory=list)
    # reads a narrower table (its first row, its rows) now: held tables past the sheet's NARROW_HELD (review22t)
    read: Callable[[int, Iterable[Sequence[object]]], SheetFinding | None] | None = None
    done: list[SheetFinding | None] = field(default_factory=list)  # the narrower tables read so, in row order
    lone: int = 0  # lone narrow rows with a name and an address (too few for a table: said as lone-row, tables23)

    def flush(self) -> int:
        """Read the narrower tables held so far now, in row order, and let go of their rows (how many): the sheet's
        held rows stay under NARROW_HELD and every list is still read (review22t: past it, lists were dropped)."""
        if self.read is None:
            return 0
        freed = sum(len(r) for _at, r in self.side)
        depth = _TABLES_ABOVE.set(_TABLES_ABOVE.get() + 1)  # read inside the sheet's call: one level deeper
        try:
            self.done += [self.read(at, rows) for at, rows in self.side]
        finally:
            _TABLES_ABOVE.reset(depth)
        self.side = []
        return freed


def _rows_to_another_header(rows: Sequence[Sequence[object]], ours: dict[str, set[int]]
                            ) -> Iterator[tuple[int, Sequence[object]]]:
    """The rows (numbered) that are another person table's header (:func:`_another_header`): among the few rows after
    a blank row, one naming a name and an address in other columns than ``ours``, its own rows below it."""
    after_blank = 0
    first = min(set().union(*ours.values()), default=0)
    for i, row in enumerate(rows):
        if len(row) == row.count("") + row.count(None):
            after_blank = TABLE_GAP_ROWS
        elif after_blank or (i and _label_at(row, first)):  # right under the header: its second row (姓 | 名)
            after_blank = max(after_blank - 1, 0)
            if _another_table(row, ours, rows[i + 1:i + 1 + TABLE_PEEK_ROWS]):
                yield i, row


def _label_at(row: Sequence[object], c: int) -> bool:
    """Does ``row`` hold a header word of ours in column ``c`` (one of the table's name or address columns)? A list
    pasted under another with no blank row between them starts with its header there (電話 | 氏名 | フリガナ | 所在地
    under 氏名 | 住所 | 電話: tables18); a name or an address is no header word."""
    v = row[c] if c < len(row) else None
    return isinstance(v, str) and 0 < len(v := v.strip()) <= LABEL_CHARS and is_label(v)


LABEL_CHARS = 20  # a header cell's length at most (a longer text is data: an address, a note)
HEADER_OF_THINGS_LABELS = 2  # header words in a row at least for it to be another table's header (a lone word: data)


def _until_another_table(data: Iterable[Sequence[object]], plan: SheetPlan, cut: _Cut) -> Iterator[Sequence[object]]:
    """``data`` up to another person table's header: among the few rows after a blank row (■ 賛助会員 above 会員名 |
    フリガナ | 郵便番号 | 所在地 | TEL, two lists on one sheet), a row naming a name and an address in other columns than
    the table's (its own header repeated on each printed page is no other table) with addresses in its own address
    columns on the rows below it (rows of this table's layout after it stay this table's: review17c, a file of two
    lists joined, the 40 rows after the second's header were read in its columns and ended as nothing). Its rows were
    read in this table's columns: the second list's readings taken for addresses, 20 of 40 members at no address of
    theirs. The rest is left in ``cut`` for a table of its own. Only the rows after blank rows are looked at (a person
    table's rows cost a count of their empty cells).

    So does a run of NARROW_MIN rows narrower than a wide table (:func:`_narrow_row`: a 3-column list with no header of
    its own cat'ed below a 10-column export, tables21): its rows gave no address in the table's columns and were
    nothing, no record and no rejection; they are read as a table of their own (header-less, as any)."""
    it = iter(data)
    after_blank = 0
    ours = {f: {c for p in plan.roles for c in p.cols.get(f, [])} for f in ("name", "address")}
    first = min(set().union(*ours.values()), default=0)
    ahead: list[Sequence[object]] = []  # rows read below a header that was not another table's
    narrow = _narrow_test(plan, ours["address"])
    wide = narrow.keywords["width"] if isinstance(narrow, partial) else 0
    addr = min(ours["address"], default=0)  # a row filling it is ours: the common row passes one look at one cell
    run: list[Sequence[object]] = []  # narrow rows in a row, held until a row of ours follows
    while True:
        if ahead:
            row = ahead.pop(0)
        elif (got := next(it, None)) is not None:
            row = got
        else:
            yield from _held_narrow(run, cut)
            return
        if narrow is not None:
            if not (addr < len(row) and row[addr] not in _EMPTY and (  # a full row: its last cell filled
                    len(row) * 2 >= wide and row[-1] not in _EMPTY or _width(row) * 2 >= wide)) and narrow(row):
                run.append(row)
                if len(run) > NARROW_HELD and _TABLES_ABOVE.get() < MAX_TABLES:
                    cut.rest = chain(run, ahead, it)  # a long one: the rest of the sheet is read as that table
                    return
                continue
            if run:
                yield from _held_narrow(run, cut)
                run = []
        if len(row) == row.count("") + row.count(None):
            after_blank = TABLE_GAP_ROWS
        elif after_blank or (cut.rows and _label_at(row, first)):
            # after a blank row, or a header word where a name or address is (not on the row right under the header:
            # a header merged over two rows, 氏名 over 姓 | 名, is one header, not two lists)
            after_blank = max(after_blank - 1, 0)
            if _another_header(row, ours) or _names_header(row, ours):
                if _TABLES_ABOVE.get() < MAX_TABLES:
                    ahead += islice(it, TABLE_PEEK_ROWS - len(ahead))
                    if _another_table(row, ours, ahead):
                        cut.rest = chain([row], ahead, it)
                        return
                # a header row is no person's (電話 | 氏名 | … read as 電話 at 氏名): read as a blank row, past
                # MAX_TABLES too (100 small lists: 18 false persons 電話, fix18b)
                row = []
            elif _header_of_things(row, ours["name"]):
                row = []  # 品名 | 型番 | 数量 | 保管場所 | 担当者名 below the members: a person 品名 at 数量 (people20)
        cut.rows += 1
        yield row


TABLE_PEEK_ROWS = 8  # rows read below another table's header for its own rows (SHAPE_RUN filled ones)
_EMPTY = ("", None)


def _held_narrow(run: list[Sequence[object]], cut: _Cut) -> Iterator[Sequence[object]]:
    """A run of narrow rows ended (a row of ours, or the sheet's end): NARROW_MIN of them or more are another table,
    kept in ``cut.side`` and read as blank rows here (the table's rows after them stay its own); fewer are ours."""
    budget = _budget()
    # a lone line, or the wide table's sign-off lines (作成者 | 山田 太郎 | 事務所の住所): ours, read as nothing
    if len(run) >= NARROW_MIN and _TABLES_ABOVE.get() < MAX_TABLES and not all(map(_signed_line, run)):
        if len(run) > budget.held and cut.side:
            budget.held += cut.flush()  # the tables held so far read now, their rows let go (review22t)
        if len(run) > budget.held:  # still past the sheet's NARROW_HELD (held by a table above): ours, said
            budget.say(say(Detail.NARROW_HELD_CAPPED, n=NARROW_HELD))
        else:
            budget.held -= len(run)
            cut.side.append((cut.rows, run))  # read each on its own (review22t: past NARROW_BLOCKS, 256, tables22
            # read the rest as one table, the wide rows between as blank rows: 20 of them after its first list and
            # that table's sample held 5 rows, nothing: every list past the cap lost, unsaid)
            run = [[]] * len(run)
    elif len(run) < NARROW_MIN and not all(map(_signed_line, run)):
        cut.lone += sum(map(_names_someone, run))  # one row of another list: said, never silently nothing (tables23)
    for held in run:
        cut.rows += 1
        yield held


def _names_someone(row: Sequence[object]) -> bool:
    """Does a narrow row (:func:`_narrow_row`: an address among its cells) hold a person's name before its address? A
    lone one is said as ``lone-row`` beside the table. A label names nobody (備考 | 本社の住所, 発行元 | 住所: looks_like_name
    takes any two kanji, so every note and issuer line was said, review23t), nor does a total (合計 | 30名 | address)."""
    texts = [t for v in row if (t := cell_text(v))]
    at = next((i for i, t in enumerate(texts) if V.looks_like_address(t, strict=True)), len(texts))
    before = texts[:at]  # a count after the address (a person's 2名 in a note) leaves her line said
    return not any(map(_COUNT_CELL.fullmatch, before)) and any(map(_person_name, before))


def _lone_above(plan: SheetPlan, rows: Sequence[Sequence[object]]) -> int:
    """How many of the ``rows`` above a table's header (not its own records: :func:`_rows_above`) name a person with an
    address: a submitter's or contact's line (担当 | 山田 花子 | 住所, or all in one cell) or one person typed above the
    header, in her own cells or the table's columns. Nothing read them (tables23b: neither counted nor said); each is
    said as ``lone-row`` as a lone row below the table is (:func:`_names_someone`), never counted."""
    main = plan.role("")
    return sum(1 for r in rows if _person_line(_one_cell_line(r)) or (
        main is not None and {"name", "address"} <= set(main.cols) and _person_name(main.value(r, "name"))
        and V.looks_like_address(V.nfkc(main.value(r, "address")), strict=True)))


def _person_line(row: Sequence[object]) -> bool:
    """A name before an address on ``row`` (:func:`_names_someone`), the address there (a narrow row below a table has
    one by its test; a line above the header may hold none: 作成日 | 2024/04/01 is no person's)."""
    return any(V.looks_like_address(t, strict=True) for v in row if (t := cell_text(v))) and _names_someone(row)


def _one_cell_line(row: Sequence[object]) -> Sequence[object]:
    """A line typed in one cell (担当 山田 花子 東京都…) as its parts: a label, the name, the address from its prefecture
    or postcode on; any other row as it is."""
    texts = [t for v in row if (t := cell_text(v))]
    if len(texts) != 1 or (at := _ADDRESS_START.search(texts[0])) is None or not at.start():
        return row
    words = texts[0][:at.start()].split()
    while words and (read_header(words[0]) is not None or is_staff_header(words[0])):
        words.pop(0)  # its label (担当, 提出者)
    return [" ".join(words), texts[0][at.start():].strip()]


_ADDRESS_START = re.compile(r"〒|\d{3}-\d{4}|東京都|北海道|(?:京都|大阪)府|\S{2,3}県")


_COUNT_CELL = re.compile(r"\s*[\d,０-９，]+\s*(?:名|人|件|世帯)\s*")  # a total line's count (30名): its row names nobody


def _person_name(text: str) -> bool:
    """A cell that reads as a person's name on a line of its own: a Japanese one has a name's shape (山田 花子, 山田花子) or
    is a spaced kana name (やまだ はなこ), never a header word (所在地) - a label (備考, 本社, 事務局) has neither."""
    if _name_problem(text) is not None or not V.looks_like_name(text) or read_header(text) is not None:
        return False
    return V._CJK.search(text) is None or N.japanese_name_shape(text) or V.looks_like_spaced_name(text)


def _signed_line(row: Sequence[object]) -> bool:
    """Does ``row`` start with its signer's part alone (作成者, 承認者, 担当: a staff word)? 2-4 such narrow lines below an
    export are its sign-off block, the office's staff at the office (review22t: tables22 counted each as a person)."""
    first = next((t for v in row if (t := cell_text(v))), "")
    return len(first) <= LABEL_CHARS and is_staff_header(first) and not V.looks_like_address(first)


def _narrow_test(plan: SheetPlan, addrs: set[int]) -> Callable[[Sequence[object]], bool] | None:
    """For a table of SHORT_ROW_COLUMNS columns or more with address columns (or a names-only lead's), the test of a row
    of another, narrower table below it (:func:`_narrow_row`); None for any other table (its rows are never so tested)."""
    used = {c for p in plan.roles for cols in p.cols.values() for c in cols} | {
        c for cols in plan.context.values() for c in cols}
    width = max(used, default=-1) + 1
    if width < SHORT_ROW_COLUMNS or not addrs and not any(LEAD_FIELDS & set(p.cols) for p in plan.roles):
        return None  # a names-only lead's rows are tested too: a person's row below or between them (tables25)
    return partial(_narrow_row, width=width, addrs=sorted(addrs))


def _narrow_row(row: Sequence[object], width: int, addrs: list[int]) -> bool:
    """Is ``row`` another table's, narrower than ours (``width`` columns): no address in our address columns ``addrs``
    (nothing, or another list's phone or reading there: a 4-column list below a 10-column export was read in its
    columns, every row not-an-address, tables22), its filled cells fewer than half our width from the left, and an
    address (strict) among them? A member of ours who filled only a name and a reading holds no address: ours still
    (his row gives no record, as before)."""
    if (ours := "".join(cell_text(row[c]) for c in addrs if c < len(row))) and V.looks_like_address(ours):
        return False  # (a phone or a reading there: another list's cells, tables22)
    end = _width(row)
    if not end or end * 2 >= width:
        return False
    return any(isinstance(v := row[i], str) and V.looks_like_address(v, strict=True) for i in range(end))


def _header_of_things(row: Sequence[object], names: set[int]) -> bool:
    """Is ``row`` another table's header that names no person's field of ours (品名 | 型番 | 数量 | 保管場所 | 担当者名,
    an inventory's, under a member list): a word that is no person's column (excluded: 品名, 施設名, 会社名) in every
    filled name cell of ours, and header words in half of its filled cells at least (two or more)? Such a row was read
    as a person named 品名 (review19t). Our own header repeated (氏名 | 住所) is not one: it is said as header-repeated;
    nor is a data row whose names happen to be such words (a firm's name and its second line in POI's 46904.xls, beside
    its street, postcode, town and fax)."""
    cells = [c for c in names if c < len(row) and cell_text(row[c]).strip()]
    if not cells or not all(_label_at(row, c) and _text_excluded(cell_text(row[c]).strip()) for c in cells):
        return False
    labels = sum(_label_at(row, c) for c in range(len(row)))
    return labels >= HEADER_OF_THINGS_LABELS and labels * 2 >= len(row) - row.count("") - row.count(None)


def _ours(mapping: Iterable[tuple[int, Header]]) -> dict[str, set[int]]:
    """A table's name and address columns, by field (``name``, ``address``), from its header's mapping."""
    ours: dict[str, set[int]] = {"name": set(), "address": set()}
    for c, h in mapping:
        if not h.role and (f := _base(h.field)) in ours:
            ours[f].add(c)
    return ours


def _another_header(row: Sequence[object], ours: dict[str, set[int]]) -> list[int]:
    """The address columns of ``row`` when it is a header naming a name and an address in other columns than
    ``ours`` (a name where we hold an address is another column: 住所 | 氏名 | 電話 under 氏名 | 住所 | 電話, review18b),
    else none."""
    if (found := find_header([row])) is None:
        return []
    named = {h.field: c for c, h in found[1].items() if not h.role}
    if not ({"name", "address"} <= {_base(f) for f in named}) or all(
            c in ours[_base(f)] for f, c in named.items() if _base(f) in ("name", "address")):
        return []
    return sorted(c for c, h in found[1].items() if not h.role and _base(h.field) == "address")


def _names_header(row: Sequence[object], ours: dict[str, set[int]]) -> list[int]:
    """The name columns of ``row`` when it is the header of a list of names beside a phone, an e-mail or a birth date
    and no address (氏名 | 電話 | メール) under or over a person table with an address (``ours``), else none."""
    if not ours["address"] or (found := find_header([row])) is None:
        return []
    named = {_base(h.field) for h in found[1].values() if not h.role}
    if "address" in named or not LEAD_FIELDS & named:
        return []
    return sorted(c for c, h in found[1].items() if not h.role and _base(h.field) == "name")


def _another_table(row: Sequence[object], ours: dict[str, set[int]], below: Sequence[Sequence[object]]) -> bool:
    """Is ``row`` another table's header (:func:`_another_header`, :func:`_names_header`) confirmed by its own rows
    ``below``?"""
    if addr := _another_header(row, ours):
        return _its_rows(addr, below)
    return bool(names := _names_header(row, ours)) and _its_names(names, below)


def _its_names(names: list[int], rows: Sequence[Sequence[object]]) -> bool:
    """Do most of the filled ``rows`` below a names-only header (as :func:`_its_rows`) hold a name in its columns
    ``names`` and no address in any cell (a person table's rows hold one)?"""
    filled = [r for r in takewhile(lambda r: len(r) > r.count("") + r.count(None) and find_header([r]) is None, rows)
              if len(r) - r.count("") - r.count(None) >= 2]
    hits = sum(V.looks_like_name(" ".join(cell_text(r[c]) for c in names if c < len(r)))
               and not any(isinstance(v, str) and not V.is_email(v) and V.looks_like_address(v, strict=True) for v in r)
               for r in filled)
    return bool(filled) and 2 * hits > len(filled)


def _its_rows(addr: list[int], rows: Sequence[Sequence[object]]) -> bool:
    """Do most of the filled ``rows`` (those read below a header: TABLE_PEEK_ROWS, up to a blank row or the next
    header) hold an address in the columns ``addr``? Lists of 4 rows in two layouts taking turns with no blank row:
    the peek read the next list's header and rows, no list was confirmed and the sheet gave nothing (fix18b)."""
    filled = [r for r in takewhile(lambda r: len(r) > r.count("") + r.count(None) and find_header([r]) is None, rows)
              if len(r) - r.count("") - r.count(None) >= 2]
    hits = sum(V.looks_like_address("".join(cell_text(r[c]) for c in addr if c < len(r))) for r in filled)
    return bool(filled) and 2 * hits > len(filled)


def _both_tables(a: SheetFinding, b: SheetFinding) -> SheetFinding:
    """One sheet's two tables as one finding: their records under the keys of both, counts and rejections added."""
    if a.kind == SheetKind.NAMES or b.kind == SheetKind.NAMES:  # a lead is no person table's part, but its rows are
        # said beside it, refused as the lead refused them (never dropped: fix18b)
        kept, lead = (b, a) if a.kind == SheetKind.NAMES and b.kind != SheetKind.NAMES else (a, b)
        said = dict(Counter(kept.rejected) + Counter(lead.rejected))  # the lead's refused rows said with the table's
        if kept.kind != SheetKind.NAMES:  # a names-only list beside a person table: a lead of its own (tables26; its
            # rows were said only as `no-address` rejections), its refusals said once, the table's
            return replace(kept, rejected=said, lead=_both_leads(kept.lead, replace(lead, rejected={})))
        return replace(kept, rejected=said)
    keys = (*a.keys, *(k for k in b.keys if k not in a.keys))
    roles = (*a.role_names, *(r for r in b.role_names if r not in a.role_names))

    def placed(f: SheetFinding, r: tuple) -> tuple:
        values = dict(zip(f.keys, r[2:], strict=True))
        return (r[0], roles.index(f.role_names[r[1]]), *(values.get(k, "") for k in keys))

    columns = {k: list(v) for k, v in a.columns.items()}
    for k, v in b.columns.items():
        columns.setdefault(k, []).extend(c for c in v if c not in columns[k])
    # records handed over as found (a scan): only the first EXAMPLES rows are kept, the counts per role beside them
    # (tables19 adds up one table after another: every table's examples were copied at each, a quadratic cost; review19t)
    handed = RECORD_SINK.get() is not None
    counts = None
    if handed or a.role_counts is not None or b.role_counts is not None:
        counts = {("" if r == MAIN_ROLE else r): n for r, n in (Counter(a.roles()) + Counter(b.roles())).items()}
    kind = SheetKind.PERSONS if SheetKind.PERSONS in (a.kind, b.kind) else a.kind
    # a's rows already placed under these keys and roles stay as they are (a sheet's many tables added up one after
    # another: each was placed again at every table, 2,000 narrow tables took 21 s; tables22)
    same = a.keys == keys and a.role_names == roles
    rows = chain(a.rows if same else (placed(a, r) for r in a.rows), (placed(b, r) for r in b.rows))
    return SheetFinding(a.name, a.header_row, columns, [k for k in KINDS if k in a.fields or k in b.fields], keys,
                        list(islice(rows, EXAMPLES) if handed else rows), kind, roles,
                        dict(Counter(a.rejected) + Counter(b.rejected)), a.row_count + b.row_count,
                        role_counts=counts, lead=_both_leads(a.lead, b.lead))


def _both_leads(a: SheetFinding | None, b: SheetFinding | None) -> SheetFinding | None:
    """Two names-only tables of one sheet (beside its persons) as one lead: rows, counts and rejections added, under the
    upper one's header row, with both one's fields and keys (a lead keeps the values of its first EXAMPLES rows only;
    review26t: the lower lead's header row and fields were said, the upper one's rows and phones shown nowhere)."""
    if a is None or b is None:
        return a or b
    if _top_row(b) < _top_row(a):
        a, b = b, a
    columns = {k: list(v) for k, v in a.columns.items()}
    for k, v in b.columns.items():
        columns.setdefault(k, []).extend(c for c in v if c not in columns[k])
    keys = (*a.keys, *(k for k in b.keys if k not in a.keys))

    def under(f: SheetFinding) -> Iterator[tuple]:  # a lead's rows under both one's keys (values of its examples)
        for r in f.rows:
            yield r if len(r) == 2 or f.keys == keys else (
                r[0], r[1], *(dict(zip(f.keys, r[2:], strict=True)).get(k, "") for k in keys))
    return replace(a, columns=columns, fields=[k for k in KINDS if k in a.fields or k in b.fields], keys=keys,
                   rows=[*under(a), *under(b)], row_count=a.row_count + b.row_count,
                   rejected=dict(Counter(a.rejected) + Counter(b.rejected)))


def _top_row(f: SheetFinding) -> int:
    """The sheet row a table starts at: its header's, else its first row's."""
    return f.header_row if f.header_row is not None else min((r[0] for r in f.rows), default=0)


def _spread_table(plan: SheetPlan, sample: Sequence[Sequence[object]]) -> RolePlan | None:
    """The row's own person when the table was refused because its names stand at places others live at
    (:func:`_names_elsewhere`), else None."""
    main = plan.role("")
    if (main is not None and not any(_is_person(p, main) for p in plan.roles if p is not main)
            and _names_elsewhere(main, sample)[0]):
        return main
    return None


def _name_beside_anothers_address(plan: SheetPlan) -> RolePlan | None:
    """ご依頼主 | お届け先住所: the table's only name is one role's (the sender), its only address another's that lends it
    (the recipient's, whose name the table does not hold): no person, but a name beside addresses, as one role for a
    lead (:func:`_spread_lead`); else None."""
    if any(_is_person(p, plan.role("")) for p in plan.roles):
        return None
    names = [p for p in plan.roles if "name" in p.cols]
    places = [p for p in plan.roles if "address" in p.cols]
    if len(names) != 1 or len(places) != 1 or names[0] is places[0] or not places[0].role or (
            not role_lends_address(places[0].role)):
        return None
    return RolePlan("", {"name": names[0].cols["name"], "address": places[0].cols["address"]},
                    labels={**names[0].labels, **places[0].labels})


def _one_persons(main: RolePlan, header_at: int | None) -> bool:
    """Whether one name on every row of a spread table is a person's rows (a client's visit log, one person's address
    history): the table has no header, or a header that calls its column a name. A header that does not (``process``,
    found by its values: a company registry's 新規 on every row, wild19) holds a word of the table's (review19w: a
    one-client log with 氏名 over 30 places, and one with no header, ended as nothing)."""
    if header_at is None and not main.labels:
        return True
    return any((h := read_header(main.labels.get(c, ""))) is not None and h.field == "name" for c in main.cols["name"])


def _made_of_record(main: RolePlan, row: Sequence[object]) -> tuple[str, str] | None:
    """The row's name and address when they would make a record (they pass the row checks), else None."""
    n, a = main.value(row, "name"), main.value(row, "address")
    return (n, a) if n and a and _problem(n, a, set()) is None else None


def _one_of(main: RolePlan, pairs: set[tuple[str, str]], row: Sequence[object]) -> bool:
    """Does ``row`` hold a name at an address (in ``main``'s columns) that ``pairs`` holds?"""
    return _made_of_record(main, row) in pairs


def _rows_of(stream: Iterator[Sequence[object]], main: RolePlan, passed: array[int], at: int
             ) -> Iterator[Sequence[object]]:
    """``stream`` as it is (its first row numbered ``at``), the numbers of the rows with a name and an address that
    would make a record kept in ``passed``."""
    for i, r in enumerate(stream, at):
        if _made_of_record(main, r) is not None:
            passed.append(i)
        yield r


def _spread_lead(name: str, main: RolePlan, sample: Sequence[Sequence[object]], first_row: int, header_at: int | None,
                 first_col: int, more: int) -> SheetFinding | None:
    """A table refused as names spread over places others live at (a landlord list without its header, an asset list's
    managers at branches): no person is counted, but its names beside addresses are personal data all the same, so the
    sheet is a lead (``names``) whose rows are all refused ``name-elsewhere``, never nothing (tables16). One name on
    every row of the sample under a header that calls it no name is no list of names but a word of the table's (a company
    registry's process column, 新規 on each company's row: wild19); with no header, or a name's, it is one person's rows
    (review19w). ``more``: such rows past the sample."""
    rows: list[tuple] = []
    count = more
    names: set[str] = set()
    base = first_row + (header_at + 1 if header_at is not None else 0)
    for i, r in enumerate(sample):
        if (pair := _made_of_record(main, r)) is not None:
            count += 1
            names.add(_name_key(pair[0]))
            if len(rows) < EXAMPLES:
                rows.append((base + i, 0, *pair))
    if not count or (len(names) == 1 and not _one_persons(main, header_at)):
        return None
    shown = {c: _header_only(t) for c, t in main.labels.items()}
    columns = {f: [shown.get(c) or column_letter(first_col + c) for c in main.cols[f]] for f in ("name", "address")}
    return SheetFinding(name, first_row + header_at if header_at is not None else None, columns, ["name", "address"],
                        ("name", "address"), rows, SheetKind.NAMES, ("",), {Rejection.NAME_ELSEWHERE: count}, count,
                        role_counts={"": count})


LABELLED_SHARE = 0.9  # of a column's filled cells that start with its label: "all or nearly all"
_LABEL_MARK = re.compile("[【:：]")  # what label_and_value needs in a cell before it can read a label


def _header_only(text: str) -> str:
    """A header cell's text as the outputs show it (unmasked, like a column letter): its label alone when the cell is
    written label：value (a sender line taken for the header, 「氏名：山田 太郎」: fix15b found the person's name,
    address and phone in the report's and findings.json's column names)."""
    split = label_and_value(text)
    return split[0] if split is not None else text


def _labelled_columns(head: Sequence[Sequence[object]]) -> dict[int, str] | None:
    """The columns of a header-less table whose filled cells all, or nearly all, start with one label of a field of
    ours (氏名：山田 太郎 | 住所：東京都… | 電話：03-…, TEL:, 【氏名】: a web form's export), by column (the label's
    :func:`normalise_header` key); None unless two columns are (a notes column with a few 備考： cells is none)."""
    if sum(1 for r in head[:10] for v in r if isinstance(v, str) and ("【" in v or ":" in v or "：" in v)) < 2:
        return None  # most sheets: no labelled cell in the first rows
    found: dict[int, str] = {}
    for c, column in enumerate(zip_longest(*head)):  # a short row's missing cells are None: no text
        texts = cast(list[str], list(filter(str.__instancecheck__, column)))
        joined = "\x1f".join(texts)  # fewer than two 【 or colons in the column (most columns): no two labelled cells
        if joined.count(":") + joined.count("：") + joined.count("【") < 2:
            continue
        vals: list[str] = [t for t in texts if t.strip()]  # the texts whose cell_text is not empty
        if (key := _column_label(vals)) is not None:
            found[c] = key
    return found if len(found) >= 2 else None


def _column_label(vals: Sequence[str]) -> str | None:
    """The label key that at least LABELLED_SHARE (and two) of a column's filled texts ``vals`` start with, when it
    is a header of ours. Such a key is the column's most common one; it cannot exist once more cells than the share
    leaves hold no label: a label's cell holds 【 or a colon (counted first, no cell parsed), and the cells are parsed
    only until that many failed (a column of times, 4月14日 11:00, stops after a tenth of its cells)."""
    need = max(2, LABELLED_SHARE * len(vals))
    if sum(1 for _ in filter(_LABEL_MARK.search, vals)) < need:
        return None
    room, missed = len(vals) - need, 0
    keys: Counter[str] = Counter()
    for v in vals:
        if (lv := label_and_value(v)) is not None and (key := normalise_header(lv[0])):
            keys[key] += 1
        elif (missed := missed + 1) > room:
            return None
    key, n = keys.most_common(1)[0] if keys else ("", 0)
    return key if n >= need and read_header(key) is not None else None


def _sender_line(plan: SheetPlan, row: Sequence[object], mapping: dict[int, Header]) -> Sequence[object] | None:
    """A header row written label：value (氏名：小川 花子 | 住所：… above a header-less list, read as its header) holding a
    name and an address that pass the row checks: the row with its values alone, a person of the list all the same
    (tables16; the outputs name the columns by the labels alone: _header_only); else None."""
    main = plan.role("")
    if main is None or not _labelled_header(row, mapping):
        return None
    line = _unlabelled(row, {c: normalise_header(lv[0]) for c, v in enumerate(row)
                             if (lv := label_and_value(v)) is not None})
    return line if _made_of_record(main, line) is not None else None


def _labelled_header(row: Sequence[object], mapping: dict[int, Header]) -> bool:
    """A "header" whose cells are each a label and its value (氏名：山田 太郎 reads as 氏名): a row of values."""
    return all(c < len(row) and label_and_value(row[c]) is not None for c in mapping)


def _unlabelled(row: Sequence[object], labels: dict[int, str]) -> Sequence[object]:
    """``row`` with each labelled column's cell reduced to its value (a cell without the column's label as it is)."""
    out = list(row)
    for c, key in labels.items():
        if c < len(out) and (lv := label_and_value(out[c])) is not None and normalise_header(lv[0]) == key:
            out[c] = lv[1]
    return out


def _labels_as_header(head: Sequence[Sequence[object]], labels: dict[int, str]
                      ) -> tuple[list[Sequence[object]], tuple[int, dict[int, Header]]] | None:
    """The rows with the columns' labels as a header row above their values, and that header, when it names a person
    table whose values are persons (else None: the sheet is read as it is)."""
    width = max(map(len, head), default=0)
    trial: list[Sequence[object]] = [[labels.get(c, "") for c in range(width)], *(_unlabelled(r, labels) for r in head)]
    found = find_header(trial[:1])
    if found is None or (plan := _plan_from_header(trial, 0, found[1])) is None or _kind(plan, trial[1:]) is None:
        return None
    return trial, found


def _without_names(data: Iterable[Sequence[object]], main: RolePlan, names: frozenset[str], refused: Counter[str]
                   ) -> Iterator[Sequence[object]]:
    """``data`` with the rows whose name is one of ``names`` (:func:`_names_elsewhere`) blanked (row numbers kept),
    counted in ``refused`` as ``name-elsewhere``."""
    for r in data:
        if (n := main.value(r, "name")) and _name_key(n) in names and main.value(r, "address"):
            refused[Rejection.NAME_ELSEWHERE] += 1
            yield ()
        else:
            yield r


def _rows_above(plan: SheetPlan, head: Sequence[Sequence[object]], header_at: int) -> Sequence[Sequence[object]]:
    """The rows above a one-row header when they are the table's own rows: a copy whose rows were sorted or shuffled
    with the header among them (header at row 10, nine persons above it were lost; tables13). Only when at least two
    rows are filled above it and every one of them holds a name and an address in the plan's columns (a title, notes,
    a two-row header or a printed page's heading holds none); else nothing."""
    main = plan.role("")
    if main is None or not {"name", "address"} <= set(main.cols) or _read_row(head[header_at - 1]):
        return ()  # no name and address of the row's own, or a row of header words above (a two-row header)
    above = head[:header_at]
    filled = [r for r in above if any(cell_text(v) for v in r)]
    if len(filled) < 2:
        return ()
    for r in filled:
        name, address = main.value(r, "name"), V.nfkc(main.value(r, "address"))
        if not V.looks_like_name(name) or not V.looks_like_address(address, strict=not address.isascii()):
            return ()
    return above


# A sheet in which the sample rows (HEADER_SCAN_ROWS + SAMPLE_ROWS) show no person table may still hold one further
# down: below hundreds of blank rows, a product list, a log (issue 11). Its rows past the sample are not classified
# one by one; they pass, LATER_BLOCK at a time, through one regular expression over the block's text cells
# (:func:`_text`: C-level maps, no Python work per cell), which looks for what a person table shows in its rows: a
# name or address header word, an address (a prefecture and a municipality, or a municipality with a block number),
# a postal code, a phone number, an e-mail address, an era date (:data:`_HINTS`). A block without any is passed
# over. At the first row with one, the hinted rows just above it (a table that starts inside the sample) and, when
# there are none, LATER_CONTEXT rows (a header in words that are no hint) are taken with it, and from there the rows
# are classified as a sheet of their own, with the sheet's row numbers. When that finds nothing, the search goes on
# below the rows it classified: a sheet costs at most one classification of a sample per sample's rows read, and a
# sheet without any hint one pass of the expression. Below a header that names no person table (an inventory, a
# list of officials: its rows may hold addresses and names that are no persons) only a row that is a header
# naming a name and an address starts a table (:data:`_HEADER_HINT`), searched from the rows under the header
# search on. A sheet that ends inside its sample is classified as before (a header-less table below a product
# list inside the first 520 rows is not searched for: the share's sheets would pay the search; below a header naming
# things, the shape search starts one where the list's rows end: :func:`_list_shapes`). A refused window whose
# last rows turn to addresses or phones is tried again from there (:func:`_rows_turn`), within the shape search's
# budget of refused trial rows.
LATER_BLOCK = 256
LATER_CONTEXT = HEADER_SCAN_ROWS - 1  # the hit row itself stays within the window's header search (find_header)
_D = "\\d０-９"


class _AnyOf:
    """Expressions searched one after another, each led by a literal: ``re`` finds a literal prefix by a C-level
    search, while an expression led by a character set tries its branches at every character the set holds. The
    Latin field names were one expression led by [NnAaSsZzPpEe]: 0.3-0.6 us a letter of English text and ~110 ms a
    row of 170,000 a's, so SheetJS large_strings.xlsb (rows of "a" x 1..9,999, 17 columns) was listed timeout after
    120 s with two of its sheets unread (wild17); led by literals, ~1 ms."""

    def __init__(self, *patterns: str) -> None:
        self.expressions = tuple(map(re.compile, patterns))

    def search(self, text: str) -> re.Match[str] | None:
        return next((m for rx in self.expressions if (m := rx.search(text)) is not None), None)


# over the text cells joined by \x1f (:func:`_text`; \s and [^\x1f] keep a match within one cell). Python's ``re`` runs
# an alternation branch by branch at every position, so the hints are four expressions, each starting with one
# character set (``re`` then skips to a candidate in C), and the first two run only where a cheaper set finds a
# candidate: names of fields and era dates, addresses, postal codes and phone numbers, Latin field names.
_HINTS = (
    (re.compile("[氏名姓住所フふ郵〒電連宛生送届保世メ昭平大令@]"),
     re.compile(r"氏名|名前|姓名|住所|所在地|フリガナ|ふりがな|郵便番号|〒|電話|連絡先|宛名|宛先|生年月日|送付先|届け先|保護者|"
                f"世帯主|メール|(?:昭和|平成|大正|令和)[元{_D}]|@[\\w-]+\\.")),
    (re.compile("[都道府県市区町村郡]"),
     re.compile(r"[都道府県市区町村郡](?:(?<=[都道府県])(?=[^\s\d]{0,6}[市区町村郡])"
                f"|(?<=[^\\s\\d][市区町村郡])(?=[^\x1f]{{0,12}}(?:[{_D}]|[一二三四五六七八九十]+丁目|番地)))")),
    (None,  # 184-0004, 03-1234-5678, (03)1234-5678 after a digit; an ISO date (2019-06-14) is none
     re.compile(f"[-－‐ー](?<=[{_D}][-－‐ー])(?:[{_D}]{{4}}(?![{_D}])|[{_D}]{{1,4}}[-－‐ー)）][{_D}]{{3,4}}(?![{_D}]))")),
    (None, _AnyOf(  # Latin field names, each led by a literal part of it (wild17: see _AnyOf)
        "ame(?<=[Nn]ame)", "AME(?<=NAME)", "ddress(?<=[Aa]ddress)", "DDRESS(?<=ADDRESS)", "treet(?<=[Ss]treet)",
        "TREET(?<=STREET)", "ip(?<=[Zz]ip)", "IP(?<=ZIP)", "ostcode(?<=[Pp]ostcode)", "hone(?<=[Pp]hone)",
        "HONE(?<=PHONE)", "ail(?:(?<=[Ee][Mm]ail)|(?<=[Ee]-[Mm]ail))", "AIL(?:(?<=EMAIL)|(?<=E-MAIL))")),
)


def _hint(text: str) -> bool:
    """Whether ``text`` holds a person table's hint (:data:`_HINTS`)."""
    return any((pre is None or pre.search(text)) and rx.search(text) for pre, rx in _HINTS)


# below a table whose header names no persons, a new table's header: a name and an address header word in one row
# (spaced as on printed forms: 氏　名, 住　所 - find_header drops the spaces; no NFKC here: it costs more than the search)
_HEADER_HINT = (re.compile("[氏名姓宛住NnAaシナジ]"),
                re.compile("氏[ 　]*名|名[ 　]*前|姓[ 　]*名|宛[ 　]*名|住[ 　]*所|[Nn]ame|NAME|[Aa]ddress|ADDRESS"
                           "|シメイ|ナマエ|ジュウショ"))
# half-width kana (a host system's ｼﾒｲ | ｼﾞｭｳｼｮ): only a text holding some is NFKC-normalised before the words are tried
_HALF_KANA = re.compile("[\uff66-\uff9f]")


# a part of every word of _HEADER_HINT[1] (氏[ 　]*名 holds 氏, [Nn]ame holds ame, ...): a text holding none of them
# has no match, found by C-level substring searches (the alternation is tried at each character: ~70 us a text of
# 3 KB, while most later blocks' texts hold a letter of _HEADER_HINT[0], 名 of 品名 or an a, and none of the words)
_HINT_PARTS = ("氏", "名", "姓", "宛", "住", "ame", "NAME", "ddress", "DDRESS", "シメイ", "ナマエ", "ジュウショ")


def _header_hint(text: str) -> bool:
    if (_HEADER_HINT[0].search(text) is not None and any(w in text for w in _HINT_PARTS)
            and _HEADER_HINT[1].search(text) is not None):
        return True
    return _HALF_KANA.search(text) is not None and _header_hint(unicodedata.normalize("NFKC", text))


def _text(rows: Sequence[Sequence[object]]) -> str:
    """The text cells of ``rows`` joined (numbers and dates hold no hint): C-level maps, no Python work per cell (one
    filter by ``str.__instancecheck__``, which is ``isinstance(cell, str)``: faster than a list and ``compress``)."""
    return "\x1f".join(cast(Iterator[str], filter(str.__instancecheck__, chain.from_iterable(rows))))


def _head_texts(head: Sequence[Sequence[object]]) -> tuple[str, str]:
    """:func:`_text` of the header search's rows and of the rows below them: made once for a sheet's first rows, for
    the label cell test (:func:`has_label_cell`) and the later search's first pass (:func:`later_hint`)."""
    return _text(head[:HEADER_SCAN_ROWS]), _text(head[HEADER_SCAN_ROWS:])


def later_hint(rows: Sequence[Sequence[object]], headers_only: bool = False, text: str | None = None) -> int | None:
    """The index of the first of ``rows`` whose cells hold a person table's hint (:data:`_HINTS`), or None;
    ``headers_only``: the first that is a header naming a name and an address (:func:`find_header`). ``text``:
    ``_text(rows)`` when the caller has it."""
    hint = _header_hint if headers_only else _hint
    if not hint(_text(rows) if text is None else text):  # one pass over the block: most blocks end here
        return None
    for i, r in enumerate(rows):
        if hint(_text((r,))) and (not headers_only or _names_person_header(r)):
            return i
    return None


def _names_person_header(row: Sequence[object]) -> bool:
    found = find_header([row])
    return found is not None and {"name", "address"} <= {_base(h.field) for h in found[1].values() if not h.role}


def _later_table(name: str, head: Sequence[Sequence[object]], stream: Iterator[Sequence[object]], first_row: int,
                 first_col: int, headers_only: bool = False, rest_text: str | None = None, where: list[int] | None = None,
                 theirs: Callable[[Sequence[object]], bool] | None = None, header_at: int | None = None
                 ) -> SheetFinding | None:
    """A person table below the sample rows of a sheet in which they showed none (see :data:`_HINTS`): the first
    one found, its rows numbered as in the sheet; None when there is none (then every row was read once).
    ``rest_text``: ``_text(head[HEADER_SCAN_ROWS:])`` when the caller has it (:func:`_head_texts`). ``where`` is given
    the found table's first row, the row after its last (numbered from head's first) and how many of its rows were
    ``theirs``: rows of a lead (a name at a place the lead's sample held it) that a window reads as blank rows. A
    header-less shift roster sorted by staff is a lead; a window holding one staff member's run (one name at his
    store) was a table of 30 false persons (fix18b, tables19). When ``where`` is not asked, a table that ended where
    the list resumed is followed by the search below it: the tables found are given as one. ``header_at``: the header
    row in ``head`` (it and the rows above it are no row of the list, :func:`_list_shapes`)."""
    rows: list[Sequence[object]] = list(head)
    # where the search goes on in ``rows`` (``done``: rows of the sheet before ``rows``): below a header, from the
    # rows under the header search (a second table's header); else past the sample (its rows were classified)
    at = HEADER_SCAN_ROWS if headers_only else len(rows)
    done = 0
    lo = 1  # the hinted rows above a hit are walked back to here at most (not into a window already classified)
    pin: int | None = None  # a name+address header inside a window that found nothing: the next window starts there
    pin_again = False  # the pin is a second trial inside a refused window (:func:`_rows_turn`)
    pin_values: set[str] = set()  # then the values of the list's rows above it (:func:`_until_the_list_repeats`)
    values: set[str] = set()  # the window's: the pin's values when it is a second trial
    known: set[tuple[str, ...]] = set()  # below a header naming no persons: the shapes of its list's rows
    spent = 0  # rows classified in refused trials: shape windows and second trials inside a refused window
    # (their cost: _shape_allowance)
    bases: dict[tuple[int, ...], SheetFinding | None] = {}  # the list's own rows read header-less, per set of them
    list_shapes: set[tuple[str, ...]] = set()  # the list's shapes around a header-less table found between its rows
    again = False  # the window is a second trial inside a refused one (:func:`_rows_turn`): refused, it is spent
    got: SheetFinding | None = None  # the tables found in windows that ended where the list resumed
    # rows[HEADER_SCAN_ROWS:clear] are known to hold no header hint (the search below, over all of them, found none):
    # later_hint over some of them, headers only, finds none either (a block's text is a part of theirs, each of its
    # rows one of theirs), so _next_window does not search them again while ``rows`` is this list
    clear = 0
    if (h := later_hint(rows[HEADER_SCAN_ROWS:], headers_only=True, text=rest_text)) is not None:
        # the sample held no person table, but a name+address header below its header search (past row 100 under
        # another list: the sample read as one table, the list's rows outweighed the persons' by value, and below a
        # header naming no persons the table's own shapes, known from the sample, ended its window) starts the first
        # window: a member list under a 110-row inventory ended as nothing (review13d)
        pin = HEADER_SCAN_ROWS + h
    else:
        clear = len(rows)
        if not headers_only and _contact_hint(rest_text if rest_text is not None and len(rows) > HEADER_SCAN_ROWS
                                              else _text(rows)) and (t := _rows_turn(rows)) is not None:
            # the sample refused as one table may end in one, below rows holding no hint (a header-less list of
            # members under a stock list of 100 rows ended as nothing): tried from there, ending where the list resumes
            pin, pin_again, pin_values = t, True, _list_values(rows[:t])
    while True:
        if headers_only and not known:  # the list's rows (a shape seen once is its header's or a title's)
            known = _list_shapes(head, header_at)
        if pin is not None:
            start, pin, again = pin, None, pin_again
            values, pin_values = (pin_values if again else set()), set()
        elif (start_at := _next_window(rows, at, lo, headers_only, done,
                                       known if spent < _shape_allowance(done + at) else None, clear)) is None:
            block = list(islice(stream, LATER_BLOCK))
            if not block:
                return got
            # the rows above a hit: the whole sample (a table may start in it), then the last rows read
            keep = rows if done == 0 and len(rows) == len(head) else rows[max(0, len(rows) - LATER_CONTEXT):]
            if keep is not rows:
                clear = 0  # the rows move: what was known of their places is not said of the new list
            dropped = len(rows) - len(keep)
            done, lo = done + dropped, max(0, lo - dropped)
            rows, at = [*keep, *block], len(keep)
            continue
        else:
            start, at = start_at
            if start < 0:
                continue
            if headers_only:
                window, cost = _shaped_window(rows, start, known), [0]
                if not _another_list(name, head, window, known, first_row + done + start, first_col, bases, cost):
                    known |= {_shape(r) for r in window}
                    spent += cost[0]
                    # the search goes on below the refused window's first row: a hint row whose window is empty (the
                    # list's own shapes right under it) was found again and again (a scan hung on a 60-row sheet)
                    at = max(at, start + max(1, len(window)))
                    continue
                if window and later_hint(window[:1], headers_only=True) is None:  # a header-less table between rows
                    list_shapes = known - {_shape(r) for r in window}
        taken: list[Sequence[object]] = []
        read = [0, 0]  # rows read by the window, of them the lead's (``theirs``: read as blank rows)

        def kept(source: Iterator[Sequence[object]], taken: list[Sequence[object]] = taken, read: list[int] = read
                 ) -> Iterator[Sequence[object]]:
            for r in source:
                if len(taken) < HEADER_SCAN_ROWS + SAMPLE_ROWS:
                    taken.append(r)
                read[0] += 1
                if theirs is not None and theirs(r):
                    read[1] += 1
                    r = []
                yield r

        ahead: Iterable[Sequence[object]] = chain(rows[start:], stream)
        back: list[Sequence[object]] = []  # the rows read past a table that ends where the list resumes
        if list_shapes - {()}:  # a header-less table found between the list's rows ends where they resume
            ahead = _until_the_list_resumes(ahead, list_shapes, back)
        list_shapes = set()
        if again:  # a table found inside a refused window, of the list's own cell layout, ends where the list resumes
            ahead = _until_the_list_repeats(ahead, values, back)
        found = analyse_sheet(name, kept(iter(ahead)), first_row + done + start, first_col, later=False)
        if found is not None:
            if where is not None:
                where += [done + start, done + start + read[0], read[1]]
                return found
            got = found if got is None else _both_tables(got, found)
            if not back:
                return got
            # the table ended where the list resumes: the search goes on below it (its rows were read by no table:
            # a second list of members under the inventory's next rows was lost, tables19). The rows read past it
            # are held again; those of ``rows`` after them are still there
            end = start + read[0]
            rows, at, lo, clear, done = [*back, *rows[end + len(back):]], 0, 0, 0, done + end
            again, pin, pin_again = False, None, False
            if headers_only:
                known |= {_shape(r) for r in back}
            continue
        if again:
            spent, again = spent + len(taken), False
        if not headers_only and (find_header(taken) or _later_header(taken) or _things_first(taken)):
            headers_only = True  # below a header naming no persons only a header of its own starts a table, as below
            # the sample's (analyse_sheet): the rest of a facility list (施設名 | 施設長 | 所在地) is no person table
        if headers_only:  # the rows of the list this window read are no new table further down
            known |= {k for k, n in Counter(map(_shape, taken)).items() if n > 1}
        # nothing there: the search goes on below the rows that were classified (only their sample was read). The
        # window may end inside the rows held (the sample and a block: their rest is searched, not skipped), or
        # have read on in the stream (its rows past ``taken`` are counted, not held)
        done += start
        clear = 0  # ``rows`` is replaced below
        if start + read[0] <= len(rows):
            rows, at = rows[start:], read[0]
        elif read[0] == len(taken):
            rows, at = taken, len(taken)
        else:
            done += read[0]
            rows, at = [], 0
        lo = at
        # a name+address header below the rows a window tries for one (its header search and _later_header's rows)
        # starts the next window (a person table right under a header-less list of hints); at least LATE_HEADER_ROWS
        # rows on, so a sheet of such headers costs at most a few classifications per sample's rows
        pin_again = False
        if rows and (h := later_hint(rows[LATE_HEADER_ROWS:at], headers_only=True)) is not None:
            pin = LATE_HEADER_ROWS + h
        # the refused window's rows (held: rows[:at]) may have run into a header-less table below the list's rows, in
        # the list's own cell layout (no new shape): it was refused for the list's rows above it, and the search went
        # on below it, so the table's rows inside it were never tried again (98 of 200 persons below a 900-row
        # inventory; review13d). Where its last rows turn to addresses or phones a second trial starts, paid from the
        # shape search's budget of refused trial rows (a list whose rows turn often costs a few samples more, no more)
        if (rows and at and not headers_only and spent < _shape_allowance(done + at)
                and (t := _rows_turn(rows[:at])) is not None and (pin is None or t < pin)):
            pin, pin_again, pin_values = t, True, _list_values(rows[:t])


def _contact_hint(text: str) -> bool:
    """Whether ``text`` holds an address's or a phone number's hint (:data:`_HINTS`)."""
    return any((pre is None or pre.search(text)) and rx.search(text) for pre, rx in _HINTS[1:3])


def _holds_a_contact(row: Sequence[object]) -> bool:
    """Whether a cell of ``row`` is an address or a phone number (a person row's; an inventory's shelf or 電話機 is
    neither). The row's text is first searched for the address and phone hints (:data:`_HINTS`: C-level, most rows
    of a list end there)."""
    return bool(_contacts(row))


def _contacts(row: Sequence[object]) -> list[str]:
    """The cells of ``row`` that are an address or a phone number (:func:`_holds_a_contact`)."""
    if not _contact_hint(_text((row,))):
        return []
    return [v for v in row if isinstance(v, str) and (V.looks_like_phone(v) or V.looks_like_address(v, strict=True))]


def _list_values(rows: Sequence[Sequence[object]]) -> set[str]:
    """The text cells of a list's rows that are not numbers (an inventory's 品名, 保管場所, 担当者名: values its rows
    hold again and again; a person's name, address and phone are his own)."""
    return {v for r in rows for v in r if isinstance(v, str) and v and not v.isdigit()}


def _of_the_list(row: Sequence[object], values: set[str]) -> bool:
    """Whether ``row`` holds two or more of the list's own values (:func:`_list_values`) and no address or phone that
    is none of them: a row of the list again (a borrower's row holds the list's item and staff beside his own address
    and phone: review14a). (``values`` holds texts only: a number cell is never one of them.)"""
    return sum(map(values.__contains__, row)) >= 2 and not _own_contacts(row, values)


def _own_contacts(row: Sequence[object], values: set[str]) -> list[str]:
    """The addresses and phones of a row holding the list's values that are none of them, when none of those values
    is an address or a phone: a borrower's row holds the list's item and staff beside his own address and phone; an
    inventory's row at a place first seen holds the list's item and its branch phone again, or its staff and no
    address of its own (review14a)."""
    if not any(isinstance(v, str) and len(v) >= 7 and v not in values for v in row) or not (
            own := _contacts([v for v in row if v not in values])):
        return []  # most rows of a list: all its texts are its values, or none of the others is a contact
    return [] if _contacts([v for v in row if v in values]) else own


def _rows_turn(window: Sequence[Sequence[object]]) -> int | None:
    """In a refused window, where a table of the list's cell layout starts between or below the list's rows: the
    first of SHAPE_RUN rows in a row (blank rows aside), below the window's first hinted row (the hit that opened it,
    :func:`_hint`) and under a row of the list, that each hold an address or a phone and fewer than two of the
    values of the list's rows above them (:func:`_of_the_list`: a person's name, address and phone are his own; an
    inventory's item and staff come again) or of those and the addresses and phones of the run's rows before them (one
    phone typed on every row comes again). A row of the run whose address or phone an earlier row of the run held
    (a household's second member; that phone typed again) neither counts nor ends the run, nor does a row with no
    contact and fewer than two of the list's values, one for each row of the run at most (a note under a person);
    values other than contacts repeated down the run (the same care manager, town or status on every person's row)
    do not count (review14a). None when there is none: a window whose rows hold addresses throughout, or never, or a list whose
    places are addresses on some rows (its rows hold its item names and staff again beside them: no table)."""
    if (hit := next((i for i, r in enumerate(window) if _hint(_text((r,)))), None)) is None:
        return None
    if not _contact_hint(_text(window[hit + 1:])):  # one pass over the window's text: most lists end here
        return None
    if hit and _contacts_from(window, hit):
        return hit  # a table right under rows of a list that hold no hint at all (600 stock rows, then 18 members)
    values = _list_values(window[:hit + 1])
    run: list[int] = []
    ran: set[str] = set()  # the values of the run's rows
    listed = False  # a row of the list (not a turning row) came after the hit
    notes = 0  # rows between the run's that hold no contact and fewer than two of the list's values
    for i in range(hit + 1, len(window)):
        row = window[i]
        if len(row) - row.count("") - row.count(None) < 2:
            continue  # a blank row (or one cell) inside the table or between it and the list
        seen = sum(map(values.__contains__, row))
        contacts = _contacts(row) if seen < 2 else _own_contacts(row, values)
        turning = bool(contacts)
        if turning and listed and run and (repeats := sum(map(ran.__contains__, contacts))) and seen + repeats >= 2:
            ran |= _list_values((row,))  # a contact of the run's again (a household's; one phone typed again)
            continue
        if turning and listed:
            run.append(i)
            if len(run) == SHAPE_RUN:
                return run[0]
            ran |= _list_values((row,))
            continue
        if run and seen < 2 and notes < len(run):  # a note under a person (訪問日 | 要介護2), one a person at most
            notes += 1
            ran |= _list_values((row,))
            continue
        listed = listed or not turning
        if run:
            values |= ran
            run, ran, notes = [], set(), 0
        if seen < 2:  # a row the list's values did not tell: its values are the list's from now on
            values |= _list_values((row,))
    return None


def _contacts_from(window: Sequence[Sequence[object]], at: int) -> bool:
    """Do the SHAPE_RUN filled rows from ``at`` on (blank rows aside) each hold an address or a phone?"""
    filled = (r for r in window[at:] if len(r) - r.count("") - r.count(None) >= 2)
    run = list(islice(filled, SHAPE_RUN))
    return len(run) == SHAPE_RUN and all(map(_holds_a_contact, run))


def _until_the_list_repeats(rows: Iterable[Sequence[object]], values: set[str], back: list[Sequence[object]]
                            ) -> Iterator[Sequence[object]]:
    """``rows`` up to SHAPE_END rows in a row (blank rows aside) that hold the list's own values again
    (:func:`_of_the_list`): a table found inside a refused window of the list's cell layout ends where the list
    resumes. Read on, the list's rows below it were that table's rows (ホワイトボード | 本社倉庫1番棚 | 高橋: 1,000 false
    persons below 200; tables14). Rows without an address or a phone do not end it (members without contacts).
    Where it ends, the rows read past the table (the list's again) are given in ``back``."""
    held: list[Sequence[object]] = []
    run = 0
    for r in rows:
        if _of_the_list(r, values):
            held.append(r)
            run += 1
            if run == SHAPE_END:
                back += held
                return
            continue
        if len(r) - r.count("") - r.count(None):
            yield from held
            held.clear()
            run = 0
            yield r
        else:
            held.append(r)
    yield from held


def _shape(row: Sequence[object]) -> tuple[str, ...]:
    """Which cells of a row are filled, and with numbers (digits typed as text too: CSV) or text."""
    out: list[str] = []
    add = out.append
    for v in row:  # (issue 11: a cell of exactly str, float or int told by its type first, one test each; any other
        t = type(v)  # type by the isinstance chain as before: ~0.6 us a row instead of ~1.3, every sampled row)
        if t is str:
            add("n" if v.isdigit() else "s" if v else "")  # type: ignore[attr-defined]
        elif t is float or t is int:
            add("n")
        else:
            add("" if v is None or v == "" else "n" if isinstance(v, int | float) or (isinstance(v, str) and v.isdigit())
                else "s")
    end = len(out)
    while end and not out[end - 1]:
        end -= 1
    return tuple(out[:end]) if end < len(out) else tuple(out)


SHAPE_RUN = 3  # rows of a new shape in a row that start a header-less table below a header naming no persons
# rows of a block whose shape is looked at: a table of this many rows or more is always seen. It was 8: a table of 3-7
# rows between the list's rows was missed (tables13); a shape is a tuple per row, SHAPE_RUN rows apart
SHAPE_STRIDE = SHAPE_RUN
SHAPE_END = 8  # rows of the list's known shapes in a row that end a table found between its rows
# What the shape search may spend below one list on trial classifications of windows it refuses, in rows classified:
# SHAPE_FLOOR rows, and one row in SHAPE_SHARE of the rows read. A list whose rows rarely share a shape (checks marked
# at random in 16 columns) starts a window every few hundred rows, each a trial of ~520 rows: unbounded, 1,000,000
# rows took hours (review11c #2); a count of windows (4, session 11) missed a table below five small other tables.
SHAPE_FLOOR = 8 * (HEADER_SCAN_ROWS + SAMPLE_ROWS)
SHAPE_SHARE = 256


def _shape_allowance(read: int) -> int:
    """Rows the shape search may classify in refused trials once ``read`` rows of the sheet were read."""
    return SHAPE_FLOOR + read // SHAPE_SHARE


def _shaped_window(rows: Sequence[Sequence[object]], start: int, known: set[tuple[str, ...]]) -> list[Sequence[object]]:
    """The rows of a shape window tried as a table of its own: from ``start``, up to a sample's rows, ending before
    SHAPE_END rows in a row of the list's known shapes (a small other table between runs of the list's rows costs
    its own rows, not a whole sample's)."""
    end = min(len(rows), start + HEADER_SCAN_ROWS + SAMPLE_ROWS)
    run = 0
    for i in range(start, end):
        run = run + 1 if _shape(rows[i]) in known else 0
        if run == SHAPE_END:
            return list(rows[start:i + 1 - SHAPE_END])
    return list(rows[start:end])


def _until_the_list_resumes(rows: Iterable[Sequence[object]], known: set[tuple[str, ...]],
                            back: list[Sequence[object]]) -> Iterator[Sequence[object]]:
    """``rows`` up to SHAPE_END rows in a row of the list's known shapes (not given): a table found between the list's
    rows ends there. Read on, the list's own rows below it were that table's rows: its 担当者名 and 保管場所 became
    persons, the table's own rows rejected (a 5-row table inside an inventory: 296 false persons; tables13). Where
    it ends, the rows read past the table (the list's again) are given in ``back``."""
    held: list[Sequence[object]] = []
    for r in rows:
        if _shape(r) in known:
            held.append(r)
            if len(held) == SHAPE_END:
                back += held
                return
            continue
        yield from held
        held.clear()
        yield r
    yield from held


def _top_header(head: Sequence[Sequence[object]]) -> int | None:
    """The first row of two cells or more among a sheet's first rows when it is a header of header words (two at least,
    half its filled cells: 品名 | 数量 | 保管場所, which find_header does not take, naming no person); None else."""
    for i, row in enumerate(head[:HEADER_SCAN_ROWS]):
        filled = len(row) - row.count("") - row.count(None)
        if filled < 2:
            continue  # a blank row or a title above it
        labels = sum(_label_at(row, c) for c in range(len(row)))
        return i if labels >= HEADER_OF_THINGS_LABELS and labels * 2 >= filled else None
    return None


def _list_shapes(head: Sequence[Sequence[object]], header_at: int | None = None) -> set[tuple[str, ...]]:
    """The shapes of the list's own rows in a sheet's first rows (below a header naming no persons): those seen twice or
    more above the first run of SHAPE_RUN rows, each with two cells filled, of shapes no row above it had, holding a
    hint (:func:`_new_shape`'s run), once the list has a shape seen twice (or, a list of 1-2 rows, a row under its
    header: its rows' shapes then), when the list's shapes come back below it only where the list resumes
    (:func:`_between_rows`) and the run's rows are no list rows with cells left blank or more filled (:func:`_within`).
    A list whose rows change shape (担当者名 | 住所 | 備考 with a note now and then, or on its first rows only) keeps every
    shape it has. Counted over every first row, the shape of a header-less person table starting inside them was the
    list's: 200 persons under 5-215 product rows were no hit (speed21), under 1-2 rows or with rows of the list
    below them too (review21s). The header row (``header_at``) and the rows above it are no row of the list: 品名 |
    数量 | 保管場所 is all text, as a member's row 氏名 | 住所 | 電話 is, and its shape, seen again on the members' rows,
    was taken for the list's: 40 members under 10-30 items were no hit (review21t)."""
    shapes = list(map(_shape, head))
    if header_at is None:
        header_at = _top_header(head)
    for i in range(0 if header_at is None else header_at + 1):
        shapes[i] = (f"#{i}",)  # a header's or a title's: a shape of its own
    counts = Counter(shapes)
    first: dict[tuple[str, ...], int] = {}  # each shape's first row, in order (C-level searches, no Python work a row)
    at = 0
    for shape in dict.fromkeys(shapes):
        first[shape] = at = shapes.index(shape, at)
    top = next((i for k, i in first.items() if k.count("") < len(k) - 1), len(shapes))  # the header's row
    # the list has begun at its second row of a shape seen before, or at its second row (a list of 1-2 rows)
    again = min((shapes.index(k, i + 1) for k, i in first.items() if counts[k] > 1), default=len(shapes))
    begun = min(again, top + 1)
    for i in first.values():  # a run can start only where a shape is met for the first time
        run = shapes[i:i + SHAPE_RUN]
        if (i > begun and len(run) == SHAPE_RUN and all(first[r] >= i for r in run)
                and all(sum(1 for v in r if v not in ("", None)) >= 2 for r in head[i:i + SHAPE_RUN])
                and _hint(_text(head[i:i + SHAPE_RUN]))):
            above = Counter(shapes[:i])
            listed = ({k for k, n in above.items() if n > 1 and k.count("") < len(k) - 1}
                      or {k for k in shapes[top + 1:i] if k.count("") < len(k) - 1})  # a list of rows each its own
            if ((listed or i > again) and not any(_within(a, b) or _within(b, a) for a in set(run) for b in listed)
                    and not _between_rows(shapes, i, listed, above) and _a_list(shapes[begun:i], above, listed)):
                return {k for k, n in above.items() if n > 1} | listed  # the list's rows end there
    return {k for k, n in counts.items() if n > 1} or {()}


def _within(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Is every filled cell of shape ``a`` filled alike in ``b`` (a list's row with a cell left blank: 担当者名 | 住所 |
    備考 without its note; under a header that names them, rows of the list's own cells are no table of their own)?"""
    return all(not t or (c < len(b) and b[c] == t) for c, t in enumerate(a))


def _between_rows(shapes: Sequence[tuple[str, ...]], at: int, listed: set[tuple[str, ...]],
                  above: Container[tuple[str, ...]]) -> bool:
    """Do the list's shapes (``listed``: two cells filled at least) come back below ``at`` only now and then between
    rows of shapes none of the rows ``above`` had, fewer than SHAPE_END in a row (担当者名 | 住所 | 備考 with 異動 every
    7th row: the plain rows are the list's too)? A list that resumes under a table (SHAPE_END rows in a row, or to the end of the rows: one
    more product, a total row) does not: any list shape below made the table's shape the list's, and 200
    header-less persons under a short product list were no hit when one product row followed them (review21s)."""
    run = new = 0
    for shape in shapes[at:]:
        if shape in listed:
            if new >= SHAPE_END:  # SHAPE_END new rows in a row before it: a table of their own that the list's rows
                return False  # interrupt (a section's items or subtotals between persons, tables24), not its notes
            new, run = 0, run + 1
            if run == SHAPE_END:
                return False
        elif shape not in above and shape.count("") < len(shape) - 1:
            if run:  # the new rows go on: between them
                return True
            new += 1
    return False


LIST_SHARE = 0.9  # of the rows (two cells filled) between a list's start and a run of new shapes, those of its shapes


def _a_list(shapes: Sequence[tuple[str, ...]], above: Counter[tuple[str, ...]], listed: set[tuple[str, ...]]) -> bool:
    """Whether the rows above a run of new shapes are a list whose rows end there: nearly all of them (LIST_SHARE) of
    shapes seen twice or the list's own (``listed``: a list of 1-2 rows, review21s). A statistics appendix of many
    small tables side by side (ExcelDataReader's METI link coefficients: 51 shapes in 93 rows, 70 % of them seen
    twice) is no list: a run of its rows is no table's start (8 regions, 東　北 / 関　東, were persons: sweep21)."""
    rows = [k for k in shapes if sum(1 for v in k if v) >= 2]
    known = {k for k, n in above.items() if n > 1} | listed
    return sum(1 for k in rows if k in known or any(_within(k, b) or _within(b, k) for b in listed)
               ) >= LIST_SHARE * len(rows)  # (a list row with its note left blank or filled is the list's: _within)


def _new_shape(block: Sequence[Sequence[object]], known: set[tuple[str, ...]]) -> int | None:
    """Below a header naming no persons (an inventory: its 担当者名 and 保管場所 are no persons), the first row of a
    header-less table of another shape (names, kana, addresses ... where the list has names and numbers) whose rows
    hold a person table's hint: SHAPE_RUN rows of shapes the list above never had. Only every SHAPE_STRIDE-th row is
    looked at first (the list's own rows cost a tuple each per stride, no more)."""
    prev = 0
    for i in [*range(0, len(block), SHAPE_STRIDE), len(block) - 1]:
        if i < prev or _shape(block[i]) in known:
            prev = i + 1
            continue
        j = i
        while j > prev and _shape(block[j - 1]) not in known:
            j -= 1
        while j < i and sum(1 for v in block[j] if v not in ("", None)) < 2:
            j += 1  # blank rows or a title between the list and the table: the table starts after them
        run = block[j:j + SHAPE_RUN]
        if (len(run) == SHAPE_RUN and all(_shape(r) not in known for r in run) and _hint(_text(run))
                and all(sum(1 for v in r if v not in ("", None)) >= 2 for r in run)):
            return j
        prev = i + 1
    return None


def _sinkless(name: str, rows: Sequence[Sequence[object]], first_row: int, first_col: int) -> SheetFinding | None:
    token = RECORD_SINK.set(None)  # a trial: no record of it goes to the scan's store
    try:
        return analyse_sheet(name, iter(rows), first_row, first_col, later=False)
    finally:
        RECORD_SINK.reset(token)


def _another_list(name: str, head: Sequence[Sequence[object]], window: Sequence[Sequence[object]],
                  known: set[tuple[str, ...]], first_row: int, first_col: int,
                  bases: dict[tuple[int, ...], SheetFinding | None] | None = None, cost: list[int] | None = None) -> bool:
    """Below a header naming no persons, is a window of rows of a new shape (:func:`_new_shape`) a person table of its
    own, and not more rows of the list under the header (an inventory's rows with a remark column filled: its
    担当者名 and 保管場所 read without their header would be persons)? A header row always is tried. Else the window,
    read without a header, must be a person table whose name and address columns are not those the list's own rows
    give when read without their header; when those give none, its rows must not be the list's own with more of its
    header's columns filled (:func:`_fills_its_header`). ``cost[0]`` gets the rows classified for it (the list's own
    rows once per set of them: ``bases`` keeps what they gave)."""
    if later_hint(window[:1], headers_only=True) is not None:
        return True
    cost = cost if cost is not None else [0]
    cost[0] += len(window)
    trial = _sinkless(name, window, first_row, first_col)
    if trial is None or trial.header_row is not None:
        return trial is not None
    if trial.kind == SheetKind.NAMES and _one_value_for_all(trial):
        return False  # ZONE NORD on every row, or one shop's e-mail beside each town: the list's labels, no persons
    at = _things_header(head)
    header = head[at] if at is not None else _first_filled(head)[0]
    at_own = tuple(i for i, r in enumerate(head) if _shape(r) in known)[:SAMPLE_ROWS]
    own = [head[i] for i in at_own]
    if (same := _same_kind_as_places(trial, header, own)) is not None:
        return not same
    staff = {column_letter(first_col + c) for c, v in enumerate(header) if is_staff_header(v)}
    things = {column_letter(first_col + c) for c, v in enumerate(header) if is_excluded(v)}
    if set(trial.columns.get("name", ())) <= staff and set(trial.columns.get("address", ())) <= things:
        return False  # its names are under the list's 担当者名, its addresses under 保管場所: the list's own rows
    bases = bases if bases is not None else {}
    if at_own not in bases:
        cost[0] += len(own)
        bases[at_own] = _sinkless(name, own, first_row, first_col) if own else None
    base = bases[at_own]
    if base is None:  # the list's rows give no columns to compare: its rows with more of its header's columns filled?
        return not _fills_its_header(window, known, header)
    return any(trial.columns.get(f) != base.columns.get(f) for f in ("name", "address"))


def _one_value_for_all(trial: SheetFinding) -> bool:
    """A lead window (names without addresses) whose names are one value on every row, or whose every other field is
    (a gas list's ZONE NORD | e-mail, its towns beside the distributor's one e-mail: SheetJS ex45698-22488, tables13)."""
    rows = trial.rows[:EXAMPLES]
    if len(rows) < SHAPE_RUN:
        return False
    at = trial.keys.index("name") + 2 if "name" in trial.keys else -1
    columns = [{r[i] for r in rows} for i in range(2, len(rows[0]))]
    others = [vals for i, vals in enumerate(columns, 2) if i != at and vals != {""}]
    return (at >= 0 and len(columns[at - 2]) == 1) or bool(others) and all(len(vals) == 1 for vals in others)


PLACES_AGAIN = 0.8  # of a window's names and addresses, the share found among the list's staff and places: its rows


def _same_kind_as_places(trial: SheetFinding, header: Sequence[object], own: Sequence[Sequence[object]]) -> bool | None:
    """Below a list of things kept at places (an inventory's 保管場所: …区倉庫1番棚, with its 担当者名), are the window's
    "persons" the list's own rows (True), people at their homes (False), or can the values not tell (None)?

    The list's places are the values under its header's place columns (excluded words other than staff and a thing's
    name: 保管場所, 設置場所; not 施設名) that read as addresses. The window's rows are the list's own when their names are mostly the list's staff
    names and their addresses its places (the same rows again, in any column order: review11c #7), or when neither
    the places nor the window's addresses are house addresses (values.looks_like_home_address: a shelf has no block
    number). They are people of their own when their addresses are house addresses and the list's places are not,
    whichever of its columns they were typed in (names under 担当者名, homes under 保管場所: fp11's trade-off)."""
    places = [t for c in _place_columns(header, own) for r in own if c < len(r) and (t := cell_text(r[c]))]
    if not places:
        return None
    records = trial.records
    names = [r.fields.get("name", "") for r in records]
    addresses = [r.fields.get("address", "") for r in records]
    staff = {t for c, v in enumerate(header) if is_staff_header(v) for r in own if c < len(r) and (t := cell_text(r[c]))}
    known = set(places)
    if (share(names, staff.__contains__) >= PLACES_AGAIN
            and share(addresses, known.__contains__) >= PLACES_AGAIN):
        return True
    if share(places, V.looks_like_home_address) >= 0.5:
        return None  # the list keeps its things at house addresses (branch offices): the values cannot tell
    homes = share(addresses, V.looks_like_home_address)
    return False if homes >= ROSTER_HOMES else True if homes < 0.5 else None


def _strict_address(v: str) -> bool:
    return V.looks_like_address(v, strict=True)


def _fills_its_header(window: Sequence[Sequence[object]], known: set[tuple[str, ...]], header: Sequence[object]) -> bool:
    """Are the window's rows the list's own rows with more of its header's columns filled (an inventory's 担当者名
    assigned only from row 600 on, a facility list's 施設長 typed in for the newer facilities)? Each row has a known
    shape's cells as they are, and its other filled cells lie under the list's header (review11c: read without their
    header those rows were name + address rows, 600 persons; a person table's cells of its own are not under it)."""
    named = {c for c, v in enumerate(header) if cell_text(v)}

    def extends(s: tuple[str, ...], k: tuple[str, ...]) -> bool:
        return (all(not t or (c < len(s) and s[c] == t) for c, t in enumerate(k))
                and all(c in named for c, t in enumerate(s) if t and (c >= len(k) or not k[c])))

    return all(any(extends(s, k) for k in known) for s in {_shape(r) for r in window})


def _next_window(rows: Sequence[Sequence[object]], at: int, lo: int, headers_only: bool, done: int,
                 known: set[tuple[str, ...]] | None = None, clear: int = 0) -> tuple[int, int] | None:
    """Where the next later window starts in ``rows`` (searched from ``at``) and where the search stands: (-1, at)
    when a block held no hint, None when ``rows`` are all searched. ``known``: below a header naming no persons, the
    row shapes of the list under it (:func:`_new_shape`). ``clear``: rows[HEADER_SCAN_ROWS:clear] hold no header
    hint (:func:`_later_table`), so a headers-only block among them is not searched again."""
    if at >= len(rows):
        return None
    block = rows[at:at + LATER_BLOCK]
    i = (None if headers_only and HEADER_SCAN_ROWS <= at and at + len(block) <= clear
         else later_hint(block, headers_only))
    if headers_only and known is not None and (j := _new_shape(block if i is None else block[:i], known)) is not None:
        top = at + j
        if j == 0:  # the table's first rows may lie above the block (under the header, above the header search's end)
            while top > lo and _shape(rows[top - 1]) not in known:
                top -= 1
            while top < at and sum(1 for v in rows[top] if v not in ("", None)) < 2:
                top += 1  # blank rows or a title between the list and the table, as _new_shape skips them
        return top, at + j + 1
    if i is None:
        return -1, at + len(block)
    top = at + i
    if not headers_only:  # a table that starts in the sample: its rows above the hit show hints too
        while top > lo and later_hint(rows[top - 1:top]) is not None:
            top -= 1
    # a header hit, or the first of hinted rows above it, starts the table; a value hit below rows without hints
    # has its header (if any, in words that are no hint) among the rows above
    return max(1 if done == 0 else 0, top - (LATER_CONTEXT if top == at + i and not headers_only else 0)), at


def _without_examples(sample: Sequence[Sequence[object]]) -> tuple[Sequence[Sequence[object]], int]:
    """The first data rows with a template's example rows (記入例, （例）…) blanked (row numbers kept), and how many.
    Examples come before the list's first person, and their mark is no value of its column: サンプル or 見本 in a
    column that holds it again further down (a sample-request list's 送付物) is the row's value (review9c)."""
    lead: list[tuple[int, list[int]]] = []
    for i, r in enumerate(sample[:example_rows()]):
        if cols := example_cells(r):
            lead.append((i, cols))
        elif any(cell_text(v) for v in r):
            break  # a real row: a mark below it is a value
    if not lead:
        return sample, 0
    below = sample[lead[-1][0] + 1:]
    marked = {i for i, cols in lead
              if any(not any(c < len(r) and example_cells([r[c]]) for r in below) for c in cols)}
    if not marked:
        return sample, 0
    return [[] if i in marked else r for i, r in enumerate(sample)], len(marked)


def _sideways_finding(name: str, head: Sequence[Sequence[object]], stream: Iterator[Sequence[object]], first_row: int,
                      first_col: int, at: int) -> SheetFinding | None:
    """A list laid out sideways (a person per column, labels in column ``at``): its blocks read as one table
    (sideways.transpose) by the ordinary rules; each record's row is its person's sheet column. The whole sheet is
    held: such sheets are as tall as their labels. When the table rules find nothing, the sheet is read as a form."""
    rows = [*head, *stream]
    table, columns = transpose(rows, at)
    outer = RECORD_SINK.get()
    token = None
    if outer is not None:
        sink = outer

        def placed(rec: PersonRecord) -> None:
            sink(replace(rec, row=first_col + columns[rec.row - 2]))

        token = RECORD_SINK.set(placed)
    try:
        found = analyse_sheet(name, table) if len(table) > 2 else None
    finally:
        if token is not None:
            RECORD_SINK.reset(token)
    if found is None:
        return _label_finding(name, rows, iter(()), first_row, first_col) or _form_finding(name, rows, first_row,
                                                                                            first_col)
    found.rows = [(first_col + columns[r[0] - 2], *r[1:]) for r in found.rows]
    found.header_row, found.labels_column = None, column_letter(first_col + at)
    return found


def _one_column(head: Sequence[Sequence[object]]) -> bool:
    """No row of the sheet's first rows has a second cell (a text without delimiters: notes, logs, lists of one
    thing). Then the table rules find nothing, so they are not run: a header needs two header cells in one row
    (find_header, _later_header), and a table's person a name with an address or a contact in another column
    (discover takes each field from a column not taken yet, and _kind needs two fields); the plan comes from
    these rows alone, so the rows after them cannot change that. Only a form (forms.py: a value below its
    label) can hold a person here. tests/test_pii_classify_equal.py compares both ways."""
    return not any(map((1).__lt__, map(len, head)))  # stops at the first wider row (a table's first)


def _form_finding(name: str, head: Sequence[Sequence[object]], first_row: int, first_col: int) -> SheetFinding | None:
    """A sheet laid out as a form (label | value cells, one person or a few: scanner/detectors/forms.py), when
    each person's name is a name and address an address, as a table row is checked. ``columns`` name the
    cells of the first person (``B4``); the rows are the rows of the name cells."""
    good = []
    for p in form_persons(head):
        if is_example_form(name, head[:p.cells["name"][0] + 1]) or is_example_row([p.fields["name"]]):
            continue  # a template's filled-in example (記入例 sheet, 【記入例】 above, （例） beside the name)
        person, address = p.fields["name"], p.fields.get("address", "")
        if address and address[0] in _POSTCODE_START:  # 〒184-0004 東京都…: the code is the postal code, as in tables
            code, rest = V.split_leading_postcode(address)
            if code:
                p.fields["address"] = address = rest.strip()
                p.fields.setdefault("postcode", code)
                p.cells.setdefault("postcode", p.cells["address"])
        if (address and _name_problem(person) is None and _address_problem(address) is None
                and (N.japanese_name_shape(V.nfkc(person)) or V.looks_like_spaced_name(person))
                and V.looks_like_address(address, strict=True) and V._CJK.search(address)):
            good.append(p)  # a Japanese name and address: a label's neighbour is no value by position alone
    if not good:
        return None
    keys = ("name", "address", *(k for k in KINDS if k not in ("name", "address") and any(k in p.fields for p in good)))
    rows: list[tuple] = []
    for p in good:
        values = [_CONVERT[k](p.fields[k]) if k in _CONVERT and k in p.fields else p.fields.get(k, "") for k in keys]
        rows.append((first_row + p.cells["name"][0], 0, *values))
    columns = {k: [f"{column_letter(first_col + good[0].cells[k][1])}{first_row + good[0].cells[k][0]}"]
               for k in keys if k in good[0].cells}
    sink = RECORD_SINK.get()
    role_counts = None
    if sink is not None:
        for r in rows:
            sink(PersonRecord(name, r[0], {k: v for k, v in zip(keys, r[2:], strict=True) if v}, "",
                              str(SheetKind.PERSONS)))
        role_counts, rows = {"": len(rows)}, rows[:EXAMPLES]
    return SheetFinding(name, None, columns, [k for k in KINDS if k in keys], keys, rows, SheetKind.PERSONS, ("",),
                        {}, len(good), role_counts=role_counts)


def has_label_cell(head: Sequence[Sequence[object]], texts: tuple[str, ...] | None = None) -> bool:
    """Whether a cell of these rows is an address label of several lines (``label_fields``): the cells with a line
    break are picked first (most sheets have none: a newline in the texts joined by NUL, one C-level pass, says
    whether any has one), then the label test runs on them. ``texts``: the text cells of ``head`` already joined
    (by any separator but a newline, in any parts: :func:`_head_texts`), for the same first test."""
    if texts is not None:
        if not any("\n" in t for t in texts):
            return False
    elif "\n" not in "\0".join(cast(Iterable[str], filter(str.__instancecheck__, chain.from_iterable(head)))):
        return False
    return any(label_fields(v) for v in [v for row in head for v in row if isinstance(v, str) and "\n" in v])


def _label_finding(name: str, head: Sequence[Sequence[object]], stream: Iterator[Sequence[object]], first_row: int,
                   first_col: int, texts: tuple[str, ...] | None = None) -> SheetFinding | None:
    """A sheet of address labels (scanner/detectors/labels.py: 〒, address and name in one cell, a person a cell),
    when the first rows hold one; then every row of the sheet is read for them (the stream is consumed).
    ``texts``: the text cells of ``head`` joined (:func:`_head_texts`), when the caller has them."""
    cells: Iterable[tuple[int, int, object]]
    if has_label_cell(head, texts):
        cells = ((r, c, v) for r, row in enumerate(chain(head, stream)) for c, v in enumerate(row))
    elif vertical_label_cells(list(head)):  # a line per cell, labels side by side
        cells = vertical_label_cells([*head, *stream])
    else:
        return None  # most sheets: no cell with a line break, or none that is a label
    keys = ("name", "address", "postcode")
    rows: list[tuple] = []
    count = 0
    first_cell: tuple[int, int] | None = None
    rejected: Counter[str] = Counter()
    sink = RECORD_SINK.get()
    for r, c, v in cells:
        if not (isinstance(v, str) and "\n" in v and (f := label_fields(v))):
            continue
        problem = _name_problem(f["name"]) or _address_problem(f["address"])
        if problem is not None:
            rejected[str(problem)] += 1
            continue
        count += 1
        first_cell = first_cell or (r, c)
        values = (f["name"], f["address"], f.get("postcode", ""))
        if sink is not None:  # handed over as found; only the first rows are kept, for the masked examples
            sink(PersonRecord(name, first_row + r, {k: v for k, v in zip(keys, values, strict=True) if v}, "",
                              str(SheetKind.PERSONS)))
        if sink is None or len(rows) < EXAMPLES:
            rows.append((first_row + r, 0, *values))
    if first_cell is None:
        return None
    columns = {k: [f"{column_letter(first_col + first_cell[1])}{first_row + first_cell[0]}"] for k in keys}
    return SheetFinding(name, None, columns, [k for k in KINDS if k in keys], keys, rows, SheetKind.PERSONS, ("",),
                        dict(rejected), count, role_counts={"": count} if sink is not None else None)


def _records_to(sink: Callable[[PersonRecord], None], name: str, plan: SheetPlan, kind: SheetKind,
                data: Iterable[Sequence[object]], base: int, head_names: set[str]
                ) -> tuple[list[tuple], int, Counter[str], tuple[str, ...], dict[str, int]]:
    """:func:`_records` a chunk of rows at a time, every record handed to ``sink`` as it is found; only the
    first EXAMPLES rows are kept (for the masked examples), with the count of records per role."""
    roles = tuple(p.role for p in plan.roles)
    kept: list[tuple] = []
    rejected: Counter[str] = Counter()
    per_role: Counter[str] = Counter()
    with_person = 0
    keys: tuple[str, ...] = ()
    stream = iter(data)
    start = base
    while True:
        chunk = list(islice(stream, SINK_CHUNK))
        if not chunk and keys:
            break
        found, rows, rej, keys = _records(name, plan, chunk, start, head_names)
        with_person += rows
        rejected += rej
        for r in found:
            per_role[roles[r[1]]] += 1
            sink(PersonRecord(name, r[0], {k: v for k, v in zip(keys, r[2:], strict=True) if v}, roles[r[1]],
                              str(kind)))
        kept += found[:EXAMPLES - len(kept)]
        if len(chunk) < SINK_CHUNK:
            break
        start += len(chunk)
    return kept, with_person, rejected, keys, dict(per_role)


_FIELD_ID = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+")  # snake_case: a column's identifier, never a name


def _unrecognised_header(plan: SheetPlan, first: Sequence[object], below: Sequence[Sequence[object]] = ()) -> bool:
    """A header-less sheet's first row is a header leakscan has no words for (first_name, addr) when its
    name cell is no name, or a title and a sender line when a cell of it is a label and its value that the rows
    ``below`` do not have in that column (a list whose every row reads TEL:03-… starts with a person): that row is
    skipped, not counted as a rejection. So is a row of placeholder names (``col1 | col2 | col3``, ``Unnamed: 0``,
    ``列1``: :func:`headerless.placeholder_row`; it was one more person)."""
    main = plan.role("")
    if main is None or "name" not in main.cols:
        return False
    if placeholder_row(first):
        return True
    if (ids := [t for cols in main.cols.values() for c in cols if c < len(first) and (t := cell_text(first[c]))]) and all(
            _FIELD_ID.fullmatch(t) for t in ids):
        return True  # to_name | to_add | to_zip: a program's field identifiers (a label tool's CSV), no person
    text = " ".join(t for c in main.cols["name"] if c < len(first) and (t := cell_text(first[c])))
    if bool(text) and _name_problem(text) is not None or any(
            labelled_value(v) and not mostly([r[c] for r in below[:BLOCK_MIN * 3] if c < len(r)], labelled_value, 0.5)
            for c, v in enumerate(first)):
        return True  # (顧客一覧 | 担当者：山田 太郎: a title and a sender line, no person)
    return any(c < len(first) and isinstance(first[c], str) and read_header(first[c]) is not None
               for cols in main.cols.values() for c in cols)  # 著者名 | 出版社所在地: a header row all the same


class RecordList(Sequence[PersonRecord]):
    """The PersonRecords of several sheets, built only when someone reads them (person counting)."""

    def __init__(self, findings: Sequence[SheetFinding]) -> None:
        self._findings = [f for f in findings if f.kind != SheetKind.NAMES]
        self._built: list[PersonRecord] | None = None

    def _all(self) -> list[PersonRecord]:
        if self._built is None:
            self._built = [r for f in self._findings for r in f.records]
        return self._built

    def __len__(self) -> int:
        return sum(len(f.rows) for f in self._findings)  # the rows kept (all of them unless a sink took them)

    @overload
    def __getitem__(self, i: int) -> PersonRecord: ...
    @overload
    def __getitem__(self, i: slice) -> list[PersonRecord]: ...
    def __getitem__(self, i: int | slice) -> PersonRecord | list[PersonRecord]:
        return self._all()[i]

    def __iter__(self) -> Iterator[PersonRecord]:
        return iter(self._all())


def analyse_tables(sheets: Sequence[object]) -> list[SheetFinding]:
    """Every personal-data sheet of a workbook (all sheets, not only the first).

    ``sheets`` are :class:`scanner.tables.Sheet` values (name, rows, first_row, first_col).
    """
    out = []
    for s in sheets:
        f = analyse_sheet(s.name, s.rows, s.first_row, s.first_col)  # type: ignore[attr-defined]
        if f is not None:
            out.append(f)
    return out
