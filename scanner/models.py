"""Plain values shared by every part of leakscan: locations, entries, stats, hits and skips.

A Location is a value (saved in JSON, parsed back, compared) kept apart from opening it; an Entry
pairs a location with the means to stat and open it. Sources yield entries; detectors never learn
where bytes came from.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable
from dataclasses import asdict, dataclass, field, fields
from operator import attrgetter
from typing import IO, Any, NamedTuple, Protocol, runtime_checkable

from .codes import Reason, Status

CHAIN_SEPARATOR = " » "
# The hop marker written inside a name: a folder called ``backup.zip » 旧PC`` must never read like a member
# of an archive, so every "»" a name holds is displayed as this (as the report shows hidden characters).
HOP_MARK, HOP_MARK_ESCAPED = "»", "⟨U+00BB⟩"


_GETTERS: dict[type, Callable[[object], tuple[object, ...]]] = {}


def fields_reduce(self: object) -> tuple[type, tuple[object, ...]]:
    """``__reduce__`` for a slots dataclass that crosses a process boundary for every file or row (a task, its
    outcome, a person row): the class and its fields by position, so unpickling calls the constructor. The
    dataclasses' own pickling of a slots class calls ``fields()`` for every object, both ways (~10 us each: most of
    what sending a unit of 64 small files cost the scan process). Every field of such a class is an ``__init__``
    parameter (tests/test_fields_reduce.py)."""
    cls = type(self)
    getter = _GETTERS.get(cls)
    if getter is None:
        names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
        one = attrgetter(*names)
        getter = _GETTERS[cls] = (lambda obj: (one(obj),)) if len(names) == 1 else one
    return cls, getter(self)


def display_part(name: str) -> str:
    """One hop's name or the inner path, with any hop marker it holds escaped."""
    return name.replace(HOP_MARK, HOP_MARK_ESCAPED) if HOP_MARK in name else name


@dataclass(frozen=True)
class Hop:
    """One container a path lives in: an image, a volume, an archive, an SMB share.

    ``kind`` is one of: image, volume, archive, smb. ``name`` is what a person reads
    (``/cases/pc08.E01``, ``p1 (FAT32)``, ``/share/backup.zip``), ``detail`` holds structured
    extras (partition offset, file system type, image hashes ...).
    """

    kind: str
    name: str
    detail: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Location:
    """Where an entry lives: the source as given, the container chain, the path inside the last one."""

    source: str
    path: str
    containers: tuple[Hop, ...] = ()
    raw_path_hex: str | None = None

    def display(self) -> str:
        """The full path an investigator would read or type: hops joined with `` » ``. A ``»`` inside a
        name is shown as ``⟨U+00BB⟩``, so every `` » `` seen is a real hop (archive, image, volume)."""
        if not self.containers:
            return display_part(self.path)
        return CHAIN_SEPARATOR.join([display_part(h.name) for h in self.containers] + [display_part(self.path)])

    def key(self) -> str:
        """Identity key used by diff and dedup: source + chain + path (raw bytes when not UTF-8)."""
        inner = self.raw_path_hex if self.raw_path_hex else self.path
        return "\x1f".join([self.source, *(f"{h.kind}:{h.name}" for h in self.containers), inner])

    def child(self, hop: Hop, path: str, raw_path_hex: str | None = None) -> Location:
        """A location one container deeper (an archive member, a file inside an image)."""
        return Location(self.source, path, (*self.containers, hop), raw_path_hex)

    def to_json(self) -> list[dict[str, Any]]:
        return [{"kind": h.kind, "name": h.name, **({"detail": h.detail} if h.detail else {})}
                for h in self.containers]

    @staticmethod
    def parse_display(text: str) -> list[str]:
        """Split a displayed path back into its parts (the inverse of :meth:`display`, names still escaped)."""
        return text.split(CHAIN_SEPARATOR)


@dataclass(frozen=True)
class FileStat:
    """What a file system says about a file. Times are ISO 8601 UTC strings (``Z``) or None."""

    size: int
    mtime: str | None = None
    atime: str | None = None
    ctime: str | None = None
    btime: str | None = None
    time_note: str | None = None  # e.g. "FAT: local time, 2 s resolution"


@runtime_checkable
class Entry(Protocol):
    """One file-like thing a source found. ``kind`` is file, dir, symlink, fifo, socket, device or other."""

    name: str  # decoded base name, for the name rules
    kind: str
    deleted: bool

    @property
    def location(self) -> Location: ...  # read-only: a source may work it out only when asked

    def stat(self) -> FileStat: ...

    def open(self) -> IO[bytes]: ...


@dataclass(frozen=True)
class Skipped:
    """Something that could not be examined, and why. A skipped file is not a clean file.

    ``reason`` is a code (scanner.codes.Status, one of SKIP_REASONS) with its meaning beside it.
    """

    location: Location
    reason: Status
    detail: str = ""
    sha256: str | None = None  # when the file was read whole before it could not be examined (an --accept key)

    def to_json(self) -> dict[str, Any]:
        out = {
            "path": self.location.display(),
            "raw_path_hex": self.location.raw_path_hex,
            "source": self.location.source,
            "container": self.location.to_json(),
            "reason": self.reason,
            "detail": self.detail,
            "inner_path": self.location.path,  # the display alone is ambiguous once a name holds the marker
        }
        if self.sha256:
            out["sha256"] = self.sha256
        return out


@dataclass(frozen=True)
class Link:
    """A symbolic link met while walking: recorded, never followed, never counted as a file."""

    location: Location
    target: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.location.display(), "target": self.target}


@dataclass(frozen=True)
class Digests:
    md5: str
    sha1: str
    sha256: str
    size: int


@dataclass
class FileHit:
    """A file worth reporting: matched a rule by name, content or hash."""

    location: Location
    stat: FileStat
    digests: Digests | None
    type: str
    reasons: list[Reason]
    status: Status = Status.OK
    status_detail: str = ""
    deleted: bool = False
    type_mismatch: str | None = None
    matched_rules: list[str] = field(default_factory=list)
    pii: dict[str, Any] | None = None
    overlap: dict[str, Any] | None = None
    annotations: dict[str, Any] | None = None  # facts an inspector adds, e.g. recycled_from (the original path)

    def to_json(self) -> dict[str, Any]:
        st = asdict(self.stat)
        d = self.digests
        out: dict[str, Any] = {
            "source": self.location.source,
            "path": self.location.display(),
            "inner_path": self.location.path,
            "raw_path_hex": self.location.raw_path_hex,
            "container": self.location.to_json(),
            "deleted": self.deleted,
            "size": st["size"],
            "mtime": st["mtime"],
            "atime": st["atime"],
            "ctime": st["ctime"],
            "btime": st["btime"],
            "time_note": st["time_note"],
            "md5": d.md5 if d else None,
            "sha1": d.sha1 if d else None,
            "sha256": d.sha256 if d else None,
            "type": self.type,
            "type_mismatch": self.type_mismatch,
            "reasons": list(self.reasons),
            "matched_rules": list(self.matched_rules),
            "status": self.status,
            "status_detail": self.status_detail,
        }
        if self.pii is not None:
            out["pii"] = self.pii
        if self.overlap is not None:
            out["overlap"] = self.overlap
        if self.annotations:
            out["annotations"] = self.annotations
        return out


@dataclass(frozen=True)
class PersonRecord:
    """One person row read from a personal-records sheet, kept in memory only (never written in clear).

    ``fields`` maps a field kind to the row's text, split columns already joined (姓+名 -> name,
    住所1+住所2 -> address): name, reading, address, postcode, phone, birth, sex, mynumber, care_number ...
    A row may hold several persons (an applicant and a recipient): one record each, the role named.
    """

    sheet: str
    row: int  # 1-based row number in the sheet
    fields: dict[str, str]
    role: str = ""  # "" for the row's own person; applicant, recipient, guardian, emergency_contact ...
    kind: str = "persons"  # persons, or business (a business contact: a person beside an organisation)


class Tokens(NamedTuple):
    """What the probable-person rules compare for one person key (persons.count): each value is clear text
    or its keyed fingerprint, made by the same function for every key of one count."""

    me: Hashable  # (name, address) itself
    name: Hashable  # the name alone
    kanji: Hashable  # (name with 斎/斉-like kanji folded, address)
    numbers: tuple[Hashable, ...]  # (name, address with one number replaced by #), per number
    shorter: Hashable | None  # (name, address without its last -number), when there is one
    empty_address: bool
    kana_only: bool  # a name typed in katakana only


@dataclass(slots=True)
class RowPrint:
    """One person row, keyed (persons.prints): what the counter needs, no personal value in clear."""

    __reduce__ = fields_reduce  # one per named record, pickled back from the worker

    stages: tuple[bytes, ...]  # keyed key after trimming, then after each rule (the last is the person)
    masked: tuple[str, str]  # first spelling, masked (山田 ** / 東京都小金井市***)
    clear: tuple[str, str] | None  # first spelling in clear, only when the scan runs with --unmask
    token_set: Tokens
    reading_set: frozenset[bytes]
    role: str = ""  # PersonRecord.role: "" for the row's own person, applicant, guardian ...
    kind: str = "persons"  # PersonRecord.kind: persons, or business (a business contact)
    file: int = 0  # index in the person analysis' file list (set there)
    # keyed (name key, address key \x1f room), then (… \x1f room \x1f wing), then (… \x1f wing \x1f building number)
    # when the building part names them
    rooms: tuple[bytes, ...] = ()
    # keyed number tag, wing tag and alias of the row (evidence.resolve_persons' links; b"" for none), keying 16 on
    links: tuple[bytes, bytes, bytes] = (b"", b"", b"")

    @property
    def key(self) -> bytes:
        return self.stages[-1]

    @property
    def room_path(self) -> tuple[bytes, ...]:
        return self.rooms

    def shown(self, clear: bool) -> dict[str, str] | None:
        if clear:
            return {"name": self.clear[0], "address": self.clear[1]} if self.clear else None
        return {"name": self.masked[0], "address": self.masked[1]}

    def tokens(self) -> Tokens:
        return self.token_set

    def readings(self) -> frozenset[Hashable]:
        return self.reading_set


@dataclass(slots=True)
class FilePrints:
    """What the person analyses need of one personal-records file (made where it was read: persons.prints)."""

    __reduce__ = fields_reduce

    records: int  # every record read, nameless ones included
    nameless: int  # records without a usable name (blank, -, 不明 ...)
    persons: array  # sorted distinct fingerprint prefixes (unsigned 64-bit) of the named records
    rows: list[RowPrint] | None = None  # one per named record, when the file may be counted
    # where a name and address has rows with a room: (person, room, wing, number, number tag, wing tag, alias) prefixes
    # of each such row, 0 for none (its rows without room too), flattened; the rows of every other person of
    # ``persons`` name no room
    rooms: array | None = None

    def prefixes(self) -> set[int]:
        return set(self.persons)

    def paths(self) -> dict[int, set[tuple[int, ...]]]:
        """Person prefix (name and address, building set aside) -> the key paths of its rows (evidence.resolve_persons):
        (person,) for a row without room, (person, room), (person, room, wing) or (person, room, wing, number) below it."""
        out: dict[int, set[tuple[int, ...]]] = {k: {(k,)} for k in self.persons}
        for person, records in self.links().items():
            out[person] = {path for path, _links in records}
        return out

    def links(self) -> dict[int, set[tuple[tuple[int, ...], tuple[int, int, int]]]]:
        """Person prefix -> (key path, links) of its rows, for the persons with a row naming a room (the links
        evidence.resolve_persons reads: number tag, wing tag, alias; 0 for none)."""
        flat = self.rooms or ()
        roomed: dict[int, set[tuple[tuple[int, ...], tuple[int, int, int]]]] = {}
        for i in range(0, len(flat) - 6, 7):
            path = (flat[i], flat[i + 1], flat[i + 2], flat[i + 3])
            ends = next((j for j in range(1, len(path)) if not path[j]), len(path))  # a stage left out ends it
            roomed.setdefault(path[0], set()).add((path[:ends], (flat[i + 4], flat[i + 5], flat[i + 6])))
        return roomed
