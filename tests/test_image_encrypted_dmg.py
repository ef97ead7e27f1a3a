"""Encrypted macOS disk images (hdiutil create -encryption AES-128/256): listed `encrypted`, never clean.

Seen in session 8: such a file named without an extension was silently clean (exit 0, nothing skipped), and a
``.dmg`` one read "named like a disk image but not recognised". libmodi (dfvfs' UDIF back-end) has no
decryption; the container says what it is in its own header: "encrcdsa" at the start (version 2, what
current macOS writes) or "cdsaencr" at the end (version 1). The header fields are laid out as hdiutil writes
them (vfdecrypt / dmgwiz read the same); the encrypted payload is random bytes, as AES output is.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import pytest

from scanner.sources.image_sniff import encrypted_dmg
from tests.conftest import run_leakscan


def _v2(payload: int = 256 * 1024) -> bytes:
    header = struct.pack(">8sIIIIIIII16sI", b"encrcdsa", 2, 16, 5, 0x80000001, 256, 0x80000001, 0x200, 1,
                         os.urandom(16), 1)
    return header.ljust(4096, b"\0") + os.urandom(payload)


def _v1(payload: int = 256 * 1024) -> bytes:
    return os.urandom(payload) + os.urandom(1036) + b"cdsaencr"


def test_headers_of_both_versions_are_recognised() -> None:
    assert encrypted_dmg(_v2()[:4608], b"") == 2
    data = _v1()
    assert encrypted_dmg(data[:4608], data[-512:]) == 1
    assert encrypted_dmg(os.urandom(4608), os.urandom(512)) is None


@pytest.mark.parametrize("name", ["evidence", "Secret.dmg", "backup.sparseimage.bin"])
def test_encrypted_dmg_in_a_folder_is_listed_encrypted_with_what_unlocks_it(name: str, tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / name).write_bytes(_v2())
    (folder / f"old-{name}").write_bytes(_v1())
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(folder), "--name", "名簿.xlsx", "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = {Path(s["path"]).name: s for s in doc["skipped"]}
    assert set(rows) == {name, f"old-{name}"}, doc["skipped"]
    for row in rows.values():
        assert row["reason"] == "encrypted"
        assert "encrypted macOS disk image" in row["detail"] and "password" in row["detail"]
    assert proc.returncode == 0


def test_encrypted_dmg_as_source_is_an_encrypted_image_not_a_raw_disk(tmp_path: Path) -> None:
    image = tmp_path / "macbook.dmg"
    image.write_bytes(_v2())
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(image), "--name", "x", "--out", str(out), "--quiet")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "encrypted macOS disk image" in proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert any(s["reason"] == "encrypted" for s in doc["skipped"]), doc["skipped"]


def test_encrypted_dmg_inside_an_archive_is_listed_encrypted_whatever_its_name(tmp_path: Path) -> None:
    """Session 9: inside a zip, both versions read "corrupt image: FileNotFoundError" (the in-memory copy was
    closed before its ends were read), and a version 1 one named without an extension (its signature is at the
    end, and only the head of a member was looked at) was silently clean."""
    import zipfile

    folder = tmp_path / "src"
    folder.mkdir()
    members = {"Secret.dmg": _v1(), "evidence": _v1(), "evidence2": _v2(), "backup.bin": _v2()}
    with zipfile.ZipFile(folder / "case.zip", "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(folder), "--name", "名簿.xlsx", "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = {s["path"].rsplit(" » ", 1)[-1]: s for s in doc["skipped"]}
    assert set(rows) == set(members), doc["skipped"]
    for row in rows.values():
        assert row["reason"] == "encrypted" and "encrypted macOS disk image" in row["detail"], row


def test_a_v1_encrypted_dmg_over_the_inspect_cap_inside_an_archive_is_listed(tmp_path: Path) -> None:
    """Session 10: a version 1 image (signed only at its end) larger than --max-inspect-mb inside a zip was
    silent: only the first --max-inspect-mb of it were in memory, and their head says nothing. (Zeros in the
    middle keep the zip itself under the cap; the head and the end look like ciphertext.)"""
    import zipfile

    folder = tmp_path / "src"
    folder.mkdir()
    image = os.urandom(4096) + bytes(1536 * 1024) + _v1(payload=0)
    with zipfile.ZipFile(folder / "case.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("evidence", image)
        z.writestr("Secret.dmg", image)
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(folder), "--name", "名簿.xlsx", "--out", str(out), "--quiet",
                        "--max-inspect-mb", "1", "--max-archive-ratio", "100000")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = {s["path"].rsplit(" » ", 1)[-1]: s for s in doc["skipped"]}
    assert set(rows) == {"evidence", "Secret.dmg"}, doc["skipped"]
    for row in rows.values():
        assert row["reason"] == "encrypted" and "encrypted macOS disk image" in row["detail"], row
