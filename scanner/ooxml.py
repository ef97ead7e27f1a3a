"""Where an OOXML workbook's parts are: package and workbook relationships, read the way calamine reads them.

Shared by the readers' checks (scanner.tables) and the cache readers (scanner.caches), so neither imports
the other. Also the one zip directory read of a workbook in memory (:func:`held_zip`): its format sniff and bomb
guard share one ZipFile and one package read.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class OoxmlPackage:
    """Where an OOXML workbook's parts are, found the way calamine finds them: member names compared in
    lower case with ``\\`` as ``/`` (Windows zippers write ``xl\\workbook.xml``), the workbook part from the
    package relationships (``_rels/.rels`` officeDocument: ``xl/``, the root or any folder), its sheets from
    the workbook's relationships. ``members`` maps each normalised name to the member's own name."""

    members: dict[str, str]
    workbook: str | None = None  # normalised name of the workbook part (.xml or .bin)
    sheets: set[str] = field(default_factory=set)  # normalised names of the sheet parts
    # copies of rows kept outside the sheets (scanner.caches): pivot cache definitions, external-link parts and
    # the Power Pivot data model, from the workbook's relationships and the usual names (normalised names)
    pivot_caches: list[str] = field(default_factory=list)
    external_links: list[str] = field(default_factory=list)
    data_model: list[str] = field(default_factory=list)

    @property
    def caches(self) -> bool:
        """Does the workbook keep rows outside its sheets (anything for scanner.caches to read or list)?"""
        return bool(self.pivot_caches or self.external_links or self.data_model)


_RELATIONSHIP = re.compile(rb"""<(?:\w+:)?Relationship\b[^>]*>""", re.S)
_ATTR = re.compile(rb"""\b(Type|Target)\s*=\s*["']([^"']*)["']""")
_MAX_RELS = 1 << 20  # a relationships part is a few KiB; more is not read (a bomb is check_zip's to find)


def normalised_part(name: str) -> str:
    return name.replace("\\", "/").lstrip("/").lower()


def part_relationships(zf: zipfile.ZipFile, members: dict[str, str], part: str) -> list[tuple[str, str]]:
    """(type, target) of each relationship in ``part`` (normalised name); none when it is absent."""
    own = members.get(part)
    if own is None:
        return []
    try:
        with zf.open(own) as f:
            xml = f.read(_MAX_RELS)
    except Exception:  # noqa: BLE001 - a damaged part: the usual names are tried, and the reader says what is wrong
        return []
    out = []
    for tag in _RELATIONSHIP.findall(xml):
        attrs = {k.decode(): v.decode("utf-8", "replace") for k, v in _ATTR.findall(tag)}
        out.append((attrs.get("Type", ""), attrs.get("Target", "")))
    return out


def resolve_target(folder: str, target: str) -> str:
    """A relationship target as calamine resolves it: absolute from the package root, else in ``folder``
    (``..`` and ``.`` folded, which calamine does not do: the guard then checks more, never less)."""
    name = normalised_part(target if target.startswith("/") else folder + target)
    return posixpath.normpath(name) if name else name


def workbook_target(members: dict[str, str], folder: str, target: str) -> str:
    """A target of the workbook's relationships: from the workbook's ``folder``, or, when no part is there but one
    is at the target read from the package root (``x1/worksheets/sheet1.xml`` in ``x1/_rels/workbook.xml.rels``:
    some writers' packages, which Excel opens), that part, so the checks size the part the rewrite reads."""
    name = resolve_target(folder, target)
    if name not in members and folder and not target.startswith("/") and resolve_target("", target) in members:
        return resolve_target("", target)
    return name


def ooxml_package(zf: zipfile.ZipFile) -> OoxmlPackage:
    """The workbook part and sheet parts of an OOXML package (see OoxmlPackage); workbook None when the zip
    holds no workbook. A package without relationships falls back to ``xl/workbook.xml`` / ``.bin``."""
    members = {normalised_part(n): n for n in zf.namelist()}
    package = OoxmlPackage(members)
    for rel_type, target in part_relationships(zf, members, "_rels/.rels"):
        if rel_type.endswith("/officeDocument") and resolve_target("", target).endswith(("workbook.xml", "workbook.bin")):
            if resolve_target("", target) in members:
                package.workbook = resolve_target("", target)
                break
    if package.workbook is None:
        package.workbook = next((n for n in ("xl/workbook.bin", "xl/workbook.xml") if n in members), None)
    if package.workbook is None:
        # a workbook part in xl/ under another name (the old rule): calamine may not read it, openpyxl may
        package.workbook = next((n for n in members if n.startswith("xl/") and n.endswith("workbook.xml")), None)
    if package.workbook is None:
        return package
    folder = package.workbook.rpartition("/")[0]
    folder = folder + "/" if folder else ""
    rels = f"{folder}_rels/{package.workbook.rpartition('/')[2]}.rels"
    cached: dict[str, list[str]] = {"pivotCacheDefinition": package.pivot_caches, "externalLink": package.external_links,
                                    "powerPivotData": package.data_model}
    for rel_type, target in part_relationships(zf, members, rels):
        kind, part = rel_type.rsplit("/", 1)[-1], workbook_target(members, folder, target)
        if kind in ("worksheet", "dialogsheet", "macrosheet", "xlMacrosheet"):
            package.sheets.add(part)
        elif kind in cached and part not in cached[kind]:
            cached[kind].append(part)
    # sheets (and caches) in the usual folders, whether the relationships name them or not (a damaged rels part)
    for name in members:
        if _USUAL_PART.search(name):
            if _USUAL_SHEET.search(name):
                package.sheets.add(name)
            elif (usual := _usual_cache(name)) and name not in cached[usual]:
                cached[usual].append(name)
    return package


_USUAL_PART = re.compile(r"(?:^|/)(?:worksheets|macrosheets|dialogsheets|pivotcache|externallinks|model)/[^/]+$")
_USUAL_SHEET = re.compile(r"(?:^|/)(?:worksheets|macrosheets|dialogsheets)/[^/]+\.(?:xml|bin)$")
_USUAL_CACHES = (("pivotCacheDefinition", re.compile(r"/pivotcache/pivotcachedefinition[^/]*\.(?:xml|bin)$")),
                 ("externalLink", re.compile(r"/externallinks/externallink[^/]*\.(?:xml|bin)$")),
                 ("powerPivotData", re.compile(r"/model/item\.data$")))


def _usual_cache(name: str) -> str | None:
    return next((kind for kind, pattern in _USUAL_CACHES if pattern.search("/" + name)), None)


class _Held:
    """The zip of one file's bytes, read once: its ZipFile (or the error opening it gave) and its package."""

    __slots__ = ("data", "zf", "error", "package")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.zf: zipfile.ZipFile | None = None
        self.error: BaseException | None = None
        self.package: OoxmlPackage | None = None


_HELD: ContextVar[_Held | None] = ContextVar("_HELD", default=None)


@contextmanager
def held_zip(data: bytes) -> Iterator[None]:
    """While inside, :func:`opened_zip` of these very bytes (the same object) reads their central directory once
    and :func:`package_of` its package once (issue 11, work23: a workbook's directory was parsed by the format
    sniff and again by the bomb guard). Bytes read again after a repair are another object: opened as before."""
    token = _HELD.set(_Held(data))
    try:
        yield
    finally:
        held = _HELD.get()
        _HELD.reset(token)
        if held is not None and held.zf is not None:
            held.zf.close()


@contextmanager
def opened_zip(data: bytes) -> Iterator[zipfile.ZipFile]:
    """``zipfile.ZipFile(io.BytesIO(data))`` as a context (the held one when ``data`` is the held bytes: not closed
    on leaving, and an error opening it raised again, as a new exception of the same type, to every caller)."""
    held = _HELD.get()
    if held is None or held.data is not data:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            yield zf
        return
    if held.zf is None and held.error is None:
        try:
            held.zf = zipfile.ZipFile(io.BytesIO(data))
        except Exception as e:  # noqa: BLE001 - kept to be raised again, as each caller met it before
            held.error = e
    if (error := held.error) is not None:
        try:
            again = type(error)(*error.args)
        except Exception:  # noqa: BLE001 - an exception not made again from its args: the one kept
            again = error
        raise again
    assert held.zf is not None
    yield held.zf


def let_go(data: bytes) -> None:
    """The held zip of ``data`` closed and dropped once its last reader (the bomb guard) is done: not kept beside
    calamine's own read of the directory for the rest of the inspection (its ZipInfos: ~500 bytes a member,
    review23w). A later reader opens it again (held again until the inspection ends)."""
    held = _HELD.get()
    if held is not None and held.data is data and held.zf is not None:
        held.zf.close()
        held.zf, held.package = None, None


def package_of(zf: zipfile.ZipFile) -> OoxmlPackage:
    """:func:`ooxml_package`, read once for the held zip (:func:`held_zip`); its callers only read it."""
    held = _HELD.get()
    if held is None or held.zf is not zf:
        return ooxml_package(zf)
    if held.package is None:
        held.package = ooxml_package(zf)
    return held.package
