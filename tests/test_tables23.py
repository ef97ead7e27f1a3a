"""tables23: person tables left open by tables22 / review22t / review22b (Faker ja_JP, fixed seed 2323; every
expected count derived from the generated rows).

3. Persons right under a header naming things (品名 | 数量 | 保管場所 | 担当者名) with no list row of its own: nothing.
5. A 氏名 column alternating region rows (with their office's address and phone) and persons: exactly half regions
   refused the whole sheet.
6. A cap's note (read-on-capped) said for every table format read by the spreadsheet inspector, not only workbooks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from faker import Faker

from scanner.codes import Rejection, SheetKind
from scanner.detectors import pii as P
from scanner.rules import load

SEED = 2323
Rows = list[list[object]]
THINGS = ["品名", "数量", "保管場所", "担当者名"]


def _fake() -> Faker:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return fake


def _persons(fake: Faker, n: int) -> Rows:
    return [[fake.name(), fake.address(), fake.phone_number()] for _ in range(n)]


def _items(fake: Faker, n: int) -> Rows:
    return [[fake.word() + "セット", fake.random_int(1, 50), f"本社倉庫{fake.random_int(1, 9)}番棚", fake.name()]
            for _ in range(n)]


# --- 3. persons right under a header naming things --------------------------------------------------------------------

@pytest.mark.parametrize("items", [0, 1])
def test_persons_right_under_a_things_header_are_counted(items: int) -> None:
    """品名 | 数量 | 保管場所 | 担当者名, then 0 or 1 of its own rows, then name | address | phone rows: their addresses
    stand under 数量 (no place, no address) and their names under 品名: the rows are not the header's list. Was: None
    (with 2+ list rows: every person)."""
    fake = _fake()
    people = _persons(fake, 40)
    found = P.analyse_sheet("s", [THINGS, *_items(fake, items), *people])
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(people), \
        None if found is None else (found.count, found.rejected)
    assert {r.fields["name"] for r in found.records} <= {str(p[0]) for p in people}


@pytest.mark.parametrize("items", [3, 40])
def test_an_inventory_under_its_things_header_stays_no_persons(items: int) -> None:
    """The guard (review11c #5): the inventory's own rows, its staff under 担当者名 and its shelves under 保管場所."""
    fake = _fake()
    found = P.analyse_sheet("s", [THINGS, *_items(fake, items)])
    assert found is None or not found.count, (found.count, found.rejected)


# --- 5. a name column alternating regional offices and persons --------------------------------------------------------

REGIONS = ["\u3000".join(n) if len(n) == 2 else n for n in load("pii_columns")["japanese_regions"]["names"]][:8]


def _offices_and_persons(header: bool) -> tuple[Rows, int, int]:
    """氏名 | 住所 | 電話 (or no header): each region's office row (東　北 | its address | its phone), then a person's."""
    fake = _fake()
    rows: Rows = [["氏名", "住所", "電話"]] if header else []
    for region in REGIONS:
        rows += [[region, fake.address(), fake.phone_number()], [fake.name(), fake.address(), fake.phone_number()]]
    return rows, len(REGIONS), len(REGIONS)


@pytest.mark.parametrize("header", [True, False], ids=["氏名", "header-less"])
def test_regional_offices_taking_turns_with_persons_count_the_persons(header: bool) -> None:
    """Exactly half the name column regions, each region row holding its office's address and phone (no heading: a
    heading's other cells are empty, review22b): the region rows are offices, refused one by one (not-a-name), the
    persons between them counted. Was: nothing at all (the whole column read as regions: a false clean)."""
    rows, offices, persons = _offices_and_persons(header)
    found = P.analyse_sheet("s", rows)
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == persons, \
        None if found is None else (found.count, found.rejected)
    assert found.rejected.get(Rejection.NOT_A_NAME) == offices
    assert not {r.fields["name"] for r in found.records} & set(REGIONS)


@pytest.mark.parametrize("header", [True, False], ids=["氏名", "header-less"])
def test_more_offices_than_persons_stay_a_region_column(header: bool) -> None:
    """The guard: more than half the name column regions (each with its office's address) is no person table."""
    rows, _offices, _persons = _offices_and_persons(header)
    body = rows[1:] if header else rows
    keep = [r for i, r in enumerate(body) if i % 2 == 0 or i < 4]  # every office, two persons
    found = P.analyse_sheet("s", [*rows[:1], *keep] if header else keep)
    assert found is None or not found.count, (found.count, found.rejected)


# --- 6. a cap's note for every table format ----------------------------------------------------------------------------

def _roster() -> Rows:
    """氏名 | 店舗住所 | 日付 | シフト with no header, sorted by staff (tables22's roster: read on past its sample)."""
    fake = _fake()
    places = [f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}" for _ in range(2)]
    days = [(dt.date(2026, 4, 1) + dt.timedelta(d)).isoformat() for d in range(100)]
    return [[n, places[i % 2], day, ("早番", "遅番", "日勤")[(i + d) % 3]]
            for i, n in enumerate(fake.name() for _ in range(6)) for d, day in enumerate(days)]


def _as(fmt: str, rows: Rows) -> bytes:
    from tests import document_data as D
    texts = [[str(v) for v in r] for r in rows]
    if fmt == "xlsx":
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    if fmt == "text":
        out_text = io.StringIO()
        csv.writer(out_text).writerows(texts)
        return out_text.getvalue().encode()
    if fmt == "html":
        cells = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in texts)
        return f"<html><body><table>{cells}</table></body></html>".encode()
    return {"docx": D.docx_with_table, "odt": D.odt_with_table, "rtf": D.rtf_with_table, "doc": D.doc_with_table}[fmt](texts)


@pytest.mark.parametrize("fmt", ["xlsx", "text", "html", "docx", "odt", "rtf", "doc"])
def test_the_read_on_cap_is_said_for_every_table_format(monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    """tables22 said the cap notes reach the report only through the workbook reader: every format goes through
    inspectors.spreadsheet.analyse_bytes, which sets pii.SHEET_NOTES around each sheet (CSV, HTML and document tables
    too). A guard: the note is in the file's reading notes whatever the format."""
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps
    monkeypatch.setattr(P, "READ_ON_ROWS", 10)
    rows = _roster()
    found, _sheets, reading = analyse_bytes(_as(fmt, rows), fmt, Caps())
    assert sum(f.count for f in found) == len(rows)
    assert any("read on" in n for n in reading.notes), reading.notes


# --- 4. a lone narrow person row below a wide export --------------------------------------------------------------------

WIDE_HEADER = ["姓", "名", "郵便番号", "都道府県", "市区町村", "町名", "番地", "建物名", "部屋", "電話"]


def _export(fake: Faker, n: int) -> Rows:
    return [WIDE_HEADER, *([fake.last_name(), fake.first_name(), fake.postcode(), fake.prefecture(), fake.city(),
                            fake.town(), fake.chome() + fake.ban(), fake.building_name(),
                            str(fake.random_int(101, 905)), fake.phone_number()] for _ in range(n))]


@pytest.mark.parametrize("where", ["below", "between"])
@pytest.mark.parametrize("padded", [False, True], ids=["own cells", "padded to 10"])
def test_a_lone_narrow_person_row_is_said_as_a_lone_row(where: str, padded: bool) -> None:
    """30 rows of a 10-column export and one header-less name | address | phone row (below it, or between its rows):
    one row is too few for a table of its own (NARROW_MIN: a footer would be a person), and it gave nothing, no record
    and no rejection (silently lost). It is now said on the sheet as ``lone-row``, never counted."""
    fake = _fake()
    rows = _export(fake, 30)
    lone = [fake.name(), fake.address(), fake.phone_number()]
    lone += [""] * (10 - len(lone)) if padded else []
    sheet = [*rows, lone] if where == "below" else [*rows[:16], lone, *rows[16:]]
    found = P.analyse_sheet("export", sheet)
    assert found is not None and found.count == len(rows) - 1, None if found is None else (found.count, found.rejected)
    assert found.rejected == {Rejection.LONE_ROW: 1}, found.rejected


def test_a_lone_footer_line_stays_unsaid() -> None:
    """The guard (tables22/review22t): a sign-off line (作成者 | a name | the office's address) is the export's own."""
    fake = _fake()
    rows = _export(fake, 30)
    found = P.analyse_sheet("export", [*rows, ["作成者", fake.name(), fake.address()]])
    assert found is not None and found.count == len(rows) - 1 and not found.rejected, found.rejected


# --- 1. / 2. an era's year ending the building part: a unit, or a date after her room -------------------------------------

def _persons_at(addresses: list[str]) -> int:
    """Distinct persons of one Faker name at one Faker block, each record's building part as typed."""
    from scanner.models import PersonRecord
    from scanner.persons.count import count, make_rows
    fake = _fake()
    name, home = fake.name(), f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()} "
    records = [PersonRecord("s", i, {"name": name, "address": home + a}) for i, a in enumerate(addresses)]
    return count(make_rows(0, records)[0]).unique


@pytest.mark.parametrize("typed", [["パークタワー H1", "パークタワー H2"], ["パークタワー　H1", "パークタワー　H2"],
                                   ["メゾン R2", "メゾン R3"], ["ハイツ S10", "ハイツ S11"]])
def test_two_era_shaped_units_typed_apart_stay_two_persons(typed: list[str]) -> None:
    """tables21 read an era's year typed apart (`パークタワー H1`) as a date and no unit: two namesakes in towers H1 and
    H2 were one person (glued, パークタワーH1 / H2, they were two). With no room of the building among the other
    records, the era-shaped part is the unit: 2 persons."""
    assert _persons_at(typed) == len(typed)


@pytest.mark.parametrize("typed", [["コーポ山田 101号室", "コーポ山田H30"], ["コーポ山田 101号室", "コーポ山田H30。"],
                                   ["コーポ山田 101号室", "コーポ山田 H30"], ["コーポ山田 101", "コーポ山田R2"]])
def test_an_era_year_beside_her_room_is_that_room_glued_or_apart(typed: list[str]) -> None:
    """`コーポ山田H30` glued beside `コーポ山田 101号室`: the glued form was unit 30 of wing H, two persons. The column's
    other values decide: the building's only room person is there, so the era's year is a date after the building and
    the record is that person: 1."""
    assert _persons_at(typed) == 1


def test_an_era_year_beside_two_rooms_is_its_own_person() -> None:
    """The guard: beside two namesakes' rooms (101, 202) an era-shaped part cannot say whose date it is: its own."""
    assert _persons_at(["コーポ山田 101号室", "コーポ山田 202号室", "コーポ山田 H30"]) == 3
