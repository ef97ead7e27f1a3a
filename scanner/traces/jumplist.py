"""Explorer jump lists (``<AppID>.automaticDestinations-ms``) with libolecf and liblnk (libyal).

A jump list is an OLE compound file: one LNK stream per recent item (named by its entry number in
hex) and a ``DestList`` stream with, per entry, the last time it was opened, how often, whether it is
pinned and the NetBIOS name of the PC. libolecf reads the compound file and liblnk the LNK streams;
no library reads DestList, so its fixed layout (header 32 bytes; entries of 114 bytes + path in format
1, Windows 7/8, and 130 bytes + path + 4 in formats 3 and 4, Windows 10/11) is unpacked here with
``struct``, bounds-checked.
"""

from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass

import pyolecf

from ..details import Detail, say
from .lnk import parse_lnk
from .records import OLE_MAGIC, ArtefactKind, ArtefactTraces, Reference, TraceKind

_EPOCH_DELTA = 11644473600  # seconds from 1601-01-01 to 1970-01-01
MAX_ENTRIES = 10_000


@dataclass
class DestListEntry:
    entry: int
    path: str
    hostname: str
    last_opened: str | None
    pinned: bool
    open_count: int | None


def _filetime(value: int) -> str | None:
    from ..timeutil import iso_utc

    return iso_utc(value / 10_000_000 - _EPOCH_DELTA) if value > 0 else None


def parse_destlist(data: bytes) -> list[DestListEntry]:
    """Unpack a DestList stream; raises ValueError on a layout it cannot follow."""
    if len(data) < 32:
        raise ValueError("DestList shorter than its header")
    version, count = struct.unpack_from("<II", data, 0)
    if version not in (1, 2, 3, 4):
        raise ValueError("unknown DestList format")
    fixed = 114 if version == 1 else 130
    out: list[DestListEntry] = []
    off = 32
    while off + fixed <= len(data) and len(out) < min(count, MAX_ENTRIES):
        host = data[off + 72:off + 88].split(b"\0", 1)[0].decode("ascii", "replace")
        (entry,) = struct.unpack_from("<I", data, off + 88)
        if version == 1:
            (score,) = struct.unpack_from("<f", data, off + 96)
            opened, pin, chars = struct.unpack_from("<QiH", data, off + 100)
            count_ = int(score) if math.isfinite(score) and score >= 0 and score == int(score) else None
            start, tail = off + 114, 0
        else:
            opened, pin = struct.unpack_from("<Qi", data, off + 100)
            (count_,) = struct.unpack_from("<I", data, off + 116)
            (chars,) = struct.unpack_from("<H", data, off + 128)
            start, tail = off + 130, 4
        end = start + 2 * chars
        if end + tail > len(data):
            raise ValueError("DestList entry runs past the stream")
        path = data[start:end].decode("utf-16-le", "replace")
        out.append(DestListEntry(entry, path, host, _filetime(opened), pin != -1, count_))
        off = end + tail
    if len(out) < count and count <= MAX_ENTRIES:
        raise ValueError("DestList holds fewer entries than its header says")
    return out


def parse_jumplist(data: bytes, app_id: str = "") -> ArtefactTraces:
    """Every entry of an automatic jump list: DestList facts joined with its LNK stream."""
    if not data.startswith(OLE_MAGIC):
        raise ValueError("not an OLE compound file")
    ole = pyolecf.file()
    ole.open_file_object(io.BytesIO(data))
    result = ArtefactTraces(ArtefactKind.JUMPLIST)
    try:
        streams = {item.name: item for item in ole.root_item.sub_items}
        dest = streams.get("DestList")
        if dest is None:
            raise ValueError("no DestList stream: not an automatic jump list")
        entries = parse_destlist(dest.read())
        for e in entries:
            stream = streams.get(f"{e.entry:x}")
            ref = None
            if stream is not None:
                try:
                    ref = parse_lnk(stream.read(), TraceKind.JUMPLIST, where=f"stream {e.entry:x}")
                except (OSError, ValueError, struct.error) as err:
                    result.warnings.append(say(Detail.JUMPLIST_STREAM_FAILED, entry=f"{e.entry:x}", error=type(err).__name__))
            if ref is None:
                ref = Reference(kind=str(TraceKind.JUMPLIST), path=e.path, where=f"DestList entry {e.entry}")
            if e.path and not ref.path.endswith(e.path.rsplit("\\", 1)[-1]):
                ref.path = e.path  # the DestList path is the one the application recorded
            ref.times["last_opened"] = e.last_opened
            ref.app_id, ref.open_count, ref.hostname = app_id or None, e.open_count, e.hostname or ref.hostname
            result.references.append(ref)
    finally:
        ole.close()
    return result
