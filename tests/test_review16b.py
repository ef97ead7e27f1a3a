"""review16b: tables16's carrier/landlord rules against lists they were not tuned to (Faker ja_JP, fixed seeds).

Two persons written with numbered columns side by side (緊急連絡先氏名1 | 緊急連絡先氏名2 | 緊急連絡先住所1 | 緊急連絡先住所2),
or by person with a third number that has no name (緊急連絡先3電話), are two persons, not one person's lines; a firm
list under a role's 名称 (納品先名称, 請求先名称) holds no persons; a lease list (貸主 | 借主 | 物件住所) counts the tenant at
the property, not the landlord.
"""

from __future__ import annotations

import random

import pytest

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

Rows = list[list[object]]

_P = T.ja_people(120, seed=1601)
CLIENTS, FIRST, SECOND = _P[:30], _P[30:60], _P[60:90]


def _persons(rows: Rows) -> set[tuple[str, str]]:
    found = analyse_sheet("名簿", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS
    return {(r.fields["name"], r.fields.get("address", "")) for r in found.records}


def test_two_contacts_written_side_by_side_are_two_persons():
    """緊急連絡先氏名1 | 緊急連絡先氏名2 | 緊急連絡先住所1 | 緊急連絡先住所2: each number a contact with a whole address of
    his own; tables16 read the two as one contact's lines and dropped the second (30 of 90 persons lost)."""
    rows: Rows = [["利用者氏名", "住所", "電話", "緊急連絡先氏名1", "緊急連絡先氏名2", "緊急連絡先住所1", "緊急連絡先住所2",
                   "緊急連絡先電話1", "緊急連絡先電話2"]]
    rows += [[c.name, c.address, c.phone, a.name, b.name, a.address, b.address, a.phone, b.phone]
             for c, a, b in zip(CLIENTS, FIRST, SECOND, strict=True)]
    assert _persons(rows) == {(p.name, p.address) for p in CLIENTS + FIRST + SECOND}


def test_two_guardians_written_side_by_side_are_two_persons():
    """A school roster: 保護者氏名1 | 保護者氏名2 | 保護者住所1 | 保護者住所2 (parents at two homes)."""
    rows: Rows = [["生徒氏名", "住所", "保護者氏名1", "保護者氏名2", "保護者住所1", "保護者住所2", "保護者電話1", "保護者電話2"]]
    rows += [[k.name, k.address, d.name, m.name, d.address, m.address, d.phone, m.phone]
             for k, d, m in zip(CLIENTS, FIRST, SECOND, strict=True)]
    assert _persons(rows) == {(p.name, p.address) for p in CLIENTS + FIRST + SECOND}


def test_a_third_contacts_phone_without_a_name_does_not_merge_the_two_contacts():
    """緊急連絡先1氏名 | 緊急連絡先1住所 | … | 緊急連絡先2… | 緊急連絡先3電話: a number no name has, but no line of one
    field (the phones stand apart, one per contact): still two contacts (tables16 dropped the second)."""
    rows: Rows = [["利用者氏名", "住所", "緊急連絡先1氏名", "緊急連絡先1住所", "緊急連絡先1電話", "緊急連絡先2氏名",
                   "緊急連絡先2住所", "緊急連絡先2電話", "緊急連絡先3電話"]]
    rows += [[c.name, c.address, a.name, a.address, a.phone, b.name, b.address, b.phone, "090-1111-2222"]
             for c, a, b in zip(CLIENTS, FIRST, SECOND, strict=True)]
    assert _persons(rows) == {(p.name, p.address) for p in CLIENTS + FIRST + SECOND}


SHOPS = ["ローソン 大手町店", "イオン 幕張店", "スーパーいなげや 立川店", "さくら保育園", "みどり歯科", "喫茶 ポエム",
         "レストラン ボナペティ", "ひまわり薬局", "東洋物産 経理部", "丸井産業 総務部"]


def test_a_delivery_list_of_shops_under_a_roles_meisho_holds_no_persons():
    """納品先名称 | 納品先住所 (a wholesaler's delivery destinations): tables16 made a role's 名称 its person's name (for
    e飛伝III's お届け先名称), so shops, branches, nurseries, clinics and a firm's department became 21 persons (the
    values decide: these are no person's names)."""
    rows: Rows = [["納品先コード", "納品先名称", "納品先郵便番号", "納品先住所", "納品先電話"]]
    rows += [[f"N{i:03d}", SHOPS[i % len(SHOPS)], p.postcode, p.address, p.phone] for i, p in enumerate(_P[:30])]
    found = analyse_sheet("納品先", iter(rows))
    assert found is None or found.kind != SheetKind.PERSONS or not found.records


def test_people_named_like_places_stay_persons():
    """The other side: family names holding 部 or 園 (長谷部, 花園) and given names are still names."""
    people = [("長谷部 誠", _P[0]), ("花園 さくら", _P[1]), ("阿部 店子", _P[2])]
    rows: Rows = [["氏名", "住所", "電話"]] + [[n, p.address, p.phone] for n, p in people]
    rows += [[p.name, p.address, p.phone] for p in _P[3:20]]
    assert {n for n, _a in _persons(rows)} >= {"長谷部 誠", "花園 さくら"}


def test_a_lease_list_counts_the_tenant_at_the_property_not_the_landlord():
    """物件名 | 物件住所 | 貸主 | 借主 | 借主電話 (a letting agent's lease list): the tenant lives at the property. 借主 was
    no name word, so tables16's owner took the row's address and the tenant's phone: 40 landlord + property pairs
    under ``owner`` (10 landlords counted at 4 places each), the 40 tenants not counted."""
    tenants, landlords = _P[:40], _P[100:110]
    for landlord, tenant in (("貸主", "借主"), ("賃貸人", "賃借人")):
        rows: Rows = [["物件名", "物件住所", landlord, tenant, f"{tenant}電話", "賃料"]]
        rows += [[f"コーポ{i}", t.address, landlords[i % 10].name, t.name, t.phone, 60000] for i, t in enumerate(tenants)]
        found = analyse_sheet("賃貸", iter(rows))
        assert found is not None and found.kind == SheetKind.PERSONS
        got = {(r.role, r.fields["name"], r.fields.get("address")) for r in found.records}
        assert {g for g in got if g[0] != "owner"} == {("", t.name, t.address) for t in tenants}
        # the landlord is named (a name of the file, counted once by name), never at his tenant's home
        assert {g for g in got if g[0] == "owner"} == {("owner", p.name, None) for p in landlords}


@pytest.mark.parametrize("header", [["納税義務者氏名", "納税義務者住所", "資産所在地", "地番", "地目", "評価額"],
                                    ["納税義務者", "住所", "所在地", "地番", "地目", "地積"],
                                    ["氏名", "住所", "所在地", "地番", "地目", "地積"]], ids=lambda h: h[0])
def test_a_tax_ledger_counts_each_taxpayer_at_his_home_not_joined_to_the_lot(header):
    """A 固定資産 名寄帳 without the owner word: 納税義務者 | 住所 | 所在地 | 地番. The home (a whole address) and the lot
    (所在地 without a block number, then 地番) were joined into one address, each taxpayer then stood at four such
    addresses: a lead, the 20 taxpayers not counted (tables16 fixed only 所有者 | 所有者住所). A column that begins a
    new address (a prefecture or municipality) after a whole one is another address."""
    rnd = random.Random(3)
    owners, lots = _P[:20], _P[20:100]
    rows: Rows = [header] + [[owners[i // 4].name, owners[i // 4].address, lot.prefecture + lot.city + lot.town,
                              f"{rnd.randint(1, 999)}番{rnd.randint(1, 9)}", "宅地", rnd.randint(100, 900)]
                             for i, lot in enumerate(lots)]
    found = analyse_sheet("名寄帳", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(lots)
    assert {(r.fields["name"], r.fields["address"]) for r in found.records} == {(o.name, o.address) for o in owners}


def test_the_notification_list_says_an_owners_address_may_be_the_propertys(tmp_path):
    """persons --export (the list letters are sent from): an owner counted beside a property's address was labelled 所有者
    alone, while the report says the address may be the property's; a letter sent there misses the owner."""
    import openpyxl
    from conftest import run_leakscan

    from tests import pii_data as D

    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    rows: Rows = [["所有者", "物件所在地", "電話番号", "種別"]]
    rows += [[_P[100 + i % 5].name, p.prefecture + p.city + p.town + p.block, _P[100 + i % 5].phone, "アパート"]
             for i, p in enumerate(_P[:20])]
    (share / "物件.xlsx").write_bytes(D.xlsx_bytes({"物件": rows}))
    assert run_leakscan("scan", str(share), "--name", "物件.xlsx", "--out", str(out), "--quiet").returncode == 1
    target = tmp_path / "list.xlsx"
    proc = run_leakscan("persons", str(out), "--export", str(target), "--sources", str(share))
    assert proc.returncode == 0, proc.stderr
    sheet = openpyxl.load_workbook(target).worksheets[0]
    got = list(sheet.iter_rows(values_only=True))
    roles = {r[got[0].index("役割")] for r in got[1:]}
    assert roles == {"所有者（住所は物件の所在地のことあり。物件ごとに数える）"}


def test_every_role_has_the_reports_words_in_the_notification_list():
    """Every role of signatures/pii_columns.toml (世帯主, 勤務先 were shown as householder, work)."""
    import tomllib
    from pathlib import Path

    from reports.labels import label
    from scanner.commands.persons import role_label

    roles = tomllib.loads((Path(__file__).parent.parent / "signatures" / "pii_columns.toml").read_text("utf-8"))["role"]
    for role in ["person", *(r["name"] for r in roles)]:
        assert role_label(role) == label(f"pii_role_{role}", "ja") != ""


def test_a_header_less_household_list_keeps_each_member_at_home_beside_a_contacts_address():
    """Header-less 氏名 | 住所 | 電話 | 緊急連絡先 | 緊急連絡先住所 of a residents' list: households of one to three share
    their home (fewer homes than names), each member's contact lives elsewhere (as many addresses as names). tables16
    took the address column whose distinct values are nearest the names': every resident at his contact's address
    (39 wrong keys, letters to strangers). Names sharing an address and a family name are a household: that address is
    theirs. tables17: each contact beside her own address is a second person on the row."""
    rows: Rows = []
    truth = set()
    contacts = iter(T.ja_people(60, seed=1604))
    for h, home in enumerate(_P[:20]):
        for given in ("太郎", "花子", "一郎")[:1 + h % 3]:
            c = next(contacts)
            rows.append([f"{home.family} {given}", home.address, home.phone, c.name, c.address])
            truth |= {(f"{home.family} {given}", home.address), (c.name, c.address)}
    assert _persons(rows) == truth


def test_a_companys_meisho_stays_the_organisation_of_a_business_contact_list():
    """会社名称 | 氏名 | 住所 | 電話 (business cards, a client firm's contacts): tables16 read any role's 名称 as that role's
    name, so 会社名称 / 勤務先名称 became the work role's name (firm names, refused) and the organisation / employer column
    was lost: the list turned from business contacts into private persons."""
    from scanner.detectors.columns import read_header

    assert read_header("会社名称").field == "organisation" and read_header("勤務先名称").field == "employer"
    firms = ["さくら商事株式会社", "株式会社山田工務店", "丸井産業株式会社", "東洋物産株式会社"]
    rows: Rows = [["会社名称", "氏名", "住所", "電話"]] + [[firms[i % 4], p.name, p.address, p.phone]
                                                      for i, p in enumerate(_P[:40])]
    found = analyse_sheet("名刺", iter(rows))
    assert found is not None and found.kind == SheetKind.BUSINESS and found.columns["organisation"] == ["会社名称"]
