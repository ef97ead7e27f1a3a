"""review17e: disguise17's content-over-name rule, broken with the formats the other session-17 branches added.

An Access database (access17) and a Word/OpenDocument/RTF document holding a person table (doctables17) are read by
their name; renamed to a picture's, a page's, a document's or a name nobody knows, they ended as nothing (no hit, no
skip) or as a lead without its people, because the head check knew neither family."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.access_data import person_database
from tests.conftest import ScanCases, own_lines
from tests.pii_data import people, standard
from tests.test_wild13 import _scan

N = 8


def _records(findings: dict, name: str) -> int:
    return sum((f.get("pii") or {}).get("records", 0) for f in findings["files"]
               if f["path"].rsplit("/", 1)[-1].split(" » ")[0] == name)


def test_an_access_database_renamed_to_any_checked_name_is_read(tmp_path: Path) -> None:
    rows = standard(people(N, seed=1705))
    kinds = {"jet4": person_database(rows, "V2000"), "jet3": person_database(rows, "V1997"),
             "ace": person_database(rows, "V2010")}
    exts = (".jpg", ".png", ".pdf", ".html", ".xml", ".log", ".doc", ".docx", ".odt", ".pptx")
    files = {f"{kind}{ext}": data for kind, data in kinds.items() for ext in exts}
    findings = _scan(tmp_path, files)
    for name in files:
        assert _records(findings, name) == N, (name, [f for f in findings["files"] if name in f["path"]],
                                               [s for s in findings["skipped"] if name in s["path"]])
    row = next(f for f in findings["files"] if f["path"].endswith("/jet4.jpg"))
    assert "extension-mismatch" in row["reasons"], row


CASES = ScanCases("review17e")  # every test's files in one share, scanned once (one scan.py run, not one a test)
_case = CASES.case
scanned = CASES.fixture()


@_case
def _c1() -> dict[str, bytes]:  # test_a_document_with_a_person_table_renamed_is_read
    from tests.document_data import docx_with_table, odt_with_table, people_rows, rtf_with_table

    table = people_rows(N)
    kinds = {"docx": docx_with_table(table), "odt": odt_with_table(table), "rtf": rtf_with_table(table)}
    exts = (".jpg", ".pdf", ".html", ".dat", ".bak", "", ".xlsx", ".txt", ".pptx")
    files = {f"{kind}_{ext[1:] or 'none'}{ext}": data for kind, data in kinds.items() for ext in exts}
    return files


def test_a_document_with_a_person_table_renamed_is_read(scanned: dict[str, Any]) -> None:
    """doctables17 reads the tables of a .docx/.odt/.rtf by its name; renamed, its table was never read: a lead
    without its people under a picture's name, nothing under .dat/.bak/.pptx/none, "zip file that is not a
    workbook" under .xlsx/.txt."""
    findings = own_lines(scanned, "c1")
    files = scanned["books"]["c1"]
    for name in files:
        assert _records(findings, name) == N, (name, [f for f in findings["files"] if name in f["path"]],
                                               [s for s in findings["skipped"] if name in s["path"]])


@_case
def _c2() -> dict[str, bytes]:  # test_a_dbase7_table_renamed_is_read
    from tests.test_review16e_dbase import _dbase7

    files = {f"dbase7_{version:x}_{ext[1:] or 'none'}{ext}": _dbase7(version)
             for version in (0x04, 0x8C) for ext in (".jpg", ".dat", ".html", ".docx", "")}
    files |= {f"memo_{name}": _dbase7(0x8C) for name in ("a.png", "b.bak", "c.log")}
    return files


def test_a_dbase7_table_renamed_is_read(scanned: dict[str, Any]) -> None:
    """A dBase 7 table's first field descriptor is at byte 68, past the 65 bytes the walk checks: renamed .jpg,
    .dat, .html, .docx or without an extension it ended as nothing (disguise17 left it open)."""
    from tests.test_review16e_dbase import N as N7

    findings = own_lines(scanned, "c2")
    files = scanned["books"]["c2"]
    for name in files:
        assert _records(findings, name) == N7, (name, [f for f in findings["files"] if name in f["path"]],
                                                [s for s in findings["skipped"] if name in s["path"]])


@_case
def _c3() -> dict[str, bytes]:  # test_a_dbase_table_whose_field_names_end_in_left_over_bytes_is_seen_renamed
    from tests.disguise_matrix_data import _dbf, rows

    data = bytearray(_dbf(rows()))
    assert data[32:39] == b"SHIMEI\x00"
    data[40:43] = b"\x8a\x13X"
    files = {name: bytes(data) for name in ("a.dbf", "b.jpg", "c.dat", "d.html")}
    return files


def test_a_dbase_table_whose_field_names_end_in_left_over_bytes_is_seen_renamed(scanned: dict[str, Any]) -> None:
    """Writers leave what their buffer held after a field name's NUL (the reader ignores it and reads the table by
    its .dbf name); the head check required NULs to the end, so renamed .jpg or .dat such a table ended as nothing."""
    findings = own_lines(scanned, "c3")
    files = scanned["books"]["c3"]
    for name in files:
        assert _records(findings, name) == N, (name, findings["files"], findings["skipped"])


def _json_lines(n: int = 60) -> bytes:
    return b"".join(b'{"log":"GET /api/items/%d HTTP/1.1 200\\n","stream":"stdout","time":"2026-12-06T10:00:%02d.1Z"}\n'
                    % (i, i % 60) for i in range(n))


def test_json_lines_under_a_log_name_are_the_logs_own_format(tmp_path: Path) -> None:
    """Docker's ``*-json.log`` and structured application logs are JSON lines: disguise17 took them for JSON records
    disguised as a log, so every such log was read as a table (10 logs of 6 MB: 0.8 -> 6.5 s CPU) and a log naming
    users was listed ``extension-mismatch``. A JSON array export renamed .log is still one; JSON lines under a
    picture's name too."""
    from scanner.inspectors.disguise import check, look
    from tests.disguise_matrix_data import _json, rows

    lines = _json_lines()
    assert check("abc-json.log", lines[:4096]) is None
    assert look("abc-json.log", lines[:65])[0] is None
    assert check("abc.jpg", lines[:4096]) is not None
    assert check("export.log", _json(rows())[:4096]) is not None
    users = b"".join(f'{{"ts":"2026-12-06T10:00:00Z","level":"info","event":"signup","name":"{r[0]}","tel":"{r[3]}"}}\n'
                     .encode() for r in rows(40)[1:])
    findings = _scan(tmp_path, {"container-json.log": lines * 50, "app.log": users})
    assert not [f for f in findings["files"] if "extension-mismatch" in f["reasons"]], findings["files"]


def test_real_heads_under_their_own_names_are_no_disguise_and_read_no_further() -> None:
    """The cheap path disguise17 built: a page, XML configurations, an RTF letter, a package manifest, a log and
    source code under their own names are no disguise, and ``look`` asks for no more bytes (no parse, no 4 KiB) but
    for a text format's (a log's header may be below its first lines)."""
    from scanner.inspectors.disguise import TEXT_EXTS, check, look

    heads = {
        "index.html": b'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8"><title>Top</title></head><body>' * 4,
        "feed.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>News</title>' * 4,
        "app.config.xml": b'<?xml version="1.0"?>\n<configuration><appSettings><add key="a" value="b"/>' * 4,
        "schema.xml": b'<?xml version="1.0"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">' * 4,
        "letter.rtf": b"{\\rtf1\\ansi\\ansicpg932\\deff0{\\fonttbl{\\f0\\fnil MS Mincho;}}\\f0 Dear Sir," * 4,
        "letter.doc": b"{\\rtf1\\ansi\\ansicpg932\\deff0{\\fonttbl{\\f0\\fnil MS Mincho;}}\\f0 Dear Sir," * 4,
        "package.json": b'{\n  "name": "left-pad",\n  "version": "1.3.0",\n  "main": "index.js",\n  "license": "WTFPL"\n}\n',
        "server.log": b"2026-12-06 10:00:00,123 INFO  [main] org.example.Server - started in 1.2 s\n" * 8,
        "setup.py": b"from setuptools import setup\n\nsetup(name='x', version='1.0', packages=['x'])\n" * 4,
    }
    for name, head in heads.items():
        more = 4096 if name.endswith(tuple(e for e in TEXT_EXTS if e)) else 0
        assert look(name, head[:65]) == (None, more), (name, look(name, head[:65]))
        assert check(name, head) is None, name


@_case
def _c4() -> dict[str, bytes]:  # test_a_word97_document_with_tables_renamed_is_read_as_under_doc
    from tests.document_data import doc_with_table, people_rows

    doc = doc_with_table(people_rows(8))
    files = {f"table{i}.{ext}": doc + bytes([i]) for i, ext in enumerate(("doc", "docx", "rtf", "jpg", "xls", "dat"))}
    return files


def test_a_word97_document_with_tables_renamed_is_read_as_under_doc(scanned: dict[str, Any]) -> None:
    """A Word 97-2003 document's tables are read under .doc (word18; doctables17 listed them unread); renamed .docx (a
    user's "upgrade") it ended as nothing, under .rtf/.jpg it was a lead saying nothing of its tables, under .xls
    "OLE2 file without a workbook stream". One byte is appended to each copy so that none is a copy of another."""
    findings = own_lines(scanned, "c4")
    files = scanned["books"]["c4"]
    for name in files:
        hits = [h for h in findings["files"] if h["path"].endswith("/" + name)]
        assert len(hits) == 1 and hits[0]["pii"]["records"] == 8, (name, hits, findings["skipped"])
