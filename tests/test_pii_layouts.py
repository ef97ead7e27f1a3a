"""Person tables as people write them (issue 16): field assembly, renditions, header-less lists, row checks,
roles, business contacts, name-only leads, and the lists that must stay quiet. Values are generated
(tests/person_tables_data.py, Faker ja_JP / en_US, fixed seeds); counts and values are asserted."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.detectors.pii import Rejection, SheetKind, analyse_sheet
from scanner.pipeline import run_scan
from scanner.sources import open_source
from tests import person_tables_data as T
from tests import pii_data as D

JA = T.ja_people(24, seed=1601)
EN = T.en_people(24, seed=1602)


def _sheet(rows):
    f = analyse_sheet("名簿", rows)
    assert f is not None
    return f


def _by_name(f) -> dict[str, dict[str, str]]:
    return {r.fields["name"]: r.fields for r in f.records}


# --- field assembly ------------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", ["five_column_address", "merged_header_address", "numbered_address",
                                    "romaji_headers"])
def test_split_addresses_are_assembled_whole(layout):
    f = _sheet(getattr(T, layout)(JA))
    assert f.count == len(JA) and not f.rejected
    got = _by_name(f)
    for p in JA:
        assert got[p.name]["address"] == p.address  # never the prefecture alone
        assert got[p.name]["reading"] == p.kana


def test_five_column_layout_in_a_workbook_with_merged_header_cells(tmp_path):
    """Excel merges 住所 over the five columns: the reader gives the four others as empty cells."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in T.five_column_address(JA):
        ws.append(row)
    ws.merge_cells("G1:K1")
    share = tmp_path / "s"
    share.mkdir()
    wb.save(share / "会員一覧.xlsx")
    result = run_scan(ScanConfig(sources=[str(share)], out=tmp_path / "out"), [open_source(str(share))])
    assert result.prints[0].records == len(JA)
    records = D.records_of(share / "会員一覧.xlsx")
    assert len(records) == len(JA)
    assert {r.fields["address"] for r in records} == {p.address for p in JA}
    sheet = result.hits[0].pii["sheets"][0]
    assert sheet["columns"]["address"] == ["住所", "H", "I", "J", "K"]


def test_the_postcode_column_under_a_blank_header_is_the_postcode():
    rows = [["氏名", "住所", "", "", ""]]
    rows += [[p.name, f"〒{p.postcode}", p.prefecture, p.city + p.town, p.block] for p in JA]
    got = _by_name(_sheet(rows))
    for p in JA:
        assert got[p.name]["postcode"] == p.postcode
        assert got[p.name]["address"] == p.prefecture + p.city + p.town + p.block


def test_a_postcode_glued_in_front_of_the_address_is_split_off():
    got = _by_name(_sheet(T.glued_postcode(JA)))
    for p in JA:
        assert (got[p.name]["postcode"], got[p.name]["address"]) == (p.postcode, p.address)


def test_a_glued_postcode_never_overwrites_the_postcode_column():
    rows = [["氏名", "郵便番号", "住所"]] + [[p.name, p.postcode, f"〒100-0001 {p.address}"] for p in JA]
    got = _by_name(_sheet(rows))
    assert all(got[p.name]["postcode"] == p.postcode and got[p.name]["address"] == p.address for p in JA)


def test_renditions_are_never_glued_into_the_value():
    got = _by_name(_sheet(T.renditions(JA)))
    for p in JA:
        assert got[p.name]["address"] == p.address  # not 福井県フクイケンFukuiken
        assert got[p.name]["reading"] == p.kana
        assert p.roman not in got[p.name].values()


def test_the_reading_of_a_split_name_joins_both_halves():
    f = _sheet(T.split_renditions(JA))
    got = _by_name(f)
    for p in JA:
        assert got[p.name]["reading"] == p.kana  # not the surname's reading alone
        assert got[p.name]["address"] == p.address
    assert f.columns["reading"] == ["姓（カタカナ）", "名（カタカナ）"]


def test_blank_columns_after_a_name_hold_its_reading_and_its_romaji():
    rows = [["氏名", "", "", "住所"]] + [[p.name, p.kana, p.roman, p.address] for p in JA]
    got = _by_name(_sheet(rows))
    assert all(got[p.name]["reading"] == p.kana and p.roman not in got[p.name].values() for p in JA)


def test_a_name_merged_over_two_columns_joins_family_and_given_name():
    rows = [["氏名", "", "住所"]] + [[p.family, p.given, p.address] for p in JA]
    got = _by_name(_sheet(rows))
    assert set(got) == {p.name for p in JA}


def test_a_prefecture_column_beside_an_address_that_repeats_it_is_not_doubled():
    rows = [["氏名", "都道府県", "郵便番号", "住所"]]
    rows += [[p.name, p.prefecture, p.postcode, p.address if i % 2 else p.address[len(p.prefecture):]]
             for i, p in enumerate(JA)]
    got = _by_name(_sheet(rows))
    assert all(got[p.name]["address"] == p.address for p in JA)


def test_a_blank_headed_sex_column_after_a_name_is_no_given_name():
    rows = [["氏名", "", "住所"]] + [[p.name_unspaced, p.sex, p.address] for p in JA]
    got = _by_name(_sheet(rows))
    assert set(got) == {p.name_unspaced for p in JA}


def test_two_whole_address_columns_are_two_addresses_not_one():
    rows = [["氏名", "住所", "旧住所"]] + [[p.name, p.address, JA[-1 - i].address] for i, p in enumerate(JA)]
    got = _by_name(_sheet(rows))
    assert all(got[p.name]["address"] == p.address for p in JA)


def test_english_identifiers_and_romaji_headers():
    f = _sheet(T.english_identifiers(JA))
    assert f.count == len(JA)
    assert f.columns["name"] == ["user_name"] and f.columns["address"] == ["addr"]
    assert f.columns["postcode"] == ["zip"] and f.columns["reading"] == ["name_kana"]
    g = _sheet(T.romaji_headers(JA))
    assert g.columns["address"] == ["jusho1", "jusho2", "jusho3", "jusho4", "jusho5"]
    assert g.fields == ["name", "reading", "address", "postcode", "phone", "birth"]


# --- header-less lists ------------------------------------------------------------------------------------

def test_headerless_japanese_names_without_a_space_and_a_split_address():
    f = _sheet(T.headerless_unspaced(JA))
    assert f.header_row is None and f.count == len(JA)
    got = _by_name(f)
    for p in JA:
        assert got[p.name_unspaced]["address"] == p.address
        assert got[p.name_unspaced]["postcode"] == p.postcode


@pytest.mark.parametrize("header", [True, False])
def test_english_person_lists_with_and_without_a_header(header):
    f = _sheet(T.us_list(EN, header=header))
    assert f.count == len(EN) and not f.rejected
    got = {r.fields["address"]: r.fields for r in f.records}
    for p in EN:
        fields = got[f"{p.street} {p.city} {p.state}"]  # the county is no part of the postal address
        assert fields["postcode"] == p.zip and fields["name"] == f"{p.last} {p.first}"


def test_headerless_english_names_the_lists_do_not_know():
    """us-500 style names (Mitsue Tollner, Leota Dilliard): found by structure left of the street column."""
    first = ["Mitsue", "Leota", "Donette", "Kiley", "Cammy", "Meaghan", "Lenna", "Sage", "Minna", "Abel",
             "James", "Josephine"]
    last = ["Tollner", "Dilliard", "Foller", "Caldarera", "Albares", "Garufi", "Paprocki", "Wieser", "Amigon",
            "Maclead", "Butt", "Darakjy"]
    rows = [[f, la, p.company, p.street, p.city, p.county, p.state, p.zip, p.phone]
            for f, la, p in zip(first, last, EN, strict=False)]
    f = _sheet(rows)
    assert f.count == len(first) and f.columns["name"] == ["B", "A"]
    assert {r.fields["name"] for r in f.records} == {f"{la} {fi}" for fi, la in zip(first, last, strict=True)}


def test_the_first_row_of_a_headerless_list_may_be_a_header_without_known_words():
    rows = [["given", "family", "where", "town", "province", "code"]]
    rows += [[p.first, p.last, p.street, p.city, p.state, p.zip] for p in EN]
    f = _sheet(rows)
    assert f.count == len(EN) and not f.rejected and f.records[0].row == 2


# --- per-row plausibility -----------------------------------------------------------------------------------

def test_a_csv_line_broken_inside_an_address_gives_no_extra_person(tmp_path):
    data, persons = T.employees_csv_with_broken_line(EN[:9])
    share = tmp_path / "s"
    share.mkdir()
    (share / "Employees.csv").write_bytes(data)
    result = run_scan(ScanConfig(sources=[str(share)], out=tmp_path / "out"), [open_source(str(share))])
    pii = result.hits[0].pii
    records = D.records_of(share / "Employees.csv")
    assert pii["records"] == persons == len(records) == result.prints[0].records
    assert pii["rejected"] == {"not-an-address": 1} and pii["rejected_total"] == 1
    assert all("0x" not in r.fields["address"] for r in records)


@pytest.mark.parametrize("make", [T.placeholders, T.english_placeholders])
def test_placeholder_rows_are_rejected(make):
    rows, stand_ins = make(JA if make is T.placeholders else EN)
    f = _sheet(rows)
    assert f.count == len(rows) - 1 - stand_ins
    assert f.rejected == {Rejection.PLACEHOLDER: stand_ins}
    assert not any(r.fields["name"] in ("DocFirst DocSecond", "テスト 太郎", "○○ ○○") for r in f.records)


def test_a_repeated_header_row_is_counted_as_such():
    rows = D.standard(D.people(6))
    rows.insert(4, list(rows[0]))
    f = _sheet(rows)
    assert f.count == 6 and f.rejected == {Rejection.HEADER_REPEATED: 1}


def test_numbers_and_blobs_in_the_name_column_are_no_persons():
    rows = [["氏名", "住所"]] + [[p.name, p.address] for p in JA]
    rows += [["12345", JA[0].address], ["A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4", JA[1].address]]
    f = _sheet(rows)
    assert f.count == len(JA) and f.rejected == {Rejection.NOT_A_NAME: 2}


# --- roles, kinds, leads --------------------------------------------------------------------------------------

def test_applicant_and_recipient_are_each_a_person_with_their_role():
    f = _sheet(T.applicant_recipient(JA))
    half = len(JA) // 2
    assert f.count == half and f.roles() == {"applicant": half, "recipient": half}
    recipients = {r.fields["name"]: r.fields for r in f.records if r.role == "recipient"}
    for p in JA[half:2 * half]:
        assert recipients[p.name]["address"] == p.address and recipients[p.name]["postcode"] == p.postcode
    assert f.to_json()["columns"]["recipient.address"] == ["届先住所"]


def test_shopify_billing_and_shipping_persons():
    f = _sheet(T.shopify_orders(EN))
    assert f.roles() == {"applicant": len(EN) // 2, "recipient": len(EN) // 2}
    assert {r.role for r in f.records} == {"applicant", "recipient"}


def test_a_guardian_lives_at_the_childs_address_an_emergency_contact_has_none():
    f = _sheet(T.guardians(JA))
    third = len(JA) // 3
    assert f.roles() == {"person": third, "guardian": third, "emergency_contact": third}
    by_role = {r.role: r for r in f.records if r.row == 2}
    assert by_role["guardian"].fields["address"] == by_role[""].fields["address"] == JA[0].address
    assert "address" not in by_role["emergency_contact"].fields
    assert by_role["emergency_contact"].fields["phone"] == JA[2 * third].phone


def test_business_contacts_are_their_own_kind():
    f = _sheet(T.business_contacts(EN))
    assert f.kind == SheetKind.BUSINESS and f.count == len(EN)
    assert {r.kind for r in f.records} == {"business"}
    assert f.columns["organisation"] == ["CompanyName"]


def test_name_only_lists_are_a_lead_never_records():
    f = _sheet(T.names_only(JA))
    assert f.kind == SheetKind.NAMES and f.count == len(JA) and f.records == []
    assert f.to_json()["fields"] == ["name", "reading", "phone", "birth", "email"]


def test_names_alone_are_not_even_a_lead():
    rows = [["氏名", "フリガナ", "性別"]] + [[p.name, p.kana, p.sex] for p in JA]
    assert analyse_sheet("s", rows) is None


# --- what must stay quiet ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", list(T.NEGATIVES))
def test_lists_of_facilities_companies_and_officials_stay_quiet(layout):
    assert analyse_sheet("s", T.NEGATIVES[layout](JA)) is None


def test_headerless_towns_and_facilities_are_not_names():
    rows = [[f"{p.town}{kind}", p.address, p.phone] for p, kind in zip(JA, ["保育園", "公民館", "会館"] * 8, strict=False)]
    assert analyse_sheet("s", rows) is None
    towns = [[p.town, p.prefecture, p.city, p.block] for p in JA]
    assert analyse_sheet("s", towns) is None


def test_a_prefecture_alone_is_no_address():
    rows = [["名前", "メールアドレス", "都道府県"]] + [[p.name, p.email, p.prefecture] for p in JA]
    f = analyse_sheet("s", rows)
    assert f is not None and f.kind == SheetKind.NAMES  # a lead, never persons with an address


def test_a_municipality_alone_is_no_address():
    """Commissioners listed with the municipality they live in: no address to write to, not persons."""
    rows = [["氏名", "住所", "職業"]] + [[p.name, p.city, "会社員"] for p in JA]
    assert analyse_sheet("s", rows) is None


# --- through the pipeline: every layout in the formats offices write ------------------------------------------

LAYOUTS = {"five_column_address": len(JA), "numbered_address": len(JA), "renditions": len(JA),
           "split_renditions": len(JA), "romaji_headers": len(JA), "english_identifiers": len(JA),
           "headerless_unspaced": len(JA), "glued_postcode": len(JA)}


@pytest.fixture(scope="module")
def layout_share(tmp_path_factory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("layouts") / "share"
    root.mkdir()
    for name in LAYOUTS:
        rows = getattr(T, name)(JA)
        (root / f"{name}.xlsx").write_bytes(D.xlsx_bytes({"名簿": rows}))
        (root / f"{name}.csv").write_bytes(D.csv_bytes(rows, "cp932"))
    (root / "us500.csv").write_bytes(D.csv_bytes(T.us_list(EN, header=False), "utf-8"))
    for name, make in T.NEGATIVES.items():
        (root / f"neg_{name}.csv").write_bytes(D.csv_bytes(make(JA), "cp932"))
    (root / "names.xlsx").write_bytes(D.xlsx_bytes({"s": T.names_only(JA)}))
    out = root.parent / "out"
    result = run_scan(ScanConfig(sources=[str(root)], out=out), [open_source(str(root))])
    return root, result


def test_layouts_through_the_pipeline(layout_share):
    root, result = layout_share
    hits = {Path(h.location.path).name: (i, h) for i, h in enumerate(result.hits)}
    assert not result.skipped
    for name, n in LAYOUTS.items():
        for ext in (".xlsx", ".csv"):
            i, hit = hits[name + ext]
            assert hit.reasons == ["pii"] and hit.pii["records"] == n, name + ext
            assert result.prints[i].records == n, name + ext
            addresses = {r.fields["address"] for r in D.records_of(root / (name + ext))}
            assert addresses == {p.address for p in JA}, name + ext
    assert hits["us500.csv"][1].pii["records"] == len(EN)
    assert not [n for n in hits if n.startswith("neg_")]
    i, lead = hits["names.xlsx"]
    assert lead.reasons == ["pii-names"] and i not in result.prints
    assert lead.pii["records"] == 0 and lead.pii["lead_records"] == len(JA)


def test_cp932_csv_of_the_broken_line_and_placeholders_through_the_cli(tmp_path):
    import json

    from tests.conftest import run_leakscan

    share = tmp_path / "share"
    share.mkdir()
    data, _ = T.employees_csv_with_broken_line(EN[:9])
    (share / "Employees.csv").write_bytes(data)
    rows, stand_ins = T.placeholders(JA)
    (share / "名簿.csv").write_bytes(D.csv_bytes(rows, "cp932"))
    (share / "names.csv").write_bytes(D.csv_bytes(T.names_only(JA), "cp932"))
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    files = {Path(f["path"]).name: f for f in doc["files"]}
    assert files["名簿.csv"]["pii"]["rejected"] == {"placeholder": stand_ins}
    assert files["Employees.csv"]["pii"]["sheets"][0]["rejected"] == {"not-an-address": 1}
    assert files["names.csv"]["reasons"] == ["pii-names"]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="pii-rejected-total">4<' in report and 'id="pii-leads"' in report
    for p in JA:  # masked everywhere, the leads too
        assert p.name not in report and p.phone not in report and p.email not in report
        assert p.name not in json.dumps(doc, ensure_ascii=False)


def test_examples_of_roles_name_the_role_and_stay_masked():
    f = _sheet(T.applicant_recipient(JA))
    ex = f.examples()
    assert ex[0]["role"] == "applicant" and ex[1]["role"] == "recipient"
    assert JA[0].name not in str(ex) and JA[0].address not in str(ex)
    assert io.StringIO(str(f.to_json())).read().count("examples") == 1


def test_every_kind_rejection_and_role_has_a_label_in_both_languages():
    from reports.labels import label
    from scanner import rules
    from scanner.codes import MAIN_ROLE, Reason, Rejection, SheetKind, Status

    roles = [MAIN_ROLE] + [r["name"] for r in rules.load("pii_columns")["role"]]
    keys = ([f"pii_kind_{k}" for k in SheetKind] + [f"pii_rejected_{r}" for r in Rejection]
            + [f"pii_role_{r}" for r in roles] + [f"reason_{Reason.PII_NAMES}", f"status_{Status.NAMES_ONLY}"])
    for lang in ("ja", "en"):
        missing = [k for k in keys if not label(k, lang)]
        assert not missing, (lang, missing)
