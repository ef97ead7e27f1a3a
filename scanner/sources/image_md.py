"""Linux md (software RAID) arrays rebuilt from their member images, read-only.

A NAS or server disk set is imaged member by member; each image alone holds an md superblock and a slice of the
array (for raid5, a third of every stripe and its parity: garbage). ``md_super`` reads a member's superblock (1.1
at 0, 1.2 at 4 KiB, 1.0 near the end, 0.90 in the last 64 KiB: drivers/md/md.c, include/uapi/linux/raid/md_p.h),
``gather`` finds the other members of its array (the same array UUID) among the given paths and the regular files
beside it, and ``MdArray`` reads the array as drivers/md/raid0.c, raid1.c, raid5.c (raid4/5/6,
``raid5_compute_sector``) and raid10.c (near copies) lay it out. Members missing: raid4/5 one, rebuilt from parity;
raid6 two, from P and Q (lib/raid6's recovery over GF(2^8)); raid1 and raid10 from another copy. A member whose
event count is behind the others' is stale (md leaves it out) and is read as missing. Nothing is ever written.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .image_noatime import list_evidence_folder, open_evidence

MD_MAGIC = 0xA92B4EFC
SECTOR = 512
_SB1_BYTES = 1024  # 256 bytes and up to 384 device roles
_SB0_BYTES = 4096
_ROLE_SPARE, _ROLE_FAULTY = 0xFFFF, 0xFFFE  # dev_roles beside a slot (0xfffd, a journal, is past every slot too)
_FEATURE_RECOVERY, _FEATURE_RESHAPE, _FEATURE_JOURNAL = 2, 4, 512
LEVELS = {-1: "linear", 0: "raid0", 1: "raid1", 4: "raid4", 5: "raid5", 6: "raid6", 10: "raid10"}
# raid5.c's ALGORITHM_* for the parity layouts read here, by mdadm's names
LAYOUTS = {0: "left-asymmetric", 1: "right-asymmetric", 2: "left-symmetric", 3: "right-symmetric",
           4: "parity-first", 5: "parity-last"}
MAX_MEMBERS = 64  # members of one array looked at (md allows 384 in 1.x; a bigger set is refused)
MAX_BESIDE = 4096  # files beside a member looked at for the others


class MdRefused(Exception):
    """The array cannot be read here: its message says why (missing members, a layout not read, a reshape).
    ``missing``: members are missing (the evidence is incomplete), not a layout or state leakscan does not read."""

    def __init__(self, message: str, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass(frozen=True)
class MdSuper:
    """One member's md superblock, as far as reading the array needs it."""

    version: str  # "0.90", "1.0", "1.1", "1.2"
    uuid: str  # the array's UUID (hex)
    name: str  # the array's name (1.x), "" for 0.90
    level: int
    layout: int
    chunk: int  # bytes (0 for raid1 and linear)
    raid_disks: int
    size: int  # bytes of each member the array uses (raid1/4/5/6/10), 0 when not set
    data_offset: int  # bytes
    data_size: int  # bytes of data on this member
    role: int | None  # this member's slot in the array; None: a spare, faulty or journal device
    dev_number: int
    events: int
    roles: tuple[int, ...] = ()  # 1.x: the role of each device number, as this superblock records them
    features: int = 0
    recovery_offset: int = 0  # bytes of a member being rebuilt that were rebuilt
    reshape: bool = False
    checksum_ok: bool = True
    bad: tuple[tuple[int, int], ...] = ()  # 1.x bad-block log: (offset, bytes) of the data area md reads elsewhere
    utime: int = 0  # when md last wrote this superblock, in microseconds (1.x: 40 bits of seconds, 24 of them)

    @property
    def level_name(self) -> str:
        return LEVELS.get(self.level, f"level {self.level}")

    @property
    def layout_name(self) -> str:
        if self.level in (4, 5, 6):
            return LAYOUTS.get(self.layout, f"layout {self.layout}") if self.level != 4 else "parity-last"
        if self.level == 10:
            near, far, offset = self.layout & 0xFF, (self.layout >> 8) & 0xFF, bool(self.layout & 0x10000)
            return f"{'o' if offset else ('f' if far > 1 else 'n')}{far if far > 1 else near}"
        return ""


def _csum1(block: bytes, max_dev: int) -> int:
    size = 256 + max_dev * 2
    data = block[:216] + b"\0\0\0\0" + block[220:size]
    total = sum(struct.unpack_from(f"<{size // 4}I", data))
    if size % 4 == 2:
        total += struct.unpack_from("<H", data, size - 2)[0]
    return ((total & 0xFFFFFFFF) + (total >> 32)) & 0xFFFFFFFF


def _super1(block: bytes, version: str, at: int) -> MdSuper | None:
    if len(block) < 256 or struct.unpack_from("<II", block) != (MD_MAGIC, 1):
        return None
    features = struct.unpack_from("<I", block, 8)[0]
    uuid, name = block[16:32].hex(), block[32:64].split(b"\0")[0].decode("utf-8", "replace")
    level, layout, size, chunk, raid_disks = struct.unpack_from("<iIQII", block, 72)
    data_offset, data_size, super_offset, recovery = struct.unpack_from("<QQQQ", block, 128)
    dev_number = struct.unpack_from("<I", block, 160)[0]
    utime, events = struct.unpack_from("<QQ", block, 192)
    csum, max_dev = struct.unpack_from("<II", block, 216)
    if super_offset * SECTOR != at or max_dev > 384 or raid_disks > 384:
        return None
    roles = struct.unpack_from(f"<{max_dev}H", block, 256)
    role = roles[dev_number] if dev_number < max_dev else _ROLE_SPARE
    return MdSuper(version, uuid, name, level, layout, chunk * SECTOR, raid_disks, size * SECTOR,
                   data_offset * SECTOR, data_size * SECTOR, role if role < raid_disks else None, dev_number, events,
                   tuple(roles), features, recovery * SECTOR if features & _FEATURE_RECOVERY else 0,
                   bool(features & _FEATURE_RESHAPE), _csum1(block, max_dev) == csum,
                   utime=(utime & 0xFFFFFFFFFF) * 1_000_000 + (utime >> 40) % 1_000_000)


def _super0(block: bytes, at: int) -> MdSuper | None:
    """A 0.90 superblock found AT bytes into its member: the member's data is everything before it (md.c
    super_90_load; the size field is each member's used size for raid1 and up, not recorded for linear and raid0)."""
    if len(block) < _SB0_BYTES:
        return None
    words = struct.unpack("<1024I", block)
    if words[0] != MD_MAGIC or words[1] != 0 or words[2] != 90:
        return None
    uuid = struct.pack("<IIII", words[5], words[13], words[14], words[15]).hex()
    level = struct.unpack_from("<i", block, 7 * 4)[0]
    csum = words[38]
    total = sum(words) - csum
    ok = ((total & 0xFFFFFFFF) + (total >> 32)) & 0xFFFFFFFF == csum
    this = words[992:997]  # number, major, minor, raid_disk, state
    raid_disks, state = words[10], this[4]
    role = this[3] if this[3] < raid_disks and not state & 1 and state & 4 else None  # not faulty, in sync
    size = words[8] * 1024
    return MdSuper("0.90", uuid, "", level, words[64], words[65], raid_disks, size, 0, at, role, this[0],
                   words[40] << 32 | words[39], (), 0, 0, False, ok,  # minor 90: no reshape (that is 0.91)
                   utime=words[32] * 1_000_000)


def _bad_blocks(block: bytes, read: Callable[[int, int], bytes], at: int, size: int) -> tuple[tuple[int, int], ...]:
    """The bad-block log of the 1.x superblock BLOCK found AT (md.c super_1_load: bblog_size sectors at bblog_offset
    sectors from the superblock, each entry sector << 10 | count, both << bblog_shift, relative to the data offset;
    all ones ends it): (offset, bytes) of each range."""
    shift, sectors, offset = struct.unpack_from("<BHi", block, 185)
    start = at + offset * SECTOR
    if not sectors or not offset or not 0 <= start < size or shift > 16:
        return ()
    raw = read(start, min(sectors, 64) * SECTOR)
    out = []
    for (entry,) in struct.iter_unpack("<Q", raw[:len(raw) // 8 * 8]):
        if entry == 0xFFFFFFFFFFFFFFFF:
            break
        if entry & 0x3FF:
            out.append(((entry >> 10 << shift) * SECTOR, ((entry & 0x3FF) << shift) * SECTOR))
    return tuple(out)


def md_super_at(read: Callable[[int, int], bytes], size: int) -> MdSuper | None:
    """The md superblock of a member SIZE bytes long read by READ(offset, n), or None. 1.2, 1.1, 1.0, then
    0.90 (as mdadm looks: a member holds one)."""
    places = [("1.2", 4096), ("1.1", 0)]
    if size >= 8192:
        places.append(("1.0", ((size // SECTOR - 16) & ~7) * SECTOR))
    for version, at in places:
        if 0 <= at and at + 256 <= size:
            block = read(at, _SB1_BYTES)
            found = _super1(block, version, at)
            if found is not None:
                bad = _bad_blocks(block, read, at, size)
                return dataclasses.replace(found, bad=bad) if bad else found
    if size >= 65536:
        at = (size & ~0xFFFF) - 65536
        return _super0(read(at, _SB0_BYTES), at)
    return None


class Media(Protocol):
    """A member's disk as its image holds it: a raw file, or what a container (E01, split raw, VMDK, QCOW2, VHD/VHDX)
    reads as its disk."""

    def read(self, offset: int, size: int) -> bytes: ...

    def get_size(self) -> int: ...

    def close(self) -> None: ...


@dataclass
class MemberMedia:
    """A member image opened: its disk (MEDIA), the files it reads (PARTS: segments, extents; the image file itself
    first) and its format as said ("raw", "EWF (E01)" ...)."""

    media: Media
    parts: list[str]
    format: str = "raw"
    missing: list[str] = field(default_factory=list)  # the files it names that are not here (a lost E01 segment)


class _RawFile:
    """A raw image file read with pread (O_NOATIME)."""

    def __init__(self, path: str) -> None:
        self.fd = open_evidence(path)
        self.size = os.fstat(self.fd).st_size

    def read(self, offset: int, size: int) -> bytes:
        size = max(0, min(size, self.size - offset))
        try:
            return os.pread(self.fd, size, offset) if size else b""
        except OverflowError as e:  # a superblock's data offset or size past any file
            raise OSError(f"offset {offset} out of range") from e

    def get_size(self) -> int:
        return self.size

    def close(self) -> None:
        os.close(self.fd)


def open_raw(path: str) -> MemberMedia:
    """PATH read as a raw member image (image.py's opener reads containers too)."""
    return MemberMedia(_RawFile(path), [path])


Opener = Callable[[str], MemberMedia]  # opens a member image (raises OSError when it cannot)


class MemberUnread(OSError):
    """An image container whose library refuses it (a cut E01, a VMDK missing its extent): it may be a member whose
    superblock cannot be read; named in the array's messages (images21: skipped without a word)."""


def md_super(path: str, start: int = 0, length: int | None = None, opener: Opener = open_raw) -> MdSuper | None:
    """The md superblock of the member image at PATH (or of its LENGTH bytes from START: a partition), or None (no
    member, or not readable). OPENER reads the image's disk (a raw file, or a container's)."""
    try:
        opened = opener(path)
    except OSError:
        return None
    try:
        return md_super_in(opened.media, start, length)
    finally:
        opened.media.close()


def md_super_in(media: Media, start: int = 0, length: int | None = None) -> MdSuper | None:
    """The md superblock of the disk MEDIA (or of its LENGTH bytes from START), or None."""
    try:
        size = max(0, media.get_size() - start) if length is None else length
        return md_super_at(lambda o, n: media.read(start + o, max(0, min(n, size - o))), size)
    except (OSError, struct.error, OverflowError, ValueError):
        return None


Place = tuple[str, int, int | None]  # a member's bytes: (image file, start, length or None for the rest of its disk)
WHOLE: Callable[[Media], list[tuple[int, int | None]]] = lambda media: [(0, None)]  # noqa: E731 - whole disks


def place_key(place: Place) -> str:
    """How a member is named: its file, or for a partition its file and start (``disk0.img@1048576``)."""
    path, start, length = place
    return path if start == 0 and length is None else f"{path}@{start}"


@dataclass
class Gathered:
    """The members of one array found for a member image."""

    uuid: str
    supers: dict[str, MdSuper] = field(default_factory=dict)  # place_key: its superblock
    places: dict[str, Place] = field(default_factory=dict)  # place_key: where its bytes are
    newest: int = 0  # the highest event count
    opened: dict[str, tuple[list[str], str]] = field(default_factory=dict)  # image file: (its files, its format)
    gaps: dict[str, list[str]] = field(default_factory=dict)  # image file: the files it names that are missing
    unread: dict[str, str] = field(default_factory=dict)  # image containers beside it their library refused: why
    opener: Opener = open_raw

    def current(self) -> dict[int, str]:
        """{role: place_key} of the members md would assemble: in the array, at the newest event count, not marked
        faulty by the freshest superblock, and not halfway through a rebuild."""
        return self._slots()[0]

    def duplicates(self) -> list[tuple[str, str]]:
        """(member, the member holding its slot) of each member md would assemble but for a slot another already
        holds (the same disk imaged twice, or a forged superblock): not read, said."""
        return self._slots()[1]

    def _slots(self) -> tuple[dict[int, str], list[tuple[str, str]]]:
        """Each slot's member, and the others claiming a filled slot. Of members claiming one slot at the newest
        event count, the array's consistent view decides (``_rank``), never the paths' order (images21: a forged or
        reused superblock sorting first was read, the real member listed) nor the update time alone (images22: a
        forged superblock updated later won); a claimant ``outranked`` past the newest count is listed with them."""
        aside = self.outranked.keys() | set(self.contradicted)
        fresh = max((s for p, s in self.supers.items() if p not in aside),
                    key=lambda s: (s.checksum_ok, s.events, s.utime))
        claims: dict[int, list[str]] = {}
        for path, sb in sorted(self.supers.items()):
            if sb.role is None or self.left_out(sb) or path in aside:
                continue
            if fresh.roles and sb.dev_number < len(fresh.roles) and fresh.roles[sb.dev_number] == _ROLE_FAULTY:
                continue
            claims.setdefault(sb.role, []).append(path)
        out: dict[int, str] = {}
        twice: list[tuple[str, str]] = list(self.outranked.items())
        for role, paths in claims.items():
            ranked = sorted(paths, key=self._rank) if len(paths) > 1 else paths
            out[role] = ranked[0]
            twice += [(p, ranked[0]) for p in ranked[1:]]
        return out, sorted(twice)

    def _rank(self, path: str) -> tuple[int, int, str]:
        """How a claimant of a slot ranks (lowest first) by the array's consistent view: md writes every member's
        superblock in one update (one event count, one update time), so first the claimant whose event count and
        update time the most other members share; then the one the most other members' role tables record in that
        slot; then the path (the same disk imaged twice: either copy). A forged or reused superblock agrees with
        none of them, whatever update time or event count it claims."""
        sb = self.supers[path]
        agree = sum(1 for other, o in self.supers.items() if other != path and o.checksum_ok and o.role != sb.role
                    and (o.events, o.utime) == (sb.events, sb.utime))
        vouched = sum(1 for other, o in self.supers.items() if other != path and o.checksum_ok and o.role != sb.role
                      and sb.dev_number < len(o.roles) and o.roles[sb.dev_number] == sb.role)
        return -agree, -vouched, path

    @property
    def outranked(self) -> dict[str, str]:
        """{claimant: the member holding its slot} for each claimant of a slot another claimant outranks (``_rank``)
        whose event count is past its: a forged or reused superblock, listed as a duplicate and left out of the
        array's newest event count (images22: one bumped 10 events past the array made every real member stale). A
        claimant at the same count is ranked among the slot's claimants (``_slots``); one behind is stale."""
        out: dict[str, str] = {}
        claims: dict[int, list[str]] = {}
        for path, sb in sorted(self.supers.items()):
            if sb.checksum_ok and sb.role is not None:
                claims.setdefault(sb.role, []).append(path)
        for paths in claims.values():
            if len(paths) > 1:
                best = min(paths, key=self._rank)
                out.update({p: best for p in paths if p != best and self.supers[p].events > self.supers[best].events})
        return out

    @property
    def contradicted(self) -> list[str]:
        """The lone claimants of a slot (no claimant of it ``outranked``) whose event count is past every other
        member's while their own role table records those others active in their slots, the others agreeing with
        each other (one event count, one update time, two or more of them): md writes every active member's
        superblock in one update, and records a member it drops as faulty in the others' tables, so such a claimant
        is a forged or reused superblock (images23: one for a missing member's slot, its events bumped, made every
        real member stale and the array unread). Left out of the array's newest event count, listed. Only for
        raid4/5/6, whose member holds a slice of each stripe, unreadable alone (nothing it holds is lost): a raid1
        member is a whole copy, walked as the array it is (the others as an older copy)."""
        ok = {p: s for p, s in self.supers.items() if s.checksum_ok and s.role is not None}
        out = []
        for path, sb in sorted(ok.items()):
            others = [o for p, o in ok.items() if o.role != sb.role]
            if (sb.level in (4, 5, 6) and len(others) >= 2 and path not in self.outranked
                    and all(o.events < sb.events for o in others)
                    and len({(o.events, o.utime) for o in others}) == 1
                    and all(o.dev_number < len(sb.roles) and sb.roles[o.dev_number] == o.role for o in others)):
                out.append(path)
        return out

    def left_out(self, sb: MdSuper) -> bool:
        """A member md leaves out: its superblock's checksum fails, or its data is not the array's (behind the
        newest event count, or halfway through a rebuild)."""
        return not sb.checksum_ok or sb.events != self.newest or bool(sb.recovery_offset)

    def stale(self) -> list[tuple[str, MdSuper]]:
        """The members in a slot that md leaves out (left_out); an outranked claimant is a duplicate instead."""
        aside = self.outranked.keys() | set(self.contradicted)
        return [(p, s) for p, s in sorted(self.supers.items()) if s.role is not None and self.left_out(s) and p not in aside]


def gather(place: Place, first: MdSuper, candidates: list[str],
           slices: Callable[[Media], list[tuple[int, int | None]]] = WHOLE, opener: Opener = open_raw) -> Gathered:
    """The members of FIRST's array (the one at PLACE): it, and the SLICES (the whole disk, or its partitions) of
    the images in CANDIDATES (other SOURCEs) and of the regular files beside it whose superblock names the same
    array UUID (read-only; no link followed). OPENER reads each image's disk: a container's (E01, split raw, VMDK
    ...) too; the files a container reads (segments, extents) are not members of their own."""
    path = os.path.abspath(place[0])
    place = (path, place[1], place[2])
    key = place_key(place)
    found = Gathered(first.uuid, {key: first}, {key: place}, first.events if first.checksum_ok else 0,
                     opener=opener)
    try:
        opened = opener(path)
        opened.media.close()
        found.opened[path] = (opened.parts, opened.format)
        found.gaps[path] = opened.missing
    except OSError:
        found.opened[path] = ([path], "raw")
    folder = os.path.dirname(path)
    beside: list[str] = []
    try:
        beside = [os.path.join(folder, n) for n in sorted(list_evidence_folder(folder))[:MAX_BESIDE]]
    except OSError:
        pass
    seen = {path}
    for other in [os.path.abspath(c) for c in candidates] + beside:
        if other in seen or len(found.supers) >= MAX_MEMBERS:
            continue
        seen.add(other)
        try:
            if not stat.S_ISREG(os.lstat(other).st_mode):
                continue
        except OSError:
            continue
        try:
            opened = opener(other)
        except MemberUnread as e:  # a member may be in it: said with the array (image.py, md-images-unread)
            found.unread[other] = str(e)
            continue
        except OSError:
            continue
        try:
            for start, length in slices(opened.media):
                sb = md_super_in(opened.media, start, length)
                if sb is not None and sb.uuid == first.uuid:
                    key = place_key((other, start, length))
                    found.supers[key], found.places[key] = sb, (other, start, length)
                    found.opened[other] = (opened.parts, opened.format)
                    found.gaps[other] = opened.missing
        finally:
            opened.media.close()
    # a segment or extent of a container among the members (disk-flat.vmdk, disk.002) is read through it
    inside = {p for image, (parts, _) in found.opened.items() for p in parts if p != image}
    for key in [k for k, (p, _, _) in found.places.items() if p in inside and p != path]:
        del found.supers[key], found.places[key]
    outranked = found.outranked.keys() | set(found.contradicted)  # a forged superblock's event count is not the
    # array's (images22, images23)
    found.newest = max((sb.events for p, sb in found.supers.items() if sb.checksum_ok and p not in outranked),
                       default=0)
    return found


class _Member:
    """One member's data area, read from its image's disk (a raw file with pread, O_NOATIME, or a container)."""

    def __init__(self, place: Place, sb: MdSuper, length: int, opener: Opener = open_raw) -> None:
        self.media = opener(place[0]).media
        self.start, self.length = place[1] + sb.data_offset, length
        # bytes of the data area the image holds: fewer when it is cut short (imaging stopped early)
        self.held = min(length, max(0, self.media.get_size() - self.start))
        self.bad = sb.bad  # ranges md records as bad on this member: read from parity or another copy

    def holds(self, offset: int, n: int) -> bool:
        return offset + n <= self.held and not any(s < offset + n and offset < s + k for s, k in self.bad)

    def read(self, offset: int, n: int) -> bytes:
        n = max(0, min(n, self.length - offset))
        try:
            data = self.media.read(self.start + offset, n) if n else b""
        except OverflowError as e:  # a superblock's data offset or size past any file
            raise OSError(f"member data offset {self.start + offset} out of range") from e
        if len(data) < n:
            raise OSError(f"member image ends {n - len(data)} bytes early at {self.start + offset + len(data)}")
        return data


def _gf_tables() -> tuple[list[int], list[int]]:
    """exp and log tables of GF(2^8) with generator 2 and polynomial 0x11d (lib/raid6's field)."""
    exp, log, x = [0] * 510, [0] * 256, 1
    for i in range(255):
        exp[i], log[x] = x, i
        x <<= 1
        if x & 0x100:
            x ^= 0x11D
    exp[255:510] = exp[:255]
    return exp, log


_EXP, _LOG = _gf_tables()


def _gf_times(c: int) -> bytes:
    """The table of y -> c * y in GF(2^8), for bytes.translate."""
    if c == 0:
        return bytes(256)
    return bytes([0] + [_EXP[_LOG[c] + _LOG[y]] for y in range(1, 256)])


def _gf_inverse(c: int) -> int:
    return _EXP[255 - _LOG[c]]


def _xor(blocks: list[bytes], n: int) -> bytes:
    acc = 0
    for b in blocks:
        acc ^= int.from_bytes(b.ljust(n, b"\0"), "little")
    return acc.to_bytes(n, "little")


class MdArray:
    """An md array read from its members: ``read(offset, n)``, ``get_size()``, ``close()`` (image_pathspec's
    reader). MEMBERS: {role: place_key}, SUPERS and PLACES: the superblock and place of each, SB: the freshest
    superblock of a current member."""

    def __init__(self, sb: MdSuper, members: dict[int, str], supers: dict[str, MdSuper],
                 places: dict[str, Place], opener: Opener = open_raw) -> None:
        self.sb, self.level, self.n = sb, sb.level, sb.raid_disks
        self.missing = sorted(set(range(self.n)) - set(members))
        self.present = len(members)
        self._check(sb)
        self.chunk = sb.chunk if sb.level in (0, 4, 5, 6, 10) else 0
        lengths = self._lengths(supers, members)
        self.size = self._array_size(lengths)
        self._starts = [sum(lengths[r] for r in range(i)) for i in range(self.n)] if self.level == -1 else []
        self._m: dict[int, _Member] = {}
        try:
            for role, key in members.items():
                self._m[role] = _Member(places[key], supers[key], lengths[role], opener)
        except OSError:
            self.close()
            raise
        # members whose image ends inside their data area: what is past the end is rebuilt as for a missing member
        self.cut = sorted(r for r, m in self._m.items() if m.held < m.length)

    def rebuilt_slots(self) -> list[int]:
        """The slots whose data is rebuilt from parity or another copy: the missing ones, and the members cut short
        when the array's redundancy covers them too (else reads past their ends fail, and are listed)."""
        spare = {1: self.n - 1, 4: 1, 5: 1, 6: 2,
                 10: (self.sb.layout & 0xFF) * ((self.sb.layout >> 8) & 0xFF) - 1}.get(self.level, 0)
        both = sorted({*self.missing, *self.cut})
        return both if len(both) <= spare else self.missing

    def _has(self, role: int, offset: int, n: int) -> bool:
        """Whether member ROLE is present and its image holds N bytes at OFFSET of its data area."""
        return role in self._m and self._m[role].holds(offset, n)

    def _check(self, sb: MdSuper) -> None:
        if sb.reshape:
            raise MdRefused(f"a {sb.level_name} array stopped in the middle of a reshape (not read here)")
        if sb.features & _FEATURE_JOURNAL:
            raise MdRefused(f"a {sb.level_name} array with a write journal (not read here)")
        if sb.level not in LEVELS:
            raise MdRefused(f"md level {sb.level} (not read here)")
        if self.n < 1 or self.n > MAX_MEMBERS:
            raise MdRefused(f"{self.n} member slots (at most {MAX_MEMBERS} read)")
        if sb.level in (0, 4, 5, 6, 10) and (sb.chunk < 4096 or sb.chunk & (sb.chunk - 1)):
            raise MdRefused(f"chunk size {sb.chunk} bytes (not a power of two of at least 4 KiB)")
        if sb.level in (4, 5, 6):
            if sb.level != 4 and sb.layout not in LAYOUTS:
                raise MdRefused(f"{sb.level_name} layout {sb.layout} (not read here)")
            least = {4: 2, 5: 2, 6: 4}[sb.level]
            if self.n < least:
                raise MdRefused(f"{sb.level_name} of {self.n} members")
        if sb.level == 10:
            near, far = sb.layout & 0xFF, (sb.layout >> 8) & 0xFF
            if (not 1 <= near or not 1 <= far or near * far > self.n or sb.layout >> 17 > 2
                    or (sb.layout >> 17 == 1 and self.n // far < 1)):
                raise MdRefused(f"raid10 layout {sb.layout_name} ({sb.layout:#x}) not read here")
        lost = len(self.missing)
        if lost == 0:
            return
        allowed = {-1: 0, 0: 0, 1: self.n - 1, 4: 1, 5: 1, 6: 2, 10: 0}[sb.level]
        if sb.level == 10:
            near, copies = sb.layout & 0xFF, (sb.layout & 0xFF) * ((sb.layout >> 8) & 0xFF)
            # each chunk must keep a copy: no group of COPIES slots in a row all missing, the groups starting at 0,
            # NEAR, 2 NEAR ... (wrapping) until back at 0 (raid10.c _enough)
            gone, starts, first = set(self.missing), [], 0
            while True:
                starts.append(first)
                first = (first + near) % self.n
                if first == 0:
                    break
            if not any(all((s + k) % self.n in gone for k in range(copies)) for s in starts):
                allowed = lost
        if lost > allowed:
            raise MdRefused(f"{sb.level_name}: {lost} of {self.n} members missing", missing=True)

    def _lengths(self, supers: dict[str, MdSuper], members: dict[int, str]) -> dict[int, int]:
        """{role: bytes of each member's data area the array uses}: md's used size (raid1/4/5/6/10), or each
        member's own data size (linear: members of any size, joined end to end; raid0: one zone, equal members)."""
        if self.level == -1:
            return {r: supers[k].data_size for r, k in members.items()}
        sizes = {supers[k].data_size - supers[k].data_size % (self.chunk or 1) for k in members.values()}
        if self.level == 0 and len(sizes) > 1:
            raise MdRefused("raid0 of members of unequal sizes (several zones: not read here)")
        per = self.sb.size if self.sb.size and self.level != 0 else min(sizes)
        per -= per % (self.chunk or 1)
        return dict.fromkeys(members, per)

    def _array_size(self, lengths: dict[int, int]) -> int:
        level, n, per = self.level, self.n, min(lengths.values())
        if level == 1:
            return per
        if level == -1:
            return sum(lengths.values())
        if level == 0:
            return per * n
        if level in (4, 5):
            return per * (n - 1)
        if level == 6:
            return per * (n - 2)
        near, far = self.sb.layout & 0xFF, (self.sb.layout >> 8) & 0xFF
        return per // self.chunk // far * n // near * self.chunk  # raid10.c raid10_size

    # --- reading ------------------------------------------------------------------------------
    def get_size(self) -> int:
        return self.size

    def close(self) -> None:
        for m in self._m.values():
            m.media.close()
        self._m = {}

    def read(self, offset: int, n: int) -> bytes:
        if not self._m:
            raise OSError("md array already closed")
        n = max(0, min(n, self.size - offset))
        out = []
        while n > 0:
            if self.level == 1:
                part = n
                out.append(self._mirror(offset, part))
            elif self.level == -1:
                role = max(i for i, start in enumerate(self._starts) if start <= offset)
                inner = offset - self._starts[role]
                part = min(n, self._m[role].length - inner)
                out.append(self._m[role].read(inner, part))
            else:
                inner = offset % self.chunk
                part = min(n, self.chunk - inner)
                out.append(self._chunk(offset // self.chunk, inner, part))
            offset, n = offset + part, n - part
        return b"".join(out)

    def _mirror(self, offset: int, n: int) -> bytes:
        roles = sorted(self._m, key=lambda r: not self._m[r].holds(offset, n))  # those holding the bytes first
        for role in roles[:-1]:
            try:
                return self._m[role].read(offset, n)
            except OSError:  # a read error inside its container (a QCOW2 cut short): another mirror, as md does
                continue
        return self._m[roles[-1]].read(offset, n)

    def _chunk(self, number: int, inner: int, n: int) -> bytes:
        """N bytes at INNER in the array's chunk NUMBER."""
        c = self.chunk
        if self.level == 0:
            stripe, role = divmod(number, self.n)
            return self._m[role].read(stripe * c + inner, n)
        if self.level == 10:
            copies = self.raid10_copies(number)
            for stripe, role in copies:
                if self._has(role, stripe * c + inner, n):
                    try:
                        return self._m[role].read(stripe * c + inner, n)
                    except OSError:  # a read error inside its container: the next copy, as md does
                        continue
            for stripe, role in copies:  # only cut copies: read up to the end of one (an OSError says where)
                if role in self._m:
                    return self._m[role].read(stripe * c + inner, n)
            raise OSError(f"raid10 chunk {number}: no copy present")
        data_disks = self.n - (2 if self.level == 6 else 1)
        stripe, index = divmod(number, data_disks)
        role, parity = self.place(stripe, index)
        at = stripe * c + inner
        others = [self.place(stripe, i)[0] for i in range(data_disks) if i != index]
        rebuildable = self._has(parity, at, n) and all(self._has(r, at, n) for r in others)
        if self._has(role, at, n):
            try:
                return self._m[role].read(at, n)
            except OSError:  # a read error inside its container (a QCOW2 cut short, a lost cluster): rebuilt from
                if not rebuildable:  # P and the other data chunks, as md does with a member's read error
                    raise
        if rebuildable:  # P xor the other data chunks
            return _xor([self._m[r].read(at, n) for r in [parity, *others]], n)
        try:
            return self._from_q(stripe, role, parity, others, at, n)
        except OSError:
            if role in self._m:  # cut short, and not rebuilt: read up to its end (the OSError says where)
                return self._m[role].read(at, n)
            raise

    def raid10_copies(self, number: int) -> list[tuple[int, int]]:
        """(chunk on the member, member) of each copy of the array's chunk NUMBER: raid10.c __raid10_find_phys (near
        copies on adjacent members; far copies NEAR members on, a stride further down (the far layout: a member's
        used chunks over FAR; the offset layout: the next chunk), wrapping within far sets)."""
        n, layout = self.n, self.sb.layout
        near, far, offset = layout & 0xFF, (layout >> 8) & 0xFF, bool(layout & 0x10000)
        set_size = {0: n, 1: n // far, 2: far * near}[layout >> 17]
        last_start = (n // set_size - 1) * set_size
        last_size = set_size + n % set_size
        if offset:
            stride = 1
        else:  # raid10.c calc_sectors: the chunks each member uses, rounded up, over FAR
            per = self.sb.size // self.chunk if self.sb.size else min(m.length for m in self._m.values()) // self.chunk
            used = -(-(per // far * n // near) * near * far // n)
            stride = used // far
        row, dev = divmod(number * near, n)
        if offset:
            row *= far
        out = []
        for _ in range(near):
            d, s = dev, row
            out.append((s, d))
            for _ in range(1, far):
                group = d // set_size
                d += near
                if n % set_size and d > last_start:
                    d = (d - last_start) % last_size + last_start
                else:
                    d = d % set_size + set_size * group
                s += stride
                out.append((s, d))
            dev += 1
            if dev >= n:
                dev, row = 0, row + 1
        return out

    def _from_q(self, stripe: int, role: int, parity: int, others: list[int], at: int, n: int) -> bytes:
        """raid6: the chunk of missing member ROLE when P or another data chunk is missing too, from Q (lib/raid6
        recov: Q = sum of g^slot * D over GF(2^8), the slots in the kernel's syndrome order)."""
        if self.level != 6:
            raise OSError(f"{self.sb.level_name} stripe {stripe}: more than one chunk missing")
        slots = self.syndrome_slots(stripe)
        q = self.q_member(stripe)
        gone = [r for r in others if not self._has(r, at, n)]
        if not self._has(q, at, n) or len(gone) > 1 or (gone and not self._has(parity, at, n)):
            raise OSError(f"raid6 stripe {stripe}: more than two chunks missing")
        rest = _xor([self._m[q].read(at, n)] + [self._m[r].read(at, n).translate(_gf_times(_EXP[slots[r]]))
                                               for r in others if r not in gone], n)  # Q of the missing ones
        x = _EXP[slots[role]]
        if not gone:  # P missing: Qx = g^x Dx
            return rest.translate(_gf_times(_gf_inverse(x)))
        y, parity_rest = _EXP[slots[gone[0]]], _xor([self._m[parity].read(at, n)] + [
            self._m[r].read(at, n) for r in others if r not in gone], n)  # Dx xor Dy
        # Qxy = g^x Dx xor g^y Dy, Pxy = Dx xor Dy: Dx = (Qxy xor g^y Pxy) / (g^x xor g^y)
        return _xor([rest, parity_rest.translate(_gf_times(y))], n).translate(_gf_times(_gf_inverse(x ^ y)))

    def q_member(self, stripe: int) -> int:
        """The member holding raid6's Q syndrome of STRIPE (raid5.c raid5_compute_sector's qd_idx)."""
        n, algo = self.n, self.sb.layout
        p = self.place(stripe, 0)[1]
        if algo in (0, 1):
            return 0 if p == n - 1 else p + 1
        if algo in (2, 3):
            return (p + 1) % n
        return 1 if algo == 4 else n - 1

    def syndrome_slots(self, stripe: int) -> dict[int, int]:
        """{data member: its slot in STRIPE's Q syndrome}: the members in turn from the one after Q (the first
        when Q is the last: raid5.c raid6_d0), P and Q left out (raid6_idx_to_slot)."""
        p, q = self.place(stripe, 0)[1], self.q_member(stripe)
        start = 0 if q == self.n - 1 else q + 1
        order = [(start + i) % self.n for i in range(self.n)]
        return {r: slot for slot, r in enumerate(r for r in order if r not in (p, q))}

    def place(self, stripe: int, index: int) -> tuple[int, int]:
        """(member holding data chunk INDEX of STRIPE, member holding its P parity): raid5.c raid5_compute_sector."""
        n, algo = self.n, self.sb.layout
        if self.level == 4:
            return index, n - 1
        if self.level == 5:
            data_disks = n - 1
            if algo == 0:
                p = data_disks - stripe % n
                return (index + 1 if index >= p else index), p
            if algo == 1:
                p = stripe % n
                return (index + 1 if index >= p else index), p
            if algo == 2:
                p = data_disks - stripe % n
                return (p + 1 + index) % n, p
            if algo == 3:
                p = stripe % n
                return (p + 1 + index) % n, p
            if algo == 4:
                return index + 1, 0
            return index, data_disks
        data_disks = n - 2  # raid6
        if algo in (0, 1):
            p = n - 1 - stripe % n if algo == 0 else stripe % n
            if p == n - 1:
                return index + 1, p
            return (index + 2 if index >= p else index), p
        if algo in (2, 3):
            p = n - 1 - stripe % n if algo == 2 else stripe % n
            return (p + 2 + index) % n, p
        if algo == 4:
            return index + 2, 0
        return index, data_disks
