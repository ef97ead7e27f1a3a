"""Person tables exported by other software, with their real header rows (qatables): address books (Outlook and
Thunderbird in Japanese, Google Contacts) and shop order lists (Amazon order report, Rakuten RMS). Values are
generated (Faker ja_JP, tests/person_tables_data.py); the headers are the ones those programs write.

What went wrong before: Outlook's ``番地 (自宅)`` was no address (a names-only lead); Amazon's hyphenated
``recipient-name`` / ``ship-city`` were nothing at all; Rakuten's ``注文者名字 | 注文者名前`` gave the given name
alone as the name (every 洋介 one person); Western-ordered parts (street, city, prefecture) were joined in
column order (``本町3-12-5小金井市東京都``), and Google's Formatted address was joined with its own parts and
the ``Home`` label beside it. Each test asserts the whole name and the whole address in Japanese order.
"""

from __future__ import annotations

import pytest

from scanner.detectors.columns import read_header
from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

JA = T.ja_people(20, seed=5150)


def outlook_ja(ps: list[T.JaPerson]) -> list[list[str]]:
    head = ["件名", "名", "ミドル ネーム", "姓", "敬称", "会社名", "部署", "役職", "番地 (会社)", "番地 2 (会社)",
            "市町村 (会社)", "都道府県 (会社)", "郵便番号 (会社)", "番地 (自宅)", "番地 2 (自宅)", "番地 3 (自宅)",
            "市町村 (自宅)", "都道府県 (自宅)", "郵便番号 (自宅)", "国/地域 (自宅)", "自宅電話", "電子メール アドレス"]
    return [head] + [["", p.given, "", p.family, "", "", "", "", "", "", "", "", "", p.town + p.block, p.building, "",
                      p.city, p.prefecture, p.postcode, "日本", p.phone, p.email] for p in ps]


def thunderbird_ja(ps: list[T.JaPerson]) -> list[list[str]]:
    head = ["名", "姓", "表示名", "ニックネーム", "電子メール", "自宅電話番号", "自宅の住所", "自宅の住所 2",
            "自宅の市区町村", "自宅の都道府県", "自宅の郵便番号", "自宅の国"]
    return [head] + [[p.given, p.family, p.name, "", p.email, p.phone, p.town + p.block, p.building, p.city,
                      p.prefecture, p.postcode, "日本"] for p in ps]


def amazon_orders(ps: list[T.JaPerson]) -> list[list[str]]:
    head = ["order-id", "order-item-id", "purchase-date", "buyer-email", "buyer-name", "buyer-phone-number", "sku",
            "product-name", "quantity-purchased", "recipient-name", "ship-address-1", "ship-address-2",
            "ship-address-3", "ship-city", "ship-state", "ship-postal-code", "ship-country", "ship-phone-number"]
    return [head] + [[f"249-{i:07d}-1234567", "52301234567890", "2024-04-01T10:00:00+09:00",
                      "x@marketplace.amazon.co.jp", p.name, p.phone, "SKU-1", "緑茶", "1", p.name, p.town + p.block,
                      p.building, "", p.city, p.prefecture, p.postcode, "JP", p.phone] for i, p in enumerate(ps)]


def google_contacts(ps: list[T.JaPerson]) -> list[list[str]]:
    head = ["First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Last Name", "Labels",
            "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value", "Address 1 - Label",
            "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City", "Address 1 - PO Box",
            "Address 1 - Region", "Address 1 - Postal Code", "Address 1 - Country"]
    return [head] + [[p.given, "", p.family, p.given_kana, p.family_kana, "* myContacts", "* Home", p.email, "Mobile",
                      p.phone, "Home", f"{p.postcode} {p.address}", p.town + p.block + p.building, p.city, "",
                      p.prefecture, p.postcode, "JP"] for p in ps]


def rakuten_orders(ps: list[T.JaPerson]) -> list[list[str]]:
    head = ["受注番号", "注文者郵便番号1", "注文者郵便番号2", "注文者住所：都道府県", "注文者住所：都市区", "注文者住所：町以降",
            "注文者名字", "注文者名前", "注文者名字フリガナ", "注文者名前フリガナ", "注文者電話番号1", "注文者電話番号2",
            "注文者電話番号3", "メールアドレス", "送付先名字", "送付先名前", "送付先住所：都道府県", "送付先住所：都市区",
            "送付先住所：町以降"]
    return [head] + [[f"123456-20240401-{i:04d}", p.postcode[:3], p.postcode[4:], p.prefecture, p.city,
                      p.town + p.block + p.building, p.family, p.given, p.family_kana, p.given_kana,
                      *p.phone.split("-"), p.email, p.family, p.given, p.prefecture, p.city,
                      p.town + p.block + p.building] for i, p in enumerate(ps)]


@pytest.mark.parametrize("layout,role", [(outlook_ja, ""), (thunderbird_ja, ""), (amazon_orders, "recipient"),
                                         (google_contacts, ""), (rakuten_orders, "applicant"),
                                         (rakuten_orders, "recipient")])
def test_exported_person_tables_give_whole_names_and_addresses(layout, role):
    f = analyse_sheet("Sheet1", layout(JA))
    assert f is not None and f.kind == SheetKind.PERSONS
    got = {r.row: r.fields for r in f.records if r.role == role}
    assert len(got) == len(JA)
    for i, p in enumerate(JA, start=2):
        assert got[i]["name"] == p.name
        assert got[i]["address"] == p.address  # prefecture first, building last, nothing twice


def test_rakuten_reading_phone_and_postcode_in_pieces_are_whole():
    """注文者名字フリガナ | 注文者名前フリガナ, 郵便番号1 | 2 and 電話番号1 | 2 | 3: each field whole."""
    assert all(len(p.phone.split("-")) == 3 for p in JA)
    f = analyse_sheet("Sheet1", rakuten_orders(JA))
    assert f is not None
    got = {r.row: r.fields for r in f.records if r.role == "applicant"}
    for i, p in enumerate(JA, start=2):
        assert (got[i]["reading"], got[i]["postcode"], got[i]["phone"]) == (p.kana, p.postcode, p.phone)


def test_two_numbered_whole_phones_are_not_one():
    """電話番号1 | 電話番号2 holding two whole numbers (home and mobile): the first is the phone, never glued."""
    rows = [["氏名", "住所", "電話番号1", "電話番号2"]] + [[p.name, p.address, p.phone, "090-1111-2222"] for p in JA]
    f = analyse_sheet("Sheet1", rows)
    assert f is not None
    assert {r.fields["phone"] for r in f.records} == {p.phone for p in JA}


@pytest.mark.parametrize("header,field,role", [
    ("番地 (自宅)", "address", ""), ("番地 2 (自宅)", "address", ""), ("自宅の番地", "address", ""),
    ("番地 (会社)", "address", "work"),  # session 8: a company address, a business contact's when it is the only one
    ("recipient-name", "name", "recipient"), ("ship-city", "address", "recipient"),
    ("ship-postal-code", "postcode", "recipient"), ("buyer-phone-number", "phone", "applicant")])
def test_export_headers(header, field, role):
    h = read_header(header)
    assert h is not None and (h.field, h.role) == (field, role)


@pytest.mark.parametrize("header", ["Address 1 - Label", "Address 1 - Type", "Phone 1 - Label", "ship-country"])
def test_export_headers_that_are_no_person_field(header):
    assert read_header(header) is None


def test_a_prefecture_column_after_a_whole_address_is_not_doubled():
    """住所 | 都道府県 where 住所 already starts with the prefecture: the prefecture is not written twice."""
    rows = [["氏名", "住所", "都道府県"]] + [[p.name, p.address, p.prefecture] for p in JA]
    f = analyse_sheet("Sheet1", rows)
    assert f is not None
    assert {r.fields["address"] for r in f.records} == {p.address for p in JA}


def test_latin_addresses_keep_their_order():
    """Street, City, State is the right order for a Latin address: only Japanese parts are reordered."""
    en = T.en_people(12, seed=5151)
    rows = [["First Name", "Last Name", "Address", "City", "State", "Zip"]]
    rows += [[p.first, p.last, p.street, p.city, p.state, p.zip] for p in en]
    f = analyse_sheet("Sheet1", rows)
    assert f is not None
    assert {r.fields["address"] for r in f.records} == {f"{p.street} {p.city} {p.state}" for p in en}


def test_excel_text_formulas_in_a_system_export_are_their_text():
    """``="0312345678"``: Japanese systems export numbers as Excel formulas so that Excel keeps the leading zero.
    The postal code and the phone are their text (the phone column was dropped, the postal code kept ``="``)."""
    from scanner.tables import Caps, read_tables

    lines = ['"利用者一覧"', '"出力日",="2024/04/01"', '"氏名","郵便番号","住所","電話番号"']
    lines += [f'"{p.name}",="{p.postcode}","{p.address}",="{p.phone}"' for p in JA]
    lines += ['="※""個人情報""を含みます"']
    sheet = read_tables(("\r\n".join(lines) + "\r\n").encode("cp932"), Caps()).sheets[0]
    rows = list(sheet.rows)
    assert rows[1] == ["出力日", "2024/04/01"] and rows[-1] == ['※"個人情報"を含みます']
    f = analyse_sheet("", rows)
    assert f is not None
    got = {r.row: r.fields for r in f.records}
    for i, p in enumerate(JA, start=4):
        assert (got[i]["postcode"], got[i]["phone"], got[i]["address"]) == (p.postcode, p.phone, p.address)


def _fixed_width(ps: list[T.JaPerson]) -> bytes:
    """Excel's "formatted text (space delimited)" .prn, or a host system's 固定長 export: columns padded to a byte
    width in cp932 (full-width characters take two), numbers right-aligned, empty fields left blank."""
    def pad(text: str, width: int, right: bool = False) -> str:
        gap = " " * (width - len(text.encode("cp932")))
        return gap + text if right else text + gap

    lines = [pad("No", 4, True) + "  " + pad("氏名", 20) + pad("郵便番号", 10) + pad("住所", 70) + "電話番号"]
    for i, p in enumerate(ps, 1):
        lines.append(pad(str(i), 4, True) + "  " + pad(f"{p.family}\u3000{p.given}", 20)
                     + pad(p.postcode if i % 3 else "", 10) + pad(p.address, 70) + p.phone)
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


def test_fixed_width_text_is_a_table():
    """A fixed-width person list had no delimiter: one column per line, nothing found, status ok (a silent clean)."""
    from scanner.tables import Caps, read_tables

    sheet = read_tables(_fixed_width(JA), Caps()).sheets[0]
    rows = list(sheet.rows)
    assert "delimiter: none" not in sheet.notes
    f = analyse_sheet("", rows)
    assert f is not None and f.count == len(JA)
    got = {r.row: r.fields for r in f.records}
    for i, p in enumerate(JA, start=2):
        assert got[i]["address"] == p.address and got[i]["name"] == f"{p.family}\u3000{p.given}"
        assert got[i].get("postcode", "") == (p.postcode if (i - 1) % 3 else "")


def test_prose_is_not_cut_into_columns():
    from scanner.tables import Caps, read_tables

    text = "\r\n".join(["本日の会議では  次の点を確認した。", "予算について  説明があった。",
                        "次回は  来月に開く。", "以上  です。"]) + "\r\n"  # gaps, but never in one straight column
    sheet = read_tables(text.encode("cp932"), Caps()).sheets[0]
    assert "delimiter: none" in sheet.notes
    assert all(len(r) == 1 for r in sheet.rows)


def test_a_header_under_a_long_preamble():
    """Municipal lists open with a title, the legal basis and notes: 29 rows before the header (the first 20 rows
    were the only ones searched, and the list came out as nothing). A header row must then name both fields."""
    notes = [[f"注意事項{i}：この名簿は個人情報を含むため取扱いに注意すること"] for i in range(29)]
    rows = notes + [["No", "氏名", "住所", "電話番号"]] + [[i, p.name, p.address, p.phone] for i, p in enumerate(JA, 1)]
    f = analyse_sheet("s", rows)
    assert f is not None and f.header_row == 30 and f.count == len(JA)
    assert {r.row for r in f.records} == set(range(31, 31 + len(JA)))
    names_only = notes + [["No", "氏名", "電話番号"]] + [[i, p.name, p.phone] for i, p in enumerate(JA, 1)]
    assert analyse_sheet("s", names_only) is None or analyse_sheet("s", names_only).header_row is None
