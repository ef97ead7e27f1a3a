"""A real Samba server for the SMB tests, run as a child process on 127.0.0.1 at a free high port.

Everything Samba writes (passdb, locks, state, cache, pid, logs) lives in a temp folder; nothing in
/etc or /var is touched. Samba needs an OS account behind every SMB user: instead of creating one
(useradd would change the machine), the SMB user ``investigator`` is mapped onto root with
``username map``, and root's SMB password is set in the temp tdbsam passdb only (``smbpasswd -c``).
smbd therefore has to run as root (CI does; elsewhere the tests are skipped, never in CI).

The server runs in its own process group (``start_new_session``), so ``kill()`` stops it and every
per-connection child by that one group id; ``drop_connections()`` kills only the per-connection
children (the listener stays up, so a client can reconnect).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

USER = "investigator"
PASSWORD = "Kaigo-Yobo#2016"  # a test password, only in the temp passdb


def _die_with_parent() -> None:
    """Linux: smbd gets SIGKILL if the test process itself is killed before its fixture can stop it."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_smbd() -> str:
    """The smbd binary; outside CI a machine without Samba or root skips, in CI it fails."""
    smbd = shutil.which("smbd") or ("/usr/sbin/smbd" if os.path.exists("/usr/sbin/smbd") else None)
    problem = None
    if smbd is None or shutil.which("smbpasswd") is None:
        problem = "Samba (smbd, smbpasswd) is not installed (Debian package samba; .ci/run installs it)"
    elif os.geteuid() != 0:
        problem = "smbd must run as root to switch to the mapped account"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    return smbd or "smbd"


class SambaServer:
    """smbd serving ``shares`` ({name: folder}) read-only to USER/PASSWORD."""

    def __init__(self, work: Path, shares: dict[str, Path]) -> None:
        self.work = work
        self.shares = shares
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.conf = work / "smb.conf"

    def _write_conf(self) -> None:
        w = self.work
        for d in ("private", "lock", "state", "cache", "pid", "ncalrpc", "log"):
            (w / d).mkdir(parents=True, exist_ok=True)
        (w / "users.map").write_text(f"root = {USER}\n")
        lines = [
            "[global]",
            "server role = standalone server",
            "workgroup = LEAKTEST",
            "netbios name = LEAKTEST",
            "security = user",
            "map to guest = never",
            f"passdb backend = tdbsam:{w / 'private' / 'passdb.tdb'}",
            f"private dir = {w / 'private'}",
            f"lock directory = {w / 'lock'}",
            f"state directory = {w / 'state'}",
            f"cache directory = {w / 'cache'}",
            f"pid directory = {w / 'pid'}",
            f"ncalrpc dir = {w / 'ncalrpc'}",
            f"log file = {w / 'log' / 'smbd.log'}",
            f"username map = {w / 'users.map'}",
            f"smb ports = {self.port}",
            "interfaces = 127.0.0.1",
            "bind interfaces only = yes",
            "disable netbios = yes",
            "load printers = no",
            "printcap name = /dev/null",
            "disable spoolss = yes",
            "unix charset = UTF-8",
            "log level = 1",
        ]
        for name, path in self.shares.items():
            lines += [f"[{name}]", f"path = {path}", "read only = yes", "valid users = root"]
        self.conf.write_text("\n".join(lines) + "\n")

    def start(self) -> SambaServer:
        smbd = require_smbd()
        self._write_conf()
        subprocess.run(["smbpasswd", "-c", str(self.conf), "-a", "-s", "root"], input=f"{PASSWORD}\n{PASSWORD}\n",
                       text=True, check=True, capture_output=True, timeout=30)
        log = open(self.work / "log" / "stdout.log", "ab")  # noqa: SIM115 - closed in kill()
        self._log = log
        self.proc = subprocess.Popen(
            [smbd, "--foreground", "--no-process-group", "--debug-stdout", "-s", str(self.conf)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"smbd exited ({self.proc.returncode}): {self.log_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"smbd did not listen on port {self.port}: {self.log_text()[-2000:]}")

    def log_text(self) -> str:
        try:
            return (self.work / "log" / "stdout.log").read_text(errors="replace")
        except OSError:
            return ""

    def url(self, share: str, path: str = "", user: str = USER) -> str:
        return f"smb://{user}@127.0.0.1:{self.port}/{share}{path}"

    def children(self) -> list[int]:
        """Per-connection smbd processes (children of the server we started)."""
        if self.proc is None:
            return []
        kids = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:  # fields[1] is the parent pid
                kids.append(int(d))
        return kids

    def drop_connections(self) -> int:
        """Kill the processes serving current connections; the listener stays (clients may reconnect)."""
        kids = self.children()
        for pid in kids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return len(kids)

    def kill(self) -> None:
        """Stop the server and all its children (one process group, the one we created)."""
        proc = self.proc
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.proc = None
        log = getattr(self, "_log", None)
        if log is not None:
            log.close()


def build_loop_tree(root: Path) -> dict[str, object]:
    """A small tree with a symbolic-link loop (``PC01/loop -> ..``) and a link back to its own folder."""
    from scanner.demo import client_list_xlsx, make_people

    people = make_people(20, seed=7)
    data = client_list_xlsx(people)
    files = ["PC01/介護予防_利用者名簿.xlsx", "PC01/sub/メモ.txt", "PC02/名簿_コピー.xlsx"]
    for rel in files:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if rel.endswith(".xlsx") else b"memo\n")
    (root / "PC01" / "loop").symlink_to("..")  # PC01/loop/PC01/loop/... for an SMB client
    (root / "PC01" / "sub" / "self").symlink_to(".")  # PC01/sub/self/self/...
    return {"files": files}
