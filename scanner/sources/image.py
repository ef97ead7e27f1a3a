"""A disk image (raw/dd, split raw, E01, VMDK, VHD/VHDX, QCOW2 ...) as a source, opened read-only.

dfvfs' source scanner finds the storage format, the partition table (MBR, GPT) and the file system
of each volume; The Sleuth Kit (pytsk3) then walks each file system, deleted entries included.
Every entry's location names the chain: ``IMAGE » p1 (FAT32) » /Users/staff/x.xlsx``, or
``IMAGE » fs (ext4) » /x.xlsx`` when the image holds one file system and no partition table.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytsk3

from ..codes import Status
from ..errors import SourceError
from ..models import Hop, Location, Skipped
from .base import Item, NameBatch, batched
from .image_fs import FsContext, fs_label, walk_fs
from .image_media import DfvfsImage, EwfImage, RawImage, dfvfs_without_atime, media_hashes
from .image_sniff import looks_like_image, mbr_partitions, open_evidence, signature_kind, split_segments

__all__ = ["ImageSource", "looks_like_image"]

log = logging.getLogger("leakscan")

READ_ONLY = ("read-only: image files opened O_RDONLY (O_NOATIME where allowed); partitions found with "
             "dfvfs, file systems walked with The Sleuth Kit (deleted entries included)")


FORMAT_NAMES = {"VHDI": "VHD/VHDX", "VMDK": "VMDK", "QCOW": "QCOW", "PHDI": "Parallels HDD",
                "MODI": "macOS disk image", "SMDEV": "device"}


@dataclass
class Volume:
    """One place a file system may start: a partition, or the whole image."""

    name: str  # p1, p2 ... or fs
    offset: int | None  # byte offset in the image; None when only dfvfs can reach it (nested volumes)
    size: int | None
    path_spec: Any  # dfvfs path spec of the volume (for formats TSK cannot address by offset)
    fs_hint: str | None = None  # dfvfs' file-system type indicator, when it found one


def _short(e: BaseException) -> str:
    """A back-end error without its C source position, first sentence only."""
    text = re.sub(r"^\w+: \([\w.]+:\d+\) ", "", str(e))
    return text.split(". ")[0].strip()


def _scan_tree(path: str) -> Any:
    """dfvfs' source scanner over the image: storage format, volume systems, file systems."""
    from dfvfs.helpers import source_scanner
    from dfvfs.lib import errors as dfvfs_errors

    dfvfs_without_atime()  # dfvfs would otherwise move the image's access time
    scanner = source_scanner.SourceScanner()
    context = source_scanner.SourceScannerContext()
    try:
        context.OpenSourcePath(path)
        scanner.Scan(context)
    except (dfvfs_errors.Error, OSError, RuntimeError, ValueError) as e:
        raise SourceError(f"dfvfs could not read the image ({_short(e)})") from e
    return context.GetRootScanNode()


def _walk_nodes(node: Any) -> Iterator[Any]:
    yield node
    for sub in node.sub_nodes:
        yield from _walk_nodes(sub)


def _storage_node(root: Any) -> Any:
    """The storage-media layer (RAW, EWF, VMDK ...) under the OS file, or the OS file itself."""
    from dfvfs.lib import definitions

    for node in _walk_nodes(root):
        if node.type_indicator in definitions.STORAGE_MEDIA_IMAGE_TYPE_INDICATORS:
            return node
    return root


def _volumes(root: Any, storage: Any) -> list[Volume]:
    """Partitions of every volume system dfvfs found, with their offsets; else the whole image."""
    from dfvfs.lib import errors as dfvfs_errors
    from dfvfs.volume import apm_volume_system, gpt_volume_system, tsk_volume_system  # noqa: F401 registers
    from dfvfs.volume import factory as vs_factory

    volumes: list[Volume] = []
    for node in _walk_nodes(root):
        if not node.IsVolumeSystemRoot():
            continue
        extents: dict[str, tuple[int, int]] = {}
        system = vs_factory.Factory.NewVolumeSystem(node.type_indicator)
        if system is not None:
            try:
                system.Open(node.path_spec)
                for v in system.volumes:
                    if v.extents:
                        extents[v.identifier] = (v.extents[0].offset, v.extents[0].size)
            except (dfvfs_errors.Error, OSError, RuntimeError):
                log.debug("volume system %s not readable", node.type_indicator, exc_info=True)
        direct = node.parent_node is storage or node.parent_node is root
        for sub in node.sub_nodes:
            loc = getattr(sub.path_spec, "location", None)
            if not loc or loc == "/":
                continue  # unallocated space and table slots
            ident = loc.strip("/")
            off, size = extents.get(ident, (None, None))
            fs_node = next((s for s in sub.sub_nodes if s.IsFileSystem()), None)
            volumes.append(Volume(ident, off if direct else None, size, sub.path_spec,
                                  fs_node.type_indicator if fs_node else None))
    if volumes:
        return volumes
    fs_node = next((n for n in _walk_nodes(root) if n.IsFileSystem()), None)
    return [Volume("fs", 0, None, storage.path_spec, fs_node.type_indicator if fs_node else None)]


def _segment_stats(paths: list[str]) -> list[tuple[int, int] | None]:
    """(size, mtime in ns) of each image segment (None when it cannot be stat'ed)."""
    out: list[tuple[int, int] | None] = []
    for p in paths:
        try:
            st = os.stat(p)
            out.append((st.st_size, st.st_mtime_ns))
        except OSError:
            out.append(None)
    return out


def _segment_change(before: list[tuple[int, int] | None], after: list[tuple[int, int] | None]) -> str:
    for i, (b, a) in enumerate(zip(before, after, strict=True)):
        if b != a:
            sizes = f"{b[0] if b else '?'} bytes before, {a[0] if a else '?'} bytes after"
            return f"segment {i + 1}: {sizes}" + (" (modified time changed)" if b and a and b[0] == a[0] else "")
    return ""


class ImageSource:
    """One disk image given on the command line; ``verify_images`` recomputes the media hash."""

    def __init__(self, text: str, verify_images: bool = False, **_options: Any) -> None:
        self.text = text
        self.verify_images = verify_images
        self._img: Any = None
        self._format = "unknown"
        self._volumes: list[Volume] = []
        self._opened: list[tuple[Volume, Any, str]] = []  # (volume, FS_Info, label)
        self._problems: list[Skipped] = []
        self._stored: dict[str, str] = {}
        self._computed: dict[str, str] = {}
        self._headers: dict[str, str] = {}
        self._segments: list[str] = [text]
        self._extra_imgs: list[Any] = []

    # --- opening -----------------------------------------------------------------------------
    def __enter__(self) -> ImageSource:
        try:
            root = _scan_tree(self.text)
        except SourceError as e:
            if self._signature() == "ewf":
                raise SourceError(f"EWF image not readable: truncated, or a segment (.E02 ...) missing; {e}") from e
            raise
        storage = _storage_node(root)
        self._open_media(storage)
        self._volumes = _volumes(root, storage)
        if self.verify_images:
            self._verify()
        for vol in self._volumes:
            self._open_fs(vol)
        if not self._opened and [v.name for v in self._volumes] == ["fs"]:
            self._try_mbr_directly()
        if not self._opened:
            self.__exit__()
            raise SourceError("no file system The Sleuth Kit can read "
                              f"({'; '.join(p.detail for p in self._problems)})")
        return self

    def _try_mbr_directly(self) -> None:
        """TSK refused the partition table (e.g. a truncated image): read the MBR entries ourselves."""
        try:
            head = self._img.read(0, 512)
        except OSError:
            return
        found = [Volume(name, off, size, None, None) for name, off, size in mbr_partitions(head)]
        if not found:
            return
        self._volumes, self._problems = found, []
        for vol in found:
            self._open_fs(vol)

    def _open_media(self, storage: Any) -> None:
        from dfvfs.lib import definitions
        from dfvfs.lib import errors as dfvfs_errors
        from dfvfs.resolver import resolver

        kind = storage.type_indicator
        if kind != definitions.TYPE_INDICATOR_EWF and self._signature() == "ewf":
            raise SourceError("EWF signature, but not a readable EWF image (truncated or a segment missing?)")
        try:
            if kind == definitions.TYPE_INDICATOR_EWF:
                ewf = EwfImage(self.text)
                self._img, self._format, self._segments = ewf, ewf.format_name(), ewf.paths
                self._stored, self._headers = ewf.stored_hashes(), ewf.headers()
            elif kind in (definitions.TYPE_INDICATOR_RAW, definitions.TYPE_INDICATOR_OS):
                self._segments = split_segments(self.text)
                self._img = RawImage(self._segments)
                self._format = "raw (split)" if len(self._segments) > 1 else "raw"
            else:
                fobj = resolver.Resolver.OpenFileObject(storage.path_spec)
                self._img, self._format = DfvfsImage(fobj), FORMAT_NAMES.get(kind, kind)
        except (OSError, RuntimeError, dfvfs_errors.Error) as e:
            raise SourceError(f"cannot open the {kind} image ({_short(e)})") from e

    def _signature(self) -> str | None:
        try:
            fd = open_evidence(self.text)
            try:
                return signature_kind(os.pread(fd, 4608, 0))
            finally:
                os.close(fd)
        except OSError:
            return None

    def _verify(self) -> None:
        """Re-read the whole media and compare with the hashes stored in the image."""
        names = [n for n in ("md5", "sha1", "sha256") if n in self._stored] or ["md5", "sha1", "sha256"]
        try:
            self._computed = media_hashes(self._img.read, self._img.get_size(), names)
        except (OSError, RuntimeError) as e:
            raise SourceError(f"verify pass failed ({_short(e)})") from e

    def _open_fs(self, vol: Volume) -> None:
        try:
            if vol.offset is not None:
                fs = pytsk3.FS_Info(self._img, offset=vol.offset)
            else:  # a volume inside another volume system: let dfvfs present it as a flat device
                from dfvfs.resolver import resolver

                img = DfvfsImage(resolver.Resolver.OpenFileObject(vol.path_spec))
                self._extra_imgs.append(img)
                fs = pytsk3.FS_Info(img, offset=0)
        except (OSError, RuntimeError) as e:
            what = f"dfvfs saw {vol.fs_hint}" if vol.fs_hint else "no file system recognised"
            size = self._img.get_size()
            if vol.offset is not None and vol.offset >= size:
                what = f"starts at byte {vol.offset}, past the end of the image ({size} bytes): truncated image"
            self._problems.append(Skipped(Location(self.text, "/", (self._image_hop(), Hop("volume", vol.name))),
                                          Status.UNSUPPORTED, f"{vol.name}: {what}; The Sleuth Kit: {_short(e)}"))
            return
        self._opened.append((vol, fs, fs_label(fs)))

    def __exit__(self, *exc: object) -> None:
        self._opened = []
        for img in [*self._extra_imgs, self._img]:
            if img is not None:
                try:
                    img.close()
                except (OSError, RuntimeError):
                    pass
        self._extra_imgs, self._img = [], None

    # --- describing and walking --------------------------------------------------------------
    def _image_hop(self) -> Hop:
        return Hop("image", self.text, {"format": self._format})

    def _volume_hop(self, vol: Volume, label: str) -> Hop:
        return Hop("volume", f"{vol.name} ({label})", {"offset": vol.offset, "fs_type": label})

    def verified(self) -> bool | None:
        """True/False when a verify pass compared recomputed and stored hashes; None otherwise."""
        common = set(self._computed) & set(self._stored)
        if not common:
            return None
        return all(self._computed[k] == self._stored[k] for k in common)

    def describe(self) -> dict[str, Any]:
        vols = [{"name": v.name, "fs_type": label, "offset": v.offset, "size": v.size} for v, _, label in self._opened]
        bad = [{"name": p.location.containers[-1].name, "fs_type": None, "detail": p.detail} for p in self._problems]
        out: dict[str, Any] = {
            "source": self.text,
            "kind": "image",
            "format": self._format,
            "segments": len(self._segments),
            "size": self._img.get_size() if self._img is not None else None,
            "method": READ_ONLY,
            "image_hashes": dict(self._stored),
            "verify_requested": self.verify_images,
            "verified": self.verified(),
            "volumes": vols + bad,
        }
        if self._computed:
            out["computed_hashes"] = dict(self._computed)
        if self._headers:
            out["acquisition"] = dict(self._headers)
        return out

    def batches(self) -> Iterator[Item | NameBatch]:
        """entries(), with runs of files as NameBatch: the pipeline checks their names in bulk."""
        return batched(self.entries())

    def entries(self) -> Iterator[Item]:
        before = _segment_stats(self._segments)
        yield from self._walk()
        changed = _segment_change(before, _segment_stats(self._segments))
        if changed:  # an image still being written or copied: what was read may mix two versions
            yield Skipped(Location(self.text, "", (self._image_hop(),)), Status.CHANGED_DURING_READ,
                          f"the image file changed during the scan: {changed}")

    def _walk(self) -> Iterator[Item]:
        yield from self._problems
        single = len(self._volumes) == 1 and self._volumes[0].name == "fs"
        for vol, fs, label in self._opened:
            hops = (self._image_hop(), self._volume_hop(vol, label))
            ctx = FsContext(self.text, hops, fs, label)
            listed = 0
            try:
                for item in walk_fs(ctx):
                    listed += 1
                    yield item
            except (OSError, RuntimeError) as e:  # TSK failing mid-walk: record it, go on
                listed += 1
                yield Skipped(Location(self.text, "", hops), Status.CORRUPT,
                              f"{'file system' if single else vol.name}: walk stopped ({e})")
            if not listed:
                # TSK lists nothing (no error) when a damaged chunk holds the root directory: an
                # empty listing is not proof of an empty disk, so it is said, not taken as clean
                yield Skipped(Location(self.text, "/", hops), Status.EMPTY_VOLUME,
                              f"{vol.name}: the file system lists no file at all; it may be empty or its "
                              "directories damaged (check the image with --verify-images)")
