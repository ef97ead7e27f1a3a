"""Review of wild13's new readers of untrusted XML (Session 13, review13c): an .ods calamine refuses, read from its
content.xml with lxml, and Gnumeric's XML. What they read must be what calamine reads of the same cells; what they
cannot place must be said, never dropped or written over without a word."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from tests.conftest import ROOT
from tests.pii_data import ods_package
from tests.test_wild13 import _scan

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

ROWS = person_rows(30, 20261206)
_CELL = '<table:table-cell office:value-type="string">{}</table:table-cell>'


def _ods_cell(v: object, note: str = "") -> str:
    """A text cell as LibreOffice writes it: a comment (<office:annotation>, its own <text:p>) before the value's
    paragraph; runs of spaces as <text:s text:c=>."""
    text = escape(str(v)).replace("  ", ' <text:s text:c="1"/>')
    ann = f"<office:annotation><text:p>{escape(note)}</text:p></office:annotation>" if note else ""
    return _CELL.format(f"{ann}<text:p>{text}</text:p>")


def _table(rows: list[list[object]], indent: bool) -> str:
    """The rows as a <table:table>; ``indent``: white space between a row and its cells (calamine refuses it)."""
    sep = "\n    " if indent else ""
    body = "".join("<table:table-row>" + "".join(sep + _ods_cell(v, "要確認" if i and c == 0 else "")
                                                  for c, v in enumerate(r)) + "</table:table-row>"
                   for i, r in enumerate(rows))
    return f'<table:table table:name="名簿">{body}</table:table>'


def _spaced(rows: list[list[object]]) -> list[list[object]]:
    """The people with two spaces between family and given name (a run LibreOffice writes as <text:s/>)."""
    return [rows[0]] + [[str(r[0]).replace(" ", "  "), *r[1:]] for r in rows[1:]]


def test_an_ods_read_from_its_content_xml_reads_its_cells_as_calamine_does() -> None:
    """The content.xml reader took a cell's comment (<office:annotation>'s paragraph) into its value ("要確認⏎山田 太郎")
    and dropped the spaces of <text:s>: a name with a comment was another text than calamine reads. The cells of the
    indented content.xml (calamine refuses it) must read as calamine reads the same cells laid out by LibreOffice."""
    import python_calamine

    from scanner.tables import Caps, _ods_content_sheets

    rows = _spaced(ROWS)
    plain = ods_package(_table(rows, indent=False))
    want = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(plain)).get_sheet_by_index(0).to_python()
    assert want[1][0] == rows[1][0]  # calamine: the value alone, the spaces kept
    (sheet,) = list(_ods_content_sheets(ods_package(_table(rows, indent=True)), Caps()))
    assert sheet.rows == want


def test_an_ods_value_without_a_paragraph_is_read() -> None:
    """A cell holding its value only as office:value (no <text:p>: written by tools other than LibreOffice, which
    calamine reads) was an empty cell to the content.xml reader: a phone or postal code typed as a number was lost."""
    from scanner.tables import Caps, _ods_content_sheets

    table = ('<table:table table:name="t"><table:table-row>\n <table:table-cell office:value-type="string">'
             '<text:p>電話</text:p></table:table-cell>\n <table:table-cell office:value-type="float" office:value="312345678"/>'
             '\n <table:table-cell office:value-type="string" office:string-value="山田 太郎"/></table:table-row></table:table>')
    (sheet,) = list(_ods_content_sheets(ods_package(table), Caps()))
    assert [str(v) for v in sheet.rows[0]] == ["電話", "312345678", "山田 太郎"], sheet.rows


def _people_cells(rows: list[list[object]]) -> str:
    return "".join(f"<table:table-row>\n {''.join(_ods_cell(v) for v in r)}</table:table-row>" for r in rows)


def test_cells_past_the_last_row_are_said_not_dropped(tmp_path: Path) -> None:
    """Rows below a repeated run of empty rows were widened only up to row 1,048,576 and the rest dropped without a
    word (an .ods calamine refuses; a Gnumeric cell below that row was written over the last row's): a list of people
    after 3 x 10^9 repeated empty rows ended as nothing. What is not placed is said (cells outside the sheet:
    damaged), and a person list before such rows is still read."""
    gap = '<table:table-row table:number-rows-repeated="1000000000"><table:table-cell/></table:table-row>'
    after = ods_package(f'<table:table table:name="t">{gap * 3}{_people_cells(ROWS)}</table:table>')
    before = ods_package(f'<table:table table:name="t">{_people_cells(ROWS)}{gap * 3}{_people_cells(ROWS[:2])}</table:table>')
    gnm = ('<?xml version="1.0" encoding="UTF-8"?>\n<gnm:Workbook xmlns:gnm="http://www.gnumeric.org/v10.dtd">'
           "<gnm:Sheets><gnm:Sheet><gnm:Name>S</gnm:Name><gnm:Cells>\n"
           + "".join(f'<gnm:Cell Row="{r}" Col="{c}" ValueType="60">{escape(str(v))}</gnm:Cell>\n'
                     for r, row in enumerate(ROWS) for c, v in enumerate(row))
           + '<gnm:Cell Row="1048576" Col="0" ValueType="60">x</gnm:Cell>\n'
           '<gnm:Cell Row="5000000" Col="0" ValueType="60">y</gnm:Cell>\n'
           "</gnm:Cells></gnm:Sheet></gnm:Sheets></gnm:Workbook>\n")
    findings = _scan(tmp_path, {"後.ods": after, "前.ods": before, "名簿.gnumeric": gnm.encode()})
    skipped = {s["path"].rsplit("/", 1)[-1]: (s["reason"], s["detail"]) for s in findings["skipped"]}
    assert set(skipped) == {"後.ods", "前.ods", "名簿.gnumeric"}, (skipped, findings["files"])
    for reason, detail in skipped.values():
        assert reason == "corrupt" and "past the sheet's last row or column" in detail, skipped
    got = {f["path"].rsplit("/", 1)[-1]: (f.get("pii") or {}).get("records", 0) for f in findings["files"]}
    assert got.get("前.ods") == len(ROWS) - 1 and got.get("名簿.gnumeric") == len(ROWS) - 1, got


def test_odf_rows_after_many_empty_ones_keep_their_place() -> None:
    """Placing is unchanged below the cap: rows after a repeated empty run sit at their row number."""
    from scanner.tables import Caps, _ods_content_sheets

    gap = '<table:table-row table:number-rows-repeated="7"><table:table-cell/></table:table-row>'
    (sheet,) = list(_ods_content_sheets(ods_package(f'<table:table table:name="t">{_people_cells(ROWS[:2])}{gap}'
                                                    f"{_people_cells(ROWS[2:3])}</table:table>"), Caps()))
    assert len(sheet.rows) == 10 and sheet.rows[9][0] == ROWS[2][0] and not sheet.damage



# --- share13: the classification fast paths answer as the code before them (5080888), on sheets of other shapes

def _before_has_label_cell(head, texts=None):  # share13's base: the cells with a line break picked by a comprehension
    # (``texts``: speed15's joined text cells, which the base did without)
    from scanner.detectors.labels import label_fields

    return any(label_fields(v) for v in [v for row in head for v in row if isinstance(v, str) and "\n" in v])


def _before_has_label_mark(rows: list) -> bool:  # share13's base: "-" among the characters every match holds
    from scanner.detectors.labels import _LABEL_MARK

    text = repr(rows[:24])
    return any(c in text for c in ("〒", "様", "殿", "-")) and _LABEL_MARK.search(text) is not None


def _before_things_header(head):
    from scanner.detectors.columns import is_excluded

    return next((i for i, r in enumerate(head[:20]) if sum(1 for v in r if is_excluded(v)) >= 2), None)


def _shapes():
    """Sheets of shapes the share13 tests did not build: a header below row 10 (up to row 105) after notes, dates or
    numbers; a two-row (merged) header; address labels and date texts (2024-01-05) among 〒 and 様 cells; sideways
    tables (the fields down column A); a header whose words were read before as data."""
    import datetime as dt

    from hypothesis import strategies as st

    people = ROWS[1:]
    heads = st.sampled_from([list(ROWS[0]), ["氏名", "住所", "電話番号"], ["姓", "名", "郵便番号", "住所"], ["品名", "担当者名", "住所"],
                             ["氏名\nフリガナ", "住所"], ["No.", "お名前", "ご住所", "メール"], ["Name", "Address", "Phone"]])
    noise = st.sampled_from([["※取扱注意"], ["作成日 2024-01-05"], [dt.date(2024, 1, 5), "2024-01-05"], [1, "倉庫", 3.5],
                             ["", "会員名簿"], [], ["1234-5678", "受付"], ["〒", "2024-01-05'"], ["氏名", "山田"], [None, 7]])

    @st.composite
    def sheet(draw):
        kind = draw(st.sampled_from(["late", "merged", "labels", "sideways", "postcodes"]))
        n = draw(st.integers(1, len(people)))
        pre = draw(st.lists(noise, min_size=0, max_size=106))
        if kind == "late":
            head = draw(heads)
            return pre + [head] + [[p[i % len(p)] for i in range(len(head))] for p in people[:n]]
        if kind == "merged":
            return pre + [["氏名", "", "住所", ""], ["姓", "名", "都道府県", "市区町村"]] + [
                [str(p[0]).split(" ")[0], str(p[0]).split(" ")[-1], str(p[2])[:3], str(p[2])[3:]] for p in people[:n]]
        if kind == "postcodes":  # a postal code cell alone, no 〒 nor 様 in the sheet; dates hold a "-" too
            return [[p[0], f"{100 + i:03d}-{i:04d}", p[2], "2024-01-05"] for i, p in enumerate(people[:n])]
        if kind == "labels":
            marks = st.sampled_from(["〒{pc}\n{a}\n{n} 様", "{n}様", "{a}\n{n} 殿", "2024-01-05", "{pc}", "-1234", "１２３-４５６７"])
            return pre[:5] + [[draw(marks).format(pc="100-0001", a=p[2], n=p[0]), draw(noise)[:1] or ""] for p in people[:n]]
        return pre[:25] + [[label] + [p[c] for p in people[:n]] for c, label in enumerate(ROWS[0])]

    return sheet()


def test_classification_fast_paths_answer_as_before_on_other_shapes() -> None:
    """share13 passes a window of rows naming nothing by one set test and gates the label tests by one C-level pass;
    claimed equal to the code before. On late headers, merged headers, labels with dates and sideways tables, the
    finding, the header search and each gate answer as the code before them (their bodies from 5080888)."""
    from hypothesis import given, settings

    from scanner.detectors import columns as C
    from scanner.detectors import labels as L
    from scanner.detectors import pii as P

    def answers(rows):
        return (repr(P.analyse_sheet("s", rows, 1, 0)), P.find_header(rows), P._later_header(rows),
                P.has_label_cell(rows[:520]), L.has_label_mark(rows), P._things_header(rows))

    @settings(max_examples=80, deadline=None, derandomize=True)
    @given(_shapes())
    def check(rows) -> None:
        C._NO_HEADER.clear()
        fast = answers(rows)
        saved = (P._rows_name_nothing, P.has_label_cell, L.has_label_mark, P._things_header)
        try:
            P._rows_name_nothing, P.has_label_cell = (lambda rows: False), _before_has_label_cell
            L.has_label_mark, P._things_header = _before_has_label_mark, _before_things_header
            C._NO_HEADER.clear()
            slow = answers(rows)
        finally:
            P._rows_name_nothing, P.has_label_cell, L.has_label_mark, P._things_header = saved
        assert fast[1:] == slow[1:] and fast[0] == slow[0]

    check()


def test_a_damaged_tag_mid_file_keeps_the_rows_before_it(tmp_path: Path) -> None:
    """A damaged tag in the middle of a Gnumeric XML or an .ods's content.xml (a flipped byte) raised from lxml's
    feed of the chunk holding it, before the events of the rows above it were taken: the file was corrupt with no
    row read ("Gnumeric XML: XMLSyntaxError"), the people above the damage never counted, while a file cut at the same
    place kept them. The rows before the damage are read, the damage said."""
    from tests.test_wild13 import _gnumeric_xml

    xml = _gnumeric_xml(ROWS)
    at = xml.index(b"</gnm:Cell>", len(xml) * 2 // 3)
    broken = xml[:at] + b"</gnm:Cel>" + xml[at + len(b"</gnm:Cell>"):]
    rows = "".join(f"<table:table-row>\n {''.join(_ods_cell(v) for v in r)}</table:table-row>" for r in ROWS)
    cut = rows.index("</table:table-cell>", len(rows) * 2 // 3)
    ods = ods_package(f'<table:table table:name="t">{rows[:cut]}</table:table-cel>{rows[cut + 19:]}</table:table>')
    findings = _scan(tmp_path, {"名簿.gnumeric": broken, "名簿.ods": ods})
    skipped = {s["path"].rsplit("/", 1)[-1]: (s["reason"], s["detail"]) for s in findings["skipped"]}
    got = {f["path"].rsplit("/", 1)[-1]: (f.get("pii") or {}).get("records", 0) for f in findings["files"]}
    assert set(skipped) == {"名簿.gnumeric", "名簿.ods"} and all(r == "corrupt" for r, _d in skipped.values()), skipped
    for name in ("名簿.gnumeric", "名簿.ods"):
        assert len(ROWS) // 2 < got.get(name, 0) < len(ROWS) - 1, (got, skipped)


def test_a_damaged_tag_mid_spreadsheetml_keeps_the_rows_before_it(tmp_path: Path) -> None:
    """The SpreadsheetML 2003 reader feeds lxml the same way (the shared mechanism the Gnumeric reader copied): a
    damaged tag mid-file made the workbook corrupt with no row read."""
    from tests.table_damage import spreadsheetml

    xml = spreadsheetml({"名簿": ROWS})
    at = xml.index(b"</Cell>", len(xml) * 2 // 3)
    findings = _scan(tmp_path, {"名簿.xml": xml[:at] + b"</Cel>" + xml[at + len(b"</Cell>"):]})
    (skip,) = findings["skipped"]
    got = [(f.get("pii") or {}).get("records", 0) for f in findings["files"]]
    assert skip["reason"] == "corrupt" and got and len(ROWS) // 2 < got[0] < len(ROWS) - 1, (got, skip["detail"])
