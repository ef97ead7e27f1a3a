"""Evidence stays untouched and earlier evidence is never lost: where --out may be, what its manifest
covers, what verify follows, reruns (--overwrite), failed reruns, planted links and concurrent runs."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from scanner.output import OUTPUTS, check_manifest, write_manifest, write_private
from scanner.state import STATE_FILE, TEST_HOOK_DELAY_ENV

LEAKED = "介護予防_利用者名簿.xlsx"


def _share(root: Path, n: int = 3) -> Path:
    share = root / "share"
    for i in range(n):
        (share / f"PC{i:02d}").mkdir(parents=True)
        (share / f"PC{i:02d}" / LEAKED).write_bytes(b"named like the leaked file " * (i + 5))
    return share


def _scan(share: Path, out: Path, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return run_cli("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet", "--case-id", "C-9",
                        *extra, timeout=timeout)


def _snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """name -> (mode, mtime_ns, bytes) of every file, to prove nothing was touched."""
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        out[str(p.relative_to(folder))] = (st.st_mode, st.st_mtime_ns, p.read_bytes() if p.is_file() else b"")
    return out


def _refused(done: subprocess.CompletedProcess[str], said: str) -> None:
    assert done.returncode == 2, done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_the_list_of_outputs_is_every_module_s_output() -> None:
    """The manifest and the folder rules know leakscan's outputs by one list: it must name each one."""
    from reports.lists import CSV_FILES
    from scanner.exports import EXPORTS
    from scanner.merge import CASE_KEY as MERGE_KEY
    from scanner.persons.keys import CASE_KEY
    from scanner.publish import REPORT, REPORT_PDF
    from scanner.remediation import DIFF_JSON, REMEDIATION, REMEDIATION_PDF
    from scanner.store import FINDINGS

    assert OUTPUTS == {FINDINGS, REPORT, REPORT_PDF, CASE_KEY, MERGE_KEY, STATE_FILE, DIFF_JSON, REMEDIATION,
                       REMEDIATION_PDF, *EXPORTS, *CSV_FILES}


# -- where --out may be ---------------------------------------------------------------------------------

def test_out_containing_a_source_is_refused_and_nothing_is_read(tmp_path: Path) -> None:
    share = _share(tmp_path)
    before = _snapshot(share)
    atimes = {p: p.stat().st_atime_ns for p in share.rglob("*") if p.is_file()}
    _refused(_scan(share, tmp_path), "contains the source")  # the parent of the source
    _refused(_scan(share, share), "inside the source")  # the source itself
    _refused(_scan(share, share / "PC00" / "out"), "inside the source")
    image = tmp_path / "disk.img"
    image.write_bytes(b"\0" * 4096)
    done = run_cli("scan", str(image), "--name", LEAKED, "--out", str(tmp_path), "--quiet", timeout=60)
    _refused(done, "contains the source")  # a single file (or image) SOURCE too
    assert _snapshot(share) == before
    assert {p: p.stat().st_atime_ns for p in atimes} == atimes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disk.img", "share"]  # no lock, no output


def test_foreign_folder_refused_untouched_and_never_chmod(tmp_path: Path) -> None:
    share = _share(tmp_path)
    out = tmp_path / "papers"
    out.mkdir(mode=0o755)
    os.chmod(out, 0o755)
    (out / "報告書_下書き.docx").write_bytes(b"someone else's file")
    before = _snapshot(out)
    _refused(_scan(share, out), "leakscan did not write")
    _refused(_scan(share, out, "--overwrite"), "leakscan did not write")
    assert _snapshot(out) == before
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    empty = tmp_path / "empty"
    empty.mkdir()
    os.chmod(empty, 0o750)
    assert _scan(share, empty).returncode == 1
    assert stat.S_IMODE(empty.stat().st_mode) == 0o750  # an existing folder is used as it is
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in empty.iterdir())


def test_planted_links_never_redirect_a_write(tmp_path: Path) -> None:
    """A link planted where leakscan writes (the temporary name, the output name) is never followed."""
    victim = tmp_path / "victim.txt"
    victim.write_text("evidence")
    out = tmp_path / "out"
    out.mkdir()
    for name in (".findings.json.tmp", ".findings.json.tmp.tmp", "findings.json"):
        (out / name).symlink_to(victim)
    write_private(out / "findings.json", "{}\n")
    assert victim.read_text() == "evidence"
    assert not (out / "findings.json").is_symlink() and (out / "findings.json").read_text() == "{}\n"
    # the CLI refuses a folder with a planted link at all (it is not leakscan's)
    planted = tmp_path / "planted"
    planted.mkdir()
    (planted / ".findings.json.tmp").symlink_to(victim)
    _refused(_scan(_share(tmp_path / "s"), planted), "leakscan did not write")
    assert victim.read_text() == "evidence"


# -- the manifest and verify ----------------------------------------------------------------------------

def test_manifest_lists_leakscan_outputs_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _scan(_share(tmp_path), out).returncode == 1
    names = [line.split("  ", 1)[1] for line in (out / "manifest.sha256").read_text().splitlines()]
    assert set(names) == {"findings.json", "report.html", "case.key", STATE_FILE, "findings.dfxml", "findings.case.jsonld",
                          "copies.hashdeep", "keyword-leads.csv", "skipped.csv"} and set(names) <= OUTPUTS
    assert subprocess.run(["sha256sum", "-c", "--quiet", "manifest.sha256"], cwd=out).returncode == 0
    # something added later is named by verify, never read (a FIFO would hang a reader), never vouched for
    os.mkfifo(out / "added.fifo")
    (out / "note.txt").write_text("added later")
    write_manifest(out)
    assert "added.fifo" not in (out / "manifest.sha256").read_text()
    done = run_cli("verify", str(out), timeout=30)
    assert done.returncode == 1
    assert "added.fifo" in done.stdout and "note.txt" in done.stdout


def test_verify_follows_no_line_out_of_the_folder(tmp_path: Path) -> None:
    """Manifest lines naming a file outside (``..``, an absolute path, a link) are problems, never read:
    their digests are right, so following them would have said 'match'."""
    import hashlib

    out = tmp_path / "out"
    assert _scan(_share(tmp_path), out).returncode == 1
    outside = tmp_path / "outside.txt"
    outside.write_text("not an output")
    digest = hashlib.sha256(outside.read_bytes()).hexdigest()
    (out / "sub").mkdir()
    (out / "link.txt").symlink_to(outside)
    (out / "sub" / "dirlink").symlink_to(tmp_path)
    with open(out / "manifest.sha256", "a", encoding="utf-8") as f:
        for rel in ("../outside.txt", str(outside), "link.txt", "sub/dirlink/outside.txt", "./link.txt"):
            f.write(f"{digest}  {rel}\n")
        f.write("not a manifest line\n")
    problems = dict(check_manifest(out))
    assert problems["../outside.txt"].startswith("outside") and problems[str(outside)].startswith("outside")
    assert problems["./link.txt"].startswith("outside")
    assert problems["link.txt"].startswith("a symbolic link")
    assert problems["sub/dirlink/outside.txt"].startswith("a symbolic link")
    assert any(k.startswith("manifest.sha256 line") for k in problems)
    assert not any(p == "" for p in problems.values())
    done = run_cli("verify", str(out), "--json", timeout=30)
    assert done.returncode == 1
    assert {p["file"] for p in json.loads(done.stdout)["outputs"]} >= {"../outside.txt", "link.txt"}


# -- reruns -----------------------------------------------------------------------------------------------

def test_rerun_needs_overwrite_and_the_same_case(tmp_path: Path) -> None:
    share, out = _share(tmp_path), tmp_path / "out"
    assert _scan(share, out).returncode == 1
    first = _snapshot(out)
    _refused(_scan(share, out), "--overwrite")
    other = run_cli("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet", "--case-id", "OTHER",
                         "--overwrite")
    _refused(other, "another case")
    assert _snapshot(out) == first
    assert _scan(share, out, "--overwrite").returncode == 1
    assert run_cli("verify", str(out)).returncode == 0
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp") or "next" in p.name]
    assert (out / "case.key").read_bytes() == first["case.key"][2]  # the same key: fingerprints compare


def test_unfinished_folder_points_to_resume(tmp_path: Path) -> None:
    share, out = _share(tmp_path), tmp_path / "out"
    assert _scan(share, out).returncode == 1
    (out / "findings.json").unlink()
    (out / "manifest.sha256").unlink()
    _refused(_scan(share, out, "--overwrite"), "--resume")


def _slow_scan(share: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(ROOT / "scan.py"), "scan", str(share), "--name", LEAKED, "--out",
                             str(out), "--quiet", "--case-id", "C-9", *extra], cwd=ROOT,
                            env={**os.environ, TEST_HOOK_DELAY_ENV: "0.5"}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def _wait_for(path: Path, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not path.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    assert proc.poll() is None, "the scan ended too early"


def test_failed_rerun_deletes_nothing_and_resumes(tmp_path: Path) -> None:
    """A rerun killed part-way leaves the earlier findings, diff and manifest as they were (verify passes);
    its resume then completes the rerun and replaces them."""
    share, base, out = _share(tmp_path, n=6), tmp_path / "base", tmp_path / "out"
    assert _scan(share, base).returncode == 1
    assert _scan(share, out, "--baseline", str(base)).returncode == 1  # out holds findings + diff
    earlier = _snapshot(out)
    proc = _slow_scan(share, out, "--overwrite")
    _wait_for(out / "scan-state.next.sqlite", proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    for name in ("findings.json", "report.html", "diff.json", "remediation.html", "manifest.sha256", STATE_FILE):
        assert earlier[name] == _snapshot(out)[name], name
    done = run_cli("verify", str(out))
    assert done.returncode == 0, done.stdout  # the earlier outputs still verify; the rerun's state is working
    resumed = run_cli("scan", "--resume", str(out))
    assert resumed.returncode == 1, resumed.stderr
    after = _snapshot(out)
    assert after["findings.json"] != earlier["findings.json"] and "diff.json" not in after  # no stale diff
    assert "scan-state.next.sqlite" not in after
    assert run_cli("verify", str(out)).returncode == 0


def test_rerun_whose_sources_all_fail_replaces_nothing(tmp_path: Path) -> None:
    share, out = _share(tmp_path), tmp_path / "out"
    assert _scan(share, out).returncode == 1
    earlier = _snapshot(out)
    done = run_cli("scan", "smb://u@127.0.0.1:1/share", "--name", LEAKED, "--out", str(out), "--quiet",
                        "--case-id", "C-9", "--overwrite", env={"LEAKSCAN_SMB_PASSWORD": "x"}, timeout=120)
    assert done.returncode == 2 and "left as they were" in done.stderr, done.stderr
    later = _snapshot(out)
    later.pop(".leakscan.lock", None)
    earlier.pop(".leakscan.lock", None)
    assert later == earlier


def test_second_run_into_a_busy_folder_is_refused(tmp_path: Path) -> None:
    share, out = _share(tmp_path, n=8), tmp_path / "out"
    first = _slow_scan(share, out)
    _wait_for(out / STATE_FILE, first)
    _refused(_scan(share, out, "--overwrite"), "in use by another leakscan run")
    _refused(run_cli("scan", "--resume", str(out)), "in use by another leakscan run")
    assert first.wait(timeout=120) == 1, first.stderr.read() if first.stderr else ""
    assert run_cli("verify", str(out)).returncode == 0


@pytest.mark.parametrize("command", ["diff", "merge"])
def test_diff_and_merge_follow_the_same_rules(command: str, tmp_path: Path) -> None:
    share, a, b = _share(tmp_path), tmp_path / "a", tmp_path / "b"
    assert _scan(share, a).returncode == 1 and _scan(share, b).returncode == 1
    args = [command, str(a), str(b)]
    _refused(run_cli(*args, "--out", str(a / "sub")), "inside the scan folder")
    _refused(run_cli(*args, "--out", str(tmp_path)), "contains the scan folder")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "x.txt").write_text("x")
    _refused(run_cli(*args, "--out", str(foreign)), "leakscan did not write")
    out = tmp_path / "res"
    assert run_cli(*args, "--out", str(out), "--quiet").returncode in (0, 1)
    _refused(run_cli(*args, "--out", str(out), "--quiet"), "--overwrite")
    assert run_cli(*args, "--out", str(out), "--quiet", "--overwrite").returncode in (0, 1)
    assert run_cli("verify", str(out)).returncode == 0


def test_demo_runs_twice(tmp_path: Path) -> None:
    """The demo replaces its own earlier report (same case id), and refuses a report folder that is not one."""
    first = run_cli("demo", "--out", str(tmp_path / "d"), "--quiet", timeout=300)
    assert first.returncode == 0, first.stderr
    again = run_cli("demo", "--out", str(tmp_path / "d"), "--quiet", timeout=300)
    assert again.returncode == 0, again.stderr
    assert run_cli("verify", str(tmp_path / "d" / "report")).returncode == 0
    (tmp_path / "e" / "report").mkdir(parents=True)
    (tmp_path / "e" / "report" / "mine.txt").write_text("x")
    _refused(run_cli("demo", "--out", str(tmp_path / "e"), "--quiet", timeout=300), "leakscan did not write")
