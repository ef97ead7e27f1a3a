"""Session 25 review of damage25b (review25e): honest name/kana/address lists called damaged.

In process (``analyse_bytes``, as the inspector reads). Every list is generated (the suite's ``make_people``, fixed
seeds), written as Excel writes a CSV (cp932 or UTF-8, CRLF, a row's empty trailing fields left out from line 17).
"""

from __future__ import annotations

import random

from scanner.demo import make_people
from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from scanner.tables import sniff_format
from tests.pii_data import csv_bytes

# a workplace or a note that names a prefecture inside it: organisations named after one (a prefecture's medical
# association, a health insurer's branch, a bank), notes of a move or a posting with an arrow, slash or equals sign
ORGS = ["一般社団法人東京都医師会", "全国健康保険協会東京都支部", "株式会社東京都民銀行", "日本赤十字社大阪府支部",
        "社会福祉法人東京都社会福祉協議会", "公益財団法人大阪府保健医療財団", "株式会社山田商事", "", ""]
NOTES = ["", "", "転居→東京都新宿区西新宿2-8-1", "単身赴任／大阪府", "実家＝北海道", "旧勤務先一般社団法人東京都医師会"]


def read(data: bytes) -> list[str]:
    """The damage a reading says."""
    return list(analyse_bytes(data, sniff_format(data), Caps())[2].damage)


def extra_list(values: list[str], head: str, seed: int, encoding: str) -> bytes:
    """A list 氏名, フリガナ, 住所, ``head``, 備考: each person's ``head`` one of ``values``, 備考 for one in five;
    empty trailing fields left out from line 17 (Excel)."""
    rnd = random.Random(seed)
    rows = [["氏名", "フリガナ", "住所", head, "備考"]]
    for p in make_people(30, seed):
        rows.append([p.name, p.kana, p.address, rnd.choice(values), "要連絡" if rnd.random() < .2 else ""])
    lines = csv_bytes(rows, encoding).split(b"\r\n")
    return b"\r\n".join(line.rstrip(b",") if i > 16 else line for i, line in enumerate(lines))


def test_a_prefecture_inside_an_organisation_or_a_note_is_no_glued_address() -> None:
    """damage25b's name｢address rule (a prefecture glued after another value) took any character before the
    prefecture for a flipped delimiter: a workplace 一般社団法人東京都医師会 or a note 転居→東京都… made nearly every
    honest list `rows-malformed`. A flipped `,` gives ｬ (cp932; U+FFFD in UTF-8) or ( $ < - . * l, never a kanji or
    an arrow; the flipped copies stay said."""
    false = []
    for seed in range(2570, 2576):
        for head, values in (("勤務先", ORGS), ("備考1", NOTES)):
            data = extra_list(values, head, seed, "cp932" if seed % 2 else "utf-8")
            if read(data):
                false.append((head, seed))
    assert not false, false
