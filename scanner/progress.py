"""A tqdm progress bar on stderr, silent with --quiet or when stderr is not a terminal.

It shows files seen (with a percentage and an ETA when the source can estimate its total: a mounted file
system's used inodes, an image's file-system metadata), MiB read, files whose content was inspected
(spreadsheets parsed, archives opened), hits so far and the top folder being walked.
"""

from __future__ import annotations

import sys
import time

from .textsafe import shown


class TqdmProgress:
    def __init__(self, enabled: bool) -> None:
        self._bar = None
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(unit=" files", file=sys.stderr, dynamic_ncols=True, mininterval=0.5,
                             leave=False, desc="scanning")
        self._bytes = 0
        self._inspected = 0
        self._hits = 0
        self._folder = ""
        self._total = 0
        self._pending = 0
        self._last = time.monotonic()

    def file(self) -> None:
        if self._bar is not None:
            self._pending += 1
            # batched for speed on millions of small files, but at least twice a second so a scan of a
            # few large files (images, SMB) does not sit at "0 files"
            if self._pending >= 256 or time.monotonic() - self._last >= 0.5:
                self._flush()

    def _flush(self) -> None:
        bar = self._bar
        if bar is None:
            return
        self._last = time.monotonic()
        bar.update(self._pending)
        self._pending = 0
        where = f", in {self._folder}" if self._folder else ""
        bar.set_postfix_str(f"{self._bytes / 1048576:.1f} MiB read, {self._inspected} inspected, "
                            f"{self._hits} hits{where}", refresh=False)

    def files(self, n: int) -> None:
        """n files at once (a folder's names that needed no examination)."""
        if self._bar is not None:
            self._pending += n - 1
            self.file()

    def bytes(self, n: int) -> None:
        self._bytes += n
        if self._bar is not None and time.monotonic() - self._last >= 0.5:  # one large file: MiB still move
            self._flush()

    def inspected(self, n: int) -> None:
        """Files whose content an inspector read (spreadsheets parsed, archives opened ...)."""
        self._inspected += n

    def hits(self, n: int) -> None:
        self._hits += n

    def folder(self, name: str) -> None:
        """The top folder being walked (shown escaped: file names on a seized share are hostile)."""
        self._folder = shown(name)[:40]

    def total(self, n: int) -> None:
        """An estimate of the files to come (added per source): a percentage and an ETA."""
        self._total += n
        if self._bar is not None and self._total:
            self._bar.total = max(self._total, self._bar.n + self._pending + 1)
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.update(self._pending)
            self._bar.close()
