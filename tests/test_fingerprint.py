"""One read pass gives MD5, SHA-1 and SHA-256 equal to hashlib's, for empty, small and multi-chunk files."""

from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path

import pytest
from tree_data import LEAKED, scan_dirs, write_files

from scanner.fingerprint import CHUNK, HEAD, hash_bytes, hash_stream


def _expected(data: bytes) -> tuple[str, str, str]:
    return hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(), hashlib.sha256(data).hexdigest()


def _data(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize("size", [0, 1, HEAD - 1, HEAD + 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 12345])
def test_hash_stream_matches_hashlib(size: int) -> None:
    data = _data(size, seed=size)
    read = hash_stream(io.BytesIO(data))
    d = read.digests
    assert (d.md5, d.sha1, d.sha256) == _expected(data)
    assert d.size == size
    assert read.head == data[:HEAD]
    assert read.data is None  # nothing kept unless asked


def test_keep_limit_keeps_small_files_only() -> None:
    small, big = _data(1000), _data(CHUNK + 10)
    assert hash_stream(io.BytesIO(small), keep_limit=1000).data == small
    assert hash_stream(io.BytesIO(big), keep_limit=CHUNK).data is None
    assert hash_stream(io.BytesIO(big), keep_limit=2 * CHUNK).data == big


def test_progress_sees_every_byte() -> None:
    seen: list[int] = []
    data = _data(2 * CHUNK + 7)
    hash_stream(io.BytesIO(data), progress=seen.append)
    assert sum(seen) == len(data)


def test_short_reads_do_not_change_digests() -> None:
    """A stream that returns fewer bytes than asked (pipes, SMB) still hashes every byte once."""

    class Trickle(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._buf = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            return self._buf.read(min(n, 4099) if n > 0 else 4099)

    data = _data(CHUNK + 50_000)
    d = hash_stream(Trickle(data)).digests
    assert (d.md5, d.sha1, d.sha256) == _expected(data)


def test_hash_bytes() -> None:
    data = _data(777)
    d = hash_bytes(data)
    assert (d.md5, d.sha1, d.sha256, d.size) == (*_expected(data), 777)


def test_scan_fingerprints_and_groups_duplicates(tmp_path: Path) -> None:
    """Copies on disk: digests equal hashlib's, identical contents form one group, others none."""
    original, resaved, empty = _data(CHUNK + 4321, 7), _data(2048, 8), b""
    files = {
        f"PC01/{LEAKED}": original,
        "PC02/介護予防_利用者名簿 - コピー.xlsx": original,
        "PC03/Copy of 介護予防_利用者名簿.xlsx": original,
        f"PC04/{LEAKED}": resaved,
        "PC05/介護予防_利用者名簿 (2).xlsx": empty,
        "PC06/介護予防_利用者名簿 (3).xlsx": empty,
        "PC07/unrelated.xlsx": original,  # same bytes, other name: not a name hit, not read
    }
    write_files(tmp_path, files)
    result = scan_dirs([tmp_path], [LEAKED], use_keywords=False)
    by_path = {h.location.display(): h for h in result.hits}
    assert set(by_path) == {str(tmp_path / rel) for rel in list(files)[:6]}
    for rel, data in list(files.items())[:6]:
        d = by_path[str(tmp_path / rel)].digests
        assert (d.md5, d.sha1, d.sha256, d.size) == (*_expected(data), len(data))
    assert result.bytes_read == 3 * len(original) + len(resaved)

    from scanner.store import duplicate_groups

    groups = duplicate_groups([h.to_json() for h in result.hits])
    want = {hashlib.sha256(original).hexdigest(): {str(tmp_path / rel) for rel in list(files)[:3]},
            hashlib.sha256(empty).hexdigest(): {str(tmp_path / rel) for rel in list(files)[4:6]}}
    assert {g["sha256"]: set(g["paths"]) for g in groups} == want
    assert [g["count"] for g in groups] == [3, 2]


def test_content_type_and_extension_mismatch(tmp_path: Path) -> None:
    from scanner.demo import client_list_xlsx, make_people

    write_files(tmp_path, {
        f"real/{LEAKED}": client_list_xlsx(make_people(3)),
        f"disguised/{LEAKED}": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
    })
    result = scan_dirs([tmp_path], [LEAKED], use_keywords=False)
    by_dir = {h.location.display().split("/")[-2]: h for h in result.hits}
    assert "Excel" in by_dir["real"].type and by_dir["real"].type_mismatch is None
    assert "PDF" in by_dir["disguised"].type
    assert by_dir["disguised"].type_mismatch and ".xlsx" in by_dir["disguised"].type_mismatch
