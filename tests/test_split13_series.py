"""Byte-split series decided by content, and past 999 parts (Session 13, split13).

``split -b`` of a CSV under an archive's name (``list.zip.001 …``, ``名簿.7z.001 …``): before, only ``.001`` was read
(as a cut CSV) and the other parts were listed "leakscan does not join the parts of an archive": most people
uncounted. The first part's bytes decide, as for ``customers.001``: text (or a workbook) that is no disk image is
joined and read as ``list`` by its content. Damaged variants: a part missing, a part cut short, random bytes under
the same names (no archive, no text: each part listed as before). ``X.csv.1000``: 7-Zip numbers on past ``.999``;
``split -a 4`` numbers ``.0001``; a lone ``X.csv.2024`` is a dated copy, read by its content.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from conftest import run_cli
from pii_data import csv_bytes, people, standard

N = 240


def _cut(folder: Path, whole: str, data: bytes, parts: int, width: int = 3, first: int = 1,
         size: int = 0) -> list[Path]:
    size = size or -(-len(data) // parts)
    out = []
    for i in range(-(-len(data) // size)):  # as ``split -b``: no empty part at the end
        p = folder / f"{whole}.{i + first:0{width}d}"
        p.write_bytes(data[i * size:(i + 1) * size])
        out.append(p)
    return out


def _scan(tmp_path: Path, src: Path) -> tuple[dict, dict]:
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {f["path"]: f for f in doc["files"]}, {s["path"]: s for s in doc["skipped"]}


def _records(rows: dict, p: Path) -> int:
    return ((rows.get(str(p)) or {}).get("pii") or {}).get("records") or 0


def test_a_csv_cut_under_an_archive_name_is_joined_by_its_content(tmp_path: Path) -> None:
    src = tmp_path / "src"
    table = csv_bytes(standard(people(N, seed=31)), "utf-8")
    sjis = csv_bytes(standard(people(N, seed=32)), "cp932")
    for name in ("whole", "gap", "short", "random", "first"):
        (src / name).mkdir(parents=True)
    whole = _cut(src / "whole", "list.zip", table, 4)
    seven = _cut(src / "whole", "名簿.7z", sjis, 3)
    gap = _cut(src / "gap", "list.zip", table, 4)
    gap[2].unlink()
    short = _cut(src / "short", "list.7z", table, 4)
    short[1].write_bytes(short[1].read_bytes()[:1000])  # a part cut short (a copy stopped)
    noise = _cut(src / "random", "blob.zip", random.Random(31).randbytes(30000), 3)
    lost = _cut(src / "first", "list.zip", table, 4)
    lost[0].unlink()  # .001 lost: its other parts begin and end as text (a zip ends with its directory)
    rows, skipped = _scan(tmp_path, src)
    # whole: every person, under the first part's row; the other parts read inside it (annotations.joined_parts)
    assert _records(rows, whole[0]) == N, rows.get(str(whole[0]))
    assert rows[str(whole[0])]["annotations"]["joined_parts"] == [p.name for p in whole]
    assert _records(rows, seven[0]) == N, rows.get(str(seven[0]))
    assert not any(str(p) in skipped for p in whole + seven), skipped
    # a part missing: the runs either side read (complete rows only), every present part listed
    read = _records(rows, gap[0]) + _records(rows, gap[3])
    assert N // 2 < read < N and _records(rows, gap[3]) > 0, (read, rows.get(str(gap[3])))
    for p in (gap[0], gap[1], gap[3]):
        assert str(p) in skipped, p
    # a part cut short: the run up to it and the run after it read, all listed
    assert _records(rows, short[0]) > 0 and _records(rows, short[2]) > 0
    assert all(str(p) in skipped for p in short)
    # .001 lost: parts 2 to 4 read from the first line end of part 2, all listed
    assert N // 2 < _records(rows, lost[1]) < N and all(str(p) in skipped for p in lost[1:]), rows.get(str(lost[1]))
    # random bytes under an archive's series name: no archive, no text: each part listed (never nothing)
    assert all(str(p) in skipped for p in noise), [skipped.get(str(p)) for p in noise]


def test_parts_past_999_and_four_digit_numbers(tmp_path: Path) -> None:
    src = tmp_path / "src"
    for name in ("seven", "four", "dated"):
        (src / name).mkdir(parents=True)
    table = csv_bytes(standard(people(N, seed=33)), "utf-8")
    over = _cut(src / "seven", "many.csv", table, 0, size=len(table) // 1000)  # .001 ... .999, .1000 ... (7-Zip's numbering)
    assert len(over) > 1000 and over[-1].name.startswith("many.csv.10"), over[-1]
    four = _cut(src / "four", "big.csv", table, 3, width=4)  # split -a 4 --numeric-suffixes=1: .0001 ...
    dated = src / "dated" / "export.csv.2024"
    dated.write_bytes(csv_bytes(standard(people(12, seed=34)), "utf-8"))
    rows, skipped = _scan(tmp_path, src)
    assert _records(rows, over[0]) == N, (rows.get(str(over[0])), skipped.get(str(over[0])))
    assert not any(str(p) in skipped for p in over)  # the 1000th and 1001st parts are in the series
    assert _records(rows, four[0]) == N and not any(str(p) in skipped for p in four)
    assert _records(rows, dated) == 12 and str(dated) not in skipped  # a dated copy, not a piece



def test_a_zip_with_a_long_text_comment_and_its_first_part_lost_stays_a_zip(tmp_path: Path) -> None:
    """The text rule for a series whose ``.001`` is lost reads its last part's tail: a stored zip of CSV members
    whose comment is 2,000 bytes of text ends as text in its last 512 bytes, but its end of central directory lies
    within the last 64 KiB: still the zip it is (read with the lost part as zeros, split12), never rows of text."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("名簿.csv", csv_bytes(standard(people(N, seed=35)), "utf-8"))
        z.comment = b"archived by the office server; " * 64
    src = tmp_path / "src"
    src.mkdir()
    parts = _cut(src, "share.zip", buf.getvalue(), 4)
    assert b"\x00" not in parts[1].read_bytes()[:512] and b"\x00" not in parts[-1].read_bytes()[-512:]
    parts[0].unlink()
    rows, skipped = _scan(tmp_path, src)
    row = skipped[str(parts[1])]
    assert "split zip" in row["detail"] and "split-fragment-read" not in row["detail"], row["detail"]
    assert "line end" not in row["detail"], row["detail"]  # not read as rows of text


def test_a_zip_behind_a_text_stub_is_not_joined_as_text(tmp_path: Path) -> None:
    """A zip after a shell script (a self-extractor for Unix: text, then ``PK``) cut as ``X.zip.NNN``: its first
    part begins as text, but its end of central directory is in its last part: not joined as text. Session 14
    (split14): joined as the zip it is and its member read (each part was listed as a part of a split zip)."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("名簿.csv", csv_bytes(standard(people(N, seed=36)), "utf-8"))
    stub = b"#!/bin/sh\n" + b"# self-extracting archive: run with sh\n" * 20 + b'unzip -o "$0"; exit 0\n'
    src = tmp_path / "src"
    src.mkdir()
    parts = _cut(src, "setup.zip", stub + buf.getvalue(), 3)
    rows, skipped = _scan(tmp_path, src)
    assert _records(rows, Path(f"{parts[0]} » 名簿.csv")) == N, rows
    assert not any(str(p) in skipped for p in parts), [skipped.get(str(p)) for p in parts]
    assert "extension-mismatch" not in (rows.get(str(parts[0])) or {}).get("reasons", [])


def test_a_zip_whose_text_comment_outlasts_its_last_part_stays_a_zip(tmp_path: Path) -> None:
    """review13e: the same zip with its ``.001`` lost, cut so that its last part holds only the end of its comment
    (a 4,000-byte comment, a 1,000-byte last part): that part is text from end to end, but the series' last 64 KiB
    (its end of central directory in the part before) are not: still the zip it is, never rows of text."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("名簿.csv", csv_bytes(standard(people(N, seed=37)), "utf-8"))
        z.comment = b"archived by the office server; " * 128
    data = buf.getvalue()
    src = tmp_path / "src"
    src.mkdir()
    parts = _cut(src, "share.zip", data, 0, size=(len(data) - 1000) // 3)
    assert len(parts) == 4 and len(parts[-1].read_bytes()) < 1100, [p.stat().st_size for p in parts]
    assert b"\x00" not in parts[1].read_bytes()[:512] and b"PK" not in parts[-1].read_bytes()
    parts[0].unlink()
    rows, skipped = _scan(tmp_path, src)
    row = skipped[str(parts[1])]
    assert "split zip" in row["detail"] and "line end" not in row["detail"], row["detail"]
