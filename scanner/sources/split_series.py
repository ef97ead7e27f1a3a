"""Archives cut into pieces, seen from the folder that holds them (Session 11).

7-Zip ("Split to volumes"), HJSplit and ``split`` cut an archive into byte pieces ``X.7z.001``, ``X.7z.002`` ...
(``X.zip.001`` ...): every part but the last has the first part's size, and the pieces joined in order are the
archive itself. A folder's listing tells which parts are there: a complete series is read as one virtual file
(``ConcatReader``: read-only, seekable, over the parts in order) under the first part's name; a series with a gap
or a part shorter than the first (not the last) is listed with the part(s) missing. PKZIP/Info-ZIP spanned zips
(``X.z01`` ... ``X.zip``) are joined under ``X.zip`` (their member offsets are per part: the archive reader moves
each, ``disk_starts``); a ``.zNN`` is a part only beside ``X.zip``.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import IO, cast

from ..details import Detail, join_details, say
from ..headerwords import header_words, is_header_cell, normalise

_SPLIT = re.compile(r"^(?P<whole>.+\.(?:zip|7z))\.(?P<n>\d{3,4})$", re.IGNORECASE | re.ASCII)
# any other file cut the same way (``split -b 1M customers.csv customers.csv.``, 7-Zip/HJSplit ``X.csv.001``):
# joined and read as X.EXT when its first part is no disk image by content (fixsplit11)
_PLAIN = re.compile(r"^(?P<whole>[^\0]+\.(?P<ext>[A-Za-z0-9_]{1,12}))\.(?P<n>\d{3,4})$", re.ASCII)
# a file cut with no extension before the number (``split -b 1M --numeric-suffixes=1 -a 3 customers.csv customers.``):
# joined only when its first part is text or a container by its head (a raw image split by FTK Imager or dd as
# ``image.001`` is binary: it stays the image it is, read through its segments) (Session 12)
_BARE = re.compile(r"^(?P<whole>[^.\0]+)\.(?P<n>\d{3,4})$", re.ASCII)
# a raw image split by its imaging tool keeps its image name (disk.dd.001, disk.img.001): the image source's
IMAGE_EXTS = frozenset({"dd", "img", "raw", "iso", "bin", "dmg", "vmdk", "vhd", "vhdx", "qcow2", "qcow", "aff",
                        "e01", "ex01", "mem", "dump", "dsk", "ima", "image"})
MAX_PARTS = 9999  # 7-Zip numbers on past .999 (.1000 ...); ``split -a 4`` from .0001 (Session 13: 999)
# a byte-split file of text rows (split12): a run of its parts is read cut at line ends (complete rows only)
LINE_EXTS = frozenset({"csv", "tsv", "txt", "tab", "prn"})
LINE_SEARCH = 1 << 16  # bytes searched at a run's edges for a line end


# formats leakscan only lists (no installed library reads them: scanner.inspectors.archive_members
# UNSUPPORTED_MAGIC): a later piece met without its first piece is a piece by a name that carries one of these
# extensions before its piece suffix (``archive.rar.ab``, ``setup.cab.part3``, ``backup_rar_ac``)
LISTED_EXTS = frozenset({"rar", "cab", "arj", "lzh", "lha", "ace", "lz4", "lz", "lzo", "lrz", "rpm", "deb", "wim",
                         "xar", "z"})
# formats read when their pieces are joined (split15: a zip or 7z cut with letters): a later piece met without its
# first piece is one by its name too, unless it opens as such an archive itself (``X.zip.old``, a copy; review16e:
# ``x.zip.ab`` without ``x.zip.aa`` ended as nothing, while ``x.zip.002`` without ``.001`` is listed)
JOINED_EXTS = frozenset({"zip", "7z"})
PIECE_EXTS = LISTED_EXTS | JOINED_EXTS
# a folder holds a part when one of its names ends so (names joined with NUL after each): the search before any
# grouping (scanner.sources.local, series_join); a ``split`` first piece (``X.aa``, ``X.part1``) or a later piece
# named after a format leakscan only lists or joins (``X.rar.ab``: PIECE_EXTS) too (rar14)
PART_NAME = re.compile(r"\.(?:\d{3,4}|[zZ]\d{2,3})\0|aaa?\0|\D0[01]\0|\.part0{0,3}1\0|[._-](?:" + "|".join(sorted(PIECE_EXTS))
                       + r")[._-]?(?:[a-z]{2,3}|\d\d|part\d{1,4})\0", re.ASCII | re.IGNORECASE)
# PART_NAME read backwards (every alternative above, its parts in reverse order): searched over a folder's joined
# names reversed, each try starts at a NUL (a literal the search skips to) instead of at every character: the same
# answer for any text (tests/test_part_name_reversed.py), in about half the time (``holds_part_name``); a change to
# PART_NAME is made here too (the test compares the two on random texts of their pieces)
_PART_NAME_REVERSED = re.compile(r"\x00(?:(?:\d{3,4}|\d{2,3}z)\.|aaa?|[01]0\D|10{0,3}trap\.|(?:[a-z]{2,3}|\d\d|\d{1,4}trap)"
                                 r"[._-]?(?:" + "|".join(sorted(e[::-1] for e in PIECE_EXTS)) + r")[._-])",
                                 re.ASCII | re.IGNORECASE)


def holds_part_name(joined: str) -> bool:
    """``PART_NAME.search(joined) is not None`` (``joined``: names each followed by NUL), searched backwards."""
    return _PART_NAME_REVERSED.search(joined[::-1]) is not None
_PART_TAIL = re.compile(r"\.\d{3}$", re.ASCII)


def is_part_name(name: str) -> bool:
    """Whether a name ends as a part of a byte-split file (``X.NNN``, three digits: 7-Zip, HJSplit, ``split``)."""
    return _PART_TAIL.search(name) is not None


def part_number(name: str) -> int:
    """The number of a part named ``X.NNN`` (0 when the name has none)."""
    tail = name.rsplit(".", 1)[-1]
    return int(tail) if tail.isascii() and tail.isdigit() else 0


def archive_part(name: str) -> tuple[str, str, int] | None:
    """(format, whole, number) of a part of a byte-split archive by its name alone (``X.zip.NNN``, ``X.7z.NNN``:
    ``("zip", "X.zip", N)``), or None. What the bytes are is decided where the folder is known (``series_in``)."""
    m = _SPLIT.match(name)
    if m is None or not 0 < int(m["n"]) <= MAX_PARTS:
        return None
    return m["whole"].rsplit(".", 1)[1].casefold(), m["whole"], int(m["n"])


# a piece met alone, where a folder's parts are not grouped (an archive's members, a disk image's walk): three digits
# only (a four-digit number is a part only beside its series: ``series_in``)
_PIECE = re.compile(r"^(?P<whole>[^/\0]+\.(?P<ext>[A-Za-z0-9_]{1,12}))\.(?P<n>\d{3})$", re.ASCII)


def piece_name(name: str) -> tuple[str, str, int] | None:
    """(whole, its extension casefolded, number) of a piece of a byte-split file that is no archive and no disk
    image by its name alone (``X.EXT.NNN``, as ``series_in`` groups them), or None."""
    p = _PIECE.match(name)
    if p is None or _SPLIT.match(name) is not None:
        return None
    ext, n = p["ext"].casefold(), int(p["n"])
    if ext in IMAGE_EXTS or ext.isdigit() or not 0 < n <= MAX_PARTS:
        return None
    return p["whole"], ext, n


@dataclass(frozen=True)
class Splice:
    """What is read of an incomplete series (split12), under its first present part's row: ``names`` the parts read,
    in order. ``holes``: an archive's present parts each at its own place (part k at (k-1) x ``cut``), the missing
    ones as zeros (its directory and offsets then hold; a member across a gap fails its check); else a run of
    consecutive parts of a plain file, cut at line ends when ``lines`` (only complete rows; a run after a gap
    begins after its first line end)."""

    whole: str
    names: tuple[str, ...]
    holes: bool = False
    cut: int = 0
    lines: bool = False
    starts_series: bool = True  # the run begins with part 1 (its first line is the file's own first line)
    ends_series: bool = False  # the run ends with the series' last part (a part shorter than the others)
    offset: int = 0  # where the run begins in the whole file: a UTF-16 text's characters begin at even offsets

    @property
    def first(self) -> int:
        return part_number(self.names[0])

    @property
    def last(self) -> int:
        return part_number(self.names[-1])


Segment = tuple[int, int, int]  # (index into Splice.names or -1 for zeros, start in that part, length)


def splice_segments(splice: Splice, sizes: list[int], read_at: Callable[[int, int, int], bytes]) -> list[Segment]:
    """The pieces a splice reads, in order: ``sizes`` of its parts (as listed), ``read_at(i, offset, n)`` a few
    bytes of part i (line ends are searched within LINE_SEARCH bytes of a run's edges; none there: the edge kept)."""
    if splice.holes:
        out: list[Segment] = []
        at = 0
        for i, (name, size) in enumerate(zip(splice.names, sizes, strict=True)):
            place = (part_number(name) - 1) * splice.cut
            if place > at:
                out.append((-1, 0, place - at))
            out.append((i, 0, size))
            at = place + size
        return out
    out = [(i, 0, size) for i, size in enumerate(sizes)]
    if not splice.lines:
        return out
    if not splice.starts_series and out:
        head = read_at(0, 0, min(LINE_SEARCH, sizes[0]))
        nl = _line_end(head, splice.offset, last=False)
        if nl >= 0:
            out[0] = (0, nl, sizes[0] - nl)
    if not splice.ends_series and out:
        i, start, length = out[-1]
        n = min(LINE_SEARCH, length)
        tail = read_at(i, start + length - n, n)
        nl = _line_end(tail, splice.offset + sum(sizes[:i]) + start + length - n, last=True)
        if nl >= 0:
            out[-1] = (i, start, length - (n - nl))
    return [s for s in out if s[2] > 0]


def _line_end(chunk: bytes, at: int, last: bool) -> int:
    """Where the first (or ``last``) line end in ``chunk`` (found at byte ``at`` of the whole file) ends, or -1. A
    UTF-16 text (NULs, the high bytes of its ASCII characters, at one parity of the file's offsets) ends a line
    with a whole character at an even offset: ``\\n\\0`` (LE) or ``\\0\\n`` (BE); cut after its first byte, an
    LE run read every character one byte off (review13e: no person counted after a missing part)."""
    even, odd = chunk[at % 2::2].count(0), chunk[1 - at % 2::2].count(0)  # NULs at even / odd offsets of the file
    if odd > len(chunk) // 16 and odd > 4 * even:
        mark = b"\n\0"
    elif even > len(chunk) // 16 and even > 4 * odd:
        mark = b"\0\n"
    else:
        nl = chunk.rfind(b"\n") if last else chunk.find(b"\n")
        return nl + 1 if nl >= 0 else -1
    found = chunk.rfind(mark) if last else chunk.find(mark)
    while found >= 0 and (at + found) % 2:
        found = chunk.rfind(mark, 0, found + 1) if last else chunk.find(mark, found + 1)
    return found + 2 if found >= 0 else -1


@dataclass(frozen=True)
class Series:
    """One split archive's parts as the folder holds them."""

    whole: str  # X.7z (the archive the parts make)
    parts: tuple[str, ...]  # the part names present, in order (X.7z.001 ...)
    sizes: tuple[int, ...]
    missing: tuple[str, ...] = ()  # parts named by the gap between present ones (X.7z.002 when .001 and .003 are)
    short: tuple[str, ...] = ()  # parts (not the last) shorter than the first: cut or still being copied
    longer: tuple[str, ...] = ()  # the last part, when longer than the first (7-Zip and HJSplit never make one)
    spanned: bool = False  # a PKZIP spanned zip (X.z01 ... X.zip): joined under X.zip, offsets per part
    plain: bool = False  # a byte-split file that is no archive (X.csv.001 ...): read joined as X.csv (fixsplit11)
    read_as: str = ""  # the name the joined file is read under when not ``whole``: ``list`` for a CSV cut under
    # ``list.zip.NNN`` (its bytes, not the archive's name, say what it is: Session 13)
    text: bool = False  # joined by its first part's content (text or a container), not by X.EXT: a run of its
    # parts is cut at line ends when that content is text
    irregular: tuple[str, ...] = ()  # of ``missing``: there under the name, but no regular file (a FIFO, a folder)
    pieces: bool = False  # cut by ``split`` with letters (``X.aa``, ``X.ab``) or as ``X.partN``, its first piece no
    # text, workbook or disk image (a RAR, a cabinet ...): never joined; the first piece examined as it is, every
    # later one listed as a piece of it (rar14: they ended as nothing)
    first_name: str = ""  # of ``pieces``: the first piece's name (``X.aa``, ``X.part1``), there or not
    segments: bool = False  # later segments of a split raw image whose first segment is not in the folder
    # (``disk.002``, ``disk.dd.003`` without ``.001``/``.000``: ``segments_in``); ``first_name`` the one missing.
    # Never joined nor spliced: each is walked when it starts with a file system, else listed later-segment
    # (scanner.inspectors.image), wherever the folder lies (images22)
    disk: bool = False  # a raw image's every segment among an archive's members (``disk.001`` ..., its first a disk
    # by content: ``_whole_set``), joined and read as the image (segs23)
    apart: str = ""  # pieces of a text named as one set that are not one byte stream (splits25: ``memo.txt.001``
    # cp932 ending inside a line, ``.002`` UTF-8): the encodings met ("cp932, utf-8"); never joined, each piece read
    # whole on its own and listed ``split-pieces-apart`` (the glued line mixed two encodings: a person lost)
    uneven: bool = False  # a text's every part joined though they are not one size but the last (rows cut at line
    # ends: ``split -l``, ``-C``, ``-n l/N``); said on the joined row (splits26: such a join was unsaid, and a part
    # copied short at a line end reads as one)
    unlike: bool = False  # header-less text pieces named as one set whose rows are of other tables (``rows_unlike``:
    # columns of other kinds); never joined, each piece read whole on its own and said ``split-pieces-unlike``
    # (review26p: joined, the reader kept one table's rows, 80 of 120 persons or none, unsaid)
    lettered: bool = False  # a zip or 7z by its first piece's content cut with letters, two digits or as ``X.partN``
    # (``xaa``, ``x.zip.ab``, ``x.7z.01``, ``x.7z.part2``), every piece here: joined as a numbered series (split15)

    @property
    def reads_as(self) -> str:
        """The name the joined (or spliced) file is read under."""
        return self.read_as or self.whole

    @property
    def joined_as(self) -> str:
        """The part whose entry is the joined archive: X.7z.001, or X.zip (the last) of a spanned zip."""
        return self.parts[-1] if self.spanned else self.parts[0]

    @property
    def disk_starts(self) -> tuple[int, ...]:
        """Where each part begins in the joined file (a spanned zip's member offsets are relative to their part)."""
        return tuple(sum(self.sizes[:i]) for i in range(len(self.sizes)))

    @property
    def base(self) -> int:
        """The number of a series' first part: 1 (``X.001``, as 7-Zip, HJSplit and ``split --numeric-suffixes=1``
        number), 0 for a plain file whose ``X.000`` is here (GNU ``split -d`` numbers from 0)."""
        return 0 if (self.plain or self.disk) and self.parts and part_number(self.parts[0]) == 0 else 1

    @property
    def complete(self) -> bool:
        if self.apart or self.unlike:
            return False
        if self.lettered:  # made only with its first piece here, no piece missing, no piece short (pieces_in)
            return (bool(self.parts) and self.parts[0] == self.first_name and not self.missing and not self.short
                    and not self.longer)
        if self.pieces or self.segments:  # never joined (only the first piece has a header: examined as it is)
            return False
        if self.spanned:
            return len(self.parts) > 1 and not self.missing and not self.short and not self.longer
        return (bool(self.parts) and part_number(self.parts[0]) == self.base and not self.missing and not self.short
                and not self.longer)

    @property
    def size(self) -> int:
        return sum(self.sizes)

    def splices(self, lines: bool | None = None) -> dict[str, Splice]:
        """What can be read of an incomplete series (split12), by the part whose row it is. An archive (zip/7z)
        whose present parts but the last all have one size: the whole series with its gaps as zeros, under its
        first present part. A plain file: each run of consecutive parts (ending at a part shorter than the first)
        under the run's first part, cut at line ends when its rows are lines of text (``lines``; default: by
        X.EXT), else as it is (a piece read as X.EXT: what reads it says what it holds). Nothing for a complete or a
        spanned series. Pieces ``apart``: each its own splice, read whole."""
        if self.apart or self.unlike:
            return {n: Splice(self.whole, (n,), starts_series=True, ends_series=True) for n in self.parts}
        if self.complete or self.spanned or self.pieces or self.lettered or self.segments or not self.parts:
            return {}
        numbers = [part_number(n) for n in self.parts]
        cut = self.sizes[0]
        if not self.plain:
            if cut <= 0 or any(s != cut for s in self.sizes[:-1]) or self.sizes[-1] > cut:
                return {}
            return {self.parts[0]: Splice(self.whole, self.parts, holes=True, cut=cut)}
        if lines is None:
            lines = self.text or self.whole.rsplit(".", 1)[-1].casefold() in LINE_EXTS
        out: dict[str, Splice] = {}
        run: list[int] = []
        for i, k in enumerate(numbers):
            if run and (k != numbers[run[-1]] + 1 or self.sizes[run[-1]] != cut):
                out.update(self._run(run, numbers, lines, cut))
                run = []
            run.append(i)
        out.update(self._run(run, numbers, lines, cut))
        return out

    def _run(self, run: list[int], numbers: list[int], lines: bool, cut: int) -> dict[str, Splice]:
        if not run:
            return {}
        last = run[-1]
        ends = last == len(self.parts) - 1 and self.sizes[last] < cut
        return {self.parts[run[0]]: Splice(self.whole, tuple(self.parts[i] for i in run), lines=lines,
                                           starts_series=numbers[run[0]] == self.base, ends_series=ends,
                                           offset=(numbers[run[0]] - self.base) * cut)}

    def run_of(self, name: str) -> Splice | None:
        """The splice that reads part ``name`` (as its first part or within it), or None. Found by the part's
        number: a name that is not UTF-8 is shown decoded, its series lists it surrogate-escaped."""
        if not name.rsplit(".", 1)[-1].isdigit():
            return None
        n = part_number(name)
        for splice in self.splices().values():
            if any(part_number(p) == n for p in splice.names):
                return splice
        return None

    def problem(self) -> str:
        """What is wrong with an incomplete series, said by codes (the parts' names quoted: file names of the
        evidence, no personal value; the English text as before)."""
        said = []
        if self.pieces or self.segments:  # a file cut with letters or as X.partN (rar14): its first piece by its name
            if self.first_name not in self.parts:
                said.append(say(Detail.SERIES_FIRST_MISSING, part=self.first_name))
        elif not self.spanned and (not self.parts or part_number(self.parts[0]) != self.base):
            said.append(say(Detail.SERIES_FIRST_MISSING, part=f"{self.whole}.{self.base:03d}"))
        for code, names in ((Detail.SERIES_PARTS_MISSING, [m for m in self.missing if m not in self.irregular]),
                            (Detail.SERIES_PARTS_NOT_REGULAR, [m for m in self.missing if m in self.irregular])):
            if names:
                said.append(say(code, parts=", ".join(names[:5]) + (" ..." if len(names) > 5 else "")))
        if self.short:
            said.append(say(Detail.SERIES_PARTS_SHORT, parts=", ".join(self.short[:5])))
        if self.longer:
            said.append(say(Detail.SERIES_LAST_LONGER, parts=", ".join(self.longer[:5])))
        return join_details(said)


# what the first part of a byte-split archive begins with: a zip's local header (or a spanned/empty zip's mark,
# a self-extractor's program), 7z's signature. Anything else (``split -b`` of a CSV under a .zip.NNN name) is no
# archive cut in pieces: not grouped, each part listed by its name as before (review11a)
_FIRST_BYTES = {"zip": (b"PK\x03\x04", b"PK\x07\x08", b"PK\x05\x06", b"MZ"), "7z": (b"7z\xbc\xaf\x27\x1c",)}


# the last bytes of a part read to tell a text from an archive that lost its first part: a zip's end of central
# directory lies within its last 65,557 bytes (22 + a comment of up to 65,535), a 7z ends with its header
TAIL_TEXT = 65557
# a zip (a workbook), an OLE2 file (an .xls) or a 7z: a first part joined by its content that is no text
CONTAINER_HEADS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"7z\xbc\xaf\x27\x1c")
# a zip (a local header, or the spanning mark of ``zip -s`` output cut again) or a 7z: the first piece of an archive
# cut with letters, two digits or as ``X.partN`` by these bytes (split15)
ARCHIVE_HEADS = (b"PK\x03\x04", b"PK\x07\x08", b"7z\xbc\xaf\x27\x1c")


# bytes text never holds (C0 controls but tab, LF, FF, CR and ESC of ISO-2022-JP; DEL): 512 random bytes hold one
# but with a chance of ~1e-26 (NUL alone let 13 % of random first parts pass as text)
_NOT_TEXT = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def is_text(chunk: bytes) -> bool:
    """Whether bytes are text by the control bytes they hold (none text never holds): a zip's or 7z's own records
    hold some (local headers, the end of central directory, a packed header), random bytes almost surely."""
    return len(chunk) > 0 and _NOT_TEXT.search(chunk) is None


def _plausible(unit: int) -> bool:
    """A UTF-16 code unit of ordinary text: tab, LF, CR, printable ASCII and Latin-1, general punctuation, CJK
    symbols, kana and ideographs, full-width forms (and either half of a surrogate pair)."""
    return (unit in (0x09, 0x0A, 0x0D) or 0x20 <= unit <= 0x7E or 0xA0 <= unit <= 0x24FF or 0x3000 <= unit <= 0x30FF
            or 0x3400 <= unit <= 0x9FFF or 0xD800 <= unit <= 0xDFFF or 0xFF00 <= unit <= 0xFFEF)


def is_utf16_text(chunk: bytes) -> bool:
    """Whether bytes are UTF-16 text with no byte-order mark (a part cut from Excel's "Unicode text" after its
    first, at an even or odd byte): at either byte order and either alignment, at least 95 % of the code units are
    ordinary text (``_plausible``: random bytes ~45 %) and none is NUL. Session 14 (split14): an archive-named
    series of UTF-16 text whose ``.001`` is lost was listed, unread."""
    for order in ("little", "big"):
        for skip in (0, 1):
            body = chunk[skip:]
            units = [int.from_bytes(body[i:i + 2], order) for i in range(0, len(body) - 1, 2)]
            if len(units) >= 8 and 0 not in units and sum(map(_plausible, units)) * 20 >= len(units) * 19:
                return True
    return False


def text_or_container(head: bytes) -> bool:
    """Whether a first part's first 512 bytes are text (no control byte text never holds, or a UTF-16 BOM) or a
    zip, OLE2 file or 7z: a cut CSV, text or workbook, never a raw image's first segment (a boot sector's NULs) nor
    random bytes."""
    return is_text(head) or head.startswith((b"\xff\xfe", b"\xfe\xff", *CONTAINER_HEADS)) or is_utf16_text(head)


def openpgp_head(head: bytes) -> bool:
    """Whether ``head`` opens an OpenPGP file, whose first packet a middle piece of a cut file does not begin
    with (RFC 9580 4.2: tag and length in the old or the new packet format): a detached signature (tag 2,
    version 3 to 6, a signature over a binary or text document, its public-key and hash algorithms in their
    registries' ranges: ``gpg --detach-sign``), a message encrypted with a passphrase (tag 3, SKESK version 4 to 6,
    a symmetric cipher in range; ``gpg -c X.tar.lz`` writes ``X.tar.lz.gpg``) or to a key (tag 1, PKESK version 3
    with its public-key algorithm in range). Total."""
    try:
        if 0x84 <= head[0] <= 0xBF:  # old format: tag in bits 5-2, a length of 1, 2 or 4 bytes (3: none)
            tag, body = (head[0] >> 2) & 15, head[1 + (1, 2, 4, 0)[head[0] & 3]:]
        elif 0xC1 <= head[0] <= 0xC3:  # new format, tags 1 to 3: a length of 1, 2 or 5 bytes
            tag, first = head[0] & 63, head[1]
            body = head[2 if first < 192 else 3 if first < 224 else 6:]
        else:
            return False
        if tag == 2 and len(body) >= 5 and body[0] in (3, 4, 5, 6):
            kind, key, digest = (body[2], body[3], body[4]) if body[0] == 3 else body[1:4]
            return kind in (0, 1) and 1 <= key <= 40 and 1 <= digest <= 14
        if tag == 3 and len(body) >= 3 and body[0] in (4, 5, 6):
            return 1 <= body[1 if body[0] == 4 else 2] <= 13
        if tag == 1 and len(body) >= 10 and body[0] == 3:
            return 1 <= body[9] <= 25
        return False
    except Exception:  # noqa: BLE001 - a content test over bytes: never raises
        return False


def _series_tail(names: tuple[str, ...], tail_of: Callable[[str], bytes | None]) -> bytes | None:
    """The last TAIL_TEXT bytes of a series by its parts' tails, the last part first and the ones before it while
    fewer are had (a zip's comment may outlast its last part: its end of central directory is then in the part
    before, review13e); None when a part's tail cannot be had."""
    tail = b""
    for name in reversed(names):
        got = tail_of(name)
        if got is None:
            return None
        tail = got + tail
        if len(tail) >= TAIL_TEXT:
            break
    return tail[-TAIL_TEXT:]


def _zip_tail(tail: bytes, head: bytes) -> bool:
    """Whether a series whose first part begins as text is a zip behind a stub (a shell script's self-extractor): its
    last bytes hold the zip's end of central directory, or (its last part cut before that record, split15) are no
    text and hold a central directory header or a local header while its first part's head is text."""
    if b"PK\x05\x06" in tail:
        return True
    # (its first 32 bytes, the stub's own: splits25 made a folder's heads longer, and a stub script's longer head runs
    # into the zip's first local header: the cut series was read as text, its members unread: test_split15_stub_zip_cut)
    return is_text(head[:32]) and bool(tail) and not is_text(tail) and (b"PK\x01\x02" in tail or b"PK\x03\x04" in tail)


def _text_tail(tail: bytes | None) -> bool:
    """Whether a series' last bytes are text (8-bit, or UTF-16 with no end of central directory among them)."""
    return bool(tail) and (is_text(tail or b"") or (b"PK\x05\x06" not in (tail or b"") and is_utf16_text(tail or b"")))


def series_in(names: Iterable[str], size_of: Callable[[str], int | None],
              head_of: Callable[[str], bytes | None] | None = None,
              others: set[str] | frozenset[str] = frozenset(),
              plain_of: Callable[[str], bool] | None = None,
              text_of: Callable[[str], bool] | None = None,
              tail_of: Callable[[str], bytes | None] | None = None,
              segment_of: Callable[[str], bool] | None = None,
              images: bool = False) -> dict[str, Series]:
    """Every part of a split archive among a folder's plain file ``names`` -> its series; ``size_of(name)``: the
    part's size (None when it cannot be had: the series is then not joined, it is listed); ``head_of(name)``: the
    first bytes of a part, when given a series whose ``.001`` is not the archive its name says is left out;
    ``others``: the folder's names that are no regular file (a missing part there is said to be one);
    ``plain_of(name)``: whether the first part of any other ``X.EXT.NNN`` series is a plain file (no disk image
    by content): only then is that series grouped (``plain``: joined and read as X.EXT); ``text_of(name)``: whether
    the first part of a ``NAME.NNN`` series (no extension before the number) is text or a container by its head:
    only then is it grouped (joined and read as NAME, by its content); ``tail_of(name)``: the last bytes of a part
    (up to TAIL_TEXT: an archive-named series whose first part is lost is text when its first present part begins and
    the series' last TAIL_TEXT bytes, read from its last parts, are text: a zip or 7z ends with its directory or
    header, never text); ``segment_of(name)``: whether a file's first bytes may be the middle of a disk
    (``image_sniff.segment_head`` over at least 512 of them): only then are ``disk.002`` ... without ``disk.001`` the
    later segments of a split raw image (``segments_in``)."""
    found: dict[str, dict[int, str]] = {}
    plain: set[str] = set()
    listed = list(names)
    for name in listed:
        m = _SPLIT.match(name)
        if m is not None and 0 < int(m["n"]) <= MAX_PARTS:
            found.setdefault(m["whole"], {})[int(m["n"])] = name
    if plain_of is not None:
        for name in listed:
            p = _PLAIN.match(name)
            if (p is not None and _SPLIT.match(name) is None and 0 <= int(p["n"]) <= MAX_PARTS
                    and p["ext"].casefold() not in IMAGE_EXTS and not p["ext"].isdigit()):
                found.setdefault(p["whole"], {})[int(p["n"])] = name
                plain.add(p["whole"])
    bare: set[str] = set()
    if plain_of is not None and text_of is not None:
        for name in listed:
            b = _BARE.match(name)
            if b is not None and (0 if images else 1) <= int(b["n"]) <= MAX_PARTS:
                found.setdefault(b["whole"], {})[int(b["n"])] = name
                plain.add(b["whole"])
                bare.add(b["whole"])
    imaged: set[str] = set()  # ``disk.img.001``, ``case.dd.000`` ...: a raw image's segments by name (images24)
    if images:
        for name in listed:
            p = _PLAIN.match(name)
            if p is not None and p["ext"].casefold() in IMAGE_EXTS and 0 <= int(p["n"]) <= MAX_PARTS:
                found.setdefault(p["whole"], {})[int(p["n"])] = name
                imaged.add(p["whole"])
    out: dict[str, Series] = {}
    for whole, numbered in found.items():
        disk, apart = False, ""
        if whole in bare or whole in imaged:  # (``images`` only) a raw image's every segment, numbered from .001 or
            # from .000 (``split -d``): joined and read as the image (segs23; images24: ``disk.img.001``,
            # ``case.dd.001`` and ``.000``-based sets in an archive were read from their first segment alone)
            order = sorted(numbered)
            disk = head_of is not None and _whole_set(order, tuple(numbered[k] for k in order), size_of,
                                                      head_of(numbered[order[0]]))
            if not disk and whole in imaged:
                continue  # not every segment, or no disk by content: each examined as it is, as before
            if not disk and 0 in numbered:
                numbered = {k: v for k, v in numbered.items() if k}  # a bare .000 only for a disk: as before
                if not numbered:
                    continue
        order = sorted(numbered)
        names_in = tuple(numbered[k] for k in order)
        base = 0 if order[0] == 0 else 1  # GNU ``split -d`` numbers a plain file's parts from .000 (review12c)
        if order[0] > base and all(len(n.rsplit(".", 1)[1]) > 3 for n in names_in):
            continue  # ``X.csv.2024``, ``.1000`` alone: four digits are a part only beside its first part or a
            # three-digit series (a rotated or dated copy otherwise, read by its content: Session 13)
        read_as, text = "", False
        if disk or whole in imaged:
            pass  # a raw image's segments (images24): no archive, no text by name
        elif whole not in plain and head_of is not None and order[0] == 1:
            head = head_of(names_in[0])
            if head is not None and not head.startswith(_FIRST_BYTES[whole.rsplit(".", 1)[1].lower()]):
                # ``split -b`` of a CSV (or a workbook) under ``list.zip.NNN``: no archive by its first bytes.
                # Joined when its first part is text or a workbook by content and no disk image, read as
                # ``list`` (what its bytes are decides, as for ``customers.001``); else each part listed
                if text_of is None or plain_of is None or not text_of(names_in[0]) or not plain_of(names_in[0]):
                    continue
                if tail_of is None or not _zip_tail(_series_tail(names_in, tail_of) or b"", head):
                    plain.add(whole)
                    read_as = whole.rsplit(".", 1)[0]
                    text = not head.startswith(CONTAINER_HEADS)
                # else a zip after all, behind a text stub (a shell script's self-extractor): joined as the zip it
                # is (zipfile reads past bytes before the first local header; Session 14: each part was listed)
        elif (whole not in plain and order[0] > 1 and text_of is not None and tail_of is not None
              and plain_of is not None and text_of(names_in[0]) and _text_tail(_series_tail(names_in, tail_of))):
            plain.add(whole)  # ``.001`` lost: a text cut under an archive's name by its other parts' content
            read_as, text = whole.rsplit(".", 1)[0], True
        if whole in plain and not disk:  # its first part no disk image (a raw image split stays an image); a lone
            # .001 is no series, a lone later part is one whose first part is missing (split12: it ended as nothing)
            if order[0] == base and (len(order) < 2 or plain_of is None or not (
                    plain_of(names_in[0]) or _zeroed_text(names_in, read_as or whole, head_of, tail_of))):
                continue
            if whole in bare and (order[0] != 1 or text_of is None or not text_of(names_in[0])):
                continue  # NAME.NNN without its first part, or binary (a raw image's segments): as before
        sizes = tuple(size_of(n) for n in names_in)
        width = len(names_in[0].rsplit(".", 1)[1])
        missing = tuple(f"{whole}.{k:0{width}d}" for k in range(base + 1, order[-1]) if k not in numbered)
        irregular = tuple(m for m in missing if m in others)  # there, but no regular file: said apart (jawords13)
        first = sizes[0] if order[0] == base else None
        short = tuple(n for n, s in zip(names_in[:-1], sizes[:-1], strict=True)
                      if s is None or first is None or s != first)
        last = sizes[-1]
        longer: tuple[str, ...] = ()
        chunked = (first is not None and last is not None and not short
                   and _chunked(first, last, order[-1] - base + 1))  # ``split -n``'s equal chunks, the last one
        # longer; counted by the last part's number, so a chunk lost between (sweep24: ``.002`` of ``split -n 4``
        # gone took the set for rotated logs: ``.003``/``.004`` were not read)
        if last is None:
            short += (names_in[-1],)
        elif first is not None and last > first and not chunked:
            longer = (names_in[-1],)  # a last part larger than the first: not a cut series (but ``split -n``'s)
        if order[0] != base:  # .001 gone: a cut series only when every part but the last has one size and the last
            cut = sizes[0]  # is not larger (then listed, naming the first part missing; an archive's parts are
            if cut is None or any(s != cut for s in sizes[:-1]) or last is None or last > cut:  # listed anyway)
                if whole in plain:
                    continue
            else:
                short = ()
        if whole in plain and ((len(short) > 1 and not missing) or (not chunked and any(
                s is not None and first is not None and s > first for s in sizes))):
            if not (order[0] == base and None not in sizes
                    and _rows_cut(names_in, read_as or whole, head_of, tail_of)):  # a piece missing too (splits24b:
                # ``g.csv.001`` + a larger ``.003``: .003 said unjoined for a wrong reason, unread, .002 unsaid)
                continue  # parts of many sizes, or one larger than the first (app.log.001, .002 ... rotated): no cut
            short, longer = (), ()  # rows of one text cut at other places (images24): joined
            apart = _apart(names_in, head_of, tail_of)  # unless a line would glue two encodings (splits25)
        elif (whole in plain and len(short) == 1 and not missing and order[0] == base and None not in sizes
              and _lines_whole(dict(enumerate(names_in[:-1])), tail_of)
              and _as_many_lines(names_in[0], sizes[0], short[0], sizes[names_in.index(short[0])], head_of, tail_of)
              and _rows_cut(names_in, read_as or whole, head_of, tail_of)):
            short = ()  # ``split -l`` in three pieces, the middle one shorter than the first (every piece but the last
            # ending with a line end: no piece cut short while copied): rows of one text (splits25: read as a set
            # missing a piece, split-series-partly-read, the rows at the edges lost)
        if ((short or longer) and not missing and order[0] == base and whole not in plain and head_of is not None
                and None not in sizes):
            total = sum(s or 0 for s in sizes)
            if _sevenz_length(head_of(names_in[0])) == total or (
                    tail_of is not None and whole.casefold().endswith(".zip")
                    and _zip_length(_series_tail(names_in, tail_of)) == total):
                short, longer = (), ()  # parts of other sizes whose joined length is the archive's own: the archive
        unlike = (whole in plain and not disk and not apart and not missing and order[0] == base
                  and _unlike(names_in, read_as or whole, head_of))  # other tables' rows: each read whole (review26p)
        uneven = (whole in plain and not disk and not apart and not unlike and not missing and not short
                  and not longer and order[0] == base and None not in sizes and not chunked
                  and _uneven([s or 0 for s in sizes], head_of(names_in[0]) if head_of is not None else None))
        series = Series(whole, names_in, tuple(s or 0 for s in sizes), missing, short, plain=whole in plain,
                        read_as=read_as, text=text, irregular=irregular, longer=longer, disk=disk, apart=apart,
                        uneven=uneven, unlike=unlike)
        for n in names_in:
            out[n] = series
    if head_of is not None and plain_of is not None and text_of is not None:
        for name, series in pieces_in(listed, size_of, plain_of, text_of, head_of, tail_of).items():
            out.setdefault(name, series)
    if segment_of is not None:
        for name, series in segments_in(listed, size_of, segment_of, tail_of).items():
            out.setdefault(name, series)
    return out


def _whole_set(order: list[int], names_in: tuple[str, ...], size_of: Callable[[str], int | None],
                head: bytes | None) -> bool:
    """Whether a ``NAME.NNN`` series is a raw image's every segment (``series_in(images=True)``: an archive's
    members, where no image reader finds the siblings of ``disk.001``): numbered from 1 with none missing, its first
    part a disk image by its fixed signatures (``HEAD``: ``image_sniff.signature_kind``; zeros are none: a set whose
    ``.000`` is lost stays later segments, images23), cut evenly (``_cut_evenly``). segs23: a split ext4 in a zip
    was read from ``disk.001`` alone (truncated-fs, its other files never read, exit 3); it is joined and read as
    the image it is (a local folder's set is read through its segments by the image source)."""
    from .image_sniff import signature_kind

    return (len(order) > 1 and order[0] in (0, 1) and order == list(range(order[0], order[0] + len(order)))
            and head is not None
            and signature_kind(head) is not None and _cut_evenly(dict(zip(order, names_in, strict=True)), size_of))


def _uneven(sizes: list[int], first: bytes | None) -> bool:
    """Whether the parts of a text joined as rows cut at line ends differ in size by more than such a cut's own play:
    a part but the last shorter than the longest by more than three of the first part's longest lines (in its head)
    or a twentieth of it, or the last larger than the first by as much. ``split -l 50`` parts differ by up to about
    three lines, ``-C`` parts by less than one: review26p, splits26 said ``split-joined-uneven`` on every such set
    (96 of 96 of its sweep), which told nothing; a part copied short, or a line longer than ``-C``'s size, still
    says it."""
    if len(sizes) < 2:
        return False
    body = sizes[:-1]
    longest = max((len(line) + 1 for line in (first or b"")[:ROWS_SEEN].split(b"\n")[:-1]), default=0)
    play = max(3 * longest, max(body) // 20)
    return max(body) - min(body) > play or sizes[-1] - sizes[0] > play


def _unlike(names_in: tuple[str, ...], whole: str, head_of: Callable[[str], bytes | None] | None) -> bool:
    """Whether a text set's pieces (a LINE_EXTS name) hold rows of other tables (``rows_unlike``)."""
    if head_of is None or len(names_in) < 2 or whole.rsplit(".", 1)[-1].casefold() not in LINE_EXTS:
        return False
    first = head_of(names_in[0])
    return first is not None and rows_unlike(first, [head_of(n) for n in names_in[1:]])


# text tables whose pieces are cut by rows (``split -l``): only the first piece has the header
TABLE_EXTS = frozenset({"csv", "tsv", "tab", "prn"})


def _rows_cut(names_in: tuple[str, ...], whole: str, head_of: Callable[[str], bytes | None] | None,
              tail_of: Callable[[str], bytes | None] | None) -> bool:
    """Whether the pieces (every one here, in order) of a text named ``whole`` (LINE_EXTS) whose sizes refuse a cut
    (one larger than the first, or of many sizes) are still rows of one text cut: no later piece begins as the first
    (a rotated export repeats its header line; a log its date) and a piece but the last ends inside a line (a file
    written whole ends with its line end), or the text is a table (TABLE_EXTS: a later piece with no header row of
    its own is the rest of the first's rows, ``split -l``). images24: ``mid.csv.001`` (5,000 B, cut mid-row) and its
    larger ``.002`` were read as the first piece only (71 of 200 persons), ``.002`` on no line; ``roster.csv.001``
    / ``.002`` cut by rows (85 + 114 persons, the second larger): ``.002`` on no line in a folder, each
    ``split-piece-alone`` in a zip."""
    ext = whole.rsplit(".", 1)[-1].casefold()
    if head_of is None or tail_of is None or len(names_in) < 2:
        return False
    heads = [head_of(n) for n in names_in]
    first = heads[0]
    if ext not in LINE_EXTS and (first is None or not header_line(first, roles=True)):
        return False  # sweep26: a roster renamed ``roster.dat`` (read by its header, splits26) cut by ``split -l``:
        # its header piece the shortest, the set was no cut; .001 read alone (49 of 150), the rest on no line
    if first is None or first.startswith(CONTAINER_HEADS) or not (
            text_or_container(first[:512]) or _zeroed_text(names_in, whole, head_of, tail_of)):
        return False  # (a first piece zeroed past its head: its later pieces and its own end say text, splits25)
    end = first.find(b"\n", 0, 512)
    mark = first[:end + 1] if end >= 0 else first[:32]  # its first line: the header a rotated export repeats
    # (review24i: the first 32 bytes ran past a 29-byte header into the first data row, which each month differs
    # in: three monthly exports were joined and each later one read again alone, 210 records of 120)
    renamed = ext not in LINE_EXTS  # (its later pieces' role headers count too: an export of its own, not rows)
    if len(first) < 8 or any(h is None or h.startswith(mark) or header_line(h, roles=renamed) for h in heads[1:]):
        return False  # a later piece begins as the first, or with a header line of its own: files of their own (a
        # rotated export, its header again or changed: splits24b, a column added was joined and read twice)
    if ext in TABLE_EXTS or header_line(first, roles=renamed):  # a table saved as text (Excel's tab-delimited .txt: splits25,
        return True  # ``split -l`` of a roster.txt: its later pieces listed split-piece-unjoined, unread)
    if rows_alike(first, heads[1:]):  # a header-less table saved as text, cut by lines (splits26: 0 of 150 persons)
        return True
    tails = [tail_of(n) for n in names_in[:-1]]
    return any(t is not None and t and not t.endswith(b"\n") for t in tails)


def _side(raw: bytes, last: bool, whole_line: bool = False) -> str:
    """The encoding of one side of a glued line (the end of a piece after its last line end, ``last``, or the start of
    the next before its first): '' when no non-ASCII character tells (ASCII, or nothing but a character cut at the
    edge), ``utf-8`` when it decodes so with only a cut UTF-8 character at the edge dropped (a lead byte and its
    continuation bytes at the end, continuation bytes at the start) and holds a kana or kanji, else the first of
    cp932 / euc-jp that decodes it (a lead byte cut at the edge dropped), ``other`` when none does. ``whole_line``:
    no line end in the bytes at hand (a line longer than a piece or than the head read), so both edges are cuts
    (splits26: a 7,800-byte note cut by ``split -C 3000`` began a piece with a cut character and ended a head inside
    one: taken for cp932 beside UTF-8, the set read apart in 8 rows)."""
    if raw.isascii() or b"\0" in raw:  # NULs: UTF-16 (Excel's "Unicode text"), which neither side's test tells
        return ""  # (review25p: one UTF-16LE roster cut in a line was taken apart at 5 of 5,688 cuts)
    cut_start, cut_end = not last or whole_line, last or whole_line
    body = _cut_character(raw) if cut_end else raw  # a lead byte whose continuation bytes the cut took
    if cut_start:
        k = 0
        while k < min(3, len(body)) and 0x80 <= body[k] < 0xC0:
            k += 1
        body = body[k:]  # continuation bytes of a character the cut began in
    try:
        text = body.decode("utf-8")
        # kana or a kanji; else no answer (ASCII once a cut character is dropped, or two-byte UTF-8 only: short
        # cp932/EUC-JP runs decode so)
        return "utf-8" if any(ch >= "\u3000" for ch in text) else ""
    except UnicodeDecodeError:
        pass
    for encoding in ("cp932", "euc-jp"):
        for start in range(2 if cut_start else 1):  # a lead byte (or its trail) cut at the edge
            for end in range(2 if cut_end else 1):
                try:
                    raw[start:len(raw) - end].decode(encoding)
                    return encoding
                except UnicodeDecodeError:
                    continue
    return "other"


def _cut_character(body: bytes) -> bytes:
    """``body`` without a UTF-8 character cut at its end (a lead byte and fewer continuation bytes than it needs)."""
    k = len(body)
    while k > 0 and len(body) - k < 3 and 0x80 <= body[k - 1] < 0xC0:
        k -= 1
    if k > 0 and body[k - 1] >= 0xC2 and len(body) - k < ((body[k - 1] >= 0xE0) + (body[k - 1] >= 0xF0) + 1):
        return body[:k - 1]
    return body


def _apart(names_in: tuple[str, ...], head_of: Callable[[str], bytes | None] | None,
           tail_of: Callable[[str], bytes | None] | None) -> str:
    """The encodings met ("cp932, utf-8") when a piece of a text ends inside a line whose rest, at the head of the next
    piece, is in another encoding (one UTF-8, the other not): two files named as one set, not one byte stream (a file
    cut inside a line has one line on both sides of the cut; splits25: ``memo.txt.001`` cp932 without a final line end
    and ``.002`` UTF-8 were glued, a person lost in the mixed line); '' otherwise. Pieces cut at line ends are joined
    whatever their encodings: each line is decoded on its own (review24i: 140 of 140 records). Total."""
    if head_of is None or tail_of is None:
        return ""
    try:
        for one, two in zip(names_in, names_in[1:], strict=False):
            tail, head = tail_of(one), head_of(two)
            if not tail or head is None or tail.endswith(b"\n"):
                continue
            end = head.find(b"\n")
            a = _side(tail[tail.rfind(b"\n") + 1:], last=True, whole_line=b"\n" not in tail)
            b = _side(head[:end if end >= 0 else len(head)], last=False, whole_line=end < 0)
            if a and b and a != b and "utf-8" in (a, b):
                return f"{a}, {b}"
    except Exception:  # noqa: BLE001 - a content test over bytes: no answer is no set apart
        return ""
    return ""


def _zeroed_text(names_in: tuple[str, ...], whole: str, head_of: Callable[[str], bytes | None] | None,
                 tail_of: Callable[[str], bytes | None] | None) -> bool:
    """Whether a text's pieces (``whole`` a LINE_EXTS name) whose first piece begins with zeros (no image by its
    head's signatures could be told: ``no_image`` looks at a fixed head) are still the text cut: the first piece is
    zeros then text up to its end (or zeros only), every later piece begins as text and the last ends as text. No
    window over the zeros decides (splits25: ``deep.csv.001`` zeroed for 8 KiB, past the 4,608-byte head, was
    ``not-a-disk-image`` and its ``.002`` listed unread; a zeroed 4 KiB was joined). A disk cut so has a later piece
    that begins with no text (a sector of binary structures) or ends so."""
    if (head_of is None or tail_of is None or len(names_in) < 2
            or whole.rsplit(".", 1)[-1].casefold() not in LINE_EXTS):
        return False
    head = head_of(names_in[0])
    if not head or any(head[:512]):
        return False
    after = head.lstrip(b"\0")  # what follows the zeros in the head (none: zeroed past it) is text, no disk's
    if after and not is_text(after[:512]):  # structure (review25p: an ext4, its first 1 KiB zeros, named
        return False  # roster.csv.001 and cut in its roster's data, was joined as a CSV: listed binary, never walked)
    first_tail = (tail_of(names_in[0]) or b"").lstrip(b"\0")
    if first_tail and not is_text(first_tail):
        return False
    for name in names_in[1:]:
        later = head_of(name)
        if later is None or later.startswith(CONTAINER_HEADS) or not text_or_container(later[:512]):
            return False
    return _text_tail(tail_of(names_in[-1]))


ROWS_SEEN = 4096  # bytes of a first piece whose lines tell a table's row shape (``rows_alike``)
ROWS_MIN = 3  # lines of one shape, of three cells or more, that make a table's rows


def _cells(line: str, sep: str) -> int:
    """How many cells a delimited line holds (a comma inside double quotes is a cell's own; an 8-bit line is given
    decoded as latin-1: a cp932 or EUC-JP trail byte is never a tab, comma or quote)."""
    if sep != "," or '"' not in line:
        return line.count(sep) + 1
    try:
        return len(next(csv.reader([line])))
    except (csv.Error, StopIteration):
        return 0


def _one_shape(lines: list[str]) -> tuple[str, int] | None:
    """(separator, cells) when ROWS_MIN or more lines all hold one count (three or more) of tab- or comma-separated
    cells, else None."""
    if len(lines) < ROWS_MIN:
        return None
    sep = max(("\t", ","), key=lines[0].count)
    count = _cells(lines[0], sep)
    if count < 3 or any(_cells(line, sep) != count for line in lines[:64]):
        return None
    return sep, count


_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}


def rows_alike(first: bytes, later: list[bytes | None]) -> bool:
    """Whether pieces of a text are rows of one header-less table cut at line ends: the first piece's whole lines (in
    its first ROWS_SEEN bytes, ROWS_MIN or more) all hold one number of cells (three or more, by tab or comma), and
    every later piece begins with a whole line of that many. splits26: a person list ``roster.txt`` without a header
    cut by ``split -l``/``-n l/3``/``-C`` (every piece ending a line) was read as 0 of 150 persons (``.001`` a
    ``not-a-disk-image``, the others ``split-piece-unjoined``, unread). Log lines and prose hold no fixed count of
    tabs or commas; a set of files of one table's rows (daily exports without a header) reads the same persons
    joined. UTF-16 with a byte-order mark (Excel's "Unicode text"): the first piece's rows so, and every later piece
    UTF-16 text without a mark of its own (``split -l`` counts 0x0A bytes, so it cuts inside characters too: 上 is
    0x0A 0x4E; a file of its own begins with its mark: review of the rotated logs, ``_files_of_their_own``). Total."""
    try:
        if not later or any(h is None for h in later):
            return False
        encoding = _UTF16_BOMS.get(first[:2])
        if encoding is not None:
            text = first[2:ROWS_SEEN - ROWS_SEEN % 2].decode(encoding, "replace")
            return (_one_shape(text.split("\n")[:-1]) is not None
                    and all(h is not None and h[:2] not in _UTF16_BOMS and is_utf16_text(h[:512]) for h in later))
        if b"\0" in first[:ROWS_SEEN]:
            return False
        shape = _one_shape(first[:ROWS_SEEN].decode("latin-1").split("\n")[:-1])  # whole lines only
        if shape is None:
            return False
        sep, count = shape
        for head in later:
            if head is None or b"\0" in head[:ROWS_SEEN]:
                return False
            end = head.find(b"\n")
            if end < 0 or _cells(head[:end].decode("latin-1"), sep) != count:
                return False
        return True
    except Exception:  # noqa: BLE001 - a content test over bytes: no answer is no table
        return False


def _kinds(line: str, sep: str) -> list[str]:
    """Each cell's kind in a delimited line: ``n`` (a byte or character past ASCII: kanji, kana, any 8-bit
    encoding's), ``a`` (ASCII only: digits, a phone, a code), ``""`` (empty)."""
    cells = next(csv.reader([line]), []) if sep == "," and '"' in line else line.split(sep)
    return ["" if not c.strip(' \t\r"') else "a" if c.isascii() else "n" for c in cells]


ROWS_CHECKED = 16  # whole lines of a later piece whose cells' kinds are compared with the first piece's columns


def rows_unlike(first: bytes, later: list[bytes | None]) -> bool:
    """Whether the pieces of a header-less text named as one set hold rows of other tables: the first piece's whole
    lines (``_one_shape``) give each column's kinds of cell (``_kinds``), and most whole lines of some later piece
    (of those with the first's number of cells, up to ROWS_CHECKED) hold a cell of a kind its column never held (a
    phone's digits under the names). review26p: two header-less person lists of one width, one name first, the
    other address first (``x.csv.01``, ``.02``: two systems' exports), or a person list and a product list, were
    joined: the header-less reader learns the whole's columns and kept one layout's rows only (80 of 120 persons,
    or none at all, unsaid). False when no shape is found (no answer) or a piece is UTF-16. Total."""
    try:
        if b"\0" in first[:ROWS_SEEN] or first[:2] in _UTF16_BOMS:
            return False
        lines = first[:ROWS_SEEN].decode("latin-1").split("\n")[:-1]
        if lines and header_line(first):
            lines = lines[1:]
        shape = _one_shape(lines)
        if shape is None:
            return False
        sep, count = shape
        seen: list[set[str]] = [set() for _ in range(count)]
        for line in lines[:64]:
            for column, kind in zip(seen, _kinds(line, sep), strict=False):
                column.add(kind)
        for head in later:
            if head is None or b"\0" in head[:ROWS_SEEN]:
                continue
            rows = [k for line in head[:ROWS_SEEN].decode("latin-1").split("\n")[:-1]
                    if len(k := _kinds(line, sep)) == count][:ROWS_CHECKED]
            odd = sum(any(kind and column - {""} and kind not in column for kind, column in zip(row, seen, strict=True))
                      for row in rows)  # (a column empty in every first row takes any kind later: notes filled in)
            if rows and odd * 2 > len(rows):
                return True
        return False
    except Exception:  # noqa: BLE001 - a content test over bytes: no answer is no table apart
        return False


def _role_cell(cell: str) -> bool:
    """Whether a header cell is a Japanese header word after a role's words (届先氏名, 送付先住所: the word of two or more
    characters ending it)."""
    key = normalise(cell)
    return any(key.endswith(w) and len(key) > len(w) for w in _japanese_words())


@cache
def _japanese_words() -> tuple[str, ...]:
    return tuple(w for w in header_words() if len(w) >= 2 and not w.isascii())


def header_line(head: bytes, roles: bool = False) -> bool:
    """Whether a piece's first line is a table's header row (two cells or more header words of the table reader:
    氏名, フリガナ, 住所 ...), in UTF-8 or cp932: a file of its own (an export whose columns changed), not the rest
    of a cut one's rows. ``roles``: a role's cells count too (届先氏名: the content check reads such a renamed roster,
    splits26; not for a later piece, splits25). Total."""
    try:
        end = head.find(b"\n", 0, 4096)
        raw = head[:end if end >= 0 else 4096].rstrip(b"\r").removeprefix(b"\xef\xbb\xbf")
        for encoding in ("utf-8", "cp932"):
            try:
                line = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            return False
        sep = max(",\t;|", key=line.count)
        cells = [c.strip().strip('"') for c in line.split(sep)]
        return sum(is_header_cell(c) or (roles and _role_cell(c)) for c in cells) >= 2
    except Exception:  # noqa: BLE001 - a failure path never raises: no header said
        return False


def _chunked(first: int, last: int, count: int) -> bool:
    """Whether COUNT parts (every one present but the last FIRST bytes) are GNU ``split -n N``'s
    equal chunks: each size // N bytes, the last one also the remainder (fewer than N bytes more). split22: a CSV
    cut so (``roster.csv.001`` 653 bytes, ``.002`` 654) was taken for rotated copies and read from its first part
    only (6 of 12 persons), the rest said nowhere; a rotated log's parts are not all one size but a last longer by
    fewer bytes than there are parts."""
    return first > 0 and 0 < last - first < count


def segments_in(names: Iterable[str], size_of: Callable[[str], int | None],
                segment_of: Callable[[str], bool],
                tail_of: Callable[[str], bytes | None] | None = None) -> dict[str, Series]:
    """The later segments of split raw images among a folder's plain file ``names`` whose first segment is not among
    them (``image_sniff.missing_first`` over the listing: ``disk.002``, ``disk.dd.003`` without ``.001`` or
    ``.000``) and whose first bytes may be a disk's middle (``segment_of``) -> their series (``segments``). One rule
    for every source a folder is listed from (a local folder, an SMB share, an archive's or a disk image's folder):
    images22, before only a local file was checked, by its siblings on the disk; in an archive, an image or on a
    share such a segment was read as a plain file and listed nowhere, the scan complete. A ``disk.001`` beside its
    ``disk.002`` with no ``disk.000`` (``image_sniff.missing_zero``: a ``split -d`` set whose ``.000`` is lost) is
    one too, its first ``disk.000``, unless its content is a disk image (the image inspector walks it, a set
    numbered from ``.001``): images23, inside an archive, an image or on a share it was listed ``not-a-disk-image``,
    the scan complete (exit 0); split22 had made only a local file a later segment. ``tail_of``: a file's last
    bytes (``_lines_whole``: text pieces that each end with a line end are files, not a cut)."""
    from .image_sniff import missing_first, missing_zero

    present = set(names)
    groups: dict[str, dict[int, str]] = {}
    other: dict[str, dict[int, str]] = {}  # named so, but their first bytes another file's (text, a format)
    for name in present:
        first = missing_first(name, present.__contains__) or missing_zero(name, present.__contains__)
        if first is not None and size_of(name):
            (groups if segment_of(name) else other).setdefault(first, {})[part_number(name)] = name
    for first, numbered in other.items():
        joined = {**numbered, **groups.get(first, {})}
        if _cut_evenly(joined, size_of) and not (len(joined) == len(numbered) and _lines_whole(numbered, tail_of)):
            groups.setdefault(first, {}).update(numbered)
    out: dict[str, Series] = {}
    for first, numbered in groups.items():
        names_in = tuple(numbered[k] for k in sorted(numbered))
        series = Series(first.rsplit(".", 1)[0], names_in, tuple(size_of(n) or 0 for n in names_in), segments=True,
                        first_name=first)
        for n in names_in:
            out[n] = series
    return out


def _cut_evenly(numbered: dict[int, str], size_of: Callable[[str], int | None]) -> bool:
    """Whether NUMBERED (a series' pieces present, by number) are two or more pieces of one raw image cut by size:
    every one but the last the same whole number of sectors, the last no longer. images23: a bare ``disk.002`` whose
    first bytes are a text file's (or another format's) that the disk holds, beside its ``disk.003``, was read as
    that file only, the rest of the disk in it said nowhere (7,937 of 79,258 4 KiB split points of an ext4,
    review22i); a lone ``notes.002`` cannot be told from a cut file and is read as what it begins with. The last
    piece is whole sectors too (a raw disk is): review23i, a ``memo.002`` of 4,096 B beside a ``memo.003`` of 1,000
    B (ordinary numbered notes) was listed later-segment, a clean scan made exit 3."""
    sizes = [size_of(numbered[k]) for k in sorted(numbered)]
    if len(sizes) < 2 or any(not s for s in sizes):
        return False
    first, last = sizes[0] or 0, sizes[-1] or 0
    return first % 512 == 0 == last % 512 and all(s == first for s in sizes[:-1]) and 0 < last <= first


def _as_many_lines(first: str, first_size: int | None, middle: str, middle_size: int | None,
                   head_of: Callable[[str], bytes | None] | None,
                   tail_of: Callable[[str], bytes | None] | None) -> bool:
    """Whether a middle piece shorter than the first holds about as many lines (by the bytes per line of each one's
    head and tail): ``split -l`` gives every piece but the last as many lines, of other lengths; ``split -n l/N``
    pieces differ by less than a line. A piece copied short at a line end holds clearly fewer (review25p: a
    fixed-width export cut by ``split -l 60``, its ``.002`` copied short at 30 lines, was joined unsaid, 30 rows
    lost). Within a fifth: the lines of a head and a tail stand for the piece's. No bytes read: no answer."""
    if head_of is None or tail_of is None or not first_size or not middle_size:
        return False

    def lines(name: str, size: int) -> float | None:
        head, tail = head_of(name) or b"", tail_of(name) or b""
        sample = head if size <= len(head) else head + tail
        count = sample.count(b"\n")
        return size * count / len(sample) if count else None

    a, b = lines(first, first_size), lines(middle, middle_size)
    return a is not None and b is not None and b >= 0.8 * a


def _lines_whole(numbered: dict[int, str], tail_of: Callable[[str], bytes | None] | None) -> bool:
    """Whether every piece (each beginning in text: ``segments_in``'s ``other``) ends with a line end (``\\n``, or
    UTF-16 LE's ``\\n\\0``), so each later one begins a line: files written whole (a logger rotating by size,
    ``app.005`` .. ``app.009`` of 8 KiB each, ``app.001`` rotated away), not a disk cut at sector bounds, which
    falls at a line end on every piece about once in (line length) ** pieces. segs23: images23's ``_cut_evenly``
    listed such logs later-segment, exit 3, in every source (833d2d7d: read as text, exit 0). A tail not read: no
    answer (the cut kept, as before)."""
    if tail_of is None:
        return False
    for name in numbered.values():
        tail = tail_of(name)
        if not tail or not tail.endswith((b"\n", b"\n\0")):
            return False
    return True


def _sevenz_length(head: bytes | None) -> int | None:
    """The length a 7z's start header names (32 + its next header's offset and size), when ``head`` begins with a 7z
    signature and a start header whose CRC holds; else None. 7-Zip and HJSplit cut every volume but the last to one
    size, but a series cut otherwise (py7zr's ``archive.7z.001`` 25,000 B + ``.002`` 27,337 B) is the archive when
    its parts' joined length is the one its header names (fix15a: it was listed "shorter than the first part")."""
    if head is None or len(head) < 32 or not head.startswith(_FIRST_BYTES["7z"][0]):
        return None
    if zlib.crc32(head[12:32]) != int.from_bytes(head[8:12], "little"):
        return None
    return 32 + int.from_bytes(head[12:20], "little") + int.from_bytes(head[20:28], "little")


def _zip_length(tail: bytes | None) -> int | None:
    """The length of a zip that ends with ``tail`` as its end of central directory names it (the directory's offset
    and size: the record follows the directory, its comment ends the file), when that is where the record lies in
    ``tail``, as a length counted back from the tail's end; else None (no record, a zip64 directory, a prefix)."""
    at = tail.rfind(b"PK\x05\x06") if tail else -1
    if tail is None or at < 0 or len(tail) - at < 22 or at + 22 + int.from_bytes(tail[at + 20:at + 22], "little") != len(tail):
        return None
    size, offset = int.from_bytes(tail[at + 12:at + 16], "little"), int.from_bytes(tail[at + 16:at + 20], "little")
    return offset + size + len(tail) - at  # the directory ends where the record begins


# ``split`` with its default letters (``X.aa``, ``X.ab`` ..., or three with ``-a 3``), and ``X.part1``,
# ``X.part2`` ... (file splitters; no extension after the number, unlike a RAR volume ``X.part1.rar``, which has a
# header of its own)
_PARTN = re.compile(r"^(?P<stem>.+)\.part(?P<n>\d{1,4})$", re.ASCII | re.IGNORECASE)
_LISTED_STEM = re.compile(r"[._-](?P<ext>[A-Za-z0-9]{1,3})[._-]$", re.ASCII)  # ``X.rar.``, ``x_rar_``


def _piece_keys(name: str) -> list[tuple[str, str, int, int]]:
    """(stem, kind, width, number) of each way a name reads as a piece (``part``; ``letters`` of width 2 and 3:
    ``X.aab`` may be ``X.a`` + ``ab`` or ``X.`` + ``aab``, the folder's first piece decides)."""
    p = _PARTN.match(name)
    if p is not None:
        return [(p["stem"], "part", 0, int(p["n"]))] if int(p["n"]) > 0 else []
    if len(name) > 3 and name[-2:].isascii() and name[-2:].isdigit() and not name[-3].isdigit():  # ``split -d``
        return [(name[:-2], "digits", 2, int(name[-2:]))]  # (numbered from 00, or 01: ``pieces_in`` decides)
    out = []
    for width in (2, 3):
        seq = name[-width:]
        if len(name) > width and seq.isascii() and seq.isalpha() and seq.islower():
            n = 0
            for c in seq:
                n = n * 26 + ord(c) - 97
            out.append((name[:-width], "letters", width, n + 1))
    return out


def _first_piece(stem: str, kind: str, width: int, names: set[str]) -> str:
    if kind == "digits":
        return stem + "00" if stem + "00" in names else stem + "01"
    if kind == "part":
        return next((f"{stem}.part{'1'.zfill(w)}" for w in (1, 2, 3, 4) if f"{stem}.part{'1'.zfill(w)}" in names),
                    f"{stem}.part1")
    return stem + "a" * width


def listed_stem(stem: str, exts: frozenset[str] = LISTED_EXTS) -> bool:
    """Whether a piece's stem ends with the extension of a format leakscan only lists (or one of ``exts``) and a
    separator (``archive.rar.``, ``x_rar_``; not ``backup.z`` of ``backup.zip``): a later piece whose first piece is
    not here is one by its name (listed only when nothing reads it: ``archive.rar.gz`` is a gzip)."""
    m = _LISTED_STEM.search(stem)
    return m is not None and m["ext"].casefold() in exts


# a later piece met without its first piece is a piece by its name alone only while few pieces before it are lost:
# a word after an archive's name (``X.rar.exp``: place 3,318 of ``split -a 3``; ``.txt``, ``.bak``, ``.log``) is a
# place past the first letter's run, and a text there is read as the text it is (fix15a)
FEW_LOST = 26


def pieces_in(names: Iterable[str], size_of: Callable[[str], int | None], plain_of: Callable[[str], bool],
              text_of: Callable[[str], bool], head_of: Callable[[str], bytes | None],
              tail_of: Callable[[str], bytes | None] | None = None) -> dict[str, Series]:
    """Every piece of a file cut by ``split`` with letters (``X.aa``, ``X.ab`` ...) or as ``X.partN`` among a
    folder's plain file ``names`` -> its series (``pieces``): when its first piece is here, is no text, workbook
    or disk image by content (``text_of``, ``plain_of``: a RAR, a cabinet ... whose later pieces have no header of
    their own) and a later piece is here; when the first piece is not here, when the stem names a format leakscan
    only lists (``listed_stem``) and not (more than FEW_LOST pieces before it lost and every piece present text or a
    container by its head: fix15a). Every
    piece but the last has the first one's size (the last is not larger), and no later piece begins as the first
    does (``X.r00``, ``X.r01``: RAR volumes, each with a header of its own, are no pieces). The first piece is
    examined as it is; each later one is listed (rar14). ``split -d`` numbers from ``00`` (or ``01`` with
    ``--numeric-suffixes=1``): two digits with no dot before them are a piece only so."""
    listed = list(names)
    present = set(listed)
    groups: dict[tuple[str, str, int], dict[int, str]] = {}
    for name in listed:
        for key in _piece_keys(name):
            if (key[1] != "digits") <= key[3] <= MAX_PARTS:  # ``split -d`` from 00, any other from 1
                groups.setdefault(key[:3], {})[key[3]] = name
    out: dict[str, Series] = {}
    for (stem, kind, width), numbered in groups.items():
        first = _first_piece(stem, kind, width, present)
        if kind == "digits":
            numbered = {k + 1 - (first[-2:] == "01"): v for k, v in numbered.items() if k + 1 - (first[-2:] == "01")}
        if 1 in numbered and _no_first_piece(numbered, size_of, head_of) and not (
                kind != "part" and stem[-1:] in "._-" and text_of(numbered[1])
                and _rows_cut(tuple(numbered[k] for k in sorted(numbered)), stem[:-1], head_of, tail_of)):
            numbered = {k: v for k, v in numbered.items() if k != 1}  # (a first piece of rows shorter than a later
            # one is a first piece still: ``split -l`` of a header and 49 rows, then 50 longer rows; splits26)
        archive = False  # a zip or 7z by its first piece's bytes: joined when every piece is here (split15)
        # rows of text cut with letters (``split -b 1M list.csv list.csv.``: list.csv.aa, .ab ...): joined and read
        # as the table when every piece is here, the first one text and the stem a text table's name (split16;
        # ``notes.aa``, ``xaa`` that are text stay what they are: rar14)
        lines = False
        if 1 in numbered:
            archive = len(numbered) > 1 and (head_of(numbered[1]) or b"").startswith(ARCHIVE_HEADS)
            lines = (not archive and len(numbered) > 1 and kind != "part" and text_of(numbered[1])
                     and stem[-1:] in "._-" and stem[:-1].rsplit(".", 1)[-1].casefold() in LINE_EXTS
                     and "." in stem[:-1])
            if not archive and not lines and (len(numbered) < 2 or text_of(numbered[1]) or not plain_of(numbered[1])):
                continue
        elif not listed_stem(named := stem + "." if kind == "part" else stem, PIECE_EXTS) or (
                min(numbered) > FEW_LOST and all(text_of(n) or openpgp_head(head_of(n) or b"")
                                                 for n in numbered.values())) or (
                not listed_stem(named) and any((head_of(n) or b"").startswith(ARCHIVE_HEADS)
                                               for n in numbered.values())):
            continue  # its first piece not here: a piece by its name, unless more than FEW_LOST pieces before it
            # are lost and every piece present is text or a container by its head (``X.rar.exp``, ``X.rar.txt``:
            # a text beside an archive, read as what it is; fix15a: rarfile's 52 expected-output texts were listed
            # "piece 3318 ... first piece X.rar.aaa missing"). A stored RAR's later pieces are text too: ``X.rar.ab``
            # alone stays a piece. An OpenPGP file is no piece either (split16: ``gpg -c`` makes ``X.tar.lz.gpg``);
            # nor is a zip or 7z after a zip's or 7z's name (``X.zip.old``: JOINED_EXTS, review16e)
        order = sorted(numbered)
        names_in = tuple(numbered[k] for k in order)
        sizes = tuple(size_of(n) for n in names_in)
        cut = sizes[0]
        rows = (lines and None not in sizes and order == list(range(1, len(order) + 1))
                and _rows_cut(names_in, stem[:-1], head_of, tail_of))  # rows of one text cut at line ends (``split
        # -l``/``-C`` with letters, GNU's default and macOS's naming; splits26: ``.aa`` read alone, 49 of 150, the
        # later pieces on no line): every piece here, of any sizes, joined as a numbered set is (``series_in``)
        if not rows and (cut is None or any(z != cut for z in sizes[:-1]) or sizes[-1] is None or sizes[-1] > cut):
            continue  # no cut: pieces of one size but the last (a middle piece short: each examined as before)
        if 1 in numbered and not rows:  # (rows: ``_rows_cut`` refused a later piece beginning as the first)
            mark = (head_of(names_in[0]) or b"")[:4]
            if len(mark) == 4 and any((head_of(n) or b"")[:4] == mark for n in names_in[1:]):
                continue  # volumes, each with its own header (``X.r00``, ``X.r01``): listed by what they are
        if kind == "part":
            missing = tuple(f"{stem}.part{k}" for k in range(2, order[-1]) if k not in numbered)
        elif kind == "digits":
            missing = tuple(f"{stem}{k - 1 + (first[-2:] == '01'):02d}" for k in range(2, order[-1]) if k not in numbered)
        else:
            missing = tuple(stem + _spelt(k, width) for k in range(2, order[-1]) if k not in numbered)
        whole = stem.rstrip("._-") or stem
        if lines and not missing and order == list(range(1, len(order) + 1)) and _unlike(names_in, whole, head_of):
            series = Series(whole, names_in, tuple(z or 0 for z in sizes), first_name=first, plain=True, text=True,
                            unlike=True)  # other tables' rows (``rows_unlike``): each piece read whole (review26p)
        elif (archive or lines) and not missing and order == list(range(1, len(order) + 1)):
            series = Series(whole, names_in, tuple(z or 0 for z in sizes), lettered=True, first_name=first,
                            plain=lines, text=lines, uneven=bool(rows) and _uneven([z or 0 for z in sizes],
                                                                                  head_of(names_in[0])))
        elif lines:
            continue  # a piece of the text lost: each piece examined as the text it is (rows cut at its ends)
        else:  # a piece lost (or a zip's first piece alone): examined as it is, every later piece listed (rar14)
            series = Series(whole, names_in, tuple(z or 0 for z in sizes), missing, pieces=True, first_name=first)
        for n in names_in:
            if 1 in numbered or n not in out:  # a name read two ways: the series whose first piece is here
                out[n] = series
    return out


def _no_first_piece(numbered: dict[int, str], size_of: Callable[[str], int | None],
                    head_of: Callable[[str], bytes | None]) -> bool:
    """Whether the file named as a series' first piece is none of its pieces: shorter than a later piece (a piece
    is never so; the first piece damaged to a byte or emptied) and no zip or 7z by its head (those, cut another
    way, are read as they are). Its later pieces are then taken as those of a series whose first piece is not
    here (review16e, damage16: they ended as nothing)."""
    first = size_of(numbered[1])
    return first is not None and any((z := size_of(n)) is not None and z > first for k, n in numbered.items() if k != 1) \
        and not (head_of(numbered[1]) or b"").startswith(ARCHIVE_HEADS)


def piece_number(series: Series, name: str) -> int:
    """The place of piece ``name`` in a ``pieces`` series (1 for its first piece), 0 when it is none of its. Total."""
    try:
        keys = _piece_keys(name)
        for stem, kind, width, n in keys:
            if kind == "digits":
                return n + 1 - (series.first_name[-2:] == "01")
            if (series.first_name == stem + "a" * width if kind == "letters"
                    else series.first_name.casefold().startswith(f"{stem}.part".casefold())):
                return n
        return keys[0][3] if keys else 0
    except Exception:  # noqa: BLE001 - a failure path never raises
        return 0


def _spelt(n: int, width: int) -> str:
    """The ``split`` letters of place ``n`` (1 for ``aa``) at a fixed width."""
    k, letters = n - 1, []
    for _ in range(width):
        letters.append(chr(97 + k % 26))
        k //= 26
    return "".join(reversed(letters))


_SPANNED_PART = re.compile(r"^(?P<stem>.+)\.[zZ](?P<n>\d{2,3})$", re.ASCII)


def spanned_in(names: Iterable[str], size_of: Callable[[str], int | None]) -> dict[str, Series]:
    """Every part of a spanned zip (``X.z01`` ... and ``X.zip``) among ``names`` -> its series (in order, ``X.zip``
    last): whole when ``X.z01`` up to the highest ``X.zNN`` are all there, each a regular file (the end record's
    part count is checked when the joined archive is opened)."""
    listed = list(names)
    zips = {n.casefold(): n for n in listed if n.casefold().endswith(".zip")}
    found: dict[str, dict[int, str]] = {}
    for name in listed:
        m = _SPANNED_PART.match(name)
        if m is not None and f"{m['stem']}.zip".casefold() in zips and int(m["n"]) > 0:
            found.setdefault(zips[f"{m['stem']}.zip".casefold()], {})[int(m["n"])] = name
    out: dict[str, Series] = {}
    for last, numbered in found.items():
        order = sorted(numbered)
        names_in = (*(numbered[k] for k in order), last)
        sizes = tuple(size_of(n) for n in names_in)
        stem = last[:-4]
        missing = tuple(f"{stem}.z{k:02d}" for k in range(1, order[-1]) if k not in numbered)
        short = tuple(n for n, s in zip(names_in, sizes, strict=True) if s is None)
        series = Series(last, names_in, tuple(s or 0 for s in sizes), missing, short, spanned=True)
        for n in names_in:
            out[n] = series
    return out


def spanned_beside(names: Iterable[str]) -> dict[str, bool]:
    """``X.zNN`` among ``names`` -> whether ``X.zip`` is there too (only then is it a part of a spanned zip: a
    ``.z80`` snapshot or a ``.z64`` ROM alone is no part)."""
    listed = list(names)
    zips = {n.casefold() for n in listed if n.casefold().endswith(".zip")}
    return {n: f"{m['stem']}.zip".casefold() in zips for n in listed if (m := _SPANNED_PART.match(n)) is not None}


class ConcatReader(io.RawIOBase):
    """The parts of a split archive read as one file: read-only, seekable. Each part is opened when first read
    (``openers[i]()``) and closed when another part is read or with the reader (one open at a time: a series of
    ~1000 volumes within any descriptor limit); a part whose size differs from the one listed fails the read
    (the archive is not the one whose parts were counted)."""

    def __init__(self, openers: list[Callable[[], IO[bytes]]], sizes: list[int],
                 offsets: list[int] | None = None) -> None:
        super().__init__()
        self._openers, self._sizes = openers, sizes
        self._offsets = offsets or [0] * len(sizes)  # where each piece begins in its part (a run cut at a line end)
        self._starts = [sum(sizes[:i]) for i in range(len(sizes))]
        self._total = sum(sizes)
        self._open: dict[int, IO[bytes]] = {}
        self._pos = 0
        self._seen: dict[int, tuple[int, int, int]] = {}  # each part's (inode, size, mtime) when first opened
        self._at: dict[int, int] = {}  # where the open part stands (a part that cannot seek is read forward)
        self._changed = ""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._total}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def _part(self, i: int) -> IO[bytes]:
        f = self._open.get(i)
        if f is None:
            self._close_parts()  # one part open at a time: a series of ~1000 volumes within any descriptor limit
            f = self._open[i] = self._openers[i]()
            self._at[i] = 0
            self._check(i, f)
        return f

    def _goto(self, i: int, where: int) -> IO[bytes]:
        """Part i open at byte ``where``: sought, or, for a stream that cannot seek (a file on an SMB share is read
        forward), read up to it (opened again to go back)."""
        f = self._part(i)
        at = self._at.get(i, 0)
        if at == where:
            return f
        try:
            f.seek(where)
        except (OSError, ValueError):
            if where < at:
                self._close_parts()
                f, at = self._part(i), 0
            while at < where:
                got = f.read(min(1 << 20, where - at))
                if not got:
                    raise OSError(f"part {i + 1} of the split archive is shorter than when it was listed") from None
                at += len(got)
        self._at[i] = where
        return f

    def _check(self, i: int, f: IO[bytes]) -> None:
        """Note a part whose identity, size or modified time moved since it was first opened (a part rewritten
        during the read: the joined bytes would mix two versions). Total: a part with no descriptor is not
        checked."""
        try:
            st = os.fstat(f.fileno())
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            return
        now = (st.st_ino, st.st_size, st.st_mtime_ns)
        if self._seen.setdefault(i, now) != now and not self._changed:
            self._changed = f"part {i + 1} of the split archive changed while the parts were read"

    def changed(self) -> str:
        """'' or why the parts read are not one version (examine's steady read asks every stream)."""
        for i, f in self._open.items():
            self._check(i, f)
        return self._changed

    def _close_parts(self) -> None:
        for i, f in self._open.items():
            self._check(i, f)
            try:
                f.close()
            except OSError:
                pass
        self._open.clear()

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        want = len(buffer)
        if want == 0 or self._pos >= self._total:
            return 0
        i = max(k for k, s in enumerate(self._starts) if s <= self._pos)
        while self._sizes[i] == 0 and i + 1 < len(self._sizes):
            i += 1
        inner = self._pos - self._starts[i]
        f = self._goto(i, self._offsets[i] + inner)
        n = min(want, self._sizes[i] - inner)
        data = f.read(n)
        self._at[i] = self._offsets[i] + inner + len(data)
        if len(data) != n:
            raise OSError(f"part {i + 1} of the split archive is shorter than when it was listed")
        buffer[:n] = data
        self._pos += n
        return n

    def close(self) -> None:
        self._close_parts()
        super().close()


class _Buffered(io.BufferedReader):
    """A buffered ``ConcatReader`` that passes on its ``changed`` check."""

    def changed(self) -> str:
        return cast(ConcatReader, self.raw).changed()


def concat(openers: list[Callable[[], IO[bytes]]], sizes: list[int], offsets: list[int] | None = None) -> _Buffered:
    """A buffered ``ConcatReader``."""
    return _Buffered(ConcatReader(openers, sizes, offsets), buffer_size=1 << 20)


class Zeros(io.RawIOBase):
    """``size`` zero bytes: a missing part of an archive read with its gaps (``Splice.holes``)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self._size, self._pos = size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._pos = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence] + offset
        return self._pos

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        n = max(0, min(len(buffer), self._size - self._pos))
        buffer[:n] = bytes(n)
        self._pos += n
        return n
