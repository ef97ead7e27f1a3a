"""Address-book exports of the programs a Japanese office or home uses (年賀状ソフト, groupware, contact apps), in
the header layouts their CSV exports write (taken from public documentation and code that reads them: サイボウズ
Office's 名前（姓）/ 自宅〒 / 自宅住所１, 筆まめ's 氏名 / 氏名フリガナ / 自宅〒 / 役職名, 宛名職人, 筆王, はがきデザインキット,
Outlook (Japanese) with 番地 (自宅) before 市町村 and 都道府県, Google Contacts with ``Address 1 - Type`` /
``- Formatted``, kintone, Salesforce ``MailingStreet``). Values from Faker ja_JP, fixed seed; a company on a
quarter of the cards, as in a real 年賀状 list.

Found wrong before (session 8): every export with a 役職名 column (筆まめ, サイボウズ) was **nothing** (役職名 holds 職名,
a mark of a list of public officials); Google's Type and Formatted columns were joined into the address
(``長崎県…Home千束…\\n…``) and hid the phone and e-mail; Salesforce's Mailing* columns were no address (a names lead).
"""

from __future__ import annotations

import pytest

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

JA = T.ja_people(12, seed=858)


def _co(p: T.JaPerson, i: int) -> str:
    return f"株式会社{p.town}" if i % 4 == 0 else ""


def cybozu() -> list[list[object]]:
    head = ["名前（姓）", "名前（名）", "よみ（姓）", "よみ（名）", "連名", "自宅〒", "自宅住所１", "自宅住所２", "自宅住所３", "自宅TEL",
            "自宅携帯", "会社〒", "会社住所１", "会社名", "部署１", "役職名"]
    return [head] + [[p.family, p.given, p.family_kana, p.given_kana, "", p.postcode, p.prefecture + p.city,
                      p.town + p.block, p.building, "", p.phone, "", "", _co(p, i), "", ""] for i, p in enumerate(JA)]


def fudemame() -> list[list[object]]:
    head = ["氏名", "氏名フリガナ", "連名", "敬称", "自宅〒", "自宅住所1", "自宅住所2", "自宅住所3", "自宅電話", "自宅FAX", "携帯電話",
            "自宅E-mail", "会社名", "部署名1", "役職名", "会社〒", "会社住所1"]
    return [head] + [[p.name, p.kana, "", "様", p.postcode, p.prefecture + p.city + p.town, p.block, p.building, "", "",
                      p.phone, p.email, _co(p, i), "", "", "", ""] for i, p in enumerate(JA)]


def atena_shokunin() -> list[list[object]]:
    head = ["姓", "名", "姓ふりがな", "名ふりがな", "敬称", "自宅〒", "自宅住所1", "自宅住所2", "自宅住所3", "自宅電話", "自宅携帯",
            "自宅E-mail", "会社名", "会社〒", "会社住所1", "連名1", "連名1敬称", "役職名"]
    return [head] + [[p.family, p.given, p.family_kana, p.given_kana, "様", p.postcode, p.prefecture + p.city,
                      p.town + p.block, p.building, "", p.phone, p.email, _co(p, i), "", "", "", "", ""]
                     for i, p in enumerate(JA)]


def outlook_ja() -> list[list[object]]:
    head = ["敬称", "名", "ミドル ネーム", "姓", "敬称 (英語)", "会社名", "部署", "役職", "番地 (会社)", "市町村 (会社)",
            "都道府県 (会社)", "郵便番号 (会社)", "番地 (自宅)", "番地 2 (自宅)", "市町村 (自宅)", "都道府県 (自宅)", "郵便番号 (自宅)",
            "国/地域 (自宅)", "会社電話", "携帯電話", "電子メール アドレス", "フリガナ (名)", "フリガナ (姓)"]
    return [head] + [["", p.given, "", p.family, "", _co(p, i), "", "", "", "", "", "", p.town + p.block, p.building,
                      p.city, p.prefecture, p.postcode, "日本", "", p.phone, p.email, p.given_kana, p.family_kana]
                     for i, p in enumerate(JA)]


def google() -> list[list[object]]:
    head = ["Name", "Given Name", "Family Name", "Yomi Name", "Given Name Yomi", "Family Name Yomi", "Birthday",
            "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value",
            "Address 1 - Type", "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City", "Address 1 - Region",
            "Address 1 - Postal Code", "Address 1 - Country", "Organization 1 - Name", "Organization 1 - Title"]
    return [head] + [[p.name, p.given, p.family, p.kana, p.given_kana, p.family_kana, "", "* myContacts", "* Home",
                      p.email, "Mobile", p.phone, "Home", f"{p.town}{p.block}\n{p.city}, {p.prefecture} {p.postcode}\nJP",
                      p.town + p.block, p.city, p.prefecture, p.postcode, "JP", "", ""] for p in JA]


def fudeo() -> list[list[object]]:
    head = ["氏名", "フリガナ", "敬称", "郵便番号", "住所1", "住所2", "住所3", "電話番号", "連名1", "連名2"]
    return [head] + [[p.name, p.kana, "様", p.postcode, p.prefecture + p.city + p.town, p.block, p.building, p.phone,
                      "", ""] for p in JA]


def hagaki_kit() -> list[list[object]]:
    head = ["宛名", "郵便番号", "住所1", "住所2", "連名", "敬称", "会社名", "部署名", "役職"]
    return [head] + [[p.name, p.postcode, p.prefecture + p.city + p.town + p.block, p.building, "", "様", "", "", ""]
                     for p in JA]


def kintone() -> list[list[object]]:
    head = ["レコード番号", "顧客名", "フリガナ", "郵便番号", "都道府県", "市区町村", "番地", "電話番号", "メールアドレス", "作成者",
            "作成日時", "更新者", "更新日時"]
    return [head] + [[str(i + 1), p.name, p.kana, p.postcode, p.prefecture, p.city, p.town + p.block, p.phone, p.email,
                      "管理者", "2024-01-01T00:00:00Z", "管理者", "2024-01-01T00:00:00Z"] for i, p in enumerate(JA)]


def salesforce() -> list[list[object]]:
    head = ["Salutation", "FirstName", "LastName", "Email", "MobilePhone", "MailingStreet", "MailingCity", "MailingState",
            "MailingPostalCode", "MailingCountry", "AccountId"]
    return [head] + [["", p.given, p.family, p.email, p.phone, p.town + p.block, p.city, p.prefecture, p.postcode,
                      "Japan", "0015g00000AbCdE"] for p in JA]


EXPORTS = {f.__name__: f for f in (cybozu, fudemame, atena_shokunin, outlook_ja, google, fudeo, hagaki_kit, kintone,
                                   salesforce)}


@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_an_address_book_export_is_its_persons_with_whole_addresses(export):
    f = analyse_sheet("住所録", EXPORTS[export]())
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == len(JA)
    by_name = {r.fields["name"]: r.fields for r in f.records}
    assert set(by_name) == {p.name for p in JA}
    for p in JA:
        assert by_name[p.name]["address"].startswith(p.prefecture + p.city + p.town + p.block), export
        assert by_name[p.name].get("postcode", p.postcode) == p.postcode


def test_google_contacts_keeps_phone_and_mail():
    f = analyse_sheet("contacts", google())
    assert f is not None and {"phone", "email", "reading"} <= set(f.fields)


def test_cards_with_only_a_company_address_are_business_contacts():
    """Outlook's Japanese export of business cards: 番地 / 市町村 / 都道府県 / 郵便番号 (会社) and 会社電話 filled, the home
    columns empty. Before: nothing (a company address was no address of anyone's)."""
    head = ["名", "姓", "会社名", "部署", "役職", "番地 (会社)", "市町村 (会社)", "都道府県 (会社)", "郵便番号 (会社)",
            "番地 (自宅)", "市町村 (自宅)", "都道府県 (自宅)", "会社電話", "フリガナ (名)", "フリガナ (姓)"]
    rows = [head] + [[p.given, p.family, f"株式会社{p.town}", "営業部", "課長", p.town + p.block, p.city, p.prefecture,
                      p.postcode, "", "", "", p.phone, p.given_kana, p.family_kana] for p in JA]
    f = analyse_sheet("名刺", rows)
    assert f is not None and f.kind == SheetKind.BUSINESS and f.count == len(JA)
    first = f.examples(unmask=True)[0]
    assert first["address"] == JA[0].prefecture + JA[0].city + JA[0].town + JA[0].block


def test_a_company_address_beside_the_home_address_is_left_out():
    head = ["氏名", "自宅住所", "勤務先", "勤務先住所"]
    rows = [head] + [[p.name, p.address, f"株式会社{p.town}", "東京都千代田区丸の内1-1-1"] for p in JA]
    f = analyse_sheet("s", rows)
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == len(JA)
    assert {r.fields["address"] for r in f.records} == {p.address for p in JA}


# ---------------------------------------------------------------- Session 10: a 連名 column with its own reading
@pytest.mark.parametrize(("head", "cells"), [
    (["氏名", "フリガナ", "連名", "連名フリガナ", "住所"], lambda p, i: [p.name, p.kana, "花子", "ハナコ", p.address]),
    (["氏名", "ふりがな", "住所", "連名1", "連名1ふりがな", "連名2", "連名2ふりがな"],
     lambda p, i: [p.name, p.kana, p.address, "花子", "はなこ", "一郎" if i % 2 else "", "いちろう" if i % 2 else ""]),
    (["氏名", "フリガナ", "住所", "連名", "連名ヨミ"], lambda p, i: [p.name, p.kana, p.address, "花子・一郎", "ハナコ・イチロウ"]),
])
def test_a_joint_name_takes_the_reading_of_its_own_column(head, cells):
    """連名 | 連名フリガナ (年賀状 software): the joint person's reading is its column's, with the row's family reading
    before a given name alone; the reading column is never a person and never the row person's reading."""
    people = JA[:6]
    f = analyse_sheet("住所録", [head] + [cells(p, i) for i, p in enumerate(people)])
    assert f is not None and f.kind == SheetKind.PERSONS
    by_name = {r.fields["name"]: r.fields for r in f.records}
    for p in people:
        family_kana = p.kana.replace("\u3000", " ").split(" ")[0]
        assert by_name[p.name]["reading"] == p.kana
        assert by_name[f"{p.family} 花子"]["reading"].replace(" ", "") in (f"{family_kana}ハナコ", f"{family_kana}はなこ")
    assert not any("ハナコ" == n or "はなこ" == n or n.endswith(" ハナコ") for n in by_name)
