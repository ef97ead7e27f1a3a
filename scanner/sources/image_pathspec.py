"""dfvfs path specs of leakscan's own for storage media dfvfs has no back-end for (a macOS sparse bundle's bands,
a UDIF read table by table): the location names the image, and the file object is a reader with
``read(offset, size)``, ``get_size()`` and ``close()``. Registered once per process, in the process that opens
the image (the image walker or the image inspector's worker); layers and file systems inside are then found by
dfvfs as in any other image."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

_registered: set[str] = set()


def register_reader(indicator: str, open_reader: Callable[[str], Any]) -> None:
    """Register path spec INDICATOR, whose file object is OPEN_READER(location)."""
    if indicator in _registered:
        return
    from dfvfs.file_io import file_io
    from dfvfs.path import factory, location_path_spec
    from dfvfs.resolver_helpers import manager, resolver_helper

    class ReaderPathSpec(location_path_spec.LocationPathSpec):
        _IS_SYSTEM_LEVEL = True
        TYPE_INDICATOR = indicator

        def __init__(self, location: str | None = None, **kwargs: Any) -> None:
            if not location:
                raise ValueError("Missing location value.")
            super().__init__(location=os.path.abspath(location), **kwargs)

    class ReaderFile(file_io.FileIO):
        def __init__(self, resolver_context: Any, path_spec: Any) -> None:
            super().__init__(resolver_context, path_spec)
            self._reader: Any = None
            self._offset = 0

        def _Open(self, mode: str = "rb") -> None:  # noqa: N802 - dfvfs' interface
            self._reader = open_reader(self._path_spec.location)
            self._offset = 0

        def _Close(self) -> None:  # noqa: N802 - dfvfs' interface
            if self._reader is not None:
                self._reader.close()
            self._reader = None

        def read(self, size: int | None = None) -> bytes:
            if self._reader is None:
                raise OSError("Not opened.")
            if size is None or size < 0:
                size = max(self._reader.get_size() - self._offset, 0)
            data: bytes = self._reader.read(self._offset, size)
            self._offset += len(data)
            return data

        def seek(self, offset: int, whence: int = os.SEEK_SET) -> None:
            if self._reader is None:
                raise OSError("Not opened.")
            if whence == os.SEEK_CUR:
                offset += self._offset
            elif whence == os.SEEK_END:
                offset += self._reader.get_size()
            elif whence != os.SEEK_SET:
                raise OSError("Unsupported whence.")
            if offset < 0:
                raise OSError("Invalid offset value less than zero.")
            self._offset = offset

        def get_offset(self) -> int:
            return self._offset

        def get_size(self) -> int:
            if self._reader is None:
                raise OSError("Not opened.")
            size: int = self._reader.get_size()
            return size

    class ReaderResolverHelper(resolver_helper.ResolverHelper):
        TYPE_INDICATOR = indicator

        def NewFileObject(self, resolver_context: Any, path_spec: Any) -> Any:  # noqa: N802 - dfvfs' interface
            return ReaderFile(resolver_context, path_spec)

    factory.Factory.RegisterPathSpec(ReaderPathSpec)
    manager.ResolverHelperManager.RegisterHelper(ReaderResolverHelper())
    _registered.add(indicator)
