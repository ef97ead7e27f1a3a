"""Person tables real people make, counted whole (session 11, tables11), through the CLI: records, persons and the
notification list's whole addresses.

1. Numbers and addresses in pieces: a phone under ``市外局番 | 市内局番 | 加入者番号`` (NTT's names for the three parts;
   also ``市外局番 | 局番 | 番号``), a postal code under ``郵便番号`` merged over three cells with ``〒`` typed in its own
   cell (``〒 | 123 | 4567``, an Excel 住所録 template's print layout), an address whose ``住所2`` holds only the block
   number (``1-2-3``): joined without a space, so the same person written in one address cell elsewhere is one person.
2. A household's 郵便番号 / 住所 / 電話番号 merged down over its members' rows in an .xls (xlwt's write_merge, as Excel 97-2003
   writes a merged cell), an .ods (``table:number-rows-spanned``, ``table:covered-table-cell``) and an HTML table saved
   as .xls (``rowspan``): each member is a person at the household's address (fixmerged10 did only calamine's .xlsx).
3. Below the first 520 rows (the classification sample): a header-less person table below an inventory's header, a
   person table under half-width kana headers (ｼﾒｲ | ｼﾞｭｳｼｮ | ﾃﾞﾝﾜ) below an inventory, and one under an Excel table's
   default headers (列1 | 列2 | 列3: no field word at all) below a product list. A header-less facility list below an
   inventory stays no persons.
4. Care-software exports (カイポケ, ほのぼの, ワイズマン, 国保連): no published column list was found (NOTES-tables11.md).
Values: Faker ja_JP, fixed seeds (tests/person_tables_data.py, scanner.demo); never real data.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import pytest

from scanner.detectors.pii import analyse_sheet
from tests import jp_exports10_data as D
from tests import person_tables_data as T
from tests import pii_data as P
from tests import review_data as R

Rows = list[list[object]]


# --- 1. pieces ------------------------------------------------------------------------------------------------

def phone_three_cells(headers: tuple[str, str, str] = ("市外局番", "市内局番", "加入者番号"), seed: int = 11101,
                      filename: str = "電話_市外局番.csv") -> D.Layout:
    ps = T.ja_people(8, seed)
    rows: Rows = [["会員番号", "氏名", "郵便番号", "住所", *headers]]
    rows += [[1000 + i, p.name, p.postcode, p.address, *p.phone.split("-")] for i, p in enumerate(ps)]
    return D.Layout(filename, D.csv_bytes(rows), "persons", len(ps),
                    {(p.name_unspaced, p.address) for p in ps}, {p.name_unspaced: p.postcode for p in ps})


def postcode_three_cells() -> D.Layout:
    ps = T.ja_people(8, 11102)
    rows: Rows = [["住所録"], ["氏名", "郵便番号", "", "", "住所", "電話番号"]]
    rows += [[p.name, "〒", *p.postcode.split("-"), p.address, p.phone] for p in ps]
    return D.Layout("住所録_〒三つ.xlsx", D.xlsx_bytes(rows, ("A1:F1", "B2:D2")), "persons", len(ps),
                    {(p.name_unspaced, p.address) for p in ps}, {p.name_unspaced: p.postcode for p in ps})


def _no_building(ps: list[T.JaPerson]) -> list[T.JaPerson]:
    """No building; every other person in 前弥六 (Faker's town whose name ends in a kanji numeral: 前弥六 | 1-4-17 was
    joined with a space and the person key read 前弥6-1-4)."""
    from dataclasses import replace

    return [replace(p, building="", town="前弥六" if i % 2 else p.town) for i, p in enumerate(ps)]


BLOCK_PEOPLE = _no_building(T.ja_people(8, 11103))


def block_only_address2() -> D.Layout:
    """筆ぐるめ-style 住所1 | 住所2 where 住所2 is the block number alone (1-2-3)."""
    rows: Rows = [["氏名", "敬称", "郵便番号", "住所1", "住所2", "電話番号"]]
    rows += [[p.name, "様", p.postcode, p.prefecture + p.city + p.town, p.block, p.phone] for p in BLOCK_PEOPLE]
    return D.Layout("年賀状_住所2番地.csv", D.csv_bytes(rows), "persons", len(BLOCK_PEOPLE),
                    {(p.name_unspaced, p.address) for p in BLOCK_PEOPLE})


def block_people_in_one_cell() -> D.Layout:
    """The same persons with the address in one cell: one person each with the file above, not two."""
    rows: Rows = [["氏名", "住所", "電話番号"]] + [[p.name, p.address, p.phone] for p in BLOCK_PEOPLE]
    return D.Layout("名簿_同じ人.xlsx", D.xlsx_bytes(rows), "persons", len(BLOCK_PEOPLE),
                    {(p.name_unspaced, p.address) for p in BLOCK_PEOPLE})


# --- 2. merged down over a household's rows ------------------------------------------------------------------

HEADER = ["世帯番号", "氏名", "続柄", "生年月日", "郵便番号", "住所", "電話番号"]
MERGED = (0, 4, 5, 6)  # 世帯番号, 郵便番号, 住所, 電話番号 merged over the members' rows


def _households(seed: int) -> tuple[list[list[object]], set[tuple[str, str]]]:
    """3 households of 3: rows as the merged sheet shows them (the members' merged cells None)."""
    heads = T.ja_people(3, seed)
    given = T.ja_people(9, seed + 1)
    rows: list[list[object]] = []
    truth: set[tuple[str, str]] = set()
    for h, p in enumerate(heads):
        for m, rel in enumerate(("世帯主", "妻", "子")):
            g = given[h * 3 + m]
            first = m == 0
            rows.append([h + 1 if first else None, f"{p.family} {g.given}", rel, g.birth, p.postcode if first else None,
                         p.address if first else None, p.phone if first else None])
            truth.add((p.family + g.given, p.address))
    return rows, truth


def households_xls() -> D.Layout:
    import xlwt

    rows, truth = _households(11104)
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("世帯名簿")
    for c, v in enumerate(HEADER):
        ws.write(0, c, v)
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row):
            if c in MERGED and (r - 1) % 3 == 0:
                ws.write_merge(r, r + 2, c, c, v)
            elif v is not None:
                ws.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    return D.Layout("世帯名簿.xls", buf.getvalue(), "persons", 9, truth)


def _ods_cell(v: object, down: int = 1, across: int = 1) -> str:
    span = (f' table:number-rows-spanned="{down}"' if down > 1 else "") + (
        f' table:number-columns-spanned="{across}"' if across > 1 else "")
    if v is None:
        return f"<table:table-cell{span}/>"
    kind = f'office:value-type="float" office:value="{v}"' if isinstance(v, int) else 'office:value-type="string"'
    return f"<table:table-cell {kind}{span}><text:p>{escape(str(v))}</text:p></table:table-cell>"


def households_ods() -> D.Layout:
    """As LibreOffice writes merged cells: the anchor spans rows (and a title spans columns, its other cells covered);
    the cells under it are ``covered-table-cell``; rows start with a repeated empty column (column A unused)."""
    rows, truth = _households(11105)
    body = ['<table:table table:name="世帯名簿"><table:table-column table:number-columns-repeated="8"/>',
            "<table:table-row>", '<table:table-cell table:number-columns-repeated="1"/>',
            _ods_cell("世帯名簿（令和7年度）", across=7), '<table:covered-table-cell table:number-columns-repeated="6"/>',
            "</table:table-row>",
            '<table:table-row><table:table-cell/>', *(_ods_cell(v) for v in HEADER), "</table:table-row>"]
    for i, row in enumerate(rows):
        body.append("<table:table-row><table:table-cell/>")
        for c, v in enumerate(row):
            if c in MERGED:
                body.append(_ods_cell(v, down=3) if i % 3 == 0 else "<table:covered-table-cell/>")
            else:
                body.append(_ods_cell(v))
        body.append("</table:table-row>")
    body.append('<table:table-row table:number-rows-repeated="1048560"><table:table-cell '
                'table:number-columns-repeated="8"/></table:table-row></table:table>')
    data = P.ods_package("".join(body))
    return D.Layout("世帯名簿.ods", data, "persons", 9, truth)


def households_html_xls() -> D.Layout:
    """Excel's "Web ページ" save renamed .xls (or a system's HTML export named .xls): rowspan over the members."""
    rows, truth = _households(11106)
    out = ['<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head><body><table>',
           '<tr><td colspan="7">世帯名簿（令和7年度）</td></tr>',
           "<tr>" + "".join(f"<td>{escape(h)}</td>" for h in HEADER) + "</tr>"]
    for i, row in enumerate(rows):
        cells = []
        for c, v in enumerate(row):
            if c in MERGED:
                if i % 3 == 0:
                    cells.append(f'<td rowspan="3">{escape(str(v))}</td>')
            else:
                cells.append(f"<td>{escape(str(v))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table></body></html>")
    return D.Layout("世帯名簿_web.xls", "\n".join(out).encode("utf-8"), "persons", 9, truth)


def households_spreadsheetml() -> D.Layout:
    """Excel 2003 "XML スプレッドシート" (often saved as .xls): ss:MergeDown on the anchor, the covered cells left out
    of the rows below (the next cell placed by ss:Index)."""
    rows, truth = _households(11110)
    out = ['<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="世帯名簿"><Table>',
           "<Row>" + "".join(f'<Cell><Data ss:Type="String">{escape(h)}</Data></Cell>' for h in HEADER) + "</Row>"]
    for i, row in enumerate(rows):
        cells, skipped = [], False
        for c, v in enumerate(row):
            if c in MERGED and i % 3:
                skipped = True
                continue
            kind = "Number" if isinstance(v, int) else "String"
            attrs = (f' ss:Index="{c + 1}"' if skipped else "") + (' ss:MergeDown="2"' if c in MERGED else "")
            cells.append(f'<Cell{attrs}><Data ss:Type="{kind}">{escape(str(v))}</Data></Cell>')
            skipped = False
        out.append("<Row>" + "".join(cells) + "</Row>")
    out.append("</Table></Worksheet></Workbook>")
    return D.Layout("世帯名簿_xml.xls", "\n".join(out).encode("utf-8"), "persons", 9, truth)


def households_openpyxl() -> D.Layout:
    """An .xlsx calamine refuses (an error value it does not know, ``#BOGUS!``, in a remark cell) and openpyxl reads:
    the fallback's read-only worksheet has no merged cells, so the members' rows were empty there too."""
    import re

    rows, truth = _households(11111)
    merges = tuple(f"{'AEFG'[MERGED.index(c)]}{r}:{'AEFG'[MERGED.index(c)]}{r + 2}" for c in MERGED for r in (2, 5, 8))
    good = D.xlsx_bytes([HEADER + ["備考"], *[[*row, ""] for row in rows]], merges)
    data = R.rewrite_part(good, "xl/worksheets/sheet1.xml", lambda body: re.sub(
        rb'(<row r="3"[^>]*>)(.*?)</row>', rb'\1\2<c r="H3" t="e"><v>#BOGUS!</v></c></row>', body, count=1, flags=re.S))
    return D.Layout("世帯名簿_openpyxl.xlsx", data, "persons", 9, truth)


def _xlsb_record(kind: int, payload: bytes = b"") -> bytes:
    out = bytearray()
    for v in (kind, len(payload)):
        while True:
            out.append((v & 0x7F) | (0x80 if v >> 7 else 0))
            v >>= 7
            if not v:
                break
    return bytes(out) + payload


def households_xlsb() -> D.Layout:
    """An .xlsb with its merges (pyxlsbwriter writes none: BrtBeginMergeCells / BrtMergeCell / BrtEndMergeCells are
    put after BrtEndSheetData, where Excel writes them); calamine reports no merged ranges for .xlsb."""
    import struct

    rows, truth = _households(11112)
    merges = [struct.pack("<IIII", r, r + 2, c, c) for c in MERGED for r in (1, 4, 7)]
    block = (_xlsb_record(177, struct.pack("<I", len(merges))) + b"".join(_xlsb_record(176, m) for m in merges)
             + _xlsb_record(178))
    end = _xlsb_record(146)  # BrtEndSheetData

    def add(body: bytes) -> bytes:
        k = body.index(end) + len(end)
        return body[:k] + block + body[k:]

    plain = P.xlsb_bytes({"世帯名簿": [HEADER, *[["" if v is None else v for v in row] for row in rows]]})
    return D.Layout("世帯名簿.xlsb", R.rewrite_part(plain, "xl/worksheets/sheet1.bin", add), "persons", 9, truth)


# --- 3. below the sample -------------------------------------------------------------------------------------

LATER = P.people(60, seed=11107)


def _later_rows(ps: list) -> Rows:
    return [[p.name, p.kana, p.postcode, p.address, p.phone] for p in ps]


def _later(filename: str, above: Rows, header: list[object] | None) -> D.Layout:
    rows = above + ([header] if header else []) + _later_rows(LATER)
    data = P.xlsx_bytes({"一覧": rows}) if filename.endswith(".xlsx") else P.csv_bytes(rows)
    return D.Layout(filename, data, "persons", len(LATER), {(p.name.replace(" ", ""), p.address) for p in LATER})


def later_layouts() -> list[D.Layout]:
    inv = P.inventory(P.people(600, seed=5))
    return [
        _later("在庫_見出しなし名簿.xlsx", inv, None),
        _later("在庫_見出しなし名簿.csv", inv, None),
        _later("在庫_半角見出し.xlsx", inv, ["ｼﾒｲ", "ﾌﾘｶﾞﾅ", "ﾕｳﾋﾞﾝﾊﾞﾝｺﾞｳ", "ｼﾞｭｳｼｮ", "ﾃﾞﾝﾜ"]),
        _later("商品_列見出し.xlsx", P.product_list(1000), ["列1", "列2", "列3", "列4", "列5"]),
    ]


PERSONS = {L.filename: L for L in (phone_three_cells(),
                                   phone_three_cells(("市外局番", "局番", "番号"), 11108, "電話_局番.csv"),
                                   postcode_three_cells(), block_only_address2(), block_people_in_one_cell(),
                                   households_xls(), households_ods(), households_html_xls(), households_spreadsheetml(), households_openpyxl(), households_xlsb(), *later_layouts())}
SHARED = ("年賀状_住所2番地.csv", "名簿_同じ人.xlsx")  # the same persons twice
NEGATIVE = {
    "在庫_施設一覧.xlsx": P.xlsx_bytes({"一覧": P.inventory(P.people(600, seed=5))
                                         + P.facility_list(P.people(200, seed=9))[1:]}),
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    files, export, doc = D.scan_and_export(tmp_path_factory.mktemp("tables11"),
                                           {**{L.filename: L.data for L in PERSONS.values()}, **NEGATIVE})
    return files, export, doc["persons"]


@pytest.mark.parametrize("filename", sorted(PERSONS))
def test_every_record_of_the_person_table_is_counted(scanned, filename):
    files, _, _ = scanned
    L = PERSONS[filename]
    hit = files.get(filename)
    assert hit is not None and hit["status"] == "ok" and "pii" in hit["reasons"], (filename, hit)
    sheets = hit["pii"]["sheets"]
    assert [s["kind"] for s in sheets] == [L.kind], filename
    assert sheets[0]["records"] == L.records, filename


@pytest.mark.parametrize("filename", sorted(PERSONS))
def test_the_notification_list_has_every_person_with_the_whole_address(scanned, filename):
    D.assert_every_person_with_the_whole_address(scanned[1], PERSONS[filename])


def test_the_same_person_with_the_block_in_its_own_cell_is_one_person(scanned):
    _, _, persons = scanned
    every = set().union(*(L.persons for L in PERSONS.values()))  # the block file's persons are the one-cell file's
    assert all(p in every for p in PERSONS[SHARED[0]].persons) and PERSONS[SHARED[0]].persons == PERSONS[SHARED[1]].persons
    assert persons["unique"] == len(every), persons


@pytest.mark.parametrize("filename", ["電話_市外局番.csv", "電話_局番.csv"])
def test_a_phone_in_three_named_cells_is_whole(scanned, filename):
    files, _, _ = scanned
    assert "phone" in files[filename]["pii"]["sheets"][0]["fields"]
    rows = [[c.strip('"') for c in line.split(",")] for line in PERSONS[filename].data.decode("cp932").splitlines()]
    found = analyse_sheet("s", rows)
    assert found is not None
    assert [r.fields.get("phone") for r in found.records] == [r[-3] + "-" + r[-2] + "-" + r[-1] for r in rows[1:]]


def test_a_lone_subscriber_number_is_no_phone():
    """加入者番号 alone is an insurance member number (review10a #6): never a phone."""
    ps = T.ja_people(8, 11109)
    rows: Rows = [["氏名", "住所", "加入者番号"]] + [[p.name, p.address, f"{12345678 + i}"] for i, p in enumerate(ps)]
    found = analyse_sheet("s", rows)
    assert found is not None and all("phone" not in r.fields for r in found.records)


@pytest.mark.parametrize("name", NEGATIVE)
def test_a_facility_list_below_an_inventory_is_no_persons(scanned, name):
    files, _, _ = scanned
    assert name not in files or "pii" not in files[name]["reasons"], files[name].get("pii")


@pytest.mark.parametrize("change", ["remark", "units"])
def test_an_inventory_whose_rows_change_shape_further_down_is_no_person_table(change):
    """Below the sample, the inventory's own rows in a new shape (its remark column filled, its counts typed as 3台)
    start a window; read without their header, 担当者名 + 保管場所 would be persons: the window is not taken because
    the inventory's rows above, read the same way, give the same name and address columns."""
    inv = P.inventory(P.people(1200, seed=5))
    later = [[*r[:4], "要点検"] if change == "remark" else [r[0], f"{r[1]}台", *r[2:]] for r in inv[601:]]
    assert analyse_sheet("一覧", iter(inv[:601] + later)) is None


def test_a_headerless_person_table_of_the_inventorys_width_below_it_is_found():
    """The same inventory, then name | address | phone rows without a header: 100 persons, their sheet row numbers."""
    inv = P.inventory(P.people(600, seed=5))
    ps = P.people(100, seed=8)
    found = analyse_sheet("一覧", iter(inv + [[p.name, p.address, p.phone] for p in ps]))
    assert found is not None and found.count == 100 and found.header_row is None and found.rows[0][0] == 602
