"""Read person records again from files whose location a scan recorded.

findings.json holds no personal value in clear, so the notification list (``leakscan persons
--export``) and ``--reference`` read the files themselves: a local path directly (read-only, no
atime change), anything inside an image, an SMB share or an archive by walking its recorded source
again until the same location turns up. The bytes must still have the SHA-256 the scan recorded.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import IO, Any

from ..errors import ReadError
from ..models import CHAIN_SEPARATOR, Entry, FileStat, Hop, Location, PersonRecord
from ..sources.local import open_file, stat_file

Outcome = tuple[list[PersonRecord] | None, str, str]  # records, status, sha256 (ok) or detail


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


def read_records(entry: Entry, config: Any, result: Any) -> Outcome:
    """Read one entry with the scan's content inspectors: (records or None, status, sha256 or detail)."""
    from ..contenttype import content_type
    from ..fingerprint import hash_stream
    from ..names import NameRules
    from ..pipeline import ScanContext, _guarded, _NoProgress, default_inspectors

    inspectors = default_inspectors(config)
    if not inspectors:
        return None, "unsupported", "no spreadsheet reader available"
    ctx = ScanContext(config=config, rules=NameRules([], False), inspectors=inspectors, result=result,
                      progress=_NoProgress())
    try:
        size = entry.stat().size
        with entry.open() as stream:
            read = hash_stream(stream, keep_limit=config.max_inspect_bytes)
    except ReadError as e:
        return None, e.reason, e.detail
    except OSError as e:
        return None, "unreadable", e.strerror or str(e)
    if read.data is None:
        return None, "too-large", f"{size} bytes > cap {config.max_inspect_bytes}"
    data, ctype = read.data, content_type(read.head)
    status, detail = "no-records", "no personal-records sheet found"
    for ins in inspectors:
        if not ins.wants(entry, size, lambda: data[:512]):
            continue
        found = _guarded(ins, entry, data, ctype, ctx)
        if found.records:
            return list(found.records), "ok", read.digests.sha256
        if found.status != "ok":
            status, detail = found.status, found.detail
    return None, status, detail


def location_of(f: dict[str, Any]) -> Location:
    """The Location a findings.json file entry describes (the inverse of FileHit.to_json)."""
    hops = tuple(Hop(h["kind"], h["name"], h.get("detail") or {}) for h in f.get("container") or [])
    return Location(f["source"], f["inner_path"], hops, f.get("raw_path_hex"))


def reread_recorded(f: dict[str, Any], config: Any, result: Any) -> Outcome:
    """Records of a file recorded in findings.json, checked against its recorded SHA-256."""
    loc = location_of(f)
    if not loc.containers and os.path.isdir(loc.source):
        raw = bytes.fromhex(loc.raw_path_hex) if loc.raw_path_hex else os.fsencode(loc.path)
        outcome = read_records(PathEntry(loc, raw), config, result)
    else:
        outcome = _reread_by_walking(loc, config, result)
    records, status, detail = outcome
    if status == "ok" and f.get("sha256") and detail != f["sha256"]:
        return None, "changed", f"SHA-256 is now {detail}, the scan recorded {f['sha256']}"
    return outcome


def _reread_by_walking(target: Location, config: Any, result: Any) -> Outcome:
    """Walk the recorded source again (image, SMB, archive members) until ``target`` turns up."""
    from ..errors import LeakscanError
    from ..sources import open_source

    try:
        source = open_source(target.source)
        with source:
            return _find(source.entries(), target, config, result, depth=0) or (
                None, "vanished", "not found again in its source")
    except LeakscanError as e:
        return None, "source-error", str(e)


def _find(items: Iterable[Any], target: Location, config: Any, result: Any, depth: int) -> Outcome | None:
    key, shown = target.key(), target.display()
    for item in items:
        if not hasattr(item, "open"):
            continue
        if item.location.key() == key:
            return read_records(item, config, result)
        if depth < 8 and shown.startswith(item.location.display() + CHAIN_SEPARATOR):
            found = _find(_children(item, config, result), target, config, result, depth + 1)
            if found:
                return found
    return None


def _children(entry: Entry, config: Any, result: Any) -> Iterable[Any]:
    """Members of an archive entry, through the same inspectors the scan used."""
    from ..contenttype import content_type
    from ..names import NameRules
    from ..pipeline import ScanContext, _guarded, _NoProgress, default_inspectors

    inspectors = default_inspectors(config)
    ctx = ScanContext(config=config, rules=NameRules([], False), inspectors=inspectors, result=result,
                      progress=_NoProgress())
    try:
        with entry.open() as stream:
            data = stream.read(config.max_inspect_bytes + 1)
        size = len(data)
    except (ReadError, OSError):
        return []
    out: list[Any] = []
    for ins in inspectors:
        if ins.wants(entry, size, lambda: data[:512]):
            out += list(_guarded(ins, entry, data, content_type(data[:4096]), ctx).children)
    return out
