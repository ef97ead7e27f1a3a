"""split12: what can be read of a split series with a part missing is read (the parts present were only listed,
people in them uncounted), and a later part alone (``customers.csv.002`` without ``.001``) is listed as a part of a
series whose first part is missing and read as a fragment (it ended as nothing: no hit, no skip).

One CLI scan of generated series (``split -b``) and damaged variants; every part ends as records or a listed reason.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import zipfile
from pathlib import Path

import py7zr
import pytest
from conftest import run_cli
from test_split11_series import _split

ROWS = 600


def _csv(rows: int, seed: int = 1212) -> bytes:
    from faker import Faker

    fake = Faker("ja_JP")
    Faker.seed(seed)
    return ("氏名,住所,電話番号\n" + "".join(f"{fake.name()},{fake.address()},{fake.phone_number()}\n"
                                          for _ in range(rows))).encode("utf-8")


MEMBERS = 6


def _members() -> dict[str, bytes]:
    return {f"data/名簿{i}.csv": _csv(80, seed=i) for i in range(MEMBERS)}


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in _members().items():
            zf.writestr(name, data)
    return buf.getvalue()


def _seven() -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", filters=[{"id": py7zr.FILTER_COPY}]) as z:
        for name, data in _members().items():
            z.writestr(data, name)
    return buf.getvalue()


def _folder(root: Path, name: str) -> Path:
    (root / name).mkdir()
    return root / name


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict[str, list[Path]], bytes]:
    base = tmp_path_factory.mktemp("split12")
    src = base / "src"
    src.mkdir()
    data = _csv(ROWS)
    parts: dict[str, list[Path]] = {}
    parts["gap"] = _split(_folder(src, "gap"), "customers.csv", data, parts=4)
    parts["gap"][2].unlink()  # .003 lost
    lone = _split(_folder(src, "lone"), "customers.csv", data, parts=4)
    for p in (lone[0], lone[2], lone[3]):
        p.unlink()
    parts["lone"] = [lone[1]]
    cut = _split(_folder(src, "cut"), "customers.csv", data, parts=4)  # damaged: .002 cut short, .003 lost
    cut[2].unlink()
    with open(cut[1], "r+b") as f:
        f.truncate(os.path.getsize(cut[1]) - 700)
    parts["cut"] = cut
    noise = _folder(src, "noise") / "notes.csv.003"  # a lone part of bytes that are no text
    noise.write_bytes(bytes(range(256)) * 40)
    parts["noise"] = [noise]
    tarred = io.BytesIO()  # a lone later part of another type: read as what its name says (a tar), and listed
    with tarfile.open(fileobj=tarred, mode="w") as tf:
        member = _csv(120, seed=3)
        info = tarfile.TarInfo("名簿.csv")
        info.size = len(member)
        tf.addfile(info, io.BytesIO(member))
    lone_tar = _folder(src, "tar") / "backup.tar.002"
    lone_tar.write_bytes(tarred.getvalue())
    parts["tar"] = [lone_tar]
    inside = _folder(src, "inside") / "parts.zip"  # pieces in an archive: grouped and joined there (split15)
    pieces = _split(_folder(base, "pieces"), "customers.csv", data, parts=4)
    with zipfile.ZipFile(inside, "w") as zf:
        for p in pieces[:2]:
            zf.write(p, p.name)
    parts["inside"] = [inside, *pieces[:2]]
    from image_data import fat_image

    disk = _folder(src, "image") / "usb.img"  # a later piece in a disk image: not read there, but listed
    fat_image(disk, {"/A/customers.csv.002": pieces[1].read_bytes()})
    parts["image"] = [disk]
    parts["zipgap"] = _split(_folder(src, "zipgap"), "backup.zip", _zip(), parts=6)
    parts["zipgap"][2].unlink()
    parts["zipfirst"] = _split(_folder(src, "zipfirst"), "backup.zip", _zip(), parts=6)
    parts["zipfirst"][0].unlink()
    parts["sevenlast"] = _split(_folder(src, "sevenlast"), "backup.7z", _seven(), parts=6)
    parts["sevenlast"][-1].unlink()
    out = base / "out"
    run = run_cli("scan", str(src), "--out", str(out), "--quiet")
    assert run.returncode in (0, 1, 3), run.stderr
    return out, json.loads((out / "findings.json").read_text(encoding="utf-8")), parts, data


def _rows(doc: dict) -> tuple[dict[str, dict], dict[str, list[dict]]]:
    files = {f["path"]: f for f in doc["files"]}
    listed: dict[str, list[dict]] = {}
    for s in doc["skipped"]:
        listed.setdefault(s["path"], []).append(s)
    return files, listed


def _complete_lines(data: bytes, skip_first: bool) -> int:
    """Rows of people wholly in ``data``: its line ends, less the header (or the cut first line)."""
    return data.count(b"\n") - 1 if skip_first or data.startswith("氏名".encode()) else data.count(b"\n")


def test_a_csv_series_with_a_gap_reads_the_parts_on_each_side(scanned: tuple) -> None:
    out, doc, parts, data = scanned
    files, listed = _rows(doc)
    p1, p2, _p3, p4 = parts["gap"]
    first = files[str(p1)]  # parts 1-2 read joined: their complete rows counted
    want = _complete_lines(p1.read_bytes() + p2.read_bytes(), skip_first=True)
    assert first["pii"]["records"] == want, (first["pii"], want)
    assert first["status"] == "corrupt" and "customers.csv.003" in first["status_detail"], first["status_detail"]
    assert first["annotations"]["part_digests"]["size"] == p1.stat().st_size  # the part as it lies
    after = files[str(p4)]  # part 4 read from its first line end: a fragment without a header row
    assert after["pii"]["records"] == _complete_lines(p4.read_bytes(), skip_first=True), after["pii"]
    assert after["status"] == "corrupt"
    for p in (p1, p2, p4):  # every part present listed, naming the missing one
        assert str(p) in listed and "customers.csv.003" in listed[str(p)][0]["detail"], (p, listed.get(str(p)))
    assert "read joined with part 1" in listed[str(p2)][0]["detail"]


def test_a_later_part_alone_is_listed_and_read_as_a_fragment(scanned: tuple) -> None:
    """``customers.csv.002`` alone ended as nothing (no hit, no skip): listed naming ``.001`` missing, and the rows
    of people in it counted by the header-less search."""
    out, doc, parts, data = scanned
    files, listed = _rows(doc)
    (p2,) = parts["lone"]
    assert str(p2) in listed and "customers.csv.001 missing" in listed[str(p2)][0]["detail"], listed.get(str(p2))
    assert files[str(p2)]["pii"]["records"] == _complete_lines(p2.read_bytes(), skip_first=True)


def test_damaged_series_parts_end_as_records_or_a_listed_reason(scanned: tuple) -> None:
    out, doc, parts, data = scanned
    files, listed = _rows(doc)
    p1, p2, _p3, p4 = parts["cut"]  # .002 cut short: the run ends with it (still read), .004 read on its own
    assert files[str(p1)]["pii"]["records"] == _complete_lines(p1.read_bytes() + p2.read_bytes(), skip_first=True)
    assert "shorter than the first part" in listed[str(p1)][0]["detail"], listed[str(p1)]
    assert files[str(p4)]["pii"]["records"] > 0
    (noise,) = parts["noise"]
    assert str(noise) in listed, sorted(listed)  # bytes that are no text: listed, never nothing
    (lone_tar,) = parts["tar"]  # another type alone: read as X.EXT (its members examined), listed as a piece
    assert "backup.tar.001 missing" in listed[str(lone_tar)][0]["detail"], listed.get(str(lone_tar))
    member = files[f"{lone_tar} » 名簿.csv"]
    assert member["pii"]["records"] == 120, member


def test_a_zip_series_with_a_gap_reads_the_members_wholly_in_the_parts_present(scanned: tuple) -> None:
    """The missing parts read as zeros keep the directory and offsets: members wholly in the parts present are
    examined (records counted), one across a gap fails its CRC (listed), the series listed naming the gap."""
    out, doc, parts, data = scanned
    files, listed = _rows(doc)
    for key, missing in (("zipgap", "backup.zip.003"), ("zipfirst", "backup.zip.001 missing")):
        present = [p for p in parts[key] if p.exists()]
        row = str(present[0])
        members = {k: v for k, v in files.items() if k.startswith(row + " » ")}
        read = [m for m in members.values() if m["status"] == "ok"]
        assert read and all(m["pii"]["records"] == 80 for m in read), members
        assert len(members) == MEMBERS and len(read) < MEMBERS, members  # every member: records or a reason
        for m in members.values():
            assert m["status"] == "ok" or m["path"] in listed, m
        assert missing in listed[row][0]["detail"] and listed[row][0]["reason"] == "unsupported", listed[row]
        for p in present[1:]:
            assert f"read joined with part {present[0].name[-1]}" in listed[str(p)][0]["detail"], listed[str(p)]


def test_a_7z_series_missing_its_last_part_says_where_the_header_was(scanned: tuple) -> None:
    out, doc, parts, data = scanned
    files, listed = _rows(doc)
    first = str(parts["sevenlast"][0])
    assert "lies in part 6, which is not here" in listed[first][0]["detail"], listed[first]


def test_verify_sources_matches_the_parts_read_of_an_incomplete_series(scanned: tuple, tmp_path: Path) -> None:
    out, doc, parts, data = scanned
    src = parts["gap"][0].parent.parent
    run = run_cli("verify", str(out), "--sources", str(src), "--json")
    rows = {r["path"]: r for r in json.loads(run.stdout)["sources"]}
    for p in (parts["gap"][0], parts["gap"][3], parts["lone"][0]):
        assert rows[str(p)]["status"] == "match", rows[str(p)]


def test_pieces_inside_an_archive_are_read_joined(scanned: tuple) -> None:
    """``customers.csv.001``/``.002`` as zip members: ``.001`` was "named like a disk image" (unread) and ``.002``
    ended as nothing; split12 read each on its own between its line ends. Since split15 the pieces of one folder of
    an archive are grouped as a local folder's are: read joined under ``.001`` (the row cut at ``.002``'s end, as
    a local series whose last parts were lost), ``.002`` named in the row's ``joined_parts``."""
    out, doc, parts, data = scanned
    files, listed = _rows(doc)
    inside, p1, p2 = parts["inside"]
    row = files[f"{inside} » {p1.name}"]
    assert row["pii"]["records"] >= _complete_lines(p1.read_bytes() + p2.read_bytes(), True), row
    assert row["annotations"]["joined_parts"] == [p1.name, p2.name], row


def test_a_piece_in_a_disk_image_is_listed(scanned: tuple, tmp_path: Path) -> None:
    """``customers.csv.002`` in a file system image ended as nothing (nothing reads ``.002``, no listing): in an image
    found in a folder it is read as a local folder's lone ``.002`` is (split15; split12 read it on its own); in an
    image given as the SOURCE (the walker's path) it is listed, not read."""
    out, doc, parts, data = scanned
    files, listed = _rows(doc)
    (disk,) = parts["image"]
    rows = [v[0] for k, v in listed.items() if k.startswith(str(disk)) and k.endswith("/A/customers.csv.002")]
    # split15: an image met in a folder groups its folders as a local folder (read from its first line, the first
    # part named missing)
    assert rows and "customers.csv.001 missing" in rows[0]["detail"], sorted(listed)
    run = run_cli("scan", str(disk), "--out", str(tmp_path / "img"), "--quiet")
    assert run.returncode in (0, 1), run.stderr
    again = json.loads((tmp_path / "img" / "findings.json").read_text(encoding="utf-8"))
    rows = [s for s in again["skipped"] if s["path"].endswith("/A/customers.csv.002")]
    assert rows and rows[0]["reason"] == "unsupported" and "inside a container" in rows[0]["detail"], again["skipped"]
