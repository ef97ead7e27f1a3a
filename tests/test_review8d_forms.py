"""One application form per sheet, as Japanese Excel forms lay it out (review8d, session 8), Faker ja_JP, fixed seed.

- ``住所 | 〒184-0004 | 東京都…``: the postal code in its own cell and the address in the next one to the right. The
  form reader took the postal code as the address's whole value and looked for the address below it, so the form's
  person was nothing (a miss), with or without a one-cell name.
- ``氏名 | 山田 | 太郎`` over ``住所 | 東京都小金井市 | 本町3-12-5``: one person whose name and address are split in
  two cells. The sideways-list rule read each value column as a person: two persons with half a name and half an
  address each (a wrong count and wrong (name, address) strings).
"""

from __future__ import annotations

import pytest

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

JA = T.ja_people(6, seed=8087)


@pytest.mark.parametrize("p", JA[:3], ids=["a", "b", "c"])
@pytest.mark.parametrize("split_name", [False, True])
def test_a_form_with_the_postal_code_in_its_own_cell_is_its_person(p, split_name):
    name = [p.family, p.given] if split_name else [p.name, ""]
    rows = [["申請書", "", ""], ["氏名", *name], ["住所", "〒" + p.postcode, p.address], ["電話番号", p.phone, ""]]
    f = analyse_sheet("申請書", rows)
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == 1
    _row, _col, name_value, address, *_rest = f.rows[0]
    assert name_value.replace(" ", "") == p.name_unspaced and address == p.address


@pytest.mark.parametrize("p", JA[3:], ids=["d", "e", "f"])
def test_a_form_with_name_and_address_split_in_two_cells_is_one_person(p):
    rows = [["届出書", "", ""], ["氏名", p.family, p.given], ["住所", p.prefecture + p.city, p.town + p.block + p.building],
            ["電話番号", p.phone, ""]]
    f = analyse_sheet("届出書", rows)
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == 1


@pytest.mark.parametrize("spaced", [True, False])
def test_a_sideways_sheet_of_two_persons_stays_two(spaced):
    a, b = JA[0], JA[1]
    names = [a.name, b.name] if spaced else [a.name_unspaced, b.name_unspaced]
    rows = [["氏名", *names], ["住所", a.address, b.address], ["電話番号", a.phone, b.phone]]
    f = analyse_sheet("連絡先", rows)
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == 2


@pytest.mark.parametrize("title_row", [[], [["", "変更前", "変更後"]]])
def test_a_change_of_address_form_is_one_person_not_a_sideways_list(title_row):
    """住所変更届: the same name over the old and the new address is one person (the sideways rule made it two)."""
    p, q = JA[2], JA[3]
    rows = [["住所変更届", "", ""], *title_row, ["氏名", p.name, p.name], ["住所", p.address, q.address],
            ["電話番号", p.phone, p.phone]]
    f = analyse_sheet("変更届", rows)
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == 1
