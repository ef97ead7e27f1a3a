"""SmbSource against a real Samba server: the walk, loops, reads, and dropped connections.

The server is a child process (see tests/smb_data.py); connections are dropped for real by killing
smbd processes in the middle of a scan, at a point the test chooses (after the n-th item of the walk,
or after the first chunk of a file), so nothing depends on timing.
"""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from smb_data import PASSWORD, SambaServer, build_loop_tree

from scanner.config import ScanConfig
from scanner.contracts import ScanResult
from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people
from scanner.errors import SourceError, UsageError
from scanner.models import Link, Skipped
from scanner.pipeline import run_scan
from scanner.sources import open_source
from scanner.sources.smb import SmbEntry, SmbSource, parse_url

BIG = 12 << 20  # large enough for several READs of 4 MiB


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("smbtree")
    people = make_people(30, seed=11)
    flat = base / "flat"
    for d in range(6):
        for f in range(4):
            name = LEAKED_NAME if f == 0 else f"メモ_{f}.txt"
            p = flat / f"D{d:02d}" / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(client_list_xlsx(people) if f == 0 else f"{d}-{f}\n".encode())
    big = base / "big"
    big.mkdir()
    (big / LEAKED_NAME).write_bytes(random.Random(4).randbytes(BIG))
    loops = base / "loops"
    loops.mkdir()
    build_loop_tree(loops)
    alias = base / "alias"
    alias.mkdir()
    (alias / "a_original.xlsx").write_bytes(client_list_xlsx(people[:3]))
    os.link(alias / "a_original.xlsx", alias / "b_hardlink.xlsx")
    (alias / "c_symlink.xlsx").symlink_to("a_original.xlsx")
    many = base / "many"
    many.mkdir()
    for i in range(1500):  # more names than two 64 KiB listing buffers hold
        (many / f"帳票_{i:05d}.txt").write_bytes(b"x")
    return {"flat": flat, "big": big, "loops": loops, "alias": alias, "many": many, "base": base}


@pytest.fixture(scope="module")
def server(tree: dict[str, Path]) -> Iterator[SambaServer]:
    srv = SambaServer(tree["base"] / "samba", {k: v for k, v in tree.items() if k != "base"})
    try:
        yield srv.start()
    finally:
        srv.kill()


@pytest.fixture(autouse=True)
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAKSCAN_SMB_PASSWORD", PASSWORD)


def _scan(source: SmbSource, out: Path) -> ScanResult:
    return run_scan(ScanConfig(sources=[source.text], out=out, names=[LEAKED_NAME]), [source],
                    inspectors=[])


# -- URL parsing: no server needed ------------------------------------------------------------------------

def test_url_forms() -> None:
    t = parse_url("smb://OFFICE;taro@fs01.example:4450/共有/PC01/Documents")
    assert (t.domain, t.user, t.host, t.port, t.share, t.path) == (
        "OFFICE", "taro", "fs01.example", 4450, "共有", "/PC01/Documents")
    assert t.account == "OFFICE\\taro"
    t = parse_url("smb://taro@192.0.2.7/share")
    assert (t.domain, t.port, t.share, t.path) == ("", 445, "share", "")
    assert parse_url("smb://taro@h/s%20x/a%2Fb").path == "/a/b"  # %2F cannot smuggle a separator past us


@pytest.mark.parametrize("url", [
    "smb://h/share",  # no user
    "smb://taro@h",  # no share
    "smb://taro@h:99999/share",  # bad port
    "smb://taro@h/share/../etc",
    "smb://taro@h/share?x=1",
    "http://taro@h/share",
])
def test_bad_urls_are_usage_errors(url: str) -> None:
    with pytest.raises(UsageError):
        open_source(url)


@pytest.mark.parametrize("secret", ["Hunter2-secret", "Hun#ter2", "Hu/n?ter2", "p@ss:w0rd", "12345"])
def test_password_in_url_is_refused_and_not_echoed(secret: str) -> None:
    for url in (f"smb://taro:{secret}@h/share", f"smb://OFFICE;taro:{secret}@h:445/share/x",
                f"smb://taro%3A{quote(secret, safe='')}@h/share"):
        with pytest.raises(UsageError) as e:
            SmbSource(url)
        assert secret not in str(e.value) and "password" in str(e.value), url


def test_no_connection_before_enter() -> None:
    src = SmbSource("smb://taro@127.0.0.1:1/share")  # nothing listens on port 1
    assert src.client is None  # constructing is free; connecting waits for `with`
    with pytest.raises(SourceError, match="cannot connect"):
        with src:
            pass


def test_no_password_without_terminal(server: SambaServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEAKSCAN_SMB_PASSWORD")
    monkeypatch.setattr("sys.stdin", open(os.devnull))  # not a TTY: never prompt
    with pytest.raises(SourceError, match="LEAKSCAN_SMB_PASSWORD"):
        with SmbSource(server.url("flat")):
            pass


# -- walking --------------------------------------------------------------------------------------------

def test_walk_matches_the_tree(server: SambaServer, tree: dict[str, Path]) -> None:
    with SmbSource(server.url("flat")) as src:
        desc = src.describe()
        items = list(src.entries())
    assert desc["kind"] == "smb" and desc["share"] == "flat" and desc["user"] == "investigator"
    assert desc["dialect"].startswith("3.")
    assert "password" not in repr(desc).lower() and PASSWORD not in repr(desc)
    files = {i.location.path for i in items if isinstance(i, SmbEntry)}
    local = {"/" + str(p.relative_to(tree["flat"])) for p in tree["flat"].rglob("*") if p.is_file()}
    assert files == local
    one = next(i for i in items if isinstance(i, SmbEntry) and i.location.path == f"/D03/{LEAKED_NAME}")
    assert one.location.display() == f"//127.0.0.1/flat » /D03/{LEAKED_NAME}"
    assert one.location.containers[0].detail["port"] == server.port
    st = one.stat()
    local_st = (tree["flat"] / "D03" / LEAKED_NAME).stat()
    assert st.size == local_st.st_size
    assert st.mtime is not None and st.mtime.endswith("Z")


def test_start_path_inside_share(server: SambaServer) -> None:
    with SmbSource(server.url("flat", "/D02")) as src:
        paths = sorted(i.location.path for i in src.entries())
    assert paths == sorted([f"/D02/{LEAKED_NAME}", "/D02/メモ_1.txt", "/D02/メモ_2.txt", "/D02/メモ_3.txt"])


def test_symlink_loops_terminate_and_count_each_file_once(server: SambaServer) -> None:
    with SmbSource(server.url("loops")) as src:
        items = list(src.entries())
    files = sorted(i.location.path for i in items if isinstance(i, SmbEntry))
    assert files == sorted(["/PC01/sub/メモ.txt", f"/PC01/{LEAKED_NAME}", "/PC02/名簿_コピー.xlsx"])
    loops = {i.location.path: i.detail for i in items if isinstance(i, Skipped) and i.reason == "loop"}
    assert set(loops) == {"/PC01/loop", "/PC01/sub/self"}
    assert "same directory as /" in loops["/PC01/loop"]


def test_second_names_of_a_file_are_links(server: SambaServer) -> None:
    """A hard link and a file symlink (followed by Samba) carry the same file ID: read once, listed as links."""
    with SmbSource(server.url("alias")) as src:
        items = list(src.entries())
    assert [i.location.path for i in items if isinstance(i, SmbEntry)] == ["/a_original.xlsx"]
    links = {i.location.path: i.target for i in items if isinstance(i, Link)}
    assert set(links) == {"/b_hardlink.xlsx", "/c_symlink.xlsx"}
    assert all(t.startswith("same file as /a_original.xlsx") for t in links.values())


def test_big_file_read_matches_local_hash(server: SambaServer, tree: dict[str, Path]) -> None:
    with SmbSource(server.url("big")) as src:
        (entry,) = [i for i in src.entries() if isinstance(i, SmbEntry)]
        with entry.open() as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    assert digest == hashlib.sha256((tree["big"] / LEAKED_NAME).read_bytes()).hexdigest()


def test_open_is_read_only(server: SambaServer, tree: dict[str, Path]) -> None:
    before = (tree["flat"] / "D01" / LEAKED_NAME).stat()
    with SmbSource(server.url("flat", "/D01")) as src:
        entry = next(i for i in src.entries() if isinstance(i, SmbEntry) and i.name == LEAKED_NAME)
        with entry.open() as f:
            f.read()
            assert not f.writable()
    after = (tree["flat"] / "D01" / LEAKED_NAME).stat()
    assert (before.st_mtime_ns, before.st_size, before.st_ctime_ns) == (after.st_mtime_ns, after.st_size,
                                                                       after.st_ctime_ns)


# -- dropped connections --------------------------------------------------------------------------------

class _KillAfter:
    """Wraps a source; after ``n`` items of the walk, runs ``action`` (kill the server, drop connections)."""

    def __init__(self, source: SmbSource, n: int, action) -> None:
        self.source, self.n, self.action = source, n, action
        self.text = source.text

    def __enter__(self) -> _KillAfter:
        self.source.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.source.__exit__(*exc)

    def describe(self) -> dict:
        return self.source.describe()

    def entries(self):
        for i, item in enumerate(self.source.entries()):
            if i == self.n:
                self.action()
            yield item


def _full(server: SambaServer, out: Path) -> ScanResult:
    return _scan(SmbSource(server.url("flat")), out)


def test_reconnect_after_drop_loses_nothing(server: SambaServer, tmp_path: Path) -> None:
    full = _full(server, tmp_path / "full")
    src = SmbSource(server.url("flat"))
    result = run_scan(ScanConfig(sources=[src.text], out=tmp_path / "out", names=[LEAKED_NAME]),
                      [_KillAfter(src, 9, server.drop_connections)], inspectors=[])
    assert result.sources[0]["dialect"]
    assert src.client.reconnects == 1
    assert result.sources[0]["reconnects"] == 1 and result.sources[0]["connection_lost"] is None
    assert [s for s in result.skipped if s.reason == "connection"] == []
    assert {(h.location.path, h.digests.sha256) for h in result.hits} == \
        {(h.location.path, h.digests.sha256) for h in full.hits}
    assert len(full.hits) == 6


def test_drop_in_the_middle_of_a_file_resumes_the_read(server: SambaServer, tree: dict[str, Path]) -> None:
    src = SmbSource(server.url("big"))
    with src:
        real_wait = src.client.read_wait
        dropped: list[int] = []

        def read_wait(pending):  # the first answer is in; then the server's connection process dies
            data = real_wait(pending)
            if not dropped:
                dropped.append(server.drop_connections())
            return data

        src.client.read_wait = read_wait
        (entry,) = [i for i in src.entries() if isinstance(i, SmbEntry)]
        with entry.open() as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    assert dropped and dropped[0] >= 1 and src.client.reconnects == 1
    assert digest == hashlib.sha256((tree["big"] / LEAKED_NAME).read_bytes()).hexdigest()


def test_server_killed_mid_scan(tree: dict[str, Path], tmp_path: Path) -> None:
    """The server dies for good: the scan finishes, keeps what it found, lists the rest as connection."""
    srv = SambaServer(tree["base"] / "samba-killed", {"flat": tree["flat"]}).start()
    try:
        full = _full(srv, tree["base"] / "out-full")
        src = SmbSource(srv.url("flat"), retry_window=1)
        result = run_scan(ScanConfig(sources=[src.text], out=tree["base"] / "out-killed", names=[LEAKED_NAME]),
                          [_KillAfter(src, 10, srv.kill)], inspectors=[])
    finally:
        srv.kill()
    assert result.sources[0]["connection_lost"].startswith("connection lost")
    found = {h.location.path for h in result.hits if h.status == "ok"}
    lost = [s for s in result.skipped if s.reason == "connection"]
    assert 0 < len(found) < len(full.hits)
    assert lost and all("connection lost" in s.detail or "not listed" in s.detail or "not read" in s.detail
                        for s in lost)
    lost_paths = [s.location.path for s in lost]
    for hit in full.hits:  # every copy is either found or covered by a 'connection' skip (itself or its folder)
        p = hit.location.path
        assert p in found or any(p == q or p.startswith(q.rstrip("/") + "/") for q in lost_paths), p
    for hit in result.hits:  # found before the drop: complete; after: named, and listed as connection
        if hit.status == "ok":
            assert hit.digests is not None
        else:
            assert hit.status == "connection" and hit.location.path in lost_paths
    full_sha = {h.location.path: h.digests.sha256 for h in full.hits}
    assert all(full_sha[h.location.path] == h.digests.sha256 for h in result.hits if h.status == "ok")
    assert not [s for s in result.skipped if s.reason not in ("connection",)]


def test_wrong_password_is_a_source_error(server: SambaServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAKSCAN_SMB_PASSWORD", "not-the-password")
    with pytest.raises(SourceError) as e:
        with SmbSource(server.url("flat")):
            pass
    assert "login refused" in str(e.value) and "not-the-password" not in str(e.value)


def test_missing_share_is_a_source_error(server: SambaServer) -> None:
    with pytest.raises(SourceError, match="no share named"):
        with SmbSource(server.url("nosuchshare")):
            pass


def test_missing_start_folder_is_a_source_error(server: SambaServer) -> None:
    with SmbSource(server.url("flat", "/NoSuchFolder")) as src:
        with pytest.raises(SourceError, match="cannot list /NoSuchFolder on //127.0.0.1/flat: no such folder"):
            list(src.entries())


# -- worker processes: a file by its SmbRef, over the process's own connection -----------------------------

_WORKER = r"""
import hashlib, pickle, sys
from scanner.sources import smb_pool
refs = pickle.loads(sys.stdin.buffer.read())
out = []
for ref, location, name in refs:
    entry = ref.entry(location, name, False, None)
    with entry.open() as f:
        out.append(hashlib.sha256(f.read()).hexdigest())
print(len(smb_pool._clients), *out)
"""


def test_a_worker_process_reads_files_by_their_ref(server: SambaServer, tree: dict[str, Path]) -> None:
    import pickle
    import subprocess
    import sys

    with SmbSource(server.url("flat")) as src:
        entries = [i for i in src.entries() if isinstance(i, SmbEntry)][:5]
        refs = [(e.ref(), e.location, e.name) for e in entries]
    assert all(r is not None and PASSWORD not in repr(pickle.dumps(r)) for r, _, _ in refs)
    run = subprocess.run([sys.executable, "-c", _WORKER], input=pickle.dumps(refs), capture_output=True,
                         cwd=Path(__file__).resolve().parents[1], env={**os.environ, "LEAKSCAN_SMB_PASSWORD": PASSWORD},
                         timeout=60)
    assert run.returncode == 0, run.stderr.decode()
    clients, *digests = run.stdout.decode().split()
    assert clients == "1"  # one logged-in connection for all five files
    local = [hashlib.sha256((tree["flat"] / e.location.path.lstrip("/")).read_bytes()).hexdigest() for e in entries]
    assert digests == local


def test_no_ref_when_the_password_was_typed(server: SambaServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with SmbSource(server.url("flat", "/D00")) as src:
        entry = next(i for i in src.entries() if isinstance(i, SmbEntry))
        monkeypatch.delenv("LEAKSCAN_SMB_PASSWORD")  # as if typed at the prompt: never handed on
        assert entry.ref() is None


def test_a_folder_larger_than_the_listing_buffers(server: SambaServer, tree: dict[str, Path],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.sources import smb_client

    monkeypatch.setattr(smb_client, "LIST_SIZE", smb_client.MAX_PAYLOAD)  # ~500 names per answer
    calls: list[str] = []
    real = smb_client.Client._list_long

    def spy(self, path: str, size: int):
        calls.append(path)
        return real(self, path, size)

    monkeypatch.setattr(smb_client.Client, "_list_long", spy)
    with SmbSource(server.url("many")) as src:
        names = [i.name for i in src.entries() if isinstance(i, SmbEntry)]
    assert calls == [""]  # the compound's two answers were not enough: listed again on an open handle
    assert names == sorted(p.name for p in tree["many"].iterdir())


def test_starts_of_a_folders_files_are_fetched_together(server: SambaServer, tree: dict[str, Path], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline says which files of a folder it will examine; their compounds go out together
    (32 at a time) and the reads that follow are served from them: no round trip per file."""
    from scanner.sources import smb_client

    folder = tree["base"] / "flat" / "D05"
    calls = {"snapshots": [], "read_start": 0}
    real_snapshots, real_start = smb_client.Client.snapshots, smb_client.Client.read_start

    def snapshots(self, wanted):
        calls["snapshots"].append(len(wanted))
        return real_snapshots(self, wanted)

    def read_start(self, *a, **k):
        calls["read_start"] += 1
        return real_start(self, *a, **k)

    monkeypatch.setattr(smb_client.Client, "snapshots", snapshots)
    monkeypatch.setattr(smb_client.Client, "read_start", read_start)
    src = SmbSource(server.url("flat", "/D05"))
    result = run_scan(ScanConfig(sources=[src.text], out=tmp_path / "out", names=["メモ_1.txt", LEAKED_NAME]),
                      [src], inspectors=[])
    assert calls == {"snapshots": [2], "read_start": 0}
    got = {h.location.path.rsplit("/", 1)[1]: h.digests.sha256 for h in result.hits}
    assert got == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()
                   if p.name in ("メモ_1.txt", LEAKED_NAME)}
