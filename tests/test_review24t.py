"""review24t: tables24's refusals tried on real-shaped persons (every expected count derived from the rows).

1. A client whose family name is her own municipality or town (中村 at 名古屋市中村区, 山口 at 山口市, 田中 at 田中町) with
   a katakana given name written without a space (elderly women's ハル, キヨ, ウメ; foreign-born エミリ, マリア) was
   refused not-a-name as a facility named by its place (tables24's 香南アグリーム rule): a care list's residents lost.
"""

from __future__ import annotations

from faker import Faker

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
