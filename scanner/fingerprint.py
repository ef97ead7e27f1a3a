"""One read pass over a file feeds MD5, SHA-1 and SHA-256 (and keeps the bytes when a detector needs them).

hashlib releases the GIL on large updates, so for a large file MD5 runs on a second thread while SHA-1 and
SHA-256 run on this one: the three digests cost about as much wall time as SHA-256 alone. A small file
(one chunk, nearly every file of a share) is hashed on this thread: handing it over costs more than it saves.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import IO

from .models import Digests

CHUNK = 1 << 20
HEAD = 8192


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="md5")


@dataclass
class ReadResult:
    digests: Digests
    head: bytes  # first bytes, for the content type
    data: bytes | None  # the whole content, when it was small enough to keep


def hash_stream(stream: IO[bytes], keep_limit: int = 0, progress=None) -> ReadResult:
    """Read ``stream`` to the end once. Keep the whole content when it is at most ``keep_limit`` bytes.

    ``progress`` (if given) is called with the byte count of each chunk.
    """
    md5, sha1, sha256 = hashlib.md5(), hashlib.sha1(), hashlib.sha256()
    kept: list[bytes] | None = [] if keep_limit > 0 else None
    head = b""
    size = 0
    pool = _pool()
    pending = None  # the MD5 of the previous chunk, on the second thread (large files only)
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        if pending is not None:
            pending.result()
        if len(head) < HEAD:
            head += chunk[: HEAD - len(head)]
        size += len(chunk)
        if kept is not None:
            if size <= keep_limit:
                kept.append(chunk)
            else:
                kept = None
        if size > CHUNK:
            pending = pool.submit(md5.update, chunk)
        else:
            md5.update(chunk)
        sha1.update(chunk)
        sha256.update(chunk)
        if progress is not None:
            progress(len(chunk))
    if pending is not None:
        pending.result()
    data = b"".join(kept) if kept is not None else None
    return ReadResult(Digests(md5.hexdigest(), sha1.hexdigest(), sha256.hexdigest(), size), head, data)


def hash_bytes(data: bytes) -> Digests:
    return Digests(hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(),
                   hashlib.sha256(data).hexdigest(), len(data))
