"""Access leftovers (session 18, access18): a Jet 3 database whose header names no code page, memos read short, OLE
object and attachment contents examined as children of the database.

Third-party files: jackcess' test databases (tests/data/tables/README.md). Person tables: tests/access_data.py.
"""

from __future__ import annotations

import json
import random
import struct

import pytest

from scanner.access import _JET3, _JET4, _Counts, _Damaged, _Database, access_sheets
from scanner.details import codes_of
from scanner.errors import ReadError
from scanner.sheet import Caps, CellBudget
from tests.access_data import _data_page, _row, jackcess, person_database, with_code_page
from tests.pii_data import people, standard
from tests.test_review17a import _with_memo_column

N = 12
P = _JET4.page


def _sheets(data: bytes) -> list[tuple[str, list[list[object]], list[str], list[str]]]:
    """(name, rows without the header, notes, unread) of every sheet."""
    out = []
    for s in access_sheets(data, CellBudget(Caps())):
        rows = [list(r) for r in s.rows][1:]
        out.append((s.name, rows, list(s.notes), list(s.unread)))
    return out


def _codes(said: list[str]) -> list[str]:
    return [c["code"] for n in said for c in codes_of(n)]


# ---------------------------------------------------------------- 1. a Jet 3 database naming no code page


def test_a_japanese_access97_database_naming_no_code_page_is_read_as_cp932() -> None:
    """An Access 97 person table written cp932 whose header's code page is 0: read as cp932 (its persons were
    mojibake in cp1252 before, lost silently), and the guess said."""
    rows = standard(people(N, seed=181))
    (name, read, notes, _), = _sheets(person_database(rows, "V1997", code_page=0))
    assert [r[1] for r in read] == [r[1] for r in rows[1:]]  # 氏名 as written
    assert read[0][6] == rows[1][6]  # 住所
    assert "access-code-page-guessed" in _codes(notes), notes
    assert any("read as cp932" in n for n in notes), notes


def test_western_access97_databases_naming_no_code_page_read_as_before() -> None:
    """jackcess' Jet 3 files (cp1252 in their header): read the same with the code page zeroed (guessed cp1252), and
    no guess said while the header names one. testIndexCodes holds every byte past ASCII between Latin letters (a
    byte cp1252 lacks makes it no strict cp1252; cp932 reads it as lone kana: not Japanese)."""
    for name in ("testIndexCodesV1997.mdb", "testV1997.mdb", "overflowTestV1997.mdb"):
        data = jackcess(name)
        named, guessed = _sheets(data), _sheets(with_code_page(data, 0))
        assert [s[:2] for s in named] == [s[:2] for s in guessed], name
        assert "access-code-page-guessed" not in _codes([n for s in named for n in s[2]])
        assert any("read as cp1252" in n for s in guessed for n in s[2] if "guess" in n), name
    every = [v for s in named for r in s[1] for v in r if isinstance(v, str) and not v.isascii()]
    assert not every  # (overflowTest: ASCII only)
    latin = [v for s in _sheets(jackcess("testIndexCodesV1997.mdb")) for r in s[1] for v in r
             if isinstance(v, str) and not v.isascii()]
    assert len(latin) > 400 and "AAÀAA" in latin


def test_a_damaged_access97_database_naming_no_code_page_is_listed_or_read() -> None:
    """Flipped and zeroed bytes in a Jet 3 database whose code page is guessed: rows or a listed reason, never
    another exception (the guess reads its catalog and rows before the reading proper)."""
    whole = person_database(standard(people(N, seed=183)), "V1997", code_page=0)
    rng = random.Random(18)
    for k in range(40):
        data = bytearray(whole[:rng.randrange(len(whole))] if k % 8 == 0 else whole)
        for _ in range(rng.randint(1, 30)):
            at = rng.randrange(len(data))
            if rng.random() < 0.2:
                data[at:at + 64] = bytes(64)[:len(data) - at]
            else:
                data[at] = rng.randrange(256)
        try:
            _sheets(bytes(data))
        except ReadError:
            pass


# ---------------------------------------------------------------- 2. memos read short


def _memo_database(memos: list[bytes]) -> bytes:
    """jackcess' overflowTestV2000 with column 0 a memo column and a row per memo head (its other columns "x")."""
    data = bytearray(person_database(standard(people(3, seed=184)), "V2000"))
    _with_memo_column(data)
    page = [n for n in range(len(data) // P)
            if data[n * P] == 1 and data[n * P + 4:n * P + 8] == (24).to_bytes(4, "little")][0]
    rows = [_row([m] + [b"x\x00"] * 8, [0, *range(2, 10)], 10, False) for m in memos]
    data[page * P:(page + 1) * P] = _data_page(rows, 24, False)
    struct.pack_into("<I", data, 24 * P + _JET4.num_rows, len(rows))
    return bytes(data)


def test_a_memo_read_short_is_said_and_the_table_partially_examined() -> None:
    """An inline memo holding fewer bytes than its head gives, and one whose long-value chain points back at itself:
    their text read as far as it goes, the table said partially examined (access-memo-cut); whole memos say nothing."""
    text = "備考あり".encode("utf-16-le")
    whole = (0x80000000 | len(text)).to_bytes(4, "little") + bytes(8) + text
    short = (0x80000000 | 400).to_bytes(4, "little") + bytes(8) + text
    (_, read, _, unread), = _sheets(_memo_database([whole, whole]))
    assert [r[0] for r in read] == ["備考あり", "備考あり"] and not unread
    (_, read, _, unread), = _sheets(_memo_database([whole, short]))
    assert [r[0] for r in read] == ["備考あり", "備考あり"]
    assert _codes(unread) == ["access-memo-cut"] and "1 memo value(s) read short (rows lost)" in unread[0], unread


def test_a_memo_chain_cut_by_the_file_budget_is_said() -> None:
    """The file-wide budget of long-value reads (review17a) ends a chain: said by its cause, like a loop."""
    data = person_database(standard(people(3, seed=185)), "V2000")
    n = len(data) // P
    lval = int.from_bytes(b"LVAL", "little")
    pages = _data_page([(n << 8 | 1).to_bytes(4, "little") + b"a\x00", bytes(4) + b"b\x00"], lval, False)
    db = _Database(data + pages, CellBudget(Caps()))
    head = (4).to_bytes(4, "little") + (n << 8).to_bytes(4, "little") + bytes(4)
    counts = _Counts()
    assert db._memo(head, counts) == "ab" and not counts.cut
    db.long_reads = 1
    assert db._memo(head, counts) == "a"
    assert counts.cut == {"file budget spent": 1}


def test_memo_cut_reasons_are_said_in_japanese() -> None:
    from reports.details import detail_text
    from scanner.details import Detail, say

    said = say(Detail.ACCESS_MEMO_CUT, n=2, why=["chain loops", "file budget spent", "longer than kept", "rows lost"])
    ja = detail_text(str(said), "unsupported", "ja", codes_of(said))
    assert "loop" not in ja and "budget" not in ja and "メモ" in ja, ja


@pytest.mark.parametrize("cut", [1000, 5000, 9000])
def test_a_cut_memo_database_is_listed_never_a_crash(cut: int) -> None:
    text = "備考".encode("utf-16-le")
    data = _memo_database([(0x80000000 | 400).to_bytes(4, "little") + bytes(8) + text] * 3)
    try:
        _sheets(data[:len(data) - cut])
    except ReadError:
        pass


# ---------------------------------------------------------------- 3. OLE objects and attachments as children


def _lval_chain(data: bytes, content: bytes) -> tuple[bytes, bytes]:
    """``data`` with ``content`` appended as a chain of long-value rows (one a page, each naming the next), and the
    12-byte head of a value stored so (its length, flags 0: a chain, the first row's pointer)."""
    first = len(data) // P
    chunks = [content[k:k + 4000] for k in range(0, len(content), 4000)]
    lval = int.from_bytes(b"LVAL", "little")
    pages = b"".join(_data_page([(((first + k + 1) << 8) if k + 1 < len(chunks) else 0).to_bytes(4, "little") + c],
                                lval, False) for k, c in enumerate(chunks))
    return data + pages, len(content).to_bytes(4, "little") + (first << 8).to_bytes(4, "little") + bytes(4)


def access_package(name: str, content: bytes) -> bytes:
    """An OLE-object value as Access stores a file dropped in through the Packager (jackcess' OleUtil: Access's
    package header, an OLE 1.0 object of class Package, the Packager's stream: label, path, the file, a footer)."""
    label = name.encode("cp932") + b"\x00"
    path = b"C:\\Users\\staff\\" + label
    stream = (b"\x02\x00" + label + path + (0x030000).to_bytes(4, "little") + len(path).to_bytes(4, "little") + path
              + len(content).to_bytes(4, "little") + content)
    return access_ole_value("Package", stream)


def access_ole_value(klass: str, native: bytes) -> bytes:
    """An OLE-object value of class ``klass`` holding ``native`` (jackcess' OleUtil.writePackageHeader)."""
    pretty, name = b"Package\x00", klass.encode("ascii") + b"\x00"
    header = struct.pack("<HHIHHHHi", 0x1C15, 20 + len(pretty) + len(name), 2, len(pretty), len(name), 20,
                         20 + len(pretty), -1) + pretty + name
    ole = struct.pack("<III", 0x0501, 2, len(name)) + name + bytes(8) + len(native).to_bytes(4, "little") + native
    return header + ole + b"\x01\x05\x00\x00\x00\x00\x00\x00\x01\xad\x05\xfe"


def ole_database(rows: list[list[object]], objects: dict[int, bytes]) -> bytes:
    """person_database(V2000) whose last column (要介護度) is an OLE-object column, row ``k`` holding ``objects[k]``
    (stored on long-value pages), the others empty."""
    data = bytearray(person_database(rows, "V2000"))
    at = 24 * P
    ncols = struct.unpack_from("<H", data, at + _JET4.num_cols)[0]
    pos = at + _JET4.cols_start + struct.unpack_from("<I", data, at + _JET4.num_ridx)[0] * _JET4.ridx_size
    (entry,) = [pos + k * _JET4.col_size for k in range(ncols) if data[pos + k * _JET4.col_size + _JET4.col_num] == 9]
    data[entry] = 11
    heads = {}
    out = bytes(data)
    for k, content in objects.items():
        out, heads[k] = _lval_chain(out, content)
    page = [n for n in range(len(out) // P)
            if out[n * P] == 1 and out[n * P + 4:n * P + 8] == (24).to_bytes(4, "little")][0]
    encoded = [_row([str(v).encode("utf-16-le") for v in r[:8]] + [heads.get(k)], [0, *range(2, 10)], 10, False)
               for k, r in enumerate(rows[1:])]
    data = bytearray(out)
    data[page * P:(page + 1) * P] = _data_page(encoded, 24, False)
    for n in range(len(data) // P):  # the table's other data pages emptied (the rows are all on this one)
        if n != page and data[n * P] == 1 and data[n * P + 4:n * P + 8] == (24).to_bytes(4, "little"):
            data[n * P:(n + 1) * P] = _data_page([], 24, False)
    return bytes(data)


def attachment_value(name: str, content: bytes) -> bytes:
    """An ACE attachment's stored data (jackcess' AttachmentColumnInfoImpl): deflated, behind its wrapper."""
    import zlib

    ext = (name.rsplit(".", 1)[-1] + "\x00").encode("utf-16-le")
    header = struct.pack("<III", 12 + len(ext), 1, len(ext) // 2) + ext
    return struct.pack("<II", 1, len(header) + len(content)) + zlib.compress(header + content, 3)


def attachment_database(content: bytes) -> bytes:
    """jackcess' complexDataTestV2010 whose first attachment (test_data.txt) holds ``content`` (its FileData value
    re-pointed at a long-value chain appended)."""
    data = jackcess("complexDataTestV2010.accdb")
    at = data.find(b"\x42\x00\x00\x40\x00\x30\x00\x00")  # FileData of test_data.txt: 66 bytes on long-value row 48:0
    assert at > 0
    out, head = _lval_chain(data, content)
    return out[:at] + head + out[at + 12:]


@pytest.fixture(scope="module")
def object_scan(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One CLI scan of Access databases holding a person list as an OLE object (a workbook dropped in through the
    Packager) and as an attachment (a CSV), whole and damaged, and of one whose person table was dropped."""
    from tests.pii_data import xlsx_bytes
    from tests.test_wild13 import _scan

    rows = standard(people(N, seed=186))
    inner = standard(people(20, seed=187))
    book = access_package("顧客名簿.xlsx", xlsx_bytes({"名簿": inner}))
    ole = ole_database(rows, {2: book})
    csv = "\r\n".join(",".join(str(v) for v in r) for r in inner).encode("cp932")
    attached = attachment_value("名簿.csv", csv)
    att = attachment_database(attached)
    lost = bytearray(ole)  # the chain's second long-value page zeroed: the object read short
    second = len(ole) // P - 1
    lost[second * P:(second + 1) * P] = bytes(P)
    wrap = bytearray(ole)  # the OLE 1.0 FormatID (2: embedded) flipped
    at = wrap.find(struct.pack("<II", 0x0501, 2))
    wrap[at + 4] = 7
    flip = bytearray(att)  # a byte of the attachment's deflated data flipped
    at = flip.find(attached[8:40])
    flip[at + 30] ^= 0xFF
    from tests.pii_data import xls_bytes

    sheet8 = ole_database(rows, {0: access_ole_value("Excel.Sheet.8", xls_bytes({"名簿": inner}))})
    files = {"ole.mdb": ole, "sheet8.mdb": sheet8, "att.accdb": att, "lost.mdb": bytes(lost), "wrap.mdb": bytes(wrap),
             "flip.accdb": bytes(flip), "cut.mdb": ole[:len(ole) - P // 2], "dropped.mdb": dropped_database(inner)}
    return _scan(tmp_path_factory.mktemp("objects"), files)


def _by_name(findings: dict) -> tuple[dict[str, dict], dict[str, dict]]:
    hits = {f["path"].split("/share/", 1)[1]: f for f in findings["files"]}
    listed = {s["path"].split("/share/", 1)[1]: s for s in findings["skipped"]}
    return hits, listed


def test_a_person_workbook_in_an_ole_object_column_is_examined_as_a_child(object_scan: dict) -> None:
    """A client list stored as an OLE object (Excel workbook through the Packager) is read as a child of the database
    (``ole.mdb » Table1/要介護度/row 3/顧客名簿.xlsx``): its 20 persons counted, the database still ok (its OLE
    column was `unsupported`, partially examined, and the list unread before)."""
    hits, listed = _by_name(object_scan)
    assert hits["ole.mdb"]["status"] == "ok" and hits["ole.mdb"]["pii"]["records"] == N, hits["ole.mdb"]
    child = hits["ole.mdb » Table1/要介護度/row 3/顧客名簿.xlsx"]
    assert child["pii"]["records"] == 20 and child["status"] == "ok", child
    assert "ole.mdb" not in listed


def test_an_excel_object_in_an_ole_object_column_is_examined_as_a_child(object_scan: dict) -> None:
    """An Excel 97-2003 workbook inserted as an object (class Excel.Sheet.8: its native data a compound file)."""
    hits, listed = _by_name(object_scan)
    child = hits["sheet8.mdb » Table1/要介護度/row 1/(Excel.Sheet.8)"]
    assert child["pii"]["records"] == 20, child
    assert "sheet8.mdb" not in listed


def test_a_person_list_attached_in_an_attachment_column_is_examined_as_a_child(object_scan: dict) -> None:
    hits, listed = _by_name(object_scan)
    child = hits["att.accdb » Table1/attach-data/test_data.txt"]
    assert child["pii"]["records"] == 20, child
    # the database is listed for its multi-value and version-history columns only (attachments examined)
    codes = json.dumps(listed["att.accdb"]["detail_codes"])
    assert '"multi-value"' in codes and "attachment" not in codes, codes


def test_damaged_objects_are_listed_never_silent(object_scan: dict) -> None:
    """An object whose long-value chain lost a page (read short: what was read is examined), whose OLE wrapping is
    damaged, an attachment whose deflated data is flipped, a database cut in its objects' pages: each database
    listed with why, its persons still counted."""
    hits, listed = _by_name(object_scan)
    expect = {"lost.mdb": "access-object-cut", "wrap.mdb": "access-object-damaged",
              "flip.accdb": "access-object-damaged", "cut.mdb": "access-cut"}
    for name, code in expect.items():
        # (the .accdb is listed partially examined for its multi-value columns already: the damage said after it)
        assert name in listed and listed[name]["reason"] == ("corrupt" if name.endswith(".mdb") else "unsupported")
        assert f'"{code}"' in json.dumps(listed[name]["detail_codes"]), (name, listed[name])
    assert hits["lost.mdb"]["pii"]["records"] == N and hits["wrap.mdb"]["pii"]["records"] == N
    assert '"access-object-cut"' in json.dumps(listed["cut.mdb"]["detail_codes"])  # its chain cut off with the file


def test_an_object_over_the_limit_is_not_read_and_said() -> None:
    from scanner.access import access_objects

    ole = ole_database(standard(people(3, seed=188)), {1: access_package("a.csv", b"x" * 9000)})
    (obj,) = access_objects(ole, CellBudget(Caps()), 4096)
    assert obj.data == b"" and obj.cut == "longer than kept" and obj.size > 9000
    (obj,) = access_objects(ole, CellBudget(Caps()), 1 << 20)
    assert obj.cut == "" and obj.data.endswith(b"x" * 9000 + b"\x01\x05\x00\x00\x00\x00\x00\x00\x01\xad\x05\xfe")
    from scanner.inspectors.archive_members import ArchiveLimits, InflateBudget
    from scanner.inspectors.legacy_embedded import access_found

    (found,) = access_found(ole, ArchiveLimits(100, InflateBudget(1 << 30), 4096), Caps())
    assert found[1] is None and isinstance(found[2], ReadError) and found[2].reason == "too-large"
    assert _codes([found[2].detail]) == ["access-object-over"]
    (found,) = access_found(ole, ArchiveLimits(100, InflateBudget(5000), 1 << 20), Caps())  # the archive budget
    assert found[1] is None and isinstance(found[2], ReadError) and _codes([found[2].detail]) == ["declares-over-left"]
    (found,) = access_found(ole, ArchiveLimits(100, InflateBudget(1 << 20), 1 << 20), Caps())
    assert found == ("Table1/要介護度/row 2/a.csv", b"x" * 9000, "")


def test_real_attachments_and_ole_objects_are_unwrapped() -> None:
    """jackcess' complexDataTest: its three attachments are the text files jackcess' tests attach."""
    from scanner.access import access_objects
    from scanner.inspectors.archive_members import ArchiveLimits, InflateBudget
    from scanner.inspectors.legacy_embedded import access_found

    data = jackcess("complexDataTestV2010.accdb")
    names = [o.name for o in access_objects(data, CellBudget(Caps()), 1 << 20)]
    assert names == ["Table1/attach-data/test_data.txt", "Table1/attach-data/test_data2.txt",
                     "Table1/attach-data/test_data2.txt"]
    found = list(access_found(data, ArchiveLimits(100, InflateBudget(1 << 30), 1 << 26), Caps()))
    assert [f[2] for f in found] == ["", "", ""] and all(isinstance(f[1], bytes) for f in found)
    assert found[0][1] == b"this is some test data for attachment."  # (jackcess' ComplexColumnTest)


# ---------------------------------------------------------------- 4. tables dropped from the catalog


def dropped_database(rows: list[list[object]], version: str = "V2000") -> bytes:
    """person_database whose Table1 was dropped as Access drops a table: its catalog row marked deleted and the
    catalog's row count lowered; its definition and data pages left as they were."""
    f = _JET3 if version == "V1997" else _JET4
    data = bytearray(person_database(rows, version))
    db = _Database(bytes(data), CellBudget(Caps()))
    system = db.table("MSysObjects", 2)
    at = [c.name for c in system.columns].index("Name")
    for n in db.owned[2]:
        pg = db.page(n)
        assert pg is not None
        for i in range(int.from_bytes(pg[f.rows_at:f.rows_at + 2], "little")):
            raw = int.from_bytes(pg[f.rows_at + 2 + 2 * i:f.rows_at + 4 + 2 * i], "little")
            try:
                row = db._row(system, *db._locate(pg, i, raw & 0x7FFF), _Counts())
            except _Damaged:
                continue  # (a row deleted before, its space taken)
            if not raw & 0x8000 and row[at] == "Table1":
                data[n * f.page + f.rows_at + 3 + 2 * i] |= 0x80
    struct.pack_into("<I", data, 2 * f.page + f.num_rows, system.counted - 1)
    return bytes(data)


@pytest.mark.parametrize("version", ["V1997", "V2000", "V2010"])
def test_a_dropped_table_whose_pages_remain_is_read_and_said(version: str) -> None:
    """A person table dropped from the catalog (its definition and data pages still in the file, as until Access
    compacts the database): read as its own sheet and said (before: a database with no table, nothing said)."""
    rows = standard(people(N, seed=189))
    sheets = _sheets(dropped_database(rows, version))
    assert len(sheets) == 1
    name, read, notes, _ = sheets[0]
    page = {"V1997": 29, "V2000": 24, "V2010": 74}[version]
    assert name == f"(dropped table, page {page})"
    assert sorted(r[1] for r in read) == sorted(r[1] for r in rows[1:])
    assert "access-dropped-table" in _codes(notes), notes


def test_a_damaged_database_with_a_dropped_table_is_listed_or_read() -> None:
    whole = dropped_database(standard(people(N, seed=190)))
    rng = random.Random(19)
    for _ in range(40):
        data = bytearray(whole)
        for _ in range(rng.randint(1, 30)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            _sheets(bytes(data))
        except ReadError:
            pass


def test_the_persons_of_a_dropped_table_are_counted_in_a_scan(object_scan: dict) -> None:
    hits, listed = _by_name(object_scan)
    assert hits["dropped.mdb"]["pii"]["records"] == 20 and hits["dropped.mdb"]["status"] == "ok", hits["dropped.mdb"]
    assert '"access-dropped-table"' in json.dumps(hits["dropped.mdb"]), hits["dropped.mdb"]
