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
