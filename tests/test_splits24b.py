"""splits24b: review24i's "Left" for cut CSV sets (real generated data: Faker ja_JP rosters, utf-8 / cp932).

2. ``g.csv.001`` (40 rows, the header) + ``g.csv.003`` (49 rows, larger), ``.002`` lost, in a local folder: before,
   ``.001`` read and listed ``not-a-disk-image``, ``.003`` listed ``split-piece-unjoined`` ("its first part is no
   text of it": wrong, ``.002`` is missing) and its rows never read; nothing named ``.002``. A zip read both pieces.
   Now an incomplete series as any other: each piece read (40 + 49), both listed ``split-series-partly-read``
   naming ``g.csv.002`` missing.
3. Monthly exports whose header changed (a column 備考 added from the second month): the first line of a later
   piece is a header of its own, so the months are files; before they were joined (the first line differed from
   the first month's) and each later month read again alone (30 + 50 + 40 joined + 50 + 40 = 210 records of 120).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from conftest import run_leakscan
from document_data import people_rows
from pii_data import csv_bytes


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _gap() -> dict[str, bytes]:
    whole = csv_bytes(people_rows(200, seed=2331), "utf-8")
    ends = [i + 2 for i in range(len(whole)) if whole.startswith(b"\r\n", i)]
    return {"g.csv.001": whole[:ends[40]], "g.csv.003": whole[ends[150]:]}


def _months() -> dict[str, bytes]:
    """Three monthly exports (cp932); from the second month a column 備考 is added to the header and rows."""
    out = {}
    for i, n in ((1, 30), (2, 50), (3, 40)):
        rows = people_rows(n, seed=2400 + i)
        if i > 1:
            rows = [[*r, "備考" if k == 0 else "継続"] for k, r in enumerate(rows)]
        out[f"roster.csv.{i:03d}"] = csv_bytes(rows, "cp932")
    return out


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any]]:
    root = tmp_path_factory.mktemp("splits24b")
    ev = root / "evidence"
    for folder, members in (("gap", _gap()), ("months", _months())):
        (ev / folder).mkdir(parents=True)
        for name, data in members.items():
            (ev / folder / name).write_bytes(data)
        (ev / f"{folder}.zip").write_bytes(_zip(members))
    done = run_leakscan("scan", str(ev), "--out", str(root / "out"), "--workers", "1", "--quiet", timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((root / "out" / "findings.json").read_text(encoding="utf-8"))


def _records(doc: dict[str, Any], part: str) -> dict[str, int]:
    return {f["path"].split("evidence/", 1)[1]: (f.get("pii") or {}).get("records", 0)
            for f in doc["files"] if part in f["path"] and (f.get("pii") or {}).get("records")}


def _said(doc: dict[str, Any], part: str) -> dict[str, list[str]]:
    return {s["path"].split("evidence/", 1)[1]: [c["code"] for c in s.get("detail_codes") or []]
            for s in doc["skipped"] if part in s["path"]}


def test_a_csv_set_missing_its_middle_piece_in_a_folder_is_read_and_said(scanned: tuple[int, dict[str, Any]]) -> None:
    _code, doc = scanned
    assert _records(doc, "gap/") == {"gap/g.csv.001": 40, "gap/g.csv.003": 49}, _records(doc, "gap/")
    said = _said(doc, "gap/")
    assert said == {"gap/g.csv.001": ["split-series-partly-read"], "gap/g.csv.003": ["split-series-partly-read"]}, said
    details = [s["detail"] for s in doc["skipped"] if "gap/g.csv" in s["path"]]
    assert all("g.csv.002" in d for d in details), details
    # the zip as before: each piece read on its own
    assert _records(doc, "gap.zip") == {"gap.zip » g.csv.001": 40, "gap.zip » g.csv.003": 49}


@pytest.mark.parametrize("where", ["months/", "months.zip"])
def test_exports_whose_header_changed_are_files_of_their_own(scanned: tuple[int, dict[str, Any]], where: str) -> None:
    _code, doc = scanned
    got = _records(doc, where)
    assert sorted(got.values()) == [30, 40, 50], got  # each month once: 120 records, none joined
    assert sum(got.values()) == 120, got
