"""xml19: person records in XML exports (scanner.xmlrecords). Before, a client list exported as XML (elements, attributes,
an ADO recordset, a .NET DataSet; Shift_JIS, EUC-JP, UTF-16) under .xml, .dat, .txt or no name was read by no
inspector: no hit and no skip. One CLI scan of one tree serves the end-to-end tests; the reader's own tests run in
memory. People are Faker ja_JP with a fixed seed (tests.xml19_data); nothing here is real.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import ReadError
from scanner.inspectors.disguise import column_field, records_head
from scanner.sheet import Caps
from scanner.xmlrecords import record_sheets
from tests import xml19_data as X
from tests.conftest import hit_of, scan_findings, skip_of

PERSONS = len(X.PEOPLE)
ENCODED = {  # name -> bytes of the same export in another encoding or layout
    "sjis.xml": X.elements(encoding="Shift_JIS").encode("cp932"),
    "eucjp.xml": X.elements(encoding="EUC-JP").encode("euc_jp"),
    "utf16.xml": X.elements(encoding="UTF-16").encode("utf-16"),
    "oneline.xml": X.elements(indent=False).encode(),
}
NAMES = ("名簿.xml", "名簿.dat", "名簿.txt", "名簿", "名簿.jpg")
LAYOUTS = {"attributes.xml": X.attributes(), "ado.xml": X.ado(), "dataset.xml": X.dataset(), "nested.xml": X.nested()}
NOT_RECORDS = {"pom.xml": X.pom(), "feed.xml": X.atom(), "feed.dat": X.atom(), "rss.xml": X.rss(), "drawing.xml": X.svg(),
               "list.plist": X.plist(), "app.config": X.app_config(), "core.xml": X.core_properties(),
               "settings.xml": X.app_config()}


def _records_before(doc: bytes, at: int) -> int:
    return doc[:at].count("</利用者>".encode())


def _damaged() -> dict[str, tuple[bytes, int]]:
    """Damaged exports and how many records a reader must find at least."""
    doc = X.elements().encode()
    cut_at = doc.find("<住所>".encode(), len(doc) // 2)
    flipped = doc.replace("<氏名>".encode(), "<氏吊>".encode(), 1)  # a start tag's name changed (its end tag mismatches)
    zeroed_at = len(doc) // 3
    zeroed = doc[:zeroed_at] + bytes(300) + doc[zeroed_at + 300:]
    lost_lt = doc.replace("<住所>".encode(), "住所>".encode(), 5)[:]  # five records lose a '<'
    return {"cut.xml": (doc[:cut_at], _records_before(doc, cut_at)), "flipped.xml": (flipped, PERSONS - 1),
            "zeroed.xml": (zeroed, PERSONS - 2), "lost.dat": (lost_lt, PERSONS - 5)}


def _tree(root: Path) -> dict[str, Path]:
    tree = root / "tree"
    tree.mkdir()
    files: dict[str, Path] = {}

    def put(key: str, data: bytes) -> None:
        files[key] = tree / key
        files[key].write_bytes(data)

    for name in NAMES:
        put(name, X.elements().encode())
    for name, data in ENCODED.items():
        put(name, data)
    for name, text in {**LAYOUTS, **NOT_RECORDS}.items():
        put(name, text.encode())
    for name, (data, _) in _damaged().items():
        put(name, data)
    people = [{"氏名": p.name, "フリガナ": p.kana, "住所": p.address, "電話番号": p.phone} for p in X.PEOPLE]
    put("people.jsonl", "\n".join(json.dumps(p, ensure_ascii=False) for p in people).encode())
    put("people.json.dat", json.dumps({"利用者": people}, ensure_ascii=False).encode())
    return files


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], dict[str, Any]]:
    root = tmp_path_factory.mktemp("xml19")
    files = _tree(root)
    return files, scan_findings(root / "tree", root / "out")


def _records(found: dict[str, Any], path: Path) -> int | None:
    return ((hit_of(found, path) or {}).get("pii") or {}).get("records")


def test_an_xml_export_of_person_records_is_read_under_any_name(scanned: tuple[dict[str, Path], Any]) -> None:
    """The same client list under .xml, .dat, .txt, no name and .jpg: every person counted (was nothing)."""
    files, found = scanned
    wrong = {n: _records(found, files[n]) for n in NAMES if _records(found, files[n]) != PERSONS}
    assert not wrong, wrong
    assert all(skip_of(found, files[n]) is None for n in NAMES)


def test_declared_encodings_and_one_line_exports_are_read(scanned: tuple[dict[str, Path], Any]) -> None:
    files, found = scanned
    wrong = {n: _records(found, files[n]) for n in ENCODED if _records(found, files[n]) != PERSONS}
    assert not wrong, wrong


def test_records_as_attributes_ado_recordsets_datasets_and_nested_parts_are_read(
        scanned: tuple[dict[str, Path], Any]) -> None:
    """``<row name=… address=…/>``, ADO's ``<z:row>`` after its schema, a .NET DataSet's ``<Table>`` after an inline XML
    Schema, a namespaced export whose address is in parts and whose name is in a group with its reading."""
    files, found = scanned
    wrong = {n: _records(found, files[n]) for n in LAYOUTS if _records(found, files[n]) != PERSONS}
    assert not wrong, wrong


def test_xml_that_is_no_records_stays_clean(scanned: tuple[dict[str, Path], Any]) -> None:
    """A Maven POM's developers, an Atom feed's authors (also under .dat), an RSS feed, a drawing, a property list, a
    .NET configuration, an Office part: no hit, no skip (third-party XML measured in the notes)."""
    files, found = scanned
    noisy = {n: (hit_of(found, files[n]) or {}).get("reasons") or (skip_of(found, files[n]) or {}).get("reason")
             for n in NOT_RECORDS if hit_of(found, files[n]) is not None or skip_of(found, files[n]) is not None}
    assert not noisy, noisy


def test_damaged_xml_is_read_around_the_damage_and_listed(scanned: tuple[dict[str, Path], Any]) -> None:
    """Cut inside a record: the records before it, ``xml-records-cut``; a changed tag name, a zeroed block, lost ``<``:
    read on from the next element, ``xml-records-damaged`` (or the zeroed block said); each ``corrupt``."""
    files, found = scanned
    for name, (_, least) in _damaged().items():
        skip = skip_of(found, files[name])
        assert skip is not None and skip["reason"] == "corrupt", (name, skip)
        codes = {c["code"] for c in skip["detail_codes"]}
        assert codes & {"xml-records-cut", "xml-records-damaged", "nul-block"}, (name, codes)
        got = _records(found, files[name]) or 0
        assert least <= got <= PERSONS, (name, got, least)
    cut = skip_of(found, files["cut.xml"])
    assert cut is not None and any(c["code"] == "xml-records-cut" for c in cut["detail_codes"])


def test_json_lines_and_json_records_were_read_already(scanned: tuple[dict[str, Path], Any]) -> None:
    """(The brief asked: JSON Lines and arrays of records are jsontables' since session 15-17.)"""
    files, found = scanned
    assert _records(found, files["people.jsonl"]) == PERSONS
    assert _records(found, files["people.json.dat"]) == PERSONS


# --- the reader in memory ----------------------------------------------------------------------------------------------

def _sheets(data: bytes, caps: Caps | None = None) -> list[tuple[str, list[list[str]], list[str]]]:
    out = []
    for sheet in record_sheets(data, caps or Caps(timeout=60), column_field):
        rows = [list(map(str, r)) for r in sheet.rows]
        out.append((sheet.name, rows, list(sheet.damage)))
    return out


def test_a_records_parts_become_its_columns() -> None:
    """Address parts joined in document order into the address column; a group naming two kinds of field (name and
    reading) split into its columns; a list inside a record whose names name nobody (services) no sheet of its own."""
    sheets = {name: rows for name, rows, _ in _sheets(X.nested().encode())}
    clients = sheets["export/client"]
    assert clients[0][:4] == ["氏名", "カナ氏名", "住所", "連絡先"]
    for person, row in zip(X.PEOPLE, clients[1:], strict=True):
        assert row[:3] == [person.name, person.kana, person.address]
    assert list(sheets) == ["export/client"]
    without = {name: rows for name, rows, _ in record_sheets_of(X.nested().encode())}
    assert len(without["services/service"]) == 1 + 2 * PERSONS  # (read by the reader alone: a kind of its own)


def record_sheets_of(data: bytes) -> list[tuple[str, list[list[str]], list[str]]]:
    """The sheets without the person detector's words (every kind of record)."""
    return [(s.name, [list(map(str, r)) for r in s.rows], s.damage) for s in record_sheets(data, Caps(timeout=60))]


def test_entities_are_never_expanded_nor_loaded() -> None:
    """The billion laughs and an external entity (a file, a URL) in an export: the records are read, every reference
    left as the words it is."""
    decl, rest = X.elements().split("\n", 1)
    laughs = '<!ENTITY lol "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10))
    laughs = laughs.replace("&lol1;", "&lol;")
    bombs = f'{decl}\n<!DOCTYPE 利用者一覧 [{laughs}]>\n' + rest.replace("<要介護度>", "<要介護度>&lol9;")
    xxe = (f'{decl}\n<!DOCTYPE 利用者一覧 [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY y SYSTEM "http://127.0.0.1:9/">]>\n'
           + rest.replace("<要介護度>", "<要介護度>&x;&y;").replace('件数="', 'note="&x;" 件数="'))
    for doc in (bombs, xxe):
        (name, rows, damage), *_ = _sheets(doc.encode())
        assert len(rows) == 1 + PERSONS and not damage, (name, damage)
        values = "".join("".join(r) for r in rows)
        assert "lollol" not in values and "root:" not in values
        assert "&lol9;" in values or "&x;&y;" in values


@pytest.mark.parametrize("seed", range(6))
def test_a_flipped_byte_loses_at_most_the_record_it_is_in(seed: int) -> None:
    doc = X.elements().encode()
    rnd = random.Random(seed)
    at = rnd.randrange(len(doc) // 8, len(doc) - 40)
    damaged = bytearray(doc)
    damaged[at] ^= 1 << rnd.randrange(8)
    try:
        sheets = _sheets(bytes(damaged))
    except ReadError as e:  # the flip broke the XML before any record: listed, never clean
        assert e.reason == "corrupt", e.detail
        return
    rows = next(rows for name, rows, _ in sheets if name.endswith("利用者"))
    names = [r[1] for r in rows[1:]]
    assert len(names) == len(set(names)), "a record read twice"
    assert len(rows) - 1 >= PERSONS - 1, (at, len(rows) - 1)


@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.5, 0.77, 0.99])
def test_a_cut_export_gives_the_records_before_the_cut(fraction: float) -> None:
    doc = X.elements().encode()
    at = int(len(doc) * fraction)
    sheets = _sheets(doc[:at])
    rows = next(rows for name, rows, _ in sheets if name.endswith("利用者"))
    assert len(rows) - 1 == _records_before(doc, at)
    assert any(d.startswith("XML cut short") for _, _, damage in sheets for d in damage)


def test_a_file_over_the_cell_cap_is_listed_with_what_it_read() -> None:
    """The cell cap stops the reading: ``too-large``, the persons of the rows read counted (the rest never silently
    cut)."""
    from scanner.inspectors.spreadsheet import analyse_bytes

    findings, _, reading = analyse_bytes(X.elements().encode(), "xml", Caps(max_cells=9 * 12, timeout=60))
    assert reading.stopped is not None and reading.stopped[0] == "too-large"
    assert 0 < sum(len(f.records) for f in findings) < PERSONS


def test_the_head_check_reads_names_not_values() -> None:
    """The scan process's check (no parser): element and attribute names naming a person's name and one more
    personal field; a document, a feed, a build file or a page is none, whatever its names."""
    for text in (X.elements(), X.attributes(), X.ado(), X.dataset(), X.nested()):
        assert records_head(text.encode()[:65536]), text[:80]
    for text in (X.pom(), X.atom(), X.rss(), X.svg(), X.plist(), X.app_config(), X.core_properties()):
        assert not records_head(text.encode()[:65536]), text[:80]
    title_over_csv = "<会員名簿>\n氏名,住所\n山田,東京都\n".encode()
    assert not records_head(title_over_csv)
