"""JSON exports (an API's, a web service's or a document database's records) as tables: a sheet per array of records.

A customer list leaves a web service as JSON as often as as CSV: an array of records (``[{"name": ...}, ...]``), a
document holding named arrays (``{"customers": [...]}``), JSON Lines as ``mongoexport`` and log pipelines write (a
record a line), or an object keyed by id (a Firebase export). Each array of objects, and each object whose values
are all objects, becomes a sheet: its header the records' keys in the order first met, a nested object's keys
under ``parent.key``, a list of plain values joined; arrays nested in records are sheets of their own. The
standard library's ``json`` parses (C); nothing else is done with the values.

Prints that are JSON's relatives are read as the same records, undamaged (damage17: session 16 found them, listed
them damaged and read none of a mongo/Python print's people): JSONC (``//`` and ``/* */`` comments, trailing commas),
mongosh's and the legacy mongo shell's prints (bare keys, single quotes, ``ObjectId('..')``, ``ISODate('..')``,
``NumberLong(..)`` as their argument, documents one after another) and a Python dict printed (``repr``: single quotes,
``\\x`` escapes, ``True``/``False``/``None``). They are rewritten token by token into JSON (``_relaxed``), never
evaluated.

A file that does not parse whole (cut, bytes flipped) is read as JSON Lines when its lines are records, else by
its records one by one (every ``{`` tried, each object that is one record kept): what parses is counted and the
file is listed ``corrupt``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from .details import Detail, say
from .sheet import Caps, CellBudget, Sheet
from .textdecode import Decoding, iter_lines, plan_decoding, reading_notes, zeroed_block

_RECORDS = re.compile(rb"\[\s*\{")  # an array of objects begins
# one record after another: what an array of records shows even when a damaged byte breaks its ``[{``
_NEXT_RECORD = re.compile(rb'\}\s*,\s*\{\s*"')
# one document after another at line starts, no comma (the legacy mongo shell's ``.pretty()`` prints)
_NEXT_DOCUMENT = re.compile(rb'\n\}[ \t]*\r?\n\{\s*(?:"|[A-Za-z_$][\w$]*\s*:)')
_LEADING_COMMENTS = re.compile(rb"\A(?:\s*(?://[^\n]*|/\*.*?\*/))+\s*", re.S)
_OPEN = re.compile(r"\{")
MAX_DEPTH = 64  # nesting walked for arrays of records (deeper ones are no export's table)
_TICK = 1024
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


# a JSON object opens with a key's quote or closes at once: ``{\rtf1``, ``{\fonttbl`` (RTF groups, a line each as Word
# writes them), a LaTeX or C brace are no objects (wild16: textract's raw_text.rtf named .txt was a damaged JSON);
# a comment before the keys (JSONC), a bare or single-quoted key (a mongosh print ``{ _id: ObjectId(..)``, a Python
# dict printed) open one too: those person dumps were read or listed before that rule and then ended as nothing
_OBJECT = re.compile(rb"""\{\s*(?:["'}]|//|/\*|[A-Za-z_$][\w$]*\s*:)""")


def _lines_of_records(head: bytes) -> bool:
    lines = [ln.strip() for ln in head.splitlines()[:3] if ln.strip()]
    return len(lines) >= 2 and all(_OBJECT.match(ln) for ln in lines[:2]) and lines[0].endswith(b"}")


def _plain(head: bytes) -> bytes:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    elif head[:1] == b"\x00" or head[1:2] == b"\x00":
        codec = "utf-16-be" if head[:1] == b"\x00" else "utf-16-le"
    else:
        return head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.decode(codec, "ignore").encode("utf-8").lstrip("\ufeff".encode()).lstrip()


def holds_records(head: bytes) -> bool:
    """The text starts as JSON (``[`` or ``{``) and shows an array of objects, or its first lines are objects
    (JSON Lines), within ``head``: worth reading as records. A package manifest or a settings file shows none."""
    text = _LEADING_COMMENTS.sub(b"", _plain(head[:65536]))  # JSONC may open with comments (damage17)
    if text[:1] not in (b"[", b"{") or (text[:1] == b"{" and not _OBJECT.match(text)):
        return False
    return (_RECORDS.search(text) is not None or _lines_of_records(text) or _keyed_records(text)
            or _NEXT_RECORD.search(text) is not None  # its ``[{`` damaged (damage16: a flipped byte: nothing read)
            or _NEXT_DOCUMENT.search(text) is not None
            or (text.startswith(b'{"') and b"\n" not in text.rstrip()))  # one object a line: a record, maybe cut


_KEYED_FIRST = re.compile(rb'\{\s*"[^"\\]{1,64}"\s*:\s*\{')
_KEYED_NEXT = re.compile(rb'\}\s*,\s*"[^"\\]{1,64}"\s*:\s*\{')


def _keyed_records(text: bytes) -> bool:
    """``{"u1": {...}, "u2": {...}`` at the start: an object keyed by id (a Firebase export)."""
    return _KEYED_FIRST.match(text) is not None and _KEYED_NEXT.search(text) is not None


def _decoded(data: bytes) -> tuple[str, Decoding | None]:
    """The text and, when it is no clean UTF-8/UTF-16, how its lines were decoded (damage16: a tail re-encoded or a
    flipped byte sent the whole file to cp932 mojibake or U+FFFD: its people unread, nothing said)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), None
    if data[:1] == b"\x00" or data[1:2] == b"\x00":
        return data.decode("utf-16-be" if data[:1] == b"\x00" else "utf-16-le", "replace"), None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    dec = plan_decoding(data, b",")  # each line in the encoding that explains it, as a text table's
    return "".join(iter_lines(data, dec, b",", max_line=len(data) + 1)), dec


def _flat(record: dict[str, object], prefix: str, out: dict[str, str], depth: int) -> None:
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            if depth < 4:
                _flat(value, f"{name}.", out, depth + 1)
        elif isinstance(value, list):
            plain = [v for v in value if not isinstance(v, dict | list)]
            if plain:
                out[name] = "; ".join("" if v is None else str(v) for v in plain)
        elif value is not None:
            out[name] = value if isinstance(value, str) else json.dumps(value)


def _tables(doc: object) -> Iterator[tuple[str, list[dict[str, object]]]]:
    """(name, records) of every array of objects and every object of objects in ``doc``, outermost first."""
    stack: list[tuple[str, object, int]] = [("", doc, 0)]
    while stack:
        name, node, depth = stack.pop(0)
        if depth > MAX_DEPTH:
            continue
        children: list[tuple[str, object]] = []
        if isinstance(node, list):
            records = [x for x in node if isinstance(x, dict)]
            if records:
                yield name, records
            children = [(name, x) for x in node if isinstance(x, dict | list)]
        elif isinstance(node, dict):
            values = list(node.values())
            if len(values) >= 2 and all(isinstance(v, dict) for v in values):
                records = [v for v in values if isinstance(v, dict)]
                yield name, records
                children = [(name, v) for v in records]
            else:
                children = [(str(k), v) for k, v in node.items() if isinstance(v, dict | list)]
        stack.extend((child if not name or child == name else f"{name}.{child}", value, depth + 1)
                     for child, value in children)


def _one_record(value: dict[str, object]) -> bool:
    """An object that is one record: no array of objects in it and not an object of objects (a table keyed by id).
    Its nested objects (an address as ``{"full": ...}``) stay in it (damage16: only the innermost objects were
    kept, so a damaged export gave its addresses without the names beside them)."""
    inner = list(value.values())
    if len(inner) >= 2 and all(isinstance(v, dict) for v in inner):
        return False
    return not any(isinstance(v, list) and any(isinstance(x, dict) for x in v) for v in inner)


def _one_off(key: str, other: str) -> bool:
    """Two keys of one length that differ in one character, not two digits (``tel1``/``tel2`` are two columns), in
    a part of the key (between dots) of 3 characters or more: keys of one or two letters are all one character
    apart (SheetJS's ``A``, ``B``, ``AA``, ``AB``; ``x``/``y``: review16f, a sparse column was read under another)."""
    if len(key) != len(other):
        return False
    off = [i for i, (a, b) in enumerate(zip(key, other, strict=True)) if a != b]
    if len(off) != 1 or (key[off[0]].isdigit() and other[off[0]].isdigit()):
        return False
    start, end = key.rfind(".", 0, off[0]) + 1, key.find(".", off[0])
    return (len(key) if end < 0 else end) - start >= 3


def _mend_keys(flat: list[dict[str, str]]) -> int:
    """Keys a damaged byte changed (``address.vull`` in one record, ``address.full`` in the 39 others: a column of
    its own, and the person count took it for the address column: 1 person of 40, ``ok``, damage16): a key held by
    at most a tenth of the records, one character off a key most records hold that its record lacks, is renamed
    to it. The number of records mended (0 for an export whose records all share their keys; a key that differs
    only in case is read under the common one and not counted: real exports hold both spellings)."""
    if len(flat) < 4:
        return 0
    counts: dict[str, int] = {}
    for cells in flat:
        for key in cells:
            counts[key] = counts.get(key, 0) + 1
    common = [k for k, n in counts.items() if 2 * n > len(flat)]
    rare = {k for k, n in counts.items() if 10 * n <= len(flat)}
    if not rare or not common:
        return 0
    mended = 0
    for cells in flat:
        for key in [k for k in cells if k in rare]:
            to = next((c for c in common if c not in cells and _one_off(c, key)), None)
            if to is not None:
                cells[to] = cells.pop(key)
                mended += key.casefold() != to.casefold()  # ``Tel``/``tel``: an app's two spellings, one column,
    return mended                                          # no damage (damage17: such exports were listed corrupt)


def _salvaged(text: str, budget: CellBudget) -> tuple[list[dict[str, object]], int]:
    """The records that parse in a damaged text (every ``{`` tried, an object kept when it is one record,
    ``_one_record``), and how many ``{`` started nothing that parsed (the clock looked at as it goes)."""
    decoder = json.JSONDecoder()
    found: list[dict[str, object]] = []
    failed = 0
    at = 0
    while (m := _OPEN.search(text, at)) is not None:
        if not (failed + len(found)) % _TICK:
            budget.tick()
        try:
            value, end = decoder.raw_decode(text, m.start())
        except (ValueError, RecursionError):
            failed += 1
            at = m.end()
            continue
        if isinstance(value, dict) and _one_record(value):
            found.append(value)
            at = end
        else:
            at = m.end()  # an outer object: its inner records are taken one by one
    return found, failed


def _runs(records: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    """Salvaged records cut into tables: a run of records sharing at least half their keys with the run's first
    (the arrays of one export follow each other; a record missing an optional key stays in its run)."""
    runs: list[list[dict[str, object]]] = []
    first: set[str] = set()
    for record in records:
        keys = set(record)
        if not runs or 2 * len(keys & first) < max(len(keys), len(first)):
            runs.append([])
            first = keys
        runs[-1].append(record)
    return runs


# one token of a JSON relative: a string in either quote, a comment, a number, a name, a run of plain JSON
# (punctuation other than , . and the brackets, spaces), or any one character
_TOKEN = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|//[^\n]*|/\*.*?\*/"""
                    r"""|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_$][\w$]*|[^"'/A-Za-z_$,\[\]{}()\d.]+|.""", re.S)
# the same without block comments: for the text after the last ``*/``, where a ``/*`` never closes (each one tried
# to the text's end made a 200 KB print of ``/*`` take 73 s: review17g)
_TOKEN_UNCLOSED = re.compile(_TOKEN.pattern.replace(r"|/\*.*?\*/", ""), re.S)
_LITERALS = {"true": "true", "false": "false", "null": "null", "True": "true", "False": "false", "None": "null",
             "undefined": "null", "NaN": "null", "Infinity": "null"}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_OPERATORS = {"new": ""}  # JavaScript words dropped before a constructor
_PY_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|N\{[^}]*\}|[0-7]{1,3}|.)", re.S)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "a": "\a", "0": "\0", "\n": ""}


def _unescaped(m: re.Match[str]) -> str:
    e = m.group(1)
    if e[0] in "xuU" and len(e) > 1:
        code = int(e[1:], 16)
        return chr(code) if code < 0x110000 else ""
    if e[0].isdigit() and len(e) > 1 or e in "1234567":
        return chr(int(e, 8))
    return _SIMPLE.get(e, "" if e.startswith("N{") else e)


def _string(token: str) -> str:
    """A string token of either quote as a JSON string (Python's and JavaScript's escapes read)."""
    if token[0] == '"':
        try:
            json.loads(token)
            return token
        except ValueError:
            pass
    return json.dumps(_PY_ESCAPE.sub(_unescaped, token[1:-1]), ensure_ascii=False)


def _tokens(text: str) -> list[str]:
    """``_TOKEN``'s tokens of ``text``; one starting after the last ``*/`` is read without block comments."""
    close = text.rfind("*/")
    if close < 0:
        return _TOKEN_UNCLOSED.findall(text)
    tokens: list[str] = []
    for m in _TOKEN.finditer(text):
        if m.start() > close:
            return tokens + _TOKEN_UNCLOSED.findall(text, m.start())
        tokens.append(m.group())
    return tokens


def _relaxed(text: str, budget: CellBudget) -> tuple[str, int] | None:
    """``text`` rewritten as JSON when it is one of JSON's relatives (see the module docstring), token by token:
    comments dropped, a name before ``:`` quoted, single-quoted strings and Python's escapes made JSON's, a
    constructor (``ObjectId('..')``, ``new Date(..)``, ``NumberLong(5)``) its first argument, ``True``/``None`` ...
    JSON's literals, a comma before a closing bracket dropped, a tuple a list, adjacent strings one (review17g: a
    printed tuple or a long value pprint wrapped left the records unread, 0 of 20, `json-damaged`). With the text,
    how many bare words stood as values (no print writes one: a damaged byte made it); None when nothing needed
    rewriting (plain JSON, damaged or not)."""
    tokens = _tokens(text)
    out: list[str] = []
    changed = False
    bare = 0
    joined: int | None = None  # where the string just written is in ``out``, while only spaces follow it
    i, n = 0, len(tokens)

    def following(k: int) -> str:
        while k < n and (tokens[k].isspace() or tokens[k][:2] in ("//", "/*")):
            k += 1
        return tokens[k] if k < n else ""

    while i < n:
        if not i & 0xFFF:
            budget.tick()
        t = tokens[i]
        first = t[0]
        if first in "\"'" and len(t) > 1 and t[-1] == first:
            if joined is not None:  # Python's adjacent literals (pprint wraps a long value so): one string
                out[joined:] = [json.dumps(json.loads(out[joined]) + json.loads(_string(t)), ensure_ascii=False)]
                changed = True
            else:
                out.append(_string(t))
                changed |= first == "'" or out[-1] is not t
                joined = len(out) - 1
            i += 1
            continue
        if not t.isspace() and t[:2] not in ("//", "/*"):
            joined = None
        if t[:2] in ("//", "/*"):
            out.append(" ")
            changed = True
        elif first.isalpha() or first in "_$":
            nxt = following(i + 1)
            if t in _OPERATORS and nxt[:1].isalpha():  # ``new Date(..)``: the constructor follows
                changed = True
            elif nxt == "." and tokens[i + 1] == "." and tokens[i + 2:i + 3] and tokens[i + 2][:1].isalpha():
                i += 2  # a module before a constructor (``datetime.date(..)``, ``bson.ObjectId(..)``): dropped
                changed = True
                continue
            elif nxt == "(":  # a constructor: its one argument, or its arguments' text (or null)
                k = i + 1
                while tokens[k] != "(":
                    k += 1
                depth, args = 0, []
                while k < n:
                    depth += tokens[k] == "("
                    depth -= tokens[k] == ")"
                    args.append(tokens[k])
                    k += 1
                    if depth == 0:
                        break
                inner = [a.strip() for a in args[1:-1] if not a.isspace()]
                arg = inner[0] if len(inner) == 1 else json.dumps("".join(inner)) if inner else "null"
                out.append(_string(arg) if arg[0] in "\"'" and len(arg) > 1 and arg[-1] == arg[0]
                           else arg if _NUMBER.fullmatch(arg) or len(inner) != 1 else "null")
                changed = True
                i = k
                continue
            elif t in _LITERALS and nxt[:1] != ":":
                out.append(_LITERALS[t])
                changed |= t != _LITERALS[t]
            else:  # a bare key, or a bare word as a value: a string
                out.append(json.dumps(t))
                changed = True
                bare += nxt[:1] != ":"
        elif t == "," and following(i + 1) in ("]", "}", ")"):
            changed = True
        elif t in "()":  # a tuple printed (a constructor's brackets are read with it): a list
            out.append("[" if t == "(" else "]")
            changed = True
        else:
            out.append(t)
        i += 1
    return ("".join(out), bare) if changed else None


def _sequence(text: str) -> list[object] | None:
    """The values of a text that is one JSON value or several one after another (the legacy mongo shell prints a
    document after another), all of it; None when any part does not parse."""
    return _parsed(text)[0]


def _parsed(text: str) -> tuple[list[object] | None, int]:
    """``_sequence``'s values, and where the strict parser stopped when they are None (-1: too deep to say)."""
    decoder = json.JSONDecoder()
    values: list[object] = []
    at, end = 0, len(text)
    while True:
        while at < end and text[at] in " \t\r\n\ufeff":
            at += 1
        if at >= end:
            return values or None, at
        try:
            value, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as e:
            return None, e.pos
        except (ValueError, RecursionError):
            return None, -1
        values.append(value)


def _relative(text: str, stop: int) -> bool:
    """Whether ``text``, which the strict parser stopped in at ``stop``, is a JSON relative: it stopped at a
    relative's token, or the 64 KiB from there hold one (a print damaged before its first bare key: a single-quoted
    string, a comment, a bare key or constructor, Python's ``True``/``False``/``None``)."""
    if _relative_at(text, stop):
        return True
    if text[stop:stop + 1] == '"':  # a string not closed on its line (cut): what follows it is read from the next
        stop = text.find("\n", stop) + 1  # line (a cut URL's ``http:`` is no bare key)
        if not stop:
            return False
    tokens = [t for t in _tokens(text[stop:stop + (1 << 16)]) if not t.isspace()]
    for k, t in enumerate(tokens):
        if (len(t) > 1 and t[0] == t[-1] == "'" or t[:2] == "//" or t[:2] == "/*" and t.endswith("*/")
                or t in ("True", "False", "None")
                or (t[0].isalpha() or t[0] in "_$") and tokens[k + 1:k + 2] in ([":"], ["("])):
            return True
    return False


def _relative_at(text: str, pos: int) -> bool:
    """The strict parser stopped where a JSON relative writes what JSON has not: a comment, a single quote, a bare
    name (a key, a constructor, Python's ``True``), an escape JSON lacks, a comma before a closing bracket. Else
    (a cut, a byte lost, JSON Lines' next line) the text is plain JSON and is not rewritten (review17g: a valid
    50 MB JSON Lines log took 4x as long, every token of it rewritten for nothing)."""
    c = text[pos:pos + 1]
    return bool(c) and (c in "/'\\_$," or c.isalpha()
                        or c in "]}" and text[max(0, pos - 4096):pos].rstrip().endswith(","))


def _json_lines(text: str) -> tuple[list[dict[str, object]], int] | None:
    """JSON Lines: the objects of the lines that parse and the count of those that do not; None when the text is
    no such file (its first line no object)."""
    records: list[dict[str, object]] = []
    bad = 0
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for i, line in enumerate(lines):
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            if i == 0:
                return None
            bad += 1
            continue
        if not isinstance(value, dict):
            if i == 0:
                return None
            bad += 1
            continue
        records.append(value)
    return (records, bad) if len(records) >= 1 and len(lines) >= 2 else None


def iter_json(data: bytes, caps: Caps) -> Iterator[Sheet]:
    """A sheet per table of records (``_tables``); a damaged file's records that parse, listed ``corrupt``."""
    budget = CellBudget(caps)
    text, dec = _decoded(data)
    damage = ""
    tables: list[tuple[str, list[dict[str, object]]]]
    error = ""
    try:
        docs: list[object] | None = [json.loads(text)]
    except (ValueError, RecursionError) as e:
        error = type(e).__name__
        # values one after another, strict (JSON Lines, jq's and the mongo shell's prints of documents without a
        # constructor: review17g, these were listed damaged), else where the strict parser stopped
        docs, stop = _parsed(text)
        relaxed = _relaxed(text, budget) if docs is None and _relative(text, stop) else None
        if relaxed is not None:
            text = relaxed[0]  # a JSON relative: read as JSON, whole or damaged
            docs = _sequence(text)
            if docs is not None and relaxed[1]:  # bare words as values: damage read as text
                damage = say(Detail.JSON_DAMAGED, error=error, n=sum(len(r) for _, r in _tables(docs)))
    if docs is not None:
        merged: dict[str, list[dict[str, object]]] = {}
        for name, records in _tables(docs[0] if len(docs) == 1 else docs):  # a nested array of every record (each customer's orders)
            merged.setdefault(name, []).extend(records)  # is one table
        tables = list(merged.items())
    else:
        lines = _json_lines(text)
        if lines is not None:
            records, bad = lines
            tables = [("", records)]
            if bad:
                damage = say(Detail.JSON_DAMAGED, error=error, n=len(records))
        else:
            records, _ = _salvaged(text, budget)
            tables = [("", group) for group in _runs(records)]
            damage = say(Detail.JSON_DAMAGED, error=error, n=len(records))
    zeroed = zeroed_block(data)  # the decoder drops NULs: the block said (damage17: 4 KiB zeroed read ok, fewer)
    lost = [d for d in (damage, say(Detail.NUL_BLOCK, n=zeroed[1], at=zeroed[0]) if zeroed else "") if d]
    if not tables and lost:
        yield Sheet("", [], damage=lost)
        return
    for i, (name, records) in enumerate(tables):
        sheet = Sheet(name, [])

        def rows(records: list[dict[str, object]] = records, sheet: Sheet = sheet, last: bool = i == len(tables) - 1
                 ) -> Iterator[list[object]]:
            flat = []
            for n, record in enumerate(records):
                cells: dict[str, str] = {}
                _flat(record, "", cells, 0)
                flat.append(cells)
                if not n % _TICK:
                    budget.tick()
            mended = _mend_keys(flat)
            if mended and last:
                sheet.damage.append(say(Detail.JSON_KEY_MENDED, n=mended))
            header = list(dict.fromkeys(k for cells in flat for k in cells))
            yield list(header)
            for cells in flat:
                budget.add(len(header))
                yield [cells.get(k, "") for k in header]
            if last:
                sheet.damage.extend(lost)
            if last:
                sheet.notes.extend(reading_notes(dec))

        sheet.rows = rows()
        yield sheet
