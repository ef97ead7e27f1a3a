"""The demo's Windows artefacts: a user profile on PC03 that opened the leaked list from a USB stick.

``leakscan demo`` must run from a plain ``pip install`` (no hivex, no libgsf), so the few artefacts it
shows are written here: a Recent shortcut (MS-SHLLINK: header and LinkInfo, ANSI path in cp932 as a
Japanese Windows writes it, plus the Unicode path), an NTUSER.DAT and a SYSTEM hive (regf: one hive
bin of nk / lf / vk / sk cells), and a setupapi.dev.log. The tests read all of them back with the
libyal parsers and hivex (an independent reader), so the demo cannot show what real tools would not.
Times are fixed, so the demo stays byte-for-byte reproducible.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime

_EPOCH_DELTA = 11644473600
DRIVE_REMOVABLE, DRIVE_FIXED = 2, 3
REG_SZ, REG_BINARY, REG_DWORD, REG_FILETIME = 1, 3, 4, 0x10


def filetime(when: datetime) -> int:
    return int((when.timestamp() + _EPOCH_DELTA) * 10_000_000)


# -- shortcuts -------------------------------------------------------------------------------------

def shortcut(target: str, *, drive_type: int, serial: int, label: str, size: int, created: datetime,
             modified: datetime, accessed: datetime) -> bytes:
    """A shortcut to a local path: LinkInfo with the volume (type, serial, label) and the path in cp932
    (LocalBasePath) and UTF-16 (LocalBasePathUnicode), as Windows Vista and later write it."""
    flags = 0x02 | 0x80  # HasLinkInfo | IsUnicode
    header = struct.pack("<I16sII3QIIIHHII", 0x4C, bytes.fromhex("0114020000000000c000000000000046"), flags,
                         0x20, filetime(created), filetime(modified), filetime(accessed), size, 0, 1, 0, 0, 0, 0)
    label_a = label.encode("cp932") + b"\0"
    volume = struct.pack("<IIII", 16 + len(label_a), drive_type, serial, 16) + label_a
    path_a = target.encode("cp932") + b"\0"
    path_u = target.encode("utf-16-le") + b"\0\0"
    head = 0x24
    o_volume = head
    o_path = o_volume + len(volume)
    o_suffix = o_path + len(path_a)
    o_path_u = o_suffix + 1
    o_suffix_u = o_path_u + len(path_u)
    body = volume + path_a + b"\0" + path_u + b"\0\0"
    info = struct.pack("<IIIIIIIII", head + len(body), head, 1, o_volume, o_path, 0, o_suffix, o_path_u,
                       o_suffix_u) + body
    return header + info + b"\0\0\0\0"


# -- registry hives --------------------------------------------------------------------------------

@dataclass
class Key:
    name: str
    values: list[tuple[str, int, bytes]] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)
    written: datetime = datetime(2016, 11, 14, tzinfo=UTC)

    def key(self, path: str) -> Key:
        """The sub key at ``a\\b\\c``, created on the way."""
        node = self
        for part in path.split("\\"):
            found = next((k for k in node.keys if k.name.upper() == part.upper()), None)
            if found is None:
                found = Key(part, written=node.written)
                node.keys.append(found)
            node = found
        return node


def _name(text: str) -> tuple[bytes, bool]:
    try:
        return text.encode("ascii"), True
    except UnicodeEncodeError:
        return text.encode("utf-16-le"), False


class _Cells:
    """Cells of one hive bin; offsets are relative to the first bin, as regf wants."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def add(self, payload: bytes) -> int:
        size = (len(payload) + 4 + 7) & ~7
        offset = 32 + len(self.buf)
        self.buf += struct.pack("<i", -size) + payload + b"\0" * (size - 4 - len(payload))
        return offset

    def patch(self, offset: int, at: int, fmt: str, *values: int) -> None:
        struct.pack_into(fmt, self.buf, offset - 32 + 4 + at, *values)


def hive(root: Key, file_name: str) -> bytes:
    """A regf hive holding ``root`` and everything under it."""
    cells = _Cells()
    sd = struct.pack("<BBHIIII", 1, 0, 0x8004, 0, 0, 0, 0)  # self-relative, DACL present and null
    sk = cells.add(b"sk" + struct.pack("<HIIII", 0, 0, 0, 0, len(sd)) + sd)
    cells.patch(sk, 4, "<II", sk, sk)

    def write(key: Key, parent: int, is_root: bool) -> int:
        raw, compressed = _name(key.name)
        flags = (0x2C if is_root else 0) | (0x20 if compressed else 0)
        nk = cells.add(b"nk" + struct.pack("<HQIIIIIIIIIIIIIIIHH", flags, filetime(key.written), 0, parent,
                                           len(key.keys), 0, 0xFFFFFFFF, 0xFFFFFFFF, len(key.values), 0xFFFFFFFF,
                                           sk, 0xFFFFFFFF, 0, 0, 0, 0, 0, len(raw), 0) + raw)
        refs = struct.unpack_from("<I", cells.buf, sk - 32 + 4 + 12)[0]
        cells.patch(sk, 12, "<I", refs + 1)
        if key.values:
            offsets = []
            for name, kind, data in key.values:
                vraw, vcomp = _name(name)
                if len(data) <= 4:
                    where, size = int.from_bytes(data.ljust(4, b"\0"), "little"), len(data) | 0x80000000
                else:
                    where, size = cells.add(data), len(data)
                offsets.append(cells.add(b"vk" + struct.pack("<HIIIHH", len(vraw), size, where, kind,
                                                             1 if vcomp else 0, 0) + vraw))
            cells.patch(nk, 2 + 2 + 8 + 4 + 4 + 4 + 4 + 4 + 4 + 4, "<I",
                        cells.add(struct.pack(f"<{len(offsets)}I", *offsets)))
        if key.keys:
            children = sorted(key.keys, key=lambda k: k.name.upper())
            entries = b""
            for child in children:
                off = write(child, nk, False)
                entries += struct.pack("<I", off) + child.name.encode("utf-16-le")[:8:2].ljust(4, b"\0")[:4]
            cells.patch(nk, 2 + 2 + 8 + 4 + 4 + 4 + 4, "<I", cells.add(b"lf" + struct.pack("<H", len(children))
                                                                        + entries))
            longest = max(len(_name(k.name)[0]) for k in key.keys)
            cells.patch(nk, 2 + 2 + 8 + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 4, "<I", longest)
        return nk

    root_offset = write(root, 0, True)
    used = 32 + len(cells.buf)
    size = (used + 8 + 4095) & ~4095
    free = size - used
    bin_ = b"hbin" + struct.pack("<IIQQI", 0, size, 0, 0, 0) + bytes(cells.buf) + struct.pack("<i", free) + \
        b"\0" * (free - 4)
    base = bytearray(4096)
    struct.pack_into("<4sIIQIIIIIII", base, 0, b"regf", 1, 1, filetime(root.written), 1, 5, 0, 1, root_offset,
                     size, 1)
    name = file_name.encode("utf-16-le")[:64]
    base[48:48 + len(name)] = name
    checksum = 0
    for (word,) in struct.iter_unpack("<I", bytes(base[:508])):
        checksum ^= word
    struct.pack_into("<I", base, 508, checksum if checksum not in (0, 0xFFFFFFFF) else checksum ^ 1)
    return bytes(base) + bin_


# -- the demo's PC03 -------------------------------------------------------------------------------

OPENED = datetime(2016, 11, 14, 1, 22, 5, tzinfo=UTC)  # 10:22 JST: the list opened from the stick
PLUGGED = datetime(2016, 11, 14, 1, 19, 40, tzinfo=UTC)  # 10:19 JST: the stick attached
UNPLUGGED = datetime(2016, 11, 14, 1, 41, 12, tzinfo=UTC)
STICK = {"vendor": "BUFFALO", "product": "USB_Flash_Disk", "revision": "1.00", "serial": "07A3120F8C2B4E11"}
STICK_VOLUME = 0x5A3C91E2
RECENT = "Users/staff/AppData/Roaming/Microsoft/Windows/Recent"


def _utf16(text: str) -> bytes:
    return (text + "\0").encode("utf-16-le")


def _ntuser(target: str) -> bytes:
    name = target.rsplit("\\", 1)[-1]
    root = Key("ROOT", written=OPENED)
    explorer = "Software\\Microsoft\\Windows\\CurrentVersion\\Explorer"
    for sub in ("RecentDocs", "RecentDocs\\.xlsx"):
        root.key(f"{explorer}\\{sub}").values += [("0", REG_BINARY, name.encode("utf-16-le") + b"\0\0"),
                                                  ("MRUListEx", REG_BINARY, b"\0\0\0\0\xff\xff\xff\xff")]
    item = f"[F00000000][T{filetime(OPENED):016X}][O00000000]*{target}"
    root.key("Software\\Microsoft\\Office\\15.0\\Excel\\File MRU").values.append(("Item 1", REG_SZ, _utf16(item)))
    return hive(root, "\\??\\C:\\Users\\staff\\ntuser.dat")


def _system(letter: str) -> bytes:
    root = Key("ROOT", written=UNPLUGGED)
    root.key("Select").values.append(("Current", REG_DWORD, struct.pack("<I", 1)))
    model = f"Disk&Ven_{STICK['vendor']}&Prod_{STICK['product']}&Rev_{STICK['revision']}"
    inst = root.key(f"ControlSet001\\Enum\\USBSTOR\\{model}\\{STICK['serial']}&0")
    inst.values.append(("FriendlyName", REG_SZ, _utf16("BUFFALO USB Flash Disk USB Device")))
    props = "Properties\\{83da6326-97a6-4088-9453-a1923f573b29}"
    for code, when in (("0064", PLUGGED), ("0066", PLUGGED), ("0067", UNPLUGGED)):
        inst.key(f"{props}\\{code}").values.append(("", REG_FILETIME, struct.pack("<Q", filetime(when))))
    device = f"_??_USBSTOR#{model}#{STICK['serial']}&0#{{53f56307-b6bf-11d0-94f2-00a0c91efb8b}}"
    root.key("MountedDevices").values += [(f"\\DosDevices\\{letter}", REG_BINARY, device.encode("utf-16-le")),
                                          ("\\DosDevices\\C:", REG_BINARY, bytes.fromhex("1a2b3c4d0000100000000000"))]
    return hive(root, "\\??\\C:\\Windows\\System32\\config\\SYSTEM")


def _setupapi() -> bytes:
    model = f"Disk&Ven_{STICK['vendor']}&Prod_{STICK['product']}&Rev_{STICK['revision']}"
    return ("[Device Install Log]\r\n     OS Version = 6.1.7601\r\n\r\n[BeginLog]\r\n\r\n"
            f">>>  [Device Install (Hardware initiated) - USBSTOR\\{model}\\{STICK['serial']}&0]\r\n"
            ">>>  Section start 2016/11/14 10:19:38.120\r\n<<<  Section end 2016/11/14 10:19:40.001\r\n"
            "<<<  [Exit status: SUCCESS]\r\n").encode()


def profile_artefacts(leaked_name: str) -> dict[str, tuple[bytes, datetime]]:
    """PC03's artefacts: relative path -> (bytes, modification time)."""
    target = f"E:\\{leaked_name}"
    link = shortcut(target, drive_type=DRIVE_REMOVABLE, serial=STICK_VOLUME, label="USBメモリ", size=48_213,
                    created=OPENED, modified=OPENED, accessed=OPENED)
    return {
        f"{RECENT}/{leaked_name.rsplit('.', 1)[0]}.lnk": (link, OPENED),
        "Users/staff/NTUSER.DAT": (_ntuser(target), OPENED),
        "Windows/System32/config/SYSTEM": (_system("E:"), UNPLUGGED),
        "Windows/INF/setupapi.dev.log": (_setupapi(), PLUGGED),
    }
