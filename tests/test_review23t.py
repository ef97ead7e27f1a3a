"""review23t: tables23's person-table rules tried as an investigator's workbooks would (Faker ja_JP, fixed seed 2323 as
tables23's own tests; every expected count derived from the generated rows).

1. ``lone-row`` was said for any narrow line with an address below or between an export's rows: a note (備考 | 本社の
   住所), an issuer's line (発行元 | 住所), a total (合計 | 30名 | 住所, the rule's own docstring example) - every label
   read as a name (looks_like_name takes any two kanji). A report said "a name and an address" where none was.
2. A lone region-shaped value among names (東　海 Azuma Kai, 北　陸 Kita Riku) in a list of 2-3 persons reached the
   third-to-half band of regional offices (1 of 3 = a third) and that person was refused ``not-a-name``: 3 -> 2
   (review22t's rule, kept in _region_column's docstring: a lone region-shaped value among names is a person's name).
"""

from __future__ import annotations

import pytest
from faker import Faker

from scanner.codes import Rejection, SheetKind
from scanner.detectors import pii as P

SEED = 2323
Rows = list[list[object]]
WIDE_HEADER = ["姓", "名", "郵便番号", "都道府県", "市区町村", "町名", "番地", "建物名", "部屋", "電話"]


def _fake() -> Faker:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return fake


def _export(fake: Faker, n: int) -> Rows:
    return [WIDE_HEADER, *([fake.last_name(), fake.first_name(), fake.postcode(), fake.prefecture(), fake.city(),
                            fake.town(), fake.chome() + fake.ban(), fake.building_name(),
                            str(fake.random_int(101, 905)), fake.phone_number()] for _ in range(n))]


# --- 1. lone-row only for a line that names someone --------------------------------------------------------------------

@pytest.mark.parametrize("label", ["備考", "本社", "発行元", "事務局", "お問い合わせ", "返送先", "所在地"])
@pytest.mark.parametrize("where", ["below", "between"])
def test_a_label_line_with_an_address_is_no_lone_row(label: str, where: str) -> None:
    """備考 | 本社の住所 | 電話 below (or between) 30 export rows names nobody: no lone-row (was 1 on each)."""
    fake = _fake()
    rows = _export(fake, 30)
    line = [label, fake.address(), fake.phone_number()]
    sheet = [*rows, line] if where == "below" else [*rows[:16], line, *rows[16:]]
    found = P.analyse_sheet("export", sheet)
    assert found is not None and found.count == len(rows) - 1, None if found is None else (found.count, found.rejected)
    assert Rejection.LONE_ROW not in found.rejected, found.rejected


def test_a_total_line_is_no_lone_row() -> None:
    """合計 | 30名 | the office's address: the example _names_someone's docstring gives of a line naming nobody."""
    fake = _fake()
    rows = _export(fake, 30)
    found = P.analyse_sheet("export", [*rows, ["合計", f"{len(rows) - 1}名", fake.address()]])
    assert found is not None and found.count == len(rows) - 1 and Rejection.LONE_ROW not in found.rejected, \
        None if found is None else (found.count, found.rejected)


def test_a_person_line_with_a_count_after_her_address_is_still_said() -> None:
    """The guard of the total's rule: 山田 花子 | 住所 | 2名 (her party) is a person's line, said as lone-row."""
    fake = _fake()
    rows = _export(fake, 30)
    found = P.analyse_sheet("export", [*rows, [fake.name(), fake.address(), "2名"]])
    assert found is not None and found.rejected == {Rejection.LONE_ROW: 1}, \
        None if found is None else (found.count, found.rejected)


@pytest.mark.parametrize("name", ["kanji", "kanji glued", "hiragana", "katakana", "latin"])
def test_a_lone_person_line_is_still_said(name: str) -> None:
    """The guard: a person's line (any script) below the export stays said as lone-row, never counted."""
    fake = _fake()
    rows = _export(fake, 30)
    last, first = fake.last_name_pair(), fake.first_name_pair()
    typed = {"kanji": f"{last[0]} {first[0]}", "kanji glued": f"{last[0]}{first[0]}", "hiragana": f"{last[2]} {first[2]}",
             "katakana": f"{last[1]} {first[1]}", "latin": f"{first[2]} {last[2]}"}[name]
    if name == "latin":
        typed = f"{fake.first_romanized_name()} {fake.last_romanized_name()}"
    found = P.analyse_sheet("export", [*rows, [typed, fake.address(), fake.phone_number()]])
    assert found is not None and found.count == len(rows) - 1, None if found is None else (found.count, found.rejected)
    assert found.rejected == {Rejection.LONE_ROW: 1}, found.rejected


# --- 2. a lone region-shaped name among a few persons ---------------------------------------------------------------------

@pytest.mark.parametrize("people", [2, 3])
@pytest.mark.parametrize("header", [True, False], ids=["氏名 header", "header-less"])
@pytest.mark.parametrize("region_name", ["東\u3000海", "北\u3000陸"])
def test_one_region_shaped_name_among_few_persons_is_a_person(people: int, header: bool, region_name: str) -> None:
    """2-3 persons, one of them 東　海 with her own address and phone: every one a person (was: that one refused
    not-a-name as a regional office, 3 -> 2; with 2 persons nothing before tables23, then 1)."""
    fake = _fake()
    rows: Rows = [[fake.name(), fake.address(), fake.phone_number()] for _ in range(people)]
    rows[-1][0] = region_name
    found = P.analyse_sheet("s", ([["氏名", "住所", "電話"]] if header else []) + rows)
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == people, \
        None if found is None else (found.count, found.rejected)
    assert Rejection.NOT_A_NAME not in found.rejected, found.rejected
