"""Tables written as markup under a spreadsheet name: HTML (and MHTML) tables, SpreadsheetML 2003, Gnumeric (and
an .ods's content.xml when calamine refuses it).

Municipal and care systems export "Excel" files that are really an HTML page with a <table> (often
cp932, with a meta charset Python's shift_jis codec cannot honour), an Excel "single file web page"
(MHTML), or Excel 2003's XML Spreadsheet; all are saved as .xls, .xml or .htm. lxml's pull parsers
read them in chunks: the text is decoded by scanner.textdecode (so cp932 and damaged bytes are handled
as for CSV) and fed as UTF-8, with entities, DTDs and the network off. HTML cells spanned by colspan
are left empty, as Excel leaves merged cells; a cell spanning rows (rowspan, ss:MergeDown) gives its value to the rows
below in its own column (a household's address merged over its members' rows); ``<br>`` is a line break. Each <table> is
one sheet (a nested table is a sheet of its own). A file that ends inside a table or a worksheet is
damaged: the rows before the cut are analysed and the damage recorded, never taken as complete.
Runs in the worker process (scanner.isolation), under the cell and time caps.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html.entities
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from itertools import chain
from typing import Any

from .codes import Status
from .details import Detail, join_details, say
from .errors import ReadError, error_name
from .textdecode import MAX_LINE, iter_lines, plan_decoding

SSML = "urn:schemas-microsoft-com:office:spreadsheet"
MAX_COLSPAN = 1000  # the HTML limits
MAX_ROWSPAN = 65534
_SPACE = re.compile(r"[ \t\r\n\f]+")  # HTML white space; U+3000 between a family and a given name stays
_EXCEL_NAME = re.compile(r"<x:Name>([^<]{1,200})</x:Name>")


@dataclass
class MarkupSheet:
    """A table read from markup: rows are lists (the cell cap bounds them); damage says what was cut."""

    name: str
    rows: list[list[object]] = field(default_factory=list)
    damage: list[str] = field(default_factory=list)
    outside: int = 0  # cells with a value past the sheet's last row or column: not placed, said as damage (ended)
    text: str | None = None  # a ``<pre>`` block's text (no rows): read as a text table by the caller (docs26)

    def ended(self) -> MarkupSheet:
        """The sheet with its unplaced cells said (Detail.CELLS_OUTSIDE), once."""
        if self.outside:
            self.damage.append(say(Detail.CELLS_OUTSIDE, n=self.outside))
            self.outside = 0
        return self


# characters XML 1.0 cannot hold, raw or as a reference (&#7;): writers put them in cells all the same (SheetJS's
# formula_stress_test.xls.xml, written by Excel), and lxml would stop at the first and lose every row after it
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#(?:[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]"
                      r"|3[01]));")


# a named reference; XML without a DTD (the readers refuse one) defines only amp, lt, gt, quot and apos
_NAMED_REF = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_NAMED = frozenset(("amp", "lt", "gt", "quot", "apos"))
_MARKUP_CHARS = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;"}


def _html_ref(m: re.Match[str]) -> str:
    """HTML's character for a named reference XML does not define (``&Tau;``, ``&nbsp;``; ``&LT;`` as ``&lt;``);
    an unknown name as written (lxml says the document is damaged)."""
    name = m.group(1)
    if name in _XML_NAMED:
        return m.group(0)
    chars = html.entities.html5.get(name + ";")
    if chars is None:
        return m.group(0)
    return "".join(_MARKUP_CHARS.get(c, c) for c in chars)


def _utf8_chunks(data: bytes, xml: bool = False) -> Iterator[bytes]:
    """The document decoded as a text table would be, re-encoded as UTF-8 for lxml, line by line; characters XML
    cannot hold become U+FFFD (a line end never splits a reference, so lines are safe to change). ``xml``: a web
    export's XML (PhpSpreadsheet issue 2157): white space before the declaration passed over, HTML's named
    references read as their characters."""
    dec = plan_decoding(data, b"<")
    buf: list[bytes] = []
    size = 0
    lead = xml
    for line in iter_lines(data, dec, b"<"):
        if lead:
            line = line.lstrip()
            if not line:
                continue
            lead = False
        if xml and "&" in line:
            line = _NAMED_REF.sub(_html_ref, line)
        if NOT_XML.search(line):
            line = NOT_XML.sub("\ufffd", line)
        b = line.encode("utf-8", "surrogatepass")
        buf.append(b)
        size += len(b)
        if size >= 1 << 20:
            yield b"".join(buf)
            buf, size = [], 0
    if buf:
        yield b"".join(buf)


# --- HTML --------------------------------------------------------------------------------------------

def _cell_text(cell) -> str:
    """Visible text of a td/th: <br> as a line break, nested tables left out (they are sheets of their own)."""
    if not len(cell):  # most cells hold text only: no walk (html22: the walk was ~1/3 of a plain page's parse)
        return _lines(cell.text or "")
    parts: list[str] = []
    stack = [(cell, False)]
    while stack:
        el, tail_only = stack.pop()
        if not tail_only:
            tag = el.tag if isinstance(el.tag, str) else ""
            if tag == "br":
                parts.append("\n")
            elif tag != "table" or el is cell:
                if el.text:
                    parts.append(el.text)
                stack.append((el, True))
                stack.extend((child, False) for child in reversed(el))
                continue
            stack.append((el, True))
            continue
        if el is not cell and el.tail:
            parts.append(el.tail)
    return _lines("".join(parts))


def _lines(text: str) -> str:
    """A cell's text with HTML white space runs as one space, each line stripped, empty lines dropped."""
    lines = (_SPACE.sub(" ", p).strip() for p in text.split("\n"))
    return "\n".join(p for p in lines if p)


class _Grid:
    """Rows of one HTML table with colspan/rowspan placed as Excel places merged cells, except that a cell spanning
    rows gives its text to the rows below in its own column (a household's address over its members' rows is each
    member's, as scanner.tables does for merged cells of workbooks); the other columns of a span stay empty."""

    def __init__(self, name: str) -> None:
        self.sheet = MarkupSheet(name)
        self.below: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
        self.value: dict[int, str] = {}  # column -> the text of the rowspan covering it ("" beside its anchor)

    def add(self, cells: list[tuple[str, int, int]], budget) -> None:
        out: list[object] = []
        col = 0

        def covered() -> None:
            nonlocal col
            while self.below.get(col, 0) > 0:
                self.below[col] -= 1
                out.append(self.value.get(col, ""))
                col += 1

        for text, colspan, rowspan in cells:
            covered()
            out.append(text)
            out.extend([""] * (colspan - 1))
            if rowspan > 1:
                for c in range(col, col + colspan):
                    self.below[c] = rowspan - 1
                    self.value[c] = text if c == col else ""
            col += colspan
        for c in sorted(k for k, v in self.below.items() if v > 0 and k >= col):
            if c < col:
                continue  # covered already by the run of covered columns before it (was covered twice: the rows
                # below lost a row of the span and this row got its cells twice)
            out.extend([""] * (c - col))
            col = c
            covered()
        budget.add(len(out) or 1)
        self.sheet.rows.append(out)


def _span(el, attr: str, cap: int) -> int:
    try:
        return min(cap, max(1, int(str(el.get(attr, "1")).strip() or 1)))
    except ValueError:
        return 1


_TABLE_TAG = re.compile(rb"<table", re.IGNORECASE)  # lxml's HTML parser starts a table only at these bytes (in
# an encoding that writes ASCII as itself); it never opens one for a <tr>/<td> alone
_PRE_TAG = re.compile(r"<pre", re.IGNORECASE)
_PRE_END = re.compile(r"</pre(?![^\s/>])", re.IGNORECASE)  # (libxml2 ends a block at ``</pre>``, ``</pre x>``, never at
# ``</prefecture>``: review26o)
_TAG_TEXT = re.compile(r"<[A-Za-z/!?][^<>]*>")  # markup as libxml2 reads it: ``<`` then a letter, ``/``, ``!`` or ``?``
# (``<-``, ``< 20`` are text: review26o, an arrow ``<-`` joined lines up to a later ``->``)
_OPEN_TAG = re.compile(r"""<[A-Za-z](?:"[^"]*"|'[^']*'|[^"'>])*>?""")  # a start tag, its quoted values whole
_RAW_INSIDE = re.compile(r"<(?:!|script|style|textarea|xmp|title|noscript|iframe|noembed|noframes)", re.IGNORECASE)
GAP_INSIDE = re.compile(r"\S(?:\t|  |\u3000)")  # a column gap inside a line (a tab, two spaces, an ideographic space)
MIN_PRE_LINES = 3  # a ``<pre>`` block read as a text table: a header and two rows at least
_GAP_LINE = re.compile(r"(?m)^[^\n]*?\S(?:\t|  |\u3000)")  # a line with a gap inside it
# references that may stand for a blank (a space, a tab, an ideographic space, a no-break space ...): each taken for two
# spaces (a gap wherever one may be); any other reference is characters that are no blank, as its text is
_BLANK_REF = re.compile(r"&(?:#0*(?:9|32|160|12288)|#[xX]0*(?:9|20|[aA]0|3000)|Tab|nbsp|ensp|emsp|"
                        r"emsp13|emsp14|numsp|puncsp|thinsp|hairsp|ThinSpace|MediumSpace|ThickSpace|VeryThinSpace);?")
_NEWLINE_REF = re.compile(r"&(?:#0*10(?![0-9])|#[xX]0*[aA](?![0-9a-fA-F])|NewLine;);?")  # a line end (review26o:
# taken for two spaces, a roster written ``a&#10;b`` was one line to the shortcut)


def _aligned_pre(text: str) -> bool:
    """Whether a page's text may hold a ``<pre>`` block ``html_tables`` reads: MIN_PRE_LINES lines with a gap inside
    them once its tags are taken out (a gap may be made across a tag) and its references that may be blanks taken for
    two spaces (a line may count that has no gap, never the other way); a page cut inside a block: the rest of the
    page is the block. Code is indented, not aligned inside its lines: most blocks (rustdoc's, MDN's) have none.
    Line ends as libxml2 reads them: CR, CR LF, LF and their references; a block holding another ``<pre>`` goes on
    after the inner one's end; a ``</pre`` inside a start tag (an attribute's value): parsed (review26o). C-level
    passes only (~60 us a rustdoc page under load)."""
    pos = 0
    while (m := _PRE_TAG.search(text, pos)) is not None:
        end = _PRE_END.search(text, m.end())
        inner = m.end()
        while end is not None and (nested := _PRE_TAG.search(text, inner, end.start())) is not None:
            inner = nested.end()  # (a <pre> inside the block: the first ``</pre`` ends it, the outer block goes on to
            end = _PRE_END.search(text, end.end())  # the next one, review26o)
        stop = end.start() if end is not None else len(text)
        block = text[m.end():stop]
        if _RAW_INSIDE.search(block) is not None:
            return True  # (a comment, script or style in the block may hold ``</pre`` that does not end it: parsed)
        if end is not None and (k := block.rfind("<")) >= 0 and (tag := _OPEN_TAG.match(
                text, m.end() + k, stop + 4096)) is not None and (tag.end() > stop or not tag.group().endswith(">")):
            return True  # (the ``</pre`` is inside the block's last start tag, in a quoted value: review26o; a tag
            # not closed within 4 KiB past it: parsed, no scan to the page's end for each block)
        if "\r" in block:
            block = block.replace("\r", "\n")
        if "&" in block:
            block = _BLANK_REF.sub("  ", _NEWLINE_REF.sub("\n", block))
        if "<" in block:
            block = _TAG_TEXT.sub("", block)
        if len(_GAP_LINE.findall(block)) >= MIN_PRE_LINES:
            return True
        pos = stop
    return False


def holds_no_table(data: bytes) -> bool:
    """Whether ``html_tables`` must yield nothing, told from the bytes without decoding or parsing (issue 11: a plain
    page's decode and parse were ~40 % of its worker task; share-20000 has 1,452 such pages). Sound only where the
    text lxml is fed is the bytes themselves: strict UTF-8 (``plan_decoding`` then picks UTF-8, with or without its
    BOM: no NUL for a UTF-16/32 guess, no ESC for ISO-2022-JP, whose escapes vanish in decoding and could join
    ``<ta`` and ``ble``), at most MAX_LINE bytes (no line the reader refuses as too long), no ``<table`` in any
    case, and no ``<pre>`` block that may be an aligned list (``_aligned_pre``). Every other page (cp932, EUC-JP, UTF-16, an EBCDIC or UTF-7 guess of charset-normalizer's) is parsed."""
    if len(data) > MAX_LINE or b"\0" in data or b"\x1b" in data or _TABLE_TAG.search(data) is not None:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _PRE_TAG.search(text) is None or not _aligned_pre(text)  # (a <pre> block with gaps inside its lines may
    # be an aligned list: docs26)


def html_tables(data: bytes, budget) -> Iterator[MarkupSheet]:
    """Every <table> of an HTML document (an inner table before the one around it), rows as lists; every ``<pre>``
    (in a table's cell too: review26o) with MIN_PRE_LINES lines or more that have a gap inside them as a sheet holding
    only its ``text``
    (docs26: a roster aligned with spaces or tabs in preformatted text, no ``<table>``, was never read; the caller
    reads it as a text table)."""
    if holds_no_table(data):
        return  # (lxml raises only when fed nothing; a page's chunks always feed it: nothing is lost by not parsing)
    from lxml import etree

    chunks = _utf8_chunks(data)
    first = next(chunks, b"")
    names = _EXCEL_NAME.findall(first[:65536].decode("utf-8", "ignore"))  # Excel's own sheet name
    parser = etree.HTMLPullParser(events=("start", "end"), tag=("table", "tr", "pre"), encoding="utf-8",
                                  no_network=True, remove_comments=True, remove_pis=True)
    open_tables: list[_Grid] = []
    count = 0
    blocks = 0

    def events() -> Iterator[tuple[str, Any, bool]]:  # lxml elements (lxml ships no type information)
        for chunk in chain([first], chunks):
            parser.feed(chunk)
            for event, el in parser.read_events():
                yield event, el, False
            budget.tick()
        parser.close()
        for event, el in parser.read_events():  # what libxml2 closes only because the file ended
            yield event, el, True

    for event, el, at_end in events():
        if el.tag == "pre":
            if event == "end":  # (one in a cell is that cell's text too, its gaps collapsed: review26o, a roster in
                # the content cell of a table-layout page was never read)
                text = "".join(el.itertext())
                if len(_GAP_LINE.findall(text)) >= MIN_PRE_LINES:  # (holds_no_table's test on the text: code gives none)
                    blocks += 1
                    yield MarkupSheet(f"pre {blocks}", text=text if text.endswith("\n") or at_end else text + "\n")
                    # (a block the page ends in keeps its last line as cut: the text reader says a row cut short)
                if not open_tables:
                    el.clear(keep_tail=True)
        elif el.tag == "table":
            if event == "start":
                count += 1
                name = names[0] if count == 1 and len(names) == 1 else f"table {count}"
                open_tables.append(_Grid(name))
            elif open_tables:
                grid = open_tables.pop()
                if at_end:
                    grid.sheet.damage.append(say(Detail.HTML_CUT_IN_TABLE, n=len(grid.sheet.rows)))
                el.clear(keep_tail=True)
                yield grid.sheet
        elif event == "end" and open_tables:
            cells = [(_cell_text(c), _span(c, "colspan", MAX_COLSPAN), _span(c, "rowspan", MAX_ROWSPAN))
                     for c in el if isinstance(c.tag, str) and c.tag in ("td", "th")]
            open_tables[-1].add(cells, budget)
            el.clear(keep_tail=True)


_CTE = "content-transfer-encoding"


def repair_encoding_name(part: Message, more: tuple[str, ...] = ()) -> str | None:
    """A MIME part without a Content-Transfer-Encoding header but with one whose name
    is it with a byte or two damaged (``Content-Transfer-Encodinf: base64``): email would hand back the encoded
    text as the part's bytes (review9f: an attached list, a saved page's HTML then read as base64 or
    quoted-printable text, silent). The header is set from the damaged one's value (base64, quoted-printable or
    one of ``more``); the damaged name is returned (None: nothing done)."""
    if "Content-Transfer-Encoding" in part:
        return None
    for key, value in part.items():
        low = key.lower()
        code = str(value).strip().lower()
        if (len(low) == len(_CTE) and low != _CTE and sum(a != b for a, b in zip(low, _CTE, strict=True)) <= 2
                and (code in ("base64", "quoted-printable") or code in more)):
            part["Content-Transfer-Encoding"] = str(value).strip()
            return str(key)
    return None


def mhtml_html(data: bytes) -> list[tuple[bytes, str | None]]:
    """The HTML parts of a single-file web page (MHTML: Excel's "single file web page", a browser's "Save as
    MHTML" / "Web archive"), each undone from quoted-printable/base64, with what was damaged in it (None: sound): a
    browser saves each frame as its own part (Session 9: every part is read, not the first only). A base64 part
    cut or with damaged bytes is decoded up to where it can be (the email package hands back the base64 text
    itself then: no table was ever found in a damaged Excel page). A page nesting multiparts deeper than the mail
    parser follows is listed ``mime-too-deep``, as a mail is (review15c: it was ``reader-failed`` RecursionError)."""
    try:
        return _mhtml_pages(data)
    except RecursionError as e:
        raise ReadError(Status.CORRUPT, say(Detail.MIME_TOO_DEEP)) from e


def _mhtml_pages(data: bytes) -> list[tuple[bytes, str | None]]:
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    pages: list[tuple[bytes, str | None]] = []
    for part in msg.walk():
        if part.get_content_type() != "text/html":
            continue
        damaged = repair_encoding_name(part)
        said = say(Detail.MHTML_CTE_NAME_DAMAGED, name=repr(damaged)) if damaged else None
        if str(part.get("Content-Transfer-Encoding", "")).strip().lower() == "base64":
            decoded, damage = _base64_part(part.get_payload(decode=False))
            pages.append((decoded, join_details(d for d in (said, damage) if d) or None))
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            pages.append((payload, said))
    if not pages:
        raise ReadError(Status.UNSUPPORTED, say(Detail.MHTML_NO_HTML))
    if msg.is_multipart() and any(type(d).__name__ == "CloseBoundaryNotFoundDefect" for d in msg.defects):
        body, damage = pages[-1]  # the file ends inside its last part (cut): what it held after the cut is lost
        pages[-1] = (body, damage or "MHTML ends before its closing boundary (cut)")
    return pages


_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")


def _base64_part(payload: object) -> tuple[bytes, str | None]:
    """A base64 part decoded as far as it goes: a byte outside the alphabet taken as ``A`` (its group of 3 bytes is
    lost, the alignment of the rest kept), a cut quantum left out."""
    import binascii

    raw = payload.encode("ascii", "replace") if isinstance(payload, str) else payload if isinstance(payload, bytes) else b""
    joined = b"".join(raw.split())
    padding = len(joined) - len(joined.rstrip(b"="))
    body_chars = joined[:len(joined) - padding]
    clean, dropped = _NOT_BASE64.subn(b"A", body_chars)  # in place: the 3 bytes it was in are lost, not the rest
    whole = len(clean) - len(clean) % 4
    sound = not dropped and (len(clean) + padding) % 4 == 0 and padding <= 2
    try:
        body = binascii.a2b_base64(clean + b"=" * padding if sound else clean[:whole])
    except binascii.Error:
        return b"", say(Detail.MHTML_BASE64_DAMAGED)
    if sound:
        return body, None
    return body, say(Detail.MHTML_BASE64_CUT, dropped=dropped, left=len(clean) - whole)


# --- SpreadsheetML 2003 -------------------------------------------------------------------------------

def _ssml_value(kind: str, text: str) -> object:
    """A <Data> value typed as Excel wrote it; text when it does not parse."""
    try:
        if kind == "Number":
            v = float(text)
            return int(v) if v.is_integer() and abs(v) < 1 << 53 else v
        if kind == "DateTime":
            return dt.datetime.fromisoformat(text.strip()[:19])
        if kind == "Boolean":
            return text.strip() in ("1", "true", "TRUE")
    except (ValueError, OverflowError):
        pass
    return text


def _index(el, attr: str, current: int, cap: int) -> int:
    """ss:Index (1-based) as a 0-based position; never backwards, never past the sheet's edge."""
    raw = el.get(attr)
    if raw is None:
        return current
    try:
        return min(cap, max(current, int(raw) - 1))
    except ValueError:
        return current


def spreadsheetml_tables(data: bytes, budget, max_cells: int) -> Iterator[MarkupSheet]:
    """Every <Worksheet> of an Excel 2003 XML Spreadsheet; a sheet cut short carries its damage."""
    from lxml import etree

    q = f"{{{SSML}}}"
    parser = etree.XMLPullParser(events=("start", "end"), encoding="utf-8", resolve_entities=False,
                                 no_network=True, load_dtd=False, huge_tree=False, remove_comments=True,
                                 tag=(q + "Worksheet", q + "Table", q + "Row"))
    if re.search(rb"<!ENTITY", data[:1 << 20]):
        raise ReadError(Status.UNSUPPORTED, say(Detail.SPREADSHEETML_ENTITIES))
    sheet: MarkupSheet | None = None
    row_at = 0
    down: dict[int, list] = {}  # column -> [last row, value] of a cell merged down (ss:MergeDown) over the next rows
    done = 0  # worksheets read to their end
    try:
        for event, el in pull_events(parser, _utf8_chunks(data, xml=True), budget):
            tag = el.tag
            if tag == q + "Worksheet":
                if event == "start":
                    sheet, row_at, down = MarkupSheet(el.get(q + "Name", "")), 0, {}
                elif sheet is not None:
                    yield sheet
                    sheet, done = None, done + 1
                    el.clear(keep_tail=True)
            elif tag == q + "Table" and event == "start":
                _declared_size(el, q, max_cells)
            elif tag == q + "Row" and event == "end" and sheet is not None:
                row_at = _index(el, q + "Index", row_at, 1 << 20)
                while len(sheet.rows) < row_at:  # rows left out (empty): a ss:MergeDown above covers them too
                    budget.add(1)
                    sheet.rows.append(_merged_down([], down, budget) if down else [])
                sheet.rows.append(_merged_down(_ssml_row(el, q, budget, down), down, budget))
                row_at += 1
                el.clear(keep_tail=True)
    except etree.XMLSyntaxError as e:
        if sheet is None and not done:
            raise ReadError(Status.CORRUPT, say(Detail.SPREADSHEETML_DAMAGED, error=error_name(e))) from e
        if sheet is None:  # the worksheets read are whole, but more may have followed
            yield MarkupSheet("", damage=[say(Detail.SPREADSHEETML_ENDS_AFTER, n=done, error=error_name(e))])
            return
        sheet.damage.append(say(Detail.SPREADSHEETML_CUT_ERROR, n=len(sheet.rows), error=error_name(e)))
        yield sheet
        return
    if sheet is not None:  # lxml saw no error but the worksheet never closed
        sheet.damage.append(say(Detail.SPREADSHEETML_CUT, n=len(sheet.rows)))
        yield sheet


# --- Gnumeric ---------------------------------------------------------------------------------------------
# A .gnumeric file is this XML gzipped (the archive inspector inflates it; its member is read here) or, saved
# uncompressed, the XML itself. Cells are <gnm:Cell Row= Col=> (0-based) holding their value as text (older files:
# <gmr:Cell><gmr:Content>); a formula is kept as written (Gnumeric stores no cached value).

# 1.2 on; the versions before (wild16); tables.GNUMERIC_NAMESPACES are the same (markup is not imported there)
GNUMERIC_NS = ("{http://www.gnumeric.org/", "{http://www.gnome.org/gnumeric/")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def gnumeric_tables(data: bytes, budget) -> Iterator[MarkupSheet]:
    """Every <Sheet> of a Gnumeric workbook's XML; a sheet cut short carries its damage."""
    from lxml import etree

    if re.search(rb"<!ENTITY", data[:1 << 20]):
        raise ReadError(Status.UNSUPPORTED, say(Detail.GNUMERIC_ENTITIES))
    parser = etree.XMLPullParser(events=("start", "end"), encoding="utf-8", resolve_entities=False,
                                 no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)
    sheet: MarkupSheet | None = None
    done = 0
    try:
        for event, el in pull_events(parser, _utf8_chunks(data, xml=True), budget):
            tag = el.tag
            if not isinstance(tag, str) or not tag.startswith(GNUMERIC_NS):
                continue
            name = _local(tag)
            if name == "Sheet":
                if event == "start":
                    sheet = MarkupSheet("")
                elif sheet is not None:
                    yield sheet.ended()
                    sheet, done = None, done + 1
                    el.clear(keep_tail=True)
            elif event != "end" or sheet is None:
                continue
            elif name == "Name" and not sheet.name and _local(getattr(el.getparent(), "tag", None)) == "Sheet":
                sheet.name = (el.text or "").strip()
            elif name == "Cell":
                _gnumeric_cell(el, sheet, budget)
                drop_handled(el)
    except etree.XMLSyntaxError as e:
        if sheet is None and not done:
            raise ReadError(Status.CORRUPT, say(Detail.GNUMERIC_DAMAGED, error=error_name(e))) from e
        if sheet is not None:
            sheet.damage.append(say(Detail.GNUMERIC_CUT_ERROR, n=len(sheet.rows), error=error_name(e)))
            yield sheet.ended()
            return
        yield MarkupSheet("", damage=[say(Detail.GNUMERIC_CUT_ERROR, n=0, error=error_name(e))])
        return
    if sheet is not None:  # lxml saw no error but the sheet never closed
        sheet.damage.append(say(Detail.GNUMERIC_CUT, n=len(sheet.rows)))
        yield sheet.ended()


_GNUMERIC_MAX_ROWS, _GNUMERIC_MAX_COLS = 1 << 20, 1 << 14  # the sheet size the other readers allow


def _place(raw: str | None, cap: int) -> int | None:
    """A 0-based row or column number below ``cap``; None for one past it, negative or not a number."""
    try:
        n = int(raw) if raw else -1
    except ValueError:
        return None
    return n if 0 <= n < cap else None


def _gnumeric_cell(cell, sheet: MarkupSheet, budget) -> None:
    """Place one <Cell> in its row and column; a cell past the sheet's last row or column (or with no place) is
    counted as outside (written over the last row before, review13c), said as damage when its sheet ends."""
    row, col = _place(cell.get("Row"), _GNUMERIC_MAX_ROWS), _place(cell.get("Col"), _GNUMERIC_MAX_COLS)
    if row is None or col is None:
        sheet.outside += 1
        return
    text = cell.text
    for child in cell:  # the format before 1.0: <gmr:Content>
        if _local(child.tag) == "Content":
            text = child.text
    value: object = text or ""
    if cell.get("ValueType") in ("30", "40") and text:
        value = _ssml_value("Number", text)
    while len(sheet.rows) <= row:
        budget.add(1)
        sheet.rows.append([])
    out = sheet.rows[row]
    if col >= len(out):
        budget.add(col + 1 - len(out))
        out.extend([""] * (col + 1 - len(out)))
    out[col] = value


# --- OpenDocument content.xml (an .ods calamine refuses) ------------------------------------------------------
# calamine reads an .ods as LibreOffice writes it; a content.xml other writers indent (text between <table:table-row>
# and <table:table-cell>: PhpSpreadsheet's test files, hand-made exports) makes it fail, and the workbook was listed
# damaged with no row read. Here each <table:table> is a sheet; repeated rows and cells (number-rows-repeated,
# number-columns-repeated) are widened only when a value follows them (LibreOffice ends every sheet with a million
# repeated empty rows); a cell's text is its <text:p> paragraphs, one per line.

ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODF_MAX_ROWS, _ODF_MAX_COLS = 1 << 20, 16384
_ODF_MANY = 1 << 40  # a repeat count read whole (10^9 empty rows), only counted: never a loop or a list that long
# a cell's value when it has no paragraph (tools other than LibreOffice write a number or a date so; calamine reads it)
_ODF_VALUES = ("value", "date-value", "time-value", "boolean-value", "string-value")


def odf_tables(chunks: Iterator[bytes], budget, flat: bool = False) -> Iterator[MarkupSheet]:
    """Every <table:table> of an OpenDocument spreadsheet's content.xml (``flat``: of a flat .fods file, the same
    tables in one XML file), fed in chunks; a table cut short carries its damage (not XML from its start: corrupt).
    Cells past the sheet's last row or column (after 10^9 repeated empty rows) are counted and said
    (Detail.CELLS_OUTSIDE), never placed."""
    from lxml import etree

    t = f"{{{ODF_TABLE}}}"
    parser = etree.XMLPullParser(events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False,
                                 huge_tree=False, remove_comments=True, tag=(t + "table", t + "table-row"))
    sheet: MarkupSheet | None = None
    gap = 0  # empty rows (repeated) not yet added: added only when a row with a value follows
    done = 0
    try:
        for event, el in pull_events(parser, chunks, budget):
            if el.tag == t + "table":
                if event == "start":
                    sheet, gap = MarkupSheet(el.get(t + "name", "")), 0
                elif sheet is not None:
                    yield sheet.ended()
                    sheet, done = None, done + 1
                    drop_handled(el)
            elif event == "end" and sheet is not None and el.getparent() is not None:
                row, outside = _odf_row(el, budget)
                times = _count(el.get(t + "number-rows-repeated"), _ODF_MANY) or 1
                if not row:
                    gap = min(_ODF_MANY, gap + times)
                    sheet.outside += outside * times
                else:
                    room = _ODF_MAX_ROWS - len(sheet.rows)
                    blank = min(gap, room)
                    placed = max(0, min(times, room - blank))
                    for _ in range(blank):
                        budget.add(1)
                        sheet.rows.append([])
                    for _ in range(placed):
                        budget.add(len(row))
                        sheet.rows.append(list(row))
                    filled = len(row) - row.count("")
                    sheet.outside += outside * placed + (outside + filled) * (times - placed)
                    gap = 0
                drop_handled(el)
    except etree.XMLSyntaxError as e:
        if sheet is None and not done:
            raise ReadError(Status.CORRUPT, say(Detail.FODS_DAMAGED if flat else Detail.ODS_CONTENT_DAMAGED,
                                                error=error_name(e))) from e
        cut = sheet if sheet is not None else MarkupSheet("")
        cut.damage.append(say(Detail.FODS_CUT if flat else Detail.ODS_CONTENT_CUT, n=len(cut.rows), error=error_name(e)))
        yield cut.ended()


def _odf_row(row, budget) -> tuple[list[object], int]:
    """One <table:table-row>'s cells, its trailing empty cells left out (an empty row: []), and how many cells with a
    value lie past the sheet's last column (counted, not placed)."""
    t = f"{{{ODF_TABLE}}}"
    out: list[object] = []
    gap = outside = 0
    for cell in row:
        if cell.tag not in (t + "table-cell", t + "covered-table-cell"):
            continue
        times = _count(cell.get(t + "number-columns-repeated"), _ODF_MANY) or 1
        text = _odf_text(cell)
        if not text:
            gap = min(_ODF_MANY, gap + times)
            continue
        room = _ODF_MAX_COLS - len(out)
        blank = min(gap, room)
        placed = max(0, min(times, room - blank))
        out.extend([""] * blank)
        budget.add(blank + placed)
        out.extend([text] * placed)
        outside += times - placed
        gap = 0
    return out, outside


def _odf_text(cell) -> str:
    """A cell's text as calamine reads it: its own paragraphs one a line (not a comment's, <office:annotation>),
    <text:s text:c=> as its spaces; a cell without a paragraph: its office:value (a number, a date) or string-value."""
    x = f"{{{ODF_TEXT}}}"
    text = "\n".join(_odf_para(p) for p in cell if p.tag == x + "p")
    if text:
        return text
    o = f"{{{ODF_OFFICE}}}"
    return next((v for a in _ODF_VALUES if (v := cell.get(o + a))), "")


def _odf_para(el) -> str:
    """The text of a paragraph or a span inside it (depth is bounded by lxml: huge_tree off)."""
    x, o = f"{{{ODF_TEXT}}}", f"{{{ODF_OFFICE}}}"
    parts = [el.text or ""]
    for child in el:
        tag = child.tag
        if tag == x + "s":
            parts.append(" " * (_count(child.get(x + "c"), 1 << 10) or 1))
        elif isinstance(tag, str) and tag != o + "annotation":
            parts.append(_odf_para(child))
        parts.append(child.tail or "")
    return "".join(parts)


def pull_events(parser, chunks: Iterator[bytes], budget) -> Iterator[tuple[str, Any]]:
    """The pull parser's events, chunk by chunk. lxml's feed raises on a chunk with damage before the events it
    parsed ahead of the damage are taken: they are given first, then the error (a flipped byte mid-file lost every
    row above it, review13c)."""
    from lxml import etree

    for chunk in chunks:
        try:
            parser.feed(chunk)
        except etree.XMLSyntaxError:
            yield from parser.read_events()
            raise
        yield from parser.read_events()
        budget.tick()
    try:
        parser.close()
    except etree.XMLSyntaxError:
        yield from parser.read_events()
        raise


def drop_handled(el) -> None:
    """Free a handled element and the handled siblings before it: a streamed tree keeps no row or cell it read
    (cleared elements left in place held ~11 bytes of memory for each byte of a large XML, review13c)."""
    el.clear(keep_tail=True)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _declared_size(table, q: str, max_cells: int) -> None:
    """ss:ExpandedRowCount x ss:ExpandedColumnCount over the cell cap: too-large before any row is read."""
    try:
        rows = int(table.get(q + "ExpandedRowCount", "0"))
        cols = int(table.get(q + "ExpandedColumnCount", "0"))
    except ValueError:
        return
    if rows * cols > max_cells:
        raise ReadError(Status.TOO_LARGE, say(Detail.DECLARED_SIZE_OVER, n=rows * cols, cap=max_cells))


def _count(raw: str | None, cap: int) -> int:
    try:
        return min(cap, max(0, int(raw))) if raw else 0
    except ValueError:
        return 0


def _merged_down(out: list[object], down: dict[int, list], budget) -> list[object]:
    """The row with the cells a ss:MergeDown above covers given its value (only its own column: one per column); the
    cells it adds to a short row count against the cell cap (a merge at column 16384 widened every row below)."""
    for c, span in list(down.items()):
        if span[0] <= 0:
            del down[c]
            continue
        if c >= len(out):
            budget.add(c + 1 - len(out))
            out.extend([""] * (c + 1 - len(out)))
        if out[c] == "":
            out[c] = span[1]
        span[0] -= 1
    return out


def _ssml_row(row, q: str, budget, down: dict[int, list] | None = None) -> list[object]:
    """One <Row>'s cells; a cell merged down (ss:MergeDown) is recorded in ``down`` for the rows below."""
    out: list[object] = []
    fresh: dict[int, list] = {}
    for cell in row:
        if cell.tag != q + "Cell":
            continue
        at = _index(cell, q + "Index", len(out), 16383)
        out.extend([""] * (at - len(out)))
        value: object = ""
        for data in cell:
            if data.tag == q + "Data":
                value = _ssml_value(data.get(q + "Type", "String"), "".join(data.itertext()))
                break
        if down is not None and value != "" and (rows := _count(cell.get(q + "MergeDown"), 1 << 20)):
            fresh[len(out)] = [rows, value]
        out.append(value)
        merge = _count(cell.get(q + "MergeAcross"), 16384 - len(out))
        out.extend([""] * merge)
        budget.add(1 + merge)
    if down is not None:
        # _merged_down runs on this row next: a span starting here must not fill its own row, so it is added
        # one row longer and its anchor is left as it is (its cell is not "")
        for c, span in fresh.items():
            down[c] = [span[0] + 1, span[1]]
    return out
