"""Address labels in the layouts label writers use (scanner/detectors/labels.py), beyond qatab7's 〒 / address / name
cell: the name first (``山田 太郎 様`` over 〒 and the address), the company on the last line under the person, and
labels written a line per cell down a column, 2-3 labels across a row block (Excel 宛名ラベル templates laid out on
A4, a blank row between labels). Before, only the name-last cell was read: each of these sheets was nothing.
Values from Faker ja_JP, fixed seed."""

from __future__ import annotations

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
