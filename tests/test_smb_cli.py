"""``leakscan scan smb://...`` as a user runs it, against a real Samba server sharing the demo tree.

The same tree is scanned locally and over SMB: the hits, their hashes and their reasons must agree.
Three differences are expected, all made by the server, and asserted as such:

- ``PC06/利用者名簿_旧.xls`` has a cp932 (not UTF-8) name on disk. Samba (unix charset = UTF-8) cannot
  convert it to UTF-16 and leaves it out of every listing: an SMB client cannot see it at all.
- ``PC01/pipe`` is a FIFO. The local walk lists it as ``special-file``; Samba shows it as an ordinary
  empty file (SMB has no FIFO type without POSIX extensions), so it is a 0-byte file over SMB.
- ``PC01/shortcut_to_PC03`` is a symbolic link to ``PC03``. The local walk records it as a link;
  Samba follows it, so over SMB it is a second way into ``PC03`` and is listed as ``loop``.
"""

from __future__ import annotations

import json
import os
import pty
import select
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from conftest import ROOT, run_leakscan
from smb_data import PASSWORD, SambaServer, build_loop_tree

from scanner.demo import LEAKED_NAME, build_share

CP932_NAME = "/PC06/利用者名簿_旧.xls"


@pytest.fixture(scope="module")
def shares(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("smbcli")
    demo, loops = base / "demo", base / "loops"
    demo.mkdir()
    loops.mkdir()
    build_share(demo)
    build_loop_tree(loops)
    return {"demo": demo, "loops": loops, "base": base}


@pytest.fixture(scope="module")
def server(shares: dict[str, Path]) -> Iterator[SambaServer]:
    srv = SambaServer(shares["base"] / "samba", {"evidence": shares["demo"], "loops": shares["loops"]})
    try:
        yield srv.start()
    finally:
        srv.kill()


def _scan(source: str, out: Path, password: str | None = PASSWORD, *extra: str):
    env = {"LEAKSCAN_SMB_PASSWORD": password} if password is not None else {}
    proc = run_leakscan("scan", source, "--name", LEAKED_NAME, "--out", str(out), "--quiet", *extra,
                        env=env, timeout=120)
    doc = json.loads((out / "findings.json").read_text()) if (out / "findings.json").exists() else None
    return proc, doc


def _by_inner(doc: dict, strip: str) -> dict[str, dict]:
    """Files by their displayed path below the share (archive members keep their `` » member`` part)."""
    return {f["path"].removeprefix(strip): f for f in doc["files"]}


def _all_output_bytes(out: Path) -> bytes:
    return b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def both(server: SambaServer, shares: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    outs = tmp_path_factory.mktemp("outs")
    smb = _scan(server.url("evidence"), outs / "smb")
    local = _scan(str(shares["demo"]), outs / "local")
    return {"smb": smb, "local": local, "outs": outs}


def test_smb_scan_finds_what_a_local_scan_finds(both, shares: dict[str, Path]) -> None:
    (sp, sdoc), (lp, ldoc) = both["smb"], both["local"]
    assert sp.returncode == lp.returncode == 1, sp.stderr + lp.stderr
    assert "Traceback" not in sp.stderr
    smb = _by_inner(sdoc, strip="//127.0.0.1/evidence » ")
    local = _by_inner(ldoc, strip=str(shares["demo"]))
    assert set(local) - set(smb) == {CP932_NAME}  # invisible over SMB (see the module docstring)
    assert set(smb) <= set(local)
    assert len(smb) >= 8
    for path, s in smb.items():
        loc = local[path]
        for key in ("sha256", "sha1", "md5", "size", "reasons", "matched_rules", "status", "type"):
            assert s[key] == loc[key], (path, key)
        assert s.get("pii") == loc.get("pii"), path
        assert abs(datetime.fromisoformat(s["mtime"]) - datetime.fromisoformat(loc["mtime"])).total_seconds() < 0.01
        assert s["source"] == sdoc["scan"]["sources"][0]
        assert s["path"] == f"//127.0.0.1/evidence » {path}"
        assert s["container"][0]["kind"] == "smb"
        assert s["container"][0]["detail"]["share"] == "evidence"
    assert [(g["sha256"], g["count"]) for g in sdoc["duplicate_groups"]] == \
        [(g["sha256"], g["count"]) for g in ldoc["duplicate_groups"]]
    assert sdoc["duplicate_groups"][0]["count"] == 6  # five plain copies and the backup zip's member


def test_expected_differences_are_the_servers(both) -> None:
    (_, sdoc), (_, ldoc) = both["smb"], both["local"]
    assert [(s["path"].endswith("/PC01/pipe"), s["reason"]) for s in ldoc["skipped"]] == [(True, "special-file")]
    assert any(link["path"].endswith("/PC01/shortcut_to_PC03") for link in ldoc["links"])
    smb_skips = {s["path"]: (s["reason"], s["detail"]) for s in sdoc["skipped"]}
    assert set(smb_skips) == {"//127.0.0.1/evidence » /PC01/shortcut_to_PC03"}
    reason, detail = smb_skips["//127.0.0.1/evidence » /PC01/shortcut_to_PC03"]
    assert reason == "loop" and "same directory as /PC03" in detail
    assert sdoc["links"] == []
    # over SMB one file fewer (the cp932 name) and one more (the FIFO, an empty file there)
    assert sdoc["scan"]["files_seen"] == ldoc["scan"]["files_seen"]


def test_source_details_and_no_password_in_outputs(both) -> None:
    sp, sdoc = both["smb"]
    (detail,) = sdoc["scan"]["source_details"]
    assert detail["kind"] == "smb" and detail["method"] == "read-only SMB (smbprotocol), no mount"
    assert detail["host"] == "127.0.0.1" and detail["share"] == "evidence" and detail["user"] == "investigator"
    assert detail["dialect"].startswith("3.")
    secret = PASSWORD.encode()
    assert secret not in _all_output_bytes(both["outs"] / "smb")
    assert PASSWORD not in sp.stdout + sp.stderr


def test_wrong_password(server: SambaServer, tmp_path: Path) -> None:
    wrong = "Wr0ng-Secret-Word"
    proc, doc = _scan(server.url("evidence"), tmp_path / "out", password=wrong)
    assert proc.returncode == 2
    assert "login refused" in proc.stderr and "investigator" in proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if "login refused" in ln]
    assert len(lines) == 1
    for text in (proc.stdout, proc.stderr):
        assert wrong not in text and PASSWORD not in text
    assert wrong.encode() not in _all_output_bytes(tmp_path / "out")


def test_password_in_url_is_a_usage_error(server: SambaServer, tmp_path: Path) -> None:
    url = f"smb://investigator:{PASSWORD}@127.0.0.1:{server.port}/evidence"
    proc, doc = _scan(url, tmp_path / "out")
    assert proc.returncode == 2 and doc is None
    assert "password" in proc.stderr and "LEAKSCAN_SMB_PASSWORD" in proc.stderr
    assert PASSWORD not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


def test_no_password_and_no_terminal(server: SambaServer, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "LEAKSCAN_SMB_PASSWORD"}
    import subprocess

    proc = subprocess.run([sys.executable, str(ROOT / "scan.py"), "scan", server.url("evidence"), "--name",
                           LEAKED_NAME, "--out", str(tmp_path / "out"), "--quiet"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 2
    assert "LEAKSCAN_SMB_PASSWORD" in proc.stderr and "Traceback" not in proc.stderr


def test_password_prompt_on_a_terminal(server: SambaServer, tmp_path: Path) -> None:
    """With no LEAKSCAN_SMB_PASSWORD, a terminal is asked (getpass: no echo), and the scan goes on."""
    env = {k: v for k, v in os.environ.items() if k != "LEAKSCAN_SMB_PASSWORD"}
    out = tmp_path / "out"
    args = [sys.executable, str(ROOT / "scan.py"), "scan", server.url("loops"), "--name", LEAKED_NAME,
            "--out", str(out), "--quiet"]
    pid, fd = pty.fork()
    if pid == 0:  # child: a real controlling terminal, as a person at a keyboard
        os.chdir(ROOT)
        os.execve(sys.executable, args, env)
    seen = b""
    deadline = time.monotonic() + 60
    sent = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not sent and b"SMB password for investigator@127.0.0.1" in seen:
            os.write(fd, PASSWORD.encode() + b"\n")
            sent = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert sent, seen.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 1, seen.decode(errors="replace")
    assert PASSWORD.encode() not in seen  # not echoed
    assert (out / "findings.json").exists()


def test_symlink_loop_over_cli(server: SambaServer, shares: dict[str, Path], tmp_path: Path) -> None:
    proc, doc = _scan(server.url("loops"), tmp_path / "smb")
    assert proc.returncode == 1, proc.stderr
    assert doc["scan"]["files_seen"] == 3  # each real file once, however deep the server's endless tree
    hits = [f["inner_path"] for f in doc["files"]]
    assert hits.count(f"/PC01/{LEAKED_NAME}") == 1
    loops = sorted(s["path"].split(" » ")[-1] for s in doc["skipped"] if s["reason"] == "loop")
    assert loops == ["/PC01/loop", "/PC01/sub/self"]
    _, ldoc = _scan(str(shares["loops"]), tmp_path / "local")
    assert ldoc["scan"]["files_seen"] == 3
    assert {f["sha256"] for f in doc["files"]} == {f["sha256"] for f in ldoc["files"]}


def test_folder_of_person_lists_with_one_worker_completes(tmp_path: Path) -> None:
    """A folder of person workbooks over SMB, examined by one worker process: files fetched whole travel
    to the worker as bytes while it sends back the person records of the unit before. A unit of bytes
    must reach only an idle worker (scanner/pool.py, LIGHT_UNIT), or both sides wait on full sockets
    forever (this hung before). The findings equal those of a local scan of the same folder."""
    from scanner.demo import client_list_xlsx, make_people

    tree = tmp_path / "lists"
    (tree / "福祉課").mkdir(parents=True)
    data = client_list_xlsx(make_people(300, seed=3))
    for i in range(12):
        (tree / "福祉課" / f"名簿_{i:02d}.xlsx").write_bytes(data)
    (tree / "福祉課" / LEAKED_NAME).write_bytes(data)
    srv = SambaServer(tmp_path / "samba", {"lists": tree}).start()
    try:
        proc, doc = _scan(srv.url("lists"), tmp_path / "smb", PASSWORD, "--workers", "1")
    finally:
        srv.kill()
    local_proc, local = _scan(str(tree), tmp_path / "local", PASSWORD, "--workers", "1")
    assert proc.returncode == local_proc.returncode == 1, proc.stderr
    assert doc is not None and local is not None
    smb_files = {f["path"].removeprefix("//127.0.0.1/lists » "): (f["sha256"], f["reasons"], f["status"])
                 for f in doc["files"]}
    local_files = {f["path"].removeprefix(str(tree)): (f["sha256"], f["reasons"], f["status"]) for f in local["files"]}
    assert smb_files == local_files and len(smb_files) == 13
    assert doc["persons"]["unique"] == local["persons"]["unique"] == 300
