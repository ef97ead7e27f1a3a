"""fp11: lists that name our own staff (担当者名) or business contacts are no private persons (review11c #5).

1. An inventory under a title row (備品点検表 | 2024年度): the first row with two cells is the title, so the header
   below it (品名 | 数量 | 保管場所 | 担当者名 + 16 check columns) was not seen as a list of things; read header-less,
   the header row itself (担当者名 | 保管場所) and every row under it became "persons" (601 for 600 rows).
2. Business cards (会社名 | 氏名 | 会社住所 | 電話) header-less below a product list are business contacts.
Values: Faker ja_JP, fixed seeds (tests/pii_data.py); never real data.
"""

from __future__ import annotations

import json
import random

from conftest import run_leakscan

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import pii_data as P

Rows = list[list[object]]


def titled_inventory(n: int, checks: list[object] | None = None, title: bool = True) -> Rows:
    """品名 | 数量 | 保管場所 | 担当者名 + 16 check columns marked ○ / × / 3 / blank (tests/test_review11c.py)."""
    rnd = random.Random(11)
    ps = P.people(600, seed=5)
    rows: Rows = [["備品点検表", "", "", "2024年度"]] if title else []
    rows.append(["品名", "数量", "保管場所", "担当者名", *(checks or [f"項目{i}" for i in range(1, 17)])])
    for i in range(n):
        p = ps[i % len(ps)]
        rows.append([["車椅子", "歩行器", "介護ベッド"][i % 3], rnd.choice([i % 9 + 1, f"{i % 9 + 1}台"]),
                     f"{p.address[:6]}倉庫{i % 3 + 1}番棚", p.name, *(rnd.choice(["", "○", "×", "3"]) for _ in range(16))])
    return rows


def business_cards_below_products() -> Rows:
    ps = P.people(100, seed=5)
    return P.product_list(800) + [[f"株式会社{p.name[:2]}商事", p.name, p.address, p.phone] for p in ps]


def test_an_inventory_under_a_title_row_is_no_person_table():
    assert analyse_sheet("一覧", iter(titled_inventory(600))) is None


def test_an_inventory_whose_check_columns_have_no_header_is_no_person_table():
    """The check columns unnamed: its rows' shapes (checks marked at random) are new below the sample and, read
    without the header, are name + address rows (4,981 persons in 5,000 rows before); their names lie under the
    list's 担当者名 and their addresses under its 保管場所: the list's own rows."""
    assert analyse_sheet("一覧", iter(titled_inventory(2000, [""] * 16, title=False))) is None


def test_persons_below_an_inventory_with_their_names_under_its_staff_column_are_still_found():
    """Name in the 担当者名 column but the address in a column the inventory does not name: a table of its own."""
    inv = P.inventory(P.people(600, seed=5))  # 品名 | 数量 | 保管場所 | 担当者名 | 備考
    ps = P.people(60, seed=8)
    found = analyse_sheet("一覧", iter(inv + [["", 30 + i, "", p.name, "", p.address, p.phone] for i, p in enumerate(ps)]))
    assert found is not None and found.count == 60


def test_business_cards_below_a_product_list_are_business_contacts():
    found = analyse_sheet("一覧", iter(business_cards_below_products()))
    assert found is None or found.kind == SheetKind.BUSINESS


def test_a_person_table_under_a_title_row_is_still_found():
    ps = P.people(60, seed=8)
    rows: Rows = [["利用者名簿", "", "", "2024年度"]] + [[p.name, p.kana, p.address, p.phone] for p in ps]
    found = analyse_sheet("一覧", iter(rows))
    assert found is not None and found.count == 60 and found.kind == SheetKind.PERSONS


def test_no_false_persons_through_the_cli(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "備品点検表.xlsx").write_bytes(P.xlsx_bytes({"一覧": titled_inventory(600)}))
    (share / "取引先.xlsx").write_bytes(P.xlsx_bytes({"一覧": business_cards_below_products()}))
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    persons = {f["path"].rsplit("/", 1)[-1]: sum(s["records"] for s in f["pii"]["sheets"] if s["kind"] == "persons")
               for f in doc["files"] if f.get("pii")}
    assert not any(persons.values()), persons
