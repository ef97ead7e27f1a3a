"""Tables inside word-processing documents (scanner.doctables, session 17): a 名簿 kept as a Word table, an OpenDocument
text table or an RTF table is a sheet like a workbook's, found and counted through the CLI; the layouts writers use
(merged cells, nested tables, content controls, fields, headers) give the rows a reader sees; damaged documents are
listed with the rows read before the damage, never passed as clean. Before: every such document ended as nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import hit_of, skip_of

from scanner.sheet import Caps
from scanner.tables import read_tables
from tests.conftest import ROOT
from tests.document_data import (
    docx_bytes,
    docx_with_table,
    fodt_with_table,
    odf_table,
    odt_bytes,
    odt_with_table,
    people_rows,
    rtf_text,
    rtf_with_table,
    w_cell,
    w_para,
    w_table,
)

ROWS = people_rows(30)
ITEMS = [["品名", "数量", "単価"], ["コピー用紙", "10", "500"], ["トナー", "2", "8000"], ["封筒", "100", "5"]]


def _scan(folder: Path, out: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "scan", str(folder), "--out", str(out),
                           "--workers", "1", "--quiet"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _sheets(data: bytes, fmt: str) -> list[tuple[str, list[list[object]], list[str]]]:
    book = read_tables(data, Caps(), fmt)
    return [(s.name, [list(r) for r in s.rows], s.damage) for s in book.sheets]


DOCUMENTS = {
    "利用者名簿.docx": docx_with_table, "宛名.docm": docx_with_table, "様式.dotx": docx_with_table,
    "名簿.odt": odt_with_table, "名簿様式.ott": odt_with_table, "flat.fodt": fodt_with_table, "宛名リスト.rtf": rtf_with_table,
}


def test_person_tables_in_documents_are_found_and_counted(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    for name, make in DOCUMENTS.items():
        (tree / name).write_bytes(make(ROWS))
    (tree / "備品.docx").write_bytes(docx_with_table(ITEMS))  # a table of no person: nothing
    (tree / "備品.odt").write_bytes(odt_with_table(ITEMS))
    (tree / "備品.rtf").write_bytes(rtf_with_table(ITEMS))
    (tree / "letter.docx").write_bytes(docx_bytes(w_para("拝啓 時下ますますご清栄のこととお慶び申し上げます。")))
    found = _scan(tree, tmp_path / "out")
    for name in DOCUMENTS:
        hit = hit_of(found, tree / name)
        assert hit is not None and "pii" in hit["reasons"], (name, found["files"], found["skipped"])
        assert hit["pii"]["records"] == len(ROWS) - 1 and hit["status"] == "ok", (name, hit)
        assert hit["pii"]["sheets"][0]["header_row"] == 1
    for name in ("備品.docx", "備品.odt", "備品.rtf", "letter.docx"):
        assert hit_of(found, tree / name) is None and skip_of(found, tree / name) is None, name


def test_word_merged_cells_spans_and_content_controls() -> None:
    run = '<w:r><w:t>{}</w:t></w:r>'
    cells = [
        [w_cell("氏名"), w_cell("住所"), w_cell("電話番号")],
        [w_cell("山田 太郎"), w_cell("東京都小金井市本町3丁目12番5号", vmerge="restart"), w_cell("042-300-1234")],
        # the household's address merged down over the next row; the name in a hyperlink, a smart tag and a field
        ['<w:tc><w:p><w:hyperlink r:id="rId9">' + run.format("山田") + '</w:hyperlink><w:smartTag w:uri="x" w:element="n">'
         + run.format(" 花子") + "</w:smartTag></w:p></w:tc>", w_cell("", vmerge="continue"),
         '<w:tc><w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> MERGEFIELD 電話 </w:instrText></w:r>'
         '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run.format("042-300-5678")
         + '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:del><w:r><w:delText>090-0000-0000</w:delText></w:r></w:del></w:p></w:tc>'],
        [w_cell("備考", span=2), w_cell("なし")],
    ]
    sdt_row = ('<w:sdt><w:sdtPr/><w:sdtContent><w:tr><w:sdt><w:sdtContent>' + w_cell("佐藤 次郎") + "</w:sdtContent></w:sdt>"
               + w_cell("東京都府中市宮西町1丁目1番1号") + w_cell("042-360-1111") + "</w:tr></w:sdtContent></w:sdt>")
    table = w_table([], cells).replace("</w:tbl>", sdt_row + "</w:tbl>")
    before = ('<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + w_cell("後ろ") + "</w:tr>")
    table = table.replace("</w:tbl>", before + "</w:tbl>")
    (name, rows, damage), = _sheets(docx_bytes(table), "docx")
    assert rows == [["氏名", "住所", "電話番号"],
                    ["山田 太郎", "東京都小金井市本町3丁目12番5号", "042-300-1234"],
                    ["山田 花子", "東京都小金井市本町3丁目12番5号", "042-300-5678"],
                    ["備考", "", "なし"],
                    ["佐藤 次郎", "東京都府中市宮西町1丁目1番1号", "042-360-1111"],
                    ["", "後ろ"]]
    assert name == "table 1" and damage == []


def test_word_nested_tables_headers_and_text_box_fallback() -> None:
    inner = w_table([["氏名", "住所"], ["鈴木 一郎", "東京都町田市原町田1丁目2番3号"]])
    outer_cells = [[w_cell("一覧"), '<w:tc>' + w_para("内訳") + inner + w_para("") + "</w:tc>"]]
    box = w_table([["箱", "の表"]])
    text_box = ('<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>' + box
                + '</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>' + box
                + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>")
    header = ('<?xml version="1.0"?><w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
              + w_table([["文書番号", "123"]]) + "</w:hdr>")
    data = docx_bytes(w_table([], outer_cells) + text_box, {"word/header1.xml": header})
    sheets = _sheets(data, "docx")
    assert [(n, r) for n, r, _ in sheets] == [
        ("table 2", [["氏名", "住所"], ["鈴木 一郎", "東京都町田市原町田1丁目2番3号"]]),  # inner first, a sheet of its own
        ("table 1", [["一覧", "内訳"]]),  # the outer cell holds its own text, not the inner table's
        ("table 3", [["箱", "の表"]]),  # the text box once (its fallback copy not read)
        ("word/header1.xml table 1", [["文書番号", "123"]]),
    ]


def test_opendocument_spans_repeats_and_nested_tables() -> None:
    t = ('<table:table table:name="名簿"><table:table-header-rows><table:table-row>'
         '<table:table-cell><text:p>氏名</text:p></table:table-cell><table:table-cell><text:p>住所</text:p></table:table-cell>'
         '<table:table-cell><text:p>区分</text:p></table:table-cell></table:table-row></table:table-header-rows>'
         '<table:table-row><table:table-cell><text:p>田中<text:s/>一郎</text:p></table:table-cell>'
         '<table:table-cell table:number-rows-spanned="2"><text:p>東京都調布市小島町1丁目2番3号</text:p></table:table-cell>'
         '<table:table-cell><text:p>A</text:p><office:annotation><text:p>メモ</text:p></office:annotation></table:table-cell>'
         '</table:table-row><table:table-row><table:table-cell><text:p>田中<text:s/>花子</text:p></table:table-cell>'
         '<table:covered-table-cell/><table:table-cell><text:p>B</text:p></table:table-cell></table:table-row>'
         '<table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>合計</text:p></table:table-cell>'
         '<table:covered-table-cell/><table:table-cell table:number-columns-repeated="1"><text:p>2</text:p></table:table-cell>'
         '</table:table-row><table:table-row table:number-rows-repeated="2"><table:table-cell '
         'table:number-columns-repeated="3"><text:p>x</text:p></table:table-cell></table:table-row>'
         '<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1024"/>'
         '</table:table-row></table:table>')
    nested = odf_table([["外"], ["内"]]).replace("<text:p>内</text:p>", odf_table([["入れ子", "の表"]], name="内"))
    styles = ('<?xml version="1.0"?><office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
              'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:'
              'xmlns:text:1.0"><office:master-styles>' + odf_table([["ヘッダー", "表"]]) + "</office:master-styles>"
              "</office:document-styles>")
    sheets = _sheets(odt_bytes(t + nested, styles), "odt")
    assert [(n, r) for n, r, _ in sheets] == [
        ("table 1", [["氏名", "住所", "区分"], ["田中 一郎", "東京都調布市小島町1丁目2番3号", "A"],
                     ["田中 花子", "東京都調布市小島町1丁目2番3号", "B"], ["合計", "", "2"], ["x", "x", "x"], ["x", "x", "x"]]),
        ("table 3", [["入れ子", "の表"]]), ("table 2", [["外"]]),
        ("styles.xml table 1", [["ヘッダー", "表"]]),
    ]


def test_rtf_unicode_merges_fields_and_nested_tables() -> None:
    head = "{\\rtf1\\ansi\\ansicpg1252\\uc1{\\fonttbl{\\f0 Arial;}{\\f1\\fnil\\fcharset128 MS Gothic;}}"
    merged = ("\\trowd\\clvmgf\\cellx2000\\cellx4000\\pard\\intbl \\u23665?\\u30000? \\u22826?\\u37070?\\cell "
              "{\\field{\\*\\fldinst MERGEFIELD x}{\\fldrslt 1}}\\cell\\row\n"
              "\\trowd\\clvmrg\\cellx2000\\cellx4000\\pard\\intbl \\cell {\\f1 \\'82\\'a0}\\cell\\row\n")
    nested = ("\\pard\\par\\trowd\\cellx3000\\pard\\intbl outer\\cell "
              "\\pard\\intbl\\itap2 in1\\nestcell in2\\nestcell{\\*\\nesttableprops\\trowd\\cellx1000\\cellx2000\\nestrow}"
              "{\\nonesttables\\par}\\pard\\intbl\\cell\\row\n")
    data = (head + merged + nested + "\\pard\\par}").encode()
    sheets = _sheets(data, "rtf")
    assert [(n, r) for n, r, _ in sheets] == [
        ("table 1", [["山田 太郎", "1"], ["山田 太郎", "あ"]]),
        ("table 2", [["in1", "in2"]]), ("table 3", [["outer", ""]]),  # the inner first (its rows end first)
    ]


def test_tab_separated_paragraphs_are_a_table_by_the_text_rule(tmp_path: Path) -> None:
    tabbed = "".join('<w:p><w:r><w:t>' + "</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>".join(r) + "</w:t></w:r></w:p>"
                     for r in ROWS)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "宛名.docx").write_bytes(docx_bytes(w_para("宛名一覧") + tabbed))
    body = "".join(f"<text:p>{'<text:tab/>'.join(r)}</text:p>" for r in ROWS)
    (tree / "宛名.odt").write_bytes(odt_bytes(body))
    rtf = "{\\rtf1\\ansi\\ansicpg932 " + "".join(rtf_text("\t".join(r)).replace("\t", "\\tab ") + "\\par\n" for r in ROWS)
    (tree / "宛名.rtf").write_bytes((rtf + "}").encode())
    # a letter with two tab-aligned lines is no table (three lines at least, as a header and two rows)
    (tree / "letter.docx").write_bytes(docx_bytes(w_para("拝啓") + tabbed.split("</w:p>")[0] + "</w:p>" + w_para("敬具")))
    found = _scan(tree, tmp_path / "out")
    for name in ("宛名.docx", "宛名.odt", "宛名.rtf"):
        hit = hit_of(found, tree / name)
        assert hit is not None and hit["pii"]["records"] == len(ROWS) - 1, (name, found["files"], found["skipped"])
    assert hit_of(found, tree / "letter.docx") is None and skip_of(found, tree / "letter.docx") is None


def _cut_zip_inside(data: bytes, part: str, keep: float) -> bytes:
    """``data`` cut at ``keep`` of the way through ``part``'s compressed bytes (its local header kept)."""
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        info = z.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    return data[:start + int(info.compress_size * keep)]


def test_damaged_documents_are_listed_with_the_rows_read(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    docx, odt, rtf = docx_with_table(ROWS), odt_with_table(ROWS), rtf_with_table(ROWS)
    (tree / "cut.docx").write_bytes(_cut_zip_inside(docx, "word/document.xml", 0.6))
    (tree / "cut.odt").write_bytes(_cut_zip_inside(odt, "content.xml", 0.6))
    (tree / "cut.rtf").write_bytes(rtf[:len(rtf) // 2])
    (tree / "end-lost.docx").write_bytes(docx[:-30])  # the directory's end record lost: read from local headers
    second = w_table(ROWS[12:])
    at = second.index("<w:tr>", second.index("<w:tr>") + 200)  # a cell's end tag lost in the second table's 2nd+ row
    broken = second[:at] + second[at:].replace("</w:tc>", "", 1)
    (tree / "broken-xml.docx").write_bytes(docx_bytes(w_para("名簿") + w_table(ROWS[:12]) + broken))
    # a table's start tag damaged (<w:tbX>): its end has no start, the whole part is parsed and says where
    (tree / "broken-tag.docx").write_bytes(docx_bytes(w_para("名簿") + w_table(ROWS[:12])
                                                      + w_table(ROWS[12:]).replace("<w:tbl>", "<w:tbX>", 1)))
    # broken XML in the text between two tables loses no row: both read whole (the parse skips the body text)
    (tree / "broken-text.docx").write_bytes(docx_bytes(w_para("名簿") + w_table(ROWS[:12]) + "<w:p><w:r><w:t>壊れ"
                                                       "</w:t></w:p>" + w_table(ROWS[:1] + ROWS[12:])))
    (tree / "rtf-cut-outside.rtf").write_bytes(b"{\\rtf1\\ansi {\\b " + "本文".encode("cp932") + b"\\par")
    found = _scan(tree, tmp_path / "out")
    expect = {"cut.docx": (1, 29), "cut.odt": (1, 29), "cut.rtf": (1, 29), "end-lost.docx": (30, 30),
              "broken-xml.docx": (12, 29), "broken-tag.docx": (11, 11)}
    for name, (least, most) in expect.items():
        path = tree / name
        hit, skip = hit_of(found, path), skip_of(found, path)
        assert skip is not None and skip["reason"] == "corrupt", (name, found["skipped"])
        assert hit is not None and least <= hit["pii"]["records"] <= most, (name, hit)
    assert hit_of(found, tree / "broken-text.docx")["pii"]["records"] == len(ROWS) - 1
    skip = skip_of(found, tree / "rtf-cut-outside.rtf")
    assert skip is not None and skip["reason"] == "corrupt" and "rtf-text-cut" in json.dumps(found["skipped"])


def test_a_table_over_the_cell_cap_is_listed_with_the_rows_read() -> None:
    from scanner.inspectors.spreadsheet import analyse_bytes

    findings, _, reading = analyse_bytes(docx_with_table(people_rows(200)), "docx", Caps(max_cells=400))
    assert reading.stopped is not None and reading.stopped[0] == "too-large"
    assert findings and 60 <= findings[0].count < 100


@pytest.mark.parametrize("make", [docx_with_table, odt_with_table, rtf_with_table])
def test_every_cut_of_a_document_is_listed_or_complete(make: Any) -> None:
    """Cut at 40 places: each copy is read whole (its last bytes were padding) or gives a damage or a failure,
    never a clean read with fewer rows."""
    from scanner.doctables import document_kind
    from scanner.errors import ReadError
    from scanner.inspectors.spreadsheet import analyse_bytes

    data = make(ROWS)
    for k in range(1, 41):
        cut = data[:len(data) * k // 41]
        kind = document_kind(cut)
        if kind is None:
            continue  # too little left to tell (the zip's first local header cut)
        try:
            findings, _, reading = analyse_bytes(cut, kind, Caps())
        except ReadError as e:
            assert e.reason in ("corrupt", "unsupported"), (k, e)
            continue
        records = sum(f.count for f in findings)
        assert reading.damage or records == len(ROWS) - 1, (k, records, reading)


THIRD_PARTY = Path(__file__).parent / "data" / "documents"
# the tables each third-party document holds, as read (tests/data/documents/README.md)
THIRD_PARTY_SHEETS = {"docx__tbl-cell-access.docx": 4, "docx__tbl-having-tables.docx": 3, "docx__blk-paras-and-tables.docx": 6,
                      "pandoc__table_header_rowspan.docx": 1, "pandoc__table_gridbefore.docx": 1,
                      "pandoc__sdt_elements.docx": 1, "pandoc__tables.docx": 3, "pandoc__tableWithSpans.odt": 1,
                      "pandoc__simpleTableWithMultipleHeaderRows.odt": 1, "pandoc__table_nested.rtf": 3,
                      "pandoc__table_nested_malformed_itap.rtf": 3, "pandoc__table_error_codes.rtf": 1,
                      "pandoc__writer.rtf": 21, "pandoc__list_complex.rtf": 1, "odfpy__simpletable.odt": 1,
                      "python-pptx__tbl-cell.pptx": 4}  # (xml21: slide tables)


def _third_party(pattern: str = "*.gz") -> dict[str, bytes]:
    import gzip

    return {p.name.removesuffix(".gz"): gzip.decompress(p.read_bytes()) for p in sorted(THIRD_PARTY.glob(pattern))
            if not p.name.endswith((".doc.gz", ".ppt.gz")) or pattern != "*.gz"}


def test_word97_documents_with_tables_are_read_and_rtf_under_doc_too(tmp_path: Path) -> None:
    """A Word 97-2003 .doc holding a table is read (word18: it was listed ``unsupported`` ``word97-tables-unread``; in
    session 16 it ended as nothing): POI's simple-table.doc has no person. One without a table adds nothing; an RTF
    saved under .doc (Word does) is read as RTF."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for name, data in _third_party("*.doc.gz").items():
        (tree / name).write_bytes(data)
    (tree / "名簿.doc").write_bytes(rtf_with_table(ROWS))
    found = _scan(tree, tmp_path / "out")
    for name in ("poi__simple-table.doc", "poi__simple.doc"):
        assert skip_of(found, tree / name) is None and hit_of(found, tree / name) is None, name
    assert hit_of(found, tree / "名簿.doc")["pii"]["records"] == len(ROWS) - 1


def test_third_party_documents_give_their_tables_and_no_person_file(tmp_path: Path) -> None:
    from scanner.doctables import document_kind

    files = _third_party()
    assert set(files) == set(THIRD_PARTY_SHEETS)
    for name, data in files.items():
        kind = document_kind(data)
        assert kind is not None, name
        assert len(read_tables(data, Caps(), kind).sheets) == THIRD_PARTY_SHEETS[name], name
    rows = read_tables(files["pandoc__tableWithSpans.odt"], Caps(), "odt").sheets[0].rows
    assert list(rows)[:2] == [["H1 Rowspan 2", "H1-2", "H1-3"], ["H1 Rowspan 2", "H2-2/3", ""]]
    tree = tmp_path / "tree"
    tree.mkdir()
    for name, data in files.items():
        (tree / name).write_bytes(data)
        # damaged copies: cut in half, a run of bytes zeroed in the middle
        stem, ext = name.rsplit(".", 1)
        (tree / f"{stem}-cut.{ext}").write_bytes(data[:len(data) // 2])
        middle = len(data) // 2
        (tree / f"{stem}-zeroed.{ext}").write_bytes(data[:middle] + bytes(64) + data[middle + 64:])
    found = _scan(tree, tmp_path / "out")
    assert not [h for h in found["files"] if {"pii", "pii-names"} & set(h["reasons"])], found["files"]
    for name in files:  # the sound ones read clean
        assert skip_of(found, tree / name) is None, (name, found["skipped"])
    for s in found["skipped"]:
        assert s["reason"] in ("corrupt", "unsupported"), s


def test_review17d_document_without_table_needs_no_worker(tmp_path: Path) -> None:
    """Issue 11 (review17d): a small local document whose bytes show no table, tab lines or damage is not wanted by
    the spreadsheet inspector (the worker would read and hash it for nothing); one with a table, tab lines, a cut,
    a group left open or a NUL block still is, and the scan's findings are the reader's."""
    from scanner.config import ScanConfig
    from scanner.inspectors.spreadsheet import SpreadsheetInspector
    from scanner.sources.local import LocalSource

    plain = docx_bytes(w_para("拝啓 時下ますますご清栄のこととお喜び申し上げます。") * 40)
    tabbed = docx_bytes("".join(f'<w:p><w:r><w:t>{a}</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>{b}</w:t></w:r></w:p>'
                                for a, b in (["氏名", "住所"], *[(r[0], r[2]) for r in ROWS[1:6]])))
    rtf_plain = ("{\\rtf1\\ansi\\ansicpg932 " + rtf_text("議事録") + "\\par " + rtf_text("以上") + "\\par}").encode()
    files = {
        "letter.docx": plain, "letter.odt": odt_bytes("<text:p>拝啓</text:p>" * 40), "letter.rtf": rtf_plain,
        "名簿.docx": docx_with_table(ROWS), "名簿.odt": odt_with_table(ROWS), "名簿.rtf": rtf_with_table(ROWS),
        "tabs.docx": tabbed, "cut.docx": plain[: len(plain) * 2 // 3], "open.rtf": rtf_plain[:-1],
        "nul.rtf": rtf_plain[:20] + b"\0" * 32 + rtf_plain[52:],
    }
    crc = bytearray(plain)  # a flipped byte inside document.xml's deflate stream: the reader says the damage
    at = bytes(crc).find(b"word/document.xml") + len("word/document.xml") + 40
    crc[at] ^= 0xFF
    files["crc.docx"] = bytes(crc)
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    inspector = SpreadsheetInspector(ScanConfig(sources=[str(folder)], out=str(tmp_path / "unused")))
    wanted = {e.name for e in LocalSource(str(folder)).entries() if hasattr(e, "stat")
              and inspector.wants(e, e.stat().size, lambda e=e: e.open().read(512))}
    assert wanted == set(files) - {"letter.docx", "letter.odt", "letter.rtf"}
    found = _scan(folder, tmp_path / "out")
    for name in ("letter.docx", "letter.odt", "letter.rtf"):
        assert hit_of(found, folder / name) is None and skip_of(found, folder / name) is None
    for name in ("名簿.docx", "名簿.odt", "名簿.rtf"):
        assert (hit_of(found, folder / name) or {}).get("pii", {}).get("records") == 30
    for name in ("cut.docx", "crc.docx", "open.rtf", "nul.rtf"):
        assert hit_of(found, folder / name) or skip_of(found, folder / name), name


def test_review17d_utf16_parts_are_read() -> None:
    """A story part saved in UTF-16 (OOXML and ODF allow it; Word writes UTF-8, other writers may not): its table
    is read (review17d: the byte search for a table element ran on the UTF-16 bytes, found none and the document
    ended as nothing)."""
    import io

    from tests.document_data import docx_xml, odt_content

    for name, xml, fmt in (("word/document.xml", docx_xml(w_table(ROWS)), "docx"),
                           ("content.xml", odt_content(odf_table(ROWS)), "odt")):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            if fmt == "odt":
                z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            z.writestr(name, xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
        sheets = _sheets(buf.getvalue(), fmt)
        assert [len(rows) for _, rows, _ in sheets] == [31], fmt
        assert sheets[0][1][1] == ROWS[1]


def test_review17d_utf16_rtf_is_read(tmp_path: Path) -> None:
    """An RTF saved in UTF-16 with its byte order mark (as .NET's StreamWriter writes a RichTextBox's Rtf text): its
    table is read through the CLI, in both byte orders, Japanese written as characters or as ``\\'hh`` escapes
    (review17d: it was no document by its first bytes and ended as nothing)."""
    rtf = rtf_with_table(ROWS).decode("ascii")
    raw = rtf.replace(rtf_text(ROWS[1][0]), ROWS[1][0])  # one name as characters, not escapes
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "名簿.rtf").write_bytes(raw.encode("utf-16"))
    (folder / "名簿be.rtf").write_bytes(b"\xfe\xff" + rtf.encode("utf-16-be"))
    found = _scan(folder, tmp_path / "out")
    for name in ("名簿.rtf", "名簿be.rtf"):
        assert (hit_of(found, folder / name) or {}).get("pii", {}).get("records") == 30, name
    sheets = _sheets(raw.encode("utf-16"), "rtf")
    assert sheets[0][1][1] == ROWS[1]


def test_review17d_rtf_binary_data_is_skipped() -> None:
    """``\\binN`` is followed by N raw bytes (a picture kept in binary rather than hex): braces and control words
    among them are no RTF (review17d: they closed and opened groups, the document was said cut and a `\\cell` in
    them made a cell)."""
    rtf = rtf_with_table(ROWS)
    junk = b"}}}}{{{{\\cell\\row\\par"
    picture = b"{\\pict\\pngblip\\bin" + str(len(junk)).encode() + b" " + junk + b"}"
    data = rtf.replace(b"\\pard \\'97", b"\\pard " + picture + b"\\'97", 1)
    assert data != rtf
    (name, rows, damage), = _sheets(data, "rtf")
    assert rows == [list(r) for r in ROWS] and damage == []
