"""An .xls whose shared-string table calamine cannot parse though every string is there, rewritten in memory.

A writer may continue the SST (0x00FC) with a CONTINUE record (0x003C) of no bytes before the one that holds the
rest of a string (ExcelDataReader issue 467: Excel and ExcelDataReader read such a file); calamine 0.37 panics in
``parse_sst`` ("index out of bounds"), and the whole workbook was `corrupt`. The empty records are left out of a
copy of the Workbook stream and as many empty INTERFACEEND records (0x00E2, read by no one) put after the SST's
last CONTINUE, so that the stream keeps its size and every offset after the SST (BOUNDSHEET's sheet positions)
stays true; olefile writes the stream back over its own sectors (a copy in memory: the evidence is never written).
"""

from __future__ import annotations

import io
import struct

SST, CONTINUE, PAD = 0x00FC, 0x003C, 0x00E2


def without_empty_continues(stream: bytes) -> tuple[bytes, int]:
    """The Workbook stream with the SST's empty CONTINUE records moved after its last one (as empty INTERFACEEND
    records), and how many; (stream, 0) when there are none."""
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        op, size = struct.unpack_from("<HH", stream, pos)
        if op == SST:
            break
        pos += 4 + size
    else:
        return stream, 0
    pos += 4 + size
    kept, dropped, start = [], 0, pos
    while pos + 4 <= end:
        op, size = struct.unpack_from("<HH", stream, pos)
        if op != CONTINUE or pos + 4 + size > end:
            break
        if size:
            kept.append(stream[pos:pos + 4 + size])
        else:
            dropped += 1
        pos += 4 + size
    if not dropped:
        return stream, 0
    return stream[:start] + b"".join(kept) + struct.pack("<HH", PAD, 0) * dropped + stream[pos:], dropped


def sst_repaired(data: bytes) -> tuple[bytes, int] | None:
    """The .xls (OLE2 bytes) with its SST's empty CONTINUE records left out (:func:`without_empty_continues`), and
    how many; None when it has none or its Workbook stream cannot be opened or written back."""
    import olefile

    try:
        buf = io.BytesIO(data)
        ole = olefile.OleFileIO(buf, write_mode=True)
        name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        if name is None:
            return None
        fixed, n = without_empty_continues(ole.openstream(name).read())
        if not n:
            return None
        ole.write_stream(name, fixed)
        return buf.getvalue(), n
    except Exception:  # noqa: BLE001 - olefile raises many kinds on a damaged container: no repair, calamine's word stands
        return None
