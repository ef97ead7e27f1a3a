"""Copies of rows a workbook keeps outside its sheets: pivot caches and external-link caches.

Excel keeps every source row of a pivot table inside the workbook (``pivotCacheRecords``: saveData is on
by default), and it keeps them after the source sheet is deleted or emptied; a workbook whose formulas
look values up in another workbook keeps the last values it read from it (``externalLink`` sheetDataSet):
a summary book that VLOOKUPs the client list carries a copy of that list. Each such copy is rebuilt as a
table and examined like a sheet (``Sheet.origin`` says where it came from): a pivot cache as its field
names (the source's header row) over its records, an external-link cache as the cells it holds, by
reference. A damaged copy costs that copy only: the rows before the damage are examined and the damage
is listed (truncated XML, an index past the shared items, a records part that is missing). Copies that
cannot be decoded here are listed as not examined, never passed as clean: the binary pivot caches and
external links of .xlsb, the pivot caches of .xls (``_SX_DB_CUR``), and the Power Pivot data model
(``xl/model/item.data``, XPress9-compressed). lxml parses with entities, DTDs and the network off; every
cell counts against the cell budget and the parse timeout. Runs in the worker process (scanner.isolation).
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any
from urllib.parse import unquote

from .codes import Status
from .details import Detail, say
from .errors import ReadError, error_name
from .ooxml import OoxmlPackage, part_relationships, resolve_target
from .sheet import Caps, CellBudget, Sheet, column_letter, origin_label
from .textsafe import shown

MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
MAX_TARGET = 300  # characters of an external workbook's name kept for the report
MAX_PART = 120  # characters of a part name in a detail


def _shown(text: str, limit: int = MAX_PART) -> str:
    """Hostile text (member names, link targets) with hidden characters made visible, cut to ``limit``."""
    return shown(text[:limit]) + ("…" if len(text) > limit else "")


def _parser_args() -> dict[str, Any]:
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False,
            "remove_comments": True, "remove_pis": True}


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _folder(name: str) -> str:
    head = name.rpartition("/")[0]
    return head + "/" if head else ""


def _rels_of(name: str) -> str:
    folder, _, base = name.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def _number(text: str | None) -> object:
    """A cached number as calamine gives a sheet's number (a float), so both copies of a row read alike."""
    if text is None:
        return ""
    try:
        return float(text)
    except ValueError:
        return text


def _date(text: str | None) -> object:
    """A cached date (ISO 8601) as calamine gives a date cell: a date at midnight, else a datetime."""
    if not text:
        return ""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return value.date() if value.time() == dt.time() else value


def _item(el) -> object:
    """A pivot cache item (shared item or inline record value) as a cell value."""
    kind = _local(el.tag)
    v = el.get("v")
    if kind == "s":
        return v or ""
    if kind == "n":
        return _number(v)
    if kind == "d":
        return _date(v)
    if kind == "b":
        return v in ("1", "true")
    return ""  # m (missing), e (error)


def xls_caches(data: bytes, storages: list[str], caps: Caps, workbook: bytes | None = None) -> Iterator[Sheet]:
    """The pivot caches of an .xls: each stream of ``_SX_DB_CUR`` (BIFF8) as a table, its source named from the
    ``workbook`` stream; ``_SX_DB`` (Excel 5/95, code-page strings) is listed as not examined."""
    import olefile  # a dependency of msoffcrypto-tool

    sources = _xls_sources(workbook or b"")

    for name in storages:
        if name != "_SX_DB_CUR":
            yield Sheet("", [], unread=[say(Detail.PIVOT_BIFF5_UNREAD, storage=name)])
            continue
        try:
            with olefile.OleFileIO(io.BytesIO(data)) as ole:
                streams = sorted("/".join(p) for p in ole.listdir(streams=True, storages=False)
                                 if len(p) == 2 and p[0].casefold() == name.casefold())
                payloads = [(s, ole.openstream(s).read()) for s in streams]
        except Exception as e:  # noqa: BLE001 - olefile raises many kinds on damaged containers
            yield Sheet("", [], damage=[say(Detail.CACHE_UNREADABLE, what=say(Detail.CACHE_PIVOT_STORAGE, part=_shown(name)), error=error_name(e))])
            continue
        for n, (stream, payload) in enumerate(payloads, 1):
            what = say(Detail.CACHE_PIVOT, n=n, part=_shown(stream))
            sheet_name, source_range, source_type = sources.get(stream.rpartition("/")[2].upper(), ("", "", "worksheet"))
            origin = {"kind": "pivot-cache", "number": str(n), "part": stream[:MAX_PART], "sheet": sheet_name,
                      "range": source_range, "source_type": source_type}
            sheet = Sheet(origin_label(origin), [], origin=origin)
            sheet.rows = _biff_records(payload, CellBudget(caps), sheet, what)
            yield sheet


# The workbook globals name each pivot cache's source ([MS-XLS] 2.1.7.20.5 PIVOTCACHEDEFINITION): SXIDSTM (the
# cache's stream, _SX_DB_CUR/0001 for id 1), SXVS (the kind of source), then DCONREF (a sheet range), DCONNAME (a
# defined name or table) or DCONBIN (a built-in name). A DCONREF's sheet is a virtual path: 0x02 then the name of a
# sheet of this workbook.
BOF8, SXIDSTM, SXVS, DCONREF, DCONNAME, DCONBIN = 0x0809, 0x00D5, 0x00E3, 0x0051, 0x0052, 0x01B5
SOURCE_TYPES = {0x0001: "worksheet", 0x0002: "external", 0x0004: "consolidation", 0x0008: "pivot table",
                0x0010: "scenario"}
BUILT_IN_NAMES = {0x0D: "_FilterDatabase", 0x0A: "Database", 0x07: "Extract", 0x06: "Print_Area"}


def _xls_sources(workbook: bytes) -> dict[str, tuple[str, str, str]]:
    """Stream name (``0001``) -> (sheet, range or name, source type), read from the globals (up to their EOF)."""
    out: dict[str, tuple[str, str, str]] = {}
    at, current = 0, ""
    while at + 4 <= len(workbook):
        rtype, size = struct.unpack_from("<HH", workbook, at)
        body = workbook[at + 4:at + 4 + size]
        at += 4 + size
        if rtype == SXEOF:
            break  # the globals end; sheets follow
        if rtype == SXIDSTM and len(body) >= 2:
            current = f"{struct.unpack_from('<H', body)[0]:04X}"
            out[current] = ("", "", "worksheet")
        elif not current:
            continue
        elif rtype == SXVS and len(body) >= 2:
            out[current] = (*out[current][:2], SOURCE_TYPES.get(struct.unpack_from("<H", body)[0], "other"))
        elif rtype == DCONREF and len(body) >= 8:
            first_row, last_row, first_col, last_col, count = struct.unpack_from("<HHBBH", body)
            path = _biff_string(struct.pack("<H", count) + body[8:])
            sheet = path[1:MAX_PART + 1] if path.startswith("\x02") else ""  # else a path to another workbook
            cells = f"{column_letter(first_col)}{first_row + 1}:{column_letter(last_col)}{last_row + 1}"
            out[current] = (sheet, cells, out[current][2])
        elif rtype == DCONNAME and len(body) >= 3:
            out[current] = ("", _biff_string(body)[:MAX_PART], out[current][2])
        elif rtype == DCONBIN and len(body) >= 1:
            out[current] = ("", BUILT_IN_NAMES.get(body[0], "?"), out[current][2])
    return out


# BIFF8 pivot cache stream records ([MS-XLS] 2.4: SXDB, SXFDB, SXDBB and the cache items)
SXDB, SXFDB, SXDBB, SXEOF = 0x00C6, 0x00C7, 0x00C8, 0x000A
SXNUM, SXBOOL, SXERR, SXINT, SXSTRING, SXDTR, SXNIL = 0x00C9, 0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF
ITEM_RECORDS = frozenset({SXNUM, SXBOOL, SXERR, SXINT, SXSTRING, SXDTR, SXNIL})
# SXFDB flags: items follow the field; its values follow each record instead (postponed); a calculated field;
# a field grouping another; a numeric or date grouping; 2-byte indexes in SXDBB
F_ITEMS, F_POSTPONED, F_CALCULATED, F_PARENT, F_NUMGROUP, F_16BIT = 0x0001, 0x0002, 0x0004, 0x0008, 0x0010, 0x0200


def _biff_item(rtype: int, body: bytes) -> object:
    """One cache item as a cell value, as calamine gives the same cell from a sheet."""
    if rtype == SXNUM and len(body) >= 8:
        return struct.unpack_from("<d", body)[0]
    if rtype == SXINT and len(body) >= 2:
        return float(struct.unpack_from("<h", body)[0])
    if rtype == SXBOOL and len(body) >= 2:
        return body[0] != 0 or body[1] != 0
    if rtype == SXSTRING:
        return _biff_string(body)
    if rtype == SXDTR and len(body) >= 8:
        year, month, day, hour, minute, second = struct.unpack_from("<HHBBBB", body)
        try:
            value = dt.datetime(year, month, day, hour, minute, second)
        except ValueError:
            return ""
        return value.date() if value.time() == dt.time() else value
    return ""  # SXERR, SXNIL, or a record too short


def _biff_string(body: bytes, at: int = 0) -> str:
    """An XLUnicodeString: a 2-byte character count, a flag byte (bit 0: UTF-16LE, else one byte a character)."""
    if len(body) < at + 3:
        return ""
    count, flags = struct.unpack_from("<HB", body, at)
    raw = body[at + 3:]
    if flags & 1:
        return raw[:2 * count].decode("utf-16-le", "replace")
    return raw[:count].decode("latin-1")


class _Field:
    __slots__ = ("flags", "items", "name", "standard")

    def __init__(self, body: bytes) -> None:
        self.flags = struct.unpack_from("<H", body)[0] if len(body) >= 2 else 0
        group_items, base_items = struct.unpack_from("<HH", body, 8) if len(body) >= 12 else (0, 0)
        self.name = _biff_string(body, 14)
        self.standard = not self.flags & (F_CALCULATED | F_NUMGROUP) and not group_items and not base_items
        self.items: list[object] = []


def _biff_records(stream: bytes, budget: CellBudget, sheet: Sheet, what: str) -> Iterator[list[object]]:
    """The cache's field names, then one row per cache record: SXDBB indexes each inline field's items, and the
    values of postponed fields follow it, one item each, in field order."""
    current: _Field | None = None
    indexed: list[tuple[int, _Field]] = []  # (column, field) read by index
    postponed: list[tuple[int, _Field]] = []  # (column, field) whose values follow each record
    header: list[str] = []
    row: list[object] | None = None
    turn = 0  # the next postponed field
    bad = 0
    started = ended = False
    i, end = 0, len(stream)
    while i + 4 <= end:
        rtype, size = struct.unpack_from("<HH", stream, i)
        body = stream[i + 4:i + 4 + size]
        i += 4 + size
        if len(body) < size or rtype == SXEOF:
            ended = rtype == SXEOF and len(body) == size
            break
        new_row = rtype == SXDBB or (rtype in ITEM_RECORDS and current is None and postponed and not indexed
                                     and turn == 0)
        if new_row:  # the row before is complete: out it goes (after the header, the first time)
            if not started:
                started = True
                budget.add(len(header))
                yield list(header)
            if row is not None:
                budget.add(len(row) or 1)
                if not budget.cells & 0x3FFF:
                    budget.tick()
                yield row
            row, turn = [""] * len(header), 0
        if rtype == SXFDB:
            field = _Field(body)
            if field.standard and (field.flags & F_POSTPONED or not field.flags & F_ITEMS):  # values follow each record
                postponed.append((len(header), field))
                header.append(field.name)
                current = None
            elif field.standard and field.flags & F_ITEMS:
                indexed.append((len(header), field))
                header.append(field.name)
                current = field
            else:  # calculated and grouping fields: derived, not source columns; their items are skipped
                current = field if field.flags & F_ITEMS else None
        elif rtype in ITEM_RECORDS:
            if current is not None:
                current.items.append(_biff_item(rtype, body))
                budget.add(1)
            elif postponed and row is not None:
                col = postponed[turn][0]
                if col < len(row):
                    row[col] = _biff_item(rtype, body)
                else:
                    bad += 1  # a field declared after the records began (damaged): not in this row
                turn = (turn + 1) % len(postponed)
            else:
                bad += 1  # a value no field takes: the records are out of step
        elif rtype == SXDBB and row is not None:
            current = None
            at = 0
            for col, field in indexed:
                width = 2 if field.flags & F_16BIT else 1
                index = int.from_bytes(body[at:at + width], "little") if at + width <= len(body) else -1
                at += width
                if 0 <= index < len(field.items):
                    row[col] = field.items[index]
                else:
                    bad += 1
    if row is not None:
        yield row
    elif header:
        sheet.notes.append(say(Detail.CACHE_NO_RECORDS, what=what))
    if bad:
        sheet.damage.append(say(Detail.CACHE_CELLS_PAST_ITEMS, what=what, count=bad))
    if not ended:
        sheet.damage.append(say(Detail.CACHE_NO_EOF, what=what))


def cached_tables(data: bytes, fmt: str, package: OoxmlPackage | None, caps: Caps) -> Iterator[Sheet]:
    """The tables a workbook keeps outside its sheets, each a Sheet with ``origin`` set; parts that cannot be
    decoded come as an empty Sheet whose ``unread`` says what was not examined. Nothing to do (and nothing
    opened) when the package names no such part."""
    if package is None or not package.caches:
        return
    binary_pivots = [p for p in package.pivot_caches if p.endswith(".bin")]
    if binary_pivots:  # .xlsb keeps them in BIFF12 records whose layout depends on each field: listed, not decoded
        yield Sheet("", [], unread=[say(Detail.PIVOT_XLSB_UNREAD, n=len(binary_pivots),
                                        part=_shown(package.members.get(binary_pivots[0], binary_pivots[0])))])
    if package.data_model:
        yield Sheet("", [], unread=[say(Detail.DATA_MODEL_UNREAD,
                                        part=_shown(package.members.get(package.data_model[0], package.data_model[0])))])
    if fmt not in ("xlsx", "xlsb") or not (package.external_links or len(binary_pivots) < len(package.pivot_caches)):
        return
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for n, part in enumerate(sorted(package.pivot_caches, key=_natural), 1):
            if part.endswith(".xml"):
                yield from _guarded(partial(_pivot_cache, zf, package.members, part, n, caps),
                                    say(Detail.CACHE_PIVOT, n=n, part=_shown(package.members.get(part, part))))
        for n, part in enumerate(sorted(package.external_links, key=_natural), 1):
            reader = _external_link if part.endswith(".xml") else _external_link_bin
            yield from _guarded(partial(reader, zf, package.members, part, n, caps),
                                say(Detail.CACHE_EXTERNAL, n=n, part=_shown(package.members.get(part, part))))


def _natural(name: str) -> tuple[int, str]:
    """pivotCacheDefinition2 before pivotCacheDefinition10: caches numbered as Excel numbers their parts."""
    digits = "".join(ch for ch in name.rpartition("/")[2] if ch.isdigit())[:9]
    return int(digits or 0), name


def _guarded(tables: Callable[[], Iterator[Sheet]], what: str) -> Iterator[Sheet]:
    """The tables of one part; any failure of that part becomes its damage (the workbook's other parts go on)."""
    try:
        yield from tables()
    except ReadError as e:
        if e.reason != Status.CORRUPT:
            raise  # too-large and timeout are the workbook's (the caps are the file's)
        yield Sheet("", [], damage=[say(Detail.CACHE_FAILED, what=what, why=e.detail)])
    except MemoryError as e:
        raise ReadError(Status.TOO_LARGE, say(Detail.OUT_OF_MEMORY_PARSING)) from e
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, KeyError) as e:
        yield Sheet("", [], damage=[say(Detail.CACHE_UNREADABLE, what=what, error=error_name(e))])


def _open(zf: zipfile.ZipFile, members: dict[str, str], part: str):
    own = members.get(part)
    if own is None:
        raise ReadError(Status.CORRUPT, say(Detail.PART_MISSING))
    return zf.open(own)


def _events(stream, tags: tuple[str, ...], damage: list[str], what: str) -> Iterator[tuple[str, Any]]:
    """(event, element) of ``tags`` (any namespace) in a part; a syntax error ends the events and is recorded."""
    from lxml import etree

    try:
        head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
        if b"<!ENTITY" in head or b"<!DOCTYPE" in head:
            damage.append(say(Detail.CACHE_DTD, what=what))
            return
        yield from etree.iterparse(stream, events=("start", "end"), tag=tuple("{*}" + t for t in tags),
                                   **_parser_args())
    except etree.XMLSyntaxError as e:
        damage.append(say(Detail.CACHE_XML_BREAKS, what=what, error=error_name(e)))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:  # a damaged deflate stream, a bad CRC at its end
        damage.append(say(Detail.CACHE_PART_DAMAGED, what=what, error=error_name(e)))


# --- pivot caches --------------------------------------------------------------------------------------

class _Definition:
    """What a pivot cache definition says: where its rows came from, its database fields and shared items."""

    def __init__(self) -> None:
        self.source_type = "worksheet"  # or external, consolidation, scenario
        self.sheet = ""  # the source sheet's name (personal data: masked in outputs)
        self.range = ""  # A1:F300, or the name of a table or named range
        self.save_data = True
        self.records_count = ""
        self.names: list[str] = []  # database fields only (fields with databaseField="0" are not in the records)
        self.shared: list[list[object]] = []


def _definition(zf: zipfile.ZipFile, members: dict[str, str], part: str, budget: CellBudget,
                damage: list[str], what: str) -> _Definition:
    d = _Definition()
    in_field = False
    database = True
    with _open(zf, members, part) as stream:
        for event, el in _events(stream, ("pivotCacheDefinition", "cacheSource", "worksheetSource", "cacheField",
                                          "sharedItems"), damage, what):
            tag = _local(el.tag)
            if event == "start":
                if tag == "pivotCacheDefinition":
                    d.save_data = el.get("saveData", "1") not in ("0", "false")
                    d.records_count = el.get("recordCount", "")
                elif tag == "cacheSource":
                    d.source_type = str(el.get("type") or "worksheet")[:40]
                elif tag == "worksheetSource":
                    d.sheet = (el.get("sheet") or "")[:MAX_PART]
                    d.range = (el.get("ref") or el.get("name") or "")[:MAX_PART]
                elif tag == "cacheField":
                    in_field = True
                    database = el.get("databaseField", "1") not in ("0", "false")
                    if database:
                        d.names.append(el.get("name") or "")
                        d.shared.append([])
                continue
            if tag == "sharedItems" and in_field and database:
                items = [_item(child) for child in el if isinstance(child.tag, str)]
                budget.add(len(items))
                d.shared[-1] = items
                el.clear()
            elif tag == "cacheField":
                in_field = False
                el.clear()
                budget.tick()
    return d


def _pivot_cache(zf: zipfile.ZipFile, members: dict[str, str], part: str, n: int, caps: Caps) -> Iterator[Sheet]:
    """One pivot cache as a table: its field names, then one row per cached record."""
    what = say(Detail.CACHE_PIVOT, n=n, part=_shown(members.get(part, part)))
    budget = CellBudget(caps)
    damage: list[str] = []
    d = _definition(zf, members, part, budget, damage, what)
    named = next((resolve_target(_folder(part), target) for rel_type, target
                  in part_relationships(zf, members, _rels_of(part)) if rel_type.endswith("/pivotCacheRecords")), None)
    usual = _folder(part) + part.rpartition("/")[2].replace("definition", "records")  # a rels part that lost it
    records = named if named is not None else usual if usual in members else None
    origin = {"kind": "pivot-cache", "number": str(n), "part": members.get(part, part)[:MAX_PART], "sheet": d.sheet, "range": d.range,
              "source_type": d.source_type}
    sheet = Sheet(origin_label(origin), [], origin=origin, damage=damage)
    if damage and not d.names:
        yield sheet
        return
    if records is None or records not in members:
        if records is not None and d.save_data:  # named, but gone
            damage.append(say(Detail.CACHE_RECORDS_MISSING, what=what, part=_shown(records)))
        else:  # saveData off, or a writer that keeps none (Google Sheets): the pivot table's sheet holds what is left
            sheet.notes.append(say(Detail.CACHE_NO_RECORDS, what=what))
        yield sheet
        return
    budget.next_sheet()
    sheet.rows = _records(zf, members[records], d, budget, damage, what)
    yield sheet


def _records(zf: zipfile.ZipFile, own: str, d: _Definition, budget: CellBudget, damage: list[str],
             what: str) -> Iterator[list[object]]:
    """The header (field names), then each ``<r>`` record: ``<x v>`` indexes the field's shared items, other
    children are the value itself. An index past the shared items leaves its cell empty and is counted."""
    yield list(d.names)
    budget.add(len(d.names))
    bad = 0
    count = 0
    try:
        stream = zf.open(own)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as e:
        damage.append(say(Detail.CACHE_RECORDS_UNREADABLE, what=what, error=error_name(e)))
        return
    with stream:
        for event, el in _events(stream, ("r",), damage, what):
            if event != "end":
                continue
            row: list[object] = []
            for i, child in enumerate(c for c in el if isinstance(c.tag, str)):
                if _local(child.tag) == "x":
                    shared = d.shared[i] if i < len(d.shared) else []
                    try:
                        k = int(child.get("v", ""))
                        if k < 0:  # a damaged index: never Python's count from the end
                            raise IndexError(k)
                        row.append(shared[k])
                    except (ValueError, IndexError):
                        row.append("")
                        bad += 1
                else:
                    row.append(_item(child))
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
            count += 1
            budget.add(len(row) or 1)
            if not count & 0x3FF:
                budget.tick()
            yield row
    if bad:
        damage.append(say(Detail.CACHE_CELLS_PAST_SHARED, what=what, count=bad))


# --- external-link caches ---------------------------------------------------------------------------------

def _external_link(zf: zipfile.ZipFile, members: dict[str, str], part: str, n: int, caps: Caps) -> Iterator[Sheet]:
    """Each cached sheet of one external link as a table, cells placed by their references."""
    what = say(Detail.CACHE_EXTERNAL, n=n, part=_shown(members.get(part, part)))
    shown_target = _link_target(zf, members, part)
    damage: list[str] = []
    names: list[str] = []
    budget = CellBudget(caps)
    rows: list[list[object]] = []
    sheet_id = ""
    at = 0
    done = 0
    with _open(zf, members, part) as stream:
        for event, el in _events(stream, ("sheetName", "sheetData", "row"), damage, what):
            tag = _local(el.tag)
            if tag == "sheetName" and event == "end":
                names.append(el.get("val") or "")
            elif tag == "sheetData" and event == "start":
                sheet_id, rows, at = el.get("sheetId") or "", [], 0
                budget.next_sheet()
            elif tag == "row" and event == "end":
                at = _place_row(el, rows, at, budget)
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
            elif tag == "sheetData" and event == "end":
                el.clear()
                done += 1
                if rows:
                    yield _external_sheet(rows, names, sheet_id, n, members.get(part, part), shown_target, [])
                rows = []
    if damage:  # the sheet being read when the part broke: its rows so far, with the damage
        yield _external_sheet(rows, names, sheet_id, n, members.get(part, part), shown_target, damage)


def _link_target(zf: zipfile.ZipFile, members: dict[str, str], part: str) -> str:
    """The linked workbook's name from the part's relationships, URL-decoded and cut (hostile text, kept as text)."""
    target = next((t for rel_type, t in part_relationships(zf, members, _rels_of(part))
                   if "externalLinkPath" in rel_type or rel_type.endswith("/xlPathMissing")), "")
    return unquote(target, errors="replace")[:MAX_TARGET]


# BIFF12 external-link records ([MS-XLSB] 2.4): the sheet names, then per cached sheet its rows and cells
BRT_SUP_TABS, BRT_TABLE_START, BRT_TABLE_END, BRT_ROW = 0x167, 0x16B, 0x16C, 0x16E
BRT_BLANK, BRT_REAL, BRT_BOOL, BRT_ERROR, BRT_STRING = 0x16F, 0x170, 0x171, 0x172, 0x173


def _wide(body: bytes, at: int) -> tuple[str, int]:
    """An XLWideString (u32 character count, UTF-16LE) at ``at``: its text and the offset after it."""
    (count,) = struct.unpack_from("<I", body, at)
    end = at + 4 + 2 * count
    if end > len(body):
        raise ValueError("string past the record")
    return body[at + 4:end].decode("utf-16-le", "replace"), end


def _external_link_bin(zf: zipfile.ZipFile, members: dict[str, str], part: str, n: int,
                       caps: Caps) -> Iterator[Sheet]:
    """Each cached sheet of an .xlsb external link (BIFF12) as a table, cells placed by row and column."""
    from .xlsb import biff12_records

    what = say(Detail.CACHE_EXTERNAL, n=n, part=_shown(members.get(part, part)))
    target = _link_target(zf, members, part)
    with _open(zf, members, part) as stream:
        data = stream.read()
    names: list[str] = []
    damage: list[str] = []
    budget = CellBudget(caps)
    rows: list[list[object]] | None = None
    sheet_id = ""
    at = stray = 0
    try:
        for rtype, _, body in biff12_records(data):
            if rtype == BRT_SUP_TABS and len(body) >= 4:
                offset = 4
                for _ in range(min(struct.unpack_from("<I", body)[0], 65535)):
                    name, offset = _wide(body, offset)
                    names.append(name)
            elif rtype == BRT_TABLE_START and len(body) >= 4:
                sheet_id, rows, at = str(struct.unpack_from("<I", body)[0]), [], 0
                budget.next_sheet()
            elif rtype == BRT_TABLE_END and rows is not None:
                if rows:
                    yield _external_sheet(rows, names, sheet_id, n, members.get(part, part), target, [])
                rows = None
            elif not BRT_ROW <= rtype <= BRT_STRING:
                stray += rows is not None  # another record inside a cached sheet: the records are damaged
            elif rows is None or len(body) < 4 or (not rows and rtype != BRT_ROW):
                stray += 1  # a row or cell outside a cached sheet, too short, or a cell before any row
            elif rtype == BRT_ROW:
                r = struct.unpack_from("<I", body)[0] + 1
                at = r if at < r <= MAX_ROW else at + 1
                while len(rows) < at:
                    rows.append([])
                    budget.add(1)
                if not at & 0x3FF:
                    budget.tick()
            elif rows:  # a cell of the current row
                col = struct.unpack_from("<I", body)[0]
                row = rows[-1]
                col = col if len(row) <= col < MAX_COL else len(row)
                budget.add(col - len(row) + 1)  # the padding is held too: counted before it is made
                row.extend([""] * (col - len(row)))
                row.append(_bin_cell(rtype, body))
    except (ValueError, struct.error, IndexError) as e:
        damage.append(say(Detail.CACHE_RECORDS_BREAK, what=what, error=error_name(e)))
    if stray:
        damage.append(say(Detail.CACHE_RECORDS_STRAY, what=what, count=stray))
    if rows is not None:  # the part ended inside a cached sheet
        damage.append(say(Detail.CACHE_ENDS_IN_SHEET, what=what))
        yield _external_sheet(rows, names, sheet_id, n, members.get(part, part), target, damage)
    elif damage:
        yield Sheet("", [], damage=damage)


def _bin_cell(rtype: int, body: bytes) -> object:
    if rtype == BRT_REAL and len(body) >= 12:
        return struct.unpack_from("<d", body, 4)[0]
    if rtype == BRT_BOOL and len(body) >= 5:
        return body[4] != 0
    if rtype == BRT_STRING:
        return _wide(body, 4)[0]
    return ""  # blank, error


def _external_sheet(rows: list[list[object]], names: list[str], sheet_id: str, n: int, part: str, target: str,
                    damage: list[str]) -> Sheet:
    try:
        name = names[int(sheet_id)]
    except (ValueError, IndexError):
        name = f"sheet {sheet_id}" if sheet_id else ""
    origin = {"kind": "external-link", "number": str(n), "part": part[:MAX_PART], "sheet": name[:MAX_PART], "target": target}
    return Sheet(origin_label(origin), rows, origin=origin, damage=damage)


_COL = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1)}
MAX_ROW, MAX_COL = 1 << 20, 1 << 14  # Excel's sheet: a reference past it is placed as the next cell


def _ref(ref: str) -> tuple[int, int] | None:
    """(row, column), 1-based, of an A1 reference within Excel's sheet, else None."""
    col = 0
    i = 0
    while i < len(ref) and ref[i].upper() in _COL:
        col = col * 26 + _COL[ref[i].upper()]
        i += 1
    if not i or not (ref[i:].isascii() and ref[i:].isdigit()) or not 0 < col <= MAX_COL or not 0 < int(ref[i:]) <= MAX_ROW:
        return None
    return int(ref[i:]), col


def _cell_value(cell) -> object:
    v = next((c.text for c in cell if _local(c.tag) == "v"), None)
    kind = cell.get("t", "n")
    if v is None:
        return ""
    if kind == "n":
        return _number(v)
    if kind == "b":
        return v.strip() in ("1", "true")
    if kind == "e":
        return ""
    return v  # str, inlineStr, s: the text itself (an external cell has no shared-string table)


def _place_row(el, rows: list[list[object]], at: int, budget: CellBudget) -> int:
    """Put one cached ``<row>`` into ``rows`` (gaps as empty rows), cells at their columns; the next row number."""
    try:
        r = int(el.get("r", ""))
    except ValueError:
        r = at + 1
    r = r if at < r <= MAX_ROW else at + 1
    while len(rows) < r - 1:
        rows.append([])
        budget.add(1)
    row: list[object] = []
    for cell in el:
        if _local(cell.tag) != "c" and _local(cell.tag) != "cell":
            continue
        place = _ref(cell.get("r", ""))
        col = place[1] - 1 if place and place[1] - 1 >= len(row) else len(row)
        row.extend([""] * (col - len(row)))
        row.append(_cell_value(cell))
    budget.add(len(row) or 1)
    rows.append(row)
    if not r & 0x3FF:
        budget.tick()
    return r
