"""A damaged PowerPoint whose pre-check sees an embedded object must end as a hit or a listed reason (Session 13: the
CI run of tests/test_containers.py met one, by chance of the clock-dependent bytes, that ended as nothing; fixed in
Session 14: an embedded OLE object whose directory is damaged is listed, never passed as one without content)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import run_leakscan

DATA = Path(__file__).parent / "data" / "containers" / "deck_flip_ends_as_nothing.ppt.gz"


def test_a_flipped_ppt_with_an_object_is_a_hit_or_listed(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "deck.ppt").write_bytes(gzip.decompress(DATA.read_bytes()))
    run_leakscan("scan", str(share), "--name", "x.xlsx", "--out", str(tmp_path / "out"), "--quiet", timeout=300)
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    seen = [f["path"] for f in doc["files"]] + [s["path"] for s in doc["skipped"]]
    path = str(share / "deck.ppt")
    assert [p for p in seen if p == path or p.startswith(path + " » ")]
    # Session 14: the object's FAT was flipped so its directory chain loops and its Package entry is lost; olefile
    # read on without an error and the object (holding only its CompObj) was passed as one without content
    (listed,) = [s for s in doc["skipped"] if s["path"].startswith(path + " » ")]
    assert listed["reason"] == "corrupt", listed
    assert listed["detail_codes"] == [{"code": "embedded-ole-problem", "why": [{"code": "compound-chain-loops"}]}]
