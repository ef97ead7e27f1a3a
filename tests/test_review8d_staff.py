"""A staff list with home addresses is a person list (review8d, session 8), Faker ja_JP with a fixed seed.

A care home's 職員名簿 (職員名 | 役職名 | 住所 | 電話) holds its employees' home addresses: private persons whose
data leak as much as a client's. The header word 職員 was an exclusion (meant for a client list's staff member in
charge, which 担当 still excludes), so the name column was nobody's and the whole list was nothing: a miss.
"""

from __future__ import annotations

import pytest

from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

STAFF = T.ja_people(10, seed=8085)
CLIENTS = T.ja_people(10, seed=8086)
TITLES = ["介護職員", "看護師", "生活相談員", "施設長", "介護支援専門員"]


@pytest.mark.parametrize("name_header", ["職員名", "職員氏名", "職員 氏名"])
@pytest.mark.parametrize("title_header", ["役職名", "役職", "職種"])
def test_a_staff_list_with_home_addresses_is_persons(name_header, title_header):
    rows = [[name_header, title_header, "住所", "電話"]]
    rows += [[p.name, TITLES[i % len(TITLES)], p.address, p.phone] for i, p in enumerate(STAFF)]
    f = analyse_sheet("職員名簿", rows)
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == len(STAFF)


@pytest.mark.parametrize("staff_header", ["担当職員名", "担当職員", "職員名"])
def test_a_client_list_with_its_staff_in_charge_counts_the_clients(staff_header):
    rows = [["利用者名", "住所", "電話番号", staff_header]]
    rows += [[c.name, c.address, c.phone, s.name] for c, s in zip(CLIENTS, STAFF, strict=True)]
    f = analyse_sheet("利用者", rows)
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == len(CLIENTS)
    assert {e["name"] for e in f.examples(True)} <= {c.name for c in CLIENTS}


def test_a_facility_list_with_a_staff_number_stays_quiet():
    rows = [["施設名", "所在地", "職員数"]] + [[f"{p.family}の里", p.address, 12 + i] for i, p in enumerate(STAFF)]
    assert analyse_sheet("施設", rows) is None
