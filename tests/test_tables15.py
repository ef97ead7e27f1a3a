"""tables15: person-table leftovers of session 14 (review14a #5, #11 and the lists beside them).

Values: Faker ja_JP with fixed seeds (tests/person_tables_data.py), random numbers of fixed seeds; never real data.
"""

from __future__ import annotations

import json
import random

import pytest
from conftest import run_leakscan

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T
from tests.test_inv13 import ITEMS, PEOPLE, _inventory_rows

Rows = list[list[object]]

# --- names that are not the residents of the addresses (review14a #5, #11) -------------------------------------------

_BRANCHES = [(f"{p.prefecture}{p.city}{p.town}{p.block}", p.phone) for p in T.ja_people(8, seed=5)]
_MANAGERS = [p.name for p in T.ja_people(12, seed=3)]
_ASSET_HEADER: Rows = [["資産名", "資産番号", "数量", "設置場所", "連絡先", "管理者"]]


def _assets_with_branch_blocks(n: int, block: int) -> Rows:
    """An asset list (資産名 | 資産番号 | 数量 | 設置場所 | 連絡先 | 管理者): shelves at the head office, and every fifth
    block of ``block`` rows at one of 8 branch offices with the branch's phone, each row's manager one of 12 staff."""
    rnd = random.Random(n + block)
    rows: Rows = []
    for i in range(n):
        if (i // block) % 5 == 4:
            address, phone = rnd.choice(_BRANCHES)
            rows.append([f"{rnd.choice(ITEMS)} {rnd.randint(1, 999)}号機", f"A{rnd.randint(10000, 99999)}", 1, address,
                         phone, rnd.choice(_MANAGERS)])
        else:
            rows.append([rnd.choice(ITEMS), f"A{rnd.randint(10000, 99999)}", rnd.randint(1, 9),
                         f"本社倉庫{rnd.randint(1, 5)}番棚", "", rnd.choice(_MANAGERS)])
    return rows


def _assets_at_branches(n: int = 200) -> Rows:
    rnd = random.Random(5)
    return [[f"{rnd.choice(ITEMS)} {rnd.randint(1, 999)}号機", f"A{rnd.randint(10000, 99999)}", 1,
             *rnd.choice(_BRANCHES), rnd.choice(_MANAGERS)] for _ in range(n)]


def _no_persons(rows: Rows) -> bool:
    found = analyse_sheet("台帳", iter(rows))
    return found is None or found.kind not in (SheetKind.PERSONS, SheetKind.BUSINESS)


@pytest.mark.parametrize("header", [True, False], ids=["header", "no header"])
@pytest.mark.parametrize(("n", "block"), [(3000, 40), (3000, 200), (20000, 40)])
def test_an_asset_list_with_managers_at_branch_offices_gives_no_persons(n, block, header):
    """review14a #5: blocks of assets at 8 branch offices with the branch phone and one of 12 managers on each row
    read as 40-200 persons (the managers at the branches). A manager is listed at many branches, and a branch with many
    managers: nobody lives at his row's address."""
    rows = _assets_with_branch_blocks(n, block)
    assert _no_persons(_ASSET_HEADER + rows if header else rows)


@pytest.mark.parametrize("header", [True, False], ids=["header", "no header"])
def test_assets_all_at_branch_offices_give_no_persons(header):
    rows = _assets_at_branches()
    assert _no_persons([[h for h in _ASSET_HEADER[0] if h != "数量"]] + rows if header else rows)


_RENTAL_HEADER: Rows = [["品名", "型番", "数量", "設置先", "担当者名"]]
_RENTAL_STAFF = [p.name for p in T.ja_people(5, seed=8)]


def _rentals() -> Rows:
    """Rented items at 200 customers' houses, each row naming one of 5 staff (full names): no customer's name."""
    rnd = random.Random(4)
    return [[rnd.choice(ITEMS), f"AB-{rnd.randint(100, 999)}", 1, p.address, rnd.choice(_RENTAL_STAFF)] for p in PEOPLE]


@pytest.mark.parametrize("above", [0, 600, 900, 2000])
def test_rentals_at_customers_houses_with_the_staff_in_charge_give_no_persons(above):
    """review14a #11: 200 rentals below the shelves at customers' houses with 5 full-name staff were 200 persons (the
    staff at the customers' addresses)."""
    assert _no_persons(_RENTAL_HEADER + _inventory_rows(above, seed=3) + _rentals())
    assert _no_persons(_rentals())


# the lists that must still count: each person at his own address, whatever else the rows repeat

_CLIENTS = T.ja_people(200, seed=21)
_CARE_MANAGERS = [p.name for p in T.ja_people(5, seed=22)]


def _care_clients(layout: str) -> Rows:
    """A care office's client list: the elderly clients' name, reading, address and phone, and their care manager
    (one of 5: full names, on many rows)."""
    rnd = random.Random(3)
    rows = [[p.name, p.kana, p.address, p.phone, rnd.choice(_CARE_MANAGERS), f"要介護{rnd.randint(1, 5)}"]
            for p in _CLIENTS]
    header = ["利用者名", "フリガナ", "住所", "電話番号", "担当ケアマネ", "要介護度"]
    if layout.startswith("manager first"):
        rows = [[r[4], *r[:4], r[5]] for r in rows]
        header = [header[4], *header[:4], header[5]]
    return rows if layout.endswith("no header") else [header, *rows]


def _customers() -> Rows:
    return [["顧客名", "住所", "電話", "担当者"]] + [[p.name, p.address, p.phone, _CARE_MANAGERS[i % 3]]
                                             for i, p in enumerate(_CLIENTS)]


def _households() -> Rows:
    """Households of two to four at one address and phone."""
    rows: Rows = [["氏名", "住所", "電話"]]
    i = 0
    while i < len(_CLIENTS):
        home = _CLIENTS[i]
        for p in _CLIENTS[i:i + 2 + i % 3]:
            rows.append([p.name, home.address, home.phone])
        i += 2 + i % 3
    return rows


def _care_home() -> Rows:
    """A care home's residents: one address and phone for all."""
    return [["入居者名", "住所", "電話"]] + [[p.name, _CLIENTS[0].address, "03-1234-5678"] for p in _CLIENTS[:60]]


def _visits(layout: str) -> Rows:
    """A visit log: 20 clients, each visited on many days at home, by one of 5 staff."""
    rows = [[f"2024-{1 + i % 9:02d}-{10 + i % 9}", _CLIENTS[i % 20].name, _CLIENTS[i % 20].address,
             _CARE_MANAGERS[i % 5]] for i in range(200)]
    if layout.startswith("staff first"):
        rows = [[r[0], r[3], r[1], r[2]] for r in rows]
    return rows if layout.endswith("no header") else [["訪問日", "利用者名", "住所", "担当者"], *rows]


def _moves() -> Rows:
    """Families of three that moved: each member at the old and the new address (the same names at both)."""
    rows: Rows = [["氏名", "住所", "異動"]]
    for j in range(20):
        family, new = _CLIENTS[3 * j:3 * j + 3], _CLIENTS[100 + j].address
        rows += [[p.name, family[0].address, "転出"] for p in family] + [[p.name, new, "転入"] for p in family]
    return rows


def _family_names() -> Rows:
    """Family names and addresses only (表札: 佐藤 at many houses)."""
    return [["姓", "住所"]] + [[p.family, p.address] for p in T.ja_people(1000, seed=31)]


_LISTS = {
    "care clients": (lambda: _care_clients("header"), 200),
    "care clients, no header": (lambda: _care_clients("no header"), 200),
    "care clients, manager first": (lambda: _care_clients("manager first"), 200),
    "care clients, manager first, no header": (lambda: _care_clients("manager first, no header"), 200),
    "customers with their staff": (_customers, 200),
    "households": (_households, 200),
    "care home": (_care_home, 60),
    "visit log": (lambda: _visits("header"), 200),
    "visit log, no header": (lambda: _visits("no header"), 200),
    "visit log, staff first, no header": (lambda: _visits("staff first, no header"), 200),
    "families that moved": (_moves, 120),
    "family names": (_family_names, 1000),
}


@pytest.mark.parametrize("name", list(_LISTS))
def test_person_lists_whose_rows_repeat_names_or_addresses_still_count(name):
    """Lists of people at their homes beside the staff in charge of them (a care manager on many rows), households and
    care homes (many names at one address), visit logs (one person at one address on many rows), families that moved
    (each member at two addresses holding the same names), family names (佐藤 at many houses): persons, and the
    person's name is the client's, never the staff's."""
    rows, count = _LISTS[name]
    found = analyse_sheet("名簿", iter(rows()))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == count
    staff = set(_CARE_MANAGERS)
    assert not any(r.fields["name"] in staff for r in found.records)
    # nor is the staff's name read as a part of the address (a building): 住所 | 担当者 header-less
    assert not any(m in r.fields["address"] for r in found.records for m in staff)


def _xlsx(path, rows: Rows) -> None:
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 4, 1)
    wb.save(path)


def test_asset_and_care_lists_through_the_cli(tmp_path):
    """As an investigator finds them: the asset list and the rentals give no persons, the care client list (its care
    manager's column first, no header) its 200 clients."""
    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    _xlsx(share / "資産台帳.xlsx", _ASSET_HEADER + _assets_with_branch_blocks(3000, 200))
    _xlsx(share / "貸出.xlsx", _RENTAL_HEADER + _inventory_rows(900, seed=3) + _rentals())
    (share / "利用者.csv").write_text("".join(",".join(map(str, r)) + "\n"
                                            for r in _care_clients("manager first, no header")), encoding="utf-8")
    run_leakscan("scan", str(share), "--out", str(out))
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    persons = {f["path"].rsplit("/", 1)[-1]: sum(s["records"] for s in f["pii"]["sheets"] if s["kind"] == "persons")
               for f in doc["files"] if f.get("pii")}
    assert persons.get("資産台帳.xlsx", 0) == 0 and persons.get("貸出.xlsx", 0) == 0
    assert persons["利用者.csv"] == len(_CLIENTS)


# --- firms under a name header (review14a #10) --------------------------------------------------------------------------

def _french(what: str) -> Rows:
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(4)
    make = fake.company if what == "firms" else fake.name
    return [["Nom", "Adresse", "Téléphone"]] + [[make(), fake.address().replace("\n", ", "), fake.phone_number()]
                                                for _ in range(40)]


def test_french_firms_under_nom_adresse_telephone_give_no_persons():
    """Nom | Adresse | Téléphone over French firms (Clerc SARL, Louis S.A.S., Bailly Henry et Fils, and firms named
    after their founder alone: Voisin) were 40 persons: no legal form of French law was known."""
    assert _no_persons(_french("firms"))


def test_french_people_under_nom_adresse_telephone_still_count():
    found = analyse_sheet("clients", iter(_french("people")))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 40


def test_a_customer_list_mixing_firms_and_people_counts_its_people():
    """A customer list whose name column holds firms (株式会社…, … S.A.R.L., Acme Inc.) between people: each firm's row
    is refused, the people counted."""
    people = _CLIENTS[:30]
    firms = ["株式会社中村商事", "山田建設株式会社", "(有)佐藤水産", "Clerc S.A.R.L.", "Robin Mercier SA", "Acme Inc.",
             "Dupont et Fils", "Vogel GmbH", "Rossi S.p.A.", "Jansen B.V."]
    rows: Rows = [["顧客名", "住所", "電話"]]
    for i, p in enumerate(people):
        rows.append([p.name, p.address, p.phone])
        if i % 3 == 0:
            f = _CLIENTS[100 + i]
            rows.append([firms[i // 3], f.address, f.phone])
    found = analyse_sheet("顧客", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(people)


# --- a label and its value in one cell above a list (review14a #6, fix14a's leftover) -----------------------------------

_MEMBERS = T.ja_people(40, seed=7)


@pytest.mark.parametrize("above", [["顧客一覧", "担当者：山田", "住所"], ["顧客一覧", "担当者: 山田 太郎"],
                                   ["名簿", "作成者：鈴木 花子", "TEL:03-1234-5678"]],
                         ids=["staff surname", "staff full name", "author and phone"])
def test_a_label_and_its_value_in_one_cell_above_a_list_bars_no_column(above):
    """`顧客一覧 | 担当者：山田 | 住所` above a header-less list: the cell 担当者：山田 was read as a staff header (a roster's
    担当者名 | 住所 header, and a staff column barring the addresses below it): 40 names without addresses."""
    rows = [above] + [[p.name, p.address, p.phone] for p in _MEMBERS]
    found = analyse_sheet("顧客", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(_MEMBERS)


def test_a_header_with_a_note_after_its_colon_is_still_a_header():
    rows = [["氏名", "住所：番地まで", "電話番号：ハイフンなし"]] + [[p.name, p.address, p.phone.replace("-", "")]
                                                          for p in _MEMBERS]
    found = analyse_sheet("名簿", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(_MEMBERS)
    assert found.header_row == 1


def test_things_beside_a_staff_label_with_its_value_stay_no_persons():
    """品名 | 保管場所 under a line naming the staff in charge (担当者：高橋): an inventory still."""
    rows: Rows = [["備品台帳", "担当者：高橋 一郎"], ["品名", "型番", "数量", "保管場所", "担当者名"],
                  *_inventory_rows(300, seed=3)]
    assert _no_persons(rows)


# --- SQLite: deleted raw contacts are said (review14e #11) ---------------------------------------------------------------

def test_deleted_contacts_of_an_android_contacts_database_are_counted_and_said(tmp_path):
    """contacts2.db: raw contacts marked deleted on the phone (raw_contacts.deleted = 1) keep their data rows until
    the account syncs; they were joined and counted like the others without a word. Still counted (the data is in the
    file), and the file says how many (`sqlite-contacts-deleted`); a database without deleted contacts says nothing."""
    import sqlite3

    from test_bigsheet14 import _code, _contacts2, _scan

    share = tmp_path / "share"
    share.mkdir()
    _contacts2(share / "contacts2.db", 40)
    _contacts2(share / "kept.db", 40)
    con = sqlite3.connect(share / "contacts2.db")
    con.execute("UPDATE raw_contacts SET deleted = 1 WHERE _id % 4 = 0")
    con.commit()
    con.close()
    got = _scan(share, tmp_path)
    assert (got["contacts2.db"]["status"], got["contacts2.db"]["records"]) == ("ok", 40), got["contacts2.db"]
    assert _code(got["contacts2.db"], "sqlite-contacts-deleted").get("n") == 10, got["contacts2.db"]
    assert got["kept.db"]["records"] == 40 and not _code(got["kept.db"], "sqlite-contacts-deleted"), got["kept.db"]


# --- a headed list with an inventory's rows right under it (review14e #12) --------------------------------------------

@pytest.mark.parametrize("blank", [True, False], ids=["blank row between", "directly under"])
def test_a_person_list_with_an_inventory_typed_in_its_columns_below_counts_its_people(blank):
    """氏名 | フリガナ | 住所 | 電話番号 | 生年月日, 40 members, then 700 rows of an inventory typed in the same columns
    (ホワイトボード under 氏名, 本社倉庫3番棚 under 住所): the inventory's rows read as 740 persons (700 false). Each item
    stands at many places (a name at many addresses: no resident); the members at homes of their own are counted and
    the inventory's rows refused as `name-elsewhere`."""
    from test_review14e import person_rows

    people = person_rows(40, 2026144)
    items = ["ホワイトボード", "プロジェクター", "ノートPC", "モニター", "キャビネット"]
    inventory: Rows = [[items[i % 5], "AB-1", f"本社倉庫{i % 9 + 1}番棚", i % 50 + 1, ""] for i in range(700)]
    found = analyse_sheet("名簿", iter([*people, *([[]] if blank else []), *inventory]))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 40
    assert found.rejected.get("name-elsewhere") == 700


def test_damaged_copies_of_a_contacts_database_with_deleted_contacts_end_as_records_or_a_reason(tmp_path):
    """Cut at many offsets and flipped at many seeds, the contacts database whose deleted contacts are counted ends as
    records or a listed reason (a ReadError, damage said), never as nothing, and never raises anything else. Flips
    land past the first page: a flip in the schema's text there can rename a column (raw_contact_id) while the
    database stays valid for SQLite (integrity_check ok), which no reader can tell from a database made so (pre-existing,
    noted in NOTES-tables15)."""
    import sqlite3

    from test_bigsheet14 import _contacts2

    from scanner.errors import ReadError
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps

    path = tmp_path / "contacts2.db"
    _contacts2(path, 40)
    con = sqlite3.connect(path)
    con.execute("UPDATE raw_contacts SET deleted = 1 WHERE _id % 4 = 0")
    con.commit()
    con.close()
    data = path.read_bytes()
    rnd = random.Random(2026151)
    variants = [data[:cut] for cut in range(100, len(data), max(1, len(data) // 25))]
    for _ in range(40):
        flipped = bytearray(data)
        for _ in range(rnd.choice([1, 8, 64])):
            flipped[rnd.randrange(4096, len(data))] ^= 1 << rnd.randrange(8)
        variants.append(bytes(flipped))
    silent = 0
    for v in variants:
        try:
            findings, _, reading = analyse_bytes(v, "sqlite", Caps())
        except ReadError:
            continue
        if not sum(f.count for f in findings) and not reading.damage:
            silent += 1
    assert silent == 0
