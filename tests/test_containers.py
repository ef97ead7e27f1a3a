"""Containers under a table's name, and objects embedded in legacy and OpenDocument files (session 6).

An insider hides a client list by renaming the archive that holds it (``list.csv`` that is a zip), a mail
system saves a zipped attachment under the name of its content, an export is gzip-compressed but keeps its
``.csv`` name: such a file is opened as the archive it is, whatever its name, and its members are examined
one container hop deeper (``list.csv » 顧客.xlsx``). An OOXML or OpenDocument package stays a workbook.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.pii_data import csv_bytes, people, standard, xlsx_bytes

ZIPPED, GZIPPED, BZIPPED, XZIPPED, MAILED = 30, 24, 18, 12, 16


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _scan(share: Path, out: Path, *args: str) -> dict:
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet", *args)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert (out / "findings.json").exists(), proc.stderr
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _hits(doc: dict) -> dict[str, dict]:
    return {f["path"]: f for f in doc["files"]}


def _skips(doc: dict) -> dict[str, dict]:
    return {s["path"]: s for s in doc["skipped"]}


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    share = tmp_path_factory.mktemp("renamed") / "share"
    share.mkdir()
    roster = xlsx_bytes({"名簿": standard(people(ZIPPED, seed=31))})
    (share / "list.csv").write_bytes(_zip({"顧客.xlsx": roster}))  # an archive renamed to hide it
    mailed = csv_bytes(standard(people(MAILED, seed=32)))
    (share / "顧客.xlsx").write_bytes(_zip({"顧客一覧.csv": mailed}))  # a zipped attachment saved as .xlsx
    (share / "old.xls").write_bytes(_zip({"2017/顧客.xlsx": roster}))
    (share / "export.csv").write_bytes(gzip.compress(csv_bytes(standard(people(GZIPPED, seed=33)))))
    (share / "export_b.csv").write_bytes(bz2.compress(csv_bytes(standard(people(BZIPPED, seed=34)))))
    (share / "export_x.tsv").write_bytes(lzma.compress(csv_bytes(standard(people(XZIPPED, seed=35)),
                                                                 delimiter="\t")))
    whole = _zip({"顧客.xlsx": roster})
    (share / "cut.csv").write_bytes(whole[: len(whole) // 3])  # damaged: the directory and most data lost
    cut_gzip = gzip.compress(csv_bytes(standard(people(200, seed=36))))
    (share / "cut_export.csv").write_bytes(cut_gzip[: len(cut_gzip) // 2])
    (share / "real.csv").write_bytes(roster)  # a workbook named .csv is still read as the workbook it is
    out = tmp_path_factory.mktemp("renamed-out")
    return share, _scan(share, out)


def test_zip_renamed_as_a_table_is_opened_with_a_container_hop(renamed: tuple[Path, dict]) -> None:
    share, doc = renamed
    hits = _hits(doc)
    hit = hits[f"{share}/list.csv » 顧客.xlsx"]
    assert hit["pii"]["records"] == ZIPPED
    assert hit["container"][0]["kind"] == "archive" and hit["container"][0]["name"] == f"{share}/list.csv"
    assert hit["container"][0]["detail"]["format"] == "zip"
    assert hits[f"{share}/顧客.xlsx » 顧客一覧.csv"]["pii"]["records"] == MAILED
    assert hits[f"{share}/old.xls » 2017/顧客.xlsx"]["pii"]["records"] == ZIPPED
    skipped = _skips(doc)
    for name in ("list.csv", "顧客.xlsx", "old.xls"):  # no longer "unsupported: zip file that is not a workbook"
        assert f"{share}/{name}" not in skipped, skipped.get(f"{share}/{name}")


def test_compressed_table_keeps_its_name_inside(renamed: tuple[Path, dict]) -> None:
    share, doc = renamed
    hits = _hits(doc)
    for name, n, fmt in (("export.csv", GZIPPED, "gzip"), ("export_b.csv", BZIPPED, "bzip2"),
                         ("export_x.tsv", XZIPPED, "xz")):
        hit = hits[f"{share}/{name} » {name}"]
        assert hit["pii"]["records"] == n, name
        assert hit["container"][-1]["detail"]["format"] == fmt
        assert f"{share}/{name}" not in _skips(doc)


def test_damaged_renamed_archives_are_listed(renamed: tuple[Path, dict]) -> None:
    share, doc = renamed
    skipped = _skips(doc)
    cut = [s for p, s in skipped.items() if p.startswith(f"{share}/cut.csv")]
    assert cut and all(s["reason"] == "corrupt" and s["detail"] for s in cut), cut
    # a cut gzip: what inflated before the cut is read, and the file is listed as damaged
    assert skipped[f"{share}/cut_export.csv"]["reason"] == "corrupt"
    part = _hits(doc)[f"{share}/cut_export.csv » cut_export.csv"]
    assert 0 < part["pii"]["records"] < 200 and part["status"] == "corrupt"


def test_workbook_under_a_table_name_stays_a_workbook(renamed: tuple[Path, dict]) -> None:
    share, doc = renamed
    hit = _hits(doc)[f"{share}/real.csv"]
    assert hit["pii"]["records"] == ZIPPED and hit["pii"]["format"] == "xlsx"
    assert not [p for p in _hits(doc) if p.startswith(f"{share}/real.csv » ")]
