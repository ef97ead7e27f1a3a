"""One verify hashes each case file once: its SHA-256 (and its parsed JSON) kept by the file's identity while one
check runs (verify23: a diff folder's verify hashed each scan's findings.json three times, for the SHA-256 the diff
names, the loader and the scan's manifest, and parsed it twice).

The identity is what ``fstat`` says of the open file: device, inode, size, modification and change times to the
nanosecond; any write to the file changes its change time, so a file changed between two reads is read again.
Outside :func:`session` nothing is kept (every other command reads as before).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Identity = tuple[int, int, int, int, int]
_DIGESTS: ContextVar[dict[Identity, str] | None] = ContextVar("readonce_digests", default=None)
_PARSED: ContextVar[dict[Identity, object] | None] = ContextVar("readonce_parsed", default=None)


@contextmanager
def session() -> Iterator[None]:
    """Keep what is hashed and parsed until the block ends (one verify)."""
    digests, parsed = _DIGESTS.set({}), _PARSED.set({})
    try:
        yield
    finally:
        _DIGESTS.reset(digests)
        _PARSED.reset(parsed)


def identity(st: os.stat_result) -> Identity:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def digest(st: os.stat_result, compute: Callable[[], str]) -> str:
    """The SHA-256 of the open file ``st`` describes: kept from an earlier read in this session, else ``compute()``."""
    kept = _DIGESTS.get()
    if kept is None:
        return compute()
    key = identity(st)
    if key not in kept:
        kept[key] = compute()
    return kept[key]


def keep_parsed(st: os.stat_result, doc: object) -> None:
    """The strict parse of the file ``st`` describes, for a later reader that only reads it (never changes it)."""
    kept = _PARSED.get()
    if kept is not None:
        kept[identity(st)] = doc


def parsed(st: os.stat_result) -> object | None:
    """A strict parse kept in this session of the file ``st`` describes, else None (the caller parses)."""
    kept = _PARSED.get()
    return None if kept is None else kept.get(identity(st))
