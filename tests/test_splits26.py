"""splits26: issue #10, split text sets and text files not named as text (Faker ja_JP rosters, GNU ``split``).

1. A header-less person list ``roster.txt`` cut by lines (``split -l``, ``split -n l/3``, ``split -C``) in a folder:
   before 0 of 150 persons (``.001`` ``not-a-disk-image``, later pieces ``split-piece-unjoined``, unread; ``-n l/3``
   149 ``split-series-partly-read``). Now joined (rows of one table across every cut), 150 in one row.
2. A roster renamed ``roster.dat`` / ``roster`` / ``roster.bak`` / ``roster.001`` whose header names a role's fields
   (届先氏名, 送付先住所): before not read and on no line. Now read by its content (a role's fields are a person's).
3. A set joined although its pieces are not all one size but the last (``split -C``, a short middle piece): before
   joined without a word. Now the row says it (``split-joined-uneven``), the persons counted.
4. Rotated UTF-16 logs of one size over the hold: before ``split-set-over-hold`` (exit 3). Now files (each begins
   with its BOM and first line): nothing listed, exit 0.
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


def _scan(out: Path, *sources: str, options: tuple[str, ...] = ()) -> tuple[int, dict[str, Any]]:
    done = run_leakscan("scan", *sources, "--out", str(out), "--workers", "1", "--quiet", *options, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


HEADERLESS = {  # case -> (encoding, delimiter, split options)
    "tab-l50": ("utf-8", "\t", ("-l", "50")),
    "tab-nl3": ("utf-8", "\t", ("-n", "l/3")),
    "comma-C3000": ("cp932", ",", ("-C", "3000")),
    "comma-l37": ("cp932", ",", ("-l", "37")),
}
ROLES = {  # header -> the names the roster is renamed to
    "todoke": ["届先氏名", "届先フリガナ", "届先住所", "届先電話番号"],
    "soufu": ["送付先氏名", "送付先フリガナ", "送付先住所", "送付先電話番号"],
}
RENAMED = ["roster.dat", "roster", "roster.bak", "roster.001"]
LETTERED = {"letters-h-l50": (True, ("-l", "50")), "letters-n-C3000": (False, ("-C", "3000")),
            "digits2-h-b3000": (True, ("-d", "-b", "3000")), "digits2-n-l50": (False, ("-d", "-l", "50"))}
PIECES: dict[str, int] = {}  # case -> how many pieces split made (the fixture fills it)


def _long_note_csv(chars: int) -> bytes:
    """A roster CSV with one long 備考 (``chars`` kanji in row 40). Under ``split -C 3000``: 880 (2,640 bytes) ends
    the piece before it short (a short middle piece); 2,600 (7,800 bytes, longer than a piece and than a piece's
    4,608-byte head) is cut inside itself."""
    rows = [[*r, "備考"] if i == 0 else [*r, "長" * chars if i == 40 else ""]
            for i, r in enumerate(people_rows(120, seed=2603))]
    return csv_bytes(rows, "utf-8")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any]]:
    root = tmp_path_factory.mktemp("splits26")
    ev = root / "evidence"
    for case, (encoding, delimiter, how) in HEADERLESS.items():
        data = csv_bytes(people_rows(150, seed=2601, header=False), encoding, delimiter=delimiter)
        pieces = _split(root, data, "roster.txt", *how)
        PIECES[case] = len(pieces)
        (ev / case).mkdir(parents=True)
        for name, piece in pieces.items():
            (ev / case / name).write_bytes(piece)
        if case == "tab-l50":
            (ev / f"{case}.zip").write_bytes(_zip(pieces))
    for k, (case, header) in enumerate(ROLES.items()):
        data = csv_bytes([header, *people_rows(30, seed=2610 + k, header=False)], "cp932" if k else "utf-8")
        for i, name in enumerate(RENAMED):
            (ev / f"{case}-{i}").mkdir(parents=True)
            (ev / f"{case}-{i}" / name).write_bytes(data)
    for case, (header, how) in LETTERED.items():  # GNU ``split`` with its default letters, as macOS ``split`` names
        data = csv_bytes(people_rows(150, seed=2620, header=header), "utf-8")
        work = root / f"cut-{case}"
        work.mkdir()
        (work / "roster.csv").write_bytes(data)
        subprocess.run(["split", *how, "roster.csv", "roster.csv."], cwd=work, check=True)
        (ev / case).mkdir(parents=True)
        for piece in sorted(work.iterdir()):
            if piece.name != "roster.csv":
                (ev / case / piece.name).write_bytes(piece.read_bytes())
        PIECES[case] = len(list(work.iterdir())) - 1
        (ev / f"{case}.zip").write_bytes(_zip({p.name: p.read_bytes() for p in sorted(work.iterdir())
                                               if p.name != "roster.csv"}))
    for case, chars in (("uneven", 880), ("longcell", 2600)):
        pieces = _split(root, _long_note_csv(chars), f"{case}.csv", "-C", "3000")
        (ev / case).mkdir(parents=True)
        for name, piece in pieces.items():
            (ev / case / name).write_bytes(piece)
        PIECES[case] = len(pieces)
        sizes = [len(p) for p in pieces.values()]
        assert min(sizes[:-1]) < max(sizes) - 300, sizes  # a middle piece short
    return _scan(root / "out", str(ev))


def _records(doc: dict[str, Any], part: str) -> dict[str, int]:
    return {f["path"].split("evidence/", 1)[1]: (f.get("pii") or {}).get("records", 0)
            for f in doc["files"] if part in f["path"] and (f.get("pii") or {}).get("records")}


def _said(doc: dict[str, Any], part: str) -> dict[str, list[str]]:
    return {s["path"].split("evidence/", 1)[1]: [c["code"] for c in s.get("detail_codes") or []]
            for s in doc["skipped"] if part in s["path"]}


def _row(doc: dict[str, Any], path: str) -> dict[str, Any]:
    return next(f for f in doc["files"] if f["path"].endswith(path))


def _codes(row: dict[str, Any]) -> list[str]:
    return [c["code"] for c in row.get("status_detail_codes") or []]


@pytest.mark.parametrize("case", sorted(HEADERLESS))
def test_a_headerless_list_cut_by_lines_in_a_folder_is_read_whole(scanned: tuple[int, dict[str, Any]],
                                                                   case: str) -> None:
    _code, doc = scanned
    where = f"{case}/"
    assert _records(doc, where) == {f"{where}roster.txt.001": 150}, (_records(doc, where), _said(doc, where))
    assert _said(doc, where) == {}, _said(doc, where)
    parts = _row(doc, f"{where}roster.txt.001")["annotations"]["joined_parts"]
    assert len(parts) == PIECES[case] > 1, parts  # the set said: its pieces read inside this row
    # (review26p: a plain line cut's pieces differ by a few lines: no split-joined-uneven, which sat on every set)
    assert "split-joined-uneven" not in _codes(_row(doc, f"{where}roster.txt.001")), _row(doc, f"{where}roster.txt.001")


def test_a_headerless_list_cut_by_lines_in_a_zip_is_read_whole(scanned: tuple[int, dict[str, Any]]) -> None:
    _code, doc = scanned
    where = "tab-l50.zip » "
    assert _records(doc, where) == {f"{where}roster.txt.001": 150}, (_records(doc, where), _said(doc, where))


@pytest.mark.parametrize("case", sorted(ROLES))
@pytest.mark.parametrize("renamed", range(len(RENAMED)))
def test_a_roster_with_role_words_renamed_is_read(scanned: tuple[int, dict[str, Any]], case: str, renamed: int) -> None:
    _code, doc = scanned
    where = f"{case}-{renamed}/"
    assert _records(doc, where) == {where + RENAMED[renamed]: 30}, (_records(doc, where), _said(doc, where))


@pytest.mark.parametrize("case", ["uneven", "longcell"])
def test_a_set_joined_with_pieces_of_many_sizes_says_so(scanned: tuple[int, dict[str, Any]], case: str) -> None:
    """3. ``longcell``: a line longer than a piece's head, cut inside itself, was taken for two encodings
    (``split-pieces-apart``: the head's own end cut a UTF-8 character) and the set read in 5 rows."""
    _code, doc = scanned
    where = f"{case}/"
    assert _records(doc, where) == {f"{where}{case}.csv.001": 120}, _said(doc, where)
    assert _said(doc, where) == {}, _said(doc, where)
    row = _row(doc, f"{where}{case}.csv.001")
    assert row["status"] == "ok", row
    assert "split-joined-uneven" in _codes(row), row


def test_the_shared_scan_is_complete(scanned: tuple[int, dict[str, Any]]) -> None:
    code, _doc = scanned
    assert code in (0, 1), code


def test_rotated_utf16_logs_of_one_size_over_the_hold_are_no_set(tmp_path: Path) -> None:
    line = "2026-12-07T10:{:02d}:{:02d} 受付[214]: 処理時間 {:3d} ms\r\n"
    logs = {}
    for k in range(1, 5):
        text = "".join(line.format(i // 60 % 60, i % 60, (i * 7 + k) % 1000) for i in range(30000))
        logs[f"logs/app.log.{k:03d}"] = (b"\xff\xfe" + text.encode("utf-16-le"))[:1 << 20]
    assert len({len(v) for v in logs.values()}) == 1
    ev = tmp_path / "evidence"
    ev.mkdir()
    (ev / "logs.zip").write_bytes(_zip(logs))
    code, doc = _scan(tmp_path / "out", str(ev), options=("--max-inspect-mb", "2"))
    assert [s for s in doc["skipped"] if "split-set-over-hold" in [c["code"] for c in s.get("detail_codes") or []]] \
        == [], doc["skipped"]
    assert code == 0, doc["skipped"]


def test_one_utf16_file_cut_evenly_over_the_hold_is_still_a_set(tmp_path: Path) -> None:
    """The pin beside 4: one UTF-16 log cut by ``split -b`` (only its first piece has the BOM) stays a set."""
    line = "2026-12-07T10:{:02d}:{:02d} 受付[214]: 処理時間 {:3d} ms\r\n"
    text = "".join(line.format(i // 60 % 60, i % 60, i * 7 % 1000) for i in range(120000))
    data = (b"\xff\xfe" + text.encode("utf-16-le"))[:4 << 20]
    logs = {f"logs/app.log.{k + 1:03d}": data[k << 20:(k + 1) << 20] for k in range(4)}
    ev = tmp_path / "evidence"
    ev.mkdir()
    (ev / "logs.zip").write_bytes(_zip(logs))
    code, doc = _scan(tmp_path / "out", str(ev), options=("--max-inspect-mb", "2"))
    assert [s for s in doc["skipped"] if "split-set-over-hold" in [c["code"] for c in s.get("detail_codes") or []]], \
        doc["skipped"]
    assert code == 3, doc["skipped"]


@pytest.mark.parametrize("case", sorted(LETTERED))
def test_a_list_cut_by_lines_with_splits_letters_is_read_whole(scanned: tuple[int, dict[str, Any]], case: str) -> None:
    """5. ``split -l 50 roster.csv roster.csv.`` (GNU's default letters; macOS ``split`` names so too): ``.aa`` read
    alone (49 of 150 with its header; 0 without), the later pieces on no line. Now joined as ``.001`` sets are.
    ``split -d`` (two digits, ``.00``): the set joined at ``.00`` and its later pieces read again on their own
    (``-b``: 267 records for 150 persons)."""
    _code, doc = scanned
    where = f"{case}/"
    first = "roster.csv.00" if case.startswith("digits2") else "roster.csv.aa"
    assert _records(doc, where) == {f"{where}{first}": 150}, (_records(doc, where), _said(doc, where))
    assert _said(doc, where) == {}, _said(doc, where)
    row = _row(doc, f"{where}{first}")
    assert len(row["annotations"]["joined_parts"]) == PIECES[case] > 2, row["annotations"]
    assert "split-joined-uneven" not in _codes(row), row  # (review26p: a plain line cut's play is no unevenness)


@pytest.mark.parametrize("case", sorted(LETTERED))
def test_a_list_cut_by_lines_with_splits_letters_in_a_zip_is_read_whole(scanned: tuple[int, dict[str, Any]],
                                                                       case: str) -> None:
    """5. The same sets in a zip: only ``.aa`` (``.00``) was held as a piece by its name; the later members were read
    alone by content (a header-less one: nothing) or not at all (49 of 150 with a header, 0 without)."""
    _code, doc = scanned
    where = f"{case}.zip » "
    first = "roster.csv.00" if case.startswith("digits2") else "roster.csv.aa"
    assert _records(doc, where) == {f"{where}{first}": 150}, (_records(doc, where), _said(doc, where))
    assert _said(doc, where) == {}, _said(doc, where)


def test_a_list_cut_by_lines_with_splits_letters_in_a_disk_image_is_read_whole(tmp_path: Path) -> None:
    """5. The same set in a FAT image's folder (a disk image walked: its folders' parts grouped by their names): only
    ``.aa`` was taken as a piece, 49 of 150 read."""
    from image_data import fat_image

    if not shutil.which("mkfs.vfat"):
        pytest.skip("mkfs.vfat builds the file system")
    work = tmp_path / "cut"
    work.mkdir()
    (work / "roster.csv").write_bytes(csv_bytes(people_rows(150, seed=2621), "utf-8"))
    subprocess.run(["split", "-l", "50", "roster.csv", "roster.csv."], cwd=work, check=True)
    files = {p.name: p.read_bytes() for p in sorted(work.iterdir()) if p.name != "roster.csv"}
    ev = tmp_path / "evidence"
    ev.mkdir()
    fat_image(ev / "stick.img", files, size_mib=2, bits=12)
    _code, doc = _scan(tmp_path / "out", str(ev))
    got = {f["path"].rsplit(" » ", 1)[-1]: (f.get("pii") or {}).get("records", 0) for f in doc["files"]
           if (f.get("pii") or {}).get("records")}
    assert list(got.values()) == [150] and next(iter(got)).endswith("roster.csv.aa"), (got, doc["skipped"])


@pytest.mark.parametrize("header", [True, False])
def test_a_utf16_list_cut_by_lines_in_a_folder_is_read_whole(tmp_path: Path, header: bool) -> None:
    """Excel's "Unicode text" (UTF-16LE, BOM, tabs) cut by ``split -l 50``: each later piece begins with the NUL that
    ends the line before (split cuts after the 0x0A byte). Before: 42 of 150 with a header, 0 without (``.001``
    alone, the rest ``split-piece-unjoined``, unread)."""
    pieces = _split(tmp_path, csv_bytes(people_rows(150, seed=2640, header=header), "utf-16le-bom", delimiter="\t"),
                    "roster.txt", "-l", "50")
    ev = tmp_path / "evidence" / "u16"
    ev.mkdir(parents=True)
    for name, data in pieces.items():
        (ev / name).write_bytes(data)
    _code, doc = _scan(tmp_path / "out", str(ev.parent))
    assert _records(doc, "u16/") == {"u16/roster.txt.001": 150}, (_records(doc, "u16/"), _said(doc, "u16/"))
