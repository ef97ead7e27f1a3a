"""Windows artefacts for the trace tests, written by real tools: shortcuts with pylnk3, registry hives
with hivex (``hivexregedit --merge``), jump lists with libgsf (``gsf createole``), disk images with
mkfs.vfat + mtools (tests/image_data.py). Only what no tool writes is packed here: a jump list's
DestList stream (its documented layout) and the empty hive hivex merges into (scanner.demo_traces).

Every builder returns bytes and takes times as timezone-aware datetimes, so tests compare parsed times
with the inputs, never with hard-coded strings.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pylnk3

from scanner.demo_traces import Key, filetime, hive

LEAKED = "介護予防_利用者名簿.xlsx"
OPENED = datetime(2016, 11, 14, 1, 22, 5, tzinfo=UTC)  # 10:22:05 JST
PLUGGED = datetime(2016, 11, 14, 1, 19, 40, tzinfo=UTC)  # 10:19:40 JST
UNPLUGGED = datetime(2016, 11, 14, 1, 40, 0, tzinfo=UTC)
USB = {"vendor": "BUFFALO", "product": "USB_Flash_Disk", "revision": "1.00", "serial": "07A3120F8C2B4E11"}
VOLUME_SERIAL = 0x5A3C_91E2  # FAT volume serial of the stick: "5A3C-91E2"
TOOLS = ("hivexregedit", "gsf", "mcopy", "mkfs.vfat")


def have_tools() -> bool:
    return all(shutil.which(t) for t in TOOLS)


def _naive(when: datetime) -> datetime:
    return when.astimezone(UTC).replace(tzinfo=None)


class _LinkInfo(pylnk3.LinkInfo):
    """pylnk3 0.4.3 sizes ANSI strings by characters; cp932 needs their byte length."""

    def _calculate_sizes_and_offsets(self) -> None:
        super()._calculate_sizes_and_offsets()
        if self.remote:  # the share's table, then the path below the share (CommonPathSuffix)
            share = len(self.network_share_name.encode(pylnk3.DEFAULT_CHARSET))
            self.size_network_volume_table = 20 + share + 1
            self.offs_base_name = self.offs_network_volume_table + self.size_network_volume_table
            self.size = self.offs_base_name + len(self.base_name.encode(pylnk3.DEFAULT_CHARSET)) + 1
            return
        grow_label = len(self.volume_label.encode(pylnk3.DEFAULT_CHARSET)) - len(self.volume_label)
        grow_path = len(self.local_base_path.encode(pylnk3.DEFAULT_CHARSET)) - len(self.local_base_path)
        self.size_local_volume_table += grow_label
        self.size_local_base_path += grow_path
        self.size += grow_label + grow_path
        self.offs_local_base_path = self.offs_local_volume_table + self.size_local_volume_table
        self.offs_base_name = self.offs_local_base_path + self.size_local_base_path


def lnk(target: str, *, drive_type: str = pylnk3.DRIVE_REMOVABLE, serial: int = VOLUME_SERIAL, label: str = "ＵＳＢメモリ",
        size: int = 48_213, when: datetime = OPENED) -> bytes:
    """A shortcut to a local path, as Japanese Windows writes it: the path and label in cp932 (ANSI) in
    LinkInfo, the shell items (My Computer > drive > file, Unicode long name) in the target ID list."""
    pylnk3.DEFAULT_CHARSET = "cp932"
    t = _naive(when)
    link = pylnk3.Lnk()
    items = [pylnk3.RootEntry(pylnk3.ROOT_MY_COMPUTER), pylnk3.DriveEntry(target[:2])]
    parts = target[3:].split("\\")
    for i, part in enumerate(parts):
        seg = pylnk3.PathSegmentEntry()
        last = i == len(parts) - 1
        seg.type = pylnk3.TYPE_FILE if last else pylnk3.TYPE_FOLDER
        seg.file_size = size if last else 0
        seg.short_name = seg.full_name = part
        seg.created = seg.modified = seg.accessed = t
        items.append(seg)
    link.shell_item_id_list = pylnk3.LinkTargetIDList()
    link.shell_item_id_list.items = items
    info = _LinkInfo()
    info.local, info.remote = 1, 0
    info.drive_type, info.drive_serial, info.volume_label, info.local_base_path = drive_type, serial, label, target
    link._link_info = info
    link.link_flags.HasLinkTargetIDList = link.link_flags.HasLinkInfo = link.link_flags.IsUnicode = True
    link.creation_time = link.modification_time = link.access_time = t
    link.file_size = size
    buf = io.BytesIO()
    link.save(buf)
    return buf.getvalue()


def network_lnk(target: str, when: datetime = OPENED) -> bytes:
    """A shortcut to a file on a share (``\\\\server\\share\\...``), written by pylnk3.for_file; the share and
    the path below it in cp932 (ANSI)."""
    pylnk3.DEFAULT_CHARSET = "cp932"
    link = pylnk3.for_file(target)
    info = _LinkInfo()
    info.local, info.remote = 0, 1
    info.network_share_name, info.base_name = link.link_info.network_share_name, link.link_info.base_name
    link._link_info = info
    link.creation_time = link.modification_time = link.access_time = _naive(when)
    buf = io.BytesIO()
    link.save(buf)
    return buf.getvalue()


# -- registry --------------------------------------------------------------------------------------

def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _reg_value(name: str, value: str | bytes | int | tuple[int, bytes]) -> str:
    key = "@" if name == "" else f'"{_escape(name)}"'
    if isinstance(value, str) and not value.isascii():  # Windows stores strings in UTF-16LE
        return f"{key}=hex(1):" + ",".join(f"{b:02x}" for b in (value + "\0").encode("utf-16-le"))
    if isinstance(value, str):
        return f'{key}="{_escape(value)}"'
    if isinstance(value, int):
        return f"{key}=dword:{value:08x}"
    kind, data = value if isinstance(value, tuple) else (3, value)
    return f"{key}=hex({kind:x}):" + ",".join(f"{b:02x}" for b in data)


def hivex_hive(keys: dict[str, dict[str, str | bytes | int | tuple[int, bytes]]], file_name: str) -> bytes:
    """A hive written by ``hivexregedit --merge`` from a regedit file naming ``keys`` (every parent too)."""
    lines = ["Windows Registry Editor Version 5.00", ""]
    done: set[str] = set()
    for path, values in keys.items():
        parts = path.split("\\")
        for i in range(1, len(parts) + 1):
            sub = "\\".join(parts[:i])
            if sub not in done:
                done.add(sub)
                lines += [f"[\\{sub}]", *(_reg_value(n, v) for n, v in (values.items() if sub == path else ())), ""]
    with tempfile.TemporaryDirectory() as tmp:
        target, reg = Path(tmp) / file_name, Path(tmp) / "merge.reg"
        target.write_bytes(hive(Key("ROOT"), file_name))
        reg.write_text("\n".join(lines) + "\n", encoding="utf-8")
        subprocess.run(["hivexregedit", "--merge", str(target), str(reg)], check=True, capture_output=True)
        return target.read_bytes()


def mru_ex(order: list[int]) -> bytes:
    return struct.pack(f"<{len(order)}I", *order) + b"\xff\xff\xff\xff"


def recentdocs_value(name: str) -> bytes:
    """A RecentDocs value: the UTF-16 name, then the shell item of the Recent shortcut (as Explorer writes)."""
    link_name = name.rsplit(".", 1)[0] + ".lnk"
    ansi = link_name.encode("cp932") + b"\0"
    ansi += b"\0" * (len(ansi) % 2)
    item = struct.pack("<HBBIIHH", 0, 0x32, 0, 0, 0, 0, 0x20) + ansi
    item = struct.pack("<H", len(item)) + item[2:]
    return name.encode("utf-16-le") + b"\0\0" + item + b"\0\0"


def office_item(path: str, when: datetime) -> str:
    return f"[F00000000][T{filetime(when):016X}][O00000000]*{path}"


def ntuser(files: list[str], when: datetime = OPENED) -> bytes:
    """NTUSER.DAT naming each of ``files`` (full paths) in RecentDocs, Excel's File MRU and TypedPaths."""
    explorer = "Software\\Microsoft\\Windows\\CurrentVersion\\Explorer"
    names = [f.rsplit("\\", 1)[-1] for f in files]
    recent: dict[str, str | bytes | int | tuple[int, bytes]] = {str(i): recentdocs_value(n) for i, n in enumerate(names)}
    recent["MRUListEx"] = mru_ex(list(range(len(names))))
    mru: dict[str, str | bytes | int | tuple[int, bytes]] = {
        f"Item {i + 1}": office_item(f, when) for i, f in enumerate(files)}
    folder = files[0].rsplit("\\", 1)[0] + "\\"
    return hivex_hive({
        f"{explorer}\\RecentDocs": recent,
        f"{explorer}\\RecentDocs\\.xlsx": recent,
        "Software\\Microsoft\\Office\\15.0\\Excel\\File MRU": mru,
        f"{explorer}\\TypedPaths": {"url1": folder},
    }, "NTUSER.DAT")


def system(letter: str = "E:", usb: dict[str, str] = USB, plugged: datetime = PLUGGED,
           unplugged: datetime = UNPLUGGED) -> bytes:
    """A SYSTEM hive: the stick under Enum\\USBSTOR with its property times, and MountedDevices giving
    ``letter`` to it (and C: to a fixed disk, by MBR signature and offset)."""
    model = f"Disk&Ven_{usb['vendor']}&Prod_{usb['product']}&Rev_{usb['revision']}"
    inst = f"{usb['serial']}&0"
    device = f"_??_USBSTOR#{model}#{inst}#{{53f56307-b6bf-11d0-94f2-00a0c91efb8b}}"
    props = f"ControlSet001\\Enum\\USBSTOR\\{model}\\{inst}\\Properties\\{{83da6326-97a6-4088-9453-a1923f573b29}}"
    ft = lambda when: (0x10, struct.pack("<Q", filetime(when)))  # noqa: E731
    return hivex_hive({
        "Select": {"Current": 1},
        f"ControlSet001\\Enum\\USBSTOR\\{model}\\{inst}": {"FriendlyName": f"{usb['vendor']} {usb['product']} USB Device"},
        f"{props}\\0064": {"": ft(plugged)},
        f"{props}\\0066": {"": ft(plugged)},
        f"{props}\\0067": {"": ft(unplugged)},
        "MountedDevices": {f"\\DosDevices\\{letter}": device.encode("utf-16-le"),
                           "\\DosDevices\\C:": bytes.fromhex("1a2b3c4d0000100000000000")},
    }, "SYSTEM")


def setupapi_log(usb: dict[str, str] = USB, local: str = "2016/11/14 10:19:38.120") -> bytes:
    model = f"Disk&Ven_{usb['vendor']}&Prod_{usb['product']}&Rev_{usb['revision']}"
    return (
        "[Device Install Log]\r\n     OS Version = 6.1.7601\r\n\r\n[BeginLog]\r\n\r\n"
        "[Boot Session: 2016/11/14 08:55:02.500]\r\n\r\n"
        f">>>  [Device Install (Hardware initiated) - USBSTOR\\{model}\\{usb['serial']}&0]\r\n"
        f">>>  Section start {local}\r\n"
        "     dvi: {Build Driver List} 10:19:38.200\r\n"
        "<<<  Section end 2016/11/14 10:19:40.001\r\n<<<  [Exit status: SUCCESS]\r\n"
    ).encode()


# -- jump lists ------------------------------------------------------------------------------------

@dataclass
class JumpEntry:
    path: str
    opened: datetime
    count: int
    host: str = "pc03"


def destlist(entries: list[JumpEntry], version: int = 3) -> bytes:
    """A DestList stream (format 1: Windows 7; 3: Windows 10), entries numbered from 1."""
    out = struct.pack("<IIIfIIQ", version, len(entries), 0, 0.0, len(entries), 0, len(entries))
    for n, e in enumerate(entries, 1):
        path = e.path.encode("utf-16-le")
        common = (b"\0" * 8 + os.urandom(0) + b"\x11" * 64 + e.host.encode("ascii").ljust(16, b"\0")
                  + struct.pack("<I", n) + b"\0" * 4)
        if version == 1:
            out += common + struct.pack("<fQiH", float(e.count), filetime(e.opened), -1, len(path) // 2) + path
        else:
            out += (common + struct.pack("<fQiiI8sH", 0.0, filetime(e.opened), -1, 0, e.count, b"\0" * 8,
                                         len(path) // 2) + path + b"\0" * 4)
    return out


def jumplist(entries: list[JumpEntry], lnks: list[bytes], version: int = 3) -> bytes:
    """An automaticDestinations-ms written by ``gsf createole``: one LNK stream per entry plus DestList."""
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for n, data in enumerate(lnks, 1):
            p = Path(tmp) / f"{n:x}"
            p.write_bytes(data)
            files.append(str(p))
        dest = Path(tmp) / "DestList"
        dest.write_bytes(destlist(entries, version))
        out = Path(tmp) / "out.ms"
        subprocess.run(["gsf", "createole", str(out), *files, str(dest)], check=True, capture_output=True)
        return out.read_bytes()
