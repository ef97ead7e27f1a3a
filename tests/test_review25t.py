"""review25t: tables25's no-place address rule and facility-word rule against real client lists (Faker ja_JP, fixed
seed 2526; every expected count derived from the generated rows).

1. A client list whose addresses are sparse for some persons (a prefecture without 都/県: 東京; a city without 市: 札幌;
   a town alone: 銀座, 緑ヶ丘; a Hokkaido or a rural place: 琴似, 岡本; a building: コーポ山田; a status: 施設入所中)
   lost those persons as not-an-address (tables25's rule: no numeral and none of 都道府県市区町村郡字丁番地島). Each of
   them is a person with a name and a phone; cda4a1f5 counted them. Only a workplace (本社, 支店: [staff] office_marks)
   is no address, and a note label in the name column (備考) no name.
2. A resident whose katakana given name ends in one of [facility_kana]'s words (アダム: ダム; ローランド: ランド; シビル:
   ビル) or is one (アリーナ, ロビー) was refused not-a-name "whatever its address" (tables25); cda4a1f5 counted them.
"""

from __future__ import annotations

import pytest
from faker import Faker

from scanner.codes import Rejection
from scanner.detectors import pii as P

SEED = 2526
Rows = list[list[object]]
HEADER = ["氏名", "住所", "電話"]


def _fake() -> Faker:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return fake


def _clients(fake: Faker, n: int) -> Rows:
    return [[fake.name(), fake.address(), fake.phone_number()] for _ in range(n)]


# --- 1. sparse addresses ----------------------------------------------------------------------------------------------

SPARSE = {
    "prefecture without 都府県": ["東京", "大阪", "京都", "神奈川", "埼玉"],
    "city without 市": ["札幌", "仙台", "新潟", "金沢", "名古屋"],
    "town alone": ["銀座", "西新宿", "神宮前", "恵比寿", "中目黒"],
    "ヶ丘 / 台": ["緑ヶ丘", "自由が丘", "桜ヶ丘", "青葉台", "星が丘"],
    "rural or Hokkaido place": ["岡本", "上野", "琴似", "手稲", "新琴似"],
    "kana place": ["さっぽろ", "せんだい", "ひばりヶ丘", "つくば", "いわき"],
    "building alone": ["コーポ山田", "さくら荘", "メゾン緑", "ハイツ青葉", "ひまわり荘"],
    "status": ["施設入所中", "入院中", "転出", "海外", "県外"],
}


@pytest.mark.parametrize("kind", list(SPARSE))
def test_persons_with_a_sparse_address_among_clients_are_counted(kind: str) -> None:
    """20 clients at full addresses and 10 whose address cell names a place without a numeral or 都道府県市区町村 (or a
    building, or a status): 30, as on cda4a1f5. Was (tables25): the 10 refused not-an-address (20 of 30)."""
    fake = _fake()
    rows = _clients(fake, 20)
    for i, value in enumerate(SPARSE[kind] * 2):
        rows.insert(2 * i + 1, [fake.name(), value, fake.phone_number()])
    found = P.analyse_sheet("s", [HEADER, *rows])
    assert found is not None and found.count == 30, (found and found.count, found and found.rejected)


@pytest.mark.parametrize("office", ["本社", "大阪支店", "本店", "営業所"])
def test_staff_at_a_workplace_are_no_persons(office: str) -> None:
    """The guard (tables25's class, kept): staff whose address cell is a workplace of their own firm (佐藤 | 本社 | 23)
    between two blocks of 20 clients: 40."""
    fake = _fake()
    rows = [*_clients(fake, 20), *([fake.last_name(), office, fake.random_int(1, 50)] for _ in range(3)),
            *_clients(fake, 20)]
    found = P.analyse_sheet("s", [HEADER, *rows])
    assert found is not None and found.count == 40, (found and found.count, found and found.rejected)


@pytest.mark.parametrize("label", ["備考", "摘要", "特記事項"])
def test_a_note_row_under_the_names_is_no_person(label: str) -> None:
    """The guard (tables25's class, kept): a note row (備考 | 転居予定あり) among 40 clients: 40, the note not-a-name."""
    fake = _fake()
    rows = [*_clients(fake, 20), [label, "転居予定あり", ""], [label, "連絡不要", ""], *_clients(fake, 20)]
    found = P.analyse_sheet("s", [HEADER, *rows])
    assert found is not None and found.count == 40, (found and found.count, found and found.rejected)
    assert found.rejected.get(Rejection.NOT_A_NAME) == 2, found.rejected


# --- 2. katakana given names that end in a facility word -----------------------------------------------------------------

GIVEN = ["アダム", "ローランド", "オーランド", "ヨランド", "シビル", "アリーナ", "ロビー"]
FAMILIES = ["佐藤", "鈴木", "高橋", "田中", "中村", "山本", "小林"]


def test_residents_whose_given_name_ends_in_a_facility_word_are_persons() -> None:
    """21 residents (佐藤アダム, 鈴木ローランド, 中村アリーナ: a common family name and a foreign given name, unspaced) at
    Faker addresses among 20 clients: 41, as on cda4a1f5. Was (tables25): the 21 refused not-a-name, the given name's
    ending (ダム, ランド, ビル) or the whole of it (アリーナ, ロビー) one of [facility_kana]'s words."""
    fake = _fake()
    rows = _clients(fake, 20)
    for i in range(21):
        rows.insert(i, [FAMILIES[i % 7] + GIVEN[i % 7], fake.address(), fake.phone_number()])
    found = P.analyse_sheet("s", [HEADER, *rows])
    assert found is not None and found.count == 41, (found and found.count, found and found.rejected)


@pytest.mark.parametrize(("name", "address"), [("横浜アリーナ", "神奈川県横浜市港北区新横浜3-10"),
                                               ("高松ファミリーランド", "香川県高松市香南町1-1"),
                                               ("松本ファーム", "長野県松本市中央2丁目1番1号")])
def test_facilities_named_by_a_place_and_a_facility_word_stay_refused(name: str, address: str) -> None:
    """The guard: a place (no common family name) and a facility word whole (横浜アリーナ) or a compound ending in one
    (ファミリーランド), or a facility word that is no given name after a common family name (松本ファーム): refused."""
    assert P._name_problem(name) is None
    assert P._place_and_kana(name, address)
