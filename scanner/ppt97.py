"""PowerPoint 97-2003 (.ppt/.pps/.pot) tables and text, for the table reader (scanner.doctables): the records of the
``PowerPoint Document`` stream ([MS-PPT] 2.3.1 record header: version and instance, type, length; a version of 0xF is a
container), its drawings' shapes as OfficeArt records ([MS-ODRAW]). Runs in the worker (untrusted bytes); bounded by
the stream's size, a depth and a record count, and the reader's time budget.

A table is a group shape (``OfficeArtSpgrContainer``) whose own first shape carries the ``tableProperties`` property
(0x39F, in its ``OfficeArtFOPT`` or ``OfficeArtTertiaryFOPT``); its cells are the rectangles of the group, each placed by
its ``OfficeArtChildAnchor`` (rows by top, columns by left edge: a cell spanning cells is placed at its first, as a
workbook's merged cell), their text in each shape's ``OfficeArtClientTextbox`` (``TextCharsAtom`` UTF-16,
``TextBytesAtom`` the low bytes of UTF-16). Lines (the borders) hold no text and are left out. Any other text (a slide's
text boxes, its notes, ``SlideListWithText`` outlines) is given as lines, for the tab-separated-lines rule. No library
reads PowerPoint 97 tables in Python (python-pptx reads .pptx only; Apache POI's HSLF does it this way in Java).
"""

from __future__ import annotations

import codecs
import io
import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .codes import Status
from .details import Detail, say
from .errors import ReadError, error_name
from .textdecode import zeroed_block

STREAM = "PowerPoint Document"
STREAM_NAME = STREAM.encode("utf-16-le")  # as a compound file's directory holds it
USER, ENCRYPTED = "Current User", "EncryptedSummary"
PP95_STREAM = "PP40"  # a PowerPoint 95 file's document stream (POI's HSLFSlideShowImpl.PP95_DOCUMENT)
PP95_TEXT = "Text_Content"  # PowerPoint 95's copy of every slide's text (for Windows' search), ANSI
TOKEN_ENCRYPTED = b"\xdf\xc4\xd1\xf3"  # CurrentUserAtom.headerToken of an encrypted presentation
# the containers walked for tables and text: the document, slides, notes, their drawings and OfficeArt shapes, the
# outline text lists (others hold no table text, and some hold bytes that are no records: a zip of table styles)
WALKED = frozenset({0x03E8, 0x03EE, 0x03F0, 0x040C, 0x0FF0, 0xF002, 0xF003, 0xF004, 0xF00D})
_HEADER = struct.Struct("<HHI")
Place = tuple[str, int]  # a damaged place: the record's type (hex), a cut "header" or too deep "nesting"; its byte
MAX_DEPTH = 32  # containers nest a few levels (document, slide, drawing, groups): deeper is damage or crafted
MAX_RECORDS = 2_000_000
MAX_GRID = 1_000_000  # a table's rows x columns placed by anchors (PowerPoint's largest table is 75 x 75)
SPGR, SP, FSP, FOPT, TERTIARY_FOPT, CHILD_ANCHOR, CLIENT_TEXTBOX = 0xF003, 0xF004, 0xF00A, 0xF00B, 0xF122, 0xF00F, 0xF00D
TEXT_CHARS, TEXT_BYTES = 0x0FA0, 0x0FA8
MAIN_MASTER, NOTES, SLIDE = 0x03F8, 0x03F0, 0x03EE
TABLE_PROPERTIES = 0x39F
LINE = 20  # msosptLine: a table's borders
HANDOUT, CLIENT_DATA = 0x0FC9, 0xF011
DOCUMENT, DRAWING, DG = 0x03E8, 0x040C, 0xF002
UNKNOWN = -1  # the container being walked is one whose type is damaged: its children may be anything
# where each walked container is met ([MS-PPT], [MS-ODRAW]): one elsewhere is another container whose type bytes are
# damaged (docs23: a table's group read as a drawing gave its cells as lines, its persons lost unsaid)
PARENTS = {DOCUMENT: {0}, SLIDE: {0}, NOTES: {0}, 0x0FF0: {DOCUMENT}, DRAWING: {SLIDE, NOTES, MAIN_MASTER},
           DG: {DRAWING}, SPGR: {DG, SPGR}, SP: {DG, SPGR}, CLIENT_TEXTBOX: {SP}}
# a shape's own records ([MS-ODRAW] 2.2.13): FSPGR, FSP, FOPT, secondary and tertiary FOPT, FPSPL, anchors, client data
# and text box; any other type in a table's cell is a damaged type (docs23: its anchor or text lost unsaid)
SHAPE_RECORDS = frozenset({0xF009, FSP, FOPT, 0xF121, TERTIARY_FOPT, 0xF11D, CHILD_ANCHOR, 0xF010, CLIENT_DATA,
                           CLIENT_TEXTBOX})
# the PowerPoint record types ([MS-PPT] 2.13.24 RecordType, as Apache POI's RecordTypes lists them): a text box's
# record of another type is one whose type bytes are damaged (docs23: its text lost unsaid); and 0x0FF9, the
# HeaderMetaCharAtom POI does not list
PPT_RECORDS = frozenset({0x0FF9, 0x03E8, 0x03E9, 0x03EA, 0x03EE, 0x03EF, 0x03F0, 0x03F1, 0x03F2, 0x03F3, 0x03F7,
                          0x03F8, 0x03F9, 0x03FA, 0x03FB, 0x03FC, 0x03FD, 0x03FE, 0x03FF, 0x0400, 0x0401, 0x0402, 0x0406,
                          0x0407, 0x0408, 0x0409, 0x040A, 0x040B, 0x040C, 0x0410, 0x0411, 0x0412, 0x0414, 0x041C,
                          0x041E, 0x041F, 0x0420, 0x0422, 0x0423, 0x0426, 0x0427, 0x0428, 0x07D0, 0x07D5, 0x07E3,
                          0x07E4, 0x07E5, 0x07E6, 0x07E7, 0x07E9, 0x07F0, 0x0BC1, 0x0BC3, 0x0BD0, 0x0BD7, 0x0F9E,
                          0x0F9F, 0x0FA0, 0x0FA1, 0x0FA2, 0x0FA3, 0x0FA4, 0x0FA5, 0x0FA6, 0x0FA7, 0x0FA8, 0x0FA9,
                          0x0FAA, 0x0FAB, 0x0FAC, 0x0FB7, 0x0FB8, 0x0FBA, 0x0FC1, 0x0FC3, 0x0FC8, 0x0FC9, 0x0FCC,
                          0x0FCD, 0x0FCE, 0x0FD0, 0x0FD1, 0x0FD2, 0x0FD3, 0x0FD7, 0x0FD8, 0x0FD9, 0x0FDA, 0x0FDF,
                          0x0FE2, 0x0FE3, 0x0FE7, 0x0FEA, 0x0FEB, 0x0FEE, 0x0FF0, 0x0FF1, 0x0FF2, 0x0FF3, 0x0FF5,
                          0x0FF6, 0x0FF7, 0x0FF8, 0x0FFA, 0x0FFB, 0x1004, 0x1005, 0x1006, 0x1007, 0x100D, 0x100E,
                          0x100F, 0x1010, 0x1011, 0x1012, 0x1013, 0x1014, 0x1015, 0x1388, 0x1389, 0x138A, 0x138B,
                          0x1770, 0x1771, 0x1772, 0x2711, 0x2712, 0x2EE0, 0x2EE1, 0x2EE4, 0x2EE5, 0x2F14})
_BREAKS = str.maketrans({"\r": "\n", "\x0b": "\n"})  # a paragraph end, a line break


@dataclass
class Ppt:
    """What a presentation holds: its tables (rows of cell texts; where each is: ``slide`` or ``notes``) and its other
    text as lines (slides' and notes' text boxes, outlines), and the damage met (a record running past its container)."""

    tables: list[tuple[str, list[list[str]]]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    damage: str | None = None


def holds_ppt(data: bytes) -> bool:
    """Whether a compound file's directory names a ``PowerPoint Document`` stream (cheap: a byte search)."""
    return STREAM_NAME in data


def holds_ppt_stream(data: bytes) -> bool:
    """Whether a compound file's root holds a ``PowerPoint Document`` stream (a deck under another name, not a file
    embedding one in a storage of its own: an Outlook message, a Word document). Run in the worker (olefile)."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return bool(ole.exists(STREAM) and ole.get_type(STREAM) == olefile.STGTY_STREAM)
    except Exception:  # noqa: BLE001 - a compound file that cannot be opened holds no deck to read here
        return False


def read_ppt(data: bytes, tick: Callable[[], object]) -> Ppt:
    """The tables and text of a presentation's bytes (a compound file). ReadError when its stream cannot be read."""
    import olefile  # a dependency of msoffcrypto-tool

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            user = ole.openstream(USER).read(28) if ole.exists(USER) else b""
            if ole.exists(ENCRYPTED) or user[12:16] == TOKEN_ENCRYPTED:  # [MS-PPT] 2.3.2 / 2.3.7: RC4 CryptoAPI, said
                raise ReadError(Status.ENCRYPTED, say(  # as the objects' reader says it (one detail, not two)
                    Detail.PROTECTED_FORMAT, format="PowerPoint 97-2003 presentation",
                    marker="Current User headerToken, EncryptedSummary stream"))
            if ole.exists(PP95_STREAM) or 4 <= len(user) < 28 and int.from_bytes(user[:4], "little") + 4 == len(user):
                if ole.exists(PP95_TEXT) and ole.get_type(PP95_TEXT) == olefile.STGTY_STREAM:
                    return _text_content(*_pp95_text(ole, len(data)))  # its text, as PowerPoint 95 wrote it for
                    # Windows' search (docs23: said not read)
                raise ReadError(Status.UNSUPPORTED, say(Detail.PPT95_NOT_READ, n=len(user)))  # (as POI's
                # CurrentUserAtom tells PowerPoint 95: its records are not 97's; review22d, read as 97 it was clean)
            if not ole.exists(STREAM):
                raise ReadError(Status.CORRUPT, say(Detail.NO_PPT_STREAM))
            size = ole.get_size(STREAM)
            if size > len(data):  # (a chain that loops or shared sectors: olefile would read round and round)
                raise ReadError(Status.CORRUPT, say(Detail.STREAM_OVER_FILE, stream=STREAM, size=size, left=len(data)))
            stream = ole.openstream(STREAM).read(size)
    except ReadError:
        raise
    except Exception as e:  # noqa: BLE001 - a damaged compound file is data, not a crash
        raise ReadError(Status.CORRUPT, say(Detail.PPT_UNREADABLE, error=error_name(e))) from e
    out = Ppt()
    _Walk(stream, out, tick).container(0, len(stream), 0, "")
    return out


def _text_content(raw: bytes, codepage: object) -> Ppt:
    """A PowerPoint 95 file's ``Text_Content`` stream: the text of every slide's boxes, a paragraph ending in CR, in
    the ANSI ``codepage`` its SummaryInformation names (cp1252 when none: PowerPoint 95's western default). Its records
    (PowerPoint 7's, not 97's) are not read: no table in them (PowerPoint 95 had none: a table was a Word object)."""
    try:
        codec = codecs.lookup(f"cp{codepage}").name if isinstance(codepage, int) and 0 < codepage < 65000 else "cp1252"
    except LookupError:
        codec = "cp1252"
    kept = raw.rstrip(b"\0")  # ANSI text holds no NUL: a run of them is a block lost on disk, inside or to the end
    zeroed = zeroed_block(raw) or ((len(kept), len(raw) - len(kept)) if len(raw) - len(kept) >= 16 else None)
    # (docs23's sweep: 7 of 15 persons lost unsaid)
    return Ppt(lines=raw.decode(codec, "replace").translate(_BREAKS).split("\n"),
               damage=None if zeroed is None else say(Detail.NUL_BLOCK, n=zeroed[1], at=zeroed[0]))


def _pp95_text(ole: object, most: int) -> tuple[bytes, object]:
    """The Text_Content stream's bytes (up to ``most``: a chain longer than the file is damage) and the code page its
    SummaryInformation names (None when it has none or it cannot be read)."""
    import olefile

    assert isinstance(ole, olefile.OleFileIO)
    size = ole.get_size(PP95_TEXT)
    if size > most:
        raise ReadError(Status.CORRUPT, say(Detail.STREAM_OVER_FILE, stream=PP95_TEXT, size=size, left=most))
    raw = ole.openstream(PP95_TEXT).read(size)
    try:
        codepage = ole.get_metadata().codepage if ole.exists("\x05SummaryInformation") else None
    except Exception:  # noqa: BLE001 - a damaged property set: the default code page
        codepage = None
    return raw, codepage


def _records(buf: bytes, start: int, end: int, damage: list[Place]) -> Iterator[tuple[int, int, int, int, int]]:
    """(version, instance, type, body start, body end) of each record in ``buf[start:end]``; a record running past
    its container is cut there and said."""
    at = start
    nonzero = start - 1  # where the zeros from a zero header end (found once per run: review22d, each zero header
    # copied the rest of its container, a 400 KB zero run took 69 s)
    while at + 8 <= end:
        vi, kind, length = _HEADER.unpack_from(buf, at)
        if kind == 0 and vi == 0 and length == 0:
            if nonzero < at:
                found = _NONZERO.search(buf, at, end)
                nonzero = end if found is None else found.start()
            if nonzero >= end:
                return  # zeros to the end: padding after the last record (POI's 38256.ppt, 41384.ppt), no damage
        body = at + 8
        if body + length > end:
            damage.append((f"{kind:#06x}", at))
        yield vi & 0xF, vi >> 4, kind, body, min(body + length, end)
        at = body + length
    if start <= at < end and _NONZERO.search(buf, at, end) is not None:  # bytes left over, shorter than a header
        damage.append(("header", at))


_NONZERO = re.compile(rb"[^\0]")


_TOP = (b"\x0f\x00\xe8\x03", b"\x0f\x00\xee\x03", b"\x0f\x00\xf0\x03")  # document, slide, notes containers


def _top_records(buf: bytes, damage: list[Place]) -> Iterator[tuple[int, int, int, int, int]]:
    """The stream's own records: PowerPoint reaches them through its persist directory's offsets, so gaps between them
    (zeros, 0xFF runs, an old edit's bytes: POI's 38256.ppt, bug56240.ppt) are no damage; past a record that does not
    fit, the next document, slide or notes container header is where reading goes on. A walked container whose length
    runs past the stream is read up to its end and said (review22d: a slide's damaged length skipped the slide, its
    table unread and nothing said)."""
    at = 0
    marks: list[int | None] = [None] * len(_TOP)  # each header's next place, -1 none (searched again only once
    # passed: review22d, each search ran to the stream's end, headers that did not fit took quadratic time)
    while at + 8 <= len(buf):
        vi, kind, length = _HEADER.unpack_from(buf, at)
        if at + 8 + length <= len(buf) and (vi & 0xF == 0xF or kind):
            yield vi & 0xF, vi >> 4, kind, at + 8, at + 8 + length
            at += 8 + length
            continue
        if vi & 0xF == 0xF and kind in WALKED:
            damage.append((f"{kind:#06x}", at))
            yield vi & 0xF, vi >> 4, kind, at + 8, len(buf)
            return
        for k, mark in enumerate(_TOP):
            if (place := marks[k]) is None or 0 <= place <= at:
                marks[k] = buf.find(mark, at + 1)
        found = [x for x in marks if x is not None and x > at]
        if not found:
            return
        at = min(found)


class _Walk:
    def __init__(self, buf: bytes, out: Ppt, tick: Callable[[], object]) -> None:
        self.buf, self.out, self.tick = buf, out, tick
        self.seen = 0
        self.damage: list[Place] = []
        self.kept: set[Place] = set()  # the places a salvaged container said (its type damaged, its content kept)

    def container(self, start: int, end: int, depth: int, where: str, own: int = 0) -> None:
        """The records of ``buf[start:end]`` (``own``: the type of the container they are in)."""
        if depth > MAX_DEPTH:
            self.damage.append(("nesting", start))
            return
        found = _top_records(self.buf, self.damage) if depth == 0 else _records(self.buf, start, end, self.damage)
        for ver, _inst, kind, body, stop in found:
            self.seen += 1
            if self.seen % 4096 == 0:
                self.tick()
            if self.seen > MAX_RECORDS:
                raise ReadError(Status.TOO_LARGE, say(Detail.PPT_TOO_MANY_RECORDS, n=MAX_RECORDS))
            if kind == MAIN_MASTER:  # a master's placeholder texts ("Click to edit Master title style")
                continue
            if kind == SPGR and self._table(body, stop, where):
                continue
            if kind in (TEXT_CHARS, TEXT_BYTES):
                self.out.lines.extend(_text(self.buf, kind, body, stop).split("\n"))
            elif ver == 0xF and kind in WALKED and own != UNKNOWN and own not in PARENTS.get(kind, (own,)):
                self._salvage(kind, body, stop, depth, where, said=True)
            elif ver == 0xF and kind in WALKED:
                self.container(body, stop, depth + 1, "notes" if kind == NOTES else "slide" if kind == SLIDE else where,
                               kind)
            elif ver == 0xF and kind != HANDOUT:
                self._salvage(kind, body, stop, depth, where)
            elif own == CLIENT_TEXTBOX and kind not in PPT_RECORDS:
                self.damage.append((f"{kind:#06x}", body - 8))  # a text box's atom of no text box's type: its text
                # atom's type damaged (docs23: the text lost unsaid)
        if self.damage and (depth == 0 or self.out.damage is None):
            self.out.damage = say(Detail.PPT_RECORDS_DAMAGED, n=len(self.damage), at="{} #{}".format(*self.damage[0]))

    def _salvage(self, kind: int, start: int, end: int, depth: int, where: str, said: bool = False) -> None:
        """A container of a type not walked (a slide, a drawing, a group whose type bytes are damaged: docs23, the
        slide was skipped and its table lost unsaid): read on its own; when its records are sound and hold a table or
        text, they are kept and the damaged type said. Others (an environment, a tag list: no text) add nothing, nor
        does a container of noise (its records do not fit). ``said``: a walked container met where none is (a type
        damaged into another's): read so and said whatever it holds."""
        if depth + 1 > MAX_DEPTH:
            return
        out, damage = self.out, self.damage
        self.out, self.damage = Ppt(), []
        try:
            if not self._table(start, end, where, probe=True):
                self.container(start, end, depth + 1, where, UNKNOWN)
            got, bad = self.out, self.damage
        finally:
            self.out, self.damage = out, damage
        # (a container inside whose type is damaged too, read and said, is no damage of this one's records: review23o,
        # a slide and its drawing both damaged lost the slide's table unsaid)
        if said or (not [p for p in bad if p not in self.kept] and (got.tables or any(line.strip() for line in got.lines))):
            out.tables += got.tables
            out.lines += got.lines
            damage += (kept := [(f"{kind:#06x}", start - 8), *bad])
            self.kept.update(kept)

    def _table(self, start: int, end: int, where: str, probe: bool = False) -> bool:
        """A group that is a table: its cells as rows (True); False for any other group (walked as a container). The
        damage met in the group's records is said (review22d: a cell's or the table shape's damaged length lost cells
        unsaid). ``probe``: a container whose type is damaged, asked whether it is a table (no damage said when not)."""
        damage: list[Place] = []
        shapes = [(kind, body, stop) for ver, _, kind, body, stop in _records(self.buf, start, end, damage)
                  if ver == 0xF and kind != SPGR]  # (a shape whose type is damaged is still a cell: docs23)
        if not shapes or TABLE_PROPERTIES not in _properties(self.buf, *shapes[0][1:], damage):
            self.damage += [] if probe else [place for place in damage if place[0].startswith("0x")]  # a group shape's
            # record of no
            # shape's type (its tableProperties' type damaged: docs23, the table read as lines, unsaid)
            return False
        cells: list[tuple[int, int, str]] = []
        for kind, body, _ in shapes:
            if kind != SP:
                damage.append((f"{kind:#06x}", body - 8))
        for _, body, stop in shapes[1:]:
            shape_type, anchor, text = _shape(self.buf, body, stop, damage)
            if shape_type != LINE and anchor is not None:
                cells.append((anchor[1], anchor[0], text))
            elif anchor is None and text:  # a cell's text without its place (its anchor's type damaged: docs23)
                damage.append(("anchor", body - 8))
        self.damage += damage
        self.out.tables.append((where or "slide", _grid(cells)))
        return True


def _grid(cells: list[tuple[int, int, str]]) -> list[list[str]]:
    """Rows of cell texts: a row a top edge, a column a left edge; when rows x columns is more than MAX_GRID (anchors
    damaged or crafted: 20,000 cells on a diagonal built a grid of over 2 GB, review22d) each row holds its own cells
    in their left edges' order."""
    tops = sorted({top for top, _, _ in cells})
    lefts = sorted({left for _, left, _ in cells})
    row_of = {t: i for i, t in enumerate(tops)}
    if len(tops) * len(lefts) > MAX_GRID:
        rows: list[list[str]] = [[] for _ in tops]
        for top, _, text in sorted(cells, key=lambda cell: (cell[0], cell[1])):
            rows[row_of[top]].append(text)
        return rows
    col_of = {x: i for i, x in enumerate(lefts)}
    rows = [[""] * len(lefts) for _ in tops]
    for top, left, text in cells:
        if text or not rows[row_of[top]][col_of[left]]:  # (a shape without text at a cell's corner, a border not
            rows[row_of[top]][col_of[left]] = text  # drawn as a line, erased the cell's text: docs23)
    return rows


def _properties(buf: bytes, start: int, end: int, damage: list[Place]) -> set[int]:
    """The property ids of a shape's FOPT and tertiary FOPT ([MS-ODRAW] 2.2.9: 6-byte entries, as many as the
    record's instance)."""
    found: set[int] = set()
    for _, inst, kind, body, stop in _records(buf, start, end, damage):
        if kind not in SHAPE_RECORDS:
            damage.append((f"{kind:#06x}", body - 8))
        if kind in (FOPT, TERTIARY_FOPT):
            for k in range(min(inst, (stop - body) // 6)):
                found.add(struct.unpack_from("<H", buf, body + 6 * k)[0] & 0x3FFF)
    return found


def _shape(buf: bytes, start: int, end: int, damage: list[Place]) -> tuple[int, tuple[int, int, int, int] | None, str]:
    """A shape's type (its FSP's instance), child anchor (left, top, right, bottom) and text box text."""
    shape_type, anchor, text = -1, None, []
    for ver, inst, kind, body, stop in _records(buf, start, end, damage):
        if kind == FSP:
            shape_type = inst
        elif kind == CHILD_ANCHOR and ver != 0xF and stop - body >= 16:
            anchor = struct.unpack_from("<4i", buf, body)
        elif kind == CLIENT_TEXTBOX or (ver == 0xF and kind != CLIENT_DATA):  # (a text box whose type is damaged:
            if kind != CLIENT_TEXTBOX:  # its text read, the type said: docs23)
                damage.append((f"{kind:#06x}", body - 8))
            for _, _, k, b, s in _records(buf, body, stop, damage):
                if k in (TEXT_CHARS, TEXT_BYTES):
                    text.append(_text(buf, k, b, s))
                elif k not in PPT_RECORDS:
                    damage.append((f"{k:#06x}", b - 8))

        if kind not in SHAPE_RECORDS:
            damage.append((f"{kind:#06x}", body - 8))
    return shape_type, anchor, "".join(text).strip("\n")


def _text(buf: bytes, kind: int, start: int, end: int) -> str:
    raw = buf[start:end]
    text = raw[:len(raw) & ~1].decode("utf-16-le", "replace") if kind == TEXT_CHARS else raw.decode("latin-1")
    return text.translate(_BREAKS)
