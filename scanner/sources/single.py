"""One file given as SOURCE (a backup zip, a USB dump, a suspicious workbook) that is not a disk image.

It yields that one file as an entry, so every detector runs on it as on a file met while walking a
share: an archive is opened, a spreadsheet read, the name rules applied.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import IO, Any

from ..codes import Status
from ..details import Detail, say
from ..models import FileStat, Location, Skipped
from .base import Item
from .local import LocalRef, open_file, stat_file
from .memo_beside import MEMO_EXTS, MEMO_HEADER

# Names that promise a disk image: when the content is not one, the image was not walked, and that is
# listed (a wiped or unsupported image is not a clean one).
IMAGE_SUFFIXES = frozenset({".dd", ".img", ".raw", ".001", ".000", ".e01", ".ex01", ".vmdk", ".vhd", ".vhdx",
                            ".qcow2", ".qcow", ".dmg", ".iso", ".aff", ".aff4"})


def named_file(text: str) -> str:
    """The absolute path of the file a SOURCE names: a symbolic link the examiner gave is followed (its target is
    what they asked to examine; read by path without following links, it was listed ``became-symlink`` and the
    scan ended complete with nothing read). Links met while walking a folder are never followed."""
    absolute = os.path.abspath(text)
    return os.path.realpath(absolute) if os.path.islink(absolute) else absolute


class SingleFileEntry:
    deleted = False
    kind = "file"

    def __init__(self, text: str) -> None:
        absolute = named_file(text)
        self._raw = os.fsencode(absolute)
        self.name = os.path.basename(absolute)
        self.location = Location(text, absolute)

    @property
    def fs_path(self) -> bytes:
        """The file's path on this machine (for readers that must seek in place: a disk image)."""
        return self._raw

    def stat(self) -> FileStat:
        return stat_file(self._raw)

    def open(self) -> IO[bytes]:
        return open_file(self._raw)

    def ref(self) -> LocalRef | None:
        """What a worker process needs to open this file itself (None: its folder is gone, read it here)."""
        folder, _, name = self._raw.rpartition(b"/")
        try:
            st = os.stat(folder or b"/")
        except OSError:
            return None
        # with its trailing slash, as a walked folder's: the worker's entry joins it to the name (its fs_path)
        return LocalRef(folder + b"/", (st.st_dev, st.st_ino), name)


class SingleFileSource:
    def __init__(self, text: str) -> None:
        self.text = text

    def __enter__(self) -> SingleFileSource:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def describe(self) -> dict[str, Any]:
        return {"source": self.text, "kind": "file", "path": named_file(self.text),
                "method": "read-only (O_RDONLY|O_NOATIME), one file"}

    def entries(self) -> Iterator[Item]:
        # a file named like an image whose content is none is listed by the image inspector, as anywhere else
        entry = SingleFileEntry(self.text)
        yield entry
        if entry.name.casefold().endswith(MEMO_EXTS):  # a dBase memo file given alone: its values are read only
            try:  # with their table (review20d: it ended as nothing)
                size = os.stat(entry.fs_path).st_size
            except OSError:
                return  # (the entry's own read says why)
            if size > MEMO_HEADER:
                yield Skipped(entry.location, Status.UNSUPPORTED, say(Detail.DBF_MEMO_ALONE))
