"""Every content inspector and post-scan analysis a scan runs, named in one list each.

Modelled on dissect.target's filesystem register list and plaso's parsers manager: the members are
imported here by name, so a member that fails to import stops leakscan with an error instead of quietly
scanning without it (a scan without its archive or spreadsheet inspector would report a silent clean);
two members with the same name are refused. The order is the order the pipeline asks them in.

To add an inspector: write a class following ``contracts.Inspector`` (a ``name``, ``wants``, ``inspect``;
its constructor takes the ScanConfig) in scanner/inspectors/, import it below and add it to INSPECTORS.
An analysis follows ``contracts.Analysis`` and goes into ANALYSES.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, Protocol, TypeVar

from .config import ScanConfig
from .contracts import Analysis, Inspector, InspectorClass
from .errors import LeakscanError
from .inspectors.archive import ArchiveInspector
from .inspectors.image import ImageInspector
from .inspectors.lockfile import LockFileInspector
from .inspectors.mail import MailInspector
from .inspectors.pdf_attachments import PdfInspector
from .inspectors.recyclebin import RecycleBinInspector, RecycledPairing
from .inspectors.spreadsheet import SpreadsheetInspector
from .named import NamedExtension
from .persons.analysis import PersonCount
from .promote import LeadPromotion
from .traces.analysis import TraceAnalysis
from .traces.inspector import DeviceLogInspector, TraceInspector


class RegistryError(LeakscanError):
    """A registry was given a member without a name, or two members with one name (a programming error)."""


class _Named(Protocol):
    name: str


T = TypeVar("T", bound=_Named)


class Registry(Generic[T]):
    """Members by name, in registration order; a missing or duplicate name is refused at once."""

    def __init__(self, kind: str, members: Iterable[T] = ()) -> None:
        self.kind = kind
        self._members: dict[str, T] = {}
        for member in members:
            self.register(member)

    def register(self, member: T) -> T:
        name = getattr(member, "name", None)
        if not isinstance(name, str) or not name:
            raise RegistryError(f"{self.kind} {member!r} has no name")
        if name in self._members:
            raise RegistryError(f"two {self.kind}s are named {name!r}: {self._members[name]!r} and {member!r}")
        self._members[name] = member
        return member

    def names(self) -> list[str]:
        return list(self._members)

    def __getitem__(self, name: str) -> T:
        return self._members[name]

    def __iter__(self) -> Iterator[T]:
        return iter(self._members.values())

    def __len__(self) -> int:
        return len(self._members)


INSPECTORS: Registry[InspectorClass] = Registry("inspector", [
    SpreadsheetInspector,
    ArchiveInspector,
    MailInspector,
    PdfInspector,
    RecycleBinInspector,
    LockFileInspector,
    TraceInspector,
    DeviceLogInspector,
    ImageInspector,
])

ANALYSES: Registry[Analysis] = Registry("analysis", [
    RecycledPairing(),  # first: a recycled copy found by its content takes its original name's rules
    NamedExtension(),  # before the person count: the named file found under another extension is counted
    PersonCount(),
    LeadPromotion(),  # after the person count: record-overlap must be known
    TraceAnalysis(),  # after the persons: record-overlap files are known then
])


def inspectors_for(config: ScanConfig) -> list[Inspector]:
    """A fresh instance of every registered inspector (some keep state across the files of one scan)."""
    return [cls(config) for cls in INSPECTORS]
