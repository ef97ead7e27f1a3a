"""fix14a: review14a's open defects 8 and 7 (and 6).

8: exclusion words ([exclude] in signatures/pii_columns.toml) matched inside other words: ``venue`` in ``Avenue``,
``locationaddress`` in ``Home Location Address``, so a person's address column was lost. An exclusion word now
counts only as whole words of the header.

Values: Faker (en_US, ja_JP) with fixed seeds (tests/person_tables_data.py); never real data.
"""

from __future__ import annotations

import random

import pytest

from scanner.detectors.columns import classify_header, is_excluded
from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

Rows = list[list[object]]
EN = T.en_people(40, seed=14)


@pytest.mark.parametrize("header", ["Home Location Address", "Current Location Address", "Avenue Address",
                                    "Street Avenue", "Avenue"])
def test_an_exclusion_word_inside_another_word_excludes_nothing(header):
    assert not is_excluded(header)
    assert classify_header(header) == ("address" if "Address" in header else None)


@pytest.mark.parametrize("header", ["Location Address", "Location Name", "Venue", "Venue Name", "Customer IP Address",
                                    "DeviceMACAddress", "XactNet Address",
                                    "Phonetic Middle Name", "Company Name", "File Name", "IPAddress", "Sales Rep",
                                    "Account Owner", "Event Location", "会場住所", "施設名", "保管場所"])
def test_exclusion_words_as_whole_words_still_exclude(header):
    assert is_excluded(header)
    assert classify_header(header) is None


@pytest.mark.parametrize("header", ["Home Location Address", "Current Location Address", "Avenue Address"])
def test_a_person_list_under_such_an_address_header_is_persons(header):
    rows: Rows = [["Name", header, "Phone"]]
    rows += [[f"{p.first} {p.last}", f"{p.street}, {p.city}, {p.state} {p.zip}", p.phone] for p in EN]
    found = analyse_sheet("Sheet1", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(EN), found


@pytest.mark.parametrize("header", ["Customer IP Address", "Device MAC Address"])
def test_an_ip_or_mac_address_after_another_word_is_still_no_address(header):
    ip = "IP" in header
    rows: Rows = [["Name", header, "Phone"]]
    rows += [[f"{p.first} {p.last}", f"10.{i}.{i * 7 % 256}.{i * 13 % 256}" if ip else f"00:1a:2b:{i:02x}:{i * 3 % 256:02x}:0f",
              p.phone] for i, p in enumerate(EN)]
    found = analyse_sheet("Sheet1", iter(rows))
    assert found is None or found.kind != SheetKind.PERSONS, found


# --- 7: a header-less 10-digit number starting 80 / 90 (an order or member number) is no mobile that lost its 0 ---------
# Header-less, digits alone are taken as phones saved as numbers only with stronger evidence: the cells are numbers and
# the column mixes 9-digit fixed lines and 10-digit mobiles (each a phone with the 0 put back). What is shown is the
# cell's digits as the file holds them: no 0 the file never had.

JA = T.ja_people(40, seed=7)  # 03/045/06/052 fixed lines and 080/090 mobiles


def _order_numbers(typed: bool, prefix: str) -> list[object]:
    rnd = random.Random(77)
    nums = [f"{prefix}{rnd.randint(10000000, 99999999)}" for _ in JA]
    return [int(n) for n in nums] if typed else list(nums)


@pytest.mark.parametrize("address", [True, False], ids=["name address number", "name number"])
@pytest.mark.parametrize("typed", [True, False], ids=["number cells", "text"])
@pytest.mark.parametrize("prefix", ["80", "90"])
def test_a_headerless_order_number_is_no_phone(prefix, typed, address):
    nums = _order_numbers(typed, prefix)
    rows: Rows = [[p.name, p.address, n] if address else [p.name, n] for p, n in zip(JA, nums, strict=True)]
    found = analyse_sheet("Sheet1", iter(rows))
    assert found is None or "phone" not in found.columns, (found.columns, found.rows[:1])
    if address:
        assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(JA)


def _lost_zeros(ps: list[T.JaPerson]) -> list[int]:
    return [int(p.phone.replace("-", "")) for p in ps]


def test_headerless_phones_saved_as_numbers_are_phones_shown_as_the_file_holds_them():
    rows: Rows = [[p.name, p.address, n] for p, n in zip(JA, _lost_zeros(JA), strict=True)]
    found = analyse_sheet("Sheet1", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(JA)
    assert found.columns.get("phone"), found.columns
    shown = {r[4] for r in found.rows}
    assert shown == {str(n) for n in _lost_zeros(JA)}  # 801791 2186 as the cell holds it, never 08017912186


def test_headerless_mobiles_alone_saved_as_numbers_are_no_phones():
    """Only 10-digit mobiles: nothing tells them from order numbers of a fixed prefix (the trade-off)."""
    mobiles = [p for p in T.ja_people(200, seed=7) if p.phone.startswith(("080", "090"))][:30]
    rows: Rows = [[p.name, p.address, n] for p, n in zip(mobiles, _lost_zeros(mobiles), strict=True)]
    found = analyse_sheet("Sheet1", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and "phone" not in found.columns


def test_under_a_phone_header_numbers_still_get_their_0_back():
    rows: Rows = [["氏名", "住所", "電話番号"]] + [[p.name, p.address, n] for p, n in zip(JA, _lost_zeros(JA), strict=True)]
    found = analyse_sheet("Sheet1", iter(rows))
    assert found is not None and found.rows[0][4] == JA[0].phone.replace("-", "")


# --- 6: a key-value row above a header-less list (担当者 | 山田 太郎 | 住所 | 東京都…: a sender block) is no header -----------

BODY = T.ja_people(40, seed=9)


@pytest.mark.parametrize("top", [
    ["担当者", "山田 太郎", "住所", "東京都千代田区丸の内1-1-1"],
    ["担当者", "山田 太郎", "住所"],
    ["作成者", "鈴木 花子", "電話", "03-1234-5678"],
], ids=["staff name address", "staff name address-label", "author phone"])
def test_a_key_value_row_above_a_headerless_list_is_no_header(top):
    rows: Rows = [top, []] + [[p.name, p.address, p.phone] for p in BODY]
    found = analyse_sheet("Sheet1", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(BODY), found


@pytest.mark.parametrize("header", [["担当者名", "住所"], ["No.", "担当者名", "住所"], ["担当者名", "住所", "備考"],
                                    ["氏名", "住所", "電話"]])
def test_a_header_is_no_key_value_row(header):
    rows: Rows = [header] + [[*([i] if header[0] == "No." else []), p.name, p.address,
                              *([p.phone] if len(header) == 3 and header[0] == "氏名" else [""] if len(header) == 3 else [])]
                             for i, p in enumerate(BODY, 1)]
    found = analyse_sheet("Sheet1", iter(rows))
    assert found is not None and found.header_row == 1 and found.count == len(BODY), found
