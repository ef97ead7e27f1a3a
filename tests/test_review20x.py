"""review20x: defects found reviewing xml20 (Office flat XML, value-named and coded XML records).

People are Faker ja_JP with a fixed seed (tests.xml19_data via tests.test_xml20); nothing here is real.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from scanner.detectors.columns import is_label
from scanner.detectors.pii import analyse_sheet
from scanner.doctables import flat_objects
from scanner.inspectors.disguise import column_field
from scanner.sheet import Caps
from scanner.xmlrecords import record_sheets
from tests import xml19_data as X
from tests.conftest import hit_of, scan_findings, skip_of
from tests.test_xml20 import MAIN_TYPE, WITH_OBJECT, WORD_XML, _document, filemaker, flat

PEOPLE = X.PEOPLE

OBJECT = os.urandom(4 << 20)  # an embedded OLE object's bytes (random: nothing to read, only to hold)
BIG = flat([("/word/document.xml", MAIN_TYPE, _document(table=False)),
            ("/word/embeddings/oleObject1.bin", "application/vnd.openxmlformats-officedocument.oleObject", OBJECT)])


def test_a_large_object_in_base64_is_not_held_several_times() -> None:
    """A flat XML part's base64 (76 letters a line) was cut out of the file, its line ends removed by a regex
    substitution (one bytes object a line, then joined): ~7 times the object's size at its peak (1 GB for a 130 MB
    object in a 184 MB file). Decoded from the file's own bytes, the object is held once."""
    tracemalloc.start()
    try:
        objects = [(name, len(body), why) for name, body, why in flat_objects(BIG, 1 << 30)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert objects == [("word/embeddings/oleObject1.bin", len(OBJECT), None)]
    assert peak < 2 * len(OBJECT), peak


def _coded_after_empty_rows() -> bytes:
    """Coded records (``<C001>``) whose first 2,000 rows hold nothing in the coded person columns (a register with
    its empty slots first): the 64 KiB head shows one coded element holding text (``<C004>``), the clients follow."""
    empty = "<R><C001></C001><C002></C002><C003></C003><C004>0</C004></R>" * 2000
    rows = "".join(f"<R><C001>{escape(p.name)}</C001><C002>{escape(p.address)}</C002><C003>{p.phone}</C003>"
                   "<C004>1</C004></R>" for p in PEOPLE)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<DATA>{empty}{rows}</DATA>\n'.encode()


def _coded_words(tag: str = "col") -> bytes:
    """Coded records whose tags are a word and a number (``<col1>``, ``<field2>``, ``<data3>``)."""
    rows = "".join(f"<row><{tag}1>{escape(p.name)}</{tag}1><{tag}2>{escape(p.address)}</{tag}2><{tag}3>{p.phone}</{tag}3>"
                   "</row>" for p in PEOPLE)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<rows>{rows}</rows>\n'.encode()


def _prefixed(data: bytes, prefix: str) -> bytes:
    """An Office flat XML document whose package namespace has another prefix (``p:``), or none (``xmlns=``)."""
    return data.replace(b"pkg:", prefix.encode()).replace(b"xmlns:pkg=", f"xmlns{':' if prefix else ''}{prefix[:-1]}=".encode())


def _utf16(data: bytes) -> bytes:
    return data.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


CODED_LATE = _coded_after_empty_rows()
FILES = {"coded-late.xml": CODED_LATE, "coded-late.jpg": CODED_LATE, "coded-late": CODED_LATE,
         "coded-col.xml": _coded_words(),
         "flat-p.xml": _prefixed(WORD_XML, "p:"), "flat-default.xml": _prefixed(WORD_XML, ""),
         "flat-p.doc": _prefixed(WORD_XML, "p:"), "flat-utf16.xml": _utf16(WORD_XML), "flat-utf16.doc": _utf16(WORD_XML)}
FILES["filemaker-coded.xml"] = (filemaker().replace('NAME="氏名"', 'NAME="F1"').replace('NAME="住所"', 'NAME="F2"')
                                 .replace('NAME="電話番号"', 'NAME="F3"').encode())
FLAT = ["flat-p.xml", "flat-default.xml", "flat-p.doc", "flat-utf16.xml", "flat-utf16.doc"]
CLEAN = {"flat-p-no-table.xml": _prefixed(flat([("/word/document.xml", MAIN_TYPE, _document(table=False))]), "p:")}
OBJECTS = {"flat-utf16-object.xml": _utf16(WITH_OBJECT)}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("review20x")
    tree = root / "tree"
    tree.mkdir()
    for name, data in {**FILES, **CLEAN, **OBJECTS}.items():
        (tree / name).write_bytes(data)
    return tree, scan_findings(tree, root / "out")


@pytest.mark.parametrize("name", ["coded-late.xml", "coded-late.jpg", "coded-late", "coded-col.xml",
                                  "filemaker-coded.xml"])
def test_coded_records_are_counted(scanned: tuple[Path, dict[str, Any]], name: str) -> None:
    """coded-late: the head check wants two coded elements holding text in the first 64 KiB, the tail check looked for
    person field names only: such a file ended as nothing (no hit, no skip) under .xml, .jpg and no name. coded-col:
    its header row ``col1 | col2 | col3`` was counted as a person (31). filemaker-coded: a FileMaker export whose
    fields are named F1, F2, F3 (coded by values, FIELD NAME=…): the head check saw no person's field and no coded
    element, so it ended as nothing (the reader reads it)."""
    tree, found = scanned
    hit = hit_of(found, tree / name)
    assert hit is not None, (name, skip_of(found, tree / name))
    assert hit["pii"]["records"] == len(PEOPLE), hit["pii"]


@pytest.mark.parametrize("tag", ["col", "field", "data", "val", "C00"])
def test_a_coded_header_is_no_person(tag: str) -> None:
    """The coded tags were the sheet's header row; read as a header-less table's first row, ``col1 | col2 | col3`` (a
    word of three letters or more and a number) was counted as one more person (31 for 30)."""
    sheets = list(record_sheets(_coded_words(tag), Caps(), column_field, is_label))
    assert len(sheets) == 1
    found = analyse_sheet(sheets[0].name, list(sheets[0].rows))
    assert found is not None and len(found.records) == len(PEOPLE), len(found.records) if found else None


@pytest.mark.parametrize("name", FLAT)
def test_flat_xml_of_another_prefix_or_in_utf16_is_read(scanned: tuple[Path, dict[str, Any]], name: str) -> None:
    """A small flat XML document (< 16 KiB) whose package prefix is not ``pkg:`` (or that has none) was listed
    ``corrupt`` (``document-part-cut``: the cut-in-root rule knew ``<pkg:package`` only) and its table not counted;
    one saved as UTF-16 ended as nothing (the routing looked for the namespace's UTF-8 bytes)."""
    tree, found = scanned
    hit = hit_of(found, tree / name)
    assert hit is not None and skip_of(found, tree / name) is None, (name, skip_of(found, tree / name))
    assert hit["pii"]["records"] == len(PEOPLE) and hit["status"] == "ok", (hit["status"], hit["pii"])


def test_flat_xml_of_another_prefix_without_a_table_is_clean(scanned: tuple[Path, dict[str, Any]]) -> None:
    tree, found = scanned
    for name in CLEAN:
        assert hit_of(found, tree / name) is None and skip_of(found, tree / name) is None, skip_of(found, tree / name)


def test_an_object_of_a_utf16_flat_document_is_a_child(scanned: tuple[Path, dict[str, Any]]) -> None:
    tree, found = scanned
    children = [h for h in found["files"] if h["path"].startswith(f"{tree / 'flat-utf16-object.xml'} » ")]
    assert [h["pii"]["records"] for h in children] == [len(PEOPLE)], children


def test_a_coded_header_the_detector_knows_is_kept() -> None:
    """Only coded labels the detector knows nothing of are blanked: ``owner1``/``Manager1`` (excluded: an owner's or
    a manager's column, not the persons') and ``guardian1`` (a guardian's name: a role) stay in the header row."""
    xml = ('<?xml version="1.0"?>\n<rows>' + "".join(
        f"<row><owner1>{escape(p.name)}</owner1><owner2>{escape(p.address)}</owner2><guardian1>x</guardian1>"
        f"<Manager1>{p.phone}</Manager1></row>" for p in PEOPLE) + "</rows>\n").encode()
    sheets = list(record_sheets(xml, Caps(), column_field, is_label))
    assert [list(s.rows)[0] for s in sheets] == [["owner1", "owner2", "guardian1", "Manager1"]]
