"""sweep25: the merged session 25 run whole on inputs nobody in the session made (NOTES-sweep25.md).

1. A UTF-8 web page in the optional-tags style (``<html><body>`` and its text, no end tags) cut inside a character:
   docs25 made a page ending in the text of its body whole (minify-html's pages end so), and with it the page that a
   copy cut mid-character: cda4a1f5 listed it ``html-cut``, the merged tree on no line (bench/make_share.py's share of
   5,000 files, seed 20260101: 2 of its 377 such pages). No whole UTF-8 page ends inside a character: it is cut.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import run_leakscan
from document_data import people_rows

from scanner.inspectors.spreadsheet import page_cut


def _page(n: int, seed: int) -> bytes:
    """An optional-tags page of Japanese text lines (a notice written by hand), no end tags."""
    lines = [" ".join(r) for r in people_rows(n, seed=seed, header=False)]
    return ("<html><body>お知らせ\n" + "\n".join(f"{i}. {ln[:12]}の件" for i, ln in enumerate(lines))).encode()


def _scan(out: Path, *sources: str) -> dict[str, Any]:
    done = run_leakscan("scan", *sources, "--out", str(out), "--workers", "1", "--quiet", timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_a_utf8_page_cut_inside_a_character_is_said_cut(tmp_path: Path) -> None:
    page = _page(40, 2525)
    assert not page_cut(page)  # (whole: an optional-tags page may end in its body's text, docs25)
    cuts = {}
    for k in (1, 2):  # 1 or 2 bytes of the last 3-byte character (件) kept
        cuts[f"cut{k}.html"] = page[:-3 + k]
        assert page_cut(cuts[f"cut{k}.html"]), k
    (tmp_path / "share").mkdir()
    for name, data in cuts.items():
        (tmp_path / "share" / name).write_bytes(data)
    (tmp_path / "share" / "whole.html").write_bytes(page)
    found = _scan(tmp_path / "out", str(tmp_path / "share"))
    said = {Path(s["path"]).name: [c["code"] for c in s.get("detail_codes", [])] for s in found["skipped"]}
    assert said == {"cut1.html": ["html-cut"], "cut2.html": ["html-cut"]}, said


def test_a_cp932_page_ending_in_its_text_is_not_taken_for_a_cut_utf8_one() -> None:
    page = _page(40, 2526).decode().encode("cp932")
    assert not page_cut(page)
    assert not page_cut(page + "。".encode("cp932"))
