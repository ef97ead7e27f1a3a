"""A tqdm progress bar on stderr (files and bytes), silent with --quiet or when stderr is not a terminal."""

from __future__ import annotations

import sys
import time


class TqdmProgress:
    def __init__(self, enabled: bool) -> None:
        self._bar = None
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(unit=" files", file=sys.stderr, dynamic_ncols=True, mininterval=0.5,
                             leave=False, desc="scanning")
        self._bytes = 0
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
        bar.set_postfix_str(f"{self._bytes / 1048576:.1f} MiB read", refresh=False)

    def files(self, n: int) -> None:
        """n files at once (a folder's names that needed no examination)."""
        if self._bar is not None:
            self._pending += n - 1
            self.file()

    def bytes(self, n: int) -> None:
        self._bytes += n
        if self._bar is not None and time.monotonic() - self._last >= 0.5:  # one large file: MiB still move
            self._flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.update(self._pending)
            self._bar.close()
