"""tables17: person tables as Japanese offices make them, and the leftovers of the real-table check (session 16).

Each layout is written the way such a list is kept (a care office's 利用者台帳 with a title block and 和暦 birth dates, a
町内会名簿 by 班, a 年賀状 list with 連名, a 顧客台帳 with the postal code in 3 + 4 cells and the address in four columns,
a member list under a merged two-row header, two lists on one sheet, a land registry extract, buildings and rooms under
joined headers) from Faker ja_JP with fixed seeds; every person must be found at his whole address. Header-less lists
whose names are staff at their workplaces (a sales log naming four managers beside two branches on 500 rows) count no
person; a list of members under a header-less stock list is found whole.
"""

from __future__ import annotations

import json
import random

import pytest

from scanner.codes import Rejection
from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

Rows = list[list[object]]

P = T.ja_people(400, seed=171)
PRODUCTS = ["ボールペン黒", "コピー用紙A4", "クリアファイル", "ホチキス針", "付箋75mm"]


def wareki(iso: str) -> str:
    """A birth date as offices type it in 和暦 (昭和15年3月2日)."""
    y, m, d = map(int, iso.split("-"))
    era, year = ("平成", y - 1988) if y >= 1989 else ("昭和", y - 1925) if y >= 1926 else ("大正", y - 1911)
    return f"{era}{year}年{m}月{d}日"


def street(p: T.JaPerson) -> str:
    return p.prefecture + p.city + p.town + p.block


# --- realistic layouts: (rows, people, the address each must have) --------------------------------------------------

def care_clients(ps: list[T.JaPerson]) -> Rows:
    """介護 利用者台帳: a title block, then No. | 利用者氏名 | フリガナ | 性別 | 生年月日 (和暦) | 要介護度 | 担当ケアマネ | 〒 | 住所."""
    rows: Rows = [["利用者台帳", "", "", "", "", "", "", "", "", ""],
                  ["令和6年4月1日現在", "", "", "", "", "", "", "", "", "さくら居宅介護支援事業所"], [],
                  ["No.", "利用者氏名", "フリガナ", "性別", "生年月日", "要介護度", "担当ケアマネ", "郵便番号", "住所", "電話番号"]]
    managers = ["佐藤 恵", "高橋 直子", "田中 勇"]
    rows += [[i, p.name, p.kana, p.sex, wareki(p.birth), f"要介護{i % 5 + 1}", managers[i % 3], p.postcode, p.address,
              p.phone] for i, p in enumerate(ps, 1)]
    return rows


def neighbourhood(ps: list[T.JaPerson]) -> Rows:
    """町内会 会員名簿: 班 | 世帯主 | ふりがな | 世帯人数 | 住所 | 電話番号 | 備考 (班長)."""
    rows: Rows = [["令和6年度 さくら町内会 会員名簿"], [], ["班", "世帯主", "ふりがな", "世帯人数", "住所", "電話番号", "備考"]]
    rows += [[f"{i // 8 + 1}班", p.name, p.kana, 1 + i % 5, street(p), p.phone, "班長" if i % 8 == 0 else ""]
             for i, p in enumerate(ps)]
    return rows


def new_year_cards(ps: list[T.JaPerson]) -> Rows:
    """年賀状 宛名: 氏名 | 連名1 | 連名2 | 敬称 | 郵便番号 | 住所1 | 住所2 (the building) | 会社名 | 役職."""
    rows: Rows = [["氏名", "連名1", "連名2", "敬称", "郵便番号", "住所1", "住所2", "会社名", "役職"]]
    rows += [[p.name, P[300 + i].given if i % 2 else "", P[350 + i].given if i % 5 == 0 else "", "様", p.postcode,
              street(p), p.building, "", ""] for i, p in enumerate(ps)]
    return rows


def customer_ledger(ps: list[T.JaPerson]) -> Rows:
    """顧客台帳: 〒 merged over 3 + 4 digit cells, the address in 都道府県 | 市区町村 | 番地 | 建物名, セイ | メイ."""
    rows: Rows = [["顧客番号", "氏名", "セイ", "メイ", "〒", "", "都道府県", "市区町村", "番地", "建物名", "TEL", "生年月日"]]
    rows += [[f"C{i:04d}", p.name, p.family_kana, p.given_kana, *p.postcode.split("-"), p.prefecture, p.city,
              p.town + p.block, p.building, p.phone, wareki(p.birth)] for i, p in enumerate(ps)]
    return rows


def merged_header(ps: list[T.JaPerson]) -> Rows:
    """A title block (会社名, 作成日, 作成者), then 氏名 merged over 姓 | 名 and 住所 over four part columns."""
    rows: Rows = [["株式会社サンプル 会員名簿", "", "", "", "", "", "", ""],
                  ["作成日", "2024/04/01", "", "作成者", "総務部", "", "", ""], [],
                  ["会員番号", "氏名", "", "住所", "", "", "", "電話番号"],
                  ["", "姓", "名", "都道府県", "市区町村", "番地", "建物名", ""]]
    rows += [[100 + i, p.family, p.given, p.prefecture, p.city, p.town + p.block, p.building, p.phone]
             for i, p in enumerate(ps)]
    return rows


def two_lists(ps: list[T.JaPerson]) -> Rows:
    """Two lists on one sheet: 正会員 (氏名 | 住所 | 電話), blank rows, 賛助会員 (会員名 | フリガナ | 郵便番号 | 所在地 | TEL)."""
    half = len(ps) // 2
    rows: Rows = [["■ 正会員"], ["氏名", "住所", "電話"], *([p.name, p.address, p.phone] for p in ps[:half]),
                  [], [], ["■ 賛助会員"], ["会員名", "フリガナ", "郵便番号", "所在地", "TEL"]]
    rows += [[p.name, p.kana, p.postcode, p.address, p.phone] for p in ps[half:]]
    return rows


def lot(i: int) -> str:
    return f"{i + 100}番{i % 7 + 1}"


def land_registry(ps: list[T.JaPerson]) -> Rows:
    """A 登記簿 extract: 所在 (the lot's town) | 地番 | 地目 | 地積 | 登記名義人."""
    return [["所在", "地番", "地目", "地積", "登記名義人"]] + [
        [p.prefecture + p.city + p.town, lot(i), "宅地", 120.5 + i, p.name] for i, p in enumerate(ps)]


def land_registry_with_home(ps: list[T.JaPerson]) -> Rows:
    """登記名義人 | 住所 (the holder's) | 所在 | 地番 | 地目: the holder at his own address, the lot no part of it."""
    return [["登記名義人", "住所", "所在", "地番", "地目"]] + [
        [p.name, p.address, P[200 + i].prefecture + P[200 + i].city + P[200 + i].town, lot(i), "宅地"]
        for i, p in enumerate(ps)]


def joined_building(header: str):
    def rows(ps: list[T.JaPerson]) -> Rows:
        return [["氏名", "郵便番号", "住所", header, "電話"]] + [[p.name, p.postcode, street(p), p.building, p.phone]
                                                        for p in ps]
    return rows


def block_and_room(ps: list[T.JaPerson]) -> Rows:
    """都道府県 | 市区町村 | 町名 | 番地・号 | ビル名・号室: 番地・号 was no header word, the list gave nothing."""
    return [["氏名", "都道府県", "市区町村", "町名", "番地・号", "ビル名・号室"]] + [
        [p.name, p.prefecture, p.city, p.town, p.block, p.building] for p in ps]


LAYOUTS = {
    "care-clients": (care_clients, lambda p, i: p.address),
    "neighbourhood": (neighbourhood, lambda p, i: street(p)),
    "new-year-cards": (new_year_cards, lambda p, i: p.address),
    "customer-ledger": (customer_ledger, lambda p, i: p.address),
    "merged-header": (merged_header, lambda p, i: p.address),
    "two-lists": (two_lists, lambda p, i: p.address),
    "land-registry": (land_registry, lambda p, i: p.prefecture + p.city + p.town + lot(i)),
    "land-registry-home": (land_registry_with_home, lambda p, i: p.address),
    "building-room": (joined_building("ビル名・号室"), lambda p, i: p.address),
    "property-room": (joined_building("物件名・号室"), lambda p, i: p.address),
    "block-and-room": (block_and_room, lambda p, i: p.address),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_person_of_an_office_layout_is_found_at_the_whole_address(layout):
    """Each row's person with the whole address (building and room included), no other record but 連名 members. Before:
    the building under ビル名・号室 / 物件名・号室 was cut off (27 of 40 addresses); 番地・号 gave no table; 所在 |
    登記名義人 was read header-less with its header row a person; the second list on a sheet was read in the first one's
    columns (its readings taken for addresses: 20 of 40 members at no address of theirs)."""
    make, address = LAYOUTS[layout]
    people = P[:40]
    found = analyse_sheet("名簿", iter(make(people)))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(people)
    got = {(r.fields["name"], r.fields["address"]) for r in found.records}
    want = {(p.name, address(p, i)) for i, p in enumerate(people)}
    if layout == "new-year-cards":  # 連名: a given name alone takes the row's family name, at the row's address
        want |= {(f"{p.family} {P[300 + i].given}", p.address) for i, p in enumerate(people) if i % 2} | {
            (f"{p.family} {P[350 + i].given}", p.address) for i, p in enumerate(people) if i % 5 == 0}
        assert len(found.records) == 40 + 20 + 8
    else:
        assert len(found.records) == len(people)
    assert got == want


def test_the_registry_holder_is_the_owner_role_and_the_care_manager_no_person():
    found = analyse_sheet("登記", iter(land_registry(P[:40])))
    assert found is not None and found.roles() == {"owner": 40}
    assert found.columns["owner.address"] == ["所在", "地番"]
    care = analyse_sheet("利用者", iter(care_clients(P[:40])))
    assert care is not None and "担当ケアマネ" not in json.dumps(care.columns, ensure_ascii=False)
    assert care.records[0].fields["birth"] == P[0].birth  # 和暦 read as the date


def test_a_merged_cell_filled_into_both_header_rows_keeps_the_lower_row_a_header():
    """会員番号 and 電話番号 merged over both header rows: readers fill a merged range with its value, so the lower row
    (会員番号 | 姓 | 名 | 都道府県 | … | 電話番号) held a word that is none of ours and was read as data: a person named
    "姓 名" at "都道府県市区町村番地建物名" (41 of 40)."""
    rows = merged_header(P[:40])
    rows[4][0], rows[4][7] = rows[3][0], rows[3][7]
    found = analyse_sheet("会員", iter(rows))
    assert found is not None and found.header_row == 5 and found.count == 40
    assert {(r.fields["name"], r.fields["address"]) for r in found.records} == {(p.name, p.address) for p in P[:40]}


def _merged_workbook(ps: list[T.JaPerson]) -> bytes:
    """merged_header's list saved by Excel with its merged cells (title, 氏名 over 姓 | 名, 住所 over four parts, 会員番号
    and 電話番号 over both header rows)."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "会員"
    for r in merged_header(ps):
        ws.append(r)
    for cells in ("A1:H1", "A4:A5", "B4:C4", "D4:G4", "H4:H5"):
        ws.merge_cells(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_second_list_keeps_its_own_rows_numbers_and_columns():
    found = analyse_sheet("会員", iter(two_lists(P[:40])))
    assert found is not None
    rows = sorted(r.row for r in found.records)
    assert rows == [*range(3, 23), *range(27, 47)]  # title, header, 20 rows, two blank rows, title, header, 20 rows
    assert found.columns["address"] == ["住所", "所在地"] and found.columns["reading"] == ["フリガナ"]


def _sales_log(rows: int = 500) -> Rows:
    """A header-less sales log: date | item | quantity | the manager (4 names) | the branch's address (2 branches)."""
    rnd = random.Random(3)
    branches, managers = [P[100].address, P[101].address], [p.name for p in P[102:106]]
    return [[f"2024/0{1 + i % 9}/{1 + i % 28:02d}", PRODUCTS[i % 5], rnd.randint(1, 50), managers[i % 4],
             branches[i % 2]] for i in range(rows)]


def test_a_header_less_log_of_managers_at_branches_counts_no_person():
    """Four managers named on 500 rows beside their two branches' addresses: 500 persons were counted (each row a
    manager at a branch). Names on many rows at an address that names of other families stand at on many rows too
    are staff at a workplace: no person; the log is a lead (name-elsewhere), never nothing."""
    found = analyse_sheet("売上", iter(_sales_log()))
    assert found is not None and found.kind == SheetKind.NAMES and found.records == []
    assert found.rejected == {Rejection.NAME_ELSEWHERE: 500}


def test_a_visit_log_of_clients_at_their_homes_still_counts_each_client():
    """The other side: clients named on many rows, each at his own home (the visits of a care office), stay persons."""
    clients = P[110:120]
    rows: Rows = [[f"2024/05/{1 + i % 28:02d}", "訪問介護", c.name, c.address, c.phone]
                  for i in range(200) for c in [clients[i % 10]]]
    found = analyse_sheet("訪問記録", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 200
    assert {(r.fields["name"], r.fields["address"]) for r in found.records} == {(c.name, c.address) for c in clients}


@pytest.mark.parametrize("stock_rows", [100, 600])
@pytest.mark.parametrize("with_staff", [False, True])
def test_a_header_less_member_list_under_a_stock_list_is_found_and_the_stock_is_no_person(stock_rows, with_staff):
    """A header-less stock list (code | item | count | place, or the staff and branch on every row), then 18 members:
    under 100 stock rows the members ended as nothing (the sample read as one table, no search below it); with staff
    names beside branch addresses the 600 stock rows were counted, the members not."""
    rnd = random.Random(5)
    branches, staff = [P[100].address, P[101].address], [p.name for p in P[102:105]]
    stock: Rows = [[f"A{i:05d}", PRODUCTS[i % 5], rnd.randint(1, 500), *([staff[i % 3], branches[i % 2]]
                                                                          if with_staff else [f"倉庫{i % 3}"])]
                   for i in range(stock_rows)]
    members = P[130:148]
    found = analyse_sheet("在庫", iter([*stock, [], *([p.name, p.address, p.phone] for p in members)]))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(members)
    assert {(r.fields["name"], r.fields["address"]) for r in found.records} == {(p.name, p.address) for p in members}


def test_two_adjacent_whole_addresses_without_a_header_are_two_places():
    """氏名 | 自宅 | 勤務先 | 電話 without a header: the two addresses were joined into one (home + work)."""
    people, work = P[150:190], P[190:230]
    rows: Rows = [[p.name, p.address, w.address, p.phone] for p, w in zip(people, work, strict=True)]
    found = analyse_sheet("連絡先", iter(rows))
    assert found is not None and found.count == len(people)
    assert {(r.fields["name"], r.fields["address"]) for r in found.records} == {(p.name, p.address) for p in people}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    from conftest import run_leakscan

    from tests import pii_data as D

    root = tmp_path_factory.mktemp("tables17")
    share = root / "share"
    share.mkdir()
    files = {
        "利用者台帳.xlsx": D.xlsx_bytes({"利用者": care_clients(P[:40])}),
        "会員名簿.xlsx": D.xlsx_bytes({"会員": two_lists(P[40:80])}),
        "登記.csv": D.csv_bytes(land_registry(P[80:100]), "cp932"),
        "住所録.csv": D.csv_bytes(joined_building("ビル名・号室")(P[150:190]), "cp932"),
        "会員台帳.xlsx": _merged_workbook(P[200:240]),
        "売上.csv": D.csv_bytes(_sales_log(), "cp932"),
        "在庫.csv": D.csv_bytes([*([f"A{i:05d}", PRODUCTS[i % 5], i % 50, f"倉庫{i % 3}"] for i in range(100)), [],
                                *([p.name, p.address, p.phone] for p in P[130:148])], "cp932"),
    }
    for name, data in files.items():
        (share / name).write_bytes(data)
    out = root / "out"
    proc = run_leakscan("scan", str(share), *(a for n in files for a in ("--name", n)), "--out", str(out), "--quiet")
    assert proc.returncode == 1, proc.stderr
    return out, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_through_the_cli_each_list_counts_its_persons_and_the_sales_log_none(scanned):
    out, doc = scanned
    files = {f["path"].rsplit("/", 1)[-1]: f for f in doc["files"]}
    records = {name: sum(s["records"] for s in f["pii"]["sheets"]) for name, f in files.items() if f.get("pii") and f["pii"]["sheets"]}
    assert records == {"利用者台帳.xlsx": 40, "会員名簿.xlsx": 40, "登記.csv": 20, "住所録.csv": 40, "在庫.csv": 18,
                       "会員台帳.xlsx": 40}
    lead = files["売上.csv"]["pii"]["leads"]
    assert len(lead) == 1 and lead[0]["rejected"] == {"name-elsewhere": 500}
    persons = doc["persons"]
    assert persons["unique"] == 40 + 40 + 20 + 40 + 18 + 40
    assert persons["roles"]["owner"] == 20
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "所有者（住所は物件の所在地のことあり。物件ごとに数える）" in report
    texts = report + (out / "findings.json").read_text(encoding="utf-8")
    for p in P[:240]:
        assert p.name not in texts and street(p) not in texts  # masked output only


def test_a_header_less_gift_list_counts_the_sender_beside_his_own_address():
    """依頼主 | 依頼主住所 | 届先 | 届先住所 | 電話 without a header: the recipients were counted, the senders (individuals,
    each beside his own address on his recipients' rows) not. A name column with a whole address of its own right of
    it is a second person on the row."""
    senders, recipients = P[240:250], P[250:290]
    rows: Rows = [[senders[i // 4].name, senders[i // 4].address, r.name, r.address, r.phone]
                  for i, r in enumerate(recipients)]
    found = analyse_sheet("お中元", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(recipients)
    assert {(r.fields["name"], r.fields["address"]) for r in found.records} == {
        (p.name, p.address) for p in (*senders, *recipients)}


@pytest.mark.parametrize("per", [2, 3])
def test_a_header_less_sender_beside_a_few_recipients_addresses_is_a_lead(per):
    """依頼主 | 届先住所 | 電話 (no recipient's name), two or three recipients a sender: each sender was counted at his
    recipients' homes (20 records at strangers' addresses); from four a sender it was a lead. Names each at several
    places only they stand at, on most rows, are no residents: a lead with the reason name-elsewhere."""
    senders, recipients = P[240:250], P[250:250 + 10 * per]
    rows: Rows = [[senders[i // per].name, r.address, r.phone] for i, r in enumerate(recipients)]
    found = analyse_sheet("依頼", iter(rows))
    assert found is not None and found.kind == SheetKind.NAMES and found.records == []
    assert found.rejected == {Rejection.NAME_ELSEWHERE: len(recipients)}


def test_the_same_people_twice_in_two_writings_and_a_few_movers_stay_persons():
    """The other side: a list joined from two sources (each person at 3-12-5 and at 3丁目12番5号) and a list where a few
    moved (two homes each) are persons at their homes."""
    people = P[290:320]

    def written(p: T.JaPerson) -> str:
        a, b, c = p.block.split("-")
        return p.prefecture + p.city + p.town + f"{a}丁目{b}番{c}号"

    found = analyse_sheet("名簿", iter([[p.name, street(p), p.phone] for p in people]
                                       + [[p.name, written(p), p.phone] for p in people]))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 60
    movers = [[p.name, P[330 + i].address, p.phone] for i, p in enumerate(people[:4])]
    found = analyse_sheet("名簿", iter([[p.name, p.address, p.phone] for p in people] + movers))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 34
