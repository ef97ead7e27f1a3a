"""Session 11: ``System Volume Information`` at the root of a Windows volume (a ``D$`` share, a mounted volume) is
refused to everyone but SYSTEM: every scan of such a root exited 3 (incomplete) for it (review10g #10). A
documented list of Windows system folders whose refusal is expected (signatures/system_folders.toml) is listed
as ``system-folder`` (not examined, named, its own section) without making the scan incomplete; ``--strict-complete``
keeps the old rule. ``$RECYCLE.BIN`` is not in the list (it may hold the deleted file): still incomplete."""

from __future__ import annotations

import json
import os
from pathlib import Path

from remediation_data import run_without_dac

from scanner.demo import LEAKED_NAME


def _root(tmp_path: Path, *locked: str) -> Path:
    src = tmp_path / "D"
    for name in locked:
        (src / name).mkdir(parents=True)
        (src / name / "x.dat").write_bytes(b"x")
    (src / "共有").mkdir(parents=True, exist_ok=True)
    (src / "共有" / "memo.txt").write_text("memo\n", encoding="utf-8")
    return src


def _scan(src: Path, out: Path, locked: tuple[str, ...], *args: str) -> tuple[object, dict]:
    for name in locked:
        os.chmod(src / name, 0)
    try:
        run = run_without_dac("scan", str(src), "--name", LEAKED_NAME, "--out", str(out), "--quiet", *args)
    finally:
        for name in locked:
            os.chmod(src / name, 0o700)
    return run, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_a_folder_named_so_in_a_plain_local_folder_is_no_windows_system_folder(tmp_path: Path) -> None:
    """review11a: an insider's ``System Volume Information`` chmod 000 at the root of the folder scanned (a Linux
    file server's share folder, ext4/xfs, no mount point of a Windows file system) is a place a file hides: the
    scan is incomplete, as for any folder not listed. Only a Windows volume's root (an SMB share's root, a mounted
    NTFS/FAT/exFAT/CIFS volume: test_split11_smb_system_folder, test_system_folder_mount_rule) is expected."""
    locked = ("System Volume Information",)
    src = _root(tmp_path, *locked)
    run, doc = _scan(src, tmp_path / "out", locked)
    assert run.returncode == 3 and doc["scan"]["complete"] is False, run.stderr
    [row] = [s for s in doc["skipped"] if s["path"].endswith("System Volume Information")]
    assert row["reason"] == "unreadable", row


def test_recycle_bin_or_a_deeper_folder_denied_stays_incomplete(tmp_path: Path) -> None:
    locked = ("$RECYCLE.BIN", "共有/System Volume Information")
    src = _root(tmp_path, *locked)
    run, doc = _scan(src, tmp_path / "out", locked)
    assert run.returncode == 3 and doc["scan"]["complete"] is False
    unlisted = {Path(u["path"]).name for u in doc["scan"]["incomplete"]["unlisted"]}
    assert unlisted == {"$RECYCLE.BIN", "System Volume Information"}
