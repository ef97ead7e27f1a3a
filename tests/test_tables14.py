"""tables14: person tables of session 13's open list (closing note, "Tables").

Phones saved as numbers (Excel drops the leading 0: 312345678 for 03-1234-5678, 9012345678 for 090-1234-5678) or
written with dots, spaces, brackets or full-width digits count as phones under a phone header and in header-less
columns (values.looks_like_phone; header-less, digits only as number cells mixing fixed lines and mobiles: headerless
_lost_zero_phones), and were joined into the address beside them (an address part of 10 digits). Amounts, IDs,
postal codes and lot numbers stay none.

Values: Faker ja_JP with fixed seeds (tests/person_tables_data.py), random numbers of fixed seeds; never real data.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random

import pytest
from conftest import run_leakscan

from scanner.detectors import values as V
from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

Rows = list[list[object]]
PEOPLE = T.ja_people(40, seed=7)
_FULL = str.maketrans("0123456789-", "０１２３４５６７８９－")


def _written(phone: str, how: str) -> object:
    a, b, c = phone.split("-")
    return {"number": int(a + b + c), "float": float(a + b + c), "digits": str(int(a + b + c)),
            "dots": f"{a}.{b}.{c}", "spaces": f"{a} {b} {c}", "brackets": f"({a}){b}-{c}",
            "full-width": phone.translate(_FULL)}[how]


HOWS = ["number", "float", "digits", "dots", "spaces", "brackets", "full-width"]


def _list(how: str, header: bool, address: bool = True, ps: list[T.JaPerson] = PEOPLE) -> Rows:
    rows: Rows = [["氏名", "住所", "電話番号"] if address else ["氏名", "電話番号"]] if header else []
    rows += [[p.name, p.address, _written(p.phone, how)] if address else [p.name, _written(p.phone, how)] for p in ps]
    return rows


@pytest.mark.parametrize("address", [True, False], ids=["name address phone", "name phone"])
@pytest.mark.parametrize("header", [True, False], ids=["header", "header-less"])
@pytest.mark.parametrize("how", HOWS)
def test_phones_as_numbers_or_written_otherwise_are_phones(how, header, address):
    found = analyse_sheet("名簿", iter(_list(how, header, address)))
    if how == "digits" and not header:  # text digits without a header: as well codes of any kind (fix14a)
        assert found is None or not found.columns.get("phone"), found.columns
        assert not address or found is not None and found.rows[0][3] == PEOPLE[0].address
        return
    assert found is not None and found.count == len(PEOPLE)
    assert found.kind == (SheetKind.PERSONS if address else SheetKind.NAMES)
    assert found.columns.get("phone"), found.columns
    if address:  # the phone is no part of the address (a 10-digit "room" was joined to it header-less)
        assert found.rows[0][3] == PEOPLE[0].address
    if how in ("number", "float", "digits"):  # the 0 put back under a phone header; header-less as the file holds it
        assert found.rows[0][4] == PEOPLE[0].phone.replace("-", "")[0 if header else 1:]


@pytest.mark.parametrize("value", ["03.1234.5678",
                                   "090.1234.5678", "0467.22.1234", "０３．１２３４．５６７８", "03 1234 5678",
                                   "(03)1234-5678"])
def test_phone_values(value):
    assert V.looks_like_phone(value)


@pytest.mark.parametrize("value", ["312345678", "1234567890", "9001234567", "1000001", "100-0001", "0.1234567890",
                                   "2019.06.14", "10.0.19041", "3.14.1592", "010-00966-000", "123-45678-901",
                                   "0312345678.5", "901234567", "9012345678", "8012345678", "7012345678",
                                   "5012345678"])
def test_no_phone_values(value):
    """A number saved as a number is no phone by itself: 9 digits (a fixed line without its 0, an amount as well) or
    10 digits starting 90, 80, 70, 50 (a mobile without its 0, an order or member number as well: fix14a); 090-0 is no
    mobile number; postal codes, decimals, versions, dates and lot numbers are none."""
    assert not V.looks_like_phone(value)


def _beside_names(column: list[object]) -> Rows:
    return [[p.name, v] for p, v in zip(PEOPLE, column, strict=False)]


_RND = random.Random(14)
NUMBER_COLUMNS = {
    "amounts": [_RND.choice([_RND.randint(1000, 99999), _RND.randint(100_000_000, 999_999_999),
                             _RND.randint(1_000_000_000, 9_999_999_999)]) for _ in PEOPLE],
    "9-digit amounts": [_RND.randint(100_000_000, 999_999_999) for _ in PEOPLE],
    "10-digit IDs": [_RND.randint(1_000_000_000, 9_999_999_999) for _ in PEOPLE],
    "IDs numbered on": list(range(9_010_000_001, 9_010_000_001 + len(PEOPLE))),
    "postal codes": [int(p.postcode.replace("-", "")) for p in PEOPLE],
    "postal codes as text": [p.postcode.replace("-", "") for p in PEOPLE],
    "lot numbers": [f"010-{_RND.randint(0, 99999):05d}-000" for _ in PEOPLE],
    "versions": [f"{_RND.randint(1, 12)}.{_RND.randint(0, 9)}.{_RND.randint(1000, 9999)}" for _ in PEOPLE],
}


@pytest.mark.parametrize("kind", list(NUMBER_COLUMNS))
def test_names_beside_numbers_that_are_no_phones_are_no_leads(kind):
    found = analyse_sheet("一覧", iter(_beside_names(NUMBER_COLUMNS[kind])))
    assert found is None or not found.columns.get("phone"), (found.kind, found.columns)


@pytest.mark.parametrize("kind", ["amounts", "9-digit amounts", "10-digit IDs", "IDs numbered on"])
def test_numbers_beside_a_person_table_are_no_phones(kind):
    rows = [[p.name, p.address, v] for p, v in zip(PEOPLE, NUMBER_COLUMNS[kind], strict=False)]
    found = analyse_sheet("一覧", iter(rows))
    assert found is not None and found.count == len(PEOPLE)
    assert not found.columns.get("phone") and found.rows[0][3] == PEOPLE[0].address


def _xlsx(rows: Rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 4, 1, 9, 0, 0)
    ws = wb.active
    ws.title = "連絡網"
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_phones_saved_as_numbers_through_the_cli_with_a_damaged_copy(tmp_path):
    """A header-less 連絡網 (name | phone saved as a number) was nothing; with an address the phone was joined to it."""
    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    (share / "renrakumo.xlsx").write_bytes(_xlsx(_list("number", header=False, address=False)))
    (share / "jusho.xlsx").write_bytes(_xlsx(_list("number", header=False)))
    (share / "dots.csv").write_text("".join(f"{r[0]},{r[1]},{r[2]}\n" for r in _list("dots", header=False)),
                                    encoding="utf-8")
    data = (share / "dots.csv").read_bytes()
    (share / "dots_cut.csv").write_bytes(data[:len(data) // 2])
    run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    files = {f["path"].rsplit("/", 1)[-1]: f for f in doc["files"]}
    sheets = {n: [*f["pii"]["sheets"], *f["pii"].get("leads", [])][0] for n, f in files.items() if f.get("pii")}
    assert sheets["renrakumo.xlsx"]["kind"] == "names" and sheets["renrakumo.xlsx"]["records"] == len(PEOPLE)
    assert sheets["jusho.xlsx"]["kind"] == "persons" and sheets["jusho.xlsx"]["records"] == len(PEOPLE)
    assert sheets["dots.csv"]["records"] == len(PEOPLE)
    whole = data[:len(data) // 2].count(b"\n")
    assert whole <= sheets["dots_cut.csv"]["records"] <= whole + 1
    for s in sheets.values():
        assert "phone" in s["fields"], s


# --- a venue's name and address are no person (W3C csvw events-listing.csv: Location Name | Location Address) --------

def _events(en: bool) -> Rows:
    rnd = random.Random(32)
    if en:
        ps = T.en_people(30, seed=32)
        halls = ["Auditorium", "Music Hall", "Theatre", "Arena", "Ballroom"]
        rows: Rows = [["Name", "Start Date", "Location Name", "Location Address", "Ticket Url"]]
        rows += [[f"{p.first} {p.last}", f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}T19:30",
                  f"{p.last} {rnd.choice(halls)}", f"{p.street}, {p.city}, {p.state}",
                  f"https://tickets.example.com/{rnd.randint(1000, 9999)}"] for p in ps]
        return rows
    ps = T.ja_people(30, seed=32)
    rows = [["イベント名", "開催日", "会場名", "会場住所", "出演者"]]
    rows += [[f"{p.city}{rnd.choice(['音楽祭', '講演会', '朗読会'])}", f"2024/{rnd.randint(1, 12)}/{rnd.randint(1, 28)}",
              f"{p.city}{rnd.choice(['市民会館', '文化ホール', '公民館'])}", p.prefecture + p.city + p.town + p.block,
              p.name] for p in ps]
    return rows


@pytest.mark.parametrize("en", [True, False], ids=["Location Name", "会場名"])
def test_a_venues_name_and_address_are_no_person(en):
    found = analyse_sheet("events", iter(_events(en)))
    assert found is None or found.kind != SheetKind.PERSONS, (found.columns, found.rows[:2])


def test_a_person_list_beside_a_venue_list_through_the_cli(tmp_path):
    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    for en in (True, False):
        text = "".join(",".join(map(str, r)) + "\n" for r in _events(en))
        (share / f"events_{'en' if en else 'ja'}.csv").write_text(text, encoding="utf-8")
        (share / f"events_{'en' if en else 'ja'}_cut.csv").write_bytes(text.encode("utf-8")[:len(text) // 2])
    (share / "meibo.csv").write_text("".join(f"{r[0]},{r[1]},{r[2]}\n" for r in _list("brackets", header=True)),
                                     encoding="utf-8")
    run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    persons = {f["path"].rsplit("/", 1)[-1]: sum(s["records"] for s in f["pii"]["sheets"] if s["kind"] == "persons")
               for f in doc["files"] if f.get("pii")}
    assert {n: c for n, c in persons.items() if c} == {"meibo.csv": len(PEOPLE)}


# --- 担当者名 | 住所 and nothing else: a roster with the staff's homes, or each office's contact (staff12's rule) ------

OFFICES = ["本社", "大阪支店", "名古屋営業所", "福岡支社", "札幌事務所"]


def _staff_homes(ps: list[T.JaPerson] = PEOPLE) -> Rows:
    return [["担当者名", "住所"]] + [[p.name, p.address] for p in ps]


def _office_contacts(ps: list[T.JaPerson] = PEOPLE) -> Rows:
    rnd = random.Random(6)
    return [["担当者名", "住所"]] + [
        [p.name, f"{p.prefecture}{p.city}{p.town}{p.block} {p.city}{rnd.choice(['ビル', 'センタービル'])}{rnd.randint(2, 9)}階"
         if i % 3 else f"{p.prefecture}{p.city}{p.town}{p.block} {rnd.choice(OFFICES)}"] for i, p in enumerate(ps)]


def test_staff_with_their_home_addresses_and_nothing_else_are_persons():
    found = analyse_sheet("担当者", iter(_staff_homes()))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(PEOPLE)
    assert found.rows[0][2:4] == (PEOPLE[0].name, PEOPLE[0].address)


@pytest.mark.parametrize("rows", [
    pytest.param(_office_contacts(), id="each office's contact at the office"),
    pytest.param([["担当者名", "住所"]] + [[PEOPLE[i % 4].name, p.address] for i, p in enumerate(PEOPLE)],
                 id="visits: the same four staff at the clients' addresses"),
    pytest.param([["担当者名", "住所"]] + [[p.name, f"{p.prefecture}{p.city}倉庫{i % 3 + 1}番棚"] for i, p in enumerate(PEOPLE)],
                 id="places of things, no house numbers"),
    pytest.param([["担当者名", "住所"]] + [[p.name, "東京都新宿区西新宿2-8-1 新宿ビル12階"] for p in PEOPLE],
                 id="one office address"),
])
def test_staff_beside_addresses_that_are_not_their_homes_stay_no_persons(rows):
    assert analyse_sheet("担当者", iter(rows)) is None


def test_staff_homes_and_office_contacts_through_the_cli_with_a_damaged_copy(tmp_path):
    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    (share / "tantou_jitaku.xlsx").write_bytes(_xlsx(_staff_homes()))
    (share / "tantou_office.xlsx").write_bytes(_xlsx(_office_contacts()))
    data = _xlsx(_staff_homes())
    (share / "tantou_cut.xlsx").write_bytes(data[:len(data) * 3 // 4])
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    persons = {f["path"].rsplit("/", 1)[-1]: sum(s["records"] for s in f["pii"]["sheets"] if s["kind"] == "persons")
               for f in doc["files"] if f.get("pii")}
    assert persons.get("tantou_jitaku.xlsx") == len(PEOPLE)
    assert not persons.get("tantou_office.xlsx")
    # the cut workbook: its persons, or listed with a reason (never nothing)
    listed = [f for f in doc["files"] if f["path"].endswith("tantou_cut.xlsx")]
    assert persons.get("tantou_cut.xlsx") or listed or "tantou_cut.xlsx" in proc.stdout + json.dumps(doc), doc.keys()


# --- headers in other languages (NAVN | ADRESSE, Nombre | Dirección, 姓名 | 地址 | 电话) ---------------------------------

def _foreign(locale: str, header: list[str], n: int = 30) -> Rows:
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(5)
    return [header] + [[fake.name(), fake.address().replace("\n", ", "), fake.phone_number()][:len(header)]
                       for _ in range(n)]


FOREIGN = {"da_DK": ["NAVN", "ADRESSE", "TLF"], "no_NO": ["Navn", "Adresse", "Telefon"],
           "es_ES": ["Nombre", "Dirección", "Teléfono"], "it_IT": ["Nome", "Indirizzo", "Telefono"],
           "nl_NL": ["Naam", "Adres", "Telefoon"], "zh_CN": ["姓名", "地址", "电话"], "zh_TW": ["姓名", "住址", "電話"],
           "de_DE": ["Name", "Anschrift", "Telefon"], "fr_FR": ["Nom", "Adresse", "Téléphone"]}


@pytest.mark.parametrize("locale", list(FOREIGN))
def test_person_tables_with_headers_in_other_languages(locale):
    rows = _foreign(locale, FOREIGN[locale])
    found = analyse_sheet("s", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count >= len(rows) - 2
    assert set(found.columns) >= {"name", "address", "phone"}, found.columns


@pytest.mark.parametrize("rows", [
    pytest.param([["Navn", "Adresse", "Pris"]] + [[f"Vare {i}", f"Lager {i % 3}", i * 10] for i in range(30)],
                 id="Danish product names at stores"),
    pytest.param([["Brugernavn", "Adresse"]] + [[f"user{i}", f"10.0.0.{i}"] for i in range(30)],
                 id="user names and IP addresses"),
    pytest.param([["名称", "地址", "电话"]] + [[f"第{i}分公司", f"北京市朝阳区{i}号", f"010-6{i:03d}0000"] for i in range(30)],
                 id="company branches (名称)"),
])
def test_foreign_headers_over_values_that_are_no_persons(rows):
    found = analyse_sheet("s", iter(rows))
    assert found is None or found.kind != SheetKind.PERSONS, (found.columns, found.rows[:2])


def test_a_chinese_business_contact_list_is_business_contacts():
    """姓名 | 职务 | 单位 | 部门 | 地址 | 电话 (a bank's staff at their branches, as SheetJS apachepoi_22742 holds): the
    organisation and title columns make the rows business contacts, named by the 姓名 column (its channel names were
    the names before, 86 "persons")."""
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(22742)
    rows: Rows = [["渠道名称", "姓名", "职务", "单位", "部门", "地址", "电话"]]
    rows += [["上海分行", fake.name(), fake.job(), fake.company(), "营业部", fake.address(), fake.phone_number()]
             for _ in range(30)]
    found = analyse_sheet("s", iter(rows))
    assert found is not None and found.kind == SheetKind.BUSINESS and found.count == 30
    assert found.columns["name"] == ["姓名"] and found.columns["organisation"] == ["单位"]
