"""Session 11: the details still written in English only are detail codes now (mail, archives, embedded objects,
image file systems, SMB, xlsb, markup, recycle bin, traces, cluster, the source-lost wrapper, image media); the
volume rows of an image's layers carry their codes too. Each template says exactly what was written before (the
English report of a case is unchanged) and reads back to its code; the Japanese words are asserted for a sample."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from scanner.demo import LEAKED_NAME, build_share
from scanner.details import Detail, read_details, say
from scanner.store import with_volume_codes
from tests.conftest import run_leakscan
from tests.test_damaged_demo import DAMAGED, add_damaged


def test_volume_rows_carry_their_detail_codes() -> None:
    cut = say(Detail.TRUNCATED_END, name="p2", inside=10, size=20)
    sources = [{"source": "/e/disk.img", "kind": "image", "method": "dfvfs",
                "volumes": [{"name": "p1", "status": "ok"}, {"name": "p2", "status": "corrupt", "detail": cut}]},
               {"source": "/share", "kind": "folder", "method": "walk"}]
    out = with_volume_codes(sources)
    assert out[0]["volumes"][1]["detail_codes"] == [{"code": "truncated-end", "name": "p2", "inside": 10, "size": 20}]
    assert "detail_codes" not in out[0]["volumes"][0] and out[1] == sources[1]
    assert "detail_codes" not in sources[0]["volumes"][1]  # the scan's own record is not changed
    assert read_details(out[0]["volumes"][1]["detail"]) == out[0]["volumes"][1]["detail_codes"]


# ------------------------------------------------------------------ through the CLI: the damaged demo in Japanese

FORMATS = ("tar.gz", "xz", "spreadsheetml-xls")  # damaged streams, tar members cut, SpreadsheetML cut in a sheet


def _parts(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for d in items:
        out.append(d)
        for v in d.values():
            if isinstance(v, list) and v and isinstance(v[0], dict):
                out += _parts(v)
    return out


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    base = tmp_path_factory.mktemp("damaged11")
    share = base / "share"
    build_share(share)
    made = add_damaged(share, base / "work", lambda fmt: fmt in FORMATS)
    assert made
    out = base / "out"
    run = run_leakscan("scan", str(share / DAMAGED), "--name", LEAKED_NAME, "--out", str(out), "--quiet",
                       "--parse-timeout", "20", timeout=600)
    assert run.returncode in (0, 1) and "Traceback" not in run.stderr, run.stderr[-3000:]
    return out, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_every_detail_of_the_damaged_demo_is_coded(damaged: tuple[Path, dict[str, Any]]) -> None:
    """Before Session 11 the tar/xz stream breaks and the SpreadsheetML cuts of this tree were English only
    (quoted in the Japanese report after the reason's explanation); now no part is left without a code."""
    _, doc = damaged
    parts = _parts([p for s in doc["skipped"] for p in s.get("detail_codes", [])]
                   + [p for f in doc["files"] for p in f.get("status_detail_codes", [])])
    assert parts
    assert [p["text"] for p in parts if "text" in p] == []
    codes = {p["code"] for p in parts}
    assert {"tar-member-cut", "tar-stopped", "stream-breaks", "compressed-break", "only-before-break",
            "spreadsheetml-cut-error"} <= codes, codes


def test_the_japanese_report_says_the_new_codes_in_japanese(damaged: tuple[Path, dict[str, Any]]) -> None:
    out, _ = damaged
    ja = (out / "report.html").read_text(encoding="utf-8")
    for words in ("tar のメンバーが", "の圧縮データが展開後", "圧縮ファイル：", "壊れた箇所より前のバイトだけを読みました",
                  "その後のメンバーは読んでいません", "ワークシートの途中"):
        assert words in ja, words
    said = re.sub(r'<code class="lib">.*?</code>', "", ja, flags=re.S)  # library messages are quoted verbatim
    for english in ("members after it not read", "only the bytes before the break were read",
                    "stream breaks after", "ends inside worksheet"):
        assert english not in said, english
    en = run_leakscan("report", str(out), "--lang", "en", "--quiet")
    assert en.returncode == 0, en.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "members after it not read" in html and "only the bytes before the break were read" in html
