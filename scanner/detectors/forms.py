"""Forms: one person's data as label | value cells, not as a table (利用者基本情報, フェイスシート, 個人票, 申込書).

Care offices and municipalities keep a sheet per person (a workbook of 50 sheets is 50 persons) laid out like a
paper form: ``氏名 | 山田 太郎 | 生年月日 | 昭和20年5月3日`` on one line, ``住所 | 東京都…`` on the next. No row
is a header and no column holds one field, so the table rules find nothing. Here a label cell (a header word
of the row's own person, scanner/detectors/columns.py) takes the nearest filled cell to its right, or the cell
below it, as its value; a name label starts a person, and the labels after it fill that person until the next
name label. A person counts when the name is a name and the address an address (the same checks as a table's
rows). Labels of another role (緊急連絡先, 保護者) are not the form's person and are left out. Pure functions over
the first rows of a sheet, run only on sheets where the table rules found nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from . import person_names as N
from . import values as V
from .columns import _NO_HEADER, is_officials_header, read_header
from .plan import NAME_PARTS, READING_PARTS, cell_text

FORM_ROWS = 80  # a form fits on a page or two
FIRST_NAME_ROWS = 20  # where the first person's name label is
FORM_COLS = 40  # "Excel 方眼紙": a form drawn on a grid of narrow columns
MAX_LABEL = 16  # characters: a label is short, a value often is not
VALUE_REACH = 12  # cells to the right of a label where its value may start (merged cells leave blanks)
FIELDS = ("name", "reading", "address", "postcode", "phone", "birth", "sex", "email")


@dataclass
class FormPerson:
    """One person read from a form: field -> text, and field -> (row, column) of its first value (0-based)."""

    fields: dict[str, str] = field(default_factory=dict)
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)
    parts: dict[str, list[str]] = field(default_factory=dict)  # 姓 | 名, 住所1 | 住所2 before joining


def _label(v: object) -> tuple[str, str] | None:
    """(field, header field) a cell names when it is a label of the form's own person (no role), else None:
    ``("name", "name_family")`` for 姓. A text the header search already read as naming nothing (columns.read_row
    remembers them; the form rules run after it on the same first rows) is no label, when no space around it
    makes _text_label read another text."""
    if not isinstance(v, str) or len(v) > 2 * MAX_LABEL:
        return None
    if v in _NO_HEADER and not (v[:1].isspace() or v[-1:].isspace()):
        return None
    return _text_label(v)


@lru_cache(maxsize=16384)
def _text_label(v: str) -> tuple[str, str] | None:
    t = v.strip()
    if not t or len(t) > MAX_LABEL or V.find_postcode(t):
        return None  # 〒184-0004 is a value, not the label 〒
    h = read_header(t)
    if h is None or h.role or not h.main or h.weak:
        return None  # another person's (緊急連絡先), another spelling, or a bare "name" (a product's, a file's)
    f = "name" if h.field in NAME_PARTS else "reading" if h.field in READING_PARTS else h.field
    return (f, h.field) if f in FIELDS else None


def _value(rows: Sequence[Sequence[object]], r: int, c: int) -> tuple[str, int, int] | None:
    """The value of the label at (r, c): the nearest filled cell to its right that is no label, else the one below."""
    row = rows[r]
    for k in range(c + 1, min(len(row), c + 1 + VALUE_REACH)):
        t = cell_text(row[k])
        if t:
            return None if _label(row[k]) else (t, r, k)
    if r + 1 < len(rows) and c < len(rows[r + 1]):
        below = rows[r + 1][c]
        t = cell_text(below)
        if t and not _label(below):
            return t, r + 1, c
    return None


def _postcode_alone(text: str) -> str | None:
    """The postal code when a value is nothing else (〒184-0004, 184-0004): the address follows on its own line."""
    code = V.find_postcode(text, labelled=True)
    return code if code and len(V.nfkc(text).replace("〒", "").strip()) <= 8 else None


def _below(rows: Sequence[Sequence[object]], r: int, c: int) -> str | None:
    if r + 1 < len(rows) and c < len(rows[r + 1]) and (t := cell_text(rows[r + 1][c])) and not _label(rows[r + 1][c]):
        return t
    return None


def _after_postcode(rows: Sequence[Sequence[object]], r: int, c: int) -> tuple[str, int, int] | None:
    """The address after a postal code alone at (r, c): the next filled cell to its right (住所 | 〒184-0004 |
    東京都…), else the cell below it (現住所 〒184-0004 over the address line)."""
    row = rows[r]
    for k in range(c + 1, min(len(row), c + 1 + VALUE_REACH)):
        if t := cell_text(row[k]):
            if not _label(row[k]):
                return t, r, k
            break
    below = _below(rows, r, c)
    return (below, r + 1, c) if below is not None else None


def _continued(rows: Sequence[Sequence[object]], r: int, c: int, field: str, text: str) -> str | None:
    """A name or an address a form writes across two cells: the family name then the given name, or the address
    up to the town then its block numbers. The next filled cell to the right of the value, when it continues it."""
    row = rows[r]
    nxt = next((row[k] for k in range(c + 1, min(len(row), c + 1 + VALUE_REACH)) if cell_text(row[k])), None)
    if nxt is None or _label(nxt):
        return None
    more = cell_text(nxt)
    if field == "name":
        return f"{text} {more}" if N.one_split_name(text, more) else None
    if any(ch.isdigit() for ch in V.nfkc(text)) or not V.looks_like_address(text + more, strict=True):
        return None  # the value already holds its block numbers, or the two are no address together
    return text + more


def _name_label_near_top(rows: Sequence[Sequence[object]]) -> bool:
    """Whether a text cell (of type str) of the first FIRST_NAME_ROWS rows and FORM_COLS columns is a name label of the
    form's person. :func:`_label` is a function of the text alone, so each distinct text is asked once (picked and
    deduplicated by a set: most of a sheet's first rows are texts seen in other cells)."""
    texts = {v for row in rows[:FIRST_NAME_ROWS] for v in row[:FORM_COLS] if type(v) is str}
    return any((label := _label(v)) is not None and label[0] == "name" for v in texts)


def form_persons(rows: Sequence[Sequence[object]]) -> list[FormPerson]:
    """The persons a form sheet holds, in reading order (labels with values; nothing checked yet)."""
    if not _name_label_near_top(rows):
        return []  # a form names its person near the top (most sheets without persons stop here)
    people: list[FormPerson] = []
    pending = FormPerson()  # labels above the first name (フリガナ over 氏名): that person's
    for r, row in enumerate(rows[:FORM_ROWS]):
        found = []
        for c, v in enumerate(row[:FORM_COLS]):
            if type(v) is str and (label := _label(v)) is not None and (got := _value(rows, r, c)) is not None:
                found.append((label, got))
        if sum(1 for _, (_, vr, _) in found if vr != r) >= 2:
            continue  # two labels or more taking the row below as values: a table header, which the table rules judged
        for (f, part), (text, vr, vc) in found:
            if part in ("name", "name_family") and (not people or "name" in people[-1].parts):
                people.append(pending if not people else FormPerson())  # 氏名 or 姓 after a name: the next person
            p = people[-1] if people else pending
            if f == "reading" and "name" in p.cells and p.cells["name"][0] < r:
                continue  # a ふりがな row under the name reads the next field (履歴書: ふりがな over 現住所)
            if f == "address" and (code := _postcode_alone(text)):
                p.parts.setdefault("postcode", []).append(code)  # 現住所 〒184-0004, the address on the line below
                p.cells.setdefault("postcode", (vr, vc))
                if (after := _after_postcode(rows, vr, vc)) is None:
                    continue
                text, vr, vc = after
            if f in ("name", "address") and (more := _continued(rows, vr, vc, f, text)) is not None:
                text = more  # 氏名 | 山田 | 太郎, 住所 | 東京都小金井市 | 本町3-12-5: one value in two cells
            p.parts.setdefault(f, []).append(text)
            p.cells.setdefault(f, (vr, vc))
    if not people:
        return []
    if any(type(v) is str and is_officials_header(v) for row in rows[:FORM_ROWS] for v in row[:FORM_COLS]):
        return []  # a list of public officials (会派, 選挙区): not private persons, as for tables
    for p in people:
        for f, texts in p.parts.items():
            sep = " " if f in ("name", "reading") else ""
            p.fields[f] = sep.join(texts[:2]) if f in ("name", "reading", "address") else texts[0]
    return [p for p in people if "name" in p.fields]
