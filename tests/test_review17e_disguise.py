"""review17e: disguise17's content-over-name rule, broken with the formats the other session-17 branches added.

An Access database (access17) and a Word/OpenDocument/RTF document holding a person table (doctables17) are read by
their name; renamed to a picture's, a page's, a document's or a name nobody knows, they ended as nothing (no hit, no
skip) or as a lead without its people, because the head check knew neither family."""

from __future__ import annotations

from pathlib import Path

from tests.access_data import person_database
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


def test_a_document_with_a_person_table_renamed_is_read(tmp_path: Path) -> None:
    """doctables17 reads the tables of a .docx/.odt/.rtf by its name; renamed, its table was never read: a lead
    without its people under a picture's name, nothing under .dat/.bak/.pptx/none, "zip file that is not a
    workbook" under .xlsx/.txt."""
    from tests.document_data import docx_with_table, odt_with_table, people_rows, rtf_with_table

    table = people_rows(N)
    kinds = {"docx": docx_with_table(table), "odt": odt_with_table(table), "rtf": rtf_with_table(table)}
    exts = (".jpg", ".pdf", ".html", ".dat", ".bak", "", ".xlsx", ".txt", ".pptx")
    files = {f"{kind}_{ext[1:] or 'none'}{ext}": data for kind, data in kinds.items() for ext in exts}
    findings = _scan(tmp_path, files)
    for name in files:
        assert _records(findings, name) == N, (name, [f for f in findings["files"] if name in f["path"]],
                                               [s for s in findings["skipped"] if name in s["path"]])


def test_a_dbase7_table_renamed_is_read(tmp_path: Path) -> None:
    """A dBase 7 table's first field descriptor is at byte 68, past the 65 bytes the walk checks: renamed .jpg,
    .dat, .html, .docx or without an extension it ended as nothing (disguise17 left it open)."""
    from tests.test_review16e_dbase import N as N7
    from tests.test_review16e_dbase import _dbase7

    files = {f"dbase7_{version:x}_{ext[1:] or 'none'}{ext}": _dbase7(version)
             for version in (0x04, 0x8C) for ext in (".jpg", ".dat", ".html", ".docx", "")}
    files |= {f"memo_{name}": _dbase7(0x8C) for name in ("a.png", "b.bak", "c.log")}
    findings = _scan(tmp_path, files)
    for name in files:
        assert _records(findings, name) == N7, (name, [f for f in findings["files"] if name in f["path"]],
                                                [s for s in findings["skipped"] if name in s["path"]])


def test_a_dbase_table_whose_field_names_end_in_left_over_bytes_is_seen_renamed(tmp_path: Path) -> None:
    """Writers leave what their buffer held after a field name's NUL (the reader ignores it and reads the table by
    its .dbf name); the head check required NULs to the end, so renamed .jpg or .dat such a table ended as nothing."""
    from tests.disguise_matrix_data import _dbf, rows

    data = bytearray(_dbf(rows()))
    assert data[32:39] == b"SHIMEI\x00"
    data[40:43] = b"\x8a\x13X"
    files = {name: bytes(data) for name in ("a.dbf", "b.jpg", "c.dat", "d.html")}
    findings = _scan(tmp_path, files)
    for name in files:
        assert _records(findings, name) == N, (name, findings["files"], findings["skipped"])
