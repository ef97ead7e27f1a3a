"""Every layer of a disk image, found with dfvfs one layer at a time: partitions, logical volumes,
APFS volumes, encrypted volumes, shadow-copy stores and the file system inside each.

dfvfs' own SourceScanner stops at the first layer it cannot read (an unsupported partition, a
LUKS2 header, a shadow-copy store kept on another volume) and raises for the whole image. Here the
same scanner primitives (``ScanForVolumeSystem``, ``ScanForFileSystem``, the resolver and the key
chain) are called per layer, so a failure is recorded for that layer, with the library's full
reason, and every other layer goes on. Each shadow-copy store is its own layer, read through dfvfs'
VSS path spec (TYPE_INDICATOR_VSHADOW with ``store_index``), never through an offset.
"""

from __future__ import annotations

import itertools
import logging
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..codes import Status
from ..details import Detail, join_details, say
from .volume_keys import VolumeKeys

if TYPE_CHECKING:
    from .image_lvm import LogicalVolume

log = logging.getLogger("leakscan")

MAX_NESTING = 8  # volume systems inside volume systems: deeper is refused, never a runaway recursion

# dfvfs type indicator -> what an examiner calls it
LAYER_NAMES = {
    "TSK_PARTITION": "MBR", "GPT": "GPT", "APM": "Apple partition map", "LVM": "LVM", "CS": "Core Storage",
    "APFS_CONTAINER": "APFS container", "VSHADOW": "Volume Shadow Copies", "LUKSDE": "LUKS", "BDE": "BitLocker",
}
PARTITION_TABLES = ("TSK_PARTITION", "GPT", "APM")
ENCRYPTED = ("LUKSDE", "BDE")
# what unlocks each kind of encrypted volume, and which dfvfs credential it becomes
UNLOCK_HINT = {
    "LUKSDE": "a LUKS passphrase (--luks-passphrase)",
    "BDE": "a BitLocker recovery key or password (--bitlocker-recovery-key), or its startup key file "
           "(--bitlocker-startup-key FILE.BEK)",
    "APFS_CONTAINER": "the volume's password or its personal recovery key (FileVault; --apfs-password)",
    "CS": "the Core Storage password; leakscan does not take it",
}
NEEDS = {"LUKSDE": Detail.NEEDS_LUKS_KEY, "BDE": Detail.NEEDS_BITLOCKER_KEY, "APFS_CONTAINER": Detail.NEEDS_APFS_KEY,
         "CS": Detail.NEEDS_CS_KEY}  # "needs " + UNLOCK_HINT, as detail codes


@dataclass
class Layer:
    """One place a file system lives, or a layer that could not be read (``problem`` set).

    ``names`` are the hops below the image (``("p2", "vss1")``); ``spec`` is the dfvfs path spec of
    the byte stream holding the file system; ``offset`` is its byte offset in the storage media when
    it is a plain slice of it (partitions), so The Sleuth Kit can read the media directly.
    """

    names: tuple[str, ...]
    spec: Any
    offset: int | None = None
    size: int | None = None
    fs_type: str | None = None  # dfvfs' file-system type indicator (NTFS, EXT, FAT, HFS, APFS, XFS, TSK)
    fs_spec: Any = None  # dfvfs path spec of the file system's root, when dfvfs found one
    problem: tuple[Status, str] | None = None  # (reason, detail) when the layer could not be read
    facts: dict[str, Any] = field(default_factory=dict)  # encryption, snapshot time, volume system ...

    @property
    def snapshot(self) -> bool:
        return "snapshot_created" in self.facts or (bool(self.names) and self.names[-1].startswith("vss"))


def full_reason(e: BaseException) -> str:
    """A library error as an examiner can act on it: every clause kept, C source positions dropped,
    repeated clauses said once (libyal chains repeat 'unable to ...' at every level)."""
    text = re.sub(r"\(\w[\w.]*:\d+\) ", "", str(e)).strip()
    parts, seen = [], set()
    for part in re.split(r"(?<=\.) ", text):
        key = part.strip().casefold()
        if key and key not in seen:
            seen.add(key)
            parts.append(part.strip())
    return " ".join(parts) or type(e).__name__


def _reader(volume: _LogicalVolume) -> Callable[[int, int], bytes]:
    """read(offset, n) of a pyvslvm logical volume."""
    return lambda offset, n: bytes(volume.read_buffer_at_offset(n, offset))


COMPARE_BLOCK = 64 * 1024
COMPARE_LIMIT = 1 << 30  # bytes of a raid1 volume's copies compared (each read once more than the walk reads)


def compare_copies(name: str, read: Callable[[int, int], bytes], peers: list[tuple[str, Callable[[int, int], bytes]]],
                   size: int) -> str | None:
    """A raid1/mirror volume's copy NAME (read(offset, n)) compared with the other copies in PEERS (name, read) over
    its first COMPARE_LIMIT bytes of SIZE, in COMPARE_BLOCK blocks: lv-copies-same, or lv-copies-differ for the first
    copy that differs (how many blocks, the first's byte); None with no peer or when a copy does not read."""
    if not peers or size <= 0:
        return None
    end = min(size, COMPARE_LIMIT)
    mib = -(-end // (1 << 20))
    try:
        for other, read_other in peers:
            n, first = 0, 0
            for at in range(0, end, 16 * COMPARE_BLOCK):
                k = min(16 * COMPARE_BLOCK, end - at)
                mine, theirs = read(at, k), read_other(at, k)
                if mine == theirs:
                    continue
                for b in range(0, k, COMPARE_BLOCK):
                    if mine[b:b + COMPARE_BLOCK] != theirs[b:b + COMPARE_BLOCK]:
                        first = first if n else at + b
                        n += 1
            if n:
                return say(Detail.LV_COPIES_DIFFER, leg=name, other=other, n=n, mib=mib, at=first)
    except (OSError, RuntimeError, ValueError):
        return None
    return say(Detail.LV_COPIES_SAME, legs=[name, *(p for p, _ in peers)], mib=mib)


def _sync_state(bad: set[int] | None, same_up_to: int | None = None) -> str:
    """The sync state of a raid1/mirror volume's copies by their dm-raid superblocks (image_lvm.legs_out_of_sync's
    answer) and how far they were made the same (image_lvm.resync_stopped; 0 when never: NOTSYNCED), as a detail."""
    if bad:
        return say(Detail.LV_COPIES_OUT_OF_SYNC, n=len(bad))
    if same_up_to is not None:
        return say(Detail.LV_COPIES_NOT_SYNCED, at=same_up_to)
    return say(Detail.LV_COPIES_SYNC_UNKNOWN) if bad is None else say(Detail.LV_COPIES_IN_SYNC)


def _same_up_to(index: int, never: set[int], superblocks: list[bytes]) -> int | None:
    """Up to which byte a raid1/mirror volume's copies were made the same: 0 for a volume created --nosync, the
    unfinished resync's offset, or None (all of it, or unknown)."""
    from .image_lvm import resync_stopped

    return 0 if index in never else resync_stopped(superblocks)


def _dfvfs() -> tuple[Any, Any, Any, Any]:
    from dfvfs.helpers import source_scanner
    from dfvfs.lib import errors
    from dfvfs.path import factory
    from dfvfs.resolver import resolver

    return source_scanner, errors, factory, resolver


class _LogicalVolume(Protocol):
    """pyvslvm's logical volume, as _mirror_copies reads it."""

    size: int

    def read_buffer_at_offset(self, size: int, offset: int) -> bytes: ...


class _VolumeGroup(Protocol):
    """pyvslvm's volume group, as _mirror_copies reads it."""

    def get_logical_volume(self, index: int) -> _LogicalVolume: ...


class _PathSpec(Protocol):
    """A dfvfs path spec (any kind)."""

    type_indicator: str


class LayerFinder:
    """Walk the layers below one storage-media path spec; ``find()`` returns them in disk order."""

    def __init__(self, keys: VolumeKeys | None = None, joined: list[str] | None = None) -> None:
        source_scanner, errors, self._factory, self._resolver = _dfvfs()
        self._joined = joined if joined is not None else []  # locations of the joined volumes registered here
        self._scanner = source_scanner.SourceScanner()
        self._errors = (errors.Error, OSError, RuntimeError, ValueError, KeyError)
        self._keys = keys or VolumeKeys()
        self.layers: list[Layer] = []
        self._lvm_groups: set[frozenset[str]] = set()  # volume groups read from their own metadata (image_lvm)

    # --- entry point ------------------------------------------------------------------------
    def find(self, spec: Any) -> list[Layer]:
        self.layers = []
        self._explore(spec, (), 0, 0)
        return self.layers

    def find_inside(self, spec: Any, names: tuple[str, ...], offset: int | None, facts: dict[str, Any]) -> list[Layer]:
        """The layers inside one partition already named NAMES (read from a table the libraries refused)."""
        self.layers = []
        self._explore(spec, names, offset, 1, facts)
        return self.layers

    # --- one byte stream: encrypted? volume system? file system? -----------------------------
    def _explore(self, spec: Any, names: tuple[str, ...], offset: int | None, depth: int,
                 facts: dict[str, Any] | None = None) -> None:
        facts = dict(facts or {})
        if depth > MAX_NESTING:
            self._fail(names, spec, Status.UNSUPPORTED, say(Detail.NESTED_TOO_DEEP, n=MAX_NESTING), facts)
            return
        try:
            vs = self._scanner.ScanForVolumeSystem(spec)
        except self._errors as e:
            if self._unreadable_stream(spec, names, facts, e):
                return
            log.debug("volume-system scan failed at %s", names, exc_info=True)
            vs = None  # no volume system readable here: a file system may still be
        if vs is None or vs == spec and not spec.IsVolumeSystemRoot():
            self._file_system(spec, names, offset, facts)
        elif vs.type_indicator in ENCRYPTED:
            self._encrypted(vs, names, depth, facts)
        elif vs.type_indicator == "VSHADOW":
            self._shadow_copies(vs, spec, names, offset, facts)
        elif vs.type_indicator == "APFS_CONTAINER":
            self._apfs(vs, names, facts)
        else:
            self._volume_system(vs, spec, names, offset, depth, facts)

    def _unreadable_stream(self, spec: Any, names: tuple[str, ...], facts: dict[str, Any], e: BaseException) -> bool:
        """The stream itself cannot be read (e.g. a differencing image whose parent is missing)."""
        try:
            fobj = self._resolver.Resolver.OpenFileObject(spec)
            fobj.seek(0)
            fobj.read(512)
        except self._errors as e2:
            self._fail(names, spec, Status.UNREADABLE, say(Detail.LAYER_DATA_UNREADABLE, library=full_reason(e2)), facts)
            return True
        return False

    # --- partition tables, LVM, Core Storage ------------------------------------------------
    def _volume_system(self, vs: Any, parent: Any, names: tuple[str, ...], offset: int | None, depth: int,
                       facts: dict[str, Any]) -> None:
        kind = vs.type_indicator
        if kind == "LVM":
            try:
                _, text = self._lvm_metadata(vs.parent)
            except self._errors + (IndexError, TypeError, AttributeError, struct.error):
                text = None
            if _lvm_metadata_refused(text) and self._lvm_read_here(vs, names, depth, facts):
                return  # metadata lvm2 refuses: its volumes listed, not read as written (libvslvm would read them)
        try:
            root = self._resolver.Resolver.OpenFileEntry(vs)
            subs = list(root.sub_file_entries)
        except self._errors as e:
            if kind == "LVM" and self._logical_volumes_one_by_one(vs, names, depth, facts, e):
                return
            if kind == "LVM" and self._lvm_read_here(vs, names, depth, facts):
                return
            refused = self._lvm_refused(vs, e) if kind == "LVM" else None
            if refused:
                self._fail(names, vs, Status.UNSUPPORTED, refused, {**facts, "volume_system": "LVM"})
                return
            if kind == "LVM" or kind == "TSK_PARTITION":
                # dfvfs issue 578: a partition-table or LVM signature that does not hold; try a file system
                log.debug("%s not readable at %s: %s", kind, names, e)
                self._file_system(parent, names, offset, facts)
                return
            self._fail(names, vs, Status.CORRUPT, say(Detail.LAYER_UNREADABLE, layer=LAYER_NAMES.get(kind, kind),
                                                              library=full_reason(e)), facts)
            return
        starts = self._volume_offsets(vs)
        found = False
        for sub in subs:
            location = getattr(sub.path_spec, "location", None)
            if not location or location == "/":
                continue  # unallocated space and empty table slots
            name = location.strip("/")
            found = True
            start, size = starts.get(name, (None, None))
            sub_offset = offset + start if offset is not None and start is not None and kind in PARTITION_TABLES else None
            sub_facts = {**facts, "volume_system": LAYER_NAMES.get(kind, kind)}
            if size is not None:
                sub_facts["size"] = size
            if sub_offset is not None:
                sub_facts["offset"] = sub_offset
            self._explore(sub.path_spec, (*names, name), sub_offset, depth + 1, sub_facts)
        if not found:
            self._file_system(parent, names, offset, facts)  # an empty table: the stream may hold a file system

    def _lvm_read_here(self, vs: Any, names: tuple[str, ...], depth: int, facts: dict[str, Any]) -> bool:
        """A volume group that libvslvm refused (two or more physical volumes; one holding a striped volume), or
        whose metadata lvm2 would refuse, read from its own metadata (image_lvm): each logical volume in one run
        of extents on a physical volume found among the partitions beside this one is explored as a byte range
        of it, a striped or multi-segment one joined; the others are listed with why. Walked once, from the
        first of its physical volumes met. False when this is no such group (libvslvm's reason is said)."""
        from .image_lvm import logical_volumes, raid_shapes

        stream = vs.parent
        try:
            label, text = self._lvm_metadata(stream)
            if label is None or text is None:
                return False
            starts, lvs = logical_volumes(text)
        except self._errors + (IndexError, TypeError, AttributeError, RecursionError):  # damaged metadata text
            return False
        if not starts:
            return False
        group = frozenset(starts)
        if group in self._lvm_groups:
            return True  # its logical volumes were explored from another of its physical volumes
        self._lvm_groups.add(group)
        found = {label[0]: stream, **self._physical_volumes_beside(stream, set(starts) - {label[0]})}
        sub_facts = {**facts, "volume_system": "LVM", "physical_volumes": f"{len(found)} of {len(starts)} in this image"}
        sub_facts.pop("offset", None)
        copies = self._copies_here(text, lvs, found)
        raids = raid_shapes(text)
        # as in _logical_volumes_one_by_one: a copy read as its raid1 volume is not walked twice, nor the raid
        # metadata sub-volumes of a volume read (dm-raid's superblock and bitmap, no files)
        read_as = {leg.index for leg, _, _ in copies.values()} | {m for _, metas, _ in copies.values() for m in metas}
        for lv in lvs:
            hop = (*names, f"lvm{lv.index}")
            if lv.index in read_as:
                continue
            if lv.index in copies:
                leg, _, note = copies[lv.index]
                if leg.areas is not None:
                    self._joined_volume(leg, found, hop, depth, {**sub_facts, "size": leg.size, "note": note})
                elif leg.pv is not None:
                    self._linear_volume(leg, found[leg.pv], hop, depth, {**sub_facts, "size": leg.size, "note": note})
                continue
            if lv.refused:
                self._fail(hop, stream, lv.refused_status or Status.UNSUPPORTED,
                           say(Detail.LVM_METADATA_REFUSED, n=lv.index, why=lv.refused), {**sub_facts, "size": lv.size})
            elif lv.why and not lv.damaged and lv.index in raids:  # what it is and how to assemble it elsewhere
                kind, shape, volume = raids[lv.index]
                self._fail(hop, stream, Status.UNSUPPORTED,
                           say(Detail.LVM_RAID_UNREAD_JOINED, n=lv.index, pvs=len(starts), kind=kind, shape=shape,
                               volume=volume), {**sub_facts, "size": lv.size})
            elif lv.why:
                self._fail(hop, stream, Status.UNSUPPORTED,
                           say(Detail.LVM_GROUP_DAMAGED if lv.damaged else Detail.LVM_GROUP_UNREAD, n=lv.index,
                               pvs=len(starts), why=lv.why),
                           {**sub_facts, "size": lv.size})
            elif lv.areas is not None:
                self._joined_volume(lv, found, hop, depth, {**sub_facts, "size": lv.size})
            elif lv.pv not in found:
                self._fail(hop, stream, Status.UNREADABLE,
                           say(Detail.LVM_PV_NOT_IN_IMAGE, n=lv.index), {**sub_facts, "size": lv.size})
            else:
                self._linear_volume(lv, found[lv.pv], hop, depth, {**sub_facts, "size": lv.size})
        return True

    def _copies_here(self, text: str, lvs: list[LogicalVolume],
                     found: dict[str, Any]) -> dict[int, tuple[LogicalVolume, list[int], str]]:
        """{1-based index of a raid1 or mirror volume of a group read here (_lvm_read_here): (the copy it is read
        from, the indexes of its raid metadata sub-volumes, its note)}: its first copy (a linear or joined hidden
        sub-volume, whose physical volumes are in the image) that its dm-raid superblocks do not mark failed,
        stale or recovering (image_lvm.legs_out_of_sync), as _mirror_copies does for groups libvslvm opens."""
        from .image_lvm import legs_out_of_sync, mirror_legs, never_synced

        try:
            mirrors = mirror_legs(text)
            never = never_synced(text) if mirrors else set()
        except (IndexError, TypeError, AttributeError, RecursionError, KeyError, ValueError):
            return {}
        by_index = {lv.index: lv for lv in lvs}

        def readable(lv: LogicalVolume | None) -> bool:
            if lv is None or lv.refused or lv.why or lv.size <= 0:
                return False
            return lv.pv in found if lv.areas is None else {u for a in lv.areas for u, _ in a.stripes} <= set(found)

        def head(lv: LogicalVolume | None) -> bytes:  # the first bytes of a linear raid metadata sub-volume
            if not readable(lv) or lv is None or lv.areas is not None or lv.pv is None:
                return b""
            try:
                fobj = self._resolver.Resolver.OpenFileObject(found[lv.pv])
                fobj.seek(lv.start)
                return bytes(fobj.read(min(4096, lv.size)))
            except self._errors:
                return b""

        def linear(lv: LogicalVolume | None) -> Callable[[int, int], bytes] | None:  # read(offset, n) of a copy
            if not readable(lv) or lv is None or lv.areas is not None or lv.pv is None:
                return None  # a joined copy is not compared
            fobj, start, size = self._resolver.Resolver.OpenFileObject(found[lv.pv]), lv.start, lv.size

            def read(offset: int, n: int) -> bytes:
                fobj.seek(start + offset)
                return bytes(fobj.read(max(0, min(n, size - offset))))
            return read

        out: dict[int, tuple[LogicalVolume, list[int], str]] = {}
        for index, (kind, legs) in mirrors.items():
            blocks = [head(by_index.get(leg.meta)) if leg.meta else b"" for leg in legs]
            bad = legs_out_of_sync(blocks) if any(leg.meta for leg in legs) else None
            for position, leg in enumerate(legs):
                copy = by_index.get(leg.index)
                if bad is not None and position in bad or copy is None or not readable(copy):
                    continue
                same = _same_up_to(index, never, blocks)
                state = _sync_state(bad, same)
                peers = [(other.name, linear(by_index.get(other.index))) for p, other in enumerate(legs)
                         if other is not leg and (bad is None or p not in bad)]
                mine = linear(copy)
                compared = compare_copies(leg.name, mine, [(n, r) for n, r in peers if r is not None],
                                          copy.size if same is None else min(copy.size, same)) if mine is not None else None
                out[index] = (copy, [m.meta for m in legs if m.meta], join_details([
                    say(Detail.LV_READ_FROM_COPY, kind=kind, leg=leg.name, at=leg.index, k=position + 1,
                        n=len(legs), state=state), compared or ""]))
                break
        return out

    def _joined_volume(self, lv: LogicalVolume, found: dict[str, Any], hop: tuple[str, ...], depth: int,
                       facts: dict[str, Any]) -> None:
        """A logical volume of several segments or striped (image_lvm.LogicalVolume with areas), explored as a
        joined read-only stream over its physical volumes (FOUND: {PV UUID: path spec}). One whose physical
        volume is not in the image, or whose runs lie past the end of one, is listed instead (no part read as
        if it were the whole)."""
        from .image_pathspec import register_reader

        areas = lv.areas or []
        uuids = {u for a in areas for u, _ in a.stripes}
        if uuids - set(found):
            self._fail(hop, next(iter(found.values())), Status.UNREADABLE,
                       say(Detail.LVM_PV_PARTLY_NOT_IN_IMAGE, n=lv.index, shape=lv.shape), facts)
            return
        readers = {}
        try:
            for uuid in uuids:
                readers[uuid] = self._resolver.Resolver.OpenFileObject(found[uuid])
            ends = {uuid: f.get_size() for uuid, f in readers.items()}
        except self._errors as e:
            self._fail(hop, found[next(iter(uuids))], Status.UNREADABLE,
                       say(Detail.LVM_A_PV_UNREADABLE, n=lv.index, library=full_reason(e)), facts)
            return
        for area in areas:
            for uuid, start in area.stripes:
                if start + area.size // len(area.stripes) > ends[uuid]:
                    self._fail(hop, found[uuid], Status.UNREADABLE,
                               say(Detail.LVM_RUN_PAST_PV, n=lv.index, shape=lv.shape, start=start,
                                   end=ends[uuid]), facts)
                    return
        location = f"/{_JOINED_PREFIX}/{next(_JOINED_COUNT)}/{'/'.join(hop)}"
        _JOINED[location] = (areas, lv.size, readers)
        self._joined.append(location)  # released with the image (release_joined)
        register_reader(_JOINED_INDICATOR, _open_joined)
        spec = self._factory.Factory.NewPathSpec(_JOINED_INDICATOR, location=location)
        note = say(Detail.LV_READ_JOINED, shape=str(lv.shape))
        self._explore(spec, hop, None, depth + 1, {**facts, "note": note})

    def _linear_volume(self, lv: Any, pv: Any, hop: tuple[str, ...], depth: int, facts: dict[str, Any]) -> None:
        """One run of extents of physical volume PV (image_lvm.LogicalVolume LV), explored as a byte range of it.
        Damaged or hostile metadata may put the run outside the volume: an empty range would be no file system
        and no row, so it is listed; one running past the end is walked for what is there and says so."""
        try:
            end = self._resolver.Resolver.OpenFileObject(pv).get_size()
        except self._errors as e:
            self._fail(hop, pv, Status.UNREADABLE, say(Detail.LVM_ITS_PV_UNREADABLE, library=full_reason(e)), facts)
            return
        if lv.size <= 0 or not 0 <= lv.start < end:
            self._fail(hop, pv, Status.UNREADABLE,
                       say(Detail.LVM_PAST_PV_END, n=lv.index, size=lv.size, start=lv.start, end=end), facts)
            return
        if lv.start + lv.size > end:
            facts = {**facts, "note": say(Detail.LV_RUNS_PAST_PV, held=end - lv.start, size=lv.size)}
        spec = self._factory.Factory.NewPathSpec("DATA_RANGE", range_offset=lv.start,
                                                 range_size=min(lv.size, end - lv.start), parent=pv)
        self._explore(spec, hop, None, depth + 1, facts)

    def _lvm_metadata(self, stream: Any) -> tuple[Any, str | None]:
        """(label, newest volume-group text) of the LVM physical volume STREAM, or (None, None)."""
        from .image_lvm import newest_metadata_text, pv_label

        fobj = self._resolver.Resolver.OpenFileObject(stream)

        def read(offset: int, size: int) -> bytes:
            fobj.seek(offset)
            return bytes(fobj.read(size))

        label = pv_label(read(0, 2048))
        return (label, newest_metadata_text(read, label[1])) if label else (None, None)

    def _lvm_kinds(self, stream: Any) -> dict[int, str]:
        """image_lvm.volume_kinds of the group on STREAM ({} when its metadata does not read)."""
        from .image_lvm import volume_kinds

        try:
            _, text = self._lvm_metadata(stream)
            return volume_kinds(text) if text else {}
        except self._errors + (IndexError, TypeError, AttributeError, RecursionError):
            return {}

    def _lvm_raids(self, stream: object) -> dict[int, tuple[str, str, str]]:
        """image_lvm.raid_shapes of the group on STREAM ({} when its metadata does not read)."""
        from .image_lvm import raid_shapes

        try:
            _, text = self._lvm_metadata(stream)
            return raid_shapes(text) if text else {}
        except self._errors + (IndexError, TypeError, AttributeError, RecursionError):
            return {}

    def _physical_volumes_beside(self, stream: Any, wanted: set[str]) -> dict[str, Any]:
        """{PV UUID: path spec} of the partitions beside STREAM (of the same table) that are physical volumes in
        WANTED."""
        from .image_lvm import pv_label

        if not wanted or stream.type_indicator not in PARTITION_TABLES or not stream.HasParent():
            return {}
        out: dict[str, Any] = {}
        try:
            root = self._factory.Factory.NewPathSpec(stream.type_indicator, location="/", parent=stream.parent)
            subs = list(self._resolver.Resolver.OpenFileEntry(root).sub_file_entries)
        except self._errors:
            return {}
        mine = getattr(stream, "location", None)
        for sub in subs:
            location = getattr(sub.path_spec, "location", None)
            if location in (None, "/", mine):
                continue
            try:
                fobj = self._resolver.Resolver.OpenFileObject(sub.path_spec)
                fobj.seek(0)
                label = pv_label(bytes(fobj.read(2048)))
            except self._errors:
                continue
            if label and label[0] in wanted:
                out.setdefault(label[0], sub.path_spec)
        return out

    def _lvm_refused(self, vs: Any, e: BaseException) -> str | None:
        """Why a real LVM2 physical volume's logical volumes cannot be read, or None when the stream holds no
        LVM2 label (dfvfs issue 578: then a file system is tried). libvslvm (20260901) opens no volume group
        of two or more physical volumes, even with all of them in the image, and refuses the metadata of a
        striped logical volume: said so, not "no file system". No group or volume name is written (a host's
        name often is one)."""
        from ..backends import load

        try:
            fobj = self._resolver.Resolver.OpenFileObject(vs.parent)
            fobj.seek(0)
            head = fobj.read(2048)
        except self._errors:
            return None
        labelled = any(head[i * 512:i * 512 + 8] == b"LABELONE" and head[i * 512 + 24:i * 512 + 32] == b"LVM2 001"
                       for i in range(4))
        if not labelled:
            return None
        handle = load("pyvslvm").handle()
        try:
            handle.open_file_object(fobj)
        except (OSError, RuntimeError, ValueError) as e2:
            return (f"LVM physical volume whose volume group metadata libvslvm cannot read (a striped logical "
                    f"volume is refused): its logical volumes are not examined; libvslvm: {full_reason(e2)}")
        try:
            group = handle.get_volume_group()
            pvs, lvs = group.number_of_physical_volumes, group.number_of_logical_volumes
        except (OSError, RuntimeError, ValueError):
            return None
        finally:
            handle.close()
        if pvs > 1:
            return (f"LVM physical volume of a volume group of {pvs} physical volumes and {lvs} logical volumes: "
                    "libvslvm opens no volume group of more than one physical volume (even with all of them in "
                    "this image), so its logical volumes are not examined; activate the group read-only on Linux "
                    f"(losetup -r, vgchange -ay) and scan each logical volume; dfvfs: {full_reason(e)}")
        return None

    def _logical_volumes_one_by_one(self, vs: Any, names: tuple[str, ...], depth: int, facts: dict[str, Any],
                                    e: BaseException) -> bool:
        """A volume group whose listing failed on one logical volume (libvslvm refuses the whole list when an
        LV lies on a physical volume that is not in the image: a group spanning two disks, one imaged): each LV
        is opened by its index, the readable ones walked and the others listed with libvslvm's reason. False
        when the volume group itself cannot be read (then the stream is tried as a file system)."""
        from dfvfs.path import factory

        try:
            group = self._resolver.Resolver.OpenFileSystem(vs).GetLVMVolumeGroup()
            count = group.number_of_logical_volumes
        except self._errors + (OSError, AttributeError):
            return False
        if not count:
            return False
        sub_facts = {**facts, "volume_system": LAYER_NAMES.get("LVM", "LVM")}
        kinds = self._lvm_kinds(vs.parent)
        raids = self._lvm_raids(vs.parent)
        copies = self._mirror_copies(vs.parent, group)
        # a copy read as its raid1 volume is not walked twice; the raid metadata sub-volumes (rmeta: dm-raid's
        # superblock and bitmap, no files) of a volume read are not walked as file systems (its note says so)
        read_as = {leg for leg, _, _ in copies.values()} | {m for _, metas, _ in copies.values() for m in metas}
        for index in range(count):
            spec = factory.Factory.NewPathSpec("LVM", location=f"/lvm{index + 1}", volume_index=index,
                                               parent=vs.parent)
            if index + 1 in read_as:
                continue
            try:
                volume = group.get_logical_volume(index)
            except (OSError, RuntimeError) as e2:
                kind = kinds.get(index + 1)
                if index + 1 in copies:  # raid1 or mirror: read from its first intact copy, which libvslvm reads
                    leg, _, note = copies[index + 1]
                    leg_spec = factory.Factory.NewPathSpec("LVM", location=f"/lvm{leg}", volume_index=leg - 1,
                                                           parent=vs.parent)
                    size = group.get_logical_volume(leg - 1).size
                    self._explore(leg_spec, (*names, f"lvm{index + 1}"), None, depth + 1,
                                  {**sub_facts, "size": size, "note": note})
                    continue
                if index + 1 in raids:  # raid0/4/5/6/10: what it is and how to assemble it elsewhere
                    kind, shape, volume = raids[index + 1]
                    self._fail((*names, f"lvm{index + 1}"), spec, Status.UNSUPPORTED,
                               say(Detail.LVM_RAID_UNREAD, n=index + 1, kind=kind, shape=shape, volume=volume,
                                   library=full_reason(e2)), sub_facts)
                    continue
                if kind:  # a snapshot, thin or RAID volume: libvslvm reads none, whatever the physical volumes
                    self._fail((*names, f"lvm{index + 1}"), spec, Status.UNSUPPORTED,
                               say(Detail.LVM_KIND_UNREAD, n=index + 1, kind=kind, library=full_reason(e2)), sub_facts)
                    continue
                self._fail((*names, f"lvm{index + 1}"), spec, Status.UNREADABLE,
                           say(Detail.LVM_VOLUME_UNOPENED, n=index + 1, library=full_reason(e2)), sub_facts)
                continue
            self._explore(spec, (*names, f"lvm{index + 1}"), None, depth + 1, {**sub_facts, "size": volume.size})
        return True

    def _mirror_copies(self, stream: _PathSpec, group: _VolumeGroup) -> dict[int, tuple[int, list[int], str]]:
        """{1-based index of a raid1 or mirror logical volume libvslvm does not read: (1-based index of the copy it
        is read from, those of its raid metadata sub-volumes, the volume's note)}: its first copy (leg, a hidden linear sub-volume libvslvm reads) that
        opens and that its dm-raid superblocks (each copy's rmeta sub-volume) do not mark failed, stale or recovering.
        A volume with no such copy is absent (then listed by kind, unread)."""
        from .image_lvm import legs_out_of_sync, mirror_legs, never_synced

        try:
            _, text = self._lvm_metadata(stream)
            mirrors = mirror_legs(text) if text else {}
            never = never_synced(text) if mirrors and text else set()
        except self._errors + (IndexError, TypeError, AttributeError, RecursionError, KeyError, ValueError):
            return {}
        out: dict[int, tuple[int, list[int], str]] = {}
        for index, (kind, legs) in mirrors.items():
            try:
                blocks = []
                for leg in legs:
                    meta = group.get_logical_volume(leg.meta - 1) if leg.meta else None
                    blocks.append(bytes(meta.read_buffer_at_offset(4096, 0)) if meta is not None else b"")
                bad = legs_out_of_sync(blocks) if any(leg.meta for leg in legs) else None
                same = _same_up_to(index, never, blocks)
                for position, leg in enumerate(legs):
                    if bad is not None and position in bad:
                        continue
                    volume = group.get_logical_volume(leg.index - 1)  # libvslvm reads it (a linear sub-volume)
                    state = _sync_state(bad, same)
                    peers = []  # the other copies its superblocks do not set apart, that libvslvm reads
                    for p, other in enumerate(legs):
                        if other is not leg and (bad is None or p not in bad):
                            try:
                                peers.append((other.name, _reader(group.get_logical_volume(other.index - 1))))
                            except (OSError, RuntimeError):
                                continue
                    out[index] = (leg.index, [m.meta for m in legs if m.meta], join_details([
                        say(Detail.LV_READ_FROM_COPY, kind=kind, leg=leg.name, at=leg.index, k=position + 1,
                            n=len(legs), state=state),
                        compare_copies(leg.name, _reader(volume), peers,
                                       int(volume.size) if same is None else min(int(volume.size), same)) or ""]))
                    break
            except (OSError, RuntimeError, ValueError, IndexError, struct.error):
                continue
        return out

    def _volume_offsets(self, vs: Any) -> dict[str, tuple[int | None, int | None]]:
        """Identifier -> (start, size) in bytes of each volume, from dfvfs' volume system."""
        from dfvfs.volume import factory as vs_factory

        out: dict[str, tuple[int | None, int | None]] = {}
        try:
            system = vs_factory.Factory.NewVolumeSystem(vs.type_indicator)
            if system is None:
                return out
            system.Open(vs)
            for v in system.volumes:
                if v.extents:
                    start = v.extents[0].offset if len(v.extents) == 1 else None
                    out[v.identifier] = (start, sum(x.size for x in v.extents))
        except self._errors:
            log.debug("volume offsets not readable for %s", vs.type_indicator, exc_info=True)
        return out

    # --- Volume Shadow Copies ---------------------------------------------------------------
    def _shadow_copies(self, vs: Any, volume: Any, names: tuple[str, ...], offset: int | None,
                       facts: dict[str, Any]) -> None:
        """The live volume, then each store as a file system of its own (VSHADOW, store_index)."""
        self._file_system(volume, names, offset, facts)
        base = names or ()
        try:
            from dfvfs.volume import factory as vs_factory

            system = vs_factory.Factory.NewVolumeSystem("VSHADOW")
            system.Open(vs)
            count = len(list(system.volumes))
        except self._errors as e:
            self._fail((*base, "vss"), vs, Status.CORRUPT, say(Detail.VSS_UNREADABLE, library=full_reason(e)),
                       facts)
            return
        for index in range(count):
            name = f"vss{index + 1}"
            spec = self._factory.Factory.NewPathSpec("VSHADOW", location=f"/{name}", store_index=index, parent=volume)
            store_facts = {**facts, "volume_system": "Volume Shadow Copies", "store_index": index}
            store_facts.pop("offset", None)
            try:
                entry = self._resolver.Resolver.OpenFileEntry(spec)
                store = entry.GetVShadowStore()
                store_facts["size"] = int(store.volume_size)
                created = store.get_creation_time_as_integer()
                store_facts["snapshot_created"] = _filetime_iso(created)
                if not store.has_in_volume_data():
                    self._fail((*base, name), spec, Status.UNSUPPORTED,
                               say(Detail.VSS_ELSEWHERE, name=name), store_facts)
                    continue
            except self._errors as e:
                self._fail((*base, name), spec, Status.CORRUPT, say(Detail.VSS_STORE_UNREADABLE, name=name, library=full_reason(e)),
                           store_facts)
                continue
            self._file_system(spec, (*base, name), None, store_facts)

    # --- APFS -------------------------------------------------------------------------------
    def _apfs(self, vs: Any, names: tuple[str, ...], facts: dict[str, Any]) -> None:
        try:
            root = self._resolver.Resolver.OpenFileEntry(vs)
            subs = list(root.sub_file_entries)
        except self._errors as e:
            self._fail((*names, "apfs"), vs, Status.CORRUPT, say(Detail.LAYER_UNREADABLE, layer="APFS container", library=full_reason(e)), facts)
            return
        if not subs:
            self._fail((*names, "apfs"), vs, Status.EMPTY_VOLUME, say(Detail.APFS_EMPTY), facts)
        for sub in subs:
            name = (getattr(sub.path_spec, "location", None) or "/apfs").strip("/")
            vol_facts = {**facts, "volume_system": "APFS container"}
            try:
                volume = sub.GetAPFSVolume()
                locked = volume.is_locked()
                vol_facts["apfs_volume_name"] = volume.name
            except self._errors as e:
                self._fail((*names, name), sub.path_spec, Status.CORRUPT, say(Detail.APFS_VOLUME_UNREADABLE, name=name, library=full_reason(e)),
                           vol_facts)
                continue
            if locked:
                vol_facts["encryption"] = "APFS (FileVault)"
                tried = self._unlock_apfs(sub)
                if tried is not True:
                    why = say(Detail.KEY_NOT_UNLOCKING) if tried else say(NEEDS["APFS_CONTAINER"])
                    self._fail((*names, name), sub.path_spec, Status.ENCRYPTED,
                               say(Detail.APFS_LOCKED, name=name, why=why), vol_facts)
                    continue
                vol_facts["unlocked"] = True
            fs_spec = self._factory.Factory.NewPathSpec("APFS", location="/", parent=sub.path_spec)
            self.layers.append(Layer((*names, name), None, None, vol_facts.get("size"), "APFS", fs_spec, None, vol_facts))

    def _unlock_apfs(self, sub: Any) -> bool | None:
        """True when a key given unlocks the APFS volume, False when keys were tried in vain, None when none
        was given. The credentials stay in dfvfs' key chain: its APFS file system unlocks the volume again
        with them when it is opened for the walk (the chain is emptied when the image is closed)."""
        tried = None
        for identifier, value in self._keys.for_type("APFS_CONTAINER"):
            tried = False
            try:
                self._resolver.Resolver.key_chain.SetCredential(sub.path_spec, identifier, value)
                if sub.Unlock():
                    return True
            except self._errors as e:
                log.debug("APFS unlock failed: %s", type(e).__name__)
        return tried

    # --- LUKS, BitLocker ----------------------------------------------------------------------
    def _encrypted(self, spec: Any, names: tuple[str, ...], depth: int, facts: dict[str, Any]) -> None:
        kind = spec.type_indicator
        label = LAYER_NAMES[kind]
        facts = {**facts, "encryption": label}
        try:
            entry = self._resolver.Resolver.OpenFileEntry(spec)
            unlocked = bool(entry and entry.Unlock())
        except self._errors as e:
            self._fail(names, spec, Status.ENCRYPTED, say(Detail.VOLUME_UNOPENED, label=label, reader=_library(kind),
                                                          library=full_reason(e)), facts)
            return
        tried = False
        for identifier, value in self._keys.for_type(kind):
            if unlocked:
                break
            tried = True
            try:
                self._resolver.Resolver.key_chain.SetCredential(spec, identifier, value)
                fobj = self._resolver.Resolver.OpenFileObject(spec)
                unlocked = not getattr(fobj, "is_locked", False)
            except self._errors as e:
                log.debug("unlock failed: %s", type(e).__name__)
                unlocked = False
        if not unlocked:
            why = say(Detail.KEY_NOT_UNLOCKING) if tried else say(NEEDS[kind])
            self._fail(names, spec, Status.ENCRYPTED, say(Detail.VOLUME_LOCKED, label=label, why=why), facts)
            return
        facts["unlocked"] = True
        self._explore(spec, names, None, depth + 1, facts)

    # --- file systems -----------------------------------------------------------------------
    def _file_system(self, spec: Any, names: tuple[str, ...], offset: int | None, facts: dict[str, Any]) -> None:
        fs_spec = None
        fs_type = None
        try:
            fs_spec = self._scanner.ScanForFileSystem(spec)
            fs_type = fs_spec.type_indicator if fs_spec is not None else None
        except self._errors as e:
            facts = {**facts, "dfvfs_error": full_reason(e)}
        self.layers.append(Layer(names or ("fs",), spec, offset, facts.get("size"), fs_type, fs_spec, None, facts))

    def _fail(self, names: tuple[str, ...], spec: Any, reason: Status, detail: str, facts: dict[str, Any]) -> None:
        self.layers.append(Layer(names or ("fs",), spec, facts.get("offset"), facts.get("size"), None, None,
                                 (reason, detail), dict(facts)))


def _lvm_metadata_refused(text: str | None) -> bool:
    """The volume-group TEXT holds a logical volume whose metadata lvm2 refuses or never writes
    (image_lvm.LogicalVolume.refused). False when there is none or the text does not read here."""
    from .image_lvm import logical_volumes

    if text is None:
        return False
    try:
        return any(lv.refused for lv in logical_volumes(text)[1])
    except (KeyError, ValueError, IndexError, TypeError, AttributeError, RecursionError):
        return False


_JOINED_INDICATOR = "LEAKSCAN_LVM_JOINED"
_JOINED_PREFIX = "leakscan-lvm-joined"
_JOINED: dict[str, tuple[Any, int, dict[str, Any]]] = {}  # location -> (areas, size, {PV UUID: file object})
_JOINED_COUNT = itertools.count()  # never reused: dfvfs caches what it opened by location


def release_joined(locations: list[str]) -> None:
    """Forget the joined volumes at LOCATIONS and close their physical volumes' file objects (dfvfs' own:
    each held the image's file open, an in-memory copy of a nested image too, for the process's life).
    Total: a failure path of the image's close, it never raises."""
    while locations:
        _, _, readers = _JOINED.pop(locations.pop(), (None, 0, {}))
        for reader in readers.values():
            try:
                reader.close()
            except Exception:  # noqa: BLE001 - closing must not raise (dfvfs: OSError, its own errors)
                log.debug("a physical volume of a joined volume did not close", exc_info=True)


def _open_joined(location: str) -> Any:
    """image_pathspec's reader of a joined logical volume registered by LayerFinder._joined_volume (this process)."""
    from .image_lvm import JoinedVolume

    try:
        areas, size, readers = _JOINED[location]
    except KeyError:
        raise OSError("a joined logical volume not assembled in this process") from None
    return JoinedVolume(areas, size, readers)


def _library(kind: str) -> str:
    return {"LUKSDE": "libluksde", "BDE": "libbde"}.get(kind, "dfvfs")


def _filetime_iso(value: int | None) -> str | None:
    """A Windows FILETIME (100 ns since 1601) as ISO 8601 UTC."""
    if not value:
        return None
    from datetime import UTC, datetime, timedelta

    try:
        return (datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=value // 10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    except OverflowError:
        return None
