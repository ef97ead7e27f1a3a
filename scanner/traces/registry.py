"""Registry hives with libregf (libyal), shell items with libfwsi: what a user opened, browsed and typed,
and which USB storage devices a PC attached.

* NTUSER.DAT: ``Explorer\\RecentDocs`` (and its per-extension keys), ``ComDlg32\\OpenSavePidlMRU``,
  Office ``File MRU`` (every version and application, ``User MRU\\*`` too), ``Explorer\\TypedPaths``
  and the roaming shell bags (``Shell\\BagMRU``);
* UsrClass.dat: the shell bags of ``Local Settings\\Software\\Microsoft\\Windows\\Shell\\BagMRU``;
* SYSTEM: ``Enum\\USBSTOR`` (vendor, product, revision, serial; first install / last arrival / last
  removal times from the device properties) and ``MountedDevices`` (drive letter -> device);
* SOFTWARE: ``Windows NT\\CurrentVersion\\EMDMgmt`` (device -> volume serial number and label).

Whatever hive a file is, every known key is looked for, so a renamed or unusual hive is still read.
An MRU's key time is the time of its most recent entry only; other entries carry no time of their own.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterator

import pyregf

from ..details import Detail, say
from .lnk import utc
from .records import (
    REGF_MAGIC,
    USBSTOR_ID,
    ArtefactKind,
    ArtefactTraces,
    Device,
    Mount,
    Reference,
    TraceKind,
    device_serial,
)
from .shellitems import parse_item_list

_EXPLORER = "\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer"
_BAGS = ("\\Software\\Microsoft\\Windows\\Shell\\BagMRU", "\\Software\\Microsoft\\Windows\\ShellNoRoam\\BagMRU",
         "\\Local Settings\\Software\\Microsoft\\Windows\\Shell\\BagMRU",
         "\\Local Settings\\Software\\Microsoft\\Windows\\ShellNoRoam\\BagMRU")
_OFFICE_ITEM = re.compile(r"^(?:\[F[0-9A-Fa-f]+\])?(?:\[T([0-9A-Fa-f]{16})\])?(?:\[[A-Z][0-9A-Fa-f]+\])*\*(.+)$")
_EMDMGMT = re.compile(r"\{53f56307-b6bf-11d0-94f2-00a0c91efb8b\}(.*)_(\d+)$", re.IGNORECASE)
_DEVICE_TIMES = {0x64: "first_connected", 0x65: "first_connected", 0x66: "last_connected", 0x67: "last_removed"}
_EPOCH_DELTA = 11644473600
MAX_KEYS = 100_000  # shell bags nest; a looping or absurd hive stops here (recorded as a warning)


def _filetime(value: int) -> str | None:
    from ..timeutil import iso_utc

    return iso_utc(value / 10_000_000 - _EPOCH_DELTA) if 0 < value < 0x7FFFFFFFFFFFFFFF else None


def _key(hive: pyregf.file, path: str, warnings: list[str] | None = None) -> pyregf.key | None:
    """The key at ``path``; None when absent. A key that cannot be read is a warning, never "absent"."""
    try:
        return hive.get_key_by_path(path)
    except OSError as e:
        if warnings is not None:
            warnings.append(say(Detail.ARTEFACT_PART_FAILED, where=path, error=type(e).__name__))
        return None


def _written(key: pyregf.key) -> str | None:
    try:
        return utc(key.get_last_written_time())
    except (OSError, ValueError, OverflowError):
        return None


def _mru_order(key: pyregf.key) -> list[str]:
    """Value names in most-recent-first order (MRUListEx of uint32, or MRUList of letters)."""
    for name in ("MRUListEx", "MRUList"):
        value = key.get_value_by_name(name)
        if value is None or value.data is None:
            continue
        data = value.data
        if name == "MRUListEx":
            n = len(data) // 4
            order = [i for i in struct.unpack_from(f"<{n}I", data) if i != 0xFFFFFFFF]
            return [str(i) for i in order]
        return [c for c in data.decode("utf-16-le", "replace").split("\0", 1)[0]]
    return []


def _values(key: pyregf.key) -> Iterator[tuple[str, pyregf.value, int | None]]:
    """(name, value, MRU position) for every value but the MRU list itself."""
    order = {n: i for i, n in enumerate(_mru_order(key))}
    for value in key.values:
        name = value.name or ""
        if name in ("MRUListEx", "MRUList"):
            continue
        yield name, value, order.get(name)


def _utf16_name(data: bytes) -> str:
    """The UTF-16 string a RecentDocs value starts with (a shell item follows its NUL)."""
    for i in range(0, len(data) - 1, 2):
        if data[i:i + 2] == b"\0\0":
            return data[:i].decode("utf-16-le", "replace")
    return data.decode("utf-16-le", "replace")


class _Reader:
    def __init__(self, hive: pyregf.file, out: ArtefactTraces) -> None:
        self.hive, self.out = hive, out

    def key(self, path: str) -> pyregf.key | None:
        return _key(self.hive, path, self.out.warnings)

    def warn(self, where: str, err: Exception) -> None:
        self.out.warnings.append(say(Detail.ARTEFACT_PART_FAILED, where=where, error=type(err).__name__))

    def ref(self, kind: TraceKind, path: str, where: str, position: int | None, key: pyregf.key,
            **times: str | None) -> None:
        if position == 0:  # the key was last written when its most recent entry was
            times.setdefault("last_opened", _written(key))
        label = f"{where}, MRU position {position + 1}" if position is not None else where
        self.out.references.append(Reference(kind=str(kind), path=path, where=label, times=dict(times)))

    # -- NTUSER.DAT ------------------------------------------------------------------------------
    def recent_docs(self) -> None:
        root = self.key(_EXPLORER + "\\RecentDocs")
        if root is None:
            return
        for key, label in [(root, "RecentDocs"), *((k, f"RecentDocs\\{k.name}") for k in root.sub_keys)]:
            for name, value, pos in _values(key):
                try:
                    text = _utf16_name(value.data or b"")
                except (OSError, ValueError) as e:
                    self.warn(label, e)
                    continue
                if text:
                    self.ref(TraceKind.RECENTDOCS, text, f"{label} value {name}", pos, key)

    def open_save(self) -> None:
        for sub in ("OpenSavePidlMRU", "OpenSaveMRU"):
            root = self.key(f"{_EXPLORER}\\ComDlg32\\{sub}")
            if root is None:
                continue
            for key in root.sub_keys:
                for name, value, pos in _values(key):
                    try:
                        if value.type in (1, 2):  # XP's OpenSaveMRU holds plain paths
                            path = value.data_as_string
                        else:
                            shell = parse_item_list(value.data or b"")
                            path = shell.path if shell else ""
                    except (OSError, ValueError) as e:
                        self.warn(f"{sub}\\{key.name} value {name}", e)
                        continue
                    if path:
                        self.ref(TraceKind.OPENSAVE_MRU, path, f"{sub}\\{key.name} value {name}", pos, key)

    def office(self) -> None:
        office = self.key("\\Software\\Microsoft\\Office")
        if office is None:
            return
        for version in office.sub_keys:
            for app in version.sub_keys:
                lists = [(app.get_sub_key_by_name("File MRU"), f"{version.name}\\{app.name}\\File MRU")]
                users = app.get_sub_key_by_name("User MRU")
                for user in users.sub_keys if users is not None else []:
                    lists.append((user.get_sub_key_by_name("File MRU"),
                                  f"{version.name}\\{app.name}\\User MRU\\{user.name}\\File MRU"))
                for key, label in lists:
                    if key is not None:
                        self._office_list(key, label)

    def _office_list(self, key: pyregf.key, label: str) -> None:
        for value in key.values:
            name = value.name or ""
            if not name.lower().startswith("item") or "metadata" in name.lower():
                continue
            try:
                text = value.data_as_string or ""
            except (OSError, ValueError) as e:
                self.warn(f"{label} {name}", e)
                continue
            m = _OFFICE_ITEM.match(text)
            if not m:
                continue
            opened = _filetime(int(m.group(1), 16)) if m.group(1) else None
            self.out.references.append(Reference(kind=str(TraceKind.OFFICE_MRU), path=m.group(2),
                                                 where=f"Office {label} {name}", times={"last_opened": opened}))

    def typed_paths(self) -> None:
        key = self.key(_EXPLORER + "\\TypedPaths")
        if key is None:
            return
        for value in key.values:
            name = value.name or ""
            try:
                text = value.data_as_string if value.type in (1, 2) else None
            except (OSError, ValueError) as e:
                self.warn(f"TypedPaths {name}", e)
                continue
            if text:
                pos = 0 if name.lower() == "url1" else None  # url1 is the most recently typed
                self.ref(TraceKind.TYPED_PATH, text, f"TypedPaths {name}", pos, key)

    def shellbags(self) -> None:
        budget = [MAX_KEYS]
        for path in _BAGS:
            key = self.key(path)
            if key is not None:
                self._bag(key, [], path.rsplit("\\", 2)[-2] + "\\BagMRU", budget)

    def _bag(self, key: pyregf.key, items: list[bytes], label: str, budget: list[int]) -> None:
        for name, value, _pos in _values(key):
            if not name.isdigit():
                continue
            budget[0] -= 1
            if budget[0] < 0:
                self.out.warnings.append(say(Detail.SHELLBAGS_OVER, where=label, n=MAX_KEYS))
                return
            data = value.data or b""
            size = struct.unpack_from("<H", data, 0)[0] if len(data) >= 2 else 0
            chain = [*items, data[:size]] if size else items
            try:
                shell = parse_item_list(b"".join(chain) + b"\0\0")
            except (OSError, ValueError, TypeError) as e:
                self.warn(f"{label}\\{name}", e)
                continue
            sub = key.get_sub_key_by_name(name)
            if shell is not None and shell.path:
                times = {"folder_opened": _written(sub) if sub is not None else None}
                self.out.references.append(Reference(kind=str(TraceKind.SHELLBAG), path=shell.path,
                                                     where=f"{label}\\{name}", times=times))
            if sub is not None and len(chain) < 64:
                self._bag(sub, chain, f"{label}\\{name}", budget)

    # -- SYSTEM and SOFTWARE ---------------------------------------------------------------------
    def control_sets(self) -> list[pyregf.key]:
        sets = []
        select = self.key("\\Select")
        current = None
        if select is not None:
            value = select.get_value_by_name("Current")
            current = value.data_as_integer if value is not None else None
        names = sorted(k.name for k in self.hive.get_root_key().sub_keys if k.name.lower().startswith("controlset"))
        if current is not None:
            names.sort(key=lambda n: n.lower() != f"controlset{current:03d}")
        for name in names:
            key = self.key(f"\\{name}")
            if key is not None:
                sets.append(key)
        return sets

    def usbstor(self) -> None:
        seen: set[tuple[str, str, str]] = set()
        for cs in self.control_sets():
            enum = cs.get_sub_key_by_name("Enum")
            stor = enum.get_sub_key_by_name("USBSTOR") if enum is not None else None
            for model in stor.sub_keys if stor is not None else []:
                m = re.match(r"Disk&Ven_([^&]*)&Prod_([^&]*)&Rev_(.*)$", model.name, re.IGNORECASE)
                if not m:
                    continue
                for inst in model.sub_keys:
                    ident = (model.name.lower(), inst.name.lower(), "")
                    if ident in seen:
                        continue
                    seen.add(ident)
                    dev = Device(vendor=m.group(1), product=m.group(2), revision=m.group(3),
                                 serial=device_serial(inst.name), source="usbstor")
                    friendly = inst.get_value_by_name("FriendlyName")
                    if friendly is not None and friendly.type in (1, 2):
                        dev.friendly_name = friendly.data_as_string or ""
                    self._device_times(inst, dev)
                    self.out.devices.append(dev)

    def _device_times(self, inst: pyregf.key, dev: Device) -> None:
        props = inst.get_sub_key_by_name("Properties")
        group = props.get_sub_key_by_name("{83da6326-97a6-4088-9453-a1923f573b29}") if props is not None else None
        for sub in group.sub_keys if group is not None else []:
            try:
                field_ = _DEVICE_TIMES.get(int(sub.name, 16))
            except ValueError:
                continue
            if field_ is None:
                continue
            candidates = list(sub.values) + [v for s in sub.sub_keys for v in s.values]  # Windows 7 nests one deeper
            for value in candidates:
                data = value.data or b""
                if len(data) == 8:
                    when = _filetime(struct.unpack("<Q", data)[0])
                    if when and not (field_ == "first_connected" and dev.first_connected
                                     and dev.first_connected <= when):
                        setattr(dev, field_, when)
                    break

    def mounted_devices(self) -> None:
        key = self.key("\\MountedDevices")
        if key is None:
            return
        for value in key.values:
            name = value.name or ""
            m = re.match(r"\\DosDevices\\([A-Za-z]:)$", name)
            if not m:
                continue
            data = value.data or b""
            text = data.decode("utf-16-le", "replace") if len(data) > 16 and data[1:2] == b"\0" else ""
            mount = Mount(letter=m.group(1).upper(), removable=False)
            usb = USBSTOR_ID.search(text)
            if usb:
                mount.removable = True
                mount.device_id = text.strip("\0")
                mount.vendor, mount.product, mount.serial = usb.group(1), usb.group(2), device_serial(usb.group(4))
            elif "RemovableMedia" in text or "#Disk&Ven_" in text:
                mount.removable, mount.device_id = True, text.strip("\0")
            self.out.mounts.append(mount)

    def emdmgmt(self) -> None:
        key = self.key("\\Microsoft\\Windows NT\\CurrentVersion\\EMDMgmt")
        for sub in key.sub_keys if key is not None else []:
            usb = USBSTOR_ID.search(sub.name)
            tail = _EMDMGMT.search(sub.name)
            if not usb or not tail:
                continue
            number = int(tail.group(2))
            dev = Device(vendor=usb.group(1), product=usb.group(2), revision=usb.group(3),
                         serial=device_serial(usb.group(4)), source="emdmgmt")
            if number:
                dev.volume_serials.append(f"{number >> 16 & 0xFFFF:04X}-{number & 0xFFFF:04X}")
            if tail.group(1):
                dev.volume_labels.append(tail.group(1))
            self.out.devices.append(dev)


HIVE_TYPES = {"ntuser": "user hive (NTUSER.DAT)", "usrclass": "user classes hive (UsrClass.dat)",
              "system": "SYSTEM hive", "software": "SOFTWARE hive"}


def _hive_type(hive: pyregf.file) -> str:
    if _key(hive, _EXPLORER) is not None:
        return "ntuser"
    if _key(hive, "\\Local Settings") is not None:
        return "usrclass"
    if _key(hive, "\\Select") is not None or _key(hive, "\\MountedDevices") is not None:
        return "system"
    if _key(hive, "\\Microsoft\\Windows NT\\CurrentVersion") is not None:
        return "software"
    return ""


def parse_hive(data: bytes) -> ArtefactTraces:
    """Every trace leakscan reads in one hive; raises on a hive libregf cannot open."""
    if not data.startswith(REGF_MAGIC):
        raise ValueError("not a registry hive (regf header missing)")
    hive = pyregf.file()
    hive.open_file_object(io.BytesIO(data))
    try:
        try:
            hive.get_root_key().get_number_of_sub_keys()
        except (OSError, AttributeError) as e:
            raise ValueError("root key unreadable") from e
        out = ArtefactTraces(ArtefactKind.HIVE, hive_type=_hive_type(hive))
        declared = struct.unpack_from("<I", data, 40)[0] if len(data) >= 44 else 0
        if len(data) < 4096 + declared:  # libregf reads what is there; the missing keys must not pass unseen
            out.warnings.append(say(Detail.HIVE_TRUNCATED, size=len(data), declared=4096 + declared))
        reader = _Reader(hive, out)
        for step in (reader.recent_docs, reader.open_save, reader.office, reader.typed_paths, reader.shellbags,
                     reader.usbstor, reader.mounted_devices, reader.emdmgmt):
            try:
                step()
            except (OSError, ValueError, struct.error) as e:  # a damaged branch: the others still count
                reader.warn(step.__name__, e)
        return out
    finally:
        hive.close()
