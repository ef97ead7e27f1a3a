"""tables13: real person tables that were missed or misread (session 13).

- Split name columns with a role or qualifier before the part (担当者(姓) | 担当者(名), 利用者 姓 | 利用者 名,
  氏名(漢字)姓 | 氏名(漢字)名, フリガナ(セイ) | フリガナ(メイ)) are one name, as 姓 | 名 already was.
- A staff roster with a workplace column (担当者名 | 事業所 | 住所 | 電話) is decided by its values: a few offices shared
  by many staff at distinct house addresses is a roster; the offices' own addresses repeated are not.
- 介護ソフト exports (利用者コード, 被保険者番号, 要介護度, split 住所1-3, 電話番号1/2, 緊急連絡先): every client once
  with the whole address; the emergency contact never the row's own person.
- A phone must fit the Japanese numbering plan (parcel numbers 010-00966-000 are none); a US state alone is no address.
- A header-less comma CSV whose cells hold semicolon lists keeps its records.

Values: Faker ja_JP with fixed seeds (tests/person_tables_data.py); never real data. Layout headers of the care
software exports are approximated from public manuals (the vendors publish no full column list): CARE KARTE's
利用者情報登録 sheet (利用者番号, 氏名 split, フリガナ split, 住所 split), カイポケ / ほのぼの style 利用者一覧 CSVs.
"""

from __future__ import annotations

import json
import random

import pytest
from conftest import run_leakscan
from jp_exports10_data import csv_bytes, half_kana, scan_and_export, wareki, xlsx_bytes

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

Rows = list[list[object]]

PEOPLE = list({p.name_unspaced: p for p in T.ja_people(48, seed=1313)}.values())[:40]  # distinct names (export by name)
OFFICES = ["ひまわり訪問介護事業所", "さくらデイサービスセンター", "あおば居宅介護支援事業所"]


def _truth(ps: list[T.JaPerson]) -> set[tuple[str, str]]:
    return {(p.name_unspaced, p.address) for p in ps}


def _persons(out) -> dict[str, int]:
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {f["path"].rsplit("/", 1)[-1]: sum(s["records"] for s in f["pii"]["sheets"] if s["kind"] == "persons")
            for f in doc["files"] if f.get("pii")}


# --- split names with a role or a qualifier before the part ----------------------------------------------------------

def split_staff(ps: list[T.JaPerson] = PEOPLE) -> Rows:
    return [["担当者(姓)", "担当者(名)", "担当者(セイ)", "担当者(メイ)", "住所", "電話"]] + [
        [p.family, p.given, p.family_kana, p.given_kana, p.address, p.phone] for p in ps]


def split_users(ps: list[T.JaPerson] = PEOPLE) -> Rows:
    return [["利用者 姓", "利用者 名", "郵便番号", "住所"]] + [[p.family, p.given, p.postcode, p.address] for p in ps]


def split_qualified(ps: list[T.JaPerson] = PEOPLE) -> Rows:
    return [["氏名(漢字)姓", "氏名(漢字)名", "フリガナ(セイ)", "フリガナ(メイ)", "住所", "電話番号"]] + [
        [p.family, p.given, p.family_kana, p.given_kana, p.address, p.phone] for p in ps]


def office_roster(ps: list[T.JaPerson] = PEOPLE, offices_at: list[str] | None = None, office: str = "事業所") -> Rows:
    """担当者名 | 事業所 | 住所 | 電話: each employee's office (three offices) and home address (or, with ``offices_at``,
    the office's own address on every row of it)."""
    return [["担当者名", office, "住所", "電話"]] + [
        [p.name, OFFICES[i % 3], offices_at[i % 3] if offices_at else p.address, p.phone] for i, p in enumerate(ps)]


def office_name_roster() -> Rows:
    return office_roster(office="所属事業所名")  # an organisation word (事業所名): our own offices all the same


@pytest.mark.parametrize("make", [split_staff, split_users, split_qualified, office_roster, office_name_roster])
def test_split_and_role_prefixed_name_columns_make_one_name(make):
    found = analyse_sheet("名簿", iter(make()))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(PEOPLE)
    names = {r.fields["name"].replace(" ", "") for r in found.records if not r.role}
    assert names == {p.name_unspaced for p in PEOPLE}  # the whole name: 姓 alone made every 佐藤 one person


@pytest.mark.parametrize("rows", [
    pytest.param(office_roster(offices_at=[p.address for p in PEOPLE[:3]]), id="the offices' own addresses"),
    pytest.param([["施設名", "担当者名", "住所", "電話"]] + [[f"{p.family}ケアセンター", p.name, p.address, p.phone]
                                                      for p in PEOPLE], id="a list of facilities, one per row"),
    pytest.param([["担当者名", "事業所", "住所", "電話"]] + [[p.name, ["株式会社あおば", "有限会社ひかり"][i % 2], p.address, p.phone]
                                                      for i, p in enumerate(PEOPLE)], id="client companies"),
    pytest.param([["担当者(姓)", "担当者(名)", "品名", "住所", "電話"]] + [[p.family, p.given, "車椅子", p.address, p.phone]
                                                               for p in PEOPLE], id="a split staff name beside a thing"),
])
def test_staff_columns_beside_places_of_others_stay_no_person_table(rows):
    found = analyse_sheet("一覧", iter(rows))
    assert found is None or found.kind != SheetKind.PERSONS


def test_split_name_rosters_through_the_cli_with_a_damaged_copy(tmp_path):
    """Through the CLI and the notification list: every person once, whole name, whole address. A copy cut in the
    middle of a row ends with the rows before the cut, never as nothing."""
    rows = split_staff()
    whole = csv_bytes(rows)
    files = {"担当者名簿.csv": whole, "利用者名簿.xlsx": xlsx_bytes(split_qualified()), "職員配置.csv": csv_bytes(office_roster()),
             "担当者名簿_cut.csv": whole[: len(whole) // 2]}
    found, export, _doc = scan_and_export(tmp_path, files)
    truth = _truth(PEOPLE)
    for name in ("担当者名簿.csv", "利用者名簿.xlsx", "職員配置.csv"):
        assert {(n, a) for n, (a, _) in export[name].items()} == truth, name
    cut = export["担当者名簿_cut.csv"]
    whole_rows = {(n, a) for n, (a, _) in cut.items()} & truth
    assert 10 <= len(cut) < len(PEOPLE) and len(whole_rows) >= len(cut) - 1  # the row cut in two keeps what it holds
    assert found["担当者名簿_cut.csv"]["pii"]["sheets"][0]["kind"] == "persons"


# --- care-software exports: split addresses, two phones, an emergency contact ------------------------------------------

CLIENTS = list({p.name_unspaced: p for p in T.ja_people(30, seed=1330)}.values())[:24]
CONTACTS = [c for c in T.ja_people(40, seed=1331) if c.name_unspaced not in {p.name_unspaced for p in CLIENTS}][:24]


def _care_rows(vendor: str) -> Rows:
    rnd = random.Random(vendor)
    if vendor == "karte":  # CARE KARTE 利用者情報登録 style: numbered, split name, reading and address
        head = ["利用者番号", "氏名(姓)", "氏名(名)", "フリガナ(セイ)", "フリガナ(メイ)", "生年月日", "性別", "郵便番号", "住所1", "住所2",
                "住所3", "電話番号1", "電話番号2", "被保険者番号", "要介護度", "緊急連絡先氏名", "緊急連絡先続柄", "緊急連絡先電話番号"]
        rows = [[f"{i:010d}", p.family, p.given, p.family_kana, p.given_kana, p.birth, p.sex, p.postcode,
                 p.prefecture + p.city, p.town + p.block, p.building, p.phone, f"090-{rnd.randint(1000, 9999)}-0000",
                 f"{1300000000 + i}", f"要介護{1 + i % 5}", c.name, "長男", c.phone]
                for i, (p, c) in enumerate(zip(CLIENTS, CONTACTS, strict=False), 1)]
    elif vendor == "contacts":  # two numbered emergency contacts, the first with an address of its own
        head = ["利用者ID", "利用者名", "利用者名カナ", "性別", "生年月日", "被保険者番号", "要介護度", "郵便番号", "住所１", "住所２", "住所３",
                "自宅電話番号", "携帯電話番号", "緊急連絡先1 氏名", "緊急連絡先1 続柄", "緊急連絡先1 電話番号", "緊急連絡先1 住所",
                "緊急連絡先2 氏名", "緊急連絡先2 電話番号"]
        rows = [[i, p.name, p.kana, p.sex, p.birth, f"13{i:08d}", "要介護2", p.postcode, p.prefecture + p.city, p.town,
                 p.block + p.building, p.phone, "090-1111-2222", c.name, "長女", c.phone, c.address, CONTACTS[-i].name,
                 CONTACTS[-i].phone] for i, (p, c) in enumerate(zip(CLIENTS, CONTACTS, strict=False), 1)]
    elif vendor == "bracketed":  # 氏名（漢字） | 氏名（カナ）, 現住所1-3, TEL1/2, 緊急連絡先（氏名）
        head = ["No", "氏名（漢字）", "氏名（カナ）", "生年月日（和暦）", "性別", "〒", "現住所1", "現住所2", "現住所3", "TEL1", "TEL2",
                "緊急連絡先（氏名）", "緊急連絡先（続柄）", "緊急連絡先（TEL）", "介護度", "保険者番号", "被保険者番号"]
        rows = [[i, p.name, half_kana(p.kana), wareki(p.birth), p.sex, p.postcode, p.prefecture, p.city + p.town,
                 p.block + p.building, p.phone, "", c.name, "妻", c.phone, "要介護1", "131001", f"13{i:08d}"]
                for i, (p, c) in enumerate(zip(CLIENTS, CONTACTS, strict=False), 1)]
    else:  # カイポケ / ほのぼの style 利用者一覧: code, whole name, half-width kana, 和暦, address in three parts
        head = ["利用者コード", "被保険者番号", "氏名", "ﾌﾘｶﾞﾅ", "生年月日", "性別", "要介護度", "郵便番号", "住所１", "住所２", "住所３",
                "電話番号１", "電話番号２", "緊急連絡先", "緊急連絡先電話番号", "担当ケアマネ"]
        rows = [[f"U{i:05d}", f"{1300000000 + i}", p.name, half_kana(p.kana), wareki(p.birth), p.sex, f"要支援{1 + i % 2}",
                 p.postcode, p.prefecture, p.city + p.town, p.block + p.building, p.phone, "", c.name, c.phone,
                 OFFICES[i % 3][:4] + "太郎"] for i, (p, c) in enumerate(zip(CLIENTS, CONTACTS, strict=False), 1)]
    return [head, *rows]


@pytest.mark.parametrize("vendor", ["karte", "ichiran", "contacts", "bracketed"])
def test_care_software_exports_count_each_client_once_with_the_whole_address(vendor):
    found = analyse_sheet("利用者", iter(_care_rows(vendor)))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(CLIENTS)
    own = [(r.fields["name"].replace(" ", ""), r.fields["address"].replace(" ", "")) for r in found.records if not r.role]
    assert sorted(own) == sorted(_truth(CLIENTS))  # once each, 住所1 + 住所2 + 住所3 joined; no contact is the row's person
    contacts = [r for r in found.records if r.role]
    assert {r.fields["name"].replace(" ", "") for r in contacts} <= {c.name_unspaced for c in CONTACTS}
    homes = {c.name_unspaced: c.address for c in CONTACTS}
    for r in contacts:  # a contact at its own address or none, never the client's or another contact's
        assert r.fields.get("address") in (None, "", homes[r.fields["name"].replace(" ", "")])


def test_care_software_exports_through_the_cli_with_damaged_copies(tmp_path):
    karte = csv_bytes(_care_rows("karte"))
    files = {"利用者情報.csv": karte, "利用者一覧.xlsx": xlsx_bytes(_care_rows("ichiran")),
             "利用者情報_flipped.csv": bytes(b ^ 0xFF if i % 997 == 500 else b for i, b in enumerate(karte))}
    found, export, _doc = scan_and_export(tmp_path, files)
    clients = {p.name_unspaced for p in CLIENTS}
    for name in ("利用者情報.csv", "利用者一覧.xlsx"):
        got = export[name]
        assert {(n, a) for n, (a, _) in got.items() if n in clients} == _truth(CLIENTS), name
        contacts = {n: a for n, (a, _) in got.items() if n not in clients}  # persons of their own, never at the client's
        assert set(contacts) <= {c.name_unspaced for c in CONTACTS}
        assert not {a for a in contacts.values()} & {p.address for p in CLIENTS}
    flipped = found["利用者情報_flipped.csv"]  # a few bytes flipped: records or a listed reason, never nothing
    assert flipped.get("pii") and flipped["pii"]["records"] >= len(CLIENTS) - 4


# --- values that are no phone, places that are no address, lists inside a cell --------------------------------------------

@pytest.mark.parametrize("value", ["010-00966-000", "010-02210-000", "74-8281-8035", "123-45678-901"])
def test_parcel_and_code_numbers_are_no_phones(value):
    from scanner.detectors.headerless import _phone_like
    assert not _phone_like(value)


@pytest.mark.parametrize("value", ["03-1234-5678", "090-1234-5678", "0123-45-6789", "+81-90-1234-5678", "504-621-8927"])
def test_phones_of_a_numbering_plan_stay_phones(value):
    from scanner.detectors.headerless import _phone_like
    assert _phone_like(value)


def _parcels(ps: list[T.JaPerson]) -> Rows:
    rnd = random.Random(45290)
    return [[p.roman.upper(), f"010-{rnd.randint(0, 99999):05d}-000", f"LOT {rnd.randint(1, 300)} SEC {rnd.randint(1, 20)}"]
            for p in ps]


def test_names_beside_parcel_numbers_and_states_are_no_leads_through_the_cli(tmp_path):
    """A tax-auction list (owner | parcel number | lot) read its parcels as phones (a names lead, POI 45290.xls); names
    with their home state only (POI 49325.xlsx) were persons with addresses. Beside them a real list stays found."""
    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    (share / "parcels.csv").write_bytes(csv_bytes(_parcels(PEOPLE), "utf-8"))
    en = T.en_people(20, seed=49325)
    states = ["Indiana", "Texas", "CA", "New York", "Ohio"]
    (share / "states.csv").write_bytes(csv_bytes([["Name", "State"]] + [[f"{p.first} {p.last}", states[i % 5]]
                                                                          for i, p in enumerate(en)], "utf-8"))
    (share / "homes.csv").write_bytes(csv_bytes([["Name", "Address", "City", "State"]] + [
        [f"{p.first} {p.last}", p.street, p.city, p.state] for p in en], "utf-8"))
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    pii = {f["path"].rsplit("/", 1)[-1]: f["pii"] for f in doc["files"] if f.get("pii")}
    assert "parcels.csv" not in pii and "states.csv" not in pii, pii.keys()
    assert pii["homes.csv"]["records"] == 20


def test_a_headerless_comma_csv_with_semicolon_lists_through_the_cli(tmp_path):
    """review12a #4 through the CLI, with the list field in the middle and a copy cut short."""
    text = "\r\n".join(",".join([p.name, f"{i % 7};{i % 5};{i % 3};A;B;C;D;E;F", p.address, p.phone])
                       for i, p in enumerate(PEOPLE)).encode("utf-8")
    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    (share / "list.csv").write_bytes(text)
    (share / "list_cut.csv").write_bytes(text[: len(text) * 2 // 3])
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert _persons(out)["list.csv"] == len(PEOPLE) and _persons(out)["list_cut.csv"] >= len(PEOPLE) // 2


# --- a header under a long preamble, a small table between a list's rows ----------------------------------------------

def _preamble(lines: int) -> Rows:
    return [["会員名簿 (2024年度)"], ["作成: 総務課"], []] + [[f"注意事項 {i}: 取扱注意"] if i % 3 else [] for i in range(lines)]


def _western(n: int = 40) -> tuple[Rows, int]:
    en = T.en_people(n, seed=1340)
    return [["First Name", "Last Name", "Address", "City", "State", "Zip", "Phone"]] + [
        [p.first, p.last, p.street, p.city, p.state, p.zip, p.phone] for p in en], n


def _japanese(n: int = 40) -> tuple[Rows, int]:
    return [["氏名", "フリガナ", "住所", "電話番号"]] + [[p.name, p.kana, p.address, p.phone] for p in PEOPLE[:n]], n


@pytest.mark.parametrize("lines", [130, 400])
@pytest.mark.parametrize("table", [_western, _japanese])
def test_a_header_below_a_long_preamble_is_found(table, lines):
    """Title, notes and blank lines over the list: a header past row 100 inside the sample (520 rows) was never looked
    for (the sheet ended inside its sample: no later search either) and the list ended clean."""
    rows, n = table()
    found = analyse_sheet("", iter(_preamble(lines) + rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == n
    assert found.header_row == lines + 4


def test_a_long_preamble_over_a_list_through_the_cli_with_a_cut_copy(tmp_path):
    rows, n = _western()
    data = csv_bytes(_preamble(200) + rows, "utf-8")
    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    (share / "members.csv").write_bytes(data)
    (share / "members_cut.csv").write_bytes(data[: len(data) - len(data) // 4])
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    persons = _persons(out)
    assert persons["members.csv"] == n and 10 <= persons["members_cut.csv"] < n  # the rows before the cut


@pytest.mark.parametrize("size", [3, 5, 7])
@pytest.mark.parametrize("at", [601, 605, 650])
def test_a_small_table_between_an_inventorys_rows_is_found_alone(size, at):
    """A header-less table of 3-7 rows inside an inventory: looked at only every 8th row it was missed; found, the
    inventory's rows below it were read on as its rows (its 担当者名 at its 保管場所: 296 false persons)."""
    from tests import pii_data as P

    inv = P.inventory(P.people(900, seed=5))
    table = [[p.name, p.kana, p.address, p.phone] for p in PEOPLE[:size]]
    found = analyse_sheet("一覧", iter(inv[:at] + table + inv[at:]))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == size
    assert [r.row for r in found.records] == list(range(at + 1, at + size + 1))


def test_a_small_window_of_one_shared_value_is_no_names_lead():
    """Seen every third row, small windows inside a long list (a gas distributor table, SheetJS ex45698-22488) became
    names leads: its towns beside the one distributor e-mail, or ZONE NORD on every row beside it. A lead window whose
    names, or whose every other value, are one value on every row is the list's labels (pii._one_value_for_all, which
    _another_list asks of each window it tries)."""
    from scanner.detectors.pii import _one_value_for_all

    en = T.en_people(4, seed=45698)
    towns = [[p.city.upper(), "", "grd@gaz-example.com"] for p in en]
    zones = [["ZONE NORD", "", p.email] for p in en]
    people = [[f"{p.first} {p.last}", "", p.email] for p in en]
    for rows, shared in ((towns, True), (zones, True), (people, False)):
        trial = analyse_sheet("s", iter(rows), later=False)
        assert trial is not None and trial.kind == SheetKind.NAMES and _one_value_for_all(trial) is shared


@pytest.mark.parametrize("table", [_western, _japanese])
def test_rows_above_a_header_sorted_in_among_them_are_counted(table):
    """A copy whose rows were sorted with the header among them (header at row 10): the nine persons above it were
    lost. Rows above a one-row header that each hold a name and an address in its columns are its rows; a title or notes
    above it are not (the preamble tests above)."""
    rows, n = table()
    found = analyse_sheet("", iter(rows[1:10] + [rows[0]] + rows[10:]))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == n and found.header_row == 10
    assert [r.row for r in found.records][:10] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
