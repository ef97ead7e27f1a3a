"""Text-table bytes -> lines of text, in the encoding that explains most bytes, without a full copy.

Japanese office tables are cp932 (Excel before 2019), UTF-8 with or without BOM, UTF-16 ("Unicode
text") or EUC-JP. Detection: a BOM, UTF-16 by its NUL pattern, then strict UTF-8, cp932 and EUC-JP
over the whole file in chunks (nothing kept). Never Python's shift_jis codec (it fails on ① ㈱ 髙 﨑).

Damage is not absence: when no encoding decodes every byte (an invalid byte, a character cut by a
truncation, UTF-8 and cp932 halves joined), the file is read line by line. Each line is decoded
strictly by the file's best encoding (the one that explains most bytes) or by UTF-8, else by the best
encoding with replacements when most of its non-ASCII bytes fit, else strictly by another candidate;
a line none explains is split at the delimiter and each field decoded alone. A line that the best encoding mends
with a few replacements but another decodes whole as Japanese office text is taken in the other (Session 9: EUC-JP
rows beside cp932 read as half-width kana); an 8-bit part and a UTF-16 part (rows appended as "Unicode text") are
read each in its own encoding. Bytes nothing explains
become U+FFFD and are counted, so the finding can say ``decoding: partial (N bytes replaced)``. cp932
decodes nearly any bytes, so a decoding is also checked for sense (charset-normalizer's mess ratio);
noise falls back to charset-normalizer's own guess (a Western CSV in cp1252), or is read with
``doubt`` noted, and a doubtful file in which nothing is found is listed, never taken as clean.

Lines are produced one at a time (keeping their line ends: CRLF, CR or LF); a line longer than the
line cap is ``too-large``, so a 200 MB file without line breaks never becomes one 200 MB string.
"""

from __future__ import annotations

import codecs
import functools
import io
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import islice, pairwise
from typing import TYPE_CHECKING

from .codes import Status
from .details import Detail, join_details, say
from .errors import ReadError

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer as Buffer  # (collections.abc.Buffer is Python 3.12's)

MiB = 1 << 20
MAX_LINE = 8 * MiB  # characters in one physical line of a text table
CHUNK = 256 << 10
JAPANESE = ("utf-8", "cp932", "euc_jp")  # the candidates, in order of preference on a tie
# codecs in which CR and LF bytes never occur inside a multi-byte character: split as bytes, line by line
_BYTE_LINES = frozenset({"utf-8", "cp932", "euc_jp", "ascii", "latin-1", "iso8859-1", "iso2022_jp",
                        "iso2022_jp_ext", "iso2022_jp_2004"} |
                        {f"cp125{i}" for i in range(9)} | {f"iso8859-{i}" for i in range(2, 17)})
_SJIS_FAMILY = ("shift_jis", "shift_jis_2004", "shift_jisx0213")
_EOL = re.compile(rb"\r\n|\r|\n")

_tally = threading.local()


def _count_replace(e: UnicodeError) -> tuple[str, int]:
    """Error handler: one U+FFFD per undecodable run, every byte of it counted."""
    if not isinstance(e, UnicodeDecodeError):
        raise e
    _tally.n = getattr(_tally, "n", 0) + (e.end - e.start)
    return "\ufffd", e.end


codecs.register_error("leakscan-count", _count_replace)


def reading_notes(dec: Decoding | None) -> list[str]:
    """What a text's decoding says on its sheet: bytes replaced or a doubt (``decoding: ...``), lines in several
    encodings (``mixed encodings``)."""
    if dec is None:
        return []
    notes = [say(Detail.DECODING, note=note)] if (note := dec.note()) else []
    if dec.mixed:
        notes.append(say(Detail.MIXED_ENCODINGS, encodings=sorted(dec.used)))
    return notes


def decode_counting(data: bytes, codec: str) -> tuple[str, int]:
    """``data`` decoded with U+FFFD for undecodable bytes, and how many bytes those were."""
    _tally.n = 0
    text = data.decode(codec, "leakscan-count")
    return text, _tally.n


# EUC-JP-MS / CP51932 characters Python's euc_jp does not decode (MySQL eucjpms, PHP eucJP-win, iconv EUC-JP-MS):
# NEC row 13 (① ㈱ Ⅲ: AD xx), rows 85-94 (user-defined, NEC-selected IBM), the IBM extensions and user-defined rows
# of the 3-byte plane (髙 﨑: 8F F3-FE xx)
_EUCJP_MS_VENDOR = re.compile(rb"[\xad\xf5-\xfe][\xa1-\xfe]|\x8f[\xf3-\xfe][\xa1-\xfe]")


# EUC-JP-MS 8F F3F3-8F F4FE: IBM extensions JIS X 0212 lacks, in the order glibc's iconv (EUC-JP-MS) decodes them;
# the CJK compatibility ideographs are escapes (\ufa10 ...): an editor's NFC folds them into other characters
_EUCJP_MS_IBM = ("ⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ＇＂㈱№℡炻仼僴凬匇匤﨎咊坙﨏\ufa10增寬峵嵓﨑德悅愠敎昻晥\ufa12\uf929栁﨓﨔橫櫢淸淲瀨\ufa15\ufa16甁皂皞\ufa17"
                 "礰\ufa18\ufa19\ufa1a\ufa1b竧\ufa1c\ufa1d綠緖\ufa1e荢﨟薰\ufa20﨡蠇\ufa22譿賴赶﨣﨤\ufa25郞\ufa26鄕﨧﨨閒\uf9dc﨩霻靍靑\ufa2a\ufa2b\ufa2c馞髙魲\ufa2d黑")
EUC_JP_MS = "euc_jp_ms"  # the codec registered below: Python's euc_jp and these vendor characters (csv22)


def eucjp_ms_char(data: bytes, at: int) -> tuple[str, int] | None:
    """The EUC-JP-MS vendor character at ``at`` and where it ends, or None: NEC row 13 (AD xx: ① ㈱ Ⅲ, as cp932's
    87 xx), user-defined rows 85-94 (F5-FE xx: U+E000 on) and the 3-byte plane's IBM extensions (8F F3F3-F4FE: 髙 﨑
    ⅰ) and user-defined rows (8F F5-FE xx: U+E3AC on), as glibc's iconv decodes them."""
    m = _EUCJP_MS_VENDOR.match(data, at)
    if m is None:
        return None
    b = m.group()
    if len(b) == 3:
        row, col = b[1] - 0xA1, b[2] - 0xA1
        if b[1] >= 0xF5:
            return chr(0xE3AC + (row - 0x54) * 94 + col), m.end()
        k = (row - 0x52) * 94 + col - 0x52  # from 8F F3F3
        return (_EUCJP_MS_IBM[k], m.end()) if 0 <= k < len(_EUCJP_MS_IBM) else None
    if b[0] == 0xAD:  # JIS row 13 -> Shift_JIS 87 xx
        col = b[1] - 0xA0
        sjis = bytes([0x87, col + 0x3F + (col + 0x3F >= 0x7F)])
        try:
            return sjis.decode("cp932"), m.end()
        except UnicodeDecodeError:
            return None
    if 0xF9 <= b[0] <= 0xFC:  # CP51932's NEC-selected IBM kanji (髙 﨑 德), rows 89-92 -> Shift_JIS ED40-EEFC (damage23)
        return _nec_selected(b[0] - 0x80, b[1] - 0x80), m.end()
    return chr(0xE000 + (b[0] - 0xF5) * 94 + b[1] - 0xA1), m.end()


def _nec_selected(row: int, cell: int) -> str:
    """JIS rows 89-92 as Windows' CP51932 and the WHATWG EUC-JP decoder (browsers, Node) read them: cp932's
    NEC-selected IBM extensions at the Shift_JIS code of the same row and cell. glibc's eucJP-ms has user-defined
    characters there (private use); names written with 髙 﨑 by a Windows or web export are far more likely than
    user-defined characters, which no reader shows as anything but a private-use code either."""
    lead = (row + 1) // 2 + 0xB0
    trail = cell + (0x1F + (cell + 0x1F >= 0x7F) if row % 2 else 0x7E)
    try:
        return bytes([lead, trail]).decode("cp932")
    except UnicodeDecodeError:  # the two cells cp932 leaves empty (EEED, EEEE): as eucJP-ms
        return chr(0xE000 + (row - 0x75) * 94 + cell - 0x21)


@functools.cache
def _vendor_then(errors: str) -> str:
    """An error handler's name: an EUC-JP-MS vendor character decoded, any other error left to ``errors``."""
    name = f"leakscan-eucjp-ms-{errors}"
    inner = codecs.lookup_error(errors)

    def handler(e: UnicodeError) -> tuple[str, int]:
        if isinstance(e, UnicodeDecodeError) and (got := eucjp_ms_char(e.object, e.start)) is not None:
            return got
        text, end = inner(e)
        return str(text), end

    codecs.register_error(name, handler)
    return name


class _EucJpMsDecoder(codecs.IncrementalDecoder):
    def __init__(self, errors: str = "strict") -> None:
        super().__init__(errors)
        self.inner = codecs.getincrementaldecoder("euc_jp")(_vendor_then(errors))

    def decode(self, input: Buffer, final: bool = False) -> str:  # noqa: A002 - the codecs signature
        return self.inner.decode(input, final)

    def reset(self) -> None:
        self.inner.reset()

    def getstate(self) -> tuple[bytes, int]:  # the bytes of a character cut at a chunk's end (review22v)
        return self.inner.getstate()

    def setstate(self, state: tuple[bytes, int]) -> None:
        self.inner.setstate(state)


def _eucjp_ms_decode(input: Buffer, errors: str = "strict", /) -> tuple[str, int]:  # noqa: A002
    data = bytes(input)
    return data.decode("euc_jp", _vendor_then(errors)), len(data)


def _eucjp_ms_search(name: str) -> codecs.CodecInfo | None:
    if name != EUC_JP_MS:
        return None
    base = codecs.lookup("euc_jp")
    return codecs.CodecInfo(base.encode, _eucjp_ms_decode, incrementalencoder=base.incrementalencoder,
                            incrementaldecoder=_EucJpMsDecoder, name=EUC_JP_MS)


codecs.register(_eucjp_ms_search)


def _count_non_vendor(e: UnicodeError) -> tuple[str, int]:
    """Error handler for EUC-JP: an EUC-JP-MS vendor character passes uncounted, other undecodable bytes count."""
    if not isinstance(e, UnicodeDecodeError):
        raise e
    vendor = _EUCJP_MS_VENDOR.match(e.object, e.start)
    if vendor is not None:
        return "\ufffd", vendor.end()
    _tally.n = getattr(_tally, "n", 0) + (e.end - e.start)
    return "\ufffd", e.end


codecs.register_error("leakscan-eucjp-ms", _count_non_vendor)


def euc_damaged(data: bytes) -> int:
    """Bytes of an EUC-JP text that no EUC-JP-MS character explains: what damage left, not the vendor characters
    (① ㈱ 髙 﨑) a real EUC-JP-MS export holds (review21d: such an export was called damaged)."""
    _tally.n = 0
    data.decode("euc_jp", "leakscan-eucjp-ms")
    return int(_tally.n)


def _high(data: bytes) -> int:
    """Bytes outside ASCII: what an encoding must explain."""
    return len(data) - len(data.translate(None, bytes(range(128, 256))))


@dataclass
class Decoding:
    """How a text table is decoded; ``replaced`` grows while its lines are read."""

    encoding: str  # what the finding shows: "utf-8", "cp932", "utf-8+cp932 (line by line)" ...
    codec: str  # the primary codec
    alternates: tuple[str, ...] = ()  # per-line candidates when the file is damaged or mixed
    start: int = 0  # bytes of a BOM to skip
    replaced: int = 0  # bytes no candidate explained, so far
    realigned: int = 0  # places where UTF-16 text was out of step by a byte and read on in step, so far
    used: set[str] = field(default_factory=set)  # codecs that decoded some line or field
    doubt: str | None = None  # why even the best decoding may be noise
    parts: tuple[tuple[int, Decoding], ...] = ()  # (end, decoding) of an 8-bit part and a UTF-16 part, in order

    @property
    def byte_lines(self) -> bool:
        return codecs.lookup(self.codec).name in _BYTE_LINES

    @property
    def mixed(self) -> bool:
        """Lines were decoded by more than one codec: a table appended to in another editor (or damage read as
        such). Said on the finding, so a partly re-encoded file is never taken for a whole one."""
        return len(self.used) > 1

    def note(self) -> str | None:
        """``partial (N bytes replaced)`` once any byte had to be replaced; the doubt, if any."""
        notes = [say(Detail.BYTES_REPLACED, n=self.replaced)] if self.replaced else []
        return join_details(notes + ([self.doubt] if self.doubt else [])) or None


# --- which encoding -------------------------------------------------------------------------------------

def utf16_guess(head: bytes) -> str | None:
    """UTF-16 without a BOM: NULs (the high bytes of ASCII delimiters, digits and line ends) fall on one
    parity only. A text in cp932, UTF-8 or EUC-JP has no NUL, and a zeroed block has NULs on both."""
    head = head[:4096]
    if len(head) < 8:
        return None
    pairs = len(head) // 2
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd >= max(4, pairs // 20) and even * 8 <= odd:
        return "utf-16-le"
    if even >= max(4, pairs // 20) and odd * 8 <= even:
        return "utf-16-be"
    return None


UTF32_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"))  # before UTF-16's (FF FE)


def utf32_bom(head: bytes) -> str | None:
    """utf-32-le or utf-32-be when ``head`` starts with that BOM (FF FE 00 00 is also UTF-16's BOM and a NUL:
    a UTF-16 text does not start with U+0000)."""
    return next((codec for bom, codec in UTF32_BOMS if head.startswith(bom)), None)


def utf32_guess(head: bytes) -> str | None:
    """UTF-32 without a BOM: every character is four bytes whose two high bytes are NUL (every character of the
    BMP and the next plane: ASCII, kana, kanji), on one side of each four; a UTF-16 text has a NUL high byte
    only for ASCII, and never two in a row at one phase."""
    head = head[:4096]
    head = head[:len(head) - len(head) % 4]
    if len(head) < 16:
        return None
    quads = len(head) // 4
    lanes = [head[i::4] for i in range(4)]
    zero = [lane.count(0) for lane in lanes]
    if zero[3] == quads and zero[2] >= quads - quads // 50 and zero[0] * 4 <= quads:
        return "utf-32-le"
    if zero[0] == quads and zero[1] >= quads - quads // 50 and zero[3] * 4 <= quads:
        return "utf-32-be"
    return None


# a run of bytes each beside a NUL on one side: ASCII in UTF-16, or 8-bit text widened byte by byte
_WIDE_RUNS = {"le": re.compile(rb"(?:[\x01-\xff]\x00){8,}"), "be": re.compile(rb"(?:\x00[\x01-\xff]){8,}")}
_WIDE_HEAD = 1 << 18
_WIDE_HIGH_LEAST = 8  # bytes past ASCII in the runs: fewer is no sign (a few U+0080-U+00FF in real UTF-16)


def narrowed(data: bytes) -> tuple[bytes, int] | None:
    """An 8-bit text (cp932, UTF-8, EUC-JP) whose bytes were widened one by one with a NUL (a converter that read
    it as Latin-1 and saved it as UTF-16, whole or in part): (the text narrowed back, bytes narrowed); None for
    any other bytes. Read as UTF-16 it was Latin-1 mojibake, no name or address left, and passed as clean
    (Session 10's campaign). Real UTF-16 Japanese text has no such runs past ASCII (kana and kanji are not
    U+0080-U+00FF) and real Western UTF-16 text narrows to bytes no Japanese encoding decodes."""
    first = data.find(b"\x00")
    if first < 0:
        return None
    # decided on 256 KiB from the head, or from the first NUL when that lies past it (a text widened from 300 KiB on:
    # its plain head alone said nothing and the widened rows were lost, wild12): one regex pass over 256 KiB
    at = 0 if first < _WIDE_HEAD else first - 2 - first % 2
    head = data[at:at + _WIDE_HEAD]
    for side in ("le", "be"):
        low = 0 if side == "le" else 1
        runs = [m.span() for m in _WIDE_RUNS[side].finditer(head)]
        kept = b"".join(head[a + low:b:2] for a, b in runs)
        if _high(kept) < _WIDE_HIGH_LEAST or _utf16_between(head, runs, side) >= _WIDE_HIGH_LEAST or not any(
                _c1_sign(kept, c) and (_strict_ok(kept, c) and _reads_japanese(kept, c) or _mostly_ok(head, runs, low, c))
                for c in JAPANESE):
            continue
        if len(data) > len(head) or at:
            runs = [m.span() for m in _WIDE_RUNS[side].finditer(data)]
        out, at = bytearray(), 0
        for a, b in runs:
            out += data[at:a] + data[a + low:b:2]
            at = b
        out += data[at:]
        return bytes(out), sum(b - a for a, b in runs) // 2
    return None


_KANA_KANJI = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")


def _utf16_between(head: bytes, runs: list[tuple[int, int]], side: str) -> int:
    """Kana and kanji read as UTF-16 between the runs: real UTF-16 text (ASCII, and Latin-1 signs such as ¥ × °,
    between Japanese characters), where a widened text is one unbroken run (Session 11 review: a UTF-16 list
    with yen amounts was narrowed and lost every record)."""
    codec = f"utf-16-{side}"
    return sum(len(_KANA_KANJI.findall(head[b:c].decode(codec, "replace"))) for (_, b), (c, _) in pairwise(runs))


_C1 = re.compile(rb"[\x80-\x9f]")


def _c1_sign(kept: bytes, codec: str) -> bool:
    """Widened cp932 or UTF-8 Japanese holds bytes 0x80-0x9F (kanji and kana leads, UTF-8 continuation bytes: a
    third or more of its bytes past ASCII), C1 controls no real UTF-16 text holds (a Portuguese list in UTF-16:
    ã ç before a letter narrowed are cp932 kanji). EUC-JP has none: its decoding alone decides."""
    return codec == "euc_jp" or len(_C1.findall(kept)) * 8 >= _high(kept)


def _reads_japanese(kept: bytes, codec: str) -> bool:
    """The characters past ASCII of ``kept`` in ``codec`` read as Japanese (¥ × ° narrowed are half-width kana
    in cp932: no sign of a widened Japanese text)."""
    return japanese_score("".join(ch for ch in kept.decode(codec, "replace") if ch > "\x7f")) > 0


def _mostly_ok(data: bytes, runs: list[tuple[int, int]], low: int, codec: str) -> bool:
    """Each run decodes in ``codec`` but for a character cut at its ends (a run ends where the widening did),
    and the text reads as Japanese."""
    text, bad = [], 0
    for a, b in runs:
        part, n = decode_counting(data[a + low:b:2], codec)
        bad += n
        text.append(part)
    joined = "".join(text)
    return bad <= 4 * len(runs) and japanese_score(joined) > 0


def _strict_ok(data: bytes, codec: str, start: int = 0) -> bool:
    """Does every byte decode? Chunked, so a 200 MB file is never held twice."""
    dec = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    try:
        for i in range(start, len(data), CHUNK):
            dec.decode(view[i:i + CHUNK])
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _head_text(data: bytes, codec: str, start: int = 0, size: int = 65536) -> str:
    return codecs.getincrementaldecoder(codec)("leakscan-count").decode(data[start:start + size])


def japanese_score(text: str) -> int:
    """Plausibility of a decoding: kana and kanji count for it; half-width kana, PUA and controls against."""
    good = bad = 0
    for ch in text[:20000]:
        o = ord(ch)
        if 0x3040 <= o <= 0x30FF or 0x4E00 <= o <= 0x9FFF:
            good += 1
        elif 0xFF61 <= o <= 0xFF9F or 0xE000 <= o <= 0xF8FF or (o < 32 and ch not in "\t\r\n"):
            bad += 1
    return good - 2 * bad


_EUC_HALF_WIDTH = re.compile(rb"\x8e[\xa1-\xdf]")


def _best_8bit(data: bytes, start: int) -> str | None:
    """cp932 or EUC-JP, whichever decodes every byte and reads more like Japanese (cp932 on a tie). Half-width
    kana in EUC-JP (8E A1-DF, ﾌﾘｶﾞﾅ of a host export) are also valid cp932 kanji of one row (室 鴫 柴 ...): when
    most non-ASCII bytes are such pairs, the text is EUC-JP (no Japanese text is made of that one row)."""
    ok = [c for c in ("cp932", "euc_jp") if _strict_ok(data, c, start)]
    if "euc_jp" not in ok and _strict_ok(data, EUC_JP_MS, start):  # (stops at the first byte no EUC explains)
        ok.append(EUC_JP_MS)  # EUC-JP with vendor characters (MySQL eucjpms, PHP eucJP-win, iconv EUC-JP-MS)
    if len(ok) < 2:
        return ok[0] if ok else None
    head = data[start:start + 65536]
    in_pairs = 2 * len(_EUC_HALF_WIDTH.findall(head))
    if 2 * in_pairs > _high(head):  # more than half of the non-ASCII bytes
        return ok[1]
    return max(ok, key=lambda c: (japanese_score(_head_text(data, c, start)), c == "cp932"))


def plan_decoding(data: bytes, delimiter: bytes = b",") -> Decoding:
    """Choose how to decode ``data``. A choice that still reads as noise carries ``doubt``: the file is
    read all the same (records may survive a garbled block), and listed when nothing is found in it."""
    if data.startswith(b"\xef\xbb\xbf"):
        if _strict_ok(data, "utf-8", 3):
            return Decoding("utf-8-sig", "utf-8", start=3)
        return _plan_without_bom(data, 3, delimiter, bom="UTF-8 BOM")
    if (wide := utf32_bom(data)) is not None:  # UTF-32 (Session 13: listed as binary): one codec, every line
        return Decoding("utf-32", wide, start=4)
    if (wide := utf32_guess(data)) is not None:
        return Decoding(wide, wide)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        head = _head_text(data, codec, 2)
        # 8-bit text after a stray BOM reads as CJK noise without a single line break or delimiter
        if len(head) < 2 or any(c in head for c in "\r\n\t,;|"):
            return _utf16_and_8bit(data, 2, delimiter) or Decoding("utf-16", codec, start=2)
        return _plan_without_bom(data, 2, delimiter, bom="UTF-16 BOM")
    return _plan_without_bom(data, 0, delimiter)


_JIS_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b$(Q", b"\x1b$(O", b"\x1b(I")  # JIS X 0208/0213 and half-width kana in


def _iso2022(data: bytes, start: int) -> str | None:
    """ISO-2022-JP when 7-bit text switches to a Japanese character set by escape sequences: the variant that
    decodes it whole, else the common one with what it cannot decode replaced (a damaged file, said so). A few
    8-bit bytes (a flipped bit, a row pasted in another encoding: at most 1 in 20) do not make it another
    encoding: every record was lost to cp932 or UTF-8 read over the escapes."""
    if b"\x1b" not in data or not any(e in data for e in _JIS_ESCAPES) or _high(data[start:]) * 20 > len(data) - start:
        return None
    return next((c for c in ("iso2022_jp_ext", "iso2022_jp_2004") if _strict_ok(data, c, start)), "iso2022_jp_ext")


def _japanese_share(text: str) -> float:
    """The share of characters a Japanese text is made of: those cp932 can write (ASCII, kana, JIS kanji), no
    control but tab and line ends."""
    good = 0
    for ch in text:
        if ch in "\t\r\n" or (ch >= " " and ch != "\x7f"):
            try:
                ch.encode("cp932")
                good += 1
            except UnicodeEncodeError:
                pass
    return good / max(len(text), 1)


def _utf16_shift(data: bytes, start: int, guess: str) -> tuple[str, int]:
    """(the other byte order, 1) when a UTF-16 text with no BOM begins one byte into a character (a piece cut at an odd byte: the first
    part of a series lost, ``名簿.csv.0007`` alone): its NULs then fall on the other parity and it looks like the
    other byte order, which reads its ASCII right and every kana and kanji as two halves of two characters (no
    person read, the file passed as clean: Session 14). The byte order the NULs say, one byte on, when that reads
    clearly more Japanese (characters cp932 can write: ~100 % of a Japanese text, about half of mixed halves);
    else (``guess``, 0). Total."""
    try:
        other = "utf-16-le" if guess == "utf-16-be" else "utf-16-be"
        head = data[start:start + 4096]
        as_is = _japanese_share(head[:len(head) // 2 * 2].decode(guess, "replace"))
        body = head[1:]
        shifted = _japanese_share(body[:len(body) // 2 * 2].decode(other, "replace"))
        return (other, 1) if shifted >= 0.97 and shifted - as_is >= 0.1 else (guess, 0)
    except Exception:  # noqa: BLE001 - a guess, never a failure: read as the NULs say
        return guess, 0


def _plan_without_bom(data: bytes, start: int, delimiter: bytes, bom: str = "") -> Decoding:
    stray = f" (stray {bom} ignored)" if bom else ""
    split = _utf16_and_8bit(data, start, delimiter)
    if split is not None:
        return split
    guess = utf16_guess(data[start:start + 4096])
    if guess:
        codec, shift = _utf16_shift(data, start, guess)
        return Decoding(codec + stray, codec, start=start + shift)
    jis = _iso2022(data, start)
    if jis:  # 7-bit JIS (old mailers, some host exports): valid UTF-8, but every Japanese word is escapes
        if data[start:].isascii():
            return Decoding(jis + stray, jis, start=start)
        return Decoding(f"{jis}, line by line{stray}", jis, JAPANESE, start=start)  # damaged or a pasted row
    if _strict_ok(data, "utf-8", start):  # cp932 or noise is almost never valid UTF-8
        return Decoding("utf-8" + stray, "utf-8", start=start)
    if _western(data, start):  # before cp932, which reads Année or Straße as kanji and half-width kana
        return Decoding("cp1252" + stray, "cp1252", start=start)
    best = _best_8bit(data, start)
    if best:  # cp932 decodes nearly any bytes (0xFD-0xFF as private use): is it Japanese or noise?
        plan = Decoding(best + stray, best, start=start)
        return plan if _sensible(data, plan) else _other_or_doubt(data, plan)
    # damaged or mixed: the encoding that explains most bytes leads, the others rescue lines and fields
    primary = _line_winners(data, start, JAPANESE)
    mixed = Decoding("", primary, tuple(c for c in JAPANESE if c != primary), start)
    for _ in iter_lines(data, mixed, delimiter):  # a dry run: count what no candidate explains
        pass
    replaced, mixed.replaced = mixed.replaced, 0
    high = _high(data[start:]) or 1
    used = [c for c in JAPANESE if c in mixed.used] or [primary]
    mixed.encoding = f"{' + '.join(used)}, line by line{stray}"
    if replaced * 20 <= high and _sensible(data, mixed):  # a damaged byte here and there, halves joined
        return mixed
    return _other_or_doubt(data, mixed, say(Detail.NO_ENCODING_UNDECODABLE, replaced=replaced, high=high))


def _utf16_and_8bit(data: bytes, start: int, delimiter: bytes) -> Decoding | None:
    """An 8-bit table (cp932, UTF-8, EUC-JP) with rows appended as UTF-16 ("Unicode text"), or a UTF-16 export with
    8-bit rows after it: each part in its own encoding, or one of them is lost whole (a cp932 head read as UTF-16).
    UTF-16 has a NUL in every line end, so whole 8-bit lines before the first NUL (or after the last) are another
    part when the rest reads as UTF-16 by its NUL pattern and the 8-bit part decodes strictly."""
    first = data.find(b"\x00", start)
    if first < 0:
        return None
    cut = data.rfind(b"\n", start, first) + 1  # an 8-bit head: its last line end before the first NUL
    if cut > start:
        rest = utf16_guess(data[cut:cut + 4096])
        if rest and _strict_8bit(data[start:cut]):
            head = _plan_without_bom(data[:cut], start, delimiter)
            return _two_parts(((cut, head), (len(data), Decoding(rest, rest, start=cut))))
    codec = utf16_guess(data[start:start + 4096])
    last = data.rfind(b"\x00", start)
    cut = last + (2 if codec == "utf-16-be" else 1)  # past the UTF-16 line end whose high byte is that NUL
    if codec and b"\n" in data[cut:] and (cut - start) % 2 == 0 and _strict_8bit(data[cut:]):
        tail = _plan_without_bom(data, cut, delimiter)
        return _two_parts(((cut, Decoding(codec, codec, start=start)), (len(data), tail)))
    return None


def _strict_8bit(part: bytes) -> bool:
    """Japanese text in an 8-bit encoding or in 7-bit JIS (ISO-2022-JP: ASCII bytes and escapes)."""
    return (not part.isascii() or _iso2022(part, 0) is not None) and any(_strict_ok(part, c) for c in JAPANESE)


def _two_parts(parts: tuple[tuple[int, Decoding], ...]) -> Decoding:
    names = " + ".join(dict.fromkeys(d.codec for _, d in parts))
    return Decoding(f"{names}, part by part", parts[0][1].codec, start=parts[0][1].start, parts=parts)


# Western-European text in Windows-1252 (ISO-8859-1 is its subset): its non-ASCII characters are one or two
# accented letters inside a word (Année, Größe, Ø64) or one alone (à), or typographic signs (© ° € « » “ ” … NBSP) between ASCII
_ACCENTED = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
_SIGNS = ("\u00a0-\u00bf\u00d7\u00f7\u20ac\u201a-\u201e\u2018\u2019\u2013\u2014\u2020-\u2022\u2026\u2030"
          "\u2039\u203a\u2122")
_WESTERN_RUN = re.compile(f"(?<![^\\x00-\\x7f])(?:(?<=[A-Za-z0-9])[{_ACCENTED}]{{1,2}}|[{_ACCENTED}]{{1,2}}(?=[A-Za-z0-9])"
                          f"|[{_ACCENTED}]"  # a one-letter word: French à, Portuguese é
                          f"|[{_SIGNS}]+)(?![^\\x00-\\x7f])")  # a whole non-ASCII run, ASCII on both sides
_NON_ASCII = re.compile("[^\\x00-\\x7f]")
_JAPANESE = re.compile("(?<![A-Za-z])(?:[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff60]|[\uff61-\uff9f]{2,})(?![A-Za-z])")
WESTERN_SHARE = 0.9  # of the non-ASCII characters that must read as Western letters or signs


def _western_counts(text: str) -> tuple[int, int]:
    """(non-ASCII characters that read as Western, all non-ASCII characters) of ``text``."""
    return sum(map(len, _WESTERN_RUN.findall(text))), len(_NON_ASCII.findall(text))


def western_share(text: str) -> float:
    """Share of ``text``'s non-ASCII characters that read as Western: whole runs (ASCII on both sides) of one
    or two Latin letters beside an ASCII letter or digit, of one Latin letter alone (à), or of signs only; 0
    when it has none."""
    good, high = _western_counts(text)
    return good / high if high else 0.0


def japanese_share(text: str) -> float:
    """Share of ``text``'s non-ASCII characters that are kana, kanji or full-width forms (half-width kana: two or
    more in a row) with no ASCII letter beside them: most of a Japanese text (男 between commas, ﾌﾘｶﾞﾅ), almost
    nothing of Western text read as cp932 or EUC-JP, where an accented letter and the ASCII letter after it
    make a kanji inside a word (Année, Hélène) and a lone accented capital a half-width kana."""
    high = len(_NON_ASCII.findall(text))
    return sum(map(len, _JAPANESE.findall(text))) / high if high else 0.0


def _western(data: bytes, start: int) -> bool:
    """Is this Western-European text in Windows-1252 / ISO-8859-1? Every byte decodes as cp1252, at most a
    quarter of the bytes (of a head of 256 bytes or more) are non-ASCII, nine in ten of those read as accented
    letters inside words or as signs between ASCII, in the head and in the whole file, and neither cp932 nor
    EUC-JP reads the head as Japanese runs. cp932 decodes most such files without an error (as kanji and
    half-width kana), and charset-normalizer names no language for a file with a handful of accents, so
    without this a well-formed Western CSV would read as mojibake or be listed as damaged."""
    head = data[start:start + 65536]
    high = _high(head)
    if (high * 4 > len(head) >= 256) or not _strict_ok(data, "cp1252", start):
        return False
    if high and (western_share(head.decode("cp1252")) < WESTERN_SHARE
                 or any(japanese_share(head.decode(c, "replace")) >= 0.5 for c in ("cp932", "euc_jp"))):
        return False
    if len(data) - start <= len(head):
        return high > 0
    good = total = 0  # the whole file, a MiB at a time (Japanese rows further on: not Western)
    for i in range(start, len(data), MiB):
        g, t = _western_counts(data[i:i + MiB].decode("cp1252"))
        good, total = good + g, total + t
    return total > 0 and good >= WESTERN_SHARE * total


MESS_LIMIT = 0.5  # charset-normalizer's mess ratio: 0 for clean Japanese, about 1 for mojibake and noise
# The characters Japanese office text is written in: ASCII text (tab, line ends, printable), CJK symbols and
# punctuation (、。「」〒 and the ideographic space), hiragana, katakana, the unified kanji and the full-width forms
# (！ to ～). No control, private-use character, half-width kana or other script: what cp932 and EUC-JP make
# of noise (0x80, 0xA0, 0xFD-0xFF, user-defined codes) and of other 8-bit encodings (GBK, Big5, EUC-KR and
# cp1251-1258 text reads as half-width kana or fails to decode) always brings one of those.
_JAPANESE_TEXT = re.compile("[\t\n\r\x20-\x7e\u3000-\u303f\u3041-\u3096\u309b-\u30ff\u4e00-\u9fff"
                            "\uff01-\uff5e]*")

_OFFICE_LINE = _JAPANESE_TEXT  # the same characters, for choosing a line's codec (the sense check's may be swapped)
# a row EUC-JP decodes whole may hold half-width kana (a host export's ﾌﾘｶﾞﾅ, two bytes each, beside cp932 rows:
# review21d, the row was read in cp932 with bytes replaced and called damaged); not a cp932 decoding, where they are
# one byte each and what EUC-JP rows read as (an EUC-JP-MS row with 德 read whole as cp932 mojibake)
_OTHER_LINE = re.compile(_JAPANESE_TEXT.pattern[:-2] + "\uff61-\uff9f]*")


def _sensible(data: bytes, plan: Decoding) -> bool:
    """Does the start of the text read as text, not as noise? Yes when it holds Japanese and is written only in
    the characters of Japanese office text (``_JAPANESE_TEXT``); else charset-normalizer's mess detector
    decides. Its detectors are made for prose, not tables: Latin letters beside one kanji (``Excel表``,
    ``TEL済``) make weird words, so a strictly decoded Japanese table read as noise (then as charset-normalizer's
    guess: Cyrillic, Greek), and every such head cost ~1.7 ms."""
    head = "".join(islice(iter_lines(data[:plan.start + 65536], replace(plan, replaced=0)), 200))[:20000]
    if not head.isascii() and _JAPANESE_TEXT.fullmatch(head):
        return True
    from charset_normalizer.md import mess_ratio

    return mess_ratio(head, MESS_LIMIT) < MESS_LIMIT


def _other_or_doubt(data: bytes, plan: Decoding, why: str = "") -> Decoding:
    """charset-normalizer's encoding when it names one outside ours, else ``plan`` marked as doubtful (``why``: a
    detail saying there is no recognisable encoding, else that it reads as noise in its codec)."""
    other = _charset_normalizer(data, plan.start)
    if other is not None:
        return Decoding(other, other, start=plan.start)
    plan.doubt = why or say(Detail.NO_ENCODING_NOISE, codec=plan.codec)
    return plan


def _charset_normalizer(data: bytes, start: int) -> str | None:
    """Another encoding for a text that is not damaged Japanese (a Western CSV in cp1252 ...), or None."""
    payload = data[start:start + MiB]
    if matches_nothing(payload):  # noise: what charset-normalizer would say, at a twentieth of its cost
        return None
    from charset_normalizer import from_bytes

    best = from_bytes(payload).best()
    if best is None or best.language == "Unknown":  # noise decodes "cleanly" in some codec, in no language
        return None
    name = codecs.lookup(best.encoding).name
    if name in _SJIS_FAMILY or name in {codecs.lookup(c).name for c in JAPANESE}:
        return None  # ours already: its damage is better handled line by line
    return best.encoding


# Bytes that stay unprintable in charset-normalizer's sense (not isprintable, not isspace, not SUB or BOM) in any
# decoding: C0 and C1 controls that are not whitespace, DEL, private use. A lower bound of its count suffices.
_UNPRINTABLE = re.compile("[\x00-\x08\x0e-\x19\x1b\x7f-\x84\x86-\x9f\ue000-\uf8ff]")
_SMALL_PAYLOAD = 2560  # charset-normalizer's 5 steps x 512: up to it, one chunk is the whole decoded payload
_BOM_CODECS = frozenset({"utf_16", "utf_32", "utf_7"})  # tried only after a BOM or signature
# first the codecs in which noise most often decodes cleanly, so a payload that is not provably noise is let
# go after a few decodings (the order changes nothing else: every codec must fail or be noise)
_LIKELY_CLEAN = ("utf_16_le", "utf_16_be", "cp1125", "cp1251", "cp1250", "cp1256", "cp437", "cp1252")


def matches_nothing(payload: bytes) -> bool:
    """True only when ``charset_normalizer.from_bytes(payload)`` (3.x, default arguments) surely returns no
    match, proved without running it (its mess and coherence measures cost ~1 ms on a few bytes of noise).

    The proof, from charset-normalizer's from_bytes and mess_ratio: a payload of at most 2,560 bytes is measured
    as one chunk, the whole decoded text; an encoding is dropped when that chunk's mess ratio reaches 0.2, and
    the ratio is a sum of non-negative plugin ratios, one of which is 8 x unprintable / (characters + 1). With
    no BOM or signature (utf_16, utf_32 and utf_7 are then not tried), no declared charset (no preferred
    fallback) and ASCII and UTF-8 failing to decode (no fallback either), it returns a match only for an
    encoding that decodes the payload strictly into text with fewer unprintable characters than that. So: every
    encoding it may try fails to decode, or leaves at least (characters + 1) / 40 unprintable ones (counted from
    below: controls, DEL, private use). tests/test_text_noise.py checks the claim against charset-normalizer."""
    if not payload or len(payload) > _SMALL_PAYLOAD:
        return False
    try:
        import charset_normalizer
        from charset_normalizer.constant import IANA_SUPPORTED
        from charset_normalizer.utils import any_specified_encoding, identify_sig_or_bom
    except ImportError:
        return False
    if not charset_normalizer.__version__.startswith("3.") or identify_sig_or_bom(payload)[0] is not None:
        return False
    if any_specified_encoding(payload) is not None:
        return False
    for codec in dict.fromkeys(("ascii", "utf_8", *_LIKELY_CLEAN, *IANA_SUPPORTED)):
        if codec in _BOM_CODECS:
            continue
        marks = _charmap_marks(codec)
        if marks is not None:  # a single-byte codec: the same answer from its bytes, without decoding (issue 11)
            marked = payload.translate(marks)
            if _UNDEFINED in marked:
                continue  # a byte the codec does not define: decoding fails
            if marked.count(_COUNTED) * 40 < len(payload) + 1:  # one character a byte
                return False
            continue
        try:
            text = payload.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue  # a hard failure there too
        except Exception:  # noqa: BLE001 - a codec failing otherwise: no proof, ask charset-normalizer
            return False
        if len(_UNPRINTABLE.findall(text)) * 40 < len(text) + 1:
            return False
    return True


_COUNTED, _UNDEFINED = 1, 2


@functools.cache
def _charmap_marks(codec: str) -> bytes | None:
    """For a codec that decodes one byte to one character through a 256-character table (Python's charmap
    codecs: cp1251, mac_roman ...): a ``bytes.translate`` table marking each byte _COUNTED when its character is
    one ``_UNPRINTABLE`` counts, _UNDEFINED when the codec refuses it (decoding fails), else 0; None for any other
    codec (multi-byte, stateful, C-coded) or when a byte decodes otherwise than its table says. Decoding a payload
    with such a codec is the characters of its bytes one by one, so the count is exactly the decoded text's
    (~90 decodings of a few hundred bytes of noise cost a fake .xlsx ~0.3 ms)."""
    try:
        info = codecs.lookup(codec)
        owner = getattr(info.decode, "__self__", None)
        table = getattr(sys.modules.get(type(owner).__module__), "decoding_table", None)
        if not isinstance(table, str) or len(table) != 256 or not type(owner).__module__.startswith("encodings."):
            return None
        out = bytearray(256)
        for b in range(256):
            try:
                ch = bytes([b]).decode(codec)
            except UnicodeDecodeError:
                if table[b] != "\ufffe":
                    return None
                out[b] = _UNDEFINED
                continue
            if len(ch) != 1 or ch != table[b]:
                return None
            out[b] = _COUNTED if _UNPRINTABLE.fullmatch(ch) else 0
        return bytes(out)
    except Exception:  # noqa: BLE001 - any doubt: the codec decodes as before
        return None


_NULS = re.compile(rb"\x00{16,}")  # a block of NUL bytes: one with text after it is a zeroed one (``zeroed_blocks``)


def zeroed_block(data: bytes) -> tuple[int, int] | None:
    """(offset, length) of the first block of 16 or more NUL bytes followed by more bytes: no text encoding writes
    one (UTF-16 has single NULs), a block zeroed on a damaged disk or a hole of a cut copy does; None when none."""
    return next(zeroed_blocks(data), None)


def zeroed_blocks(data: bytes) -> Iterator[tuple[int, int]]:
    """Each such block (``zeroed_block``), in order. Each run is found once, whole, and kept when bytes follow it
    (review20s: ``\\x00{16,}(?=[^\\x00])`` tried every NUL of a run at the end of the file as a start, ~n**2/2 steps:
    a CSV or a PDF under .txt padded with 62 KiB of NULs cost 16 s of CPU, 1 MiB an hour, listed `timeout`)."""
    end = len(data)
    return ((m.start(), m.end() - m.start()) for m in _NULS.finditer(data) if m.end() < end)


# --- lines ---------------------------------------------------------------------------------------------

def iter_lines(data: bytes, dec: Decoding, delimiter: bytes = b",", max_line: int = MAX_LINE) -> Iterator[str]:
    """Every line of ``data`` as text with its line end; ``dec.replaced`` counts what could not be decoded.
    (Each way returns its generator itself, not through one more generator level: issue 11.)"""
    if dec.parts:  # an 8-bit part and a UTF-16 part, each read in its own encoding
        return _part_lines(data, dec, delimiter, max_line)
    if not dec.alternates or not dec.byte_lines:
        return _text_lines(data, dec, max_line)
    return _byte_lines(data, dec, delimiter, max_line)


def _part_lines(data: bytes, dec: Decoding, delimiter: bytes, max_line: int) -> Iterator[str]:
    for end, part in dec.parts:
        part.replaced = 0
        yield from iter_lines(data[:end] if end < len(data) else data, part, delimiter, max_line)
        dec.replaced += part.replaced
        dec.used |= part.used | {part.codec}


def _byte_lines(data: bytes, dec: Decoding, delimiter: bytes, max_line: int) -> Iterator[str]:
    """Lines cut at their bytes' line ends, each decoded on its own (a file whose lines are in several encodings)."""
    pos, n = dec.start, len(data)
    decode = _line_decoder(dec, delimiter)
    while pos < n:
        m = _EOL.search(data, pos, min(n, pos + max_line + 2))
        if m is None:
            if n - pos > max_line:
                raise _line_too_long(max_line)
            end = n
        else:
            end = m.end()
        line = data[pos:end]
        pos = end
        yield decode(line)


def _strict_choice(b: bytes, candidates: tuple[str, ...], primary: str | None) -> str | None:
    """The codec that decodes ``b`` whole and reads most like Japanese: UTF-8 whenever it fits (cp932
    text is almost never valid UTF-8, while UTF-8 and EUC-JP are often valid cp932 mojibake), else the
    best-scoring of the others, the primary on a tie."""
    if "utf-8" in candidates:
        try:
            b.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            pass
    fits = []
    for codec in candidates:
        if codec == "utf-8":
            continue
        try:
            fits.append((japanese_score(b.decode(codec)), codec == primary, codec))
        except UnicodeDecodeError:
            continue
    return max(fits)[2] if fits else None


_LINE_TEXT = re.compile(rb"[^\r\n]+")  # a line's bytes between line ends: one pass, no backtracking


def _line_winners(data: bytes, start: int, candidates: tuple[str, ...]) -> str:
    """The codec that decodes the most non-ASCII lines whole: the primary of a damaged or mixed file. Each line is
    taken whole and skipped when ASCII (wild19: one expression ``[^\r\n]*[\x80-\xff][^\r\n]*`` ran to each ASCII
    line's end and back from every byte of it, quadratic in the line: a 2.3 MB CSV of 1,900-byte lines with one
    byte that is no UTF-8 took 15 s of CPU here and was listed `timeout` on a loaded machine)."""
    wins = dict.fromkeys(candidates, 0)
    for m in _LINE_TEXT.finditer(data, start):
        line = m.group()
        if not line.isascii() and (codec := _strict_choice(line, candidates, None)):
            wins[codec] += 1
    return max(candidates, key=lambda c: (wins[c], -candidates.index(c)))


def _cut_at_end(b: bytes, codec: str) -> bool:
    """Whether ``b`` decodes in ``codec`` but for a character cut at its end (the last line of a cut file)."""
    try:
        codecs.getincrementaldecoder(codec)().decode(b.rstrip(b"\r\n"), final=False)
        return True
    except UnicodeDecodeError:
        return False


_CONTINUATION = re.compile(rb"[\x80-\xbf]")


def _cp1252_row(b: bytes) -> bool:
    """Whether a line no candidate decodes in a UTF-8 text is a Windows-1252 row (``Karl Löw,...Hauptstraße``: a
    row saved by an ANSI editor; review21d: read with its letters replaced and called damaged): every byte past
    ASCII a Windows-1252 letter (0xC0-0xFF: no UTF-8 continuation byte, which a damaged UTF-8 character leaves)
    in a Western word (``western_share``)."""
    if _CONTINUATION.search(b) is not None:
        return False
    text = b.decode("cp1252")
    return western_share(text) >= 1.0 and japanese_share(text) == 0.0


def _line_decoder(dec: Decoding, delimiter: bytes):
    primary, others = dec.codec, dec.alternates
    candidates = (primary, *others)
    split = delimiter if delimiter in (b",", b"\t", b";") else None  # never inside a multi-byte character

    def piece(b: bytes) -> str | None:
        """``b`` decoded: strictly by the primary (or UTF-8), else by the primary with replacements when
        only a few of its bytes are damaged, else strictly by the best other codec, else None."""
        if b.isascii():
            if b"\x1b" in b and primary.startswith("iso2022"):  # a JIS line: ASCII bytes, Japanese by escapes
                text, bad = decode_counting(b, primary)
                dec.replaced += bad
                dec.used.add(primary)
                return text
            return b.decode("ascii")
        try:
            text = b.decode(primary)
        except UnicodeDecodeError:
            pass
        else:
            best = _strict_choice(b, candidates, primary)
            if best in (None, primary):
                dec.used.add(primary)
                return text
            dec.used.add(best)
            return b.decode(best)
        if primary == "utf-8" and _cp1252_row(b):  # a row saved by an ANSI editor into a UTF-8 table
            dec.used.add("cp1252")
            return b.decode("cp1252")
        if primary != "utf-8" and "utf-8" in others:
            try:
                text = b.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                dec.used.add("utf-8")
                return text
        high = _high(b)
        text, bad = decode_counting(b, primary)
        best = _strict_choice(b, candidates, primary)
        if best is not None and ((bad * 2 > high and not _cut_at_end(b, primary))
                                 or not _OFFICE_LINE.fullmatch(text.replace("\ufffd", ""))) \
                and (_OTHER_LINE if best == "euc_jp" else _OFFICE_LINE).fullmatch(b.decode(best)):  # a row in another encoding (EUC-JP beside cp932
            dec.used.add(best)  # reads as half-width kana with a few bytes replaced): whole office text beats mended
            return b.decode(best)  # (damage18: and a short line, "林 翼" in cp932 among UTF-8, whose every byte
            # past ASCII the primary replaces: dropping the replacements left office text, the name was lost)
        if bad * 4 <= high or high < 8:  # a damaged byte or a cut character: too little to switch on
            dec.replaced += bad
            dec.used.add(primary)
            return text
        if best is None:
            return None
        dec.used.add(best)
        return b.decode(best)

    def fallback(b: bytes) -> str:
        """No candidate explains ``b``: the one that leaves fewest bytes unexplained."""
        (text, bad), i = min(((decode_counting(b, c), i) for i, c in enumerate(candidates)),
                             key=lambda t: (t[0][1], t[1]))
        dec.replaced += bad
        dec.used.add(candidates[i])
        return text

    def line(b: bytes) -> str:
        text = piece(b)
        if text is None:
            if split is not None and split in b:
                text = split.decode().join(t if (t := piece(f)) is not None else fallback(f)
                                           for f in b.split(split))
            else:
                text = fallback(b)
        return text.replace("\x00", "") if "\x00" in text else text

    return line


def _text_lines(data: bytes, dec: Decoding, max_line: int) -> Iterator[str]:
    """Lines of a text in one encoding, decoded chunk by chunk (UTF-16 too) and split as io does with
    ``newline=""``: CRLF, CR and LF end a line, nothing else. A line still open waits in pieces, so a
    file without line breaks costs no more than the line cap."""
    if dec.codec in ("utf-16-le", "utf-16-be"):
        data = _realigned_utf16(data, dec)
    decoder = codecs.getincrementaldecoder(dec.codec)("leakscan-count")
    view = memoryview(data)
    parts: list[str] = []  # the open line, not yet joined
    size = 0
    i, n = dec.start, len(data)
    while True:
        final = i + CHUNK >= n
        _tally.n = 0
        piece = decoder.decode(view[i:i + CHUNK], final=final)
        dec.replaced += _tally.n
        i += CHUNK
        if "\x00" in piece:
            piece = piece.replace("\x00", "")
        if not final and "\n" not in piece and "\r" not in piece:
            parts.append(piece)
            size += len(piece)
            if size > max_line:
                raise _line_too_long(max_line)
            continue
        lines = io.StringIO("".join(parts) + piece, newline="").readlines()
        parts, size = [], 0
        if not final and lines:
            last = lines.pop()  # may be cut, or a CR whose LF is in the next chunk
            parts, size = [last], len(last)
        if (lines and max(map(len, lines)) > max_line) or size > max_line:
            raise _line_too_long(max_line)
        yield from lines
        if final:
            return


def _realigned_utf16(data: bytes, dec: Decoding) -> bytes:
    """UTF-16 with its code units back in step after a byte was lost or added inside a line (a bad sector,
    a copy in text mode that put CR before every 0x0A byte, ``上`` = 0A 4E among them): from there on every
    character would decode as another, and every record after it would be lost. A line end met at the other
    parity starts the realignment when the text after it is in step at that parity (the NULs of its ASCII,
    delimiters and digits, fall on the high bytes): the bytes before it give up one (counted as replaced).
    Returns ``data`` itself when nothing is out of step."""
    le = dec.codec == "utf-16-le"
    newline = b"\n\x00" if le else b"\x00\n"
    ends = [m.start() for m in re.finditer(re.escape(newline), data)]
    if not any((e - dec.start) % 2 for e in ends):
        return data
    out, line_start, shift = bytearray(), dec.start, dec.start % 2
    for k, e in enumerate(ends):
        if e % 2 == shift or e < line_start:
            continue  # in step, or inside a line end already taken
        j = k + 1
        while j < len(ends) and ends[j] <= e + 2:
            j += 1
        following = ends[j] if j < len(ends) else len(data)
        after = data[e + 2:min(following, e + 514)]  # the next line only (a text-mode copy shifts every line)
        in_step, out_of_step = (after[1::2], after[0::2]) if le else (after[0::2], after[1::2])
        if in_step.count(0) <= out_of_step.count(0):
            continue  # 0A 00 across two characters, not a line end: the text after it is in the old step
        out += data[line_start:e - 1]  # the damaged line, less one byte
        dec.replaced += 1
        dec.realigned += 1
        line_start, shift = e, e % 2
    if not out:
        return data
    out += data[line_start:]
    return data[:dec.start] + bytes(out)


def _line_too_long(max_line: int) -> ReadError:
    return ReadError(Status.TOO_LARGE, say(Detail.LINE_TOO_LONG, n=max_line // MiB))


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a whole text table, for tests and tools (scans stream with :func:`iter_lines`)."""
    dec = plan_decoding(data)
    text = "".join(iter_lines(data, dec))
    return text, dec.encoding
