"""Workbooks whose zip cannot be read whole (a copy cut short, a damaged end or member): rebuilt from the
parts their local headers still give, so the rows before the damage are counted and the file is listed
``corrupt`` with them, never as a file with no records.

A cut worksheet (or shared-strings table, or ODS content.xml) keeps its complete rows: the XML is cut after
the last complete row and closed by lxml's recovering parser (entities never resolved). When the workbook
part or its relationships are lost (writers put them last, or first), a plain workbook naming the sheets
that are left is written in their place. Runs in the worker, on bytes already read.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from ..details import Detail, say
from .archive_formats import _zip_local_entries

ZIP_MAGIC = b"PK\x03\x04"
_SHEET = re.compile(r"^xl/worksheets/(?!binaryIndex)[^/]+\.(?:xml|bin)$")  # not an .xlsb's cell index
_NUMBER = re.compile(r"(\d+)")
# where a cut part may be closed: after its last complete row (or string item)
_ROW_ENDS: dict[str, re.Pattern[bytes]] = {
    "sheet": re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?row>"),
    "xl/sharedStrings.xml": re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?si>"),
    "content.xml": re.compile(rb"</table:table-row>"),
}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _close(name: str, content: bytes) -> bytes | None:
    """A cut or damaged XML part closed after its last complete row before the first place the XML breaks (the
    part itself when it is well-formed); None when no complete row is left (or the part is not one whose rows
    can be kept)."""
    return _closed(name, content)[0]


def _closed(name: str, content: bytes) -> tuple[bytes | None, int]:
    """``_close`` and how many complete rows (string items) of a cut XML part were kept (0: whole, or binary)."""
    if name.endswith(".bin"):
        return _close_biff12(name, content), 0
    pattern = _ROW_ENDS.get("sheet" if _SHEET.match(name) else name)
    if pattern is None:
        return None, 0
    from lxml import etree

    safe = {"resolve_entities": False, "no_network": True, "load_dtd": False}
    try:
        etree.fromstring(content, etree.XMLParser(**safe))
        return content, 0  # well-formed whole (damage inside a text, or a cut exactly at the end)
    except etree.XMLSyntaxError as e:
        line, column = e.position
        lines = content.split(b"\n", line - 1)
        # libxml2 counts columns in characters: the offset of that character in the line's bytes
        last = lines[line - 1] if len(lines) >= line else b""
        into = len(last.decode("utf-8", "replace")[:max(column - 1, 0)].encode("utf-8"))
        broken = sum(len(x) + 1 for x in lines[:line - 1]) + into
    ends = [m.end() for m in pattern.finditer(content, 0, broken)]
    if not ends:
        return None, 0
    try:
        root = etree.fromstring(content[:ends[-1]], etree.XMLParser(recover=True, **safe))
    except etree.XMLSyntaxError:
        return None, 0
    return (None, 0) if root is None else (etree.tostring(root, xml_declaration=True, encoding="UTF-8"), len(ends))


# BIFF12 (.xlsb) records that close a cut part: BrtEndSheetData + BrtEndSheet, BrtEndSst ([MS-XLSB] 2.4)
_BIFF12_ENDS = {"sheet": bytes.fromhex("920100" "820100"), "xl/sharedStrings.bin": bytes.fromhex("a00100")}


def _biff12_records(content: bytes) -> Iterator[tuple[int, int, int]]:
    """The complete BIFF12 records of a part, one by one (a 64 MiB part holds tens of millions: none is kept):
    (type, body start, end) each; the type takes 1-2 bytes, the size 1-4 bytes, 7 bits a byte ([MS-XLSB] 2.1.4)."""
    at = 0
    while at < len(content):
        values = []
        for most in (2, 4):
            value = shift = 0
            for _ in range(most):
                if at >= len(content):
                    return
                byte = content[at]
                at += 1
                value |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
            values.append(value)
        body, at = at, at + values[1]
        if at > len(content):
            return
        yield values[0], body, at


_SST_BEGIN, _SST_ITEM, _EMPTY_ITEM = 0x9F, 0x13, bytes.fromhex("1305" "00" "00000000")  # BrtBeginSst, BrtSSTItem
_PAD_MOST = 1 << 20  # empty strings added at most for a cut shared-strings table


def _close_biff12(name: str, content: bytes) -> bytes | None:
    """A cut .xlsb sheet or shared-strings part kept up to its last complete record and closed with the records
    that end it (Session 9: a cut .xlsb gave 0 records); None for other parts or when no record is left. A cut
    shared-strings table is padded with empty strings up to the count it declares: calamine panics (and pyxlsb
    fails) on a cell whose string index is past the table's end, which lost the whole sheet."""
    ends = _BIFF12_ENDS.get("sheet" if _SHEET.match(name) else name)
    if ends is None:
        return None
    done, unique, items = 0, None, 0
    for kind, body, end in _biff12_records(content):
        done = end
        if kind == _SST_BEGIN and unique is None and end - body >= 8:
            unique = int.from_bytes(content[body + 4:body + 8], "little")
        elif kind == _SST_ITEM:
            items += 1
    if not done:
        return None
    if done == len(content) and content.endswith(ends[-3:]):
        return content
    pad = b""
    if name == "xl/sharedStrings.bin":
        pad = _EMPTY_ITEM * min(max((unique or 0) - items, 0), _PAD_MOST)
    return content[:done] + pad + ends


def _workbook_bin(sheets: list[str]) -> dict[str, bytes]:
    """A plain .xlsb workbook part naming the sheets that are left (BrtBeginBook, BrtBundleSh each, BrtEndBook),
    its relationships, the package relationships and content types."""
    def record(kind: int, body: bytes = b"") -> bytes:
        head = bytes([kind & 0x7F | 0x80, kind >> 7]) if kind > 0x7F else bytes([kind])
        size, n = b"", len(body)
        while True:
            size += bytes([n & 0x7F | (0x80 if n > 0x7F else 0)])
            n >>= 7
            if not n:
                return head + size + body

    def wide(text: str) -> bytes:
        return len(text).to_bytes(4, "little") + text.encode("utf-16-le")

    names = [s.rsplit("/", 1)[-1].removesuffix(".bin") for s in sheets]
    book = record(0x83) + record(0x8F) + b"".join(
        record(0x9C, bytes(4) + i.to_bytes(4, "little") + wide(f"rId{i}") + wide(n)) for i, n in enumerate(names, 1)
    ) + record(0x90) + record(0x84)
    parts = _workbook_parts([s.removesuffix(".bin") + ".xml" for s in sheets], {})
    ms = "application/vnd.ms-excel"
    return {
        "[Content_Types].xml": parts["[Content_Types].xml"].replace(b".xml\" ContentType=\"application/vnd.openxmlformats-"
                                                                   b"officedocument.spreadsheetml.worksheet+xml", b".bin\" "
                                                                   b"ContentType=\"" + ms.encode() + b".worksheet")
        .replace(b"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet."
                 b"main+xml", b"/xl/workbook.bin\" ContentType=\"" + ms.encode() + b".sheet.binary.macroEnabled.main")
        .replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.bin" ContentType="' + ms.encode()
                 + b'.sharedStrings"/></Types>'),
        "_rels/.rels": parts["_rels/.rels"].replace(b"xl/workbook.xml", b"xl/workbook.bin"),
        "xl/workbook.bin": book,
        "xl/_rels/workbook.bin.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="{s.removeprefix("xl/")}"/>'
                      for i, s in enumerate(sheets, 1))
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL}/sharedStrings" Target="sharedStrings.bin"/>'
            + "</Relationships>").encode(),
    }


def _sheet_order(name: str) -> tuple[int, str]:
    found = _NUMBER.findall(name.rsplit("/", 1)[-1])
    return (int(found[-1]) if found else 0, name)


def _workbook_parts(sheets: list[str], parts: dict[str, bytes]) -> dict[str, bytes]:
    """A plain workbook part, its relationships, the package relationships and content types, naming the
    sheets that are left (Sheet1, Sheet2 ... by part name: their own names were in the lost workbook part)."""
    listed = "".join(f'<sheet name="{s.rsplit("/", 1)[-1].removesuffix(".xml")}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, s in enumerate(sheets, 1))
    rels = [(f"rId{i}", "worksheet", s.removeprefix("xl/")) for i, s in enumerate(sheets, 1)]
    for extra, kind in (("xl/sharedStrings.xml", "sharedStrings"), ("xl/styles.xml", "styles")):
        if extra in parts:
            rels.append((f"rId{len(rels) + 1}", kind, extra.removeprefix("xl/")))
    overrides = "".join(f'<Override PartName="/{s}" ContentType="application/vnd.openxmlformats-officedocument.'
                        f'spreadsheetml.worksheet+xml"/>' for s in sheets)
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            f'sheet.main+xml"/>{overrides}</Types>').encode(),
        "_rels/.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}"><Relationship '
                        f'Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
                            f"<sheets>{listed}</sheets></workbook>").encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
            + "".join(f'<Relationship Id="{i}" Type="{REL}/{k}" Target="{t}"/>' for i, k, t in rels)
            + "</Relationships>").encode(),
    }


def _zipped(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, content in parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), content)
    return buf.getvalue()


_Package = tuple[dict[str, bytes], int, int, list[tuple[str, int]]]


def _packages(data: bytes, limit: int) -> tuple[list[_Package], bool]:
    """The parts found by their local headers, front to back, as packages: (parts, cut, lost) each, and
    whether inflating stopped at ``limit`` (bytes over all parts; the part it stopped in is cut there). A part
    name seen again with other bytes starts another package (two workbooks joined in one file, by a copy tool
    or a carver): merged by name, the first one's parts hid the second one's, whose sheets then met the first
    one's shared strings. The last item of each: (part, complete rows kept) of each part cut."""
    packages: list[_Package] = []
    parts: dict[str, bytes] = {}
    kept: list[tuple[str, int]] = []
    cut, lost, left = 0, 0, limit
    for info, content, why in _zip_local_entries(data, limit, lambda: left):  # noqa: B023 - read as each part starts
        if content is None or info.filename.endswith("/"):
            lost += 1
            continue
        if len(content) >= left:  # the reader's cap is per part: the rest of the cap over all parts
            content, why = content[:left], "cap"
        left -= len(content)
        closed, rows = _closed(info.filename, content) if why or info.filename in _ROW_ENDS or _SHEET.match(
            info.filename) else (content, 0)
        if closed is None and why:
            lost += 1
            continue
        was_cut = closed is not None and closed is not content
        content = content if closed is None else closed
        if parts.get(info.filename, content) != content:  # the same name again, other bytes: another workbook
            packages.append((parts, cut, lost, kept))
            parts, cut, lost, kept = {}, 0, 0, []
        if info.filename not in parts:  # (the same part again: a duplicated region of one workbook)
            parts[info.filename], cut = content, cut + was_cut
            if was_cut and rows:
                kept.append((info.filename, rows))
        if left <= 0:
            return [*packages, (parts, cut, lost, kept)], True
    return [*packages, (parts, cut, lost, kept)], False


def _package(parts: dict[str, bytes]) -> bytes | None:
    """A readable workbook package of the parts of one damaged zip package; None when no worksheet (or ODS
    content) is left."""
    if "content.xml" in parts and not any(_SHEET.match(n) for n in parts):  # OpenDocument
        mimetype = b"application/vnd.oasis.opendocument.spreadsheet"
        manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                    b'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-'
                    b'type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-'
                    b'path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
        return _zipped({"mimetype": mimetype, "content.xml": parts["content.xml"],
                        "META-INF/manifest.xml": manifest})
    sheets = sorted((n for n in parts if _SHEET.match(n)), key=_sheet_order)
    if not sheets:  # a package whose parts are not under xl/ (at the zip's root: calamine's minimal_package.xlsx):
        # its own relationships, when left, say where its workbook is (read as it is, or None: no workbook, wild12)
        return _zipped(parts) if "_rels/.rels" in parts else None
    binary = [n for n in sheets if n.endswith(".bin")]
    if binary:  # .xlsb: its own workbook part and relationships when they are left (sheet names, order), else plain
        kept = {n: parts[n] for n in (*binary, "xl/sharedStrings.bin") if n in parts}
        own = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.bin", "xl/_rels/workbook.bin.rels")
        if all(n in parts for n in own):
            return _zipped({**{n: parts[n] for n in own}, **kept})
        return _zipped({**_workbook_bin(binary), **kept})
    kept = {n: parts[n] for n in (*sheets, "xl/sharedStrings.xml", "xl/styles.xml") if n in parts}
    return _zipped({**_workbook_parts(sheets, kept), **kept})


def rebuild(data: bytes, limit: int) -> list[tuple[bytes, str]]:
    """(a readable workbook package, what was lost) for each zip package in a damaged OOXML or ODS file (one,
    unless workbooks were joined), leaving out those where no worksheet (or ODS content) is left. ``limit``:
    bytes inflated at most, over all parts."""
    packages, capped = _packages(data, limit)
    made = []
    for parts, cut, lost, kept in packages:
        rebuilt = _package(parts)
        if rebuilt is None:
            continue
        what = say(Detail.SALVAGED_ZIP, cut=cut, lost=lost)
        for name, rows in kept:  # what was kept of each cut part: the examiner knows what the count covers
            what += "; " + say(Detail.SALVAGED_ROWS, part=name, n=rows)
        if len(packages) > 1:
            what = f"{len(packages)} zip packages one after the other (workbooks joined), each {what}"
        if capped:
            what += f"; inflating stopped at the cap of {limit} bytes over all parts: what follows not read"
        made.append((rebuilt, what))
    return made
