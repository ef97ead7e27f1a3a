"""A read-only stream over one file on an SMB share: pipelined READs, resumed after a reconnect.

Why pipelined: smbprotocol receives on its own thread, so while the pipeline hashes one chunk the next
ones are already on the wire; one READ at a time would add the transfer time to the hashing time.
After a reconnect the file is opened again by path and read on from the same offset; if its size or
write time changed meanwhile the read stops (the digests would mix two versions of the file).
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable
from typing import Any

from smbprotocol.exceptions import SMBException
from smbprotocol.open import Open

from ..codes import Status
from ..errors import ReadError
from .smb_client import Client, Dropped, Pending, read_error

AHEAD = 4  # READs kept in flight
FIRST_READ = 1 << 20  # the first READ alone and smaller: many opens only want the first bytes (content type)


class SmbFile(io.RawIOBase):
    """Opened by :meth:`open_now` (so a missing or locked file fails at ``open()``), read sequentially."""

    def __init__(self, client: Client, path: str, size: int, write_time: Any) -> None:
        super().__init__()
        self._client = client
        self._path = path
        self._size = size
        self._write_time = write_time
        self._offset = 0  # next byte the caller gets
        self._next = 0  # next byte to ask the server for
        self._inflight: deque[Pending] = deque()
        self._spare = memoryview(b"")
        self._handle: Open | None = None
        self._generation = -1

    def readable(self) -> bool:
        return True

    def _ensure_open(self) -> Open:
        client = self._client
        if self._handle is not None and self._generation == client.generation:
            return self._handle
        first = self._handle is None
        handle = client.open(self._path, directory=False)
        if first:
            self._size, self._write_time = handle.end_of_file, handle.last_write_time
        elif handle.end_of_file != self._size or handle.last_write_time != self._write_time:
            client.close_handle(handle)
            raise ReadError(Status.CHANGED_DURING_READ, f"changed on the server while it was read (seen on "
                            f"reconnecting): {self._size} bytes when opened, {handle.end_of_file} bytes now; "
                            "read stopped")
        self._handle, self._generation = handle, client.generation
        self._inflight.clear()
        self._next = self._offset
        return handle

    def _chunk(self) -> bytes:
        """The next chunk from the server, keeping up to AHEAD READs in flight."""
        try:
            handle = self._ensure_open()
            while len(self._inflight) < AHEAD and self._next < self._size:
                first = self._next == 0
                want = min(self._size, FIRST_READ) if first else self._size - self._next
                sent = self._client.send_read(handle, self._next, want, len(self._inflight), AHEAD)
                if sent is None:
                    break
                self._inflight.append(sent)
                self._next += sent.length
                if first:
                    break
            pending = self._inflight.popleft()
            data = self._client.read_wait(pending)
        except BaseException:
            self._inflight.clear()  # answers on a broken connection never come
            self._next = self._offset
            raise
        if len(data) < pending.length:  # short read (file shrank): later READs asked for the wrong offsets
            self._discard()
            self._next = pending.offset + len(data)
            if not data:
                self._size = pending.offset
        return data

    def _discard(self) -> None:
        while self._inflight:
            try:
                self._client.read_wait(self._inflight.popleft())
            except (SMBException, OSError, Dropped):
                self._inflight.clear()

    def readinto(self, buffer: Any) -> int:
        if not self._spare:
            if self._offset >= self._size or not len(buffer):
                return 0
            data = self._retrying(self._chunk)
            self._offset += len(data)
            self._spare = memoryview(data)
        n = min(len(buffer), len(self._spare))
        buffer[:n] = self._spare[:n]
        self._spare = self._spare[n:]
        return n

    def open_now(self) -> None:
        self._retrying(self._ensure_open)

    def _retrying(self, call: Callable[[], Any]) -> Any:
        """One SMB call with the client's reconnects; what still fails is a ReadError for this file."""
        try:
            return self._client.retrying(call)
        except ReadError:
            raise
        except Dropped as e:
            raise ReadError(Status.CONNECTION, str(e)) from e
        except (SMBException, OSError) as e:
            raise read_error(e) from e

    def close(self) -> None:
        if self._handle is not None and self._generation == self._client.generation:
            self._discard()
            self._client.close_handle(self._handle)
        self._handle = None
        super().close()
