"""User mistakes never give a traceback; hostile file names are harmless in both HTML reports and on the
terminal; a file whose content could not even be sniffed is recorded, not dropped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli, run_leakscan
from tests.pool_data import patch_everywhere
from tests.remediation_data import run_without_dac
from tests.review_data import LEAKED, build, xlsx_bytes

HOSTILE_DIR = "evil<img src=x onerror=alert(1)>\x1b[31mRED\u202eslx.exe\nfake line"


def _one_line_error(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert lines and lines[-1].startswith("leakscan"), done.stderr


def test_user_mistakes_are_one_line(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / LEAKED).write_bytes(b"x" * 600)
    afile = tmp_path / "afile"
    afile.write_text("x")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    notjson = tmp_path / "findings.json"
    notjson.write_text("{not json", encoding="utf-8")
    o = str(tmp_path / "o")
    cases = [
        ["scan", str(tmp_path / "missing"), "--name", LEAKED, "--out", o],
        ["scan", str(share), "--name", LEAKED, "--out", str(afile)],
        ["scan", str(share), "--name", LEAKED, "--out", str(afile / "sub")],
        ["scan", str(share), "--name", LEAKED, "--out", str(share / "out")],
        ["scan", str(share), "--name", LEAKED, "--out", o, "--baseline", str(notjson)],
        ["scan", str(share), "--name", LEAKED, "--out", o, "--known-hashes", str(tmp_path / "missing")],
        ["scan", "--resume", str(afile)],
        ["scan", str(fifo), "--name", LEAKED, "--out", o],  # a plain file is a source; a FIFO is not
        ["diff", str(notjson), str(notjson), "--out", o],
        ["diff", str(tmp_path / "missing"), str(share), "--out", o],
        ["verify", str(tmp_path / "missing")],
        ["merge", str(notjson), "--out", o],
        ["persons", str(notjson)],
        ["persons", str(share)],
        ["demo", "--out", str(afile)],
        ["scan", "--no-such-option"],
    ]
    for args in cases:
        _one_line_error(run_cli(*args))


def test_unwritable_out_without_root_powers(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    locked.chmod(0o500)
    _one_line_error(run_without_dac("scan", str(share), "--name", LEAKED, "--out", str(locked / "out")))


def test_ctrl_c_is_not_a_traceback(tmp_path: Path) -> None:
    case = build(tmp_path)
    for i in range(40):
        (case.share / "PC01" / f"名簿_{i}.csv").write_text("氏名,住所\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, str(ROOT / "scan.py"), "scan", str(case.share), "--name", LEAKED,
                             "--out", str(out), "--quiet"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "LEAKSCAN_TEST_HOOK_DELAY_PER_FILE": "0.5"},
                            # a test run started in the background (`cmd &`) ignores SIGINT, and children
                            # inherit that: the scan must get Ctrl-C as at a terminal
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not (out / "scan-state.sqlite").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("leakscan: interrupted")  # may add how to resume


def test_internal_error_is_one_line(tmp_path: Path) -> None:
    """A bug (here: a crash in the pipeline) is one line on stderr, and its message is not shown."""
    code = ("import sys\n"
            "import scanner.pipeline as p\n"
            "def boom(*a, **k):\n"
            "    raise RuntimeError('secret cell text')\n"
            "p.run_scan = boom\n"
            "from scanner.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    (tmp_path / "share").mkdir()
    done = subprocess.run([sys.executable, "-c", code, "scan", str(tmp_path / "share"), "--name", LEAKED,
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT, timeout=60)
    _one_line_error(done)
    assert "RuntimeError" in done.stderr and "secret cell text" not in done.stderr


def test_unsniffable_file_is_recorded(tmp_path: Path) -> None:
    """A file an inspector would sniff (no known extension) that cannot be opened is listed as skipped."""
    share = tmp_path / "share"
    share.mkdir()
    blob = share / "export.dat"
    blob.write_bytes(xlsx_bytes([["氏名", "住所"]]) + b"\0" * 600)
    blob.chmod(0)
    out = tmp_path / "out"
    done = run_without_dac("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [(Path(s["path"]).name, s["reason"]) for s in doc["skipped"]] == [("export.dat", "unreadable")]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A baseline and a rescan whose leaked copy sits in a folder with a hostile name (made once: the tests read
    them; the terminal test writes only its own folders beside the share)."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    case = build(tmp_path)
    evil = case.share / HOSTILE_DIR
    evil.mkdir()
    (evil / LEAKED).write_bytes((case.share / "PC01" / LEAKED).read_bytes())
    base, rescan = tmp_path / "base", tmp_path / "rescan"
    done = run_leakscan("scan", str(case.share), "--name", LEAKED, "--out", str(base))
    assert done.returncode == 1, done.stderr
    assert "\x1b" not in done.stderr
    (evil / LEAKED).write_bytes(b"changed")  # a changed copy: listed in remediation.html
    done = run_leakscan("scan", str(case.share), "--name", LEAKED, "--out", str(rescan), "--baseline", str(base))
    assert done.returncode == 1, done.stderr
    assert "\x1b" not in done.stderr
    return case.share, base, rescan


def test_hostile_names_harmless_in_reports(hostile: tuple[Path, Path, Path]) -> None:
    _, base, rescan = hostile
    for html_file in (base / "report.html", rescan / "remediation.html", rescan / "report.html"):
        html = html_file.read_text(encoding="utf-8")
        assert "evil" in html, html_file
        assert "<img" not in html and "\x1b" not in html and "\u202e" not in html, html_file
        assert "&lt;img src=x onerror=alert(1)&gt;" in html and "⟨U+202E⟩" in html and "⟨U+001B⟩" in html, html_file
        assert "\nfake line" not in html, html_file


def test_hostile_names_harmless_on_terminal(hostile: tuple[Path, Path, Path]) -> None:
    share, base, _ = hostile
    done = run_leakscan("verify", str(base), "--sources", str(share))
    assert done.returncode == 1
    assert "evil" in done.stdout and "⟨U+001B⟩" in done.stdout
    assert "\x1b" not in done.stdout + done.stderr and "\u202e" not in done.stdout + done.stderr
    # a debug log line naming the file (an inspector crash logged with -v)
    patch = ("import scanner.inspectors.spreadsheet as s\n"
             "def boom(*a):\n"
             "    raise ValueError('x')\n"
             "s.SpreadsheetInspector.inspect = boom\n")
    env = patch_everywhere(share.parent / "site", patch)  # in the workers too: they run the inspectors
    done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "-v", "scan", str(share / HOSTILE_DIR), "--name",
                           LEAKED, "--out", str(share.parent / "dbg")], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, env={**os.environ, **env})
    assert done.returncode == 1, done.stderr
    assert "evil" in done.stderr and "⟨U+001B⟩" in done.stderr
    assert "\x1b" not in done.stderr and "\u202e" not in done.stderr and "\nfake line" not in done.stderr
