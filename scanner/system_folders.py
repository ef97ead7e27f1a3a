"""Windows system folders whose refusal is expected at a volume's root (signatures/system_folders.toml).

``System Volume Information`` at the root of a Windows volume is refused to everyone but SYSTEM: a scan of a
``D$`` share was incomplete (exit 3) for ever because of it (review10g #10). Such a folder is still listed (it was
not examined) but under its own reason ``system-folder`` ("system folder not readable (expected)"), which does not
make the scan incomplete; ``--strict-complete`` keeps it ``unreadable`` (incomplete). Only a folder directly under
the SOURCE's root (or a share's root, or a mount point) counts: a denied folder of that name deeper in a tree is a
place a file may hide like any other.
"""

from __future__ import annotations

import os
from functools import cache

from . import rules
from .codes import Status
from .details import FOLDER_NOT_LISTED, Detail, read_details, say
from .models import Skipped


@cache
def names() -> frozenset[str]:
    """The folder names of the rule file, case-folded (Windows names are case-insensitive)."""
    return frozenset(str(f["name"]).casefold() for f in rules.load("system_folders").get("folder") or [])


def _parent_and_name(path: str) -> tuple[str, str]:
    p = path.replace("\\", "/").rstrip("/")
    parent, _, name = p.rpartition("/")
    return parent, name


def _at_volume_root(skip: Skipped, parent: str) -> bool:
    loc = skip.location
    if loc.containers:  # on a share: the share's root (the SOURCE's own folder on it is no volume root)
        return len(loc.containers) == 1 and loc.containers[0].kind == "smb" and parent == ""
    root = loc.source.replace("\\", "/").rstrip("/")
    if parent == root:
        return True
    try:
        return os.path.ismount(parent or "/")  # a volume mounted inside the scanned tree
    except (OSError, ValueError):
        return False


def expected(skip: Skipped) -> Skipped:
    """``skip`` as ``system-folder`` when it is a listing refused on a listed system folder at a volume root; else
    ``skip`` unchanged. Total: never raises (it runs while a failure is being recorded)."""
    try:
        if skip.reason != Status.UNREADABLE:
            return skip
        codes = read_details(str(skip.detail or ""))  # a listing refused: by its code, never its first word
        if not codes or codes[0].get("code") not in FOLDER_NOT_LISTED:
            return skip
        parent, name = _parent_and_name(skip.location.path)
        if name.casefold() not in names() or not _at_volume_root(skip, parent):
            return skip
        return Skipped(skip.location, Status.SYSTEM_FOLDER, say(Detail.SYSTEM_FOLDER_EXPECTED, why=skip.detail))
    except Exception:  # noqa: BLE001 - a rule file problem never costs the skip itself
        return skip
