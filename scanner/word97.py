"""Word 97-2003 (.doc/.dot) paragraphs, for the table reader (scanner.doctables): the text through the piece table and
each paragraph's table properties through the paragraph FKPs ([MS-DOC] 2.4.1 text, 2.4.2/2.4.6.1 paragraphs, 2.4.3
tables). Runs in the worker (untrusted bytes); bounded by the streams' sizes and the reader's time budget.

A table row is paragraphs inside a table (``sprmPFInTable`` / ``sprmPItap`` give the depth) whose cells end at a cell
mark (0x07, or for a nested table a paragraph mark with ``sprmPFInnerTableCell``) and whose row ends at the table
terminating paragraph (``sprmPFTtp`` / ``sprmPFInnerTtp``); that paragraph's ``sprmTDefTable`` / ``sprmTVertMerge``
tell the cells merged down. Field codes (between 0x13 and 0x14) are dropped, their results kept, as for .docx.
"""

from __future__ import annotations

import bisect
import io
import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .codes import Status
from .details import Detail, say
from .errors import ReadError, error_name

FKP_SIZE = 512
_NFIB_97 = 0xC1  # FIB nFib of Word 97 (later versions write it too, or higher); Word 6.0 0x65, Word 95 0x68
MAX_PAPX_RUNS = 0x1D  # a paragraph FKP holds at most 29 runs (4-byte offsets, 13-byte BxPap entries: [MS-DOC] PapxFkp cpara)
_WORD_NAME = "WordDocument".encode("utf-16-le")  # as a compound file's directory holds it
_W_IDENTS = (b"\xec\xa5", b"\xdc\xa5", b"\x99\xa6", b"\x97\xa6")  # FIB wIdent: Word 6-2003, templates, Word 6/95 Mac
MAX_DEPTH = 64  # nesting of tables (Word allows 63)
RESTART, CONTINUE = 1, 2  # a cell merged down: its first cell, the cells below it (scanner.doctables._Table)

# story order in character positions ([MS-DOC] 2.3.1 ff.): FIB ccp fields at these offsets
_STORIES = (("", 0x4C), ("footnotes", 0x50), ("headers", 0x54), ("macros", 0x58), ("comments", 0x5C),
            ("endnotes", 0x60), ("text boxes", 0x64), ("header text boxes", 0x68))
_SPRM_SIZE = (1, 1, 2, 4, 2, 2, 0, 3)  # operand bytes by spra (the sprm's top 3 bits); 0: variable
_IN_TABLE, _TTP, _ITAP, _DTAP, _INNER_CELL, _INNER_TTP = 0x2416, 0x2417, 0x6649, 0x664A, 0x244B, 0x244C
_DEF_TABLE, _DEF_TABLE10, _VERT_MERGE, _CHANGE_TABS = 0xD608, 0xD606, 0xD62B, 0xC615
_HUGE_PAPX = 0x6646  # the paragraph's properties are in the Data stream (a row of many cells: its table definition)
_MARKS = re.compile("[\r\x07]")
_FIELD = re.compile("[\x13\x14\x15]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # a character of two UTF-16 code units (a surrogate pair)
# characters that are no text: objects, note and comment references, optional hyphens; line and page breaks -> "\n"
_NO_TEXT: dict[int, str | None] = {c: None for c in (0, 1, 2, 3, 4, 5, 6, 8, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B,
                              0x1C, 0x1D, 0x1F)}
_NO_TEXT.update({0x0B: "\n", 0x0C: "\n", 0x1E: "-"})


@dataclass(frozen=True)
class Para:
    """A paragraph's table properties: ``depth`` 0 outside tables; ``cell_end`` its mark ends a cell, ``row_end`` it
    ends a row (then ``merges``: per cell 0, RESTART or CONTINUE); ``known`` False when its properties were lost."""

    depth: int = 0
    cell_end: bool = False
    row_end: bool = False
    merges: tuple[int, ...] = ()
    known: bool = True
    width: int | None = None  # a row end's cells by its table definition (sprmTDefTable), when it has one


UNKNOWN = Para(known=False)


@dataclass
class _Props:
    in_table: bool = False
    ttp: bool = False
    itap: int | None = None
    inner_cell: bool = False
    inner_ttp: bool = False
    merges: tuple[int, ...] = ()
    width: int | None = None

    def apply(self, grpprl: bytes, data: bytes = b"") -> None:
        """Take the table sprms of ``grpprl``; ``data``: the Data stream, for a huge PAPX (followed once)."""
        for sprm, op in _sprms(grpprl):
            if sprm == _HUGE_PAPX and data and len(op) == 4:
                at = struct.unpack("<I", op)[0]
                if at + 2 <= len(data):
                    self.apply(data[at + 2:at + 2 + _u16(data, at)])
            elif sprm == _IN_TABLE:
                self.in_table = op[:1] not in (b"", b"\0")
            elif sprm == _TTP:
                self.ttp = op[:1] not in (b"", b"\0")
            elif sprm == _ITAP and len(op) == 4:
                self.itap = max(0, min(struct.unpack("<i", op)[0], MAX_DEPTH))
            elif sprm == _DTAP and len(op) == 4:
                self.itap = max(0, min((self.itap or int(self.in_table)) + struct.unpack("<i", op)[0], MAX_DEPTH))
            elif sprm == _INNER_CELL:
                self.inner_cell = op[:1] not in (b"", b"\0")
            elif sprm == _INNER_TTP:
                self.inner_ttp = op[:1] not in (b"", b"\0")
            elif sprm in (_DEF_TABLE, _DEF_TABLE10):
                self.merges = _def_table_merges(op[2:])
                self.width = op[2] if len(op) > 2 else None
            elif sprm == _VERT_MERGE and len(op) >= 3 and op[1] < 64:
                merges = list(self.merges) + [0] * max(0, op[1] + 1 - len(self.merges))
                merges[op[1]] = 0 if not op[2] & 1 else RESTART if op[2] & 2 else CONTINUE
                self.merges = tuple(merges)

    def para(self, mark: str) -> Para:
        depth = self.itap if self.itap is not None else int(self.in_table)
        if depth == 0:
            return Para()
        row_end = self.inner_ttp if depth > 1 else self.ttp
        return Para(depth, not row_end and (mark == "\x07" or self.inner_cell), row_end, self.merges if row_end else (),
                    width=self.width if row_end else None)


def _sprms(grpprl: bytes) -> Iterator[tuple[int, bytes]]:
    """(sprm, operand) of a property list, stopping where an operand would run past its end."""
    at = 0
    while at + 2 <= len(grpprl):
        sprm = grpprl[at] | grpprl[at + 1] << 8
        at += 2
        size = _SPRM_SIZE[sprm >> 13]
        if not size:
            if at >= len(grpprl):
                return
            if sprm in (_DEF_TABLE, _DEF_TABLE10):
                size = (grpprl[at] | grpprl[at + 1] << 8) + 1 if at + 2 <= len(grpprl) else len(grpprl)
            elif sprm == _CHANGE_TABS and grpprl[at] == 255 and at + 2 <= len(grpprl):
                dels = grpprl[at + 1]
                adds = grpprl[at + 2 + 4 * dels] if at + 2 + 4 * dels < len(grpprl) else 0
                size = 3 + 4 * dels + 3 * adds
            else:
                size = 1 + grpprl[at]
        if at + size > len(grpprl):
            return
        yield sprm, grpprl[at:at + size]
        at += size


def _def_table_merges(op: bytes) -> tuple[int, ...]:
    """Per cell RESTART / CONTINUE / 0 from a TDefTableOperand (after its cb): TC80.rgf fVertMerge 0x20, fVertRestart
    0x40."""
    if not op:
        return ()
    n = min(op[0], 63)
    at = 1 + 2 * (n + 1)
    out = []
    for i in range(n):
        if at + 20 * i + 2 > len(op):
            break
        rgf = op[at + 20 * i] | op[at + 20 * i + 1] << 8
        out.append(0 if not rgf & 0x20 else RESTART if rgf & 0x40 else CONTINUE)
    return tuple(out) if any(out) else ()


class Word97:
    """One Word 97-2003 document opened from its bytes: ``stories`` (name, first and end character position) and
    ``paragraphs`` (text, mark, Para). ``damage`` lists what could not be followed (read on as far as it goes)."""

    def __init__(self, word: bytes, table: bytes, data: bytes = b"") -> None:
        self.word, self.table, self.data = word, table, data
        self.damage: list[str] = []
        lengths = [struct.unpack_from("<i", word, at)[0] for _, at in _STORIES]
        self.stories: list[tuple[str, int, int]] = []
        start = 0
        for (name, _), n in zip(_STORIES, lengths, strict=True):
            if n > 0:
                self.stories.append((name, start, start + n))
            start += max(n, 0)
        self.pieces, self.prcs = self._piece_table()
        last = self.pieces[-1][1]  # Word's pieces hold the stories' characters, and one more when any but the main one
        if min(lengths) < 0 or not start <= last <= start + 1:
            self.damage.append(say(Detail.WORD97_PIECES_DAMAGED,
                                   why=f"story lengths {start}, piece table text {last} characters"))
            if min(lengths) < 0 or last > start + 1:  # text no story would read: all of it read as the main text
                self.stories = [("", 0, last)]
        self.run_starts, self.run_props = self._runs()
        self.read = 0  # text bytes read through the pieces

    def _piece_table(self) -> tuple[list[tuple[int, int, int, bool, int]], list[bytes]]:
        fc_clx, lcb_clx = struct.unpack_from("<II", self.word, 0x1A2)
        clx = self.table[fc_clx:fc_clx + lcb_clx]
        if not lcb_clx or len(clx) < lcb_clx:
            raise ReadError(Status.CORRUPT, say(Detail.WORD97_PIECES_DAMAGED, why="piece table outside its table stream"))
        prcs: list[bytes] = []
        at = 0
        while at < len(clx) and clx[at] == 0x01:  # Prc: property modifiers of pieces (fast-saved files)
            if at + 3 > len(clx):
                break
            n = _u16(clx, at + 1)
            prcs.append(clx[at + 3:at + 3 + n])
            at += 3 + n
        if at + 5 > len(clx) or clx[at] != 0x02:
            raise ReadError(Status.CORRUPT, say(Detail.WORD97_PIECES_DAMAGED, why="no piece table in its CLX"))
        plc = clx[at + 5:at + 5 + struct.unpack_from("<I", clx, at + 1)[0]]
        n = (len(plc) - 4) // 12
        if n <= 0:
            raise ReadError(Status.CORRUPT, say(Detail.WORD97_PIECES_DAMAGED, why="empty piece table"))
        cps = struct.unpack_from(f"<{n + 1}i", plc)
        if any(b < a for a, b in zip(cps, cps[1:], strict=False)):
            raise ReadError(Status.CORRUPT, say(Detail.WORD97_PIECES_DAMAGED, why="piece positions out of order"))
        pieces = []
        odd = False
        for i in range(n):
            _, fc, prm = struct.unpack_from("<HIH", plc, 4 * (n + 1) + 8 * i)
            compressed = bool(fc & 0x40000000)
            fc &= 0x3FFFFFFF
            if not compressed and fc & 1 and not odd:  # UTF-16 text starts at an even offset: its code units
                odd = True  # are read a byte off (no marks found)
                self.damage.append(say(Detail.WORD97_PIECES_DAMAGED, why="a Unicode text piece at an odd offset"))
            pieces.append((cps[i], cps[i + 1], fc // 2 if compressed else fc, compressed, prm))
        return pieces, prcs

    def _runs(self) -> tuple[list[int], list[tuple[int, _Props | None]]]:
        """The paragraph runs of every paragraph FKP named by the PlcBtePapx ([MS-DOC] 2.8.6), sorted by stream
        offset: (first offsets), (end, properties or None when its PAPX lies outside its page). The FKPs' own
        offsets are taken, not the index's (some writers' index offsets differ: POI's PAPBinTable does the same)."""
        fc, lcb = struct.unpack_from("<II", self.word, 0x102)
        plc = self.table[fc:fc + lcb]
        n = (len(plc) - 4) // 8
        if lcb < 12 or len(plc) < lcb or n <= 0:
            self.damage.append(say(Detail.WORD97_PARAGRAPHS_DAMAGED, why="paragraph index unreadable"))
            return [], []
        runs: list[tuple[int, int, _Props | None]] = []
        bad = 0
        for pn in sorted({pn & 0x3FFFFF for pn in struct.unpack_from(f"<{n}I", plc, 4 * (n + 1))}):
            page = self.word[pn * FKP_SIZE:(pn + 1) * FKP_SIZE]
            crun = page[-1] if len(page) == FKP_SIZE else 0
            if not 0 < crun <= MAX_PAPX_RUNS:
                bad += 1
                continue
            fcs = struct.unpack_from(f"<{crun + 1}I", page)
            for j in range(crun):
                runs.append((fcs[j], fcs[j + 1], self._papx(page, page[4 * (crun + 1) + 13 * j] * 2)))
        if bad:
            self.damage.append(say(Detail.WORD97_PARAGRAPHS_DAMAGED, why=f"{bad} property pages unreadable"))
        runs.sort(key=lambda r: r[0])
        return [r[0] for r in runs], [(r[1], r[2]) for r in runs]

    def _papx(self, page: bytes, offset: int) -> _Props | None:
        p = _Props()
        if not offset:
            return p  # no PAPX: the default properties (no table)
        if offset + 1 >= FKP_SIZE:
            return None
        cb = page[offset]
        body = page[offset + 2:offset + 2 + 2 * page[offset + 1]] if cb == 0 else page[offset + 1:offset + 2 * cb]
        p.apply(body[2:], self.data)  # after the style index
        return p

    def props(self, fc: int, prm: int, mark: str) -> Para:
        """The table properties of the paragraph whose mark is at stream offset ``fc``."""
        i = bisect.bisect_right(self.run_starts, fc) - 1
        if i < 0 or fc >= self.run_props[i][0] or self.run_props[i][1] is None:
            return UNKNOWN
        p = self.run_props[i][1]
        if prm & 1 and (prm >> 1) < len(self.prcs):  # the piece's own property modifiers (a fast save)
            p = _Props(**vars(p))
            p.apply(self.prcs[prm >> 1])
        assert p is not None
        return p.para(mark)

    def paragraphs(self, start: int, end: int, tick: Callable[[], None]) -> Iterator[tuple[str, str, Para]]:
        """(visible text, mark, properties) of the paragraphs of characters [start, end); the last one's mark ""
        when the story ends without one. Field codes dropped (their results kept)."""
        buf: list[str] = []
        fields: list[bool] = []  # open fields: True while in a field's code
        first = bisect.bisect_right([p[0] for p in self.pieces], start) - 1
        for cp0, cp1, fc, compressed, prm in self.pieces[max(first, 0):]:
            if cp0 >= end:
                break
            a, b = max(cp0, start), min(cp1, end)
            if a >= b:
                continue
            width = 1 if compressed else 2
            at = fc + (a - cp0) * width
            raw = self.word[at:at + (b - a) * width]
            self.read += len(raw)
            if self.read > len(self.word):  # pieces overlapping in the stream (a real file's text is each byte once)
                raise ReadError(Status.CORRUPT, say(Detail.WORD97_PIECES_DAMAGED, why="pieces claim more text than the stream holds"))
            if len(raw) < (b - a) * width:
                self.damage.append(say(Detail.WORD97_PIECES_DAMAGED, why="text piece past the end of its stream"))
            text = raw.decode("cp1252", "replace") if compressed else raw.decode("utf-16-le", "replace")
            pairs = not compressed and _ASTRAL.search(text) is not None  # 𠮷: one character, two code units
            pos = extra = 0
            for m in _MARKS.finditer(text):
                buf.append(_visible(text[pos:m.start()], fields))
                if pairs:  # the mark's place in the stream counts each such character twice
                    extra += len(_ASTRAL.findall(text, pos, m.start()))
                yield "".join(buf), m.group(), self.props(at + (m.start() + extra) * width, prm, m.group())
                buf = []
                pos = m.end()
                if m.group() == "\x07" and any(fields):  # a field code never holds a cell mark: its end is lost
                    fields.clear()  # (one damaged byte made the rest of the document field code, review18h)
                    self.damage.append(say(Detail.WORD97_PIECES_DAMAGED, why="a field code runs past the end of a cell"))
            buf.append(_visible(text[pos:], fields))
            tick()
        if any(buf):
            yield "".join(buf), "", Para()


def _visible(text: str, fields: list[bool]) -> str:
    """``text`` without field codes (0x13 code 0x14 result 0x15) and characters that are no text."""
    if "\x13" in text or "\x14" in text or "\x15" in text or fields:
        out = []
        pos = 0
        for m in _FIELD.finditer(text):
            if not any(fields):
                out.append(text[pos:m.start()])
            c = m.group()
            if c == "\x13":
                fields.append(True) if len(fields) < 64 else None
            elif c == "\x14" and fields:
                fields[-1] = False
            elif c == "\x15" and fields:
                fields.pop()
            pos = m.end()
        if not any(fields):
            out.append(text[pos:])
        text = "".join(out)
    return text.translate(_NO_TEXT)


def _u16(b: bytes, at: int) -> int:
    return b[at] | b[at + 1] << 8


def open_word97(data: bytes) -> Word97 | None:
    """The Word 97-2003 document of an OLE2 file, None when it holds none (no WordDocument stream, a Word 6/95 file).
    ReadError: encrypted (``fEncrypted``), or its structures unreadable."""
    import olefile  # a dependency of msoffcrypto-tool

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("WordDocument"):
                if _lost_word_stream(ole, data) or any(ole.exists(t) for t in ("1Table", "0Table")):
                    # named in a directory whose tree is damaged, or its name damaged (a Word table stream is there)
                    raise ReadError(Status.CORRUPT, say(Detail.WORD97_PIECES_DAMAGED, why="WordDocument stream not found"))
                return None
            word = ole.openstream("WordDocument").read()
            if len(word) < 0x1AA or word[:2] not in _W_IDENTS:  # a cut or damaged Word file
                raise ReadError(Status.CORRUPT, say(Detail.WORD97_PIECES_DAMAGED, why="file information block unreadable"))
            flags = _u16(word, 0x0A)
            if flags & 0x0100:  # fEncrypted: RC4 or XOR obfuscation (fObfuscated) of everything past the FIB
                raise ReadError(Status.ENCRYPTED, say(Detail.PROTECTED_FORMAT, format="Word 97-2003 document",
                                                      marker="FIB fEncrypted: " + ("XOR" if flags & 0x8000 else "RC4")))
            if _u16(word, 0x20) != 14 or _u16(word, 0x3E) != 22 or _u16(word, 0x98) < 0x5D:
                if _u16(word, 2) >= _NFIB_97:  # nFib says Word 97 or later: its FIB is damaged
                    raise ReadError(Status.CORRUPT, say(Detail.WORD97_PIECES_DAMAGED, why="file information block damaged"))
                _word6(word)  # a Word 6/95 FIB (nFib 0x65/0x68: no table stream, no piece table in this form)
                return None
            name = "1Table" if flags & 0x0200 else "0Table"
            if not ole.exists(name):
                raise ReadError(Status.CORRUPT, say(Detail.WORD97_PIECES_DAMAGED, why=f"no {name} stream"))
            table = ole.openstream(name).read()
            extra = ole.openstream("Data").read() if ole.exists("Data") else b""
    except ReadError:
        raise
    except Exception as e:  # noqa: BLE001 - olefile raises many kinds on damaged containers
        raise ReadError(Status.CORRUPT, say(Detail.WORD97_PIECES_DAMAGED, why=error_name(e))) from e
    return Word97(word, table, extra)


def _lost_word_stream(ole, data: bytes) -> bool:
    """Whether the directory names a WordDocument stream that its tree does not reach (a Word document embedded in
    a storage, an Outlook message's attached document, is no loss)."""
    return (_WORD_NAME in data and not any(path[-1] == "WordDocument" for path in ole.listdir())
            and _named_in_directory(ole))


def _named_in_directory(ole) -> bool:
    """Whether an entry of the compound file's own directory is named WordDocument (not a Word document's bytes
    inside one of its streams: an Outlook message's attachment by value, review18h: listed corrupt)."""
    fp = getattr(ole, "directory_fp", None)
    if fp is None:
        return True  # (an olefile without it: the name anywhere in the file counts, as before)
    fp.seek(0)
    raw = fp.read()
    name = _WORD_NAME + b"\0\0"
    return any(raw[at:at + len(name)] == name for at in range(0, len(raw), 128))


def holds_word97(data: bytes) -> bool:
    """Whether an OLE2 file is a Word document for this reader: a WordDocument stream at its root, one its damaged
    directory names but cannot reach, or a Word table stream (1Table, 0Table: no other program names a stream so) at
    its root without it (its name damaged: ole19, such a .doc renamed .dat ended as nothing); the last two are listed
    corrupt by the reader. For a file under another name (in the worker)."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return bool(ole.exists("WordDocument") or ole.exists("1Table") or ole.exists("0Table")) or (
                _lost_word_stream(ole, data))
    except Exception:  # noqa: BLE001 - a directory that cannot be read: not taken here (other readers list it)
        return False


def _word6(word: bytes) -> None:
    """A Word 6.0/95 document (its own FIB): ReadError when its text (fcMin..fcMac, one byte a character) holds table cell marks; its tables are not read here."""
    fc_min, fc_mac = struct.unpack_from("<II", word, 0x18)
    marks = word[fc_min:min(fc_mac, len(word))].count(b"\x07") if fc_min < fc_mac else 0
    if marks:
        raise ReadError(Status.UNSUPPORTED, say(Detail.WORD6_NOT_READ, n=marks))
