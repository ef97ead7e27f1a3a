"""fix17b: a short person list above a wider list's header on one sheet (Faker ja_JP, fixed seed).

氏名 | 住所 | 電話 with 3-8 people, a blank row, then 会員名 | フリガナ | 郵便番号 | 所在地 | TEL with 30: find_header took
the wider header (most fields within its 20 scan rows) and the first list's rows above it were lost with no reason
(review17c, left open; also on base). From about 20 rows a list the first header was the only one scanned.
"""

from __future__ import annotations

import json

import pytest

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

P = T.ja_people(200, seed=1718)
Rows = list[list[object]]


def _two_lists(first: list[T.JaPerson], second: list[T.JaPerson]) -> Rows:
    return [["氏名", "住所", "電話"], *([p.name, p.address, p.phone] for p in first), [],
            ["会員名", "フリガナ", "郵便番号", "所在地", "TEL"],
            *([p.name, p.kana, p.postcode, p.address, p.phone] for p in second)]


def _persons(found) -> set[tuple[str, str]]:
    return {(r.fields["name"], r.fields["address"]) for r in found.records}


@pytest.mark.parametrize("short", [3, 5, 8, 12])
def test_a_short_first_list_above_a_wider_header_keeps_its_persons(short):
    """The first list (short rows) and the second (30) are each counted with the whole address (was: only the 30)."""
    first, second = P[:short], P[50:80]
    found = analyse_sheet("名簿", iter(_two_lists(first, second)))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == short + 30
    assert _persons(found) == {(p.name, p.address) for p in (*first, *second)}
    assert found.rejected == {}


def test_a_title_block_and_a_note_table_above_the_list_are_no_list_of_their_own():
    """A title, a short note table (no name or address) and a blank row above the list: the list's header wins."""
    people = P[100:130]
    rows: Rows = [["会員名簿"], ["作成日", "2024/04/01"], [], ["区分", "件数"], ["正会員", 20], ["賛助会員", 10], [],
                  ["会員名", "フリガナ", "郵便番号", "所在地", "TEL"],
                  *([p.name, p.kana, p.postcode, p.address, p.phone] for p in people)]
    found = analyse_sheet("名簿", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.header_row == 8 and found.count == 30
    assert _persons(found) == {(p.name, p.address) for p in people}


def test_through_the_cli_both_lists_are_counted(tmp_path):
    from conftest import run_leakscan

    from tests import pii_data as D

    first, second, third = P[130:135], P[140:170], P[170:176]
    share = tmp_path / "share"
    share.mkdir()
    files = {"会員名簿.xlsx": D.xlsx_bytes({"会員": _two_lists(first, second)}),
             "名簿.csv": D.csv_bytes(_two_lists(third, second), "cp932")}
    for name, data in files.items():
        (share / name).write_bytes(data)
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), *(a for n in files for a in ("--name", n)), "--out", str(out), "--quiet")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in doc["files"]}
    records = {n: sum(s["records"] for s in by_name[n]["pii"]["sheets"]) for n in files}
    assert records == {"会員名簿.xlsx": 35, "名簿.csv": 36}
    assert doc["persons"]["unique"] == 5 + 30 + 6
    texts = (out / "report.html").read_text(encoding="utf-8") + (out / "findings.json").read_text(encoding="utf-8")
    for p in (*first, *second, *third):
        assert p.name not in texts and p.prefecture + p.city + p.town + p.block not in texts  # masked output only
