"""Address labels in the layouts label writers use (scanner/detectors/labels.py), beyond qatab7's 〒 / address / name
cell: the name first (``山田 太郎 様`` over 〒 and the address), the company on the last line under the person, and
labels written a line per cell down a column, 2-3 labels across a row block (Excel 宛名ラベル templates laid out on
A4, a blank row between labels). Before, only the name-last cell was read: each of these sheets was nothing.
Values from Faker ja_JP, fixed seed."""

from __future__ import annotations

import random

import pytest

from scanner.detectors.labels import label_fields
from scanner.detectors.pii import RECORD_SINK, SheetKind, analyse_sheet
from tests import person_tables_data as T

JA = T.ja_people(12, seed=828)


def _street(p: T.JaPerson) -> str:
    return p.prefecture + p.city + p.town + p.block


LAYOUTS = {
    "name-first": lambda p: [f"{p.name} 様", f"〒{p.postcode}", _street(p), p.building],
    "name-first-code-beside": lambda p: [f"{p.name} 様", f"〒{p.postcode} {_street(p)}"],
    "company-last": lambda p: [f"〒{p.postcode}", _street(p), f"{p.name} 様", "株式会社サンプル商事 総務部"],
    "company-above-name": lambda p: [f"〒{p.postcode}", _street(p), "サンプル商事株式会社", f"{p.name} 様"],
    "no-honorific-last": lambda p: [f"〒{p.postcode}", _street(p), p.name],
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_labels_in_one_cell_in_any_line_order(layout):
    rows = [["\n".join(x for x in LAYOUTS[layout](a) if x), "\n".join(x for x in LAYOUTS[layout](b) if x)]
            for a, b in zip(JA[::2], JA[1::2], strict=True)]
    f = analyse_sheet("ラベル", rows)
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == len(JA)
    assert sorted((r.fields["name"], r.fields["postcode"]) for r in f.records) == sorted((p.name, p.postcode) for p in JA)
    assert all(r.fields["address"].startswith(_street(p)) for r, p in
               zip(sorted(f.records, key=lambda r: r.fields["name"]), sorted(JA, key=lambda p: p.name), strict=True))


@pytest.mark.parametrize("across", [2, 3])
def test_labels_a_line_per_cell_several_across(across: int):
    rows: list[list[object]] = [["宛名ラベル"]]
    for i in range(0, len(JA), across):
        group = JA[i:i + across]
        for line in range(3):
            row: list[object] = []
            for p in group:
                row += [(f"〒{p.postcode}", _street(p), f"{p.name} 様")[line], None]
            rows.append(row)
        rows.append([])
    got = []
    token = RECORD_SINK.set(got.append)
    try:
        f = analyse_sheet("ラベル", rows)
    finally:
        RECORD_SINK.reset(token)
    assert f is not None and f.count == len(JA) == len(got)
    assert sorted(r.fields["name"] for r in got) == sorted(p.name for p in JA)


def test_headings_notes_and_companies_are_no_labels():
    assert label_fields("会場:\n東京都小金井市本町3-12-5\n小金井市民会館") is None
    assert label_fields("送付先\n〒184-0004\n東京都小金井市本町3-12-5") is None  # no name at all
    assert label_fields("〒184-0004\n東京都小金井市本町3-12-5\n株式会社サンプル 御中") is None
    notes = [["会場のご案内", None], ["会場:", "問合せ:"], ["東京都小金井市本町3-12-5", "小金井市本町6-6-3"],
             ["小金井市民会館", "福祉課 042-387-9999"]]
    assert analyse_sheet("案内", notes) is None


def test_label_mark_gate_answers_as_the_pattern() -> None:
    """``has_label_mark`` (literal characters first, then the pattern) gives the pattern's answer over the first 24
    rows' repr, on random rows of cells made of postal codes, 〒, 様/殿, hyphens, quotes, numbers and dates."""
    import datetime
    import random

    from scanner.detectors.labels import _LABEL_MARK, has_label_mark

    rnd = random.Random(24)
    parts = ["〒", "184-0004", "様", "殿", "-", "'", '"', "山田", "東京都", "12", "3-4", "184ー0004", "\n", " ", "a"]

    def cell() -> object:
        kind = rnd.random()
        if kind < 0.15:
            return rnd.choice([None, 3, -7, 2.5, datetime.datetime(2020, 1, 2), True])
        return "".join(rnd.choice(parts) for _ in range(rnd.randint(0, 4)))

    marked = 0
    for _ in range(3000):
        rows = [[cell() for _ in range(rnd.randint(0, 4))] for _ in range(rnd.randint(0, 30))]
        expected = _LABEL_MARK.search(repr(rows[:24])) is not None
        assert has_label_mark(rows) is expected, rows
        marked += expected
    assert 300 < marked < 2900  # both answers are exercised


def _random_rows(rnd: random.Random) -> list[list[object]]:
    """Rows of cells from labels, postal codes (ASCII and full-width), 様/殿, NFD kana, emoji, empty strings and
    non-text values: what the label gates are asked about."""
    import datetime
    import unicodedata

    label = "〒184-0004\n東京都小金井市本町1-2-3\n山田 太郎 様"
    parts = ["〒", "184-0004", "１８４－０００４", "１８４-０００４", "184ー0004", "様", "殿", "-", "－", "'", '"', "\\",
             "山田", "東京都", "12", "\n", "\r\n", " ", "\u3000", "", "🎌", "👨‍👩‍👧", unicodedata.normalize("NFD", "ガーデン様"),
             unicodedata.normalize("NFD", "パーク\n殿"), label, label.replace("\n", "\r\n"), "\x00", "\u200b",
             "2024-01-05", "-0004", "１２３－４５６７", "-１２３４"]  # dates' "-" (session 13: a "-" then 4 digits gates)

    def cell() -> object:
        kind = rnd.random()
        if kind < 0.15:
            return rnd.choice([None, "", 3, -7, 2.5, 184.0004, datetime.datetime(2020, 1, 2), True, b"\n"])
        return "".join(rnd.choice(parts) for _ in range(rnd.randint(0, 4)))

    return [[cell() for _ in range(rnd.randint(0, 5))] for _ in range(rnd.randint(0, 30))]


def test_label_gates_answer_as_the_patterns_they_replaced() -> None:
    """share9's C-level gates give the answers of the expressions they replaced, on random rows with full-width
    digits and hyphens, NFD kana, emoji, empty and non-text cells: ``has_label_mark`` the pattern's over the first
    24 rows' repr; ``has_label_cell`` the per-cell test (text, a line break, ``label_fields``)."""
    from scanner.detectors.labels import _LABEL_MARK, has_label_mark
    from scanner.detectors.pii import has_label_cell

    rnd = random.Random(59)
    marks = cells = 0
    for _ in range(2000):
        rows = _random_rows(rnd)
        mark = _LABEL_MARK.search(repr(rows[:24])) is not None
        cell = any(isinstance(v, str) and "\n" in v and label_fields(v) for row in rows for v in row)
        assert has_label_mark(rows) is mark, rows
        assert has_label_cell(rows) is cell, rows
        marks += mark
        cells += cell
    assert 200 < marks < 1900 and 200 < cells < 1900, (marks, cells)
