"""Zstandard (Session 14, pdf14): a .zst/.tar.zst file is read with backports.zstd (py7zr's own zstd library)
like a .xz; a 7z whose Zstandard coder py7zr cannot decode is listed ``unsupported`` with the coder named, not
``corrupt`` (wild14: libarchive test_read_format_7zip_zstd*.7z)."""

from __future__ import annotations

import gzip
from pathlib import Path

from backports import zstd

from tests.conftest import ROOT
from tests.test_wild13 import _scan
from tests.test_wild14 import ROWS, _csv_bytes, _tar_of

PEOPLE = len(ROWS) - 1
DATA = ROOT / "tests" / "data" / "archive"


def _tar(name: str, data: bytes) -> bytes:
    return _tar_of({name: data})


def test_zstd_files_are_read(tmp_path: Path) -> None:
    findings = _scan(tmp_path, {"名簿.csv.zst": zstd.compress(_csv_bytes()),
                                "backup.tar.zst": zstd.compress(_tar("backup/list.csv", _csv_bytes())),
                                "nightly.dat": zstd.compress(_tar("list.csv", _csv_bytes()))})
    assert not findings["skipped"], findings["skipped"]
    got = sorted(f["path"].split("/share/")[-1] for f in findings["files"] if (f.get("pii") or {}).get("records") == PEOPLE)
    assert got == ["backup.tar.zst » backup/list.csv", "nightly.dat » list.csv", "名簿.csv.zst » 名簿.csv"], got


def test_cut_and_flipped_zstd_files_are_listed(tmp_path: Path) -> None:
    # the zstd program writes a content checksum by default (a flip without one can decode to other bytes unseen)
    whole = zstd.compress(_csv_bytes(), options={zstd.CompressionParameter.checksum_flag: 1})
    flipped = bytearray(whole)
    flipped[len(whole) // 2] ^= 0x55
    tar = zstd.compress(_tar("list.csv", _csv_bytes()))
    findings = _scan(tmp_path, {"cut.csv.zst": whole[:len(whole) // 2], "flip.csv.zst": bytes(flipped),
                                "cut.tar.zst": tar[:len(tar) * 2 // 3], "head.csv.zst": whole[:12]})
    listed = {Path(s["path"].split(" » ")[0]).name: s["reason"] for s in findings["skipped"]}
    assert listed == {"cut.csv.zst": "corrupt", "flip.csv.zst": "corrupt", "cut.tar.zst": "corrupt",
                      "head.csv.zst": "corrupt"}, findings["skipped"]


def test_7z_with_a_zstd_coder_py7zr_cannot_decode_is_unsupported(tmp_path: Path) -> None:
    data = gzip.decompress((DATA / "test_read_format_7zip_zstd.7z.gz").read_bytes())
    findings = _scan(tmp_path, {"zs.7z": data})
    reasons = {s["reason"] for s in findings["skipped"]}
    assert reasons == {"unsupported"}, findings["skipped"]
    assert all("ZStandard" in s["detail"] for s in findings["skipped"]), findings["skipped"]
