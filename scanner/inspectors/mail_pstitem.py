"""An Outlook item attached to a message inside a .pst/.ost (attach method 5: a message forwarded as an
attachment), read from the bytes libpff gives for it.

pypff gives no message object for such an item, but ``attachment.read_buffer`` returns the item's own node
data: a property context ([MS-PST] 2.3.3: a heap-on-node whose user root is a BTree-on-heap of property id ->
type and value). Its small properties (subject, sent time, flags, a body up to a few KiB) live in that heap and
are read here; larger ones (a long body, the item's own attachments) live in sub-nodes libpff does not expose:
they are said (``unsupported``), never taken for absent. Plain values out: a ``Mail`` whose body is read by the
same rules as any store message (scanner.inspectors.mail_outlook._pst_body).
"""

from __future__ import annotations

import struct

from ..codes import Status
from ..details import Detail, say

PT_LONG, PT_SYSTIME, PT_STRING8, PT_UNICODE, PT_BINARY = 0x0003, 0x0040, 0x001E, 0x001F, 0x0102
PR_MESSAGE_FLAGS, MSGFLAG_HASATTACH = 0x0E07, 0x10
BODY_PROPS = {0x1000: "plain-text", 0x1013: "HTML", 0x1009: "RTF"}  # PR_BODY, PR_HTML, PR_RTF_COMPRESSED
_BLOCK = 8176  # bytes of a heap block's data ([MS-PST] 2.2.2.8.3.1: data blocks hold at most 8,176 bytes)
_HN_SIGNATURE, _PC_CLIENT, _BTH_SIGNATURE = 0xEC, 0xBC, 0xB5
MAX_PROPERTIES = 65_536


class NotAPropertyContext(ValueError):
    """The bytes are no property context (damaged, or a layout this reader does not know)."""


class HeapValue:
    """One property: its type and either its bytes (in the heap, or inline for values of 4 bytes or fewer) or
    ``None`` when it lives in a sub-node this reader cannot reach."""

    def __init__(self, ptype: int, data: bytes | None) -> None:
        self.ptype, self.data = ptype, data


def properties(data: bytes) -> dict[int, HeapValue]:
    """Property id -> value of a property context's bytes; NotAPropertyContext when they are none."""
    try:
        _page_map, signature, client, user_root = struct.unpack_from("<HBBI", data, 0)
        if signature != _HN_SIGNATURE or client != _PC_CLIENT:
            raise NotAPropertyContext("not a property context (heap signature)")
        header = _allocation(data, user_root)
        b_type, cb_key, cb_ent, levels, root = struct.unpack_from("<BBBBI", header, 0)
        if b_type != _BTH_SIGNATURE or cb_key != 2 or cb_ent != 6 or levels != 0:
            raise NotAPropertyContext("property tree of an unknown layout (index levels or key size)")
        records = _allocation(data, root) if root else b""
        if len(records) // 8 > MAX_PROPERTIES:
            raise NotAPropertyContext("more properties than a property context holds")
        out: dict[int, HeapValue] = {}
        for at in range(0, len(records) - 7, 8):
            pid, ptype, value = struct.unpack_from("<HHI", records, at)
            out[pid] = HeapValue(ptype, _value(data, ptype, value))
        return out
    except (struct.error, IndexError) as e:
        raise NotAPropertyContext(f"property context damaged ({type(e).__name__})") from e


_FIXED = {0x0002: 2, 0x0003: 4, 0x0004: 4, 0x000A: 4, 0x000B: 1}  # values kept in the record itself


def _value(data: bytes, ptype: int, value: int) -> bytes | None:
    if ptype in _FIXED:
        return value.to_bytes(4, "little")[:_FIXED[ptype]]
    if value == 0:
        return b""
    if value & 0x1F:  # an NID: a sub-node (a large value) libpff gives no access to
        return None
    return _allocation(data, value)


def _allocation(data: bytes, hid: int) -> bytes:
    """The bytes of one heap allocation (a HID: index in its block's page map, block number)."""
    index, block = (hid >> 5) & 0x7FF, hid >> 16
    start = block * _BLOCK
    if index == 0 or start >= len(data):
        raise NotAPropertyContext("heap reference out of range")
    ib_hnpm = struct.unpack_from("<H", data, start)[0]
    count = struct.unpack_from("<H", data, start + ib_hnpm)[0]
    if index > count:
        raise NotAPropertyContext("heap reference out of range")
    begin, end = struct.unpack_from("<HH", data, start + ib_hnpm + 4 + 2 * (index - 1))
    if not begin <= end <= min(_BLOCK, len(data) - start):
        raise NotAPropertyContext("heap allocation out of range")
    return data[start + begin:start + end]


class HeapItem:
    """A property context shaped as the libpff item ``_pst_body`` and ``_record`` read (bodies, record set)."""

    def __init__(self, props: dict[int, HeapValue], rtf: bytes | None) -> None:
        self.props, self.rtf = props, rtf
        self.entries = [_Entry(pid, v.ptype, v.data) for pid, v in props.items() if v.data is not None]

    def _bytes(self, pid: int) -> bytes | None:
        found = self.props.get(pid)
        return found.data if found is not None and found.data else None

    def get_html_body(self) -> bytes | None:
        found = self.props.get(0x1013)
        if found is None or not found.data:
            return None
        if found.ptype == PT_UNICODE:
            return found.data.decode("utf-16-le", "replace").encode("utf-8")
        return found.data

    def get_plain_text_body(self) -> bytes | None:
        found = self.props.get(0x1000)
        if found is None or not found.data:
            return None
        if found.ptype == PT_UNICODE:
            return found.data.decode("utf-16-le", "replace").encode("utf-8")
        return found.data  # 8-bit: decoded by body_text as libpff's is

    def get_rtf_body(self) -> bytes | None:
        return self.rtf

    def get_number_of_record_sets(self) -> int:
        return 1

    def get_record_set(self, _index: int) -> HeapItem:
        return self

    def get_number_of_entries(self) -> int:
        return len(self.entries)

    def get_entry(self, k: int) -> _Entry:
        return self.entries[k]


class _Entry:
    def __init__(self, pid: int, ptype: int, data: bytes | None) -> None:
        self.pid, self.ptype, self.data = pid, ptype, data

    def get_entry_type(self) -> int:
        return self.pid

    def get_value_type(self) -> int:
        return self.ptype

    def get_data(self) -> bytes | None:
        return self.data


def unreached(props: dict[int, HeapValue]) -> list[tuple[Status, str]]:
    """What of an attached item cannot be read here, said: its own attachments, bodies kept in sub-nodes."""
    said: list[tuple[Status, str]] = []
    flags = props.get(PR_MESSAGE_FLAGS)
    if flags is None or not flags.data or int.from_bytes(flags.data, "little") & MSGFLAG_HASATTACH:
        said.append((Status.UNSUPPORTED, say(Detail.PST_ITEM_ATTACHMENTS_UNREAD if flags is not None and flags.data
                                             else Detail.PST_ITEM_ATTACHMENTS_UNREAD_IF_ANY)))
    far = [name for pid, name in BODY_PROPS.items() if pid in props and props[pid].data is None]
    if far:
        said.append((Status.UNSUPPORTED, say(Detail.PST_ITEM_BODY_OUTSIDE, bodies=" and ".join(far))))
    return said
