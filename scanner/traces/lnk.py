"""Windows shortcuts (.lnk, and the LNK streams of jump lists) with liblnk (libyal).

What a shortcut records about its target: the path (local, or network share), the target's created /
modified / accessed times and size when the shortcut was written, and the volume it was on (drive
type, serial number, label). ANSI strings (old shortcuts, and the local base path Windows writes in
the system codepage) are decoded as cp932, the codepage of Japanese Windows.
"""

from __future__ import annotations

import io
from datetime import datetime

import pylnk

from .records import DRIVE_TYPES, LNK_MAGIC, Reference, TraceKind
from .shellitems import parse_item_list

ANSI_CODEPAGE = "cp932"
_FILETIME_ZERO = datetime(1601, 1, 1)


def utc(when: datetime | None) -> str | None:
    """A libyal time (naive, UTC) as ISO 8601 with Z; None for the FILETIME 0 that means "not set"."""
    if when is None or when <= _FILETIME_ZERO:
        return None
    return when.isoformat() + "Z"


def _serial(value: int | None) -> str | None:
    return None if value is None else f"{value >> 16:04X}-{value & 0xFFFF:04X}"


def parse_lnk(data: bytes, kind: str = TraceKind.LNK, where: str = "") -> Reference:
    """Parse one shortcut; raises on damaged data (the caller runs this in the parser worker)."""
    if not data.startswith(LNK_MAGIC):
        raise ValueError("not a Windows shortcut (LNK header missing)")
    lnk = pylnk.file()
    lnk.set_ascii_codepage(ANSI_CODEPAGE)
    lnk.open_file_object(io.BytesIO(data))
    try:
        path = lnk.local_path or ""
        share = lnk.network_path
        if not path and share:
            path = share
        if not path:
            ids = lnk.link_target_identifier_data
            shell = parse_item_list(ids, ANSI_CODEPAGE) if ids else None
            path = shell.path if shell else ""
        if not path:
            path = lnk.relative_path or ""
        local = bool(lnk.local_path)  # a volume table is only there for a local target
        drive = lnk.drive_type if local else None
        return Reference(
            kind=str(kind), path=path, where=where,
            times={"target_created": utc(lnk.file_creation_time), "target_modified": utc(lnk.file_modification_time),
                   "target_accessed": utc(lnk.file_access_time)},
            drive_type=DRIVE_TYPES.get(drive, "unknown") if drive is not None else ("network" if share else None),
            volume_serial=_serial(lnk.drive_serial_number) if local else None, volume_label=lnk.volume_label or None,
            network_share=share or None, size=lnk.file_size, hostname=lnk.machine_identifier or None)
    finally:
        lnk.close()
