"""Files other projects wrote (lerocha/chinook-database, py7zr, rarfile, dbfread, ExcelDataReader, okfn/messytables,
MimeKit, flanker, mail-parser, chardet), scanned whole (Session 15, wild15): what ended unread or was misread,
each with its fix."""

from __future__ import annotations

import gzip
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path

from tests.conftest import ROOT
from tests.test_wild13 import _scan  # findings.json of a CLI scan over a share of files, no traceback

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

ROWS = person_rows(40, 20261215)
PEOPLE = len(ROWS) - 1
COLUMNS = ["name", "kana", "address", "tel", "birthday"]  # a Japanese system's columns, romanised


def _mysql_quote(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return f"'{text}'"


def mysqldump(rows: list[list[object]] = ROWS, per_statement: int = 15) -> str:
    """What ``mysqldump`` writes for a customer table: header comments, version-gated SET lines, the table's
    CREATE (columns with Japanese COMMENTs, keys, engine), extended INSERTs of several rows each, the trailer."""
    out = ["-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)", "--", "-- Host: localhost    Database: crm",
           "-- ------------------------------------------------------", "-- Server version\t8.0.36", "",
           "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;", "/*!50503 SET NAMES utf8mb4 */;", "",
           "--", "-- Table structure for table `customers`", "--", "", "DROP TABLE IF EXISTS `customers`;",
           "CREATE TABLE `customers` (", "  `id` int NOT NULL AUTO_INCREMENT,",
           *(f"  `{c}` varchar(255) DEFAULT NULL COMMENT '{h}'," for c, h in zip(COLUMNS, rows[0], strict=True)),
           "  PRIMARY KEY (`id`),", "  KEY `idx_tel` (`tel`)",
           ") ENGINE=InnoDB AUTO_INCREMENT=41 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;", "",
           "LOCK TABLES `customers` WRITE;", "/*!40000 ALTER TABLE `customers` DISABLE KEYS */;"]
    body = rows[1:]
    for at in range(0, len(body), per_statement):
        tuples = ",".join("(" + ",".join([str(at + i + 1), *(_mysql_quote(v) for v in row)]) + ")"
                          for i, row in enumerate(body[at:at + per_statement]))
        out.append(f"INSERT INTO `customers` VALUES {tuples};")
    out += ["/*!40000 ALTER TABLE `customers` ENABLE KEYS */;", "UNLOCK TABLES;", "",
            "-- Dump completed on 2026-12-06 10:00:00", ""]
    return "\n".join(out)


def pg_dump(rows: list[list[object]] = ROWS) -> str:
    """What ``pg_dump`` writes by default: the table's rows as COPY ... FROM stdin, tab-separated, ``\\.`` last."""
    lines = ["--", "-- PostgreSQL database dump", "--", "", "SET statement_timeout = 0;",
             "SET client_encoding = 'UTF8';", "", "CREATE TABLE public.customers (", "    id integer NOT NULL,",
             *(f"    {c} text{',' if i < len(COLUMNS) - 1 else ''}" for i, c in enumerate(COLUMNS)), ");", "",
             f"COPY public.customers (id, {', '.join(COLUMNS)}) FROM stdin;"]
    lines += ["\t".join([str(i), *(str(v).replace("\\", "\\\\").replace("\t", "\\t") for v in row)])
              for i, row in enumerate(rows[1:], 1)]
    lines += ["\\.", "", "", "--", "-- PostgreSQL database dump complete", "--", ""]
    return "\n".join(lines)


def sqlite_dump(rows: list[list[object]] = ROWS) -> str:
    """``sqlite3 crm.db .dump`` (Python's ``iterdump``, the same statements): one INSERT a row, no column list."""
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE customers (id INTEGER PRIMARY KEY, {', '.join(c + ' TEXT' for c in COLUMNS)})")
    db.executemany(f"INSERT INTO customers VALUES (?, {', '.join('?' * len(COLUMNS))})",
                   [(i, *map(str, row)) for i, row in enumerate(rows[1:], 1)])
    db.commit()
    return "\n".join(db.iterdump()) + "\n"


def sqlserver_script(rows: list[list[object]] = ROWS) -> str:
    """A SQL Server script (SSMS "Generate Scripts", lerocha/chinook-database Chinook_SqlServer.sql): bracketed
    names, the column list in every INSERT, N'' strings, GO between batches, no semicolons."""
    cols = ", ".join(f"[{c}]" for c in ["Id", *COLUMNS])
    out = ["SET NOCOUNT ON", "GO", "CREATE TABLE [dbo].[Customer]", "(", "    [Id] INT NOT NULL,",
           *(f"    [{c}] NVARCHAR(255)," for c in COLUMNS), "    CONSTRAINT [PK_Customer] PRIMARY KEY CLUSTERED ([Id])",
           ");", "GO"]
    for i, row in enumerate(rows[1:], 1):
        values = ", ".join([str(i), *("N'" + str(v).replace("'", "''") + "'" for v in row)])
        out.append(f"INSERT INTO [dbo].[Customer] ({cols}) VALUES ({values})")
    out.append("GO")
    return "\r\n".join(out) + "\r\n"


BANNER = "\n/" + "*" * 79 + "\n   Customer database - generated script\n" + "   licence and notes\n" * 40 + "*" * 79 + "/\n\n"


def _damaged(kind: str, ext: str, data: bytes, cuts: Iterable[int]) -> dict[str, bytes]:
    """``data`` cut at each of ``cuts``, and with 8 bits flipped at places seeded 0-3: name -> bytes."""
    import random

    files = {f"{kind}-cut{n}{ext}": data[:n] for n in cuts}
    for seed in range(4):
        flipped = bytearray(data)
        r = random.Random(seed)
        for _ in range(8):
            flipped[r.randrange(len(flipped))] ^= 1 << r.randrange(8)
        files[f"{kind}-flip{seed}{ext}"] = bytes(flipped)
    return files


def _records(findings: dict) -> dict[str, int]:
    return {Path(f["path"].split(" » ")[-1]).name: f["pii"]["records"] for f in findings["files"] if f.get("pii")}


def test_sql_dumps_of_a_person_table_are_read(tmp_path: Path) -> None:
    """wild15 (lerocha/chinook-database Chinook_Sqlite.sql, Chinook_MySql.sql: the Customer and Employee tables
    whose SQLite database leakscan counts, 67 people): a database dump, the most common way a customer table leaves
    a server (``mysqldump``, ``pg_dump``, ``sqlite3 .dump``, SSMS scripts; ``.sql`` or gzipped), ended as nothing:
    its text has no table header line. Each dump's INSERT/COPY rows are now a table under its columns."""
    dumps = {"crm.sql": mysqldump().encode("utf-8"), "crm-pg.sql": pg_dump().encode("utf-8"),
             "crm-lite.sql": sqlite_dump().encode("utf-8"), "crm-mssql.sql": sqlserver_script().encode("utf-16"),
             "crm-sjis.sql": mysqldump().encode("cp932"), "backup.sql.gz": gzip.compress(mysqldump().encode(), mtime=0),
             "dump.txt": mysqldump(per_statement=1).encode("utf-8"), "crm-banner.sql": (BANNER + sqlite_dump()).encode(),
             "inserts.sql": "\n".join(ln for ln in sqlserver_script().splitlines() if ln.startswith(("SET", "INSERT")))
             .encode(), "crm-20261206.bak": mysqldump().encode()}
    findings = _scan(tmp_path, dumps)
    assert not findings["skipped"], findings["skipped"]
    got = _records(findings)
    assert got == {"crm.sql": PEOPLE, "crm-pg.sql": PEOPLE, "crm-lite.sql": PEOPLE, "crm-mssql.sql": PEOPLE,
                   "crm-sjis.sql": PEOPLE, "backup.sql": PEOPLE, "dump.txt": PEOPLE, "crm-banner.sql": PEOPLE, "inserts.sql": PEOPLE, "crm-20261206.bak": PEOPLE}, got


def test_damaged_sql_dumps_end_as_records_or_listed(tmp_path: Path) -> None:
    """Cut at several places (inside the header, a CREATE, a value list, between statements) and bytes flipped at
    seeded places: every copy is read with its records or listed (cut, value lists skipped), never nothing."""
    import random

    files: dict[str, bytes] = {}
    for kind, text in (("my", mysqldump()), ("pg", pg_dump()), ("lite", sqlite_dump())):
        data = text.encode("utf-8")
        files |= _damaged(kind, ".sql", data, (40, 150, 400, *sorted(random.Random(15).sample(range(500, len(data)), 5))))
    findings = _scan(tmp_path, files)
    seen = {Path(f["path"]).name for f in findings["files"] if f.get("pii", {}).get("records")}
    seen |= {Path(s["path"]).name for s in findings["skipped"]}
    assert sorted(set(files) - seen) == [], sorted(set(files) - seen)
    said = {s["detail"] for s in findings["skipped"]}
    assert any("SQL dump cut short" in d for d in said), said



def _7z_with_coder(method: bytes, payload: bytes) -> bytes:
    """A 7z whose one member's coder is ``method`` (7-Zip's method id): written by py7zr with DEFLATE and a plain
    header, the id patched, the header's checksums written again (a sound archive of a coder py7zr lacks)."""
    import io
    import struct
    import zlib

    import py7zr

    out = io.BytesIO()
    z = py7zr.SevenZipFile(out, "w", filters=[{"id": py7zr.FILTER_DEFLATE}])
    z.encoded_header_mode = False  # the header as written, so the coder's id can be found in it
    z.writestr(payload, "list.csv")
    z.close()
    data = bytearray(out.getvalue())
    at = data.index(b"\x04\x01\x08")  # DEFLATE's id
    data[at:at + 3] = method
    offset, size = struct.unpack_from("<QQ", data, 12)
    struct.pack_into("<I", data, 28, zlib.crc32(data[32 + offset:32 + offset + size]))
    struct.pack_into("<I", data, 8, zlib.crc32(data[12:32]))
    return bytes(data)


def test_7z_coder_py7zr_lacks_is_named_not_a_masked_tuple(tmp_path: Path) -> None:
    """wild15 (py7zr tests/data lz4.7z, zstdmt-brotli.7z, lzma2bcj2.7z, lzma_bcj2_1.7z: LZ4, Brotli and BCJ2
    coders, which 7-Zip ZS and 7-Zip write): each member was listed unsupported with the detail "((name),
    (name))", py7zr's error tuple with its parts masked: neither the coder nor what to do was said. Now the coder
    (or its method id when py7zr has no name for it) and the tools that read it."""
    text = "\n".join(",".join(map(str, r)) for r in ROWS).encode("utf-8")
    findings = _scan(tmp_path, {"archive.7z": _7z_with_coder(b"\x04\x01\x0c", text)})
    (skip,) = findings["skipped"]
    assert skip["reason"] == "unsupported", skip
    assert "(name)" not in skip["detail"] and "7z 04010C coder" in skip["detail"], skip["detail"]


def _records_as_objects(rows: list[list[object]] = ROWS) -> list[dict[str, object]]:
    """The people as an API or a document database exports them: named fields, the address an object."""
    out = []
    for i, (name, kana, address, tel, born) in enumerate(rows[1:], 1):
        out.append({"id": i, "name": name, "kana": kana, "address": {"full": address}, "tel": tel, "birthday": born,
                    "tags": ["member"], "active": True, "note": None})
    return out


def test_json_exports_of_a_person_table_are_read(tmp_path: Path) -> None:
    """wild15 (lerocha/chinook-database ChinookData.json: the Customer and Employee records of the same 67 people
    its SQLite database holds): a JSON export (an array of records, a document of named arrays, JSON Lines as
    ``mongoexport`` writes, an object keyed by id as Firebase exports) ended as nothing: ``.json`` was never read."""
    import json

    people = _records_as_objects()
    files = {"customers.json": json.dumps(people, ensure_ascii=False, indent=2).encode("utf-8"),
             "crm.json": json.dumps({"meta": {"count": PEOPLE}, "customers": people}, ensure_ascii=False).encode(),
             "customers.jsonl": "\n".join(json.dumps(p, ensure_ascii=False) for p in people).encode("utf-8"),
             "users.json": json.dumps({f"u{p['id']}": p for p in people}, ensure_ascii=False).encode("utf-8"),
             "package.json": b'{"name": "app", "version": "1.0.0", "files": ["dist"], "scripts": {"test": "jest"}}\n'}
    findings = _scan(tmp_path, files)
    assert not findings["skipped"], findings["skipped"]
    got = _records(findings)
    assert got == {"customers.json": PEOPLE, "crm.json": PEOPLE, "customers.jsonl": PEOPLE, "users.json": PEOPLE}, got


def test_damaged_json_exports_end_as_records_or_listed(tmp_path: Path) -> None:
    """Cut at several places and bytes flipped at seeded places: every copy is read (the records that still
    parse) or listed, never nothing."""
    import json
    import random

    data = json.dumps(_records_as_objects(), ensure_ascii=False, indent=1).encode("utf-8")
    lines = "\n".join(json.dumps(p, ensure_ascii=False) for p in _records_as_objects()).encode("utf-8")
    files: dict[str, bytes] = {}
    for kind, raw in (("arr", data), ("lines", lines)):
        files |= _damaged(kind, ".json", raw, sorted(random.Random(15).sample(range(20, len(raw)), 6)))
    findings = _scan(tmp_path, files)
    seen = {Path(f["path"]).name for f in findings["files"] if f.get("pii", {}).get("records")}
    seen |= {Path(s["path"]).name for s in findings["skipped"]}
    assert sorted(set(files) - seen) == [], sorted(set(files) - seen)


def test_mailbox_saved_under_a_text_name_has_its_attachments_read(tmp_path: Path) -> None:
    """wild15 (MimeKit UnitTests/TestData/mbox/content-length.mbox.txt, issue1189.mbox.txt: mailboxes saved as
    ``.txt``): an mbox or a raw message with attachments named ``.txt``/``.csv`` was read only as a text table, its
    attachments never decoded (the same bytes named ``box`` or ``.bak`` were read as mail): 40 people unread."""
    from tests.test_wild14 import _unquoted_boundary_mail

    mail = _unquoted_boundary_mail("simple-boundary")
    box = b"From a@example.jp Sat Jan  1 00:00:00 2000\r\n" + mail
    findings = _scan(tmp_path, {"box.mbox.txt": box, "saved.txt": mail, "export.csv": box})
    got = sorted(Path(f["path"].split(" » ")[0]).name for f in findings["files"]
                 if (f.get("pii") or {}).get("records") == PEOPLE)
    assert got == ["box.mbox.txt", "export.csv", "saved.txt"], (got, findings["skipped"])


def test_text_that_only_starts_like_sql_is_read_as_what_it_is(tmp_path: Path) -> None:
    """A note or a CSV whose first word is a keyword (``Set``, ``Comment``) and a later line starts ``Copy the`` or
    ``Insert into the``: no statement, so no dump; the CSV's people are read as a CSV (review of wild15's sniff)."""
    rows = [["Comment", *ROWS[0]], *(["Insert into the list" if i == 1 else "", *r] for i, r in enumerate(ROWS[1:], 1))]
    text = "\n".join(",".join(map(str, r)) for r in rows).encode("utf-8")
    note = b"Set up the printer first.\nCopy the files to the share.\nThen print.\n"
    findings = _scan(tmp_path, {"list.csv": text, "note.txt": note})
    assert _records(findings) == {"list.csv": PEOPLE}, (_records(findings), findings["skipped"])
