"""splits25: issue #10 leftovers for split text sets (Faker ja_JP rosters cut by GNU ``split``).

1. ``memo.txt.001`` (cp932, no final line end) + ``memo.txt.002`` (UTF-8, larger): two memos, not one byte stream.
   Before: glued into one text (the last line of .001 and the first of .002 one line: 44 of 45 records). Now each
   piece is read whole on its own and listed ``split-pieces-apart`` naming the encodings.
2. ``deep.csv.001`` whose first 8 KiB are zeros (past the 4,608-byte head): before ``not-a-disk-image`` and its
   ``.002`` listed ``split-piece-unjoined``, unread (folder), each piece alone in a zip. Now joined whatever the
   zeros, the NUL block said.
3. A tab list saved as ``roster.txt`` cut by ``split -l 70`` (pieces end at line ends, sizes differ): before .001 read
   alone and .002/.003 listed ``split-piece-unjoined``, unread (folder: 69 of 200); each alone in a zip. Now one file
   (200), as a ``.csv`` set.
4. Equal-size rotated logs ``app.log.001`` .. ``.004`` in a zip past --max-inspect-mb: before listed
   ``split-set-over-hold`` (names and sizes only), exit 3. Now their first bytes say they are files: nothing listed.
5. A CSV set missing its middle piece (``split -n 3``, ``.002`` gone): exit 0, complete, said (decided, see the test).
6. The header-row test of split sets and the table reader normalise a header cell one way (scanner.headerwords).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan
from document_data import people_rows
from pii_data import csv_bytes


def _split(tmp: Path, data: bytes, name: str, *how: str) -> dict[str, bytes]:
    """GNU ``split HOW --numeric-suffixes=1 -a 3 NAME NAME.``: its pieces by name."""
    work = tmp / f"cut-{name}"
    work.mkdir(parents=True)
    (work / name).write_bytes(data)
    subprocess.run(["split", *how, "--numeric-suffixes=1", "-a", "3", name, name + "."], cwd=work, check=True)
    out = {p.name: p.read_bytes() for p in sorted(work.iterdir()) if p.name != name}
    shutil.rmtree(work)
    return out


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _memos() -> dict[str, bytes]:
    first = csv_bytes(people_rows(20, seed=2501), "cp932", delimiter="\t").rstrip(b"\r\n")
    second = csv_bytes(people_rows(25, seed=2502, header=False), "utf-8", delimiter="\t").rstrip(b"\r\n")
    return {"memo.txt.001": first, "memo.txt.002": second}


ZEROS = 8192  # past image_sniff.HEAD (4,608)


def _deep_whole() -> bytes:
    whole = csv_bytes(people_rows(200, seed=2503), "cp932")
    return bytes(ZEROS) + whole[ZEROS:]


def _rows_after_zeros() -> int:
    """The persons whose rows lie wholly after the zeroed bytes (the row the zeros end in is cut)."""
    whole = csv_bytes(people_rows(200, seed=2503), "cp932")
    return sum(1 for i in range(ZEROS, len(whole)) if whole.startswith(b"\r\n", i - 2)) - (whole.endswith(b"\r\n"))


def _write(ev: Path, folder: str, pieces: dict[str, bytes]) -> None:
    (ev / folder).mkdir(parents=True)
    for name, data in pieces.items():
        (ev / folder / name).write_bytes(data)
    (ev / f"{folder}.zip").write_bytes(_zip(pieces))


def _scan(out: Path, *sources: str, options: tuple[str, ...] = ()) -> tuple[int, dict[str, Any]]:
    done = run_leakscan("scan", *sources, "--out", str(out), "--workers", "1", "--quiet", *options, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any]]:
    root = tmp_path_factory.mktemp("splits25")
    ev = root / "evidence"
    _write(ev, "memo", _memos())
    _write(ev, "deep", _split(root, _deep_whole(), "deep.csv", "-b", "10000"))
    _write(ev, "deeprows", _split(root, _deep_whole(), "deep.csv", "-l", "40"))
    _write(ev, "txt", _split(root, csv_bytes(people_rows(200, seed=2504), "utf-8", delimiter="\t"), "roster.txt",
                             "-l", "70"))
    return _scan(root / "out", str(ev))


def _records(doc: dict[str, Any], part: str) -> dict[str, int]:
    return {f["path"].split("evidence/", 1)[1]: (f.get("pii") or {}).get("records", 0)
            for f in doc["files"] if part in f["path"] and (f.get("pii") or {}).get("records")}


def _said(doc: dict[str, Any], part: str) -> dict[str, list[str]]:
    return {s["path"].split("evidence/", 1)[1]: [c["code"] for c in s.get("detail_codes") or []]
            for s in doc["skipped"] if part in s["path"]}


@pytest.mark.parametrize("where", ["memo/", "memo.zip » "])
def test_pieces_in_two_encodings_are_read_each_alone_and_said(scanned: tuple[int, dict[str, Any]], where: str) -> None:
    _code, doc = scanned
    got = _records(doc, where)
    assert got == {f"{where}memo.txt.001": 20, f"{where}memo.txt.002": 25}, got  # 45 of 45 (joined: 44)
    said = _said(doc, where)
    assert said == {f"{where}memo.txt.001": ["split-pieces-apart"], f"{where}memo.txt.002": ["split-pieces-apart"]}, said
    details = [s["detail"] for s in doc["skipped"] if where + "memo" in s["path"]]
    assert all("cp932" in d and "utf-8" in d for d in details), details


@pytest.mark.parametrize("kind", ["deep", "deeprows"])
@pytest.mark.parametrize("where", ["{kind}/", "{kind}.zip » "])
def test_a_first_piece_zeroed_past_its_head_is_joined(scanned: tuple[int, dict[str, Any]], kind: str,
                                                      where: str) -> None:
    _code, doc = scanned
    prefix = where.format(kind=kind)
    got = _records(doc, prefix)
    assert list(got) == [f"{prefix}deep.csv.001"], (got, _said(doc, prefix))
    assert got[f"{prefix}deep.csv.001"] >= _rows_after_zeros(), got
    said = _said(doc, prefix)
    assert said == {f"{prefix}deep.csv.001": ["nul-block"]}, said


@pytest.mark.parametrize("where", ["txt/", "txt.zip » "])
def test_a_text_list_cut_at_line_ends_is_one_file(scanned: tuple[int, dict[str, Any]], where: str) -> None:
    _code, doc = scanned
    assert _records(doc, where) == {f"{where}roster.txt.001": 200}, (_records(doc, where), _said(doc, where))
    assert _said(doc, where) == {}, _said(doc, where)


def test_the_shared_scan_is_complete(scanned: tuple[int, dict[str, Any]]) -> None:
    code, _doc = scanned
    assert code == 0, code


def test_rotated_logs_of_one_size_over_the_hold_are_no_set(tmp_path: Path) -> None:
    line = "2026-12-07T10:{:02d}:{:02d} app[214]: request served in {:3d} ms\n"
    logs = {}
    for k in range(1, 5):
        text = "".join(line.format(i // 60 % 60, i % 60, (i * 7 + k) % 1000) for i in range(30000))
        logs[f"logs/app.log.{k:03d}"] = text.encode()[:1 << 20]
    assert len({len(v) for v in logs.values()}) == 1
    ev = tmp_path / "evidence"
    ev.mkdir()
    (ev / "logs.zip").write_bytes(_zip(logs))
    code, doc = _scan(tmp_path / "out", str(ev), options=("--max-inspect-mb", "2"))
    assert [s for s in doc["skipped"] if "split-set-over-hold" in [c["code"] for c in s.get("detail_codes") or []]] \
        == [], doc["skipped"]
    assert code == 0, doc["skipped"]


def test_a_text_set_read_partly_is_said_and_the_scan_stays_complete(tmp_path: Path) -> None:
    """5. Decided (splits25): a set with a piece missing is a fact of the evidence, as a CSV cut mid-row is: every
    piece read and listed, one terminal line even with --quiet, exit 0 (or 1), the scan complete. Exit 3 is for
    places whose files were never listed (a folder, a volume: an image set's later segment, a set over the hold or
    the cap, which a rescan with the parts or the memory can read); a text set hides rows, not files."""
    pieces = _split(tmp_path, csv_bytes(people_rows(200, seed=2505), "utf-8"), "g.csv", "-n", "3")
    del pieces["g.csv.002"]
    ev = tmp_path / "evidence"
    (ev / "gap").mkdir(parents=True)
    for name, data in pieces.items():
        (ev / "gap" / name).write_bytes(data)
    done = run_leakscan("scan", str(ev), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet", timeout=300)
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert _said(doc, "gap/") == {"gap/g.csv.001": ["split-series-partly-read"],
                                  "gap/g.csv.003": ["split-series-partly-read"]}, _said(doc, "gap/")
    assert done.returncode == 0, done.stderr
    assert doc["scan"]["complete"] is True
    assert "1 split series with parts missing" in done.stderr, done.stderr


def test_a_later_text_piece_after_a_disks_start_is_still_listed_unjoined(tmp_path: Path) -> None:
    """``split-piece-unjoined`` still says a later text piece whose first piece is a file system's start (a FAT made
    by mkfs.vfat, cut): no text of it by content, so not joined; the piece is listed, not silently clean (images24's
    own case, a zeroed first piece, is now joined: test_images24 reversed on purpose)."""
    from image_data import fat_image

    if not shutil.which("mkfs.vfat"):
        pytest.skip("mkfs.vfat builds the file system")
    raw = fat_image(tmp_path / "fat.img", {"memo.txt": b"hello\n"}, size_mib=2, bits=12).read_bytes()
    ev = tmp_path / "evidence" / "cut"
    ev.mkdir(parents=True)
    (ev / "notes.csv.001").write_bytes(raw[:65536])
    (ev / "notes.csv.002").write_bytes(csv_bytes(people_rows(30, seed=2506, header=False), "utf-8"))
    _code, doc = _scan(tmp_path / "out", str(ev.parent))
    said = _said(doc, "cut/")
    assert said.get("cut/notes.csv.002", [])[:1] == ["split-piece-unjoined"], said


@pytest.mark.parametrize("encoding", ["cp932", "utf-8", "euc-jp"])
def test_one_text_cut_at_any_byte_is_never_pieces_apart(encoding: str) -> None:
    """1b. A roster (one encoding) cut at every byte: its two pieces are never taken for two encodings (a line has
    one encoding on both sides of a cut). splits25's first version took a short cp932/EUC-JP run for UTF-8 once a
    "cut character" was dropped (euc-jp: 7 of 4,274 cuts); pieces then read apart, the cut row lost."""
    from scanner.sources.split_series import _apart

    whole = csv_bytes(people_rows(60, seed=7), encoding)
    found = []
    for cut in range(1, len(whole) - 1):
        pieces = {"x.csv.001": whole[:cut], "x.csv.002": whole[cut:]}
        if _apart(tuple(pieces), lambda n, p=pieces: p[n][:4608], lambda n, p=pieces: p[n][-65557:]):
            found.append(cut)
    assert found == [], (len(found), found[:5])
    memo = _memos()
    assert _apart(tuple(memo), lambda n: memo[n][:4608], lambda n: memo[n][-65557:]) == "cp932, utf-8"
