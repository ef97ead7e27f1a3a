"""A read-only SMB2/3 client over smbprotocol's low-level API: compounded requests, a retry window.

Why the low-level API (Connection / Session / TreeConnect and request structures) rather than smbclient:
the walk needs each directory entry's SMB file ID (FILE_ID_BOTH_DIRECTORY_INFORMATION) to recognise a
directory it has already seen, it must ask for read-only access masks only, and it sends related
requests in one compound (CREATE + QUERY_DIRECTORY + QUERY_DIRECTORY + CLOSE for a folder, CREATE +
READ + CLOSE for a small file), so most folders and files cost one round trip. smbprotocol builds
and signs or encrypts the messages and routes the answers; the answers of the hot requests (listings,
reads) are unpacked here with ``struct``, since its generic structures cost about a millisecond each.

Every request waits a bounded time, so a server that stops answering is treated like a dropped
connection instead of hanging the scan. A dropped connection opens an *outage*: leakscan logs in again
with growing pauses until ``retry_window`` seconds have passed (each outage is logged as it begins and
ends); only then is the connection given up (``dead``) and what is left listed as ``connection``.
"""

from __future__ import annotations

import logging
import struct
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from smbprotocol import Dialects
from smbprotocol.connection import Connection, Request
from smbprotocol.create_contexts import CreateContextName, SMB2CreateContextRequest
from smbprotocol.exceptions import (
    EndOfFile,
    NoMoreFiles,
    NoSuchFile,
    SMBAuthenticationError,
    SMBConnectionClosed,
    SMBException,
    SMBResponseException,
)
from smbprotocol.file_info import FileFsVolumeInformation, FileInformationClass, InfoType
from smbprotocol.header import NtStatus, SMB2HeaderResponse
from smbprotocol.open import (
    CreateDisposition,
    CreateOptions,
    DirectoryAccessMask,
    FileAttributes,
    FilePipePrinterAccessMask,
    ImpersonationLevel,
    QueryDirectoryFlags,
    ShareAccess,
    SMB2CloseRequest,
    SMB2CreateRequest,
    SMB2QueryDirectoryRequest,
    SMB2QueryInfoRequest,
    SMB2ReadRequest,
)
from smbprotocol.session import Session
from smbprotocol.tree import TreeConnect

from ..codes import Status
from ..details import Detail, say
from ..errors import ReadError, SourceError

# smbprotocol and pyspnego log every packet (authentication messages included) at debug level, and a
# dropped connection as a traceback at error level. leakscan converts their errors itself: their logs
# must never reach a terminal or a log file.
for _name in ("smbprotocol", "smbclient", "spnego"):
    logging.getLogger(_name).setLevel(logging.CRITICAL + 1)

log = logging.getLogger("leakscan")

T = TypeVar("T")

# Read-only access masks: nothing here can change a byte, an attribute or a time stamp on the server.
FILE_READ = (FilePipePrinterAccessMask.FILE_READ_DATA | FilePipePrinterAccessMask.FILE_READ_ATTRIBUTES
             | FilePipePrinterAccessMask.SYNCHRONIZE)
DIR_READ = (DirectoryAccessMask.FILE_LIST_DIRECTORY | DirectoryAccessMask.FILE_READ_ATTRIBUTES
            | DirectoryAccessMask.SYNCHRONIZE)
# Others may keep reading, writing and deleting while we read: a live share must not notice the scan.
SHARE_ALL = ShareAccess.FILE_SHARE_READ | ShareAccess.FILE_SHARE_WRITE | ShareAccess.FILE_SHARE_DELETE
MAX_PAYLOAD = 65536  # one SMB credit
READ_SIZE = 4 << 20  # large reads: fewer round trips per MiB hashed
LIST_SIZE = 1 << 20  # QUERY_DIRECTORY answer buffer: about 6,000 names per round trip
MAX_CREDIT_REQUEST = 512
CREDITS_WANTED = 512  # asked for once after login, so large listings and several READs fit at once
RELATED = b"\xff" * 16  # the file ID of "the CREATE before me" in a related compound
DEFAULT_TIMEOUT = 60.0
DEFAULT_RETRY_WINDOW = 300.0
MAX_PAUSE = 30.0  # longest pause between two logins during an outage
FILE_NETWORK_OPEN_INFORMATION = 34  # MS-FSCC 2.4.29 (times, sizes, attributes: 56 bytes)

# Server answers that mean "this connection or session is gone", not "this file has a problem".
_GONE = {
    NtStatus.STATUS_NETWORK_NAME_DELETED,
    NtStatus.STATUS_USER_SESSION_DELETED,
    0xC000035C,  # STATUS_NETWORK_SESSION_EXPIRED (not named by smbprotocol)
}
# login refusals; smbprotocol names only some of them
_LOGIN_REFUSED = {
    NtStatus.STATUS_LOGON_FAILURE,
    NtStatus.STATUS_PASSWORD_EXPIRED,
    0xC0000072,  # STATUS_ACCOUNT_DISABLED
    0xC0000234,  # STATUS_ACCOUNT_LOCKED_OUT
    0xC000006E,  # STATUS_ACCOUNT_RESTRICTION
}
_STATUS_NAMES = {v: k for k, v in vars(NtStatus).items() if k.startswith("STATUS_")}
_DIALECTS = {v: k for k, v in vars(Dialects).items() if k.startswith("SMB_")}

# Answers unpacked here (MS-SMB2 2.2.14, 2.2.20, 2.2.34, 2.2.38; MS-FSCC 2.4.17): fixed parts.
_CREATE = struct.Struct("<HBBIqqqqqqII16sII")
_BUFFER = struct.Struct("<HHI")  # QUERY_DIRECTORY / QUERY_INFO: size, buffer offset, buffer length
_READ = struct.Struct("<HBBI")  # size, data offset, reserved, data length
_DIR_ENTRY = struct.Struct("<IIqqqqqqIIIBB24sHQ")
_NETWORK_OPEN = struct.Struct("<qqqqqqI")
_CLOSE = struct.Struct("<HHIqqqqqqI")  # size, flags, reserved, 4 times, allocation, end of file, attributes
_CONTEXT = struct.Struct("<IHHHHI")  # next, name offset, name length, reserved, data offset, data length
_POSTQUERY = 0x0001  # SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB
_HEADER = 64
_EPOCH_FILETIME = 116444736000000000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Dropped(Exception):
    """The connection is gone (closed, reset, timed out or the session was deleted). Raised with a coded detail
    (:func:`say`); ``detail`` gives it back with its codes (``str(e)`` would lose them)."""

    @property
    def detail(self) -> str:
        return self.args[0] if self.args and isinstance(self.args[0], str) else say(Detail.SMB_NOT_CONNECTED)


def status_name(e: SMBResponseException) -> str:
    return _STATUS_NAMES.get(e.status, f"0x{e.status:08x}")


def is_dropped(e: BaseException) -> bool:
    """True for errors that a reconnect may cure; False for an answer about one file."""
    if isinstance(e, Dropped | SMBConnectionClosed | OSError):
        return True
    if isinstance(e, SMBResponseException):
        return e.status in _GONE
    return isinstance(e, SMBException) and not isinstance(e, SMBAuthenticationError)


def read_error(e: BaseException) -> ReadError:
    """One file's SMB error as the pipeline's ReadError (no personal values: status names only)."""
    if isinstance(e, SMBResponseException):
        name = status_name(e)
        if e.status in (NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, NtStatus.STATUS_OBJECT_PATH_NOT_FOUND,
                        NtStatus.STATUS_DELETE_PENDING, 0xC0000123):  # STATUS_FILE_DELETED
            return ReadError(Status.VANISHED, say(Detail.SMB_DISAPPEARED, status=str(name)))
        return ReadError(Status.UNREADABLE, name)
    if is_dropped(e):
        return ReadError(Status.CONNECTION, say(Detail.CONNECTION_LOST, error=type(e).__name__))
    return ReadError(Status.UNREADABLE, type(e).__name__)


def filetime_iso(ft: int) -> str | None:
    """A FILETIME as ISO UTC (as smbprotocol converts it); 0 (1601) and overflowed values mean "not set"."""
    if ft <= 0:
        return None
    try:
        dt = _EPOCH + timedelta(microseconds=(ft - _EPOCH_FILETIME) // 10)
    except OverflowError:
        return None
    if dt.year <= 1601 or dt.year >= 9999:
        return None
    return dt.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Target:
    """What an ``smb://`` URL names. The password is never part of it."""

    user: str
    host: str
    port: int
    share: str
    path: str  # "" or "/PC01/Documents" (forward slashes, inside the share)
    domain: str = ""

    @property
    def unc(self) -> str:
        return f"\\\\{self.host}\\{self.share}"

    @property
    def account(self) -> str:
        return f"{self.domain}\\{self.user}" if self.domain else self.user


class DirEntry:
    """One line of a directory listing (FILE_ID_BOTH_DIRECTORY_INFORMATION); times are FILETIME ints."""

    __slots__ = ("name", "attributes", "size", "file_id", "ea_size", "creation", "access", "write", "change")

    def __init__(self, name: str, attributes: int, size: int, file_id: int, ea_size: int, creation: int,
                 access: int, write: int, change: int) -> None:
        self.name, self.attributes, self.size, self.file_id, self.ea_size = name, attributes, size, file_id, ea_size
        self.creation, self.access, self.write, self.change = creation, access, write, change

    @property
    def is_dir(self) -> bool:
        return bool(self.attributes & FileAttributes.FILE_ATTRIBUTE_DIRECTORY)

    @property
    def is_reparse(self) -> bool:
        return bool(self.attributes & FileAttributes.FILE_ATTRIBUTE_REPARSE_POINT)


class Identity(NamedTuple):
    """What says "still the same file, unchanged": size, change and write times (FILETIME), file ID."""

    size: int
    change: int
    write: int
    file_id: int

    def differs(self, other: Identity) -> str:
        """What moved between two identities, in words ("" when nothing did)."""
        moved = [what for what, a, b in (("size", self.size, other.size), ("change time", self.change, other.change),
                                          ("write time", self.write, other.write)) if a != b]
        if self.file_id and other.file_id and self.file_id != other.file_id:
            moved.append("file ID")
        return ", ".join(moved)


@dataclass
class Handle:
    """An open file on the server: its SMB file ID and what the CREATE said about it."""

    fid: bytes
    opened: Identity
    generation: int


@dataclass
class Pending:
    """A READ sent and not yet answered."""

    offset: int
    length: int
    request: Any


@dataclass
class Snapshot:
    """One compound read of a file's start: the bytes, and the file's identity before and after them.

    ``complete`` when the bytes are the whole file (the handle is closed); otherwise ``handle`` is
    still open for the reads that follow."""

    data: bytes
    before: Identity  # as opened, with the file ID the listing gave (the file the scan meant to read)
    after: Identity | None
    handle: Handle | None
    opened: Identity  # as opened, with its own on-disk file ID (the file that was read)
    offset: int = 0  # where ``data`` starts in the file (not 0: a window, e.g. a zip's end)

    @property
    def complete(self) -> bool:
        return (self.handle is None and self.after is not None and self.offset == 0
                and len(self.data) >= self.after.size)


def smb_path(path: str) -> str:
    """``/PC01/Documents`` -> ``PC01\\Documents`` as SMB2 CREATE wants it (relative to the share)."""
    return path.strip("/").replace("/", "\\")


def _qfid() -> bytes:
    ctx = SMB2CreateContextRequest()
    ctx["buffer_name"] = CreateContextName.SMB2_CREATE_QUERY_ON_DISK_ID
    ctx["buffer_data"] = b""
    return SMB2CreateContextRequest.pack_multiple([ctx])


_QFID = _qfid()


def _create(path: str, directory: bool) -> SMB2CreateRequest:
    """An SMB2 CREATE with FILE_OPEN and read-only access: never creates, never truncates."""
    msg = SMB2CreateRequest()
    msg["impersonation_level"] = ImpersonationLevel.Impersonation
    msg["desired_access"] = DIR_READ if directory else FILE_READ
    msg["file_attributes"] = (FileAttributes.FILE_ATTRIBUTE_DIRECTORY if directory
                              else FileAttributes.FILE_ATTRIBUTE_NORMAL)
    msg["share_access"] = SHARE_ALL
    msg["create_disposition"] = CreateDisposition.FILE_OPEN
    msg["create_options"] = CreateOptions.FILE_DIRECTORY_FILE if directory else CreateOptions.FILE_NON_DIRECTORY_FILE
    name = smb_path(path)
    msg["buffer_path"] = name.encode("utf-16-le") if name else b"\x00\x00"
    if not directory:
        msg["buffer_contexts"] = _QFID  # the file's on-disk ID in the answer
    return msg


def _query_directory(fid: bytes, restart: bool, size: int) -> SMB2QueryDirectoryRequest:
    msg = SMB2QueryDirectoryRequest()
    msg["file_information_class"] = FileInformationClass.FILE_ID_BOTH_DIRECTORY_INFORMATION
    if restart:
        msg["flags"] = QueryDirectoryFlags.SMB2_RESTART_SCANS
    msg["file_id"] = fid
    msg["output_buffer_length"] = size
    msg["buffer"] = "*".encode("utf-16-le")
    return msg


def _query_info(fid: bytes, info_type: int, info_class: int, size: int) -> SMB2QueryInfoRequest:
    msg = SMB2QueryInfoRequest()
    msg["info_type"] = info_type
    msg["file_info_class"] = info_class
    msg["output_buffer_length"] = size
    msg["file_id"] = fid
    return msg


def _read(fid: bytes, offset: int, length: int) -> SMB2ReadRequest:
    msg = SMB2ReadRequest()
    msg["length"] = length
    msg["offset"] = offset
    msg["file_id"] = fid
    msg["padding"] = b"\x50"
    return msg


def _close(fid: bytes, postquery: bool = False) -> SMB2CloseRequest:
    msg = SMB2CloseRequest()
    msg["file_id"] = fid
    if postquery:
        msg["flags"] = _POSTQUERY
    return msg


def _body(response: SMB2HeaderResponse) -> bytes:
    return response["data"].get_value()


def _buffer(body: bytes) -> bytes:
    _, offset, length = _BUFFER.unpack_from(body)
    start = offset - _HEADER
    return body[start:start + length]


def _read_data(body: bytes) -> bytes:
    _, offset, _, length = _READ.unpack_from(body)
    start = offset - _HEADER
    return body[start:start + length]


def _created(body: bytes) -> tuple[bytes, int, int, int]:
    """A CREATE answer -> (file ID, end of file, change time, write time)."""
    f = _CREATE.unpack_from(body)
    return f[12], f[9], f[7], f[6]


def _opened(answer: SMB2HeaderResponse) -> tuple[bytes, Identity]:
    """A file's CREATE answer -> (its handle's file ID, its identity; the on-disk ID from QFid, 0 if none)."""
    body = _body(answer)
    f = _CREATE.unpack_from(body)
    disk_id = 0
    offset, length = f[13], f[14]
    contexts = body[offset - _HEADER:offset - _HEADER + length] if length else b""
    at = 0
    while at + 16 <= len(contexts):
        nxt, name_off, name_len, _, data_off, data_len = _CONTEXT.unpack_from(contexts, at)
        name = contexts[at + name_off:at + name_off + name_len]
        if name == CreateContextName.SMB2_CREATE_QUERY_ON_DISK_ID and data_len >= 8:
            disk_id = struct.unpack_from("<Q", contexts, at + data_off)[0]
        if not nxt:
            break
        at += nxt
    return f[12], Identity(f[9], f[7], f[6], disk_id)


def _closed(body: bytes) -> tuple[int, int, int, int]:
    """A CLOSE answer -> (flags, end of file, change time, write time)."""
    f = _CLOSE.unpack_from(body)
    return f[1], f[8], f[6], f[5]


def _network_open(body: bytes) -> tuple[int, int, int]:
    """A FileNetworkOpenInformation answer -> (end of file, change time, write time)."""
    creation, access, write, change, allocation, eof, attributes = _NETWORK_OPEN.unpack_from(_buffer(body))
    return eof, change, write


def parse_listing(data: bytes) -> list[DirEntry]:
    """FILE_ID_BOTH_DIRECTORY_INFORMATION entries, unpacked with struct (names as UTF-16, lone surrogates kept)."""
    out: list[DirEntry] = []
    offset, end, size = 0, len(data), _DIR_ENTRY.size
    while offset + size <= end:
        (next_offset, _, creation, access, write, change, eof, _, attributes, name_len, ea_size, _, _, _, _,
         file_id) = _DIR_ENTRY.unpack_from(data, offset)
        start = offset + size
        name = data[start:start + name_len].decode("utf-16-le", "surrogatepass")
        if name != "..":
            out.append(DirEntry(name, attributes, eof, file_id, ea_size, creation, access, write, change))
        if not next_offset:
            break
        offset += next_offset
    return out


class Client:
    """One logged-in tree connect, rebuilt on demand after a drop within the retry window.

    ``generation`` grows with every reconnect, so open file streams know their handle is stale.
    Not thread-safe: one client per thread (a worker process keeps its own, see smb_pool).
    """

    def __init__(self, target: Target, password: str, *, timeout: float = DEFAULT_TIMEOUT,
                 retry_window: float = DEFAULT_RETRY_WINDOW, encrypt: bool | None = None,
                 max_pause: float = MAX_PAUSE) -> None:
        self.target = target
        self.__password = password
        self.timeout = timeout
        self.retry_window = retry_window
        self.max_pause = max_pause
        self.encrypt = encrypt
        self.generation = 0
        self.dead: str | None = None  # why the connection is given up, once it is
        self.reconnects = 0
        self.outages: list[dict[str, Any]] = []  # each outage: when it began, how long, how it ended
        self._conn: Connection | None = None
        self._session: Session | None = None
        self._tree: TreeConnect | None = None
        self._connected_once = False
        self.postquery = True  # the server fills in CLOSE's post-query attributes (else: QUERY_INFO)
        # told, during an outage, how long the next wait may last: a worker process tells its parent so
        # waiting for the server is not taken for a hang (smb_pool)
        self.on_wait: Callable[[float], None] | None = None
        # around each wait for the server (an answer within ``timeout``, a login, a pause between logins): a
        # worker process says it waits on the server, so its parent's no-CPU rule leaves it to these limits
        self.waiting: Callable[[], AbstractContextManager[None]] = nullcontext

    def __repr__(self) -> str:  # never show the password, even in a debugger or a traceback dump
        return f"Client({self.target.account}@{self.target.host}:{self.target.port}/{self.target.share})"

    # -- connecting -------------------------------------------------------------------------------------

    def connect(self) -> None:
        """First login: every failure is a one-line SourceError (the scan command exits 2)."""
        t = self.target
        try:
            self._connect()
        except SMBAuthenticationError as e:
            raise SourceError(say(Detail.SMB_LOGIN_REFUSED, account=t.account, host=t.host)) from e
        except SMBResponseException as e:
            name = status_name(e)
            if e.status in _LOGIN_REFUSED:
                raise SourceError(say(Detail.SMB_LOGIN_REFUSED_STATUS, account=t.account, host=t.host, status=name)) from e
            if e.status == NtStatus.STATUS_BAD_NETWORK_NAME:
                raise SourceError(say(Detail.SMB_NO_SHARE, share=repr(t.share), host=t.host)) from e
            if e.status == NtStatus.STATUS_ACCESS_DENIED:
                raise SourceError(say(Detail.SMB_SHARE_DENIED, share=repr(t.share), host=t.host, account=t.account)) from e
            raise SourceError(say(Detail.SMB_SERVER_REFUSED, host=t.host, status=name)) from e
        except (OSError, SMBException, ValueError, Dropped) as e:
            raise SourceError(say(Detail.SMB_CANNOT_CONNECT, host=t.host, port=t.port, why=_short(e))) from e

    def _connect(self, timeout: float | None = None) -> None:
        """Negotiate, log in and connect the tree, all within ``timeout`` seconds.

        smbprotocol waits without limit for the answers to SESSION_SETUP and TREE_CONNECT, so a server
        that accepts the connection and then says nothing would hang the scan: a watchdog closes the
        socket when the time is up, which wakes every waiting request."""
        t = self.target
        limit = self.timeout if timeout is None else timeout
        conn = Connection(uuid.uuid4(), t.host, t.port, require_signing=True)
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            _close_transport(conn)

        watchdog = threading.Timer(limit, expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            with self.waiting():
                conn.connect(timeout=limit)
                encrypt = self.encrypt
                if encrypt is None:  # personal data on the wire: encrypt whenever the dialect can (SMB 3.x)
                    encrypt = conn.dialect >= Dialects.SMB_3_0_0
                session = Session(conn, t.account, self.__password, require_encryption=encrypt)
                session.connect()
                tree = TreeConnect(session, t.unc)
                tree.connect()
                if conn.supports_multi_credit:  # credits for large listings and several READs in flight
                    conn.echo(sid=session.session_id, timeout=limit, credit_request=CREDITS_WANTED)
        except Exception as e:
            watchdog.cancel()
            _quiet_disconnect(conn)
            if expired.is_set() and not isinstance(e, SMBResponseException | SMBAuthenticationError):
                raise Dropped(say(Detail.SMB_NO_ANSWER, seconds=f"{limit:g}")) from e
            raise
        except BaseException:
            watchdog.cancel()
            _quiet_disconnect(conn)
            raise
        watchdog.cancel()
        if expired.is_set():  # the socket was closed just as the last answer came
            _quiet_disconnect(conn)
            raise Dropped(say(Detail.SMB_NO_ANSWER, seconds=f"{limit:g}"))
        self._conn, self._session, self._tree = conn, session, tree
        self._connected_once = True

    def close(self, graceful: bool = False) -> None:
        """Drop the connection; ``graceful`` logs off first (the end of a scan, the server still there)."""
        conn, self._conn, self._session, self._tree = self._conn, None, None, None
        if conn is not None:
            _quiet_disconnect(conn, graceful and self.dead is None)

    def reconnect(self, why: BaseException) -> None:
        """An outage: log in again with growing pauses until ``retry_window`` seconds have passed.

        Logged when it begins and when it ends (the examiner sees the server go and come back). A login
        refused now, after it worked before, ends the outage at once: retrying could lock the account.
        """
        if self.dead:
            raise Dropped(self.dead)
        self.close()
        host = self.target.host
        began, wall = time.monotonic(), datetime.now(UTC)
        log.warning("SMB connection to %s lost (%s); trying to reconnect for up to %s", host, _short(why),
                    _span(self.retry_window))
        pause, attempts = 0.25, 0
        last: BaseException = why
        while True:
            left = self.retry_window - (time.monotonic() - began)
            if attempts and left <= 0:
                break
            attempts += 1
            if self.on_wait is not None:
                self.on_wait(max(1.0, min(self.timeout, left)) + min(pause, max(left, 0.0)) + 10)
            try:
                self._connect(timeout=max(1.0, min(self.timeout, left)))
            except SMBAuthenticationError as e:
                last = e
                break
            except SMBResponseException as e:
                last = e
                if e.status in _LOGIN_REFUSED | {NtStatus.STATUS_BAD_NETWORK_NAME, NtStatus.STATUS_ACCESS_DENIED}:
                    break
            except (OSError, SMBException, ValueError, Dropped) as e:
                last = e
                log.debug("SMB reconnect %d to %s failed: %s", attempts, host, _short(e))
            else:
                took = time.monotonic() - began
                self.generation += 1
                self.reconnects += 1
                self.outages.append(_outage(wall, took, "reconnected", why))
                log.warning("SMB connection to %s re-established after %s (%d attempt%s)", host, _span(took),
                            attempts, "" if attempts == 1 else "s")
                return
            left = self.retry_window - (time.monotonic() - began)
            if left <= 0:
                break
            with self.waiting():
                time.sleep(min(pause, left))
            pause = min(pause * 2, self.max_pause)
        took = time.monotonic() - began
        self.outages.append(_outage(wall, took, "gave up", why))
        self.dead = say(Detail.SMB_GIVEN_UP, why=_short(why), seconds=round(took), last=_short(last))
        log.error("SMB connection to %s given up: %s; what is left is listed as not examined (connection) "
                  "and the scan will be INCOMPLETE", host, self.dead)
        raise Dropped(self.dead) from last

    def retrying(self, op: Callable[[], T]) -> T:
        """Run ``op``; after a drop, reconnect and run it again, until ``reconnect`` gives up (Dropped).

        An operation that fails again right after each of three fresh logins (a request that kills the
        server's process, say) is given up alone: Dropped for it, the connection stays usable."""
        reconnected = 0
        while True:
            if self.dead:
                raise Dropped(self.dead)
            if self._tree is None:
                self._login()
            try:
                return op()
            except BaseException as e:
                if not is_dropped(e) or isinstance(e, Dropped) and self.dead:
                    raise
                if reconnected >= 3:
                    self.close()
                    raise Dropped(say(Detail.SMB_LOST_AGAIN, why=_short(e))) from e
                self.reconnect(e)
                reconnected += 1

    def _login(self) -> None:
        """Log in for a client made without connecting (a worker's); an outage if that fails."""
        if self._connected_once:
            self.reconnect(Dropped(say(Detail.SMB_NOT_CONNECTED)))
            return
        try:
            self._connect()
        except (OSError, SMBException, ValueError, Dropped) as e:
            if isinstance(e, SMBAuthenticationError) or isinstance(e, SMBResponseException) and e.status in _LOGIN_REFUSED:
                self.dead = say(Detail.SMB_LOGIN_REFUSED, account=self.target.account, host=self.target.host)
                raise Dropped(self.dead) from e
            self._connected_once = True  # the server answered before (the scan listed it): an outage
            self.reconnect(e)

    # -- requests ---------------------------------------------------------------------------------------

    @property
    def dialect(self) -> str:
        d = self._conn.dialect if self._conn is not None else None
        return _DIALECTS.get(d, str(d)).removeprefix("SMB_").replace("_", ".") if d is not None else ""

    def _tree_or_drop(self) -> TreeConnect:
        if self._tree is None:
            raise Dropped(say(Detail.SMB_NOT_CONNECTED))
        return self._tree

    def _send(self, msgs: list[Any], credits: int | None = None) -> list[Any]:
        """Send one request, or several as one related compound; returns their Request objects."""
        tree = self._tree_or_drop()
        conn = tree.session.connection
        if len(msgs) == 1:
            return [conn.send(msgs[0], sid=tree.session.session_id, tid=tree.tree_connect_id, credit_request=credits)]
        return conn.send_compound(msgs, tree.session.session_id, tree.tree_connect_id, related=True)

    def _wait(self, request: Request) -> SMB2HeaderResponse:
        """The answer to one request, waiting at most ``timeout`` seconds (an error status raises)."""
        conn = self._tree_or_drop().session.connection
        with self.waiting():
            answered = request.response_event.wait(self.timeout)
        if not answered:
            raise Dropped(say(Detail.SMB_NO_ANSWER, seconds=f"{self.timeout:g}"))
        try:
            # a link met on the way is never followed (smbprotocol would re-send the CREATE to its target)
            return conn.receive(request, timeout=self.timeout, resolve_symlinks=False)
        except SMBException as e:
            if not isinstance(e, SMBResponseException) and str(e).startswith("Connection timeout"):
                raise Dropped(say(Detail.SMB_NO_ANSWER, seconds=f"{self.timeout:g}")) from e
            raise

    def _answers(self, requests: list[Any]) -> list[Any]:
        """Every answer of a compound, each an answer or the exception it raised (all are collected,
        so none is left behind in smbprotocol's table of outstanding requests)."""
        out: list[Any] = []
        for request in requests:
            try:
                out.append(self._wait(request))
            except SMBResponseException as e:
                out.append(e)
        return out

    def _credits(self) -> int:
        conn = self._tree_or_drop().session.connection
        window = conn.sequence_window
        return int(window["high"] - window["low"])

    def list_dir(self, path: str) -> list[DirEntry]:
        """The whole listing of one directory (``.`` included, ``..`` dropped).

        One round trip for most folders: CREATE + QUERY_DIRECTORY + QUERY_DIRECTORY + CLOSE in one
        compound (the second QUERY_DIRECTORY answers "no more files" when the first took everything).
        A folder larger than two buffers is listed again on a handle kept open."""
        conn = self._tree_or_drop().session.connection
        size = MAX_PAYLOAD
        if conn.supports_multi_credit:  # two QUERY_DIRECTORY buffers + CREATE + CLOSE must fit the credits
            size = max(MAX_PAYLOAD, min(LIST_SIZE, conn.max_transact_size or MAX_PAYLOAD,
                                        (self._credits() - 2) // 2 * MAX_PAYLOAD))
        answers = self._answers(self._send([_create(path, True), _query_directory(RELATED, True, size),
                                            _query_directory(RELATED, False, size), _close(RELATED)]))
        _raise_first(answers[0])
        out: list[DirEntry] = []
        for answer in answers[1:3]:
            if isinstance(answer, (NoMoreFiles, NoSuchFile)):
                return out
            _raise_first(answer)
            out.extend(parse_listing(_buffer(_body(answer))))
        return self._list_long(path, size)

    def _list_long(self, path: str, size: int) -> list[DirEntry]:
        answers = self._answers(self._send([_create(path, True)]))
        _raise_first(answers[0])
        fid = _created(_body(answers[0]))[0]
        out: list[DirEntry] = []
        restart = True
        try:
            while True:
                (answer,) = self._answers(self._send([_query_directory(fid, restart, size)]))
                restart = False
                if isinstance(answer, (NoMoreFiles, NoSuchFile)):
                    return out
                _raise_first(answer)
                out.extend(parse_listing(_buffer(_body(answer))))
        finally:
            self._close_quietly(fid)

    def volume_serial(self) -> int | None:
        """The share's volume serial number (FileFsVolumeInformation), part of every file-ID key."""
        answers = self._answers(self._send([
            _create("", True),
            _query_info(RELATED, InfoType.SMB2_0_INFO_FILESYSTEM, FileFsVolumeInformation.INFO_CLASS, 88),
            _close(RELATED)]))
        _raise_first(answers[0])
        if isinstance(answers[1], BaseException):
            return None
        data = _buffer(_body(answers[1]))
        return struct.unpack_from("<I", data, 8)[0] if len(data) >= 12 else None

    def read_start(self, path: str, length: int, whole: bool, listed_id: int) -> Snapshot:
        """Open a file and read its first ``length`` bytes in one round trip.

        ``whole``: the compound also closes the file and asks for its state after the READ
        (CREATE + READ + CLOSE with post-query attributes), for a file that fits in ``length`` or a
        caller that wants only its start; otherwise the handle stays open for the reads that follow
        (CREATE + READ). The CREATE asks for the file's on-disk ID (QFid), so "which file was read" is
        known without a request of its own. ``listed_id`` is the file ID the listing gave (0: unknown)."""
        return self._snapshot(self._send_start(path, self._fit(length, extra=3), whole), whole, listed_id)

    def snapshots(self, wanted: list[tuple[str, int, int, int]]) -> list[Snapshot | BaseException]:
        """Several files' starts, read whole and closed (``read_start(..., whole=True)`` for each), their
        compounds sent back to back and answered together: round trips overlap instead of adding up.
        ``wanted``: (path, length, listed file ID, offset): offset 0 for a start; else the bytes from there (a zip's
        directory at a file's end; ``Snapshot.offset`` says where they start, and such a snapshot is never
        ``complete``). One file's error is its own result; a dropped connection raises (the caller retries
        or reads the files one by one)."""
        out: list[Snapshot | BaseException] = []
        at = 0
        while at < len(wanted):
            sent: list[tuple[list[Any], int, int]] = []
            budget = self._credits() - 8  # leave room for the requests of the files being examined
            while at < len(wanted) and (not sent or budget > 0):
                path, length, listed_id, offset = wanted[at]
                length = min(length, max(1, budget - 3) * MAX_PAYLOAD) if sent else self._fit(length, extra=3)
                budget -= 3 + (length - 1) // MAX_PAYLOAD
                sent.append((self._send_start(path, length, True, offset), listed_id, offset))
                at += 1
            for requests, listed_id, offset in sent:
                try:
                    out.append(self._snapshot(requests, True, listed_id, offset))
                except SMBResponseException as e:
                    out.append(e)
        return out

    def _send_start(self, path: str, length: int, whole: bool, offset: int = 0) -> list[Any]:
        msgs = [_create(path, False), _read(RELATED, offset, length)]
        if whole:
            msgs += self._after_messages(RELATED)
        return self._send(msgs)

    def _snapshot(self, requests: list[Any], whole: bool, listed_id: int, offset: int = 0) -> Snapshot:
        answers = self._answers(requests)
        fid, opened = _opened(_raise_first(answers[0]))
        before = opened._replace(file_id=listed_id or opened.file_id)
        handle = None if whole else Handle(fid, opened, self.generation)
        try:
            data = b"" if isinstance(answers[1], EndOfFile) else _read_data(_body(_raise_first(answers[1])))
            after = self._after(answers[2:], opened.file_id) if whole else None
        except BaseException:
            if handle is not None:
                self._close_quietly(handle.fid)
            raise
        return Snapshot(data, before, after, handle, opened, offset)

    def open_at(self, path: str) -> Handle:
        """Open a file again (after a reconnect) for the reads that follow; its identity says what it is now."""
        (answer,) = self._answers(self._send([_create(path, False)]))
        fid, opened = _opened(_raise_first(answer))
        return Handle(fid, opened, self.generation)

    def finish(self, handle: Handle) -> Identity | None:
        """Close the file after its last READ; its state at that moment (None if the server does not say)."""
        return self._after(self._answers(self._send(self._after_messages(handle.fid))), handle.opened.file_id)

    def _after_messages(self, fid: bytes) -> list[Any]:
        """CLOSE with post-query attributes (size and times as the file is after the read); for a server
        that does not fill them in, a QUERY_INFO (FileNetworkOpenInformation) before the CLOSE."""
        if self.postquery:
            return [_close(fid, postquery=True)]
        return [_query_info(fid, InfoType.SMB2_0_INFO_FILE, FILE_NETWORK_OPEN_INFORMATION, 56), _close(fid)]

    def _after(self, answers: list[Any], file_id: int) -> Identity | None:
        if len(answers) == 2:  # QUERY_INFO + CLOSE
            size, change, write = _network_open(_body(_raise_first(answers[0])))
            return Identity(size, change, write, file_id)
        close = _raise_first(answers[0])
        flags, size, change, write = _closed(_body(close))
        if not flags & _POSTQUERY:  # the server ignored the flag: ask with QUERY_INFO from now on
            self.postquery = False
            return None
        return Identity(size, change, write, file_id)

    def close_handle(self, handle: Handle) -> None:
        if handle.generation == self.generation and self._tree is not None:
            self._close_quietly(handle.fid)

    def _close_quietly(self, fid: bytes) -> None:
        try:
            self._answers(self._send([_close(fid)]))
        except (SMBException, OSError, Dropped):
            pass  # the server drops the handle with the connection anyway

    def _fit(self, length: int, extra: int) -> int:
        """``length`` cut to what one READ may ask and the credits now free allow (beside ``extra`` requests)."""
        conn = self._tree_or_drop().session.connection
        length = max(1, min(length, conn.max_read_size or READ_SIZE))
        if conn.supports_multi_credit:
            return min(length, max(1, self._credits() - extra) * MAX_PAYLOAD)
        return min(length, MAX_PAYLOAD)
        return length

    def send_read(self, handle: Handle, offset: int, length: int, inflight: int, ahead: int) -> Pending | None:
        """Send one READ of at most ``length`` bytes without waiting for it (reads are pipelined).

        Returns None when the credits the server granted are spent on the ``inflight`` READs not yet
        answered. Each READ asks for enough credits to keep ``ahead`` more of its size in flight.
        """
        conn = self._tree_or_drop().session.connection
        available = self._credits()
        chunk = min(length, conn.max_read_size or READ_SIZE, READ_SIZE)
        charge = (chunk - 1) // MAX_PAYLOAD + 1
        if conn.supports_multi_credit and available < charge:
            if inflight:
                return None
            chunk = min(chunk, max(1, available) * MAX_PAYLOAD)
            charge = (chunk - 1) // MAX_PAYLOAD + 1
        (request,) = self._send([_read(handle.fid, offset, chunk)],
                                credits=min(charge * (ahead + 1), MAX_CREDIT_REQUEST))
        return Pending(offset, chunk, request)

    def read_wait(self, pending: Pending) -> bytes:
        """The answer to one READ (b"" at the end of the file), waiting at most ``timeout`` seconds."""
        try:
            return _read_data(_body(self._wait(pending.request)))
        except EndOfFile:
            return b""


def _raise_first(answer: SMB2HeaderResponse | BaseException) -> SMB2HeaderResponse:
    if isinstance(answer, BaseException):
        raise answer
    return answer


def _outage(began: datetime, seconds: float, outcome: str, why: BaseException) -> dict[str, Any]:
    return {"began": began.isoformat(timespec="seconds").replace("+00:00", "Z"), "seconds": round(seconds, 1),
            "outcome": outcome, "cause": _short(why)}


def _span(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"
    return f"{seconds / 60:.1f} min"


def _short(e: BaseException) -> str:
    """An error in a few words, never more than one line (and never a password: none is in them)."""
    if isinstance(e, SMBResponseException):
        return status_name(e)
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    return text[:160]


def _quiet_disconnect(conn: Connection, graceful: bool = False) -> None:
    """Close a connection. ``graceful``: log off first (a healthy server at the end of a scan), within 2 s
    (smbprotocol waits for the TREE_DISCONNECT answer without a limit, so a timer closes the socket);
    otherwise (a connection given up) the socket is simply closed."""
    if graceful and conn.transport.connected:
        timer = threading.Timer(2.0, _close_transport, (conn,))
        timer.daemon = True
        timer.start()
        try:
            conn.disconnect(close=True, timeout=2)
        except (SMBException, OSError, TypeError, AttributeError, KeyError):
            pass
        finally:
            timer.cancel()
    try:
        conn.disconnect(close=False)
    except (SMBException, OSError, TypeError, AttributeError):
        pass


def _close_transport(conn: Connection) -> None:
    try:
        conn.transport.close()
    except Exception:  # noqa: BLE001 - best effort: a socket being closed anyway
        pass
