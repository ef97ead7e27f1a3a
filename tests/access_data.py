"""Access databases for the tests: jackcess' test files (tests/data/tables/README.md), and person tables made from
them, since nothing here writes Access (mdbtools reads only; no ODBC driver writes .mdb on Linux).

``person_database`` takes a real database of jackcess' (overflowTest: one table ``Table1`` of nine Text columns,
its catalog, definition and usage pages written by Access) and puts generated rows into it: the nine column names
are replaced in its definition page (the names block rebuilt, the page padded back to its size), its data pages are
disowned and new data pages holding the rows are appended, owned by the table, and the definition's row count is set.
The rows are laid out as the page format says (mdbtools' HACKING.md: a row's column count, its variable-length
values, their offsets in reverse with the end-of-data offset, the count, the null mask); Jet 4 text is UTF-16 or
"compressed unicode" (FF FE, runs of one byte a character switched by 0x00) where Access compresses it, Jet 3 text is
the database's code page (cp932 written into its header). The catalog and table definition stay Access's own.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

from scanner.access import _JET3, _JET4, rc4

DATA = Path(__file__).parent / "data" / "tables"
_HEADER_KEY = bytes((0xC7, 0xDA, 0x39, 0x6B))


def jackcess(name: str) -> bytes:
    """A jackcess test database kept gzipped in tests/data/tables (``jackcess__NAME.gz``)."""
    return gzip.decompress((DATA / f"jackcess__{name}.gz").read_bytes())


def with_code_page(data: bytes, code_page: int) -> bytes:
    """A Jet 3 database with its header's code page (masked with the header's RC4 stream) set to ``code_page``."""
    out = bytearray(data)
    header = bytearray(rc4(_HEADER_KEY, bytes(out[0x18:0x18 + 126])))
    header[0x3C - 0x18:0x3E - 0x18] = code_page.to_bytes(2, "little")
    out[0x18:0x18 + 126] = rc4(_HEADER_KEY, bytes(header))
    return bytes(out)


def compressed(text: str) -> bytes | None:
    """``text`` as Access's compressed unicode, or None where it cannot be (a two-byte run holding a character whose
    low byte is 0x00 would read as a switch)."""
    out = bytearray(b"\xff\xfe")
    one = True
    for ch in text:
        small = 0 < ord(ch) < 0x100
        if small != one:
            out.append(0)
            one = small
        if one:
            out.append(ord(ch))
        else:
            raw = ch.encode("utf-16-le")
            if raw[0] == 0 or len(raw) != 2:
                return None
            out += raw
    return bytes(out)


def _text(value: str, jet3: bool, compress: bool) -> bytes:
    if jet3:
        return value.encode("cp932")
    packed = compressed(value) if compress else None
    return packed if packed is not None else value.encode("utf-16-le")


def _row(values: list[bytes | None], slots: list[int], max_cols: int, jet3: bool) -> bytes:
    """One row of variable-length columns: ``values[k]`` goes in variable slot ``slots[k]`` (None: null)."""
    width = 1 if jet3 else 2
    by_slot = dict(zip(slots, values, strict=True))
    n_var = max(slots) + 1
    body = bytearray(max_cols.to_bytes(width, "little"))
    offsets = []
    for slot in range(n_var):
        offsets.append(len(body))
        body += by_slot.get(slot) or b""
    offsets.append(len(body))  # end of data
    mask = bytearray((max_cols + 7) // 8)
    for slot, value in by_slot.items():
        if value is not None:
            mask[slot // 8] |= 1 << (slot % 8)  # (the columns' numbers are their slots in these tables)
    tail = b"".join(o.to_bytes(width, "little") for o in reversed(offsets))
    row = bytes(body + tail + n_var.to_bytes(width, "little") + mask)
    assert not jet3 or len(row) < 256, "a Jet 3 row past 255 bytes needs a jump table"
    return row


def _data_page(rows: list[bytes], owner: int, jet3: bool, deleted: frozenset[int] = frozenset()) -> bytes:
    f = _JET3 if jet3 else _JET4
    page = bytearray(f.page)
    page[0:2] = b"\x01\x01"
    page[4:8] = owner.to_bytes(4, "little")
    page[f.rows_at:f.rows_at + 2] = len(rows).to_bytes(2, "little")
    end = f.page
    for i, row in enumerate(rows):
        start = end - len(row)
        page[start:end] = row
        page[f.rows_at + 2 + 2 * i:f.rows_at + 4 + 2 * i] = (start | (0x8000 if i in deleted else 0)).to_bytes(2, "little")
        end = start
    assert end > f.rows_at + 2 + 2 * len(rows), "rows overflow the page"
    return bytes(page)


def _rename(page: bytes, jet3: bool, names: list[str], encoding: str) -> bytes:
    """The definition page with its column names replaced (the names block rebuilt, padded back to the page)."""
    f = _JET3 if jet3 else _JET4
    ncols = struct.unpack_from("<H", page, f.num_cols)[0]
    nridx = struct.unpack_from("<I", page, f.num_ridx)[0]
    pos = f.cols_start + nridx * f.ridx_size + ncols * f.col_size
    end = pos
    for _ in range(ncols):
        size = page[end] if jet3 else struct.unpack_from("<H", page, end)[0]
        end += (1 if jet3 else 2) + size
    block = b"".join((len(raw).to_bytes(1 if jet3 else 2, "little") + raw)
                     for raw in (n.encode(encoding if jet3 else "utf-16-le") for n in names))
    out = page[:pos] + block + page[end:]
    return (out + bytes(len(page)))[:len(page)]


def person_database(rows: list[list[object]], version: str = "V2000", compress: bool = True,
                    deleted: frozenset[int] = frozenset(), code_page: int = 932) -> bytes:
    """jackcess' overflowTest database of ``version`` (V1997: Jet 3, written cp932; V2000: Jet 4; V2010: ACE) whose
    ``Table1`` holds ``rows`` (the first the header: nine names); the rows whose index is in ``deleted`` are marked
    deleted (their offset's 0x8000 bit, the bytes left as Access leaves them until their space is taken). Jet 3: its
    text written cp932, the header's code page ``code_page`` (0: none named, as some programs leave it)."""
    suffix = "mdb" if version in ("V1997", "V2000", "V2003") else "accdb"
    data = bytearray(jackcess(f"overflowTest{version}.{suffix}"))
    jet3 = version == "V1997"
    f = _JET3 if jet3 else _JET4
    table, slots = {"V1997": (29, list(range(9))), "V2000": (24, [0, *range(2, 10)]),
                    "V2010": (74, list(range(9)))}[version]
    max_cols = {"V1997": 9, "V2000": 10, "V2010": 9}[version]
    if jet3:  # the header's code page (masked with the header's RC4 stream) set to 932
        data[:] = with_code_page(bytes(data), code_page)
    own = [n for n in range(len(data) // f.page)  # the table's own data pages (in its usage map): filled first
           if data[n * f.page] == 0x01 and int.from_bytes(data[n * f.page + 4:n * f.page + 8], "little") == table]
    at = table * f.page
    data[at:at + f.page] = _rename(bytes(data[at:at + f.page]), jet3, [str(n) for n in rows[0]], "cp932")
    data[at + f.num_rows:at + f.num_rows + 4] = (len(rows) - 1 - len(deleted)).to_bytes(4, "little")  # the live rows
    encoded = [_row([None if v in (None, "") else _text(str(v), jet3, compress) for v in r], slots, max_cols, jet3)
               for r in rows[1:]]
    pages: list[list[bytes]] = [[]]
    marked: list[set[int]] = [set()]  # the rows marked deleted, by their place on each page
    used = f.rows_at + 2
    for k, row in enumerate(encoded):
        if used + len(row) + 2 > f.page - 16:
            pages.append([])
            marked.append(set())
            used = f.rows_at + 2
        if k in deleted:
            marked[-1].add(len(pages[-1]))
        pages[-1].append(row)
        used += len(row) + 2
    for n, page_rows in enumerate(pages):  # its own pages first (their rows were jackcess' test strings), then new
        page = _data_page(page_rows, table, jet3, frozenset(marked[n]))  # pages at the end (found by their owner)
        if n < len(own):
            data[own[n] * f.page:(own[n] + 1) * f.page] = page
        else:
            data += page
    for n in own[len(pages):]:  # own pages left over: emptied
        data[n * f.page:(n + 1) * f.page] = _data_page([], table, jet3)
    return bytes(data)
