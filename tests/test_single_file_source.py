"""A single file given as SOURCE (not a disk image) is scanned like a file met on a share."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people


def test_a_backup_zip_given_as_source_is_opened(tmp_path: Path, leakscan) -> None:
    workbook = client_list_xlsx(make_people(15))
    backup = tmp_path / "backup_2017.zip"
    with zipfile.ZipFile(backup, "w") as z:
        z.writestr(f"作業/{LEAKED_NAME}", workbook)
    done = leakscan("scan", str(backup), "--name", LEAKED_NAME, "--out", str(tmp_path / "out"), "--quiet")
    assert done.returncode == 1, done.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    [hit] = [f for f in doc["files"] if "name" in f["reasons"]]
    assert hit["path"] == f"{backup} » 作業/{LEAKED_NAME}"
    assert hit["sha256"] == hashlib.sha256(workbook).hexdigest()
    assert hit["pii"]["records"] == 15
    assert doc["scan"]["source_details"][0]["kind"] == "file"


def test_a_workbook_given_as_source_is_read(tmp_path: Path, leakscan) -> None:
    book = tmp_path / "renamed.dat"
    book.write_bytes(client_list_xlsx(make_people(12)))
    done = leakscan("scan", str(book), "--out", str(tmp_path / "out"), "--quiet")
    assert done.returncode == 0, done.stderr  # no --name: a personal-records hit is not a named copy
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    [hit] = doc["files"]
    assert hit["path"] == str(book) and "pii" in hit["reasons"] and hit["pii"]["records"] == 12


def test_a_file_named_like_an_image_that_is_none_is_listed_not_clean(tmp_path: Path, leakscan) -> None:
    wiped = tmp_path / "pc08.dd"
    wiped.write_bytes(bytes(1 << 20))  # a wiped disk: zeros, no partition table, no file system
    done = leakscan("scan", str(wiped), "--name", LEAKED_NAME, "--out", str(tmp_path / "out"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "not recognised as a disk image" in done.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    [skip] = doc["skipped"]
    assert skip["path"] == str(wiped) and skip["reason"] == "unsupported" and "not walked" in skip["detail"]
