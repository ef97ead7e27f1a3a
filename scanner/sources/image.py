"""A disk image (raw/dd, split raw, E01, VMDK, VHD/VHDX, QCOW2, UDIF ...) as a source, opened read-only.

Three steps, each in its own module: the storage media (image_media: E01 through pyewf, raw with
pread, the other formats through dfvfs), the layers below it (image_layers: partitions, LVM, APFS,
LUKS/BitLocker, each Volume Shadow Copy store, each found and failed on its own), and a walk of each
file system (image_fs: The Sleuth Kit, deleted entries included; image_dfvfs for the file systems TSK
does not read, APFS and XFS). Every entry's location names the chain:
``IMAGE » p2 » vss1 (NTFS) » /Users/staff/x.xlsx``, or ``IMAGE » fs (ext4) » /x.xlsx`` when the
image holds one file system and no partition table.
"""

from __future__ import annotations

import logging
import os
import stat
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ..codes import Status
from ..details import Detail, join_details, params_of, say
from ..errors import SourceError
from ..models import Hop, Location, Skipped
from .base import Item, NameBatch, batched
from .image_backing import BackingFormatUnread
from .image_layers import Layer, LayerFinder, full_reason, release_joined
from .image_parents import MAX_CHAIN, ParentChainError, ParentMismatchError
from .image_parttypes import Verdict
from .image_sniff import looks_like_image
from .volume_keys import VolumeKeys

if TYPE_CHECKING:
    from .image_md import Gathered, Media
    from .image_vhd import Damage

__all__ = ["ImageSource", "looks_like_image"]

log = logging.getLogger("leakscan")
_T = TypeVar("_T")

READ_ONLY = ("read-only: image files opened O_RDONLY (O_NOATIME where allowed); partitions, volumes and shadow "
             "copies found with dfvfs, file systems walked with The Sleuth Kit (deleted entries included), "
             "APFS and XFS with dfvfs")
SNAPSHOT = "snapshot"


def _segment_stats(paths: list[str]) -> list[tuple[int, int] | None]:
    """(size, mtime in ns) of each image file (None when it cannot be stat'ed)."""
    out: list[tuple[int, int] | None] = []
    for p in paths:
        try:
            st = os.stat(p)
            out.append((st.st_size, st.st_mtime_ns))
        except OSError:
            out.append(None)
    return out


def _ident(path: str) -> tuple[int, int] | None:
    """(device, inode) of an image file, None when it cannot be reached (removed, device gone)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def lost_files(idents: list[tuple[str, tuple[int, int] | None]]) -> str:
    """Why one of an image's files is gone now, or "" (see ImageSource.lost)."""
    for i, (path, was) in enumerate(idents):
        now = _ident(path)
        if now is None or (was is not None and now != was):
            if len(idents) > 1:
                return say(Detail.IMAGE_PART_GONE if now is None else Detail.IMAGE_PART_REPLACED, n=i + 1)
            return say(Detail.IMAGE_FILE_GONE if now is None else Detail.IMAGE_FILE_REPLACED)
    return ""


def _segment_change(before: list[tuple[int, int] | None], after: list[tuple[int, int] | None]) -> str:
    for i, (b, a) in enumerate(zip(before, after, strict=True)):
        if b != a:
            sizes = f"{b[0] if b else '?'} bytes before, {a[0] if a else '?'} bytes after"
            return f"segment {i + 1}: {sizes}" + (" (modified time changed)" if b and a and b[0] == a[0] else "")
    return ""


def walked_estimate(counts: list[int | None], walk_from: int, walk_until: int | None) -> int | None:
    """The files the file systems from ``walk_from`` to ``walk_until`` count (None: none keeps a count)."""
    known = [n for n in counts[walk_from:walk_until] if n]
    return sum(known) if known else None


@dataclass
class Opened:
    """A layer whose file system could be opened, and how it is walked."""

    layer: Layer
    fs: Any  # pytsk3.FS_Info or a dfvfs FileSystem
    label: str  # NTFS, ext4, APFS ...
    walker: str  # "tsk" or the dfvfs note
    read: Callable[[int, int], bytes] | None = None  # the file system's bytes by offset (TSK layers)


# container formats recognised by their first bytes (image_sniff.signature_kind): name, module, library
SIGNED_FORMATS = {"vhd": ("VHD", "pyvhdi", "libvhdi"), "vhdx": ("VHDX", "pyvhdi", "libvhdi"),
                  "qcow": ("QCOW", "pyqcow", "libqcow"), "vmdk": ("VMDK", "pyvmdk", "libvmdk")}


FLAT_PREFIX = "LEAKSCAN_VMDK_FLAT_PREFIX"  # path spec of the flat VMDK extents before a missing one


def _snapshot_reader(location: str) -> Any:
    """The image_pathspec reader of one internal QCOW2 snapshot (its place in _SNAPSHOTS): over its backing file's
    disk when the QCOW2 file is an overlay."""
    from .image_backing import declared_of
    from .image_qcow import BackingDisk, SnapshotReader

    path, index, under = _SNAPSHOTS[location]
    return SnapshotReader(path, index, (lambda: BackingDisk(under, declared_of(path))) if under is not None else None)


def _flat_prefix_reader(location: str) -> Any:
    """image_pathspec's reader of FLAT_PREFIX: the present flat extents of the VMDK at LOCATION, joined."""
    from .image_media import RawImage, vmdk_flat_prefix

    present, _ = vmdk_flat_prefix(location)
    if not present:
        raise OSError("no flat extents to read before a missing one")
    return RawImage([p for p, _, _ in present], [size for _, _, size in present])


_QCOW_DISK = "LEAKSCAN_QCOW2"  # image_pathspec reader of a QCOW2 image's current disk read by image_qcow.QcowReader
_QCOW_DISKS: dict[str, str] = {}  # its locations: the QCOW2 file
QCOW_READ_HERE = "QCOW (read by leakscan's own QCOW2 reader)"  # the format said when QcowReader serves the image


def _qcow_disk_reader(location: str) -> Any:
    """The image_pathspec reader of _QCOW_DISK: the current disk of the QCOW2 file at its place in _QCOW_DISKS."""
    from .image_qcow import open_qcow

    return open_qcow(_QCOW_DISKS[location])


_MD_ARRAY = "LEAKSCAN_MD"  # image_pathspec reader of a Linux md array rebuilt from its members (image_md)
# its locations: MdArray's arguments (superblock, {slot: member}, each member's superblock and place, the opener)
_MD_ARRAYS: dict[str, tuple[Any, dict[int, str], dict[str, Any], dict[str, Any], Any]] = {}


def _partitions_of(media: Media) -> list[tuple[int, int | None]]:
    """(start, length) of each partition of the disk MEDIA (a member image's, image_md.Media; GPT, else MBR): where
    image_md looks for the other members of an array on partitions. Nothing for a disk with no partition table."""
    from .image_sniff import gpt_entries, mbr_entries

    try:
        size = media.get_size()

        def read(offset: int, n: int) -> bytes:
            return media.read(offset, max(0, min(n, size - offset))) if 0 <= offset < size else b""

        entries = gpt_entries(read, size) or mbr_entries(read(0, 512), read)
        return [(off, length) for _, off, length, _ in entries if 0 < off and 0 < length <= size - off]
    except (OSError, RuntimeError, OverflowError, ValueError, struct.error):
        return []


def _md_array_reader(location: str) -> Any:
    """The image_pathspec reader of _MD_ARRAY: the array registered at LOCATION (_MD_ARRAYS), read from its members."""
    from .image_md import MdArray

    return MdArray(*_MD_ARRAYS[location])


# the image kinds (dfvfs' type indicators) whose partitions may be md members read with image_media.open_md_member
_MD_MEMBER_KINDS = ("RAW", "OS", "EWF", "VMDK", "QCOW", "VHDI")


_QCOW_SNAPSHOT = "LEAKSCAN_QCOW2_SNAPSHOT"  # image_pathspec reader of one internal snapshot (image_qcow)
# its locations: (QCOW2 file, place in its snapshot table, its backing file or None)
_SNAPSHOTS: dict[str, tuple[str, int, str | None]] = {}
_ZERO_CHECK = 1 << 30  # bytes of an overlay's zero-marked clusters compared with what libqcow reads there
_ZERO_COUNT = 1 << 20  # zero-marked clusters counted at most (the row's count stops there)
_SNAPSHOTS_READ = 32  # internal snapshots read per image (qemu allows 65,536): those after are listed
_OPENED_BESIDE = ("extent", "segment", "parent", "backing")  # media_files roles a library opens by itself
_DFVFS_WALKED = ("XFS", "APFS")  # file systems The Sleuth Kit does not read: found by dfvfs, walked through it


# image_qcow.Inconsistency kinds said with a count and a byte
_QCOW2_DAMAGE = {"misaligned": Detail.QCOW2_POINTER_MISALIGNED, "reused": Detail.QCOW2_CLUSTER_REUSED,
                 "outside": Detail.QCOW2_POINTER_PAST_END, "unreferenced": Detail.QCOW2_CLUSTERS_UNREFERENCED}


_E = TypeVar("_E", bound=BaseException)


def _raised_from(e: BaseException | None, kind: type[_E]) -> _E | None:
    """The exception of KIND that E is or was raised from (dfvfs passes it on, perhaps wrapped), or None: a chain of
    parents that loops or runs too deep (image_parents), a backing file in a format not read (image_backing)."""
    seen: set[int] = set()
    while e is not None and id(e) not in seen:
        if isinstance(e, kind):
            return e
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return None


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "a special file"


class ImageSource:
    """One disk image. ``verify_images``: True/False, or None for the default (E01/Ex01 verified)."""

    kind = "image"  # a scan walks a SOURCE image in a process of its own (scanner.image_walker)

    def __init__(self, text: str, verify_images: bool | None = None, keys: VolumeKeys | None = None,
                 within: Location | None = None, peers: tuple[str, ...] | list[str] = (), **_options: Any) -> None:
        self.text = text
        # the scan's SOURCEs: the other members of a Linux md array among them, and which of them reads it (_serve_md)
        self.peers = tuple(peers)
        # an image met inside another source: its entries live one hop below that file's location
        self.within = within
        self._source = within.source if within is not None else text
        self._prefix: tuple[Hop, ...] = within.containers if within is not None else ()
        self._name = within.path if within is not None else text
        self.verify_images = verify_images
        self._keys = keys or VolumeKeys()
        self._img: Any = None
        self._storage: Any = None  # dfvfs path spec of the storage media (partitions read directly are searched in it)
        self._kind = "RAW"
        self._format = "unknown"
        self._layers: list[Layer] = []
        self._opened: list[Opened] = []
        self._counts: list[int | None] | None = None  # layer_counts(), read once
        self._problems: list[tuple[Layer, Skipped]] = []  # layers that could not be read, and why
        self._notes: list[tuple[Layer, Status, str]] = []  # partitions with nothing to examine (all zero): described
        self._moved: list[Layer] = []  # partitions walked where their moved start's file system is (said, no problem)
        self._media_skips: list[Skipped] = []  # image files missing (an EWF segment), listed once for the image
        self._stored: dict[str, str] = {}
        self._computed: dict[str, str] = {}
        self._verify_error = ""
        self._headers: dict[str, str] = {}
        self._files: list[dict[str, Any]] = [{"path": text, "role": "image", "size": None}]
        self._idents: list[tuple[str, tuple[int, int] | None]] = []  # each image file as opened (lost())
        self._extra_imgs: list[Any] = []
        self._held: Any = None  # dfvfs' file object of the storage media, held while the image is open (_hold)
        self._joined: list[str] = []  # joined LVM volumes registered for this image (image_layers.release_joined)
        self._flat_sizes: list[tuple[str, int, int]] = []  # flat VMDK extents read whose size is not the descriptor's
        self._stand_ins: list[tuple[str, int, int]] = []  # sparse VMDK extents missing, read as zeros: name, at, size
        self._flat_after: list[str] = []  # the flat VMDK extents after the part read (missing, or after a cut one)
        self._bundle: Any = None  # a macOS sparse bundle's facts (image_bundle.BundleInfo) when the image is one
        self._udif: Any = None  # a UDIF libmodi refused, read table by table (image_udif.UdifInfo)
        self._udif_refusal = ""
        self._snapshots_read = 0  # internal snapshots of a QCOW2 image read as disks of their own
        self._qcow_served = ""  # said on each volume when image_qcow.QcowReader serves a QCOW2 image (_serve_qcow)
        self._md: dict[str, Any] | None = None  # a Linux md array rebuilt from its member images (_serve_md)
        self._md_notes: list[str] = []  # said on each of its volumes
        self._md_skips: list[Skipped] = []  # its stale members, listed once
        self._md_elsewhere: list[Layer] = []  # md member partitions of an array another image reads: described
        self._md_stale: list[Layer] = []  # stale raid1 members: older copies of the array, walked on their own
        self._kept: Any = None  # the EwfImage the md check opened (_serve_md), handed to the walk (_open_media)
        self._md_stale_why: dict[str, str] = {}  # stale members whose older copy cannot be read alone: why
        # in the walker process (image_walker): each step restarts its clock, so a stuck library is stopped
        self.step_seconds: float | None = None
        self.walking = ("walking the image", "pytsk3, dfvfs")  # the walk's current step and library
        # called before each directory is listed; a detail back: not listed, but listed as walk-stopped
        self.before_listing: Callable[[], str | None] | None = None
        self.layer_started: Callable[[int, tuple[Hop, ...]], None] | None = None  # (index, hops) of each walk
        self.walk_from = 0  # a walker started again after a layer killed the last one: the layers after it
        self.walk_until: int | None = None  # one part of a distributed scan: the layers before this one only

    def _step(self, step: str, decoder: str) -> None:
        """Say what the walk starts now (``isolation.mark``), in the walker process only: an image met inside a
        source is walked by the image inspector, whose step it stays."""
        if self.step_seconds is not None:
            from ..isolation import mark

            mark(step, self.step_seconds, None, decoder)

    # --- opening -----------------------------------------------------------------------------
    def __enter__(self) -> ImageSource:
        from .image_noatime import dfvfs_without_atime
        from .image_parents import dfvfs_parents_beside

        dfvfs_without_atime()  # dfvfs would otherwise move the image's access time
        dfvfs_parents_beside()  # VMDK snapshots' parents; QCOW2 backing files named by a host's absolute path
        self._step("recognising the image format", "dfvfs")
        if os.path.isdir(self.text) or not self._serve_md():
            self._open_storage()
        elif self._md is not None and self._md.get("read_with"):
            return self  # a member of an array another image reads: described, nothing walked here
        if self._verify_wanted():
            self._step("verifying the image's stored hashes", f"dfvfs ({self._kind})")
            self._verify()
        self._hold()
        try:
            self._step("finding partitions, volumes and snapshots", "dfvfs")
            self._layers = (LayerFinder(self._keys, self._joined).find(self._storage)  # a UDIF read by table: its own
                            if self._storage is not None or not self._md_stale else [])  # spec; md: older copies only
        except Exception as e:  # noqa: BLE001 - a bug or a library crash in one image must not end the scan
            log.debug("layer search failed", exc_info=True)
            said = say(Detail.DFVFS_LAYERS_UNREAD, library=full_reason(e))
            cut = self._qcow_cut_short() if self._kind == "QCOW" else []
            if not cut:
                raise SourceError(said) from e
            self.__exit__()  # a QCOW2 cut before its first tables: nothing of the disk is in the file, said so
            error = SourceError(join_details((cut[0].detail, say(Detail.NOTHING_WALKABLE, reasons=said))))
            error.skipped = cut
            raise error from e
        only = self._layers[0] if len(self._layers) == 1 else None
        if (only is not None and only.names == ("fs",) and only.fs_type is None
                and (only.problem is None or only.problem[0] == Status.CORRUPT)):  # no file system, or a table refused
            self._layers = self._table_read_directly(only.problem[1] if only.problem else "") or self._layers
        else:
            self._check_gpt()
        self._note_cut_partitions()
        self._note_short_backing()
        self._note_qcow_served()
        for layer in self._layers if self._md_notes else []:  # a Linux md array rebuilt here: each volume says so
            layer.facts["note"] = join_details([layer.facts.get("note") or "", *self._md_notes])
        self._note_overlaps()
        self._name_partition_types()
        self._layers = self._md_partitions(self._layers) + self._md_stale
        self._layers += self._qcow_snapshot_layers()
        for layer in self._layers:
            self._open_layer(layer)
        self._drop_moved_rows()
        self._media_skips = (self._missing_segments() or self._qcow_cut_short() or self._qcow_damage()
                             or self._vhd_damage() or self._cut_short())
        self._media_skips += (self._md_skips + self._bundle_damage() + self._udif_damage() + self._qcow_snapshots()
                              + self._qcow_zeros_from_backing() + self._qcow_compressed_misread())
        # every partition all zero, or read as an md array by another image (a disk holding only members: described)
        blank = bool(self._notes or self._md_elsewhere) and not self._problems and not self._media_skips
        if blank and self._kind == "EWF":  # a cut or damaged E01 reads its missing chunks as zeros: no blank disk
            blank = self._ewf_state()[0] in (Detail.EWF_VERIFIED_ONE_NOTHING, Detail.EWF_VERIFIED_NOTHING,
                                             Detail.EWF_UNVERIFIED_NOTHING)
        if not self._opened and not blank:  # a blank disk is a normal scan that lists its empty partitions (review11a #15)
            state, params = self._ewf_state() if self._kind == "EWF" else (Detail.NOTHING_WALKABLE, {})  # before exit
            try:  # the chain of custody (format, files, hashes, layers) is kept though nothing is walkable
                details: dict[str, Any] | None = self.describe()
            except Exception:  # noqa: BLE001 - describing is best effort; the error below says what is wrong
                log.debug("image not described", exc_info=True)
                details = None
            self.__exit__()
            reasons = join_details([*(p.detail for _, p in self._problems), *(d for _, _, d in self._notes)])
            reasons = reasons or say(Detail.NO_PARTITION_FOUND)
            if self._media_skips:
                said = join_details((self._media_skips[0].detail, say(Detail.NOTHING_WALKABLE, reasons=reasons)))
            else:
                said = say(state, reasons=reasons, **params)
            error = SourceError(said)
            error.skipped = [*self._media_skips, *(p for _, p in self._problems)]  # each layer with its own reason
            error.details = details
            raise error
        if self.within is None:
            self._idents = [(f["path"], _ident(f["path"])) for f in self._files if not f.get("missing")]
        return self

    def _open_storage(self) -> None:
        """The storage media by its format (dfvfs' path spec, then the library reading it); the EWF handle the md
        check opened (``_kept``) is read, or closed when the image is refused before (or is no EWF after all)."""
        try:
            self._open_storage_kept()
        finally:
            if self._kept is not None:
                self._kept.close()
                self._kept = None

    def _open_storage_kept(self) -> None:
        if not os.path.isdir(self.text):
            self._refuse_encrypted_dmg()
            self._refuse_cut_udif()
        storage = self._storage = self._storage_spec()
        self._files = self._media_files()
        self._refuse_linked_files()
        self._refuse_encrypted_qcow()
        self._place_missing_in_container()
        self._step("opening the image", f"dfvfs ({self._kind})")
        self._open_media(storage)
        if self._kind == "QCOW" and not self._qcow_served:
            self._serve_qcow(required=False)

    def _serve_md(self) -> bool:
        """A member image of a Linux md array (image_md): the array, rebuilt from its members (this image, the other
        SOURCEs and the regular files beside it, read-only), is the disk: The Sleuth Kit reads it directly
        (ReaderImage), dfvfs' layers through a path spec of leakscan's own (image_pathspec). One image reads each
        array (_md_reader); the others are described as read with it. An array that cannot be rebuilt (members
        missing, a layout or state not read here) is a SourceError saying why and naming the members found, or, when
        the image starts with a partition table, listed while the image is walked as the disk it also is. False: no
        md member (or walked as that disk)."""
        from .image_md import MdRefused, gather, md_super_in
        from .image_media import EwfImage, ReaderImage, open_md_member

        here = os.path.abspath(self.text)
        try:
            opened = open_md_member(here)
        except OSError:
            return False
        first = md_super_in(opened.media)
        if first is None and isinstance(opened.media, EwfImage):
            self._kept = opened.media  # no member: the walk reads this handle (images21: pyewf opened it twice)
        else:
            opened.media.close()
        if first is None:
            return False
        self._step("rebuilding the Linux md array", "leakscan (md)")
        found = gather((here, 0, None), first, self._md_candidates(), opener=open_md_member)
        if self._lone_mirror(found):
            return False
        self._kind = "MD"
        self._md, sb = self._md_facts(found)
        self._files = self._md_files(found)
        reader = self._md_reader(found)
        try:
            spec, array, notes = self._md_array(found, here + ".leakscan-md")
        except (MdRefused, OSError) as e:
            status, said = self._md_refusal(found, e)
            refused = Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), status,
                              join_details([said, self._md_archived()]))
            if self._partitioned():  # an old array's superblock left at the end of a reused disk (nothing
                # overwrites it), or a member whose start still reads: walked as the disk it is, the array listed
                self._md, self._kind, self._files, self._md_skips = None, "RAW", [], [refused]
                return False
            if reader == here:
                stale, walked = self._md_stale_copies(found, here + ".leakscan-md", ())
                if stale:  # images22: the current array refused (too few members at the newest count), an older
                    # one whose members failed together rebuilt (raid5: 2 of 3 at one count): walked, the refusal said
                    older = min(k for k in _MD_ARRAYS if k.startswith(here + ".leakscan-md/stale/"))
                    self._md_stale, self._storage = stale, None
                    self._img = ReaderImage(_md_array_reader(older))  # the checks of the disk read the older copy
                    self._md_skips = [refused, *self._md_left_out(found, walked)]
                    self._format = f"Linux md {sb.level_name} (current array not rebuilt; an older copy read)"
                    return True
                error = SourceError(refused.detail)
                error.skipped = [refused, *self._md_gaps(found)]
                raise error from e
        else:
            if reader != here:
                array.close()
        if reader != here:
            self._md["read_with"] = reader
            with_ = self._md_name((reader, 0, None), found)
            self._format = f"Linux md {sb.level_name} member (read as the array with {with_})"
            return True
        if array.present < sb.raid_disks:
            notes.append(self._md_archived())
        self._img, self._storage, self._md_notes = ReaderImage(array), spec, [n for n in notes if n]
        self._format = (f"Linux md {sb.level_name} (rebuilt by leakscan from {array.present} of {sb.raid_disks} "
                        "members)")
        self._md_stale, walked = self._md_stale_copies(found, here + ".leakscan-md", ())
        self._md_skips = self._md_left_out(found, walked) + self._md_verify(found)
        return True

    def _md_verify(self, found: Gathered) -> list[Skipped]:
        """Each EWF member image of the array FOUND re-read against the hashes stored in it, as a plain E01 is
        (unless --no-verify-images): libewf reads a chunk whose checksum fails without an error, so the array would
        be read from damaged data unsaid. A member missing a segment is said so already (_md_gaps)."""
        from .image_media import EwfImage, media_hashes

        if self.verify_images is False:
            return []
        where = Location(self._source, "", (*self._prefix, self._image_hop()))
        members = {p for p, _, _ in found.places.values()}
        out = []
        for path, (_, form) in sorted(found.opened.items()):
            if path not in members or not form.startswith("EWF") or found.gaps.get(path):
                continue
            try:
                ewf = EwfImage(path)
            except (SourceError, OSError, RuntimeError):
                continue  # not opened here: not gathered either
            names: list[str] = []
            try:
                stored = ewf.stored_hashes()
                names = [n for n in ("md5", "sha1", "sha256") if n in stored]
                if not names:
                    continue
                self._step(f"verifying md member {os.path.basename(path)} against its stored hashes", "pyewf")
                computed = media_hashes(self._marked(ewf.read), ewf.get_size(), names)
                why = "; ".join(f"{n.upper()} stored {stored[n]}, computed {computed[n]}" for n in names
                                if computed[n] != stored[n])
            except (OSError, RuntimeError, SourceError) as e:
                why = f"verify pass stopped: {full_reason(e)}"
            finally:
                ewf.close()
            if why:
                out.append(Skipped(where, Status.CORRUPT, say(
                    Detail.MD_MEMBER_HASH_MISMATCH, name=self._md_name((path, 0, None), found),
                    hashes=" and ".join(n.upper() for n in names), why=why)))
        return out

    def _marked(self, read: Callable[[int, int], bytes]) -> Callable[[int, int], bytes]:
        """READ restarting the walker's step clock at each call (a long verify pass is progress, not a hang)."""
        if self.step_seconds is None:
            return read
        from ..isolation import mark

        def read_marked(offset: int, size: int) -> bytes:
            mark(None, self.step_seconds)
            return read(offset, size)

        return read_marked

    def _lone_mirror(self, found: Gathered) -> bool:
        """A raid1 member alone (no other member of its array among the images) whose data starts at its first byte
        (metadata 1.0/0.90) and that starts with a partition table: the disk it is holds the array's bytes (and a PC
        disk reused from an old NAS keeps the superblock at its end): walked as that disk, said on each volume
        (md-lone-mirror), no alarm of a degraded array."""
        if len(found.supers) != 1:
            return False
        sb = next(iter(found.supers.values()))
        if sb.level != 1 or sb.raid_disks < 2 or sb.data_offset or sb.role is None:
            return False
        if not self._partitioned():
            return False
        self._md_notes = [say(Detail.MD_LONE_MIRROR, slot=sb.role, slots=sb.raid_disks, version=sb.version)]
        return True

    def _md_archived(self) -> str:
        """md-members-in-archive when this member image was met inside an archive or another image (its other
        members are not looked for there), else ""."""
        if self.within is None or not self.within.containers:
            return ""
        return say(Detail.MD_MEMBERS_IN_ARCHIVE, container=os.path.basename(self.within.containers[-1].name))

    def _md_stale_copies(self, found: Gathered, location: str, names: tuple[str, ...]) -> tuple[list[Layer], set[str]]:
        """The layers of each older copy of the array FOUND (its stale members: behind the newest event count,
        superblock good, not halfway through a rebuild; those at one event count failed together and are one copy,
        read as md would assemble them: raid1, raid10 members holding every chunk between them): a whole older file
        system, which may hold files deleted since (a client list), walked as a volume of its own named stale-slotN
        (its lowest slot) below NAMES; and the members so walked. A copy that cannot be read alone (a raid4/5/6
        member's slice of each stripe) has why in ``_md_stale_why``, said with the member (_md_left_out)."""
        from dfvfs.path import factory

        from .image_md import MdArray, MdRefused
        from .image_pathspec import register_reader

        layers: list[Layer] = []
        walked: set[str] = set()
        moments: dict[int, dict[int, str]] = {}  # event count: {slot: member} (members failed together: one copy)
        for key, sb in found.stale():
            if not sb.checksum_ok or sb.recovery_offset or sb.events >= found.newest:
                continue
            moments.setdefault(sb.events, {}).setdefault(sb.role or 0, key)  # a slot twice: the other listed
        for events, members in sorted(moments.items()):
            first = min(members)
            sb = found.supers[members[first]]
            at = f"{location}/stale/{first}"
            try:  # raid1, or raid10 members holding a copy of every chunk between them (images21: raid10's were
                MdArray(sb, members, found.supers, found.places, found.opener).close()  # only listed)
            except (MdRefused, OSError) as e:  # a slice of each stripe (raid4/5/6, raid0), too few copies: said
                for key in members.values():
                    self._md_stale_why[key] = say(Detail.MD_STALE_UNREAD, level=sb.level_name,
                                                  slots=",".join(str(r) for r in sorted(members)), why=str(e))
                continue
            _MD_ARRAYS[at] = (sb, members, found.supers, found.places, found.opener)
            register_reader(_MD_ARRAY, _md_array_reader)
            note = say(Detail.MD_STALE_COPY, level=sb.level_name, name=", ".join(self._md_name(found.places[members[r]], found)
                                                            for r in sorted(members)), events=events,
                       newest=found.newest)
            spec = factory.Factory.NewPathSpec(_MD_ARRAY, location=at)
            layers += LayerFinder(self._keys, self._joined).find_inside(
                spec, (*names, f"stale-slot{first}"), None, {"note": note})
            walked.update(members.values())
        return layers, walked

    def _md_files(self, found: Gathered) -> list[dict[str, Any]]:
        """The files of the array FOUND: each member image (its format: raw, EWF, VMDK ...), then the files its
        container reads beside it (segments, extents), this image first."""
        here = os.path.abspath(self.text)
        out = []
        for path in sorted({p for p, _, _ in found.places.values()}, key=lambda p: (p != here, p)):
            parts, form = found.opened.get(path, ([path], "raw"))
            for part in [path, *(q for q in parts if q != path)]:
                if os.path.isfile(part):
                    out.append({"path": self.text if part == here else part, "size": os.path.getsize(part),
                                "role": "md member" if part == path else "md member segment", "format": form,
                                **({} if part == path else {"member": path})})
        return out

    def _md_candidates(self) -> list[str]:
        """Where the other members of an md array are looked for, besides the files beside this image: the other
        SOURCEs; for an image met in a local folder SOURCE, the files in the folders beside its own folder inside
        that SOURCE (a disk imaged into each: Disk0/image.dd, Disk1/image.dd), read-only, no link followed."""
        from .image_md import MAX_BESIDE
        from .image_noatime import list_evidence_folder

        out = [p for p in self.peers if os.path.isfile(p)]
        if self.within is None:
            return out
        root, own = os.path.abspath(self.within.source), os.path.dirname(os.path.abspath(self.text))
        parent = os.path.dirname(own)
        try:
            if not os.path.isdir(root) or os.path.commonpath([root, parent]) != root:
                return out  # an image in an archive, or in the SOURCE folder itself: nothing beyond it
            for name in sorted(list_evidence_folder(parent)):
                folder = os.path.join(parent, name)
                if folder == own or not stat.S_ISDIR(os.lstat(folder).st_mode):
                    continue
                out += [os.path.join(folder, n) for n in sorted(list_evidence_folder(folder))]
                if len(out) >= MAX_BESIDE:
                    break
        except (OSError, ValueError):
            pass
        return out[:MAX_BESIDE]

    def _partitioned(self) -> bool:
        """Whether the image's disk (a raw file's, or its container's: image_media.open_md_member) starts with a
        partition table (MBR, GPT, APM): a disk of its own too."""
        from .image_media import open_md_member
        from .image_sniff import HEAD, TAIL, quick_kind

        try:
            opened = open_md_member(os.path.abspath(self.text))
        except OSError:
            return False
        try:
            size = opened.media.get_size()
            head, tail = opened.media.read(0, HEAD), opened.media.read(size - TAIL, TAIL) if size >= 2 * TAIL else b""
        except (OSError, RuntimeError, OverflowError):
            return False
        finally:
            opened.media.close()
        return quick_kind(head, tail) in ("mbr", "gpt", "apm")

    def _md_facts(self, found: Gathered) -> tuple[dict[str, Any], Any]:
        """md_array's facts of the array FOUND (image_md.Gathered), and its freshest current superblock."""
        current = found.current()
        sb = found.supers[current[min(current)]] if current else next(iter(found.supers.values()))
        members = sorted(found.supers.items(), key=lambda kv: (kv[1].role is None, kv[1].role or 0, kv[0]))
        facts = {"uuid": sb.uuid, "name": sb.name, "level": sb.level_name, "layout": sb.layout_name,
                 "chunk": sb.chunk, "metadata": sb.version, "slots": sb.raid_disks, "events": found.newest,
                 "members": [{"path": k, "slot": s.role, "events": s.events,
                              "format": found.opened.get(found.places[k][0], ([], "raw"))[1],
                              "read": s.role is not None and current.get(s.role) == k} for k, s in members],
                 "missing_slots": sorted(set(range(sb.raid_disks)) - set(current))}
        return facts, sb

    def _md_reader(self, found: Gathered) -> str:
        """The image file that reads the array FOUND: the first SOURCE holding one of its members, or, for members
        met inside a source, the one holding the member in the lowest current slot among those the walk opens as
        images (image-like name or signature: a 1.0/0.90 member starting with parity is not opened; left to it, the
        array was walked by none), else this one."""
        from .image_sniff import signed_as_image
        from .single import IMAGE_SUFFIXES

        here = os.path.abspath(self.text)
        paths = {path for path, _, _ in found.places.values()}
        if self.within is None:
            return next((p for p in map(os.path.abspath, self.peers) if p in paths), here)
        current = found.current()
        for role in sorted(current):
            path = str(found.places[current[role]][0])
            if path == here or os.path.splitext(path)[1].casefold() in IMAGE_SUFFIXES or signed_as_image(path):
                return path
        return here

    def _md_array(self, found: Gathered, location: str) -> tuple[Any, Any, list[str]]:
        """(path spec, image_md.MdArray, the notes of its volumes) of the array FOUND, registered at LOCATION."""
        from dfvfs.path import factory

        from .image_md import MdArray
        from .image_pathspec import register_reader

        current = found.current()
        sb = found.supers[current[min(current)]] if current else next(iter(found.supers.values()))
        array = MdArray(sb, current, found.supers, found.places, found.opener)
        _MD_ARRAYS[location] = (sb, current, found.supers, found.places, found.opener)
        register_reader(_MD_ARRAY, _md_array_reader)
        read = ", ".join(self._md_name(found.places[current[r]], found) for r in sorted(current))
        notes = [say(Detail.MD_ARRAY_READ, level=sb.level_name, version=sb.version, layout=sb.layout_name or "none",
                     chunk=sb.chunk, present=len(current), slots=sb.raid_disks, members=read)]
        if array.missing and found.unread:  # a member's container its library refused: named (images21)
            notes.append(self._md_unread(found))
        degraded = array.rebuilt_slots()  # missing, or cut short (the chunks past its end)
        if sb.level == 1 and len(found.supers) == 1 and not array.cut:  # alone: a whole copy, nothing rebuilt
            notes.append(say(Detail.MD_LONE_MIRROR_READ, slot=min(current), slots=sb.raid_disks, version=sb.version))
        elif degraded:
            notes.append(say(Detail.MD_DEGRADED, level=sb.level_name, slots=",".join(str(r) for r in degraded)))
        return factory.Factory.NewPathSpec(_MD_ARRAY, location=location), array, notes

    def _md_name(self, place: tuple[str, int, int | None], found: Gathered) -> str:
        """A member as said in a detail: its file's name (with its folder's when another member of the array FOUND
        has the same name: Disk0/image.dd; this image met in an archive: its name there), and the byte its partition
        starts at."""
        path, start, length = place
        name = os.path.basename(self._name if path == os.path.abspath(self.text) else path)
        if sum(os.path.basename(p) == name for p in {p for p, _, _ in found.places.values()}) > 1:
            name = os.path.join(os.path.basename(os.path.dirname(path)), name)
        return name if start == 0 and length is None else f"{name} at byte {start}"

    def _md_refusal(self, found: Gathered, e: BaseException) -> tuple[Status, str]:
        """(status, detail) of an array FOUND that E says cannot be rebuilt: corrupt when members are missing."""
        from .image_md import MdRefused

        current = found.current()
        sb = found.supers[current[min(current)]] if current else next(iter(found.supers.values()))
        names = ", ".join(self._md_name(p, found) for p in sorted(found.places.values(), key=lambda p: (p[0], p[1])))
        detail = say(Detail.MD_ARRAY_UNREAD, level=sb.level_name, why=str(e), members=names)
        missing = not isinstance(e, MdRefused) or e.missing
        if missing and found.unread:
            detail = join_details([detail, self._md_unread(found)])
        return (Status.CORRUPT if missing else Status.UNSUPPORTED), detail

    def _md_unread(self, found: Gathered) -> str:
        """md-images-unread: the image containers among the candidates their library refused (a cut E01, a VMDK
        missing its extent), each with why: a missing member may be one of them."""
        return say(Detail.MD_IMAGES_UNREAD, names=", ".join(f"{os.path.basename(p)} ({why})"
                                                            for p, why in sorted(found.unread.items())))

    def _md_left_out(self, found: Gathered, walked: set[str]) -> list[Skipped]:
        """The members of the array FOUND that md leaves out (stale, being rebuilt, a damaged superblock) and not
        WALKED as older copies of their own, and those claiming a slot another member fills: listed."""
        out = []
        where = Location(self._source, "", (*self._prefix, self._image_hop()))
        for key, stale in found.stale():
            if key in walked:
                continue
            name = self._md_name(found.places[key], found)
            said = join_details([say(Detail.MD_MEMBER_STALE, name=name, events=stale.events, newest=found.newest),
                                 self._md_stale_why.get(key, "")]) \
                if stale.checksum_ok else say(Detail.MD_SUPERBLOCK_DAMAGED, name=name)
            out.append(Skipped(where, Status.UNSUPPORTED if stale.checksum_ok else Status.CORRUPT, said))
        for key, other in found.duplicates():
            out.append(Skipped(where, Status.UNSUPPORTED, say(
                Detail.MD_MEMBER_DUPLICATE, name=self._md_name(found.places[key], found), slot=found.supers[key].role,
                other=self._md_name(found.places[other], found))))
        for key in found.contradicted:
            sb = found.supers[key]
            out.append(Skipped(where, Status.UNSUPPORTED, say(
                Detail.MD_MEMBER_CONTRADICTED, name=self._md_name(found.places[key], found), slot=sb.role,
                events=sb.events, newest=found.newest)))
        return out + self._md_gaps(found)

    def _md_gaps(self, found: Gathered) -> list[Skipped]:
        """A member's container missing a file it names (disk1.E03 lost: libewf reads the member up to the gap, the
        array rebuilds the rest from parity or fails there), or a QCOW2 member cut short: listed once for each, as
        for a plain image (media-file-missing, qcow2-cut-short)."""
        from .image_qcow import QCOW_MAGIC, cut_short
        from .image_sniff import open_evidence

        where = Location(self._source, "", (*self._prefix, self._image_hop()))
        out = [Skipped(where, Status.UNREADABLE, say(
            Detail.MEDIA_FILE_MISSING, what="segment", names=", ".join(gone),
            span=f" in md member {self._md_name((path, 0, None), found)}"))
            for path, gone in sorted(found.gaps.items()) if gone]
        # a QCOW2 member cut short: libqcow fails the reads past its end (the array rebuilds those chunks from the
        # others when it can), said as for a QCOW2 walked alone
        for part in sorted({p for parts, form in found.opened.values() if form == "QCOW" for p in parts}):
            try:
                fd = open_evidence(part)
                try:
                    cut = cut_short(fd) if os.pread(fd, 4, 0) == QCOW_MAGIC else None
                finally:
                    os.close(fd)
            except (OSError, ValueError, struct.error):
                continue
            if cut:
                out.append(Skipped(where, Status.CORRUPT, say(Detail.QCOW2_CUT_SHORT, name=os.path.basename(part),
                                                             needed=cut[0], held=cut[1])))
        return out

    def _md_partitions(self, layers: list[Layer]) -> list[Layer]:
        """Partitions of a raw disk image that are Linux md members (a NAS's volumes: md on partitions 1, 2 and 3
        or 5 of every disk): each array is rebuilt from the partitions of its member images (this one, the other
        SOURCEs, the regular files beside it) and its layers take the partition's place, named below it (p3/md).
        A partition of an array another image reads is described (md-read-with), not walked; an array that cannot
        be rebuilt: the partition listed with why (md-array-unread)."""
        from .image_md import MdRefused, gather, md_super_in
        from .image_media import open_md_member

        if self._md is not None or self._kind not in _MD_MEMBER_KINDS or self._img is None or self._udif is not None:
            return layers
        here, out = os.path.abspath(self.text), []
        peers = self._md_candidates()
        for layer in layers:
            size = layer.size or (self._img.get_size() - layer.offset if layer.offset is not None else 0)
            first = (md_super_in(self._img, layer.offset, size) if layer.offset and size > 0 and not layer.problem
                     else None)
            if first is None or layer.offset is None:
                out.append(layer)
                continue
            found = gather((here, layer.offset, size), first, peers, _partitions_of, open_md_member)
            facts, sb = self._md_facts(found)
            reader = self._md_reader(found)
            if reader != here:
                note = say(Detail.MD_READ_WITH, level=sb.level_name, name=self._md_name((reader, 0, None), found))
                self._md_elsewhere.append(Layer(layer.names, None, layer.offset, size, facts={
                    **layer.facts, "note": join_details([layer.facts.get("note") or "", note]), "md_array": facts}))
                continue
            try:
                spec, array, notes = self._md_array(found, f"{here}.leakscan-md/{layer.offset}")
                array.close()
            except (MdRefused, OSError) as e:
                out.append(Layer(layer.names, None, layer.offset, size, problem=self._md_refusal(found, e),
                                 facts={**layer.facts, "md_array": facts}))
                continue
            inner = {**layer.facts, "note": join_details([layer.facts.get("note") or "", *notes]), "md_array": facts}
            out += LayerFinder(self._keys, self._joined).find_inside(spec, (*layer.names, "md"), None, inner)
            stale, walked = self._md_stale_copies(found, f"{here}.leakscan-md/{layer.offset}", layer.names)
            out += stale
            self._md_skips += self._md_left_out(found, walked)
        return out

    def _ewf_state(self) -> tuple[Detail, dict[str, str]]:
        """What an EWF image of which nothing could be walked is (the code saying "nothing could be walked" with
        it, and its parameters but the reasons): complete and verified media that hold no file system leakscan
        reads (random, wiped or encrypted data) is no truncated image."""
        from .image_media import EwfImage

        whole = isinstance(self._img, EwfImage) and self._img.readable >= self._img.media_size
        verified = self.verified()
        if whole and verified:
            both = sorted(set(self._computed) & set(self._stored))
            stored = " and ".join(k.upper().replace("SHA", "SHA-") for k in both)
            return (Detail.EWF_VERIFIED_NOTHING if len(both) > 1 else Detail.EWF_VERIFIED_ONE_NOTHING), {"hashes": stored}
        if whole and verified is None:
            return Detail.EWF_UNVERIFIED_NOTHING, {}
        if whole and verified is False:
            return Detail.EWF_DAMAGED_NOTHING, {}
        return Detail.EWF_UNREADABLE_NOTHING, {}

    def lost(self) -> str:
        """Why the image's own file is gone now ("" while every file is the one that was opened): a segment
        removed, replaced, or on a device or mount that went away. Read errors met while it was gone are the
        loss's, not the image's damage (see pipeline.settle_lost)."""
        return lost_files(self._idents)

    def idents(self) -> list[tuple[str, tuple[int, int] | None]]:
        """Each image file as opened: (path, (device, inode)), for ``lost_files``."""
        return list(self._idents)

    def volume_keys(self) -> VolumeKeys:
        return self._keys

    def _missing_segments(self) -> list[Skipped]:
        """A segment missing from the middle or the end of a set (pc08.E03 of E01-E39): libewf opens the
        segments before the gap and reads the media up to there only, so whatever lies after it would
        vanish without a word. Listed once for the image, naming the missing files."""
        from .image_media import EwfImage, RawImage

        gone = [f for f in self._files if f.get("missing") and (f.get("role") == "segment" or (
            f.get("role") == "extent" and isinstance(self._img, RawImage)))]  # flat extents read up to the gap
        if self._stand_ins:  # sparse extents missing: the rest of the disk was read, their bytes were not
            spans = ", ".join(f"{name} (bytes {at} to {at + size} of the disk, read as zeros)"
                              for name, at, size in self._stand_ins)
            return [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.UNREADABLE,
                            say(Detail.EXTENT_READ_AS_ZEROS, names=spans))]  # review25i: not "after the gap"
        sizes = ", ".join(f"extent file {name} holds {actual} bytes where the descriptor says {size}"
                          for name, actual, size in self._flat_sizes)
        if self._flat_sizes and not gone:  # a flat VMDK read up to an extent cut short, those after it there, unread
            name, actual, size = self._flat_sizes[-1]
            return [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.UNREADABLE,
                            say(Detail.FLAT_EXTENT_CUT, name=name, actual=actual, size=size, at=self._img.get_size(),
                                after=", ".join(self._flat_after)))]
        if not gone:
            return []
        names = ", ".join(self._unnamed_rest(f) if f.get("unnamed") else f"{f['expected']} ({self._looked_for(f)})"
                          for f in gone)
        span, what = "", "segment"
        if any(f.get("role") == "extent" for f in gone):
            what = "extent"
            span = f" (bytes {self._img.get_size()} onwards of the disk)" if self._img is not None else ""
            if sizes:
                span += f" ({sizes}: read as far as both go)"
            between = [n for n in self._flat_after if n not in {f["expected"] for f in gone}]
            if between:  # present after an extent cut short, before the missing one: not read either
                span += f" (present but after the cut, so not read: {', '.join(between)})"
        if isinstance(self._img, EwfImage) and self._img.readable < self._img.media_size:
            span = f" (bytes {self._img.readable} to {self._img.media_size} of the media)"
        return [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.UNREADABLE,
                        say(Detail.MEDIA_FILE_MISSING, what=what, names=names, span=span))]

    def _unnamed_rest(self, row: dict[str, Any]) -> str:
        """The segments after a lone EWF segment whose own name does not say which segment it is."""
        where = (f"inside {row['in_container'].rsplit(' » ', 1)[0]}, " if row.get("in_container") else "")
        return (f"{row['expected']} ({where}this file is not named like an EWF segment (.E01/.Ex01), so the rest "
                "of its set cannot be found by name: give the segments their names (.E01, .E02 ...) in one folder "
                "and scan the first as a SOURCE)")

    def _qcow_cut_short(self) -> list[Skipped]:
        """A QCOW2 file (the image or a backing file) shorter than its own cluster tables say: libqcow reads the
        clusters past its end short, without an error, so The Sleuth Kit walks what is left and nothing said the
        rest was cut off (image_qcow). Said once per file cut; the scan is then incomplete (MEDIA_LOST)."""
        from .image_qcow import cut_short

        return [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.CORRUPT,
                        say(Detail.QCOW2_CUT_SHORT, name=name, needed=cut[0], held=cut[1]))
                for name, cut in self._each_qcow(cut_short)]

    def _qcow_damage(self) -> list[Skipped]:
        """A QCOW2 file (the image or a backing file) whose tables break the file's own bookkeeping (image_qcow.
        inconsistencies): a cluster referenced more often than its reference count allows, or a pointer off a
        cluster boundary. libqcow (and SnapshotReader) read what a moved pointer says without an error. Each kind
        said once per file; the scan is then incomplete (MEDIA_LOST)."""
        from .image_qcow import Inconsistency, inconsistencies

        def look(fd: int) -> list[Inconsistency] | None:
            size = os.fstat(fd).st_size
            return inconsistencies(lambda offset, n: os.pread(fd, max(0, min(n, size - offset)), offset)
                                   if 0 <= offset < size else b"", size) or None

        rows = self._each_qcow(look)
        return [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.CORRUPT,
                        say(Detail.QCOW2_REFCOUNTS_EXCEEDED, name=name, n=i.n, at=i.at, refs=i.refs, count=i.count)
                        if i.kind == "refcount" else say(_QCOW2_DAMAGE[i.kind], name=name, n=i.n, at=i.at))
                for name, found in rows for i in found]

    def _qcow_compressed_misread(self) -> list[Skipped]:
        """A compressed QCOW2 image (qemu-img convert -c) whose compressed clusters libqcow reads otherwise than
        qemu (image_qcow.compressed_misread: zeros, without an error): the volume there would be walked as read and
        the scan said complete (review17f: FAT's root directory, an empty volume, exit 0). Listed once; the scan is
        then incomplete (MEDIA_LOST). The image file itself only (its backing files' clusters: not compared)."""
        from .image_qcow import compressed_misread
        from .image_sniff import open_evidence

        if self._kind != "QCOW" or self._img is None or self._qcow_served:
            return []  # served by QcowReader: read as qemu reads it
        img = self._img
        try:
            fd = open_evidence(self.text)
            try:
                size = os.fstat(fd).st_size
                found = compressed_misread(lambda offset, n: os.pread(fd, max(0, min(n, size - offset)), offset)
                                           if 0 <= offset < size else b"", size, img.read)
            finally:
                os.close(fd)
        except (OSError, ValueError, struct.error, OverflowError):
            log.debug("compressed clusters not compared", exc_info=True)
            return []
        if found is None:
            return []
        return [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.UNREADABLE,
                        say(Detail.QCOW2_COMPRESSED_MISREAD, name=os.path.basename(self._name), n=found[0],
                            at=found[1]))]

    def _qcow_zeros_from_backing(self) -> list[Skipped]:
        """A QCOW2 overlay (the image, or a backing file that is itself an overlay) whose current disk marks clusters
        as zeros with no cluster of their own (a VM's discard/TRIM, zeroing): qemu reads zeros there, libqcow reads
        the backing file's bytes, so a file deleted and trimmed in the VM is found as if it were still there. The
        disk as read here is compared there where no file above in the chain has its own entry (up to _ZERO_CHECK
        bytes; past that, assumed to differ): listed `unsupported` with the way out when it reads anything but
        zeros (not lost: the scan stays complete). ``qemu-img convert -B`` marks every zero cluster so, over a
        backing file holding zeros there too: no row then."""
        from .image_qcow import entry_at, zero_marked
        from .image_sniff import open_evidence

        chain = [(self.text, os.path.basename(self._name))] + [
            (f["path"], os.path.basename(f["path"])) for f in self._files if f.get("role") == "backing"
            and not f.get("missing")]
        if self._kind != "QCOW" or self._img is None or len(chain) < 2 or self._qcow_served:
            return []  # served by QcowReader: zeros read there, as qemu reads them
        fds: list[int] = []
        n, first, budget, name = 0, None, _ZERO_CHECK, ""
        disk = self._img.get_size()
        try:
            try:
                for path, _ in chain[:-1]:  # each file with a backing file below it
                    fd = open_evidence(path)
                    fds.append(fd)
                reads = [(lambda o, k, fd=fd: os.pread(fd, k, o) if o >= 0 else b"") for fd in fds]
                above: list[Callable[[int], int]] = []
                for level, read in enumerate(reads):
                    found = zero_marked(read)
                    entry = entry_at(read)
                    if found is not None:
                        cluster, marked = found
                        for at in marked:
                            if at >= disk or any(up(at) for up in above):
                                continue  # past the disk, or a file above holds its own entry there
                            n += 1
                            if first is not None and n >= _ZERO_COUNT:
                                break  # a hostile table repeating one L2 table: counted up to there
                            if first is None and (budget <= 0 or self._img.read(at, cluster).strip(b"\0")):
                                first, name = at, chain[level][1]  # past the budget: said as possibly read so
                            budget -= cluster
                    if entry is None or first is not None and n >= _ZERO_COUNT:
                        break  # a layout not followed further
                    above.append(entry)
            finally:
                for fd in fds:
                    os.close(fd)
        except Exception as e:  # noqa: BLE001 - a best-effort comparison must not cost the image its walk
            log.debug("QCOW2 zero clusters not compared: %s", e)
            return []
        if first is None:
            return []
        return [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.UNSUPPORTED,
                        say(Detail.QCOW2_ZEROS_FROM_BACKING, name=name, n=n, at=first))]

    def _qcow_snapshots(self) -> list[Skipped]:
        """A QCOW2 file (the image or a backing file) holding internal snapshots (earlier disk states, kept in the
        file by ``qemu-img snapshot -c``) that are not read here (_qcow_snapshot_layers reads those of an image
        with no backing file): listed, each file once, with how to export them (their names are free text: not
        said)."""
        from .image_qcow import snapshot_count

        rows = self._each_qcow(lambda fd: snapshot_count(os.pread(fd, 72, 0)) or None)
        return [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.UNSUPPORTED,
                        say(Detail.QCOW2_SNAPSHOTS, name=name, n=n))
                for name, n in rows if n - (self._snapshots_read if name == os.path.basename(self._name) else 0) > 0]

    def _qcow_snapshot_layers(self) -> list[Layer]:
        """The internal snapshots of a QCOW2 image with no backing file, each read through its own L1 table
        (image_qcow.SnapshotReader) as a disk of its own: its layers named ``snapN`` (N: its place in the snapshot
        table), each with a note naming the snapshot. A snapshot whose tables do not read is one `corrupt` layer
        with why. An overlay's snapshots read their unallocated clusters from its backing file when that is raw or a
        QCOW2, VMDK or VHD/VHDX image with its own chain (image_qcow.BackingDisk, as qemu reads them); a chain with a
        file missing or a backing disk that does not read: the snapshots stay listed (_qcow_snapshots)."""
        from dfvfs.path import factory

        from .image_pathspec import register_reader
        from .image_qcow import SnapshotRefused, snapshot_count, snapshot_table
        from .image_sniff import open_evidence

        backing = [f for f in self._files if f.get("role") == "backing"]
        if self._kind != "QCOW" or any(f.get("missing") for f in self._files if f.get("role") != "image"):
            return []  # a chain with a file missing: listed (_qcow_snapshots)
        under = backing[0]["path"] if backing else None
        try:
            fd = open_evidence(self.text)
            try:
                size = os.fstat(fd).st_size
                if not snapshot_count(os.pread(fd, 72, 0)):
                    return []
                table = snapshot_table(lambda o, n: os.pread(fd, max(0, min(n, size - o)), o) if 0 <= o < size
                                       else b"", _SNAPSHOTS_READ)
            finally:
                os.close(fd)
        except (OSError, SnapshotRefused, struct.error, UnicodeError) as e:
            log.debug("QCOW2 snapshot table not read: %s", e)
            return []  # listed by _qcow_snapshots with their count
        # a hostile table of 65,536: only the first _SNAPSHOTS_READ parsed; the rest stay listed (_qcow_snapshots)
        register_reader(_QCOW_SNAPSHOT, _snapshot_reader)
        layers: list[Layer] = []
        for index, (_, _, disk_size, _) in enumerate(table):
            names = (f"snap{index + 1}",)
            location = os.path.join(os.path.abspath(self.text) + ".leakscan-qcow-snapshots", str(index + 1))
            _SNAPSHOTS[location] = (self.text, index, under)
            read = say(Detail.QCOW2_SNAPSHOT_READ, n=index + 1, size=disk_size)
            facts = {"note": join_details([read, *self._short_backing(disk_size)]), "size": disk_size}
            try:
                _snapshot_reader(location).close()  # its header and L1 table read, its backing file opened
                spec = factory.Factory.NewPathSpec(_QCOW_SNAPSHOT, location=location)
                found = LayerFinder(self._keys, self._joined).find_inside(spec, names, None, facts)
            except (SnapshotRefused, OSError, struct.error, IndexError) as e:
                found = [Layer(names, None, problem=(Status.CORRUPT, say(Detail.QCOW2_SNAPSHOT_UNREAD, n=index + 1,
                                                                          library=str(e))), facts=facts)]
            except Exception as e:  # noqa: BLE001 - a damaged snapshot must not cost the current disk its walk
                log.debug("QCOW2 snapshot layers not found", exc_info=True)
                found = [Layer(names, None, problem=(Status.CORRUPT, say(Detail.QCOW2_SNAPSHOT_UNREAD, n=index + 1,
                                                                          library=full_reason(e))), facts=facts)]
            layers += found
        self._snapshots_read = len(table)
        return layers

    def _each_qcow(self, look: Callable[[int], _T | None]) -> list[tuple[str, _T]]:
        """(file name, what LOOK found) for each QCOW2 file read (the image, its backing files) where LOOK, given
        the open file, found something (not None). A file unreadable here is left to libqcow's own open or reads."""
        from .image_qcow import QCOW_MAGIC

        return self._each_file(("image", "backing"), lambda fd: os.pread(fd, 4, 0) == QCOW_MAGIC, look)

    def _each_file(self, roles: tuple[str, ...], signed: Callable[[int], bool],
                   look: Callable[[int], _T | None]) -> list[tuple[str, _T]]:
        """(file name, what LOOK found) for each image file of ROLES (media_files' roles) that SIGNED says is of
        the format, where LOOK, given the open file, found something (not None). A file unreadable here is left to
        the library's own open or reads."""
        from .image_sniff import open_evidence

        found: list[tuple[str, _T]] = []
        for row in self._files:
            if row.get("missing") or row.get("role") not in roles:
                continue
            try:
                fd = open_evidence(row["path"])
                try:
                    seen = look(fd) if signed(fd) else None
                finally:
                    os.close(fd)
            except (OSError, ValueError, struct.error, OverflowError):
                continue
            if seen is not None:
                found.append((os.path.basename(self._name if row["path"] == self.text else row["path"]), seen))
        return found

    def _vhd_damage(self) -> list[Skipped]:
        """A dynamic or differencing VHD file (the image or a parent) whose block table breaks the file's own layout
        (image_vhd): VHD keeps no checksum, so libvhdi reads a block from wherever a damaged pointer says (another
        block, the image's headers) without an error. Each kind of damage said once per file; the scan is then
        incomplete (MEDIA_LOST)."""
        from .image_vhd import COOKIE, SECTOR, damage

        def signed(fd: int) -> bool:
            size = os.fstat(fd).st_size
            return size >= SECTOR and os.pread(fd, 8, size - SECTOR) == COOKIE

        def look(fd: int) -> list[Damage] | None:
            size = os.fstat(fd).st_size
            return damage(lambda offset, n: os.pread(fd, max(0, min(n, size - offset)), offset) if 0 <= offset < size
                          else b"", size) or None

        return [self._vhd_row(name, d) for name, found in self._each_file(("image", "parent"), signed, look)
                for d in found]

    def _vhd_row(self, name: str, damage: Damage) -> Skipped:
        """One kind of damage (image_vhd.Damage) of the VHD file NAME, as a `corrupt` row."""
        code = {"past-end": Detail.VHD_BLOCKS_PAST_END, "metadata": Detail.VHD_BLOCKS_ON_METADATA,
                "overlap": Detail.VHD_BLOCKS_OVERLAP, "bitmap": Detail.VHD_BITMAP_DAMAGED,
                "checksum": Detail.VHD_CHECKSUM_MISMATCH, "footer-copy": Detail.VHD_FOOTER_COPY_DIFFERS}[damage.kind]
        params: dict[str, object] = {"name": name, "n": damage.n, "block": damage.block, "at": damage.at}
        if damage.kind == "past-end":
            params["end"] = damage.end
        elif damage.kind in ("metadata", "checksum"):  # a list slot takes the words (a string was written "?")
            params["what"] = damage.what.split(" + ")
        elif damage.kind == "overlap":
            params["other"] = damage.other
        kinds = params_of(code)  # only the slots its sentence has (footer-copy: the name alone)
        return Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.CORRUPT,
                       say(code, **{k: v for k, v in params.items() if k in kinds}))

    def _cut_short(self) -> list[Skipped]:
        """An image shorter than its partition table says (a truncated acquisition or copy): listed once for
        the image, since partitions past its end, or logical ones whose boot record was cut off, would
        otherwise be missing from the listing without a word."""
        from .image_sniff import table_end

        tables = ("MBR", "GPT")  # a bare volume's boot sector is never taken for a table
        if self._img is None:
            return []
        if not any(str(la.facts.get("volume_system", "")).startswith(tables) for la in self._layers):
            return self._fs_cut_short() or self._pv_cut_short()
        try:
            end, size = table_end(self._img.read), self._img.get_size()
        except (OSError, RuntimeError):
            return []
        if end <= size:
            return []
        return [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.CORRUPT,
                        say(Detail.TRUNCATED_TABLE, end=end, size=size))]

    def _fs_cut_short(self) -> list[Skipped]:
        """A file system with no partition table around it (a USB stick or one partition dumped alone) that is
        larger than the image: The Sleuth Kit, libfsapfs and libfsxfs walk what is left without a word (or
        refuse it as "no file system"), so the part cut off (deleted files, unallocated space, files stored
        there) is said once for the image, and on the volume's row. The size is the one The Sleuth Kit read,
        else the one the superblock at the image's start gives (APFS, XFS, NTFS: image_sniff.described_size)."""
        from .image_sniff import HEAD, described_size

        try:
            size = self._img.get_size()
        except (OSError, RuntimeError):
            return []
        for opened in self._opened:
            layer, info = opened.layer, getattr(opened.fs, "info", None)
            if layer.names != ("fs",) or layer.offset is None or info is None:
                continue
            described = int(info.block_count) * int(info.block_size)
            if described > size - layer.offset:
                return self._fs_truncated([layer], f"{opened.label} file system", described, size - layer.offset)
        try:
            claim = described_size(bytes(self._img.read(0, min(HEAD, size))))
        except (OSError, RuntimeError):
            return []
        if claim is None or claim[1] <= size:
            return []
        return self._fs_truncated([la for la in self._layers if la.offset in (0, None)], claim[0], claim[1], size)

    def _pv_cut_short(self) -> list[Skipped]:
        """An LVM physical volume with no partition table around it whose extents (pe_start + pe_count extents, as
        its own metadata says) run past the image's end: the logical volumes there are walked for what is left
        (by libvslvm, or here) without a word, so the part cut off is said once for the image, as for a bare
        file system (truncated-fs). A partitioned disk is _cut_short's table check."""
        from .image_lvm import SECTOR, newest_metadata_text, parse, pv_label

        if not any(la.facts.get("volume_system") == "LVM" for la in self._layers):
            return []
        try:
            size = self._img.get_size()
            label = pv_label(bytes(self._img.read(0, min(2048, size))))
            text = newest_metadata_text(lambda o, n: bytes(self._img.read(o, max(0, min(n, size - o)))),
                                        label[1]) if label else None
            if label is None or text is None:
                return []
            group = next(v for v in parse(text).values() if isinstance(v, dict))
            pv = next(v for v in group["physical_volumes"].values()
                      if isinstance(v, dict) and str(v.get("id", "")).replace("-", "") == label[0])
            described = (int(pv["pe_start"]) + int(pv["pe_count"]) * int(group["extent_size"])) * SECTOR
        except (OSError, RuntimeError, StopIteration, KeyError, ValueError, TypeError, AttributeError,
                IndexError, RecursionError):
            return []  # damaged metadata: the volume rows say what did not read
        if described <= size:
            return []
        return self._fs_truncated([], "LVM physical volume", described, size)

    def _fs_truncated(self, layers: list[Layer], what: str, described: int, held: int) -> list[Skipped]:
        for layer in layers:
            layer.facts.setdefault("note", say(Detail.RUNS_PAST_IMAGE_END, held=held, described=described))
        return [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.CORRUPT,
                        say(Detail.TRUNCATED_FS, what=what, described=described, held=held))]

    def _table_read_directly(self, refusal: str) -> list[Layer]:
        """dfvfs and TSK refused the partition table (a truncated image: partitions that run past its end,
        a GPT whose backup header at the disk's last sector was cut off): read the GPT or MBR entries
        directly, so the partitions that are there can still be walked."""
        from .image_sniff import gpt_table, mbr_partitions

        try:
            gpt = gpt_table(self._img.read, self._img.get_size())
            parts, table = [(n, off, size) for n, off, size, _ in gpt.entries] if gpt else [], "GPT"
            if not gpt:
                parts, table = mbr_partitions(self._img.read(0, 512), self._img.read), "MBR"
        except (OSError, RuntimeError, OverflowError):
            return []
        facts: dict[str, Any] = {"volume_system": f"{table} (read directly)"}
        notes = [say(Detail.TABLE_READ_DIRECTLY, library=refusal) if refusal else "", gpt.damage if gpt else ""]
        if any(notes):
            facts["note"] = join_details(notes)
        layers = [inside for name, off, size in parts
                  for inside in self._volumes_inside(Layer((name,), None, off, size, None, None, None, dict(facts)))]
        bad = [Layer((name,), None, problem=(Status.CORRUPT, why), facts=dict(facts)) for name, why in gpt.bad] if gpt else []
        return sorted(layers + bad, key=lambda la: int(la.names[0][1:]))

    def _volumes_inside(self, layer: Layer) -> list[Layer]:
        """A partition read directly, searched as the libraries' partitions are: an LVM volume group, shadow
        copies or an encrypted volume inside it are found (its bare offset opens one file system only, so a
        readable volume group was "no file system"). The partition itself when nothing more is found in it."""
        if self._storage is None or layer.offset is None or not layer.size:
            return [layer]
        try:
            from dfvfs.lib import definitions
            from dfvfs.path import factory

            spec = factory.Factory.NewPathSpec(definitions.TYPE_INDICATOR_DATA_RANGE, range_offset=layer.offset,
                                               range_size=layer.size, parent=self._storage)
            found = LayerFinder(self._keys, self._joined).find_inside(spec, layer.names, layer.offset, dict(layer.facts))
        except Exception:  # noqa: BLE001 - dfvfs errors of every kind: the partition is then opened as before
            log.debug("volume search in %s failed", layer.names, exc_info=True)
            return [layer]
        # a volume inside, or what only dfvfs reads at that place (an XFS file system, an encrypted volume): as
        # a partition of the table the libraries read (imgsweep24: from a GPT's backup XFS was "no file system" and
        # LUKS "holds data", only The Sleuth Kit asked at the bare offset)
        deeper = any(len(f.names) > len(layer.names) or f.fs_type in _DFVFS_WALKED
                     or (f.problem is not None and f.problem[0] == Status.ENCRYPTED) for f in found)
        return found if deeper else [layer]

    def _check_gpt(self) -> None:
        """A GPT whose primary copy is damaged is read from its backup (gpt_table). When the libraries' partitions
        are not the table's (The Sleuth Kit read the protective MBR's one entry, or missed a slot), the table
        read directly replaces them; when they are, each partition carries the damage as a note. A slot whose
        entry makes no sense is listed as corrupt, never left out."""
        from .image_sniff import gpt_table

        try:
            gpt = gpt_table(self._img.read, self._img.get_size())
        except (OSError, RuntimeError, OverflowError):
            return
        if gpt is None or not (gpt.damage or gpt.bad):
            return
        found = {la.names[0] for la in self._layers if la.names}
        table = {name: offset for name, offset, *_ in gpt.entries}
        placed = [(la.names[0], la.offset) for la in self._layers if len(la.names) == 1 and la.offset is not None]
        if found != set(table) or any(table[name] != offset for name, offset in placed if name in table):
            # a slot missed, or opened where the damaged copy says (same name, wrong place): the table's partitions
            self._layers = self._table_read_directly("") or self._layers
            return
        for layer in self._layers:
            if gpt.damage:
                layer.facts["note"] = join_details([layer.facts.get("note") or "", gpt.damage])
        facts = {"volume_system": "GPT (read directly)"}
        self._layers += [Layer((name,), None, problem=(Status.CORRUPT, why), facts=dict(facts)) for name, why in gpt.bad]
        self._layers += [inside for name, off, size, _ in gpt.backup_only for inside in self._volumes_inside(Layer(
            (f"backup-{name}",), None, off, size, facts={"volume_system": "GPT backup (read directly)", "note": say(
                Detail.GPT_BACKUP_ONLY, name=name)}))]

    def _note_cut_partitions(self) -> None:
        """A partition that runs past the end of the image is walked for what is there, and says so: the
        image is shorter than its partition table (a truncated acquisition), so files in the part cut off
        cannot be read and are not in the listing."""
        end = self._img.get_size() if self._img is not None else 0
        for layer in self._layers:
            if layer.offset is not None and layer.size and layer.offset < end < layer.offset + layer.size:
                cut = say(Detail.RUNS_PAST_IMAGE_END, held=end - layer.offset, described=layer.size)
                layer.facts["note"] = join_details([layer.facts.get("note") or "", cut])

    def _note_qcow_served(self) -> None:
        """Each volume of a QCOW2 image image_qcow.QcowReader serves says so (its note)."""
        if self._qcow_served:
            for layer in self._layers:
                layer.facts["note"] = join_details([layer.facts.get("note") or "", self._qcow_served])

    def _note_short_backing(self) -> None:
        """A QCOW2 overlay's raw backing file shorter than the disk: its missing end reads as zeros (as qemu reads
        it; image_backing), which is right for a disk grown after its backing file was made but hides a backing
        file cut short. Not knowable which: said on every volume, not counted as lost."""
        try:
            end = self._img.get_size() if self._img is not None else 0
        except (OSError, RuntimeError):
            return
        for text in self._short_backing(end):
            for layer in self._layers:
                layer.facts["note"] = join_details([layer.facts.get("note") or "", text])

    def _short_backing(self, end: int) -> list[str]:
        """QCOW_BACKING_SHORT for each raw backing file shorter than a disk of END bytes (the current disk, or an
        internal snapshot read over the same backing file: _qcow_snapshot_layers)."""
        said = []
        for row in self._files:
            size = row.get("size")
            if row.get("role") == "backing" and row.get("format") == "raw" and isinstance(size, int) and size < end:
                said.append(say(Detail.QCOW_BACKING_SHORT, name=os.path.basename(row["path"]), size=size, end=end))
        return said

    def _note_overlaps(self) -> None:
        """Partitions whose byte ranges overlap (a damaged or hand-edited table, or one made to hide data): each
        is walked, and says which other one shares its bytes, so files listed twice are explained."""
        spans = [(la, la.offset, la.offset + la.size) for la in self._layers
                 if len(la.names) == 1 and la.offset is not None and la.size]
        for layer, start, end in spans:
            shared = [o.names[0] for o, s, e in spans if o is not layer and s < end and start < e]
            if shared:
                text = say(Detail.PARTITIONS_OVERLAP, others=", ".join(shared))
                layer.facts["note"] = join_details([layer.facts.get("note") or "", text])
                layer.facts["overlap"] = text
        self._layers += [found for layer, start, end in spans for found in self._fs_after_overlap(layer, start, end,
                                                                                                   spans)]

    _FS_KINDS = frozenset({"ext", "fat", "exfat", "ntfs", "xfs", "apfs", "luks", "bitlocker", "lvm"})

    def _fs_after_overlap(self, layer: Layer, start: int, end: int, spans: list[tuple[Layer, int, int]]) -> list[Layer]:
        """A partition with no file system at its start that overlaps another: its entry's start moved onto the
        other partition (damaged, or edited to hide it), its file system where the other one ends. Looked for at
        each such end inside it (a superblock the fixed signatures know), walked there and said (review24m: the
        ext2 of p2 moved inside p1 was never found, nothing said)."""
        from .image_sniff import HEAD, quick_kind

        if layer.fs_type is not None or layer.problem is not None or self._img is None or len(layer.names) != 1:
            return []
        out = []
        for other, _, other_end in spans:
            if other is layer or not start < other_end < end:
                continue
            try:
                head = bytes(self._img.read(other_end, HEAD))
            except (OSError, RuntimeError):
                continue
            if quick_kind(head) not in self._FS_KINDS:
                continue
            name = f"{layer.names[0]}-at-{other_end - start}"
            note = say(Detail.FS_AFTER_OVERLAP, name=layer.names[0], at=other_end - start, other=other.names[0])
            layer.facts.setdefault("moved_to", []).append(name)
            out += self._volumes_inside(Layer((name,), None, other_end, end - other_end, facts={
                "volume_system": layer.facts.get("volume_system", ""), "note": note}))
        return out

    def _zeros_in(self, layer: Layer) -> tuple[tuple[int, int, str], ...]:
        """The spans of LAYER (from its start) that a missing extent's stand-in reads as zeros (image_parents)."""
        if not self._stand_ins or layer.offset is None:
            return ()
        end = layer.offset + layer.size if layer.size else 1 << 62
        return tuple((max(at, layer.offset) - layer.offset, min(at + size, end) - layer.offset, name)
                     for name, at, size in self._stand_ins if at < end and layer.offset < at + size)

    def _drop_moved_rows(self) -> None:
        """A partition with no file system at its table start whose file system was found where the partition it
        overlaps ends and walked there (_fs_after_overlap): its "no file system" row made the scan INCOMPLETE (exit 3)
        though nothing in it was left unread (images25's left item). The row becomes a note on its volume (status
        ok, the walked volume named); kept when nothing was walked there (the moved file system could not be opened)."""
        walked = {o.layer.names[0] for o in self._opened if len(o.layer.names) == 1}
        kept = []
        for layer, problem in self._problems:
            moved = [n for n in layer.facts.get("moved_to", []) if n in walked]
            if not moved:
                kept.append((layer, problem))
                continue
            text = say(Detail.PARTITION_WALKED_MOVED, name=layer.names[0], moved=", ".join(moved))
            layer.facts["note"] = join_details([layer.facts.get("note") or "", text])
            self._moved.append(layer)
        self._problems = kept

    def _storage_spec(self) -> Any:
        """dfvfs' path spec of the storage media: EWF, QCOW, VHDI, VMDK, MODI ..., RAW, or the file itself."""
        from dfvfs.helpers import source_scanner
        from dfvfs.lib import errors as dfvfs_errors
        from dfvfs.path import factory

        if os.path.isdir(self.text):  # a macOS sparse bundle: its bands assembled (image_bundle)
            from .image_bundle import FORMAT, TYPE_INDICATOR, BundleRefused, bundle_info, register_dfvfs

            register_dfvfs()
            self._format = FORMAT
            try:
                self._bundle = bundle_info(self.text)
            except BundleRefused as e:  # damaged plists, encrypted: the bundle is listed with its reason
                e.skipped = [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), e.status, str(e))]
                raise
            self._kind = TYPE_INDICATOR
            return factory.Factory.NewPathSpec(TYPE_INDICATOR, location=os.path.abspath(self.text))
        os_spec = factory.Factory.NewPathSpec("OS", location=os.path.abspath(self.text))
        try:
            spec = source_scanner.SourceScanner().ScanForStorageMediaImage(os_spec)
        except (dfvfs_errors.Error, OSError, RuntimeError, ValueError) as e:
            raise SourceError(say(Detail.DFVFS_FORMAT_UNKNOWN, library=full_reason(e))) from e
        if spec is None or spec.type_indicator == "RAW":  # raw: by name (split raw naming) or by no signature
            signed = self._signature()
            if signed in SIGNED_FORMATS:
                raise SourceError(self._signed_unopened(signed))
        if spec is None:
            if signed == "ewf":
                raise SourceError(self._ewf_unreadable(say(Detail.EWF_SIGNATURE_UNREADABLE)))
            self._kind = "OS"
            return os_spec
        self._kind = spec.type_indicator
        return spec

    def _media_files(self) -> list[dict[str, Any]]:
        from .image_media import media_files

        if self._bundle is not None:  # its Info.plist and its bands (one row: a bundle may hold 100,000 of them)
            facts = self._bundle.facts()
            return [{"path": self.text, "role": "sparse bundle", "size": None},
                    {"path": os.path.join(self.text, "bands"), "role": "bands", "size": facts["bands_bytes"],
                     "files": facts["bands_present"]}]
        try:
            return media_files(self._kind, self.text)
        except Exception as e:  # noqa: BLE001 - provenance is best effort; the open below says what is wrong
            log.debug("image files not listed: %s", type(e).__name__)
            return [{"path": self.text, "role": "image", "size": os.path.getsize(self.text)}]

    def _refuse_linked_files(self) -> None:
        """Every extent, segment, parent or backing file the image's library will open beside it must be a
        regular file where it lies (lstat, not followed): libvmdk, libewf and libsmraw follow a symbolic link out
        of the evidence folder (or to a device) and read it as part of the disk, and a FIFO as a QCOW2's backing
        file held the image worker until its time limit, then said "missing parent file". Such an image is
        refused, naming the file and what it is."""
        for row in self._files:
            if row.get("missing") or row.get("role") not in _OPENED_BESIDE or row["path"] == self.text:
                continue
            try:
                mode = os.lstat(row["path"]).st_mode
            except OSError:
                continue  # gone since it was listed: the library's open says so
            if stat.S_ISREG(mode):
                continue
            what = "a symbolic link" if stat.S_ISLNK(mode) else f"not a regular file ({_file_kind(mode)})"
            raise SourceError(say(Detail.MEDIA_FILE_NOT_REGULAR, role=row["role"], name=os.path.basename(row["path"]),
                                  what=what))

    def _open_media(self, storage: Any) -> None:
        from dfvfs.lib import errors as dfvfs_errors
        from dfvfs.resolver import resolver

        from .image_media import FORMAT_NAMES, DfvfsImage, EwfImage, RawImage
        from .image_sniff import split_segments

        kind = self._kind
        if kind != "EWF" and self._signature() == "ewf":
            raise SourceError(self._ewf_unreadable(say(Detail.EWF_SIGNATURE_UNREADABLE)))
        try:
            if kind == "EWF":
                ewf, self._kept = self._kept or EwfImage(self.text), None  # the md check's handle, when it opened one
                self._img, self._format = ewf, ewf.format_name()
                self._stored, self._headers = ewf.stored_hashes(), ewf.headers()
            elif kind in ("RAW", "OS"):
                segments = split_segments(self.text) if kind == "RAW" else [self.text]
                self._img = RawImage(segments)
                self._format = "raw (split)" if len(segments) > 1 else "raw"
            else:
                fobj = resolver.Resolver.OpenFileObject(storage)
                self._img, self._format = DfvfsImage(fobj), FORMAT_NAMES.get(kind, kind)
                self._img.read(0, 512)  # a differencing image without its parent fails here, not mid-walk
                # a split sparse VMDK with extent files missing: read with empty stand-ins (image_parents), each
                # missing one listed with the bytes of the disk it held (_missing_segments)
                self._stand_ins = list(getattr(fobj, "_leakscan_stand_ins", None) or [])
        except SourceError as e:
            if kind == "EWF":
                raise SourceError(self._ewf_unreadable(str(e))) from e
            raise
        except (OSError, RuntimeError, dfvfs_errors.Error) as e:
            if kind == "MODI" and self._udif_by_table(e):
                return
            if kind == "VMDK" and self._open_flat_prefix():
                return
            missing = "; ".join(f"{f['role']} file missing: {f['expected']} ({self._looked_for(f)})"
                                for f in self._files if f.get("missing"))
            name = FORMAT_NAMES.get(kind, kind)
            if unread := _raised_from(e, BackingFormatUnread):
                raise SourceError(say(Detail.QCOW2_BACKING_FORMAT_UNREAD, name=unread.written, format=unread.kind)) from e
            features = self._qcow_unread_features() if kind == "QCOW" and not missing else None
            try:
                if features and self._serve_qcow(required=True):  # zstd compression: read by image_qcow.QcowReader
                    return
                if kind == "QCOW" and not missing and self._serve_qcow(required=True, cut=True):
                    return  # cut short before a table libqcow needs: read as far as it goes, listed qcow2-cut-short
            except ParentChainError as own:
                e = own
            if wrong := _raised_from(e, ParentMismatchError):
                raise SourceError(say(Detail.IMAGE_PARENT_MISMATCH, format=name, written=wrong.written,
                                      found=wrong.found, own=wrong.own, expected=wrong.expected,
                                      library=wrong.library)) from e
            if chain := _raised_from(e, ParentChainError):
                raise SourceError(say(Detail.IMAGE_PARENT_LOOP, format=name, name=chain.name, chain=" -> ".join(
                    chain.chain)) if chain.loops else say(Detail.IMAGE_PARENT_CHAIN_LONG, format=name,
                                                          n=MAX_CHAIN, name=chain.name)) from e
            if features:
                raise SourceError(say(Detail.QCOW2_FEATURE_UNREAD, features=features, library=full_reason(e))) from e
            if kind == "QCOW" and not missing and (cut := self._qcow_cut_short()):  # cut in its header or backing
                unopened = say(Detail.IMAGE_UNOPENED, format=name, library=full_reason(e))
                error = SourceError(join_details((cut[0].detail, unopened)))
                error.skipped = cut
                raise error from e
            raise SourceError(say(Detail.IMAGE_UNOPENED_MISSING, format=name, missing=missing, library=full_reason(e))
                              if missing else say(Detail.IMAGE_UNOPENED, format=name, library=full_reason(e))) from e
        # the image opened, but a backing or parent file further down its chain is missing (top -> mid -> base, base
        # gone): libqcow/libvhdi read what the files present hold and fail or give nothing elsewhere (imgsweep24: an
        # ext2 read "ok" from mid.qcow2's blocks alone, exit 0; or "no file system recognised"); named, as a missing
        # direct parent is
        gone = [f for f in self._files if f.get("missing") and f.get("role") in ("backing", "parent")]
        if gone and kind != "EWF":
            missing = "; ".join(f"{f['role']} file missing: {f['expected']} ({self._looked_for(f)})" for f in gone)
            raise SourceError(say(Detail.IMAGE_CHAIN_FILE_MISSING, format=FORMAT_NAMES.get(kind, kind), missing=missing))

    def _serve_qcow(self, required: bool, cut: bool = False) -> bool:
        """Read the QCOW2 image's current disk with image_qcow.QcowReader (as qemu reads it) instead of libqcow: when
        REQUIRED (libqcow refused a feature: zstd compression is read there) or when the image or a QCOW2 backing
        file holds compressed clusters (libqcow reads some as zeros without an error: review17f). The Sleuth Kit
        reads it directly (ReaderImage), dfvfs' layers through a path spec of leakscan's own (image_pathspec), so
        partitions and file systems read the same bytes. False (libqcow kept, or its refusal said) when QcowReader
        does not read it; a chain of backing files that loops or runs too deep: ParentChainError, when REQUIRED.
        CUT (libqcow refused to open the image): served only when the image or a QCOW2 backing file is cut short
        (image_qcow.cut_short), read as far as it goes; _qcow_cut_short lists each file cut."""
        from dfvfs.path import factory

        from .image_media import ReaderImage
        from .image_pathspec import register_reader
        from .image_qcow import QcowRefused, compressed_count, cut_short, open_qcow

        def count(fd: int) -> int | None:
            size = os.fstat(fd).st_size
            return compressed_count(lambda o, n: os.pread(fd, max(0, min(n, size - o)), o) if 0 <= o < size
                                    else b"") or None

        if cut and not self._each_qcow(cut_short):
            return False
        counts = self._each_qcow(count)
        if not counts and not required:
            return False
        try:
            reader = open_qcow(self.text, cut=cut)
        except ParentChainError:
            if required:
                raise
            return False
        except (QcowRefused, OSError, ValueError, struct.error) as e:  # libqcow kept: compressed_misread compares
            log.debug("QCOW2 not read by QcowReader: %s", e)
            return False
        location = os.path.abspath(self.text) + ".leakscan-qcow2"
        _QCOW_DISKS[location] = self.text
        register_reader(_QCOW_DISK, _qcow_disk_reader)
        if self._img is not None:
            self._img.close()
        self._img, self._format = ReaderImage(reader), QCOW_READ_HERE
        self._storage = factory.Factory.NewPathSpec(_QCOW_DISK, location=location)
        n = sum(k for _, k in counts)
        self._qcow_served = (say(Detail.QCOW2_CUT_READ_HERE) if cut else
                             say(Detail.QCOW2_ZSTD_READ_HERE if required else Detail.QCOW2_READ_HERE, n=n))
        return True

    def _qcow_unread_features(self) -> str | None:
        """The QCOW2 features libqcow refuses that the image (or a backing file) uses (image_qcow), or None."""
        from .image_qcow import unread_features

        found = self._each_qcow(lambda fd: unread_features(os.pread(fd, 80, 0)))
        return "; ".join(f"{name}: {features}" if len(found) > 1 else features for name, features in found) or None

    def _udif_by_table(self, refused: BaseException) -> bool:
        """A UDIF libmodi refused whole (one damaged block table fails it all): read table by table (image_udif);
        what the damaged tables covered reads as zeros and is listed. False when that cannot read it either."""
        from dfvfs.path import factory
        from dfvfs.resolver import resolver

        from .image_media import DfvfsImage
        from .image_pathspec import register_reader
        from .image_udif import FORMAT, TYPE_INDICATOR, UdifReader, UdifRefused, udif_info

        try:
            info = udif_info(self.text)
        except (UdifRefused, OSError) as e:
            log.debug("UDIF not read table by table: %s", type(e).__name__)
            return False
        except Exception:  # noqa: BLE001 - crafted tables must not cost the image its libmodi reason
            log.debug("UDIF reader failed", exc_info=True)
            return False
        here = os.path.abspath(self.text)  # its tables as decoded above, never twice (a plist may be 64 MiB)
        register_reader(TYPE_INDICATOR, lambda location: UdifReader(info if location == here else udif_info(location)))
        spec = factory.Factory.NewPathSpec(TYPE_INDICATOR, location=here)
        try:
            self._img = DfvfsImage(resolver.Resolver.OpenFileObject(spec))
        except Exception:  # noqa: BLE001 - dfvfs errors of every kind: the libmodi reason is said instead
            log.debug("UDIF reader not opened", exc_info=True)
            return False
        self._storage, self._kind, self._format = spec, TYPE_INDICATOR, FORMAT
        self._udif = info
        self._udif_refusal = full_reason(refused)
        return True

    def _udif_damage(self) -> list[Skipped]:
        """A UDIF read table by table: its damaged tables (and chunks of a kind nothing here decodes), listed once
        for the image."""
        info = self._udif
        if info is None:
            return []
        parts = list(info.damaged)
        if info.undecoded:
            parts.append(say(Detail.UDIF_UNDECODED, kinds=", ".join(f"{k} ({n})" for k, n in info.undecoded.items())))
        if not parts:
            return []
        return [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.CORRUPT,
                        say(Detail.UDIF_PARTLY_DAMAGED, refusal=str(self._udif_refusal), parts=join_details(parts)))]

    def _open_flat_prefix(self) -> bool:
        """A VMDK of flat extents with one missing: the extents before the gap are read as the disk's first
        part (a split raw image with a segment missing is read the same way), the gap listed once with the
        missing file's name (see _missing_segments). False when that is not the case."""
        from dfvfs.path import factory

        from .image_media import RawImage, vmdk_flat_prefix
        from .image_pathspec import register_reader

        present, after = vmdk_flat_prefix(self.text)
        if not present:
            return False
        try:
            self._img = RawImage([p for p, _, _ in present], [size for _, _, size in present])
        except OSError:
            return False
        self._flat_sizes = [(os.path.basename(p), actual, size) for p, actual, size in present if actual != size]
        self._flat_after = after
        # dfvfs finds partitions and file systems through a path spec: the extents before the gap, one after the
        # other, are one of leakscan's own (image_pathspec), read as the split raw image above reads them
        register_reader(FLAT_PREFIX, _flat_prefix_reader)
        self._storage = factory.Factory.NewPathSpec(FLAT_PREFIX, location=os.path.abspath(self.text))
        self._format = "VMDK (flat extents, read up to the missing or cut one)"
        return True

    def _signed_unopened(self, signed: str) -> str:
        """A file that starts like a VM disk format dfvfs did not recognise (a dynamic VHD whose footer at the
        end was cut off, a damaged header): said as that format with its library's reason, never read as a
        raw disk that merely "holds no file system"."""
        from ..backends import load
        from .image_media import _NoAtimeFile

        name, module, library = SIGNED_FORMATS[signed]
        why = say(Detail.NOT_RECOGNISED_BY_DFVFS)
        fobj = _NoAtimeFile(self.text)
        handle = load(module).file()
        try:
            handle.open_file_object(fobj)
            handle.close()
        except (OSError, RuntimeError, ValueError) as e:
            why = say(Detail.LIBRARY_ERROR, error=library, library=full_reason(e))
        finally:
            fobj.close()
        return say(Detail.SIGNED_UNOPENED, format=name, why=why)

    def _ewf_unreadable(self, why: str) -> str:
        """Why an EWF set (E01 or Ex01) cannot be opened, naming the segment files it lacks when that is why."""
        from .image_media import ewf_segment_number, media_files

        number = ewf_segment_number(self.text)
        if number is not None and number > 1:
            return why  # a later segment met alone: EwfImage says which and how it is read
        try:
            rows = media_files("EWF", self.text)
        except Exception:  # noqa: BLE001 - naming the gap is best effort; libewf's reason is said anyway
            rows = []
        gone = [f"{f['expected']} (looked for {f['path']})" for f in rows if f.get("missing") and not f.get("unnamed")]
        if gone:
            return say(Detail.EWF_SEGMENT_FILES_MISSING, names=", ".join(gone), why=why)
        return say(Detail.EWF_TRUNCATED, why=why)

    def _in_memory(self) -> bool:
        """An image read from inside an archive or another image: dfvfs reads it from an in-memory file (a
        link to /proc/PID/fd/N in a private folder), where nothing of its container's folder is beside it."""
        try:
            return self.within is not None and os.readlink(self.text).startswith("/proc/")
        except OSError:
            return False

    def _place_missing_in_container(self) -> None:
        """For an image held in memory, a missing parent, backing or extent file is named where the examiner
        would find it (beside the image inside its container), not by the private in-memory path."""
        if not self._in_memory() or self.within is None:
            return
        import ntpath
        import posixpath

        from .image_media import next_ewf_segment_name

        folder = posixpath.dirname(self.within.path)
        for row in self._files:
            if row.get("unnamed"):  # a lone EWF segment: the member's own name says what the next one is called
                following = next_ewf_segment_name(self.within.path)
                row["in_container"] = self.within.display()
                if following is not None:
                    row.pop("unnamed")
                    row["path"], row["expected"] = following, posixpath.basename(following)
                continue
            if row.get("missing"):
                base = ntpath.basename(str(row["expected"]).replace("/", "\\"))
                row["path"] = posixpath.join(folder, base) if folder else base
                row["in_container"] = self.within.display()

    def _looked_for(self, row: dict[str, Any]) -> str:
        """Where a missing image file was looked for, as an examiner can act on it."""
        if row.get("in_container"):
            return (f"expected beside the image inside {row['in_container'].rsplit(' » ', 1)[0]}, as "
                    f"{row['path']}; an image read from inside an archive or another image is opened without "
                    "the files beside it: extract that folder and scan it as a SOURCE")
        if row.get("itself"):  # vm.qcow2 over /images/vm.qcow2 (image_media): the name beside it is its own
            return f"looked for {row['path']}, which is the image itself"
        return f"looked for {row['path']}"

    def _refuse_encrypted_dmg(self) -> None:
        """An encrypted macOS disk image: no library here decrypts it, so it is listed `encrypted` (with what
        would open it) instead of being taken for a raw disk that holds no file system."""
        from .image_sniff import encrypted_dmg, encrypted_dmg_detail, read_ends

        try:
            version = encrypted_dmg(*read_ends(self.text)[:2])
        except OSError:
            return
        if version is None:
            return
        self._format = "encrypted macOS disk image"
        detail = encrypted_dmg_detail(version)
        error = SourceError(detail)
        error.skipped = [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.ENCRYPTED,
                                 detail)]
        raise error

    def _refuse_encrypted_qcow(self) -> None:
        """A QCOW2 image (or a QCOW2 backing file of it) encrypted by qemu (AES, or LUKS since qemu 2.10): libqcow
        opens it and reads the ciphertext, so the disk looked blank ("no file system recognised"). Listed
        `encrypted` with the way out (qemu-img with its key), whole or cut short; nothing of it is read as a disk."""
        from .image_qcow import encryption

        if self._kind != "QCOW":
            return
        found = self._each_qcow(lambda fd: encryption(os.pread(fd, 112, 0)))
        if not found:
            return
        name, method = found[0]
        detail = say(Detail.QCOW2_ENCRYPTED, name=name, method=method)
        error = SourceError(detail)
        error.skipped = [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.ENCRYPTED,
                                 detail)]
        raise error

    def _refuse_cut_udif(self) -> None:
        """A .dmg whose trailer is gone (image_sniff.cut_udif): nothing maps its chunks, so it is refused as
        damaged (`corrupt`, udif-trailer-missing) instead of being read as a raw disk holding nothing."""
        from .image_sniff import cut_udif, image_kind, read_ends

        if not self.text.casefold().endswith(".dmg"):
            return
        try:
            head, tail, _ = read_ends(self.text)
        except OSError:
            return
        if not cut_udif(head, tail) or image_kind(self.text) is not None:
            return
        self._format = "macOS disk image (UDIF), cut short"
        detail = say(Detail.UDIF_TRAILER_MISSING)
        error = SourceError(detail)
        error.skipped = [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.CORRUPT,
                                 detail)]
        raise error

    def _signature(self) -> str | None:
        from .image_sniff import open_evidence, signature_kind

        try:
            fd = open_evidence(self.text)
            try:
                return signature_kind(os.pread(fd, 4608, 0))
            finally:
                os.close(fd)
        except OSError:
            return None

    def _verify_wanted(self) -> bool:
        return self.verify_images if self.verify_images is not None else self._kind == "EWF"

    def _verify(self) -> None:
        """Re-read the whole media and compare with the hashes stored in the image; hash each image file."""
        from .image_media import file_sha256, media_hashes

        names: list[str] = [n for n in ("md5", "sha1", "sha256") if n in self._stored] or ["md5", "sha1", "sha256"]
        read, progress = self._marked(self._img.read), None  # a long verify pass is progress, not a hang
        if self.step_seconds is not None:
            from ..isolation import mark

            def progress() -> None:
                mark(None, self.step_seconds)
        try:
            self._computed = media_hashes(read, self._img.get_size(), names)
        except (OSError, RuntimeError, SourceError) as e:
            self._verify_error = f"verify pass stopped: {full_reason(e)}"
        for row in self._files:
            if not row.get("missing") and not os.path.isdir(row["path"]):
                try:
                    row["sha256"] = file_sha256(row["path"], progress=progress)
                except OSError as e:
                    row["sha256_error"] = e.strerror or str(e)

    def _bundle_damage(self) -> list[Skipped]:
        """A sparse bundle's band files that are certainly wrong (grown past the band size, past the disk's end,
        not regular files): listed once for the image; the disk is read without them."""
        if self._bundle is None or not self._bundle.damage:
            return []
        return [Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.CORRUPT,
                        say(Detail.BUNDLE_DAMAGED_MORE, bands=join_details(self._bundle.damage[:20]),
                            more=len(self._bundle.damage) - 20) if len(self._bundle.damage) > 20
                        else say(Detail.BUNDLE_DAMAGED, bands=join_details(self._bundle.damage)))]

    def _open_layer(self, layer: Layer) -> None:
        self._step(f"opening {'/'.join(layer.names)}", "pytsk3, dfvfs")
        if layer.problem is not None:
            reason, detail = layer.problem
            self._problems.append((layer, Skipped(Location(self._source, "/", self._hops(layer, None)), reason, detail)))
            return
        tsk_error = ""
        if layer.fs_type != "APFS" and (layer.spec is not None or layer.offset is not None):
            try:
                self._opened.append(self._open_tsk(layer))
                return
            except (OSError, RuntimeError) as e:
                tsk_error = full_reason(e)
            except Exception as e:  # noqa: BLE001 - dfvfs errors opening the layer's stream
                tsk_error = f"layer not readable: {full_reason(e)}"
        if layer.fs_spec is not None:
            try:
                self._opened.append(self._open_dfvfs(layer))
                return
            except Exception as e:  # noqa: BLE001 - dfvfs and libyal errors of every kind are data here
                tsk_error = f"{tsk_error}; dfvfs: {full_reason(e)}" if tsk_error else f"dfvfs: {full_reason(e)}"
        verdict = self._unwalked(layer, tsk_error)
        if verdict is not None and not verdict.skip:  # nothing there to examine (all zero): described, not a skip
            self._notes.append((layer, verdict.reason, verdict.detail))
            return
        reason, detail = (verdict.reason, verdict.detail) if verdict else (Status.UNSUPPORTED,
                                                                            self._no_fs_detail(layer, tsk_error))
        if overlap := layer.facts.get("overlap"):  # a table entry moved onto another partition: said on its row too
            detail = join_details([detail, overlap])
        self._problems.append((layer, Skipped(Location(self._source, "/", self._hops(layer, None)), reason, detail)))

    def _name_partition_types(self) -> None:
        """Each partition's type from the table itself (GPT type GUID, MBR type byte), matched by offset."""
        from .image_parttypes import type_name
        from .image_sniff import partition_types

        tables = ("MBR", "GPT")
        parts = [la for la in self._layers if la.offset is not None
                 and str(la.facts.get("volume_system", "")).startswith(tables)]
        if not parts or self._img is None:
            return
        types = partition_types(self._img.read, self._img.get_size())
        for layer in parts:
            if layer.offset in types:
                layer.facts["partition_type_code"] = types[layer.offset]
                layer.facts["partition_type"] = type_name(types[layer.offset])

    def _unwalked(self, layer: Layer, why: str) -> Verdict | None:
        """What a layer with no readable file system is (image_parttypes.describe), from its partition type and
        a few reads of its bytes; None when that says nothing more than the libraries did."""
        from .image_parttypes import describe

        size = self._img.get_size() if self._img is not None else 0
        if layer.offset is not None and (layer.offset >= size or (layer.size and layer.offset + layer.size > size)):
            return None  # truncated image: said as such by _no_fs_detail
        read: Callable[[int, int], bytes]
        try:
            if layer.offset is not None:
                start, img, length = layer.offset, self._img, layer.size or size - layer.offset

                def read(offset: int, n: int) -> bytes:
                    return bytes(img.read(start + offset, max(0, min(n, length - offset))))
            elif layer.spec is not None:
                from dfvfs.resolver import resolver

                fobj = resolver.Resolver.OpenFileObject(layer.spec)
                length = int(fobj.get_size())

                def read(offset: int, n: int) -> bytes:
                    fobj.seek(offset)
                    return bytes(fobj.read(max(0, min(n, length - offset))))
            else:
                return None
        except Exception:  # noqa: BLE001 - dfvfs errors opening the layer: the generic message says enough
            log.debug("layer bytes not readable", exc_info=True)
            return None
        progress: Callable[[], None] | None = None
        if self.step_seconds is not None:  # reading a large zero partition through is progress, not a hang
            from ..isolation import mark

            seconds = self.step_seconds

            def progress() -> None:
                mark(None, seconds)
        return describe("/".join(layer.names), layer.facts.get("partition_type_code"), read, length, why, progress)

    def _no_fs_detail(self, layer: Layer, why: str) -> str:
        name = "/".join(layer.names)
        size = self._img.get_size() if self._img is not None else 0
        tsk = say(Detail.TSK_SAYS, library=why)
        if layer.offset is not None and layer.offset >= size:
            return f"{say(Detail.TRUNCATED_START, name=name, offset=layer.offset, size=size)}; {tsk}"
        if layer.offset is not None and layer.size and layer.offset + layer.size > size:
            return (f"{say(Detail.TRUNCATED_END, name=name, inside=size - layer.offset, size=layer.size)}; {tsk}")
        if not layer.facts.get("unlocked") and not layer.facts.get("dfvfs_error"):
            seen = (say(Detail.DFVFS_SAW, name=name, fs=layer.fs_type) if layer.fs_type
                    else self._superblock_seen(layer, name))
            return f"{seen}; {tsk}"
        seen = (f"dfvfs saw {layer.fs_type}" if layer.fs_type  # said as before; read back as text, not as codes
                else self._superblock_seen(layer, name).removeprefix(f"{name}: "))
        if layer.facts.get("unlocked"):  # the key is right: said, so "high entropy" is not read as a wrong key
            seen = (f"{layer.facts.get('encryption', 'encrypted')} volume unlocked (the key given was accepted, or "
                    f"its protection is suspended: a clear key), but its decrypted data: {seen}")
        if layer.facts.get("dfvfs_error"):
            seen += f" (dfvfs: {layer.facts['dfvfs_error']})"
        return f"{name}: {seen}; The Sleuth Kit: {why}"

    def _superblock_seen(self, layer: Layer, name: str) -> str:
        """What the layer's first bytes say when no library opened it: an XFS or APFS superblock that dfvfs
        refused (often a copy cut short) is no "no file system"."""
        from .image_sniff import HEAD, described_size

        claim = None
        if layer.offset is not None and self._img is not None:
            try:
                claim = described_size(bytes(self._img.read(layer.offset, HEAD)))
            except (OSError, RuntimeError):
                claim = None
        if claim is None:
            return self._lvm_refused(layer, name) or say(Detail.NO_FS_RECOGNISED, name=name)
        return say(Detail.SUPERBLOCK_UNOPENED, name=name, fs=claim[0], size=claim[1])

    def _lvm_refused(self, layer: Layer, name: str) -> str:
        """An LVM physical-volume label that libvslvm refused (a metadata checksum that does not hold, a
        damaged metadata area): said with libvslvm's reason, not as "no file system"."""
        from dfvfs.resolver import resolver

        from ..backends import load

        try:
            stream = resolver.Resolver.OpenFileObject(layer.spec)
            stream.seek(0)
            head = stream.read(1024 + 8)
            if b"LABELONE" not in (head[512:520], head[1024:1032]):
                return ""
            stream.seek(0)
            load("pyvslvm").handle().open_file_object(stream)
        except (OSError, RuntimeError) as e:
            return say(Detail.LVM_REFUSED, name=name, library=full_reason(e))
        except Exception:  # noqa: BLE001 - dfvfs errors of every kind: nothing more to say than the libraries did
            return ""
        return ""

    def _open_tsk(self, layer: Layer) -> Opened:
        import pytsk3

        from .image_fs import fs_label
        from .image_media import DfvfsImage

        if layer.offset is not None:
            fs = pytsk3.FS_Info(self._img, offset=layer.offset)
            start, img = layer.offset, self._img
        else:  # a volume inside another volume system, a snapshot, a decrypted volume: dfvfs presents it flat
            from dfvfs.resolver import resolver

            img = DfvfsImage(resolver.Resolver.OpenFileObject(layer.spec))
            self._extra_imgs.append(img)
            fs = pytsk3.FS_Info(img, offset=0)
            start = 0
        return Opened(layer, fs, fs_label(fs), say(Detail.WALKER_TSK),
                      lambda offset, size: img.read(start + offset, size))

    def _open_dfvfs(self, layer: Layer) -> Opened:
        from dfvfs.resolver import resolver

        from .image_dfvfs import DFVFS_LABELS, LIBRARIES

        fs = resolver.Resolver.OpenFileSystem(layer.fs_spec)
        kind = layer.fs_type or "TSK"
        return Opened(layer, fs, DFVFS_LABELS.get(kind, kind), say(Detail.WALKER_DFVFS, library=LIBRARIES.get(kind, "dfvfs")))

    def _hold(self) -> None:
        """Open dfvfs' file object of the storage media (an E01's pyewf handle, a QCOW2's pyqcow ...) once and hold
        it while the image is open. dfvfs caches file objects per resolver context only while something refers to
        them (a weak dictionary): its volume-system scan, file-system scan and the file system's own open each
        opened the E01 again (images22: four pyewf opens of every segment's tables per E01 SOURCE, one now).
        A failure here is left to the layer search, which says it."""
        if self._kind in ("OS", None) or self._storage is None:
            return
        try:
            from dfvfs.resolver import resolver

            if self._kind == "EWF" and self._shares_ewf():
                return
            self._held = resolver.Resolver.OpenFileObject(self._storage)
        except Exception:  # noqa: BLE001 - the layer search opens it again and says why it cannot
            log.debug("storage media not held open", exc_info=True)
            self._held = None

    def _shares_ewf(self) -> bool:
        """dfvfs' file object of an E01 (its EWF back-end's) made over leakscan's own pyewf handle (``EwfShared``)
        and cached in dfvfs' resolver context, held while the image is open: the layer search and dfvfs' file
        systems read through it, so pyewf opens the E01 once (images23: twice, leakscan's EwfImage and dfvfs'
        EWFFile, each reading every segment's tables). False (dfvfs opens its own): no EwfImage here, or dfvfs
        already holds one for the path."""
        from dfvfs.file_io.ewf_file_io import EWFFile
        from dfvfs.resolver import resolver

        from .image_media import EwfImage, EwfShared

        context = resolver.Resolver._resolver_context  # noqa: SLF001 - the context dfvfs opens with by default
        if not isinstance(self._img, EwfImage) or context.GetFileObject(self._storage) is not None:
            return False
        held = EWFFile(context, self._storage)
        held._file_object = EwfShared(self._img)  # noqa: SLF001 - what EWFFile._Open would set, but a new handle
        held._is_open = True  # noqa: SLF001
        context.CacheFileObject(self._storage, held)
        self._held = held
        return True

    def __exit__(self, *exc: object) -> None:
        self._held = None
        self._opened = []
        release_joined(self._joined)
        for img in [*self._extra_imgs, self._img]:
            if img is not None:
                try:
                    img.close()
                except (OSError, RuntimeError):
                    pass
        self._extra_imgs, self._img = [], None
        if self._keys:
            from dfvfs.resolver import resolver

            resolver.Resolver.key_chain.Empty()  # no secret outlives the image it opened

    # --- describing and walking --------------------------------------------------------------
    def _image_hop(self) -> Hop:
        detail: dict[str, Any] = {"format": self._format}
        if self.within is not None and self.within.raw_path_hex:
            detail["raw_path_hex"] = self.within.raw_path_hex
        return Hop("image", self._name, detail)

    def _hops(self, layer: Layer, label: str | None) -> tuple[Hop, ...]:
        """image » p2 » vss1 (NTFS): every layer is a hop; the last one carries the file-system type."""
        hops = [*self._prefix, self._image_hop()]
        *outer, last = layer.names
        hops += [Hop("volume", name) for name in outer]
        detail: dict[str, Any] = {"offset": layer.offset, "fs_type": label}
        for key in ("encryption", "snapshot_created", "store_index"):
            if key in layer.facts:
                detail[key] = layer.facts[key]
        kind = SNAPSHOT if "store_index" in layer.facts else "volume"
        hops.append(Hop(kind, f"{last} ({label})" if label else last, detail))
        return tuple(hops)

    def verified(self) -> bool | None:
        """True/False when a verify pass compared recomputed and stored hashes; None otherwise."""
        if self._verify_error and self._stored:
            return False
        common = set(self._computed) & set(self._stored)
        if not common:
            return None
        return all(self._computed[k] == self._stored[k] for k in common)

    def describe(self) -> dict[str, Any]:
        # the walked file systems first, in walk order (the image walker finds a volume's row by that index)
        vols = [self._volume_row(o.layer, o.label, Status.OK, "", o.walker) for o in self._opened]
        vols += [self._volume_row(layer, None, p.reason, p.detail, None) for layer, p in self._problems]
        vols += [{**self._volume_row(layer, None, reason, detail, None), "all_zero": True}
                 for layer, reason, detail in self._notes]
        vols += [self._volume_row(layer, None, Status.OK, "", None) for layer in self._md_elsewhere]
        vols += [self._volume_row(layer, None, Status.OK, "", None) for layer in self._moved]
        out: dict[str, Any] = {
            "source": self.text,
            "kind": "image",
            "format": self._format,
            "segments": len(self._files),
            "files": [{**f, "path": self._name} if f["path"] == self.text else dict(f) for f in self._files],
            "size": self._img.get_size() if self._img is not None else None,
            "method": READ_ONLY,
            "image_hashes": dict(self._stored),
            "verify_requested": self._verify_wanted(),
            "verified": self.verified(),
            "volumes": vols,
        }
        if self._bundle is not None:
            out["sparse_bundle"] = self._bundle.facts()
        if self._udif is not None:
            out["udif"] = self._udif.facts()
        if self._md is not None:
            out["md_array"] = dict(self._md)
        if self._computed:
            out["computed_hashes"] = dict(self._computed)
        if self._verify_error:
            out["verify_error"] = self._verify_error
        if self._headers:
            out["acquisition"] = dict(self._headers)
        return out

    @staticmethod
    def _volume_row(layer: Layer, label: str | None, status: str, detail: str, walker: str | None) -> dict:
        row: dict[str, Any] = {"name": "/".join(layer.names), "fs_type": label, "offset": layer.offset,
                               "size": layer.size, "status": status}
        if detail:
            row["detail"] = detail
        if walker:
            row["walker"] = walker
        for key in ("volume_system", "partition_type", "encryption", "snapshot_created", "apfs_volume_name", "note",
                    "md_array"):
            if key in layer.facts:
                row[key] = layer.facts[key]
        return row

    def layer_counts(self) -> list[int | None]:
        """Each opened file system's own count of its files (image_count), None where it keeps none."""
        from .image_count import files_in

        if self._counts is None:
            self._counts = [files_in(o.label, o.fs, o.read) for o in self._opened]
        return self._counts

    def estimate(self) -> int | None:
        """Files to expect, for the progress: what the walked file systems' own metadata counts."""
        return walked_estimate(self.layer_counts(), self.walk_from, self.walk_until)

    def batches(self) -> Iterator[Item | NameBatch]:
        """entries(), with runs of files as NameBatch: the pipeline checks their names in bulk."""
        return batched(self.entries())

    def entries(self) -> Iterator[Item]:
        files = [f["path"] for f in self._files if not f.get("missing")]
        before = _segment_stats(files)
        yield from self._walk()
        if self.walk_until is not None and self.walk_until < len(self._opened):
            return  # a part of the image: the part with its last file system says whether the image changed
        changed = _segment_change(before, _segment_stats(files))
        if changed:  # an image still being written or copied: what was read may mix two versions
            yield Skipped(Location(self._source, "", (*self._prefix, self._image_hop())), Status.CHANGED_DURING_READ,
                          say(Detail.IMAGE_CHANGED, changed=changed))

    def _walk(self) -> Iterator[Item]:
        from dfvfs.lib import errors as dfvfs_errors

        from .image_dfvfs import walk_dfvfs
        from .image_fs import FsContext, walk_fs

        if not self.walk_from:
            yield from self._media_skips
            yield from (problem for _, problem in self._problems)
        for index, opened in enumerate(self._opened):
            if index < self.walk_from or (self.walk_until is not None and index >= self.walk_until):
                continue
            layer = opened.layer
            hops = self._hops(layer, opened.label)
            if self.layer_started is not None:
                self.layer_started(index, hops)
            ctx = FsContext(self._source, hops, opened.fs, opened.label, self._zeros_in(layer))
            walk = walk_fs if opened.walker.startswith("The Sleuth Kit") else walk_dfvfs
            name = "/".join(layer.names)
            self.walking = (f"walking {name} ({opened.label})",
                            "pytsk3 (The Sleuth Kit)" if walk is walk_fs else opened.walker.split(":")[0])
            self._step(*self.walking)
            listed = 0
            try:
                items = walk(ctx, self.before_listing)
                for item in items:
                    listed += 1
                    yield item
                    yield from items  # the rest delegated: no Python step per entry here
            except (OSError, RuntimeError, dfvfs_errors.Error) as e:  # a walk failing mid-way: recorded, go on
                listed += 1
                yield Skipped(Location(self._source, "", hops), Status.CORRUPT, say(Detail.FS_WALK_STOPPED, name=name,
                                                                                      library=full_reason(e)))
            if not listed:
                # TSK lists nothing (no error) when a damaged chunk holds the root directory: an
                # empty listing is not proof of an empty disk, so it is said, not taken as clean
                yield Skipped(Location(self._source, "/", hops), Status.EMPTY_VOLUME,
                              say(Detail.FS_LISTS_NOTHING, name=name))

