"""review24t: tables24's refusals tried on real-shaped persons (every expected count derived from the rows).

1. A client whose family name is her own municipality or town (中村 at 名古屋市中村区, 山口 at 山口市, 田中 at 田中町) with
   a katakana given name written without a space (elderly women's ハル, キヨ, ウメ; foreign-born エミリ, マリア) was
   refused not-a-name as a facility named by its place (tables24's 香南アグリーム rule): a care list's residents lost.
2. Regional offices (東　北 | office address) each with 2+ staff at the office's address: the offices counted as
   persons (a region share of exactly a third is names since tables24), the staff too.
"""

from __future__ import annotations

import pytest
from faker import Faker

from scanner.codes import Rejection
from scanner.detectors import pii as P

# a family name that is her municipality or town, at her own home there
HOMES = [("中村", "愛知県名古屋市中村区名駅南2丁目5番3号"), ("山口", "山口県山口市中央3丁目1番4号"),
         ("小林", "宮崎県小林市細野1234番地"), ("松本", "長野県松本市中央1丁目2番3号"),
         ("中野", "東京都中野区中野4丁目8番1号"), ("市川", "千葉県市川市八幡2丁目3番5号"),
         ("上田", "長野県上田市材木町1丁目2番6号"), ("池田", "大阪府池田市城南1丁目4番2号"),
         ("中川", "愛知県名古屋市中川区高畑1丁目7番9号"), ("田中", "静岡県浜松市中央区田中町12番地"),
         ("山田", "岩手県下閉伊郡山田町八幡町3番10号"), ("太田", "群馬県太田市浜町2番35号")]
# katakana given names: an elderly woman's (ハル, キヨ), a foreign-born client's (エミリ, マリア, ジョン)
GIVEN = ["ハル", "キヨ", "ウメ", "トメ", "サクラ", "エミリ", "マリア", "ジョン", "アンナ", "ナオミ", "ミツ", "ツル"]


def _clients() -> list[list[object]]:
    fake = Faker("ja_JP")
    fake.seed_instance(2424)
    rows: list[list[object]] = [[fam + GIVEN[(i + j) % len(GIVEN)], f"{home} 第{j + 1}棟", fake.phone_number()]
                                for i, (fam, home) in enumerate(HOMES) for j in range(3)]
    return rows + [[fake.name().replace(" ", "").replace("\u3000", ""), fake.address(), fake.phone_number()]
                   for _ in range(40)]


def test_clients_named_like_their_town_with_a_katakana_given_name_are_persons() -> None:
    """36 residents named like their municipality or town (中村ハル at 名古屋市中村区) among 40 others, unspaced: all 76
    persons. Was: the 36 refused not-a-name (40 counted)."""
    rows = _clients()
    found = P.analyse_sheet("s", [["氏名", "住所", "電話番号"], *rows])
    assert found is not None and found.count == len(rows), (found and found.count, found and found.rejected)


def test_a_facility_named_by_its_place_and_a_long_katakana_word_stays_refused() -> None:
    """The guard: 香南アグリーム at 高松市香南町 (a katakana word of 4+ characters or with ー: センター, ファーム) is no
    person among the clients; nor is a short word that ends a facility (上田プラザ)."""
    rows = _clients()
    places = [["香南アグリーム", "香川県高松市香南町岡1234番地", "087-000-0000"],
              ["松本ファーム", "長野県松本市中央2丁目1番1号", "0263-00-0000"],
              ["中野センター", "東京都中野区中野2丁目1番1号", "03-0000-0000"],
              ["山口スクエア", "山口県山口市中央1丁目1番1号", "083-000-0000"],
              ["上田プラザ", "長野県上田市天神1丁目1番1号", "0268-00-0000"]]
    found = P.analyse_sheet("s", [["氏名", "住所", "電話番号"], *rows, *places])
    assert found is not None and found.count == len(rows), (found and found.count, found and found.rejected)


# --- 2. regional offices with two or more staff at the office's address ------------------------------------------------

def _offices(staff: int, header: bool) -> list[list[object]]:
    fake = Faker("ja_JP")
    fake.seed_instance(2424)
    regions = ["東\u3000北", "関\u3000東", "北\u3000陸", "東\u3000海", "近\u3000畿", "中\u3000国", "四\u3000国", "九\u3000州"]
    rows: list[list[object]] = [["氏名", "住所", "電話"]] if header else []
    for region in regions:
        office, phone = fake.address(), fake.phone_number()
        rows += [[region, office, phone], *([fake.name(), office, phone] for _ in range(staff))]
    return rows


@pytest.mark.parametrize("staff", [2, 3])
@pytest.mark.parametrize("header", [True, False], ids=["氏名", "header-less"])
def test_regional_offices_with_their_staff_at_the_office_are_no_persons(staff: int, header: bool) -> None:
    """東　北 | its office's address | phone, then 2 or 3 staff at the office's address, for 8 regions: the offices
    are no names (not-a-name) and their staff no residents (name-elsewhere, as tables24's one manager per office): 0
    persons. Was (tables24): 2 staff, 24 persons (the 8 offices 北　陸... counted, a region share of exactly a third
    no longer made them offices; before tables24: 16, the staff); 3 staff, 32 persons (offices and staff)."""
    found = P.analyse_sheet("s", _offices(staff, header))
    assert found is None or not found.count, (found.count, found.rejected)
    if found is not None:
        assert found.rejected.get(Rejection.NOT_A_NAME) == 8
        assert found.rejected.get(Rejection.NAME_ELSEWHERE) == 8 * staff


def test_region_shaped_persons_with_a_housemate_of_their_family_stay_persons() -> None:
    """The guard of the office rule: 北　陸 (Kita Riku) and 東　海 (Azuma Kai) among 20 persons, each followed by a
    housemate of the same family name at the same home (北 花子, 東 次郎): a household, no office and its staff; all 24
    persons (the office rule's first version refused the 4)."""
    fake = Faker("ja_JP")
    fake.seed_instance(2424)
    rows: list[list[object]] = [["氏名", "住所", "電話"], *([fake.name(), fake.address(), fake.phone_number()]
                                                          for _ in range(20))]
    for name, housemate in (("北\u3000陸", "北 花子"), ("東\u3000海", "東 次郎")):
        home = fake.address()
        rows += [[name, home, fake.phone_number()], [housemate, home, fake.phone_number()]]
    found = P.analyse_sheet("s", rows)
    assert found is not None and found.count == 24, (found and found.count, found and found.rejected)
