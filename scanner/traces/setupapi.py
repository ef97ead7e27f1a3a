"""Device install logs (``setupapi.dev.log``, Windows Vista and later; ``setupapi.log``, XP): when Windows
first installed each USB storage device, which shows when it was first attached.

No library reads these logs, and their format is plain text: section headers carry a timestamp
(``>>>  Section start 2016/11/22 23:50:30.938``, or XP's ``[2009/11/12 10:15:01 ...]``) and device
instance paths name the device (``USBSTOR\\Disk&Ven_X&Prod_Y&Rev_1.00\\SERIAL&0``, or the same with
``#``). The earliest time a device's path appears under is kept. Times are the PC's local wall-clock
time (the log records no zone), so they are kept without ``Z``.
"""

from __future__ import annotations

import re

from .records import USBSTOR_ID, ArtefactKind, ArtefactTraces, Device, device_serial

_STAMP = re.compile(r"(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?")
_HEADER = re.compile(r"^(?:>>>\s+Section start |\[\d{4}/)")  # not "[Boot Session: ...]"


def parse_setupapi(data: bytes) -> ArtefactTraces:
    """First-install time (local) of every USB storage device the log names."""
    text = data.decode("utf-8", "replace")
    out = ArtefactTraces(ArtefactKind.SETUPAPI)
    stamp: str | None = None
    first: dict[tuple[str, str, str, str], str | None] = {}
    pending: list[tuple[str, str, str, str]] = []  # named in a section title, before its start time
    spelled: dict[tuple[str, str, str, str], tuple[str, str, str, str]] = {}  # as first written
    for line in text.splitlines():
        if line.startswith(">>>  ["):
            stamp = None  # a new section: its time comes on the next "Section start" line
        elif _HEADER.match(line):
            m = _STAMP.search(line)
            if m:
                y, mo, d, h, mi, s, ms = m.groups()
                stamp = f"{y}-{mo}-{d}T{h}:{mi}:{s}" + (f".{ms.ljust(3, '0')}" if ms else "")
                for ident in pending:
                    _keep_first(first, ident, stamp)
                pending.clear()
        for usb in USBSTOR_ID.finditer(line):
            names = (usb.group(1), usb.group(2), usb.group(3), device_serial(usb.group(4)))
            ident = (names[0].upper(), names[1].upper(), names[2].upper(), names[3].upper())
            spelled.setdefault(ident, names)
            if stamp is None:
                pending.append(ident)
            _keep_first(first, ident, stamp)
    for ident, when in first.items():
        vendor, product, revision, serial = spelled[ident]
        out.devices.append(Device(vendor=vendor, product=product, revision=revision, serial=serial,
                                  source="setupapi", first_connected=when))
    return out


def _keep_first(first: dict[tuple[str, str, str, str], str | None], ident: tuple[str, str, str, str],
                stamp: str | None) -> None:
    known = first.get(ident)
    if ident not in first or (stamp is not None and (known is None or stamp < known)):
        first[ident] = stamp
