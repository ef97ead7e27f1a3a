"""Session 10 review (review10a) of exports10: other real spellings of split names, postal codes and phones.

Values from Faker ja_JP (fixed seed, not the seeds exports10 tuned to), never real data. Found wrong on main 9f2e4a9
(after exports10):
- a postal code or phone split over cells with its hyphen (or 〒, brackets) typed in a cell (``123- | 4567``,
  ``123 | -4567``, ``〒123 | 4567``, ``03- | 1234- | 5678``, ``(03) | 1234 | 5678``): the pieces were not digits, so
  only the first cell was kept as the whole number (``123-``) or nothing at all;
- a name qualified by its part in other words than 姓 / 名 / セイ / メイ (``氏名（氏）``, ``氏名（苗字）``), after a
  qualifier of its own (``氏名（漢字）（姓）``), under an honorific header (``ご契約者様名（姓）``) or after a separator
  (``入居者名_姓``, ``契約者名/名``; only the listed words 会員名姓, 顧客名姓 ... were read): both halves were the whole
  name, the given name lost;
- a roster's ``父氏名 | 母氏名`` (both lost) and ``保護者名（父） | 保護者名（母）`` (the mother lost);
- a care home's room number left of an address split over 住所1 | 住所2 was still glued in front of it (``201広島県…``):
  the rule only looked for a column holding whole addresses.
"""

from __future__ import annotations

import pytest

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

PS = T.ja_people(8, seed=101077)


def _address(p: T.JaPerson) -> str:
    return p.prefecture + p.city + p.town + p.block + p.building


def _records(rows):
    f = analyse_sheet("名簿", rows)
    assert f is not None and f.kind == SheetKind.PERSONS, f
    return sorted(f.records, key=lambda r: r.row)


# --- postal codes and phones in pieces with their separators typed in -----------------------------------------

@pytest.mark.parametrize("pieces", [
    lambda a, b: (f"{a}-", b), lambda a, b: (a, f"-{b}"), lambda a, b: (f"〒{a}", b), lambda a, b: (f"{a}－", b),
], ids=["hyphen-first", "hyphen-second", "mark-first", "fullwidth-hyphen"])
def test_a_postal_code_in_two_cells_with_its_hyphen_typed_in_is_whole(pieces):
    rows = [["氏名", "郵便番号", "", "住所"]]
    rows += [[p.name, *pieces(*p.postcode.split("-")), _address(p)] for p in PS]
    assert [r.fields.get("postcode") for r in _records(rows)] == [p.postcode for p in PS]


@pytest.mark.parametrize("pieces", [
    lambda a, b, c: (f"{a}-", f"{b}-", c), lambda a, b, c: (f"({a})", b, c), lambda a, b, c: (a, f"-{b}", f"-{c}"),
], ids=["hyphens", "brackets", "leading-hyphens"])
def test_a_phone_in_three_cells_with_its_separators_typed_in_is_whole(pieces):
    rows = [["氏名", "住所", "電話番号", "", ""]]
    rows += [[p.name, _address(p), *pieces(*p.phone.split("-"))] for p in PS]
    assert [r.fields.get("phone") for r in _records(rows)] == [p.phone for p in PS]


# --- a name qualified by its part in other words ---------------------------------------------------------------

@pytest.mark.parametrize(("family", "given"), [
    ("氏名（氏）", "氏名（名）"), ("氏名(苗字)", "氏名(名)"), ("氏名（漢字）（姓）", "氏名（漢字）（名）"),
    ("ご契約者様名（姓）", "ご契約者様名（名）"), ("お申込者様氏名［姓］", "お申込者様氏名［名］"),
    ("入居者名_姓", "入居者名_名"), ("契約者名/姓", "契約者名/名"),
])
def test_a_name_qualified_by_its_part_in_other_words_is_that_part(family, given):
    rows = [["会員番号", family, given, "住所", "電話番号"]]
    rows += [[f"M{i:04d}", p.family, p.given, _address(p), p.phone] for i, p in enumerate(PS)]
    assert [r.fields["name"] for r in _records(rows)] == [p.name for p in PS]


# --- a room number left of a split address ---------------------------------------------------------------------

def test_a_room_number_left_of_an_address_split_over_two_columns_is_no_part_of_it():
    rows = [["部屋番号", "入居者名", "住所1", "住所2", "電話番号"]]
    rows += [[str(201 + i), p.name, p.prefecture + p.city + p.town, p.block + p.building, p.phone]
             for i, p in enumerate(PS)]
    assert [r.fields["address"].replace(" ", "") for r in _records(rows)] == [_address(p) for p in PS]


def test_a_room_number_after_the_street_of_a_western_order_address_stays_in_it():
    rows = [["氏名", "番地", "部屋番号", "市区町村", "都道府県"]]
    rows += [[p.name, p.town + p.block, f"{201 + i}号室", p.city, p.prefecture] for i, p in enumerate(PS)]
    assert [r.fields["address"].replace(" ", "") for r in _records(rows)] == [
        p.prefecture + p.city + p.town + p.block + f"{201 + i}号室" for i, p in enumerate(PS)]


# --- a roster's two parents -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("father", "mother"), [
    ("父氏名", "母氏名"), ("父親氏名", "母親氏名"), ("保護者名（父）", "保護者名（母）"), ("保護者氏名(父)", "保護者氏名(母)"),
])
@pytest.mark.parametrize("child", [True, False], ids=["with-child", "parents-only"])
def test_a_rosters_father_and_mother_are_two_persons(father, mother, child):
    others = T.ja_people(8, seed=101078)
    rows = [[*(["児童氏名"] if child else []), father, mother, "住所", "電話番号"]]
    rows += [[*([p.name] if child else []), f"{p.family} {o.given}", f"{p.family} {others[-1 - i].given}", _address(p),
              p.phone] for i, (p, o) in enumerate(zip(PS, others, strict=True))]
    want = [(f"{p.family} {o.given}", _address(p)) for p, o in zip(PS, others, strict=True)]
    want += [(f"{p.family} {others[-1 - i].given}", _address(p)) for i, p in enumerate(PS)]
    want += [(p.name, _address(p)) for p in PS] if child else []
    assert sorted((r.fields["name"], r.fields["address"]) for r in _records(rows)) == sorted(want)
