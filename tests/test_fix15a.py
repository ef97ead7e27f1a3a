"""Third-party sweep defects in split series and self-extractors (Session 15, fix15a; found by wild15).

- rarfile's ``X.rar.exp`` expected-output texts were listed as "piece 3318 of a file cut into pieces (X.rar, first
  piece X.rar.aaa)": a name that merely ends in letters after a listed format's name is a later piece only when its
  bytes can be one (a later piece of a RAR, a cabinet ... is compressed data, no text).
- py7zr's ``archive.7z.001`` (25,000 B) + ``.002`` (27,337 B) join into a whole 7z, but were listed "not joined ...
  shorter than the first part" (the last part is longer). A 7z's start header names its own length (32 + next header
  offset + size, CRC-checked), a zip's end record its directory's place: parts whose joined length is exactly that
  are the archive, whatever their sizes.
- rarfile's ``.sfx`` stubs (zeros, then a RAR; no program header) ended as nothing.
Through the CLI, generated people (Faker ja_JP, fixed seed); damaged variants end as records or a listed reason.
"""

from __future__ import annotations

import gzip
import io
import zipfile
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


def test_a_7z_series_whose_last_part_is_longer_is_joined_by_its_header(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    data = _sevenz(151)
    cut = len(data) * 2 // 5
    for folder, parts in (("longer", (data[:cut], data[cut:])),  # py7zr's archive.7z.001/.002 cut so
                          ("cut", (data[:cut], data[cut:-40])),  # the last part cut short: not the whole archive
                          ("three", (data[:cut], data[cut:2 * cut - 7], data[2 * cut - 7:]))):  # uneven parts
        (src / folder).mkdir()
        for i, part in enumerate(parts, 1):
            (src / folder / f"archive.7z.{i:03d}").write_bytes(part)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("名簿.csv", csv_bytes(standard(people(N, seed=154)), "utf-8"))
    whole = zipped.getvalue()
    at = len(whole) * 2 // 5
    for folder, parts in (("zip_longer", (whole[:at], whole[at:])), ("zip_cut", (whole[:at], whole[at:-30]))):
        (src / folder).mkdir()
        for i, part in enumerate(parts, 1):
            (src / folder / f"archive.zip.{i:03d}").write_bytes(part)
    rows, skipped = _scan(tmp_path, src)
    for folder in ("longer", "three", "zip_longer"):
        first = src / folder / ("archive.zip.001" if folder.startswith("zip") else "archive.7z.001")
        got = [r for p, r in rows.items() if p.startswith(str(first))]
        assert sum(((r.get("pii") or {}).get("records") or 0) for r in got) == N, (folder, rows.keys(), skipped)
    cut_first = src / "cut" / "archive.7z.001"
    assert str(cut_first) in skipped, skipped.keys()
    assert "shorter than the first" not in skipped[str(cut_first)]["detail"], skipped[str(cut_first)]
    assert "longer than the first" in skipped[str(cut_first)]["detail"], skipped[str(cut_first)]
    assert str(src / "cut" / "archive.7z.002") in skipped
    assert "longer than the first" in skipped[str(src / "zip_cut" / "archive.zip.002")]["detail"]


def test_a_stub_before_an_archive_under_sfx_is_listed_or_read(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    stub = bytes(128000)  # rarfile's synthetic self-extractors: zeros, then the archive (no program header)
    (src / "rar3-seektest.sfx").write_bytes(stub + RAR)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("名簿.csv", csv_bytes(standard(people(N, seed=152)), "utf-8"))
    (src / "setup.sfx").write_bytes(stub + zipped.getvalue())
    (src / "seven.sfx").write_bytes(stub + _sevenz(153))
    (src / "cut.sfx").write_bytes((stub + RAR)[:128003])  # cut inside the RAR's signature: no archive found
    whole = stub + zipped.getvalue()
    damaged = {"half.sfx": whole[:128000 + len(zipped.getvalue()) // 2],
               "flipped.sfx": whole[:128100] + bytes(b ^ 0x5A for b in whole[128100:128140]) + whole[128140:]}
    for name, data in damaged.items():
        (src / name).write_bytes(data)
    rows, skipped = _scan(tmp_path, src)
    rar = skipped[str(src / "rar3-seektest.sfx")]
    assert rar["reason"] == "unsupported" and "RAR" in rar["detail"], rar
    for name in ("setup.sfx", "seven.sfx"):
        got = [r for p, r in rows.items() if p.startswith(str(src / name))]
        assert sum(((r.get("pii") or {}).get("records") or 0) for r in got) == N, (name, rows.keys(), skipped)
    for name in damaged:  # records or a listed reason, never nothing
        got = [r for p, r in rows.items() if p.startswith(str(src / name))]
        assert got or any(p.startswith(str(src / name)) for p in skipped), (name, rows.keys(), skipped)

