"""What the artefact parsers return: plain, picklable records (they cross the parser worker's pipe).

A :class:`Reference` is one place where Windows recorded a path (a shortcut's target, a RecentDocs
value, a shell bag); a :class:`Device` is one USB storage device a PC recorded; a :class:`Mount` is one
drive letter tied to a device by ``MountedDevices``. Times are ISO 8601 UTC strings ending in ``Z``,
except setupapi log times, which are the PC's local wall-clock time and carry no ``Z``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class TraceKind(StrEnum):
    """Which artefact recorded the trace (the ``kind`` of a ``traces`` entry in findings.json)."""

    LNK = "lnk"  # a shortcut file (Recent\\*.lnk, Desktop, Office Recent)
    JUMPLIST = "jumplist"  # one entry of an AutomaticDestinations-ms jump list (LNK stream + DestList)
    RECENTDOCS = "recentdocs"  # NTUSER.DAT Explorer\\RecentDocs (file name only)
    OPENSAVE_MRU = "opensave-mru"  # NTUSER.DAT ComDlg32\\OpenSavePidlMRU (open/save dialogs)
    OFFICE_MRU = "office-mru"  # NTUSER.DAT Office\\<version>\\<app>\\File MRU
    TYPED_PATH = "typed-path"  # NTUSER.DAT Explorer\\TypedPaths (typed in the address bar)
    SHELLBAG = "shellbag"  # UsrClass.dat / NTUSER.DAT BagMRU (folders browsed in Explorer)
    USB_DEVICE = "usb-device"  # SYSTEM USBSTOR / setupapi.dev.log: a USB storage device attached


class ArtefactKind(StrEnum):
    """Which kind of file an artefact is (decides the parser)."""

    LNK = "lnk"
    JUMPLIST = "jumplist"
    HIVE = "hive"  # any registry hive: NTUSER.DAT, UsrClass.dat, SYSTEM, SOFTWARE
    SETUPAPI = "setupapi"


# leading bytes of each artefact
LNK_MAGIC = b"L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00F"
REGF_MAGIC = b"regf"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SETUPAPI_SIGNATURES = (b"[Device Install Log]", b"[SetupAPI Log]")

# a USB storage device's instance path, in the registry, MountedDevices, EMDMgmt and setupapi logs:
# vendor, product, revision, serial (with the LUN Windows appends)
USBSTOR_ID = re.compile(r"USBSTOR[\\#]Disk&Ven_([^&]*)&Prod_([^&]*)&Rev_([^\\#]*)[\\#]([^\\#{}\]\s]+)", re.IGNORECASE)


def device_serial(instance: str) -> str:
    """``99E2116A&0`` -> ``99E2116A``: the device's serial without the LUN Windows appends."""
    return re.sub(r"&\d+$", "", instance) if instance[1:2] != "&" else instance


# LNK drive types (MS-SHLLINK VolumeID.DriveType) as words
DRIVE_TYPES = {0: "unknown", 1: "no-root-dir", 2: "removable", 3: "fixed", 4: "network", 5: "cdrom", 6: "ramdisk"}


@dataclass
class Reference:
    """One recorded path: what the artefact says, nothing inferred."""

    kind: str  # a TraceKind value
    path: str  # the referred path as recorded (RecentDocs: the file name only)
    where: str = ""  # where inside the artefact: "RecentDocs\\.xlsx value 3", "stream 7"
    times: dict[str, str | None] = field(default_factory=dict)  # target_created, last_opened ...
    drive_type: str | None = None
    volume_serial: str | None = None  # "24BA-718B"
    volume_label: str | None = None
    network_share: str | None = None
    app_id: str | None = None  # jump lists: the AppID the file is named after
    open_count: int | None = None  # jump lists: how often it was opened
    hostname: str | None = None  # jump lists: the NetBIOS name recorded in the DestList entry
    size: int | None = None  # LNK: the target's size when the shortcut was written
    ansi_codepage: str | None = None  # LNK: codepage used for ANSI strings, when any were read


@dataclass
class Device:
    """A USB storage device as one artefact recorded it (merged per PC later)."""

    vendor: str = ""
    product: str = ""
    revision: str = ""
    serial: str = ""
    friendly_name: str = ""
    source: str = ""  # usbstor, setupapi, emdmgmt, mounted-devices
    first_connected: str | None = None  # UTC (Z) from the registry; local time from setupapi
    last_connected: str | None = None
    last_removed: str | None = None
    volume_serials: list[str] = field(default_factory=list)  # EMDMgmt: "24BA-718B"
    volume_labels: list[str] = field(default_factory=list)


@dataclass
class Mount:
    """``MountedDevices``: a drive letter and what it was last assigned to."""

    letter: str  # "E:"
    removable: bool
    device_id: str = ""  # the USBSTOR instance path when the value names one
    serial: str = ""
    vendor: str = ""
    product: str = ""


@dataclass
class ArtefactTraces:
    """Everything one artefact file holds that leakscan reads."""

    artefact: str  # an ArtefactKind value
    hive_type: str = ""  # ntuser, usrclass, system, software (hives only)
    references: list[Reference] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    mounts: list[Mount] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # parts that could not be read (no personal value)
