"""fixsplit11: a byte-split file that is no archive (``split -b 1M customers.csv customers.csv.``, 7-Zip/HJSplit
``customers.csv.001``, ``.002`` ...) is read joined as the file it was (review11a #11): the ``.001`` was listed as
"named like a disk image" and ``.002`` ... were never examined, the people in them unchecked."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from conftest import run_cli
from test_split11_series import _split


def _csv(rows: int) -> bytes:
    from faker import Faker

    fake = Faker("ja_JP")
    Faker.seed(1111)
    return ("氏名,住所,電話番号\n" + "".join(f"{fake.name()},{fake.address()},{fake.phone_number()}\n"
                                          for _ in range(rows))).encode("utf-8")


def _scan(tmp_path: Path, src: Path, *extra: str) -> tuple[int, dict]:
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--out", str(out), "--quiet", *extra)
    return run.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_a_byte_split_csv_is_read_joined_as_the_csv(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    data = _csv(600)
    parts = _split(src, "customers.csv", data, parts=4)
    assert len(parts) >= 3
    code, doc = _scan(tmp_path, src)
    files = {f["path"]: f for f in doc["files"]}
    row = files[str(parts[0])]
    assert row["pii"]["records"] == 600, row["pii"]
    assert row["sha256"] == hashlib.sha256(data).hexdigest()  # the joined file's
    first = parts[0].read_bytes()
    assert row["annotations"]["part_digests"]["sha256"] == hashlib.sha256(first).hexdigest()
    for p in parts[1:]:  # read in the join, not again on their own, never a row of their own
        assert str(p) not in files
    assert not [s for s in doc["skipped"] if Path(s["path"]).name.startswith("customers")], doc["skipped"]


def test_a_raw_disk_image_split_stays_an_image(tmp_path: Path) -> None:
    """``usb.part.001`` ... whose first part is a FAT image by content is not joined as a plain file: the image
    inspector keeps it (the CSV inside is found as before)."""
    from image_data import fat_image

    src = tmp_path / "src"
    src.mkdir()
    img = tmp_path / "usb.img"
    fat_image(img, {"customers.csv": _csv(50)})
    parts = _split(src, "usb.part", img.read_bytes(), parts=2)
    code, doc = _scan(tmp_path, src)
    files = {f["path"]: f for f in doc["files"]}
    assert str(parts[0]) not in files or files[str(parts[0])].get("pii", {}).get("records", 0) != 50, files
    listed = {s["path"]: s for s in doc["skipped"]}
    assert str(parts[0]) in listed or any(p.startswith(f"{parts[0]} »") for p in files), (sorted(files), listed)


def test_an_incomplete_byte_split_csv_lists_every_part_naming_the_missing_one(tmp_path: Path) -> None:
    """``.002`` ... were never examined nor listed: now every part present is listed, with the part missing."""
    src = tmp_path / "src"
    src.mkdir()
    parts = _split(src, "customers.csv", _csv(600), parts=4)
    parts[2].unlink()
    code, doc = _scan(tmp_path, src)
    listed = {s["path"]: s for s in doc["skipped"]}
    for p in (parts[0], parts[1], parts[3]):
        assert str(p) in listed, (p, sorted(listed))
        # split12: the runs on each side of the gap are read (corrupt, rows counted), the others read with them
        assert listed[str(p)]["reason"] in ("unsupported", "corrupt"), listed[str(p)]
        assert parts[2].name in listed[str(p)]["detail"], listed[str(p)]


def test_a_byte_split_workbook_is_read_joined_as_the_workbook(tmp_path: Path) -> None:
    from image_data import leaked_workbook

    src = tmp_path / "src"
    src.mkdir()
    parts = _split(src, "顧客一覧.xlsx", leaked_workbook(rows=30), parts=3)
    code, doc = _scan(tmp_path, src)
    files = {f["path"]: f for f in doc["files"]}
    assert files[str(parts[0])]["pii"]["records"] == 30, files.get(str(parts[0]))
    assert not [s for s in doc["skipped"] if "顧客一覧" in s["path"]], doc["skipped"]


def test_verify_sources_matches_a_byte_split_csv_read_joined(tmp_path: Path) -> None:
    """The .001 row's digests are the joined file's: verify walks the folder again (joined), never 'changed'."""
    src = tmp_path / "src"
    src.mkdir()
    parts = _split(src, "customers.csv", _csv(600), parts=3)
    code, doc = _scan(tmp_path, src)
    assert any(f["path"] == str(parts[0]) for f in doc["files"])
    run = run_cli("verify", str(tmp_path / "out"), "--sources", str(src), "--json")
    rows = {r["path"]: r for r in json.loads(run.stdout)["sources"]}
    assert rows[str(parts[0])]["status"] == "match", rows[str(parts[0])]
    assert run.returncode == 0, run.stdout


def test_rotated_files_of_many_sizes_are_no_split_series() -> None:
    """``app.log.001``, ``.002``, ``.003`` of different sizes (rotated, not cut in bytes) are not grouped; a cut
    series with a gap is."""
    from scanner.sources.split_series import series_in

    sizes = {"app.log.001": 500, "app.log.002": 700, "app.log.003": 300}
    assert series_in(list(sizes), sizes.get, lambda n: b"x", plain_of=lambda n: True) == {}
    later = {"app.log.002": 500, "app.log.003": 700, "app.log.004": 300}  # the first rotated away
    assert series_in(list(later), later.get, lambda n: b"x", plain_of=lambda n: True) == {}
    cut = {"c.csv.001": 500, "c.csv.003": 200}
    got = series_in(list(cut), cut.get, lambda n: b"x", plain_of=lambda n: True)
    assert set(got) == set(cut) and not got["c.csv.001"].complete and got["c.csv.001"].plain


def test_persons_export_reads_a_byte_split_csv_again_joined(tmp_path: Path) -> None:
    """The leak set's .001 row holds the joined file's digest and records: persons --export reads it again joined
    (by walking its folder, as for an archive member), not the first part alone ('changed', no records)."""
    src = tmp_path / "src"
    src.mkdir()
    _split(src, "customers.csv", _csv(200), parts=3)
    code, doc = _scan(tmp_path, src, "--name", "customers.csv")
    target = tmp_path / "persons.xlsx"
    proc = run_cli("persons", str(tmp_path / "out"), "--export", str(target), "--sources", str(src))
    assert proc.returncode == 0, proc.stderr
    assert "changed" not in proc.stderr, proc.stderr
    from openpyxl import load_workbook

    rows = list(load_workbook(target).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(rows) >= 150, len(rows)


def test_a_byte_split_csv_without_its_first_part_lists_every_part(tmp_path: Path) -> None:
    """``.001`` lost: ``.002`` ... (one size, the last not larger) are listed naming the first part missing."""
    src = tmp_path / "src"
    src.mkdir()
    parts = _split(src, "customers.csv", _csv(600), parts=4)
    parts[0].unlink()
    code, doc = _scan(tmp_path, src)
    listed = {s["path"]: s for s in doc["skipped"]}
    for p in parts[1:]:
        assert str(p) in listed, (p, sorted(listed))
        assert listed[str(p)]["reason"] in ("unsupported", "corrupt"), listed[str(p)]  # split12: read as a fragment
        assert "customers.csv.001 missing" in listed[str(p)]["detail"]


def test_a_byte_split_csv_without_an_extension_before_the_number_is_read_joined(tmp_path: Path) -> None:
    """Session 12: ``split -b --numeric-suffixes=1 -a 3 customers.csv customers.`` gives ``customers.001`` ... (no
    extension before the number): the ``.001`` was examined alone (a cut CSV: a quarter of the people, `corrupt`) and
    ``.002`` ... never (their first line is no header). Its first part is text: read joined, every person."""
    src = tmp_path / "src"
    src.mkdir()
    data = _csv(600)
    parts = _split(src, "customers", data, parts=4)
    assert [p.name for p in parts] == ["customers.001", "customers.002", "customers.003", "customers.004"]
    code, doc = _scan(tmp_path, src)
    files = {f["path"]: f for f in doc["files"]}
    assert files[str(parts[0])]["pii"]["records"] == 600, files[str(parts[0])]
    assert files[str(parts[0])]["sha256"] == hashlib.sha256(data).hexdigest()
    assert not [p for p in parts[1:] if str(p) in files] and not doc["skipped"], doc["skipped"]
    code, doc = _scan(tmp_path / "off", src, "--content-check", "off")  # joined by name: read whatever the mode
    assert {f["path"]: f["pii"]["records"] for f in doc["files"]} == {str(parts[0]): 600}


def test_a_raw_image_split_as_name_001_stays_an_image(tmp_path: Path) -> None:
    """FTK Imager and ``dd | split`` name a raw image's segments ``image.001`` ...: its first part is binary (a boot
    sector), never joined as a plain file: read as the image it is, the CSV inside found."""
    from image_data import fat_image

    src = tmp_path / "src"
    src.mkdir()
    img = tmp_path / "usb.img"
    fat_image(img, {"customers.csv": _csv(50)})
    parts = _split(src, "image", img.read_bytes(), parts=2)
    code, doc = _scan(tmp_path, src)
    inside = [f for f in doc["files"] if f["path"].startswith(f"{parts[0]} »")]
    assert [f["pii"]["records"] for f in inside if f.get("pii")] == [50], [f["path"] for f in doc["files"]]
