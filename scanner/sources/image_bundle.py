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
from ..errors import SourceError
from .sparse_bundle import BUNDLE_TYPE

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
    nothing parsed: this is asked in the scan process)."""
    try:  # bands/ itself, never a link to a folder elsewhere (outside the evidence)
        if not statmod.S_ISDIR(os.lstat(os.path.join(path, "bands")).st_mode):
            return False
    except OSError:
        return False
    for name in ("Info.plist", "Info.bckup"):
        raw = _read_small(os.path.join(path, name))
        if raw and b"diskimage-bundle-type" in raw and BUNDLE_TYPE.encode() in raw:
            return True
    return False


def is_encrypted_bundle(path: str) -> bool:
    """Its token holds an encrcdsa header (the bands need the image's password)."""
    return (_read_small(os.path.join(path, "token")) or b"").startswith(b"encrcdsa")


def _noatime_open(path: str, flags: int, dir_fd: int | None = None) -> int:
    if _NOATIME:
        try:
            return os.open(path, flags | _NOATIME, dir_fd=dir_fd)
        except PermissionError:
            pass
    return os.open(path, flags, dir_fd=dir_fd)


def open_bands(folder: str) -> int:
    """The bundle's bands/ folder, opened to list it and open its bands by name without moving its access time
    (os.listdir of a path does) and never through a link (a bands/ linked elsewhere is outside the evidence)."""
    return _noatime_open(os.path.join(folder, "bands"), _DIR)


def _open(path: str, dir_fd: int | None = None) -> int:
    """A regular file opened read-only without moving its access time (a FIFO or a link is refused)."""
    fd = _noatime_open(path, _RDONLY, dir_fd)
    if not statmod.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{os.path.basename(path)}: not a regular file")
    return fd


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
            notes.append(f"{out['bands_absent']} of {self.count} bands absent: read as zeros, as macOS reads them "
                         "(never written, or lost in a copy)")
        if notes:
            out["note"] = "; ".join(notes)
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
            raise refuse(Status.CORRUPT, (
                f"macOS sparse bundle whose Info.plist is damaged ({used}) and whose copy Info.bckup is too "
                f"({backup}): the disk's size and band size are unknown, so its bands are not assembled"))
        note = f"Info.plist damaged ({used}): the disk's size and band size were read from its copy Info.bckup"
        used = backup
    size, band = used
    if is_encrypted_bundle(folder):
        raise refuse(Status.ENCRYPTED, (
            f"encrypted macOS sparse bundle disk image (a disk of {size} bytes, bands of {band} bytes; its token "
            "holds an encrcdsa header): its bands need the image's password and no library here decrypts them: "
            "not examined; attach it on a Mac with the password (hdiutil attach) and scan the volume, or a "
            "decrypted copy (hdiutil convert -format UDRO)"))
    try:
        bands_fd = open_bands(folder)
    except OSError as e:
        raise refuse(Status.UNREADABLE, f"macOS sparse bundle whose bands/ cannot be listed (a link is not "
                     f"followed): {e.strerror or e}") from e
    try:
        return _band_files(folder, size, band, note, bands_fd)
    finally:
        os.close(bands_fd)


def _band_files(folder: str, size: int, band: int, note: str, bands_fd: int) -> BundleInfo:
    refuse = BundleRefused
    try:
        names = os.listdir(bands_fd)
    except OSError as e:
        raise refuse(Status.UNREADABLE, f"macOS sparse bundle whose bands/ cannot be listed: {e.strerror or e}") from e
    info = BundleInfo(folder, size, band, {}, note)
    for name in sorted(names):
        try:
            number = int(name, 16)
        except ValueError:
            continue  # not a band (walked as a file where the bundle is met in a folder)
        if name != f"{number:x}":
            continue  # hdiutil names band N by N in lowercase hex, no leading zero
        try:
            st = os.stat(name, dir_fd=bands_fd, follow_symlinks=False)
        except OSError as e:
            info.damage.append(f"band {name} cannot be examined ({e.strerror or e}): read as zeros")
            continue
        if not statmod.S_ISREG(st.st_mode):
            info.damage.append(f"band {name} is not a regular file: read as zeros")
            continue
        if number >= info.count:
            info.damage.append(f"band {name} lies past the disk's end ({size} bytes): not read")
            continue
        info.bands[number] = st.st_size
        wanted = info._wanted(number)
        if st.st_size < wanted:  # hdiutil writes whole bands: a short one was cut (a copy stopped part-way)
            info.damage.append(f"band {name} is {st.st_size} bytes of {wanted} (cut short?): its last "
                               f"{wanted - st.st_size} bytes read as zeros")
        elif st.st_size > wanted:
            info.damage.append(f"band {name} is {st.st_size} bytes, longer than the band size ({wanted}): only its "
                               "first bytes are part of the disk")
    return info


class BundleReader:
    """The assembled disk: read(offset, size) over the bands, absent bytes as zeros."""

    def __init__(self, info: BundleInfo) -> None:
        self.info = info
        self._fds: OrderedDict[int, int] = OrderedDict()
        self.errors: list[str] = []
        self._bands = open_bands(info.folder)  # bands opened by name in it: never through a link

    def _fd(self, number: int) -> int | None:
        fd = self._fds.get(number)
        if fd is not None:
            self._fds.move_to_end(number)
            return fd
        try:
            fd = _open(f"{number:x}", self._bands)
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
        if self._bands >= 0:
            os.close(self._bands)
            self._bands = -1


def register_dfvfs() -> None:
    """Teach dfvfs the ``SPARSEBUNDLE`` path spec: its location is the bundle's folder (image_pathspec)."""
    from .image_pathspec import register_reader

    register_reader(TYPE_INDICATOR, lambda location: BundleReader(bundle_info(location)))
