"""A read-only stream over one file on an SMB share: one compound for small files, pipelined READs for
large ones, the file's identity compared before and after the read, resumed after a reconnect.

Round trips, not bytes, are what an SMB scan waits for, so the first ``read(n)`` decides how to start:

- a file that fits in one READ (or a caller that wants only its first bytes, like the content sniffing
  of the cheap checks) costs one round trip: CREATE + READ + CLOSE, related, in one compound;
- a larger file is opened with CREATE + READ in one compound, read on with several READs in flight
  while the previous chunk is hashed (smbprotocol receives on its own thread), and closed after the
  last READ.

Changed during the read: the CREATE answer gives the file's size, change time and write time as it is
opened, and its on-disk file ID (the QFid create context); the CLOSE after the last READ asks for the
size and times again (SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB: the fields of a QUERY_INFO
FileNetworkOpenInformation, without a request of their own; a server that leaves them empty gets a
QUERY_INFO before the CLOSE instead). The file ID is compared with the one the listing gave.
``changed()`` says what moved, so the pipeline reads the file once more and, when it keeps changing,
records ``changed-during-read`` instead of digests of two mixed versions. After a reconnect the file is
opened again by path and read on from the same offset only if its identity is unchanged; otherwise the
read stops there and ``changed()`` says so.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from smbprotocol.exceptions import SMBException

from ..codes import Status
from ..errors import ReadError
from .smb_client import READ_SIZE, Client, Dropped, Handle, Identity, Pending, Snapshot, read_error

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

AHEAD = 4  # READs kept in flight
START = 1 << 16  # a caller's first read of at most this many bytes gets only the file's start (one credit)


class Owner(Protocol):
    """The entry a stream reads for: it may hold a snapshot read earlier (by itself, or fetched ahead with
    its folder's other files), and learns what was opened."""

    def snapshot(self) -> Snapshot | None: ...

    def keep_snapshot(self, snapshot: Snapshot | None) -> None: ...

    def opened(self, identity: Identity) -> None: ...


def _round_up(n: int) -> int:
    return max(START, -(-n // START) * START)


class SmbStream(io.RawIOBase):
    """Sequential reads of one file; the server is asked nothing until the first ``read``."""

    def __init__(self, client: Client, path: str, listed_size: int, listed_id: int, owner: Owner | None = None) -> None:
        super().__init__()
        self._client = client
        self._path = path
        self._listed_size = listed_size
        self._listed_id = listed_id
        self._owner = owner
        self._started = False
        self._end = 0  # the size the file had when opened: read up to here
        self._offset = 0  # next byte the caller gets
        self._next = 0  # next byte to ask the server for
        self._spare = memoryview(b"")
        self._inflight: deque[Pending] = deque()
        self._handle: Handle | None = None
        self._before: Identity | None = None
        self._after: Identity | None = None
        self._stopped = ""  # why the read ended early (the file changed under a reconnect)

    def readable(self) -> bool:
        return True

    # -- what the pipeline asks -------------------------------------------------------------------------

    def changed(self) -> str:
        """What moved while the file was read ("" when nothing did, or when it was not read to the end)."""
        if self._stopped:
            return self._stopped
        if self._before is None or self._after is None:
            return ""
        moved = self._before.differs(self._after)
        if not moved:
            return ""
        if self._owner is not None:
            self._owner.keep_snapshot(None)  # what was kept is one of the versions: the next read asks the server
        return (f"changed while it was read over SMB ({moved}): {self._before.size} bytes when opened, "
                f"{self._after.size} bytes after the read")

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        if size == 0:
            return b""
        if not self._started:
            self._start(size)
        parts: list[bytes] = []
        got = 0
        while got < size:
            if not self._spare and not self._refill():
                break
            take = self._spare[:size - got]
            parts.append(bytes(take))
            self._spare = self._spare[len(take):]
            got += len(take)
        return b"".join(parts)

    def readall(self) -> bytes:
        if not self._started:
            self._start(None)
        parts = []
        while self._spare or self._refill():
            parts.append(bytes(self._spare))
            self._spare = memoryview(b"")
        return b"".join(parts)

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[:len(data)] = data
        return len(data)

    # -- starting ---------------------------------------------------------------------------------------

    def _start(self, want: int | None) -> None:
        """The first round trip: a cached snapshot, a whole small file, only the start, or an open handle."""
        self._started = True
        snap = self._owner.snapshot() if self._owner is not None else None
        if snap is not None and snap.handle is not None:
            snap = None  # an open handle belongs to the stream that opened it
        if snap is None:
            head_only = want is not None and want <= START
            whole = head_only or self._listed_size < READ_SIZE
            length = START if head_only else (_round_up(self._listed_size + 1) if whole else READ_SIZE)
            snap = self._retrying(lambda: self._client.read_start(self._path, length, whole, self._listed_id))
            if self._owner is not None:
                self._owner.opened(snap.opened)
                if snap.complete and not snap.before.differs(snap.after):
                    self._owner.keep_snapshot(snap)  # a later open of the same entry costs nothing
        self._before = snap.before
        self._end = snap.before.size
        self._spare = memoryview(snap.data)
        self._offset = self._next = len(snap.data)
        self._handle = snap.handle
        if snap.handle is None:
            if snap.complete or len(snap.data) >= self._end:
                self._after = snap.after
                self._end = self._offset  # nothing more to read
        if self._offset >= self._end and self._handle is not None:
            self._finish()

    # -- reading on -------------------------------------------------------------------------------------

    def _refill(self) -> bool:
        """The next chunk into ``_spare``; False at the end."""
        while self._offset < self._end and not self._stopped:
            data = self._retrying(self._chunk)
            if self._stopped:
                return False
            self._offset += len(data)
            if len(data) == 0:
                self._end = self._offset  # the file shrank
            if self._offset >= self._end:
                self._finish()
            if data:
                self._spare = memoryview(data)
                return True
        return False

    def _ensure_open(self) -> Handle | None:
        """The handle to read with; after a reconnect (or after a start-only snapshot) the file is opened
        again and must still be the file that was opened first."""
        client = self._client
        if self._handle is not None and self._handle.generation == client.generation:
            return self._handle
        handle = client.open_at(self._path)
        assert self._before is not None
        moved = self._before.differs(handle.opened)
        if moved:
            client.close_handle(handle)
            self._stopped = (f"changed on the server while it was read ({moved}, seen when opening it again "
                             f"at byte {self._offset}); read stopped")
            return None
        self._handle = handle
        self._inflight.clear()
        self._next = self._offset
        return handle

    def _chunk(self) -> bytes:
        """The next chunk from the server, keeping up to AHEAD READs in flight."""
        try:
            handle = self._ensure_open()
            if handle is None:
                return b""
            while len(self._inflight) < AHEAD and self._next < self._end:
                sent = self._client.send_read(handle, self._next, self._end - self._next, len(self._inflight), AHEAD)
                if sent is None:
                    break
                self._inflight.append(sent)
                self._next += sent.length
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
                self._end = pending.offset
        return data

    def _finish(self) -> None:
        """The file's state after the last READ, and the handle closed."""
        handle, self._handle = self._handle, None
        self._discard()
        if handle is None:
            return
        client = self._client

        def after() -> Identity | None:
            if handle.generation == client.generation:
                return client.finish(handle)
            fresh = client.open_at(self._path)  # the connection was rebuilt since: the file as it is now
            client.close_handle(fresh)
            return fresh.opened

        self._after = self._retrying(after)

    def _discard(self) -> None:
        while self._inflight:
            try:
                self._client.read_wait(self._inflight.popleft())
            except (SMBException, OSError, Dropped):
                self._inflight.clear()

    def _retrying(self, call: Callable[[], Any]) -> Any:
        """One SMB call with the client's reconnects; what still fails is a ReadError for this file."""
        try:
            return self._client.retrying(call)
        except ReadError:
            raise
        except (Dropped, SMBException, OSError) as e:
            raise self._as_read_error(e) from e

    @staticmethod
    def _as_read_error(e: BaseException) -> ReadError:
        if isinstance(e, Dropped):
            return ReadError(Status.CONNECTION, e.detail)
        return read_error(e)

    def close(self) -> None:
        if self._handle is not None:
            self._discard()
            self._client.close_handle(self._handle)
            self._handle = None
        super().close()
