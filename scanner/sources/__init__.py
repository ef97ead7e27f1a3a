"""Sources: each yields Entry, Skipped and Link values for one SOURCE argument.

``open_source(text)`` picks the kind: a directory, a disk image (recognised by content), or an
``smb://`` URL. Every source is a context manager; it connects in ``__enter__``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from ..errors import UsageError
from ..models import Entry, Link, Skipped

Item = Entry | Skipped | Link


class NameBatch:
    """Plain files of one folder, names first (a source's optional ``batches()`` yields these among items).

    The pipeline rejects most names in one pass over the whole list and builds an entry (``entry(i)``)
    only for the rest, so a file that matches nothing costs no object and no call of its own. Iterating
    a batch gives every entry, in order (what ``entries()`` yields).
    """

    __slots__ = ("names", "entry", "framed")

    def __init__(self, names: list[str], entry: Callable[[int], Entry], framed: str | None = None) -> None:
        self.names = names  # decoded base names, for the name rules
        self.entry = entry  # index -> the entry for names[index]
        self.framed = framed  # "\0" + "\0".join(names) + "\0" when the source built it already

    def __iter__(self) -> Iterator[Entry]:
        return map(self.entry, range(len(self.names)))


def batched(items: Iterable[Item], size: int = 1024) -> Iterator[Item | NameBatch]:
    """Runs of consecutive entries as NameBatch objects, every other item as it comes: the same order.

    For sources that build their entries anyway (disk images): the names are then checked in bulk.
    """
    run: list[Entry] = []
    for item in items:
        if isinstance(item, (Skipped, Link)):
            if run:
                yield NameBatch([e.name for e in run], run.__getitem__)
                run = []
            yield item
        else:
            run.append(item)
            if len(run) >= size:
                yield NameBatch([e.name for e in run], run.__getitem__)
                run = []
    if run:
        yield NameBatch([e.name for e in run], run.__getitem__)


class Source(Protocol):
    """What the pipeline needs from any source."""

    text: str  # the SOURCE as the user gave it

    def __enter__(self) -> Source: ...

    def __exit__(self, *exc: object) -> None: ...

    def entries(self) -> Iterator[Item]: ...

    # Optional: ``batches() -> Iterator[Item | NameBatch]``, the same walk with plain files grouped per
    # folder (see NameBatch); the pipeline prefers it when present.

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
        from .single import SingleFileSource  # an archive or a workbook given by itself

        return SingleFileSource(text)
    if os.path.lexists(text):
        raise UsageError(f"{text}: not a directory, disk image or smb:// URL")
    raise UsageError(f"{text}: no such file or directory")
