"""Session 7 QA: an examiner who makes mistakes, on every command (see also test_cli_mistakes.py).

Each case here failed before its fix: a folder given to diff or merge that does not exist was reported as
"--out is inside the scan folder /" (an option nobody got wrong); a scan stopped by SIGTERM (a closed
terminal, a service manager, ``timeout``) ended without a word, so the examiner did not know the case could be
resumed; Ctrl-C said so in English only.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, run_leakscan
from remediation_data import share

from scanner.demo import LEAKED_NAME

DELAY = "LEAKSCAN_TEST_HOOK_DELAY_PER_FILE"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("mistakes")
    src = share(root)
    out = root / "out"
    run = run_cli("scan", str(src), "--name", LEAKED_NAME, "--quiet", "--out", str(out))
    assert run.returncode == 1, run.stderr
    return src, out


def _one_line(run: subprocess.CompletedProcess[str], said: str) -> None:
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr and said in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr


@pytest.mark.parametrize("which", ["baseline", "rescan"])
def test_diff_of_a_folder_that_does_not_exist_names_it(which: str, scanned: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    _src, out = scanned
    missing = tmp_path / "case-2026-001-typo"
    pair = [str(missing), str(out)] if which == "baseline" else [str(out), str(missing)]
    run = run_cli("diff", *pair, "--out", str(tmp_path / "d"))
    _one_line(run, f"{missing}: no such output folder or findings.json")
    assert not (tmp_path / "d").exists()


def test_merge_of_a_folder_that_does_not_exist_names_it(scanned: tuple[Path, Path], tmp_path: Path) -> None:
    _src, out = scanned
    missing = tmp_path / "pc02"
    run = run_cli("merge", str(out), str(missing), "--out", str(tmp_path / "m"))
    _one_line(run, f"{missing}: no such output folder or findings.json")
    assert not (tmp_path / "m").exists()


def test_rescan_with_a_baseline_that_does_not_exist_names_it(scanned: tuple[Path, Path], tmp_path: Path) -> None:
    src, _out = scanned
    missing = tmp_path / "case-old"
    run = run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(tmp_path / "re"), "--baseline", str(missing))
    _one_line(run, f"--baseline {missing}: no such output folder or findings.json")
    assert not (tmp_path / "re").exists()


def _stopped_mid_scan(src: Path, out: Path, signum: int, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Start a slowed scan, wait until its state holds some files, then send ``signum``."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "scan.py"), "scan", str(src), "--name", LEAKED_NAME,
                             "--quiet", "--out", str(out)], cwd=ROOT, text=True,
                            env={**os.environ, DELAY: "0.2", **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and not (out / "scan-state.sqlite").exists():
        time.sleep(0.05)
    time.sleep(1.0)
    assert proc.poll() is None, "the scan ended before it could be stopped"
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.mark.parametrize(("signum", "code", "lang", "said"), [
    (signal.SIGTERM, 143, "C.UTF-8", "stopped (SIGTERM); continue with: leakscan scan --resume"),
    (signal.SIGINT, 130, "ja_JP.UTF-8", "中断しました。続きは次のコマンドで: leakscan scan --resume"),
], ids=["sigterm", "ctrl-c-ja"])
def test_a_stopped_scan_says_how_to_resume_and_resumes(signum: int, code: int, lang: str, said: str,
                                                       scanned: tuple[Path, Path], tmp_path: Path) -> None:
    src, whole = scanned
    out = tmp_path / "out"
    run = _stopped_mid_scan(src, out, signum, {"LANG": lang, "LC_ALL": lang})
    assert run.returncode == code, run.stderr
    assert said in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert not (out / "findings.json").exists()
    assert {p.name for p in out.iterdir()} <= {"scan-state.sqlite", ".leakscan.lock", "case.key",
                                                "scan-state.sqlite-journal"}
    resumed = run_leakscan("scan", "--resume", str(out), "--quiet")
    assert resumed.returncode == 1, resumed.stderr
    assert run_leakscan("verify", str(out)).returncode == 0
    assert {f["path"] for f in _load(out)["files"]} == {f["path"] for f in _load(whole)["files"]}


def _load(out: Path) -> dict:
    import json

    return json.loads((out / "findings.json").read_text("utf-8"))


@pytest.mark.parametrize("argv", [["--lang", "en", "scan", "SRC", "--name", "a.xlsx", "--out", "OUT"],
                                  ["--out", "OUT", "scan", "SRC", "--name", "a.xlsx"],
                                  ["--quiet", "merge", "A", "--out", "OUT"]], ids=["lang", "out", "quiet"])
def test_an_option_before_the_command_is_said_to_go_after_it(argv: list[str], tmp_path: Path) -> None:
    """Was: "argument COMMAND: invalid choice: 'en'" (the option's value taken for the command)."""
    argv = [a.replace("OUT", str(tmp_path / "out")).replace("SRC", str(tmp_path)) for a in argv]
    run = run_cli(*argv)
    _one_line(run, f"{argv[0]} goes after the command")
    assert "invalid choice" not in run.stderr and not (tmp_path / "out").exists()
    ja = run_cli(*argv, env={"LANG": "ja_JP.UTF-8"})
    assert ja.returncode == 2 and "コマンドの後" in ja.stderr


@pytest.mark.parametrize("command", ["diff", "merge"])
def test_an_output_cut_short_by_a_full_disk_can_be_replaced(command: str, scanned: tuple[Path, Path],
                                                            tmp_path: Path) -> None:
    """A diff or merge that hit a full disk leaves its first file and no manifest (what a 64 KiB tmpfs leaves:
    diff.json, or findings.json). Was: refused even with --overwrite ("holds an unfinished leakscan output (or
    choose a new folder)"), with no way forward but deleting by hand. Nothing there can be resumed (no scan
    state) and no manifest vouches for it: --overwrite replaces it."""
    _src, out = scanned
    args = [command, str(out), str(out)] if command == "diff" else [command, str(out)]
    first = run_cli(*args, "--out", str(tmp_path / "cut"), "--quiet")
    assert first.returncode in (0, 1), first.stderr
    cut = tmp_path / "cut"
    kept = "diff.json" if command == "diff" else "findings.json"
    for p in cut.iterdir():
        if p.name not in (kept, ".leakscan.lock"):
            p.unlink()
    run = run_cli(*args, "--out", str(cut))
    _one_line(run, "add --overwrite to replace it")
    assert "stopped before it was complete" in run.stderr
    run = run_cli(*args, "--out", str(cut), "--overwrite", "--quiet")
    assert run.returncode in (0, 1), run.stderr
    assert run_cli("verify", str(cut)).returncode == 0


@pytest.fixture()
def read_only_copy(scanned: tuple[Path, Path], tmp_path: Path):
    """The case folder on read-only media (a burned disc, a write-blocked stick): a tmpfs remounted ro."""
    media = tmp_path / "media"
    media.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(media)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root")
    try:
        shutil.copytree(scanned[1], media / "case")
        subprocess.run(["mount", "-o", "remount,ro", str(media)], check=True)
        yield media / "case"
    finally:
        subprocess.run(["umount", "-l", str(media)], check=False)


def test_report_and_resume_on_read_only_media_say_so(read_only_copy: Path) -> None:
    """Was: "--out CASE: cannot create its lock file" (report has no --out)."""
    for args, named in ((["report", str(read_only_copy), "--lang", "en"], f"{read_only_copy}: cannot write into it"),
                        (["scan", "--resume", str(read_only_copy)], f"--resume {read_only_copy}: cannot write")):
        run = run_cli(*args)
        _one_line(run, named)
        assert "--out" not in run.stderr and "copy the folder to a writable place" in run.stderr
    verify = run_cli("verify", str(read_only_copy))  # reading needs no write
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_verify_sources_that_name_none_of_the_scans_sources_is_refused(scanned: tuple[Path, Path],
                                                                       tmp_path: Path) -> None:
    """A typo after --sources made every hit "not-named" and ended as "differences found" (exit 1), as if the
    evidence had changed. Now: one line naming what the scan recorded, exit 2; a source named in addition to
    the right one is a warning."""
    src, out = scanned
    typo = tmp_path / "shar"
    run = run_cli("verify", str(out), "--sources", str(typo))
    _one_line(run, f"--sources {typo}: none of the sources this scan recorded")
    assert str(src) in run.stderr
    both = run_cli("verify", str(out), "--sources", str(src), str(typo))
    assert both.returncode == 0, both.stdout + both.stderr
    assert f"warning: --sources {typo}: not a source this scan recorded" in both.stderr


def test_persons_export_into_a_missing_folder_stops_before_reading(scanned: tuple[Path, Path],
                                                                   tmp_path: Path) -> None:
    """Was: every copy read again, a warning that they gave 0 persons, then "cannot write it"."""
    src, out = scanned
    target = tmp_path / "no-such-folder" / "list.xlsx"
    run = run_cli("persons", str(out), "--export", str(target), "--sources", str(src))
    _one_line(run, f"--export {target}: no folder {target.parent} to write it in")
