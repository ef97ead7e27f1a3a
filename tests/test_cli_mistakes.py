"""An investigator's mistakes at the terminal: each is refused in one line (exit 2, no traceback, nothing
written) or handled as the reference says, never turned into wrong figures."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli, run_leakscan

LEAKED = "介護予防_利用者名簿.xlsx"


def _share(root: Path) -> Path:
    share = root / "share"
    (share / "PC01").mkdir(parents=True)
    (share / "PC01" / LEAKED).write_bytes(b"named like the leaked file")
    return share


def _refused(done: subprocess.CompletedProcess[str], said: str) -> None:
    assert done.returncode == 2, done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


@pytest.mark.parametrize("second", ["same", "slash", "link", "inner-folder", "inner-file"])
def test_a_source_given_twice_or_inside_another_is_refused(second: str, tmp_path: Path) -> None:
    """Scanned twice, one copy would be listed and counted as two: the scan is refused before it starts."""
    share = _share(tmp_path)
    (tmp_path / "link").symlink_to(share)
    other = {"same": str(share), "slash": f"{share}/", "link": str(tmp_path / "link"),
             "inner-folder": str(share / "PC01"), "inner-file": str(share / "PC01" / LEAKED)}[second]
    out = tmp_path / "out"
    done = run_cli("scan", str(share), other, "--name", LEAKED, "--out", str(out), "--quiet")
    _refused(done, "give each source once" if second in ("same", "slash", "link") else "give the outer folder only")
    assert not out.exists()


def test_sibling_sources_are_each_scanned_once(tmp_path: Path) -> None:
    share = _share(tmp_path)
    other = tmp_path / "share2"
    other.mkdir()
    (other / LEAKED).write_bytes(b"another copy")
    out = tmp_path / "out"
    done = run_cli("scan", str(share / "PC01"), str(other), "--name", LEAKED, "--out", str(out), "--quiet")
    assert done.returncode == 1, done.stderr
    files = json.loads((out / "findings.json").read_text("utf-8"))["files"]
    assert sorted(os.path.basename(os.path.dirname(f["path"])) for f in files) == ["PC01", "share2"]


@pytest.mark.parametrize("option", ["--known-hashes", "--case-file", "--password-file"])
@pytest.mark.parametrize("given", ["fifo", "/dev/zero", "folder"])
def test_an_option_file_that_is_a_fifo_a_device_or_a_folder_is_refused(option: str, given: str,
                                                                        tmp_path: Path) -> None:
    """A FIFO nobody writes to would hang the scan before it starts; /dev/zero would fill the memory."""
    share = _share(tmp_path)
    fifo = tmp_path / "list.txt"
    os.mkfifo(fifo)
    path = {"fifo": str(fifo), "/dev/zero": "/dev/zero", "folder": str(share)}[given]
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet", option, path,
                        timeout=60)
    _refused(done, f"{option} {path}: not a regular file")
    assert not out.exists()
