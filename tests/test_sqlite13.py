"""Files with person data that ended as nothing or were misread (Session 13, sqlite13; found by wild13's sweep):
SQLite databases (an app's contacts, a care app's local store), UTF-32 CSVs, an .xls encrypted with Excel's
default password, flat OpenDocument spreadsheets (.fods)."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, run_leakscan

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

ROWS = person_rows(40, 20261313)
PEOPLE = len(ROWS) - 1


def _scan_share(share: Path, tmp_path: Path, *extra: str) -> dict[str, tuple[str, int, str]]:
    """name -> (status or skip reason, records, detail) of a CLI scan over ``share`` (no traceback on the way)."""
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet", *extra)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    findings = json.loads((out / "findings.json").read_text())
    got = {f["path"].rsplit("/", 1)[-1]: (f["status"], (f.get("pii") or {}).get("records", 0),
                                          "; ".join([f.get("detail") or "", *(f.get("pii") or {}).get("reading", [])]))
           for f in findings["files"]}
    for s in findings["skipped"]:
        got.setdefault(s["path"].rsplit("/", 1)[-1], (s["reason"], 0, s.get("detail") or ""))
    return got


def _database(path: Path, rows: list[list[object]] = ROWS, wal_rows: int = 0) -> None:
    """An app's database as SQLite writes it: a person table (the list's header as its columns), tables without
    people (settings, a browser-like history) and an index; ``wal_rows`` of the people left in a -wal file only."""
    con = sqlite3.connect(path)
    if wal_rows:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)")
    con.executemany("INSERT INTO settings VALUES (?, ?)", [("version", "3"), ("theme", "dark")])
    con.execute("CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT, title TEXT, visit_count INTEGER)")
    con.executemany("INSERT INTO urls (url, title, visit_count) VALUES (?, ?, ?)",
                    [(f"https://example.com/{i}", f"page {i}", i) for i in range(30)])
    columns = ", ".join(f'"{c}" TEXT' for c in rows[0])
    con.execute(f"CREATE TABLE 利用者 (id INTEGER PRIMARY KEY, {columns}, photo BLOB)")
    con.execute("CREATE INDEX by_name ON 利用者 (\"" + str(rows[0][0]) + "\")")
    marks = ", ".join("?" * len(rows[0]))
    body = rows[1:]
    main = body[:len(body) - wal_rows]
    con.executemany(f"INSERT INTO 利用者 ({', '.join(chr(34) + str(c) + chr(34) for c in rows[0])}, photo) "
                    f"VALUES ({marks}, ?)", [(*r, b"\x89PNG" + bytes(300)) for r in main])
    con.commit()
    if wal_rows:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.executemany(f"INSERT INTO 利用者 ({', '.join(chr(34) + str(c) + chr(34) for c in rows[0])}, photo) "
                        f"VALUES ({marks}, ?)", [(*r, None) for r in body[len(main):]])
        con.commit()
        # copied while the connection is open: closing would checkpoint the log into the file and remove it
        data, wal = path.read_bytes(), Path(f"{path}-wal").read_bytes()
        con.close()
        path.write_bytes(data)
        Path(f"{path}-wal").write_bytes(wal)
        Path(f"{path}-shm").unlink(missing_ok=True)
        return
    con.close()


def _browser_database(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT, title TEXT, rev_host TEXT, "
                "visit_count INTEGER, last_visit_date INTEGER)")
    con.executemany("INSERT INTO moz_places (url, title, rev_host, visit_count, last_visit_date) VALUES (?,?,?,?,?)",
                    [(f"https://news.example.jp/{i}", f"記事 {i}", "pj.elpmaxe.swen.", i, 1700000000 + i)
                     for i in range(200)])
    con.commit()
    con.close()


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One share holding the three tests' databases (each in its own folder, every file name its own), scanned
    once: {"share", "before" (the apps' folder's bytes and mtimes before the scan), "got" (_scan_share)}."""
    tmp_path = tmp_path_factory.mktemp("sqlite13")
    share = tmp_path / "share"
    apps, wal, damaged = share / "apps", share / "wal", share / "damaged"
    for folder in (apps, wal, damaged):
        folder.mkdir(parents=True)
    _database(apps / "contacts2.db")
    _database(apps / "利用者.sqlite3")
    _database(apps / "appdata")  # no extension (an iOS or Android app's store)
    _browser_database(apps / "places.sqlite")
    _database(wal / "care.db", wal_rows=10)
    src = tmp_path / "src"
    src.mkdir()
    _database(src / "whole.db", person_rows(400, 20261314))
    whole = (src / "whole.db").read_bytes()
    (damaged / "half.db").write_bytes(whole[: len(whole) // 2])
    (damaged / "header.db").write_bytes(whole[:100])
    flipped = bytearray(whole)
    at = len(whole) * 3 // 4
    flipped[at:at + 64] = bytes(b ^ 0x5A for b in flipped[at:at + 64])
    (damaged / "flipped.db").write_bytes(bytes(flipped))
    wiped = bytearray(whole)
    wiped[16:4096] = bytes(4096 - 16)
    (damaged / "wiped.db").write_bytes(bytes(wiped))
    (damaged / "secret.db").write_bytes(os.urandom(16384))  # what SQLCipher writes: no header, whole pages encrypted
    (damaged / "packed.db").write_bytes(os.urandom(16385))  # compressed data named .db (not whole pages): no verdict
    (damaged / "notes.sqlite").write_bytes(b"plain text, not a database\n" * 100)
    con = sqlite3.connect(damaged / "hashes.db")  # TEXT that is no UTF-8 (a browser's hashes): read, not damage
    con.execute("CREATE TABLE t (h TEXT)")
    con.execute("INSERT INTO t VALUES (CAST(X'FF00FE' AS TEXT))")
    con.commit()
    con.close()
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in apps.iterdir()}
    return {"share": share, "src": src, "before": before, "got": _scan_share(share, tmp_path)}


def test_a_sqlite_database_s_person_table_is_read_and_counted(databases: dict[str, Any]) -> None:
    """A SQLite database (an app's contacts, a care app's local store) ended as nothing: no reader took it and it
    was not listed. Each table is read as a sheet (its column names the header): the person table is found and
    counted like a spreadsheet's, under any name (.db, .sqlite3, none); a browser's history gives no line. The
    evidence is read-only: SQLite opens a private copy in memory, so no -journal/-shm appears beside the file."""
    got, apps = databases["got"], databases["share"] / "apps"
    for name in ("contacts2.db", "利用者.sqlite3", "appdata"):
        assert got.get(name, ("none",))[:2] == ("ok", PEOPLE), (name, got)
    assert "places.sqlite" not in got, got  # a browser's database with no person column: no noise
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in apps.iterdir()} == databases["before"]


def test_a_sqlite_database_in_wal_mode_and_its_log(databases: dict[str, Any]) -> None:
    """A database in WAL mode is read from its main file (the rows checkpointed into it), which says so; the -wal
    beside it holds rows in frames that are not applied: it is listed with its frames, not passed as clean."""
    got = databases["got"]
    status, records, detail = got.get("care.db", ("none", 0, ""))
    assert (status, records) == ("ok", PEOPLE - 10) and "WAL mode" in detail, got
    status, _, detail = got.get("care.db-wal", ("none", 0, ""))
    assert status == "unsupported" and "frame" in detail, got
    assert not (databases["share"] / "wal" / "care.db-shm").exists()


def test_damaged_encrypted_and_oversized_sqlite_databases_are_listed(databases: dict[str, Any],
                                                                     tmp_path: Path) -> None:
    """A damaged database ends as its rows before the damage or a listed reason, never as nothing: cut in half,
    its header alone, bytes flipped inside the person table, its first page wiped; an encrypted one (SQLCipher:
    no header, random bytes) is listed encrypted; a file under a SQLite-only name without the header is said; a
    table over the cell cap is too-large."""
    got = databases["got"]
    for name in ("half.db", "header.db", "flipped.db", "wiped.db"):
        status, records, detail = got.get(name, ("none", 0, ""))
        assert status == "corrupt" or (status == "ok" and records == 400), (name, got[name] if name in got else got)
        assert status == "ok" or detail, (name, got[name])
    assert got["header.db"][0] == "corrupt" and got["wiped.db"][0] == "corrupt" and "hashes.db" not in got, got
    assert got.get("secret.db", ("none",))[0] == "encrypted" and "packed.db" not in got, got
    assert got.get("notes.sqlite", ("none",))[0] == "unsupported", got
    capped = _scan_share(databases["src"], tmp_path / "capped", "--max-cells", "500")
    assert capped.get("whole.db", ("none",))[0] == "too-large", capped


DATA = ROOT / "tests" / "data" / "tables"


class _Entry:
    def __init__(self, name: str) -> None:
        from scanner.models import Location

        self.name, self.location = name, Location("/x", name)


def _inspect(data: bytes, name: str):
    from scanner.config import ScanConfig
    from scanner.inspectors.spreadsheet import SpreadsheetInspector

    return SpreadsheetInspector(ScanConfig(["x"], Path("/nonexistent-out"))).inspect(_Entry(name), data, "", None)


def _workbook_stream_edited(data: bytes, edit) -> bytes:
    import io

    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        stream = ole.openstream("Workbook").read()
    copy = io.BytesIO(data)
    with olefile.OleFileIO(copy, write_mode=True) as ole:
        ole.write_stream("Workbook", edit(stream))
    return copy.getvalue()


def test_an_xls_encrypted_with_excel_s_default_password_is_opened_not_called_corrupt(tmp_path: Path) -> None:
    """PhpSpreadsheet's pwtest.xls (RC4 CryptoAPI, Excel's default password VelvetSweatshop) was listed corrupt
    ("msoffcrypto-tool error"): its Workbook stream is zero-padded past its last record, and msoffcrypto-tool fails
    on the 2-byte tail. The default password fits; the copy in memory is walked to the stream's end and read, the
    password used recorded. Damaged: the tail not zeros (not padding) is listed encrypted (the password fits, the
    workbook could not be decrypted), never corrupt; cut in half: corrupt."""
    import gzip

    from scanner.codes import Status

    data = gzip.decompress((DATA / "phpspreadsheet__pwtest.xls.gz").read_bytes())
    opened = _inspect(data, "pwtest.xls")
    assert opened.status == Status.OK, (opened.status, opened.detail)
    assert opened.annotations == {"password": {"entry": None, "builtin": "excel-default"}}, opened.annotations
    odd_tail = _workbook_stream_edited(data, lambda s: s[:-2] + b"\x01\x02")
    locked = _inspect(odd_tail, "pwtest.xls")
    assert locked.status == Status.ENCRYPTED and "VelvetSweatshop" in locked.detail, (locked.status, locked.detail)
    share = tmp_path / "share"
    share.mkdir()
    (share / "pwtest.xls").write_bytes(data)
    (share / "odd.xls").write_bytes(odd_tail)
    (share / "half.xls").write_bytes(data[: len(data) // 2])
    got = _scan_share(share, tmp_path)
    assert "pwtest.xls" not in got, got  # read whole: one cell, no person
    assert got.get("odd.xls", ("none",))[0] == "encrypted" and got.get("half.xls", ("none",))[0] == "corrupt", got


def _csv(rows: list[list[object]]) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def test_utf32_csvs_are_read_with_and_without_bom(tmp_path: Path) -> None:
    """A CSV saved as UTF-32 (LE or BE, with or without a BOM: PhpSpreadsheet's encoding.utf32*.csv) was listed
    unsupported "binary content": read now, its people counted; cut inside a character or flipped, it keeps the
    rows it holds and says the damage."""
    text = _csv(ROWS)
    share = tmp_path / "share"
    share.mkdir()
    whole = {"le.csv": text.encode("utf-32-le"), "be.csv": text.encode("utf-32-be"),
             "lebom.csv": b"\xff\xfe\x00\x00" + text.encode("utf-32-le"),
             "bebom.csv": b"\x00\x00\xfe\xff" + text.encode("utf-32-be")}
    for name, data in whole.items():
        (share / name).write_bytes(data)
    le = whole["le.csv"]
    (share / "cut.csv").write_bytes(le[: len(le) // 2 + 1])  # inside a row, inside a character
    flipped = bytearray(le)
    flipped[len(le) // 2:len(le) // 2 + 16] = bytes(b ^ 0x5A for b in flipped[len(le) // 2:len(le) // 2 + 16])
    (share / "flipped.csv").write_bytes(bytes(flipped))
    got = _scan_share(share, tmp_path)
    for name in whole:
        assert got.get(name, ("none",))[:2] == ("ok", PEOPLE), (name, got)
    status, records, detail = got.get("cut.csv", ("none", 0, ""))
    assert status == "corrupt" and 0 < records < PEOPLE, got
    status, records, detail = got.get("flipped.csv", ("none", 0, ""))
    assert status in ("ok", "corrupt") and records >= PEOPLE - 2 and "decoding" in detail + status, got


def _fods(rows: list[list[object]], doctype: str = "", far_row: bool = False) -> bytes:
    """A flat OpenDocument spreadsheet as LibreOffice writes it: the root office:document with its namespaces and
    office:mimetype, meta and styles, then the tables; empty cells and rows repeated (number-*-repeated)."""
    from xml.sax.saxutils import escape

    ns = " ".join(f'xmlns:{p}="urn:oasis:names:tc:opendocument:xmlns:{u}"' for p, u in (
        ("office", "office:1.0"), ("style", "style:1.0"), ("text", "text:1.0"), ("table", "table:1.0"),
        ("fo", "xsl-fo-compatible:1.0"), ("meta", "meta:1.0"), ("number", "datastyle:1.0"), ("svg", "svg-compatible:1.0"),
        ("draw", "drawing:1.0"), ("chart", "chart:1.0"), ("config", "config:1.0")))
    ns += " " + " ".join(f'xmlns:x{i}="http://example.org/extension/{i}"' for i in range(40))  # a long root, as LO's

    def cell(v: object) -> str:
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row)
                   + '<table:table-cell table:number-columns-repeated="1019"/></table:table-row>\n' for row in rows)
    if far_row:  # empty rows repeated to the sheet's end, then one more row
        body += ('<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
                 'table:number-columns-repeated="1024"/></table:table-row>\n<table:table-row>'
                 + cell("x") + "</table:table-row>\n")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<office:document {ns} office:version="1.3" '
            'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">\n <office:meta><meta:generator>'
            'LibreOffice/7.6</meta:generator></office:meta>\n <office:styles><style:style style:name="Default" '
            'style:family="table-cell"/></office:styles>\n <office:body><office:spreadsheet>\n  <table:table '
            f'table:name="名簿">\n{body}  </table:table>\n </office:spreadsheet></office:body>\n</office:document>\n'
            ).encode()


def test_a_flat_opendocument_spreadsheet_is_read(tmp_path: Path) -> None:
    """A .fods (flat OpenDocument spreadsheet: LibreOffice's "Flat XML ODF Spreadsheet", Tika's testODSMacro.fods)
    was listed unsupported: read now with the .ods content.xml reader (lxml, no entity expanded, no DTD or network,
    repeated rows and cells bounded), its people counted; cut, it keeps the rows before the cut (corrupt); an entity
    declaration is never expanded (a billion-laughs file ends quickly, listed or read); empty rows repeated to the
    sheet's end cost nothing."""
    share = tmp_path / "share"
    share.mkdir()
    whole = _fods(ROWS)
    (share / "名簿.fods").write_bytes(whole)
    (share / "far.fods").write_bytes(_fods(ROWS, far_row=True))
    (share / "cut.fods").write_bytes(whole[: len(whole) * 2 // 3])
    laughs = ('<!DOCTYPE office:document [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>\n")
    (share / "laughs.fods").write_bytes(_fods([*ROWS[:3], ["&j;"]], doctype=laughs).replace(b"&amp;j;", b"&j;"))
    (share / "text.fods").write_bytes(whole.replace(b"opendocument.spreadsheet", b"opendocument.text"))
    got = _scan_share(share, tmp_path)
    assert got.get("名簿.fods", ("none",))[:2] == ("ok", PEOPLE), got
    assert got.get("far.fods", ("none",))[:2] == ("ok", PEOPLE), got
    status, records, detail = got.get("cut.fods", ("none", 0, ""))
    assert status == "corrupt" and 0 < records < PEOPLE and "flat OpenDocument" in detail, got
    assert got.get("laughs.fods", ("ok",))[0] in ("ok", "corrupt", "unsupported"), got  # ended, whatever it says
    # a flat OpenDocument *text* holding a table (its mimetype says text) is read as a document since review18g: its
    # table's people counted (it was listed unsupported "XML", a text document's tables were read by nothing)
    assert got.get("text.fods", ("none",))[:2] == ("ok", PEOPLE), got
