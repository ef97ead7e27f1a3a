"""The CLI options for encrypted-volume keys added in session 8: --bitlocker-startup-key FILE (.BEK) and
--apfs-password. A file that is not a startup key is a usage error with libbde's reason before anything is
scanned (not a volume left locked without a word); a password option never puts the secret anywhere."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import run_leakscan


def test_startup_key_that_is_not_a_bek_file_is_a_usage_error(tmp_path: Path) -> None:
    bogus = tmp_path / "4A7C.BEK"
    bogus.write_bytes(b"not a startup key\n" * 20)
    (tmp_path / "src").mkdir()
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(tmp_path / "src"), "--bitlocker-startup-key", str(bogus), "--out", str(out))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "not a BitLocker startup key file" in proc.stderr and "libbde" in proc.stderr
    assert not (out / "findings.json").exists()


def test_missing_startup_key_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    proc = run_leakscan("scan", str(tmp_path / "src"), "--bitlocker-startup-key", str(tmp_path / "gone.BEK"),
                        "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and "gone.BEK: no such file" in proc.stderr


def test_apfs_password_from_the_environment_is_written_nowhere(corpus: Path, tmp_path: Path) -> None:
    """An APFS container that is not encrypted walks as before with the option; the secret is in no output."""
    raw = tmp_path / "container.raw"
    raw.write_bytes(gzip.decompress((corpus / "images" / "dfvfs__apfs.raw.gz").read_bytes()))
    secret = "Zq-apfs-secret-7741"
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(raw), "--apfs-password", "--name", "passwords.txt", "--out", str(out), "--quiet",
                        env={"LEAKSCAN_APFS_PASSWORD": secret})
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in doc["files"]] == [f"{raw} » apfs1 (APFS) » /passwords.txt"]
    for written in out.rglob("*"):
        if written.is_file():
            assert secret.encode() not in written.read_bytes(), written
    assert secret not in proc.stdout + proc.stderr


def test_startup_key_file_access_time_is_left_alone(tmp_path: Path) -> None:
    """The .BEK often sits on the suspect's USB stick: evidence. libbde opening it by its path moved its atime
    (relatime moves an atime older than the mtime); it is read O_NOATIME once and libbde reads that copy in memory."""
    import os

    from scanner.errors import UsageError
    from scanner.sources.volume_keys import startup_key_file

    bek = tmp_path / "4A7C.BEK"
    bek.write_bytes(b"not a startup key\n" * 20)
    os.utime(bek, (1_500_000_000, 1_600_000_000))
    try:
        startup_key_file(str(bek))
    except UsageError as e:
        assert "not a BitLocker startup key file" in str(e) and str(bek) in str(e)
    assert bek.stat().st_atime == 1_500_000_000
