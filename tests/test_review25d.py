"""Session 25 review of damage25 (review25d): a sheet read as an aligned list a line a cell
(``tables.aligned_in_one_column``) must not lose the cells of its later rows.

In process (``analyse_bytes``); generated workbooks (openpyxl, Faker ja_JP people of the suite's ``people_rows``);
each test committed failing first."""

from __future__ import annotations

import io

from tests.document_data import people_rows
from tests.test_damage25 import read_names


def _log_then_people(log_lines: int, col: int = 0) -> tuple[bytes, set[str]]:
    """A sheet whose first ``log_lines`` rows are an aligned work log a line a cell in column ``col + 1`` (no
    person), then a 20-person 名簿 in its own columns (氏名, フリガナ, 住所, 電話番号 from column A)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    r = 1
    for i in range(log_lines):
        ws.cell(r, col + 1, f"2026-11-{i % 28 + 1:02d}  10:{i % 60:02d}  backup    OK      node{i % 7}")
        r += 1
    rows = people_rows(20, seed=4242)
    for row in rows:
        for j, v in enumerate(row):
            ws.cell(r, j + 1, v)
        r += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), {x[0].replace(" ", "") for x in rows[1:]}


def test_a_table_after_an_aligned_one_column_block_keeps_every_person() -> None:
    """damage25's one-column rule looks at a sheet's first 50 rows only, then cut every later row at the block's
    columns and dropped every cell right of that column: a 名簿 below 50+ lines of an aligned log read 0 persons,
    `ok` (a false clean; main cda4a1f5: 20 persons). A later row with another cell filled is kept as it is."""
    bad = {}
    for lines in (50, 60, 200):
        for col in (0, 2):
            data, names = _log_then_people(lines, col)
            damage, counted, whole = read_names(data, names)
            if counted != 20 or whole != 20:
                bad[(lines, col)] = (damage, counted, whole)
    assert not bad, bad


def _two_shifted(n: int, s: int, kind: str, lose: int, pair: tuple[int, int]) -> bytes:
    """fixed24b's hand-aligned list (cp932) whose two no-phone rows ``pair`` lost ``lose`` bytes at their first gap
    (their later columns that many to the left)."""
    from tests.test_fixed23 import _aligned

    rows = [list(r) for r in people_rows(n, seed=2570 + 10 * n + s)]
    for line in pair:
        rows[line][3] = ""
    lines = _aligned(rows, kind, set()).split(b"\r\n")
    for line in pair:
        at = lines[line].find(b"  ")
        lines[line] = lines[line][:at] + lines[line][at + lose:]
    return b"\r\n".join(lines)


def test_a_list_with_two_shifted_rows_is_read_and_said() -> None:
    """damage25 leaves one shifted row out (the other lines' columns taken); with TWO rows shifted (bytes lost in
    both), a list of 5-19 persons still read as nothing, `ok` (main cda4a1f5 and damage25: 122 of 168 of 5-9 persons,
    152 of 180 of 10-14, 153 of 180 of 15-19 in review25d's sweep; from 20 lines a tenth may cross). Now the two
    lines alone on the most columns are left out together the same way: the persons read, both rows said."""
    from tests.test_review24d import _read

    bad = {}
    for n in (7, 9, 12, 15, 18):  # (6-person pushed lists whose shifted line 2 crosses one boundary: left)
        for s in range(2):
            for kind in ("aligned", "pushed"):
                for lose in (3, 4):
                    for pair in ((2, n // 2 + 1), (n // 2, n // 2 + 1)):
                        damage, counted = _read(_two_shifted(n, s, kind, lose, pair))
                        if not damage or counted < n - 2:
                            bad[(n, s, kind, lose, pair)] = (damage, counted)
    assert not bad, (len(bad), bad)
