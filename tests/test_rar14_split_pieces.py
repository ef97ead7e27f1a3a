"""Pieces of a RAR cut by ``split`` and file splitters (Session 14, rar14).

No installed library reads RAR; the first piece carries its signature and was listed ``unsupported``, but every
later piece (``archive.rar.ab``, ``x_splitted_rar_ab``, ``list.rar.002``, ``archive.rar.01``,
``archive.rar.part2``) has no header of its own and ended as nothing (no hit, no skip). Each one must end as a
listed reason naming the series: a later piece of a ``split`` series (letters, two digits, ``.partN``) as a piece of
its first piece, the parts of a joined ``X.rar.NNN`` series beside the joined row that could not be examined.
Damaged variants: the first piece missing, a middle piece missing, a later piece alone, a last piece cut short.
The RAR is libarchive's (tests/data/archive/README.md); the cuts are made here as ``split -b`` makes them.
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

from split_helpers import cut_into
from split_helpers import letters as _letters
from test_split13_series import _scan  # the same scan, rows and skips by path

RAR = gzip.decompress((Path(__file__).parent / "data" / "archive" / "test_splitted_rar_seek_support.rar.gz")
                      .read_bytes())
CUT = 6000  # 20,205 bytes: 4 pieces


NAMINGS = {  # name of piece i (0-based) for each naming
    "letters": lambda i: f"archive.rar.{_letters(i)}",  # split -b 6000 archive.rar archive.rar.
    "prefix": lambda i: f"x_splitted_rar_{_letters(i)}",  # split -b 6000 archive.rar x_splitted_rar_
    "three": lambda i: f"backup.rar.{_letters(i, 3)}",  # split -a 3
    "digits": lambda i: f"archive.rar.{i:02d}",  # split -d
    "digits1": lambda i: f"data.rar.{i + 1:02d}",  # split -d --numeric-suffixes=1
    "numbered": lambda i: f"list.rar.{i + 1:03d}",  # split --numeric-suffixes=1 -a 3 / 7-Zip / HJSplit
    "part": lambda i: f"archive.rar.part{i + 1}",  # file splitters
}


def _cut(folder: Path, naming: str, data: bytes = RAR) -> list[Path]:
    return cut_into(folder, NAMINGS[naming], data, CUT)


def test_every_piece_of_a_split_rar_is_listed(tmp_path: Path) -> None:
    src = tmp_path / "src"
    cuts = {naming: _cut(src / naming, naming) for naming in NAMINGS}
    # damaged: the first piece missing, a middle piece missing, the last cut short, a later piece alone
    first = _cut(src / "first", "letters")
    first[0].unlink()
    middle = _cut(src / "middle", "letters")
    middle[2].unlink()
    part_gap = _cut(src / "part_gap", "part")
    part_gap[0].unlink()
    part_gap[2].unlink()
    short = _cut(src / "short", "letters")
    short[-1].write_bytes(short[-1].read_bytes()[:100])
    lone = _cut(src / "lone", "letters")
    for p in lone[:1] + lone[2:]:
        p.unlink()
    numbered_gap = _cut(src / "numbered_gap", "numbered")
    numbered_gap[1].unlink()
    numbered_first = _cut(src / "numbered_first", "numbered")
    numbered_first[0].unlink()
    rows, skipped = _scan(tmp_path, src)
    present = sorted(p for p in src.rglob("*") if p.is_file())
    silent = [str(p) for p in present if str(p) not in skipped and str(p) not in rows]
    assert not silent, silent  # nothing ends as nothing
    for naming, pieces in cuts.items():
        assert skipped[str(pieces[0])]["reason"] == "unsupported", (naming, skipped[str(pieces[0])])
        assert "RAR" in skipped[str(pieces[0])]["detail"], skipped[str(pieces[0])]
        for k, p in enumerate(pieces[1:], 2):
            got = skipped[str(p)]
            assert got["reason"] == "unsupported" and f"piece {k} of" in got["detail"], (naming, got)
            assert pieces[0].name in got["detail"], (naming, got)  # named by its first piece
    for p in first[1:]:
        assert "archive.rar.aa missing" in skipped[str(p)]["detail"], skipped[str(p)]
    for p in middle[3:]:
        assert "archive.rar.ac" in skipped[str(p)]["detail"], skipped[str(p)]  # the missing piece named
    for p in (part_gap[1], part_gap[3]):
        assert "archive.rar.part1 missing" in skipped[str(p)]["detail"], skipped[str(p)]
    assert "piece 2 of" in skipped[str(lone[1])]["detail"], skipped[str(lone[1])]
    assert all(str(p) in skipped for p in short)


def test_pieces_of_other_files_are_not_taken_for_rar_pieces(tmp_path: Path) -> None:
    """The rule needs a cut: ``notes.aa``/``notes.ab`` of text are no pieces of a binary file (read as before); two
    unrelated binary files ``dumpaa``, ``dumpab`` of different sizes are none either; RAR volumes ``X.r00``,
    ``X.r01`` each begin with the RAR signature (each listed by what it is, not as a headerless piece)."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "notes.aa").write_text("氏名,電話\n" * 300, encoding="utf-8")
    (src / "notes.ab").write_text("氏名,電話\n" * 100, encoding="utf-8")
    noise = random.Random(14)
    (src / "dumpaa").write_bytes(noise.randbytes(3000))
    (src / "dumpab").write_bytes(noise.randbytes(5000))
    (src / "vol.r00").write_bytes(RAR[:CUT])
    (src / "vol.r01").write_bytes(RAR[:7] + noise.randbytes(CUT - 7))
    (src / "archive.rar.gz").write_bytes(gzip.compress(noise.randbytes(2000), mtime=0))  # a gzip, named so
    (src / "backup_2017.zip").write_bytes(b"PK\x05\x06" + bytes(18))  # ``backup_2017.z`` + ``ip``: no piece
    rows, skipped = _scan(tmp_path, src)
    assert not any("piece" in (skipped.get(str(src / n)) or {}).get("detail", "")
                   for n in ("notes.aa", "notes.ab", "dumpaa", "dumpab", "vol.r00", "vol.r01", "archive.rar.gz",
                             "backup_2017.zip")), skipped
    assert "RAR" in skipped[str(src / "vol.r01")]["detail"], skipped.get(str(src / "vol.r01"))
