"""Sources: each yields Entry, Skipped and Link values for one SOURCE argument.

``open_source(text)`` picks the kind: a directory, a disk image (recognised by content), or an
``smb://`` URL. Every source is a context manager; it connects in ``__enter__``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, Protocol

from ..errors import UsageError
from ..models import Entry, Link, Skipped

Item = Entry | Skipped | Link


class Source(Protocol):
    """What the pipeline needs from any source."""

    text: str  # the SOURCE as the user gave it

    def __enter__(self) -> Source: ...

    def __exit__(self, *exc: object) -> None: ...

    def entries(self) -> Iterator[Item]: ...

    def describe(self) -> dict[str, Any]:
        """How this source was read, for the report (kind, read-only method, image hashes ...)."""
        ...


def open_source(text: str, **options: Any) -> Source:
    """Choose the source kind for one SOURCE argument; a user mistake is a UsageError."""
    if text.startswith("smb://"):
        from .smb import SmbSource  # lazy: smbprotocol is slow to import

        return SmbSource(text, **options)
    if os.path.isdir(text):
        from .local import LocalSource

        return LocalSource(text)
    if os.path.isfile(text):
        from .image import ImageSource, looks_like_image

        if looks_like_image(text):
            return ImageSource(text, **options)
        raise UsageError(f"{text}: not a directory or a recognised disk image")
    if os.path.lexists(text):
        raise UsageError(f"{text}: not a directory, disk image or smb:// URL")
    raise UsageError(f"{text}: no such file or directory")
