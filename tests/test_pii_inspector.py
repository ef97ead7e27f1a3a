"""SpreadsheetInspector: cheap candidate choice, and caps / statuses through the real pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.detectors.lockfile import make_mso_owner
from scanner.inspectors.spreadsheet import SpreadsheetInspector
from scanner.pipeline import run_scan
from scanner.sources import open_source
from tests import pii_data as D


class _E:
    def __init__(self, name: str) -> None:
        self.name = name


def _head(data: bytes):
    calls = []

    def head() -> bytes:
        calls.append(1)
        return data[:512]

    return head, calls


@pytest.fixture
def inspector(tmp_path):
    return SpreadsheetInspector(ScanConfig(sources=[], out=tmp_path))


@pytest.mark.parametrize("name", ["a.xlsx", "B.XLS", "c.xlsb", "d.ods", "e.csv", "f.tsv", "g.txt", "h.xlsm"])
def test_wanted_by_extension_without_reading(inspector, name):
    head, calls = _head(b"")
    assert inspector.wants(_E(name), 10_000, head) and not calls


def test_unknown_extension_by_leading_bytes(inspector):
    xlsx = D.xlsx_bytes({"s": [["a"]]})
    xls = D.xls_bytes({"s": [["a"]]})
    for name in ("backup.dat", "noext", "list.bak"):
        assert inspector.wants(_E(name), 10_000, _head(xlsx)[0])
        assert inspector.wants(_E(name), 10_000, _head(xls)[0])
        assert not inspector.wants(_E(name), 10_000, _head(b"plain text " * 100)[0])


def test_not_wanted(inspector):
    head, calls = _head(D.xlsx_bytes({"s": [["a"]]}))
    assert not inspector.wants(_E("photo.jpg"), 10_000, head)
    assert not inspector.wants(_E("archive.zip"), 10_000, head)  # the archive inspector's
    calls.clear()  # since damage18 the head of a named file is looked at (a zip with a damaged signature under .jpg)
    assert not inspector.wants(_E("tiny.dat"), 10, head)  # under SNIFF_MIN (16 bytes): no table fits, no head read
    assert not calls
    owner = make_mso_owner("山田 太郎")  # an Excel owner (lock) file: a user name, not a workbook
    assert not inspector.wants(_E("~$名簿.xlsx"), len(owner), _head(owner)[0])
    # a small ~$ file whose bytes are a workbook or a table is read (Session 13): it is no owner file
    assert inspector.wants(_E("~$名簿.xlsx"), 165, head)
    assert not inspector.wants_name("photo.jpg") and inspector.wants_name("x.dat")


def _scan(root: Path, **cfg):
    config = ScanConfig(sources=[str(root)], out=root.parent / "out", **cfg)
    return run_scan(config, [open_source(str(root))])


def _share(tmp_path: Path) -> Path:
    share = tmp_path / "share"
    share.mkdir()
    ps = D.people(30)
    (share / "a.xlsx").write_bytes(D.xlsx_bytes({"名簿": D.standard(ps)}))
    (share / "b.csv").write_bytes(D.csv_bytes(D.standard(ps)))
    return share


def test_cell_cap_gives_too_large(tmp_path):
    result = _scan(_share(tmp_path), max_cells=50)
    assert {Path(s.location.path).name: s.reason for s in result.skipped} == {"a.xlsx": "too-large",
                                                                             "b.csv": "too-large"}
    # the rows read before the cap are examined: a hit then says too-large too (Session 14: no hit)
    assert all(h.status == "too-large" for h in result.hits)


def test_time_limit_gives_timeout(tmp_path):
    result = _scan(_share(tmp_path), parse_timeout=0.0)
    assert {Path(s.location.path).name: s.reason for s in result.skipped} == {"a.xlsx": "timeout",
                                                                             "b.csv": "timeout"}


def test_renamed_workbook_and_non_workbook_zip(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "data.dat").write_bytes(D.xlsx_bytes({"名簿": D.standard(D.people(3))}))
    (share / "damaged.dat").write_bytes(b"PK\x03\x04" + b"\0" * 600)
    (share / "photos.dat").write_bytes(_zip({"a.jpg": b"\xff\xd8" * 400}))
    result = _scan(share)
    hits = {Path(h.location.path).name: h for h in result.hits}
    skipped = {Path(s.location.path).name: s.reason for s in result.skipped}
    assert hits["data.dat"].pii["records"] == 3 and hits["data.dat"].pii["format"] == "xlsx"
    assert skipped == {"damaged.dat": "corrupt"}  # a damaged zip may be a damaged workbook: listed
    assert set(hits) == {"data.dat"}  # a zip of photos under .dat is not this inspector's business


def _zip(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for k, v in members.items():
            zf.writestr(k, v)
    return buf.getvalue()
