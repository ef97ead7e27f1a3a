"""Which recorded sources may be read again: only those the examiner names on the command line or confirms.

``verify --sources`` and ``persons --export`` read the evidence again from where findings.json says it
was found. findings.json comes from a case folder and is untrusted: a crafted one could name any SMB
host (and the examiner's NTLM authentication would follow the NEGOTIATE) or any local path (a match
oracle for files outside the case). So a recorded source is read again only when

- it is an ``smb://`` URL whose account, host, port and share equal a named URL's, with its path at or
  below the named one (credentials are only ever sent to a host the examiner typed), or
- it is a local path at or inside a named local path (after resolving links), and every local file read
  below it must itself resolve inside it;

or when the examiner confirms it at the terminal. Everything else is listed as ``not-named`` and not read.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from .backends import load
from .details import Detail, say
from .errors import LeakscanError

Confirm = Callable[[str], bool]


class _SmbPlace(NamedTuple):
    account: str
    host: str
    port: int
    share: str
    path: tuple[str, ...]


def _smb_place(text: str) -> _SmbPlace | None:
    """The comparable parts of an smb:// URL; None when it is not a valid one (or SMB is not installed)."""
    try:
        load("smbprotocol")
        from .sources.smb import parse_url  # lazy: only when an SMB source is named or recorded

        t = parse_url(text)
    except LeakscanError:
        return None
    return _SmbPlace(t.account.casefold(), t.host.casefold(), t.port, t.share.casefold(),
                     tuple(p.casefold() for p in t.path.split("/") if p))


def _real(path: str) -> str:
    return os.path.realpath(os.path.abspath(path))


def inside(path: str, root: str) -> bool:
    """``path`` equals ``root`` or lies below it (both already resolved)."""
    root = root.rstrip("/") or "/"
    return path == root or path.startswith(root if root == "/" else root + "/")


def ask_at_terminal(source: str) -> bool:
    """Ask on the terminal whether to read a recorded source again (never when not interactive)."""
    from .textsafe import shown

    print(f"findings.json names the source {shown(source)}, which is not on the command line.\n"
          "Read it again (its files are opened read-only; SMB credentials would be sent to its host)? [y/N] ",
          end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        return False
    return answer.strip().casefold() in ("y", "yes")


def terminal_confirm() -> Confirm | None:
    """A confirmation callback when leakscan runs at a terminal, else None (nothing is ever assumed)."""
    try:
        interactive = sys.stdin is not None and sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        interactive = False
    return ask_at_terminal if interactive else None


@dataclass
class NamedSources:
    """The sources the examiner named for re-reading, and their answers to confirmations."""

    texts: list[str]
    confirm: Confirm | None = None
    _answers: dict[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._smb = [p for p in (_smb_place(t) for t in self.texts if t.startswith("smb://")) if p]
        self._local = [_real(t) for t in self.texts if not t.startswith("smb://")]

    def _named(self, recorded: str) -> bool:
        if recorded.startswith("smb://"):
            place = _smb_place(recorded)
            return place is not None and any(
                place[:4] == n[:4] and place.path[:len(n.path)] == n.path for n in self._smb)
        return bool(recorded) and any(inside(_real(recorded), n) for n in self._local)

    def allows(self, recorded: str) -> bool:
        """Whether a source recorded in findings.json may be read again (asks at most once per source)."""
        if self._named(recorded):
            return True
        if self.confirm is None or not recorded:
            return False
        if recorded not in self._answers:
            self._answers[recorded] = bool(self.confirm(recorded))
        return self._answers[recorded]

    def root_of(self, recorded: str) -> str:
        """The resolved local folder (or file) a recorded local source stands for: reads stay inside it."""
        return _real(recorded)

    def unused(self, recorded: Iterable[str]) -> list[str]:
        """The sources named that stand for none of the ``recorded`` ones (a typo, or another case's source):
        naming them reads nothing."""
        recorded = [r for r in recorded if r]
        unused = []
        for text in self.texts:
            alone = NamedSources([text])
            if not any(alone._named(r) for r in recorded):
                unused.append(text)
        return unused

    def refused(self, recorded: Iterable[str]) -> list[str]:
        """The recorded sources that will not be read again, in order, once each."""
        return [s for s in dict.fromkeys(recorded) if not self.allows(s)]


NOT_NAMED_DETAIL = say(Detail.SOURCE_NOT_NAMED)


def local_file_inside(raw_path: bytes, root: str, resolve: bool = True) -> bool:
    """A local file path recorded in findings.json lies inside ``root``: absolute, no ``..`` or ``.``
    component, and (``resolve``) its folder resolves, links included, inside the root. Without
    ``resolve`` the check is by name only, for a caller that then opens every component without
    following a link (verify: a swapped folder is then reported, not silently followed)."""
    parts = raw_path.split(b"/")
    if not raw_path.startswith(b"/") or any(p in (b"..", b".") for p in parts[1:-1]) or parts[-1] in (b"..", b"."):
        return False
    if not resolve:
        return inside(os.fsdecode(raw_path), root)
    folder = os.path.realpath(os.path.dirname(raw_path))
    return inside(os.fsdecode(folder), root) and inside(os.fsdecode(os.path.join(folder, os.path.basename(raw_path))),
                                                      root)
