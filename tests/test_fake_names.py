"""A tree of spreadsheet names that are no spreadsheets (issue 11, bench/bench_fake_names.py), through the CLI.

Empty files and random bytes named .xlsx/.csv are settled in the scan process (no worker round trip); these
tests pin what that may never change: an empty file is clean unless its name or its digest makes it a hit, a fake
spreadsheet is listed with a reason, and a real table under a wrong name or with a damaged head is still read (it
ends as records or a listed reason, never as nothing).
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from scanner.tables import sniff_format
from tests import pii_data as D
from tests.conftest import run_cli

PEOPLE = D.people(12, seed=13)


def _scan(src: Path, out: Path, *extra: str) -> dict:
    done = run_cli("scan", str(src), "--out", str(out), "--quiet", "--workers", "2", *extra)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _by_name(entries: list[dict]) -> dict[str, dict]:
    return {Path(e["path"]).name: e for e in entries}


def _binary_noise(seed: int) -> bytes:
    rnd = random.Random(seed)
    while True:  # random bytes the sniff takes for binary (the kind settled in the scan process)
        data = rnd.randbytes(rnd.randint(64, 400))
        if sniff_format(data) == "binary":
            return data


def test_empty_and_fake_spreadsheet_names(tmp_path: Path) -> None:
    src = tmp_path / "share"
    src.mkdir()
    for name in ("空.xlsx", "空.csv", "空.xls", "空.ods", "顧客名簿.xlsx"):
        (src / name).write_bytes(b"")
    (src / "偽.xlsx").write_bytes(_binary_noise(1))
    (src / "memo.csv").write_bytes(b"memo\n" * 3)
    (src / "名簿.xlsx").write_bytes(D.xlsx_bytes({"名簿": D.standard(PEOPLE)}))
    found = _scan(src, tmp_path / "out", "--name", "顧客名簿.xlsx")
    hits, skipped = _by_name(found["files"]), _by_name(found["skipped"])
    assert set(hits) == {"顧客名簿.xlsx", "名簿.xlsx"}  # the empty file by its name; the workbook by its records
    assert hits["顧客名簿.xlsx"]["sha256"] == hashlib.sha256(b"").hexdigest()
    assert set(skipped) == {"偽.xlsx"}  # not a clean file: listed with why
    assert skipped["偽.xlsx"]["reason"] == "unsupported" and skipped["偽.xlsx"]["detail"]
    assert found["scan"]["files_seen"] == 8

    # an empty file's digest in --known-hashes makes every empty file a hit (a copy of an emptied leak)
    known = tmp_path / "known.txt"
    known.write_text(hashlib.sha256(b"").hexdigest() + "\n")
    again = _by_name(_scan(src, tmp_path / "out2", "--known-hashes", str(known))["files"])
    assert {"空.xlsx", "空.csv", "空.xls", "空.ods", "顧客名簿.xlsx"} <= set(again)
    assert all("known-hash" in again[n]["reasons"] for n in ("空.xlsx", "空.csv"))


def _flip_first(data: bytes) -> bytes:
    return bytes([data[0] ^ 0xFF]) + data[1:]


def test_renamed_and_damaged_real_tables_are_read_or_listed(tmp_path: Path) -> None:
    src = tmp_path / "share"
    src.mkdir()
    rows = D.standard(PEOPLE)
    xlsx = D.xlsx_bytes({"名簿": rows})
    (src / "real_xlsx_named.csv").write_bytes(xlsx)
    (src / "cp932_csv_named.xlsx").write_bytes(D.csv_bytes(rows, "cp932"))
    (src / "short_cp932_named.xlsx").write_bytes(D.csv_bytes(rows[:3], "cp932"))  # under 512 bytes: read too
    assert len((src / "short_cp932_named.xlsx").read_bytes()) <= 512
    damaged = bytearray(xlsx)
    damaged[2] ^= 0xFF  # the first local header's signature: PK\x03\x04 no more
    (src / "zip_first_header_damaged.xlsx").write_bytes(bytes(damaged))
    # review13f: the same, cut before its central directory (a copy that stopped near the end): no directory to go by
    (src / "zip_head_damaged_and_cut.xlsx").write_bytes(bytes(damaged[:xlsx.index(b"PK\x01\x02")]))
    (src / "ole_first_byte_flipped.xls").write_bytes(_flip_first(D.xls_bytes({"名簿": rows})))
    locked = D.encrypted_xlsx(xlsx)  # a password-protected .xlsx: an OLE2 container
    (src / "locked_intact.xlsx").write_bytes(locked)
    (src / "locked_flipped.xlsx").write_bytes(_flip_first(locked))
    found = _scan(src, tmp_path / "out")
    hits, skipped = _by_name(found["files"]), _by_name(found["skipped"])
    for name in ("real_xlsx_named.csv", "cp932_csv_named.xlsx", "short_cp932_named.xlsx"):
        assert name in hits and (hits[name].get("pii") or {}).get("records"), name  # read: its records counted
    # a damaged head is no proof of "binary content that is no workbook": the zip's directory at its end still says
    # zip (its parts rebuilt from their local headers), the OLE2 header's fixed fields still say OLE2
    zipped = hits["zip_first_header_damaged.xlsx"]
    assert zipped["status"] == "corrupt" and (zipped.get("pii") or {}).get("records"), zipped
    assert "zip signature damaged" in zipped["status_detail"]  # damage18: read with its signature restored
    cut = hits["zip_head_damaged_and_cut.xlsx"]  # its local headers still say zip
    assert cut["status"] == "corrupt" and (cut.get("pii") or {}).get("records"), cut
    ole = hits.get("ole_first_byte_flipped.xls") or skipped["ole_first_byte_flipped.xls"]
    assert ole.get("status", ole.get("reason")) == "corrupt", ole
    assert "OLE2" in ole.get("status_detail", ole.get("detail", "")), ole
    # review13f: restored, a protected workbook is what it is when intact (it was "damaged OLE2 container")
    listed = {**skipped, **hits}
    for name in ("locked_intact.xlsx", "locked_flipped.xlsx"):
        assert listed[name].get("reason", listed[name].get("status")) == "encrypted", listed[name]
    said = listed["locked_flipped.xlsx"].get("detail", listed["locked_flipped.xlsx"].get("status_detail", ""))
    assert "OLE2 signature damaged (1 of its first 8 bytes)" in said and "damaged OLE2 container" not in said, said


def test_an_empty_file_that_grows_before_it_is_read_is_decoded_in_a_worker(tmp_path: Path, monkeypatch) -> None:
    """Empty when listed, a workbook when read (a file being saved on a live share): its bytes are decoded in a
    worker, never in the scan process (review13f: it was run there, as an empty file is, with the workbook read)."""
    import os

    from scanner.inspectors.spreadsheet import SpreadsheetInspector
    from scanner.sources import local

    src = tmp_path / "share"
    src.mkdir()
    grows = src / "保存中.xlsx"
    grows.write_bytes(b"")
    xlsx = D.xlsx_bytes({"名簿": D.standard(PEOPLE)})
    read_small = local.LocalEntry.read_small

    def saved_meanwhile(self, limit: int):  # type: ignore[no-untyped-def]
        if self.name == grows.name and not grows.stat().st_size:
            grows.write_bytes(xlsx)  # saved between the walk's stat and the read
        return read_small(self, limit)

    seen: list[int] = []
    inspect = SpreadsheetInspector.inspect

    def inspected(self, entry, data, ctype, ctx):  # type: ignore[no-untyped-def]
        seen.append(os.getpid())  # only this process's calls land here (a worker's list is its own)
        return inspect(self, entry, data, ctype, ctx)

    monkeypatch.setattr(local.LocalEntry, "read_small", saved_meanwhile)
    monkeypatch.setattr(SpreadsheetInspector, "inspect", inspected)
    found = _scan(src, tmp_path / "out")
    assert os.getpid() not in seen, "a grown file's workbook was decoded in the scan process"
    hit = _by_name(found["files"]).get(grows.name) or _by_name(found["skipped"])[grows.name]
    assert hit.get("status", hit.get("reason")) in ("ok", "changed-during-read"), hit  # read or listed: never nothing
