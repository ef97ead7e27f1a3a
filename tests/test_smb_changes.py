"""Files that change on the server while leakscan reads them over SMB (a real Samba on 127.0.0.1).

The writer works on the server's own disk, as a user of the file server would through another client:
it rewrites a file in place (same size, other bytes) part-way through leakscan's read, or replaces it
with another file (a new file ID) between the listing and the read. The pipeline must never report a
SHA-256 of two mixed versions: a file that changed once is read again and reported with the digests of
what it holds now; a file that keeps changing is ``changed-during-read`` without digests.
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from smb_data import PASSWORD, SambaServer

from scanner.config import ScanConfig
from scanner.contracts import ScanResult
from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people
from scanner.pipeline import run_scan
from scanner.sources.smb import SmbEntry, SmbSource

BIG = 12 << 20  # several READs: the writer strikes between two of them


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("smbchanges") / "share"


@pytest.fixture(scope="module")
def server(share: Path) -> Iterator[SambaServer]:
    share.mkdir()
    srv = SambaServer(share.parent / "samba", {"share": share})
    try:
        yield srv.start()
    finally:
        srv.kill()


@pytest.fixture(autouse=True)
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAKSCAN_SMB_PASSWORD", PASSWORD)


def _versions(n: int) -> list[bytes]:
    return [random.Random(100 + i).randbytes(BIG) for i in range(n)]


def _rewrite_in_place(path: Path, data: bytes) -> None:
    """What a program saving over the file does: same file (inode), new bytes, new modified time."""
    time.sleep(0.02)  # a real writer's bytes land later than the open; time stamps tick on coarse clocks
    with open(path, "r+b") as f:
        f.write(data)


def _scan(source: object, text: str, out: Path) -> ScanResult:
    return run_scan(ScanConfig(sources=[text], out=out, names=[LEAKED_NAME]), [source],
                    inspectors=[])


class _WriterDuringReads:
    """An SmbSource whose client, on the first pipelined READ answer of each of the first ``times`` read
    passes over the file, lets a writer rewrite it in place on the server's disk. The walk is the source's
    own (folders as name batches, starts of files fetched ahead)."""

    def __init__(self, src: SmbSource, path: Path, versions: list[bytes], times: int) -> None:
        self.src, self.path, self.versions, self.left = src, path, versions, times
        self.text = src.text
        self.writes = 0

    def __enter__(self) -> _WriterDuringReads:
        self.src.__enter__()
        client = self.src.client
        real_wait, real_start, real_open = client.read_wait, client.read_start, client.open_at
        fresh = [False]  # a read pass (re)opened the file: its first READ answer is the writer's cue

        def read_start(*a, **k):
            fresh[0] = True
            return real_start(*a, **k)

        def open_at(*a, **k):
            fresh[0] = True
            return real_open(*a, **k)

        def read_wait(pending):
            data = real_wait(pending)
            if self.left and fresh[0]:
                fresh[0] = False
                self.left -= 1
                self.writes += 1
                _rewrite_in_place(self.path, self.versions[self.writes % len(self.versions)])
            return data

        client.read_wait, client.read_start, client.open_at = read_wait, read_start, open_at
        return self

    def __exit__(self, *exc: object) -> None:
        self.src.__exit__(*exc)

    def describe(self) -> dict:
        return self.src.describe()

    def batches(self):
        return self.src.batches()


def test_rewritten_once_during_the_read_is_read_again(server: SambaServer, share: Path, tmp_path: Path) -> None:
    versions = _versions(2)
    folder = share / "once"
    folder.mkdir()
    path = folder / LEAKED_NAME
    path.write_bytes(versions[0])
    src = _WriterDuringReads(SmbSource(server.url("share", "/once")), path, versions, times=1)
    result = _scan(src, src.text, tmp_path / "out")
    assert src.writes == 1
    [hit] = result.hits
    assert hit.status == "ok", hit.status_detail
    # the digest is the one of the version on the disk now, read whole the second time: never a mix
    assert hit.digests.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert hit.digests.sha256 == hashlib.sha256(versions[1]).hexdigest()
    assert not result.skipped


def test_rewritten_on_every_read_is_changed_during_read(server: SambaServer, share: Path, tmp_path: Path) -> None:
    versions = _versions(3)
    folder = share / "always"
    folder.mkdir()
    path = folder / LEAKED_NAME
    path.write_bytes(versions[0])
    src = _WriterDuringReads(SmbSource(server.url("share", "/always")), path, versions, times=10)
    result = _scan(src, src.text, tmp_path / "out")
    assert src.writes == 2  # read twice, changed under both reads
    [hit] = result.hits
    assert hit.status == "changed-during-read" and hit.digests is None
    assert "over SMB" in hit.status_detail and "write time" in hit.status_detail
    [skip] = result.skipped
    assert skip.reason == "changed-during-read" and skip.location.path == f"/always/{LEAKED_NAME}"


def test_replaced_after_the_listing_is_read_as_the_new_file(server: SambaServer, share: Path, tmp_path: Path) -> None:
    """Another file put in its place (rename over it: a new file ID, same size) between listing and read:
    the file ID differs from the listing's, the file is read again, the hit is the new file's."""
    people = make_people(8, seed=3)
    old, new = client_list_xlsx(people[:4]), client_list_xlsx(people[4:])
    new = new[:len(old)] if len(new) >= len(old) else new + b"\0" * (len(old) - len(new))
    folder = share / "replaced"
    folder.mkdir()
    path = folder / LEAKED_NAME
    path.write_bytes(old)
    inode = path.stat().st_ino

    class Replacing:
        def __init__(self, src: SmbSource) -> None:
            self.src, self.text = src, src.text

        def __enter__(self):
            self.src.__enter__()
            return self

        def __exit__(self, *exc):
            self.src.__exit__(*exc)

        def describe(self):
            return self.src.describe()

        def entries(self):
            for item in self.src.entries():
                if isinstance(item, SmbEntry) and item.name == LEAKED_NAME:
                    tmp = folder / "saving.tmp"
                    tmp.write_bytes(new)
                    os.utime(tmp, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))  # even the same times
                    os.replace(tmp, path)
                yield item

    result = _scan(Replacing(SmbSource(server.url("share", "/replaced"))), server.url("share", "/replaced"), tmp_path / "out")
    assert path.stat().st_ino != inode
    [hit] = result.hits
    assert hit.status == "ok", hit.status_detail
    assert hit.digests.sha256 == hashlib.sha256(new).hexdigest()


def test_unchanged_files_are_read_once(server: SambaServer, share: Path, tmp_path: Path) -> None:
    """The identity check costs no extra pass: a file nobody touches is read exactly once."""
    folder = share / "quiet"
    folder.mkdir()
    data = _versions(1)[0]
    (folder / LEAKED_NAME).write_bytes(data)
    (folder / "small.xlsx").write_bytes(client_list_xlsx(make_people(5, seed=1)))
    src = SmbSource(server.url("share", "/quiet"))
    result = _scan(src, src.text, tmp_path / "out")
    assert {h.location.path.rsplit("/", 1)[1]: h.status for h in result.hits} == {LEAKED_NAME: "ok"}
    assert result.bytes_read == len(data)
    assert result.hits[0].digests.sha256 == hashlib.sha256(data).hexdigest()
