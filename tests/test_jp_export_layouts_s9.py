"""Session 9: exports and templates whose header rows were checked against public documentation (poweraddress.jp's
Windows アドレス帳 CSV notes: ``自宅電話番号:``, ``携帯電話 `` with its trailing space, 勤務先の番地; Thunderbird's Japanese
CSV columns; はがきデザインキット ``姓のふりがな`` / ``連名1敬称``; municipal 避難行動要支援者名簿 items: 氏名, 生年月日, 性別,
住所又は居所, 電話番号その他の連絡先, 避難支援を必要とする事由) and printed lists (title rows, a blank column, a two-row
header, notes below). Written as the programs write them (cp932 CSV, UTF-8 with BOM), values from Faker ja_JP (fixed
seed), read through the file path the CLI takes (sniff_format, analyse_bytes). Each must be a person table with every
record and whole addresses.

Found wrong before (main 38919ec): はがきデザインキット's ``名のふりがな`` was no given-name reading (``の`` between the
field and its rendition: only ``姓のふりがな`` was kept as the whole reading), its 連名1 persons were not counted."""

from __future__ import annotations

import csv
import io

import pytest

from scanner.detectors.pii import SheetKind
from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from scanner.tables import sniff_format
from tests import person_tables_data as T

JA = T.ja_people(12, seed=9090)


def _csv(rows: list[list[object]], enc: str = "cp932") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(enc)


def _co(i: int) -> str:
    return f"株式会社{JA[i].town}" if i % 3 == 0 else ""


def windows_contacts() -> bytes:
    h = ["名", "姓", "ミドル ネーム", "名前", "ニックネーム", "電子メール アドレス", "自宅の番地", "自宅の市区町村", "自宅の郵便番号",
         "自宅の都道府県", "自宅の国/地域", "自宅電話番号:", "自宅ファックス", "携帯電話 ", "個人 Web ページ", "勤務先の番地",
         "勤務先の市区町村", "勤務先の郵便番号", "勤務先の都道府県", "勤務先の国/地域", "会社の Web ページ", "勤務先電話番号",
         "勤務先ファックス", "ポケットベル", "会社名", "役職", "部署", "オフィスの場所 ", "メモ"]
    return _csv([h] + [[p.given, p.family, "", p.name, "", p.email, p.town + p.block + p.building, p.city, p.postcode,
                        p.prefecture, "日本", p.phone, "", "", "", "丸の内1-1-1" if _co(i) else "", "千代田区" if _co(i) else "",
                        "", "東京都" if _co(i) else "", "", "", "", "", "", _co(i), "課長" if _co(i) else "", "", "", ""]
                       for i, p in enumerate(JA)])


def thunderbird_ja() -> bytes:
    h = ["名", "姓", "表示名", "ニックネーム", "電子メール", "第 2 電子メール", "スクリーンネーム", "勤務先電話番号", "自宅電話番号",
         "FAX 番号", "ポケットベル", "携帯電話番号", "自宅の住所", "自宅の住所 2", "自宅の市区町村", "自宅の都道府県", "自宅の郵便番号",
         "自宅の国", "勤務先の住所", "勤務先の住所 2", "勤務先の市区町村", "勤務先の都道府県", "勤務先の郵便番号", "勤務先の国", "役職",
         "部署", "所属", "Web ページ 1", "Web ページ 2", "誕生年", "誕生月", "誕生日", "メモ"]
    return _csv([h] + [[p.given, p.family, p.name, "", p.email, "", "", "", p.phone, "", "", "", p.town + p.block,
                        p.building, p.city, p.prefecture, p.postcode, "日本", "", "", "", "", "", "", "", "", _co(i), "", "",
                        p.birth[:4], p.birth[5:7], p.birth[8:], ""] for i, p in enumerate(JA)], "utf-8")


def hagaki_kit() -> bytes:
    h = ["姓", "名", "姓のふりがな", "名のふりがな", "敬称", "郵便番号", "住所1", "住所2", "住所3", "連名1", "連名1敬称", "連名2",
         "連名2敬称", "会社名", "部署名", "役職名", "電話番号", "メールアドレス", "メモ", "グループ"]
    return _csv([h] + [[p.family, p.given, p.family_kana, p.given_kana, "様", p.postcode, p.prefecture + p.city,
                        p.town + p.block, p.building, "花子" if i % 2 else "", "様" if i % 2 else "", "", "", "", "", "",
                        p.phone, "", "", ""] for i, p in enumerate(JA)], "utf-8-sig")


def evacuation_support() -> bytes:
    rows: list[list[object]] = [["避難行動要支援者名簿"], ["○○地区", "", "", "", "", "作成日", "令和6年4月1日"], [],
                                ["番号", "氏名", "ふりがな", "性別", "生年月日", "住所又は居所", "電話番号その他の連絡先", "世帯状況",
                                 "避難支援を必要とする事由", "自治会名", "家族等緊急連絡先（氏名）", "家族等緊急連絡先（電話）"]]
    rows += [[i, p.name, p.kana, p.sex, p.birth, p.address, p.phone, "独居", "要介護3", "本町自治会", "", ""]
             for i, p in enumerate(JA, 1)]
    rows += [[], ["※この名簿は取扱注意（個人情報）"]]
    return _csv(rows)


def printed_user_list() -> bytes:
    rows: list[list[object]] = [["○○デイサービス 利用者一覧", "", "", "", "", "", ""], ["", "", "", "", "", "", "令和6年4月1日現在"],
                                [], ["No", "", "氏名", "", "住所", "", "電話"], ["", "", "姓", "名", "", "", ""]]
    rows += [[i, "", p.family, p.given, p.address, "", p.phone] for i, p in enumerate(JA, 1)]
    rows += [[], ["※取扱注意：個人情報を含みます"], ["作成者：事務局"]]
    return _csv(rows)


LAYOUTS = {f.__name__: f for f in (windows_contacts, thunderbird_ja, hagaki_kit, evacuation_support, printed_user_list)}
JOINT = {"hagaki_kit": {(p.family + "花子", p.prefecture + p.city + p.town + p.block + p.building)
                        for i, p in enumerate(JA) if i % 2}}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_an_export_or_template_is_every_person_with_whole_addresses(layout):
    data = LAYOUTS[layout]()
    fmt = sniff_format(data)
    found, _, _ = analyse_bytes(data, fmt, Caps())
    assert len(found) == 1 and found[0].kind == SheetKind.PERSONS, (layout, found)
    got = {(r.fields["name"].replace(" ", ""), r.fields["address"]) for r in found[0].records}
    want = {(p.name_unspaced, p.address) for p in JA} | JOINT.get(layout, set())
    assert got == want, layout


def test_hagaki_kit_reading_is_both_halves():
    found, _, _ = analyse_bytes(hagaki_kit(), "text", Caps())
    readings = {r.fields.get("reading") for r in found[0].records if r.fields["name"].replace(" ", "") in
                {p.name_unspaced for p in JA}}
    assert readings == {p.kana for p in JA}


def google_contacts_2024() -> bytes:
    """Google Contacts' current CSV export: ``Phonetic First Name`` (a reading, and no phone: "phonetic" holds
    "phone"), ``Phonetic Middle Name``, ``Address 1 - Label`` / ``- Formatted`` / ``- Extended Address``."""
    h = ["First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name", "Phonetic Last Name",
         "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name", "Organization Title",
         "Organization Department", "Birthday", "Notes", "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value",
         "Phone 1 - Label", "Phone 1 - Value", "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street",
         "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code", "Address 1 - Country",
         "Address 1 - Extended Address"]
    return _csv([h] + [[p.given, "", p.family, p.given_kana, "", p.family_kana, "", "", "", "", "", "", "", "", "", "",
                        "* myContacts", "Home", p.email, "Mobile", p.phone, "Home",
                        f"{p.town}{p.block}\n{p.city}, {p.prefecture} {p.postcode}\nJP", p.town + p.block, p.city, "",
                        p.prefecture, p.postcode, "JP", p.building] for p in JA], "utf-8")


def salesforce_ja() -> bytes:
    """A Salesforce report exported with Japanese labels: 郵送先町名・番地 | 郵送先市区郡 | 郵送先都道府県 (市区郡 was no
    address word: every address lost its city)."""
    h = ["姓", "名", "取引先名", "役職", "郵送先町名・番地", "郵送先市区郡", "郵送先都道府県", "郵送先郵便番号", "郵送先国", "電話",
         "携帯", "メール", "所有者"]
    return _csv([h] + [[p.family, p.given, "", "", p.town + p.block + p.building, p.city, p.prefecture, p.postcode, "日本",
                        p.phone, "", p.email, "営業 太郎"] for p in JA])


def paged_printout() -> bytes:
    """A list laid out for printing: title, two-row header (氏名 over 姓 | 名) and a page footer on every page."""
    rows: list[list[object]] = []
    for page in range(3):
        rows += [["利用者名簿", "", "", "", ""], ["No", "氏名", "", "住所", "電話"], ["", "姓", "名", "", ""]]
        rows += [[i + 1 + page * 4, p.family, p.given, p.address, p.phone] for i, p in enumerate(JA[page * 4:page * 4 + 4])]
        rows += [["", f"- {page + 1} -", "", "", ""]]
    return _csv(rows)


MORE = {f.__name__: f for f in (google_contacts_2024, salesforce_ja, paged_printout)}


@pytest.mark.parametrize("layout", sorted(MORE))
def test_more_exports_are_every_person_with_whole_addresses(layout):
    data = MORE[layout]()
    found, _, _ = analyse_bytes(data, sniff_format(data), Caps())
    assert len(found) == 1 and found[0].kind == SheetKind.PERSONS, (layout, found)
    f = found[0]
    got = {(r.fields["name"].replace(" ", ""), r.fields["address"].replace(" ", "")) for r in f.records}
    assert got == {(p.name_unspaced, p.address.replace(" ", "")) for p in JA}, layout
    assert {r.fields.get("phone") for r in f.records} == {p.phone for p in JA}, layout
    if layout == "google_contacts_2024":
        assert {r.fields.get("reading") for r in f.records} == {p.kana for p in JA}
    if layout == "paged_printout":
        assert set(f.rejected) <= {"header-repeated"}, f.rejected  # the repeated headers are named as such
