"""LVM2 volume groups libvslvm does not open: the group's text metadata read here, and each logical volume
that is one contiguous run of extents on one physical volume found in the image handed on as a plain byte
range of that physical volume.

libvslvm 20260901 (through dfvfs) opens no volume group of two or more physical volumes, even with all of them
in the image (dfvfs hands it one; given all, it fails on the second: "invalid physical volume value already
set"), and refuses the metadata of a striped logical volume (``"pv0", 10,`` on one line). A server disk whose
volume group was extended onto a second partition then lost every logical volume. A linear volume in one
segment is a slice of its physical volume (``pe_start + first extent x extent size``): read as such. A volume
of several segments (runs concatenated) or striped (chunks of stripe_size taken in turn from each stripe's
run) is read through a joined read-only stream (JoinedVolume) over its physical volumes.
"""

from __future__ import annotations

import bisect
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..codes import Status
from ..details import Detail, say

SECTOR = 512
# a string never closed runs to the end of the text as one token (refused in parse): matching it again from each
# later quote made hostile text (``"\"\"\"...``) quadratic. A bare word is any run LVM allows in a name
# (``1home``, ``+x``): a name read as a number and a word ("1" "home") made two volumes one.
_TOKEN = re.compile(r'\s+|#[^\n]*|"(?:[^"\\]|\\.)*(?:"|\\?\Z)|[^\s#"=,{}\[\]]+|[{}\[\]=,]')
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


@dataclass
class Area:
    """One segment of a logical volume: SIZE bytes from byte OFFSET of the volume, laid over STRIPES (each a
    physical volume's UUID and the byte offset of its run inside it) in chunks of STRIPE_SIZE bytes taken in
    turn (one stripe: a plain run)."""

    offset: int
    size: int
    stripe_size: int
    stripes: list[tuple[str, int]]


@dataclass
class LogicalVolume:
    index: int  # 1-based, in the metadata's order (lvm1, lvm2 ... as dfvfs names them)
    pv: str | None  # the physical volume's UUID (no dashes) when the volume is one run on one PV, else None
    start: int  # byte offset of that run inside the physical volume
    size: int  # bytes
    why: str  # why it is not read ("" when it is read: one run, or joined from AREAS)
    areas: list[Area] | None = None  # a volume of several segments or striped: read joined (JoinedVolume)
    shape: str = ""  # "striped over 2 physical volumes", "of 3 segments" ...: said in the volume's note
    damaged: bool = False  # WHY is damaged metadata (a kind leakscan reads, whose segments do not read)
    refused: str = ""  # what in its metadata lvm2 refuses or never writes (then it is not read as written)
    refused_status: Status | None = None  # CORRUPT (lvm2 refuses to read such metadata) or UNSUPPORTED (it never writes it)


def pv_label(head: bytes) -> tuple[str, list[tuple[int, int]]] | None:
    """(PV UUID without dashes, [(metadata area offset, size) ...]) from the first 2048 bytes of a physical
    volume: one area, or two (``pvcreate --pvmetadatacopies 2``: one at its start, one at its end). A label is taken
    as lvm2's label.c takes it: the sector number it records is the one it lies in and its CRC (over bytes 20-511)
    holds; lvm2 sees no physical volume behind any other (then neither does leakscan)."""
    for sector in range(4):
        label = head[sector * SECTOR:(sector + 1) * SECTOR]
        if len(label) < SECTOR or label[:8] != b"LABELONE" or label[24:32] != b"LVM2 001":
            continue
        recorded, crc = struct.unpack_from("<QI", label, 8)
        if recorded != sector or crc != lvm_crc(label[20:]):
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
        return uuid, lists[1]
    return None


def lvm_crc(data: bytes) -> int:
    """LVM2's checksum (calc_crc: CRC-32 from 0xf597a6cf, no final inversion)."""
    return ~zlib.crc32(data, ~0xF597A6CF & 0xFFFFFFFF) & 0xFFFFFFFF


def metadata_text(read: Callable[[int, int], bytes], mda_offset: int, mda_size: int) -> str | None:
    """The newest volume-group text in the metadata area at MDA_OFFSET (READ(offset, size) -> bytes). None
    when there is none, or when the area header's or the text's checksum does not hold (lvm2 reads no such
    copy: a damaged text is not read here either; libvslvm's reason then names the checksum)."""
    header = read(mda_offset, SECTOR)
    if len(header) < SECTOR or header[4:20] != b" LVM2 x[5A%r0N*>":
        return None
    if struct.unpack_from("<I", header, 0)[0] != lvm_crc(header[4:SECTOR]):
        return None
    off, size, checksum = struct.unpack_from("<QQI", header, 40)
    if not off or not size or off >= mda_size or size > min(1 << 20, mda_size - SECTOR):  # lvm writes a few KiB
        return None
    wrap = max(0, off + size - mda_size)  # past the ring buffer's end it goes on just after this header (lvm2)
    raw = read(mda_offset + off, size - wrap) + (read(mda_offset + SECTOR, wrap) if wrap else b"")
    if len(raw) != size or lvm_crc(raw) != checksum:
        return None
    return raw.rstrip(b"\0").decode("utf-8", "replace")


def newest_metadata_text(read: Callable[[int, int], bytes], areas: list[tuple[int, int]]) -> str | None:
    """The newest volume-group text among the metadata AREAS of a physical volume ((offset, size) each; READ as in
    metadata_text): lvm2 reads every copy and takes the valid one of the highest seqno, so a damaged first copy,
    or one whose last write never reached it, is not the one read. None when no copy reads."""
    best: tuple[int, str] | None = None
    for offset, size in areas:
        text = metadata_text(read, offset, size)
        if text is None:
            continue
        found = re.search(r"\bseqno\s*=\s*(\d+)", text)
        seqno = int(found.group(1)) if found else -1
        if best is None or seqno > best[0]:
            best = (seqno, text)
    return best[1] if best else None


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
    out: list[LogicalVolume] = []
    for index, lv in enumerate(group.get("logical_volumes", {}).values(), 1):
        segments = [v for k, v in lv.items() if k.startswith("segment") and isinstance(v, dict)]
        size = sum(int(s.get("extent_count", 0)) for s in segments) * extent
        kinds = {str(s.get("type")) for s in segments}
        if len(segments) == 1 and kinds == {"striped"} and int(segments[0].get("stripe_count", 0)) == 1:
            pv_name, first = segments[0]["stripes"][0], int(segments[0]["stripes"][1])
            uuid, pe_start = pvs[pv_name]
            out.append(LogicalVolume(index, uuid, pe_start + first * extent, size, ""))
        elif kinds == {"striped"}:
            try:
                areas = _areas(segments, pvs, extent)
            except (KeyError, ValueError, TypeError, IndexError) as e:
                out.append(LogicalVolume(index, None, 0, size, f"a striped/linear logical volume whose segments do "
                                         f"not read ({e}: damaged metadata?)", damaged=True))
                continue
            counts = sorted({len(a.stripes) for a in areas})
            spread = len({u for a in areas for u, _ in a.stripes})
            volumes = f"{spread} physical volume{'s' if spread > 1 else ''}"
            shape = f"striped over {volumes}" if counts != [1] else f"of {len(areas)} segments on {volumes}"
            if counts != [1] and len(areas) > 1:
                shape += f", {len(areas)} segments"
            out.append(LogicalVolume(index, None, 0, size, "", areas, shape))
        else:
            out.append(LogicalVolume(index, None, 0, size, f"a {'/'.join(sorted(kinds))} logical volume"))
    _refuse_what_lvm2_refuses(group, out)
    return {uuid: start for uuid, start in pvs.values()}, out


def _refuse_what_lvm2_refuses(group: dict[str, Any], lvs: list[LogicalVolume]) -> None:
    """Mark (LogicalVolume.refused) the volumes of GROUP whose metadata lvm2 refuses to read (vgcfgrestore,
    vg_validate: a physical volume listed twice, extents past a physical volume's pe_count, extents used by two
    volumes or twice by one). Such text is damaged or edited by hand: read as written, it would walk wrong bytes
    as a file system. Total on damaged text (a value that does not read is left to _areas, which says why). A
    stripe size that is no power of two is read (session 13): lvcreate never writes one, but vgcfgrestore accepts
    it and the kernel maps it when it divides the stripe (_areas refuses one that does not, as dm-stripe does)."""
    pvs = group.get("physical_volumes")
    if not isinstance(pvs, dict):
        return
    ids = [str(pv.get("id", "")).replace("-", "") for pv in pvs.values() if isinstance(pv, dict)]

    def mark(lv: LogicalVolume, why: str, status: Status = Status.CORRUPT) -> None:
        if not lv.refused or (lv.refused_status == Status.UNSUPPORTED and status == Status.CORRUPT):
            lv.refused, lv.refused_status = why, status

    if len(set(ids)) != len(ids):
        for lv in lvs:
            mark(lv, "a physical volume listed twice in the group")
        return
    runs: dict[str, list[tuple[int, int, LogicalVolume]]] = {}  # PV name -> (first extent, end, volume)
    for lv, raw in zip(lvs, group.get("logical_volumes", {}).values(), strict=False):
        if not isinstance(raw, dict):
            continue
        for seg in (v for k, v in raw.items() if k.startswith("segment") and isinstance(v, dict)):
            try:
                listed, n, count = seg["stripes"], int(seg["stripe_count"]), int(seg["extent_count"])
                if not isinstance(listed, list) or n <= 0 or len(listed) != 2 * n:
                    continue
                for k in range(n):
                    name, first = str(listed[2 * k]), int(listed[2 * k + 1])
                    pe_count = pvs.get(name, {}).get("pe_count") if isinstance(pvs.get(name), dict) else None
                    if pe_count is not None and first + count // n > int(pe_count):
                        mark(lv, f"extents {first}-{first + count // n - 1} of a physical volume of {int(pe_count)}")
                    runs.setdefault(name, []).append((first, first + count // n, lv))
            except (KeyError, ValueError, TypeError, IndexError):
                continue
    for listed_runs in runs.values():
        listed_runs.sort(key=lambda r: (r[0], r[1]))
        end, owner = None, None
        for first, stop, lv in listed_runs:
            if end is not None and owner is not None and first < end and stop > first:
                why = ("extents used twice in the volume" if owner is lv
                       else "extents shared with another logical volume")
                mark(lv, why)
                mark(owner, why)
            if end is None or stop > end:
                end, owner = stop, lv


def _areas(segments: list[dict[str, Any]], pvs: dict[str, tuple[str, int]], extent: int) -> list[Area]:
    """The segments of a linear/striped volume as Areas, in the volume's order; ValueError when they do not
    tile the volume from its start (overlap, gap) or a stripe list does not match its count."""
    if extent <= 0:
        raise ValueError("an extent size that is not positive")
    out, at = [], 0
    for seg in sorted(segments, key=lambda s: int(s["start_extent"])):
        count, n = int(seg["extent_count"]), int(seg["stripe_count"])
        listed = seg["stripes"]
        if int(seg["start_extent"]) * extent != at or count <= 0 or n <= 0 or len(listed) != 2 * n or count % n:
            raise ValueError("segments that do not follow each other, or a stripe list that does not match")
        stripe_size = int(seg.get("stripe_size", 0)) * SECTOR if n > 1 else count * extent
        if stripe_size <= 0 or (count // n * extent) % stripe_size:
            raise ValueError("a stripe size that does not divide the stripe")
        stripes = []
        for k in range(n):
            uuid, pe_start = pvs[str(listed[2 * k])]
            first = int(listed[2 * k + 1])
            if first < 0:
                raise ValueError("a negative extent")
            stripes.append((uuid, pe_start + first * extent))
        out.append(Area(at, count * extent, stripe_size, stripes))
        at += count * extent
    return out


def area_pieces(area: Area, offset: int, size: int) -> list[tuple[int, str, int, int]]:
    """(offset in the volume, PV UUID, offset in that PV, length) of the bytes OFFSET..OFFSET+SIZE of the volume
    that lie in AREA, in order."""
    out = []
    start, end = max(offset, area.offset), min(offset + size, area.offset + area.size)
    n = len(area.stripes)
    while start < end:
        inside = start - area.offset
        chunk, within = divmod(inside, area.stripe_size)
        row, which = divmod(chunk, n)
        length = min(area.stripe_size - within, end - start)
        uuid, base = area.stripes[which]
        out.append((start, uuid, base + row * area.stripe_size + within, length))
        start += length
    return out


class JoinedVolume:
    """A logical volume of several segments or striped, read from its physical volumes (READERS: {PV UUID:
    file object with seek/read/get_size}); read-only, ``read(offset, size)`` / ``get_size()`` / ``close()`` as
    image_pathspec's readers. Bytes a physical volume does not hold read short (the walk then says so)."""

    def __init__(self, areas: list[Area], size: int, readers: dict[str, Any]) -> None:
        self._areas, self._size, self._readers = areas, size, readers
        self._offsets = [a.offset for a in areas]  # in the volume's order (_areas): a read bisects them

    def get_size(self) -> int:
        return self._size

    def read(self, offset: int, size: int) -> bytes:
        size = max(0, min(size, self._size - offset))
        parts = []
        first = max(bisect.bisect_right(self._offsets, offset) - 1, 0)
        for i in range(first, len(self._offsets)):
            if self._offsets[i] >= offset + size:
                break
            area = self._areas[i]
            if area.offset + area.size <= offset:
                continue
            for _, uuid, at, length in area_pieces(area, offset, size):
                f = self._readers[uuid]
                f.seek(at)
                data = bytes(f.read(length))
                parts.append(data)
                if len(data) < length:
                    return b"".join(parts)
        return b"".join(parts)

    def close(self) -> None:
        self._readers = {}


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


# lvm2's RAID segment types (lib/raid/raid.c, man lvmraid "RAID layouts") and the md parity layout each maps to in
# dm-raid (drivers/md/dm-raid.c), by md's own names (mdadm --layout): words an examiner assembles the volume with
_PARITY_LAYOUTS = {"la": "left-asymmetric", "ra": "right-asymmetric", "ls": "left-symmetric", "rs": "right-symmetric",
                   "zr": "zero-restart", "nr": "N-restart", "nc": "N-continue", "n": "parity-last",
                   "la_6": "left-asymmetric-6", "ra_6": "right-asymmetric-6", "ls_6": "left-symmetric-6",
                   "rs_6": "right-symmetric-6", "n_6": "parity-last"}
RAID_LAYOUTS = frozenset(_PARITY_LAYOUTS.values()) | {"parity-first"}  # labelled raid_layout_<name> in reports


def raid_shapes(text: str) -> dict[int, tuple[str, str, str]]:
    """{1-based index: (segment type, its layout as a detail, "group/volume")} of the striped RAID logical volumes
    (raid0, raid4, raid5*, raid6*, raid10) in TEXT, which libvslvm does not read and leakscan does not assemble:
    what an examiner needs to assemble them elsewhere ({} when the metadata does not read)."""
    try:
        parsed = parse(text)
    except (ValueError, TypeError, IndexError, RecursionError):
        return {}
    groups = [(k, v) for k, v in parsed.items() if isinstance(v, dict) and "physical_volumes" in v]
    if len(groups) != 1:
        return {}
    group_name, group = groups[0]
    out = {}
    for index, (name, lv) in enumerate(group.get("logical_volumes", {}).items(), 1):
        segments = [v for k, v in lv.items() if k.startswith("segment") and isinstance(v, dict)]
        kinds = {str(v.get("type")) for v in segments}
        if len(kinds) != 1 or not segments:
            continue
        (kind,) = kinds
        base = kind.split("_", 1)[0]
        if base not in ("raid0", "raid4", "raid5", "raid6", "raid10"):
            continue
        seg = segments[0]
        try:
            devices = int(seg.get("device_count") or len(seg.get("raids", [])) // (1 if base == "raid0" else 2))
            stripe_kib = int(seg.get("stripe_size", 0)) * SECTOR // 1024
            copies = int(seg.get("data_copies", 2))
        except (TypeError, ValueError):
            continue
        common = {"devices": devices, "stripe": stripe_kib, "segments": len(segments)}
        if base == "raid10":
            shape = say(Detail.LVM_RAID_SHAPE_COPIES, copies=copies, **common)
        elif base == "raid0":
            shape = say(Detail.LVM_RAID_SHAPE_STRIPED, **common)
        else:
            parity = 2 if base == "raid6" else 1
            layout = {"raid5": "left-symmetric", "raid6": "zero-restart", "raid4": "parity-first"}.get(
                kind) or _PARITY_LAYOUTS.get(kind.split("_", 1)[1] if "_" in kind else "", kind)
            shape = say(Detail.LVM_RAID_SHAPE_PARITY, layout=layout, data=devices - parity, parity=parity, **common)
        out[index] = (kind, shape, f"{group_name}/{name}")
    return out


@dataclass(frozen=True)
class MirrorLeg:
    """One copy (leg) of a raid1 or mirror logical volume: the hidden sub-volume holding it (``r_rimage_0``,
    ``m_mimage_0``) and its raid metadata sub-volume (``r_rmeta_0``; None for a ``mirror``), as 1-based indexes in
    the metadata's order (libvslvm's and dfvfs' lvmN)."""

    index: int
    name: str
    meta: int | None


def mirror_legs(text: str) -> dict[int, tuple[str, list[MirrorLeg]]]:
    """{1-based index: (kind, its legs in order)} of the raid1 and mirror logical volumes in TEXT whose every
    segment is of that kind and whose legs are listed volumes of the group ({} when the metadata does not read)."""
    groups = [v for v in parse(text).values() if isinstance(v, dict) and "physical_volumes" in v]
    if len(groups) != 1:
        return {}
    lvs = [(name, lv) for name, lv in groups[0].get("logical_volumes", {}).items() if isinstance(lv, dict)]
    where = {name: i for i, (name, _) in enumerate(lvs, 1)}
    out: dict[int, tuple[str, list[MirrorLeg]]] = {}
    for index, (_, lv) in enumerate(lvs, 1):
        segments = [v for k, v in lv.items() if k.startswith("segment") and isinstance(v, dict)]
        kinds = {str(s.get("type")) for s in segments}
        if len(segments) != 1 or kinds not in ({"raid1"}, {"mirror"}):
            continue
        (kind,) = kinds
        listed = segments[0].get("raids" if kind == "raid1" else "mirrors")
        if not isinstance(listed, list) or not listed:
            continue
        names = [str(n) for n in listed]
        pairs = list(zip(names[0::2], names[1::2], strict=False)) if kind == "raid1" else [(None, n) for n in names]
        if kind == "raid1" and len(names) % 2:
            continue
        legs = [MirrorLeg(where[image], image, where.get(meta) if meta else None)
                for meta, image in pairs if image in where]
        if len(legs) == len(pairs):
            out[index] = (kind, legs)
    return out


def never_synced(text: str) -> set[int]:
    """1-based indexes of the logical volumes in TEXT whose status says NOTSYNCED (lvcreate --nosync: a raid1 or
    mirror volume's copies were never made the same, so they may differ where nothing was written)."""
    groups = [v for v in parse(text).values() if isinstance(v, dict) and "physical_volumes" in v]
    if len(groups) != 1:
        return set()
    lvs = [lv for lv in groups[0].get("logical_volumes", {}).values() if isinstance(lv, dict)]
    return {i for i, lv in enumerate(lvs, 1) if isinstance(lv.get("status"), list) and "NOTSYNCED" in lv["status"]}


_RAID_MAGIC = b"DmRd"  # dm-raid's superblock (drivers/md/dm-raid.c, struct dm_raid_superblock), little-endian
_MAX_SECTOR = 0xFFFFFFFFFFFFFFFF


def legs_out_of_sync(superblocks: list[bytes]) -> set[int] | None:
    """The 0-based positions of the legs a raid1 volume's dm-raid superblocks (each leg's rmeta sub-volume's first
    bytes, in leg order) mark failed or still recovering, by the superblock with the most events, and those whose
    own superblock has fewer events than that one (stale: it missed the last updates, as md's "non-fresh" device);
    None when no superblock is there (never activated by device-mapper: the copies' state is unknown)."""
    found = []
    for position, block in enumerate(superblocks):
        if len(block) >= 48 and block[:4] == _RAID_MAGIC:
            events, failed, recovery = struct.unpack_from("<QQQ", block, 16)
            found.append((events, position, failed, recovery))
    if not found:
        return None
    newest = max(found)
    bad = {p for p in range(min(len(superblocks), 64)) if newest[2] >> p & 1}
    bad |= {p for _, p, _, recovery in found if recovery != _MAX_SECTOR}  # rebuilt only up to there
    bad |= {p for events, p, _, _ in found if events < newest[0]}  # stale: older than its sibling's superblock
    return bad | (set(range(len(superblocks))) - {p for _, p, _, _ in found})  # its superblock gone: unknown


def resync_stopped(superblocks: list[bytes]) -> int | None:
    """The byte of a raid1 volume up to which its copies were made the same, by the newest dm-raid superblock's
    array resync offset (a resync after creation or an unclean stop, not finished: past it the copies may differ by
    no fault), or None when it finished or no superblock says."""
    found = [struct.unpack_from("<QQ", block, 16)[0:1] + struct.unpack_from("<Q", block, 40)
             for block in superblocks if len(block) >= 48 and block[:4] == _RAID_MAGIC]
    if not found:
        return None
    offset = max(found)[1]
    return None if offset == _MAX_SECTOR else offset * SECTOR
