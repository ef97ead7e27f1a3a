"""Third-party sweep defects in split series and self-extractors (Session 15, fix15a; found by wild15).

- rarfile's ``X.rar.exp`` expected-output texts were listed as "piece 3318 of a file cut into pieces (X.rar, first
  piece X.rar.aaa)": a name that merely ends in letters after a listed format's name is a later piece only when its
  bytes can be one (a later piece of a RAR, a cabinet ... is compressed data, no text).
- py7zr's ``archive.7z.001`` (25,000 B) + ``.002`` (27,337 B) join into a whole 7z, but were listed "not joined ...
  shorter than the first part" (the last part is longer). A 7z's start header names its own length (32 + next header
  offset + size, CRC-checked): parts whose joined length is exactly that are the archive, whatever their sizes.
- rarfile's ``.sfx`` stubs (zeros, then a RAR; no program header) ended as nothing.
Through the CLI, generated people (Faker ja_JP, fixed seed); damaged variants end as records or a listed reason.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import py7zr
from pii_data import csv_bytes, people, standard
from test_split13_series import _scan

N = 40
RAR = gzip.decompress((Path(__file__).parent / "data" / "archive" / "test_splitted_rar_seek_support.rar.gz")
                      .read_bytes())


def _sevenz(seed: int) -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", filters=[{"id": py7zr.FILTER_COPY}]) as z:
        z.writestr(csv_bytes(standard(people(N, seed=seed)), "utf-8"), "名簿.csv")
    return buf.getvalue()


def test_a_text_after_a_listed_format_name_is_no_piece(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "ctime0.rar").write_bytes(RAR)
    exp = src / "ctime0.rar.exp"  # rarfile's expected output of its dump tool beside the RAR it describes
    exp.write_text("Archive: test/files/ctime0.rar\nFILE: hdrlen=46 datlen=0 is=F--\n  name=afile.txt\n")
    utf16 = src / "notes.cab.txt"
    utf16.write_bytes("\ufeffメモ: 顧客一覧は別紙\r\n".encode("utf-16-le"))
    lone = src / "archive.rar.ab"  # a later piece alone (its first piece lost): compressed bytes, still listed
    lone.write_bytes(RAR[6000:12000])
    rows, skipped = _scan(tmp_path, src)
    for text in (exp, utf16):
        assert "piece" not in (skipped.get(str(text)) or {}).get("detail", ""), skipped.get(str(text))
    assert "piece 2 of" in skipped[str(lone)]["detail"], skipped.get(str(lone))
