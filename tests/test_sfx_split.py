"""Self-extracting archives and split archives (Session 10): examined when readable, listed when not.

A program with an archive appended (WinZip / 7-Zip / WinRAR self-extractors) was neither opened nor listed: a
copy of the leaked file inside ``setup.exe`` ended as nothing. The programs here are a real Windows launcher
(pip's distlib ``t64.exe``, the installed pip's own file) with a zip or 7z appended as the self-extractors do.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pip
import py7zr
import pytest
from conftest import run_cli
from openpyxl import Workbook

from scanner.demo import LEAKED_NAME

STUB = Path(pip.__file__).parent / "_vendor" / "distlib" / "t64.exe"


def _workbook() -> bytes:
    wb = Workbook()
    wb.active.append(["氏名", "住所"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"data/{LEAKED_NAME}", _workbook())
    return buf.getvalue()


def _7z(noise: int = 0) -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as z:
        z.writestr(_workbook(), f"data/{LEAKED_NAME}")
        if noise:
            z.writestr(os.urandom(noise), "data/noise.bin")
    return buf.getvalue()


def _scan(tmp_path: Path, files: dict[str, bytes]) -> tuple[int, dict, str]:
    src = tmp_path / "src"
    src.mkdir()
    for name, data in files.items():
        (src / name).write_bytes(data)
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return run.returncode, doc, run.stderr


@pytest.mark.parametrize("archive", [_zip, _7z], ids=["zip", "7z"])
def test_a_copy_inside_a_self_extractor_is_found(tmp_path: Path, archive) -> None:
    code, doc, err = _scan(tmp_path, {"setup.exe": STUB.read_bytes() + archive()})
    assert code == 1, err
    [hit] = [f for f in doc["files"] if f["path"].endswith(LEAKED_NAME)]
    assert hit["path"] == f"{tmp_path / 'src' / 'setup.exe'} » data/{LEAKED_NAME}"
    assert hit["container"][-1]["detail"]["self_extracting"] is True
    assert not doc["skipped"], doc["skipped"]


def test_a_rar_self_extractor_is_listed(tmp_path: Path) -> None:
    code, doc, err = _scan(tmp_path, {"setup.exe": STUB.read_bytes() + b"Rar!\x1a\x07\x00" + os.urandom(2000)})
    assert code == 0, err
    [skip] = doc["skipped"]
    assert skip["path"].endswith("setup.exe") and skip["reason"] == "unsupported"
    assert "self-extracting RAR" in skip["detail"]


def test_an_ordinary_program_is_neither_opened_nor_listed(tmp_path: Path) -> None:
    code, doc, err = _scan(tmp_path, {"tool.exe": STUB.read_bytes(),
                                      "installer.exe": STUB.read_bytes() + b"\x00\x11NSIS data" * 200})
    assert code == 0, err
    assert not doc["skipped"] and not doc["files"]


def test_parts_of_split_and_spanned_archives_are_listed_never_silent(tmp_path: Path) -> None:
    """``X.z01``/``X.z02`` + ``X.zip`` (Info-ZIP ``zip -s``), ``X.zip.001``... and ``X.7z.001``... (cut by 7-Zip or
    ``split``): the later parts have no signature and were silent. Every part is listed with the archive it
    belongs to; what the first part (and the last part of a spanned zip) hold whole is still examined."""
    import shutil
    import subprocess

    work = tmp_path / "work"
    (work / "d").mkdir(parents=True)
    (work / "d" / "noise.bin").write_bytes(os.urandom(250_000))
    (work / "d" / LEAKED_NAME).write_bytes(_workbook())
    src = tmp_path / "src"
    src.mkdir()
    subprocess.run(["zip", "-q", "-r", "-s", "100k", str(src / "span.zip"), "d"], cwd=work, check=True)
    subprocess.run(["zip", "-q", "-r", str(work / "whole.zip"), "d"], cwd=work, check=True)
    whole = (work / "whole.zip").read_bytes()
    seven = _7z(noise=250_000)  # its header is at the end: part 1 alone cannot be opened
    for name, data in (("whole.zip", whole), ("backup.7z", seven)):
        for k in range(0, len(data), 100_000):
            (src / f"{name}.{k // 100_000 + 1:03d}").write_bytes(data[k:k + 100_000])
    shutil.rmtree(work)
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(out), "--quiet")
    assert "Traceback" not in run.stderr, run.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    skipped = {Path(s["path"]).name: s for s in doc["skipped"] if " » " not in s["path"]}
    # Session 11: whole byte-split series and a whole spanned zip are read joined (tests/test_split11_series.py):
    # nothing of them is listed, their members are examined
    assert skipped == {}, doc["skipped"]
    files = {f["path"] for f in doc["files"]}
    assert {f"{src / 'whole.zip.001'} » d/{LEAKED_NAME}", f"{src / 'backup.7z.001'} » data/{LEAKED_NAME}",
            f"{src / 'span.zip'} » d/{LEAKED_NAME}"} <= files
    # one part gone: every part of that series listed again, naming the missing one
    (src / "span.z01").unlink()
    (src / "backup.7z.002").unlink()
    out2 = tmp_path / "out2"
    run = run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(out2), "--quiet")
    doc = json.loads((out2 / "findings.json").read_text(encoding="utf-8"))
    skipped = {Path(s["path"]).name: s for s in doc["skipped"] if " » " not in s["path"]}
    assert {"span.z02", "span.zip", "backup.7z.001", "backup.7z.003"} <= set(skipped), sorted(skipped)
    for s in skipped.values():
        assert s["reason"] in ("unsupported", "corrupt"), s
        assert "does not join" in s["detail"] or "spanned zip" in s["detail"] or "not all here" in s["detail"], s
    assert "span.z01" in skipped["span.zip"]["detail"] and "missing: span.z01" in skipped["span.z02"]["detail"]
    assert "missing: backup.7z.002" in skipped["backup.7z.003"]["detail"]


@pytest.mark.parametrize("outer", ["zip", "7z"])
def test_a_self_extractor_inside_an_archive_is_found(tmp_path: Path, outer: str) -> None:
    """review10g: an archive member is a stream that cannot seek; the overlay probe seeked, failed, and the
    program was taken for an ordinary one: a copy inside ``setup.exe`` inside a zip (or inside another
    self-extractor) ended as nothing (no hit, no skip)."""
    sfx_exe = STUB.read_bytes() + _zip()
    if outer == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("tools/setup.exe", sfx_exe)
        files = {"bundle.zip": buf.getvalue()}
        where = "bundle.zip » tools/setup.exe"
    else:
        buf = io.BytesIO()
        with py7zr.SevenZipFile(buf, "w") as z:
            z.writestr(sfx_exe, "tools/setup.exe")
        files = {"bundle.exe": STUB.read_bytes() + buf.getvalue()}
        where = "bundle.exe » tools/setup.exe"
    code, doc, err = _scan(tmp_path, files)
    assert code == 1, (err, doc["skipped"])
    [hit] = [f for f in doc["files"] if f["path"].endswith(LEAKED_NAME)]
    assert hit["path"] == f"{tmp_path / 'src'} / {where} » data/{LEAKED_NAME}".replace(" / ", "/", 1)


def test_a_zip64_archive_with_0xffff_disk_numbers_is_no_spanned_part(tmp_path: Path) -> None:
    """review10g: single-disk Zip64 archives written by DotNetZip, zip_tricks and others put 0xFFFF in the end
    record's disk fields (APPNOTE 4.4.1.4: the value is in the Zip64 records); read as a disk count, such an
    archive was listed ``unsupported`` as "the last of the 65536 parts of a spanned zip", its members said
    unexamined. Python's zipfile writes the Zip64 records; the disk fields are then set as those writers do."""
    import struct
    from unittest import mock

    buf = io.BytesIO()
    with mock.patch.object(zipfile, "ZIP_FILECOUNT_LIMIT", 0):  # Zip64 end records for one member
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f"data/{LEAKED_NAME}", _workbook())
    data = bytearray(buf.getvalue())
    end = data.rfind(b"PK\x05\x06")
    assert data[end - 20:end - 16] == b"PK\x06\x07"  # the Zip64 locator: one disk
    struct.pack_into("<HH", data, end + 4, 0xFFFF, 0xFFFF)
    code, doc, err = _scan(tmp_path, {"export.zip": bytes(data)})
    assert code == 1, err
    assert not doc["skipped"], doc["skipped"]


def test_a_self_extractor_inside_a_disk_image_is_found(tmp_path: Path) -> None:
    """review10g: in a disk image the cheap checks run in the walker on the file's first 4.5 KiB only (a stream
    of the head), so the overlay read past it found nothing: a copy inside ``setup.exe`` on a FAT volume ended
    as nothing (no hit, no skip)."""
    from image_data import fat_image

    image = fat_image(tmp_path / "stick.img", {"/tools/setup.exe": STUB.read_bytes() + _zip()}, size_mib=16)
    out = tmp_path / "out"
    run = run_cli("scan", str(image), "--name", LEAKED_NAME, "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert run.returncode == 1, (run.stderr, doc["skipped"])
    [hit] = [f for f in doc["files"] if f["path"].endswith(LEAKED_NAME)]
    assert hit["path"].endswith(f"tools/setup.exe » data/{LEAKED_NAME}"), hit["path"]
