"""Generated workbooks the same bytes every day: openpyxl writes the save time into docProps/core.xml and
the clock into every zip member's header, so a seeded byte flip or cut of a generated .xlsx landed on other
bytes each day (a deflated core.xml of another length moves every later member). The tests' workbooks are
written with one fixed time instead; what leakscan reads is unchanged."""

from __future__ import annotations

import datetime
import types
import zipfile
from pathlib import Path

PINNED = datetime.datetime(2024, 1, 1, 9, 0, 0)


class _PinnedDatetime(datetime.datetime):
    @classmethod
    def now(cls, tz: datetime.tzinfo | None = None) -> datetime.datetime:  # type: ignore[override]
        return PINNED.replace(tzinfo=tz)


class PinnedZipFile(zipfile.ZipFile):
    """A ZipFile whose members added by name carry PINNED, not the clock or the file's mtime."""

    def _pinned(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=PINNED.timetuple()[:6])
        info.compress_type = self.compression
        info._compresslevel = self.compresslevel  # type: ignore[attr-defined]
        info.external_attr = (0o40775 << 16) | 0x10 if name.endswith("/") else 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._pinned(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        name = arcname if arcname is not None else Path(filename).name
        self.writestr(self._pinned(name), Path(filename).read_bytes(), compress_type, compresslevel)


def pin_openpyxl() -> None:
    """Make openpyxl's save time, its default creation time and its zip members' times PINNED."""
    import openpyxl.packaging.core
    import openpyxl.writer.excel

    clock = types.SimpleNamespace(datetime=_PinnedDatetime, timezone=datetime.timezone)
    openpyxl.writer.excel.datetime = clock  # type: ignore[attr-defined]
    openpyxl.packaging.core.datetime = clock  # type: ignore[attr-defined]
    openpyxl.writer.excel.ZipFile = PinnedZipFile  # type: ignore[attr-defined]
