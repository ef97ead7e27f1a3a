"""The examiner's out-of-scope list (``--accept FILE``): files a rescan may leave in place, each with a reason.

An unrelated password-protected archive, or the organisation's own controlled master list, would keep a
rescan from ever being ``clean``. The examiner lists each such file by its path (as findings.json, the
report and skipped.csv show it) and its SHA-256, with the reason, one per line, separated by tabs::

    # path <TAB> sha256 <TAB> reason
    /mnt/share/総務/給与_2016.zip<TAB>3f5a...<TAB>給与データ（本件と無関係、総務課長確認済み）

The diff honours a line only when the rescan saw that path with that very SHA-256 (a changed file is not
accepted); a container accepted that way covers what was found inside it (its members, encrypted or
not). Accepted hits and skipped files stay listed, marked with the line and the reason; they do not keep
the verdict from being clean. Lines that matched nothing are listed too, so a stale list is seen.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .codes import AcceptStatus
from .errors import UsageError
from .models import CHAIN_SEPARATOR
from .optionfile import read_option_file

MAX_FILE_BYTES = 4 << 20
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Acceptance:
    line: int
    path: str
    sha256: str
    reason: str

    def note(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason}


@dataclass(frozen=True)
class AcceptList:
    file: str
    sha256: str  # of the list itself, recorded in diff.json
    entries: tuple[Acceptance, ...]


def _is_sha256(text: str) -> bool:
    return len(text) == 64 and set(text) <= _HEX


def same_path(path: str) -> str:
    return unicodedata.normalize("NFC", path)


def read_accept_file(path: Path) -> AcceptList:
    """Parse the list; a UsageError names the file and the line, never quotes it."""
    raw, _st = read_option_file(path, "--accept", MAX_FILE_BYTES)
    try:
        text = raw.decode("utf-16") if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"--accept {path}: not UTF-8 (or UTF-16 with a BOM) text; save it as UTF-8") from None
    entries = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) < 3 or not fields[2]:
            raise UsageError(f"--accept {path}: line {n}: needs a path, a SHA-256 and a reason, separated by tabs")
        first, second, reason = fields[0], fields[1], "\t".join(fields[2:]).strip()
        if _is_sha256(second.lower()):
            where, digest = first, second.lower()
        elif _is_sha256(first.lower()):
            where, digest = second, first.lower()
        else:
            raise UsageError(f"--accept {path}: line {n}: no SHA-256 (64 hexadecimal digits) in the first two fields")
        if not where:
            raise UsageError(f"--accept {path}: line {n}: no path")
        entries.append(Acceptance(n, same_path(where), digest, reason))
    if not entries:
        raise UsageError(f"--accept {path}: holds no entry (path <TAB> sha256 <TAB> reason per line)")
    return AcceptList(str(path), hashlib.sha256(raw).hexdigest(), tuple(entries))


def accepted_keys(accept: AcceptList, found: list[tuple[str, str, str | None]]) -> tuple[dict[str, Acceptance],
                                                                                       list[dict[str, Any]]]:
    """Which of the rescan's files and skips are accepted, by location key, and the list's lines with what each
    matched. ``found`` holds (location key, displayed path, SHA-256 or None) for every hit and skip."""
    by_path: dict[str, list[Acceptance]] = {}
    for a in accept.entries:
        by_path.setdefault(a.path, []).append(a)
    keys: dict[str, Acceptance] = {}
    containers: dict[str, Acceptance] = {}
    status: dict[int, AcceptStatus] = {}
    for key, path, sha in found:
        for a in by_path.get(same_path(path), []):
            if sha == a.sha256:
                keys[key] = containers[a.path] = a
                status[a.line] = AcceptStatus.APPLIED
            else:
                status.setdefault(a.line, AcceptStatus.CHANGED if sha else AcceptStatus.NOT_HASHED)
    for key, path, _sha in found:  # inside an accepted container (archive members, encrypted or not)
        parts = same_path(path).split(CHAIN_SEPARATOR)
        for i in range(len(parts) - 1, 0, -1):
            inside = containers.get(CHAIN_SEPARATOR.join(parts[:i]))
            if inside is not None:
                keys.setdefault(key, inside)
                break
    covered: dict[int, int] = {}
    for a in keys.values():
        covered[a.line] = covered.get(a.line, 0) + 1
    lines = [{"line": a.line, "path": a.path, "sha256": a.sha256, "reason": a.reason,
              "status": status.get(a.line, AcceptStatus.NOT_FOUND), "covers": covered.get(a.line, 0)} for a in accept.entries]
    return keys, lines
