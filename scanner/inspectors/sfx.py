"""Self-extracting archives: a Windows program (.exe) with a zip, 7z, RAR or cabinet appended (Session 10).

A program's own bytes end where its last section ends (the PE section table says where); the Authenticode
signature, when there is one, sits after them at the place the security directory names. Bytes beyond both
are an *overlay*: where WinZip, 7-Zip, WinRAR and IExpress put the archive a self-extractor unpacks. Only a
program with an overlay is looked at any further, and only a few KiB of it (the overlay's start and the
file's tail), so an ordinary program costs no read beyond the head the walk reads anyway. Pure functions over
bytes already read; the archive itself is opened in a worker by the archive inspector like any other.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import IO, NamedTuple

from ..contenttype import PE_EXTS, PE_HEAD
from .archive_members import SEVENZ_MAGIC, ZIP_MAGIC

__all__ = ["PE_EXTS", "PE_HEAD", "STUB_EXTS", "Found", "Overlay", "find", "find_in", "find_after_stub", "forward_reader",
           "overlay"]
PROBE = 4096  # bytes read at the overlay's start and at the file's end
SLACK = 512  # zero padding after the last section (file alignment) is no overlay
ZIP_END = b"PK\x05\x06"
RAR_MAGIC = (b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00")
CAB_MAGIC = b"MSCF\x00\x00\x00\x00"
# a self-extractor under ``.sfx`` whose stub is no Windows program (rarfile's test files: zeros, then the RAR):
# its archive is the first signature in its first STUB_SEARCH bytes (rarfile searches as far for a RAR's) (fix15a)
STUB_EXTS = (".sfx",)
STUB_SEARCH = 1 << 21


class Overlay(NamedTuple):
    """Where a program's own bytes and its signature end: the overlay is ``[start, size)`` without the
    signature's ``[cert_start, cert_end)``."""

    start: int
    cert_start: int
    cert_end: int


class Found(NamedTuple):
    kind: str  # zip, 7z (read), RAR, Microsoft Cabinet (listed: no installed library reads them)
    offset: int  # where the archive starts in the file (zip: its directory says, the reader finds it)


def overlay(head: bytes, size: int) -> Overlay | None:
    """The overlay of a PE program whose headers are in ``head``, or None (no program, headers beyond the head,
    or nothing after its sections and signature but padding)."""
    if head[:2] != b"MZ" or len(head) < 64:
        return None
    pe = struct.unpack_from("<I", head, 0x3C)[0]
    if pe + 24 > len(head) or head[pe:pe + 4] != b"PE\x00\x00":
        return None
    sections, opt_size = struct.unpack_from("<H", head, pe + 6)[0], struct.unpack_from("<H", head, pe + 20)[0]
    opt = pe + 24
    table = opt + opt_size
    if table + sections * 40 > len(head) or opt + 2 > len(head):
        return None
    magic = struct.unpack_from("<H", head, opt)[0]
    dirs = {0x10B: 96, 0x20B: 112}.get(magic)
    cert_start = cert_end = 0
    if dirs is not None and opt + dirs + 5 * 8 <= min(len(head), table):
        count = struct.unpack_from("<I", head, opt + dirs - 4)[0]
        if count > 4:
            cert_start, cert_size = struct.unpack_from("<II", head, opt + dirs + 4 * 8)
            cert_end = cert_start + cert_size if cert_size else 0
            cert_start = cert_start if cert_size else 0
    end = 0
    for k in range(sections):
        raw_size, raw_at = struct.unpack_from("<II", head, table + k * 40 + 16)
        if raw_size:
            end = max(end, raw_at + raw_size)
    if end == 0 or end >= size:
        return None
    left = size - end - (max(0, min(cert_end, size) - max(cert_start, end)) if cert_end > end else 0)
    if left <= SLACK:
        return None
    return Overlay(end, cert_start, cert_end)


def find(over: Overlay, size: int, read: Callable[[int, int], bytes]) -> Found | None:
    """The archive appended to a program, from a few KiB at the overlay's start (after the signature when that
    comes first) and at the file's end; None when no archive signature is there (installer data of its own)."""
    start = over.cert_end if over.cert_start <= over.start < over.cert_end else over.start
    starts = [start] + ([over.cert_end] if over.cert_end > start and over.cert_end < size else [])
    for at in starts:
        first = read(at, PROBE)
        for magic, kind in ((ZIP_MAGIC, "zip"), (SEVENZ_MAGIC, "7z"), (CAB_MAGIC, "Microsoft Cabinet")):
            where = first.find(magic)
            if where >= 0:
                return Found(kind, at + where)
        for magic in RAR_MAGIC:
            where = first.find(magic)
            if where >= 0:
                return Found("RAR", at + where)
    tail_at = max(start, size - PROBE)
    if read(tail_at, size - tail_at).rfind(ZIP_END) >= 0:  # a zip's directory at the end (its members anywhere)
        return Found("zip", start)
    return None


def forward_reader(f: IO[bytes], chunk: int = 1 << 20) -> Callable[[int, int], bytes]:
    """``read(at, n)`` over a stream that cannot seek (an archive member), for ``find``'s reads in ascending
    order: skipped bytes are read and dropped, the last ``2 * PROBE`` bytes kept for a read that overlaps them."""
    pos, kept = 0, b""

    def read(at: int, n: int) -> bytes:
        nonlocal pos, kept
        while pos < at + n:
            got = f.read(min(chunk, at + n - pos) if pos >= at else min(chunk, at - pos))
            if not got:
                break
            pos += len(got)
            kept = (kept + got)[-max(2 * PROBE, n):]
        first = pos - len(kept)
        return kept[max(0, at - first):max(0, at + n - first)] if at >= first else b""

    return read


def find_in(data: bytes) -> Found | None:
    """``find`` over a program read whole."""
    over = overlay(data[:PE_HEAD], len(data))
    if over is None:
        return None
    return find(over, len(data), lambda at, n: data[at:at + n])


def find_after_stub(head: bytes) -> Found | None:
    """The archive after a stub that is no program, from a ``.sfx`` file's first STUB_SEARCH bytes: the signature
    (zip local header, 7z, cabinet, RAR) found first; None when none is there."""
    found: Found | None = None
    for magic, kind in ((ZIP_MAGIC, "zip"), (SEVENZ_MAGIC, "7z"), (CAB_MAGIC, "Microsoft Cabinet"),
                        *((m, "RAR") for m in RAR_MAGIC)):
        where = head.find(magic, 0, STUB_SEARCH)
        if where >= 0 and (found is None or where < found.offset):
            found = Found(kind, where)
    return found
