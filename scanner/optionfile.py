"""Small files the examiner names on the command line (--case-file, --password-file, --accept): read as
untrusted input, never through a link, never blocking on a FIFO or a device, at most a cap. A problem is a
UsageError that names the option and the file, never the file's content."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import UsageError

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def read_option_file(path: Path, option: str, limit: int, hint: str = "") -> tuple[bytes, os.stat_result]:
    """The bytes of ``path`` and its stat (for a permission check), or a UsageError naming ``option``."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as e:
        raise UsageError(f"{option} {path}: {e.strerror or 'cannot be opened'}") from e
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):  # checked before fdopen: a folder cannot even be wrapped as a file
        os.close(fd)
        raise UsageError(f"{option} {path}: not a regular file")
    with os.fdopen(fd, "rb") as f:
        raw = f.read(limit + 1)
    if len(raw) > limit:
        raise UsageError(f"{option} {path}: larger than {limit} bytes{hint}")
    return raw, st
