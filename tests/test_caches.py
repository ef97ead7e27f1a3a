"""Copies of rows a workbook keeps outside its sheets (scanner.caches): pivot caches and external-link caches.

The workbooks are built as Excel writes them (part names, relationships, namespaces and attributes follow real
Excel 2016-365 files: calamine's pivots.xlsx and POI's ExcelPivotTableSample.xlsx / 46535.xlsx), over a
visible sheet that holds no person: the person sheet was deleted, its rows survive only in the cache. People
are generated (Faker ja_JP, fixed seed). Damaged copies: a records part cut mid-way, an index past the shared
items, a missing records part, a flipped byte in the records' deflate stream, a DTD.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest

from scanner.inspectors.spreadsheet import analyse_bytes, pii_summary
from scanner.sheet import Caps, origin_label
from scanner.tables import ooxml_package, sniff_format
from tests.conftest import run_leakscan
from tests.pii_data import Rows, budget, people, standard, xlsx_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CACHED = 60  # persons in the deleted sheet
SHARED = {"氏名", "フリガナ", "住所", "性別", "要介護度"}  # fields kept as shared items (<x v=>), like Excel's axis fields


def _item(v: object) -> str:
    if v in ("", None):
        return "<m/>"
    if isinstance(v, bool):
        return f'<b v="{int(v)}"/>'
    if isinstance(v, int | float):
        return f'<n v="{v}"/>'
    if isinstance(v, dt.date):
        return f'<d v="{v.isoformat()}T00:00:00"/>'
    return f"<s v={quoteattr(str(v))}/>"


def pivot_parts(rows: Rows, source_sheet: str, n: int = 1) -> tuple[str, str]:
    """(pivotCacheDefinition, pivotCacheRecords) XML of ``rows`` (header first), as Excel writes them."""
    header, body = rows[0], rows[1:]
    fields, shared = [], []
    for c, name in enumerate(header):
        values = [r[c] if c < len(r) else "" for r in body]
        if name in SHARED:
            items = list(dict.fromkeys(values))
            shared.append(items)
            fields.append(f'<cacheField name={quoteattr(str(name))} numFmtId="0"><sharedItems count="{len(items)}">'
                          + "".join(_item(v) for v in items) + "</sharedItems></cacheField>")
        else:
            shared.append(None)
            fields.append(f'<cacheField name={quoteattr(str(name))} numFmtId="0"><sharedItems containsBlank="1"/>'
                          "</cacheField>")
    fields.append('<cacheField name="合計" numFmtId="0" formula="No*2" databaseField="0"/>')  # calculated: not in records
    last = f"{chr(64 + len(header))}{len(rows)}"
    definition = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<pivotCacheDefinition xmlns="{MAIN}" '
                  f'xmlns:r="{REL}" r:id="rId1" refreshedBy="user" refreshedDate="45000.5" createdVersion="8" '
                  f'refreshedVersion="8" minRefreshableVersion="3" recordCount="{len(body)}"><cacheSource type="worksheet">'
                  f'<worksheetSource ref="A1:{last}" sheet={quoteattr(source_sheet)}/></cacheSource>'
                  f'<cacheFields count="{len(fields)}">' + "".join(fields) + "</cacheFields></pivotCacheDefinition>")
    recs = []
    for r in body:
        cells = []
        for c in range(len(header)):
            v = r[c] if c < len(r) else ""
            cells.append(f'<x v="{shared[c].index(v)}"/>' if shared[c] is not None else _item(v))
        recs.append("<r>" + "".join(cells) + "</r>")
    records = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<pivotCacheRecords xmlns="{MAIN}" '
               f'xmlns:r="{REL}" count="{len(body)}">' + "".join(recs) + "</pivotCacheRecords>")
    return definition, records


def external_part(rows: Rows, sheet: str) -> str:
    """An externalLink part caching ``rows`` of ``sheet`` (what a VLOOKUP into another book leaves)."""
    out = []
    for i, r in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(r):
            if v in ("", None):
                continue
            ref = f"{chr(65 + c)}{i}"
            if isinstance(v, int | float) and not isinstance(v, bool):
                cells.append(f'<cell r="{ref}"><v>{v}</v></cell>')
            else:
                text = v.isoformat() if isinstance(v, dt.date) else str(v)
                cells.append(f'<cell r="{ref}" t="str"><v>{_esc(text)}</v></cell>')
        out.append(f'<row r="{i}">' + "".join(cells) + "</row>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<externalLink xmlns="{MAIN}"><externalBook '
            f'xmlns:r="{REL}" r:id="rId1"><sheetNames><sheetName val="表紙"/><sheetName val={quoteattr(sheet)}/>'
            '</sheetNames><sheetDataSet><sheetData sheetId="0" refreshError="1"/><sheetData sheetId="1">'
            + "".join(out) + "</sheetData></sheetDataSet></externalBook></externalLink>")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rels(*rels: tuple[str, str, str]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target={quoteattr(target)}'
                   + (' TargetMode="External"' if "externalLinkPath" in t else "") + "/>" for i, t, target in rels)
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="{PKG}">{body}</Relationships>'


def with_parts(xlsx: bytes, parts: dict[str, bytes | str], workbook_rels: list[tuple[str, str]],
               drop: tuple[str, ...] = ()) -> bytes:
    """``xlsx`` with ``parts`` added and the workbook's relationships extended by (type, target)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                extra = "".join(f'<Relationship Id="rIdC{k}" Type="{REL}/{t}" Target="{target}"/>'
                                for k, (t, target) in enumerate(workbook_rels))
                data = data.replace(b"</Relationships>", extra.encode() + b"</Relationships>")
            z.writestr(info, data)
        for name, data in parts.items():
            if name not in drop:
                z.writestr(name, data)
    return buf.getvalue()


def pivot_book(visible: dict[str, Rows], cached: Rows, source_sheet: str = "利用者名簿", records: str | None = None,
               drop: tuple[str, ...] = ()) -> bytes:
    """A workbook whose pivot cache holds ``cached`` (its source sheet gone); ``records`` replaces the records XML."""
    definition, recs = pivot_parts(cached, source_sheet)
    parts: dict[str, bytes | str] = {
        "xl/pivotCache/pivotCacheDefinition1.xml": definition,
        "xl/pivotCache/pivotCacheRecords1.xml": recs if records is None else records,
        "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels": _rels(("rId1", f"{REL}/pivotCacheRecords",
                                                                     "pivotCacheRecords1.xml"))}
    return with_parts(xlsx_bytes(visible), parts, [("pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml")],
                      drop)


def external_book(visible: dict[str, Rows], cached: Rows, target: str) -> bytes:
    parts: dict[str, bytes | str] = {
        "xl/externalLinks/externalLink1.xml": external_part(cached, "名簿"),
        "xl/externalLinks/_rels/externalLink1.xml.rels": _rels(("rId1", f"{REL}/externalLinkPath", target))}
    return with_parts(xlsx_bytes(visible), parts, [("externalLink", "externalLinks/externalLink1.xml")])


def summary(ps: list) -> Rows:
    """What stays visible: a pivot table's output (counts by care level), no person in it."""
    counts: dict[str, int] = {}
    for p in ps:
        counts[p.care] = counts.get(p.care, 0) + 1
    return [["行ラベル", "個数 / 氏名"], *[[k, v] for k, v in sorted(counts.items())], ["総計", len(ps)]]


def recut(xlsx: bytes, part: str, change) -> bytes:
    """``xlsx`` with one member's bytes changed (re-zipped: the zip itself stays sound, the part is damaged)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            z.writestr(info, change(data) if info.filename == part else data)
    return buf.getvalue()


def flip_in_member(xlsx: bytes, part: str, at: float = 0.5) -> bytes:
    """``xlsx`` with one byte of a member's compressed stream flipped (its CRC no longer matches)."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        info = z.getinfo(part)
    header = info.header_offset
    name_len = int.from_bytes(xlsx[header + 26:header + 28], "little")
    extra_len = int.from_bytes(xlsx[header + 28:header + 30], "little")
    pos = header + 30 + name_len + extra_len + int(info.compress_size * at)
    data = bytearray(xlsx)
    data[pos] ^= 0x5A
    return bytes(data)


def analyse(data: bytes, caps: Caps | None = None):
    return analyse_bytes(data, sniff_format(data), caps or Caps())


PS = people(CACHED, seed=61)


# --- in process: what a cache becomes --------------------------------------------------------------------

def test_deleted_person_sheet_lives_on_in_its_pivot_cache() -> None:
    book = pivot_book({"集計": summary(PS)}, standard(PS))
    assert not analyse(xlsx_bytes({"集計": summary(PS)}))[0]  # without its cache the workbook holds no person
    findings, sheets, reading = analyse(book)
    (found,) = findings
    assert found.count == CACHED and found.origin is not None and found.origin["kind"] == "pivot-cache"
    assert found.name == "pivot cache 1 (source: 利用者名簿!A1:I61)" and found.index is None
    assert sheets == 1 and not reading.damage and not reading.unread  # one worksheet; the cache is not a sheet
    names = sorted(r.fields["name"] for r in found.records)
    assert names == sorted(p.name for p in PS)  # every cached row, each from its own shared item
    shown = found.to_json(unmask=False)
    assert shown["origin"] == {"kind": "pivot-cache", "number": "1", "part": "xl/pivotCache/pivotCacheDefinition1.xml",
                               "range": "A1:I61", "source_type": "worksheet"}
    assert shown["name"].startswith("pivot cache 1 (source: ") and "利用者名簿" not in shown["name"]  # masked


def test_non_person_pivot_cache_stays_non_person() -> None:
    rows = budget(PS) + [["備品", 4500], ["通信費", 7200]]
    findings, _, reading = analyse(pivot_book({"集計": [["項目", "合計"], ["総計", 61700]]}, rows, "予算"))
    assert findings == [] and not reading.damage and not reading.unread


def test_visible_sheet_and_its_cache_count_once() -> None:
    """A workbook that still has its source sheet: the cache repeats its rows; both show as person tables, but
    the rows are counted once (records of the file = the sheet's), the cache says how many it repeats."""
    findings, _, _ = analyse(pivot_book({"利用者名簿": standard(PS)}, standard(PS)))
    sheet, cache = findings
    assert (sheet.origin, sheet.count, cache.count, cache.repeats) == (None, CACHED, CACHED, CACHED)
    assert cache.records == [] and len(sheet.records) == CACHED
    assert pii_summary(findings, "xlsx", unmask=False)["records"] == CACHED
    assert pii_summary(findings, "xlsx", unmask=False)["sheets"][1]["repeats"] == CACHED


def test_rows_only_the_cache_still_holds_are_counted_from_it() -> None:
    """The source sheet cut down to 40 of 60 rows after the pivot was refreshed: the 20 rows only the cache
    holds are counted, the 40 it repeats are not; a person twice in the sheet and twice in the cache is two."""
    twice = standard(PS[:40]) + standard(PS[:1])[1:]
    findings, _, _ = analyse(pivot_book({"利用者名簿": twice}, standard(PS) + standard(PS[:1])[1:]))
    sheet, cache = findings
    assert (sheet.count, cache.count, cache.repeats) == (41, CACHED + 1, 41)
    assert sorted(r.fields["name"] for r in cache.records) == sorted(p.name for p in PS[40:])
    assert pii_summary(findings, "xlsx", unmask=False)["records"] == CACHED + 1


def test_external_link_cache_is_examined_and_its_target_kept_as_text() -> None:
    target = "file:///\\\\srv\\share\\介護\\利用者名簿%20(2016).xlsx\u202egpj.exe"
    findings, _, reading = analyse(external_book({"集計": summary(PS)}, standard(PS), target))
    (found,) = findings
    assert found.count == CACHED and not reading.damage
    assert found.origin is not None and found.origin["kind"] == "external-link"
    assert found.origin["target"] == "file:///\\\\srv\\share\\介護\\利用者名簿 (2016).xlsx\u202egpj.exe"  # unquoted only
    assert found.name == "external-link cache 1 (名簿)"


def test_cached_numbers_and_dates_read_as_the_sheet_reads_them() -> None:
    """The same rows read from a sheet and from a cache (its sheet deleted) give the same records (persons
    merge)."""
    (sheet,), _, _ = analyse(xlsx_bytes({"利用者名簿": standard(PS[:10])}))
    (cache,), _, _ = analyse(pivot_book({"集計": summary(PS[:10])}, standard(PS[:10])))
    assert [r.fields for r in sheet.records] == [r.fields for r in cache.records]


# --- damaged caches cost the cache only ---------------------------------------------------------------

RECORDS = "xl/pivotCache/pivotCacheRecords1.xml"


def test_cut_records_part_keeps_the_rows_before_the_cut_and_says_so() -> None:
    book = recut(pivot_book({"集計": summary(PS)}, standard(PS)), RECORDS, lambda d: d[:len(d) // 2])
    (found,), _, reading = analyse(book)
    assert 0 < found.count < CACHED
    assert reading.damage and "pivot cache 1 (xl/pivotCache/pivotCacheDefinition1.xml): XML ends" in reading.damage[0]


def test_index_past_the_shared_items_is_counted_and_the_rest_read() -> None:
    book = recut(pivot_book({"集計": summary(PS)}, standard(PS)), RECORDS,
                 lambda d: re.sub(rb'<r><n v="1"/><x v="\d+"/>', b'<r><n v="1"/><x v="99999"/>', d, count=1))
    (found,), _, reading = analyse(book)
    assert found.count == CACHED - 1  # the row whose name index is bad has no name
    assert reading.damage == ["pivot cache 1 (xl/pivotCache/pivotCacheDefinition1.xml): cells index past the "
                              "shared items: 1 (left empty)"]


def test_missing_records_part_is_listed() -> None:
    book = pivot_book({"集計": summary(PS)}, standard(PS), drop=(RECORDS,))
    findings, _, reading = analyse(book)
    assert findings == []
    assert reading.damage == ["pivot cache 1 (xl/pivotCache/pivotCacheDefinition1.xml): records part missing "
                              "(xl/pivotcache/pivotcacherecords1.xml)"]


def test_cache_without_records_is_noted_not_damaged() -> None:
    """A writer that keeps no records (Google Sheets: no records relationship, no part; POI's 64450.xlsx) is no
    damage: the note says so, the status stays ok. A records part found by its usual name is still read."""
    book = pivot_book({"集計": summary(PS)}, standard(PS), drop=(RECORDS, "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels"))
    findings, _, reading = analyse(book)
    assert findings == [] and not reading.damage
    assert reading.notes == ["pivot cache 1 (xl/pivotCache/pivotCacheDefinition1.xml): no records kept"]
    rels_lost = pivot_book({"集計": summary(PS)}, standard(PS), drop=("xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels",))
    (found,), _, reading = analyse(rels_lost)
    assert found.count == CACHED and not reading.damage


def test_flipped_byte_in_the_records_stream_costs_the_cache_only() -> None:
    visible = standard(people(12, seed=62))
    for at in (0.1, 0.5, 0.9):
        book = flip_in_member(pivot_book({"名簿": visible}, standard(PS)), RECORDS, at)
        findings, _, reading = analyse(book)
        assert findings[0].origin is None and findings[0].count == 12  # the sheet is read whole
        assert reading.damage and reading.damage[0].startswith("pivot cache 1 (")


def test_dtd_in_a_cache_is_refused_not_expanded() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            f'<pivotCacheRecords xmlns="{MAIN}"><r><s v="&b;"/></r></pivotCacheRecords>')
    findings, _, reading = analyse(pivot_book({"集計": summary(PS)}, standard(PS), records=bomb))
    assert findings == [] and reading.damage == [
        "pivot cache 1 (xl/pivotCache/pivotCacheDefinition1.xml): a DTD in the part (never expanded; Excel writes none)"]


def test_cache_rows_count_against_the_cell_cap() -> None:
    # the file's sheets and caches draw on one budget; the rows read before the cap are kept (Session 14: raised)
    _, _, reading = analyse(pivot_book({"集計": summary(PS)}, standard(PS)), Caps(max_cells=200))
    assert reading.stopped is not None and reading.stopped[0] == "too-large"


# --- found through the relationships, cheaply ------------------------------------------------------------

def test_caches_found_through_relationships_and_usual_names() -> None:
    book = pivot_book({"集計": summary(PS)}, standard(PS))
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        assert ooxml_package(z).pivot_caches == ["xl/pivotcache/pivotcachedefinition1.xml"]
    lost = recut(book, "xl/_rels/workbook.xml.rels", lambda d: re.sub(rb"<Relationship Id=\"rIdC0\"[^>]*>", b"", d))
    with zipfile.ZipFile(io.BytesIO(lost)) as z:  # a rels part that lost the entry: the usual name still leads there
        assert ooxml_package(z).pivot_caches == ["xl/pivotcache/pivotcachedefinition1.xml"]
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes({"名簿": standard(PS)}))) as z:
        assert not ooxml_package(z).caches  # a workbook without them opens nothing more


def test_hidden_and_very_hidden_sheets_are_read() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["集計"])
    for state, seed in (("hidden", 63), ("veryHidden", 64)):
        ws = wb.create_sheet(f"名簿_{state}")
        for row in standard(people(15, seed=seed)):
            ws.append(row)
        ws.sheet_state = state
    buf = io.BytesIO()
    wb.save(buf)
    findings, _, _ = analyse(buf.getvalue())
    assert sorted((f.name, f.count) for f in findings) == [("名簿_hidden", 15), ("名簿_veryHidden", 15)]


# --- the CLI: hits, listings, statuses ---------------------------------------------------------------------

def _xlsb_with_pivot_cache() -> bytes:
    from pyxlsbwriter import XlsbWriter

    buf = io.BytesIO()
    with XlsbWriter(buf) as w:
        w.add_sheet("集計")
        w.write_sheet([["行ラベル", "個数"], ["要介護1", 3]])
    return with_parts(buf.getvalue(), {"xl/pivotCache/pivotCacheDefinition1.bin": b"\x00" * 64,
                                       "xl/pivotCache/pivotCacheRecords1.bin": b"\x00" * 64},
                      [("pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.bin")])


def _brt(rtype: int, body: bytes = b"") -> bytes:
    """One BIFF12 record: type and size as 7-bit varints, then the body."""
    def varint(n: int) -> bytes:
        out = bytearray()
        while True:
            out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
            n >>= 7
            if not n:
                return bytes(out)
    return varint(rtype) + varint(len(body)) + body


def _wide_string(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def external_bin(rows: Rows, sheet: str) -> bytes:
    """An .xlsb externalLink part (BIFF12) caching ``rows`` as Excel writes it: BrtSupBookSrc, BrtSupTabs, then per
    cached sheet BrtExternTableStart, a BrtExternRowHdr per row with its cells (string, real), BrtExternTableEnd."""
    out = [_brt(0x168, _wide_string("rId1") + b"\xff" * 4), _brt(0x167, struct.pack("<I", 2) + _wide_string("表紙")
                                                                   + _wide_string(sheet)),
           _brt(0x16B, struct.pack("<IB", 0, 0)), _brt(0x16C), _brt(0x16B, struct.pack("<IB", 1, 0))]
    for r, row in enumerate(rows):
        out.append(_brt(0x16E, struct.pack("<I", r)))
        for c, v in enumerate(row):
            if isinstance(v, int | float) and not isinstance(v, bool):
                out.append(_brt(0x170, struct.pack("<Id", c, float(v))))
            elif v not in ("", None):
                out.append(_brt(0x173, struct.pack("<I", c) + _wide_string(v.isoformat() if isinstance(v, dt.date)
                                                                             else str(v))))
    out += [_brt(0x16C), _brt(0x24C)]
    return b"".join(out)


def xlsb_with_external_link(cached: Rows, cut: float = 1.0) -> bytes:
    from pyxlsbwriter import XlsbWriter

    buf = io.BytesIO()
    with XlsbWriter(buf) as w:
        w.add_sheet("集計")
        w.write_sheet([["行ラベル", "個数"], ["要介護1", 3]])
    part = external_bin(cached, "名簿")
    return with_parts(buf.getvalue(), {"xl/externalLinks/externalLink1.bin": part[:int(len(part) * cut)],
                                       "xl/externalLinks/_rels/externalLink1.bin.rels":
                                       _rels(("rId1", f"{REL}/externalLinkPath", "file:///D:/名簿/利用者名簿.xlsb"))},
                      [("externalLink", "externalLinks/externalLink1.bin")])


def test_xlsb_external_link_cache_is_examined() -> None:
    (found,), _, reading = analyse(xlsb_with_external_link(standard(PS)))
    assert found.count == CACHED and not reading.damage and not reading.unread
    assert found.origin is not None and found.origin["part"] == "xl/externalLinks/externalLink1.bin"
    assert found.origin["target"] == "file:///D:/名簿/利用者名簿.xlsb" and found.name == "external-link cache 1 (名簿)"
    xml = analyse(external_book({"集計": summary(PS)}, standard(PS), "x.xlsx"))[0][0]
    assert [r.fields for r in found.records] == [r.fields for r in xml.records]  # the same cache, saved either way


def test_xlsb_external_link_records_out_of_place_are_damage() -> None:
    """A damaged record type (the table start lost) leaves rows and cells outside any cached sheet: listed."""
    book = recut(xlsb_with_external_link(standard(PS)), "xl/externalLinks/externalLink1.bin",
                 lambda d: d.replace(b"\xeb\x02\x05\x01", b"\xeb\x02\x05\x01".replace(b"\xeb", b"\xea"), 1))
    findings, _, reading = analyse(book)
    assert findings == []
    (damage,) = reading.damage
    stray = int(re.search(r": records out of place: (\d+) ", damage).group(1))  # type: ignore[union-attr]
    assert stray > CACHED * 9  # every row header and cell of the lost sheet, none read in silence


def test_xlsb_external_link_cut_short_is_damage_with_its_rows() -> None:
    (found,), _, reading = analyse(xlsb_with_external_link(standard(PS), cut=0.6))
    assert 0 < found.count < CACHED
    assert reading.damage and reading.damage[0].startswith("external-link cache 1 (xl/externalLinks/externalLink1.bin)")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """(output folder, findings) of one scan over a share of cache workbooks."""
    share = tmp_path_factory.mktemp("caches") / "share"
    share.mkdir()
    (share / "集計表.xlsx").write_bytes(pivot_book({"集計": summary(PS)}, standard(PS)))
    (share / "予算集計.xlsx").write_bytes(pivot_book({"集計": [["項目", "合計"]]}, budget(PS), "予算"))
    (share / "月報.xlsx").write_bytes(external_book({"集計": summary(PS)}, standard(people(25, seed=65)),
                                                   "file:///C:/Users/staff/Desktop/利用者名簿%E2%80%AEcod.xlsx"))
    cut = recut(pivot_book({"集計": summary(PS)}, standard(PS)), RECORDS, lambda d: d[:len(d) // 2])
    (share / "壊れた集計.xlsx").write_bytes(cut)
    (share / "集計_records_lost.xlsx").write_bytes(pivot_book({"集計": summary(PS)}, standard(PS), drop=(RECORDS,)))
    model = with_parts(xlsx_bytes({"名簿": standard(people(8, seed=66))}), {"xl/model/item.data": b"\x9c" * 512},
                       [("powerPivotData", "model/item.data")])
    (share / "分析.xlsx").write_bytes(model)
    (share / "集計.xlsb").write_bytes(_xlsb_with_pivot_cache())
    (share / "名簿_集計付き.xlsx").write_bytes(pivot_book({"利用者名簿": standard(PS[:40])}, standard(PS)))
    (share / "集計_2003.xls").write_bytes(xls_with_pivot({"集計": summary(PS)}, standard(PS)))
    out = tmp_path_factory.mktemp("caches-out")
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert (out / "findings.json").exists(), proc.stderr
    return out, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _files(doc: dict) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in doc["files"]}


def _skipped(doc: dict) -> dict[str, dict]:
    return {Path(s["path"]).name: s for s in doc["skipped"]}


def test_cli_pivot_cache_of_a_deleted_sheet_is_a_person_hit(scanned: tuple[Path, dict]) -> None:
    _, doc = scanned
    hit = _files(doc)["集計表.xlsx"]
    assert "pii" in hit["reasons"] and hit["pii"]["records"] == CACHED and hit["status"] == "ok"
    (sheet,) = hit["pii"]["sheets"]
    assert sheet["origin"]["kind"] == "pivot-cache" and sheet["records"] == CACHED
    assert sheet["name"] == "pivot cache 1 (source: 利用**!A1:I61)"
    old = _files(doc)["集計_2003.xls"]  # Excel 97-2003: the BIFF8 cache in the OLE storage _SX_DB_CUR
    assert old["pii"]["records"] == CACHED and old["pii"]["sheets"][0]["name"] == "pivot cache 1 (source: ?)"
    ext = _files(doc)["月報.xlsx"]
    assert ext["pii"]["records"] == 25
    assert ext["pii"]["sheets"][0]["origin"]["target"] == "file:///C:/Users/staff/Desktop/利用者名簿\u202ecod.xlsx"


def test_cli_cache_repeating_its_sheet_is_counted_once(scanned: tuple[Path, dict]) -> None:
    """Through the scan's record sink (fingerprints made as rows are read): 40 rows in the sheet, 60 in the
    pivot cache made before 20 were deleted: 60 records, not 100."""
    _, doc = scanned
    hit = _files(doc)["名簿_集計付き.xlsx"]
    sheet, cache = hit["pii"]["sheets"]
    assert (sheet["records"], cache["records"], cache["repeats"]) == (40, CACHED, 40)
    assert hit["pii"]["records"] == CACHED
    assert "うち 40 件はブック内のシートにもある行（重複して数えない）" in (out := scanned[0] / "report.html").read_text("utf-8"), out


def test_cli_report_names_the_cache_and_shows_the_link_target_visibly(scanned: tuple[Path, dict]) -> None:
    out, _ = scanned
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count('data-origin="pivot-cache"') == 4 and 'data-origin="external-link"' in html  # xlsx x2, xls, cut
    assert "ピボットキャッシュ" in html and "xl/pivotCache/pivotCacheDefinition1.xml" in html
    assert '利用者名簿<span class="cc">⟨U+202E⟩</span>cod.xlsx' in html and "\u202e" not in html


def test_cli_non_person_cache_is_neither_hit_nor_skipped(scanned: tuple[Path, dict]) -> None:
    _, doc = scanned
    assert "予算集計.xlsx" not in _files(doc) and "予算集計.xlsx" not in _skipped(doc)


def test_cli_damaged_and_unread_caches_are_listed(scanned: tuple[Path, dict]) -> None:
    _, doc = scanned
    files, skipped = _files(doc), _skipped(doc)
    cut = files["壊れた集計.xlsx"]  # rows before the cut: a hit, with the damage named
    assert cut["status"] == "corrupt" and "pivot cache 1" in cut["status_detail"] and 0 < cut["pii"]["records"] < CACHED
    lost = skipped["集計_records_lost.xlsx"]
    assert lost["reason"] == "corrupt" and "records part missing" in lost["detail"]
    model = files["分析.xlsx"]  # its sheet is read; the data model is not: never a clean "ok"
    assert model["pii"]["records"] == 8 and model["status"] == "unsupported"
    assert "partially examined: data model not read" in model["status_detail"]
    assert skipped["分析.xlsx"]["reason"] == "unsupported"  # and listed with what was not examined
    xlsb = skipped["集計.xlsb"]
    assert xlsb["reason"] == "unsupported" and "partially examined: 1 pivot cache(s) not examined (xlsb" in xlsb["detail"]


# --- .xls: BIFF8 pivot caches in the OLE storage _SX_DB_CUR ----------------------------------------------

def _rec(rtype: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", rtype, len(body)) + body


def _xl_string(text: str) -> bytes:
    return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")


def _biff_item(v: object) -> bytes:
    if v in ("", None):
        return _rec(0x00CF)
    if isinstance(v, int | float) and not isinstance(v, bool):
        return _rec(0x00C9, struct.pack("<d", float(v)))
    if isinstance(v, dt.date):
        return _rec(0x00CE, struct.pack("<HHBBBB", v.year, v.month, v.day, 0, 0, 0))
    return _rec(0x00CD, _xl_string(str(v)))


def biff_pivot_stream(rows: Rows, postponed: tuple[str, ...] = ("電話番号", "郵便番号")) -> bytes:
    """A BIFF8 pivot cache stream as Excel 97-2003 writes it: SXDB, then per field SXFDB (+ SXFDBTYPE) and its
    items, then one SXDBB per record (1- or 2-byte indexes) followed by the values of the fields without items
    (flagged postponed, 0x0482, or just without items, 0x0560, as in SheetJS's formula_stress_test.xls), EOF."""
    header, body = rows[0], rows[1:]
    out = [_rec(0x00C6, struct.pack("<IHHHHHHHH", len(body), 1, 0x21, 0x1FFF, len(header), len(header), 0, 1, 0)),
           _rec(0x0122, b"\x00" * 12)]
    items: list[list[object] | None] = []
    for c, name in enumerate(header):
        values = [r[c] for r in body]
        if name in postponed:
            items.append(None)
            flags = 0x0482 if name == "電話番号" else 0x0560
            out.append(_rec(0x00C7, struct.pack("<7H", flags, 0, 0, 0, 0, 0, 0) + _xl_string(str(name))))
            out.append(_rec(0x01BB, b"\x00\x00"))
            continue
        distinct = list(dict.fromkeys(values))
        items.append(distinct)
        flags = 0x0481 | (0x0200 if c == 1 else 0)  # the name field with 2-byte indexes, the others with 1
        out.append(_rec(0x00C7, struct.pack("<7H", flags, 0, 0, len(distinct), 0, 0, len(distinct))
                        + _xl_string(str(name))))
        out.append(_rec(0x01BB, b"\x00\x00"))
        out += [_biff_item(v) for v in distinct]
    for r in body:
        index = b"".join(struct.pack("<H" if c == 1 else "<B", items[c].index(r[c]))  # type: ignore[union-attr]
                         for c in range(len(header)) if items[c] is not None)
        out.append(_rec(0x00C8, index))
        out += [_biff_item(r[c]) for c in range(len(header)) if items[c] is None]
    out.append(_rec(0x000A))
    return b"".join(out)


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A compound file (CFB v3, 512-byte sectors, no mini stream) holding ``streams`` ("Workbook",
    "_SX_DB_CUR/0001"): no library here writes one with a storage. Streams are padded to 4096 bytes."""
    end, free, fat_mark, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    storages = sorted({n.split("/")[0] for n in names if "/" in n})
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "child": none, "right": none}]
    top = [n for n in names if "/" not in n] + storages  # root's children, chained by right siblings
    for n in top:
        entries.append({"name": n, "type": 1 if n in storages else 2, "child": none, "right": none})
    for n in names:
        if "/" in n:
            parent = next(e for e in entries if e["name"] == n.split("/")[0])
            parent["child"] = len(entries)
            entries.append({"name": n.split("/")[1], "type": 2, "child": none, "right": none, "path": n})
    entries[0]["child"] = 1
    for k in range(1, len(top)):
        entries[k]["right"] = k + 1
    data = {n: streams[n] + b"\x00" * max(0, 4096 - len(streams[n])) for n in names}
    data = {n: d + b"\x00" * (-len(d) % 512) for n, d in data.items()}
    dir_sectors = -(-len(entries) * 128 // 512)
    data_sectors = sum(len(d) // 512 for d in data.values())
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + dir_sectors + data_sectors:
        fat_sectors += 1
    fat = [fat_mark] * fat_sectors
    first_dir = len(fat)
    fat += [first_dir + k + 1 for k in range(dir_sectors - 1)] + [end]
    starts = {}
    for n, d in data.items():
        starts[n] = len(fat)
        count = len(d) // 512
        fat += [len(fat) + k + 1 for k in range(count - 1)] + [end]
    fat += [free] * (fat_sectors * 128 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, fat_sectors, first_dir, 0, 4096, end, 0, end, 0)
              + b"".join(struct.pack("<I", k) for k in range(fat_sectors)) + b"\xff\xff\xff\xff" * (109 - fat_sectors))
    dirs = b""
    for e in entries:
        name = e["name"].encode("utf-16-le") + b"\x00\x00"
        path = e.get("path", e["name"])
        start, size = (starts[path], len(streams[path]) if len(streams[path]) >= 4096 else 4096) \
            if e["type"] == 2 else (end if e["type"] == 5 else 0, 0)
        dirs += (name.ljust(64, b"\x00") + struct.pack("<HBBIII", len(name), e["type"], 1, none, e["right"], e["child"])
                 + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16 + struct.pack("<IQ", start, size))
    dirs = dirs.ljust(dir_sectors * 512, b"\x00")
    return header + b"".join(struct.pack("<I", v) for v in fat) + dirs + b"".join(data.values())


def xls_with_pivot(visible: dict[str, Rows], cached: Rows, storage: str = "_SX_DB_CUR", cut: float = 1.0) -> bytes:
    """An .xls (xlwt) whose OLE file also holds the BIFF8 pivot cache of ``cached`` (cut to a fraction)."""
    import olefile

    from tests.pii_data import xls_bytes

    with olefile.OleFileIO(io.BytesIO(xls_bytes(visible))) as ole:
        workbook = ole.openstream("Workbook").read()
    stream = biff_pivot_stream(cached)
    return ole_file({"Workbook": workbook, f"{storage}/0001": stream[:int(len(stream) * cut)]})


def test_xls_pivot_cache_of_a_deleted_sheet_is_read() -> None:
    book = xls_with_pivot({"集計": summary(PS)}, standard(PS))
    assert sniff_format(book) == "xls"
    (found,), sheets, reading = analyse(book)
    assert sheets == 1 and found.count == CACHED and not reading.damage
    assert found.origin == {"kind": "pivot-cache", "number": "1", "part": "_SX_DB_CUR/0001", "sheet": "", "range": "",
                            "source_type": "worksheet"}
    got = sorted((r.fields["name"], r.fields["address"], r.fields["phone"], r.fields["postcode"]) for r in found.records)
    assert got == sorted((p.name, p.address, p.phone, p.postcode) for p in PS)  # the fields without items, value by value


def with_pivot_source(workbook: bytes, source: bytes) -> bytes:
    """``workbook`` (a BIFF8 Workbook stream) with a PIVOTCACHEDEFINITION for stream 0001 (SXIDSTM, SXVS worksheet,
    then ``source``: DCONREF or DCONNAME) before the globals' EOF, the sheets' BOUNDSHEET offsets moved to match."""
    added = _rec(0x00D5, struct.pack("<H", 1)) + _rec(0x00E3, struct.pack("<H", 1)) + source
    out, at = bytearray(), 0
    while at + 4 <= len(workbook):
        rtype, size = struct.unpack_from("<HH", workbook, at)
        record = bytearray(workbook[at:at + 4 + size])
        if rtype == 0x0085:  # BOUNDSHEET: lbPlyPos, the sheet's BOF in the stream
            struct.pack_into("<I", record, 4, struct.unpack_from("<I", record, 4)[0] + len(added))
        if rtype == 0x000A:
            return bytes(out + added + record) + workbook[at + 4 + size:]
        out += record
        at += 4 + size
    raise AssertionError("no EOF in the workbook globals")


def _no_count_string(text: str) -> bytes:
    return b"\x01" + text.encode("utf-16-le")


@pytest.mark.parametrize(("source", "origin_sheet", "origin_range"), [
    (_rec(0x0051, struct.pack("<HHBBH", 0, CACHED, 0, 8, 6) + _no_count_string("\x02利用者名簿")), "利用者名簿", "A1:I61"),
    (_rec(0x0052, struct.pack("<H", 6) + _no_count_string("利用者一覧表") + b"\x00\x00"), "", "利用者一覧表")],
    ids=["sheet-range", "defined-name"])
def test_xls_pivot_cache_names_its_source_from_the_workbook_stream(source: bytes, origin_sheet: str,
                                                                   origin_range: str) -> None:
    """Excel 97-2003 keeps a pivot cache's source (SXIDSTM, SXVS, DCONREF / DCONNAME) in the workbook globals: the
    label said ``source: ?``. As SheetJS's pivot_table_test.xls (Data!A1:C9) and pivot_table_named_range.xls
    (Table1) give it, and as the same workbooks saved as .xlsx do."""
    import olefile

    from tests.pii_data import xls_bytes

    with olefile.OleFileIO(io.BytesIO(xls_bytes({"集計": summary(PS)}))) as ole:
        workbook = with_pivot_source(ole.openstream("Workbook").read(), source)
    (found,), sheets, reading = analyse(ole_file({"Workbook": workbook, "_SX_DB_CUR/0001": biff_pivot_stream(standard(PS))}))
    assert sheets == 1 and found.count == CACHED and not reading.damage  # the sheets are read as before
    assert (found.origin["sheet"], found.origin["range"]) == (origin_sheet, origin_range)
    assert "?" not in origin_label(found.origin)


def test_xls_pivot_cache_reads_like_the_sheet_it_came_from() -> None:
    book = xls_with_pivot({"利用者名簿": standard(PS[:20])}, standard(PS[:20]))
    sheet, cache = analyse(book)[0]
    assert (cache.count, cache.repeats, cache.records) == (20, 20, [])  # every cached row is the sheet's: once
    (alone,), _, _ = analyse(xls_with_pivot({"集計": summary(PS[:20])}, standard(PS[:20])))
    assert [r.fields for r in sheet.records] == [r.fields for r in alone.records]


def test_xls_pivot_cache_cut_short_keeps_its_first_rows_and_says_so() -> None:
    (found,), _, reading = analyse(xls_with_pivot({"集計": summary(PS)}, standard(PS), cut=0.8))
    assert 0 < found.count < CACHED
    assert reading.damage == ["pivot cache 1 (_SX_DB_CUR/0001): the cache stream ends before its EOF record "
                              "(cut or damaged)"]


def test_xls_non_person_pivot_cache_and_excel95_cache() -> None:
    findings, _, reading = analyse(xls_with_pivot({"集計": [["項目", "合計"]]}, budget(PS)))
    assert findings == [] and not reading.damage and not reading.unread
    _, _, reading = analyse(xls_with_pivot({"集計": [["項目", "合計"]]}, budget(PS), storage="_SX_DB"))
    assert reading.unread == ["pivot cache not examined (xls BIFF5 storage _SX_DB)"]


def test_xls_pivot_stream_with_flipped_bytes_never_fails_the_workbook() -> None:
    import random

    rng = random.Random(67)
    visible = standard(people(12, seed=68))
    stream = biff_pivot_stream(standard(PS))
    import olefile

    from tests.pii_data import xls_bytes

    with olefile.OleFileIO(io.BytesIO(xls_bytes({"名簿": visible}))) as ole:
        workbook = ole.openstream("Workbook").read()
    for _ in range(12):
        damaged = bytearray(stream)
        for _ in range(4):
            damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
        findings, _, _ = analyse(ole_file({"Workbook": workbook, "_SX_DB_CUR/0001": bytes(damaged)}))
        assert findings[0].origin is None and findings[0].count == 12  # the sheet is read whole, whatever the cache


def test_xls_macro_sheet_is_read() -> None:
    """An Excel 4 macro sheet holds cells like a worksheet (BOUNDSHEET dt=1): calamine lists it as a macro sheet
    and reads it; it used to be passed over with the chart and dialog sheets."""
    from tests.pii_data import xls_bytes

    book = bytearray(xls_bytes({"集計": [["行ラベル"]], "マクロ": standard(people(10, seed=69))}))
    name = "マクロ".encode("utf-16-le")
    at = book.find(b"\x85\x00")
    while at != -1:  # BOUNDSHEET: lbPlyPos (4), hsState (1), dt (1), name
        size = struct.unpack_from("<H", book, at + 2)[0]
        if name in book[at + 4:at + 4 + size]:
            book[at + 9] = 1
        at = book.find(b"\x85\x00", at + 1)
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    types = [m.typ for m in CalamineWorkbook.from_filelike(io.BytesIO(bytes(book))).sheets_metadata]
    assert types == [SheetTypeEnum.WorkSheet, SheetTypeEnum.MacroSheet]
    (found,), sheets, _ = analyse(bytes(book))
    assert (found.name, found.count, sheets) == ("マクロ", 10, 2)


def test_xlsb_external_link_far_column_cells_count_their_padding_against_the_cap() -> None:
    """A damaged or crafted .xlsb external link whose every row holds one cell at the sheet's last column (XFD)
    pads each row with 16,383 empty cells: the padding is held in memory, so it counts against --max-cells
    (as the XML external link and every sheet count it); before, each such cell cost 1 and a part of a few
    kilobytes held billions of cells."""

    far = [_brt(0x167, struct.pack("<I", 1) + _wide_string("名簿")), _brt(0x16B, struct.pack("<IB", 0, 0))]
    for r in range(200):  # 200 rows x 16,384 columns = 3.3 million cells held, from about 5 KB of records
        far += [_brt(0x16E, struct.pack("<I", r)), _brt(0x173, struct.pack("<I", 16383) + _wide_string("x"))]
    far.append(_brt(0x16C))
    from pyxlsbwriter import XlsbWriter

    buf = io.BytesIO()
    with XlsbWriter(buf) as w:
        w.add_sheet("集計")
        w.write_sheet([["行ラベル", "個数"], ["要介護1", 3]])
    book = with_parts(buf.getvalue(), {"xl/externalLinks/externalLink1.bin": b"".join(far)},
                      [("externalLink", "externalLinks/externalLink1.bin")])
    _, _, reading = analyse(book, Caps(max_cells=100_000))  # the sheet read before it kept (Session 14: raised)
    assert reading.stopped is not None and reading.stopped[0] == "too-large"


def test_xls_pivot_field_declared_after_its_records_is_damage_not_a_crash() -> None:
    """A damaged cache stream in which a field record (SXFDB) comes after records began: the rows made before it
    are shorter than the header. The cache's values then fall past the row; that is the cache's damage (listed),
    never an IndexError that costs the workbook its readable sheet."""
    import olefile

    from tests.pii_data import xls_bytes

    visible = standard(people(12, seed=68))
    with olefile.OleFileIO(io.BytesIO(xls_bytes({"名簿": visible}))) as ole:
        workbook = ole.openstream("Workbook").read()

    def field(name: str, flags: int) -> bytes:
        return _rec(0x00C7, struct.pack("<7H", flags, 0, 0, 0, 0, 0, 0) + _xl_string(name))

    def text(v: str) -> bytes:
        return _rec(0x00CD, _xl_string(v))

    postponed_late = (field("氏名", 0x0560) + field("住所", 0x0560) + text("山田 太郎") + field("電話番号", 0x0560)
                      + text("東京都小金井市本町1-1") + text("042-000-0000") + _rec(0x000A))
    findings, _, reading = analyse(ole_file({"Workbook": workbook, "_SX_DB_CUR/0001": postponed_late}))
    assert findings[0].origin is None and findings[0].count == 12
    assert any("out of step" in d for d in reading.damage), reading.damage


def test_negative_index_into_the_shared_items_is_damage_not_the_last_item() -> None:
    """``<x v="-1"/>`` (a damaged index) must not read as the last shared item (Python's negative index): a
    wrong name in a person's row. It is counted like an index past the items."""
    book = recut(pivot_book({"集計": summary(PS)}, standard(PS)), RECORDS,
                 lambda d: re.sub(rb'<r><n v="1"/><x v="\d+"/>', b'<r><n v="1"/><x v="-1"/>', d, count=1))
    (found,), _, reading = analyse(book)
    assert found.count == CACHED - 1
    assert reading.damage == ["pivot cache 1 (xl/pivotCache/pivotCacheDefinition1.xml): cells index past the "
                              "shared items: 1 (left empty)"]


def test_cell_reference_with_non_ascii_digits_is_no_reference() -> None:
    """``r="A²"`` in a damaged external-link cache: str.isdigit() says yes, int() refuses; the cell is placed as
    the next one (no reference), not a ValueError that ends the whole cached sheet."""
    from scanner.caches import _ref

    assert _ref("A²") is None and _ref("B١٢") is None and _ref("C12") == (12, 3)


def test_pivot_source_given_by_a_defined_name_is_masked_like_a_sheet_name() -> None:
    """``<worksheetSource name="...">`` names a defined name or table (a user may call it after a person:
    「山田太郎様」): masked in findings and the label like a sheet name; an A1 range stays as it is."""
    book = recut(pivot_book({"集計": summary(PS)}, standard(PS)), "xl/pivotCache/pivotCacheDefinition1.xml",
                 lambda d: re.sub(rb'<worksheetSource ref="[^"]*"', '<worksheetSource name="山田太郎様"'.encode(), d))
    (found,), _, _ = analyse(book)
    shown = found.to_json(unmask=False)
    assert "山田太郎様" not in json.dumps(shown, ensure_ascii=False), shown
    assert found.to_json(unmask=True)["origin"]["range"] == "山田太郎様"
