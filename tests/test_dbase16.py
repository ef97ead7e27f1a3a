"""dBase / FoxPro tables (``.dbf``) read as person tables (Session 16: they were listed `unsupported`, wild15).

The tables are written here to the format's layout (header, field descriptors, fixed-width records): the reader
was checked once against Ethan Furman's ``dbf`` 0.99.11 writing dBase III and Visual FoxPro tables with
code page 0x13 (notes of split16); that library needs ``aenum`` and is not a test dependency.
"""

from __future__ import annotations

import json
import random
import struct
from pathlib import Path

from tests.pii_data import people, standard
from tests.test_wild13 import _scan

N = 30
_FIELDS = [("NO", "N", 5), ("SHIMEI", "C", 20), ("KANA", "C", 30), ("SEIBETSU", "C", 2), ("BIRTH", "D", 8),
           ("ZIP", "C", 8), ("JUSHO", "C", 80), ("TEL", "C", 15), ("KAIGO", "C", 10)]


def dbf_bytes(rows: list[list[object]], code_page: int = 0x13, version: int = 0x03, deleted: frozenset[int] = frozenset(),
              memo: bool = False, names: list[str] | None = None) -> bytes:
    """A dBase table of ``rows`` (the first row, the header, is replaced by ``_FIELDS``' names or ``names``), cp932
    text, ``code_page`` at byte 29; ``memo`` adds a memo field (FoxPro: its 4-byte block number, ``version``
    0xF5). Records whose index is in ``deleted`` are marked deleted."""
    fields = list(_FIELDS)
    if names:
        fields = [(n, k, w) for n, (_, k, w) in zip(names, fields, strict=True)]
    if memo:
        fields.append(("BIKO", "M", 4 if version in (0x30, 0xF5) else 10))
    record_len = 1 + sum(w for _, _, w in fields)
    header_len = 32 + 32 * len(fields) + 1
    head = struct.pack("<B3BIHH", version, 124, 5, 1, len(rows) - 1, header_len, record_len)
    head += bytes(17) + bytes([code_page]) + bytes(2)
    descriptors = b"".join(struct.pack("<11sc4xBB14x", n.encode("cp932"), k.encode(), w, 0) for n, k, w in fields)
    out = bytearray(head + descriptors + b"\x0d")
    for i, row in enumerate(rows[1:]):
        out += b"*" if i in deleted else b" "
        for (_, kind, width), value in zip(fields, [*row, *([1] if memo else [])], strict=True):
            if kind == "D":
                raw = str(value).replace("-", "")[:8].encode()
            elif kind == "N":
                raw = str(value).rjust(width).encode()
            elif kind == "M":
                raw = (1).to_bytes(4, "little") if width == 4 else b"1".rjust(width)
            else:
                raw = str(value).encode("cp932")[:width]
            out += raw.ljust(width, b" ")
    return bytes(out + b"\x1a")


def _table() -> list[list[object]]:
    return standard(people(N, seed=161))


def test_dbase_tables_are_read_as_person_tables(tmp_path: Path) -> None:
    rows = _table()
    files = {"名簿.dbf": dbf_bytes(rows), "windows.dbf": dbf_bytes(rows, code_page=0x7B),
             "unnamed.dbf": dbf_bytes(rows, code_page=0), "foxpro.dbf": dbf_bytes(rows, version=0x30, code_page=0x7B),
             "deleted.dbf": dbf_bytes(rows, deleted=frozenset(range(0, N, 3))),
             "japanese_names.dbf": dbf_bytes(rows, names=["番号", "氏名", "フリガナ", "性別", "生年月日", "郵便番号",
                                                           "住所", "電話番号", "要介護度"])}
    findings = _scan(tmp_path, files)
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"] if f.get("pii")}
    for name in files:
        assert hits[name]["pii"]["records"] == N, (name, hits.get(name), findings["skipped"])
    assert not findings["skipped"], findings["skipped"]  # a record marked deleted is read: its bytes are all there


def test_a_table_with_memo_fields_says_they_were_not_read(tmp_path: Path) -> None:
    """No memo file beside the tables: their memo fields are said unread because it is missing (damage19: a memo
    file beside a table is read, tests/test_damage19.py)."""
    rows = _table()
    findings = _scan(tmp_path, {"memo.dbf": dbf_bytes(rows, version=0xF5, memo=True),
                                "memo3.dbf": dbf_bytes(rows, version=0x83, memo=True)})
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"] if f.get("pii")}
    listed = {s["path"].rsplit("/", 1)[1]: s for s in findings["skipped"]}
    for name in ("memo.dbf", "memo3.dbf"):
        assert hits[name]["pii"]["records"] == N, (name, hits.get(name))
        assert '"dbf-memo-missing"' in json.dumps(listed[name]["detail_codes"]), listed.get(name)


def test_damaged_dbase_tables_end_as_records_or_listed(tmp_path: Path) -> None:
    """Cuts at eleven places, flipped bytes at seeded places (header, descriptors, records) and a file of another
    program named .dbf: each ends with records or a listed reason, never as nothing; a cut one says so."""
    rows = _table()
    whole = dbf_bytes(rows)
    files = {f"cut{k}.dbf": whole[:len(whole) * k // 12] for k in range(1, 12)}
    header_len = struct.unpack_from("<H", whole, 8)[0]
    for seed in range(12):
        rnd, flipped = random.Random(f"dbf:{seed}"), bytearray(whole)
        where = header_len if seed < 6 else len(whole)  # half in the header and descriptors, half anywhere
        for _ in range(1 + seed % 3):
            flipped[rnd.randrange(where)] ^= 1 << rnd.randrange(8)
        files[f"flip{seed}.dbf"] = bytes(flipped)
    files["oracle.dbf"] = b"\x00\xa2\x00\x00" + bytes(range(256)) * 8
    findings = _scan(tmp_path, files)
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"] if f.get("pii")}
    listed = {s["path"].rsplit("/", 1)[1]: s for s in findings["skipped"]}
    assert set(files) <= set(hits) | set(listed), sorted(set(files) - set(hits) - set(listed))
    for k in range(4, 12):  # past the header: the whole records before the cut are read, the cut said
        name = f"cut{k}.dbf"
        assert 0 < hits[name]["pii"]["records"] < N, (name, hits.get(name))
        assert '"dbf-cut"' in json.dumps(listed[name]["detail_codes"]), listed.get(name)
    assert all(h["pii"]["records"] <= N for h in hits.values())
    assert '"dbf-not-dbase"' in json.dumps(listed["oracle.dbf"]["detail_codes"])


def test_a_record_count_that_says_fewer_hides_no_record(tmp_path: Path) -> None:
    """A header whose record count was damaged to fewer (0, or a flipped bit) than the whole records the file holds:
    every record present is read and the table says so (`dbf-more-records`); the counted ones alone passed as ok."""
    rows = _table()
    files = {}
    for name, count in (("zero.dbf", 0), ("fewer.dbf", 5)):
        data = bytearray(dbf_bytes(rows))
        data[4:8] = count.to_bytes(4, "little")
        files[name] = bytes(data)
    findings = _scan(tmp_path, files)
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"] if f.get("pii")}
    listed = {s["path"].rsplit("/", 1)[1]: s for s in findings["skipped"]}
    for name in files:
        assert hits[name]["pii"]["records"] == N, (name, hits.get(name))
        assert '"dbf-more-records"' in json.dumps(listed[name]["detail_codes"]), listed.get(name)


def test_a_record_length_the_fields_do_not_fill_is_said(tmp_path: Path) -> None:
    """A record length flipped larger than the fields fill: the rows are read misaligned, and the table says its
    layout differs (`dbf-layout-differs`) instead of passing them as they came."""
    data = bytearray(dbf_bytes(_table()))
    data[10] ^= 0x04  # the record length's low byte: 4 bytes more (or less) than the fields
    findings = _scan(tmp_path, {"layout.dbf": bytes(data)})
    listed = {s["path"].rsplit("/", 1)[1]: s for s in findings["skipped"]}
    assert '"dbf-layout-differs"' in json.dumps(listed["layout.dbf"]["detail_codes"]), listed.get("layout.dbf")
