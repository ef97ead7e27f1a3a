"""Disk images met inside a source (a VM disk on a share, a USB dump in a zip, a VHDX backup in an image):
recognised by content, walked like a SOURCE, and their files examined as children one hop deeper.

``/share/backup/pc08.vhdx » p2 (NTFS) » /Users/staff/名簿.xlsx``. A local file is opened where it is
(read-only, O_NOATIME); an image held in memory (an archive member, a file read from another image or
an SMB share, up to --max-inspect-mb) is handed to dfvfs through an anonymous in-memory file. What is
recognised but cannot be walked is listed with the reason, never passed as clean.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..codes import Status
from ..config import ScanConfig
from ..contracts import Inspection, ScanContext, own_failure
from ..details import Detail, say
from ..errors import ReadError, SourceError
from ..models import Entry, Location, Skipped
from ..sources.image_sniff import (
    OTHER_FORMATS,
    cut_udif,
    encrypted_dmg,
    encrypted_dmg_detail,
    first_segment,
    image_kind,
    lost_zero,
    other_format,
    quick_kind,
    read_ends,
    signed_as_image,
)
from ..sources.series_join import joined_in_batches
from ..sources.single import IMAGE_SUFFIXES
from .archive_members import DOCUMENT_EXTS, NOT_ARCHIVE_EXTS

if TYPE_CHECKING:
    from ..sources.base import Item, NameBatch
    from ..sources.image import ImageSource

MAX_IMAGE_NESTING = 3  # an image inside an image inside an image: deeper ones are listed, not opened
MIN_IMAGE = 1024
MIN_HEADER = 64  # a file under MIN_IMAGE holding a volume's first structure is said to be one (a QCOW2 header: 72 B+)
WHOLE_SMALL = ("vmdk",)  # a VMDK descriptor is a text file of a few hundred bytes naming its extents: a whole image


_links: list[str] = []  # [private folder] once made


def _memfd_path(fd: int) -> str:
    """A unique path to an in-memory file: a symlink to /proc/self/fd/N in a private folder (mode 0700).

    dfvfs caches opened files by path: reusing /proc/self/fd/N for the next image could hand it the
    previous one. Only the link is on disk; the bytes stay in memory.
    """
    import atexit
    import shutil
    import tempfile

    if not _links:
        folder = tempfile.mkdtemp(prefix="leakscan-images-")
        atexit.register(shutil.rmtree, folder, True)
        _links.append(folder)
    link = os.path.join(_links[0], f"image-{len(_links)}")
    _links.append(link)
    os.symlink(f"/proc/{os.getpid()}/fd/{fd}", link)
    return link


def image_depth(entry: Entry) -> int:
    return sum(1 for h in entry.location.containers if h.kind == "image")


def _dmg_state(path: str) -> Detail | None:
    """What a file named .dmg that nothing recognises is: a UDIF cut short (its first bytes a UDIF chunk's, its
    trailer gone), or no UDIF at all (random or wiped bytes: dmg-unrecognised); None for a renamed file of another
    format or text (read as itself, not-a-disk-image)."""
    try:
        head, tail, _ = read_ends(path)
    except OSError:
        return None
    if not head:  # an empty file: no bytes to call random or wiped (not-a-disk-image)
        return None
    if cut_udif(head, tail):
        return Detail.UDIF_TRAILER_MISSING
    return None if other_format(head) or tail.startswith(b"koly") else Detail.DMG_UNRECOGNISED


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].casefold() if dot > 0 else ""


# formats whose first bytes look random past a short header: never a disk image signed at its end
_COMMON_SIGNATURES = (*OTHER_FORMATS, b"BZh", b"\xfd7zXZ")
_TAIL_READ_LIMIT = 64 << 20  # a stream that cannot seek is read through to its end up to this size


_HIGH = bytes(range(128, 256))


def _many_values(first: bytes) -> bool:
    """At least 200 distinct byte values among these 512 (random bytes hold ~221). At most 128 of them lie below 0x80
    and 128 above, so each half holds at least 72 of the bytes: counted in C first, the set of 512 numbers (10-25 us,
    asked of every file of 1 KiB or more no signature names: a .jar's classes) only when both halves do."""
    low = len(first.translate(None, _HIGH))
    return low >= 72 and len(first) - low >= 72 and len(set(first)) >= 200


def _signed_at_end(entry: Entry, size: int) -> bool:
    """Whether a file that is not on the local disk (an archive member, a file inside an image, a file on a
    share) ends with the signature of a version 1 encrypted macOS disk image ("cdsaencr"): read by seeking
    where the stream allows it, else read through when it is small enough."""
    try:
        with entry.open() as f:
            if f.seekable():
                f.seek(size - 8)
                tail = f.read(8)
            elif size <= _TAIL_READ_LIMIT:
                tail = b""
                while chunk := f.read(1 << 20):
                    tail = (tail + chunk)[-8:]
            else:
                return False
    except (OSError, ReadError, ValueError):
        return False
    return encrypted_dmg(b"", tail) is not None


NTFS_BOOT_AREA = 8192  # NTFS' boot sector and boot code ($Boot: 16 sectors), all bootsect.exe backs up


def _boot_area_copy(path: str) -> bool:
    """Whether the file at PATH, whose first sector is an NTFS boot sector, is exactly NTFS' boot area long: a copy
    of it (Windows' ``bootsect.bak`` at a system volume's root: bootsect.exe backs up all 16 sectors), not a cut
    image: an NTFS volume's first file record lies past it, so there is nothing of a file system to walk.
    images23: such a file was listed three times as a truncated NTFS image and made the scan incomplete (exit 3) on
    every Windows volume holding one. review23i: any file up to 8 KiB was taken for a copy, so a volume's dump cut
    at 2 or 4 KiB (``sda1``, an interrupted dd) was read as a plain file, nothing listed, exit 0 (a false clean)."""
    try:
        return os.stat(path).st_size == NTFS_BOOT_AREA
    except OSError:
        return False


def _header_only(entry: Entry, data: bytes) -> Inspection | None:
    """A file under MIN_IMAGE whose first bytes are a volume's or a disk image's first structure (an NTFS boot sector,
    an XFS superblock, a QCOW2 header, a VHD footer: ``quick_kind``): listed as that structure alone (a cut image or a
    copy of its header), never walked; None for any other file. images24: such a file was read as a plain file by
    the CLI, nothing said (the API refused each with a reason). Total."""
    try:
        size = entry.stat().size
        if size >= MIN_IMAGE or _suffix(entry.name) in IMAGE_SUFFIXES or later_first(entry) is not None:
            return None  # named as an image or a segment (``usb.img``, ``disk.001``): walked and said cut short
            # (truncated-fs, truncated-table: the scan incomplete) as before images24 (review24i: image-header-only
            # took them first and the scan of a 512-byte cut FAT ``usb.img`` ended complete, exit 0)
        if len(data) < size:
            with entry.open() as f:
                data = f.read(MIN_IMAGE)
        kind = quick_kind(data[:MIN_IMAGE])
    except (OSError, ReadError, ValueError):
        return None
    if kind is None or kind in WHOLE_SMALL:
        return None
    return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.IMAGE_HEADER_ONLY, kind=kind, size=size))


def later_first(entry: Entry) -> str | None:
    """The first segment a later segment of a split raw image names when its folder's listing lacks it (the
    entry's series, ``split_series.segments_in``: the same for a local folder, an SMB share, an archive's or a disk
    image's folder), else None."""
    series = getattr(entry, "series", None)
    return series.first_name if series is not None and getattr(series, "segments", False) else None


class ImageInspector:
    """Wants files whose first bytes (or name) say disk image; walks each as a nested ImageSource."""

    name = "image"
    skip_extensions = NOT_ARCHIVE_EXTS | frozenset(DOCUMENT_EXTS)  # wants_name as data (scanner.prefilter)
    opens_itself = True  # called even when the file is over --max-inspect-mb: a local image is read in place
    looks_past_magic = True  # a boot sector's table, a superblock, a footer: whatever the first bytes (contracts)
    reads_beyond_bytes = frozenset({".plist"})  # (contracts) a sparse bundle's Info.plist, by name and folder

    def __init__(self, config: ScanConfig) -> None:
        self.config = config

    def wants_name(self, name: str) -> bool:
        return _suffix(name) not in self.skip_extensions

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool:
        if entry.name == "Info.plist" and _local_bundle(entry) is not None:
            return True  # a macOS sparse bundle's Info.plist: the bundle's disk is read from it (image_bundle)
        if not self.wants_name(entry.name):
            return False
        series = getattr(entry, "series", None)
        if series is not None and series.complete and not getattr(series, "disk", False):  # X.7z.001 ... all
            return False  # there: an archive read joined (split_series); a raw image's segments joined: read here
        if series is not None and series.complete and not getattr(entry, "joined", False):
            return False  # a later segment of a raw image read joined under its first (images24: ``disk.001`` of a
            # ``split -d`` set from ``disk.000`` was listed not-a-disk-image beside the joined image)
        if _suffix(entry.name) in IMAGE_SUFFIXES:
            return True  # recognised, or listed as named like an image but none
        if size > 0 and later_first(entry) is not None:
            return True  # disk.002 without disk.001, wherever its folder lies: walked or listed (_walk)
        path = getattr(entry, "fs_path", None)
        if size < MIN_IMAGE:
            return size >= MIN_HEADER and quick_kind(head()) not in (None, *WHOLE_SMALL)  # a volume's first
            # structure alone (inspect: image-header-only)
        h = head()
        if quick_kind(h) is not None:  # a boot sector or a container header in the first 512 bytes
            return True
        if path is not None and size >= 4096:  # a local file: 4.5 KiB and its last 512 bytes (UDIF, fixed VHD)
            return signed_as_image(os.fsdecode(path))
        if len(h) >= 512 and not h.startswith(_COMMON_SIGNATURES) and _many_values(h[:512]):
            return _signed_at_end(entry, size)  # ciphertext with no header: a version 1 encrypted macOS disk image?
        if len(h) == 512 and not any(h) and size >= 64 * 1024:
            # ext, HFS+ and LVM sign past the first 512 bytes, which are zeros: read 4.5 KiB to be sure
            try:
                with entry.open() as f:
                    return quick_kind(f.read(4608)) is not None
            except (OSError, ReadError):
                return False
        return False

    def inspect(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
        path = getattr(entry, "fs_path", None)
        if entry.name == "Info.plist" and (folder := _local_bundle(entry)) is not None:
            return self._walk_bundle(entry, folder, ctx)
        if (small := _header_only(entry, data)) is not None:
            return small
        if path is not None:
            return self._walk(entry, os.fsdecode(path), None, ctx)
        size = entry.stat().size
        if len(data) < size:  # over --max-inspect-mb and not a local file: not in memory, cannot be walked
            kind = quick_kind(data[:4608]) if data else None
            if kind is None and _signed_at_end(entry, size):  # a version 1 encrypted image: its sign is at the end,
                return Inspection(status=Status.ENCRYPTED, detail=encrypted_dmg_detail(1))  # past what is in memory
            if kind is None and (lost := later_first(entry)) is not None:  # a later segment not read whole here
                return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.LATER_SEGMENT,
                                                                       first=os.path.basename(lost)))
            if kind is None and _suffix(entry.name) not in IMAGE_SUFFIXES:
                return Inspection()
            joined = getattr(entry, "series", None) if getattr(entry, "joined", False) else None
            if joined is not None and len(joined.parts) > 1:  # a split set joined (an SMB share's): not walked is an
                return Inspection(status=Status.UNSUPPORTED, detail=say(  # unlisted volume, exit 3 (splits24b)
                    Detail.SPLIT_IMAGE_OVER_CAP, n=len(joined.parts), kind=kind or _suffix(entry.name), size=size,
                    container=entry.location.containers[-1].kind, cap=self.config.max_inspect_bytes))
            return Inspection(status=Status.UNSUPPORTED, detail=say(
                Detail.IMAGE_OVER_CAP, kind=kind or _suffix(entry.name), size=size,
                container=entry.location.containers[-1].kind, cap=self.config.max_inspect_bytes))
        fd = os.memfd_create("leakscan-image", os.MFD_CLOEXEC)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        except OSError:
            os.close(fd)
            raise
        return self._walk(entry, _memfd_path(fd), fd, ctx)

    def _walk(self, entry: Entry, path: str, fd: int | None, ctx: ScanContext) -> Inspection:
        first = first_segment(path) if fd is None else None
        if first is not None:  # pc08.E02 beside pc08.E01: the set is walked once, from its first segment
            if os.path.isfile(first):
                return Inspection()
            return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.LATER_SEGMENT,
                                                                   first=os.path.basename(first)))
        kind = image_kind(path)
        if kind == "ntfs" and _suffix(entry.name) not in IMAGE_SUFFIXES and _boot_area_copy(path):
            if fd is not None:
                os.close(fd)
            return Inspection()  # a copy of an NTFS boot area (bootsect.bak): read as the file it is
        lost = later_first(entry)
        if kind is None and lost is not None:  # the middle of a split disk, its first segment not handed over:
            if fd is not None:
                os.close(fd)
            return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.LATER_SEGMENT,  # its volumes never read
                                                                   first=os.path.basename(lost)))
        if kind is None:
            dmg = _dmg_state(path) if _suffix(entry.name) == ".dmg" else None
            if fd is not None:
                os.close(fd)
            if dmg is Detail.UDIF_TRAILER_MISSING:  # a .dmg whose trailer is gone: damaged, not "not an image"
                return Inspection(status=Status.CORRUPT, detail=say(Detail.UDIF_TRAILER_MISSING))
            if dmg is not None:  # no UDIF structure at all: not called a damaged UDIF
                return Inspection(status=Status.UNSUPPORTED, detail=say(dmg))
            if fd is None and (zero := lost_zero(path)) is not None:  # disk.001 + .002 of a set from .000, the
                return Inspection(status=Status.UNSUPPORTED, detail=say(  # .000 lost: a disk's middle, never walked
                    Detail.LATER_SEGMENT, first=os.path.basename(zero)))
            if _suffix(entry.name) in IMAGE_SUFFIXES:
                return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.NOT_A_DISK_IMAGE))
            return Inspection()  # not an image after all (the quick check only said maybe)
        if kind == "encrypted-dmg":  # no library decrypts it: listed with what would open it, not walked
            head, tail, _ = read_ends(path)  # before the in-memory copy is closed (its path goes with it)
            if fd is not None:
                os.close(fd)
            return Inspection(status=Status.ENCRYPTED, detail=encrypted_dmg_detail(encrypted_dmg(head, tail) or 2))
        if image_depth(entry) >= MAX_IMAGE_NESTING:
            if fd is not None:
                os.close(fd)
            return Inspection(status=Status.TOO_DEEP, detail=say(Detail.IMAGE_TOO_DEEP, kind=kind, n=MAX_IMAGE_NESTING))
        from ..backends import load

        load("pytsk3")
        load("dfvfs")
        from ..sources.image import ImageSource  # the image back-ends load only when an image is met

        source = ImageSource(path, verify_images=self.config.verify_images, within=entry.location)
        try:
            source.__enter__()
        except SourceError as e:
            if fd is not None:
                os.close(fd)
            return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.IMAGE_NOT_OPENED, kind=kind, library=str(e)),
                              children=list(e.skipped))
        details = source.describe()
        details["source"] = entry.location.display()
        details["nested_in"] = entry.location.source
        ctx.result.sources.append(details)
        return Inspection(children=_walked(source, fd, entry.location))


    def _walk_bundle(self, entry: Entry, folder: str, ctx: ScanContext) -> Inspection:
        """A local macOS sparse bundle met in a folder walk, reached through its Info.plist: its bands are read
        as one disk (image_bundle) and walked one hop below the bundle's folder."""
        import posixpath

        if image_depth(entry) >= MAX_IMAGE_NESTING:
            return Inspection(status=Status.TOO_DEEP, detail=say(Detail.BUNDLE_TOO_DEEP, n=MAX_IMAGE_NESTING))
        from ..backends import load

        load("pytsk3")
        load("dfvfs")
        from ..sources.image import ImageSource

        where = entry.location
        within = Location(where.source, posixpath.dirname(where.path), where.containers)
        source = ImageSource(folder, verify_images=self.config.verify_images, within=within)
        try:
            source.__enter__()
        except SourceError as e:
            skipped = list(e.skipped)
            status = skipped[0].reason if skipped else Status.UNSUPPORTED
            return Inspection(status=status, detail=say(Detail.BUNDLE_FOLDER_PROBLEM, why=str(e)),
                              children=skipped[1:] if skipped and skipped[0].detail == str(e) else skipped)
        details = source.describe()
        details["source"] = within.display()
        details["nested_in"] = where.source
        ctx.result.sources.append(details)
        return Inspection(children=_walked(source, None, within))


def _local_bundle(entry: Entry) -> str | None:
    """The folder of a local Info.plist when it is a macOS sparse bundle that is not encrypted (an encrypted
    one is listed by the walk: sparse_bundle), else None."""
    path = getattr(entry, "fs_path", None)
    if path is None:
        return None
    from ..sources.image_bundle import is_bundle_folder, is_encrypted_bundle

    folder = os.path.dirname(os.fsdecode(path))
    if not is_bundle_folder(folder) or is_encrypted_bundle(folder):
        return None
    return folder


def _walked(source: ImageSource, fd: int | None, where: Location) -> Iterator[Item | NameBatch]:
    """The nested image's items; the image (and its in-memory file) closed when the walk ends."""
    try:
        yield from joined_in_batches(source.batches())  # a folder's split series joined (split15)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):  # GeneratorExit: the reader stopped early
        raise
    except BaseException as e:  # noqa: BLE001 - a walk failing inside a nested image is data
        bug = own_failure(e)  # unless leakscan's own code failed: a bug, not a damaged image (images21)
        yield (Skipped(where, Status.CORRUPT, say(Detail.NESTED_WALK_STOPPED, error=type(e).__name__)) if bug is None
               else Skipped(where, Status.INTERNAL_ERROR, say(Detail.NESTED_WALK_INTERNAL_ERROR, error=type(e).__name__,
                                                             where=bug)))
    finally:
        source.__exit__()
        if fd is not None:
            os.close(fd)
