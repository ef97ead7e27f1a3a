"""review22d: docs22's PowerPoint 97-2003 record reader (scanner.ppt97) on damaged and hostile records.

- A slide container whose length field is damaged (runs past the stream): the reader skipped it to the next slide
  header and said nothing: a deck holding a person table read as clean (nothing). Now the container is read up to the
  stream's end and the damage said.
- A damaged length inside a table's group (a cell's shape, the table's own first shape): cells lost and not said.
- Hostile records: a zero run inside a container and a stream of top-level headers that do not fit took time
  quadratic in their size (400 KB: 69 s; 256 KB: 20 s, without the reader's time check); a table of cells on a
  diagonal built a rows x columns grid (20,000 cells: over 2 GB).
People are Faker ja_JP with a fixed seed (tests.test_xml21's PERSON_ROWS).
"""

from __future__ import annotations

import struct
import time
import tracemalloc
from typing import Any

from scanner.ppt97 import read_ppt
from tests.conftest import ScanCases, own_lines
from tests.test_docs22 import _ppt_drawing, _ppt_shape, _ppt_table, _record
from tests.test_embedded import ole_with_stream
from tests.test_xml21 import PERSON_ROWS

cases = ScanCases("review22d")
scanned = cases.fixture()
PERSONS = len(PERSON_ROWS) - 1


def _stream(slide: bytes) -> bytes:
    stream = _record(0x03E8, b"", container=True) + slide
    return stream + _record(0x0FFF, bytes(max(0, 4200 - len(stream))))


def _slide() -> bytes:
    return _record(0x03EE, _ppt_drawing(_ppt_table(PERSON_ROWS)), container=True)


def _with_length(record: bytes, length: int) -> bytes:
    return record[:4] + struct.pack("<I", length) + record[8:]


def _read(stream: bytes) -> Any:
    return read_ppt(ole_with_stream("PowerPoint Document", stream), lambda: None)


def _rows(deck: Any) -> int:
    return sum(len(rows) for _, rows in deck.tables)


def test_a_slide_whose_length_runs_past_the_stream_is_read_and_said() -> None:
    deck = _read(_stream(_with_length(_slide(), 0x40000000)))
    assert _rows(deck) == len(PERSON_ROWS)  # (before: skipped to the next slide header: 0 rows, no damage said)
    assert deck.damage is not None and "0x03ee" in deck.damage


def test_a_damaged_length_in_a_table_is_said() -> None:
    table = _ppt_table(PERSON_ROWS)
    group_body = table[8:]
    first = 8 + struct.unpack_from("<I", group_body, 4)[0]  # the table's own first shape (tableProperties)
    cell = group_body[first:]
    cell_length = struct.unpack_from("<I", cell, 4)[0]
    for body in (_with_length(group_body, 0x7FFFFFFF), group_body[:first] + _with_length(cell, cell_length + 9)):
        deck = _read(_stream(_record(0x03EE, _ppt_drawing(_record(0xF003, body, container=True)), container=True)))
        assert deck.damage is not None, _rows(deck)  # (before: 0 or 29 of 31 rows, no damage said)


def test_a_zero_run_inside_a_container_takes_linear_time() -> None:
    start = time.monotonic()
    deck = _read(_record(0x03E8, bytes(400_000) + b"\x01", container=True))
    assert time.monotonic() - start < 5  # (before: 69 s, each zero header copied the rest of its container)
    assert deck.damage is not None


def test_top_level_headers_that_do_not_fit_take_linear_time() -> None:
    start = time.monotonic()
    _read(b"\x0f\x00\xe8\x03\xff\xff\xff\x7f" * 64_000)
    assert time.monotonic() - start < 5  # (before: ~80 s, each header searched the rest of the stream three times)


def test_a_table_of_diagonal_cells_builds_no_grid() -> None:
    shapes = [_ppt_shape(0, (0, 0, 9000, 9000), None, table=True)]
    shapes += [_record(0xF004, _record(0xF00F, struct.pack("<4i", i, i, i + 1, i + 1)), container=True)
               for i in range(5000)]
    slide = _record(0x03EE, _ppt_drawing(_record(0xF003, b"".join(shapes), container=True)), container=True)
    data = ole_with_stream("PowerPoint Document", _stream(slide))
    tracemalloc.start()
    try:
        deck = read_ppt(data, lambda: None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 60 << 20  # (before: 5,000 x 5,000 grid, ~200 MB; 20,000 cells over 2 GB)
    assert sum(len(row) for _, rows in deck.tables for row in rows) >= 5000


@cases.case
def _ppt_damaged() -> dict[str, bytes]:
    return {"slide_length.ppt": ole_with_stream("PowerPoint Document", _stream(_with_length(_slide(), 0x40000000)))}


def test_a_deck_whose_slide_length_is_damaged_is_never_clean(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "ppt_damaged")
    assert [f["pii"]["records"] for f in lines["files"] if f.get("pii")] == [PERSONS]  # (before: nothing)


def test_a_powerpoint_95_presentation_is_said_not_read() -> None:
    """Apache POI's PPT95.ppt (a PowerPoint 95 file: a PowerPoint Document stream of other records, a Current User
    stream of 15 bytes): read as a 97 deck it gave nothing and said nothing (a clean file); it is said unsupported."""
    import gzip

    import olefile
    import pytest

    from scanner.cfbwrite import write_compound
    from scanner.codes import Status
    from scanner.errors import ReadError
    from tests.conftest import ROOT

    with olefile.OleFileIO(gzip.decompress((ROOT / "tests" / "data" / "documents" / "poi__PPT95.ppt.gz").read_bytes())) as ole:
        streams = {name: ole.openstream(name).read() for name in ("Current User", "PowerPoint Document")}
    data = write_compound(streams)  # (docs23: its Text_Content stream is read now; without one it is said not read)
    with pytest.raises(ReadError) as raised:
        read_ppt(data, lambda: None)
    assert raised.value.reason == Status.UNSUPPORTED
    assert [c["code"] for c in raised.value.detail.codes] == ["ppt95-not-read"]  # (before: read, nothing said)


# --- plain web pages (docs22 reads every .html/.htm holding or possibly holding a table) ------------------------------

def _fragment(rows: list[list[str]] | list[tuple[str, ...]]) -> bytes:
    """A page fragment as pandas' DataFrame.to_html / a notebook writes it: a <div> holding a <style> and the table
    (pandas/tests/io/formats/data/html/html_repr_*.html)."""
    from html import escape

    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return ('<div>\n<style scoped>\n    .dataframe tbody tr th {\n        vertical-align: top;\n    }\n</style>\n'
            f'<table border="1" class="dataframe">\n<tbody>{body}</tbody></table>\n</div>').encode()


@cases.case
def _web_pages() -> dict[str, bytes]:
    script = "<script>\n" + "var x = 1; // a long page's script, no table\n" * 3000 + "</script>"
    return {"long_page.html": f"<!DOCTYPE html><html><head>{script}</head><body><p>wasm</p></body></html>".encode(),
            "frame_items.html": _fragment([["a", "b"], ["0", "1"], ["2", "3"]]),
            "frame_persons.html": _fragment(PERSON_ROWS)}


def test_web_pages_without_a_person_table_add_no_line(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "web_pages")
    names = {f["path"].rsplit("/", 1)[-1]: f for key in ("files", "skipped") for f in lines[key]}
    # (before: a page over 64 KiB without a table listed "unsupported: html without any <table>" (pandoc's
    # wasm/index.html); a <div> fragment read as XML, listed "XML damaged in 1 place(s)" (pandas' html_repr pages))
    assert sorted(set(names) - {"frame_persons.html"}) == []
    assert names["frame_persons.html"]["pii"]["records"] == PERSONS


# --- XML past the parser's depth (docs22 stopped reading there) -------------------------------------------------------

def _deep_branch() -> bytes:
    from html import escape

    def record(row: tuple[str, ...] | list[str]) -> str:
        name, address, tel = (escape(c) for c in row)
        return f"<member><name>{name}</name><address>{address}</address><tel>{tel}</tel></member>"

    rows = PERSON_ROWS[1:]
    deep = "<note>" + "<n>" * 300 + "x" + "</n>" * 300 + "</note>"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<members>\n' + "\n".join(record(r) for r in rows[:5]) + "\n" + deep
            + "\n" + "\n".join(record(r) for r in rows[5:]) + "\n</members>\n").encode()


@cases.case
def _deep_branch_xml() -> dict[str, bytes]:
    return {"deep_branch.xml": _deep_branch()}


def test_records_after_a_branch_deeper_than_the_parser_reads_are_read(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "deep_branch_xml")
    assert [f["pii"]["records"] for f in lines["files"] if f.get("pii")] == [PERSONS]  # (before docs22: 30, "damaged
    # in 46 places"; docs22: 5, the 25 after the deep branch never read)
    assert [c["code"] for x in lines["skipped"] for c in x["detail_codes"]] == ["xml-too-deep"]


# --- Office's own [trash] parts are no hidden file -------------------------------------------------------------------

TRASH = b"\xff\xff\xff\xff" + bytes(1866)  # what Office (SharePoint saves) leaves as [trash]/0000.dat: POI's
# Excel_file_with_trash_item.xlsx, PhpSpreadsheet's issue.4248.xlsx


@cases.case
def _trash() -> dict[str, bytes]:
    from tests.pii_data import xlsx_bytes
    from tests.test_docs22 import _with_members

    items = [["品名", "数量"], ["コピー用紙", "10"], ["封筒", "100"]]
    return {"sharepoint_items.xlsx": _with_members(xlsx_bytes({"items": items}), {"[trash]/0000.dat": TRASH})}


def test_office_trash_parts_are_no_lead(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "trash")
    rules = [r for key in ("files", "skipped") for f in lines[key] for r in f.get("matched_rules") or []]
    assert "package-foreign-member" not in rules  # (before: a lead, extension-mismatch "a file hidden in the document?")


# --- a PowerPoint 97-2003 deck under another name ---------------------------------------------------------------------

@cases.case
def _renamed_deck() -> dict[str, bytes]:
    from tests.test_docs22 import ppt_bytes

    deck = ppt_bytes(PERSON_ROWS)
    return {"slides_backup.dat": deck, "slides_noext": deck}


def test_a_renamed_powerpoint_97_deck_is_read(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "renamed_deck")
    found = {f["path"].rsplit("/", 1)[-1]: f["pii"]["records"] for f in lines["files"] if f.get("pii")}
    assert found == {"slides_backup.dat": PERSONS, "slides_noext": PERSONS}  # (before: both ended as nothing)
