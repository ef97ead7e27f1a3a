"""tables24: person tables left open by tables23 / tables23b / review23t (Faker ja_JP, fixed seed 2424; every expected
count derived from the generated rows).

1. A person list interrupted by a block of 3+ rows of other shapes (subtotals, a section's heading, an item list's
   rows) lost persons: header-less, those above the block (the mixed sample outvoted them); under a header naming
   things (品名 | 数量 | 保管場所 | 担当者名) all of them.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from faker import Faker

from scanner.codes import Rejection, SheetKind
from scanner.details import codes_of
from scanner.detectors import pii as P
from scanner.detectors import values as V
from scanner.rules import load

SEED = 2424
Rows = list[list[object]]
THINGS = ["品名", "数量", "保管場所", "担当者名"]


def _fake() -> Faker:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return fake


def _persons(fake: Faker, n: int) -> Rows:
    return [[fake.name(), fake.address(), fake.phone_number()] for _ in range(n)]


def _item(fake: Faker) -> list[object]:
    return [fake.word() + "セット", fake.random_int(1, 50), f"本社倉庫{fake.random_int(1, 9)}番棚", fake.name()]


def _subtotal(fake: Faker) -> list[object]:
    return ["小計", fake.random_int(1, 50), fake.random_int(1000, 90000)]


def _section(fake: Faker) -> list[object]:
    return [f"【第{fake.random_int(1, 9)}地区】", "", ""]


BLOCKS: dict[str, Callable[[Faker], list[object]]] = {"items": _item, "subtotals": _subtotal, "sections": _section}


# --- 1. a person list interrupted by rows of other shapes ---------------------------------------------------------------

@pytest.mark.parametrize("sizes", [(5, 8, 5), (20, 30, 20), (10, 30, 50), (3, 3, 20)], ids=str)
@pytest.mark.parametrize("block", list(BLOCKS))
@pytest.mark.parametrize("header", ["header-less", "品名"])
def test_persons_interrupted_by_a_block_of_other_rows_are_all_counted(header: str, block: str,
                                                                       sizes: tuple[int, int, int]) -> None:
    """Persons, a block of other rows (3-30), persons again: every person is counted. Was, header-less: the persons
    above the block lost for blocks of 8+ rows (the sample as a whole refused: 5 of 10, 20 of 40); under a things
    header: none at all (5+8+5, 20+30+20)."""
    fake = _fake()
    above, below = _persons(fake, sizes[0]), _persons(fake, sizes[2])
    rows: Rows = [*([THINGS] if header == "品名" else []), *above,
                  *(BLOCKS[block](fake) for _ in range(sizes[1])), *below]
    found = P.analyse_sheet("s", rows)
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(above) + len(below), \
        None if found is None else (found.count, found.rejected)
    assert {r.fields["name"] for r in found.records} == {str(p[0]) for p in above + below}


@pytest.mark.parametrize("items", [2, 3, 5])
@pytest.mark.parametrize("between", [1, 3, 6])
def test_persons_under_an_item_list_split_by_its_rows_are_counted(items: int, between: int) -> None:
    """品名 | 数量 | 保管場所 | 担当者名, 2+ of its rows, 20 persons, 1-6 more of its rows, 20 persons: the list's rows
    coming back between the persons made their shape the list's (read as notes between a list's rows, review21s),
    and all 40 were lost (tables22's "split by list rows", None). Now 40."""
    fake = _fake()
    above, below = _persons(fake, 20), _persons(fake, 20)
    rows: Rows = [THINGS, *(_item(fake) for _ in range(items)), *above, *(_item(fake) for _ in range(between)), *below]
    found = P.analyse_sheet("s", rows)
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 40, \
        None if found is None else (found.count, found.rejected)
    assert {r.fields["name"] for r in found.records} == {str(p[0]) for p in above + below}


@pytest.mark.parametrize("rows", [10, 40])
def test_an_item_list_with_subtotals_stays_no_persons(rows: int) -> None:
    """The guard: an inventory (header-less or under its header) whose rows are interrupted by subtotal and section
    rows is no person table (its 担当者名 and 保管場所)."""
    fake = _fake()
    body: Rows = []
    for _ in range(3):
        body += [_item(fake) for _ in range(rows)] + [_subtotal(fake) for _ in range(3)] + [_section(fake)]
    for sheet in (body, [THINGS, *body]):
        found = P.analyse_sheet("s", sheet)
        assert found is None or not found.count, (found.count, found.rejected)


# --- 4. a facility named by its place and a katakana word --------------------------------------------------------------

_SUFFIX = re.compile("[市区町村]$")


def _facilities(fake: Faker, n: int) -> Rows:
    """name | address | phone of facilities named by a place of their own address and a katakana word (香南アグリーム at
    高松市香南町…: takamatsu's agricultural_experience_facility): the stem of the address's municipality (横浜 of
    横浜市栄区, 四街道 of 四街道市) or of its town when typed with 町 or 村 (明石 of 明石町)."""
    words = sorted({w for w in (fake.word() for _ in range(2000)) if re.fullmatch("[ァ-ヺー]{2,6}", w)})
    rows: Rows = []
    for i in range(n):
        city, town = fake.city(), fake.town()
        place = _SUFFIX.sub("", town if i % 2 and _SUFFIX.search(town) else re.split("[市郡]", city)[-2 if
                                                                                           "市" in city else -1])
        rows.append([place + words[i % len(words)], f"{fake.prefecture()}{city}{town}{fake.chome()}{fake.ban()}",
                     fake.phone_number()])
    return rows


def test_facilities_named_by_their_place_and_a_katakana_word_are_no_persons() -> None:
    """香南アグリーム at 高松市香南町岡…: the name's kanji head is a place of its own address, its tail a katakana word:
    a facility, refused not-a-name. Was: every one a person (a surname-shaped head + a kana given name)."""
    fake = _fake()
    # a facility's katakana word: 4+ characters or a long vowel (スキーム, バスケット); Faker's 2-3 character words
    # without ー (ダニ, トス, テント) have a given name's shape (ハル, エミリ) and are kept persons (review24t)
    rows = [f for f in _facilities(fake, 200) if re.fullmatch("[一-鿿々ヶ]{2,4}(?=[ァ-ヺー]*ー|[ァ-ヺ]{4})[ァ-ヺー]+",
                                                                str(f[0]))]
    # tables25: a place that is a common family name (川崎, 中野, 日野: namesake residents, 中村エミリー at 中村区) with a
    # coined word is a person's shape; with a facility word (中野センター) it stays a facility (test_tables25)
    rows = [f for f in rows if not P._common_family(re.match("[一-鿿々ヶ]+", str(f[0]))[0])  # type: ignore[index]
            or str(f[0]).endswith(V.facility_kana_words())]
    assert len(rows) >= 110
    found = P.analyse_sheet("s", [["name", "address", "telephoneNumber"], *rows])
    assert found is None or not found.count, (found.count, found.rejected)


def test_persons_with_a_katakana_given_name_stay_persons() -> None:
    """The guard: a family name and a katakana given name written without a space (山田サクラ, 田中エミリ: Faker's
    last names and kana given names) at addresses of their own are persons, 1,000 of 1,000; spaced too."""
    fake = _fake()
    people = [[(fake.last_name(), fake.first_kana_name()), fake.address(), fake.phone_number()] for _ in range(1000)]
    people += [[("山田", "サクラ"), "東京都小金井市本町3-12-5", "042-123-4567"], [("田中", "エミリ"), "大阪府大阪市北区梅田1-2-3", ""]]
    for sep in ("", " ", "\u3000"):
        rows = [[sep.join(p[0]), *p[1:]] for p in people]  # type: ignore[arg-type]
        found = P.analyse_sheet("s", [["氏名", "住所", "電話番号"], *rows])
        assert found is not None and found.count == len(people), (found and found.count, found and found.rejected)


# --- 3. region rows: region-shaped names among persons, staff at their regional office --------------------------------

REGIONS = ["\u3000".join(n) if len(n) == 2 else n for n in load("pii_columns")["japanese_regions"]["names"]][:8]


@pytest.mark.parametrize("persons", [4, 8])
@pytest.mark.parametrize("header", [True, False], ids=["氏名", "header-less"])
def test_a_third_of_region_shaped_names_at_homes_of_their_own_are_persons(header: bool, persons: int) -> None:
    """4 persons and 2 region-shaped names (北　陸 Kita Riku, 東　海 Azuma Kai) at homes of their own, or 8 and 4: exactly a
    third. Was: the region-shaped two or four refused not-a-name (4 of 6, 8 of 12 counted). Offices take turns with
    persons from more than a third of the column on (tables23's 8 of 16 unchanged)."""
    fake = _fake()
    regions = persons // 2
    rows: Rows = [[fake.name(), fake.address(), fake.phone_number()] for _ in range(persons)]
    for i in range(regions):
        rows.insert(1 + 3 * i, [REGIONS[i], fake.address(), fake.phone_number()])
    found = P.analyse_sheet("s", [["氏名", "住所", "電話"], *rows] if header else rows)
    assert found is not None and found.count == persons + regions, (found and found.count, found and found.rejected)


@pytest.mark.parametrize("header", [True, False], ids=["氏名", "header-less"])
def test_staff_at_their_regional_office_are_no_persons(header: bool) -> None:
    """東　北 | its office's address | phone, then its manager at the office's address and phone, for 8 regions: the
    managers are staff at their office, no client or resident (a person's record is her own home): refused
    name-elsewhere, 0 persons. Was: 8 persons + 8 not-a-name (review23t's left item)."""
    fake = _fake()
    rows: Rows = [["氏名", "住所", "電話"]] if header else []
    for region in REGIONS:
        office, phone = fake.address(), fake.phone_number()
        rows += [[region, office, phone], [fake.name(), office, phone]]
    found = P.analyse_sheet("s", rows)
    assert found is None or not found.count, (found.count, found.rejected)
    if found is not None:
        assert found.rejected.get(Rejection.NAME_ELSEWHERE) == len(REGIONS)


# --- 2. a name alone above the header ---------------------------------------------------------------------------------

WIDE_HEADER = ["姓", "名", "郵便番号", "都道府県", "市区町村", "町名", "番地", "建物名", "部屋", "電話"]


@pytest.mark.parametrize("line", [["作成者", "山田 花子"], ["作成者 山田 花子"], ["担当", "山田 花子", "", "内線 123"],
                                  ["山田 花子"]])
def test_a_name_alone_above_the_header_is_no_record_and_no_lone_row(line: list[object]) -> None:
    """Decision (tables24): a name with no address above a person table's header (its maker, 作成者 山田 花子) is no
    record: a person's record is a name with an address, and lone-row says a name and an address too few for a table.
    It is neither counted nor said; the export's persons and header row are read as before (30, header at row 2)."""
    fake = _fake()
    rows = [WIDE_HEADER, *([fake.last_name(), fake.first_name(), fake.postcode(), fake.prefecture(), fake.city(),
                            fake.town(), fake.chome() + fake.ban(), fake.building_name(),
                            str(fake.random_int(101, 905)), fake.phone_number()] for _ in range(30))]
    found = P.analyse_sheet("export", [line, *rows])
    assert found is not None and found.count == 30 and found.header_row == 2 and not found.rejected, \
        None if found is None else (found.count, found.header_row, found.rejected)


def _csv(rows: Rows) -> bytes:
    return "".join(",".join(str(v) for v in r) + "\r\n" for r in rows).encode("utf-8")


@pytest.mark.parametrize("where", ["below", "between"])
def test_a_lone_person_row_beside_a_table_of_no_record_is_said(where: str) -> None:
    """A 10-column export whose every row is a template's stand-in (テスト 太郎: placeholder, no record) and one person's
    name | address | phone row below or between its rows: the lone row was said (lone-row) only with the export's
    records, so here it was neither counted nor said (tables23's left item). Now the file's reading notes say it
    (lone-row-alone, never counted); the sheet still gives no person."""
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps

    fake = _fake()
    rows = [WIDE_HEADER, *(["テスト", "太郎", fake.postcode(), fake.prefecture(), fake.city(), fake.town(),
                            fake.chome() + fake.ban(), "", "", fake.phone_number()] for _ in range(30))]
    lone = [fake.name(), fake.address(), fake.phone_number()]
    sheet = [*rows, lone] if where == "below" else [*rows[:16], lone, *rows[16:]]
    found, _sheets, reading = analyse_bytes(_csv(sheet), "text", Caps())
    assert not sum(f.count for f in found if f.kind != SheetKind.NAMES)
    assert [c.get("n") for n in reading.notes for c in codes_of(n) if c.get("code") == "lone-row-alone"] == [1]


def test_a_lone_person_row_beside_a_table_with_records_is_no_note() -> None:
    """The guard: beside a table that gave records the lone row is the sheet's rejection lone-row, as before."""
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps

    fake = _fake()
    rows = [WIDE_HEADER, *([fake.last_name(), fake.first_name(), fake.postcode(), fake.prefecture(), fake.city(),
                            fake.town(), fake.chome() + fake.ban(), "", "", fake.phone_number()] for _ in range(30))]
    found, _sheets, reading = analyse_bytes(_csv([*rows, [fake.name(), fake.address(), fake.phone_number()]]), "text",
                                            Caps())
    assert sum(f.count for f in found) == 30 and found[0].rejected == {Rejection.LONE_ROW: 1}
    assert not [c for n in reading.notes for c in codes_of(n) if c.get("code") == "lone-row-alone"]


# --- 5. coordinates joined into an address (code4fukui/japan-heritage, props_detail/40.csv) ------------------------------

DATA = Path(__file__).parent / "data" / "tables"


def _coordinates(fake: Faker) -> list[str]:
    return [f"{fake.pyfloat(min_value=31, max_value=43):.7f}", f"{fake.pyfloat(min_value=130, max_value=145):.7f}",
            str(fake.random_int(14, 17))]


def test_a_heritage_list_with_coordinates_is_no_person_table() -> None:
    """The cultural properties of one Japan Heritage story (code4fukui/japan-heritage japan-heritage_props_detail/40.csv:
    pidx | … | status | name | yomi | spot | lat | lng | zoom | image, the spot a prefecture and a city): read header-less,
    the status column (国史跡, 県指定) was the names and spot + lat + lng + zoom joined one address
    (山形県鶴岡市38.7003206139.886560417…): 17 false persons (c0ece0e1 too). A coordinate (a decimal fraction of 4+
    digits) is no part of an address."""
    rows = list(csv.reader(io.StringIO(gzip.decompress((DATA / "japanheritage__props_detail_40.csv.gz").read_bytes())
                                       .decode("utf-8-sig"))))
    found = P.analyse_sheet("40", rows)
    assert found is None or not found.count, (found.count, found.columns, found.rejected)


def test_persons_with_coordinates_beside_their_addresses_keep_their_addresses_whole() -> None:
    """The guard: a geocoded client list (name | address | lat | lng, header-less) is counted, each address its own text
    without the coordinates."""
    fake = _fake()
    people = [[fake.name(), fake.address(), *_coordinates(fake)[:2]] for _ in range(30)]
    found = P.analyse_sheet("s", people)
    assert found is not None and found.count == 30, None if found is None else (found.count, found.rejected)
    assert {r.fields["address"] for r in found.records} == {str(p[1]) for p in people}
