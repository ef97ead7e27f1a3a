"""review24m: imgsweep24's cpio, tar and image changes tried with what an investigator's copies hold.

Every archive is written by GNU cpio itself; the expected reading is what GNU cpio lists."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import LEAKED, leaked_workbook, sha256

pytestmark = pytest.mark.skipif(shutil.which("cpio") is None, reason="GNU cpio not installed")


def scan(source: Path, out: Path, *extra: str) -> tuple[int, dict, str]:
    proc = run_leakscan("scan", str(source), "--name", LEAKED, "--out", str(out), "--quiet", "--workers", "1", *extra)
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, doc, proc.stderr


def _cpio(fmt: str, names: list[str], cwd: Path) -> bytes:
    return subprocess.run(["cpio", "-o", "--quiet", "-H", fmt], cwd=cwd, input="\n".join(names).encode() + b"\n",
                          capture_output=True, check=True).stdout


def test_a_damaged_header_before_a_nested_cpio_does_not_end_the_outer_archive_at_the_inner_trailer(
        tmp_path: Path) -> None:
    """backup.cpio holds first.txt, inner.cpio (itself a cpio) and the named file; inner.cpio's header has a size
    digit that is none. The resync (cpio-skipped-to-header) found the next magic inside inner.cpio's data: inner's
    members were read, inner's TRAILER!!! ended the outer archive, and the named file after it was never read while
    the row said "the members after it read" (exit 0; before the resync: "members after it not read"). Now the
    trailer of an archive inside the skipped member is said and the outer archive is read on to its own end."""
    inner_tree, tree = tmp_path / "inner", tmp_path / "tree"
    inner_tree.mkdir()
    tree.mkdir()
    (inner_tree / "inner.txt").write_bytes(b"inner\n" * 5)
    leaked = leaked_workbook(seed=31, rows=6)
    (tree / "first.txt").write_bytes(b"first\n")
    (tree / "inner.cpio").write_bytes(_cpio("newc", ["inner.txt"], inner_tree))
    (tree / LEAKED).write_bytes(leaked)
    data = bytearray(_cpio("newc", ["first.txt", "inner.cpio", LEAKED], tree))
    header = data.index(b"inner.cpio") - 110
    data[header + 54 + 2] = ord("x")  # its size: "Malformed number" to GNU cpio
    share = tmp_path / "share"
    share.mkdir()
    (share / "backup.cpio").write_bytes(bytes(data))
    rc, doc, err = scan(share, tmp_path / "out")
    assert [h["sha256"] for h in doc["files"] if h["inner_path"] == LEAKED] == [sha256(leaked)], doc["skipped"]
    assert rc == 1, err
    codes = [c["code"] for s in doc["skipped"] for c in s["detail_codes"]]
    assert codes == ["cpio-skipped-to-header", "cpio-skipped-to-header"], doc["skipped"]
    assert "cpio-inner-trailer" in json.dumps(doc["skipped"])


def _signed_checksums(data: bytes) -> bytes:
    """Every header's checksum rewritten as Sun's and NeXT's old tar wrote it: a sum of signed chars (what
    tarfile and GNU tar accept beside the unsigned sum). It differs from the unsigned sum when a name holds bytes
    over 0x7f, as a Shift_JIS name does."""
    import tarfile

    out, at = bytearray(data), 0
    while at + 512 <= len(out) and any(out[at:at + 512]):
        header = bytes(out[at:at + 512])
        unsigned, signed = tarfile.calc_chksums(header)
        out[at + 148:at + 156] = b"%06o\x00 " % signed
        size = int(header[124:136].strip(b"\x00 ") or b"0", 8)
        at += 512 + (size + 511) // 512 * 512
    return bytes(out)


def test_an_old_sun_tar_with_signed_checksums_and_no_extension_is_read(tmp_path: Path) -> None:
    """A V7 tar from an old Sun or NeXT tar sums its header as signed chars: with a Shift_JIS first name (a
    Japanese office's Solaris backup) that sum is not the unsigned one. tarfile and GNU tar read it; v7_tar asked
    for the unsigned sum only, so renamed with no extension or .bin it was no archive: the named file inside
    missed, exit 0 (named .tar it was read)."""
    tree = tmp_path / "tree"
    tree.mkdir()
    leaked = leaked_workbook(seed=32, rows=6)
    first = "メモ.txt".encode("cp932")
    (tree / os.fsdecode(first)).write_bytes(b"memo\n")  # the name's own bytes, as Solaris wrote them
    (tree / LEAKED).write_bytes(leaked)
    data = subprocess.run(["tar", "--format=v7", "-cf", "-", first, LEAKED], cwd=tree,
                          capture_output=True, check=True).stdout
    data = _signed_checksums(data)
    listed = subprocess.run(["tar", "-tf", "-"], input=data, capture_output=True)
    assert LEAKED in listed.stdout.decode(errors="replace") and not listed.stderr, listed.stderr
    share = tmp_path / "share"
    share.mkdir()
    for name in ("backup", "backup.bin", "backup.tar"):
        (share / name).write_bytes(data)
    rc, doc, err = scan(share, tmp_path / "out")
    hits = sorted(h["path"] for h in doc["files"] if h["sha256"] == sha256(leaked))
    assert hits == [f"{share}/{name} » {LEAKED}" for name in ("backup", "backup.bin", "backup.tar")], doc["skipped"]
    assert rc == 1, err


def test_a_cpio_with_every_header_shifted_is_listed_in_a_few_rows_not_one_per_member(tmp_path: Path) -> None:
    """A newc cpio sent through a text-mode transfer (every LF made CRLF): each member's data is longer than its
    header says, so every next header is found by the resync. Each skip was its own `corrupt` row: 40 rows (and
    `not_examined` 40) for one archive whose 40 members were all read, each saying "the member there not read".
    Now the first skips are named one by one and the rest counted in one row (as a split raw's missing pieces)."""
    tree = tmp_path / "tree"
    tree.mkdir()
    names = [f"f{i:02d}.txt" for i in range(40)]
    for name in names:
        (tree / name).write_bytes(b"line\n" * 20)
    data = _cpio("newc", names, tree).replace(b"\n", b"\r\n")
    share = tmp_path / "share"
    share.mkdir()
    (share / "backup.cpio").write_bytes(data)
    rc, doc, err = scan(share, tmp_path / "out")
    rows = [s for s in doc["skipped"] if s["path"] == f"{share}/backup.cpio"]
    codes = [c["code"] for s in rows for c in s["detail_codes"]]
    assert codes == ["cpio-skipped-to-header"] * 5 + ["cpio-skipped-more"], codes
    assert '"more": 35' in json.dumps(rows[-1]["detail_codes"]), rows[-1]
    assert doc["summary"]["not_examined"] == 6, doc["summary"]


def test_a_binary_cpio_header_read_out_of_step_is_no_header(tmp_path: Path) -> None:
    """An old binary cpio (GNU cpio -H bin) whose member has its name size zeroed: the next header is read where it
    is not (dfvfs checks no magic in a binary header), takes random bytes for a size past the end, and the archive
    stopped there: `members after it not read`, the named file missed, exit 0. GNU cpio skips the junk ("skipped
    10 bytes of junk") and reads the named file. Now a header past the end without its magic is taken for damage
    and the next whole header is looked for, as after any unreadable header."""
    tree = tmp_path / "tree"
    tree.mkdir()
    leaked = leaked_workbook(seed=33, rows=6)
    (tree / "a.txt").write_bytes(b"alpha\n")
    (tree / "photo.bin").write_bytes(bytes((i * 131 + 7) % 251 for i in range(60000)))
    (tree / LEAKED).write_bytes(leaked)
    data = bytearray(_cpio("bin", ["a.txt", "photo.bin", LEAKED], tree))
    header = data.index(b"photo.bin") - 26
    data[header + 20:header + 22] = b"\x00\x00"  # its name size
    listed = subprocess.run(["cpio", "-it"], input=bytes(data), capture_output=True)
    assert b"junk" in listed.stderr and LEAKED.encode() in listed.stdout, listed.stderr
    share = tmp_path / "share"
    share.mkdir()
    (share / "backup.cpio").write_bytes(bytes(data))
    rc, doc, err = scan(share, tmp_path / "out")
    assert [h["sha256"] for h in doc["files"] if h["inner_path"] == LEAKED] == [sha256(leaked)], doc["skipped"]
    assert rc == 1, err
    codes = [c["code"] for s in doc["skipped"] if s["path"] == f"{share}/backup.cpio" for c in s["detail_codes"]]
    assert codes == ["cpio-skipped-to-header"], doc["skipped"]
