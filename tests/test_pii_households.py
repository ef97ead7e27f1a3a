"""review7b: 世帯主 became a role (qatab7, session 7); a list whose only name column is the householder's, or whose
members' address is the householder's, must still give whole records (name with address), not names alone or nothing.
Values: Faker ja_JP, fixed seed."""

from __future__ import annotations

from collections import Counter

import pytest
from faker import Faker

from scanner.detectors.pii import SheetKind, analyse_sheet

ROWS = 24


def _people(seed: int) -> list[tuple[str, str, str, str]]:
    fk = Faker("ja_JP")
    fk.seed_instance(seed)
    return [(f"{fk.last_name()} {fk.first_name()}", f"{fk.last_name()} {fk.first_name_male()}",
             fk.address().replace("\n", " "), fk.phone_number()) for _ in range(ROWS)]


@pytest.mark.parametrize("head", ["世帯主", "世帯主氏名"])
def test_a_list_of_householders_keeps_their_addresses(head: str) -> None:
    people = _people(71)
    f = analyse_sheet("世帯", [[head, "住所", "電話番号"], *[[h, a, t] for _, h, a, t in people]])
    assert f is not None and f.kind == SheetKind.PERSONS
    got = {(r.fields["name"], r.fields.get("address"), r.fields.get("phone")) for r in f.records}
    assert got == {(h, a, t) for _, h, a, t in people}


def test_members_take_the_householders_address() -> None:
    people = _people(72)
    f = analyse_sheet("世帯員", [["氏名", "世帯主氏名", "世帯主住所", "電話番号"], *[[n, h, a, t] for n, h, a, t in people]])
    assert f is not None and f.kind == SheetKind.PERSONS
    members = {(r.fields["name"], r.fields.get("address")) for r in f.records if r.fields["name"] in {p[0] for p in people}}
    assert members == {(n, a) for n, _, a, _ in people}
    assert Counter(bool(r.fields.get("address")) for r in f.records)[False] == 0


@pytest.mark.parametrize("thing", ["店舗名", "施設名", "事業所名"])
def test_customers_by_store_are_persons_though_the_header_names_a_thing(thing: str) -> None:
    """店舗名 | お客様 | 住所: one header word only (no header), and a column naming a thing; the thing repeats down the
    rows (a few stores, many customers), unlike a store list (a store a row), so the rows are the customers. 事業所名 is a known header word (a header of two words, no name among them): the
    header-less rules then look for the name only when the office does not change from row to row either."""
    people = _people(73)
    stores = ["新宿店", "渋谷店", "池袋店"]
    rows = [[thing, "お客様", "住所"], *[[stores[i % 3], n, a] for i, (n, _, a, _) in enumerate(people)]]
    f = analyse_sheet("顧客", rows)
    # 事業所名 is an organisation column: the rows are then counted as business contacts (personal data all the same)
    assert f is not None and f.kind in (SheetKind.PERSONS, SheetKind.BUSINESS)
    assert {(r.fields["name"], r.fields.get("address")) for r in f.records} == {(n, a) for n, _, a, _ in people}


@pytest.mark.parametrize("office", ["居宅介護支援事業所名", "担当事業所", "通所先"])
def test_a_care_client_list_naming_each_client_s_care_office_is_persons_not_business_contacts(office: str) -> None:
    """A 利用者名簿 with the client's care-management office in every row: 事業所名 inside the header is an
    organisation word, but the office is what the client receives, not their employer: the records are the
    clients' (kind persons), whole. A company column still makes business contacts."""
    people = _people(74)
    offices = ["さくら居宅介護支援事業所", "みどりケアプランセンター", "ひまわり介護支援センター"]
    rows = [["氏名", "住所", "電話番号", office], *[[n, a, t, offices[i % 3]] for i, (n, _, a, t) in enumerate(people)]]
    f = analyse_sheet("利用者", rows)
    assert f is not None and f.kind == SheetKind.PERSONS
    assert {(r.fields["name"], r.fields.get("address")) for r in f.records} == {(n, a) for n, _, a, _ in people}
    companies = [["氏名", "住所", "電話番号", "会社名"], *[[n, a, t, f"株式会社{i}"] for i, (n, _, a, t) in enumerate(people)]]
    g = analyse_sheet("名刺", companies)
    assert g is not None and g.kind == SheetKind.BUSINESS
