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
import logging
import os
import re
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any, TypedDict, cast
from urllib.parse import unquote, urlsplit

from ..codes import Status
from ..details import Detail, say
from ..errors import ReadError, SourceError, UsageError
from ..models import FileStat, Hop, Link, Location, Skipped
from .base import Item, NameBatch, unbatched
from .image_sniff import HEAD, SEGMENT_HEAD, segment_head
from .memo_beside import MEMO_HEADER, lone_memos, memo_for, memos_in
from .series_join import Part, edges, entry_for, no_image, parts_in
from .split_series import TAIL_TEXT, text_or_container

if TYPE_CHECKING:  # smb_client imports smbprotocol: only when a share is opened
    from .smb_client import DirEntry, Identity, Snapshot, Target

PASSWORD_ENV = "LEAKSCAN_SMB_PASSWORD"
METHOD = "read-only SMB (smbprotocol), no mount"
BUFFER = 1 << 20  # the pipeline reads 1 MiB at a time; SmbFile fetches larger READs ahead
MAX_DEPTH_WITHOUT_IDS = 256  # only when the server gives no file IDs (all zero)
PREFETCH_FILES = 32  # files of a folder whose starts are fetched together
PREFETCH_WHOLE = 1 << 20  # a file up to this size is fetched whole (else its first 64 KiB)
HEADS_AT_ONCE = 256  # files whose first bytes the content check fetches together
# reparse tags of links a Windows server shows without following them (junction, symbolic link)
log = logging.getLogger("leakscan")
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


def read_password(target: Target) -> str:
    """LEAKSCAN_SMB_PASSWORD, else a getpass prompt on a terminal; otherwise a clear error."""
    value = os.environ.get(PASSWORD_ENV)
    if value is not None:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return getpass.getpass(f"SMB password for {target.account}@{target.host}: ")
        except (EOFError, KeyboardInterrupt) as e:
            raise SourceError(say(Detail.SMB_NO_PASSWORD_GIVEN)) from e
    raise SourceError(say(Detail.SMB_NO_PASSWORD, env=PASSWORD_ENV))


class _Folder:
    """One directory being walked: its path inside the share, shared by every entry listed in it."""

    __slots__ = ("path", "depth", "parts", "infos", "memos", "lone")

    def __init__(self, path: str, depth: int) -> None:
        self.path = path  # "" for the share's root, else "/PC01/Documents"
        self.depth = depth
        self.parts: dict[str, Part] = {}  # split series among its files (series_join, split12)
        self.infos: dict[str, Any] = {}  # the listing of those files' series (and memo files), by name
        self.memos: dict[str, str | None] = {}  # dBase tables among its files -> their memo files (memo_beside)
        self.lone: list[str] = []  # memo files no table among its files reads (memo_beside.lone_memos)

    def child(self, name: str) -> str:
        return f"{self.path}/{name}"


class _FileOnShare:
    """What an SMB file entry does, wherever it was made (the walk, or a worker from an SmbRef).

    ``open()`` returns a stream that asks the server nothing until it is read (see smb_file). A file read
    completely in one compound is kept (only until the next open of the same entry), so the cheap
    checks' look at its first bytes and the hashing read that follows cost one round trip together."""

    __slots__ = ()
    deleted = False
    kind = "file"

    # provided by the concrete classes
    name: str
    _info: Any
    _snapshot: Any
    _opened: Any
    _window: Any  # a Snapshot of the file's end, fetched ahead with its folder (read_range)

    def _path(self) -> str:
        raise NotImplementedError

    def _client(self) -> Any:
        raise NotImplementedError

    def stat(self) -> FileStat:
        from .smb_client import filetime_iso as iso

        i, now = self._info, self._opened
        if now is not None and (now.size, now.write, now.change) != (i.size, i.write, i.change):
            # opened since the listing and found changed: the file as it was when read
            return FileStat(now.size, iso(now.write), iso(i.access), iso(now.change), iso(i.creation))
        return FileStat(i.size, iso(i.write), iso(i.access), iso(i.change), iso(i.creation))

    def open(self) -> IO[bytes]:
        from .smb_file import SmbStream

        path = self._path()
        try:
            path.encode("utf-16-le")
        except UnicodeEncodeError as e:
            raise ReadError(Status.UNREADABLE, say(Detail.NAME_NOT_UTF16)) from e
        client = self._client()
        if client.dead:
            raise ReadError(Status.CONNECTION, client.dead)
        listed_id = self._opened.file_id if self._opened is not None else self._info.file_id
        size = self._opened.size if self._opened is not None else self._info.size
        return cast(IO[bytes], SmbStream(client, path, size, listed_id, self))  # a RawIOBase: reads, seeks

    def read_range(self, offset: int, length: int) -> bytes:
        """Bytes ``offset`` to ``offset + length`` (fewer at the end of the file): a part of a file that the
        cheap checks need (a zip's directory at its end), without reading the rest. Served from what was
        fetched ahead with the folder when it covers them, else one round trip (CREATE + READ + CLOSE).
        A failure is a ReadError (``connection`` when the share is gone); a file that changed between
        the open and the close raises too (the caller then lets a worker read it whole)."""
        from smbprotocol.exceptions import SMBException

        from .smb_client import Dropped, read_error

        for snap in (self._window, self._snapshot):
            if snap is not None and snap.handle is None and snap.offset <= offset and (
                    offset + length <= snap.offset + len(snap.data) or snap.complete):
                at = offset - snap.offset
                return bytes(snap.data[at:at + length])
        client = self._client()
        if client.dead:
            raise ReadError(Status.CONNECTION, client.dead)
        listed_id = self._opened.file_id if self._opened is not None else self._info.file_id
        parts: list[bytes] = []
        while length > 0:  # a READ may bring less than asked (the credits the server granted)
            try:
                (got,) = client.retrying(lambda o=offset, n=length: client.snapshots([(self._path(), n, listed_id, o)]))
            except Dropped as e:
                raise ReadError(Status.CONNECTION, e.detail) from e
            except (SMBException, OSError) as e:
                raise read_error(e) from e
            if isinstance(got, BaseException):
                raise read_error(got)
            moved = got.after is not None and got.before.differs(got.after)
            if moved:
                raise ReadError(Status.CHANGED_DURING_READ, say(Detail.CHANGED_OVER_SMB, what=str(moved)))
            if not got.data:
                break  # the end of the file
            parts.append(bytes(got.data))
            offset += len(got.data)
            length -= len(got.data)
        return b"".join(parts)

    # -- smb_file.Owner -------------------------------------------------------------------------------
    def snapshot(self) -> Any:
        return self._snapshot

    def keep_snapshot(self, snapshot: Snapshot | None) -> None:
        self._snapshot = snapshot

    def opened(self, identity: Identity) -> None:
        self._opened = identity


class SmbEntry(_FileOnShare):
    """A regular file on the share. Stat comes from the listing; open() reads it read-only."""

    __slots__ = ("_source", "_folder", "name", "_info", "_location", "_snapshot", "_opened", "_window")

    def __init__(self, source: SmbSource, folder: _Folder, info: DirEntry) -> None:
        self._source = source
        self._folder = folder
        self.name = info.name
        self._info = info
        self._location: Location | None = None
        self._snapshot = None
        self._opened = None
        self._window = None

    @property
    def location(self) -> Location:
        if self._location is None:
            self._location = self._source.location(self._folder.child(self.name))
        return self._location

    def _path(self) -> str:
        return self._folder.child(self.name)

    def _client(self) -> Any:
        return self._source.client

    def ref(self) -> SmbRef | None:
        """What a worker process needs to read this file over its own connection (a plain value), or
        None when the password was typed at the prompt: it is not handed to other processes, so the
        scan process reads the bytes itself."""
        if os.environ.get(PASSWORD_ENV) is None:
            return None
        snap = self._snapshot
        if snap is not None and snap.complete:
            return None  # fetched whole already (with its folder): its bytes travel, no second read
        self._snapshot = None  # a start only: the worker reads the file itself
        i = self._info
        return SmbRef(self._source.text, self._path(), (i.size, i.file_id, i.creation, i.access, i.write, i.change),
                      tuple(sorted(self._source.options.items())))


class SmbRef:
    """A file on a share as a picklable value: URL, path in the share, what the listing said, options.

    A worker process re-creates the entry with ``entry()`` and reads it over its own connection to the
    share (one per share and process, kept for the next files: scanner.sources.smb_pool); the password
    comes from LEAKSCAN_SMB_PASSWORD there too. No password is in this value."""

    __slots__ = ("url", "path", "listed", "options")

    def __init__(self, url: str, path: str, listed: tuple[int, ...], options: tuple[tuple[str, Any], ...]) -> None:
        self.url, self.path, self.listed, self.options = url, path, listed, options

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return (SmbRef, (self.url, self.path, self.listed, self.options))

    def entry(self, location: Location, name: str, deleted: bool, st: FileStat) -> SmbRefEntry:
        return SmbRefEntry(self, location, name)


class SmbRefEntry(_FileOnShare):
    """A task's file, re-created in a worker process from its SmbRef."""

    __slots__ = ("_ref", "location", "name", "_info", "_snapshot", "_opened", "_window")

    def __init__(self, ref: SmbRef, location: Location, name: str) -> None:
        from .smb_client import DirEntry

        self._ref, self.location, self.name = ref, location, name
        size, file_id, creation, access, write, change = ref.listed
        self._info = DirEntry(name, 0, size, file_id, 0, creation, access, write, change)
        self._snapshot = None
        self._opened = None
        self._window = None

    def _path(self) -> str:
        return self._ref.path

    def _client(self) -> Any:
        from .smb_pool import client_for

        return client_for(parse_url(self._ref.url), os.environ.get(PASSWORD_ENV) or "", dict(self._ref.options))


class _ClientOptions(TypedDict):
    """The connection settings handed to ``smb_client.Client`` (imported only when a share is opened)."""

    timeout: float
    retry_window: float
    encrypt: bool | None


class SmbSource:
    """An SMB share (or a folder in it) given as ``smb://`` on the command line."""

    def __init__(self, text: str, *, timeout: float | None = None, retry_window: float | None = None,
                 encrypt: bool | None = None, **_ignored: Any) -> None:
        from .smb_client import DEFAULT_RETRY_WINDOW, DEFAULT_TIMEOUT

        self.text = text
        self.target = parse_url(text)  # a wrong URL fails before anything is written or connected
        self.options = _ClientOptions(
            timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
            retry_window=DEFAULT_RETRY_WINDOW if retry_window is None else retry_window,
            encrypt=encrypt,
        )
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

        client = Client(self.target, read_password(self.target), **self.options)
        client.connect()
        self.client = client
        try:
            self.volume = client.volume_serial()
        except Exception:  # noqa: BLE001 - the serial is only a refinement of the file-ID key
            self.volume = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close(graceful=True)

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
            "retry_window_seconds": self.options["retry_window"],
        }
        # The pipeline stores this dict before the walk; the walk adds its outcome to the same dict.
        self._description = out
        return out

    def _record_outcome(self) -> None:
        if self._description is not None and self.client is not None:
            self._description["reconnects"] = self.client.reconnects
            self._description["outages"] = list(self.client.outages)
            self._description["connection_lost"] = self.client.dead

    def location(self, path: str) -> Location:
        return Location(self.text, path or "/", (self._hop,))

    # -- the walk ---------------------------------------------------------------------------------------

    def entries(self) -> Iterator[Item]:
        """Depth-first, names sorted (as the local walk). A directory's ID is claimed when it is listed,
        so every real directory is walked once, under the first path that reached it."""
        return unbatched(self.batches())

    def batches(self) -> Iterator[Item | NameBatch]:
        """The walk of ``entries()``, each folder's runs of plain files as NameBatch (the pipeline checks
        their names in one pass and builds an entry only for the files it examines)."""
        try:
            yield from self._walk()
        finally:
            self._record_outcome()

    def _walk(self) -> Iterator[Item | NameBatch]:
        from .smb_client import Dropped

        client = self.client
        seen_dirs: dict[tuple[int | None, int], str] = {}
        seen_files: dict[tuple[int | None, int], tuple[_Folder, str]] = {}
        stack = [_Folder(self.target.path, 0)]
        root = True
        while stack:
            folder = stack.pop()
            if client.dead:
                yield Skipped(self.location(folder.path), Status.CONNECTION, say(Detail.DIRECTORY_NOT_LISTED, why=client.dead))
                continue
            try:
                listing = client.retrying(lambda f=folder: client.list_dir(f.path))
            except Dropped as e:
                yield Skipped(self.location(folder.path), Status.CONNECTION, say(Detail.DIRECTORY_NOT_LISTED, why=e.detail))
                continue
            except Exception as e:  # noqa: BLE001 - one directory's error is data, the walk goes on
                from .smb_client import read_error

                err = read_error(e)
                said = (say(Detail.DIRECTORY_NT_STATUS, nt=str(err.detail)) if str(err.detail).startswith("STATUS_")
                        else say(Detail.DIRECTORY, library=str(err.detail)))  # an NT status said in words
                if root:
                    what = say(Detail.SMB_NO_SUCH_FOLDER) if err.reason == Status.VANISHED else said
                    raise SourceError(say(Detail.SMB_ROOT_UNLISTED, path=self.target.path or "/", host=self.target.host,
                                          share=self.target.share, why=what)) from e
                yield Skipped(self.location(folder.path), err.reason, said)
                continue
            self.dirs_walked += 1
            listing.sort(key=lambda e: e.name)
            if root:
                dot = next((e for e in listing if e.name == "."), None)
                if dot is not None and dot.file_id:
                    seen_dirs[(self.volume, dot.file_id)] = folder.path or "/"
                root = False
            self._find_parts(folder, listing)
            for name in folder.lone:  # a dBase memo file holding values that no table reads (review20d)
                yield Skipped(self.location(folder.child(name)), Status.UNSUPPORTED, say(Detail.DBF_MEMO_ALONE))
            bundle = self._sparse_bundle(folder, listing)
            if bundle is not None:  # its bands are slices of a disk, not files: listed once (sparse_bundle)
                yield Skipped(self.location(folder.path), *bundle[:2])
                listing = [info for info in listing if info.name != "bands" or bundle[2]]
            subdirs: list[_Folder] = []
            run: list[Any] = []
            for info in listing:
                if info.name == ".":
                    continue
                # listed before the connection was given up: still an entry, so the name rules see it; a read
                # (of a name hit, or a file an inspector wants) fails as ``connection`` and is listed
                item = self._classify(folder, info, seen_dirs, seen_files)
                if item is info:
                    run.append(info)
                elif isinstance(item, _Folder):
                    subdirs.append(item)
                else:
                    if run:
                        yield self._batch(folder, run)
                        run = []
                    yield item
            if run:
                yield self._batch(folder, run)
            stack.extend(reversed(subdirs))

    def _sparse_bundle(self, folder: _Folder, listing: list[Any]) -> tuple[Status, str, bool] | None:
        """(status, detail, whether its bands/ holds more than bands) when the folder is a macOS sparse bundle
        (Time Machine on a NAS): only folders that hold a ``bands`` folder and an Info.plist pay the reads."""
        named = {info.name: info for info in listing}
        bands = named.get("bands")
        if bands is None or not bands.is_dir or "Info.plist" not in named:
            return None
        from .sparse_bundle import bands_in, bundle_verdict

        client = self.client

        def read(name: bytes, limit: int) -> bytes | None:
            info = named.get(name.decode())
            if info is None or info.is_dir:
                return None
            try:
                return client.retrying(lambda: client.read_start(folder.child(info.name), limit, True,
                                                                 info.file_id)).data[:limit]
            except Exception:  # noqa: BLE001 - unreadable: then it is not taken for a bundle
                return None

        try:
            count, other = bands_in(e.name for e in client.retrying(lambda: client.list_dir(folder.child("bands"))))
        except Exception:  # noqa: BLE001 - bands/ not listed: walked as a folder, where its error is recorded
            return None
        verdict = bundle_verdict(read, count)
        return None if verdict is None else (*verdict, other)

    def _find_parts(self, folder: _Folder, listing: list[Any]) -> None:
        """The split series among a folder's plain files (series_join: joined as in a local folder, split12). Only
        a folder with a ``.NNN``/``.zNN`` name pays a read: the first bytes of each series' first part."""
        files = {i.name: i for i in listing if i.name != "." and not i.is_dir
                 and not (i.is_reparse and i.ea_size in _LINK_TAGS)}

        def size_of(name: str) -> int | None:
            info = files.get(name)
            return None if info is None else int(info.size)

        def head_of(name: str) -> bytes | None:
            try:
                return SmbEntry(self, folder, files[name]).read_range(0, HEAD)  # a 7z start header, a disk's
                # boot sector or superblock (a raw image's segments joined: series_in(images=True), review24i)
            except (ReadError, KeyError):
                return None

        def plain_of(name: str) -> bool:
            info = files.get(name)
            if info is None:
                return False
            try:
                return no_image(*edges(SmbEntry(self, folder, info).read_range, int(info.size)))
            except ReadError:
                return False

        def text_of(name: str) -> bool:
            try:
                return text_or_container(SmbEntry(self, folder, files[name]).read_range(0, 512))
            except (ReadError, KeyError):
                return False

        def tail_of(name: str) -> bytes | None:
            try:
                size = int(files[name].size)
                return SmbEntry(self, folder, files[name]).read_range(max(0, size - TAIL_TEXT), min(size, TAIL_TEXT))
            except (ReadError, KeyError):
                return None

        def segment_of(name: str) -> bool:
            try:
                info = files[name]
                return segment_head(SmbEntry(self, folder, info).read_range(0, SEGMENT_HEAD), int(info.size),
                                    name)
            except (ReadError, KeyError):
                return False

        try:
            folder.parts = parts_in(list(files), size_of, head_of, plain_of, text_of, tail_of, segment_of,
                                    images=True)
        except Exception:  # noqa: BLE001 - a failure path: the parts are then examined one by one, as before
            log.debug("split series not found in a folder", exc_info=True)
            folder.parts = {}
        folder.memos = memos_in(files)  # a dBase table's memo file beside it (damage19)
        folder.lone = [n for n in lone_memos(files) if files[n].size > MEMO_HEADER]  # memo files no table reads
        folder.infos = {n: files[n] for n in (*folder.parts, *(m for m in folder.memos.values() if m)) if n in files}

    def _batch(self, folder: _Folder, infos: list[Any]) -> NameBatch:
        return _Prefetching(self, folder, infos)

    def prefetch(self, entries: list[SmbEntry]) -> None:
        """Read the start of several files in one go (their compounds in flight together): whole when
        small (up to PREFETCH_WHOLE), else the first 64 KiB. Each entry keeps its snapshot for the reads
        that follow; a file that fails here is simply read (and fails) again when it is opened."""
        from smbprotocol.exceptions import SMBException

        from ..doctail import SMALLEST_WITH_EMBEDDING, is_document, tail_window
        from .smb_client import Dropped
        from .smb_file import START, _round_up

        client = self.client
        if client is None or client.dead or not entries:
            return
        wanted: list[tuple[str, int, int, int]] = []
        fetched: list[tuple[SmbEntry, bool]] = []
        for e in entries:
            size = e._info.size
            if is_document(e.name):
                # an Office document is looked at only for embedded objects, in its zip directory at its end:
                # that end is fetched (at most 64 KiB), not its start nor the whole file; a worker reads the
                # documents that embed something
                if size < SMALLEST_WITH_EMBEDDING:
                    continue  # too small to embed anything: the check reads nothing
                offset, length = tail_window(size)
                wanted.append((e._path(), length, e._info.file_id, offset))
                fetched.append((e, True))
            else:
                length = _round_up(size + 1) if size < PREFETCH_WHOLE else START
                wanted.append((e._path(), length, e._info.file_id, 0))
                fetched.append((e, False))
        if not wanted:
            return
        try:
            snaps = client.retrying(lambda: client.snapshots(wanted))
        except (Dropped, OSError, SMBException):
            return
        for (e, window), snap in zip(fetched, snaps, strict=True):
            if isinstance(snap, BaseException):
                continue
            if window:
                if snap.after is not None and not snap.before.differs(snap.after):
                    e._window = snap
                continue
            e.opened(snap.opened)
            if not snap.complete or not snap.before.differs(snap.after):
                e.keep_snapshot(snap)

    def heads(self, folder: _Folder, infos: list[Any], size: int) -> list[bytes | None]:
        """The first ``size`` bytes of several files of a folder (the content check, scanner.inspectors.disguise),
        each CREATE + READ + CLOSE compound sent back to back as ``prefetch`` does: the round trips overlap
        instead of adding up. None for a file that could not be read (the check leaves it as it was)."""
        from smbprotocol.exceptions import SMBException

        from .smb_client import Dropped

        out: list[bytes | None] = [b"" if not info.size else None for info in infos]
        client = self.client
        if client is None or client.dead:
            return out
        todo = [k for k, info in enumerate(infos) if info.size]
        for at in range(0, len(todo), HEADS_AT_ONCE):
            part = todo[at:at + HEADS_AT_ONCE]
            wanted = [(folder.child(infos[k].name), size, infos[k].file_id, 0) for k in part]
            try:
                snaps = client.retrying(lambda wanted=wanted: client.snapshots(wanted))
            except (Dropped, OSError, SMBException):
                continue
            for k, snap in zip(part, snaps, strict=True):
                if not isinstance(snap, BaseException):
                    out[k] = snap.data[:size]
        return out

    def _classify(self, folder: _Folder, info: DirEntry, seen_dirs: dict, seen_files: dict) -> Any:
        """One listed name -> ``info`` itself for a plain file (an entry), a link, a loop, or a directory to walk."""
        path = folder.child(info.name)
        if info.is_reparse and info.ea_size in _LINK_TAGS:
            return Link(self.location(path), f"({_LINK_TAGS[info.ea_size]} on the server, not followed)")
        key = (self.volume, info.file_id)
        if info.is_dir:
            if info.file_id:
                first = seen_dirs.get(key)
                if first is not None:
                    return Skipped(self.location(path), Status.LOOP,
                                   say(Detail.SMB_SAME_DIRECTORY, first=str(first), file_id=f"0x{info.file_id:x}"))
                seen_dirs[key] = path
            elif folder.depth + 1 > MAX_DEPTH_WITHOUT_IDS:
                return Skipped(self.location(path), Status.LOOP,
                               say(Detail.SMB_NO_FILE_IDS, n=MAX_DEPTH_WITHOUT_IDS))
            return _Folder(path, folder.depth + 1)
        if info.file_id:
            first_file = seen_files.get(key)
            if first_file is not None:
                return Link(self.location(path), f"same file as {first_file[0].child(first_file[1])} "
                            f"(SMB file ID 0x{info.file_id:x}): read once")
            seen_files[key] = (folder, info.name)
        return info


class _Prefetching(NameBatch):
    """A folder's run of plain files. When the pipeline says which of them it will examine (``prefetch``),
    their starts are fetched PREFETCH_FILES at a time as it reaches them, so the round trips of a folder
    overlap instead of adding up; at most that many snapshots are held at once."""

    __slots__ = ("_source", "_folder", "_infos", "_plan", "_made")

    def __init__(self, source: SmbSource, folder: _Folder, infos: list[Any]) -> None:
        super().__init__([i.name for i in infos], self._entry)
        self._source, self._folder, self._infos = source, folder, infos
        self._plan: dict[int, list[int]] = {}  # first index of a window -> the window
        self._made: dict[int, SmbEntry] = {}

    def heads(self, indices: list[int], size: int) -> list[bytes | None]:
        return self._source.heads(self._folder, [self._infos[i] for i in indices], size)

    def prefetch(self, picked: list[int]) -> None:
        self._plan = {picked[k]: picked[k:k + PREFETCH_FILES] for k in range(0, len(picked), PREFETCH_FILES)}

    def _entry(self, i: int) -> Any:
        """The file's entry; a part of a split series is joined or knows its series (series_join.entry_for); a dBase
        table its memo file (memo_beside.memo_for)."""
        entry = self._made_entry(i)
        folder = self._folder
        if not folder.parts and not folder.memos:
            return entry

        def make(name: str) -> SmbEntry:
            return SmbEntry(self._source, folder, folder.infos[name])

        if folder.memos and entry.name in folder.memos:
            return memo_for(entry, folder.memos, make)
        return entry_for(entry, folder.parts.get(entry.name), make)

    def _made_entry(self, i: int) -> SmbEntry:
        made = self._made.pop(i, None)
        if made is not None:
            return made
        window = self._plan.pop(i, None)
        if not window:
            return SmbEntry(self._source, self._folder, self._infos[i])
        entries = [SmbEntry(self._source, self._folder, self._infos[j]) for j in window]
        self._source.prefetch(entries)
        self._made.update(zip(window[1:], entries[1:], strict=True))
        return entries[0]
