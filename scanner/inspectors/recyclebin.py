"""Windows recycle bins: ``$RECYCLE.BIN/<SID>/$Ixxxxxx.ext`` names the original path of ``$Rxxxxxx.ext``;
before Vista, ``RECYCLER/<SID>/INFO2`` (Windows 2000/XP; ``RECYCLED/INFO2`` on 95/98/ME) names the original path
of each ``Dc1.ext`` (``D`` + drive letter + record number + the original extension).

A copy "deleted" to the recycle bin keeps its content under a random ``$R`` name, so no name rule
finds it; its ``$I`` file records where it came from. This inspector parses ``$I`` files (Vista-8.1
format 1: fixed 520-byte path; Windows 10+ format 2: length-prefixed path), makes a ``$I`` whose
original name matches the name rules a hit (``name-variant``, or ``name-contains`` when that name only holds
the named file's stem; rule ``recycle-bin:info``), and makes the
matching ``$R`` file a hit under the original name's rules, both with ``annotations.recycled_from``.
``$I`` is met before ``$R`` in a sorted walk; the files of one recycle-bin folder share an ``affinity``,
so a scan's pool examines them in order in one worker. An ``INFO2`` file is a hit the same way (rule
``recycle-bin:info2``) for the records whose original name meets the name rules, listed in
``annotations.recycled`` with the name each is stored under; ``Dc`` files come before ``INFO2`` in a sorted
walk, so the pairing runs after the walk (:class:`RecycledPairing`): a hit stored under a name a ``$I`` or
``INFO2`` file gives (found by its content, or a ``$R`` a source listed before its ``$I``) gets the original
name's rules and ``annotations.recycled_from``. A ``Dc`` file that nothing else made a hit is not examined
again: the ``INFO2`` hit names it.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from ..codes import Reason, Status
from ..config import ScanConfig
from ..contracts import Inspection, ScanContext
from ..details import Detail, say
from ..models import Entry, FileHit, Location
from ..timeutil import iso_utc

MAX_I_FILE = 544 + 2 * 32768  # a format 2 header with the longest Windows path
MAX_INFO2 = 16 << 20  # 20,000 records of 800 bytes: more than any real recycle bin held
_INFO2_HEADER = 20
_INFO2_NT, _INFO2_9X = 800, 280  # record sizes: Windows NT/2000/XP (ANSI + UTF-16 path), 95/98/ME (ANSI only)
_INFO2_DIRS = frozenset({"recycler", "recycled"})
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


@dataclass(frozen=True)
class Info2Record:
    """One deleted file of an INFO2 file: where it came from and the name it is stored under."""

    index: int
    drive: int  # 0 = A:
    deleted_at: str | None
    size: int
    original_path: str
    removed: bool  # the record's first ANSI byte is zeroed: the file was restored or purged since
    nt: bool = True  # Windows NT/2000/XP; 95/98/ME stores short (8.3) names: ``DC1.XLS``

    @property
    def stored_as(self) -> str:
        """``Dc1.xlsx``: D, the drive letter, the record number, the original extension (three letters of it
        on 95/98/ME)."""
        base = _base(self.original_path)
        dot = base.rfind(".")
        ext = base[dot:] if dot > 0 else ""
        return f"D{chr(ord('a') + self.drive)}{self.index}{ext if self.nt else ext[:4]}"


@dataclass(frozen=True)
class Info2:
    records: list[Info2Record]
    damaged: int  # records that cannot be one (no path, a drive past Z:): left out, and said so


def parse_info2(data: bytes, ansi: str = "cp932") -> Info2 | None:
    """The records of a Windows 95-XP ``INFO2`` file; None when the bytes are not one. The UTF-16 path (NT) is
    preferred; the ANSI one is read in ``ansi`` (Japanese Windows: cp932), its zeroed first byte (a record
    restored or purged) taken from the UTF-16 path or shown as ``?``. A trailing partial record counts as
    damaged."""
    if len(data) < _INFO2_HEADER:
        return None
    version, = struct.unpack_from("<I", data, 0)
    record, = struct.unpack_from("<I", data, 12)
    if version not in (4, 5) or record not in (_INFO2_NT, _INFO2_9X):
        return None
    out: list[Info2Record] = []
    damaged = 1 if (len(data) - _INFO2_HEADER) % record else 0
    for at in range(_INFO2_HEADER, len(data) - record + 1, record):
        index, drive, filetime, size = struct.unpack_from("<IIqI", data, at + 260)
        removed = data[at] == 0  # the ANSI path starts with a NUL: its first character is gone
        narrow = data[at + removed:at + 260].split(b"\x00", 1)[0].decode(ansi, "replace")
        wide = data[at + 280:at + 800].decode("utf-16-le", "replace").split("\x00", 1)[0] \
            if record == _INFO2_NT else ""
        ansi_path = ("?" if removed and narrow else "") + narrow
        # the UTF-16 copy unless it is damaged where the ANSI one is whole (a carved or half-overwritten record)
        path = ansi_path if "\ufffd" in wide and ansi_path and "\ufffd" not in ansi_path else wide or ansi_path
        if not path or drive > 25:
            damaged += 1
            continue
        when = iso_utc(filetime / 10_000_000 - _EPOCH_DELTA) if 0 < filetime < 2**62 else None
        out.append(Info2Record(index, drive, when, size, path, removed, record == _INFO2_NT))
    return Info2(out, damaged)


def make_info2(paths: list[str], sizes: list[int] | None = None, nt: bool = True, removed: frozenset[int] = frozenset(),
               filetime: int = 0) -> bytes:
    """The bytes Windows 2000/XP (``nt``) or 95/98 writes for an INFO2 file naming ``paths`` (records 1, 2 ...
    on drive C:; the ANSI path in cp932). For the tests."""
    record = _INFO2_NT if nt else _INFO2_9X
    out = bytearray(struct.pack("<IIII", 5 if nt else 4, 0, len(paths), record) + b"\x00" * 4)
    for i, path in enumerate(paths):
        ansi = bytearray(path.encode("cp932", "replace")[:259].ljust(260, b"\x00"))
        if i + 1 in removed:
            ansi[0] = 0
        body = bytes(ansi) + struct.pack("<IIqI", i + 1, 2, filetime, (sizes or [0] * len(paths))[i])
        if nt:
            body += (path.encode("utf-16-le") + b"\x00\x00")[:520].ljust(520, b"\x00")
        out += body
    return bytes(out)


def _in_recycle_bin(loc: Location) -> bool:
    return any(p.casefold() == "$recycle.bin" for p in loc.path.replace("\\", "/").split("/")[:-1])


def _in_old_recycle_bin(loc: Location) -> bool:
    return any(p.casefold() in _INFO2_DIRS for p in loc.path.replace("\\", "/").split("/")[:-1])


def _name_at(loc: Location, path: str) -> int:
    """Where the base name starts in a location's path: after its last ``/``, or ``\\`` in an archive member's
    path (zips made on Windows name members ``RECYCLER\\S-1-…\\INFO2``)."""
    seps = "/\\" if loc.containers and loc.containers[-1].kind == "archive" else "/"
    return max(path.rfind(s) for s in seps) + 1


def _sibling_key(loc: Location) -> str:
    """The location key of the ``$R`` file that goes with a ``$I`` file."""
    at = _name_at(loc, loc.path)
    raw = None
    if loc.raw_path_hex:
        raw_path = bytes.fromhex(loc.raw_path_hex).decode("latin-1")  # byte for byte: the separators are ASCII
        rat = _name_at(loc, raw_path)
        raw = f"{raw_path[:rat]}$R{raw_path[rat + 2:]}".encode("latin-1").hex()
    return Location(loc.source, f"{loc.path[:at]}$R{loc.path[at + 2:]}", loc.containers, raw).key()


class RecycleBinInspector:
    """Pairs ``$I`` and ``$R`` files of a Windows recycle bin and applies the name rules to the original name."""

    name = "recycle-bin"
    only_prefixes = ("$I", "$R", "INFO2")  # wants_name as data (scanner.prefilter: any letter case)
    reads_beyond_bytes: frozenset[str] = frozenset()  # (contracts) its names (and folders) are its prefixes'

    def __init__(self, config: ScanConfig | None = None) -> None:
        self._originals: dict[str, str] = {}  # $R location key -> original path (when its name matched)

    def wants_name(self, name: str) -> bool:
        return name[:2] in ("$I", "$R") or name.casefold() == "info2"

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool:
        if entry.name.casefold() == "info2":  # any size: one past MAX_INFO2 is read in part, and says so
            return _in_old_recycle_bin(entry.location)
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
        if entry.name.casefold() == "info2":
            return _inspect_info2(entry, data, ctx)
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
            return Inspection(status=Status.CORRUPT, detail=say(Detail.RECYCLE_NOT_I_FILE))
        matches = [m for m in ctx.rules.match(_base(info.original_path)) if m.reason != Reason.NAME_KEYWORD]
        if not matches:
            return Inspection()
        self._originals[_sibling_key(entry.location)] = info.original_path
        # the $I file names a copy (a name-variant of it), or a lead when the name only contains the stem
        leads_only = all(m.reason == Reason.NAME_CONTAINS for m in matches)
        return Inspection(reasons=[Reason.NAME_CONTAINS if leads_only else Reason.NAME_VARIANT], rules=["recycle-bin:info"],
                          annotations={"recycled_from": info.original_path, "deleted_at": info.deleted_at,
                                       "original_size": info.size,
                                       "recycled": [{"original_path": info.original_path,
                                                     "stored_as": "$R" + entry.name[2:]}]})


def _inspect_info2(entry: Entry, data: bytes, ctx: ScanContext) -> Inspection:
    """An INFO2 file is a hit when one of its records names a file the name rules match (a lead when every such
    name only contains the named stem); ``annotations.recycled`` lists those records."""
    cut = len(data) > MAX_INFO2  # more than any recycle bin held (padded, hostile): its first records only
    info2 = parse_info2(data[:MAX_INFO2 - (MAX_INFO2 - _INFO2_HEADER) % _INFO2_NT] if cut else data)
    if info2 is None:
        return Inspection(status=Status.CORRUPT, detail=say(Detail.RECYCLE_NOT_INFO2))
    named: list[dict[str, object]] = []
    leads_only = True
    for r in info2.records:
        matches = [m for m in ctx.rules.match(_base(r.original_path)) if m.reason != Reason.NAME_KEYWORD]
        if matches:
            leads_only = leads_only and all(m.reason == Reason.NAME_CONTAINS for m in matches)
            named.append({"original_path": r.original_path, "stored_as": r.stored_as, "deleted_at": r.deleted_at,
                          "original_size": r.size, "removed": r.removed})
    status, detail = (Status.CORRUPT, say(Detail.INFO2_DAMAGED_RECORDS, n=info2.damaged)) if info2.damaged \
        else (Status.OK, "")
    if cut:
        status, detail = Status.TOO_LARGE, say(Detail.INFO2_OVER, size=len(data), n=MAX_INFO2)
    if not named:
        return Inspection(status=status, detail=detail)
    first = named[0]
    return Inspection(reasons=[Reason.NAME_CONTAINS if leads_only else Reason.NAME_VARIANT], rules=["recycle-bin:info2"],
                      annotations={"recycled_from": first["original_path"], "deleted_at": first["deleted_at"],
                                   "original_size": first["original_size"], "recycled": named}, status=status, detail=detail)


class RecycledPairing:
    """The post-scan analysis registered in scanner/registry.py, before the named files and the person count:
    a hit stored in a recycle bin under a name a ``$I`` or ``INFO2`` hit of its folder gives (``Dc1.xlsx`` found
    by its content; ``$R`` listed before its ``$I``) gets the original name's rules and ``recycled_from``."""

    name = "recycled_pairing"
    what = "pairing recycle-bin files with their original names"

    def __call__(self, ctx: ScanContext) -> None:
        pair_recycled(ctx.result.hits, ctx.rules)


def pair_recycled(hits: list[FileHit], rules: object) -> int:
    """Apply the original names of ``recycled`` annotations to the hits they name; the number paired."""
    match = getattr(rules, "match", None)
    stored: dict[tuple[str, str], str] = {}  # (folder, stored name casefolded) -> original path
    for h in hits:
        for r in (h.annotations or {}).get("recycled", ()) if h.annotations else ():
            stored.setdefault((_folder(h.location)[0], str(r["stored_as"]).casefold()), str(r["original_path"]))
    paired = 0
    if not stored or match is None:
        return paired
    for h in hits:
        if h.annotations and "recycled_from" in h.annotations:
            continue
        folder, name = _folder(h.location)
        original = stored.get((folder, name.casefold()))
        if original is None:
            continue
        for m in match(_base(original)):
            if m.reason not in h.reasons:
                h.reasons.append(m.reason)
            h.matched_rules.append(f"{m.reason}:{m.rule}")
        h.matched_rules.append("recycle-bin:content")
        h.annotations = {**(h.annotations or {}), "recycled_from": original}
        paired += 1
    return paired


def _folder(loc: Location) -> tuple[str, str]:
    """(the folder a location is in, as one key with its source and containers; its base name)."""
    at = _name_at(loc, loc.path)
    return "\x1f".join([loc.source, *(f"{h.kind}:{h.name}" for h in loc.containers), loc.path[:at]]), loc.path[at:]


def _base(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
