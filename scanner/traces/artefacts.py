"""Which files are trace artefacts (by name, by content signature), who they belong to, and the one
entry point the parser worker calls.

Names are the ones Windows gives: ``*.lnk``, ``<AppID>.automaticDestinations-ms``, ``NTUSER.DAT``,
``UsrClass.dat``, ``SYSTEM`` and ``SOFTWARE`` in ``System32\\config``, ``setupapi.dev.log`` /
``setupapi.log``. A renamed shortcut, hive or device log is still found by its leading bytes (a deleted
file recovered under another name, an export with a case number for a name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..backends import MissingBackend, load
from ..codes import Status
from ..errors import ReadError
from ..models import Location
from .records import LNK_MAGIC, OLE_MAGIC, REGF_MAGIC, SETUPAPI_SIGNATURES, ArtefactKind, ArtefactTraces

_JUMPLIST = re.compile(r"^([0-9a-f]{16})\.automaticdestinations-ms$")
_HIVE_NAMES = {"ntuser.dat", "usrclass.dat"}
_CONFIG_HIVES = {"system", "software"}
_SETUPAPI = {"setupapi.dev.log", "setupapi.log", "setupapi.app.log"}


def kind_by_name(name: str, path: str) -> ArtefactKind | None:
    """The artefact a file name (and, for SYSTEM/SOFTWARE, its folder) says it is."""
    low = name.casefold()
    if low.endswith(".lnk"):
        return ArtefactKind.LNK
    if low.endswith(".automaticdestinations-ms"):
        return ArtefactKind.JUMPLIST
    if low in _HIVE_NAMES:
        return ArtefactKind.HIVE
    if low in _CONFIG_HIVES and path.replace("\\", "/").casefold().rsplit("/", 2)[-2:-1] == ["config"]:
        return ArtefactKind.HIVE
    if low in _SETUPAPI:
        return ArtefactKind.SETUPAPI
    return None


def looks_like_setupapi(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf\r\n ").startswith(SETUPAPI_SIGNATURES)


def kind_by_content(head: bytes) -> ArtefactKind | None:
    """The artefact leading bytes say a file is (jump lists need their name: many files are OLE)."""
    if head.startswith(LNK_MAGIC):
        return ArtefactKind.LNK
    if head.startswith(REGF_MAGIC):
        return ArtefactKind.HIVE
    if looks_like_setupapi(head):
        return ArtefactKind.SETUPAPI
    return None


def app_id(name: str) -> str:
    m = _JUMPLIST.match(name.casefold())
    return m.group(1) if m else ""


# the libyal readers each artefact needs (scanner.backends: a missing one is "unsupported", never a clean)
NEEDS = {ArtefactKind.LNK: ("pylnk",), ArtefactKind.JUMPLIST: ("pyolecf", "pylnk"),
         ArtefactKind.HIVE: ("pyregf", "pyfwsi"), ArtefactKind.SETUPAPI: ()}


def parse_artefact(kind: str, data: bytes, name: str) -> ArtefactTraces:
    """Parse one artefact's bytes (runs in the killable parser worker); raises on damaged data.

    The parsers and their libraries are imported here, in the worker, never in the scanning process."""
    try:
        for module in NEEDS.get(ArtefactKind(kind), ()):
            load(module)
    except MissingBackend as e:
        raise ReadError(Status.UNSUPPORTED, e.args[0] if e.args else str(e)) from e  # its Said
    from .jumplist import parse_jumplist
    from .lnk import parse_lnk
    from .registry import parse_hive
    from .setupapi import parse_setupapi

    if kind == ArtefactKind.LNK:
        out = ArtefactTraces(ArtefactKind.LNK)
        out.references.append(parse_lnk(data))
        return out
    if kind == ArtefactKind.JUMPLIST:
        if not data.startswith(OLE_MAGIC):
            raise ValueError("not an OLE compound file")
        return parse_jumplist(data, app_id(name))
    if kind == ArtefactKind.HIVE:
        return parse_hive(data)
    if kind == ArtefactKind.SETUPAPI:
        return parse_setupapi(data)
    raise ValueError(f"unknown artefact kind {kind}")


@dataclass(frozen=True)
class Owner:
    """The PC and user profile an artefact belongs to, read from where it lies."""

    pc: str  # the PC's root as displayed: "/share/PC05", "/cases/pc08.E01 » p1 (NTFS)"
    label: str  # a short name for the report: "PC05", "pc08.E01"
    profile: str  # "staff"; "" for machine-wide artefacts (SYSTEM, setupapi)


_PROFILE = re.compile(r"^(.*?)(?:^|[/\\])(?:users|documents and settings)[/\\]([^/\\]+)[/\\]", re.IGNORECASE)
_WINDOWS = re.compile(r"^(.*?)(?:^|[/\\])windows[/\\]", re.IGNORECASE)
_HOP = " » "


def owner_of(location: Location) -> Owner:
    """``…/PC05/Users/staff/NTUSER.DAT`` -> PC ``…/PC05``, profile ``staff``; ``…/Windows/…`` -> that PC.

    Artefacts lying elsewhere (an examiner's export folder) belong to the folder that holds them.
    """
    text = location.display()
    m = _PROFILE.match(text)
    profile = ""
    if m:
        root, profile = m.group(1), m.group(2)
    else:
        w = _WINDOWS.match(text)
        root = w.group(1) if w else re.split(r"[/\\](?=[^/\\]*$)", text, maxsplit=1)[0]
    root = root.rstrip(" »/\\") or (location.containers[-1].name if location.containers else location.source)
    if root.endswith(_HOP.strip()):
        root = root[:-1].rstrip()
    label = _short(root, location)
    return Owner(root, label, profile)


def _short(root: str, location: Location) -> str:
    """The last folder of the PC root, or the image's file name when the root is a volume of an image."""
    if location.containers:
        inner = root.rsplit(_HOP, 1)[-1] if _HOP in root else ""
        parts = [p for p in re.split(r"[/\\]", inner) if p] if inner.startswith(("/", "\\")) else []
        return parts[-1] if parts else re.split(r"[/\\]", location.containers[0].name)[-1]
    parts = [p for p in re.split(r"[/\\]", root) if p]
    return parts[-1] if parts else root
