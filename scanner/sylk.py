"""SYLK spreadsheets (Excel's "SYLK (Symbolic Link)" save, .slk/.sylk; Multiplan, Gnumeric and old accounting
programs export it too): a text of records, one a line, fields split by ``;`` (``;;`` is a ``;`` inside a value).

``ID;P…`` opens the file and ``E`` ends it. A cell is ``C;X<col>;Y<row>;K<value>`` (1-based; a missing X or Y keeps
the last one, and ``F`` format records move the position too); ``K"text"`` is a text, ``K12.5`` a number; the other
fields (formulas ``E``, protection ``P`` ...) are not values. Only the values are read; nothing is evaluated.
Excel writes the text in the machine's ANSI code page (Shift_JIS on a Japanese Windows).
Run it in the worker (wild16: GNOME/gnumeric's samples/sylk, a `.sylk` ended as nothing and `.slk` was only listed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from .details import Detail, say
from .sheet import Caps, CellBudget, Sheet
from .textdecode import decode_counting, iter_lines, plan_decoding, reading_notes, zeroed_block

# the first record names the writer (ID;PWXL, ID;PGnumeric, ID;PSCALC3); the second is one of SYLK's record types;
# a cell (C;…;K) or the bounds record (B;Y;X) follows: a semicolon CSV whose header starts "ID;P…" is none
_SYLK = re.compile(rb"\A(?:\xef\xbb\xbf)?ID;P\w*(?:;[^\r\n]*)?(?:\r\n|\r|\n)(?:[PFBCONW]|NN|NU|NE|NL|E)(?:;|[\r\n]|\Z)")
# at a line's start (CR alone: Mac Excel); a cell's K field starts a field and holds a value (a text, a number,
# TRUE/FALSE, an error): ``C;Kato Taro;Kyoto`` (a semicolon list with class letters) is none (review16c)
_SYLK_CELLS = re.compile(rb'[\r\n](?:C(?:;[^;\r\n]*)*?;K(?:"|[-+.\d]|TRUE|FALSE|#)|B;Y\d+;X\d+)')
_TOKENS = re.compile(r";;|;|[^;]+")  # an escaped ;, a field's end, a run of the rest (one match per run: linear memory)
_POSITION = re.compile(r"[0-9]{1,9}")  # X or Y; other digits (², ７), a sign or 4,300 digits are no position
MAX_COLUMNS = 1 << 14  # the sheet size the other readers allow
MAX_ROWS = 1 << 20
# Excel's escapes for Latin letters beyond ASCII: ESC N, an accent's code (A grave, B acute, C circumflex, D tilde,
# H diaeresis, J ring, K cedilla), the letter (``\x1bNBe`` é, ``\x1bNHu`` ü); ESC N and a sign 0x21-0x3F is the Latin-1
# sign 0x80 above it (``\x1bN#`` £, ``\x1bN0`` °); any other escape is dropped (wild16: GNOME/gnumeric encoding.sylk)
_ESCAPE = re.compile("\x1bN(?:([A-DHJK])([^\x00-\x20])|([!-?]))|\x1bN?.?", re.DOTALL)
_ACCENTS = {"A": "\u0300", "B": "\u0301", "C": "\u0302", "D": "\u0303", "H": "\u0308", "J": "\u030a", "K": "\u0327"}


def _unescaped(m: re.Match[str]) -> str:
    if m.group(1):
        return unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)])
    return chr(ord(m.group(3)) + 0x80) if m.group(3) else ""


# a cell record with its position (``C;Y3;X2;K`` or ``C;X2;K``), and any SYLK record, at a line's start
_CELL_RECORD = re.compile(rb"[\r\n]C;(?:Y[0-9]{1,7};)?X[0-9]{1,5};K")
_RECORD_LINE = re.compile(rb"(?:ID|[PFBCONWE]|NN|NU|NE|NL)(?:;|\Z)")


def is_sylk(head: bytes) -> bool:
    """Whether ``head`` opens a SYLK file: its ID record, then a SYLK record type on the next line; or, its first
    records damaged, lines that are SYLK records nearly all, cells with their positions among them (damage17: a SYLK
    file named .txt/.csv with a flipped byte in ``ID;PWXL`` ended as nothing)."""
    return (_SYLK.match(head) is not None and sylk_cells(head)) or _records_throughout(head)


def _records_throughout(head: bytes) -> bool:
    """At least 8 cell records with their positions in the first 64 KiB, and 9 of 10 of its first 50 lines SYLK
    records: no semicolon list's lines look so."""
    part = head[:1 << 16]
    if b"C;" not in part or len(_CELL_RECORD.findall(part)) < 8:  # (every cell record holds it: issue 11)
        return False
    lines = [ln for ln in part.splitlines()[:51][:-1] if ln]
    return len(lines) >= 9 and 10 * sum(_RECORD_LINE.match(ln) is not None for ln in lines) >= 9 * len(lines)


def sylk_cells(head: bytes) -> bool:
    """Whether ``head`` holds SYLK cells (or the bounds record) in its first 64 KiB: enough for a file named
    .slk/.sylk whose first records are damaged (review16c: one flipped byte in ``ID;PWXL`` and 40 people were
    listed "no reader for this format")."""
    return _SYLK_CELLS.search(head, 0, 1 << 16) is not None


def _fields(line: str) -> list[str]:
    """The fields of a record, ``;;`` read as ``;`` (review16c: a repeated alternation kept ~115 bytes of matcher
    state per character, 2.4 GB for a 20 MB cell)."""
    fields: list[str] = []
    field: list[str] = []
    for m in _TOKENS.finditer(line):
        t = m.group()
        if t == ";":
            fields.append("".join(field))
            field = []
        else:
            field.append(";" if t == ";;" else t)
    fields.append("".join(field))
    return fields


def _quoted_value_joined(fields: list[str]) -> tuple[list[str], bool]:
    """(fields, glued) with a quoted ``K"`` value that a writer left a bare ``;`` in (``K"東京;渋谷"``: split into two
    fields, the second read as a field whose letter is damaged) joined back up to the field that closes its quote;
    ``glued`` when the joined value holds another cell record's fields (``K"name"%C;Y5;X1;K"next"``: a line break
    flipped, the next record glued to this value and its cell lost: damage20)."""
    for i, f in enumerate(fields):
        if f.startswith('K"') and (len(f) == 2 or not f.endswith('"')):
            for j in range(i + 1, len(fields)):
                if fields[j].endswith('"'):
                    value = ";".join(fields[i:j + 1])
                    return fields[:i] + [value] + fields[j + 1:], _GLUED.search(value) is not None
            break
    return fields, False


# another cell record's position and value inside a joined value
_GLUED = re.compile(r';[XY][0-9]{1,9};(?:[XY][0-9]{1,9};)?K')


def _position(raw: str) -> int:
    """A 1-based column or row; 0 (outside any sheet) when damaged (review16c: int() raised on ² or 5,000 digits,
    and a bad one kept the last position, so its value overwrote a cell read before)."""
    return int(raw) if _POSITION.fullmatch(raw) else 0


def _value(raw: str) -> object:
    if raw.startswith('"'):
        return _ESCAPE.sub(_unescaped, raw[1:-1] if raw.endswith('"') and len(raw) > 1 else raw[1:])
    try:
        return float(raw) if any(c in raw for c in ".eE") else int(raw)
    except ValueError:
        return raw


def iter_sylk(data: bytes, caps: Caps) -> Iterator[Sheet]:
    """One sheet of the file's cells; a file without its end record (cut) says so with the rows read."""
    plan = plan_decoding(data, b";")
    if plan.alternates or plan.parts:  # lines in several encodings (a tail saved by another program) or damaged: each
        text = "".join(iter_lines(data, plan, b";", max_line=len(data) + 1))  # line decoded on its own (damage18: a cp932
    else:  # file with an EUC-JP tail was decoded whole in one of them, its other lines garbled, nothing said)
        text, plan.replaced = decode_counting(data[plan.start:], plan.codec)
    budget = CellBudget(caps)
    rows: list[list[object]] = []
    x = y = 1
    ended = False
    outside = odd = 0
    for n, line in enumerate(text.splitlines()):
        if not n & 0x3FF:
            budget.tick()
        if not line or line[0] not in "CFE":
            odd += bool(line) and (not ("A" <= line[0] <= "Z")  # every record opens with its upper-case letters: a
                                   # line that does not lost its record type (a flipped "C": the cell lost, damage19)
                                   or ';K"' in line)  # a text value in a record of another type: "C" flipped to "S"
            continue  # (damage21)
        fields = _fields(line)
        kind = fields[0]
        if kind == "E":
            ended = True
            break
        if kind not in ("C", "F"):
            odd += kind[:1] == "C"  # a cell record whose separator is damaged ("C X3"): its cell is lost
            continue
        if kind == "C":
            fields, glued = _quoted_value_joined(fields)
            odd += glued
        if kind == "C" and any(not f[:1].isascii() or not f[:1].isupper() for f in fields[1:]):
            odd += 1  # a field whose letter is damaged ("C;\xff9;X1"): its row or column is lost, the cell read
            # where the previous one left off (damage19: a row merged into the one before it, one person lost, `ok`)
        value: object = None
        if kind == "C" and (line.count(";X") > 1 or line.count(";Y") > 1) and (
                sum(f[:1] == "X" for f in fields) > 1 or sum(f[:1] == "Y" for f in fields) > 1):
            odd += 1  # a record naming its row or column twice: a letter flipped X <-> Y, the cell moved (csv22)
        for f in fields[1:]:
            if f[:1] == "X":
                x = _position(f[1:])
                odd += not x  # its position damaged ("X4\x1bK..."): the cell lost (damage21: nothing said)
            elif f[:1] == "Y":
                y = _position(f[1:])
                odd += not y
            elif f[:1] == "K" and kind == "C":
                value = _value(f[1:])
            elif kind == "C" and f[1:2] == '"' and f[:1] not in "EA":  # a quoted text after another letter than K
                odd += 1  # (E a formula, A a comment: review21d): the value's letter flipped ("C\"東京都..."), the
                # value lost (damage21: nothing said)
        if value is None or value == "":
            continue
        if not (1 <= x <= MAX_COLUMNS and 1 <= y <= MAX_ROWS):
            outside += 1
            continue
        while len(rows) < y:
            budget.add(1)
            rows.append([])
        row = rows[y - 1]
        if len(row) < x:
            budget.add(x - len(row))
            row.extend([""] * (x - len(row)))
        elif row[x - 1] != "":
            odd += 1  # a cell where a value already stands: its position damaged (X1 -> Y1), one cell moved over
        row[x - 1] = value  # another (csv22: a person lost, nothing said)
    damage = []
    if not ended:
        damage.append(say(Detail.SYLK_CUT, n=len(rows)))
    if outside:
        damage.append(say(Detail.SYLK_OUTSIDE, n=outside))
    if odd:
        damage.append(say(Detail.SYLK_RECORDS_DAMAGED, n=odd))
    if (zeroed := zeroed_block(data)) is not None:  # its lines lose their NULs: the block said (damage17: 4 KiB
        damage.append(say(Detail.NUL_BLOCK, n=zeroed[1], at=zeroed[0]))  # zeroed, the cells in it lost, nothing said)
    yield Sheet("", rows, notes=reading_notes(plan), damage=damage)
