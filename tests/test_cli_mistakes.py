"""An investigator's mistakes at the terminal: each is refused in one line (exit 2, no traceback, nothing
written) or handled as the reference says, never turned into wrong figures."""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, run_leakscan

LEAKED = "介護予防_利用者名簿.xlsx"


def _share(root: Path) -> Path:
    share = root / "share"
    (share / "PC01").mkdir(parents=True)
    (share / "PC01" / LEAKED).write_bytes(b"named like the leaked file")
    return share


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(share, scan): a share holding a one-person list.csv, scanned once with --name list.csv, for the tests that
    only read them (they merge and export into their own folders; a test that changes the share makes its own)."""
    root = tmp_path_factory.mktemp("listed")
    share = _share(root)
    (share / "PC01" / "list.csv").write_text("氏名,住所\n山田太郎,東京都小金井市本町1-2-3\n", "utf-8")
    scan = root / "pc01"
    assert run_cli("scan", str(share), "--name", "list.csv", "--out", str(scan), "--quiet").returncode == 1
    return share, scan


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


@pytest.mark.parametrize("second", ["same", "copy", "findings.json"])
def test_merge_of_one_scan_twice_counts_it_once(second: str, listed: tuple[Path, Path], tmp_path: Path) -> None:
    """Merged with itself (or with a copy of its folder), a scan's records, sources and skips were summed
    twice into the case: the repeat is dropped with a warning."""
    _, scan = listed
    copy = tmp_path / "pc01-copy"
    shutil.copytree(scan, copy)
    other = {"same": str(scan), "copy": str(copy), "findings.json": str(copy / "findings.json")}[second]
    once, twice = tmp_path / "once", tmp_path / "twice"
    assert run_cli("merge", str(scan), "--out", str(once), "--quiet").returncode == 1
    done = run_cli("merge", str(scan), other, "--out", str(twice), "--quiet")
    assert done.returncode == 1 and "is the same scan as" in done.stderr and "Traceback" not in done.stderr
    a, b = (json.loads((o / "findings.json").read_text("utf-8")) for o in (once, twice))
    assert a["persons"]["records"] == b["persons"]["records"] == 1
    for key in ("sources", "files_seen"):
        assert a["scan"][key] == b["scan"][key]
    assert len(b["merge"]["inputs"]) == 1


def test_the_notification_list_is_never_written_into_a_scanned_folder(listed: tuple[Path, Path]) -> None:
    share, scan = listed
    before = sorted(p.name for p in share.rglob("*"))
    for target in (share / "PC01" / "notify.xlsx", share / "notify.xlsx"):
        done = run_cli("persons", str(scan), "--export", str(target))
        _refused(done, "evidence must stay untouched")
    assert sorted(p.name for p in share.rglob("*")) == before


@pytest.mark.parametrize("damage", ["truncated", "flipped", "zeroed-pages"])
def test_resume_of_a_damaged_scan_state_is_refused_in_one_line(damage: str, tmp_path: Path) -> None:
    """A state damaged by a power cut or a bad copy is refused with a clear error, never an internal one."""
    share = _share(tmp_path)
    out = tmp_path / "out"
    assert run_cli("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet").returncode == 1
    (out / "findings.json").unlink()  # as if the scan had stopped before publishing
    state = out / "scan-state.sqlite"
    raw = bytearray(state.read_bytes())
    if damage == "truncated":
        raw = raw[:2000]
    elif damage == "flipped":
        rng = random.Random(1)
        for _ in range(200):
            raw[rng.randrange(100, len(raw))] ^= 0xFF
    else:
        raw[4096:] = bytes(len(raw) - 4096)
    state.write_bytes(bytes(raw))
    done = run_cli("scan", "--resume", str(out))
    _refused(done, "scan-state.sqlite is not a readable scan state")


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 64 KiB tmpfs (root only: skipped elsewhere), unmounted afterwards."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_full_disk_names_the_output_folder_and_the_scan_resumes(small_disk: Path, tmp_path: Path) -> None:
    share = _share(tmp_path)
    for i in range(40):  # enough findings that findings.json and the report do not fit in 64 KiB
        (share / "PC01" / f"{i:02d}_{LEAKED}").write_bytes(b"copy %d" % i)
    out = small_disk / "case"
    done = run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet", timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert ("No space left on device" in line or "disk is full" in line) and f"output folder {out}" in line, line
    assert f"leakscan scan --resume {out}" in line
    subprocess.run(["mount", "-o", "remount,size=16m", str(small_disk)], check=True)
    done = run_leakscan("scan", "--resume", str(out), "--quiet", timeout=120)
    assert done.returncode == 1, done.stderr
    assert run_leakscan("verify", str(out)).returncode == 0


@pytest.mark.parametrize("given", ["missing", "file", "fifo"])
def test_report_of_something_that_is_not_a_folder_says_so(given: str, tmp_path: Path) -> None:
    """It used to blame the lock file ('--out X: cannot create its lock file'), an option nobody gave."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "file").write_text("x")
    done = run_cli("report", str(tmp_path / given), timeout=30)
    _refused(done, f"{tmp_path / given}: not an output folder")


def _undecodable(path: Path, raw: bytes) -> str:
    """``path``/``raw`` as Python sees a command-line argument holding bytes that are not UTF-8."""
    return os.fsdecode(os.fsencode(path) + b"/" + raw)


@pytest.mark.parametrize("where", ["SOURCE", "--out"])
def test_a_path_argument_that_is_not_utf8_is_refused_in_one_line(where: str, tmp_path: Path) -> None:
    """It was an internal error (UnicodeEncodeError) once the path reached the scan state or findings.json."""
    share = _share(tmp_path)
    odd = _undecodable(tmp_path, b"\x8c\xda\x8b\x71")  # cp932 bytes, as copied from an old Windows share
    os.makedirs(odd)
    source, out = (odd, str(tmp_path / "out")) if where == "SOURCE" else (str(share), _undecodable(tmp_path, b"o\xff"))
    done = run_leakscan("scan", source, "--name", LEAKED, "--out", out, "--quiet", timeout=60)
    _refused(done, "this path is not valid UTF-8")
    assert not os.path.lexists(out)


def test_a_name_typed_in_cp932_bytes_finds_the_cp932_named_file(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    name = "利用者名簿.xlsx".encode("cp932")
    with open(os.fsencode(share) + b"/" + name, "wb") as f:
        f.write(b"a copy")
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--name", os.fsdecode(name), "--out", str(out), "--quiet", timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    assert [f["reasons"][0] for f in doc["files"]] == ["name"]
    assert "利用者名簿.xlsx" in doc["scan"]["command_line"]


@pytest.mark.parametrize("kind", ["fifo", "socket", "link-loop", "broken-link", "device"])
def test_a_source_that_is_no_folder_image_or_url_says_what_it_is(kind: str, tmp_path: Path) -> None:
    source = tmp_path / kind
    if kind == "fifo":
        os.mkfifo(source)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(source))
        sock.close()
    elif kind == "link-loop":
        source.symlink_to(tmp_path / "other")
        (tmp_path / "other").symlink_to(source)
    elif kind == "broken-link":
        source.symlink_to(tmp_path / "gone")
    else:
        source = Path("/dev/null")
    out = tmp_path / "out"
    done = run_cli("scan", str(source), "--name", LEAKED, "--out", str(out), "--quiet", timeout=30)
    _refused(done, "leads nowhere" if kind.endswith(("loop", "link")) else "not a directory, disk image or smb:// URL")
    assert not out.exists()


def test_a_findings_json_too_large_for_the_memory_is_one_line(tmp_path: Path) -> None:
    """A crafted 3 GiB (sparse) findings.json read under a 2 GiB memory cap: out of memory, said in one line."""
    share = _share(tmp_path)
    out = tmp_path / "out"
    assert run_cli("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet").returncode == 1
    os.truncate(out / "findings.json", 3 << 30)
    done = subprocess.run(["prlimit", f"--as={2 << 30}", sys.executable, str(ROOT / "scan.py"), "persons", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    _refused(done, "out of memory")


def test_the_notification_list_never_replaces_a_file_without_overwrite(listed: tuple[Path, Path],
                                                                        tmp_path: Path) -> None:
    """An existing file at the export path (another case's list, a document) is refused in one line, before
    anything is read again; --overwrite replaces it whole (0600, no temporary file left)."""
    share, scan = listed
    exports = tmp_path / "exports"
    exports.mkdir()
    target = exports / "notify.xlsx"
    target.write_bytes(b"another case's list")
    (exports / "link.xlsx").symlink_to(target)
    for path in (target, exports / "link.xlsx"):
        _refused(run_cli("persons", str(scan), "--export", str(path), "--sources", str(share)), "already exists")
    assert target.read_bytes() == b"another case's list" and (exports / "link.xlsx").is_symlink()
    done = run_cli("persons", str(scan), "--export", str(target), "--sources", str(share), "--overwrite")
    assert done.returncode == 0, done.stderr
    assert target.read_bytes()[:2] == b"PK" and target.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in exports.iterdir()) == ["link.xlsx", "notify.xlsx"]  # no temporary left
    fresh = exports / "new.xlsx"
    done = run_cli("persons", str(scan), "--export", str(fresh), "--sources", str(share))
    assert done.returncode == 0 and fresh.stat().st_mode & 0o777 == 0o600
    (exports / "dir.xlsx").mkdir()
    _refused(run_cli("persons", str(scan), "--export", str(exports / "dir.xlsx"), "--overwrite"), "is a folder")


def test_the_no_replace_write_fails_on_a_name_that_appears_meanwhile(tmp_path: Path) -> None:
    from scanner.output import write_private

    (tmp_path / "x.xlsx").write_bytes(b"there first")
    with pytest.raises(FileExistsError):
        write_private(tmp_path / "x.xlsx", b"new", replace=False)
    assert (tmp_path / "x.xlsx").read_bytes() == b"there first" and os.listdir(tmp_path) == ["x.xlsx"]


def test_the_no_replace_write_works_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """FAT/exFAT (a USB stick) has no hard links: the name is taken with O_EXCL, then the file renamed over it."""
    import errno

    from scanner.output import write_private

    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    write_private(tmp_path / "new.xlsx", b"complete", replace=False)
    assert (tmp_path / "new.xlsx").read_bytes() == b"complete" and os.listdir(tmp_path) == ["new.xlsx"]
    assert (tmp_path / "new.xlsx").stat().st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        write_private(tmp_path / "new.xlsx", b"other", replace=False)
    assert (tmp_path / "new.xlsx").read_bytes() == b"complete" and os.listdir(tmp_path) == ["new.xlsx"]


def test_persons_export_speaks_the_terminals_language(tmp_path: Path) -> None:
    """persons and persons --export under LANG=ja: counts, the in-clear warning and a copy not read again are said
    in Japanese (session 14: they were English whatever the terminal's language)."""
    share = _share(tmp_path)
    (share / "PC01" / "list.csv").write_text("氏名,住所\n山田太郎,東京都小金井市本町1-2-3\n", "utf-8")
    scan = tmp_path / "pc01"
    assert run_cli("scan", str(share), "--name", "list.csv", "--out", str(scan), "--quiet").returncode == 1
    ja = {"LANG": "ja_JP.UTF-8"}
    done = run_cli("persons", str(scan), "--export", str(tmp_path / "notify.xlsx"), "--sources", str(share), env=ja)
    assert done.returncode == 0, done.stderr
    assert "本人の数（名寄せ後）:" in done.stderr and "平文" in done.stderr and "IN CLEAR" not in done.stderr
    (share / "PC01" / "list.csv").unlink()  # the copy is gone: not read again, the list is incomplete
    done = run_cli("persons", str(scan), "--export", str(tmp_path / "again.xlsx"), "--sources", str(share), env=ja)
    assert "読み直せませんでした" in done.stderr or "読み直せなかった" in done.stderr, done.stderr
    assert "not read again" not in done.stderr and "Traceback" not in done.stderr


def test_a_file_source_given_as_a_link_is_read(tmp_path: Path) -> None:
    """A SOURCE that is a symbolic link to a client list: the examiner named it, so its target is read (review14f:
    listed ``special-file`` ``became-symlink``, exit 0, the list never read). Links met inside a walked folder are
    still not followed."""
    (tmp_path / "evidence").mkdir()
    target = tmp_path / "evidence" / "list.csv"
    target.write_text("氏名,住所,電話\n" + "".join(f"山田{n}郎,東京都小金井市本町{n}-2-3,042-111-{1000 + n}\n"
                                              for n in range(1, 6)), "utf-8")
    link = tmp_path / "named.csv"
    link.symlink_to(target)
    out = tmp_path / "out"
    done = run_cli("scan", str(link), "--name", "list.csv", "--out", str(out), "--quiet")
    assert done.returncode == 1, done.stderr
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    assert not doc["skipped"], doc["skipped"]
    [hit] = doc["files"]
    assert hit["pii"]["records"] == 5 and hit["path"] == str(target), hit["path"]
