"""Person tables and look-alikes of shapes leakscan had not seen (qatab7, session 7), each rebuilt from generated
values (Faker ja_JP / en_US, fixed seeds) in the shape of a public file that went wrong:

- a mailing-label list, ``宛名 | 敬称 | 送付先郵便番号 | 送付先住所1 | 送付先住所2``: the name had no address of its own and
  the address no name of its own (a recipient role), so the file was nothing at all;
- a store list, ``店舗名 | 店長 | 住所 | 営業時間``: the header names a thing, but having one header word only it was
  no header, and the header-less rules then took the managers as persons at the stores' addresses;
- statistics by prefecture (METI's 商業動態統計, ExcelDataReader ``StringContinuationAfterCharacterData.xls``) write
  two-character prefectures padded to three with a full-width space (``青　森``): read as spaced names, so a list of
  prefectural offices or a statistics sheet gave "persons";
- a US arrest list (readxl ``los-angeles-arrests-xlsx.xlsx``: ``LAST_NM | FRST_NM | MID_NM | ... | RES_LOC``):
  ``FRST_NM`` and ``RES_LOC`` (residence location) were unknown, so it was a names lead without addresses;
- a face sheet whose address cell starts with the postal code (``〒184-0004 東京都…``): the code stayed inside
  the address (masked sample ``〒18***``), unlike the same text in a table.
"""

from __future__ import annotations

import unicodedata

import jaconv
import pytest

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

JA = T.ja_people(24, seed=707)
EN = T.en_people(24, seed=707)
PADDED = ["北海道", "青　森", "岩　手", "宮　城", "秋　田", "山　形", "福　島", "茨　城", "栃　木", "群　馬", "埼　玉", "千　葉",
          "東　京", "神奈川", "新　潟", "富　山", "石　川", "福　井", "山　梨", "長　野", "岐　阜", "静　岡", "愛　知", "三　重"]
ALL_PADDED = PADDED + ["滋　賀", "京　都", "大　阪", "兵　庫", "奈　良", "和歌山", "鳥　取", "島　根", "岡　山", "広　島", "山　口",
                      "徳　島", "香　川", "愛　媛", "高　知", "福　岡", "佐　賀", "長　崎", "熊　本", "大　分", "宮　崎", "鹿児島",
                      "沖　縄"]


def _unmasked(f) -> list[dict[str, str]]:
    return f.examples(unmask=True)


def test_a_mailing_label_list_is_the_addressees_with_their_addresses():
    rows = [["宛名", "敬称", "送付先郵便番号", "送付先住所1", "送付先住所2"]]
    rows += [[p.name, "様", p.postcode, p.prefecture + p.city + p.town + p.block, p.building] for p in JA]
    f = analyse_sheet("宛名", rows)
    assert f is not None and f.kind == SheetKind.PERSONS
    assert f.count == len(JA)
    first = _unmasked(f)[0]
    assert first["name"] == JA[0].name and first["address"] == JA[0].address


def test_a_recipient_address_is_not_given_to_a_name_of_another_role():
    """An order list with the orderer's name and only the delivery address: the address is not the orderer's."""
    rows = [["注文者氏名", "届先郵便番号", "届先住所", "商品"]]
    rows += [[p.name, p.postcode, p.address, "緑茶"] for p in JA]
    f = analyse_sheet("注文", rows)
    assert f is None or f.kind == SheetKind.NAMES


def test_a_store_list_with_its_managers_is_not_persons():
    rows = [["店舗名", "店長", "住所", "営業時間"]]
    rows += [[f"{p.town}店", p.name, p.address, "10:00-20:00"] for p in JA]
    assert analyse_sheet("店舗", rows) is None


def test_a_header_less_person_list_is_still_found():
    rows = [[p.name, p.address, p.phone] for p in JA]
    f = analyse_sheet("s", rows)
    assert f is not None and f.count == len(JA)


@pytest.mark.parametrize("with_header", [False, True])
def test_prefectures_padded_with_a_space_are_places_not_names(with_header: bool):
    rows = [[pref, f"{pref.replace('　', '')}{'' if pref in ('北海道', '東　京') else '県'}{p.city}{p.town}{p.block}"]
            for pref, p in zip(PADDED, JA, strict=True)]
    if with_header:
        rows.insert(0, ["", "所在地"])
    assert analyse_sheet("県庁", rows) is None


def test_statistics_by_prefecture_give_no_person():
    """The METI sheet's shape: a bilingual 都道府県 | prefectures header left of the padded prefecture names, and far
    below, another table's label beside a city (札幌), then footnotes: the only texts under that header."""
    rows = [["付表　リンク係数表", "", "", "", ""], ["", "", "", "", ""]]
    rows += [["都道府県" if i == 0 else "", "prefectures" if i == 0 else "", pref, "", 0.9]
             for i, pref in enumerate(ALL_PADDED)]
    rows.append(["東京特別区・政令指定都市", "Special ward of Tokyo and ordinance-designated city", "札幌", "Sapporo", 1.0])
    rows += [["", "", "", "", ""]] * 20 + [["(注3) Note3: 対象事業所の見直し、従前の専門量販店販売統計調査(家電大型専門店、", "", "", "", ""],
                                          ["ドラッグストア、ホームセンター)との重複是正による", "", "", "", ""],
                                          ["(注4) Note4: 空欄はリンク係数が無いことを示す", "", "", "", ""]]
    assert analyse_sheet("Appendix", rows) is None


def test_a_us_arrest_list_is_persons_with_residences():
    """Government abbreviations: LAST_NM, FRST_NM, MID_NM, RES_LOC (a fixed-width residence: number, street, unit,
    city, state)."""
    rows = [["ARREST BOOKINGS for 01/30/17"] + [""] * 8, ["  "] + [""] * 8,
            ["BKG_NUM", "ARR_LOC", "ARR_ZIP", "LAST_NM", "FRST_NM", "MID_NM", "SEX", "DOB", "RES_LOC"]]
    for i, p in enumerate(EN):
        number, street = p.street.split(" ", 1)
        res = f"{number:<8}{street.upper():<16}{'':6}{p.city.upper():<16}{p.state}"
        rows.append([str(4894831 + i), "WOODLEY AV", "91601", p.last.upper(), p.first.upper(), "", "M",
                     "1985-02-25", res])
    f = analyse_sheet("Sheet1", rows)
    assert f is not None and f.kind == SheetKind.PERSONS
    assert f.count == len(EN)
    assert f.columns["name"] == ["LAST_NM", "FRST_NM"] and f.columns["address"] == ["RES_LOC"]
    assert _unmasked(f)[0]["name"] == f"{EN[0].last.upper()} {EN[0].first.upper()}"


def test_a_face_sheet_address_loses_its_leading_postal_code():
    p = JA[0]
    rows = [["利用者基本情報"], [], ["氏名", None, p.name], ["住所", None, f"〒{p.postcode} {p.address}"],
            ["電話番号", None, p.phone]]
    f = analyse_sheet("利用者1", rows)
    assert f is not None and f.count == 1
    first = _unmasked(f)[0]
    assert first["address"] == p.address
    assert f.records[0].fields["postcode"] == p.postcode


def test_a_council_list_one_header_word_short_stays_quiet():
    """議員名 | 会派 | 住所 | 当選回数: only 住所 is a field word, so no header was found and the header-less rules took
    the members as private persons; the marks of public officials count there too."""
    rows = [["議員名", "会派", "住所", "当選回数"]] + [[p.name, "無所属", p.address, 2] for p in JA]
    assert analyse_sheet("議員", rows) is None


def test_a_header_row_the_header_search_missed_is_no_record():
    """書名 | 著者名 | 出版社 | 出版社所在地: read by the header-less rules, the header row itself was one more record."""
    rows = [["書名", "著者名", "出版社", "出版社所在地"]]
    rows += [[f"{p.town}の本", p.name, "株式会社青空出版", p.address] for p in JA]
    f = analyse_sheet("本", rows)
    assert f is None or (f.count == len(JA) and not f.rejected)


def test_a_cv_form_with_the_postal_code_on_its_own_line():
    """履歴書: ふりがな over 氏名 and again over 現住所, 〒 on the address's first line and the address below it,
    the birth date written 昭和…日生."""
    sheets = []
    for p in JA[:3]:
        sheets.append([["履　歴　書", None, None, None, None, "令和6年4月1日現在"], [], ["ふりがな", p.kana],
                       ["氏　　名", p.name, None, None, "性別", p.sex], ["生年月日", "昭和50年5月3日生"],
                       ["ふりがな", "とうきょうと…"], ["現住所", f"〒{p.postcode}"], [None, p.address], ["電話", p.phone]])
    for p, rows in zip(JA, sheets, strict=False):
        f = analyse_sheet("履歴書", rows)
        assert f is not None and f.count == 1
        record = f.records[0].fields
        assert (record["name"], record["address"], record["postcode"]) == (p.name, p.address, p.postcode)
        assert record["reading"] == p.kana and record["birth"] == "1975-05-03"


@pytest.mark.parametrize(("locale", "head"), [("de_DE", ["Vorname", "Nachname", "Straße", "PLZ", "Ort", "E-Mail-Adresse"]),
                                              ("fr_FR", ["Prénom", "Nom", "Adresse", "Code postal", "Ville", "Email"])])
def test_a_german_or_french_person_list(locale: str, head: list[str]):
    """Western lists in the languages a Japanese company's European offices write (Vorname | Nachname | Straße | PLZ |
    Ort): nothing at all before, since no header word was known and the street has its number after the name."""
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(708)
    people = [(fake.first_name(), fake.last_name(), fake.street_address(), fake.postcode(), fake.city(),
               fake.free_email()) for _ in range(20)]
    f = analyse_sheet("Kunden", [head] + [list(p) for p in people])
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == len(people)
    first = f.records[0].fields
    assert first["name"] == f"{people[0][1]} {people[0][0]}" and first["address"].startswith(people[0][2])
    assert first["email"] == people[0][5] and first["postcode"] == people[0][3]


def test_a_header_under_a_long_preamble_names_the_columns_even_when_the_values_alone_would_do():
    """Notes on rows 1-24, the header on row 25: the header-less rules found the persons first and the header row
    became a rejected "placeholder" (氏名); the header is the sheet's own word for its columns."""
    rows = [[f"注意事項{i}: この名簿は取扱注意です。"] for i in range(24)] + [["番号", "氏名", "ご住所", "電話"]]
    rows += [[i + 1, p.name, p.address, p.phone] for i, p in enumerate(JA)]
    f = analyse_sheet("名簿", rows)
    assert f is not None and f.count == len(JA)
    assert f.header_row == 25 and not f.rejected and f.columns["address"] == ["ご住所"]


def test_a_two_row_header_of_renditions_and_parts():
    """氏名 merged over 漢字 | カナ, 住所 over 〒 | 住所: the lower row is a header too, not a rejected data row."""
    rows = [["氏名", None, "住所", None, "電話"], ["漢字", "カナ", "〒", "住所", None]]
    rows += [[p.name, p.kana, p.postcode, p.address, p.phone] for p in JA]
    f = analyse_sheet("名簿", rows)
    assert f is not None and f.count == len(JA) and not f.rejected and f.header_row == 2
    first = f.records[0].fields
    assert (first["reading"], first["postcode"], first["address"]) == (JA[0].kana, JA[0].postcode, JA[0].address)


def test_a_host_system_export_in_half_width_kana():
    """ｼﾒｲ | ｼﾞｭｳｼｮ | ﾃﾞﾝﾜ (cp932, half-width katakana headers, the name in kana only): nothing at all before."""
    rows = [["ｼﾒｲ", "ｼﾞﾕｳｼﾖ", "ﾃﾞﾝﾜ"]] + [[jaconv.z2h(p.kana, kana=True, digit=False, ascii=False), p.address, p.phone]
                                        for p in JA]
    f = analyse_sheet("HOST", rows)
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == len(JA)
    first = f.records[0].fields
    assert unicodedata.normalize("NFKC", first["name"]) == JA[0].kana and first["address"] == JA[0].address


def test_a_household_list_counts_each_member_and_the_head():
    """世帯番号 | 世帯主氏名 | 氏名 | 続柄 | 住所: each member at the household's address (the name taken was the head's
    on every row: a household of three was the head three times); the head (世帯主, a role) is a person too."""
    rows = [["世帯番号", "世帯主氏名", "氏名", "続柄", "住所"]]
    heads = JA[::3]
    for i, p in enumerate(JA):
        head = heads[i // 3]
        rows.append([100 + i // 3, head.name, p.name, "世帯主" if p is head else "子", head.address])
    f = analyse_sheet("世帯", rows)
    assert f is not None and f.kind == SheetKind.PERSONS
    own = [r.fields for r in f.records if r.role == ""]
    assert [r["name"] for r in own] == [p.name for p in JA]
    assert all(r["address"] == heads[i // 3].address for i, r in enumerate(own))
    assert {r.role for r in f.records} == {"", "householder"}
    only_heads = analyse_sheet("自治会", [["世帯主氏名", "住所"]] + [[p.name, p.address] for p in heads])
    assert only_heads is not None and only_heads.count == len(heads)


def test_a_sheet_of_address_labels_a_person_a_cell():
    """宛名ラベル: 〒, address (a building line after it) and the name with 様 in one cell, two labels to a row, a blank
    row between; nothing before (no column holds one field)."""
    def label(p: T.JaPerson) -> str:
        lines = [f"〒{p.postcode}", p.prefecture + p.city + p.town + p.block] + ([p.building] if p.building else [])
        return "\n".join([*lines, f"{p.name} 様"])

    rows: list[list[object]] = [["宛名ラベル（令和6年度 案内送付分）", None]]
    for a, b in zip(JA[::2], JA[1::2], strict=True):
        rows += [[label(a), label(b)], [None, None]]
    f = analyse_sheet("ラベル", rows)
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == len(JA)
    got = sorted((r.fields["name"], r.fields["address"], r.fields["postcode"]) for r in f.records)
    assert got == sorted((p.name, p.address, p.postcode) for p in JA)


def test_notes_with_an_address_and_a_place_are_no_labels():
    notes = [["会場のご案内"], ["会場:\n東京都小金井市本町3-12-5\n小金井市民会館"], ["問合せ:\n小金井市本町6-6-3\n福祉課 042-387-9999"]]
    assert analyse_sheet("案内", notes) is None
