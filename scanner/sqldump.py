"""SQL dumps (``mysqldump``, ``pg_dump``, ``sqlite3 .dump``, SQL Server scripts) as tables: a sheet per table.

A database dump is how a customer or member table most often leaves a server (a backup copied to a PC, a
``.sql.gz`` mailed to a contractor). Its rows are the INSERT statements' value lists (MySQL's extended INSERTs of
many rows, SQLite's one row a statement, SQL Server's ``N'...'`` strings and ``GO`` batches without semicolons)
and PostgreSQL's ``COPY ... FROM stdin`` blocks (tab-separated lines up to ``\\.``). The header of each table is
the INSERT's or COPY's column list, or else the columns of the table's ``CREATE TABLE``; the classifier then
reads the rows like any table's. Nothing is executed: the text is only tokenised (a dump run in SQLite could
ATTACH or write files; MySQL's and PostgreSQL's dialects do not run there anyway).

Strings are read with both quoting conventions: a doubled quote (standard SQL) and a backslash escape (MySQL,
PostgreSQL ``E''``); a standard-SQL string ending in a backslash is the one case read wrongly (its row then fails
to parse and is counted as damaged, the next rows still read). A value list that does not parse (a flipped or
lost byte) is skipped to the next one and counted; a dump whose text ends inside a statement, or a mysqldump or
pg_dump without its closing line, is said to be cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .details import Detail, say
from .sheet import Caps, CellBudget, Sheet
from .textdecode import iter_lines, plan_decoding, utf16_guess, zeroed_block

HEAD = 1 << 20  # the part of a text searched for a statement that makes it a dump
# the first statement of a dump or script, after comments and blank lines
_FIRST = re.compile(r"(?is)\A(?>\s+|--[^\n]*|#[^\n]*|/\*.*?\*/|;|GO\b)*"
                    r"(?:CREATE|INSERT|REPLACE|DROP|SET|USE|BEGIN|START|PRAGMA|LOCK|COPY|ALTER|SELECT|DELETE|TRUNCATE"
                    r"|COMMENT|GRANT|REVOKE|CONNECT|\\connect|WHENEVER|SPOOL|PROMPT|IF|EXEC|EXECUTE|DECLARE|PRINT)\b")
_NAME = r"(?:`(?:[^`]|``)*`|\"(?:[^\"]|\"\")*\"|\[[^\]]*\]|[\w$#@]+)"
_QUALIFIED = rf"(?:{_NAME}\s*\.\s*)*{_NAME}"
# the statements that carry rows or columns, at a line's start (every dump tool writes them so)
_STATEMENT = re.compile(
    r"(?im)^[ \t]*(?:"
    rf"(?P<create>CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL|UNLOGGED)\s+)?(?:TEMP(?:ORARY)?\s+)?TABLE"
    rf"(?:\s+IF\s+NOT\s+EXISTS)?)"
    r"|(?P<insert>(?:INSERT(?:\s+(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE|OR\s+\w+))*|REPLACE)\s+INTO)"
    r"|(?P<copy>COPY)"
    rf")\s+(?P<table>{_QUALIFIED})\s*")
# what makes a text a dump when sniffed: a statement whole enough to carry rows (a note's "Copy the files" is none)
_SNIFF = re.compile(
    r"(?m)^[ \t]*(?:"
    rf"(?i:CREATE\s+(?:(?:GLOBAL|LOCAL|UNLOGGED|TEMP|TEMPORARY)\s+)*TABLE(?:\s+IF\s+NOT\s+EXISTS)?)\s+{_QUALIFIED}\s*\("
    rf"|(?i:INSERT(?:\s+\w+){{0,3}}?\s+INTO|REPLACE\s+INTO)\s+{_QUALIFIED}\s*(?:\(|(?i:VALUES?)\s*\()"
    rf"|COPY\s+{_QUALIFIED}\s*(?:\([^)]*\)\s*)?FROM\s+stdin;)")
_STRING = r"(?:[NnEe]|_\w+\s*)?'(?:[^'\\]|''|\\.)*'"
_VALUE = rf"(?:{_STRING}|[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[Xx]'[0-9A-Fa-f]*'|0[xX][0-9A-Fa-f]+|NULL|TRUE|FALSE)"
# a value list of plain values only (nearly every row of every dump): matched whole in one step
_TUPLE = re.compile(rf"(?i)\(\s*({_VALUE}(?:\s*,\s*{_VALUE})*)\s*\)")
_ONE = re.compile(rf"(?i){_VALUE}")
# a token of a value list that holds more (a function call, a cast): strings and names whole, one character else
_TOKEN = re.compile(rf"{_STRING}|{_NAME}|\s+|.", re.S)
_GAP = re.compile(r"(?>\s+|--[^\n]*|/\*.*?\*/)*", re.S)  # between two value lists, or before VALUES
_VALUES = re.compile(r"(?i)VALUES?\b")
# what may follow ``INSERT INTO t [(columns)]`` and write no row out here
_NO_ROWS = re.compile(r"(?i)(?:\(\s*)?(?:SELECT|WITH|DEFAULT\s+VALUES|TABLE|EXEC(?:UTE)?|OUTPUT|SET|OVERRIDING)\b")
_COPY = re.compile(r"(?is)(?:\((?P<cols>[^)]*)\)\s*)?FROM\s+stdin\b[^;\n]*;[ \t]*\r?\n")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "Z": "\x1a"}
_BACKSLASH = re.compile(r"\\(?:x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.S)
# an item of a CREATE TABLE body that is no column: the reserved words always; ``KEY``/``INDEX`` only before a list of
# columns (``key varchar(8)``, ``index INTEGER`` are columns), ``PERIOD FOR``, ``EXCLUDE USING`` (review16f: sqlite3 and
# pg_dump write such names unquoted; Chrome's ``meta(key LONGVARCHAR ...)`` lost a column and every row was counted
# damaged by the value-count check)
_CONSTRAINT = re.compile(rf"(?is)(?:PRIMARY|UNIQUE|CONSTRAINT|FOREIGN|CHECK|FULLTEXT|SPATIAL|LIKE)\b"
                         rf"|(?:KEY|INDEX)\b\s*(?:{_NAME}\s*)??(?:USING\s+\w+\s*)?\(\s*[^\d\s'+\-.)]"
                         r"|PERIOD\s+FOR\b|EXCLUDE\s*(?:USING\b|\()")
# the first and last lines of what dump tools write (mysqldump, mariadb-dump, pg_dump, sqlite3 .dump): a dump that
# starts with the first and lacks the last was cut between two statements
_DUMP_ENDS = (("-- MySQL dump", "-- Dump completed"), ("-- MariaDB dump", "-- Dump completed"),
              ("-- PostgreSQL database dump", "-- PostgreSQL database dump complete"),
              ("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;", "COMMIT;"), ("BEGIN TRANSACTION;", "COMMIT;"))
_OPENING = 300  # where a dump tool's first line is (pg_dump's after a line of "--")
_COPY_END = re.compile(r"(?m)^\\\.\r?$")  # the line that ends a COPY block's rows
_TICK = 1024  # rows between two looks at the clock


def _text_head(data: bytes) -> str:
    head = data[:HEAD]
    codec = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else utf16_guess(head[:4096])
    return (head.decode(codec, "ignore") if codec else head.decode("latin-1")).lstrip("\ufeff\xef\xbb\xbf")


def is_sql_dump(data: bytes) -> bool:
    """The text starts with an SQL statement (after comments) and holds, at a line's start in its first MiB, a
    ``CREATE TABLE name (``, an ``INSERT INTO name (`` / ``VALUES (`` or a ``COPY name ... FROM stdin;``: a dump or a
    script that may carry rows. A CSV whose first cell is a keyword, or a note, holds none."""
    text = _text_head(data)
    if any(start in text[:_OPENING] for start, _ in _DUMP_ENDS):
        return True  # a dump tool's own first line: a dump, even cut before its first statement
    return _FIRST.match(text[:65536]) is not None and _SNIFF.search(text) is not None


def _unquote(name: str) -> str:
    """A column's or table's name without its quotes; of a qualified name (``public.customers``) the last part."""
    parts = re.findall(_NAME, name)
    last = parts[-1] if parts else name
    if last[:1] in "`\"[":
        last = last[1:-1]
        last = last.replace("``", "`").replace('""', '"')
    return last


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body
    return _BACKSLASH.sub(lambda m: _escape(m.group(0)[1:]), body)


def _escape(seq: str) -> str:
    if seq[:1] == "x" and len(seq) > 1:
        return chr(int(seq[1:], 16))
    if seq[:1].isdigit() and seq[:1] < "8" and len(seq) > 1:
        return chr(int(seq, 8))
    return _ESCAPES.get(seq, seq)


def _value(token: str) -> str:
    """A literal as its cell text: a string's content, NULL as nothing, a number or keyword as written."""
    quote = token.find("'")
    if quote < 0:
        return "" if token.upper() == "NULL" else token
    if token[:quote].strip().upper() == "X":
        return token  # a blob as hex: no person's text
    return _unescape(token[quote + 1:-1].replace("''", "'"))


def _items(text: str, at: int) -> tuple[list[list[str]], int] | None:
    """The comma-separated items of the parenthesised list at ``at`` (each its tokens, nested parentheses kept
    inside their item) and the position after its closing parenthesis; None when the statement or the text ends
    first (a cut or a damaged list)."""
    depth = 0
    items: list[list[str]] = []
    current: list[str] = []
    for tok in _TOKEN.finditer(text, at):
        t = tok.group(0)
        if t == "(":
            depth += 1
            if depth == 1:
                continue
        elif t == ")":
            depth -= 1
            if depth == 0:
                items.append(current)
                return items, tok.end()
        elif t == ";" and depth <= 1:
            return None
        elif t == "," and depth == 1:
            items.append(current)
            current = []
            continue
        current.append(t)
    return None


def _column_items(text: str, at: int) -> tuple[list[str], int] | None:
    """The items that define columns in a parenthesised column list or CREATE TABLE body at ``at`` (constraints left
    out) and the position after it; ([], at) when no list is there; None when it does not close."""
    m = _GAP.match(text, at)
    at = m.end() if m else at
    if text[at:at + 1] != "(":
        return [], at
    got = _items(text, at)
    if got is None:
        return None
    items = ["".join(item).strip() for item in got[0]]
    return [item for item in items if item and _CONSTRAINT.match(item) is None], got[1]


def _name_of(item: str) -> str:
    m = _TOKEN.match(item)
    return _unquote(m.group(0) if m is not None else item)


def _columns(text: str, at: int) -> tuple[list[str], int] | None:
    """The names of a parenthesised column list at ``at`` (the first word of each item) and the position after it
    (``_column_items``)."""
    got = _column_items(text, at)
    return None if got is None else ([_name_of(item) for item in got[0]], got[1])


# a generated column (``GENERATED ALWAYS AS (...)``, sqlite's and MySQL's ``AS (...)``): sqlite3 .dump leaves its value
# out of an INSERT without a column list, pg_dump --inserts writes DEFAULT for it (review16f)
_GENERATED = re.compile(r"(?is)\bAS\s*\(")
_QUOTED = re.compile(_STRING)


def _generated(item: str) -> bool:
    return _GENERATED.search(_QUOTED.sub("''", item)) is not None  # (not in a COMMENT 'kept as (yyyy)')
# a child table whose CREATE TABLE lists only its own columns (pg_dump): its rows hold the parent's too
_INHERITS = re.compile(r"(?i)\s*INHERITS\b")


def _tuple_slow(text: str, at: int) -> tuple[list[str], int] | None:
    """A value list holding more than literals (``CAST(...)``, ``now()``, ``_binary '...'``) read token by
    token: each value the content of its string, or its text as written; None when it does not close."""
    got = _items(text, at)
    return None if got is None else ([_joined(v) for v in got[0]], got[1])


def _joined(tokens: list[str]) -> str:
    strings = [t for t in tokens if "'" in t and t.rstrip().endswith("'")]
    if len(strings) == 1:
        return _value(strings[0])
    return "".join(tokens).strip()


class _Reader:
    """The rows of a dump's text as (table, columns, row) events, with what was lost."""

    def __init__(self, text: str, budget: CellBudget) -> None:
        self.text, self.budget = text, budget
        self.created: dict[str, list[str]] = {}  # table (case-folded) -> its CREATE TABLE's columns
        # table (case-folded) -> its columns without the generated ones, or None when its rows may hold columns its
        # CREATE TABLE does not list (INHERITS): how many values a row of an INSERT without a column list holds
        self.stored: dict[str, list[str] | None] = {}
        self.broken = 0  # value lists that did not parse (skipped)
        self.cut = False  # the text ends inside a statement
        self.copies = 0  # COPY blocks read to their end line

    def events(self) -> Iterator[tuple[str, tuple[str, ...], list[str]]]:
        text, at, rows = self.text, 0, 0
        while (m := _STATEMENT.search(text, at)) is not None:
            table = _unquote(m.group("table"))
            at = m.end()
            if m.group("create"):
                made = _column_items(text, at)
                if made is None:
                    self.cut = True
                    return
                items, at = made
                self.created[table.casefold()] = [_name_of(item) for item in items]
                self.stored[table.casefold()] = (None if _INHERITS.match(text, at) else
                                                 [_name_of(item) for item in items if not _generated(item)])
                continue
            if m.group("copy"):
                copy = _COPY.match(text, at)
                if copy is None:
                    continue  # COPY ... TO, or FROM a file: no rows here
                cols = [_unquote(c.strip()) for c in copy.group("cols").split(",")] if copy.group("cols") else None
                header = tuple(cols or self.created.get(table.casefold(), []))
                at = copy.end()
                closed = False
                for line in text[at:].splitlines(keepends=True):
                    at += len(line)
                    body = line.rstrip("\r\n")
                    if body == "\\.":
                        closed = True
                        break
                    rows += 1
                    if not rows % _TICK:
                        self.budget.tick()
                    cells = ["" if c == "\\N" else _unescape(c) for c in body.split("\t")]
                    self.budget.add(len(cells))
                    yield table, header, cells
                if not closed:
                    self.cut = True
                    return
                self.copies += 1
                continue
            got = _columns(text, at)  # INSERT INTO t [(columns)] VALUES (...), (...)
            if got is None:
                line_end = text.find("\n", at)
                if line_end >= 0 and _STATEMENT.search(text, line_end) is not None:
                    self.broken += 1  # a column list a garbled line never closes, statements after it: they are
                    at = line_end     # read (damage17: a UTF-16 script with a stray byte ended there, "cut")
                    continue
                self.cut = True
                return
            cols, at = got
            header = tuple(cols or self.created.get(table.casefold(), []))
            stored = None if cols else self.stored.get(table.casefold())  # the other count a whole row may hold
            counted = bool(header) and (bool(cols) or stored is not None)  # (INHERITS: a row holds more)
            gap = _GAP.match(text, at)
            at = gap.end() if gap else at
            values = _VALUES.match(text, at)
            if values is None:
                if _NO_ROWS.match(text, at) is None:  # neither VALUES nor a form without rows: its keyword damaged
                    self.broken += 1  # (damage16: ``\x97ALUES(5, ...)``: the row skipped, read ok)
                continue  # INSERT ... SELECT, DEFAULT VALUES: no rows written out
            at = values.end()
            while True:
                gap = _GAP.match(text, at)
                at = gap.end() if gap else at
                if at >= len(text):
                    self.cut = True
                    return
                opened = at
                fast = _TUPLE.match(text, at)
                if fast is not None:
                    cells = [_value(v.group(0)) for v in _ONE.finditer(fast.group(1))]
                    at = fast.end()
                else:
                    slow = _tuple_slow(text, at) if text[at] == "(" else None
                    if slow is None:
                        if text.find(";", at) < 0 and text.find("\n", at) < 0:
                            self.cut = True  # the last line ends inside the list
                            return
                        self.broken += 1  # skipped to the next list or statement
                        nxt = text.find("),(", at)
                        line_end = text.find("\n", at)
                        if nxt >= 0 and (line_end < 0 or nxt < line_end):
                            at = nxt + 2
                            continue
                        at = line_end if line_end >= 0 else len(text)
                        break
                    cells, at = slow
                rows += 1
                if not rows % _TICK:
                    self.budget.tick()
                self.budget.add(len(cells))
                if stored is not None and len(cells) == len(stored) != len(header):
                    header = tuple(stored)  # its generated columns left out (sqlite3 .dump)
                if counted and len(cells) != len(header):  # a damaged quote shifted its strings: several lists
                    self.broken += 1  # read as one, or values moved (damage16: read ok with rows lost)
                    later = _STATEMENT.search(text, opened + 1, at)
                    if later is not None:  # statements swallowed into one string: read again from the first
                        at = later.start()
                        break
                yield table, header, cells
                gap = _GAP.match(text, at)
                at = gap.end() if gap else at
                if text[at:at + 1] != ",":
                    break
                at += 1

    def unfinished(self) -> bool:
        """A dump whose tool's closing line is missing (cut between two statements)."""
        head, tail = self.text[:_OPENING], self.text[-4096:]
        return any(start in head and end not in tail for start, end in _DUMP_ENDS)

    def lost_copies(self) -> int:
        """COPY blocks whose rows were not read: end lines (``\\.``) beyond those of the blocks read (a damaged
        COPY line leaves its rows behind it unread)."""
        return max(0, len(_COPY_END.findall(self.text)) - self.copies)


def iter_sql_dump(data: bytes, caps: Caps) -> Iterator[Sheet]:
    """A sheet per run of rows of one table (its name, its columns as the header row), in the dump's order. What
    was lost (value lists skipped, a cut) is said on the last sheet once its rows are read; a dump without rows
    but with damage gives one empty sheet that says it."""
    budget = CellBudget(caps)
    dec = plan_decoding(data, b",")
    reader = _Reader("".join(iter_lines(data, dec, b",")), budget)
    events = reader.events()
    pending = next(events, None)

    zeroed = zeroed_block(data)
    # a UTF-16 script (SSMS saves so) of an odd length: cut, even between two statements (damage16: read ok), unless
    # a byte added or lost inside a line explains it (the lines were read on in step: damage17, said "cut")
    odd = dec.codec.startswith("utf-16") and (len(data) - dec.start) % 2 == 1

    def ended(sheet: Sheet) -> None:
        if broken := reader.broken + reader.lost_copies():
            sheet.damage.append(say(Detail.SQL_ROWS_UNPARSED, n=broken))
        if zeroed is not None:  # the lines lose their NUL bytes: the block said (damage16: rows lost, read ok)
            sheet.damage.append(say(Detail.NUL_BLOCK, n=zeroed[1], at=zeroed[0]))
        if dec.realigned:
            sheet.damage.append(say(Detail.UTF16_REALIGNED, n=dec.realigned))
        if reader.cut or reader.unfinished() or (odd and dec.realigned % 2 == 0):
            sheet.damage.append(say(Detail.SQL_DUMP_CUT))
        if dec.note():
            sheet.notes.append(say(Detail.DECODING, note=dec.note()))

    if pending is None:
        empty = Sheet("", [])
        ended(empty)
        if empty.damage or empty.notes:
            yield empty
        return
    while pending is not None:
        first = pending
        sheet = Sheet(first[0], [])

        def rows(first: tuple[str, tuple[str, ...], list[str]] = first, sheet: Sheet = sheet) -> Iterator[list[str]]:
            nonlocal pending
            key = first[:2]
            if key[1]:
                yield list(key[1])
            yield first[2]
            for event in events:
                if event[:2] != key:
                    pending = event
                    return
                yield event[2]
            pending = None
            ended(sheet)

        sheet.rows = rows()
        yield sheet
