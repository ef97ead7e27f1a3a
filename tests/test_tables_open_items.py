"""Session 9: person tables the table rules missed or miscounted (tables8 / review8d open items).

Values from Faker ja_JP (fixed seed), never real data. Found wrong before (main 38919ec):
- a fused header cell naming two fields (``氏名\\n(フリガナ)``, ``フリガナ／氏名`` as printed lists write it, the reading
  shown above the name) over plain names: read as the reading column only: **nothing**;
- a template's filled-in example row (記入例, 例, サンプル, 見本 in a cell of its own, or ``（例）`` before the values)
  counted as a person of the list.
"""

from __future__ import annotations

import pytest

from scanner.codes import Rejection
from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

JA = T.ja_people(10, seed=919)


def _whole(f, ps=JA) -> None:
    assert f is not None and f.kind == SheetKind.PERSONS, f
    got = {r.fields["name"].replace(" ", ""): r.fields["address"] for r in f.records}
    assert got == {p.name_unspaced: p.address for p in ps}


@pytest.mark.parametrize("head", ["氏名\n(フリガナ)", "フリガナ\n氏名", "氏名／フリガナ", "ふりがな・氏名", "氏名（ふりがな）"])
def test_a_fused_name_and_reading_header_over_names_is_the_name(head):
    rows = [["No", head, "住所", "電話番号"]] + [[i, p.name, p.address, p.phone] for i, p in enumerate(JA, 1)]
    _whole(analyse_sheet("名簿", rows))


def test_a_fused_name_and_reading_header_over_kana_stays_the_reading():
    rows = [["氏名", "氏名（フリガナ）", "住所"]] + [[p.name, p.kana, p.address] for p in JA]
    f = analyse_sheet("名簿", rows)
    _whole(f)
    assert {r.fields["reading"] for r in f.records} == {p.kana for p in JA}


def test_a_fused_address_and_phone_header_over_addresses_is_the_address():
    rows = [["氏名", "住所／電話番号"]] + [[p.name, p.address] for p in JA]
    _whole(analyse_sheet("名簿", rows))


SAMPLE = ["山田 太郎", "東京都千代田区千代田1-1", "03-1234-5678"]


@pytest.mark.parametrize("mark", ["記入例", "例", "（例）", "サンプル", "見本", "記載例", "【記入例】"])
def test_an_example_row_in_a_column_of_its_own_is_no_person(mark):
    rows = [["No", "氏名", "住所", "電話番号"], [mark, *SAMPLE]] + [[i, p.name, p.address, p.phone]
                                                                   for i, p in enumerate(JA, 1)]
    f = analyse_sheet("名簿", rows)
    _whole(f)
    assert f.rejected.get(Rejection.EXAMPLE) == 1


def test_an_example_row_marked_in_the_notes_column_is_no_person():
    rows = [["氏名", "住所", "電話番号", "備考"], [*SAMPLE, "記入例"]] + [[p.name, p.address, p.phone, ""] for p in JA]
    f = analyse_sheet("名簿", rows)
    _whole(f)
    assert f.rejected.get(Rejection.EXAMPLE) == 1


def test_values_prefixed_as_an_example_are_no_person():
    rows = [["氏名", "住所", "電話番号"], ["（例）" + SAMPLE[0], "（例）" + SAMPLE[1], SAMPLE[2]]]
    rows += [[p.name, p.address, p.phone] for p in JA]
    f = analyse_sheet("名簿", rows)
    _whole(f)
    assert f.rejected.get(Rejection.EXAMPLE) == 1


def test_a_person_whose_notes_mention_an_example_stays_a_person():
    """例 inside a longer note (例年参加, 見本市で名刺交換) is no example mark: only a cell that is the mark alone."""
    rows = [["氏名", "住所", "備考"]] + [[p.name, p.address, "例年参加" if i % 2 else "見本市で名刺交換"]
                                         for i, p in enumerate(JA)]
    f = analyse_sheet("名簿", rows)
    _whole(f)
    assert not f.rejected


# --- 連名: joint names on one address (年賀状 lists). Before: only the first name of a row was a person. -------------

def _partner(p: T.JaPerson) -> str:
    return "花子" if p.sex == "男" else "一郎"


def _joint_expected(ps, extra) -> set[tuple[str, str]]:
    want = {(p.name_unspaced, p.address) for p in ps}
    for p in ps:
        want |= {(p.family + g, p.address) for g in extra(p)}
    return want


def _pairs(f) -> set[tuple[str, str]]:
    assert f is not None and f.kind == SheetKind.PERSONS, f
    return {(r.fields["name"].replace(" ", ""), r.fields["address"]) for r in f.records}


def test_joint_name_columns_are_persons_at_the_row_address():
    """宛名職人 / 筆王: 連名1 | 連名1敬称 | 連名2 | 連名2敬称 hold given names of the same household."""
    head = ["氏名", "敬称", "連名1", "連名1敬称", "連名2", "連名2敬称", "郵便番号", "住所1", "住所2"]
    rows = [head] + [[p.name, "様", _partner(p), "様", "健太" if i % 2 else "", "くん" if i % 2 else "", p.postcode,
                      p.prefecture + p.city + p.town, p.block + p.building] for i, p in enumerate(JA)]
    f = analyse_sheet("年賀状", rows)
    odd = {p.name for i, p in enumerate(JA) if i % 2}
    assert _pairs(f) == _joint_expected(JA, lambda p: [_partner(p)] + (["健太"] if p.name in odd else []))
    assert f.count == len(JA) and len(f.records) == len(JA) * 2 + len(odd)  # rows with a person; records


def test_a_joint_name_column_beside_split_name_columns():
    head = ["姓", "名", "連名", "郵便番号", "住所"]
    rows = [head] + [[p.family, p.given, _partner(p) if i < 4 else "", p.postcode, p.address] for i, p in enumerate(JA)]
    f = analyse_sheet("年賀状", rows)
    assert _pairs(f) == _joint_expected(JA, lambda p: [_partner(p)] if JA.index(p) < 4 else [])


@pytest.mark.parametrize("spaced", [False, True])
def test_joint_names_in_the_name_cell_are_persons(spaced):
    """``山田太郎・花子`` (one cell, the household's given names after the first full name)."""
    rows = [["氏名", "郵便番号", "住所"]] + [[(p.name if spaced else p.name_unspaced) + ("・" + _partner(p) if i % 2 else ""),
                                        p.postcode, p.address] for i, p in enumerate(JA)]
    f = analyse_sheet("年賀状", rows)
    assert _pairs(f) == _joint_expected(JA, lambda p: [_partner(p)] if JA.index(p) % 2 else [])


def test_a_katakana_name_with_a_middle_dot_is_one_person():
    rows = [["氏名", "住所"]] + [[n, p.address] for n, p in zip((["ジョン・スミス", "マリア・ガルシア", "アンナ・シュミット"] * 4)[:len(JA)], JA, strict=True)]
    f = analyse_sheet("名簿", rows)
    assert f is not None and f.count == len(JA)


# --- a company and a home address on one row: the home address is the person's. Before: business contacts. -------

@pytest.mark.parametrize("layout", ["kaisha", "outlook-like"])
def test_a_home_address_beside_a_company_address_makes_persons(layout):
    if layout == "kaisha":
        head = ["氏名", "会社名", "部署", "役職", "会社〒", "会社住所", "自宅〒", "自宅住所", "携帯電話"]
        rows = [head] + [[p.name, f"株式会社{p.town}", "営業部", "課長", "100-0005", "東京都千代田区丸の内1-1-1", p.postcode,
                          p.address, p.phone] for p in JA]
    else:
        head = ["姓", "名", "会社名", "役職", "自宅住所（都道府県）", "自宅住所（市区町村）", "自宅住所（番地）", "会社住所（都道府県）",
                "会社住所（市区町村）", "会社住所（番地）"]
        rows = [head] + [[p.family, p.given, f"株式会社{p.town}", "部長", p.prefecture, p.city, p.town + p.block + p.building,
                          "東京都", "千代田区", "丸の内1-1-1"] for p in JA]
    _whole(analyse_sheet("名刺", rows))


def test_business_cards_with_only_company_addresses_stay_business():
    head = ["氏名", "会社名", "役職", "会社住所", "自宅住所"]
    rows = [head] + [[p.name, f"株式会社{p.town}", "課長", p.address, ""] for p in JA]
    f = analyse_sheet("名刺", rows)
    assert f is not None and f.kind == SheetKind.BUSINESS and f.count == len(JA)


# --- vCard with text before the first card (an export heading, a pasted note). Before: sniffed text, nothing. -------

def _cards(ps) -> bytes:
    from tests.test_vcard import iphone
    return iphone(ps)


@pytest.mark.parametrize("preamble", [b"\xef\xbb\xbf\xe9\x80\xa3\xe7\xb5\xa1\xe5\x85\x88 2024-01-05\r\n\r\n",
                                      b"Exported contacts\r\nfrom: old phone\r\n"])
def test_a_vcard_with_a_short_preamble_is_an_address_book(preamble):
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps
    from scanner.tables import sniff_format

    data = preamble + _cards(JA)
    assert sniff_format(data) == "vcard"
    found, _, _ = analyse_bytes(data, "vcard", Caps())
    f = found[0]
    assert f.kind == SheetKind.PERSONS and len(f.records) == len(JA)


def test_a_text_table_with_a_card_far_down_stays_text():
    from scanner.tables import sniff_format

    lines = [f"{p.name},{p.address}" for p in JA]
    data = ("氏名,住所\n" + "\n".join(lines) + "\n").encode() + _cards(JA[:1])
    assert sniff_format(data) == "text"


def _label_cards(ps, version: str) -> bytes:
    """Cards with a formatted address (LABEL) and no ADR, as some PIM and feature-phone exports write them."""
    import binascii

    out = []
    for p in ps:
        text = f"〒{p.postcode}\n{p.prefecture}{p.city}{p.town}{p.block}\n{p.building}\n日本"
        if version == "2.1":
            # line breaks inside the value as =0D=0A, soft breaks (=) at 76 characters, as the phones write them
            qp = binascii.b2a_qp(text.replace("\n", "\r\n").encode("cp932"), istext=False).decode()
            qp = qp.replace("=\n", "=\r\n")
            label = f"LABEL;HOME;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{qp}"
        else:
            label = "LABEL;TYPE=HOME:" + text.replace("\n", "\\n")
        out += ["BEGIN:VCARD", f"VERSION:{version}", f"N:{p.family};{p.given};;;", label, f"TEL;CELL:{p.phone}",
                "END:VCARD"]
    enc = "cp932" if version == "2.1" else "utf-8"
    return ("\r\n".join(out) + "\r\n").encode(enc)


@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_a_vcard_with_only_a_formatted_label_address_is_persons(version):
    """Before: names leads only (LABEL was not read)."""
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps

    found, _, _ = analyse_bytes(_label_cards(JA, version), "vcard", Caps())
    f = found[0]
    assert f.kind == SheetKind.PERSONS
    got = {(r.fields["name"].replace(" ", ""), r.fields["address"].replace(" ", "")) for r in f.records}
    assert got == {(p.name_unspaced, p.address.replace(" ", "")) for p in JA}
    assert {r.fields.get("postcode") for r in f.records} == {p.postcode for p in JA}


# --- a filled-in example of a form (記入例 sheet beside the blank form). Before: its sample person was counted. -----

def _form(p: T.JaPerson, mark: str | None) -> list[list[object]]:
    rows: list[list[object]] = [["利用申込書", "", ""], ["", "", ""], ["氏名", p.name, mark or ""], ["フリガナ", p.kana, ""],
                                ["住所", p.address, ""], ["電話番号", p.phone, ""]]
    return rows


@pytest.mark.parametrize("sheet, mark", [("記入例", None), ("見本", None), ("申込書", "（例）"), ("申込書", "【記入例】")])
def test_an_example_form_is_no_person(sheet, mark):
    assert analyse_sheet(sheet, _form(JA[0], mark)) is None


def test_a_filled_form_stays_its_person_under_its_sheet_name():
    """Also found: a form's finding was named after its person (the sheet name overwritten by the name read)."""
    f = analyse_sheet("申込書", _form(JA[0], None))
    assert f is not None and [r.fields["name"] for r in f.records] == [JA[0].name]
    assert f.name == "申込書" and {r.sheet for r in f.records} == {"申込書"}


def test_a_hint_below_the_name_keeps_a_filled_form():
    rows = _form(JA[0], None) + [["生年月日", "1950-01-01", "（例）昭和25年1月1日"]]
    rows[4][2] = "（例）東京都千代田区千代田1-1"
    f = analyse_sheet("申込書", rows)
    assert f is not None and [r.fields["name"] for r in f.records] == [JA[0].name]


# --- a fused header over two-line cells (a line break inside the cell: フリガナ over 氏名, 住所 over 電話番号). Before:
# nothing (the name cell held the reading too, the address cell the phone). ----------------------------------------

@pytest.mark.parametrize("kana_first", [True, False])
def test_two_line_cells_under_a_fused_header_are_split(kana_first):
    head = ["No", "フリガナ\n氏名" if kana_first else "氏名\nフリガナ", "住所\n電話番号", "備考"]
    rows = [head] + [[i, f"{p.kana}\n{p.name}" if kana_first else f"{p.name}\n{p.kana}", f"{p.address}\n{p.phone}", ""]
                     for i, p in enumerate(JA, 1)]
    f = analyse_sheet("名簿", rows)
    _whole(f)
    assert {(r.fields.get("reading"), r.fields.get("phone")) for r in f.records} == {(p.kana, p.phone) for p in JA}


# --- household members in columns of their own (自治会 / 世帯 lists): persons at the row's address, like 連名. --------

@pytest.mark.parametrize("head", [["班", "世帯主氏名", "世帯員1", "世帯員2", "住所"], ["班", "氏名", "配偶者", "子供1", "住所"],
                                  ["班", "世帯主", "家族1氏名", "家族2氏名", "住所"]])
def test_household_member_columns_are_persons_at_the_row_address(head):
    rows = [head] + [[1, p.name, _partner(p), "健太" if i % 2 else "", p.address] for i, p in enumerate(JA)]
    f = analyse_sheet("自治会名簿", rows)
    assert _pairs(f) == _joint_expected(JA, lambda p: [_partner(p)] + (["健太"] if JA.index(p) % 2 else []))


def test_a_household_column_of_counts_or_marks_adds_no_one():
    rows = [["氏名", "家族", "同居者", "住所"]] + [[p.name, 3, "有" if i % 2 else "無", p.address] for i, p in enumerate(JA)]
    f = analyse_sheet("名簿", rows)
    _whole(f)
    assert not f.rejected


def test_joint_names_further_down_than_the_sample_are_counted():
    people = T.ja_people(60, seed=920)
    rows = [["氏名", "連名", "住所"]] + [[p.name, "花子" if i == 55 else "", p.address] for i, p in enumerate(people)]
    f = analyse_sheet("年賀状", rows)
    assert len(f.records) == len(people) + 1


# --- split-address headers that cut the address or lost the sheet (before: nothing, or the prefecture dropped) -------

@pytest.mark.parametrize("last", ["町・番地", "字・番地", "大字・番地", "地番", "町字・番地"])
def test_a_town_and_block_column_completes_the_address(last):
    rows = [["氏名", "都道府県", "市区町村", last]] + [[p.name, p.prefecture, p.city, p.town + p.block + p.building]
                                                    for p in JA]
    _whole(analyse_sheet("名簿", rows))


@pytest.mark.parametrize("head", [["県名", "市町村名", "町名", "番地"], ["県", "市", "町", "番地"]])
def test_short_split_address_headers_keep_the_prefecture(head):
    rows = [["氏名", *head]] + [[p.name, p.prefecture, p.city, p.town, p.block + p.building] for p in JA]
    _whole(analyse_sheet("名簿", rows))


@pytest.mark.parametrize("head", ["郵便番号・住所", "住所・郵便番号", "〒・住所"])
def test_a_postcode_and_address_header_over_whole_addresses_is_the_address(head):
    rows = [["氏名", head]] + [[p.name, f"〒{p.postcode} {p.address}"] for p in JA]
    f = analyse_sheet("名簿", rows)
    _whole(f)
    assert {r.fields.get("postcode") for r in f.records} == {p.postcode for p in JA}


# --- a role word alone over the row's only name, or over addresses (before: nothing) ---------------------------------

@pytest.mark.parametrize("who", ["申込者", "契約者", "送付先"])
def test_the_rows_only_name_under_a_role_word_takes_the_rows_address(who):
    rows = [[who, "住所", "電話"]] + [[p.name, p.address, p.phone] for p in JA]
    _whole(analyse_sheet("申込一覧", rows))


@pytest.mark.parametrize("where", ["送付先", "お届け先", "届け先"])
def test_a_bare_recipient_word_over_addresses_is_the_address(where):
    rows = [["氏名", where, "電話"]] + [[p.name, p.address, p.phone] for p in JA]
    _whole(analyse_sheet("発送リスト", rows))


def test_an_applicant_beside_a_named_person_keeps_their_own_records():
    rows = [["申込者", "氏名", "住所"]] + [[f"{p.family} 一郎", p.name, p.address] for p in JA]
    f = analyse_sheet("申込一覧", rows)
    assert f is not None and {r.fields["name"] for r in f.records if not r.role} == {p.name for p in JA}


# --- a role named twice with numbers (two emergency contacts, two guardians). Before: only the first was counted. -----

def test_two_numbered_contacts_are_two_persons_each_with_their_address():
    head = ["利用者番号", "利用者氏名", "住所", "緊急連絡先1氏名", "緊急連絡先1続柄", "緊急連絡先1住所", "緊急連絡先1電話",
            "緊急連絡先2氏名", "緊急連絡先2住所"]
    other = T.ja_people(len(JA) * 2, seed=921)
    rows = [head] + [[i, p.name, p.address, other[2 * i].name, "長男", other[2 * i].address, other[2 * i].phone,
                      other[2 * i + 1].name, other[2 * i + 1].address] for i, p in enumerate(JA)]
    f = analyse_sheet("利用者一覧", rows)
    assert f is not None and f.kind == SheetKind.PERSONS
    got = {(r.role, r.fields["name"], r.fields["address"]) for r in f.records}
    assert got == {("", p.name, p.address) for p in JA} | {("emergency_contact", q.name, q.address) for q in other}
    assert f.roles() == {"person": len(JA), "emergency_contact": len(other)}
    assert f.columns["emergency_contact.name"] == ["緊急連絡先1氏名", "緊急連絡先2氏名"]


def test_numbered_address_parts_of_one_role_stay_one_person():
    head = ["氏名", "届先氏名", "届先住所1", "届先住所2"]
    rows = [head] + [[p.name, f"{p.family} 一郎", p.prefecture + p.city + p.town, p.block] for p in JA]
    f = analyse_sheet("発送", rows)
    assert f is not None and {r.fields["address"] for r in f.records if r.role == "recipient"} == \
        {p.prefecture + p.city + p.town + p.block for p in JA}


@pytest.mark.parametrize("sep", ["／", "・"])
def test_a_name_with_its_katakana_reading_after_a_mark_is_one_person(sep):
    """``山田太郎／ヤマダタロウ``: the reading typed after the name is no 連名 (guard for the joint-name split)."""
    rows = [["氏名", "住所"]] + [[p.name_unspaced + sep + p.family_kana + p.given_kana, p.address] for p in JA]
    f = analyse_sheet("名簿", rows)
    assert f is not None and len(f.records) == len(JA)
