"""fixsplit12: a split series with a part missing is said where it is seen, not only in the skipped list.

review12c #4: a scan of seven incomplete series printed only "no --name given", exit 0, ``complete: true`` and no
count anywhere: the parts present read "as far as possible" make a series row with records easy to take for the whole
file. A missing part is a fact about the evidence, not about the scan (resuming can never find it): the scan stays
complete, but findings.json's summary counts the series, the terminal says it in one line (a count, no name: even with
--quiet) and the report's summary box says it in both languages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from test_split12_partial import _csv


def _split(folder: Path, stem: str, data: bytes, parts: int, drop: tuple[int, ...] = ()) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    size = -(-len(data) // parts)
    for k in range(parts):
        if k + 1 not in drop:
            (folder / f"{stem}.{k + 1:03d}").write_bytes(data[k * size:(k + 1) * size])


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str]:
    tmp = tmp_path_factory.mktemp("fixsplit12")
    src = tmp / "src"
    _split(src / "gap", "c.csv", _csv(300, seed=91), 4, drop=(3,))  # two rows read, one series
    _split(src / "lone", "x.csv", _csv(200, seed=92), 3, drop=(1, 3))  # a lone .002
    _split(src / "whole", "w.csv", _csv(200, seed=93), 3)  # complete: not counted
    out = tmp / "out"
    run = run_cli("scan", str(src), "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr
    return out, json.loads((out / "findings.json").read_text(encoding="utf-8")), run.stderr


def test_the_summary_counts_the_series_with_parts_missing_and_the_scan_stays_complete(scanned: tuple) -> None:
    out, doc, _err = scanned
    assert doc["summary"]["split_series_incomplete"] == 2, doc["summary"]
    assert doc["scan"]["complete"] is True


def test_the_terminal_says_it_in_one_line_even_with_quiet(scanned: tuple) -> None:
    out, doc, err = scanned
    said = [line for line in err.splitlines() if "split series" in line]
    assert len(said) == 1 and "2 split series" in said[0], err
    assert "c.csv" not in err and "x.csv" not in err  # a count, no names


def test_a_complete_series_says_nothing(tmp_path: Path) -> None:
    _split(tmp_path / "src", "w.csv", _csv(100, seed=94), 2)
    run = run_cli("scan", str(tmp_path / "src"), "--out", str(tmp_path / "out"), "--quiet")
    assert "split series" not in run.stderr, run.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert doc["summary"]["split_series_incomplete"] == 0


@pytest.mark.parametrize("lang, words", [("en", "split series with parts missing"), ("ja", "部分が欠けた分割ファイル")])
def test_the_report_summary_says_it(scanned: tuple, lang: str, words: str) -> None:
    out, _doc, _err = scanned
    run = run_cli("report", str(out), "--lang", lang)
    assert run.returncode == 0, run.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'data-summary="split_series_incomplete">2<' in html and words in html


def test_a_rescan_after_the_missing_part_turned_up_finds_every_part_still_there(tmp_path: Path) -> None:
    """review12c #8: the baseline read ``.001``-``.002`` and ``.004`` apart (``.003`` missing); the rescan, with
    ``.003`` back, reads the four joined under ``.001``'s row and lists no row for ``.004``: the diff said
    ``c.csv.004`` removed although it is on disk. The joined row names its parts (``annotations.joined_parts``), and
    a path read inside a joined row is there (``remaining``, ``read_in`` the row's path)."""
    data = _csv(300, seed=95)
    src = tmp_path / "src"
    _split(src, "c.csv", data, 4)
    kept = (src / "c.csv.003").read_bytes()
    (src / "c.csv.003").unlink()
    base = tmp_path / "base"
    run = run_cli("scan", str(src), "--out", str(base), "--quiet")
    assert run.returncode in (0, 1), run.stderr
    before = {f["path"] for f in json.loads((base / "findings.json").read_text(encoding="utf-8"))["files"]}
    assert str(src / "c.csv.004") in before, before
    (src / "c.csv.003").write_bytes(kept)
    again = tmp_path / "again"
    run = run_cli("scan", str(src), "--out", str(again), "--quiet", "--baseline", str(base))
    assert run.returncode in (0, 1), run.stderr
    doc = json.loads((again / "findings.json").read_text(encoding="utf-8"))
    first = next(f for f in doc["files"] if f["path"] == str(src / "c.csv.001"))
    assert first["annotations"]["joined_parts"] == [f"c.csv.{k:03d}" for k in range(1, 5)], first["annotations"]
    diff = json.loads((again / "diff.json").read_text(encoding="utf-8"))
    entry = {e["path"]: e for e in diff["entries"]}[str(src / "c.csv.004")]
    assert entry["class"] == "remaining" and entry["read_in"] == str(src / "c.csv.001"), entry
    assert diff["counts"]["removed"] == 0, diff["counts"]
