"""split22: a file cut into N equal chunks (GNU ``split -n N``: each part size // N bytes, the last part also the
remainder, up to N - 1 bytes longer than the others) was taken for rotated copies (a last part larger than the
first: "no cut"): a CSV of 12 persons cut so (sweep22's ``roster.csv.001/.002``) was read from its first part only
(6 persons, ``corrupt`` text-cut-in-row), the second half never said."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import run_cli


def _csv(rows: int, encoding: str = "utf-8") -> bytes:
    from faker import Faker

    fake = Faker("ja_JP")
    Faker.seed(2222)
    return ("氏名,住所,電話番号\n" + "".join(f"{fake.name()},{fake.address()},{fake.phone_number()}\n"
                                          for _ in range(rows))).encode(encoding)


def _chunks(folder: Path, whole: str, data: bytes, parts: int) -> list[Path]:
    """``split -n PARTS`` as a user does it: X.001 ... of size // PARTS bytes, the last one longer."""
    (folder / whole).write_bytes(data)
    subprocess.run(["split", "-n", str(parts), "-d", "-a", "3", "--numeric-suffixes=1", whole, f"{whole}."],
                   cwd=folder, check=True)
    (folder / whole).unlink()
    return sorted(folder.glob(f"{whole}.[0-9]*"))


def _scan(tmp_path: Path, src: Path) -> tuple[int, dict]:
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--out", str(out), "--quiet")
    return run.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_a_csv_cut_in_equal_chunks_is_read_whole(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    data = _csv(12, "cp932")
    for n in (2, 3):
        if len(data) % n:
            break
    else:  # pragma: no cover - the seed's text is fixed
        raise AssertionError(len(data))
    parts = _chunks(src, "roster.csv", data, n)
    sizes = [p.stat().st_size for p in parts]
    assert sizes[-1] > sizes[0]  # the case: the last chunk is the longer one
    code, doc = _scan(tmp_path, src)
    files = {f["path"]: f for f in doc["files"]}  # (before: .001 corrupt, 6 persons; .002 said nowhere)
    assert files[str(parts[0])]["pii"]["records"] == 12, files[str(parts[0])]
    assert files[str(parts[0])]["status"] == "ok"
    assert not [s for s in doc["skipped"] if Path(s["path"]).name.startswith("roster")], doc["skipped"]


def test_a_workbook_and_a_zipped_csv_cut_in_equal_chunks_are_read_whole(tmp_path: Path) -> None:
    import io
    import zipfile

    from openpyxl import Workbook

    src = tmp_path / "src"
    src.mkdir()
    book = Workbook()
    for line in _csv(12).decode().splitlines():
        book.active.append(line.split(","))
    buf = io.BytesIO()
    book.save(buf)
    data = buf.getvalue()
    xlsx = _chunks(src, "roster.xlsx", data, 3 if len(data) % 3 else 7)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        cut = _csv(12)
        n = 3 if len(cut) % 3 else 7
        size = len(cut) // n
        for k in range(n):
            z.writestr(f"names.csv.{k + 1:03d}", cut[k * size:] if k == n - 1 else cut[k * size:(k + 1) * size])
    (src / "pack.zip").write_bytes(inner.getvalue())
    code, doc = _scan(tmp_path, src)
    files = {f["path"].rsplit("/", 1)[-1]: f for f in doc["files"]}
    assert files[xlsx[0].name]["pii"]["records"] == 12, files[xlsx[0].name]
    inside = [f for f in doc["files"] if "names.csv" in json.dumps(f.get("container")) + f["path"]]
    assert [f["pii"]["records"] for f in inside] == [12], inside


def test_a_raw_set_numbered_from_000_without_its_000_is_incomplete(tmp_path: Path) -> None:
    """``disk.001`` + ``disk.002`` of a set ``split -d`` numbered from ``.000``, the ``.000`` lost: disk.001 holds no
    partition table or file system (the middle of the disk). Before: listed not-a-disk-image, the scan complete
    (exit 0, review22i's left item); now a later segment naming disk.000, the scan incomplete (exit 3)."""
    from image_data import fat_image

    src = tmp_path / "src"
    src.mkdir()
    img = tmp_path / "disk"
    fat_image(img, {"customers.csv": _csv(50)})
    data = img.read_bytes()
    size = -(-len(data) // 3 // 512) * 512
    (src / "disk").write_bytes(data)
    subprocess.run(["split", "-b", str(size), "-d", "-a", "3", "disk", "disk."], cwd=src, check=True)
    (src / "disk").unlink()
    (src / "disk.000").unlink()
    assert sorted(p.name for p in src.iterdir()) == ["disk.001", "disk.002"]
    code, doc = _scan(tmp_path, src)
    said = {Path(s["path"]).name: s for s in doc["skipped"]}
    assert [c["code"] for c in said["disk.001"]["detail_codes"]] == ["later-segment"], said
    assert "disk.000" in said["disk.001"]["detail"]
    assert code == 3
