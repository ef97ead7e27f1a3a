"""The evidence document, typed: ``Finding`` (one hit), ``SkipRecord``, ``FindingsDoc`` (a findings.json).

findings.json is written by one leakscan and read back by another (``diff``, ``merge``, ``verify``,
``persons``, a rescan's ``--baseline``), often from a case folder that travelled on a USB stick. So
reading it back is the validation point: :meth:`FindingsDoc.from_json` checks every field diff, merge,
verify, remediation and persons read (type and form: SHA-256 hex, UTC times, codes, hop kinds, counts),
and refuses anything else with an :class:`EvidenceError` naming the JSON path (exit 2, one line, no
value quoted). Past that point the code reads fields, never dict keys. ``to_json`` writes back exactly
what was read (unknown optional sections are carried along untouched), so a round trip is lossless.

Each finding has ONE identity key: :meth:`scanner.models.Location.key` of its location. The JSON schema
(scanner/schemas/findings.schema.json) describes the same format for other tools; tests/test_evidence.py
keeps the two in step.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

from . import readonce
from .codes import Status
from .errors import UsageError
from .models import Hop, Location

SCHEMA = "leakscan/findings@1"
FINDINGS = "findings.json"
MAX_DOCUMENT_BYTES = 4 << 30  # far above any real findings.json (10^5 hits: ~60 MB); a bound, not a limit

SHA256 = re.compile(r"[0-9a-f]{64}")
SHA1 = re.compile(r"[0-9a-f]{40}")
MD5 = re.compile(r"[0-9a-f]{32}")
HEX = re.compile(r"(?:[0-9a-f]{2})+")
UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z")
OUTPUT_NAME = re.compile(r"[a-z][a-z0-9.-]*")  # a file name in the case folder, never a path
# no count or id leakscan writes is larger (a larger one is hostile, Session 22); a file's size is what its source
# declares (a zip member's ZIP64 size, a tar member's base-256 size: any number), never bounded (review22c)
MAX_INT = (1 << 63) - 1
# a size as a damaged file system declares it (TSK's TSK_OFF_T is signed, case23): kept on an entry leakscan could
# not read (no digest, a status other than ok: listed as damaged); a file it read has the size it read, never below 0
LEAST_DECLARED_SIZE = -(1 << 63)
SIZE_NEGATIVE = "size-negative"  # the detail examine.pick lists such an entry with (details.Detail.SIZE_NEGATIVE)
# a file time: UTC, or the local wall-clock time FAT and zip store (no zone; time_note says which)
FILE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?")
CODE = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")  # a status, reason or hop kind: ``name-variant``

# the keys of a files[] entry that Finding holds as fields (the schema's required list, plus the optional
# sections diff, merge and the report read); anything else is kept in ``extra`` and written back as it was
FILE_FIELDS = ("id", "source", "path", "inner_path", "raw_path_hex", "container", "deleted", "size", "mtime",
               "atime", "ctime", "btime", "time_note", "md5", "sha1", "sha256", "type", "type_mismatch",
               "reasons", "matched_rules", "status", "status_detail")
OPTIONAL_FILE_FIELDS = ("pii", "overlap", "annotations")
SKIP_FIELDS = ("path", "raw_path_hex", "source", "container", "reason", "detail")
OPTIONAL_SKIP_FIELDS = ("inner_path", "sha256")  # sha256: a file read whole before it could not be examined
# a detail's codes (scanner.details), beside its text: checked when present, kept in ``extra`` as they were written
FILE_DETAIL_CODES, SKIP_DETAIL_CODES = "status_detail_codes", "detail_codes"
TOP_FIELDS = ("schema", "tool", "case", "chain_of_custody", "scan", "files", "duplicate_groups", "skipped", "links")
SCAN_FIELDS = ("started", "finished", "command_line", "sources", "source_details", "source_errors", "files_seen",
               "bytes_read", "settings", "masked")

T = TypeVar("T")


class EvidenceError(UsageError):
    """A findings.json (or another case-folder file) that is not what leakscan writes: exit 2.

    The message names the file and the JSON path of the first bad field, never the value (it may be a
    personal value or a hostile string)."""


# -- checking values ---------------------------------------------------------------------------------
# _Reader's methods are named after the types they return; in its body these names are the builtins.
_Str: TypeAlias = str
_Int: TypeAlias = int
_Bool: TypeAlias = bool
_List: TypeAlias = list


class _Reader:
    """Typed access to one JSON object, with the JSON path of every field for the error message."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise EvidenceError(f"{where}: not an object")
        self.value: dict[str, Any] = value
        self.where = where

    def _at(self, key: str) -> str:
        return f"{self.where}.{key}"

    def fail(self, key: str, what: str) -> EvidenceError:
        return EvidenceError(f"{self._at(key)}: {what}")

    def has(self, key: str) -> bool:
        return key in self.value

    def raw(self, key: str, required: bool = True) -> Any:
        if key not in self.value:
            if required:
                raise self.fail(key, "absent")
            return None
        return self.value[key]

    def str(self, key: str, pattern: re.Pattern[str] | None = None, required: bool = True,
            null: bool = False, default: str = "") -> str:
        v = self.raw(key, required)
        if v is None and (null or not required):
            return default
        if not isinstance(v, str):
            raise self.fail(key, "not a string")
        if pattern is not None and not pattern.fullmatch(v):
            raise self.fail(key, "not of the expected form")
        return v

    def opt_str(self, key: _Str, pattern: re.Pattern[_Str] | None = None, required: _Bool = True) -> _Str | None:
        v = self.raw(key, required)
        if v is None:
            return None
        return self.str(key, pattern)

    def int(self, key: _Str, required: _Bool = True, minimum: _Int = 0, maximum: _Int | None = MAX_INT) -> _Int:
        v = self.raw(key, required)
        if v is None and not required:
            return 0
        if not isinstance(v, int) or isinstance(v, bool) or v < minimum or (maximum is not None and v > maximum):
            raise self.fail(key, f"not an integer >= {minimum}")
        return v

    def time(self, key: _Str) -> _Str:
        """A UTC time as leakscan writes it, and one that exists (Session 22: ``9999-99-99T00:00:00Z`` matched the
        pattern and crashed the report's JST and the diff's order)."""
        v = self.str(key, UTC)
        try:
            datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail(key, "not a time") from None
        return v

    def bool(self, key: _Str, required: _Bool = True, default: _Bool = False) -> _Bool:
        v = self.raw(key, required)
        if v is None and not required:
            return default
        if not isinstance(v, bool):
            raise self.fail(key, "not true or false")
        return v

    def list(self, key: _Str, required: _Bool = True) -> _List[Any]:
        v = self.raw(key, required)
        if v is None and not required:
            return []
        if not isinstance(v, list):
            raise self.fail(key, "not a list")
        return v

    def strs(self, key: _Str, pattern: re.Pattern[_Str] | None = None, required: _Bool = True) -> tuple[_Str, ...]:
        items = self.list(key, required)
        for i, v in enumerate(items):
            if not isinstance(v, str) or (pattern is not None and not pattern.fullmatch(v)):
                raise EvidenceError(f"{self._at(key)}[{i}]: not a string of the expected form")
        return tuple(items)

    def obj(self, key: _Str, required: _Bool = True) -> dict[_Str, Any]:
        v = self.raw(key, required)
        if v is None and not required:
            return {}
        if not isinstance(v, dict):
            raise self.fail(key, "not an object")
        return v

    def opt_obj(self, key: _Str) -> dict[_Str, Any] | None:
        v = self.raw(key, required=False)
        if v is None:
            return None
        return self.obj(key)

    def objs(self, key: _Str, read: Callable[[_Reader], T], required: _Bool = True) -> _List[T]:
        return [read(_Reader(v, f"{self._at(key)}[{i}]")) for i, v in enumerate(self.list(key, required))]


def _detail_codes(r: _Reader, key: str) -> None:
    """Check a detail's codes (``detail_codes``, ``status_detail_codes``: absent in older cases) are objects, each
    with a code or a text; they stay in ``extra`` and are written back as they were read."""
    r.objs(key, lambda d: d.str("code", CODE) if d.has("code") else d.str("text"), required=False)


def _least_size(r: _Reader) -> int:
    """The least ``size`` a files[] entry may hold: a damaged file system's negative value on the entry leakscan lists
    for it (no digest, ``corrupt``, detail ``size-negative``); 0 on any other (a file it read has the bytes it read)."""
    v = r.value
    codes = v.get(FILE_DETAIL_CODES)
    declared = (v.get("status") == Status.CORRUPT and isinstance(codes, list)  # examine.pick's listing (review23c:
                and any(isinstance(c, dict) and c.get("code") == SIZE_NEGATIVE for c in codes))  # any unread did)
    unread = all(v.get(k) is None for k in ("md5", "sha1", "sha256"))
    return LEAST_DECLARED_SIZE if unread and declared else 0


def _hops(r: _Reader, key: str = "container") -> tuple[Hop, ...]:
    def hop(h: _Reader) -> Hop:
        detail = h.obj("detail", required=False)
        return Hop(h.str("kind", CODE), h.str("name"), detail)

    return tuple(r.objs(key, hop))


# -- the typed records -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One hit as findings.json records it. ``location`` gives its one identity key (``key()``)."""

    id: int
    location: Location
    path: str  # the location as displayed when it was recorded
    deleted: bool
    size: int
    mtime: str | None
    atime: str | None
    ctime: str | None
    btime: str | None
    time_note: str | None
    md5: str | None
    sha1: str | None
    sha256: str | None
    type: str
    type_mismatch: str | None
    reasons: tuple[str, ...]
    matched_rules: tuple[str, ...]
    status: str
    status_detail: str
    pii: dict[str, Any] | None = None
    overlap: dict[str, Any] | None = None
    annotations: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # keys later areas add

    @property
    def source(self) -> str:
        return self.location.source

    @property
    def inner_path(self) -> str:
        return self.location.path

    @property
    def containers(self) -> tuple[Hop, ...]:
        return self.location.containers

    @property
    def raw_path_hex(self) -> str | None:
        return self.location.raw_path_hex

    def key(self) -> str:
        """The identity key (diff, merge, verify, dedup): the location's."""
        return self.location.key()

    def has_reason(self, reasons: Iterable[str]) -> bool:
        return not set(reasons).isdisjoint(self.reasons)

    @classmethod
    def read(cls, r: _Reader) -> Finding:
        raw = r.opt_str("raw_path_hex", HEX)
        loc = Location(r.str("source"), r.str("inner_path"), _hops(r), raw)
        reasons = r.strs("reasons", CODE)
        if not reasons:
            raise r.fail("reasons", "empty (a finding has at least one reason)")
        extra = {k: v for k, v in r.value.items() if k not in FILE_FIELDS and k not in OPTIONAL_FILE_FIELDS}
        _detail_codes(r, FILE_DETAIL_CODES)
        return cls(
            id=r.int("id", minimum=1), location=loc, path=r.str("path"), deleted=r.bool("deleted"),
            size=r.int("size", minimum=_least_size(r), maximum=None), mtime=r.opt_str("mtime", FILE_TIME), atime=r.opt_str("atime", FILE_TIME),
            ctime=r.opt_str("ctime", FILE_TIME), btime=r.opt_str("btime", FILE_TIME),
            time_note=r.opt_str("time_note"), md5=r.opt_str("md5", MD5), sha1=r.opt_str("sha1", SHA1),
            sha256=r.opt_str("sha256", SHA256), type=r.str("type"), type_mismatch=r.opt_str("type_mismatch"),
            reasons=reasons, matched_rules=r.strs("matched_rules"), status=r.str("status", CODE),
            status_detail=r.str("status_detail"), pii=r.opt_obj("pii"), overlap=r.opt_obj("overlap"),
            annotations=r.opt_obj("annotations"), extra=extra,
        )

    @classmethod
    def from_json(cls, value: object, where: str = "files[]") -> Finding:
        return cls.read(_Reader(value, where))

    def to_json(self) -> dict[str, Any]:
        loc = self.location
        out: dict[str, Any] = {
            "id": self.id, "source": loc.source, "path": self.path, "inner_path": loc.path,
            "raw_path_hex": loc.raw_path_hex, "container": loc.to_json(), "deleted": self.deleted,
            "size": self.size, "mtime": self.mtime, "atime": self.atime, "ctime": self.ctime, "btime": self.btime,
            "time_note": self.time_note, "md5": self.md5, "sha1": self.sha1, "sha256": self.sha256,
            "type": self.type, "type_mismatch": self.type_mismatch, "reasons": list(self.reasons),
            "matched_rules": list(self.matched_rules), "status": self.status, "status_detail": self.status_detail,
        }
        for k in OPTIONAL_FILE_FIELDS:
            if getattr(self, k) is not None:
                out[k] = getattr(self, k)
        out.update(self.extra)
        return out


@dataclass(frozen=True)
class SkipRecord:
    """Something a scan could not examine, as findings.json records it."""

    location: Location
    path: str
    reason: str
    detail: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    inner_recorded: bool = field(default=True, compare=False)  # False: an older document (display only)

    def key(self) -> str:
        return self.location.key()

    @property
    def sha256(self) -> str | None:
        """The file's SHA-256 when it was read whole before it could not be examined, else None."""
        return self.extra.get("sha256")

    @classmethod
    def read(cls, r: _Reader) -> SkipRecord:
        path = r.str("path")
        hops = _hops(r)
        # the inner path is written since the hop markers became unambiguous; older documents hold only the
        # displayed path, whose last part is the inner path unless a name held the separator itself
        inner = r.str("inner_path") if r.has("inner_path") else Location.parse_display(path)[-1]
        loc = Location(r.str("source"), inner, hops, r.opt_str("raw_path_hex", HEX))
        r.opt_str("sha256", SHA256, required=False)  # kept in extra; read by --accept (scanner.accept)
        _detail_codes(r, SKIP_DETAIL_CODES)
        extra = {k: v for k, v in r.value.items() if k not in SKIP_FIELDS and k != "inner_path"}
        return cls(loc, path, r.str("reason", CODE), r.str("detail"), extra, r.has("inner_path"))

    def to_json(self) -> dict[str, Any]:
        loc = self.location
        out = {"path": self.path, "raw_path_hex": loc.raw_path_hex, "source": loc.source,
               "container": loc.to_json(), "reason": self.reason, "detail": self.detail}
        if self.inner_recorded:
            out["inner_path"] = loc.path
        return {**out, **self.extra}


@dataclass(frozen=True)
class ScanInfo:
    """The ``scan`` block: when, how and over what the scan ran."""

    started: str
    finished: str
    command_line: tuple[str, ...]
    sources: tuple[str, ...]
    source_details: list[dict[str, Any]]
    source_errors: list[dict[str, Any]]
    files_seen: int
    bytes_read: int
    settings: dict[str, Any]
    masked: bool
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # resumed, limit_notes ...

    @classmethod
    def read(cls, r: _Reader) -> ScanInfo:
        errors = r.objs("source_errors", lambda e: {"source": e.str("source"), "error": e.str("error"),
                                                    **{k: v for k, v in e.value.items() if k not in ("source", "error")}})
        details = r.objs("source_details", lambda d: (d.str("source"), d.str("kind"), d.value)[2])
        settings = r.obj("settings")
        s = _Reader(settings, f"{r.where}.settings")
        s.strs("sources"), s.strs("names"), s.bool("use_keywords")  # what diff compares: checked here
        r.strs("resumed", UTC, required=False)
        r.strs("outputs", OUTPUT_NAME, required=False)  # written beside it (Session 22): output.unlisted_required
        return cls(r.time("started"), r.time("finished"), r.strs("command_line"), r.strs("sources"),
                   details, errors, r.int("files_seen"), r.int("bytes_read"), settings, r.bool("masked"),
                   {k: v for k, v in r.value.items() if k not in SCAN_FIELDS})

    def to_json(self) -> dict[str, Any]:
        return {"started": self.started, "finished": self.finished, "command_line": list(self.command_line),
                "sources": list(self.sources), "source_details": self.source_details,
                "source_errors": self.source_errors, "files_seen": self.files_seen, "bytes_read": self.bytes_read,
                "settings": self.settings, "masked": self.masked, **self.extra}


# merge.persons when the inputs' persons could not be counted together (scanner.merge writes these notes)
NOT_COMBINED_KEYS = "not combined: the inputs used different case keys"
NOT_COMBINED_RULES = "not combined: the inputs keyed persons with different rules"


def persons_not_combined(doc: FindingsDoc) -> str | None:
    """Why a merged case holds no persons although its inputs counted some: ``case keys`` (each scan keyed its
    fingerprints with its own case.key) or ``rules`` (another leakscan or person rules); None otherwise. A reader of
    persons must say this, never "no leaked file was found" (Session 21). Total: a hand-edited note is None."""
    merge = doc.sections.get("merge")
    note = merge.get("persons") if isinstance(merge, dict) else None
    if doc.persons is not None or not isinstance(note, str):
        return None
    return "case keys" if note.startswith(NOT_COMBINED_KEYS) else "rules" if note.startswith(NOT_COMBINED_RULES) else None


def scan_starts(doc: FindingsDoc, merge_time_stands: bool = False) -> list[tuple[object, tuple[object, ...]]]:
    """When each scan a document holds began, with its sources, as recorded: a merged case's inputs' scans, an input
    that is itself a merge by what it recorded of its own scans (``scans_started``: its ``started`` is when it was
    merged, review21c); else the document's own. An input merged by a leakscan before ``scans_started`` gives its
    merge time when ``merge_time_stands`` (no earlier than its scans began: a baseline's latest start), else None."""
    merge = doc.sections.get("merge")
    inputs = merge.get("inputs") if isinstance(merge, dict) else None
    if not isinstance(inputs, list) or not inputs:
        return [(doc.scan.started, tuple(doc.scan.sources))]
    out: list[tuple[object, tuple[object, ...]]] = []
    for i in inputs:
        i = i if isinstance(i, dict) else {}
        sources, scans, command = i.get("sources"), i.get("scans_started"), i.get("command_line")
        sources = tuple(sources) if isinstance(sources, list) else ()
        if isinstance(scans, list) and scans:
            out += [(s.get("started"), tuple(s.get("sources") or ())) if isinstance(s, dict) else (None, ())
                    for s in scans]
        elif isinstance(command, list) and command[1:2] == ["merge"] and not merge_time_stands:
            out.append((None, sources))
        else:
            out.append((i.get("started"), sources))
    return out


@dataclass
class FindingsDoc:
    """A whole findings.json. ``sections`` holds the optional parts later areas add (persons, overlap,
    traces, merge ...), as read; the ones leakscan's commands use are checked by their readers."""

    tool: dict[str, Any]
    case: dict[str, Any]
    chain_of_custody: dict[str, Any]
    scan: ScanInfo
    files: list[Finding]
    duplicate_groups: list[dict[str, Any]]
    skipped: list[SkipRecord]
    links: list[dict[str, Any]]
    sections: dict[str, Any] = field(default_factory=dict)
    schema: str = SCHEMA

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.case.get("names") or ())

    @property
    def persons(self) -> dict[str, Any] | None:
        p = self.sections.get("persons")
        return p if isinstance(p, dict) else None

    @classmethod
    def from_json(cls, value: object, where: str = FINDINGS) -> FindingsDoc:
        """Check and type a parsed findings.json; anything leakscan would not write is an EvidenceError."""
        r = _Reader(value, where)
        if r.raw("schema") != SCHEMA:
            raise EvidenceError(f"{where}: not a {SCHEMA} file")
        tool = r.obj("tool")
        t = _Reader(tool, f"{where}.tool")
        t.str("name"), t.str("version"), t.str("ruleset_sha256", SHA256)
        case = r.obj("case")
        c = _Reader(case, f"{where}.case")
        c.str("id"), c.str("examiner"), c.strs("names"), c.strs("notes", required=False)
        for k in ("witness", "organisation"):
            c.str(k, required=False)
        custody = r.obj("chain_of_custody")
        scan = ScanInfo.read(_Reader(r.obj("scan"), f"{where}.scan"))
        files = r.objs("files", Finding.read)
        ids = [f.id for f in files]
        if len(set(ids)) != len(ids):
            raise EvidenceError(f"{where}.files: two findings share an id")
        groups = r.objs("duplicate_groups", _group)
        skipped = r.objs("skipped", SkipRecord.read)
        links = r.objs("links", lambda lk: (lk.str("path"), lk.str("target"), lk.value)[2])
        sections = {k: v for k, v in r.value.items() if k not in TOP_FIELDS}
        if "persons" in sections:
            check_persons(sections["persons"], f"{where}.persons")
        if "named_files" in sections:
            check_named_files(sections["named_files"], f"{where}.named_files")
        if "merge" in sections:
            check_merge(sections["merge"], f"{where}.merge")
        return cls(tool, case, custody, scan, files, groups, skipped, links, sections)

    def to_json(self) -> dict[str, Any]:
        return {"schema": self.schema, "tool": self.tool, "case": self.case, "chain_of_custody": self.chain_of_custody,
                "scan": self.scan.to_json(), "files": [f.to_json() for f in self.files],
                "duplicate_groups": self.duplicate_groups, "skipped": [s.to_json() for s in self.skipped],
                "links": self.links, **self.sections}


def _group(g: _Reader) -> dict[str, Any]:
    g.str("sha256", SHA256), g.int("count", minimum=2), g.strs("paths")
    return g.value


def check_merge(value: object, where: str) -> None:
    """The parts of the ``merge`` section the report, diff (order, scope) and persons read, by type where present
    (a merge of an older leakscan may lack some); Session 22: a hostile shape crashed the report."""
    m = _Reader(value, where)  # every merge wrote persons, duplicate_hits_dropped and these input fields
    m.str("persons")
    m.int("duplicate_hits_dropped")
    m.strs("scope_differences", required=False), m.strs("unidentified_places", required=False)
    counts = m.opt_obj("counts")
    if counts is not None:
        c = _Reader(counts, f"{where}.counts")
        if not c.bool("exact"):
            c.str("reason"), c.opt_str("source", required=False)
    for i, item in enumerate(m.list("inputs")):
        r = _Reader(item, f"{where}.inputs[{i}]")
        r.str("folder"), r.str("findings_sha256")
        for k in ("case", "chain_of_custody", "tool"):
            r.obj(k)
        r.time("started"), r.time("finished")
        r.strs("command_line", required=False), r.strs("sources")
        r.int("files")
        if r.raw("persons_unique") is not None:
            r.int("persons_unique")
        r.objs("scans_started", lambda s: (s.opt_str("started", UTC, required=False), s.strs("sources")),
               required=False)
        r.objs("scopes", lambda s: (s.strs("sources"), s.obj("settings")), required=False)


def check_persons(value: object, where: str) -> None:
    """The parts of the ``persons`` section that merge and ``leakscan persons`` read."""
    p = _Reader(value, where)
    p.int("records"), p.int("unique"), p.strs("fingerprints", SHA256, required=False)
    if p.raw("unique_exact", required=False) is not None:
        p.int("unique_exact")
    for name in ("without_name", "review_total", "probable_total"):
        p.int(name, required=False)
    p.list("review", required=False), p.list("probable", required=False)

    def person_file(f: _Reader) -> None:
        f.str("path"), f.str("role", CODE), f.str("status", CODE, required=False)
        fid = f.raw("id")
        if isinstance(fid, bool) or not isinstance(fid, (int, str)):
            raise f.fail("id", "not an id")
        f.opt_str("sha256", SHA256, required=False)
        f.opt_str("source_path", required=False)

    p.objs("files", person_file, required=False)
    merges = p.obj("merges", required=False)
    for k, v in merges.items():
        if not isinstance(v, int) or isinstance(v, bool):
            raise EvidenceError(f"{where}.merges.{k}: not an integer")
    p.opt_str("key_id", KEY_ID, required=False)
    p.strs("joined", SHA256, required=False)
    levels = p.raw("room_stages", required=False)
    if levels is not None and (not isinstance(levels, list) or tuple(levels) not in KNOWN_ROOM_STAGES):
        raise p.fail("room_stages", f"not {list(ROOM_STAGES)} (another version of the rules?)")
    _check_keying(p)
    _check_person_figures(p.value, where)


def _check_keying(p: _Reader) -> None:
    """``persons.keying`` is a keying this leakscan knows, and the case's chains have the room stages that keying
    writes: a keying edited by hand (with the manifest made again) over chains of another keying is refused, and so is
    a keying this version does not know (a case written by a later leakscan: its rules cannot be checked here)."""
    keying = p.raw("keying", required=False)
    if keying is None:
        if p.raw("keying_id", required=False) is not None:
            raise p.fail("keying_id", "a proof of a keying, beside none (edited?)")
        return
    if type(keying) is not int or keying not in KEYING_ROOM_STAGES:
        raise p.fail("keying", f"not a keying of the rules this leakscan knows ({min(KEYING_ROOM_STAGES)}-"
                               f"{max(KEYING_ROOM_STAGES)}; written by another version?)")
    levels = p.value.get("room_stages")
    if isinstance(levels, list) and tuple(levels) != KEYING_ROOM_STAGES[keying]:
        raise p.fail("keying", f"{keying}, but its record chains were not written by that keying (edited?)")
    proof = p.opt_str("keying_id", KEY_ID, required=False)
    if proof is None and keying >= PROVEN_KEYING and isinstance(levels, list) and isinstance(p.value.get("chains"), list):
        raise p.fail("keying", f"{keying}, but no keying_id proves it over its record chains (a case of an earlier "
                               "keying, edited?)")
    if proof is not None and keying < PROVEN_KEYING:
        raise p.fail("keying_id", f"a proof only keying {PROVEN_KEYING} on writes, beside keying {keying} (edited?)")


KEY_ID = re.compile(r"[0-9a-f]{16}")
_CHAIN_PART = re.compile(r"(?:[0-9a-f]{16})?")


def chain_counts(chains: list[str], stages: int, where: str = "persons.chains") -> list[int]:
    """Distinct keys at every stage (after trimming, then after each rule) over the keyed stage chains a scan
    records (persons.analysis.stage_chains); a malformed chain is an EvidenceError."""
    seen: list[set[str]] = [set() for _ in range(stages)]
    for chain in chains:
        parts = chain.split(",") if isinstance(chain, str) else []
        if len(parts) != stages or not parts[0] or not all(_CHAIN_PART.fullmatch(x) for x in parts):
            raise EvidenceError(f"{where}: a chain leakscan would not write (another version of the rules?)")
        current = parts[0]
        for i, part in enumerate(parts):
            current = part or current
            seen[i].add(current)
    return [len(x) for x in seen]


# the stages after the building rule that tell persons of one name and address apart again (persons.count): the room,
# the wing holding it (or the building's own number when no wing is named), then the building's number above the wing
# (persons.keying 14: メゾン2000 A棟305 and メゾン2001 A棟305 are two rooms). Cases written by keying 12-13 have the first two
# (persons.keying 16, persons15: then three link stages, not cumulative, that let a record be read another way
# (resolve_persons' links): the number tag (the building's number it names), the wing tag (its room and building number,
# when it names a wing too) and its alias (the tag of the persons it may also be: `メゾン2001` alone, `メゾン2000 305号室`)
KNOWN_ROOM_STAGES = (("room", "wing"), ("room", "wing", "number"),
                     ("room", "wing", "number", "number_tag", "wing_tag", "alias"))
ROOM_STAGES = KNOWN_ROOM_STAGES[-1]
PATH_STAGES = 3  # the room stages that make a record's path (cumulative); any after them are its links


# the room stages each keying of the rules writes (persons.keying; a case without one was written before Session 12)
KEYING_ROOM_STAGES = {12: KNOWN_ROOM_STAGES[0], 13: KNOWN_ROOM_STAGES[0], 14: KNOWN_ROOM_STAGES[1],
                      15: KNOWN_ROOM_STAGES[1], 16: KNOWN_ROOM_STAGES[2], 17: KNOWN_ROOM_STAGES[2],
                      18: KNOWN_ROOM_STAGES[2], 19: KNOWN_ROOM_STAGES[2],
                      20: KNOWN_ROOM_STAGES[2], 21: KNOWN_ROOM_STAGES[2],
                      22: KNOWN_ROOM_STAGES[2], 23: KNOWN_ROOM_STAGES[2]}


# from this keying on a case proves its keying: ``persons.keying_id`` = HMAC(case.key, keying and record chains)
# (persons.keys.keying_id), checked with the case's key wherever the key is (persons.keys.check_key_id): keyings 14 and
# 15 write chains of one format, so without it a 14 edited to 15 would read as checked
PROVEN_KEYING = 15


def keyings_of_one_format(keying: object) -> tuple[int, ...]:
    """The keyings whose record chains have the format ``keying``'s have (the same room stages), itself included, when
    there are several (12 and 13; 14 and 15): the chains' format cannot tell which of them counted the persons, so an
    old case's ``persons.keying`` (12-14: no ``keying_id``) is stated, not proven by them (a 13 edited to 12 reads);
    keying 15 on proves itself by ``keying_id`` (keying_stated). () for a keying whose chains only it writes, or one
    this version does not know (refused by _check_keying)."""
    if type(keying) is not int or keying not in KEYING_ROOM_STAGES:
        return ()
    same = tuple(k for k, stages in KEYING_ROOM_STAGES.items() if stages == KEYING_ROOM_STAGES[keying])
    return same if len(same) > 1 else ()


def keying_stated(persons: dict[str, Any], key_checked: bool) -> tuple[int, ...]:
    """keyings_of_one_format of a case's (or a merge's) ``persons.keying`` when nothing proves it: no ``keying_id``
    (a case of keyings 12-14), or one that could not be checked (``key_checked``: no case.key to check it with);
    () when the keying is proven or its chain format is its own."""
    same = keyings_of_one_format(persons.get("keying"))
    return () if not same or (persons.get("keying_id") is not None and key_checked) else same


def room_stage_count(persons: dict[str, Any]) -> int:
    """How many room stages end a case's chains (its own ``room_stages``; 0 for a case written before Session 11)."""
    levels = persons.get("room_stages")
    return len(levels) if isinstance(levels, list) else 0
_Node = TypeVar("_Node")


def resolve_persons(paths: Iterable[tuple[_Node, ...]],
                    links: Iterable[tuple[tuple[_Node, ...], tuple[_Node | None, _Node | None, _Node | None]]] = ()
                    ) -> dict[tuple[_Node, ...], _Node]:
    """Each row's person, from its path: its key without room, then (when its building part names them) its key
    with the room number, then with the room and the wing (A棟, 2号棟). A path that ends where others go on joins
    the one person found below it (a copy that left the room, or the wing, out), and stays apart (its own
    person, listed probable) when two or more are found there; a path that ends lowest is its own person.

    ``links`` (keying 16 on; one entry per record: its path and (number tag, wing tag, alias)) read a record another
    way too, where its building part allows two readings (normalise.room_reading): a record's alias is the tag of the
    persons it may also be, the tags the persons below other paths carry (a number tag: they name that building's
    number; a wing tag: they name a room and a building's number with a wing). A path whose every record names one
    alias looks for the persons carrying it as for the persons below it: `メゾン2001` alone (room 2001, or building
    2001 without a room) joins the only person of building 2001 (`メゾン2001 305号室`), `メゾン2000 305号室` the only
    person in room 305 of a wing of building 2000 (`メゾン2000 A棟305`); two or more found: its own person (listed).
    A path whose records disagree (`コーポ山田205` beside `コーポ山田 205号室`) is read as its path alone. An alias may
    also be carried by paths as long as its own (keying 20, siblings): `B101` (room 101 of the basement or of wing B) joins
    the only person in `地下101` or `B棟101`, a floor alone (`3F`) the only person on that floor (`301`); such a path is
    resolved after the siblings it reads, and never read sideways itself.

    The one rule the count (persons.count.split_rooms), merge and the evidence checks share: keys are compared,
    never read, so clear keys, keyed ones and a case's chain parts all resolve the same way; the result depends on
    the set of paths and links only (never on their order: a scan of several files, in any order and by any number
    of workers, and a merge of scans of each resolve alike)."""
    ends = set(paths)
    links = links if isinstance(links, (list, tuple, set, frozenset)) else list(links)
    # a path -> the one alias all its records name (persons19: no set of aliases per path; most name none)
    alias_of: dict[tuple[_Node, ...], _Node] = {}
    mixed: set[tuple[_Node, ...]] = set()  # paths with a record naming no alias, or two records naming two
    for path, (_number, _wing, alias) in links:
        ends.add(path)
        if path in mixed:
            continue
        if not alias or alias_of.setdefault(path, alias) != alias:
            mixed.add(path)
            alias_of.pop(path, None)
    # a tag -> the paths carrying it, only for the tags some path asks for (persons19: most rooms carry a floor tag
    # nobody asks for)
    wanted = set(alias_of.values())
    tagged: dict[_Node, set[tuple[_Node, ...]]] = {}
    if wanted:
        for path, (number, wing, _alias) in links:
            if number in wanted:
                tagged.setdefault(number, set()).add(path)
            if wing in wanted:
                tagged.setdefault(wing, set()).add(path)
    below: dict[tuple[_Node, ...], set[_Node]] = {}  # a path's persons found at or below it
    out: dict[tuple[_Node, ...], _Node] = {}
    # persons18: an alias carried by paths as long as its own (siblings: B101 -> B棟101 or 地下101; 3F -> 301) is read
    # after them; a sibling that itself looks sideways is never read (the result would depend on the order)
    sideways = {path for path, alias in alias_of.items() if any(len(o) == len(path) for o in tagged.get(alias, ()))}
    for path in sorted(ends, key=lambda p: (-len(p), p in sideways)):
        found = below.get(path, set())
        if (alias := alias_of.get(path)) is not None:
            # the persons carrying the alias: on longer paths (a room, or a room and a wing, more) or siblings, resolved
            found = found | {out[other] for other in tagged.get(alias, ()) if len(other) > len(path)
                             or (len(other) == len(path) and other not in sideways and other != path)}
        out[path] = next(iter(found)) if len(found) == 1 else path[-1]
        mine = {out[path]}
        for cut in range(1, len(path)):
            below.setdefault(path[:cut], set()).update(mine | found)
    return out


def chain_figures(chains: list[str], rules: int, rooms: int, where: str = "persons.chains"
                  ) -> tuple[list[int], dict[str, str]]:
    """Distinct keys at every stage (after trimming, then after each rule) and each record's person (chain ->
    its person's part) over the keyed stage chains a scan records (persons.analysis.stage_chains). ``rooms``: how
    many room stages end the chains (room_stage_count: each record's own key with its room, then its wing, then its
    building number) when persons are resolved from them (resolve_persons); 0 (a case written before Session 11):
    the last part is the person."""
    stages = rules + 1 + rooms
    distinct = chain_counts(chains, stages, where)
    paths = {chain: chain_path(chain, rules, rooms) for chain in chains}
    links = [(paths[chain], chain_links(chain, rules, rooms)) for chain in chains] if rooms > PATH_STAGES else []
    person = resolve_persons(paths.values(), links)
    return distinct[:rules + 1], {chain: person[path] for chain, path in paths.items()}


def chain_links(chain: str, rules: int, rooms: int) -> tuple[str | None, str | None, str | None]:
    """A chain's link parts (number tag, wing tag, alias: resolve_persons), None where it names none; (None, None,
    None) for a chain written before keying 16 (no link stages)."""
    if rooms <= PATH_STAGES:
        return None, None, None
    parts = chain.split(",")[rules + 1 + PATH_STAGES:rules + 1 + rooms]
    number, wing, alias = (parts + ["", "", ""])[:3]
    return number or None, wing or None, alias or None


def chain_path(chain: str, rules: int, rooms: int) -> tuple[str, ...]:
    """A chain's key path (resolve_persons): its key after the last rule, then its room and wing parts when it
    names them; (its last part,) for a chain without room stages (before Session 11: the last part is the person)."""
    parts, current, full = chain.split(","), "", []
    for part in parts:
        current = part or current
        full.append(current)
    if not rooms:
        return (full[-1],)
    path = [full[rules]]
    for part in parts[rules + 1:rules + 1 + min(rooms, PATH_STAGES)]:
        if not part:
            break
        path.append(part)
    return tuple(path)


def _check_person_figures(p: dict[str, Any], where: str) -> None:
    """The person figures agree with what they are counted from (the fingerprints, the record chains, the
    counted files): a count edited by hand, with the manifest made again, is caught here."""
    def differ(what: str, stated: object, counted: object) -> EvidenceError:
        return EvidenceError(f"{where}.{what}: {stated}, but its own records give {counted} (edited?)")

    prints = p.get("fingerprints")
    if isinstance(prints, list) and len(set(prints)) != p["unique"]:
        raise differ("unique", p["unique"], len(set(prints)))
    chains, rules = p.get("chains"), p.get("rules")
    if isinstance(chains, list) and isinstance(rules, list):
        distinct, person = chain_figures(chains, len(rules), room_stage_count(p), f"{where}.chains")
        if len(set(chains)) != len(chains) or distinct[0] != p.get("unique_exact"):
            raise differ("unique_exact", p.get("unique_exact"), distinct[0])
        persons = len(set(person.values()))
        if persons != p["unique"]:
            raise differ("unique", p["unique"], persons)
        rooms = room_stage_count(p)
        _check_person_keys(p, set(person.values()), {chain_path(c, len(rules), rooms)[-1] for c in chains}, where)
        merges = p.get("merges") or {}
        for i, rule in enumerate(rules):
            dropped = distinct[i] - (distinct[i + 1] if i + 1 < len(rules) else persons)
            if merges.get(rule, 0) != dropped:
                raise differ(f"merges.{rule}", merges.get(rule), dropped)
    files = p.get("files")
    if isinstance(files, list) and files and all(isinstance(f, dict) and "without_name" in f for f in files):
        total = sum(_count(f.get("records")) + _count(f.get("without_name")) for f in files)
        if total != p["records"]:
            raise differ("records", p["records"], total)


def _check_person_keys(p: dict[str, Any], persons: set[str], own: set[str], where: str) -> None:
    """Which persons, not only how many: the fingerprints are exactly the persons the chains give, and ``joined``
    exactly the keys of records that joined a person below them (a key of no record, or a chain's room edited,
    would reach a merge's figures). ``own``: each chain's own last key (empty for a case without room stages)."""
    prints = p.get("fingerprints")
    if isinstance(prints, list) and {f[:16] for f in prints} != persons:
        raise EvidenceError(f"{where}.fingerprints: not the persons its record chains give (edited?)")
    joined = p.get("joined", [] if "room_stages" in p else None)
    if isinstance(joined, list) and {f[:16] for f in joined} != own - persons:
        raise EvidenceError(f"{where}.joined: not the keys of its records that joined another (edited?)")


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def check_named_files(value: object, where: str) -> None:
    """The ``named_files`` section (scanner.named) the terminal, the report and merge read."""
    if not isinstance(value, list):
        raise EvidenceError(f"{where}: not a list")
    for i, v in enumerate(value):
        e = _Reader(v, f"{where}[{i}]")
        e.str("name"), e.str("extension"), e.int("found_as_given"), e.opt_str("rule", CODE)
        e.int("input", required=False, minimum=1)
        for n in e.obj("counted_by_stem").values():
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise EvidenceError(f"{where}[{i}].counted_by_stem: not a count")


# -- reading from a case folder ---------------------------------------------------------------------
def findings_path(path: Path) -> Path:
    """A findings.json path, or the output folder holding one."""
    return path / FINDINGS if path.is_dir() else path


def require_case_path(path: Path, option: str = "") -> None:
    """A folder or findings.json named on the command line (diff, merge, --baseline) that is not there at all is
    said so in one line (exit 2), before any other check could blame another option (the folder it would be in)."""
    if not os.path.lexists(path):
        raise UsageError(f"{option + ' ' if option else ''}{path}: no such output folder or findings.json")


def read_case_file(path: Path, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """Read a file from a case folder as untrusted input: a regular file, never through a link (the last
    component), never blocking on a FIFO, at most ``limit`` bytes. Problems are UsageErrors."""
    return _read_case(path, limit)[0]


def _read_case(path: Path, limit: int) -> tuple[bytes, os.stat_result]:
    """read_case_file, and what fstat said of the file read (its identity: readonce)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError as e:
        raise UsageError(f"{path}: no such file") from e
    except OSError as e:
        if os.path.islink(path):
            raise EvidenceError(f"{path}: a symbolic link, not a file leakscan wrote (not followed)") from e
        raise UsageError(f"{path}: cannot read it ({e.strerror or e})") from e
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise EvidenceError(f"{path}: not a regular file")
        if st.st_size > limit:
            raise EvidenceError(f"{path}: {st.st_size} bytes, more than leakscan would write ({limit})")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise EvidenceError(f"{path}: more than {limit} bytes")
    return data, st


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON leakscan writes")


def _finite(text: str) -> float:
    """A JSON number with a fraction or exponent; one too large for a float (``1e999``, read as infinity) is no
    number leakscan writes (Session 22: it passed where NaN was refused)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("a number out of range is not JSON leakscan writes")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are each given once: a duplicate key means one reader sees what another does not
    (Python keeps the last, other tools the first; Session 22: a second ``case`` or ``files`` was read silently)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("a key given twice in one object is not JSON leakscan writes")
    return out


def parse_json(data: bytes, where: str) -> object:
    """Strict JSON (no NaN/Infinity, no number out of range, no key twice in one object); any decoding problem is
    an EvidenceError."""
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite,
                          object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise EvidenceError(f"{where}: not a readable {SCHEMA} file ({type(e).__name__})") from e


def read_findings(path: Path) -> tuple[FindingsDoc, str]:
    """Read and check a findings.json (or the folder holding one), and the SHA-256 of the very bytes
    read. Anything that is not a findings.json leakscan writes: a UsageError (exit 2)."""
    from .output import refuse_unfinished

    refuse_unfinished(path)
    path = findings_path(path)
    data, st = _read_case(path, MAX_DOCUMENT_BYTES)
    raw = parse_json(data, str(path))
    doc = FindingsDoc.from_json(raw, str(path))
    readonce.keep_parsed(st, raw)  # a loader's parse (verify23: the manifest check parsed it again)
    return doc, readonce.digest(st, lambda: hashlib.sha256(data).hexdigest())


def load_findings(path: Path) -> FindingsDoc:
    """Read and check a findings.json (or the folder holding one). Anything else: a UsageError, exit 2."""
    return read_findings(path)[0]
