"""An .xlsx household list with 郵便番号 / 住所 / 電話番号 merged down over its members' rows (review10a #5): every
member is a person at the household's address (calamine gives the lower cells of a merged range as empty, and
only the first member of each household was counted). A title or header merged across columns is not copied
into the other columns."""

from __future__ import annotations

import io
import json
from collections import defaultdict

import pytest
from conftest import run_leakscan
from faker import Faker
from openpyxl import Workbook, load_workbook

from scanner.demo import birth_date
from scanner.detectors.pii import SheetKind, analyse_sheet


def _households(seed: int) -> tuple[bytes, set[tuple[str, str]]]:
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    wb = Workbook()
    ws = wb.active
    ws.append(["世帯名簿（令和7年度）"])
    ws.merge_cells("A1:G1")  # a title merged across columns
    ws.append(["世帯番号", "氏名", "続柄", "生年月日", "郵便番号", "住所", "電話番号"])
    truth: set[tuple[str, str]] = set()
    row = 3
    for h in range(3):
        sei = fake.last_name()
        address = fake.address().split(" ", 1)[-1].replace(" ", "")
        for m, rel in enumerate(("世帯主", "妻", "子")):
            name = f"{sei} {fake.first_name()}"
            first = m == 0
            ws.append([h + 1 if first else None, name, rel, birth_date(fake).isoformat(),
                       fake.postcode() if first else None, address if first else None,
                       fake.phone_number() if first else None])
            truth.add((name.replace(" ", ""), address))
        for col in "AEFG":
            ws.merge_cells(f"{col}{row}:{col}{row + 2}")
        row += 3
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), truth


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    root = tmp_path_factory.mktemp("households")
    share = root / "share"
    share.mkdir()
    data, truth = _households(101101)
    (share / "世帯名簿.xlsx").write_bytes(data)
    out = root / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet", "--name", "世帯名簿.xlsx")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    target = root / "persons.xlsx"
    done = run_leakscan("persons", str(out), "--export", str(target), "--sources", str(share))
    assert done.returncode == 0, done.stderr
    rows = list(load_workbook(target).worksheets[0].iter_rows(values_only=True))
    got: dict[str, str] = defaultdict(str)
    for r in rows[1:]:
        cells = dict(zip(rows[0], r, strict=True))
        got[str(cells["氏名"]).replace(" ", "")] = str(cells["住所"])
    return doc, dict(got), truth


def test_every_member_of_a_merged_household_is_a_person_at_its_address(scanned):
    doc, got, truth = scanned
    (hit,) = doc["files"]
    sheet = hit["pii"]["sheets"][0]
    assert sheet["kind"] == "persons" and sheet["records"] == 9, sheet
    assert doc["persons"]["records"] == doc["persons"]["unique"] == 9
    assert set(got.items()) == truth


def test_a_merged_title_is_not_copied_into_other_columns():
    from scanner.sheet import Caps
    from scanner.tables import read_workbook

    data, _ = _households(101102)
    (sheet,) = read_workbook(data, "xlsx", Caps()).sheets
    rows = [list(r) for r in sheet.rows]
    assert rows[0][0] == "世帯名簿（令和7年度）" and rows[0][1:] == [""] * 6
    assert [r[0] for r in rows[2:]] == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert rows[3][5] == rows[2][5] and rows[3][1] != rows[2][1]


def test_a_header_merged_over_two_cells_and_down_over_two_rows_is_not_copied_sideways():
    from scanner.sheet import Caps
    from scanner.tables import read_workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["氏名", None, "住所", "郵便番号", None])
    ws.append(["姓", "名", None, "上3桁", "下4桁"])
    ws.merge_cells("A1:B1")
    ws.merge_cells("D1:E1")
    ws.merge_cells("C1:C2")
    ws.append(["山田", "太郎", "東京都千代田区千代田1-1", "100", "0001"])
    ws.append(["鈴木", "花子", "大阪府大阪市北区梅田2-2", "530", "0001"])
    buf = io.BytesIO()
    wb.save(buf)
    (sheet,) = read_workbook(buf.getvalue(), "xlsx", Caps()).sheets
    rows = [list(r) for r in sheet.rows]
    assert rows[0] == ["氏名", "", "住所", "郵便番号", ""]
    assert rows[1] == ["姓", "名", "住所", "上3桁", "下4桁"]
    found = analyse_sheet("名簿", rows)  # the two-row header still reads: 姓 | 名 under 氏名, the address column
    assert found is not None and found.kind == SheetKind.PERSONS
    assert [r.fields for r in found.records] == [{"name": "山田 太郎", "address": "東京都千代田区千代田1-1"},
                                                  {"name": "鈴木 花子", "address": "大阪府大阪市北区梅田2-2"}]
