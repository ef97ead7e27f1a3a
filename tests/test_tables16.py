"""tables16: gift-delivery lists (送り状 exports of Yamato B2, Sagawa e-飛伝III, Japan Post ゆうプリR; お中元 / お歳暮
lists) and landlord / property-owner lists (所有者 | 物件所在地, 固定資産 ledgers) as an investigator counts them.

Recipients with a name and a delivery address are persons (the pair); a sender column holding individuals is a second
person on each row; an owner is a person whose address beside his name may be a property's, not his home: counted
under the role ``owner`` so the report says so. A table refused for names spread over places others live at is never
nothing: it is a lead with the reason ``name-elsewhere``.

Column headers are those the carriers' import/export layouts use (B2クラウド 42 columns, e飛伝III 74 columns, ゆうプリR),
as written by public shop-system code; values are Faker ja_JP with fixed seeds (tests/person_tables_data.py).
"""

from __future__ import annotations

import random

import pytest

from scanner.codes import Rejection
from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

Rows = list[list[object]]

_P = T.ja_people(200, seed=7)
SENDERS, RECIPIENTS = _P[:10], _P[10:50]  # each sender sends to 4 recipients (お中元 from a family to relatives)
OWNERS, PROPERTIES = _P[60:80], _P[80:160]  # each owner holds 4 properties
SHOP = ("株式会社サンプル商店", "100-0005", "東京都千代田区", "丸の内1-1-1", "03-1234-5678")

# Yamato B2クラウド (送り状発行データ, 42 columns)
B2 = ["お客様管理番号", "送り状種類", "クール区分", "伝票番号", "出荷予定日", "お届け予定日", "配達時間帯", "お届け先コード",
      "お届け先電話番号", "お届け先電話番号枝番", "お届け先郵便番号", "お届け先住所", "お届け先アパートマンション名",
      "お届け先会社・部門１", "お届け先会社・部門２", "お届け先名", "お届け先名(ｶﾅ)", "敬称", "ご依頼主コード",
      "ご依頼主電話番号", "ご依頼主電話番号枝番", "ご依頼主郵便番号", "ご依頼主住所", "ご依頼主アパートマンション", "ご依頼主名",
      "ご依頼主名(ｶﾅ)", "品名コード１", "品名１", "品名コード２", "品名２", "荷扱い１", "荷扱い２", "記事",
      "ｺﾚｸﾄ代金引換額（税込)", "内消費税額等", "止置き", "営業所コード", "発行枚数", "個数口表示フラグ", "請求先顧客コード",
      "請求先分類コード", "運賃管理番号"]
# Sagawa e飛伝III (74 columns; the first 50 here)
SAGAWA = ["お届け先コード取得区分", "お届け先コード", "お届け先電話番号", "お届け先郵便番号", "お届け先住所１", "お届け先住所２",
          "お届け先住所３", "お届け先名称１", "お届け先名称２", "お客様管理番号", "お客様コード", "部署ご担当者コード取得区分",
          "部署ご担当者コード", "部署ご担当者名称", "荷送人電話番号", "ご依頼主コード取得区分", "ご依頼主コード", "ご依頼主電話番号",
          "ご依頼主郵便番号", "ご依頼主住所１", "ご依頼主住所２", "ご依頼主名称１", "ご依頼主名称２", "荷姿", "品名１", "品名２",
          "品名３", "品名４", "品名５", "出荷個数", "スピード指定", "クール便指定", "配達日", "配達指定時間帯", "配達指定時間（時分）",
          "代引金額", "消費税", "決済種別", "保険金額", "指定シール１", "指定シール２", "指定シール３", "営業所受取", "ＳＲＣ区分",
          "営業所受取営業所コード", "元着区分", "メールアドレス", "ご不在時連絡先", "出荷日", "お問い合せ送り状No."]
# Japan Post ゆうプリR (取込 layout, the columns up to the sender's)
YUPRI = ["お客様側管理番号", "発送予定日", "発送予定時間区分", "郵便種別", "保冷種別", "元／着払／代引", "送り状種別",
         "お届け先 コード", "お届け先 郵便番号", "お届け先 住所１", "お届け先 住所２", "お届け先 住所３", "お届け先 名称１",
         "お届け先 名称２", "お届け先 敬称区分", "お届け先 電話番号", "お届け先 メールアドレス１", "ご依頼主 コード",
         "ご依頼主 郵便番号", "ご依頼主 住所１", "ご依頼主 住所２", "ご依頼主 住所３", "ご依頼主 名称１", "ご依頼主 名称２",
         "ご依頼主 敬称", "ご依頼主 電話番号", "品名"]


def _export(header: list[str], fields: dict[str, str], shop: bool) -> Rows:
    """An export in ``header``'s layout: one row per recipient; the sender a shop (the same firm on every row) or the
    individual who sends (each of SENDERS to four recipients). ``fields`` maps a column to what it holds."""
    rows: Rows = [header]
    for i, r in enumerate(RECIPIENTS):
        s = SENDERS[i // 4]
        sender = dict(zip(("name", "postcode", "city", "street", "phone"), SHOP, strict=True)) if shop else {
            "name": s.name, "postcode": s.postcode, "city": s.prefecture + s.city, "street": s.town + s.block,
            "phone": s.phone}
        values = {"to.name": r.name, "to.kana": r.kana, "to.phone": r.phone, "to.postcode": r.postcode,
                  "to.city": r.prefecture + r.city, "to.street": r.town + r.block, "to.building": r.building,
                  "to.address": r.prefecture + r.city + r.town + r.block,
                  "from.address": sender["city"] + sender["street"],
                  **{f"from.{k}": v for k, v in sender.items()}, "id": f"A{i:05d}", "item": "お中元 ビール詰め合わせ",
                  "date": "2024/07/01"}
        rows.append([values.get(fields.get(h, ""), "") for h in header])
    return rows


_B2 = {"お客様管理番号": "id", "出荷予定日": "date", "お届け先電話番号": "to.phone", "お届け先郵便番号": "to.postcode",
       "お届け先住所": "to.address", "お届け先アパートマンション名": "to.building", "お届け先名": "to.name",
       "お届け先名(ｶﾅ)": "to.kana", "ご依頼主電話番号": "from.phone", "ご依頼主郵便番号": "from.postcode",
       "ご依頼主住所": "from.address", "ご依頼主名": "from.name", "品名１": "item"}
_SAGAWA = {"お届け先電話番号": "to.phone", "お届け先郵便番号": "to.postcode", "お届け先住所１": "to.city",
           "お届け先住所２": "to.street", "お届け先住所３": "to.building", "お届け先名称１": "to.name", "お客様管理番号": "id",
           "ご依頼主電話番号": "from.phone", "ご依頼主郵便番号": "from.postcode", "ご依頼主住所１": "from.city",
           "ご依頼主住所２": "from.street", "ご依頼主名称１": "from.name", "品名１": "item", "出荷日": "date"}
_YUPRI = {"お客様側管理番号": "id", "発送予定日": "date", "お届け先 郵便番号": "to.postcode", "お届け先 住所１": "to.city",
          "お届け先 住所２": "to.street", "お届け先 住所３": "to.building", "お届け先 名称１": "to.name",
          "お届け先 電話番号": "to.phone", "ご依頼主 郵便番号": "from.postcode", "ご依頼主 住所１": "from.city",
          "ご依頼主 住所２": "from.street", "ご依頼主 名称１": "from.name", "ご依頼主 電話番号": "from.phone", "品名": "item"}
EXPORTS = {"yamato-b2": (B2, _B2), "sagawa-e-hiden": (SAGAWA, _SAGAWA), "yupri-r": (YUPRI, _YUPRI)}


@pytest.mark.parametrize("carrier", list(EXPORTS))
def test_a_carriers_export_counts_each_recipient_and_the_individual_senders(carrier):
    """Sagawa's e飛伝III and Japan Post's ゆうプリR name the recipient and the sender in a 名称 column (お届け先名称１,
    ご依頼主 名称１): 名称 alone is a thing's name (施設名称), so both exports gave no persons and no reason at all.
    After a person role word 名称 is that person's name (a firm's or a person's: the values decide). Each recipient is
    a person (name + delivery address); each sender an individual too, a second person on the row."""
    header, fields = EXPORTS[carrier]
    found = analyse_sheet("送り状", iter(_export(header, fields, shop=False)))
    assert found is not None and found.kind == SheetKind.PERSONS
    assert found.count == len(RECIPIENTS)
    assert found.roles() == {"recipient": len(RECIPIENTS), "applicant": len(RECIPIENTS)}
    got = {(r.role, r.fields["name"]) for r in found.records}
    assert got == {("recipient", p.name) for p in RECIPIENTS} | {("applicant", p.name) for p in SENDERS}
    # each recipient at his own delivery address (not the sender's)
    for r in found.records:
        p = RECIPIENTS[r.row - 2] if r.role == "recipient" else SENDERS[(r.row - 2) // 4]
        assert r.fields["address"].startswith(p.prefecture + p.city + p.town) and r.fields["name"] == p.name


@pytest.mark.parametrize("carrier", list(EXPORTS))
def test_a_shops_export_counts_its_recipients_not_the_shop(carrier):
    """A shop's export: the sender is the shop on every row (a firm, no person); the recipients are the persons."""
    header, fields = EXPORTS[carrier]
    found = analyse_sheet("送り状", iter(_export(header, fields, shop=True)))
    assert found is not None and found.kind == SheetKind.PERSONS
    assert found.roles() == {"recipient": len(RECIPIENTS)}
    assert {r.fields["name"] for r in found.records} == {p.name for p in RECIPIENTS}


@pytest.mark.parametrize("sender,recipient", [("贈り主", "贈り先"), ("送り主", "お届け先"), ("差出人", "荷受人")])
def test_a_gift_list_names_its_sender_and_recipient_columns(sender, recipient):
    """お中元 / お歳暮 lists kept by hand: 贈り主 | 贈り先 | 住所 | 電話. The sender and recipient words were no role words:
    the recipients were found by their values alone and the senders (individuals) not counted."""
    rows: Rows = [[sender, recipient, "住所", "電話"]] + [
        [SENDERS[i // 4].name, r.name, r.address, r.phone] for i, r in enumerate(RECIPIENTS)]
    found = analyse_sheet("お歳暮", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(RECIPIENTS)
    names = {(r.role or "person", r.fields["name"]) for r in found.records}
    assert {n for _r, n in names} == {p.name for p in RECIPIENTS} | {p.name for p in SENDERS}
    assert {r for r, n in names if n == SENDERS[0].name} == {"applicant"}
