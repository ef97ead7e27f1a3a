"""Variants of the session 8 content check families found by review (scanner/inspectors/disguise.py): tars whose
first member name is not UTF-8 or ASCII (EUC-JP from an old Unix host, half-width katakana in cp932, Latin-1),
written by GNU tar itself from byte names."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import run_leakscan
from pii_data import csv_bytes, people, standard

from scanner.codes import Reason
from scanner.inspectors.disguise import HEAD_READ, TAR_CHECK, check, look

# 顧客一覧.csv in EUC-JP (顧 = B8 DC: a lead byte below C2), ｶﾞｲﾄﾞ.csv in cp932 (half-width katakana B6),
# Àdresses.csv in Latin-1 (C0)
NAMES = {"eucjp.jpg": "顧客一覧.csv".encode("euc_jp"), "katakana.png": "ｶﾞｲﾄﾞ.csv".encode("cp932"),
         "latin1.gif": "Àdresses.csv".encode("latin-1")}


def _gnu_tar(tmp: Path, name: bytes, data: bytes) -> bytes:
    src = tmp / f"src-{name.hex()}"
    src.mkdir()
    with open(bytes(src) + b"/" + name, "wb") as f:
        f.write(data)
    out = tmp / f"{name.hex()}.tar"
    subprocess.run([b"tar", b"cf", bytes(out), b"-C", bytes(src), name], check=True)
    return out.read_bytes()


@pytest.fixture(scope="module")
def tars(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    tmp = tmp_path_factory.mktemp("variants")
    listed = csv_bytes(standard(people(6, seed=83)))
    return {file: _gnu_tar(tmp, name, listed) for file, name in NAMES.items()}


def test_a_tar_whose_first_name_is_not_utf8_is_read_on(tars: dict[str, bytes]) -> None:
    for file, tar in tars.items():
        found, more = look(file, tar[:HEAD_READ])
        assert found is None and more == TAR_CHECK, file
        assert check(file, tar[:TAR_CHECK]).family == "archive", file


def test_such_tars_named_as_pictures_are_found(tars: dict[str, bytes], tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    for file, tar in tars.items():
        (share / file).write_bytes(tar)
    done = run_leakscan("scan", str(share), "--out", str(tmp_path / "out"), "--quiet", "--workers", "1", timeout=120)
    assert done.returncode in (0, 1), done.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    leads = {f["path"].rsplit("/", 1)[-1] for f in doc["files"] if Reason.EXTENSION_MISMATCH in f["reasons"]}
    assert leads == set(NAMES)


# A mail whose first header is MIME-Version (Gmail's own messages) with Excel's HTML as its body ("send the sheet as
# the message"): an .eml holding a MIME message is what its name says, not an Excel single-file web page renamed.
_MAIL_HEAD = (b"MIME-Version: 1.0\r\nDate: Mon, 1 Apr 2019 10:00:00 +0900\r\nSubject: list\r\nFrom: a@example.com\r\n"
              b"Content-Type: text/html; charset=\"Shift_JIS\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")


def test_a_mime_message_is_no_disguise_under_a_mail_name(tmp_path: Path) -> None:
    from table_damage import html_table

    rows = standard(people(6, seed=84))
    mail = _MAIL_HEAD + html_table(rows)
    assert check("list.eml", mail[:4096]) is None
    assert check("list.jpg", mail[:4096]) is not None  # an Excel .mht under a picture's name still is one
    share = tmp_path / "share"
    share.mkdir()
    (share / "list.eml").write_bytes(mail)
    done = run_leakscan("scan", str(share), "--out", str(tmp_path / "out"), "--quiet", "--workers", "1", timeout=120)
    assert done.returncode in (0, 1), done.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert doc["files"] and not any(Reason.EXTENSION_MISMATCH in f["reasons"] for f in doc["files"])


def test_an_excel_single_file_web_page_under_its_own_name_is_read(tmp_path: Path) -> None:
    """Excel's "single file web page" is saved as .mht (MIME-Version, X-Document-Type: Workbook, the HTML part);
    a browser's saved page (.mht without Excel's marks) stays quiet."""
    from table_damage import html_table, mhtml

    rows = standard(people(6, seed=85))
    page = mhtml(html_table(rows)).replace(b"MIME-Version: 1.0\r\n", b"MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\n", 1)
    share = tmp_path / "share"
    share.mkdir()
    (share / "list.mht").write_bytes(page)
    (share / "list.mhtml").write_bytes(page)
    (share / "saved.mht").write_bytes(
        b"From: <Saved by Windows Internet Explorer 8>\r\nSubject: News\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; type="text/html"; boundary="----=_NextPart_000"\r\n\r\n'
        b"------=_NextPart_000\r\nContent-Type: text/html; charset=\"utf-8\"\r\n\r\n<html><body><p>news</p></body></html>"
        b"\r\n------=_NextPart_000--\r\n")
    done = run_leakscan("scan", str(share), "--out", str(tmp_path / "out"), "--quiet", "--workers", "1", timeout=120)
    assert done.returncode in (0, 1), done.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    hits = {f["path"].rsplit("/", 1)[-1]: f for f in doc["files"]}
    for name in ("list.mht", "list.mhtml"):
        assert hits[name]["pii"]["records"] == 6 and Reason.EXTENSION_MISMATCH not in hits[name]["reasons"]
    assert "saved.mht" not in hits and not doc["skipped"]
