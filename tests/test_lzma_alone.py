"""Legacy .lzma (LZMA-alone, ``lzma``/``xz --format=lzma``, 7-Zip's LZMA SDK, old Linux backups ``.tlz``,
``.tar.lzma``): read like .xz/.gz single-stream files (Session 14, pdf14; was listed "no installed library reads
it" although Python's lzma reads FORMAT_ALONE). A cut file gives its rows before the cut and is listed."""

from __future__ import annotations

import lzma
from pathlib import Path

from tests.test_wild13 import _scan
from tests.test_wild14 import ROWS, _csv_bytes, _tar_of

PEOPLE = len(ROWS) - 1


def _tar(name: str, data: bytes) -> bytes:
    return _tar_of({name: data})


def _alone(data: bytes, **lzma1: int) -> bytes:
    return lzma.compress(data, format=lzma.FORMAT_ALONE,
                         filters=[{"id": lzma.FILTER_LZMA1, "preset": 6, **lzma1}] if lzma1 else None)


def test_legacy_lzma_files_are_read(tmp_path: Path) -> None:
    tar = _tar("backup/list.csv", _csv_bytes())
    findings = _scan(tmp_path, {
        "名簿.csv.lzma": _alone(_csv_bytes()),
        "backup.tlz": _alone(tar, dict_size=1 << 12, lc=4),  # libarchive test_compat_lzma_2/3: lc=4, 4 KiB
        "backup.tar.lzma": _alone(tar, dict_size=1 << 16),
        "old.bin": _alone(tar),  # no name says so: the usual header (lc=3 lp=0 pb=2, 8 MiB) is sniffed
    })
    assert not findings["skipped"], findings["skipped"]
    got = sorted(f["path"].split("/share/")[-1] for f in findings["files"] if (f.get("pii") or {}).get("records") == PEOPLE)
    assert got == ["backup.tar.lzma » backup/list.csv", "backup.tlz » backup/list.csv", "old.bin » backup/list.csv",
                   "名簿.csv.lzma » 名簿.csv"], got


def test_cut_and_flipped_lzma_files_are_listed(tmp_path: Path) -> None:
    whole = _alone(_csv_bytes())
    tar = _alone(_tar("list.csv", _csv_bytes()))
    flipped = bytearray(whole)
    flipped[len(whole) // 2] ^= 0x55
    findings = _scan(tmp_path, {"cut.csv.lzma": whole[:len(whole) // 2], "cut.tlz": tar[:len(tar) * 2 // 3],
                                "flip.csv.lzma": bytes(flipped), "head.csv.lzma": whole[:20]})
    listed = {Path(s["path"].split(" » ")[0]).name: s["reason"] for s in findings["skipped"]}
    assert listed == {"cut.csv.lzma": "corrupt", "cut.tlz": "corrupt", "flip.csv.lzma": "corrupt",
                      "head.csv.lzma": "corrupt"}, findings["skipped"]
