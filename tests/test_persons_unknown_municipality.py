"""An old municipality missing from signatures/old_municipalities.toml is never read as a town of another one
(Session 14, persons14; review13a #11).

`茨城県水海道市天満町100` was keyed `茨城県結城市水海道市天満町100` (結城市 has a town 水海道), `群馬県新田町木崎100` (新田町, now
太田市) as 高崎市's town 新田町, `千葉県八日市場市イ100` (now 匝瑳市) as 香取市's 八日市場: a wrong place in the key, so the
same person typed with today's name was another, and namesakes of the wrong place could meet. A town name followed by
市/町/村 and then another name (not its block number) names a municipality the gazetteer does not know: left as typed.
Generated from the gazetteer itself (every town that exists once in the country, typed as a city's name), so the rule
is checked on names nobody picked.
"""

from __future__ import annotations

import pytest

from scanner.persons.gazetteer import fold, gazetteer
from scanner.persons.normalise import normalise_address


@pytest.mark.parametrize(("typed", "never"), [
    ("茨城県下館市甲100", "結城市"),
    ("群馬県新田町木崎100", "高崎市"),
    ("千葉県八日市場市イ100", "香取市"),
    ("大分県佐賀関町関100", "大分市佐賀関町関"),
])
def test_an_old_name_not_in_the_table_is_no_town_of_another_municipality(typed, never):
    assert never not in normalise_address(typed)


def _sample(every: int = 97) -> list[tuple[str, str, str]]:
    g = gazetteer()
    found, _lengths = g.national()
    out = []
    for k, (town, ids) in enumerate(sorted(found.items())):
        if k % every or len(town) < 2 or len(ids) != 1 or town[-1] in "市町村区" or any(c.isdigit() for c in town):
            continue
        muni = g.munis[ids[0]]
        if fold(town + "市") not in g.muni_names:
            out.append((muni.pref, town, muni.key))
    return out


def test_a_town_typed_as_a_city_name_is_never_placed_in_its_municipality():
    sample = _sample()
    assert len(sample) > 300
    wrong = [(pref, town) for pref, town, muni in sample for typed in (f"{pref}{town}市本町1-2", f"{town}市本町1-2")
             if normalise_address(typed).startswith(pref + muni)]
    assert not wrong, wrong[:10]


@pytest.mark.parametrize(("typed", "muni"), [
    ("紀尾井町1-3", "東京都千代田区紀尾井町"),  # a town alone, before its block: still placed
    ("東京都紀尾井町1-3", "東京都千代田区紀尾井町"),
])
def test_a_town_alone_before_its_block_is_still_placed(typed, muni):
    assert normalise_address(typed).startswith(muni)


# Session 14's table entries (18) (signatures/old_municipalities.toml), each with a real town of the old municipality typed
# before the merger and as its successor writes it today (kept prefixes: 八日市場イ, 新田木崎町, 原町区本町)
MERGED = [
    ("千葉県八日市場市イ100", "千葉県匝瑳市八日市場イ100"), ("千葉県野栄町今泉100", "千葉県匝瑳市今泉100"),
    ("茨城県下館市甲100", "茨城県筑西市甲100"), ("茨城県真壁郡明野町宮山100", "茨城県筑西市宮山100"),
    ("茨城県協和町小栗100", "茨城県筑西市小栗100"), ("茨城県関城町舟生100", "茨城県筑西市舟生100"),
    ("群馬県新田郡新田町木崎100", "群馬県太田市新田木崎町100"), ("群馬県新田町大字金井29", "群馬県太田市新田金井町29"),
    ("群馬県尾島町世良田100", "群馬県太田市世良田町100"), ("群馬県藪塚本町大久保100", "群馬県太田市大久保町100"),
    ("山口県徳山市岐山通1-1", "山口県周南市岐山通り1-1"), ("山口県新南陽市富田1-1-1", "山口県周南市富田1-1-1"),
    ("山口県熊毛町呼坂100", "山口県周南市呼坂100"), ("山口県鹿野町上100", "山口県周南市鹿野上100"),
    ("福島県原町市本町1-1", "福島県南相馬市原町区本町1-1"), ("原町市旭町1-1", "福島県南相馬市原町区旭町1-1"),
    ("茨城県石下町本石下100", "茨城県常総市本石下100"),
    ("栃木県今市市本町1", "栃木県日光市今市本町1"), ("栃木県今市市瀬川100", "栃木県日光市瀬川100"),
    ("滋賀県八日市市緑町10番5号", "滋賀県東近江市八日市緑町10-5"), ("千葉県佐原市イ100", "千葉県香取市佐原イ100"),
]


@pytest.mark.parametrize(("old", "new"), MERGED)
def test_the_added_mergers_key_an_old_address_as_todays(old, new):
    assert normalise_address(old) == normalise_address(new)
