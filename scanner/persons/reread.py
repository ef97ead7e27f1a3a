"""Read person records again from files whose location a scan recorded.

findings.json holds no personal value in clear, so the notification list (``leakscan persons
--export``) and ``--reference`` read the files themselves: a local path directly (read-only, no
atime change), anything inside an image, an SMB share or an archive by walking its recorded source
again until the same location turns up. The bytes must still have the SHA-256 the scan recorded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from ..codes import Status, VerifyStatus
from ..config import ScanConfig
from ..contenttype import PE_EXTS, PE_HEAD, content_type
from ..contracts import Inspector, NoProgress, ScanContext, ScanResult, run_inspector
from ..details import Detail, os_error, say
from ..errors import LeakscanError, ReadError
from ..evidence import Finding
from ..fingerprint import hash_stream
from ..models import CHAIN_SEPARATOR, Entry, FileStat, Link, Location, PersonRecord, Skipped
from ..names import NameRules
from ..scope import NOT_NAMED_DETAIL, NamedSources, local_file_inside
from ..sources import open_source
from ..sources.base import Item, NameBatch, Source
from ..sources.local import open_file, stat_file

Outcome = tuple[list[PersonRecord] | None, Status | VerifyStatus, str]  # records, status, sha256 (ok) or detail


def _head_size(entry: Entry) -> int:
    """The head the walk gave ``wants`` (scanner.examine.pick): a program's is larger (its PE headers)."""
    return PE_HEAD if entry.name[-4:].casefold() in PE_EXTS else 512


class PathEntry:
    """One local file named by its path (a --reference, or a recorded hit outside any container)."""

    deleted = False
    kind = "file"

    def __init__(self, location: Location, raw_path: bytes) -> None:
        self.location = location
        self.name = os.path.basename(location.path)
        self._raw = raw_path

    def stat(self) -> FileStat:
        return stat_file(self._raw)

    def open(self) -> IO[bytes]:
        """Read-only, O_NOATIME, never blocking on a FIFO put where the file was (local.open_file)."""
        return open_file(self._raw)


def path_entry(path: str) -> PathEntry:
    absolute = os.path.abspath(path)
    return PathEntry(Location(path, absolute), os.fsencode(absolute))


class Rereader:
    """Reads person records again with a scan's content inspectors (the spreadsheet reader, the archive
    opener ...). No name rules apply: only content matters here."""

    def __init__(self, config: ScanConfig, inspectors: list[Inspector], result: ScanResult | None = None,
                 isolate: Callable[[Source, Location], Source] | None = None) -> None:
        self.config = config
        self.inspectors = inspectors
        # how a SOURCE disk image is walked to find a file (the command's: image_walker.finder, a killable
        # walker process that reads only that file); None: in this process
        self.isolate = isolate
        self._stopped = ""  # why the walk of the source looked in stopped part-way (image_walker), if it did
        self.ctx = ScanContext(config=config, rules=NameRules([], False), inspectors=inspectors,
                               result=result or ScanResult(config=config, started=""), progress=NoProgress())

    def read(self, entry: Entry) -> Outcome:
        """Read one entry: (records or None, status, sha256 or detail)."""
        config = self.config
        if not self.inspectors:
            return None, Status.UNSUPPORTED, say(Detail.REREAD_NO_READER)
        try:
            size = entry.stat().size
            with entry.open() as stream:
                read = hash_stream(stream, keep_limit=config.max_inspect_bytes)
        except ReadError as e:
            return None, e.reason, e.detail
        except OSError as e:
            return None, Status.UNREADABLE, os_error(e)
        if read.data is None:
            return None, Status.TOO_LARGE, say(Detail.BYTES_OVER_CAP, size=size, cap=config.max_inspect_bytes)
        data, ctype = read.data, content_type(read.head)
        status, detail = Status.NO_RECORDS, say(Detail.NO_RECORDS_SHEET)
        for ins in self.inspectors:
            if not (ins.wants(entry, size, lambda: data[:_head_size(entry)]) or _disguised(ins, entry, data)):
                continue
            found = run_inspector(ins, entry, data, ctype, self.ctx)
            if found.records:
                return list(found.records), Status.OK, read.digests.sha256
            if found.status != Status.OK:
                status, detail = found.status, found.detail
        return None, status, detail

    def recorded(self, f: Finding, named: NamedSources) -> Outcome:
        """Records of a file recorded in findings.json, checked against its recorded SHA-256. Only a source
        the examiner named (or confirmed) is read, and a local file only inside it."""
        loc = f.location
        if not named.allows(loc.source):
            return None, VerifyStatus.NOT_NAMED, NOT_NAMED_DETAIL
        joined = bool(f.annotations and "part_digests" in f.annotations)  # a split series' first part read joined:
        if not loc.containers and os.path.isdir(loc.source) and not joined:  # found by walking (its parts joined)
            raw = bytes.fromhex(loc.raw_path_hex) if loc.raw_path_hex else os.fsencode(loc.path)
            if not local_file_inside(raw, named.root_of(loc.source)):
                return None, VerifyStatus.NOT_NAMED, say(Detail.REREAD_OUTSIDE_SOURCE)
            outcome = self.read(PathEntry(loc, raw))
        else:
            outcome = self._by_walking(loc)
        records, status, detail = outcome
        if status == Status.OK and f.sha256 and detail != f.sha256:
            return None, VerifyStatus.CHANGED, say(Detail.REREAD_CHANGED, now=detail, then=f.sha256)
        return outcome

    def _by_walking(self, target: Location) -> Outcome:
        """Walk the recorded source again (image, SMB, archive members) until ``target`` turns up."""
        self._stopped = ""
        try:
            source = open_source(target.source)
            if self.isolate is not None and getattr(source, "kind", None) == "image":
                source = self.isolate(source, target)
            with source:
                found = self._find(source.entries(), target, depth=0)
        except LeakscanError as e:
            return None, Status.SOURCE_ERROR, str(e)
        if found is None and self._stopped:  # not looked for everywhere: not known to be gone
            return None, Status.WALK_STOPPED, say(Detail.REREAD_WALK_STOPPED, why=self._stopped)
        return found or (None, Status.VANISHED, say(Detail.REREAD_GONE))

    def _find(self, items: Iterable[Item], target: Location, depth: int) -> Outcome | None:
        key, shown = target.key(), target.display()
        for item in items:
            if isinstance(item, Skipped) and item.reason == Status.WALK_STOPPED:
                self._stopped = self._stopped or item.detail
            if isinstance(item, (Skipped, Link)):
                continue
            if item.location.key() == key:
                return self.read(item)
            if depth < 8 and shown.startswith(item.location.display() + CHAIN_SEPARATOR):
                found = self._find(self._children(item), target, depth + 1)
                if found:
                    return found
        return None

    def _children(self, entry: Entry) -> Iterator[Item]:
        """Members of an archive entry or files of a nested image, through the same inspectors the scan
        used. Yielded as found: a nested image is open only while its walk runs."""
        try:
            with entry.open() as stream:
                data = stream.read(self.config.max_inspect_bytes + 1)
            size = len(data)
        except (ReadError, OSError):
            return
        for ins in self.inspectors:
            if ins.wants(entry, size, lambda: data[:_head_size(entry)]) or _disguised(ins, entry, data):
                for child in run_inspector(ins, entry, data, content_type(data[:4096]), self.ctx).children:
                    if isinstance(child, NameBatch):  # a nested image's files come in batches
                        yield from child
                    else:
                        yield child


def _disguised(ins: Inspector, entry: Entry, data: bytes) -> bool:
    """The scan read this file by its content although its name ruled it out (photo.jpg that is an .xlsx)."""
    wants = getattr(ins, "wants_disguised", None)
    return bool(data) and wants is not None and bool(wants(entry, data))  # it looks at the first bytes it needs
