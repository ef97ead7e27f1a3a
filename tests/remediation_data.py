"""Shared helpers for the rescan / verify / resume / merge tests: trees, changes, runners, comparisons.

Unreadable files as root: root reads a chmod 000 file through CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH,
so ``run_without_dac`` drops both capabilities from the bounding set of the child process (prctl
PR_CAPBSET_DROP) before leakscan starts. The child is still uid 0 (it can read its own 0700 folders and
the Python install under /root) but is refused a mode-000 file, exactly as a real unreadable file on a
share is. As a non-root user chmod 000 is enough and nothing is dropped.
"""

from __future__ import annotations

import copy
import ctypes
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scanner.demo import ARCHIVE as DEMO_ARCHIVE
from scanner.demo import DERIVED as DEMO_DERIVED
from scanner.demo import LATEST_COPY as DEMO_LATEST_COPY
from scanner.demo import LEAKED_NAME, build_share, client_list_xlsx, make_people
from scanner.demo import UPDATE_COPY as DEMO_UPDATE_COPY
from scanner.inspectors.recyclebin import make_i_file

ROOT = Path(__file__).resolve().parent.parent

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2

IDENTICAL = [  # the demo share's five identical copies of the leaked workbook
    "PC01/Documents/介護予防_利用者名簿.xlsx",
    "PC02/Desktop/介護予防_利用者名簿 - コピー.xlsx",
    "PC03/USB_backup/介護予防_利用者名簿.xlsx",
    "PC05/Users/staff/Downloads/介護予防_利用者名簿 (2).xlsx",
    "PC05/Users/staff/Documents/Copy of 介護予防_利用者名簿.xlsx",
]
KEPT = IDENTICAL[0]
UNREADABLE = IDENTICAL[1]
DELETED = [IDENTICAL[2], IDENTICAL[3], "PC02/Desktop/~$介護予防_利用者名簿.xlsx"]
MOVED_FROM = IDENTICAL[4]
MOVED_TO = "PC05/Users/staff/新しいフォルダー/介護予防_利用者名簿 - コピー.xlsx"
SAMBA_RECYCLE = ".recycle/staff/介護予防_利用者名簿.xlsx"
ARCHIVE = "PC03/backup_2017.zip"
MODIFIED = "PC04/作業/介護予防_利用者名簿.xlsx"
UNCHANGED_CSV = "PC04/作業/介護予防_利用者名簿.csv"
PRINTOUT = "PC04/作業/介護予防_利用者名簿_印刷用.pdf"  # a name-contains lead: blocks a clean verdict until gone
NEW_DERIVED = "PC07/介護予防_利用者名簿 (3).xlsx"
RECYCLE_DIR = "PC08/$RECYCLE.BIN/S-1-5-21-3623811015-3361044348-30300820-1001"
RECYCLED_I = f"{RECYCLE_DIR}/$IK3J9Q2.xlsx"
RECYCLED_R = f"{RECYCLE_DIR}/$RK3J9Q2.xlsx"
RECYCLED_FROM = "C:\\Users\\staff\\Documents\\介護予防_利用者名簿.xlsx"


def _drop_dac() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_without_dac(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python scan.py ARGS`` in a process that mode-000 files really refuse (see the module doc)."""
    pre = _drop_dac if os.geteuid() == 0 else None
    return subprocess.run([sys.executable, str(ROOT / "scan.py"), *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})}, cwd=ROOT, preexec_fn=pre)


def share(root: Path) -> Path:
    """The demo share (Faker ja_JP, fixed seed) under ``root/share``."""
    path = root / "share"
    build_share(path)
    # these scenarios were written before the demo gained a backup zip, a derived mailing list and the
    # re-saved copies that give it the real case's figures; they make their own archive, derived and
    # extra copies, so the demo's are taken out again
    shutil.rmtree(path / Path(DEMO_ARCHIVE).parts[0])
    for rel in (DEMO_DERIVED, DEMO_UPDATE_COPY, DEMO_LATEST_COPY):
        (path / rel).unlink()
    return path


def change_everything(share_root: Path) -> None:
    """Every change a remediation meets: deletions, a kept copy, a move, an edit, a new copy, an unreadable one."""
    people = make_people(120)
    original = (share_root / KEPT).read_bytes()
    for rel in DELETED:
        (share_root / rel).unlink()
    (share_root / MOVED_TO).parent.mkdir(parents=True)
    os.rename(share_root / MOVED_FROM, share_root / MOVED_TO)
    (share_root / MODIFIED).write_bytes(client_list_xlsx(people[:80], title="利用者名簿（修正）"))
    (share_root / NEW_DERIVED).parent.mkdir(parents=True)
    (share_root / NEW_DERIVED).write_bytes(client_list_xlsx(people[10:70], title="利用者名簿（派生）"))
    (share_root / SAMBA_RECYCLE).parent.mkdir(parents=True)
    (share_root / SAMBA_RECYCLE).write_bytes(original)
    with zipfile.ZipFile(share_root / ARCHIVE, "w") as z:
        z.writestr(LEAKED_NAME, original)
    (share_root / RECYCLE_DIR).mkdir(parents=True)
    (share_root / RECYCLED_I).write_bytes(make_i_file(RECYCLED_FROM, len(original), 131_234_567_890_000_000))
    (share_root / RECYCLED_R).write_bytes(original)
    os.chmod(share_root / UNREADABLE, 0)


def remove_all_copies(share_root: Path, keep_unreadable: bool) -> None:
    """What a thorough remediation does: every copy gone (optionally one unreadable copy left)."""
    for rel in [KEPT, MOVED_TO, MODIFIED, UNCHANGED_CSV, PRINTOUT, NEW_DERIVED, SAMBA_RECYCLE, ARCHIVE]:
        (share_root / rel).unlink(missing_ok=True)
    shutil.rmtree(share_root / "PC08", ignore_errors=True)
    if not keep_unreadable:
        (share_root / UNREADABLE).unlink(missing_ok=True)


def load(out: Path, name: str = "findings.json") -> dict[str, Any]:
    return json.loads((out / name).read_text(encoding="utf-8"))


TIME_FIELDS = {"mtime", "atime", "ctime", "btime", "started", "finished", "resumed"}


def strip_times(doc: Any) -> Any:
    """A findings document without its times (and without the command line, which names --out)."""
    doc = copy.deepcopy(doc)

    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items() if k not in TIME_FIELDS}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x

    return walk(doc)


def with_case_key(out: Path, key_from: Path | None = None) -> Path:
    """An output folder holding the same case key as ``key_from`` (keyed person fingerprints compare)."""
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = (key_from / "case.key").read_bytes() if key_from else b"11" * 32 + b"\n"
    (out / "case.key").write_bytes(key)
    os.chmod(out / "case.key", 0o600)
    return out


def rel_paths(entries: list[dict[str, Any]], cls: str, share_root: Path) -> list[str]:
    """Paths (relative to the share, archive members as 'zip » member') of one class in diff.json."""
    prefix = str(share_root) + "/"
    return sorted(e["path"].replace(prefix, "") for e in entries if e["class"] == cls)


def copy_out(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def strike_mid_walk(args: list[str], pause: Path, strike: Callable[[Callable[[], None]], None],
                    env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run ``python scan.py ARGS`` (a real process) that pauses its walk after the first folder with files
    (the pipeline's test hook, files ``PAUSE.paused`` / ``PAUSE.go``); then ``strike(go)``: the fault, and
    ``go()`` lets the walk go on when the fault wants it to (called again at the end in any case). The
    fault so lands mid-walk, the other folders still to walk, however slowly the machine starts the scan
    and its workers (a file recorded as done was no such proof: under load the walk could end first)."""
    import time

    from scanner.pipeline import TEST_HOOK_PAUSE_ENV

    go_file = pause.with_name(pause.name + ".go")

    def go() -> None:
        go_file.touch()

    proc = subprocess.Popen([sys.executable, str(ROOT / "scan.py"), *args], cwd=ROOT,
                            env={**os.environ, **(env or {}), TEST_HOOK_PAUSE_ENV: str(pause)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        paused, deadline = pause.with_name(pause.name + ".paused"), time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and not paused.exists():
            time.sleep(0.02)
        assert proc.poll() is None and paused.exists(), f"the walk did not pause: {proc.communicate()[1]}"
        strike(go)
        go()
        stdout, stderr = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(args, proc.returncode, stdout, stderr)


def remake_derived(folder: Path) -> None:
    """The careful forger, after editing findings.json: every file made from it (exports, CSV lists) made again,
    report.html written again by ``leakscan report`` (it then names the edited document's SHA-256) and the
    manifest made again. Only the evidence (``verify --sources``) or a value written down outside the folder
    (``--expect-sha256``) tells such a folder from the real one."""
    from conftest import run_cli

    from scanner.exports import MADE_FROM_FINDINGS
    from scanner.output import write_manifest

    doc = json.loads((folder / "findings.json").read_text("utf-8"))
    for name, make in MADE_FROM_FINDINGS.items():
        data = make(doc)
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    write_manifest(folder)
    run = run_cli("report", str(folder), "--quiet")
    assert run.returncode == 0, run.stderr
