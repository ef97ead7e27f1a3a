"""Files other projects wrote (PhpSpreadsheet, NPOI, ClosedXML, XlsxWriter, roo, csvkit, Apache Tika, W3C csvw,
csv-spectrum, plaso test data), scanned whole (Session 13, wild13): what ended unread or was misread, each with
its fix."""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT, run_leakscan
from tests.pii_data import xlsx_bytes

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

ROWS = person_rows(40, 20261213)


def _scan(tmp_path: Path, files: dict[str, bytes]) -> dict:
    """findings.json of a CLI scan over a share holding ``files`` (no traceback on the way)."""
    share = tmp_path / "share"
    share.mkdir()
    for name, data in files.items():
        (share / name).write_bytes(data)
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return json.loads((out / "findings.json").read_text())


def _one_list_read_whole(findings: dict) -> None:
    assert not findings["skipped"], findings["skipped"]
    (hit,) = findings["files"]
    assert hit["status"] == "ok" and hit["pii"]["records"] == len(ROWS) - 1, (hit["status"], hit.get("pii"))


def _rewrite_sheet(data: bytes, edit) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            raw = src.read(info)
            dst.writestr(info.filename, edit(raw) if info.filename == "xl/worksheets/sheet1.xml" else raw)
    return out.getvalue()


def _libreoffice_whole_sheet(raw: bytes) -> bytes:
    """What LibreOffice Calc writes when rows down to the sheet's end carry a height or a format (the whole
    sheet's row height set, a column formatted to the bottom): <dimension ref="A1:AMJ1048576"/> (all 1,024 of its
    columns) and empty rows up to 1048576, no cell in them (PhpSpreadsheet tests/data/Reader/XLSX/issue.3982.xlsx)."""
    text = re.sub(rb"<dimension[^>]*/>", b'<dimension ref="A1:AMJ1048576"/>', raw)
    tail = b"".join(b'<row r="%d" customFormat="false" ht="12.8" hidden="false" customHeight="true"'
                    b' outlineLevel="0" collapsed="false"/>' % r for r in (1048574, 1048575, 1048576))
    return text.replace(b"</sheetData>", tail + b"</sheetData>")


def test_a_sheet_declared_to_the_last_row_and_column_is_read_by_its_cells(tmp_path: Path) -> None:
    """A workbook LibreOffice saved with rows formatted down to row 1,048,576 declares A1:AMJ1048576 (1,073,741,824
    cells): the declared size alone made it too-large, its 40 people not read (PhpSpreadsheet issue.3982.xlsx;
    XlsxWriter comment03.xlsx declares A1:XFD1048576 for one cell). calamine keeps only the cells a sheet holds
    and reserves no more than 100,000 for a declared size: the cells' own references decide (the bomb guard)."""
    _one_list_read_whole(_scan(tmp_path, {"名簿.xlsx": _rewrite_sheet(xlsx_bytes({"名簿": ROWS}), _libreoffice_whole_sheet)}))


def _gnumeric_xml(rows: list[list[object]]) -> bytes:
    """A workbook as Gnumeric 1.12 writes it (namespace, <gnm:Sheet> with its <gnm:Name>, then the cells row by
    row as <gnm:Cell Row= Col= ValueType=>; defined names inside the sheet are <gnm:Name> too)."""
    from xml.sax.saxutils import escape

    cells = "".join(f'<gnm:Cell Row="{r}" Col="{c}" ValueType="{40 if isinstance(v, int) else 60}">{escape(str(v))}'
                    "</gnm:Cell>\n" for r, row in enumerate(rows) for c, v in enumerate(row))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<gnm:Workbook xmlns:gnm="http://www.gnumeric.org/v10.dtd">\n'
            '<gnm:Version Epoch="1" Major="12" Minor="35" Full="1.12.35"/>\n<gnm:Sheets>\n<gnm:Sheet>\n'
            '<gnm:Name>名簿</gnm:Name><gnm:MaxCol>4</gnm:MaxCol>\n'
            '<gnm:Names><gnm:Name><gnm:name>Print_Area</gnm:name><gnm:value>#REF!</gnm:value></gnm:Name></gnm:Names>\n'
            f"<gnm:Cells>\n{cells}</gnm:Cells>\n</gnm:Sheet>\n</gnm:Sheets>\n</gnm:Workbook>\n").encode()


def test_a_gnumeric_workbook_is_read(tmp_path: Path) -> None:
    """A .gnumeric workbook (gzipped XML: PhpSpreadsheet's tests/data/Reader/Gnumeric, 11 files) ended as nothing:
    the archive inspector inflated it and nothing read the XML inside, so its people were listed nowhere. The XML is
    read now (inflated from the gzip, or saved uncompressed), its damage said; a cut one keeps the rows before the cut."""
    import gzip

    xml = _gnumeric_xml(ROWS)
    share = tmp_path / "share"
    share.mkdir()
    (share / "会員.gnumeric").write_bytes(gzip.compress(xml, mtime=0))
    (share / "会員2.gnumeric").write_bytes(xml)  # saved without compression
    (share / "会員3.gnumeric").write_bytes(gzip.compress(xml[: len(xml) // 2], mtime=0))  # cut inside its cells
    (share / "会員4.xml").write_bytes(xml)  # the XML under another name
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    findings = json.loads((out / "findings.json").read_text())
    got = {f["path"].rsplit("/", 1)[-1].split(" » ")[0]: (f["status"], (f.get("pii") or {}).get("records", 0))
           for f in findings["files"]}
    assert got.get("会員.gnumeric") == ("ok", len(ROWS) - 1), (got, findings["skipped"])
    assert got.get("会員2.gnumeric") == ("ok", len(ROWS) - 1), (got, findings["skipped"])
    assert got.get("会員4.xml") == ("ok", len(ROWS) - 1), (got, findings["skipped"])
    status, records = got.get("会員3.gnumeric", ("none", 0))
    assert status == "corrupt" and 0 < records < len(ROWS) - 1, (got, findings["skipped"])


def _odf(media_type: str, with_mimetype: bool) -> bytes:
    """An OpenDocument / OpenOffice.org 1.x package as its writers lay it out: the mimetype member first (ODF;
    OpenOffice.org 1.x writes none), content.xml, and the manifest naming the package's own type at full-path "/"."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        if with_mimetype:
            zf.writestr(zipfile.ZipInfo("mimetype"), media_type)
        zf.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
                    'xmlns:office="http://openoffice.org/2000/office"><office:body/></office:document-content>')
        zf.writestr("styles.xml", '<?xml version="1.0" encoding="UTF-8"?>' + "<!-- styles -->" * 80, zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
                    'xmlns:manifest="http://openoffice.org/2001/manifest">\n <manifest:file-entry '
                    f'manifest:media-type="{media_type}" manifest:full-path="/"/>\n</manifest:manifest>')
    return out.getvalue()


def test_other_opendocument_packages_are_not_damaged_workbooks(tmp_path: Path) -> None:
    """Any zip with content.xml and a manifest was taken for an .ods: Tika's StarOffice Writer/Draw/Impress files
    (.sxw .stw .sxd .sxi), a Base database (.odb) and a formula (.odf), none a spreadsheet, were each listed as a
    damaged workbook ("calamine: CalamineError"). The package's own type (its mimetype member, or for
    OpenOffice.org 1.x its manifest) says what it is; StarOffice Calc (.sxc), which calamine cannot read, is listed
    as an unread spreadsheet by name."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "報告.sxw").write_bytes(_odf("application/vnd.sun.xml.writer", False))
    (share / "台帳.odb").write_bytes(_odf("application/vnd.oasis.opendocument.base", True))
    (share / "名簿.sxc").write_bytes(_odf("application/vnd.sun.xml.calc", False))
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    skipped = {s["path"].rsplit("/", 1)[-1]: (s["reason"], s["detail"]) for s in
               json.loads((out / "findings.json").read_text())["skipped"]}
    assert set(skipped) == {"名簿.sxc"}, skipped
    assert skipped["名簿.sxc"][0] == "unsupported" and "StarOffice Calc" in skipped["名簿.sxc"][1], skipped


def _indented_ods(data: bytes) -> bytes:
    """The .ods with its content.xml indented, as writers other than LibreOffice lay it out (PhpSpreadsheet's test
    files RepeatedDataCells.ods, issue.804.ods: white space between <table:table-row> and <table:table-cell>)."""
    from lxml import etree

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            raw = src.read(info)
            if info.filename == "content.xml":
                raw = etree.tostring(etree.fromstring(raw), pretty_print=True, xml_declaration=True, encoding="UTF-8")
            dst.writestr(info, raw, zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_an_ods_calamine_refuses_is_read_from_its_content_xml(tmp_path: Path) -> None:
    """An .ods whose content.xml is indented makes calamine fail ("Expecting 'table-cell', found 'Text'"): the
    workbook was listed corrupt with no row read (PhpSpreadsheet issue.804.ods: a German contact list). Its
    content.xml is read with lxml then: the people are counted, the file is not called damaged."""
    from tests.pii_data import ods_bytes

    _one_list_read_whole(_scan(tmp_path, {"名簿.ods": _indented_ods(ods_bytes({"名簿": ROWS}))}))


def test_an_equation_objects_native_data_is_not_a_damaged_package(tmp_path: Path) -> None:
    """Word documents with Microsoft Equation 3.0 objects (Apache Tika's testException2.doc, POI's
    20-Force-on-a-current-S00.doc) were listed corrupt, their detail Python's own struct.error text ("unpack_from
    requires a buffer of at least 47 bytes"): the equation's Ole10Native stream was parsed as a Packager file. Only an
    object whose CompObj names the Package class (or that has none) holds a dropped file there; another class's native
    data is examined as it is."""
    import gzip


    share = tmp_path / "share"
    share.mkdir()
    (share / "式.doc").write_bytes(gzip.decompress((ROOT / "tests/data/tables/tika__testException2.doc.gz").read_bytes()))
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in done.stderr and "unpack_from" not in done.stderr, done.stderr[-2000:]
    findings = json.loads((out / "findings.json").read_text())
    # its worksheet table is read as a Word 97-2003 table (word18; doctables17 listed it unread, before it ended as
    # nothing): numbers, no person, nothing listed
    assert findings["skipped"] == [] and findings["files"] == [], (findings["skipped"], findings["files"])
    from scanner.sheet import Caps
    from scanner.tables import read_tables

    data = gzip.decompress((ROOT / "tests/data/tables/tika__testException2.doc.gz").read_bytes())
    assert [len(list(s.rows)) for s in read_tables(data, Caps(), "doc").sheets] == [1, 1, 5, 11]


def test_a_package_header_cut_short_is_said_in_words() -> None:
    """A Packager stream that ends before its temporary path's length gave Python's struct.error text as the detail."""
    import pytest

    from scanner.errors import ReadError
    from scanner.inspectors.legacy_embedded import native_file

    header = b"\x02\x00" + "名簿.csv".encode("cp932") + b"\x00C:\\tmp\\a.csv\x00" + b"\x00\x00\x03\x00"
    with pytest.raises(ReadError) as e:
        native_file(len(header).to_bytes(4, "little") + header)
    assert e.value.reason == "corrupt" and "header cut short" in e.value.detail and "unpack" not in e.value.detail
