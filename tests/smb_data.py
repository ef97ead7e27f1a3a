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

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
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


def _die_with_parent_without_dac() -> None:
    """``_die_with_parent``, and CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH dropped from the bounding set
    (PR_CAPBSET_DROP = 24): smbd, root, is then refused a mode-000 folder as a real server refuses one."""
    _die_with_parent()
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):
        libc.prctl(24, cap, 0, 0, 0)


@contextlib.contextmanager
def refused(*folders: Path) -> Iterator[None]:
    """FOLDERS mode 000 (a server started ``without_dac`` refuses them: STATUS_ACCESS_DENIED), 0700 after."""
    try:
        for d in folders:
            os.chmod(d, 0)
        yield
    finally:
        for d in folders:
            os.chmod(d, 0o700)


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
    """smbd serving ``shares`` ({name: folder}) read-only to USER/PASSWORD; ``without_dac``: without
    CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH, so a folder made :func:`refused` is really refused."""

    def __init__(self, work: Path, shares: dict[str, Path], *, without_dac: bool = False) -> None:
        self.work = work
        self.shares = shares
        self.without_dac = without_dac
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
            preexec_fn=_die_with_parent_without_dac if self.without_dac else _die_with_parent)
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


class Relay:
    """A TCP relay on 127.0.0.1 in front of a server, that the tests can *freeze*: from then on it
    accepts connections and keeps them open but forwards nothing in either direction, as a server that
    hangs (or a network path that silently drops everything) looks to a client. ``thaw()`` closes the
    frozen connections and relays new ones again. Threads of the test process; ``close()`` stops them."""

    def __init__(self, upstream_port: int) -> None:
        import threading

        self.upstream_port = upstream_port
        self.frozen = threading.Event()
        self._stop = threading.Event()
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url(self, share: str, path: str = "", user: str = USER) -> str:
        return f"smb://{user}@127.0.0.1:{self.port}/{share}{path}"

    def _keep(self, s: socket.socket) -> None:
        with self._lock:
            self._socks.append(s)

    def _accept(self) -> None:
        import threading

        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self._keep(client)
            if self.frozen.is_set():
                continue  # accepted, never answered
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
            except OSError:
                client.close()  # the server is down: the client sees the connection closed
                continue
            self._keep(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        src.settimeout(0.2)
        while not self._stop.is_set():
            if self.frozen.is_set():
                time.sleep(0.05)  # hold everything: neither side hears from the other
                continue
            try:
                data = src.recv(1 << 16)
            except TimeoutError:
                continue
            except OSError:
                break
            if not data:
                break
            try:
                dst.sendall(data)
            except OSError:
                break
        for s in (src, dst):
            try:
                s.close()
            except OSError:
                pass

    def freeze(self) -> None:
        self.frozen.set()

    def thaw(self) -> None:
        """Frozen connections are closed (the client gave up on them long ago); new ones are relayed."""
        with self._lock:
            socks, self._socks = self._socks, []
        for s in socks:
            try:
                s.close()
            except OSError:
                pass
        self.frozen.clear()

    def close(self) -> None:
        self._stop.set()
        self.thaw()
        self._listener.close()
        self._thread.join(timeout=2)


def silent_listener() -> tuple[socket.socket, int]:
    """A socket that accepts connections (the kernel does, from its backlog) and never says a word."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s, s.getsockname()[1]
