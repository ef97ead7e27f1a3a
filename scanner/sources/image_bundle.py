"""A macOS sparse bundle (``NAME.sparsebundle``) read as the disk its bands make, for the image source.

Info.plist (or its copy Info.bckup) gives the disk's ``size`` and ``band-size``; band N (a file in ``bands/``
named by N in lowercase hex) holds bytes N x band-size onwards. A band never written is absent, and a band
written only up to some offset is that long: both read as zeros, as macOS reads them. The bands are opened
read-only (O_NOATIME where allowed, regular files only) and read with pread: nothing is copied or assembled on
disk. dfvfs reaches the assembled disk through a path spec of its own (``SPARSEBUNDLE``, registered here), so
partitions, volumes and file systems inside are found as in any other image.

This module parses Info.plist with plistlib, so it runs only where the image is opened: the image walker's
isolated process (a SOURCE) or the image inspector's worker, never the scan's own walk (sparse_bundle).
"""

from __future__ import annotations

import os
import plistlib
import stat as statmod
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ..codes import Status
from ..details import Detail, join_details, say
from ..errors import SourceError
from .sparse_bundle import BUNDLE_PARTS, BUNDLE_TYPE, band_number

TYPE_INDICATOR = "SPARSEBUNDLE"
FORMAT = "macOS sparse bundle"
_PLIST_LIMIT = 1 << 16
_MAX_BAND = 1 << 32  # hdiutil's band sizes are 1-256 MiB; anything past 4 GiB is no band size
_MIN_BAND = 4096  # nor below a page (a band of a few bytes would make each read a loop over millions of bands)
_MAX_SIZE = 1 << 56
_OPEN_FDS = 64
_RDONLY = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
_NOATIME = getattr(os, "O_NOATIME", 0)
_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)


def is_bundle_folder(path: str) -> bool:
    """A folder holding bands/ and an Info.plist (or Info.bckup) that names a sparse bundle (by a byte search,
    nothing parsed: this is asked in the scan process). bands/ as a symbolic link is no bundle: the walk lists
    the link."""
    bands = os.path.join(path, "bands")
    if not os.path.isdir(bands) or os.path.islink(bands):  # a link could lead anywhere on this machine
        return False
    for name in ("Info.plist", "Info.bckup"):
        raw = _read_small(os.path.join(path, name))
        if raw and b"diskimage-bundle-type" in raw and BUNDLE_TYPE.encode() in raw:
            return True
    return False


def has_strays(path: str) -> bool:
    """Whether the bundle's folder holds anything hdiutil does not put there (a file beside the bands, a name in
    bands/ that is no band): then it is walked as a folder, so nothing put there is hidden
    behind its disk (its disk is still read, through its Info.plist: inspectors.image). Asked in the scan
    process: names only."""
    try:
        return any(n not in BUNDLE_PARTS for n in _listdir(path)) or any(
            band_number(n) is None for n in _listdir(os.path.join(path, "bands")))
    except OSError:
        return True  # the walk lists what cannot be read, with its reason


def is_encrypted_bundle(path: str) -> bool:
    """Its token holds an encrcdsa header (the bands need the image's password)."""
    return (_read_small(os.path.join(path, "token")) or b"").startswith(b"encrcdsa")


def _open(path: str) -> int:
    """A regular file opened read-only without moving its access time (a FIFO or a link is refused)."""
    if _NOATIME:
        try:
            fd = os.open(path, _RDONLY | _NOATIME)
        except PermissionError:
            fd = os.open(path, _RDONLY)
    else:
        fd = os.open(path, _RDONLY)
    if not statmod.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{os.path.basename(path)}: not a regular file")
    return fd


def _listdir(path: str) -> list[str]:
    """A folder's names, its access time unmoved (O_NOATIME where allowed; os.listdir(path) moves it)."""
    try:
        fd = os.open(path, _DIR | _NOATIME) if _NOATIME else os.open(path, _DIR)
    except PermissionError:
        fd = os.open(path, _DIR)
    try:
        return os.listdir(fd)
    finally:
        os.close(fd)


def _read_small(path: str) -> bytes | None:
    try:
        fd = _open(path)
    except OSError:
        return None
    try:
        return os.pread(fd, _PLIST_LIMIT + 1, 0)
    except OSError:
        return None
    finally:
        os.close(fd)


def _plist(raw: bytes | None) -> tuple[int, int] | str:
    """(size, band-size) from one Info.plist, or why it cannot give them."""
    if raw is None:
        return "missing or not readable"
    if len(raw) > _PLIST_LIMIT:
        return f"over {_PLIST_LIMIT} bytes"
    try:
        info = plistlib.loads(raw)
    except (plistlib.InvalidFileException, ValueError, TypeError, KeyError, IndexError, OverflowError,
            RecursionError, MemoryError) as e:
        return f"not a readable property list ({type(e).__name__})"
    except Exception as e:  # noqa: BLE001 - expat and plistlib raise more kinds on crafted input
        return f"not a readable property list ({type(e).__name__})"
    if not isinstance(info, dict) or info.get("diskimage-bundle-type") != BUNDLE_TYPE:
        return "does not name a sparse bundle"
    size, band = info.get("size"), info.get("band-size")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= _MAX_SIZE:
        return f"no usable size ({size!r})"
    if not isinstance(band, int) or isinstance(band, bool) or not _MIN_BAND <= band <= _MAX_BAND:
        return f"no usable band-size ({band!r})"
    return size, band


@dataclass
class BundleInfo:
    """What a bundle's Info.plist, token and bands/ say, before any band is read."""

    folder: str
    size: int
    band_size: int
    bands: dict[int, int]  # band number -> its file's size
    note: str = ""  # the plist used when Info.plist itself was damaged
    damage: list[str] = field(default_factory=list)  # band files that are certainly wrong

    @property
    def count(self) -> int:
        return -(-self.size // self.band_size)

    def facts(self) -> dict[str, Any]:
        inside = [n for n in self.bands if n < self.count]
        short = sum(1 for n in inside if self.bands[n] < self._wanted(n))
        out: dict[str, Any] = {
            "band_size": self.band_size, "bands": self.count, "bands_present": len(inside),
            "bands_absent": self.count - len(inside), "bands_short": short,
            "bands_bytes": sum(min(self.bands[n], self._wanted(n)) for n in inside),
        }
        notes = [self.note] if self.note else []
        if out["bands_absent"]:
            notes.append(say(Detail.BANDS_ABSENT, absent=out["bands_absent"], n=self.count))
        if notes:
            out["note"] = join_details(notes)
        return out

    def _wanted(self, n: int) -> int:
        return min(self.band_size, self.size - n * self.band_size)


class BundleRefused(SourceError):
    """A bundle that cannot be read as a disk, and why (its status: corrupt, encrypted, unreadable)."""

    def __init__(self, status: Status, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def bundle_info(folder: str) -> BundleInfo:
    """Read a bundle's facts; BundleRefused when it cannot be read as a disk."""
    refuse = BundleRefused

    used = _plist(_read_small(os.path.join(folder, "Info.plist")))
    note = ""
    if isinstance(used, str):
        backup = _plist(_read_small(os.path.join(folder, "Info.bckup")))
        if isinstance(backup, str):
            raise refuse(Status.CORRUPT, say(Detail.BUNDLE_PLISTS_DAMAGED, used=used, backup=backup))
        note = say(Detail.BUNDLE_PLIST_FROM_BACKUP, used=used)
        used = backup
    size, band = used
    if is_encrypted_bundle(folder):
        # the sentence of a bundle met inside a walk (sources.sparse_bundle), its shape said the same way
        raise refuse(Status.ENCRYPTED, say(Detail.BUNDLE_ENCRYPTED, shape=f"a disk of {size} bytes, bands of {band} bytes"))
    bands_dir = os.path.join(folder, "bands")
    try:
        names = _listdir(bands_dir)
    except OSError as e:
        raise refuse(Status.UNREADABLE, say(Detail.BUNDLE_BANDS_UNLISTED, library=str(e.strerror or e))) from e
    info = BundleInfo(folder, size, band, {}, note)
    for name in sorted(names):
        number = band_number(name)
        if number is None:
            continue  # not a band: walked as a file (the bundle is then walked as a folder: has_strays)
        try:
            st = os.lstat(os.path.join(bands_dir, name))
        except OSError as e:
            info.damage.append(say(Detail.BAND_UNEXAMINABLE, name=name, library=str(e.strerror or e)))
            continue
        if not statmod.S_ISREG(st.st_mode):
            info.damage.append(say(Detail.BAND_NOT_REGULAR, name=name))
            continue
        if number >= info.count:
            info.damage.append(say(Detail.BAND_PAST_END, name=name, size=size))
            continue
        info.bands[number] = st.st_size
        wanted = info._wanted(number)
        if st.st_size < wanted:  # hdiutil writes whole bands: a short one was cut (a copy stopped part-way)
            info.damage.append(say(Detail.BAND_SHORT, name=name, size=st.st_size, wanted=wanted,
                                   missing=wanted - st.st_size))
        elif st.st_size > wanted:
            info.damage.append(say(Detail.BAND_LONG, name=name, size=st.st_size, wanted=wanted))
    return info


class BundleReader:
    """The assembled disk: read(offset, size) over the bands, absent bytes as zeros."""

    def __init__(self, info: BundleInfo) -> None:
        self.info = info
        self._fds: OrderedDict[int, int] = OrderedDict()
        self.errors: list[str] = []

    def _fd(self, number: int) -> int | None:
        fd = self._fds.get(number)
        if fd is not None:
            self._fds.move_to_end(number)
            return fd
        try:
            fd = _open(os.path.join(self.info.folder, "bands", f"{number:x}"))
        except OSError as e:
            if number in self.info.bands:  # was listed: gone or refused since
                raise OSError(f"sparse bundle band {number:x} not readable: {e.strerror or e}") from e
            return None
        self._fds[number] = fd
        while len(self._fds) > _OPEN_FDS:
            os.close(self._fds.popitem(last=False)[1])
        return fd

    def read(self, offset: int, size: int) -> bytes:
        info = self.info
        end = min(offset + max(size, 0), info.size)
        out = bytearray()
        while offset < end:
            number, within = divmod(offset, info.band_size)
            take = min(end - offset, info.band_size - within)
            data = b""
            if number in info.bands:
                fd = self._fd(number)
                if fd is not None:
                    data = os.pread(fd, take, within)
            out += data
            if len(data) < take:
                out += bytes(take - len(data))
            offset += take
        return bytes(out)

    def get_size(self) -> int:
        return self.info.size

    def close(self) -> None:
        while self._fds:
            os.close(self._fds.popitem()[1])


def register_dfvfs() -> None:
    """Teach dfvfs the ``SPARSEBUNDLE`` path spec: its location is the bundle's folder (image_pathspec)."""
    from .image_pathspec import register_reader

    register_reader(TYPE_INDICATOR, lambda location: BundleReader(bundle_info(location)))
