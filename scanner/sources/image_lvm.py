"""LVM2 volume groups libvslvm does not open: the group's text metadata read here, and each logical volume
that is one contiguous run of extents on one physical volume found in the image handed on as a plain byte
range of that physical volume.

libvslvm 20260901 (through dfvfs) opens no volume group of two or more physical volumes, even with all of them
in the image (dfvfs hands it one; given all, it fails on the second: "invalid physical volume value already
set"), and refuses the metadata of a striped logical volume (``"pv0", 10,`` on one line). A server disk whose
volume group was extended onto a second partition then lost every logical volume. A linear volume in one
segment is a slice of its physical volume (``pe_start + first extent x extent size``): read as such. One of
several segments or striped is named, not read (no library here assembles it).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SECTOR = 512
# a string never closed runs to the end of the text as one token (refused in parse): matching it again from each
# later quote made hostile text (``"\"\"\"...``) quadratic. A bare word is any run LVM allows in a name
# (``1home``, ``+x``): a name read as a number and a word ("1" "home") made two volumes one.
_TOKEN = re.compile(r'\s+|#[^\n]*|"(?:[^"\\]|\\.)*(?:"|\\?\Z)|[^\s#"=,{}\[\]]+|[{}\[\]=,]')
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


@dataclass
class LogicalVolume:
    index: int  # 1-based, in the metadata's order (lvm1, lvm2 ... as dfvfs names them)
    pv: str | None  # the physical volume's UUID (no dashes) when the volume is one run on one PV, else None
    start: int  # byte offset of that run inside the physical volume
    size: int  # bytes
    why: str  # why it is not read ("" when it is one run)


def pv_label(head: bytes) -> tuple[str, int, int] | None:
    """(PV UUID without dashes, metadata area offset, size) from the first 2048 bytes of a physical volume."""
    for sector in range(4):
        label = head[sector * SECTOR:(sector + 1) * SECTOR]
        if len(label) < SECTOR or label[:8] != b"LABELONE" or label[24:32] != b"LVM2 001":
            continue
        at = struct.unpack_from("<I", label, 20)[0]
        if not 32 <= at <= SECTOR - 40:
            return None
        uuid = label[at:at + 32].decode("ascii", "replace")
        pos = sector * SECTOR + at + 40
        lists: list[list[tuple[int, int]]] = [[], []]
        for which in (0, 1):  # data areas, then metadata areas, each list ending in a zero entry
            while pos + 16 <= len(head):
                off, size = struct.unpack_from("<QQ", head, pos)
                pos += 16
                if not off:
                    break
                lists[which].append((off, size))
        if not lists[1]:
            return None
        return uuid, lists[1][0][0], lists[1][0][1]
    return None


def metadata_text(read: Callable[[int, int], bytes], mda_offset: int, mda_size: int) -> str | None:
    """The newest volume-group text in the metadata area at MDA_OFFSET (READ(offset, size) -> bytes)."""
    header = read(mda_offset, SECTOR)
    if len(header) < 64 or header[4:20] != b" LVM2 x[5A%r0N*>":
        return None
    off, size = struct.unpack_from("<QQ", header, 40)
    if not off or not size or off + size > mda_size or size > 1 << 20:  # lvm writes a few KiB; the area is 1 MiB
        return None  # none, or wrapped round the ring buffer: not read here
    return read(mda_offset + off, size).rstrip(b"\0").decode("utf-8", "replace")


def parse(text: str) -> dict[str, Any]:
    """LVM2's configuration syntax (sections, ``key = value``, lists) as nested dicts."""
    tokens = [t for t in _TOKEN.findall(text) if t.strip() and not t.startswith("#")]
    pos = 0

    def value() -> Any:
        nonlocal pos
        t = tokens[pos]
        pos += 1
        if t == "[":
            out = []
            while tokens[pos] != "]":
                if tokens[pos] == ",":
                    pos += 1
                    continue
                out.append(value())
            pos += 1
            return out
        if t.startswith('"'):
            if not _STRING.fullmatch(t):
                raise ValueError("a string in the metadata is never closed")
            return t[1:-1]
        return int(t) if re.fullmatch(r"-?\d+", t) else t

    def section() -> dict[str, Any]:
        nonlocal pos
        out: dict[str, Any] = {}
        while pos < len(tokens) and tokens[pos] != "}":
            key = tokens[pos]
            pos += 1
            if key in out and pos < len(tokens) and tokens[pos] in ("{", "="):
                raise ValueError("a key twice in one section of the metadata")  # one would silently replace the other
            if pos < len(tokens) and tokens[pos] == "{":
                pos += 1
                out[key] = section()
                pos += 1
            elif pos < len(tokens) and tokens[pos] == "=":
                pos += 1
                out[key] = value()
        return out

    return section()


def logical_volumes(text: str) -> tuple[dict[str, int], list[LogicalVolume]]:
    """({PV UUID without dashes: pe_start in bytes}, the logical volumes) of the one volume group in TEXT."""
    groups = [v for v in parse(text).values() if isinstance(v, dict) and "physical_volumes" in v]
    if len(groups) != 1:
        raise ValueError("no volume group in the metadata")
    group = groups[0]
    extent = int(group["extent_size"]) * SECTOR
    pvs = {name: (str(pv["id"]).replace("-", ""), int(pv["pe_start"]) * SECTOR)
           for name, pv in group["physical_volumes"].items()}
    out = []
    for index, lv in enumerate(group.get("logical_volumes", {}).values(), 1):
        segments = [v for k, v in lv.items() if k.startswith("segment") and isinstance(v, dict)]
        size = sum(int(s.get("extent_count", 0)) for s in segments) * extent
        kinds = {str(s.get("type")) for s in segments}
        if len(segments) == 1 and kinds == {"striped"} and int(segments[0].get("stripe_count", 0)) == 1:
            pv_name, first = segments[0]["stripes"][0], int(segments[0]["stripes"][1])
            uuid, pe_start = pvs[pv_name]
            out.append(LogicalVolume(index, uuid, pe_start + first * extent, size, ""))
        elif kinds == {"striped"} and all(int(s.get("stripe_count", 0)) == 1 for s in segments):
            out.append(LogicalVolume(index, None, 0, size, f"a linear logical volume of {len(segments)} segments "
                                     "(its extents lie in several runs, here on more than one physical volume)"))
        else:
            kind = "striped" if kinds == {"striped"} else "/".join(sorted(kinds))
            out.append(LogicalVolume(index, None, 0, size, f"a {kind} logical volume"))
    return {uuid: start for uuid, start in pvs.values()}, out


def volume_kinds(text: str) -> dict[int, str]:
    """{1-based index: segment type other than linear/striped} of the logical volumes in TEXT: a snapshot
    (``snapshot``: its copy-on-write store is no file system), ``thin``, ``thin-pool``, ``raid1``, ``mirror``,
    ``cache`` ..., which libvslvm does not read (it says "unsupported number of stripes")."""
    groups = [v for v in parse(text).values() if isinstance(v, dict) and "physical_volumes" in v]
    if len(groups) != 1:
        return {}
    out = {}
    for index, lv in enumerate(groups[0].get("logical_volumes", {}).values(), 1):
        kinds = sorted({str(v.get("type")) for k, v in lv.items() if k.startswith("segment") and isinstance(v, dict)})
        if kinds and kinds != ["striped"]:
            out[index] = "/".join(kinds)
    return out
