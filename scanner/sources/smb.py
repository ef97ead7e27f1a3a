"""An SMB share walked read-only without mounting: ``smb://[DOMAIN;]USER@HOST[:PORT]/SHARE[/PATH]``.

The password comes from LEAKSCAN_SMB_PASSWORD or an interactive prompt, never from the URL, and is
never written anywhere. A Samba server follows symbolic links itself, so a link loop looks like an
endless tree to a client: directories are recognised by their SMB file ID (plus the volume serial) and
entered once; a second way into the same directory is listed as ``loop``, a second name for the same
file as a link. A dropped connection is re-established (bounded); what still cannot be read is listed
as ``connection``.
"""

from __future__ import annotations

import getpass
import io
import os
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any, TypedDict
from urllib.parse import unquote, urlsplit

from ..codes import Status
from ..errors import ReadError, SourceError, UsageError
from ..models import FileStat, Hop, Link, Location, Skipped
from .base import Item

PASSWORD_ENV = "LEAKSCAN_SMB_PASSWORD"
METHOD = "read-only SMB (smbprotocol), no mount"
BUFFER = 1 << 20  # the pipeline reads 1 MiB at a time; SmbFile fetches larger READs ahead
MAX_DEPTH_WITHOUT_IDS = 256  # only when the server gives no file IDs (all zero)
# reparse tags of links a Windows server shows without following them (junction, symbolic link)
_LINK_TAGS = {0xA0000003: "junction", 0xA000000C: "symbolic link"}


# where a URL's user info may end: an '@' followed by HOST[:PORT] and then '/' or the end
_HOST_AFTER_AT = re.compile(r"@(?:\[[0-9A-Fa-f:.]*\]|[^/@:?#\s\[\]]+)(?::\d+)?(?=/|$)")
_SNAPSHOT = re.compile(r"^@GMT-")  # a previous-versions folder (@GMT-2024.01.01-00.00.00) may keep its '@'


def _password_given(rest: str) -> bool:
    """Whether the text after ``smb://`` holds ``USER:PASSWORD@`` in any reading of it.

    The user name may hold '@' (``OFFICE;chosa@example.lg.jp``) and a password may hold '@', '/', '#'
    or '?', so no single split is trusted: every '@' that is followed by a host is a possible end of the
    user info, and a ':' before it that is not a ``@HOST:PORT/`` port means a password.
    """
    for m in _HOST_AFTER_AT.finditer(rest):
        before = _HOST_AFTER_AT.sub("@", rest[:m.start()])  # ports of earlier '@HOST:PORT/' readings
        if ":" in before:
            return True
    return ":" in unquote(rest.partition("/")[0].rpartition("@")[0])  # USER%3APASSWORD is one too


def parse_url(text: str) -> Any:
    """``smb://[DOMAIN;]USER@HOST[:PORT]/SHARE[/PATH]`` -> Target. Mistakes are UsageErrors.

    Split by the URL rules (RFC 3986, as urllib does): the authority ends at the first '/', and the user
    info at the *last* '@' in it, so a user name may hold '@'. A password in the URL is refused in any
    form, and no message repeats any part of the URL, so a password typed into it is never echoed.
    """
    from .smb_client import Target

    form = "smb://[DOMAIN;]USER@HOST[:PORT]/SHARE[/PATH]"
    if not text.startswith("smb://"):
        raise UsageError(f"not an SMB URL (expected {form})")
    # Checked on the raw text, before any parser: a password may hold '#', '?', '/' or '@', which would
    # make a URL parser cut it into host, port or fragment and quote it back in an error message.
    if _password_given(text[len("smb://"):]):
        raise UsageError("SMB URL holds a password (USER:PASSWORD@): never put it in the URL (it would end up "
                         f"in shell history and reports); set {PASSWORD_ENV} or type it when asked")
    try:
        parts = urlsplit(text)
        port = parts.port or 445
    except ValueError as e:  # the parser's message quotes parts of the URL: not repeated
        raise UsageError(f"not a valid SMB URL (expected {form}; is the port a number?)") from e
    if parts.query or parts.fragment:
        raise UsageError(f"SMB URL must not have a query or fragment (expected {form})")
    user_info = unquote(parts.netloc.rpartition("@")[0])
    domain, _, user = user_info.rpartition(";")
    if not user:
        raise UsageError(f"SMB URL needs a user name (expected {form})")
    host = parts.hostname or ""
    if not host:
        raise UsageError(f"SMB URL needs a host (expected {form})")
    raw_segments = [s for s in parts.path.split("/") if s]
    if any("@" in s and not _SNAPSHOT.match(s) for s in raw_segments):  # ambiguous: part of the user info?
        raise UsageError("SMB URL has an '@' after the host: write '@' in folder names as %40 (and never put a "
                         f"password in the URL; set {PASSWORD_ENV})")
    segments = [unquote(s) for s in raw_segments]
    if not segments:
        raise UsageError(f"SMB URL needs a share name (expected {form})")
    if any(s in (".", "..") for s in segments):
        raise UsageError("SMB URL path must not contain '.' or '..'")
    share, inner = segments[0], segments[1:]
    return Target(user=user, host=host, port=port, share=share, path="".join("/" + s for s in inner),
                  domain=domain)


def read_password(target: Any) -> str:
    """LEAKSCAN_SMB_PASSWORD, else a getpass prompt on a terminal; otherwise a clear error."""
    value = os.environ.get(PASSWORD_ENV)
    if value is not None:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return getpass.getpass(f"SMB password for {target.account}@{target.host}: ")
        except (EOFError, KeyboardInterrupt) as e:
            raise SourceError("no SMB password given") from e
    raise SourceError(f"no SMB password: set {PASSWORD_ENV} (standard input is not a terminal, so leakscan "
                      "cannot ask for it)")


def _iso(dt: Any) -> str | None:
    """A FILETIME from the listing as ISO UTC; 0 (1601) and overflowed values mean "not set"."""
    if not isinstance(dt, datetime) or dt.year <= 1601 or dt.year >= 9999:
        return None
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


class _Folder:
    """One directory being walked: its path inside the share, shared by every entry listed in it."""

    __slots__ = ("path", "depth")

    def __init__(self, path: str, depth: int) -> None:
        self.path = path  # "" for the share's root, else "/PC01/Documents"
        self.depth = depth

    def child(self, name: str) -> str:
        return f"{self.path}/{name}"


class SmbEntry:
    """A regular file on the share. Stat comes from the listing; open() reads it read-only."""

    __slots__ = ("_source", "_folder", "name", "_info", "_location")
    deleted = False
    kind = "file"

    def __init__(self, source: SmbSource, folder: _Folder, info: Any) -> None:
        self._source = source
        self._folder = folder
        self.name = info.name
        self._info = info
        self._location: Location | None = None

    @property
    def location(self) -> Location:
        if self._location is None:
            self._location = self._source.location(self._folder.child(self.name))
        return self._location

    def stat(self) -> FileStat:
        i = self._info
        return FileStat(i.size, _iso(i.write), _iso(i.access), _iso(i.change), _iso(i.creation))

    def open(self) -> IO[bytes]:
        from .smb_file import SmbFile

        path = self._folder.child(self.name)
        try:
            path.encode("utf-16-le")
        except UnicodeEncodeError as e:
            raise ReadError(Status.UNREADABLE, "name is not valid UTF-16; cannot be opened by name") from e
        client = self._source.client
        if client.dead:
            raise ReadError(Status.CONNECTION, client.dead)
        raw = SmbFile(client, path, self._info.size, self._info.write)
        raw.open_now()
        return io.BufferedReader(raw, buffer_size=BUFFER)


class _ClientOptions(TypedDict):
    """The connection settings handed to ``smb_client.Client`` (imported only when a share is opened)."""

    retries: int
    retry_delay: float
    timeout: float
    encrypt: bool | None


class SmbSource:
    """An SMB share (or a folder in it) given as ``smb://`` on the command line."""

    def __init__(self, text: str, *, retries: int = 3, retry_delay: float = 1.0, timeout: float = 60.0,
                 encrypt: bool | None = None, **_ignored: Any) -> None:
        self.text = text
        self.target = parse_url(text)  # a wrong URL fails before anything is written or connected
        self._options = _ClientOptions(retries=retries, retry_delay=retry_delay, timeout=timeout, encrypt=encrypt)
        self.client: Any = None
        self.volume: int | None = None
        self._hop = Hop("smb", f"//{self.target.host}/{self.target.share}", {
            "host": self.target.host, "port": self.target.port, "share": self.target.share,
            "user": self.target.account,
        })
        self.dirs_walked = 0
        self._description: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"SmbSource({self.text!r})"

    def __enter__(self) -> SmbSource:
        from .smb_client import Client

        client = Client(self.target, read_password(self.target), **self._options)
        client.connect()
        self.client = client
        try:
            self.volume = client.volume_serial()
        except Exception:  # noqa: BLE001 - the serial is only a refinement of the file-ID key
            self.volume = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()

    def describe(self) -> dict[str, Any]:
        t = self.target
        out: dict[str, Any] = {
            "source": self.text,
            "kind": "smb",
            "method": METHOD,
            "host": t.host,
            "port": t.port,
            "share": t.share,
            "path": t.path or "/",
            "user": t.account,
            "dialect": self.client.dialect if self.client is not None else "",
            "volume_serial": f"{self.volume:08x}" if self.volume is not None else None,
        }
        # The pipeline stores this dict before the walk; the walk adds its outcome to the same dict.
        self._description = out
        return out

    def _record_outcome(self) -> None:
        if self._description is not None and self.client is not None:
            self._description["reconnects"] = self.client.reconnects
            self._description["connection_lost"] = self.client.dead

    def location(self, path: str) -> Location:
        return Location(self.text, path or "/", (self._hop,))

    # -- the walk ---------------------------------------------------------------------------------------

    def entries(self) -> Iterator[Item]:
        """Depth-first, names sorted (as the local walk). A directory's ID is claimed when it is listed,
        so every real directory is walked once, under the first path that reached it."""
        try:
            yield from self._walk()
        finally:
            self._record_outcome()

    def _walk(self) -> Iterator[Item]:
        from .smb_client import Dropped

        client = self.client
        seen_dirs: dict[tuple[int | None, int], str] = {}
        seen_files: dict[tuple[int | None, int], tuple[_Folder, str]] = {}
        stack = [_Folder(self.target.path, 0)]
        root = True
        while stack:
            folder = stack.pop()
            if client.dead:
                yield Skipped(self.location(folder.path), Status.CONNECTION, f"directory not listed: {client.dead}")
                continue
            try:
                listing = client.retrying(lambda f=folder: client.list_dir(f.path))
            except Dropped as e:
                yield Skipped(self.location(folder.path), Status.CONNECTION, f"directory not listed: {e}")
                continue
            except Exception as e:  # noqa: BLE001 - one directory's error is data, the walk goes on
                from .smb_client import read_error

                err = read_error(e)
                if root:
                    what = "no such folder on the share" if err.reason == Status.VANISHED else err.detail
                    raise SourceError(f"cannot list {self.target.path or '/'} on //{self.target.host}/"
                                      f"{self.target.share}: {what}") from e
                yield Skipped(self.location(folder.path), err.reason, f"directory: {err.detail}")
                continue
            self.dirs_walked += 1
            listing.sort(key=lambda e: e.name)
            if root:
                dot = next((e for e in listing if e.name == "."), None)
                if dot is not None and dot.file_id:
                    seen_dirs[(self.volume, dot.file_id)] = folder.path or "/"
                root = False
            subdirs: list[_Folder] = []
            for info in listing:
                if info.name == ".":
                    continue
                if client.dead:
                    yield Skipped(self.location(folder.child(info.name)), Status.CONNECTION, f"not read: {client.dead}")
                    continue
                item = self._classify(folder, info, seen_dirs, seen_files)
                if isinstance(item, _Folder):
                    subdirs.append(item)
                else:
                    yield item
            stack.extend(reversed(subdirs))

    def _classify(self, folder: _Folder, info: Any, seen_dirs: dict, seen_files: dict) -> Item | _Folder:
        """One listed name -> a file entry, a link, a loop, or a directory to walk."""
        path = folder.child(info.name)
        if info.is_reparse and info.ea_size in _LINK_TAGS:
            return Link(self.location(path), f"({_LINK_TAGS[info.ea_size]} on the server, not followed)")
        key = (self.volume, info.file_id)
        if info.is_dir:
            if info.file_id:
                first = seen_dirs.get(key)
                if first is not None:
                    return Skipped(self.location(path), Status.LOOP,
                                   f"same directory as {first} (SMB file ID 0x{info.file_id:x}): a symbolic link "
                                   "followed by the server or a loop; walked once")
                seen_dirs[key] = path
            elif folder.depth + 1 > MAX_DEPTH_WITHOUT_IDS:
                return Skipped(self.location(path), Status.LOOP,
                               f"server gives no file IDs; stopped at depth {MAX_DEPTH_WITHOUT_IDS}")
            return _Folder(path, folder.depth + 1)
        if info.file_id:
            first_file = seen_files.get(key)
            if first_file is not None:
                return Link(self.location(path), f"same file as {first_file[0].child(first_file[1])} "
                            f"(SMB file ID 0x{info.file_id:x}): read once")
            seen_files[key] = (folder, info.name)
        return SmbEntry(self, folder, info)
