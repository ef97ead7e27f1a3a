"""review11a: hostile and everyday inputs for the split series of Session 11 (split11).

A part is evidence as it was sent: the first part's own digests stay in the findings beside the joined archive's
(an examiner matches the parts against what was sent); a byte-split file that is no archive (``split -b`` of a
CSV named ``list.zip.NNN``) is not joined as an archive and each part stays listed; a series of many parts does
not hold every part open at once."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from conftest import run_cli
from image_data import LEAKED, leaked_workbook
from test_split11_series import _split, _zip

ROWS = 12


def _scan(tmp_path: Path, src: Path, *extra: str) -> tuple[int, dict]:
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "名簿", "--out", str(out), "--quiet", *extra)
    return run.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_the_first_parts_own_digests_stay_recorded_and_match_known_hashes(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    data = _zip(leaked_workbook(rows=ROWS))
    parts = _split(src, "名簿一式.zip", data)
    first = parts[0].read_bytes()
    known = tmp_path / "known.txt"  # the parts as they were sent: the first part's digest
    known.write_text(hashlib.sha256(first).hexdigest() + "  名簿一式.zip.001\n", encoding="utf-8")
    code, doc = _scan(tmp_path, src, "--known-hashes", str(known))
    files = {f["path"]: f for f in doc["files"]}
    row = files[str(parts[0])]
    assert row["sha256"] == hashlib.sha256(data).hexdigest()  # the joined archive's, as before
    own = row["annotations"]["part_digests"]
    assert own == {"size": len(first), "md5": hashlib.md5(first).hexdigest(),
                   "sha1": hashlib.sha1(first).hexdigest(), "sha256": hashlib.sha256(first).hexdigest()}
    assert "known-hash" in row["reasons"], row["reasons"]
    import jsonschema

    schema = json.loads((Path(__file__).parents[1] / "scanner/schemas/findings.schema.json").read_text("utf-8"))
    jsonschema.validate(doc, schema)
    assert files[f"{parts[0]} » data/{LEAKED}"]["pii"]["records"] == ROWS


def test_a_byte_split_csv_named_like_a_zip_series_is_not_joined_as_an_archive(tmp_path: Path) -> None:
    """``split -b`` of a CSV list under a ``.zip.NNN`` name: the joined bytes are no archive, never 'corrupt: not a
    zip' on .001 with .002 ... ending as nothing. Session 13 (split13): the first part's content decides, as for
    ``customers.001``: text that is no disk image is joined and read as ``list`` by its content (every person
    counted under .001's row, the parts named in ``joined_parts``); before, only .001 was read."""
    from faker import Faker

    fake = Faker("ja_JP")
    Faker.seed(11)
    text = "氏名,住所,電話番号\n" + "".join(f"{fake.name()},{fake.address()},{fake.phone_number()}\n"
                                          for _ in range(600))
    src = tmp_path / "src"
    src.mkdir()
    parts = _split(src, "list.zip", text.encode("utf-8"), parts=4)
    assert len(parts) >= 3
    code, doc = _scan(tmp_path, src)
    listed = {s["path"]: s for s in doc["skipped"]}
    assert not any(str(p) in listed for p in parts), listed
    rows = {f["path"]: f for f in doc["files"]}
    first = rows[str(parts[0])]
    assert first["pii"]["records"] == 600, first
    assert first["annotations"]["joined_parts"] == [p.name for p in parts]
    assert "extension-mismatch" in first["reasons"]  # its name says zip, its bytes a table: a lead


def test_a_series_of_many_parts_is_read_with_one_part_open_at_a_time(tmp_path: Path) -> None:
    """A 7-Zip series of ~1000 volumes: the joined reader held every part open until closed, and the first part
    was listed 'Too many open files' under an ordinary descriptor limit (1024). Read through, then seek back."""
    from scanner.sources.split_series import concat

    parts = []
    for i in range(300):
        p = tmp_path / f"x.7z.{i + 1:03d}"
        p.write_bytes(bytes([i % 251]) * 100)
        parts.append(p)
    now = {"open": 0, "most": 0}

    class Counted(io.FileIO):
        def __init__(self, path: Path) -> None:
            super().__init__(path, "rb")
            now["open"] += 1
            now["most"] = max(now["most"], now["open"])

        def close(self) -> None:
            if not self.closed:
                now["open"] -= 1
            super().close()

    with concat([lambda p=p: Counted(p) for p in parts], [100] * len(parts)) as stream:
        data = stream.read()
        stream.seek(150)
        again = stream.read(100)
    assert data == b"".join(p.read_bytes() for p in parts) and again == data[150:250]
    assert now["most"] <= 2, now
    assert now["open"] == 0


def test_verify_of_a_joined_series_first_part_matches_when_nothing_changed(tmp_path: Path) -> None:
    """``verify --sources``: the .001 row's digest is the joined archive's; re-hashing the part file alone said
    'SOURCE CHANGED' for untouched evidence. It is checked the way it was read (the series joined again); a part
    changed since is still a difference."""
    src = tmp_path / "src"
    src.mkdir()
    data = _zip(leaked_workbook(rows=ROWS))
    parts = _split(src, "名簿一式.zip", data)
    code, doc = _scan(tmp_path, src)
    assert str(parts[0]) in {f["path"] for f in doc["files"]}
    run = run_cli("verify", str(tmp_path / "out"), "--sources", str(src))
    assert run.returncode == 0 and "CHANGED" not in run.stdout, run.stdout + run.stderr
    with open(parts[1], "r+b") as f:  # one byte of the second part changed: the joined archive is not the one hashed
        f.seek(100)
        b = f.read(1)
        f.seek(100)
        f.write(bytes([b[0] ^ 0xFF]))
    run = run_cli("verify", str(tmp_path / "out"), "--sources", str(src))
    assert run.returncode == 1, run.stdout + run.stderr


def test_a_part_rewritten_while_the_series_is_read_is_told(tmp_path: Path) -> None:
    """A part rewritten in place (same size) while the joined series is read: the joined reader tells it
    (``changed``, read by examine's steady read as for a local file), never a digest of two versions."""
    import os

    from scanner.sources.split_series import concat

    parts = []
    for i in range(3):
        p = tmp_path / f"x.7z.{i + 1:03d}"
        p.write_bytes(bytes([65 + i]) * 4096)
        parts.append(p)
    with concat([lambda p=p: open(p, "rb") for p in parts], [4096] * 3) as stream:
        stream.read(1000)  # part 1 open, being read
        with open(parts[0], "r+b") as f:  # a writer rewrites it (same size, a later modified time)
            f.write(b"Z" * 4096)
        os.utime(parts[0], ns=(1, 10**18))
        stream.read()
        assert "changed" in stream.changed(), stream.changed()
    with concat([lambda p=p: open(p, "rb") for p in parts], [4096] * 3) as stream:
        stream.read()
        assert stream.changed() == ""


def test_a_part_that_is_a_link_is_not_followed_and_said_not_a_regular_file(tmp_path: Path) -> None:
    """A part replaced by a symbolic link (to the real part elsewhere): never followed, the series not joined,
    and the detail does not claim the part is simply absent from the folder."""
    src = tmp_path / "src"
    src.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    parts = _split(src, "名簿一式.zip", _zip(leaked_workbook(rows=ROWS)))
    parts[1].rename(elsewhere / parts[1].name)
    parts[1].symlink_to(elsewhere / parts[1].name)
    code, doc = _scan(tmp_path, src)
    listed = {s["path"]: s for s in doc["skipped"]}
    detail = listed[str(parts[2])]["detail"]
    assert "not here as regular files: 名簿一式.zip.002" in detail and "missing:" not in detail, detail
    # jawords13: said by its own code, so the name quoted in the Japanese report is the name alone
    codes = listed[str(parts[2])]["detail_codes"][0]["problem"]
    assert {"code": "series-parts-not-regular", "parts": "名簿一式.zip.002"} in codes, codes
    assert not [f for f in doc["files"] if f["path"].startswith(f"{parts[0]} »") and f["status"] == "ok"]


def test_part_123_of_a_whole_series_is_no_lotus_worksheet(tmp_path: Path) -> None:
    """Volume 123 of a whole 7-Zip/HJSplit series is a piece of the archive read joined, not a Lotus 1-2-3 file
    (it was listed 'Lotus 1-2-3 worksheet (.123): not examined')."""
    import os

    src = tmp_path / "src"
    src.mkdir()
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(f"data/{LEAKED}", leaked_workbook(rows=ROWS))
        zf.writestr("pad.bin", os.urandom(130 * 512))
    parts = _split(src, "名簿一式.zip", buf.getvalue(), parts=130)
    assert len(parts) >= 124
    code, doc = _scan(tmp_path, src)
    assert not [s for s in doc["skipped"] if s["path"].startswith(str(src))], doc["skipped"][:3]
    assert f"{parts[0]} » data/{LEAKED}" in {f["path"] for f in doc["files"]}
