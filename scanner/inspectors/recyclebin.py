"""Windows recycle bins: ``$RECYCLE.BIN/<SID>/$Ixxxxxx.ext`` names the original path of ``$Rxxxxxx.ext``.

A copy "deleted" to the recycle bin keeps its content under a random ``$R`` name, so no name rule
finds it; its ``$I`` file records where it came from. This inspector parses ``$I`` files (Vista-8.1
format 1: fixed 520-byte path; Windows 10+ format 2: length-prefixed path), makes a ``$I`` whose
original name matches the name rules a hit (``name-variant``, or ``name-contains`` when that name only holds
the named file's stem; rule ``recycle-bin:info``), and makes the
matching ``$R`` file a hit under the original name's rules, both with ``annotations.recycled_from``.
``$I`` is met before ``$R`` in a sorted walk; the files of one recycle-bin folder share an ``affinity``,
so a scan's pool examines them in order in one worker. Where a source lists them otherwise the ``$R``
file is still found by its content, only without the original path.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from ..codes import Reason, Status
from ..config import ScanConfig
from ..contracts import Inspection, ScanContext
from ..models import Entry, Location
from ..timeutil import iso_utc

MAX_I_FILE = 544 + 2 * 32768  # a format 2 header with the longest Windows path
_EPOCH_DELTA = 11644473600  # seconds from 1601-01-01 (FILETIME) to 1970-01-01


@dataclass(frozen=True)
class RecycleInfo:
    version: int
    size: int
    deleted_at: str | None
    original_path: str


def parse_i_file(data: bytes) -> RecycleInfo | None:
    """Parse a ``$I`` file; None when the bytes are not one."""
    if len(data) < 28:
        return None
    version, size, filetime = struct.unpack_from("<qqq", data, 0)
    if version == 1:
        raw = data[24:24 + 520]
    elif version == 2:
        (chars,) = struct.unpack_from("<I", data, 24)
        if not 0 < chars <= 32768:
            return None
        raw = data[28:28 + 2 * chars]
    else:
        return None
    text = raw.decode("utf-16-le", "replace").split("\x00", 1)[0]
    if not text or size < 0:
        return None
    when = iso_utc(filetime / 10_000_000 - _EPOCH_DELTA) if filetime > 0 else None
    return RecycleInfo(version, size, when, text)


def make_i_file(original_path: str, size: int, filetime: int = 0, version: int = 2) -> bytes:
    """The bytes Windows writes for a ``$I`` file (used by the tests and the demo)."""
    path = original_path.encode("utf-16-le") + b"\x00\x00"
    if version == 1:
        return struct.pack("<qqq", 1, size, filetime) + path[:520].ljust(520, b"\x00")
    return struct.pack("<qqqI", 2, size, filetime, len(path) // 2) + path


def _in_recycle_bin(loc: Location) -> bool:
    return any(p.casefold() == "$recycle.bin" for p in loc.path.replace("\\", "/").split("/")[:-1])


def _sibling_key(loc: Location) -> str:
    """The location key of the ``$R`` file that goes with a ``$I`` file."""
    head, _, name = loc.path.rpartition("/")
    raw = None
    if loc.raw_path_hex:
        rhead, _, rname = bytes.fromhex(loc.raw_path_hex).rpartition(b"/")
        raw = (rhead + b"/$R" + rname[2:]).hex()
    return Location(loc.source, f"{head}/$R{name[2:]}", loc.containers, raw).key()


class RecycleBinInspector:
    """Pairs ``$I`` and ``$R`` files of a Windows recycle bin and applies the name rules to the original name."""

    name = "recycle-bin"
    only_prefixes = ("$I", "$R")  # wants_name as data (scanner.prefilter)

    def __init__(self, config: ScanConfig | None = None) -> None:
        self._originals: dict[str, str] = {}  # $R location key -> original path (when its name matched)

    def wants_name(self, name: str) -> bool:
        return name[:2] in ("$I", "$R")

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool:
        if entry.name.startswith("$I"):
            return size <= MAX_I_FILE and _in_recycle_bin(entry.location)
        # every $R of a recycle bin: whether its $I named a matching file is known where the $I was read
        return entry.name.startswith("$R") and _in_recycle_bin(entry.location)

    def affinity(self, entry: Entry) -> str | None:
        """$I and $R files of one recycle-bin folder are examined in order by one worker (they pair up)."""
        if entry.name[:2] in ("$I", "$R") and _in_recycle_bin(entry.location):
            return entry.location.key().rpartition("/")[0]
        return None

    def inspect(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
        if entry.name.startswith("$R"):
            original = self._originals.get(entry.location.key())
            if original is None:  # its $I named nothing the rules match (or there is none)
                return Inspection()
            matches = ctx.rules.match(_base(original))
            return Inspection(reasons=[m.reason for m in matches],
                              rules=[f"{m.reason}:{m.rule}" for m in matches] + ["recycle-bin:content"],
                              annotations={"recycled_from": original})
        info = parse_i_file(data)
        if info is None:
            return Inspection(status=Status.CORRUPT, detail="not a recycle bin $I file")
        matches = [m for m in ctx.rules.match(_base(info.original_path)) if m.reason != Reason.NAME_KEYWORD]
        if not matches:
            return Inspection()
        self._originals[_sibling_key(entry.location)] = info.original_path
        # the $I file names a copy (a name-variant of it), or a lead when the name only contains the stem
        leads_only = all(m.reason == Reason.NAME_CONTAINS for m in matches)
        return Inspection(reasons=[Reason.NAME_CONTAINS if leads_only else Reason.NAME_VARIANT], rules=["recycle-bin:info"],
                          annotations={"recycled_from": info.original_path, "deleted_at": info.deleted_at,
                                       "original_size": info.size})


def _base(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
