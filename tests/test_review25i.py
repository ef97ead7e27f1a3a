"""review25i: images25's tar resync and exit-3 rule pushed with damage real media make (one bit flipped in a size
field) and with tars real tools write (concatenated with ``cat``, bytes appended after the end blocks).

Every tar is written by GNU tar; what is expected is what GNU tar lists (``tar -t``, ``tar -t -i``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.image_data import LEAKED, leaked_workbook, sha256
from tests.test_images25 import _codes, _tar, scan

needs_tar = pytest.mark.skipif(shutil.which("tar") is None, reason="GNU tar not installed")


@needs_tar
def test_a_size_field_one_bit_off_does_not_step_over_whole_members(tmp_path: Path) -> None:
    """tiny.tar (GNU tar, ustar): f1.txt, f2.txt, the named file, f3.txt ... each member one header and one data
    block. One bit flipped in f2.txt's size field ('0' -> '1': 8**4 bytes more) breaks its checksum and gives a
    size that still reads: 4099. The step over it lands on a whole header 4 members on, so the resync read on
    from there: the named file and f3.txt (whole headers in between) were never read, the row said only "its
    bytes skipped", exit 0: a false clean. GNU tar lists every member after f2.txt. Now: the whole headers after
    the damaged one chain, member by member, to the place the size gives: they are this tar's own members (the size
    is wrong), read block by block; the named file found, exit 1."""
    tree = tmp_path / "tree"
    tree.mkdir()
    names = ["f1.txt", "f2.txt", LEAKED, "f3.txt", "f4.txt", "f5.txt", "f6.txt"]
    for n in names:
        (tree / n).write_bytes(b"%s\n" % n.encode()[:2])
    leaked = b"x\n"
    (tree / LEAKED).write_bytes(leaked)
    data = bytearray(_tar(names, tree))
    at = data.index(b"f2.txt\x00")
    assert data[at + 124:at + 136] == b"00000000003\x00"
    data[at + 124 + 6] ^= 0x01  # one bit: size 3 -> 4099
    share = tmp_path / "share"
    share.mkdir()
    (share / "tiny.tar").write_bytes(bytes(data))
    listed = subprocess.run(["tar", "-tf", str(share / "tiny.tar")], capture_output=True, text=True)
    assert LEAKED in listed.stdout.split() and "f3.txt" in listed.stdout.split()  # GNU tar's own reading
    rc, doc, err = scan(share, tmp_path / "out")
    read = sorted(h["inner_path"] for h in doc["files"])
    assert read == [LEAKED], doc["skipped"]
    assert {h["sha256"] for h in doc["files"]} == {sha256(leaked)}
    assert [c["code"] for s in doc["skipped"] if s["inner_path"] == str(share / "tiny.tar")
            for c in s["detail_codes"]] == ["tar-skipped-past"], doc["skipped"]
    assert rc == 1, err


@needs_tar
def test_a_tar_inside_a_member_whose_size_reads_is_still_stepped_over(tmp_path: Path) -> None:
    """The other side of the rule above: a damaged header (checksum) whose size is right, over a member that is a
    tar itself: the inner tar's headers chain to its own end blocks, not to the place the size gives, so the
    member is stepped over whole (its members not taken for the outer's), as images25 made it."""
    inner, tree = tmp_path / "inner", tmp_path / "tree"
    inner.mkdir()
    tree.mkdir()
    (inner / "inner.txt").write_bytes(b"inner\n" * 3)
    (tree / "inner.tar").write_bytes(_tar(["inner.txt"], inner))
    (tree / "first.txt").write_bytes(b"first\n")
    leaked = leaked_workbook(seed=33, rows=4)
    (tree / LEAKED).write_bytes(leaked)
    data = bytearray(_tar(["first.txt", "inner.tar", LEAKED], tree))
    data[data.index(b"inner.tar\x00") + 148] ^= 0x01
    share = tmp_path / "share"
    share.mkdir()
    (share / "sum.tar").write_bytes(bytes(data))
    rc, doc, err = scan(share, tmp_path / "out")
    assert sorted(h["inner_path"] for h in doc["files"]) == [LEAKED], doc["skipped"]
    # images26: the member stepped over is read as its size says (inner.tar, marked damaged, its members its own)
    assert _codes(doc) == ["tar-member-read-damaged"] * 2, doc["skipped"]
    assert rc == 1, err


@needs_tar
def test_bytes_after_a_tars_end_blocks_are_no_unlisted_archive_and_a_second_tar_is_read(tmp_path: Path) -> None:
    """Tars real tools write with bytes after the end-of-archive blocks: a Samsung firmware ``.tar.md5`` (the tar,
    then ``md5sum``'s line appended), a tar with stray bytes after its end, and two tars joined with ``cat`` (GNU
    tar ``-i`` lists both). images25 made every one of them an unlisted archive (``tar-members-after-not-read``: "a
    zeroed header block"), exit 3, though GNU tar lists the first two whole and nothing of them is members; the
    second tar's members were never read. Now: bytes after two zero blocks with no tar header after them are said
    (``tar-data-after-end``, unsupported) and the scan stays complete; a whole header after the end blocks is read
    on (``tar-after-end``): the named file in the second tar found."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for n in range(3):
        (tree / f"m{n}.txt").write_bytes(b"member %d\n" % n * 20)
    leaked = leaked_workbook(seed=34, rows=4)
    (tree / LEAKED).write_bytes(leaked)
    first, second = _tar(["m0.txt", "m1.txt"], tree), _tar(["m2.txt", LEAKED], tree)
    share = tmp_path / "share"
    share.mkdir()
    (share / "AP_firmware.tar.md5").write_bytes(first + b"0123456789abcdef0123456789abcdef  AP_firmware.tar\n")
    (share / "stray.tar").write_bytes(first + bytes(range(256)) * 3)
    (share / "joined.tar").write_bytes(first + second)
    both = subprocess.run(["tar", "-t", "-i", "-f", str(share / "joined.tar")], capture_output=True, text=True)
    assert LEAKED in both.stdout.split()  # GNU tar -i: the second tar's members
    rc, doc, err = scan(share, tmp_path / "out")
    assert [h["path"].rsplit("/", 1)[1] for h in doc["files"] if h["inner_path"] == LEAKED] == [f"joined.tar » {LEAKED}"]
    rows = sorted((s["path"].rsplit("/", 1)[1], s["reason"], c["code"]) for s in doc["skipped"] for c in s["detail_codes"])
    assert rows == [("AP_firmware.tar.md5", "unsupported", "tar-data-after-end"),
                    ("joined.tar", "corrupt", "tar-after-end"),
                    ("stray.tar", "unsupported", "tar-data-after-end")], doc["skipped"]
    assert rc == 1 and doc["scan"]["complete"] is True, err


@needs_tar
def test_a_tar_whose_first_header_is_damaged_is_read_on_past_it(tmp_path: Path) -> None:
    """One bit of the FIRST header's size flipped: tarfile refused the whole tar ("bad checksum" at byte 0), the
    archive listed corrupt, every member unread, exit 0 (damage at the second header was read on past, or exit 3):
    a false clean. GNU tar skips to the next header and lists the rest. Now the same resync runs at byte 0."""
    tree = tmp_path / "tree"
    tree.mkdir()
    names = ["f1.txt", "f2.txt", LEAKED, "f3.txt"]
    for n in names:
        (tree / n).write_bytes(b"%s\n" % n.encode()[:2])
    data = bytearray(_tar(names, tree))
    data[124 + 6] ^= 0x01  # f1.txt's size 3 -> 4099, its checksum broken
    share = tmp_path / "share"
    share.mkdir()
    (share / "first.tar").write_bytes(bytes(data))
    listed = subprocess.run(["tar", "-tf", str(share / "first.tar")], capture_output=True, text=True)
    assert LEAKED in listed.stdout.split()  # GNU tar's own reading
    rc, doc, err = scan(share, tmp_path / "out")
    assert sorted(h["inner_path"] for h in doc["files"]) == [LEAKED], doc["skipped"]
    assert [c["code"] for s in doc["skipped"] if s["inner_path"] == str(share / "first.tar")
            for c in s["detail_codes"]] == ["tar-skipped-past"], doc["skipped"]
    assert rc == 1, err
