"""A read-only SMB2/3 client over smbprotocol's low-level API, with bounded reconnects.

Why the low-level API (Connection / Session / TreeConnect / Open) rather than smbclient: the walk needs
each directory entry's SMB file ID (FILE_ID_BOTH_DIRECTORY_INFORMATION) to recognise a directory it has
already seen, and it must ask for read-only access masks only. Every request waits a bounded time, so a
server that stops answering is treated like a dropped connection instead of hanging the scan.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from smbprotocol import Dialects
from smbprotocol.connection import Connection
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
from smbprotocol.header import NtStatus
from smbprotocol.open import (
    CreateDisposition,
    CreateOptions,
    DirectoryAccessMask,
    FileAttributes,
    FilePipePrinterAccessMask,
    ImpersonationLevel,
    Open,
    QueryDirectoryFlags,
    ShareAccess,
    SMB2QueryInfoRequest,
    SMB2QueryInfoResponse,
)
from smbprotocol.session import Session
from smbprotocol.tree import TreeConnect

from ..codes import Status
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
MAX_CREDIT_REQUEST = 512

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


class Dropped(Exception):
    """The connection is gone (closed, reset, timed out or the session was deleted)."""


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
                        NtStatus.STATUS_DELETE_PENDING):
            return ReadError(Status.VANISHED, f"disappeared during the scan ({name})")
        return ReadError(Status.UNREADABLE, name)
    if is_dropped(e):
        return ReadError(Status.CONNECTION, f"connection lost: {type(e).__name__}")
    return ReadError(Status.UNREADABLE, type(e).__name__)


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


@dataclass
class DirEntry:
    """One line of a directory listing (FILE_ID_BOTH_DIRECTORY_INFORMATION), parsed once."""

    name: str
    attributes: int
    size: int
    file_id: int
    ea_size: int  # the reparse tag when FILE_ATTRIBUTE_REPARSE_POINT is set
    creation: Any
    access: Any
    write: Any
    change: Any

    @property
    def is_dir(self) -> bool:
        return bool(self.attributes & FileAttributes.FILE_ATTRIBUTE_DIRECTORY)

    @property
    def is_reparse(self) -> bool:
        return bool(self.attributes & FileAttributes.FILE_ATTRIBUTE_REPARSE_POINT)


@dataclass
class Pending:
    """A READ sent and not yet answered."""

    offset: int
    length: int
    request: Any
    recv: Callable[[Any], bytes]


def smb_path(path: str) -> str:
    """``/PC01/Documents`` -> ``PC01\\Documents`` as SMB2 CREATE wants it (relative to the share)."""
    return path.strip("/").replace("/", "\\")


class Client:
    """One logged-in tree connect, rebuilt on demand after a drop (at most ``retries`` tries each time).

    ``generation`` grows with every reconnect, so open file streams know their handle is stale.
    """

    def __init__(self, target: Target, password: str, *, retries: int = 3, retry_delay: float = 1.0,
                 timeout: float = 60.0, max_reconnects: int = 20, encrypt: bool | None = None) -> None:
        self.target = target
        self.__password = password
        self.retries = retries
        self.retry_delay = retry_delay
        self.timeout = timeout
        self.reconnects_left = max_reconnects
        self.encrypt = encrypt
        self.generation = 0
        self.dead: str | None = None  # why the connection is given up, once it is
        self.reconnects = 0
        self._conn: Connection | None = None
        self._session: Session | None = None
        self._tree: TreeConnect | None = None

    def __repr__(self) -> str:  # never show the password, even in a debugger or a traceback dump
        return f"Client({self.target.account}@{self.target.host}:{self.target.port}/{self.target.share})"

    # -- connecting -------------------------------------------------------------------------------------

    def connect(self) -> None:
        """First login: every failure is a one-line SourceError (the scan command exits 2)."""
        t = self.target
        try:
            self._connect()
        except SMBAuthenticationError as e:
            raise SourceError(f"SMB login refused for {t.account} on {t.host}: wrong user name or password") from e
        except SMBResponseException as e:
            name = status_name(e)
            if e.status in _LOGIN_REFUSED:
                raise SourceError(f"SMB login refused for {t.account} on {t.host}: wrong user name or password "
                                  f"({name})") from e
            if e.status == NtStatus.STATUS_BAD_NETWORK_NAME:
                raise SourceError(f"no share named {t.share!r} on {t.host}") from e
            if e.status == NtStatus.STATUS_ACCESS_DENIED:
                raise SourceError(f"access to share {t.share!r} on {t.host} denied for {t.account}") from e
            raise SourceError(f"SMB server {t.host} refused the connection: {name}") from e
        except (OSError, SMBException, ValueError) as e:
            raise SourceError(f"cannot connect to {t.host}:{t.port}: {_short(e)}") from e

    def _connect(self) -> None:
        t = self.target
        conn = Connection(uuid.uuid4(), t.host, t.port, require_signing=True)
        conn.connect(timeout=self.timeout)
        try:
            encrypt = self.encrypt
            if encrypt is None:  # personal data on the wire: encrypt whenever the dialect can (SMB 3.x)
                encrypt = conn.dialect >= Dialects.SMB_3_0_0
            session = Session(conn, t.account, self.__password, require_encryption=encrypt)
            session.connect()
            tree = TreeConnect(session, t.unc)
            tree.connect()
        except BaseException:
            _quiet_disconnect(conn)
            raise
        self._conn, self._session, self._tree = conn, session, tree

    def close(self) -> None:
        conn, self._conn, self._session, self._tree = self._conn, None, None, None
        if conn is not None:
            _quiet_disconnect(conn)

    def reconnect(self, why: BaseException) -> None:
        """Drop the old connection and log in again; give up (``dead``) after ``retries`` failed tries."""
        if self.dead:
            raise Dropped(self.dead)
        self.close()
        if self.reconnects_left <= 0:
            self.dead = "connection lost too many times; gave up"
            raise Dropped(self.dead) from why
        self.reconnects_left -= 1
        last: BaseException = why
        for attempt in range(self.retries):
            time.sleep(self.retry_delay * (2 ** attempt))
            try:
                self._connect()
            except SMBAuthenticationError as e:  # the password worked before: do not hammer the account
                last = e
                break
            except SMBResponseException as e:
                last = e
                if e.status in _LOGIN_REFUSED:  # same: a lockout policy may be counting
                    break
                continue
            except (OSError, SMBException, ValueError) as e:
                last = e
                log.debug("SMB reconnect %d/%d to %s failed: %s", attempt + 1, self.retries, self.target.host,
                          _short(e))
                continue
            self.generation += 1
            self.reconnects += 1
            log.warning("SMB connection to %s lost and re-established (%s)", self.target.host, _short(why))
            return
        self.dead = f"connection lost ({_short(why)}); {self.retries} reconnects failed ({_short(last)})"
        raise Dropped(self.dead) from last

    def retrying(self, op: Callable[[], T]) -> T:
        """Run ``op``; after a drop, reconnect and run it again, until ``reconnect`` gives up (Dropped)."""
        while True:
            if self.dead:
                raise Dropped(self.dead)
            if self._tree is None:
                self.reconnect(Dropped("not connected"))
            try:
                return op()
            except BaseException as e:
                if not is_dropped(e) or isinstance(e, Dropped) and self.dead:
                    raise
                self.reconnect(e)

    # -- requests ---------------------------------------------------------------------------------------

    @property
    def dialect(self) -> str:
        d = self._conn.dialect if self._conn is not None else None
        return _DIALECTS.get(d, str(d)).removeprefix("SMB_").replace("_", ".") if d is not None else ""

    def _roundtrip(self, msg: Any, recv: Callable[[Any], T], credits: int | None = None) -> T:
        """Send one request and wait at most ``timeout`` seconds for its answer."""
        tree = self._tree
        if tree is None:
            raise Dropped("not connected")
        conn = tree.session.connection
        request = conn.send(msg, sid=tree.session.session_id, tid=tree.tree_connect_id, credit_request=credits)
        if not request.response_event.wait(self.timeout):
            raise Dropped(f"no answer from the server in {self.timeout:g} s")
        return recv(request)

    def open(self, path: str, directory: bool) -> Open:
        """An SMB2 CREATE with FILE_OPEN and read-only access: never creates, never truncates."""
        if self._tree is None:
            raise Dropped("not connected")
        handle = Open(self._tree, smb_path(path))
        msg, recv = handle.create(
            ImpersonationLevel.Impersonation,
            DIR_READ if directory else FILE_READ,
            FileAttributes.FILE_ATTRIBUTE_DIRECTORY if directory else FileAttributes.FILE_ATTRIBUTE_NORMAL,
            SHARE_ALL,
            CreateDisposition.FILE_OPEN,
            CreateOptions.FILE_DIRECTORY_FILE if directory else CreateOptions.FILE_NON_DIRECTORY_FILE,
            send=False,
        )
        self._roundtrip(msg, recv)
        return handle

    def close_handle(self, handle: Open) -> None:
        if self._tree is None or not handle._connected:
            return
        try:
            msg, recv = handle.close(send=False)
            self._roundtrip(msg, recv)
        except (SMBException, OSError, Dropped):
            pass  # the server drops the handle with the connection anyway

    def list_dir(self, path: str) -> list[DirEntry]:
        """The whole listing of one directory (``.`` included, ``..`` dropped), one handle, then closed."""
        handle = self.open(path, directory=True)
        out: list[DirEntry] = []
        flags = QueryDirectoryFlags.SMB2_RESTART_SCANS
        try:
            while True:
                msg, recv = handle.query_directory("*", FileInformationClass.FILE_ID_BOTH_DIRECTORY_INFORMATION,
                                                   flags=flags, max_output=MAX_PAYLOAD, send=False)
                try:
                    batch = self._roundtrip(msg, recv)
                except (NoMoreFiles, NoSuchFile):
                    break
                flags = 0
                out.extend(_dir_entry(e) for e in batch)
        finally:
            self.close_handle(handle)
        return [e for e in out if e.name != ".."]

    def volume_serial(self) -> int | None:
        """The share's volume serial number (FileFsVolumeInformation), part of every file-ID key."""
        handle = self.open("", directory=True)
        try:
            req = SMB2QueryInfoRequest()
            req["info_type"] = InfoType.SMB2_0_INFO_FILESYSTEM
            req["file_info_class"] = FileFsVolumeInformation.INFO_CLASS
            req["file_id"] = handle.file_id
            req["output_buffer_length"] = 88

            def recv(request: Any) -> Any:
                response = handle.connection.receive(request)
                resp = SMB2QueryInfoResponse()
                resp.unpack(response["data"].get_value())
                return resp.parse_buffer(FileFsVolumeInformation)

            info = self._roundtrip(req, recv)
            return int(info["volume_serial_number"].get_value())
        except SMBResponseException:
            return None
        finally:
            self.close_handle(handle)

    def send_read(self, handle: Open, offset: int, length: int, inflight: int, ahead: int) -> Pending | None:
        """Send one READ of at most ``length`` bytes without waiting for it (reads are pipelined).

        Returns None when the credits the server granted are spent on the ``inflight`` READs not yet
        answered. Each READ asks for enough credits to keep ``ahead`` more of its size in flight.
        """
        conn = handle.connection
        window = conn.sequence_window
        available = window["high"] - window["low"]
        chunk = min(length, conn.max_read_size, READ_SIZE)
        charge = (chunk - 1) // MAX_PAYLOAD + 1
        if available < charge:
            if inflight:
                return None
            chunk = min(chunk, max(1, available) * MAX_PAYLOAD)
            charge = (chunk - 1) // MAX_PAYLOAD + 1
        msg, recv = handle.read(offset, chunk, send=False)
        tree = self._tree
        if tree is None:
            raise Dropped("not connected")
        request = conn.send(msg, sid=tree.session.session_id, tid=tree.tree_connect_id,
                            credit_request=min(charge * (ahead + 1), MAX_CREDIT_REQUEST))
        return Pending(offset, chunk, request, recv)

    def read_wait(self, pending: Pending) -> bytes:
        """The answer to one READ (b"" at the end of the file), waiting at most ``timeout`` seconds."""
        if not pending.request.response_event.wait(self.timeout):
            raise Dropped(f"no answer from the server in {self.timeout:g} s")
        try:
            return pending.recv(pending.request)
        except EndOfFile:
            return b""


def _dir_entry(e: Any) -> DirEntry:
    name = e["file_name"].get_value().decode("utf-16-le", "surrogatepass")
    return DirEntry(name, int(e["file_attributes"].get_value()), e["end_of_file"].get_value(),
                    e["file_id"].get_value(), e["ea_size"].get_value(), e["creation_time"].get_value(),
                    e["last_access_time"].get_value(), e["last_write_time"].get_value(),
                    e["change_time"].get_value())


def _short(e: BaseException) -> str:
    """An error in a few words, never more than one line (and never a password: none is in them)."""
    if isinstance(e, SMBResponseException):
        return status_name(e)
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    return text[:160]


def _quiet_disconnect(conn: Connection) -> None:
    try:
        conn.disconnect(close=conn.transport.connected, timeout=2)
    except (SMBException, OSError, TypeError, AttributeError):
        try:
            conn.disconnect(close=False)
        except (SMBException, OSError, TypeError, AttributeError):
            pass
