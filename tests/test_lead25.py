"""Lead, session 25: findings of the merged whole that no single branch saw."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from reports.html import path_text, visible
from scanner.textsafe import is_hidden, shown
from tests.conftest import run_leakscan
from tests.image_data import leaked_workbook

BLANKS = ["\u3164", "\uffa0", "\u115f", "\u1160", "\u2800", "\u034f", "\u180b", "\u17b4"]


@pytest.mark.parametrize("blank", BLANKS)
def test_a_character_that_draws_nothing_is_shown_in_every_escape(blank: str) -> None:
    """review25s: Hangul fillers, the braille blank and other printable characters that draw nothing passed the
    report's escaping raw (their categories are letters/marks/symbols, and str.isprintable() is true): a name
    ``名簿<U+3164>.xlsx`` read as ``名簿.xlsx`` in report.html and on the terminal."""
    name = f"利用者名簿{blank}.xlsx"
    mark = f"⟨U+{ord(blank):04X}⟩"
    assert is_hidden(blank)
    assert mark in str(visible(name)) and mark in str(path_text(f"PC01/{name}")) and mark in shown(name)


def test_japanese_variation_sequences_and_plain_names_are_left_as_they_are() -> None:
    """葛 + U+E0100 (an ideographic variation sequence of a real place name) and emoji U+FE0F are text, not disguise."""
    for text in ("葛\U000e0100飾区.xlsx", "❤\ufe0f.xlsx", "東京都　名簿.xlsx", "plain name.csv"):
        assert "⟨U+" not in str(visible(text)) and "⟨U+" not in str(path_text(text)) and "⟨U+" not in shown(text)


def test_a_person_file_named_with_a_hangul_filler_is_marked_in_the_report(tmp_path: Path) -> None:
    """Through the CLI: a person workbook whose name hides a U+3164 is listed with the mark in report.html."""
    share = tmp_path / "share" / "PC01"
    share.mkdir(parents=True)
    (share / "顧客\u3164一覧.xlsx").write_bytes(leaked_workbook())
    out = tmp_path / "out"
    done = run_leakscan("scan", str(tmp_path / "share"), "--name", "無関係.xlsx", "--out", str(out), "--quiet",
                        "--workers", "1", timeout=300)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert any("\u3164" in f["path"] for f in doc["files"]), [f["path"] for f in doc["files"]]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "⟨U+3164⟩" in page and "顧客\u3164一覧" not in page
