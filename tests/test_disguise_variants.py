"""Variants of the session 8 content check families found by review (scanner/inspectors/disguise.py,
scanner/inspectors/spreadsheet.py): tars whose first member name is not UTF-8 or ASCII (EUC-JP from an old Unix
host, half-width katakana in cp932, Latin-1), written by GNU tar itself from byte names; a mail whose body is a sheet
(no disguise: an .eml holds a MIME message); Excel's single-file web page under its own name (.mht). One scan."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import run_leakscan
from pii_data import csv_bytes, people, standard
from table_damage import html_table, mhtml

from scanner.codes import Reason
from scanner.inspectors.disguise import HEAD_READ, TAR_CHECK, TEXT_CHECK, check, look

# 顧客一覧.csv in EUC-JP (顧 = B8 DC: a lead byte below C2), ｶﾞｲﾄﾞ.csv in cp932 (half-width katakana B6),
# Àdresses.csv in Latin-1 (C0)
NAMES = {"eucjp.jpg": "顧客一覧.csv".encode("euc_jp"), "katakana.png": "ｶﾞｲﾄﾞ.csv".encode("cp932"),
         "latin1.gif": "Àdresses.csv".encode("latin-1")}
# a mail whose first header is MIME-Version (Gmail's own messages) with Excel's HTML as its body ("send the sheet as
# the message"): an .eml holding a MIME message is what its name says, not an Excel single-file web page renamed
_MAIL_HEAD = (b"MIME-Version: 1.0\r\nDate: Mon, 1 Apr 2019 10:00:00 +0900\r\nSubject: list\r\nFrom: a@example.com\r\n"
              b"Content-Type: text/html; charset=\"Shift_JIS\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
_SAVED_PAGE = (b"From: <Saved by Windows Internet Explorer 8>\r\nSubject: News\r\nMIME-Version: 1.0\r\n"
               b'Content-Type: multipart/related; type="text/html"; boundary="----=_NextPart_000"\r\n\r\n'
               b"------=_NextPart_000\r\nContent-Type: text/html; charset=\"utf-8\"\r\n\r\n<html><body><p>news</p>"
               b"</body></html>\r\n------=_NextPart_000--\r\n")
PEOPLE = 6


def _gnu_tar(tmp: Path, name: bytes, data: bytes) -> bytes:
    src = tmp / f"src-{name.hex()}"
    src.mkdir()
    with open(bytes(src) + b"/" + name, "wb") as f:  # the member name as raw bytes
        f.write(data)
    out = tmp / f"{name.hex()}.tar"
    subprocess.run([b"tar", b"cf", bytes(out), b"-C", bytes(src), name], check=True)
    return out.read_bytes()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    tmp = tmp_path_factory.mktemp("variants-src")
    rows = standard(people(PEOPLE, seed=83))
    out = {file: _gnu_tar(tmp, name, csv_bytes(rows)) for file, name in NAMES.items()}
    out["list.eml"] = _MAIL_HEAD + html_table(rows)
    web = mhtml(html_table(rows)).replace(b"MIME-Version: 1.0\r\n",
                                          b"MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\n", 1)  # as Excel saves
    out["list.mht"] = out["list.mhtml"] = web
    out["saved.mht"] = _SAVED_PAGE  # a browser's saved page: no table
    return out


@pytest.fixture(scope="module")
def scan(files: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("variants")
    share = tmp / "share"
    share.mkdir()
    for name, data in files.items():
        (share / name).write_bytes(data)
    done = run_leakscan("scan", str(share), "--out", str(tmp / "out"), "--quiet", "--workers", "1", timeout=120)
    assert done.returncode in (0, 1), done.stderr
    doc = json.loads((tmp / "out" / "findings.json").read_text(encoding="utf-8"))
    doc["_hits"] = {f["path"].rsplit("/", 1)[-1]: f for f in doc["files"]}
    return doc


def test_a_tar_whose_first_name_is_not_utf8_is_read_on(files: dict[str, bytes], scan: dict) -> None:
    for file in NAMES:
        found, more = look(file, files[file][:HEAD_READ])
        assert found is None and more == TAR_CHECK, file
        assert check(file, files[file][:TAR_CHECK]).family == "archive", file
        assert scan["_hits"][file]["reasons"] == [Reason.EXTENSION_MISMATCH], file
    # a name in neither UTF-8 nor cp932 is shown with \x escapes: no absolute path for all that (was "unsafe-name")
    assert not [s for s in scan["skipped"] if s["reason"] == "unsafe-name"], scan["skipped"]


def test_a_mime_message_is_no_disguise_under_a_mail_name(files: dict[str, bytes], scan: dict) -> None:
    mail = files["list.eml"]
    assert check("list.eml", mail[:TEXT_CHECK]) is None
    assert check("list.jpg", mail[:TEXT_CHECK]).family == "mime"  # an Excel .mht under a picture's name still is one
    mails = {name: hit for name, hit in scan["_hits"].items() if name.startswith("list.eml")}
    assert Reason.PII in mails["list.eml » (body).html"]["reasons"]  # the mail's body read as the table it is
    assert not any(Reason.EXTENSION_MISMATCH in hit["reasons"] for hit in mails.values()), mails


def test_an_excel_single_file_web_page_under_its_own_name_is_read(scan: dict) -> None:
    for name in ("list.mht", "list.mhtml"):
        hit = scan["_hits"][name]
        assert hit["pii"]["records"] == PEOPLE and Reason.EXTENSION_MISMATCH not in hit["reasons"], hit
    assert "saved.mht" not in scan["_hits"]  # a browser's page: not read, not listed
    assert not any(s["path"].endswith("/saved.mht") for s in scan["skipped"])
