"""A 7z header's own checksums, verified here before py7zr is given the archive.

A 7z file starts with a 32-byte signature header: the magic, a version, the *start header CRC*, then the next
header's offset, size and *next header CRC* (7-Zip's 7zFormat.txt). The next header is either the header itself or
an *EncodedHeader*: the streams info of a packed (compressed) header, whose folder may carry the CRC of the decoded
header bytes (its unpack digest; 7-Zip writes it, py7zr does not).

py7zr 1.1 checks all three when they are there, and refuses the archive; an older py7zr (the floor allows 0.20)
may not, and a refusal keeps nothing. Here each is checked on its own (the signature header by struct, the
EncodedHeader's streams info by py7zr's own parser, its packed header decoded by py7zr's own decompressor: no 7z
decoding is written here), and a mismatch is damage the archive is listed with (``corrupt``, detail
``sevenz-header-crc``). The members stay worth reading: each member's data has its own CRC in the header, checked
by py7zr as it extracts, so the archive is given to py7zr as a copy whose header checksums are made to agree with
the bytes as they are (``salvage``): whatever it still lists and extracts with a matching CRC is examined.

A packed header without an unpack digest (every archive py7zr writes) cannot be verified by anyone: a flip inside
it can rename a member with no error anywhere (Session 11: ``名簿.csv`` read as ``名簿.cóv``). What such a member
holds is still read by its content (scanner.inspectors.spreadsheet: a person table under an unknown extension).
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

MAGIC = b"7z\xbc\xaf\x27\x1c"
_START = struct.Struct("<IQQI")  # at offset 8: start header CRC, next header offset, size and CRC
SIGNATURE_SIZE = 32
_ENCODED_HEADER = 0x17
_DIGESTS = b"\x0a\x01"  # kCRC, all defined: the unpack digests of the packed header's folders follow
MAX_DECODED = 1 << 28  # the decoded header's size declared, at most (py7zr 1.1's own MAX_HEADER_SIZE)


@dataclass(frozen=True)
class HeaderCheck:
    """``damaged``: which checksum did not match ("" when none); ``data``: the bytes to give py7zr (the archive's
    own, or a copy whose checksums agree with its header as it is)."""

    damaged: str
    data: bytes


def _signature(data: bytes, offset: int, size: int, crc: int) -> bytes:
    """The 32-byte signature header for a next header at ``offset`` of ``size`` bytes with ``crc``."""
    tail = struct.pack("<QQI", offset, size, crc)
    return data[:8] + struct.pack("<I", zlib.crc32(tail)) + tail


def check(data: bytes) -> HeaderCheck:
    """Verify the start header CRC, the next header CRC and an EncodedHeader's unpack digest of ``data``.
    Total: anything that cannot be checked here (too short, an offset past the end, an encrypted or unparsable
    encoded header) is left to py7zr as it is, which refuses it with its own error."""
    sound = HeaderCheck("", data)
    if len(data) < SIGNATURE_SIZE or not data.startswith(MAGIC):
        return sound
    stored, offset, size, next_crc = _START.unpack_from(data, 8)
    damaged: list[str] = []
    if zlib.crc32(data[12:SIGNATURE_SIZE]) != stored:
        damaged.append("start header")
    at = SIGNATURE_SIZE + offset
    if size == 0 or at + size > len(data):
        return HeaderCheck(damaged[0], data) if damaged else sound  # a damaged offset or size: nothing to find
    header = data[at:at + size]
    if zlib.crc32(header) != next_crc:
        damaged.append("next header")
    if header[0] == _ENCODED_HEADER:
        try:
            patched = _encoded_digest(data, header)
        except Exception:  # noqa: BLE001 - an encoded header that cannot be parsed or decoded here: py7zr says why
            patched = None
        if patched is not None:
            damaged.append("encoded header")
            header = patched
    if not damaged:
        return sound
    copy = _signature(data, offset, size, zlib.crc32(header)) + data[SIGNATURE_SIZE:at] + header + data[at + size:]
    return HeaderCheck(" + ".join(damaged), copy)


def _encoded_digest(data: bytes, header: bytes) -> bytes | None:
    """The EncodedHeader ``header`` with its folder's unpack digest made that of the bytes it decodes to, when it
    carries one that does not match; None when it matches or carries none (nothing to verify)."""
    from py7zr.archiveinfo import HeaderStreamsInfo  # the caller loaded py7zr (scanner.backends)

    streams = HeaderStreamsInfo.retrieve(io.BytesIO(header[1:]))
    src = SIGNATURE_SIZE + streams.packinfo.packpos
    for k, folder in enumerate(streams.unpackinfo.folders):
        packed_size = streams.packinfo.packsizes[k]
        unpacked = folder.unpacksizes[-1] if isinstance(folder.unpacksizes, list) else folder.unpacksizes
        if not folder.digestdefined or folder.crc is None or not 0 <= unpacked <= MAX_DECODED:
            src += packed_size
            continue
        decoder = folder.get_decompressor(packed_size)
        stream = io.BytesIO(data[src:src + packed_size])
        out = bytearray()
        while len(out) < unpacked:
            got = decoder.decompress(stream, max_length=unpacked - len(out))
            if not got:
                break
            out += got
        src += packed_size
        actual = zlib.crc32(bytes(out))
        if actual == folder.crc:
            continue
        stored = _DIGESTS + struct.pack("<I", folder.crc)
        if header.count(stored) != 1:
            return None  # where the digest is cannot be told: py7zr refuses the archive with its own error
        return header.replace(stored, _DIGESTS + struct.pack("<I", actual))
    return None


def unclaimed(z: object) -> tuple[int, int] | None:
    """(bytes the listed members take, bytes the archive's streams unpack to) when they differ: a header that no
    checksum covers (py7zr's packed header) damaged into fewer members, or none (Session 12: a flip made the member
    count 0, and an archive holding 60 people listed nothing, with no error). None when they agree or the header
    says nothing to compare (an empty archive). Total: a header py7zr parsed in a shape not foreseen is left as is."""
    try:
        streams = getattr(getattr(z, "header", None), "main_streams", None)
        if streams is None or streams.unpackinfo is None:
            return None
        held = sum(int(folder.get_unpack_size()) for folder in streams.unpackinfo.folders)
        taken = sum(int(f.uncompressed or 0) for f in getattr(z, "files", ()) if not f.emptystream)
    except Exception:  # noqa: BLE001 - a failure path never raises
        return None
    return (taken, held) if taken != held else None


def unaccounted(z: object, data: bytes) -> int:
    """Bytes of packed data between the signature header and the header's own packed stream (or the next header)
    that no stream of the parsed header covers: a header damaged into saying less (Session 12: a flip decoded
    py7zr's packed header to one with no streams and no files, and the 2.5 kB holding 60 people were never
    mentioned). 0 when every byte is accounted for, or when it cannot be told. Total."""
    try:
        from py7zr.archiveinfo import HeaderStreamsInfo

        _, offset, size, _ = _START.unpack_from(data, 8)
        header = data[SIGNATURE_SIZE + offset:SIGNATURE_SIZE + offset + size]
        end = SIGNATURE_SIZE + offset
        if header[:1] == bytes([_ENCODED_HEADER]):
            end = SIGNATURE_SIZE + HeaderStreamsInfo.retrieve(io.BytesIO(header[1:])).packinfo.packpos
        streams = getattr(getattr(z, "header", None), "main_streams", None)
        covered = 0
        if streams is not None and streams.packinfo is not None:
            covered = int(streams.packinfo.packpos) + sum(int(n) for n in streams.packinfo.packsizes)
        return max(0, min(end, len(data)) - SIGNATURE_SIZE - covered)
    except Exception:  # noqa: BLE001 - a failure path never raises
        return 0


LINK_TARGET_MOST = 4096  # bytes of a link's target path at most (PATH_MAX on Linux)


def holds_data(f: object) -> bool:
    """Whether a member py7zr calls a folder or a link holds data it cannot: a folder any, a link more than a path.
    Total."""
    try:
        size = int(getattr(f, "uncompressed", 0) or 0)
        if getattr(f, "emptystream", True):
            return False
        return size > (LINK_TARGET_MOST if getattr(f, "is_symlink", False) else 0)
    except Exception:  # noqa: BLE001 - a failure path never raises
        return False
