"""review19d: breaking damage19's dBase memo files beside their table, its RTF/SYLK damage marks and head cuts.

People are Faker ja_JP with a fixed seed (tests/document_data.py); tables and memo files are written by
tests/damage_data.py's ``dbf_with_memo``. Each test failed before its fix.
"""

from __future__ import annotations

from scanner.sources.memo_beside import memos_in
from tests.document_data import people_rows

N = 12


def _rows(seed: int) -> list[list[str]]:
    return [["NAME", "KANA", "ADDRESS", "TEL"], *people_rows(N, seed=seed)[1:]]


def test_a_table_takes_the_memo_file_of_its_own_name_before_one_another_case_shares() -> None:
    """Two tables whose names differ only in case (a case-sensitive folder: same.dbf, SAME.DBF), each with its memo
    file: each reads its own (both were given SAME.FPT, the first listed: same.dbf's 12 persons lost, listed as a
    damaged memo). A memo file whose stem only one table has exactly is not lent to the other."""
    assert memos_in(["SAME.DBF", "SAME.FPT", "same.dbf", "same.fpt"]) == {"SAME.DBF": "SAME.FPT",
                                                                          "same.dbf": "same.fpt"}
    assert memos_in(["SAME.DBF", "SAME.FPT", "same.dbf"]) == {"SAME.DBF": "SAME.FPT", "same.dbf": None}
    assert memos_in(["Kokyaku.dbf", "KOKYAKU.FPT"]) == {"Kokyaku.dbf": "KOKYAKU.FPT"}  # any case when alone
    assert memos_in(["a.dbf", "A.dbt", "a.fpt"]) == {"a.dbf": "a.fpt"}  # its own stem first, FoxPro's first
