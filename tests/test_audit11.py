"""Session 11 audit: where two branches' rules meet (split archives joined x verify / persons; system folders x
detail codes ...)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import run_cli
from image_data import leaked_workbook
from test_completeness_codes import reworded  # noqa: F401 - the fixture
from test_split11_series import _scan, _seven, _split


def test_verify_sources_rehashes_a_joined_split_archive_as_the_scan_hashed_it(tmp_path: Path) -> None:
    """split11 records the ``.001`` row's digest as the joined archive's; ``verify --sources`` must re-hash the
    same bytes, never call the untouched evidence "changed"."""
    src = tmp_path / "src"
    src.mkdir()
    seven = _seven(leaked_workbook(rows=12))
    parts = _split(src, "名簿一式.7z", seven)
    known = tmp_path / "known.txt"
    known.write_text(hashlib.sha256(seven).hexdigest() + "\n", encoding="utf-8")
    code, doc = _scan(tmp_path, src, "--known-hashes", str(known))
    assert code == 1
    assert any(f["path"] == str(parts[0]) for f in doc["files"])
    run = run_cli("verify", str(tmp_path / "out"), "--sources", str(src), "--json")
    rows = {r["path"]: r for r in json.loads(run.stdout)["sources"]}
    assert rows[str(parts[0])]["status"] == "match", rows[str(parts[0])]
    assert all(r["status"] == "match" for r in rows.values()), rows
    assert run.returncode == 0, run.stdout


@pytest.mark.usefixtures("reworded")
def test_a_system_folder_is_told_by_its_detail_code_not_its_english_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """codes11 decides completeness by codes; split11's system folders still read the detail's first English
    word ("directory"): reworded, System Volume Information at the root fell back to incomplete."""
    from scanner import system_folders
    from scanner.codes import Status
    from scanner.details import Detail, say
    from scanner.models import Location, Skipped

    root = "/evidence/d"
    monkeypatch.setattr(system_folders, "windows_volume_root", lambda path, table: path == root)  # an NTFS mount
    refused = Skipped(Location(root, f"{root}/System Volume Information"), Status.UNREADABLE,
                      say(Detail.DIRECTORY, library="Permission denied"))
    assert not refused.detail.startswith("directory")  # the words changed
    assert system_folders.expected(refused).reason == Status.SYSTEM_FOLDER
    deeper = Skipped(Location(root, f"{root}/x/System Volume Information"), Status.UNREADABLE, refused.detail)
    assert system_folders.expected(deeper).reason == Status.UNREADABLE
    # a file of that name (not a folder's listing) is no system folder
    not_folder = Skipped(Location(root, f"{root}/System Volume Information"), Status.UNREADABLE,
                         "directory of names: Permission denied")
    assert system_folders.expected(not_folder).reason == Status.UNREADABLE


def test_verify_sources_rehashes_a_spanned_zip_as_the_scan_hashed_it(tmp_path: Path) -> None:
    """``zip -s``: the ``X.zip`` row's digest is the joined parts' (split11); verify walks the folder again."""
    import hashlib as _h
    import subprocess

    work = tmp_path / "work"
    (work / "d").mkdir(parents=True)
    (work / "d" / "noise.bin").write_bytes(_h.sha256(b"x").digest() * 4000)
    src = tmp_path / "src"
    src.mkdir()
    subprocess.run(["zip", "-q", "-0", "-r", "-s", "64k", str(src / "名簿送付.zip"), "d"], cwd=work, check=True)
    assert (src / "名簿送付.z01").exists()
    code, doc = _scan(tmp_path, src)  # --name 介護予防_利用者名簿.xlsx: 名簿 in the name makes the parts hits
    whole = str(src / "名簿送付.zip")
    assert any(f["path"] == whole for f in doc["files"]), [f["path"] for f in doc["files"]]
    run = run_cli("verify", str(tmp_path / "out"), "--sources", str(src), "--json")
    rows = {r["path"]: r for r in json.loads(run.stdout)["sources"]}
    assert rows[whole]["status"] == "match", rows[whole]
    assert run.returncode == 0, run.stdout


def test_the_system_folder_given_as_the_source_itself_is_never_expected(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """``leakscan scan /mnt/usb/System Volume Information`` refused: the examiner asked for that very folder; nothing
    was examined, so the scan is incomplete (exit 3), never "complete" because the folder's name is a system one."""
    import errno
    import os

    from scanner import system_folders
    from scanner.sources import local

    src = tmp_path / "vol" / "System Volume Information"
    src.mkdir(parents=True)
    (src / "tracking.log").write_text("x\n", encoding="utf-8")
    real_open, real_root = local.open_deep, system_folders.windows_volume_root

    def refused(path: bytes, flags: int) -> int:  # as a user or over a mount, only SYSTEM lists it
        if path.rstrip(b"/").endswith(b"System Volume Information"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_open(path, flags)
    monkeypatch.setattr(local, "open_deep", refused)
    monkeypatch.setattr(system_folders, "windows_volume_root",  # vol is a mounted NTFS volume's root
                        lambda p, table: str(p) == os.path.realpath(src.parent) or real_root(p, table))
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "名簿.xlsx", "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [s["reason"] for s in doc["skipped"]] == ["unreadable"], doc["skipped"]
    assert doc["scan"]["complete"] is False
    assert run.returncode == 3, run.stderr
