"""Compressed tars whose members were called possibly damaged although whole (session 15, review14i): junk after
a tar.gz's gzip stream, zero padding between its gzip members (gzip and Python's gzip skip it)."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

from tests.test_wild13 import _scan
from tests.test_wild14 import ROWS, _csv_bytes

PEOPLE = len(ROWS) - 1


def _tar() -> bytes:
    data = _csv_bytes()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name in ("a.csv", "b.csv"):
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_whole_members_of_a_tar_gz_with_junk_after_it_or_padding_are_not_called_damaged(tmp_path: Path) -> None:
    tar = _tar()
    whole = gzip.compress(tar, mtime=0)
    half = len(tar) // 2 // 512 * 512
    files = {
        "junk.tar.gz": whole + b"some junk after the end\n" * 3,  # the gzip stream whole, bytes after it
        "padded.tar.gz": gzip.compress(tar[:half], mtime=0) + bytes(512) + gzip.compress(tar[half:], mtime=0),
        "paddedjunk.tar.gz": gzip.compress(tar[:half], mtime=0) + bytes(7) + gzip.compress(tar[half:], mtime=0) + b"x" * 9,
        "flipped.tar.gz": whole[:200] + bytes([whole[200] ^ 0x10]) + whole[201:],  # real damage: still said
    }
    findings = _scan(tmp_path, files)
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"]}
    for name in ("junk.tar.gz", "padded.tar.gz", "paddedjunk.tar.gz"):
        for member in ("a.csv", "b.csv"):
            hit = hits[f"{name} » {member}"]
            assert hit["pii"]["records"] == PEOPLE and hit["status"] == "ok", (name, member, hit["status_detail"])
    listed = {}
    for s in findings["skipped"]:
        listed.setdefault(s["path"].rsplit("/", 1)[1], []).append(s)
    assert "padded.tar.gz" not in listed, listed.get("padded.tar.gz")  # zero padding is no damage
    for name in ("junk.tar.gz", "paddedjunk.tar.gz"):  # the bytes after the stream are not examined: said
        (row,) = listed[name]
        assert row["reason"] == "corrupt" and '"data-after-stream"' in json.dumps(row["detail_codes"]), row
    # no member of the junk/padding cases called damaged (flipped.tar.gz's a.csv holds the flipped bytes: 193 bytes
    # that decode in no encoding, listed corrupt since damage21/review21d said undecoded values)
    assert not [p for p in listed if " » " in p and not p.startswith("flipped.")], listed
    assert "flipped.tar.gz" in listed, listed


def test_a_whole_gz_with_junk_after_it_is_read_whole(tmp_path: Path) -> None:
    """A .csv.gz whose gzip stream ends whole and is followed by other bytes: its CSV is whole (was listed 'only the
    bytes before the break were read'); the bytes after it are said on the file. Zero padding between members is
    no damage at all."""
    data = _csv_bytes()
    half = len(data) // 2
    findings = _scan(tmp_path, {"junk.csv.gz": gzip.compress(data, mtime=0) + b"junk" * 5,
                                "padded.csv.gz": gzip.compress(data[:half], mtime=0) + bytes(100)
                                + gzip.compress(data[half:], mtime=0)})
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"]}
    for name in ("junk.csv.gz » junk.csv", "padded.csv.gz » padded.csv"):
        assert hits[name]["pii"]["records"] == PEOPLE and hits[name]["status"] == "ok", hits[name]
    (row,) = findings["skipped"]
    assert row["path"].endswith("/junk.csv.gz") and '"data-after-stream"' in json.dumps(row["detail_codes"]), row


def test_zstd_files_beginning_with_a_skippable_frame_are_read(tmp_path: Path) -> None:
    """wild14/pdf14 left open: a Zstandard file whose first frame is a skippable one (metadata: libarchive's
    test_compat_zstd_2.tar.zst) was listed `unsupported` though zstd reads it. Skippable frames then a Zstandard frame:
    read; skippable frames then LZ4 (the frame both formats share): still listed unsupported; cut copies listed."""
    from backports import zstd

    from tests.test_wild14 import _tar_of

    def skippable(n: int, size: int) -> bytes:
        return bytes((0x50 + n,)) + b"\x2a\x4d\x18" + size.to_bytes(4, "little") + (b"meta" * size)[:size]

    meta = skippable(0, 16) + skippable(7, 300)
    csv_zst = meta + zstd.compress(_csv_bytes())
    tar_zst = meta + zstd.compress(_tar_of({"list.csv": _csv_bytes()}))
    lz4 = meta + b"\x04\x22\x4d\x18" + bytes(40)
    findings = _scan(tmp_path, {"名簿.csv.zst": csv_zst, "backup.tar.zst": tar_zst, "nightly.dat": tar_zst,
                                "fast.lz4": lz4, "cut.csv.zst": csv_zst[:len(csv_zst) * 2 // 3]})
    got = sorted(f["path"].split("/share/")[-1] for f in findings["files"] if (f.get("pii") or {}).get("records") == PEOPLE)
    assert got == ["backup.tar.zst » list.csv", "nightly.dat » list.csv", "名簿.csv.zst » 名簿.csv"], (got, findings["skipped"])
    listed = {s["path"].split("/share/")[-1]: s["reason"] for s in findings["skipped"]}
    assert listed.get("fast.lz4") == "unsupported" and listed.get("cut.csv.zst") == "corrupt", listed
    assert set(listed) <= {"fast.lz4", "cut.csv.zst", "cut.csv.zst » cut.csv"}, listed

