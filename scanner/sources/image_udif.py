"""A UDIF disk image (.dmg) read table by table, for the image source, when libmodi refuses it whole.

hdiutil writes a UDIF as compressed chunks followed by an XML property list whose ``blkx`` array holds one block
table (a base64 ``mish`` structure) per partition, and the 512-byte ``koly`` trailer. libmodi gives up on the
whole image when one table is damaged. Here each table is decoded on its own: the intact ones are read (raw,
zero, zlib, bzip2 and LZMA chunks), and the sectors of a damaged table (or no table) read as zeros and are
listed with the table's name. The image file is read-only (pread); nothing is decompressed to disk.

The plist is searched, not parsed whole (one damaged <data> element would fail a parser), and this runs only in
the image walker's isolated process or the image inspector's worker, never in the scan's own walk.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import bz2
import itertools
import lzma
import os
import struct
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ..details import Detail, say
from .image_noatime import open_evidence

TYPE_INDICATOR = "UDIFPARTS"
FORMAT = "UDIF (read table by table)"
_XML_LIMIT = 64 << 20
_MAX_CHUNK_SECTORS = 1 << 16  # 32 MiB of output per chunk at most (hdiutil writes 1 MiB)
_ZERO, _RAW, _IGNORE, _ADC, _ZLIB, _BZIP2, _LZFSE, _LZMA = 0, 1, 2, 0x80000004, 0x80000005, 0x80000006, 0x80000007, 0x80000008
_COMMENT, _END = 0x7FFFFFFE, 0xFFFFFFFF
_KIND_NAMES = {_ADC: "ADC", _LZFSE: "LZFSE"}
NAMED_DAMAGE = 20  # damaged tables named in the image's detail; the rest counted


def note_damage(info: UdifInfo, damaged: list[tuple[str, str]], gaps: list[tuple[int, int]]) -> None:
    """The damaged block tables ((name, why) each) and the sectors no intact table covers into ``info``, said with
    detail codes: a table's name comes from the image's own plist and may hold any words (read back from an
    English text, they could be taken for another code)."""
    ranges = ", ".join(f"{a}-{b - 1}" for a, b in gaps[:10]) + (" ..." if len(gaps) > 10 else "")
    where = say(Detail.UDIF_SECTORS_ZEROED, ranges=ranges) if gaps else say(Detail.UDIF_NONE_UNCOVERED)
    info.damaged_count = len(damaged)
    for name, why in damaged[:NAMED_DAMAGE]:
        info.damaged.append(say(Detail.UDIF_TABLE_DAMAGED, name=name, why=why, where=where))
    if len(damaged) > NAMED_DAMAGE:  # a crafted plist holds hundreds of thousands: counted, a few named
        info.damaged.append(say(Detail.UDIF_MORE_TABLES_DAMAGED, n=len(damaged) - NAMED_DAMAGE))


class UdifRefused(Exception):
    """Not a UDIF this reader can read either (no trailer, no plist, no intact table)."""


@dataclass
class Chunk:
    start: int  # first sector on the disk
    count: int
    kind: int
    offset: int  # in the image file
    length: int


@dataclass
class UdifInfo:
    path: str
    sectors: int
    chunks: list[Chunk]
    tables: int
    damaged: list[str] = field(default_factory=list)  # each damaged table and what it covered
    undecoded: dict[str, int] = field(default_factory=dict)  # chunk kinds with no decoder here: how many
    damaged_count: int = 0  # every damaged table (only the first NAMED_DAMAGE are named in ``damaged``)

    @property
    def size(self) -> int:
        return self.sectors * 512

    def facts(self) -> dict[str, Any]:
        out: dict[str, Any] = {"tables": self.tables, "tables_damaged": self.damaged_count}
        if self.undecoded:
            out["chunks_not_decoded"] = dict(self.undecoded)
        return out


def _tables(xml: bytes) -> list[tuple[str, bytes]]:
    """(name, base64 text) of each blkx entry, searched in the plist's text. Plain finds, never a lazy regular
    expression over the plist: ``<dict>(.*?)</dict>`` was tried again from every ``<dict>`` of a plist that never
    closes one (quadratic over up to 64 MiB: audit10)."""
    start = xml.find(b"<key>blkx</key>")
    if start < 0:
        raise UdifRefused("its property list holds no blkx (block table) array")
    end = xml.find(b"</array>", start)  # blkx entries hold no array: the first end is the blkx array's
    end = end if end > 0 else len(xml)
    out = []
    at = start
    while True:
        opened = xml.find(b"<dict>", at, end)
        if opened < 0:
            break
        closed = xml.find(b"</dict>", opened + 6, end)
        if closed < 0:
            break  # no later <dict> closes either
        body = xml[opened + 6:closed]
        at = closed + 7
        data = _element(body, (b"<key>Data</key>",), b"<data>", b"</data>")
        if data is None:
            continue
        name = _element(body, (b"<key>CFName</key>", b"<key>Name</key>"), b"<string>", b"</string>")
        out.append((name.decode("utf-8", "replace")[:200] if name is not None else "unnamed", data))
    return out


def _element(body: bytes, keys: tuple[bytes, ...], opening: bytes, closing: bytes) -> bytes | None:
    """The text of the first OPENING...CLOSING element right after one of KEYS (blanks between), or None."""
    for at, size in sorted((at, len(key)) for key in keys for at in _all(body, key)):
        key_end = at + size
        while key_end < len(body) and body[key_end:key_end + 1].isspace():
            key_end += 1
        if not body.startswith(opening, key_end):
            continue
        close = body.find(closing, key_end + len(opening))
        if close < 0:
            return None  # no later element closes either
        return body[key_end + len(opening):close]
    return None


def _all(body: bytes, key: bytes) -> list[int]:
    out, at = [], body.find(key)
    while at >= 0:
        out.append(at)
        at = body.find(key, at + len(key))
    return out


def _mish(raw: bytes, data_fork: int, data_end: int, sectors: int) -> tuple[int, int, list[Chunk]]:
    """(first sector, sector count, chunks) of one decoded table; ValueError when it is damaged."""
    if len(raw) < 204 or raw[:4] != b"mish":
        raise ValueError("no mish header")
    first, count, data_offset = struct.unpack_from(">QQQ", raw, 8)
    (number,) = struct.unpack_from(">I", raw, 200)
    if len(raw) < 204 + 40 * number:
        raise ValueError(f"{number} chunks announced, {(len(raw) - 204) // 40} present")
    if first + count > sectors:
        raise ValueError(f"sectors {first}-{first + count} past the disk's end ({sectors} sectors)")
    chunks = []
    for i in range(number):
        kind, _comment, c_first, c_count, c_off, c_len = struct.unpack_from(">IIQQQQ", raw, 204 + 40 * i)
        if kind in (_COMMENT, _END) or c_count == 0:
            continue
        if c_first + c_count > count or c_count > _MAX_CHUNK_SECTORS:
            raise ValueError(f"chunk {i} covers sectors past its table")
        if kind not in (_ZERO, _IGNORE) and data_fork + data_offset + c_off + c_len > data_end:
            raise ValueError(f"chunk {i} lies past the data fork")
        if c_len > c_count * 1024 + 65536:  # no codec here grows data that much: a length that is no length
            raise ValueError(f"chunk {i} claims {c_len} stored bytes for {c_count} sectors")
        chunks.append(Chunk(first + c_first, c_count, kind, data_fork + data_offset + c_off, c_len))
    chunks.sort(key=lambda c: c.start)
    for a, b in itertools.pairwise(chunks):
        if b.start < a.start + a.count:  # two chunks for one sector: which holds it is unknown
            raise ValueError(f"chunks of sectors {a.start}-{a.start + a.count - 1} and {b.start}-{b.start + b.count - 1} overlap")
    return first, count, chunks


def udif_info(path: str) -> UdifInfo:
    fd = open_evidence(path)
    try:
        size = os.fstat(fd).st_size
        koly = os.pread(fd, 512, max(size - 512, 0))
        if len(koly) < 512 or koly[:4] != b"koly":
            raise UdifRefused("no koly trailer at its end")
        data_fork, data_len = struct.unpack_from(">QQ", koly, 24)
        xml_at, xml_len = struct.unpack_from(">QQ", koly, 0xD8)
        (sectors,) = struct.unpack_from(">Q", koly, 492)
        if not xml_len or xml_len > _XML_LIMIT or xml_at + xml_len > size:
            raise UdifRefused("its trailer points at no property list inside the file")
        if not 0 < sectors < (1 << 47):
            raise UdifRefused(f"its trailer gives no usable size ({sectors} sectors)")
        xml = os.pread(fd, xml_len, xml_at)
    finally:
        os.close(fd)
    data_end = min(data_fork + data_len, size) if data_len else size  # chunks must lie inside the file
    tables = _tables(xml)
    chunks: list[Chunk] = []
    damaged: list[tuple[str, str]] = []
    spans: list[tuple[int, int, str]] = []  # intact tables' sectors, sorted and disjoint: two over one range
    for name, text in tables:
        try:
            raw = base64.b64decode(b"".join(text.split()), validate=True)
            _first, _count, found = _mish(raw, data_fork, data_end, sectors)
            if found:
                low, high = found[0].start, found[-1].start + found[-1].count
                at = bisect.bisect_left(spans, (low, high, name))
                near = [spans[i] for i in (at - 1, at) if 0 <= i < len(spans)]
                other = next((n for a, b, n in near if low < b and a < high), None)
                if other is not None:
                    raise ValueError(f"its sectors {low}-{high - 1} overlap those of table \"{other}\"")
                spans.insert(at, (low, high, name))
        except (binascii.Error, ValueError, struct.error) as e:
            damaged.append((name, str(e) or type(e).__name__))
            continue
        chunks += found
    if not chunks:
        raise UdifRefused("no block table of it could be read" + (
            f" ({'; '.join(f'{n}: {w}' for n, w in damaged[:5])})" if damaged else ""))
    chunks.sort(key=lambda c: c.start)
    info = UdifInfo(path, sectors, chunks, len(tables))
    note_damage(info, damaged, _gaps(chunks, sectors))
    for c in chunks:
        if c.kind in _KIND_NAMES or c.kind not in (_ZERO, _RAW, _IGNORE, _ZLIB, _BZIP2, _LZMA):
            kind = _KIND_NAMES.get(c.kind, f"0x{c.kind:08x}")
            info.undecoded[kind] = info.undecoded.get(kind, 0) + 1
    return info


def _gaps(chunks: list[Chunk], sectors: int) -> list[tuple[int, int]]:
    out, at = [], 0
    for c in chunks:
        if c.start > at:
            out.append((at, c.start))
        at = max(at, c.start + c.count)
    if at < sectors:
        out.append((at, sectors))
    return out


class UdifReader:
    """read(offset, size) over the chunks; a chunk no table covers reads as zeros."""

    def __init__(self, info: UdifInfo) -> None:
        self.info = info
        self._starts = [c.start for c in info.chunks]
        self._fd = open_evidence(info.path)
        self._cache: OrderedDict[int, bytes] = OrderedDict()

    def _chunk(self, index: int) -> bytes:
        got = self._cache.get(index)
        if got is not None:
            self._cache.move_to_end(index)
            return got
        c = self.info.chunks[index]
        want = c.count * 512
        if c.kind in (_ZERO, _IGNORE):
            data = bytes(want)
        elif c.kind not in (_RAW, _ZLIB, _BZIP2, _LZMA):
            kind = _KIND_NAMES.get(c.kind, f"0x{c.kind:08x}")
            raise OSError(f"UDIF chunk of sectors {c.start}-{c.start + c.count - 1} is {kind}-compressed, which no "
                          "library here decodes")
        else:
            try:
                packed = os.pread(self._fd, c.length, c.offset)
                if c.kind == _RAW:
                    data = packed
                elif c.kind == _ZLIB:
                    data = zlib.decompressobj().decompress(packed, want)
                elif c.kind == _BZIP2:
                    data = bz2.BZ2Decompressor().decompress(packed, want)
                else:
                    data = lzma.LZMADecompressor().decompress(packed, want)
            except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError, OverflowError) as e:
                raise OSError(f"UDIF chunk of sectors {c.start}-{c.start + c.count - 1} damaged: {e}") from e
            if len(data) < want:  # a cut stream or a stored length too small: damaged, never zeros said as data
                raise OSError(f"UDIF chunk of sectors {c.start}-{c.start + c.count - 1} damaged: its stored bytes "
                              f"give {len(data)} of its {want} bytes")
            data = data[:want]
        self._cache[index] = data
        while len(self._cache) > 16:
            self._cache.popitem(last=False)
        return data

    def read(self, offset: int, size: int) -> bytes:
        end = min(offset + max(size, 0), self.info.size)
        out = bytearray()
        while offset < end:
            sector = offset // 512
            i = bisect.bisect_right(self._starts, sector) - 1
            c = self.info.chunks[i] if i >= 0 else None
            if c is None or sector >= c.start + c.count:  # no table covers it: zeros up to the next chunk
                nxt = self._starts[i + 1] * 512 if i + 1 < len(self._starts) else self.info.size
                take = min(end, nxt) - offset
                out += bytes(take)
            else:
                base = c.start * 512
                take = min(end, base + c.count * 512) - offset
                out += self._chunk(i)[offset - base:offset - base + take]
            offset += take
        return bytes(out)

    def get_size(self) -> int:
        return self.info.size

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
