"""review13d: tables13's person count on tables it was not tuned to (session 13 review).

- A header-less list of names and phones (a 連絡網, a contact list) is a names lead only through its phones: a phone
  written with its extension (03-1234-5678-123, 内線 12, x123), as a switchboard (（代）) or with Japan's country code
  and no '+' (81-90-1234-5678, 0081-3-...) must stay a phone (tables13's numbering-plan rule dropped the first and
  the last: the list ended as nothing).
- The late-header search as merged (share13's "rows 21-100 name nothing" shortcut, tables13's deep search under a
  preamble) still finds a header past row 100 under notes, and reads no header row of a sheet whose rows name nothing.

Values: Faker ja_JP with a fixed seed (tests/person_tables_data.py) and random digits of a fixed seed; never real data.
"""

from __future__ import annotations

import json
import random

import pytest
from conftest import run_leakscan

from scanner.detectors import pii
from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

PEOPLE = list({p.name_unspaced: p for p in T.ja_people(60, seed=1304)}.values())[:40]


def _digits(rnd: random.Random, n: int) -> str:
    return "".join(str(rnd.randint(0, 9)) for _ in range(n))


# how a person's phone is written in real Japanese lists (each one a whole column's format)
PHONE_FORMATS = {
    "extension after a hyphen": lambda r: f"03-{_digits(r, 4)}-{_digits(r, 4)}-{_digits(r, 3)}",
    "内線": lambda r: f"03-{_digits(r, 4)}-{_digits(r, 4)} 内線{_digits(r, 3)}",
    "（代）": lambda r: f"0{r.randint(1, 9)}{_digits(r, 2)}-{_digits(r, 2)}-{_digits(r, 4)}（代）",
    "country code without +": lambda r: f"81-90-{_digits(r, 4)}-{_digits(r, 4)}",
    "international prefix 0081": lambda r: f"0081-{r.choice('3679')}-{_digits(r, 4)}-{_digits(r, 4)}",
    "full-width, no hyphens": lambda r: f"０９０{_digits(r, 8)}".translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "free dial and navi dial": lambda r: r.choice([f"0120-{_digits(r, 3)}-{_digits(r, 3)}", f"0570-{_digits(r, 3)}-{_digits(r, 3)}",
                                                   f"0800-{_digits(r, 3)}-{_digits(r, 4)}"]),
    "050 IP phone": lambda r: f"050-{_digits(r, 4)}-{_digits(r, 4)}",
    "(03)1234-5678": lambda r: f"(03){_digits(r, 4)}-{_digits(r, 4)}",
}


@pytest.mark.parametrize("written", list(PHONE_FORMATS), ids=list(PHONE_FORMATS))
def test_a_headerless_name_and_phone_list_keeps_its_phones(written):
    rnd = random.Random(13)
    phones = [PHONE_FORMATS[written](rnd) for _ in PEOPLE]
    found = analyse_sheet("連絡網", iter([[p.name, ph] for p, ph in zip(PEOPLE, phones, strict=True)]))
    assert found is not None and found.kind == SheetKind.NAMES and found.count == len(PEOPLE)
    assert "phone" in found.fields
    with_address = analyse_sheet("名簿", iter([[p.name, p.address, ph] for p, ph in zip(PEOPLE, phones, strict=True)]))
    assert with_address is not None and with_address.kind == SheetKind.PERSONS and with_address.count == len(PEOPLE)
    assert "phone" in with_address.fields  # the phone is one of the person's fields, not dropped


@pytest.mark.parametrize("value", ["010-00966-000", "010-02210-000", "74-8281-8035", "123-45678-901", "12-3456-7890-12",
                                   "81-12-3456-7890", "0081-1234-5678"])
def test_codes_with_a_tail_or_a_country_code_are_still_no_phones(value):
    from scanner.detectors.headerless import _phone_like
    assert not _phone_like(value)


def test_extension_phones_through_the_cli(tmp_path):
    """A header-less CSV of names and office phones with extensions (and a cut copy) is a names lead, not nothing."""
    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    rnd = random.Random(7)
    text = "".join(f"{p.name},03-{_digits(rnd, 4)}-{_digits(rnd, 4)}-{_digits(rnd, 3)}\n" for p in PEOPLE)
    (share / "renraku.csv").write_text(text, encoding="utf-8")
    (share / "renraku_cut.csv").write_text(text[:len(text) * 2 // 3], encoding="utf-8")
    run_leakscan("scan", str(share), "--out", str(out))
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    leads = {f["path"].rsplit("/", 1)[-1]: [(s["kind"], s["fields"], s["records"]) for s in f["pii"]["leads"]]
             for f in doc["files"] if f.get("pii")}
    assert leads.get("renraku.csv") == [("names", ["name", "phone"], len(PEOPLE))]
    [(kind, fields, records)] = leads.get("renraku_cut.csv") or [(None, None, 0)]
    assert (kind, fields) == ("names", ["name", "phone"]) and records >= text[:len(text) * 2 // 3].count("\n")


# --- the late-header search as merged (share13 + tables13) -------------------------------------------------------------

def _preamble_over_list(lines: int) -> list[list[object]]:
    notes: list[list[object]] = [["会員名簿（取扱注意）"]] + [[f"注意事項 {i}: 本名簿は会員の連絡以外に使用しないこと"] for i in range(lines)]
    return notes + [["氏名", "住所", "電話番号"]] + [[p.name, p.address, p.phone] for p in PEOPLE]


def test_a_header_past_row_100_under_notes_is_found_and_rows_naming_nothing_are_not_read_as_headers(monkeypatch):
    found = analyse_sheet("名簿", iter(_preamble_over_list(130)))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(PEOPLE)
    assert found.header_row == 132
    calls: list[int] = []
    read_row = pii._read_row
    monkeypatch.setattr(pii, "_read_row", lambda row: calls.append(1) or read_row(row))
    numbers = [[i, i * 2, i * 3] for i in range(400)]
    assert pii._later_header(numbers) is None and calls == []  # rows 21-100 and below name nothing: no row read
    notes_over_numbers = [["メモ"]] * 20 + numbers
    assert pii._later_header(notes_over_numbers) is None and calls == []  # notes, but no header word below them


# --- guards: the region rule, staff words and workplaces beside a client list (pass on tables13; kept) -----------------

STAFF = list({p.name_unspaced: p for p in T.ja_people(12, seed=99)}.values())[:4]
HOMES = ["グループホームひだまり", "グループホームさくら", "小規模多機能ホームあおば"]
HOME_AT = [p.prefecture + p.city + p.town + "1-2-3" for p in PEOPLE[:3]]  # clients living at their home's address


@pytest.mark.parametrize("header, row", [
    (["氏名", "都道府県", "市区町村", "番地", "建物"], lambda p, i: [p.name, p.prefecture, p.city, p.town + p.block, p.building]),
    (["氏名", "県", "市", "町域", "番地"], lambda p, i: [p.name, p.prefecture, p.city, p.town, p.block]),
    (["氏名", "都道府県", "住所", "電話"], lambda p, i: [p.name, p.prefecture, p.city + p.town + p.block, p.phone]),
], ids=["都道府県|市区町村|番地|建物", "県|市|町域|番地", "都道府県|住所"])
def test_a_region_column_beside_the_other_address_parts_is_part_of_the_whole_address(header, row):
    found = analyse_sheet("名簿", iter([header] + [row(p, i) for i, p in enumerate(PEOPLE)]))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(PEOPLE)
    addresses = {r.fields["address"].replace(" ", "") for r in found.records}
    assert all(any(a.startswith(p.prefecture + p.city) for a in addresses) for p in PEOPLE)
    assert all(a.rstrip() != p.prefecture for a in addresses for p in PEOPLE)


@pytest.mark.parametrize("header, row", [
    (["利用者名", "事業所", "住所", "電話"], lambda p, i: [p.name, HOMES[i % 3], HOME_AT[i % 3], p.phone]),
    (["利用者氏名", "担当者", "事業所", "住所", "電話"], lambda p, i: [p.name, STAFF[i % 4].name, HOMES[i % 3], HOME_AT[i % 3],
                                                         p.phone]),
    (["顧客名", "住所", "電話", "担当者(姓)", "担当者(名)"], lambda p, i: [p.name, p.address, p.phone, STAFF[i % 4].family,
                                                             STAFF[i % 4].given]),
    (["利用者 姓", "利用者 名", "担当者(姓)", "担当者(名)", "住所", "電話"],
     lambda p, i: [p.family, p.given, STAFF[i % 4].family, STAFF[i % 4].given, p.address, p.phone]),
], ids=["group home clients", "group home clients and staff", "client list with split staff", "split client and staff"])
def test_clients_stay_the_persons_beside_staff_and_workplace_columns(header, row):
    found = analyse_sheet("利用者一覧", iter([header] + [row(p, i) for i, p in enumerate(PEOPLE)]))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(PEOPLE)
    names = {r.fields["name"].replace(" ", "") for r in found.records}
    assert names == {p.name_unspaced for p in PEOPLE}  # every client once (a group home's shared address too), no staff


# --- a headed person table below another list, inside the sheet's 520-row sample, its header past row 100 ------------

ITEMS = ["ノートPC", "プロジェクター", "デジタルカメラ", "延長コード", "ホワイトボード"]


def _list_then_persons(above: int, last: str) -> list[list[object]]:
    """An inventory (品名 | 型番 | 数量 | 保管場所 | 備考 or 担当者名) of ``above`` rows, then a member list with its own header."""
    rnd = random.Random(above)
    rows: list[list[object]] = [["品名", "型番", "数量", "保管場所", last]]
    rows += [[rnd.choice(ITEMS), f"AB-{rnd.randint(100, 999)}", rnd.randint(1, 9), f"本社倉庫{rnd.randint(1, 5)}番棚",
              rnd.choice(["佐藤", "鈴木", "高橋"]) if last == "担当者名" else ""] for _ in range(above)]
    return rows + [["氏名", "住所", "電話"]] + [[p.name, p.address, p.phone] for p in PEOPLE]


@pytest.mark.parametrize("last", ["備考", "担当者名"])
@pytest.mark.parametrize("above", [110, 300])
def test_a_headed_person_table_below_a_list_inside_the_sample_is_found(above, last):
    """Header past row 100, all inside the first 520 rows: the header search stopped at row 100 (no notes above), the
    values of the sample are mostly the inventory's, and below a staff header the table's own shapes (known: every
    repeated shape of the sample) ended its window before its first row. 40 persons ended as nothing."""
    found = analyse_sheet("台帳", iter(_list_then_persons(above, last)))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(PEOPLE)
    assert found.header_row == above + 2


def test_a_headed_person_table_below_a_list_through_the_cli(tmp_path):
    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    text = "".join(",".join(map(str, r)) + "\n" for r in _list_then_persons(150, "担当者名"))
    (share / "daicho.csv").write_text(text, encoding="utf-8")
    (share / "daicho_cut.csv").write_text(text[:len(text) - len(text) // 8], encoding="utf-8")
    run_leakscan("scan", str(share), "--out", str(out))
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    persons = {f["path"].rsplit("/", 1)[-1]: sum(s["records"] for s in f["pii"]["sheets"] if s["kind"] == "persons")
               for f in doc["files"] if f.get("pii")}
    assert persons.get("daicho.csv") == len(PEOPLE)
    assert persons.get("daicho_cut.csv", 0) >= text[:len(text) - len(text) // 8].count("\n") - 152
