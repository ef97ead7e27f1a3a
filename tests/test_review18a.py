"""Review of access18 (session 18, review18a): Access code-page guess, OLE-object and attachment children.

Person tables: tests/access_data.py (jackcess' files, Apache-2.0, tests/data/tables/README.md); OLE values:
tests/test_access18.py's builders.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import scanner.access as access
from scanner.details import codes_of
from scanner.sheet import Caps, CellBudget
from tests.access_data import person_database
from tests.pii_data import people, standard

N = 12


def test_a_japanese_access97_database_whose_first_rows_are_marks_is_read_as_cp932(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A Japanese Access 97 table naming no code page whose first sampled rows hold only ○ × △ marks (an attendance
    or check-list table: signs of JIS X 0208 row 1, not kana or kanji) beside its Japanese column names: the sample
    was named gb18030 by charset-normalizer and the database read cp1252, its persons after the sample mojibake
    (lost, the file ok). The cp932 reading of such signs is Japanese."""
    monkeypatch.setattr(access, "_SAMPLE_ROWS", 8)  # (the first 2,000 rows of a real attendance table)
    rows = standard(people(N, seed=1801))
    marks = [[k, "○", "×", "○", "△", "×", "○", "△", "○"] for k in range(1, 9)]
    data = person_database([rows[0], *marks, *rows[1:]], "V1997", code_page=0)
    (sheet,) = access.access_sheets(data, CellBudget(Caps()))
    read = [list(r) for r in sheet.rows]
    assert read[0] == rows[0]
    assert [r[1] for r in read[9:]] == [r[1] for r in rows[1:]]
    assert any("read as cp932" in n for n in sheet.notes), sheet.notes


@pytest.mark.parametrize("values", [["①", "②", "③"] * 20, ["￥1,000", "￥2,500"] * 20, ["㈱山田商事"] * 3,
                                    ["○", "×"] * 40])
def test_japanese_signs_alone_read_as_cp932(values: list[str]) -> None:
    """Circled numbers, the yen sign, ㈱, ○ ×: text of a Japanese table that is no kana or kanji."""
    assert access._code_page_of([v.encode("cp932") for v in values]) == "cp932"


@pytest.mark.parametrize("values", [["Müller", "Straße", "Größe"], ["Señor", "Niño", "¿Qué?"], ["N° 5", "½ kg", "20°C"],
                                    ["«Hallo»", "„Guten Tag“", "Acme®", "©1997", "€ 12"]])
def test_western_text_stays_western(values: list[str]) -> None:
    assert access._code_page_of([v.encode("cp1252") for v in values]) == "cp1252"


def _declaring(data: bytes, stored: bytes, size: int) -> bytes:
    """``data`` with the head of every long value ``stored`` (its length, then a pointer) saying ``size`` bytes."""
    import re

    out = bytearray(data)
    heads = [m.start() for m in re.finditer(re.escape(len(stored).to_bytes(4, "little")) + b"[\x00-\xff]{4}\x00{4}",
                                            data)]
    assert heads
    for at in heads:
        out[at:at + 4] = size.to_bytes(4, "little")
    return bytes(out)


def test_objects_declaring_far_more_than_they_hold_are_not_padded_to_it() -> None:
    """OLE values whose heads declare 200 MiB while a few hundred bytes are stored (a crafted 170 KB file): each was
    padded with zeros to its declared size (8 x 200 MiB made, the archive budget of the database's children spent:
    objects after them refused). Padding is an inflation: under the archive ratio, like a member's declared size."""
    from scanner.inspectors.archive_members import ArchiveLimits, InflateBudget
    from scanner.inspectors.legacy_embedded import access_found
    from tests.test_access18 import access_package, ole_database

    small = access_package("a.csv", b"x" * 100)
    data = _declaring(ole_database(standard(people(8, seed=1802)), {k: small for k in range(8)}), small, 200 << 20)
    budget = InflateBudget(4096 << 20)
    found = list(access_found(data, ArchiveLimits(200, budget, 256 << 20), Caps()))
    assert len(found) == 8
    assert budget.used < 1 << 20, budget.used
    assert all([c["code"] for c in codes_of(str(why))] == ["access-object-cut"] for _, _, why in found), found


def _attachment_problems(data: bytes) -> list[tuple[str, object, str]]:
    from scanner.inspectors.archive_members import ArchiveLimits, InflateBudget
    from scanner.inspectors.legacy_embedded import access_found

    return [(name, content, str(why)) for name, content, why in
            access_found(data, ArchiveLimits(200, InflateBudget(1 << 30), 1 << 26), Caps())]


def test_attachments_whose_hidden_table_is_damaged_are_said() -> None:
    """jackcess' complexDataTest with the definition of attach-data's hidden table (page 46) damaged, then with its
    data page's row offsets damaged: its files cannot be read, and nothing said so (the sheets no longer list an
    attachment column as unread since access18: the database passed as examined whole)."""
    from tests.access_data import jackcess

    P = 4096
    data = jackcess("complexDataTestV2010.accdb")
    whole = _attachment_problems(data)
    assert [c is not None for _, c, _ in whole] == [True, True, True]
    lost = bytearray(data)
    lost[46 * P] = 0x00  # (its page type: no longer a definition)
    said = _attachment_problems(bytes(lost))
    assert [(name, content) for name, content, _ in said] == [("Table1/attach-data", None)], said
    assert [c["code"] for c in codes_of(said[0][2])] == ["access-definition-damaged"]
    rows = bytearray(data)
    at = 49 * P + 12  # the data page's row count, then its offsets: all past the page
    for i in range(int.from_bytes(rows[at:at + 2], "little")):
        rows[at + 2 + 2 * i:at + 4 + 2 * i] = (0x1FFF).to_bytes(2, "little")
    said = _attachment_problems(bytes(rows))
    assert [(name, content) for name, content, _ in said] == [("Table1/attach-data", None)], said
    assert [c["code"] for c in codes_of(said[0][2])] == ["access-rows-damaged"]


def test_a_database_holding_objects_past_the_archive_depth_is_listed_too_deep(tmp_path: Path) -> None:
    """--archive-depth 0: a database whose OLE column holds a workbook is listed too-deep (its objects not opened),
    one without objects is not (access18's depth branch had no test)."""
    from tests.conftest import scan_findings
    from tests.pii_data import xlsx_bytes
    from tests.test_access18 import access_package, ole_database

    rows = standard(people(N, seed=1803))
    share = tmp_path / "share"
    share.mkdir()
    (share / "ole.mdb").write_bytes(ole_database(rows, {1: access_package("名簿.xlsx", xlsx_bytes({"名簿": rows}))}))
    (share / "plain.mdb").write_bytes(person_database(rows, "V2000"))
    found = scan_findings(share, tmp_path / "out", "--archive-depth", "0")
    listed = {s["path"].rsplit("/", 1)[1]: s["reason"] for s in found["skipped"]}
    assert listed == {"ole.mdb": "too-deep"}, found["skipped"]
    hits = {f["path"].rsplit("/", 1)[1]: f["pii"]["records"] for f in found["files"]}
    assert hits == {"ole.mdb": N, "plain.mdb": N}, hits


def test_the_attachments_of_a_table_recovered_without_its_catalog_entry_are_read() -> None:
    """complexDataTest whose Table1 lost its catalog entry (dropped, or the row damaged) while MSysComplexColumns still
    names its attachment column: the table is read as '(dropped table, page 109)', its attachment column no longer
    said unread (attachments are children), yet only the catalog's tables' attachments were read: its three files
    skipped unsaid."""
    from scanner.access import access_objects
    from tests.access_data import jackcess

    data = _dropped_from_catalog(jackcess("complexDataTestV2010.accdb"), "Table1")
    assert [s.name for s in access.access_sheets(data, CellBudget(Caps()))] == ["(dropped table, page 109)"]
    names = [o.name for o in access_objects(data, CellBudget(Caps()), 1 << 20)]
    assert names == ["(dropped table, page 109)/attach-data/test_data.txt",
                     "(dropped table, page 109)/attach-data/test_data2.txt",
                     "(dropped table, page 109)/attach-data/test_data2.txt"], names


def _dropped_from_catalog(data: bytes, table: str) -> bytes:
    """``data`` with the catalog row of user table ``table`` marked deleted and the catalog's row count lowered (as
    Access drops a table; tests/test_access18.dropped_database does so on person_database's own file)."""
    import struct

    db = access._Database(data, CellBudget(Caps()))
    f = db.fmt
    out = bytearray(data)
    system = db.table("MSysObjects", 2)
    names = [c.name for c in system.columns]
    for n in db.owned[2]:
        pg = db.page(n)
        assert pg is not None
        for i in range(int.from_bytes(pg[f.rows_at:f.rows_at + 2], "little")):
            raw = int.from_bytes(pg[f.rows_at + 2 + 2 * i:f.rows_at + 4 + 2 * i], "little")
            if raw & 0x8000:
                continue
            row = db._row(system, *db._locate(pg, i, raw), access._Counts())
            if row[names.index("Name")] == table and row[names.index("Type")] == 1:
                out[n * f.page + f.rows_at + 3 + 2 * i] |= 0x80
    struct.pack_into("<I", out, 2 * f.page + f.num_rows, system.counted - 1)
    return bytes(out)


def test_objects_of_a_table_the_catalog_names_twice_are_given_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two catalog entries naming one table definition (a damaged or crafted MSysObjects): its sheet is read once
    (review17a), but its OLE objects were given once per entry (a person workbook inside counted as copies)."""
    from scanner.access import access_objects
    from tests.test_access18 import access_package, ole_database

    data = ole_database(standard(people(3, seed=1804)), {1: access_package("a.csv", b"x" * 100)})
    real = access._catalog

    def doubled(db: access._Database) -> tuple[list[tuple[str, int, int, int]], str | None]:
        entries, partial = real(db)
        return entries + [("Table1 copy", kind, tid, flags) for name, kind, tid, flags in entries
                          if name == "Table1"], partial

    monkeypatch.setattr(access, "_catalog", doubled)
    assert [o.name for o in access_objects(data, CellBudget(Caps()), 1 << 20)] == ["Table1/要介護度/row 2"]


def _deleted_object_row(data: bytes, row: int) -> bytes:
    """ole_database's ``data`` with data row ``row`` (0-based) of Table1 deleted as Access deletes one (marked, its
    bytes left, the definition's row count lowered)."""
    P = 4096
    f = access._JET4
    page = [n for n in range(len(data) // P)
            if data[n * P] == 1 and data[n * P + 4:n * P + 8] == (24).to_bytes(4, "little")
            and int.from_bytes(data[n * P + f.rows_at:n * P + f.rows_at + 2], "little")][0]
    out = bytearray(data)
    out[page * P + f.rows_at + 3 + 2 * row] |= 0x80
    at = 24 * P + f.num_rows  # (the definition's row count lowered, as Access does)
    out[at:at + 4] = (int.from_bytes(out[at:at + 4], "little") - 1).to_bytes(4, "little")
    return bytes(out)


def test_an_object_of_a_deleted_row_whose_pages_were_reused_is_no_damage() -> None:
    """A row deleted with its OLE object: Access frees the object's long-value rows, which later values take. The
    row's bytes are read back (access18, as deleted rows are) and its object followed into pages holding something
    else: said cut or damaged, the healthy database listed corrupt. A deleted row's object still whole is examined
    (a person list in it counted); one that is gone is no damage of the file."""
    from tests.pii_data import xlsx_bytes
    from tests.test_access18 import access_package, ole_database

    rows = standard(people(N, seed=1805))
    book = xlsx_bytes({"名簿": standard(people(20, seed=1806))})
    whole = _deleted_object_row(ole_database(rows, {1: access_package("名簿.xlsx", book)}), 1)
    assert _attachment_problems(whole) == [("Table1/要介護度/row 2/名簿.xlsx", book, "")]
    reused = bytearray(whole)
    reused[len(whole) - 4096:] = bytes(4096)  # (the object's last long-value page taken: here zeroed)
    assert _attachment_problems(bytes(reused)) == []
    live = bytearray(ole_database(rows, {1: access_package("名簿.xlsx", book)}))  # (a live row's: damage, said)
    live[len(live) - 4096:] = bytes(4096)
    (said,) = _attachment_problems(bytes(live))  # (what was read still examined)
    assert [c["code"] for c in codes_of(said[2])] == ["access-object-cut"], said[2]


def test_attachments_of_a_hidden_table_two_complex_columns_name_are_given_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """MSysComplexColumns naming one hidden attachment table twice (damaged or crafted): its files given once, not
    once per row (children, and their persons, counted twice)."""
    from scanner.access import access_objects
    from tests.access_data import jackcess

    real = access._complex_columns

    def doubled(db: access._Database, catalog: list[tuple[str, int, int, int]]) -> list[access._Complex]:
        return real(db, catalog) * 2

    monkeypatch.setattr(access, "_complex_columns", doubled)
    names = [o.name for o in access_objects(jackcess("complexDataTestV2010.accdb"), CellBudget(Caps()), 1 << 20)]
    assert len(names) == 3, names


def test_linked_ole_objects_are_no_damage() -> None:
    """OLE values that link a file instead of holding it (Insert Object > Link): a Package whose stream says
    'linked file' (jackcess' OleUtil PS_LINKED_FILE, its LinkContent) and an OLE 1.0 LinkedObject (FormatID 1, an
    Excel workbook linked by path). The database holds no file to examine: they were said damaged ('FormatID 1 is
    not an embedded object', the Package's data length read from the link), a healthy database listed corrupt."""
    import struct

    from tests.test_access18 import access_ole_value, ole_database

    path = b"C:\\Users\\staff\\meibo.xlsx\x00"
    package = b"\x02\x00" + b"meibo.xlsx\x00" + path + (0x010000).to_bytes(4, "little") + b"\x01\x00" + path
    linked = bytearray(access_ole_value("Excel.Sheet.8", b"presentation"))
    at = linked.find(struct.pack("<II", 0x0501, 2))
    linked[at + 4] = 1  # (FormatID 1: LinkedObject; its TopicName the file's path)
    data = ole_database(standard(people(3, seed=1807)), {0: access_ole_value("Package", package), 1: bytes(linked)})
    assert _attachment_problems(data) == []
