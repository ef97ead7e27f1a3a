"""Every file leakscan writes is 0600 and every folder it creates 0700, whatever the umask (000 here)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.review_data import LEAKED, build


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scan.py"), *args], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, preexec_fn=lambda: os.umask(0))


def _modes(folder: Path) -> dict[str, str]:
    out = {".": oct(stat.S_IMODE(folder.stat().st_mode))}
    for p in folder.rglob("*"):
        out[str(p.relative_to(folder))] = oct(stat.S_IMODE(p.lstat().st_mode))
    return out


def test_every_output_private_under_umask_000(tmp_path: Path) -> None:
    case = build(tmp_path)
    base, rescan = tmp_path / "base", tmp_path / "rescan"
    for args in (["scan", str(case.share), "--name", LEAKED, "--out", str(base), "--quiet"],
                 ["scan", str(case.share), "--name", LEAKED, "--out", str(rescan), "--quiet", "--baseline", str(base)],
                 ["diff", str(base), str(rescan), "--out", str(tmp_path / "diff"), "--quiet"],
                 ["merge", str(base), str(rescan), "--out", str(tmp_path / "merged"), "--quiet"],
                 ["persons", str(base), "--export", str(tmp_path / "export" / "persons.xlsx"), "--sources",
                  str(case.share)]):
        if args[0] == "persons":
            (tmp_path / "export").mkdir()
        done = _run(*args)
        assert done.returncode in (0, 1), (args, done.stderr)
    assert (base / "case.key").is_file() and (base / "scan-state.sqlite").is_file()
    assert (rescan / "diff.json").is_file() and (tmp_path / "merged" / "report.html").is_file()
    for folder in ("base", "rescan", "diff", "merged"):
        modes = _modes(tmp_path / folder)
        assert modes.pop(".") == "0o700", folder
        assert modes and set(modes.values()) == {"0o600"}, (folder, modes)
    assert _modes(tmp_path / "export")["persons.xlsx"] == "0o600"


def test_sqlite_journal_private_under_umask_000(tmp_path: Path) -> None:
    """The rollback journal SQLite creates beside scan-state.sqlite during a write is 0600 too."""
    code = """
import os, sys
from pathlib import Path
os.umask(0)
from scanner.config import ScanConfig
from scanner.output import prepare_out
from scanner.state import STATE_FILE, ScanState
out = prepare_out(Path(sys.argv[1]))
state = ScanState.create(out, ScanConfig(sources=["x"], out=out, names=["a.xlsx"]), "2026-01-01T00:00:00Z")
state._db.execute("BEGIN")
state._db.execute("INSERT INTO done (key, outcome) VALUES ('k', '{}')")
print(" ".join(f"{p}:{oct(os.stat(out / p).st_mode & 0o777)}" for p in sorted(os.listdir(out))))
"""
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out")], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    listed = dict(item.split(":") for item in done.stdout.split())
    assert f"{'scan-state.sqlite'}-journal" in listed or "scan-state.sqlite-wal" in listed, listed
    assert set(listed.values()) == {"0o600"}, listed


def test_missing_parents_of_out_are_private(tmp_path: Path) -> None:
    """``--out a/b/out`` under umask 000: a and b are made 0700 too, never world-writable."""
    share = tmp_path / "share"
    share.mkdir()
    (share / LEAKED).write_bytes(b"not really a workbook, but named like one" * 20)
    done = _run("scan", str(share), "--name", LEAKED, "--out", str(tmp_path / "a" / "b" / "out"), "--quiet")
    assert done.returncode == 1, done.stderr
    for p in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "out"):
        assert oct(stat.S_IMODE(p.stat().st_mode)) == "0o700", p
    afile = tmp_path / "afile"
    afile.write_text("x")
    afile.chmod(0o644)
    done = _run("scan", str(share), "--name", LEAKED, "--out", str(afile), "--quiet")
    assert done.returncode == 2 and "not a folder" in done.stderr
    assert oct(stat.S_IMODE(afile.stat().st_mode)) == "0o644"  # a wrong --out is never chmod'ed
