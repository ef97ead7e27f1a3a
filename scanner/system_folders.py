"""Windows system folders whose refusal is expected at a volume's root (signatures/system_folders.toml).

``System Volume Information`` at the root of a Windows volume is refused to everyone but SYSTEM: a scan of a
``D$`` share was incomplete (exit 3) for ever because of it (review10g #10). Such a folder is still listed (it was
not examined) but under its own reason ``system-folder`` ("system folder not readable (expected)"), which does not
make the scan incomplete; ``--strict-complete`` keeps it ``unreadable`` (incomplete). Only a folder directly under
an SMB share's root, or, in a local SOURCE, directly under the mount point of a Windows file system (NTFS, FAT,
exFAT, a CIFS mount: /proc/self/mountinfo; review11a) counts: a denied folder of that name deeper in a tree, or in
an ext4/xfs folder (a Linux file server's share, scanned where it lies), is a place a file may hide like any other.
Over SMB the server's own folder behind a share root cannot be told: a share whose root is a plain folder on the
server, with such a folder made and refused there, is taken as a volume root (documented limit).
"""

from __future__ import annotations

import os
import re
from functools import cache

from . import rules
from .codes import Status
from .details import FOLDER_NOT_LISTED, Detail, codes_of, say
from .models import Skipped


@cache
def names() -> frozenset[str]:
    """The folder names of the rule file, case-folded (Windows names are case-insensitive)."""
    return frozenset(str(f["name"]).casefold() for f in rules.load("system_folders").get("folder") or [])


@cache
def filesystems() -> frozenset[str]:
    """The local file system types (mountinfo's) whose mount point is a Windows volume's root (rule file)."""
    return frozenset(str(k).casefold() for k in (rules.load("system_folders").get("volume") or {}).get("filesystems") or [])


def _parent_and_name(path: str) -> tuple[str, str]:
    p = path.replace("\\", "/").rstrip("/")
    parent, _, name = p.rpartition("/")
    return parent, name


def _unescape(field: str) -> str:
    """A mountinfo path field: space, tab, newline and backslash are octal escapes (\\040 ...)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), field)


def windows_volume_root(path: str, mountinfo: str) -> bool:
    """Whether local ``path`` is the mount point of a Windows file system (rule file ``filesystems``: ntfs3,
    ntfs-3g's fuseblk, vfat, exfat, a CIFS mount of a share, WSL's drvfs/9p) by ``mountinfo`` (the text of
    /proc/self/mountinfo; the last mount on a point wins). A path that is no mount point, a Linux volume's root
    (ext4, xfs ...) or a table that cannot be read: False (such a folder stays an unlisted one)."""
    kinds = filesystems()
    found = None
    for line in mountinfo.splitlines():
        fields, sep, tail = line.partition(" - ")
        parts = fields.split(" ")
        if not sep or len(parts) < 5 or not tail.split(" ", 1)[0]:
            continue
        if _unescape(parts[4]) == path:
            found = tail.split(" ", 1)[0]
    return found is not None and found.casefold() in kinds


def _mountinfo() -> str:
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _at_volume_root(skip: Skipped, parent: str) -> bool:
    loc = skip.location
    if loc.containers:  # on a share: the share's root (the SOURCE's own folder on it is no volume root)
        return len(loc.containers) == 1 and loc.containers[0].kind == "smb" and parent == ""
    root = loc.source.replace("\\", "/").rstrip("/")
    if loc.path.replace("\\", "/").rstrip("/") == root:
        return False  # the SOURCE itself: the folder the examiner asked for, refused, is never "expected" (audit11)
    # a local folder: only the mount point of a Windows file system (the SOURCE's root or deeper); an ext4 or xfs
    # folder's own "System Volume Information" is no Windows system folder (review11a)
    try:
        return windows_volume_root(os.path.realpath(parent or "/"), _mountinfo())
    except (OSError, ValueError):
        return False


def expected(skip: Skipped) -> Skipped:
    """``skip`` as ``system-folder`` when it is a listing refused on a listed system folder at a volume root; else
    ``skip`` unchanged. Total: never raises (it runs while a failure is being recorded)."""
    try:
        if skip.reason != Status.UNREADABLE:
            return skip
        said = codes_of(skip.detail)  # the listing's code as said, never its English words (completeness)
        if not said or said[0].get("code") not in FOLDER_NOT_LISTED:
            return skip
        parent, name = _parent_and_name(skip.location.path)
        if name.casefold() not in names() or not _at_volume_root(skip, parent):
            return skip
        return Skipped(skip.location, Status.SYSTEM_FOLDER, say(Detail.SYSTEM_FOLDER_EXPECTED, why=skip.detail))
    except Exception:  # noqa: BLE001 - a rule file problem never costs the skip itself
        return skip
