"""review16e: a zip or 7z cut with letters or as ``.partN`` whose first piece is gone (damage16: its later pieces
ended as nothing, while the same series named ``.001 ...`` listed each later part)."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path
from typing import IO

import py7zr

from scanner.models import FileStat
from tests.pii_data import people, standard
from tests.split_helpers import cut_into, letters, scan_folder


def _csv() -> bytes:
    rows = standard(people(400, seed=1616))
    return "\n".join(",".join(str(v) for v in r) for r in rows).encode("utf-8")


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("名簿.csv", (2020, 1, 1, 0, 0, 0)), _csv())
    return buf.getvalue()


def _7z() -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as z:
        z.writestr(_csv(), "名簿.csv")
    return buf.getvalue()


def test_later_pieces_of_a_zip_or_7z_without_their_first_are_listed(tmp_path: Path) -> None:
    cases = {"x.zip.": (_zip(), lambda i: "x.zip." + letters(i)),
             "y.7z.part": (_7z(), lambda i: f"y.7z.part{i + 1}")}
    for prefix, (data, name_of) in cases.items():
        src = tmp_path / prefix.strip(".")
        pieces = cut_into(src, name_of, data, len(data) // 3 + 1)
        assert len(pieces) == 3
        pieces[0].unlink()
        files, skipped = scan_folder(tmp_path / ("scan-" + prefix.strip(".")), src)
        for p in pieces[1:]:
            assert str(p) in files or str(p) in skipped, (p.name, sorted(files), sorted(skipped))


def test_later_pieces_after_a_first_piece_cut_short_are_listed(tmp_path: Path) -> None:
    """The first piece damaged to a byte (or emptied): it is no piece of the series (a piece is never shorter than
    a later one), so the later pieces are listed as those of a series whose first piece is gone (damage16: they
    ended as nothing)."""
    cases = {"x.zip.": (_zip(), lambda i: "x.zip." + letters(i), b"P"),
             "y.7z.part": (_7z(), lambda i: f"y.7z.part{i + 1}", b"")}
    for prefix, (data, name_of, first) in cases.items():
        src = tmp_path / prefix.strip(".")
        pieces = cut_into(src, name_of, data, len(data) // 3 + 1)
        pieces[0].write_bytes(first)
        files, skipped = scan_folder(tmp_path / ("scan-" + prefix.strip(".")), src)
        for p in pieces[1:]:
            assert str(p) in skipped, (p.name, sorted(files), sorted(skipped))


def test_a_zip_copy_named_after_a_zip_is_no_piece(tmp_path: Path) -> None:
    """``X.zip.old`` (place 9,754 of ``split -a 3``) that opens as a zip is the zip it is: its CSV is read."""
    src = tmp_path / "share"
    src.mkdir()
    (src / "x.zip.old").write_bytes(_zip())
    files, skipped = scan_folder(tmp_path, src)
    found = {p: f for p, f in files.items() if f.get("pii")}
    assert any(p.endswith("名簿.csv") for p in found), (sorted(files), skipped)


class _Compressed(io.BytesIO):
    read_total = 0

    def read(self, n: int | None = -1) -> bytes:
        got = super().read(n)
        _Compressed.read_total += len(got)
        return got


class _Deflated:
    """A part held deflated in a zip whose stream is seekable (zipfile's own reader: a member opened with its
    password), as series_join._member_reads meets it."""

    def __init__(self, name: str, zipped: bytes) -> None:
        self.name, self.zipped, self.kind, self.deleted = name, zipped, "file", False

    def stat(self) -> FileStat:
        return FileStat(size=zipfile.ZipFile(io.BytesIO(self.zipped)).getinfo(self.name).file_size)

    def open(self) -> IO[bytes]:
        return zipfile.ZipFile(_Compressed(self.zipped)).open(self.name)


def test_a_deflated_part_is_inflated_once_for_its_tail() -> None:
    """split16 read a seekable part's tail by seeking to its end and back: a deflated member's stream inflates
    forward to the end, then rewinds and inflates again up to the tail (twice the work of reading it forward)."""
    from scanner.sources import series_join

    data = random.Random(16).randbytes(1 << 20)  # incompressible: inflating a byte reads about a byte
    parts, zipped = {}, 0
    for i in (1, 2, 3):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(f"x.csv.{i:03d}", data)
        parts[f"x.csv.{i:03d}"] = _Deflated(f"x.csv.{i:03d}", buf.getvalue())
        zipped += len(buf.getvalue())
    _Compressed.read_total = 0
    series_join._member_reads(parts)  # type: ignore[arg-type]  # entries with name, stat, open
    # the first part's tail is wanted (whether it is a disk image): read once, with the heads; was twice
    assert _Compressed.read_total < 1.5 * zipped / 3, (_Compressed.read_total, zipped)
