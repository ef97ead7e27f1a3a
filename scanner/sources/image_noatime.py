"""Evidence opened read-only without moving its access time: our own reads, and dfvfs' reads.

``open_evidence`` opens an image file ``O_RDONLY|O_NOATIME`` (where the OS allows);
``dfvfs_without_atime`` makes dfvfs read image files through such descriptors too. Standard library
only at import time: dfvfs is imported when the patch is applied.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from typing import IO, Any

_NOATIME = getattr(os, "O_NOATIME", 0)
_RDONLY = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)


def open_evidence(path: str, flags: int = 0) -> int:
    """Open an image file read-only, without touching its access time where the OS allows (FLAGS added)."""
    if _NOATIME:
        try:
            return os.open(path, _RDONLY | _NOATIME | flags)
        except PermissionError:
            pass
    return os.open(path, _RDONLY | flags)


def read_evidence(path: str, size: int, offset: int = 0) -> bytes:
    """SIZE bytes of an evidence file at OFFSET (fewer at its end), read as open_evidence opens it. Opened
    without blocking, and only a regular file or a device is read: these looks at files beside an image
    (descriptors, segments, parents) run before any walker, and a FIFO there would block the open for ever."""
    import stat

    fd = open_evidence(path, os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISBLK(mode)):
            raise OSError(f"not a regular file or a device: {os.path.basename(path)}")
        return os.pread(fd, size, offset)
    finally:
        os.close(fd)


def list_evidence_folder(folder: str) -> list[str]:
    """The names in an evidence folder, listed through an O_NOATIME descriptor (os.listdir of a path moves the
    folder's access time under relatime)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = -1
    if _NOATIME:
        try:
            fd = os.open(folder or ".", flags | _NOATIME)
        except PermissionError:
            fd = -1
    if fd < 0:
        fd = os.open(folder or ".", flags)
    try:
        return os.listdir(fd)
    finally:
        os.close(fd)


_dfvfs_noatime = False


def dfvfs_without_atime() -> None:
    """Make dfvfs read image files through O_NOATIME descriptors (once per process).

    dfvfs' OS file object opens the image with ``open(path, "rb")``: read-only, but every read then
    moves the evidence's access time. Its resolver helper is swapped for one whose file object
    reopens a regular file with :func:`open_evidence` before the first read (devices are left alone).
    """
    global _dfvfs_noatime
    if _dfvfs_noatime:
        return
    from dfvfs.file_io import os_file_io
    from dfvfs.resolver_helpers import manager, os_resolver_helper

    class NoAtimeOSFile(os_file_io.OSFile):
        _file_object: IO[bytes] | None  # set by OSFile._Open (dfvfs has no type information)

        def _Open(self) -> None:  # noqa: N802 - dfvfs' interface
            super()._Open()
            f = self._file_object
            if isinstance(f, io.BufferedReader):
                self._file_object = os.fdopen(open_evidence(f.name), "rb")
                f.close()

    class NoAtimeOSResolverHelper(os_resolver_helper.OSResolverHelper):
        def NewFileObject(self, resolver_context: Any, path_spec: Any) -> Any:  # noqa: N802
            return NoAtimeOSFile(resolver_context, path_spec)

    for module_name, class_name in (("raw_file_io", "RawFile"), ("ewf_file_io", "EWFFile")):
        module = __import__(f"dfvfs.file_io.{module_name}", fromlist=[class_name])
        cls = getattr(module, class_name)
        cls._OpenFileObject = _through_file_objects(cls._OpenFileObject)
    helper = NoAtimeOSResolverHelper()
    try:
        manager.ResolverHelperManager.DeregisterHelper(helper)
    except KeyError:
        pass
    manager.ResolverHelperManager.RegisterHelper(helper)
    _dfvfs_noatime = True


def _through_file_objects(open_file_object: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """dfvfs' raw and EWF readers open a system-level path natively (libsmraw/libewf ``open(path)``);
    presented as not system-level, they read each segment through dfvfs file objects instead, which
    are :func:`dfvfs_without_atime`'s O_NOATIME ones."""

    def opened(self: Any, path_spec: Any) -> Any:
        parent = path_spec.parent
        if parent is None:
            return open_file_object(self, path_spec)
        parent.IsSystemLevel = lambda: False  # instance attribute, removed right after
        try:
            return open_file_object(self, path_spec)
        finally:
            del parent.IsSystemLevel

    return opened
