"""Disguises the first 64 bytes do not show (scanner/inspectors/disguise.py, session 8): a tar (its magic at
offset 257), an Excel 2-5 worksheet without OLE2 (BIFF), a table as markup (Excel "Save as Web Page", pandas'
HTML, Excel 2003 XML) and a text table under a title line, each under another type's name. The check reads up to
512 bytes (a tar) or 4 KiB (markup, a log's lines) only when the first 64 call for it.

Before session 8 every disguised file here was passed over unseen: nothing found, nothing listed."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from archive_data import tar_bytes
from conftest import CORPUS, run_leakscan
from pii_data import csv_bytes, ods_bytes, people, standard, xlsx_bytes
from table_damage import html_table, spreadsheetml
from test_embedded import SLIDES, WORD, package
from test_old_excel import worksheet

from scanner.codes import Reason
from scanner.inspectors.disguise import (
    HEAD_CHECK,
    HEAD_READ,
    MARKUP_CHECK,
    TAR_CHECK,
    TEXT_CHECK,
    check,
    family_of,
    look,
)

PEOPLE = 12
MISMATCH = Reason.EXTENSION_MISMATCH


@pytest.fixture(scope="module")
def rows() -> list[list[object]]:
    return standard(people(PEOPLE, seed=81))


def _gnu_tar(tmp: Path, files: dict[str, bytes]) -> bytes:
    """A tar written by GNU tar itself (its own header layout, not Python's)."""
    src = tmp / "tar-src"
    src.mkdir()
    for name, data in files.items():
        (src / name).write_bytes(data)
    out = tmp / "made.tar"
    subprocess.run(["tar", "cf", str(out), "-C", str(src), *files], check=True)
    return out.read_bytes()


def _excel2() -> bytes:
    """A real Excel 2.x worksheet (python-excel/xlrd test files, in the corpus)."""
    path = CORPUS / "spreadsheets" / "robust" / "test_files__CRLFX5_2.XLS"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"corpus file missing: {path}")
        pytest.skip("corpus not mounted")
    return path.read_bytes()


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory, rows: list[list[object]]) -> dict:
    tmp = tmp_path_factory.mktemp("deeper")
    share = tmp / "share"
    share.mkdir()
    listed = csv_bytes(rows)
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    biff = worksheet(rows, 4)
    tar = _gnu_tar(tmp, {"名簿.csv": listed})
    files = {
        "backup.jpg": tar,  # GNU tar
        "old.png": tar_bytes({"export.csv": listed}, mode="w"),  # Python's ustar
        "sheet.gif": biff,  # Excel 4.0 worksheet, no OLE2 container
        "excel2.jpg": _excel2(),  # a real Excel 2 file (no persons in it): still an Excel file under a picture's name
        "page.jpg": html_table(rows),  # Excel "Save as Web Page"
        "frame.dll": frame.to_html(index=False).encode("utf-8"),  # pandas' HTML table (no <html>, no Excel marks)
        "book.log": spreadsheetml({"名簿": rows}),  # Excel 2003 XML spreadsheet
        "titled.log": "顧客一覧 2019/04/01\r\n".encode("cp932") + listed,  # a title line above the header
        "titled": ("利用者名簿\n作成日 2019-04-01\n\n".encode() + csv_bytes(rows, "utf-8", "\t")),  # no extension
        "報告.docx": xlsx_bytes({"名簿": rows}),  # a workbook package under a Word document's name
        "slides.pptx": xlsx_bytes({"売上": [["品名", "金額"], ["りんご", 100]]}),  # no persons: still a lead
        "memo.odt": ods_bytes({"名簿": rows}),
        # damaged copies: listed with a reason, never passed over
        "cut.png": tar[:700],  # the member's bytes cut short
        "half.bmp": biff[: len(biff) // 2],
        "garbled.png": html_table(rows)[:3000] + bytes(range(256)) * 8 + html_table(rows)[3000:],  # binary inside
        "cut.gif": spreadsheetml({"名簿": rows})[:1500],
    }
    # real content under its own kind's names, or markup that is no table: never examined, never listed
    quiet = {
        "missing.jpg": b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
                       b"<p>The requested URL was not found on this server.</p></body></html>\n",
        "app.log": b'<?xml version="1.0" encoding="utf-8"?>\n<configuration><appSettings><add key="name" '
                   b'value="x"/><add key="address" value="y"/></appSettings></configuration>\n',
        "prices.jpg": pd.DataFrame({"品名": ["りんご", "みかん"], "価格": [100, 80]}).to_html().encode(),
        "service.log": b"2019-04-01 10:00:00 service started\n2019-04-01 10:00:01 listening on :8080\n" * 3,
        "notes": "議事録\n\n氏名,住所 の列を持つ表を作ること\n".encode() * 4,  # header words, but no table
        "plain.docx": package(WORD, {}),
        "deck.pptx": package(SLIDES, {"Microsoft_Excel_Worksheet.xlsx": xlsx_bytes({"売上": [["a", 1]]})}),
    }
    for name, data in {**files, **quiet}.items():
        (share / name).write_bytes(data)
    done = run_leakscan("scan", str(share), "--out", str(tmp / "out"), "--quiet", "--workers", "1", timeout=300)
    assert done.returncode in (0, 1), done.stderr
    doc = json.loads((tmp / "out" / "findings.json").read_text(encoding="utf-8"))
    doc["_files"], doc["_quiet"] = files, quiet
    return doc


def _hits(doc: dict) -> dict[str, dict]:
    return {f["path"].rsplit("/", 1)[-1]: f for f in doc["files"]}


def _skips(doc: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in doc["skipped"]:
        out.setdefault(s["path"].rsplit("/", 1)[-1].split(" » ")[0], []).append(s["reason"])
    return out


# -- the head check --------------------------------------------------------------------------------------------
def more_needed(name: str, head: bytes) -> int:
    return look(name, head)[1]


def test_more_is_read_only_when_the_first_bytes_call_for_it(rows: list[list[object]]) -> None:
    tar = tar_bytes({"a.csv": csv_bytes(rows)}, mode="w")
    assert check("x.jpg", tar[:HEAD_READ]) is None and more_needed("x.jpg", tar[:HEAD_READ]) == TAR_CHECK
    assert more_needed("x.jpg", tar[:HEAD_CHECK]) == 0  # a file of 64 bytes: all of it was read
    assert check("x.jpg", tar[:TAR_CHECK]).family == "archive"
    assert more_needed("x", tar[:HEAD_READ]) == 0  # no extension: an archive there is sniffed anyway
    page = html_table(rows)
    # Session 9: markup is read on to MARKUP_CHECK (a <table> after a long <head>)
    assert more_needed("x.jpg", page[:HEAD_READ]) == MARKUP_CHECK and check("x.jpg", page[:TEXT_CHECK]).family == "markup"
    for binary in (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(53), b"\x89PNG\r\n\x1a\n" + bytes(57),
                   b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(49), b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(51)):
        assert more_needed("x.jpg", binary) == 0 and more_needed("x.log", binary) == 0
    assert more_needed("x.jpg", b"xxxxxxxxxxx") == 0  # shorter than the check: the whole file was read
    text = b"plain words of a text file, long enough to fill the 64 bytes\n and on"
    # session 17: a text head under a name whose format is no text (a picture's) is read on, for a header below a
    # title line; under a text format's name (a script, a style sheet) its first line is enough, as before
    assert more_needed("x.jpg", text) == TEXT_CHECK and more_needed("x.js", text) == more_needed("x.css", text) == 0
    assert more_needed("x.html", b"<html><head><title>a page with a long head, no table in its first bytes</title>") == 0


def test_bare_biff_needs_its_whole_bof_record() -> None:
    assert family_of(worksheet([["氏名", "住所"]], 2)) == "biff"
    assert family_of(worksheet([["氏名", "住所"]], 5)) == "biff"
    assert family_of(b"\x09\x00\x04\x00\x07\x00\x99\x99" + bytes(56)) is None  # no sheet type: two bytes are weak
    assert family_of(b"\x09\x00\x41\x42" + bytes(60)) is None


# -- a folder --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["backup.jpg", "old.png", "sheet.gif", "page.jpg", "frame.dll", "book.log",
                                  "titled.log", "titled", "報告.docx", "memo.odt"])
def test_disguised_lists_are_read_by_content(scan: dict, name: str) -> None:
    hits = _hits(scan)
    if name in ("backup.jpg", "old.png"):  # the archive is the lead; its member is the person file
        assert hits[name]["reasons"] == [MISMATCH] and hits[name]["status"] == "ok"
        member = next(f for f in scan["files"] if f["path"].split(" » ")[0].endswith("/" + name)
                      and " » " in f["path"])
        assert member["pii"]["records"] == PEOPLE
        return
    hit = hits[name]
    assert MISMATCH in hit["reasons"] and Reason.PII in hit["reasons"], hit
    assert hit["pii"]["records"] == PEOPLE and hit["status"] == "ok"
    assert any(r.startswith("extension-mismatch:") for r in hit["matched_rules"])


def test_a_real_excel_2_file_under_a_picture_name_is_a_lead(scan: dict) -> None:
    hit = _hits(scan)["excel2.jpg"]
    assert hit["reasons"] == [MISMATCH] and hit["status"] == "ok"
    assert "extension-mismatch:.jpg>biff" in hit["matched_rules"]


def test_a_workbook_under_a_document_name_is_a_lead(scan: dict) -> None:
    hit = _hits(scan)["slides.pptx"]
    assert hit["reasons"] == [MISMATCH] and "extension-mismatch:.pptx>workbook" in hit["matched_rules"]
    assert "Excel" in hit["type_mismatch"] and ".pptx" in hit["type_mismatch"]
    assert "extension-mismatch:.docx>workbook" in _hits(scan)["報告.docx"]["matched_rules"]


def test_damaged_disguised_files_are_listed(scan: dict) -> None:
    skips = _skips(scan)
    assert skips.get("cut.png") and set(skips["cut.png"]) <= {"corrupt"}
    assert skips.get("half.bmp") == ["corrupt"]
    assert skips.get("garbled.png") == ["corrupt"] and skips.get("cut.gif") == ["corrupt"]
    garbled = next(s for s in scan["skipped"] if s["path"].endswith("/garbled.png"))
    assert "binary bytes further on" in garbled["detail"]  # said what it is, not a crash of the reader
    assert MISMATCH in _hits(scan)["half.bmp"]["reasons"]


def test_pages_logs_and_notes_without_person_tables_stay_quiet(scan: dict) -> None:
    listed = set(_hits(scan)) | set(_skips(scan))
    assert not listed & set(scan["_quiet"])


def test_before_session_8_these_were_silent(scan: dict, tmp_path: Path) -> None:
    """The same files with the content check off: nothing of them is found or listed (what the check adds), but for
    the three under document names: since session 17 a Word or OpenDocument text is opened by its own name for its
    tables (doctables), since xml21 a presentation too (its slides' tables), and what it holds is then read for what
    it is (a workbook, `extension-mismatch`)."""
    share = tmp_path / "share"
    share.mkdir()
    for name, data in scan["_files"].items():
        (share / name).write_bytes(data)
    done = run_leakscan("scan", str(share), "--out", str(tmp_path / "out"), "--quiet", "--workers", "1",
                        "--content-check", "off", timeout=300)
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert done.returncode in (0, 1) and not doc["skipped"]
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert set(by_name) == {"報告.docx", "memo.odt", "slides.pptx"}, sorted(by_name)
    assert all("extension-mismatch" in f["reasons"] for f in by_name.values())
