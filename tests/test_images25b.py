"""images25b: a tar member whose header declares a negative size (checksum whole: tarfile reads it).

Before (cda4a1f5 and after images25): tarfile then seeks to the member's offset plus its negative size, and the
tar's row said ``tar: unreadable after 1 members: StreamError: seeking backwards is not allowed`` (a library's
complaint, not the cause); every member after it was unread (GNU tar 1.34 skips to the next header and lists them).
Now: the next whole header is looked for block by block on the bytes in hand (a compressed tar inflated) and read
from (``tar-skipped-to-header``, the size named); a negative member that is the last says nothing more."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import LEAKED, leaked_workbook, sha256, write_tree

NAME = "利用者名簿.xlsx"


def _tar(members: list[tuple[str, bytes]], negative: int) -> bytes:
    """A GNU tar of MEMBERS whose member NEGATIVE's header declares a base-256 size of -2^40, checksum made again."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, body in members:
            info = tarfile.TarInfo(name)
            info.size = len(body)
            t.addfile(info, io.BytesIO(body))
    raw = bytearray(buf.getvalue())
    at = 0
    for _, body in members[:negative]:
        at += 512 + -(-len(body) // 512) * 512
    raw[at + 124:at + 136] = b"\xff" + (-(1 << 40)).to_bytes(12, "big", signed=True)[1:]
    raw[at + 148:at + 156] = b" " * 8
    raw[at + 148:at + 156] = f"{sum(raw[at:at + 512]):06o}\0 ".encode()
    return bytes(raw)


def test_members_after_a_negative_size_are_read_and_the_row_names_the_size(tmp_path: Path) -> None:
    book = leaked_workbook()
    middle = _tar([("memo.txt", b"memo\n"), ("damaged.bin", b"x" * 3000), (f"copy/{NAME}", book)], 1)
    last = _tar([(f"first/{NAME}", book), ("damaged.bin", b"y" * 700)], 1)
    empty = _tar([(f"first/{NAME}", book), ("damaged.bin", b"")], 1)
    files = {"mid.tar": middle, "mid.tar.gz": gzip.compress(middle), "mid.tar.bz2": bz2.compress(middle),
             "mid.tar.xz": lzma.compress(middle), "last.tar": last, "empty.tar.gz": gzip.compress(empty)}
    share = write_tree(tmp_path / "share", files)
    out = tmp_path / "case"
    done = run_leakscan("scan", str(share), "--name", NAME, "--out", str(out), "--workers", "1", "--quiet",
                        timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    text = json.dumps(doc, ensure_ascii=False)
    assert "StreamError" not in text and "seeking backwards" not in text and "tar-unreadable-after" not in text
    for name in ("mid.tar", "mid.tar.gz", "mid.tar.bz2", "mid.tar.xz"):
        # the member after the negative one: read whole (before: never read)
        copy = next(f for f in doc["files"] if f["path"].endswith(f"{name} » copy/{NAME}"))
        assert copy["status"] == "ok" and copy["sha256"], copy
        rows = [s for s in doc["skipped"] if s["path"].endswith(f"/{name}")]
        codes = [c["code"] for s in rows for c in s.get("detail_codes") or []]
        assert codes == ["tar-skipped-past"], rows  # (tar-skipped-to-header, size=-N, before images26)
        assert "negative size (-1099511627776 bytes)" in rows[0]["detail"] and "at byte 1024:" in rows[0]["detail"]
    # the negative member is the last, its data no header: those bytes are said unread, for the size (not for a
    # StreamError); with no data (only end blocks after its header) nothing is
    rows = [s for s in doc["skipped"] if s["path"].endswith("/last.tar")]
    assert [c["code"] for s in rows for c in s["detail_codes"]] == ["tar-members-after-not-read"], rows
    assert rows[0]["detail_codes"][0]["why"][0]["code"] == "size-negative", rows
    assert not [s for s in doc["skipped"] if s["path"].endswith("/empty.tar.gz")]
    for name in ("last.tar", "empty.tar.gz"):
        first = next(f for f in doc["files"] if f["path"].endswith(f"{name} » first/{NAME}"))
        assert first["status"] == "ok" and first["sha256"], first


@pytest.mark.skipif(shutil.which("qemu-img") is None or shutil.which("mke2fs") is None, reason="qemu-img or mke2fs")
def test_a_sparse_vmdk_missing_a_middle_extent_says_which_bytes_were_read_as_zeros(tmp_path: Path) -> None:
    """review25i: qemu-img twoGbMaxExtentSparse (three extents), the ext2 in extent 1, disk-s002.vmdk deleted. The
    row said "the media after the gap ... cannot be read, so the partitions and files there are not examined"
    while extent 3 after the gap was read. Now (``extent-read-as-zeros``): the missing extent's bytes were read as
    zeros in its place and the extents present were read; exit 3 as before."""
    tree = tmp_path / "tree"
    tree.mkdir()
    leaked = leaked_workbook(seed=35, rows=6)
    (tree / LEAKED).write_bytes(leaked)
    raw = tmp_path / "big.raw"
    subprocess.run(["truncate", "-s", "4200M", str(raw)], check=True)
    subprocess.run(["mke2fs", "-q", "-t", "ext2", "-d", str(tree), str(raw), "8M"], check=True)
    folder = tmp_path / "vm"
    folder.mkdir()
    subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=twoGbMaxExtentSparse", str(raw),
                    str(folder / "disk.vmdk")], check=True)
    raw.unlink()
    (folder / "disk-s002.vmdk").unlink()
    out = tmp_path / "out"
    done = run_leakscan("scan", str(folder / "disk.vmdk"), "--name", LEAKED, "--out", str(out), "--quiet",
                        "--workers", "1")
    assert "Traceback" not in done.stderr, done.stderr
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    assert [(h["inner_path"], h["sha256"]) for h in doc["files"]] == [(f"/{LEAKED}", sha256(leaked))]
    (row,) = doc["skipped"]
    assert [c["code"] for c in row["detail_codes"]] == ["extent-read-as-zeros"], row
    assert "disk-s002.vmdk (bytes 2147483648 to 4294967296 of the disk, read as zeros)" in row["detail"], row
    assert "after the gap" not in row["detail"] and "extents present were read" in row["detail"], row
    html = (out / "report.html").read_text("utf-8")
    assert "代わりにゼロとして読み" in html and "欠けた箇所より後のメディア" not in html
    assert done.returncode == 3 and doc["scan"]["complete"] is False
