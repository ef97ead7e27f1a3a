"""Lock files of a named file (``~$NAME``, ``.~lock.NAME#``): the user, host and time they hold.

The parsing is pure (scanner/detectors/lockfile.py); this inspector picks the files: only names a name rule
matched as a lock file of a named file (or of one of its variants or leads), at most MAX_LOCK_BYTES long (a
bigger ``~$`` file is no lock file: the spreadsheet inspector reads it). A lock file that does not hold what
its format says keeps its hit and gets status ``corrupt``, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from ..codes import Reason, Status
from ..config import ScanConfig
from ..contracts import Inspection, ScanContext
from ..details import Detail, say
from ..detectors.lockfile import MAX_LOCK_BYTES, PARSERS, LockFormatError
from ..models import Entry
from ..names import NameRules, lock_rules


class LockFileInspector:
    """Reads the user name (and host and time) from lock files whose name a name rule matched as a lock."""

    name = "lock-file"
    reads_beyond_bytes: frozenset[str] = frozenset()  # (contracts) its names are its prefixes' (owner files)

    def __init__(self, config: ScanConfig) -> None:
        self.unmask = config.unmask
        self._rules = NameRules(list(config.names), use_keywords=False)
        # wants_name as data (scanner.prefilter); no named file, no lock file of one
        self.only_prefixes = tuple(lk.prefix for lk in lock_rules()) if self._rules.targets else ()

    def wants_name(self, name: str) -> bool:
        return name.startswith(self.only_prefixes)

    def _lock_match(self, name: str) -> str | None:
        """The lock format when the name is a lock file of a named file (or of one of its variants)."""
        lock = self._rules.lock_rule(name)
        if lock is None:
            return None
        for m in self._rules.match(name):
            if m.reason != Reason.NAME_KEYWORD and lock.name in m.rule.split("+"):
                return lock.format
        return None

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool:
        return size <= MAX_LOCK_BYTES and entry.name.startswith(self.only_prefixes) \
            and self._lock_match(entry.name) is not None

    def inspect(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
        fmt = self._lock_match(entry.name)
        if fmt is None:
            return Inspection()
        try:
            info = PARSERS[fmt](data[:MAX_LOCK_BYTES])
        except LockFormatError as e:
            return Inspection(status=Status.CORRUPT, detail=say(Detail.LOCK_FILE_DAMAGED, library=str(e)),
                              annotations={"lock": {"format": fmt, "user": None, "damaged": str(e)}})
        return Inspection(annotations={"lock": info.to_json(self.unmask)})
