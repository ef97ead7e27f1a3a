"""Walk a file system The Sleuth Kit cannot read (APFS, XFS ...) through dfvfs' own back-ends.

The libyal back-ends dfvfs uses here (libfsapfs, libfsxfs) list allocated entries only: a volume
walked this way says so in the source details (``walker``), so no one reads its listing as one that
includes deleted files. Like the TSK walk, it is iterative and loop-safe, never follows a link, and
turns a directory it cannot list into a Skipped.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import IO, Any

from ..codes import Status
from ..details import Detail, say
from ..errors import ReadError
from ..models import FileStat, Link, Location, Skipped
from .image_fs import MAX_DEPTH, FsContext
from .image_layers import full_reason

DFVFS_LABELS = {"APFS": "APFS", "XFS": "XFS", "EXT": "ext", "NTFS": "NTFS", "FAT": "FAT", "HFS": "HFS+",
                "TSK": "file system"}
LIBRARIES = {"APFS": "libfsapfs", "XFS": "libfsxfs", "EXT": "libfsext", "NTFS": "libfsntfs", "FAT": "libfsfat",
             "HFS": "libfshfs"}


def _errors() -> tuple[type[BaseException], ...]:
    from dfvfs.lib import errors

    return (errors.Error, OSError, RuntimeError, ValueError)


def _iso(value: Any) -> str | None:
    """A dfdatetime value -> ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` (UTC), like the TSK walk writes."""
    if value is None:
        return None
    try:
        text = value.CopyToDateTimeStringISO8601()
    except (AttributeError, ValueError, OverflowError):
        return None
    if not text:
        return None
    text = text.replace("+00:00", "Z")
    if "." in text:  # nanoseconds (APFS) -> microseconds, as elsewhere
        head, _, frac = text.partition(".")
        text = f"{head}.{frac.rstrip('Z')[:6].ljust(6, '0')}Z"
    return text if text.endswith("Z") else f"{text}Z"


class _DfvfsStream(io.RawIOBase):
    """A dfvfs file object as a read-only stream whose errors become ReadError."""

    def __init__(self, fobj: Any, size: int) -> None:
        super().__init__()
        self._f = fobj
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        n = min(len(buf), self._size - self._pos)
        if n <= 0:
            return 0
        try:
            self._f.seek(self._pos)
            data = self._f.read(n)
        except _errors() as e:
            raise ReadError(Status.UNREADABLE, say(Detail.DFVFS_READ_FAILED, pos=self._pos, library=str(full_reason(e)))) from e
        if not data:
            raise ReadError(Status.CORRUPT, say(Detail.CONTENT_ENDS_AT, pos=self._pos, size=self._size))
        buf[: len(data)] = data
        self._pos += len(data)
        return len(data)


class DfvfsEntry:
    """A regular file found through dfvfs; its location is built only when asked for."""

    __slots__ = ("_ctx", "_text", "_entry", "_size", "_location", "name")
    kind = "file"
    deleted = False

    def __init__(self, ctx: FsContext, text: str, name: str, entry: Any, size: int) -> None:
        self._ctx, self._text, self._entry, self._size = ctx, text, entry, size
        self._location: Location | None = None
        self.name = name

    @property
    def location(self) -> Location:
        if self._location is None:
            self._location = self._ctx.location(self._text.encode("utf-8", "surrogateescape"), self._text, True)
        return self._location

    def walked(self) -> tuple[FsContext, str, str | None]:
        """(file system, path, None: dfvfs names are text): its location as plain values."""
        return self._ctx, self._text, None

    def stat(self) -> FileStat:
        e = self._entry
        return FileStat(self._size, _iso(e.modification_time), _iso(e.access_time), _iso(e.change_time),
                        _iso(e.creation_time))

    def open(self) -> IO[bytes]:
        try:
            fobj = self._entry.GetFileObject()
        except _errors() as e:
            raise ReadError(Status.UNREADABLE, say(Detail.DFVFS_OPEN_FAILED, library=str(full_reason(e)))) from e
        if fobj is None:
            raise ReadError(Status.UNREADABLE, say(Detail.DFVFS_NO_STREAM))
        return io.BufferedReader(_DfvfsStream(fobj, self._size), buffer_size=1 << 20)


def walk_dfvfs(ctx: FsContext, before_listing: Callable[[], str | None] | None = None) -> Iterator[Any]:
    """Yield DfvfsEntry, Link and Skipped for everything under the root of the dfvfs file system ``ctx.fs``
    (``before_listing``: as for image_fs.walk_fs)."""
    errors = _errors()
    root = ctx.fs.GetRootFileEntry()
    if root is None:
        yield Skipped(ctx.location(b"/", "/"), Status.CORRUPT, say(Detail.DFVFS_NO_ROOT))
        return
    seen: set[Any] = {_identity(root)}
    stack: list[tuple[Any, str, int]] = [(root, "", 0)]
    while stack:
        directory, path, depth = stack.pop()
        if before_listing is not None and (stopped := before_listing()) is not None:
            yield Skipped(ctx.location(path.encode(), path or "/"), Status.WALK_STOPPED, stopped)
            continue
        try:
            children = list(directory.sub_file_entries)
        except errors as e:
            yield Skipped(ctx.location(path.encode(), path or "/"), Status.CORRUPT, say(Detail.DIRECTORY_NOT_READABLE, library=str(full_reason(e))))
            continue
        subdirs = []
        for child in children:
            name = child.name or ""
            if not name or name in (".", ".."):
                continue
            text = f"{path}/{name}"
            try:
                if child.IsLink():
                    yield Link(ctx.location(text.encode(), text), child.link or "")
                elif child.IsDirectory():
                    key = _identity(child)
                    if key in seen:
                        yield Skipped(ctx.location(text.encode(), text), Status.LOOP, say(Detail.DIRECTORY_CONTENT_WALKED))
                    elif depth + 1 > MAX_DEPTH:
                        yield Skipped(ctx.location(text.encode(), text), Status.PATH_TOO_LONG, say(Detail.DEEPER_THAN, n=MAX_DEPTH))
                    else:
                        seen.add(key)
                        subdirs.append((child, text, depth + 1))
                elif child.IsFile():
                    yield DfvfsEntry(ctx, text, name, child, int(child.size or 0))
                else:
                    yield Skipped(ctx.location(text.encode(), text), Status.SPECIAL_FILE, say(Detail.DEVICE_NOT_READ))
            except errors as e:
                yield Skipped(ctx.location(text.encode(), text), Status.CORRUPT, say(Detail.ENTRY_NOT_READABLE, library=str(full_reason(e))))
        stack.extend(reversed(subdirs))


def _identity(entry: Any) -> Any:
    spec = entry.path_spec
    for attr in ("identifier", "inode"):
        value = getattr(spec, attr, None)
        if value is not None:
            return (attr, value)
    return ("location", getattr(spec, "location", None))
