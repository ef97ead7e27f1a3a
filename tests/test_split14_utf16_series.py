"""An archive-named split series of UTF-16 text whose ``.001`` is lost (Session 14, split14).

Excel's "Unicode text" is UTF-16LE; cut with ``split -b`` under ``list.zip.NNN`` and with ``.001`` lost, its parts
hold NULs (every ASCII character's high byte) and no byte-order mark: the ``.001``-lost text rule (no control
byte text never holds) took them for an archive's parts, listed, unread (Session 13 left open). A part is UTF-16
text when 95 % of its code units are ordinary text at some byte order and alignment (random bytes ~45 %, a zip's
tail holds NUL units). Damaged variants (a part lost in the middle, random bytes under the same names) end as
records or a listed reason.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from conftest import run_cli
from pii_data import csv_bytes, people, standard

from scanner.sources.split_series import is_utf16_text


def test_utf16_text_is_told_from_random_bytes_and_archives() -> None:
    text = csv_bytes(standard(people(20, seed=96)), "utf-16")
    for cut in (3, 4, 1001, 1002):
        assert is_utf16_text(text[cut:cut + 512])
        assert is_utf16_text(text.decode("utf-16").encode("utf-16-be")[cut:cut + 512])
    rng = random.Random(97)
    assert not any(is_utf16_text(rng.randbytes(512)) for _ in range(200))
    assert not is_utf16_text(b"PK\x03\x04" + bytes(30) + "名簿.csv".encode())


def test_an_archive_named_utf16_series_with_its_first_part_lost_is_read(tmp_path: Path) -> None:
    data = csv_bytes(standard(people(300, seed=95)), "utf-16")
    size = -(-len(data) // 4) | 1  # odd: parts begin at odd offsets too
    src = tmp_path / "src"
    folders = {"lost": (0,), "gap": (0, 2)}
    for folder, drop in folders.items():
        (src / folder).mkdir(parents=True)
        for i in range(4):
            if i not in drop:
                (src / folder / f"list.zip.{i + 1:03d}").write_bytes(data[i * size:(i + 1) * size])
    (src / "random").mkdir()
    rng = random.Random(98)
    for i in (2, 3, 4):
        (src / "random" / f"blob.zip.{i:03d}").write_bytes(rng.randbytes(size))
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    hits = {f["path"]: f for f in doc["files"]}
    skipped = {s["path"]: s for s in doc["skipped"]}
    assert 200 < hits[str(src / "lost" / "list.zip.002")]["pii"]["records"] < 300
    # ``.001`` and ``.003`` lost: listed part by part, naming both (as the same series of UTF-8 text)
    for part in sorted(src.rglob("*.zip.*")):
        assert str(part) in hits or str(part) in skipped, f"{part.parent.name}/{part.name} ended as nothing"
    assert not any(str(p) in hits for p in (src / "random").iterdir())  # random bytes: listed, never rows


def test_a_lone_four_digit_part_is_read_whole_its_headerless_rows_found(tmp_path: Path) -> None:
    """``roster.csv.1000`` alone (the 1000th part of a series, or a numbered copy): read whole by its content (a
    four-digit number is a part only beside its series); a piece cut from a table's middle has no header and
    starts and ends inside rows: its person rows are found by their shape and it is listed cut (Session 13 left
    it open whether they were: they are). UTF-8 and UTF-16 (odd offset) pieces."""
    src = tmp_path / "src"
    src.mkdir()
    data = csv_bytes(standard(people(400, seed=99)), "utf-8")
    (src / "roster.csv.1000").write_bytes(data[20001:40001])
    wide = csv_bytes(standard(people(400, seed=99)), "utf-16")
    (src / "名簿.csv.0007").write_bytes(wide[30001:60001])
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    hits = {Path(f["path"]).name: f for f in doc["files"]}
    skipped = {Path(s["path"]).name: s for s in doc["skipped"]}
    for name in ("roster.csv.1000", "名簿.csv.0007"):
        assert hits[name]["pii"]["records"] > 100, (name, hits.get(name), skipped.get(name))
        assert skipped[name]["reason"] == "corrupt", skipped.get(name)
