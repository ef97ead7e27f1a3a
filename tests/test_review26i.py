"""review26i: images26's change tried with the inputs an investigator meets (GNU tar archives joined with ``cat``,
GNU long names and pax headers damaged, lz4 streams cut, ...). Every archive is written by GNU tar (or the lz4
tool); what is expected is what ``tar -i -t`` lists for it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import sha256

needs_tar = pytest.mark.skipif(shutil.which("tar") is None, reason="GNU tar not installed")

LONG_DIR = "d" * 60 + "/" + "e" * 60


def _scan(share: Path, out: Path, known: list[bytes]) -> tuple[int, dict]:
    listed = out.parent / f"{out.name}-known.txt"
    listed.write_text("".join(sha256(b) + "\n" for b in known))
    done = run_leakscan("scan", str(share), "--known-hashes", str(listed), "--out", str(out), "--quiet", "--workers",
                        "1")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _tar(cwd: Path, fmt: str, *names: str) -> bytes:
    return subprocess.run(["tar", "--no-recursion", f"--format={fmt}", "-cf", "-", *names], cwd=cwd,
                          capture_output=True, check=True).stdout


@pytest.fixture(scope="module")
def tar_cases(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One scan of the damaged tars below (each file its own case), with every member's content a known hash."""
    if shutil.which("tar") is None:
        pytest.skip("GNU tar not installed")
    top = tmp_path_factory.mktemp("review26i-tar")
    src, share = top / "src", top / "share"
    (src / "dir").mkdir(parents=True)
    (src / LONG_DIR).mkdir(parents=True)
    share.mkdir()
    contents = {"dir/a.txt": b"alpha member\n", "dir/b.txt": b"beta member\n", "c.txt": b"gamma member\n",
                "after.txt": b"after member\n", f"{LONG_DIR}/long.txt": b"long member\n"}
    for name, data in contents.items():
        (src / name).write_bytes(data)
    first = bytearray(_tar(src, "gnu", "dir", "dir/a.txt", "dir/b.txt"))
    second = _tar(src, "gnu", "c.txt")
    sized = bytearray(first)
    sized[124 + 5] = ord("x")  # the directory header's size field no longer reads (its checksum fails too)
    summed = bytearray(first)
    summed[148] ^= 1
    (share / "dirsize.tar").write_bytes(bytes(sized) + second)  # two tars joined with cat, the first's head damaged
    (share / "dirsum.tar").write_bytes(bytes(summed) + second)
    negative = bytearray(first)  # the directory's header whole, its size negative (base-256 -2^40)
    negative[124:136] = b"\xff" + (-(1 << 40)).to_bytes(12, "big", signed=True)[1:]
    negative[148:156] = b" " * 8
    negative[148:156] = f"{sum(negative[:512]):06o}\0 ".encode()
    (share / "dirneg.tar").write_bytes(bytes(negative) + second)
    gnu = bytearray(_tar(src, "gnu", "after.txt", f"{LONG_DIR}/long.txt", "c.txt"))
    at = gnu.index(b"././@LongLink")
    gnu[at + 148] ^= 1  # the GNU long-name header's checksum broken, its size whole
    (share / "longsum.tar").write_bytes(bytes(gnu))
    pax = bytearray(_tar(src, "pax", "after.txt", f"{LONG_DIR}/long.txt", "c.txt"))
    assert pax[156:157] == b"x"
    pax[148] ^= 1  # after.txt's pax extended header damaged
    (share / "paxsum.tar").write_bytes(bytes(pax))
    rc, doc = _scan(share, top / "out", list(contents.values()))
    return {"rc": rc, "doc": doc, "share": share}


def _members(cases: dict, name: str) -> list[str]:
    return sorted(h["path"].split(f"/share/{name} » ", 1)[1] for h in cases["doc"]["files"]
                  if h["path"].split("/share/", 1)[1].split(" » ")[0] == name)


def _codes(cases: dict, name: str) -> list[str]:
    return [c.get("code") for s in cases["doc"]["skipped"] if s["path"].split("/share/", 1)[1].split(" » ")[0] == name
            for c in s["detail_codes"]]


@needs_tar
def test_a_damaged_directory_header_before_a_joined_tar_keeps_its_members_the_outers(tar_cases: dict) -> None:
    """dirsize.tar: ``tar cf`` of dir/, dir/a.txt, dir/b.txt, then a second tar (c.txt) joined with cat; the
    directory's header damaged so its size does not read. images26 read the directory's "data" up to the first
    tar's end blocks as a tar inside it: a.txt and b.txt named ``dirsize.tar » dir/ » dir/a.txt`` and a ``dir/``
    member listed corrupt. A directory holds no data (``tar -i -t`` lists dir/a.txt, dir/b.txt, c.txt as the
    archive's own): named as dirsum.tar (size whole, checksum broken) names them."""
    assert _members(tar_cases, "dirsum.tar") == ["c.txt", "dir/a.txt", "dir/b.txt"]
    assert _members(tar_cases, "dirsize.tar") == ["c.txt", "dir/a.txt", "dir/b.txt"], tar_cases["doc"]["files"]
    assert _members(tar_cases, "dirneg.tar") == ["c.txt", "dir/a.txt", "dir/b.txt"], tar_cases["doc"]["files"]
    assert "tar-member-read-damaged" not in _codes(tar_cases, "dirsize.tar")


@needs_tar
def test_a_damaged_long_name_or_pax_header_is_not_listed_as_a_member(tar_cases: dict) -> None:
    """A GNU ``././@LongLink`` header or a pax ``x`` header whose checksum fails but whose size reads: images26 read
    its data (a path, pax records) as a member of its own, ``././@LongLink`` / ``./PaxHeaders/after.txt`` listed
    ``corrupt`` as if a file of the archive were damaged. They are the next member's metadata, no file: skipped by
    their size, said on the archive (``tar-skipped-past``), as GNU tar skips them; the members after them read."""
    assert _members(tar_cases, "longsum.tar") == ["after.txt", "c.txt", "d" * 60 + "/" + "e" * 39], \
        tar_cases["doc"]["files"]
    assert _members(tar_cases, "paxsum.tar") == ["after.txt", "c.txt", f"{LONG_DIR}/long.txt"], \
        tar_cases["doc"]["files"]
    assert _codes(tar_cases, "longsum.tar") == ["tar-skipped-past"]
    assert _codes(tar_cases, "paxsum.tar") == ["tar-skipped-past"]


@needs_tar
@pytest.mark.skipif(shutil.which("lz4") is None, reason="lz4 not installed")
def test_a_cut_legacy_lz4_tar_keeps_the_members_before_the_cut_exact(tmp_path: Path) -> None:
    """``lz4 -l`` (the legacy frame: 8 MiB blocks, no end mark, no checksum) of a tar of first.txt, 9 MB of random
    bytes and last.txt, cut inside its second block (cut.tar.lz4) and inside the second block's 4-byte length
    (cutlen.tar.lz4). images26 called the first cut a damaged stream (``tar-stream-damaged``: first.txt, read whole
    from the first block, listed ``corrupt`` "may be damaged") and the second "data after the end of the stream ...
    what the stream holds is whole". A cut is a cut, as a cut gzip or LZ4 frame is said: first.txt ``ok`` with its
    hash, the tar stopped in big.bin (``tar-stopped``), nothing called whole."""
    import random

    tree, share = tmp_path / "tree", tmp_path / "share"
    tree.mkdir()
    share.mkdir()
    (tree / "first.txt").write_bytes(b"first member\n")
    (tree / "big.bin").write_bytes(random.Random(26).randbytes(9_000_000))
    (tree / "last.txt").write_bytes(b"last member\n")
    legacy = subprocess.run(["lz4", "-q", "-l", "-c"], input=_tar(tree, "gnu", "first.txt", "big.bin", "last.txt"),
                            capture_output=True, check=True).stdout
    block = int.from_bytes(legacy[4:8], "little")
    (share / "cut.tar.lz4").write_bytes(legacy[:8 + block + 4 + 1000])
    (share / "cutlen.tar.lz4").write_bytes(legacy[:8 + block + 2])
    rc, doc = _scan(share, tmp_path / "out", [b"first member\n"])
    assert sorted((h["path"].split("/share/")[1], h["status"]) for h in doc["files"]) == [
        ("cut.tar.lz4 » first.txt", "ok"), ("cutlen.tar.lz4 » first.txt", "ok")], doc["files"]
    for name in ("cut.tar.lz4", "cutlen.tar.lz4"):
        codes = [c.get("code") for s in doc["skipped"] if s["path"].split("/share/")[1] == name for c in s["detail_codes"]]
        assert codes == ["tar-stopped"], (name, doc["skipped"])
    assert rc == 1


@pytest.mark.skipif(shutil.which("lz4") is None, reason="lz4 not installed")
def test_a_legacy_lz4_stream_read_in_small_pieces_costs_what_the_frame_format_does(tmp_path: Path) -> None:
    """A tar is read from its stream 10 KiB at a time. images26's legacy reader inflated a whole 8 MiB block, then
    gave it out by slicing the rest off each time (a copy of up to 8 MiB per 10 KiB read): 100 MB of ``lz4 -l`` took
    2.63 s of CPU against 0.15 s for the same bytes in the LZ4 frame format. Measured in CPU time (the machine is
    shared), the legacy stream must cost no more than a few times the frame's."""
    import random
    import time

    from scanner.inspectors.archive_formats import _multistream_reader

    raw = random.Random(27).randbytes(40_000_000)
    costs = {}
    for flags in (("-l",), ()):
        packed = subprocess.run(["lz4", "-q", "-c", *flags], input=raw, capture_output=True, check=True).stdout
        started, got = time.process_time(), bytearray()
        reader = _multistream_reader(packed)
        while chunk := reader.read(10240):
            got += chunk
        costs[flags] = time.process_time() - started
        assert got == raw
    assert costs[("-l",)] < 4 * costs[()] + 0.1, costs


def _cpio(names: list[str], cwd: Path) -> bytes:
    return subprocess.run(["cpio", "-o", "--quiet", "-H", "newc"], cwd=cwd, input="\n".join(names).encode() + b"\n",
                          capture_output=True, check=True).stdout


@pytest.mark.skipif(shutil.which("cpio") is None, reason="GNU cpio not installed")
def test_a_damaged_empty_member_or_directory_before_a_second_cpio_holds_no_cpio(tmp_path: Path) -> None:
    """An initramfs as mkinitramfs joins it: part 1 (newc: a.txt, then an empty file or a directory ``sub`` and
    sub/s.txt, then c.txt) and part 2 (the leaked workbook); in part 1 the empty file's or the directory's header
    damaged (a digit of its mtime). Their size field still reads 0: the skip lands at their data's start, which is
    the next member's header. images26 took that for a cpio inside the damaged member: c.txt named
    ``empty.cpio » empty.txt » c.txt``, sub/s.txt ``dir.cpio » sub » sub/s.txt``, part 1's trailer called a nested
    cpio's and part 2 read as part 1. A member of 0 bytes holds no cpio: they are part 1's own (``cpio -t`` of part 1
    lists them), part 2 its own archive."""
    from tests.image_data import LEAKED, leaked_workbook

    one, two, share = tmp_path / "one", tmp_path / "two", tmp_path / "share"
    for folder in (one / "sub", two, share):
        folder.mkdir(parents=True)
    texts = {"a.txt": b"alpha " * 20, "c.txt": b"gamma " * 20, "sub/s.txt": b"sub file " * 20}
    for name, data in texts.items():
        (one / name).write_bytes(data)
    (one / "empty.txt").write_bytes(b"")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "inner.txt").write_bytes(b"inner member " * 20)
    (one / "inner.cpio").write_bytes(_cpio(["inner.txt"], inner))
    leaked = leaked_workbook(seed=48, rows=6)
    (two / LEAKED).write_bytes(leaked)
    second = _cpio([LEAKED], two)
    for case, names, damaged in (("empty.cpio", ["a.txt", "empty.txt", "c.txt"], b"empty.txt\0"),
                                 ("dir.cpio", ["a.txt", "sub", "sub/s.txt"], b"sub\0"),
                                 ("nested.cpio", ["a.txt", "inner.cpio", "c.txt"], b"inner.cpio\0")):
        part = bytearray(_cpio(names, one))
        at = part.index(damaged) - 110
        part[at + 46 + 3] = ord("x")  # a digit of its mtime: the header no longer reads; its size field does
        (share / case).write_bytes(bytes(part) + second)
    rc, doc = _scan(share, tmp_path / "out", [*texts.values(), leaked, b"inner member " * 20])
    assert sorted(h["path"].split("/share/")[1] for h in doc["files"]) == [
        "dir.cpio » a.txt", "dir.cpio » sub/s.txt", f"dir.cpio » {LEAKED}",
        "empty.cpio » a.txt", "empty.cpio » c.txt", f"empty.cpio » {LEAKED}",
        "nested.cpio » a.txt", "nested.cpio » c.txt", "nested.cpio » inner.cpio » inner.txt",
        f"nested.cpio » {LEAKED}"], doc["skipped"]
    rows = [s for s in doc["skipped"] if not s["path"].split("/share/")[1].startswith("nested.cpio")]
    assert [c.get("code") for s in rows for c in s["detail_codes"]] == ["cpio-skipped-to-header"] * 2
    assert not any("TRAILER" in s["detail"] for s in rows), rows
    # a cpio inside a member whose header is damaged (its size field whole) is still that member's (images25)
    assert any("TRAILER" in s["detail"] for s in doc["skipped"] if "nested.cpio" in s["path"]), doc["skipped"]


@pytest.mark.skipif(any(shutil.which(t) is None for t in ("sfdisk", "mke2fs", "fls")), reason="sfdisk, mke2fs, fls")
def test_a_moved_partition_whose_file_system_lists_nothing_is_not_a_silent_clean(tmp_path: Path) -> None:
    """images26 turns p2's "no file system" row into a note once its file system, found where p1 ends, is walked
    (``p2-at-2097152``). The moved ext2's root directory block zeroed: TSK opens it and lists nothing (``fls``
    shows only $OrphanFiles). p2's row is dropped all the same; what keeps this from a silent clean is the walked
    volume's own ``fs-lists-nothing`` row, as for any partition whose file system lists nothing (exit 0 as there:
    the same disk with p2 unmoved ends the same way)."""
    from tests.test_images25 import _move_gpt_start

    disk = tmp_path / "disk.raw"
    disk.write_bytes(b"")
    subprocess.run(["truncate", "-s", "20M", str(disk)], check=True)
    subprocess.run(["sfdisk", "-q", str(disk)], input=b"label: gpt\nstart=2048, size=8192\nstart=10240, size=8192\n",
                   check=True)
    for n, start in ((1, 2048), (2, 10240)):
        tree = tmp_path / f"t{n}"
        tree.mkdir()
        (tree / f"p{n}.txt").write_bytes(b"partition %d\n" % n)
        subprocess.run(["mke2fs", "-q", "-t", "ext2", "-b", "1024", "-d", str(tree), "-E", f"offset={start * 512}",
                        str(disk), "4M"], check=True)
    root = subprocess.run(["istat", "-o", "10240", str(disk), "2"], capture_output=True, text=True, check=True).stdout
    block = int(root.split("Direct Blocks:", 1)[1].split()[0])
    data = bytearray(disk.read_bytes())
    data[10240 * 512 + block * 1024:10240 * 512 + (block + 1) * 1024] = bytes(1024)
    _move_gpt_start(data, 1, 6144)
    share = tmp_path / "share"
    share.mkdir()
    (share / "moved.raw").write_bytes(bytes(data))
    listed = subprocess.run(["fls", "-o", "10240", str(share / "moved.raw")], capture_output=True, text=True).stdout
    assert "p2.txt" not in listed
    rc, doc = _scan(share / "moved.raw", tmp_path / "out", [b"partition 2\n"])
    rows = [(s["path"].split("moved.raw » ")[1], [c.get("code") for c in s["detail_codes"]]) for s in doc["skipped"]]
    assert ("p2-at-2097152 (ext2) » /", ["fs-lists-nothing"]) in rows, rows
    volumes = {v["name"]: v for d in doc["scan"]["source_details"] for v in d.get("volumes", [])}
    assert "partition-walked-moved" in json.dumps(volumes["p2"])
    assert rc == 0
