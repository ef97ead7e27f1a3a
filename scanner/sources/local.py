"""A directory tree (a mounted share or a local disk), walked read-only.

Names are read as bytes (a non-UTF-8 name is decoded as cp932 for matching and display, raw bytes
kept as hex); symbolic links are recorded, never followed; FIFOs, sockets and devices are never
opened for reading; directories are opened with O_NOATIME so the walk leaves no trace; a directory
already visited (bind-mount loop) is not entered twice; very deep trees do not hit PATH_MAX.

Nothing is followed out of the tree when the tree changes under the walk: a directory is entered only
when the descriptor opened (O_NOFOLLOW) is the very directory its parent listed (device and inode), so a
directory swapped for a symbolic link, or reached through a swapped parent, is recorded (the link under
``links``, the directory as ``vanished``) and not walked; files are stat'ed and opened relative to their
folder's descriptor with O_NOFOLLOW (openat), never by a path that could pass through a swapped link.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import functools
import os
import stat as statmod
import time
from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import IO, Any

from ..codes import Status
from ..details import Detail, directory_error, os_error, read_part, say
from ..errors import ReadError
from ..models import FileStat, Link, Location, Skipped
from ..timeutil import iso_utc
from .base import Item, NameBatch, unbatched
from .image_sniff import HEAD, SEGMENT_HEAD, segment_head
from .memo_beside import MEMO_HEADER, MemoTable, lone_memos, memos_in
from .series_join import edges, no_image, open_pieces
from .split_series import (
    TAIL_TEXT,
    Segment,
    Series,
    Splice,
    concat,
    holds_part_name,
    series_in,
    spanned_beside,
    spanned_in,
    splice_segments,
    text_or_container,
)

LOST_CHECK_SECONDS = 0.5
# errors that may be the source's own (the scanned folder gone) rather than the file's
_LOSABLE = frozenset({Status.VANISHED, Status.UNREADABLE})

_BY_NAME = attrgetter("name")
_NOATIME = getattr(os, "O_NOATIME", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS = os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def lost_then(why: str, detail: str) -> str:
    """A failure that came while the scanned folder was gone (``why``, from :meth:`LocalSource.lost`) with what it
    said then (``detail``): ``the scanned folder ... (detail)``."""
    said = read_part(why)
    if said.get("code") == Detail.FOLDER_UNREACHABLE:
        return say(Detail.FOLDER_UNREACHABLE_THEN, library=said.get("library"), then=detail)
    if said.get("code") == Detail.FOLDER_UNMOUNTED:
        return say(Detail.FOLDER_UNMOUNTED_THEN, then=detail)
    return f"{why} ({detail})"  # no other reason is written by lost(); kept as it was said


def decode_name(raw: bytes) -> tuple[str, bool]:
    """Bytes of one name -> (text, was_utf8). UTF-8 first, then cp932 (Japanese Windows shares)."""
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp932"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), False


def _shown(name: str) -> str:
    """A name as a folder listing gives it (bytes that are not UTF-8 surrogate-escaped) as the walk shows it."""
    return decode_name(name.encode("utf-8", "surrogateescape"))[0]


def _open_noatime(path: bytes, flags: int, dir_fd: int | None = None) -> int:
    """os.open with O_NOATIME, dropping it where the OS refuses (not the owner, not root)."""
    if _NOATIME:
        try:
            return os.open(path, flags | _NOATIME, dir_fd=dir_fd)
        except PermissionError:
            pass
    return os.open(path, flags, dir_fd=dir_fd)


def open_deep(path: bytes, flags: int) -> int:
    """Open a path of any length: by full path, or component by component past PATH_MAX."""
    try:
        return _open_noatime(path, flags)
    except OSError as e:
        if e.errno != errno.ENAMETOOLONG:
            raise
    parts = [p for p in path.split(b"/") if p]
    fd = os.open(b"/" if path.startswith(b"/") else b".", _DIR_FLAGS)
    try:
        for part in parts[:-1]:
            nxt = _open_noatime(part, _DIR_FLAGS | getattr(os, "O_NOFOLLOW", 0), dir_fd=fd)
            os.close(fd)
            fd = nxt
        return _open_noatime(parts[-1], flags, dir_fd=fd)
    finally:
        os.close(fd)


def stat_file(raw: bytes, dir_fd: int | None = None) -> FileStat:
    """The stat of a local file by its raw path (or its name under ``dir_fd``), never following a
    symbolic link; failures are ReadError (``vanished``, ``unreadable``) so whoever reads evidence by
    path records them alike."""
    return file_stat(raw_stat(raw, dir_fd))


def raw_stat(raw: bytes, dir_fd: int | None = None) -> os.stat_result:
    """``stat_file``'s system call and its failures (ReadError), the times not yet turned into text."""
    try:
        return lstat_deep(raw) if dir_fd is None else os.stat(raw, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError as e:
        raise ReadError(Status.VANISHED, say(Detail.FILE_DISAPPEARED)) from e
    except OSError as e:
        raise ReadError(Status.UNREADABLE, os_error(e)) from e


def open_file(raw: bytes, dir_fd: int | None = None) -> IO[bytes]:
    """Open a local regular file by its raw path (or its name under ``dir_fd``): read-only, O_NOATIME,
    no symbolic link followed, never blocking on a FIFO or device put in its place (``special-file``)."""
    try:
        fd = open_deep(raw, _FILE_FLAGS) if dir_fd is None else _open_noatime(raw, _FILE_FLAGS, dir_fd)
    except FileNotFoundError as e:
        raise ReadError(Status.VANISHED, say(Detail.FILE_DISAPPEARED)) from e
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise ReadError(Status.SPECIAL_FILE, say(Detail.BECAME_SYMLINK)) from e
        raise ReadError(Status.UNREADABLE, os_error(e)) from e
    st = os.fstat(fd)
    if not statmod.S_ISREG(st.st_mode):
        os.close(fd)
        raise ReadError(Status.SPECIAL_FILE, say(Detail.NOT_REGULAR_WHEN_OPENED))
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def open_under(root: bytes, rel: bytes) -> IO[bytes]:
    """Open ``root/rel`` for reading with no symbolic link followed below ``root`` (each part opened
    O_NOFOLLOW under its parent's descriptor): a folder swapped for a link since the scan cannot lead
    the read elsewhere. ``root`` itself is the SOURCE as the user gave it (it may pass through links)."""
    parts = [p for p in rel.split(b"/") if p]
    if not parts or any(p in (b".", b"..") for p in parts):
        raise ReadError(Status.UNREADABLE, say(Detail.NOT_INSIDE_SOURCE))
    try:
        fd = _open_noatime(root, _DIR_FLAGS)
    except FileNotFoundError as e:
        raise ReadError(Status.VANISHED, say(Detail.SOURCE_FOLDER_GONE)) from e
    except OSError as e:
        raise ReadError(Status.UNREADABLE, os_error(e)) from e
    try:
        for part in parts[:-1]:
            try:
                nxt = _open_noatime(part, _DIR_FLAGS | _NOFOLLOW, dir_fd=fd)
            except FileNotFoundError as e:
                raise ReadError(Status.VANISHED, say(Detail.FILE_DISAPPEARED_PATH_GONE)) from e
            except OSError as e:
                if e.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise ReadError(Status.SPECIAL_FILE, say(Detail.PATH_NOW_LINK)) from e
                raise ReadError(Status.UNREADABLE, os_error(e)) from e
            os.close(fd)
            fd = nxt
        return open_file(parts[-1], fd)
    finally:
        os.close(fd)


def lstat_deep(path: bytes) -> os.stat_result:
    try:
        return os.lstat(path)
    except OSError as e:
        if e.errno != errno.ENAMETOOLONG:
            raise
    head, _, tail = path.rpartition(b"/")
    fd = open_deep(head or b"/", _DIR_FLAGS)
    try:
        return os.stat(tail, dir_fd=fd, follow_symlinks=False)
    finally:
        os.close(fd)


def file_stat(st: os.stat_result) -> FileStat:
    btime = getattr(st, "st_birthtime", None)
    mtime, atime, ctime = st.st_mtime, st.st_atime, st.st_ctime
    m = iso_utc(mtime)  # the same time is one conversion (ctime is mostly the mtime: ~1.5 us each)
    return FileStat(st.st_size, m, m if atime == mtime else iso_utc(atime), m if ctime == mtime else iso_utc(ctime),
                    None if btime is None else m if btime == mtime else iso_utc(btime))


@contextlib.contextmanager
def reopen_folder(raw: bytes, ident: tuple[int, int]) -> Iterator[int]:
    """A folder opened again by path, refused unless it is still the directory that was listed."""
    try:
        fd = open_deep(raw, _DIR_FLAGS | _NOFOLLOW)
    except FileNotFoundError as e:
        raise ReadError(Status.VANISHED, say(Detail.FOLDER_DISAPPEARED)) from e
    except OSError as e:
        raise ReadError(Status.VANISHED, say(Detail.FOLDER_REPLACED, library=str(e.strerror or e))) from e
    try:
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) != ident:
            raise ReadError(Status.VANISHED, say(Detail.FOLDER_REPLACED_ON_PATH))
        yield fd
    finally:
        os.close(fd)


class FolderFileEntry:
    """A local file by its folder (raw path and identity) and its name: what a LocalRef becomes in a worker.
    Stat and open go through the folder opened again and checked, as the walk's own entries do."""

    __slots__ = ("location", "name", "deleted", "_folder", "_ident", "_raw_name")
    kind = "file"

    def __init__(self, location: Location, name: str, folder: bytes, ident: tuple[int, int], raw_name: bytes) -> None:
        self.location, self.name, self.deleted = location, name, False
        self._folder, self._ident, self._raw_name = folder, ident, raw_name

    @property
    def fs_path(self) -> bytes:
        """The file's path on this machine (for readers that must seek in place: a disk image)."""
        return self._folder + self._raw_name

    def stat(self) -> FileStat:
        with reopen_folder(self._folder, self._ident) as fd:
            return stat_file(self._raw_name, fd)

    def open(self) -> IO[bytes]:
        with reopen_folder(self._folder, self._ident) as fd:
            return open_file(self._raw_name, fd)


class LocalRef:
    """How a worker process re-creates a local entry: its folder (raw path, device and inode) and its raw
    name; the worker opens it the way the walk would (read-only, O_NOATIME, no link followed, the folder
    refused if it was swapped). A plain picklable value."""

    __slots__ = ("folder", "ident", "raw_name")

    def __init__(self, folder: bytes, ident: tuple[int, int], raw_name: bytes) -> None:
        self.folder, self.ident, self.raw_name = folder, ident, raw_name

    def __reduce__(self) -> tuple[type, tuple[bytes, tuple[int, int], bytes]]:
        return (LocalRef, (self.folder, self.ident, self.raw_name))

    def entry(self, location: Location, name: str, deleted: bool, st: FileStat) -> FolderFileEntry:
        return FolderFileEntry(location, name, self.folder, self.ident, self.raw_name)


def _read_full(fd: int, size: int) -> bytes:
    """Up to ``size`` bytes from the start, reading again after a short read as a file object's ``read`` does (a
    FUSE or network mount may return fewer bytes than asked before the end: review15b #4, a shorter head than
    ``open().read(n)`` could judge the file differently)."""
    parts: list[bytes] = []
    left = size
    while left > 0:
        chunk = os.read(fd, left)
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


class LocalEntry:
    """A regular file in a local tree.

    Built for every file walked, so it is lean: the location and the raw path are worked out only
    when the pipeline asks (for hits), from the folder's already-decoded prefix.
    """

    __slots__ = ("_dir", "name", "_raw_name", "_location", "_kept")
    deleted = False
    kind = "file"

    @property
    def plain(self) -> bool:
        """A file of a local folder under a decodable name, no part of a series: what the walk's checks decide of it
        is a function of its name and bytes (``examine._tabled``)."""
        return type(self) is LocalEntry and self._raw_name is None

    def __init__(self, folder: _Folder, name: str, raw_name: bytes | None = None) -> None:
        self._dir = folder
        self.name = name  # decoded base name, for the name rules
        self._raw_name = raw_name  # set only when the name is not valid UTF-8
        self._location: Location | None = None
        # ``read_small``'s last read (bytes, size and mtime before and after, the limit asked): the walk's checks of
        # one small file (its head, a document's directory, the read pass) share one open (speed19)
        self._kept: tuple[bytes, tuple[int, int], tuple[int, int], int] | None = None

    @property
    def _raw(self) -> bytes:
        raw = self._raw_name if self._raw_name is not None else self.name.encode("utf-8")
        return self._dir.raw + raw

    @property
    def fs_path(self) -> bytes:
        """The file's path on this machine (for readers that must seek in place: a disk image)."""
        return self._raw

    @property
    def location(self) -> Location:
        if self._location is None:
            self._location = self._dir.location(self.name, self._raw_name)
        return self._location

    @property
    def _raw_name_bytes(self) -> bytes:
        return self._raw_name if self._raw_name is not None else self.name.encode("utf-8")

    def stat(self) -> FileStat:
        fd = self._dir.fd
        try:
            return stat_file(self._raw) if fd < 0 else stat_file(self._raw_name_bytes, fd)
        except ReadError as e:
            raise self._dir.lost_or(e) from e

    def stat_sized(self) -> tuple[int, Callable[[], FileStat]]:
        """``stat()`` as (its size, its FileStat when asked): one system call now, the times turned into text
        only for a file the walk keeps or lists (most files it stats are dropped by their size or first bytes).
        A subclass with a ``stat`` of its own (a joined split series: the parts' sizes summed) is asked that."""
        if type(self).stat is not LocalEntry.stat:
            own = self.stat()
            return own.size, lambda: own
        fd = self._dir.fd
        try:
            st = raw_stat(self._raw) if fd < 0 else raw_stat(self._raw_name_bytes, fd)
        except ReadError as e:
            raise self._dir.lost_or(e) from e
        return st.st_size, functools.partial(file_stat, st)

    def open(self) -> IO[bytes]:
        """Relative to the folder's descriptor while the walk is in the folder (the usual case);
        afterwards the folder is opened again and must still be the directory that was listed."""
        fd = self._dir.fd
        try:
            if fd >= 0:
                return open_file(self._raw_name_bytes, fd)
            with self._dir.reopened() as again:
                return open_file(self._raw_name_bytes, again)
        except ReadError as e:
            raise self._dir.lost_or(e) from e

    def read_small(self, limit: int) -> tuple[bytes, tuple[int, int], tuple[int, int]] | None:
        """Up to ``limit`` bytes of a small file in one go, opened as ``open`` opens it (read-only, O_NOATIME,
        no link followed, a regular file only), with its (size, mtime in ns) when opened and after the read:
        one open and two fstat calls, no file object. None when that cannot be done here and now (the walk
        has left the folder, the open or a read failed): the caller then takes the usual path. A read this entry
        made already answers when it covers ``limit`` (asked as much or more, or it reached the end): the bytes one
        open gives, as a second open of an unchanged file gives them."""
        kept = self._kept
        if kept is not None and (limit <= kept[3] or len(kept[0]) < kept[3]):
            return kept[0][:limit], kept[1], kept[2]
        fd_dir = self._dir.fd
        if fd_dir < 0:
            return None
        try:
            fd = _open_noatime(self._raw_name_bytes, _FILE_FLAGS, fd_dir)
        except OSError:
            return None
        try:
            before = os.fstat(fd)
            if not statmod.S_ISREG(before.st_mode):
                return None
            os.set_blocking(fd, True)
            parts, got = [], 0
            while got < limit:
                part = os.read(fd, limit - got)
                if not part:
                    break
                parts.append(part)
                got += len(part)
            after = os.fstat(fd)
        except OSError:
            return None
        finally:
            os.close(fd)
        data, was, now = b"".join(parts), (before.st_size, before.st_mtime_ns), (after.st_size, after.st_mtime_ns)
        self._kept = (data, was, now, limit)
        return data, was, now

    def quick_head(self, size: int) -> bytes | None:
        """``open().read(size)`` in one open and read (``read_head``), for an entry whose ``open`` is this class's
        own, while the walk is in its folder; None otherwise (a joined split series opens its parts as one file;
        after the walk ``open`` checks the folder is still the one listed) or when the read fails here: the caller
        then reads through ``open``, which says why."""
        return self.read_head(size) if type(self).open is LocalEntry.open and self._dir.fd >= 0 else None

    def read_head(self, size: int) -> bytes | None:
        """The first ``size`` bytes of a regular file, opened as ``open`` opens it (read-only, O_NOATIME, no link
        followed): one open, fstat and read, no file object; b"" for an empty file, None when it cannot be read
        here and now (the content check then leaves the file as it was)."""
        fd_dir = self._dir.fd
        try:
            fd = (_open_noatime(self._raw_name_bytes, _FILE_FLAGS, fd_dir) if fd_dir >= 0
                  else open_deep(self._raw, _FILE_FLAGS))
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not statmod.S_ISREG(st.st_mode):
                return None
            if not st.st_size:  # an empty file: nothing to read
                return b""
            os.set_blocking(fd, True)
            return _read_full(fd, size)
        except OSError:
            return None
        finally:
            os.close(fd)

    def ref(self) -> LocalRef:
        """What a worker process needs to open this file itself."""
        return LocalRef(self._dir.raw, self._dir.ident, self._raw_name_bytes)


class PartRef:
    """How a worker re-creates a part of a split archive: the part itself, its series and, for the first part of a
    whole series, every part (read as one file there)."""

    __slots__ = ("part", "series", "zip_beside", "joined", "splice", "segments")

    def __init__(self, part: LocalRef, series: Series | None, zip_beside: bool | None,
                 joined: tuple[LocalRef, ...] = (), splice: Splice | None = None,
                 segments: tuple[Segment, ...] | None = None) -> None:
        self.part, self.series, self.zip_beside, self.joined = part, series, zip_beside, joined
        self.splice, self.segments = splice, segments

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return (PartRef, (self.part, self.series, self.zip_beside, self.joined, self.splice, self.segments))

    def entry(self, location: Location, name: str, deleted: bool, st: FileStat) -> FolderFileEntry:
        p = self.part
        if self.splice is not None and self.segments is not None:
            return FolderSplicedEntry(location, name, p.folder, p.ident, p.raw_name, self.series, self.zip_beside,
                                      self.joined, self.splice, self.segments)
        if self.joined:
            return FolderJoinedEntry(location, name, p.folder, p.ident, p.raw_name, self.series, self.zip_beside,
                                     self.joined)
        return FolderPartEntry(location, name, p.folder, p.ident, p.raw_name, self.series, self.zip_beside)


class FolderPartEntry(FolderFileEntry):
    """A part of a split archive in a worker (``series``: its series in the folder; ``zip_beside``: for ``X.zNN``,
    whether ``X.zip`` is there)."""

    __slots__ = ("series", "zip_beside")

    def __init__(self, location: Location, name: str, folder: bytes, ident: tuple[int, int], raw_name: bytes,
                 series: Series | None, zip_beside: bool | None) -> None:
        super().__init__(location, name, folder, ident, raw_name)
        self.series, self.zip_beside = series, zip_beside


class FolderJoinedEntry(FolderPartEntry):
    """The first part of a whole split series in a worker: stat and open give the joined archive."""

    __slots__ = ("_parts",)
    joined = True

    @property
    def disk_starts(self) -> tuple[int, ...] | None:
        """A spanned zip's parts' starts in the joined file (its members' offsets are per part), else None."""
        return self.series.disk_starts if self.series is not None and self.series.spanned else None

    def __init__(self, location: Location, name: str, folder: bytes, ident: tuple[int, int], raw_name: bytes,
                 series: Series | None, zip_beside: bool | None, parts: tuple[LocalRef, ...]) -> None:
        super().__init__(location, name, folder, ident, raw_name, series, zip_beside)
        self._parts = parts

    def stat(self) -> FileStat:
        with reopen_folder(self._folder, self._ident) as fd:
            stats = [stat_file(p.raw_name, fd) for p in self._parts]
        return dataclasses.replace(stats[0], size=sum(s.size for s in stats))

    def open(self) -> IO[bytes]:
        sizes = list(self.series.sizes) if self.series is not None else []
        folder, ident = self._folder, self._ident

        def opener(raw: bytes) -> Callable[[], IO[bytes]]:
            def one() -> IO[bytes]:
                with reopen_folder(folder, ident) as fd:
                    return open_file(raw, fd)
            return one

        return concat([opener(p.raw_name) for p in self._parts], sizes)

    def open_own(self) -> IO[bytes]:
        """This part's own file (its digests are recorded beside the joined archive's: review11a)."""
        return FolderFileEntry.open(self)


def _opener(folder: bytes, ident: tuple[int, int], raw: bytes) -> Callable[[], IO[bytes]]:
    def one() -> IO[bytes]:
        with reopen_folder(folder, ident) as fd:
            return open_file(raw, fd)
    return one


class FolderSplicedEntry(FolderJoinedEntry):
    """What can be read of an incomplete series (split12: ``Splice``) in a worker: its pieces read as one file."""

    __slots__ = ("splice", "_segments")
    joined = False  # not a whole series: an archive's part is still a part (its series named), read with its gaps

    def __init__(self, location: Location, name: str, folder: bytes, ident: tuple[int, int], raw_name: bytes,
                 series: Series | None, zip_beside: bool | None, parts: tuple[LocalRef, ...], splice: Splice,
                 segments: tuple[Segment, ...]) -> None:
        super().__init__(location, name, folder, ident, raw_name, series, zip_beside, parts)
        self.splice, self._segments = splice, segments

    def stat(self) -> FileStat:
        with reopen_folder(self._folder, self._ident) as fd:
            first = stat_file(self._raw_name, fd)
        return dataclasses.replace(first, size=sum(s[2] for s in self._segments))

    def open(self) -> IO[bytes]:
        return open_pieces(self._segments, lambda i: _opener(self._folder, self._ident, self._parts[i].raw_name))


class PartEntry(LocalEntry):
    """A part of a split archive met in a folder walk (see FolderPartEntry)."""

    __slots__ = ("series", "zip_beside")

    def __init__(self, folder: _Folder, name: str, raw_name: bytes | None, series: Series | None,
                 zip_beside: bool | None) -> None:
        super().__init__(folder, name, raw_name)
        self.series, self.zip_beside = series, zip_beside

    def ref(self) -> PartRef:  # type: ignore[override]
        return PartRef(super().ref(), self.series, self.zip_beside)


class JoinedEntry(PartEntry):
    """The first part of a whole split series (``X.7z.001`` with ``.002`` ... all there, each but the last the
    first one's size): the entry is the joined archive (its size, its bytes, its hash); the other parts stay
    plain files."""

    __slots__ = ()
    joined = True

    @property
    def disk_starts(self) -> tuple[int, ...] | None:
        """A spanned zip's parts' starts in the joined file (FolderJoinedEntry.disk_starts), else None."""
        return self.series.disk_starts if self.series is not None and self.series.spanned else None

    def _refs(self) -> tuple[LocalRef, ...]:
        assert self.series is not None
        return tuple(LocalRef(self._dir.raw, self._dir.ident, n.encode("utf-8", "surrogateescape"))
                     for n in self.series.parts)

    def stat(self) -> FileStat:
        first = super().stat()
        fd = self._dir.fd
        try:
            if fd >= 0:
                sizes = [stat_file(r.raw_name, fd).size for r in self._refs()]
            else:
                with self._dir.reopened() as again:
                    sizes = [stat_file(r.raw_name, again).size for r in self._refs()]
        except ReadError as e:
            raise self._dir.lost_or(e) from e
        return dataclasses.replace(first, size=sum(sizes))

    def open(self) -> IO[bytes]:
        return self.ref().entry(self.location, self.name, False, FileStat(0)).open()

    def open_own(self) -> IO[bytes]:
        """This part's own file (its digests are recorded beside the joined archive's: review11a)."""
        return LocalEntry.open(self)

    def read_small(self, limit: int) -> None:
        return None  # the joined archive is read by ``open``

    def ref(self) -> PartRef:  # type: ignore[override]
        return PartRef(LocalEntry.ref(self), self.series, self.zip_beside, self._refs())


class PlainJoinedEntry(JoinedEntry):
    """The first part of a whole byte-split file that is no archive (``customers.csv.001`` ...): the joined file
    is read as what its own name says (``name`` is X.csv, so the inspectors and the name rules see a CSV), its
    row and hits stay under the first part's path (fixsplit11)."""

    __slots__ = ()

    def __init__(self, folder: _Folder, name: str, raw_name: bytes | None, series: Series,
                 zip_beside: bool | None) -> None:
        super().__init__(folder, _shown(series.reads_as), raw_name if raw_name is not None else name.encode("utf-8"),
                         series, zip_beside)
        self._location = folder.location(name, raw_name)


class SplicedEntry(JoinedEntry):
    """The row of what can be read of an incomplete series (split12, ``Splice``): a plain file's run of parts read
    as X.EXT (cut at line ends for rows of text), or an archive with its missing parts as zeros (members wholly in
    the parts present read; its row stays the part's, listed with the series' problem)."""

    __slots__ = ("splice", "_segments")
    joined = False

    def __init__(self, folder: _Folder, name: str, raw_name: bytes | None, series: Series, splice: Splice) -> None:
        super().__init__(folder, _shown(series.reads_as) if series.plain else name,
                         raw_name if raw_name is not None else name.encode("utf-8", "surrogateescape"), series, None)
        self._location = folder.location(name, raw_name)
        self.splice = splice
        self._segments: tuple[Segment, ...] | None = None

    def _refs(self) -> tuple[LocalRef, ...]:
        return tuple(LocalRef(self._dir.raw, self._dir.ident, n.encode("utf-8", "surrogateescape"))
                     for n in self.splice.names)

    def segments(self) -> tuple[Segment, ...]:
        """The pieces read (line ends searched at a run's edges once, in the walk: byte compares, no decoder)."""
        if self._segments is None:
            refs = self._refs()

            def pieces(fd: int) -> tuple[Segment, ...]:
                sizes = [stat_file(r.raw_name, fd).size for r in refs]

                def read_at(i: int, offset: int, n: int) -> bytes:
                    with open_file(refs[i].raw_name, fd) as f:
                        f.seek(offset)
                        return f.read(n)

                return tuple(splice_segments(self.splice, sizes, read_at))

            try:
                if self._dir.fd >= 0:
                    self._segments = pieces(self._dir.fd)
                else:
                    with self._dir.reopened() as again:
                        self._segments = pieces(again)
            except ReadError as e:
                raise self._dir.lost_or(e) from e
            except OSError as e:
                raise ReadError(Status.UNREADABLE, os_error(e)) from e
        return self._segments

    def stat(self) -> FileStat:
        first = LocalEntry.stat(self)
        return dataclasses.replace(first, size=sum(s[2] for s in self.segments()))

    def ref(self) -> PartRef:  # type: ignore[override]
        return PartRef(LocalEntry.ref(self), self.series, None, self._refs(), self.splice, self.segments())


class _Folder:
    """One directory being listed: its raw path (with a trailing slash) and its decoded text, once; its
    descriptor while the walk is inside it (-1 after), and its identity (device, inode)."""

    __slots__ = ("raw", "text", "raw_hex_needed", "source", "fd", "ident", "lost", "parts", "memos")

    def __init__(self, source: str, raw: bytes, text: str, utf8: bool, fd: int = -1,
                 ident: tuple[int, int] = (0, 0), lost: Callable[[], str] | None = None) -> None:
        self.source = source
        self.raw = raw
        self.text = text
        self.raw_hex_needed = not utf8
        self.fd = fd
        self.ident = ident
        self.lost = lost  # the source's check "is the scanned folder itself gone?"
        # parts of split archives in this folder: name -> (its series or None, X.zip beside an X.zNN or None)
        self.parts: dict[str, tuple[Series | None, bool | None]] = {}
        # dBase tables in this folder: name -> its memo file's name and raw name (memo_beside), or None
        self.memos: dict[str, tuple[str, bytes | None] | None] = {}

    def lost_or(self, e: ReadError) -> ReadError:
        """A file's read error, or ``source-lost`` when the source folder itself has gone meanwhile."""
        why = self.lost() if self.lost is not None and e.reason in _LOSABLE else ""
        return ReadError(Status.SOURCE_LOST, lost_then(why, e.detail)) if why else e

    def reopened(self) -> contextlib.AbstractContextManager[int]:
        """The folder opened again by path, refused unless it is still the directory that was listed."""
        return reopen_folder(self.raw, self.ident)

    def batch(self, names: list[str]) -> NameBatch:
        """Plain files of this folder as one batch (names not valid UTF-8 decoded as cp932, bytes kept)."""
        raws: dict[int, bytes] = {}
        joined = "\0" + "\0".join(names) + "\0"
        framed: str | None = joined  # reused by the pipeline's name check
        if not joined.isascii():
            try:
                joined.encode("utf-8")  # one C call for the folder; fails on any surrogate-escaped byte
            except UnicodeEncodeError:
                framed = None
                for i, n in enumerate(names):
                    text, raw = _decoded(n)
                    if raw is not None:
                        names[i], raws[i] = text, raw
        if self.parts or self.memos:  # a part of a split archive knows its series (joined when whole: split_series)
            batch = _LocalBatch(names, lambda i: self.entry(names[i], raws.get(i)))
        elif raws:
            batch = _LocalBatch(names, lambda i: LocalEntry(self, names[i], raws.get(i)))
        else:
            batch = _LocalBatch(names, lambda i: LocalEntry(self, names[i]), framed)
        batch.folder, batch.raws = self, raws
        return batch

    def entry(self, name: str, raw_name: bytes | None = None) -> LocalEntry | MemoTable:
        """A plain file's entry; a part of a split archive's knows its series (found by the name as listed: a name
        that is not UTF-8 is shown decoded, cp932, but its series is keyed by its raw bytes, surrogate-escaped); a
        dBase table its memo file (``memo_beside``)."""
        if name in self.memos:
            memo = self.memos[name]
            return MemoTable(self._entry(name, raw_name),
                             None if memo is None else LocalEntry(self, memo[0], memo[1]))
        return self._entry(name, raw_name)

    def _entry(self, name: str, raw_name: bytes | None = None) -> LocalEntry:
        key = name if raw_name is None else raw_name.decode("utf-8", "surrogateescape")
        part = self.parts.get(key)
        if part is None:
            return LocalEntry(self, name, raw_name)
        series, zip_beside = part
        if series is not None and series.complete and key == series.joined_as:
            if series.plain:
                return PlainJoinedEntry(self, name, raw_name, series, zip_beside)
            return JoinedEntry(self, name, raw_name, series, zip_beside)
        splice = series.splices().get(key) if series is not None else None
        if splice is not None and series is not None:  # what can be read of an incomplete series (split12)
            return SplicedEntry(self, name, raw_name, series, splice)
        return PartEntry(self, name, raw_name, series, zip_beside)

    def find_memos(self, names: list[str]) -> None:
        """The dBase tables among this folder's plain files and their memo files (``memo_beside.memos_in``, over the
        names as shown: a name that is not UTF-8 decoded as ``batch`` decodes it, its raw bytes kept)."""
        if not memos_in(names):
            return
        shown = dict(_decoded(n) for n in names)
        for table, memo in memos_in(shown).items():
            self.memos[table] = None if memo is None else (memo, shown[memo])

    def find_parts(self, names: list[str], fd: int, listing: list[os.DirEntry] | None = None) -> None:
        """The split archives among this folder's plain files (a regular-expression search over the folder's names
        first: nothing more for a folder without a ``.001`` or ``.zNN`` name)."""
        if not holds_part_name("\0".join(names) + "\0"):
            return

        def size_of(name: str) -> int | None:
            try:
                st = os.stat(os.fsencode(name), dir_fd=fd, follow_symlinks=False)
            except OSError:
                return None
            return st.st_size if statmod.S_ISREG(st.st_mode) else None

        def bytes_of(name: str, size: int, tail: bool = False) -> bytes | None:
            """The first (or last) ``size`` bytes of a regular file of this folder; None when it cannot be had."""
            try:
                f = _open_noatime(os.fsencode(name), _FILE_FLAGS, fd)
            except OSError:
                return None
            try:
                st = os.fstat(f)
                if not statmod.S_ISREG(st.st_mode):
                    return None
                return os.pread(f, size, max(0, st.st_size - size) if tail else 0)
            except OSError:
                return None
            finally:
                os.close(f)

        def head_of(name: str, size: int = HEAD) -> bytes | None:  # a 7z start header: 32; a piece's first line
            # (a header row, the encoding after a cut: split_series._rows_cut, _apart) as an archive member's (HEAD)
            return bytes_of(name, size)

        def plain_of(name: str) -> bool:
            """The first part of a byte-split file is no disk image by its fixed signatures (head and tail, as the
            image inspector reads them; no decoder runs here): then the series is read joined as X.EXT."""
            try:
                f = _open_noatime(os.fsencode(name), _FILE_FLAGS, fd)
            except OSError:
                return False
            try:
                st = os.fstat(f)
                if not statmod.S_ISREG(st.st_mode):
                    return False
                head, tail = edges(lambda at, n: os.pread(f, n, at), st.st_size)
            except OSError:
                return False
            finally:
                os.close(f)
            return no_image(head, tail)

        def text_of(name: str) -> bool:
            """The first part of a ``NAME.NNN`` series is text (``split_series.text_or_container``: no control byte
            text never holds in its first 512 bytes, or a UTF-16 BOM) or a zip, OLE2 file or 7z by its head: a cut
            CSV, text or workbook, never a raw image's first segment."""
            head = head_of(name, 512)
            return head is not None and text_or_container(head)

        def tail_of(name: str) -> bytes | None:
            return bytes_of(name, TAIL_TEXT, tail=True)

        def segment_of(name: str) -> bool:
            """The file's first bytes may be a disk's middle (``image_sniff.segment_head``): ``disk.002`` without
            ``disk.001`` is then a later segment (``split_series.segments_in``, the rule of every source)."""
            head = head_of(name, SEGMENT_HEAD)
            return head is not None and segment_head(head, size_of(name), name)

        others = {d.name for d in listing or ()} - set(names)  # links, FIFOs, folders: not a part to join
        for name, series in series_in(names, size_of, head_of, others, plain_of, text_of, tail_of,
                                      segment_of).items():
            self.parts[name] = (series, None)
        for name, beside in spanned_beside(names).items():
            self.parts[name] = (None, beside)
        for name, series in spanned_in(names, size_of).items():  # X.z01 ... X.zip (the last one included)
            self.parts[name] = (series, True)

    def heads(self, names: list[str], raws: dict[int, bytes], indices: list[int], size: int) -> list[bytes | None]:
        """The first ``size`` bytes of each of these plain files (``LocalEntry.read_head`` without an entry
        object each: this runs for every file whose extension no inspector reads)."""
        fd_dir = self.fd
        if fd_dir < 0:
            return [None] * len(indices)
        out: list[bytes | None] = []
        for i in indices:
            raw = raws.get(i)
            try:
                fd = _open_noatime(raw if raw is not None else names[i].encode("utf-8"), _FILE_FLAGS, fd_dir)
            except OSError:
                out.append(None)
                continue
            try:
                st = os.fstat(fd)  # a regular file (the listing said so; a file swapped meanwhile is not read)
                out.append((os.read(fd, size) if st.st_size else b"") if statmod.S_ISREG(st.st_mode) else None)
            except OSError:
                out.append(None)
            finally:
                os.close(fd)
        return out

    def location(self, name: str, raw_name: bytes | None = None) -> Location:
        raw_hex = None
        if self.raw_hex_needed or raw_name is not None:
            raw_hex = (self.raw + (raw_name if raw_name is not None else name.encode("utf-8"))).hex()
        return Location(self.source, self.text + name, (), raw_hex)


class _LocalBatch(NameBatch):
    """A local folder's plain files, with their heads read in one loop (``heads``) for the content check."""

    __slots__ = ("folder", "raws")
    folder: _Folder
    raws: dict[int, bytes]

    def heads(self, indices: list[int], size: int) -> list[bytes | None]:
        return self.folder.heads(self.names, self.raws, indices, size)


def _sparse_bundle(listing: list[os.DirEntry], fd: int, path: bytes) -> tuple[Status, str, bool] | None:
    """(status, detail, whether its bands/ holds more than bands) when the folder is a macOS sparse bundle
    (Info.plist and bands/: sparse_bundle)."""
    try:
        if not any(d.name == "bands" and d.is_dir(follow_symlinks=False) for d in listing):
            return None
    except OSError:
        return None
    from .sparse_bundle import bands_in, bundle_verdict

    def read(name: bytes, limit: int) -> bytes | None:
        try:  # non-blocking, a regular file only: a FIFO named Info.plist hung the walk (audit9)
            f = _open_noatime(name, _FILE_FLAGS, dir_fd=fd)
        except OSError:
            return None
        try:
            return os.read(f, limit) if statmod.S_ISREG(os.fstat(f).st_mode) else None
        except OSError:
            return None
        finally:
            os.close(f)

    try:
        listed = open_deep(path.rstrip(b"/") + b"/bands", _DIR_FLAGS | _NOFOLLOW)  # no atime moved
        try:
            bands, other = bands_in(os.listdir(listed))
        finally:
            os.close(listed)
    except OSError:
        return None  # bands/ not listed: walked as a folder, where its error is recorded
    verdict = bundle_verdict(read, bands)
    return None if verdict is None else (*verdict, other)


def _special_kind(mode: int) -> str:
    if statmod.S_ISFIFO(mode):
        return "fifo"
    if statmod.S_ISSOCK(mode):
        return "socket"
    if statmod.S_ISCHR(mode) or statmod.S_ISBLK(mode):
        return "device"
    return "other"


class LocalSource:
    """A directory given on the command line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.root = os.fsencode(os.path.abspath(text))
        self.dirs_walked = 0
        self._ident: tuple[int, int] | None = None
        self._lost, self._checked = "", -1.0

    def __enter__(self) -> LocalSource:
        try:
            st = os.stat(self.root)
            self._ident = (st.st_dev, st.st_ino)
        except OSError:
            self._ident = None
        return self

    def lost(self) -> str:
        """Why the scanned folder itself is gone now ("" while it is the one the scan began in): removed,
        unreachable (a network mount whose server went away), unmounted (the mount point shows another
        device) or replaced. Checked at most twice a second: errors come in bursts when it happens."""
        now = time.monotonic()
        if now - self._checked < LOST_CHECK_SECONDS and self._checked >= 0:
            return self._lost
        self._checked = now
        try:
            st = os.stat(self.root)
        except OSError as e:
            self._lost = say(Detail.FOLDER_UNREACHABLE, library=str(e.strerror or e))
        else:
            ident = (st.st_dev, st.st_ino)
            self._lost = "" if self._ident is None or ident == self._ident else say(Detail.FOLDER_UNMOUNTED)
        return self._lost

    def __exit__(self, *exc: object) -> None:
        return None

    def estimate(self) -> int | None:
        """Files to expect, for the progress: the used inodes of the file system (statvfs) when the source
        is its mount point (a mounted share); None for a folder inside a larger file system."""
        try:
            if not os.path.ismount(self.root):
                return None
            st = os.statvfs(self.root)
        except OSError:
            return None
        used = st.f_files - st.f_ffree
        return used if used > 0 else None

    def describe(self) -> dict[str, Any]:
        details: dict[str, Any] = {
            "source": self.text,
            "kind": "directory",
            "path": os.fsdecode(self.root),
            "method": "read-only logical walk (O_RDONLY|O_NOATIME, symbolic links not followed)",
        }
        volume = self.volume_id()
        if volume is not None:
            details["volume"] = volume
        return details

    def volume_id(self) -> str | None:
        """The file system's id (statvfs f_fsid: made from the volume's UUID by ext4, XFS, Btrfs ...): two PC
        disks mounted in turn at the same path on the analysis host are two places to ``merge``, the same disk
        mounted again is one. None when the file system gives none (0) or cannot be asked."""
        try:
            fsid = os.statvfs(self.root).f_fsid
        except (OSError, ValueError):
            return None
        return f"fsid:{fsid:x}" if fsid else None

    def _location(self, raw: bytes) -> Location:
        parts = raw.split(b"/")
        decoded = [decode_name(p) for p in parts]
        text = "/".join(d[0] for d in decoded)
        all_utf8 = all(d[1] for d in decoded)
        return Location(self.text, text, (), None if all_utf8 else raw.hex())

    def entries(self) -> Iterator[Item]:
        """Depth-first, names sorted, so two scans of the same tree list the same order."""
        return unbatched(self.batches())

    def top_folders(self) -> list[bytes]:
        """The source's top-level folders (raw names) in walk order: with the root's own files (``b""``),
        the parts a distributed scan walks apart (``batches(top)``); their walks, one after another, are
        the whole walk."""
        fd = open_deep(self.root, _DIR_FLAGS)  # as the walk opens it (no atime change)
        try:
            with os.scandir(fd) as it:  # str names, sorted as the walk sorts them
                return [os.fsencode(d.name) for d in sorted(it, key=_BY_NAME) if d.is_dir(follow_symlinks=False)]
        finally:
            os.close(fd)

    def batches(self, top: bytes | None = None) -> Iterator[Item | NameBatch]:
        """The walk (see ``_batches``); a folder that fails because the source itself is gone is ``source-lost``."""
        for item in self._batches(top):
            if isinstance(item, Skipped) and item.reason in _LOSABLE:
                why = self.lost()
                if why:
                    item = Skipped(item.location, Status.SOURCE_LOST, lost_then(why, item.detail))
            yield item

    def _batches(self, top: bytes | None = None) -> Iterator[Item | NameBatch]:
        """The walk of ``entries()``, with each folder's run of plain files as one NameBatch.

        ``top``: only the root's own entries (``b""``) or only one top-level folder (its raw name), for a
        part of a distributed scan; None: the whole tree.

        This loop runs once per file on shares of millions of files: plain files (the common case) cost
        a type check and a place in a list; nothing is decoded, stat'ed or built that the name rules do
        not need.
        """
        seen_dirs: set[tuple[int, int]] = set()
        stack: list[tuple[bytes, tuple[int, int] | None]] = [(self.root, None)]
        if top:  # entered as the root's listing would: not followed if it is a link now
            path = self.root.rstrip(b"/") + b"/" + top
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                yield Skipped(self._location(path), Status.VANISHED, say(Detail.DIRECTORY_DISAPPEARED))
                return
            except OSError as e:
                yield Skipped(self._location(path), Status.UNREADABLE, directory_error(e))
                return
            stack = [(path, (st.st_dev, st.st_ino))]
        while stack:
            path, listed = stack.pop()
            try:
                fd = open_deep(path, _DIR_FLAGS if listed is None else _DIR_FLAGS | _NOFOLLOW)
            except FileNotFoundError:
                yield Skipped(self._location(path), Status.VANISHED, say(Detail.DIRECTORY_DISAPPEARED))
                continue
            except OSError as e:
                if listed is not None and e.errno in (errno.ELOOP, errno.ENOTDIR):
                    yield from self._swapped(path)
                    continue
                yield Skipped(self._location(path), Status.UNREADABLE, directory_error(e))
                continue
            folder: _Folder | None = None
            try:
                st = os.fstat(fd)
                ident = (st.st_dev, st.st_ino)
                if listed is not None and ident != listed:  # not the directory its parent listed
                    yield from self._swapped(path)
                    continue
                if ident in seen_dirs:
                    yield Skipped(self._location(path), Status.LOOP, say(Detail.DIRECTORY_WALKED))
                    continue
                seen_dirs.add(ident)
                self.dirs_walked += 1
                try:
                    with os.scandir(fd) as it:
                        # scandir(fd) gives str names (surrogateescape for bytes that are not UTF-8)
                        listing = sorted(it, key=_BY_NAME)
                except OSError as e:
                    yield Skipped(self._location(path), Status.UNREADABLE, say(Detail.DIRECTORY_LISTING, library=str(e.strerror or e)))
                    continue
                prefix = path.rstrip(b"/") + b"/"
                here = self._location(prefix)
                folder = _Folder(self.text, prefix, here.path, here.raw_path_hex is None, fd, ident, self.lost)
                subdirs: list[tuple[bytes, tuple[int, int]]] = []
                try:
                    # a leaf folder of plain files (the common case): one batch, no per-file branch
                    names = [d.name for d in listing if d.is_file(follow_symlinks=False)]
                except OSError:
                    names = []
                folder.find_parts(names or [d.name for d in listing], fd, listing)
                folder.find_memos(names or [d.name for d in listing])
                if lone := lone_memos(names or [d.name for d in listing]):  # (one search over the names first)
                    yield from self._lone_memos(listing, lone, prefix)
                if names and len(names) == len(listing):
                    yield folder.batch(names)
                elif (bundle := _sparse_bundle(listing, fd, path)) is not None:
                    if bundle[0] == Status.ENCRYPTED or not any(d.name == "Info.plist" for d in listing):
                        yield Skipped(self._location(path), *bundle[:2])  # its bands are slices of a disk
                    # else its disk is read through its Info.plist, walked below (inspectors.image: image_bundle)
                    # the row stands for bands/ only: anything else in the folder (Info.plist, token, or a file
                    # someone put there) is walked, so a folder made to look like a bundle hides nothing
                    yield from self._mixed([d for d in listing if d.name != "bands" or bundle[2]], folder, fd, subdirs)
                else:
                    yield from self._mixed(listing, folder, fd, subdirs)
                if top != b"":
                    stack.extend(reversed(subdirs))
            finally:
                if folder is not None:
                    folder.fd = -1  # entries examined later reopen it (and check it is still the same)
                os.close(fd)

    def _lone_memos(self, listing: list[os.DirEntry], lone: list[str], prefix: bytes) -> Iterator[Skipped]:
        """The dBase memo files no table of the folder reads (``lone``: ``memo_beside.lone_memos``) that are plain
        files holding more than their header: listed ``unsupported`` (``dbf-memo-alone``); each is still walked (its
        name rules)."""
        wanted = set(lone)
        for d in listing:
            if d.name not in wanted:
                continue
            try:
                if not d.is_file(follow_symlinks=False):
                    continue
                size = d.stat(follow_symlinks=False).st_size  # (the walk's listing: no read, no atime)
            except OSError:
                size = MEMO_HEADER + 1  # (not known: listed all the same)
            if size > MEMO_HEADER:
                yield Skipped(self._location(prefix + os.fsencode(d.name)), Status.UNSUPPORTED,
                              say(Detail.DBF_MEMO_ALONE))

    def _swapped(self, path: bytes) -> Iterator[Item]:
        """A directory that is not the one listed any more: swapped for a link, or reached through a
        parent swapped for one. The link is recorded (never followed); the directory was not walked."""
        link = self._link_on(path)
        if link is not None:
            yield link
        yield Skipped(self._location(path), Status.VANISHED,
                      say(Detail.DIRECTORY_REPLACED))

    def _link_on(self, path: bytes) -> Link | None:
        """The symbolic link now on ``path`` below the source's root (the swapped part), if any."""
        parts = path[len(self.root):].strip(b"/").split(b"/")
        here = self.root.rstrip(b"/")
        for part in parts:
            here += b"/" + part
            try:
                if statmod.S_ISLNK(os.lstat(here).st_mode):
                    return Link(self._location(here), os.fsdecode(os.readlink(here)))
            except OSError:
                return None
        return None

    def _mixed(self, listing: list[os.DirEntry], folder: _Folder, fd: int,
               subdirs: list[tuple[bytes, tuple[int, int]]]) -> Iterator[Item | NameBatch]:
        """A folder with sub-folders, links or special files: runs of plain files batched, the rest in order."""
        run: list[str] = []
        for d in listing:
            try:
                if d.is_file(follow_symlinks=False):
                    run.append(d.name)
                    continue
            except OSError:
                pass  # re-raised below, where it is recorded for this entry
            if run:
                yield folder.batch(run)
                run = []
            name, raw_name = _decoded(d.name)
            try:
                if d.is_file(follow_symlinks=False):  # lstat failed above but works now
                    yield folder.entry(name, raw_name)
                    continue
                raw = raw_name if raw_name is not None else name.encode("utf-8")
                if d.is_symlink():
                    try:
                        target = os.fsdecode(os.readlink(raw, dir_fd=fd))
                    except OSError:
                        target = "?"
                    yield Link(folder.location(name, raw_name), target)
                elif d.is_dir(follow_symlinks=False):
                    st = d.stat(follow_symlinks=False)  # what was listed: the walk enters only this directory
                    subdirs.append((folder.raw + raw, (st.st_dev, st.st_ino)))
                else:
                    mode = d.stat(follow_symlinks=False).st_mode
                    kind = _special_kind(mode)
                    yield Skipped(folder.location(name, raw_name), Status.SPECIAL_FILE, say(Detail.SPECIAL_NOT_READ, kind=kind))
            except FileNotFoundError:
                yield Skipped(folder.location(name, raw_name), Status.VANISHED, say(Detail.DISAPPEARED))
            except OSError as e:
                yield Skipped(folder.location(name, raw_name), Status.UNREADABLE, os_error(e))
        if run:
            yield folder.batch(run)




def _decoded(name: str) -> tuple[str, bytes | None]:
    """A scandir name -> (text for matching and display, raw bytes when the name is not UTF-8 on disk)."""
    if not name.isascii():
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:  # not UTF-8 on disk: decode as cp932, keep the bytes
            raw = os.fsencode(name)
            return decode_name(raw)[0], raw
    return name, None
