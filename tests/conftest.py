"""Shared fixtures: the corpus folder beside the project, and CLI runners: in a subprocess (acceptance
tests: what a user runs) or in-process (``run_cli``: tests of options, errors and case folders, without
an interpreter start per call)."""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import logging
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
# The documentation, read as one text by the tests that check it against the code: the short README, the
# English reference its sections moved to (tools/split_readme.py) and the investigator's guide in Japanese.
DOCS = ("README.md", "docs/reference.md", "docs/guide.ja.md")


def documentation() -> str:
    """README.md, docs/reference.md and docs/guide.ja.md as one text (each file's sections whole)."""
    return "\n\n".join((ROOT / name).read_text(encoding="utf-8") for name in DOCS)


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis keeps its example database and constants cache in ./.hypothesis, inside the checkout:
    a temporary folder of the session instead (removed at its end)."""
    from hypothesis.configuration import set_hypothesis_home_dir

    # pytest-xdist's mark, declared also for a run without it (tests/conftest.py marks by module, see below)
    config.addinivalue_line("markers", "xdist_group(name): with --dist loadgroup, the tests of a group run on "
                            "one worker")
    config.stash[_HYPOTHESIS_HOME] = home = Path(tempfile.mkdtemp(prefix="leakscan-hypothesis-"))
    set_hypothesis_home_dir(home)
    # compiled report templates (reports.template_cache): one cache for the session's scans, not ~/.cache
    os.environ.setdefault("LEAKSCAN_CACHE_DIR", str(home / "leakscan-cache"))
    _bytecode_cache(home / "pycache")
    # generated workbooks byte-equal every day (seeded flips of them land on the same bytes)
    from pinned_time import pin_openpyxl

    pin_openpyxl()


def pytest_unconfigure(config: pytest.Config) -> None:
    home = config.stash.get(_HYPOTHESIS_HOME, None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


_HYPOTHESIS_HOME = pytest.StashKey[Path]()


def _bytecode_cache(folder: Path) -> None:
    """With PYTHONDONTWRITEBYTECODE set (kept out of the checkout), every interpreter a test starts (a scan, its
    zygote, a worker of its own) compiled leakscan's modules from source again: half of a one-file scan's CPU
    (2.0 s instead of 1.0 s, bench/bench_startup.py). Their byte code goes to ``folder`` instead
    (PYTHONPYCACHEPREFIX, the session's temporary folder): still nothing written into the checkout, each module
    compiled once a run. Set before pytest-xdist starts its workers, so they and all they start inherit it.
    Byte code is checked by the source's size and mtime in whole seconds: a test that runs a .py file, rewrites it
    at the same size and runs it again within that second gets the old code (seen 3 in 10 tries): write the
    changed module to a new path (as the tests that copy the package do) or change its size."""
    if not (sys.flags.dont_write_bytecode or os.environ.get("PYTHONDONTWRITEBYTECODE")):
        return
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(folder))
    sys.pycache_prefix = os.environ["PYTHONPYCACHEPREFIX"]
    sys.dont_write_bytecode = False


def _outside_temporary_folders() -> set[str]:
    """What a test must never create or change: entries at the root of the file system and of the home
    folder, and the checkout's files (``git status``: untracked, modified or ignored; Python's byte code
    and pytest's own cache excepted)."""
    seen = {f"/{n}" for n in os.listdir("/")}
    home = Path.home()
    if home.is_dir():
        seen |= {f"~/{n}" for n in os.listdir(home)}
    if (ROOT / ".git").exists():
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--ignored"], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        seen |= {f"checkout: {line}" for line in status.stdout.splitlines()
                 if "__pycache__/" not in line and ".pytest_cache/" not in line}
    return seen


_BEFORE = pytest.StashKey[set[str]]()


def _xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionstart(session: pytest.Session) -> None:
    """No test writes outside its temporary folder (e.g. ``--out /nonexistent`` creates it when run as
    root): checked once around the whole run, by the process that runs the session (under pytest-xdist
    the controller, around all workers: a worker's own before/after would see the other workers' writes
    come and go); the run fails on what appeared."""
    if not _xdist_worker(session.config):
        session.config.stash[_BEFORE] = _outside_temporary_folders()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_BEFORE, None)
    if before is None:
        return
    appeared = _outside_temporary_folders() - before
    if appeared:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = f"tests wrote outside their temporary folders: {sorted(appeared)}"
        if reporter is not None:
            reporter.write_line("\n" + message, red=True, bold=True)  # not after the progress line's dots
        else:
            sys.stderr.write(message + "\n")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the marks (it runs first otherwise)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """pytest-xdist, ``--dist loadgroup``: the tests of a module that share a module- (or class-) scoped
    fixture run on one worker, so its setup (a Samba server, a scanned share) is made once, not once per
    worker; other tests go to any worker. Without xdist the mark does nothing."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None or item.get_closest_marker("xdist_group"):
            continue
        if any(defs and defs[-1].scope in ("module", "class", "package") for defs in info.name2fixturedefs.values()):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """../shared/corpus; skipped only outside CI when it is missing (CI always has it)."""
    if not CORPUS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"corpus missing in CI: {CORPUS}")
        pytest.skip("../shared/corpus not present (allowed outside CI only)")
    return CORPUS


def run_leakscan(*args: str, timeout: float = 300, env: dict[str, str] | None = None,
                 input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python scan.py ARGS`` as a user would; return the completed process (text)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, str(ROOT / "scan.py"), *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env, input=input, cwd=ROOT)


def scan_findings(folder: Path, out: Path, *extra: str) -> dict[str, Any]:
    """Scan ``folder`` into ``out`` through the CLI (one worker, quiet) and return its findings.json; a traceback
    or an exit code other than 0/1 (clean/found) fails the test with the end of stderr."""
    done = run_leakscan("scan", str(folder), "--out", str(out), "--workers", "1", "--quiet", *extra, timeout=180)
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def hit_of(found: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """The findings.json hit of ``path`` (None if it is not a hit)."""
    return next((h for h in found["files"] if h["path"] == str(path)), None)


def skip_of(found: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """The findings.json listing of ``path`` among the files not examined (None if it is not listed)."""
    return next((s for s in found["skipped"] if s["path"] == str(path)), None)


def scan_cases(folder: Path, books: dict[str, dict[str, bytes]]) -> dict[str, Any]:
    """Several tests' files (case -> file name -> bytes) in one share ``folder/share`` scanned once through the CLI
    (no option, as test_wild13's ``_scan``): {"findings": its findings, "books": ``books``, "out": its folder}. A module whose tests
    each scanned a few files of their own pays one scan.py run instead of one a test. Every file name is one
    case's and no file is a copy of another case's (copies are grouped across a share), so a case's lines
    (``own_lines``) are those a scan of its files alone gives."""
    names = [n for files in books.values() for n in files]
    assert len(names) == len(set(names)), sorted(names)
    owner: dict[bytes, str] = {}
    assert all(owner.setdefault(data, case) == case for case, files in books.items() for data in files.values())
    share = folder / "share"
    share.mkdir(parents=True)
    for files in books.values():
        for name, data in files.items():
            (share / name).write_bytes(data)
    out = folder / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return {"findings": json.loads((out / "findings.json").read_text(encoding="utf-8")), "books": books, "out": out}


class ScanCases:
    """A module's cases for one ``scan_cases`` run: ``@cases.case`` registers a function (``_c1``...) returning its
    test's files (file name -> bytes), ``scanned = cases.fixture()`` is the module fixture that scans them all once
    ({"findings", "books"}); each test reads its own lines with ``own_lines(scanned, "c1")``."""

    def __init__(self, label: str) -> None:
        self.label = label  # the temporary folder's name
        self.makers: dict[str, Callable[[], dict[str, bytes]]] = {}

    def case(self, make: Callable[[], dict[str, bytes]]) -> Callable[[], dict[str, bytes]]:
        self.makers[make.__name__.lstrip("_")] = make
        return make

    def fixture(self) -> Any:
        @pytest.fixture(scope="module")
        def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
            return scan_cases(tmp_path_factory.mktemp(self.label), {name: make() for name, make in self.makers.items()})

        return scanned


def own_lines(scanned: dict[str, Any], case: str) -> dict[str, Any]:
    """The lines (files and skipped) of ``scan_cases``' findings that are ``case``'s files (a member's by its
    file's name)."""
    names = scanned["books"][case]
    return {key: [e for e in scanned["findings"][key] if Path(e["path"].split(" » ")[0]).name in names]
            for key in ("files", "skipped")}


class _CliTimeout(BaseException):
    """Raised in the test's thread when an in-process command passes its time limit (not an Exception, so
    leakscan's own handlers cannot swallow it)."""


@contextlib.contextmanager
def _environment(env: dict[str, str] | None, cwd: Path) -> Iterator[None]:
    """``env`` added to os.environ and ``cwd`` as the working folder, both restored afterwards."""
    saved = {k: os.environ.get(k) for k in env or {}}
    old_cwd = os.getcwd()
    os.environ.update(env or {})
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _own_logging() -> Iterator[None]:
    """The root logger as in a fresh interpreter (no handler) while leakscan sets up its stderr log, so its
    warnings land in the captured stderr as they would on a terminal; pytest's handlers come back after."""
    root = logging.getLogger()
    ours = logging.getLogger("leakscan")
    saved = (root.handlers[:], root.level, ours.level)
    root.handlers.clear()
    try:
        yield
    finally:
        for h in root.handlers:
            h.close()
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        ours.setLevel(saved[2])


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        raise _CliTimeout

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None, cwd: Path = ROOT,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``leakscan ARGS`` called in this process (``scanner.cli.main``): the exit code and what it printed,
    with the same arguments as :func:`run_leakscan` (``env`` is added to the environment, the working
    folder is the checkout unless ``cwd`` is given; past ``timeout`` seconds, subprocess.TimeoutExpired).

    For tests that check options, messages and case-folder handling; a test of what a user runs end to end
    (a real scan's outputs, signals, umask, a blocked import, a terminal) uses :func:`run_leakscan`."""
    from scanner.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(input or "")
    try:
        with _environment(env, cwd), _own_logging(), _time_limit(timeout), \
                contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as e:  # argparse: --help, usage errors
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    except _CliTimeout:
        raise subprocess.TimeoutExpired(["leakscan", *args], timeout, out.getvalue(), err.getvalue()) from None
    finally:
        sys.stdin = old_stdin
    return subprocess.CompletedProcess(["leakscan", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture
def leakscan():
    return run_leakscan


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """``leakscan demo --out DIR --quiet`` run once for the session, as a user runs it (a real process):
    (DIR, the finished process). DIR/share is the demo share, DIR/report its case folder. Read it only:
    a test that changes it works on a copy, or runs its own demo. Under pytest-xdist the first worker that
    needs it runs it for all (in the run's shared temporary folder, under a lock)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        out = tmp_path_factory.mktemp("demo") / "demo"
        done = run_leakscan("demo", "--out", str(out), "--quiet", timeout=300)
        assert done.returncode == 0, done.stderr
        return out, done
    shared = tmp_path_factory.getbasetemp().parent  # pytest-N: this run's, beside each worker's popen-gwN
    out, saved = shared / "demo-run" / "demo", shared / "demo-run.json"
    with open(shared / "demo-run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not saved.exists():
            out.parent.mkdir()
            done = run_leakscan("demo", "--out", str(out), "--quiet", timeout=300)
            assert done.returncode == 0, done.stderr
            saved.write_text(json.dumps([done.args, done.returncode, done.stdout, done.stderr]), encoding="utf-8")
    args, code, stdout, stderr = json.loads(saved.read_text(encoding="utf-8"))
    return out, subprocess.CompletedProcess(args, code, stdout, stderr)


@pytest.fixture(scope="session")
def demo_truth(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What the demo generator says it put in the share (the same seed builds the same share)."""
    from scanner.demo import build_share

    return build_share(tmp_path_factory.mktemp("demo-truth") / "share")


def report_text(path: Path) -> str:
    """A report's HTML with the line-break opportunities taken out: paths carry <wbr> after each separator
    and digests are 16-digit groups (reports/html.py), so a path or digest is searched for as one string."""
    import re

    html = path.read_text(encoding="utf-8")
    return re.sub(r'</span><wbr><span class="hg">', "", html).replace("<wbr>", "")


def run_on_a_terminal(*args: str) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal (where the progress bar is allowed); return (code, stderr)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a real terminal has a size
    try:
        proc = subprocess.Popen([sys.executable, "scan.py", *args], stdout=subprocess.DEVNULL, stderr=slave,
                                cwd=ROOT)
        os.close(slave)
        chunks = []
        while True:
            if not select.select([master], [], [], 120)[0]:  # a hang fails the test instead of blocking it
                proc.kill()
                raise AssertionError("scan produced no output for 120 s")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        code = proc.wait(timeout=120)
    finally:
        os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace")
