"""The local walker on generated trees: special files, links, loops, races, depth, permissions, encodings."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from tree_data import LEAKED, deep_dirs, hit_paths, scan_dirs, write_files, write_raw

from scanner.contracts import ScanResult
from scanner.models import Link, Skipped
from scanner.sources.local import LocalEntry, LocalSource, decode_name


def _scan_with_timeout(roots: list[Path], names: list[str], timeout: float = 30, **kw) -> ScanResult:
    """Run a scan on a daemon thread: a walker that blocks (on a FIFO, a loop) fails instead of hanging."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["result"] = scan_dirs(roots, names, **kw)
        except BaseException as e:  # noqa: BLE001 - reported below
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), f"scan did not finish within {timeout} s (blocked?)"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]


def _skipped(result: ScanResult) -> dict[str, tuple[str, str]]:
    return {s.location.display(): (s.reason, s.detail) for s in result.skipped}


def test_finds_copies_and_ignores_others(tmp_path: Path) -> None:
    files = {
        f"PC01/{LEAKED}": b"a",
        "PC02/介護予防_利用者名簿 - コピー.xlsx": b"a",
        "PC02/deep/er/Copy of 介護予防_利用者名簿.xlsx": b"b",
        "PC03/予算.xlsx": b"c",
        "PC03/介護予防_利用者名簿.pdf": b"d",
    }
    write_files(tmp_path, files)
    result = scan_dirs([tmp_path], [LEAKED], use_keywords=False)
    hits = hit_paths(result)
    assert set(hits) == {str(tmp_path / rel) for rel in [*list(files)[:3], "PC03/介護予防_利用者名簿.pdf"]}
    assert hits[str(tmp_path / "PC01" / LEAKED)] == ["name"]
    assert hits[str(tmp_path / "PC03" / "介護予防_利用者名簿.pdf")] == ["name-contains"]  # a lead, not a copy
    assert result.files_seen == len(files)
    assert result.skipped == [] and result.links == []


def test_fifo_and_socket_are_recorded_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.mkfifo(tmp_path / LEAKED)  # a FIFO carrying the very name we look for: opening it would block
    monkeypatch.chdir(tmp_path)  # a socket path is limited to 108 bytes: bind by a relative name
    sock = socket.socket(socket.AF_UNIX)
    sock.bind("介護予防_利用者名簿 - コピー.xlsx")
    try:
        write_files(tmp_path, {"real/" + LEAKED: b"x"})
        result = _scan_with_timeout([tmp_path], [LEAKED], use_keywords=False)
    finally:
        sock.close()
    skipped = _skipped(result)
    assert skipped[str(tmp_path / LEAKED)] == ("special-file", "fifo: not read")
    assert skipped[str(tmp_path / "介護予防_利用者名簿 - コピー.xlsx")] == ("special-file", "socket: not read")
    assert list(hit_paths(result)) == [str(tmp_path / "real" / LEAKED)]
    assert result.files_seen == 1


class _Meddling:
    """A LocalSource whose tree is changed by ``meddle(item)`` just before each item reaches the
    pipeline: makes a race (a file deleted or swapped for a FIFO after the listing) deterministic."""

    def __init__(self, src: LocalSource, meddle) -> None:
        self.text, self._src, self._meddle = src.text, src, meddle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def describe(self):
        return self._src.describe()

    def entries(self):
        for item in self._src.entries():
            self._meddle(item)
            yield item


def test_file_replaced_by_fifo_after_listing_does_not_block(tmp_path: Path) -> None:
    """The race the O_NONBLOCK open guards against: listed as a file, a FIFO when opened."""
    write_files(tmp_path, {LEAKED: b"x"})
    src = LocalSource(str(tmp_path))

    def racing(item: object) -> None:
        if isinstance(item, LocalEntry):
            os.unlink(tmp_path / LEAKED)
            os.mkfifo(tmp_path / LEAKED)

    result = _scan_with_timeout([tmp_path], [LEAKED], sources=[_Meddling(src, racing)], use_keywords=False)
    assert _skipped(result)[str(tmp_path / LEAKED)][0] == "special-file"
    assert [h.status for h in result.hits] == ["special-file"]


def test_symlinks_recorded_never_followed_or_counted(tmp_path: Path) -> None:
    write_files(tmp_path, {f"data/{LEAKED}": b"x"})
    (tmp_path / "data" / "loop").symlink_to(tmp_path)  # a directory loop through a link
    (tmp_path / "a").symlink_to(tmp_path / "b")  # a link loop: a -> b -> a
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / ("Copy of " + LEAKED)).symlink_to(tmp_path / "data" / LEAKED)  # a link with a hit name
    (tmp_path / "dangling.xlsx").symlink_to(tmp_path / "nowhere")
    result = _scan_with_timeout([tmp_path], [LEAKED], use_keywords=False)
    links = {link.location.display(): link.target for link in result.links}
    assert links == {
        str(tmp_path / "data" / "loop"): str(tmp_path),
        str(tmp_path / "a"): str(tmp_path / "b"),
        str(tmp_path / "b"): str(tmp_path / "a"),
        str(tmp_path / ("Copy of " + LEAKED)): str(tmp_path / "data" / LEAKED),
        str(tmp_path / "dangling.xlsx"): str(tmp_path / "nowhere"),
    }
    assert list(hit_paths(result)) == [str(tmp_path / "data" / LEAKED)]
    assert result.files_seen == 1


def test_bind_mount_loop_is_walked_once(tmp_path: Path) -> None:
    """A folder bind-mounted inside itself (needs root and mount rights; skipped only when refused)."""
    write_files(tmp_path, {f"share/{LEAKED}": b"x", "share/inner/mnt/.keep": b""})
    share, mnt = tmp_path / "share", tmp_path / "share" / "inner" / "mnt"
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    done = subprocess.run(["mount", "--bind", str(share), str(mnt)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"bind mount not permitted here: {done.stderr.strip()}")
    try:
        result = _scan_with_timeout([share], [LEAKED], use_keywords=False)
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=True)
    assert _skipped(result) == {str(mnt): ("loop", "directory already walked (bind mount or loop)")}
    assert list(hit_paths(result)) == [str(share / LEAKED)]


def test_cp932_names_decoded_matched_and_raw_bytes_kept(tmp_path: Path) -> None:
    raw_file = write_raw(tmp_path / "PC06", LEAKED.encode("cp932"), b"old client")
    raw_dir_file = write_raw(Path(os.fsdecode(os.fsencode(tmp_path) + b"/" + "旧データ".encode("cp932"))),
                             "Copy of 介護予防_利用者名簿.xlsx".encode(), b"old copy")
    with pytest.raises(UnicodeDecodeError):
        LEAKED.encode("cp932").decode("utf-8")
    result = scan_dirs([tmp_path], [LEAKED], use_keywords=False)
    by_path = {h.location.display(): h for h in result.hits}
    assert set(by_path) == {f"{tmp_path}/PC06/{LEAKED}", f"{tmp_path}/旧データ/Copy of 介護予防_利用者名簿.xlsx"}
    first = by_path[f"{tmp_path}/PC06/{LEAKED}"]
    assert first.reasons == ["name"] and first.location.raw_path_hex == raw_file.hex()
    second = by_path[f"{tmp_path}/旧データ/Copy of 介護予防_利用者名簿.xlsx"]
    assert second.reasons == ["name-variant"] and second.location.raw_path_hex == raw_dir_file.hex()
    assert all(h.status == "ok" and h.digests is not None for h in result.hits)


def test_decode_name_order() -> None:
    assert decode_name("名簿.xlsx".encode()) == ("名簿.xlsx", True)
    assert decode_name("名簿.xlsx".encode("cp932")) == ("名簿.xlsx", False)
    text, utf8 = decode_name(b"\x81 .xlsx")  # neither UTF-8 nor cp932: still a string, bytes visible
    assert not utf8 and text.endswith(".xlsx") and "\\x" in text


def test_vanished_file_is_recorded(tmp_path: Path) -> None:
    """Deleted between the listing and the read: made deterministic by deleting inside the walk."""
    write_files(tmp_path, {LEAKED: b"gone soon", f"kept/{LEAKED}": b"kept"})
    src = LocalSource(str(tmp_path))

    def vanish(item: object) -> None:
        if isinstance(item, LocalEntry) and item.location.display() == str(tmp_path / LEAKED):
            os.unlink(tmp_path / LEAKED)

    result = scan_dirs([tmp_path], [LEAKED], sources=[_Meddling(src, vanish)], use_keywords=False)
    assert _skipped(result) == {str(tmp_path / LEAKED): ("vanished", "file disappeared during the scan")}
    status = {h.location.display(): h.status for h in result.hits}
    assert status == {str(tmp_path / LEAKED): "vanished", str(tmp_path / "kept" / LEAKED): "ok"}


def test_vanished_directory_is_recorded(tmp_path: Path) -> None:
    write_files(tmp_path, {"a/x.txt": b"", "b/y.txt": b""})
    items = []
    for item in LocalSource(str(tmp_path)).entries():
        items.append(item)
        if isinstance(item, LocalEntry) and item.name == "x.txt":
            shutil.rmtree(tmp_path / "b")
    vanished = [i for i in items if isinstance(i, Skipped)]
    assert [(s.location.path, s.reason) for s in vanished] == [(str(tmp_path / "b"), "vanished")]


def test_tree_deeper_than_path_max(tmp_path: Path) -> None:
    deep_dirs(tmp_path / "deep", total_bytes=5000)
    write_files(tmp_path, {"shallow/" + LEAKED: b"deep copy\n"})
    result = scan_dirs([tmp_path], [LEAKED], use_keywords=False)
    paths = sorted(hit_paths(result), key=len)
    assert len(paths) == 2 and len(os.fsencode(paths[1])) > 4096
    assert all(h.status == "ok" for h in result.hits)
    sha = {h.digests.sha256 for h in result.hits}
    assert len(sha) == 1  # the deep file was read (by dir_fd steps) and equals the shallow one
    assert result.skipped == []


def test_walk_is_read_only(tmp_path: Path) -> None:
    """No write and no access-time change: atime set in the past (relatime would update it on a read)."""
    write_files(tmp_path, {f"d/{LEAKED}": b"evidence", "d/other.txt": b"o"})
    paths = sorted(tmp_path.rglob("*"))  # list first: listing a folder is itself a read
    for p in [tmp_path / "d" / LEAKED, tmp_path / "d"]:
        os.utime(p, (1_000_000_000, 1_400_000_000))

    def times() -> dict[Path, tuple[int, int, int]]:
        return {p: (p.stat().st_atime_ns, p.stat().st_mtime_ns, p.stat().st_ctime_ns) for p in paths}

    before = times()
    result = scan_dirs([tmp_path], [LEAKED], use_keywords=False)
    assert len(result.hits) == 1 and result.hits[0].digests is not None
    assert times() == before


_PERM_CHILD = r"""
import json, os, sys
sys.path[:0] = [{root!r}, {tests!r}]
from pathlib import Path
from scanner.contenttype import content_type
content_type(b"PK\x03\x04")  # load libmagic before dropping privileges
from tree_data import scan_dirs, LEAKED
scan_dirs([Path({tree!r})], [LEAKED], use_keywords=False)  # load every lazy import while still allowed
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
import tempfile
r = scan_dirs([Path({tree!r})], [LEAKED], use_keywords=False, out=Path(tempfile.mkdtemp()))
print(json.dumps({{"uid": os.geteuid(),
    "hits": {{h.location.display(): h.status for h in r.hits}},
    "skipped": {{s.location.display(): s.reason for s in r.skipped}}}}))
"""


def test_permission_errors_are_recorded() -> None:
    """Unreadable folder and file. As root, the scan runs in a child that drops to nobody (65534)."""
    tree = Path(tempfile.mkdtemp(prefix="leakscan-perm-", dir="/tmp"))
    try:
        os.chmod(tree, 0o755)
        write_files(tree, {f"open/{LEAKED}": b"readable", f"locked/{LEAKED}": b"secret",
                           "noread/介護予防_利用者名簿 - コピー.xlsx": b"secret"})
        for p in tree.rglob("*"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        os.chmod(tree / "locked", 0o000)
        os.chmod(tree / "noread" / "介護予防_利用者名簿 - コピー.xlsx", 0o000)
        root = Path(__file__).resolve().parent.parent
        code = _PERM_CHILD.format(root=str(root), tests=str(root / "tests"), tree=str(tree))
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout)
        assert out["uid"] != 0
        noread = str(tree / "noread" / "介護予防_利用者名簿 - コピー.xlsx")
        assert out["hits"] == {str(tree / "open" / LEAKED): "ok", noread: "unreadable"}
        assert out["skipped"] == {str(tree / "locked"): "unreadable", noread: "unreadable"}
    finally:
        for p in [tree / "locked", tree / "noread" / "介護予防_利用者名簿 - コピー.xlsx"]:
            os.chmod(p, 0o755)
        shutil.rmtree(tree)


def test_links_and_entries_types(tmp_path: Path) -> None:
    write_files(tmp_path, {"f.txt": b""})
    (tmp_path / "l").symlink_to("f.txt")
    items = list(LocalSource(str(tmp_path)).entries())
    kinds = sorted(type(i).__name__ for i in items)
    assert kinds == ["Link", "LocalEntry"]
    link = next(i for i in items if isinstance(i, Link))
    assert link.target == "f.txt"


def test_only_candidates_are_stat_or_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap checks first: a name that matches no rule and that no inspector's wants_name accepts is
    neither stat'ed nor opened; a name an inspector's wants_name accepts is stat'ed and ``wants`` asked."""
    write_files(tmp_path, {LEAKED: b"hit", "a.doc": b"x" * 10, "b.log": b"y" * 20, "c.dat": b"z" * 30})
    stats: list[str] = []
    opens: list[str] = []
    real_stat, real_open = LocalEntry.stat, LocalEntry.open
    real_sized, real_head = LocalEntry.stat_sized, LocalEntry.quick_head
    monkeypatch.setattr(LocalEntry, "stat", lambda self: stats.append(self.name) or real_stat(self))
    monkeypatch.setattr(LocalEntry, "stat_sized", lambda self: stats.append(self.name) or real_sized(self))
    monkeypatch.setattr(LocalEntry, "open", lambda self: opens.append(self.name) or real_open(self))
    monkeypatch.setattr(LocalEntry, "quick_head", lambda self, size: opens.append(self.name) or real_head(self, size))

    class DatOnly:
        name = "dat-only"
        asked: list[tuple[str, int]] = []

        def wants_name(self, name: str) -> bool:
            return name.endswith(".dat")

        def wants(self, entry, size, head) -> bool:
            self.asked.append((entry.name, size))
            return False

        def inspect(self, entry, data, ctype, ctx):  # pragma: no cover - never wanted here
            raise AssertionError("not wanted")

    from scanner.config import ScanConfig
    from scanner.pipeline import run_scan

    config = ScanConfig(sources=[str(tmp_path)], out=tmp_path / "out", names=[LEAKED], use_keywords=False)
    result = run_scan(config, [LocalSource(str(tmp_path))], inspectors=[DatOnly()])
    assert sorted(stats) == sorted([LEAKED, "c.dat"])
    assert opens == [LEAKED]
    assert DatOnly.asked == [("c.dat", 30), (LEAKED, 3)]  # a name hit is read anyway: inspectors are asked
    assert result.files_seen == 4 and [h.location.path for h in result.hits] == [str(tmp_path / LEAKED)]


def test_a_joined_split_series_is_stat_and_read_as_joined_by_the_quick_paths(tmp_path: Path) -> None:
    """The walk's one-call stat and head read (``stat_sized``, ``quick_head``) give what ``stat`` and ``open`` of the
    entry give: a whole byte-split CSV's first part is the joined file (its size the parts' sum), not its own file."""
    from test_split11_series import _split

    from scanner.sources.base import NameBatch

    data = ("氏名,住所,電話番号\n" + "".join(f"山田{i}郎,東京都千代田区{i}-1,03-1234-{i:04d}\n" for i in range(200))).encode()
    _split(tmp_path, "customers.csv", data, parts=3)
    checked = 0
    for item in LocalSource(str(tmp_path)).batches():  # checked while the walk is in the folder
        for e in item if isinstance(item, NameBatch) else ():
            size, stat_of = e.stat_sized()
            assert size == e.stat().size and stat_of() == e.stat()
            with e.open() as f:
                head = f.read(512)
            assert e.quick_head(512) in (None, head)
            if getattr(e, "joined", False):
                assert size == len(data) and e.quick_head(512) is None  # read through its own ``open``
            else:
                assert size < len(data) and e.quick_head(512) == head
            checked += 1
    assert checked == 3



def test_the_quick_head_read_reads_again_after_a_short_read() -> None:
    """A FUSE or network mount may give fewer bytes than asked before the end of a file; the quick head read then
    reads again, as ``open().read(n)`` does (review15b #4: it took the first short read as the whole head). A pipe
    written 7 bytes at a time gives such short reads for real (no patched ``os.read``: the process's other threads
    share it, a zygote's keeper among them)."""
    from scanner.sources.local import _read_full

    data = ("氏名,住所,電話番号\n" + "山田 太郎,東京都小金井市本町1-2-3,042-123-4567\n" * 20).encode()
    r, w = os.pipe()

    def write_slowly() -> None:
        with os.fdopen(w, "wb", buffering=0) as f:
            for at in range(0, len(data), 7):
                f.write(data[at:at + 7])

    writer = threading.Thread(target=write_slowly)
    writer.start()
    try:
        assert _read_full(r, 512) == data[:512]
        assert _read_full(r, 10_000) == data[512:]  # up to the end when fewer bytes are left than asked
    finally:
        writer.join()
        os.close(r)
