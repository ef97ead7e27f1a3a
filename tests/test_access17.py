"""Microsoft Access databases (.mdb/.accdb) read as person tables (Session 17: they were listed `unsupported`).

Third-party files: jackcess' test databases (tests/data/tables/README.md), whose tables and row counts are those
mdbtools' mdb-export 1.0 gives for them (checked once by hand, notes of access17). Person tables: jackcess'
overflowTest databases with generated rows put in (tests/access_data.py; mdb-export reads the Jet 3 cp932 and ACE
ones back equal to the rows written).
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import pytest

from scanner.access import _HEADER_KEY, _JET4, _unicode, access_sheets, rc4
from scanner.codes import Status
from scanner.errors import ReadError
from scanner.sheet import Caps, CellBudget
from tests.access_data import compressed, jackcess, person_database
from tests.pii_data import people, standard
from tests.test_wild13 import _scan

N = 30


def _tables(data: bytes) -> dict[str, list[list[object]]]:
    return {s.name: list(s.rows)[1:] for s in access_sheets(data, CellBudget(Caps()))}


@pytest.mark.parametrize(("name", "counts"), [
    ("testV1997.mdb", {"Table1": 2, "Table2": 0, "Table3": 0, "Table4": 0}),
    ("testV2003.mdb", {"Table1": 2, "Table2": 0, "Table3": 0, "Table4": 0}),
    ("testV2010.accdb", {"Table1": 2, "Table2": 0, "Table3": 0, "Table4": 0}),
    ("overflowTestV1997.mdb", {"Table1": 7}), ("overflowTestV2000.mdb", {"Table1": 7}),
    ("overflowTestV2010.accdb", {"Table1": 7}), ("delTestV2000.mdb", {"Table": 2}),
    ("testUnicodeCompV2003.mdb", {"Table": 8}), ("extDateTestV2019.accdb", {"Table1": 9}),
    ("complexDataTestV2010.accdb", {"Table1": 4}),
])
def test_jackcess_databases_give_their_tables_and_rows(name: str, counts: dict[str, int]) -> None:
    assert {t: len(rows) for t, rows in _tables(jackcess(name)).items()} == counts


def test_values_of_real_files_are_read_as_access_wrote_them() -> None:
    table1 = _tables(jackcess("testV1997.mdb"))["Table1"]  # Jet 3: text, numbers, a date, a boolean
    assert table1[1][:5] == ["abcdefg", "hijklmnop", 2, 222, 333333333] and table1[1][8] is True
    assert str(table1[0][6]) == "1981-12-12"
    unicode = [r[1] for r in _tables(jackcess("testUnicodeCompV2003.mdb"))["Table"]]  # compressed unicode
    assert {"only ascii chars", "ääkkösiä", "Мир"} <= set(unicode)
    overflow = _tables(jackcess("overflowTestV2000.mdb"))["Table1"]  # a deleted column, overflow rows
    assert overflow[0][0] == "row1col1" and overflow[2][7] == "row3col9"
    dates = _tables(jackcess("extDateTestV2019.accdb"))["Table1"]  # Access 2019's extended date/time
    assert str(dates[2][2]) == "2021-06-14 12:45:00"


def test_compressed_unicode_switches_between_one_and_two_byte_runs() -> None:
    for text in ("東京都千代田区1-2-3 メゾン101", "abc", "山田太郎", "090-1234-5678"):
        packed = compressed(text)
        assert packed is not None and packed.startswith(b"\xff\xfe")
        assert _unicode(packed) == text
    assert compressed("一丁目") is None  # 一 is U+4E00: its low byte would read as a switch


def test_japanese_person_tables_in_access_are_found_and_counted(tmp_path: Path) -> None:
    rows = standard(people(N, seed=171))
    files = {"利用者台帳.mdb": person_database(rows, "V2000"), "利用者台帳97.mdb": person_database(rows, "V1997"),
             "利用者台帳.accdb": person_database(rows, "V2010"), "台帳.mde": person_database(rows, "V2000"),
             "uncompressed.mdb": person_database(rows, "V2000", compress=False),
             "名簿.dat": person_database(rows, "V2010")}  # under a name that says nothing: by its first bytes
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("事業所/利用者台帳.accdb", person_database(rows, "V2010"))
    findings = _scan(tmp_path, {**files, "台帳.zip": packed.getvalue()})
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"] if f.get("pii")}
    member = [f for f in findings["files"] if f.get("pii") and f["container"]]
    assert len(member) == 1 and member[0]["pii"]["records"] == N, member
    for name in files:
        assert hits[name]["pii"]["records"] == N, (name, hits.get(name), findings["skipped"])
        assert hits[name]["status"] == "ok", hits[name]
    assert not findings["skipped"], findings["skipped"]


def test_rows_marked_deleted_but_still_whole_are_read_and_said() -> None:
    rows = standard(people(N, seed=176))
    gone = frozenset(range(0, N, 4))
    sheets = list(access_sheets(person_database(rows, "V2000", deleted=gone), CellBudget(Caps())))
    read = list(sheets[0].rows)[1:]
    assert sorted(str([str(v) for v in r]) for r in read) == sorted(str([str(v) for v in r]) for r in rows[1:])
    # (every row once, the deleted ones too)
    assert any("8 row(s) marked deleted" in n for n in sheets[0].notes), sheets[0].notes
    assert not sheets[0].damage  # counted apart: no row "missing" against the definition's count


def _encoded(data: bytes, key: int) -> bytes:
    """``data`` as Jet's "encrypt database" leaves it: the key in the masked header, each page after the first RC4'd
    with the key XOR its number (mdbtools' mdb_read_pg)."""
    size = _JET4.page
    header = bytearray(rc4(_HEADER_KEY, data[0x18:0x18 + 128]))
    header[0x3E - 0x18:0x42 - 0x18] = key.to_bytes(4, "little")
    out = bytearray(data)
    out[0x18:0x18 + 128] = rc4(_HEADER_KEY, bytes(header))
    for n in range(1, len(data) // size):
        out[n * size:(n + 1) * size] = rc4(((key ^ n) & 0xFFFFFFFF).to_bytes(4, "little"), data[n * size:(n + 1) * size])
    return bytes(out)


def test_encoded_jet_databases_are_read_and_encrypted_ace_ones_listed(tmp_path: Path) -> None:
    rows = standard(people(N, seed=172))
    encoded = _encoded(person_database(rows, "V2000"), 0x1234ABCD)
    assert len(_tables(encoded)["Table1"]) == N
    locked = _encoded(person_database(rows, "V2010"), 0x5A5A5A5A)  # an .accdb with a key: a password's encryption
    with pytest.raises(ReadError) as e:
        _tables(locked)
    assert e.value.reason == Status.ENCRYPTED
    findings = _scan(tmp_path, {"encoded.mdb": encoded, "locked.accdb": locked})
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"] if f.get("pii")}
    listed = {s["path"].rsplit("/", 1)[1]: s for s in findings["skipped"]}
    assert hits["encoded.mdb"]["pii"]["records"] == N
    assert listed["locked.accdb"]["reason"] == "encrypted", listed
    assert '"access-encrypted"' in json.dumps(listed["locked.accdb"]["detail_codes"])


def test_damaged_databases_are_listed_with_what_was_read(tmp_path: Path) -> None:
    rows = standard(people(N, seed=173))
    whole = person_database(rows, "V2000")
    size = _JET4.page
    last = max(n for n in range(len(whole) // size)  # the table's last data page holding rows
               if whole[n * size] == 1 and whole[n * size + 4:n * size + 8] == (24).to_bytes(4, "little")
               and whole[n * size + 12:n * size + 14] != b"\x00\x00")
    zeroed = whole[:last * size] + bytes(size)
    flipped = bytearray(whole)
    flipped[last * size + 14:last * size + 16] = b"\xff\xff"  # its first row's offset
    files = {"cut.mdb": whole[:last * size + 1000], "zeroed.mdb": zeroed, "flipped.mdb": bytes(flipped),
             "catalog.mdb": whole[:2 * size] + bytes(size) + whole[3 * size:],
             "header.mdb": b"\x00\x01\x00\x00Standard Jxt DB\x00" + whole[20:], "short.accdb": whole[:300]}
    findings = _scan(tmp_path, files)
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"] if f.get("pii")}
    listed = {s["path"].rsplit("/", 1)[1]: s for s in findings["skipped"]}
    codes = {name: json.dumps(s.get("detail_codes")) for name, s in listed.items()}
    for name in ("cut.mdb", "zeroed.mdb", "flipped.mdb"):  # the rows on the intact pages counted, the loss said
        assert 0 < hits[name]["pii"]["records"] < N, (name, hits.get(name))
        assert listed[name]["reason"] == "corrupt" and '"access-rows-missing"' in codes[name], listed[name]
    assert '"access-cut"' in codes["cut.mdb"]
    assert listed["catalog.mdb"]["reason"] == "corrupt" and '"access-catalog-damaged"' in codes["catalog.mdb"]
    assert listed["header.mdb"]["reason"] == "unsupported" and '"access-not-access"' in codes["header.mdb"]
    assert listed["short.accdb"]["reason"] in ("corrupt", "unsupported"), listed["short.accdb"]


def test_random_damage_never_ends_the_reader_unsaid() -> None:
    """Flipped bytes and zeroed blocks anywhere: rows or a listed reason (ReadError), never another exception."""
    whole = person_database(standard(people(N, seed=174)), "V2000")
    rng = random.Random(17)
    for _ in range(60):
        data = bytearray(whole)
        for _ in range(rng.randint(1, 40)):
            at = rng.randrange(len(data))
            if rng.random() < 0.2:
                data[at:at + 64] = bytes(64)
            else:
                data[at] = rng.randrange(256)
        try:
            _tables(bytes(data))
        except ReadError:
            pass


def test_memo_values_inline_and_on_long_value_pages() -> None:
    """A memo inline, on one long-value row, and on a chain of them across pages (laid out as HACKING.md's LVAL
    pages; jackcess' files hold only short memos); a chain that points back at itself ends."""
    from scanner.access import _Counts, _Database
    from tests.access_data import _data_page

    data = person_database(standard(people(3, seed=175)), "V2000")
    n = len(data) // _JET4.page
    text = "利用者の備考、通所の記録。" * 300  # 7,800 bytes in UTF-16: two pages
    raw = text.encode("utf-16-le")
    lval = int.from_bytes(b"LVAL", "little")
    pages = (_data_page([((n + 1) << 8).to_bytes(4, "little") + raw[:3800], "短い備考".encode("utf-16-le"),
                         (n << 8 | 2).to_bytes(4, "little") + b"a\x00"], lval, False)
             + _data_page([bytes(4) + raw[3800:]], lval, False))
    db = _Database(data + pages, CellBudget(Caps()))
    chain = len(raw).to_bytes(4, "little") + (n << 8).to_bytes(4, "little") + bytes(4)
    single = (0x40000000 | 8).to_bytes(4, "little") + (n << 8 | 1).to_bytes(4, "little") + bytes(4)
    inline = (0x80000000 | 4).to_bytes(4, "little") + bytes(8) + "備考".encode("utf-16-le")
    looped = (1 << 20).to_bytes(4, "little") + (n << 8 | 2).to_bytes(4, "little") + bytes(4)
    counts = _Counts()
    assert db._memo(chain, counts) == text
    assert db._memo(single, counts) == "短い備考"
    assert db._memo(inline, counts) == "備考"
    assert not counts.cut  # whole: nothing said (access18)
    assert db._memo(looped, counts) == "a"
    assert counts.cut == {"chain loops": 1}  # short of its length: said (access18)


def test_a_damaged_catalog_entry_is_said_never_a_clean_database() -> None:
    """The catalog row naming the only table damaged (its offset flipped past the page): the database is listed
    corrupt with the catalog's loss, not read as a database without tables."""
    from scanner.access import _catalog, _Counts, _Database

    data = bytearray(person_database(standard(people(3, seed=177)), "V2000"))
    db = _Database(bytes(data), CellBudget(Caps()))
    (page,) = db.owned[2]
    system = db.table("MSysObjects", 2)
    names = [r[[c.name for c in system.columns].index("Name")] for r in db.rows(system, 2, _Counts())]
    at = page * _JET4.page + _JET4.rows_at + 2 + 2 * names.index("Table1")
    data[at:at + 2] = (0x1FFF).to_bytes(2, "little")
    assert _catalog(_Database(bytes(data), CellBudget(Caps())))[1] is not None
    # since access18 the table is recovered from its definition and data pages (as a dropped table's), the catalog's
    # loss said on it; (the flipped start is also the end of the next row: two entries lost)
    (sheet,) = access_sheets(bytes(data), CellBudget(Caps()))
    assert sheet.name == "(dropped table, page 24)" and len(list(sheet.rows)) == 4
    assert any("lacks 2 of the 19 objects" in d for d in sheet.damage), sheet.damage
