"""Files other projects wrote (Apache POI, SheetJS test_files, calamine, xlrd, openpyxl, frictionless test data),
scanned whole (Session 12, wild12): what ended as nothing or was misread, each with its fix. The third-party files
are gzipped under tests/data/tables/ (README: origin, licence)."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from tests.conftest import ROOT, run_leakscan
from tests.pii_data import csv_bytes
from tests.test_fuzz_campaign import _inspect, _records

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

DATA = ROOT / "tests" / "data" / "tables"
ROWS = person_rows(40, 20261212)


def test_semicolons_inside_quoted_cells_do_not_make_the_delimiter(tmp_path: Path) -> None:
    """A comma CSV whose quoted cells hold semicolons (a notes column, Excel number formats: SheetJS
    numfmt_1_russian.xls.0.csv) was split at the semicolons: each row one or two cells, no column of names or
    addresses, the people passed as a clean file (here: a visit-dates column of a care register, its dates
    separated by semicolons as CRM and Outlook exports keep multi-value fields). Delimiters inside quotes are not
    counted."""
    visits = ";".join(f"2024-{m:02d}-05" for m in range(1, 9))
    rows = [[*ROWS[0], "来所日"], *([*r, visits] for r in ROWS[1:])]
    ins = _inspect(tmp_path, "list.csv", csv_bytes(rows, "cp932"))
    assert _records(ins) == len(ROWS) - 1, (ins.status, ins.detail)
    from scanner.sheet import Caps
    from scanner.tables import read_tables

    sheet = read_tables(gzip.decompress((DATA / "sheetjs__numfmt_1_russian.xls.0.csv.gz").read_bytes()), Caps()).sheets[0]
    assert [len(r) for r in sheet.rows[:3]] == [6, 6, 6], sheet.rows[:3]


def test_quattro_dos_and_lotus_learning_edition_sheets_are_listed(tmp_path: Path) -> None:
    """A Quattro Pro for DOS notebook (.wq1) and a Lotus 1-2-3 Learning Edition sheet (.wke), as SheetJS writes
    them, were walked past as files nobody reads: listed nowhere, where .wk1/.qpw/.wb1 are listed unsupported
    (SheetJS test_files: 3 files of 9,773 ended as nothing). Both are listed now, naming the format."""
    share = tmp_path / "share"
    share.mkdir()
    for name, stored in (("会員.wq1", "sheetjs__write_qpdos.wq1.gz"), ("会員.wke", "sheetjs__write_Led.wke.gz")):
        (share / name).write_bytes(gzip.decompress((DATA / stored).read_bytes()))
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    skipped = {s["path"].rsplit("/", 1)[-1]: s for s in json.loads((out / "findings.json").read_text())["skipped"]}
    for name, kind in (("会員.wq1", "Quattro Pro"), ("会員.wke", "Lotus 1-2-3")):
        assert skipped[name]["reason"] == "unsupported" and kind in skipped[name]["detail"], skipped.get(name)


def test_a_package_object_whose_lengths_point_past_its_stream_is_said_in_words(tmp_path: Path) -> None:
    """Apache POI's 60460.xls embeds a Word document whose objects keep data in Ole10Native streams: the detail was
    Python's own "error: unpack_from requires a buffer of at least 629277275 bytes ..." (struct.error, for every
    object). wild12 said it as data past the stream's end; wild13 found the objects are Microsoft Equation 3.0 ones
    (their CompObj says so), not Packager files: their native data is no damage, and the workbook is not corrupt."""
    ins = _inspect(tmp_path, "60460.xls", gzip.decompress((DATA / "poi__60460.xls.gz").read_bytes()))
    assert "unpack" not in (ins.detail or ""), ins.detail
    assert ins.status == "ok", (ins.status, ins.detail)


def test_a_column_of_one_label_is_not_the_names_of_a_list_without_header(tmp_path: Path) -> None:
    """A list without a header whose first column holds one team or branch in every row (SheetJS apachepoi_22742:
    上海工行 in all 86 rows of a bank-staff contact list) took that column for the persons' names: 40 persons all
    named 田中班 (a notification list of one name). The names are the column whose texts differ."""
    rows = [["田中班", r[0].replace(" ", ""), *r[2:4]] for r in ROWS[1:]]
    ins = _inspect(tmp_path, "list.csv", csv_bytes(rows, "cp932"))
    sheet = ins.pii["sheets"][0]
    assert _records(ins) == len(ROWS) - 1 and sheet["columns"]["name"] == ["B"], sheet["columns"]


def test_a_package_at_the_zips_root_with_a_duplicated_region_is_not_walked_as_an_archive(tmp_path: Path) -> None:
    """calamine's minimal_package.xlsx keeps its parts at the zip's root (sheet1.xml, workbook.xml: no xl/ folder).
    With 4 KiB of it duplicated just before the central directory (a cluster written twice), every offset the
    directory gives is 4 KiB off: no part could be read, the package was not recognised as a workbook ("zip that is
    not a workbook"), opened as an archive of XML members, and its 192 people ended as nothing, listed nowhere
    (found by damaging the real file; here a generated list laid out the same way). A zip holding an OPC package's
    [Content_Types].xml that cannot be read is a damaged package: rebuilt from its local headers, its rows read,
    listed corrupt."""
    import struct

    from tests.pii_data import xlsx_bytes
    from tests.test_other_writers import _rezip

    def change(name: str, raw: bytes) -> bytes:  # the relationships and content types follow the parts
        if name.endswith(".rels") or name == "[Content_Types].xml":
            return raw.replace(b'"/xl/', b'"/').replace(b'"xl/', b'"').replace(b"worksheets/", b"")
        return raw

    # every part at the root, as calamine's minimal_package.xlsx: sheet1.xml beside workbook.xml
    data = _rezip(xlsx_bytes({"名簿": ROWS}), lambda n: n.removeprefix("xl/").removeprefix("worksheets/"), change)
    directory = struct.unpack_from("<I", data, data.rindex(b"PK\x05\x06") + 16)[0]
    at = directory - 16  # inside the last member's data
    damaged = data[:at] + data[534:534 + 4096] + data[at:]
    share = tmp_path / "share"
    share.mkdir()
    (share / "bookings.xlsx").write_bytes(damaged)
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text())
    hits = {f["path"].rsplit("/", 1)[-1]: f for f in doc["files"]}
    assert hits["bookings.xlsx"]["pii"]["records"] == len(ROWS) - 1, (hits, doc["skipped"])
    assert hits["bookings.xlsx"]["status"] == "corrupt", hits
