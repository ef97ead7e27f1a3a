"""review16e: dBase tables whose text is UTF-8 or the writer's "ANSI" code page (split16's reader, session 16).

QGIS/GDAL write a shapefile's ``.dbf`` in UTF-8 with no code page at byte 29 (the ``.cpg`` beside it names it),
and cut a value at its field's width in bytes, so a Japanese value may end mid-character; ESRI's programs mark
"the system's ANSI code page" with byte 29 = 0x57 (87), cp932 on a Japanese Windows. Field names are written in
the table's code page too.
"""

from __future__ import annotations

import struct
from pathlib import Path

from tests.pii_data import people, standard
from tests.test_dbase16 import _FIELDS, N
from tests.test_wild13 import _scan

JAPANESE_NAMES = ["番号", "氏名", "フリガナ", "性別", "生年月日", "郵便番号", "住所", "電話番号", "要介護度"]


def _table_in(encoding: str, code_page: int, names: list[str] | None = None) -> bytes:
    """A dBase III table of N people in ``encoding`` (text cut at its field's width in bytes, as writers do)."""
    rows = standard(people(N, seed=161))
    fields = [(n, k, w) for n, (_, k, w) in zip(names, _FIELDS, strict=True)] if names else list(_FIELDS)
    record_len = 1 + sum(w for _, _, w in fields)
    header_len = 32 + 32 * len(fields) + 1
    out = bytearray(struct.pack("<B3BIHH", 3, 124, 5, 1, N, header_len, record_len) + bytes(17)
                    + bytes([code_page]) + bytes(2))
    out += b"".join(struct.pack("<11sc4xBB14x", n.encode(encoding)[:10], k.encode(), w, 0) for n, k, w in fields)
    out += b"\x0d"
    for row in rows[1:]:
        out += b" "
        for (_, kind, width), value in zip(fields, row, strict=True):
            raw = (str(value).replace("-", "") if kind == "D" else str(value)).encode(encoding)[:width]
            out += raw.rjust(width) if kind == "N" else raw.ljust(width)
    return bytes(out + b"\x1a")


def test_utf8_and_ansi_tables_are_read_in_their_code_page(tmp_path: Path) -> None:
    files = {"utf8.dbf": _table_in("utf-8", 0), "utf8_names.dbf": _table_in("utf-8", 0, JAPANESE_NAMES),
             "ansi.dbf": _table_in("cp932", 0x57, JAPANESE_NAMES)}
    findings = _scan(tmp_path, files)
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"] if f.get("pii")}
    for name in files:
        assert name in hits and hits[name]["pii"]["records"] == N, (name, hits.get(name))


def test_a_table_without_fields_is_an_empty_table(tmp_path: Path) -> None:
    """A shapefile's attribute table with no field (header of 32 bytes and its end mark, a record of the deletion
    flag alone: infused/dbf's spec/fixtures/polygon.dbf) is a table holding nothing, not "another program's file";
    one that holds no end mark after its header stays listed."""
    empty = struct.pack("<B3BIHH", 3, 95, 1, 1, 1, 33, 1) + bytes(20) + b"\x0d" + b" "
    findings = _scan(tmp_path, {"polygon.dbf": empty, "nomark.dbf": empty[:32] + b"\x00 "})
    listed = {s["path"].rsplit("/", 1)[1]: s for s in findings["skipped"]}
    assert "polygon.dbf" not in listed, listed.get("polygon.dbf")
    assert "nomark.dbf" in listed


def _dbase7(version: int = 0x04) -> bytes:
    """A dBase 7 table (68-byte header with a language driver's name, 48-byte descriptors) of N people, cp932, with
    an autoincrement ``+`` field (big-endian, sign bit flipped) first."""
    rows = standard(people(N, seed=161))
    fields = [("ID", "+", 4), *((n, k, w) for n, (_, k, w) in zip(JAPANESE_NAMES, _FIELDS, strict=True))]
    record_len = 1 + sum(w for _, _, w in fields)
    header_len = 68 + 48 * len(fields) + 1
    out = bytearray(struct.pack("<B3BIHH", version, 124, 5, 1, N, header_len, record_len) + bytes(20)
                    + b"DBWINJP0".ljust(32, b"\x00") + bytes(4))
    out += b"".join(struct.pack(">32scBB13x", n.encode("cp932"), k.encode(), w, 0) for n, k, w in fields)
    out += b"\x0d"
    for i, row in enumerate(rows[1:]):
        out += b" " + (i + 1 + (1 << 31)).to_bytes(4, "big")
        for (_, kind, width), value in zip(fields[1:], row, strict=True):
            raw = (str(value).replace("-", "") if kind == "D" else str(value)).encode("cp932")[:width]
            out += raw.rjust(width) if kind == "N" else raw.ljust(width)
    return bytes(out + b"\x1a")


def test_a_dbase7_table_is_read(tmp_path: Path) -> None:
    """dBase 7 (dBASE PLUS; infused/dbf's dbase_8c.dbf): was listed `dbf-not-dbase` (0x8C) or `corrupt`
    `dbf-header-damaged` (0x04) and its people unread."""
    findings = _scan(tmp_path, {"plus.dbf": _dbase7(), "plus_memo.dbf": _dbase7(0x8C)})
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"] if f.get("pii")}
    for name in ("plus.dbf", "plus_memo.dbf"):
        assert name in hits and hits[name]["pii"]["records"] == N, (name, hits.get(name), findings["skipped"])
    assert not findings["skipped"], findings["skipped"]
