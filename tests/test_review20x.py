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

from scanner.detectors.pii import analyse_sheet
from scanner.doctables import flat_objects
from scanner.inspectors.disguise import column_field
from scanner.sheet import Caps
from scanner.xmlrecords import record_sheets
from tests import xml19_data as X
from tests.conftest import hit_of, scan_findings, skip_of
from tests.test_xml20 import MAIN_TYPE, _document, flat

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


CODED_LATE = _coded_after_empty_rows()
FILES = {"coded-late.xml": CODED_LATE, "coded-late.jpg": CODED_LATE, "coded-late": CODED_LATE,
         "coded-col.xml": _coded_words()}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("review20x")
    tree = root / "tree"
    tree.mkdir()
    for name, data in FILES.items():
        (tree / name).write_bytes(data)
    return tree, scan_findings(tree, root / "out")


@pytest.mark.parametrize("name", ["coded-late.xml", "coded-late.jpg", "coded-late", "coded-col.xml"])
def test_coded_records_are_counted(scanned: tuple[Path, dict[str, Any]], name: str) -> None:
    """coded-late: the head check wants two coded elements holding text in the first 64 KiB, the tail check looked for
    person field names only: such a file ended as nothing (no hit, no skip) under .xml, .jpg and no name. coded-col:
    its header row ``col1 | col2 | col3`` was counted as a person (31)."""
    tree, found = scanned
    hit = hit_of(found, tree / name)
    assert hit is not None, (name, skip_of(found, tree / name))
    assert hit["pii"]["records"] == len(PEOPLE), hit["pii"]


@pytest.mark.parametrize("tag", ["col", "field", "data", "val", "C00"])
def test_a_coded_header_is_no_person(tag: str) -> None:
    """The coded tags were the sheet's header row; read as a header-less table's first row, ``col1 | col2 | col3`` (a
    word of three letters or more and a number) was counted as one more person (31 for 30)."""
    sheets = list(record_sheets(_coded_words(tag), Caps(), column_field))
    assert len(sheets) == 1
    found = analyse_sheet(sheets[0].name, list(sheets[0].rows))
    assert found is not None and len(found.records) == len(PEOPLE), len(found.records) if found else None
