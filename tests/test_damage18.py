"""damage18: damaged and third-party inputs for the readers of session 17 (bench/damage_sweep.py ``--formats s17``)
and the damage leftovers of session 17: a generated file and its damaged copies, each failing before its fix.

People are Faker ja_JP with a fixed seed, or for a cp1252 table invented Latin name parts combined by a seeded
generator (tests/damage_data.py).
"""

from __future__ import annotations

from scanner.dbase import dbf_sheets
from scanner.sheet import Caps
from tests.damage_data import dbf_of, latin_people
from tests.document_data import people_rows


def _first_column(data: bytes) -> list[str]:
    sheet = next(dbf_sheets(data, Caps()))
    return [str(r[0]) for r in list(sheet.rows)[1:]]


def test_a_cp1252_dbase_table_without_a_code_page_is_not_read_as_cp932() -> None:
    """A Latin table with no code page mark whose every value also decodes as cp932 ("Noémie Garçon" -> "No駑ie
    Gar輟n") was read as cp932 (review17g: 6 of 20 French tables): a kanji between Latin letters counts against a
    double-byte reading now. Seeds 7, 11, 17 failed on main."""
    for seed in (7, 11, 17):
        for n in (3, 5):
            rows = latin_people(n, seed)
            assert _first_column(dbf_of(rows, "cp1252")) == [r[0] for r in rows[1:]], (seed, n)


def test_a_cp932_dbase_table_with_latin_words_stays_cp932() -> None:
    """Japanese values beside Latin words (a building named in romaji, an e-mail) keep their code page."""
    rows = [["NAME", "KANA", "ADDRESS", "TEL"]]
    rows += [[r[0], r[1], f"{r[2]} Grandハイツ{i}号室 mail:taro{i}@example.jp", r[3]]
             for i, r in enumerate(people_rows(5, header=False))]
    got = _first_column(dbf_of(rows, "cp932", kinds="CCCC", widths=(30, 40, 120, 16)))
    assert got == [r[0] for r in rows[1:]]
