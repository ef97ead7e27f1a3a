"""Issue 11, session 23: a sheet's classification, the header tests memoised per text.

``normalise_header``, ``is_officials_header`` and ``is_staff_header`` run on every cell of every candidate header row,
by several helpers over the same head rows (``_things_first`` asked them of ~27 cells a sheet on the share). They are
pure on a cell's text (the rules are loaded once a process), so each keeps a bounded LRU of its answers for exact
``str`` texts up to ``_MEMO_LENGTH``: the same answers as computing each time, checked on the corpus' spreadsheet
cells and the signatures' own header words, and a memory bound a worker reading millions of cells cannot pass.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from scanner import rules
from scanner.detectors import columns as C
from tests.conftest import ROOT

CORPUS = ROOT.parent / "shared" / "corpus" / "spreadsheets"


def _corpus_texts() -> list[str]:
    """Every text cell of the corpus' workbooks, and every word of the column rules."""
    texts: list[str] = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix.lower() not in {".xlsx", ".xls", ".xlsm", ".xlsb", ".ods"}:
            continue
        try:
            book = CalamineWorkbook.from_path(str(path))
            sheets = [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]
        except BaseException as e:  # noqa: BLE001 - a corpus file calamine refuses (or panics on) gives no cells
            if isinstance(e, KeyboardInterrupt | SystemExit):
                raise
            continue
        for rows in sheets:
            texts.extend(v for r in rows for v in r if isinstance(v, str))
    data = rules.load("pii_columns")

    def words(x: object) -> None:
        if isinstance(x, str):
            texts.append(x)
        elif isinstance(x, dict):
            for v in x.values():
                words(v)
        elif isinstance(x, list):
            for v in x:
                words(v)

    words(data)
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    found = _corpus_texts()
    assert len(found) > 1000 and any(C.is_staff_header(t) for t in found) and any(C.is_officials_header(t) for t in found)
    return found


def test_memoised_answers_equal_computed(texts: list[str]) -> None:
    for t in texts:
        for spelled in (t, " " + t, t * 40):  # a long text (past _MEMO_LENGTH) is computed each time
            for _ in range(2):  # the first call fills the memo, the second reads it
                assert C.normalise_header(spelled) == C._normalise(spelled)
                assert C.is_officials_header(spelled) is C._officials(spelled)
                assert C.is_staff_header(spelled) is C._holds(C.column_rules().staff, spelled)


@pytest.mark.parametrize("value", [1, 1.0, True, False, 0, 2.5, None, dt.date(2024, 4, 1), b"x"])
def test_equal_keys_of_other_types_keep_their_own_text(value: object) -> None:
    """1 == 1.0 == True share a dict key; their texts ("1", "1.0", "True") differ: only exact str texts are memoised."""
    C.normalise_header(str(value))
    assert C.normalise_header(value) == C._normalise(str(value))
    assert C.is_officials_header(value) is False
    assert C.is_staff_header(value) is False


def test_memo_is_bounded() -> None:
    for i in range(3 * C._MEMO_SIZE):
        C.normalise_header(f"担当者{i}x")
        C.is_staff_header(f"担当者{i}x")
        C.is_officials_header(f"会派{i}x")
    long = "担当者名" * (C._MEMO_LENGTH // 4 + 1)
    assert C.is_staff_header(long)
    for memo in (C._normalised, C._is_staff, C._is_officials):
        assert memo.cache_info().currsize <= C._MEMO_SIZE
    C._normalised.cache_clear()
    C.normalise_header(long)
    assert C._normalised.cache_info().currsize == 0


def test_corpus_exists() -> None:
    assert Path(CORPUS).is_dir()


class _Text(str):
    """A str subclass (no reader gives one): asked cell by cell."""


@pytest.mark.parametrize("rows", [
    [["山田 太郎", "東京都"], ["佐藤 花子", ""]],
    [[" ", "東京都"], ["佐藤 花子"]],  # a blank first cell, a filled second: the row holds
    [["", " "], ["佐藤 花子"]],  # a blank row among filled ones
    [[], ["佐藤 花子"]],  # an empty row
    [[None, "x"], [None, None]],
    [[True, None], [False]],  # bool: TRUE / FALSE, not among the typed cells asked at once
    [[1.0, None], [0, None], [dt.datetime(2024, 4, 1, 9), None], [dt.date(2024, 4, 1)], [dt.time(0)],
     [dt.timedelta(0)], [float("nan")]],
    [["\u3000"], ["x"]],  # an ideographic space alone: blank
    [[_Text(" ")], ["x"]],
    [[b"", "x"]],
])
def test_first_cells_filled_is_every_row_holding(rows: list[list[object]]) -> None:
    from scanner.detectors import headerless as H

    assert H._first_cells_filled(rows) <= all(map(H._holds, rows))  # never says so of a row that holds nothing
    assert H._sample(rows) == [r for r in rows if H._holds(r)][:H.SAMPLE]


def test_sample_of_corpus_sheets_unchanged() -> None:
    """Every corpus sheet's rows: the sample is the rows that hold a cell (or the first SAMPLE rows when all do)."""
    from scanner.detectors import headerless as H

    sheets = 0
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix.lower() not in {".xlsx", ".xls", ".xlsm", ".xlsb", ".ods"}:
            continue
        try:
            book = CalamineWorkbook.from_path(str(path))
            rows_of = [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]
        except BaseException as e:  # noqa: BLE001 - as _corpus_texts
            if isinstance(e, KeyboardInterrupt | SystemExit):
                raise
            continue
        for rows in rows_of:
            for start in range(0, max(1, len(rows)), 7):  # from each 7th row: blank rows come first in some
                data = rows[start:start + 300]
                held = [r for r in data if H._holds(r)]
                assert H._sample(data) == (data[:H.SAMPLE] if len(held) == len(data) else held[:H.SAMPLE])
            sheets += 1
    assert sheets > 20
