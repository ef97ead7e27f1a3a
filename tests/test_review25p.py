"""review25p: splits25's change under an investigator's inputs.

1. A split set over an archive's hold whose pieces are binary (a tar, a disk image) is no "set of files of their
   own" because a later piece happens to begin with the first piece's first 4 bytes (a tar cut at a member's header:
   every header begins with the same path, ``home``) or with a header row (a disk image cut at a CSV's first
   cluster). splits25 made such sets "files" and dropped their ``split-set-over-hold`` line: the set never examined,
   the scan exit 0 (a false complete). Only text pieces (rotated logs, monthly exports) are files of their own.
"""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan
from document_data import people_rows
from pii_data import csv_bytes

MIB = 1 << 20


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _tar_of_one_mib_members() -> bytes:
    """A GNU tar whose members (a roster first, then photos) each take 1 MiB with their header: ``split -b 1M``
    cuts it at each member's header, which begins ``home/``."""
    out = io.BytesIO()
    roster = csv_bytes(people_rows(40, seed=2590), "utf-8")
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as tf:
        for k in range(4):
            body = roster + bytes(MIB - 512 - len(roster)) if k == 0 else bytes([k]) * (MIB - 512)
            info = tarfile.TarInfo(f"home/user/photo_{k}.jpg" if k else "home/user/roster.csv")
            info.size = len(body)
            tf.addfile(info, io.BytesIO(body))
    return out.getvalue()


def _scan(out: Path, *sources: str, options: tuple[str, ...] = ()) -> tuple[int, dict[str, Any]]:
    done = run_leakscan("scan", *sources, "--out", str(out), "--workers", "1", "--quiet", *options, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _codes(item: dict[str, Any]) -> list[str]:
    return [c["code"] for c in item.get("detail_codes") or []]


def test_a_tar_cut_at_its_members_headers_over_the_hold_is_still_listed(tmp_path: Path) -> None:
    raw = _tar_of_one_mib_members()
    pieces = {f"dump/home.tar.{i // MIB + 1:03d}": raw[i:i + MIB] for i in range(0, len(raw), MIB)}
    assert len({v[:4] for v in pieces.values() if len(v) == MIB}) == 1  # every full piece begins "home"
    ev = tmp_path / "evidence"
    ev.mkdir()
    (ev / "usb.zip").write_bytes(_zip(pieces))
    code, doc = _scan(tmp_path / "out", str(ev), options=("--max-inspect-mb", "2"))
    said = [s for s in doc["skipped"] if "split-set-over-hold" in _codes(s)]
    assert [s["path"].rsplit(" » ", 1)[1] for s in said] == ["dump/home.tar.001"], doc["skipped"]
    assert code == 3, code


def test_binary_pieces_are_never_files_of_their_own_by_their_first_bytes() -> None:
    from scanner.sources.series_join import _files_of_their_own

    fat = b"\xeb\x3c\x90mkfs.fat" + bytes(502)  # a FAT's boot sector (mkfs.vfat)
    cluster = csv_bytes(people_rows(5, seed=2591), "utf-8")[:512]  # a later piece cut at a CSV's first cluster
    assert not _files_of_their_own([fat, cluster])
    assert not _files_of_their_own([fat, fat])  # a FAT32's backup boot sector, a copy of an image inside
    logs = [f"2026-12-0{k} 10:00:00 served\n".encode() * 20 for k in (1, 2)]
    assert _files_of_their_own(logs)  # rotated logs: still files
    export = [csv_bytes(people_rows(5, seed=s), "utf-8")[:512] for s in (1, 2)]
    assert _files_of_their_own(export)  # monthly exports: still files


def test_an_ext4_named_as_a_csv_set_whose_pieces_end_in_text_is_walked_as_the_image(tmp_path: Path) -> None:
    """2. An ext4 (its first 1 KiB zeros, as every ext file system's) holding a large roster, its acquisition stopped
    inside the roster's data, cut by 2 MiB and named ``roster.csv.001`` ..: the first piece's end, the later pieces'
    starts and the last piece's end are all the roster's text. splits25's zeroed-text rule looked at the first 512
    bytes only and joined the set as a CSV: ``.001`` listed ``binary``, the later pieces ``split-piece-of``, the file
    system never walked (before: walked, ``truncated-fs``). The zeros must give way to text in the first piece's
    head too."""
    import shutil

    from image_data import ext_image, write_tree

    if not shutil.which("mke2fs"):
        pytest.skip("mke2fs builds the file system")
    roster = csv_bytes(people_rows(30000, seed=2592), "utf-8")
    raw = ext_image(tmp_path / "e.img", write_tree(tmp_path / "tree", {"share/roster.csv": roster}), size_mib=8)
    data = raw.read_bytes()
    at = data.find(roster[:200])
    assert 0 < at < 2 * MIB < 4 * MIB + MIB // 4 < at + len(roster), at  # the cuts fall in the roster's data
    cut = data[:4 * MIB + MIB // 4]
    ev = tmp_path / "evidence" / "usb"
    ev.mkdir(parents=True)
    for k in range(3):
        (ev / f"roster.csv.{k + 1:03d}").write_bytes(cut[k * 2 * MIB:(k + 1) * 2 * MIB])
    _code, doc = _scan(tmp_path / "out", str(ev.parent))
    said = {s["path"].split("evidence/", 1)[1]: _codes(s) for s in doc["skipped"]}
    assert said.get("usb/roster.csv.001 » ") == ["truncated-fs"], said
    assert not [p for p, codes in said.items() if "split-piece-of" in codes or "binary" in codes], said


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig", "iso2022_jp"])
def test_one_text_in_other_encodings_cut_at_any_byte_is_never_pieces_apart(encoding: str) -> None:
    """3. splits25's per-byte cut test, in the other encodings a roster comes in (Excel's "Unicode text" is UTF-16
    with a BOM): a UTF-16LE roster cut inside a line was taken apart at 5 of 5,688 cuts (csv) and 12 of 5,682
    (tab text): each piece read alone, listed ``split-pieces-apart`` "cp932 + utf-8", the set in 2 rows. A side
    holding NUL bytes is UTF-16, neither encoding the check tells."""
    from scanner.sources.split_series import _apart

    for seed, sep in ((7, ","), (8, "\t")):
        whole = csv_bytes(people_rows(60, seed=seed), encoding, delimiter=sep)

        def piece(name: str, cut: int, whole: bytes = whole) -> bytes:
            return whole[:cut] if name.endswith("1") else whole[cut:]

        found = [cut for cut in range(1, len(whole) - 1)
                 if _apart(("x.csv.001", "x.csv.002"), lambda n, c=cut: piece(n, c)[:4608],
                           lambda n, c=cut: piece(n, c)[-65557:])]
        assert found == [], (seed, len(found), found[:5])


def test_a_middle_piece_cut_short_at_a_line_end_is_still_a_piece_missing(tmp_path: Path) -> None:
    """4. splits25 joined three pieces cut at line ends whose middle one is shorter than the first (``split -l`` of
    rows of many lengths). A fixed-width export (every line one length) cut by ``split -l 60``, its ``.002`` copied
    short at a line end (30 of its 60 lines): joined, 120 persons, nothing said (30 rows lost unsaid; before:
    ``split-series-partly-read`` on each piece). ``split -l`` gives every piece but the last as many lines: a middle
    piece with clearly fewer lines than the first (by its bytes per line) was cut short."""
    lines = csv_bytes(people_rows(150, seed=2593), "utf-8").split(b"\r\n")[:-1]
    width = max(map(len, lines))
    fixed = [line + b" " * (width - len(line)) + b"\r\n" for line in lines]
    ev = tmp_path / "evidence" / "fixed"
    ev.mkdir(parents=True)
    (ev / "export.csv.001").write_bytes(b"".join(fixed[:60]))
    (ev / "export.csv.002").write_bytes(b"".join(fixed[60:90]))
    (ev / "export.csv.003").write_bytes(b"".join(fixed[120:]))
    code, doc = _scan(tmp_path / "out", str(ev.parent))
    said = {s["path"].split("evidence/", 1)[1]: _codes(s) for s in doc["skipped"]}
    assert said.get("fixed/export.csv.002", [])[:1] == ["split-series-partly-read"], said
    assert code == 0, code
