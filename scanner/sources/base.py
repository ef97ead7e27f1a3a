"""What every source hands the pipeline: entries, skips and links (``Item``), folder name batches, and the
``Source`` protocol. A bottom-floor module: sources, inspectors and the pipeline all import it, it imports
only the models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

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


def unbatched(items: Iterable[Item | NameBatch]) -> Iterator[Item]:
    """``batched`` undone: every entry of each NameBatch, every other item as it comes (``entries()`` of a
    source that walks in batches)."""
    for item in items:
        if isinstance(item, NameBatch):
            yield from item
        else:
            yield item


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
