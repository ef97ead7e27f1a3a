"""fixsplit11: what the exports (copies.hashdeep, DFXML, CASE) say of a row's bytes describes one byte string.

* a member whose data breaks mid-stream is hashed over the bytes read before the break while its size is the
  declared one (audit11): the row says so (``annotations.digests_partial``) and the exports leave its digests out;
* the first part of a joined split series (``X.7z.001``) is exported with the part's own size and digests
  (``annotations.part_digests``), not the joined archive's under the part's name (review11a #13)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from conftest import run_cli
from test_fixsplit11_plain_split import _csv
from test_split11_series import _split


def _scan(tmp_path: Path, src: Path, *extra: str) -> tuple[Path, dict]:
    out = tmp_path / "out"
    run_cli("scan", str(src), "--name", "名簿", "--out", str(out), "--quiet", *extra)
    return out, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _hashdeep(out: Path) -> dict[str, list[str]]:
    rows = [r.split(",", 4) for r in (out / "copies.hashdeep").read_text("utf-8").splitlines()
            if r and not r.startswith(("%%%%", "##"))]
    return {r[4]: r[:4] for r in rows}


def test_a_member_broken_mid_stream_has_no_digest_in_the_exports(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    data = _csv(4000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("名簿.csv", data)
    raw = bytearray(buf.getvalue())
    start = 30 + len("名簿.csv".encode())
    comp = zipfile.ZipFile(io.BytesIO(bytes(raw))).infolist()[0].compress_size
    raw[start + comp - 200] ^= 0x55  # one flipped byte near the end of the member's data
    (src / "送付.zip").write_bytes(bytes(raw))
    out, doc = _scan(tmp_path, src)
    files = {f["path"]: f for f in doc["files"]}
    row = files[f"{src / '送付.zip'} » 名簿.csv"]
    assert row["size"] == len(data)
    part = (row.get("annotations") or {}).get("digests_partial")
    # z7hdr12 keeps every byte up to a CRC failure: all of them read, none the member's as stored
    assert part is not None and part["bytes"] <= len(data) and "CRC" in row["status_detail"], row
    import jsonschema

    schema = json.loads((Path(__file__).parents[1] / "scanner/schemas/findings.schema.json").read_text("utf-8"))
    jsonschema.validate(doc, schema)
    assert row["sha256"]  # kept in findings.json: persons --export re-reads the member and checks it
    assert not any(p.endswith("名簿.csv") for p in _hashdeep(out)), _hashdeep(out)
    dfxml = (out / "findings.dfxml").read_text("utf-8")
    assert row["sha256"] not in dfxml
    assert row["sha256"] not in (out / "findings.case.jsonld").read_text("utf-8")


def test_the_first_part_of_a_joined_series_is_exported_with_its_own_digests(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("名簿.csv", _csv(300))
    whole = buf.getvalue()
    parts = _split(src, "名簿一式.zip", whole)
    first = parts[0].read_bytes()
    known = tmp_path / "known.txt"  # the parts as they were sent: a known-hash hit is a copy
    known.write_text(hashlib.sha256(first).hexdigest() + "  名簿一式.zip.001\n", encoding="utf-8")
    out, doc = _scan(tmp_path, src, "--known-hashes", str(known))
    listed = _hashdeep(out)
    assert listed[str(parts[0])] == [str(len(first)), hashlib.md5(first).hexdigest(),
                                     hashlib.sha1(first).hexdigest(), hashlib.sha256(first).hexdigest()]
    joined = hashlib.sha256(whole).hexdigest()
    assert joined not in (out / "findings.dfxml").read_text("utf-8")
    assert joined not in (out / "findings.case.jsonld").read_text("utf-8")
    assert hashlib.sha256(first).hexdigest() in (out / "findings.dfxml").read_text("utf-8")


def test_what_the_exports_give_a_row() -> None:
    from scanner.exports import exported

    row = {"size": 10, "sha256": "0" * 64, "md5": "0" * 32, "sha1": "0" * 40,
           "annotations": {"digests_partial": {"bytes": 4, "size": 10}}}
    assert exported(row) == {"size": 10}
    assert exported({**row, "annotations": {"part_digests": {"error": "gone"}}}) == {}
    assert exported({**row, "annotations": None}) == {k: row[k] for k in ("size", "md5", "sha1", "sha256")}
