"""A file that changes while it is hashed is ``changed-during-read`` with both sizes, never a hash of two
versions: local files (grown or rewritten under the read), sources without a descriptor (SMB, images:
bytes read differ from the size listed), and a disk image whose own file changes during the scan."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from image_data import fat_image
from tree_data import LEAKED, scan_dirs, write_files

from scanner.config import ScanConfig
from scanner.models import FileStat, Location
from scanner.pipeline import run_scan
from scanner.sources.image import ImageSource
from scanner.sources.local import LocalEntry, LocalSource


class _GrowingStream(io.RawIOBase):
    """Reads a real file and appends to it after the first chunk, as a writer would during the read."""

    def __init__(self, inner, path: Path, grow: bool) -> None:
        self._inner, self._path, self._grow = inner, path, grow

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._inner.fileno()

    def readinto(self, b) -> int:
        n = self._inner.readinto(b)
        if n and self._grow:
            with open(self._path, "ab") as f:
                f.write(b"appended by a writer\n")
            self._grow = False
        return n

    def close(self) -> None:
        self._inner.close()
        super().close()


class _Writers:
    """A LocalSource whose file named ``LEAKED`` gets a writer appending to it during the first
    ``grow_times`` reads."""

    def __init__(self, root: Path, grow_times: int) -> None:
        self._src = LocalSource(str(root))
        self.text, self.left = self._src.text, grow_times

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def describe(self):
        return self._src.describe()

    def entries(self):
        for item in self._src.entries():
            if isinstance(item, LocalEntry) and item.name == LEAKED:
                yield self._wrap(item)
            else:
                yield item

    def _wrap(self, entry: LocalEntry):
        source = self
        path = Path(entry.location.path)

        class Wrapped:
            location, name, kind, deleted = entry.location, entry.name, "file", False

            def stat(self):
                return entry.stat()

            def open(self):
                grow = source.left > 0
                source.left -= 1
                return io.BufferedReader(_GrowingStream(entry.open(), path, grow))

        return Wrapped()


def test_a_local_file_growing_under_the_read(tmp_path: Path) -> None:
    root = write_files(tmp_path / "share", {LEAKED: b"x" * 3_000_000})  # three 1 MiB chunks
    result = scan_dirs([root], [LEAKED], sources=[_Writers(root, grow_times=5)], use_keywords=False)
    [hit] = result.hits
    assert hit.status == "changed-during-read" and hit.digests is None
    m = re.search(r"(\d+) bytes when opened, (\d+) bytes after the read", hit.status_detail)
    assert m and 3_000_000 < int(m.group(1)) < int(m.group(2))  # both sizes (the second attempt's)
    [skip] = result.skipped
    assert skip.reason == "changed-during-read"


def test_a_file_steady_on_the_second_read_is_hashed(tmp_path: Path) -> None:
    import hashlib

    root = write_files(tmp_path / "share", {LEAKED: b"x" * 3_000_000})
    result = scan_dirs([root], [LEAKED], sources=[_Writers(root, grow_times=1)], use_keywords=False)
    [hit] = result.hits
    assert hit.status == "ok" and result.skipped == []
    now = (root / LEAKED).read_bytes()
    assert hit.digests.sha256 == hashlib.sha256(now).hexdigest() and hit.stat.size == len(now)


class _ShortEntry:
    """An entry of a source without descriptors (SMB, an image): the listing says one size, the read
    gives another."""

    kind, deleted, name = "file", False, LEAKED

    def __init__(self, listed: int, data: bytes) -> None:
        self.location = Location("smb://u@h/s", f"/{LEAKED}")
        self._listed, self._data = listed, data

    def stat(self) -> FileStat:
        return FileStat(self._listed)

    def open(self):
        return io.BytesIO(self._data)


class _OneEntrySource:
    text = "smb://u@h/s"

    def __init__(self, entry) -> None:
        self._entry = entry

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def describe(self):
        return {"source": self.text, "kind": "test"}

    def entries(self):
        yield self._entry


@pytest.mark.parametrize(("listed", "read"), [(100, 90), (100, 120)])
def test_bytes_read_differ_from_the_size_listed(listed: int, read: int, tmp_path: Path) -> None:
    cfg = ScanConfig(sources=["smb://u@h/s"], out=tmp_path / "out", names=[LEAKED])
    result = run_scan(cfg, [_OneEntrySource(_ShortEntry(listed, b"y" * read))], inspectors=[])
    [hit] = result.hits
    assert hit.status == "changed-during-read" and hit.digests is None
    assert hit.status_detail.endswith(f"{listed} bytes when listed, {read} bytes read")


def test_an_image_changing_during_the_scan_is_said(tmp_path: Path) -> None:
    image = fat_image(tmp_path / "disk.img", {f"DOCS/{LEAKED}": b"evidence" * 100, "OTHER.TXT": b"x"})
    with ImageSource(str(image)) as src:
        items = []
        for item in src.entries():
            items.append(item)
            if len(items) == 1:
                with open(image, "ab") as f:  # still being written (copied, acquired) while scanned
                    f.write(b"\0" * 512)
    [changed] = [i for i in items if getattr(i, "reason", "") == "changed-during-read"]
    size = os.path.getsize(image)
    assert f"{size - 512} bytes before, {size} bytes after" in changed.detail
    with ImageSource(str(image)) as src:  # left alone, the same image raises nothing
        assert not [i for i in src.entries() if getattr(i, "reason", "") == "changed-during-read"]
