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


def _landlords(header: list[str], owner_home: bool = False, per: int = 4) -> Rows:
    """A landlord list: each of OWNERS holds ``per`` properties (the property's address beside the owner's name), the
    owner's own address beside it when ``owner_home``."""
    rows: Rows = [header]
    for i, pr in enumerate(PROPERTIES[:len(OWNERS) * per]):
        o = OWNERS[i // per]
        where = pr.prefecture + pr.city + pr.town + pr.block
        rows.append([o.name, *([o.address] if owner_home else []), where, o.phone, "アパート", 4 + i % 8])
    return rows


@pytest.mark.parametrize("header", [["所有者", "物件所在地", "電話番号", "種別", "戸数"],
                                    ["所有者氏名", "物件所在地", "電話", "種別", "戸数"],
                                    ["地主", "所在地", "電話番号", "地目", "面積"],
                                    ["家主", "物件住所", "連絡先", "構造", "戸数"]], ids=lambda h: h[0])
def test_a_landlord_list_counts_each_owner_at_his_properties_under_the_owner_role(header):
    """所有者 | 物件所在地: an owner at four properties is spread over addresses others live at, so the list gave no
    persons and no reason. The owner's name beside his property is personal data: each pair is counted, under the
    role ``owner`` (the report says the address may be the property's, not the owner's home)."""
    found = analyse_sheet("物件", iter(_landlords(header)))
    assert found is not None and found.kind == SheetKind.PERSONS
    assert found.count == len(OWNERS) * 4 and found.roles() == {"owner": len(OWNERS) * 4}
    assert {r.fields["name"] for r in found.records} == {p.name for p in OWNERS}
    assert all(k.startswith("owner.") for k in found.columns if k.split(".")[-1] in ("name", "address"))


@pytest.mark.parametrize("header", [["所有者氏名", "所有者住所", "所在地", "地番", "地目", "評価額"],
                                    ["地主名", "地主住所", "土地所在地", "地番", "地目", "地積"],
                                    ["所有者氏名", "所有者住所", "物件所在地", "電話番号", "種別", "戸数"]], ids=lambda h: h[0])
def test_an_owners_own_address_is_his_and_the_property_is_not_joined_to_it(header):
    """A ledger with the owner's home (所有者住所) and the property (所在地 | 地番, a 固定資産 list): the address columns
    were joined into one (home + property + lot), every owner then stood at four such addresses: no persons. The owner
    is a person at his own address: one person per owner, his four properties no part of it."""
    rnd = random.Random(5)
    rows: Rows = [header]
    for i, pr in enumerate(PROPERTIES):
        o = OWNERS[i // 4]
        lot = f"{rnd.randint(1, 999)}番{rnd.randint(1, 9)}" if header[3] == "地番" else o.phone
        rows.append([o.name, o.address, pr.prefecture + pr.city + pr.town, lot, "宅地", rnd.randint(10**5, 10**8)])
    found = analyse_sheet("固定資産", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS
    assert {(r.fields["name"], r.fields["address"]) for r in found.records} == {(p.name, p.address) for p in OWNERS}
    assert found.count == len(PROPERTIES)


def _no_header_landlords() -> Rows:
    return _landlords(["所有者", "物件所在地", "電話番号", "種別", "戸数"])[1:]


def _senders_at_recipients() -> Rows:
    """ご依頼主 | お届け先住所 | 電話: the recipients' addresses beside the sender's name, no recipient's name."""
    return [["ご依頼主", "お届け先住所", "電話"]] + [[SENDERS[i // 4].name, r.address, r.phone]
                                             for i, r in enumerate(RECIPIENTS)]


@pytest.mark.parametrize("rows", [_no_header_landlords, _senders_at_recipients], ids=["landlords, no header",
                                                                                   "sender at recipients"])
def test_a_table_of_names_spread_over_places_is_a_lead_with_its_reason_never_nothing(rows):
    """A table whose names each stand at several addresses that are no home of theirs (a landlord list without its
    header, a sender beside the recipients' addresses): no person is the resident of his row's address, so none is
    counted; the table gave nothing at all (the worst outcome: personal data listed as nothing). It is a lead now, each
    row counted apart with the reason name-elsewhere."""
    found = analyse_sheet("一覧", iter(rows()))
    assert found is not None and found.kind == SheetKind.NAMES
    assert found.records == []
    assert found.rejected.get(Rejection.NAME_ELSEWHERE) == found.count > 0


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    from conftest import run_leakscan

    from tests import pii_data as D

    root = tmp_path_factory.mktemp("tables16")
    share = root / "share"
    share.mkdir()
    (share / "sagawa.csv").write_bytes(D.csv_bytes(_export(SAGAWA, _SAGAWA, shop=False), "cp932"))
    (share / "物件一覧.xlsx").write_bytes(D.xlsx_bytes({"物件": _landlords(["所有者", "物件所在地", "電話番号", "種別",
                                                                          "戸数"])}))
    (share / "owners.csv").write_bytes(D.csv_bytes(_no_header_landlords(), "cp932"))
    out = root / "out"
    proc = run_leakscan("scan", str(share), "--name", "sagawa.csv", "--name", "物件一覧.xlsx", "--out", str(out),
                        "--quiet")
    assert proc.returncode == 1, proc.stderr
    import json

    return out, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_through_the_cli_senders_recipients_and_owners_are_persons_and_spread_names_a_lead(scanned):
    """The carrier's export: 40 recipients and 10 senders (50 persons); the landlord list: 80 owner + property pairs
    under the owner role; the header-less landlord list: a lead with its reason, listed, not nothing."""
    out, doc = scanned
    files = {f["path"].rsplit("/", 1)[-1]: f for f in doc["files"]}
    sheets = {name: f["pii"]["sheets"] for name, f in files.items()}
    assert sheets["sagawa.csv"][0]["roles"] == {"applicant": 40, "recipient": 40}
    assert sheets["物件一覧.xlsx"][0]["roles"] == {"owner": 80}
    assert set(sheets["物件一覧.xlsx"][0]["columns"]) == {"owner.name", "owner.address", "owner.phone"}
    lead = files["owners.csv"]["pii"]["leads"]
    assert len(lead) == 1 and lead[0]["kind"] == "names" and lead[0]["rejected"] == {"name-elsewhere": 80}
    persons = doc["persons"]
    assert persons["roles"] == {"applicant": len(SENDERS), "recipient": len(RECIPIENTS), "owner": 80}
    assert persons["unique"] == len(SENDERS) + len(RECIPIENTS) + 80
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "所有者（住所は物件の所在地のことあり。物件ごとに数える）" in report and "送り主" in report
    for p in (*SENDERS, *RECIPIENTS, *OWNERS):
        assert p.name not in report


@pytest.mark.parametrize("status", ["施設入所", "ホーム入居", "施設入所中", "病院入院"])
def test_a_header_less_status_of_moving_into_a_facility_is_no_organisation(status):
    """Header-less 利用者 | 住所 | 電話 | 状況 whose status reads 施設入所 on most rows: 施設 is an organisation word, so the
    column was read as the person's organisation and the care clients reported as business contacts (review15e #7).
    A facility word followed by what the person does there (入所, 入居, 入院) is a status, not a firm's name."""
    people = T.ja_people(60, seed=41)
    rows: Rows = [[p.name, p.address, p.phone, status if i % 3 else "在宅"] for i, p in enumerate(people)]
    found = analyse_sheet("利用者", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 60
    assert "organisation" not in found.columns


def test_a_header_less_column_of_facility_names_is_still_an_organisation():
    """The other side: a column of the facilities people belong to (さくら介護センター, 青葉病院) stays an organisation."""
    people = T.ja_people(60, seed=41)
    orgs = ["さくら介護センター", "青葉病院", "株式会社ひまわり", "みどり福祉施設"]
    rows: Rows = [[p.name, p.address, p.phone, orgs[i % 4]] for i, p in enumerate(people)]
    found = analyse_sheet("利用者", iter(rows))
    assert found is not None and found.columns.get("organisation") == ["D"]


def test_a_labelled_sender_line_above_a_header_less_list_is_a_person_of_it():
    """氏名：小川 花子 | 住所：… | 電話：… above a header-less list: the line was taken for the header (its labels name the
    columns) and its person not counted (39 of 40; fix15b). The line holds a name and an address like every row: it is
    counted, at its own row, its values without their labels."""
    people = T.ja_people(40, seed=77)
    sender = people[0]
    rows: Rows = [[f"氏名：{sender.name}", f"住所：{sender.address}", f"電話：{sender.phone}"]]
    rows += [[p.name, p.address, p.phone] for p in people[1:]]
    found = analyse_sheet("名簿", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 40
    first = min(found.records, key=lambda r: r.row)
    assert first.row == 1 and first.fields["name"] == sender.name and first.fields["address"] == sender.address
    assert found.columns == {"name": ["氏名"], "address": ["住所"], "phone": ["電話"]}


def test_a_header_less_gift_list_pairs_each_recipient_with_his_own_address():
    """Header-less 依頼主 | 依頼主住所 | 届先 | 届先住所 | 電話: the recipients' names (distinct) were paired with the first
    address column, the sender's: 40 records, each a recipient at a stranger's address (person keys wrong). A name's
    address is the nearest address column to its right (then to its left). tables17: the sender beside his own address
    is a second person on each row (was not counted)."""
    rows: Rows = [[SENDERS[i // 4].name, SENDERS[i // 4].address, r.name, r.address, r.phone]
                  for i, r in enumerate(RECIPIENTS)]
    found = analyse_sheet("お中元", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(RECIPIENTS)
    assert {(r.fields["name"], r.fields["address"]) for r in found.records} == {
        (p.name, p.address) for p in (*RECIPIENTS, *SENDERS)}
    assert len(found.records) == 2 * len(RECIPIENTS)


def test_a_header_less_client_list_keeps_the_home_address_not_the_facilitys():
    """The other side: 住所 | 利用者名 | 事業所 | 事業所住所 (a facility's address right of the names, the same few values):
    the clients stay at their homes."""
    people = T.ja_people(40, seed=41)
    offices = [(p.city + "デイサービス", p.address) for p in T.ja_people(3, seed=42)]
    rows: Rows = [[p.address, p.name, offices[i % 3][0], offices[i % 3][1]] for i, p in enumerate(people)]
    found = analyse_sheet("利用者", iter(rows))
    assert found is not None and found.kind in (SheetKind.PERSONS, SheetKind.BUSINESS) and found.count == 40
    assert {(r.fields["name"], r.fields["address"]) for r in found.records} == {(p.name, p.address) for p in people}
