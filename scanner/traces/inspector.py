"""TraceInspector: reads every trace artefact a source holds and keeps what it records for the analysis.

Artefacts are picked by name first (no I/O), then by their leading bytes among files whose extension
says nothing; they are parsed in the killable parser worker (scanner.isolation), so a damaged hive or
jump list costs that one file, listed as ``corrupt``. An artefact is never a hit: what it refers to is
matched against the name rules and the scan's person-records files once the walk is over
(scanner.traces.analysis).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..codes import Status
from ..config import ScanConfig
from ..contracts import Inspection, ScanContext
from ..details import Detail, join_details, say
from ..errors import ReadError
from ..isolation import shared_worker
from ..models import Entry, FileStat, Location
from ..names import split_ext
from .artefacts import Owner, kind_by_content, kind_by_name, owner_of
from .records import ArtefactKind, ArtefactTraces

MIN_LNK = 76  # the fixed LNK header
# extensions no artefact has, so their files need no head read (documents, media, archives, workbooks)
NEVER_ARTEFACTS = frozenset({
    ".xlsx", ".xlsm", ".xltx", ".xls", ".xlsb", ".ods", ".csv", ".tsv", ".txt", ".zip", ".7z", ".gz", ".tar",
    ".docx", ".doc", ".pptx", ".ppt", ".pdf", ".odt", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff",
    ".mp3", ".mp4", ".mov", ".avi", ".wav", ".exe", ".dll", ".sys", ".so", ".py", ".js", ".html", ".htm", ".css",
    ".xml", ".json", ".ini", ".jtd", ".mdb", ".accdb", ".msg", ".eml", ".epub", ".jar", ".apk", ".lzh", ".rar",
    ".log",  # device logs are wanted by their names only (DeviceLogInspector), not every log on a server
})


@dataclass
class FoundArtefact:
    """One artefact read during the walk (kept in memory until the analysis)."""

    location: Location
    deleted: bool
    stat: FileStat
    owner: Owner
    traces: ArtefactTraces


class TraceInspector:
    """Shortcuts, jump lists, registry hives and device logs: what a PC recorded about files and devices."""

    name = "traces"
    skip_extensions = NEVER_ARTEFACTS  # wants_name as data (scanner.prefilter)
    reads_beyond_bytes = frozenset({".dat"})  # (contracts) NTUSER.DAT, UsrClass.dat: hives by their whole name

    def __init__(self, config: ScanConfig) -> None:
        self.config = config

    def wants_name(self, name: str) -> bool:
        return split_ext(name)[1].casefold() not in NEVER_ARTEFACTS

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool:
        kind = kind_by_name(entry.name, entry.location.path)
        if kind is not None:
            return kind != ArtefactKind.SETUPAPI  # DeviceLogInspector's
        ext = split_ext(entry.name)[1].casefold()
        if size < MIN_LNK or ext in NEVER_ARTEFACTS:
            return False
        return kind_by_content(head()) is not None

    def inspect(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
        from .artefacts import parse_artefact

        kind = kind_by_name(entry.name, entry.location.path) or kind_by_content(data[:512])
        if kind is None:
            return Inspection()
        timeout = getattr(self.config, "parse_timeout", 120.0)
        try:
            found = shared_worker().call(parse_artefact, (str(kind), data, entry.name), timeout + 5)
        except ReadError as e:
            return Inspection(status=e.reason, detail=say(Detail.ARTEFACT_PROBLEM, kind=str(kind), why=e.detail))
        try:
            st = entry.stat()
        except (ReadError, OSError):
            st = FileStat(len(data))
        ctx.result.traces.append(FoundArtefact(entry.location, entry.deleted, st, owner_of(entry.location), found))
        if found.warnings:  # what was read is kept; the damaged rest is listed, never passed over
            return Inspection(status=Status.CORRUPT,
                              detail=say(Detail.ARTEFACT_PARTLY_READ, kind=str(kind),
                                         why=join_details(found.warnings[:5])))
        return Inspection()


class DeviceLogInspector(TraceInspector):
    """``setupapi.dev.log`` / ``setupapi.log`` by name: a prefix lets the pre-filter skip every other log."""

    name = "traces-devicelog"
    only_prefixes = ("setupapi.",)  # wants_name as data (scanner.prefilter: any letter case)
    reads_beyond_bytes: frozenset[str] = frozenset()  # (contracts) its names are its prefix's: never tabled

    def wants_name(self, name: str) -> bool:
        return name[:9].casefold() == "setupapi."

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool:
        return kind_by_name(entry.name, entry.location.path) == ArtefactKind.SETUPAPI
