"""sweep22: where today's changes meet (the merged main against afb90976 on third-party files).

docs22 reads plain web pages (.html/.htm) as tables. Pages whose root is no <html>/<table> went on to the XML reader:
a pandas DataFrame's HTML (``<div><style scoped>...<table>``, pandas/tests/io/formats/data/html) and a page that
opens ``<!DOCTYPE html><meta charset>`` (pandoc's dzslides template) were listed ``corrupt`` "XML damaged", and a
page longer than the 64 KiB looked at without any table (pandoc's wasm/index.html) ``unsupported`` "html without
any <table>": at afb90976 they were clean (never read), and docs22 says a page without a table or persons adds no
line. csv22's zeroed-records check took an old Stata file's empty variable labels for a lost block and a row of
missing values for its records (pandas' stata2_114.dta, stata9_115.dta: clean -> corrupt).
"""

from __future__ import annotations

from html import escape
from typing import Any

from tests.conftest import ScanCases, own_lines
from tests.pii_data import people, standard

cases = ScanCases("sweep22")
scanned = cases.fixture()
ROWS = standard(people(20, seed=2222))


def _table(rows: list[list[str]] | list[tuple[str, ...]]) -> str:
    return ('<table border="1" class="dataframe">' + "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>\n" for r in rows) + "</table>")


def _fragment(rows: list[list[str]] | list[tuple[str, ...]]) -> bytes:
    """A DataFrame's HTML as pandas and Jupyter write it: a <div> with a scoped <style> (no XML) around the table."""
    style = "<style scoped>\n    .dataframe tbody tr th {\n        vertical-align: top;\n    }\n</style>\n"
    return f"<div>\n{style}{_table(rows)}\n<p>{len(rows)} rows</p>\n</div>\n".encode()


def _doctype_meta(rows: list[list[str]] | list[tuple[str, ...]]) -> bytes:
    """An HTML5 page without <html>/<head>/<body> (optional in HTML5): <!DOCTYPE html>, then <meta charset>."""
    return (f'<!DOCTYPE html>\n\n<meta charset="utf-8">\n<title>会員</title>\n<section>\n<h1>会員一覧</h1>\n'
            f"{_table(rows)}\n</section>\n").encode()


@cases.case
def _pages() -> dict[str, bytes]:
    numbers = [["", "a"], *([str(i), str(i)] for i in range(60))]
    long_page = ("<!DOCTYPE html><html><head><title>tool</title><script>\n" + "var x = 1;\n" * 8000
                 + "</script></head><body><p>page</p></body></html>").encode()
    return {"frame_persons.html": _fragment(ROWS), "frame_numbers.html": _fragment(numbers),
            "slides_persons.html": _doctype_meta(ROWS), "slides_plain.html": _doctype_meta([]),
            "long_no_table.html": long_page}


def _names(lines: dict[str, Any]) -> dict[str, str]:
    return {x["path"].rsplit("/", 1)[-1]: x.get("status") or x.get("reason") for k in ("files", "skipped")
            for x in lines[k]}


def _records(lines: dict[str, Any], name: str) -> int | None:
    hit = [f for f in lines["files"] if f["path"].rsplit("/", 1)[-1] == name]
    return hit[0]["pii"]["records"] if hit and hit[0].get("pii") else None


def test_pages_without_persons_or_tables_add_no_line(scanned: dict[str, Any]) -> None:
    names = _names(own_lines(scanned, "pages"))  # (main before: corrupt "XML damaged" x2, unsupported "no <table>")
    assert {n: names.get(n) for n in ("frame_numbers.html", "slides_plain.html", "long_no_table.html")} == dict.fromkeys(
        ("frame_numbers.html", "slides_plain.html", "long_no_table.html"))


def test_a_person_table_in_a_page_of_html5_fragments_is_read_as_html(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "pages")  # (main before: corrupt "XML damaged", 0 records)
    assert [_records(lines, n) for n in ("frame_persons.html", "slides_persons.html")] == [len(ROWS) - 1] * 2
    assert {_names(lines)[n] for n in ("frame_persons.html", "slides_persons.html")} == {"ok"}


def _stata_said(data: bytes) -> list[str]:
    from scanner.details import codes_of
    from scanner.sheet import Caps
    from scanner.statsdata import iter_stats

    sheet = iter_stats(data, "dta", Caps())
    rows = list(sheet.rows)
    assert len(rows) == 4  # (header + 3)
    return [c["code"] for d in sheet.damage for c in codes_of(d)]


def test_a_stata_row_of_missing_values_is_no_zeroed_block() -> None:
    """pandas' stata2_114.dta: 8 variables without labels (648 NUL bytes of empty variable labels in its header) and a
    last row of missing values (Stata's missing codes, no zero byte): csv22's check read the header's NULs as a block
    lost and the missing row as its records: `corrupt` `stats-rows-zeroed` (afb90976: clean). A missing value is
    written, not zeroed."""
    import io

    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({f"v{i}": [float(i), float(i + 10), np.nan] for i in range(8)})
    out = io.BytesIO()
    frame.to_stata(out, write_index=False, version=114)
    data = out.getvalue()
    assert bytes(512) in data  # (the header's empty labels)
    assert _stata_said(data) == []
    zeroed = data[:-8 * 8] + bytes(8 * 8)  # the last record's bytes zeroed: still said
    assert _stata_said(zeroed) == ["stats-rows-zeroed"]


def _xps(extra: dict[str, bytes] | None = None) -> bytes:
    """An XPS document as Windows' XPS Document Writer lays it out (ECMA-388: the root relationship names the fixed
    document sequence; the sequence names its documents and a document its pages by Source attributes, not by
    relationships)."""
    import io
    import zipfile

    parts = {
        "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       b'<Relationship Target="/FixedDocSeq.fdseq" Id="R0" Type="http://schemas.microsoft.com/xps/'
                       b'2005/06/fixedrepresentation"/></Relationships>',
        "FixedDocSeq.fdseq": b'<FixedDocumentSequence><DocumentReference Source="Documents/1/FixedDoc.fdoc"/>'
                             b"</FixedDocumentSequence>",
        "Documents/1/FixedDoc.fdoc": b'<FixedDocument><PageContent Source="Pages/1.fpage"/></FixedDocument>',
        "Documents/1/Pages/1.fpage": b'<FixedPage Width="816" Height="1056"><Glyphs UnicodeString="x"/></FixedPage>',
        "Documents/1/Structure/Fragments/1.frag": b"<StoryFragment/>",
        "Documents/1/Structure/DocStructure.struct": b"<DocumentStructure/>",
        "Resources/0A1B.odttf": b"\x00" * 64, **(extra or {})}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_an_xps_documents_own_parts_are_no_hidden_files() -> None:
    """POI's testPPT.xps: its FixedDoc.fdoc and pages were said "members that are none of its format's own parts (a
    file hidden in the document?)", an extension-mismatch lead since docs22 (afb90976: nothing); every XPS printout
    would be one. A file added to it still is."""
    from scanner.inspectors.embedded import foreign_members

    assert foreign_members(_xps()) == []
    assert foreign_members(_xps({"Documents/1/名簿.csv": "氏名,住所\n".encode()})) == ["Documents/1/名簿.csv"]
