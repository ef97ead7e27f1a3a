"""Header-less ``姓 | 名 | 住所 | 電話`` lists (no header row at all), recognised from values: family and given names in
two columns, the address with its prefecture, a phone. Values from Faker ja_JP with several fixed seeds. Found wrong in
session 8: with seed 3 the phone column was joined into the address (``…1-30-16 045-8766-2073``: a phone with a digit
too many reads as a block number ``_BLOCK_ONLY``), so every (name, address) string was wrong and the phone lost."""

from __future__ import annotations

import pytest

from scanner.detectors.pii import SheetKind, analyse_sheet
from scanner.detectors.values import looks_like_address_part
from tests import person_tables_data as T


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("shape", ["sei-mei-addr-tel", "kana-zip", "no-parts"])
def test_split_names_with_an_address_and_a_phone(seed: int, shape: str):
    ps = T.ja_people(15, seed=seed)
    if shape == "sei-mei-addr-tel":
        rows = [[p.family, p.given, p.address, p.phone] for p in ps]
    elif shape == "kana-zip":
        rows = [[p.family, p.given, p.family_kana, p.given_kana, p.postcode, p.address, p.phone] for p in ps]
    else:
        rows = [[i + 1, p.family, p.given, p.postcode, p.prefecture, p.city, p.town + p.block, p.phone]
                for i, p in enumerate(ps)]
    f = analyse_sheet("s", rows)
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == len(ps) and f.header_row is None
    got = {r.fields["name"]: r.fields for r in f.records}
    for p in ps:
        want = p.address if shape != "no-parts" else p.prefecture + p.city + p.town + p.block
        assert got[p.name]["address"] == want
        assert got[p.name].get("phone", "").replace("-", "") == p.phone.replace("-", "")


def test_a_phone_is_no_block_number():
    assert looks_like_address_part("3-12-5") and looks_like_address_part("12番地")
    assert not looks_like_address_part("045-8766-2073") and not looks_like_address_part("090-1234-5678")
